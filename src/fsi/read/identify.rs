//! IdentifyFileSystemsOnDisc (imapi2.md §3.5): which file systems a session holds, from its
//! volume descriptors at block 16 on — ISO 9660 (a PVD), Joliet (an SVD with a UCS-2 escape) and
//! UDF (NSR02/NSR03 in the Volume Recognition Sequence, udf-iso.md §2.2).

use super::block::{BLOCK, BlockReader};
use crate::fsi::iso9660::descriptor::{
    EL_TORITO_ID, TYPE_BOOT_RECORD, TYPE_PRIMARY, TYPE_SUPPLEMENTARY, TYPE_TERMINATOR, VolumeDescriptor,
};
use crate::fsi::options::FileSystems;
use crate::hresult::ImapiResult;

/// Volume descriptors scanned at most before giving up on a terminator (Linux stops at +99).
const MAX_DESCRIPTORS: u32 = 100;

/// What the descriptor area of a session holds, by absolute LBA.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolumeDescriptors {
    pub primary: Option<u32>,
    pub joliet: Option<u32>,
    pub boot_record: Option<u32>,
    /// `2` for NSR02 (UDF 1.02/1.50), `3` for NSR03 (UDF 2.00 and later).
    pub udf_nsr: Option<u8>,
    /// Something is recorded at block 16 that is none of the above.
    pub unrecognized: bool,
}

impl VolumeDescriptors {
    pub fn file_systems(&self) -> FileSystems {
        let mut found = FileSystems::NONE;
        if self.primary.is_some() {
            found = found.union(FileSystems::ISO9660);
        }
        if self.joliet.is_some() {
            found = found.union(FileSystems::JOLIET);
        }
        if self.udf_nsr.is_some() {
            found = found.union(FileSystems::UDF);
        }
        if found.is_empty() && self.unrecognized {
            found = FileSystems::UNKNOWN;
        }
        found
    }
}

/// Scans the descriptors of the session that starts at `session_start`. Blocks that cannot be
/// read end the scan (a short or blank image has no file system); nothing here fails on
/// malformed content.
pub fn scan_volume_descriptors(reader: &mut dyn BlockReader, session_start: u32) -> ImapiResult<VolumeDescriptors> {
    let mut found = VolumeDescriptors::default();
    let mut block = vec![0u8; BLOCK];
    let mut in_recognition = false;
    for i in 0..MAX_DESCRIPTORS {
        let Some(lba) = session_start.checked_add(16 + i) else {
            break;
        };
        if reader.read_blocks(lba, &mut block).is_err() {
            break;
        }
        let vd = VolumeDescriptor::new(&block[..]).expect("one block");
        match vd.standard_id() {
            b"CD001" => match vd.kind() {
                TYPE_PRIMARY if found.primary.is_none() => found.primary = Some(lba),
                TYPE_SUPPLEMENTARY if vd.is_joliet() && found.joliet.is_none() => found.joliet = Some(lba),
                TYPE_BOOT_RECORD if vd.boot_system_id().starts_with(EL_TORITO_ID) => found.boot_record = Some(lba),
                TYPE_TERMINATOR => in_recognition = true,
                _ => {}
            },
            b"BEA01" => in_recognition = true,
            b"NSR02" if in_recognition => found.udf_nsr = Some(2),
            b"NSR03" if in_recognition => found.udf_nsr = Some(3),
            b"BOOT2" | b"CDW02" => {}
            b"TEA01" => break,
            _ => {
                if i == 0 && block.iter().any(|&b| b != 0) {
                    found.unrecognized = true;
                }
                break;
            }
        }
    }
    Ok(found)
}

/// IdentifyFileSystemsOnDisc for the session at `session_start`: FsiFileSystems flags, `UNKNOWN`
/// when something unrecognised is recorded, `NONE` for nothing.
pub fn identify_file_systems(reader: &mut dyn BlockReader, session_start: u32) -> ImapiResult<FileSystems> {
    Ok(scan_volume_descriptors(reader, session_start)?.file_systems())
}
