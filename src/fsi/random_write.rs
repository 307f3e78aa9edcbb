//! A later logical session on random-writable media (DVD+RW, DVD-RW restricted overwrite,
//! DVD-RAM, BD-RE): the new session goes after the last one, and its volume descriptor set is
//! copied to LBA 16 so that readers — and the next import — see the newest tree, as growisofs
//! and libisoburn do (udf-iso.md §3.2, imapi2.md §3.8). The data writer writes random-writable
//! media from LBA 0 and only the ranges it is given (IFileSystemImageResult2::ModifiedBlocks):
//! this stream covers LBA 0 up to the end of the new session, and `modified_blocks` lists the
//! descriptor copy at 16 and the session itself.

use super::read::BlockReader;
use super::read::block::BLOCK;
use super::result::{FileSystemImageResult, ImageStream};
use super::udf::descriptor::{TAG_AVDP, check_tag};
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;

/// Volume descriptor type of the set terminator (ECMA-119 8.3).
const TERMINATOR: u8 = 255;
/// Blocks rewritten at 16: 16–31, the 32 KiB growisofs rewrites (a whole write unit of DVD-RW
/// restricted overwrite), with the new descriptors over what was there.
const HEAD_BLOCKS: u32 = 16;
/// Sessions are written in whole 64 KiB clusters (BD-RE; two DVD ECC blocks).
const UNIT_BLOCKS: u32 = 32;
/// ISO 9660 volume space size, both-endian, in PVD and SVD (udf-iso.md §1.3).
const VOLUME_SPACE_SIZE_LE: Range<usize> = 80..84;
const VOLUME_SPACE_SIZE_BE: Range<usize> = 84..88;

/// The anchor (AVDP) of the first logical session: every later UDF logical session is reached
/// through it (imapi2.md §3.8; 7-Zip reads no other, udf-iso.md §4.3).
pub const FIRST_ANCHOR: u32 = 256;

/// Whether block `lba` holds a valid anchor volume descriptor pointer that records `lba` as its
/// location. A block that cannot be read holds none.
pub fn anchor_at(disc: &mut dyn BlockReader, lba: u32) -> bool {
    let mut block = vec![0u8; BLOCK];
    disc.read_blocks(lba, &mut block).is_ok()
        && check_tag(&block).is_some_and(|tag| tag.ident == TAG_AVDP && tag.location == lba)
}

/// Where the next logical session starts: after the volume the descriptors at 16 describe,
/// rounded up to `unit` blocks (at least 16, growisofs; 32 on BD-RE clusters). 0 when LBA 16 holds
/// no ISO 9660 volume (a blank or foreign disc).
pub fn next_logical_session(reader: &mut dyn BlockReader, unit: u32) -> u32 {
    let mut block = vec![0u8; BLOCK];
    if reader.read_blocks(16, &mut block).is_err() || &block[1..6] != b"CD001" || block[0] != 1 {
        return 0;
    }
    let size = u32::from_le_bytes(block[VOLUME_SPACE_SIZE_LE].try_into().expect("4 bytes"));
    let unit = unit.max(16);
    size.div_ceil(unit) * unit
}

/// A session image laid out for `start` (> 0) presented as the disc from LBA 0.
pub struct RandomWriteImage {
    session: ImageStream,
    start: u32,
    blocks: u32,
    /// Copy of the session's descriptor set for LBA 16, volume space sizes patched to the end.
    head: Vec<u8>,
    position: u64,
}

impl RandomWriteImage {
    /// Wrap `result` (made with SessionStartBlock = `start`, a multiple of the write unit).
    /// `disc` reads what LBA 16–31 hold now: only the descriptor blocks are replaced (growisofs
    /// overlays them on the 32 KiB it read), so the first session's data there stays intact.
    pub fn new(
        result: &FileSystemImageResult,
        start: u32,
        disc: &mut dyn BlockReader,
    ) -> ImapiResult<RandomWriteImage> {
        let mut session = result.image_stream();
        let blocks = result.total_blocks();
        let end = start + blocks;
        let internal = |e: io::Error| ImapiError::with(HResult::IMAPI_E_FSI_INTERNAL_ERROR, [e.to_string()]);
        let mut head = vec![0u8; HEAD_BLOCKS as usize * BLOCK];
        disc.read_blocks(16, &mut head)?;
        let mut block = vec![0u8; BLOCK];
        for i in 0..HEAD_BLOCKS.min(blocks.saturating_sub(16)) {
            session
                .seek(SeekFrom::Start(u64::from(16 + i) * BLOCK as u64))
                .map_err(internal)?;
            session.read_exact(&mut block).map_err(internal)?;
            if &block[1..6] != b"CD001" {
                break;
            }
            // The volume space size of every PVD / SVD copy becomes the new end (growisofs).
            if matches!(block[0], 1 | 2) {
                block[VOLUME_SPACE_SIZE_LE].copy_from_slice(&end.to_le_bytes());
                block[VOLUME_SPACE_SIZE_BE].copy_from_slice(&end.to_be_bytes());
            }
            head[i as usize * BLOCK..(i as usize + 1) * BLOCK].copy_from_slice(&block);
            if block[0] == TERMINATOR {
                break;
            }
        }
        Ok(RandomWriteImage {
            session,
            start,
            blocks: blocks.div_ceil(UNIT_BLOCKS) * UNIT_BLOCKS,
            head,
            position: 0,
        })
    }

    /// The block ranges to write (ModifiedBlocks): the descriptor copy at 16 and the session.
    pub fn modified_blocks(&self) -> Vec<Range<u32>> {
        let head = 16..16 + (self.head.len() / BLOCK) as u32;
        vec![head, self.start..self.start + self.blocks]
    }

    fn len(&self) -> u64 {
        u64::from(self.start + self.blocks) * BLOCK as u64
    }
}

impl Read for RandomWriteImage {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let head = 16 * BLOCK as u64..16 * BLOCK as u64 + self.head.len() as u64;
        let session = u64::from(self.start) * BLOCK as u64;
        if self.position >= self.len() || buf.is_empty() {
            return Ok(0);
        }
        let n = if head.contains(&self.position) {
            let offset = (self.position - head.start) as usize;
            let n = buf.len().min(self.head.len() - offset);
            buf[..n].copy_from_slice(&self.head[offset..offset + n]);
            n
        } else if self.position >= session {
            self.session.seek(SeekFrom::Start(self.position - session))?;
            match self.session.read(buf)? {
                // Past the session's end, up to the write unit: zeros.
                0 => {
                    let n = buf.len().min((self.len() - self.position) as usize);
                    buf[..n].fill(0);
                    n
                }
                n => n,
            }
        } else {
            // Blocks between that this session does not change: zeros (never written).
            let until = if self.position < head.start {
                head.start
            } else {
                session
            };
            let n = buf.len().min((until - self.position) as usize);
            buf[..n].fill(0);
            n
        };
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for RandomWriteImage {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => p as i128,
            SeekFrom::End(d) => self.len() as i128 + d as i128,
            SeekFrom::Current(d) => self.position as i128 + d as i128,
        };
        if target < 0 {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"));
        }
        self.position = target as u64;
        Ok(self.position)
    }
}
