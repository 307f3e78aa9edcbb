//! Recording rules: WRITE, RESERVE TRACK and SYNCHRONIZE CACHE (mmc.md §1.5, §2.2).

use super::{Disc, Session, StoreEffect, Track, TrackMode, TrackState, round_up};
use crate::media::profile::{Family, MediaClass};
use crate::mmc::Sense;
use serde::{Deserialize, Serialize};

/// Write Type of mode page 05h (mmc.md §1.1); ignored by media that take no page 05h.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WriteMode {
    /// 0: packet / incremental (DVD-R[W] incremental, CD packet writing).
    Incremental,
    /// 1: track at once (CD).
    TrackAtOnce,
    /// 2: session at once (CD SAO with a cue sheet) / disc at once (DVD-R[W] DAO).
    SessionAtOnce,
    /// 3: raw (CD, host writes lead-in and sub-channel).
    Raw,
}

/// Alias kept for readability where a track's data kind is meant.
pub type DataMode = TrackMode;

/// The parts of mode page 05h that change what the disc does (mmc.md §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WriteParameters {
    pub write_mode: WriteMode,
    pub track_mode: TrackMode,
    /// Multi-session field 11b: CLOSE SESSION keeps a CD or DVD-R appendable (00b finalizes).
    pub keep_appendable: bool,
}

impl Default for WriteParameters {
    /// What a drive holds after power-on: TAO, Mode 1, Multi-session 00b (mmc.md §1.1; CDEmu's
    /// Test Write = 1 default is a bug not to copy, §6).
    fn default() -> WriteParameters {
        WriteParameters {
            write_mode: WriteMode::TrackAtOnce,
            track_mode: TrackMode::Mode1,
            keep_appendable: false,
        }
    }
}

impl WriteParameters {
    /// Incremental recording that keeps the disc appendable: the usual multisession setup.
    pub fn multisession() -> WriteParameters {
        WriteParameters {
            write_mode: WriteMode::Incremental,
            keep_appendable: true,
            ..WriteParameters::default()
        }
    }
}

impl Disc {
    /// WRITE(10)/(12) of `blocks` blocks at `lba`.
    ///
    /// Sequential media accept a write only at the next writable address of an open track or of
    /// the invisible track (5/21/02 otherwise); the first write there opens a track (and a
    /// session). The next writable address follows the last block written: a drive keeps a
    /// partial DVD ECC block / BD cluster in its buffer (growisofs writes 16-block units on BD-R,
    /// whose cluster is 32 blocks) and pads it when the cache is flushed or the track closed.
    /// A BD-R formatted SRM+POW also takes writes to recorded blocks (pseudo-overwrite).
    /// Overwritable media accept any formatted, aligned range.
    pub fn write(&mut self, lba: u32, blocks: u32, params: &WriteParameters) -> Result<StoreEffect, Sense> {
        let facts = self.facts();
        if facts.family == Family::ReadOnly || self.finalized {
            return Err(Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT);
        }
        if facts.family == Family::Overwritable {
            self.check_overwrite(lba, blocks)?;
            return Ok(StoreEffect::NONE);
        }
        if blocks == 0 {
            return Ok(StoreEffect::NONE);
        }
        self.write_sequential(lba, blocks, params)
    }

    fn check_overwrite(&self, lba: u32, blocks: u32) -> Result<(), Sense> {
        let Some(formatted) = self.formatted_blocks() else {
            return Err(Sense::MEDIUM_NOT_FORMATTED);
        };
        let align = self.facts().overwrite_alignment_blocks;
        if !lba.is_multiple_of(align) || !blocks.is_multiple_of(align) {
            return Err(Sense::INVALID_ADDRESS_FOR_WRITE);
        }
        if lba >= formatted || lba as u64 + blocks as u64 > formatted as u64 {
            return Err(Sense::LBA_OUT_OF_RANGE);
        }
        Ok(())
    }

    fn write_sequential(&mut self, lba: u32, blocks: u32, params: &WriteParameters) -> Result<StoreEffect, Sense> {
        let facts = self.facts();
        let dvd_minus = self.session_close_follows_page05_dvd();
        if facts.class == MediaClass::Cd && matches!(params.write_mode, WriteMode::SessionAtOnce | WriteMode::Raw) {
            // SAO and raw need SEND CUE SHEET / host lead-in first (mmc.md §1.5 5Dh).
            return Err(Sense::COMMAND_SEQUENCE_ERROR);
        }
        if self.incremental_disabled && params.write_mode == WriteMode::Incremental {
            // DVD-RW after a minimal blank records DAO only (mmc.md §1.5, §3 5/64/00).
            return Err(Sense::ILLEGAL_MODE_FOR_THIS_TRACK);
        }
        if lba >= self.user_area_blocks() {
            return Err(Sense::LBA_OUT_OF_RANGE);
        }
        // BD-R SRM+POW: a write to recorded blocks is a pseudo-overwrite (pseudo_overwrite.rs).
        if let Some(outcome) = self.pseudo_overwrite(lba, blocks) {
            return outcome;
        }
        let target = self
            .tracks()
            .map(|(_, t)| t)
            .find(|t| t.next_writable_address() == Some(lba));
        let (limit, existing) = match target {
            Some(track) if track.state == TrackState::Damaged => return Err(Sense::INVALID_ADDRESS_FOR_WRITE),
            Some(track) if track.reserved_blocks.is_some() => (track.end() - facts.run_out_blocks, Some(track.number)),
            Some(track) => (self.recordable_end(), Some(track.number)),
            None if self.invisible_track_start() == Some(lba) => (self.recordable_end(), None),
            None => return Err(Sense::INVALID_ADDRESS_FOR_WRITE),
        };
        if dvd_minus && params.write_mode == WriteMode::SessionAtOnce && !self.is_reserved(existing) {
            // DVD-R DAO writes only into the track RESERVE TRACK announced (mmc.md §2.2, §3 5/2C/00).
            return Err(Sense::COMMAND_SEQUENCE_ERROR);
        }
        if lba as u64 + blocks as u64 > limit as u64 {
            return Err(Sense::END_OF_USER_AREA_ENCOUNTERED);
        }
        let end = lba + blocks;
        let next = end;
        match existing {
            Some(number) => {
                let track = self.track_mut(number).expect("track found above");
                track.recorded_blocks = next - track.start;
                track.state = match track.reserved_blocks {
                    // A reserved track is complete once it is written to its end (mmc.md §1.5:
                    // nothing is left to pad at CLOSE TRACK).
                    Some(reserved) if track.recorded_blocks >= reserved => TrackState::Complete,
                    _ => TrackState::Incomplete,
                };
                if track.reserved_blocks.is_none() {
                    track.size_blocks = track.recorded_blocks;
                }
            }
            None => {
                let track = Track {
                    number: self.next_track_number(),
                    start: lba,
                    size_blocks: next - lba,
                    recorded_blocks: next - lba,
                    reserved_blocks: None,
                    state: TrackState::Incomplete,
                    mode: params.track_mode,
                };
                self.open_session_mut().tracks.push(track);
            }
        }
        Ok(StoreEffect::NONE)
    }

    /// RESERVE TRACK of `blocks` blocks at the start of the invisible track; returns the new
    /// track's number. The size is rounded up to the write unit.
    pub fn reserve_track(&mut self, blocks: u32) -> Result<u16, Sense> {
        let facts = self.facts();
        if !facts.reservable || self.finalized {
            return Err(Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT);
        }
        if blocks == 0 {
            return Err(Sense::INVALID_FIELD_IN_CDB);
        }
        if self.open_ended_track().is_some() {
            // The track being written has no end yet: nothing can be reserved after it.
            return Err(Sense::COMMAND_SEQUENCE_ERROR);
        }
        let open = self.tracks().filter(|(_, t)| t.is_open()).count();
        let Some(start) = self
            .invisible_track_start()
            .filter(|_| open < facts.max_open_tracks as usize)
        else {
            return Err(Sense::NO_MORE_TRACK_RESERVATIONS_ALLOWED);
        };
        let data = round_up(blocks, facts.write_granularity_blocks);
        if start as u64 + data as u64 > self.recordable_end() as u64 {
            return Err(Sense::LBA_OUT_OF_RANGE);
        }
        let number = self.next_track_number();
        let track = Track {
            number,
            start,
            size_blocks: data + facts.run_out_blocks,
            recorded_blocks: 0,
            reserved_blocks: Some(data),
            state: TrackState::Blank,
            mode: TrackMode::Mode1,
        };
        self.open_session_mut().tracks.push(track);
        Ok(number)
    }

    /// SYNCHRONIZE CACHE: a CD TAO track is closed by it (libburn ≥ 0.7.4 sends no CLOSE TRACK), a
    /// partial ECC block / cluster at the end of an open DVD or BD track is padded (the drive
    /// flushes its buffer), and a DVD-R DAO disc whose reserved track is fully written is closed
    /// and finalized (mmc.md §1.1, §1.5). Everything else is already durable in the model.
    pub fn synchronize_cache(&mut self, params: &WriteParameters) -> Result<StoreEffect, Sense> {
        let facts = self.facts();
        if facts.family != Family::Sequential || self.finalized {
            return Ok(StoreEffect::NONE);
        }
        let flushed = self.flush_partial_unit();
        if facts.class == MediaClass::Cd
            && params.write_mode == WriteMode::TrackAtOnce
            && let Some(number) = self.open_ended_track().map(|t| t.number)
        {
            return self.close_track_at(number);
        }
        if self.session_close_follows_page05_dvd() && params.write_mode == WriteMode::SessionAtOnce {
            let dao_complete = self.open_session().is_some_and(|s| {
                s.tracks
                    .iter()
                    .all(|t| t.reserved_blocks.is_some_and(|r| t.recorded_blocks >= r))
            });
            if dao_complete {
                for t in self.open_session_mut().tracks.iter_mut() {
                    t.state = TrackState::Complete;
                }
                self.open_session_mut().closed = true;
                self.finalized = true;
            }
        }
        Ok(flushed)
    }

    /// Pad the open DVD / BD track's last write unit when it is partial: its next writable address
    /// moves to the unit's end.
    fn flush_partial_unit(&mut self) -> StoreEffect {
        let facts = self.facts();
        if facts.class == MediaClass::Cd {
            return StoreEffect::NONE;
        }
        let limit = self.recordable_end();
        let Some(track) = self
            .sessions
            .iter_mut()
            .flat_map(|s| s.tracks.iter_mut())
            .rev()
            .find(|t| t.state == TrackState::Incomplete)
        else {
            return StoreEffect::NONE;
        };
        let end = track.start + track.recorded_blocks;
        let cap = track.reserved_blocks.map_or(limit, |r| track.start + r);
        let aligned = round_up(end, facts.write_granularity_blocks).min(cap);
        if aligned == end {
            return StoreEffect::NONE;
        }
        track.recorded_blocks = aligned - track.start;
        if track.reserved_blocks.is_none() {
            track.size_blocks = track.recorded_blocks;
        }
        if track.reserved_blocks.is_some_and(|r| track.recorded_blocks >= r) {
            track.state = TrackState::Complete;
        }
        StoreEffect::pad(end..aligned)
    }

    /// A write inside the open track failed (fault injection): the track becomes damaged, takes no
    /// further writes and must be closed before its session can be. Returns the track's number.
    pub fn damage_open_track(&mut self) -> Option<u16> {
        let track = self
            .sessions
            .iter_mut()
            .flat_map(|s| s.tracks.iter_mut())
            .rev()
            .find(|t| matches!(t.state, TrackState::Blank | TrackState::Incomplete))?;
        track.state = TrackState::Damaged;
        Some(track.number)
    }

    /// DVD-R / DVD-RW sequential / DVD-R DL: the media with DAO and page-05 driven borders.
    fn session_close_follows_page05_dvd(&self) -> bool {
        let facts = self.facts();
        facts.class == MediaClass::Dvd && facts.session_close_follows_write_parameters
    }

    fn is_reserved(&self, track: Option<u16>) -> bool {
        track.is_some_and(|n| self.tracks().any(|(_, t)| t.number == n && t.reserved_blocks.is_some()))
    }

    /// The open session, opened now if the last one is closed.
    pub(super) fn open_session_mut(&mut self) -> &mut Session {
        if self.open_session().is_none() {
            let number = self.sessions.len() as u16 + 1;
            self.sessions.push(Session {
                number,
                tracks: Vec::new(),
                closed: false,
            });
        }
        self.sessions.last_mut().expect("pushed above")
    }
}
