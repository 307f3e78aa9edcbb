//! Recording a whole data stream as one track, the way a burner would at the media layer: at the
//! next writable address (or a chosen LBA on overwritable media), then closed as asked. Used by
//! `burnbench media write` to produce sample media reproducibly; the MMC-level burner with the
//! exact command sequence per profile is `burn::DataWriter`.

use crate::media::disc::{TrackMode, WriteMode, WriteParameters};
use crate::media::medium::{Medium, MediumError};
use crate::media::profile::{CloseAction, Family, MediaClass};
use crate::media::store::SECTOR_BYTES;
use crate::mmc::Sense;
use serde::{Deserialize, Serialize};
use std::io::Read;

/// What to close after the data is recorded (sequential media; ignored on overwritable media).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CloseAfter {
    /// Leave the track open.
    Nothing,
    /// Close the track only.
    Track,
    /// Close the track and the session; the disc stays appendable.
    Session,
    /// Close the track and the session and finalize the disc.
    Finalize,
}

/// Where the data went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Recorded {
    pub start_lba: u32,
    pub blocks: u32,
}

/// Blocks per WRITE: 1 MiB, a multiple of every write unit.
const CHUNK_BLOCKS: usize = 512;

/// Record `bytes` bytes from `source` (the last block zero-filled) and close as asked. `progress`
/// is called with the bytes recorded so far.
pub fn record(
    medium: &mut Medium,
    source: &mut dyn Read,
    bytes: u64,
    at_lba: Option<u32>,
    close: CloseAfter,
    progress: &mut dyn FnMut(u64),
) -> Result<Recorded, MediumError> {
    let disc = medium.disc();
    let facts = disc.facts();
    let sequential = facts.family == Family::Sequential;
    let nwa = match facts.family {
        Family::Sequential => disc.track_view(0xFF).and_then(|t| t.next_writable_address),
        Family::Overwritable => Some(0),
        Family::ReadOnly => None,
    };
    let start_lba = at_lba.or(nwa).ok_or(Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT)?;
    let params = WriteParameters {
        write_mode: if facts.class == MediaClass::Cd {
            WriteMode::TrackAtOnce
        } else {
            WriteMode::Incremental
        },
        track_mode: TrackMode::Mode1,
        keep_appendable: close != CloseAfter::Finalize,
    };
    let blocks = u32::try_from(bytes.div_ceil(SECTOR_BYTES as u64)).map_err(|_| Sense::LBA_OUT_OF_RANGE)?;
    let mut buffer = vec![0u8; CHUNK_BLOCKS * SECTOR_BYTES];
    let (mut lba, mut done) = (start_lba, 0u64);
    while done < bytes {
        let want = (bytes - done).min(buffer.len() as u64) as usize;
        source.read_exact(&mut buffer[..want]).map_err(MediumError::Source)?;
        let padded = want.div_ceil(SECTOR_BYTES) * SECTOR_BYTES;
        buffer[want..padded].fill(0);
        medium.write(lba, &buffer[..padded], &params)?;
        lba += (padded / SECTOR_BYTES) as u32;
        done += want as u64;
        progress(done);
    }
    if sequential && close != CloseAfter::Nothing {
        medium.synchronize_cache(&params)?; // closes a CD TAO track
        let track = medium.disc().track_count();
        if medium
            .disc()
            .track_view(track)
            .is_some_and(|t| t.next_writable_address.is_some())
        {
            medium.close(1, track, &params)?;
        }
        if close != CloseAfter::Track {
            let functions = medium.disc().facts().close_functions;
            let finalize_fn = functions
                .iter()
                .rev()
                .find(|(_, a)| *a == CloseAction::Finalize)
                .map(|(f, _)| *f);
            match (close, finalize_fn) {
                (CloseAfter::Finalize, Some(function)) => medium.close(function, 0, &params)?,
                _ => medium.close(2, 0, &params)?,
            }
        }
    } else {
        medium.synchronize_cache(&params)?;
    }
    Ok(Recorded { start_lba, blocks })
}
