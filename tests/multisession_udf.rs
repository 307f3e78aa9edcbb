//! UDF on random-writable media across logical sessions (imapi2.md §3.8, udf-iso.md §3.2, §3.3):
//! the descriptors copied to LBA 16 carry the Volume Recognition Sequence right after the ISO
//! terminator, and the first logical session's anchor at LBA 256 is repointed at the newest
//! session's volume descriptor sequence — so that our UDF reader at 0 and 7-Zip, which reads only
//! the anchor at 256, see the newest tree.

mod common;

use burnbench::fsi::random_write::next_logical_session;
use burnbench::fsi::read::{BlockReader, SeekBlockReader, read_udf_volume};
use burnbench::fsi::{FileData, FileSystemImage, FileSystems, FsiItemType};
use burnbench::media::{Disc, Profile};
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::time::{Duration, UNIX_EPOCH};

const ALL: FileSystems = FileSystems::ISO9660.union(FileSystems::JOLIET).union(FileSystems::UDF);

fn image(session: u64) -> FileSystemImage {
    let mut fsi = FileSystemImage::new();
    fsi.set_fixed_time(Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000 + session)));
    fsi.set_file_systems_to_create(ALL).unwrap();
    fsi.set_free_media_blocks(0).unwrap();
    fsi
}

fn bytes_of(stream: &mut (impl Read + Seek)) -> Vec<u8> {
    let mut bytes = Vec::new();
    stream.seek(SeekFrom::Start(0)).unwrap();
    stream.read_to_end(&mut bytes).unwrap();
    bytes
}

/// `7z x` of the whole disc, each listed file with its bytes: 7-Zip opens the UDF view of a
/// bridge image, through the anchor at 256 only (udf-iso.md §4.3).
fn seven_zip(disc: &[u8]) -> Option<BTreeMap<String, Vec<u8>>> {
    let sevenzip = common::peer("7z")?;
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("disc.img");
    std::fs::write(&flat, disc).unwrap();
    let out = dir.path().join("out");
    let run = |args: &[&str]| {
        let output = std::process::Command::new(&sevenzip)
            .args(args)
            .arg(&flat)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "7z: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    run(&["x", &format!("-o{}", out.display())]);
    let listing = run(&["l", "-slt"]);
    assert!(listing.contains("Type = Udf"), "7z opened another view:\n{listing}");
    // Items of the listing: "Path = …" then "Folder = +|-".
    let mut files = BTreeMap::new();
    let mut path = None;
    for line in listing.lines() {
        if let Some(p) = line.strip_prefix("Path = ") {
            path = Some(p.to_string());
        } else if line == "Folder = -"
            && let Some(p) = path.take()
        {
            files.insert(format!("/{p}"), std::fs::read(out.join(&p)).unwrap());
        }
    }
    Some(files)
}

/// Writes the modified blocks of `session`'s stream over `disc`, as the data writer does.
fn record(disc: &mut Vec<u8>, session: &mut (impl Read + Seek), ranges: &[std::ops::Range<u32>]) {
    for range in ranges {
        let (from, to) = (range.start as usize * 2048, range.end as usize * 2048);
        if disc.len() < to {
            disc.resize(to, 0);
        }
        session.seek(SeekFrom::Start(from as u64)).unwrap();
        session.read_exact(&mut disc[from..to]).unwrap();
    }
}

#[test]
fn a_udf_logical_session_is_chained_through_the_anchor_at_256() {
    let first_files: BTreeMap<String, Vec<u8>> = [("/one.txt".to_string(), b"first\n".repeat(2000))].into();
    let mut first = image(0);
    first.set_volume_name("ONE").unwrap();
    for (path, data) in &first_files {
        first.add_file(path, FileData::from_bytes(data.clone())).unwrap();
    }
    let mut disc = bytes_of(&mut first.create_result_image().unwrap().image_stream());

    let start = {
        let mut reader = SeekBlockReader::new(Cursor::new(&disc[..])).unwrap();
        next_logical_session(&mut reader, 32)
    };
    assert!(start > 256, "the first UDF session covers LBA 256");
    let second_files: BTreeMap<String, Vec<u8>> = [
        ("/two.txt".to_string(), b"second\n".repeat(3000)),
        ("/dir/three.bin".to_string(), vec![3u8; 70_000]),
    ]
    .into();
    let mut second = image(1);
    second.set_volume_name("TWO").unwrap();
    second.set_session_start_block(start).unwrap();
    second.add_directory("/dir").unwrap();
    for (path, data) in &second_files {
        second.add_file(path, FileData::from_bytes(data.clone())).unwrap();
    }
    let result = second.create_result_image().unwrap();
    let session_blocks = result.total_blocks();
    let mut reader = SeekBlockReader::new(Cursor::new(disc.clone())).unwrap();
    // What CreateResultImage makes on random-writable media after the first logical session.
    let result = result.into_logical_session(&mut reader).unwrap();
    let end = result.total_blocks();
    assert_eq!(end, start + session_blocks.div_ceil(32) * 32);
    let ranges = result.modified_blocks().unwrap();
    assert_eq!(ranges, [16..32, 256..257, start..end]);
    record(&mut disc, &mut result.image_stream(), &ranges);

    // LBA 16…: PVD, Joliet SVD, terminator, then BEA01 NSR02 TEA01 with no gap.
    let ids: Vec<&[u8]> = (16..22).map(|lba| &disc[lba * 2048 + 1..lba * 2048 + 6]).collect();
    assert_eq!(ids, [b"CD001", b"CD001", b"CD001", b"BEA01", b"NSR02", b"TEA01"]);
    // The anchor at 256 records 256 and points at the second session's main VDS.
    let mut reader = SeekBlockReader::new(Cursor::new(&disc[..])).unwrap();
    let mut block = vec![0u8; 2048];
    reader.read_blocks(256, &mut block).unwrap();
    let tag = burnbench::fsi::udf::descriptor::check_tag(&block).expect("a valid tag");
    assert_eq!((tag.ident, tag.location), (2, 256));
    assert_eq!(u32::from_le_bytes(block[20..24].try_into().unwrap()), start + 32);
    assert_eq!(read_udf_volume(&mut reader, 0).unwrap().name, "TWO");

    // Our readers at 0 and at the session's start, and 7-Zip on the whole disc.
    assert_eq!(common::session_files(&disc, 0, FileSystems::UDF), second_files);
    assert_eq!(common::session_files(&disc, 0, FileSystems::JOLIET), second_files);
    assert_eq!(common::session_files(&disc, start, FileSystems::UDF), second_files);
    if let Some(seven) = seven_zip(&disc) {
        assert_eq!(seven, second_files, "7z");
    }
}

/// Every file below the root of `fsi` with its size (to compare an imported tree with what the
/// previous session recorded).
fn image_files(fsi: &FileSystemImage) -> BTreeMap<String, u64> {
    let mut files = BTreeMap::new();
    let mut pending = vec!["/".to_string()];
    while let Some(dir) = pending.pop() {
        for item in fsi.children(&dir).unwrap() {
            match item.kind {
                FsiItemType::Directory => pending.push(item.full_path),
                _ => {
                    files.insert(item.full_path, item.data_size);
                }
            }
        }
    }
    files
}

/// `sessions` sessions with ISO 9660 + Joliet + UDF on `disc` through the emulated drive: each
/// imports the previous one (ImportFileSystem picks UDF), adds a file in a folder, replaces the
/// first session's file and removes the one the previous session added. Returns the expected
/// tree, the disc as a flat image and the start of the last session.
fn udf_sessions(disc: Disc, sessions: usize) -> (BTreeMap<String, Vec<u8>>, Vec<u8>, u32) {
    let (writer, drive) = common::emulated_writer(disc);
    writer.set_disable_consumer_dvd_compatibility_mode(true).unwrap();
    let mut expected: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut last_start = 0;
    for session in 0..sessions {
        let mut fsi = image(session as u64);
        fsi.set_volume_name(&format!("S{session}")).unwrap();
        if session > 0 {
            fsi.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
                .unwrap();
            assert_eq!(fsi.import_file_system().unwrap(), FileSystems::UDF, "session {session}");
            // The previous session's tree, read from its UDF volume.
            let recorded: BTreeMap<String, u64> = expected.iter().map(|(p, d)| (p.clone(), d.len() as u64)).collect();
            assert_eq!(
                image_files(&fsi),
                recorded,
                "session {session} imports the previous tree"
            );
            assert_eq!(fsi.imported_volume_name(), Some(format!("S{}", session - 1).as_str()));
        } else {
            fsi.add_directory("/dir").unwrap();
        }
        last_start = fsi.session_start_block();
        let added = format!("/dir/s{session}.txt");
        let content = format!("session {session}\n").repeat(300 + session * 100).into_bytes();
        fsi.add_file(&added, FileData::from_bytes(content.clone())).unwrap();
        expected.insert(added, content);
        if session > 0 {
            let replaced = format!("first replaced in session {session}").into_bytes();
            fsi.remove("/dir/s0.txt").unwrap();
            fsi.add_file("/dir/s0.txt", FileData::from_bytes(replaced.clone()))
                .unwrap();
            expected.insert("/dir/s0.txt".into(), replaced);
        }
        if session > 1 {
            let gone = format!("/dir/s{}.txt", session - 1);
            fsi.remove(&gone).unwrap();
            expected.remove(&gone);
        }
        fsi.write_session(&writer, &mut |_| {}).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("disc.img");
    drive.borrow_mut().medium_mut().unwrap().export(&flat).unwrap();
    (expected, std::fs::read(&flat).unwrap(), last_start)
}

#[test]
fn five_udf_logical_sessions_on_random_writable_media() {
    // DVD-RW restricted overwrite writes whole 16-block units: the repointed anchor at 256 must
    // leave the rest of its unit (the first session's entries and small files) as recorded.
    for profile in [
        Profile::DvdPlusRw,
        Profile::BdRe,
        Profile::DvdRwRestrictedOverwrite,
        Profile::DvdRam,
    ] {
        let mut disc = Disc::new(profile);
        disc.format_default().unwrap();
        let (expected, image, last_start) = udf_sessions(disc, 5);
        assert!(last_start > 256, "{profile:?}");
        assert_eq!(
            common::session_files(&image, 0, FileSystems::UDF),
            expected,
            "{profile:?} UDF at 0"
        );
        assert_eq!(
            common::session_files(&image, 0, FileSystems::JOLIET),
            expected,
            "{profile:?} Joliet at 16"
        );
        assert_eq!(
            common::session_files(&image, last_start, FileSystems::UDF),
            expected,
            "{profile:?} UDF at the last session"
        );
        if let Some(seven) = seven_zip(&image) {
            assert_eq!(seven, expected, "{profile:?} 7z");
        }
    }
}

#[test]
fn three_udf_sessions_on_sequential_media() {
    for profile in [Profile::CdR, Profile::DvdPlusR] {
        let (expected, image, last_start) = udf_sessions(Disc::new(profile), 3);
        assert_eq!(
            common::session_files(&image, last_start, FileSystems::UDF),
            expected,
            "{profile:?} UDF at the last session"
        );
        assert_eq!(
            common::session_files(&image, last_start, FileSystems::JOLIET),
            expected,
            "{profile:?} Joliet"
        );
        let dir = tempfile::tempdir().unwrap();
        let flat = dir.path().join("disc.img");
        std::fs::write(&flat, &image).unwrap();
        if let Some(isoinfo) = common::peer("isoinfo") {
            // The Joliet listing of the last session, directories dropped.
            let out = std::process::Command::new(isoinfo)
                .args(["-J", "-f", "-T", &last_start.to_string(), "-i"])
                .arg(&flat)
                .output()
                .unwrap();
            let listing = String::from_utf8_lossy(&out.stdout);
            let files: Vec<&str> = listing
                .lines()
                .filter(|l| expected.contains_key(l.strip_suffix(";1").unwrap_or(l)))
                .collect();
            assert_eq!(files.len(), expected.len(), "{profile:?} isoinfo:\n{listing}");
            assert_eq!(
                listing.lines().count(),
                expected.len() + 1,
                "{profile:?} isoinfo:\n{listing}"
            );
        }
        if let Some(xorriso) = common::peer("xorriso") {
            // The files of the last session's tree, listed and extracted.
            let extract = dir.path().join("xorriso");
            let out = std::process::Command::new(xorriso)
                .args(["-abort_on", "FAILURE", "-osirrox", "on", "-joliet", "on"])
                .args(["-load", "sbsector", &last_start.to_string()])
                .arg("-indev")
                .arg(format!("stdio:{}", flat.display()))
                .args(["-find", "/", "-type", "f", "--", "-extract", "/"])
                .arg(&extract)
                .output()
                .unwrap();
            for (path, data) in &expected {
                let bytes = std::fs::read(extract.join(&path[1..])).unwrap();
                assert_eq!(&bytes, data, "{profile:?} xorriso extracts {path}");
            }
            let mut listed: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| l.trim_matches('\'').to_string())
                .collect();
            listed.sort();
            let names: Vec<&String> = expected.keys().collect();
            assert_eq!(listed.iter().collect::<Vec<_>>(), names, "{profile:?} xorriso");
        }
    }
}

#[test]
fn a_udf_only_logical_session_goes_after_the_previous_one() {
    let mut disc = Disc::new(Profile::DvdPlusRw);
    disc.format_default().unwrap();
    let (writer, drive) = common::emulated_writer(disc);
    let mut expected = BTreeMap::new();
    for session in 0..3u64 {
        let mut fsi = image(session);
        fsi.set_file_systems_to_create(FileSystems::UDF).unwrap();
        fsi.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
            .unwrap();
        if session > 0 {
            assert!(fsi.session_start_block() > 256, "session {session} after the first");
            assert_eq!(fsi.import_file_system().unwrap(), FileSystems::UDF);
        }
        let path = format!("/s{session}.bin");
        let data = vec![session as u8 + 1; 100_000];
        fsi.add_file(&path, FileData::from_bytes(data.clone())).unwrap();
        expected.insert(path, data);
        fsi.write_session(&writer, &mut |_| {}).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("disc.img");
    drive.borrow_mut().medium_mut().unwrap().export(&flat).unwrap();
    let image = std::fs::read(&flat).unwrap();
    assert_eq!(common::session_files(&image, 0, FileSystems::UDF), expected);
    if let Some(seven) = seven_zip(&image) {
        assert_eq!(seven, expected, "7z");
    }
}

/// DVD-RW restricted overwrite takes whole 16-block ECC blocks only: the repointed anchor at LBA
/// 256 (a one-block ModifiedBlocks range) is written with the rest of its unit as the disc holds
/// it, so the first session's small file right after the anchor keeps its bytes. (Zero-filling
/// that unit wiped LBA 257-271; found by tests/multisession_properties.rs.)
#[test]
fn the_anchor_unit_on_dvd_rw_restricted_overwrite_keeps_the_first_session() {
    let mut disc = Disc::new(Profile::DvdRwRestrictedOverwrite);
    disc.format_default().unwrap();
    let (writer, drive) = common::emulated_writer(disc);
    let small = b"a small file of the first session".to_vec();
    let mut first = image(0);
    first.add_file("/a.txt", FileData::from_bytes(small.clone())).unwrap();
    first.write_session(&writer, &mut |_| {}).unwrap();
    let export = || {
        let dir = tempfile::tempdir().unwrap();
        let flat = dir.path().join("disc.img");
        drive.borrow_mut().medium_mut().unwrap().export(&flat).unwrap();
        std::fs::read(&flat).unwrap()
    };
    let before = export();

    let mut second = image(1);
    second
        .set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    assert_eq!(second.import_file_system().unwrap(), FileSystems::UDF);
    second.write_session(&writer, &mut |_| {}).unwrap();
    let after = export();

    let block = |image: &[u8], lba: usize| image[lba * 2048..(lba + 1) * 2048].to_vec();
    for lba in 257..272 {
        assert_eq!(
            block(&after, lba),
            block(&before, lba),
            "LBA {lba} of the anchor's unit"
        );
    }
    let expected = BTreeMap::from([("/a.txt".to_string(), small)]);
    assert_eq!(common::session_files(&after, 0, FileSystems::UDF), expected, "UDF at 0");
    assert_eq!(
        common::session_files(&after, 0, FileSystems::JOLIET),
        expected,
        "Joliet at 0"
    );
}
