//! Drive models: who the drive says it is and what it can do, as data (one table).
//!
//! Where real drives disagree on a behaviour, the difference is a field here, documented, rather
//! than a branch in a handler (DEVELOPERS.md: "a documented drive-model option").

use crate::media::{MediaClass, Profile};
use serde::{Deserialize, Serialize};

/// How a drive answers READ of an unwritten block on sequential media (mmc.md §1.3: a kernel log
/// shows 8/00/00 BLANK CHECK from a CD-R, other drives give 5/21/00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnwrittenRead {
    /// 8/00/00 BLANK CHECK.
    BlankCheck,
    /// 5/21/00 LOGICAL BLOCK ADDRESS OUT OF RANGE.
    LbaOutOfRange,
}

/// How a drive reports an Immed CLOSE/SYNCHRONIZE CACHE still running to TEST UNIT READY
/// (mmc.md §1.1: Pioneer answers TUR GOOD and 2/04/07 to the next other command; growisofs copes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BusyReport {
    /// TUR and every other media command get 2/04/07 (or 2/04/04, 2/04/08) with progress.
    AllCommands,
    /// TUR answers GOOD; other media commands get the not-ready sense.
    AllButTestUnitReady,
}

/// How a drive answers REQUEST SENSE with DESC set (byte 1 bit 0). SPC lets a drive without
/// descriptor-format sense reject the bit; MMC drives mostly ignore it (the bit was reserved
/// before SPC-3), QEMU's scsi-cd honours it (mmc.md §1.1), Seagate-style targets reject it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DescriptorSense {
    /// Fixed-format sense (70h / 71h) whatever DESC says.
    Ignore,
    /// Descriptor-format sense (72h / 73h) when DESC is set.
    Honour,
    /// DESC set is 5/24/00 with the field pointer at byte 1 bit 0; the pending sense is kept.
    Reject,
}

/// Physical interface of feature 0001h (Core), bytes 4–7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Interface {
    Scsi = 1,
    Atapi = 2,
    Sata = 7,
    Usb = 8,
}

/// One drive model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriveModel {
    /// Name on the command line and in scenarios (`bd-writer`).
    pub id: String,
    /// INQUIRY vendor (8 bytes), product (16) and revision (4), space padded on the wire.
    pub vendor: String,
    pub product: String,
    pub revision: String,
    /// VPD page 80h.
    pub serial: String,
    pub interface: Interface,
    /// Profiles the drive reads (the Profile List of GET CONFIGURATION, mmc.md §1.2).
    pub reads: Vec<Profile>,
    /// Profiles the drive writes; a subset of `reads`.
    pub writes: Vec<Profile>,
    /// Buffer size in KiB (mode page 2Ah, READ BUFFER CAPACITY).
    pub buffer_kib: u32,
    /// Highest read and write speed per media class in kB/s (1000 bytes): CD 1× = 176,
    /// DVD 1× = 1385, BD 1× = 4495.
    pub max_read_kbps: [u32; 3],
    pub max_write_kbps: [u32; 3],
    pub unwritten_read: UnwrittenRead,
    pub busy_report: BusyReport,
    pub descriptor_sense: DescriptorSense,
}

impl DriveModel {
    /// The built-in model with this id.
    pub fn builtin(id: &str) -> Option<DriveModel> {
        builtin_models().into_iter().find(|m| m.id == id)
    }

    /// Ids of the built-in models, for error messages.
    pub fn builtin_ids() -> Vec<String> {
        builtin_models().into_iter().map(|m| m.id).collect()
    }

    pub fn can_read(&self, profile: Profile) -> bool {
        self.reads.contains(&profile)
    }

    pub fn can_write(&self, profile: Profile) -> bool {
        self.writes.contains(&profile)
    }

    fn class_index(class: MediaClass) -> usize {
        match class {
            MediaClass::Cd => 0,
            MediaClass::Dvd => 1,
            MediaClass::Bd => 2,
        }
    }

    pub fn max_read_speed(&self, class: MediaClass) -> u32 {
        self.max_read_kbps[Self::class_index(class)]
    }

    pub fn max_write_speed(&self, class: MediaClass) -> u32 {
        self.max_write_kbps[Self::class_index(class)]
    }
}

const CD: [Profile; 3] = [Profile::CdRom, Profile::CdR, Profile::CdRw];
const DVD: [Profile; 9] = [
    Profile::DvdRom,
    Profile::DvdR,
    Profile::DvdRam,
    Profile::DvdRwRestrictedOverwrite,
    Profile::DvdRwSequential,
    Profile::DvdRDl,
    Profile::DvdPlusRw,
    Profile::DvdPlusR,
    Profile::DvdPlusRDl,
];
const BD: [Profile; 4] = [Profile::BdRom, Profile::BdRSrm, Profile::BdRRrm, Profile::BdRe];

fn recordable(profiles: impl IntoIterator<Item = Profile>) -> Vec<Profile> {
    profiles
        .into_iter()
        .filter(|p| p.family() != crate::media::Family::ReadOnly)
        .collect()
}

/// The built-in models: a BD writer (every profile), a DVD writer (no BD) and a CD-RW drive.
/// Profile lists are in MMC order; GET CONFIGURATION lists them highest first as drives do.
pub fn builtin_models() -> Vec<DriveModel> {
    let all: Vec<Profile> = CD.into_iter().chain(DVD).chain(BD).collect();
    let dvd_drive: Vec<Profile> = CD.into_iter().chain(DVD).collect();
    vec![
        DriveModel {
            id: "bd-writer".into(),
            vendor: "BURNBNCH".into(),
            product: "BD-RE BB-12X".into(),
            revision: "1.00".into(),
            serial: "BB12X0000001".into(),
            interface: Interface::Sata,
            reads: all.clone(),
            // BD-R RRM is read-only for most writers and all Linux burners (mmc.md §2.1).
            writes: recordable(all).into_iter().filter(|p| *p != Profile::BdRRrm).collect(),
            buffer_kib: 4096,
            max_read_kbps: [48 * 176, 16 * 1385, 12 * 4495],
            max_write_kbps: [48 * 176, 16 * 1385, 12 * 4495],
            unwritten_read: UnwrittenRead::LbaOutOfRange,
            busy_report: BusyReport::AllCommands,
            descriptor_sense: DescriptorSense::Ignore,
        },
        DriveModel {
            id: "dvd-writer".into(),
            vendor: "BURNBNCH".into(),
            product: "DVDRW BB-24X".into(),
            revision: "1.00".into(),
            serial: "BB24X0000001".into(),
            interface: Interface::Sata,
            reads: dvd_drive.clone(),
            writes: recordable(dvd_drive),
            buffer_kib: 2048,
            max_read_kbps: [48 * 176, 16 * 1385, 0],
            max_write_kbps: [48 * 176, 24 * 1385, 0],
            unwritten_read: UnwrittenRead::LbaOutOfRange,
            busy_report: BusyReport::AllButTestUnitReady,
            descriptor_sense: DescriptorSense::Ignore,
        },
        DriveModel {
            id: "cd-rw".into(),
            vendor: "BURNBNCH".into(),
            product: "CD-RW BB-52X".into(),
            revision: "1.00".into(),
            serial: "BB52X0000001".into(),
            interface: Interface::Atapi,
            reads: CD.to_vec(),
            writes: recordable(CD),
            buffer_kib: 2048,
            max_read_kbps: [52 * 176, 0, 0],
            max_write_kbps: [52 * 176, 0, 0],
            unwritten_read: UnwrittenRead::BlankCheck,
            busy_report: BusyReport::AllCommands,
            descriptor_sense: DescriptorSense::Ignore,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_write_only_what_they_read() {
        for model in builtin_models() {
            assert!(model.writes.iter().all(|p| model.can_read(*p)), "{}", model.id);
            assert!(model.vendor.len() <= 8 && model.product.len() <= 16 && model.revision.len() <= 4);
        }
    }

    #[test]
    fn the_three_required_models_exist() {
        let bd = DriveModel::builtin("bd-writer").unwrap();
        assert_eq!(bd.reads.len(), 16);
        assert!(bd.can_write(Profile::BdRe) && bd.can_write(Profile::CdRw));
        let dvd = DriveModel::builtin("dvd-writer").unwrap();
        assert!(!dvd.can_read(Profile::BdRom) && dvd.can_write(Profile::DvdPlusRDl));
        let cd = DriveModel::builtin("cd-rw").unwrap();
        assert!(cd.can_write(Profile::CdRw) && !cd.can_read(Profile::DvdRom));
    }
}
