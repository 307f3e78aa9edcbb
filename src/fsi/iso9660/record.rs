//! Directory records (ECMA-119 9.1, udf-iso.md §1.4): the entries of a directory's extent and the
//! root record inside a volume descriptor.

use super::encoding::{Field, read_both, read_le, write_both};

pub mod field {
    use super::Field;
    pub const LENGTH: usize = 0;
    pub const EXTENDED_ATTRIBUTE_LENGTH: usize = 1;
    pub const EXTENT: Field = 2..10;
    pub const DATA_LENGTH: Field = 10..18;
    pub const DATE: Field = 18..25;
    pub const FLAGS: usize = 25;
    pub const FILE_UNIT_SIZE: usize = 26;
    pub const INTERLEAVE_GAP: usize = 27;
    pub const SEQUENCE_NUMBER: Field = 28..32;
    pub const IDENTIFIER_LENGTH: usize = 32;
    pub const IDENTIFIER: usize = 33;
}

/// File flags (9.1.6).
pub mod flags {
    /// "Existence": the item is not shown to the user (IMAPI's hidden flag).
    pub const HIDDEN: u8 = 0x01;
    pub const DIRECTORY: u8 = 0x02;
    pub const ASSOCIATED: u8 = 0x04;
    /// More records of this file follow (multi-extent, level 3).
    pub const MULTI_EXTENT: u8 = 0x80;
}

/// The shortest record: 33 fixed bytes and a one-byte identifier.
pub const MIN_RECORD_LEN: usize = 34;

/// Identifier of the `.` record.
pub const SELF_ID: &[u8] = &[0];
/// Identifier of the `..` record.
pub const PARENT_ID: &[u8] = &[1];

/// Length of a record with an identifier of `id_len` bytes and `system_use_len` bytes of system
/// use: 33 + identifier + a pad byte when the identifier length is even, kept even overall.
pub fn record_len(id_len: usize, system_use_len: usize) -> usize {
    let n = 33 + id_len + usize::from(id_len.is_multiple_of(2)) + system_use_len;
    n + (n & 1)
}

/// A typed view of one record at the start of a buffer.
pub struct DirectoryRecord<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> DirectoryRecord<T> {
    /// Wraps a record after checking that its length byte and identifier fit in the buffer.
    pub fn new_checked(buffer: T) -> Option<DirectoryRecord<T>> {
        let b = buffer.as_ref();
        let len = *b.first()? as usize;
        if len < MIN_RECORD_LEN - 1 || len > b.len() || b.len() < 33 {
            return None;
        }
        let id_len = b[field::IDENTIFIER_LENGTH] as usize;
        if id_len == 0 || 33 + id_len > len {
            return None;
        }
        Some(DirectoryRecord { buffer })
    }

    fn bytes(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    pub fn length(&self) -> usize {
        self.bytes()[field::LENGTH] as usize
    }

    pub fn extended_attribute_length(&self) -> u8 {
        self.bytes()[field::EXTENDED_ATTRIBUTE_LENGTH]
    }

    /// Extent LBA (the little-endian copy; Linux reads only that one).
    pub fn extent(&self) -> u32 {
        read_le(&self.bytes()[2..6])
    }

    /// Data length in bytes (little-endian copy).
    pub fn data_length(&self) -> u32 {
        read_le(&self.bytes()[10..14])
    }

    /// Whether the two copies of extent and data length agree.
    pub fn both_endian_consistent(&self) -> bool {
        read_both(&self.bytes()[field::EXTENT]).is_some() && read_both(&self.bytes()[field::DATA_LENGTH]).is_some()
    }

    pub fn date(&self) -> &[u8] {
        &self.bytes()[field::DATE]
    }

    pub fn flags(&self) -> u8 {
        self.bytes()[field::FLAGS]
    }

    pub fn file_unit_size(&self) -> u8 {
        self.bytes()[field::FILE_UNIT_SIZE]
    }

    pub fn identifier(&self) -> &[u8] {
        let len = self.bytes()[field::IDENTIFIER_LENGTH] as usize;
        &self.bytes()[field::IDENTIFIER..field::IDENTIFIER + len]
    }

    /// The system use area (SUSP / Rock Ridge), after the identifier and its pad byte.
    pub fn system_use(&self) -> &[u8] {
        let id_len = self.bytes()[field::IDENTIFIER_LENGTH] as usize;
        let start = (33 + id_len + usize::from(id_len.is_multiple_of(2))).min(self.length());
        &self.bytes()[start..self.length()]
    }
}

/// The values of one record to write.
#[derive(Debug, Clone)]
pub struct RecordRepr<'a> {
    pub extent: u32,
    pub data_length: u32,
    pub date: [u8; 7],
    pub flags: u8,
    pub identifier: &'a [u8],
}

impl RecordRepr<'_> {
    pub fn len(&self) -> usize {
        record_len(self.identifier.len(), 0)
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// Writes the record at the start of `buf` (zeroed by the caller); returns its length.
    pub fn emit(&self, buf: &mut [u8]) -> usize {
        let len = self.len();
        buf[field::LENGTH] = len as u8;
        write_both(&mut buf[field::EXTENT], self.extent);
        write_both(&mut buf[field::DATA_LENGTH], self.data_length);
        buf[field::DATE].copy_from_slice(&self.date);
        buf[field::FLAGS] = self.flags;
        write_both(&mut buf[field::SEQUENCE_NUMBER], 1);
        buf[field::IDENTIFIER_LENGTH] = self.identifier.len() as u8;
        buf[field::IDENTIFIER..field::IDENTIFIER + self.identifier.len()].copy_from_slice(self.identifier);
        len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_lengths_are_even_with_the_pad_rule() {
        assert_eq!(record_len(1, 0), 34);
        assert_eq!(record_len(12, 0), 46); // "README.TXT;1": 33 + 12 + pad
        assert_eq!(record_len(13, 0), 46);
        assert_eq!(record_len(2, 0), 36);
    }

    #[test]
    fn emit_then_parse() {
        let mut buf = [0u8; 64];
        let repr = RecordRepr {
            extent: 20,
            data_length: 2048,
            date: [100, 1, 2, 3, 4, 5, 0],
            flags: flags::DIRECTORY,
            identifier: b"DIR",
        };
        let len = repr.emit(&mut buf);
        assert_eq!(len, 36);
        assert_eq!(&buf[..10], &[36, 0, 20, 0, 0, 0, 0, 0, 0, 20]);
        let view = DirectoryRecord::new_checked(&buf[..]).unwrap();
        assert_eq!(
            (view.extent(), view.data_length(), view.flags()),
            (20, 2048, flags::DIRECTORY)
        );
        assert_eq!(view.identifier(), b"DIR");
        assert!(view.both_endian_consistent());
        assert!(view.system_use().is_empty());
    }

    #[test]
    fn malformed_records_are_refused() {
        assert!(DirectoryRecord::new_checked(&[0u8; 40][..]).is_none());
        let mut buf = [0u8; 40];
        buf[0] = 34;
        buf[32] = 5; // identifier longer than the record
        assert!(DirectoryRecord::new_checked(&buf[..]).is_none());
        buf[0] = 50; // record longer than the buffer
        assert!(DirectoryRecord::new_checked(&buf[..]).is_none());
    }
}
