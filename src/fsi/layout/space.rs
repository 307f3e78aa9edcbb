//! Block allocation for one image: fixed blocks some file system needs at set addresses (the
//! volume descriptor set from 16, a UDF anchor at 256), metadata and file data handed out in
//! order around them, and blocks at the very end (a UDF closing anchor).
//!
//! Addresses given to emitters are absolute LBAs: the session start block is added to every one
//! (udf-iso.md §3.1: "all addresses in a session are absolute").

use crate::fsi::source::FileData;
use crate::hresult::{HResult, ImapiError, ImapiResult};

/// A run of blocks, by absolute LBA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BlockRange {
    pub lba: u32,
    pub blocks: u32,
}

impl BlockRange {
    pub fn end(&self) -> u32 {
        self.lba + self.blocks
    }
}

/// Index of a data extent requested from the planner.
pub type DataId = usize;
/// Index of a block run at the end of the image.
pub type TailId = usize;

/// Data that goes into the image (a file's bytes, a boot image), allocated once and shared by
/// every file system that refers to it.
#[derive(Debug, Clone)]
pub struct DataRequest {
    pub source: FileData,
    /// What the block range holds, for ProgressItems (a file's path, "Boot image 1").
    pub description: String,
}

/// The allocator an emitter reserves through.
#[derive(Debug)]
pub struct SpacePlan {
    session_start: u32,
    /// Next free block, relative to the session start.
    next: u64,
    /// Fixed runs, relative, sorted.
    fixed: Vec<(u64, u64)>,
    pub(crate) tails: Vec<u32>,
    pub(crate) data: Vec<DataRequest>,
}

/// Most blocks one image may span: LBAs are 32-bit.
const MAX_BLOCKS: u64 = u32::MAX as u64;

fn too_big() -> ImapiError {
    ImapiError::new(HResult::IMAPI_E_IMAGE_TOO_BIG)
}

impl SpacePlan {
    pub(crate) fn new(session_start: u32) -> SpacePlan {
        SpacePlan {
            session_start,
            next: 0,
            fixed: Vec::new(),
            tails: Vec::new(),
            data: Vec::new(),
        }
    }

    pub fn session_start(&self) -> u32 {
        self.session_start
    }

    fn absolute(&self, relative: u64, blocks: u64) -> ImapiResult<BlockRange> {
        let lba = u64::from(self.session_start) + relative;
        if lba + blocks > MAX_BLOCKS {
            return Err(too_big());
        }
        Ok(BlockRange {
            lba: lba as u32,
            blocks: blocks as u32,
        })
    }

    /// Reserves `blocks` at `relative` blocks from the session start (call before any
    /// [`Self::allocate`]). Overlapping another fixed run is an internal error.
    pub fn reserve_fixed(&mut self, relative: u32, blocks: u32) -> ImapiResult<BlockRange> {
        let (start, end) = (u64::from(relative), u64::from(relative) + u64::from(blocks));
        if self.fixed.iter().any(|&(s, e)| start < e && s < end) || self.next > 0 {
            return Err(ImapiError::new(HResult::IMAPI_E_FSI_INTERNAL_ERROR));
        }
        self.fixed.push((start, end));
        self.fixed.sort_unstable();
        self.absolute(start, u64::from(blocks))
    }

    /// The next `blocks` contiguous free blocks. Zero blocks give an empty range at the cursor.
    pub fn allocate(&mut self, blocks: u64) -> ImapiResult<BlockRange> {
        let mut start = self.next;
        for &(s, e) in &self.fixed {
            if start < e && s < start + blocks.max(1) {
                start = e;
            }
        }
        self.next = start + blocks;
        self.absolute(start, blocks)
    }

    /// Asks for `blocks` at the end of the image, after everything else (placed by the planner).
    pub fn request_tail(&mut self, blocks: u32) -> TailId {
        self.tails.push(blocks);
        self.tails.len() - 1
    }

    /// Asks for a data extent (allocated with the file data, before the files of the tree).
    pub fn request_data(&mut self, source: FileData, description: String) -> DataId {
        self.data.push(DataRequest { source, description });
        self.data.len() - 1
    }

    /// Blocks used so far, relative (the first free block after every allocation and fixed run).
    pub(crate) fn used(&self) -> u64 {
        self.fixed.iter().map(|&(_, e)| e).fold(self.next, u64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_flows_around_fixed_runs() {
        let mut space = SpacePlan::new(1000);
        assert_eq!(space.reserve_fixed(16, 3).unwrap(), BlockRange { lba: 1016, blocks: 3 });
        space.reserve_fixed(256, 1).unwrap();
        assert!(space.reserve_fixed(17, 1).is_err());
        assert_eq!(space.allocate(16).unwrap(), BlockRange { lba: 1000, blocks: 16 });
        assert_eq!(space.allocate(200).unwrap(), BlockRange { lba: 1019, blocks: 200 });
        assert_eq!(space.allocate(100).unwrap(), BlockRange { lba: 1257, blocks: 100 });
        assert_eq!(space.used(), 357);
    }

    #[test]
    fn addresses_past_32_bits_are_too_big() {
        let mut space = SpacePlan::new(u32::MAX - 10);
        assert_eq!(space.allocate(20).unwrap_err().code, HResult::IMAPI_E_IMAGE_TOO_BIG);
    }
}
