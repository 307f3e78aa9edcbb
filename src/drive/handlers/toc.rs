//! READ TOC/PMA/ATIP (mmc.md §1.3): format 0 (formatted TOC), 1 (multi-session information),
//! 2 (raw TOC, CD only) and 4 (ATIP, CD-R/RW only). The TOC lists the complete sessions of the
//! disc and ends at `readable_blocks()`, so it never contradicts READ CAPACITY or READ TRACK
//! INFORMATION (mmc.md §1.2, §1.4).

use crate::drive::{Drive, Failure, Outcome, truncated};
use crate::media::{CdLength, Disc, Family, MediaClass, Profile, TrackMode};
use crate::mmc::Sense;
use crate::mmc::atip::AtipRepr;
use crate::mmc::cdb::{ReadToc, TocFormat};
use crate::mmc::msf::{Addressing, Msf};
use crate::mmc::raw_toc::{RawTocDescriptor, RawTocRepr, disc_type};
use crate::mmc::sense_data::FieldPointer;
use crate::mmc::toc::{LEAD_OUT_TRACK, TocDescriptor, TocRepr, control};
use crate::mmc::wire::CdbError;

/// The format field (byte 2 bits 3–0): where the drive points when the medium has nothing to
/// answer in that format.
const FORMAT_POINTER: FieldPointer = FieldPointer::cdb(2, Some(3));
/// Track numbers a TOC can carry (AAh is the lead-out).
const LAST_TOC_TRACK: u16 = 99;
/// ATIP indicative target writing power and the C0h optimum recording power of the lead-in
/// (CDEmu's 80-minute CD-R; cookbook C0h example via raw_toc.rs) (spec, verify).
const WRITING_POWER: u8 = 5;
const OPTIMUM_RECORDING_POWER: u8 = 0x66;

impl Drive {
    pub(in crate::drive) fn read_toc(&mut self, command: &ReadToc) -> Outcome {
        let disc = self.medium_ref()?.disc();
        let addressing = if command.msf { Addressing::Msf } else { Addressing::Lba };
        let reply = match command.format {
            TocFormat::Formatted => formatted_toc(disc, command.track_or_session, addressing)?.to_vec(),
            TocFormat::MultiSession => multi_session(disc, addressing)?.to_vec(),
            TocFormat::Raw => raw_toc(disc, command.track_or_session)?.to_vec(),
            TocFormat::Atip => atip(disc)?.to_vec(),
            // PMA and CD-TEXT are not modelled: 5/24/00 as for a disc without them (mmc.md §1.3).
            TocFormat::Pma | TocFormat::CdText => return Err(not_available()),
        };
        Ok(truncated(reply, command.allocation_length.into()))
    }
}

/// One track of a complete session, as the TOC lists it.
struct TocTrack {
    session: u8,
    number: u8,
    start: u32,
    /// First LBA after the track (CD: after its run-out blocks).
    end: u32,
    control: u8,
}

/// The tracks of the closed sessions in order; overwritable media show one track 1 at 0 over the
/// formatted area and nothing before the first format (mmc.md §2.2), and so does a BD-R SRM+POW
/// while a session is open (a real drive's fabricated TOC of an open POW session: track 1 at 0,
/// lead-out at the formatted 12088320; real-drives.md §6).
fn complete_tracks(disc: &Disc) -> Vec<TocTrack> {
    let overwrite_area = match disc.facts().family {
        Family::Overwritable => disc.formatted_blocks(),
        _ => disc.pseudo_overwrite_area(),
    };
    if disc.facts().family == Family::Overwritable || overwrite_area.is_some() {
        let formatted = overwrite_area.map(|blocks| TocTrack {
            session: 1,
            number: 1,
            start: 0,
            end: blocks,
            control: control::DATA_UNINTERRUPTED,
        });
        return formatted.into_iter().collect();
    }
    disc.tracks()
        .filter(|(session, track)| session.closed && track.number <= LAST_TOC_TRACK)
        .map(|(session, track)| TocTrack {
            session: session.number as u8,
            number: track.number as u8,
            start: track.start,
            end: track.end(),
            control: match track.mode {
                TrackMode::Audio => control::AUDIO,
                _ => control::DATA_UNINTERRUPTED,
            },
        })
        .collect()
}

/// Format 0: the tracks from `start_track` on, then the lead-out AAh at the end of the last
/// complete session (mmc.md §1.3). A starting track beyond the last (other than AAh) is 5/24/00
/// at byte 6.
fn formatted_toc(disc: &Disc, start_track: u8, addressing: Addressing) -> Result<TocRepr, Failure> {
    let tracks = complete_tracks(disc);
    let (Some(first), Some(last)) = (tracks.first(), tracks.last()) else {
        return Err(no_complete_session());
    };
    let mut descriptors: Vec<TocDescriptor> = tracks
        .iter()
        .filter(|t| t.number >= start_track)
        .map(|t| TocDescriptor::data(t.number, t.control, t.start as i32))
        .collect();
    if descriptors.is_empty() && start_track != LEAD_OUT_TRACK {
        return Err(CdbError::new(Sense::INVALID_FIELD_IN_CDB, Some(ReadToc::TRACK_POINTER)).into());
    }
    descriptors.push(TocDescriptor::data(
        LEAD_OUT_TRACK,
        last.control,
        disc.readable_blocks() as i32,
    ));
    Ok(TocRepr {
        addressing,
        first: first.number,
        last: last.number,
        descriptors,
    })
}

/// Format 1: first and last complete session and the first track of the last one (mmc.md §1.3).
fn multi_session(disc: &Disc, addressing: Addressing) -> Result<TocRepr, Failure> {
    let tracks = complete_tracks(disc);
    let (Some(first), Some(last)) = (tracks.first(), tracks.last()) else {
        return Err(no_complete_session());
    };
    let opening = tracks.iter().find(|t| t.session == last.session).unwrap_or(last);
    Ok(TocRepr {
        addressing,
        first: first.session,
        last: last.session,
        descriptors: vec![TocDescriptor::data(
            opening.number,
            opening.control,
            opening.start as i32,
        )],
    })
}

/// Format 2, CD only: per complete session from `start_session` on, A0h/A1h/A2h, the track points
/// and, on recordable CDs, B0h (next program area, FF:FF:FF once finalized, and the last possible
/// lead-out) plus C0h with the ATIP lead-in in the first session (mmc.md §1.3, §2.4).
fn raw_toc(disc: &Disc, start_session: u8) -> Result<RawTocRepr, Failure> {
    if disc.profile.class() != MediaClass::Cd {
        // DVD and BD drives answer format 2 with 5/24/00 (mmc.md §1.3, libburn).
        return Err(not_available());
    }
    let tracks = complete_tracks(disc);
    let last_session = tracks.last().ok_or_else(no_complete_session)?.session;
    if start_session > last_session {
        return Err(CdbError::new(Sense::INVALID_FIELD_IN_CDB, Some(ReadToc::TRACK_POINTER)).into());
    }
    let kind = match disc.tracks().next() {
        Some((_, track)) if track.mode == TrackMode::Mode2 => disc_type::CD_ROM_XA,
        _ => disc_type::CD_DA_OR_CD_ROM,
    };
    let mut descriptors = Vec::new();
    for session in start_session.max(1)..=last_session {
        let in_session: Vec<&TocTrack> = tracks.iter().filter(|t| t.session == session).collect();
        let (Some(first), Some(last)) = (in_session.first(), in_session.last()) else {
            continue;
        };
        descriptors.push(RawTocDescriptor::first_track(
            session,
            first.control,
            first.number,
            kind,
        ));
        descriptors.push(RawTocDescriptor::last_track(session, last.control, last.number));
        descriptors.push(RawTocDescriptor::lead_out(session, last.control, last.end as i32));
        descriptors.extend(
            in_session
                .iter()
                .map(|t| RawTocDescriptor::track(session, t.control, t.number, t.start as i32)),
        );
        if has_atip(disc) {
            let with_c0 = session == 1;
            // ZERO of B0h counts the mode-5 pointers of this lead-in: B0h, and C0h in the first.
            let pointers = 1 + u8::from(with_c0);
            let next = next_program_area(disc, session);
            let lead_out = disc.capacity_blocks as i32;
            descriptors.push(RawTocDescriptor::next_program_area(
                session,
                last.control,
                next,
                pointers,
                lead_out,
            ));
            if with_c0 {
                let lead_in = cd_length(disc).lead_in_start_lba();
                descriptors.push(RawTocDescriptor::first_lead_in(
                    session,
                    last.control,
                    OPTIMUM_RECORDING_POWER,
                    0,
                    lead_in,
                ));
            }
        }
    }
    Ok(RawTocRepr {
        first_session: 1,
        last_session,
        descriptors,
    })
}

/// Where the session after `session` starts: its first track if it exists, else the invisible
/// track of an appendable disc; `None` (FF:FF:FF) once nothing can follow (finalized).
fn next_program_area(disc: &Disc, session: u8) -> Option<i32> {
    let next_session = disc.sessions.iter().find(|s| s.number == u16::from(session) + 1);
    let next_track = next_session.and_then(|s| s.tracks.first()).map(|t| t.start);
    next_track
        .or_else(|| disc.invisible_track_start())
        .map(|lba| lba as i32)
}

/// Format 4: the ATIP of a CD-R / CD-RW, blank or not (mmc.md §1.3, §7).
fn atip(disc: &Disc) -> Result<AtipRepr, Failure> {
    if !has_atip(disc) {
        return Err(not_available());
    }
    Ok(AtipRepr {
        indicative_target_writing_power: WRITING_POWER,
        ddcd: false,
        reference_speed: 0,
        unrestricted_use: false,
        rewritable: disc.profile == Profile::CdRw,
        disc_sub_type: 0,
        lead_in_start: Msf::from_lba(cd_length(disc).lead_in_start_lba()),
        last_possible_lead_out_start: Msf::from_lba(disc.capacity_blocks as i32),
        a1: None,
        a2: None,
        a3: None,
    })
}

/// Recordable CDs carry an ATIP (and B0h/C0h in their lead-ins); pressed CDs do not.
fn has_atip(disc: &Disc) -> bool {
    matches!(disc.profile, Profile::CdR | Profile::CdRw)
}

fn cd_length(disc: &Disc) -> CdLength {
    disc.cd_length.unwrap_or(CdLength::Min80)
}

/// The medium has nothing to answer in the requested format.
fn not_available() -> Failure {
    CdbError::new(Sense::INVALID_FIELD_IN_CDB, Some(FORMAT_POINTER)).into()
}

/// No complete session (blank disc, or only an open one): 5/24/00 as CDEmu and a real ASUS drive
/// on blank CD-RW answer (mmc.md §1.3).
fn no_complete_session() -> Failure {
    not_available()
}

#[cfg(test)]
#[path = "media_tests.rs"]
mod media_tests;
