//! What holds of every disc the rules can make — checked where a disc comes from outside the rules
//! (a media-image manifest, a plain ISO's pressed layout), so an impossible disc is refused with
//! the broken invariant named instead of being served (issue 14 item 8).
//!
//! Only shape is checked here, not history: the gaps a drive leaves between tracks and sessions
//! are the write rules' business (a forged gap gives a strange but servable disc), while a track
//! past the disc's end, overlapping tracks, or an open session on a finalized disc would make every
//! reply after them a lie. `tests/disc_properties.rs` checks that no sequence of rules ever leaves
//! a disc that fails [`Disc::check_invariants`], so the two cannot drift apart.

use super::{BackgroundFormat, Disc, FormatState, TrackMode, TrackState};
use crate::media::profile::{CdLength, Family, MediaClass, Profile};

/// Profiles a medium takes only by formatting another (erase.rs): the formats, and the capacity,
/// it may carry are also those of the profile it was formatted from.
const FORMATTED_FROM: &[(Profile, Profile)] = &[
    (Profile::BdRRrm, Profile::BdRSrm),
    (Profile::DvdRwRestrictedOverwrite, Profile::DvdRwSequential),
];

/// The profile itself, and the one it was formatted from if it exists only by formatting.
fn same_medium(profile: Profile) -> impl Iterator<Item = Profile> {
    let origin = FORMATTED_FROM
        .iter()
        .find(|(p, _)| *p == profile)
        .map(|(_, from)| *from);
    std::iter::once(profile).chain(origin)
}

/// A broken invariant: a disc no sequence of MMC commands can produce.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Impossible {
    #[error("capacity is {found} blocks, but a {profile} holds {expected}")]
    Capacity {
        profile: Profile,
        found: u32,
        expected: u32,
    },
    #[error("capacity is 0 blocks")]
    NoCapacity,
    #[error("a {profile} {has} a CD length")]
    CdLength { profile: Profile, has: &'static str },
    #[error("session {index} is numbered {found}")]
    SessionNumber { index: usize, found: u16 },
    #[error("session {session} has no track")]
    EmptySession { session: u16 },
    #[error("session {session} is open but is not the last one")]
    OpenSessionNotLast { session: u16 },
    #[error("session {session} is closed but its track {track} is {state:?}")]
    OpenTrackInClosedSession {
        session: u16,
        track: u16,
        state: TrackState,
    },
    #[error("the track in position {position} is numbered {found}")]
    TrackNumber { position: usize, found: u16 },
    #[error("track {track} starts at LBA {start}, inside track {previous} (which ends at LBA {previous_end})")]
    Overlap {
        track: u16,
        start: u32,
        previous: u16,
        previous_end: u32,
    },
    #[error("track {track} ends at LBA {end}, past the end of the disc's user area ({limit} blocks)")]
    PastTheEnd { track: u16, end: u64, limit: u32 },
    #[error("track {track} records {recorded} blocks but is {size} blocks long")]
    RecordedPastSize { track: u16, recorded: u32, size: u32 },
    #[error("track {track} is reserved for {reserved} blocks but is {size} blocks long (expected {expected})")]
    ReservedSize {
        track: u16,
        reserved: u32,
        size: u32,
        expected: u32,
    },
    #[error(
        "track {track} is open and unreserved, so it is as long as it is recorded, yet size {size} ≠ recorded {recorded}"
    )]
    OpenSize { track: u16, size: u32, recorded: u32 },
    #[error("track {track} is open after its end but is not the last track")]
    OpenEndedNotLast { track: u16 },
    #[error("track {track} is {mode:?}, which only CDs record")]
    TrackMode { track: u16, mode: TrackMode },
    #[error("{found} tracks, more than a {profile} holds ({max})")]
    TooManyTracks { profile: Profile, found: usize, max: u16 },
    #[error("{found} sessions, more than a {profile} holds ({max})")]
    TooManySessions { profile: Profile, found: usize, max: u16 },
    #[error("finalized, but {why}")]
    Finalized { why: &'static str },
    #[error("a read-only {profile} {why}")]
    ReadOnly { profile: Profile, why: &'static str },
    #[error("a {profile} has sessions, but it is recorded without sessions (random access)")]
    SessionsOnRandomAccess { profile: Profile },
    #[error("a {profile} is formatted, but it takes no format")]
    FormattedUnformattable { profile: Profile },
    #[error("a {profile} exists only formatted, but it is not")]
    UnformattedFormatOnly { profile: Profile },
    #[error("formatted to {blocks} blocks, but the disc holds {capacity}")]
    FormattedSize { blocks: u32, capacity: u32 },
    #[error("formatted with type {format_type:02X}h, which a {profile} does not list")]
    FormatType { profile: Profile, format_type: u8 },
    #[error("a {profile} {what}, which only a {only} has")]
    NotThisProfile {
        profile: Profile,
        what: &'static str,
        only: &'static str,
    },
    #[error("{replaced} pseudo-overwrite clusters replaced, more than the {spare} spare clusters of the format")]
    PseudoOverwriteSpares { replaced: u32, spare: u32 },
    #[error("layer 0 set to {blocks} blocks, outside 1..={most} or not a whole ECC block")]
    LayerBoundary { blocks: u32, most: u32 },
}

impl Disc {
    /// Check every invariant of the disc model; the first broken one is the error.
    pub fn check_invariants(&self) -> Result<(), Impossible> {
        self.check_capacity()?;
        self.check_layout()?;
        self.check_format()?;
        self.check_profile_extras()
    }

    fn check_capacity(&self) -> Result<(), Impossible> {
        let facts = self.facts();
        if self.capacity_blocks == 0 {
            return Err(Impossible::NoCapacity);
        }
        let is_recordable_cd = facts.class == MediaClass::Cd && facts.family == Family::Sequential;
        match (is_recordable_cd, self.cd_length.is_some()) {
            (true, false) => {
                return Err(Impossible::CdLength {
                    profile: self.profile,
                    has: "has no",
                });
            }
            (false, true) => {
                return Err(Impossible::CdLength {
                    profile: self.profile,
                    has: "has",
                });
            }
            _ => {}
        }
        if facts.family == Family::ReadOnly {
            return Ok(()); // pressed: as long as its data
        }
        // A recordable disc holds what it held out of the box, or twice the layer-0 capacity the
        // host set (layers.rs).
        let length = self.cd_length.unwrap_or(CdLength::Min80);
        let fresh = |profile| Disc::new_cd(profile, length).capacity_blocks;
        let expected = self
            .layer0_blocks_set
            .map_or(fresh(self.profile), Disc::capacity_for_layer0);
        let formatted_from = same_medium(self.profile).any(|p| fresh(p) == self.capacity_blocks);
        if self.capacity_blocks != expected && (self.layer0_blocks_set.is_some() || !formatted_from) {
            return Err(Impossible::Capacity {
                profile: self.profile,
                found: self.capacity_blocks,
                expected,
            });
        }
        Ok(())
    }

    fn check_layout(&self) -> Result<(), Impossible> {
        let facts = self.facts();
        if facts.family == Family::Overwritable && !self.sessions.is_empty() {
            return Err(Impossible::SessionsOnRandomAccess { profile: self.profile });
        }
        let last_session = self.sessions.len();
        let mut position = 0usize;
        let mut previous: Option<(u16, u32)> = None;
        let limit = self.user_area_blocks().max(self.capacity_blocks);
        for (index, session) in self.sessions.iter().enumerate() {
            if usize::from(session.number) != index + 1 {
                return Err(Impossible::SessionNumber {
                    index: index + 1,
                    found: session.number,
                });
            }
            if session.tracks.is_empty() {
                return Err(Impossible::EmptySession {
                    session: session.number,
                });
            }
            if !session.closed && index + 1 != last_session {
                return Err(Impossible::OpenSessionNotLast {
                    session: session.number,
                });
            }
            for track in &session.tracks {
                position += 1;
                if usize::from(track.number) != position {
                    return Err(Impossible::TrackNumber {
                        position,
                        found: track.number,
                    });
                }
                if session.closed && track.state != TrackState::Complete {
                    return Err(Impossible::OpenTrackInClosedSession {
                        session: session.number,
                        track: track.number,
                        state: track.state,
                    });
                }
                if let Some((number, end)) = previous
                    && track.start < end
                {
                    return Err(Impossible::Overlap {
                        track: track.number,
                        start: track.start,
                        previous: number,
                        previous_end: end,
                    });
                }
                let end = u64::from(track.start) + u64::from(track.size_blocks);
                if end > u64::from(limit) {
                    return Err(Impossible::PastTheEnd {
                        track: track.number,
                        end,
                        limit,
                    });
                }
                self.check_track_sizes(track)?;
                if track.is_open_ended() && position != usize::from(self.track_count()) {
                    return Err(Impossible::OpenEndedNotLast { track: track.number });
                }
                if track.mode != TrackMode::Mode1 && facts.class != MediaClass::Cd {
                    return Err(Impossible::TrackMode {
                        track: track.number,
                        mode: track.mode,
                    });
                }
                previous = Some((track.number, end as u32));
            }
        }
        if let Some(max) = facts.max_tracks.filter(|&max| position > usize::from(max)) {
            return Err(Impossible::TooManyTracks {
                profile: self.profile,
                found: position,
                max,
            });
        }
        if let Some(max) = facts.max_sessions.filter(|&max| last_session > usize::from(max)) {
            return Err(Impossible::TooManySessions {
                profile: self.profile,
                found: last_session,
                max,
            });
        }
        self.check_finalized()
    }

    fn check_track_sizes(&self, track: &super::Track) -> Result<(), Impossible> {
        if track.recorded_blocks > track.size_blocks {
            return Err(Impossible::RecordedPastSize {
                track: track.number,
                recorded: track.recorded_blocks,
                size: track.size_blocks,
            });
        }
        match track.reserved_blocks {
            Some(reserved) => {
                // RESERVE TRACK: the reserved data plus the CD run-out (write.rs).
                let expected = reserved.saturating_add(self.facts().run_out_blocks);
                if track.size_blocks != expected || track.recorded_blocks > reserved {
                    return Err(Impossible::ReservedSize {
                        track: track.number,
                        reserved,
                        size: track.size_blocks,
                        expected,
                    });
                }
            }
            None if track.is_open() && track.size_blocks != track.recorded_blocks => {
                return Err(Impossible::OpenSize {
                    track: track.number,
                    size: track.size_blocks,
                    recorded: track.recorded_blocks,
                });
            }
            None => {}
        }
        Ok(())
    }

    fn check_finalized(&self) -> Result<(), Impossible> {
        let family = self.facts().family;
        if family == Family::ReadOnly {
            if !self.finalized {
                return Err(Impossible::ReadOnly {
                    profile: self.profile,
                    why: "is not finalized",
                });
            }
            if self.sessions.is_empty() {
                return Err(Impossible::ReadOnly {
                    profile: self.profile,
                    why: "holds no session",
                });
            }
        }
        if !self.finalized {
            return Ok(());
        }
        if family == Family::Overwritable {
            return Err(Impossible::Finalized {
                why: "random-access media are never finalized",
            });
        }
        if self.sessions.is_empty() {
            return Err(Impossible::Finalized {
                why: "it holds no session",
            });
        }
        if self.open_session().is_some() {
            return Err(Impossible::Finalized {
                why: "its last session is open",
            });
        }
        Ok(())
    }

    fn check_format(&self) -> Result<(), Impossible> {
        let FormatState::Formatted {
            blocks,
            format_type,
            background,
            intermediate,
            pseudo_overwrite,
            ..
        } = self.format
        else {
            if matches!(
                self.profile,
                Profile::DvdRam | Profile::DvdRwRestrictedOverwrite | Profile::BdRRrm
            ) {
                return Err(Impossible::UnformattedFormatOnly { profile: self.profile });
            }
            return Ok(());
        };
        let listed = || same_medium(self.profile).flat_map(|p| p.facts().format_descriptors);
        if listed().next().is_none() {
            return Err(Impossible::FormattedUnformattable { profile: self.profile });
        }
        if !listed().any(|d| d.format_type == format_type) {
            return Err(Impossible::FormatType {
                profile: self.profile,
                format_type,
            });
        }
        if blocks == 0 || blocks > self.capacity_blocks {
            return Err(Impossible::FormattedSize {
                blocks,
                capacity: self.capacity_blocks,
            });
        }
        let only = |profile: Profile, what: &'static str, only: &'static str| {
            (self.profile != profile).then_some(Impossible::NotThisProfile {
                profile: self.profile,
                what,
                only,
            })
        };
        if background != BackgroundFormat::NotApplicable
            && let Some(error) = only(Profile::DvdPlusRw, "has a background format", "DVD+RW")
        {
            return Err(error);
        }
        if intermediate
            && let Some(error) = only(
                Profile::DvdRwRestrictedOverwrite,
                "is in the intermediate (quick-formatted) state",
                "DVD-RW restricted overwrite",
            )
        {
            return Err(error);
        }
        if let Some(state) = pseudo_overwrite {
            if let Some(error) = only(Profile::BdRSrm, "is formatted SRM+POW", "BD-R SRM") {
                return Err(error);
            }
            let spare = self.spare_clusters();
            if state.replaced_clusters > spare {
                return Err(Impossible::PseudoOverwriteSpares {
                    replaced: state.replaced_clusters,
                    spare,
                });
            }
        }
        Ok(())
    }

    fn check_profile_extras(&self) -> Result<(), Impossible> {
        let facts = self.facts();
        if self.incremental_disabled && self.profile != Profile::DvdRwSequential {
            return Err(Impossible::NotThisProfile {
                profile: self.profile,
                what: "has incremental recording disabled (minimal blank)",
                only: "DVD-RW sequential",
            });
        }
        if let Some(blocks) = self.layer0_blocks_set {
            let Some(most) = facts.settable_layer0_blocks else {
                return Err(Impossible::NotThisProfile {
                    profile: self.profile,
                    what: "has a layer boundary set",
                    only: "DVD+R DL",
                });
            };
            if blocks == 0 || blocks > most || !blocks.is_multiple_of(facts.write_granularity_blocks) {
                return Err(Impossible::LayerBoundary { blocks, most });
            }
        }
        Ok(())
    }
}
