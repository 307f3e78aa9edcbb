//! The layout planner: decides where every block of an image goes, then lets each file system
//! write its own structures.
//!
//! File systems are [`FileSystemEmitter`]s. Planning runs in phases, each over every emitter:
//! 1. `request_descriptors`: volume descriptors for the set at block 16 (ISO PVD, El Torito boot
//!    record, Joliet SVD; the planner adds the set terminator; UDF's BEA01/NSR/TEA01 come after it,
//!    udf-iso.md §1.2, §2.2);
//! 2. `reserve_fixed`: blocks at set addresses (UDF: VDS, anchor at 256);
//! 3. `reserve`: metadata blocks in order, data extents of the emitter's own (boot images), blocks
//!    at the end of the image (UDF's closing anchor);
//!
//! Then the planner allocates the file data — **once per file, shared by every file system** —
//! and places the end blocks; finally `emit` writes each emitter's blocks knowing every address.
//! A UDF emitter is one more emitter (see docs/image-builder.md).

mod frozen;
mod metadata;
mod space;

pub use frozen::{DirId, Entry, FileId, FrozenDir, FrozenFile, FrozenTree};
pub use metadata::{BLOCK, MetadataWriter};
pub use space::{BlockRange, DataId, DataRequest, SpacePlan, TailId};

use crate::fsi::options::FileSystems;
use crate::fsi::source::FileData;
use crate::fsi::tree::blocks_for;
use crate::hresult::ImapiResult;
use std::time::SystemTime;

/// Where a volume descriptor goes in the set that starts at block 16. Descriptors are placed in
/// class order, then in the order requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DescriptorClass {
    /// The ISO 9660 PVD: first, at 16 (Linux takes the first PVD, udf-iso.md §1.2).
    Primary,
    /// The El Torito boot record: at 17 (pycdlib insists, udf-iso.md §1.2).
    Boot,
    /// Supplementary descriptors (Joliet).
    Supplementary,
    /// UDF's Volume Recognition Sequence: right after the terminator, no gap (udf-iso.md §2.2).
    Recognition,
}

/// Index of a requested volume descriptor.
pub type DescriptorSlot = usize;

/// The volume descriptor requests of every emitter.
#[derive(Debug, Default)]
pub struct DescriptorSet {
    requests: Vec<DescriptorClass>,
}

impl DescriptorSet {
    pub fn request(&mut self, class: DescriptorClass) -> DescriptorSlot {
        self.requests.push(class);
        self.requests.len() - 1
    }

    /// Relative block of each slot, and the terminator's block if the set has ECMA-119
    /// descriptors.
    fn place(&self) -> (Vec<u32>, Option<u32>) {
        let mut order: Vec<usize> = (0..self.requests.len()).collect();
        order.sort_by_key(|&i| (self.requests[i], i));
        let mut at = vec![0u32; self.requests.len()];
        let mut next = 16u32;
        let mut terminator = None;
        for i in order {
            if self.requests[i] == DescriptorClass::Recognition && terminator.is_none() && next > 16 {
                terminator = Some(next);
                next += 1;
            }
            at[i] = next;
            next += 1;
        }
        if terminator.is_none() && self.requests.iter().any(|c| *c != DescriptorClass::Recognition) {
            terminator = Some(next);
        }
        (at, terminator)
    }

    fn blocks(&self) -> u32 {
        let ecma = self.requests.iter().any(|c| *c != DescriptorClass::Recognition);
        self.requests.len() as u32 + u32::from(ecma)
    }
}

/// Volume-wide values every file system records.
#[derive(Debug, Clone)]
pub struct Volume {
    /// The volume name as given (each file system records its own form of it).
    pub name: String,
    pub created: SystemTime,
    pub file_systems: FileSystems,
    pub iso9660_level: u32,
    pub udf_revision: u32,
}

/// One data extent of the image.
#[derive(Debug, Clone)]
pub struct DataExtent {
    pub range: BlockRange,
    pub bytes: u64,
    pub source: FileData,
    pub description: String,
}

/// Every address of the image, known after planning.
#[derive(Debug)]
pub struct Layout {
    pub session_start: u32,
    /// Blocks of this image (the session), from `session_start`.
    pub total_blocks: u32,
    pub tree: FrozenTree,
    pub volume: Volume,
    descriptors: Vec<u32>,
    terminator: Option<u32>,
    pub data: Vec<DataExtent>,
    file_data: Vec<DataId>,
    tails: Vec<BlockRange>,
}

impl Layout {
    /// Absolute LBA of a requested volume descriptor.
    pub fn descriptor_lba(&self, slot: DescriptorSlot) -> u32 {
        self.session_start + self.descriptors[slot]
    }

    /// The shared data extent of a file of the tree. Empty files have an empty extent at LBA 0.
    pub fn file_extent(&self, file: FileId) -> &DataExtent {
        &self.data[self.file_data[file]]
    }

    pub fn data_extent(&self, id: DataId) -> &DataExtent {
        &self.data[id]
    }

    pub fn tail(&self, id: TailId) -> BlockRange {
        self.tails[id]
    }

    /// First LBA after the image.
    pub fn end_lba(&self) -> u32 {
        self.session_start + self.total_blocks
    }
}

/// A file system (or another on-disc structure such as the El Torito catalog) in the image.
pub trait FileSystemEmitter {
    /// For messages.
    fn name(&self) -> &'static str;
    /// Phase 1: volume descriptors in the set at 16.
    fn request_descriptors(&mut self, _set: &mut DescriptorSet) {}
    /// Phase 2: blocks at fixed addresses.
    fn reserve_fixed(&mut self, _space: &mut SpacePlan) -> ImapiResult<()> {
        Ok(())
    }
    /// Phase 3: metadata blocks, own data extents, end-of-image blocks.
    fn reserve(&mut self, space: &mut SpacePlan) -> ImapiResult<()>;
    /// Phase 4: write every block reserved, now that all addresses are known.
    fn emit(&self, layout: &Layout, out: &mut MetadataWriter) -> ImapiResult<()>;
}

/// Plans the image of `tree` at `session_start` with `emitters` and writes their blocks.
pub fn plan(
    tree: FrozenTree,
    volume: Volume,
    session_start: u32,
    emitters: &mut [Box<dyn FileSystemEmitter>],
) -> ImapiResult<(Layout, MetadataWriter)> {
    let mut set = DescriptorSet::default();
    for e in emitters.iter_mut() {
        e.request_descriptors(&mut set);
    }
    let (descriptors, terminator) = set.place();
    let mut space = SpacePlan::new(session_start);
    if !descriptors.is_empty() {
        space.reserve_fixed(16, set.blocks())?;
    }
    for e in emitters.iter_mut() {
        e.reserve_fixed(&mut space)?;
    }
    // Blocks 0–15 are the system area (udf-iso.md §1.2): the sequential cursor starts after the
    // descriptor set, or at 16 when there is none.
    space.allocate(16)?;
    for e in emitters.iter_mut() {
        e.reserve(&mut space)?;
    }
    let mut data: Vec<DataExtent> = Vec::with_capacity(space.data.len() + tree.files.len());
    let requests = std::mem::take(&mut space.data);
    for request in requests {
        let range = space.allocate(blocks_for(request.source.size()))?;
        data.push(DataExtent {
            range,
            bytes: request.source.size(),
            source: request.source,
            description: request.description,
        });
    }
    let mut file_data = Vec::with_capacity(tree.files.len());
    for file in &tree.files {
        let bytes = file.data.size();
        let range = match file.data.recorded_lba() {
            // Imported: the data stays where an earlier session recorded it.
            Some(lba) => BlockRange {
                lba,
                blocks: blocks_for(bytes) as u32,
            },
            None if bytes == 0 => BlockRange::default(),
            None => space.allocate(blocks_for(bytes))?,
        };
        file_data.push(data.len());
        data.push(DataExtent {
            range,
            bytes,
            source: file.data.clone(),
            description: file.path.clone(),
        });
    }
    let mut tails = Vec::with_capacity(space.tails.len());
    for blocks in std::mem::take(&mut space.tails) {
        tails.push(space.allocate(u64::from(blocks))?);
    }
    let total_blocks = u32::try_from(space.used()).map_err(|_| crate::hresult::HResult::IMAPI_E_IMAGE_TOO_BIG)?;
    let layout = Layout {
        session_start,
        total_blocks,
        tree,
        volume,
        descriptors,
        terminator,
        data,
        file_data,
        tails,
    };
    let mut out = MetadataWriter::new();
    if let Some(relative) = layout.terminator {
        crate::fsi::iso9660::descriptor::emit_terminator(out.block_mut(session_start + relative));
    }
    for e in emitters.iter() {
        e.emit(&layout, &mut out)?;
    }
    Ok((layout, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_set_order_and_terminator() {
        let mut set = DescriptorSet::default();
        let joliet = set.request(DescriptorClass::Supplementary);
        let udf = set.request(DescriptorClass::Recognition);
        let pvd = set.request(DescriptorClass::Primary);
        let boot = set.request(DescriptorClass::Boot);
        let (at, terminator) = set.place();
        assert_eq!((at[pvd], at[boot], at[joliet]), (16, 17, 18));
        assert_eq!(terminator, Some(19));
        assert_eq!(at[udf], 20);
        assert_eq!(set.blocks(), 5);
    }

    #[test]
    fn a_recognition_sequence_alone_starts_at_16_without_terminator() {
        let mut set = DescriptorSet::default();
        let bea = set.request(DescriptorClass::Recognition);
        let (at, terminator) = set.place();
        assert_eq!((at[bea], terminator), (16, None));
        assert_eq!(set.blocks(), 1);
    }
}
