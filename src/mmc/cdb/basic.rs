//! Drive-level CDBs (mmc.md §1.1, §1.5): TEST UNIT READY, REQUEST SENSE, INQUIRY,
//! START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL, READ BUFFER CAPACITY, MECHANISM STATUS.

use super::{DataDirection, cdb_repr, opcode};
use crate::mmc::sense_data::FieldPointer;
use crate::mmc::wire::{CdbError, Field, accessors, view};

mod field {
    use super::Field;

    pub const OPCODE: usize = 0;

    pub mod request_sense {
        /// DESC b0.
        pub const FLAGS: usize = 1;
        pub const ALLOCATION_LENGTH: usize = 4;
    }

    pub mod inquiry {
        use super::Field;
        /// CmdDt b1 (obsolete), EVPD b0.
        pub const FLAGS: usize = 1;
        pub const PAGE_CODE: usize = 2;
        /// Byte 3 is reserved on MMC-era ATAPI drives; SPC-3 made it the high byte, which reads
        /// the same for the one-byte lengths clients send (mmc.md §1.1).
        pub const ALLOCATION_LENGTH: Field = 3..5;
    }

    pub mod start_stop {
        /// Immed b0.
        pub const FLAGS: usize = 1;
        /// Format layer number b1-0 (MMC).
        pub const FORMAT_LAYER: usize = 3;
        /// Power condition b7-4, LoEj b1, Start b0.
        pub const ACTION: usize = 4;
    }

    pub mod prevent_allow {
        /// Persistent b1, Prevent b0.
        pub const FLAGS: usize = 4;
    }

    pub mod read_buffer_capacity {
        use super::Field;
        /// Block b0.
        pub const FLAGS: usize = 1;
        pub const ALLOCATION_LENGTH: Field = 7..9;
    }

    pub mod mechanism_status {
        use super::Field;
        pub const ALLOCATION_LENGTH: Field = 8..10;
    }

    pub const CDB6_END: usize = 6;
    pub const CDB10_END: usize = 10;
    pub const CDB12_END: usize = 12;
}

view!(
    /// TEST UNIT READY (00h): no fields (mmc.md §1.1).
    TestUnitReadyCdb,
    min_len = field::CDB6_END
);
accessors!(TestUnitReadyCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
});

/// TEST UNIT READY: no data; the answer is the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TestUnitReady;

impl TestUnitReady {
    pub fn parse<T: AsRef<[u8]>>(_cdb: &TestUnitReadyCdb<T>) -> Result<TestUnitReady, CdbError> {
        Ok(TestUnitReady)
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut TestUnitReadyCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB6_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::None
    }
}
cdb_repr!(TestUnitReady, TestUnitReadyCdb, opcode::TEST_UNIT_READY);

view!(
    /// REQUEST SENSE (03h): DESC byte 1 b0, allocation length byte 4 (mmc.md §1.1).
    RequestSenseCdb,
    min_len = field::CDB6_END
);
accessors!(RequestSenseCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit descriptor_format / set_descriptor_format: bool = field::request_sense::FLAGS, 0x01;
    byte allocation_length / set_allocation_length: u8 = field::request_sense::ALLOCATION_LENGTH;
});

/// REQUEST SENSE: return (and clear) the pending sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestSense {
    /// DESC: descriptor-format sense wanted (mmc.md §1.1, QEMU honours it).
    pub descriptor_format: bool,
    pub allocation_length: u8,
}

impl RequestSense {
    pub fn parse<T: AsRef<[u8]>>(cdb: &RequestSenseCdb<T>) -> Result<RequestSense, CdbError> {
        Ok(RequestSense {
            descriptor_format: cdb.descriptor_format(),
            allocation_length: cdb.allocation_length(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut RequestSenseCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB6_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_descriptor_format(self.descriptor_format);
        cdb.set_allocation_length(self.allocation_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: self.allocation_length.into(),
        }
    }
}
cdb_repr!(RequestSense, RequestSenseCdb, opcode::REQUEST_SENSE);

view!(
    /// INQUIRY (12h): EVPD byte 1 b0, page code byte 2, allocation length 3–4 (mmc.md §1.1).
    InquiryCdb,
    min_len = field::CDB6_END
);
accessors!(InquiryCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit command_support_data / set_command_support_data: bool = field::inquiry::FLAGS, 0x02;
    bit enable_vpd / set_enable_vpd: bool = field::inquiry::FLAGS, 0x01;
    byte page_code / set_page_code: u8 = field::inquiry::PAGE_CODE;
    be allocation_length / set_allocation_length: u16 = field::inquiry::ALLOCATION_LENGTH;
});

/// What INQUIRY asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InquiryPage {
    /// Standard inquiry data (EVPD = 0).
    Standard,
    /// A vital product data page (EVPD = 1): 00h, 80h, 83h (mmc.md §1.1).
    Vpd(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inquiry {
    pub page: InquiryPage,
    pub allocation_length: u16,
}

impl Inquiry {
    /// Where the drive points when it has no such VPD page (mmc.md §7: 5/24/00).
    pub const PAGE_CODE_POINTER: FieldPointer = FieldPointer::cdb(field::inquiry::PAGE_CODE as u16, None);

    pub fn parse<T: AsRef<[u8]>>(cdb: &InquiryCdb<T>) -> Result<Inquiry, CdbError> {
        // SPC-3 made CmdDt obsolete and requires 5/24/00 when it is set.
        if cdb.command_support_data() {
            return Err(CdbError::invalid_field_in_cdb(field::inquiry::FLAGS as u16, Some(1)));
        }
        let page = if cdb.enable_vpd() {
            InquiryPage::Vpd(cdb.page_code())
        } else if cdb.page_code() != 0 {
            // mmc.md §1.1: EVPD=0 with page ≠ 0 → 5/24/00.
            return Err(CdbError::new(
                crate::mmc::Sense::INVALID_FIELD_IN_CDB,
                Some(Self::PAGE_CODE_POINTER),
            ));
        } else {
            InquiryPage::Standard
        };
        Ok(Inquiry {
            page,
            allocation_length: cdb.allocation_length(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut InquiryCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB6_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        if let InquiryPage::Vpd(page) = self.page {
            cdb.set_enable_vpd(true);
            cdb.set_page_code(page);
        }
        cdb.set_allocation_length(self.allocation_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: self.allocation_length.into(),
        }
    }
}
cdb_repr!(Inquiry, InquiryCdb, opcode::INQUIRY);

view!(
    /// START STOP UNIT (1Bh): Immed byte 1 b0; byte 4 power condition b7-4, LoEj b1, Start b0
    /// (mmc.md §1.1).
    StartStopUnitCdb,
    min_len = field::CDB6_END
);
accessors!(StartStopUnitCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit immediate / set_immediate: bool = field::start_stop::FLAGS, 0x01;
    bits format_layer / set_format_layer: u8 = field::start_stop::FORMAT_LAYER, 0x03;
    bits power_condition / set_power_condition: u8 = field::start_stop::ACTION, 0xF0;
    bit load_eject / set_load_eject: bool = field::start_stop::ACTION, 0x02;
    bit start / set_start: bool = field::start_stop::ACTION, 0x01;
});

/// What START STOP UNIT asks for, derived from its bits (mmc.md §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartStopAction {
    /// `1b 00 00 00 00`.
    Stop,
    /// `1b 00 00 00 01`.
    Start,
    /// `1b 00 00 00 02`.
    Eject,
    /// `1b 00 00 00 03`: load / close the tray.
    Load,
    /// A power condition ≠ 0: LoEj and Start are ignored.
    PowerCondition(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartStopUnit {
    pub immediate: bool,
    pub action: StartStopAction,
}

impl StartStopUnit {
    /// Power conditions MMC-6 defines: start valid, active, idle, standby, sleep, LU control,
    /// force idle 0, force standby 0 (spec, verify); the rest are reserved → 5/24/00.
    const POWER_CONDITIONS: [u8; 8] = [0x0, 0x1, 0x2, 0x3, 0x5, 0x7, 0xA, 0xB];

    pub fn parse<T: AsRef<[u8]>>(cdb: &StartStopUnitCdb<T>) -> Result<StartStopUnit, CdbError> {
        let power = cdb.power_condition();
        if !Self::POWER_CONDITIONS.contains(&power) {
            return Err(CdbError::invalid_field_in_cdb(
                field::start_stop::ACTION as u16,
                Some(7),
            ));
        }
        let action = match (power, cdb.load_eject(), cdb.start()) {
            (0, false, false) => StartStopAction::Stop,
            (0, false, true) => StartStopAction::Start,
            (0, true, false) => StartStopAction::Eject,
            (0, true, true) => StartStopAction::Load,
            (power, _, _) => StartStopAction::PowerCondition(power),
        };
        Ok(StartStopUnit {
            immediate: cdb.immediate(),
            action,
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut StartStopUnitCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB6_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_immediate(self.immediate);
        let (power, load_eject, start) = match self.action {
            StartStopAction::Stop => (0, false, false),
            StartStopAction::Start => (0, false, true),
            StartStopAction::Eject => (0, true, false),
            StartStopAction::Load => (0, true, true),
            StartStopAction::PowerCondition(power) => (power, false, false),
        };
        cdb.set_power_condition(power);
        cdb.set_load_eject(load_eject);
        cdb.set_start(start);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::None
    }
}
cdb_repr!(StartStopUnit, StartStopUnitCdb, opcode::START_STOP_UNIT);

view!(
    /// PREVENT ALLOW MEDIUM REMOVAL (1Eh): byte 4 Persistent b1, Prevent b0 (mmc.md §1.1).
    PreventAllowCdb,
    min_len = field::CDB6_END
);
accessors!(PreventAllowCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit persistent / set_persistent: bool = field::prevent_allow::FLAGS, 0x02;
    bit prevent / set_prevent: bool = field::prevent_allow::FLAGS, 0x01;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreventAllowMediumRemoval {
    pub prevent: bool,
    /// Persistent prevent (survives a medium change); MMC keeps it apart from Prevent.
    pub persistent: bool,
}

impl PreventAllowMediumRemoval {
    pub fn parse<T: AsRef<[u8]>>(cdb: &PreventAllowCdb<T>) -> Result<PreventAllowMediumRemoval, CdbError> {
        Ok(PreventAllowMediumRemoval {
            prevent: cdb.prevent(),
            persistent: cdb.persistent(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut PreventAllowCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB6_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_prevent(self.prevent);
        cdb.set_persistent(self.persistent);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::None
    }
}
cdb_repr!(
    PreventAllowMediumRemoval,
    PreventAllowCdb,
    opcode::PREVENT_ALLOW_MEDIUM_REMOVAL
);

view!(
    /// READ BUFFER CAPACITY (5Ch): Block byte 1 b0, allocation length 7–8 (mmc.md §1.5).
    ReadBufferCapacityCdb,
    min_len = field::CDB10_END
);
accessors!(ReadBufferCapacityCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit block / set_block: bool = field::read_buffer_capacity::FLAGS, 0x01;
    be allocation_length / set_allocation_length: u16 = field::read_buffer_capacity::ALLOCATION_LENGTH;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadBufferCapacity {
    /// Report free space in blocks instead of bytes.
    pub block: bool,
    pub allocation_length: u16,
}

impl ReadBufferCapacity {
    pub fn parse<T: AsRef<[u8]>>(cdb: &ReadBufferCapacityCdb<T>) -> Result<ReadBufferCapacity, CdbError> {
        Ok(ReadBufferCapacity {
            block: cdb.block(),
            allocation_length: cdb.allocation_length(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut ReadBufferCapacityCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB10_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_block(self.block);
        cdb.set_allocation_length(self.allocation_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: self.allocation_length.into(),
        }
    }
}
cdb_repr!(ReadBufferCapacity, ReadBufferCapacityCdb, opcode::READ_BUFFER_CAPACITY);

view!(
    /// MECHANISM STATUS (BDh): allocation length 8–9 (mmc.md §1.5).
    MechanismStatusCdb,
    min_len = field::CDB12_END
);
accessors!(MechanismStatusCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    be allocation_length / set_allocation_length: u16 = field::mechanism_status::ALLOCATION_LENGTH;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MechanismStatus {
    pub allocation_length: u16,
}

impl MechanismStatus {
    pub fn parse<T: AsRef<[u8]>>(cdb: &MechanismStatusCdb<T>) -> Result<MechanismStatus, CdbError> {
        Ok(MechanismStatus {
            allocation_length: cdb.allocation_length(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut MechanismStatusCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB12_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_allocation_length(self.allocation_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::In {
            bytes: self.allocation_length.into(),
        }
    }
}
cdb_repr!(MechanismStatus, MechanismStatusCdb, opcode::MECHANISM_STATUS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_sense_deconstruct_construct() {
        let bytes = [0x03, 0x01, 0x00, 0x00, 0x12, 0x00];
        let cdb = RequestSenseCdb::new_checked(&bytes[..]).unwrap();
        assert!(cdb.descriptor_format());
        assert_eq!(cdb.allocation_length(), 18);
        let repr = RequestSense::parse(&cdb).unwrap();
        assert_eq!(
            repr,
            RequestSense {
                descriptor_format: true,
                allocation_length: 18
            }
        );
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn inquiry_standard_and_vpd() {
        // libburn's INQUIRY (mmc.md §1.1) and a VPD 80h request.
        let standard = [0x12, 0x00, 0x00, 0x00, 0x24, 0x00];
        let repr = Inquiry::parse(&InquiryCdb::new_checked(&standard[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            Inquiry {
                page: InquiryPage::Standard,
                allocation_length: 36
            }
        );
        assert_eq!(repr.to_vec(), standard);
        let serial = [0x12, 0x01, 0x80, 0x00, 0xFF, 0x00];
        let repr = Inquiry::parse(&InquiryCdb::new_checked(&serial[..]).unwrap()).unwrap();
        assert_eq!(repr.page, InquiryPage::Vpd(0x80));
        assert_eq!(repr.to_vec(), serial);
    }

    #[test]
    fn start_stop_actions_of_libburn() {
        // mmc.md §1.1: load `1b 00 00 00 03`, eject `…02`, start `…01`.
        for (byte4, action) in [
            (0x03, StartStopAction::Load),
            (0x02, StartStopAction::Eject),
            (0x01, StartStopAction::Start),
            (0x00, StartStopAction::Stop),
            (0x32, StartStopAction::PowerCondition(3)),
        ] {
            let bytes = [0x1B, 0x01, 0x00, 0x00, byte4, 0x00];
            let repr = StartStopUnit::parse(&StartStopUnitCdb::new_checked(&bytes[..]).unwrap()).unwrap();
            assert_eq!(
                repr,
                StartStopUnit {
                    immediate: true,
                    action
                }
            );
            if !matches!(action, StartStopAction::PowerCondition(_)) {
                assert_eq!(repr.to_vec(), bytes);
            }
        }
    }

    #[test]
    fn prevent_allow_round_trip() {
        let bytes = [0x1E, 0x00, 0x00, 0x00, 0x01, 0x00];
        let repr = PreventAllowMediumRemoval::parse(&PreventAllowCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            PreventAllowMediumRemoval {
                prevent: true,
                persistent: false
            }
        );
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn buffer_capacity_and_mechanism_status_round_trip() {
        let bytes = [0x5C, 0x01, 0, 0, 0, 0, 0, 0x00, 0x0C, 0];
        let repr = ReadBufferCapacity::parse(&ReadBufferCapacityCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            ReadBufferCapacity {
                block: true,
                allocation_length: 12
            }
        );
        assert_eq!(repr.to_vec(), bytes);
        let bytes = [0xBD, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x08, 0, 0];
        let repr = MechanismStatus::parse(&MechanismStatusCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(repr, MechanismStatus { allocation_length: 8 });
        assert_eq!(repr.to_vec(), bytes);
    }
}
