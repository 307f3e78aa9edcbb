//! Helpers shared by the image-builder tests (`tests/fsi_*.rs`).
#![allow(dead_code)]

use burnbench::fsi::{FileData, FileSystemImage, FileSystemImageResult};
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
