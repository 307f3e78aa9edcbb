//! What a disc is: profiles and their facts, the session/track model with every rule, the sparse
//! sector store and media-image files. Parses no CDBs (DESIGN.md).

pub mod cd;
pub mod disc;
pub mod export;
pub mod profile;
pub mod record;

pub use disc::*;
pub use profile::{BlankType, CdLength, CloseAction, Family, FormatDescriptor, MediaClass, Profile, ProfileFacts};
pub mod image;
pub mod medium;
pub mod store;
