//! The seed method end to end: IFileSystemImage::put_MultisessionInterfaces with the data
//! writer's multisession objects, import of the previous session through the drive, and a second
//! session written after the first — checked by isoinfo and by our own reader on the disc image.

mod common;

use burnbench::burn::DataWriter;
use burnbench::drive::Drive;
use burnbench::fsi::read::{RecorderBlockReader, SeekBlockReader, read_file, read_tree};
use burnbench::fsi::{FileData, FileSystemImage, FileSystems};
use burnbench::hresult::HResult;
use burnbench::media::medium::Medium;
use burnbench::media::{Disc, Profile};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, UNIX_EPOCH};

fn writer_for(disc: Disc) -> (DataWriter, Rc<RefCell<Drive>>) {
    common::emulated_writer(disc)
}

fn image() -> FileSystemImage {
    let mut fsi = FileSystemImage::new();
    fsi.set_fixed_time(Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)));
    fsi
}

fn burn(writer: &DataWriter, fsi: &FileSystemImage) {
    let result = fsi.create_result_image().unwrap();
    writer.write(&mut result.image_stream()).unwrap();
}

#[test]
fn a_second_session_imports_the_first_and_references_its_data() {
    let (writer, drive) = writer_for(Disc::new(Profile::CdR));
    let first = b"first session data\n".repeat(300);
    let mut fsi = image();
    fsi.add_file("/a.txt", FileData::from_bytes(first.clone())).unwrap();
    fsi.add_directory("/dir").unwrap();
    fsi.add_file("/dir/b.txt", FileData::from_bytes(b"bee".to_vec()))
        .unwrap();
    burn(&writer, &fsi);
    let first_start = writer.start_address_of_previous_session().unwrap();
    assert_eq!(first_start, 0);

    let mut next = image();
    next.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    let nwa = writer.next_writable_address().unwrap() as u32;
    assert_eq!(
        next.session_start_block(),
        nwa,
        "the image is laid out for the next writable address"
    );
    assert_eq!(
        next.identify_file_systems_on_disc().unwrap(),
        FileSystems::ISO9660.union(FileSystems::JOLIET)
    );
    assert_eq!(next.import_file_system().unwrap(), FileSystems::JOLIET);
    assert!(next.imported_volume_name().is_some());
    next.add_file("/c.txt", FileData::from_bytes(b"sea".to_vec())).unwrap();
    assert_eq!(next.file_count(), 3);
    burn(&writer, &next);
    assert_eq!(writer.start_address_of_previous_session().unwrap() as u32, nwa);

    // The whole disc as a flat image: our reader and isoinfo see all three files in session 2,
    // and a.txt's data is read from where session 1 recorded it.
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("disc.img");
    drive.borrow_mut().medium_mut().unwrap().export(&flat).unwrap();
    let mut reader = SeekBlockReader::new(std::fs::File::open(&flat).unwrap()).unwrap();
    let tree = read_tree(&mut reader, nwa, FileSystems::JOLIET).unwrap();
    let paths: Vec<&str> = tree.items.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, ["/a.txt", "/c.txt", "/dir", "/dir/b.txt"]);
    let a = tree.find("/a.txt").unwrap();
    assert!(a.extents[0].lba < nwa, "a.txt still lives in session 1");
    let mut content = Vec::new();
    read_file(&mut reader, a, &mut content).unwrap();
    assert_eq!(content, first);

    if let Some(isoinfo) = common::peer("isoinfo") {
        let out = std::process::Command::new(isoinfo)
            .args(["-J", "-f", "-T", &nwa.to_string(), "-i"])
            .arg(&flat)
            .output()
            .unwrap();
        let listing = String::from_utf8_lossy(&out.stdout);
        for name in ["/a.txt", "/c.txt", "/dir/b.txt"] {
            let found = listing.lines().any(|l| l.strip_suffix(";1").unwrap_or(l) == name);
            assert!(found, "{name} missing:\n{listing}");
        }
    }
}

#[test]
fn the_seed_method_refuses_with_the_documented_codes_and_changes_nothing() {
    let cases = [
        (Disc::new(Profile::CdR), HResult::IMAPI_E_IMPORT_SEEK_FAILURE),
        (
            Disc::pressed(Profile::DvdR, 1000, false),
            HResult::IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE,
        ),
        (
            Disc::pressed(Profile::DvdRom, 1000, false),
            HResult::IMAPI_E_IMPORT_MEDIA_NOT_ALLOWED,
        ),
    ];
    for (disc, code) in cases {
        let profile = disc.profile;
        let (writer, _drive) = writer_for(disc);
        let mut fsi = image();
        let error = fsi
            .set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
            .unwrap_err();
        assert_eq!(error.code, code, "{profile:?}");
        assert!(fsi.multisession_interfaces().is_none());
        assert_eq!(fsi.session_start_block(), 0);
    }
    let mut fsi = image();
    assert_eq!(
        fsi.set_multisession_interfaces(None).unwrap_err().code,
        HResult::E_POINTER
    );
    assert_eq!(
        fsi.import_file_system().unwrap_err().code,
        HResult::IMAPI_E_MULTISESSION_NOT_SET
    );
}

#[test]
fn blank_overwritable_media_are_accepted_and_the_getter_returns_what_was_set() {
    let (writer, _drive) = writer_for(Disc::new(Profile::BdRe));
    let list = writer.multisession_interfaces().unwrap();
    let mut fsi = image();
    fsi.set_multisession_interfaces(Some(list.clone())).unwrap();
    assert_eq!(fsi.multisession_interfaces().unwrap().len(), list.len());
    assert_eq!(fsi.session_start_block(), 0);
    assert_eq!(fsi.import_file_system().unwrap_err().code, HResult::IMAPI_E_EMPTY_DISC);
}

/// A CD-R with one session of `fsi`'s making, and an image with the writer's multisession
/// interfaces set and the session imported.
fn imported() -> (DataWriter, Rc<RefCell<Drive>>, FileSystemImage) {
    let (writer, drive) = writer_for(Disc::new(Profile::CdR));
    let mut first = image();
    first.add_directory("/dir").unwrap();
    first
        .add_file("/dir/a.txt", FileData::from_bytes(b"a".to_vec()))
        .unwrap();
    burn(&writer, &first);
    let mut next = image();
    next.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    next.import_file_system().unwrap();
    (writer, drive, next)
}

#[test]
fn after_an_import_the_layout_is_locked() {
    let (_writer, _drive, mut fsi) = imported();
    let code = |r: burnbench::hresult::ImapiResult<()>| r.unwrap_err().code;
    assert_eq!(
        code(fsi.set_file_systems_to_create(FileSystems::ISO9660)),
        HResult::IMAPI_E_FILE_SYSTEM_CHANGE_NOT_ALLOWED
    );
    assert_eq!(
        code(fsi.set_udf_revision(0x201)),
        HResult::IMAPI_E_UDF_REVISION_CHANGE_NOT_ALLOWED
    );
    assert_eq!(code(fsi.set_session_start_block(0)), HResult::IMAPI_E_INVALID_PARAM);
    assert!(
        fsi.set_file_systems_to_create(FileSystems::ISO9660.union(FileSystems::JOLIET))
            .is_ok()
    );
    assert!(fsi.probe_specific_file_system(FileSystems::JOLIET).unwrap());
    assert!(!fsi.probe_specific_file_system(FileSystems::UDF).unwrap());
    assert!(fsi.calculate_disc_identifier().unwrap().starts_with("0009-2-"));
}

#[test]
fn another_disc_at_write_time_is_a_disc_mismatch() {
    let (writer, drive, fsi) = imported();
    {
        let mut drive = drive.borrow_mut();
        let other = drive.unload().unwrap().unwrap();
        drop(other);
        let mut disc = Disc::new(Profile::CdR);
        disc.write(0, 400, &burnbench::media::WriteParameters::multisession())
            .unwrap();
        drive.load(Medium::in_memory(disc));
        drive.settle();
    }
    let error = fsi.write_session(&writer, &mut |_| {}).unwrap_err();
    assert_eq!(error.code, HResult::IMAPI_E_DISC_MISMATCH);
}

/// imapi2.md §3.5 and §4 trap 2: with the medium gone, the import family answers
/// IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE, not the recorder's "no media" code.
#[test]
fn importing_from_an_empty_drive_is_no_compatible_multisession_type() {
    let (writer, drive) = writer_for(Disc::new(Profile::CdR));
    let mut first = image();
    first.add_file("/a.txt", FileData::from_bytes(b"a".to_vec())).unwrap();
    burn(&writer, &first);
    let mut next = image();
    next.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    drop(drive.borrow_mut().unload().unwrap());
    let no_medium = HResult::IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE;
    assert_eq!(next.import_file_system().unwrap_err().code, no_medium);
    assert_eq!(
        next.import_specific_file_system(FileSystems::JOLIET).unwrap_err().code,
        no_medium
    );
    assert_eq!(next.identify_file_systems_on_disc().unwrap_err().code, no_medium);
    assert_eq!(next.file_count(), 0, "nothing was imported");
}

#[test]
fn an_unreadable_block_fails_the_import_naming_it() {
    let (writer, drive) = writer_for(Disc::new(Profile::CdR));
    let mut first = image();
    first.add_file("/a.txt", FileData::from_bytes(b"a".to_vec())).unwrap();
    burn(&writer, &first);
    let plan = "(faults: [(trigger: AtLba(lba: 16), effect: UnreadableSector, times: Always)])";
    drive
        .borrow_mut()
        .set_fault_plan(burnbench::drive::FaultPlan::from_ron(plan).unwrap());
    let mut next = image();
    next.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    let error = next.import_file_system().unwrap_err();
    assert_eq!(error.code, HResult::IMAPI_E_IMPORT_READ_FAILURE);
    assert!(error.to_string().contains("block 16"), "{error}");
}

#[test]
fn the_disc_identifier_needs_the_multisession_interfaces() {
    assert_eq!(
        image().calculate_disc_identifier().unwrap_err().code,
        HResult::IMAPI_E_MULTISESSION_NOT_SET
    );
}

/// A CD-R whose one session holds `/dir`, `/dir/a.txt` and a 64-block `/z.bin` (imported last), and a new image
/// seeded with the writer's multisession interfaces (nothing imported yet).
fn seeded() -> (DataWriter, Rc<RefCell<Drive>>, FileSystemImage) {
    let (writer, drive) = writer_for(Disc::new(Profile::CdR));
    let mut first = image();
    first.set_volume_name("FIRST").unwrap();
    first.add_directory("/dir").unwrap();
    first
        .add_file("/dir/a.txt", FileData::from_bytes(b"a".to_vec()))
        .unwrap();
    first
        .add_file("/z.bin", FileData::from_bytes(vec![7u8; 64 * 2048]))
        .unwrap();
    burn(&writer, &first);
    let mut next = image();
    next.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    (writer, drive, next)
}

/// What a refused import must leave exactly as it was.
fn state(fsi: &FileSystemImage) -> (Vec<String>, u32, Option<String>, FileSystems) {
    let mut paths = Vec::new();
    let mut pending = vec!["/".to_string()];
    while let Some(dir) = pending.pop() {
        for item in fsi.children(&dir).unwrap() {
            if item.kind == burnbench::fsi::FsiItemType::Directory {
                pending.push(item.full_path.clone());
            }
            paths.push(format!("{} {:?} {}", item.full_path, item.kind, item.data_size));
        }
    }
    paths.sort();
    (
        paths,
        fsi.change_point(),
        fsi.imported_volume_name().map(str::to_string),
        fsi.file_systems_to_create(),
    )
}

/// After a refused import nothing of it is recorded: FileSystemsToCreate may still drop Joliet
/// (no imported file system to keep) and the UDF revision may still change.
fn assert_nothing_imported(fsi: &mut FileSystemImage, before: &(Vec<String>, u32, Option<String>, FileSystems)) {
    assert_eq!(&state(fsi), before);
    fsi.set_udf_revision(0x201).unwrap();
    fsi.set_file_systems_to_create(FileSystems::ISO9660).unwrap();
}

#[test]
fn a_disc_directory_where_the_image_has_a_file_is_a_type_collision() {
    let (_writer, _drive, mut fsi) = seeded();
    fsi.add_file("/dir", FileData::from_bytes(b"mine".to_vec())).unwrap();
    let before = state(&fsi);
    let error = fsi.import_file_system().unwrap_err();
    assert_eq!(
        error.code,
        HResult::IMAPI_E_IMPORT_TYPE_COLLISION_DIRECTORY_EXISTS_AS_FILE
    );
    assert_eq!(error.params, ["/dir", "Joliet"]);
    assert_eq!(
        error.to_string(),
        "IMAPI_E_IMPORT_TYPE_COLLISION_DIRECTORY_EXISTS_AS_FILE (0xC0AAB15E): Could not import Joliet \
         file system from disc. The directory '/dir' already exists within the image hierarchy as a file."
    );
    assert_nothing_imported(&mut fsi, &before);
}

#[test]
fn a_disc_file_where_the_image_has_a_directory_is_a_type_collision() {
    let (_writer, _drive, mut fsi) = seeded();
    fsi.add_directory("/z.bin").unwrap();
    fsi.add_file("/z.bin/mine.txt", FileData::from_bytes(b"mine".to_vec()))
        .unwrap();
    let before = state(&fsi);
    let error = fsi.import_specific_file_system(FileSystems::ISO9660).unwrap_err();
    assert_eq!(
        error.code,
        HResult::IMAPI_E_IMPORT_TYPE_COLLISION_FILE_EXISTS_AS_DIRECTORY
    );
    assert_eq!(error.params, ["/Z.BIN", "ISO9660"]);
    // Joliet records the name as given: the same collision there.
    let error = fsi.import_file_system().unwrap_err();
    assert_eq!(error.params, ["/z.bin", "Joliet"]);
    assert_nothing_imported(&mut fsi, &before);
}

#[test]
fn items_of_the_same_kind_merge_and_the_image_wins() {
    let (_writer, _drive, mut fsi) = seeded();
    fsi.add_directory("/dir").unwrap();
    fsi.add_file("/dir/mine.txt", FileData::from_bytes(b"mine".to_vec()))
        .unwrap();
    fsi.add_file("/z.bin", FileData::from_bytes(b"replaced".to_vec()))
        .unwrap();
    assert_eq!(fsi.import_file_system().unwrap(), FileSystems::JOLIET);
    let (paths, ..) = state(&fsi);
    assert_eq!(
        paths,
        [
            "/dir Directory 0",
            "/dir/a.txt File 1",
            "/dir/mine.txt File 4",
            "/z.bin File 8"
        ]
    );
    assert_eq!(fsi.imported_volume_name(), Some("FIRST"));
}

#[test]
fn imported_directories_keep_their_hidden_flag() {
    // Found by tests/multisession_properties.rs: a hidden directory came back visible after the
    // import (only files carried the flag), so the next session showed it.
    for fs in [FileSystems::UDF, FileSystems::JOLIET, FileSystems::ISO9660] {
        let (writer, _drive) = writer_for(Disc::new(Profile::CdR));
        let mut first = image();
        first
            .set_file_systems_to_create(FileSystems::ISO9660.union(FileSystems::JOLIET).union(FileSystems::UDF))
            .unwrap();
        first.add_directory("/secret").unwrap();
        first.add_directory("/secret/open").unwrap();
        first
            .add_file("/secret/open/f", FileData::from_bytes(b"f".to_vec()))
            .unwrap();
        first.set_hidden("/secret", true).unwrap();
        burn(&writer, &first);
        let mut next = image();
        next.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
            .unwrap();
        assert_eq!(next.import_specific_file_system(fs).unwrap(), fs);
        let hidden = |path: &str| {
            let (parent, name) = path.rsplit_once('/').unwrap();
            let parent = if parent.is_empty() { "/" } else { parent };
            let children = next.children(parent).unwrap();
            children
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(name))
                .unwrap()
                .hidden
        };
        assert!(hidden("/secret"), "{fs}");
        assert!(!hidden("/secret/open"), "{fs}");
    }
}

#[test]
fn an_import_that_does_not_fit_free_media_blocks_adds_nothing() {
    let (_writer, _drive, mut fsi) = seeded();
    fsi.add_file("/mine.txt", FileData::from_bytes(b"mine".to_vec()))
        .unwrap();
    // Room for the directory and the small file of the disc, not for its 64-block file.
    fsi.set_free_media_blocks(fsi.used_blocks() as u32 + 8).unwrap();
    let before = state(&fsi);
    let error = fsi.import_file_system().unwrap_err();
    assert_eq!(error.code, HResult::IMAPI_E_IMAGE_TOO_BIG);
    assert_nothing_imported(&mut fsi, &before);
}

#[test]
fn a_multi_extent_file_of_the_previous_session_is_carried_as_one_recorded_run() {
    // Session 1 on a BD-R references 5 GiB at LBA 100 000 as recorded data: its ISO 9660 level 3
    // records split it into two sections that follow each other; no data is written, the import
    // reads metadata only.
    const BYTES: u64 = 5 << 30;
    const LBA: u32 = 100_000;
    let (writer, _drive) = writer_for(Disc::new(Profile::BdRSrm));
    let mut first = image();
    first.set_iso9660_interchange_level(3).unwrap();
    first.set_free_media_blocks(0).unwrap();
    first.add_file("/big.bin", FileData::recorded(LBA, BYTES)).unwrap();
    burn(&writer, &first);

    let mut next = image();
    next.set_iso9660_interchange_level(3).unwrap();
    next.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    let start = next.session_start_block();
    let recorder = writer.recorder().unwrap();
    let mut disc = RecorderBlockReader::new(recorder.clone(), None);
    let sections = read_tree(&mut disc, 0, FileSystems::JOLIET)
        .unwrap()
        .find("/big.bin")
        .unwrap()
        .extents
        .len();
    assert_eq!(sections, 2, "the first session records two sections");
    assert_eq!(next.import_file_system().unwrap(), FileSystems::JOLIET);
    assert_eq!(next.item("/big.bin").unwrap().data_size, BYTES);
    next.write_session(&writer, &mut |_| {}).unwrap();

    // The new session points at the same blocks, in sections that follow each other again.
    let mut disc = RecorderBlockReader::new(recorder, None);
    for fs in [FileSystems::ISO9660, FileSystems::JOLIET] {
        let tree = read_tree(&mut disc, start, fs).unwrap();
        let big = tree
            .items
            .iter()
            .find(|i| i.name.starts_with("big") || i.name.starts_with("BIG"))
            .unwrap();
        assert_eq!(big.size, BYTES, "{fs}");
        assert_eq!(big.extents[0].lba, LBA, "{fs}");
        assert_eq!(big.extents.iter().map(|e| e.bytes).sum::<u64>(), BYTES, "{fs}");
        for pair in big.extents.windows(2) {
            assert_eq!(pair[1].lba, pair[0].lba + (pair[0].bytes / 2048) as u32, "{fs}");
        }
    }
}

/// A formatted DVD+RW with one logical session of `first`'s making (written through the
/// random-write object), and a new image seeded with the writer's multisession interfaces.
fn rewritable_after(first: FileSystemImage) -> (DataWriter, Rc<RefCell<Drive>>, FileSystemImage) {
    let mut disc = Disc::new(Profile::DvdPlusRw);
    disc.format_default().unwrap();
    let (writer, drive) = writer_for(disc);
    let mut first = first;
    first
        .set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    first.write_session(&writer, &mut |_| {}).unwrap();
    let mut next = image();
    next.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    assert!(next.session_start_block() > 0);
    (writer, drive, next)
}

fn first_session(systems: FileSystems, bytes: usize) -> FileSystemImage {
    let mut first = image();
    first.set_file_systems_to_create(systems).unwrap();
    first.set_volume_name("FIRST").unwrap();
    first
        .add_file("/a.bin", FileData::from_bytes(vec![0x5Au8; bytes]))
        .unwrap();
    first
}

/// The bytes of an ISO 9660 + Joliet + UDF first session whose UDF volume descriptor with tag
/// `ident` is changed by `patch` in the main and the reserve sequence, tags made valid again.
fn first_session_patched(ident: u16, patch: impl Fn(&mut [u8])) -> Vec<u8> {
    use burnbench::fsi::udf::descriptor::{check_tag, finish_tag};
    use std::io::Read;
    let all = FileSystems::ISO9660.union(FileSystems::JOLIET).union(FileSystems::UDF);
    let mut bytes = Vec::new();
    first_session(all, 3000)
        .create_result_image()
        .unwrap()
        .image_stream()
        .read_to_end(&mut bytes)
        .unwrap();
    let mut patched = 0;
    for lba in 32..64u32 {
        let block = &mut bytes[lba as usize * 2048..(lba as usize + 1) * 2048];
        if let Some(tag) = check_tag(block).filter(|t| t.ident == ident && t.location == lba) {
            patch(block);
            finish_tag(block, tag.ident, tag.version, lba, tag.crc_len);
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "descriptor {ident} in each VDS");
    bytes
}

#[test]
fn a_rewritable_disc_whose_session_is_iso9660_alone_is_not_continued() {
    let (_writer, _drive, mut fsi) = rewritable_after(first_session(FileSystems::ISO9660, 3000));
    let before = state(&fsi);
    for result in [
        fsi.import_file_system(),
        fsi.import_specific_file_system(FileSystems::ISO9660),
    ] {
        assert_eq!(result.unwrap_err().code, HResult::IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION);
    }
    assert!(!fsi.probe_specific_file_system(FileSystems::ISO9660).unwrap());
    assert_nothing_imported(&mut fsi, &before);

    // Sequential media take the same session: every session there is a file system of its own.
    let (writer, _drive) = writer_for(Disc::new(Profile::CdR));
    burn(&writer, &first_session(FileSystems::ISO9660, 3000));
    let mut next = image();
    next.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    assert_eq!(next.import_file_system().unwrap(), FileSystems::ISO9660);
}

#[test]
fn udf_after_a_rewritable_session_without_an_anchor_at_256_is_incompatible() {
    // 1 MiB of file data: the first session's blocks 256… are data, not an anchor.
    let joliet = FileSystems::ISO9660.union(FileSystems::JOLIET);
    let with_udf = joliet.union(FileSystems::UDF);
    let (writer, drive, mut fsi) = rewritable_after(first_session(joliet, 1 << 20));

    // UDF asked for before the import (imapi2.md §4 trap 9): the import is refused.
    fsi.set_file_systems_to_create(with_udf).unwrap();
    let before = state(&fsi);
    assert_eq!(
        fsi.import_file_system().unwrap_err().code,
        HResult::IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION
    );
    assert!(!fsi.probe_specific_file_system(FileSystems::JOLIET).unwrap());
    assert_nothing_imported(&mut fsi, &before);

    // Imported first, UDF asked for afterwards: put_FileSystemsToCreate refuses it.
    fsi.set_file_systems_to_create(joliet).unwrap();
    assert_eq!(fsi.import_file_system().unwrap(), FileSystems::JOLIET);
    assert_eq!(
        fsi.set_file_systems_to_create(with_udf).unwrap_err().code,
        HResult::IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION
    );
    assert_eq!(fsi.file_systems_to_create(), joliet);
    // Dropping the imported Joliet stays the other refusal.
    assert_eq!(
        fsi.set_file_systems_to_create(FileSystems::ISO9660).unwrap_err().code,
        HResult::IMAPI_E_FILE_SYSTEM_CHANGE_NOT_ALLOWED
    );

    // Without UDF the session continues growisofs-style: descriptors copied to LBA 16.
    fsi.add_file("/b.txt", FileData::from_bytes(b"bee".to_vec())).unwrap();
    fsi.write_session(&writer, &mut |_| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("disc.img");
    drive.borrow_mut().medium_mut().unwrap().export(&flat).unwrap();
    let mut reader = SeekBlockReader::new(std::fs::File::open(&flat).unwrap()).unwrap();
    let tree = read_tree(&mut reader, 0, FileSystems::JOLIET).unwrap();
    let paths: Vec<&str> = tree.items.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, ["/a.bin", "/b.txt"]);
}

#[test]
fn a_rewritable_disc_with_an_anchor_at_256_is_continued_with_udf_only() {
    let joliet = FileSystems::ISO9660.union(FileSystems::JOLIET);
    let all = joliet.union(FileSystems::UDF);
    let (writer, _drive, mut fsi) = rewritable_after(first_session(all, 1 << 20));
    // ImportFileSystem picks UDF, which joins the default ISO 9660 + Joliet.
    assert!(fsi.probe_specific_file_system(FileSystems::UDF).unwrap());
    assert_eq!(fsi.import_file_system().unwrap(), FileSystems::UDF);
    assert_eq!(fsi.file_systems_to_create(), all);
    assert_eq!(
        fsi.set_file_systems_to_create(joliet).unwrap_err().code,
        HResult::IMAPI_E_FILE_SYSTEM_CHANGE_NOT_ALLOWED
    );

    // Joliet imported into a set without UDF: the anchor at 256 would go on naming the first
    // session's volume, so the layout is refused — at the import, at the put, at CreateResultImage.
    let mut next = image();
    next.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    let before = state(&next);
    assert!(!next.probe_specific_file_system(FileSystems::JOLIET).unwrap());
    assert_eq!(
        next.import_specific_file_system(FileSystems::JOLIET).unwrap_err().code,
        HResult::IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION
    );
    assert_eq!(state(&next), before);
    assert_eq!(
        next.create_result_image().unwrap_err().code,
        HResult::IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION
    );
    next.set_file_systems_to_create(all).unwrap();
    assert_eq!(
        next.import_specific_file_system(FileSystems::JOLIET).unwrap(),
        FileSystems::JOLIET
    );
    assert_eq!(
        next.set_file_systems_to_create(joliet).unwrap_err().code,
        HResult::IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION
    );
}

#[test]
fn sequential_media_and_first_sessions_record_the_whole_image() {
    let (writer, _drive) = writer_for(Disc::new(Profile::CdR));
    let first = first_session(FileSystems::ISO9660.union(FileSystems::JOLIET), 3000);
    let result = first.create_result_image().unwrap();
    assert_eq!(result.modified_blocks().unwrap_err().code, HResult::E_NOTIMPL);
    writer.write(&mut result.image_stream()).unwrap();
    drop(result);
    let mut next = image();
    next.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    next.import_file_system().unwrap();
    let result = next.create_result_image().unwrap();
    assert_eq!(result.modified_blocks().unwrap_err().code, HResult::E_NOTIMPL);
    assert_eq!(result.image_stream().len(), u64::from(result.total_blocks()) * 2048);

    // The first logical session of a DVD+RW starts at 0: the whole image as well.
    let mut disc = Disc::new(Profile::DvdPlusRw);
    disc.format_default().unwrap();
    let (writer, _drive) = writer_for(disc);
    let mut first = first_session(FileSystems::ISO9660.union(FileSystems::JOLIET), 3000);
    first
        .set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    let result = first.create_result_image().unwrap();
    assert_eq!(first.session_start_block(), 0);
    assert_eq!(result.modified_blocks().unwrap_err().code, HResult::E_NOTIMPL);
}

#[test]
fn a_later_logical_session_is_the_disc_from_lba_0_with_its_modified_blocks() {
    use std::io::{Read, Seek, SeekFrom};
    let joliet = FileSystems::ISO9660.union(FileSystems::JOLIET);
    let (_writer, _drive, mut fsi) = rewritable_after(first_session(joliet, 1 << 20));
    fsi.import_file_system().unwrap();
    fsi.add_file("/b.txt", FileData::from_bytes(b"bee".to_vec())).unwrap();
    let start = fsi.session_start_block();
    assert_eq!(start % 32, 0);
    let result = fsi.create_result_image().unwrap();
    let session_blocks = result.layout().total_blocks;
    let end = start + session_blocks.div_ceil(32) * 32;
    assert_eq!(
        result.total_blocks(),
        end,
        "TotalBlocks covers LBA 0 to the padded session"
    );
    assert_eq!(result.modified_blocks().unwrap(), [16..32, start..end]);
    let mut stream = result.image_stream();
    assert_eq!(stream.len(), u64::from(end) * 2048);
    let mut block = |lba: u32| {
        let mut b = vec![0u8; 2048];
        stream.seek(SeekFrom::Start(u64::from(lba) * 2048)).unwrap();
        stream.read_exact(&mut b).unwrap();
        b
    };
    // LBA 16: the new session's PVD, its volume space size the end of the new session.
    let head = block(16);
    assert_eq!(&head[..6], b"\x01CD001");
    assert_eq!(
        u32::from_le_bytes(head[80..84].try_into().unwrap()),
        start + session_blocks
    );
    // The session's own PVD at start + 16, recording the session's own size.
    let own = block(start + 16);
    assert_eq!(&own[..6], b"\x01CD001");
    assert_eq!(u32::from_le_bytes(own[80..84].try_into().unwrap()), session_blocks);
    assert_eq!(head[156..190], own[156..190], "same root directory record");
    // Blocks this session leaves alone, and the padding after it, are zeros in the stream.
    assert!(block(32).iter().all(|&b| b == 0));
    if end > start + session_blocks {
        assert!(block(start + session_blocks).iter().all(|&b| b == 0));
    }
    // Every progress item lies in the stream, in the session.
    for item in result.progress_items() {
        assert!(item.first_block >= start && item.last_block < end, "{item:?}");
    }
}

#[test]
fn creating_a_later_logical_session_reads_the_disc() {
    // imapi2.md §4 trap 7: CreateResultImage reads LBA 16–31 of the disc.
    let joliet = FileSystems::ISO9660.union(FileSystems::JOLIET);
    let (_writer, drive, mut fsi) = rewritable_after(first_session(joliet, 3000));
    fsi.import_file_system().unwrap();
    let plan = "(faults: [(trigger: AtLba(lba: 20), effect: UnreadableSector, times: Always)])";
    drive
        .borrow_mut()
        .set_fault_plan(burnbench::drive::FaultPlan::from_ron(plan).unwrap());
    let error = fsi.create_result_image().unwrap_err();
    assert_eq!(error.code, HResult::IMAPI_E_IMPORT_READ_FAILURE);
}

#[test]
fn a_udf_logical_session_without_an_anchor_at_256_to_repoint_is_not_made() {
    // No import to refuse it: CreateResultImage finds no anchor at 256 to chain the new UDF
    // logical session through (imapi2.md §3.8) and writes nothing over the data there.
    let joliet = FileSystems::ISO9660.union(FileSystems::JOLIET);
    let (_writer, _drive, mut fsi) = rewritable_after(first_session(joliet, 1 << 20));
    fsi.set_file_systems_to_create(joliet.union(FileSystems::UDF)).unwrap();
    fsi.add_file("/b.txt", FileData::from_bytes(b"bee".to_vec())).unwrap();
    assert_eq!(
        fsi.create_result_image().unwrap_err().code,
        HResult::IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION
    );
}

#[test]
fn a_foreign_udf_partition_that_is_not_read_only_is_not_continued_on_rewritable_media() {
    // Our first session with its partition descriptors (main and reserve VDS) patched to access
    // type 4, overwritable — what mkudffs writes on rewritable media.
    let all = FileSystems::ISO9660.union(FileSystems::JOLIET).union(FileSystems::UDF);
    let bytes = first_session_patched(5, |pd| pd[184..188].copy_from_slice(&4u32.to_le_bytes()));
    let mut disc = Disc::new(Profile::DvdPlusRw);
    disc.format_default().unwrap();
    let (writer, _drive) = writer_for(disc);
    writer.write(&mut std::io::Cursor::new(bytes.clone())).unwrap();

    let mut fsi = image();
    fsi.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    assert_eq!(fsi.identify_file_systems_on_disc().unwrap(), all);
    let before = state(&fsi);
    for fs in [FileSystems::UDF, FileSystems::JOLIET] {
        assert!(!fsi.probe_specific_file_system(fs).unwrap());
        assert_eq!(
            fsi.import_specific_file_system(fs).unwrap_err().code,
            HResult::IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION
        );
    }
    assert_nothing_imported(&mut fsi, &before);

    // The same disc content on a CD-R (sequential: every session stands alone) is imported.
    let (writer, _drive) = writer_for(Disc::new(Profile::CdR));
    writer.write(&mut std::io::Cursor::new(bytes)).unwrap();
    let mut fsi = image();
    fsi.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    assert_eq!(fsi.import_file_system().unwrap(), FileSystems::UDF);
}

/// The next session continues the imported UDF volume at its revision: a UDF 2.50 disc stays
/// 2.50 (metadata partition and all), whatever the image had before the import, and the revision
/// is then locked (imapi2.md §3.6).
#[test]
fn an_imported_udf_volume_keeps_its_revision() {
    use burnbench::fsi::read::read_udf_volume;
    let all = FileSystems::ISO9660.union(FileSystems::JOLIET).union(FileSystems::UDF);
    let (writer, drive) = writer_for(Disc::new(Profile::CdR));
    let mut first = first_session(all, 3000);
    first.set_udf_revision(0x250).unwrap();
    burn(&writer, &first);

    let mut next = image();
    assert_eq!(next.udf_revision(), 0x102);
    next.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    assert_eq!(next.import_file_system().unwrap(), FileSystems::UDF);
    assert_eq!(next.udf_revision(), 0x250, "the disc's revision");
    assert_eq!(
        next.set_udf_revision(0x102).unwrap_err().code,
        HResult::IMAPI_E_UDF_REVISION_CHANGE_NOT_ALLOWED
    );
    next.add_file("/b.bin", FileData::from_bytes(vec![1u8; 100])).unwrap();
    let start = next.session_start_block();
    next.write_session(&writer, &mut |_| {}).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("disc.img");
    drive.borrow_mut().medium_mut().unwrap().export(&flat).unwrap();
    let mut reader = SeekBlockReader::new(std::fs::File::open(&flat).unwrap()).unwrap();
    let volume = read_udf_volume(&mut reader, start).unwrap();
    assert_eq!(volume.revision, 0x250);
    assert!(volume.has_metadata_partition);
    let tree = read_tree(&mut reader, start, FileSystems::UDF).unwrap();
    assert!(tree.find("/a.bin").is_some() && tree.find("/b.bin").is_some());
}

/// A UDF volume of a revision the image builder does not write cannot be continued:
/// IMAPI_E_UDF_NOT_WRITE_COMPATIBLE (imapi2.md §3.5), and nothing is imported.
#[test]
fn a_udf_revision_the_builder_does_not_write_is_not_write_compatible() {
    // The LVD's domain identifier suffix (LVD byte 216 + 24) says UDF 3.00.
    let bytes = first_session_patched(6, |lvd| lvd[240..242].copy_from_slice(&0x0300u16.to_le_bytes()));
    let (writer, _drive) = writer_for(Disc::new(Profile::CdR));
    writer.write(&mut std::io::Cursor::new(bytes)).unwrap();
    let mut fsi = image();
    fsi.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    let before = state(&fsi);
    assert_eq!(
        fsi.import_file_system().unwrap_err().code,
        HResult::IMAPI_E_UDF_NOT_WRITE_COMPATIBLE
    );
    assert_nothing_imported(&mut fsi, &before);
}
