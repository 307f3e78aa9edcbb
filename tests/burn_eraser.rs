//! IDiscFormat2Erase against the emulated drive: what each medium takes, progress, and every
//! documented error with its exact value (note the 0x80AA09xx block, imapi2.md §1.2).

mod burn_support;

use burn_support::{Rig, code, image, model};
use burnbench::burn::{EraseProgress, Eraser, MediaStatus, PhysicalMediaType};
use burnbench::drive::Drive;
use burnbench::media::medium::Medium;
use burnbench::media::{Disc, Profile};

fn eraser(rig: &Rig) -> Eraser {
    let eraser = Eraser::new();
    eraser.set_recorder(Some(&rig.recorder)).unwrap();
    eraser.set_client_name("burnbench");
    eraser
}

fn value<T: std::fmt::Debug>(result: burnbench::hresult::ImapiResult<T>) -> u32 {
    code(result).0
}

/// A CD-RW with one closed session.
fn written_cd_rw() -> Rig {
    let rig = Rig::blank(Profile::CdRw);
    rig.writer().write(&mut image(20, 1)).unwrap();
    rig
}

#[test]
fn a_full_erase_takes_ten_simulated_minutes_with_progress() {
    let rig = written_cd_rw();
    let eraser = eraser(&rig);
    eraser.set_full_erase(true);
    assert!(eraser.full_erase());
    assert_eq!(eraser.current_physical_media_type().unwrap(), PhysicalMediaType::CDRW);
    let mut events: Vec<EraseProgress> = Vec::new();
    eraser.erase_media_with_progress(&mut |p| events.push(*p)).unwrap();
    let last = events.last().unwrap();
    assert!((600..=602).contains(&last.elapsed_seconds), "{last:?}");
    // Midway the estimate comes from the drive's progress indication.
    let mid = &events[events.len() / 2];
    assert!((590..=620).contains(&mid.estimated_total_seconds), "{mid:?}");
    assert_eq!(rig.writer().current_media_status().unwrap(), MediaStatus::BLANK);
}

#[test]
fn write_once_media_are_not_erasable_0x80aa0904() {
    for profile in [Profile::CdR, Profile::DvdR, Profile::DvdPlusR, Profile::BdRSrm] {
        let rig = Rig::blank(profile);
        assert_eq!(value(eraser(&rig).erase_media()), 0x80AA0904, "{profile:?}");
    }
}

#[test]
fn pressed_media_dvd_ram_and_no_medium() {
    let rig = Rig::new(Disc::pressed(Profile::DvdRom, 100, false));
    assert_eq!(value(eraser(&rig).erase_media()), 0xC0AA0909);
    let rig = Rig::blank(Profile::DvdRam);
    assert_eq!(value(eraser(&rig).erase_media()), 0xC0AA0909);
    let rig = Rig::empty();
    assert_eq!(value(eraser(&rig).erase_media()), 0xC0AA0202);
}

#[test]
fn a_failing_blank_is_took_longer_than_one_hour() {
    // imapi2.md §4 trap 10: a CD-RW/DVD-RW erase failing on bad media reports 0x80AA0906.
    let rig = written_cd_rw();
    rig.set_faults("FaultPlan(faults: [Fault(trigger: OnOpcode(opcode: 0xA1), effect: PowerCalibrationError)])");
    assert_eq!(value(eraser(&rig).erase_media()), 0x80AA0906);
}

#[test]
fn a_blank_that_never_completes_or_runs_too_long_is_0x80aa0906() {
    let rig = written_cd_rw();
    rig.set_faults("FaultPlan(faults: [Fault(trigger: OnOpcode(opcode: 0xA1), effect: NoCompletion)])");
    assert_eq!(value(eraser(&rig).erase_media()), 0x80AA0906);

    let rig = written_cd_rw();
    rig.recorder.set_poll_policy(burnbench::burn::PollPolicy {
        erase_timeout_ms: 120_000,
        ..Default::default()
    });
    let eraser = eraser(&rig);
    eraser.set_full_erase(true);
    assert_eq!(value(eraser.erase_media()), 0x80AA0906);
}

#[test]
fn a_refused_spin_up_is_0x80aa0908() {
    let rig = written_cd_rw();
    rig.set_faults("FaultPlan(faults: [Fault(trigger: OnOpcode(opcode: 0x1B), effect: PowerCalibrationError)])");
    assert_eq!(value(eraser(&rig).erase_media()), 0x80AA0908);
}

#[test]
fn client_name_recorder_and_recorder_changes() {
    let rig = written_cd_rw();
    let eraser = Eraser::new();
    assert_eq!(value(eraser.erase_media()), 0xC0AA0003);
    eraser.set_recorder(Some(&rig.recorder)).unwrap();
    assert_eq!(value(eraser.erase_media()), 0xC0AA090B);
    // Setting the same recorder again is fine; another one must wait for a clear.
    eraser.set_recorder(Some(&rig.recorder.clone())).unwrap();
    let other = Rig::blank(Profile::CdRw);
    assert_eq!(value(eraser.set_recorder(Some(&other.recorder))), 0x80AA0901);
    eraser.set_recorder(None).unwrap();
    eraser.set_recorder(Some(&other.recorder)).unwrap();
}

#[test]
fn changing_the_recorder_during_an_erase_is_recorder_in_use() {
    let rig = written_cd_rw();
    let eraser = eraser(&rig);
    let inside = eraser.clone();
    let mut seen = None;
    eraser
        .erase_media_with_progress(&mut |_| {
            seen.get_or_insert_with(|| value(inside.set_recorder(None)));
        })
        .unwrap();
    assert_eq!(seen, Some(0x80AA0900));
}

#[test]
fn a_drive_that_erases_nothing_is_not_supported() {
    let mut reader = model("bd-writer");
    reader.writes.clear();
    let rig = Rig::with_drive(Drive::with_medium(reader, Medium::in_memory(Disc::new(Profile::CdRw))));
    assert_eq!(value(eraser(&rig).erase_media()), 0xC0AA090A);
}

#[test]
fn another_client_holding_the_drive_locks_the_eraser_out() {
    let rig = written_cd_rw();
    let other = rig.recorder.another_handle();
    other.acquire_exclusive_access(true, "other").unwrap();
    assert_eq!(value(eraser(&rig).erase_media()), 0xC0AA0210);
}
