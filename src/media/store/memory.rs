//! In-memory sparse store: 64 KiB chunks of 32 sectors, allocated (zeroed) on first write, each
//! with a written bitmap. Unwritten sectors inside a chunk are kept zero, so a read copies whole
//! chunk slices and consults the bitmap only to count.

use super::{ReadExtent, SECTOR_BYTES, SectorStore, StoreError, byte_range, push_run, sector_span};
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::ops::Range;

const CHUNK_SECTORS: u32 = 32;
const CHUNK_BYTES: usize = CHUNK_SECTORS as usize * SECTOR_BYTES;

struct Chunk {
    data: Box<[u8]>,
    /// Bit i set: sector `chunk start + i` is written.
    written: u32,
}

/// Bits `from..to` (within 0..=32) of a chunk bitmap.
fn bits(from: u32, to: u32) -> u32 {
    let upper = if to >= 32 { u32::MAX } else { (1u32 << to) - 1 };
    upper & !((1u32 << from) - 1)
}

/// Sparse sectors in memory; the store of a disc that has no image file behind it.
#[derive(Default)]
pub struct MemoryStore {
    chunks: BTreeMap<u32, Chunk>,
    sectors: u64,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// The part of `range` inside chunk `index`, as (first bit, last bit + 1, LBAs).
    fn in_chunk(index: u32, range: &Range<u32>) -> (u32, u32, Range<u32>) {
        let base = index * CHUNK_SECTORS;
        let start = range.start.max(base);
        let end = range.end.min(base.saturating_add(CHUNK_SECTORS));
        (start - base, end - base, start..end)
    }
}

impl SectorStore for MemoryStore {
    fn write(&mut self, lba: u32, data: &[u8]) -> Result<(), StoreError> {
        let span = sector_span(lba, data.len())?;
        if span.is_empty() {
            return Ok(());
        }
        for index in span.start / CHUNK_SECTORS..=(span.end - 1) / CHUNK_SECTORS {
            let (from, to, lbas) = MemoryStore::in_chunk(index, &span);
            let bytes = &data[byte_range(span.start, &lbas)];
            let (head, tail) = (from as usize * SECTOR_BYTES, to as usize * SECTOR_BYTES);
            let chunk = match self.chunks.entry(index) {
                Entry::Occupied(entry) => {
                    let chunk = entry.into_mut();
                    chunk.data[head..tail].copy_from_slice(bytes);
                    chunk
                }
                Entry::Vacant(entry) => {
                    // A new chunk is made from the data itself, zeroing only the sectors around
                    // it: zeroing all of it first (calloc) cost as much as the copy (callgrind).
                    let mut chunk = Vec::with_capacity(CHUNK_BYTES);
                    chunk.resize(head, 0);
                    chunk.extend_from_slice(bytes);
                    chunk.resize(CHUNK_BYTES, 0);
                    entry.insert(Chunk {
                        data: chunk.into_boxed_slice(),
                        written: 0,
                    })
                }
            };
            let mask = bits(from, to);
            self.sectors += u64::from((mask & !chunk.written).count_ones());
            chunk.written |= mask;
        }
        Ok(())
    }

    fn read(&mut self, lba: u32, out: &mut [u8]) -> Result<ReadExtent, StoreError> {
        let span = sector_span(lba, out.len())?;
        let mut found = ReadExtent {
            leading_written: 0,
            written: 0,
        };
        if span.is_empty() {
            return Ok(found);
        }
        let mut leading = true;
        let (first, last) = (span.start / CHUNK_SECTORS, (span.end - 1) / CHUNK_SECTORS);
        let mut next_lba = span.start;
        // Bytes of `out` filled so far: the gaps between chunks are zeroed as they are passed,
        // not the whole buffer first (that doubled the work of a READ, callgrind).
        let mut filled = 0;
        for (&index, chunk) in self.chunks.range(first..=last) {
            let (from, to, lbas) = MemoryStore::in_chunk(index, &span);
            let bytes = byte_range(span.start, &lbas);
            out[filled..bytes.start].fill(0);
            filled = bytes.end;
            out[bytes].copy_from_slice(&chunk.data[from as usize * SECTOR_BYTES..to as usize * SECTOR_BYTES]);
            let mask = chunk.written & bits(from, to);
            found.written += mask.count_ones();
            if leading && lbas.start == next_lba {
                // Written sectors from `from` on, up to the first unwritten one.
                let run = (!(mask >> from)).trailing_zeros().min(to - from);
                found.leading_written += run;
                leading = run == to - from;
                next_lba = lbas.end;
            } else {
                leading = false;
            }
        }
        out[filled..].fill(0);
        Ok(found)
    }

    fn discard(&mut self, range: Range<u32>) -> Result<(), StoreError> {
        if range.is_empty() {
            return Ok(());
        }
        let (first, last) = (range.start / CHUNK_SECTORS, (range.end - 1) / CHUNK_SECTORS);
        let mut emptied = Vec::new();
        for (&index, chunk) in self.chunks.range_mut(first..=last) {
            let (from, to, _) = MemoryStore::in_chunk(index, &range);
            let mask = bits(from, to);
            self.sectors -= u64::from((chunk.written & mask).count_ones());
            chunk.written &= !mask;
            if chunk.written == 0 {
                emptied.push(index);
            } else {
                chunk.data[from as usize * SECTOR_BYTES..to as usize * SECTOR_BYTES].fill(0);
            }
        }
        for index in emptied {
            self.chunks.remove(&index);
        }
        Ok(())
    }

    fn written_runs(&self, range: Range<u32>) -> Vec<Range<u32>> {
        let mut runs = Vec::new();
        if range.is_empty() {
            return runs;
        }
        let (first, last) = (range.start / CHUNK_SECTORS, (range.end - 1) / CHUNK_SECTORS);
        for (&index, chunk) in self.chunks.range(first..=last) {
            let (from, to, _) = MemoryStore::in_chunk(index, &range);
            let mut mask = chunk.written & bits(from, to);
            while mask != 0 {
                let start = mask.trailing_zeros();
                let len = (!(mask >> start)).trailing_zeros();
                let base = index * CHUNK_SECTORS;
                push_run(&mut runs, base + start..base + start + len);
                mask &= !bits(start, start + len);
            }
        }
        runs
    }

    fn leading_written(&self, range: Range<u32>) -> u32 {
        if range.is_empty() {
            return 0;
        }
        let (first, last) = (range.start / CHUNK_SECTORS, (range.end - 1) / CHUNK_SECTORS);
        let mut next = range.start;
        for (&index, chunk) in self.chunks.range(first..=last) {
            let (from, to, lbas) = MemoryStore::in_chunk(index, &range);
            if lbas.start != next {
                break;
            }
            // Written sectors from `from` on, up to the first unwritten one.
            let run = (!(chunk.written >> from)).trailing_zeros().min(to - from);
            next += run;
            if run < to - from {
                break;
            }
        }
        next - range.start
    }

    fn written_sectors(&self) -> u64 {
        self.sectors
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::store::contract;

    #[test]
    fn memory_store_meets_the_store_contract() {
        contract::all(&mut || Box::new(MemoryStore::new()));
    }

    #[test]
    fn bit_ranges() {
        assert_eq!(bits(0, 32), u32::MAX);
        assert_eq!(bits(0, 0), 0);
        assert_eq!(bits(3, 5), 0b11000);
        assert_eq!(bits(31, 32), 1 << 31);
    }

    #[test]
    fn only_touched_chunks_are_allocated_and_discard_frees_them() {
        let mut s = MemoryStore::new();
        s.write(12_000_000, &[1u8; 2 * SECTOR_BYTES]).unwrap();
        s.write(31, &[1u8; 2 * SECTOR_BYTES]).unwrap();
        assert_eq!(s.chunks.len(), 3);
        s.discard(0..12_000_001).unwrap();
        assert_eq!(s.chunks.len(), 1);
        assert_eq!(s.written_runs(0..u32::MAX), vec![12_000_001..12_000_002]);
    }

    #[test]
    fn discarded_sectors_in_a_live_chunk_read_as_zero() {
        let mut s = MemoryStore::new();
        s.write(0, &[9u8; 4 * SECTOR_BYTES]).unwrap();
        s.discard(1..2).unwrap();
        let mut out = vec![0u8; 4 * SECTOR_BYTES];
        assert_eq!(
            s.read(0, &mut out).unwrap(),
            ReadExtent {
                leading_written: 1,
                written: 3
            }
        );
        assert!(out[SECTOR_BYTES..2 * SECTOR_BYTES].iter().all(|&b| b == 0));
        assert!(out[2 * SECTOR_BYTES..].iter().all(|&b| b == 9));
    }
}
