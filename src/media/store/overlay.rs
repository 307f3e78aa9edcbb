//! A scratch layer over another store: writes and discards stay in memory and the store below is
//! only read. `burnbench raw` without `--save` runs commands on a medium this way, so the media
//! image on disk does not change by a byte.

use super::{Extent, ExtentMap, MemoryStore, ReadExtent, SECTOR_BYTES, SectorStore, StoreError, push_run, sector_span};
use std::ops::Range;

/// What shadows the base store over a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shadow {
    /// The overlay holds these sectors.
    Written,
    /// Discarded: unwritten, whatever the base holds.
    Forgotten,
}

impl Extent for Shadow {
    fn advance(self, _sectors: u32) -> Shadow {
        self
    }

    fn continues(&self, prev: &Shadow, _prev_sectors: u32) -> bool {
        self == prev
    }
}

/// `base` seen through an in-memory layer of writes and discards.
pub struct OverlayStore<B> {
    base: B,
    overlay: MemoryStore,
    shadows: ExtentMap<Shadow>,
}

impl<B: SectorStore> OverlayStore<B> {
    pub fn new(base: B) -> OverlayStore<B> {
        OverlayStore {
            base,
            overlay: MemoryStore::new(),
            shadows: ExtentMap::new(),
        }
    }

    pub fn base(&self) -> &B {
        &self.base
    }
}

impl<B: SectorStore> SectorStore for OverlayStore<B> {
    fn write(&mut self, lba: u32, data: &[u8]) -> Result<(), StoreError> {
        let span = sector_span(lba, data.len())?;
        self.overlay.write(lba, data)?;
        self.shadows.insert(span, Shadow::Written);
        Ok(())
    }

    fn read(&mut self, lba: u32, out: &mut [u8]) -> Result<ReadExtent, StoreError> {
        let span = sector_span(lba, out.len())?;
        self.base.read(lba, out)?;
        for (run, shadow) in self
            .shadows
            .iter()
            .filter(|(r, _)| r.start < span.end && r.end > span.start)
        {
            let run = run.start.max(span.start)..run.end.min(span.end);
            let bytes = (run.start - lba) as usize * SECTOR_BYTES..(run.end - lba) as usize * SECTOR_BYTES;
            match shadow {
                Shadow::Written => {
                    self.overlay.read(run.start, &mut out[bytes])?;
                }
                Shadow::Forgotten => out[bytes].fill(0),
            }
        }
        let runs = self.written_runs(span.clone());
        let written = runs.iter().map(|r| r.end - r.start).sum();
        let leading_written = runs
            .first()
            .filter(|r| r.start == span.start)
            .map_or(0, |r| r.end - r.start);
        Ok(ReadExtent {
            leading_written,
            written,
        })
    }

    fn discard(&mut self, range: Range<u32>) -> Result<(), StoreError> {
        self.overlay.discard(range.clone())?;
        self.shadows.insert(range, Shadow::Forgotten);
        Ok(())
    }

    fn written_runs(&self, range: Range<u32>) -> Vec<Range<u32>> {
        // Base runs outside every shadow, plus the overlay's own: merged in LBA order.
        let mut pieces: Vec<Range<u32>> = Vec::new();
        for run in self.base.written_runs(range.clone()) {
            let mut start = run.start;
            for shadow in self.shadows.runs(run.clone()) {
                if shadow.start > start {
                    pieces.push(start..shadow.start);
                }
                start = start.max(shadow.end);
            }
            if start < run.end {
                pieces.push(start..run.end);
            }
        }
        pieces.extend(self.overlay.written_runs(range));
        pieces.sort_by_key(|r| r.start);
        let mut runs = Vec::new();
        for piece in pieces {
            push_run(&mut runs, piece);
        }
        runs
    }

    fn written_sectors(&self) -> u64 {
        let whole = 0..u32::MAX;
        self.written_runs(whole)
            .iter()
            .map(|r| u64::from(r.end - r.start))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_store() {
        super::super::contract::all(&mut || Box::new(OverlayStore::new(MemoryStore::new())));
    }

    #[test]
    fn the_base_is_read_but_never_changed() {
        let mut base = MemoryStore::new();
        base.write(10, &[1u8; 4 * SECTOR_BYTES]).unwrap();
        let mut overlay = OverlayStore::new(base);
        overlay.write(12, &[2u8; 4 * SECTOR_BYTES]).unwrap();
        overlay.discard(10..11).unwrap();
        assert_eq!(overlay.written_runs(0..100), vec![11..16]);
        let mut out = vec![9u8; 6 * SECTOR_BYTES];
        let extent = overlay.read(10, &mut out).unwrap();
        assert_eq!((extent.leading_written, extent.written), (0, 5));
        assert!(out[..SECTOR_BYTES].iter().all(|&b| b == 0));
        assert!(out[SECTOR_BYTES..2 * SECTOR_BYTES].iter().all(|&b| b == 1));
        assert!(out[2 * SECTOR_BYTES..].iter().all(|&b| b == 2));
        assert_eq!(overlay.base().written_runs(0..100), vec![10..14]);
        assert_eq!(overlay.written_sectors(), 5);
    }
}
