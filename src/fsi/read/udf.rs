//! Reading a UDF tree (udf-iso.md §4.7): anchor → volume descriptor sequence (main, then
//! reserve) → partition descriptors and logical volume with type-1 maps → file set descriptor →
//! root ICB → directories (FIDs) → (extended) file entries with short, long or embedded
//! allocation descriptors. Revisions 1.02–2.60 with type-1 partition maps and metadata partitions
//! (the Metadata File's entry read from the physical partition, its mirror when the main one is
//! unusable, udf-iso.md §2.11); virtual (VAT) and sparable partitions are
//! IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED.
//!
//! The input is untrusted: every descriptor's tag (checksum, CRC, location) is checked, every
//! extent is checked against its partition and the medium before it is read, each directory ICB
//! is read once (a loop is an error, not a hang), and sizes, counts and chains are bounded.

use super::block::{BLOCK, BlockReader};
use super::identify::scan_volume_descriptors;
use super::imported::{Extent, ImportedItem, ImportedTree};
use super::iso::{MAX_DEPTH, MAX_DIRECTORY_BYTES, MAX_ITEMS};
use super::udf_partition::{AccessType, Partition, PhysicalPartition};
use crate::fsi::options::FileSystems;
use crate::fsi::udf::descriptor::*;
use crate::fsi::udf::metadata::{METADATA_PARTITION_ID, MetadataMap, type2_ident};
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::collections::HashSet;
use std::time::SystemTime;

/// Most volume descriptors read from one sequence, VDP hops included (Linux follows 64 VDPs).
const MAX_VDS_BLOCKS: u32 = 256;
/// Most allocation extent descriptors followed for one file.
const MAX_AED: usize = 1024;
/// Most extents of one file.
const MAX_EXTENTS: usize = 65_536;

fn inconsistent(detail: impl Into<String>) -> ImapiError {
    ImapiError::with(
        HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR,
        ["UDF".to_string(), detail.into()],
    )
}

fn unsupported(detail: impl Into<String>) -> ImapiError {
    ImapiError::with(
        HResult::IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED,
        ["UDF".to_string(), detail.into()],
    )
}

/// ICB file types the reader knows (udf-iso.md §2.7).
const FILE_TYPE_UNSPECIFIED: u8 = 0;
const FILE_TYPE_DIRECTORY: u8 = 4;
const FILE_TYPE_REGULAR: u8 = 5;
const FILE_TYPE_METADATA: u8 = 250;
const FILE_TYPE_METADATA_MIRROR: u8 = 251;

/// Where an ICB or an extent is: partition reference and block within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct LbAddr {
    block: u32,
    part: u16,
}

/// What the descriptors of a volume give.
#[derive(Debug, Clone)]
pub struct UdfVolume {
    /// The logical volume identifier (what systems show as the name).
    pub name: String,
    /// Highest descriptor tag version seen: 2 (NSR02) or 3 (NSR03).
    pub tag_version: u16,
    /// Domain revision from the LVD (0x102 …), when recorded.
    pub revision: u16,
    /// The partition of the first type-1 map (which a metadata partition, if any, lies in).
    pub physical_partition: PhysicalPartition,
    /// The volume keeps its directories in a metadata partition (UDF 2.50 and later).
    pub has_metadata_partition: bool,
    partitions: Vec<Partition>,
    fsd: LbAddr,
}

/// A parsed (extended) file entry.
struct Entry {
    file_type: u8,
    is_dir: bool,
    size: u64,
    /// Data runs as (partition address, bytes), or the embedded bytes.
    data: EntryData,
    modified: Option<SystemTime>,
}

enum EntryData {
    Extents(Vec<(LbAddr, u64)>),
    Embedded(Vec<u8>),
}

struct Reader<'a> {
    reader: &'a mut dyn BlockReader,
    volume: UdfVolume,
    items: Vec<ImportedItem>,
    visited: HashSet<LbAddr>,
    buf: Vec<u8>,
}

fn read_block(reader: &mut dyn BlockReader, lba: u32, buf: &mut [u8]) -> ImapiResult<()> {
    if let Some(count) = reader.block_count()
        && u64::from(lba) >= count
    {
        return Err(inconsistent(format!("block {lba} is past the end of the medium")));
    }
    reader.read_blocks(lba, &mut buf[..BLOCK])
}

/// The tagged descriptor at absolute `lba`, if its tag is valid and records `lba` (Part 3).
fn tagged_at(reader: &mut dyn BlockReader, lba: u32, buf: &mut [u8]) -> ImapiResult<Option<Tag>> {
    read_block(reader, lba, buf)?;
    Ok(check_tag(&buf[..BLOCK]).filter(|t| t.location == lba))
}

/// Finds an anchor: session start + 256, then the last block and the last block − 256.
fn find_anchor(reader: &mut dyn BlockReader, session_start: u32, buf: &mut [u8]) -> ImapiResult<[(u32, u32); 2]> {
    let mut candidates = vec![session_start.saturating_add(256)];
    if let Some(count) = reader.block_count()
        && count > 0
    {
        let last = u32::try_from(count - 1).unwrap_or(u32::MAX);
        candidates.push(last);
        candidates.push(last.saturating_sub(256));
    }
    for lba in candidates {
        if reader.block_count().is_some_and(|c| u64::from(lba) >= c) {
            continue;
        }
        if tagged_at(reader, lba, buf)?.is_some_and(|t| t.ident == TAG_AVDP) {
            return Ok([(u32_at(buf, 16), u32_at(buf, 20)), (u32_at(buf, 24), u32_at(buf, 28))]);
        }
    }
    Err(inconsistent("no valid anchor volume descriptor pointer"))
}

/// Descriptors kept from one sequence: the highest VDSN of each kind, PDs by number.
#[derive(Default)]
struct Sequence {
    lvd: Option<(u32, Vec<u8>)>,
    pds: Vec<(u16, u32, Vec<u8>)>,
    tag_version: u16,
}

fn read_sequence(reader: &mut dyn BlockReader, extent: (u32, u32), buf: &mut [u8]) -> ImapiResult<Sequence> {
    let mut seq = Sequence::default();
    let (mut bytes, mut lba) = extent;
    let mut seen = HashSet::new();
    let mut read = 0u32;
    'extents: loop {
        let blocks = bytes / BLOCK as u32;
        for i in 0..blocks {
            read += 1;
            if read > MAX_VDS_BLOCKS {
                return Err(inconsistent("volume descriptor sequence too long"));
            }
            let at = lba.checked_add(i).ok_or_else(|| inconsistent("descriptor past 2^32"))?;
            let Some(tag) = tagged_at(reader, at, buf)? else {
                return Err(inconsistent(format!("bad descriptor tag at block {at}")));
            };
            seq.tag_version = seq.tag_version.max(tag.version);
            let vdsn = u32_at(buf, 16);
            match tag.ident {
                TAG_LVD => {
                    if seq.lvd.as_ref().is_none_or(|(n, _)| vdsn >= *n) {
                        seq.lvd = Some((vdsn, buf[..BLOCK].to_vec()));
                    }
                }
                TAG_PD => {
                    let number = u16_at(buf, 22);
                    seq.pds.retain(|(n, v, _)| *n != number || *v > vdsn);
                    if !seq.pds.iter().any(|(n, _, _)| *n == number) {
                        if seq.pds.len() >= 64 {
                            return Err(unsupported("more than 64 partitions"));
                        }
                        seq.pds.push((number, vdsn, buf[..BLOCK].to_vec()));
                    }
                }
                TAG_VDP => {
                    let next = (u32_at(buf, 20), u32_at(buf, 24));
                    if !seen.insert(next.1) {
                        return Err(inconsistent("volume descriptor pointers form a loop"));
                    }
                    (bytes, lba) = next;
                    continue 'extents;
                }
                TAG_TD => break 'extents,
                TAG_PVD | TAG_IUVD | TAG_USD => {}
                _ => {
                    return Err(inconsistent(format!(
                        "unexpected descriptor {} in the sequence",
                        tag.ident
                    )));
                }
            }
        }
        break;
    }
    Ok(seq)
}

/// Resolves the volume: anchor, main VDS (reserve when the main one is unusable), LVD, PDs.
pub fn read_udf_volume(reader: &mut dyn BlockReader, session_start: u32) -> ImapiResult<UdfVolume> {
    let mut buf = vec![0u8; BLOCK];
    let [main, reserve] = find_anchor(reader, session_start, &mut buf)?;
    let seq = match read_sequence(reader, main, &mut buf) {
        Ok(seq) if seq.lvd.is_some() && !seq.pds.is_empty() => seq,
        first => match read_sequence(reader, reserve, &mut buf) {
            Ok(seq) if seq.lvd.is_some() && !seq.pds.is_empty() => seq,
            _ => {
                return Err(first
                    .err()
                    .unwrap_or_else(|| inconsistent("no logical volume or partition descriptor")));
            }
        },
    };
    let (_, lvd) = seq.lvd.as_ref().expect("checked");
    if u32_at(lvd, 212) != BLOCK as u32 {
        return Err(unsupported(format!(
            "logical block size {} (only {BLOCK} is read)",
            u32_at(lvd, 212)
        )));
    }
    let map_len = u32_at(lvd, 264) as usize;
    let maps = u32_at(lvd, 268) as usize;
    if map_len > BLOCK - 440 || maps > 64 {
        return Err(inconsistent("partition map table too large"));
    }
    let table = &lvd[440..440 + map_len];
    let mut partitions = Vec::with_capacity(maps);
    let mut metadata_maps = Vec::new();
    let mut at = 0usize;
    for _ in 0..maps {
        if at + 2 > table.len() {
            return Err(inconsistent("partition map table too short"));
        }
        let (kind, len) = (table[at], usize::from(table[at + 1]));
        if len < 2 || at + len > table.len() {
            return Err(inconsistent("bad partition map length"));
        }
        let map = &table[at..at + len];
        match (kind, len) {
            (1, 6) => {
                let number = u16_at(map, 4);
                let Some((_, _, pd)) = seq.pds.iter().find(|(n, _, _)| *n == number) else {
                    return Err(inconsistent(format!("no partition descriptor for partition {number}")));
                };
                partitions.push(Partition::Physical(PhysicalPartition {
                    number,
                    access_type: AccessType::from_value(u32_at(pd, 184)),
                    start: u32_at(pd, 188),
                    blocks: u32_at(pd, 192),
                }));
            }
            (2, 64) if type2_ident(map) == METADATA_PARTITION_ID => {
                let parsed = MetadataMap::parse(map).ok_or_else(|| inconsistent("malformed metadata partition map"))?;
                metadata_maps.push((partitions.len(), parsed));
                partitions.push(Partition::unresolved_metadata());
            }
            (2, 64) => {
                let ident = String::from_utf8_lossy(type2_ident(map)).into_owned();
                return Err(unsupported(format!("partition map {ident}")));
            }
            _ => return Err(unsupported(format!("partition map type {kind}"))),
        }
        at += len;
    }
    let physical_partition = partitions
        .iter()
        .find_map(|p| match p {
            Partition::Physical(physical) => Some(*physical),
            Partition::Metadata { .. } => None,
        })
        .ok_or_else(|| inconsistent("no type-1 partition map"))?;
    let volume = UdfVolume {
        name: get_dstring(&lvd[84..212]),
        tag_version: seq.tag_version,
        revision: u16_at(lvd, 216 + 24),
        physical_partition,
        has_metadata_partition: !metadata_maps.is_empty(),
        partitions,
        fsd: LbAddr {
            block: u32_at(lvd, 252),
            part: u16_at(lvd, 256),
        },
    };
    let mut r = Reader::new(reader, volume);
    for (index, map) in metadata_maps {
        let resolved = r.metadata_partition(&map)?;
        r.volume.partitions[index] = resolved;
    }
    Ok(r.volume)
}

impl<'a> Reader<'a> {
    fn new(reader: &'a mut dyn BlockReader, volume: UdfVolume) -> Reader<'a> {
        Reader {
            reader,
            volume,
            items: Vec::new(),
            visited: HashSet::new(),
            buf: vec![0u8; BLOCK],
        }
    }

    /// The metadata partition `map` lays over its physical partition: from the Metadata File,
    /// or from the Metadata Mirror File when the main one is unreadable or invalid.
    fn metadata_partition(&mut self, map: &MetadataMap) -> ImapiResult<Partition> {
        let physical = self
            .volume
            .partitions
            .iter()
            .position(|p| matches!(p, Partition::Physical(p) if p.number == map.partition_number))
            .ok_or_else(|| {
                inconsistent(format!(
                    "the metadata partition lies in partition {}, which has no type-1 map",
                    map.partition_number
                ))
            })? as u16;
        let main = self.metadata_file(physical, map.file_loc, FILE_TYPE_METADATA);
        main.or_else(|first| {
            self.metadata_file(physical, map.mirror_loc, FILE_TYPE_METADATA_MIRROR)
                .map_err(|_| first)
        })
    }

    /// Reads a Metadata (Mirror) File entry at `block` of partition reference `physical`; its
    /// short_ads are the metadata partition's blocks (udf-iso.md §2.11).
    fn metadata_file(&mut self, physical: u16, block: u32, file_type: u8) -> ImapiResult<Partition> {
        let entry = self.entry(LbAddr { block, part: physical })?;
        if entry.file_type != file_type {
            return Err(inconsistent(format!("no metadata file entry at block {block}")));
        }
        let EntryData::Extents(runs) = &entry.data else {
            return Err(unsupported("metadata file data embedded in its entry"));
        };
        let mut extents = Vec::with_capacity(runs.len());
        for &(addr, len) in runs {
            if addr.part != physical {
                return Err(inconsistent("metadata file extent outside its physical partition"));
            }
            for (lba, blocks) in self.resolve(addr, len.div_ceil(BLOCK as u64))? {
                extents.push((lba, u64::from(blocks) * BLOCK as u64));
            }
        }
        Partition::metadata(&extents, entry.size).map_err(inconsistent)
    }

    /// The absolute runs (LBA, blocks) of `blocks` blocks at `addr`, checked against the
    /// partition and the medium.
    fn resolve(&self, addr: LbAddr, blocks: u64) -> ImapiResult<Vec<(u32, u32)>> {
        let partition = self
            .volume
            .partitions
            .get(usize::from(addr.part))
            .ok_or_else(|| inconsistent(format!("partition reference {} has no map", addr.part)))?;
        let runs = partition.resolve(addr.block, blocks).ok_or_else(|| {
            inconsistent(format!(
                "extent at block {} of partition {} is outside its partition",
                addr.block, addr.part
            ))
        })?;
        for &(lba, n) in &runs {
            let end = u64::from(lba) + u64::from(n);
            if self.reader.block_count().is_some_and(|c| end > c) {
                return Err(inconsistent(format!(
                    "extent at block {lba} is past the end of the medium"
                )));
            }
        }
        Ok(runs)
    }

    /// Reads the Part 4 descriptor at `addr` into `self.buf`; its tag must name `addr.block`.
    fn tagged(&mut self, addr: LbAddr) -> ImapiResult<Tag> {
        let lba = self.resolve(addr, 1)?[0].0;
        read_block(self.reader, lba, &mut self.buf)?;
        match check_tag(&self.buf[..BLOCK]) {
            Some(t) if t.location == addr.block => Ok(t),
            _ => Err(inconsistent(format!("bad descriptor tag at block {lba}"))),
        }
    }

    fn entry(&mut self, addr: LbAddr) -> ImapiResult<Entry> {
        let tag = self.tagged(addr)?;
        let header = match tag.ident {
            TAG_FE => 176,
            TAG_EFE => 216,
            other => {
                return Err(inconsistent(format!(
                    "descriptor {other} where a file entry was expected"
                )));
            }
        };
        let b = &self.buf[..BLOCK];
        let strategy = u16_at(b, 20);
        if strategy != 4 && strategy != 4096 {
            return Err(unsupported(format!("ICB strategy {strategy}")));
        }
        let file_type = b[27];
        if !matches!(
            file_type,
            FILE_TYPE_UNSPECIFIED
                | FILE_TYPE_DIRECTORY
                | FILE_TYPE_REGULAR
                | FILE_TYPE_METADATA
                | FILE_TYPE_METADATA_MIRROR
        ) {
            return Err(unsupported(format!("file type {file_type}")));
        }
        let flags = u16_at(b, 34);
        let size = u64_at(b, 56);
        let (l_ea, l_ad, modified) = if header == 216 {
            (
                u32_at(b, 208) as usize,
                u32_at(b, 212) as usize,
                get_timestamp(&b[92..104]),
            )
        } else {
            (
                u32_at(b, 168) as usize,
                u32_at(b, 172) as usize,
                get_timestamp(&b[84..96]),
            )
        };
        if l_ea > BLOCK || l_ad > BLOCK || header + l_ea + l_ad > BLOCK {
            return Err(inconsistent("file entry larger than a block"));
        }
        let ads = b[header + l_ea..header + l_ea + l_ad].to_vec();
        let data = match flags & 7 {
            3 => {
                if l_ad as u64 != size {
                    return Err(inconsistent("embedded data length differs from the file size"));
                }
                EntryData::Embedded(ads)
            }
            0 | 1 => EntryData::Extents(self.allocation(addr.part, flags & 7 == 1, ads)?),
            other => return Err(unsupported(format!("allocation descriptor type {other}"))),
        };
        if let EntryData::Extents(runs) = &data {
            let recorded: u64 = runs.iter().map(|r| r.1).sum();
            if recorded < size {
                return Err(inconsistent("file extents are shorter than the file"));
            }
        }
        Ok(Entry {
            file_type,
            is_dir: file_type == FILE_TYPE_DIRECTORY,
            size,
            data,
            modified,
        })
    }

    /// Allocation descriptors (short or long), following allocation extent descriptors.
    fn allocation(&mut self, part: u16, long: bool, mut ads: Vec<u8>) -> ImapiResult<Vec<(LbAddr, u64)>> {
        let size = if long { 16 } else { 8 };
        let mut runs = Vec::new();
        let mut hops = 0usize;
        let mut at = 0usize;
        while at + size <= ads.len() {
            let raw = u32_at(&ads, at);
            let (kind, len) = (raw >> 30, u64::from(raw & 0x3FFF_FFFF));
            let addr = LbAddr {
                block: u32_at(&ads, at + 4),
                part: if long { u16_at(&ads, at + 8) } else { part },
            };
            at += size;
            if len == 0 {
                break;
            }
            match kind {
                0 => {
                    if runs.len() >= MAX_EXTENTS {
                        return Err(unsupported("too many extents"));
                    }
                    runs.push((addr, len));
                }
                3 => {
                    hops += 1;
                    if hops > MAX_AED {
                        return Err(inconsistent("too many allocation extent descriptors"));
                    }
                    let tag = self.tagged(addr)?;
                    if tag.ident != TAG_AED {
                        return Err(inconsistent("bad allocation extent descriptor"));
                    }
                    let n = u32_at(&self.buf, 20) as usize;
                    if 24 + n > BLOCK {
                        return Err(inconsistent("allocation extent descriptor too long"));
                    }
                    ads = self.buf[24..24 + n].to_vec();
                    at = 0;
                }
                _ => return Err(unsupported("unrecorded or sparse extents")),
            }
        }
        Ok(runs)
    }

    /// The bytes of a directory.
    fn directory_bytes(&mut self, entry: &Entry) -> ImapiResult<Vec<u8>> {
        if entry.size > u64::from(MAX_DIRECTORY_BYTES) {
            return Err(unsupported(format!("directory of {} bytes", entry.size)));
        }
        let runs = match &entry.data {
            EntryData::Embedded(bytes) => return Ok(bytes.clone()),
            EntryData::Extents(runs) => runs.clone(),
        };
        let mut out = Vec::with_capacity(entry.size as usize);
        let mut block = vec![0u8; BLOCK];
        for (addr, len) in runs {
            let mut left = len;
            for (lba, blocks) in self.resolve(addr, len.div_ceil(BLOCK as u64))? {
                for i in 0..blocks {
                    if out.len() as u64 >= entry.size {
                        return Ok(out);
                    }
                    self.reader.read_blocks(lba + i, &mut block)?;
                    let take = left.min(BLOCK as u64).min(entry.size - out.len() as u64);
                    out.extend_from_slice(&block[..take as usize]);
                    left -= take;
                }
            }
        }
        Ok(out)
    }

    fn walk(&mut self, dir: LbAddr, path: &str, depth: usize) -> ImapiResult<()> {
        if depth > MAX_DEPTH {
            return Err(unsupported("directories nested too deeply"));
        }
        if !self.visited.insert(dir) {
            return Err(inconsistent(format!("directory loop at block {}", dir.block)));
        }
        let entry = self.entry(dir)?;
        if !entry.is_dir {
            return Err(inconsistent("a directory's ICB is not a directory"));
        }
        let bytes = self.directory_bytes(&entry)?;
        let mut at = 0usize;
        let mut names = HashSet::new();
        while at < bytes.len() {
            if at + 38 > bytes.len() {
                return Err(inconsistent("truncated file identifier descriptor"));
            }
            let f = &bytes[at..];
            let l_fi = usize::from(f[19]);
            let l_iu = usize::from(u16_at(f, 36));
            let len = (38 + l_iu + l_fi).div_ceil(4) * 4;
            if len > BLOCK || at + 38 + l_iu + l_fi > bytes.len() {
                return Err(inconsistent("bad file identifier descriptor length"));
            }
            let tag = check_tag(&f[..len.min(f.len())]);
            if tag.is_none_or(|t| t.ident != TAG_FID) {
                return Err(inconsistent(format!("bad file identifier descriptor in {path}")));
            }
            let chars = f[18];
            let icb = LbAddr {
                block: u32_at(f, 24),
                part: u16_at(f, 28),
            };
            let raw_name = f[38 + l_iu..38 + l_iu + l_fi].to_vec();
            at += len;
            if chars & (FID_PARENT | FID_DELETED) != 0 {
                continue;
            }
            let name = cs0_decode(&raw_name).ok_or_else(|| inconsistent(format!("bad file name in {path}")))?;
            if name.is_empty() || name.contains(['/', '\0']) {
                return Err(inconsistent(format!("illegal file name in {path}")));
            }
            if !names.insert(name.clone()) {
                return Err(inconsistent(format!("duplicate name {name} in {path}")));
            }
            if self.items.len() >= MAX_ITEMS {
                return Err(unsupported("too many items"));
            }
            let child_path = if path == "/" {
                format!("/{name}")
            } else {
                format!("{path}/{name}")
            };
            let child = self.entry(icb)?;
            if !matches!(
                child.file_type,
                FILE_TYPE_UNSPECIFIED | FILE_TYPE_DIRECTORY | FILE_TYPE_REGULAR
            ) {
                return Err(inconsistent(format!("{child_path} names a metadata file")));
            }
            let hidden = chars & FID_HIDDEN != 0;
            let (extents, embedded) = match child.data {
                // A directory's embedded FIDs were read by its own walk; a file keeps its bytes.
                EntryData::Embedded(bytes) => (Vec::new(), (!child.is_dir).then_some(bytes)),
                EntryData::Extents(runs) => {
                    let mut left = if child.is_dir {
                        runs.first().map_or(0, |r| r.1)
                    } else {
                        child.size
                    };
                    let mut extents = Vec::new();
                    'runs: for (addr, len) in runs {
                        if left == 0 {
                            break;
                        }
                        let bytes = len.min(left);
                        // A run in a metadata partition may lie in several pieces on the medium.
                        for (lba, blocks) in self.resolve(addr, bytes.div_ceil(BLOCK as u64))? {
                            if extents.len() >= MAX_EXTENTS {
                                return Err(unsupported("too many extents"));
                            }
                            let piece = left.min(u64::from(blocks) * BLOCK as u64);
                            extents.push(Extent { lba, bytes: piece });
                            left -= piece;
                            if child.is_dir || left == 0 {
                                break 'runs;
                            }
                        }
                    }
                    (extents, None)
                }
            };
            if chars & FID_DIRECTORY != 0 && !child.is_dir {
                return Err(inconsistent(format!(
                    "{child_path} is marked a directory but is a file"
                )));
            }
            self.items.push(ImportedItem {
                path: child_path.clone(),
                name,
                is_dir: child.is_dir,
                size: if child.is_dir { 0 } else { child.size },
                extents,
                embedded,
                modified: child.modified,
                hidden,
            });
            if child.is_dir {
                self.walk(icb, &child_path, depth + 1)?;
            }
        }
        Ok(())
    }
}

/// Reads the UDF tree of the session at `session_start` (IMAPI_E_FILE_SYSTEM_NOT_FOUND without a
/// NSR02/NSR03 recognition sequence). Embedded (in-ICB) files carry their bytes in
/// [`ImportedItem::embedded`].
pub fn read_udf_tree(reader: &mut dyn BlockReader, session_start: u32) -> ImapiResult<ImportedTree> {
    let found = scan_volume_descriptors(reader, session_start)?;
    if found.udf_nsr.is_none() {
        return Err(ImapiError::with(HResult::IMAPI_E_FILE_SYSTEM_NOT_FOUND, ["UDF"]));
    }
    let volume = read_udf_volume(reader, session_start)?;
    let fsd = volume.fsd;
    let mut r = Reader::new(reader, volume);
    let tag = r.tagged(fsd)?;
    if tag.ident != TAG_FSD {
        return Err(inconsistent("no file set descriptor"));
    }
    let root = LbAddr {
        block: u32_at(&r.buf, 404),
        part: u16_at(&r.buf, 408),
    };
    r.walk(root, "/", 1)?;
    Ok(ImportedTree {
        file_system: FileSystems::UDF,
        volume_name: r.volume.name.clone(),
        session_start,
        rock_ridge: false,
        items: r.items,
    })
}
