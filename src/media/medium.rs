//! A medium in a drive: a [`Disc`] with the sectors recorded on it. Applies each disc rule to the
//! sector store (data, padding, forgetting) and makes the result durable where a real drive
//! acknowledges it: SYNCHRONIZE CACHE, CLOSE TRACK/SESSION, BLANK, FORMAT UNIT.

use crate::media::disc::{Disc, FormatRequest, StoreEffect, WriteParameters};
use crate::media::image::{self, ImageError, MediaImage};
use crate::media::profile::{BlankType, Profile};
use crate::media::store::{IsoStore, MemoryStore, OverlayStore, ReadExtent, SECTOR_BYTES, SectorStore, StoreError};
use crate::mmc::Sense;
use std::ops::Range;
use std::path::Path;

/// Where a medium's sectors live.
enum Backing {
    /// Nothing on disk (tests, scenarios that start from a profile).
    Memory(MemoryStore),
    /// A media image directory, committed at every durability point.
    Image(Box<MediaImage>),
    /// A plain `.iso` file, read in place; the disc it makes is closed.
    Iso(IsoStore),
    /// Changes kept in memory over a store that is only read (`burnbench raw` without `--save`).
    Scratch(Box<OverlayStore<Box<dyn SectorStore>>>),
}

/// A media image's store as the read-only base of a scratch medium.
struct ImageBase(Box<MediaImage>);

impl SectorStore for ImageBase {
    fn write(&mut self, _lba: u32, _data: &[u8]) -> Result<(), StoreError> {
        Err(StoreError::ReadOnly {
            what: self.0.path().display().to_string(),
            action: "write",
        })
    }

    fn read(&mut self, lba: u32, out: &mut [u8]) -> Result<ReadExtent, StoreError> {
        self.0.store_mut().read(lba, out)
    }

    fn discard(&mut self, _range: Range<u32>) -> Result<(), StoreError> {
        Err(StoreError::ReadOnly {
            what: self.0.path().display().to_string(),
            action: "discard",
        })
    }

    fn written_runs(&self, range: Range<u32>) -> Vec<Range<u32>> {
        self.0.store().written_runs(range)
    }

    fn written_sectors(&self) -> u64 {
        self.0.store().written_sectors()
    }
}

/// Why an operation on a medium failed.
#[derive(Debug, thiserror::Error)]
pub enum MediumError {
    /// The disc refuses: the exact MMC sense a drive returns.
    #[error("refused with {0}")]
    Refused(Sense),
    /// The sector store failed (I/O, checksum); a drive reports a medium error.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The media image could not be committed or saved.
    #[error(transparent)]
    Image(#[from] ImageError),
    /// The data to record could not be read.
    #[error("cannot read the data to record: {0}")]
    Source(std::io::Error),
}

impl From<Sense> for MediumError {
    fn from(sense: Sense) -> MediumError {
        MediumError::Refused(sense)
    }
}

/// A disc and its sectors.
pub struct Medium {
    disc: Disc,
    backing: Backing,
}

/// Zeros for padding, written a chunk at a time so that padding costs no allocation.
static ZEROS: [u8; 32 * SECTOR_BYTES] = [0; 32 * SECTOR_BYTES];

impl Medium {
    /// A medium held in memory only.
    pub fn in_memory(disc: Disc) -> Medium {
        Medium {
            disc,
            backing: Backing::Memory(MemoryStore::new()),
        }
    }

    /// Create a new media image at `path` holding `disc` (refuses an existing path).
    pub fn create(path: &Path, disc: Disc) -> Result<Medium, MediumError> {
        let image = MediaImage::create(path, &disc)?;
        Ok(Medium {
            disc,
            backing: Backing::Image(Box::new(image)),
        })
    }

    /// Open a media image directory, or a plain `.iso` file as a closed disc of `iso_profile`
    /// (by size when `None`; the profile is ignored for media images).
    pub fn open(path: &Path, iso_profile: Option<Profile>) -> Result<Medium, MediumError> {
        if path.is_file() {
            let (disc, store) = image::open_iso(path, iso_profile)?;
            return Ok(Medium {
                disc,
                backing: Backing::Iso(store),
            });
        }
        let image = MediaImage::open(path)?;
        Ok(Medium {
            disc: image.disc().clone(),
            backing: Backing::Image(Box::new(image)),
        })
    }

    /// Open like [`Medium::open`], but keep every change in memory: the file on disk is only
    /// read and never changes.
    pub fn open_scratch(path: &Path, iso_profile: Option<Profile>) -> Result<Medium, MediumError> {
        let (disc, base): (Disc, Box<dyn SectorStore>) = if path.is_file() {
            let (disc, store) = image::open_iso(path, iso_profile)?;
            (disc, Box::new(store))
        } else {
            let image = MediaImage::open(path)?;
            (image.disc().clone(), Box::new(ImageBase(Box::new(image))))
        };
        Ok(Medium {
            disc,
            backing: Backing::Scratch(Box::new(OverlayStore::new(base))),
        })
    }

    pub fn disc(&self) -> &Disc {
        &self.disc
    }

    fn store(&mut self) -> &mut dyn SectorStore {
        match &mut self.backing {
            Backing::Memory(store) => store,
            Backing::Image(image) => image.store_mut(),
            Backing::Iso(store) => store,
            Backing::Scratch(store) => store.as_mut(),
        }
    }

    fn store_ref(&self) -> &dyn SectorStore {
        match &self.backing {
            Backing::Memory(store) => store,
            Backing::Image(image) => image.store(),
            Backing::Iso(store) => store,
            Backing::Scratch(store) => store.as_ref(),
        }
    }

    /// Sectors written so far.
    pub fn written_sectors(&self) -> u64 {
        self.store_ref().written_sectors()
    }

    /// How many blocks from `range.start` on are written without a gap, within `range` (no
    /// allocation: the READ path asks this once per command).
    pub fn leading_written(&self, range: Range<u32>) -> u32 {
        self.store_ref().leading_written(range)
    }

    /// Written runs within `range`.
    pub fn written_runs(&self, range: Range<u32>) -> Vec<Range<u32>> {
        self.store_ref().written_runs(range)
    }

    /// WRITE: `data` (whole 2048-byte blocks) at `lba`. The disc rule decides; a store failure
    /// after the rule accepted leaves the disc recording the write (the drive reports a write
    /// error and may damage the track).
    pub fn write(&mut self, lba: u32, data: &[u8], params: &WriteParameters) -> Result<(), MediumError> {
        if !data.len().is_multiple_of(SECTOR_BYTES) {
            return Err(StoreError::PartialSector { bytes: data.len() }.into());
        }
        let blocks = u32::try_from(data.len() / SECTOR_BYTES).map_err(|_| Sense::INVALID_FIELD_IN_CDB)?;
        let effect = self.disc.write(lba, blocks, params)?;
        self.store().write(lba, data)?;
        self.apply(&effect)
    }

    /// READ: fill `out` (whole blocks) from `lba`; see [`ReadExtent`] for unwritten blocks.
    pub fn read(&mut self, lba: u32, out: &mut [u8]) -> Result<ReadExtent, MediumError> {
        Ok(self.store().read(lba, out)?)
    }

    pub fn reserve_track(&mut self, blocks: u32) -> Result<u16, MediumError> {
        let number = self.disc.reserve_track(blocks)?;
        self.commit()?;
        Ok(number)
    }

    pub fn synchronize_cache(&mut self, params: &WriteParameters) -> Result<(), MediumError> {
        let effect = self.disc.synchronize_cache(params)?;
        self.apply(&effect)?;
        self.commit()
    }

    pub fn close(&mut self, function: u8, track: u16, params: &WriteParameters) -> Result<(), MediumError> {
        let effect = self.disc.close(function, track, params)?;
        self.apply(&effect)?;
        self.commit()
    }

    pub fn blank(&mut self, kind: BlankType) -> Result<(), MediumError> {
        let effect = self.disc.blank(kind)?;
        self.apply(&effect)?;
        self.commit()
    }

    pub fn format(&mut self, request: FormatRequest) -> Result<(), MediumError> {
        let effect = self.disc.format(request)?;
        self.apply(&effect)?;
        self.commit()
    }

    /// SEND DVD STRUCTURE 20h: the DVD+R DL layer boundary (`Disc::set_layer_boundary`); the
    /// drive records it on the disc at once.
    pub fn set_layer_boundary(&mut self, layer0_blocks: u32) -> Result<(), MediumError> {
        self.disc.set_layer_boundary(layer0_blocks)?;
        self.commit()
    }

    /// Let a DVD+RW background format progress (0…65535; 65535 completes it).
    pub fn advance_background_format(&mut self, progress: u16) {
        self.disc.advance_background_format(progress);
    }

    /// The disc leaves the drive or arrives in one: a running DVD+RW background format is
    /// suspended (`Disc::suspend_background_format`), as real drives report it after a reload.
    pub fn suspend_background_format(&mut self) {
        self.disc.suspend_background_format();
    }

    /// Mark the open track damaged after a failed write (fault injection, store failure).
    pub fn damage_open_track(&mut self) -> Option<u16> {
        self.disc.damage_open_track()
    }

    fn apply(&mut self, effect: &StoreEffect) -> Result<(), MediumError> {
        if let Some(range) = effect.forget.clone() {
            self.store().discard(range)?;
        }
        if let Some(range) = effect.pad.clone() {
            let chunk = (ZEROS.len() / SECTOR_BYTES) as u32;
            let mut lba = range.start;
            while lba < range.end {
                let n = chunk.min(range.end - lba);
                self.store().write(lba, &ZEROS[..n as usize * SECTOR_BYTES])?;
                lba += n;
            }
        }
        Ok(())
    }

    /// Make everything so far durable (a no-op in memory and for read-only `.iso` files).
    pub fn commit(&mut self) -> Result<(), MediumError> {
        if let Backing::Image(image) = &mut self.backing {
            image.commit(&self.disc)?;
        }
        Ok(())
    }

    /// Save the disc and its sectors as a fresh, canonical media image at `path` (replacing a
    /// media image there).
    pub fn save_as(&mut self, path: &Path) -> Result<(), MediumError> {
        let disc = self.disc.clone();
        image::save_compact(path, &disc, self.store())?;
        Ok(())
    }
}

/// Turn a plain `.iso` into a media image at `path`: a closed session of `profile` (by size when
/// `None`), left appendable on recordable media when asked. Returns the disc it made.
pub fn import_iso(iso: &Path, path: &Path, profile: Option<Profile>, appendable: bool) -> Result<Disc, MediumError> {
    import_iso_with_progress(iso, path, profile, appendable, &mut |_, _| {})
}

/// [`import_iso`], telling `progress` the sectors copied so far and the total.
pub fn import_iso_with_progress(
    iso: &Path,
    path: &Path,
    profile: Option<Profile>,
    appendable: bool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Disc, MediumError> {
    let (pressed, mut store) = image::open_iso(iso, profile)?;
    let total = u64::from(store.blocks());
    let disc = Disc::pressed(pressed.profile, store.blocks(), appendable);
    image::save_compact_with_progress(path, &disc, &mut store, &mut |done| progress(done, total))?;
    Ok(disc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::disc::WriteMode;

    fn block(tag: u8, blocks: usize) -> Vec<u8> {
        vec![tag; blocks * SECTOR_BYTES]
    }

    #[test]
    fn a_cache_flush_pads_the_ecc_block_with_written_zeros() {
        let mut medium = Medium::in_memory(Disc::new(Profile::DvdPlusR));
        medium.write(0, &block(7, 1), &WriteParameters::multisession()).unwrap();
        assert_eq!(medium.written_runs(0..100), vec![0..1]);
        medium.synchronize_cache(&WriteParameters::multisession()).unwrap();
        assert_eq!(medium.written_runs(0..100), vec![0..16]);
        let mut out = block(1, 16);
        let extent = medium.read(0, &mut out).unwrap();
        assert!(extent.all_written(16));
        assert!(out[..SECTOR_BYTES].iter().all(|&b| b == 7));
        assert!(out[SECTOR_BYTES..].iter().all(|&b| b == 0));
    }

    #[test]
    fn a_refused_write_stores_nothing() {
        let mut medium = Medium::in_memory(Disc::new(Profile::CdR));
        let err = medium.write(5, &block(1, 1), &WriteParameters::default()).unwrap_err();
        assert!(matches!(err, MediumError::Refused(Sense::INVALID_ADDRESS_FOR_WRITE)));
        assert_eq!(medium.written_sectors(), 0);
    }

    #[test]
    fn closing_a_short_cd_track_pads_it_to_300_blocks() {
        let tao = WriteParameters {
            write_mode: WriteMode::TrackAtOnce,
            ..WriteParameters::default()
        };
        let mut medium = Medium::in_memory(Disc::new(Profile::CdR));
        medium.write(0, &block(1, 10), &tao).unwrap();
        medium.synchronize_cache(&tao).unwrap();
        assert_eq!(medium.written_runs(0..1000), vec![0..300]);
    }

    #[test]
    fn blanking_forgets_the_sectors() {
        let tao = WriteParameters {
            write_mode: WriteMode::TrackAtOnce,
            ..WriteParameters::default()
        };
        let mut medium = Medium::in_memory(Disc::new(Profile::CdRw));
        medium.write(0, &block(1, 300), &tao).unwrap();
        medium.blank(BlankType::Minimal).unwrap();
        assert_eq!(medium.written_sectors(), 0);
    }
}
