//! A medium described from what the drive answers (a `MediaProbe`), for `burnbench media info`
//! as a table or `--json`.

use super::probe::MediaProbe;
use crate::media::Profile;
use crate::mmc::disc_information::{DiscStatus, SessionState};
use crate::mmc::format_capacities::CurrentCapacityType;
use crate::mmc::msf::Msf;
use serde::Serialize;

/// One track as READ TRACK INFORMATION describes it.
#[derive(Debug, Clone, Serialize)]
pub struct TrackSummary {
    pub number: u16,
    pub session: u16,
    pub start: u32,
    pub size_blocks: u32,
    /// invisible, blank, incomplete, complete or damaged.
    pub state: &'static str,
    pub reserved: bool,
    pub next_writable_address: Option<i32>,
    pub free_blocks: u32,
    pub last_recorded_address: Option<u32>,
}

/// One formattable capacity descriptor.
#[derive(Debug, Clone, Serialize)]
pub struct FormatSummary {
    pub format_type: u8,
    pub subtype: u8,
    pub blocks: u32,
    pub parameter: u32,
}

/// Everything `media info` shows about one medium.
#[derive(Debug, Clone, Serialize)]
pub struct MediaSummary {
    pub path: String,
    /// Profile id as on the command line (`dvd+rw`), or `none`.
    pub profile: String,
    pub profile_name: String,
    /// MMC profile number, e.g. `001Bh`.
    pub profile_code: String,
    /// Blank, Appendable, Finalized or RandomAccess (READ DISC INFORMATION disc status).
    pub status: &'static str,
    pub last_session_state: &'static str,
    pub erasable: bool,
    pub sessions: u16,
    pub first_track_in_last_session: u16,
    pub last_track_in_last_session: u16,
    /// DVD+RW background format status 0–3.
    pub background_format_status: u8,
    /// Blocks of the medium: the current/maximum capacity of READ FORMAT CAPACITIES, else the
    /// last possible lead-out.
    pub capacity_blocks: u32,
    /// unformatted, formatted or none (READ FORMAT CAPACITIES current descriptor type).
    pub format: &'static str,
    pub format_descriptors: Vec<FormatSummary>,
    /// What READ CAPACITY reports (0 on blank media).
    pub readable_blocks: u32,
    /// Free blocks of the tracks that have a next writable address.
    pub free_blocks: u32,
    /// Sectors the media image holds (not an MMC value: absent for a real drive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written_sectors: Option<u64>,
    pub tracks: Vec<TrackSummary>,
}

impl MediaSummary {
    /// The disc status as people read it (MMC's name in parentheses where ours differs).
    pub fn status_label(&self) -> &'static str {
        match self.status {
            "Finalized" => "finalized (complete)",
            "RandomAccess" => "random access (others)",
            "Appendable" => "appendable",
            _ => "blank",
        }
    }

    pub fn from_probe(path: &str, probe: &MediaProbe, written_sectors: Option<u64>) -> MediaSummary {
        let profile = Profile::from_code(probe.current_profile);
        let disc = &probe.disc;
        let cd = profile.is_some_and(|p| p.class() == crate::media::MediaClass::Cd);
        let lead_out = match disc.last_possible_lead_out {
            0xFFFF_FFFF => None,
            raw if cd => Some(Msf::from_packed(raw).to_lba().max(0) as u32),
            raw => Some(raw),
        };
        let current = probe.format_capacities.as_ref().map(|f| f.current);
        let capacity_blocks = match current {
            Some(c) if c.kind != CurrentCapacityType::NoMedium => c.blocks,
            _ => lead_out.unwrap_or(probe.readable_blocks()),
        };
        let tracks: Vec<TrackSummary> = probe
            .tracks
            .iter()
            .map(|t| TrackSummary {
                number: t.track_number,
                session: t.session_number,
                start: t.track_start,
                size_blocks: t.track_size,
                state: match (t.damage, t.blank, t.reserved_track, t.next_writable_address) {
                    (true, ..) => "damaged",
                    (false, true, false, _) => "invisible",
                    (false, true, true, _) => "blank",
                    (false, false, _, Some(_)) => "incomplete",
                    (false, false, _, None) => "complete",
                },
                reserved: t.reserved_track,
                next_writable_address: t.next_writable_address,
                free_blocks: t.free_blocks,
                last_recorded_address: t.last_recorded_address,
            })
            .collect();
        MediaSummary {
            path: path.to_string(),
            profile: profile.map_or("none".into(), |p| p.id().to_string()),
            profile_name: profile.map_or("no medium".into(), |p| p.name().to_string()),
            profile_code: format!("{:04X}h", probe.current_profile),
            status: match disc.disc_status {
                DiscStatus::Empty => "Blank",
                DiscStatus::Incomplete => "Appendable",
                DiscStatus::Finalized => "Finalized",
                DiscStatus::Other => "RandomAccess",
            },
            last_session_state: match disc.last_session_state {
                SessionState::Empty => "empty",
                SessionState::Incomplete => "incomplete",
                SessionState::Damaged => "damaged",
                SessionState::Complete => "complete",
            },
            erasable: disc.erasable,
            sessions: disc.sessions,
            first_track_in_last_session: disc.first_track_in_last_session,
            last_track_in_last_session: disc.last_track_in_last_session,
            background_format_status: disc.background_format as u8,
            capacity_blocks,
            format: match current.map(|c| c.kind) {
                Some(CurrentCapacityType::Formatted) => "formatted",
                Some(CurrentCapacityType::Unformatted) => "unformatted",
                _ => "none",
            },
            format_descriptors: probe
                .format_capacities
                .iter()
                .flat_map(|f| f.formattable.iter())
                .map(|d| FormatSummary {
                    format_type: d.format_type,
                    subtype: d.subtype,
                    blocks: d.blocks,
                    parameter: d.type_parameter,
                })
                .collect(),
            readable_blocks: probe.readable_blocks(),
            free_blocks: tracks
                .iter()
                .filter(|t| t.next_writable_address.is_some())
                .map(|t| t.free_blocks)
                .sum(),
            written_sectors,
            tracks,
        }
    }
}
