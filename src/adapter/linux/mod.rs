//! Linux: SG_IO v3 on `/dev/srN` and `/dev/sgN` ([`SgIo`]), and finding the optical drives
//! ([`discovery`]). The unsafe code is all in `sys`.

pub mod discovery;
pub mod explain;
pub mod pass_through;
pub mod sg_io;
mod sys;

pub use sg_io::{DEFAULT_MAX_TRANSFER_BYTES, OpenError, OpenOptions, SgIo};
