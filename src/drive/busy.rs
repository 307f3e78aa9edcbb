//! Long operations and the simulated clock.
//!
//! An Immed SYNCHRONIZE CACHE, CLOSE, BLANK or FORMAT returns at once and the drive stays busy
//! until the simulated clock passes the operation's end; meanwhile media commands get 2/04/xx
//! with progress in the sense (mmc.md §1.1 TEST UNIT READY, §3). Durations are data.

use crate::mmc::Sense;
use crate::mmc::sense_data::SenseKeySpecific;

/// What kind of long operation runs; decides the not-ready sense and the duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Buffer drain after SYNCHRONIZE CACHE: 2/04/08 long write in progress.
    SynchronizeCache,
    /// CLOSE TRACK: 2/04/07.
    CloseTrack,
    /// CLOSE SESSION / border (lead-in, lead-out): 2/04/07.
    CloseSession,
    /// Finalize: 2/04/07.
    Finalize,
    /// BLANK minimal / last session: 2/04/07.
    BlankQuick,
    /// BLANK full: 2/04/07.
    BlankFull,
    /// Foreground FORMAT UNIT: 2/04/04 format in progress.
    Format,
}

/// Simulated duration of each operation in milliseconds (orders of magnitude of real drives:
/// a CD session close writes ~1 min of lead-in/out, a full CD-RW blank ~10 min at 4×).
const DURATIONS_MS: &[(Operation, u64)] = &[
    (Operation::SynchronizeCache, 1_000),
    (Operation::CloseTrack, 2_000),
    (Operation::CloseSession, 30_000),
    (Operation::Finalize, 60_000),
    (Operation::BlankQuick, 60_000),
    (Operation::BlankFull, 600_000),
    (Operation::Format, 120_000),
];

impl Operation {
    pub fn duration_ms(self) -> u64 {
        DURATIONS_MS
            .iter()
            .find(|(op, _)| *op == self)
            .map_or(1_000, |(_, ms)| *ms)
    }

    /// The not-ready triple reported while it runs.
    pub fn sense(self) -> Sense {
        match self {
            Operation::SynchronizeCache => Sense::LONG_WRITE_IN_PROGRESS,
            Operation::Format => Sense::FORMAT_IN_PROGRESS,
            _ => Sense::OPERATION_IN_PROGRESS,
        }
    }
}

/// A long operation in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    pub operation: Operation,
    pub started_ms: u64,
    pub ends_ms: u64,
    /// An error the operation ends with: reported as deferred sense after it ends.
    pub failure: Option<Sense>,
}

impl Busy {
    pub fn new(operation: Operation, now_ms: u64) -> Busy {
        Busy {
            operation,
            started_ms: now_ms,
            ends_ms: now_ms + operation.duration_ms(),
            failure: None,
        }
    }

    pub fn is_done(&self, now_ms: u64) -> bool {
        now_ms >= self.ends_ms
    }

    /// Progress 0…65535 at `now_ms` for the sense-key specific bytes.
    pub fn progress(&self, now_ms: u64) -> SenseKeySpecific {
        let total = self.ends_ms - self.started_ms;
        SenseKeySpecific::progress(now_ms.saturating_sub(self.started_ms), total)
    }
}

/// How long a DVD+RW background format takes to complete on its own (about 20 minutes).
pub const BACKGROUND_FORMAT_MS: u64 = 1_200_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_runs_from_zero_to_full() {
        let busy = Busy::new(Operation::CloseSession, 1000);
        assert_eq!(busy.progress(1000), SenseKeySpecific::Progress(0));
        assert_eq!(busy.progress(1000 + 15_000), SenseKeySpecific::Progress(32768));
        assert!(busy.is_done(31_000) && !busy.is_done(30_999));
    }

    #[test]
    fn each_operation_reports_its_sense() {
        assert_eq!(Operation::Format.sense(), Sense::FORMAT_IN_PROGRESS);
        assert_eq!(Operation::SynchronizeCache.sense(), Sense::LONG_WRITE_IN_PROGRESS);
        assert_eq!(Operation::BlankFull.sense(), Sense::OPERATION_IN_PROGRESS);
    }
}
