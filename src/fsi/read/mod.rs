//! Reading file systems back (IMAPI2's import family, imapi2.md §3.5) from any [`BlockReader`]:
//! identification, the default file system for import, and ISO 9660 / Joliet trees with Rock
//! Ridge names. Hostile input ends in IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR or
//! IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED, never in a panic, a hang or an unbounded allocation.

pub mod block;
pub mod device;
pub mod identify;
pub mod imported;
pub mod iso;
pub mod rock_ridge;
pub mod udf;
pub mod udf_partition;

pub use block::{BlockReader, SeekBlockReader};
pub use device::RecorderBlockReader;
pub use identify::{VolumeDescriptors, identify_file_systems, scan_volume_descriptors};
pub use imported::{Extent, ExtractReport, ImportedItem, ImportedTree, extract, read_file};
pub use iso::{read_iso_tree, read_iso_tree_with};
pub use udf::{UdfVolume, read_udf_tree, read_udf_volume};
pub use udf_partition::{AccessType, PhysicalPartition};

use crate::fsi::options::FileSystems;
use crate::hresult::{ImapiError, ImapiResult};

/// Reads the tree of `fs` (one file system) in the session at `session_start`.
pub fn read_tree(reader: &mut dyn BlockReader, session_start: u32, fs: FileSystems) -> ImapiResult<ImportedTree> {
    match fs {
        FileSystems::ISO9660 | FileSystems::JOLIET => read_iso_tree(reader, session_start, fs),
        FileSystems::UDF => read_udf_tree(reader, session_start),
        _ => Err(ImapiError::invalid_param("fileSystem")),
    }
}
