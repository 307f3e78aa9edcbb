//! UDF (ECMA-167 + OSTA UDF 1.02–2.60) structures and the UDF emitter (udf-iso.md §2): the
//! building blocks shared with the reader ([`descriptor`], [`metadata`] for the metadata
//! partition map), the volume structures ([`volume`]) and the [`emitter::UdfEmitter`] that plugs
//! into the layout planner beside ISO 9660 and Joliet, sharing their file data extents.

pub mod descriptor;
pub mod emitter;
pub mod metadata;
pub mod volume;

pub use emitter::UdfEmitter;
