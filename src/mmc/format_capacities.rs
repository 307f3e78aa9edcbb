//! READ FORMAT CAPACITIES (23h) reply (mmc.md §1.2): a 4-byte header whose byte 3 is the list
//! length (a multiple of 8), the current/maximum capacity descriptor, then formattable capacity
//! descriptors. growisofs requires `len % 8 == 0 && len >= 16` for rewritable media.
//!
//! Current/maximum descriptor: 0–3 blocks, byte 4 b1-0 type (01 unformatted, 10 formatted,
//! 11 no medium), 5–7 block length. Formattable descriptor: 0–3 blocks, byte 4 = format type << 2
//! | subtype, 5–7 type-dependent parameter (TDP).

use super::wire::{CdbError, Field, Rest, accessors, impl_to_vec, view};

mod field {
    use super::{Field, Rest};

    pub const LIST_LENGTH: usize = 3;
    pub const DESCRIPTORS: Rest = 4..;
    pub const HEADER_END: usize = 4;

    /// Within one 8-byte descriptor.
    pub const BLOCKS: Field = 0..4;
    /// Current descriptor: type b1-0. Formattable descriptor: format type b7-2, subtype b1-0.
    pub const TYPE: usize = 4;
    /// Block length (current) or type-dependent parameter (formattable).
    pub const PARAMETER: Field = 5..8;
    pub const DESCRIPTOR_LEN: usize = 8;
}

view!(
    /// READ FORMAT CAPACITIES data.
    FormatCapacities,
    min_len = field::HEADER_END
);
accessors!(FormatCapacities {
    byte list_length / set_list_length: u8 = field::LIST_LENGTH;
    bytes descriptors / set_descriptors: [u8] = field::DESCRIPTORS;
});

view!(
    /// One 8-byte capacity descriptor (current/maximum or formattable).
    CapacityDescriptor,
    min_len = field::DESCRIPTOR_LEN
);
accessors!(CapacityDescriptor {
    be blocks / set_blocks: u32 = field::BLOCKS;
    bits descriptor_type / set_descriptor_type: u8 = field::TYPE, 0x03;
    bits format_type / set_format_type: u8 = field::TYPE, 0xFC;
    bits format_subtype / set_format_subtype: u8 = field::TYPE, 0x03;
    be parameter / set_parameter: u32 = field::PARAMETER;
});

/// The current/maximum descriptor type (byte 4 b1-0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurrentCapacityType {
    Unformatted = 1,
    Formatted = 2,
    /// No medium or unknown capacity.
    NoMedium = 3,
}

/// Format types (FORMAT UNIT and formattable descriptors; mmc.md §1.5).
pub mod format_type {
    /// Full format (DVD-RAM, DVD-RW, BD-RE default, BD-R SRM/RRM by subtype).
    pub const FULL: u8 = 0x00;
    pub const SPARE_EXPANSION: u8 = 0x01;
    pub const DVD_RW_FULL: u8 = 0x10;
    pub const GROW_SESSION: u8 = 0x11;
    pub const DVD_RW_QUICK_GROW_LAST_SESSION: u8 = 0x13;
    pub const DVD_RW_QUICK: u8 = 0x15;
    pub const DVD_PLUS_RW_BASIC: u8 = 0x26;
    pub const BD_RE_WITH_SPARE: u8 = 0x30;
    pub const BD_RE_WITHOUT_SPARE: u8 = 0x31;
    pub const BD_R_WITH_SPARE: u8 = 0x32;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentCapacity {
    pub blocks: u32,
    pub kind: CurrentCapacityType,
    pub block_length: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormattableCapacity {
    pub blocks: u32,
    pub format_type: u8,
    pub subtype: u8,
    /// Type-dependent parameter (e.g. 3000h spare clusters for BD-RE 00h, 800h for DVD-RAM 00h).
    pub type_parameter: u32,
}

impl FormattableCapacity {
    pub const fn new(format_type: u8, blocks: u32, type_parameter: u32) -> FormattableCapacity {
        FormattableCapacity {
            blocks,
            format_type,
            subtype: 0,
            type_parameter,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatCapacitiesRepr {
    pub current: CurrentCapacity,
    pub formattable: Vec<FormattableCapacity>,
}

/// The block length every MMC medium reports.
pub const BLOCK_LENGTH: u32 = 2048;

impl FormatCapacitiesRepr {
    /// Parses the list; 5/1A/00 when the current/maximum descriptor is missing, and descriptors
    /// beyond the list length or the buffer are dropped.
    pub fn parse<T: AsRef<[u8]>>(data: &FormatCapacities<T>) -> Result<FormatCapacitiesRepr, CdbError> {
        data.check_len()?;
        let bytes = data.descriptors();
        let listed = &bytes[..bytes.len().min(data.list_length().into())];
        let mut chunks = listed
            .chunks_exact(field::DESCRIPTOR_LEN)
            .map(CapacityDescriptor::new_unchecked);
        let current = chunks.next().ok_or_else(CdbError::parameter_list_length)?;
        let kind = match current.descriptor_type() {
            1 => CurrentCapacityType::Unformatted,
            2 => CurrentCapacityType::Formatted,
            3 => CurrentCapacityType::NoMedium,
            _ => {
                let byte = (field::HEADER_END + field::TYPE) as u16;
                return Err(CdbError::invalid_field_in_parameter_list(byte, Some(1)));
            }
        };
        let current = CurrentCapacity {
            blocks: current.blocks(),
            kind,
            block_length: current.parameter(),
        };
        let formattable = chunks
            .map(|descriptor| FormattableCapacity {
                blocks: descriptor.blocks(),
                format_type: descriptor.format_type(),
                subtype: descriptor.format_subtype(),
                type_parameter: descriptor.parameter(),
            })
            .collect();
        Ok(FormatCapacitiesRepr { current, formattable })
    }

    pub fn buffer_len(&self) -> usize {
        field::HEADER_END + field::DESCRIPTOR_LEN * (1 + self.formattable.len())
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut FormatCapacities<T>) {
        let len = self.buffer_len();
        data.buffer.as_mut()[..len].fill(0);
        // The list length is one byte: at most 31 descriptors fit (no medium has that many).
        data.set_list_length((len - field::HEADER_END) as u8);
        let area = &mut data.buffer.as_mut()[field::HEADER_END..len];
        let mut chunks = area
            .chunks_exact_mut(field::DESCRIPTOR_LEN)
            .map(CapacityDescriptor::new_unchecked);
        if let Some(mut current) = chunks.next() {
            current.set_blocks(self.current.blocks);
            current.set_descriptor_type(self.current.kind as u8);
            current.set_parameter(self.current.block_length);
        }
        for (mut descriptor, capacity) in chunks.zip(&self.formattable) {
            descriptor.set_blocks(capacity.blocks);
            descriptor.set_format_type(capacity.format_type);
            descriptor.set_format_subtype(capacity.subtype);
            descriptor.set_parameter(capacity.type_parameter);
        }
    }
}
impl_to_vec!(FormatCapacitiesRepr, FormatCapacities);

#[cfg(test)]
mod tests {
    use super::*;

    /// Blank DVD+RW: "unformatted 2295104" plus "26h: 2295104" (mmc.md §1.2, §7).
    static BLANK_DVD_PLUS_RW: [u8; 20] = [
        0x00, 0x00, 0x00, 0x10, //
        0x00, 0x23, 0x05, 0x40, 0x01, 0x00, 0x08, 0x00, //
        0x00, 0x23, 0x05, 0x40, 0x98, 0x00, 0x00, 0x00,
    ];
    /// Blank BD-RE (LG via libburn, mmc.md §1.2): 00h 11826176 (TDP 3000h), 30h 11826176 /
    /// 11564032 / 12088320, 31h 12219392. The current descriptor and the TDPs of 30h (spare
    /// clusters: (12219392 − blocks) / 32) and 31h are this test's arithmetic (spec, verify).
    static BLANK_BD_RE: [u8; 52] = [
        0x00, 0x00, 0x00, 0x30, //
        0x00, 0xBA, 0x74, 0x00, 0x01, 0x00, 0x08, 0x00, // unformatted 12219392
        0x00, 0xB4, 0x74, 0x00, 0x00, 0x00, 0x30, 0x00, // 00h 11826176, TDP 3000h
        0x00, 0xB4, 0x74, 0x00, 0xC0, 0x00, 0x30, 0x00, // 30h 11826176
        0x00, 0xB0, 0x74, 0x00, 0xC0, 0x00, 0x50, 0x00, // 30h 11564032
        0x00, 0xB8, 0x74, 0x00, 0xC0, 0x00, 0x10, 0x00, // 30h 12088320
        0x00, 0xBA, 0x74, 0x00, 0xC4, 0x00, 0x00, 0x00, // 31h 12219392
    ];
    /// Blank DVD-RW sequential: unformatted 2297888 plus 00h(800), 10h(10), 15h(10) all
    /// 2297888 (mmc.md §7).
    static BLANK_DVD_RW: [u8; 36] = [
        0x00, 0x00, 0x00, 0x20, //
        0x00, 0x23, 0x10, 0x20, 0x01, 0x00, 0x08, 0x00, //
        0x00, 0x23, 0x10, 0x20, 0x00, 0x00, 0x08, 0x00, //
        0x00, 0x23, 0x10, 0x20, 0x40, 0x00, 0x00, 0x10, //
        0x00, 0x23, 0x10, 0x20, 0x54, 0x00, 0x00, 0x10,
    ];

    fn blank_dvd_plus_rw() -> FormatCapacitiesRepr {
        FormatCapacitiesRepr {
            current: CurrentCapacity {
                blocks: 2_295_104,
                kind: CurrentCapacityType::Unformatted,
                block_length: BLOCK_LENGTH,
            },
            formattable: vec![FormattableCapacity::new(format_type::DVD_PLUS_RW_BASIC, 2_295_104, 0)],
        }
    }

    #[test]
    fn deconstruct() {
        let data = FormatCapacities::new_checked(&BLANK_DVD_PLUS_RW[..]).unwrap();
        assert_eq!(data.list_length(), 16);
        let current = CapacityDescriptor::new_checked(&data.descriptors()[..8]).unwrap();
        assert_eq!(current.blocks(), 2_295_104);
        assert_eq!(current.descriptor_type(), 1);
        assert_eq!(current.parameter(), 2048);
        let basic = CapacityDescriptor::new_checked(&data.descriptors()[8..]).unwrap();
        assert_eq!(basic.format_type(), format_type::DVD_PLUS_RW_BASIC);
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 20];
        FormatCapacities::new_unchecked(&mut bytes[..]).set_list_length(16);
        let mut current = CapacityDescriptor::new_unchecked(&mut bytes[4..12]);
        current.set_blocks(2_295_104);
        current.set_descriptor_type(1);
        current.set_parameter(2048);
        let mut basic = CapacityDescriptor::new_unchecked(&mut bytes[12..]);
        basic.set_blocks(2_295_104);
        basic.set_format_type(0x26);
        assert_eq!(bytes, BLANK_DVD_PLUS_RW);
    }

    #[test]
    fn parse_and_emit_blank_dvd_plus_rw() {
        let repr = blank_dvd_plus_rw();
        let data = FormatCapacities::new_checked(&BLANK_DVD_PLUS_RW[..]).unwrap();
        assert_eq!(FormatCapacitiesRepr::parse(&data), Ok(repr.clone()));
        assert_eq!(repr.to_vec(), BLANK_DVD_PLUS_RW);
    }

    #[test]
    fn parse_and_emit_blank_bd_re() {
        let repr = FormatCapacitiesRepr {
            current: CurrentCapacity {
                blocks: 12_219_392,
                kind: CurrentCapacityType::Unformatted,
                block_length: BLOCK_LENGTH,
            },
            formattable: vec![
                FormattableCapacity::new(format_type::FULL, 11_826_176, 0x3000),
                FormattableCapacity::new(format_type::BD_RE_WITH_SPARE, 11_826_176, 0x3000),
                FormattableCapacity::new(format_type::BD_RE_WITH_SPARE, 11_564_032, 0x5000),
                FormattableCapacity::new(format_type::BD_RE_WITH_SPARE, 12_088_320, 0x1000),
                FormattableCapacity::new(format_type::BD_RE_WITHOUT_SPARE, 12_219_392, 0),
            ],
        };
        let data = FormatCapacities::new_checked(&BLANK_BD_RE[..]).unwrap();
        assert_eq!(FormatCapacitiesRepr::parse(&data), Ok(repr.clone()));
        assert_eq!(repr.to_vec(), BLANK_BD_RE);
    }

    #[test]
    fn parse_and_emit_blank_dvd_rw() {
        let repr = FormatCapacitiesRepr {
            current: CurrentCapacity {
                blocks: 2_297_888,
                kind: CurrentCapacityType::Unformatted,
                block_length: BLOCK_LENGTH,
            },
            formattable: vec![
                FormattableCapacity::new(format_type::FULL, 2_297_888, 0x800),
                FormattableCapacity::new(format_type::DVD_RW_FULL, 2_297_888, 0x10),
                FormattableCapacity::new(format_type::DVD_RW_QUICK, 2_297_888, 0x10),
            ],
        };
        assert_eq!(
            FormatCapacitiesRepr::parse(&FormatCapacities::new_checked(&BLANK_DVD_RW[..]).unwrap()),
            Ok(repr.clone())
        );
        assert_eq!(repr.to_vec(), BLANK_DVD_RW);
    }

    #[test]
    fn formatted_media_of_mmc_md_7() {
        // Formatted DVD+RW: "formatted 2295104" + 26h(0) 2295104.
        let dvd_plus_rw = FormatCapacitiesRepr {
            current: CurrentCapacity {
                kind: CurrentCapacityType::Formatted,
                ..blank_dvd_plus_rw().current
            },
            ..blank_dvd_plus_rw()
        };
        let bytes = dvd_plus_rw.to_vec();
        assert_eq!(bytes[8] & 3, 2, "growisofs treats (byte8 & 3) != 2 as unformatted");
        assert_eq!(
            FormatCapacitiesRepr::parse(&FormatCapacities::new_checked(&bytes[..]).unwrap()),
            Ok(dvd_plus_rw)
        );
        // DVD-RAM (one drive): formatted 2236704; 00h(800) 2236704 / 2295072, 01h(800) 2226976 /
        // 2217248.
        let dvd_ram = FormatCapacitiesRepr {
            current: CurrentCapacity {
                blocks: 2_236_704,
                kind: CurrentCapacityType::Formatted,
                block_length: BLOCK_LENGTH,
            },
            formattable: vec![
                FormattableCapacity::new(format_type::FULL, 2_236_704, 0x800),
                FormattableCapacity::new(format_type::FULL, 2_295_072, 0x800),
                FormattableCapacity::new(format_type::SPARE_EXPANSION, 2_226_976, 0x800),
                FormattableCapacity::new(format_type::SPARE_EXPANSION, 2_217_248, 0x800),
            ],
        };
        let bytes = dvd_ram.to_vec();
        assert_eq!(
            &bytes[..12],
            &[0, 0, 0, 0x28, 0x00, 0x22, 0x21, 0x20, 0x02, 0x00, 0x08, 0x00]
        );
        assert_eq!(&bytes[28..36], &[0x00, 0x21, 0xFB, 0x20, 0x04, 0x00, 0x08, 0x00]);
        assert_eq!(
            FormatCapacitiesRepr::parse(&FormatCapacities::new_checked(&bytes[..]).unwrap()),
            Ok(dvd_ram)
        );
    }

    #[test]
    fn growisofs_sanity_rule_holds_for_rewritables() {
        let bytes = blank_dvd_plus_rw().to_vec();
        let length = usize::from(bytes[3]);
        assert!(length % 8 == 0 && length >= 16);
    }

    #[test]
    fn header_only_is_a_length_error() {
        let header = [0x00, 0x00, 0x00, 0x10];
        assert_eq!(
            FormatCapacitiesRepr::parse(&FormatCapacities::new_checked(&header[..]).unwrap()),
            Err(CdbError::parameter_list_length())
        );
    }

    #[test]
    fn reserved_current_type_points_at_it() {
        let mut bytes = BLANK_DVD_PLUS_RW;
        bytes[8] = 0x00;
        assert_eq!(
            FormatCapacitiesRepr::parse(&FormatCapacities::new_checked(&bytes[..]).unwrap()),
            Err(CdbError::invalid_field_in_parameter_list(8, Some(1)))
        );
    }
}
