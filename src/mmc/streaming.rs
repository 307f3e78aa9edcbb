//! The SET STREAMING (B6h) performance descriptor, type 00h: 28 bytes (mmc.md §1.5; layout as
//! libburn `mmc_set_streaming` fills it).
//!
//! Byte 0 WRC b4-3, RDD b2, Exact b1, RA b0; 4–7 start LBA; 8–11 end LBA; 12–15 read size (kB);
//! 16–19 read time (ms); 20–23 write size (kB); 24–27 write time (ms). Speeds are size / time.

use super::wire::{CdbError, Field, accessors, impl_to_vec, view};

mod field {
    use super::Field;

    /// WRC b4-3, RDD b2, Exact b1, RA b0.
    pub const FLAGS: usize = 0;
    pub const START_LBA: Field = 4..8;
    pub const END_LBA: Field = 8..12;
    pub const READ_SIZE: Field = 12..16;
    pub const READ_TIME: Field = 16..20;
    pub const WRITE_SIZE: Field = 20..24;
    pub const WRITE_TIME: Field = 24..28;
    pub const END: usize = 28;
}

view!(
    /// SET STREAMING performance descriptor.
    StreamingPerformance,
    min_len = field::END
);
accessors!(StreamingPerformance {
    bits write_rotation_control / set_write_rotation_control: u8 = field::FLAGS, 0x18;
    bit restore_defaults / set_restore_defaults: bool = field::FLAGS, 0x04;
    bit exact / set_exact: bool = field::FLAGS, 0x02;
    bit random_access / set_random_access: bool = field::FLAGS, 0x01;
    be start_lba / set_start_lba: u32 = field::START_LBA;
    be end_lba / set_end_lba: u32 = field::END_LBA;
    be read_size_kbytes / set_read_size_kbytes: u32 = field::READ_SIZE;
    be read_time_ms / set_read_time_ms: u32 = field::READ_TIME;
    be write_size_kbytes / set_write_size_kbytes: u32 = field::WRITE_SIZE;
    be write_time_ms / set_write_time_ms: u32 = field::WRITE_TIME;
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamingPerformanceRepr {
    pub write_rotation_control: u8,
    /// RDD: return to the drive's defaults; the other fields are then ignored.
    pub restore_defaults: bool,
    pub exact: bool,
    pub random_access: bool,
    pub start_lba: u32,
    pub end_lba: u32,
    pub read_size_kbytes: u32,
    pub read_time_ms: u32,
    pub write_size_kbytes: u32,
    pub write_time_ms: u32,
}

impl StreamingPerformanceRepr {
    /// libburn's form: sizes in kB over 1000 ms, i.e. speeds in kB/s, from LBA 0 to `end_lba`.
    pub fn speeds(end_lba: u32, read_kbytes_per_second: u32, write_kbytes_per_second: u32) -> StreamingPerformanceRepr {
        StreamingPerformanceRepr {
            write_rotation_control: 0,
            restore_defaults: false,
            exact: false,
            random_access: false,
            start_lba: 0,
            end_lba,
            read_size_kbytes: read_kbytes_per_second,
            read_time_ms: 1000,
            write_size_kbytes: write_kbytes_per_second,
            write_time_ms: 1000,
        }
    }

    /// Write speed in kB/s (0 when the time is 0).
    pub fn write_kbytes_per_second(&self) -> u64 {
        match self.write_time_ms {
            0 => 0,
            time => u64::from(self.write_size_kbytes) * 1000 / u64::from(time),
        }
    }

    /// Parses the descriptor: a list shorter than 28 bytes is 5/1A/00; unless RDD is set, an end
    /// before the start or a zero time is 5/26/00 at that field (spec, verify).
    pub fn parse<T: AsRef<[u8]>>(data: &StreamingPerformance<T>) -> Result<StreamingPerformanceRepr, CdbError> {
        data.check_len()?;
        let repr = StreamingPerformanceRepr {
            write_rotation_control: data.write_rotation_control(),
            restore_defaults: data.restore_defaults(),
            exact: data.exact(),
            random_access: data.random_access(),
            start_lba: data.start_lba(),
            end_lba: data.end_lba(),
            read_size_kbytes: data.read_size_kbytes(),
            read_time_ms: data.read_time_ms(),
            write_size_kbytes: data.write_size_kbytes(),
            write_time_ms: data.write_time_ms(),
        };
        if !repr.restore_defaults {
            let invalid = |field: Field| Err(CdbError::invalid_field_in_parameter_list(field.start as u16, None));
            if repr.end_lba < repr.start_lba {
                return invalid(field::END_LBA);
            }
            if repr.read_time_ms == 0 {
                return invalid(field::READ_TIME);
            }
            if repr.write_time_ms == 0 {
                return invalid(field::WRITE_TIME);
            }
        }
        Ok(repr)
    }

    pub fn buffer_len(&self) -> usize {
        field::END
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, data: &mut StreamingPerformance<T>) {
        data.buffer.as_mut()[..field::END].fill(0);
        data.set_write_rotation_control(self.write_rotation_control);
        data.set_restore_defaults(self.restore_defaults);
        data.set_exact(self.exact);
        data.set_random_access(self.random_access);
        data.set_start_lba(self.start_lba);
        data.set_end_lba(self.end_lba);
        data.set_read_size_kbytes(self.read_size_kbytes);
        data.set_read_time_ms(self.read_time_ms);
        data.set_write_size_kbytes(self.write_size_kbytes);
        data.set_write_time_ms(self.write_time_ms);
    }
}
impl_to_vec!(StreamingPerformanceRepr, StreamingPerformance);

#[cfg(test)]
mod tests {
    use super::*;

    /// libburn on a 4.7 GB DVD: end LBA 2294920 (its default), read 0x10000000 ("~2 TB/s"),
    /// write 11080 kB/s, both over 1000 ms.
    static LIBBURN_DVD: [u8; 28] = [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
        0x00, 0x23, 0x04, 0x88, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xE8, //
        0x00, 0x00, 0x2B, 0x48, 0x00, 0x00, 0x03, 0xE8,
    ];

    #[test]
    fn deconstruct() {
        let data = StreamingPerformance::new_checked(&LIBBURN_DVD[..]).unwrap();
        assert_eq!(data.end_lba(), 2_294_920);
        assert_eq!(data.read_size_kbytes(), 0x1000_0000);
        assert_eq!(data.write_size_kbytes(), 11080);
        assert_eq!(data.write_time_ms(), 1000);
    }

    #[test]
    fn construct() {
        let mut bytes = [0u8; 28];
        let mut data = StreamingPerformance::new_unchecked(&mut bytes[..]);
        data.set_end_lba(2_294_920);
        data.set_read_size_kbytes(0x1000_0000);
        data.set_read_time_ms(1000);
        data.set_write_size_kbytes(11080);
        data.set_write_time_ms(1000);
        assert_eq!(bytes, LIBBURN_DVD);
    }

    #[test]
    fn parse_and_emit() {
        let repr = StreamingPerformanceRepr::speeds(2_294_920, 0x1000_0000, 11080);
        assert_eq!(
            StreamingPerformanceRepr::parse(&StreamingPerformance::new_checked(&LIBBURN_DVD[..]).unwrap()),
            Ok(repr)
        );
        assert_eq!(repr.to_vec(), LIBBURN_DVD);
        assert_eq!(repr.write_kbytes_per_second(), 11080);
    }

    #[test]
    fn checks_point_into_the_parameter_list() {
        let mut bytes = LIBBURN_DVD;
        bytes[27] = 0;
        bytes[26] = 0;
        assert_eq!(
            StreamingPerformanceRepr::parse(&StreamingPerformance::new_checked(&bytes[..]).unwrap()),
            Err(CdbError::invalid_field_in_parameter_list(24, None))
        );
        let mut bytes = LIBBURN_DVD;
        bytes[7] = 0xFF;
        bytes[6] = 0xFF;
        bytes[5] = 0xFF;
        assert_eq!(
            StreamingPerformanceRepr::parse(&StreamingPerformance::new_checked(&bytes[..]).unwrap()),
            Err(CdbError::invalid_field_in_parameter_list(8, None))
        );
        assert_eq!(
            StreamingPerformance::new_checked(&LIBBURN_DVD[..27]).unwrap_err(),
            CdbError::parameter_list_length()
        );
        // RDD makes the rest irrelevant.
        let defaults = [0x04u8; 1].iter().copied().chain([0u8; 27]).collect::<Vec<_>>();
        assert!(
            StreamingPerformanceRepr::parse(&StreamingPerformance::new_checked(&defaults[..]).unwrap())
                .unwrap()
                .restore_defaults
        );
    }
}
