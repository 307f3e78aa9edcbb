//! The 4-byte sector header: the physical address as BCD minute:second:frame and the sector mode
//! (ECMA-130 §14.2), and the LBA range a header can carry.
//!
//! The header address is the absolute time of the sector: LBA + 150 frames (mmc.md §2.4, LBA 0 is
//! 00:02:00). Lead-in sectors (LBA below −150) count from 90:00:00 upwards, as in Q sub-channel
//! addresses, so the range a header can express is 90:00:00 (LBA −45150) … 89:59:74 (LBA 404849).

use crate::mmc::msf::Msf;
use std::fmt;

/// The lowest LBA a header can carry: 90:00:00 (mmc.md §2.4, M ≥ 90 ⇒ LBA = M·4500+S·75+F−450150).
pub const MIN_LBA: i32 = -45_150;
/// The highest LBA a header can carry: 89:59:74.
pub const MAX_LBA: i32 = 404_849;

/// The sector mode byte (ECMA-130 §14.2: 00h, 01h or 02h; other values are reserved).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Mode 0: the 2336 bytes after the header are all zero (ECMA-130 §14.3).
    Zero = 0,
    /// Mode 1: 2048 user bytes protected by EDC and ECC (ECMA-130 §14.3).
    One = 1,
    /// Mode 2: 2336 bytes, formless or CD-ROM XA Form 1 / Form 2 (ECMA-130 §14.4).
    Two = 2,
}

impl Mode {
    pub fn from_byte(byte: u8) -> Option<Mode> {
        match byte {
            0 => Some(Mode::Zero),
            1 => Some(Mode::One),
            2 => Some(Mode::Two),
            _ => None,
        }
    }
}

/// An LBA outside [`MIN_LBA`]..=[`MAX_LBA`], which no header can express.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LbaOutOfRange(pub i64);

impl fmt::Display for LbaOutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "LBA {} has no CD address (headers carry {MIN_LBA}..={MAX_LBA})",
            self.0
        )
    }
}

impl std::error::Error for LbaOutOfRange {}

/// The parsed header: an address and the raw mode byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub address: Msf,
    pub mode: u8,
}

impl Header {
    /// The header of the sector at `lba` in `mode`.
    pub fn for_lba(lba: i32, mode: Mode) -> Result<Header, LbaOutOfRange> {
        check_lba(i64::from(lba))?;
        Ok(Header {
            address: Msf::from_lba(lba),
            mode: mode as u8,
        })
    }

    /// The four header bytes: BCD minute, second, frame, then the mode byte.
    pub fn to_bytes(self) -> [u8; 4] {
        [
            bcd(self.address.minute),
            bcd(self.address.second),
            bcd(self.address.frame),
            self.mode,
        ]
    }

    /// Parses four header bytes; `None` if an address byte is not BCD.
    pub fn parse(bytes: [u8; 4]) -> Option<Header> {
        Some(Header {
            address: Msf::new(from_bcd(bytes[0])?, from_bcd(bytes[1])?, from_bcd(bytes[2])?),
            mode: bytes[3],
        })
    }
}

/// Checks that `lba` can be written into a header.
pub fn check_lba(lba: i64) -> Result<(), LbaOutOfRange> {
    if (i64::from(MIN_LBA)..=i64::from(MAX_LBA)).contains(&lba) {
        Ok(())
    } else {
        Err(LbaOutOfRange(lba))
    }
}

/// Two decimal digits as packed BCD (ECMA-130 §14.2: "each byte … two BCD digits").
pub const fn bcd(value: u8) -> u8 {
    ((value / 10) << 4) | (value % 10)
}

/// The value of a packed BCD byte; `None` if a nibble is above 9.
pub const fn from_bcd(byte: u8) -> Option<u8> {
    let (high, low) = (byte >> 4, byte & 0x0F);
    if high > 9 || low > 9 {
        None
    } else {
        Some(high * 10 + low)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lba_zero_is_00_02_00() {
        assert_eq!(
            Header::for_lba(0, Mode::One).unwrap().to_bytes(),
            [0x00, 0x02, 0x00, 0x01]
        );
    }

    #[test]
    fn header_is_bcd() {
        // LBA 333000 + 150 = 333150 frames = 74:02:00.
        assert_eq!(
            Header::for_lba(333_000, Mode::Two).unwrap().to_bytes(),
            [0x74, 0x02, 0x00, 0x02]
        );
        // 89:59:74 is the last address below the lead-in range.
        assert_eq!(
            Header::for_lba(MAX_LBA, Mode::One).unwrap().to_bytes(),
            [0x89, 0x59, 0x74, 0x01]
        );
    }

    #[test]
    fn lead_in_sectors_count_from_minute_90() {
        assert_eq!(
            Header::for_lba(-150, Mode::One).unwrap().to_bytes(),
            [0x00, 0x00, 0x00, 0x01]
        );
        assert_eq!(
            Header::for_lba(-151, Mode::One).unwrap().to_bytes(),
            [0x99, 0x59, 0x74, 0x01]
        );
        assert_eq!(
            Header::for_lba(MIN_LBA, Mode::One).unwrap().to_bytes(),
            [0x90, 0x00, 0x00, 0x01]
        );
    }

    #[test]
    fn out_of_range_lbas_are_refused() {
        assert_eq!(Header::for_lba(MAX_LBA + 1, Mode::One), Err(LbaOutOfRange(404_850)));
        assert_eq!(Header::for_lba(MIN_LBA - 1, Mode::One), Err(LbaOutOfRange(-45_151)));
    }

    #[test]
    fn parse_round_trips_and_refuses_non_bcd() {
        let header = Header::for_lba(12_345, Mode::One).unwrap();
        assert_eq!(Header::parse(header.to_bytes()), Some(header));
        assert_eq!(Header::parse([0x0A, 0x00, 0x00, 0x01]), None);
    }
}
