//! Every documented error of IDiscFormat2Data that the emulator can provoke, with its exact
//! HRESULT value (imapi2.md §1.2, §2.5), and the recorder block [REC] through the sense table.

mod burn_support;

use burn_support::{Rig, ZeroStream, code, image, model};
use burnbench::burn::{DataWriter, DvdPlusRDlMultisession, MediaStatus};
use burnbench::drive::Drive;
use burnbench::hresult::HResult;
use burnbench::media::medium::Medium;
use burnbench::media::{Disc, Profile};
use std::cell::RefCell;
use std::rc::Rc;

fn value<T: std::fmt::Debug>(result: burnbench::hresult::ImapiResult<T>) -> u32 {
    code(result).0
}

#[test]
fn write_in_progress_refuses_setters_and_a_second_write() {
    let rig = Rig::blank(Profile::CdR);
    let writer = rig.writer();
    let inside = writer.clone();
    let mut seen = Vec::new();
    writer
        .write_with_progress(&mut image(40, 1), None, &mut |_| {
            if seen.is_empty() {
                seen.push(value(inside.set_force_media_to_be_closed(true)));
                seen.push(value(inside.set_postgap_already_in_image(true)));
                seen.push(value(inside.set_disable_consumer_dvd_compatibility_mode(true)));
                seen.push(value(
                    inside.set_dvd_plus_r_dl_multisession(DvdPlusRDlMultisession::LikeDvdPlusR),
                ));
                seen.push(value(inside.set_recorder(&inside.recorder().unwrap())));
                seen.push(value(inside.write(&mut image(1, 2))));
            }
        })
        .unwrap();
    assert_eq!(seen, [0xC0AA0400; 6]);
    assert!(!writer.force_media_to_be_closed(), "the refused setter changed nothing");
    assert_eq!(
        writer.dvd_plus_r_dl_multisession(),
        DvdPlusRDlMultisession::AsDocumented
    );
}

#[test]
fn cancel_outside_a_write_is_write_not_in_progress() {
    let writer = Rig::blank(Profile::CdR).writer();
    assert_eq!(value(writer.cancel_write()), 0xC0AA0401);
}

#[test]
fn cancel_stops_the_write_and_leaves_the_disc_usable() {
    let rig = Rig::blank(Profile::DvdR);
    let writer = rig.writer();
    let inside = writer.clone();
    let mut events = 0;
    let result = writer.write_with_progress(&mut image(512, 1), None, &mut |p| {
        if p.action == burnbench::burn::WriteAction::WritingData {
            events += 1;
            if events == 3 {
                inside.cancel_write().unwrap();
            }
        }
    });
    assert_eq!(value(result), 0xC0AA0002);
    // The partial session was closed, never the disc: it takes another session.
    assert_eq!(writer.current_media_status().unwrap(), MediaStatus::APPENDABLE);
    let written = rig.steps();
    assert!(written.contains(&"CLOSE 010b".to_string()), "{written:?}");
    writer.write(&mut image(16, 2)).unwrap();
}

#[test]
fn invalid_media_state_on_a_finalized_disc() {
    let rig = Rig::new(Disc::pressed(Profile::DvdR, 1000, false));
    let writer = rig.writer();
    assert_eq!(writer.current_media_status().unwrap(), MediaStatus::FINALIZED);
    assert_eq!(value(writer.write(&mut image(16, 1))), 0xC0AA0402);
    assert_eq!(value(writer.next_writable_address()), 0xC0AA0402);
    assert_eq!(value(writer.free_sectors_on_media()), 0xC0AA0402);
    assert_eq!(value(writer.total_sectors_on_media()), 0xC0AA0402);
    assert_eq!(value(writer.start_address_of_previous_session()), 0xC0AA0402);
}

#[test]
fn a_stream_not_a_multiple_of_2048_is_not_supported() {
    let writer = Rig::blank(Profile::CdR).writer();
    let mut odd = std::io::Cursor::new(vec![0u8; 1000]);
    assert_eq!(value(writer.write(&mut odd)), 0xC0AA0403);
    assert_eq!(value(writer.write(&mut std::io::Cursor::new(Vec::new()))), 0xC0AA0403);
}

#[test]
fn a_stream_larger_than_the_free_space_is_too_large() {
    let rig = Rig::blank(Profile::CdR);
    let writer = rig.writer();
    let free = writer.free_sectors_on_media().unwrap() as u64;
    let mut stream = ZeroStream {
        len: (free + 1) * 2048,
        pos: 0,
    };
    assert_eq!(value(writer.write(&mut stream)), 0xC0AA0404);
    assert!(rig.steps().is_empty(), "nothing was written");
    let rig = Rig::new(Disc::pressed(Profile::BdRe, 0, false));
    let writer = rig.writer();
    let mut stream = ZeroStream {
        len: (writer.total_sectors_on_media().unwrap() as u64 + 1) * 2048,
        pos: 0,
    };
    assert_eq!(value(writer.write(&mut stream)), 0xC0AA0404);
}

#[test]
fn overwriting_without_force_overwrite_is_media_not_blank() {
    let rig = Rig::new(Disc::pressed(Profile::DvdPlusRw, 0, false));
    let writer = rig.writer();
    writer.set_force_overwrite(true);
    writer.write(&mut image(16, 1)).unwrap();
    writer.set_force_overwrite(false);
    assert_eq!(value(writer.write(&mut image(16, 2))), 0xC0AA0405);
    // Continuing the disc through one of the writer's multisession objects is no overwrite.
    let list = writer.multisession_interfaces().unwrap();
    list[1].set_in_use(true);
    writer.write(&mut image(16, 3)).unwrap();
}

#[test]
fn pressed_media_and_media_the_drive_cannot_write_are_not_supported() {
    let rig = Rig::new(Disc::pressed(Profile::DvdRom, 1000, false));
    let writer = rig.writer();
    assert_eq!(writer.current_media_status().unwrap(), MediaStatus::UNSUPPORTED_MEDIA);
    assert_eq!(value(writer.write(&mut image(16, 1))), 0xC0AA0406);
    assert!(!writer.is_current_media_supported(&rig.recorder).unwrap());
    assert_eq!(value(writer.next_writable_address()), 0xC0AA0402);
    // BD-R in random recording mode: the bd-writer reads it but does not write it.
    let rig = Rig::new(Disc::new(Profile::BdRRrm));
    let writer = rig.writer();
    assert!(writer.current_media_status().unwrap().is_unsupported());
    assert_eq!(value(writer.write(&mut image(32, 1))), 0xC0AA0406);
}

#[test]
fn a_drive_that_writes_nothing_is_not_a_data_recorder() {
    let mut reader = model("bd-writer");
    reader.id = "bd-reader".into();
    reader.writes.clear();
    let rig = Rig::with_drive(Drive::with_medium(reader, Medium::in_memory(Disc::new(Profile::CdR))));
    let writer = DataWriter::new();
    assert!(!writer.is_recorder_supported(&rig.recorder).unwrap());
    assert_eq!(value(writer.set_recorder(&rig.recorder)), 0xC0AA0407);
}

#[test]
fn client_name_is_required_and_checked() {
    let rig = Rig::blank(Profile::CdR);
    let writer = rig.writer();
    for bad in ["", "bad/name", "tab\tname", &"x".repeat(64)] {
        writer.set_client_name(bad);
        assert_eq!(value(writer.write(&mut image(1, 1))), 0xC0AA0408, "{bad:?}");
    }
    assert!(rig.steps().is_empty());
}

#[test]
fn no_recorder_is_recorder_required() {
    let writer = DataWriter::new();
    assert_eq!(value(writer.write(&mut image(1, 1))), 0xC0AA0003);
    assert_eq!(value(writer.current_media_status()), 0xC0AA0003);
    assert_eq!(value(writer.multisession_interfaces()), 0xC0AA0003);
}

#[test]
fn no_medium_is_0202() {
    let rig = Rig::empty();
    let writer = rig.writer();
    assert_eq!(value(writer.current_media_status()), 0xC0AA0202);
    assert_eq!(value(writer.write(&mut image(1, 1))), 0xC0AA0202);
    assert_eq!(value(writer.media_heuristically_blank()), 0xC0AA0202);
    // The list of multisession objects is never empty, even so (imapi2.md §4 trap 3).
    assert_eq!(writer.multisession_interfaces().unwrap().len(), 2);
}

#[test]
fn a_medium_the_drive_cannot_read_is_incompatible() {
    let rig = Rig::with_drive(Drive::with_medium(
        model("cd-rw"),
        Medium::in_memory(Disc::new(Profile::DvdR)),
    ));
    let writer = rig.writer();
    assert_eq!(value(writer.current_media_status()), 0xC0AA0203);
}

#[test]
fn a_write_error_is_unexpected_response_from_device() {
    let rig = Rig::blank(Profile::CdR);
    rig.set_faults("FaultPlan(faults: [Fault(trigger: AtLba(lba: 40), effect: WriteError(deferred: false))])");
    assert_eq!(value(rig.writer().write(&mut image(100, 1))), 0xC0AA0301);
}

#[test]
fn a_deferred_write_error_surfaces_on_the_next_command() {
    let rig = Rig::blank(Profile::DvdPlusR);
    rig.set_faults("FaultPlan(faults: [Fault(trigger: AtLba(lba: 32), effect: WriteError(deferred: true))])");
    assert_eq!(value(rig.writer().write(&mut image(100, 1))), 0xC0AA0301);
}

#[test]
fn loss_of_streaming_is_0300() {
    let rig = Rig::blank(Profile::BdRSrm);
    rig.set_faults("FaultPlan(faults: [Fault(trigger: AtLba(lba: 64), effect: LossOfStreaming)])");
    assert_eq!(value(rig.writer().write(&mut image(128, 1))), 0xC0AA0300);
}

#[test]
fn a_failed_power_calibration_stops_the_write() {
    let rig = Rig::blank(Profile::DvdR);
    rig.set_faults("FaultPlan(faults: [Fault(trigger: OnOpcode(opcode: 0x54), effect: PowerCalibrationError)])");
    assert_eq!(value(rig.writer().write(&mut image(16, 1))), 0xC0AA0301);
    // A recovered "PCA almost full" is no error.
    let rig = Rig::blank(Profile::DvdR);
    rig.set_faults("FaultPlan(faults: [Fault(trigger: OnOpcode(opcode: 0x54), effect: PcaAlmostFull)])");
    rig.writer().write(&mut image(16, 1)).unwrap();
}

#[test]
fn a_fixation_error_on_close_is_0301() {
    let rig = Rig::blank(Profile::CdR);
    rig.set_faults("FaultPlan(faults: [Fault(trigger: OnOpcode(opcode: 0x5B), effect: SessionFixationError)])");
    assert_eq!(value(rig.writer().write(&mut image(10, 1))), 0xC0AA0301);
}

#[test]
fn the_medium_removed_mid_burn_is_0202() {
    let rig = Rig::blank(Profile::CdR);
    let writer = rig.writer();
    let after = rig.commands() + 30;
    rig.set_faults(&format!(
        "FaultPlan(faults: [Fault(trigger: AfterCommands(count: {after}), effect: MediumRemoved)])"
    ));
    // The drive's own command count includes commands before the log started (none here).
    assert_eq!(value(writer.write(&mut image(2000, 1))), 0xC0AA0202);
}

#[test]
fn a_close_that_never_completes_is_command_timeout() {
    let rig = Rig::blank(Profile::CdR);
    rig.set_faults("FaultPlan(faults: [Fault(trigger: OnOpcode(opcode: 0x35), effect: NoCompletion, times: Always)])");
    assert_eq!(value(rig.writer().write(&mut image(10, 1))), 0xC0AA020D);
}

#[test]
fn a_drive_that_never_gets_ready_times_out_instead_of_hanging() {
    let rig = Rig::blank(Profile::CdR);
    let writer = rig.writer();
    rig.recorder.set_poll_policy(burnbench::burn::PollPolicy {
        interval_ms: 1000,
        max_polls: 20,
        write_timeout_ms: 10_000,
        erase_timeout_ms: 10_000,
    });
    // CLOSE SESSION takes 30 s; the policy allows 10 s.
    assert_eq!(value(writer.write(&mut image(10, 1))), 0xC0AA020D);
}

#[test]
fn becoming_ready_is_0205_for_a_query_and_waited_for_by_a_write() {
    let rig = Rig::blank(Profile::CdR);
    let writer = rig.writer();
    rig.set_faults("FaultPlan(faults: [Fault(trigger: AfterCommands(count: 0), effect: NotReady(for_ms: 5000))])");
    assert_eq!(value(writer.current_media_status()), 0xC0AA0205);
    writer.write(&mut image(10, 1)).unwrap();
}

#[test]
fn another_client_holding_exclusive_access_locks_the_writer_out() {
    let rig = Rig::blank(Profile::CdR);
    let writer = rig.writer();
    let other = rig.recorder.another_handle();
    other.acquire_exclusive_access(false, "other program").unwrap();
    assert_eq!(value(writer.write(&mut image(10, 1))), 0xC0AA0210);
    assert_eq!(value(writer.current_media_status()), 0xC0AA0210);
    other.release_exclusive_access().unwrap();
    writer.write(&mut image(10, 1)).unwrap();
    // Write took and gave back the lock itself.
    assert_eq!(rig.recorder.exclusive_access_owner(), "");
}

#[test]
fn the_write_holds_exclusive_access_under_the_client_name() {
    let rig = Rig::blank(Profile::CdR);
    let writer = rig.writer();
    writer.set_client_name("Burner 2");
    let recorder = rig.recorder.clone();
    let owners = Rc::new(RefCell::new(Vec::new()));
    let seen = owners.clone();
    writer
        .write_with_progress(&mut image(10, 1), None, &mut |_| {
            seen.borrow_mut().push(recorder.exclusive_access_owner())
        })
        .unwrap();
    assert!(owners.borrow().iter().any(|o| o == "Burner 2"));
    assert_eq!(rig.recorder.exclusive_access_count(), 0);
}

#[test]
fn the_write_never_touches_the_disc_when_validation_fails() {
    let rig = Rig::blank(Profile::CdR);
    let writer = rig.writer();
    let before = rig.disc();
    let mut odd = std::io::Cursor::new(vec![0u8; 2049]);
    assert_eq!(
        code(writer.write(&mut odd)),
        HResult::E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED
    );
    assert_eq!(rig.disc(), before);
}
