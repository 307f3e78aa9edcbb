//! ISO 9660 field encodings (udf-iso.md §1.1): little-, big- and both-endian numbers, the 7-byte
//! directory date, the 17-byte volume date, and space-padded text fields (a-/d-characters, or
//! UCS-2 big-endian in a Joliet descriptor).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A byte range of a structure.
pub type Field = core::ops::Range<usize>;

pub fn read_le(bytes: &[u8]) -> u32 {
    bytes.iter().rev().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
}

pub fn read_be(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
}

pub fn write_le(bytes: &mut [u8], value: u32) {
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = (value >> (8 * i)) as u8;
    }
}

pub fn write_be(bytes: &mut [u8], value: u32) {
    let n = bytes.len();
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = (value >> (8 * (n - 1 - i))) as u8;
    }
}

/// 7.2.3 / 7.3.3: the little-endian copy, then the big-endian copy of the same number.
pub fn write_both(bytes: &mut [u8], value: u32) {
    let half = bytes.len() / 2;
    write_le(&mut bytes[..half], value);
    write_be(&mut bytes[half..], value);
}

/// A both-endian field: `Some` when both copies agree (readers should reject a disagreement).
pub fn read_both(bytes: &[u8]) -> Option<u32> {
    let half = bytes.len() / 2;
    let le = read_le(&bytes[..half]);
    (le == read_be(&bytes[half..])).then_some(le)
}

/// Calendar fields of a time, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub centisecond: u32,
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// (year, month, day) → days since 1970-01-01.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Civil {
    pub fn of(time: SystemTime) -> Civil {
        let (seconds, nanos) = match time.duration_since(UNIX_EPOCH) {
            Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
            Err(e) => {
                let d = e.duration();
                let mut s = -(d.as_secs() as i64);
                let mut n = d.subsec_nanos();
                if n > 0 {
                    s -= 1;
                    n = 1_000_000_000 - n;
                }
                (s, n)
            }
        };
        let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
        let rem = seconds.rem_euclid(86_400) as u32;
        Civil {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: rem / 60 % 60,
            second: rem % 60,
            centisecond: nanos / 10_000_000,
        }
    }

    /// The instant, taking the fields as UTC.
    pub fn to_system_time(self) -> SystemTime {
        let seconds = days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        let extra = Duration::from_millis(u64::from(self.centisecond) * 10);
        if seconds >= 0 {
            UNIX_EPOCH + Duration::from_secs(seconds as u64) + extra
        } else {
            UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs()) + extra
        }
    }
}

/// 9.1.5 directory-record date: years since 1900, month, day, hour, minute, second, GMT offset
/// (we record UTC, offset 0). Times outside 1900–2155 are clamped to the nearest end.
pub fn dir_date(time: SystemTime) -> [u8; 7] {
    let c = Civil::of(time);
    if c.year < 1900 {
        return [0, 1, 1, 0, 0, 0, 0];
    }
    if c.year > 2155 {
        return [255, 12, 31, 23, 59, 59, 0];
    }
    [
        (c.year - 1900) as u8,
        c.month as u8,
        c.day as u8,
        c.hour as u8,
        c.minute as u8,
        c.second as u8,
        0,
    ]
}

/// Reads a directory-record date (applying its GMT offset); `None` for "not specified" or
/// impossible fields.
pub fn read_dir_date(bytes: &[u8]) -> Option<SystemTime> {
    if bytes.iter().all(|&b| b == 0) {
        return None;
    }
    let (month, day, hour, minute, second) = (
        u32::from(bytes[1]),
        u32::from(bytes[2]),
        u32::from(bytes[3]),
        u32::from(bytes[4]),
        u32::from(bytes[5]),
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let civil = Civil {
        year: 1900 + i64::from(bytes[0]),
        month,
        day,
        hour,
        minute,
        second,
        centisecond: 0,
    };
    let offset_minutes = i64::from(bytes[6] as i8) * 15;
    let local = civil.to_system_time();
    Some(if offset_minutes >= 0 {
        local - Duration::from_secs(offset_minutes as u64 * 60)
    } else {
        local + Duration::from_secs(offset_minutes.unsigned_abs() * 60)
    })
}

/// 8.4.26.1 volume date: `YYYYMMDDhhmmsscc` in ASCII digits and a GMT offset byte (0: UTC).
pub fn dec_date(time: SystemTime) -> [u8; 17] {
    let c = Civil::of(time);
    let year = c.year.clamp(1, 9999);
    let text = format!(
        "{year:04}{:02}{:02}{:02}{:02}{:02}{:02}",
        c.month, c.day, c.hour, c.minute, c.second, c.centisecond
    );
    let mut out = [0u8; 17];
    out[..16].copy_from_slice(text.as_bytes());
    out
}

/// 8.4.26.1 "not specified": sixteen `'0'` digits and offset 0.
pub const DEC_DATE_UNSPECIFIED: [u8; 17] = *b"0000000000000000\0";

/// Fills `field` with `text` (ASCII) padded with spaces.
pub fn put_text(field: &mut [u8], text: &str) {
    field.fill(b' ');
    for (slot, b) in field.iter_mut().zip(text.bytes()) {
        *slot = b;
    }
}

/// Fills `field` with `text` as UCS-2 big-endian padded with UCS-2 spaces (`00 20`); an odd last
/// byte is 0 (libisofs' `ucsncpy_pad`, udf-iso.md §1.3).
pub fn put_ucs2_text(field: &mut [u8], text: &str) {
    let units: Vec<u16> = text.encode_utf16().collect();
    for (i, pair) in field.chunks_mut(2).enumerate() {
        if pair.len() == 2 {
            let unit = units.get(i).copied().unwrap_or(0x20);
            pair.copy_from_slice(&unit.to_be_bytes());
        } else {
            pair[0] = 0;
        }
    }
}

/// A text field read back: ASCII with the padding spaces removed.
pub fn get_text(field: &[u8]) -> String {
    String::from_utf8_lossy(field).trim_end_matches([' ', '\0']).to_string()
}

/// A UCS-2 big-endian text field read back, padding removed.
pub fn get_ucs2_text(field: &[u8]) -> String {
    let units: Vec<u16> = field
        .chunks_exact(2)
        .map(|p| u16::from_be_bytes([p[0], p[1]]))
        .collect();
    String::from_utf16_lossy(&units)
        .trim_end_matches([' ', '\0'])
        .to_string()
}

/// UCS-2 big-endian bytes of `text` (UTF-16 for characters beyond the BMP).
pub fn ucs2_bytes(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_endian_layout() {
        let mut b = [0u8; 8];
        write_both(&mut b, 0x0102_0304);
        assert_eq!(b, [4, 3, 2, 1, 1, 2, 3, 4]);
        assert_eq!(read_both(&b), Some(0x0102_0304));
        b[7] = 9;
        assert_eq!(read_both(&b), None);
        let mut s = [0u8; 4];
        write_both(&mut s, 2048);
        assert_eq!(s, [0x00, 0x08, 0x08, 0x00]);
    }

    #[test]
    fn dates_round_trip() {
        let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000); // 2023-11-14 22:13:20 UTC
        assert_eq!(dir_date(t), [123, 11, 14, 22, 13, 20, 0]);
        assert_eq!(&dec_date(t)[..16], b"2023111422132000");
        assert_eq!(read_dir_date(&dir_date(t)), Some(t));
        // +1 hour offset (4 × 15 minutes): the same digits mean one hour earlier in UTC.
        let mut plus_one = dir_date(t);
        plus_one[6] = 4;
        assert_eq!(read_dir_date(&plus_one), Some(t - Duration::from_secs(3600)));
        assert_eq!(read_dir_date(&[0; 7]), None);
        assert_eq!(Civil::of(UNIX_EPOCH - Duration::from_secs(1)).year, 1969);
        assert_eq!(
            dir_date(UNIX_EPOCH - Duration::from_secs(100 * 365 * 86_400)),
            [0, 1, 1, 0, 0, 0, 0]
        );
    }

    #[test]
    fn text_fields() {
        let mut f = [0u8; 8];
        put_text(&mut f, "CD");
        assert_eq!(&f, b"CD      ");
        assert_eq!(get_text(&f), "CD");
        let mut u = [0u8; 7];
        put_ucs2_text(&mut u, "é");
        assert_eq!(u, [0x00, 0xE9, 0x00, 0x20, 0x00, 0x20, 0x00]);
        assert_eq!(get_ucs2_text(&u[..6]), "é");
    }
}
