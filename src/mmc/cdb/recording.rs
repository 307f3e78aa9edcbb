//! Recording-control CDBs (mmc.md §1.5): FORMAT UNIT 04h, RESERVE TRACK 53h, SEND OPC
//! INFORMATION 54h, CLOSE TRACK/SESSION 5Bh, BLANK A1h, SET STREAMING B6h, SET CD SPEED BBh.

use super::{DataDirection, cdb_repr, opcode};
use crate::mmc::wire::{CdbError, Field, accessors, view};

mod field {
    use super::Field;

    pub const OPCODE: usize = 0;
    pub const CDB6_END: usize = 6;
    pub const CDB10_END: usize = 10;
    pub const CDB12_END: usize = 12;

    pub mod format_unit {
        /// FmtData b4, CmpList b3, format code b2-0.
        pub const FLAGS: usize = 1;
    }

    pub mod reserve_track {
        use super::Field;
        /// RMZ b1, ARSV b0.
        pub const FLAGS: usize = 1;
        /// ARSV = 1: reservation LBA (spec, verify).
        pub const RESERVATION_LBA: Field = 2..6;
        /// ARSV = 0: reservation size in blocks (libburn, growisofs; mmc.md §1.5).
        pub const RESERVATION_SIZE: Field = 5..9;
    }

    pub mod send_opc {
        use super::Field;
        /// DoOpc b0.
        pub const FLAGS: usize = 1;
        /// Exclude1 b1, Exclude0 b0 (MMC-5, dual layer).
        pub const EXCLUDE: usize = 2;
        pub const PARAMETER_LIST_LENGTH: Field = 7..9;
    }

    pub mod close {
        use super::Field;
        /// Immed b0.
        pub const FLAGS: usize = 1;
        /// Close function b2-0.
        pub const FUNCTION: usize = 2;
        pub const TRACK_NUMBER: Field = 4..6;
    }

    pub mod blank {
        use super::Field;
        /// Immed b4, blanking type b2-0.
        pub const FLAGS: usize = 1;
        pub const ADDRESS: Field = 2..6;
    }

    pub mod set_streaming {
        use super::Field;
        pub const TYPE: usize = 8;
        pub const PARAMETER_LIST_LENGTH: Field = 9..11;
    }

    pub mod set_cd_speed {
        use super::Field;
        /// Rotation control b1-0.
        pub const FLAGS: usize = 1;
        pub const READ_SPEED: Field = 2..4;
        pub const WRITE_SPEED: Field = 4..6;
    }
}

view!(
    /// FORMAT UNIT (04h): libburn and growisofs send byte 1 = 11h (mmc.md §1.5).
    FormatUnitCdb,
    min_len = field::CDB6_END
);
accessors!(FormatUnitCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit format_data / set_format_data: bool = field::format_unit::FLAGS, 0x10;
    bit complete_list / set_complete_list: bool = field::format_unit::FLAGS, 0x08;
    bits format_code / set_format_code: u8 = field::format_unit::FLAGS, 0x07;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatUnit {
    /// FmtData: a 12-byte parameter list follows (`format_unit::FormatListRepr`).
    pub format_data: bool,
    pub complete_list: bool,
}

impl FormatUnit {
    /// MMC allows format code 001b only.
    pub const FORMAT_CODE: u8 = 0b001;
    /// Header (4) + one format descriptor (8) (mmc.md §1.5).
    pub const PARAMETER_LIST_BYTES: u64 = 12;

    pub fn parse<T: AsRef<[u8]>>(cdb: &FormatUnitCdb<T>) -> Result<FormatUnit, CdbError> {
        if cdb.format_code() != Self::FORMAT_CODE {
            return Err(CdbError::invalid_field_in_cdb(
                field::format_unit::FLAGS as u16,
                Some(2),
            ));
        }
        Ok(FormatUnit {
            format_data: cdb.format_data(),
            complete_list: cdb.complete_list(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut FormatUnitCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB6_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_format_data(self.format_data);
        cdb.set_complete_list(self.complete_list);
        cdb.set_format_code(Self::FORMAT_CODE);
    }

    pub fn data_direction(&self) -> DataDirection {
        if self.format_data {
            DataDirection::Out {
                bytes: Self::PARAMETER_LIST_BYTES,
            }
        } else {
            DataDirection::None
        }
    }
}
cdb_repr!(FormatUnit, FormatUnitCdb, opcode::FORMAT_UNIT);

view!(
    /// RESERVE TRACK (53h) (mmc.md §1.5).
    ReserveTrackCdb,
    min_len = field::CDB10_END
);
accessors!(ReserveTrackCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit reserve_medium_zone / set_reserve_medium_zone: bool = field::reserve_track::FLAGS, 0x02;
    bit address_reservation / set_address_reservation: bool = field::reserve_track::FLAGS, 0x01;
    be reservation_lba / set_reservation_lba: u32 = field::reserve_track::RESERVATION_LBA;
    be reservation_size / set_reservation_size: u32 = field::reserve_track::RESERVATION_SIZE;
});

/// What RESERVE TRACK reserves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// ARSV = 0: a track of this many blocks at the NWA (the form libburn and growisofs use).
    Size { blocks: u32 },
    /// ARSV = 1: a track ending at (BD-R) / starting at this LBA (spec, verify).
    Lba(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReserveTrack {
    pub reservation: Reservation,
    /// RMZ (spec): reserve a medium zone rather than a track.
    pub reserve_medium_zone: bool,
}

impl ReserveTrack {
    pub fn parse<T: AsRef<[u8]>>(cdb: &ReserveTrackCdb<T>) -> Result<ReserveTrack, CdbError> {
        let reservation = if cdb.address_reservation() {
            Reservation::Lba(cdb.reservation_lba())
        } else {
            Reservation::Size {
                blocks: cdb.reservation_size(),
            }
        };
        Ok(ReserveTrack {
            reservation,
            reserve_medium_zone: cdb.reserve_medium_zone(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut ReserveTrackCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB10_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_reserve_medium_zone(self.reserve_medium_zone);
        match self.reservation {
            Reservation::Size { blocks } => cdb.set_reservation_size(blocks),
            Reservation::Lba(lba) => {
                cdb.set_address_reservation(true);
                cdb.set_reservation_lba(lba);
            }
        }
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::None
    }
}
cdb_repr!(ReserveTrack, ReserveTrackCdb, opcode::RESERVE_TRACK);

view!(
    /// SEND OPC INFORMATION (54h): DoOpc byte 1 b0, parameter list length 7–8 (mmc.md §1.5).
    SendOpcInformationCdb,
    min_len = field::CDB10_END
);
accessors!(SendOpcInformationCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit do_opc / set_do_opc: bool = field::send_opc::FLAGS, 0x01;
    bit exclude_layer1 / set_exclude_layer1: bool = field::send_opc::EXCLUDE, 0x02;
    bit exclude_layer0 / set_exclude_layer0: bool = field::send_opc::EXCLUDE, 0x01;
    be parameter_list_length / set_parameter_list_length: u16 = field::send_opc::PARAMETER_LIST_LENGTH;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendOpcInformation {
    /// DoOpc: perform OPC now (libburn `54 01`, mmc.md §1.5).
    pub do_opc: bool,
    pub exclude_layer0: bool,
    pub exclude_layer1: bool,
    /// 0 = just perform OPC.
    pub parameter_list_length: u16,
}

impl SendOpcInformation {
    pub fn parse<T: AsRef<[u8]>>(cdb: &SendOpcInformationCdb<T>) -> Result<SendOpcInformation, CdbError> {
        Ok(SendOpcInformation {
            do_opc: cdb.do_opc(),
            exclude_layer0: cdb.exclude_layer0(),
            exclude_layer1: cdb.exclude_layer1(),
            parameter_list_length: cdb.parameter_list_length(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut SendOpcInformationCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB10_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_do_opc(self.do_opc);
        cdb.set_exclude_layer0(self.exclude_layer0);
        cdb.set_exclude_layer1(self.exclude_layer1);
        cdb.set_parameter_list_length(self.parameter_list_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        match self.parameter_list_length {
            0 => DataDirection::None,
            length => DataDirection::Out { bytes: length.into() },
        }
    }
}
cdb_repr!(SendOpcInformation, SendOpcInformationCdb, opcode::SEND_OPC_INFORMATION);

view!(
    /// CLOSE TRACK/SESSION (5Bh): Immed byte 1 b0, function byte 2 b2-0, track number 4–5
    /// (mmc.md §1.5).
    CloseTrackSessionCdb,
    min_len = field::CDB10_END
);
accessors!(CloseTrackSessionCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit immediate / set_immediate: bool = field::close::FLAGS, 0x01;
    bits function / set_function: u8 = field::close::FUNCTION, 0x07;
    be track_number / set_track_number: u16 = field::close::TRACK_NUMBER;
});

/// Close functions; what each does depends on the medium (mmc.md §1.5 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseFunction {
    /// 000b: DVD+RW stop background format ("de-icing").
    StopBackgroundFormat = 0,
    /// 001b: close track / RZone / fragment N.
    CloseTrack = 1,
    /// 010b: close session / border.
    CloseSession = 2,
    /// 011b: DVD-R DL / DVD+R DL compatibility close (spec, verify).
    Compatibility3 = 3,
    /// 100b: DVD-R DL / DVD+R DL compatibility close (spec, verify).
    Compatibility4 = 4,
    /// 101b: DVD+R finalize with minimal radius.
    FinalizeMinimalRadius = 5,
    /// 110b: finalize the disc (DVD+R, BD-R).
    Finalize = 6,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseTrackSession {
    pub immediate: bool,
    pub function: CloseFunction,
    pub track_number: u16,
}

impl CloseTrackSession {
    pub fn parse<T: AsRef<[u8]>>(cdb: &CloseTrackSessionCdb<T>) -> Result<CloseTrackSession, CdbError> {
        let function = match cdb.function() {
            0 => CloseFunction::StopBackgroundFormat,
            1 => CloseFunction::CloseTrack,
            2 => CloseFunction::CloseSession,
            3 => CloseFunction::Compatibility3,
            4 => CloseFunction::Compatibility4,
            5 => CloseFunction::FinalizeMinimalRadius,
            6 => CloseFunction::Finalize,
            _ => return Err(CdbError::invalid_field_in_cdb(field::close::FUNCTION as u16, Some(2))),
        };
        Ok(CloseTrackSession {
            immediate: cdb.immediate(),
            function,
            track_number: cdb.track_number(),
        })
    }

    /// Where the drive points when a valid function does not apply to the medium (CDEmu: 5/24/00).
    pub const FUNCTION_POINTER: crate::mmc::sense_data::FieldPointer =
        crate::mmc::sense_data::FieldPointer::cdb(field::close::FUNCTION as u16, Some(2));

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut CloseTrackSessionCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB10_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_immediate(self.immediate);
        cdb.set_function(self.function as u8);
        cdb.set_track_number(self.track_number);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::None
    }
}
cdb_repr!(CloseTrackSession, CloseTrackSessionCdb, opcode::CLOSE_TRACK_SESSION);

view!(
    /// BLANK (A1h): Immed byte 1 b4, type b2-0; start address / track number 2–5 (mmc.md §1.5).
    BlankCdb,
    min_len = field::CDB12_END
);
accessors!(BlankCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bit immediate / set_immediate: bool = field::blank::FLAGS, 0x10;
    bits blanking_type / set_blanking_type: u8 = field::blank::FLAGS, 0x07;
    be address / set_address: u32 = field::blank::ADDRESS;
});

/// BLANK types (mmc.md §1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlankingType {
    /// 000b: blank the disc.
    Disc = 0,
    /// 001b: minimally blank (PMA, lead-in, first pregap).
    Minimal = 1,
    /// 010b: blank a track.
    Track = 2,
    /// 011b: unreserve a track.
    UnreserveTrack = 3,
    /// 100b: blank a track tail.
    TrackTail = 4,
    /// 101b: unclose the last session.
    UncloseLastSession = 5,
    /// 110b: blank the last session.
    LastSession = 6,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blank {
    pub immediate: bool,
    pub blanking_type: BlankingType,
    /// Start address or track number, per type.
    pub address: u32,
}

impl Blank {
    pub fn parse<T: AsRef<[u8]>>(cdb: &BlankCdb<T>) -> Result<Blank, CdbError> {
        let blanking_type = match cdb.blanking_type() {
            0 => BlankingType::Disc,
            1 => BlankingType::Minimal,
            2 => BlankingType::Track,
            3 => BlankingType::UnreserveTrack,
            4 => BlankingType::TrackTail,
            5 => BlankingType::UncloseLastSession,
            6 => BlankingType::LastSession,
            _ => return Err(CdbError::invalid_field_in_cdb(field::blank::FLAGS as u16, Some(2))),
        };
        Ok(Blank {
            immediate: cdb.immediate(),
            blanking_type,
            address: cdb.address(),
        })
    }

    /// Where the drive points for a blanking type the medium does not take (mmc.md §1.5).
    pub const TYPE_POINTER: crate::mmc::sense_data::FieldPointer =
        crate::mmc::sense_data::FieldPointer::cdb(field::blank::FLAGS as u16, Some(2));

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut BlankCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB12_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_immediate(self.immediate);
        cdb.set_blanking_type(self.blanking_type as u8);
        cdb.set_address(self.address);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::None
    }
}
cdb_repr!(Blank, BlankCdb, opcode::BLANK);

view!(
    /// SET STREAMING (B6h): type byte 8, parameter list length 9–10 (mmc.md §1.5).
    SetStreamingCdb,
    min_len = field::CDB12_END
);
accessors!(SetStreamingCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    byte descriptor_type / set_descriptor_type: u8 = field::set_streaming::TYPE;
    be parameter_list_length / set_parameter_list_length: u16 = field::set_streaming::PARAMETER_LIST_LENGTH;
});

/// SET STREAMING descriptor types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamingType {
    /// 00h: the 28-byte performance descriptor (`streaming::PerformanceDescriptorRepr`).
    Performance = 0x00,
    /// 05h: DBI cache zone (BD).
    DbiCacheZone = 0x05,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetStreaming {
    pub descriptor_type: StreamingType,
    pub parameter_list_length: u16,
}

impl SetStreaming {
    pub fn parse<T: AsRef<[u8]>>(cdb: &SetStreamingCdb<T>) -> Result<SetStreaming, CdbError> {
        let descriptor_type = match cdb.descriptor_type() {
            0x00 => StreamingType::Performance,
            0x05 => StreamingType::DbiCacheZone,
            _ => return Err(CdbError::invalid_field_in_cdb(field::set_streaming::TYPE as u16, None)),
        };
        Ok(SetStreaming {
            descriptor_type,
            parameter_list_length: cdb.parameter_list_length(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut SetStreamingCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB12_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_descriptor_type(self.descriptor_type as u8);
        cdb.set_parameter_list_length(self.parameter_list_length);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::Out {
            bytes: self.parameter_list_length.into(),
        }
    }
}
cdb_repr!(SetStreaming, SetStreamingCdb, opcode::SET_STREAMING);

view!(
    /// SET CD SPEED (BBh): rotation control byte 1 b1-0, read speed 2–3, write speed 4–5 in kB/s
    /// (mmc.md §1.5).
    SetCdSpeedCdb,
    min_len = field::CDB12_END
);
accessors!(SetCdSpeedCdb {
    byte opcode / set_opcode: u8 = field::OPCODE;
    bits rotation_control / set_rotation_control: u8 = field::set_cd_speed::FLAGS, 0x03;
    be read_speed / set_read_speed: u16 = field::set_cd_speed::READ_SPEED;
    be write_speed / set_write_speed: u16 = field::set_cd_speed::WRITE_SPEED;
});

/// Rotation control of SET CD SPEED.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotationControl {
    ConstantLinearVelocity = 0,
    ConstantAngularVelocity = 1,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetCdSpeed {
    pub rotation_control: RotationControl,
    /// kB/s (1000 bytes); FFFFh = maximum. 1x CD = 176.4 kB/s (mmc.md §1.5).
    pub read_kbytes_per_second: u16,
    pub write_kbytes_per_second: u16,
}

impl SetCdSpeed {
    /// "As fast as possible".
    pub const MAXIMUM_SPEED: u16 = 0xFFFF;

    pub fn parse<T: AsRef<[u8]>>(cdb: &SetCdSpeedCdb<T>) -> Result<SetCdSpeed, CdbError> {
        let rotation_control = match cdb.rotation_control() {
            0 => RotationControl::ConstantLinearVelocity,
            1 => RotationControl::ConstantAngularVelocity,
            _ => {
                return Err(CdbError::invalid_field_in_cdb(
                    field::set_cd_speed::FLAGS as u16,
                    Some(1),
                ));
            }
        };
        Ok(SetCdSpeed {
            rotation_control,
            read_kbytes_per_second: cdb.read_speed(),
            write_kbytes_per_second: cdb.write_speed(),
        })
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, cdb: &mut SetCdSpeedCdb<T>) {
        cdb.buffer.as_mut()[..field::CDB12_END].fill(0);
        cdb.set_opcode(Self::OPCODE);
        cdb.set_rotation_control(self.rotation_control as u8);
        cdb.set_read_speed(self.read_kbytes_per_second);
        cdb.set_write_speed(self.write_kbytes_per_second);
    }

    pub fn data_direction(&self) -> DataDirection {
        DataDirection::None
    }
}
cdb_repr!(SetCdSpeed, SetCdSpeedCdb, opcode::SET_CD_SPEED);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_unit_of_libburn() {
        let bytes = [0x04, 0x11, 0, 0, 0, 0];
        let cdb = FormatUnitCdb::new_checked(&bytes[..]).unwrap();
        assert!(cdb.format_data());
        assert_eq!(cdb.format_code(), 1);
        let repr = FormatUnit::parse(&cdb).unwrap();
        assert_eq!(
            repr,
            FormatUnit {
                format_data: true,
                complete_list: false
            }
        );
        assert_eq!(repr.data_direction(), DataDirection::Out { bytes: 12 });
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn reserve_track_size_and_lba_forms() {
        let size = [0x53, 0x00, 0, 0, 0, 0x00, 0x05, 0xCC, 0x60, 0];
        let repr = ReserveTrack::parse(&ReserveTrackCdb::new_checked(&size[..]).unwrap()).unwrap();
        assert_eq!(repr.reservation, Reservation::Size { blocks: 380_000 });
        assert_eq!(repr.to_vec(), size);
        let lba = [0x53, 0x01, 0x00, 0xBA, 0x7F, 0xFF, 0, 0, 0, 0];
        let repr = ReserveTrack::parse(&ReserveTrackCdb::new_checked(&lba[..]).unwrap()).unwrap();
        assert_eq!(repr.reservation, Reservation::Lba(0x00BA_7FFF));
        assert_eq!(repr.to_vec(), lba);
    }

    #[test]
    fn send_opc_of_libburn() {
        let bytes = [0x54, 0x01, 0, 0, 0, 0, 0, 0, 0, 0];
        let repr = SendOpcInformation::parse(&SendOpcInformationCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert!(repr.do_opc);
        assert_eq!(repr.data_direction(), DataDirection::None);
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn close_session_immediate() {
        // wodim `5B 00 02` and growisofs with Immed (mmc.md §1.5, §3).
        let bytes = [0x5B, 0x01, 0x02, 0, 0x00, 0x00, 0, 0, 0, 0];
        let repr = CloseTrackSession::parse(&CloseTrackSessionCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            CloseTrackSession {
                immediate: true,
                function: CloseFunction::CloseSession,
                track_number: 0
            }
        );
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn blank_minimal_immediate() {
        // libburn sets `0x10 | fast` (mmc.md §1.5).
        let bytes = [0xA1, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let repr = Blank::parse(&BlankCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            Blank {
                immediate: true,
                blanking_type: BlankingType::Minimal,
                address: 0
            }
        );
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn set_streaming_performance() {
        let bytes = [0xB6, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x1C, 0];
        let repr = SetStreaming::parse(&SetStreamingCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            SetStreaming {
                descriptor_type: StreamingType::Performance,
                parameter_list_length: 28
            }
        );
        assert_eq!(repr.data_direction(), DataDirection::Out { bytes: 28 });
        assert_eq!(repr.to_vec(), bytes);
    }

    #[test]
    fn set_cd_speed_maximum() {
        let bytes = [0xBB, 0x00, 0xFF, 0xFF, 0x0B, 0x06, 0, 0, 0, 0, 0, 0];
        let repr = SetCdSpeed::parse(&SetCdSpeedCdb::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(
            repr,
            SetCdSpeed {
                rotation_control: RotationControl::ConstantLinearVelocity,
                read_kbytes_per_second: SetCdSpeed::MAXIMUM_SPEED,
                write_kbytes_per_second: 2822,
            }
        );
        assert_eq!(repr.to_vec(), bytes);
    }
}
