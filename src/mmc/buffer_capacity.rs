//! READ BUFFER CAPACITY (5Ch) reply: 12 bytes (mmc.md §1.5). libburn polls it while waiting for
//! buffer space; growisofs reads it after 2/04/08.
//!
//! Bytes 0–1 data length (0Ah); byte 3 b0 Block; 4–7 buffer length in bytes; 8–11 free space in
//! bytes, or in blocks when the CDB's Block bit is set (then bytes 4–7 are reserved; spec, verify).

use super::wire::{CdbError, Field, accessors, impl_to_vec, view};

mod field {
    use super::Field;

    pub const DATA_LENGTH: Field = 0..2;
    /// Block b0.
    pub const FLAGS: usize = 3;
    pub const BUFFER_LENGTH: Field = 4..8;
    pub const AVAILABLE_LENGTH: Field = 8..12;
    pub const END: usize = 12;
}

view!(
    /// READ BUFFER CAPACITY data.
    BufferCapacity,
    min_len = field::END
);
accessors!(BufferCapacity {
    be data_length / set_data_length: u16 = field::DATA_LENGTH;
    bit block / set_block: bool = field::FLAGS, 0x01;
    be buffer_length / set_buffer_length: u32 = field::BUFFER_LENGTH;
    be available_length / set_available_length: u32 = field::AVAILABLE_LENGTH;
});

/// The free space of the drive's write buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BufferCapacityRepr {
    /// Block = 0: sizes in bytes.
    Bytes { buffer_bytes: u32, available_bytes: u32 },
    /// Block = 1: free space in blocks.
    Blocks { available_blocks: u32 },
}

impl BufferCapacityRepr {
    /// The data length: bytes after the field itself.
    const DATA_LENGTH: u16 = (field::END - field::BUFFER_LENGTH.start + 2) as u16;

    pub fn parse<T: AsRef<[u8]>>(data: &BufferCapacity<T>) -> Result<BufferCapacityRepr, CdbError> {
        data.check_len()?;
        Ok(if data.block() {
            BufferCapacityRepr::Blocks {
                available_blocks: data.available_length(),
            }
        } else {
            BufferCapacityRepr::Bytes {
                buffer_bytes: data.buffer_length(),
                available_bytes: data.available_length(),
            }
        })
    }

    pub fn buffer_len(&self) -> usize {
        field::END
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut BufferCapacity<T>) {
        data.buffer.as_mut()[..field::END].fill(0);
        data.set_data_length(Self::DATA_LENGTH);
        match *self {
            BufferCapacityRepr::Bytes {
                buffer_bytes,
                available_bytes,
            } => {
                data.set_buffer_length(buffer_bytes);
                data.set_available_length(available_bytes);
            }
            BufferCapacityRepr::Blocks { available_blocks } => {
                data.set_block(true);
                data.set_available_length(available_blocks);
            }
        }
    }
}
impl_to_vec!(BufferCapacityRepr, BufferCapacity);

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2 MiB buffer with 1.5 MiB free.
    static BYTES: [u8; 12] = [0x00, 0x0A, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00];
    /// 768 blocks free.
    static BLOCKS: [u8; 12] = [0x00, 0x0A, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00];

    #[test]
    fn deconstruct() {
        let data = BufferCapacity::new_checked(&BYTES[..]).unwrap();
        assert_eq!(data.data_length(), 10);
        assert!(!data.block());
        assert_eq!(data.buffer_length(), 2 * 1024 * 1024);
        assert_eq!(data.available_length(), 1536 * 1024);
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 12];
        let mut data = BufferCapacity::new_unchecked(&mut bytes[..]);
        data.set_data_length(10);
        data.set_block(true);
        data.set_available_length(768);
        assert_eq!(bytes, BLOCKS);
    }

    #[test]
    fn parse_and_emit() {
        let bytes = BufferCapacityRepr::Bytes {
            buffer_bytes: 2 * 1024 * 1024,
            available_bytes: 1536 * 1024,
        };
        assert_eq!(
            BufferCapacityRepr::parse(&BufferCapacity::new_checked(&BYTES[..]).unwrap()),
            Ok(bytes)
        );
        assert_eq!(bytes.to_vec(), BYTES);
        let blocks = BufferCapacityRepr::Blocks { available_blocks: 768 };
        assert_eq!(
            BufferCapacityRepr::parse(&BufferCapacity::new_checked(&BLOCKS[..]).unwrap()),
            Ok(blocks)
        );
        assert_eq!(blocks.to_vec(), BLOCKS);
    }
}
