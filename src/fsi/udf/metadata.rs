//! The type-2 partition map of a UDF 2.50+ metadata partition (udf-iso.md §2.4.4, §2.11): 64
//! bytes naming `*UDF Metadata Partition`, the physical partition it lives in, where the Metadata
//! File, its mirror and its bitmap are, and the allocation and alignment units. Written by the
//! emitter and parsed by the reader, so every byte offset is here once.

use super::descriptor::{put_regid, put_u16, put_u32, u16_at, u32_at};

/// Length of every type-2 partition map.
pub const TYPE2_MAP_LEN: usize = 64;
/// The partition type identifier of a metadata partition map (exactly 23 bytes, no terminator).
pub const METADATA_PARTITION_ID: &[u8; 23] = b"*UDF Metadata Partition";
/// `metadataBitmapFileLoc` when there is no Metadata Bitmap File (read-only media, DCN-5102).
pub const NO_BITMAP: u32 = 0xFFFF_FFFF;

mod field {
    use core::ops::Range;
    pub const KIND: usize = 0;
    pub const LEN: usize = 1;
    pub const RESERVED: Range<usize> = 2..4;
    pub const TYPE_ID: Range<usize> = 4..36;
    /// The identifier inside the entity ID (after its flags byte).
    pub const TYPE_ID_IDENT: Range<usize> = 5..28;
    pub const VOLUME_SEQUENCE: usize = 36;
    pub const PARTITION_NUMBER: usize = 38;
    pub const FILE_LOC: usize = 40;
    pub const MIRROR_LOC: usize = 44;
    pub const BITMAP_LOC: usize = 48;
    pub const ALLOCATION_UNIT: usize = 52;
    pub const ALIGNMENT_UNIT: usize = 56;
    pub const FLAGS: usize = 58;
    pub const TRAILING: Range<usize> = 59..64;
}

/// Flags bit 0: the Metadata Mirror File holds a copy of its own.
const DUPLICATE: u8 = 1;

/// The identifier of a type-2 map (bytes 5–27, NULs trimmed), for messages and dispatch.
pub fn type2_ident(map: &[u8]) -> &[u8] {
    let ident = &map[field::TYPE_ID_IDENT];
    let end = ident.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    &ident[..end]
}

/// A metadata partition map, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetadataMap {
    /// UDF revision of the map's identifier suffix.
    pub revision: u16,
    /// The partition (descriptor number) the metadata partition is laid over.
    pub partition_number: u16,
    /// Blocks of the physical partition holding the Metadata File's and the mirror's entries.
    pub file_loc: u32,
    pub mirror_loc: u32,
    pub bitmap_loc: u32,
    pub allocation_unit: u32,
    pub alignment_unit: u16,
    /// The mirror describes extents of its own (flags bit 0).
    pub duplicate: bool,
}

impl MetadataMap {
    /// Parses a 64-byte type-2 map; `None` unless it is a metadata partition map with zero
    /// reserved bytes (7-Zip refuses non-zero ones, udf-iso.md §4.3).
    pub fn parse(map: &[u8]) -> Option<MetadataMap> {
        if map.len() != TYPE2_MAP_LEN
            || map[field::KIND] != 2
            || usize::from(map[field::LEN]) != TYPE2_MAP_LEN
            || map[field::RESERVED] != [0, 0]
            || type2_ident(map) != METADATA_PARTITION_ID
        {
            return None;
        }
        Some(MetadataMap {
            revision: u16_at(map, field::TYPE_ID.start + 24),
            partition_number: u16_at(map, field::PARTITION_NUMBER),
            file_loc: u32_at(map, field::FILE_LOC),
            mirror_loc: u32_at(map, field::MIRROR_LOC),
            bitmap_loc: u32_at(map, field::BITMAP_LOC),
            allocation_unit: u32_at(map, field::ALLOCATION_UNIT),
            alignment_unit: u16_at(map, field::ALIGNMENT_UNIT),
            duplicate: map[field::FLAGS] & DUPLICATE != 0,
        })
    }

    /// Writes the 64-byte map (volume sequence number 1, UDF suffix with the revision).
    pub fn emit(&self, map: &mut [u8]) {
        map[..TYPE2_MAP_LEN].fill(0);
        map[field::KIND] = 2;
        map[field::LEN] = TYPE2_MAP_LEN as u8;
        let r = self.revision.to_le_bytes();
        put_regid(&mut map[field::TYPE_ID], METADATA_PARTITION_ID, &[r[0], r[1]]);
        put_u16(map, field::VOLUME_SEQUENCE, 1);
        put_u16(map, field::PARTITION_NUMBER, self.partition_number);
        put_u32(map, field::FILE_LOC, self.file_loc);
        put_u32(map, field::MIRROR_LOC, self.mirror_loc);
        put_u32(map, field::BITMAP_LOC, self.bitmap_loc);
        put_u32(map, field::ALLOCATION_UNIT, self.allocation_unit);
        put_u16(map, field::ALIGNMENT_UNIT, self.alignment_unit);
        map[field::FLAGS] = if self.duplicate { DUPLICATE } else { 0 };
        debug_assert!(map[field::TRAILING].iter().all(|&b| b == 0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A UDF 2.50 metadata map: file at 0, mirror at 1, no bitmap, units 32/32, duplicate.
    const MAP: [u8; 64] = [
        0x02, 0x40, 0x00, 0x00, // type 2, length 64, reserved
        0x00, b'*', b'U', b'D', b'F', b' ', b'M', b'e', b't', b'a', b'd', b'a', b't', b'a', b' ', b'P', b'a', b'r',
        b't', b'i', b't', b'i', b'o', b'n', // entity id: flags, identifier
        0x50, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // UDF suffix: revision 2.50
        0x01, 0x00, 0x00, 0x00, // volume sequence number 1, partition number 0
        0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, // metadata file 0, mirror 1
        0xFF, 0xFF, 0xFF, 0xFF, 0x20, 0x00, 0x00, 0x00, // no bitmap, allocation unit 32
        0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, // alignment unit 32, duplicate
    ];

    fn repr() -> MetadataMap {
        MetadataMap {
            revision: 0x250,
            partition_number: 0,
            file_loc: 0,
            mirror_loc: 1,
            bitmap_loc: NO_BITMAP,
            allocation_unit: 32,
            alignment_unit: 32,
            duplicate: true,
        }
    }

    #[test]
    fn deconstruct() {
        assert_eq!(type2_ident(&MAP), METADATA_PARTITION_ID);
        assert_eq!(u32_at(&MAP, field::BITMAP_LOC), NO_BITMAP);
    }

    #[test]
    fn construct_and_emit() {
        let mut bytes = [0xAAu8; 64];
        repr().emit(&mut bytes);
        assert_eq!(bytes, MAP);
    }

    #[test]
    fn parse() {
        assert_eq!(MetadataMap::parse(&MAP), Some(repr()));
        let mut sparable = MAP;
        sparable[5..28].copy_from_slice(b"*UDF Sparable Partition");
        assert_eq!(MetadataMap::parse(&sparable), None);
        let mut reserved = MAP;
        reserved[2] = 1;
        assert_eq!(MetadataMap::parse(&reserved), None);
    }
}
