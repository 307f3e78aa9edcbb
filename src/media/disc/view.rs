//! Read-only views of a disc: what READ DISC INFORMATION and READ TRACK INFORMATION report
//! (mmc.md §1.4, §2.2, §7). The drive encodes these; it never derives them itself.

use super::{BackgroundFormat, Disc, DiscStatus, FormatState, TrackMode, TrackState};
use crate::media::profile::{Family, MediaClass};
use serde::Serialize;

/// State of the last session (READ DISC INFORMATION byte 2 bits 3–2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SessionState {
    Empty = 0,
    Incomplete = 1,
    Damaged = 2,
    Complete = 3,
}

/// What READ DISC INFORMATION reports, as values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscView {
    pub status: DiscStatus,
    pub last_session_state: SessionState,
    pub erasable: bool,
    /// Sessions, counting the empty or incomplete one on an appendable disc (mmc.md §1.4).
    pub sessions: u16,
    pub first_track_in_last_session: u16,
    pub last_track_in_last_session: u16,
    /// DVD+RW background format status 0–3.
    pub background_format_status: u8,
    /// Start of the lead-in of the last (next) session; `None` once finalized (FFFFFFFFh).
    pub last_session_lead_in: Option<i32>,
    /// Last possible start of the lead-out; `None` once finalized (FFFFFFFFh).
    pub last_possible_lead_out: Option<u32>,
    pub disc_id: Option<u32>,
}

/// The state a track view reports; `Invisible` is the not-yet-started track at the end of an
/// appendable disc (or the blank track 1 of an unformatted overwritable disc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TrackViewState {
    Invisible,
    Blank,
    Incomplete,
    Complete,
    Damaged,
}

/// What READ TRACK INFORMATION reports for one track, as values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackView {
    pub number: u16,
    pub session: u16,
    pub start: u32,
    pub size_blocks: u32,
    pub state: TrackViewState,
    pub mode: TrackMode,
    /// RT: the track was reserved — or it is closed, on media whose drives report closed tracks
    /// so (DVD+R, DVD+R DL, BD-R: `ProfileFacts::closed_track_reports_rt`).
    pub reserved: bool,
    /// Packet/incremental recording (every recordable DVD and BD track, and open CD tracks).
    pub incremental: bool,
    /// Fixed packet size in blocks (16 on DVD, 32 on BD), 0 on CD.
    pub packet_blocks: u32,
    pub next_writable_address: Option<u32>,
    pub free_blocks: u32,
    pub last_recorded_address: Option<u32>,
}

impl TrackView {
    /// The Blank bit of READ TRACK INFORMATION byte 6.
    pub fn is_blank(&self) -> bool {
        matches!(self.state, TrackViewState::Invisible | TrackViewState::Blank)
    }
}

impl Disc {
    /// What READ DISC INFORMATION reports.
    pub fn view(&self) -> DiscView {
        let facts = self.facts();
        let status = self.status();
        let tracks = self.track_views();
        let (first_in_last, last_in_last) = match tracks.last() {
            Some(last) => {
                let first = tracks
                    .iter()
                    .find(|t| t.session == last.session)
                    .map_or(last.number, |t| t.number);
                (first, last.number)
            }
            None => (1, 1),
        };
        let open = status == DiscStatus::Blank || status == DiscStatus::Appendable;
        let sequential = facts.family == Family::Sequential;
        let sessions = match facts.family {
            Family::Sequential => tracks.last().map_or(1, |t| t.session),
            _ => 1,
        };
        let last_session_state = if sequential && !self.finalized {
            match self.open_session() {
                Some(s) if s.tracks.iter().any(|t| t.state == TrackState::Damaged) => SessionState::Damaged,
                Some(_) => SessionState::Incomplete,
                None => SessionState::Empty,
            }
        } else if status == DiscStatus::Blank {
            SessionState::Empty
        } else {
            SessionState::Complete
        };
        DiscView {
            status,
            last_session_state,
            erasable: facts.erasable,
            sessions,
            first_track_in_last_session: first_in_last,
            last_track_in_last_session: last_in_last,
            background_format_status: self.background_format_status(),
            last_session_lead_in: open.then(|| self.next_lead_in_start()),
            last_possible_lead_out: open.then_some(match facts.class {
                MediaClass::Cd => self.capacity_blocks,
                _ => facts.lead_out_blocks,
            }),
            disc_id: self.disc_id,
        }
    }

    /// DVD+RW background format status (0 never formatted, 1 suspended, 2 running, 3 completed).
    pub fn background_format_status(&self) -> u8 {
        match self.format {
            FormatState::Formatted { background, .. } => match background {
                BackgroundFormat::NotApplicable => 0,
                BackgroundFormat::Suspended { .. } => 1,
                BackgroundFormat::InProgress { .. } => 2,
                BackgroundFormat::Completed => 3,
            },
            FormatState::Unformatted => 0,
        }
    }

    /// Lead-in start of the next session: the ATIP lead-in for the first CD session, 4500 + 150
    /// blocks before the next session's first track on a CD (mmc.md §2.4), the next track's start
    /// on DVD and BD.
    fn next_lead_in_start(&self) -> i32 {
        let start = self
            .invisible_track_start()
            .or_else(|| self.open_ended_track().map(|t| t.start));
        match (self.facts().class, self.cd_length) {
            (MediaClass::Cd, Some(length)) if self.sessions.iter().all(|s| !s.closed) => length.lead_in_start_lba(),
            (MediaClass::Cd, _) => start.map_or(0, |s| s as i32 - 4650),
            _ => start.map_or(0, |s| s as i32),
        }
    }

    /// Every track READ TRACK INFORMATION can report, in order, ending with the invisible track
    /// when the disc has one.
    pub fn track_views(&self) -> Vec<TrackView> {
        let facts = self.facts();
        if facts.family == Family::Overwritable {
            return vec![self.overwritable_track_view()];
        }
        // Sequential media record variable packets: READ TRACK INFORMATION shows the Fixed Packet
        // bit clear and packet size 0 on blank, invisible and written tracks (seven real drives,
        // real-drives.md §7; growisofs refuses a DVD-R whose track 1 claims fixed packets).
        let packet_blocks = 0;
        let recordable_end = self.recordable_end();
        let mut views: Vec<TrackView> = self
            .tracks()
            .map(|(session, track)| {
                let nwa = track.next_writable_address();
                let (size_blocks, free_blocks) = match (track.state, track.reserved_blocks) {
                    (TrackState::Incomplete, None) => {
                        let nwa = nwa.unwrap_or(track.end());
                        (
                            recordable_end.saturating_sub(track.start),
                            recordable_end.saturating_sub(nwa),
                        )
                    }
                    (TrackState::Blank | TrackState::Incomplete, Some(_)) => {
                        let data_end = track.end() - facts.run_out_blocks;
                        (track.size_blocks, data_end.saturating_sub(nwa.unwrap_or(data_end)))
                    }
                    _ => (track.size_blocks, 0),
                };
                TrackView {
                    number: track.number,
                    session: session.number,
                    start: track.start,
                    size_blocks,
                    state: match track.state {
                        TrackState::Blank => TrackViewState::Blank,
                        TrackState::Incomplete => TrackViewState::Incomplete,
                        TrackState::Complete => TrackViewState::Complete,
                        TrackState::Damaged => TrackViewState::Damaged,
                    },
                    mode: track.mode,
                    reserved: track.reserved_blocks.is_some()
                        || (facts.closed_track_reports_rt && track.state == TrackState::Complete),
                    incremental: facts.family != Family::ReadOnly
                        && (facts.class != MediaClass::Cd || track.state != TrackState::Complete),
                    packet_blocks,
                    next_writable_address: nwa,
                    free_blocks,
                    last_recorded_address: track.recorded_blocks.checked_sub(1).map(|n| track.start + n),
                }
            })
            .collect();
        if let Some(start) = self.invisible_track_start() {
            let free_blocks = recordable_end.saturating_sub(start);
            views.push(TrackView {
                number: self.next_track_number(),
                session: self.session_number_for_new_track(),
                start,
                size_blocks: free_blocks,
                state: TrackViewState::Invisible,
                mode: TrackMode::Mode1,
                reserved: false,
                incremental: true,
                packet_blocks,
                next_writable_address: Some(start),
                free_blocks,
                last_recorded_address: None,
            });
        }
        views
    }

    /// Overwritable media show one track 1 over the formatted area (mmc.md §2.2, §7): "invisible
    /// incremental" with all blocks free before the first format, "complete" afterwards.
    fn overwritable_track_view(&self) -> TrackView {
        let facts = self.facts();
        let formatted = self.formatted_blocks();
        let size_blocks = formatted.unwrap_or(self.capacity_blocks);
        TrackView {
            number: 1,
            session: 1,
            start: 0,
            size_blocks,
            state: if formatted.is_some() {
                TrackViewState::Complete
            } else {
                TrackViewState::Invisible
            },
            mode: TrackMode::Mode1,
            reserved: false,
            incremental: true,
            packet_blocks: if facts.overwritable_fixed_packet {
                facts.write_granularity_blocks
            } else {
                0
            },
            next_writable_address: formatted.is_none().then_some(0),
            free_blocks: if formatted.is_some() { 0 } else { size_blocks },
            last_recorded_address: None,
        }
    }

    /// The track READ TRACK INFORMATION reports for a track number; `0xFF` means the invisible or
    /// incomplete track where the profile has one.
    pub fn track_view(&self, number: u16) -> Option<TrackView> {
        let views = self.track_views();
        if number == 0xFF {
            let open_end = self.facts().family == Family::Sequential
                && (self.invisible_track_start().is_some() || self.open_ended_track().is_some());
            return views.into_iter().last().filter(|_| open_end);
        }
        views.into_iter().find(|t| t.number == number)
    }

    /// Blocks READ CAPACITY reports: the last readable LBA + 1, 0 on blank media (mmc.md §1.2);
    /// the formatted area on a BD-R SRM+POW while a session is open (real-drives.md §6).
    pub fn readable_blocks(&self) -> u32 {
        if let Some(blocks) = self.pseudo_overwrite_area() {
            return blocks;
        }
        match self.facts().family {
            Family::Overwritable => self.formatted_blocks().unwrap_or(0),
            _ => self
                .tracks()
                .filter(|(s, _)| s.closed)
                .last()
                .map_or(0, |(_, t)| t.end()),
        }
    }
}
