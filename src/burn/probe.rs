//! What a burner learns about the medium in a drive, through the MMC queries it would send:
//! GET CONFIGURATION (current profile), READ DISC INFORMATION, READ TRACK INFORMATION for every
//! track, READ CAPACITY and READ FORMAT CAPACITIES. `burnbench media info` shows this, so what it
//! prints is what burning software sees — against the emulator or a real drive.

use super::command::{CommandError, data_in, parsed};
use crate::device::ScsiDevice;
use crate::mmc::cdb::{
    ConfigurationRequest, DiscInformationType, GetConfiguration, Inquiry, InquiryPage, ReadCapacity,
    ReadDiscInformation, ReadFormatCapacities, ReadTrackInformation, TrackAddress,
};
use crate::mmc::configuration::{Configuration, ConfigurationRepr};
use crate::mmc::disc_information::{DiscInformation, DiscInformationRepr};
use crate::mmc::format_capacities::{FormatCapacities, FormatCapacitiesRepr};
use crate::mmc::inquiry::{StandardInquiry, StandardInquiryRepr};
use crate::mmc::read_capacity::{ReadCapacityData, ReadCapacityRepr};
use crate::mmc::track_information::{TrackInformation, TrackInformationRepr};

/// The answers of one probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaProbe {
    /// GET CONFIGURATION bytes 6–7 (0000h: no medium).
    pub current_profile: u16,
    pub disc: DiscInformationRepr,
    /// Track 1 … the last track in the last session (the invisible track included).
    pub tracks: Vec<TrackInformationRepr>,
    pub capacity: ReadCapacityRepr,
    /// `None` when the drive refuses READ FORMAT CAPACITIES for this medium.
    pub format_capacities: Option<FormatCapacitiesRepr>,
}

/// GET CONFIGURATION bytes 6–7: the current profile (0000h: no medium).
pub fn current_profile(device: &mut dyn ScsiDevice) -> Result<u16, CommandError> {
    let header = data_in(
        device,
        GetConfiguration {
            request_type: ConfigurationRequest::Current,
            starting_feature: 0,
            allocation_length: 8,
        },
    )?;
    let configuration = parsed("GET CONFIGURATION", Configuration::new_checked(&header[..]))?;
    Ok(parsed("GET CONFIGURATION", ConfigurationRepr::parse(&configuration))?.current_profile)
}

/// Standard INQUIRY data (96 bytes asked, as IMAPI2 and libburn ask).
pub fn standard_inquiry(device: &mut dyn ScsiDevice) -> Result<StandardInquiryRepr, CommandError> {
    let bytes = data_in(
        device,
        Inquiry {
            page: InquiryPage::Standard,
            allocation_length: 96,
        },
    )?;
    let view = parsed("INQUIRY", StandardInquiry::new_checked(&bytes[..]))?;
    parsed("INQUIRY", StandardInquiryRepr::parse(&view))
}

impl MediaProbe {
    pub fn query(device: &mut dyn ScsiDevice) -> Result<MediaProbe, CommandError> {
        let current_profile = current_profile(device)?;

        let bytes = data_in(
            device,
            ReadDiscInformation {
                data_type: DiscInformationType::Standard,
                allocation_length: 34,
            },
        )?;
        let view = parsed("READ DISC INFORMATION", DiscInformation::new_checked(&bytes[..]))?;
        let disc = parsed("READ DISC INFORMATION", DiscInformationRepr::parse(&view))?;

        let mut tracks = Vec::new();
        for number in u16::from(disc.first_track)..=disc.last_track_in_last_session {
            let bytes = data_in(
                device,
                ReadTrackInformation {
                    address: TrackAddress::Track(number.into()),
                    open: false,
                    allocation_length: 48,
                },
            )?;
            let view = parsed("READ TRACK INFORMATION", TrackInformation::new_checked(&bytes[..]))?;
            tracks.push(parsed("READ TRACK INFORMATION", TrackInformationRepr::parse(&view))?);
        }

        let bytes = data_in(device, ReadCapacity)?;
        let view = parsed("READ CAPACITY", ReadCapacityData::new_checked(&bytes[..]))?;
        let capacity = parsed("READ CAPACITY", ReadCapacityRepr::parse(&view))?;

        let format_capacities = match data_in(device, ReadFormatCapacities { allocation_length: 252 }) {
            Ok(bytes) => {
                let view = parsed("READ FORMAT CAPACITIES", FormatCapacities::new_checked(&bytes[..]))?;
                Some(parsed("READ FORMAT CAPACITIES", FormatCapacitiesRepr::parse(&view))?)
            }
            Err(CommandError::Check { .. }) => None,
            Err(other) => return Err(other),
        };
        Ok(MediaProbe {
            current_profile,
            disc,
            tracks,
            capacity,
            format_capacities,
        })
    }

    /// Blocks READ CAPACITY reports. A disc without a complete track answers 0 (mmc.md §7), which
    /// would otherwise read as one block.
    pub fn readable_blocks(&self) -> u32 {
        let complete = self
            .tracks
            .iter()
            .any(|t| !t.blank && t.next_writable_address.is_none());
        if self.capacity.last_lba == 0 && !complete {
            0
        } else {
            self.capacity.last_lba + 1
        }
    }
}
