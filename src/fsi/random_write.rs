//! A later logical session on random-writable media (DVD+RW, DVD-RW restricted overwrite,
//! DVD-RAM, BD-RE): the new session goes after the last one, and its volume descriptor set is
//! copied to LBA 16 so that readers — and the next import — see the newest tree, as growisofs
//! and libisoburn do (udf-iso.md §3.2, imapi2.md §3.8). The data writer writes random-writable
//! media from LBA 0 and only the ranges it is given (IFileSystemImageResult2::ModifiedBlocks,
//! imapi2.md §2.2, §3.6): the result's stream covers LBA 0 up to the end of the new session, and
//! its modified blocks are the descriptor copy at 16, the first logical session's UDF anchor at
//! 256 (repointed at the new session, as IMAPI does, imapi2.md §3.8) and the session itself.

use super::read::BlockReader;
use super::read::block::BLOCK;
use super::read::read_udf_volume;
use super::udf::descriptor::{is_anchor_at, relocate_tag, u32_at};
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;

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
    disc.read_blocks(lba, &mut block).is_ok() && is_anchor_at(&block, lba)
}

/// Where the next logical session starts: after the volume the disc holds — the ISO 9660 volume
/// the descriptors at 16 describe, the UDF volume the anchor at 256 describes, whichever ends
/// later — rounded up to `unit` blocks (at least 16, growisofs; 32 on BD-RE clusters). 0 when
/// the disc holds neither (a blank or foreign disc).
pub fn next_logical_session(reader: &mut dyn BlockReader, unit: u32) -> u32 {
    let end = [iso9660_volume_end(reader), udf_volume_end(reader)]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0);
    let unit = unit.max(16);
    end.div_ceil(unit).saturating_mul(unit)
}

/// The volume space size of the PVD at 16 (growisofs patches it to the end of the newest session).
fn iso9660_volume_end(reader: &mut dyn BlockReader) -> Option<u32> {
    let mut block = vec![0u8; BLOCK];
    reader.read_blocks(16, &mut block).ok()?;
    (&block[1..6] == b"CD001" && block[0] == 1)
        .then(|| u32::from_le_bytes(block[VOLUME_SPACE_SIZE_LE].try_into().expect("4 bytes")))
}

/// The first block after the UDF volume the anchor at 256 describes: past its partition and its
/// main and reserve volume descriptor sequences, and the closing anchor after the last of them
/// (ours follows the partition, mkudffs' ends the reserve sequence's extent, udf-iso.md §2.3).
fn udf_volume_end(reader: &mut dyn BlockReader) -> Option<u32> {
    let mut anchor = vec![0u8; BLOCK];
    reader.read_blocks(FIRST_ANCHOR, &mut anchor).ok()?;
    if !is_anchor_at(&anchor, FIRST_ANCHOR) {
        return None;
    }
    let extent_end = |at: usize| u32_at(&anchor, at + 4).saturating_add(u32_at(&anchor, at).div_ceil(BLOCK as u32));
    let partition = read_udf_volume(reader, 0).ok()?.physical_partition;
    let end = partition
        .start
        .saturating_add(partition.blocks)
        .max(extent_end(16))
        .max(extent_end(24));
    Some(end.saturating_add(1))
}

/// A later logical session as the disc from LBA 0 (what CreateResultImage gives on random-writable
/// media after the first logical session): the head — the new descriptors over what LBA 16–31
/// held —, the first logical session's anchor at 256 pointed at the new session's volume
/// descriptor sequence when the session is UDF, then the session at `start`, padded to whole write
/// units; blocks it does not change are zeros in the stream and not written.
#[derive(Debug)]
pub struct LogicalSession {
    start: u32,
    /// The session's blocks rounded up to [`UNIT_BLOCKS`].
    blocks: u32,
    /// Blocks 16–31 as they will be.
    head: Vec<u8>,
    /// Block 256 as it will be, when the session has a UDF volume.
    anchor: Option<Vec<u8>>,
}

/// What the stream of a logical session holds at a byte position.
pub enum Piece<'a> {
    /// Rewritten bytes (the head, the anchor), up to their end.
    Bytes(&'a [u8]),
    /// The session's image at this byte offset, up to `left` bytes.
    Session { offset: u64, left: u64 },
    /// This many bytes the session does not change: zeros.
    Zeros(u64),
}

/// Whether `block` is one of the descriptors a session's set at 16 holds: ISO 9660 volume
/// descriptors, then UDF's Volume Recognition Sequence (udf-iso.md §2.2).
fn is_volume_structure(block: &[u8]) -> bool {
    matches!(&block[1..6], b"CD001" | b"BEA01" | b"NSR02" | b"NSR03" | b"TEA01")
}

impl LogicalSession {
    /// The session `session` (its image stream, `session_blocks` long, laid out for `start`, a
    /// multiple of the write unit) after what `disc` holds. Reads LBA 16–31 of the disc: only the
    /// descriptor blocks are replaced (growisofs overlays them on the 32 KiB it read), so the
    /// first session's data there stays intact. The copy runs from the new PVD through the ISO
    /// terminator and on through BEA01, NSR0x and TEA01 when the session has UDF, so that the
    /// recognition sequence stays contiguous (Linux stops at a gap, udf-iso.md §2.2, §3.2).
    /// A UDF session needs the first logical session's anchor at 256 to repoint (imapi2.md §3.8),
    /// a session without UDF must not leave one naming an older volume: either mismatch is
    /// IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION.
    pub fn new(
        session: &mut (impl Read + Seek),
        session_blocks: u32,
        start: u32,
        disc: &mut dyn BlockReader,
    ) -> ImapiResult<LogicalSession> {
        let end = start + session_blocks;
        let mut head = vec![0u8; HEAD_BLOCKS as usize * BLOCK];
        disc.read_blocks(16, &mut head)?;
        let mut block = vec![0u8; BLOCK];
        for i in 0..HEAD_BLOCKS.min(session_blocks.saturating_sub(16)) {
            read_session_block(session, 16 + i, &mut block)?;
            if !is_volume_structure(&block) {
                break;
            }
            // The volume space size of every PVD / SVD copy becomes the new end (growisofs).
            if &block[1..6] == b"CD001" && matches!(block[0], 1 | 2) {
                block[VOLUME_SPACE_SIZE_LE].copy_from_slice(&end.to_le_bytes());
                block[VOLUME_SPACE_SIZE_BE].copy_from_slice(&end.to_be_bytes());
            }
            head[i as usize * BLOCK..(i as usize + 1) * BLOCK].copy_from_slice(&block);
            if &block[1..6] == b"TEA01" {
                break;
            }
        }
        let anchor = if session_blocks > FIRST_ANCHOR {
            read_session_block(session, FIRST_ANCHOR, &mut block)?;
            if is_anchor_at(&block, start + FIRST_ANCHOR) {
                if !anchor_at(disc, FIRST_ANCHOR) {
                    return Err(ImapiError::new(HResult::IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION));
                }
                // The session's own anchor, relocated: same extents, tag location 256.
                relocate_tag(&mut block, FIRST_ANCHOR);
                Some(block)
            } else {
                None
            }
        } else {
            None
        };
        if anchor.is_none() && anchor_at(disc, FIRST_ANCHOR) {
            // A session without UDF after a UDF one: the anchor would keep naming the old volume.
            return Err(ImapiError::new(HResult::IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION));
        }
        Ok(LogicalSession {
            start,
            blocks: session_blocks.div_ceil(UNIT_BLOCKS) * UNIT_BLOCKS,
            head,
            anchor,
        })
    }

    /// IFileSystemImageResult2::ModifiedBlocks, in ascending order: the head at 16, the anchor at
    /// 256 for a UDF session, and the session.
    pub fn modified_blocks(&self) -> Vec<Range<u32>> {
        let mut ranges = vec![16..16 + (self.head.len() / BLOCK) as u32, self.start..self.end()];
        if self.anchor.is_some() {
            ranges.push(FIRST_ANCHOR..FIRST_ANCHOR + 1);
        }
        ranges.sort_by_key(|r| r.start);
        ranges
    }

    /// The first block after the padded session: the stream's length in blocks.
    pub fn end(&self) -> u32 {
        self.start + self.blocks
    }

    /// What the stream holds at byte `position` (below [`Self::end`]).
    pub fn piece(&self, position: u64) -> Piece<'_> {
        let at = |lba: u32| u64::from(lba) * BLOCK as u64;
        let mut rewritten = vec![(at(16), &self.head[..])];
        if let Some(anchor) = &self.anchor {
            rewritten.push((at(FIRST_ANCHOR), &anchor[..]));
        }
        let session = at(self.start);
        if position >= session {
            return Piece::Session {
                offset: position - session,
                left: at(self.end()) - position,
            };
        }
        for &(first, bytes) in &rewritten {
            if (first..first + bytes.len() as u64).contains(&position) {
                return Piece::Bytes(&bytes[(position - first) as usize..]);
            }
        }
        let next = rewritten
            .iter()
            .map(|&(first, _)| first)
            .filter(|&first| first > position)
            .fold(session, u64::min);
        Piece::Zeros(next - position)
    }
}

/// Reads block `relative` of the session's image into `block`.
fn read_session_block(session: &mut (impl Read + Seek), relative: u32, block: &mut [u8]) -> ImapiResult<()> {
    let internal = |e: io::Error| ImapiError::with(HResult::IMAPI_E_FSI_INTERNAL_ERROR, [e.to_string()]);
    session
        .seek(SeekFrom::Start(u64::from(relative) * BLOCK as u64))
        .map_err(internal)?;
    session.read_exact(block).map_err(internal)
}
