//! Real hardware: the same `ScsiDevice` trait as the emulator, over the operating system's SCSI
//! pass-through, and device discovery. Holds no media state (DESIGN.md).
//!
//! Linux SG_IO (`/dev/srN`, `/dev/sgN`) lives in [`linux`]. Windows (SPTI,
//! `IOCTL_SCSI_PASS_THROUGH_DIRECT`) and macOS (`SCSITaskDeviceInterface`) are out of scope; a
//! port adds a sibling module behind its own `cfg` and implements `ScsiDevice` the same way —
//! the platform-neutral parts (which commands write, their timeouts, transfer splitting) are
//! here for it.

pub mod command_class;
pub mod split;
pub mod traced;

#[cfg(target_os = "linux")]
pub mod linux;
