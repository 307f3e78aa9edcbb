//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A folder for one test's media and files (each test file adds its own helpers to it).
pub struct Bench {
    pub dir: tempfile::TempDir,
}

impl Bench {
    pub fn new() -> Bench {
        Bench {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// The repository root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `burnbench` binary built for this test run.
pub fn burnbench() -> Command {
    Command::new(env!("CARGO_BIN_EXE_burnbench"))
}

/// Run `burnbench ARGS` and return its output.
pub fn run(args: &[&str]) -> Output {
    burnbench().args(args).output().expect("burnbench runs")
}

/// A peer program (isoinfo, xorriso, …) if installed. With `BURNBENCH_REQUIRE_PEERS=1` (CI) a
/// missing peer fails the test instead of skipping it.
pub fn peer(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        missing_peer(&format!("program {name}"));
    }
    found
}

/// The rule for a missing peer: fail under `BURNBENCH_REQUIRE_PEERS=1` (CI), else say it is
/// skipped.
pub fn missing_peer(what: &str) {
    assert!(
        std::env::var("BURNBENCH_REQUIRE_PEERS").as_deref() != Ok("1"),
        "peer {what} is required (BURNBENCH_REQUIRE_PEERS=1) but not installed"
    );
    eprintln!("skipping: peer {what} is not installed");
}

/// A data writer (client name "burnbench") over the built-in bd-writer drive holding `disc` in
/// memory, settled, and the drive (to export the disc or plan faults).
pub fn emulated_writer(
    disc: burnbench::media::Disc,
) -> (
    burnbench::burn::DataWriter,
    std::rc::Rc<std::cell::RefCell<burnbench::drive::Drive>>,
) {
    use burnbench::drive::{Drive, DriveModel};
    let model = DriveModel::builtin("bd-writer").expect("a built-in model");
    let mut drive = Drive::with_medium(model, burnbench::media::medium::Medium::in_memory(disc));
    drive.settle();
    let (recorder, drive) = burnbench::burn::Recorder::emulated(drive);
    let writer = burnbench::burn::DataWriter::new();
    writer.set_recorder(&recorder).expect("the drive writes data");
    writer.set_client_name("burnbench");
    (writer, drive)
}

/// Every file of `fs`'s tree in the session at `start` of the flat disc image `disc`, keyed by
/// path, with its bytes (read back by our importer).
pub fn session_files(
    disc: &[u8],
    start: u32,
    fs: burnbench::fsi::FileSystems,
) -> std::collections::BTreeMap<String, Vec<u8>> {
    use burnbench::fsi::read::{SeekBlockReader, read_file, read_tree};
    let mut reader = SeekBlockReader::new(std::io::Cursor::new(disc)).expect("a readable image");
    let tree = read_tree(&mut reader, start, fs).unwrap_or_else(|e| panic!("{fs} at {start}: {e:?}"));
    let mut found = std::collections::BTreeMap::new();
    for item in tree.items.iter().filter(|i| !i.is_dir) {
        let mut data = Vec::new();
        read_file(&mut reader, item, &mut data).expect("the file reads back");
        found.insert(item.path.clone(), data);
    }
    found
}
