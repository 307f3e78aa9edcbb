//! Recording control: SYNCHRONIZE CACHE, RESERVE TRACK, CLOSE TRACK/SESSION, BLANK (mmc.md §1.5).
//! The disc decides what is allowed; the drive adds the time each takes.

use crate::drive::{Drive, Failure, Operation, Outcome, Reply};
use crate::media::medium::MediumError;
use crate::media::{BlankType, DiscStatus};
use crate::mmc::Sense;
use crate::mmc::cdb::{Blank, BlankingType, CloseFunction, CloseTrackSession, Reservation, ReserveTrack};
use crate::mmc::sense_data::SenseDataRepr;
use crate::mmc::wire::CdbError;

/// What a failed recording-control operation reports: the disc's refusal, or a medium error
/// when the store failed.
pub(in crate::drive) fn control_failure(error: MediumError) -> Failure {
    match error {
        MediumError::Refused(sense) => sense.into(),
        _ => SenseDataRepr::current(Sense::SESSION_FIXATION_ERROR).into(),
    }
}

impl Drive {
    /// Recording commands need a medium the model writes (5/30/05 otherwise).
    pub(in crate::drive) fn check_writable(&self) -> Result<(), Failure> {
        let profile = self.medium_ref()?.disc().profile;
        if self.model.can_write(profile) {
            Ok(())
        } else {
            Err(Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT.into())
        }
    }

    pub(in crate::drive) fn synchronize_cache(&mut self, immediate: bool) -> Outcome {
        let params = self.write_parameters();
        if !self.test_write() {
            self.medium_mut_or_fail()?
                .synchronize_cache(&params)
                .map_err(control_failure)?;
        }
        self.run_long(Operation::SynchronizeCache, immediate);
        Ok(Reply::Empty)
    }

    pub(in crate::drive) fn reserve_track(&mut self, command: &ReserveTrack) -> Outcome {
        self.check_writable()?;
        let Reservation::Size { blocks } = command.reservation else {
            // The LBA form (ARSV = 1) is for BD-R zones the emulator does not model.
            return Err(CdbError::invalid_field_in_cdb(1, Some(0)).into());
        };
        self.medium_mut_or_fail()?
            .reserve_track(blocks)
            .map_err(control_failure)?;
        Ok(Reply::Empty)
    }

    pub(in crate::drive) fn close_track_session(&mut self, command: &CloseTrackSession) -> Outcome {
        self.check_writable()?;
        let params = self.write_parameters();
        let medium = self.medium_mut_or_fail()?;
        let was_finalized = medium.disc().status() == DiscStatus::Finalized;
        medium
            .close(command.function as u8, command.track_number, &params)
            .map_err(control_failure)?;
        let finalized = !was_finalized && medium.disc().status() == DiscStatus::Finalized;
        let operation = match command.function {
            CloseFunction::CloseTrack => Operation::CloseTrack,
            _ if finalized => Operation::Finalize,
            _ => Operation::CloseSession,
        };
        self.run_long(operation, command.immediate);
        Ok(Reply::Empty)
    }

    pub(in crate::drive) fn blank(&mut self, command: &Blank) -> Outcome {
        let kind = match command.blanking_type {
            BlankingType::Disc => BlankType::Full,
            BlankingType::Minimal => BlankType::Minimal,
            BlankingType::UncloseLastSession => BlankType::UncloseLastSession,
            BlankingType::LastSession => BlankType::LastSession,
            // Track-level blanking is not modelled: 5/24/00 at the blanking type (byte 1 bits 2–0).
            _ => return Err(CdbError::invalid_field_in_cdb(1, Some(2)).into()),
        };
        self.check_writable()?;
        self.medium_mut_or_fail()?.blank(kind).map_err(control_failure)?;
        let operation = if kind == BlankType::Full {
            Operation::BlankFull
        } else {
            Operation::BlankQuick
        };
        self.run_long(operation, command.immediate);
        Ok(Reply::Empty)
    }
}
