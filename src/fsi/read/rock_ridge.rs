//! Rock Ridge, read side (SUSP 1.12 / RRIP 1.12, udf-iso.md §1.9): the names (NM), relocation
//! marks (RE, CL) and continuation areas (CE) of a directory record's system use area.

use super::block::{BLOCK, BlockReader};
use crate::fsi::iso9660::encoding::read_le;
use crate::hresult::ImapiResult;

/// Most continuation areas followed for one record (Linux: `RR_MAX_CE_ENTRIES` 32).
const MAX_CONTINUATIONS: usize = 32;

/// What a record's system use says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RockRidge {
    /// The NM name, pieces joined; `None` without NM (or with the CURRENT/PARENT flags).
    pub name: Option<Vec<u8>>,
    /// RE: a relocated directory, listed at its CL placeholder instead.
    pub relocated: bool,
    /// CL: this file record stands for the directory at this LBA.
    pub child_link: Option<u32>,
}

/// SP in the root's `.` record (at 0, or at 14 after a CD-XA record): Rock Ridge is in use, and
/// every system use area skips `LEN_SKP` bytes.
pub fn detect(root_system_use: &[u8]) -> Option<usize> {
    [0usize, 14].into_iter().find_map(|at| {
        let e = root_system_use.get(at..at + 7)?;
        (&e[..2] == b"SP" && e[2] == 7 && e[4] == 0xBE && e[5] == 0xEF).then_some(usize::from(e[6]))
    })
}

/// Parses the SUSP entries of `area` (after `skip` bytes) and of the continuation areas it names.
/// Malformed entries end the parse; nothing here fails except reading a continuation block
/// that `in_bounds` accepts.
pub fn parse(
    reader: &mut dyn BlockReader,
    area: &[u8],
    skip: usize,
    in_bounds: &dyn Fn(u32) -> bool,
) -> ImapiResult<RockRidge> {
    let mut rr = RockRidge::default();
    let mut name: Vec<u8> = Vec::new();
    let mut has_name = false;
    let mut current: Vec<u8> = area.get(skip..).unwrap_or(&[]).to_vec();
    let mut hops = 0;
    loop {
        let mut continuation = None;
        let mut at = 0;
        while at + 4 <= current.len() {
            let (sig, len) = (&current[at..at + 2], usize::from(current[at + 2]));
            if len < 4 || at + len > current.len() {
                break;
            }
            let body = &current[at + 4..at + len];
            match sig {
                b"NM" if !body.is_empty() => {
                    let flags = body[0];
                    // CURRENT (bit 1) and PARENT (bit 2) name `.`/`..`; HOST (bit 5) has no name.
                    if flags & 0x26 == 0 {
                        name.extend_from_slice(&body[1..]);
                        has_name = true;
                    }
                }
                b"RE" => rr.relocated = true,
                b"CL" if body.len() >= 8 => rr.child_link = Some(read_le(&body[..4])),
                b"CE" if body.len() >= 24 => {
                    continuation = Some((read_le(&body[..4]), read_le(&body[8..12]), read_le(&body[16..20])))
                }
                b"ST" => break,
                _ => {}
            }
            at += len;
        }
        let Some((block, offset, length)) = continuation else {
            break;
        };
        hops += 1;
        let (offset, length) = (offset as usize, length as usize);
        if hops > MAX_CONTINUATIONS || offset + length > BLOCK || !in_bounds(block) {
            break;
        }
        let mut buf = vec![0u8; BLOCK];
        reader.read_blocks(block, &mut buf)?;
        current = buf[offset..offset + length].to_vec();
    }
    if has_name {
        rr.name = Some(name);
    }
    Ok(rr)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoBlocks;
    impl BlockReader for NoBlocks {
        fn read_blocks(&mut self, lba: u32, _: &mut [u8]) -> ImapiResult<()> {
            Err(crate::hresult::ImapiError::with(
                crate::hresult::HResult::IMAPI_E_IMPORT_READ_FAILURE,
                [lba.to_string()],
            ))
        }
        fn block_count(&self) -> Option<u64> {
            Some(0)
        }
    }

    #[test]
    fn sp_is_found_at_zero_or_fourteen() {
        assert_eq!(detect(b"SP\x07\x01\xBE\xEF\x00"), Some(0));
        let mut xa = vec![0u8; 14];
        xa.extend_from_slice(b"SP\x07\x01\xBE\xEF\x03");
        assert_eq!(detect(&xa), Some(3));
        assert_eq!(detect(b"PX"), None);
    }

    #[test]
    fn nm_pieces_join_and_re_cl_are_seen() {
        let mut area = Vec::new();
        area.extend_from_slice(b"NM\x08\x01\x01abc");
        area.extend_from_slice(b"NM\x07\x01\x00de");
        area.extend_from_slice(b"RE\x04\x01");
        area.extend_from_slice(b"CL\x0C\x01\x2A\x00\x00\x00\x00\x00\x00\x2A");
        let rr = parse(&mut NoBlocks, &area, 0, &|_| true).unwrap();
        assert_eq!(rr.name.as_deref(), Some(&b"abcde"[..]));
        assert!(rr.relocated);
        assert_eq!(rr.child_link, Some(42));
    }

    #[test]
    fn truncated_entries_stop_the_parse() {
        let rr = parse(&mut NoBlocks, b"NM\xFF\x01\x00x", 0, &|_| true).unwrap();
        assert_eq!(rr, RockRidge::default());
        let rr = parse(&mut NoBlocks, b"NM\x02", 0, &|_| true).unwrap();
        assert_eq!(rr, RockRidge::default());
    }
}
