//! How a UDF logical volume's partition references map onto the medium (udf-iso.md §2.4.4,
//! §2.11): a type-1 map is a run of absolute blocks; a metadata partition's block k is byte k·2048
//! of the Metadata File's data, which lies in extents of the physical partition. Addresses are
//! resolved run by run, so a metadata partition costs one entry per extent, never one per block.

use super::block::BLOCK;

/// The access type of a partition descriptor (udf-iso.md §2.4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessType {
    /// 0: pseudo-overwritable (UDF 2.60 POW).
    PseudoOverwritable,
    /// 1: read-only (mastered media, IMAPI's choice on rewritable media, imapi2.md §3.8).
    ReadOnly,
    /// 2: write-once (VAT media).
    WriteOnce,
    /// 3: rewritable (needs erase).
    Rewritable,
    /// 4: overwritable.
    Overwritable,
    Other(u32),
}

impl AccessType {
    pub fn from_value(value: u32) -> AccessType {
        match value {
            0 => AccessType::PseudoOverwritable,
            1 => AccessType::ReadOnly,
            2 => AccessType::WriteOnce,
            3 => AccessType::Rewritable,
            4 => AccessType::Overwritable,
            other => AccessType::Other(other),
        }
    }
}

/// The partition a type-1 map names, as its descriptor records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhysicalPartition {
    /// partitionNumber of the descriptor.
    pub number: u16,
    pub access_type: AccessType,
    /// Absolute first block.
    pub start: u32,
    pub blocks: u32,
}

/// One run of a metadata partition: `blocks` metadata blocks from `first`, at absolute `lba`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Run {
    first: u32,
    lba: u32,
    blocks: u32,
}

/// A partition reference, resolved.
#[derive(Debug, Clone)]
pub(super) enum Partition {
    Physical(PhysicalPartition),
    /// The Metadata File's data as runs in metadata-block order; empty until it is read.
    Metadata {
        runs: Vec<Run>,
        blocks: u32,
    },
}

impl Partition {
    /// A metadata partition not read yet: any address in it is outside it.
    pub(super) fn unresolved_metadata() -> Partition {
        Partition::Metadata {
            runs: Vec::new(),
            blocks: 0,
        }
    }

    /// A metadata partition whose blocks are the first `bytes` of the data in `extents`
    /// (absolute LBA, bytes; every extent but the last a whole number of blocks).
    pub(super) fn metadata(extents: &[(u32, u64)], bytes: u64) -> Result<Partition, String> {
        let wanted = bytes.div_ceil(BLOCK as u64);
        if wanted > u64::from(u32::MAX) {
            return Err("metadata partition too large".into());
        }
        let mut runs = Vec::with_capacity(extents.len());
        let mut blocks = 0u32;
        for &(lba, len) in extents {
            let left = wanted - u64::from(blocks);
            if left == 0 {
                break;
            }
            let n = len.div_ceil(BLOCK as u64).min(left) as u32;
            runs.push(Run {
                first: blocks,
                lba,
                blocks: n,
            });
            blocks += n;
        }
        if u64::from(blocks) < wanted {
            return Err("the metadata file's extents are shorter than the file".into());
        }
        Ok(Partition::Metadata { runs, blocks })
    }

    pub(super) fn blocks(&self) -> u32 {
        match self {
            Partition::Physical(p) => p.blocks,
            Partition::Metadata { blocks, .. } => *blocks,
        }
    }

    /// The absolute runs (LBA, blocks) holding `blocks` blocks from `block`; `None` when they
    /// are not all inside the partition.
    pub(super) fn resolve(&self, block: u32, blocks: u64) -> Option<Vec<(u32, u32)>> {
        let end = u64::from(block) + blocks;
        if end > u64::from(self.blocks()) {
            return None;
        }
        match self {
            Partition::Physical(p) => Some(vec![(p.start.checked_add(block)?, blocks as u32)]),
            Partition::Metadata { runs, .. } => {
                let mut out = Vec::new();
                let mut at = block;
                let first = runs.partition_point(|r| r.first + r.blocks <= block);
                for run in &runs[first..] {
                    if u64::from(at) >= end {
                        break;
                    }
                    let skip = at - run.first;
                    let n = (run.blocks - skip).min((end - u64::from(at)) as u32);
                    out.push((run.lba + skip, n));
                    at += n;
                }
                Some(out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_blocks_map_through_the_file_extents() {
        // Metadata blocks 0–2 at 1000, 3–4 at 500; the file is 4.5 blocks long.
        let p = Partition::metadata(&[(1000, 3 * 2048), (500, 2 * 2048)], 4 * 2048 + 1024).unwrap();
        assert_eq!(p.blocks(), 5);
        assert_eq!(p.resolve(0, 1), Some(vec![(1000, 1)]));
        assert_eq!(p.resolve(2, 2), Some(vec![(1002, 1), (500, 1)]));
        assert_eq!(p.resolve(4, 1), Some(vec![(501, 1)]));
        assert_eq!(p.resolve(4, 2), None);
        assert_eq!(p.resolve(u32::MAX, 1), None);
        assert!(Partition::metadata(&[(1000, 2048)], 3 * 2048).is_err());
        assert_eq!(Partition::unresolved_metadata().resolve(0, 1), None);
    }

    #[test]
    fn physical_blocks_are_one_run() {
        let p = Partition::Physical(PhysicalPartition {
            number: 0,
            access_type: AccessType::from_value(1),
            start: 257,
            blocks: 100,
        });
        assert_eq!(p.resolve(10, 5), Some(vec![(267, 5)]));
        assert_eq!(p.resolve(99, 2), None);
    }
}
