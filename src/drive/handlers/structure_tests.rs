//! The DVD+R DL layer boundary through the drive: READ DISC STRUCTURE 20h as real drives answer it
//! on a blank disc (real-drives.md §1–§2), SEND DISC STRUCTURE 20h as growisofs `plus_r_dl_split`
//! sends it, and every refusal with its sense triple and field pointer.

use crate::drive::Drive;
use crate::drive::tests::{data_in, data_out, drive_with, hex, refusal};
use crate::media::{Disc, Profile, WriteParameters};
use crate::mmc::Sense;
use crate::mmc::sense_data::FieldPointer;

const READ_BOUNDARY: &str = "ad 00 00 00 00 00 00 20 00 0c 00 00";
const SEND_BOUNDARY: &str = "bf 00 00 00 00 00 00 20 00 0c 00 00";
const READ_TRACK_1: &str = "52 01 00 00 00 01 00 00 30 00";
const READ_PHYSICAL: &str = "ad 00 00 00 00 00 00 00 00 14 00 00";

/// The parameter list growisofs builds: zeroed, length 10, the capacity in bytes 8–11.
fn boundary_list(layer0_blocks: u32) -> Vec<u8> {
    let mut list = hex("00 0a 00 00 00 00 00 00");
    list.extend_from_slice(&layer0_blocks.to_be_bytes());
    list
}

fn dl_drive() -> Drive {
    drive_with("bd-writer", Disc::new(Profile::DvdPlusRDl))
}

fn reply(drive: &mut Drive, cdb: &str) -> Vec<u8> {
    let (completion, bytes) = data_in(drive, cdb, 4096);
    assert!(completion.is_good(), "{cdb}: {:?}", completion.sense_triple());
    bytes
}

fn read_refused(drive: &mut Drive, cdb: &str) -> (Sense, Option<FieldPointer>) {
    refusal(&data_in(drive, cdb, 4096).0)
}

fn format_refused() -> (Sense, Option<FieldPointer>) {
    (Sense::INVALID_FIELD_IN_CDB, Some(FieldPointer::cdb(7, None)))
}

/// Track 1's free blocks and size (READ TRACK INFORMATION bytes 16–19 and 24–27).
fn track_1_free_and_size(drive: &mut Drive) -> (Vec<u8>, Vec<u8>) {
    let track = reply(drive, READ_TRACK_1);
    (track[16..20].to_vec(), track[24..28].to_vec())
}

/// Two drives, two media brands: "L0 Data Zone Capacity: 2086912*2KB, can still be set", free
/// blocks and track size 4173824 (3FB000h), legacy lead-out 2086912 (layer 0 ends at 22D7FFh).
#[test]
fn a_blank_dvd_plus_r_dl_reports_what_real_drives_report() {
    let mut drive = dl_drive();
    assert_eq!(
        reply(&mut drive, READ_BOUNDARY),
        hex("00 0a 00 00 00 00 00 00 00 1f d8 00")
    );
    assert_eq!(
        track_1_free_and_size(&mut drive),
        (hex("00 3f b0 00"), hex("00 3f b0 00"))
    );
    assert_eq!(&reply(&mut drive, READ_PHYSICAL)[16..20], &hex("00 22 d7 ff"));
}

/// growisofs -dvd-compat with a 2090000-block image: split at 1045008 (FF210h); the boundary is
/// then fixed, layer 0 ends at 30000h + 1045008 − 1 = 12F20Fh and the disc holds 2090016 blocks.
#[test]
fn send_disc_structure_sets_the_boundary_once() {
    let mut drive = dl_drive();
    let sent = data_out(&mut drive, SEND_BOUNDARY, &boundary_list(1045008));
    assert!(sent.is_good(), "{:?}", sent.sense_triple());
    assert_eq!(
        reply(&mut drive, READ_BOUNDARY),
        hex("00 0a 00 00 80 00 00 00 00 0f f2 10")
    );
    assert_eq!(
        track_1_free_and_size(&mut drive),
        (hex("00 1f e4 20"), hex("00 1f e4 20"))
    );
    assert_eq!(
        &reply(&mut drive, READ_PHYSICAL)[12..20],
        &hex("00 fc ff ff 00 12 f2 0f")
    );
    let again = data_out(&mut drive, SEND_BOUNDARY, &boundary_list(2086912));
    assert_eq!(refusal(&again), (Sense::COMMAND_SEQUENCE_ERROR, None));
}

#[test]
fn recording_fixes_the_boundary() {
    let mut disc = Disc::new(Profile::DvdPlusRDl);
    disc.write(0, 16, &WriteParameters::default()).unwrap();
    let mut drive = drive_with("bd-writer", disc);
    assert_eq!(
        reply(&mut drive, READ_BOUNDARY),
        hex("00 0a 00 00 80 00 00 00 00 1f d8 00")
    );
    let sent = data_out(&mut drive, SEND_BOUNDARY, &boundary_list(1024));
    assert_eq!(refusal(&sent), (Sense::COMMAND_SEQUENCE_ERROR, None));
}

/// The capacity is rounded up to an ECC block; 0 and more than layer 0 holds are 5/26/00 at
/// parameter byte 8; a list shorter than 12 bytes is 5/1A/00; a zero-length list sends nothing.
#[test]
fn send_disc_structure_checks_its_parameter_list() {
    let capacity = (
        Sense::INVALID_FIELD_IN_PARAMETER_LIST,
        Some(FieldPointer::parameter(8, Some(7))),
    );
    for blocks in [0, 2086913] {
        let mut drive = dl_drive();
        let sent = data_out(&mut drive, SEND_BOUNDARY, &boundary_list(blocks));
        assert_eq!(refusal(&sent), capacity, "{blocks}");
        assert_eq!(&reply(&mut drive, READ_BOUNDARY)[4..], &hex("00 00 00 00 00 1f d8 00"));
    }
    let mut drive = dl_drive();
    let short = data_out(
        &mut drive,
        "bf 00 00 00 00 00 00 20 00 08 00 00",
        &hex("00 06 00 00 00 00 00 00"),
    );
    assert_eq!(refusal(&short).0, Sense::PARAMETER_LIST_LENGTH_ERROR);
    assert!(data_out(&mut drive, "bf 00 00 00 00 00 00 20 00 00 00 00", &[]).is_good());
    assert_eq!(&reply(&mut drive, READ_BOUNDARY)[4..], &hex("00 00 00 00 00 1f d8 00"));
    assert!(data_out(&mut drive, SEND_BOUNDARY, &boundary_list(1000)).is_good());
    assert_eq!(&reply(&mut drive, READ_BOUNDARY)[8..], &hex("00 00 03 f0"));
}

/// 20h exists on DVD+R DL only; the DVD-R DL layer jump structures 21h–23h on no modelled
/// medium (dvd+rw-mediainfo asks for them on profile 16h only).
#[test]
fn other_media_and_formats_are_refused_at_the_format_byte() {
    let mut dl = dl_drive();
    for format in ["21", "22", "23", "24"] {
        let read = format!("ad 00 00 00 00 00 00 {format} 00 0c 00 00");
        assert_eq!(read_refused(&mut dl, &read), format_refused(), "{format}");
        let send = format!("bf 00 00 00 00 00 00 {format} 00 0c 00 00");
        assert_eq!(refusal(&data_out(&mut dl, &send, &boundary_list(0))), format_refused());
    }
    for profile in [Profile::DvdPlusR, Profile::DvdRDl] {
        let mut drive = drive_with("bd-writer", Disc::new(profile));
        assert_eq!(read_refused(&mut drive, READ_BOUNDARY), format_refused(), "{profile:?}");
        let sent = data_out(&mut drive, SEND_BOUNDARY, &boundary_list(1024));
        assert_eq!(refusal(&sent), format_refused(), "{profile:?}");
    }
    let bd_media_type = data_out(&mut dl, "bf 01 00 00 00 00 00 20 00 0c 00 00", &boundary_list(1024));
    assert_eq!(refusal(&bd_media_type), format_refused());
}

/// The capability list names 20h as readable and sendable (RDS and SDS), 12 bytes long.
#[test]
fn the_capability_list_offers_the_boundary_both_ways() {
    assert_eq!(
        reply(&mut dl_drive(), "ad 00 00 00 00 00 00 ff 00 20 00 00"),
        hex("00 12 00 00 00 40 08 04 11 40 01 04 20 c0 00 0c ff 40 00 14")
    );
}
