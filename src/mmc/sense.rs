//! Sense data: the key / ASC / ASCQ triple that a drive returns with CHECK CONDITION.
//!
//! Every triple the project produces is named once in [`SENSE_TABLE`] (mmc.md §3); code refers
//! to the generated constants (`Sense::INVALID_ADDRESS_FOR_WRITE`), never to bare numbers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A sense key / additional sense code / qualifier triple.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Sense {
    pub key: u8,
    pub asc: u8,
    pub ascq: u8,
}

/// Sense keys (SPC-4 §4.5.6).
pub mod key {
    pub const NO_SENSE: u8 = 0x0;
    pub const RECOVERED_ERROR: u8 = 0x1;
    pub const NOT_READY: u8 = 0x2;
    pub const MEDIUM_ERROR: u8 = 0x3;
    pub const HARDWARE_ERROR: u8 = 0x4;
    pub const ILLEGAL_REQUEST: u8 = 0x5;
    pub const UNIT_ATTENTION: u8 = 0x6;
    pub const DATA_PROTECT: u8 = 0x7;
    pub const BLANK_CHECK: u8 = 0x8;
    pub const MISCOMPARE: u8 = 0xE;
}

/// One row of the sense table: the triple, its constant name and the text SPC/MMC give it.
#[derive(Debug, Clone, Copy)]
pub struct SenseEntry {
    pub sense: Sense,
    pub name: &'static str,
    pub description: &'static str,
}

macro_rules! sense_table {
    ($( $(#[$doc:meta])* $name:ident = ($k:expr, $asc:expr, $ascq:expr, $text:expr); )*) => {
        impl Sense {
            $( $(#[$doc])* pub const $name: Sense = Sense { key: $k, asc: $asc, ascq: $ascq }; )*
        }
        /// Every sense triple the project knows, in one table (mmc.md §3).
        pub const SENSE_TABLE: &[SenseEntry] = &[
            $( SenseEntry { sense: Sense::$name, name: stringify!($name), description: $text }, )*
        ];
    };
}

sense_table! {
    NO_SENSE = (0x0, 0x00, 0x00, "no additional sense information");
    /// A short last WRITE in DVD-R DAO (mmc.md §7).
    NO_SENSE_END_OF_DATA = (0x0, 0x00, 0x03, "setmark/end of data detected");
    PADDING_BLOCKS_ADDED = (0x1, 0x0C, 0x0A, "write error - padding blocks added");
    PCA_ALMOST_FULL = (0x1, 0x73, 0x01, "power calibration area almost full");
    NOT_READY_CAUSE_NOT_REPORTABLE = (0x2, 0x04, 0x00, "logical unit not ready, cause not reportable");
    BECOMING_READY = (0x2, 0x04, 0x01, "logical unit is in process of becoming ready");
    INITIALIZING_COMMAND_REQUIRED = (0x2, 0x04, 0x02, "logical unit not ready, initializing command required");
    FORMAT_IN_PROGRESS = (0x2, 0x04, 0x04, "logical unit not ready, format in progress");
    OPERATION_IN_PROGRESS = (0x2, 0x04, 0x07, "logical unit not ready, operation in progress");
    LONG_WRITE_IN_PROGRESS = (0x2, 0x04, 0x08, "logical unit not ready, long write in progress");
    INCOMPATIBLE_MEDIUM_INSTALLED_NOT_READY = (0x2, 0x30, 0x00, "incompatible medium installed");
    MEDIUM_NOT_PRESENT = (0x2, 0x3A, 0x00, "medium not present");
    MEDIUM_NOT_PRESENT_TRAY_CLOSED = (0x2, 0x3A, 0x01, "medium not present - tray closed");
    MEDIUM_NOT_PRESENT_TRAY_OPEN = (0x2, 0x3A, 0x02, "medium not present - tray open");
    MEDIA_LOAD_OR_EJECT_FAILED = (0x2, 0x53, 0x00, "media load or eject failed");
    MEDIUM_REMOVAL_PREVENTED_NOT_READY = (0x2, 0x53, 0x02, "medium removal prevented");
    UNABLE_TO_RECOVER_TOC = (0x2, 0x57, 0x00, "unable to recover table-of-contents");
    WRITE_ERROR = (0x3, 0x0C, 0x00, "write error");
    WRITE_ERROR_RECOVERY_NEEDED = (0x3, 0x0C, 0x07, "write error - recovery needed");
    WRITE_ERROR_RECOVERY_FAILED = (0x3, 0x0C, 0x08, "write error - recovery failed");
    WRITE_ERROR_LOSS_OF_STREAMING = (0x3, 0x0C, 0x09, "write error - loss of streaming");
    UNRECOVERED_READ_ERROR = (0x3, 0x11, 0x00, "unrecovered read error");
    L_EC_UNCORRECTABLE_ERROR = (0x3, 0x11, 0x05, "L-EC uncorrectable error");
    CIRC_UNRECOVERED_ERROR = (0x3, 0x11, 0x06, "CIRC unrecovered error");
    MEDIUM_FORMAT_CORRUPTED = (0x3, 0x31, 0x00, "medium format corrupted");
    FORMAT_COMMAND_FAILED = (0x3, 0x31, 0x01, "format command failed");
    NO_DEFECT_SPARE_LOCATION = (0x3, 0x32, 0x00, "no defect spare location available");
    ERASE_FAILURE = (0x3, 0x51, 0x00, "erase failure");
    INCOMPLETE_ERASE = (0x3, 0x51, 0x01, "erase failure - incomplete erase operation detected");
    SESSION_FIXATION_ERROR = (0x3, 0x72, 0x00, "session fixation error");
    SESSION_FIXATION_ERROR_WRITING_LEAD_IN = (0x3, 0x72, 0x01, "session fixation error writing lead-in");
    SESSION_FIXATION_ERROR_WRITING_LEAD_OUT = (0x3, 0x72, 0x02, "session fixation error writing lead-out");
    CD_CONTROL_ERROR = (0x3, 0x73, 0x00, "CD control error");
    PCA_FULL = (0x3, 0x73, 0x02, "power calibration area is full");
    PCA_ERROR = (0x3, 0x73, 0x03, "power calibration area error");
    PMA_RMA_UPDATE_FAILURE = (0x3, 0x73, 0x04, "program memory area / RMA update failure");
    PMA_RMA_IS_FULL = (0x3, 0x73, 0x05, "program memory area / RMA is full");
    PMA_RMA_ALMOST_FULL = (0x3, 0x73, 0x06, "program memory area / RMA is (almost) full");
    PARAMETER_LIST_LENGTH_ERROR = (0x5, 0x1A, 0x00, "parameter list length error");
    INVALID_COMMAND_OPERATION_CODE = (0x5, 0x20, 0x00, "invalid command operation code");
    LBA_OUT_OF_RANGE = (0x5, 0x21, 0x00, "logical block address out of range");
    INVALID_ADDRESS_FOR_WRITE = (0x5, 0x21, 0x02, "invalid address for write");
    INVALID_WRITE_CROSSING_LAYER_JUMP = (0x5, 0x21, 0x03, "invalid write crossing layer jump");
    INVALID_FIELD_IN_CDB = (0x5, 0x24, 0x00, "invalid field in CDB");
    INVALID_FIELD_IN_PARAMETER_LIST = (0x5, 0x26, 0x00, "invalid field in parameter list");
    PARAMETER_NOT_SUPPORTED = (0x5, 0x26, 0x01, "parameter not supported");
    PARAMETER_VALUE_INVALID = (0x5, 0x26, 0x02, "parameter value invalid");
    WRITE_PROTECTED_ILLEGAL_REQUEST = (0x5, 0x27, 0x00, "write protected");
    COMMAND_SEQUENCE_ERROR = (0x5, 0x2C, 0x00, "command sequence error");
    CURRENT_PROGRAM_AREA_NOT_EMPTY = (0x5, 0x2C, 0x03, "current program area is not empty");
    CURRENT_PROGRAM_AREA_EMPTY = (0x5, 0x2C, 0x04, "current program area is empty");
    INCOMPATIBLE_MEDIUM_INSTALLED = (0x5, 0x30, 0x00, "incompatible medium installed");
    CANNOT_READ_MEDIUM_INCOMPATIBLE_FORMAT = (0x5, 0x30, 0x02, "cannot read medium - incompatible format");
    CANNOT_WRITE_MEDIUM_UNKNOWN_FORMAT = (0x5, 0x30, 0x04, "cannot write medium - unknown format");
    CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT = (0x5, 0x30, 0x05, "cannot write medium - incompatible format");
    CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM = (0x5, 0x30, 0x06, "cannot format medium - incompatible medium");
    APPLICATION_CODE_MISMATCH = (0x5, 0x30, 0x08, "cannot write - application code mismatch");
    CURRENT_SESSION_NOT_FIXATED_FOR_APPEND = (0x5, 0x30, 0x09, "current session not fixated for append");
    MEDIUM_NOT_FORMATTED = (0x5, 0x30, 0x10, "medium not formatted");
    SAVING_PARAMETERS_NOT_SUPPORTED = (0x5, 0x39, 0x00, "saving parameters not supported");
    MEDIUM_REMOVAL_PREVENTED = (0x5, 0x53, 0x02, "medium removal prevented");
    END_OF_USER_AREA_ENCOUNTERED = (0x5, 0x63, 0x00, "end of user area encountered on this track");
    PACKET_DOES_NOT_FIT = (0x5, 0x63, 0x01, "packet does not fit in available space");
    ILLEGAL_MODE_FOR_THIS_TRACK = (0x5, 0x64, 0x00, "illegal mode for this track");
    INVALID_PACKET_SIZE = (0x5, 0x64, 0x01, "invalid packet size");
    SESSION_FIXATION_INCOMPLETE_TRACK = (0x5, 0x72, 0x03, "session fixation error - incomplete track in session");
    EMPTY_OR_PARTIALLY_WRITTEN_RESERVED_TRACK = (0x5, 0x72, 0x04, "empty or partially written reserved track");
    NO_MORE_TRACK_RESERVATIONS_ALLOWED = (0x5, 0x72, 0x05, "no more track reservations allowed");
    NOT_READY_TO_READY_CHANGE = (0x6, 0x28, 0x00, "not ready to ready change, medium may have changed");
    POWER_ON_RESET = (0x6, 0x29, 0x00, "power on, reset, or bus device reset occurred");
    MODE_PARAMETERS_CHANGED = (0x6, 0x2A, 0x01, "mode parameters changed");
    INSUFFICIENT_TIME_FOR_OPERATION = (0x6, 0x2E, 0x00, "insufficient time for operation");
    OPERATOR_MEDIUM_REMOVAL_REQUEST = (0x6, 0x5A, 0x01, "operator medium removal request");
    WRITE_PROTECTED = (0x7, 0x27, 0x00, "write protected");
    BLANK_CHECK = (0x8, 0x00, 0x00, "blank check: reading an unwritten block");
    MISCOMPARE_DURING_VERIFY = (0xE, 0x1D, 0x00, "miscompare during verify operation");
}

impl Sense {
    pub const fn new(key: u8, asc: u8, ascq: u8) -> Sense {
        Sense { key, asc, ascq }
    }

    /// The table row for this triple, if the project names it.
    pub fn entry(self) -> Option<&'static SenseEntry> {
        SENSE_TABLE.iter().find(|e| e.sense == self)
    }

    /// The constant's name (`INVALID_ADDRESS_FOR_WRITE`), if the triple is in the table.
    pub fn name(self) -> Option<&'static str> {
        self.entry().map(|e| e.name)
    }

    /// `0x52102`-style code as growisofs prints it (`key<<16 | asc<<8 | ascq`, mmc.md §3).
    pub fn code(self) -> u32 {
        u32::from(self.key) << 16 | u32::from(self.asc) << 8 | u32::from(self.ascq)
    }
}

impl fmt::Debug for Sense {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sense({self})")
    }
}

/// `5/21/02 INVALID_ADDRESS_FOR_WRITE`: hexadecimal triple as drives and mmc.md write it, plus the name.
impl fmt::Display for Sense {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:X}/{:02X}/{:02X}", self.key, self.asc, self.ascq)?;
        if let Some(name) = self.name() {
            write!(f, " {name}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Sense {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_triple_is_named_once() {
        for (i, a) in SENSE_TABLE.iter().enumerate() {
            for b in &SENSE_TABLE[i + 1..] {
                assert_ne!(a.sense, b.sense, "{} and {} share a triple", a.name, b.name);
            }
        }
    }

    #[test]
    fn display_shows_triple_and_name() {
        assert_eq!(
            Sense::INVALID_ADDRESS_FOR_WRITE.to_string(),
            "5/21/02 INVALID_ADDRESS_FOR_WRITE"
        );
        assert_eq!(Sense::new(5, 0x99, 1).to_string(), "5/99/01");
    }

    #[test]
    fn growisofs_code() {
        assert_eq!(Sense::INVALID_ADDRESS_FOR_WRITE.code(), 0x52102);
        assert_eq!(Sense::PCA_ALMOST_FULL.code(), 0x17301);
    }
}
