//! The file-backed store of a media image: `sectors.bin` holds written sectors only, appended and
//! never overwritten once committed (copy-on-write), and `extents.log` says where each LBA run's
//! data lives, one 32-byte record per run of at most [`MAX_RECORD_SECTORS`] sectors. Loading
//! replays the log into an [`ExtentMap`] without reading sector data; each record's data checksum
//! is verified on the first read that touches it. Layout and commit protocol:
//! `docs/media-image.md`; the manifest side lives in `crate::media::image`.

use super::log::{CRC32, MAX_RECORD_SECTORS, RECORD_BYTES, Record};
use super::{Extent, ExtentMap, ReadExtent, SECTOR_BYTES, SectorStore, StoreError, byte_range, sector_span};
use crc::{Digest, Table};
use std::fs::{File, OpenOptions};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

type Crc32Digest = Digest<'static, u32, Table<16>>;

/// Name of the sector data file inside an image directory.
pub const DATA_FILE: &str = "sectors.bin";
/// Name of the extent log inside an image directory.
pub const LOG_FILE: &str = "extents.log";

/// The committed state of the two data files: what the manifest records and loading trusts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitPoint {
    pub data_bytes: u64,
    pub log_bytes: u64,
    pub log_crc32: u32,
}

impl CommitPoint {
    /// Two empty files.
    pub const EMPTY: CommitPoint = CommitPoint {
        data_bytes: 0,
        log_bytes: 0,
        log_crc32: 0,
    };
}

/// Where a run's data is: byte offset in `sectors.bin` and the log record that wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Placement {
    offset: u64,
    record: u32,
}

impl Extent for Placement {
    fn advance(self, sectors: u32) -> Placement {
        Placement {
            offset: self.offset + u64::from(sectors) * SECTOR_BYTES as u64,
            record: self.record,
        }
    }
    fn continues(&self, prev: &Placement, prev_sectors: u32) -> bool {
        self.record == prev.record && *self == prev.advance(prev_sectors)
    }
}

/// A write record's data, for the lazy checksum check.
#[derive(Debug, Clone)]
struct RecordData {
    lbas: Range<u32>,
    offset: u64,
    crc: u32,
    /// Checked already, or written by this process (its checksum came from our own buffer).
    verified: bool,
}

/// Why the data files of an image cannot be loaded. Names the file; `crate::media::image` adds
/// the image path.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{file} is missing (the image is incomplete; restore it from a copy)")]
    Missing { file: &'static str },
    #[error("{file} is truncated: {actual} bytes, manifest expects {expected} (restore the image from a copy)")]
    Truncated {
        file: &'static str,
        actual: u64,
        expected: u64,
    },
    #[error("{file} record at byte offset {offset}: {what} (the log is damaged; restore the image from a copy)")]
    BadRecord {
        file: &'static str,
        offset: u64,
        what: String,
    },
    #[error("{file} does not match the checksum in manifest.ron (restore the image from a copy)")]
    Checksum { file: &'static str },
    #[error("manifest.ron records {what}, which is impossible (the manifest is damaged)")]
    BadCommitPoint { what: String },
    #[error("{file} is in use by another process (close the other burnbench or drive first)")]
    InUse { file: &'static str },
    #[error("{file}: {action}: {source}")]
    Io {
        file: &'static str,
        action: &'static str,
        source: std::io::Error,
    },
}

/// Sectors of a media image on disk. Writes land in `sectors.bin` at once (past the committed
/// length) and are recorded in memory; [`crate::media::image::MediaImage::commit`] makes them
/// durable.
pub struct FileStore {
    data: File,
    data_path: PathBuf,
    log: File,
    map: ExtentMap<Placement>,
    records: Vec<RecordData>,
    committed: CommitPoint,
    /// CRC state over the committed log bytes, continued by each commit.
    log_digest: Crc32Digest,
    /// Where the next write's data goes in `sectors.bin`.
    data_end: u64,
    /// Log records not yet committed, in order.
    pending: Vec<Record>,
    /// Running data checksum of the last pending record while later writes may still extend it.
    open_record: Option<Crc32Digest>,
    /// Buffer for verifying a record's data (up to 1 MiB, allocated once).
    scratch: Vec<u8>,
}

fn open_rw(dir: &Path, file: &'static str) -> Result<File, LoadError> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open(dir.join(file))
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => LoadError::Missing { file },
            _ => LoadError::Io {
                file,
                action: "open",
                source,
            },
        })
}

fn length(file: &File, name: &'static str) -> Result<u64, LoadError> {
    file.metadata().map(|m| m.len()).map_err(|source| LoadError::Io {
        file: name,
        action: "stat",
        source,
    })
}

/// How long `lock` waits for a holder to let go: a process that forks (to run a program) holds a
/// copy of every descriptor until the child execs, which can briefly keep a just-closed image
/// locked.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_millis(500);

/// Take an exclusive advisory lock so two processes never append to one image.
fn lock(file: &File, name: &'static str) -> Result<(), LoadError> {
    use std::os::fd::AsRawFd;
    let deadline = std::time::Instant::now() + LOCK_PATIENCE;
    let source = loop {
        // SAFETY: flock on a descriptor we own; no memory is passed.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return Ok(());
        }
        let source = std::io::Error::last_os_error();
        if source.raw_os_error() != Some(libc::EWOULDBLOCK) || std::time::Instant::now() >= deadline {
            break source;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    match source.raw_os_error() {
        Some(libc::EWOULDBLOCK) => Err(LoadError::InUse { file: name }),
        _ => Err(LoadError::Io {
            file: name,
            action: "lock",
            source,
        }),
    }
}

impl FileStore {
    /// Load the data files of the image directory `dir` as of the commit `point`. Reads the log
    /// (index only), never the sector data. Bytes past the committed lengths are ignored.
    pub(crate) fn open(dir: &Path, point: CommitPoint) -> Result<FileStore, LoadError> {
        if !point.data_bytes.is_multiple_of(SECTOR_BYTES as u64) || !point.log_bytes.is_multiple_of(RECORD_BYTES as u64)
        {
            let what = format!("{} data bytes and {} log bytes", point.data_bytes, point.log_bytes);
            return Err(LoadError::BadCommitPoint {
                what: format!("{what}, not whole sectors and records"),
            });
        }
        let data = open_rw(dir, DATA_FILE)?;
        lock(&data, DATA_FILE)?;
        let log = open_rw(dir, LOG_FILE)?;
        for (file, name, expected) in [(&data, DATA_FILE, point.data_bytes), (&log, LOG_FILE, point.log_bytes)] {
            let actual = length(file, name)?;
            if actual < expected {
                return Err(LoadError::Truncated {
                    file: name,
                    actual,
                    expected,
                });
            }
        }
        let mut bytes = vec![0u8; point.log_bytes as usize];
        log.read_exact_at(&mut bytes, 0).map_err(|source| LoadError::Io {
            file: LOG_FILE,
            action: "read",
            source,
        })?;
        let mut store = FileStore {
            data,
            data_path: dir.join(DATA_FILE),
            log,
            map: ExtentMap::new(),
            records: Vec::new(),
            committed: point,
            log_digest: CRC32.digest(),
            data_end: point.data_bytes,
            pending: Vec::new(),
            open_record: None,
            scratch: Vec::new(),
        };
        for (i, raw) in bytes.chunks_exact(RECORD_BYTES).enumerate() {
            let offset = (i * RECORD_BYTES) as u64;
            let record = Record::decode(raw, point.data_bytes).map_err(|what| LoadError::BadRecord {
                file: LOG_FILE,
                offset,
                what,
            })?;
            store.apply(record, false);
        }
        store.log_digest.update(&bytes);
        if store.log_digest.clone().finalize() != point.log_crc32 {
            return Err(LoadError::Checksum { file: LOG_FILE });
        }
        Ok(store)
    }

    /// Create empty data files in `dir` (which must exist).
    #[cfg(test)]
    pub(crate) fn create_empty(dir: &Path) -> Result<(), StoreError> {
        for name in [DATA_FILE, LOG_FILE] {
            let path = dir.join(name);
            let file = File::create(&path).map_err(|source| io_error(&path, 0, "create", source))?;
            file.sync_all().map_err(|source| io_error(&path, 0, "sync", source))?;
        }
        Ok(())
    }

    /// Apply a record to the index; `fresh` records come from this process's own writes.
    fn apply(&mut self, record: Record, fresh: bool) {
        match record {
            Record::Write {
                lba,
                count,
                data_offset,
                data_crc,
            } => {
                let id = self.records.len() as u32;
                let lbas = lba..lba + count;
                self.records.push(RecordData {
                    lbas: lbas.clone(),
                    offset: data_offset,
                    crc: data_crc,
                    verified: fresh,
                });
                self.map.insert(
                    lbas,
                    Placement {
                        offset: data_offset,
                        record: id,
                    },
                );
            }
            Record::Discard { lba, count } => {
                self.map.remove(lba..lba + count);
            }
        }
    }

    /// Seal the last pending write record: later writes start a new one.
    fn close_open_record(&mut self) {
        if let Some(digest) = self.open_record.take()
            && let Some(Record::Write { data_crc, .. }) = self.pending.last_mut()
        {
            *data_crc = digest.finalize();
        }
    }

    /// Check a record's data against its checksum once; errors name the file and offset.
    fn verify(&mut self, id: u32) -> Result<(), StoreError> {
        let record = &self.records[id as usize];
        if record.verified {
            return Ok(());
        }
        let bytes = (record.lbas.end - record.lbas.start) as usize * SECTOR_BYTES;
        self.scratch.resize(bytes, 0);
        self.data
            .read_exact_at(&mut self.scratch[..bytes], record.offset)
            .map_err(|source| io_error(&self.data_path, record.offset, "read", source))?;
        if CRC32.checksum(&self.scratch[..bytes]) != record.crc {
            return Err(StoreError::Corrupt {
                file: self.data_path.clone(),
                offset: record.offset,
                bytes: bytes as u64,
                lbas: record.lbas.clone(),
            });
        }
        self.records[id as usize].verified = true;
        Ok(())
    }

    /// The commit point before anything pending: what the manifest on disk says.
    pub fn committed(&self) -> CommitPoint {
        self.committed
    }

    /// True when writes or discards happened since the last commit.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// First half of a commit: append the pending log records, cut any bytes a crash left past
    /// the new ends, and fsync both files. Returns the commit point for the manifest; nothing is
    /// committed until [`FileStore::mark_committed`] follows the manifest's atomic replacement.
    pub(crate) fn sync_pending(&mut self) -> Result<CommitPoint, StoreError> {
        self.close_open_record();
        if self.pending.is_empty() {
            return Ok(self.committed);
        }
        let mut bytes = Vec::with_capacity(self.pending.len() * RECORD_BYTES);
        for record in &self.pending {
            bytes.extend_from_slice(&record.encode());
        }
        let log_path = self.data_path.with_file_name(LOG_FILE);
        let log_at = self.committed.log_bytes;
        self.log
            .write_all_at(&bytes, log_at)
            .map_err(|e| io_error(&log_path, log_at, "write", e))?;
        let log_end = log_at + bytes.len() as u64;
        for (file, path, end) in [
            (&self.data, &self.data_path, self.data_end),
            (&self.log, &log_path, log_end),
        ] {
            let len = file.metadata().map_err(|e| io_error(path, 0, "stat", e))?.len();
            if len > end {
                file.set_len(end).map_err(|e| io_error(path, end, "truncate", e))?;
            }
            file.sync_data().map_err(|e| io_error(path, 0, "sync", e))?;
        }
        let mut digest = self.log_digest.clone();
        digest.update(&bytes);
        Ok(CommitPoint {
            data_bytes: self.data_end,
            log_bytes: log_end,
            log_crc32: digest.finalize(),
        })
    }

    /// Second half of a commit: the manifest now records `point` (from `sync_pending`).
    pub(crate) fn mark_committed(&mut self, point: CommitPoint) {
        if point == self.committed {
            return;
        }
        for record in &self.pending {
            self.log_digest.update(&record.encode());
        }
        debug_assert_eq!(self.log_digest.clone().finalize(), point.log_crc32);
        self.pending.clear();
        self.committed = point;
    }

    /// Write the live sectors of `source` into the empty data files of `dir`, in LBA order, one
    /// record per run piece of at most [`MAX_RECORD_SECTORS`]; fsync them. The result depends only
    /// on the sectors, so the same content gives byte-identical files. Returns the commit point
    /// and the number of sectors written.
    /// `progress` hears the number of sectors copied so far after each record.
    pub(crate) fn write_compact(
        dir: &Path,
        source: &mut dyn SectorStore,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(CommitPoint, u64), StoreError> {
        let data_path = dir.join(DATA_FILE);
        let log_path = dir.join(LOG_FILE);
        let data = File::create(&data_path).map_err(|e| io_error(&data_path, 0, "create", e))?;
        let mut buf = vec![0u8; MAX_RECORD_SECTORS as usize * SECTOR_BYTES];
        let mut log = Vec::new();
        let mut offset = 0u64;
        for run in source.written_runs(0..u32::MAX) {
            let mut lba = run.start;
            while lba < run.end {
                let count = (run.end - lba).min(MAX_RECORD_SECTORS);
                let piece = &mut buf[..count as usize * SECTOR_BYTES];
                let found = source.read(lba, piece)?;
                if !found.all_written(count) {
                    return Err(StoreError::Vanished { lbas: lba..lba + count });
                }
                data.write_all_at(piece, offset)
                    .map_err(|e| io_error(&data_path, offset, "write", e))?;
                let record = Record::Write {
                    lba,
                    count,
                    data_offset: offset,
                    data_crc: CRC32.checksum(piece),
                };
                log.extend_from_slice(&record.encode());
                offset += piece.len() as u64;
                lba += count;
                progress(offset / SECTOR_BYTES as u64);
            }
        }
        data.sync_all().map_err(|e| io_error(&data_path, 0, "sync", e))?;
        std::fs::write(&log_path, &log).map_err(|e| io_error(&log_path, 0, "write", e))?;
        File::open(&log_path)
            .and_then(|f| f.sync_all())
            .map_err(|e| io_error(&log_path, 0, "sync", e))?;
        let point = CommitPoint {
            data_bytes: offset,
            log_bytes: log.len() as u64,
            log_crc32: CRC32.checksum(&log),
        };
        Ok((point, offset / SECTOR_BYTES as u64))
    }
}

fn io_error(file: &Path, offset: u64, action: &'static str, source: std::io::Error) -> StoreError {
    StoreError::Io {
        file: file.to_path_buf(),
        offset,
        action,
        source,
    }
}

impl SectorStore for FileStore {
    fn write(&mut self, lba: u32, data: &[u8]) -> Result<(), StoreError> {
        let span = sector_span(lba, data.len())?;
        if span.is_empty() {
            return Ok(());
        }
        // Past the committed length only: committed bytes are never overwritten.
        self.data
            .write_all_at(data, self.data_end)
            .map_err(|e| io_error(&self.data_path, self.data_end, "write", e))?;
        let mut at = span.start;
        while at < span.end {
            let offset = self.data_end + u64::from(at - span.start) * SECTOR_BYTES as u64;
            let extends = match (&self.open_record, self.pending.last()) {
                (
                    Some(_),
                    Some(Record::Write {
                        lba,
                        count,
                        data_offset,
                        ..
                    }),
                ) => {
                    lba + count == at
                        && data_offset + u64::from(*count) * SECTOR_BYTES as u64 == offset
                        && *count < MAX_RECORD_SECTORS
                }
                _ => false,
            };
            if !extends {
                self.close_open_record();
                self.pending.push(Record::Write {
                    lba: at,
                    count: 0,
                    data_offset: offset,
                    data_crc: 0,
                });
                self.records.push(RecordData {
                    lbas: at..at,
                    offset,
                    crc: 0,
                    verified: true,
                });
                self.open_record = Some(CRC32.digest());
            }
            let Some(Record::Write { count, .. }) = self.pending.last_mut() else {
                unreachable!()
            };
            let take = (MAX_RECORD_SECTORS - *count).min(span.end - at);
            *count += take;
            let piece = at..at + take;
            if let Some(digest) = self.open_record.as_mut() {
                digest.update(&data[byte_range(span.start, &piece)]);
            }
            let id = self.records.len() as u32 - 1;
            self.records[id as usize].lbas.end = piece.end;
            self.map.insert(piece, Placement { offset, record: id });
            at += take;
        }
        self.data_end += data.len() as u64;
        Ok(())
    }

    fn read(&mut self, lba: u32, out: &mut [u8]) -> Result<ReadExtent, StoreError> {
        let span = sector_span(lba, out.len())?;
        let mut found = ReadExtent {
            leading_written: 0,
            written: 0,
        };
        let mut at = span.start;
        while let Some((run, placement)) = self.map.first_in(at..span.end) {
            out[byte_range(span.start, &(at..run.start))].fill(0);
            if run.start == span.start + found.leading_written {
                found.leading_written += run.end - run.start;
            }
            found.written += run.end - run.start;
            self.verify(placement.record)?;
            self.data
                .read_exact_at(&mut out[byte_range(span.start, &run)], placement.offset)
                .map_err(|e| io_error(&self.data_path, placement.offset, "read", e))?;
            at = run.end;
        }
        out[byte_range(span.start, &(at..span.end))].fill(0);
        Ok(found)
    }

    fn discard(&mut self, range: Range<u32>) -> Result<(), StoreError> {
        // A discard must follow every earlier write in the log, so the open record ends here.
        self.close_open_record();
        if self.map.remove(range.clone()) > 0 {
            self.pending.push(Record::Discard {
                lba: range.start,
                count: range.end - range.start,
            });
        }
        Ok(())
    }

    fn written_runs(&self, range: Range<u32>) -> Vec<Range<u32>> {
        self.map.runs(range)
    }

    fn leading_written(&self, range: Range<u32>) -> u32 {
        self.map.leading(range)
    }

    fn written_sectors(&self) -> u64 {
        self.map.sectors()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::store::contract;

    fn fresh() -> (tempfile::TempDir, FileStore) {
        let dir = tempfile::tempdir().unwrap();
        FileStore::create_empty(dir.path()).unwrap();
        let store = FileStore::open(dir.path(), CommitPoint::EMPTY).unwrap();
        (dir, store)
    }

    #[test]
    fn file_store_meets_the_store_contract() {
        let mut dirs = Vec::new();
        contract::all(&mut || {
            let (dir, store) = fresh();
            dirs.push(dir);
            Box::new(store)
        });
    }

    #[test]
    fn sequential_writes_share_records_of_at_most_512_sectors() {
        let (_dir, mut s) = fresh();
        for i in 0..100u32 {
            s.write(i * 16, &contract::sectors(i * 16, 16, 1)).unwrap();
        }
        assert_eq!(s.pending.len(), 4); // 1600 sectors = 512 + 512 + 512 + 64
        assert_eq!(s.map.entries(), 4); // one entry per record, not one per WRITE
        s.discard(10..20).unwrap();
        s.write(1600, &contract::sectors(1600, 1, 1)).unwrap();
        assert_eq!(s.pending.len(), 6);
    }

    #[test]
    fn commit_then_reopen_replays_the_log() {
        let (dir, mut s) = fresh();
        s.write(5, &contract::sectors(5, 600, 1)).unwrap();
        s.write(10, &contract::sectors(10, 2, 2)).unwrap();
        s.discard(100..110).unwrap();
        let point = s.sync_pending().unwrap();
        s.mark_committed(point);
        s.write(300, &contract::sectors(300, 1, 3)).unwrap(); // never committed
        drop(s);
        let mut s = FileStore::open(dir.path(), point).unwrap();
        assert_eq!(s.written_runs(0..u32::MAX), vec![5..100, 110..605]);
        let mut out = vec![0u8; 4 * SECTOR_BYTES];
        s.read(9, &mut out).unwrap();
        assert_eq!(&out[SECTOR_BYTES..3 * SECTOR_BYTES], &contract::sectors(10, 2, 2)[..]);
        assert_eq!(&out[3 * SECTOR_BYTES..], &contract::sectors(12, 1, 1)[..]);
        s.read(300, &mut out).unwrap();
        assert_eq!(&out[..SECTOR_BYTES], &contract::sectors(300, 1, 1)[..]);
    }

    #[test]
    fn a_crash_tail_is_cut_by_the_next_commit() {
        let (dir, mut s) = fresh();
        s.write(0, &contract::sectors(0, 4, 1)).unwrap();
        let point = s.sync_pending().unwrap();
        s.mark_committed(point);
        s.write(4, &contract::sectors(4, 4, 1)).unwrap();
        drop(s); // "crash": data past the commit point stays in the file
        let mut s = FileStore::open(dir.path(), point).unwrap();
        s.write(100, &contract::sectors(100, 1, 2)).unwrap();
        let next = s.sync_pending().unwrap();
        assert_eq!(next.data_bytes, 5 * SECTOR_BYTES as u64);
        assert_eq!(
            std::fs::metadata(dir.path().join(DATA_FILE)).unwrap().len(),
            next.data_bytes
        );
    }

    #[test]
    fn second_open_of_the_same_files_is_refused() {
        let (dir, _s) = fresh();
        let err = FileStore::open(dir.path(), CommitPoint::EMPTY).err().unwrap();
        assert!(matches!(err, LoadError::InUse { file: DATA_FILE }), "{err}");
    }
}
