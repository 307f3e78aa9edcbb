//! The blocks emitters write: descriptors, path tables, directories, boot catalog. They are
//! encoded once when the result image is made and kept compactly; their size grows with the
//! number of items, never with the amount of file data.

use std::collections::BTreeMap;

pub const BLOCK: usize = 2048;

/// Blocks written by the emitters, by absolute LBA.
#[derive(Debug, Default)]
pub struct MetadataWriter {
    blocks: BTreeMap<u32, Box<[u8; BLOCK]>>,
}

impl MetadataWriter {
    pub fn new() -> MetadataWriter {
        MetadataWriter::default()
    }

    /// The block at `lba`, zero-filled the first time it is asked for.
    pub fn block_mut(&mut self, lba: u32) -> &mut [u8; BLOCK] {
        self.blocks.entry(lba).or_insert_with(|| Box::new([0u8; BLOCK]))
    }

    /// Writes `bytes` from the start of block `lba` on, over as many blocks as it needs.
    pub fn write(&mut self, lba: u32, bytes: &[u8]) {
        for (i, chunk) in bytes.chunks(BLOCK).enumerate() {
            self.block_mut(lba + i as u32)[..chunk.len()].copy_from_slice(chunk);
        }
    }

    /// Runs of consecutive blocks, each as (first LBA, bytes), in LBA order.
    pub(crate) fn into_runs(self) -> Vec<(u32, Vec<u8>)> {
        let mut runs: Vec<(u32, Vec<u8>)> = Vec::new();
        for (lba, block) in self.blocks {
            match runs.last_mut() {
                Some((first, bytes)) if *first as u64 + (bytes.len() / BLOCK) as u64 == u64::from(lba) => {
                    bytes.extend_from_slice(&block[..]);
                }
                _ => runs.push((lba, block.to_vec())),
            }
        }
        runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_blocks_form_runs() {
        let mut w = MetadataWriter::new();
        w.write(16, &[1u8; 3000]);
        w.block_mut(20)[0] = 7;
        let runs = w.into_runs();
        assert_eq!(runs.len(), 2);
        assert_eq!((runs[0].0, runs[0].1.len()), (16, 4096));
        assert_eq!(runs[0].1[2999], 1);
        assert_eq!(runs[0].1[3000], 0);
        assert_eq!((runs[1].0, runs[1].1[0]), (20, 7));
    }
}
