//! Sparse sector storage: only written sectors cost memory or disk, and an unwritten sector is
//! told apart from a written zero sector (issue 3, "SectorStore").
//!
//! Three stores sit behind [`SectorStore`]:
//! - [`MemoryStore`]: 64 KiB chunks allocated on first write, with a written bitmap per chunk;
//! - [`FileStore`]: the copy-on-write data file and extent log of a media image
//!   (`docs/media-image.md`), committed by [`crate::media::image::MediaImage`];
//! - [`IsoStore`]: a plain `.iso` file, read in place, read-only.
//!
//! Sectors are 2048-byte user-data blocks. Calls take whole runs of sectors so that the WRITE(10)
//! path does one copy and no allocation per sector (DESIGN.md, "Sector writer").

mod extents;
mod file;
mod iso;
mod log;
mod memory;
mod overlay;

pub use extents::{Extent, ExtentMap};
pub use file::{CommitPoint, DATA_FILE, FileStore, LOG_FILE, LoadError};
pub use iso::IsoStore;
pub(crate) use log::CRC32;
pub use log::MAX_RECORD_SECTORS;
pub use memory::MemoryStore;
pub use overlay::OverlayStore;

use std::ops::Range;
use std::path::PathBuf;

/// Bytes of user data in one sector (logical block) as the store keeps it.
pub const SECTOR_BYTES: usize = 2048;

/// What a [`SectorStore::read`] found in the sectors it was asked for.
///
/// Every written sector of the request is copied out and every unwritten one reads as zeros, so a
/// formatted overwritable medium reads like the real one; `leading_written` tells a sequential
/// medium's reader where the first unwritten (blank) sector is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadExtent {
    /// How many sectors from the start of the request are written (the request length if all).
    pub leading_written: u32,
    /// How many sectors of the request are written in all.
    pub written: u32,
}

impl ReadExtent {
    /// True when every sector of a request of `sectors` sectors was written.
    pub fn all_written(&self, sectors: u32) -> bool {
        self.leading_written == sectors
    }
}

/// Sparse storage of 2048-byte sectors addressed by LBA.
///
/// Refinement of issue 3's sketch: `read` fills every written sector of the request (not only the
/// leading run) and reports both counts in [`ReadExtent`], because overwritable media read unwritten
/// sectors as zeros while sequential media stop at the first blank one; the drive decides which.
pub trait SectorStore: Send {
    /// Store whole sectors starting at `lba`. `data.len()` must be a multiple of [`SECTOR_BYTES`]
    /// ([`StoreError::PartialSector`] otherwise). Overwrites replace earlier data.
    fn write(&mut self, lba: u32, data: &[u8]) -> Result<(), StoreError>;

    /// Read whole sectors starting at `lba` into `out` (a multiple of [`SECTOR_BYTES`]); unwritten
    /// sectors read as zeros. Takes `&mut self` because a file store verifies checksums lazily.
    fn read(&mut self, lba: u32, out: &mut [u8]) -> Result<ReadExtent, StoreError>;

    /// Forget the sectors of `range` (blank, format): afterwards they read as unwritten. Costs no
    /// data I/O.
    fn discard(&mut self, range: Range<u32>) -> Result<(), StoreError>;

    /// The written runs intersecting `range`, clipped to it, coalesced and in LBA order.
    fn written_runs(&self, range: Range<u32>) -> Vec<Range<u32>>;

    /// How many sectors from `range.start` on are written without a gap, within `range` — what
    /// a READ of a sequential medium needs, without the allocation of [`Self::written_runs`].
    fn leading_written(&self, range: Range<u32>) -> u32 {
        let start = range.start;
        self.written_runs(range)
            .first()
            .filter(|r| r.start == start)
            .map_or(0, |r| r.end - r.start)
    }

    /// How many sectors are written in all.
    fn written_sectors(&self) -> u64;
}

impl<S: SectorStore + ?Sized> SectorStore for Box<S> {
    fn write(&mut self, lba: u32, data: &[u8]) -> Result<(), StoreError> {
        (**self).write(lba, data)
    }

    fn read(&mut self, lba: u32, out: &mut [u8]) -> Result<ReadExtent, StoreError> {
        (**self).read(lba, out)
    }

    fn discard(&mut self, range: Range<u32>) -> Result<(), StoreError> {
        (**self).discard(range)
    }

    fn written_runs(&self, range: Range<u32>) -> Vec<Range<u32>> {
        (**self).written_runs(range)
    }

    fn leading_written(&self, range: Range<u32>) -> u32 {
        (**self).leading_written(range)
    }

    fn written_sectors(&self) -> u64 {
        (**self).written_sectors()
    }
}

/// Why a store could not do what it was asked. File errors name the file and byte offset; the
/// drive turns [`StoreError::is_medium_error`] errors into a MEDIUM ERROR sense.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{bytes} bytes is not a whole number of {SECTOR_BYTES}-byte sectors")]
    PartialSector { bytes: usize },
    #[error("sectors from LBA {lba} for {sectors} sectors run past the last addressable LBA")]
    PastLastLba { lba: u32, sectors: u64 },
    #[error("{what} is read-only: {action} is not possible")]
    ReadOnly { what: String, action: &'static str },
    #[error("{}: {action} at byte offset {offset}: {source}", file.display())]
    Io {
        file: PathBuf,
        offset: u64,
        action: &'static str,
        source: std::io::Error,
    },
    #[error(
        "{}: bytes {offset}..{} (LBA {}..{}) fail their checksum: the data was damaged after it was written",
        file.display(), offset + bytes, lbas.start, lbas.end
    )]
    Corrupt {
        file: PathBuf,
        offset: u64,
        bytes: u64,
        lbas: Range<u32>,
    },
    #[error("LBA {}..{} were listed as written but read back unwritten (a bug in the store)", lbas.start, lbas.end)]
    Vanished { lbas: Range<u32> },
}

impl StoreError {
    /// True for errors that mean the medium's data cannot be read (damaged or unreadable file),
    /// as opposed to a request the caller should not have made.
    pub fn is_medium_error(&self) -> bool {
        matches!(self, StoreError::Io { .. } | StoreError::Corrupt { .. })
    }
}

/// The LBAs covered by `bytes` bytes of whole sectors from `lba`, checked once per call.
pub fn sector_span(lba: u32, bytes: usize) -> Result<Range<u32>, StoreError> {
    if !bytes.is_multiple_of(SECTOR_BYTES) {
        return Err(StoreError::PartialSector { bytes });
    }
    let sectors = (bytes / SECTOR_BYTES) as u64;
    let end = u64::from(lba) + sectors;
    if end > u64::from(u32::MAX) {
        return Err(StoreError::PastLastLba { lba, sectors });
    }
    Ok(lba..end as u32)
}

/// Append `run` to `runs`, merging it with the last run when they touch. Runs must come in
/// LBA order; empty runs are dropped.
pub fn push_run(runs: &mut Vec<Range<u32>>, run: Range<u32>) {
    if run.is_empty() {
        return;
    }
    match runs.last_mut() {
        Some(last) if last.end >= run.start => last.end = last.end.max(run.end),
        _ => runs.push(run),
    }
}

/// Byte range of the sectors `lbas` inside a buffer that starts at LBA `base`.
pub(crate) fn byte_range(base: u32, lbas: &Range<u32>) -> Range<usize> {
    (lbas.start - base) as usize * SECTOR_BYTES..(lbas.end - base) as usize * SECTOR_BYTES
}

/// The tests every store must pass, run against each implementation from its own module.
#[cfg(test)]
pub(crate) mod contract {
    use super::*;

    pub fn sectors(lba: u32, count: u32, tag: u8) -> Vec<u8> {
        let mut v = vec![0u8; count as usize * SECTOR_BYTES];
        for (i, s) in v.chunks_mut(SECTOR_BYTES).enumerate() {
            s.fill(tag);
            s[..4].copy_from_slice(&(lba + i as u32).to_le_bytes());
        }
        v
    }

    pub fn unwritten_reads_as_zero_and_unwritten(store: &mut dyn SectorStore) {
        let mut out = vec![0xAAu8; 4 * SECTOR_BYTES];
        let got = store.read(1000, &mut out).unwrap();
        assert_eq!(
            got,
            ReadExtent {
                leading_written: 0,
                written: 0
            }
        );
        assert!(out.iter().all(|&b| b == 0));
    }

    pub fn written_zero_sector_is_written(store: &mut dyn SectorStore) {
        store.write(7, &[0u8; SECTOR_BYTES]).unwrap();
        let mut out = vec![1u8; 2 * SECTOR_BYTES];
        assert_eq!(
            store.read(7, &mut out).unwrap(),
            ReadExtent {
                leading_written: 1,
                written: 1
            }
        );
        assert!(out.iter().all(|&b| b == 0));
        assert_eq!(store.written_runs(0..100), vec![7..8]);
    }

    pub fn overwrite_discard_and_runs(store: &mut dyn SectorStore) {
        // Runs crossing 32-sector chunk and 512-sector record boundaries.
        store.write(30, &sectors(30, 600, 1)).unwrap();
        store.write(100, &sectors(100, 10, 2)).unwrap();
        store.discard(200..210).unwrap();
        store.write(1000, &sectors(1000, 3, 3)).unwrap();
        assert_eq!(store.written_runs(0..2000), vec![30..200, 210..630, 1000..1003]);
        assert_eq!(store.written_runs(205..1001), vec![210..630, 1000..1001]);
        assert_eq!(store.written_sectors(), 590 + 3);

        let mut out = vec![0u8; 20 * SECTOR_BYTES];
        let got = store.read(195, &mut out).unwrap();
        assert_eq!(
            got,
            ReadExtent {
                leading_written: 5,
                written: 10
            }
        );
        assert_eq!(&out[..5 * SECTOR_BYTES], &sectors(195, 5, 1)[..]);
        assert!(out[5 * SECTOR_BYTES..15 * SECTOR_BYTES].iter().all(|&b| b == 0));
        assert_eq!(&out[15 * SECTOR_BYTES..], &sectors(210, 5, 1)[..]);

        let mut out = vec![0u8; 12 * SECTOR_BYTES];
        store.read(99, &mut out).unwrap();
        assert_eq!(&out[..SECTOR_BYTES], &sectors(99, 1, 1)[..]);
        assert_eq!(&out[SECTOR_BYTES..11 * SECTOR_BYTES], &sectors(100, 10, 2)[..]);
        assert_eq!(&out[11 * SECTOR_BYTES..], &sectors(110, 1, 1)[..]);

        // leading_written agrees with the first written run, across chunk and record bounds.
        for (range, leading) in [
            (0..2000, 0),
            (30..2000, 170),
            (35..100, 65),
            (195..215, 5),
            (205..1001, 0),
            (210..1003, 420),
            (1000..1002, 2),
            (1001..1010, 2),
            (1003..1010, 0),
        ] {
            assert_eq!(store.leading_written(range.clone()), leading, "{range:?}");
        }

        store.discard(0..u32::MAX).unwrap();
        assert_eq!(store.written_sectors(), 0);
        assert!(store.written_runs(0..u32::MAX).is_empty());
    }

    pub fn rejects_partial_sectors_and_overflow(store: &mut dyn SectorStore) {
        assert!(matches!(
            store.write(0, &[0u8; 100]),
            Err(StoreError::PartialSector { bytes: 100 })
        ));
        let mut out = [0u8; 10];
        assert!(matches!(store.read(0, &mut out), Err(StoreError::PartialSector { .. })));
        let two = vec![0u8; 2 * SECTOR_BYTES];
        assert!(matches!(
            store.write(u32::MAX - 1, &two),
            Err(StoreError::PastLastLba { .. })
        ));
        assert_eq!(store.written_sectors(), 0);
    }

    pub fn all(make: &mut dyn FnMut() -> Box<dyn SectorStore>) {
        unwritten_reads_as_zero_and_unwritten(&mut *make());
        written_zero_sector_is_written(&mut *make());
        overwrite_discard_and_runs(&mut *make());
        rejects_partial_sectors_and_overflow(&mut *make());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_checks_whole_sectors_and_overflow() {
        assert_eq!(sector_span(5, 2 * SECTOR_BYTES).unwrap(), 5..7);
        assert!(matches!(sector_span(0, 1), Err(StoreError::PartialSector { bytes: 1 })));
        assert!(sector_span(u32::MAX - 1, SECTOR_BYTES).is_ok());
        assert!(matches!(
            sector_span(u32::MAX, SECTOR_BYTES),
            Err(StoreError::PastLastLba { .. })
        ));
    }

    #[test]
    fn push_run_coalesces_touching_runs() {
        let mut runs = Vec::new();
        for r in [0..2, 2..5, 7..9, 9..9, 8..12] {
            push_run(&mut runs, r);
        }
        assert_eq!(runs, vec![0..5, 7..12]);
    }
}
