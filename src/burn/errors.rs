//! From the MMC level to the API level: the ONE table that turns a failed command (CHECK CONDITION
//! sense, a transport failure, a malformed reply) into the HRESULT IMAPI2 reports (DESIGN.md "Two
//! error levels"). The table is data ([`SENSE_MAP`]); `docs/errors.md` shows it, rendered by
//! [`sense_map_markdown`], and a test checks that the two agree.
//!
//! Rows are tried in order and the first that matches wins, so specific rows (a command, a phase)
//! come before general ones and each phase ends with a catch-all. The codes are those of the
//! recorder block \[REC\] of imapi2.md §2.0, the write codes of §1.2 and the erase codes of §2.6.

use super::command::CommandError;
use crate::device::TransportError;
use crate::hresult::{HResult, ImapiError};
use crate::mmc::Sense;
use crate::mmc::cdb::opcode;

/// What the caller was doing when the command failed: the same sense means different things to a
/// property getter, a burn and an erase (e.g. a medium error is `E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR`
/// during an erase, imapi2.md §4 trap 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Properties and recorder queries (media status, profiles, addresses).
    Query,
    /// `IDiscFormat2Data::Write`: preparing, writing and closing.
    Write,
    /// `IDiscFormat2Erase::EraseMedia`.
    Erase,
}

impl Phase {
    fn label(self) -> &'static str {
        match self {
            Phase::Query => "query",
            Phase::Write => "write",
            Phase::Erase => "erase",
        }
    }
}

/// What went wrong with the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// CHECK CONDITION whose sense matches: `None` fields match anything; `commands` (operation
    /// codes) limits the row to those commands when not empty.
    Sense {
        commands: &'static [u8],
        key: u8,
        asc: Option<u8>,
        ascq: Option<u8>,
    },
    /// The command never completed (`TransportError::Timeout`), or a wait for a long operation
    /// ran out of polls or time.
    Timeout,
    /// The device disappeared (`TransportError::Gone`).
    DeviceGone,
    /// The transport failed (`TransportError::Io`, a host, driver or device status the command
    /// did not run under, or a refusal by the operating system).
    TransportIo,
    /// The CDB could not be sent (`TransportError::CdbLength`): a bug in the caller.
    BadCdb,
    /// The drive answered GOOD with data that does not parse.
    MalformedReply,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct SenseRule {
    /// `None`: every phase.
    pub phase: Option<Phase>,
    pub condition: Condition,
    pub code: HResult,
    /// Why this code (imapi2.md / mmc.md).
    pub reason: &'static str,
}

const fn sense(commands: &'static [u8], key: u8, asc: Option<u8>, ascq: Option<u8>) -> Condition {
    Condition::Sense {
        commands,
        key,
        asc,
        ascq,
    }
}

const ANY: &[u8] = &[];
const MODE_SENSE: &[u8] = &[opcode::MODE_SENSE_6, opcode::MODE_SENSE_10];
const MODE_SELECT: &[u8] = &[opcode::MODE_SELECT_6, opcode::MODE_SELECT_10];
const GET_CONFIGURATION: &[u8] = &[opcode::GET_CONFIGURATION];
const READ_DISC_STRUCTURE: &[u8] = &[opcode::READ_DISC_STRUCTURE];
const ERASING: &[u8] = &[opcode::BLANK, opcode::FORMAT_UNIT];
const START_STOP: &[u8] = &[opcode::START_STOP_UNIT];
const WRITING: &[u8] = &[opcode::WRITE_10, opcode::WRITE_12, opcode::SYNCHRONIZE_CACHE];

use Phase::{Erase, Query, Write};

/// The sense → HRESULT table (first match wins).
pub static SENSE_MAP: &[SenseRule] = &[
    // ---- transport ----
    SenseRule {
        phase: Some(Erase),
        condition: Condition::Timeout,
        code: HResult::E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR,
        reason: "the erase did not end within the erase time limit (imapi2.md §2.6)",
    },
    SenseRule {
        phase: None,
        condition: Condition::Timeout,
        code: HResult::E_IMAPI_RECORDER_COMMAND_TIMEOUT,
        reason: "the device did not complete the command, or a long operation did not end, in time ([REC] 020D)",
    },
    SenseRule {
        phase: None,
        condition: Condition::DeviceGone,
        code: HResult::HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST,
        reason: "the device is gone: ERROR_DEV_NOT_EXIST, Win32 code 55 in [REC]",
    },
    SenseRule {
        phase: None,
        condition: Condition::TransportIo,
        code: HResult::HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE,
        reason: "the device handle failed: ERROR_INVALID_HANDLE, Win32 code 6 in [REC]",
    },
    SenseRule {
        phase: None,
        condition: Condition::BadCdb,
        code: HResult::E_INVALIDARG,
        reason: "a CDB the transport refuses is an invalid argument ([COM])",
    },
    SenseRule {
        phase: None,
        condition: Condition::MalformedReply,
        code: HResult::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE,
        reason: "GOOD status with data that does not parse ([REC] 02FF)",
    },
    // ---- command-specific answers ----
    SenseRule {
        phase: None,
        condition: sense(MODE_SENSE, 0x5, Some(0x24), None),
        code: HResult::E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE,
        reason: "MODE SENSE of a page the drive lacks is 5/24/00 (mmc.md §1.1; [REC] 0201)",
    },
    SenseRule {
        phase: None,
        condition: sense(MODE_SELECT, 0x5, Some(0x26), None),
        code: HResult::E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS,
        reason: "MODE SELECT with a combination the drive refuses is 5/26/0x (docs/drive.md; [REC] 0208)",
    },
    SenseRule {
        phase: None,
        condition: sense(GET_CONFIGURATION, 0x5, Some(0x20), None),
        code: HResult::E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED,
        reason: "an unknown operation code: the drive predates GET CONFIGURATION (020C)",
    },
    SenseRule {
        phase: None,
        condition: sense(GET_CONFIGURATION, 0x5, Some(0x24), None),
        code: HResult::E_IMAPI_RECORDER_NO_SUCH_FEATURE,
        reason: "GET CONFIGURATION refused the feature asked for (020A)",
    },
    SenseRule {
        phase: None,
        condition: sense(READ_DISC_STRUCTURE, 0x5, None, None),
        code: HResult::E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT,
        reason: "READ DISC STRUCTURE refused: the structure is not on this medium ([REC] 020E)",
    },
    // ---- erase ----
    SenseRule {
        phase: Some(Erase),
        condition: sense(ERASING, 0x5, Some(0x30), Some(0x06)),
        code: HResult::E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE,
        reason: "BLANK on write-once media: 5/30/06 cannot format medium (mmc.md §1.5 A1h, real iHBS212)",
    },
    SenseRule {
        phase: Some(Erase),
        condition: sense(ERASING, 0x5, Some(0x30), Some(0x05)),
        code: HResult::E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE,
        reason: "BLANK where the medium is erased by formatting only: 5/30/05 (docs/disc-model.md)",
    },
    SenseRule {
        phase: Some(Erase),
        condition: sense(START_STOP, 0x0, None, None).any_key(),
        code: HResult::E_IMAPI_ERASE_DRIVE_FAILED_SPINUP_COMMAND,
        reason: "the START UNIT before the erase failed (imapi2.md §1.2 0908)",
    },
    SenseRule {
        phase: Some(Erase),
        condition: sense(ANY, 0x3, None, None),
        code: HResult::E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR,
        reason: "a medium error while erasing: IMAPI reports 0906 for bad media too (imapi2.md §4 trap 10)",
    },
    SenseRule {
        phase: Some(Erase),
        condition: sense(ANY, 0x4, None, None),
        code: HResult::E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR,
        reason: "a hardware error while erasing: 0906 covers drive failure too (imapi2.md §2.6)",
    },
    SenseRule {
        phase: Some(Erase),
        condition: sense(ERASING, 0x5, None, None),
        code: HResult::E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND,
        reason: "the drive refused the BLANK / FORMAT UNIT itself (0905)",
    },
    // ---- the medium ([REC]) ----
    SenseRule {
        phase: None,
        condition: sense(ANY, 0x2, Some(0x3A), None),
        code: HResult::E_IMAPI_RECORDER_MEDIA_NO_MEDIA,
        reason: "medium not present, tray open or closed ([REC] 0202; there is no IMAPI_E_MEDIA_NOT_PRESENT, §1.2)",
    },
    SenseRule {
        phase: None,
        condition: sense(ANY, 0x2, Some(0x30), None),
        code: HResult::E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE,
        reason: "incompatible medium installed, the drive cannot read it ([REC] 0203)",
    },
    SenseRule {
        phase: None,
        condition: sense(ANY, 0x2, Some(0x57), None),
        code: HResult::E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN,
        reason: "unable to recover the table of contents: what a disc inserted upside down gives (our reading; [REC] 0204)",
    },
    SenseRule {
        phase: None,
        condition: sense(ANY, 0x5, Some(0x30), Some(0x00)),
        code: HResult::E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE,
        reason: "incompatible medium installed ([REC] 0203)",
    },
    SenseRule {
        phase: None,
        condition: sense(ANY, 0x5, Some(0x30), Some(0x10)),
        code: HResult::E_IMAPI_RECORDER_MEDIA_NOT_FORMATTED,
        reason: "medium not formatted (0212)",
    },
    SenseRule {
        phase: None,
        condition: sense(ANY, 0x2, Some(0x04), Some(0x04)),
        code: HResult::E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS,
        reason: "not ready, format in progress ([REC] 0206)",
    },
    SenseRule {
        phase: None,
        condition: sense(ANY, 0x2, Some(0x04), Some(0x07)),
        code: HResult::E_IMAPI_RECORDER_MEDIA_BUSY,
        reason: "not ready, operation in progress: a close or blank runs ([REC] 0207)",
    },
    SenseRule {
        phase: None,
        condition: sense(ANY, 0x2, Some(0x04), Some(0x08)),
        code: HResult::E_IMAPI_RECORDER_MEDIA_BUSY,
        reason: "not ready, long write in progress: the cache drains ([REC] 0207)",
    },
    SenseRule {
        phase: None,
        condition: sense(ANY, 0x2, Some(0x04), None),
        code: HResult::E_IMAPI_RECORDER_MEDIA_BECOMING_READY,
        reason: "not ready, becoming ready or cause not reportable ([REC] 0205)",
    },
    SenseRule {
        phase: None,
        condition: sense(ANY, 0x7, Some(0x27), None),
        code: HResult::E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED,
        reason: "data protect, write protected ([REC] 0209)",
    },
    SenseRule {
        phase: None,
        condition: sense(ANY, 0x5, Some(0x27), None),
        code: HResult::E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED,
        reason: "write protected, reported as an illegal request ([REC] 0209)",
    },
    SenseRule {
        phase: None,
        condition: sense(ANY, 0x3, Some(0x0C), Some(0x09)),
        code: HResult::E_IMAPI_LOSS_OF_STREAMING,
        reason: "write error - loss of streaming: a buffer underrun ([REC] 0300)",
    },
    SenseRule {
        phase: Some(Write),
        condition: sense(WRITING, 0x5, Some(0x63), None),
        code: HResult::E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA,
        reason: "end of user area encountered: the stream did not fit after all (0404)",
    },
    // ---- catch-alls per phase ----
    SenseRule {
        phase: Some(Erase),
        condition: sense(ANY, 0x0, None, None).any_key(),
        code: HResult::E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE,
        reason: "any other error during an erase (0907)",
    },
    SenseRule {
        phase: Some(Write),
        condition: sense(ANY, 0x0, None, None).any_key(),
        code: HResult::E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE,
        reason: "any other error while writing: write errors, refused addresses, failed calibration (0301)",
    },
    SenseRule {
        phase: Some(Query),
        condition: sense(ANY, 0x0, None, None).any_key(),
        code: HResult::E_FAIL,
        reason: "any other CHECK CONDITION of a query ([COM] E_FAIL)",
    },
];

/// Marks a sense condition as matching every sense key (the catch-alls).
const ANY_KEY: u8 = 0xFF;

impl Condition {
    const fn any_key(self) -> Condition {
        match self {
            Condition::Sense {
                commands, asc, ascq, ..
            } => Condition::Sense {
                commands,
                key: ANY_KEY,
                asc,
                ascq,
            },
            other => other,
        }
    }

    fn matches_sense(&self, command: u8, found: Sense) -> bool {
        match *self {
            Condition::Sense {
                commands,
                key,
                asc,
                ascq,
            } => {
                (commands.is_empty() || commands.contains(&command))
                    && (key == ANY_KEY || key == found.key)
                    && asc.is_none_or(|a| a == found.asc)
                    && ascq.is_none_or(|q| q == found.ascq)
            }
            _ => false,
        }
    }

    fn describe(&self) -> (String, String) {
        match *self {
            Condition::Sense {
                commands,
                key,
                asc,
                ascq,
            } => {
                let command = if commands.is_empty() {
                    "any".to_string()
                } else {
                    commands
                        .iter()
                        .map(|c| crate::mmc::cdb::opcode_name(*c).unwrap_or("?"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let part = |v: Option<u8>| v.map_or("xx".to_string(), |v| format!("{v:02X}"));
                let key = if key == ANY_KEY {
                    "x".to_string()
                } else {
                    format!("{key:X}")
                };
                (command, format!("{key}/{}/{}", part(asc), part(ascq)))
            }
            Condition::Timeout => ("any".into(), "no completion / wait ran out".into()),
            Condition::DeviceGone => ("any".into(), "transport: device gone".into()),
            Condition::TransportIo => ("any".into(), "transport: I/O error".into()),
            Condition::BadCdb => ("any".into(), "transport: CDB length refused".into()),
            Condition::MalformedReply => ("any".into(), "GOOD with a malformed reply".into()),
        }
    }
}

/// The operation code a command name belongs to (CommandError carries the name).
fn opcode_of(name: &str) -> u8 {
    (0..=255u8)
        .find(|c| crate::mmc::cdb::opcode_name(*c) == Some(name))
        .unwrap_or(0xFF)
}

/// The row that applies to `error` in `phase`.
pub fn rule_for(error: &CommandError, phase: Phase) -> &'static SenseRule {
    let applies = |rule: &&SenseRule| rule.phase.is_none_or(|p| p == phase);
    let found = SENSE_MAP.iter().filter(applies).find(|rule| match error {
        CommandError::Check { command, sense } => rule.condition.matches_sense(opcode_of(command), sense.sense),
        CommandError::Transport { source, .. } => matches!(
            (source, rule.condition),
            (TransportError::Timeout(_), Condition::Timeout)
                | (TransportError::Gone(_), Condition::DeviceGone)
                | (
                    TransportError::Io(_)
                        | TransportError::HostStatus { .. }
                        | TransportError::DriverStatus { .. }
                        | TransportError::DeviceStatus { .. }
                        | TransportError::Refused(_),
                    Condition::TransportIo
                )
                | (TransportError::CdbLength(_), Condition::BadCdb)
        ),
        CommandError::Malformed { .. } => rule.condition == Condition::MalformedReply,
    });
    found.expect("every phase ends with a catch-all and every transport error has a row")
}

/// The HRESULT for a failed command in `phase`.
pub fn hresult_for(error: &CommandError, phase: Phase) -> HResult {
    rule_for(error, phase).code
}

/// The API-level error for a failed command in `phase`.
/// IMAPI2's messages for these codes take no insert, so the failed command and its sense are
/// appended after the message (`fill_message` appends parameters beyond the inserts): "E_FAIL …
/// Unspecified error" alone names neither the command nor the block.
pub fn imapi_error(error: &CommandError, phase: Phase) -> ImapiError {
    ImapiError::with(hresult_for(error, phase), [format!("({error})")])
}

/// A wait that ran out of polls or time, as the transport error the table maps.
pub fn timeout(command: &'static str, waited_ms: u64) -> CommandError {
    CommandError::Transport {
        command,
        source: TransportError::Timeout(waited_ms),
    }
}

/// The table as the Markdown `docs/errors.md` shows.
pub fn sense_map_markdown() -> String {
    let mut out = String::from("| # | phase | command | sense / condition | HRESULT | value | why |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for (i, rule) in SENSE_MAP.iter().enumerate() {
        let (command, condition) = rule.condition.describe();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | 0x{:08X} | {} |\n",
            i + 1,
            rule.phase.map_or("any", Phase::label),
            command,
            condition,
            rule.code.name().unwrap_or("?"),
            rule.code.0,
            rule.reason
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mmc::sense_data::SenseDataRepr;

    fn check(command: &'static str, sense: Sense) -> CommandError {
        CommandError::Check {
            command,
            sense: SenseDataRepr::current(sense),
        }
    }

    #[test]
    fn no_medium_is_0202_in_every_phase() {
        for phase in [Query, Write, Erase] {
            assert_eq!(
                hresult_for(
                    &check("READ DISC INFORMATION", Sense::MEDIUM_NOT_PRESENT_TRAY_CLOSED),
                    phase
                ),
                HResult::E_IMAPI_RECORDER_MEDIA_NO_MEDIA
            );
        }
    }

    #[test]
    fn the_same_medium_error_differs_by_phase() {
        let error = check("BLANK", Sense::ERASE_FAILURE);
        assert_eq!(
            hresult_for(&error, Erase),
            HResult::E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR
        );
        let error = check("WRITE(10)", Sense::WRITE_ERROR);
        assert_eq!(
            hresult_for(&error, Write),
            HResult::E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE
        );
        assert_eq!(hresult_for(&error, Query), HResult::E_FAIL);
    }

    #[test]
    fn command_specific_rows_win() {
        assert_eq!(
            hresult_for(&check("MODE SENSE(10)", Sense::INVALID_FIELD_IN_CDB), Query),
            HResult::E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE
        );
        assert_eq!(
            hresult_for(&check("BLANK", Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM), Erase),
            HResult::E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE
        );
        assert_eq!(HResult::E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE.0, 0x80AA0904);
    }

    #[test]
    fn transport_failures_have_rows() {
        let timeout = timeout("CLOSE TRACK/SESSION", 30_000);
        assert_eq!(hresult_for(&timeout, Write), HResult::E_IMAPI_RECORDER_COMMAND_TIMEOUT);
        assert_eq!(
            hresult_for(&timeout, Erase),
            HResult::E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR
        );
        let gone = CommandError::Transport {
            command: "INQUIRY",
            source: TransportError::Gone("unplugged".into()),
        };
        assert_eq!(hresult_for(&gone, Query).0, 0x80070037);
    }
}
