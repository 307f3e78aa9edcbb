//! File-system image builder with the IMAPI2 `IFileSystemImage` surface (imapi2.md §2.1–2.3),
//! and readers for import.
//!
//! * [`FileSystemImage`]: options, the item tree (host trees, bytes, any reader), change points,
//!   CreateResultImage.
//! * [`layout`]: the planner; each file system is a [`layout::FileSystemEmitter`] and all of them
//!   share the file data extents (docs/image-builder.md).
//! * [`iso9660`]: ISO 9660 and Joliet structures and their emitter; [`eltorito`]: boot catalog.
//! * [`udf`]: UDF structures and the UDF emitter (revisions 1.02–2.01).
//! * [`FileSystemImageResult`] / [`ImageStream`]: the image, produced block by block.

pub mod boot;
mod edit;
pub mod eltorito;
mod host;
mod image;
pub mod iso9660;
mod item;
pub mod layout;
pub mod names;
pub mod options;
pub mod path;
pub mod random_write;
pub mod read;
mod result;
pub mod source;
mod tree;
pub mod udf;

pub use boot::{BootOptions, EmulationType, PlatformId};
pub use host::AddTreeReport;
pub use image::{DEFAULT_FREE_MEDIA_BLOCKS, FileSystemImage};
pub use item::{FsiDirectoryItem, FsiFileItem, FsiItem, FsiItemType, ItemInfo};
pub use options::{FileSystems, MediaPhysicalType, default_file_system_for_import};
pub use result::{FileSystemImageResult, ImageStream, ProgressItem};
pub use source::FileData;
pub use tree::{BLOCK_BYTES, ItemTimes};
