//! The scrambler (ECMA-130 Annex B): bytes 12..2352 of a data sector (everything after the sync)
//! are XORed with the output of a 15-bit shift register with feedback x¹⁵ + x + 1, preset to
//! 0001h at the first bit after the sync, bits taken least significant first. Scrambling is its
//! own inverse. Drives scramble data sectors on the way to the disc; a host sees scrambled bytes
//! only where it asks for them (raw reads of data sectors as audio, some vendors' raw writes).
//!
//! The 2340-byte sequence is a table built at compile time.

use super::sector::{SECTOR_LEN, SYNC};

/// Bytes after the sync that are scrambled.
pub const SCRAMBLED_LEN: usize = SECTOR_LEN - SYNC.len();

/// The scrambler sequence for bytes 12..2352.
pub static SEQUENCE: [u8; SCRAMBLED_LEN] = {
    let mut table = [0u8; SCRAMBLED_LEN];
    let mut register: u16 = 0x0001;
    let mut i = 0;
    while i < SCRAMBLED_LEN {
        let mut byte = 0u8;
        let mut bit = 0;
        while bit < 8 {
            byte |= ((register & 1) as u8) << bit;
            // x^15 + x + 1: the new bit 14 is the XOR of the two lowest stages.
            let feedback = (register ^ (register >> 1)) & 1;
            register = (register >> 1) | (feedback << 14);
            bit += 1;
        }
        table[i] = byte;
        i += 1;
    }
    table
};

/// Scrambles (or descrambles) every 2352-byte sector of `sectors`; a partial last sector is
/// left alone. Returns the number of sectors changed.
pub fn scramble_run(sectors: &mut [u8]) -> usize {
    let mut count = 0;
    for sector in sectors.chunks_exact_mut(SECTOR_LEN) {
        for (byte, mask) in sector[SYNC.len()..].iter_mut().zip(SEQUENCE.iter()) {
            *byte ^= mask;
        }
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_starts_as_published() {
        // The first 32 bytes of the sequence as tabulated after the 12 unscrambled sync bytes in
        // MAME src/mame/philips/cdicdic.cpp `s_sector_scramble` (BSD-3-Clause), which lists the
        // ECMA-130 Annex B sequence.
        let published = [
            0x01, 0x80, 0x00, 0x60, 0x00, 0x28, 0x00, 0x1e, 0x80, 0x08, 0x60, 0x06, 0xa8, 0x02, 0xfe, 0x81, //
            0x80, 0x60, 0x60, 0x28, 0x28, 0x1e, 0x9e, 0x88, 0x68, 0x66, 0xae, 0xaa, 0xfc, 0x7f, 0x01, 0xe0,
        ];
        assert_eq!(SEQUENCE[..32], published);
    }

    #[test]
    fn sequence_period_is_32767_bits() {
        // A maximal-length 15-bit register repeats after 2^15 - 1 bits, longer than a sector, so
        // no byte-aligned window of the first 2340 bytes repeats the start.
        assert!(SEQUENCE.windows(8).skip(1).all(|window| window != &SEQUENCE[..8]));
    }

    #[test]
    fn scrambling_twice_restores_the_sector_and_spares_the_sync() {
        let mut sectors = vec![0u8; 2 * SECTOR_LEN + 5];
        sectors[..12].copy_from_slice(&SYNC);
        let original = sectors.clone();
        assert_eq!(scramble_run(&mut sectors), 2);
        assert_eq!(sectors[..12], SYNC);
        assert_eq!(sectors[12..SECTOR_LEN], SEQUENCE[..]);
        assert_eq!(sectors[2 * SECTOR_LEN..], original[2 * SECTOR_LEN..]);
        scramble_run(&mut sectors);
        assert_eq!(sectors, original);
    }
}
