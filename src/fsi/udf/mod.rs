//! UDF (ECMA-167 + OSTA UDF 1.02–2.01) structures and the UDF emitter (udf-iso.md §2): the
//! building blocks shared with the reader ([`descriptor`]) and the [`emitter::UdfEmitter`] that
//! plugs into the layout planner beside ISO 9660 and Joliet, sharing their file data extents.

pub mod descriptor;
pub mod emitter;

pub use emitter::UdfEmitter;
