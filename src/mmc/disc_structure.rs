//! READ DISC STRUCTURE (ADh) replies (mmc.md §1.3): the common 4-byte header (data length, two
//! reserved bytes), the capability list (format FFh), BD disc information (00h) and BD spare
//! area information (0Ah). DVD formats 00h, 11h and 20h live in `dvd_structure`.

use super::wire::{CdbError, Field, Rest, accessors, impl_to_vec, view};

mod field {
    use super::{Field, Rest};

    pub const DATA_LENGTH: Field = 0..2;
    pub const PAYLOAD: Rest = 4..;
    pub const HEADER_END: usize = 4;

    /// Capability list entry: format code, SDS b7 / RDS b6, structure length.
    pub const CAPABILITY_FORMAT: usize = 0;
    pub const CAPABILITY_FLAGS: usize = 1;
    pub const CAPABILITY_LENGTH: Field = 2..4;
    pub const CAPABILITY_LEN: usize = 4;

    /// BD 0Ah spare area: free and allocated spare blocks (libburn `mmc_get_bd_spare_info`).
    pub const FREE_SPARE_BLOCKS: Field = 8..12;
    pub const ALLOCATED_SPARE_BLOCKS: Field = 12..16;
    pub const SPARE_END: usize = 16;

    /// BD disc information: first DI unit's identifier "DI" and disc type identifier
    /// ("BDO"/"BDW"/"BDR") (spec, verify).
    pub const DI_IDENTIFIER: Field = 4..6;
    pub const DISC_TYPE_IDENTIFIER: Field = 12..15;
}

view!(
    /// Any READ DISC STRUCTURE reply: header and payload.
    DiscStructure,
    min_len = field::HEADER_END
);
accessors!(DiscStructure {
    be data_length / set_data_length: u16 = field::DATA_LENGTH;
    bytes payload / set_payload: [u8] = field::PAYLOAD;
});

impl<T: AsRef<[u8]>> DiscStructure<T> {
    /// The payload as far as the data length and the buffer reach.
    pub fn declared_payload(&self) -> &[u8] {
        let payload = self.payload();
        let declared = usize::from(self.data_length()).saturating_sub(field::HEADER_END - field::DATA_LENGTH.end);
        &payload[..payload.len().min(declared)]
    }
}

/// Emits header + payload; the data length counts the two reserved bytes and the payload.
pub fn structure_to_vec(payload: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0u8; field::HEADER_END + payload.len()];
    let mut view = DiscStructure::new_unchecked(&mut bytes[..]);
    view.set_data_length((payload.len() + field::HEADER_END - field::DATA_LENGTH.end) as u16);
    view.set_payload(payload);
    bytes
}

/// Structure formats (byte 7 of the CDB) this layer has a layout for.
pub mod structure_format {
    /// DVD physical format information / BD disc information.
    pub const PHYSICAL_OR_DISC_INFORMATION: u8 = 0x00;
    /// BD spare area information.
    pub const BD_SPARE_AREA: u8 = 0x0A;
    /// DVD-R / DVD-RW / DVD-R DL: the physical format information recorded in the control data
    /// zone of the lead-in at manufacture, in the layout of format 00h (dvd+rw-mediainfo prints
    /// its end as "Legacy lead-out"; growisofs reads layer 0's size from it on DVD-R DL).
    pub const DVD_CONTROL_DATA_ZONE: u8 = 0x10;
    /// DVD+R / DVD+RW ADIP information.
    pub const DVD_ADIP: u8 = 0x11;
    /// DVD+R DL layer boundary information, read and sent (growisofs `plus_r_dl_split`).
    pub const DVD_LAYER_BOUNDARY: u8 = 0x20;
    /// The list of structures the drive can read / send.
    pub const CAPABILITY_LIST: u8 = 0xFF;
}

/// One entry of the capability list (format FFh).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StructureCapability {
    pub format: u8,
    /// SDS: SEND DISC STRUCTURE accepts it.
    pub sendable: bool,
    /// RDS: READ DISC STRUCTURE returns it.
    pub readable: bool,
    /// Its reply length in bytes.
    pub length: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityListRepr {
    pub capabilities: Vec<StructureCapability>,
}

impl CapabilityListRepr {
    pub fn parse<T: AsRef<[u8]>>(data: &DiscStructure<T>) -> Result<CapabilityListRepr, CdbError> {
        data.check_len()?;
        let capabilities = data
            .declared_payload()
            .chunks_exact(field::CAPABILITY_LEN)
            .map(|entry| StructureCapability {
                format: entry[field::CAPABILITY_FORMAT],
                sendable: entry[field::CAPABILITY_FLAGS] & 0x80 != 0,
                readable: entry[field::CAPABILITY_FLAGS] & 0x40 != 0,
                length: u16::from_be_bytes([
                    entry[field::CAPABILITY_LENGTH.start],
                    entry[field::CAPABILITY_LENGTH.start + 1],
                ]),
            })
            .collect();
        Ok(CapabilityListRepr { capabilities })
    }

    pub fn buffer_len(&self) -> usize {
        field::HEADER_END + field::CAPABILITY_LEN * self.capabilities.len()
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut DiscStructure<T>) {
        let len = self.buffer_len();
        data.buffer.as_mut()[..len].fill(0);
        data.set_data_length((len - field::DATA_LENGTH.end) as u16);
        let area = &mut data.buffer.as_mut()[field::HEADER_END..len];
        for (entry, capability) in area.chunks_exact_mut(field::CAPABILITY_LEN).zip(&self.capabilities) {
            entry[field::CAPABILITY_FORMAT] = capability.format;
            entry[field::CAPABILITY_FLAGS] = u8::from(capability.sendable) << 7 | u8::from(capability.readable) << 6;
            entry[field::CAPABILITY_LENGTH].copy_from_slice(&capability.length.to_be_bytes());
        }
    }
}
impl_to_vec!(CapabilityListRepr, DiscStructure);

/// BD spare area information (format 0Ah, 16 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BdSpareAreaRepr {
    pub free_spare_blocks: u32,
    pub allocated_spare_blocks: u32,
}

impl BdSpareAreaRepr {
    pub fn parse<T: AsRef<[u8]>>(data: &DiscStructure<T>) -> Result<BdSpareAreaRepr, CdbError> {
        let bytes = data.as_bytes();
        if bytes.len() < field::SPARE_END {
            return Err(CdbError::parameter_list_length());
        }
        Ok(BdSpareAreaRepr {
            free_spare_blocks: super::wire::read_be(&bytes[field::FREE_SPARE_BLOCKS]),
            allocated_spare_blocks: super::wire::read_be(&bytes[field::ALLOCATED_SPARE_BLOCKS]),
        })
    }

    pub fn buffer_len(&self) -> usize {
        field::SPARE_END
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut DiscStructure<T>) {
        let bytes = &mut data.buffer.as_mut()[..field::SPARE_END];
        bytes.fill(0);
        super::wire::write_be(
            &mut bytes[field::DATA_LENGTH],
            (field::SPARE_END - field::DATA_LENGTH.end) as u64,
        );
        super::wire::write_be(&mut bytes[field::FREE_SPARE_BLOCKS], u64::from(self.free_spare_blocks));
        super::wire::write_be(
            &mut bytes[field::ALLOCATED_SPARE_BLOCKS],
            u64::from(self.allocated_spare_blocks),
        );
    }
}
impl_to_vec!(BdSpareAreaRepr, DiscStructure);

/// BD disc information (format 00h): the DI units as the disc carries them. Only the first
/// unit's identifiers are interpreted (spec, verify); the bytes pass through unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BdDiscInformationRepr {
    pub units: Vec<u8>,
}

/// Disc type identifiers of a BD DI unit.
pub mod bd_disc_type {
    pub const ROM: &[u8; 3] = b"BDO";
    pub const REWRITABLE: &[u8; 3] = b"BDW";
    pub const RECORDABLE: &[u8; 3] = b"BDR";
}

impl BdDiscInformationRepr {
    /// A single DI unit of `unit_len` bytes with "DI" and the disc type identifier set.
    pub fn with_disc_type(disc_type: &[u8; 3], unit_len: usize) -> BdDiscInformationRepr {
        let mut units = vec![0u8; unit_len.max(field::DISC_TYPE_IDENTIFIER.end - field::HEADER_END)];
        let offset = |range: Field| range.start - field::HEADER_END..range.end - field::HEADER_END;
        units[offset(field::DI_IDENTIFIER)].copy_from_slice(b"DI");
        units[offset(field::DISC_TYPE_IDENTIFIER)].copy_from_slice(disc_type);
        BdDiscInformationRepr { units }
    }

    /// "BDO", "BDW" or "BDR" from the first unit, if present.
    pub fn disc_type(&self) -> Option<[u8; 3]> {
        let start = field::DISC_TYPE_IDENTIFIER.start - field::HEADER_END;
        self.units
            .get(start..start + 3)
            .map(|bytes| [bytes[0], bytes[1], bytes[2]])
    }

    pub fn parse<T: AsRef<[u8]>>(data: &DiscStructure<T>) -> Result<BdDiscInformationRepr, CdbError> {
        data.check_len()?;
        Ok(BdDiscInformationRepr {
            units: data.declared_payload().to_vec(),
        })
    }

    pub fn buffer_len(&self) -> usize {
        field::HEADER_END + self.units.len()
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut DiscStructure<T>) {
        let bytes = structure_to_vec(&self.units);
        data.buffer.as_mut()[..bytes.len()].copy_from_slice(&bytes);
    }
}
impl_to_vec!(BdDiscInformationRepr, DiscStructure);

#[cfg(test)]
mod tests {
    use super::*;

    /// A DVD+RW drive's list: 00h (2052 bytes, readable), 11h (260, readable), FFh.
    static CAPABILITIES: [u8; 16] = [
        0x00, 0x0E, 0x00, 0x00, //
        0x00, 0x40, 0x08, 0x04, //
        0x11, 0x40, 0x01, 0x04, //
        0xFF, 0x40, 0xFF, 0xFF,
    ];
    /// BD-RE default format: 393216 spare blocks allocated, 393000 free (libburn reads 8–15).
    static SPARE_AREA: [u8; 16] = [
        0x00, 0x0E, 0x00, 0x00, 0, 0, 0, 0, 0x00, 0x05, 0xFF, 0x28, 0x00, 0x06, 0x00, 0x00,
    ];

    fn capabilities() -> CapabilityListRepr {
        CapabilityListRepr {
            capabilities: vec![
                StructureCapability {
                    format: 0x00,
                    sendable: false,
                    readable: true,
                    length: 2052,
                },
                StructureCapability {
                    format: 0x11,
                    sendable: false,
                    readable: true,
                    length: 260,
                },
                StructureCapability {
                    format: 0xFF,
                    sendable: false,
                    readable: true,
                    length: 0xFFFF,
                },
            ],
        }
    }

    #[test]
    fn capability_list_deconstruct_and_construct() {
        let data = DiscStructure::new_checked(&CAPABILITIES[..]).unwrap();
        assert_eq!(data.data_length(), 14);
        assert_eq!(data.declared_payload().len(), 12);
        let mut bytes = [0u8; 16];
        let mut view = DiscStructure::new_unchecked(&mut bytes[..]);
        view.set_data_length(14);
        view.set_payload(&CAPABILITIES[4..]);
        assert_eq!(bytes, CAPABILITIES);
    }

    #[test]
    fn capability_list_parse_and_emit() {
        let repr = capabilities();
        assert_eq!(
            CapabilityListRepr::parse(&DiscStructure::new_checked(&CAPABILITIES[..]).unwrap()),
            Ok(repr.clone())
        );
        assert_eq!(repr.to_vec(), CAPABILITIES);
    }

    #[test]
    fn bd_spare_area_parse_and_emit() {
        let repr = BdSpareAreaRepr {
            free_spare_blocks: 393_000,
            allocated_spare_blocks: 393_216,
        };
        assert_eq!(
            BdSpareAreaRepr::parse(&DiscStructure::new_checked(&SPARE_AREA[..]).unwrap()),
            Ok(repr)
        );
        assert_eq!(repr.to_vec(), SPARE_AREA);
        assert_eq!(
            BdSpareAreaRepr::parse(&DiscStructure::new_checked(&SPARE_AREA[..12]).unwrap()),
            Err(CdbError::parameter_list_length())
        );
    }

    #[test]
    fn bd_disc_information_identifies_the_disc() {
        let repr = BdDiscInformationRepr::with_disc_type(bd_disc_type::REWRITABLE, 112);
        let bytes = repr.to_vec();
        assert_eq!(&bytes[..4], &[0x00, 0x72, 0x00, 0x00]);
        assert_eq!(&bytes[4..6], b"DI");
        assert_eq!(&bytes[12..15], b"BDW");
        let parsed = BdDiscInformationRepr::parse(&DiscStructure::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(parsed.disc_type(), Some(*b"BDW"));
        assert_eq!(parsed, repr);
    }
}
