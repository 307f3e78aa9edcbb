//! IMAPI-like recorder API over any `ScsiDevice`: recorder identity, data writer, eraser and the
//! multisession objects (issue #6), and the multisession decision the image builder calls. Knows
//! no ISO 9660 (DESIGN.md). docs/errors.md and docs/multisession.md describe it.
//!
//! Files: `command` and `probe` issue MMC commands and probe the medium; `recorder` is the shared
//! IDiscRecorder2; `media_state` computes what the data writer reports; `write_sequence` decides
//! the commands of a write per medium and `write_run` executes them; `data_writer`, `eraser` and
//! `multisession` are the IMAPI2 objects; `multisession_choice` is put_MultisessionInterfaces'
//! decision; `errors` is the sense → HRESULT table; `clock` is simulated or wall-clock time.

pub mod clock;
pub mod command;
pub mod data_writer;
pub mod drive_identity;
pub mod eraser;
pub mod errors;
pub mod media_state;
pub mod multisession;
pub mod multisession_choice;
pub mod probe;
pub mod recorder;
pub mod summary;
pub mod write_run;
pub mod write_sequence;

pub use clock::{Clock, EmulatorClock, PollPolicy, WallClock};
pub use data_writer::{DataWriter, WriteSpeedDescriptor};
pub use eraser::{EraseProgress, Eraser};
pub use media_state::{MediaStatus, PhysicalMediaType};
pub use multisession::{
    ForeignMultisession, MultisessionKind, MultisessionParameters, MultisessionRandomWrite, MultisessionRef,
    MultisessionSequential,
};
pub use multisession_choice::{FsiMultisessionPolicy, WindowsVersion, choose_multisession};
pub use recorder::Recorder;
pub use write_run::{WriteAction, WriteProgress};
pub use write_sequence::DvdPlusRDlMultisession;
