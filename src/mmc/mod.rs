//! The MMC wire format: sense triples, CDB decoding and reply structures.
//!
//! This layer knows bytes and their meaning, never media state or files (DESIGN.md).

pub mod atip;
pub mod buffer_capacity;
pub mod capabilities;
pub mod cdb;
pub mod configuration;
pub mod disc_information;
pub mod disc_structure;
pub mod dvd_structure;
pub mod event_status;
pub mod features;
pub mod format_capacities;
pub mod format_unit;
pub mod inquiry;
pub mod mechanism_status;
pub mod mode_pages;
pub mod mode_parameters;
pub mod msf;
#[cfg(test)]
mod parse_fuzz;
pub mod performance;
pub mod pow_resources;
pub mod raw_toc;
pub mod read_capacity;
pub mod sense;
pub mod sense_data;
pub mod streaming;
pub mod toc;
pub mod track_information;
pub mod wire;
pub mod write_parameters;

pub use cdb::{Command, DataDirection};
pub use sense::Sense;
pub use sense_data::{FieldPointer, SenseDataRepr};
pub use wire::{CdbError, copy_truncated};
