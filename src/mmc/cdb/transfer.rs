//! Block transfer CDBs (mmc.md §1.3, §1.5): READ(10) 28h, WRITE(10) 2Ah, WRITE AND VERIFY(10)
//! 2Eh, VERIFY(10) 2Fh, READ(12) A8h, WRITE(12) AAh, SYNCHRONIZE CACHE 35h.
//!
//! Write LBAs are signed: CD SAO/raw writing starts at −150 or at the lead-in (mmc.md §1.5).

use super::{BLOCK_BYTES, DataDirection, cdb_repr, opcode};
use crate::mmc::wire::{CdbError, Field, accessors, view};

mod field {
    use super::Field;

    pub const OPCODE: usize = 0;
    /// DPO b4, FUA b3, BYTCHK b1 (verify forms), RelAdr b0 (obsolete, ignored).
    pub const FLAGS: usize = 1;
    pub const LBA: Field = 2..6;

    pub mod cdb10 {
        use super::Field;
        /// Group number b4-0.
        pub const GROUP: usize = 6;
        pub const TRANSFER_LENGTH: Field = 7..9;
        pub const END: usize = 10;
    }

    pub mod cdb12 {
        use super::Field;
        pub const TRANSFER_LENGTH: Field = 6..10;
        /// Streaming b7 (mmc.md §1.5: full speed on DVD-RAM/BD-RE, no defect checking).
        pub const STREAMING: usize = 10;
        pub const END: usize = 12;
    }

    pub mod sync {
        use super::Field;
        /// Immed b1 (mmc.md §1.1).
        pub const FLAGS: usize = 1;
        pub const BLOCKS: Field = 7..9;
    }
}

view!(
    /// The 10-byte transfer layout shared by READ(10), WRITE(10), WRITE AND VERIFY(10) and
    /// VERIFY(10).
    Transfer10Cdb,
    min_len = field::cdb10::END
);
accessors!(Transfer10Cdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit disable_page_out / set_disable_page_out: bool = field::FLAGS, 0x10;
    bit force_unit_access / set_force_unit_access: bool = field::FLAGS, 0x08;
    bit byte_check / set_byte_check: bool = field::FLAGS, 0x02;
    be lba / set_lba: i32 = field::LBA;
    bits group_number / set_group_number: u8 = field::cdb10::GROUP, 0x1F;
    be transfer_length / set_transfer_length: u16 = field::cdb10::TRANSFER_LENGTH;
});

view!(
    /// The 12-byte transfer layout of READ(12) and WRITE(12).
    Transfer12Cdb,
    min_len = field::cdb12::END
);
accessors!(Transfer12Cdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit disable_page_out / set_disable_page_out: bool = field::FLAGS, 0x10;
    bit force_unit_access / set_force_unit_access: bool = field::FLAGS, 0x08;
    be lba / set_lba: i32 = field::LBA;
    be transfer_length / set_transfer_length: u32 = field::cdb12::TRANSFER_LENGTH;
    bit streaming / set_streaming: bool = field::cdb12::STREAMING, 0x80;
});

fn blocks_to_bytes(blocks: impl Into<u64>) -> u64 {
    blocks.into() * BLOCK_BYTES
}

/// READ(10): 2048-byte user data of `transfer_blocks` blocks from `lba` (mmc.md §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Read10 {
    pub lba: u32,
    pub transfer_blocks: u16,
    pub disable_page_out: bool,
    pub force_unit_access: bool,
}

impl Read10 {
    pub fn parse<T: AsRef<[u8]>>(cdb: &Transfer10Cdb<T>) -> Result<Read10, CdbError> {
        Ok(Read10 {
            lba: cdb.lba() as u32,
            transfer_blocks: cdb.transfer_length(),
            disable_page_out: cdb.disable_page_out(),
            force_unit_access: cdb.force_unit_access(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut Transfer10Cdb<T>) {
        cdb.buffer.as_mut()[..field::cdb10::END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_lba(self.lba as i32);
        cdb.set_transfer_length(self.transfer_blocks);
        cdb.set_disable_page_out(self.disable_page_out);
        cdb.set_force_unit_access(self.force_unit_access);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: blocks_to_bytes(self.transfer_blocks),
        }
    }
}
cdb_repr!(Read10, Transfer10Cdb, opcode::READ_10);

/// WRITE(10): `transfer_blocks` blocks at `lba` (mmc.md §1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Write10 {
    pub lba: i32,
    pub transfer_blocks: u16,
    pub disable_page_out: bool,
    pub force_unit_access: bool,
}

impl Write10 {
    pub fn parse<T: AsRef<[u8]>>(cdb: &Transfer10Cdb<T>) -> Result<Write10, CdbError> {
        Ok(Write10 {
            lba: cdb.lba(),
            transfer_blocks: cdb.transfer_length(),
            disable_page_out: cdb.disable_page_out(),
            force_unit_access: cdb.force_unit_access(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut Transfer10Cdb<T>) {
        cdb.buffer.as_mut()[..field::cdb10::END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_lba(self.lba);
        cdb.set_transfer_length(self.transfer_blocks);
        cdb.set_disable_page_out(self.disable_page_out);
        cdb.set_force_unit_access(self.force_unit_access);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::Out {
            bytes: blocks_to_bytes(self.transfer_blocks),
        }
    }
}
cdb_repr!(Write10, Transfer10Cdb, opcode::WRITE_10);

/// WRITE AND VERIFY(10): growisofs's `-use-the-force-luke=wrvfy` write (mmc.md §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteAndVerify10 {
    pub lba: i32,
    pub transfer_blocks: u16,
    pub disable_page_out: bool,
    /// BYTCHK: compare the written data with the medium, not just check readability.
    pub byte_check: bool,
}

impl WriteAndVerify10 {
    pub fn parse<T: AsRef<[u8]>>(cdb: &Transfer10Cdb<T>) -> Result<WriteAndVerify10, CdbError> {
        Ok(WriteAndVerify10 {
            lba: cdb.lba(),
            transfer_blocks: cdb.transfer_length(),
            disable_page_out: cdb.disable_page_out(),
            byte_check: cdb.byte_check(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut Transfer10Cdb<T>) {
        cdb.buffer.as_mut()[..field::cdb10::END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_lba(self.lba);
        cdb.set_transfer_length(self.transfer_blocks);
        cdb.set_disable_page_out(self.disable_page_out);
        cdb.set_byte_check(self.byte_check);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::Out {
            bytes: blocks_to_bytes(self.transfer_blocks),
        }
    }
}
cdb_repr!(WriteAndVerify10, Transfer10Cdb, opcode::WRITE_AND_VERIFY_10);

/// VERIFY(10): check `verification_blocks` blocks; with BYTCHK the host sends the data to
/// compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verify10 {
    pub lba: u32,
    pub verification_blocks: u16,
    pub disable_page_out: bool,
    pub byte_check: bool,
}

impl Verify10 {
    pub fn parse<T: AsRef<[u8]>>(cdb: &Transfer10Cdb<T>) -> Result<Verify10, CdbError> {
        Ok(Verify10 {
            lba: cdb.lba() as u32,
            verification_blocks: cdb.transfer_length(),
            disable_page_out: cdb.disable_page_out(),
            byte_check: cdb.byte_check(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut Transfer10Cdb<T>) {
        cdb.buffer.as_mut()[..field::cdb10::END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_lba(self.lba as i32);
        cdb.set_transfer_length(self.verification_blocks);
        cdb.set_disable_page_out(self.disable_page_out);
        cdb.set_byte_check(self.byte_check);
    }

    pub fn data_direction(&self) -> DataDirection {
        if self.byte_check {
            DataDirection::Out {
                bytes: blocks_to_bytes(self.verification_blocks),
            }
        } else {
            DataDirection::None
        }
    }
}
cdb_repr!(Verify10, Transfer10Cdb, opcode::VERIFY_10);

/// READ(12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Read12 {
    pub lba: u32,
    pub transfer_blocks: u32,
    pub disable_page_out: bool,
    pub force_unit_access: bool,
    pub streaming: bool,
}

impl Read12 {
    pub fn parse<T: AsRef<[u8]>>(cdb: &Transfer12Cdb<T>) -> Result<Read12, CdbError> {
        Ok(Read12 {
            lba: cdb.lba() as u32,
            transfer_blocks: cdb.transfer_length(),
            disable_page_out: cdb.disable_page_out(),
            force_unit_access: cdb.force_unit_access(),
            streaming: cdb.streaming(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut Transfer12Cdb<T>) {
        cdb.buffer.as_mut()[..field::cdb12::END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_lba(self.lba as i32);
        cdb.set_transfer_length(self.transfer_blocks);
        cdb.set_disable_page_out(self.disable_page_out);
        cdb.set_force_unit_access(self.force_unit_access);
        cdb.set_streaming(self.streaming);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: blocks_to_bytes(self.transfer_blocks),
        }
    }
}
cdb_repr!(Read12, Transfer12Cdb, opcode::READ_12);

/// WRITE(12): byte 10 bit 7 Streaming (mmc.md §1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Write12 {
    pub lba: i32,
    pub transfer_blocks: u32,
    pub disable_page_out: bool,
    pub force_unit_access: bool,
    pub streaming: bool,
}

impl Write12 {
    pub fn parse<T: AsRef<[u8]>>(cdb: &Transfer12Cdb<T>) -> Result<Write12, CdbError> {
        Ok(Write12 {
            lba: cdb.lba(),
            transfer_blocks: cdb.transfer_length(),
            disable_page_out: cdb.disable_page_out(),
            force_unit_access: cdb.force_unit_access(),
            streaming: cdb.streaming(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut Transfer12Cdb<T>) {
        cdb.buffer.as_mut()[..field::cdb12::END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_lba(self.lba);
        cdb.set_transfer_length(self.transfer_blocks);
        cdb.set_disable_page_out(self.disable_page_out);
        cdb.set_force_unit_access(self.force_unit_access);
        cdb.set_streaming(self.streaming);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::Out {
            bytes: blocks_to_bytes(self.transfer_blocks),
        }
    }
}
cdb_repr!(Write12, Transfer12Cdb, opcode::WRITE_12);

view!(
    /// SYNCHRONIZE CACHE (35h): Immed byte 1 b1; LBA and block count (mmc.md §1.1: ignored by
    /// drives).
    SynchronizeCacheCdb,
    min_len = field::cdb10::END
);
accessors!(SynchronizeCacheCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit immediate / set_immediate: bool = field::sync::FLAGS, 0x02;
    be lba / set_lba: u32 = field::LBA;
    be blocks / set_blocks: u16 = field::sync::BLOCKS;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynchronizeCache {
    /// libburn and growisofs set Immed and poll with TEST UNIT READY (mmc.md §1.1).
    pub immediate: bool,
    pub lba: u32,
    pub blocks: u16,
}

impl SynchronizeCache {
    pub fn parse<T: AsRef<[u8]>>(cdb: &SynchronizeCacheCdb<T>) -> Result<SynchronizeCache, CdbError> {
        Ok(SynchronizeCache {
            immediate: cdb.immediate(),
            lba: cdb.lba(),
            blocks: cdb.blocks(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut SynchronizeCacheCdb<T>) {
        cdb.buffer.as_mut()[..field::cdb10::END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_immediate(self.immediate);
        cdb.set_lba(self.lba);
        cdb.set_blocks(self.blocks);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::None
    }
}
cdb_repr!(SynchronizeCache, SynchronizeCacheCdb, opcode::SYNCHRONIZE_CACHE);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write10_deconstruct_negative_lba() {
        // SAO writing starts at −150 (mmc.md §1.5).
        let bytes = [0x2A, 0x08, 0xFF, 0xFF, 0xFF, 0x6A, 0x00, 0x00, 0x10, 0x00];
        let cdb = Transfer10Cdb::new_checked(&bytes[..]).unwrap();
        assert_eq!(cdb.lba(), -150);
        assert_eq!(cdb.transfer_length(), 16);
        assert!(cdb.force_unit_access());
        let repr = Write10::parse(&cdb).unwrap();
        assert_eq!(
            repr,
            Write10 {
                lba: -150,
                transfer_blocks: 16,
                disable_page_out: false,
                force_unit_access: true
            }
        );
        assert_eq!(repr.to_vec(), bytes);
        assert_eq!(repr.data_direction(), DataDirection::Out { bytes: 32768 });
    }

    #[test]
    fn construct_read10() {
        let mut bytes = [0xAAu8; 10];
        let mut cdb = Transfer10Cdb::new_unchecked(&mut bytes[..]);
        Read10 {
            lba: 16,
            transfer_blocks: 1,
            disable_page_out: false,
            force_unit_access: false,
        }
        .emit(&mut cdb);
        assert_eq!(bytes, [0x28, 0, 0, 0, 0, 0x10, 0, 0, 1, 0]);
    }

    #[test]
    fn verify_direction_follows_byte_check() {
        let bytes = [0x2F, 0x02, 0, 0, 0, 0, 0, 0, 2, 0];
        let repr = Verify10::parse(&Transfer10Cdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert!(repr.byte_check);
        assert_eq!(repr.data_direction(), DataDirection::Out { bytes: 4096 });
        assert_eq!(repr.to_vec(), bytes);
        let quiet = Verify10 {
            byte_check: false,
            ..repr
        };
        assert_eq!(quiet.data_direction(), DataDirection::None);
    }

    #[test]
    fn write_and_verify_round_trip() {
        let bytes = [0x2E, 0x02, 0, 0, 0x08, 0, 0, 0, 0x20, 0];
        let repr = WriteAndVerify10::parse(&Transfer10Cdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(repr.lba, 2048);
        assert_eq!(repr.transfer_blocks, 32);
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn write12_streaming_bit() {
        let bytes = [0xAA, 0x00, 0, 0, 0x01, 0, 0, 0, 0, 0x20, 0x80, 0];
        let cdb = Transfer12Cdb::new_checked(&bytes[..]).unwrap();
        assert!(cdb.streaming());
        let repr = Write12::parse(&cdb).unwrap();
        assert_eq!(
            repr,
            Write12 {
                lba: 256,
                transfer_blocks: 32,
                disable_page_out: false,
                force_unit_access: false,
                streaming: true
            }
        );
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn read12_large_transfer_does_not_overflow() {
        let repr = Read12 {
            lba: 0,
            transfer_blocks: u32::MAX,
            disable_page_out: false,
            force_unit_access: false,
            streaming: false,
        };
        assert_eq!(
            repr.data_direction(),
            DataDirection::In {
                bytes: u64::from(u32::MAX) * 2048
            }
        );
        let bytes = repr.to_vec();
        assert_eq!(
            Read12::parse(&Transfer12Cdb::new_checked(&bytes[..]).unwrap()),
            Ok(repr)
        );
    }

    #[test]
    fn synchronize_cache_immediate() {
        let bytes = [0x35, 0x02, 0, 0, 0, 0, 0, 0, 0, 0];
        let repr = SynchronizeCache::parse(&SynchronizeCacheCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            SynchronizeCache {
                immediate: true,
                lba: 0,
                blocks: 0
            }
        );
        assert_eq!(repr.to_vec(), bytes);
    }
}
