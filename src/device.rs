//! The line between burning software and a drive: execute one CDB with its data phase.
//!
//! Everything above it (burn, fsi import, scenarios) speaks MMC through this trait only, so the
//! same code runs against the emulator (`drive::Drive`) and a real drive (`adapter`).

use crate::mmc::Sense;
use crate::mmc::sense_data::SenseDataRepr;

/// The data phase of one command.
#[derive(Debug)]
pub enum DataPhase<'a> {
    None,
    /// Data from the device into this buffer (its length is what the host accepts).
    In(&'a mut [u8]),
    /// Data from the host to the device.
    Out(&'a [u8]),
}

impl DataPhase<'_> {
    /// Bytes the host offered to move.
    pub fn len(&self) -> usize {
        match self {
            DataPhase::None => 0,
            DataPhase::In(buffer) => buffer.len(),
            DataPhase::Out(buffer) => buffer.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// SCSI status byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Status {
    /// 00h.
    Good,
    /// 02h: sense data describes the error.
    CheckCondition,
}

impl Status {
    pub fn byte(self) -> u8 {
        match self {
            Status::Good => 0x00,
            Status::CheckCondition => 0x02,
        }
    }
}

/// What the device answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub status: Status,
    /// Sense bytes as the device returned them (fixed format 70h/71h from the emulator); empty
    /// with GOOD status.
    pub sense: Vec<u8>,
    /// Bytes of the data phase not transferred (allocation longer than the reply, or a data-out
    /// phase cut short).
    pub residual: usize,
}

impl Completion {
    pub fn good(residual: usize) -> Completion {
        Completion {
            status: Status::Good,
            sense: Vec::new(),
            residual,
        }
    }

    pub fn check_condition(sense: &SenseDataRepr, residual: usize) -> Completion {
        Completion {
            status: Status::CheckCondition,
            sense: sense.to_vec(),
            residual,
        }
    }

    pub fn is_good(&self) -> bool {
        self.status == Status::Good
    }

    /// The parsed sense data, if any (fixed or descriptor format).
    pub fn sense_data(&self) -> Option<SenseDataRepr> {
        if self.sense.is_empty() {
            return None;
        }
        SenseDataRepr::parse_any(&self.sense).ok()
    }

    /// The key / ASC / ASCQ triple, if any.
    pub fn sense_triple(&self) -> Option<Sense> {
        self.sense_data().map(|s| s.sense)
    }
}

/// The command never completed: the transport failed, not the device.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("CDB of {0} bytes: a CDB has 6 to 16 bytes")]
    CdbLength(usize),
    #[error("the command timed out after {0} ms")]
    Timeout(u64),
    #[error("transport I/O failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the device is gone: {0}")]
    Gone(String),
    /// The host adapter failed the command (Linux SG_IO `host_status`, a `DID_*` code).
    #[error("the host adapter failed the command: {name} (host status {status:#04x})")]
    HostStatus { status: u16, name: &'static str },
    /// The driver failed the command (Linux SG_IO `driver_status`, a `DRIVER_*` code).
    #[error("the driver failed the command: {name} (driver status {status:#04x})")]
    DriverStatus { status: u16, name: &'static str },
    /// The device answered a status other than GOOD or CHECK CONDITION (BUSY, RESERVATION
    /// CONFLICT, TASK SET FULL…): it did not run the command.
    #[error("the device answered {name} (status {status:#04x}) and did not run the command")]
    DeviceStatus { status: u8, name: &'static str },
    /// The operating system refused the command before it reached the device (EPERM for an
    /// opcode the caller may not send…); the text says why and what to do.
    #[error("{0}")]
    Refused(String),
}

/// A device that executes SCSI MMC commands.
pub trait ScsiDevice {
    /// Execute one CDB (6–16 bytes) with its data phase.
    fn execute(&mut self, cdb: &[u8], data: DataPhase<'_>) -> Result<Completion, TransportError>;
}

impl<T: ScsiDevice + ?Sized> ScsiDevice for &mut T {
    fn execute(&mut self, cdb: &[u8], data: DataPhase<'_>) -> Result<Completion, TransportError> {
        (**self).execute(cdb, data)
    }
}

impl<T: ScsiDevice + ?Sized> ScsiDevice for Box<T> {
    fn execute(&mut self, cdb: &[u8], data: DataPhase<'_>) -> Result<Completion, TransportError> {
        (**self).execute(cdb, data)
    }
}
