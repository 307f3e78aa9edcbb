//! Path tables (ECMA-119 9.4, udf-iso.md §1.5): one entry per directory in level order, written
//! twice, little-endian (L table) and big-endian (M table).

use super::encoding::{write_be, write_le};

/// Length of an entry with an identifier of `id_len` bytes (padded to even).
pub fn entry_len(id_len: usize) -> usize {
    8 + id_len + (id_len & 1)
}

/// Writes one entry at the start of `buf` (zeroed); returns its length.
pub fn emit_entry(buf: &mut [u8], identifier: &[u8], extent: u32, parent: u16, big_endian: bool) -> usize {
    buf[0] = identifier.len() as u8;
    buf[1] = 0;
    if big_endian {
        write_be(&mut buf[2..6], extent);
        write_be(&mut buf[6..8], u32::from(parent));
    } else {
        write_le(&mut buf[2..6], extent);
        write_le(&mut buf[6..8], u32::from(parent));
    }
    buf[8..8 + identifier.len()].copy_from_slice(identifier);
    entry_len(identifier.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_entry_in_both_byte_orders() {
        let mut l = [0u8; 10];
        assert_eq!(emit_entry(&mut l, &[0], 0x1C, 1, false), 10);
        assert_eq!(l, [1, 0, 0x1C, 0, 0, 0, 1, 0, 0, 0]);
        let mut m = [0u8; 10];
        emit_entry(&mut m, &[0], 0x1C, 1, true);
        assert_eq!(m, [1, 0, 0, 0, 0, 0x1C, 0, 1, 0, 0]);
    }
}
