//! The error detection code: a 32-bit CRC over the polynomial
//! (x¹⁶ + x¹⁵ + x² + 1)(x¹⁶ + x² + x + 1), LSB first, no preset and no inversion, stored least
//! significant byte first (ECMA-130 §14.3). It is the catalogue's CRC-32/CD-ROM-EDC
//! (`crc::CRC_32_CD_ROM_EDC`, check value 6EC2EDC4h); slice-by-16 tables, built at compile time,
//! are the fastest table form of the `crc` crate for 2 KiB inputs.

use crc::{CRC_32_CD_ROM_EDC, Crc, Table};

const EDC: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&CRC_32_CD_ROM_EDC);

/// The EDC of `bytes`.
#[inline]
pub fn edc(bytes: &[u8]) -> u32 {
    EDC.checksum(bytes)
}

/// The four bytes stored in the EDC field.
#[inline]
pub fn edc_bytes(bytes: &[u8]) -> [u8; 4] {
    edc(bytes).to_le_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_value_of_the_catalogue() {
        // reveng CRC catalogue, CRC-32/CD-ROM-EDC: check = 0x6EC2EDC4 for "123456789".
        assert_eq!(edc(b"123456789"), 0x6EC2_EDC4);
    }

    #[test]
    fn matches_the_bitwise_definition() {
        // ECMA-130 §14.3: P(x) = (x^16 + x^15 + x^2 + 1)(x^16 + x^2 + x + 1), bits taken LSB first,
        // so the register shifts right with the reflected polynomial.
        let polynomial: u64 = ((1 << 16) | (1 << 15) | (1 << 2) | 1) as u64;
        let other: u64 = ((1 << 16) | (1 << 2) | (1 << 1) | 1) as u64;
        let mut product = 0u64;
        for bit in 0..17 {
            if other >> bit & 1 == 1 {
                product ^= polynomial << bit;
            }
        }
        assert_eq!(product, 0x1_8001_801B);
        let reflected = (product as u32).reverse_bits();
        let bytes: Vec<u8> = (0..3000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        let mut register = 0u32;
        for &byte in &bytes {
            for bit in 0..8 {
                let feedback = (register ^ u32::from(byte) >> bit) & 1;
                register = (register >> 1) ^ if feedback == 1 { reflected } else { 0 };
            }
        }
        assert_eq!(edc(&bytes), register);
    }
}
