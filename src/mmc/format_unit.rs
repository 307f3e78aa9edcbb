//! The FORMAT UNIT (04h) parameter list (mmc.md §1.5): a 4-byte header (byte 1 FOV b7, DPRY b6,
//! DCRT b5, STPF b4, IP b3, DSP b2, Immed b1, VS b0; 2–3 format descriptor length = 8) and one
//! 8-byte format descriptor (0–3 number of blocks, byte 4 format type b7-2 + subtype b1-0, 5–7
//! type-dependent parameter), normally copied from READ FORMAT CAPACITIES.
//!
//! Checks: a list shorter than 12 bytes is 5/1A/00; a descriptor length other than 8 or a format
//! type MMC does not define is 5/26/00 pointing at the field. Whether the medium takes the type
//! is the drive's decision (5/26/00 or 5/30/06, mmc.md §1.5).

use super::format_capacities::format_type;
use super::wire::{CdbError, Field, accessors, impl_to_vec, view};

mod field {
    use super::Field;

    /// FOV b7, DPRY b6, DCRT b5, STPF b4, IP b3, DSP b2, Immed b1, VS b0.
    pub const FLAGS: usize = 1;
    pub const DESCRIPTOR_LENGTH: Field = 2..4;
    pub const BLOCKS: Field = 4..8;
    /// Format type b7-2, subtype b1-0.
    pub const TYPE: usize = 8;
    pub const TYPE_PARAMETER: Field = 9..12;
    pub const END: usize = 12;
}

/// The only descriptor length MMC defines.
pub const DESCRIPTOR_LENGTH: u16 = 8;
/// Number of blocks "as large as possible" (DVD+RW 26h, mmc.md §1.5).
pub const ALL_BLOCKS: u32 = 0xFFFF_FFFF;

/// Format types MMC-5/6 define: those of mmc.md §1.5 plus zone (re)format 04h/05h, add session
/// 12h, quick add session 14h and the MRW types 20h/24h (spec, verify). A drive refuses the ones
/// its medium does not take.
const KNOWN_TYPES: [u8; 16] = [
    format_type::FULL,
    format_type::SPARE_EXPANSION,
    0x04,
    0x05,
    format_type::DVD_RW_FULL,
    format_type::GROW_SESSION,
    0x12,
    format_type::DVD_RW_QUICK_GROW_LAST_SESSION,
    0x14,
    format_type::DVD_RW_QUICK,
    0x20,
    0x24,
    format_type::DVD_PLUS_RW_BASIC,
    format_type::BD_RE_WITH_SPARE,
    format_type::BD_RE_WITHOUT_SPARE,
    format_type::BD_R_WITH_SPARE,
];

view!(
    /// FORMAT UNIT parameter list.
    FormatList,
    min_len = field::END
);
accessors!(FormatList {
    bit format_options_valid / set_format_options_valid: bool = field::FLAGS, 0x80;
    bit disable_primary / set_disable_primary: bool = field::FLAGS, 0x40;
    bit disable_certification / set_disable_certification: bool = field::FLAGS, 0x20;
    bit stop_format / set_stop_format: bool = field::FLAGS, 0x10;
    bit initialization_pattern / set_initialization_pattern: bool = field::FLAGS, 0x08;
    bit disable_save_parameters / set_disable_save_parameters: bool = field::FLAGS, 0x04;
    bit immediate / set_immediate: bool = field::FLAGS, 0x02;
    bit vendor_specific / set_vendor_specific: bool = field::FLAGS, 0x01;
    be descriptor_length / set_descriptor_length: u16 = field::DESCRIPTOR_LENGTH;
    be blocks / set_blocks: u32 = field::BLOCKS;
    bits format_type / set_format_type: u8 = field::TYPE, 0xFC;
    bits format_subtype / set_format_subtype: u8 = field::TYPE, 0x03;
    be type_parameter / set_type_parameter: u32 = field::TYPE_PARAMETER;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatListRepr {
    /// Byte 1 bits other than Immed (FOV, DPRY, DCRT, STPF, IP, DSP, VS), as sent.
    pub option_flags: u8,
    /// Immed: return at once, progress by TEST UNIT READY / REQUEST SENSE (2/04/04).
    pub immediate: bool,
    pub blocks: u32,
    pub format_type: u8,
    pub subtype: u8,
    /// DVD+RW 26h: bit 0 of the last byte is Restart (mmc.md §1.5).
    pub type_parameter: u32,
}

impl FormatListRepr {
    const IMMED: u8 = 0x02;

    /// A descriptor as growisofs and libburn send it: FOV + Immed.
    pub fn immediate(format_type: u8, subtype: u8, blocks: u32, type_parameter: u32) -> FormatListRepr {
        FormatListRepr {
            option_flags: 0x80,
            immediate: true,
            blocks,
            format_type,
            subtype,
            type_parameter,
        }
    }

    /// DVD+RW 26h with Restart (bit 0 of the type-dependent parameter).
    pub fn restart(&self) -> bool {
        self.format_type == format_type::DVD_PLUS_RW_BASIC && self.type_parameter & 1 != 0
    }

    pub fn parse<T: AsRef<[u8]>>(list: &FormatList<T>) -> Result<FormatListRepr, CdbError> {
        list.check_len()?;
        if list.descriptor_length() != DESCRIPTOR_LENGTH {
            return Err(CdbError::invalid_field_in_parameter_list(
                field::DESCRIPTOR_LENGTH.start as u16,
                None,
            ));
        }
        if !KNOWN_TYPES.contains(&list.format_type()) {
            return Err(CdbError::invalid_field_in_parameter_list(field::TYPE as u16, Some(7)));
        }
        let flags = list.as_bytes()[field::FLAGS];
        Ok(FormatListRepr {
            option_flags: flags & !Self::IMMED,
            immediate: list.immediate(),
            blocks: list.blocks(),
            format_type: list.format_type(),
            subtype: list.format_subtype(),
            type_parameter: list.type_parameter(),
        })
    }

    pub fn buffer_len(&self) -> usize {
        field::END
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, list: &mut FormatList<T>) {
        list.buffer.as_mut()[..field::END].fill(0);
        list.buffer.as_mut()[field::FLAGS] = self.option_flags & !Self::IMMED;
        list.set_immediate(self.immediate);
        list.set_descriptor_length(DESCRIPTOR_LENGTH);
        list.set_blocks(self.blocks);
        list.set_format_type(self.format_type);
        list.set_format_subtype(self.subtype);
        list.set_type_parameter(self.type_parameter);
    }
}
impl_to_vec!(FormatListRepr, FormatList);

#[cfg(test)]
mod tests {
    use super::*;

    /// growisofs formatting a blank DVD+RW: FOV + Immed, 26h, all blocks (mmc.md §1.5).
    static DVD_PLUS_RW_BASIC: [u8; 12] = [0x00, 0x82, 0x00, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x98, 0x00, 0x00, 0x00];
    /// BD-RE default format, copied from the READ FORMAT CAPACITIES 00h descriptor: 11826176
    /// blocks, TDP 3000h.
    static BD_RE_DEFAULT: [u8; 12] = [0x00, 0x82, 0x00, 0x08, 0x00, 0xB4, 0x74, 0x00, 0x00, 0x00, 0x30, 0x00];

    #[test]
    fn deconstruct() {
        let list = FormatList::new_checked(&DVD_PLUS_RW_BASIC[..]).unwrap();
        assert!(list.format_options_valid() && list.immediate());
        assert_eq!(list.descriptor_length(), 8);
        assert_eq!(list.blocks(), ALL_BLOCKS);
        assert_eq!(list.format_type(), format_type::DVD_PLUS_RW_BASIC);
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 12];
        let mut list = FormatList::new_unchecked(&mut bytes[..]);
        list.set_format_options_valid(true);
        list.set_immediate(true);
        list.set_descriptor_length(8);
        list.set_blocks(11_826_176);
        list.set_format_type(format_type::FULL);
        list.set_type_parameter(0x3000);
        assert_eq!(bytes, BD_RE_DEFAULT);
    }

    #[test]
    fn parse_and_emit() {
        let repr = FormatListRepr::immediate(format_type::DVD_PLUS_RW_BASIC, 0, ALL_BLOCKS, 0);
        assert_eq!(
            FormatListRepr::parse(&FormatList::new_checked(&DVD_PLUS_RW_BASIC[..]).unwrap()),
            Ok(repr)
        );
        assert_eq!(repr.to_vec(), DVD_PLUS_RW_BASIC);
        let bd = FormatListRepr::immediate(format_type::FULL, 0, 11_826_176, 0x3000);
        assert_eq!(
            FormatListRepr::parse(&FormatList::new_checked(&BD_RE_DEFAULT[..]).unwrap()),
            Ok(bd)
        );
        assert_eq!(bd.to_vec(), BD_RE_DEFAULT);
    }

    #[test]
    fn restart_bit_of_dvd_plus_rw() {
        let repr = FormatListRepr::immediate(format_type::DVD_PLUS_RW_BASIC, 0, ALL_BLOCKS, 1);
        assert!(repr.restart());
        assert_eq!(repr.to_vec()[11], 0x01);
    }

    #[test]
    fn short_list_is_a_length_error() {
        assert_eq!(
            FormatList::new_checked(&DVD_PLUS_RW_BASIC[..11]).unwrap_err(),
            CdbError::parameter_list_length()
        );
    }

    #[test]
    fn descriptor_length_and_unknown_type_point_at_the_field() {
        let mut bytes = DVD_PLUS_RW_BASIC;
        bytes[3] = 0x10;
        assert_eq!(
            FormatListRepr::parse(&FormatList::new_checked(&bytes[..]).unwrap()),
            Err(CdbError::invalid_field_in_parameter_list(2, None))
        );
        let mut bytes = DVD_PLUS_RW_BASIC;
        bytes[8] = 0x3F << 2;
        assert_eq!(
            FormatListRepr::parse(&FormatList::new_checked(&bytes[..]).unwrap()),
            Err(CdbError::invalid_field_in_parameter_list(8, Some(7)))
        );
    }
}
