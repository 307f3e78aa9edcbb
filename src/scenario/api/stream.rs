//! The streams `Writer(op: Write(..))` hands to the data writer: blocks of a pattern made as they
//! are read (a stream larger than any disc costs nothing), a count of zero bytes, a fixture file,
//! or a stream that cannot seek.

use crate::scenario::api_schema::Stream;
use crate::scenario::command::BLOCK_BYTES;
use crate::scenario::load::resolve;
use crate::scenario::schema::Pattern;
use std::cell::Cell;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

/// A stream for one write. `Lba` blocks are stamped with `start_lba` + their index; the runner
/// sets `start_lba` from the write's progress events, which report it before any block is read.
pub struct WriteStream {
    source: Source,
    pub start_lba: Rc<Cell<u32>>,
}

enum Source {
    Made {
        length: u64,
        position: u64,
        pattern: Pattern,
    },
    File(std::fs::File),
    Unseekable {
        length: u64,
        position: u64,
    },
}

impl WriteStream {
    /// The stream of `spec`; `file` (the scenario) resolves fixture paths.
    pub fn open(spec: &Stream, file: &Path) -> Result<WriteStream, String> {
        let block = BLOCK_BYTES as u64;
        let source = match spec {
            Stream::Blocks { count, pattern } => Source::Made {
                length: u64::from(*count) * block,
                position: 0,
                pattern: *pattern,
            },
            Stream::Bytes(length) => Source::Made {
                length: *length,
                position: 0,
                pattern: Pattern::Fill(0),
            },
            Stream::File(path) => {
                let path = resolve(file, path)?;
                Source::File(std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?)
            }
            Stream::Unseekable(count) => Source::Unseekable {
                length: u64::from(*count) * block,
                position: 0,
            },
        };
        Ok(WriteStream {
            source,
            start_lba: Rc::new(Cell::new(0)),
        })
    }
}

impl Read for WriteStream {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        match &mut self.source {
            Source::File(file) => file.read(buffer),
            Source::Unseekable { length, position } => {
                let n = (*length - *position).min(buffer.len() as u64) as usize;
                buffer[..n].fill(0);
                *position += n as u64;
                Ok(n)
            }
            Source::Made {
                length,
                position,
                pattern,
            } => {
                let n = (*length - (*position).min(*length)).min(buffer.len() as u64) as usize;
                let block = BLOCK_BYTES as u64;
                for (i, byte) in buffer[..n].iter_mut().enumerate() {
                    let at = *position + i as u64;
                    *byte = match pattern {
                        Pattern::Fill(fill) => *fill,
                        Pattern::Lba => {
                            let lba = self.start_lba.get().wrapping_add((at / block) as u32);
                            lba.to_be_bytes()[(at % 4) as usize]
                        }
                    };
                }
                *position += n as u64;
                Ok(n)
            }
        }
    }
}

impl Seek for WriteStream {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        match &mut self.source {
            Source::File(file) => file.seek(to),
            Source::Unseekable { .. } => Err(io::Error::new(io::ErrorKind::Unsupported, "the stream cannot seek")),
            Source::Made { length, position, .. } => {
                let target = match to {
                    SeekFrom::Start(n) => Some(n),
                    SeekFrom::End(d) => length.checked_add_signed(d),
                    SeekFrom::Current(d) => position.checked_add_signed(d),
                };
                let target = target.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before 0"))?;
                *position = target;
                Ok(target)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lba_blocks_carry_the_lba_they_land_on() {
        let mut stream = WriteStream::open(
            &Stream::Blocks {
                count: 2,
                pattern: Pattern::Lba,
            },
            Path::new("x.ron"),
        )
        .unwrap();
        stream.start_lba.set(0x100);
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes.len(), 4096);
        assert_eq!(&bytes[..8], &[0, 0, 1, 0, 0, 0, 1, 0]);
        assert_eq!(&bytes[2048..2052], &[0, 0, 1, 1]);
        assert_eq!(stream.seek(SeekFrom::End(0)).unwrap(), 4096);
    }

    #[test]
    fn an_unseekable_stream_refuses_to_seek() {
        let mut stream = WriteStream::open(&Stream::Unseekable(1), Path::new("x.ron")).unwrap();
        assert!(stream.seek(SeekFrom::End(0)).is_err());
    }
}
