//! READ TOC/PMA/ATIP, READ FORMAT CAPACITIES, FORMAT UNIT and READ DISC STRUCTURE through the
//! drive: the real replies of mmc.md §1.2, §2.4 and §7 byte for byte, and every refusal with its
//! exact sense triple and field pointer.

use crate::drive::tests::{data_in, data_out, drive_with, hex, no_data, refusal, sense_of};
use crate::drive::{Drive, DriveModel, Operation};
use crate::media::{Disc, Profile, TrackMode, WriteMode, WriteParameters};
use crate::mmc::Sense;
use crate::mmc::sense_data::{FieldPointer, SenseKeySpecific};

const TUR: &str = "00 00 00 00 00 00";
const READ_CAPACITY: &str = "25 00 00 00 00 00 00 00 00 00";
const READ_FORMAT_CAPACITIES: &str = "23 00 00 00 00 00 00 00 fc 00";
/// FORMAT UNIT with FmtData and format code 001b, as libburn and growisofs send it.
const FORMAT_UNIT: &str = "04 11 00 00 00 00";
/// Page 05h Multi-session 11b: CLOSE SESSION keeps the CD appendable.
const TAO: WriteParameters = WriteParameters {
    write_mode: WriteMode::TrackAtOnce,
    track_mode: TrackMode::Mode1,
    keep_appendable: true,
};

fn invalid_cdb_field(byte: u16, bit: Option<u8>) -> (Sense, Option<FieldPointer>) {
    (Sense::INVALID_FIELD_IN_CDB, Some(FieldPointer::cdb(byte, bit)))
}

/// The reply bytes of a command that must succeed.
fn reply(drive: &mut Drive, cdb: &str) -> Vec<u8> {
    let (completion, bytes) = data_in(drive, cdb, 4096);
    assert!(completion.is_good(), "{cdb}: {:?}", completion.sense_triple());
    bytes
}

fn refused(drive: &mut Drive, cdb: &str) -> (Sense, Option<FieldPointer>) {
    let (completion, _) = data_in(drive, cdb, 4096);
    refusal(&completion)
}

/// Write `blocks` TAO at `start`, close the track (SYNCHRONIZE CACHE) and the session.
fn tao_session(disc: &mut Disc, start: u32, blocks: u32) {
    disc.write(start, blocks, &TAO).unwrap();
    disc.synchronize_cache(&TAO).unwrap();
    disc.close(2, 0, &TAO).unwrap();
}

/// The real TAO disc of mmc.md §2.4 (udisks#836): session 1 data 0..607 (+2 run-out), session 2
/// at 12010 ending 17898 (+2), session 3 at 24800 (300 blocks here), still appendable.
fn real_multisession_cd() -> Disc {
    let mut disc = Disc::new(Profile::CdR);
    tao_session(&mut disc, 0, 608);
    tao_session(&mut disc, 12010, 17898 - 12010);
    tao_session(&mut disc, 24800, 300);
    disc
}

fn bd_writer(disc: Disc) -> Drive {
    drive_with("bd-writer", disc)
}

// ---- READ TOC/PMA/ATIP ----

#[test]
fn formatted_toc_of_the_real_multisession_cd_in_lba_and_msf() {
    let mut drive = bd_writer(real_multisession_cd());
    let lba = reply(&mut drive, "43 00 00 00 00 00 00 03 24 00");
    assert_eq!(
        lba,
        hex(
            "00 22 01 03  00 14 01 00 00 00 00 00  00 14 02 00 00 00 2e ea  00 14 03 00 00 00 60 e0  00 14 aa 00 00 00 62 0e"
        )
    );
    // 00:02:00, 02:42:10, 05:32:50 and the lead-out 05:36:52.
    let msf = reply(&mut drive, "43 02 00 00 00 00 00 03 24 00");
    assert_eq!(
        msf,
        hex(
            "00 22 01 03  00 14 01 00 00 00 02 00  00 14 02 00 00 02 2a 0a  00 14 03 00 00 05 20 32  00 14 aa 00 00 05 24 34"
        )
    );
    // The lead-out is where READ CAPACITY ends (25102 blocks: last LBA 25101).
    assert_eq!(reply(&mut drive, READ_CAPACITY), hex("00 00 62 0d 00 00 08 00"));
}

#[test]
fn formatted_toc_starts_at_the_requested_track() {
    let mut drive = bd_writer(real_multisession_cd());
    let from_two = reply(&mut drive, "43 00 00 00 00 00 02 03 24 00");
    assert_eq!(
        from_two,
        hex("00 1a 01 03  00 14 02 00 00 00 2e ea  00 14 03 00 00 00 60 e0  00 14 aa 00 00 00 62 0e")
    );
    let lead_out_only = reply(&mut drive, "43 00 00 00 00 00 aa 03 24 00");
    assert_eq!(lead_out_only, hex("00 0a 01 03  00 14 aa 00 00 00 62 0e"));
}

#[test]
fn multi_session_information_of_the_real_cd() {
    let mut drive = bd_writer(real_multisession_cd());
    assert_eq!(
        reply(&mut drive, "43 00 01 00 00 00 00 00 0c 00"),
        hex("00 0a 01 03 00 14 03 00 00 00 60 e0")
    );
    assert_eq!(
        reply(&mut drive, "43 02 01 00 00 00 00 00 0c 00"),
        hex("00 0a 01 03 00 14 03 00 00 05 20 32")
    );
}

#[test]
fn raw_toc_of_the_real_cd_lists_every_session_with_its_next_program_area() {
    let mut drive = bd_writer(real_multisession_cd());
    let raw = reply(&mut drive, "43 02 02 00 00 00 00 03 24 00");
    let expected = hex("00 b2 01 03
         01 14 00 a0 00 00 00 00 01 00 00
         01 14 00 a1 00 00 00 00 01 00 00
         01 14 00 a2 00 00 00 00 00 0a 0a
         01 14 00 01 00 00 00 00 00 02 00
         01 54 00 b0 02 2a 0a 02 4f 3b 4a
         01 54 00 c0 66 00 00 00 61 22 17
         02 14 00 a0 00 00 00 00 02 00 00
         02 14 00 a1 00 00 00 00 02 00 00
         02 14 00 a2 00 00 00 00 04 00 32
         02 14 00 02 00 00 00 00 02 2a 0a
         02 54 00 b0 05 20 32 01 4f 3b 4a
         03 14 00 a0 00 00 00 00 03 00 00
         03 14 00 a1 00 00 00 00 03 00 00
         03 14 00 a2 00 00 00 00 05 24 34
         03 14 00 03 00 00 00 00 05 20 32
         03 54 00 b0 07 08 34 01 4f 3b 4a");
    assert_eq!(raw, expected);
    // From session 2 on: the header keeps the complete sessions 1–3.
    let from_two = reply(&mut drive, "43 02 02 00 00 00 02 03 24 00");
    assert_eq!(&from_two[..4], &hex("00 70 01 03"));
    assert_eq!(&from_two[4..], &expected[4 + 6 * 11..]);
}

#[test]
fn raw_toc_of_one_appendable_session_matches_the_raw_toc_layer() {
    // The bytes of raw_toc.rs APPENDABLE_SESSION: B0h 12010 (610 + 11400), C0h 97:34:23.
    let mut disc = Disc::new(Profile::CdR);
    tao_session(&mut disc, 0, 608);
    let mut drive = bd_writer(disc);
    assert_eq!(
        reply(&mut drive, "43 02 02 00 00 00 00 03 24 00"),
        hex("00 44 01 01
             01 14 00 a0 00 00 00 00 01 00 00
             01 14 00 a1 00 00 00 00 01 00 00
             01 14 00 a2 00 00 00 00 00 0a 0a
             01 14 00 01 00 00 00 00 00 02 00
             01 54 00 b0 02 2a 0a 02 4f 3b 4a
             01 54 00 c0 66 00 00 00 61 22 17")
    );
}

#[test]
fn raw_toc_of_a_finalized_cd_has_no_next_program_area() {
    let mut drive = bd_writer(Disc::pressed(Profile::CdR, 608, false));
    let raw = reply(&mut drive, "43 02 02 00 00 00 00 03 24 00");
    assert_eq!(&raw[4 + 4 * 11..4 + 5 * 11], &hex("01 54 00 b0 ff ff ff 02 4f 3b 4a"));
}

#[test]
fn atip_of_blank_cd_r_and_cd_rw() {
    // CDEmu's 80-minute CD-R (atip.rs CD_R_80): lead-in 97:34:23, last lead-out 79:59:74.
    let cd_r_80 = hex("00 1a 00 00 d0 00 80 00 61 22 17 00 4f 3b 4a 00 00 00 00 00 00 00 00 00 00 00 00 00");
    let mut drive = bd_writer(Disc::new(Profile::CdR));
    assert_eq!(reply(&mut drive, "43 02 04 00 00 00 00 00 1c 00"), cd_r_80);
    let mut rw = bd_writer(Disc::new(Profile::CdRw));
    let atip = reply(&mut rw, "43 02 04 00 00 00 00 00 1c 00");
    assert_eq!(atip[6], 0xC0, "disc type CD-RW");
    let mut short = bd_writer(Disc::new_cd(Profile::CdR, crate::media::CdLength::Min74));
    assert_eq!(
        &reply(&mut short, "43 02 04 00 00 00 00 00 1c 00")[12..15],
        &hex("4a 2b 00"),
        "74:43:00"
    );
}

#[test]
fn toc_of_dvd_and_bd_is_fabricated_from_the_tracks() {
    let mut disc = Disc::new(Profile::DvdPlusR);
    disc.write(0, 16, &WriteParameters::multisession()).unwrap();
    disc.close(1, 1, &WriteParameters::multisession()).unwrap();
    disc.close(2, 0, &WriteParameters::multisession()).unwrap();
    let mut drive = bd_writer(disc);
    assert_eq!(
        reply(&mut drive, "43 00 00 00 00 00 00 03 24 00"),
        hex("00 12 01 01 00 14 01 00 00 00 00 00 00 14 aa 00 00 00 00 10")
    );
    assert_eq!(
        reply(&mut drive, "43 00 01 00 00 00 00 00 0c 00"),
        hex("00 0a 01 01 00 14 01 00 00 00 00 00")
    );
    // Overwritable media: track 1 over the formatted area.
    let mut bd_re = bd_writer(Disc::pressed(Profile::BdRe, 0, false));
    assert_eq!(
        reply(&mut bd_re, "43 00 00 00 00 00 00 03 24 00"),
        hex("00 12 01 01 00 14 01 00 00 00 00 00 00 14 aa 00 00 b4 74 00")
    );
}

/// Three closed sessions of 16 blocks on a DVD+R DL, each closed as DVD+R closes them (CLOSE
/// TRACK 001b, CLOSE SESSION 010b): 0..16, 2064..2080, 4128..4144 (a 2048-block lead-out/lead-in
/// gap after each), the invisible track 4 at 6192.
#[test]
fn dvd_plus_r_dl_holds_several_sessions_as_dvd_plus_r_does() {
    let mut disc = Disc::new(Profile::DvdPlusRDl);
    let params = WriteParameters::multisession();
    for (track, start) in [(1, 0), (2, 2064), (3, 4128)] {
        disc.write(start, 16, &params).unwrap();
        disc.close(1, track, &params).unwrap();
        disc.close(2, 0, &params).unwrap();
    }
    let mut drive = bd_writer(disc);
    // READ DISC INFORMATION: appendable, last session empty, 4 sessions, track 4 in the last.
    let info = reply(&mut drive, "51 00 00 00 00 00 00 00 22 00");
    assert_eq!(&info[2..7], &hex("01 01 04 04 04"));
    // READ TRACK INFORMATION FFh: the invisible track 4 in session 4 at 6192 = 1830h, free up to
    // the disc's 4173824 blocks (real-drives.md §2).
    let invisible = reply(&mut drive, "52 01 00 00 00 ff 00 00 30 00");
    assert_eq!((invisible[2], invisible[3]), (4, 4));
    assert_eq!(&invisible[8..20], &hex("00 00 18 30 00 00 18 30 00 3f 97 d0"));
    // Session 2 by number: track 2 at 2064 = 810h, 16 blocks.
    let second = reply(&mut drive, "52 02 00 00 00 02 00 00 30 00");
    assert_eq!(&second[8..12], &hex("00 00 08 10"));
    assert_eq!(&second[24..28], &hex("00 00 00 10"));
    // READ TOC format 0: tracks 1–3 and the lead-out after the last session; format 1: the
    // last complete session starts at 4128 = 1020h.
    assert_eq!(
        reply(&mut drive, "43 00 00 00 00 00 00 03 24 00"),
        hex(
            "00 22 01 03 00 14 01 00 00 00 00 00 00 14 02 00 00 00 08 10 00 14 03 00 00 00 10 20 00 14 aa 00 00 00 10 30"
        )
    );
    assert_eq!(
        reply(&mut drive, "43 00 01 00 00 00 00 00 0c 00"),
        hex("00 0a 01 03 00 14 03 00 00 00 10 20")
    );
}

#[test]
fn toc_refusals() {
    let format = invalid_cdb_field(2, Some(3));
    // No complete session: blank CD-R, blank CD-RW (ASUS DRW-24D5MT), an open session only,
    // an unformatted BD-RE (mmc.md §1.3).
    for disc in [
        Disc::new(Profile::CdR),
        Disc::new(Profile::CdRw),
        Disc::new(Profile::BdRe),
    ] {
        let mut drive = bd_writer(disc);
        for cdb in [
            "43 00 00 00 00 00 00 03 24 00",
            "43 00 01 00 00 00 00 00 0c 00",
            "43 02 02 00 00 00 00 03 24 00",
        ] {
            assert_eq!(refused(&mut drive, cdb), format, "{cdb}");
        }
    }
    let mut open = Disc::new(Profile::CdR);
    open.write(0, 300, &TAO).unwrap();
    assert_eq!(refused(&mut bd_writer(open), "43 00 00 00 00 00 00 03 24 00"), format);
    // A track or session beyond the last: byte 6.
    let mut drive = bd_writer(real_multisession_cd());
    assert_eq!(
        refused(&mut drive, "43 00 00 00 00 00 04 03 24 00"),
        invalid_cdb_field(6, None)
    );
    assert_eq!(
        refused(&mut drive, "43 00 02 00 00 00 04 03 24 00"),
        invalid_cdb_field(6, None)
    );
    // PMA and CD-TEXT are not modelled.
    assert_eq!(refused(&mut drive, "43 00 03 00 00 00 00 03 24 00"), format);
    assert_eq!(refused(&mut drive, "43 00 05 00 00 00 00 03 24 00"), format);
    // Raw TOC and ATIP are CD-only; ATIP is CD-R/RW only.
    let mut dvd = bd_writer(Disc::pressed(Profile::DvdRom, 100, false));
    assert_eq!(refused(&mut dvd, "43 00 02 00 00 00 00 03 24 00"), format);
    assert_eq!(refused(&mut dvd, "43 00 04 00 00 00 00 00 1c 00"), format);
    let mut cd_rom = bd_writer(Disc::pressed(Profile::CdRom, 100, false));
    assert_eq!(refused(&mut cd_rom, "43 00 04 00 00 00 00 00 1c 00"), format);
}

#[test]
fn toc_truncates_to_the_allocation_length() {
    let mut drive = bd_writer(real_multisession_cd());
    assert_eq!(reply(&mut drive, "43 00 00 00 00 00 00 00 04 00"), hex("00 22 01 03"));
}

// ---- READ FORMAT CAPACITIES ----

#[test]
fn format_capacities_of_dvd_plus_rw_blank_and_formatted() {
    let mut blank = bd_writer(Disc::new(Profile::DvdPlusRw));
    assert_eq!(
        reply(&mut blank, READ_FORMAT_CAPACITIES),
        hex("00 00 00 10 00 23 05 40 01 00 08 00 00 23 05 40 98 00 00 00")
    );
    let mut formatted = bd_writer(Disc::pressed(Profile::DvdPlusRw, 0, false));
    assert_eq!(
        reply(&mut formatted, READ_FORMAT_CAPACITIES),
        hex("00 00 00 10 00 23 05 40 02 00 08 00 00 23 05 40 98 00 00 00")
    );
}

#[test]
fn format_capacities_of_blank_bd_re() {
    // LG via libburn (mmc.md §1.2): 00h 11826176 (TDP 3000h), 30h 11826176 / 11564032 / 12088320,
    // 31h 12219392; the TDPs of 30h are the spare clusters of the profile table.
    let mut drive = bd_writer(Disc::new(Profile::BdRe));
    assert_eq!(
        reply(&mut drive, READ_FORMAT_CAPACITIES),
        hex("00 00 00 30
             00 ba 74 00 01 00 08 00
             00 b4 74 00 00 00 30 00
             00 b4 74 00 c0 00 30 00
             00 b0 74 00 c0 00 50 00
             00 b8 74 00 c0 00 10 00
             00 ba 74 00 c4 00 00 00")
    );
}

#[test]
fn format_capacities_of_bd_r_only_while_blank() {
    // mmc.md §7: unformatted 12219392, 00h(3000) 11826176, 32h(0) 11826176 / 5796864 / 12088320.
    let mut drive = bd_writer(Disc::new(Profile::BdRSrm));
    assert_eq!(
        reply(&mut drive, READ_FORMAT_CAPACITIES),
        hex("00 00 00 28
             00 ba 74 00 01 00 08 00
             00 b4 74 00 00 00 30 00
             00 b4 74 00 c8 00 00 00
             00 58 74 00 c8 00 00 00
             00 b8 74 00 c8 00 00 00")
    );
    let mut written = Disc::new(Profile::BdRSrm);
    written.write(0, 32, &WriteParameters::multisession()).unwrap();
    let mut drive = bd_writer(written);
    assert_eq!(
        reply(&mut drive, READ_FORMAT_CAPACITIES),
        hex("00 00 00 08 00 ba 74 00 01 00 08 00")
    );
    let mut drive = bd_writer(Disc::new(Profile::BdRSrm));
    assert!(data_out(&mut drive, FORMAT_UNIT, &hex("00 80 00 08 00 b8 74 00 c8 00 00 00")).is_good());
    assert_eq!(
        reply(&mut drive, READ_FORMAT_CAPACITIES),
        hex("00 00 00 08 00 b8 74 00 02 00 08 00")
    );
}

#[test]
fn format_capacities_of_dvd_rw() {
    // Sequential blank: unformatted 2297888 + 00h(800), 10h(10), 15h(10) (mmc.md §7).
    let mut drive = bd_writer(Disc::new(Profile::DvdRwSequential));
    assert_eq!(
        reply(&mut drive, READ_FORMAT_CAPACITIES),
        hex("00 00 00 20
             00 23 10 20 01 00 08 00
             00 23 10 20 00 00 08 00
             00 23 10 20 40 00 00 10
             00 23 10 20 54 00 00 10")
    );
    // A quick format (15h) leaves the intermediate state: descriptor type 11b (cookbook).
    assert!(data_out(&mut drive, FORMAT_UNIT, &hex("00 80 00 08 00 23 10 20 54 00 00 10")).is_good());
    assert_eq!(
        &reply(&mut drive, READ_FORMAT_CAPACITIES)[4..12],
        &hex("00 23 10 20 03 00 08 00")
    );
}

#[test]
fn format_capacities_without_a_medium_and_of_rom() {
    let mut empty = Drive::new(DriveModel::builtin("bd-writer").unwrap());
    empty.settle();
    assert_eq!(
        reply(&mut empty, READ_FORMAT_CAPACITIES),
        hex("00 00 00 08 00 00 00 00 03 00 08 00")
    );
    // A medium in the open tray, or one the drive cannot read, is no medium either.
    let no_medium = hex("00 00 00 08 00 00 00 00 03 00 08 00");
    let mut ejected = bd_writer(Disc::new(Profile::DvdPlusRw));
    assert!(no_data(&mut ejected, "1b 00 00 00 02 00").is_good());
    assert_eq!(reply(&mut ejected, READ_FORMAT_CAPACITIES), no_medium);
    let mut cd_drive = drive_with("cd-rw", Disc::new(Profile::DvdPlusRw));
    assert_eq!(reply(&mut cd_drive, READ_FORMAT_CAPACITIES), no_medium);
    let mut rom = bd_writer(Disc::pressed(Profile::DvdRom, 100, false));
    assert_eq!(
        reply(&mut rom, READ_FORMAT_CAPACITIES),
        hex("00 00 00 08 00 00 00 64 02 00 08 00")
    );
    let mut cd_r = bd_writer(Disc::new(Profile::CdR));
    assert_eq!(
        reply(&mut cd_r, READ_FORMAT_CAPACITIES),
        hex("00 00 00 08 00 05 7d a9 01 00 08 00")
    );
    assert_eq!(
        reply(&mut cd_r, "23 00 00 00 00 00 00 00 06 00"),
        hex("00 00 00 08 00 05")
    );
}

// ---- FORMAT UNIT ----

#[test]
fn immed_format_of_blank_bd_re_reports_progress_then_the_formatted_size() {
    let mut drive = bd_writer(Disc::new(Profile::BdRe));
    // The 00h descriptor copied from READ FORMAT CAPACITIES, FOV + Immed (format_unit.rs).
    assert!(data_out(&mut drive, FORMAT_UNIT, &hex("00 82 00 08 00 b4 74 00 00 00 30 00")).is_good());
    let busy = no_data(&mut drive, TUR).sense_data().unwrap();
    assert_eq!(
        (busy.sense, busy.key_specific),
        (Sense::FORMAT_IN_PROGRESS, SenseKeySpecific::Progress(0))
    );
    drive.advance(Operation::Format.duration_ms() / 2);
    let half = no_data(&mut drive, TUR).sense_data().unwrap();
    assert_eq!(
        (half.sense, half.key_specific),
        (Sense::FORMAT_IN_PROGRESS, SenseKeySpecific::Progress(32768))
    );
    drive.advance(Operation::Format.duration_ms() / 2);
    assert!(no_data(&mut drive, TUR).is_good());
    assert_eq!(reply(&mut drive, READ_CAPACITY), hex("00 b4 73 ff 00 00 08 00"));
}

#[test]
fn format_without_immed_takes_its_time_before_returning() {
    let mut drive = bd_writer(Disc::new(Profile::BdRe));
    assert!(data_out(&mut drive, FORMAT_UNIT, &hex("00 80 00 08 00 ba 74 00 c4 00 00 00")).is_good());
    assert_eq!(drive.clock_ms(), Operation::Format.duration_ms());
    assert!(no_data(&mut drive, TUR).is_good());
    assert_eq!(reply(&mut drive, READ_CAPACITY), hex("00 ba 73 ff 00 00 08 00"));
}

#[test]
fn dvd_plus_rw_formats_in_the_background() {
    let mut drive = bd_writer(Disc::new(Profile::DvdPlusRw));
    assert!(data_out(&mut drive, FORMAT_UNIT, &hex("00 82 00 08 ff ff ff ff 98 00 00 00")).is_good());
    assert!(
        no_data(&mut drive, TUR).is_good(),
        "no busy state: writing may start at once"
    );
    assert_eq!(drive.clock_ms(), 0);
    assert_eq!(drive.medium().unwrap().disc().background_format_status(), 2);
    // Restart only resumes a suspended format (5/26/00 otherwise).
    let restart = data_out(&mut drive, FORMAT_UNIT, &hex("00 82 00 08 ff ff ff ff 98 00 00 01"));
    assert_eq!(refusal(&restart), (Sense::INVALID_FIELD_IN_PARAMETER_LIST, None));
}

#[test]
fn format_unit_refusals() {
    let list = hex("00 82 00 08 00 b4 74 00 00 00 30 00");
    let mut drive = bd_writer(Disc::new(Profile::BdRe));
    // FmtData = 0 and format code ≠ 001b: byte 1.
    assert_eq!(
        refusal(&data_out(&mut drive, "04 01 00 00 00 00", &list)),
        invalid_cdb_field(1, Some(4))
    );
    assert_eq!(
        refusal(&data_out(&mut drive, "04 12 00 00 00 00", &list)),
        invalid_cdb_field(1, Some(2))
    );
    // Parameter list: too short, bad descriptor length, unknown format type.
    assert_eq!(
        refusal(&data_out(&mut drive, FORMAT_UNIT, &list[..11])).0,
        Sense::PARAMETER_LIST_LENGTH_ERROR
    );
    assert_eq!(
        refusal(&no_data(&mut drive, FORMAT_UNIT)).0,
        Sense::PARAMETER_LIST_LENGTH_ERROR
    );
    let mut bad_length = list.clone();
    bad_length[3] = 0x10;
    assert_eq!(
        refusal(&data_out(&mut drive, FORMAT_UNIT, &bad_length)),
        (
            Sense::INVALID_FIELD_IN_PARAMETER_LIST,
            Some(FieldPointer::parameter(2, None))
        )
    );
    let mut unknown_type = list.clone();
    unknown_type[8] = 0x3F << 2;
    assert_eq!(
        refusal(&data_out(&mut drive, FORMAT_UNIT, &unknown_type)),
        (
            Sense::INVALID_FIELD_IN_PARAMETER_LIST,
            Some(FieldPointer::parameter(8, Some(7)))
        )
    );
    // A descriptor READ FORMAT CAPACITIES does not list: the disc refuses with 5/26/00.
    let unlisted = hex("00 82 00 08 00 00 10 00 00 00 30 00");
    assert_eq!(
        refusal(&data_out(&mut drive, FORMAT_UNIT, &unlisted)),
        (Sense::INVALID_FIELD_IN_PARAMETER_LIST, None)
    );
    assert!(
        no_data(&mut drive, TUR).is_good(),
        "a refused format leaves the drive idle"
    );
    // Media that cannot be formatted, or that the drive does not write.
    let mut cd_r = bd_writer(Disc::new(Profile::CdR));
    assert_eq!(
        sense_of(&data_out(&mut cd_r, FORMAT_UNIT, &list)),
        Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM
    );
    let mut rom = bd_writer(Disc::pressed(Profile::DvdRom, 100, false));
    assert_eq!(
        sense_of(&data_out(&mut rom, FORMAT_UNIT, &list)),
        Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT
    );
    // BD-R is formatted once.
    let mut bd_r = bd_writer(Disc::new(Profile::BdRSrm));
    let default = hex("00 80 00 08 00 b4 74 00 00 00 30 00");
    assert!(data_out(&mut bd_r, FORMAT_UNIT, &default).is_good());
    assert_eq!(
        sense_of(&data_out(&mut bd_r, FORMAT_UNIT, &default)),
        Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM
    );
}

// ---- READ DISC STRUCTURE ----

const DVD_PHYSICAL: &str = "ad 00 00 00 00 00 00 00 08 04 00 00";

#[test]
fn dvd_physical_format_by_profile() {
    // Blank DVD+RW: book 9, data area 30000h–26053Fh (2295104 blocks, dvd_structure.rs).
    let mut drive = bd_writer(Disc::new(Profile::DvdPlusRw));
    let physical = reply(&mut drive, DVD_PHYSICAL);
    assert_eq!(physical.len(), 2052);
    assert_eq!(
        &physical[..21],
        &hex("08 02 00 00 90 0f 04 00 00 03 00 00 00 26 05 3f 00 00 00 00 00")
    );
    // DVD-RAM starts at 31000h; DVD-R ends at the legacy lead-out 2298496 (mmc.md §7).
    let mut ram = bd_writer(Disc::new(Profile::DvdRam));
    assert_eq!(
        &reply(&mut ram, DVD_PHYSICAL)[4..16],
        &hex("10 0f 04 00 00 03 10 00 00 26 5f 5f")
    );
    let mut dvd_r = bd_writer(Disc::new(Profile::DvdR));
    assert_eq!(
        &reply(&mut dvd_r, DVD_PHYSICAL)[4..16],
        &hex("20 0f 02 00 00 03 00 00 00 26 12 7f")
    );
    let mut plus_r = bd_writer(Disc::new(Profile::DvdPlusR));
    assert_eq!(reply(&mut plus_r, DVD_PHYSICAL)[4], 0xA0);
    let mut rom = bd_writer(Disc::pressed(Profile::DvdRom, 100, false));
    assert_eq!(
        &reply(&mut rom, DVD_PHYSICAL)[4..16],
        &hex("00 0f 01 00 00 03 00 00 00 03 00 63")
    );
    // DVD+R DL: two layers, opposite track path, layer 0 ends at the legacy lead-out 2086912,
    // layer 1 (as large) where layer 0 starts, complemented: FCFFFFh.
    let mut dl = bd_writer(Disc::new(Profile::DvdPlusRDl));
    assert_eq!(
        &reply(&mut dl, DVD_PHYSICAL)[4..20],
        &hex("e0 0f 32 00 00 03 00 00 00 fc ff ff 00 22 d7 ff")
    );
    assert!(
        data_in(&mut dl, "ad 00 00 00 00 00 01 00 08 04 00 00", 2052)
            .0
            .is_good()
    );
    assert_eq!(
        refused(&mut drive, "ad 00 00 00 00 00 01 00 08 04 00 00"),
        invalid_cdb_field(6, None)
    );
}

#[test]
fn dvd_adip_and_capability_list() {
    let mut drive = bd_writer(Disc::new(Profile::DvdPlusR));
    let adip = reply(&mut drive, "ad 00 00 00 00 00 00 11 01 04 00 00");
    assert_eq!(adip.len(), 260);
    assert_eq!(&adip[4 + 19..4 + 30], b"BURNBNCHR01");
    let mut plus_rw = bd_writer(Disc::new(Profile::DvdPlusRw));
    assert_eq!(
        reply(&mut plus_rw, "ad 00 00 00 00 00 00 ff 00 10 00 00"),
        hex("00 0e 00 00 00 40 08 04 11 40 01 04 ff 40 00 10")
    );
    // DVD-R: 00h, the control data zone 10h (docs/fidelity.md), FFh.
    let mut dvd_r = bd_writer(Disc::new(Profile::DvdR));
    assert_eq!(
        reply(&mut dvd_r, "ad 00 00 00 00 00 00 ff 00 10 00 00"),
        hex("00 0e 00 00 00 40 08 04 10 40 08 04 ff 40 00 10")
    );
}

#[test]
fn dvd_structure_refusals() {
    let format = invalid_cdb_field(7, None);
    let mut dvd_r = bd_writer(Disc::new(Profile::DvdR));
    assert_eq!(
        refused(&mut dvd_r, "ad 00 00 00 00 00 00 11 01 04 00 00"),
        format,
        "ADIP is DVD+ only"
    );
    assert_eq!(
        refused(&mut dvd_r, "ad 00 00 00 00 00 00 01 00 08 00 00"),
        format,
        "copyright not modelled"
    );
    // A CD loaded: 5/30/02 for every format but the capability list (QEMU ide-cd).
    let mut cd = bd_writer(Disc::new(Profile::CdR));
    assert_eq!(
        refused(&mut cd, DVD_PHYSICAL),
        (Sense::CANNOT_READ_MEDIUM_INCOMPATIBLE_FORMAT, None)
    );
    assert_eq!(
        refused(&mut cd, "ad 00 00 00 00 00 00 11 01 04 00 00").0,
        Sense::CANNOT_READ_MEDIUM_INCOMPATIBLE_FORMAT
    );
    assert_eq!(
        reply(&mut cd, "ad 00 00 00 00 00 00 ff 00 10 00 00"),
        hex("00 06 00 00 ff 40 00 08")
    );
}

#[test]
fn bd_disc_information_spare_area_and_capability_list() {
    let disc_information = |profile: Profile| {
        let disc = if profile == Profile::BdRom {
            Disc::pressed(profile, 64, false)
        } else {
            Disc::new(profile)
        };
        let bytes = reply(&mut bd_writer(disc), "ad 01 00 00 00 00 00 00 10 00 00 00");
        assert_eq!((&bytes[..6], bytes.len()), (&hex("00 72 00 00 44 49")[..], 116));
        bytes[12..15].to_vec()
    };
    assert_eq!(disc_information(Profile::BdRe), b"BDW");
    assert_eq!(disc_information(Profile::BdRSrm), b"BDR");
    assert_eq!(disc_information(Profile::BdRom), b"BDO");
    // Default BD-RE format: 12219392 − 11826176 = 393216 spare blocks, all free.
    let mut formatted = bd_writer(Disc::pressed(Profile::BdRe, 0, false));
    assert_eq!(
        reply(&mut formatted, "ad 01 00 00 00 00 00 0a 00 10 00 00"),
        hex("00 0e 00 00 00 00 00 00 00 06 00 00 00 06 00 00")
    );
    assert_eq!(
        reply(&mut formatted, "ad 01 00 00 00 00 00 ff 00 10 00 00"),
        hex("00 0e 00 00 00 40 00 00 0a 40 00 00 ff 40 00 00")
    );
    let mut blank = bd_writer(Disc::new(Profile::BdRe));
    assert_eq!(
        refused(&mut blank, "ad 01 00 00 00 00 00 0a 00 10 00 00"),
        invalid_cdb_field(7, None)
    );
    assert_eq!(
        refused(&mut blank, "ad 01 00 00 00 00 00 03 00 10 00 00"),
        invalid_cdb_field(7, None)
    );
    assert_eq!(
        reply(&mut blank, "ad 01 00 00 00 00 00 ff 00 10 00 00"),
        hex("00 0a 00 00 00 40 00 00 ff 40 00 00")
    );
    // BD structures on a DVD: 5/30/02.
    let mut dvd = bd_writer(Disc::new(Profile::DvdPlusR));
    assert_eq!(
        refused(&mut dvd, "ad 01 00 00 00 00 00 00 10 00 00 00"),
        (Sense::CANNOT_READ_MEDIUM_INCOMPATIBLE_FORMAT, None)
    );
}

#[test]
fn disc_structure_truncates_to_the_allocation_length() {
    let mut drive = bd_writer(Disc::new(Profile::DvdPlusRw));
    assert_eq!(
        reply(&mut drive, "ad 00 00 00 00 00 00 00 00 08 00 00"),
        hex("08 02 00 00 90 0f 04 00")
    );
}
