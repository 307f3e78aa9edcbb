//! The UDF file system of an image (udf-iso.md §2.13, §2.14): recognition sequence after the ISO
//! terminator, the volume structures of [`super::volume`] (VDS at 32 and 48, LVID at 64, anchors
//! at 256 and at the last block), and one read-only physical partition that covers every file
//! extent the ISO 9660 and Joliet trees record, so that each is shared.
//!
//! Revisions 1.02 and 1.50 write NSR02 with File Entries (tag version 2); 2.00 and 2.01 NSR03
//! with Extended File Entries (tag version 3). 2.50 and 2.60 add a metadata partition (§2.11):
//! the FSD, every entry and every FID live in the Metadata File (partition reference 1), whose
//! entry and its mirror's sit at the start of UDF's own blocks; file entries address their data
//! with long_ads in the physical partition (reference 0).
//!
//! In a later session (udf-iso.md §3.3) the physical partition starts at the lowest block any
//! file of the tree uses — imported files keep their data in earlier sessions — while every
//! structure of this session lies in this session.

use super::descriptor::*;
use super::metadata::{MetadataMap, NO_BITMAP};
use super::volume::*;
use crate::fsi::layout::{
    BLOCK, BlockRange, DescriptorClass, DescriptorSet, DescriptorSlot, DirId, Entry, FileSystemEmitter, FrozenTree,
    Layout, MetadataWriter, SpacePlan, TailId,
};
use crate::fsi::tree::ItemTimes;
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::time::SystemTime;

/// UDF revisions this emitter writes.
pub const WRITTEN_REVISIONS: [u32; 6] = [0x102, 0x150, 0x200, 0x201, 0x250, 0x260];

/// Allocation and alignment unit of the metadata partition, in blocks: NetBSD's minimum and a
/// BD ECC cluster (udf-iso.md §2.11). The metadata copies start at partition blocks that are
/// multiples of it and span a multiple of it.
const METADATA_UNIT: u32 = 32;

/// Unique ID of the first item after the root (0–15 are reserved, udf-iso.md §2.9).
const FIRST_UNIQUE_ID: u64 = 16;

/// ICB file types (udf-iso.md §2.7).
const DIRECTORY: u8 = 4;
const REGULAR_FILE: u8 = 5;
const METADATA_FILE: u8 = 250;
const METADATA_MIRROR_FILE: u8 = 251;

fn internal(detail: &str) -> ImapiError {
    ImapiError::with(HResult::IMAPI_E_FSI_INTERNAL_ERROR, [detail.to_string()])
}

/// The size in bytes of one FID naming `name` (None: the parent FID).
fn fid_len(name: Option<&[u8]>) -> usize {
    (38 + name.map_or(0, <[u8]>::len)).div_ceil(4) * 4
}

fn blocks_of(bytes: u64) -> u32 {
    bytes.div_ceil(BLOCK as u64) as u32
}

#[derive(Debug, Clone, Default)]
struct DirPlan {
    /// CS0 names of the children, in the tree's order.
    names: Vec<Vec<u8>>,
    /// Bytes of the FIDs (the directory's information length).
    bytes: u64,
    /// Block of the directory's (extended) file entry among the structures; its FIDs follow.
    entry: u32,
    /// Child directories (for the link count).
    subdirs: u16,
}

/// Where UDF's own blocks are, decided while reserving.
#[derive(Debug, Clone, Copy, Default)]
struct Placement {
    /// First block of the physical partition (absolute).
    partition_lba: u32,
    /// UDF's own blocks (absolute): the structures, or with a metadata partition the two
    /// metadata entries, padding to the unit, the metadata and its mirror.
    own: BlockRange,
    /// With a metadata partition: blocks of one metadata copy (a multiple of the unit), and the
    /// offset of the main copy in `own`.
    metadata_blocks: u32,
    metadata_offset: u32,
}

pub struct UdfEmitter {
    revision: u32,
    redundant_metadata: bool,
    dirs: Vec<DirPlan>,
    /// Block of each file's entry among the structures.
    file_entries: Vec<u32>,
    /// Blocks of the structures: FSD, TD, directories with their FIDs, file entries.
    structure_blocks: u32,
    /// The lowest block any file of the tree has recorded in an earlier session.
    lowest_recorded: Option<u32>,
    slots: [DescriptorSlot; 3],
    placement: Placement,
    anchor_tail: TailId,
}

/// Allocation descriptors of an entry: (bytes, block) runs, as short_ads in the entry's own
/// partition or as long_ads in the partition named.
struct Allocation<'a> {
    runs: &'a [(u32, u32)],
    long_in: Option<u16>,
}

/// The contents of one (extended) file entry.
struct EntryFields<'a> {
    file_type: u8,
    links: u16,
    bytes: u64,
    allocation: Allocation<'a>,
    times: &'a ItemTimes,
    unique_id: u64,
}

impl UdfEmitter {
    /// Plans the UDF tree of `tree` for `revision` (one of [`WRITTEN_REVISIONS`]);
    /// `redundant_metadata` (CreateRedundantUdfMetadataFiles) makes the metadata mirror a copy of
    /// its own for 2.50 and later. Names longer than 255 CS0 bytes are IMAPI_E_FSI_INTERNAL_ERROR
    /// (the item-name rules keep them shorter).
    pub fn new(tree: &FrozenTree, revision: u32, redundant_metadata: bool) -> ImapiResult<UdfEmitter> {
        if !WRITTEN_REVISIONS.contains(&revision) {
            return Err(internal("unknown UDF revision"));
        }
        let mut dirs = vec![DirPlan::default(); tree.dirs.len()];
        let mut next = 2u32; // FSD, TD
        for (id, dir) in tree.dirs.iter().enumerate() {
            let plan = &mut dirs[id];
            plan.bytes = fid_len(None) as u64;
            for entry in &dir.children {
                let name = match *entry {
                    Entry::Dir(d) => {
                        plan.subdirs = plan.subdirs.saturating_add(1);
                        &tree.dirs[d].name
                    }
                    Entry::File(f) => &tree.files[f].name,
                };
                let cs0 = cs0_encode(name);
                if cs0.len() > 255 {
                    return Err(internal("a name is too long for UDF"));
                }
                plan.bytes += fid_len(Some(&cs0)) as u64;
                plan.names.push(cs0);
            }
            if plan.bytes >= 1 << 30 {
                return Err(internal("a directory is too large for UDF"));
            }
            plan.entry = next;
            next += 1 + blocks_of(plan.bytes);
        }
        let file_entries: Vec<u32> = (0..tree.files.len() as u32).map(|i| next + i).collect();
        let lowest_recorded = tree
            .files
            .iter()
            .filter(|f| f.data.size() > 0)
            .filter_map(|f| f.data.recorded_lba())
            .min();
        Ok(UdfEmitter {
            revision,
            redundant_metadata,
            dirs,
            structure_blocks: next + file_entries.len() as u32,
            file_entries,
            lowest_recorded,
            slots: [0; 3],
            placement: Placement::default(),
            anchor_tail: 0,
        })
    }

    fn has_metadata_partition(&self) -> bool {
        self.revision >= 0x250
    }

    fn dir_unique_id(d: DirId) -> u64 {
        if d == 0 { 0 } else { FIRST_UNIQUE_ID + d as u64 - 1 }
    }

    fn file_unique_id(&self, f: usize) -> u64 {
        FIRST_UNIQUE_ID + self.dirs.len() as u64 - 1 + f as u64
    }

    /// Absolute LBA of the main copy of structure block 0.
    fn structures_lba(&self) -> u32 {
        self.placement.own.lba + self.placement.metadata_offset
    }

    /// How Part 4 addresses structure block 0: (partition reference, block).
    fn structures_address(&self) -> (u16, u32) {
        if self.has_metadata_partition() {
            (METADATA_PARTITION, 0)
        } else {
            (
                PHYSICAL_PARTITION,
                self.placement.own.lba - self.placement.partition_lba,
            )
        }
    }

    /// The metadata partition map: the two entries at the first two blocks of UDF's own ones.
    fn metadata_map(&self) -> MetadataMap {
        let first = self.placement.own.lba - self.placement.partition_lba;
        MetadataMap {
            revision: self.revision as u16,
            partition_number: 0,
            file_loc: first,
            mirror_loc: first + 1,
            bitmap_loc: NO_BITMAP,
            allocation_unit: METADATA_UNIT,
            alignment_unit: METADATA_UNIT as u16,
            duplicate: self.redundant_metadata,
        }
    }

    /// An (extended) file entry at absolute `lba` whose tag names Part 4 block `location`.
    fn emit_entry(&self, out: &mut MetadataWriter, lba: u32, location: u32, e: &EntryFields) -> ImapiResult<()> {
        let efe = self.revision >= 0x200;
        let header = if efe { 216 } else { 176 };
        let (ad_type, ad_len) = match e.allocation.long_in {
            None => (0u16, 8),
            Some(_) => (1, 16),
        };
        let l_ad = e.allocation.runs.len() * ad_len;
        if header + l_ad > BLOCK {
            return Err(ImapiError::with(HResult::IMAPI_E_DATA_TOO_BIG, ["UDF"]));
        }
        let b = &mut out.block_mut(lba)[..];
        // ICB tag: strategy 4, one entry, the file type, the allocation descriptor type.
        put_u16(b, 20, 4);
        put_u16(b, 24, 1);
        b[27] = e.file_type;
        put_u16(b, 34, ad_type);
        put_u32(b, 36, u32::MAX);
        put_u32(b, 40, u32::MAX);
        let permissions: u32 = if e.file_type == DIRECTORY { 0x14A5 } else { 0x1084 };
        put_u32(b, 44, permissions);
        put_u16(b, 48, e.links);
        put_u64(b, 56, e.bytes);
        let recorded: u64 = e
            .allocation
            .runs
            .iter()
            .map(|&(len, _)| u64::from(blocks_of(len.into())))
            .sum();
        if efe {
            put_u64(b, 64, e.bytes);
            put_u64(b, 72, recorded);
            put_timestamp(&mut b[80..92], e.times.accessed);
            put_timestamp(&mut b[92..104], e.times.modified);
            put_timestamp(&mut b[104..116], e.times.created);
            put_timestamp(&mut b[116..128], e.times.modified);
            put_u32(b, 128, 1);
            put_regid(&mut b[168..200], IMPLEMENTATION_ID, &[]);
            put_u64(b, 200, e.unique_id);
            put_u32(b, 212, l_ad as u32);
        } else {
            put_u64(b, 64, recorded);
            put_timestamp(&mut b[72..84], e.times.accessed);
            put_timestamp(&mut b[84..96], e.times.modified);
            put_timestamp(&mut b[96..108], e.times.modified);
            put_u32(b, 108, 1);
            put_regid(&mut b[128..160], IMPLEMENTATION_ID, &[]);
            put_u64(b, 160, e.unique_id);
            put_u32(b, 172, l_ad as u32);
        }
        for (i, &(len, block)) in e.allocation.runs.iter().enumerate() {
            let ad = header + ad_len * i;
            put_u32(b, ad, len);
            put_u32(b, ad + 4, block);
            if let Some(partition) = e.allocation.long_in {
                put_u16(b, ad + 8, partition);
            }
        }
        let ident = if efe { TAG_EFE } else { TAG_FE };
        finish_tag(b, ident, self.tag_version(), location, header - 16 + l_ad);
        Ok(())
    }

    fn tag_version(&self) -> u16 {
        if self.revision >= 0x200 { 3 } else { 2 }
    }

    /// One FID into `buf` (a directory's bytes), whose first byte is at Part 4 block `start`;
    /// `target` is the entry's (partition reference, block).
    fn put_fid(&self, buf: &mut Vec<u8>, start: u32, chars: u8, name: Option<&[u8]>, target: (u16, u32), uid: u64) {
        let at = buf.len();
        let len = fid_len(name);
        buf.resize(at + len, 0);
        let f = &mut buf[at..];
        put_u16(f, 16, 1);
        f[18] = chars;
        f[19] = name.map_or(0, |n| n.len() as u8);
        put_u32(f, 20, BLOCK as u32);
        put_u32(f, 24, target.1);
        put_u16(f, 28, target.0);
        put_u32(f, 32, uid as u32);
        if let Some(n) = name {
            f[38..38 + n.len()].copy_from_slice(n);
        }
        let location = start + (at / BLOCK) as u32;
        finish_tag(&mut f[..len], TAG_FID, self.tag_version(), location, len - 16);
    }

    /// (bytes, block) runs of a data extent at absolute `lba`, relative to the physical
    /// partition, each at most [`MAX_AD_BYTES`].
    fn runs(&self, partition: BlockRange, lba: u32, bytes: u64) -> ImapiResult<Vec<(u32, u32)>> {
        let outside = || internal("UDF cannot refer to file data outside its partition");
        let mut block = lba.checked_sub(partition.lba).ok_or_else(outside)?;
        if u64::from(block) + u64::from(blocks_of(bytes)) > u64::from(partition.blocks) {
            return Err(outside());
        }
        let mut runs = Vec::new();
        let mut left = bytes;
        while left > 0 {
            let len = left.min(MAX_AD_BYTES);
            runs.push((len as u32, block));
            block += blocks_of(len);
            left -= len;
        }
        Ok(runs)
    }

    /// The FSD, the directories with their FIDs and the file entries, at the main copy of the
    /// structures.
    fn emit_structures(&self, layout: &Layout, out: &mut MetadataWriter, partition: BlockRange) -> ImapiResult<()> {
        let tree = &layout.tree;
        let lba = self.structures_lba();
        let (part, base) = self.structures_address();
        let v = self.tag_version();
        let facts = self.facts(layout, partition);

        let b = &mut out.block_mut(lba)[..];
        put_timestamp(&mut b[16..28], layout.volume.created);
        put_u16(b, 28, 3);
        put_u16(b, 30, 3);
        put_u32(b, 32, 1);
        put_u32(b, 36, 1);
        put_cs0_charspec(&mut b[48..112]);
        put_dstring(&mut b[112..240], &layout.volume.name);
        put_cs0_charspec(&mut b[240..304]);
        put_dstring(&mut b[304..336], &layout.volume.name);
        put_u32(b, 400, BLOCK as u32);
        put_u32(b, 404, base + self.dirs[0].entry);
        put_u16(b, 408, part);
        facts.domain_ident(&mut b[416..448]);
        finish_tag(b, TAG_FSD, v, base, 496);
        finish_tag(&mut out.block_mut(lba + 1)[..], TAG_TD, v, base + 1, 496);

        for (id, dir) in tree.dirs.iter().enumerate() {
            let plan = &self.dirs[id];
            let start = plan.entry + 1;
            let mut fids = Vec::with_capacity(plan.bytes as usize);
            let parent = (part, base + self.dirs[dir.parent].entry);
            let parent_uid = Self::dir_unique_id(dir.parent);
            self.put_fid(
                &mut fids,
                base + start,
                FID_DIRECTORY | FID_PARENT,
                None,
                parent,
                parent_uid,
            );
            for (entry, name) in dir.children.iter().zip(&plan.names) {
                let (chars, target, uid) = match *entry {
                    Entry::Dir(d) => (
                        FID_DIRECTORY | if tree.dirs[d].hidden { FID_HIDDEN } else { 0 },
                        self.dirs[d].entry,
                        Self::dir_unique_id(d),
                    ),
                    Entry::File(f) => (
                        if tree.files[f].hidden { FID_HIDDEN } else { 0 },
                        self.file_entries[f],
                        self.file_unique_id(f),
                    ),
                };
                self.put_fid(&mut fids, base + start, chars, Some(name), (part, base + target), uid);
            }
            debug_assert_eq!(fids.len() as u64, plan.bytes);
            out.write(lba + start, &fids);
            let fields = EntryFields {
                file_type: DIRECTORY,
                links: 1 + plan.subdirs,
                bytes: plan.bytes,
                // The FIDs follow the entry, in the entry's own partition.
                allocation: Allocation {
                    runs: &[(plan.bytes as u32, base + start)],
                    long_in: None,
                },
                times: &dir.times,
                unique_id: Self::dir_unique_id(id),
            };
            self.emit_entry(out, lba + plan.entry, base + plan.entry, &fields)?;
        }
        // With a metadata partition a short_ad would name a metadata block: file data is named
        // by long_ads in the physical partition (udf-iso.md §2.11).
        let long_in = self.has_metadata_partition().then_some(PHYSICAL_PARTITION);
        for (f, file) in tree.files.iter().enumerate() {
            let extent = layout.file_extent(f);
            let runs = if extent.bytes == 0 {
                Vec::new()
            } else {
                self.runs(partition, extent.range.lba, extent.bytes)?
            };
            let fields = EntryFields {
                file_type: REGULAR_FILE,
                links: 1,
                bytes: extent.bytes,
                allocation: Allocation { runs: &runs, long_in },
                times: &file.times,
                unique_id: self.file_unique_id(f),
            };
            let block = self.file_entries[f];
            self.emit_entry(out, lba + block, base + block, &fields)?;
        }
        Ok(())
    }

    /// The Metadata File and Metadata Mirror File entries (link count 0, no FID names them), and
    /// the mirror's own copy of the metadata when it has one.
    fn emit_metadata_files(&self, layout: &Layout, out: &mut MetadataWriter) -> ImapiResult<()> {
        let p = self.placement;
        let map = self.metadata_map();
        let main = p.own.lba + p.metadata_offset;
        let mirror = if self.redundant_metadata {
            for i in 0..p.metadata_blocks {
                let block = *out.block_mut(main + i);
                *out.block_mut(main + p.metadata_blocks + i) = block;
            }
            main + p.metadata_blocks
        } else {
            main
        };
        let times = ItemTimes {
            created: layout.volume.created,
            accessed: layout.volume.created,
            modified: layout.volume.created,
        };
        let bytes = u64::from(p.metadata_blocks) * BLOCK as u64;
        for (file_type, location, copy) in [
            (METADATA_FILE, map.file_loc, main),
            (METADATA_MIRROR_FILE, map.mirror_loc, mirror),
        ] {
            let fields = EntryFields {
                file_type,
                links: 0,
                bytes,
                allocation: Allocation {
                    runs: &[(bytes as u32, copy - p.partition_lba)],
                    long_in: None,
                },
                times: &times,
                unique_id: 0,
            };
            self.emit_entry(out, p.partition_lba + location, location, &fields)?;
        }
        Ok(())
    }

    fn facts<'a>(&self, layout: &'a Layout, partition: BlockRange) -> VolumeFacts<'a> {
        VolumeFacts {
            name: &layout.volume.name,
            created: layout.volume.created,
            revision: self.revision as u16,
            session_start: layout.session_start,
            partition,
            metadata: self
                .has_metadata_partition()
                .then(|| (self.metadata_map(), self.placement.metadata_blocks)),
            fsd: self.structures_address(),
            next_unique_id: self.file_unique_id(self.file_entries.len()),
            files: self.file_entries.len() as u32,
            directories: self.dirs.len() as u32,
        }
    }
}

impl FileSystemEmitter for UdfEmitter {
    fn name(&self) -> &'static str {
        "UDF"
    }

    fn request_descriptors(&mut self, set: &mut DescriptorSet) {
        for slot in &mut self.slots {
            *slot = set.request(DescriptorClass::Recognition);
        }
    }

    fn reserve_fixed(&mut self, space: &mut SpacePlan) -> ImapiResult<()> {
        space.reserve_fixed(MAIN_VDS, VDS_BLOCKS)?;
        space.reserve_fixed(RESERVE_VDS, VDS_BLOCKS)?;
        space.reserve_fixed(LVID, 2)?;
        space.reserve_fixed(ANCHOR, 1)?;
        Ok(())
    }

    fn reserve(&mut self, space: &mut SpacePlan) -> ImapiResult<()> {
        // UDF's own blocks start after the anchor at 256, so that they hold no volume structure
        // (udf-iso.md §2.14: genisoimage starts the partition at 257); blocks before stay zero.
        let after_anchor = space.session_start() + ANCHOR + 1;
        while space.allocate(0)?.lba < after_anchor {
            space.allocate(1)?;
        }
        let first = space.allocate(0)?.lba;
        let partition_lba = self.lowest_recorded.map_or(first, |lowest| lowest.min(first));
        let blocks = if self.has_metadata_partition() {
            // The two metadata entries, then each metadata copy aligned to the unit relative to
            // the partition start (udf-iso.md §2.11).
            let entries_end = first - partition_lba + 2;
            let offset = entries_end.next_multiple_of(METADATA_UNIT) - (first - partition_lba);
            let copy = self.structure_blocks.next_multiple_of(METADATA_UNIT);
            self.placement.metadata_offset = offset;
            self.placement.metadata_blocks = copy;
            offset + copy * if self.redundant_metadata { 2 } else { 1 }
        } else {
            self.structure_blocks
        };
        self.placement.partition_lba = partition_lba;
        self.placement.own = space.allocate(u64::from(blocks))?;
        debug_assert_eq!(self.placement.own.lba, first);
        self.anchor_tail = space.request_tail(1);
        Ok(())
    }

    fn emit(&self, layout: &Layout, out: &mut MetadataWriter) -> ImapiResult<()> {
        let nsr: &[u8; 5] = if self.revision >= 0x200 { b"NSR03" } else { b"NSR02" };
        for (slot, id) in self.slots.iter().zip([b"BEA01", nsr, b"TEA01"]) {
            let b = out.block_mut(layout.descriptor_lba(*slot));
            b[1..6].copy_from_slice(id);
            b[6] = 1;
        }
        // The partition runs to the end of the file data: up to the closing anchor.
        let tail = layout.tail(self.anchor_tail);
        let partition = BlockRange {
            lba: self.placement.partition_lba,
            blocks: tail.lba - self.placement.partition_lba,
        };
        let facts = self.facts(layout, partition);
        let s = layout.session_start;
        facts.emit_vds(out, s + MAIN_VDS);
        facts.emit_vds(out, s + RESERVE_VDS);
        facts.emit_lvid(out);
        facts.emit_anchor(out, s + ANCHOR);
        facts.emit_anchor(out, tail.lba);
        self.emit_structures(layout, out, partition)?;
        if self.has_metadata_partition() {
            self.emit_metadata_files(layout, out)?;
        }
        Ok(())
    }
}

/// The fixed time of an image as UDF records it (for tests of the timestamp form).
pub fn recorded_time(time: SystemTime) -> [u8; 12] {
    let mut b = [0u8; 12];
    put_timestamp(&mut b, time);
    b
}
