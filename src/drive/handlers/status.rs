//! What the drive reports about the medium: READ CAPACITY, READ DISC INFORMATION (standard, and
//! POW resources on a BD-R SRM+POW) and READ TRACK INFORMATION (mmc.md §1.2, §1.4), all from the
//! disc's views so that they never disagree.

use crate::drive::{Drive, Failure, Outcome, Reply, truncated};
use crate::media::{Disc, DiscStatus, MediaClass, SessionState, TrackMode, TrackView, TrackViewState};
use crate::mmc::Sense;
use crate::mmc::cdb::{DiscInformationType, ReadDiscInformation, ReadTrackInformation, TrackAddress};
use crate::mmc::disc_information::{self as di, DiscInformationRepr};
use crate::mmc::msf::Msf;
use crate::mmc::pow_resources::PowResourcesRepr;
use crate::mmc::read_capacity::ReadCapacityRepr;
use crate::mmc::track_information::{LayerJumpAddresses, TrackInformationRepr, data_mode, track_mode};
use crate::mmc::wire::CdbError;

/// FFFFFFFFh: an address that does not exist (finalized disc).
const NO_ADDRESS: u32 = 0xFFFF_FFFF;

impl Drive {
    /// READ CAPACITY: the last readable LBA; 0 on blank media (mmc.md §1.2, §7).
    pub(in crate::drive) fn read_capacity(&mut self) -> Outcome {
        let blocks = self.medium_ref()?.disc().readable_blocks();
        Ok(Reply::Bytes(ReadCapacityRepr::for_blocks(blocks).to_vec()))
    }

    pub(in crate::drive) fn read_disc_information(&mut self, command: &ReadDiscInformation) -> Outcome {
        let disc = self.medium_ref()?.disc();
        match command.data_type {
            DiscInformationType::Standard => {}
            DiscInformationType::PowResources => return pow_resources(disc, command),
            // Track resources (BD only) are not modelled.
            DiscInformationType::TrackResources => return Err(data_type_refused()),
        }
        let view = disc.view();
        let cd = disc.profile.class() == MediaClass::Cd;
        // CD addresses are MSF, others LBA (mmc.md §1.4 bytes 16–23).
        let address = |lba: i32| if cd { Msf::from_lba(lba).to_packed() } else { lba as u32 };
        let disc_type = match (cd, disc.sessions.first().and_then(|s| s.tracks.first())) {
            (true, None) => 0xFF,
            (true, Some(track)) if track.mode == TrackMode::Mode2 => 0x20,
            _ => 0x00,
        };
        let reply = DiscInformationRepr {
            erasable: view.erasable,
            last_session_state: match view.last_session_state {
                SessionState::Empty => di::SessionState::Empty,
                SessionState::Incomplete => di::SessionState::Incomplete,
                SessionState::Damaged => di::SessionState::Damaged,
                SessionState::Complete => di::SessionState::Complete,
            },
            disc_status: match view.status {
                DiscStatus::Blank => di::DiscStatus::Empty,
                DiscStatus::Appendable => di::DiscStatus::Incomplete,
                DiscStatus::Finalized => di::DiscStatus::Finalized,
                DiscStatus::RandomAccess => di::DiscStatus::Other,
            },
            first_track: 1,
            sessions: view.sessions,
            first_track_in_last_session: view.first_track_in_last_session,
            last_track_in_last_session: view.last_track_in_last_session,
            disc_id: view.disc_id,
            bar_code: None,
            application_code: None,
            unrestricted_use: false,
            dirty: false,
            background_format: match view.background_format_status {
                1 => di::BackgroundFormat::Suspended,
                2 => di::BackgroundFormat::InProgress,
                3 => di::BackgroundFormat::Completed,
                _ => di::BackgroundFormat::None,
            },
            disc_type,
            last_session_lead_in: view.last_session_lead_in.map_or(NO_ADDRESS, address),
            last_possible_lead_out: view
                .last_possible_lead_out
                .map_or(NO_ADDRESS, |lba| address(lba as i32)),
            opc_tables: Vec::new(),
        };
        Ok(truncated(reply.to_vec(), command.allocation_length.into()))
    }

    /// READ TRACK INFORMATION by LBA, track number (FFh = the invisible track on CD and DVD+R,
    /// mmc.md §1.4) or session number; a track that does not exist is 5/24/00.
    pub(in crate::drive) fn read_track_information(&mut self, command: &ReadTrackInformation) -> Outcome {
        let disc = self.medium_ref()?.disc();
        let views = disc.track_views();
        let not_found = || Failure::from(CdbError::invalid_field_in_cdb(2, None));
        let view = match command.address {
            TrackAddress::Track(0xFF) => {
                let invisible_ok = disc.profile.class() == MediaClass::Cd
                    || matches!(
                        disc.profile,
                        crate::media::Profile::DvdPlusR | crate::media::Profile::DvdPlusRDl
                    );
                if !invisible_ok {
                    return Err(not_found());
                }
                disc.track_view(0xFF).ok_or_else(not_found)?
            }
            TrackAddress::Track(number) => views
                .into_iter()
                .find(|t| u32::from(t.number) == number)
                .ok_or_else(not_found)?,
            TrackAddress::Session(session) => views
                .into_iter()
                .find(|t| u32::from(t.session) == session)
                .ok_or_else(not_found)?,
            TrackAddress::Lba(lba) => views
                .into_iter()
                .find(|t| lba >= t.start && (t.state == TrackViewState::Invisible || lba < t.start + t.size_blocks))
                .ok_or_else(not_found)?,
        };
        Ok(truncated(
            track_information(&view, disc.profile.class()).to_vec(),
            command.allocation_length.into(),
        ))
    }
}

/// POW Resources Information (data type 010b): on a BD-R formatted SRM+POW only; any other
/// medium refuses the data type as the standard-only drive did (5/24/00 at byte 1 bit 2).
fn pow_resources(disc: &Disc, command: &ReadDiscInformation) -> Outcome {
    let resources = disc.pow_resources().ok_or_else(data_type_refused)?;
    let reply = PowResourcesRepr {
        remaining_replacements: resources.remaining_replacements,
        remaining_map_entries: resources.remaining_map_entries,
        remaining_updates: resources.remaining_updates,
    };
    Ok(truncated(reply.to_vec(), command.allocation_length.into()))
}

/// A data type the medium has no reply for: 5/24/00 pointing at the data type field.
fn data_type_refused() -> Failure {
    CdbError::new(
        Sense::INVALID_FIELD_IN_CDB,
        Some(ReadDiscInformation::DATA_TYPE_POINTER),
    )
    .into()
}

/// The READ TRACK INFORMATION reply for one track view (48-byte MMC-5 form).
pub(crate) fn track_information(view: &TrackView, class: MediaClass) -> TrackInformationRepr {
    let blank = view.is_blank();
    TrackInformationRepr {
        track_number: view.number,
        session_number: view.session,
        layer_jump_recording_status: 0,
        damage: view.state == TrackViewState::Damaged,
        copy: false,
        track_mode: match view.mode {
            TrackMode::Audio => track_mode::AUDIO,
            _ if view.incremental => track_mode::DATA_INCREMENTAL,
            _ => track_mode::DATA_UNINTERRUPTED,
        },
        reserved_track: view.reserved,
        blank,
        packet_incremental: view.incremental,
        fixed_packet: view.packet_blocks > 0 && class != MediaClass::Cd,
        data_mode: match view.mode {
            _ if blank => data_mode::UNKNOWN,
            TrackMode::Mode2 => data_mode::MODE_2,
            _ => data_mode::MODE_1,
        },
        track_start: view.start,
        next_writable_address: view.next_writable_address.map(|a| a as i32),
        free_blocks: view.free_blocks,
        fixed_packet_size: view.packet_blocks,
        track_size: view.size_blocks,
        last_recorded_address: view.last_recorded_address,
        layer_jump: Some(LayerJumpAddresses::default()),
    }
}
