//! What the Linux kernel adds between a program and the drive (mmc.md §4.0): which opcodes an
//! unprivileged caller may send (`scsi_cmd_allowed`), the SG_IO header checks and reply fields,
//! and the open rules of the cdrom layer. The drive never sees any of this; the server applies
//! it around `Drive::execute`.

use super::protocol::{ScsiOutcome, direction};
use crate::device::{Completion, TransportError};

/// Which opcodes pass `scsi_cmd_allowed()` without CAP_SYS_RAWIO (block/scsi_ioctl.c).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpcodeClass {
    /// Anyone who could open the device.
    ReadSafe,
    /// Only through a descriptor opened for writing.
    WriteSafe,
    /// Never without CAP_SYS_RAWIO (MECHANISM STATUS, READ MEDIA SERIAL NUMBER, vendor codes).
    Privileged,
}

/// The kernel's list, opcode by opcode (Linux 6.x `scsi_cmd_allowed`).
pub fn opcode_class(opcode: u8) -> OpcodeClass {
    match opcode {
        // TUR, REQUEST SENSE, READ(6/10/12/16), READ BUFFER, READ DEFECT DATA, READ CAPACITY,
        // READ LONG, INQUIRY, MODE SENSE(6/10), LOG SENSE, START STOP, VERIFY(10/16), REPORT
        // LUNS, SERVICE ACTION IN(16), RECEIVE DIAGNOSTIC, MAINTENANCE IN / SEND KEY, READ BUFFER
        // CAPACITY, the audio commands, READ CD (MSF), READ DISC INFO, READ DVD STRUCTURE, READ
        // HEADER, READ TRACK INFO, READ SUBCHANNEL, READ TOC, REPORT KEY, SCAN, GET
        // CONFIGURATION, READ FORMAT CAPACITIES, GESN, GET PERFORMANCE, SEEK, STOP PLAY, ZBC IN.
        0x00 | 0x03 | 0x08 | 0x28 | 0xA8 | 0x88 | 0x3C | 0x37 | 0x25 | 0x3E | 0x12 | 0x1A | 0x5A | 0x4D | 0x1B
        | 0x2F | 0x8F | 0xA0 | 0x9E | 0x1C | 0xA3 | 0x5C | 0xBC | 0x45 | 0x47 | 0x48 | 0x4B | 0xBE | 0xB9 | 0x51
        | 0xAD | 0x44 | 0x52 | 0x42 | 0x43 | 0xA4 | 0xBA | 0x46 | 0x23 | 0x4A | 0xAC | 0x2B | 0x4E | 0x95 => {
            OpcodeClass::ReadSafe
        }
        // WRITE(6/10/12/16), WRITE AND VERIFY(10/12), WRITE LONG(2), WRITE SAME(10/16/32),
        // ERASE, MODE SELECT(6/10), LOG SELECT, BLANK, CLOSE TRACK, SYNCHRONIZE CACHE, FORMAT
        // UNIT, REPAIR TRACK, RESERVE TRACK, SEND DVD STRUCTURE, SEND EVENT, SEND OPC, SEND CUE
        // SHEET, SET SPEED, PREVENT ALLOW, LOAD/UNLOAD, SET STREAMING, SET READ AHEAD, ZBC OUT.
        0x0A | 0x2A | 0x2E | 0xAA | 0xAE | 0x8A | 0x3F | 0xEA | 0x41 | 0x93 | 0x7F | 0x19 | 0x55 | 0x15 | 0x4C
        | 0xA1 | 0x5B | 0x35 | 0x04 | 0x58 | 0x53 | 0xBF | 0xA2 | 0x54 | 0x5D | 0xBB | 0x1E | 0xA6 | 0xB6 | 0xA7
        | 0x94 => OpcodeClass::WriteSafe,
        _ => OpcodeClass::Privileged,
    }
}

/// `scsi_cmd_allowed(cmd, open_for_write)` for a caller with or without CAP_SYS_RAWIO.
pub fn command_allowed(opcode: u8, open_for_write: bool, cap_sys_rawio: bool) -> bool {
    cap_sys_rawio
        || match opcode_class(opcode) {
            OpcodeClass::ReadSafe => true,
            OpcodeClass::WriteSafe => open_for_write,
            OpcodeClass::Privileged => false,
        }
}

/// The checks `sg_io()` makes before the command reaches the drive; `Err` is the ioctl's errno.
pub fn check_sg_io(cdb_len: usize, direction: i32, dxfer_len: u32, max_transfer: usize) -> Result<(), i32> {
    if dxfer_len as usize > max_transfer {
        return Err(libc::EIO);
    }
    if cdb_len < 6 {
        return Err(libc::EMSGSIZE);
    }
    if cdb_len > 16 {
        return Err(libc::EINVAL);
    }
    if dxfer_len > 0
        && !matches!(
            direction,
            direction::TO_DEV | direction::FROM_DEV | direction::TO_FROM_DEV
        )
    {
        return Err(libc::EINVAL);
    }
    Ok(())
}

/// `driver_status` DRIVER_SENSE: sense data came back with a CHECK CONDITION.
pub const DRIVER_SENSE: u16 = 0x08;
/// `host_status` DID_NO_CONNECT, DID_TIME_OUT, DID_ERROR.
pub const DID_NO_CONNECT: u16 = 0x01;
pub const DID_TIME_OUT: u16 = 0x03;
pub const DID_ERROR: u16 = 0x07;

/// `scsi_complete_sghdr_rq`: the header's output fields from what the drive answered.
pub fn sg_io_outcome(
    result: &Result<Completion, TransportError>,
    mx_sb_len: u8,
    dxfer_len: u32,
    duration_ms: u32,
) -> ScsiOutcome {
    match result {
        Ok(completion) => {
            let status = completion.status.byte();
            let check = status == 0x02;
            let sense_len = completion.sense.len().min(usize::from(mx_sb_len));
            ScsiOutcome {
                errno: 0,
                status,
                host_status: 0,
                driver_status: if check { DRIVER_SENSE } else { 0 },
                resid: i32::try_from(completion.residual).unwrap_or(i32::MAX),
                duration_ms,
                sense: completion.sense[..sense_len].to_vec(),
                data_in: Vec::new(),
            }
        }
        Err(error) => {
            let (host_status, duration_ms) = match error {
                TransportError::Timeout(ms) => (DID_TIME_OUT, u32::try_from(*ms).unwrap_or(u32::MAX)),
                TransportError::Gone(_) => (DID_NO_CONNECT, duration_ms),
                _ => (DID_ERROR, duration_ms),
            };
            ScsiOutcome {
                errno: 0,
                host_status,
                resid: dxfer_len as i32,
                duration_ms,
                ..ScsiOutcome::default()
            }
        }
    }
}

/// `info` of the header: SG_INFO_CHECK when any status is not clean.
pub fn sg_info(outcome: &ScsiOutcome) -> u32 {
    let masked = outcome.status >> 1;
    u32::from(masked != 0 || outcome.host_status != 0 || outcome.driver_status != 0)
}

/// `CDROM_DRIVE_STATUS` values (linux/cdrom.h).
pub mod cds {
    pub const NO_DISC: i64 = 1;
    pub const TRAY_OPEN: i64 = 2;
    pub const DRIVE_NOT_READY: i64 = 3;
    pub const DISC_OK: i64 = 4;
}

/// `CDROM_GET_CAPABILITY` bits (linux/cdrom.h CDC_*).
pub mod cdc {
    pub const CLOSE_TRAY: u32 = 0x1;
    pub const OPEN_TRAY: u32 = 0x2;
    pub const LOCK: u32 = 0x4;
    pub const SELECT_SPEED: u32 = 0x8;
    pub const MULTI_SESSION: u32 = 0x20;
    pub const MCN: u32 = 0x40;
    pub const MEDIA_CHANGED: u32 = 0x80;
    pub const PLAY_AUDIO: u32 = 0x100;
    pub const DRIVE_STATUS: u32 = 0x800;
    pub const GENERIC_PACKET: u32 = 0x1000;
    pub const CD_R: u32 = 0x2000;
    pub const CD_RW: u32 = 0x4000;
    pub const DVD: u32 = 0x8000;
    pub const DVD_R: u32 = 0x10000;
    pub const DVD_RAM: u32 = 0x20000;
    pub const RAM: u32 = 0x200000;
}

/// What the sr driver makes of a drive's abilities (`get_capabilities()` from page 2Ah): the
/// mechanism bits every tray-loading writer has, and the media bits from the drive model.
pub fn cdrom_capability(model: &crate::drive::DriveModel) -> u32 {
    use crate::media::Profile;
    let mut bits = cdc::CLOSE_TRAY
        | cdc::OPEN_TRAY
        | cdc::LOCK
        | cdc::SELECT_SPEED
        | cdc::MULTI_SESSION
        | cdc::MCN
        | cdc::MEDIA_CHANGED
        | cdc::PLAY_AUDIO
        | cdc::DRIVE_STATUS
        | cdc::GENERIC_PACKET;
    let rows = [
        (model.can_write(Profile::CdR), cdc::CD_R),
        (model.can_write(Profile::CdRw), cdc::CD_RW),
        (model.can_read(Profile::DvdRom), cdc::DVD),
        (model.can_write(Profile::DvdR), cdc::DVD_R),
        (model.can_write(Profile::DvdRam), cdc::DVD_RAM | cdc::RAM),
        (model.can_write(Profile::DvdPlusRw), cdc::RAM),
    ];
    for (can, bit) in rows {
        if can {
            bits |= bit;
        }
    }
    bits
}

/// The open flags as the kernel reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenFlags(pub i32);

impl OpenFlags {
    pub fn for_write(self) -> bool {
        self.0 & libc::O_ACCMODE != libc::O_RDONLY
    }
    pub fn for_read(self) -> bool {
        self.0 & libc::O_ACCMODE != libc::O_WRONLY
    }
    pub fn nonblocking(self) -> bool {
        self.0 & libc::O_NONBLOCK != 0
    }
    pub fn exclusive(self) -> bool {
        self.0 & libc::O_EXCL != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::Status;

    #[test]
    fn read_commands_pass_write_commands_need_a_writable_descriptor_and_the_rest_never_pass() {
        // INQUIRY, GET CONFIGURATION, READ(10), READ DISC INFORMATION: read-only fd is enough.
        for opcode in [0x12, 0x46, 0x28, 0x51] {
            assert!(command_allowed(opcode, false, false), "{opcode:#04x}");
        }
        // WRITE(10), MODE SELECT(10), BLANK, CLOSE TRACK, SYNCHRONIZE CACHE, FORMAT UNIT.
        for opcode in [0x2A, 0x55, 0xA1, 0x5B, 0x35, 0x04] {
            assert!(!command_allowed(opcode, false, false), "{opcode:#04x}");
            assert!(command_allowed(opcode, true, false), "{opcode:#04x}");
        }
        // MECHANISM STATUS, READ MEDIA SERIAL NUMBER, WRITE BUFFER: EPERM even read-write.
        for opcode in [0xBD, 0xAB, 0x3B] {
            assert!(!command_allowed(opcode, true, false), "{opcode:#04x}");
            assert!(command_allowed(opcode, true, true), "{opcode:#04x} with CAP_SYS_RAWIO");
        }
    }

    #[test]
    fn header_checks_follow_sg_io() {
        assert_eq!(check_sg_io(6, direction::NONE, 0, 65536), Ok(()));
        assert_eq!(check_sg_io(5, direction::NONE, 0, 65536), Err(libc::EMSGSIZE));
        assert_eq!(check_sg_io(10, direction::FROM_DEV, 65537, 65536), Err(libc::EIO));
        assert_eq!(check_sg_io(10, direction::NONE, 8, 65536), Err(libc::EINVAL));
        assert_eq!(check_sg_io(10, direction::UNKNOWN, 8, 65536), Err(libc::EINVAL));
    }

    #[test]
    fn a_check_condition_sets_driver_sense_and_cuts_sense_to_mx_sb_len() {
        let completion = Completion {
            status: Status::CheckCondition,
            sense: vec![0x70, 0, 5, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x24, 0, 0, 0, 0, 0],
            residual: 8,
        };
        let outcome = sg_io_outcome(&Ok(completion), 14, 8, 1);
        assert_eq!(outcome.status, 2);
        assert_eq!(outcome.driver_status, DRIVER_SENSE);
        assert_eq!(outcome.sense.len(), 14);
        assert_eq!(outcome.resid, 8);
        assert_eq!(sg_info(&outcome), 1);
        let good = sg_io_outcome(&Ok(Completion::good(0)), 32, 0, 0);
        assert_eq!((good.status, good.driver_status, sg_info(&good)), (0, 0, 0));
        let timeout = sg_io_outcome(&Err(TransportError::Timeout(30_000)), 32, 2048, 0);
        assert_eq!(
            (timeout.host_status, timeout.resid, sg_info(&timeout)),
            (DID_TIME_OUT, 2048, 1)
        );
    }
}
