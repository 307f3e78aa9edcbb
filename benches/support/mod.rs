//! What the benches share: a settled emulated drive over a memory or file-backed medium, and the
//! CDBs of the hot path.
#![allow(dead_code)]

use burnbench::device::{DataPhase, ScsiDevice};
use burnbench::drive::{Drive, DriveModel};
use burnbench::media::medium::Medium;
use burnbench::media::{Disc, Profile};
use std::path::PathBuf;
use std::time::Duration;

/// Bytes of user data in one block.
pub const BLOCK: usize = 2048;

/// Where a medium's sectors live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Memory,
    /// A media image directory (sectors.bin + extents.log) in a temporary folder.
    File,
}

impl Store {
    pub fn name(self) -> &'static str {
        match self {
            Store::Memory => "memory",
            Store::File => "file",
        }
    }
}

/// A settled `bd-writer` drive holding `disc`; the temporary folder of a file-backed medium lives
/// as long as the drive.
pub struct Rig {
    pub drive: Drive,
    _dir: Option<tempfile::TempDir>,
}

impl Rig {
    pub fn new(disc: Disc, store: Store) -> Rig {
        let (medium, dir) = match store {
            Store::Memory => (Medium::in_memory(disc), None),
            Store::File => {
                let dir = tempfile::tempdir_in(scratch_dir()).expect("a temporary folder");
                let medium = Medium::create(&dir.path().join("disc"), disc).expect("a new media image");
                (medium, Some(dir))
            }
        };
        let model = DriveModel::builtin("bd-writer").expect("the built-in bd-writer");
        let mut drive = Drive::with_medium(model, medium);
        drive.settle();
        Rig { drive, _dir: dir }
    }
}

/// Where file-backed media go: `BURNBENCH_BENCH_DIR`, else target/ (a real disk, unlike a tmpfs
/// /tmp), else the system temporary folder.
pub fn scratch_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("BURNBENCH_BENCH_DIR") {
        return PathBuf::from(dir);
    }
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    if target.is_dir() { target } else { std::env::temp_dir() }
}

/// A blank medium of `profile` (BD-RE comes formatted, as a burning program finds it).
pub fn blank(profile: Profile) -> Disc {
    match profile {
        Profile::BdRe => Disc::pressed(Profile::BdRe, 0, false),
        _ => Disc::new(profile),
    }
}

pub fn write10(lba: u32, blocks: u16) -> [u8; 10] {
    let l = lba.to_be_bytes();
    let n = blocks.to_be_bytes();
    [0x2A, 0, l[0], l[1], l[2], l[3], 0, n[0], n[1], 0]
}

pub fn write12(lba: u32, blocks: u32) -> [u8; 12] {
    let l = lba.to_be_bytes();
    let n = blocks.to_be_bytes();
    [0xAA, 0, l[0], l[1], l[2], l[3], n[0], n[1], n[2], n[3], 0, 0]
}

pub fn read10(lba: u32, blocks: u16) -> [u8; 10] {
    let l = lba.to_be_bytes();
    let n = blocks.to_be_bytes();
    [0x28, 0, l[0], l[1], l[2], l[3], 0, n[0], n[1], 0]
}

/// Run one data-out command and insist on GOOD status.
pub fn out(drive: &mut Drive, cdb: &[u8], data: &[u8]) {
    let completion = drive.execute(cdb, DataPhase::Out(data)).expect("transport");
    assert!(completion.is_good(), "{cdb:02x?}: {:?}", completion.sense_triple());
}

/// Run one data-in command and insist on GOOD status.
pub fn input(drive: &mut Drive, cdb: &[u8], buffer: &mut [u8]) {
    let completion = drive.execute(cdb, DataPhase::In(buffer)).expect("transport");
    assert!(completion.is_good(), "{cdb:02x?}: {:?}", completion.sense_triple());
}

/// The criterion settings of every bench here: a noisy shared 2-core machine, so short runs with
/// few samples (command-line options such as `--measurement-time` still override them).
pub fn quick() -> criterion::Criterion {
    criterion::Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}
