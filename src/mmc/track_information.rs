//! READ TRACK INFORMATION (52h) reply: 48 bytes (length 002Eh, MMC-5 with layer-jump fields) or
//! the 36-byte form (length 0022h) many drives send (mmc.md §1.4 table).

use super::wire::{CdbError, Field, accessors, impl_to_vec, view};

mod field {
    use super::Field;

    pub const LENGTH: Field = 0..2;
    pub const TRACK_LSB: usize = 2;
    pub const SESSION_LSB: usize = 3;
    /// LJRS b7-6, Damage b5, Copy b4, track mode b3-0.
    pub const TRACK_FLAGS: usize = 5;
    /// RT b7, Blank b6, Packet/Inc b5, FP b4, data mode b3-0.
    pub const DATA_FLAGS: usize = 6;
    /// LRA_V b1, NWA_V b0.
    pub const VALIDITY: usize = 7;
    pub const TRACK_START: Field = 8..12;
    pub const NEXT_WRITABLE_ADDRESS: Field = 12..16;
    pub const FREE_BLOCKS: Field = 16..20;
    pub const FIXED_PACKET_SIZE: Field = 20..24;
    pub const TRACK_SIZE: Field = 24..28;
    pub const LAST_RECORDED_ADDRESS: Field = 28..32;
    pub const TRACK_MSB: usize = 32;
    pub const SESSION_MSB: usize = 33;
    pub const SHORT_END: usize = 36;
    pub const READ_COMPATIBILITY_LBA: Field = 36..40;
    pub const NEXT_LAYER_JUMP: Field = 40..44;
    pub const LAST_LAYER_JUMP: Field = 44..48;
    pub const LONG_END: usize = 48;
}

view!(
    /// Track information (36 bytes at least; 48 with the layer-jump fields).
    TrackInformation,
    min_len = field::SHORT_END
);
accessors!(TrackInformation {
    be length / set_length: u16 = field::LENGTH;
    byte track_number_lsb / set_track_number_lsb: u8 = field::TRACK_LSB;
    byte session_number_lsb / set_session_number_lsb: u8 = field::SESSION_LSB;
    bits layer_jump_recording_status / set_layer_jump_recording_status: u8 = field::TRACK_FLAGS, 0xC0;
    bit damage / set_damage: bool = field::TRACK_FLAGS, 0x20;
    bit copy / set_copy: bool = field::TRACK_FLAGS, 0x10;
    bits track_mode / set_track_mode: u8 = field::TRACK_FLAGS, 0x0F;
    bit reserved_track / set_reserved_track: bool = field::DATA_FLAGS, 0x80;
    bit blank / set_blank: bool = field::DATA_FLAGS, 0x40;
    bit packet_incremental / set_packet_incremental: bool = field::DATA_FLAGS, 0x20;
    bit fixed_packet / set_fixed_packet: bool = field::DATA_FLAGS, 0x10;
    bits data_mode / set_data_mode: u8 = field::DATA_FLAGS, 0x0F;
    bit last_recorded_address_valid / set_last_recorded_address_valid: bool = field::VALIDITY, 0x02;
    bit next_writable_address_valid / set_next_writable_address_valid: bool = field::VALIDITY, 0x01;
    be track_start / set_track_start: u32 = field::TRACK_START;
    be next_writable_address / set_next_writable_address: i32 = field::NEXT_WRITABLE_ADDRESS;
    be free_blocks / set_free_blocks: u32 = field::FREE_BLOCKS;
    be fixed_packet_size / set_fixed_packet_size: u32 = field::FIXED_PACKET_SIZE;
    be track_size / set_track_size: u32 = field::TRACK_SIZE;
    be last_recorded_address / set_last_recorded_address: u32 = field::LAST_RECORDED_ADDRESS;
    byte track_number_msb / set_track_number_msb: u8 = field::TRACK_MSB;
    byte session_number_msb / set_session_number_msb: u8 = field::SESSION_MSB;
});

impl<T: AsRef<[u8]>> TrackInformation<T> {
    /// True when the buffer holds the layer-jump fields (bytes 36–47).
    pub fn has_layer_jump_fields(&self) -> bool {
        self.buffer.as_ref().len() >= field::LONG_END && usize::from(self.length()) + 2 >= field::LONG_END
    }
}

accessors!(TrackInformation {
    be read_compatibility_lba / set_read_compatibility_lba: u32 = field::READ_COMPATIBILITY_LBA;
    be next_layer_jump_address / set_next_layer_jump_address: u32 = field::NEXT_LAYER_JUMP;
    be last_layer_jump_address / set_last_layer_jump_address: u32 = field::LAST_LAYER_JUMP;
});

/// Track modes (byte 5 b3-0, the CONTROL nibble; mmc.md §1.4).
pub mod track_mode {
    pub const AUDIO: u8 = 0x0;
    /// Data, recorded uninterrupted.
    pub const DATA_UNINTERRUPTED: u8 = 0x4;
    /// Data, recorded incrementally.
    pub const DATA_INCREMENTAL: u8 = 0x5;
    /// What the formatted CD-RW of mmc.md §1.4 and CDEmu's blank tracks report.
    pub const SEVEN: u8 = 0x7;
}

/// Data modes (byte 6 b3-0).
pub mod data_mode {
    pub const MODE_1: u8 = 0x1;
    pub const MODE_2: u8 = 0x2;
    /// Unknown / blank.
    pub const UNKNOWN: u8 = 0xF;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackInformationRepr {
    pub track_number: u16,
    pub session_number: u16,
    pub layer_jump_recording_status: u8,
    pub damage: bool,
    pub copy: bool,
    pub track_mode: u8,
    /// RT.
    pub reserved_track: bool,
    pub blank: bool,
    pub packet_incremental: bool,
    /// FP.
    pub fixed_packet: bool,
    pub data_mode: u8,
    pub track_start: u32,
    /// NWA with NWA_V set; may be negative (−150 on some drives, mmc.md §1.4).
    pub next_writable_address: Option<i32>,
    pub free_blocks: u32,
    /// Fixed packet size / blocking factor (16 on DVD, 32 on the formatted CD-RW).
    pub fixed_packet_size: u32,
    pub track_size: u32,
    /// LRA with LRA_V set.
    pub last_recorded_address: Option<u32>,
    /// `Some` for the 48-byte form: read compatibility LBA, next and last layer-jump addresses.
    pub layer_jump: Option<LayerJumpAddresses>,
}

/// Bytes 36–47 of the long form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LayerJumpAddresses {
    pub read_compatibility_lba: u32,
    pub next_layer_jump_address: u32,
    pub last_layer_jump_address: u32,
}

impl TrackInformationRepr {
    pub fn parse<T: AsRef<[u8]>>(data: &TrackInformation<T>) -> Result<TrackInformationRepr, CdbError> {
        data.check_len()?;
        let layer_jump = data.has_layer_jump_fields().then(|| LayerJumpAddresses {
            read_compatibility_lba: data.read_compatibility_lba(),
            next_layer_jump_address: data.next_layer_jump_address(),
            last_layer_jump_address: data.last_layer_jump_address(),
        });
        Ok(TrackInformationRepr {
            track_number: u16::from_be_bytes([data.track_number_msb(), data.track_number_lsb()]),
            session_number: u16::from_be_bytes([data.session_number_msb(), data.session_number_lsb()]),
            layer_jump_recording_status: data.layer_jump_recording_status(),
            damage: data.damage(),
            copy: data.copy(),
            track_mode: data.track_mode(),
            reserved_track: data.reserved_track(),
            blank: data.blank(),
            packet_incremental: data.packet_incremental(),
            fixed_packet: data.fixed_packet(),
            data_mode: data.data_mode(),
            track_start: data.track_start(),
            next_writable_address: data.next_writable_address_valid().then(|| data.next_writable_address()),
            free_blocks: data.free_blocks(),
            fixed_packet_size: data.fixed_packet_size(),
            track_size: data.track_size(),
            last_recorded_address: data.last_recorded_address_valid().then(|| data.last_recorded_address()),
            layer_jump,
        })
    }

    /// 48 bytes with the layer-jump fields, 36 without.
    pub fn buffer_len(&self) -> usize {
        if self.layer_jump.is_some() {
            field::LONG_END
        } else {
            field::SHORT_END
        }
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut TrackInformation<T>) {
        let len = self.buffer_len();
        data.buffer.as_mut()[..len].fill(0);
        data.set_length((len - field::LENGTH.end) as u16);
        let [track_msb, track_lsb] = self.track_number.to_be_bytes();
        data.set_track_number_msb(track_msb);
        data.set_track_number_lsb(track_lsb);
        let [session_msb, session_lsb] = self.session_number.to_be_bytes();
        data.set_session_number_msb(session_msb);
        data.set_session_number_lsb(session_lsb);
        data.set_layer_jump_recording_status(self.layer_jump_recording_status);
        data.set_damage(self.damage);
        data.set_copy(self.copy);
        data.set_track_mode(self.track_mode);
        data.set_reserved_track(self.reserved_track);
        data.set_blank(self.blank);
        data.set_packet_incremental(self.packet_incremental);
        data.set_fixed_packet(self.fixed_packet);
        data.set_data_mode(self.data_mode);
        data.set_track_start(self.track_start);
        data.set_next_writable_address_valid(self.next_writable_address.is_some());
        data.set_next_writable_address(self.next_writable_address.unwrap_or(0));
        data.set_free_blocks(self.free_blocks);
        data.set_fixed_packet_size(self.fixed_packet_size);
        data.set_track_size(self.track_size);
        data.set_last_recorded_address_valid(self.last_recorded_address.is_some());
        data.set_last_recorded_address(self.last_recorded_address.unwrap_or(0));
        if let Some(layer_jump) = self.layer_jump {
            data.set_read_compatibility_lba(layer_jump.read_compatibility_lba);
            data.set_next_layer_jump_address(layer_jump.next_layer_jump_address);
            data.set_last_layer_jump_address(layer_jump.last_layer_jump_address);
        }
    }
}
impl_to_vec!(TrackInformationRepr, TrackInformation);

#[cfg(test)]
mod tests {
    use super::*;

    /// Formatted CD-RW, udftools PR #44 (mmc.md §1.4): `00 22 01 01 00 07 b2 …` — track mode 7,
    /// RT | Packet | FP | data mode 2, fixed packet 32. The remaining bytes are this test's.
    static FORMATTED_CD_RW: [u8; 36] = [
        0x00, 0x22, 0x01, 0x01, 0x00, 0x07, 0xB2, 0x00, // header and flags
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // start 0, NWA (invalid)
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, // free 0, fixed packet 32
        0x00, 0x04, 0xF5, 0x8C, 0x00, 0x00, 0x00, 0x00, // size 325 004
        0x00, 0x00, 0x00, 0x00,
    ];

    /// Blank DVD+RW track 1: "invisible incremental", start 0, free 2295104, size 2295104
    /// (mmc.md §1.4, §7), 48-byte form.
    static BLANK_DVD_PLUS_RW: [u8; 48] = [
        0x00, 0x2E, 0x01, 0x01, 0x00, 0x05, 0x60, 0x01, // mode 5, Blank | Packet, NWA_V
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // start 0, NWA 0
        0x00, 0x23, 0x05, 0x40, 0x00, 0x00, 0x00, 0x10, // free 2295104, packet 16
        0x00, 0x23, 0x05, 0x40, 0x00, 0x00, 0x00, 0x00, // size 2295104
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    fn formatted_cd_rw() -> TrackInformationRepr {
        TrackInformationRepr {
            track_number: 1,
            session_number: 1,
            layer_jump_recording_status: 0,
            damage: false,
            copy: false,
            track_mode: track_mode::SEVEN,
            reserved_track: true,
            blank: false,
            packet_incremental: true,
            fixed_packet: true,
            data_mode: data_mode::MODE_2,
            track_start: 0,
            next_writable_address: None,
            free_blocks: 0,
            fixed_packet_size: 32,
            track_size: 325_004,
            last_recorded_address: None,
            layer_jump: None,
        }
    }

    #[test]
    fn deconstruct_formatted_cd_rw() {
        let data = TrackInformation::new_checked(&FORMATTED_CD_RW[..]).unwrap();
        assert_eq!(data.length(), 0x22);
        assert_eq!(data.track_mode(), 7);
        assert!(data.reserved_track() && data.packet_incremental() && data.fixed_packet());
        assert!(!data.blank());
        assert_eq!(data.data_mode(), 2);
        assert_eq!(data.fixed_packet_size(), 32);
        assert!(!data.has_layer_jump_fields());
    }

    #[test]
    fn construct_blank_dvd_plus_rw() {
        let mut bytes = [0u8; 48];
        let mut data = TrackInformation::new_unchecked(&mut bytes[..]);
        data.set_length(0x2E);
        data.set_track_number_lsb(1);
        data.set_session_number_lsb(1);
        data.set_track_mode(track_mode::DATA_INCREMENTAL);
        data.set_blank(true);
        data.set_packet_incremental(true);
        data.set_next_writable_address_valid(true);
        data.set_free_blocks(2_295_104);
        data.set_fixed_packet_size(16);
        data.set_track_size(2_295_104);
        assert_eq!(bytes, BLANK_DVD_PLUS_RW);
    }

    #[test]
    fn parse_and_emit_formatted_cd_rw() {
        let repr = formatted_cd_rw();
        let data = TrackInformation::new_checked(&FORMATTED_CD_RW[..]).unwrap();
        assert_eq!(TrackInformationRepr::parse(&data), Ok(repr));
        assert_eq!(repr.to_vec(), FORMATTED_CD_RW);
    }

    #[test]
    fn parse_and_emit_blank_dvd_plus_rw() {
        let repr = TrackInformationRepr {
            track_mode: track_mode::DATA_INCREMENTAL,
            reserved_track: false,
            blank: true,
            fixed_packet: false,
            data_mode: 0,
            next_writable_address: Some(0),
            free_blocks: 2_295_104,
            fixed_packet_size: 16,
            track_size: 2_295_104,
            layer_jump: Some(LayerJumpAddresses::default()),
            ..formatted_cd_rw()
        };
        let data = TrackInformation::new_checked(&BLANK_DVD_PLUS_RW[..]).unwrap();
        assert_eq!(TrackInformationRepr::parse(&data), Ok(repr));
        assert_eq!(repr.to_vec(), BLANK_DVD_PLUS_RW);
    }

    #[test]
    fn negative_next_writable_address() {
        // Pioneer BDR-205 / LITE-ON LTR-48125S return NWA = −150 on blank media (mmc.md §1.4).
        let repr = TrackInformationRepr {
            next_writable_address: Some(-150),
            ..formatted_cd_rw()
        };
        let bytes = repr.to_vec();
        assert_eq!(&bytes[12..16], &[0xFF, 0xFF, 0xFF, 0x6A]);
        assert_eq!(bytes[7], 0x01);
        assert_eq!(
            TrackInformationRepr::parse(&TrackInformation::new_checked(&bytes[..]).unwrap()),
            Ok(repr)
        );
    }

    #[test]
    fn wide_track_and_session_numbers() {
        let repr = TrackInformationRepr {
            track_number: 0x0102,
            session_number: 0x0304,
            ..formatted_cd_rw()
        };
        let bytes = repr.to_vec();
        assert_eq!((bytes[2], bytes[3], bytes[32], bytes[33]), (0x02, 0x04, 0x01, 0x03));
    }

    #[test]
    fn libburn_short_allocation_is_refused_by_the_full_parser() {
        // libburn asks 20 bytes for the NWA; the parser wants the 36-byte form.
        assert!(TrackInformation::new_checked(&FORMATTED_CD_RW[..20]).is_err());
    }
}
