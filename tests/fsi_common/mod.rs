//! Helpers shared by the image-builder tests (`tests/fsi_*.rs`).
#![allow(dead_code)]

use burnbench::fsi::{FileData, FileSystemImage, FileSystemImageResult, FileSystems};
use burnbench::hresult::{HResult, ImapiResult};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// 2023-11-14 22:13:20 UTC: the fixed clock of the tests.
pub fn fixed_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// An image with the fixed clock and no size limit.
pub fn new_image() -> FileSystemImage {
    let mut fsi = FileSystemImage::new();
    fsi.set_fixed_time(Some(fixed_time()));
    fsi.set_free_media_blocks(0).unwrap();
    fsi
}

pub fn bytes(data: &[u8]) -> FileData {
    FileData::from_bytes(data.to_vec())
}

/// The whole image in memory (small images only).
pub fn image_bytes(result: &FileSystemImageResult) -> Vec<u8> {
    let mut out = Vec::new();
    result.image_stream().read_to_end(&mut out).unwrap();
    out
}

/// Writes the image to `dir/name` and returns the path.
pub fn write_image(result: &FileSystemImageResult, dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).unwrap();
    std::io::copy(&mut result.image_stream(), &mut file).unwrap();
    path
}

/// Peers follow `tests/common`'s rule (every `fsi_*` test also loads `common`).
#[allow(unused_imports)] // not every fsi_* test runs a peer
pub use super::common::peer;

/// pycdlib (PyPI) importable by python3, with the same skip/fail rule.
pub fn pycdlib() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import pycdlib"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        super::common::missing_peer("pycdlib (python3 -m pip install pycdlib)");
    }
    ok
}

/// Runs a peer and returns its stdout; fails the test with its stderr if it fails.
pub fn run(program: &Path, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().expect("peer runs");
    assert!(
        out.status.success(),
        "{} {:?} failed: {}\n{}",
        program.display(),
        args,
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a peer and returns stdout + stderr whatever its status.
pub fn run_any(program: &Path, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().expect("peer runs");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The HRESULT of a call that must fail.
pub fn code<T: std::fmt::Debug>(result: ImapiResult<T>) -> HResult {
    result.expect_err("the call must fail").code
}

/// Rewrites the tag CRC and checksum of the UDF descriptor at byte `at` of `image` after a
/// deliberate change (its CRC length as recorded).
pub fn retag(image: &mut [u8], at: usize) {
    use burnbench::fsi::udf::descriptor::{crc16, tag_checksum};
    let crc_len = u16::from_le_bytes([image[at + 10], image[at + 11]]) as usize;
    let crc = crc16(&image[at + 16..at + 16 + crc_len]);
    image[at + 8..at + 10].copy_from_slice(&crc.to_le_bytes());
    image[at + 4] = tag_checksum(&image[at..at + 16]);
}

/// Identifies the file systems of `image`, then reads the tree of each of `systems` and every
/// file in it, on a thread that must finish within ten seconds: for each, the bytes read or the
/// error (hostile-input tests: a damaged image must never hang the reader).
pub fn read_everything(image: Vec<u8>, systems: &[FileSystems]) -> Vec<ImapiResult<usize>> {
    use burnbench::fsi::read::{self, SeekBlockReader};
    let systems = systems.to_vec();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = SeekBlockReader::new(std::io::Cursor::new(image)).unwrap();
        let _ = read::identify_file_systems(&mut reader, 0);
        let mut outcomes = Vec::new();
        for fs in systems {
            outcomes.push(read::read_tree(&mut reader, 0, fs).and_then(|tree| {
                let mut total = 0;
                for item in tree.items.iter().filter(|i| !i.is_dir) {
                    let mut data = Vec::new();
                    read::read_file(&mut reader, item, &mut data)?;
                    total += data.len();
                }
                Ok(total)
            }));
        }
        let _ = tx.send(outcomes);
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("reading a damaged image must not hang")
}

/// [`read_everything`] for the UDF tree alone.
pub fn read_udf_everything(image: Vec<u8>) -> ImapiResult<usize> {
    read_everything(image, &[FileSystems::UDF]).remove(0)
}

/// The small tree the hostile-input seeds mutate: `/a`, `/a/b`, `/a/b/c.txt` ("ccc"),
/// `/a/big.bin` (9000 × 7) and `numbered` files `/a/file number N.txt` holding `N`.
pub fn add_small_tree(fsi: &mut FileSystemImage, numbered: usize) {
    fsi.add_directory("/a").unwrap();
    fsi.add_directory("/a/b").unwrap();
    fsi.add_file("/a/b/c.txt", bytes(b"ccc")).unwrap();
    fsi.add_file("/a/big.bin", bytes(&[7u8; 9000])).unwrap();
    for i in 0..numbered {
        fsi.add_file(&format!("/a/file number {i}.txt"), bytes(format!("{i}").as_bytes()))
            .unwrap();
    }
}

/// Writes each `(where, value)` of `mutations` into `image` at the fraction `where` of `range`;
/// with `retagged`, then fixes the UDF tag of every block touched that still looks like one, so
/// that the change reaches the fields behind the tag.
pub fn mutate(image: &mut [u8], range: std::ops::Range<usize>, mutations: &[(f64, u8)], retagged: bool) {
    let mut touched = Vec::new();
    for &(at, value) in mutations {
        let offset = range.start + ((range.len() as f64) * at) as usize;
        image[offset] = value;
        touched.push(offset / 2048 * 2048);
    }
    if retagged {
        for block in touched {
            if image[block + 5] == 0 && u16::from_le_bytes([image[block + 10], image[block + 11]]) <= 2032 {
                retag(image, block);
            }
        }
    }
}
