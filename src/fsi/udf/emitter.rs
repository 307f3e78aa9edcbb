//! The UDF file system of an image (udf-iso.md §2.13, §2.14): recognition sequence after the ISO
//! terminator, main VDS at 32, reserve VDS at 48, LVID at 64, anchors at 256 and at the last
//! block, and one type-1 partition from the first UDF block to the end of the file data, so that
//! every file extent the ISO 9660 and Joliet trees record lies inside it and is shared.
//!
//! Revisions 1.02 and 1.50 write NSR02 with File Entries (tag version 2); 2.00 and 2.01 write
//! NSR03 with Extended File Entries (tag version 3). 2.50 and 2.60 need a metadata partition
//! and are refused (IMAPI_E_FSI_INTERNAL_ERROR) until it is written.

use super::descriptor::*;
use crate::fsi::layout::{
    BLOCK, BlockRange, DescriptorClass, DescriptorSet, DescriptorSlot, DirId, Entry, FileSystemEmitter, FrozenTree,
    Layout, MetadataWriter, SpacePlan, TailId,
};
use crate::fsi::tree::ItemTimes;
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::time::{SystemTime, UNIX_EPOCH};

/// UDF revisions this emitter writes.
pub const WRITTEN_REVISIONS: [u32; 4] = [0x102, 0x150, 0x200, 0x201];

/// Relative blocks of the fixed structures (udf-iso.md §2.13).
const MAIN_VDS: u32 = 32;
const RESERVE_VDS: u32 = 48;
const VDS_BLOCKS: u32 = 16;
const LVID: u32 = 64;
const ANCHOR: u32 = 256;

const IMPLEMENTATION_ID: &[u8] = b"*burnbench";
const DOMAIN_ID: &[u8] = b"*OSTA UDF Compliant";

/// Unique ID of the first item after the root (0–15 are reserved, udf-iso.md §2.9).
const FIRST_UNIQUE_ID: u64 = 16;

fn internal(detail: &str) -> ImapiError {
    ImapiError::with(HResult::IMAPI_E_FSI_INTERNAL_ERROR, [detail.to_string()])
}

/// The size in bytes of one FID naming `name` (None: the parent FID).
fn fid_len(name: Option<&[u8]>) -> usize {
    (38 + name.map_or(0, <[u8]>::len)).div_ceil(4) * 4
}

#[derive(Debug, Clone, Default)]
struct DirPlan {
    /// CS0 names of the children, in the tree's order.
    names: Vec<Vec<u8>>,
    /// Bytes of the FIDs (the directory's information length).
    bytes: u64,
    /// Partition-relative block of the directory's (extended) file entry; its FIDs follow.
    entry: u32,
    /// Child directories (for the link count).
    subdirs: u16,
}

pub struct UdfEmitter {
    revision: u32,
    dirs: Vec<DirPlan>,
    /// Partition-relative block of each file's entry.
    file_entries: Vec<u32>,
    slots: [DescriptorSlot; 3],
    partition: BlockRange,
    anchor_tail: TailId,
}

impl UdfEmitter {
    /// Plans the UDF tree of `tree` for `revision` (0x102 … 0x201). 2.50 and 2.60 are refused
    /// with IMAPI_E_FSI_INTERNAL_ERROR; names longer than 255 CS0 bytes with
    /// IMAPI_E_FSI_INTERNAL_ERROR as well (the item-name rules keep them shorter).
    pub fn new(tree: &FrozenTree, revision: u32) -> ImapiResult<UdfEmitter> {
        if !WRITTEN_REVISIONS.contains(&revision) {
            return Err(internal(
                "UDF 2.50 and 2.60 output (metadata partition) is not implemented yet",
            ));
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
            next += 1 + plan.bytes.div_ceil(BLOCK as u64) as u32;
        }
        let file_entries = (0..tree.files.len() as u32).map(|i| next + i).collect();
        Ok(UdfEmitter {
            revision,
            dirs,
            file_entries,
            slots: [0; 3],
            partition: BlockRange::default(),
            anchor_tail: 0,
        })
    }

    fn nsr03(&self) -> bool {
        self.revision >= 0x200
    }

    fn tag_version(&self) -> u16 {
        if self.nsr03() { 3 } else { 2 }
    }

    fn own_blocks(&self) -> u32 {
        self.file_entries.last().map_or_else(
            || {
                let last = self.dirs.last().expect("a root");
                last.entry + 1 + last.bytes.div_ceil(BLOCK as u64) as u32
            },
            |&l| l + 1,
        )
    }

    fn dir_unique_id(d: DirId) -> u64 {
        if d == 0 { 0 } else { FIRST_UNIQUE_ID + d as u64 - 1 }
    }

    fn file_unique_id(&self, f: usize) -> u64 {
        FIRST_UNIQUE_ID + self.dirs.len() as u64 - 1 + f as u64
    }

    fn domain_suffix(&self) -> [u8; 8] {
        let r = (self.revision as u16).to_le_bytes();
        // Hard and soft write-protect: a mastered, read-only volume (genisoimage does the same).
        [r[0], r[1], 3, 0, 0, 0, 0, 0]
    }

    fn udf_suffix(&self) -> [u8; 8] {
        let r = (self.revision as u16).to_le_bytes();
        [r[0], r[1], 0, 0, 0, 0, 0, 0]
    }

    /// The main or reserve VDS at absolute `lba`.
    fn emit_vds(&self, layout: &Layout, out: &mut MetadataWriter, lba: u32) {
        let v = self.tag_version();
        let volume = &layout.volume;
        let time = volume.created;
        let name = &volume.name;
        // PVD
        let b = &mut out.block_mut(lba)[..];
        put_u32(b, 16, 0);
        put_u32(b, 20, 0);
        put_dstring(&mut b[24..56], name);
        put_u16(b, 56, 1);
        put_u16(b, 58, 1);
        put_u16(b, 60, 2);
        put_u16(b, 62, 2);
        put_u32(b, 64, 1);
        put_u32(b, 68, 1);
        let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        put_dstring(&mut b[72..200], &format!("{secs:016X}burnbench"));
        put_cs0_charspec(&mut b[200..264]);
        put_cs0_charspec(&mut b[264..328]);
        put_regid(&mut b[344..376], b"", &[]);
        put_timestamp(&mut b[376..388], time);
        put_regid(&mut b[388..420], IMPLEMENTATION_ID, &[]);
        put_u16(b, 488, 1);
        finish_tag(b, TAG_PVD, v, lba, 496);
        // IUVD
        let b = &mut out.block_mut(lba + 1)[..];
        put_u32(b, 16, 1);
        put_regid(&mut b[20..52], b"*UDF LV Info", &self.udf_suffix());
        put_cs0_charspec(&mut b[52..116]);
        put_dstring(&mut b[116..244], name);
        put_regid(&mut b[352..384], IMPLEMENTATION_ID, &[]);
        finish_tag(b, TAG_IUVD, v, lba + 1, 496);
        // PD
        let b = &mut out.block_mut(lba + 2)[..];
        put_u32(b, 16, 2);
        put_u16(b, 20, 1);
        put_u16(b, 22, 0);
        let contents: &[u8] = if self.nsr03() { b"+NSR03" } else { b"+NSR02" };
        put_regid(&mut b[24..56], contents, &[]);
        b[24] = 2;
        put_u32(b, 184, 1);
        put_u32(b, 188, self.partition.lba);
        put_u32(b, 192, self.partition.blocks);
        put_regid(&mut b[196..228], IMPLEMENTATION_ID, &[]);
        finish_tag(b, TAG_PD, v, lba + 2, 496);
        // LVD with one type-1 map
        let b = &mut out.block_mut(lba + 3)[..];
        put_u32(b, 16, 3);
        put_cs0_charspec(&mut b[20..84]);
        put_dstring(&mut b[84..212], name);
        put_u32(b, 212, BLOCK as u32);
        put_regid(&mut b[216..248], DOMAIN_ID, &self.domain_suffix());
        put_u32(b, 248, BLOCK as u32); // FSD long_ad: block 0 of partition 0
        put_u32(b, 264, 6);
        put_u32(b, 268, 1);
        put_regid(&mut b[272..304], IMPLEMENTATION_ID, &[]);
        put_u32(b, 432, 2 * BLOCK as u32);
        put_u32(b, 436, layout.session_start + LVID);
        b[440] = 1;
        b[441] = 6;
        put_u16(b, 442, 1);
        put_u16(b, 444, 0);
        finish_tag(b, TAG_LVD, v, lba + 3, 430);
        // USD without extents
        let b = &mut out.block_mut(lba + 4)[..];
        put_u32(b, 16, 4);
        finish_tag(b, TAG_USD, v, lba + 4, 8);
        // TD
        let b = &mut out.block_mut(lba + 5)[..];
        finish_tag(b, TAG_TD, v, lba + 5, 496);
    }

    fn emit_anchor(&self, out: &mut MetadataWriter, session_start: u32, lba: u32) {
        let b = &mut out.block_mut(lba)[..];
        put_u32(b, 16, VDS_BLOCKS * BLOCK as u32);
        put_u32(b, 20, session_start + MAIN_VDS);
        put_u32(b, 24, VDS_BLOCKS * BLOCK as u32);
        put_u32(b, 28, session_start + RESERVE_VDS);
        finish_tag(b, TAG_AVDP, self.tag_version(), lba, 496);
    }

    fn emit_lvid(&self, layout: &Layout, out: &mut MetadataWriter) {
        let lba = layout.session_start + LVID;
        let b = &mut out.block_mut(lba)[..];
        put_timestamp(&mut b[16..28], layout.volume.created);
        put_u32(b, 28, 1); // Close
        put_u64(b, 40, self.file_unique_id(self.file_entries.len()));
        put_u32(b, 72, 1);
        put_u32(b, 76, 46);
        put_u32(b, 80, 0);
        put_u32(b, 84, self.partition.blocks);
        put_regid(&mut b[88..120], IMPLEMENTATION_ID, &[]);
        put_u32(b, 120, self.file_entries.len() as u32);
        put_u32(b, 124, self.dirs.len() as u32);
        let r = self.revision as u16;
        put_u16(b, 128, r);
        put_u16(b, 130, r);
        put_u16(b, 132, r);
        finish_tag(b, TAG_LVID, self.tag_version(), lba, 64 + 8 + 46);
        let b = &mut out.block_mut(lba + 1)[..];
        finish_tag(b, TAG_TD, self.tag_version(), lba + 1, 496);
    }

    /// A (extended) file entry at partition block `block`; `extents` are (bytes, partition block)
    /// runs recorded as short_ads.
    #[allow(clippy::too_many_arguments)]
    fn emit_entry(
        &self,
        out: &mut MetadataWriter,
        block: u32,
        is_dir: bool,
        links: u16,
        bytes: u64,
        extents: &[(u32, u32)],
        times: &ItemTimes,
        unique_id: u64,
    ) -> ImapiResult<()> {
        let efe = self.nsr03();
        let header = if efe { 216 } else { 176 };
        let l_ad = extents.len() * 8;
        if header + l_ad > BLOCK {
            return Err(ImapiError::with(HResult::IMAPI_E_DATA_TOO_BIG, ["UDF"]));
        }
        let b = &mut out.block_mut(self.partition.lba + block)[..];
        // ICB tag: strategy 4, one entry, file type, short_ads.
        put_u16(b, 20, 4);
        put_u16(b, 24, 1);
        b[27] = if is_dir { 4 } else { 5 };
        put_u16(b, 34, 0);
        put_u32(b, 36, u32::MAX);
        put_u32(b, 40, u32::MAX);
        let permissions: u32 = if is_dir { 0x14A5 } else { 0x1084 };
        put_u32(b, 44, permissions);
        put_u16(b, 48, links);
        put_u64(b, 56, bytes);
        let recorded: u64 = extents
            .iter()
            .map(|&(len, _)| u64::from(len).div_ceil(BLOCK as u64))
            .sum();
        if efe {
            put_u64(b, 64, bytes);
            put_u64(b, 72, recorded);
            put_timestamp(&mut b[80..92], times.accessed);
            put_timestamp(&mut b[92..104], times.modified);
            put_timestamp(&mut b[104..116], times.created);
            put_timestamp(&mut b[116..128], times.modified);
            put_u32(b, 128, 1);
            put_regid(&mut b[168..200], IMPLEMENTATION_ID, &[]);
            put_u64(b, 200, unique_id);
            put_u32(b, 208, 0);
            put_u32(b, 212, l_ad as u32);
        } else {
            put_u64(b, 64, recorded);
            put_timestamp(&mut b[72..84], times.accessed);
            put_timestamp(&mut b[84..96], times.modified);
            put_timestamp(&mut b[96..108], times.modified);
            put_u32(b, 108, 1);
            put_regid(&mut b[128..160], IMPLEMENTATION_ID, &[]);
            put_u64(b, 160, unique_id);
            put_u32(b, 168, 0);
            put_u32(b, 172, l_ad as u32);
        }
        for (i, &(len, pos)) in extents.iter().enumerate() {
            put_u32(b, header + 8 * i, len);
            put_u32(b, header + 8 * i + 4, pos);
        }
        let ident = if efe { TAG_EFE } else { TAG_FE };
        finish_tag(b, ident, self.tag_version(), block, header - 16 + l_ad);
        Ok(())
    }

    /// One FID into `buf` (a directory's bytes), whose first byte is at partition block `start`.
    #[allow(clippy::too_many_arguments)]
    fn put_fid(&self, buf: &mut Vec<u8>, start: u32, chars: u8, name: Option<&[u8]>, target: u32, unique_id: u64) {
        let at = buf.len();
        let len = fid_len(name);
        buf.resize(at + len, 0);
        let f = &mut buf[at..];
        put_u16(f, 16, 1);
        f[18] = chars;
        f[19] = name.map_or(0, |n| n.len() as u8);
        put_u32(f, 20, BLOCK as u32);
        put_u32(f, 24, target);
        put_u32(f, 30, unique_id as u32);
        if let Some(n) = name {
            f[38..38 + n.len()].copy_from_slice(n);
        }
        let location = start + (at / BLOCK) as u32;
        finish_tag(&mut f[..len], TAG_FID, self.tag_version(), location, len - 16);
    }

    /// Short-ad runs of a data extent at absolute `lba` of `bytes`, partition-relative.
    fn runs(&self, lba: u32, bytes: u64) -> ImapiResult<Vec<(u32, u32)>> {
        let mut runs = Vec::new();
        let mut left = bytes;
        // Data an earlier session recorded lies before this partition (multisession UDF is not
        // written yet).
        let mut block = lba
            .checked_sub(self.partition.lba)
            .ok_or_else(|| internal("UDF cannot refer to file data outside its partition"))?;
        while left > 0 {
            let len = left.min(MAX_AD_BYTES);
            runs.push((len as u32, block));
            block += (len / BLOCK as u64) as u32;
            left -= len;
        }
        Ok(runs)
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
        // The partition starts after the anchor at 256, so that it holds no volume structure
        // (udf-iso.md §2.14: genisoimage starts it at 257); blocks before it stay zero.
        let after_anchor = space.session_start() + ANCHOR + 1;
        while space.allocate(0)?.lba < after_anchor {
            space.allocate(1)?;
        }
        self.partition = space.allocate(u64::from(self.own_blocks()))?;
        self.anchor_tail = space.request_tail(1);
        Ok(())
    }

    fn emit(&self, layout: &Layout, out: &mut MetadataWriter) -> ImapiResult<()> {
        let mut me = UdfEmitter {
            revision: self.revision,
            dirs: self.dirs.clone(),
            file_entries: self.file_entries.clone(),
            slots: self.slots,
            partition: self.partition,
            anchor_tail: self.anchor_tail,
        };
        // The partition runs to the end of the file data: up to the closing anchor.
        let tail = layout.tail(self.anchor_tail);
        me.partition.blocks = tail.lba - self.partition.lba;
        let me = &me;
        let nsr: &[u8; 5] = if me.nsr03() { b"NSR03" } else { b"NSR02" };
        for (slot, id) in me.slots.iter().zip([b"BEA01", nsr, b"TEA01"]) {
            let b = out.block_mut(layout.descriptor_lba(*slot));
            b[1..6].copy_from_slice(id);
            b[6] = 1;
        }
        let s = layout.session_start;
        me.emit_vds(layout, out, s + MAIN_VDS);
        me.emit_vds(layout, out, s + RESERVE_VDS);
        me.emit_lvid(layout, out);
        me.emit_anchor(out, s, s + ANCHOR);
        me.emit_anchor(out, s, tail.lba);

        let tree = &layout.tree;
        let time = layout.volume.created;
        // FSD at partition block 0, TD at 1.
        let p = me.partition.lba;
        let v = me.tag_version();
        let b = &mut out.block_mut(p)[..];
        put_timestamp(&mut b[16..28], time);
        put_u16(b, 28, 3);
        put_u16(b, 30, 3);
        put_u32(b, 32, 1);
        put_u32(b, 36, 1);
        put_cs0_charspec(&mut b[48..112]);
        put_dstring(&mut b[112..240], &layout.volume.name);
        put_cs0_charspec(&mut b[240..304]);
        put_dstring(&mut b[304..336], &layout.volume.name);
        put_u32(b, 400, BLOCK as u32);
        put_u32(b, 404, me.dirs[0].entry);
        put_regid(&mut b[416..448], DOMAIN_ID, &me.domain_suffix());
        finish_tag(b, TAG_FSD, v, 0, 496);
        finish_tag(&mut out.block_mut(p + 1)[..], TAG_TD, v, 1, 496);

        for (id, dir) in tree.dirs.iter().enumerate() {
            let plan = &me.dirs[id];
            let start = plan.entry + 1;
            let mut fids = Vec::with_capacity(plan.bytes as usize);
            let parent = &me.dirs[dir.parent];
            me.put_fid(
                &mut fids,
                start,
                FID_DIRECTORY | FID_PARENT,
                None,
                parent.entry,
                Self::dir_unique_id(dir.parent),
            );
            for (entry, name) in dir.children.iter().zip(&plan.names) {
                let (chars, target, uid) = match *entry {
                    Entry::Dir(d) => (
                        FID_DIRECTORY | if tree.dirs[d].hidden { FID_HIDDEN } else { 0 },
                        me.dirs[d].entry,
                        Self::dir_unique_id(d),
                    ),
                    Entry::File(f) => (
                        if tree.files[f].hidden { FID_HIDDEN } else { 0 },
                        me.file_entries[f],
                        me.file_unique_id(f),
                    ),
                };
                me.put_fid(&mut fids, start, chars, Some(name), target, uid);
            }
            debug_assert_eq!(fids.len() as u64, plan.bytes);
            out.write(p + start, &fids);
            me.emit_entry(
                out,
                plan.entry,
                true,
                1 + plan.subdirs,
                plan.bytes,
                &[(plan.bytes as u32, start)],
                &dir.times,
                Self::dir_unique_id(id),
            )?;
        }
        for (f, file) in tree.files.iter().enumerate() {
            let extent = layout.file_extent(f);
            let runs = if extent.bytes == 0 {
                Vec::new()
            } else {
                me.runs(extent.range.lba, extent.bytes)?
            };
            me.emit_entry(
                out,
                me.file_entries[f],
                false,
                1,
                extent.bytes,
                &runs,
                &file.times,
                me.file_unique_id(f),
            )?;
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
