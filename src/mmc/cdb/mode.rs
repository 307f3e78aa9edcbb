//! MODE SENSE(6) 1Ah, MODE SENSE(10) 5Ah, MODE SELECT(6) 15h, MODE SELECT(10) 55h (mmc.md §1.1).

use super::{DataDirection, cdb_repr, opcode};
use crate::mmc::Sense;
use crate::mmc::sense_data::FieldPointer;
use crate::mmc::wire::{CdbError, Field, accessors, view};

mod field {
    use super::Field;

    pub const OPCODE: usize = 0;
    /// MODE SENSE: LLBAA b4 (10-byte only), DBD b3. MODE SELECT: PF b4, SP b0.
    pub const FLAGS: usize = 1;
    /// MODE SENSE: PC b7-6, page code b5-0.
    pub const PAGE: usize = 2;
    pub const SUBPAGE: usize = 3;
    /// Allocation / parameter list length of the 6-byte forms.
    pub const LENGTH_6: usize = 4;
    /// Allocation / parameter list length of the 10-byte forms.
    pub const LENGTH_10: Field = 7..9;
    pub const CDB6_END: usize = 6;
    pub const CDB10_END: usize = 10;
}

/// Page code 3Fh: every page.
pub const ALL_PAGES: u8 = 0x3F;

/// MODE SENSE page control (byte 2 b7-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageControl {
    Current = 0,
    Changeable = 1,
    Default = 2,
}

/// PC=3 (saved values) → 5/39/00 "saving parameters not supported" (mmc.md §1.1).
fn page_control(value: u8) -> Result<PageControl, CdbError> {
    match value {
        0 => Ok(PageControl::Current),
        1 => Ok(PageControl::Changeable),
        2 => Ok(PageControl::Default),
        _ => Err(CdbError::new(
            Sense::SAVING_PARAMETERS_NOT_SUPPORTED,
            Some(FieldPointer::cdb(field::PAGE as u16, Some(7))),
        )),
    }
}

/// MODE SELECT: PF must be 1 and SP 0, else 5/24/00 (mmc.md §1.1).
fn check_select_flags(page_format: bool, save_pages: bool) -> Result<(), CdbError> {
    if !page_format {
        return Err(CdbError::invalid_field_in_cdb(field::FLAGS as u16, Some(4)));
    }
    if save_pages {
        return Err(CdbError::invalid_field_in_cdb(field::FLAGS as u16, Some(0)));
    }
    Ok(())
}

/// Where a drive points for a page (or subpage) it does not have (5/24/00).
pub const PAGE_CODE_POINTER: FieldPointer = FieldPointer::cdb(field::PAGE as u16, Some(5));
pub const SUBPAGE_CODE_POINTER: FieldPointer = FieldPointer::cdb(field::SUBPAGE as u16, None);

view!(
    /// MODE SENSE(6).
    ModeSense6Cdb,
    min_len = field::CDB6_END
);
accessors!(ModeSense6Cdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit disable_block_descriptors / set_disable_block_descriptors: bool = field::FLAGS, 0x08;
    bits page_control / set_page_control: u8 = field::PAGE, 0xC0;
    bits page_code / set_page_code: u8 = field::PAGE, 0x3F;
    byte subpage_code / set_subpage_code: u8 = field::SUBPAGE;
    byte allocation_length / set_allocation_length: u8 = field::LENGTH_6;
});

view!(
    /// MODE SENSE(10).
    ModeSense10Cdb,
    min_len = field::CDB10_END
);
accessors!(ModeSense10Cdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit long_lba_accepted / set_long_lba_accepted: bool = field::FLAGS, 0x10;
    bit disable_block_descriptors / set_disable_block_descriptors: bool = field::FLAGS, 0x08;
    bits page_control / set_page_control: u8 = field::PAGE, 0xC0;
    bits page_code / set_page_code: u8 = field::PAGE, 0x3F;
    byte subpage_code / set_subpage_code: u8 = field::SUBPAGE;
    be allocation_length / set_allocation_length: u16 = field::LENGTH_10;
});

/// MODE SENSE(6): the reply starts with the 4-byte mode parameter header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModeSense6 {
    /// DBD. MMC drives send no block descriptor either way (mmc.md §1.1).
    pub disable_block_descriptors: bool,
    pub page_control: PageControl,
    pub page_code: u8,
    pub subpage_code: u8,
    pub allocation_length: u8,
}

impl ModeSense6 {
    pub fn parse<T: AsRef<[u8]>>(cdb: &ModeSense6Cdb<T>) -> Result<ModeSense6, CdbError> {
        Ok(ModeSense6 {
            disable_block_descriptors: cdb.disable_block_descriptors(),
            page_control: page_control(cdb.page_control())?,
            page_code: cdb.page_code(),
            subpage_code: cdb.subpage_code(),
            allocation_length: cdb.allocation_length(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut ModeSense6Cdb<T>) {
        cdb.buffer.as_mut()[..field::CDB6_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_disable_block_descriptors(self.disable_block_descriptors);
        cdb.set_page_control(self.page_control as u8);
        cdb.set_page_code(self.page_code);
        cdb.set_subpage_code(self.subpage_code);
        cdb.set_allocation_length(self.allocation_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: self.allocation_length.into(),
        }
    }
}
cdb_repr!(ModeSense6, ModeSense6Cdb, opcode::MODE_SENSE_6);

/// MODE SENSE(10): the reply starts with the 8-byte mode parameter header. libburn sends
/// `5a 00 2a 00 00 00 00 00 1e 00` for page 2Ah (mmc.md §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModeSense10 {
    pub long_lba_accepted: bool,
    pub disable_block_descriptors: bool,
    pub page_control: PageControl,
    pub page_code: u8,
    pub subpage_code: u8,
    pub allocation_length: u16,
}

impl ModeSense10 {
    pub fn parse<T: AsRef<[u8]>>(cdb: &ModeSense10Cdb<T>) -> Result<ModeSense10, CdbError> {
        Ok(ModeSense10 {
            long_lba_accepted: cdb.long_lba_accepted(),
            disable_block_descriptors: cdb.disable_block_descriptors(),
            page_control: page_control(cdb.page_control())?,
            page_code: cdb.page_code(),
            subpage_code: cdb.subpage_code(),
            allocation_length: cdb.allocation_length(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut ModeSense10Cdb<T>) {
        cdb.buffer.as_mut()[..field::CDB10_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_long_lba_accepted(self.long_lba_accepted);
        cdb.set_disable_block_descriptors(self.disable_block_descriptors);
        cdb.set_page_control(self.page_control as u8);
        cdb.set_page_code(self.page_code);
        cdb.set_subpage_code(self.subpage_code);
        cdb.set_allocation_length(self.allocation_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: self.allocation_length.into(),
        }
    }
}
cdb_repr!(ModeSense10, ModeSense10Cdb, opcode::MODE_SENSE_10);

view!(
    /// MODE SELECT(6).
    ModeSelect6Cdb,
    min_len = field::CDB6_END
);
accessors!(ModeSelect6Cdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit page_format / set_page_format: bool = field::FLAGS, 0x10;
    bit save_pages / set_save_pages: bool = field::FLAGS, 0x01;
    byte parameter_list_length / set_parameter_list_length: u8 = field::LENGTH_6;
});

view!(
    /// MODE SELECT(10).
    ModeSelect10Cdb,
    min_len = field::CDB10_END
);
accessors!(ModeSelect10Cdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit page_format / set_page_format: bool = field::FLAGS, 0x10;
    bit save_pages / set_save_pages: bool = field::FLAGS, 0x01;
    be parameter_list_length / set_parameter_list_length: u16 = field::LENGTH_10;
});

/// MODE SELECT(6): PF=1, SP=0 (the only form accepted), then the parameter list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModeSelect6 {
    pub parameter_list_length: u8,
}

impl ModeSelect6 {
    pub fn parse<T: AsRef<[u8]>>(cdb: &ModeSelect6Cdb<T>) -> Result<ModeSelect6, CdbError> {
        check_select_flags(cdb.page_format(), cdb.save_pages())?;
        Ok(ModeSelect6 {
            parameter_list_length: cdb.parameter_list_length(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut ModeSelect6Cdb<T>) {
        cdb.buffer.as_mut()[..field::CDB6_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_page_format(true);
        cdb.set_parameter_list_length(self.parameter_list_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::Out {
            bytes: self.parameter_list_length.into(),
        }
    }
}
cdb_repr!(ModeSelect6, ModeSelect6Cdb, opcode::MODE_SELECT_6);

/// MODE SELECT(10): libburn sends `55 10 …` with an 8-byte zero header + page (mmc.md §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModeSelect10 {
    pub parameter_list_length: u16,
}

impl ModeSelect10 {
    pub fn parse<T: AsRef<[u8]>>(cdb: &ModeSelect10Cdb<T>) -> Result<ModeSelect10, CdbError> {
        check_select_flags(cdb.page_format(), cdb.save_pages())?;
        Ok(ModeSelect10 {
            parameter_list_length: cdb.parameter_list_length(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut ModeSelect10Cdb<T>) {
        cdb.buffer.as_mut()[..field::CDB10_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_page_format(true);
        cdb.set_parameter_list_length(self.parameter_list_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::Out {
            bytes: self.parameter_list_length.into(),
        }
    }
}
cdb_repr!(ModeSelect10, ModeSelect10Cdb, opcode::MODE_SELECT_10);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_sense_10_deconstruct_construct() {
        let bytes = [0x5A, 0x08, 0x2A, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1E, 0x00];
        let cdb = ModeSense10Cdb::new_checked(&bytes[..]).unwrap();
        assert!(cdb.disable_block_descriptors());
        assert_eq!(cdb.page_control(), 0);
        assert_eq!(cdb.page_code(), 0x2A);
        assert_eq!(cdb.allocation_length(), 30);
        let repr = ModeSense10::parse(&cdb).unwrap();
        assert_eq!(
            repr,
            ModeSense10 {
                long_lba_accepted: false,
                disable_block_descriptors: true,
                page_control: PageControl::Current,
                page_code: 0x2A,
                subpage_code: 0,
                allocation_length: 30,
            }
        );
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn mode_sense_6_changeable_values() {
        let bytes = [0x1A, 0x00, 0x45, 0x00, 0xFF, 0x00];
        let repr = ModeSense6::parse(&ModeSense6Cdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(repr.page_control, PageControl::Changeable);
        assert_eq!(repr.page_code, 0x05);
        assert_eq!(repr.allocation_length, 255);
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn mode_select_round_trip() {
        let bytes = [0x55, 0x10, 0, 0, 0, 0, 0, 0x00, 0x3C, 0];
        let repr = ModeSelect10::parse(&ModeSelect10Cdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            ModeSelect10 {
                parameter_list_length: 60
            }
        );
        assert_eq!(repr.to_vec(), bytes);
        assert_eq!(repr.data_direction(), DataDirection::Out { bytes: 60 });
        let bytes = [0x15, 0x10, 0, 0, 0x14, 0];
        let repr = ModeSelect6::parse(&ModeSelect6Cdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(repr.to_vec(), bytes);
    }
}
