//! The 2352-byte sector and its layouts (ECMA-130 §14 for Mode 0/1/2, the CD-ROM XA system
//! description for Mode 2 Form 1/Form 2, IEC 60908 for CD-DA), as a typed view whose field
//! ranges are declared once (STYLE.md, smoltcp's `wire`).
//!
//! ```text
//!  0   12   16        24                                 2064/2072  2076       2248       2352
//!  sync header ┬ Mode 1: user data 2048 ─────────────────┤EDC│zero 8│ P 172    │ Q 104    │
//!              ├ Mode 2 Form 1: subheader 8, user 2048 ───────┤EDC │ P 172    │ Q 104    │
//!              ├ Mode 2 Form 2: subheader 8, user 2324 ─────────────────────────────┤EDC 4│
//!              ├ Mode 2 formless: user data 2336 ────────────────────────────────────────┤
//!              └ Mode 0: 2336 zero bytes ────────────────────────────────────────────────┤
//!  CD-DA: 2352 bytes of audio, no sync and no header.
//! ```

use super::header::Header;
use crate::mmc::wire::{Field, accessors};

/// Bytes per sector (one CD frame of 98 F3 frames × 24 bytes, ECMA-130 §14).
pub const SECTOR_LEN: usize = 2352;
/// The sync pattern: 00h, ten FFh, 00h (ECMA-130 §14.1).
pub const SYNC: [u8; 12] = [0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00];

pub(super) mod field {
    use super::Field;

    /// ECMA-130 §14.1.
    pub const SYNC: Field = 0..12;
    /// ECMA-130 §14.2: minute, second, frame (BCD), mode.
    pub const HEADER: Field = 12..16;
    pub const MODE: usize = 15;
    /// Everything after the header: Mode 0 zeros, Mode 2 formless user data (ECMA-130 §14.3, §14.4).
    pub const MODE2_DATA: Field = 16..2352;

    /// Mode 1 (ECMA-130 §14.3).
    pub const MODE1_USER: Field = 16..2064;
    pub const MODE1_EDC: Field = 2064..2068;
    /// EDC coverage: sync, header and user data.
    pub const MODE1_EDC_COVERS: Field = 0..2064;
    pub const MODE1_INTERMEDIATE: Field = 2068..2076;

    /// Mode 2 XA subheader: file, channel, submode, coding information, written twice.
    pub const SUBHEADER: Field = 16..24;
    pub const FORM1_USER: Field = 24..2072;
    pub const FORM1_EDC: Field = 2072..2076;
    /// EDC coverage of Form 1: subheader and user data (not sync or header).
    pub const FORM1_EDC_COVERS: Field = 16..2072;
    pub const FORM2_USER: Field = 24..2348;
    pub const FORM2_EDC: Field = 2348..2352;
    pub const FORM2_EDC_COVERS: Field = 16..2348;

    /// The P and Q parity of Mode 1 and Mode 2 Form 1 (ECMA-130 Annex A).
    pub const P_PARITY: Field = 2076..2248;
    pub const Q_PARITY: Field = 2248..2352;
    /// What the P code covers (header to intermediate field) and what the Q code covers (header to
    /// P parity), ECMA-130 Annex A.
    pub const P_COVERS: Field = 12..2076;
    pub const Q_COVERS: Field = 12..2248;
}

/// The user data lengths of each layout.
pub const MODE1_USER_LEN: usize = field::MODE1_USER.end - field::MODE1_USER.start;
pub const MODE2_DATA_LEN: usize = field::MODE2_DATA.end - field::MODE2_DATA.start;
pub const FORM1_USER_LEN: usize = field::FORM1_USER.end - field::FORM1_USER.start;
pub const FORM2_USER_LEN: usize = field::FORM2_USER.end - field::FORM2_USER.start;
pub const SUBHEADER_LEN: usize = field::SUBHEADER.end - field::SUBHEADER.start;

/// A view of one 2352-byte sector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sector<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Sector<T> {
    /// Wraps a buffer; `None` unless it is exactly [`SECTOR_LEN`] bytes.
    pub fn new_checked(buffer: T) -> Option<Self> {
        (buffer.as_ref().len() == SECTOR_LEN).then_some(Sector { buffer })
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    pub fn as_bytes(&self) -> &[u8; SECTOR_LEN] {
        self.buffer.as_ref().try_into().expect("checked at construction")
    }

    pub fn has_sync(&self) -> bool {
        self.sync() == SYNC
    }

    /// The parsed header; `None` if an address byte is not BCD.
    pub fn header(&self) -> Option<Header> {
        Header::parse(self.header_bytes().try_into().expect("4-byte field"))
    }

    pub fn subheader(&self) -> Subheader {
        let bytes = self.subheader_bytes();
        Subheader::from_bytes(bytes[..4].try_into().expect("8-byte field"))
    }

    /// The two copies of the XA subheader agree (they are written twice for robustness).
    pub fn subheader_copies_agree(&self) -> bool {
        let bytes = self.subheader_bytes();
        bytes[..4] == bytes[4..]
    }
}

accessors!(Sector {
    bytes sync / set_sync: [u8] = field::SYNC;
    bytes header_bytes / set_header_bytes: [u8] = field::HEADER;
    byte mode / set_mode: u8 = field::MODE;
    bytes mode2_data / set_mode2_data: [u8] = field::MODE2_DATA;
    bytes mode1_user / set_mode1_user: [u8] = field::MODE1_USER;
    bytes mode1_edc / set_mode1_edc: [u8] = field::MODE1_EDC;
    bytes mode1_intermediate / set_mode1_intermediate: [u8] = field::MODE1_INTERMEDIATE;
    bytes subheader_bytes / set_subheader_bytes: [u8] = field::SUBHEADER;
    bytes form1_user / set_form1_user: [u8] = field::FORM1_USER;
    bytes form1_edc / set_form1_edc: [u8] = field::FORM1_EDC;
    bytes form2_user / set_form2_user: [u8] = field::FORM2_USER;
    bytes form2_edc / set_form2_edc: [u8] = field::FORM2_EDC;
    bytes p_parity / set_p_parity: [u8] = field::P_PARITY;
    bytes q_parity / set_q_parity: [u8] = field::Q_PARITY;
});

impl<T: AsRef<[u8]> + AsMut<[u8]>> Sector<T> {
    pub fn as_bytes_mut(&mut self) -> &mut [u8; SECTOR_LEN] {
        self.buffer.as_mut().try_into().expect("checked at construction")
    }

    /// Writes the subheader twice.
    pub fn set_subheader(&mut self, subheader: Subheader) {
        let bytes = subheader.to_bytes();
        let field = &mut self.buffer.as_mut()[field::SUBHEADER];
        field[..4].copy_from_slice(&bytes);
        field[4..].copy_from_slice(&bytes);
    }
}

/// The CD-ROM XA subheader (4 bytes, written twice at 16..24).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Subheader {
    pub file_number: u8,
    pub channel_number: u8,
    /// b7 end of file, b6 real time, b5 Form 2, b4 trigger, b3 data, b2 audio, b1 video,
    /// b0 end of record.
    pub submode: u8,
    pub coding_information: u8,
}

impl Subheader {
    /// Submode bit 5: the sector is Form 2.
    pub const SUBMODE_FORM2: u8 = 0x20;
    /// Submode bit 3: data sector.
    pub const SUBMODE_DATA: u8 = 0x08;

    pub const fn from_bytes(bytes: [u8; 4]) -> Subheader {
        Subheader {
            file_number: bytes[0],
            channel_number: bytes[1],
            submode: bytes[2],
            coding_information: bytes[3],
        }
    }

    pub const fn to_bytes(self) -> [u8; 4] {
        [
            self.file_number,
            self.channel_number,
            self.submode,
            self.coding_information,
        ]
    }

    pub const fn is_form2(self) -> bool {
        self.submode & Self::SUBMODE_FORM2 != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_tile_the_sector() {
        // Mode 1: sync, header, user, EDC, intermediate, P, Q leave no gap (ECMA-130 §14.3).
        let mode1 = [
            field::SYNC,
            field::HEADER,
            field::MODE1_USER,
            field::MODE1_EDC,
            field::MODE1_INTERMEDIATE,
            field::P_PARITY,
            field::Q_PARITY,
        ];
        let form1 = [
            field::SYNC,
            field::HEADER,
            field::SUBHEADER,
            field::FORM1_USER,
            field::FORM1_EDC,
            field::P_PARITY,
            field::Q_PARITY,
        ];
        let form2 = [
            field::SYNC,
            field::HEADER,
            field::SUBHEADER,
            field::FORM2_USER,
            field::FORM2_EDC,
        ];
        for layout in [&mode1[..], &form1[..], &form2[..]] {
            assert_eq!(layout[0].start, 0);
            assert!(layout.windows(2).all(|pair| pair[0].end == pair[1].start));
            assert_eq!(layout.last().unwrap().end, SECTOR_LEN);
        }
        assert_eq!(
            (MODE1_USER_LEN, FORM1_USER_LEN, FORM2_USER_LEN, MODE2_DATA_LEN),
            (2048, 2048, 2324, 2336)
        );
    }

    #[test]
    fn subheader_is_written_twice() {
        let mut bytes = [0u8; SECTOR_LEN];
        let mut sector = Sector::new_checked(&mut bytes[..]).unwrap();
        sector.set_subheader(Subheader::from_bytes([1, 2, 0x28, 4]));
        assert_eq!(sector.subheader_bytes(), [1, 2, 0x28, 4, 1, 2, 0x28, 4]);
        assert!(sector.subheader_copies_agree());
        assert!(sector.subheader().is_form2());
    }

    #[test]
    fn views_refuse_other_lengths() {
        assert!(Sector::new_checked(&[0u8; 2048][..]).is_none());
        assert!(Sector::new_checked(&[0u8; 2353][..]).is_none());
    }
}
