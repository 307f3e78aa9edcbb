//! The contents of the fake /proc and /sys files, in the kernel's formats, and the memfd that
//! carries them to the program (a real file: read, lseek, fstat and stdio all work).

use crate::paths::{FileKind, SysAttribute, config};
use burnbench::attach::kernel::cdc;
use burnbench::attach::protocol::{DriveIdentity, MAX_TRANSFER_BYTES, Reply, Request};
use burnbench::attach::seqpacket::Connection;
use std::sync::OnceLock;

/// The drives' identities, asked of the server once per process.
fn identities() -> Option<&'static [DriveIdentity]> {
    static IDENTITIES: OnceLock<Option<Vec<DriveIdentity>>> = OnceLock::new();
    IDENTITIES
        .get_or_init(|| {
            let connection = Connection::connect(&config()?.socket, true).ok()?;
            connection.send(&Request::Describe.encode()).ok()?;
            let mut buffer = Vec::new();
            connection.recv(&mut buffer).ok()?;
            match Reply::decode(&buffer).ok()? {
                Reply::Described { drives } => Some(drives),
                _ => None,
            }
        })
        .as_deref()
}

/// `/proc/sys/dev/cdrom/info` as cdrom.c prints it: a label, then a tab and a value per drive,
/// newest drive first.
fn cdrom_info(drives: &[DriveIdentity]) -> String {
    let drives: Vec<&DriveIdentity> = drives.iter().rev().collect();
    let row = |label: &str, value: &dyn Fn(&DriveIdentity) -> String| {
        let values: String = drives.iter().map(|d| format!("\t{}", value(d))).collect();
        format!("\n{label}{values}")
    };
    let flag = |bit: u32| move |d: &DriveIdentity| u8::from(bit != 0 && d.capability & bit != 0).to_string();
    let mut out = String::from("CD-ROM information, Id: cdrom.c 3.20 2003/12/17\n");
    out += &row("drive name:\t", &|d| format!("sr{}", d.number));
    out += &row("drive speed:\t", &|_| "48".into());
    out += &row("drive # of slots:", &|_| "1".into());
    let rows: [(&str, u32); 17] = [
        ("Can close tray:\t", cdc::CLOSE_TRAY),
        ("Can open tray:\t", cdc::OPEN_TRAY),
        ("Can lock tray:\t", cdc::LOCK),
        ("Can change speed:", cdc::SELECT_SPEED),
        ("Can select disk:", 0),
        ("Can read multisession:", cdc::MULTI_SESSION),
        ("Can read MCN:\t", cdc::MCN),
        ("Reports media changed:", cdc::MEDIA_CHANGED),
        ("Can play audio:\t", cdc::PLAY_AUDIO),
        ("Can write CD-R:\t", cdc::CD_R),
        ("Can write CD-RW:", cdc::CD_RW),
        ("Can read DVD:\t", cdc::DVD),
        ("Can write DVD-R:", cdc::DVD_R),
        ("Can write DVD-RAM:", cdc::DVD_RAM),
        ("Can read MRW:\t", 0),
        ("Can write MRW:\t", 0),
        ("Can write RAM:\t", cdc::RAM),
    ];
    for (label, bit) in rows {
        out += &row(label, &flag(bit));
    }
    out += "\n\n";
    out
}

/// `/proc/scsi/sg/devices`: line N describes /dev/sgN (host chan id lun type opens qdepth busy
/// online); numbers without a drive show the kernel's -1 line for an empty slot.
fn sg_devices(drives: &[DriveIdentity]) -> String {
    let last = drives.iter().map(|d| d.number).max().unwrap_or(0);
    (0..=last)
        .map(|n| match drives.iter().any(|d| d.number == n) {
            true => format!("0\t0\t{n}\t0\t5\t0\t1\t0\t1\n"),
            false => "-1\t-1\t-1\t-1\t-1\t-1\t-1\t-1\t-1\n".to_owned(),
        })
        .collect()
}

fn sg_device_strs(drives: &[DriveIdentity]) -> String {
    let last = drives.iter().map(|d| d.number).max().unwrap_or(0);
    (0..=last)
        .map(|n| match drives.iter().find(|d| d.number == n) {
            Some(d) => format!("{:<8}\t{:<16}\t{:<4}\n", d.vendor, d.product, d.revision),
            None => "<no active device>\n".to_owned(),
        })
        .collect()
}

/// The real /proc/devices with sr (block 11) and sg (char 21) registered where missing.
fn devices() -> String {
    let real = std::fs::read_to_string("/proc/devices").unwrap_or_default();
    let mut out = String::new();
    let mut section = "";
    let mut added = (false, false);
    let insert = |out: &mut String, major: u32, name: &str, done: &mut bool, line_major: Option<u32>| {
        if !*done && line_major.is_none_or(|m| m > major) {
            out.push_str(&format!("{major:>3} {name}\n"));
            *done = true;
        }
    };
    for line in real.lines() {
        let major = line.split_whitespace().next().and_then(|m| m.parse::<u32>().ok());
        if line.starts_with("Character devices") {
            section = "char";
        } else if line.starts_with("Block devices") {
            section = "block";
        } else if line.is_empty() && section == "char" {
            insert(&mut out, 21, "sg", &mut added.0, None);
        } else if section == "char" && major.is_some() {
            if line.split_whitespace().nth(1) == Some("sg") {
                added.0 = true;
            }
            insert(&mut out, 21, "sg", &mut added.0, major);
        } else if section == "block" && major.is_some() {
            if line.split_whitespace().nth(1) == Some("sr") {
                added.1 = true;
            }
            insert(&mut out, 11, "sr", &mut added.1, major);
        }
        out.push_str(line);
        out.push('\n');
    }
    if section == "block" {
        insert(&mut out, 11, "sr", &mut added.1, None);
    }
    out
}

fn sys(drive: &DriveIdentity, attribute: SysAttribute) -> String {
    let n = drive.number;
    let kb = MAX_TRANSFER_BYTES / 1024;
    match attribute {
        SysAttribute::BlockDev => format!("11:{n}\n"),
        SysAttribute::GenericDev => format!("21:{n}\n"),
        SysAttribute::Type => "5\n".into(),
        SysAttribute::Vendor => format!("{:<8}\n", drive.vendor),
        SysAttribute::Model => format!("{:<16}\n", drive.product),
        SysAttribute::Revision => format!("{:<4}\n", drive.revision),
        SysAttribute::MaxSectorsKb | SysAttribute::MaxHwSectorsKb => format!("{kb}\n"),
        SysAttribute::LogicalBlockSize => "2048\n".into(),
    }
}

/// CDROM_GET_CAPABILITY of drive `drive`.
pub fn capability(drive: usize) -> Option<u32> {
    Some(identities()?.get(drive)?.capability)
}

/// The contents of a fake file, `None` when the server cannot be asked.
pub fn contents(kind: FileKind) -> Option<String> {
    Some(match kind {
        FileKind::Devices => devices(),
        FileKind::CdromInfo => cdrom_info(identities()?),
        FileKind::SgDevices => sg_devices(identities()?),
        FileKind::SgDeviceStrs => sg_device_strs(identities()?),
        FileKind::Sys { drive, attribute } => sys(identities()?.get(drive)?, attribute),
    })
}

/// A read-only memfd holding `text`, positioned at its start.
pub fn memfd(text: &str, cloexec: bool) -> Result<i32, i32> {
    let flags = if cloexec { libc::MFD_CLOEXEC } else { 0 };
    // SAFETY: a NUL-terminated name.
    let fd = unsafe { libc::memfd_create(c"burnbench".as_ptr(), flags) };
    if fd < 0 {
        return Err(crate::errno());
    }
    let mut written = 0;
    while written < text.len() {
        // SAFETY: the slice is valid; the real write on our own memfd.
        let n = unsafe { crate::real::write(fd, text[written..].as_ptr().cast(), text.len() - written) };
        if n <= 0 {
            let e = crate::errno();
            // SAFETY: closing our own descriptor.
            unsafe { crate::real::close(fd) };
            return Err(e);
        }
        written += n as usize;
    }
    // SAFETY: real lseek on our memfd.
    unsafe { crate::real::lseek(fd, 0, libc::SEEK_SET) };
    Ok(fd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drive(number: u16) -> DriveIdentity {
        DriveIdentity {
            number,
            vendor: "BURNBNCH".into(),
            product: "BD-WRITER".into(),
            revision: "1.00".into(),
            capability: cdc::CD_R | cdc::DVD | cdc::CLOSE_TRAY,
        }
    }

    #[test]
    fn cdrom_info_has_a_column_per_drive_newest_first() {
        let info = cdrom_info(&[drive(0), drive(1)]);
        assert!(info.starts_with("CD-ROM information, Id: cdrom.c 3.20 2003/12/17\n\ndrive name:\t\tsr1\tsr0\n"));
        assert!(info.ends_with("\nCan write RAM:\t\t0\t0\n\n"));
        assert!(info.contains("\nCan write CD-R:\t\t1\t1\n"));
        assert!(info.contains("\nCan write CD-RW:\t0\t0\n"));
        assert!(info.contains("\nCan read DVD:\t\t1\t1\n"));
    }

    #[test]
    fn sg_devices_lines_are_numbered_by_sg_minor() {
        assert_eq!(
            sg_devices(&[drive(1)]),
            "-1\t-1\t-1\t-1\t-1\t-1\t-1\t-1\t-1\n0\t0\t1\t0\t5\t0\t1\t0\t1\n"
        );
    }
}
