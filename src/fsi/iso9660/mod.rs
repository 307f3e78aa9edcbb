//! ISO 9660 (ECMA-119) and Joliet: on-disc structures, and the emitter that writes both trees.

pub mod descriptor;
pub mod emitter;
pub mod encoding;
pub mod path_table;
pub mod record;
