//! What the kernel's answers mean, in one line that says what to do: the errno of an open or of
//! SG_IO, and the `DID_*` / `DRIVER_*` / SCSI status codes of a reply (include/scsi/scsi.h,
//! scsi_status.h; sg3_utils `sg_lib.c` prints the same names).

use crate::attach::kernel::{OpcodeClass, opcode_class};
use crate::device::TransportError;
use crate::mmc::cdb::opcode_name;
use std::path::Path;

/// `host_status` names (DID_*, include/scsi/scsi_status.h).
pub fn host_status_name(status: u16) -> &'static str {
    const NAMES: [&str; 0x15] = [
        "DID_OK",
        "DID_NO_CONNECT",
        "DID_BUS_BUSY",
        "DID_TIME_OUT",
        "DID_BAD_TARGET",
        "DID_ABORT",
        "DID_PARITY",
        "DID_ERROR",
        "DID_RESET",
        "DID_BAD_INTR",
        "DID_PASSTHROUGH",
        "DID_SOFT_ERROR",
        "DID_IMM_RETRY",
        "DID_REQUEUE",
        "DID_TRANSPORT_DISRUPTED",
        "DID_TRANSPORT_FAILFAST",
        "DID_TARGET_FAILURE",
        "DID_NEXUS_FAILURE",
        "DID_ALLOC_FAILURE",
        "DID_MEDIUM_ERROR",
        "DID_TRANSPORT_MARGINAL",
    ];
    NAMES.get(usize::from(status)).copied().unwrap_or("DID_unknown")
}

pub const DID_NO_CONNECT: u16 = 0x01;
pub const DID_TIME_OUT: u16 = 0x03;
pub const DID_BAD_TARGET: u16 = 0x04;

/// `driver_status` names (DRIVER_*, the low nibble; the kernel no longer sets the suggestion
/// bits of the high nibble).
pub fn driver_status_name(status: u16) -> &'static str {
    const NAMES: [&str; 9] = [
        "DRIVER_OK",
        "DRIVER_BUSY",
        "DRIVER_SOFT",
        "DRIVER_MEDIA",
        "DRIVER_ERROR",
        "DRIVER_INVALID",
        "DRIVER_TIMEOUT",
        "DRIVER_HARD",
        "DRIVER_SENSE",
    ];
    NAMES
        .get(usize::from(status & DRIVER_MASK))
        .copied()
        .unwrap_or("DRIVER_unknown")
}

pub const DRIVER_MASK: u16 = 0x0F;
pub const DRIVER_TIMEOUT: u16 = 0x06;
pub const DRIVER_SENSE: u16 = 0x08;

/// SCSI status names (SAM-5).
pub fn scsi_status_name(status: u8) -> &'static str {
    match status {
        0x00 => "GOOD",
        0x02 => "CHECK CONDITION",
        0x04 => "CONDITION MET",
        0x08 => "BUSY",
        0x18 => "RESERVATION CONFLICT",
        0x28 => "TASK SET FULL",
        0x30 => "ACA ACTIVE",
        0x40 => "TASK ABORTED",
        _ => "a reserved status",
    }
}

/// `WRITE(10) (2Ah)`.
fn command(cdb: &[u8]) -> String {
    let code = cdb.first().copied().unwrap_or(0);
    format!(
        "{} ({code:02X}h)",
        opcode_name(code).unwrap_or("vendor-specific command")
    )
}

/// Why SG_IO refused `cdb` with `errno` on `path` (opened for writing or not), and what to do.
pub fn sg_io_refusal(path: &Path, cdb: &[u8], errno: i32, open_for_write: bool) -> TransportError {
    let device = path.display();
    let what = command(cdb);
    let code = cdb.first().copied().unwrap_or(0);
    let text = match errno {
        libc::EPERM | libc::EACCES => match opcode_class(code) {
            OpcodeClass::WriteSafe if !open_for_write => format!(
                "{device}: the kernel refused {what} (EPERM): write commands need the device opened read-write \
                 (burnbench: --yes-really-write)"
            ),
            OpcodeClass::WriteSafe | OpcodeClass::ReadSafe => format!(
                "{device}: the kernel refused {what} (EPERM): you may not send commands to this device; \
                 check its permissions (ls -l {device})"
            ),
            OpcodeClass::Privileged => format!(
                "{device}: the kernel refused {what} (EPERM): it is not allowed for unprivileged users \
                 (only with CAP_SYS_RAWIO, e.g. as root)"
            ),
        },
        libc::EIO => format!(
            "{device}: the kernel refused {what} (EIO): the transfer is longer than the device takes in one \
             command (see /sys/class/block/*/queue/max_hw_sectors_kb)"
        ),
        libc::ENOMEDIUM => format!("{device}: no medium (ENOMEDIUM): insert a disc and close the tray"),
        libc::ENODEV | libc::ENXIO => {
            return TransportError::Gone(format!("{device}: the device went away ({})", errno_name(errno)));
        }
        libc::ENOTTY | libc::EINVAL => format!(
            "{device}: {what}: not a SCSI pass-through device ({}): name an optical drive, /dev/srN or /dev/sgN",
            errno_name(errno)
        ),
        libc::ENOMEM => format!("{device}: {what}: the kernel could not allocate the transfer buffer (ENOMEM)"),
        other => format!(
            "{device}: {what}: SG_IO failed: {}",
            std::io::Error::from_raw_os_error(other)
        ),
    };
    TransportError::Refused(text)
}

/// Why opening `path` failed, and what to do: one line.
pub fn open_failure(path: &Path, error: &std::io::Error, write: bool, exclusive: bool) -> String {
    let device = path.display();
    match error.raw_os_error() {
        Some(libc::EACCES) => format!(
            "{device}: permission denied (EACCES): {}",
            match group_of(path) {
                Some(group) =>
                    format!("add yourself to the group {group} (sudo usermod -aG {group} $USER, then log in again)"),
                None => format!("check its permissions (ls -l {device})"),
            }
        ),
        Some(libc::EPERM) if exclusive && !write => format!(
            "{device}: exclusive open refused (EPERM): the sg driver opens exclusively only for \
             writing; name the block device (/dev/srN) or drop the exclusive open"
        ),
        Some(libc::EPERM) => {
            format!("{device}: operation not permitted (EPERM): check its permissions (ls -l {device})")
        }
        Some(libc::EBUSY) => format!(
            "{device}: in use by another program (EBUSY){}: close it (a burner, a mounted disc, udisks) and retry",
            if exclusive { " and opened exclusively" } else { "" }
        ),
        Some(libc::ENOMEDIUM) => format!("{device}: no medium (ENOMEDIUM): insert a disc and close the tray"),
        Some(libc::EROFS) if write => format!(
            "{device}: read-only (EROFS): the kernel opens a drive for writing only with a random-writable disc"
        ),
        Some(libc::ENOENT) => format!("{device}: no such device (ENOENT): `burnbench drives` lists the optical drives"),
        Some(libc::ENXIO) | Some(libc::ENODEV) => format!(
            "{device}: no device behind this node ({}): `burnbench drives` lists the optical drives",
            errno_name(error.raw_os_error().unwrap_or(0))
        ),
        _ => format!("{device}: {error}"),
    }
}

/// The group owning `path`, by name from /etc/group, else its number.
fn group_of(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let gid = std::fs::metadata(path).ok()?.gid();
    let groups = std::fs::read_to_string("/etc/group").unwrap_or_default();
    let name = groups.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)?.parse::<u32>().ok()? == gid).then(|| name.to_owned())
    });
    Some(name.unwrap_or_else(|| gid.to_string()))
}

fn errno_name(errno: i32) -> &'static str {
    match errno {
        libc::ENODEV => "ENODEV",
        libc::ENXIO => "ENXIO",
        libc::ENOTTY => "ENOTTY",
        libc::EINVAL => "EINVAL",
        _ => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(cdb: &[u8], errno: i32, write: bool) -> String {
        sg_io_refusal(Path::new("/dev/sr0"), cdb, errno, write).to_string()
    }

    #[test]
    fn eperm_says_whether_read_write_or_privilege_is_missing() {
        let write = refusal(&[0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0], libc::EPERM, false);
        assert_eq!(
            write,
            "/dev/sr0: the kernel refused WRITE(10) (2Ah) (EPERM): write commands need the device opened \
             read-write (burnbench: --yes-really-write)"
        );
        let mechanism = refusal(&[0xBD, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0], libc::EPERM, true);
        assert!(
            mechanism.contains("MECHANISM STATUS (BDh) (EPERM): it is not allowed for unprivileged users"),
            "{mechanism}"
        );
        assert!(!write.contains('\n') && !mechanism.contains('\n'));
    }

    #[test]
    fn open_errors_name_the_remedy() {
        let busy = open_failure(
            Path::new("/dev/sr0"),
            &std::io::Error::from_raw_os_error(libc::EBUSY),
            false,
            true,
        );
        assert!(busy.starts_with("/dev/sr0: in use by another program (EBUSY) and opened exclusively: close it"));
        let missing = open_failure(
            Path::new("/dev/sr9"),
            &std::io::Error::from_raw_os_error(libc::ENOENT),
            false,
            false,
        );
        assert_eq!(
            missing,
            "/dev/sr9: no such device (ENOENT): `burnbench drives` lists the optical drives"
        );
        let no_medium = open_failure(
            Path::new("/dev/sr0"),
            &std::io::Error::from_raw_os_error(libc::ENOMEDIUM),
            false,
            false,
        );
        assert_eq!(
            no_medium,
            "/dev/sr0: no medium (ENOMEDIUM): insert a disc and close the tray"
        );
    }

    #[test]
    fn status_names() {
        assert_eq!(host_status_name(DID_TIME_OUT), "DID_TIME_OUT");
        assert_eq!(host_status_name(0x7F), "DID_unknown");
        assert_eq!(driver_status_name(DRIVER_SENSE), "DRIVER_SENSE");
        assert_eq!(scsi_status_name(0x18), "RESERVATION CONFLICT");
    }
}
