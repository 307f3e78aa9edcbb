//! CD sectors: the 2352-byte layouts of CD-DA, Mode 0, Mode 1 and Mode 2 (formless, Form 1,
//! Form 2), their EDC and ECC, the scrambler and the P–W sub-channel (ECMA-130, CD-ROM XA,
//! IEC 60908). `docs/cd-sector.md` describes the formats and how each part is verified.
//!
//! One idea per file: [`header`] (address and mode), [`sector`] (layout and view), [`edc`],
//! [`ecc`], [`scramble`], [`subchannel`], and [`codec`] (whole runs of sectors in and out).

pub mod codec;
pub mod ecc;
pub mod edc;
pub mod header;
pub mod scramble;
pub mod sector;
pub mod subchannel;

pub use codec::{CodecError, Faults, SectorType, Subheaders, check_sector, decode_run, encode_run};
pub use header::{Header, LbaOutOfRange, Mode};
pub use sector::{SECTOR_LEN, SYNC, Sector, Subheader};
