//! The MMC wire format: sense triples, CDB decoding and reply structures.
//!
//! This layer knows bytes and their meaning, never media state or files (DESIGN.md).

pub mod sense;

pub use sense::Sense;
