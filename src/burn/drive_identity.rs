//! Who a drive is and what it holds right now, from the questions a drive list asks: INQUIRY,
//! GET CONFIGURATION (current profile), TEST UNIT READY and GET EVENT STATUS NOTIFICATION (media
//! class, mmc.md §1.2). `burnbench drives` shows this for each drive it finds — real ones, and
//! the emulated ones under `burnbench attach`.

use super::command::{CommandError, data_in, no_data, parsed};
use super::probe::{current_profile, standard_inquiry};
use crate::device::ScsiDevice;
use crate::media::Profile;
use crate::mmc::cdb::{GetEventStatusNotification, TestUnitReady};
use crate::mmc::event_status::{Event, EventStatus, EventStatusRepr};
use crate::mmc::inquiry::trimmed;
use serde::Serialize;

/// GESN class request bit of the media class.
const MEDIA_CLASS_REQUEST: u8 = 0x10;

/// What a drive says about itself and its medium.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DriveIdentity {
    /// INQUIRY peripheral device type (05h: an MMC drive).
    pub device_type: u8,
    pub vendor: String,
    pub product: String,
    pub revision: String,
    /// GET CONFIGURATION current profile, e.g. `001Bh` (`0000h`: no medium).
    pub profile_code: String,
    /// `DVD+R`, or `no medium`.
    pub profile_name: String,
    /// `present`, `none (tray closed)`, `none (tray open)` (GESN media status, else TEST UNIT
    /// READY's sense).
    pub medium: String,
    /// `ready`, or the sense of TEST UNIT READY (`2/04/01 …` while spinning up).
    pub ready: String,
}

impl DriveIdentity {
    pub fn query(device: &mut dyn ScsiDevice) -> Result<DriveIdentity, CommandError> {
        let inquiry = standard_inquiry(device)?;
        let current_profile = current_profile(device)?;

        // A unit attention (a medium just inserted) is reported once; the second TUR tells.
        let mut ready = no_data(device, TestUnitReady, None);
        if ready
            .as_ref()
            .err()
            .and_then(CommandError::sense)
            .is_some_and(|s| s.key == 6)
        {
            ready = no_data(device, TestUnitReady, None);
        }
        let ready_sense = match ready {
            Ok(()) => None,
            Err(CommandError::Check { sense, .. }) => Some(sense.sense),
            Err(other) => return Err(other),
        };

        let media_event = match data_in(
            device,
            GetEventStatusNotification {
                class_request: MEDIA_CLASS_REQUEST,
                allocation_length: 8,
            },
        ) {
            Ok(bytes) => {
                let view = parsed("GET EVENT STATUS NOTIFICATION", EventStatus::new_checked(&bytes[..]))?;
                match parsed("GET EVENT STATUS NOTIFICATION", EventStatusRepr::parse(&view))?.event {
                    Some(Event::Media {
                        media_present,
                        tray_open,
                        ..
                    }) => Some((media_present, tray_open)),
                    _ => None,
                }
            }
            // Drives without GESN (old ones) answer 5/20/00: TEST UNIT READY has to do.
            Err(CommandError::Check { .. }) => None,
            Err(other) => return Err(other),
        };

        let medium = match (media_event, ready_sense) {
            (Some((true, _)), _) => "present",
            (Some((false, true)), _) => "none (tray open)",
            (Some((false, false)), _) => "none (tray closed)",
            (None, Some(s)) if s.key == 2 && s.asc == 0x3A && s.ascq == 0x02 => "none (tray open)",
            (None, Some(s)) if s.key == 2 && s.asc == 0x3A => "none (tray closed)",
            (None, _) => "present",
        };
        let profile = Profile::from_code(current_profile);
        Ok(DriveIdentity {
            device_type: inquiry.device_type,
            vendor: trimmed(&inquiry.vendor),
            product: trimmed(&inquiry.product),
            revision: trimmed(&inquiry.revision),
            profile_code: format!("{current_profile:04X}h"),
            profile_name: match profile {
                Some(p) => p.name().to_owned(),
                None if current_profile == 0 => "no medium".to_owned(),
                None => "unknown profile".to_owned(),
            },
            medium: medium.to_owned(),
            ready: ready_sense.map_or("ready".to_owned(), |s| s.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drive::{Drive, DriveModel, FaultPlan};
    use crate::media::medium::Medium;
    use crate::media::{CdLength, Disc};

    fn drive(profile: Profile) -> Drive {
        let model = DriveModel::builtin("bd-writer").unwrap();
        let mut drive = Drive::with_medium(model, Medium::in_memory(Disc::new_cd(profile, CdLength::Min80)));
        drive.settle();
        drive
    }

    #[test]
    fn a_loaded_drive_names_itself_its_profile_and_a_ready_medium() {
        let identity = DriveIdentity::query(&mut drive(Profile::DvdPlusR)).unwrap();
        assert_eq!(identity.device_type, 5);
        assert_eq!(identity.profile_code, "001Bh");
        assert_eq!(identity.profile_name, "DVD+R");
        assert_eq!(
            (identity.medium.as_str(), identity.ready.as_str()),
            ("present", "ready")
        );
        assert!(!identity.vendor.is_empty() && !identity.product.is_empty());
    }

    #[test]
    fn a_drive_whose_medium_was_removed_says_none_and_why_it_is_not_ready() {
        let mut drive = drive(Profile::CdR);
        let plan =
            FaultPlan::from_ron("FaultPlan(faults: [Fault(trigger: AfterCommands(count: 0), effect: MediumRemoved)])")
                .unwrap();
        drive.set_fault_plan(plan);
        let identity = DriveIdentity::query(&mut drive).unwrap();
        assert_eq!(identity.profile_code, "0000h");
        assert_eq!(identity.medium, "none (tray closed)");
        assert!(identity.ready.starts_with("2/3A/01"), "{}", identity.ready);
    }
}
