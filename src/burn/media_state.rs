//! What IDiscFormat2Data reports about the medium, computed from what the drive answered (a
//! [`MediaProbe`] plus the current features): CurrentMediaStatus flags (imapi2.md §2.8),
//! CurrentPhysicalMediaType, total and free sectors, the next writable address and the previous
//! session's addresses. Pure functions of the answers, so every rule here is testable without a
//! drive; the multisession objects read the same values (imapi2.md §2.4: "values equal the
//! same-named IDiscFormat2Data properties").

use super::probe::MediaProbe;
use crate::media::{Family, MediaClass, Profile};
use crate::mmc::configuration::ConfigurationRepr;
use crate::mmc::disc_information::{BackgroundFormat, DiscStatus, SessionState};
use crate::mmc::features::feature_code;
use crate::mmc::format_capacities::CurrentCapacityType;
use crate::mmc::format_unit::FormatListRepr;
use crate::mmc::track_information::TrackInformationRepr;
use std::fmt;

/// IMAPI_FORMAT2_DATA_MEDIA_STATE (imapi2.md §2.8): a bitmask, several bits may be set.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MediaStatus(pub u32);

impl MediaStatus {
    pub const UNKNOWN: MediaStatus = MediaStatus(0x0000);
    pub const INFORMATIONAL_MASK: MediaStatus = MediaStatus(0x000F);
    /// 0xFC00 — not the 0xF05C of the checking-media-support sample (a doc bug, §2.8).
    pub const UNSUPPORTED_MASK: MediaStatus = MediaStatus(0xFC00);
    pub const OVERWRITE_ONLY: MediaStatus = MediaStatus(0x0001);
    pub const BLANK: MediaStatus = MediaStatus(0x0002);
    pub const APPENDABLE: MediaStatus = MediaStatus(0x0004);
    pub const FINAL_SESSION: MediaStatus = MediaStatus(0x0008);
    pub const DAMAGED: MediaStatus = MediaStatus(0x0400);
    pub const ERASE_REQUIRED: MediaStatus = MediaStatus(0x0800);
    pub const NON_EMPTY_SESSION: MediaStatus = MediaStatus(0x1000);
    pub const WRITE_PROTECTED: MediaStatus = MediaStatus(0x2000);
    pub const FINALIZED: MediaStatus = MediaStatus(0x4000);
    pub const UNSUPPORTED_MEDIA: MediaStatus = MediaStatus(0x8000);

    const NAMES: [(MediaStatus, &'static str); 10] = [
        (MediaStatus::OVERWRITE_ONLY, "OVERWRITE_ONLY"),
        (MediaStatus::BLANK, "BLANK"),
        (MediaStatus::APPENDABLE, "APPENDABLE"),
        (MediaStatus::FINAL_SESSION, "FINAL_SESSION"),
        (MediaStatus::DAMAGED, "DAMAGED"),
        (MediaStatus::ERASE_REQUIRED, "ERASE_REQUIRED"),
        (MediaStatus::NON_EMPTY_SESSION, "NON_EMPTY_SESSION"),
        (MediaStatus::WRITE_PROTECTED, "WRITE_PROTECTED"),
        (MediaStatus::FINALIZED, "FINALIZED"),
        (MediaStatus::UNSUPPORTED_MEDIA, "UNSUPPORTED_MEDIA"),
    ];

    pub fn contains(self, flags: MediaStatus) -> bool {
        self.0 & flags.0 == flags.0
    }

    pub fn intersects(self, flags: MediaStatus) -> bool {
        self.0 & flags.0 != 0
    }

    /// "Test unsupported with `& UNSUPPORTED_MASK`" (§2.8).
    pub fn is_unsupported(self) -> bool {
        self.intersects(MediaStatus::UNSUPPORTED_MASK)
    }
}

impl std::ops::BitOr for MediaStatus {
    type Output = MediaStatus;
    fn bitor(self, other: MediaStatus) -> MediaStatus {
        MediaStatus(self.0 | other.0)
    }
}

impl std::ops::BitOrAssign for MediaStatus {
    fn bitor_assign(&mut self, other: MediaStatus) {
        self.0 |= other.0;
    }
}

/// `BLANK | APPENDABLE (0x0006)`, or `UNKNOWN (0x0000)`.
impl fmt::Debug for MediaStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = MediaStatus::NAMES
            .iter()
            .filter(|(flag, _)| self.contains(*flag))
            .map(|(_, name)| *name)
            .collect();
        let names = if names.is_empty() {
            "UNKNOWN".to_string()
        } else {
            names.join(" | ")
        };
        write!(f, "{names} (0x{:04X})", self.0)
    }
}

impl fmt::Display for MediaStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// IMAPI_MEDIA_PHYSICAL_TYPE (imapi2.md §2.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PhysicalMediaType(pub u32);

impl PhysicalMediaType {
    pub const UNKNOWN: PhysicalMediaType = PhysicalMediaType(0x00);
    pub const CDROM: PhysicalMediaType = PhysicalMediaType(0x01);
    pub const CDR: PhysicalMediaType = PhysicalMediaType(0x02);
    pub const CDRW: PhysicalMediaType = PhysicalMediaType(0x03);
    pub const DVDROM: PhysicalMediaType = PhysicalMediaType(0x04);
    pub const DVDRAM: PhysicalMediaType = PhysicalMediaType(0x05);
    pub const DVDPLUSR: PhysicalMediaType = PhysicalMediaType(0x06);
    pub const DVDPLUSRW: PhysicalMediaType = PhysicalMediaType(0x07);
    pub const DVDPLUSR_DUALLAYER: PhysicalMediaType = PhysicalMediaType(0x08);
    pub const DVDDASHR: PhysicalMediaType = PhysicalMediaType(0x09);
    pub const DVDDASHRW: PhysicalMediaType = PhysicalMediaType(0x0A);
    pub const DVDDASHR_DUALLAYER: PhysicalMediaType = PhysicalMediaType(0x0B);
    pub const DISK: PhysicalMediaType = PhysicalMediaType(0x0C);
    pub const DVDPLUSRW_DUALLAYER: PhysicalMediaType = PhysicalMediaType(0x0D);
    pub const HDDVDROM: PhysicalMediaType = PhysicalMediaType(0x0E);
    pub const HDDVDR: PhysicalMediaType = PhysicalMediaType(0x0F);
    pub const HDDVDRAM: PhysicalMediaType = PhysicalMediaType(0x10);
    pub const BDROM: PhysicalMediaType = PhysicalMediaType(0x11);
    pub const BDR: PhysicalMediaType = PhysicalMediaType(0x12);
    pub const BDRE: PhysicalMediaType = PhysicalMediaType(0x13);

    /// The physical type of an MMC profile (mmc.md §2.1 → imapi2.md §2.8); UNKNOWN for none.
    pub fn from_profile(profile: u16) -> PhysicalMediaType {
        PROFILE_TYPES
            .iter()
            .find(|(p, _)| *p == profile)
            .map_or(PhysicalMediaType::UNKNOWN, |(_, t)| *t)
    }
}

/// Profile → physical type, one table.
const PROFILE_TYPES: &[(u16, PhysicalMediaType)] = &[
    (0x0008, PhysicalMediaType::CDROM),
    (0x0009, PhysicalMediaType::CDR),
    (0x000A, PhysicalMediaType::CDRW),
    (0x0010, PhysicalMediaType::DVDROM),
    (0x0011, PhysicalMediaType::DVDDASHR),
    (0x0012, PhysicalMediaType::DVDRAM),
    (0x0013, PhysicalMediaType::DVDDASHRW),
    (0x0014, PhysicalMediaType::DVDDASHRW),
    (0x0015, PhysicalMediaType::DVDDASHR_DUALLAYER),
    (0x0016, PhysicalMediaType::DVDDASHR_DUALLAYER),
    (0x001A, PhysicalMediaType::DVDPLUSRW),
    (0x001B, PhysicalMediaType::DVDPLUSR),
    (0x002A, PhysicalMediaType::DVDPLUSRW_DUALLAYER),
    (0x002B, PhysicalMediaType::DVDPLUSR_DUALLAYER),
    (0x0040, PhysicalMediaType::BDROM),
    (0x0041, PhysicalMediaType::BDR),
    (0x0042, PhysicalMediaType::BDR),
    (0x0043, PhysicalMediaType::BDRE),
    (0x0050, PhysicalMediaType::HDDVDROM),
    (0x0051, PhysicalMediaType::HDDVDR),
    (0x0052, PhysicalMediaType::HDDVDRAM),
];

/// Features whose being current means "the drive writes the loaded medium" (mmc.md §1.2): random
/// writable, incremental streaming, restricted overwrite, DVD+RW, DVD+R, CD track-at-once,
/// DVD-R/-RW write, DVD+R DL, BD write.
pub const WRITE_FEATURES: [u16; 9] = [
    feature_code::RANDOM_WRITABLE,
    feature_code::INCREMENTAL_STREAMING_WRITABLE,
    feature_code::RESTRICTED_OVERWRITE,
    feature_code::DVD_PLUS_RW,
    feature_code::DVD_PLUS_R,
    feature_code::CD_TRACK_AT_ONCE,
    feature_code::DVD_R_RW_WRITE,
    feature_code::DVD_PLUS_R_DUAL_LAYER,
    feature_code::BD_WRITE,
];

/// Feature 0004h Write Protect (not in `feature_code`): current when the medium is protected.
const WRITE_PROTECT_FEATURE: u16 = 0x0004;

/// A CD write appends a 150-block post-gap unless the image already has one (imapi2.md §2.5).
pub const CD_POSTGAP_BLOCKS: u32 = 150;

/// The medium as IMAPI2's data writer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaState {
    pub probe: MediaProbe,
    /// `None` for a profile this project does not know (or none: no medium).
    pub profile: Option<Profile>,
    /// A write feature is current: the drive writes this medium.
    pub writable: bool,
    /// Feature 0004h is current.
    pub write_protected: bool,
}

impl MediaState {
    /// Combine a probe with the current features (GET CONFIGURATION RT 01b).
    pub fn new(probe: MediaProbe, current: &ConfigurationRepr) -> MediaState {
        let is_current = |code: u16| current.features.iter().any(|f| f.current && f.code() == code);
        MediaState {
            profile: Profile::from_code(probe.current_profile),
            writable: WRITE_FEATURES.iter().any(|c| is_current(*c)),
            write_protected: is_current(WRITE_PROTECT_FEATURE),
            probe,
        }
    }

    pub fn family(&self) -> Option<Family> {
        self.profile.map(Profile::family)
    }

    pub fn class(&self) -> Option<MediaClass> {
        self.profile.map(Profile::class)
    }

    pub fn physical_type(&self) -> PhysicalMediaType {
        PhysicalMediaType::from_profile(self.probe.current_profile)
    }

    /// A profile the data writer can use at all: known, recordable, written by this drive.
    pub fn is_supported_type(&self) -> bool {
        self.family().is_some_and(|f| f != Family::ReadOnly) && self.writable
    }

    pub fn is_sequential(&self) -> bool {
        self.family() == Some(Family::Sequential)
    }

    pub fn is_overwritable(&self) -> bool {
        self.family() == Some(Family::Overwritable)
    }

    /// The track a new session goes into: the last track when it is blank with a valid next
    /// writable address (the invisible track, mmc.md §2.2).
    pub fn invisible_track(&self) -> Option<&TrackInformationRepr> {
        self.probe
            .tracks
            .last()
            .filter(|t| t.blank && !t.reserved_track && t.next_writable_address.is_some())
    }

    /// The tracks of the last closed session: the session before the invisible track's, or the
    /// last session of a finalized disc.
    pub fn previous_session_tracks(&self) -> Vec<&TrackInformationRepr> {
        let session = match self.invisible_track() {
            Some(t) => t.session_number.saturating_sub(1),
            None if self.probe.disc.disc_status == DiscStatus::Finalized => self.probe.disc.sessions,
            None => 0,
        };
        self.probe
            .tracks
            .iter()
            .filter(|t| session > 0 && t.session_number == session && !t.blank)
            .collect()
    }

    /// No data on a sequential medium (a formatted, unwritten BD-R reports "appendable, one empty
    /// session": blank for a burner, mmc.md §2.2).
    fn sequential_without_data(&self) -> bool {
        self.probe.tracks.iter().all(|t| t.blank)
    }

    /// MediaPhysicallyBlank: the drive says blank (disc status 00b), or a sequential medium has
    /// no data yet.
    pub fn is_physically_blank(&self) -> bool {
        self.probe.disc.disc_status == DiscStatus::Empty || (self.is_sequential() && self.sequential_without_data())
    }

    /// Formatted blocks of an overwritable medium (READ FORMAT CAPACITIES current descriptor
    /// "formatted", or the intermediate 11b state of a quick-formatted DVD-RW).
    pub fn formatted_blocks(&self) -> Option<u32> {
        let current = self.probe.format_capacities.as_ref()?.current;
        match current.kind {
            CurrentCapacityType::Formatted => Some(current.blocks),
            CurrentCapacityType::NoMedium if current.blocks > 0 && self.is_overwritable() => Some(current.blocks),
            _ => None,
        }
    }

    /// FORMAT UNIT's parameter list (Immed) for a format READ FORMAT CAPACITIES offers now — the
    /// descriptor copied from the list, as mmc.md §1.5 04h asks; `None` when it is not offered.
    pub fn format_list(&self, format_type: u8, subtype: u8) -> Option<FormatListRepr> {
        let offered = self.probe.format_capacities.as_ref()?.formattable.iter();
        offered
            .filter(|d| d.format_type == format_type && d.subtype == subtype)
            .map(|d| FormatListRepr::immediate(format_type, subtype, d.blocks, d.type_parameter))
            .next()
    }

    /// A DVD-RW quick-formatted to restricted overwrite and not yet closed (11b with a size).
    pub fn is_intermediate(&self) -> bool {
        self.profile == Some(Profile::DvdRwRestrictedOverwrite)
            && self
                .probe
                .format_capacities
                .as_ref()
                .is_some_and(|f| f.current.kind == CurrentCapacityType::NoMedium && f.current.blocks > 0)
    }

    pub fn is_formatted(&self) -> bool {
        self.is_overwritable() && self.probe.disc.disc_status != DiscStatus::Empty
    }

    /// DVD+RW background format status (READ DISC INFORMATION byte 7).
    pub fn background_format(&self) -> BackgroundFormat {
        self.probe.disc.background_format
    }

    fn closed_sessions(&self) -> u16 {
        match self.probe.disc.last_session_state {
            SessionState::Complete => self.probe.disc.sessions,
            _ => self.probe.disc.sessions.saturating_sub(1),
        }
    }

    /// Only one more session fits: the profile's session limit, or ≤ 2 % free (IMAPI closes the
    /// disc anyway then, imapi2.md §3.7).
    fn is_final_session(&self) -> bool {
        let by_limit = self
            .profile
            .and_then(|p| p.facts().max_sessions)
            .is_some_and(|max| self.closed_sessions() + 1 >= max);
        let total = self.total_sectors();
        let by_space = total > 0 && u64::from(self.free_blocks_raw()) * 50 <= u64::from(total);
        by_limit || by_space
    }

    /// CurrentMediaStatus (imapi2.md §2.8). MediaHeuristicallyBlank is not folded in: it needs
    /// reads and is its own property.
    pub fn status(&self) -> MediaStatus {
        let mut status = MediaStatus::UNKNOWN;
        if self.write_protected {
            status |= MediaStatus::WRITE_PROTECTED;
        }
        if !self.is_supported_type() {
            return status | MediaStatus::UNSUPPORTED_MEDIA;
        }
        let disc = &self.probe.disc;
        if self.is_overwritable() {
            status |= MediaStatus::OVERWRITE_ONLY;
            if disc.disc_status == DiscStatus::Empty {
                status |= MediaStatus::BLANK;
            }
            return status;
        }
        let erasable = disc.erasable;
        // DVD-RW in sequential mode is written by formatting it to restricted overwrite: once it
        // holds data sequentially, IMAPI needs it erased (imapi2.md §3.1).
        let sequential_dvd_rw = self.profile == Some(Profile::DvdRwSequential);
        match disc.disc_status {
            DiscStatus::Empty => status |= MediaStatus::BLANK,
            DiscStatus::Finalized => {
                status |= MediaStatus::FINALIZED;
                if erasable {
                    status |= MediaStatus::ERASE_REQUIRED;
                }
                return status;
            }
            DiscStatus::Incomplete => match disc.last_session_state {
                SessionState::Damaged => status |= MediaStatus::DAMAGED,
                SessionState::Incomplete => status |= MediaStatus::NON_EMPTY_SESSION,
                _ if self.sequential_without_data() => status |= MediaStatus::BLANK,
                _ => {
                    status |= MediaStatus::APPENDABLE;
                    if sequential_dvd_rw {
                        status |= MediaStatus::ERASE_REQUIRED;
                    }
                }
            },
            DiscStatus::Other => return status | MediaStatus::UNSUPPORTED_MEDIA,
        }
        if status.intersects(MediaStatus::BLANK | MediaStatus::APPENDABLE) && self.is_final_session() {
            status |= MediaStatus::FINAL_SESSION;
        }
        status
    }

    /// Free blocks the drive reports for the next session (0 when nothing can be appended).
    fn free_blocks_raw(&self) -> u32 {
        self.invisible_track().map_or(0, |t| t.free_blocks)
    }

    /// TotalSectorsOnMedia: used + free (imapi2.md §2.5). Overwritable: the formatted size, or the
    /// maximum capacity before formatting; sequential: where the free space ends; read-only and
    /// finalized: what READ CAPACITY reports.
    pub fn total_sectors(&self) -> u32 {
        if self.is_overwritable() {
            return self
                .formatted_blocks()
                .or_else(|| self.probe.format_capacities.as_ref().map(|f| f.current.blocks))
                .unwrap_or(self.probe.readable_blocks());
        }
        if let Some(track) = self.invisible_track() {
            let nwa = track.next_writable_address.unwrap_or(0).max(0) as u32;
            return nwa.saturating_add(track.free_blocks);
        }
        match self.probe.tracks.last() {
            Some(t) if t.next_writable_address.is_some() => t.track_start.saturating_add(t.track_size),
            _ => self.probe.readable_blocks(),
        }
    }

    /// FreeSectorsOnMedia: blocks a new session may use — the post-gap a CD write adds excluded
    /// (imapi2.md §2.5). DVD±RW, DVD-RAM and BD-RE report the total (the quirk of §2.5: the
    /// real free space is known only after an import).
    pub fn free_sectors(&self, postgap_already_in_image: bool) -> u32 {
        if self.is_overwritable() {
            return self.total_sectors();
        }
        if !self.status().intersects(MediaStatus::BLANK | MediaStatus::APPENDABLE) || self.status().is_unsupported() {
            return 0;
        }
        let free = self.free_blocks_raw();
        if self.class() == Some(MediaClass::Cd) && !postgap_already_in_image {
            free.saturating_sub(CD_POSTGAP_BLOCKS)
        } else {
            free
        }
    }

    /// NextWritableAddress: where the next session starts — 0 on blank and on overwritable media;
    /// `None` when nothing can be written.
    pub fn next_writable_address(&self) -> Option<u32> {
        if !self.is_supported_type() {
            return None;
        }
        if self.is_overwritable() {
            return Some(0);
        }
        let status = self.status();
        if !status.intersects(MediaStatus::BLANK | MediaStatus::APPENDABLE) || status.is_unsupported() {
            return None;
        }
        self.invisible_track()
            .and_then(|t| t.next_writable_address)
            .map(|nwa| nwa.max(0) as u32)
    }

    /// StartAddressOfPreviousSession: the first block of the last closed session; `None` (−1 at
    /// the API) when there is none.
    pub fn previous_session_start(&self) -> Option<u32> {
        self.previous_session_tracks().first().map(|t| t.track_start)
    }

    /// LastWrittenAddressOfPreviousSession: its last recorded block (READ TRACK INFORMATION's
    /// last recorded address, else the track end); `None` (−1) when there is none.
    pub fn previous_session_last_written(&self) -> Option<u32> {
        self.previous_session_tracks()
            .last()
            .map(|t| match t.last_recorded_address {
                Some(lra) => lra,
                None => (t.track_start + t.track_size).saturating_sub(1),
            })
    }

    /// IsFirstDataSession: no earlier session holds a data track (CD-Extra's audio-only first
    /// session counts as none).
    pub fn is_first_data_session(&self) -> bool {
        !self
            .probe
            .tracks
            .iter()
            .any(|t| !t.blank && t.track_mode & 0x04 != 0 && Some(t.session_number) != self.open_session())
    }

    fn open_session(&self) -> Option<u16> {
        self.invisible_track().map(|t| t.session_number)
    }

    /// WriteUnitSize in blocks: CD 1, DVD 16 (ECC block), BD 32 (cluster) (mmc.md §1.5).
    pub fn write_unit_blocks(&self) -> u32 {
        self.profile.map_or(1, |p| p.facts().write_granularity_blocks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_debug_names_the_flags() {
        assert_eq!(
            format!("{:?}", MediaStatus::BLANK | MediaStatus::FINAL_SESSION),
            "BLANK | FINAL_SESSION (0x000A)"
        );
        assert_eq!(format!("{:?}", MediaStatus::UNKNOWN), "UNKNOWN (0x0000)");
        assert!(MediaStatus::FINALIZED.is_unsupported());
        assert!(!MediaStatus::APPENDABLE.is_unsupported());
    }

    fn state_of(disc: crate::media::Disc, current: &[u16]) -> MediaState {
        use crate::drive::{Drive, DriveModel};
        use crate::mmc::features::{Feature, FeatureRepr};
        let mut drive = Drive::with_medium(
            DriveModel::builtin("bd-writer").unwrap(),
            crate::media::medium::Medium::in_memory(disc),
        );
        drive.settle();
        let probe = MediaProbe::query(&mut drive).unwrap();
        let features = current
            .iter()
            .map(|&code| FeatureRepr::new(Feature::Other { code, data: vec![0; 4] }, true))
            .collect();
        MediaState::new(
            probe,
            &ConfigurationRepr {
                current_profile: 0,
                features,
            },
        )
    }

    #[test]
    fn write_protect_and_writability_come_from_current_features() {
        let blank = || crate::media::Disc::new(Profile::CdR);
        let state = state_of(blank(), &[feature_code::CD_TRACK_AT_ONCE, WRITE_PROTECT_FEATURE]);
        assert_eq!(state.status(), MediaStatus::BLANK | MediaStatus::WRITE_PROTECTED);
        let state = state_of(blank(), &[]);
        assert_eq!(state.status(), MediaStatus::UNSUPPORTED_MEDIA);
        assert_eq!(state.next_writable_address(), None);
    }

    #[test]
    fn physical_types_follow_the_profile() {
        assert_eq!(PhysicalMediaType::from_profile(0x0009), PhysicalMediaType::CDR);
        assert_eq!(PhysicalMediaType::from_profile(0x0014), PhysicalMediaType::DVDDASHRW);
        assert_eq!(
            PhysicalMediaType::from_profile(0x002B),
            PhysicalMediaType::DVDPLUSR_DUALLAYER
        );
        assert_eq!(PhysicalMediaType::from_profile(0x0043).0, 0x13);
        assert_eq!(PhysicalMediaType::from_profile(0x0000), PhysicalMediaType::UNKNOWN);
    }
}
