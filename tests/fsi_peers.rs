//! Independent readers accept our images and list exactly our tree: names, sizes and contents,
//! through isoinfo (ISO 9660 and -J), xorriso, 7-Zip, libcdio's iso-info and pycdlib.
//! With BURNBENCH_REQUIRE_PEERS=1 (CI) a missing peer fails the test instead of skipping it.

mod common;
mod fsi_common;

use burnbench::fsi::{BootOptions, FileData, FileSystemImage, FileSystems, PlatformId};
use fsi_common::{bytes, new_image, peer, pycdlib, run, write_image};
use std::collections::BTreeMap;
use std::path::Path;

/// What the sample image holds, as Joliet names it: path → size (`None` for folders) and contents.
struct Expected {
    joliet: BTreeMap<String, Option<u64>>,
    iso: Vec<&'static str>,
    contents: BTreeMap<String, Vec<u8>>,
}

fn long_name() -> String {
    format!("{}.txt", "n".repeat(70))
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

/// A tree with short and long names, Unicode, an empty file, a file over several blocks, seven
/// nested folders and host files.
fn sample(fsi: &mut FileSystemImage, host: &Path) -> Expected {
    let mut contents = BTreeMap::new();
    let mut add = |fsi: &mut FileSystemImage, path: &str, image_path: &str, data: Vec<u8>| {
        fsi.add_file(path, FileData::from_bytes(data.clone())).unwrap();
        contents.insert(image_path.to_string(), data);
    };
    fsi.add_directory("/docs").unwrap();
    add(fsi, "/docs/readme.txt", "/docs/readme.txt", b"hello\n".to_vec());
    add(fsi, "/big.bin", "/big.bin", pattern(100_000));
    add(fsi, "/empty", "/empty", Vec::new());
    add(
        fsi,
        "/Mixed Case Name.Markdown",
        "/Mixed Case Name.Markdown",
        b"# mixed\n".to_vec(),
    );
    add(fsi, "/日本語.txt", "/日本語.txt", "日本語 text".as_bytes().to_vec());
    let joliet_long = format!("/{}.txt", "n".repeat(60));
    add(fsi, &format!("/{}", long_name()), &joliet_long, b"long".to_vec());
    let mut deep = String::new();
    for name in ["deep", "a", "b", "c", "d", "e", "f"] {
        deep.push('/');
        deep.push_str(name);
        fsi.add_directory(&deep).unwrap();
    }
    add(
        fsi,
        &format!("{deep}/leaf.txt"),
        &format!("{deep}/leaf.txt"),
        b"leaf".to_vec(),
    );
    std::fs::create_dir(host.join("photos")).unwrap();
    std::fs::write(host.join("photos/cat.jpg"), pattern(5000)).unwrap();
    fsi.add_tree("/", host, false).unwrap();
    contents.insert("/photos/cat.jpg".into(), pattern(5000));

    let mut joliet: BTreeMap<String, Option<u64>> = contents
        .iter()
        .map(|(p, c)| (p.clone(), Some(c.len() as u64)))
        .collect();
    let mut dir = String::new();
    for name in ["deep", "a", "b", "c", "d", "e", "f"] {
        dir.push('/');
        dir.push_str(name);
        joliet.insert(dir.clone(), None);
    }
    joliet.insert("/docs".into(), None);
    joliet.insert("/photos".into(), None);
    let iso = vec![
        "/BIG.BIN;1",
        "/DEEP",
        "/DOCS",
        "/EMPTY.;1",
        "/MIXED_CASE_NAME.MARKDOWN;1",
        "/NNNNNNNNNNNNNNNNNNNNNNNNNNN.TXT;1",
        "/PHOTOS",
        "/___.TXT;1",
        "/DEEP/A",
        "/DOCS/README.TXT;1",
        "/PHOTOS/CAT.JPG;1",
        "/DEEP/A/B",
        "/DEEP/A/B/C",
        "/DEEP/A/B/C/D",
        "/DEEP/A/B/C/D/E",
        "/DEEP/A/B/C/D/E/F",
        "/DEEP/A/B/C/D/E/F/LEAF.TXT;1",
    ];
    Expected { joliet, iso, contents }
}

struct Built {
    _dir: tempfile::TempDir,
    image: std::path::PathBuf,
    expected: Expected,
    extract_dir: std::path::PathBuf,
}

fn build() -> Built {
    let dir = tempfile::tempdir().unwrap();
    let host = dir.path().join("host");
    std::fs::create_dir(&host).unwrap();
    let mut fsi = new_image();
    fsi.set_volume_name("Peers").unwrap();
    let expected = sample(&mut fsi, &host);
    let result = fsi.create_result_image().unwrap();
    let image = write_image(&result, dir.path(), "peers.iso");
    let extract_dir = dir.path().join("out");
    Built {
        _dir: dir,
        image,
        expected,
        extract_dir,
    }
}

/// Files under `root` (relative paths with a leading `/`) and their bytes.
fn files_under(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                found.insert(format!("/{relative}"), std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

/// isoinfo prints Joliet names in ISO 8859-1 and shows other characters as `_`.
fn latin1_view(path: &str) -> String {
    path.chars().map(|c| if (c as u32) < 0x100 { c } else { '_' }).collect()
}

#[test]
fn isoinfo_reads_the_descriptors_and_both_trees() {
    let Some(isoinfo) = peer("isoinfo") else { return };
    let built = build();
    let image = built.image.to_str().unwrap();
    let d = run(&isoinfo, &["-d", "-i", image]);
    assert!(d.contains("Volume id: PEERS"), "{d}");
    assert!(d.contains("Logical block size is: 2048"), "{d}");
    assert!(d.contains("Joliet with UCS level 3 found"), "{d}");
    // -f: ISO 9660 identifiers with versions, exactly ours.
    let iso: Vec<String> = run(&isoinfo, &["-f", "-i", image]).lines().map(String::from).collect();
    let mut expected_iso: Vec<String> = built.expected.iso.iter().map(|s| s.to_string()).collect();
    let mut iso_sorted = iso.clone();
    iso_sorted.sort();
    expected_iso.sort();
    assert_eq!(iso_sorted, expected_iso);
    // -J -f: Joliet names (with the ;1 version of files).
    let mut joliet: Vec<String> = run(&isoinfo, &["-J", "-f", "-i", image])
        .lines()
        .map(|l| l.trim_end_matches(";1").to_string())
        .collect();
    joliet.sort();
    let mut want: Vec<String> = built.expected.joliet.keys().map(|p| latin1_view(p)).collect();
    want.sort();
    assert_eq!(joliet, want);
    // -x: contents by ISO path.
    let out = std::process::Command::new(&isoinfo)
        .args(["-i", image, "-x", "/BIG.BIN;1"])
        .output()
        .unwrap();
    assert_eq!(out.stdout, built.expected.contents["/big.bin"]);
    let out = std::process::Command::new(&isoinfo)
        .args(["-J", "-i", image, "-x", "/docs/readme.txt;1"])
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"hello\n");
    // -l: the records of .. and . of the root are where the PVD says.
    let l = run(&isoinfo, &["-J", "-l", "-i", image]);
    assert!(l.contains("  100000 "), "{l}");
}

#[test]
fn xorriso_lists_and_extracts_the_joliet_tree() {
    let Some(xorriso) = peer("xorriso") else { return };
    let built = build();
    let image = built.image.to_str().unwrap();
    let listing = run(&xorriso, &["-indev", image, "-find", "/", "-exec", "lsdl"]);
    let mut found: BTreeMap<String, Option<u64>> = BTreeMap::new();
    for line in listing.lines().filter(|l| l.ends_with('\'')) {
        let path = line[line.find('\'').unwrap() + 1..line.len() - 1].to_string();
        if path == "/" {
            continue;
        }
        let size: u64 = line.split_whitespace().nth(4).unwrap().parse().unwrap();
        found.insert(path, if line.starts_with('d') { None } else { Some(size) });
    }
    assert_eq!(found, built.expected.joliet);
    let out = built.extract_dir.to_str().unwrap();
    run(&xorriso, &["-osirrox", "on", "-indev", image, "-extract", "/", out]);
    assert_eq!(files_under(&built.extract_dir), built.expected.contents);
}

#[test]
fn seven_zip_lists_and_extracts() {
    let Some(seven) = peer("7z") else { return };
    let built = build();
    let image = built.image.to_str().unwrap();
    let listing = run(&seven, &["l", "-slt", image]);
    let mut found: BTreeMap<String, Option<u64>> = BTreeMap::new();
    let mut path = None;
    let mut folder = false;
    for line in listing.lines() {
        if let Some(p) = line.strip_prefix("Path = ") {
            path = Some(format!("/{p}"));
        } else if let Some(f) = line.strip_prefix("Folder = ") {
            folder = f == "+";
        } else if let Some(size) = line.strip_prefix("Size = ") {
            let p = path.take().unwrap();
            if !p.ends_with(".iso") {
                found.insert(p, if folder { None } else { Some(size.parse().unwrap()) });
            }
        }
    }
    assert_eq!(found, built.expected.joliet);
    let out = format!("-o{}", built.extract_dir.display());
    run(&seven, &["x", "-y", &out, image]);
    assert_eq!(files_under(&built.extract_dir), built.expected.contents);
}

#[test]
fn iso_info_lists_sizes() {
    let Some(iso_info) = peer("iso-info") else { return };
    let built = build();
    let listing = run(&iso_info, &["-f", "-i", built.image.to_str().unwrap()]);
    let mut found: BTreeMap<String, Option<u64>> = BTreeMap::new();
    for line in listing
        .lines()
        .skip_while(|l| !l.starts_with("ISO-9660 Information"))
        .skip(1)
    {
        let line = line.trim_start();
        let (size, path) = line.split_once(' ').unwrap();
        let size: u64 = size.parse().unwrap();
        let is_dir = built.expected.joliet.get(path).map(Option::is_none).unwrap_or(false);
        found.insert(path.to_string(), if is_dir { None } else { Some(size) });
    }
    assert_eq!(found, built.expected.joliet);
}

const PYCDLIB_WALK: &str = r#"
import json, sys, io, pycdlib
iso = pycdlib.PyCdlib()
iso.open(sys.argv[1])
out = {}
for kind, path in (("joliet", "joliet_path"), ("iso", "iso_path")):
    found = {}
    for root, dirs, files in iso.walk(**{path: "/"}):
        for d in dirs:
            found[(root.rstrip("/") + "/" + d)] = None
        for f in files:
            p = root.rstrip("/") + "/" + f
            data = io.BytesIO()
            iso.get_file_from_iso_fp(data, **{path: p})
            found[p] = data.getvalue().hex()
    out[kind] = found
out["volume"] = iso.pvd.volume_identifier.decode().strip()
print(json.dumps(out))
"#;

#[test]
fn pycdlib_parses_strictly_and_reads_every_file() {
    if !pycdlib() {
        return;
    }
    let built = build();
    let out = std::process::Command::new("python3")
        .args(["-c", PYCDLIB_WALK, built.image.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["volume"], "PEERS");
    let joliet = json["joliet"].as_object().unwrap();
    let mut found = BTreeMap::new();
    let mut contents = BTreeMap::new();
    for (path, value) in joliet {
        let path = path.trim_end_matches(";1").to_string();
        match value.as_str() {
            None => {
                found.insert(path, None);
            }
            Some(hex) => {
                let data: Vec<u8> = (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                    .collect();
                found.insert(path.clone(), Some(data.len() as u64));
                contents.insert(path, data);
            }
        }
    }
    assert_eq!(found, built.expected.joliet);
    assert_eq!(contents, built.expected.contents);
    let mut iso: Vec<&str> = json["iso"].as_object().unwrap().keys().map(String::as_str).collect();
    let mut want = built.expected.iso.clone();
    iso.sort();
    want.sort();
    assert_eq!(iso, want);
}

fn boot_image() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let mut fsi = new_image();
    fsi.add_file("/readme.txt", bytes(b"bootable")).unwrap();
    let mut bios = BootOptions::new();
    bios.manufacturer = "BURNBENCH".into();
    bios.assign_boot_image(FileData::from_bytes(pattern(2048))).unwrap();
    let mut efi = BootOptions::new();
    efi.platform_id = PlatformId::Efi;
    efi.assign_boot_image(FileData::from_bytes(pattern(1_474_560))).unwrap();
    fsi.set_boot_image_options_array(vec![bios, efi]).unwrap();
    let image = write_image(&fsi.create_result_image().unwrap(), dir.path(), "boot.iso");
    (dir, image)
}

#[test]
fn peers_find_the_el_torito_catalog() {
    let (_dir, image) = boot_image();
    let path = image.to_str().unwrap();
    if let Some(isoinfo) = peer("isoinfo") {
        let d = run(&isoinfo, &["-d", "-i", path]);
        assert!(d.contains("El Torito VD version 1 found"), "{d}");
        assert!(d.contains("Bootid 88"), "{d}");
    }
    if let Some(xorriso) = peer("xorriso") {
        let report = run(&xorriso, &["-indev", path, "-report_el_torito", "plain"]);
        assert!(report.contains("El Torito boot img :   1  BIOS  y   none"), "{report}");
        assert!(report.contains("El Torito boot img :   2  UEFI  y"), "{report}");
    }
    if let Some(seven) = peer("7z") {
        let listing = run(&seven, &["l", path]);
        assert!(listing.contains("[BOOT]"), "{listing}");
    }
    if pycdlib() {
        let script = "import sys, pycdlib\np = pycdlib.PyCdlib()\np.open(sys.argv[1])\nprint(len(p.eltorito_boot_catalog.sections), p.eltorito_boot_catalog.validation_entry.platform_id)";
        let out = std::process::Command::new("python3")
            .args(["-c", script, path])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1 0");
    }
}

/// A whole-disc file: a first session at 0 and an image made for block 3000 placed there.
fn later_session() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let mut first = new_image();
    first.add_file("/old.txt", bytes(b"first session")).unwrap();
    let first = first.create_result_image().unwrap();
    assert!(first.total_blocks() < 3000);
    let mut fsi = new_image();
    fsi.set_session_start_block(3000).unwrap();
    fsi.set_volume_name("SESSION2").unwrap();
    fsi.add_directory("/new").unwrap();
    fsi.add_file("/new/file.txt", bytes(b"second session")).unwrap();
    let result = fsi.create_result_image().unwrap();
    let disc = dir.path().join("disc.img");
    let mut file = std::fs::File::create(&disc).unwrap();
    std::io::copy(&mut first.image_stream(), &mut file).unwrap();
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(3000 * 2048)).unwrap();
    std::io::copy(&mut result.image_stream(), &mut file).unwrap();
    (dir, disc)
}

#[test]
fn peers_read_a_session_laid_out_for_block_3000() {
    let (_dir, disc) = later_session();
    let path = disc.to_str().unwrap();
    if let Some(isoinfo) = peer("isoinfo") {
        let listing = run(&isoinfo, &["-T", "3000", "-J", "-f", "-i", path]);
        assert_eq!(listing.lines().collect::<Vec<_>>(), ["/new", "/new/file.txt;1"]);
        let out = std::process::Command::new(&isoinfo)
            .args(["-T", "3000", "-J", "-i", path, "-x", "/new/file.txt;1"])
            .output()
            .unwrap();
        assert_eq!(out.stdout, b"second session");
    }
    if let Some(xorriso) = peer("xorriso") {
        let listing = run(
            &xorriso,
            &[
                "-load", "sbsector", "3000", "-indev", path, "-find", "/new", "-exec", "lsdl",
            ],
        );
        assert!(
            listing.contains("14 ") && listing.contains("'/new/file.txt'"),
            "{listing}"
        );
    }
}

#[test]
fn level_1_names_are_8_3_for_peers() {
    let Some(isoinfo) = peer("isoinfo") else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut fsi = new_image();
    fsi.set_iso9660_interchange_level(1).unwrap();
    fsi.set_file_systems_to_create(FileSystems::ISO9660).unwrap();
    fsi.add_directory("/Program Files").unwrap();
    fsi.add_file("/Program Files/installer.exe", bytes(b"MZ")).unwrap();
    fsi.add_file("/Program Files/installer.exe.config", bytes(b"<x/>"))
        .unwrap();
    let image = write_image(&fsi.create_result_image().unwrap(), dir.path(), "l1.iso");
    let listing = run(&isoinfo, &["-f", "-i", image.to_str().unwrap()]);
    let mut lines: Vec<&str> = listing.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        ["/PROGRAM_", "/PROGRAM_/INSTALLE.CON;1", "/PROGRAM_/INSTALLE.EXE;1"]
    );
    let d = run(&isoinfo, &["-d", "-i", image.to_str().unwrap()]);
    assert!(d.contains("NO Joliet present"), "{d}");
}
