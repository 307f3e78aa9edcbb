//! IMAPI-like recorder API over any `ScsiDevice`: recorder identity, data writer, eraser and the
//! multisession objects (issue #6). Knows no ISO 9660 (DESIGN.md). What is here so far: issuing
//! MMC commands and probing the medium the way a burner does.

pub mod command;
pub mod probe;
pub mod summary;
