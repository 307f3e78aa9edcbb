//! The extent log's record format: one 32-byte record per write of at most
//! [`MAX_RECORD_SECTORS`] sectors or per discard, each guarded by its own CRC-32
//! (`docs/media-image.md`, "extents.log").

use super::SECTOR_BYTES;
use super::file::DATA_FILE;
use crc::{CRC_32_ISO_HDLC, Crc, Table};

/// Most sectors one log record covers, so verifying a record's data reads at most 1 MiB.
pub const MAX_RECORD_SECTORS: u32 = 512;
pub(crate) const RECORD_BYTES: usize = 32;
const KIND_WRITE: u8 = 1;
const KIND_DISCARD: u8 = 2;

/// CRC-32 (ISO-HDLC, as zlib/PNG), 16-way sliced: the write path checksums every sector.
pub(crate) static CRC32: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&CRC_32_ISO_HDLC);

/// One extent-log record (little-endian, 32 bytes): kind u8, 3 zero bytes, lba u32, count u32,
/// data offset u64, data crc32 u32, 4 zero bytes, crc32 of bytes 0..28.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Record {
    Write {
        lba: u32,
        count: u32,
        data_offset: u64,
        data_crc: u32,
    },
    Discard {
        lba: u32,
        count: u32,
    },
}

impl Record {
    pub(crate) fn encode(&self) -> [u8; RECORD_BYTES] {
        let mut b = [0u8; RECORD_BYTES];
        let (kind, lba, count, offset, crc) = match *self {
            Record::Write {
                lba,
                count,
                data_offset,
                data_crc,
            } => (KIND_WRITE, lba, count, data_offset, data_crc),
            Record::Discard { lba, count } => (KIND_DISCARD, lba, count, 0, 0),
        };
        b[0] = kind;
        b[4..8].copy_from_slice(&lba.to_le_bytes());
        b[8..12].copy_from_slice(&count.to_le_bytes());
        b[12..20].copy_from_slice(&offset.to_le_bytes());
        b[20..24].copy_from_slice(&crc.to_le_bytes());
        let own = CRC32.checksum(&b[..28]);
        b[28..32].copy_from_slice(&own.to_le_bytes());
        b
    }

    /// Decode and check one record against the committed data length; `Err` says what is wrong.
    pub(crate) fn decode(b: &[u8], data_bytes: u64) -> Result<Record, String> {
        let u32_at = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        if CRC32.checksum(&b[..28]) != u32_at(28) {
            return Err("record checksum mismatch".into());
        }
        let (lba, count) = (u32_at(4), u32_at(8));
        let data_offset = u64::from_le_bytes(b[12..20].try_into().unwrap());
        if u64::from(lba) + u64::from(count) > u64::from(u32::MAX) || count == 0 {
            return Err(format!(
                "record covers LBA {lba} + {count} sectors, which is not a valid run"
            ));
        }
        match b[0] {
            KIND_WRITE => {
                let end = data_offset.checked_add(u64::from(count) * SECTOR_BYTES as u64);
                if count > MAX_RECORD_SECTORS || !data_offset.is_multiple_of(SECTOR_BYTES as u64) {
                    return Err(format!(
                        "write record of {count} sectors at data offset {data_offset} is malformed"
                    ));
                }
                if end.is_none_or(|end| end > data_bytes) {
                    return Err(format!(
                        "write record points at data offset {data_offset} + {count} sectors, past the committed {data_bytes} bytes of {DATA_FILE}"
                    ));
                }
                Ok(Record::Write {
                    lba,
                    count,
                    data_offset,
                    data_crc: u32_at(20),
                })
            }
            KIND_DISCARD => Ok(Record::Discard { lba, count }),
            kind => Err(format!("unknown record kind {kind}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_round_trips_and_detects_a_flipped_bit() {
        let r = Record::Write {
            lba: 7,
            count: 3,
            data_offset: 4096,
            data_crc: 0xDEADBEEF,
        };
        let mut b = r.encode();
        assert_eq!(Record::decode(&b, 4096 + 3 * 2048), Ok(r));
        assert!(Record::decode(&b, 4096).unwrap_err().contains("past the committed"));
        b[5] ^= 0x10;
        assert_eq!(Record::decode(&b, u64::MAX).unwrap_err(), "record checksum mismatch");
    }
}
