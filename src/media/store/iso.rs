//! A plain `.iso` file as a read-only store: sector N is bytes N×2048.. of the file, read in
//! place with positioned reads (no copy into memory). Opening and sizing is
//! `crate::media::image::open_iso`.

use super::{ReadExtent, SectorStore, StoreError, byte_range, sector_span};
use std::fs::File;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// Every sector of `0..blocks` is written: the file's content.
pub struct IsoStore {
    file: File,
    path: PathBuf,
    blocks: u32,
}

impl IsoStore {
    /// Wrap an open file of `blocks` whole sectors (the caller checked its size).
    pub fn new(file: File, path: &Path, blocks: u32) -> IsoStore {
        IsoStore {
            file,
            path: path.to_path_buf(),
            blocks,
        }
    }

    pub fn blocks(&self) -> u32 {
        self.blocks
    }

    fn read_only(&self, action: &'static str) -> StoreError {
        StoreError::ReadOnly {
            what: format!("ISO image '{}'", self.path.display()),
            action,
        }
    }
}

impl SectorStore for IsoStore {
    fn write(&mut self, _lba: u32, _data: &[u8]) -> Result<(), StoreError> {
        Err(self.read_only("writing"))
    }

    fn read(&mut self, lba: u32, out: &mut [u8]) -> Result<ReadExtent, StoreError> {
        let span = sector_span(lba, out.len())?;
        let inside = span.start..span.end.min(self.blocks).max(span.start);
        let count = inside.end - inside.start;
        let offset = u64::from(inside.start) * super::SECTOR_BYTES as u64;
        self.file
            .read_exact_at(&mut out[byte_range(span.start, &inside)], offset)
            .map_err(|source| StoreError::Io {
                file: self.path.clone(),
                offset,
                action: "read",
                source,
            })?;
        out[byte_range(span.start, &(inside.end..span.end))].fill(0);
        Ok(ReadExtent {
            leading_written: count,
            written: count,
        })
    }

    fn discard(&mut self, _range: Range<u32>) -> Result<(), StoreError> {
        Err(self.read_only("blanking or formatting"))
    }

    fn written_runs(&self, range: Range<u32>) -> Vec<Range<u32>> {
        let run = range.start..range.end.min(self.blocks);
        if run.is_empty() { Vec::new() } else { vec![run] }
    }

    fn written_sectors(&self) -> u64 {
        u64::from(self.blocks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::store::SECTOR_BYTES;
    use crate::media::store::contract::sectors;

    fn iso(blocks: u32) -> (tempfile::NamedTempFile, IsoStore) {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), sectors(0, blocks, 7)).unwrap();
        let store = IsoStore::new(File::open(file.path()).unwrap(), file.path(), blocks);
        (file, store)
    }

    #[test]
    fn reads_in_place_and_past_the_end_as_unwritten() {
        let (_f, mut s) = iso(10);
        let mut out = vec![1u8; 4 * SECTOR_BYTES];
        assert_eq!(
            s.read(8, &mut out).unwrap(),
            ReadExtent {
                leading_written: 2,
                written: 2
            }
        );
        assert_eq!(&out[..2 * SECTOR_BYTES], &sectors(8, 2, 7)[..]);
        assert!(out[2 * SECTOR_BYTES..].iter().all(|&b| b == 0));
        assert_eq!(
            s.read(20, &mut out).unwrap(),
            ReadExtent {
                leading_written: 0,
                written: 0
            }
        );
        assert_eq!(s.written_runs(5..100), vec![5..10]);
        assert!(s.written_runs(10..100).is_empty());
    }

    #[test]
    fn refuses_writes_and_discards() {
        let (_f, mut s) = iso(1);
        assert!(matches!(
            s.write(0, &[0u8; SECTOR_BYTES]),
            Err(StoreError::ReadOnly { .. })
        ));
        assert!(matches!(s.discard(0..1), Err(StoreError::ReadOnly { .. })));
    }
}
