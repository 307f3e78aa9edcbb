//! Every documented error of the item-tree members (IFileSystemImage, IFsiDirectoryItem,
//! imapi2.md §2.1, §2.3), of the result stream and of import, provoked through the public API,
//! with its exact HRESULT. Option errors: tests/fsi_option_errors.rs.

mod common;
mod fsi_common;

use burnbench::fsi::read::{self, SeekBlockReader};
use burnbench::fsi::{FileData, FileSystemImage, FileSystems, FsiItemType, default_file_system_for_import};
use burnbench::hresult::{HResult, ImapiError};
use fsi_common::{bytes, code, new_image};
use std::io::{Cursor, Read, Seek, SeekFrom};

// ---- Paths, Exists, items --------------------------------------------------------------------

#[test]
fn paths_must_start_with_a_separator() {
    let mut fsi = new_image();
    let err = fsi.exists("a/b").unwrap_err();
    assert_eq!(
        err.to_string(),
        "IMAPI_E_INVALID_PATH (0xC0AAB110): Path 'a/b' is badly formed or contains invalid characters."
    );
    assert_eq!(code(fsi.add_directory("dir")), HResult::IMAPI_E_INVALID_PATH);
    assert_eq!(code(fsi.add_file("/a/../b", bytes(b""))), HResult::IMAPI_E_INVALID_PATH);
    assert_eq!(code(fsi.remove("x")), HResult::IMAPI_E_INVALID_PATH);
    assert_eq!(fsi.exists("\\").unwrap(), FsiItemType::Directory);
    assert_eq!(fsi.exists("/nothing").unwrap(), FsiItemType::NotFound);
}

#[test]
fn create_item_with_a_bad_name_is_invalid_param() {
    let fsi = new_image();
    for bad in ["", ".", "..", "a/b", "a\\b", "tab\there"] {
        assert_eq!(
            code(fsi.create_file_item(bad)),
            HResult::IMAPI_E_INVALID_PARAM,
            "{bad:?}"
        );
        assert_eq!(
            code(fsi.create_directory_item(bad)),
            HResult::IMAPI_E_INVALID_PARAM,
            "{bad:?}"
        );
    }
}

#[test]
fn restricted_character_set_refuses_non_ansi_names() {
    let mut fsi = new_image();
    fsi.set_use_restricted_character_set(true).unwrap();
    let err = fsi.create_file_item("日本.txt").unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_RESTRICTED_NAME_VIOLATION);
    assert!(err.message().starts_with("The name '日本.txt' specified is not legal"));
    assert_eq!(
        code(fsi.add_directory("/Ωmega")),
        HResult::IMAPI_E_RESTRICTED_NAME_VIOLATION
    );
    fsi.add_directory("/café").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ελληνικά"), b"x").unwrap();
    assert_eq!(
        code(fsi.add_tree("/", dir.path(), false)),
        HResult::IMAPI_E_RESTRICTED_NAME_VIOLATION
    );
    fsi.set_use_restricted_character_set(false).unwrap();
    fsi.add_tree("/", dir.path(), false).unwrap();
}

#[test]
fn adding_under_a_missing_folder_is_not_in_file_system() {
    let mut fsi = new_image();
    let err = fsi.add_file("/missing/f.txt", bytes(b"x")).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_NOT_IN_FILE_SYSTEM);
    assert_eq!(err.params, ["/missing"]);
    assert_eq!(code(fsi.add_directory("/a/b")), HResult::IMAPI_E_NOT_IN_FILE_SYSTEM);
}

#[test]
fn adding_under_a_file_is_not_dir() {
    let mut fsi = new_image();
    fsi.add_file("/f", bytes(b"x")).unwrap();
    let err = fsi.add_file("/f/g", bytes(b"x")).unwrap_err();
    assert_eq!(err.message(), "Specified path '/f' does not identify a directory.");
}

#[test]
fn names_are_duplicates_ignoring_case() {
    let mut fsi = new_image();
    fsi.add_file("/Read.me", bytes(b"x")).unwrap();
    let err = fsi.add_file("/READ.ME", bytes(b"y")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "IMAPI_E_DUP_NAME (0xC0AAB112): '/READ.ME' name already exists."
    );
    assert_eq!(code(fsi.add_directory("/read.me")), HResult::IMAPI_E_DUP_NAME);
    let item = fsi.create_file_item("read.ME").unwrap();
    assert_eq!(code(fsi.add("/", item)), HResult::IMAPI_E_DUP_NAME);
}

#[test]
fn add_into_a_missing_folder_is_dir_not_found() {
    let mut fsi = new_image();
    let item = fsi.create_file_item("f").unwrap();
    assert_eq!(code(fsi.add("/nowhere", item)), HResult::IMAPI_E_DIR_NOT_FOUND);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        code(fsi.add_tree("/nowhere", dir.path(), false)),
        HResult::IMAPI_E_DIR_NOT_FOUND
    );
}

#[test]
fn remove_errors() {
    let mut fsi = new_image();
    fsi.add_directory("/d").unwrap();
    fsi.add_file("/d/f", bytes(b"x")).unwrap();
    let err = fsi.remove("/d").unwrap_err();
    assert_eq!(
        err.to_string(),
        "IMAPI_E_DIR_NOT_EMPTY (0xC0AAB10A): The directory '/d' is not empty."
    );
    assert_eq!(code(fsi.remove("/nothing")), HResult::IMAPI_E_NOT_IN_FILE_SYSTEM);
    assert_eq!(code(fsi.remove("/")), HResult::IMAPI_E_INVALID_PARAM);
    fsi.remove("/d/f").unwrap();
    fsi.remove("/d").unwrap();
    assert_eq!(fsi.exists("/d").unwrap(), FsiItemType::NotFound);
}

#[test]
fn remove_tree_errors() {
    let mut fsi = new_image();
    fsi.add_file("/f", bytes(b"x")).unwrap();
    assert_eq!(code(fsi.remove_tree("/f")), HResult::IMAPI_E_NOT_DIR);
    let err = fsi.remove_tree("/gone").unwrap_err();
    assert_eq!(
        err.message(),
        "The directory '/gone' not found in FileSystemImage hierarchy."
    );
    fsi.add_directory("/d").unwrap();
    fsi.add_file("/d/x", bytes(b"x")).unwrap();
    fsi.remove_tree("/d").unwrap();
    fsi.remove_tree("\\").unwrap();
    assert_eq!((fsi.file_count(), fsi.directory_count()), (0, 1));
}

#[test]
fn item_not_found() {
    let mut fsi = new_image();
    assert_eq!(code(fsi.item("/nothing")), HResult::IMAPI_E_ITEM_NOT_FOUND);
    assert_eq!(code(fsi.set_hidden("/nothing", true)), HResult::IMAPI_E_ITEM_NOT_FOUND);
    assert_eq!(code(fsi.children("/nothing")), HResult::IMAPI_E_DIR_NOT_FOUND);
}

// ---- Add / AddTree limits --------------------------------------------------------------------

#[test]
fn adding_past_free_media_blocks_is_image_size_limit() {
    let mut fsi = FileSystemImage::new();
    fsi.set_free_media_blocks(1000).unwrap();
    fsi.add_file("/small", bytes(&[1; 10])).unwrap();
    let err = fsi
        .add_file("/huge", FileData::from_reader(Cursor::new(Vec::new()), 1000 * 2048))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "IMAPI_E_IMAGE_SIZE_LIMIT (0xC0AAB120): Adding '/huge' would result in a result image having a size larger than the current configured limit."
    );
    assert_eq!(
        fsi.exists("/huge").unwrap(),
        FsiItemType::NotFound,
        "the failed Add is undone"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::File::create(dir.path().join("big"))
        .unwrap()
        .set_len(3 << 20)
        .unwrap();
    assert_eq!(
        code(fsi.add_tree("/", dir.path(), true)),
        HResult::IMAPI_E_IMAGE_SIZE_LIMIT
    );
    assert_eq!(fsi.file_count(), 1);
}

#[test]
fn a_ninth_level_is_iso9660_levels() {
    let mut fsi = new_image();
    let mut path = String::new();
    for level in 0..7 {
        path.push_str(&format!("/d{level}"));
        fsi.add_directory(&path).unwrap();
    }
    fsi.add_file(&format!("{path}/file-on-level-8"), bytes(b"x")).unwrap();
    let err = fsi.add_directory(&format!("{path}/d7")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "IMAPI_E_ISO9660_LEVELS (0xC0AAB131): ISO9660 is limited to 8 levels of directories."
    );
    // Through Add and AddTree too.
    let mut deep = fsi.create_directory_item("deep").unwrap();
    deep.add_directory("x").unwrap();
    assert_eq!(
        code(fsi.add("/d0/d1/d2/d3/d4/d5", deep)),
        HResult::IMAPI_E_ISO9660_LEVELS
    );
    let host = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(host.path().join("a/b")).unwrap();
    assert_eq!(
        code(fsi.add_tree("/d0/d1/d2/d3/d4/d5", host.path(), true)),
        HResult::IMAPI_E_ISO9660_LEVELS
    );
    // Without ISO9660 among the file systems the rule does not apply (Joliet alone).
    fsi.set_file_systems_to_create(FileSystems::JOLIET).unwrap();
    fsi.add_directory(&format!("{path}/d7")).unwrap();
    // Strict compliance applies it to Joliet as well.
    let mut strict = new_image();
    strict.set_file_systems_to_create(FileSystems::JOLIET).unwrap();
    strict.set_strict_file_system_compliance(true).unwrap();
    let mut p = String::new();
    for level in 0..7 {
        p.push_str(&format!("/s{level}"));
        strict.add_directory(&p).unwrap();
    }
    assert_eq!(
        code(strict.add_directory(&format!("{p}/s7"))),
        HResult::IMAPI_E_ISO9660_LEVELS
    );
}

#[test]
fn too_many_same_names_at_level_1_is_no_unique_name() {
    let mut fsi = new_image();
    fsi.set_iso9660_interchange_level(1).unwrap();
    let mut dir = fsi.create_directory_item("many").unwrap();
    for i in 0..11_112 {
        dir.add_file(&format!("same-prefix-{i:05}.txt"), bytes(b"")).unwrap();
    }
    let err = fsi.add("/", dir).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_NO_UNIQUE_NAME);
    assert_eq!(
        err.message(),
        "Attempt to add '/many/same-prefix-11111.txt' failed: cannot create a file-system-specific unique name for the ISO9660 file system."
    );
    assert_eq!(fsi.exists("/many").unwrap(), FsiItemType::NotFound);
}

#[test]
fn names_with_room_for_one_digit_run_out_after_eleven() {
    // `a.<long extension>` keeps one character of stem at level 2: the name and ten counters.
    let mut fsi = new_image();
    for i in 0..11 {
        fsi.add_file(&format!("/a.{}{i:03}", "x".repeat(40)), bytes(b""))
            .unwrap();
    }
    let err = fsi
        .add_file(&format!("/a.{}011", "x".repeat(40)), bytes(b""))
        .unwrap_err();
    assert_eq!(
        (err.code, err.params[1].as_str()),
        (HResult::IMAPI_E_NO_UNIQUE_NAME, "ISO9660")
    );
    assert_eq!(fsi.file_count(), 11);
}

#[test]
fn changing_to_level_1_can_make_names_impossible_at_create() {
    let mut fsi = new_image();
    let mut dir = fsi.create_directory_item("many").unwrap();
    for i in 0..11_112 {
        dir.add_file(&format!("same-prefix-{i:05}.txt"), bytes(b"")).unwrap();
    }
    fsi.add("/", dir).unwrap();
    fsi.set_iso9660_interchange_level(1).unwrap();
    assert_eq!(code(fsi.create_result_image()), HResult::IMAPI_E_NO_UNIQUE_NAME);
}

#[test]
fn a_file_over_4_gib_below_level_3_is_data_too_big() {
    let mut fsi = new_image();
    let huge = FileData::from_reader(Cursor::new(Vec::new()), 5 << 30);
    let err = fsi.add_file("/huge.bin", huge.clone()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "IMAPI_E_DATA_TOO_BIG (0xC0AAB132): Data file is too large for 'ISO9660' file system."
    );
    fsi.set_iso9660_interchange_level(3).unwrap();
    fsi.add_file("/huge.bin", huge).unwrap();
    fsi.set_iso9660_interchange_level(2).unwrap();
    assert_eq!(code(fsi.create_result_image()), HResult::IMAPI_E_DATA_TOO_BIG);
}

#[test]
fn add_tree_of_a_missing_folder_is_directory_read_failure() {
    let mut fsi = new_image();
    let missing = std::env::temp_dir().join("burnbench-missing-tree-5c1e");
    let err = fsi.add_tree("/", &missing, false).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_DIRECTORY_READ_FAILURE);
    assert!(
        err.message()
            .starts_with("The following error was encountered when trying to enumerate files in directory")
    );
}

#[test]
fn add_tree_with_case_twins_is_dup_name_and_reverts() {
    let mut fsi = new_image();
    fsi.add_file("/keep", bytes(b"k")).unwrap();
    let host = tempfile::tempdir().unwrap();
    std::fs::write(host.path().join("a.txt"), b"1").unwrap();
    std::fs::write(host.path().join("A.TXT"), b"2").unwrap();
    std::fs::write(host.path().join("b.txt"), b"3").unwrap();
    assert_eq!(code(fsi.add_tree("/", host.path(), false)), HResult::IMAPI_E_DUP_NAME);
    assert_eq!(fsi.file_count(), 1, "the tree reverts to before AddTree");
}

#[test]
fn add_tree_with_a_backslash_in_a_host_name_is_invalid_path() {
    let mut fsi = new_image();
    let host = tempfile::tempdir().unwrap();
    std::fs::write(host.path().join("back\\slash"), b"1").unwrap();
    assert_eq!(
        code(fsi.add_tree("/", host.path(), false)),
        HResult::IMAPI_E_INVALID_PATH
    );
}

#[test]
fn add_tree_of_an_unreadable_file_is_data_stream_create_failure() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        eprintln!("skipping: root reads files whatever their mode");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let mut fsi = new_image();
    let host = tempfile::tempdir().unwrap();
    let secret = host.path().join("secret");
    std::fs::write(&secret, b"1").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    assert_eq!(
        code(fsi.add_tree("/", host.path(), false)),
        HResult::IMAPI_E_DATA_STREAM_CREATE_FAILURE
    );
}

// ---- Change points ---------------------------------------------------------------------------

#[test]
fn rollback_to_an_unknown_or_locked_point_is_invalid_param() {
    let mut fsi = new_image();
    fsi.add_file("/a", bytes(b"a")).unwrap();
    let point = fsi.change_point();
    fsi.add_file("/b", bytes(b"b")).unwrap();
    assert_eq!(code(fsi.rollback_to_change_point(99)), HResult::IMAPI_E_INVALID_PARAM);
    fsi.lock_in_change_point();
    assert_eq!(
        code(fsi.rollback_to_change_point(point)),
        HResult::IMAPI_E_INVALID_PARAM
    );
    assert_eq!(fsi.exists("/b").unwrap(), FsiItemType::File);
}

// ---- Result stream ---------------------------------------------------------------------------

/// A reader that fails after `ok` bytes.
struct Failing {
    ok: u64,
    at: u64,
}

impl Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at >= self.ok {
            return Err(std::io::Error::other("medium error"));
        }
        let n = buf.len().min((self.ok - self.at) as usize);
        buf[..n].fill(7);
        self.at += n as u64;
        Ok(n)
    }
}

impl Seek for Failing {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.at = match to {
            SeekFrom::Start(p) => p,
            SeekFrom::End(_) => 10_000,
            SeekFrom::Current(d) => self.at.saturating_add_signed(d),
        };
        Ok(self.at)
    }
}

fn stream_error(fsi: &FileSystemImage) -> ImapiError {
    let result = fsi.create_result_image().unwrap();
    let mut sink = Vec::new();
    let io = result.image_stream().read_to_end(&mut sink).unwrap_err();
    ImapiError::from_io(&io).cloned().expect("an ImapiError inside")
}

#[test]
fn a_stream_shorter_than_declared_is_inconsistent() {
    let mut fsi = new_image();
    fsi.add_file("/short.bin", FileData::from_reader(Cursor::new(vec![1u8; 7]), 10))
        .unwrap();
    let err = stream_error(&fsi);
    assert_eq!(
        err.to_string(),
        "IMAPI_E_DATA_STREAM_INCONSISTENCY (0xC0AAB128): Data stream supplied for file '/short.bin' is inconsistent: expected 10 bytes, found 7."
    );
}

#[test]
fn a_host_file_that_changed_is_inconsistent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    std::fs::write(&path, b"12345").unwrap();
    let mut fsi = new_image();
    fsi.add_file("/f", FileData::from_host(&path).unwrap()).unwrap();
    std::fs::write(&path, b"123").unwrap();
    let err = stream_error(&fsi);
    assert_eq!(
        (err.code, err.params.clone()),
        (
            HResult::IMAPI_E_DATA_STREAM_INCONSISTENCY,
            vec!["/f".into(), "5".into(), "3".into()]
        )
    );
    std::fs::remove_file(&path).unwrap();
    assert_eq!(stream_error(&fsi).code, HResult::IMAPI_E_DATA_STREAM_CREATE_FAILURE);
}

#[test]
fn a_stream_that_fails_is_read_failure() {
    let mut fsi = new_image();
    fsi.add_file("/bad.bin", FileData::from_reader(Failing { ok: 3000, at: 0 }, 10_000))
        .unwrap();
    let err = stream_error(&fsi);
    assert_eq!(err.code, HResult::IMAPI_E_DATA_STREAM_READ_FAILURE);
    assert!(
        err.message()
            .starts_with("Cannot read data from stream supplied for file '/bad.bin'."),
        "{err}"
    );
}

// ---- Import ----------------------------------------------------------------------------------

#[test]
fn default_file_system_for_import_needs_a_known_one() {
    assert_eq!(
        code(default_file_system_for_import(FileSystems::NONE)),
        HResult::IMAPI_E_INVALID_PARAM
    );
    assert_eq!(
        code(default_file_system_for_import(FileSystems::UNKNOWN)),
        HResult::IMAPI_E_INVALID_PARAM
    );
}

#[test]
fn a_missing_file_system_is_file_system_not_found() {
    let mut fsi = new_image();
    fsi.set_file_systems_to_create(FileSystems::ISO9660).unwrap();
    let image = fsi_common::image_bytes(&fsi.create_result_image().unwrap());
    let mut reader = SeekBlockReader::new(Cursor::new(image)).unwrap();
    let err = read::read_tree(&mut reader, 0, FileSystems::JOLIET).unwrap_err();
    assert_eq!(
        err.to_string(),
        "IMAPI_E_FILE_SYSTEM_NOT_FOUND (0xC0AAB152): The specified disc does not contain a 'Joliet' file system."
    );
    let err = read::read_tree(&mut reader, 0, FileSystems::UDF).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_NOT_FOUND);
}

#[test]
fn reading_past_the_end_is_import_read_failure() {
    let mut reader = SeekBlockReader::new(Cursor::new(vec![0u8; 4096])).unwrap();
    let mut block = vec![0u8; 2048];
    let err = read::BlockReader::read_blocks(&mut reader, 5, &mut block).unwrap_err();
    assert_eq!(
        err.message(),
        "Import from previous session failed due to an error reading a block on the media (most likely block 5)."
    );
}
