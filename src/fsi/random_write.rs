//! A later logical session on random-writable media (DVD+RW, DVD-RW restricted overwrite,
//! DVD-RAM, BD-RE): the new session goes after the last one, and its volume descriptor set is
//! copied to LBA 16 so that readers — and the next import — see the newest tree, as growisofs
//! and libisoburn do (udf-iso.md §3.2, imapi2.md §3.8). The data writer writes random-writable
//! media from LBA 0 and only the ranges it is given (IFileSystemImageResult2::ModifiedBlocks,
//! imapi2.md §2.2, §3.6): the result's stream covers LBA 0 up to the end of the new session, and
//! its modified blocks are the descriptor copy at 16 and the session itself.

use super::read::BlockReader;
use super::read::block::BLOCK;
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

/// A later logical session as the disc from LBA 0 (what CreateResultImage gives on random-writable
/// media after the first logical session): the head — the new descriptors over what LBA 16–31
/// held — then unchanged blocks, then the session at `start`, padded to whole write units.
#[derive(Debug)]
pub struct LogicalSession {
    start: u32,
    /// The session's blocks rounded up to [`UNIT_BLOCKS`].
    blocks: u32,
    /// Blocks 16–31 as they will be.
    head: Vec<u8>,
}

/// What the stream of a logical session holds at a byte position.
pub enum Piece<'a> {
    /// Bytes of the rewritten head, up to its end.
    Head(&'a [u8]),
    /// The session's image at this byte offset, up to `left` bytes.
    Session { offset: u64, left: u64 },
    /// This many bytes the session does not change (or padding): zeros.
    Zeros(u64),
}

impl LogicalSession {
    /// The session `session` (its image stream, `session_blocks` long, laid out for `start`, a
    /// multiple of the write unit) after what `disc` holds. Reads LBA 16–31 of the disc: only the
    /// descriptor blocks are replaced (growisofs overlays them on the 32 KiB it read), so the
    /// first session's data there stays intact.
    pub fn new(
        session: &mut (impl Read + Seek),
        session_blocks: u32,
        start: u32,
        disc: &mut dyn BlockReader,
    ) -> ImapiResult<LogicalSession> {
        let end = start + session_blocks;
        let internal = |e: io::Error| ImapiError::with(HResult::IMAPI_E_FSI_INTERNAL_ERROR, [e.to_string()]);
        let mut head = vec![0u8; HEAD_BLOCKS as usize * BLOCK];
        disc.read_blocks(16, &mut head)?;
        let mut block = vec![0u8; BLOCK];
        for i in 0..HEAD_BLOCKS.min(session_blocks.saturating_sub(16)) {
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
        Ok(LogicalSession {
            start,
            blocks: session_blocks.div_ceil(UNIT_BLOCKS) * UNIT_BLOCKS,
            head,
        })
    }

    /// IFileSystemImageResult2::ModifiedBlocks: the head at 16 and the session, in that order.
    pub fn modified_blocks(&self) -> Vec<Range<u32>> {
        let head = 16..16 + (self.head.len() / BLOCK) as u32;
        vec![head, self.start..self.end()]
    }

    /// The first block after the padded session: the stream's length in blocks.
    pub fn end(&self) -> u32 {
        self.start + self.blocks
    }

    /// What the stream holds at byte `position` (below [`Self::end`]).
    pub fn piece(&self, position: u64) -> Piece<'_> {
        let head = 16 * BLOCK as u64..16 * BLOCK as u64 + self.head.len() as u64;
        let session = u64::from(self.start) * BLOCK as u64;
        if head.contains(&position) {
            Piece::Head(&self.head[(position - head.start) as usize..])
        } else if position >= session {
            Piece::Session {
                offset: position - session,
                left: u64::from(self.end()) * BLOCK as u64 - position,
            }
        } else if position < head.start {
            Piece::Zeros(head.start - position)
        } else {
            Piece::Zeros(session - position)
        }
    }
}
