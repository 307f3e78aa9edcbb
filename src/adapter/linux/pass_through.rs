//! One SG_IO command as one object, in the shape of sg3_utils' `sg_pt_linux.c`: the request goes
//! in, and every output field of the header comes back named — status, masked and message
//! status, the sense length written, host and driver status, residual, duration and info — before
//! anything is decided from them.

use super::explain::{
    DID_BAD_TARGET, DID_NO_CONNECT, DID_TIME_OUT, DRIVER_MASK, DRIVER_SENSE, DRIVER_TIMEOUT, driver_status_name,
    host_status_name, scsi_status_name,
};
use super::sys::{self, DataBuffer, SgIoHdr, direction};
use crate::device::{Completion, DataPhase, Status, TransportError};
use std::os::fd::BorrowedFd;
use std::time::Duration;

/// Sense bytes offered (`mx_sb_len`): fixed sense is 18, descriptor sense rarely passes 32;
/// sg3_utils offers 64 as well.
pub const SENSE_BYTES: usize = 64;

/// SCSI status bytes (SAM-5).
const GOOD: u8 = 0x00;
const CHECK_CONDITION: u8 = 0x02;
const CONDITION_MET: u8 = 0x04;

/// The output fields of one SG_IO, as the kernel wrote them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outputs {
    pub status: u8,
    pub masked_status: u8,
    pub msg_status: u8,
    pub sb_len_wr: u8,
    pub host_status: u16,
    pub driver_status: u16,
    pub resid: i32,
    pub duration_ms: u32,
    pub info: u32,
}

/// One command: its CDB, how long to wait, the sense buffer, and (after `run`) the outputs.
pub struct PassThrough<'a> {
    cdb: &'a [u8],
    timeout: Duration,
    sense: [u8; SENSE_BYTES],
    pub outputs: Outputs,
}

impl<'a> PassThrough<'a> {
    pub fn new(cdb: &'a [u8], timeout: Duration) -> PassThrough<'a> {
        PassThrough {
            cdb,
            timeout,
            sense: [0; SENSE_BYTES],
            outputs: Outputs::default(),
        }
    }

    /// Issue the command on `fd` with its data phase; `Err` is the errno of a refused ioctl.
    pub fn run(&mut self, fd: BorrowedFd<'_>, data: DataPhase<'_>) -> Result<(), i32> {
        let (dir, buffer) = match data {
            DataPhase::In(buffer) if !buffer.is_empty() => (direction::FROM_DEV, DataBuffer::In(buffer)),
            DataPhase::Out(buffer) if !buffer.is_empty() => (direction::TO_DEV, DataBuffer::Out(buffer)),
            _ => (direction::NONE, DataBuffer::None),
        };
        let timeout_ms = u32::try_from(self.timeout.as_millis()).unwrap_or(u32::MAX).max(1);
        let mut header = SgIoHdr::new(dir, timeout_ms);
        sys::sg_io(fd, &mut header, self.cdb, buffer, &mut self.sense)?;
        self.outputs = Outputs {
            status: header.status,
            masked_status: header.masked_status,
            msg_status: header.msg_status,
            sb_len_wr: header.sb_len_wr,
            host_status: header.host_status,
            driver_status: header.driver_status,
            resid: header.resid,
            duration_ms: header.duration,
            info: header.info,
        };
        Ok(())
    }

    /// The sense bytes the kernel wrote (`sb_len_wr` of them; fixed 70h/71h or descriptor
    /// 72h/73h format — `Completion::sense_data` decodes either).
    pub fn sense(&self) -> &[u8] {
        &self.sense[..usize::from(self.outputs.sb_len_wr).min(SENSE_BYTES)]
    }

    /// What the outputs mean for a command that offered `data_bytes`: the device's answer, or
    /// the transport failure that kept it from answering.
    pub fn completion(&self, data_bytes: usize) -> Result<Completion, TransportError> {
        outcome(&self.outputs, self.sense(), data_bytes)
    }
}

/// The decision, apart from the ioctl so that it can be tested with literal outputs.
pub fn outcome(o: &Outputs, sense: &[u8], data_bytes: usize) -> Result<Completion, TransportError> {
    match o.host_status {
        0 => {}
        DID_TIME_OUT => return Err(TransportError::Timeout(u64::from(o.duration_ms))),
        DID_NO_CONNECT | DID_BAD_TARGET => {
            return Err(TransportError::Gone(format!(
                "{} (host status {:#04x})",
                host_status_name(o.host_status),
                o.host_status
            )));
        }
        status => {
            return Err(TransportError::HostStatus {
                status,
                name: host_status_name(status),
            });
        }
    }
    let driver = o.driver_status & DRIVER_MASK;
    match driver {
        0 | DRIVER_SENSE => {}
        DRIVER_TIMEOUT => return Err(TransportError::Timeout(u64::from(o.duration_ms))),
        _ => {
            return Err(TransportError::DriverStatus {
                status: o.driver_status,
                name: driver_status_name(o.driver_status),
            });
        }
    }
    // A negative or oversized resid (a driver bug) never claims more bytes than were offered.
    let residual = usize::try_from(o.resid).unwrap_or(0).min(data_bytes);
    let status = match o.status {
        // Sense with DRIVER_SENSE under a GOOD status is a CHECK CONDITION whose status byte the
        // host adapter lost (libusal treats it so, mmc.md §4.2).
        GOOD if !sense.is_empty() && driver == DRIVER_SENSE => Status::CheckCondition,
        GOOD | CONDITION_MET => Status::Good,
        CHECK_CONDITION => Status::CheckCondition,
        other => {
            return Err(TransportError::DeviceStatus {
                status: other,
                name: scsi_status_name(other),
            });
        }
    };
    Ok(Completion {
        status,
        sense: if status == Status::CheckCondition {
            sense.to_vec()
        } else {
            Vec::new()
        },
        residual,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mmc::sense_data::SenseKeySpecific;

    const FIXED_INVALID_FIELD: [u8; 18] = [
        0x70, 0, 0x05, 0, 0, 0, 0, 0x0A, 0, 0, 0, 0, 0x24, 0x00, 0, 0xC0, 0x00, 0x02,
    ];

    fn check(sense_len: u8) -> Outputs {
        Outputs {
            status: 0x02,
            masked_status: 0x01,
            sb_len_wr: sense_len,
            driver_status: DRIVER_SENSE,
            info: 1,
            ..Outputs::default()
        }
    }

    #[test]
    fn a_check_condition_keeps_the_sense_the_kernel_wrote_and_decodes_fixed_format() {
        let completion = outcome(&check(18), &FIXED_INVALID_FIELD, 8).unwrap();
        assert_eq!(completion.status, Status::CheckCondition);
        let sense = completion.sense_data().unwrap();
        assert_eq!(sense.sense.to_string()[..7].to_owned(), "5/24/00");
        assert!(matches!(sense.key_specific, SenseKeySpecific::FieldPointer(_)));
    }

    #[test]
    fn descriptor_sense_decodes_the_same_triple() {
        // 72h: key 3, ASC/ASCQ 0C/00, an information descriptor with LBA 5000.
        let bytes = [
            0x72, 0x03, 0x0C, 0x00, 0, 0, 0, 0x0C, 0x00, 0x0A, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x13, 0x88,
        ];
        let completion = outcome(&check(bytes.len() as u8), &bytes, 0).unwrap();
        let sense = completion.sense_data().unwrap();
        assert_eq!(sense.sense.to_string()[..7].to_owned(), "3/0C/00");
        assert_eq!(sense.information, Some(5000));
    }

    #[test]
    fn good_with_a_residual_reports_the_bytes_not_moved() {
        let o = Outputs {
            resid: 60,
            ..Outputs::default()
        };
        assert_eq!(outcome(&o, &[], 96).unwrap(), Completion::good(60));
        // A resid beyond the offer (a driver bug) is cut to it; a negative one reads as 0.
        let o = Outputs {
            resid: 500,
            ..Outputs::default()
        };
        assert_eq!(outcome(&o, &[], 96).unwrap().residual, 96);
        let o = Outputs {
            resid: -4,
            ..Outputs::default()
        };
        assert_eq!(outcome(&o, &[], 96).unwrap().residual, 0);
    }

    #[test]
    fn host_and_driver_failures_are_typed_transport_errors() {
        let timeout = Outputs {
            host_status: DID_TIME_OUT,
            duration_ms: 30_000,
            info: 1,
            ..Outputs::default()
        };
        assert!(matches!(
            outcome(&timeout, &[], 0),
            Err(TransportError::Timeout(30_000))
        ));
        let gone = Outputs {
            host_status: DID_NO_CONNECT,
            ..Outputs::default()
        };
        assert!(matches!(outcome(&gone, &[], 0), Err(TransportError::Gone(_))));
        let reset = Outputs {
            host_status: 0x08,
            ..Outputs::default()
        };
        assert_eq!(
            outcome(&reset, &[], 0).unwrap_err().to_string(),
            "the host adapter failed the command: DID_RESET (host status 0x08)"
        );
        let driver = Outputs {
            driver_status: 0x04,
            ..Outputs::default()
        };
        assert!(matches!(
            outcome(&driver, &[], 0),
            Err(TransportError::DriverStatus {
                name: "DRIVER_ERROR",
                ..
            })
        ));
        let busy = Outputs {
            status: 0x08,
            ..Outputs::default()
        };
        assert_eq!(
            outcome(&busy, &[], 0).unwrap_err().to_string(),
            "the device answered BUSY (status 0x08) and did not run the command"
        );
    }

    #[test]
    fn sense_under_good_status_with_driver_sense_is_a_check_condition() {
        let o = Outputs {
            sb_len_wr: 18,
            driver_status: DRIVER_SENSE,
            ..Outputs::default()
        };
        assert_eq!(
            outcome(&o, &FIXED_INVALID_FIELD, 0).unwrap().status,
            Status::CheckCondition
        );
    }
}
