//! READ CAPACITY (25h) reply: 8 bytes, last readable LBA and block length (mmc.md §1.2).
//!
//! Blank media answer 0 (dvd+rw-mediainfo prints `READ CAPACITY: 0*2048`; libburn treats a BD-R
//! with capacity 0 as blank); on CD the last LBA is the start of the last lead-out − 1.

use super::wire::{CdbError, Field, accessors, impl_to_vec, view};

mod field {
    use super::Field;

    pub const LAST_LBA: Field = 0..4;
    pub const BLOCK_LENGTH: Field = 4..8;
    pub const END: usize = 8;
}

view!(
    /// READ CAPACITY data.
    ReadCapacityData,
    min_len = field::END
);
accessors!(ReadCapacityData {
    be last_lba / set_last_lba: u32 = field::LAST_LBA;
    be block_length / set_block_length: u32 = field::BLOCK_LENGTH;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadCapacityRepr {
    /// The last readable LBA; 0 on blank media (mmc.md §7).
    pub last_lba: u32,
    pub block_length: u32,
}

impl ReadCapacityRepr {
    /// What a drive reports for a medium with `blocks` readable blocks of 2048 bytes.
    pub fn for_blocks(blocks: u32) -> ReadCapacityRepr {
        ReadCapacityRepr {
            last_lba: blocks.saturating_sub(1),
            block_length: 2048,
        }
    }

    pub fn parse<T: AsRef<[u8]>>(data: &ReadCapacityData<T>) -> Result<ReadCapacityRepr, CdbError> {
        data.check_len()?;
        Ok(ReadCapacityRepr {
            last_lba: data.last_lba(),
            block_length: data.block_length(),
        })
    }

    pub fn buffer_len(&self) -> usize {
        field::END
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut ReadCapacityData<T>) {
        data.set_last_lba(self.last_lba);
        data.set_block_length(self.block_length);
    }
}
impl_to_vec!(ReadCapacityRepr, ReadCapacityData);

#[cfg(test)]
mod tests {
    use super::*;

    /// Formatted DVD+RW: 2295104 blocks (mmc.md §7), last LBA 2295103.
    static FORMATTED_DVD_PLUS_RW: [u8; 8] = [0x00, 0x23, 0x05, 0x3F, 0x00, 0x00, 0x08, 0x00];
    /// Blank media: 0 (mmc.md §1.2, §7).
    static BLANK: [u8; 8] = [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00];

    #[test]
    fn deconstruct() {
        let data = ReadCapacityData::new_checked(&FORMATTED_DVD_PLUS_RW[..]).unwrap();
        assert_eq!(data.last_lba(), 2_295_103);
        assert_eq!(data.block_length(), 2048);
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 8];
        let mut data = ReadCapacityData::new_unchecked(&mut bytes[..]);
        data.set_last_lba(2_295_103);
        data.set_block_length(2048);
        assert_eq!(bytes, FORMATTED_DVD_PLUS_RW);
    }

    #[test]
    fn parse_and_emit() {
        let repr = ReadCapacityRepr::for_blocks(2_295_104);
        assert_eq!(
            ReadCapacityRepr::parse(&ReadCapacityData::new_checked(&FORMATTED_DVD_PLUS_RW[..]).unwrap()),
            Ok(repr)
        );
        assert_eq!(repr.to_vec(), FORMATTED_DVD_PLUS_RW);
        assert_eq!(ReadCapacityRepr::for_blocks(0).to_vec(), BLANK);
    }

    #[test]
    fn bd_r_after_pow_format() {
        // mmc.md §7: READ CAPACITY 12088320 after formatting with spares.
        let repr = ReadCapacityRepr::for_blocks(12_088_320);
        assert_eq!(repr.to_vec(), [0x00, 0xB8, 0x73, 0xFF, 0x00, 0x00, 0x08, 0x00]);
    }

    #[test]
    fn short_buffer_is_refused() {
        assert_eq!(
            ReadCapacityData::new_checked(&BLANK[..7]).unwrap_err(),
            CdbError::parameter_list_length()
        );
    }
}
