//! READ DISC INFORMATION (51h) data type 010b reply: POW Resources Information of a BD-R formatted
//! SRM+POW, 16 bytes (MMC-6; libcdio `CDIO_MMC_READ_DISC_INFO_POW`, istgt and Aaru lay it out
//! alike): data length 000Eh, the data type in byte 2 bits 7–5, then three counts.
//!
//! dvd+rw-mediainfo asks for it with CDB byte 1 = 10h, which leaves the data type field (bits 2–0)
//! at 000b: drives answer that with standard disc information, which the tool then prints as "POW
//! RESOURCES INFORMATION" (a real drive's "Remaining Replacements:16843552" is 01010320h, bytes 4–7
//! of its standard reply).

use super::wire::{CdbError, Field, accessors, impl_to_vec, view};

mod field {
    use super::Field;

    pub const LENGTH: Field = 0..2;
    /// Disc information data type b7-5 (010b here).
    pub const DATA_TYPE: usize = 2;
    pub const REMAINING_REPLACEMENTS: Field = 4..8;
    pub const REMAINING_MAP_ENTRIES: Field = 8..12;
    pub const REMAINING_UPDATES: Field = 12..16;
    pub const END: usize = 16;
}

/// Byte 2 bits 7–5 of a POW Resources Information reply.
pub const POW_RESOURCES_DATA_TYPE: u8 = 0b010;

view!(
    /// POW Resources Information.
    PowResources,
    min_len = field::END
);
accessors!(PowResources {
    be length / set_length: u16 = field::LENGTH;
    bits data_type / set_data_type: u8 = field::DATA_TYPE, 0xE0;
    be remaining_replacements / set_remaining_replacements: u32 = field::REMAINING_REPLACEMENTS;
    be remaining_map_entries / set_remaining_map_entries: u32 = field::REMAINING_MAP_ENTRIES;
    be remaining_updates / set_remaining_updates: u32 = field::REMAINING_UPDATES;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PowResourcesRepr {
    /// Remaining POW Replacements: clusters that can still be replaced.
    pub remaining_replacements: u32,
    /// Remaining POW Reallocation Map Entries.
    pub remaining_map_entries: u32,
    /// Number of Remaining POW Updates.
    pub remaining_updates: u32,
}

impl PowResourcesRepr {
    /// Parses a reply; another data type than 010b is 5/26/00 (not this structure).
    pub fn parse<T: AsRef<[u8]>>(data: &PowResources<T>) -> Result<PowResourcesRepr, CdbError> {
        data.check_len()?;
        if data.data_type() != POW_RESOURCES_DATA_TYPE {
            return Err(CdbError::new(super::Sense::INVALID_FIELD_IN_PARAMETER_LIST, None));
        }
        Ok(PowResourcesRepr {
            remaining_replacements: data.remaining_replacements(),
            remaining_map_entries: data.remaining_map_entries(),
            remaining_updates: data.remaining_updates(),
        })
    }

    pub fn buffer_len(&self) -> usize {
        field::END
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut PowResources<T>) {
        data.buffer.as_mut()[..field::END].fill(0);
        data.set_length((field::END - field::LENGTH.end) as u16);
        data.set_data_type(POW_RESOURCES_DATA_TYPE);
        data.set_remaining_replacements(self.remaining_replacements);
        data.set_remaining_map_entries(self.remaining_map_entries);
        data.set_remaining_updates(self.remaining_updates);
    }
}
impl_to_vec!(PowResourcesRepr, PowResources);

#[cfg(test)]
mod tests {
    use super::*;

    /// A 25 GB BD-R formatted 32h 12088320 SRM+POW with 4096 spare clusters, 3 replaced (the
    /// MMC-6 layout; no real drive's reply of this type has been published).
    static FORMATTED_32H: [u8; 16] = [
        0x00, 0x0E, 0x40, 0x00, 0x00, 0x00, 0x0F, 0xFD, 0x00, 0x00, 0x0F, 0xFD, 0x00, 0x00, 0x0F, 0xFD,
    ];

    fn repr() -> PowResourcesRepr {
        PowResourcesRepr {
            remaining_replacements: 4093,
            remaining_map_entries: 4093,
            remaining_updates: 4093,
        }
    }

    #[test]
    fn deconstruct() {
        let data = PowResources::new_checked(&FORMATTED_32H[..]).unwrap();
        assert_eq!(data.length(), 14);
        assert_eq!(data.data_type(), 0b010);
        assert_eq!(data.remaining_replacements(), 4093);
        assert_eq!(data.remaining_map_entries(), 4093);
        assert_eq!(data.remaining_updates(), 4093);
    }

    #[test]
    fn construct() {
        let mut bytes = [0xFFu8; 16];
        let mut data = PowResources::new_unchecked(&mut bytes[..]);
        repr().emit(&mut data);
        assert_eq!(bytes, FORMATTED_32H);
    }

    #[test]
    fn parse_and_emit() {
        let data = PowResources::new_checked(&FORMATTED_32H[..]).unwrap();
        assert_eq!(PowResourcesRepr::parse(&data), Ok(repr()));
        assert_eq!(repr().to_vec(), FORMATTED_32H);
    }

    #[test]
    fn standard_disc_information_is_not_pow_resources() {
        // What dvd+rw-mediainfo receives for its 51 10 request: standard disc information.
        let standard = [0x00, 0x20, 0x0D, 0x01, 0x01, 0x01, 0x03, 0x20, 0, 0, 0, 0, 0, 0, 0, 0];
        let data = PowResources::new_checked(&standard[..]).unwrap();
        assert!(PowResourcesRepr::parse(&data).is_err());
        assert_eq!(
            PowResources::new_checked(&FORMATTED_32H[..15]).unwrap_err(),
            CdbError::parameter_list_length()
        );
    }
}
