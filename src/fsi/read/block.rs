//! Positioned block reading for import: an image file today, a drive through READ(10) later.
//! Addresses are absolute LBAs of 2048-byte blocks; a later session is read by starting at its
//! first block (udf-iso.md §3.1).

use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::io::{Read, Seek, SeekFrom};

pub const BLOCK: usize = 2048;

/// Something whole blocks can be read from.
pub trait BlockReader {
    /// Fills `buf` (a multiple of 2048 bytes) from absolute block `lba` on.
    /// IMAPI_E_IMPORT_SEEK_FAILURE / IMAPI_E_IMPORT_READ_FAILURE name the block that failed.
    fn read_blocks(&mut self, lba: u32, buf: &mut [u8]) -> ImapiResult<()>;

    /// How many blocks there are, when known (an image file's size); readers use it to refuse
    /// extents past the end before reading them.
    fn block_count(&self) -> Option<u64>;
}

impl<T: BlockReader + ?Sized> BlockReader for &mut T {
    fn read_blocks(&mut self, lba: u32, buf: &mut [u8]) -> ImapiResult<()> {
        (**self).read_blocks(lba, buf)
    }

    fn block_count(&self) -> Option<u64> {
        (**self).block_count()
    }
}

/// A [`BlockReader`] over any `Read + Seek` (an image file, a result image stream).
#[derive(Debug)]
pub struct SeekBlockReader<R> {
    inner: R,
    blocks: u64,
}

impl<R: Read + Seek> SeekBlockReader<R> {
    /// Wraps `inner`; its length decides [`BlockReader::block_count`] (a partial last block counts
    /// as missing).
    pub fn new(mut inner: R) -> std::io::Result<SeekBlockReader<R>> {
        let bytes = inner.seek(SeekFrom::End(0))?;
        Ok(SeekBlockReader {
            inner,
            blocks: bytes / BLOCK as u64,
        })
    }

    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read + Seek> BlockReader for SeekBlockReader<R> {
    fn read_blocks(&mut self, lba: u32, buf: &mut [u8]) -> ImapiResult<()> {
        let blocks = (buf.len() / BLOCK) as u64;
        if u64::from(lba) + blocks > self.blocks {
            let first_missing = u64::from(lba).max(self.blocks);
            return Err(ImapiError::with(
                HResult::IMAPI_E_IMPORT_READ_FAILURE,
                [first_missing.to_string()],
            ));
        }
        self.inner
            .seek(SeekFrom::Start(u64::from(lba) * BLOCK as u64))
            .map_err(|_| ImapiError::with(HResult::IMAPI_E_IMPORT_SEEK_FAILURE, [lba.to_string()]))?;
        self.inner
            .read_exact(buf)
            .map_err(|_| ImapiError::with(HResult::IMAPI_E_IMPORT_READ_FAILURE, [lba.to_string()]))
    }

    fn block_count(&self) -> Option<u64> {
        Some(self.blocks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn reads_whole_blocks_and_refuses_past_the_end() {
        let mut data = vec![0u8; 3 * BLOCK + 100];
        data[BLOCK] = 7;
        let mut r = SeekBlockReader::new(Cursor::new(data)).unwrap();
        assert_eq!(r.block_count(), Some(3));
        let mut buf = vec![0u8; BLOCK];
        r.read_blocks(1, &mut buf).unwrap();
        assert_eq!(buf[0], 7);
        let err = r.read_blocks(3, &mut buf).unwrap_err();
        assert_eq!(err.code, HResult::IMAPI_E_IMPORT_READ_FAILURE);
        assert_eq!(err.params, ["3"]);
    }
}
