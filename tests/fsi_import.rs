//! Our readers list images made by genisoimage and `xorriso -as mkisofs` (Joliet, Rock Ridge,
//! relocated deep folders, a second session made with -C/-M) exactly as those tools' own
//! listings do.

mod common;
mod fsi_common;

use burnbench::fsi::FileSystems;
use burnbench::fsi::read::{self, ImportedTree, SeekBlockReader};
use fsi_common::{peer, run};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A host tree with long names, spaces, a ten-level folder chain (Rock Ridge relocation in
/// genisoimage), an empty file and a multi-block file.
fn host_tree(root: &Path) {
    let deep = root.join("deep/a/b/c/d/e/f/g/h/i");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("leaf.txt"), b"leaf").unwrap();
    std::fs::create_dir(root.join("sub")).unwrap();
    std::fs::write(
        root.join("sub/A very long file name that goes past sixty-four characters of the joliet limit.txt"),
        b"long",
    )
    .unwrap();
    std::fs::write(root.join("Mixed Case.Name"), b"mixed").unwrap();
    std::fs::write(root.join("empty"), b"").unwrap();
    std::fs::write(root.join("blocks.bin"), vec![0xA5u8; 10_000]).unwrap();
}

fn make(tool: &Path, args: &[&str], src: &Path, out: &Path) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["-o", out.to_str().unwrap(), src.to_str().unwrap()]);
    let output = std::process::Command::new(tool).args(&all).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

fn ours(image: &Path, session: u32, fs: FileSystems, rock_ridge: bool) -> ImportedTree {
    let mut reader = SeekBlockReader::new(std::fs::File::open(image).unwrap()).unwrap();
    read::read_iso_tree_with(&mut reader, session, fs, rock_ridge).unwrap()
}

/// path → size (`None` for folders).
fn our_listing(tree: &ImportedTree) -> BTreeMap<String, Option<u64>> {
    tree.items
        .iter()
        .map(|i| (i.path.clone(), if i.is_dir { None } else { Some(i.size) }))
        .collect()
}

/// `xorriso -find / -exec lsdl` as path → size (`None` for folders).
fn xorriso_listing(xorriso: &Path, image: &Path, session: Option<u32>) -> BTreeMap<String, Option<u64>> {
    let image = image.to_str().unwrap();
    let mut args = Vec::new();
    let session_text = session.map(|s| s.to_string());
    if let Some(s) = &session_text {
        args.extend(["-load", "sbsector", s.as_str()]);
    }
    args.extend(["-indev", image, "-find", "/", "-exec", "lsdl"]);
    let listing = run(xorriso, &args);
    listing
        .lines()
        .filter(|l| l.ends_with('\'') && !l.ends_with("'/'"))
        .map(|line| {
            let path = line[line.find('\'').unwrap() + 1..line.len() - 1].to_string();
            let size: u64 = line.split_whitespace().nth(4).unwrap().parse().unwrap();
            (path, if line.starts_with('d') { None } else { Some(size) })
        })
        .collect()
}

/// `isoinfo [-J] -f` as a sorted list of paths, versions (`;1`) and the empty-extension dot dropped.
fn isoinfo_paths(isoinfo: &Path, image: &Path, extra: &[&str]) -> Vec<String> {
    let mut args = extra.to_vec();
    args.extend(["-f", "-i", image.to_str().unwrap()]);
    let mut paths: Vec<String> = run(isoinfo, &args)
        .lines()
        .map(|l| {
            let l = l.strip_suffix(";1").unwrap_or(l);
            l.strip_suffix('.').unwrap_or(l).to_string()
        })
        .collect();
    paths.sort();
    paths
}

fn our_paths(tree: &ImportedTree) -> Vec<String> {
    let mut paths: Vec<String> = tree.items.iter().map(|i| i.path.clone()).collect();
    paths.sort();
    paths
}

struct Made {
    _dir: tempfile::TempDir,
    image: PathBuf,
}

fn made_by(tool: &str, args: &[&str]) -> Option<Made> {
    let tool = peer(tool)?;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    host_tree(&src);
    let image = dir.path().join("peer.iso");
    make(&tool, args, &src, &image);
    Some(Made { _dir: dir, image })
}

fn compare_all_views(made: &Made, relocated: bool) {
    let tree = ours(&made.image, 0, FileSystems::ISO9660, true);
    assert!(tree.rock_ridge);
    if let Some(xorriso) = peer("xorriso") {
        assert_eq!(our_listing(&tree), xorriso_listing(&xorriso, &made.image, None));
    }
    assert_eq!(tree.find("/deep/a/b/c/d/e/f/g/h/i/leaf.txt").map(|i| i.size), Some(4));
    assert_eq!(tree.find("/rr_moved").is_some(), relocated);
    if let Some(isoinfo) = peer("isoinfo") {
        let joliet = ours(&made.image, 0, FileSystems::JOLIET, false);
        assert_eq!(our_paths(&joliet), isoinfo_paths(&isoinfo, &made.image, &["-J"]));
        let plain = ours(&made.image, 0, FileSystems::ISO9660, false);
        assert!(!plain.rock_ridge);
        assert_eq!(our_paths(&plain), isoinfo_paths(&isoinfo, &made.image, &[]));
    }
    // Contents through our reader.
    let mut reader = SeekBlockReader::new(std::fs::File::open(&made.image).unwrap()).unwrap();
    let mut data = Vec::new();
    read::read_file(&mut reader, tree.find("/blocks.bin").unwrap(), &mut data).unwrap();
    assert_eq!(data, vec![0xA5u8; 10_000]);
}

#[test]
fn genisoimage_rock_ridge_and_joliet() {
    let Some(made) = made_by("genisoimage", &["-quiet", "-R", "-J", "-joliet-long"]) else {
        return;
    };
    compare_all_views(&made, true);
}

#[test]
fn xorriso_as_mkisofs_rock_ridge_and_joliet() {
    let Some(made) = made_by("xorriso", &["-as", "mkisofs", "-quiet", "-R", "-J", "-joliet-long"]) else {
        return;
    };
    compare_all_views(&made, false);
}

#[test]
fn genisoimage_without_extensions_is_plain_iso9660() {
    let Some(made) = made_by("genisoimage", &["-quiet"]) else {
        return;
    };
    let mut reader = SeekBlockReader::new(std::fs::File::open(&made.image).unwrap()).unwrap();
    assert_eq!(
        read::identify_file_systems(&mut reader, 0).unwrap(),
        FileSystems::ISO9660
    );
    let tree = read::read_tree(&mut reader, 0, FileSystems::ISO9660).unwrap();
    assert!(!tree.rock_ridge);
    if let Some(isoinfo) = peer("isoinfo") {
        assert_eq!(our_paths(&tree), isoinfo_paths(&isoinfo, &made.image, &[]));
    }
}

#[test]
fn a_second_session_made_with_genisoimage_c_m() {
    let Some(genisoimage) = peer("genisoimage") else { return };
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    std::fs::create_dir_all(one.join("keep")).unwrap();
    std::fs::write(one.join("keep/first.txt"), b"first session").unwrap();
    std::fs::create_dir_all(two.join("added")).unwrap();
    std::fs::write(two.join("added/second.txt"), b"second").unwrap();
    let s1 = dir.path().join("s1.iso");
    make(&genisoimage, &["-quiet", "-R", "-J"], &one, &s1);
    let next = (std::fs::metadata(&s1).unwrap().len() / 2048) as u32 + 150;
    let s2 = dir.path().join("s2.iso");
    let c = format!("0,{next}");
    make(
        &genisoimage,
        &["-quiet", "-R", "-J", "-C", &c, "-M", s1.to_str().unwrap()],
        &two,
        &s2,
    );
    // The disc: session 1 at 0, session 2 at `next`.
    let disc = dir.path().join("disc.img");
    let mut bytes = std::fs::read(&s1).unwrap();
    bytes.resize(next as usize * 2048, 0);
    bytes.extend(std::fs::read(&s2).unwrap());
    std::fs::write(&disc, bytes).unwrap();

    let mut reader = SeekBlockReader::new(std::fs::File::open(&disc).unwrap()).unwrap();
    let found = read::identify_file_systems(&mut reader, next).unwrap();
    assert_eq!(found, FileSystems::ISO9660.union(FileSystems::JOLIET));
    let tree = read::read_tree(&mut reader, next, FileSystems::ISO9660).unwrap();
    let first = tree.find("/keep/first.txt").unwrap();
    assert!(first.extents[0].lba < next, "the old file stays in session 1");
    let mut data = Vec::new();
    read::read_file(&mut reader, first, &mut data).unwrap();
    assert_eq!(data, b"first session");
    if let Some(xorriso) = peer("xorriso") {
        assert_eq!(our_listing(&tree), xorriso_listing(&xorriso, &disc, Some(next)));
    }
    if let Some(isoinfo) = peer("isoinfo") {
        let joliet = read::read_tree(&mut reader, next, FileSystems::JOLIET).unwrap();
        let t = next.to_string();
        assert_eq!(our_paths(&joliet), isoinfo_paths(&isoinfo, &disc, &["-T", &t, "-J"]));
    }
    // Session 1 alone is still there at 0.
    let old = read::read_tree(&mut reader, 0, FileSystems::JOLIET).unwrap();
    assert_eq!(our_paths(&old), ["/keep", "/keep/first.txt"]);
}
