//! UDF output and the UDF reader: our images (1.02, 1.50, 2.00, 2.01; UDF alone and the
//! ISO 9660 + Joliet + UDF bridge) read back by our reader and by peers (7-Zip, udfinfo from
//! udftools, pycdlib for 1.02); images made by genisoimage -udf and mkudffs read by our reader;
//! mutated images never panic or hang.

mod common;
mod fsi_common;

use burnbench::fsi::read::{self, ImportedTree, SeekBlockReader};
use burnbench::fsi::{FileSystemImage, FileSystems};
use burnbench::hresult::{HResult, ImapiResult};
use fsi_common::{bytes, code, image_bytes, new_image, peer, pycdlib, run, write_image};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

const REVISIONS: [u32; 4] = [0x102, 0x150, 0x200, 0x201];

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// Path → content (None for folders) of the sample tree.
fn sample(fsi: &mut FileSystemImage) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut expected = BTreeMap::new();
    for dir in ["/docs", "/docs/deeper", "/Ünïcödé ✓ folder"] {
        fsi.add_directory(dir).unwrap();
        expected.insert(dir.to_string(), None);
    }
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("/readme.txt", b"hello udf".to_vec()),
        ("/empty.bin", Vec::new()),
        ("/docs/big.bin", pattern(100_000, 3)),
        ("/docs/deeper/exactly two blocks.dat", pattern(4096, 9)),
        ("/Ünïcödé ✓ folder/日本語.txt", "こんにちは".as_bytes().to_vec()),
        ("/Ünïcödé ✓ folder/Grüße.txt", b"latin-1 name".to_vec()),
    ];
    for (path, data) in files {
        fsi.add_file(path, bytes(&data)).unwrap();
        expected.insert(path.to_string(), Some(data));
    }
    for i in 0..70 {
        let path = format!("/docs/file number {i:03} with a long name.txt");
        let data = format!("file {i}").into_bytes();
        fsi.add_file(&path, bytes(&data)).unwrap();
        expected.insert(path, Some(data));
    }
    expected
}

fn image(systems: FileSystems, revision: u32) -> (Vec<u8>, BTreeMap<String, Option<Vec<u8>>>) {
    let mut fsi = new_image();
    fsi.set_file_systems_to_create(systems).unwrap();
    fsi.set_udf_revision(revision).unwrap();
    fsi.set_volume_name("UdfVolume").unwrap();
    let expected = sample(&mut fsi);
    let result = fsi.create_result_image().unwrap();
    (image_bytes(&result), expected)
}

fn bridge() -> FileSystems {
    FileSystems::ISO9660.union(FileSystems::JOLIET).union(FileSystems::UDF)
}

/// Our reader's view: path → content.
fn read_back(image: &[u8], fs: FileSystems) -> (ImportedTree, BTreeMap<String, Option<Vec<u8>>>) {
    let mut reader = SeekBlockReader::new(Cursor::new(image.to_vec())).unwrap();
    let tree = read::read_tree(&mut reader, 0, fs).unwrap();
    let mut found = BTreeMap::new();
    for item in &tree.items {
        if item.is_dir {
            found.insert(item.path.clone(), None);
        } else {
            let mut data = Vec::new();
            read::read_file(&mut reader, item, &mut data).unwrap();
            assert_eq!(data.len() as u64, item.size);
            found.insert(item.path.clone(), Some(data));
        }
    }
    (tree, found)
}

#[test]
fn every_written_revision_reads_back_alone_and_in_the_bridge() {
    for revision in REVISIONS {
        for systems in [FileSystems::UDF, bridge()] {
            let (bytes, expected) = image(systems, revision);
            let mut reader = SeekBlockReader::new(Cursor::new(bytes.clone())).unwrap();
            let found = read::identify_file_systems(&mut reader, 0).unwrap();
            assert_eq!(found, systems, "revision {revision:#x}");
            let volume = read::read_udf_volume(&mut reader, 0).unwrap();
            assert_eq!(volume.revision as u32, revision);
            assert_eq!(volume.tag_version, if revision >= 0x200 { 3 } else { 2 });
            let (tree, contents) = read_back(&bytes, FileSystems::UDF);
            assert_eq!(tree.volume_name, "UdfVolume");
            assert_eq!(contents, expected, "revision {revision:#x}, {systems}");
            // Anchors at 256 and at the last block.
            let last = bytes.len() / 2048 - 1;
            for lba in [256, last] {
                assert_eq!(&bytes[lba * 2048..lba * 2048 + 2], &[2, 0]);
            }
        }
    }
}

#[test]
fn the_bridge_shares_file_extents_between_iso_joliet_and_udf() {
    let (bytes, _) = image(bridge(), 0x201);
    let (udf, _) = read_back(&bytes, FileSystems::UDF);
    let (joliet, _) = read_back(&bytes, FileSystems::JOLIET);
    let mut shared = 0;
    for item in udf.items.iter().filter(|i| !i.is_dir && i.size > 0) {
        let j = joliet.find(&item.path).expect("same names in Joliet");
        assert_eq!(j.extents, item.extents, "{}", item.path);
        shared += 1;
    }
    assert!(shared > 70);
}

#[test]
fn output_is_deterministic() {
    assert_eq!(image(bridge(), 0x102).0, image(bridge(), 0x102).0);
}

#[test]
fn udf_2_50_and_2_60_are_refused_with_the_documented_hresult() {
    for revision in [0x250, 0x260] {
        let mut fsi = new_image();
        fsi.set_file_systems_to_create(FileSystems::UDF).unwrap();
        fsi.set_udf_revision(revision).unwrap();
        assert_eq!(code(fsi.create_result_image()), HResult::IMAPI_E_FSI_INTERNAL_ERROR);
    }
}

#[test]
fn files_over_4_gib_use_several_allocation_descriptors() {
    let dir = tempfile::tempdir().unwrap();
    let host = dir.path().join("huge.bin");
    let size = 5u64 << 30;
    std::fs::File::create(&host).unwrap().set_len(size).unwrap();
    let mut fsi = new_image();
    fsi.set_file_systems_to_create(FileSystems::UDF).unwrap();
    fsi.set_udf_revision(0x201).unwrap();
    fsi.add_file("/huge.bin", burnbench::fsi::FileData::from_host(&host).unwrap())
        .unwrap();
    let result = fsi.create_result_image().unwrap();
    let mut reader = SeekBlockReader::new(result.image_stream()).unwrap();
    let tree = read::read_tree(&mut reader, 0, FileSystems::UDF).unwrap();
    let item = tree.find("/huge.bin").unwrap();
    assert_eq!(item.size, size);
    assert_eq!(item.extents.len(), 6);
    assert_eq!(item.extents.iter().map(|e| e.bytes).sum::<u64>(), size);
    for pair in item.extents.windows(2) {
        assert_eq!(pair[0].lba as u64 + pair[0].bytes / 2048, pair[1].lba as u64);
    }
}

fn files_under(root: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = format!("/{}", path.strip_prefix(root).unwrap().to_string_lossy());
            if path.is_dir() {
                out.insert(rel, None);
                walk(root, &path, out);
            } else {
                out.insert(rel, Some(std::fs::read(&path).unwrap()));
            }
        }
    }
    walk(root, root, &mut out);
    out
}

/// `7z x -tudf IMAGE` into a folder `x` beside the image; returns that folder.
fn seven_zip_extract(seven: &Path, image: &Path) -> std::path::PathBuf {
    let out = image.with_file_name("x");
    let to = format!("-o{}", out.display());
    run(seven, &["x", "-y", "-tudf", &to, image.to_str().unwrap()]);
    out
}

#[test]
fn seven_zip_lists_and_extracts_every_revision() {
    let Some(seven) = peer("7z") else { return };
    for revision in REVISIONS {
        for systems in [FileSystems::UDF, bridge()] {
            let dir = tempfile::tempdir().unwrap();
            let (bytes, expected) = image(systems, revision);
            let path = dir.path().join("udf.iso");
            std::fs::write(&path, &bytes).unwrap();
            let listing = run(&seven, &["l", "-slt", "-tudf", path.to_str().unwrap()]);
            assert!(listing.contains("Type = Udf"), "{listing}");
            let mut found = BTreeMap::new();
            let mut current = None;
            for line in listing.lines() {
                if let Some(p) = line.strip_prefix("Path = ") {
                    current = Some(format!("/{p}"));
                } else if let Some(size) = line.strip_prefix("Size = ")
                    && let Some(p) = current.take()
                    && !p.ends_with("udf.iso")
                {
                    found.insert(p, size.parse::<u64>().ok());
                }
            }
            let sizes: BTreeMap<String, Option<u64>> = expected
                .iter()
                .map(|(p, c)| (p.clone(), c.as_ref().map(|c| c.len() as u64)))
                .collect();
            let found: BTreeMap<String, Option<u64>> = found
                .into_iter()
                .map(|(p, s)| {
                    let is_dir = sizes.get(&p).is_some_and(Option::is_none);
                    (p, if is_dir { None } else { s })
                })
                .collect();
            assert_eq!(found, sizes, "revision {revision:#x}");
            let out = seven_zip_extract(&seven, &path);
            assert_eq!(files_under(&out), expected, "revision {revision:#x}");
        }
    }
}

#[test]
fn udfinfo_reads_every_revision() {
    let Some(udfinfo) = peer("udfinfo") else { return };
    for revision in REVISIONS {
        let dir = tempfile::tempdir().unwrap();
        let (bytes, _) = image(bridge(), revision);
        let path = dir.path().join("udf.iso");
        std::fs::write(&path, &bytes).unwrap();
        let out = run(&udfinfo, &[path.to_str().unwrap()]);
        let text = format!("{}.{:02x}", revision >> 8, revision & 0xFF);
        for wanted in [
            format!("udfrev={text}"),
            "label=UdfVolume".to_string(),
            "integrity=closed".to_string(),
            "numfiles=76".to_string(),
            "numdirs=4".to_string(),
            format!("blocks={}", bytes.len() / 2048),
        ] {
            assert!(out.lines().any(|l| l == wanted), "{wanted} missing from\n{out}");
        }
    }
}

#[test]
fn pycdlib_walks_the_udf_1_02_tree() {
    if !pycdlib() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut fsi = new_image();
    fsi.set_file_systems_to_create(bridge()).unwrap();
    let expected = sample(&mut fsi);
    let path = write_image(&fsi.create_result_image().unwrap(), dir.path(), "udf.iso");
    // pycdlib keeps FID names as raw bytes (Latin-1 for CS0 id 8, UTF-16BE for 16), udf-iso.md §4.4.
    let script = r#"
import sys, io, hashlib, pycdlib
iso = pycdlib.PyCdlib()
iso.open(sys.argv[1])
for path, dirs, files in iso.walk(udf_path='/'):
    for f in files:
        full = (path.rstrip('/') + '/' + f)
        out = io.BytesIO()
        iso.get_file_from_iso_fp(out, udf_path=full)
        print('F', full.encode('utf-8', 'surrogateescape').hex(), len(out.getvalue()), hashlib.sha256(out.getvalue()).hexdigest())
    for d in dirs:
        print('D', (path.rstrip('/') + '/' + d).encode('utf-8', 'surrogateescape').hex())
iso.close()
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script, path.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines: Vec<String> = stdout.lines().map(str::to_string).collect();
    lines.sort();
    let mut wanted: Vec<String> = Vec::new();
    use sha2_free::sha256_hex;
    for (p, content) in &expected {
        // pycdlib decodes names itself: CS0 16 → UTF-16BE → text, CS0 8 → Latin-1 → text.
        let hex: String = p.bytes().map(|b| format!("{b:02x}")).collect();
        wanted.push(match content {
            None => format!("D {hex}"),
            Some(c) => format!("F {hex} {} {}", c.len(), sha256_hex(c)),
        });
    }
    wanted.sort();
    assert_eq!(lines, wanted);
}

/// SHA-256 via python (no hashing crate in the dev-dependencies).
mod sha2_free {
    pub fn sha256_hex(data: &[u8]) -> String {
        use std::io::Write;
        let mut child = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys,hashlib;print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(data).unwrap();
        let out = child.wait_with_output().unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
}

#[test]
fn genisoimage_udf_images_read_like_their_source() {
    let Some(genisoimage) = peer("genisoimage") else { return };
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("sub/deeper")).unwrap();
    std::fs::write(src.join("a.txt"), b"aaa").unwrap();
    std::fs::write(src.join("empty"), b"").unwrap();
    std::fs::write(src.join("sub/big.bin"), pattern(70_000, 1)).unwrap();
    std::fs::write(src.join("sub/deeper/Grüße.txt"), b"gruss").unwrap();
    let path = dir.path().join("g.iso");
    run(
        &genisoimage,
        &[
            "-quiet",
            "-udf",
            "-J",
            "-R",
            "-V",
            "GENUDF",
            "-o",
            path.to_str().unwrap(),
            src.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&path).unwrap();
    let (tree, contents) = read_back(&bytes, FileSystems::UDF);
    assert_eq!(tree.volume_name, "GENUDF");
    assert_eq!(contents, files_under(&src));
    if let Some(seven) = peer("7z") {
        let listing = run(&seven, &["l", "-slt", "-tudf", path.to_str().unwrap()]);
        let sevens: Vec<String> = listing
            .lines()
            .filter_map(|l| l.strip_prefix("Path = "))
            .filter(|p| !p.ends_with("g.iso"))
            .map(|p| format!("/{p}"))
            .collect();
        let mut ours: Vec<String> = tree.items.iter().map(|i| i.path.clone()).collect();
        let mut sevens = sevens;
        ours.sort();
        sevens.sort();
        assert_eq!(ours, sevens);
    }
}

#[test]
fn mkudffs_empty_file_systems_read_for_each_revision() {
    let Some(mkudffs) = peer("mkudffs") else { return };
    for revision in ["1.02", "1.50", "2.00", "2.01"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.img");
        let label = format!("Vol{revision}");
        run(
            &mkudffs,
            &[
                "-b",
                "2048",
                "-r",
                revision,
                "-l",
                &label,
                path.to_str().unwrap(),
                "600",
            ],
        );
        let mut reader = SeekBlockReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        assert_eq!(read::identify_file_systems(&mut reader, 0).unwrap(), FileSystems::UDF);
        let tree = read::read_tree(&mut reader, 0, FileSystems::UDF).unwrap();
        assert_eq!(tree.volume_name, format!("Vol{revision}"));
        assert!(tree.items.is_empty(), "{revision}: {:?}", tree.items);
    }
}

// ---- file data embedded in the file entry ----------------------------------------------------

/// A UDF 2.01 image whose `/dir/inline.txt` keeps its bytes inside its file entry (AD type 3,
/// udf-iso.md §2.7), made from one of ours: the entry's short_ad is replaced by the data and the
/// block the data was in is cleared, so that nothing but the entry holds it.
fn image_with_embedded_file() -> (Vec<u8>, Vec<u8>) {
    let content = b"these bytes live inside the file entry".to_vec();
    let mut fsi = new_image();
    fsi.set_file_systems_to_create(FileSystems::UDF).unwrap();
    fsi.set_udf_revision(0x201).unwrap();
    fsi.add_directory("/dir").unwrap();
    fsi.add_file("/dir/inline.txt", bytes(&content)).unwrap();
    fsi.add_file("/other.bin", bytes(&pattern(5000, 4))).unwrap();
    let mut image = image_bytes(&fsi.create_result_image().unwrap());
    let (tree, _) = read_back(&image, FileSystems::UDF);
    let data = tree.find("/dir/inline.txt").unwrap().extents[0].lba as usize * 2048;
    image[data..data + 2048].fill(0);
    let at = file_entry_offset(&image, content.len() as u64);
    let entry = &mut image[at..at + 2048];
    entry[34] = (entry[34] & !7) | 3; // ICB flags: data in the ICB
    entry[72..80].fill(0); // logical blocks recorded
    entry[212..216].copy_from_slice(&(content.len() as u32).to_le_bytes()); // L_AD
    entry[216..216 + content.len()].copy_from_slice(&content);
    entry[10..12].copy_from_slice(&(200 + content.len() as u16).to_le_bytes());
    retag(&mut image, at);
    (image, content)
}

#[test]
fn embedded_file_data_is_listed_read_and_extracted() {
    let (image, content) = image_with_embedded_file();
    let (tree, contents) = read_back(&image, FileSystems::UDF);
    let item = tree.find("/dir/inline.txt").unwrap();
    assert_eq!(item.embedded.as_deref(), Some(&content[..]));
    assert!(item.extents.is_empty());
    assert_eq!(contents["/dir/inline.txt"], Some(content.clone()));
    assert_eq!(contents["/other.bin"], Some(pattern(5000, 4)));

    let dir = tempfile::tempdir().unwrap();
    let mut reader = SeekBlockReader::new(Cursor::new(image.clone())).unwrap();
    let report = read::extract(&mut reader, &tree, "/dir", dir.path()).unwrap();
    assert_eq!((report.files, report.bytes), (1, content.len() as u64));
    assert_eq!(std::fs::read(dir.path().join("dir/inline.txt")).unwrap(), content);

    let path = dir.path().join("embedded.iso");
    std::fs::write(&path, &image).unwrap();
    let listing = common::run(&["image", "ls", path.to_str().unwrap(), "--fs", "udf"]);
    let listing = String::from_utf8_lossy(&listing.stdout);
    let line = listing.lines().find(|l| l.ends_with("/dir/inline.txt")).unwrap();
    assert!(
        line.contains("in-entry") && line.contains(&content.len().to_string()),
        "{listing}"
    );
    if let Some(seven) = peer("7z") {
        let out = seven_zip_extract(&seven, &path);
        assert_eq!(std::fs::read(out.join("dir/inline.txt")).unwrap(), content);
    }
}

#[test]
fn an_embedded_file_is_carried_into_the_next_session() {
    use burnbench::burn::{DataWriter, Recorder};
    use burnbench::drive::{Drive, DriveModel};
    use burnbench::media::medium::Medium;
    use burnbench::media::{Disc, Profile};

    let (image, content) = image_with_embedded_file();
    let mut drive = Drive::with_medium(
        DriveModel::builtin("bd-writer").unwrap(),
        Medium::in_memory(Disc::new(Profile::CdR)),
    );
    drive.settle();
    let (recorder, drive) = Recorder::emulated(drive);
    let writer = DataWriter::new();
    writer.set_recorder(&recorder).unwrap();
    writer.set_client_name("burnbench");
    writer.write(&mut Cursor::new(image)).unwrap();

    let mut next = new_image();
    next.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    assert_eq!(next.import_file_system().unwrap(), FileSystems::UDF);
    let result = next.create_result_image().unwrap();
    let start = next.session_start_block();
    writer.write(&mut result.image_stream()).unwrap();
    drop(result);

    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("disc.img");
    drive.borrow_mut().medium_mut().unwrap().export(&flat).unwrap();
    let mut reader = SeekBlockReader::new(std::fs::File::open(&flat).unwrap()).unwrap();
    let tree = read::read_tree(&mut reader, start, FileSystems::JOLIET).unwrap();
    let item = tree.find("/dir/inline.txt").unwrap();
    assert!(
        item.extents[0].lba >= start,
        "the bytes were written again in session 2"
    );
    let mut data = Vec::new();
    read::read_file(&mut reader, item, &mut data).unwrap();
    assert_eq!(data, content);
}

// ---- hostile input ---------------------------------------------------------------------------

fn seed() -> &'static (Vec<u8>, usize) {
    static SEED: OnceLock<(Vec<u8>, usize)> = OnceLock::new();
    SEED.get_or_init(|| {
        let mut fsi = new_image();
        fsi.set_file_systems_to_create(FileSystems::UDF).unwrap();
        fsi.set_udf_revision(0x201).unwrap();
        fsi.add_directory("/a").unwrap();
        fsi.add_directory("/a/b").unwrap();
        fsi.add_file("/a/b/c.txt", bytes(b"ccc")).unwrap();
        fsi.add_file("/a/big.bin", bytes(&[7u8; 9000])).unwrap();
        for i in 0..30 {
            fsi.add_file(&format!("/a/file number {i}.txt"), bytes(format!("{i}").as_bytes()))
                .unwrap();
        }
        let result = fsi.create_result_image().unwrap();
        let first_data = result.progress_items().iter().map(|p| p.first_block).min().unwrap() as usize;
        (image_bytes(&result), first_data)
    })
}

/// What a damaged image may be answered with. A mutated volume recognition sequence (an unknown
/// standard identifier ends the scan, ECMA-167 2/8.3) hides the UDF volume: FILE_SYSTEM_NOT_FOUND.
const ACCEPTED: [HResult; 3] = [
    HResult::IMAPI_E_FILE_SYSTEM_NOT_FOUND,
    HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR,
    HResult::IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED,
];

fn read_everything(image: Vec<u8>) -> ImapiResult<usize> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = SeekBlockReader::new(Cursor::new(image)).unwrap();
        let outcome = read::read_udf_tree(&mut reader, 0).and_then(|tree| {
            let mut total = 0;
            for item in tree.items.iter().filter(|i| !i.is_dir) {
                let mut data = Vec::new();
                read::read_file(&mut reader, item, &mut data)?;
                total += data.len();
            }
            Ok(total)
        });
        let _ = tx.send(outcome);
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("reading a damaged image must not hang")
}

/// Rewrites the tag checksum and CRC of the descriptor at `at` after a deliberate change.
fn retag(image: &mut [u8], at: usize) {
    let crc_len = u16::from_le_bytes([image[at + 10], image[at + 11]]) as usize;
    let crc = crc16(&image[at + 16..at + 16 + crc_len]);
    image[at + 8..at + 10].copy_from_slice(&crc.to_le_bytes());
    let sum = (0..16)
        .filter(|&i| i != 4)
        .fold(0u8, |s, i| s.wrapping_add(image[at + i]));
    image[at + 4] = sum;
}

fn crc16(bytes: &[u8]) -> u16 {
    let mut crc = 0u16;
    for &b in bytes {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// Byte offset of the (only) Extended File Entry of a regular file of `size` bytes.
fn file_entry_offset(image: &[u8], size: u64) -> usize {
    (0..image.len() / 2048)
        .map(|block| block * 2048)
        .find(|&at| {
            image[at..at + 2] == [0x0A, 0x01]
                && image[at + 27] == 5
                && u64::from_le_bytes(image[at + 56..at + 64].try_into().unwrap()) == size
        })
        .expect("a file entry of that size")
}

#[test]
fn a_directory_loop_and_an_extent_past_the_end_are_consistency_errors() {
    let (image, _) = seed();
    let mut reader = SeekBlockReader::new(Cursor::new(image.clone())).unwrap();
    let tree = read::read_udf_tree(&mut reader, 0).unwrap();
    let a = tree.find("/a").unwrap().extents[0].lba as usize;
    let b = tree.find("/a/b").unwrap().extents[0].lba as usize;
    // /a/b's FIDs start at block b; its parent FID (first) points at /a's entry. Point the FID
    // of c.txt (second) at /a's entry, as a directory: a loop.
    let mut looped = image.clone();
    let a_entry = u32::from_le_bytes(looped[(a - 1) * 2048 + 12..(a - 1) * 2048 + 16].try_into().unwrap());
    let fid = b * 2048 + 40;
    looped[fid + 18] = 2;
    looped[fid + 24..fid + 28].copy_from_slice(&a_entry.to_le_bytes());
    retag(&mut looped, fid);
    let err = read_everything(looped).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, "{err}");
    // big.bin's extent moved far past the end of the medium.
    let big = tree.find("/a/big.bin").unwrap();
    let mut past = image.clone();
    let at = file_entry_offset(&past, big.size);
    past[at + 216 + 4..at + 216 + 8].copy_from_slice(&0x7FFF_0000u32.to_le_bytes());
    retag(&mut past, at);
    let err = read_everything(past).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_udf_metadata_is_handled(mutations in prop::collection::vec((0.0f64..1.0, any::<u8>()), 1..24), retagged in any::<bool>()) {
        let (image, first_data) = seed();
        let mut image = image.clone();
        let metadata = 16 * 2048..*first_data * 2048;
        let mut touched = Vec::new();
        for (where_, value) in mutations {
            let at = metadata.start + ((metadata.end - metadata.start) as f64 * where_) as usize;
            image[at] = value;
            touched.push(at);
        }
        if retagged {
            // Keep the tags valid so that the mutation reaches the fields behind them.
            for at in touched {
                let block = at / 2048 * 2048;
                if image[block + 5] == 0 && u16::from_le_bytes([image[block + 10], image[block + 11]]) as usize <= 2032 {
                    retag(&mut image, block);
                }
            }
        }
        if let Err(e) = read_everything(image) {
            prop_assert!(ACCEPTED.contains(&e.code), "unexpected error {}", e);
        }
    }
}
