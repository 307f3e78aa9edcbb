//! Flat images of a medium for peer readers (isoinfo, xorriso, 7z): the data area as recorded
//! ([`Medium::export`]), or as a reader that mounts one session sees it
//! ([`Medium::export_as_session`]).
//!
//! Why the second exists: a single-session reader such as 7-Zip reads only the volume descriptors
//! at LBA 16 (udf-iso.md §4.3), so on a sequential multisession disc it sees session 1. A session
//! is complete on its own — its directories use absolute LBAs, also for files an earlier session
//! recorded (udf-iso.md §3.1) — so putting that session's volume descriptor set at LBA 16 is
//! enough for such a reader to open exactly that session's tree. For UDF the same reader looks
//! only at the anchor at LBA 256 (§4.3), so a session with a UDF recognition sequence also gets
//! its anchor (from its start + 256, §3.3) moved there, and a session without one gets the first
//! session's anchor cleared (7-Zip opens UDF by the anchor alone). The result is a projection for peers, not
//! the disc: no drive would read it so. The descriptor layouts come from `fsi`'s wire formats.

use crate::fsi::iso9660::descriptor::{TYPE_TERMINATOR, VolumeDescriptor};
use crate::fsi::udf::descriptor::{is_anchor_at, relocate_tag};
use crate::media::medium::{Medium, MediumError};
use crate::media::profile::Family;
use crate::media::store::SECTOR_BYTES;
use std::fmt;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::str::FromStr;

/// Where the volume descriptors of a session start: 16 blocks after its first block (ECMA-119,
/// udf-iso.md §1.2, §3.1).
const DESCRIPTORS_OFFSET_BLOCKS: u32 = 16;
/// The most descriptors we copy: ISO 9660 descriptors plus the UDF recognition sequence stay well
/// below this; more means the session is not what we think it is.
const MAX_DESCRIPTORS: u32 = 64;
/// Identifiers of the UDF volume recognition sequence that follows the terminator (udf-iso.md §2.2).
const RECOGNITION_IDENTIFIERS: [&[u8; 5]; 6] = [b"BEA01", b"NSR02", b"NSR03", b"BOOT2", b"CDW02", b"TEA01"];
/// The UDF descriptors in it: a UDF file system is there.
const NSR_IDENTIFIERS: [&[u8; 5]; 2] = [b"NSR02", b"NSR03"];
/// The extended area ends the recognition sequence.
const RECOGNITION_END: &[u8; 5] = b"TEA01";
/// Where a single-session UDF reader looks for the anchor (udf-iso.md §2.3, §4.3); a session's
/// own anchor is this many blocks after its start (§3.3).
const ANCHOR_LBA: u32 = 256;

/// What [`Medium::export_as_session`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionExport {
    /// Blocks in the file.
    pub blocks: u32,
    /// The session presented, and its first block.
    pub session: u16,
    pub session_start: u32,
    /// What LBA 256 holds.
    pub udf_anchor: UdfAnchor,
}

/// LBA 256 of a projected export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UdfAnchor {
    /// As recorded.
    AsRecorded,
    /// The session's own anchor, moved there.
    Moved,
    /// Zeros: the session has no UDF, so the first session's anchor there would show a
    /// single-session reader a file system the session does not have.
    Cleared,
}

/// A session's descriptors as a reader mounting it reads them.
struct SessionDescriptors {
    /// ISO 9660 descriptors through the terminator, then the UDF recognition sequence.
    set: Vec<u8>,
    has_udf: bool,
}

/// Which session a projected export presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionChoice {
    /// Session number N (1 = the first).
    Number(u16),
    /// The newest session with data.
    Last,
}

impl FromStr for SessionChoice {
    type Err = String;

    /// `last` or a session number from 1.
    fn from_str(text: &str) -> Result<SessionChoice, String> {
        if text.eq_ignore_ascii_case("last") {
            return Ok(SessionChoice::Last);
        }
        match text.parse::<u16>() {
            Ok(n) if n >= 1 => Ok(SessionChoice::Number(n)),
            _ => Err(format!(
                "\"{text}\" is not a session (expected a number from 1, or last)"
            )),
        }
    }
}

impl fmt::Display for SessionChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionChoice::Number(n) => write!(f, "{n}"),
            SessionChoice::Last => f.write_str("last"),
        }
    }
}

/// Why a projected export was refused.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("no {} on this disc ({})", asked_session(.asked), recorded_list(.recorded))]
    NoSuchSession { asked: SessionChoice, recorded: Vec<u16> },
    #[error(
        "session {session} (from LBA {start}) has no ISO 9660 volume descriptor set at LBA {} (a reader mounting it would find no file system there)",
        start + DESCRIPTORS_OFFSET_BLOCKS
    )]
    NoVolumeDescriptors { session: u16, start: u32 },
    #[error(transparent)]
    Medium(#[from] MediumError),
}

fn asked_session(asked: &SessionChoice) -> String {
    match asked {
        SessionChoice::Number(n) => format!("session {n}"),
        SessionChoice::Last => "session".into(),
    }
}

fn recorded_list(recorded: &[u16]) -> String {
    match recorded {
        [] => "nothing is recorded".into(),
        [only] => format!("the session with data is {only}"),
        _ => {
            let numbers: Vec<String> = recorded.iter().map(u16::to_string).collect();
            format!("the sessions with data are {}", numbers.join(", "))
        }
    }
}

/// The type of an ISO 9660 volume descriptor sector.
fn iso_descriptor_type(sector: &[u8]) -> Option<u8> {
    let descriptor = VolumeDescriptor::new(sector)?;
    descriptor.is_ecma119().then(|| descriptor.kind())
}

/// The identifier of a UDF volume recognition sequence sector.
fn recognition_identifier(sector: &[u8]) -> Option<[u8; 5]> {
    let id: [u8; 5] = VolumeDescriptor::new(sector)?.standard_id().try_into().ok()?;
    RECOGNITION_IDENTIFIERS.contains(&&id).then_some(id)
}

impl Medium {
    /// The sessions holding recorded data, as (number, first LBA), oldest first. Random-writable
    /// media have one physical session at LBA 0 (logical sessions live inside it).
    pub fn recorded_sessions(&self) -> Vec<(u16, u32)> {
        let disc = self.disc();
        if disc.facts().family == Family::Overwritable {
            return if self.written_sectors() > 0 {
                vec![(1, 0)]
            } else {
                Vec::new()
            };
        }
        disc.sessions
            .iter()
            .filter_map(|session| {
                let first = session.tracks.first()?;
                session
                    .tracks
                    .iter()
                    .any(|t| t.recorded_blocks > 0)
                    .then_some((session.number, first.start))
            })
            .collect()
    }

    /// Write the data area as a flat image file (what `dd` of the disc would give): blocks 0 up
    /// to the end of the last written sector, unwritten blocks as zeros (holes). Returns the
    /// number of blocks in the file.
    pub fn export(&mut self, out: &Path) -> Result<u32, MediumError> {
        let end = self.written_runs(0..u32::MAX).last().map_or(0, |r| r.end);
        let mut file = std::fs::File::create(out).map_err(MediumError::Source)?;
        let mut buffer = vec![0u8; 512 * SECTOR_BYTES];
        for run in self.written_runs(0..end) {
            file.seek(SeekFrom::Start(u64::from(run.start) * SECTOR_BYTES as u64))
                .map_err(MediumError::Source)?;
            let mut lba = run.start;
            while lba < run.end {
                let n = (run.end - lba).min(512);
                let chunk = &mut buffer[..n as usize * SECTOR_BYTES];
                self.read(lba, chunk)?;
                file.write_all(chunk).map_err(MediumError::Source)?;
                lba += n;
            }
        }
        file.set_len(u64::from(end) * SECTOR_BYTES as u64)
            .map_err(MediumError::Source)?;
        Ok(end)
    }

    /// Write the flat image as a reader that mounts `session` sees it: [`Medium::export`], with
    /// LBA 16 onward holding that session's volume descriptor set — from its start + 16 up to and
    /// including the ISO 9660 terminator, and the UDF recognition sequence that follows it — and
    /// LBA 256 holding the session's UDF anchor (tag location 256) when that sequence names UDF,
    /// or zeros instead of the first session's anchor when it does not. Every other sector is
    /// exactly as recorded.
    pub fn export_as_session(&mut self, out: &Path, session: SessionChoice) -> Result<SessionExport, ExportError> {
        let (number, start) = self.session_start(session)?;
        let descriptors = self.volume_descriptor_set(number, start)?;
        let (udf_anchor, block_256) = self.projected_anchor(start, descriptors.has_udf)?;
        let blocks = self.export(out)?;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(out)
            .map_err(MediumError::Source)?;
        let mut put = |lba: u32, bytes: &[u8]| {
            file.seek(SeekFrom::Start(u64::from(lba) * SECTOR_BYTES as u64))
                .and_then(|_| file.write_all(bytes))
                .map_err(MediumError::Source)
        };
        put(DESCRIPTORS_OFFSET_BLOCKS, &descriptors.set)?;
        if let Some(block) = &block_256 {
            put(ANCHOR_LBA, block)?;
        }
        Ok(SessionExport {
            blocks,
            session: number,
            session_start: start,
            udf_anchor,
        })
    }

    /// What goes to LBA 256, where it changes: the session's anchor from `start + 256` rewritten
    /// to say 256 (its extents are absolute and stay) when the session has UDF, zeros when it has
    /// none. Only the first session's anchor or an unwritten block is replaced, never recorded
    /// data that a tree may point at.
    fn projected_anchor(&mut self, start: u32, has_udf: bool) -> Result<(UdfAnchor, Option<Vec<u8>>), MediumError> {
        let at_256 = self.written_sector(ANCHOR_LBA)?;
        let replaceable = at_256.as_deref().is_none_or(|s| is_anchor_at(s, ANCHOR_LBA));
        if start == 0 || !replaceable {
            return Ok((UdfAnchor::AsRecorded, None));
        }
        if !has_udf {
            return Ok(match at_256 {
                Some(_) => (UdfAnchor::Cleared, Some(vec![0; SECTOR_BYTES])),
                None => (UdfAnchor::AsRecorded, None),
            });
        }
        let own = start + ANCHOR_LBA;
        let Some(mut anchor) = self.written_sector(own)?.filter(|s| is_anchor_at(s, own)) else {
            return Ok((UdfAnchor::AsRecorded, None));
        };
        relocate_tag(&mut anchor, ANCHOR_LBA);
        Ok((UdfAnchor::Moved, Some(anchor)))
    }

    /// The number and first LBA of the chosen session.
    fn session_start(&self, choice: SessionChoice) -> Result<(u16, u32), ExportError> {
        let recorded = self.recorded_sessions();
        let found = match choice {
            SessionChoice::Last => recorded.last(),
            SessionChoice::Number(n) => recorded.iter().find(|(number, _)| *number == n),
        };
        found.copied().ok_or_else(|| ExportError::NoSuchSession {
            asked: choice,
            recorded: recorded.iter().map(|(number, _)| *number).collect(),
        })
    }

    /// The sectors of the session's volume descriptor set: ISO 9660 descriptors from `start + 16`
    /// through the terminator, then the UDF recognition sequence if one follows.
    fn volume_descriptor_set(&mut self, session: u16, start: u32) -> Result<SessionDescriptors, ExportError> {
        let first = start + DESCRIPTORS_OFFSET_BLOCKS;
        let end = first + MAX_DESCRIPTORS;
        let mut set = Vec::new();
        let mut lba = first;
        loop {
            let sector = self.written_sector(lba)?;
            let Some(kind) = sector.as_deref().and_then(iso_descriptor_type) else {
                return Err(ExportError::NoVolumeDescriptors { session, start });
            };
            set.extend(sector.into_iter().flatten());
            lba += 1;
            if kind == TYPE_TERMINATOR {
                break;
            }
            if lba == end {
                return Err(ExportError::NoVolumeDescriptors { session, start });
            }
        }
        let mut has_udf = false;
        while lba < end {
            let Some(sector) = self.written_sector(lba)? else { break };
            let Some(id) = recognition_identifier(&sector) else {
                break;
            };
            let last = &id == RECOGNITION_END;
            has_udf |= NSR_IDENTIFIERS.contains(&&id);
            set.extend(sector);
            lba += 1;
            if last {
                break;
            }
        }
        Ok(SessionDescriptors { set, has_udf })
    }

    /// One sector, if it is written.
    fn written_sector(&mut self, lba: u32) -> Result<Option<Vec<u8>>, MediumError> {
        let mut sector = vec![0u8; SECTOR_BYTES];
        Ok(self.read(lba, &mut sector)?.all_written(1).then_some(sector))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fsi::udf::descriptor::{TAG_AVDP, check_tag, finish_tag, put_u32};
    use crate::media::{Disc, Profile, WriteParameters};

    /// A sector starting with `kind`, the five identifier bytes and version 1, then `fill`.
    fn descriptor(kind: u8, id: &[u8; 5], fill: u8) -> Vec<u8> {
        let mut sector = vec![fill; SECTOR_BYTES];
        sector[0] = kind;
        sector[1..6].copy_from_slice(id);
        sector[6] = 1;
        sector
    }

    fn anchor(lba: u32) -> Vec<u8> {
        let mut sector = vec![0; SECTOR_BYTES];
        put_u32(&mut sector, 16, 16 * SECTOR_BYTES as u32);
        put_u32(&mut sector, 20, lba + 1);
        finish_tag(&mut sector, TAG_AVDP, 2, lba, 496);
        sector
    }

    /// `blocks` sectors of `fill` with `descriptors` from block 16 and, if given, an anchor at
    /// block 256 that says `start + 256`.
    fn session_data(start: u32, blocks: usize, fill: u8, descriptors: &[Vec<u8>], udf: bool) -> Vec<u8> {
        let mut data = vec![fill; blocks * SECTOR_BYTES];
        for (i, d) in descriptors.iter().enumerate() {
            data[(16 + i) * SECTOR_BYTES..][..SECTOR_BYTES].copy_from_slice(d);
        }
        if udf {
            data[256 * SECTOR_BYTES..][..SECTOR_BYTES].copy_from_slice(&anchor(start + 256));
        }
        data
    }

    fn iso_and_udf(fill: u8) -> Vec<Vec<u8>> {
        vec![
            descriptor(1, b"CD001", fill),
            descriptor(2, b"CD001", fill),
            descriptor(255, b"CD001", 0),
            descriptor(0, b"BEA01", 0),
            descriptor(0, b"NSR02", 0),
            descriptor(0, b"TEA01", 0),
        ]
    }

    fn iso_only(fill: u8) -> Vec<Vec<u8>> {
        vec![descriptor(1, b"CD001", fill), descriptor(255, b"CD001", 0)]
    }

    /// A DVD+R with one closed session per entry, each of 320 blocks; returns it with the starts.
    fn disc_of(sessions: &[Vec<u8>]) -> (Medium, Vec<u32>) {
        let mut medium = Medium::in_memory(Disc::new(Profile::DvdPlusR));
        let params = WriteParameters::multisession();
        let mut starts = Vec::new();
        for data in sessions {
            let start = medium.disc().invisible_track_start().expect("appendable");
            let data = data.clone();
            medium.write(start, &data, &params).unwrap();
            let track = medium.disc().track_count();
            medium.close(1, track, &params).unwrap();
            medium.close(2, 0, &params).unwrap();
            starts.push(start);
        }
        (medium, starts)
    }

    fn three_sessions() -> (Medium, Vec<u32>) {
        // Session 1 at 0; the others start at 2368 and 4736 (320 blocks + the 2048-block gap).
        let starts = [0, 2368, 4736];
        disc_of(&[
            session_data(starts[0], 320, 0x11, &iso_and_udf(0x11), true),
            session_data(starts[1], 320, 0x22, &iso_and_udf(0x22), true),
            session_data(starts[2], 320, 0x33, &iso_only(0x33), false),
        ])
    }

    fn sector(image: &[u8], lba: u32) -> &[u8] {
        &image[lba as usize * SECTOR_BYTES..][..SECTOR_BYTES]
    }

    fn export_both(medium: &mut Medium, session: SessionChoice) -> (Vec<u8>, Vec<u8>, SessionExport) {
        let dir = tempfile::tempdir().unwrap();
        let (plain, view) = (dir.path().join("plain.img"), dir.path().join("view.img"));
        medium.export(&plain).unwrap();
        let export = medium.export_as_session(&view, session).unwrap();
        (std::fs::read(plain).unwrap(), std::fs::read(view).unwrap(), export)
    }

    #[test]
    fn recorded_sessions_are_numbered_with_their_starts() {
        let (medium, starts) = three_sessions();
        assert_eq!(starts, vec![0, 2368, 4736]);
        assert_eq!(medium.recorded_sessions(), vec![(1, 0), (2, 2368), (3, 4736)]);
    }

    #[test]
    fn a_later_session_gets_its_descriptors_at_16_and_its_anchor_at_256() {
        let (mut medium, starts) = three_sessions();
        let (plain, view, export) = export_both(&mut medium, SessionChoice::Number(2));
        assert_eq!(
            export,
            SessionExport {
                blocks: 4736 + 320,
                session: 2,
                session_start: starts[1],
                udf_anchor: UdfAnchor::Moved,
            }
        );
        assert_eq!(view.len(), plain.len());
        for i in 0..6 {
            assert_eq!(
                sector(&view, 16 + i),
                sector(&plain, starts[1] + 16 + i),
                "descriptor {i}"
            );
        }
        let moved = sector(&view, 256);
        let tag = check_tag(moved).expect("a valid tag");
        assert_eq!((tag.ident, tag.location), (TAG_AVDP, 256));
        // The extents (the VDS location) are absolute and unchanged.
        assert_eq!(&moved[16..24], &sector(&plain, starts[1] + 256)[16..24]);
        for lba in (0..plain.len() / SECTOR_BYTES).map(|l| l as u32) {
            if !(16..22).contains(&lba) && lba != 256 {
                assert_eq!(sector(&view, lba), sector(&plain, lba), "block {lba}");
            }
        }
    }

    #[test]
    fn the_first_session_view_is_the_plain_export() {
        let (mut medium, _) = three_sessions();
        let (plain, view, export) = export_both(&mut medium, SessionChoice::Number(1));
        assert_eq!(export.udf_anchor, UdfAnchor::AsRecorded);
        assert!(view == plain);
    }

    #[test]
    fn the_last_session_without_udf_clears_the_first_anchor() {
        let (mut medium, starts) = three_sessions();
        let (plain, view, export) = export_both(&mut medium, SessionChoice::Last);
        assert_eq!((export.session, export.udf_anchor), (3, UdfAnchor::Cleared));
        assert_eq!(sector(&view, 16), sector(&plain, starts[2] + 16));
        assert_eq!(sector(&view, 17), sector(&plain, starts[2] + 17));
        // Block 18 is the first session's Joliet descriptor again: only the set is replaced.
        assert_eq!(sector(&view, 18), sector(&plain, 18));
        assert!(sector(&view, 256).iter().all(|&b| b == 0));
    }

    #[test]
    fn recorded_data_at_256_is_never_replaced() {
        // Session 1 holds only ISO 9660 and data at 256; session 2 has UDF.
        let (mut medium, starts) = disc_of(&[
            session_data(0, 320, 0x11, &iso_only(0x11), false),
            session_data(2368, 320, 0x22, &iso_and_udf(0x22), true),
        ]);
        let (plain, view, export) = export_both(&mut medium, SessionChoice::Last);
        assert_eq!(export.udf_anchor, UdfAnchor::AsRecorded);
        assert_eq!(sector(&view, 256), sector(&plain, 256));
        assert_eq!(sector(&view, 16), sector(&plain, starts[1] + 16));
    }

    #[test]
    fn a_session_that_does_not_exist_is_refused_naming_those_that_do() {
        let (mut medium, _) = three_sessions();
        let dir = tempfile::tempdir().unwrap();
        let err = medium
            .export_as_session(&dir.path().join("x.img"), SessionChoice::Number(4))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no session 4 on this disc (the sessions with data are 1, 2, 3)"
        );
        let mut blank = Medium::in_memory(Disc::new(Profile::DvdPlusR));
        let err = blank
            .export_as_session(&dir.path().join("y.img"), SessionChoice::Last)
            .unwrap_err();
        assert_eq!(err.to_string(), "no session on this disc (nothing is recorded)");
    }

    #[test]
    fn a_session_without_an_iso_descriptor_set_is_refused() {
        let no_terminator = vec![descriptor(1, b"CD001", 0x22); 70];
        let (mut medium, _) = disc_of(&[
            session_data(0, 320, 0x11, &iso_only(0x11), false),
            session_data(2368, 320, 0x22, &[], false),
            session_data(4736, 320, 0x33, &no_terminator[..64], false),
        ]);
        let dir = tempfile::tempdir().unwrap();
        for (session, start) in [(2, 2368), (3, 4736)] {
            let err = medium
                .export_as_session(&dir.path().join("x.img"), SessionChoice::Number(session))
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "session {session} (from LBA {start}) has no ISO 9660 volume descriptor set at LBA {} (a reader mounting it would find no file system there)",
                    start + 16
                )
            );
        }
    }

    #[test]
    fn session_choices_parse() {
        assert_eq!("last".parse::<SessionChoice>(), Ok(SessionChoice::Last));
        assert_eq!("LAST".parse::<SessionChoice>(), Ok(SessionChoice::Last));
        assert_eq!("3".parse::<SessionChoice>(), Ok(SessionChoice::Number(3)));
        for bad in ["0", "-1", "x", ""] {
            assert!(bad.parse::<SessionChoice>().is_err(), "{bad}");
        }
    }
}
