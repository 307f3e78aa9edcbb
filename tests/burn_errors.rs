//! The sense → HRESULT table: docs/errors.md shows the table that is in the code, and the codes it
//! yields are the recorder block [REC] of imapi2.md §2.0.

mod burn_support;

use burn_support::check_doc_block;
use burnbench::burn::command::CommandError;
use burnbench::burn::errors::{Condition, Phase, SENSE_MAP, hresult_for, sense_map_markdown};
use burnbench::device::TransportError;
use burnbench::hresult::HResult;
use burnbench::mmc::Sense;
use burnbench::mmc::sense_data::SenseDataRepr;

#[test]
fn the_doc_table_is_the_code_table() {
    check_doc_block("docs/errors.md", "sense-map", &sense_map_markdown());
}

#[test]
fn the_recorder_block_comes_from_the_table() {
    // [REC] of imapi2.md §2.0, but 0210 (exclusive access, no sense) and 020F (no sense of
    // mmc.md §3 means it; docs/errors.md says so).
    let rec = [
        0xC0AA020D, 0xC0AA02FF, 0xC0AA0204, 0xC0AA0205, 0xC0AA0202, 0xC0AA0206, 0xC0AA0207, 0xC0AA0300, 0xC0AA0203,
        0xC0AA020E, 0xC0AA0201, 0xC0AA0208, 0xC0AA0209, 0x80070006, 0x80070037,
    ];
    for value in rec {
        assert!(SENSE_MAP.iter().any(|r| r.code.0 == value), "{value:#010X} has no row");
    }
}

#[test]
fn every_phase_ends_with_a_catch_all() {
    for phase in [Phase::Query, Phase::Write, Phase::Erase] {
        let odd = CommandError::Check {
            command: "READ(10)",
            sense: SenseDataRepr::current(Sense::new(0xE, 0x1D, 0x00)),
        };
        let code = hresult_for(&odd, phase);
        assert!(!code.is_success(), "{phase:?}");
    }
    assert!(SENSE_MAP.iter().all(|r| r.code.name().is_some()), "every code is named");
    assert!(SENSE_MAP.iter().any(|r| r.condition == Condition::MalformedReply));
}

#[test]
fn sense_examples() {
    let check = |command: &'static str, sense: Sense| CommandError::Check {
        command,
        sense: SenseDataRepr::current(sense),
    };
    let cases = [
        (
            check("TEST UNIT READY", Sense::MEDIUM_NOT_PRESENT_TRAY_OPEN),
            Phase::Query,
            HResult::E_IMAPI_RECORDER_MEDIA_NO_MEDIA,
        ),
        (
            check("READ DISC INFORMATION", Sense::INCOMPATIBLE_MEDIUM_INSTALLED_NOT_READY),
            Phase::Query,
            HResult::E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE,
        ),
        (
            check("READ DISC INFORMATION", Sense::UNABLE_TO_RECOVER_TOC),
            Phase::Query,
            HResult::E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN,
        ),
        (
            check("WRITE(10)", Sense::FORMAT_IN_PROGRESS),
            Phase::Query,
            HResult::E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS,
        ),
        (
            check("READ(10)", Sense::OPERATION_IN_PROGRESS),
            Phase::Query,
            HResult::E_IMAPI_RECORDER_MEDIA_BUSY,
        ),
        (
            check("READ(10)", Sense::BECOMING_READY),
            Phase::Query,
            HResult::E_IMAPI_RECORDER_MEDIA_BECOMING_READY,
        ),
        (
            check("WRITE(10)", Sense::WRITE_PROTECTED),
            Phase::Write,
            HResult::E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED,
        ),
        (
            check("MODE SELECT(10)", Sense::INVALID_FIELD_IN_PARAMETER_LIST),
            Phase::Write,
            HResult::E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS,
        ),
        (
            check("READ DISC STRUCTURE", Sense::INVALID_FIELD_IN_CDB),
            Phase::Query,
            HResult::E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT,
        ),
        (
            check("WRITE(10)", Sense::END_OF_USER_AREA_ENCOUNTERED),
            Phase::Write,
            HResult::E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA,
        ),
        (
            check("WRITE(10)", Sense::INVALID_ADDRESS_FOR_WRITE),
            Phase::Write,
            HResult::E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE,
        ),
        (
            check("BLANK", Sense::INVALID_FIELD_IN_CDB),
            Phase::Erase,
            HResult::E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND,
        ),
        (
            check("BLANK", Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM),
            Phase::Erase,
            HResult::E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE,
        ),
        (
            check("REQUEST SENSE", Sense::NOT_READY_TO_READY_CHANGE),
            Phase::Erase,
            HResult::E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE,
        ),
        (
            check("GET CONFIGURATION", Sense::INVALID_COMMAND_OPERATION_CODE),
            Phase::Query,
            HResult::E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED,
        ),
    ];
    for (error, phase, expected) in cases {
        assert_eq!(hresult_for(&error, phase), expected, "{error} in {phase:?}");
    }
    let io = CommandError::Transport {
        command: "INQUIRY",
        source: TransportError::Io(std::io::Error::other("gone")),
    };
    assert_eq!(hresult_for(&io, Phase::Query).0, 0x80070006);
}
