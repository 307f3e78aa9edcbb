//! `SgIo`: a real drive as a `ScsiDevice`, through SG_IO v3 on `/dev/srN` (block) or `/dev/sgN`
//! (char). Opened O_NONBLOCK so that an empty or open tray does not fail the open; read-only
//! unless writing was asked for, since the kernel lets write-class commands through only on a
//! descriptor opened for writing (attach.md §5).

use super::explain;
use super::pass_through::{Outputs, PassThrough};
use super::sys;
use crate::adapter::command_class::TimeoutClass;
use crate::adapter::split;
use crate::device::{Completion, DataPhase, ScsiDevice, TransportError};
use std::fs::File;
use std::os::fd::AsFd;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The most one command moves unless the caller raises it: what every drive and host adapter
/// takes (attach.md §5), and what libburn and growisofs send.
pub const DEFAULT_MAX_TRANSFER_BYTES: usize = 64 * 1024;

/// How to open the drive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// O_RDWR instead of O_RDONLY: needed for write-class commands.
    pub write: bool,
    /// O_EXCL: no other exclusive opener (udisks, another burner) meanwhile; on /dev/sgN no
    /// other opener at all.
    pub exclusive: bool,
}

/// The open failed; the message is one line that says what to do.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OpenError(pub String);

/// An open optical drive.
#[derive(Debug)]
pub struct SgIo {
    file: File,
    path: PathBuf,
    options: OpenOptions,
    /// What the device takes in one command (BLKSECTGET, sysfs), if it said.
    device_max_bytes: Option<usize>,
    max_transfer_bytes: usize,
    timeouts: [Duration; 3],
    last: Outputs,
}

impl SgIo {
    /// Open `path` (a /dev/srN or /dev/sgN node).
    pub fn open(path: &Path, options: OpenOptions) -> Result<SgIo, OpenError> {
        let mut flags = libc::O_NONBLOCK;
        if options.exclusive {
            flags |= libc::O_EXCL;
        }
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(options.write)
            .custom_flags(flags)
            .open(path)
            .map_err(|e| OpenError(explain::open_failure(path, &e, options.write, options.exclusive)))?;
        let metadata = file
            .metadata()
            .map_err(|e| OpenError(format!("{}: {e}", path.display())))?;
        let kind = metadata.file_type();
        if !kind.is_block_device() && !kind.is_char_device() {
            return Err(OpenError(format!(
                "{}: not a device node: name an optical drive (/dev/srN or /dev/sgN); media images go with --media",
                path.display()
            )));
        }
        let block = kind.is_block_device();
        let device_max_bytes = [
            sys::max_transfer_bytes(file.as_fd(), block),
            block.then(|| sysfs_max_bytes(metadata.rdev(), path)).flatten(),
        ]
        .into_iter()
        .flatten()
        .min();
        let mut device = SgIo {
            file,
            path: path.to_owned(),
            options,
            device_max_bytes,
            max_transfer_bytes: DEFAULT_MAX_TRANSFER_BYTES,
            timeouts: [TimeoutClass::Short, TimeoutClass::Medium, TimeoutClass::Long]
                .map(TimeoutClass::default_timeout),
            last: Outputs::default(),
        };
        device.set_max_transfer_bytes(DEFAULT_MAX_TRANSFER_BYTES);
        Ok(device)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn options(&self) -> OpenOptions {
        self.options
    }

    /// What the device takes in one command, if it said (BLKSECTGET, sysfs max_sectors_kb).
    pub fn device_max_transfer_bytes(&self) -> Option<usize> {
        self.device_max_bytes
    }

    /// The most one READ/WRITE(10/12) moves; longer ones are split. Never above what the device
    /// takes, never below one 2048-byte block.
    pub fn max_transfer_bytes(&self) -> usize {
        self.max_transfer_bytes
    }

    pub fn set_max_transfer_bytes(&mut self, bytes: usize) {
        self.max_transfer_bytes = bytes.min(self.device_max_bytes.unwrap_or(usize::MAX)).max(2048);
    }

    /// The wait for commands of `class`.
    pub fn set_timeout(&mut self, class: TimeoutClass, timeout: Duration) {
        self.timeouts[class as usize] = timeout;
    }

    pub fn timeout(&self, class: TimeoutClass) -> Duration {
        self.timeouts[class as usize]
    }

    /// The output fields of the last command (its duration, info…).
    pub fn last_outputs(&self) -> Outputs {
        self.last
    }

    /// One SG_IO, no splitting.
    fn execute_one(&mut self, cdb: &[u8], data: DataPhase<'_>) -> Result<Completion, TransportError> {
        let bytes = data.len();
        let timeout = self.timeout(TimeoutClass::of(cdb[0]));
        let mut command = PassThrough::new(cdb, timeout);
        command
            .run(self.file.as_fd(), data)
            .map_err(|errno| explain::sg_io_refusal(&self.path, cdb, errno, self.options.write))?;
        self.last = command.outputs;
        command.completion(bytes)
    }
}

impl ScsiDevice for SgIo {
    fn execute(&mut self, cdb: &[u8], data: DataPhase<'_>) -> Result<Completion, TransportError> {
        if !(6..=16).contains(&cdb.len()) {
            return Err(TransportError::CdbLength(cdb.len()));
        }
        match split::plan(cdb, data.len(), self.max_transfer_bytes) {
            Some(pieces) => split::run(&pieces, data, |piece, phase| self.execute_one(piece, phase)),
            None => self.execute_one(cdb, data),
        }
    }
}

/// `queue/max_sectors_kb` of a block device in sysfs, in bytes: under `/sys/dev/block/MAJ:MIN`,
/// else under `/sys/class/block/NAME` (NAME from the node the path leads to).
fn sysfs_max_bytes(rdev: u64, path: &Path) -> Option<usize> {
    let (major, minor) = (libc::major(rdev), libc::minor(rdev));
    let name = path.canonicalize().ok()?.file_name()?.to_str()?.to_owned();
    [
        format!("/sys/dev/block/{major}:{minor}/queue/max_sectors_kb"),
        format!("/sys/class/block/{name}/queue/max_sectors_kb"),
    ]
    .iter()
    .find_map(|file| std::fs::read_to_string(file).ok())?
    .trim()
    .parse::<usize>()
    .ok()
    .filter(|kb| *kb > 0)
    .map(|kb| kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_refused_as_not_a_device() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let error = SgIo::open(file.path(), OpenOptions::default()).unwrap_err().to_string();
        assert!(
            error.ends_with(
                "not a device node: name an optical drive (/dev/srN or /dev/sgN); media images go with --media"
            ),
            "{error}"
        );
    }

    #[test]
    fn a_missing_node_says_how_to_find_the_drives() {
        let error = SgIo::open(Path::new("/dev/sr_burnbench_none"), OpenOptions::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains("(ENOENT): `burnbench drives` lists"), "{error}");
    }
}
