//! The disc as a plain value: sessions, tracks, disc status and format state.
//!
//! `Disc` owns every rule of how a medium may change (rustls-style: one place per rule). Each rule
//! is a method that either applies the change and says what the drive must do to its sector store
//! (pad, forget), or refuses with the exact MMC sense and leaves the disc untouched. The drive asks
//! the disc; it never re-implements a rule.
//!
//! Rules live in the sub-modules: [`write`](self::write) (WRITE, RESERVE TRACK, SYNCHRONIZE CACHE),
//! [`close`](self::close) (CLOSE TRACK/SESSION), [`erase`](self::erase) (BLANK, FORMAT UNIT) and
//! [`pseudo_overwrite`](self::pseudo_overwrite) (BD-R SRM+POW: writes to recorded clusters);
//! [`layers`](self::layers) holds the DVD+R DL layer boundary (READ/SEND DVD STRUCTURE 20h).
//! This file holds the types and the read-only views (what READ DISC/TRACK INFORMATION report).

mod close;
mod erase;
mod invariants;
mod layers;
mod pseudo_overwrite;
mod view;
mod write;

pub use erase::FormatRequest;
pub use invariants::Impossible;
pub use layers::LayerBoundary;
pub use pseudo_overwrite::PowResources;
pub use view::{DiscView, SessionState, TrackView, TrackViewState};
pub use write::{DataMode, WriteMode, WriteParameters};

use crate::media::profile::{CdLength, Family, Profile, ProfileFacts};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Bytes of user data in one logical block on every medium we model.
pub const BLOCK_BYTES: usize = 2048;

/// Disc status as READ DISC INFORMATION byte 2 bits 1–0 report it (mmc.md §1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DiscStatus {
    /// 00b: empty.
    Blank = 0,
    /// 01b: incomplete — more can be recorded.
    Appendable = 1,
    /// 10b: finalized / complete.
    Finalized = 2,
    /// 11b: "others" — random-access media (DVD-RAM, BD-RE).
    RandomAccess = 3,
}

impl DiscStatus {
    /// How `media info` and reports name it (MMC's name in parentheses where ours differs).
    pub fn label(self) -> &'static str {
        match self {
            DiscStatus::Blank => "blank",
            DiscStatus::Appendable => "appendable",
            DiscStatus::Finalized => "finalized (complete)",
            DiscStatus::RandomAccess => "random access (others)",
        }
    }
}

/// The recording state of a track that exists on the disc (the invisible track is derived, see
/// [`TrackView`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TrackState {
    /// Reserved by RESERVE TRACK, nothing written yet.
    Blank,
    /// Partially written, still open.
    Incomplete,
    /// Closed.
    Complete,
    /// A write failed inside it (fault injection); no further writes until it is closed.
    Damaged,
}

/// What the track holds (READ TRACK INFORMATION track mode / data mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum TrackMode {
    /// Mode 1 data, 2048-byte user blocks (every DVD and BD track).
    #[default]
    Mode1,
    /// CD Mode 2 (XA) data.
    Mode2,
    /// CD-DA audio.
    Audio,
}

/// One track (CD track, DVD-R RZone, DVD+R fragment, BD-R track).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Track {
    pub number: u16,
    /// First LBA of the track's user data.
    pub start: u32,
    /// Blocks the track occupies, including CD run-out blocks once closed. For a reserved track,
    /// its reserved size; for an open unreserved track, what has been written so far.
    pub size_blocks: u32,
    /// Blocks recorded from `start` on (next writable address = start + recorded).
    pub recorded_blocks: u32,
    /// Size given to RESERVE TRACK, if the track was reserved.
    pub reserved_blocks: Option<u32>,
    pub state: TrackState,
    pub mode: TrackMode,
}

/// One session (CD session, DVD-R border, DVD+R session, BD-R session).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub number: u16,
    pub tracks: Vec<Track>,
    pub closed: bool,
}

/// DVD+RW background format status (READ DISC INFORMATION byte 7 bits 1–0, mmc.md §1.4, §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BackgroundFormat {
    /// Not a background-formatted medium (everything but DVD+RW), or the format ran in the foreground.
    NotApplicable,
    /// 1: started, then suspended (CLOSE 000b or eject); restart with the Restart bit.
    Suspended { progress: u16 },
    /// 2: in progress; `progress` is 0…65535 as in sense bytes 16–17.
    InProgress { progress: u16 },
    /// 3: completed.
    Completed,
}

/// Whether the medium is formatted, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FormatState {
    /// Never formatted (or media that is not formatted at all: CD-R, DVD±R, ROMs).
    Unformatted,
    Formatted {
        /// Size of the formatted user area.
        blocks: u32,
        format_type: u8,
        subtype: u8,
        background: BackgroundFormat,
        /// DVD-RW restricted overwrite after a quick (15h) format, until CLOSE 010b.
        intermediate: bool,
        /// BD-R formatted SRM+POW (FORMAT UNIT 00h/32h subtype 00b): writes to recorded clusters
        /// are pseudo-overwrites. `None` on every other format, BD-R SRM−POW included. Absent from
        /// the manifest when `None` (media image layout 1); present only in layout 2
        /// (docs/media-image.md).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pseudo_overwrite: Option<PseudoOverwrite>,
    },
}

/// The Pseudo-OverWrite state of a BD-R formatted SRM+POW (mmc.md §2.2, real-drives.md §6): the
/// drive takes a write to a recorded cluster, records the data in a replacement cluster from the
/// spare area and maps the cluster there, so a read returns the new data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PseudoOverwrite {
    /// Replacement clusters used so far, one per cluster a pseudo-overwrite touched.
    pub replaced_clusters: u32,
}

/// The whole medium.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disc {
    pub profile: Profile,
    /// Nominal length of a CD-R/CD-RW (decides the ATIP lead-out).
    #[serde(default)]
    pub cd_length: Option<CdLength>,
    /// Blocks of the recordable area (sequential), the pressed data (read-only) or the physical
    /// user area before formatting (overwritable).
    pub capacity_blocks: u32,
    pub sessions: Vec<Session>,
    /// No further session can be added.
    pub finalized: bool,
    pub format: FormatState,
    /// DVD-RW after a minimal blank accepts only DAO recording until a full blank (mmc.md §1.5).
    #[serde(default)]
    pub incremental_disabled: bool,
    /// Disc identification (READ DISC INFORMATION bytes 12–15, DID_V).
    #[serde(default)]
    pub disc_id: Option<u32>,
    /// DVD+R DL: the L0 data zone capacity the host set with SEND DVD STRUCTURE 20h; until then
    /// the profile's (see [`Disc::layer_boundary`]). Absent from the manifest while unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer0_blocks_set: Option<u32>,
}

/// What the drive must do to its sector store after a rule succeeded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoreEffect {
    /// Blocks the drive records as zeros (ECC-block fill, reserved-track padding, CD 4 s minimum).
    pub pad: Option<Range<u32>>,
    /// Blocks that become unwritten (blank, format).
    pub forget: Option<Range<u32>>,
}

impl StoreEffect {
    pub const NONE: StoreEffect = StoreEffect {
        pad: None,
        forget: None,
    };

    fn pad(range: Range<u32>) -> StoreEffect {
        StoreEffect {
            pad: (!range.is_empty()).then_some(range),
            forget: None,
        }
    }

    fn forget(range: Range<u32>) -> StoreEffect {
        StoreEffect {
            pad: None,
            forget: (!range.is_empty()).then_some(range),
        }
    }
}

impl Disc {
    /// A new, blank medium of a recordable profile as it comes out of the box: sequential media
    /// blank, DVD+RW and BD-RE unformatted, DVD-RAM formatted (it is sold formatted), CDs 80 min.
    ///
    /// Read-only profiles have no blank state: use [`Disc::pressed`]. BLANK is [`Disc::blank`].
    pub fn new(profile: Profile) -> Disc {
        Disc::new_cd(profile, CdLength::Min80)
    }

    /// Like [`Disc::new`] with an explicit CD length (ignored for DVD and BD).
    pub fn new_cd(profile: Profile, length: CdLength) -> Disc {
        let facts = profile.facts();
        let is_cd = facts.recordable_blocks == 0 && facts.family == Family::Sequential;
        // Overwritable media: the physical user area, the largest format it takes or its legacy
        // lead-out (BD-RE and BD-R RRM 12219392 without spares).
        let largest_format = facts.format_descriptors.iter().map(|d| d.blocks).max().unwrap_or(0);
        let physical = match facts.family {
            Family::Overwritable => largest_format.max(facts.lead_out_blocks),
            _ => largest_format,
        };
        let capacity_blocks = if is_cd {
            length.lead_out_lba()
        } else {
            facts.recordable_blocks.max(physical)
        };
        let mut disc = Disc {
            profile,
            cd_length: is_cd.then_some(length),
            capacity_blocks,
            sessions: Vec::new(),
            finalized: false,
            format: FormatState::Unformatted,
            incremental_disabled: false,
            disc_id: None,
            layer0_blocks_set: None,
        };
        // DVD-RAM is sold formatted (mmc.md §7); restricted-overwrite DVD-RW and RRM BD-R exist only
        // as the result of a format.
        if matches!(
            profile,
            Profile::DvdRam | Profile::DvdRwRestrictedOverwrite | Profile::BdRRrm
        ) {
            disc.format = disc.formatted_state(0x00, 0, facts.recordable_blocks);
        }
        disc
    }

    /// A pressed (read-only) or closed single-session disc holding `blocks` blocks of data from
    /// LBA 0: how a plain `.iso` loads. Recordable profiles get one complete session and are
    /// finalized unless `appendable`; overwritable profiles get formatted with the data in place.
    pub fn pressed(profile: Profile, blocks: u32, appendable: bool) -> Disc {
        let facts = profile.facts();
        match facts.family {
            Family::ReadOnly => Disc {
                profile,
                cd_length: None,
                capacity_blocks: blocks,
                sessions: vec![Session {
                    number: 1,
                    tracks: vec![Track::complete(1, 0, blocks)],
                    closed: true,
                }],
                finalized: true,
                format: FormatState::Unformatted,
                incremental_disabled: false,
                disc_id: None,
                layer0_blocks_set: None,
            },
            Family::Sequential => {
                let mut disc = Disc::new(profile);
                let size = disc.closed_track_size(blocks);
                disc.sessions.push(Session {
                    number: 1,
                    tracks: vec![Track::complete(1, 0, size)],
                    closed: true,
                });
                disc.finalized = !appendable || facts.max_sessions == Some(1);
                disc
            }
            Family::Overwritable => {
                let mut disc = Disc::new(profile);
                if disc.format == FormatState::Unformatted {
                    let default = facts.format_descriptors.first().map(|d| (d.format_type, d.blocks));
                    let (format_type, fmt_blocks) = default.unwrap_or((0, facts.recordable_blocks));
                    disc.format = disc.formatted_state(format_type, 0, fmt_blocks);
                }
                if let FormatState::Formatted { background, .. } = &mut disc.format
                    && profile == Profile::DvdPlusRw
                {
                    *background = BackgroundFormat::Completed;
                }
                disc
            }
        }
    }

    pub fn facts(&self) -> &'static ProfileFacts {
        self.profile.facts()
    }

    /// Formatted user area, if the medium is formatted.
    pub fn formatted_blocks(&self) -> Option<u32> {
        match self.format {
            FormatState::Formatted { blocks, .. } => Some(blocks),
            FormatState::Unformatted => None,
        }
    }

    /// Where the user area ends for writes: the formatted size on formatted media (BD-R with spares
    /// included), the recordable capacity otherwise.
    pub fn user_area_blocks(&self) -> u32 {
        self.formatted_blocks().unwrap_or(self.capacity_blocks)
    }

    /// Disc status as READ DISC INFORMATION reports it.
    pub fn status(&self) -> DiscStatus {
        match self.facts().family {
            Family::ReadOnly => DiscStatus::Finalized,
            Family::Overwritable => match self.format {
                FormatState::Unformatted => DiscStatus::Blank,
                FormatState::Formatted { .. } => self.facts().formatted_disc_status,
            },
            Family::Sequential if self.finalized => DiscStatus::Finalized,
            // A formatted, unwritten BD-R reports "appendable, 1 empty session" (mmc.md §2.2).
            Family::Sequential if self.sessions.is_empty() && self.formatted_blocks().is_none() => DiscStatus::Blank,
            Family::Sequential => DiscStatus::Appendable,
        }
    }

    /// Every track on the disc, in order.
    pub fn tracks(&self) -> impl Iterator<Item = (&Session, &Track)> {
        self.sessions.iter().flat_map(|s| s.tracks.iter().map(move |t| (s, t)))
    }

    pub fn track_count(&self) -> u16 {
        self.sessions.iter().map(|s| s.tracks.len() as u16).sum()
    }

    fn last_track(&self) -> Option<&Track> {
        self.sessions.last().and_then(|s| s.tracks.last())
    }

    fn open_session(&self) -> Option<&Session> {
        self.sessions.last().filter(|s| !s.closed)
    }

    fn closed_session_count(&self) -> usize {
        self.sessions.iter().filter(|s| s.closed).count()
    }

    /// The last track is open at its end (written, not reserved, not closed): it *is* the
    /// invisible/incomplete track, and no other track can start after it yet.
    fn open_ended_track(&self) -> Option<&Track> {
        self.last_track().filter(|t| t.is_open_ended())
    }

    /// First LBA after the last track, plus the gap the drive leaves before the next track:
    /// a CD TAO pre-gap inside a session, lead-out + lead-in (+ pre-gap) after a closed session.
    fn next_track_start(&self) -> u32 {
        let facts = self.facts();
        let Some(last) = self.last_track() else { return 0 };
        let gap = if self.open_session().is_some() {
            facts.track_gap_blocks
        } else if self.closed_session_count() == 1 {
            facts.session_gap_first_blocks
        } else {
            facts.session_gap_later_blocks
        };
        last.end().saturating_add(gap)
    }

    /// The last block a track may record into (exclusive): the user area minus room for the CD
    /// run-out that closing will add.
    fn recordable_end(&self) -> u32 {
        self.user_area_blocks().saturating_sub(self.facts().run_out_blocks)
    }

    /// Start of the invisible track, if the disc has one: sequential, not finalized, the last
    /// track closed or reserved, the track limit not reached, and room left on the disc.
    pub fn invisible_track_start(&self) -> Option<u32> {
        let facts = self.facts();
        if facts.family != Family::Sequential || self.finalized || self.open_ended_track().is_some() {
            return None;
        }
        if facts.max_tracks.is_some_and(|max| self.track_count() >= max) {
            return None;
        }
        // No room left for another track: there is no invisible track (and no NWA).
        Some(self.next_track_start()).filter(|start| *start < self.recordable_end())
    }

    /// Size of a track closed after `recorded` blocks: rounded up to the write unit, padded to the
    /// CD 4-second minimum, plus CD run-out.
    fn closed_track_size(&self, recorded: u32) -> u32 {
        let facts = self.facts();
        let data = round_up(recorded.max(facts.min_track_blocks), facts.write_granularity_blocks);
        data + facts.run_out_blocks
    }

    fn formatted_state(&self, format_type: u8, subtype: u8, blocks: u32) -> FormatState {
        FormatState::Formatted {
            blocks,
            format_type,
            subtype,
            background: BackgroundFormat::NotApplicable,
            intermediate: false,
            pseudo_overwrite: None,
        }
    }

    /// Number the next new track gets.
    fn next_track_number(&self) -> u16 {
        self.track_count() + 1
    }

    /// Number of the session a new track goes into.
    fn session_number_for_new_track(&self) -> u16 {
        match self.open_session() {
            Some(s) => s.number,
            None => self.sessions.len() as u16 + 1,
        }
    }

    fn track_mut(&mut self, number: u16) -> Option<&mut Track> {
        self.sessions
            .iter_mut()
            .flat_map(|s| s.tracks.iter_mut())
            .find(|t| t.number == number)
    }
}

impl Track {
    fn complete(number: u16, start: u32, size_blocks: u32) -> Track {
        Track {
            number,
            start,
            size_blocks,
            recorded_blocks: size_blocks,
            reserved_blocks: None,
            state: TrackState::Complete,
            mode: TrackMode::Mode1,
        }
    }

    /// First LBA after the track.
    pub fn end(&self) -> u32 {
        self.start + self.size_blocks
    }

    /// Next writable address, if the track accepts writes (a reserved track that is full does not).
    pub fn next_writable_address(&self) -> Option<u32> {
        let full = self.reserved_blocks.is_some_and(|r| self.recorded_blocks >= r);
        match self.state {
            TrackState::Blank | TrackState::Incomplete if !full => Some(self.start + self.recorded_blocks),
            _ => None,
        }
    }

    /// Written but neither reserved nor closed: its end is not fixed yet (a damaged one included).
    fn is_open_ended(&self) -> bool {
        matches!(self.state, TrackState::Incomplete | TrackState::Damaged) && self.reserved_blocks.is_none()
    }

    fn is_open(&self) -> bool {
        matches!(
            self.state,
            TrackState::Blank | TrackState::Incomplete | TrackState::Damaged
        )
    }
}

/// Round `value` up to a multiple of `unit` (unit ≥ 1), saturating at `u32::MAX`.
pub(crate) fn round_up(value: u32, unit: u32) -> u32 {
    value.div_ceil(unit).saturating_mul(unit)
}

#[cfg(test)]
mod tests;
