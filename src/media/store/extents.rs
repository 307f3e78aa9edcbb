//! An interval map from LBA runs to where their data lives: the index of the file store, rebuilt
//! from the extent log on load. Later inserts shadow earlier ones; removal splits entries.

use super::push_run;
use std::collections::BTreeMap;
use std::ops::Range;

/// What an [`ExtentMap`] maps a run to, e.g. a byte offset in a data file.
pub trait Extent: Copy {
    /// The value for the same mapping `sectors` sectors further on (used when an entry is split).
    fn advance(self, sectors: u32) -> Self;
    /// True when `self` carries on seamlessly from `prev`, an entry `prev_sectors` long, so the
    /// two entries may be stored as one.
    fn continues(&self, prev: &Self, prev_sectors: u32) -> bool;
}

/// Disjoint LBA runs, each mapped to a value `V`; adjacent runs whose values continue each other
/// are merged.
#[derive(Debug, Clone, Default)]
pub struct ExtentMap<V> {
    /// start LBA → (end LBA, value at start)
    entries: BTreeMap<u32, (u32, V)>,
    sectors: u64,
}

impl<V: Extent> ExtentMap<V> {
    pub fn new() -> ExtentMap<V> {
        ExtentMap {
            entries: BTreeMap::new(),
            sectors: 0,
        }
    }

    /// Sectors mapped in all.
    pub fn sectors(&self) -> u64 {
        self.sectors
    }

    /// Number of stored entries (after merging).
    pub fn entries(&self) -> usize {
        self.entries.len()
    }

    /// Map `range` to `value`, shadowing whatever was mapped there.
    pub fn insert(&mut self, range: Range<u32>, value: V) {
        if range.is_empty() {
            return;
        }
        self.remove(range.clone());
        let len = range.end - range.start;
        let (mut start, mut end, mut stored) = (range.start, range.end, value);
        if let Some((&s, &(e, left))) = self.entries.range(..start).next_back()
            && e == start
            && value.continues(&left, e - s)
        {
            (start, stored) = (s, left);
        }
        if let Some(&(right_end, right)) = self.entries.get(&end)
            && right.continues(&value, len)
        {
            self.entries.remove(&end);
            end = right_end;
        }
        self.entries.insert(start, (end, stored));
        self.sectors += u64::from(len);
    }

    /// Unmap every sector of `range`; returns how many were mapped.
    pub fn remove(&mut self, range: Range<u32>) -> u64 {
        if range.is_empty() {
            return 0;
        }
        let mut removed = 0u64;
        if let Some((&s, &(e, v))) = self.entries.range(..range.start).next_back()
            && e > range.start
        {
            self.entries.insert(s, (range.start, v));
            if e > range.end {
                self.entries.insert(range.end, (e, v.advance(range.end - s)));
            }
            removed += u64::from(e.min(range.end) - range.start);
        }
        while let Some((&s, &(e, v))) = self.entries.range(range.clone()).next() {
            self.entries.remove(&s);
            if e > range.end {
                self.entries.insert(range.end, (e, v.advance(range.end - s)));
            }
            removed += u64::from(e.min(range.end) - s);
        }
        self.sectors -= removed;
        removed
    }

    /// The first mapped run that intersects `range`, clipped to it, with its value at the clipped
    /// start.
    pub fn first_in(&self, range: Range<u32>) -> Option<(Range<u32>, V)> {
        if range.is_empty() {
            return None;
        }
        if let Some((&s, &(e, v))) = self.entries.range(..=range.start).next_back()
            && e > range.start
        {
            return Some((range.start..e.min(range.end), v.advance(range.start - s)));
        }
        let (&s, &(e, v)) = self.entries.range(range.clone()).next()?;
        Some((s..e.min(range.end), v))
    }

    /// How many sectors from `range.start` on are mapped without a gap, within `range`.
    pub fn leading(&self, range: Range<u32>) -> u32 {
        let mut at = range.start;
        while let Some((run, _)) = self.first_in(at..range.end) {
            if run.start != at {
                break;
            }
            at = run.end;
        }
        at - range.start
    }

    /// Mapped runs intersecting `range`, clipped, coalesced, in LBA order.
    pub fn runs(&self, range: Range<u32>) -> Vec<Range<u32>> {
        let mut runs = Vec::new();
        let mut at = range.start;
        while let Some((run, _)) = self.first_in(at..range.end) {
            at = run.end;
            push_run(&mut runs, run);
        }
        runs
    }

    /// Every entry in LBA order.
    pub fn iter(&self) -> impl Iterator<Item = (Range<u32>, V)> + '_ {
        self.entries.iter().map(|(&s, &(e, v))| (s..e, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A byte offset, as the file store uses it (sectors of 1 unit for readability).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct At(u64);

    impl Extent for At {
        fn advance(self, sectors: u32) -> At {
            At(self.0 + u64::from(sectors))
        }
        fn continues(&self, prev: &At, prev_sectors: u32) -> bool {
            self.0 == prev.0 + u64::from(prev_sectors)
        }
    }

    fn entries(m: &ExtentMap<At>) -> Vec<(Range<u32>, u64)> {
        m.iter().map(|(r, v)| (r, v.0)).collect()
    }

    #[test]
    fn later_insert_shadows_and_splits_earlier() {
        let mut m = ExtentMap::new();
        m.insert(10..20, At(100));
        m.insert(14..16, At(500));
        assert_eq!(entries(&m), vec![(10..14, 100), (14..16, 500), (16..20, 106)]);
        assert_eq!(m.sectors(), 10);
    }

    #[test]
    fn continuing_inserts_merge_into_one_entry() {
        let mut m = ExtentMap::new();
        m.insert(0..4, At(0));
        m.insert(8..12, At(8));
        m.insert(4..8, At(4));
        assert_eq!(entries(&m), vec![(0..12, 0)]);
        m.insert(12..14, At(99));
        assert_eq!(m.entries(), 2);
    }

    #[test]
    fn remove_splits_and_counts() {
        let mut m = ExtentMap::new();
        m.insert(0..10, At(0));
        m.insert(20..30, At(50));
        assert_eq!(m.remove(5..25), 10);
        assert_eq!(entries(&m), vec![(0..5, 0), (25..30, 55)]);
        assert_eq!(m.remove(2..3), 1);
        assert_eq!(entries(&m), vec![(0..2, 0), (3..5, 3), (25..30, 55)]);
        assert_eq!(m.remove(100..200), 0);
        assert_eq!(m.sectors(), 9);
    }

    #[test]
    fn first_in_clips_and_advances() {
        let mut m = ExtentMap::new();
        m.insert(10..20, At(100));
        assert_eq!(m.first_in(0..5), None);
        assert_eq!(m.first_in(12..15), Some((12..15, At(102))));
        assert_eq!(m.first_in(0..30), Some((10..20, At(100))));
        assert_eq!(m.first_in(20..30), None);
    }

    #[test]
    fn runs_coalesce_touching_entries() {
        let mut m = ExtentMap::new();
        m.insert(0..4, At(0));
        m.insert(4..8, At(100));
        m.insert(10..12, At(200));
        assert_eq!(m.runs(0..100), vec![0..8, 10..12]);
        assert_eq!(m.runs(2..11), vec![2..8, 10..11]);
    }
}
