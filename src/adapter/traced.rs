//! Recording what a real drive is asked and answers, in the emulator's trace format (JSON
//! Lines, docs/trace.md), so that `trace show` reads both and a real drive's session can be set
//! beside the emulator's. `time_ms` is wall-clock time since the device was opened.

use crate::device::{Completion, DataPhase, ScsiDevice, TransportError};
use crate::drive::Tracer;
use std::time::Instant;

/// A device whose every command is written to a trace (or not, with `Tracer::off`).
#[derive(Debug)]
pub struct Traced<D> {
    device: D,
    tracer: Tracer,
    commands: u64,
    opened: Instant,
}

impl<D: ScsiDevice> Traced<D> {
    pub fn new(device: D, tracer: Tracer) -> Traced<D> {
        Traced {
            device,
            tracer,
            commands: 0,
            opened: Instant::now(),
        }
    }

    pub fn inner(&self) -> &D {
        &self.device
    }

    pub fn inner_mut(&mut self) -> &mut D {
        &mut self.device
    }

    /// The write error that stopped tracing, if any.
    pub fn take_trace_error(&mut self) -> Option<std::io::Error> {
        self.tracer.take_error()
    }
}

impl<D: ScsiDevice> ScsiDevice for Traced<D> {
    fn execute(&mut self, cdb: &[u8], data: DataPhase<'_>) -> Result<Completion, TransportError> {
        let index = self.commands;
        self.commands += 1;
        let (result, data_out, data_in): (_, Option<&[u8]>, Option<&[u8]>) = match data {
            DataPhase::None => (self.device.execute(cdb, DataPhase::None), None, None),
            DataPhase::Out(buffer) => (self.device.execute(cdb, DataPhase::Out(buffer)), Some(buffer), None),
            DataPhase::In(buffer) => {
                let result = self.device.execute(cdb, DataPhase::In(&mut *buffer));
                (result, None, Some(&*buffer))
            }
        };
        let time_ms = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.tracer
            .record(index, time_ms, cdb, data_out, data_in, result.as_ref());
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drive::trace::{TraceStatus, read_trace};
    use crate::drive::{Drive, DriveModel};
    use crate::media::medium::Medium;
    use crate::media::{CdLength, Disc, Profile};
    use std::sync::{Arc, Mutex};

    /// A sink the test can read after the tracer took it.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_command_is_one_record_with_what_the_device_answered() {
        let mut drive = Drive::with_medium(
            DriveModel::builtin("bd-writer").unwrap(),
            Medium::in_memory(Disc::new_cd(Profile::DvdPlusR, CdLength::Min80)),
        );
        drive.settle();
        let sink = Shared::default();
        let mut traced = Traced::new(drive, Tracer::to_writer(sink.clone()));
        let mut reply = [0u8; 96];
        assert!(
            traced
                .execute(&[0x12, 0, 0, 0, 96, 0], DataPhase::In(&mut reply))
                .unwrap()
                .is_good()
        );
        let refused = traced
            .execute(&[0x28, 0, 0, 0, 0, 0x10, 0, 0, 1, 0], DataPhase::In(&mut [0u8; 2048]))
            .unwrap();
        assert!(!refused.is_good());
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let records: Vec<_> = read_trace(text.as_bytes()).map(Result::unwrap).collect();
        assert_eq!(records.len(), 2);
        assert_eq!((records[0].index, records[0].opcode.as_str()), (0, "INQUIRY"));
        assert_eq!((records[0].data_in, records[0].residual), (36, 60));
        assert_eq!(records[1].status, TraceStatus::CheckCondition);
        assert_eq!(records[1].sense_triple.as_deref(), Some("5/21/00"));
    }
}
