//! Decoder-level tests: every decode error with its exact sense and field pointer, the group
//! lengths, the names, and random CDBs that must never panic.

use super::*;
use crate::mmc::Sense;
use crate::mmc::sense_data::FieldPointer;
use proptest::prelude::*;

fn decode_error(cdb: &[u8]) -> CdbError {
    Command::decode(cdb).expect_err("CDB must be refused")
}

fn invalid_field(byte: u16, bit: Option<u8>) -> CdbError {
    CdbError {
        sense: Sense::INVALID_FIELD_IN_CDB,
        field: Some(FieldPointer::cdb(byte, bit)),
    }
}

#[test]
fn unknown_opcode_is_invalid_command_operation_code() {
    for code in [0x01u8, 0x42, 0x5D, 0xBE, 0xFF, 0x7F] {
        let error = decode_error(&[code, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(error.sense, Sense::INVALID_COMMAND_OPERATION_CODE, "opcode {code:02X}");
        assert_eq!(error.field, Some(FieldPointer::cdb(0, None)));
    }
    assert_eq!(decode_error(&[]).sense, Sense::INVALID_COMMAND_OPERATION_CODE);
}

#[test]
fn cdb_shorter_than_its_group_is_invalid_field_without_pointer() {
    assert_eq!(
        decode_error(&[0x28, 0, 0, 0, 0, 0]),
        CdbError {
            sense: Sense::INVALID_FIELD_IN_CDB,
            field: None
        }
    );
    assert_eq!(decode_error(&[0x00, 0, 0]).field, None);
}

#[test]
fn atapi_padding_is_ignored() {
    let padded = [0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(Command::decode(&padded), Ok(Command::TestUnitReady(TestUnitReady)));
}

#[test]
fn get_configuration_rt_3_points_at_byte_1() {
    assert_eq!(
        decode_error(&[0x46, 0x03, 0, 0, 0, 0, 0, 0, 8, 0]),
        invalid_field(1, Some(1))
    );
}

#[test]
fn gesn_asynchronous_points_at_polled_bit() {
    assert_eq!(
        decode_error(&[0x4A, 0x00, 0, 0, 0x10, 0, 0, 0, 8, 0]),
        invalid_field(1, Some(0))
    );
}

#[test]
fn mode_sense_saved_values_is_saving_parameters_not_supported() {
    let expected = CdbError {
        sense: Sense::SAVING_PARAMETERS_NOT_SUPPORTED,
        field: Some(FieldPointer::cdb(2, Some(7))),
    };
    assert_eq!(decode_error(&[0x5A, 0x00, 0xEA, 0, 0, 0, 0, 0, 0xFF, 0]), expected);
    assert_eq!(decode_error(&[0x1A, 0x00, 0xC5, 0, 0xFF, 0]), expected);
}

#[test]
fn mode_select_needs_pf_and_refuses_sp() {
    assert_eq!(
        decode_error(&[0x55, 0x00, 0, 0, 0, 0, 0, 0, 0x3C, 0]),
        invalid_field(1, Some(4))
    );
    assert_eq!(
        decode_error(&[0x55, 0x11, 0, 0, 0, 0, 0, 0, 0x3C, 0]),
        invalid_field(1, Some(0))
    );
    assert_eq!(decode_error(&[0x15, 0x00, 0, 0, 0x14, 0]), invalid_field(1, Some(4)));
    assert_eq!(decode_error(&[0x15, 0x11, 0, 0, 0x14, 0]), invalid_field(1, Some(0)));
}

#[test]
fn inquiry_page_without_evpd_and_cmddt() {
    assert_eq!(decode_error(&[0x12, 0x00, 0x80, 0, 0xFF, 0]), invalid_field(2, None));
    assert_eq!(decode_error(&[0x12, 0x02, 0x00, 0, 0xFF, 0]), invalid_field(1, Some(1)));
}

#[test]
fn start_stop_reserved_power_condition() {
    assert_eq!(decode_error(&[0x1B, 0, 0, 0, 0x40, 0]), invalid_field(4, Some(7)));
    assert_eq!(decode_error(&[0x1B, 0, 0, 0, 0xF0, 0]), invalid_field(4, Some(7)));
}

#[test]
fn read_toc_reserved_formats() {
    assert_eq!(
        decode_error(&[0x43, 0, 0x06, 0, 0, 0, 0, 0, 12, 0]),
        invalid_field(2, Some(3))
    );
    assert_eq!(
        decode_error(&[0x43, 0, 0x00, 0, 0, 0, 0, 0, 12, 0xC0]),
        invalid_field(9, Some(7))
    );
    assert_eq!(
        decode_error(&[0x43, 0, 0x00, 0, 0, 0, 100, 0, 12, 0]),
        invalid_field(6, None)
    );
    assert!(Command::decode(&[0x43, 0, 0x00, 0, 0, 0, 0xAA, 0, 12, 0]).is_ok());
}

#[test]
fn read_disc_information_reserved_data_type() {
    assert_eq!(
        decode_error(&[0x51, 0x03, 0, 0, 0, 0, 0, 0, 34, 0]),
        invalid_field(1, Some(2))
    );
    assert_eq!(
        decode_error(&[0x51, 0x07, 0, 0, 0, 0, 0, 0, 34, 0]),
        invalid_field(1, Some(2))
    );
}

#[test]
fn read_track_information_address_type_3() {
    assert_eq!(
        decode_error(&[0x52, 0x03, 0, 0, 0, 1, 0, 0, 48, 0]),
        invalid_field(1, Some(1))
    );
}

#[test]
fn read_disc_structure_reserved_media_type() {
    assert_eq!(
        decode_error(&[0xAD, 0x02, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0]),
        invalid_field(1, Some(3))
    );
}

#[test]
fn get_performance_refusals() {
    // Type 00h needs tolerance 10b (mmc.md §1.5).
    assert_eq!(
        decode_error(&[0xAC, 0x00, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0]),
        invalid_field(1, Some(4))
    );
    assert_eq!(
        decode_error(&[0xAC, 0x13, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0]),
        invalid_field(1, Some(1))
    );
    assert_eq!(
        decode_error(&[0xAC, 0x00, 0, 0, 0, 0, 0, 0, 0, 1, 0x01, 0]),
        invalid_field(10, None)
    );
}

#[test]
fn format_unit_format_code_must_be_1() {
    assert_eq!(decode_error(&[0x04, 0x17, 0, 0, 0, 0]), invalid_field(1, Some(2)));
}

#[test]
fn close_function_7_and_blank_type_7() {
    assert_eq!(
        decode_error(&[0x5B, 0x00, 0x07, 0, 0, 0, 0, 0, 0, 0]),
        invalid_field(2, Some(2))
    );
    assert_eq!(
        decode_error(&[0xA1, 0x17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        invalid_field(1, Some(2))
    );
}

#[test]
fn set_streaming_and_set_cd_speed_reserved_values() {
    assert_eq!(
        decode_error(&[0xB6, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 28, 0]),
        invalid_field(8, None)
    );
    assert_eq!(
        decode_error(&[0xBB, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0]),
        invalid_field(1, Some(1))
    );
}

#[test]
fn reserved_bits_are_ignored_as_real_drives_do() {
    // RelAdr in READ(10), junk in the control byte, LUN bits of byte 1 in TUR.
    assert!(Command::decode(&[0x28, 0x01, 0, 0, 0, 0, 0, 0, 1, 0xFF]).is_ok());
    assert!(Command::decode(&[0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]).is_ok());
    assert!(Command::decode(&[0x25, 0x01, 0, 0, 0, 1, 0, 0, 1, 0]).is_ok());
}

#[test]
fn group_lengths() {
    assert_eq!(cdb_length(0x00), Some(6));
    assert_eq!(cdb_length(0x28), Some(10));
    assert_eq!(cdb_length(0x5A), Some(10));
    assert_eq!(cdb_length(0xA8), Some(12));
    assert_eq!(cdb_length(0x88), Some(16));
    assert_eq!(cdb_length(0x7F), None);
    assert_eq!(cdb_length(0xC0), None);
}

/// One CDB of every command, with its name and data phase.
fn samples() -> Vec<(Vec<u8>, &'static str, DataDirection)> {
    use DataDirection::{In, None, Out};
    vec![
        (vec![0x00, 0, 0, 0, 0, 0], "TEST UNIT READY", None),
        (vec![0x03, 0, 0, 0, 18, 0], "REQUEST SENSE", In { bytes: 18 }),
        (vec![0x04, 0x11, 0, 0, 0, 0], "FORMAT UNIT", Out { bytes: 12 }),
        (vec![0x12, 0, 0, 0, 36, 0], "INQUIRY", In { bytes: 36 }),
        (vec![0x15, 0x10, 0, 0, 20, 0], "MODE SELECT(6)", Out { bytes: 20 }),
        (vec![0x1A, 0, 0x2A, 0, 30, 0], "MODE SENSE(6)", In { bytes: 30 }),
        (vec![0x1B, 0, 0, 0, 3, 0], "START STOP UNIT", None),
        (vec![0x1E, 0, 0, 0, 1, 0], "PREVENT ALLOW MEDIUM REMOVAL", None),
        (
            vec![0x23, 0, 0, 0, 0, 0, 0, 0, 0xFC, 0],
            "READ FORMAT CAPACITIES",
            In { bytes: 252 },
        ),
        (vec![0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0], "READ CAPACITY", In { bytes: 8 }),
        (vec![0x28, 0, 0, 0, 0, 16, 0, 0, 2, 0], "READ(10)", In { bytes: 4096 }),
        (
            vec![0x2A, 0, 0, 0, 0, 0, 0, 0, 16, 0],
            "WRITE(10)",
            Out { bytes: 32768 },
        ),
        (
            vec![0x2E, 0, 0, 0, 0, 0, 0, 0, 1, 0],
            "WRITE AND VERIFY(10)",
            Out { bytes: 2048 },
        ),
        (vec![0x2F, 0, 0, 0, 0, 0, 0, 0, 1, 0], "VERIFY(10)", None),
        (vec![0x35, 0x02, 0, 0, 0, 0, 0, 0, 0, 0], "SYNCHRONIZE CACHE", None),
        (
            vec![0x43, 0x02, 0x02, 0, 0, 0, 1, 0x01, 0x00, 0],
            "READ TOC/PMA/ATIP",
            In { bytes: 256 },
        ),
        (
            vec![0x46, 0x02, 0x00, 0x21, 0, 0, 0, 0, 16, 0],
            "GET CONFIGURATION",
            In { bytes: 16 },
        ),
        (
            vec![0x4A, 0x01, 0, 0, 0x7E, 0, 0, 0, 8, 0],
            "GET EVENT STATUS NOTIFICATION",
            In { bytes: 8 },
        ),
        (
            vec![0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0],
            "READ DISC INFORMATION",
            In { bytes: 34 },
        ),
        (
            vec![0x52, 0x01, 0, 0, 0, 1, 0, 0, 48, 0],
            "READ TRACK INFORMATION",
            In { bytes: 48 },
        ),
        (vec![0x53, 0, 0, 0, 0, 0, 0, 0x10, 0, 0], "RESERVE TRACK", None),
        (vec![0x54, 0x01, 0, 0, 0, 0, 0, 0, 0, 0], "SEND OPC INFORMATION", None),
        (
            vec![0x55, 0x10, 0, 0, 0, 0, 0, 0, 60, 0],
            "MODE SELECT(10)",
            Out { bytes: 60 },
        ),
        (
            vec![0x5A, 0, 0x05, 0, 0, 0, 0, 0, 10, 0],
            "MODE SENSE(10)",
            In { bytes: 10 },
        ),
        (vec![0x5B, 0x01, 0x01, 0, 0, 1, 0, 0, 0, 0], "CLOSE TRACK/SESSION", None),
        (
            vec![0x5C, 0, 0, 0, 0, 0, 0, 0, 12, 0],
            "READ BUFFER CAPACITY",
            In { bytes: 12 },
        ),
        (vec![0xA1, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "BLANK", None),
        (
            vec![0xA8, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
            "READ(12)",
            In { bytes: 2048 },
        ),
        (
            vec![0xAA, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0x80, 0],
            "WRITE(12)",
            Out { bytes: 65536 },
        ),
        (
            vec![0xAC, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0x03, 0],
            "GET PERFORMANCE",
            In { bytes: 40 },
        ),
        (
            vec![0xAD, 0, 0, 0, 0, 0, 0, 0x11, 0, 0xFF, 0, 0],
            "READ DISC STRUCTURE",
            In { bytes: 255 },
        ),
        (
            vec![0xB6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 28, 0],
            "SET STREAMING",
            Out { bytes: 28 },
        ),
        (
            vec![0xBB, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0],
            "SET CD SPEED",
            None,
        ),
        (
            vec![0xBD, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0],
            "MECHANISM STATUS",
            In { bytes: 8 },
        ),
    ]
}

#[test]
fn every_command_decodes_names_and_round_trips() {
    let samples = samples();
    assert_eq!(samples.len(), 34, "one sample per command of the brief");
    for (cdb, name, direction) in samples {
        let command = Command::decode(&cdb).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(command.opcode_name(), name);
        assert_eq!(command.opcode(), cdb[0]);
        assert_eq!(command.data_direction(), direction, "{name}");
        assert_eq!(Some(command.buffer_len()), cdb_length(cdb[0]), "{name}");
        assert_eq!(command.to_vec(), cdb, "{name} emits what it decoded");
        let mut buffer = [0xEEu8; 16];
        command.emit(&mut buffer);
        assert_eq!(&buffer[..cdb.len()], &cdb[..], "{name}");
    }
}

#[test]
fn names_cover_also_seen_commands() {
    assert_eq!(opcode_name(0xBE), Some("READ CD"));
    assert_eq!(opcode_name(0x5D), Some("SEND CUE SHEET"));
    assert_eq!(opcode_name(0x02), None);
}

proptest! {
    #[test]
    fn random_cdbs_never_panic(cdb in proptest::collection::vec(any::<u8>(), 1..=16)) {
        if let Ok(command) = Command::decode(&cdb) {
            // What decodes re-emits to something that decodes to the same command.
            let bytes = command.to_vec();
            prop_assert_eq!(Command::decode(&bytes), Ok(command));
            let _ = command.data_direction();
            let _ = command.opcode_name();
        }
    }

    #[test]
    fn known_opcodes_with_random_fields_never_panic(
        code in proptest::sample::select(vec![
            0x00u8, 0x03, 0x04, 0x12, 0x15, 0x1A, 0x1B, 0x1E, 0x23, 0x25, 0x28, 0x2A, 0x2E, 0x2F, 0x35,
            0x43, 0x46, 0x4A, 0x51, 0x52, 0x53, 0x54, 0x55, 0x5A, 0x5B, 0x5C, 0xA1, 0xA8, 0xAA, 0xAC,
            0xAD, 0xB6, 0xBB, 0xBD,
        ]),
        tail in proptest::collection::vec(any::<u8>(), 0..=15),
    ) {
        let mut cdb = vec![code];
        cdb.extend(tail);
        match Command::decode(&cdb) {
            Ok(command) => prop_assert_eq!(Command::decode(&command.to_vec()), Ok(command)),
            Err(error) => prop_assert_eq!(error.sense.key, 5),
        }
    }
}
