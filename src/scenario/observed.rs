//! The scenario's drive as every sender sees it — `Mmc` steps, `AssertMedia` and the recorder API
//! alike: an emulated [`Drive`] behind a wrapper that counts the commands (the trace around a
//! failing step is found by these numbers), collects the sense they answer with (coverage), and
//! can make the drive lie (`CorruptReplies`). It lives in an `Rc<RefCell<…>>` shared with the
//! scenario's `burn::Recorder`, whose waits advance the drive's simulated clock through
//! [`SimulatedTime`].

use crate::burn::clock::SimulatedTime;
use crate::device::{Completion, DataPhase, ScsiDevice, TransportError};
use crate::drive::Drive;
use crate::mmc::Sense;
use crate::mmc::cdb::opcode;
use crate::mmc::sense_data::SenseDataRepr;
use std::collections::BTreeSet;

/// Bytes written over the data-in of every command with one operation code.
#[derive(Debug, Clone)]
pub struct Corruption {
    pub opcode: u8,
    pub offset: usize,
    pub bytes: Vec<u8>,
}

/// The drive of a scenario with what the runner observes of it.
pub struct ObservedDrive {
    pub drive: Drive,
    /// Commands executed so far (every sender); equal to the drive's own count, which numbers
    /// the trace records.
    pub commands: u64,
    /// Sense triples the drive answered with: CHECK CONDITION, or REQUEST SENSE data.
    pub reached: BTreeSet<Sense>,
    pub corruptions: Vec<Corruption>,
}

impl ObservedDrive {
    pub fn new(drive: Drive) -> ObservedDrive {
        ObservedDrive {
            drive,
            commands: 0,
            reached: BTreeSet::new(),
            corruptions: Vec::new(),
        }
    }

    fn corrupt(&self, cdb: &[u8], buffer: &mut [u8], moved: usize) {
        for c in self.corruptions.iter().filter(|c| cdb.first() == Some(&c.opcode)) {
            let end = (c.offset + c.bytes.len()).min(moved);
            if c.offset < end {
                buffer[c.offset..end].copy_from_slice(&c.bytes[..end - c.offset]);
            }
        }
    }
}

impl ScsiDevice for ObservedDrive {
    fn execute(&mut self, cdb: &[u8], mut data: DataPhase<'_>) -> Result<Completion, TransportError> {
        let result = self.drive.execute(cdb, reborrow(&mut data));
        // A CDB the transport refuses never reaches the drive and has no number.
        if !matches!(result, Err(TransportError::CdbLength(_))) {
            self.commands += 1;
        }
        if let (Ok(completion), DataPhase::In(buffer)) = (&result, &mut data) {
            let moved = buffer.len() - completion.residual.min(buffer.len());
            self.corrupt(cdb, buffer, moved);
        }
        if let Ok(completion) = &result {
            if let Some(sense) = completion.sense_triple() {
                self.reached.insert(sense);
            } else if cdb.first() == Some(&opcode::REQUEST_SENSE)
                && let DataPhase::In(buffer) = &data
            {
                let moved = buffer.len() - completion.residual.min(buffer.len());
                if let Ok(sense) = SenseDataRepr::parse_any(&buffer[..moved]) {
                    self.reached.insert(sense.sense);
                }
            }
        }
        result
    }
}

impl SimulatedTime for ObservedDrive {
    fn clock_ms(&self) -> u64 {
        self.drive.clock_ms()
    }

    fn advance(&mut self, ms: u64) {
        self.drive.advance(ms);
    }
}

fn reborrow<'b>(data: &'b mut DataPhase<'_>) -> DataPhase<'b> {
    match data {
        DataPhase::None => DataPhase::None,
        DataPhase::In(buffer) => DataPhase::In(buffer),
        DataPhase::Out(buffer) => DataPhase::Out(buffer),
    }
}
