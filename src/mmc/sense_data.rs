//! Sense data as it travels: fixed format (response code 70h current / 71h deferred), which the
//! emulator sends and every tool parses, and descriptor format (72h / 73h), which some real drives
//! send and libburn accepts (mmc.md §1 conventions, §3).
//!
//! Fixed format (mmc.md §3): byte 0 VALID b7 + response code; byte 2 ILI b5 + sense key b3-0;
//! 3–6 INFORMATION; 7 additional length 0Ah; 8–11 command-specific information; 12 ASC; 13 ASCQ;
//! 14 FRU; 15 SKSV b7 + sense-key-specific bits; 16–17 progress (key 0 or 2, mmc.md §1.1 TUR)
//! or the field pointer (key 5: C/D b6, BPV b3, bit pointer b2-0 in byte 15).

use super::Sense;
use super::wire::{CdbError, Field, accessors, impl_to_vec, read_be, read_be64, view};
use std::fmt;

/// Response codes of byte 0 (SPC-4 §4.5.1).
pub mod response_code {
    pub const FIXED_CURRENT: u8 = 0x70;
    pub const FIXED_DEFERRED: u8 = 0x71;
    pub const DESCRIPTOR_CURRENT: u8 = 0x72;
    pub const DESCRIPTOR_DEFERRED: u8 = 0x73;
}

/// Where in a CDB or parameter list the offending field is (sense-key-specific bytes 15–17 for
/// ILLEGAL REQUEST).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldPointer {
    /// C/D: true when the field is in the CDB, false when it is in the parameter list (data-out).
    pub in_cdb: bool,
    /// Byte offset of the field.
    pub byte: u16,
    /// Bit pointer (0–7) of the field's most significant bit; `None` means the whole byte(s)
    /// (BPV = 0).
    pub bit: Option<u8>,
}

impl FieldPointer {
    /// "Invalid field in CDB at byte `byte`, bit `bit`".
    pub const fn cdb(byte: u16, bit: Option<u8>) -> FieldPointer {
        FieldPointer {
            in_cdb: true,
            byte,
            bit,
        }
    }

    /// "Invalid field in parameter list at byte `byte`, bit `bit`".
    pub const fn parameter(byte: u16, bit: Option<u8>) -> FieldPointer {
        FieldPointer {
            in_cdb: false,
            byte,
            bit,
        }
    }

    /// The three sense-key-specific bytes (15–17 of fixed sense), SKSV set.
    pub fn to_bytes(self) -> [u8; 3] {
        let mut flags = 0x80;
        if self.in_cdb {
            flags |= 0x40;
        }
        if let Some(bit) = self.bit {
            flags |= 0x08 | (bit & 0x07);
        }
        let [high, low] = self.byte.to_be_bytes();
        [flags, high, low]
    }

    /// Reads the three sense-key-specific bytes; `None` when SKSV is clear.
    pub fn from_bytes(bytes: [u8; 3]) -> Option<FieldPointer> {
        if bytes[0] & 0x80 == 0 {
            return None;
        }
        let bit = (bytes[0] & 0x08 != 0).then_some(bytes[0] & 0x07);
        Some(FieldPointer {
            in_cdb: bytes[0] & 0x40 != 0,
            byte: u16::from_be_bytes([bytes[1], bytes[2]]),
            bit,
        })
    }
}

impl fmt::Display for FieldPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = if self.in_cdb { "CDB" } else { "parameter list" };
        write!(f, "{place} byte {}", self.byte)?;
        if let Some(bit) = self.bit {
            write!(f, " bit {bit}")?;
        }
        Ok(())
    }
}

/// The sense-key-specific field (bytes 15–17), interpreted by sense key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SenseKeySpecific {
    /// SKSV clear.
    #[default]
    None,
    /// Progress indication 0–65535 of a long operation (key 0 or 2; mmc.md §1.1).
    Progress(u16),
    /// The offending field (key 5).
    FieldPointer(FieldPointer),
    /// Any other key with SKSV set (retry counts and such): the three bytes as sent.
    Other([u8; 3]),
}

impl SenseKeySpecific {
    /// The progress value for `done` of `total` units, as 0–65535 (65535 when `total` is 0).
    pub fn progress(done: u64, total: u64) -> SenseKeySpecific {
        let fraction = if total == 0 {
            65535
        } else {
            (u128::from(done.min(total)) * 65536 / u128::from(total)).min(65535)
        };
        SenseKeySpecific::Progress(fraction as u16)
    }

    fn to_bytes(self) -> [u8; 3] {
        match self {
            SenseKeySpecific::None => [0; 3],
            SenseKeySpecific::Progress(value) => {
                let [high, low] = value.to_be_bytes();
                [0x80, high, low]
            }
            SenseKeySpecific::FieldPointer(pointer) => pointer.to_bytes(),
            SenseKeySpecific::Other(bytes) => bytes,
        }
    }

    fn from_bytes(key: u8, bytes: [u8; 3]) -> SenseKeySpecific {
        if bytes[0] & 0x80 == 0 {
            return SenseKeySpecific::None;
        }
        match key {
            super::sense::key::NO_SENSE | super::sense::key::NOT_READY => {
                SenseKeySpecific::Progress(u16::from_be_bytes([bytes[1], bytes[2]]))
            }
            super::sense::key::ILLEGAL_REQUEST => {
                FieldPointer::from_bytes(bytes).map_or(SenseKeySpecific::None, SenseKeySpecific::FieldPointer)
            }
            _ => SenseKeySpecific::Other(bytes),
        }
    }
}

mod field {
    use super::Field;

    /// VALID b7, response code b6-0.
    pub const RESPONSE: usize = 0;
    /// FILEMARK b7, EOM b6, ILI b5, sense key b3-0.
    pub const FLAGS_KEY: usize = 2;
    pub const INFORMATION: Field = 3..7;
    pub const ADDITIONAL_LENGTH: usize = 7;
    pub const COMMAND_SPECIFIC: Field = 8..12;
    pub const ASC: usize = 12;
    pub const ASCQ: usize = 13;
    pub const FRU: usize = 14;
    /// SKSV b7 and the key-specific bits of byte 15, then bytes 16–17.
    pub const KEY_SPECIFIC: Field = 15..18;
    pub const END: usize = 18;
}

/// The additional sense length the emulator sends: 18 bytes in all (mmc.md §3).
pub const FIXED_ADDITIONAL_LENGTH: u8 = 0x0A;

view!(
    /// Fixed-format sense data (18 bytes).
    FixedSense,
    min_len = field::END
);

accessors!(FixedSense {
    bit valid / set_valid: bool = field::RESPONSE, 0x80;
    bits response_code / set_response_code: u8 = field::RESPONSE, 0x7F;
    bit ili / set_ili: bool = field::FLAGS_KEY, 0x20;
    bits sense_key / set_sense_key: u8 = field::FLAGS_KEY, 0x0F;
    be information / set_information: u32 = field::INFORMATION;
    byte additional_length / set_additional_length: u8 = field::ADDITIONAL_LENGTH;
    be command_specific / set_command_specific: u32 = field::COMMAND_SPECIFIC;
    byte asc / set_asc: u8 = field::ASC;
    byte ascq / set_ascq: u8 = field::ASCQ;
    byte field_replaceable_unit / set_field_replaceable_unit: u8 = field::FRU;
    bytes key_specific / set_key_specific: [u8] = field::KEY_SPECIFIC;
});

/// Parsed sense data, whichever format it came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenseDataRepr {
    /// Response code 71h / 73h: the error belongs to an earlier command (mmc.md §1.5).
    pub deferred: bool,
    pub sense: Sense,
    /// INFORMATION with VALID set (e.g. the LBA of 5/21/00, mmc.md §3).
    pub information: Option<u32>,
    /// Incorrect length indicator (5/64/00 on READ of a non-2048 sector, mmc.md §1.3).
    pub ili: bool,
    pub command_specific: u32,
    pub key_specific: SenseKeySpecific,
}

impl SenseDataRepr {
    /// Current sense with nothing but the triple.
    pub const fn current(sense: Sense) -> SenseDataRepr {
        SenseDataRepr {
            deferred: false,
            sense,
            information: None,
            ili: false,
            command_specific: 0,
            key_specific: SenseKeySpecific::None,
        }
    }

    /// Deferred sense (71h) with nothing but the triple.
    pub const fn deferred(sense: Sense) -> SenseDataRepr {
        SenseDataRepr {
            deferred: true,
            ..SenseDataRepr::current(sense)
        }
    }

    /// The sense of a decode error, with its field pointer.
    pub fn from_error(error: CdbError) -> SenseDataRepr {
        let key_specific = error
            .field
            .map_or(SenseKeySpecific::None, SenseKeySpecific::FieldPointer);
        SenseDataRepr {
            key_specific,
            ..SenseDataRepr::current(error.sense)
        }
    }

    pub fn with_information(self, information: u32) -> SenseDataRepr {
        SenseDataRepr {
            information: Some(information),
            ..self
        }
    }

    pub fn with_progress(self, progress: u16) -> SenseDataRepr {
        SenseDataRepr {
            key_specific: SenseKeySpecific::Progress(progress),
            ..self
        }
    }

    pub fn with_ili(self) -> SenseDataRepr {
        SenseDataRepr { ili: true, ..self }
    }

    /// Parses fixed-format sense. A buffer cut short (a transport's `mx_sb_len`, a short
    /// additional length) reads as zeros past its end, as long as ASC and ASCQ are present.
    pub fn parse<T: AsRef<[u8]>>(view: &FixedSense<T>) -> Result<SenseDataRepr, CdbError> {
        view.check_len()?;
        let deferred = match view.response_code() {
            response_code::FIXED_CURRENT => false,
            response_code::FIXED_DEFERRED => true,
            _ => {
                return Err(CdbError::invalid_field_in_parameter_list(
                    field::RESPONSE as u16,
                    Some(6),
                ));
            }
        };
        let key = view.sense_key();
        let mut key_specific = [0u8; 3];
        key_specific.copy_from_slice(view.key_specific());
        Ok(SenseDataRepr {
            deferred,
            sense: Sense::new(key, view.asc(), view.ascq()),
            information: view.valid().then(|| view.information()),
            ili: view.ili(),
            command_specific: view.command_specific(),
            key_specific: SenseKeySpecific::from_bytes(key, key_specific),
        })
    }

    /// Fixed-format sense is always 18 bytes here.
    pub fn buffer_len(&self) -> usize {
        field::END
    }

    /// Emits fixed-format sense, additional length 0Ah.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, view: &mut FixedSense<T>) {
        view.buffer.as_mut()[..field::END].fill(0);
        view.set_valid(self.information.is_some());
        view.set_response_code(if self.deferred {
            response_code::FIXED_DEFERRED
        } else {
            response_code::FIXED_CURRENT
        });
        view.set_ili(self.ili);
        view.set_sense_key(self.sense.key);
        view.set_information(self.information.unwrap_or(0));
        view.set_additional_length(FIXED_ADDITIONAL_LENGTH);
        view.set_command_specific(self.command_specific);
        view.set_asc(self.sense.asc);
        view.set_ascq(self.sense.ascq);
        view.set_key_specific(&self.key_specific.to_bytes());
    }
}

impl_to_vec!(SenseDataRepr, FixedSense);

mod descriptor_field {
    use super::Field;

    pub const RESPONSE: usize = 0;
    /// Sense key b3-0.
    pub const KEY: usize = 1;
    pub const ASC: usize = 2;
    pub const ASCQ: usize = 3;
    pub const ADDITIONAL_LENGTH: usize = 7;
    pub const HEADER_END: usize = 8;

    /// Within one descriptor: type and additional length.
    pub const TYPE: usize = 0;
    pub const LENGTH: usize = 1;
    /// Information (type 00h): VALID b7 of byte 2, value in bytes 4–11.
    pub const INFO_VALID: usize = 2;
    pub const INFO_VALUE: Field = 4..12;
    /// Command-specific information (type 01h): bytes 4–11.
    pub const COMMAND_SPECIFIC_VALUE: Field = 4..12;
    /// Sense-key specific (type 02h): bytes 4–6.
    pub const KEY_SPECIFIC_VALUE: Field = 4..7;
    /// Block commands (type 05h): ILI b5 of byte 3.
    pub const BLOCK_FLAGS: usize = 3;
}

/// Descriptor types we read (SPC-4 §4.5.2).
pub mod descriptor_type {
    pub const INFORMATION: u8 = 0x00;
    pub const COMMAND_SPECIFIC: u8 = 0x01;
    pub const SENSE_KEY_SPECIFIC: u8 = 0x02;
    pub const BLOCK_COMMANDS: u8 = 0x05;
}

view!(
    /// Descriptor-format sense data header (8 bytes) followed by sense data descriptors.
    DescriptorSense,
    min_len = descriptor_field::HEADER_END
);

accessors!(DescriptorSense {
    bits response_code / set_response_code: u8 = descriptor_field::RESPONSE, 0x7F;
    bits sense_key / set_sense_key: u8 = descriptor_field::KEY, 0x0F;
    byte asc / set_asc: u8 = descriptor_field::ASC;
    byte ascq / set_ascq: u8 = descriptor_field::ASCQ;
    byte additional_length / set_additional_length: u8 = descriptor_field::ADDITIONAL_LENGTH;
});

impl<T: AsRef<[u8]>> DescriptorSense<T> {
    /// The descriptors, each as a byte slice starting at its type byte. Descriptors that run past
    /// the additional length or the buffer are cut off.
    pub fn descriptors(&self) -> impl Iterator<Item = &[u8]> {
        let bytes = self.buffer.as_ref();
        let end = bytes
            .len()
            .min(descriptor_field::HEADER_END + usize::from(self.additional_length()));
        let mut offset = descriptor_field::HEADER_END;
        std::iter::from_fn(move || {
            if offset + 2 > end {
                return None;
            }
            let length = 2 + usize::from(bytes[offset + descriptor_field::LENGTH]);
            let descriptor = &bytes[offset..end.min(offset + length)];
            offset += length;
            Some(descriptor)
        })
    }
}

impl SenseDataRepr {
    /// Parses descriptor-format sense (72h / 73h) into the same representation.
    pub fn parse_descriptor<T: AsRef<[u8]>>(view: &DescriptorSense<T>) -> Result<SenseDataRepr, CdbError> {
        use descriptor_field as f;
        view.check_len()?;
        let deferred = match view.response_code() {
            response_code::DESCRIPTOR_CURRENT => false,
            response_code::DESCRIPTOR_DEFERRED => true,
            _ => return Err(CdbError::invalid_field_in_parameter_list(f::RESPONSE as u16, Some(6))),
        };
        let key = view.sense_key();
        let mut repr = SenseDataRepr {
            deferred,
            ..SenseDataRepr::current(Sense::new(key, view.asc(), view.ascq()))
        };
        for descriptor in view.descriptors() {
            let value = |range: Field| descriptor.get(range);
            match descriptor[f::TYPE] {
                descriptor_type::INFORMATION => {
                    if let Some(bytes) = value(f::INFO_VALUE) {
                        let valid = descriptor[f::INFO_VALID] & 0x80 != 0;
                        // Fixed format carries 32 bits; MMC addresses fit.
                        repr.information = valid.then_some(read_be64(bytes) as u32);
                    }
                }
                descriptor_type::COMMAND_SPECIFIC => {
                    if let Some(bytes) = value(f::COMMAND_SPECIFIC_VALUE) {
                        repr.command_specific = read_be64(bytes) as u32;
                    }
                }
                descriptor_type::SENSE_KEY_SPECIFIC => {
                    if let Some(bytes) = value(f::KEY_SPECIFIC_VALUE) {
                        repr.key_specific = SenseKeySpecific::from_bytes(key, [bytes[0], bytes[1], bytes[2]]);
                    }
                }
                descriptor_type::BLOCK_COMMANDS => {
                    repr.ili = descriptor.get(f::BLOCK_FLAGS).is_some_and(|flags| flags & 0x20 != 0);
                }
                _ => {}
            }
        }
        Ok(repr)
    }

    /// Parses sense in either format, as tools do with what `sb_len_wr` delivered. Fixed sense cut
    /// short past ASCQ reads as zeros.
    pub fn parse_any(bytes: &[u8]) -> Result<SenseDataRepr, CdbError> {
        match bytes.first().map(|b| b & 0x7F) {
            Some(response_code::DESCRIPTOR_CURRENT | response_code::DESCRIPTOR_DEFERRED) => {
                SenseDataRepr::parse_descriptor(&DescriptorSense::new_checked(bytes)?)
            }
            _ if bytes.len() > field::ASCQ => {
                // Only the bytes inside the additional length belong to the sense.
                let declared = field::ADDITIONAL_LENGTH + 1 + usize::from(bytes[field::ADDITIONAL_LENGTH]);
                let mut padded = [0u8; field::END];
                let mut used = bytes.len().min(field::END).min(declared.max(field::ASCQ + 1));
                if used < field::END {
                    // A cut sense-key-specific field is no field at all.
                    used = used.min(field::KEY_SPECIFIC.start);
                }
                padded[..used].copy_from_slice(&bytes[..used]);
                SenseDataRepr::parse(&FixedSense::new_unchecked(&padded[..]))
            }
            _ => Err(CdbError::parameter_list_length()),
        }
    }
}

impl SenseDataRepr {
    /// Descriptor-format sense (72h / 73h), for REQUEST SENSE with DESC set (mmc.md §1.1): the
    /// information, command-specific, sense-key-specific and block-commands (ILI) descriptors,
    /// each only when it carries something.
    pub fn to_descriptor_vec(&self) -> Vec<u8> {
        use descriptor_field as f;
        let mut bytes = vec![0u8; f::HEADER_END];
        let mut descriptor = |kind: u8, body: &[u8]| {
            bytes.extend([kind, body.len() as u8]);
            bytes.extend(body);
        };
        if let Some(information) = self.information {
            let mut body = [0u8; 10];
            body[f::INFO_VALID - 2] = 0x80;
            body[f::INFO_VALUE.start - 2..].copy_from_slice(&u64::from(information).to_be_bytes());
            descriptor(descriptor_type::INFORMATION, &body);
        }
        if self.command_specific != 0 {
            let mut body = [0u8; 10];
            body[f::COMMAND_SPECIFIC_VALUE.start - 2..]
                .copy_from_slice(&u64::from(self.command_specific).to_be_bytes());
            descriptor(descriptor_type::COMMAND_SPECIFIC, &body);
        }
        if self.key_specific != SenseKeySpecific::None {
            let mut body = [0u8; 6];
            body[f::KEY_SPECIFIC_VALUE.start - 2..f::KEY_SPECIFIC_VALUE.end - 2]
                .copy_from_slice(&self.key_specific.to_bytes());
            descriptor(descriptor_type::SENSE_KEY_SPECIFIC, &body);
        }
        if self.ili {
            descriptor(descriptor_type::BLOCK_COMMANDS, &[0x00, 0x20]);
        }
        let additional_length = (bytes.len() - f::HEADER_END) as u8;
        let mut view = DescriptorSense::new_unchecked(&mut bytes[..]);
        view.set_response_code(if self.deferred {
            response_code::DESCRIPTOR_DEFERRED
        } else {
            response_code::DESCRIPTOR_CURRENT
        });
        view.set_sense_key(self.sense.key);
        view.set_asc(self.sense.asc);
        view.set_ascq(self.sense.ascq);
        view.set_additional_length(additional_length);
        bytes
    }
}

/// Reads the whole INFORMATION field from raw fixed-format bytes, VALID or not (CDEmu leaves
/// VALID clear while filling it, mmc.md §3).
pub fn raw_information(bytes: &[u8]) -> Option<u32> {
    bytes.get(field::INFORMATION).map(read_be)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 5/24/00, CDB byte 1 bit 1 (GET CONFIGURATION RT=3).
    static INVALID_FIELD: [u8; 18] = [
        0x70, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x00, 0xC9, 0x00, 0x01,
    ];
    /// 2/04/04 format in progress, 50 %.
    static PROGRESS: [u8; 18] = [
        0x70, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x04, 0x04, 0x00, 0x80, 0x80, 0x00,
    ];
    /// Deferred 3/0C/00 as in the k3b/wodim log `71 00 03 … 0C 00` (mmc.md §1.5).
    static DEFERRED_WRITE_ERROR: [u8; 18] = [
        0x71, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];
    /// 5/21/00 with VALID + INFORMATION = 2295104 (LBA out of range).
    static LBA_OUT_OF_RANGE: [u8; 18] = [
        0xF0, 0x00, 0x05, 0x00, 0x23, 0x05, 0x40, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    #[test]
    fn deconstruct_field_pointer_sense() {
        let view = FixedSense::new_checked(&INVALID_FIELD[..]).unwrap();
        assert!(!view.valid());
        assert_eq!(view.response_code(), 0x70);
        assert_eq!(view.sense_key(), 5);
        assert_eq!(view.additional_length(), 0x0A);
        assert_eq!((view.asc(), view.ascq()), (0x24, 0x00));
        assert_eq!(view.key_specific(), &[0xC9, 0x00, 0x01]);
    }

    #[test]
    fn construct_field_pointer_sense() {
        let mut bytes = [0xFFu8; 18];
        let mut view = FixedSense::new_unchecked(&mut bytes[..]);
        view.buffer.as_mut().fill(0);
        view.set_response_code(0x70);
        view.set_sense_key(5);
        view.set_additional_length(0x0A);
        view.set_asc(0x24);
        view.set_key_specific(&FieldPointer::cdb(1, Some(1)).to_bytes());
        assert_eq!(bytes, INVALID_FIELD);
    }

    #[test]
    fn parse_and_emit_field_pointer() {
        let repr = SenseDataRepr::from_error(CdbError::invalid_field_in_cdb(1, Some(1)));
        assert_eq!(
            SenseDataRepr::parse(&FixedSense::new_checked(&INVALID_FIELD[..]).unwrap()),
            Ok(repr)
        );
        assert_eq!(repr.to_vec(), INVALID_FIELD);
    }

    #[test]
    fn parse_and_emit_progress() {
        let repr = SenseDataRepr::current(Sense::FORMAT_IN_PROGRESS).with_progress(0x8000);
        assert_eq!(
            SenseDataRepr::parse(&FixedSense::new_checked(&PROGRESS[..]).unwrap()),
            Ok(repr)
        );
        assert_eq!(repr.to_vec(), PROGRESS);
        assert_eq!(SenseKeySpecific::progress(1, 2), SenseKeySpecific::Progress(0x8000));
        assert_eq!(SenseKeySpecific::progress(7, 7), SenseKeySpecific::Progress(65535));
        assert_eq!(SenseKeySpecific::progress(0, 9), SenseKeySpecific::Progress(0));
    }

    #[test]
    fn parse_and_emit_deferred() {
        let repr = SenseDataRepr::deferred(Sense::WRITE_ERROR);
        assert_eq!(SenseDataRepr::parse_any(&DEFERRED_WRITE_ERROR), Ok(repr));
        assert_eq!(repr.to_vec(), DEFERRED_WRITE_ERROR);
    }

    #[test]
    fn parse_and_emit_information() {
        let repr = SenseDataRepr::current(Sense::LBA_OUT_OF_RANGE).with_information(2_295_104);
        assert_eq!(SenseDataRepr::parse_any(&LBA_OUT_OF_RANGE), Ok(repr));
        assert_eq!(repr.to_vec(), LBA_OUT_OF_RANGE);
    }

    #[test]
    fn ili_sits_in_byte_2_bit_5() {
        let bytes = SenseDataRepr::current(Sense::ILLEGAL_MODE_FOR_THIS_TRACK)
            .with_ili()
            .to_vec();
        assert_eq!(bytes[2], 0x25);
    }

    #[test]
    fn parameter_list_pointer_has_cd_clear() {
        assert_eq!(FieldPointer::parameter(2, None).to_bytes(), [0x80, 0x00, 0x02]);
        assert_eq!(FieldPointer::cdb(7, None).to_bytes(), [0xC0, 0x00, 0x07]);
        assert_eq!(FieldPointer::cdb(1, Some(0)).to_bytes(), [0xC8, 0x00, 0x01]);
        assert_eq!(FieldPointer::from_bytes([0x00, 0x00, 0x01]), None);
        assert_eq!(FieldPointer::cdb(4, Some(7)).to_string(), "CDB byte 4 bit 7");
    }

    #[test]
    fn short_fixed_sense_reads_as_zeros() {
        // cdrdao asks for 16 bytes of sense (mmc.md §4.4).
        let repr = SenseDataRepr::parse_any(&PROGRESS[..16]).unwrap();
        assert_eq!(repr.sense, Sense::FORMAT_IN_PROGRESS);
        assert_eq!(repr.key_specific, SenseKeySpecific::None);
        assert_eq!(
            SenseDataRepr::parse_any(&PROGRESS[..13]),
            Err(CdbError::parameter_list_length())
        );
    }

    #[test]
    fn additional_length_limits_fixed_sense() {
        let mut bytes = PROGRESS;
        bytes[7] = 6; // ends at byte 13: no sense-key-specific bytes
        assert_eq!(
            SenseDataRepr::parse_any(&bytes).unwrap().key_specific,
            SenseKeySpecific::None
        );
    }

    #[test]
    fn unknown_response_code_is_refused() {
        let mut bytes = PROGRESS;
        bytes[0] = 0x7F;
        assert_eq!(
            SenseDataRepr::parse_any(&bytes),
            Err(CdbError::invalid_field_in_parameter_list(0, Some(6)))
        );
    }

    #[test]
    fn parse_descriptor_format() {
        // 73h deferred 3/0C/00 with information 0x1234, SKS (retry count), block commands ILI.
        let bytes = [
            0x73, 0x03, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x1C, // header, additional length 28
            0x00, 0x0A, 0x80, 0x00, 0, 0, 0, 0, 0, 0, 0x12, 0x34, // information
            0x02, 0x06, 0x00, 0x00, 0x80, 0x00, 0x05, 0x00, // sense-key specific
            0x05, 0x02, 0x00, 0x20, // block commands, ILI
        ];
        let repr = SenseDataRepr::parse_any(&bytes).unwrap();
        assert!(repr.deferred);
        assert_eq!(repr.sense, Sense::WRITE_ERROR);
        assert_eq!(repr.information, Some(0x1234));
        assert_eq!(repr.key_specific, SenseKeySpecific::Other([0x80, 0x00, 0x05]));
        assert!(repr.ili);
        assert_eq!(
            DescriptorSense::new_checked(&bytes[..]).unwrap().descriptors().count(),
            3
        );
    }

    #[test]
    fn parse_descriptor_format_field_pointer() {
        let bytes = [
            0x72, 0x05, 0x24, 0x00, 0, 0, 0, 0x08, 0x02, 0x06, 0, 0, 0xC8, 0x00, 0x01, 0x00,
        ];
        let repr = SenseDataRepr::parse_any(&bytes).unwrap();
        assert_eq!(
            repr,
            SenseDataRepr::from_error(CdbError::invalid_field_in_cdb(1, Some(0)))
        );
    }

    #[test]
    fn descriptor_running_past_the_buffer_is_cut() {
        let bytes = [0x72, 0x05, 0x24, 0x00, 0, 0, 0, 0x20, 0x00, 0x0A, 0x80];
        let repr = SenseDataRepr::parse_any(&bytes).unwrap();
        assert_eq!(repr.information, None);
    }

    #[test]
    fn descriptor_format_round_trip() {
        let bare = SenseDataRepr::from_error(CdbError::invalid_field_in_cdb(1, Some(0)));
        assert_eq!(
            bare.to_descriptor_vec(),
            [
                0x72, 0x05, 0x24, 0x00, 0, 0, 0, 0x08, 0x02, 0x06, 0, 0, 0xC8, 0x00, 0x01, 0x00
            ]
        );
        let full = SenseDataRepr {
            command_specific: 7,
            ..SenseDataRepr::deferred(Sense::ILLEGAL_MODE_FOR_THIS_TRACK)
        }
        .with_information(0x1234)
        .with_ili();
        let bytes = full.to_descriptor_vec();
        assert_eq!(bytes[0], 0x73);
        assert_eq!(usize::from(bytes[7]) + 8, bytes.len());
        assert_eq!(SenseDataRepr::parse_any(&bytes), Ok(full));
        let progress = SenseDataRepr::current(Sense::OPERATION_IN_PROGRESS).with_progress(0x4000);
        assert_eq!(SenseDataRepr::parse_any(&progress.to_descriptor_vec()), Ok(progress));
    }

    #[test]
    fn raw_information_ignores_valid() {
        let mut bytes = LBA_OUT_OF_RANGE;
        bytes[0] = 0x70;
        assert_eq!(raw_information(&bytes), Some(2_295_104));
    }
}
