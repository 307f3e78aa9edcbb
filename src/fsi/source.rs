//! Where a file's bytes come from: a host file, bytes in memory, or any `Read + Seek` with a
//! declared size (IMAPI2's `IStream`). Sources are opened and read while the result image
//! streams, never copied up front, so memory does not grow with the amount of data.

use crate::hresult::{HResult, ImapiError};
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A reader the image can seek in while streaming.
pub trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// The data of one file item: a source and the size declared when the item was made. A source
/// whose real size differs when the image streams gives `IMAPI_E_DATA_STREAM_INCONSISTENCY`.
#[derive(Clone)]
pub struct FileData {
    kind: Kind,
    size: u64,
}

#[derive(Clone)]
enum Kind {
    Host(PathBuf),
    Bytes(Arc<[u8]>),
    /// A caller's stream, shared by every clone of the item (a change point, a result image).
    Reader(Arc<Mutex<Box<dyn ReadSeek>>>),
    /// Data already recorded on the disc by an earlier session, at this absolute LBA (imported):
    /// the new session's directories point at it and it is never written again (imapi2.md §3.3).
    Recorded {
        lba: u32,
    },
}

impl FileData {
    /// A host file; its size is taken now, its bytes are read when the image streams.
    pub fn from_host(path: impl Into<PathBuf>) -> io::Result<FileData> {
        let path = path.into();
        let size = std::fs::metadata(&path)?.len();
        Ok(FileData {
            kind: Kind::Host(path),
            size,
        })
    }

    /// Bytes held in memory.
    pub fn from_bytes(bytes: impl Into<Arc<[u8]>>) -> FileData {
        let bytes = bytes.into();
        FileData {
            size: bytes.len() as u64,
            kind: Kind::Bytes(bytes),
        }
    }

    /// Any seekable reader that promises `declared_size` bytes (IMAPI2 `AddFile(path, IStream)`).
    pub fn from_reader(reader: impl ReadSeek + 'static, declared_size: u64) -> FileData {
        FileData {
            kind: Kind::Reader(Arc::new(Mutex::new(Box::new(reader)))),
            size: declared_size,
        }
    }

    /// Data recorded by an earlier session at absolute block `lba`, `size` bytes long.
    pub fn recorded(lba: u32, size: u64) -> FileData {
        FileData {
            kind: Kind::Recorded { lba },
            size,
        }
    }

    /// Where an earlier session recorded this data, for imported files.
    pub fn recorded_lba(&self) -> Option<u32> {
        match self.kind {
            Kind::Recorded { lba } => Some(lba),
            _ => None,
        }
    }

    /// The declared size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The host path, for host files.
    pub fn host_path(&self) -> Option<&Path> {
        match &self.kind {
            Kind::Host(path) => Some(path),
            _ => None,
        }
    }

    /// Opens the source for reading and checks that it still holds the declared number of bytes.
    /// `item` names the file in errors (`IMAPI_E_DATA_STREAM_*`, imapi2.md §1.1).
    pub(crate) fn open(&self, item: &str) -> Result<OpenData, ImapiError> {
        let (open, found) = match &self.kind {
            Kind::Host(path) => {
                let file = File::open(path).map_err(|e| create_failure(item, &e))?;
                let actual = file.metadata().map_err(|e| read_failure(item, &e))?.len();
                (OpenData::File { file, position: 0 }, actual)
            }
            Kind::Bytes(bytes) => (OpenData::Bytes(bytes.clone()), bytes.len() as u64),
            Kind::Recorded { lba } => {
                // Recorded data lies outside the new image, which references it in place.
                return Err(ImapiError::with(
                    crate::hresult::HResult::IMAPI_E_FSI_INTERNAL_ERROR,
                    [format!("{item}: recorded at block {lba} by an earlier session")],
                ));
            }
            Kind::Reader(shared) => {
                let actual = {
                    let mut reader = shared
                        .lock()
                        .map_err(|_| read_failure(item, &io::Error::other("poisoned")))?;
                    reader.seek(SeekFrom::End(0)).map_err(|e| read_failure(item, &e))?
                };
                (OpenData::Reader(shared.clone()), actual)
            }
        };
        if found != self.size {
            return Err(inconsistent(item, self.size, found));
        }
        Ok(open)
    }
}

impl fmt::Debug for FileData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Host(path) => write!(f, "FileData::Host({}, {} bytes)", path.display(), self.size),
            Kind::Bytes(_) => write!(f, "FileData::Bytes({} bytes)", self.size),
            Kind::Reader(_) => write!(f, "FileData::Reader({} bytes)", self.size),
            Kind::Recorded { lba } => write!(f, "FileData::Recorded(LBA {lba}, {} bytes)", self.size),
        }
    }
}

/// An opened source, read at explicit offsets.
pub(crate) enum OpenData {
    File { file: File, position: u64 },
    Bytes(Arc<[u8]>),
    Reader(Arc<Mutex<Box<dyn ReadSeek>>>),
}

impl OpenData {
    /// Fills `buf` from byte `offset` of the source. Running out of bytes before `buf` is full
    /// means the source shrank since it was opened: `IMAPI_E_DATA_STREAM_INCONSISTENCY`.
    pub(crate) fn read_exact_at(&mut self, offset: u64, buf: &mut [u8], item: &str, declared: u64) -> io::Result<()> {
        let mut done = 0;
        while done < buf.len() {
            let at = offset + done as u64;
            let n = match self {
                OpenData::File { file, position } => {
                    read_file_at(file, position, at, &mut buf[done..]).map_err(|e| read_failure(item, &e))?
                }
                OpenData::Bytes(bytes) => {
                    let start = (at as usize).min(bytes.len());
                    let n = (bytes.len() - start).min(buf.len() - done);
                    buf[done..done + n].copy_from_slice(&bytes[start..start + n]);
                    n
                }
                OpenData::Reader(shared) => {
                    let mut reader = shared
                        .lock()
                        .map_err(|_| read_failure(item, &io::Error::other("poisoned")))?;
                    reader.seek(SeekFrom::Start(at)).map_err(|e| read_failure(item, &e))?;
                    retry(|| reader.read(&mut buf[done..])).map_err(|e| read_failure(item, &e))?
                }
            };
            if n == 0 {
                return Err(inconsistent(item, declared, at).into());
            }
            done += n;
        }
        Ok(())
    }
}

/// Reads from a host file at `at`. Holes of a sparse file are not read but filled with zeros
/// (Linux `SEEK_DATA` / `SEEK_HOLE`), so a mostly empty 10 GiB file streams at memory speed.
#[cfg(target_os = "linux")]
fn read_file_at(file: &mut File, _position: &mut u64, at: u64, buf: &mut [u8]) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    use std::os::unix::io::AsRawFd;
    let fd = file.as_raw_fd();
    let Ok(offset) = libc::off_t::try_from(at) else {
        return retry(|| file.read_at(buf, at));
    };
    // SAFETY: lseek on a file descriptor this File owns; it only moves the (unused) file offset.
    let data = unsafe { libc::lseek(fd, offset, libc::SEEK_DATA) };
    if data < 0 {
        return match io::Error::last_os_error().raw_os_error() {
            // No data after `at`: the rest is a hole up to the file size (or we are at the end).
            Some(libc::ENXIO) => {
                let size = file.metadata()?.len();
                let n = size.saturating_sub(at).min(buf.len() as u64) as usize;
                buf[..n].fill(0);
                Ok(n)
            }
            _ => retry(|| file.read_at(buf, at)),
        };
    }
    let data = data as u64;
    if data > at {
        let n = (data - at).min(buf.len() as u64) as usize;
        buf[..n].fill(0);
        return Ok(n);
    }
    // SAFETY: as above.
    let hole = unsafe { libc::lseek(fd, offset, libc::SEEK_HOLE) };
    let n = if hole > offset {
        ((hole as u64 - at) as usize).min(buf.len())
    } else {
        buf.len()
    };
    retry(|| file.read_at(&mut buf[..n], at))
}

#[cfg(not(target_os = "linux"))]
fn read_file_at(file: &mut File, position: &mut u64, at: u64, buf: &mut [u8]) -> io::Result<usize> {
    if *position != at {
        file.seek(SeekFrom::Start(at))?;
        *position = at;
    }
    let n = retry(|| file.read(buf))?;
    *position += n as u64;
    Ok(n)
}

fn retry(mut read: impl FnMut() -> io::Result<usize>) -> io::Result<usize> {
    loop {
        match read() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// `IMAPI_E_DATA_STREAM_INCONSISTENCY`: expected `declared` bytes, found `found`.
pub(crate) fn inconsistent(item: &str, declared: u64, found: u64) -> ImapiError {
    ImapiError::with(
        HResult::IMAPI_E_DATA_STREAM_INCONSISTENCY,
        [item.to_string(), declared.to_string(), found.to_string()],
    )
}

/// `IMAPI_E_DATA_STREAM_READ_FAILURE`, with the operating system's reason appended.
pub(crate) fn read_failure(item: &str, cause: &io::Error) -> ImapiError {
    ImapiError::with(
        HResult::IMAPI_E_DATA_STREAM_READ_FAILURE,
        [item.to_string(), cause.to_string()],
    )
}

/// `IMAPI_E_DATA_STREAM_CREATE_FAILURE` (a file that cannot be opened), with the reason.
pub(crate) fn create_failure(item: &str, cause: &io::Error) -> ImapiError {
    ImapiError::with(
        HResult::IMAPI_E_DATA_STREAM_CREATE_FAILURE,
        [item.to_string(), cause.to_string()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn bytes_read_at_offsets() {
        let data = FileData::from_bytes(b"hello world".to_vec());
        let mut open = data.open("/x").unwrap();
        let mut buf = [0u8; 5];
        open.read_exact_at(6, &mut buf, "/x", 11).unwrap();
        assert_eq!(&buf, b"world");
    }

    #[test]
    fn a_reader_with_the_wrong_declared_size_is_inconsistent() {
        let data = FileData::from_reader(Cursor::new(vec![1u8; 7]), 10);
        let err = data.open("/f").err().unwrap();
        assert_eq!(err.code, HResult::IMAPI_E_DATA_STREAM_INCONSISTENCY);
        assert_eq!(err.params, ["/f", "10", "7"]);
    }

    #[test]
    fn a_host_file_that_grew_is_inconsistent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"abc").unwrap();
        let data = FileData::from_host(&path).unwrap();
        std::fs::write(&path, b"abcdef").unwrap();
        assert_eq!(
            data.open("/f").err().unwrap().code,
            HResult::IMAPI_E_DATA_STREAM_INCONSISTENCY
        );
    }

    #[test]
    fn holes_of_sparse_files_read_as_zeros() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sparse");
        let mut file = File::create(&path).unwrap();
        file.seek(SeekFrom::Start(1 << 20)).unwrap();
        std::io::Write::write_all(&mut file, b"data").unwrap();
        file.set_len(3 << 20).unwrap();
        let data = FileData::from_host(&path).unwrap();
        let mut open = data.open("/s").unwrap();
        let mut buf = vec![1u8; 3 << 20];
        open.read_exact_at(0, &mut buf, "/s", 3 << 20).unwrap();
        assert!(buf[..1 << 20].iter().all(|&b| b == 0));
        assert_eq!(&buf[1 << 20..(1 << 20) + 4], b"data");
        assert!(buf[(1 << 20) + 4..].iter().all(|&b| b == 0));
        let mut tail = [1u8; 10];
        open.read_exact_at((3 << 20) - 10, &mut tail, "/s", 3 << 20).unwrap();
        assert_eq!(tail, [0; 10]);
    }

    #[test]
    fn a_missing_host_file_cannot_be_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"abc").unwrap();
        let data = FileData::from_host(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(
            data.open("/f").err().unwrap().code,
            HResult::IMAPI_E_DATA_STREAM_CREATE_FAILURE
        );
    }
}
