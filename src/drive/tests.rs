//! The drive through `ScsiDevice`: gating, unit attentions, tray, long operations, and the
//! replies built from the disc, byte for byte where real drives were quoted (mmc.md §1, §7).

use super::*;
use crate::media::{Disc, Profile};
use crate::mmc::sense_data::{FieldPointer, SenseDataRepr, SenseKeySpecific};

pub(crate) fn hex(text: &str) -> Vec<u8> {
    text.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).expect("hex byte"))
        .collect()
}

/// Run a data-in (or no-data) command; returns the completion and the bytes transferred.
pub(crate) fn data_in(drive: &mut Drive, cdb: &str, len: usize) -> (Completion, Vec<u8>) {
    let mut buffer = vec![0u8; len];
    let completion = drive.execute(&hex(cdb), DataPhase::In(&mut buffer)).expect("transport");
    let moved = len - completion.residual;
    buffer.truncate(moved);
    (completion, buffer)
}

pub(crate) fn data_out(drive: &mut Drive, cdb: &str, data: &[u8]) -> Completion {
    drive.execute(&hex(cdb), DataPhase::Out(data)).expect("transport")
}

pub(crate) fn no_data(drive: &mut Drive, cdb: &str) -> Completion {
    drive.execute(&hex(cdb), DataPhase::None).expect("transport")
}

pub(crate) fn sense_of(completion: &Completion) -> Sense {
    completion.sense_triple().expect("CHECK CONDITION with sense")
}

/// The sense triple and the field pointer of a CHECK CONDITION.
pub(crate) fn refusal(completion: &Completion) -> (Sense, Option<crate::mmc::sense_data::FieldPointer>) {
    let sense = completion.sense_data().expect("CHECK CONDITION with sense");
    let pointer = match sense.key_specific {
        crate::mmc::sense_data::SenseKeySpecific::FieldPointer(pointer) => Some(pointer),
        _ => None,
    };
    (sense.sense, pointer)
}

/// A settled drive of `model` with a new medium of `profile`.
pub(crate) fn drive_with(model: &str, disc: Disc) -> Drive {
    let mut drive = Drive::with_medium(DriveModel::builtin(model).unwrap(), Medium::in_memory(disc));
    drive.settle();
    drive
}

const TUR: &str = "00 00 00 00 00 00";

#[test]
fn power_on_reports_6_29_00_once_and_inquiry_passes_it() {
    let mut drive = Drive::with_medium(
        DriveModel::builtin("bd-writer").unwrap(),
        Medium::in_memory(Disc::new(Profile::BdRe)),
    );
    let (inquiry, _) = data_in(&mut drive, "12 00 00 00 24 00", 36);
    assert!(inquiry.is_good());
    let first = no_data(&mut drive, TUR);
    assert_eq!(sense_of(&first), Sense::POWER_ON_RESET);
    assert!(no_data(&mut drive, TUR).is_good());
}

#[test]
fn request_sense_reports_and_clears_the_unit_attention() {
    let mut drive = Drive::new(DriveModel::builtin("dvd-writer").unwrap());
    let (good, bytes) = data_in(&mut drive, "03 00 00 00 12 00", 18);
    assert!(good.is_good());
    assert_eq!(&bytes[..3], &[0x70, 0, 0x06]);
    assert_eq!((bytes[12], bytes[13]), (0x29, 0x00));
    let (_, bytes) = data_in(&mut drive, "03 00 00 00 12 00", 18);
    assert_eq!(
        (bytes[2], bytes[12], bytes[13]),
        (0x02, 0x3A, 0x01),
        "then the state: no medium, tray closed"
    );
}

#[test]
fn no_medium_and_tray_open() {
    let mut drive = Drive::new(DriveModel::builtin("cd-rw").unwrap());
    drive.settle();
    assert_eq!(
        sense_of(&no_data(&mut drive, TUR)),
        Sense::MEDIUM_NOT_PRESENT_TRAY_CLOSED
    );
    assert!(no_data(&mut drive, "1b 00 00 00 02 00").is_good());
    assert_eq!(sense_of(&no_data(&mut drive, TUR)), Sense::MEDIUM_NOT_PRESENT_TRAY_OPEN);
    let (read_capacity, _) = data_in(&mut drive, "25 00 00 00 00 00 00 00 00 00", 8);
    assert_eq!(sense_of(&read_capacity), Sense::MEDIUM_NOT_PRESENT_TRAY_OPEN);
}

#[test]
fn loading_a_medium_reports_6_28_00_once() {
    let mut drive = Drive::new(DriveModel::builtin("bd-writer").unwrap());
    drive.settle();
    no_data(&mut drive, "1b 00 00 00 02 00");
    drive.load(Medium::in_memory(Disc::new(Profile::CdR)));
    assert_eq!(sense_of(&no_data(&mut drive, TUR)), Sense::NOT_READY_TO_READY_CHANGE);
    assert!(no_data(&mut drive, TUR).is_good());
}

#[test]
fn prevent_refuses_eject() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::DvdPlusR));
    assert!(no_data(&mut drive, "1e 00 00 00 01 00").is_good());
    assert_eq!(
        sense_of(&no_data(&mut drive, "1b 00 00 00 02 00")),
        Sense::MEDIUM_REMOVAL_PREVENTED
    );
    assert!(drive.is_loaded());
    assert_eq!(drive.unload().err(), Some(Sense::MEDIUM_REMOVAL_PREVENTED));
    no_data(&mut drive, "1e 00 00 00 00 00");
    assert!(no_data(&mut drive, "1b 00 00 00 02 00").is_good());
    assert!(drive.tray_open());

    let mut empty = Drive::new(DriveModel::builtin("bd-writer").unwrap());
    empty.settle();
    no_data(&mut empty, "1e 00 00 00 01 00");
    assert_eq!(
        sense_of(&no_data(&mut empty, "1b 00 00 00 02 00")),
        Sense::MEDIUM_REMOVAL_PREVENTED_NOT_READY
    );
}

#[test]
fn unknown_opcode_is_5_20_00() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::BdRe));
    assert_eq!(
        sense_of(&no_data(&mut drive, "ff 00 00 00 00 00")),
        Sense::INVALID_COMMAND_OPERATION_CODE
    );
    assert_eq!(
        sense_of(&no_data(&mut drive, "2c 00 00 00 00 00 00 00 00 00")),
        Sense::INVALID_COMMAND_OPERATION_CODE
    );
}

#[test]
fn cdb_length_outside_6_to_16_is_a_transport_error() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::BdRe));
    assert!(matches!(
        drive.execute(&[0; 5], DataPhase::None),
        Err(TransportError::CdbLength(5))
    ));
    assert!(matches!(
        drive.execute(&[0; 17], DataPhase::None),
        Err(TransportError::CdbLength(17))
    ));
}

#[test]
fn inquiry_standard_data_and_truncation() {
    let mut drive = drive_with("dvd-writer", Disc::new(Profile::DvdPlusR));
    let (_, bytes) = data_in(&mut drive, "12 00 00 00 60 00", 96);
    assert_eq!(bytes.len(), 36);
    assert_eq!(&bytes[..8], &hex("05 80 05 02 1f 00 00 00"));
    assert_eq!(&bytes[8..16], b"BURNBNCH");
    assert_eq!(&bytes[16..32], b"DVDRW BB-24X    ");
    assert_eq!(&bytes[32..36], b"1.00");
    let (short, bytes) = data_in(&mut drive, "12 00 00 00 05 00", 96);
    assert!(short.is_good());
    assert_eq!(bytes, hex("05 80 05 02 1f"));
}

#[test]
fn inquiry_vpd_pages() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::BdRe));
    let (_, supported) = data_in(&mut drive, "12 01 00 00 ff 00", 255);
    assert_eq!(supported, hex("05 00 00 03 00 80 83"));
    let (_, serial) = data_in(&mut drive, "12 01 80 00 ff 00", 255);
    assert_eq!(&serial[4..], b"BB12X0000001");
    let (bad, _) = data_in(&mut drive, "12 01 b0 00 ff 00", 255);
    let sense = bad.sense_data().unwrap();
    assert_eq!(sense.sense, Sense::INVALID_FIELD_IN_CDB);
    assert!(matches!(sense.key_specific, SenseKeySpecific::FieldPointer(p) if p.byte == 2));
}

#[test]
fn read_capacity_is_zero_on_blank_media() {
    for profile in [
        Profile::CdR,
        Profile::DvdPlusR,
        Profile::DvdPlusRw,
        Profile::BdRSrm,
        Profile::BdRe,
    ] {
        let mut drive = drive_with("bd-writer", Disc::new(profile));
        let (_, bytes) = data_in(&mut drive, "25 00 00 00 00 00 00 00 00 00", 8);
        assert_eq!(bytes, hex("00 00 00 00 00 00 08 00"), "{profile:?}");
    }
    let mut drive = drive_with("bd-writer", Disc::pressed(Profile::DvdPlusRw, 0, false));
    let (_, bytes) = data_in(&mut drive, "25 00 00 00 00 00 00 00 00 00", 8);
    assert_eq!(
        bytes,
        hex("00 23 05 3f 00 00 08 00"),
        "formatted DVD+RW: 2295104 blocks"
    );
}

#[test]
fn blank_dvd_plus_rw_disc_and_track_information_as_real_drives_report() {
    let mut drive = drive_with("dvd-writer", Disc::new(Profile::DvdPlusRw));
    // "blank, sessions 1, last session empty, next track 1, tracks 1" (mmc.md §7).
    let (_, disc) = data_in(&mut drive, "51 00 00 00 00 00 00 00 22 00", 34);
    assert_eq!(&disc[..12], &hex("00 20 10 01 01 01 01 00 00 00 00 00"));
    assert_eq!(&disc[20..24], &hex("00 23 05 40"), "last possible lead-out 2295104");
    // Track 1 "invisible incremental", start 0, free 2295104, size 2295104.
    let (_, track) = data_in(&mut drive, "52 01 00 00 00 01 00 00 30 00", 48);
    // No fixed packet on DVD+RW: three drives print no fixed packet size (docs/fidelity.md).
    assert_eq!(
        &track[..8],
        &hex("00 2e 01 01 00 05 6f 01"),
        "blank, packet, data mode Fh"
    );
    assert_eq!(
        &track[8..28],
        &hex("00 00 00 00 00 00 00 00 00 23 05 40 00 00 00 00 00 23 05 40")
    );
}

#[test]
fn read_track_information_addressing() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::DvdPlusR));
    let write = data_out(&mut drive, "2a 00 00 00 00 00 00 00 10 00", &[7u8; 16 * 2048]);
    assert!(write.is_good());
    // Track FFh = the incomplete track on DVD+R; by LBA; by session; a missing track is 5/24/00.
    for cdb in [
        "52 01 00 00 00 ff 00 00 30 00",
        "52 00 00 00 00 05 00 00 30 00",
        "52 02 00 00 00 01 00 00 30 00",
    ] {
        let (_, track) = data_in(&mut drive, cdb, 48);
        assert_eq!((track[2], track[12..16].to_vec()), (1, hex("00 00 00 10")), "{cdb}");
    }
    let (missing, _) = data_in(&mut drive, "52 01 00 00 00 02 00 00 30 00", 48);
    assert_eq!(sense_of(&missing), Sense::INVALID_FIELD_IN_CDB);
    let mut bd = drive_with("bd-writer", Disc::new(Profile::BdRSrm));
    let (ff, _) = data_in(&mut bd, "52 01 00 00 00 ff 00 00 30 00", 48);
    assert_eq!(
        sense_of(&ff),
        Sense::INVALID_FIELD_IN_CDB,
        "FFh is CD / DVD+R only (mmc.md §1.4)"
    );
}

#[test]
fn write_then_read_back() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::BdRSrm));
    let data: Vec<u8> = (0..32 * 2048).map(|i| (i / 2048) as u8).collect();
    assert!(data_out(&mut drive, "2a 00 00 00 00 00 00 00 20 00", &data).is_good());
    let (read, bytes) = data_in(&mut drive, "28 00 00 00 00 00 00 00 20 00", 32 * 2048);
    assert!(read.is_good());
    assert_eq!(bytes, data);
    let (read12, bytes) = data_in(&mut drive, "a8 00 00 00 00 01 00 00 00 01 00 00", 2048);
    assert!(read12.is_good());
    assert_eq!(bytes, vec![1u8; 2048]);
    let elsewhere = data_out(&mut drive, "2a 00 00 00 01 00 00 00 20 00", &data);
    assert_eq!(sense_of(&elsewhere), Sense::INVALID_ADDRESS_FOR_WRITE);
}

#[test]
fn reading_unwritten_blocks_follows_the_drive_model() {
    for (model, sense) in [("bd-writer", Sense::LBA_OUT_OF_RANGE), ("cd-rw", Sense::BLANK_CHECK)] {
        let mut drive = drive_with(model, Disc::new(Profile::CdR));
        data_out(&mut drive, "2a 00 00 00 00 00 00 00 02 00", &[1u8; 2 * 2048]);
        let (read, bytes) = data_in(&mut drive, "28 00 00 00 00 00 00 00 04 00", 4 * 2048);
        let repr = read.sense_data().unwrap();
        assert_eq!((repr.sense, repr.information), (sense, Some(2)), "{model}");
        assert_eq!(bytes.len(), 2 * 2048, "the written blocks were transferred");
    }
}

#[test]
fn reading_past_the_medium_is_5_21_00_with_the_lba() {
    let mut drive = drive_with("bd-writer", Disc::pressed(Profile::DvdRom, 100, false));
    let (read, _) = data_in(&mut drive, "28 00 00 00 00 60 00 00 10 00", 16 * 2048);
    let repr = read.sense_data().unwrap();
    assert_eq!((repr.sense, repr.information), (Sense::LBA_OUT_OF_RANGE, Some(0x60)));
    let (zero, _) = data_in(&mut drive, "28 00 00 00 10 00 00 00 00 00", 0);
    assert!(zero.is_good(), "transfer length 0 is GOOD");
}

#[test]
fn a_drive_writes_only_what_its_model_writes() {
    let mut drive = drive_with("dvd-writer", Disc::pressed(Profile::DvdRom, 100, false));
    let write = data_out(&mut drive, "2a 00 00 00 00 64 00 00 10 00", &[0u8; 16 * 2048]);
    assert_eq!(sense_of(&write), Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT);
    let mut cd_drive = drive_with("cd-rw", Disc::new(Profile::DvdPlusR));
    assert_eq!(
        sense_of(&no_data(&mut cd_drive, TUR)),
        Sense::INCOMPATIBLE_MEDIUM_INSTALLED_NOT_READY
    );
}

#[test]
fn immed_close_keeps_the_drive_busy_with_progress() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::DvdPlusR));
    data_out(&mut drive, "2a 00 00 00 00 00 00 00 10 00", &[1u8; 16 * 2048]);
    assert!(no_data(&mut drive, "5b 01 01 00 00 01 00 00 00 00").is_good());
    let busy = no_data(&mut drive, TUR);
    let repr = busy.sense_data().unwrap();
    assert_eq!(repr.sense, Sense::OPERATION_IN_PROGRESS);
    assert_eq!(repr.key_specific, SenseKeySpecific::Progress(0));
    drive.advance(1_000);
    let (sense, bytes) = data_in(&mut drive, "03 00 00 00 12 00", 18);
    assert!(sense.is_good());
    assert_eq!((bytes[2], bytes[12], bytes[13], bytes[15]), (0x02, 0x04, 0x07, 0x80));
    assert_eq!(u16::from_be_bytes([bytes[16], bytes[17]]), 32768);
    drive.advance(1_000);
    assert!(no_data(&mut drive, TUR).is_good());
}

#[test]
fn a_pioneer_style_drive_answers_tur_good_while_busy() {
    let mut drive = drive_with("dvd-writer", Disc::new(Profile::DvdPlusR));
    data_out(&mut drive, "2a 00 00 00 00 00 00 00 10 00", &[1u8; 16 * 2048]);
    no_data(&mut drive, "5b 01 01 00 00 01 00 00 00 00");
    assert!(no_data(&mut drive, TUR).is_good());
    let (disc_info, _) = data_in(&mut drive, "51 00 00 00 00 00 00 00 22 00", 34);
    assert_eq!(sense_of(&disc_info), Sense::OPERATION_IN_PROGRESS);
}

#[test]
fn immed_synchronize_cache_reports_long_write_in_progress() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::CdR));
    data_out(&mut drive, "2a 00 00 00 00 00 00 00 01 00", &[1u8; 2048]);
    assert!(no_data(&mut drive, "35 02 00 00 00 00 00 00 00 00").is_good());
    assert_eq!(sense_of(&no_data(&mut drive, TUR)), Sense::LONG_WRITE_IN_PROGRESS);
    drive.advance(Operation::SynchronizeCache.duration_ms());
    assert!(no_data(&mut drive, TUR).is_good());
    // The TAO track was closed by SYNCHRONIZE CACHE: 300 blocks + 2 run-out.
    let (_, track) = data_in(&mut drive, "52 01 00 00 00 01 00 00 30 00", 48);
    assert_eq!(&track[24..28], &hex("00 00 01 2e"));
}

#[test]
fn blank_of_write_once_media_is_5_30_06() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::BdRSrm));
    assert_eq!(
        sense_of(&no_data(&mut drive, "a1 00 00 00 00 00 00 00 00 00 00 00")),
        Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM
    );
    let mut rw = drive_with("bd-writer", Disc::new(Profile::DvdPlusRw));
    assert_eq!(
        sense_of(&no_data(&mut rw, "a1 00 00 00 00 00 00 00 00 00 00 00")),
        Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT
    );
}

#[test]
fn minimal_blank_of_cd_rw_with_immed() {
    let mut drive = drive_with("cd-rw", Disc::pressed(Profile::CdRw, 300, false));
    assert!(no_data(&mut drive, "a1 11 00 00 00 00 00 00 00 00 00 00").is_good());
    assert_eq!(sense_of(&no_data(&mut drive, TUR)), Sense::OPERATION_IN_PROGRESS);
    drive.advance(Operation::BlankQuick.duration_ms());
    assert!(no_data(&mut drive, TUR).is_good());
    assert_eq!(drive.medium().unwrap().disc().status(), crate::media::DiscStatus::Blank);
}

#[test]
fn reserve_track_and_its_refusal() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::DvdR));
    assert!(no_data(&mut drive, "53 00 00 00 00 00 00 01 00 00").is_good());
    let mut rw = drive_with("bd-writer", Disc::new(Profile::BdRe));
    assert_eq!(
        sense_of(&no_data(&mut rw, "53 00 00 00 00 00 00 01 00 00")),
        Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT
    );
}

fn plan(text: &str) -> FaultPlan {
    FaultPlan::from_ron(text).expect("fault plan")
}

#[test]
fn deferred_write_error_surfaces_on_the_next_command() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::CdR));
    drive.set_fault_plan(plan(
        "(faults: [(trigger: OnOpcode(opcode: 0x2A), effect: WriteError(deferred: true))])",
    ));
    assert!(data_out(&mut drive, "2a 00 00 00 00 00 00 00 01 00", &[1u8; 2048]).is_good());
    let next = no_data(&mut drive, TUR);
    // 71h deferred, VALID with the LBA of the failed write in INFORMATION.
    assert_eq!(&next.sense[..7], &[0xF1, 0x00, 0x03, 0, 0, 0, 0]);
    assert_eq!(sense_of(&next), Sense::WRITE_ERROR);
    assert!(no_data(&mut drive, TUR).is_good(), "reported once");
}

#[test]
fn current_write_error_at_an_lba_records_nothing() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::DvdPlusR));
    drive.set_fault_plan(plan(
        "(faults: [(trigger: AtLba(lba: 20), effect: WriteError(deferred: false))])",
    ));
    assert!(data_out(&mut drive, "2a 00 00 00 00 00 00 00 10 00", &[1u8; 16 * 2048]).is_good());
    let failed = data_out(&mut drive, "2a 00 00 00 00 10 00 00 10 00", &[1u8; 16 * 2048]);
    let repr = failed.sense_data().unwrap();
    assert_eq!(
        (repr.sense, repr.information, repr.deferred),
        (Sense::WRITE_ERROR, Some(20), false)
    );
    assert_eq!(drive.medium().unwrap().written_sectors(), 16);
}

#[test]
fn unreadable_sector_reports_l_ec_with_the_lba() {
    let mut drive = drive_with("bd-writer", Disc::pressed(Profile::DvdRom, 64, false));
    drive.set_fault_plan(plan(
        "(faults: [(trigger: AtLba(lba: 17), effect: UnreadableSector, times: Always)])",
    ));
    assert!(
        data_in(&mut drive, "28 00 00 00 00 00 00 00 10 00", 16 * 2048)
            .0
            .is_good()
    );
    for _ in 0..2 {
        let (read, _) = data_in(&mut drive, "28 00 00 00 00 10 00 00 10 00", 16 * 2048);
        let repr = read.sense_data().unwrap();
        assert_eq!(
            (repr.sense, repr.information),
            (Sense::L_EC_UNCORRECTABLE_ERROR, Some(17))
        );
    }
}

#[test]
fn recovered_warning_completes_the_command() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::DvdR));
    drive.set_fault_plan(plan(
        "(faults: [(trigger: OnOpcode(opcode: 0x53), effect: PcaAlmostFull)])",
    ));
    let reserve = no_data(&mut drive, "53 00 00 00 00 00 00 00 10 00");
    assert_eq!(sense_of(&reserve), Sense::PCA_ALMOST_FULL);
    assert_eq!(
        drive.medium().unwrap().disc().track_count(),
        1,
        "the reservation was made"
    );
}

#[test]
fn medium_removed_not_ready_and_timeouts() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::BdRe));
    drive.set_fault_plan(plan(
        "(faults: [
            (trigger: AfterCommands(count: 1), effect: NotReady(for_ms: 5000)),
            (trigger: AfterCommands(count: 3), effect: NoCompletion),
            (trigger: AfterCommands(count: 4), effect: MediumRemoved),
        ])",
    ));
    assert!(no_data(&mut drive, TUR).is_good());
    assert_eq!(sense_of(&no_data(&mut drive, TUR)), Sense::BECOMING_READY);
    drive.advance(5000);
    assert!(no_data(&mut drive, TUR).is_good());
    assert!(matches!(
        drive.execute(&hex(TUR), DataPhase::None),
        Err(TransportError::Timeout(_))
    ));
    assert_eq!(
        sense_of(&no_data(&mut drive, TUR)),
        Sense::MEDIUM_NOT_PRESENT_TRAY_CLOSED
    );
}

#[test]
fn trace_records_one_line_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trace.jsonl");
    let mut drive = drive_with("bd-writer", Disc::new(Profile::CdR));
    drive.set_tracer(Tracer::to_file(&path).unwrap());
    no_data(&mut drive, TUR);
    data_out(&mut drive, "2a 00 00 00 00 05 00 00 01 00", &[0u8; 2048]);
    data_in(&mut drive, "12 00 00 00 24 00", 36);
    drop(drive);
    let text = std::fs::read_to_string(&path).unwrap();
    let records: Vec<_> = trace::read_trace(text.as_bytes()).collect::<Result<_, _>>().unwrap();
    assert_eq!(records.len(), 3);
    let rendered = trace::render(&records[1]);
    assert!(
        rendered.contains("WRITE(10)") && rendered.contains("5/21/02 INVALID_ADDRESS_FOR_WRITE"),
        "{rendered}"
    );
}

#[test]
fn random_cdbs_never_panic_the_drive() {
    use proptest::prelude::*;
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 2000,
        ..Default::default()
    });
    let profiles: Vec<Profile> = Profile::all().collect();
    runner
        .run(
            &(
                prop::sample::select(profiles),
                prop::collection::vec(any::<u8>(), 6..=16),
                prop::collection::vec(any::<u8>(), 0..4096),
                0usize..3,
            ),
            |(profile, cdb, buffer, direction)| {
                let disc = if profile.family() == crate::media::Family::ReadOnly {
                    Disc::pressed(profile, 100, false)
                } else {
                    Disc::new(profile)
                };
                let mut drive = drive_with("bd-writer", disc);
                let mut buffer = buffer;
                let phase = match direction {
                    0 => DataPhase::None,
                    1 => DataPhase::In(&mut buffer),
                    _ => DataPhase::Out(&buffer),
                };
                let completion = drive.execute(&cdb, phase).expect("no transport error for 6..16 bytes");
                if !completion.is_good() {
                    prop_assert!(completion.sense_data().is_some());
                }
                Ok(())
            },
        )
        .unwrap();
}

// ---- configuration, events, mode pages, speeds ----

#[test]
fn get_configuration_header_and_profile_list() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::DvdPlusR));
    let (_, head) = data_in(&mut drive, "46 00 00 00 00 00 00 00 08 00", 8);
    assert_eq!(&head[6..8], &[0x00, 0x1B], "current profile DVD+R");
    let (_, all) = data_in(&mut drive, "46 02 00 00 00 00 00 00 ff 00", 255);
    // Feature 0000h, version 0, persistent + current, 16 profiles × 4 bytes, highest first.
    assert_eq!(&all[8..12], &hex("00 00 03 40"));
    assert_eq!(&all[12..16], &hex("00 43 00 00"));
    let dvd_plus_r = all[12..76].chunks(4).find(|p| p[..2] == [0x00, 0x1B]).unwrap();
    assert_eq!(dvd_plus_r[2] & 1, 1, "CurrentP on the loaded profile");
}

#[test]
fn get_configuration_from_0020h_starts_with_random_writable() {
    let mut drive = drive_with("bd-writer", Disc::pressed(Profile::BdRe, 0, false));
    let (_, reply) = data_in(&mut drive, "46 00 00 20 00 00 00 00 18 00", 24);
    assert_eq!(&reply[8..12], &hex("00 20 01 0c"), "0020h first and current");
    assert_eq!(&reply[12..16], &hex("00 b4 73 ff"), "last LBA 11826175");
    let mut dvd_r = drive_with("bd-writer", Disc::new(Profile::DvdR));
    let (_, reply) = data_in(&mut dvd_r, "46 00 00 20 00 00 00 00 18 00", 24);
    assert_eq!(reply[10] & 1, 0, "0020h present but not current on DVD-R");
    let (_, one) = data_in(&mut dvd_r, "46 02 00 21 00 00 00 00 ff 00", 255);
    assert_eq!(&one[8..10], &[0x00, 0x21]);
    assert_eq!(
        u32::from_be_bytes([one[0], one[1], one[2], one[3]]) as usize + 4,
        one.len(),
        "exactly one feature"
    );
    let (bad, _) = data_in(&mut dvd_r, "46 03 00 00 00 00 00 00 ff 00", 255);
    assert_eq!(sense_of(&bad), Sense::INVALID_FIELD_IN_CDB);
}

#[test]
fn get_configuration_without_medium_reports_profile_zero() {
    let mut drive = Drive::new(DriveModel::builtin("dvd-writer").unwrap());
    let (completion, reply) = data_in(&mut drive, "46 01 00 00 00 00 00 00 ff 00", 255);
    assert!(
        completion.is_good(),
        "GET CONFIGURATION passes the power-on unit attention"
    );
    assert_eq!(&reply[6..8], &[0, 0]);
}

#[test]
fn gesn_reports_new_media_once() {
    let mut drive = Drive::new(DriveModel::builtin("bd-writer").unwrap());
    drive.settle();
    drive.load(Medium::in_memory(Disc::new(Profile::BdRe)));
    let (_, first) = data_in(&mut drive, "4a 01 00 00 10 00 00 00 08 00", 8);
    assert_eq!(first, hex("00 06 04 56 02 02 00 00"), "media class, NewMedia, present");
    let (_, second) = data_in(&mut drive, "4a 01 00 00 10 00 00 00 08 00", 8);
    assert_eq!(second, hex("00 06 04 56 00 02 00 00"));
    let (async_request, _) = data_in(&mut drive, "4a 00 00 00 10 00 00 00 08 00", 8);
    assert_eq!(sense_of(&async_request), Sense::INVALID_FIELD_IN_CDB);
}

#[test]
fn gesn_reports_a_profile_change_as_an_operational_change() {
    let mut drive = drive_with("bd-writer", Disc::pressed(Profile::DvdRwRestrictedOverwrite, 0, false));
    assert!(no_data(&mut drive, "a1 00 00 00 00 00 00 00 00 00 00 00").is_good());
    let (_, event) = data_in(&mut drive, "4a 01 00 00 12 00 00 00 08 00", 8);
    assert_eq!(&event[2..6], &hex("01 56 02 00"));
    assert_eq!(drive.medium().unwrap().disc().profile, Profile::DvdRwSequential);
}

#[test]
fn mode_sense_has_no_block_descriptors_and_page_05_on_every_medium_of_a_writer() {
    let mut drive = drive_with("bd-writer", Disc::new(Profile::CdR));
    let (_, page) = data_in(&mut drive, "5a 00 05 00 00 00 00 00 40 00", 64);
    assert_eq!(
        &page[..8],
        &hex("00 3a 00 00 00 00 00 00"),
        "10-byte header, block descriptor length 0"
    );
    assert_eq!(
        &page[8..12],
        &hex("05 32 01 04"),
        "page 05h, TAO, Multi-session 00b, track mode 4"
    );
    assert_eq!(page[12], 8, "Mode 1");
    let mut bd = drive_with("bd-writer", Disc::new(Profile::BdRe));
    // growisofs senses page 05h on DVD+R before its MODE SELECT (mmc.md §1.1): a drive-level page.
    let (present, page) = data_in(&mut bd, "5a 08 05 00 00 00 00 00 40 00", 64);
    assert!(present.is_good());
    assert_eq!(page[8], 0x05);
    let (unknown, _) = data_in(&mut bd, "5a 00 0b 00 00 00 00 00 40 00", 64);
    assert_eq!(sense_of(&unknown), Sense::INVALID_FIELD_IN_CDB);
    let (saved, _) = data_in(&mut bd, "5a 00 c5 00 00 00 00 00 40 00", 64);
    assert_eq!(sense_of(&saved), Sense::SAVING_PARAMETERS_NOT_SUPPORTED);
    let (caps, page) = data_in(&mut bd, "5a 00 2a 00 00 00 00 00 ff 00", 255);
    assert!(caps.is_good());
    assert_eq!(page[8], 0x2A);
}

/// A MODE SELECT(10) parameter list carrying page 05h with this write type and block type.
fn page_05(write_type: u8, block_type: u8, multi_session: u8) -> Vec<u8> {
    let mut list = vec![0u8; 8 + 52];
    list[8] = 0x05;
    list[9] = 0x32;
    list[10] = write_type;
    list[11] = multi_session << 6 | 4;
    list[12] = block_type;
    list[8 + 14..8 + 16].copy_from_slice(&150u16.to_be_bytes());
    list
}

#[test]
fn mode_select_page_05_is_checked_per_medium() {
    let mut drive = drive_with("cd-rw", Disc::new(Profile::CdR));
    let select = "55 10 00 00 00 00 00 00 3c 00";
    assert!(data_out(&mut drive, select, &page_05(1, 8, 3)).is_good());
    assert!(drive.write_parameters().keep_appendable);
    for (write_type, block) in [(1, 9), (2, 8), (3, 0), (0, 8), (4, 8)] {
        let refused = data_out(&mut drive, select, &page_05(write_type, block, 3));
        assert_eq!(
            sense_of(&refused),
            Sense::INVALID_FIELD_IN_PARAMETER_LIST,
            "write type {write_type}, block {block}"
        );
    }
    let mut dvd = drive_with("bd-writer", Disc::new(Profile::DvdR));
    assert!(data_out(&mut dvd, select, &page_05(2, 8, 0)).is_good());
    assert_eq!(
        dvd.write_parameters().write_mode,
        crate::media::WriteMode::SessionAtOnce
    );
    let mut plus = drive_with("bd-writer", Disc::new(Profile::DvdPlusR));
    assert!(
        data_out(&mut plus, select, &page_05(1, 9, 0)).is_good(),
        "ignored on DVD+R, as growisofs needs"
    );
    let short = data_out(&mut drive, select, &page_05(1, 8, 3)[..20]);
    assert_eq!(sense_of(&short), Sense::PARAMETER_LIST_LENGTH_ERROR);
}

#[test]
fn test_write_records_nothing() {
    let mut drive = drive_with("cd-rw", Disc::new(Profile::CdR));
    let mut list = page_05(1, 8, 0);
    list[10] |= 0x10;
    assert!(data_out(&mut drive, "55 10 00 00 00 00 00 00 3c 00", &list).is_good());
    assert!(data_out(&mut drive, "2a 00 00 00 00 00 00 00 01 00", &[1u8; 2048]).is_good());
    let bad = data_out(&mut drive, "2a 00 00 00 00 07 00 00 01 00", &[1u8; 2048]);
    assert_eq!(
        sense_of(&bad),
        Sense::INVALID_ADDRESS_FOR_WRITE,
        "a test write is still checked"
    );
    assert_eq!(drive.medium().unwrap().written_sectors(), 0);
    assert_eq!(drive.medium().unwrap().disc().status(), crate::media::DiscStatus::Blank);
}

#[test]
fn write_speeds_and_set_cd_speed() {
    let mut drive = drive_with("dvd-writer", Disc::new(Profile::DvdPlusR));
    let (_, speeds) = data_in(&mut drive, "ac 00 00 00 00 00 00 00 00 02 03 00", 8 + 2 * 16);
    let total = u32::from_be_bytes([speeds[0], speeds[1], speeds[2], speeds[3]]);
    assert_eq!(total as usize, 4 + 8 * 16, "the header counts all eight descriptors");
    assert_eq!(speeds.len(), 8 + 2 * 16, "only two returned");
    assert_eq!(&speeds[8 + 12..8 + 16], &(24u32 * 1385).to_be_bytes());
    assert!(no_data(&mut drive, "bb 00 ff ff 20 80 00 00 00 00 00 00").is_good());
    let (_, page) = data_in(&mut drive, "5a 00 2a 00 00 00 00 00 ff 00", 255);
    assert_eq!(
        u16::from_be_bytes([page[8 + 28], page[8 + 29]]),
        6 * 1385,
        "rounded down to 6x"
    );
    let (bad, _) = data_in(&mut drive, "ac 00 00 00 00 00 00 00 00 02 01 00", 64);
    assert_eq!(sense_of(&bad), Sense::INVALID_FIELD_IN_CDB, "unsupported type");
}

/// A settled drive without a medium whose model answers DESC as `option`, with the power-on
/// unit attention still pending.
fn drive_answering_desc(option: DescriptorSense) -> Drive {
    let mut model = DriveModel::builtin("bd-writer").unwrap();
    model.descriptor_sense = option;
    Drive::new(model)
}

#[test]
fn request_sense_desc_is_ignored_honoured_or_rejected_as_the_model_says() {
    let desc = "03 01 00 00 fc 00";
    // Ignore: fixed format, as with DESC clear.
    let mut drive = drive_answering_desc(DescriptorSense::Ignore);
    let (good, bytes) = data_in(&mut drive, desc, 252);
    assert!(good.is_good());
    assert_eq!((bytes.len(), bytes[0], bytes[2], bytes[12]), (18, 0x70, 0x06, 0x29));
    // Honour: the 8-byte descriptor header with the same triple, no descriptors to add.
    let mut drive = drive_answering_desc(DescriptorSense::Honour);
    let (good, bytes) = data_in(&mut drive, desc, 252);
    assert!(good.is_good());
    assert_eq!(bytes, hex("72 06 29 00 00 00 00 00"));
    let (_, bytes) = data_in(&mut drive, "03 00 00 00 12 00", 18);
    assert_eq!(
        (bytes[0], bytes[2], bytes[12]),
        (0x70, 0x02, 0x3A),
        "DESC clear is still fixed"
    );
    // Reject: 5/24/00 pointing at DESC, and the unit attention is still there afterwards.
    let mut drive = drive_answering_desc(DescriptorSense::Reject);
    let (rejected, _) = data_in(&mut drive, desc, 252);
    assert_eq!(sense_of(&rejected), Sense::INVALID_FIELD_IN_CDB);
    let sense = SenseDataRepr::parse_any(&rejected.sense).unwrap();
    assert_eq!(
        sense.key_specific,
        SenseKeySpecific::FieldPointer(FieldPointer::cdb(1, Some(0)))
    );
    let (_, bytes) = data_in(&mut drive, "03 00 00 00 12 00", 18);
    assert_eq!((bytes[2], bytes[12]), (0x06, 0x29));
}

#[test]
fn descriptor_sense_carries_the_information_and_progress() {
    let mut model = DriveModel::builtin("bd-writer").unwrap();
    model.descriptor_sense = DescriptorSense::Honour;
    let mut drive = Drive::with_medium(model, Medium::in_memory(Disc::new(Profile::CdR)));
    drive.settle();
    data_out(&mut drive, "2a 00 00 00 00 00 00 00 01 00", &[1u8; 2048]);
    assert!(no_data(&mut drive, "35 02 00 00 00 00 00 00 00 00").is_good());
    let (good, bytes) = data_in(&mut drive, "03 01 00 00 fc 00", 252);
    assert!(good.is_good());
    let sense = SenseDataRepr::parse_any(&bytes).unwrap();
    assert_eq!(bytes[0], 0x72);
    assert_eq!(sense.sense, Sense::LONG_WRITE_IN_PROGRESS);
    assert!(matches!(sense.key_specific, SenseKeySpecific::Progress(_)), "{sense:?}");
}
