//! Every documented error of the IFileSystemImage option members (imapi2.md §2.1), provoked
//! through the public API, with its exact HRESULT. Item-tree, stream and import errors:
//! tests/fsi_item_errors.rs.

mod common;
mod fsi_common;

use burnbench::fsi::{BootOptions, EmulationType, FileData, FileSystemImage, FileSystems, MediaPhysicalType};
use burnbench::hresult::HResult;
use fsi_common::{bytes, code, new_image};
use std::io::Cursor;

fn iso_and_joliet() -> FileSystems {
    FileSystems::ISO9660.union(FileSystems::JOLIET)
}

// ---- FileSystemsToCreate ---------------------------------------------------------------------

#[test]
fn file_systems_to_create_refuses_unknown_bits() {
    let mut fsi = new_image();
    assert_eq!(
        code(fsi.set_file_systems_to_create_bits(8)),
        HResult::IMAPI_E_INVALID_PARAM
    );
    assert_eq!(
        code(fsi.set_file_systems_to_create(FileSystems::UNKNOWN)),
        HResult::IMAPI_E_INVALID_PARAM
    );
    assert_eq!(fsi.file_systems_to_create(), iso_and_joliet());
}

#[test]
fn no_file_system_is_no_output() {
    let mut fsi = new_image();
    fsi.set_file_systems_to_create(FileSystems::NONE).unwrap();
    let err = fsi.create_result_image().unwrap_err();
    assert_eq!(
        err.to_string(),
        "IMAPI_E_NO_OUTPUT (0xC0AAB103): No output file system specified."
    );
}

#[test]
fn asking_for_iso9660_over_a_deep_tree_is_levels() {
    let mut fsi = new_image();
    fsi.set_file_systems_to_create(FileSystems::JOLIET).unwrap();
    let mut path = String::new();
    for level in 0..8 {
        path.push_str(&format!("/d{level}"));
        fsi.add_directory(&path).unwrap();
    }
    assert_eq!(
        code(fsi.set_file_systems_to_create(iso_and_joliet())),
        HResult::IMAPI_E_ISO9660_LEVELS
    );
    assert_eq!(fsi.file_systems_to_create(), FileSystems::JOLIET);
}

#[test]
fn asking_for_iso9660_over_65535_directories_is_too_many_dirs() {
    let mut fsi = new_image();
    fsi.set_file_systems_to_create(FileSystems::UDF).unwrap();
    let mut many = fsi.create_directory_item("many").unwrap();
    for i in 0..65_534 {
        many.add_directory(&format!("d{i}")).unwrap();
    }
    fsi.add("/", many).unwrap();
    assert_eq!(fsi.directory_count(), 65_536);
    let err = fsi.set_file_systems_to_create(FileSystems::ISO9660).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_TOO_MANY_DIRS);
    assert_eq!(
        err.message(),
        "This file system image has too many directories for the ISO9660 file system."
    );
}

#[test]
fn options_are_read_only_while_a_result_lives() {
    let mut fsi = new_image();
    let result = fsi.create_result_image().unwrap();
    let stream = result.image_stream();
    drop(result);
    assert_eq!(
        code(fsi.set_file_systems_to_create(FileSystems::ISO9660)),
        HResult::IMAPI_E_READONLY
    );
    assert_eq!(code(fsi.add_directory("/a")), HResult::IMAPI_E_READONLY);
    assert_eq!(
        code(fsi.set_working_directory(&std::env::temp_dir())),
        HResult::IMAPI_E_READONLY
    );
    drop(stream);
    fsi.add_directory("/a").unwrap();
}

#[test]
fn redundant_udf_metadata_without_udf_2_50_is_a_success_code() {
    let mut fsi = new_image();
    assert_eq!(
        fsi.set_create_redundant_udf_metadata_files(true).unwrap(),
        HResult::IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED
    );
    assert!(HResult::IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED.is_success());
    fsi.set_file_systems_to_create(FileSystems::UDF).unwrap();
    fsi.set_udf_revision(0x250).unwrap();
    assert_eq!(
        fsi.set_create_redundant_udf_metadata_files(true).unwrap(),
        HResult::S_OK
    );
}

// ---- VolumeName, levels, UDF revision, strict, free blocks -----------------------------------

#[test]
fn volume_names_break_the_rules_of_the_file_systems() {
    let mut fsi = new_image();
    let err = fsi.set_volume_name("Sixteen_chars_xx").unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_INVALID_VOLUME_NAME);
    assert_eq!(
        err.code.0, 0xC0AAB104,
        "the header's value, not the docs' B101 (imapi2.md §1.1)"
    );
    assert_eq!(
        code(fsi.set_volume_name("My Disc")),
        HResult::IMAPI_E_INVALID_VOLUME_NAME
    );
    fsi.set_volume_name("My.Disc_2").unwrap();
    assert_eq!(fsi.volume_name_iso9660(), "MY_DISC_2");
    fsi.set_file_systems_to_create(FileSystems::ISO9660).unwrap();
    assert_eq!(code(fsi.set_volume_name("lower")), HResult::IMAPI_E_INVALID_VOLUME_NAME);
    fsi.set_volume_name("UPPER_1").unwrap();
}

#[test]
fn interchange_levels_outside_1_to_3_are_invalid() {
    let mut fsi = new_image();
    for bad in [0, 4, 9660] {
        let err = fsi.set_iso9660_interchange_level(bad).unwrap_err();
        assert_eq!(
            err.message(),
            "The value specified for parameter 'newVal' is not valid."
        );
    }
    fsi.set_iso9660_interchange_level(3).unwrap();
    assert_eq!(fsi.iso9660_interchange_levels_supported(), &[1, 2, 3]);
}

#[test]
fn udf_revisions_outside_the_list_are_invalid() {
    let mut fsi = new_image();
    for bad in [0x100, 0x103, 0x210, 0x251, 102] {
        assert_eq!(
            code(fsi.set_udf_revision(bad)),
            HResult::IMAPI_E_INVALID_PARAM,
            "{bad:#x}"
        );
    }
    for good in [0x102, 0x150, 0x200, 0x201, 0x250, 0x260] {
        fsi.set_udf_revision(good).unwrap();
        assert_eq!(fsi.udf_revision(), good);
    }
}

#[test]
fn strict_compliance_changes_only_while_empty() {
    let mut fsi = new_image();
    fsi.set_strict_file_system_compliance(true).unwrap();
    fsi.add_file("/a", bytes(b"a")).unwrap();
    assert_eq!(
        code(fsi.set_strict_file_system_compliance(false)),
        HResult::IMAPI_E_FILE_SYSTEM_NOT_EMPTY
    );
}

#[test]
fn free_media_blocks_below_the_estimate_is_image_too_big() {
    let mut fsi = FileSystemImage::new();
    assert_eq!(fsi.free_media_blocks(), 332_800);
    fsi.add_file("/big", FileData::from_reader(Cursor::new(vec![0u8; 0]), 100 * 2048))
        .unwrap();
    assert_eq!(code(fsi.set_free_media_blocks(100)), HResult::IMAPI_E_IMAGE_TOO_BIG);
    fsi.set_free_media_blocks(0).unwrap();
}

#[test]
fn an_image_larger_than_free_media_blocks_is_not_created() {
    let mut fsi = new_image();
    fsi.set_file_systems_to_create(FileSystems::ISO9660).unwrap();
    fsi.add_file("/f", bytes(&[1u8; 4096])).unwrap();
    let used = fsi.used_blocks() as u32;
    fsi.set_free_media_blocks(used).unwrap();
    assert!(
        fsi.create_result_image().unwrap().total_blocks() <= used,
        "the estimate covers the image"
    );
    // A second tree makes the image larger than the limit (the setter does not re-estimate).
    fsi.set_file_systems_to_create(iso_and_joliet()).unwrap();
    assert_eq!(code(fsi.create_result_image()), HResult::IMAPI_E_IMAGE_TOO_BIG);
}

#[test]
fn media_type_defaults() {
    let mut fsi = new_image();
    assert_eq!(
        code(fsi.choose_image_defaults_for_media_type(MediaPhysicalType::DvdRom)),
        HResult::IMAPI_E_INVALID_PARAM
    );
    assert_eq!(
        code(fsi.choose_image_defaults_for_media_type(MediaPhysicalType::Unknown)),
        HResult::IMAPI_E_INVALID_PARAM
    );
    assert_eq!(
        code(fsi.choose_image_defaults_for_media_type_value(0x99)),
        HResult::IMAPI_E_INVALID_PARAM
    );
    fsi.choose_image_defaults_for_media_type(MediaPhysicalType::BdR)
        .unwrap();
    assert_eq!(
        (fsi.file_systems_to_create(), fsi.udf_revision()),
        (FileSystems::UDF, 0x250)
    );
    fsi.choose_image_defaults_for_media_type(MediaPhysicalType::CdR)
        .unwrap();
    assert_eq!(fsi.file_systems_to_create(), iso_and_joliet());
    assert_eq!(fsi.free_media_blocks(), 359_847);
    fsi.set_free_media_blocks(0).unwrap();
    fsi.add_file("/dvd-sized", FileData::from_reader(Cursor::new(Vec::new()), 1 << 30))
        .unwrap();
    assert_eq!(
        code(fsi.choose_image_defaults_for_media_type(MediaPhysicalType::CdRw)),
        HResult::IMAPI_E_IMAGE_TOO_BIG
    );
    fsi.choose_image_defaults_for_media_type(MediaPhysicalType::DvdPlusR)
        .unwrap();
}

// ---- Boot options ----------------------------------------------------------------------------

#[test]
fn boot_options_without_an_image_are_boot_image_data() {
    let mut fsi = new_image();
    assert_eq!(
        code(fsi.set_boot_image_options(Some(BootOptions::new()))),
        HResult::IMAPI_E_BOOT_IMAGE_DATA
    );
    assert_eq!(
        code(BootOptions::new().assign_boot_image(bytes(b""))),
        HResult::IMAPI_E_BOOT_IMAGE_DATA
    );
}

#[test]
fn boot_options_belong_to_a_first_session() {
    let mut fsi = new_image();
    let mut boot = BootOptions::new();
    boot.assign_boot_image(bytes(&[0xEB; 2048])).unwrap();
    fsi.set_session_start_block(1000).unwrap();
    assert_eq!(
        code(fsi.set_boot_image_options(Some(boot.clone()))),
        HResult::IMAPI_E_BOOT_OBJECT_CONFLICT
    );
    fsi.set_session_start_block(0).unwrap();
    fsi.set_boot_image_options(Some(boot)).unwrap();
    fsi.set_session_start_block(1000).unwrap();
    assert_eq!(code(fsi.create_result_image()), HResult::IMAPI_E_BOOT_OBJECT_CONFLICT);
}

#[test]
fn more_than_32_boot_entries_are_invalid() {
    let mut fsi = new_image();
    let mut boot = BootOptions::new();
    boot.assign_boot_image(bytes(&[1; 512])).unwrap();
    assert_eq!(
        code(fsi.set_boot_image_options_array(vec![boot.clone(); 33])),
        HResult::IMAPI_E_INVALID_PARAM
    );
    fsi.set_boot_image_options_array(vec![boot; 32]).unwrap();
}

#[test]
fn an_emulation_that_does_not_fit_the_image_is_a_size_mismatch() {
    let mut boot = BootOptions::new();
    boot.assign_boot_image(bytes(&vec![0u8; 1_228_800])).unwrap();
    assert_eq!(boot.emulation(), EmulationType::Floppy12M);
    let err = boot.set_emulation(EmulationType::Floppy144M).unwrap_err();
    assert_eq!(
        err.to_string(),
        "IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH (0xC0AAB14A): The emulation type requested does not match the boot image size."
    );
    let mut tiny = BootOptions::new();
    tiny.assign_boot_image(bytes(&[0u8; 100])).unwrap();
    assert_eq!(
        code(tiny.set_emulation(EmulationType::HardDisk)),
        HResult::IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH
    );
    tiny.set_emulation(EmulationType::None).unwrap();
}

// ---- Working directory -----------------------------------------------------------------------

#[test]
fn working_directory_must_be_an_existing_folder() {
    let mut fsi = new_image();
    assert_eq!(
        code(fsi.set_working_directory(std::path::Path::new(""))),
        HResult::IMAPI_E_INVALID_PARAM
    );
    let missing = std::env::temp_dir().join("burnbench-no-such-folder-8f2a");
    let err = fsi.set_working_directory(&missing).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_INVALID_WORKING_DIRECTORY);
    assert!(err.message().contains("burnbench-no-such-folder-8f2a"));
    let dir = tempfile::tempdir().unwrap();
    fsi.set_working_directory(dir.path()).unwrap();
}
