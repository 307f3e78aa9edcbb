//! CLOSE TRACK/SESSION per profile (mmc.md §1.5 table; the function → action map is
//! `ProfileFacts::close_functions`).

use super::{BackgroundFormat, Disc, FormatState, StoreEffect, TrackState, WriteParameters};
use crate::media::profile::{CloseAction, Family};
use crate::mmc::Sense;

impl Disc {
    /// CLOSE TRACK/SESSION with close function `function` (CDB byte 2 bits 2–0) and track number
    /// `track` (bytes 4–5). `params` is page 05h, whose Multi-session field decides whether a CD
    /// or DVD-R stays appendable.
    pub fn close(&mut self, function: u8, track: u16, params: &WriteParameters) -> Result<StoreEffect, Sense> {
        let facts = self.facts();
        if facts.family == Family::ReadOnly || (facts.family == Family::Sequential && self.finalized) {
            return Err(Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT);
        }
        let Some(&(_, action)) = facts.close_functions.iter().find(|(f, _)| *f == function) else {
            return Err(Sense::INVALID_FIELD_IN_CDB);
        };
        match action {
            CloseAction::CloseTrack => {
                if self.invisible_track_start().is_some() && track == self.next_track_number() {
                    return Ok(StoreEffect::NONE); // the invisible track: nothing to close
                }
                if !self.tracks().any(|(_, t)| t.number == track) {
                    return Err(Sense::INVALID_FIELD_IN_CDB);
                }
                self.close_track_at(track)
            }
            CloseAction::CloseSession => {
                let finalize = facts.session_close_follows_write_parameters && !params.keep_appendable;
                self.close_open_session(finalize)
            }
            CloseAction::Finalize => {
                if self.sessions.is_empty() {
                    return Err(Sense::CURRENT_PROGRAM_AREA_EMPTY);
                }
                let effect = self.close_open_session(true)?;
                self.finalized = true;
                Ok(effect)
            }
            CloseAction::StopBackgroundFormat => {
                self.suspend_background_format();
                Ok(StoreEffect::NONE)
            }
            CloseAction::CompleteBackgroundFormat => match &mut self.format {
                FormatState::Unformatted => Err(Sense::MEDIUM_NOT_FORMATTED),
                FormatState::Formatted { background, .. } => {
                    *background = BackgroundFormat::Completed;
                    Ok(StoreEffect::NONE)
                }
            },
            CloseAction::FinishIntermediate => {
                if let FormatState::Formatted { intermediate, .. } = &mut self.format {
                    *intermediate = false;
                }
                Ok(StoreEffect::NONE)
            }
        }
    }

    /// Close one track: a reserved track is padded to its reserved size; an open track is rounded
    /// up to the write unit, padded to the CD 4 s minimum, and gets the CD run-out blocks.
    pub(super) fn close_track_at(&mut self, number: u16) -> Result<StoreEffect, Sense> {
        let run_out = self.facts().run_out_blocks;
        let recorded = self
            .tracks()
            .find(|(_, t)| t.number == number)
            .map(|(_, t)| t.recorded_blocks);
        let closed_size = self.closed_track_size(recorded.ok_or(Sense::INVALID_FIELD_IN_CDB)?);
        let track = self.track_mut(number).ok_or(Sense::INVALID_FIELD_IN_CDB)?;
        if track.state == TrackState::Complete {
            return Ok(StoreEffect::NONE);
        }
        if track.reserved_blocks.is_none() {
            track.size_blocks = closed_size;
        }
        // A damaged track is fixated as it is; an intact one is padded to its end.
        let pad = if track.state == TrackState::Damaged {
            0..0
        } else {
            let data_end = track.end() - run_out;
            let pad = track.start + track.recorded_blocks..data_end;
            track.recorded_blocks = data_end - track.start;
            pad
        };
        track.state = TrackState::Complete;
        Ok(StoreEffect::pad(pad))
    }

    /// Close the open session (GOOD and nothing happens when there is none: an empty session or
    /// border closes trivially). Finalizes when asked, at the profile's session limit, or when the
    /// DVD+R rule of fewer than 65 ECC blocks left applies (mmc.md §1.5).
    fn close_open_session(&mut self, finalize: bool) -> Result<StoreEffect, Sense> {
        let facts = self.facts();
        let Some(session) = self.open_session() else {
            return Ok(StoreEffect::NONE);
        };
        if session
            .tracks
            .iter()
            .any(|t| t.is_open_ended() || t.state == TrackState::Damaged)
        {
            return Err(Sense::SESSION_FIXATION_INCOMPLETE_TRACK);
        }
        if session.tracks.iter().any(|t| t.state != TrackState::Complete) {
            return Err(Sense::EMPTY_OR_PARTIALLY_WRITTEN_RESERVED_TRACK);
        }
        self.sessions.last_mut().expect("open session exists").closed = true;
        let at_limit = facts
            .max_sessions
            .is_some_and(|max| self.closed_session_count() >= max as usize);
        let left = self.recordable_end().saturating_sub(self.next_track_start());
        if finalize || at_limit || left < facts.auto_finalize_below_blocks {
            self.finalized = true;
        }
        Ok(StoreEffect::NONE)
    }

    /// Advance a running DVD+RW background format; 65535 completes it. The drive calls this as
    /// simulated time passes. Progress never goes back: a format resumed with Restart goes on from
    /// where it was suspended.
    pub fn advance_background_format(&mut self, progress: u16) {
        if let FormatState::Formatted {
            background: bg @ BackgroundFormat::InProgress { .. },
            ..
        } = &mut self.format
        {
            let BackgroundFormat::InProgress { progress: done } = *bg else {
                unreachable!("matched above")
            };
            *bg = match progress.max(done) {
                u16::MAX => BackgroundFormat::Completed,
                progress => BackgroundFormat::InProgress { progress },
            };
        }
    }

    /// Stop a running DVD+RW background format where it is: CLOSE 000b, and what a drive does when
    /// the disc leaves it (eject, power off). A real drive never reports a format as running after
    /// the disc is loaded again — three drives report a formatted DVD+RW whose format was not
    /// completed as "suspended" (READ DISC INFORMATION byte 7 bits 1–0 = 01b; real-drives.md §5,
    /// docs/fidelity.md). FORMAT UNIT 26h with Restart resumes it; a completed format stays
    /// completed. Nothing happens on any other disc.
    pub fn suspend_background_format(&mut self) {
        if let FormatState::Formatted {
            background: bg @ BackgroundFormat::InProgress { .. },
            ..
        } = &mut self.format
        {
            let BackgroundFormat::InProgress { progress } = *bg else {
                unreachable!("matched above")
            };
            *bg = BackgroundFormat::Suspended { progress };
        }
    }
}
