//! MECHANISM STATUS (BDh) reply: the 8-byte header (mmc.md §1.5, QEMU and tcmu answer only it).
//!
//! Byte 0 b7 fault, b6-5 changer state, b4-0 current slot (low bits); byte 1 b7-5 mechanism
//! state, b4 door open, b2-0 current slot (high bits); 2–4 current LBA; 5 number of slots;
//! 6–7 slot table length.

use super::wire::{CdbError, Field, accessors, impl_to_vec, view};

mod field {
    use super::Field;

    pub const CHANGER: usize = 0;
    pub const MECHANISM: usize = 1;
    pub const CURRENT_LBA: Field = 2..5;
    pub const NUMBER_OF_SLOTS: usize = 5;
    pub const SLOT_TABLE_LENGTH: Field = 6..8;
    pub const END: usize = 8;
}

view!(
    /// MECHANISM STATUS header.
    MechanismStatusHeader,
    min_len = field::END
);
accessors!(MechanismStatusHeader {
    bit fault / set_fault: bool = field::CHANGER, 0x80;
    bits changer_state / set_changer_state: u8 = field::CHANGER, 0x60;
    bits current_slot_low / set_current_slot_low: u8 = field::CHANGER, 0x1F;
    bits mechanism_state / set_mechanism_state: u8 = field::MECHANISM, 0xE0;
    bit door_open / set_door_open: bool = field::MECHANISM, 0x10;
    bits current_slot_high / set_current_slot_high: u8 = field::MECHANISM, 0x07;
    be current_lba / set_current_lba: u32 = field::CURRENT_LBA;
    byte number_of_slots / set_number_of_slots: u8 = field::NUMBER_OF_SLOTS;
    be slot_table_length / set_slot_table_length: u16 = field::SLOT_TABLE_LENGTH;
});

/// Mechanism states (byte 1 b7-5).
pub mod mechanism_state {
    pub const IDLE: u8 = 0;
    pub const PLAYING: u8 = 1;
    pub const SCANNING: u8 = 2;
    pub const ACTIVE: u8 = 3;
    pub const NO_STATE: u8 = 7;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MechanismStatusRepr {
    pub fault: bool,
    pub changer_state: u8,
    /// Slot number, 8 bits split over bytes 0 and 1.
    pub current_slot: u8,
    pub mechanism_state: u8,
    /// Door / tray open.
    pub door_open: bool,
    /// 24-bit current LBA.
    pub current_lba: u32,
    pub number_of_slots: u8,
    pub slot_table_length: u16,
}

impl MechanismStatusRepr {
    /// A single-slot tray drive: idle, no changer, no slot table.
    pub fn tray(door_open: bool) -> MechanismStatusRepr {
        MechanismStatusRepr {
            fault: false,
            changer_state: 0,
            current_slot: 0,
            mechanism_state: mechanism_state::IDLE,
            door_open,
            current_lba: 0,
            number_of_slots: 1,
            slot_table_length: 0,
        }
    }

    pub fn parse<T: AsRef<[u8]>>(data: &MechanismStatusHeader<T>) -> Result<MechanismStatusRepr, CdbError> {
        data.check_len()?;
        Ok(MechanismStatusRepr {
            fault: data.fault(),
            changer_state: data.changer_state(),
            current_slot: data.current_slot_high() << 5 | data.current_slot_low(),
            mechanism_state: data.mechanism_state(),
            door_open: data.door_open(),
            current_lba: data.current_lba(),
            number_of_slots: data.number_of_slots(),
            slot_table_length: data.slot_table_length(),
        })
    }

    /// The header only; a changer's slot table is not modelled.
    pub fn buffer_len(&self) -> usize {
        field::END
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut MechanismStatusHeader<T>) {
        data.set_fault(self.fault);
        data.set_changer_state(self.changer_state);
        data.set_current_slot_low(self.current_slot & 0x1F);
        data.set_mechanism_state(self.mechanism_state);
        data.set_door_open(self.door_open);
        data.set_current_slot_high(self.current_slot >> 5);
        data.set_current_lba(self.current_lba);
        data.set_number_of_slots(self.number_of_slots);
        data.set_slot_table_length(self.slot_table_length);
    }
}
impl_to_vec!(MechanismStatusRepr, MechanismStatusHeader);

#[cfg(test)]
mod tests {
    use super::*;

    /// Tray open, idle, one slot.
    static TRAY_OPEN: [u8; 8] = [0x00, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00];
    /// Playing at LBA 0x012345, tray closed.
    static PLAYING: [u8; 8] = [0x00, 0x20, 0x01, 0x23, 0x45, 0x01, 0x00, 0x00];

    #[test]
    fn deconstruct() {
        let data = MechanismStatusHeader::new_checked(&PLAYING[..]).unwrap();
        assert_eq!(data.mechanism_state(), mechanism_state::PLAYING);
        assert!(!data.door_open());
        assert_eq!(data.current_lba(), 0x012345);
        assert_eq!(data.number_of_slots(), 1);
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 8];
        let mut data = MechanismStatusHeader::new_unchecked(&mut bytes[..]);
        data.set_door_open(true);
        data.set_number_of_slots(1);
        assert_eq!(bytes, TRAY_OPEN);
    }

    #[test]
    fn parse_and_emit() {
        let repr = MechanismStatusRepr::tray(true);
        assert_eq!(
            MechanismStatusRepr::parse(&MechanismStatusHeader::new_checked(&TRAY_OPEN[..]).unwrap()),
            Ok(repr)
        );
        assert_eq!(repr.to_vec(), TRAY_OPEN);
        let playing = MechanismStatusRepr {
            mechanism_state: mechanism_state::PLAYING,
            current_lba: 0x012345,
            ..MechanismStatusRepr::tray(false)
        };
        assert_eq!(
            MechanismStatusRepr::parse(&MechanismStatusHeader::new_checked(&PLAYING[..]).unwrap()),
            Ok(playing)
        );
        assert_eq!(playing.to_vec(), PLAYING);
    }

    #[test]
    fn slot_number_spans_two_bytes() {
        let repr = MechanismStatusRepr {
            current_slot: 0x45,
            ..MechanismStatusRepr::tray(false)
        };
        let bytes = repr.to_vec();
        assert_eq!((bytes[0], bytes[1]), (0x05, 0x02));
        assert_eq!(
            MechanismStatusRepr::parse(&MechanismStatusHeader::new_checked(&bytes[..]).unwrap()),
            Ok(repr)
        );
    }
}
