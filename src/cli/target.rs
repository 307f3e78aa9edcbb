//! `--device`: a real drive instead of a media image in an emulated one (docs/adapter.md). The
//! commands that take it send their CDBs through `&mut dyn ScsiDevice`, so the same code asks
//! the emulator and the drive; this file only opens the drive, read-only unless the command
//! writes and the user said `--yes-really-write`.

use crate::adapter::traced::Traced;
use crate::drive::Tracer;
use clap::Args;
use std::path::{Path, PathBuf};

/// `--device` for commands that only read.
#[derive(Debug, Args)]
pub struct DeviceArgs {
    /// A real drive, /dev/srN or /dev/sgN, instead of a media image (Linux SG_IO, docs/adapter.md)
    #[arg(long, value_name = "/dev/srN")]
    pub device: Option<PathBuf>,
    /// Open the real drive exclusively (O_EXCL): no other program (udisks, a burner) uses it
    /// meanwhile
    #[arg(long, requires = "device")]
    pub exclusive: bool,
    /// Write every command sent to the real drive and its answer to FILE (JSON Lines,
    /// docs/trace.md; `trace show` reads it)
    #[arg(long, requires = "device", value_name = "FILE")]
    pub trace: Option<PathBuf>,
}

/// `--device` for commands that may write.
#[derive(Debug, Args)]
pub struct WriteDeviceArgs {
    #[command(flatten)]
    pub target: DeviceArgs,
    /// Let this command write to the real drive (it is then opened read-write); without it a
    /// command that would write is refused before anything is sent
    #[arg(long, requires = "device")]
    pub yes_really_write: bool,
}

/// A real drive, its commands traced when `--trace` says so.
pub type Device = Traced<Platform>;
#[cfg(target_os = "linux")]
pub type Platform = crate::adapter::linux::SgIo;
#[cfg(not(target_os = "linux"))]
pub type Platform = std::convert::Infallible;

impl DeviceArgs {
    /// Open the drive at `path` read-only.
    pub fn open(&self, path: &Path) -> Result<Device, String> {
        self.traced(open(path, false, self.exclusive)?)
    }

    fn traced(&self, device: Platform) -> Result<Device, String> {
        let tracer = match &self.trace {
            Some(file) => Tracer::to_file(file).map_err(|e| format!("--trace {}: {e}", file.display()))?,
            None => Tracer::off(),
        };
        Ok(Traced::new(device, tracer))
    }
}

impl WriteDeviceArgs {
    pub fn device(&self) -> Option<&PathBuf> {
        self.target.device.as_ref()
    }

    /// Open the drive at `path` for a command that writes (`writes` names it: `burn`,
    /// `WRITE(10) (2Ah)`) or only reads (`None`). A write without `--yes-really-write` is
    /// refused here, before the drive is even opened.
    pub fn open(&self, path: &Path, writes: Option<&str>) -> Result<Device, String> {
        if let Some(what) = writes
            && !self.yes_really_write
        {
            return Err(format!(
                "{}: {what} writes to the drive; refused without --yes-really-write (nothing was sent)",
                path.display()
            ));
        }
        self.target.traced(open(path, writes.is_some(), self.target.exclusive)?)
    }
}

#[cfg(target_os = "linux")]
fn open(path: &Path, write: bool, exclusive: bool) -> Result<Platform, String> {
    use crate::adapter::linux::{OpenOptions, SgIo};
    SgIo::open(path, OpenOptions { write, exclusive }).map_err(|e| e.to_string())
}

#[cfg(not(target_os = "linux"))]
fn open(path: &Path, _write: bool, _exclusive: bool) -> Result<Platform, String> {
    Err(format!(
        "{}: real drives are supported on Linux only (SG_IO); Windows and macOS are out of scope",
        path.display()
    ))
}

/// The one line for a failed command on a real drive: "no medium" said plainly (2/3A/xx is what
/// an empty tray answers; the open itself succeeds, being O_NONBLOCK).
pub fn device_error(path: &Path, error: crate::burn::command::CommandError) -> String {
    use crate::burn::command::CommandError;
    use crate::device::TransportError;
    match error {
        // The refusal names the device and the command already.
        CommandError::Transport {
            source: TransportError::Refused(text),
            ..
        } => text,
        error => match error.sense() {
            Some(sense) if sense.key == 2 && sense.asc == 0x3A => {
                format!(
                    "{}: no medium ({sense}): insert a disc and close the tray",
                    path.display()
                )
            }
            _ => format!("{}: {error}", path.display()),
        },
    }
}

/// No real drive can be opened off Linux (`open` refuses first); the type still fits the trait.
#[cfg(not(target_os = "linux"))]
impl crate::device::ScsiDevice for std::convert::Infallible {
    fn execute(
        &mut self,
        _cdb: &[u8],
        _data: crate::device::DataPhase<'_>,
    ) -> Result<crate::device::Completion, crate::device::TransportError> {
        match *self {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::burn::command::CommandError;
    use crate::device::TransportError;
    use crate::mmc::Sense;
    use crate::mmc::sense_data::SenseDataRepr;

    #[test]
    fn an_empty_tray_reads_no_medium_and_a_refusal_is_not_prefixed_twice() {
        let path = Path::new("/dev/sr0");
        let check = CommandError::Check {
            command: "READ DISC INFORMATION",
            sense: SenseDataRepr::current(Sense::new(2, 0x3A, 0x02)),
        };
        assert!(device_error(path, check).starts_with("/dev/sr0: no medium (2/3A/02"));
        let refused = CommandError::Transport {
            command: "INQUIRY",
            source: TransportError::Refused("/dev/sr0: the kernel refused INQUIRY (12h) (EPERM): …".into()),
        };
        assert_eq!(
            device_error(path, refused),
            "/dev/sr0: the kernel refused INQUIRY (12h) (EPERM): …"
        );
        let timeout = CommandError::Transport {
            command: "READ(10)",
            source: TransportError::Timeout(120_000),
        };
        assert_eq!(
            device_error(path, timeout),
            "/dev/sr0: READ(10): the command timed out after 120000 ms"
        );
    }
}
