//! Volume descriptors (udf-iso.md §1.2, §1.3, §1.8): the Primary Volume Descriptor, the Joliet
//! Supplementary Volume Descriptor, the El Torito Boot Record and the Set Terminator. Every one
//! starts `type "CD001" version` and occupies one 2048-byte block.

use super::encoding::{
    DEC_DATE_UNSPECIFIED, Field, dec_date, put_text, put_ucs2_text, read_both, read_le, write_be, write_both, write_le,
};
use std::time::SystemTime;

pub mod field {
    use super::Field;
    pub const TYPE: usize = 0;
    pub const STANDARD_ID: Field = 1..6;
    pub const VERSION: usize = 6;
    pub const FLAGS: usize = 7;
    pub const SYSTEM_ID: Field = 8..40;
    pub const VOLUME_ID: Field = 40..72;
    pub const SPACE_SIZE: Field = 80..88;
    pub const ESCAPES: Field = 88..120;
    pub const SET_SIZE: Field = 120..124;
    pub const SEQUENCE_NUMBER: Field = 124..128;
    pub const BLOCK_SIZE: Field = 128..132;
    pub const PATH_TABLE_SIZE: Field = 132..140;
    pub const L_PATH_TABLE: Field = 140..144;
    pub const M_PATH_TABLE: Field = 148..152;
    pub const ROOT_RECORD: Field = 156..190;
    pub const VOLUME_SET_ID: Field = 190..318;
    pub const PUBLISHER_ID: Field = 318..446;
    pub const PREPARER_ID: Field = 446..574;
    pub const APPLICATION_ID: Field = 574..702;
    pub const COPYRIGHT_FILE_ID: Field = 702..739;
    pub const ABSTRACT_FILE_ID: Field = 739..776;
    pub const BIBLIOGRAPHIC_FILE_ID: Field = 776..813;
    pub const CREATION: Field = 813..830;
    pub const MODIFICATION: Field = 830..847;
    pub const EXPIRATION: Field = 847..864;
    pub const EFFECTIVE: Field = 864..881;
    pub const FILE_STRUCTURE_VERSION: usize = 881;
    /// Boot Record: "EL TORITO SPECIFICATION", zero padded.
    pub const BOOT_SYSTEM_ID: Field = 7..39;
    /// Boot Record: absolute LBA of the boot catalog, little-endian (udf-iso.md §1.3).
    pub const BOOT_CATALOG: Field = 71..75;
}

pub const TYPE_BOOT_RECORD: u8 = 0;
pub const TYPE_PRIMARY: u8 = 1;
pub const TYPE_SUPPLEMENTARY: u8 = 2;
pub const TYPE_TERMINATOR: u8 = 255;
pub const STANDARD_ID: &[u8; 5] = b"CD001";
pub const EL_TORITO_ID: &[u8] = b"EL TORITO SPECIFICATION";
/// Joliet escape sequences for UCS-2 levels 1, 2 and 3 (udf-iso.md §1.7); we write level 3.
pub const JOLIET_ESCAPES: [&[u8; 3]; 3] = [b"%/@", b"%/C", b"%/E"];

/// A typed view of one volume descriptor block.
pub struct VolumeDescriptor<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> VolumeDescriptor<T> {
    /// Wraps a 2048-byte block; `None` if it is shorter.
    pub fn new(buffer: T) -> Option<VolumeDescriptor<T>> {
        (buffer.as_ref().len() >= 2048).then_some(VolumeDescriptor { buffer })
    }

    fn bytes(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    pub fn kind(&self) -> u8 {
        self.bytes()[field::TYPE]
    }

    /// Carries the ECMA-119 standard identifier `CD001`.
    pub fn is_ecma119(&self) -> bool {
        &self.bytes()[field::STANDARD_ID] == STANDARD_ID
    }

    /// The five identifier bytes (also `BEA01`, `NSR02`… for UDF's recognition sequence).
    pub fn standard_id(&self) -> &[u8] {
        &self.bytes()[field::STANDARD_ID]
    }

    pub fn version(&self) -> u8 {
        self.bytes()[field::VERSION]
    }

    pub fn flags(&self) -> u8 {
        self.bytes()[field::FLAGS]
    }

    pub fn volume_id(&self) -> &[u8] {
        &self.bytes()[field::VOLUME_ID]
    }

    /// Volume space size in blocks, if both copies agree.
    pub fn space_size(&self) -> Option<u32> {
        read_both(&self.bytes()[field::SPACE_SIZE])
    }

    pub fn escapes(&self) -> &[u8] {
        &self.bytes()[field::ESCAPES]
    }

    /// A Joliet SVD: type 2, flags bit 0 clear, escape `%/@`, `%/C` or `%/E` (udf-iso.md §1.7).
    pub fn is_joliet(&self) -> bool {
        self.kind() == TYPE_SUPPLEMENTARY
            && self.flags() & 1 == 0
            && JOLIET_ESCAPES.iter().any(|e| self.escapes().starts_with(&e[..]))
    }

    pub fn logical_block_size(&self) -> Option<u32> {
        read_both(&self.bytes()[field::BLOCK_SIZE])
    }

    pub fn root_record(&self) -> &[u8] {
        &self.bytes()[field::ROOT_RECORD]
    }

    pub fn boot_system_id(&self) -> &[u8] {
        &self.bytes()[field::BOOT_SYSTEM_ID]
    }

    pub fn boot_catalog_lba(&self) -> u32 {
        read_le(&self.bytes()[field::BOOT_CATALOG])
    }
}

/// The values a PVD or a Joliet SVD records.
#[derive(Debug, Clone)]
pub struct VolumeRepr {
    pub joliet: bool,
    pub volume_id: String,
    pub application_id: String,
    pub space_size: u32,
    pub path_table_bytes: u32,
    pub l_path_table: u32,
    pub m_path_table: u32,
    /// The 34-byte `.` record of the root directory.
    pub root_record: [u8; 34],
    pub created: SystemTime,
}

impl VolumeRepr {
    /// Writes the descriptor into a 2048-byte block (which the caller zeroed).
    pub fn emit(&self, block: &mut [u8]) {
        block[field::TYPE] = if self.joliet { TYPE_SUPPLEMENTARY } else { TYPE_PRIMARY };
        block[field::STANDARD_ID].copy_from_slice(STANDARD_ID);
        block[field::VERSION] = 1;
        let text: fn(&mut [u8], &str) = if self.joliet { put_ucs2_text } else { put_text };
        text(&mut block[field::SYSTEM_ID], "");
        text(&mut block[field::VOLUME_ID], &self.volume_id);
        write_both(&mut block[field::SPACE_SIZE], self.space_size);
        if self.joliet {
            block[field::ESCAPES][..3].copy_from_slice(JOLIET_ESCAPES[2]);
        }
        write_both(&mut block[field::SET_SIZE], 1);
        write_both(&mut block[field::SEQUENCE_NUMBER], 1);
        write_both(&mut block[field::BLOCK_SIZE], 2048);
        write_both(&mut block[field::PATH_TABLE_SIZE], self.path_table_bytes);
        write_le(&mut block[field::L_PATH_TABLE], self.l_path_table);
        write_be(&mut block[field::M_PATH_TABLE], self.m_path_table);
        block[field::ROOT_RECORD].copy_from_slice(&self.root_record);
        text(&mut block[field::VOLUME_SET_ID], &self.volume_id);
        text(&mut block[field::PUBLISHER_ID], "");
        text(&mut block[field::PREPARER_ID], "");
        text(&mut block[field::APPLICATION_ID], &self.application_id);
        text(&mut block[field::COPYRIGHT_FILE_ID], "");
        text(&mut block[field::ABSTRACT_FILE_ID], "");
        text(&mut block[field::BIBLIOGRAPHIC_FILE_ID], "");
        let created = dec_date(self.created);
        block[field::CREATION].copy_from_slice(&created);
        block[field::MODIFICATION].copy_from_slice(&created);
        block[field::EXPIRATION].copy_from_slice(&DEC_DATE_UNSPECIFIED);
        block[field::EFFECTIVE].copy_from_slice(&DEC_DATE_UNSPECIFIED);
        block[field::FILE_STRUCTURE_VERSION] = 1;
    }
}

/// The Volume Descriptor Set Terminator: `FF "CD001" 01`, the rest zero.
pub fn emit_terminator(block: &mut [u8]) {
    block[field::TYPE] = TYPE_TERMINATOR;
    block[field::STANDARD_ID].copy_from_slice(STANDARD_ID);
    block[field::VERSION] = 1;
}

/// The El Torito Boot Record pointing at the boot catalog at absolute `catalog_lba`.
pub fn emit_boot_record(block: &mut [u8], catalog_lba: u32) {
    block[field::TYPE] = TYPE_BOOT_RECORD;
    block[field::STANDARD_ID].copy_from_slice(STANDARD_ID);
    block[field::VERSION] = 1;
    block[field::BOOT_SYSTEM_ID][..EL_TORITO_ID.len()].copy_from_slice(EL_TORITO_ID);
    write_le(&mut block[field::BOOT_CATALOG], catalog_lba);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn repr(joliet: bool) -> VolumeRepr {
        VolumeRepr {
            joliet,
            volume_id: "DISC".into(),
            application_id: "APP".into(),
            space_size: 300,
            path_table_bytes: 10,
            l_path_table: 19,
            m_path_table: 20,
            root_record: [0; 34],
            created: UNIX_EPOCH,
        }
    }

    #[test]
    fn primary_descriptor_fields() {
        let mut block = vec![0u8; 2048];
        repr(false).emit(&mut block);
        assert_eq!(&block[..8], b"\x01CD001\x01\x00");
        assert_eq!(&block[40..44], b"DISC");
        assert_eq!(&block[80..88], &[0x2C, 0x01, 0, 0, 0, 0, 0x01, 0x2C]);
        assert_eq!(&block[128..132], &[0x00, 0x08, 0x08, 0x00]);
        assert_eq!(&block[140..144], &[19, 0, 0, 0]);
        assert_eq!(&block[148..152], &[0, 0, 0, 20]);
        assert_eq!(&block[813..830], b"1970010100000000\0");
        assert_eq!(&block[847..864], b"0000000000000000\0");
        let view = VolumeDescriptor::new(&block[..]).unwrap();
        assert!(view.is_ecma119() && !view.is_joliet());
        assert_eq!(view.space_size(), Some(300));
        assert_eq!(view.logical_block_size(), Some(2048));
    }

    #[test]
    fn joliet_descriptor_has_ucs2_ids_and_escape() {
        let mut block = vec![0u8; 2048];
        repr(true).emit(&mut block);
        assert_eq!(block[0], 2);
        assert_eq!(&block[88..91], b"%/E");
        assert_eq!(&block[40..44], &[0, b'D', 0, b'I']);
        assert_eq!(&block[72 - 2..72], &[0, 0x20]);
        assert!(VolumeDescriptor::new(&block[..]).unwrap().is_joliet());
    }

    #[test]
    fn terminator_and_boot_record() {
        let mut block = vec![0u8; 2048];
        emit_terminator(&mut block);
        assert_eq!(&block[..7], b"\xFFCD001\x01");
        let mut boot = vec![0u8; 2048];
        emit_boot_record(&mut boot, 0x1234);
        assert_eq!(&boot[7..30], EL_TORITO_ID);
        assert_eq!(&boot[71..75], &[0x34, 0x12, 0, 0]);
        assert_eq!(VolumeDescriptor::new(&boot[..]).unwrap().boot_catalog_lba(), 0x1234);
    }
}
