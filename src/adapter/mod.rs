//! Real hardware: Linux SG_IO (`/dev/sr*`, `/dev/sg*`) behind the same `ScsiDevice` trait as the
//! emulator, and device discovery. Holds no media state (DESIGN.md). Arrives with the adapter issue.
