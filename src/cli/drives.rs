//! `burnbench drives`: the optical drives of this machine (`adapter::linux::discovery`) and
//! what each says about itself and its medium (`burn::drive_identity`). Under `burnbench
//! attach` it lists the emulated drives, as any program would see them.

use super::table::Table;
use crate::adapter::linux::discovery::{FoundDrive, SysfsIdentity, find_drives};
use crate::burn::drive_identity::DriveIdentity;
use clap::Args;
use serde::Serialize;

#[derive(Debug, Args)]
pub struct DrivesArgs {
    /// Print JSON (an array, one object per drive)
    #[arg(long)]
    json: bool,
}

/// One drive in the list.
#[derive(Debug, Serialize)]
struct Listed {
    node: String,
    sysfs: Option<SysfsIdentity>,
    /// What the drive answered, if it could be asked.
    #[serde(flatten)]
    identity: Option<DriveIdentity>,
    /// Why it could not be asked (permissions, a busy drive…): one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn ask(found: &FoundDrive) -> Listed {
    let answer = super::target::DeviceArgs {
        device: Some(found.node.clone()),
        exclusive: false,
        trace: None,
    }
    .open(&found.node)
    .and_then(|mut device| DriveIdentity::query(&mut device).map_err(|e| super::target::device_error(&found.node, e)));
    let (identity, error) = match answer {
        Ok(identity) => (Some(identity), None),
        Err(error) => (None, Some(error)),
    };
    Listed {
        node: found.node.display().to_string(),
        sysfs: found.sysfs.clone(),
        identity,
        error,
    }
}

pub fn run(args: DrivesArgs) -> Result<(), String> {
    let listed: Vec<Listed> = find_drives().iter().map(ask).collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&listed).map_err(super::line)?);
        return Ok(());
    }
    if listed.is_empty() {
        println!(
            "no optical drives found (looked in /sys/class/block, /proc/sys/dev/cdrom/info and /dev/sr0 to /dev/sr31)"
        );
        return Ok(());
    }
    let mut table = Table::new(&["node", "vendor", "product", "revision", "profile", "medium"]);
    let mut errors = Vec::new();
    for drive in &listed {
        match (&drive.identity, &drive.sysfs) {
            (Some(id), _) => table.row(vec![
                drive.node.clone(),
                id.vendor.clone(),
                id.product.clone(),
                id.revision.clone(),
                format!("{} ({})", id.profile_name, id.profile_code),
                if id.ready == "ready" {
                    id.medium.clone()
                } else {
                    format!("{}, not ready: {}", id.medium, id.ready)
                },
            ]),
            (None, sysfs) => table.row(vec![
                drive.node.clone(),
                sysfs.as_ref().map_or("-".into(), |s| s.vendor.clone()),
                sysfs.as_ref().map_or("-".into(), |s| s.model.clone()),
                sysfs.as_ref().map_or("-".into(), |s| s.revision.clone()),
                "-".into(),
                "-".into(),
            ]),
        }
        errors.extend(drive.error.iter().cloned());
    }
    print!("{}", table.render(""));
    for error in errors {
        println!("{error}");
    }
    Ok(())
}
