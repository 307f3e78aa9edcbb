//! Finding the optical drives: the `sr` block devices sysfs lists, the drive names of
//! `/proc/sys/dev/cdrom/info` (the cdrom layer's table, which libburn and wodim read too), and
//! the nodes `/dev/sr0` … `/dev/sr31` that exist (libburn's enumeration, mmc.md §4.1). Any one
//! of them is enough: a container may lack sysfs, and a program attached to emulated drives
//! sees only the nodes and /proc files the preload shim fakes (docs/attach.md: it does not fake
//! directory listings).

use serde::Serialize;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// The node numbers libburn probes.
const PROBED_NODES: u16 = 32;

/// A drive the system lists, before anything is sent to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundDrive {
    /// `/dev/sr0`.
    pub node: PathBuf,
    /// `sr0`.
    pub name: String,
    /// sysfs `device/vendor`, `device/model`, `device/rev` (INQUIRY as the kernel read it at
    /// boot), when sysfs has them.
    pub sysfs: Option<SysfsIdentity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SysfsIdentity {
    pub vendor: String,
    pub model: String,
    pub revision: String,
}

/// Every optical drive found, ordered by number.
pub fn find_drives() -> Vec<FoundDrive> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |name: String| {
        if is_sr_name(&name) && !names.contains(&name) {
            names.push(name);
        }
    };
    if let Ok(entries) = std::fs::read_dir("/sys/class/block") {
        for entry in entries.flatten() {
            add(entry.file_name().to_string_lossy().into_owned());
        }
    }
    if let Ok(info) = std::fs::read_to_string("/proc/sys/dev/cdrom/info") {
        cdrom_info_names(&info).into_iter().for_each(&mut add);
    }
    for n in 0..PROBED_NODES {
        let node = format!("/dev/sr{n}");
        if std::fs::metadata(&node).is_ok_and(|m| m.file_type().is_block_device()) {
            add(format!("sr{n}"));
        }
    }
    names.sort_by_key(|name| number(name));
    names
        .into_iter()
        .map(|name| FoundDrive {
            node: Path::new("/dev").join(&name),
            sysfs: sysfs_identity(&name),
            name,
        })
        .collect()
}

/// `srN`.
fn is_sr_name(name: &str) -> bool {
    name.strip_prefix("sr")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn number(name: &str) -> u32 {
    name.trim_start_matches("sr").parse().unwrap_or(u32::MAX)
}

/// The names on the `drive name:` line of /proc/sys/dev/cdrom/info.
pub fn cdrom_info_names(info: &str) -> Vec<String> {
    info.lines()
        .find_map(|line| line.strip_prefix("drive name:"))
        .map(|names| names.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

fn sysfs_identity(name: &str) -> Option<SysfsIdentity> {
    let read = |attribute: &str| {
        std::fs::read_to_string(format!("/sys/class/block/{name}/device/{attribute}"))
            .ok()
            .map(|text| text.trim().to_owned())
    };
    Some(SysfsIdentity {
        vendor: read("vendor")?,
        model: read("model")?,
        revision: read("rev")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cdrom_info_table_names_the_drives_newest_first() {
        let info =
            "CD-ROM information, Id: cdrom.c 3.20 2003/12/17\n\ndrive name:\t\tsr1\tsr0\ndrive speed:\t\t48\t48\n";
        assert_eq!(cdrom_info_names(info), vec!["sr1", "sr0"]);
        assert!(cdrom_info_names("nothing here\n").is_empty());
    }

    #[test]
    fn only_sr_block_devices_count() {
        assert!(is_sr_name("sr0") && is_sr_name("sr12"));
        assert!(!is_sr_name("sr") && !is_sr_name("sda") && !is_sr_name("sr0p1"));
    }
}
