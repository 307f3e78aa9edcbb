//! The life of each recordable medium through `DataWriter` against the emulated drive: blank →
//! write a session → append → finalize on sequential media, format → overwrite on rewritable
//! media, with media status, addresses and the MMC command sequence checked at each step.

mod burn_support;

use burn_support::{Rig, code, image, tagged};
use burnbench::burn::{DataWriter, DvdPlusRDlMultisession, MediaStatus, PhysicalMediaType, WriteAction};
use burnbench::hresult::HResult;
use burnbench::media::{Disc, Profile};

const BLANK: MediaStatus = MediaStatus::BLANK;
const APPENDABLE: MediaStatus = MediaStatus::APPENDABLE;
const FINALIZED: MediaStatus = MediaStatus::FINALIZED;
const OVERWRITE_ONLY: MediaStatus = MediaStatus::OVERWRITE_ONLY;

fn write(rig: &Rig, writer: &DataWriter, blocks: u32, tag: u8) -> Vec<String> {
    rig.clear_log();
    writer.write(&mut image(blocks, tag)).expect("the write succeeds");
    rig.steps()
}

fn strings(steps: &[&str]) -> Vec<String> {
    steps.iter().map(|s| s.to_string()).collect()
}

#[test]
fn cd_r_blank_write_append_finalize() {
    let rig = Rig::blank(Profile::CdR);
    let writer = rig.writer();
    assert_eq!(writer.current_media_status().unwrap(), BLANK);
    assert_eq!(writer.current_physical_media_type().unwrap(), PhysicalMediaType::CDR);
    assert!(writer.media_physically_blank().unwrap() && writer.media_heuristically_blank().unwrap());
    assert_eq!(writer.next_writable_address().unwrap(), 0);
    assert_eq!(writer.start_address_of_previous_session().unwrap(), -1);
    assert_eq!(writer.last_written_address_of_previous_session().unwrap(), -1);
    let total = writer.total_sectors_on_media().unwrap();
    // 80 min: lead-out 359849, minus the 2 run-out blocks; free excludes the 150-block post-gap.
    assert_eq!(total, 359847);
    assert_eq!(writer.free_sectors_on_media().unwrap(), total - 150);
    writer.set_postgap_already_in_image(true).unwrap();
    assert_eq!(writer.free_sectors_on_media().unwrap(), total);
    writer.set_postgap_already_in_image(false).unwrap();

    let steps = write(&rig, &writer, 100, 1);
    assert_eq!(
        steps,
        strings(&["MODE SELECT 05h TAO ms=11", "WRITE 0..250", "SYNC", "CLOSE 010b"])
    );
    assert_eq!(writer.current_media_status().unwrap(), APPENDABLE);
    assert!(!writer.media_physically_blank().unwrap());
    assert_eq!(writer.start_address_of_previous_session().unwrap(), 0);
    // 250 blocks padded to the 300-block minimum; the 2 run-out blocks are not readable.
    assert_eq!(writer.last_written_address_of_previous_session().unwrap(), 299);
    assert_eq!(writer.next_writable_address().unwrap(), 302 + 11400);
    assert_eq!(&rig.block(0)[..5], &tagged(1, 0));
    assert_eq!(&rig.block(99)[..5], &tagged(1, 99));

    let steps = write(&rig, &writer, 50, 2);
    assert_eq!(
        steps,
        strings(&["MODE SELECT 05h TAO ms=11", "WRITE 11702..11902", "SYNC", "CLOSE 010b"])
    );
    assert_eq!(&rig.block(11702)[..5], &tagged(2, 0));
    assert_eq!(writer.start_address_of_previous_session().unwrap(), 11702);
    assert_eq!(writer.last_written_address_of_previous_session().unwrap(), 11702 + 299);
    assert_eq!(writer.next_writable_address().unwrap(), 11702 + 302 + 6900);

    writer.set_force_media_to_be_closed(true).unwrap();
    let steps = write(&rig, &writer, 10, 3);
    assert_eq!(
        steps,
        strings(&["MODE SELECT 05h TAO ms=00", "WRITE 18904..19064", "SYNC", "CLOSE 010b"])
    );
    assert_eq!(writer.current_media_status().unwrap(), FINALIZED);
    assert_eq!(
        code(writer.next_writable_address()),
        HResult::E_IMAPI_DF2DATA_INVALID_MEDIA_STATE
    );
    assert_eq!(
        code(writer.write(&mut image(1, 4))),
        HResult::E_IMAPI_DF2DATA_INVALID_MEDIA_STATE
    );
    assert_eq!(writer.last_written_address_of_previous_session().unwrap(), -1);
}

#[test]
fn cd_rw_write_then_erase_quick_and_full() {
    let rig = Rig::blank(Profile::CdRw);
    let writer = rig.writer();
    assert_eq!(writer.current_physical_media_type().unwrap(), PhysicalMediaType::CDRW);
    write(&rig, &writer, 20, 1);
    assert_eq!(writer.current_media_status().unwrap(), APPENDABLE);
    writer.set_force_media_to_be_closed(true).unwrap();
    write(&rig, &writer, 20, 2);
    // A finalized CD-RW must be erased before it takes data again.
    assert_eq!(
        writer.current_media_status().unwrap(),
        FINALIZED | MediaStatus::ERASE_REQUIRED
    );

    let eraser = burnbench::burn::Eraser::new();
    eraser.set_recorder(Some(&rig.recorder)).unwrap();
    eraser.set_client_name("burnbench");
    rig.clear_log();
    let mut events = Vec::new();
    eraser.erase_media_with_progress(&mut |p| events.push(*p)).unwrap();
    assert_eq!(rig.steps(), strings(&["START STOP", "BLANK 001b"]));
    assert_eq!(writer.current_media_status().unwrap(), BLANK);
    let last = events.last().unwrap();
    assert!(
        last.elapsed_seconds >= 60,
        "a minimal blank takes a simulated minute: {events:?}"
    );
    assert!(events.windows(2).all(|w| w[0].elapsed_seconds <= w[1].elapsed_seconds));
    assert!((60..=62).contains(&last.estimated_total_seconds), "{last:?}");

    write(&rig, &writer, 20, 3);
    eraser.set_full_erase(true);
    rig.clear_log();
    eraser.erase_media().unwrap();
    assert_eq!(rig.steps(), strings(&["START STOP", "BLANK 000b"]));
    assert_eq!(writer.current_media_status().unwrap(), BLANK);
}

#[test]
fn dvd_r_incremental_sessions_then_closing_border() {
    let rig = Rig::blank(Profile::DvdR);
    let writer = rig.writer();
    assert_eq!(
        writer.current_physical_media_type().unwrap(),
        PhysicalMediaType::DVDDASHR
    );
    let steps = write(&rig, &writer, 40, 1);
    assert_eq!(
        steps,
        strings(&[
            "MODE SELECT 05h packet ms=11",
            "SEND OPC",
            "WRITE 0..40",
            "SYNC",
            "CLOSE 001b track 1",
            "CLOSE 010b"
        ])
    );
    assert_eq!(writer.current_media_status().unwrap(), APPENDABLE);
    assert_eq!(writer.start_address_of_previous_session().unwrap(), 0);
    // 40 blocks padded to 48 (ECC blocks of 16), then the first border gap (real-drives.md §3).
    assert_eq!(writer.next_writable_address().unwrap(), 48 + 28688);

    let nwa = writer.next_writable_address().unwrap() as u32;
    let steps = write(&rig, &writer, 16, 2);
    assert_eq!(steps[2], format!("WRITE {nwa}..{}", nwa + 16));
    assert_eq!(steps[4], "CLOSE 001b track 2");
    assert_eq!(&rig.block(nwa)[..5], &tagged(2, 0));
    assert_eq!(writer.start_address_of_previous_session().unwrap(), nwa as i32);

    writer.set_force_media_to_be_closed(true).unwrap();
    let steps = write(&rig, &writer, 16, 3);
    assert_eq!(steps[0], "MODE SELECT 05h packet ms=00");
    assert_eq!(steps.last().unwrap(), "CLOSE 010b");
    assert_eq!(writer.current_media_status().unwrap(), FINALIZED);
}

#[test]
fn blank_dvd_r_closed_at_once_is_written_disc_at_once() {
    let rig = Rig::blank(Profile::DvdR);
    let writer = rig.writer();
    writer.set_force_media_to_be_closed(true).unwrap();
    let steps = write(&rig, &writer, 100, 1);
    assert_eq!(
        steps,
        strings(&[
            "MODE SELECT 05h DAO ms=00",
            "SEND OPC",
            "RESERVE TRACK 100",
            "WRITE 0..100",
            "SYNC"
        ])
    );
    assert_eq!(writer.current_media_status().unwrap(), FINALIZED);
    assert_eq!(&rig.block(99)[..5], &tagged(1, 99));
}

#[test]
fn dvd_r_dual_layer_is_single_session_disc_at_once() {
    let rig = Rig::blank(Profile::DvdRDl);
    let writer = rig.writer();
    assert_eq!(
        writer.current_media_status().unwrap(),
        BLANK | MediaStatus::FINAL_SESSION
    );
    assert_eq!(
        writer.current_physical_media_type().unwrap(),
        PhysicalMediaType::DVDDASHR_DUALLAYER
    );
    let steps = write(&rig, &writer, 32, 1);
    assert_eq!(steps[2], "RESERVE TRACK 32");
    assert_eq!(writer.current_media_status().unwrap(), FINALIZED);
}

#[test]
fn dvd_plus_r_consumer_compatibility_closes_the_disc_by_default() {
    let rig = Rig::blank(Profile::DvdPlusR);
    let writer = rig.writer();
    let steps = write(&rig, &writer, 20, 1);
    // (Disable F, Force F) → close disc compatible (imapi2.md §2.5): finalize 110b.
    assert_eq!(
        steps,
        strings(&["WRITE 0..20", "SYNC", "CLOSE 001b track 1", "CLOSE 110b"])
    );
    assert_eq!(writer.current_media_status().unwrap(), FINALIZED);
}

/// With the compatibility mode disabled (Disable T, Force F): two sessions that leave the disc
/// appendable (CLOSE 010b, the second at the NWA after the 2048-block gap), then (Disable T,
/// Force T) closes the disc normally: finalize 101b.
fn two_sessions_then_close_normally(rig: &Rig, writer: &DataWriter) {
    writer.set_disable_consumer_dvd_compatibility_mode(true).unwrap();
    let steps = write(rig, writer, 20, 1);
    assert_eq!(
        steps,
        strings(&["WRITE 0..20", "SYNC", "CLOSE 001b track 1", "CLOSE 010b"])
    );
    assert_eq!(writer.current_media_status().unwrap(), APPENDABLE);
    let nwa = writer.next_writable_address().unwrap();
    assert_eq!(nwa, 32 + 2048);
    let steps = write(rig, writer, 20, 2);
    assert_eq!(
        steps,
        strings(&[
            &format!("WRITE {nwa}..{}", nwa + 20),
            "SYNC",
            "CLOSE 001b track 2",
            "CLOSE 010b"
        ])
    );
    assert_eq!(&rig.block(nwa as u32)[..5], &tagged(2, 0));
    assert_eq!(writer.start_address_of_previous_session().unwrap(), nwa);
    assert_eq!(writer.last_written_address_of_previous_session().unwrap(), nwa + 31);
    writer.set_force_media_to_be_closed(true).unwrap();
    let steps = write(rig, writer, 20, 3);
    assert_eq!(steps.last().unwrap(), "CLOSE 101b");
    assert_eq!(writer.current_media_status().unwrap(), FINALIZED);
}

#[test]
fn dvd_plus_r_sessions_with_compatibility_mode_disabled() {
    let rig = Rig::blank(Profile::DvdPlusR);
    let writer = rig.writer();
    assert_eq!(
        writer.current_physical_media_type().unwrap(),
        PhysicalMediaType::DVDPLUSR
    );
    two_sessions_then_close_normally(&rig, &writer);
}

#[test]
fn dvd_plus_r_dual_layer_is_closed_as_documented_by_default() {
    let rig = Rig::blank(Profile::DvdPlusRDl);
    let writer = rig.writer();
    assert_eq!(
        writer.current_physical_media_type().unwrap(),
        PhysicalMediaType::DVDPLUSR_DUALLAYER
    );
    assert_eq!(
        writer.dvd_plus_r_dl_multisession(),
        DvdPlusRDlMultisession::AsDocumented
    );
    writer.set_disable_consumer_dvd_compatibility_mode(true).unwrap();
    // (Disable T, Force F) → close the disc normally on DVD+R DL (§2.5).
    let steps = write(&rig, &writer, 20, 1);
    assert_eq!(steps.last().unwrap(), "CLOSE 101b");
    assert_eq!(writer.current_media_status().unwrap(), FINALIZED);
}

#[test]
fn dvd_plus_r_dual_layer_like_dvd_plus_r_keeps_sessions_open() {
    let rig = Rig::blank(Profile::DvdPlusRDl);
    let writer = rig.writer();
    writer
        .set_dvd_plus_r_dl_multisession(DvdPlusRDlMultisession::LikeDvdPlusR)
        .unwrap();
    two_sessions_then_close_normally(&rig, &writer);
}

#[test]
fn dvd_plus_r_dual_layer_like_dvd_plus_r_still_closes_compatibly_by_default() {
    let rig = Rig::blank(Profile::DvdPlusRDl);
    let writer = rig.writer();
    writer
        .set_dvd_plus_r_dl_multisession(DvdPlusRDlMultisession::LikeDvdPlusR)
        .unwrap();
    // (Disable F, Force F) → close disc compatible, as on DVD+R.
    assert_eq!(write(&rig, &writer, 20, 1).last().unwrap(), "CLOSE 110b");
    assert_eq!(writer.current_media_status().unwrap(), FINALIZED);
}

#[test]
fn bd_r_sessions_then_finalize() {
    let rig = Rig::blank(Profile::BdRSrm);
    let writer = rig.writer();
    assert_eq!(writer.current_physical_media_type().unwrap(), PhysicalMediaType::BDR);
    let steps = write(&rig, &writer, 40, 1);
    assert_eq!(
        steps,
        strings(&["WRITE 0..40", "SYNC", "CLOSE 001b track 1", "CLOSE 010b"])
    );
    assert_eq!(writer.current_media_status().unwrap(), APPENDABLE);
    // 40 blocks padded to a 32-block cluster boundary; BD-R has no session gap here.
    assert_eq!(writer.next_writable_address().unwrap(), 64);
    write(&rig, &writer, 40, 2);
    assert_eq!(writer.start_address_of_previous_session().unwrap(), 64);
    writer.set_force_media_to_be_closed(true).unwrap();
    let steps = write(&rig, &writer, 8, 3);
    assert_eq!(steps.last().unwrap(), "CLOSE 110b");
    assert_eq!(writer.current_media_status().unwrap(), FINALIZED);
    assert_eq!(&rig.block(128)[..5], &tagged(3, 0));
}

#[test]
fn dvd_plus_rw_format_write_overwrite_erase() {
    let rig = Rig::blank(Profile::DvdPlusRw);
    let writer = rig.writer();
    assert_eq!(writer.current_media_status().unwrap(), OVERWRITE_ONLY | BLANK);
    assert_eq!(
        writer.current_physical_media_type().unwrap(),
        PhysicalMediaType::DVDPLUSRW
    );
    let mut actions = Vec::new();
    rig.clear_log();
    writer
        .write_with_progress(&mut image(64, 1), None, &mut |p| actions.push(p.action))
        .unwrap();
    assert_eq!(
        rig.steps(),
        strings(&["FORMAT 26h", "WRITE 0..64", "SYNC", "CLOSE 000b"])
    );
    assert!(actions.contains(&WriteAction::FormattingMedia));
    assert_eq!(writer.current_media_status().unwrap(), OVERWRITE_ONLY);
    assert!(!writer.media_physically_blank().unwrap());
    assert!(!writer.media_heuristically_blank().unwrap());
    // The quirk: free sectors = total on DVD±RW, DVD-RAM, BD-RE (imapi2.md §2.5).
    let total = writer.total_sectors_on_media().unwrap();
    assert_eq!(total, 2295104);
    assert_eq!(writer.free_sectors_on_media().unwrap(), total);
    assert_eq!(writer.next_writable_address().unwrap(), 0);
    assert_eq!(writer.start_address_of_previous_session().unwrap(), -1);

    assert_eq!(
        code(writer.write(&mut image(16, 2))),
        HResult::E_IMAPI_DF2DATA_MEDIA_NOT_BLANK
    );
    writer.set_force_overwrite(true);
    writer.set_force_media_to_be_closed(true).unwrap();
    let steps = write(&rig, &writer, 16, 2);
    // The background format was stopped (suspended): closing completes it (010b).
    assert_eq!(steps, strings(&["WRITE 0..16", "SYNC", "CLOSE 010b"]));
    assert_eq!(&rig.block(0)[..5], &tagged(2, 0));
    assert_eq!(&rig.block(16)[..5], &tagged(1, 16));

    let eraser = burnbench::burn::Eraser::new();
    eraser.set_recorder(Some(&rig.recorder)).unwrap();
    eraser.set_client_name("burnbench");
    rig.clear_log();
    eraser.erase_media().unwrap();
    assert_eq!(rig.steps(), strings(&["START STOP", "FORMAT 26h"]));
    assert!(writer.media_heuristically_blank().unwrap());
    assert!(!writer.media_physically_blank().unwrap());
}

#[test]
fn bd_re_format_write_overwrite_erase() {
    let rig = Rig::blank(Profile::BdRe);
    let writer = rig.writer();
    assert_eq!(writer.current_media_status().unwrap(), OVERWRITE_ONLY | BLANK);
    let steps = write(&rig, &writer, 64, 1);
    assert_eq!(steps, strings(&["FORMAT 00h", "WRITE 0..64", "SYNC"]));
    assert_eq!(writer.current_physical_media_type().unwrap(), PhysicalMediaType::BDRE);
    assert_eq!(writer.total_sectors_on_media().unwrap(), 11826176);
    assert_eq!(writer.free_sectors_on_media().unwrap(), 11826176);
    assert!(!writer.media_heuristically_blank().unwrap());
    writer.set_force_overwrite(true);
    assert_eq!(write(&rig, &writer, 32, 2), strings(&["WRITE 0..32", "SYNC"]));

    let eraser = burnbench::burn::Eraser::new();
    eraser.set_recorder(Some(&rig.recorder)).unwrap();
    eraser.set_client_name("burnbench");
    rig.clear_log();
    eraser.erase_media().unwrap();
    assert_eq!(rig.steps(), strings(&["START STOP", "FORMAT 31h"]));
    assert!(writer.media_heuristically_blank().unwrap());
    assert_eq!(writer.total_sectors_on_media().unwrap(), 12219392);
    eraser.set_full_erase(true);
    rig.clear_log();
    eraser.erase_media().unwrap();
    assert_eq!(rig.steps(), strings(&["START STOP", "FORMAT 00h"]));
}

#[test]
fn dvd_ram_is_written_in_place() {
    let rig = Rig::blank(Profile::DvdRam);
    let writer = rig.writer();
    // Sold formatted: never physically blank, heuristically blank while it is all zeros.
    assert_eq!(writer.current_media_status().unwrap(), OVERWRITE_ONLY);
    assert!(!writer.media_physically_blank().unwrap());
    assert!(writer.media_heuristically_blank().unwrap());
    assert_eq!(write(&rig, &writer, 16, 1), strings(&["WRITE 0..16", "SYNC"]));
    assert_eq!(writer.current_physical_media_type().unwrap(), PhysicalMediaType::DVDRAM);
    assert!(!writer.media_heuristically_blank().unwrap());
}

#[test]
fn sequential_dvd_rw_is_formatted_to_restricted_overwrite_then_erased() {
    let rig = Rig::blank(Profile::DvdRwSequential);
    let writer = rig.writer();
    assert_eq!(writer.current_media_status().unwrap(), BLANK);
    let steps = write(&rig, &writer, 32, 1);
    assert_eq!(steps, strings(&["FORMAT 15h", "WRITE 0..32", "SYNC", "CLOSE 010b"]));
    assert_eq!(rig.disc().profile, Profile::DvdRwRestrictedOverwrite);
    assert_eq!(writer.current_media_status().unwrap(), OVERWRITE_ONLY);
    assert_eq!(
        writer.current_physical_media_type().unwrap(),
        PhysicalMediaType::DVDDASHRW
    );
    writer.set_force_overwrite(true);
    assert_eq!(write(&rig, &writer, 16, 2), strings(&["WRITE 0..16", "SYNC"]));

    let eraser = burnbench::burn::Eraser::new();
    eraser.set_recorder(Some(&rig.recorder)).unwrap();
    eraser.set_client_name("burnbench");
    rig.clear_log();
    eraser.erase_media().unwrap();
    assert_eq!(rig.steps(), strings(&["START STOP", "BLANK 001b"]));
    assert_eq!(rig.disc().profile, Profile::DvdRwSequential);
    assert_eq!(writer.current_media_status().unwrap(), BLANK);
}

#[test]
fn a_dvd_rw_written_sequentially_elsewhere_needs_an_erase() {
    let mut disc = Disc::new(Profile::DvdRwSequential);
    disc.write(0, 16, &burnbench::media::WriteParameters::multisession())
        .unwrap();
    disc.close(1, 1, &burnbench::media::WriteParameters::multisession())
        .unwrap();
    disc.close(2, 0, &burnbench::media::WriteParameters::multisession())
        .unwrap();
    let rig = Rig::new(disc);
    let writer = rig.writer();
    assert_eq!(
        writer.current_media_status().unwrap(),
        APPENDABLE | MediaStatus::ERASE_REQUIRED
    );
    assert_eq!(
        code(writer.write(&mut image(16, 1))),
        HResult::E_IMAPI_DF2DATA_INVALID_MEDIA_STATE
    );
}

#[test]
fn write_speeds_come_from_get_performance_and_are_applied() {
    let rig = Rig::blank(Profile::CdR);
    let writer = rig.writer();
    let speeds = writer.supported_write_speeds().unwrap();
    assert!(!speeds.is_empty());
    // 48× CD = 48 × 176 kB/s = 8448 kB/s = 3591 sectors of 2352 bytes per second.
    assert_eq!(speeds[0], 8448 * 1000 / 2352);
    assert_eq!(writer.requested_write_speed(), 0xFFFF_FFFF);
    writer.set_write_speed(75 * 16, false).unwrap();
    let steps = write(&rig, &writer, 10, 1);
    assert_eq!(steps[0], "SET CD SPEED");
    assert!(writer.current_write_speed().unwrap() <= 75 * 16);

    let rig = Rig::blank(Profile::BdRe);
    let writer = rig.writer();
    writer.set_write_speed(2 * 2194, false).unwrap();
    let steps = write(&rig, &writer, 32, 1);
    assert_eq!(steps[0], "FORMAT 00h");
    assert_eq!(steps[1], "SET STREAMING");
}

#[test]
fn progress_events_follow_the_phases_and_the_simulated_clock() {
    let rig = Rig::blank(Profile::DvdR);
    rig.drive().set_command_cost_ms(5);
    let writer = rig.writer();
    let mut events = Vec::new();
    writer
        .write_with_progress(&mut image(256, 1), None, &mut |p| events.push(p.clone()))
        .unwrap();
    let actions: Vec<WriteAction> = events.iter().map(|e| e.action).collect();
    let mut phases = actions.clone();
    phases.dedup();
    assert_eq!(
        phases,
        [
            WriteAction::ValidatingMedia,
            WriteAction::InitializingHardware,
            WriteAction::CalibratingPower,
            WriteAction::WritingData,
            WriteAction::Finalization,
            WriteAction::Completed
        ]
    );
    let writing: Vec<_> = events.iter().filter(|e| e.action == WriteAction::WritingData).collect();
    assert_eq!(writing.last().unwrap().last_written_lba, 255);
    assert!(writing.iter().all(|e| e.start_lba == 0 && e.sector_count == 256));
    let mid = writing[writing.len() / 2];
    assert!(mid.elapsed_ms > 0 && mid.remaining_ms > 0, "{mid:?}");
    let done = events.last().unwrap();
    assert_eq!(done.remaining_ms, 0);
    // The close of the border took 30 simulated seconds.
    assert!(done.elapsed_time() >= 30, "{done:?}");
    assert!(events.windows(2).all(|w| w[0].elapsed_ms <= w[1].elapsed_ms));
}

#[test]
fn ranges_of_a_rewritable_stream_only_are_written() {
    let rig = Rig::new(Disc::pressed(Profile::BdRe, 0, false));
    let writer = rig.writer();
    rig.clear_log();
    writer
        .write_with_progress(&mut image(256, 7), Some(&[0..32, 192..224]), &mut |_| {})
        .unwrap();
    assert_eq!(rig.steps(), strings(&["WRITE 0..32", "WRITE 192..224", "SYNC"]));
    assert_eq!(&rig.block(192)[..5], &tagged(7, 192));
    assert_eq!(rig.block(100), vec![0u8; 2048]);
}

#[test]
fn a_pioneer_style_drive_and_a_cd_only_drive_burn_too() {
    use burnbench::drive::Drive;
    use burnbench::media::medium::Medium;
    // dvd-writer: TEST UNIT READY answers GOOD while a close runs, other commands 2/04/07.
    let rig = Rig::with_drive(Drive::with_medium(
        burn_support::model("dvd-writer"),
        Medium::in_memory(Disc::new(Profile::DvdR)),
    ));
    let writer = rig.writer();
    write(&rig, &writer, 16, 1);
    write(&rig, &writer, 16, 2);
    assert_eq!(writer.current_media_status().unwrap(), APPENDABLE);
    assert_eq!(writer.start_address_of_previous_session().unwrap(), 16 + 28688);
    // cd-rw: 8/00/00 BLANK CHECK for unwritten blocks; a CD-RW written, erased, written.
    let rig = Rig::with_drive(Drive::with_medium(
        burn_support::model("cd-rw"),
        Medium::in_memory(Disc::new(Profile::CdRw)),
    ));
    let writer = rig.writer();
    write(&rig, &writer, 16, 1);
    let eraser = burnbench::burn::Eraser::new();
    eraser.set_recorder(Some(&rig.recorder)).unwrap();
    eraser.set_client_name("burnbench");
    eraser.erase_media().unwrap();
    assert_eq!(writer.current_media_status().unwrap(), BLANK);
    write(&rig, &writer, 16, 2);
    assert_eq!(&rig.block(0)[..5], &tagged(2, 0));
}
