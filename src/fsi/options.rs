//! The option values of IFileSystemImage and their rules (imapi2.md §2.1, §2.8): which file
//! systems to create, volume names per file system, ISO 9660 interchange levels, UDF revisions,
//! and the defaults IMAPI2 picks for a physical media type.

use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::fmt;

/// `FsiFileSystems` flags (imapi2.md §2.8).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FileSystems(u32);

impl FileSystems {
    pub const NONE: FileSystems = FileSystems(0);
    pub const ISO9660: FileSystems = FileSystems(1);
    pub const JOLIET: FileSystems = FileSystems(2);
    pub const UDF: FileSystems = FileSystems(4);
    /// "A file system seems present but its layout is not recognised" (identification only).
    pub const UNKNOWN: FileSystems = FileSystems(0x4000_0000);

    /// The flags a caller may ask FileSystemsToCreate for.
    const CREATABLE: u32 = 1 | 2 | 4;

    /// Any combination of the defined flags; `None` for other bits.
    pub fn from_bits(bits: u32) -> Option<FileSystems> {
        (bits & !(Self::CREATABLE | Self::UNKNOWN.0) == 0).then_some(FileSystems(bits))
    }

    pub const fn bits(self) -> u32 {
        self.0
    }

    pub const fn contains(self, other: FileSystems) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    pub const fn intersects(self, other: FileSystems) -> bool {
        self.0 & other.0 != 0
    }

    pub const fn union(self, other: FileSystems) -> FileSystems {
        FileSystems(self.0 | other.0)
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Parses `iso9660,joliet,udf` (also `+` or `|` between names, any case).
    pub fn parse_list(text: &str) -> Result<FileSystems, String> {
        let mut all = FileSystems::NONE;
        for word in text.split([',', '+', '|']).map(str::trim).filter(|w| !w.is_empty()) {
            all = all.union(match word.to_ascii_lowercase().as_str() {
                "iso9660" | "iso" => FileSystems::ISO9660,
                "joliet" => FileSystems::JOLIET,
                "udf" => FileSystems::UDF,
                _ => {
                    return Err(format!(
                        "unknown file system \"{word}\" (expected iso9660, joliet or udf)"
                    ));
                }
            });
        }
        Ok(all)
    }

    /// The single file systems in this set, in flag order.
    pub fn each(self) -> impl Iterator<Item = FileSystems> {
        [
            FileSystems::ISO9660,
            FileSystems::JOLIET,
            FileSystems::UDF,
            FileSystems::UNKNOWN,
        ]
        .into_iter()
        .filter(move |fs| self.contains(*fs))
    }

    /// The name IMAPI2 messages use for one file system (`%2!ls!` of B113, `%1!ls!` of B152).
    pub fn name(self) -> &'static str {
        match self {
            FileSystems::ISO9660 => "ISO9660",
            FileSystems::JOLIET => "Joliet",
            FileSystems::UDF => "UDF",
            FileSystems::UNKNOWN => "Unknown",
            FileSystems::NONE => "None",
            _ => "several",
        }
    }
}

/// `ISO9660|Joliet`, or `None`.
impl fmt::Display for FileSystems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("None");
        }
        let names: Vec<&str> = self.each().map(FileSystems::name).collect();
        f.write_str(&names.join("|"))
    }
}

impl fmt::Debug for FileSystems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FileSystems({self})")
    }
}

/// `GetDefaultFileSystemForImport` (imapi2.md §3.5): the one file system of `found` that an import
/// reads, UDF before Joliet before ISO 9660; `IMAPI_E_INVALID_PARAM` if `found` has none of them.
pub fn default_file_system_for_import(found: FileSystems) -> ImapiResult<FileSystems> {
    [FileSystems::UDF, FileSystems::JOLIET, FileSystems::ISO9660]
        .into_iter()
        .find(|fs| found.contains(*fs))
        .ok_or_else(|| ImapiError::invalid_param("fileSystems"))
}

/// Longest volume name IMAPI2 accepts (put_VolumeName: "limited to 15 characters").
pub const MAX_VOLUME_NAME_CHARS: usize = 15;

/// put_VolumeName's rules (imapi2.md §2.1): at most 15 characters; for ISO 9660 only `A–Z 0–9 _`;
/// for Joliet and UDF also `a–z` and `.`. The name must suit every file system in `systems`
/// except that an ISO 9660 tree beside Joliet or UDF records the name upper-cased (see
/// [`iso9660_volume_name`]), the way a caller who picks "My.Disc" for a Joliet disc expects.
pub fn check_volume_name(name: &str, systems: FileSystems) -> ImapiResult<()> {
    let too_long = name.chars().count() > MAX_VOLUME_NAME_CHARS;
    let iso_only = !systems.intersects(FileSystems::JOLIET.union(FileSystems::UDF));
    let legal = |c: char| {
        c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || (!iso_only && (c.is_ascii_lowercase() || c == '.'))
    };
    if too_long || !name.chars().all(legal) {
        return Err(ImapiError::new(HResult::IMAPI_E_INVALID_VOLUME_NAME));
    }
    Ok(())
}

/// The volume identifier an ISO 9660 PVD records for `name`: upper case, `.` as `_`.
pub fn iso9660_volume_name(name: &str) -> String {
    name.chars()
        .map(|c| if c == '.' { '_' } else { c.to_ascii_uppercase() })
        .collect()
}

/// ISO 9660 interchange levels this builder writes. IMAPI2 itself offers 1 and 2 (imapi2.md §2.8);
/// level 3 is offered on request, for files of 4 GiB and more (multi-extent, udf-iso.md §1.6).
pub const ISO9660_INTERCHANGE_LEVELS: [u32; 3] = [1, 2, 3];

/// UDF revisions accepted for UDFRevision, encoded as IMAPI2 does (1.02 → 0x102, imapi2.md §2.8).
pub const UDF_REVISIONS: [u32; 6] = [0x102, 0x150, 0x200, 0x201, 0x250, 0x260];

/// `1.02` style text for an encoded UDF revision.
pub fn udf_revision_text(revision: u32) -> String {
    format!("{:x}.{:02x}", revision >> 8, revision & 0xFF)
}

/// `2.01` or `0x201` → 0x201, when it is one of [`UDF_REVISIONS`].
pub fn parse_udf_revision(text: &str) -> Option<u32> {
    let value = if let Some(hex) = text.strip_prefix("0x") {
        u32::from_str_radix(hex, 16).ok()?
    } else {
        let (major, minor) = text.split_once('.')?;
        (u32::from_str_radix(major, 16).ok()? << 8) | u32::from_str_radix(minor, 16).ok()?
    };
    UDF_REVISIONS.contains(&value).then_some(value)
}

/// `IMAPI_MEDIA_PHYSICAL_TYPE` (imapi2.md §2.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum MediaPhysicalType {
    Unknown = 0x00,
    CdRom = 0x01,
    CdR = 0x02,
    CdRw = 0x03,
    DvdRom = 0x04,
    DvdRam = 0x05,
    DvdPlusR = 0x06,
    DvdPlusRw = 0x07,
    DvdPlusRDualLayer = 0x08,
    DvdDashR = 0x09,
    DvdDashRw = 0x0A,
    DvdDashRDualLayer = 0x0B,
    Disk = 0x0C,
    DvdPlusRwDualLayer = 0x0D,
    HdDvdRom = 0x0E,
    HdDvdR = 0x0F,
    HdDvdRam = 0x10,
    BdRom = 0x11,
    BdR = 0x12,
    BdRe = 0x13,
}

impl MediaPhysicalType {
    pub const ALL: [MediaPhysicalType; 20] = [
        Self::Unknown,
        Self::CdRom,
        Self::CdR,
        Self::CdRw,
        Self::DvdRom,
        Self::DvdRam,
        Self::DvdPlusR,
        Self::DvdPlusRw,
        Self::DvdPlusRDualLayer,
        Self::DvdDashR,
        Self::DvdDashRw,
        Self::DvdDashRDualLayer,
        Self::Disk,
        Self::DvdPlusRwDualLayer,
        Self::HdDvdRom,
        Self::HdDvdR,
        Self::HdDvdRam,
        Self::BdRom,
        Self::BdR,
        Self::BdRe,
    ];

    pub fn from_value(value: u32) -> Option<MediaPhysicalType> {
        Self::ALL.into_iter().find(|t| *t as u32 == value)
    }

    /// What ChooseImageDefaultsForMediaType picks for a writable type; `None` for types nothing
    /// is written to (pressed media, unknown).
    ///
    /// The file-system choice follows what IMAPI2 is observed to do (CD: ISO 9660 + Joliet; DVD and
    /// HD DVD: ISO 9660 + Joliet + UDF 1.02; BD: UDF 2.50) — the documentation does not list it
    /// (imapi2.md §5). Free blocks are those of a blank medium of the type (80-minute CD); Disk is
    /// unlimited (0).
    pub fn image_defaults(self) -> Option<ImageDefaults> {
        use MediaPhysicalType::*;
        let cd = FileSystems::ISO9660.union(FileSystems::JOLIET);
        let dvd = cd.union(FileSystems::UDF);
        let (file_systems, udf_revision, free_media_blocks) = match self {
            Unknown | CdRom | DvdRom | HdDvdRom | BdRom => return None,
            CdR | CdRw => (cd, 0x102, 359_847),
            DvdPlusR | DvdPlusRw => (dvd, 0x102, 2_295_104),
            DvdDashR => (dvd, 0x102, 2_298_496),
            DvdDashRw => (dvd, 0x102, 2_297_888),
            DvdRam => (dvd, 0x102, 2_236_704),
            DvdPlusRDualLayer | DvdPlusRwDualLayer => (dvd, 0x102, 4_173_824),
            DvdDashRDualLayer => (dvd, 0x102, 4_171_712),
            // Nominal 15 GB single-layer HD DVD (unverified; no reference lists it).
            HdDvdR | HdDvdRam => (dvd, 0x102, 7_335_280),
            BdR => (FileSystems::UDF, 0x250, 12_219_392),
            BdRe => (FileSystems::UDF, 0x250, 11_826_176),
            Disk => (dvd, 0x102, 0),
        };
        Some(ImageDefaults {
            file_systems,
            udf_revision,
            free_media_blocks,
        })
    }
}

/// Options ChooseImageDefaultsForMediaType sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageDefaults {
    pub file_systems: FileSystems,
    pub udf_revision: u32,
    pub free_media_blocks: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_system_flags() {
        let both = FileSystems::ISO9660.union(FileSystems::JOLIET);
        assert_eq!(both.bits(), 3);
        assert_eq!(both.to_string(), "ISO9660|Joliet");
        assert_eq!(FileSystems::from_bits(8), None);
        assert_eq!(FileSystems::parse_list("iso9660,Joliet").unwrap(), both);
        assert!(FileSystems::parse_list("fat").is_err());
    }

    #[test]
    fn import_precedence_is_udf_joliet_iso() {
        let all = FileSystems::from_bits(7).unwrap();
        assert_eq!(default_file_system_for_import(all).unwrap(), FileSystems::UDF);
        assert_eq!(
            default_file_system_for_import(FileSystems::from_bits(3).unwrap()).unwrap(),
            FileSystems::JOLIET
        );
        assert_eq!(
            default_file_system_for_import(FileSystems::UNKNOWN).unwrap_err().code,
            HResult::IMAPI_E_INVALID_PARAM
        );
    }

    #[test]
    fn volume_names_per_file_system() {
        let iso = FileSystems::ISO9660;
        let joliet = FileSystems::ISO9660.union(FileSystems::JOLIET);
        assert!(check_volume_name("BACKUP_2024", iso).is_ok());
        assert!(check_volume_name("Backup", iso).is_err());
        assert!(check_volume_name("Backup.2024", joliet).is_ok());
        assert!(check_volume_name("Backup 2024", joliet).is_err());
        assert!(check_volume_name("ABCDEFGHIJKLMNOP", joliet).is_err());
        assert_eq!(iso9660_volume_name("Backup.2024"), "BACKUP_2024");
    }

    #[test]
    fn udf_revision_text_round_trips() {
        assert_eq!(udf_revision_text(0x201), "2.01");
        assert_eq!(parse_udf_revision("2.50"), Some(0x250));
        assert_eq!(parse_udf_revision("0x102"), Some(0x102));
        assert_eq!(parse_udf_revision("2.10"), None);
    }

    #[test]
    fn pressed_media_have_no_defaults() {
        assert_eq!(MediaPhysicalType::DvdRom.image_defaults(), None);
        assert_eq!(MediaPhysicalType::from_value(0x12), Some(MediaPhysicalType::BdR));
        assert_eq!(MediaPhysicalType::CdR.image_defaults().unwrap().file_systems.bits(), 3);
    }
}
