//! `Recorder` (IDiscRecorder2 subset) against the emulated drive.

mod burn_support;

use burn_support::{Rig, code};
use burnbench::burn::Recorder;
use burnbench::drive::Drive;
use burnbench::media::Profile;

fn value<T: std::fmt::Debug>(result: burnbench::hresult::ImapiResult<T>) -> u32 {
    code(result).0
}

#[test]
fn identity_comes_from_inquiry() {
    let rig = Rig::blank(Profile::CdR);
    assert_eq!(rig.recorder.vendor_id().unwrap(), "BURNBNCH");
    assert_eq!(rig.recorder.product_id().unwrap(), "BD-RE BB-12X");
    assert_eq!(rig.recorder.product_revision().unwrap(), "1.00");
    assert_eq!(rig.opcodes(), [0x12, 0x12, 0x12]);
}

#[test]
fn profiles_follow_the_model_and_the_medium() {
    let rig = Rig::blank(Profile::CdR);
    let supported = rig.recorder.supported_profiles().unwrap();
    assert_eq!(supported.len(), 16);
    assert_eq!(supported[0], 0x0043, "highest first, as drives list them");
    assert_eq!(rig.recorder.current_profiles().unwrap(), [0x0009]);
    assert_eq!(rig.recorder.current_profile().unwrap(), 0x0009);
    let empty = Rig::empty();
    assert!(empty.recorder.current_profiles().unwrap().is_empty());
    assert_eq!(empty.recorder.current_profile().unwrap(), 0);
}

#[test]
fn feature_pages_supported_and_current() {
    let rig = Rig::blank(Profile::CdR);
    let supported = rig.recorder.supported_feature_pages().unwrap();
    for code in [0x0000, 0x0001, 0x0003, 0x0020, 0x0021, 0x002D, 0x0041] {
        assert!(supported.contains(&code), "{code:04X}h");
    }
    let current = rig.recorder.current_feature_pages().unwrap();
    assert!(current.contains(&0x0021) && current.contains(&0x002D));
    assert!(!current.contains(&0x0020), "random writable is not current on CD-R");
    assert_eq!(
        rig.recorder.feature(0x0028).unwrap_err().code.0,
        0xC0AA020A,
        "MRW is not presented"
    );
}

#[test]
fn mode_pages_depend_on_the_medium() {
    assert_eq!(
        Rig::blank(Profile::CdR).recorder.supported_mode_pages().unwrap(),
        [0x01, 0x05, 0x08, 0x2A]
    );
    // Page 05h is a drive-level page: a writer reports it on every medium, also where the
    // medium ignores it (docs/drive.md; growisofs senses it on DVD+R).
    assert_eq!(
        Rig::blank(Profile::BdRe).recorder.supported_mode_pages().unwrap(),
        [0x01, 0x05, 0x08, 0x2A]
    );
}

#[test]
fn eject_and_close_tray() {
    let rig = Rig::blank(Profile::CdR);
    assert!(rig.recorder.device_can_load_media().unwrap());
    rig.recorder.eject_media().unwrap();
    assert!(rig.drive().tray_open());
    rig.recorder.close_tray().unwrap();
    assert!(!rig.drive().tray_open());
    // The medium is back: after the unit attention (retried) the profile is current again.
    assert_eq!(rig.recorder.current_profile().unwrap(), 0x0009);
    assert_eq!(rig.recorder.supported_mode_pages().unwrap(), [0x01, 0x05, 0x08, 0x2A]);
}

#[test]
fn exclusive_access_counts_and_names_its_owner() {
    let rig = Rig::blank(Profile::CdR);
    let recorder = &rig.recorder;
    assert_eq!(recorder.exclusive_access_owner(), "");
    recorder.acquire_exclusive_access(false, "burnbench").unwrap();
    recorder.acquire_exclusive_access(false, "burnbench").unwrap();
    assert_eq!(recorder.exclusive_access_count(), 2);
    assert_eq!(recorder.exclusive_access_owner(), "burnbench");
    // A clone is the same recorder object: it is the owner too.
    recorder.clone().vendor_id().unwrap();
    let other = recorder.another_handle();
    assert_eq!(other.exclusive_access_owner(), "burnbench");
    assert_eq!(value(other.vendor_id()), 0xC0AA0210);
    assert_eq!(value(other.acquire_exclusive_access(true, "other")), 0xC0AA0210);
    assert_eq!(value(other.release_exclusive_access()), 0xC0AA0210);
    assert_eq!(value(other.eject_media()), 0xC0AA0210);
    recorder.release_exclusive_access().unwrap();
    assert_eq!(value(other.vendor_id()), 0xC0AA0210, "still held once");
    recorder.release_exclusive_access().unwrap();
    assert_eq!(recorder.exclusive_access_count(), 0);
    assert_eq!(other.vendor_id().unwrap(), "BURNBNCH");
    other.acquire_exclusive_access(false, "other").unwrap();
    assert_eq!(value(recorder.vendor_id()), 0xC0AA0210);
}

#[test]
fn an_invalid_client_name_cannot_take_the_lock() {
    let rig = Rig::blank(Profile::CdR);
    assert_eq!(value(rig.recorder.acquire_exclusive_access(false, "")), 0xC0AA0211);
    assert_eq!(value(rig.recorder.acquire_exclusive_access(false, "a/b")), 0xC0AA0211);
}

#[test]
fn a_recorder_over_a_plain_drive_works_too() {
    let mut drive = Drive::new(burn_support::model("cd-rw"));
    drive.settle();
    let recorder = Recorder::new(drive);
    assert_eq!(recorder.product_id().unwrap(), "CD-RW BB-52X");
    // An unsettled drive's power-on attention is retried, as the class driver does.
    let (recorder, drive) = Recorder::emulated(Drive::new(burn_support::model("dvd-writer")));
    assert_eq!(recorder.current_profile().unwrap(), 0);
    assert!(!drive.borrow().tray_open());
}

#[test]
fn no_medium_is_0202_for_media_queries_only() {
    let rig = Rig::empty();
    assert_eq!(rig.recorder.vendor_id().unwrap(), "BURNBNCH");
    let writer = rig.writer();
    assert_eq!(value(writer.current_physical_media_type()), 0xC0AA0202);
}
