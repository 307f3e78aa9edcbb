//! Medium query CDBs (mmc.md §1.2–§1.4): READ CAPACITY 25h, READ FORMAT CAPACITIES 23h,
//! READ TOC/PMA/ATIP 43h, READ DISC INFORMATION 51h, READ TRACK INFORMATION 52h,
//! READ DISC STRUCTURE ADh — and its counterpart SEND DISC STRUCTURE BFh, whose CDB has the same
//! media type, format, length and AGID fields (the length counts the parameter list).

use super::{DataDirection, cdb_repr, opcode};
use crate::mmc::Sense;
use crate::mmc::sense_data::FieldPointer;
use crate::mmc::wire::{CdbError, Field, accessors, view};

mod field {
    use super::Field;

    pub const OPCODE: usize = 0;
    /// The allocation length of most 10-byte query CDBs.
    pub const ALLOCATION_LENGTH_10: Field = 7..9;
    pub const CDB10_END: usize = 10;
    pub const CDB12_END: usize = 12;

    pub mod toc {
        /// MSF b1.
        pub const FLAGS: usize = 1;
        /// Format b3-0.
        pub const FORMAT: usize = 2;
        pub const TRACK_OR_SESSION: usize = 6;
        /// Legacy INF-8020 format in b7-6 (mmc.md §1.3).
        pub const CONTROL: usize = 9;
    }

    pub mod disc_information {
        /// Data type b2-0.
        pub const FLAGS: usize = 1;
    }

    pub mod track_information {
        use super::Field;
        /// Open b2, address/number type b1-0.
        pub const FLAGS: usize = 1;
        pub const ADDRESS: Field = 2..6;
    }

    pub mod disc_structure {
        use super::Field;
        /// Media type b3-0.
        pub const MEDIA_TYPE: usize = 1;
        pub const ADDRESS: Field = 2..6;
        pub const LAYER: usize = 6;
        pub const FORMAT: usize = 7;
        /// READ: allocation length; SEND: parameter list length.
        pub const ALLOCATION_LENGTH: Field = 8..10;
        /// AGID b7-6.
        pub const AGID: usize = 10;
    }
}

/// A 10-byte query CDB whose only field is the allocation length in bytes 7–8.
macro_rules! allocation_only {
    ($(#[$doc:meta])* $repr:ident, $view:ident, $opcode:expr) => {
        view!(
            $(#[$doc])*
            $view,
            min_len = field::CDB10_END
        );
        accessors!($view {
            byte opcode / set_opcode: u8 = field::OPCODE;
            be allocation_length / set_allocation_length: u16 = field::ALLOCATION_LENGTH_10;
        });

        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $repr {
            pub allocation_length: u16,
        }

        impl $repr {
            pub fn parse<T: AsRef<[u8]>>(cdb: &$view<T>) -> Result<$repr, CdbError> {
                Ok($repr { allocation_length: cdb.allocation_length() })
            }

            pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut $view<T>) {
                cdb.buffer.as_mut()[..field::CDB10_END].fill(0);
                cdb.set_opcode(Self::OPCODE);
                cdb.set_allocation_length(self.allocation_length);
            }

            pub fn data_direction(&self) -> DataDirection {
                DataDirection::In { bytes: self.allocation_length.into() }
            }
        }
        cdb_repr!($repr, $view, $opcode);
    };
}

allocation_only!(
    /// READ FORMAT CAPACITIES (23h): allocation length 7–8 (mmc.md §1.2).
    ReadFormatCapacities,
    ReadFormatCapacitiesCdb,
    opcode::READ_FORMAT_CAPACITIES
);

view!(
    /// READ CAPACITY (25h). The LBA and PMI fields are obsolete in MMC and ignored.
    ReadCapacityCdb,
    min_len = field::CDB10_END
);
accessors!(ReadCapacityCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
});

/// READ CAPACITY: 8 bytes of reply (mmc.md §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadCapacity;

impl ReadCapacity {
    pub const REPLY_BYTES: u64 = 8;

    pub fn parse<T: AsRef<[u8]>>(_cdb: &ReadCapacityCdb<T>) -> Result<ReadCapacity, CdbError> {
        Ok(ReadCapacity)
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut ReadCapacityCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB10_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: Self::REPLY_BYTES,
        }
    }
}
cdb_repr!(ReadCapacity, ReadCapacityCdb, opcode::READ_CAPACITY);

view!(
    /// READ TOC/PMA/ATIP (43h) (mmc.md §1.3).
    ReadTocCdb,
    min_len = field::CDB10_END
);
accessors!(ReadTocCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit msf / set_msf: bool = field::toc::FLAGS, 0x02;
    bits format / set_format: u8 = field::toc::FORMAT, 0x0F;
    byte track_or_session / set_track_or_session: u8 = field::toc::TRACK_OR_SESSION;
    be allocation_length / set_allocation_length: u16 = field::ALLOCATION_LENGTH_10;
    bits legacy_format / set_legacy_format: u8 = field::toc::CONTROL, 0xC0;
});

/// READ TOC formats (byte 2 b3-0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TocFormat {
    Formatted = 0,
    MultiSession = 1,
    Raw = 2,
    Pma = 3,
    Atip = 4,
    CdText = 5,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadToc {
    pub msf: bool,
    pub format: TocFormat,
    /// Starting track (format 0), session (format 2), ignored otherwise.
    pub track_or_session: u8,
    pub allocation_length: u16,
}

impl ReadToc {
    /// Where the drive points when the track or session does not exist (CDEmu, mmc.md §1.3).
    pub const TRACK_POINTER: FieldPointer = FieldPointer::cdb(field::toc::TRACK_OR_SESSION as u16, None);

    pub fn parse<T: AsRef<[u8]>>(cdb: &ReadTocCdb<T>) -> Result<ReadToc, CdbError> {
        let format = match (cdb.format(), cdb.legacy_format()) {
            // mmc.md §1.3: INF-8020 put the format in control bits 7-6 (40h → 1, 80h → 2).
            (0, 1) => TocFormat::MultiSession,
            (0, 2) => TocFormat::Raw,
            (0, 3) => return Err(CdbError::invalid_field_in_cdb(field::toc::CONTROL as u16, Some(7))),
            (0, _) => TocFormat::Formatted,
            (1, _) => TocFormat::MultiSession,
            (2, _) => TocFormat::Raw,
            (3, _) => TocFormat::Pma,
            (4, _) => TocFormat::Atip,
            (5, _) => TocFormat::CdText,
            _ => return Err(CdbError::invalid_field_in_cdb(field::toc::FORMAT as u16, Some(3))),
        };
        let track = cdb.track_or_session();
        // A formatted TOC starts at track 0–99 or at the lead-out AAh; other numbers never exist.
        if format == TocFormat::Formatted && track > 99 && track != 0xAA {
            return Err(CdbError::new(Sense::INVALID_FIELD_IN_CDB, Some(Self::TRACK_POINTER)));
        }
        Ok(ReadToc {
            msf: cdb.msf(),
            format,
            track_or_session: track,
            allocation_length: cdb.allocation_length(),
        })
    }

    /// Emits the modern encoding (format in byte 2, control byte 0).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut ReadTocCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB10_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_msf(self.msf);
        cdb.set_format(self.format as u8);
        cdb.set_track_or_session(self.track_or_session);
        cdb.set_allocation_length(self.allocation_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: self.allocation_length.into(),
        }
    }
}
cdb_repr!(ReadToc, ReadTocCdb, opcode::READ_TOC_PMA_ATIP);

view!(
    /// READ DISC INFORMATION (51h): data type byte 1 b2-0, allocation 7–8 (mmc.md §1.4).
    ReadDiscInformationCdb,
    min_len = field::CDB10_END
);
accessors!(ReadDiscInformationCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bits data_type / set_data_type: u8 = field::disc_information::FLAGS, 0x07;
    be allocation_length / set_allocation_length: u16 = field::ALLOCATION_LENGTH_10;
});

/// READ DISC INFORMATION data types (MMC-5/6; types 1 and 2 exist for BD only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscInformationType {
    Standard = 0,
    TrackResources = 1,
    PowResources = 2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadDiscInformation {
    pub data_type: DiscInformationType,
    pub allocation_length: u16,
}

impl ReadDiscInformation {
    /// Where a drive points when it refuses a valid but unsupported data type (mmc.md §1.4).
    pub const DATA_TYPE_POINTER: FieldPointer = FieldPointer::cdb(field::disc_information::FLAGS as u16, Some(2));

    pub fn parse<T: AsRef<[u8]>>(cdb: &ReadDiscInformationCdb<T>) -> Result<ReadDiscInformation, CdbError> {
        let data_type = match cdb.data_type() {
            0 => DiscInformationType::Standard,
            1 => DiscInformationType::TrackResources,
            2 => DiscInformationType::PowResources,
            _ => {
                return Err(CdbError::new(
                    Sense::INVALID_FIELD_IN_CDB,
                    Some(Self::DATA_TYPE_POINTER),
                ));
            }
        };
        Ok(ReadDiscInformation {
            data_type,
            allocation_length: cdb.allocation_length(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut ReadDiscInformationCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB10_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_data_type(self.data_type as u8);
        cdb.set_allocation_length(self.allocation_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: self.allocation_length.into(),
        }
    }
}
cdb_repr!(
    ReadDiscInformation,
    ReadDiscInformationCdb,
    opcode::READ_DISC_INFORMATION
);

view!(
    /// READ TRACK INFORMATION (52h): byte 1 Open b2 + address type b1-0, address 2–5,
    /// allocation 7–8 (mmc.md §1.4).
    ReadTrackInformationCdb,
    min_len = field::CDB10_END
);
accessors!(ReadTrackInformationCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit open / set_open: bool = field::track_information::FLAGS, 0x04;
    bits address_type / set_address_type: u8 = field::track_information::FLAGS, 0x03;
    be address / set_address: u32 = field::track_information::ADDRESS;
    be allocation_length / set_allocation_length: u16 = field::ALLOCATION_LENGTH_10;
});

/// Which track READ TRACK INFORMATION asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackAddress {
    /// 00b: the track containing this LBA.
    Lba(u32),
    /// 01b: track number; 0 = lead-in (CD), FFh = the invisible/incomplete track.
    Track(u32),
    /// 10b: the first track of this session.
    Session(u32),
}

/// Track number FFh: the invisible / incomplete track (mmc.md §1.4).
pub const INVISIBLE_TRACK: u32 = 0xFF;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadTrackInformation {
    pub address: TrackAddress,
    /// Open (MMC-6): report the first open track ≥ the address.
    pub open: bool,
    pub allocation_length: u16,
}

impl ReadTrackInformation {
    /// Where the drive points for a track that does not exist (mmc.md §7: 5/24/00).
    pub const ADDRESS_POINTER: FieldPointer = FieldPointer::cdb(field::track_information::ADDRESS.start as u16, None);

    pub fn parse<T: AsRef<[u8]>>(cdb: &ReadTrackInformationCdb<T>) -> Result<ReadTrackInformation, CdbError> {
        let address = match cdb.address_type() {
            0 => TrackAddress::Lba(cdb.address()),
            1 => TrackAddress::Track(cdb.address()),
            2 => TrackAddress::Session(cdb.address()),
            _ => {
                return Err(CdbError::invalid_field_in_cdb(
                    field::track_information::FLAGS as u16,
                    Some(1),
                ));
            }
        };
        Ok(ReadTrackInformation {
            address,
            open: cdb.open(),
            allocation_length: cdb.allocation_length(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut ReadTrackInformationCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB10_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        let (kind, value) = match self.address {
            TrackAddress::Lba(value) => (0, value),
            TrackAddress::Track(value) => (1, value),
            TrackAddress::Session(value) => (2, value),
        };
        cdb.set_address_type(kind);
        cdb.set_address(value);
        cdb.set_open(self.open);
        cdb.set_allocation_length(self.allocation_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: self.allocation_length.into(),
        }
    }
}
cdb_repr!(
    ReadTrackInformation,
    ReadTrackInformationCdb,
    opcode::READ_TRACK_INFORMATION
);

view!(
    /// READ DISC STRUCTURE (ADh) (mmc.md §1.3).
    ReadDiscStructureCdb,
    min_len = field::CDB12_END
);
accessors!(ReadDiscStructureCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bits media_type / set_media_type: u8 = field::disc_structure::MEDIA_TYPE, 0x0F;
    be address / set_address: u32 = field::disc_structure::ADDRESS;
    byte layer / set_layer: u8 = field::disc_structure::LAYER;
    byte format / set_format: u8 = field::disc_structure::FORMAT;
    be allocation_length / set_allocation_length: u16 = field::disc_structure::ALLOCATION_LENGTH;
    bits agid / set_agid: u8 = field::disc_structure::AGID, 0xC0;
});

/// READ / SEND DISC STRUCTURE media type (byte 1 b3-0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructureMedia {
    Dvd = 0,
    Bd = 1,
}

impl StructureMedia {
    /// 0 DVD, 1 BD; anything else 5/24/00 at byte 1, bit 3.
    fn from_code(code: u8) -> Result<StructureMedia, CdbError> {
        match code {
            0 => Ok(StructureMedia::Dvd),
            1 => Ok(StructureMedia::Bd),
            _ => Err(CdbError::invalid_field_in_cdb(
                field::disc_structure::MEDIA_TYPE as u16,
                Some(3),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadDiscStructure {
    pub media: StructureMedia,
    pub address: u32,
    pub layer: u8,
    /// Structure format: DVD 00h, 11h, FFh…; BD 00h, 0Ah… (mmc.md §1.3).
    pub format: u8,
    pub allocation_length: u16,
    pub agid: u8,
}

impl ReadDiscStructure {
    /// Where the drive points for a format it does not have (mmc.md §1.3: 5/24/00).
    pub const FORMAT_POINTER: FieldPointer = FieldPointer::cdb(field::disc_structure::FORMAT as u16, None);

    pub fn parse<T: AsRef<[u8]>>(cdb: &ReadDiscStructureCdb<T>) -> Result<ReadDiscStructure, CdbError> {
        Ok(ReadDiscStructure {
            media: StructureMedia::from_code(cdb.media_type())?,
            address: cdb.address(),
            layer: cdb.layer(),
            format: cdb.format(),
            allocation_length: cdb.allocation_length(),
            agid: cdb.agid(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut ReadDiscStructureCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB12_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_media_type(self.media as u8);
        cdb.set_address(self.address);
        cdb.set_layer(self.layer);
        cdb.set_format(self.format);
        cdb.set_allocation_length(self.allocation_length);
        cdb.set_agid(self.agid);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: self.allocation_length.into(),
        }
    }
}
cdb_repr!(ReadDiscStructure, ReadDiscStructureCdb, opcode::READ_DISC_STRUCTURE);

view!(
    /// SEND DISC STRUCTURE (BFh), formerly SEND DVD STRUCTURE (mmc.md §1.3): growisofs sends
    /// `BF 00 00 00 00 00 00 20 00 0C 00 00` with the DVD+R DL layer boundary.
    SendDiscStructureCdb,
    min_len = field::CDB12_END
);
accessors!(SendDiscStructureCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bits media_type / set_media_type: u8 = field::disc_structure::MEDIA_TYPE, 0x0F;
    byte format / set_format: u8 = field::disc_structure::FORMAT;
    be parameter_list_length / set_parameter_list_length: u16 = field::disc_structure::ALLOCATION_LENGTH;
    bits agid / set_agid: u8 = field::disc_structure::AGID, 0xC0;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendDiscStructure {
    pub media: StructureMedia,
    /// Structure format: DVD 20h layer boundary (mmc.md §1.3).
    pub format: u8,
    pub parameter_list_length: u16,
    pub agid: u8,
}

impl SendDiscStructure {
    /// Where the drive points for a format it does not take (5/24/00).
    pub const FORMAT_POINTER: FieldPointer = FieldPointer::cdb(field::disc_structure::FORMAT as u16, None);

    pub fn parse<T: AsRef<[u8]>>(cdb: &SendDiscStructureCdb<T>) -> Result<SendDiscStructure, CdbError> {
        Ok(SendDiscStructure {
            media: StructureMedia::from_code(cdb.media_type())?,
            format: cdb.format(),
            parameter_list_length: cdb.parameter_list_length(),
            agid: cdb.agid(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut SendDiscStructureCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB12_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_media_type(self.media as u8);
        cdb.set_format(self.format);
        cdb.set_parameter_list_length(self.parameter_list_length);
        cdb.set_agid(self.agid);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::Out {
            bytes: self.parameter_list_length.into(),
        }
    }
}
cdb_repr!(SendDiscStructure, SendDiscStructureCdb, opcode::SEND_DISC_STRUCTURE);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_toc_deconstruct_construct() {
        // libburn's CD-TEXT request `43 02 05` (mmc.md §1.3), track 0, allocation 4.
        let bytes = [0x43, 0x02, 0x05, 0, 0, 0, 0x00, 0x00, 0x04, 0x00];
        let cdb = ReadTocCdb::new_checked(&bytes[..]).unwrap();
        assert!(cdb.msf());
        assert_eq!(cdb.format(), 5);
        let repr = ReadToc::parse(&cdb).unwrap();
        assert_eq!(
            repr,
            ReadToc {
                msf: true,
                format: TocFormat::CdText,
                track_or_session: 0,
                allocation_length: 4
            }
        );
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn read_toc_legacy_format_in_control_byte() {
        let legacy_session = [0x43, 0x00, 0x00, 0, 0, 0, 0, 0x00, 0x0C, 0x40];
        let repr = ReadToc::parse(&ReadTocCdb::new_checked(&legacy_session[..]).unwrap()).unwrap();
        assert_eq!(repr.format, TocFormat::MultiSession);
        let legacy_raw = [0x43, 0x02, 0x00, 0, 0, 0, 1, 0x03, 0x00, 0x80];
        let repr = ReadToc::parse(&ReadTocCdb::new_checked(&legacy_raw[..]).unwrap()).unwrap();
        assert_eq!(repr.format, TocFormat::Raw);
        assert!(repr.msf);
        assert_eq!(repr.to_vec(), [0x43, 0x02, 0x02, 0, 0, 0, 1, 0x03, 0x00, 0x00]);
    }

    #[test]
    fn read_disc_information_libburn() {
        let bytes = [0x51, 0, 0, 0, 0, 0, 0, 0x00, 0x22, 0];
        let repr = ReadDiscInformation::parse(&ReadDiscInformationCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            ReadDiscInformation {
                data_type: DiscInformationType::Standard,
                allocation_length: 34
            }
        );
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn read_track_information_invisible_track() {
        let bytes = [0x52, 0x01, 0, 0, 0, 0xFF, 0, 0x00, 0x20, 0];
        let repr = ReadTrackInformation::parse(&ReadTrackInformationCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            ReadTrackInformation {
                address: TrackAddress::Track(INVISIBLE_TRACK),
                open: false,
                allocation_length: 32
            }
        );
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn read_disc_structure_bd_spare_area() {
        let bytes = [0xAD, 0x01, 0, 0, 0, 0, 0, 0x0A, 0x00, 0x10, 0x00, 0];
        let repr = ReadDiscStructure::parse(&ReadDiscStructureCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(repr.media, StructureMedia::Bd);
        assert_eq!(repr.format, 0x0A);
        assert_eq!(repr.allocation_length, 16);
        assert_eq!(repr.to_vec(), bytes);
    }

    /// growisofs' `plus_r_dl_split`: format 20h, a 12-byte parameter list.
    #[test]
    fn send_disc_structure_growisofs_layer_boundary() {
        let bytes = [0xBF, 0x00, 0, 0, 0, 0, 0, 0x20, 0x00, 0x0C, 0x00, 0];
        let repr = SendDiscStructure::parse(&SendDiscStructureCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            SendDiscStructure {
                media: StructureMedia::Dvd,
                format: 0x20,
                parameter_list_length: 12,
                agid: 0
            }
        );
        assert_eq!(repr.data_direction(), DataDirection::Out { bytes: 12 });
        assert_eq!(repr.to_vec(), bytes);
        let reserved_media = [0xBF, 0x02, 0, 0, 0, 0, 0, 0x20, 0x00, 0x0C, 0x00, 0];
        assert_eq!(
            SendDiscStructure::parse(&SendDiscStructureCdb::new_checked(&reserved_media[..]).unwrap()),
            Err(CdbError::invalid_field_in_cdb(1, Some(3)))
        );
    }

    #[test]
    fn read_capacity_and_format_capacities() {
        let bytes = [0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let repr = ReadCapacity::parse(&ReadCapacityCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(repr.to_vec(), bytes);
        assert_eq!(repr.data_direction(), DataDirection::In { bytes: 8 });
        let bytes = [0x23, 0, 0, 0, 0, 0, 0, 0x00, 0xFC, 0];
        let repr = ReadFormatCapacities::parse(&ReadFormatCapacitiesCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(repr.allocation_length, 0xFC);
        assert_eq!(repr.to_vec(), bytes);
    }
}
