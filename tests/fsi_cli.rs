//! `burnbench image build / ls / extract`.

mod common;
mod fsi_common;

use std::path::Path;
use std::process::Output;

fn burnbench(args: &[&str]) -> Output {
    common::burnbench()
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("burnbench runs")
}

fn ok(args: &[&str]) -> String {
    let out = burnbench(args);
    assert!(
        out.status.success(),
        "burnbench {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The one line a failing command prints.
fn fails(args: &[&str]) -> String {
    let out = burnbench(args);
    assert_eq!(out.status.code(), Some(1), "burnbench {args:?} must fail");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    stderr
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn sources(root: &Path) {
    std::fs::create_dir_all(root.join("one/sub")).unwrap();
    std::fs::write(root.join("one/a.txt"), b"aaa").unwrap();
    std::fs::write(root.join("one/sub/b.txt"), b"bb").unwrap();
    std::fs::create_dir_all(root.join("two")).unwrap();
    std::fs::write(root.join("two/c.txt"), b"c").unwrap();
    std::fs::write(root.join("d.txt"), b"dddd").unwrap();
}

#[test]
fn build_ls_and_extract() {
    let dir = tempfile::tempdir().unwrap();
    sources(dir.path());
    let iso = dir.path().join("out.iso");
    let d_graft = format!("{}=/docs/", p(&dir.path().join("d.txt")));
    let two_graft = format!("{}=/more/two", p(&dir.path().join("two")));
    let summary = ok(&[
        "image",
        "build",
        p(&dir.path().join("one")),
        &two_graft,
        &d_graft,
        "-o",
        p(&iso),
        "--volume-name",
        "Cli.Test",
        "--timestamp",
        "1700000000",
    ]);
    assert!(summary.contains("ISO9660|Joliet, 4 files, 5 folders"), "{summary}");
    let listing = ok(&["image", "ls", p(&iso)]);
    let mut lines = listing.lines();
    assert!(lines.next().unwrap().ends_with("Joliet, volume \"Cli.Test\""));
    let paths: Vec<&str> = lines.map(|l| l.rsplit(' ').next().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "/a.txt",
            "/docs",
            "/docs/d.txt",
            "/more",
            "/more/two",
            "/more/two/c.txt",
            "/sub",
            "/sub/b.txt"
        ]
    );
    let iso_listing = ok(&["image", "ls", p(&iso), "--fs", "iso9660"]);
    assert!(
        iso_listing.contains("/MORE/TWO/C.TXT") && iso_listing.contains("volume \"CLI_TEST\""),
        "{iso_listing}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&["image", "ls", p(&iso), "--json"])).unwrap();
    let d = json
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "/docs/d.txt")
        .unwrap();
    assert_eq!((d["type"].as_str(), d["size"].as_u64()), (Some("file"), Some(4)));
    let out = dir.path().join("extracted");
    ok(&["image", "extract", p(&iso), "/", p(&out)]);
    assert_eq!(std::fs::read(out.join("sub/b.txt")).unwrap(), b"bb");
    assert_eq!(std::fs::read(out.join("docs/d.txt")).unwrap(), b"dddd");
    let one = dir.path().join("one-folder");
    ok(&["image", "extract", p(&iso), "/more/two", p(&one)]);
    assert_eq!(std::fs::read(one.join("two/c.txt")).unwrap(), b"c");
}

#[test]
fn the_same_sources_and_timestamp_give_the_same_image() {
    let dir = tempfile::tempdir().unwrap();
    sources(dir.path());
    let (a, b) = (dir.path().join("a.iso"), dir.path().join("b.iso"));
    let src = p(&dir.path().join("one")).to_string();
    for out in [&a, &b] {
        let status = common::burnbench()
            .args(["image", "build", &src, "-o", p(out), "-q"])
            .env("SOURCE_DATE_EPOCH", "1600000000")
            .status()
            .unwrap();
        assert!(status.success());
    }
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap());
}

#[test]
fn udf_2_01_and_2_50_images_build_and_list() {
    let dir = tempfile::tempdir().unwrap();
    sources(dir.path());
    let image = dir.path().join("u.iso");
    ok(&[
        "image",
        "build",
        p(&dir.path().join("one")),
        "-o",
        p(&image),
        "--fs",
        "iso9660,udf",
        "--udf-revision",
        "2.01",
    ]);
    let listing = ok(&["image", "ls", p(&image), "--fs", "udf"]);
    assert!(listing.contains("/sub/b.txt"), "{listing}");
    // 2.50: the directories live in a metadata partition.
    ok(&[
        "image",
        "build",
        p(&dir.path().join("one")),
        "-o",
        p(&dir.path().join("v.iso")),
        "--fs",
        "iso9660,udf",
        "--udf-revision",
        "2.50",
    ]);
    let listing = ok(&["image", "ls", p(&dir.path().join("v.iso")), "--fs", "udf"]);
    assert!(listing.contains("/sub/b.txt"), "{listing}");
}

#[test]
fn errors_are_one_line_with_the_hresult() {
    let dir = tempfile::tempdir().unwrap();
    sources(dir.path());
    let src = p(&dir.path().join("one")).to_string();
    let out = p(&dir.path().join("x.iso")).to_string();
    let line = fails(&["image", "build", &src, "-o", &out, "--volume-name", "no spaces allowed"]);
    assert!(line.contains("IMAPI_E_INVALID_VOLUME_NAME (0xC0AAB104)"), "{line}");
    let line = fails(&["image", "build", &src, "-o", &out, "--free-media-blocks", "10"]);
    assert!(line.contains("IMAPI_E_IMAGE_TOO_BIG (0xC0AAB121)"), "{line}");
    let line = fails(&["image", "ls", &src]);
    assert!(line.contains("no ISO 9660 or Joliet file system"), "{line}");
    let missing = p(&dir.path().join("missing")).to_string();
    let line = fails(&["image", "build", &missing, "-o", &out]);
    assert!(line.contains("No such file"), "{line}");
    std::fs::create_dir_all(dir.path().join("deep/1/2/3/4/5/6/7/8")).unwrap();
    let line = fails(&["image", "build", p(&dir.path().join("deep")), "-o", &out]);
    assert!(line.contains("IMAPI_E_ISO9660_LEVELS (0xC0AAB131)"), "{line}");
    ok(&[
        "image",
        "build",
        p(&dir.path().join("deep")),
        "-o",
        &out,
        "--fs",
        "joliet",
    ]);
}

#[test]
fn a_session_for_a_later_block_is_listed_there() {
    let dir = tempfile::tempdir().unwrap();
    sources(dir.path());
    let first = dir.path().join("first.iso");
    let second = dir.path().join("second.iso");
    ok(&["image", "build", p(&dir.path().join("two")), "-o", p(&first), "-q"]);
    ok(&[
        "image",
        "build",
        p(&dir.path().join("one")),
        "-o",
        p(&second),
        "--session-start",
        "5000",
        "-q",
    ]);
    let disc = dir.path().join("disc.img");
    let mut bytes = std::fs::read(&first).unwrap();
    bytes.resize(5000 * 2048, 0);
    bytes.extend(std::fs::read(&second).unwrap());
    std::fs::write(&disc, bytes).unwrap();
    let later = ok(&["image", "ls", p(&disc), "--session-start", "5000"]);
    assert!(later.contains("/sub/b.txt") && !later.contains("/c.txt"), "{later}");
    let earlier = ok(&["image", "ls", p(&disc)]);
    assert!(earlier.contains("/c.txt") && !earlier.contains("/sub"), "{earlier}");
}

#[test]
fn a_boot_image_makes_a_bootable_image() {
    let dir = tempfile::tempdir().unwrap();
    sources(dir.path());
    let boot = dir.path().join("floppy.img");
    std::fs::write(&boot, vec![0u8; 1_474_560]).unwrap();
    let iso = dir.path().join("boot.iso");
    ok(&[
        "image",
        "build",
        p(&dir.path().join("two")),
        "-o",
        p(&iso),
        "--boot",
        p(&boot),
        "-q",
    ]);
    let bytes = std::fs::read(&iso).unwrap();
    assert_eq!(&bytes[17 * 2048 + 7..17 * 2048 + 30], b"EL TORITO SPECIFICATION");
    let line = fails(&[
        "image",
        "build",
        p(&dir.path().join("two")),
        "-o",
        p(&iso),
        "--boot",
        p(&boot),
        "--boot-emulation",
        "floppy12",
    ]);
    assert!(
        line.contains("IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH (0xC0AAB14A)"),
        "{line}"
    );
}

/// Replaces every occurrence of `from` with `to` (same length) in a file.
fn patch(path: &Path, from: &[u8], to: &[u8]) {
    let mut bytes = std::fs::read(path).unwrap();
    let mut count = 0;
    for at in 0..bytes.len() - from.len() {
        if &bytes[at..at + from.len()] == from {
            bytes[at..at + to.len()].copy_from_slice(to);
            count += 1;
        }
    }
    assert!(count > 0);
    std::fs::write(path, bytes).unwrap();
}

fn ucs2(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

#[test]
fn extract_never_writes_outside_dest() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("q")).unwrap();
    std::fs::write(src.join("zz"), b"dot dot").unwrap();
    std::fs::write(src.join("axb"), b"slash").unwrap();
    std::fs::write(src.join("q/yy"), b"nested dot dot").unwrap();
    let iso = dir.path().join("evil.iso");
    ok(&["image", "build", p(&src), "-o", p(&iso), "--fs", "joliet", "-q"]);
    // Joliet names `..` (two files), `a/b`, and a folder called `.`.
    patch(&iso, &ucs2("zz;1"), &ucs2("..;1"));
    patch(&iso, &ucs2("yy;1"), &ucs2("..;1"));
    patch(&iso, &ucs2("axb;1"), &ucs2("a/b;1"));
    patch(&iso, &ucs2("q"), &ucs2("."));
    let listing = ok(&["image", "ls", p(&iso)]);
    assert!(
        listing.contains(" /..\n") && listing.contains(" /./..\n") && listing.contains(" /a_b\n"),
        "{listing}"
    );
    let dest = dir.path().join("jail").join("dest");
    ok(&["image", "extract", p(&iso), "/", p(&dest)]);
    let mut inside: Vec<String> = walk(&dest)
        .iter()
        .map(|e| e.strip_prefix(&dest).unwrap().to_string_lossy().into_owned())
        .collect();
    inside.sort();
    assert_eq!(inside, ["_", "_/__", "__", "a_b"]);
    assert_eq!(std::fs::read(dest.join("_/__")).unwrap(), b"nested dot dot");
    assert_eq!(
        std::fs::read_dir(dir.path().join("jail")).unwrap().count(),
        1,
        "only dest in its parent"
    );
    // A link planted inside DEST is never followed.
    let dest2 = dir.path().join("dest2");
    std::fs::create_dir(&dest2).unwrap();
    let outside = dir.path().join("outside.txt");
    std::fs::write(&outside, b"untouched").unwrap();
    std::os::unix::fs::symlink(&outside, dest2.join("a_b")).unwrap();
    let line = fails(&["image", "extract", p(&iso), "/", p(&dest2)]);
    assert!(line.contains("a_b"), "{line}");
    assert_eq!(std::fs::read(&outside).unwrap(), b"untouched");
}

fn walk(root: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            found.push(path);
        }
    }
    found
}
