//! What a CDB is to the transport: how long the host waits for it, and whether it may change
//! the drive or the disc (so that a real drive only sees it when the user said so).
//!
//! The lists follow the Linux kernel's `scsi_cmd_allowed()` (attach.md §5), which the
//! emulator's kernel rules already hold as data (`attach::kernel::opcode_class`): one table.

use crate::attach::kernel::{OpcodeClass, opcode_class};
use crate::mmc::cdb::opcode;
use std::time::Duration;

/// How long the host waits for a command before the transport gives up on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutClass {
    /// Queries: the drive answers from its memory or the disc's lead-in.
    Short,
    /// Data transfer and mechanics: READ/WRITE (a spin-up first), SEND OPC, tray motion.
    Medium,
    /// Operations that may run for the whole disc when not sent with IMMED: BLANK, FORMAT UNIT,
    /// CLOSE TRACK/SESSION (finalizing a DVD-R pads it to 30 mm), SYNCHRONIZE CACHE.
    Long,
}

impl TimeoutClass {
    /// The class of operation code `code`.
    pub fn of(code: u8) -> TimeoutClass {
        match code {
            opcode::BLANK | opcode::FORMAT_UNIT | opcode::CLOSE_TRACK_SESSION | opcode::SYNCHRONIZE_CACHE => {
                TimeoutClass::Long
            }
            opcode::READ_10
            | opcode::READ_12
            | opcode::READ_CD
            | opcode::READ_CD_MSF
            | opcode::WRITE_10
            | opcode::WRITE_12
            | opcode::WRITE_AND_VERIFY_10
            | opcode::VERIFY_10
            | opcode::SEND_OPC_INFORMATION
            | opcode::RESERVE_TRACK
            | opcode::SEND_CUE_SHEET
            | opcode::START_STOP_UNIT
            | opcode::LOAD_UNLOAD_MEDIUM
            | opcode::SEEK_10 => TimeoutClass::Medium,
            _ => TimeoutClass::Short,
        }
    }

    /// The default wait: libburn's 30 s default for queries (mmc.md §4.1), two minutes for
    /// transfers (a drive spins up and recalibrates first), and one hour for a full blank or
    /// format of a BD-RE, which IMAPI2 also allows an erase (imapi2.md §2.6).
    pub fn default_timeout(self) -> Duration {
        match self {
            TimeoutClass::Short => Duration::from_secs(30),
            TimeoutClass::Medium => Duration::from_secs(120),
            TimeoutClass::Long => Duration::from_secs(3600),
        }
    }
}

/// Operation codes outside the kernel's read list that only read (the kernel refuses them to
/// unprivileged users anyway, attach.md §5): MECHANISM STATUS, READ MEDIA SERIAL NUMBER.
const PRIVILEGED_READS: &[u8] = &[opcode::MECHANISM_STATUS, opcode::READ_MEDIA_SERIAL_NUMBER];

/// Whether sending `cdb` (with a data-out phase of `data_out_bytes`) may change the drive or the
/// disc: the kernel's write list, any data-out phase, and every opcode the kernel does not list
/// (vendor codes, WRITE BUFFER — a firmware download) except the known reads.
pub fn may_write(cdb: &[u8], data_out_bytes: usize) -> bool {
    let Some(&code) = cdb.first() else {
        return false;
    };
    data_out_bytes > 0
        || match opcode_class(code) {
            OpcodeClass::ReadSafe => false,
            OpcodeClass::WriteSafe => true,
            OpcodeClass::Privileged => !PRIVILEGED_READS.contains(&code),
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_format_close_and_sync_wait_an_hour_queries_half_a_minute() {
        for code in [0xA1, 0x04, 0x5B, 0x35] {
            assert_eq!(TimeoutClass::of(code), TimeoutClass::Long, "{code:#04x}");
        }
        assert_eq!(TimeoutClass::Long.default_timeout(), Duration::from_secs(3600));
        for code in [0x12, 0x46, 0x51, 0x4A, 0x00] {
            assert_eq!(TimeoutClass::of(code), TimeoutClass::Short, "{code:#04x}");
        }
        assert_eq!(TimeoutClass::of(0x2A), TimeoutClass::Medium);
    }

    #[test]
    fn reads_do_not_write_and_write_class_vendor_and_data_out_commands_do() {
        // INQUIRY, READ(10), GET CONFIGURATION, START STOP UNIT (the kernel lists it as a read).
        for cdb in [
            [0x12u8, 0, 0, 0, 36, 0],
            [0x28, 0, 0, 0, 0, 0],
            [0x46, 0, 0, 0, 8, 0],
            [0x1B, 0, 0, 0, 2, 0],
        ] {
            assert!(!may_write(&cdb, 0), "{:#04x}", cdb[0]);
        }
        // WRITE(10), BLANK, SYNCHRONIZE CACHE, MODE SELECT(10).
        for code in [0x2Au8, 0xA1, 0x35, 0x55] {
            assert!(may_write(&[code, 0, 0, 0, 0, 0], 0), "{code:#04x}");
        }
        // WRITE BUFFER and a vendor code may change the drive; MECHANISM STATUS only reads.
        assert!(may_write(&[0x3B, 0, 0, 0, 0, 0], 0));
        assert!(may_write(&[0xD8, 0, 0, 0, 0, 0], 0));
        assert!(!may_write(&[0xBD, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0], 0));
        // Any data out.
        assert!(may_write(&[0x12, 0, 0, 0, 0, 0], 4));
        assert!(!may_write(&[], 0));
    }
}
