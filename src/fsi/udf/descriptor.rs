//! UDF building blocks (udf-iso.md §2.1): descriptor tags with checksum and CRC, OSTA CS0 strings,
//! timestamps, entity identifiers and the little-endian field helpers.

use crate::fsi::iso9660::encoding::Civil;
use std::time::SystemTime;

pub const TAG_PVD: u16 = 1;
pub const TAG_AVDP: u16 = 2;
pub const TAG_VDP: u16 = 3;
pub const TAG_IUVD: u16 = 4;
pub const TAG_PD: u16 = 5;
pub const TAG_LVD: u16 = 6;
pub const TAG_USD: u16 = 7;
pub const TAG_TD: u16 = 8;
pub const TAG_LVID: u16 = 9;
pub const TAG_FSD: u16 = 0x100;
pub const TAG_FID: u16 = 0x101;
pub const TAG_AED: u16 = 0x102;
pub const TAG_FE: u16 = 0x105;
pub const TAG_EFE: u16 = 0x10A;

/// FID file characteristics (udf-iso.md §2.8).
pub const FID_HIDDEN: u8 = 1;
pub const FID_DIRECTORY: u8 = 2;
pub const FID_DELETED: u8 = 4;
pub const FID_PARENT: u8 = 8;

/// Longest extent one allocation descriptor records, block-aligned (udf-iso.md §2.1).
pub const MAX_AD_BYTES: u64 = 0x3FFF_F800;

pub fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

pub fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

pub fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

pub fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

pub fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

pub fn put_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// CRC-ITU-T (polynomial 0x1021, initial 0, no reflection): `"123456789"` → 0x31C3.
pub fn crc16(bytes: &[u8]) -> u16 {
    let mut crc = 0u16;
    for &b in bytes {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// Tag checksum: bytes 0–3 and 5–15 summed mod 256.
pub fn tag_checksum(tag: &[u8]) -> u8 {
    tag[..16]
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != 4)
        .fold(0u8, |s, (_, &b)| s.wrapping_add(b))
}

/// Fills the 16-byte tag at the start of `desc` (whose first `16 + crc_len` bytes are final):
/// identifier, version, location, CRC over `crc_len` bytes after the tag, then the checksum.
pub fn finish_tag(desc: &mut [u8], ident: u16, version: u16, location: u32, crc_len: usize) {
    put_u16(desc, 0, ident);
    put_u16(desc, 2, version);
    desc[4] = 0;
    desc[5] = 0;
    put_u16(desc, 6, 0);
    let crc = crc16(&desc[16..16 + crc_len]);
    put_u16(desc, 8, crc);
    put_u16(desc, 10, crc_len as u16);
    put_u32(desc, 12, location);
    desc[4] = tag_checksum(desc);
}

/// A tag as read: identifier, location, CRC length; `None` when the checksum, the reserved byte,
/// the version (2 or 3) or the CRC is wrong (a CRC reaching past `desc` is wrong as well).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    pub ident: u16,
    pub version: u16,
    pub location: u32,
    pub crc_len: usize,
}

pub fn check_tag(desc: &[u8]) -> Option<Tag> {
    if desc.len() < 16 || desc[5] != 0 || tag_checksum(desc) != desc[4] {
        return None;
    }
    let version = u16_at(desc, 2);
    if version != 2 && version != 3 {
        return None;
    }
    let crc_len = usize::from(u16_at(desc, 10));
    if 16 + crc_len > desc.len() || crc16(&desc[16..16 + crc_len]) != u16_at(desc, 8) {
        return None;
    }
    Some(Tag {
        ident: u16_at(desc, 0),
        version,
        location: u32_at(desc, 12),
        crc_len,
    })
}

/// Whether `desc` is an anchor volume descriptor pointer whose tag records `lba`: readers take an
/// anchor only where its tag says it is (udf-iso.md §2.3, §4.7).
pub fn is_anchor_at(desc: &[u8], lba: u32) -> bool {
    check_tag(desc).is_some_and(|tag| tag.ident == TAG_AVDP && tag.location == lba)
}

/// Makes the descriptor in `desc` one recorded at `lba`: its tag location changes and the checksum
/// follows. The CRC covers only the bytes after the tag, so it stays (ECMA-167 3/7.2).
pub fn relocate_tag(desc: &mut [u8], lba: u32) {
    put_u32(desc, 12, lba);
    desc[4] = tag_checksum(desc);
}

/// OSTA CS0 compressed Unicode: 8 (one byte per character) when every character is ≤ U+00FF,
/// else 16 (UTF-16BE).
pub fn cs0_encode(text: &str) -> Vec<u8> {
    if text.chars().all(|c| (c as u32) <= 0xFF) {
        let mut out = vec![8u8];
        out.extend(text.chars().map(|c| c as u8));
        out
    } else {
        let mut out = vec![16u8];
        for unit in text.encode_utf16() {
            out.extend_from_slice(&unit.to_be_bytes());
        }
        out
    }
}

/// Decodes CS0 (compression id 8 or 16; 254/255, the deleted-name forms of UDF 2.60, alike);
/// `None` for another id or an odd UTF-16 length.
pub fn cs0_decode(bytes: &[u8]) -> Option<String> {
    let (&id, rest) = bytes.split_first()?;
    match id {
        8 | 254 => Some(rest.iter().map(|&b| b as char).collect()),
        16 | 255 => {
            if rest.len() % 2 != 0 {
                return None;
            }
            let units: Vec<u16> = rest.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            Some(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}

/// A fixed-size dstring: CS0 bytes, zero padding, the used length in the last byte. Text too
/// long for the field is cut at a character boundary.
pub fn put_dstring(field: &mut [u8], text: &str) {
    field.fill(0);
    if text.is_empty() {
        return;
    }
    let n = field.len();
    let mut chars: Vec<char> = text.chars().collect();
    let mut bytes = cs0_encode(&text.chars().collect::<String>());
    while bytes.len() > n - 1 {
        chars.pop();
        bytes = cs0_encode(&chars.iter().collect::<String>());
    }
    field[..bytes.len()].copy_from_slice(&bytes);
    field[n - 1] = bytes.len() as u8;
}

/// The text of a dstring ("" when empty or malformed).
pub fn get_dstring(field: &[u8]) -> String {
    let Some(&used) = field.last() else {
        return String::new();
    };
    let used = usize::from(used).min(field.len() - 1);
    if used == 0 {
        return String::new();
    }
    cs0_decode(&field[..used]).unwrap_or_default()
}

/// The CS0 charspec: type 0, "OSTA Compressed Unicode".
pub fn put_cs0_charspec(field: &mut [u8]) {
    field[..64].fill(0);
    field[1..24].copy_from_slice(b"OSTA Compressed Unicode");
}

/// An entity identifier: flags 0, the identifier (no terminator) and the 8-byte suffix.
pub fn put_regid(field: &mut [u8], ident: &[u8], suffix: &[u8]) {
    field[..32].fill(0);
    field[1..1 + ident.len()].copy_from_slice(ident);
    field[24..24 + suffix.len()].copy_from_slice(suffix);
}

/// 12-byte timestamp, UTC (type 1, offset 0: `0x1000`); years clamped to 1–9999.
pub fn put_timestamp(field: &mut [u8], time: SystemTime) {
    let c = Civil::of(time);
    let (year, month, day, hour, minute, second, cs) = if c.year < 1 {
        (1, 1, 1, 0, 0, 0, 0)
    } else if c.year > 9999 {
        (9999, 12, 31, 23, 59, 59, 99)
    } else {
        (c.year as u16, c.month, c.day, c.hour, c.minute, c.second, c.centisecond)
    };
    put_u16(field, 0, 0x1000);
    put_u16(field, 2, year);
    field[4] = month as u8;
    field[5] = day as u8;
    field[6] = hour as u8;
    field[7] = minute as u8;
    field[8] = second as u8;
    field[9] = cs as u8;
    field[10] = 0;
    field[11] = 0;
}

/// The instant of a timestamp (its time-zone offset applied when one is given); `None` when a
/// field is out of range.
pub fn get_timestamp(field: &[u8]) -> Option<SystemTime> {
    let tz = u16_at(field, 0);
    let year = u16_at(field, 2);
    let (month, day, hour, minute, second, cs) = (field[4], field[5], field[6], field[7], field[8], field[9]);
    if year == 0 || !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let civil = Civil {
        year: i64::from(year),
        month: u32::from(month),
        day: u32::from(day),
        hour: u32::from(hour),
        minute: u32::from(minute),
        second: u32::from(second.min(59)),
        centisecond: u32::from(cs.min(99)),
    };
    let t = civil.to_system_time();
    let offset = i32::from((tz & 0x0FFF) as i16) << 4 >> 4;
    if tz >> 12 == 1 && offset != -2047 && (-1440..=1440).contains(&offset) {
        let d = std::time::Duration::from_secs(u64::from(offset.unsigned_abs()) * 60);
        return if offset > 0 { t.checked_sub(d) } else { t.checked_add(d) };
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_test_vector() {
        assert_eq!(crc16(b"123456789"), 0x31C3);
    }

    #[test]
    fn tags_round_trip() {
        let mut d = vec![0u8; 512];
        d[20] = 9;
        finish_tag(&mut d, TAG_AVDP, 2, 256, 496);
        let tag = check_tag(&d).unwrap();
        assert_eq!((tag.ident, tag.location, tag.crc_len), (2, 256, 496));
        d[30] = 1;
        assert!(check_tag(&d).is_none());
    }

    #[test]
    fn dstrings_record_their_length() {
        let mut f = [0u8; 32];
        put_dstring(&mut f, "L");
        assert_eq!((f[0], f[1], f[31]), (8, b'L', 2));
        assert_eq!(get_dstring(&f), "L");
        put_dstring(&mut f, "日本語のボリューム名前です長い");
        assert_eq!(f[0], 16);
        assert_eq!(f[31], 31);
        assert_eq!(get_dstring(&f).chars().count(), 15);
    }

    #[test]
    fn timestamps_round_trip() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        let mut f = [0u8; 12];
        put_timestamp(&mut f, t);
        assert_eq!(get_timestamp(&f), Some(t));
    }
}
