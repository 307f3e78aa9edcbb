//! Which paths the shim answers for and what they are: the device nodes of the attached drives,
//! udev's links to the first one, the /proc files tools read, and the sysfs entries of each drive
//! (one SCSI device `0:0:N:0` per drive number N, as libata shows an ATAPI writer).

use burnbench::attach::protocol::{DRIVES_ENV, Node, NodeKind, SOCKET_ENV};
use std::path::PathBuf;
use std::sync::OnceLock;

/// What the environment told the shim.
pub struct Config {
    pub socket: PathBuf,
    /// The drive numbers: drive `i` of the server is `/dev/sr{numbers[i]}`.
    pub numbers: Vec<u16>,
}

static CONFIG: OnceLock<Option<Config>> = OnceLock::new();

/// The configuration, or `None` when the shim is inert (no server named in the environment).
pub fn config() -> Option<&'static Config> {
    CONFIG
        .get_or_init(|| {
            let socket = PathBuf::from(std::env::var_os(SOCKET_ENV)?);
            let numbers = std::env::var(DRIVES_ENV)
                .ok()?
                .split(',')
                .map(|n| n.trim().parse::<u16>().ok())
                .collect::<Option<Vec<_>>>()?;
            Some(Config { socket, numbers })
        })
        .as_ref()
}

/// A fake /proc or /sys file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// /proc/sys/dev/cdrom/info (libburn's and wodim's drive list).
    CdromInfo,
    /// /proc/scsi/sg/devices (growisofs maps the block device to its sg node with it).
    SgDevices,
    /// /proc/scsi/sg/device_strs.
    SgDeviceStrs,
    /// /proc/devices with sr (block 11) and sg (char 21) registered.
    Devices,
    /// A sysfs attribute of drive `drive`.
    Sys { drive: usize, attribute: SysAttribute },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SysAttribute {
    BlockDev,
    GenericDev,
    Type,
    Vendor,
    Model,
    Revision,
    MaxSectorsKb,
    MaxHwSectorsKb,
    LogicalBlockSize,
}

/// What a fake path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fake {
    /// /dev/srN or /dev/sgN.
    Node(Node),
    /// A symbolic link and its target as readlink returns it.
    Link(String),
    File(FileKind),
    Dir,
    /// /dev/fd/N, /proc/self/fd/N: another open of what descriptor N is.
    Descriptor(i32),
}

/// The path with repeated and trailing slashes removed; `None` for a relative path.
fn normalized(path: &[u8]) -> Option<String> {
    if path.first() != Some(&b'/') {
        return None;
    }
    let text = std::str::from_utf8(path).ok()?;
    let mut out = String::with_capacity(text.len());
    for part in text.split('/').filter(|p| !p.is_empty() && *p != ".") {
        out.push('/');
        out.push_str(part);
    }
    if out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// The node number of drive `i`.
pub fn number(drive: usize) -> u16 {
    config().map_or(0, |c| c.numbers[drive])
}

/// What `path` is, if the shim answers for it.
pub fn classify(path: &[u8]) -> Option<Fake> {
    let config = config()?;
    let path = normalized(path)?;
    if let Some(rest) = path.strip_prefix("/dev/") {
        return dev(config, rest);
    }
    if let Some(fd) = path
        .strip_prefix("/proc/self/fd/")
        .or_else(|| path.strip_prefix("/proc/thread-self/fd/"))
        .or_else(|| {
            let own = format!("/proc/{}/fd/", std::process::id());
            path.strip_prefix(own.as_str())
        })
    {
        return fd.parse().ok().map(Fake::Descriptor);
    }
    if path.starts_with("/proc/") {
        return proc(&path);
    }
    if path.starts_with("/sys/") {
        return sys(config, &path);
    }
    None
}

fn dev(config: &Config, rest: &str) -> Option<Fake> {
    if let Some(fd) = rest.strip_prefix("fd/") {
        return fd.parse().ok().map(Fake::Descriptor);
    }
    let first = *config.numbers.first()?;
    if matches!(rest, "cdrom" | "cdrw" | "dvd" | "dvdrw") {
        return Some(Fake::Link(format!("sr{first}")));
    }
    let (kind, number) = if let Some(n) = rest.strip_prefix("sr") {
        (NodeKind::Block, n)
    } else if let Some(n) = rest.strip_prefix("sg") {
        (NodeKind::Generic, n)
    } else {
        return None;
    };
    if number.starts_with('0') && number.len() > 1 {
        return None;
    }
    let number: u16 = number.parse().ok()?;
    let drive = config.numbers.iter().position(|n| *n == number)?;
    Some(Fake::Node(Node {
        kind,
        drive: drive as u16,
    }))
}

fn proc(path: &str) -> Option<Fake> {
    Some(match path {
        "/proc/sys/dev/cdrom/info" => Fake::File(FileKind::CdromInfo),
        "/proc/scsi/sg/devices" => Fake::File(FileKind::SgDevices),
        "/proc/scsi/sg/device_strs" => Fake::File(FileKind::SgDeviceStrs),
        "/proc/devices" => Fake::File(FileKind::Devices),
        "/proc/sys/dev/cdrom" | "/proc/scsi" | "/proc/scsi/sg" => Fake::Dir,
        _ => return None,
    })
}

/// sysfs: `/sys/bus/scsi/devices/0:0:N:0` is the drive; `/sys/block/srN`,
/// `/sys/class/block/srN` and `/sys/class/scsi_generic/sgN` lead into it as on a real system.
fn sys(config: &Config, path: &str) -> Option<Fake> {
    if matches!(
        path,
        "/sys/bus/scsi" | "/sys/bus/scsi/devices" | "/sys/class/scsi_generic" | "/sys/class/block" | "/sys/block"
    ) {
        // Real folders where the machine has them; otherwise the shim's.
        return (!std::path::Path::new(path).exists()).then_some(Fake::Dir);
    }
    for (drive, &n) in config.numbers.iter().enumerate() {
        let device = format!("/sys/bus/scsi/devices/0:0:{n}:0");
        let block = format!("{device}/block/sr{n}");
        let generic = format!("{device}/scsi_generic/sg{n}");
        let mut path = path.to_owned();
        for _ in 0..3 {
            for (alias, canonical) in [
                (format!("/sys/block/sr{n}"), &block),
                (format!("/sys/class/block/sr{n}"), &block),
                (format!("/sys/class/scsi_generic/sg{n}"), &generic),
                (format!("{block}/device"), &device),
                (format!("{generic}/device"), &device),
            ] {
                if path == alias || path.starts_with(&format!("{alias}/")) {
                    path = format!("{canonical}{}", &path[alias.len()..]);
                }
            }
        }
        let Some(rest) = path.strip_prefix(&device) else {
            continue;
        };
        let file = |attribute| Some(Fake::File(FileKind::Sys { drive, attribute }));
        let block_rest = format!("/block/sr{n}");
        let generic_rest = format!("/scsi_generic/sg{n}");
        return match rest {
            "" | "/block" | "/scsi_generic" => Some(Fake::Dir),
            "/type" => file(SysAttribute::Type),
            "/vendor" => file(SysAttribute::Vendor),
            "/model" => file(SysAttribute::Model),
            "/rev" => file(SysAttribute::Revision),
            r if r == block_rest || r == format!("{block_rest}/queue") => Some(Fake::Dir),
            r if r == format!("{block_rest}/dev") => file(SysAttribute::BlockDev),
            r if r == format!("{block_rest}/queue/max_sectors_kb") => file(SysAttribute::MaxSectorsKb),
            r if r == format!("{block_rest}/queue/max_hw_sectors_kb") => file(SysAttribute::MaxHwSectorsKb),
            r if r == format!("{block_rest}/queue/logical_block_size") => file(SysAttribute::LogicalBlockSize),
            r if r == generic_rest => Some(Fake::Dir),
            r if r == format!("{generic_rest}/dev") => file(SysAttribute::GenericDev),
            _ => None,
        };
    }
    None
}

/// Every fake path the shim answers for (nodes, links, /proc files, the sysfs entries under
/// each of their names), for `glob()`.
pub fn all() -> Vec<String> {
    let Some(config) = config() else {
        return Vec::new();
    };
    let mut out: Vec<String> = ["/dev/cdrom", "/dev/cdrw", "/dev/dvd", "/dev/dvdrw"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    out.extend(
        [
            "/proc/sys/dev/cdrom/info",
            "/proc/scsi/sg/devices",
            "/proc/scsi/sg/device_strs",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    for &n in &config.numbers {
        out.push(format!("/dev/sr{n}"));
        out.push(format!("/dev/sg{n}"));
        let device_files = ["type", "vendor", "model", "rev", "block", "scsi_generic"];
        let block_files = [
            "dev",
            "queue",
            "queue/max_sectors_kb",
            "queue/max_hw_sectors_kb",
            "queue/logical_block_size",
        ];
        let device = format!("/sys/bus/scsi/devices/0:0:{n}:0");
        for base in [
            device.clone(),
            format!("/sys/block/sr{n}/device"),
            format!("/sys/class/scsi_generic/sg{n}/device"),
        ] {
            out.push(base.clone());
            out.extend(device_files.iter().map(|f| format!("{base}/{f}")));
            out.push(format!("{base}/block/sr{n}"));
            out.extend(block_files.iter().map(|f| format!("{base}/block/sr{n}/{f}")));
            out.push(format!("{base}/scsi_generic/sg{n}"));
            out.push(format!("{base}/scsi_generic/sg{n}/dev"));
        }
        for base in [format!("/sys/block/sr{n}"), format!("/sys/class/block/sr{n}")] {
            out.push(base.clone());
            out.extend(block_files.iter().map(|f| format!("{base}/{f}")));
        }
        out.push(format!("/sys/class/scsi_generic/sg{n}"));
        out.push(format!("/sys/class/scsi_generic/sg{n}/dev"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizing_drops_repeated_and_trailing_slashes_and_dots() {
        assert_eq!(normalized(b"//dev/./sr0/").as_deref(), Some("/dev/sr0"));
        assert_eq!(normalized(b"sr0"), None);
    }
}
