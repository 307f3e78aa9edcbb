//! MMC profiles and the facts that go with each (mmc.md §2.1–§2.3, §1.5, §7).
//!
//! Every per-profile fact lives in one row of [`PROFILES`]; code asks `profile.facts()` instead of
//! matching on profiles, so a new medium is one new row.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A medium as the drive presents it in GET CONFIGURATION bytes 6–7.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Profile {
    CdRom,
    CdR,
    CdRw,
    DvdRom,
    DvdR,
    DvdRam,
    DvdRwRestrictedOverwrite,
    DvdRwSequential,
    DvdRDl,
    DvdPlusRw,
    DvdPlusR,
    DvdPlusRDl,
    BdRom,
    BdRSrm,
    BdRRrm,
    BdRe,
}

/// How data gets onto a medium of this profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Family {
    /// Pressed: never writable.
    ReadOnly,
    /// Write at the next writable address of an open track; sessions and tracks (mmc.md §2.2).
    Sequential,
    /// Random writes anywhere in the formatted area after a format (mmc.md §2.2).
    Overwritable,
}

/// Physical class: decides geometry conventions (MSF addressing, TOC formats, structures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MediaClass {
    Cd,
    Dvd,
    Bd,
}

/// What a CLOSE TRACK/SESSION function does on a profile (mmc.md §1.5 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CloseAction {
    /// 000b on DVD+RW: stop background formatting ("de-icing"); GOOD if none runs.
    StopBackgroundFormat,
    /// 001b: close track / RZone / fragment N.
    CloseTrack,
    /// 010b: close session / border. Whether the disc stays appendable is per profile:
    /// see [`ProfileFacts::session_close_follows_write_parameters`].
    CloseSession,
    /// 010b on DVD+RW: complete background formatting in the DVD-ROM compatible way.
    CompleteBackgroundFormat,
    /// 010b on DVD-RW restricted overwrite: finish an intermediate (quick-formatted) state.
    FinishIntermediate,
    /// 101b on DVD+R: finalize with minimal radius. 110b on DVD+R / BD-R: finalize the disc.
    Finalize,
}

/// BLANK types (mmc.md §1.5, A1h byte1 bits 2–0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlankType {
    /// 000b: blank the whole disc.
    Full = 0,
    /// 001b: minimally blank (PMA, lead-in, first pregap).
    Minimal = 1,
    /// 101b: unclose the last session.
    UncloseLastSession = 5,
    /// 110b: blank the last session.
    LastSession = 6,
}

impl BlankType {
    pub fn from_code(code: u8) -> Option<BlankType> {
        [
            BlankType::Full,
            BlankType::Minimal,
            BlankType::UncloseLastSession,
            BlankType::LastSession,
        ]
        .into_iter()
        .find(|t| *t as u8 == code)
    }
}

/// One Formattable Capacity Descriptor as READ FORMAT CAPACITIES lists it (mmc.md §1.2, §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormatDescriptor {
    pub format_type: u8,
    pub subtype: u8,
    pub blocks: u32,
    /// Type dependent parameter (bytes 5–7).
    pub parameter: u32,
}

const fn fd(format_type: u8, blocks: u32, parameter: u32) -> FormatDescriptor {
    FormatDescriptor {
        format_type,
        subtype: 0,
        blocks,
        parameter,
    }
}

/// The facts of one profile.
#[derive(Debug)]
pub struct ProfileFacts {
    pub profile: Profile,
    /// MMC profile number (GET CONFIGURATION bytes 6–7).
    pub code: u16,
    /// Stable identifier on the command line and in media manifests.
    pub id: &'static str,
    /// Human name as libburn and dvd+rw-mediainfo print it.
    pub name: &'static str,
    pub family: Family,
    pub class: MediaClass,
    /// The Erasable bit of READ DISC INFORMATION: the medium can be rewritten at all.
    pub erasable: bool,
    /// Blocks a blank medium offers for data (free blocks of the blank track, mmc.md §7).
    /// For CD this depends on the disc length and comes from [`CdLength`]; 0 here.
    /// For read-only media it comes from the image; 0 here.
    pub recordable_blocks: u32,
    /// Legacy lead-out / last possible lead-out start that drives report (mmc.md §7).
    pub lead_out_blocks: u32,
    /// Media whose layer boundary the host sets (DVD+R DL, READ/SEND DVD STRUCTURE 20h): the L0
    /// data zone capacity a blank disc reports, which is also the most SEND may set. Layer 1 on
    /// the opposite track path holds as much as layer 0, so the disc holds twice it
    /// (real-drives.md §1–§2).
    pub settable_layer0_blocks: Option<u32>,
    /// Write unit: CD 1 block, DVD 16 (32 KiB ECC block), BD 32 (64 KiB cluster) (mmc.md §1.5).
    pub write_granularity_blocks: u32,
    /// Overwritable media: LBA and length alignment of random writes (DVD-RW RO 32 KiB, others 2 KiB).
    pub overwrite_alignment_blocks: u32,
    /// Most sessions the medium holds (DVD+R 153, DVD+R DL 127, CD 99 by the track limit).
    pub max_sessions: Option<u16>,
    /// Most tracks on the disc (CD 99).
    pub max_tracks: Option<u16>,
    /// Most tracks that may be open (reserved, incomplete) at once besides the invisible track,
    /// which bounds RESERVE TRACK (5/72/05 beyond) — (spec, verify).
    pub max_open_tracks: u16,
    /// Blocks of lead-out + lead-in (+ CD pre-gap; DVD-R border-out + border-in + link block)
    /// between the end of the first closed session and the next session's first NWA, and the same
    /// after later sessions (mmc.md §2.4, §7; real-drives.md §3).
    pub session_gap_first_blocks: u32,
    pub session_gap_later_blocks: u32,
    /// Blocks between the end of a track and the start of the next one in the same session: the
    /// CD TAO pre-gap (150), the DVD-R link block (16, real-drives.md §4).
    pub track_gap_blocks: u32,
    /// CD TAO: run-out/link blocks the drive adds at the end of a closed track; counted in the track
    /// but unreadable (mmc.md §2.4).
    pub run_out_blocks: u32,
    /// CD: a closed track is padded to 4 s = 300 blocks (mmc.md §1.5, R11).
    pub min_track_blocks: u32,
    /// DVD+R: the drive finalizes by itself when fewer blocks than this remain (65 ECC blocks).
    pub auto_finalize_below_blocks: u32,
    /// CLOSE SESSION keeps the disc appendable or finalizes it as page 05 Multi-session says
    /// (CD, DVD-R); otherwise the disc stays appendable and finalizing is its own function.
    pub session_close_follows_write_parameters: bool,
    pub close_functions: &'static [(u8, CloseAction)],
    pub blank_types: &'static [BlankType],
    /// RESERVE TRACK is accepted (sequential media).
    pub reservable: bool,
    /// What READ FORMAT CAPACITIES lists for this profile (after a leading current/maximum descriptor).
    pub format_descriptors: &'static [FormatDescriptor],
    /// Disc status once formatted (mmc.md §1.4: DVD-RAM and BD-RE report 11b "others",
    /// a formatted DVD+RW reports "complete").
    pub formatted_disc_status: crate::media::DiscStatus,
    /// Overwritable media: READ TRACK INFORMATION of track 1 sets the Fixed Packet bit with the
    /// write unit as packet size. Clear on DVD+RW: three drives print no fixed packet size for a
    /// blank or formatted DVD+RW (docs/fidelity.md); the others are unverified.
    pub overwritable_fixed_packet: bool,
    /// A closed track reports the RT bit (READ TRACK INFORMATION byte 6 bit 7) set, which
    /// dvd+rw-mediainfo prints as "partial/complete" (DVD+R) or "partial incremental" (BD-R): two
    /// DVD+R / DVD+R DL drives and a BD-R drive do so (docs/fidelity.md); DVD-R drives do not.
    pub closed_track_reports_rt: bool,
}

use crate::media::DiscStatus;
use BlankType as B;
use CloseAction as C;

const SEQ_CLOSES: &[(u8, CloseAction)] = &[(1, C::CloseTrack), (2, C::CloseSession)];
const DVD_PLUS_R_CLOSES: &[(u8, CloseAction)] = &[
    (1, C::CloseTrack),
    (2, C::CloseSession),
    (5, C::Finalize),
    (6, C::Finalize),
];
const BD_R_CLOSES: &[(u8, CloseAction)] = &[(1, C::CloseTrack), (2, C::CloseSession), (6, C::Finalize)];
const REWRITABLE_BLANKS: &[BlankType] = &[B::Full, B::Minimal, B::UncloseLastSession, B::LastSession];

/// DVD-RW formats to restricted overwrite (00h) or its quick form (15h), and 10h full format
/// (mmc.md §1.2 real reply: 00h(TDP 800h), 10h(10h), 15h(10h), all 2297888).
const DVD_RW_FORMATS: &[FormatDescriptor] = &[
    fd(0x00, 2297888, 0x800),
    fd(0x10, 2297888, 0x10),
    fd(0x15, 2297888, 0x10),
];
/// BD-RE (LG, via libburn): 00h 11826176 (TDP 3000h), 30h 11826176 / 11564032 / 12088320, 31h 12219392.
/// The type dependent parameter of 00h/30h is the spare area in 32-block clusters:
/// 12219392 − 11826176 = 393216 blocks = 3000h clusters, and likewise 5000h and 1000h (the
/// 30h values are that arithmetic, not a quoted reply: verify).
const BD_RE_FORMATS: &[FormatDescriptor] = &[
    fd(0x00, 11826176, 0x3000),
    fd(0x30, 11826176, 0x3000),
    fd(0x30, 11564032, 0x5000),
    fd(0x30, 12088320, 0x1000),
    fd(0x31, 12219392, 0),
];
/// Blank BD-R: 00h(3000h) 11826176, 32h(0) 11826176 / 5796864 / 12088320 (mmc.md §7).
const BD_R_FORMATS: &[FormatDescriptor] = &[
    fd(0x00, 11826176, 0x3000),
    fd(0x32, 11826176, 0),
    fd(0x32, 5796864, 0),
    fd(0x32, 12088320, 0),
];
/// DVD-RAM (one drive): 00h(800h) 2236704 / 2295072, 01h(800h) 2226976 / 2217248 (mmc.md §7).
const DVD_RAM_FORMATS: &[FormatDescriptor] = &[
    fd(0x00, 2236704, 0x800),
    fd(0x00, 2295072, 0x800),
    fd(0x01, 2226976, 0x800),
    fd(0x01, 2217248, 0x800),
];
const DVD_PLUS_RW_FORMATS: &[FormatDescriptor] = &[fd(0x26, 2295104, 0)];
/// DVD-R / DVD-RW sequential: after the first border is closed the next RZone starts 28688 blocks
/// after the end of the last one (two drives, a DVD-R and a DVD-RW: 65264 → 93952 and 145680 →
/// 174368, real-drives.md §3): border-out + next border-in, 1792 ECC blocks, plus the link block.
const DVD_MINUS_FIRST_BORDER_GAP: u32 = 28688;
/// After later borders: no published output of a disc with three or more borders was found
/// (docs/fidelity.md lists the searches); 6 MiB of border zone stays the estimate (spec, verify).
const DVD_MINUS_LATER_BORDER_GAP: u32 = 3072;
/// DVD-R / DVD-RW sequential (and DVD-R DL, whose feature 0021h names the same link size): the
/// next RZone of an open border starts one ECC block after the end of the previous one, reserved
/// or closed (a camcorder DVD-R: 0+12272 → 12288, 12288+256 → 12560, 12560+665120 → 677696,
/// 677696+32 → 677744, real-drives.md §4).
const DVD_MINUS_LINK_BLOCKS: u32 = 16;
/// Blank DVD+R DL on two drives and two media brands: L0 data zone capacity 2086912 (also the
/// legacy lead-out), free blocks and track size 4173824 = 2 × 2086912 (real-drives.md §1–§2).
const DVD_PLUS_R_DL_LAYER0_BLOCKS: u32 = 2086912;

macro_rules! row {
    ($p:ident, $code:expr, $id:expr, $name:expr, $family:ident, $class:ident, erasable: $er:expr,
     blocks: $rec:expr, lead_out: $lo:expr, granularity: $g:expr $(, $field:ident: $value:expr)* $(,)?) => {
        ProfileFacts {
            profile: Profile::$p, code: $code, id: $id, name: $name,
            family: Family::$family, class: MediaClass::$class, erasable: $er,
            recordable_blocks: $rec, lead_out_blocks: $lo, write_granularity_blocks: $g,
            $($field: $value,)*
            ..ProfileFacts::DEFAULTS
        }
    };
}

impl ProfileFacts {
    const DEFAULTS: ProfileFacts = ProfileFacts {
        profile: Profile::CdRom,
        code: 0,
        id: "",
        name: "",
        family: Family::ReadOnly,
        class: MediaClass::Cd,
        erasable: false,
        recordable_blocks: 0,
        lead_out_blocks: 0,
        settable_layer0_blocks: None,
        write_granularity_blocks: 1,
        overwrite_alignment_blocks: 1,
        max_sessions: None,
        max_tracks: None,
        max_open_tracks: 0,
        session_gap_first_blocks: 0,
        session_gap_later_blocks: 0,
        track_gap_blocks: 0,
        run_out_blocks: 0,
        min_track_blocks: 0,
        auto_finalize_below_blocks: 0,
        session_close_follows_write_parameters: false,
        close_functions: &[],
        blank_types: &[],
        reservable: false,
        format_descriptors: &[],
        formatted_disc_status: DiscStatus::Finalized,
        overwritable_fixed_packet: true,
        closed_track_reports_rt: false,
    };
}

/// The profile table (mmc.md §2.1 numbers and names, §2.3 capacities, §1.5 closes, §7 real values).
///
/// Session gaps: CD 11400 / 6900 (mmc.md §2.4); DVD+R 2048 (a drive placed the next track at 2240
/// after a 192-block session, mmc.md §7; a DVD+R and a DVD+R DL with four sessions each show 2048
/// after every session, docs/fidelity.md); DVD-R / DVD-RW sequential 28688 after the first border
/// ([`DVD_MINUS_FIRST_BORDER_GAP`]) and a 16-block link block between the RZones of one border
/// ([`DVD_MINUS_LINK_BLOCKS`]); the DVD-R gap after later borders and BD-R are (spec, verify).
pub static PROFILES: [ProfileFacts; 16] = [
    row!(CdRom, 0x0008, "cd-rom", "CD-ROM", ReadOnly, Cd, erasable: false, blocks: 0, lead_out: 0, granularity: 1),
    row!(CdR, 0x0009, "cd-r", "CD-R", Sequential, Cd, erasable: false, blocks: 0, lead_out: 0, granularity: 1,
        max_sessions: Some(99), max_tracks: Some(99), max_open_tracks: 2,
        session_gap_first_blocks: 11400, session_gap_later_blocks: 6900, track_gap_blocks: 150,
        run_out_blocks: 2, min_track_blocks: 300,
        session_close_follows_write_parameters: true, close_functions: SEQ_CLOSES, reservable: true),
    row!(CdRw, 0x000A, "cd-rw", "CD-RW", Sequential, Cd, erasable: true, blocks: 0, lead_out: 0, granularity: 1,
        max_sessions: Some(99), max_tracks: Some(99), max_open_tracks: 2,
        session_gap_first_blocks: 11400, session_gap_later_blocks: 6900, track_gap_blocks: 150,
        run_out_blocks: 2, min_track_blocks: 300,
        session_close_follows_write_parameters: true, close_functions: SEQ_CLOSES,
        blank_types: REWRITABLE_BLANKS, reservable: true),
    row!(DvdRom, 0x0010, "dvd-rom", "DVD-ROM", ReadOnly, Dvd, erasable: false, blocks: 0, lead_out: 0, granularity: 16),
    row!(DvdR, 0x0011, "dvd-r", "DVD-R sequential recording", Sequential, Dvd, erasable: false,
        blocks: 2297888, lead_out: 2298496, granularity: 16,
        max_tracks: Some(99), max_open_tracks: 2, session_gap_first_blocks: DVD_MINUS_FIRST_BORDER_GAP,
        session_gap_later_blocks: DVD_MINUS_LATER_BORDER_GAP, track_gap_blocks: DVD_MINUS_LINK_BLOCKS,
        session_close_follows_write_parameters: true, close_functions: SEQ_CLOSES, reservable: true),
    row!(DvdRam, 0x0012, "dvd-ram", "DVD-RAM", Overwritable, Dvd, erasable: true,
        blocks: 2236704, lead_out: 2314080, granularity: 16,
        format_descriptors: DVD_RAM_FORMATS, formatted_disc_status: DiscStatus::RandomAccess),
    row!(DvdRwRestrictedOverwrite, 0x0013, "dvd-rw-ro", "DVD-RW restricted overwrite", Overwritable, Dvd,
        erasable: true, blocks: 2297888, lead_out: 2298496, granularity: 16, overwrite_alignment_blocks: 16,
        close_functions: &[(2, C::FinishIntermediate)], blank_types: &[B::Full, B::Minimal],
        format_descriptors: DVD_RW_FORMATS, formatted_disc_status: DiscStatus::Finalized),
    row!(DvdRwSequential, 0x0014, "dvd-rw", "DVD-RW sequential recording", Sequential, Dvd, erasable: true,
        blocks: 2297888, lead_out: 2298496, granularity: 16,
        max_tracks: Some(99), max_open_tracks: 2, session_gap_first_blocks: DVD_MINUS_FIRST_BORDER_GAP,
        session_gap_later_blocks: DVD_MINUS_LATER_BORDER_GAP, track_gap_blocks: DVD_MINUS_LINK_BLOCKS,
        session_close_follows_write_parameters: true, close_functions: SEQ_CLOSES,
        blank_types: REWRITABLE_BLANKS, reservable: true, format_descriptors: DVD_RW_FORMATS),
    row!(DvdRDl, 0x0015, "dvd-r-dl", "DVD-R/DL sequential recording", Sequential, Dvd, erasable: false,
        blocks: 4171712, lead_out: 4171712, granularity: 16,
        max_sessions: Some(1), max_open_tracks: 2, track_gap_blocks: DVD_MINUS_LINK_BLOCKS, close_functions: SEQ_CLOSES,
        session_close_follows_write_parameters: true, reservable: true),
    row!(DvdPlusRw, 0x001A, "dvd+rw", "DVD+RW", Overwritable, Dvd, erasable: true,
        blocks: 2295104, lead_out: 2295104, granularity: 16,
        close_functions: &[(0, C::StopBackgroundFormat), (2, C::CompleteBackgroundFormat)],
        format_descriptors: DVD_PLUS_RW_FORMATS, formatted_disc_status: DiscStatus::Finalized,
        overwritable_fixed_packet: false),
    row!(DvdPlusR, 0x001B, "dvd+r", "DVD+R", Sequential, Dvd, erasable: false,
        blocks: 2295104, lead_out: 2295104, granularity: 16,
        max_sessions: Some(153), max_open_tracks: 15, session_gap_first_blocks: 2048, session_gap_later_blocks: 2048,
        auto_finalize_below_blocks: 65 * 16, close_functions: DVD_PLUS_R_CLOSES, reservable: true,
        closed_track_reports_rt: true),
    row!(DvdPlusRDl, 0x002B, "dvd+r-dl", "DVD+R/DL", Sequential, Dvd, erasable: false,
        blocks: 2 * DVD_PLUS_R_DL_LAYER0_BLOCKS, lead_out: DVD_PLUS_R_DL_LAYER0_BLOCKS, granularity: 16,
        settable_layer0_blocks: Some(DVD_PLUS_R_DL_LAYER0_BLOCKS),
        max_sessions: Some(127), max_open_tracks: 15, session_gap_first_blocks: 2048, session_gap_later_blocks: 2048,
        auto_finalize_below_blocks: 65 * 16, close_functions: DVD_PLUS_R_CLOSES, reservable: true,
        closed_track_reports_rt: true),
    row!(BdRom, 0x0040, "bd-rom", "BD-ROM", ReadOnly, Bd, erasable: false, blocks: 0, lead_out: 0, granularity: 32),
    row!(BdRSrm, 0x0041, "bd-r", "BD-R sequential recording", Sequential, Bd, erasable: false,
        blocks: 12219392, lead_out: 12219392, granularity: 32,
        max_tracks: Some(7927), max_open_tracks: 16, close_functions: BD_R_CLOSES, reservable: true,
        format_descriptors: BD_R_FORMATS, closed_track_reports_rt: true),
    row!(BdRRrm, 0x0042, "bd-r-rrm", "BD-R random recording", Overwritable, Bd, erasable: false,
        blocks: 11826176, lead_out: 12219392, granularity: 32, formatted_disc_status: DiscStatus::Appendable),
    row!(BdRe, 0x0043, "bd-re", "BD-RE", Overwritable, Bd, erasable: true,
        blocks: 11826176, lead_out: 12219392, granularity: 32,
        format_descriptors: BD_RE_FORMATS, formatted_disc_status: DiscStatus::RandomAccess),
];

impl Profile {
    /// Every profile, in table order.
    pub fn all() -> impl Iterator<Item = Profile> {
        PROFILES.iter().map(|f| f.profile)
    }

    pub fn facts(self) -> &'static ProfileFacts {
        // The table is in enum order; the test `table_is_in_enum_order` keeps it so.
        &PROFILES[self as usize]
    }

    pub fn code(self) -> u16 {
        self.facts().code
    }

    pub fn id(self) -> &'static str {
        self.facts().id
    }

    pub fn name(self) -> &'static str {
        self.facts().name
    }

    pub fn family(self) -> Family {
        self.facts().family
    }

    pub fn class(self) -> MediaClass {
        self.facts().class
    }

    pub fn from_code(code: u16) -> Option<Profile> {
        PROFILES.iter().find(|f| f.code == code).map(|f| f.profile)
    }

    pub fn from_id(id: &str) -> Option<Profile> {
        PROFILES
            .iter()
            .find(|f| f.id.eq_ignore_ascii_case(id))
            .map(|f| f.profile)
    }

    /// The read-only profile of the same class, used for plain `.iso` files.
    pub fn read_only_of(class: MediaClass) -> Profile {
        match class {
            MediaClass::Cd => Profile::CdRom,
            MediaClass::Dvd => Profile::DvdRom,
            MediaClass::Bd => Profile::BdRom,
        }
    }

    /// All profile ids, for error messages and `--help`.
    pub fn ids() -> String {
        PROFILES.iter().map(|f| f.id).collect::<Vec<_>>().join(", ")
    }
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:04X}h)", self.name(), self.code())
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Error for an unknown profile id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown profile \"{given}\" (expected one of: {})", Profile::ids())]
pub struct UnknownProfile {
    pub given: String,
}

impl FromStr for Profile {
    type Err = UnknownProfile;
    fn from_str(s: &str) -> Result<Profile, UnknownProfile> {
        Profile::from_id(s).ok_or_else(|| UnknownProfile { given: s.to_string() })
    }
}

impl Serialize for Profile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Profile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Profile, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Nominal length of a CD-R/CD-RW and what its ATIP reports (mmc.md §2.3, §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CdLength {
    Min74,
    Min80,
}

impl CdLength {
    /// Last possible lead-out start from ATIP: 74 min 74:43:00 = 336075 (real range 335925–336225),
    /// 80 min 79:59:74 = 359849 (real range 359845–359849).
    pub fn lead_out_lba(self) -> u32 {
        match self {
            CdLength::Min74 => 336075,
            CdLength::Min80 => 359849,
        }
    }

    /// Lead-in start of the first session from ATIP: 97:34:23 = −11077 (CDEmu, mmc.md §2.4).
    pub fn lead_in_start_lba(self) -> i32 {
        -11077
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_enum_order() {
        for (i, f) in PROFILES.iter().enumerate() {
            assert_eq!(f.profile as usize, i, "{} is out of order", f.id);
        }
    }

    #[test]
    fn codes_match_mmc() {
        let expected = [
            (Profile::CdRom, 0x08),
            (Profile::CdR, 0x09),
            (Profile::CdRw, 0x0A),
            (Profile::DvdRom, 0x10),
            (Profile::DvdR, 0x11),
            (Profile::DvdRam, 0x12),
            (Profile::DvdRwRestrictedOverwrite, 0x13),
            (Profile::DvdRwSequential, 0x14),
            (Profile::DvdRDl, 0x15),
            (Profile::DvdPlusRw, 0x1A),
            (Profile::DvdPlusR, 0x1B),
            (Profile::DvdPlusRDl, 0x2B),
            (Profile::BdRom, 0x40),
            (Profile::BdRSrm, 0x41),
            (Profile::BdRRrm, 0x42),
            (Profile::BdRe, 0x43),
        ];
        for (p, code) in expected {
            assert_eq!(p.code(), code);
            assert_eq!(Profile::from_code(code), Some(p));
        }
    }

    #[test]
    fn cli_names_parse() {
        for id in [
            "cd-r", "cd-rw", "dvd-r", "dvd-rw", "dvd+r", "dvd+r-dl", "dvd+rw", "dvd-ram", "bd-r", "bd-re", "cd-rom",
            "dvd-rom", "bd-rom",
        ] {
            let p: Profile = id.parse().unwrap();
            assert_eq!(p.id(), id);
        }
        let err = "dvd+rq".parse::<Profile>().unwrap_err().to_string();
        assert!(
            err.starts_with("unknown profile \"dvd+rq\" (expected one of: cd-rom, cd-r,"),
            "{err}"
        );
    }

    #[test]
    fn capacities_from_the_reference() {
        assert_eq!(Profile::DvdPlusR.facts().recordable_blocks, 2295104);
        assert_eq!(Profile::DvdR.facts().lead_out_blocks, 2298496);
        assert_eq!(Profile::DvdPlusRDl.facts().recordable_blocks, 4173824);
        assert_eq!(Profile::DvdPlusRDl.facts().settable_layer0_blocks, Some(2086912));
        assert_eq!(Profile::DvdPlusRDl.facts().lead_out_blocks, 2086912);
        assert!(
            PROFILES
                .iter()
                .all(|f| f.settable_layer0_blocks.is_none() || f.profile == Profile::DvdPlusRDl)
        );
        assert_eq!(Profile::BdRSrm.facts().recordable_blocks, 12219392);
        assert_eq!(Profile::BdRe.facts().recordable_blocks, 11826176);
        assert!(
            Profile::BdRe
                .facts()
                .format_descriptors
                .iter()
                .any(|d| d.format_type == 0x31 && d.blocks == 12219392)
        );
        assert_eq!(CdLength::Min80.lead_out_lba(), 359849);
    }

    #[test]
    fn granularity_by_class() {
        for f in &PROFILES {
            let g = match f.class {
                MediaClass::Cd => 1,
                MediaClass::Dvd => 16,
                MediaClass::Bd => 32,
            };
            assert_eq!(f.write_granularity_blocks, g, "{}", f.id);
        }
    }

    #[test]
    fn serde_uses_ids() {
        assert_eq!(ron::to_string(&Profile::DvdPlusRw).unwrap(), "\"dvd+rw\"");
        assert_eq!(ron::from_str::<Profile>("\"bd-re\"").unwrap(), Profile::BdRe);
    }
}
