//! CD addresses as minute:second:frame and their LBA equivalent (mmc.md §2.4).
//!
//! LBA = (M·60 + S)·75 + F − 150 for M < 90; for M ≥ 90 subtract 450150 instead, so that lead-in
//! addresses are negative (97:34:23 = −11077).

use std::fmt;

/// Frames (blocks) per second and per minute of a CD.
pub const FRAMES_PER_SECOND: i32 = 75;
pub const FRAMES_PER_MINUTE: i32 = 60 * FRAMES_PER_SECOND;
/// The 2-second pre-gap: LBA 0 is 00:02:00.
pub const PREGAP_FRAMES: i32 = 150;
/// The offset used for minutes ≥ 90 (lead-in): 100 minutes − 150 frames (mmc.md §2.4).
pub const LEAD_IN_OFFSET: i32 = 450_150;
/// The first minute read as negative (lead-in).
pub const LEAD_IN_MINUTE: u8 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Msf {
    pub minute: u8,
    pub second: u8,
    pub frame: u8,
}

impl Msf {
    pub const fn new(minute: u8, second: u8, frame: u8) -> Msf {
        Msf { minute, second, frame }
    }

    /// Whether this is a CD address at all: minute 0–99, second 0–59, frame 0–74 (mmc.md §2.4).
    /// Anything else has no LBA that writes back as the same bytes.
    pub fn is_address(self) -> bool {
        self.minute < 100 && self.second < 60 && i32::from(self.frame) < FRAMES_PER_SECOND
    }

    /// The LBA of this address (mmc.md §2.4).
    pub fn to_lba(self) -> i32 {
        let frames = i32::from(self.minute) * FRAMES_PER_MINUTE
            + i32::from(self.second) * FRAMES_PER_SECOND
            + i32::from(self.frame);
        if self.minute >= LEAD_IN_MINUTE {
            frames - LEAD_IN_OFFSET
        } else {
            frames - PREGAP_FRAMES
        }
    }

    /// The address of an LBA; negative LBAs below −150 land in minutes ≥ 90. LBAs that do not
    /// fit into 0..=99 minutes saturate at 99:59:74 or 00:00:00.
    pub fn from_lba(lba: i32) -> Msf {
        let frames = if lba >= -PREGAP_FRAMES {
            lba.saturating_add(PREGAP_FRAMES)
        } else {
            lba.saturating_add(LEAD_IN_OFFSET)
        };
        let frames = frames.clamp(0, 100 * FRAMES_PER_MINUTE - 1);
        Msf {
            minute: (frames / FRAMES_PER_MINUTE) as u8,
            second: (frames % FRAMES_PER_MINUTE / FRAMES_PER_SECOND) as u8,
            frame: (frames % FRAMES_PER_SECOND) as u8,
        }
    }

    /// The 4-byte form of READ TOC / READ DISC INFORMATION addresses: `00 MM SS FF`.
    pub fn to_packed(self) -> u32 {
        u32::from_be_bytes([0, self.minute, self.second, self.frame])
    }

    pub fn from_packed(packed: u32) -> Msf {
        let [_, minute, second, frame] = packed.to_be_bytes();
        Msf { minute, second, frame }
    }

    /// The three bytes M, S, F.
    pub fn to_bytes(self) -> [u8; 3] {
        [self.minute, self.second, self.frame]
    }

    pub fn from_bytes(bytes: [u8; 3]) -> Msf {
        Msf {
            minute: bytes[0],
            second: bytes[1],
            frame: bytes[2],
        }
    }
}

impl fmt::Display for Msf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}:{:02}", self.minute, self.second, self.frame)
    }
}

/// How addresses of a reply are written (READ TOC byte 1 b1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Addressing {
    #[default]
    Lba,
    Msf,
}

impl Addressing {
    /// The 4-byte field for `lba`: big-endian two's complement, or `00 MM SS FF`.
    pub fn encode(self, lba: i32) -> u32 {
        match self {
            Addressing::Lba => lba as u32,
            Addressing::Msf => Msf::from_lba(lba).to_packed(),
        }
    }

    /// The LBA a field holds; `None` for an MSF field that is not `00 MM SS FF` with a valid
    /// address (a reply that says 00:60:00 or 159:00:00 is malformed, not some far LBA).
    pub fn decode(self, field: u32) -> Option<i32> {
        match self {
            Addressing::Lba => Some(field as i32),
            Addressing::Msf => {
                let msf = Msf::from_packed(field);
                (field >> 24 == 0 && msf.is_address()).then(|| msf.to_lba())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lba_zero_is_two_seconds() {
        assert_eq!(Msf::from_lba(0), Msf::new(0, 2, 0));
        assert_eq!(Msf::new(0, 2, 0).to_lba(), 0);
        assert_eq!(Msf::from_lba(-150), Msf::new(0, 0, 0));
    }

    #[test]
    fn lead_in_addresses_are_negative() {
        // CDEmu 97:34:23 = −11077; cookbook 97:26:65 = −11635 (mmc.md §1.3, §2.4).
        assert_eq!(Msf::new(97, 34, 23).to_lba(), -11077);
        assert_eq!(Msf::from_lba(-11077), Msf::new(97, 34, 23));
        assert_eq!(Msf::new(97, 26, 65).to_lba(), -11635);
        assert_eq!(Msf::from_lba(-11635), Msf::new(97, 26, 65));
    }

    #[test]
    fn eighty_minute_lead_out() {
        // 79:59:74 → 359849, the top of the ATIP range of mmc.md §7.
        assert_eq!(Msf::new(79, 59, 74).to_lba(), 359_849);
        assert_eq!(Msf::from_lba(359_849), Msf::new(79, 59, 74));
    }

    #[test]
    fn round_trip_over_the_whole_range() {
        for lba in (-45_000..=404_849).step_by(997) {
            assert_eq!(Msf::from_lba(lba).to_lba(), lba, "{lba}");
        }
    }

    #[test]
    fn packed_form_and_display() {
        let msf = Msf::new(97, 34, 23);
        assert_eq!(msf.to_packed(), 0x0061_2217);
        assert_eq!(Msf::from_packed(0x0061_2217), msf);
        assert_eq!(msf.to_string(), "97:34:23");
        assert_eq!(Addressing::Msf.encode(0), 0x0000_0200);
        assert_eq!(Addressing::Lba.encode(-150), 0xFFFF_FF6A);
        assert_eq!(Addressing::Msf.decode(0x0000_0200), Some(0));
    }

    #[test]
    fn msf_fields_that_are_no_address_do_not_decode() {
        // Found by the `mmc` fuzz target: a TOC descriptor's minute 9Fh read as an LBA (265350)
        // that writes back as 99:59:74; a second of 60 or a frame of 75 did the same.
        for field in [0x009F_0000, 0x0064_0000, 0x0000_3C00, 0x0000_004B, 0x0100_0200] {
            assert_eq!(Addressing::Msf.decode(field), None, "{field:08x}");
        }
        assert_eq!(Addressing::Msf.decode(0x0063_3B4A), Some(-151));
        assert_eq!(Addressing::Msf.decode(0x004F_3B4A), Some(359_849));
        assert_eq!(Addressing::Lba.decode(0xFFFF_FF6A), Some(-150));
    }

    #[test]
    fn out_of_range_saturates() {
        assert_eq!(Msf::from_lba(i32::MAX), Msf::new(99, 59, 74));
        assert_eq!(Msf::from_lba(i32::MIN), Msf::new(0, 0, 0));
    }
}
