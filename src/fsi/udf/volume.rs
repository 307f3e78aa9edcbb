//! UDF volume structures (ECMA-167 Part 3, udf-iso.md §2.3–§2.5): the main and reserve Volume
//! Descriptor Sequences (PVD, IUVD, PD, LVD with its partition maps, USD, TD), the Logical Volume
//! Integrity Descriptor and the anchors. Their tag locations are absolute sectors, and so is every
//! address they record (udf-iso.md §3.3: a later session's anchor at S+256 names S+256).

use super::descriptor::*;
use super::metadata::MetadataMap;
use crate::fsi::layout::{BLOCK, BlockRange, MetadataWriter};
use std::time::{SystemTime, UNIX_EPOCH};

/// Blocks of the fixed structures, relative to the session start (udf-iso.md §2.13).
pub const MAIN_VDS: u32 = 32;
pub const RESERVE_VDS: u32 = 48;
pub const VDS_BLOCKS: u32 = 16;
pub const LVID: u32 = 64;
pub const ANCHOR: u32 = 256;

pub const IMPLEMENTATION_ID: &[u8] = b"*burnbench";
const DOMAIN_ID: &[u8] = b"*OSTA UDF Compliant";

/// Partition references: the index of a map in the LVD (udf-iso.md §2.4.4).
pub const PHYSICAL_PARTITION: u16 = 0;
pub const METADATA_PARTITION: u16 = 1;

/// What the volume structures record.
pub struct VolumeFacts<'a> {
    pub name: &'a str,
    pub created: SystemTime,
    pub revision: u16,
    pub session_start: u32,
    /// The physical partition (number 0, read-only).
    pub partition: BlockRange,
    /// The metadata partition map and the metadata partition's size in blocks (2.50 and later).
    pub metadata: Option<(MetadataMap, u32)>,
    /// The File Set Descriptor: (partition reference, block).
    pub fsd: (u16, u32),
    pub next_unique_id: u64,
    pub files: u32,
    pub directories: u32,
}

impl VolumeFacts<'_> {
    fn nsr03(&self) -> bool {
        self.revision >= 0x200
    }

    pub fn tag_version(&self) -> u16 {
        if self.nsr03() { 3 } else { 2 }
    }

    /// Domain suffix with hard and soft write-protect: a mastered, read-only volume (genisoimage
    /// does the same, udf-iso.md §2.14). The LVD and the FSD record the same one.
    pub fn domain_ident(&self, field: &mut [u8]) {
        let r = self.revision.to_le_bytes();
        put_regid(field, DOMAIN_ID, &[r[0], r[1], 3]);
    }

    fn udf_suffix(&self) -> [u8; 2] {
        self.revision.to_le_bytes()
    }

    /// The lowest revision that can read the volume: a metadata partition needs 2.50, also in
    /// a 2.60 volume (mkudffs does the same, udf-iso.md §2.5).
    fn min_read_revision(&self) -> u16 {
        if self.metadata.is_some() { 0x250 } else { self.revision }
    }

    /// Writes the VDS at absolute `lba`: PVD, IUVD, PD, LVD, USD, TD with VDSNs 0–4.
    pub fn emit_vds(&self, out: &mut MetadataWriter, lba: u32) {
        let v = self.tag_version();
        let b = &mut out.block_mut(lba)[..];
        put_u32(b, 16, 0);
        put_u32(b, 20, 0);
        put_dstring(&mut b[24..56], self.name);
        put_u16(b, 56, 1);
        put_u16(b, 58, 1);
        put_u16(b, 60, 2);
        put_u16(b, 62, 2);
        put_u32(b, 64, 1);
        put_u32(b, 68, 1);
        let secs = self.created.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        put_dstring(&mut b[72..200], &format!("{secs:016X}burnbench"));
        put_cs0_charspec(&mut b[200..264]);
        put_cs0_charspec(&mut b[264..328]);
        put_regid(&mut b[344..376], b"", &[]);
        put_timestamp(&mut b[376..388], self.created);
        put_regid(&mut b[388..420], IMPLEMENTATION_ID, &[]);
        put_u16(b, 488, 1);
        finish_tag(b, TAG_PVD, v, lba, 496);

        let b = &mut out.block_mut(lba + 1)[..];
        put_u32(b, 16, 1);
        put_regid(&mut b[20..52], b"*UDF LV Info", &self.udf_suffix());
        put_cs0_charspec(&mut b[52..116]);
        put_dstring(&mut b[116..244], self.name);
        put_regid(&mut b[352..384], IMPLEMENTATION_ID, &[]);
        finish_tag(b, TAG_IUVD, v, lba + 1, 496);

        let b = &mut out.block_mut(lba + 2)[..];
        put_u32(b, 16, 2);
        put_u16(b, 20, 1);
        put_u16(b, 22, 0);
        let contents: &[u8] = if self.nsr03() { b"+NSR03" } else { b"+NSR02" };
        put_regid(&mut b[24..56], contents, &[]);
        b[24] = 2;
        put_u32(b, 184, 1); // access type: read-only
        put_u32(b, 188, self.partition.lba);
        put_u32(b, 192, self.partition.blocks);
        put_regid(&mut b[196..228], IMPLEMENTATION_ID, &[]);
        finish_tag(b, TAG_PD, v, lba + 2, 496);

        self.emit_lvd(out, lba + 3);

        let b = &mut out.block_mut(lba + 4)[..];
        put_u32(b, 16, 4);
        finish_tag(b, TAG_USD, v, lba + 4, 8);
        finish_tag(&mut out.block_mut(lba + 5)[..], TAG_TD, v, lba + 5, 496);
    }

    /// The LVD: a type-1 map of partition 0 (reference 0), then the metadata map (reference 1).
    fn emit_lvd(&self, out: &mut MetadataWriter, lba: u32) {
        let b = &mut out.block_mut(lba)[..];
        put_u32(b, 16, 3);
        put_cs0_charspec(&mut b[20..84]);
        put_dstring(&mut b[84..212], self.name);
        put_u32(b, 212, BLOCK as u32);
        self.domain_ident(&mut b[216..248]);
        let (fsd_partition, fsd_block) = self.fsd;
        put_u32(b, 248, BLOCK as u32);
        put_u32(b, 252, fsd_block);
        put_u16(b, 256, fsd_partition);
        put_regid(&mut b[272..304], IMPLEMENTATION_ID, &[]);
        put_u32(b, 432, 2 * BLOCK as u32);
        put_u32(b, 436, self.session_start + LVID);
        let maps = &mut b[440..];
        maps[0] = 1;
        maps[1] = 6;
        put_u16(maps, 2, 1);
        put_u16(maps, 4, 0);
        let mut table = 6;
        if let Some((map, _)) = &self.metadata {
            map.emit(&mut maps[6..]);
            table += super::metadata::TYPE2_MAP_LEN;
        }
        put_u32(b, 264, table as u32);
        put_u32(b, 268, self.partition_count());
        finish_tag(b, TAG_LVD, self.tag_version(), lba, 424 + table);
    }

    fn partition_count(&self) -> u32 {
        1 + u32::from(self.metadata.is_some())
    }

    /// The LVID (Close) and a TD after it, at the session's block 64.
    pub fn emit_lvid(&self, out: &mut MetadataWriter) {
        let lba = self.session_start + LVID;
        let n = self.partition_count() as usize;
        let b = &mut out.block_mut(lba)[..];
        put_timestamp(&mut b[16..28], self.created);
        put_u32(b, 28, 1); // Close
        put_u64(b, 40, self.next_unique_id);
        put_u32(b, 72, n as u32);
        put_u32(b, 76, 46);
        // Free space (none: a mastered volume) then size of each partition.
        let sizes = [Some(self.partition.blocks), self.metadata.map(|(_, blocks)| blocks)];
        for (i, size) in sizes.into_iter().flatten().enumerate() {
            put_u32(b, 80 + 4 * i, 0);
            put_u32(b, 80 + 4 * n + 4 * i, size);
        }
        let iu = 80 + 8 * n;
        put_regid(&mut b[iu..iu + 32], IMPLEMENTATION_ID, &[]);
        put_u32(b, iu + 32, self.files);
        put_u32(b, iu + 36, self.directories);
        put_u16(b, iu + 40, self.min_read_revision());
        put_u16(b, iu + 42, self.revision);
        put_u16(b, iu + 44, self.revision);
        finish_tag(b, TAG_LVID, self.tag_version(), lba, 64 + 8 * n + 46);
        finish_tag(
            &mut out.block_mut(lba + 1)[..],
            TAG_TD,
            self.tag_version(),
            lba + 1,
            496,
        );
    }

    /// An anchor at absolute `lba` naming the main and reserve VDS of this session.
    pub fn emit_anchor(&self, out: &mut MetadataWriter, lba: u32) {
        let b = &mut out.block_mut(lba)[..];
        put_u32(b, 16, VDS_BLOCKS * BLOCK as u32);
        put_u32(b, 20, self.session_start + MAIN_VDS);
        put_u32(b, 24, VDS_BLOCKS * BLOCK as u32);
        put_u32(b, 28, self.session_start + RESERVE_VDS);
        finish_tag(b, TAG_AVDP, self.tag_version(), lba, 496);
    }
}
