//! UDF output and the UDF reader: our images (1.02, 1.50, 2.00, 2.01; UDF alone and the
//! ISO 9660 + Joliet + UDF bridge) read back by our reader and by peers (7-Zip, udfinfo from
//! udftools, pycdlib for 1.02); images made by genisoimage -udf and mkudffs read by our reader;
//! mutated images never panic or hang.

mod common;
mod fsi_common;

use burnbench::fsi::read::{self, ImportedTree, SeekBlockReader};
use burnbench::fsi::udf::metadata::{MetadataMap, NO_BITMAP};
use burnbench::fsi::{FileSystemImage, FileSystems};
use burnbench::hresult::HResult;
use fsi_common::{bytes, image_bytes, new_image, peer, pycdlib, read_udf_everything, retag, run, write_image};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;
use std::sync::OnceLock;

const REVISIONS: [u32; 6] = [0x102, 0x150, 0x200, 0x201, 0x250, 0x260];

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
    read_back_at(image, 0, fs)
}

/// Our reader's view of the session at `session_start`.
fn read_back_at(
    image: &[u8],
    session_start: u32,
    fs: FileSystems,
) -> (ImportedTree, BTreeMap<String, Option<Vec<u8>>>) {
    let mut reader = SeekBlockReader::new(Cursor::new(image.to_vec())).unwrap();
    let tree = read::read_tree(&mut reader, session_start, fs).unwrap();
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
            assert_eq!(volume.has_metadata_partition, revision >= 0x250);
            assert_eq!(volume.physical_partition.access_type, read::AccessType::ReadOnly);
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
    // 2.50: through long_ads from a metadata partition.
    for revision in [0x201, 0x250] {
        let (bytes, _) = image(bridge(), revision);
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
}

#[test]
fn output_is_deterministic() {
    assert_eq!(image(bridge(), 0x102).0, image(bridge(), 0x102).0);
}

// ---- UDF 2.50 / 2.60: the metadata partition ----------------------------------------------------

/// A UDF-only image of the sample tree at `revision` with CreateRedundantUdfMetadataFiles.
fn metadata_image(revision: u32, redundant: bool) -> (Vec<u8>, BTreeMap<String, Option<Vec<u8>>>) {
    let mut fsi = new_image();
    fsi.set_file_systems_to_create(FileSystems::UDF).unwrap();
    fsi.set_udf_revision(revision).unwrap();
    assert_eq!(
        fsi.set_create_redundant_udf_metadata_files(redundant).unwrap(),
        HResult::S_OK
    );
    let expected = sample(&mut fsi);
    (image_bytes(&fsi.create_result_image().unwrap()), expected)
}

fn le32(image: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(image[at..at + 4].try_into().unwrap())
}

/// The short_ad (bytes, partition block) of the Metadata (Mirror) File entry at `at`.
fn metadata_file_extent(image: &[u8], at: usize, file_type: u8) -> (u32, u32) {
    assert_eq!(&image[at..at + 2], &[0x0A, 0x01], "an Extended File Entry");
    assert_eq!(image[at + 27], file_type);
    assert_eq!(u16::from_le_bytes([image[at + 48], image[at + 49]]), 0, "link count 0");
    assert_eq!(image[at + 34] & 7, 0, "short_ads");
    assert_eq!(le32(image, at + 212), 8, "one extent");
    (le32(image, at + 216), le32(image, at + 220))
}

#[test]
fn udf_2_50_and_2_60_keep_their_metadata_in_a_metadata_partition() {
    const LVD: usize = 35 * 2048;
    const PD: usize = 34 * 2048;
    for revision in [0x250u32, 0x260] {
        for redundant in [true, false] {
            let (image, expected) = metadata_image(revision, redundant);
            // LVD: a type-1 map and the 64-byte metadata map; the FSD at block 0 of reference 1.
            assert_eq!((le32(&image, LVD + 264), le32(&image, LVD + 268)), (70, 2));
            assert_eq!(&image[LVD + 440..LVD + 446], &[1, 6, 1, 0, 0, 0]);
            let map = MetadataMap::parse(&image[LVD + 446..LVD + 510]).unwrap();
            assert_eq!(map.revision as u32, revision);
            assert_eq!((map.partition_number, map.bitmap_loc), (0, NO_BITMAP));
            assert_eq!(map.duplicate, redundant);
            assert_eq!(&image[LVD + 248..LVD + 258], &[0, 8, 0, 0, 0, 0, 0, 0, 1, 0]);
            // LVID: two partitions, minimum read revision 2.50, minimum and maximum write ours.
            let lvid = 64 * 2048;
            assert_eq!(le32(&image, lvid + 72), 2);
            let revisions = &image[lvid + 80 + 16 + 32 + 8..lvid + 80 + 16 + 32 + 14];
            let r = (revision as u16).to_le_bytes();
            assert_eq!(revisions, &[0x50, 0x02, r[0], r[1], r[0], r[1]]);

            let partition = le32(&image, PD + 188) as usize;
            let main_at = (partition + map.file_loc as usize) * 2048;
            let mirror_at = (partition + map.mirror_loc as usize) * 2048;
            let main = metadata_file_extent(&image, main_at, 250);
            let mirror = metadata_file_extent(&image, mirror_at, 251);
            assert_eq!(main.0, mirror.0);
            assert_eq!(main.1 % 32, 0, "aligned to the alignment unit");
            assert_eq!(main.0 % (32 * 2048), 0, "a whole number of allocation units");
            let copy = |(bytes, block): (u32, u32)| {
                let at = (partition + block as usize) * 2048;
                image[at..at + bytes as usize].to_vec()
            };
            if redundant {
                assert!(mirror.1 >= main.1 + main.0 / 2048, "the mirror has extents of its own");
                assert_eq!(copy(main), copy(mirror));
            } else {
                assert_eq!(main, mirror);
            }
            // The FSD is metadata block 0: its tag names block 0.
            let fsd = (partition + main.1 as usize) * 2048;
            assert_eq!(&image[fsd..fsd + 2], &[0, 1]);
            assert_eq!(le32(&image, fsd + 12), 0);
            // The root's FIDs follow its entry; after the parent FID (40 bytes) the first child's
            // ICB long_ad carries its unique ID (≥ 16) in impUse bytes 2–5 (udf-iso.md §2.1).
            let root = le32(&image, fsd + 404) as usize;
            assert_eq!(
                &image[fsd + 408..fsd + 410],
                &[1, 0],
                "root ICB in the metadata partition"
            );
            let child = (partition + main.1 as usize + root + 1) * 2048 + 40;
            assert_eq!(&image[child..child + 2], &[1, 1], "a FID");
            assert_eq!(&image[child + 28..child + 32], &[1, 0, 0, 0]);
            assert!(le32(&image, child + 32) >= 16);
            // File entries name their data with long_ads in the physical partition (reference 0).
            let big = file_entry_offset(&image, 100_000);
            assert_eq!(image[big + 34] & 7, 1);
            assert_eq!(&image[big + 216 + 8..big + 216 + 10], &[0, 0]);

            let (_, contents) = read_back(&image, FileSystems::UDF);
            assert_eq!(contents, expected, "revision {revision:#x}, redundant {redundant}");
        }
    }
}

#[test]
fn an_unreadable_metadata_file_falls_back_to_the_mirror() {
    for redundant in [true, false] {
        let (mut image, expected) = metadata_image(0x250, redundant);
        let partition = le32(&image, 34 * 2048 + 188) as usize;
        let map = MetadataMap::parse(&image[35 * 2048 + 446..35 * 2048 + 510]).unwrap();
        let main_at = (partition + map.file_loc as usize) * 2048;
        image[main_at..main_at + 2048].fill(0);
        let (_, contents) = read_back(&image, FileSystems::UDF);
        assert_eq!(contents, expected, "redundant {redundant}");
        // Without either entry there is no metadata partition to read.
        let mirror_at = (partition + map.mirror_loc as usize) * 2048;
        image[mirror_at..mirror_at + 2048].fill(0);
        let mut reader = SeekBlockReader::new(Cursor::new(image)).unwrap();
        let err = read::read_tree(&mut reader, 0, FileSystems::UDF).unwrap_err();
        assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, "{err}");
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

/// The bridge stays an ISO 9660 + Joliet image for their own readers whatever the UDF revision:
/// isoinfo reads the descriptors and the Joliet names, xorriso lists and extracts every file.
#[test]
fn iso_and_joliet_peers_read_the_bridge_of_every_revision() {
    let (Some(isoinfo), Some(xorriso)) = (peer("isoinfo"), peer("xorriso")) else {
        return;
    };
    for revision in REVISIONS {
        let dir = tempfile::tempdir().unwrap();
        let (bytes, expected) = image(bridge(), revision);
        let path = dir.path().join("bridge.iso");
        std::fs::write(&path, &bytes).unwrap();
        let image = path.to_str().unwrap();
        let d = run(&isoinfo, &["-d", "-i", image]);
        assert!(d.contains("Volume id: UDFVOLUME") && d.contains("Joliet"), "{d}");
        // isoinfo prints Joliet names in ISO 8859-1 and characters beyond it as `_`.
        let listing = std::process::Command::new(&isoinfo)
            .args(["-J", "-f", "-i", image])
            .output()
            .unwrap()
            .stdout;
        let listing: String = listing.iter().map(|&b| b as char).collect();
        let mut joliet: Vec<String> = listing.lines().map(|l| l.trim_end_matches(";1").to_string()).collect();
        joliet.sort();
        let latin1 = |p: &String| {
            p.chars()
                .map(|c| if (c as u32) < 0x100 { c } else { '_' })
                .collect::<String>()
        };
        let mut want: Vec<String> = expected.keys().map(latin1).collect();
        want.sort();
        assert_eq!(joliet, want, "revision {revision:#x}");
        let out = dir.path().join("x");
        let out = out.to_str().unwrap();
        run(&xorriso, &["-osirrox", "on", "-indev", image, "-extract", "/", out]);
        assert_eq!(files_under(Path::new(out)), expected, "revision {revision:#x}");
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
        let text = |r: u32| format!("{}.{:02x}", r >> 8, r & 0xFF);
        // udfinfo's udfrev is the LVID's minimum read revision: 2.50 for a 2.60 volume, which
        // needs nothing beyond 2.50 to be read (udf-iso.md §2.5).
        let min_read = revision.min(0x250);
        for wanted in [
            format!("udfrev={}", text(min_read)),
            format!("udfwriterev={}", text(revision)),
            "accesstype=readonly".to_string(),
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
    // mkudffs makes 2.50 and 2.60 only for write-once media (dvdr, bdr), with a virtual
    // partition (VAT, udf-iso.md §2.12), which import does not support.
    for revision in ["2.50", "2.60"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.img");
        let path = path.to_str().unwrap();
        run(&mkudffs, &["-b", "2048", "-m", "bdr", "-r", revision, path, "2000"]);
        let mut reader = SeekBlockReader::new(std::fs::File::open(path).unwrap()).unwrap();
        assert_eq!(read::identify_file_systems(&mut reader, 0).unwrap(), FileSystems::UDF);
        let err = read::read_tree(&mut reader, 0, FileSystems::UDF).unwrap_err();
        assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED);
        assert!(err.message().contains("*UDF Virtual Partition"), "{err}");
    }
}

// ---- UDF in a later session (udf-iso.md §3.3) ----------------------------------------------------

/// Session 2 of a disc whose session 1 is `first` (at LBA 0): starts at the end of session 1
/// rounded up to 32 blocks, keeps every file of session 1 where it was recorded
/// (`FileData::recorded`) and adds two new ones. Returns the flat disc, session 2's start and
/// what session 2 holds.
fn second_session(
    first: &[u8],
    systems: FileSystems,
    revision: u32,
) -> (Vec<u8>, u32, BTreeMap<String, Option<Vec<u8>>>) {
    let (tree, mut expected) = read_back(first, FileSystems::UDF);
    let start = (first.len() / 2048).next_multiple_of(32) as u32;
    let mut fsi = new_image();
    fsi.set_file_systems_to_create(systems).unwrap();
    fsi.set_udf_revision(revision).unwrap();
    fsi.set_session_start_block(start).unwrap();
    fsi.set_volume_name("Session2").unwrap();
    for item in &tree.items {
        if item.is_dir {
            fsi.add_directory(&item.path).unwrap();
        } else {
            let data = match item.extents.as_slice() {
                [] => bytes(b""),
                [extent] => burnbench::fsi::FileData::recorded(extent.lba, item.size),
                more => panic!("{}: {} extents", item.path, more.len()),
            };
            fsi.add_file(&item.path, data).unwrap();
        }
    }
    fsi.add_directory("/new").unwrap();
    for (path, data) in [
        ("/new/added.bin", pattern(7000, 5)),
        ("/docs/also new.txt", b"session 2".to_vec()),
    ] {
        fsi.add_file(path, bytes(&data)).unwrap();
        expected.insert(path.to_string(), Some(data));
    }
    expected.insert("/new".to_string(), None);
    let mut disc = first.to_vec();
    disc.resize(start as usize * 2048, 0);
    disc.extend(image_bytes(&fsi.create_result_image().unwrap()));
    (disc, start, expected)
}

#[test]
fn a_later_session_keeps_the_files_of_the_first_in_its_partition() {
    for revision in REVISIONS {
        for systems in [FileSystems::UDF, bridge()] {
            let (first, first_expected) = image(systems, revision);
            let (disc, start, expected) = second_session(&first, systems, revision);
            let mut reader = SeekBlockReader::new(Cursor::new(disc.clone())).unwrap();
            let volume = read::read_udf_volume(&mut reader, start).unwrap();
            assert_eq!(volume.name, "Session2");
            // The partition starts in session 1, at the first block of file data it recorded.
            let (old, _) = read_back(&first, FileSystems::UDF);
            let lowest = old
                .items
                .iter()
                .filter(|i| !i.is_dir && i.size > 0)
                .map(|i| i.extents[0].lba)
                .min()
                .unwrap();
            assert_eq!(volume.physical_partition.start, lowest, "revision {revision:#x}");
            assert_eq!(volume.physical_partition.access_type, read::AccessType::ReadOnly);
            let (tree, contents) = read_back_at(&disc, start, FileSystems::UDF);
            assert_eq!(contents, expected, "revision {revision:#x}, {systems}");
            let kept = tree.find("/docs/big.bin").unwrap();
            assert!(kept.extents[0].lba < start, "data stays in session 1");
            let added = tree.find("/new/added.bin").unwrap();
            assert!(added.extents[0].lba > start + 256, "new data in session 2");
            if systems == bridge() {
                let (_, joliet) = read_back_at(&disc, start, FileSystems::JOLIET);
                assert_eq!(joliet, expected);
            }
            // Session 1 is untouched.
            assert_eq!(read_back(&disc, FileSystems::UDF).1, first_expected);
            if let Some(udfinfo) = peer("udfinfo") {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("disc.img");
                std::fs::write(&path, &disc).unwrap();
                let at = format!("--startblock={start}");
                let out = run(&udfinfo, &[&at, path.to_str().unwrap()]);
                for wanted in ["label=Session2", "integrity=closed", "numfiles=78", "numdirs=5"] {
                    assert!(out.lines().any(|l| l == wanted), "{wanted} missing from\n{out}");
                }
            }
        }
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

/// A data writer on an emulated drive with a blank CD-R, and the drive (to export the disc).
fn cd_r_writer() -> (
    burnbench::burn::DataWriter,
    std::rc::Rc<std::cell::RefCell<burnbench::drive::Drive>>,
) {
    use burnbench::burn::{DataWriter, Recorder};
    use burnbench::drive::{Drive, DriveModel};
    use burnbench::media::medium::Medium;
    use burnbench::media::{Disc, Profile};
    let mut drive = Drive::with_medium(
        DriveModel::builtin("bd-writer").unwrap(),
        Medium::in_memory(Disc::new(Profile::CdR)),
    );
    drive.settle();
    let (recorder, drive) = Recorder::emulated(drive);
    let writer = DataWriter::new();
    writer.set_recorder(&recorder).unwrap();
    writer.set_client_name("burnbench");
    (writer, drive)
}

/// Imports the previous session through `writer` into a new image of `systems` (UDF imported),
/// lets `change` add to it, writes it as the next session and returns the whole disc and where
/// that session starts.
fn write_next_session(
    writer: &burnbench::burn::DataWriter,
    drive: &std::cell::RefCell<burnbench::drive::Drive>,
    systems: FileSystems,
    change: impl FnOnce(&mut FileSystemImage),
) -> (Vec<u8>, u32) {
    let mut next = new_image();
    next.set_file_systems_to_create(systems).unwrap();
    next.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
        .unwrap();
    assert_eq!(next.import_file_system().unwrap(), FileSystems::UDF);
    change(&mut next);
    let start = next.session_start_block();
    let result = next.create_result_image().unwrap();
    writer.write(&mut result.image_stream()).unwrap();
    drop(result);
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("disc.img");
    drive.borrow_mut().medium_mut().unwrap().export(&flat).unwrap();
    (std::fs::read(&flat).unwrap(), start)
}

#[test]
fn an_embedded_file_is_carried_into_the_next_session() {
    let (image, content) = image_with_embedded_file();
    let (writer, drive) = cd_r_writer();
    writer.write(&mut Cursor::new(image)).unwrap();
    let systems = FileSystems::ISO9660.union(FileSystems::JOLIET).union(FileSystems::UDF);
    let (disc, start) = write_next_session(&writer, &drive, systems, |_| {});
    for fs in [FileSystems::JOLIET, FileSystems::UDF] {
        let (tree, contents) = read_back_at(&disc, start, fs);
        let item = tree.find("/dir/inline.txt").unwrap();
        assert!(
            item.extents[0].lba >= start,
            "the bytes were written again in session 2"
        );
        assert_eq!(contents["/dir/inline.txt"], Some(content.clone()));
    }
}

#[test]
fn a_udf_session_on_a_cd_r_imports_the_previous_one_and_keeps_its_data() {
    for revision in [0x102, 0x201, 0x250] {
        let (first, mut expected) = image(bridge(), revision);
        let (writer, drive) = cd_r_writer();
        writer.write(&mut Cursor::new(first)).unwrap();
        let (disc, start) = write_next_session(&writer, &drive, bridge(), |next| {
            next.add_file("/docs/session two.txt", bytes(b"two")).unwrap();
        });
        expected.insert("/docs/session two.txt".into(), Some(b"two".to_vec()));
        let (tree, contents) = read_back_at(&disc, start, FileSystems::UDF);
        assert_eq!(contents, expected, "revision {revision:#x}");
        assert!(tree.find("/docs/big.bin").unwrap().extents[0].lba < start);
        assert_eq!(read_back_at(&disc, start, FileSystems::JOLIET).1, expected);
    }
}

// ---- hostile input ---------------------------------------------------------------------------

fn seed() -> &'static (Vec<u8>, usize) {
    static SEED: OnceLock<(Vec<u8>, usize)> = OnceLock::new();
    SEED.get_or_init(|| {
        let mut fsi = new_image();
        fsi.set_file_systems_to_create(FileSystems::UDF).unwrap();
        fsi.set_udf_revision(0x201).unwrap();
        fsi_common::add_small_tree(&mut fsi, 30);
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
    let err = read_udf_everything(looped).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, "{err}");
    // big.bin's extent moved far past the end of the medium.
    let big = tree.find("/a/big.bin").unwrap();
    let mut past = image.clone();
    let at = file_entry_offset(&past, big.size);
    past[at + 216 + 4..at + 216 + 8].copy_from_slice(&0x7FFF_0000u32.to_le_bytes());
    retag(&mut past, at);
    let err = read_udf_everything(past).unwrap_err();
    assert_eq!(err.code, HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR, "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_udf_metadata_is_handled(mutations in prop::collection::vec((0.0f64..1.0, any::<u8>()), 1..24), retagged in any::<bool>()) {
        let (image, first_data) = seed();
        let mut image = image.clone();
        fsi_common::mutate(&mut image, 16 * 2048..*first_data * 2048, &mutations, retagged);
        if let Err(e) = read_udf_everything(image) {
            prop_assert!(ACCEPTED.contains(&e.code), "unexpected error {}", e);
        }
    }
}
