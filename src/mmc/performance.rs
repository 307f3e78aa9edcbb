//! GET PERFORMANCE (ACh) replies of types 00h (nominal performance) and 03h (write speeds)
//! (mmc.md §1.5): an 8-byte header whose data length counts **all** descriptors the drive has,
//! even when the CDB's maximum number of descriptors returns fewer, then 16-byte descriptors.
//! Emit everything and cut with `copy_truncated` at the CDB's expected length.
//!
//! Header: 0–3 performance data length, byte 4 Write b1 / Except b0. Type 00h descriptor: start
//! LBA, start performance (kB/s), end LBA, end performance. Type 03h descriptor: byte 0 WRC b4-3,
//! RDD b2, Exact b1, MRW b0; 4–7 end LBA; 8–11 read speed; 12–15 write speed (kB/s).

use super::wire::{CdbError, Field, Rest, accessors, read_be, view, write_be};

mod field {
    use super::{Field, Rest};

    pub const DATA_LENGTH: Field = 0..4;
    /// Write b1, Except b0.
    pub const FLAGS: usize = 4;
    pub const DESCRIPTORS: Rest = 8..;
    pub const HEADER_END: usize = 8;
    pub const DESCRIPTOR_LEN: usize = 16;

    pub mod nominal {
        use super::Field;
        pub const START_LBA: Field = 0..4;
        pub const START_PERFORMANCE: Field = 4..8;
        pub const END_LBA: Field = 8..12;
        pub const END_PERFORMANCE: Field = 12..16;
    }

    pub mod write_speed {
        use super::Field;
        /// WRC b4-3, RDD b2, Exact b1, MRW b0.
        pub const FLAGS: usize = 0;
        pub const END_LBA: Field = 4..8;
        pub const READ_SPEED: Field = 8..12;
        pub const WRITE_SPEED: Field = 12..16;
    }
}

view!(
    /// GET PERFORMANCE reply header and descriptors.
    Performance,
    min_len = field::HEADER_END
);
accessors!(Performance {
    be data_length / set_data_length: u32 = field::DATA_LENGTH;
    bit write / set_write: bool = field::FLAGS, 0x02;
    bit except / set_except: bool = field::FLAGS, 0x01;
    bytes descriptors / set_descriptors: [u8] = field::DESCRIPTORS;
});

impl<T: AsRef<[u8]>> Performance<T> {
    /// The complete 16-byte descriptors inside the data length and the buffer.
    fn descriptor_chunks(&self) -> impl Iterator<Item = &[u8]> {
        let bytes = self.descriptors();
        let declared = (self.data_length() as usize).saturating_sub(field::HEADER_END - field::DATA_LENGTH.end);
        bytes[..bytes.len().min(declared)].chunks_exact(field::DESCRIPTOR_LEN)
    }
}

fn header(write: bool, descriptors: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; field::HEADER_END + field::DESCRIPTOR_LEN * descriptors];
    let mut view = Performance::new_unchecked(&mut bytes[..]);
    view.set_data_length((field::HEADER_END - field::DATA_LENGTH.end + field::DESCRIPTOR_LEN * descriptors) as u32);
    view.set_write(write);
    bytes
}

/// One nominal performance descriptor (type 00h).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NominalPerformance {
    pub start_lba: u32,
    pub start_kbytes_per_second: u32,
    pub end_lba: u32,
    pub end_kbytes_per_second: u32,
}

/// Type 00h reply, nominal performance (Except = 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NominalPerformanceRepr {
    pub write: bool,
    pub descriptors: Vec<NominalPerformance>,
}

impl NominalPerformanceRepr {
    pub fn parse<T: AsRef<[u8]>>(data: &Performance<T>) -> Result<NominalPerformanceRepr, CdbError> {
        use field::nominal as f;
        data.check_len()?;
        let descriptors = data
            .descriptor_chunks()
            .map(|d| NominalPerformance {
                start_lba: read_be(&d[f::START_LBA]),
                start_kbytes_per_second: read_be(&d[f::START_PERFORMANCE]),
                end_lba: read_be(&d[f::END_LBA]),
                end_kbytes_per_second: read_be(&d[f::END_PERFORMANCE]),
            })
            .collect();
        Ok(NominalPerformanceRepr {
            write: data.write(),
            descriptors,
        })
    }

    pub fn buffer_len(&self) -> usize {
        field::HEADER_END + field::DESCRIPTOR_LEN * self.descriptors.len()
    }

    /// All descriptors; the data length counts them all.
    pub fn to_vec(&self) -> Vec<u8> {
        use field::nominal as f;
        let mut bytes = header(self.write, self.descriptors.len());
        for (d, p) in bytes[field::DESCRIPTORS]
            .chunks_exact_mut(field::DESCRIPTOR_LEN)
            .zip(&self.descriptors)
        {
            write_be(&mut d[f::START_LBA], p.start_lba.into());
            write_be(&mut d[f::START_PERFORMANCE], p.start_kbytes_per_second.into());
            write_be(&mut d[f::END_LBA], p.end_lba.into());
            write_be(&mut d[f::END_PERFORMANCE], p.end_kbytes_per_second.into());
        }
        bytes
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut Performance<T>) {
        let bytes = self.to_vec();
        data.buffer.as_mut()[..bytes.len()].copy_from_slice(&bytes);
    }
}

/// One write speed descriptor (type 03h).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteSpeedPerformance {
    /// Write rotation control: 0 default (CLV), 1 CAV.
    pub rotation_control: u8,
    /// RDD: restore drive defaults.
    pub restore_defaults: bool,
    pub exact: bool,
    /// MRW: suitable for mixed read/write.
    pub mixed_read_write: bool,
    /// Capacity the speeds apply to (e.g. 2295104 − 1 for DVD+R).
    pub end_lba: u32,
    pub read_kbytes_per_second: u32,
    pub write_kbytes_per_second: u32,
}

/// Type 03h reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteSpeedRepr {
    pub descriptors: Vec<WriteSpeedPerformance>,
}

impl WriteSpeedRepr {
    pub fn parse<T: AsRef<[u8]>>(data: &Performance<T>) -> Result<WriteSpeedRepr, CdbError> {
        use field::write_speed as f;
        data.check_len()?;
        let descriptors = data
            .descriptor_chunks()
            .map(|d| WriteSpeedPerformance {
                rotation_control: (d[f::FLAGS] >> 3) & 0x03,
                restore_defaults: d[f::FLAGS] & 0x04 != 0,
                exact: d[f::FLAGS] & 0x02 != 0,
                mixed_read_write: d[f::FLAGS] & 0x01 != 0,
                end_lba: read_be(&d[f::END_LBA]),
                read_kbytes_per_second: read_be(&d[f::READ_SPEED]),
                write_kbytes_per_second: read_be(&d[f::WRITE_SPEED]),
            })
            .collect();
        Ok(WriteSpeedRepr { descriptors })
    }

    pub fn buffer_len(&self) -> usize {
        field::HEADER_END + field::DESCRIPTOR_LEN * self.descriptors.len()
    }

    /// All descriptors; the data length counts them all.
    pub fn to_vec(&self) -> Vec<u8> {
        use field::write_speed as f;
        let mut bytes = header(false, self.descriptors.len());
        for (d, s) in bytes[field::DESCRIPTORS]
            .chunks_exact_mut(field::DESCRIPTOR_LEN)
            .zip(&self.descriptors)
        {
            d[f::FLAGS] = (s.rotation_control & 0x03) << 3
                | u8::from(s.restore_defaults) << 2
                | u8::from(s.exact) << 1
                | u8::from(s.mixed_read_write);
            write_be(&mut d[f::END_LBA], s.end_lba.into());
            write_be(&mut d[f::READ_SPEED], s.read_kbytes_per_second.into());
            write_be(&mut d[f::WRITE_SPEED], s.write_kbytes_per_second.into());
        }
        bytes
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut Performance<T>) {
        let bytes = self.to_vec();
        data.buffer.as_mut()[..bytes.len()].copy_from_slice(&bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mmc::cdb::{DataDirection, GetPerformance, PerformanceRequest};
    use crate::mmc::wire::copy_truncated;

    /// Two write speeds on DVD+R: 8x (11080 kB/s) and 4x (5540), end LBA 2295103.
    static DVD_PLUS_R_SPEEDS: [u8; 40] = [
        0x00, 0x00, 0x00, 0x24, 0x00, 0x00, 0x00, 0x00, //
        0x00, 0x00, 0x00, 0x00, 0x00, 0x23, 0x05, 0x3F, 0x00, 0x00, 0x2B, 0x48, 0x00, 0x00, 0x2B, 0x48, //
        0x00, 0x00, 0x00, 0x00, 0x00, 0x23, 0x05, 0x3F, 0x00, 0x00, 0x2B, 0x48, 0x00, 0x00, 0x15, 0xA4,
    ];
    /// Nominal write performance over a whole DVD+R, 4x at the start to 8x at the end.
    static NOMINAL: [u8; 24] = [
        0x00, 0x00, 0x00, 0x14, 0x02, 0x00, 0x00, 0x00, //
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x15, 0xA4, 0x00, 0x23, 0x05, 0x3F, 0x00, 0x00, 0x2B, 0x48,
    ];

    fn speeds() -> WriteSpeedRepr {
        let speed = |write| WriteSpeedPerformance {
            rotation_control: 0,
            restore_defaults: false,
            exact: false,
            mixed_read_write: false,
            end_lba: 2_295_103,
            read_kbytes_per_second: 11080,
            write_kbytes_per_second: write,
        };
        WriteSpeedRepr {
            descriptors: vec![speed(11080), speed(5540)],
        }
    }

    #[test]
    fn deconstruct_and_construct_header() {
        let data = Performance::new_checked(&NOMINAL[..]).unwrap();
        assert_eq!(data.data_length(), 20);
        assert!(data.write() && !data.except());
        let mut bytes = [0u8; 8];
        let mut header = Performance::new_unchecked(&mut bytes[..]);
        header.set_data_length(0x24);
        assert_eq!(bytes, DVD_PLUS_R_SPEEDS[..8]);
    }

    #[test]
    fn write_speeds_parse_and_emit() {
        let repr = speeds();
        assert_eq!(
            WriteSpeedRepr::parse(&Performance::new_checked(&DVD_PLUS_R_SPEEDS[..]).unwrap()),
            Ok(repr.clone())
        );
        assert_eq!(repr.to_vec(), DVD_PLUS_R_SPEEDS);
        assert_eq!(repr.buffer_len(), 40);
    }

    #[test]
    fn nominal_parse_and_emit() {
        let repr = NominalPerformanceRepr {
            write: true,
            descriptors: vec![NominalPerformance {
                start_lba: 0,
                start_kbytes_per_second: 5540,
                end_lba: 2_295_103,
                end_kbytes_per_second: 11080,
            }],
        };
        assert_eq!(
            NominalPerformanceRepr::parse(&Performance::new_checked(&NOMINAL[..]).unwrap()),
            Ok(repr.clone())
        );
        assert_eq!(repr.to_vec(), NOMINAL);
    }

    #[test]
    fn fewer_descriptors_returned_keep_the_full_data_length() {
        // Maximum number of descriptors 1: one descriptor returned, the header still counts two.
        let cdb = GetPerformance {
            request: PerformanceRequest::WriteSpeed,
            max_descriptors: 1,
        };
        let DataDirection::In { bytes: expected } = cdb.data_direction() else {
            panic!("data-in")
        };
        let reply = speeds().to_vec();
        let returned = copy_truncated(&reply, expected as usize);
        assert_eq!(returned.len(), 24);
        let data = Performance::new_checked(returned).unwrap();
        assert_eq!(data.data_length(), 0x24);
        assert_eq!(
            WriteSpeedRepr::parse(&data).unwrap().descriptors,
            speeds().descriptors[..1]
        );
    }

    #[test]
    fn write_speed_flags() {
        let repr = WriteSpeedRepr {
            descriptors: vec![WriteSpeedPerformance {
                rotation_control: 1,
                restore_defaults: true,
                exact: true,
                mixed_read_write: true,
                ..speeds().descriptors[0]
            }],
        };
        let bytes = repr.to_vec();
        assert_eq!(bytes[8], 0x0F);
        assert_eq!(
            WriteSpeedRepr::parse(&Performance::new_checked(&bytes[..]).unwrap()),
            Ok(repr)
        );
    }
}
