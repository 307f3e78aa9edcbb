//! Command descriptor blocks: every CDB the emulated drive answers (mmc.md §1), decoded from bytes
//! into a typed [`Command`] and emitted back (the `burn` layer builds its CDBs with the same types).
//!
//! The CDB length follows the group code of the operation code (6, 10, 12 or 16 bytes); a longer
//! slice is accepted (ATAPI pads every CDB to 12 bytes) and its tail ignored.
//!
//! **Which fields are checked.** Real drives are lenient about reserved bits: ATAPI drives of the
//! MMC era ignore them, and the tools of mmc.md §4 never set them, so a drive that rejected them
//! would only break odd clients. The decoder therefore ignores reserved and obsolete bits (RelAdr,
//! LUN bits in byte 1, the control byte, NACA) and refuses only what real drives refuse:
//! enumerated fields holding a reserved value (GET CONFIGURATION RT=3, READ TRACK INFORMATION
//! address type 3, READ TOC format > 5, CLOSE function 7, BLANK type 7, power conditions),
//! mandatory bits with the wrong value (GESN Polled=0, MODE SELECT PF=0 / SP=1, GET PERFORMANCE
//! tolerance ≠ 10b for type 00h), and combinations SPC forbids (INQUIRY page ≠ 0 without EVPD,
//! CmdDt). Each refusal is 5/24/00 with the field pointer at the field's byte and its most
//! significant bit (mmc.md §1, §3); MODE SENSE with PC=3 is 5/39/00 (mmc.md §1.1).
//! Whether a *valid* value is supported by the medium (a page, a structure format, a track) is
//! the drive's decision; each command type names the field pointer the drive should report then.

mod basic;
mod drive_query;
mod mode;
mod query;
mod recording;
mod transfer;

pub use basic::*;
pub use drive_query::*;
pub use mode::*;
pub use query::*;
pub use recording::*;
pub use transfer::*;

use super::wire::CdbError;

/// Operation codes (mmc.md §1).
pub mod opcode {
    pub const TEST_UNIT_READY: u8 = 0x00;
    pub const REQUEST_SENSE: u8 = 0x03;
    pub const FORMAT_UNIT: u8 = 0x04;
    pub const INQUIRY: u8 = 0x12;
    pub const MODE_SELECT_6: u8 = 0x15;
    pub const MODE_SENSE_6: u8 = 0x1A;
    pub const START_STOP_UNIT: u8 = 0x1B;
    pub const PREVENT_ALLOW_MEDIUM_REMOVAL: u8 = 0x1E;
    pub const READ_FORMAT_CAPACITIES: u8 = 0x23;
    pub const READ_CAPACITY: u8 = 0x25;
    pub const READ_10: u8 = 0x28;
    pub const WRITE_10: u8 = 0x2A;
    pub const SEEK_10: u8 = 0x2B;
    pub const ERASE_10: u8 = 0x2C;
    pub const WRITE_AND_VERIFY_10: u8 = 0x2E;
    pub const VERIFY_10: u8 = 0x2F;
    pub const SYNCHRONIZE_CACHE: u8 = 0x35;
    pub const READ_BUFFER: u8 = 0x3C;
    pub const READ_SUB_CHANNEL: u8 = 0x42;
    pub const READ_TOC_PMA_ATIP: u8 = 0x43;
    pub const PLAY_AUDIO_10: u8 = 0x45;
    pub const GET_CONFIGURATION: u8 = 0x46;
    pub const PLAY_AUDIO_MSF: u8 = 0x47;
    pub const GET_EVENT_STATUS_NOTIFICATION: u8 = 0x4A;
    pub const PAUSE_RESUME: u8 = 0x4B;
    pub const READ_DISC_INFORMATION: u8 = 0x51;
    pub const READ_TRACK_INFORMATION: u8 = 0x52;
    pub const RESERVE_TRACK: u8 = 0x53;
    pub const SEND_OPC_INFORMATION: u8 = 0x54;
    pub const MODE_SELECT_10: u8 = 0x55;
    pub const REPAIR_TRACK: u8 = 0x58;
    pub const MODE_SENSE_10: u8 = 0x5A;
    pub const CLOSE_TRACK_SESSION: u8 = 0x5B;
    pub const READ_BUFFER_CAPACITY: u8 = 0x5C;
    pub const SEND_CUE_SHEET: u8 = 0x5D;
    pub const BLANK: u8 = 0xA1;
    pub const SEND_KEY: u8 = 0xA3;
    pub const REPORT_KEY: u8 = 0xA4;
    pub const PLAY_AUDIO_12: u8 = 0xA5;
    pub const LOAD_UNLOAD_MEDIUM: u8 = 0xA6;
    pub const SET_READ_AHEAD: u8 = 0xA7;
    pub const READ_12: u8 = 0xA8;
    pub const WRITE_12: u8 = 0xAA;
    pub const READ_MEDIA_SERIAL_NUMBER: u8 = 0xAB;
    pub const GET_PERFORMANCE: u8 = 0xAC;
    pub const READ_DISC_STRUCTURE: u8 = 0xAD;
    pub const SET_STREAMING: u8 = 0xB6;
    pub const READ_CD_MSF: u8 = 0xB9;
    pub const SET_CD_SPEED: u8 = 0xBB;
    pub const MECHANISM_STATUS: u8 = 0xBD;
    pub const READ_CD: u8 = 0xBE;
    pub const SEND_DISC_STRUCTURE: u8 = 0xBF;
}

/// The name of an operation code for traces, including the commands of mmc.md §1.5 "also seen"
/// that the decoder refuses with 5/20/00.
pub fn opcode_name(code: u8) -> Option<&'static str> {
    use opcode::*;
    Some(match code {
        TEST_UNIT_READY => "TEST UNIT READY",
        REQUEST_SENSE => "REQUEST SENSE",
        FORMAT_UNIT => "FORMAT UNIT",
        INQUIRY => "INQUIRY",
        MODE_SELECT_6 => "MODE SELECT(6)",
        MODE_SENSE_6 => "MODE SENSE(6)",
        START_STOP_UNIT => "START STOP UNIT",
        PREVENT_ALLOW_MEDIUM_REMOVAL => "PREVENT ALLOW MEDIUM REMOVAL",
        READ_FORMAT_CAPACITIES => "READ FORMAT CAPACITIES",
        READ_CAPACITY => "READ CAPACITY",
        READ_10 => "READ(10)",
        WRITE_10 => "WRITE(10)",
        SEEK_10 => "SEEK(10)",
        ERASE_10 => "ERASE(10)",
        WRITE_AND_VERIFY_10 => "WRITE AND VERIFY(10)",
        VERIFY_10 => "VERIFY(10)",
        SYNCHRONIZE_CACHE => "SYNCHRONIZE CACHE",
        READ_BUFFER => "READ BUFFER",
        READ_SUB_CHANNEL => "READ SUB-CHANNEL",
        READ_TOC_PMA_ATIP => "READ TOC/PMA/ATIP",
        PLAY_AUDIO_10 => "PLAY AUDIO(10)",
        GET_CONFIGURATION => "GET CONFIGURATION",
        PLAY_AUDIO_MSF => "PLAY AUDIO MSF",
        GET_EVENT_STATUS_NOTIFICATION => "GET EVENT STATUS NOTIFICATION",
        PAUSE_RESUME => "PAUSE/RESUME",
        READ_DISC_INFORMATION => "READ DISC INFORMATION",
        READ_TRACK_INFORMATION => "READ TRACK INFORMATION",
        RESERVE_TRACK => "RESERVE TRACK",
        SEND_OPC_INFORMATION => "SEND OPC INFORMATION",
        MODE_SELECT_10 => "MODE SELECT(10)",
        REPAIR_TRACK => "REPAIR TRACK",
        MODE_SENSE_10 => "MODE SENSE(10)",
        CLOSE_TRACK_SESSION => "CLOSE TRACK/SESSION",
        READ_BUFFER_CAPACITY => "READ BUFFER CAPACITY",
        SEND_CUE_SHEET => "SEND CUE SHEET",
        BLANK => "BLANK",
        SEND_KEY => "SEND KEY",
        REPORT_KEY => "REPORT KEY",
        PLAY_AUDIO_12 => "PLAY AUDIO(12)",
        LOAD_UNLOAD_MEDIUM => "LOAD/UNLOAD MEDIUM",
        SET_READ_AHEAD => "SET READ AHEAD",
        READ_12 => "READ(12)",
        WRITE_12 => "WRITE(12)",
        READ_MEDIA_SERIAL_NUMBER => "READ MEDIA SERIAL NUMBER",
        GET_PERFORMANCE => "GET PERFORMANCE",
        READ_DISC_STRUCTURE => "READ DISC STRUCTURE",
        SET_STREAMING => "SET STREAMING",
        READ_CD_MSF => "READ CD MSF",
        SET_CD_SPEED => "SET CD SPEED",
        MECHANISM_STATUS => "MECHANISM STATUS",
        READ_CD => "READ CD",
        SEND_DISC_STRUCTURE => "SEND DISC STRUCTURE",
        _ => return None,
    })
}

/// The CDB length of an operation code's group (SPC-4 §4.2.5.1): 6 for group 0, 10 for groups
/// 1–2, 16 for group 4, 12 for group 5; `None` for the reserved group 3 and vendor groups 6–7.
pub const fn cdb_length(code: u8) -> Option<usize> {
    match code >> 5 {
        0 => Some(6),
        1 | 2 => Some(10),
        4 => Some(16),
        5 => Some(12),
        _ => None,
    }
}

/// Which way data moves for a command and how much the drive expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataDirection {
    None,
    /// Drive to host: at most `bytes` (the allocation length, or blocks × 2048 for READ).
    In {
        bytes: u64,
    },
    /// Host to drive: the parameter list length, or blocks × 2048 for WRITE. On CD the block size
    /// of a WRITE follows page 05h data block type (mmc.md §1.5); the drive scales it then.
    Out {
        bytes: u64,
    },
}

/// The user-data size of a DVD/BD block and of a CD Mode 1 sector (mmc.md §1.3).
pub const BLOCK_BYTES: u64 = 2048;

/// `buffer_len()`, `to_vec()` and the operation code of a CDB `Repr` with its view.
macro_rules! cdb_repr {
    ($repr:ident, $view:ident, $opcode:expr) => {
        impl $repr {
            pub const OPCODE: u8 = $opcode;

            /// The CDB length of this command's group.
            pub fn buffer_len(&self) -> usize {
                $view::<&[u8]>::MIN_LEN
            }
        }
        $crate::mmc::wire::impl_to_vec!($repr, $view);
    };
}
pub(crate) use cdb_repr;

macro_rules! commands {
    ($( $(#[$doc:meta])* $variant:ident($repr:ident, $view:ident); )*) => {
        /// A decoded CDB.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Command {
            $( $(#[$doc])* $variant($repr), )*
        }

        impl Command {
            /// Decodes a CDB: 5/20/00 for an operation code not in mmc.md §1's list, 5/24/00 (with
            /// the field pointer) for a CDB shorter than its group or a refused field.
            pub fn decode(cdb: &[u8]) -> Result<Command, CdbError> {
                let Some(&code) = cdb.first() else {
                    return Err(CdbError::invalid_opcode());
                };
                match code {
                    $( $repr::OPCODE => {
                        check_cdb_length(cdb, $view::<&[u8]>::MIN_LEN)?;
                        Ok(Command::$variant($repr::parse(&$view::new_unchecked(cdb))?))
                    } )*
                    _ => Err(CdbError::invalid_opcode()),
                }
            }

            pub fn opcode(&self) -> u8 {
                match self { $( Command::$variant(_) => $repr::OPCODE, )* }
            }

            /// The CDB length (6, 10 or 12).
            pub fn buffer_len(&self) -> usize {
                match self { $( Command::$variant(c) => c.buffer_len(), )* }
            }

            /// Writes the CDB into the first `buffer_len()` bytes of `cdb`.
            pub fn emit(&self, cdb: &mut [u8]) {
                match self { $( Command::$variant(c) => c.emit(&mut $view::new_unchecked(cdb)), )* }
            }

            pub fn to_vec(&self) -> Vec<u8> {
                match self { $( Command::$variant(c) => c.to_vec(), )* }
            }

            /// Direction and expected length of the data phase.
            pub fn data_direction(&self) -> DataDirection {
                match self { $( Command::$variant(c) => c.data_direction(), )* }
            }
        }

        $( impl From<$repr> for Command {
            fn from(command: $repr) -> Command {
                Command::$variant(command)
            }
        } )*
    };
}

commands! {
    TestUnitReady(TestUnitReady, TestUnitReadyCdb);
    RequestSense(RequestSense, RequestSenseCdb);
    FormatUnit(FormatUnit, FormatUnitCdb);
    Inquiry(Inquiry, InquiryCdb);
    ModeSelect6(ModeSelect6, ModeSelect6Cdb);
    ModeSense6(ModeSense6, ModeSense6Cdb);
    StartStopUnit(StartStopUnit, StartStopUnitCdb);
    PreventAllowMediumRemoval(PreventAllowMediumRemoval, PreventAllowCdb);
    ReadFormatCapacities(ReadFormatCapacities, ReadFormatCapacitiesCdb);
    ReadCapacity(ReadCapacity, ReadCapacityCdb);
    Read10(Read10, Transfer10Cdb);
    Write10(Write10, Transfer10Cdb);
    WriteAndVerify10(WriteAndVerify10, Transfer10Cdb);
    Verify10(Verify10, Transfer10Cdb);
    SynchronizeCache(SynchronizeCache, SynchronizeCacheCdb);
    ReadToc(ReadToc, ReadTocCdb);
    GetConfiguration(GetConfiguration, GetConfigurationCdb);
    GetEventStatusNotification(GetEventStatusNotification, GetEventStatusNotificationCdb);
    ReadDiscInformation(ReadDiscInformation, ReadDiscInformationCdb);
    ReadTrackInformation(ReadTrackInformation, ReadTrackInformationCdb);
    ReserveTrack(ReserveTrack, ReserveTrackCdb);
    SendOpcInformation(SendOpcInformation, SendOpcInformationCdb);
    ModeSelect10(ModeSelect10, ModeSelect10Cdb);
    CloseTrackSession(CloseTrackSession, CloseTrackSessionCdb);
    ReadBufferCapacity(ReadBufferCapacity, ReadBufferCapacityCdb);
    ModeSense10(ModeSense10, ModeSense10Cdb);
    Blank(Blank, BlankCdb);
    Read12(Read12, Transfer12Cdb);
    Write12(Write12, Transfer12Cdb);
    GetPerformance(GetPerformance, GetPerformanceCdb);
    ReadDiscStructure(ReadDiscStructure, ReadDiscStructureCdb);
    SendDiscStructure(SendDiscStructure, SendDiscStructureCdb);
    SetStreaming(SetStreaming, SetStreamingCdb);
    SetCdSpeed(SetCdSpeed, SetCdSpeedCdb);
    MechanismStatus(MechanismStatus, MechanismStatusCdb);
}

impl Command {
    /// The command's name for traces (`"READ TRACK INFORMATION"`).
    pub fn opcode_name(&self) -> &'static str {
        opcode_name(self.opcode()).unwrap_or("UNKNOWN")
    }
}

/// A CDB shorter than its group's length cannot be read: 5/24/00 without a field pointer, since
/// the missing field lies outside the CDB.
fn check_cdb_length(cdb: &[u8], length: usize) -> Result<(), CdbError> {
    if cdb.len() < length {
        Err(CdbError::new(super::Sense::INVALID_FIELD_IN_CDB, None))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
