//! The multisession objects IDiscFormat2Data hands to the image builder (imapi2.md §2.4, §3.3):
//! [`MultisessionSequential`] (IMultisessionSequential2: the previous session of sequentially
//! recorded media) and [`MultisessionRandomWrite`] (IMultisessionRandomWrite: random-writable
//! media without physical sessions), each with IsSupportedOnCurrentMediaState, InUse and
//! ImportRecorder. Their address getters return the same values as the data writer's
//! same-named properties (both read [`MediaState`]); they re-ask the drive on every call, as
//! IMAPI2 does, so a disc that changes under them is seen.
//!
//! The image builder receives a list of [`MultisessionRef`] (the SAFEARRAY of IDispatch) and
//! decides with [`super::multisession_choice::choose_multisession`].

use super::data_writer::heuristically_blank;
use super::errors::Phase;
use super::media_state::{MediaState, MediaStatus};
use super::recorder::Recorder;
use crate::hresult::{HResult, ImapiResult};
use crate::media::Profile;
use std::cell::Cell;
use std::rc::Rc;

/// The derived IMultisession interface an element implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MultisessionKind {
    /// IMultisessionSequential / IMultisessionSequential2.
    Sequential,
    /// IMultisessionRandomWrite (Windows 7).
    RandomWrite,
    /// Another scheme derived from IMultisession (the docs' example: BD-R pseudo-overwrite) that
    /// the image builder does not know.
    Foreign,
}

/// What every multisession object has: its recorder, InUse, the writer's PostgapAlreadyInImage
/// (free sectors exclude the CD post-gap unless it is in the image), and which media states its
/// scheme supports.
#[derive(Clone)]
struct Common {
    recorder: Recorder,
    in_use: Rc<Cell<bool>>,
    postgap_already_in_image: Rc<Cell<bool>>,
    supports: fn(&MediaState) -> bool,
}

impl Common {
    fn new(recorder: Recorder, postgap_already_in_image: Rc<Cell<bool>>, supports: fn(&MediaState) -> bool) -> Common {
        Common {
            recorder,
            in_use: Rc::new(Cell::new(false)),
            postgap_already_in_image,
            supports,
        }
    }

    fn state(&self) -> ImapiResult<MediaState> {
        self.recorder.media_state(Phase::Query)
    }

    /// The medium in a state the getters answer for, else `E_IMAPI_DF2DATA_INVALID_MEDIA_STATE`
    /// (imapi2.md §2.4).
    fn supported_state(&self) -> ImapiResult<MediaState> {
        let state = self.state()?;
        if (self.supports)(&state) {
            Ok(state)
        } else {
            Err(HResult::E_IMAPI_DF2DATA_INVALID_MEDIA_STATE.into())
        }
    }
}

/// The IMultisession members every derived object has: IsSupportedOnCurrentMediaState, InUse and
/// ImportRecorder.
macro_rules! imultisession {
    ($type:ident) => {
        impl $type {
            /// IsSupportedOnCurrentMediaState: this scheme can write the medium in its present state.
            pub fn is_supported_on_current_media_state(&self) -> ImapiResult<bool> {
                Ok((self.common.supports)(&self.common.state()?))
            }

            /// InUse: marks the object the image builder is to use.
            pub fn in_use(&self) -> bool {
                self.common.in_use.get()
            }

            pub fn set_in_use(&self, in_use: bool) {
                self.common.in_use.set(in_use);
            }

            /// ImportRecorder: the recorder the image builder reads the previous session through.
            pub fn import_recorder(&self) -> Recorder {
                self.common.recorder.clone()
            }
        }
    };
}

/// IMultisessionSequential2 over a recorder.
#[derive(Clone)]
pub struct MultisessionSequential {
    common: Common,
}

/// IMultisessionRandomWrite over a recorder.
#[derive(Clone)]
pub struct MultisessionRandomWrite {
    common: Common,
}

impl std::fmt::Debug for MultisessionSequential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MultisessionSequential")
            .field("in_use", &self.common.in_use.get())
            .finish()
    }
}

impl std::fmt::Debug for MultisessionRandomWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MultisessionRandomWrite")
            .field("in_use", &self.common.in_use.get())
            .finish()
    }
}

/// Sequential multisession works on this medium now: a sequential profile the drive writes,
/// blank or appendable, and not DVD-RW in sequential mode (IMAPI does not continue those,
/// imapi2.md §3.1).
fn sequential_supported(state: &MediaState) -> bool {
    let status = state.status();
    state.is_sequential()
        && state.profile != Some(Profile::DvdRwSequential)
        && status.intersects(MediaStatus::BLANK | MediaStatus::APPENDABLE)
        && !status.is_unsupported()
}

/// Random-write multisession works on this medium now: an overwritable profile the drive writes.
fn random_write_supported(state: &MediaState) -> bool {
    state.is_overwritable() && state.is_supported_type() && !state.status().is_unsupported()
}

/// −1 for "none", as the API reports it.
fn or_minus_one(value: Option<u32>) -> i32 {
    value.map_or(-1, |v| v as i32)
}

impl MultisessionSequential {
    pub(crate) fn new(recorder: Recorder, postgap_already_in_image: Rc<Cell<bool>>) -> MultisessionSequential {
        MultisessionSequential {
            common: Common::new(recorder, postgap_already_in_image, sequential_supported),
        }
    }

    /// A sequential object over `recorder` on its own (PostgapAlreadyInImage false), as a
    /// script can create MsftMultisessionSequential.
    pub fn for_recorder(recorder: Recorder) -> MultisessionSequential {
        MultisessionSequential::new(recorder, Rc::new(Cell::new(false)))
    }

    fn supported_state(&self) -> ImapiResult<MediaState> {
        self.common.supported_state()
    }

    /// IsFirstDataSession: no earlier session holds data.
    pub fn is_first_data_session(&self) -> ImapiResult<bool> {
        Ok(self.supported_state()?.is_first_data_session())
    }

    /// StartAddressOfPreviousSession: −1 on blank media.
    pub fn start_address_of_previous_session(&self) -> ImapiResult<i32> {
        Ok(or_minus_one(self.supported_state()?.previous_session_start()))
    }

    /// LastWrittenAddressOfPreviousSession: −1 on blank media.
    pub fn last_written_address_of_previous_session(&self) -> ImapiResult<i32> {
        Ok(or_minus_one(self.supported_state()?.previous_session_last_written()))
    }

    /// NextWritableAddress: where the new session starts.
    pub fn next_writable_address(&self) -> ImapiResult<i32> {
        let state = self.supported_state()?;
        state
            .next_writable_address()
            .map(|nwa| nwa as i32)
            .ok_or_else(|| HResult::E_IMAPI_DF2DATA_INVALID_MEDIA_STATE.into())
    }

    /// FreeSectorsOnMedia.
    pub fn free_sectors_on_media(&self) -> ImapiResult<i32> {
        let state = self.supported_state()?;
        Ok(state.free_sectors(self.common.postgap_already_in_image.get()) as i32)
    }

    /// WriteUnitSize (IMultisessionSequential2): CD 1, DVD 16, BD 32 sectors.
    pub fn write_unit_size(&self) -> ImapiResult<i32> {
        Ok(self.supported_state()?.write_unit_blocks() as i32)
    }
}

imultisession!(MultisessionSequential);
imultisession!(MultisessionRandomWrite);

impl MultisessionRandomWrite {
    pub(crate) fn new(recorder: Recorder, postgap_already_in_image: Rc<Cell<bool>>) -> MultisessionRandomWrite {
        MultisessionRandomWrite {
            common: Common::new(recorder, postgap_already_in_image, random_write_supported),
        }
    }

    /// A random-write object over `recorder` on its own (MsftMultisessionRandomWrite).
    pub fn for_recorder(recorder: Recorder) -> MultisessionRandomWrite {
        MultisessionRandomWrite::new(recorder, Rc::new(Cell::new(false)))
    }

    fn supported_state(&self) -> ImapiResult<MediaState> {
        self.common.supported_state()
    }

    /// WriteUnitSize: DVD 16, BD 32 sectors.
    pub fn write_unit_size(&self) -> ImapiResult<i32> {
        Ok(self.supported_state()?.write_unit_blocks() as i32)
    }

    /// LastWrittenAddress: −1 on (heuristically) blank media; otherwise the last recorded address
    /// the drive reports, or the last block of the formatted area when it reports none (DVD+RW,
    /// BD-RE and DVD-RAM have no physical sessions: the image builder finds the end of the last
    /// logical session in the file system, imapi2.md §3.8).
    pub fn last_written_address(&self) -> ImapiResult<i32> {
        let state = self.supported_state()?;
        if heuristically_blank(&self.common.recorder, &state, Phase::Query)? {
            return Ok(-1);
        }
        let reported = state.probe.tracks.first().and_then(|t| t.last_recorded_address);
        Ok(reported.map_or(state.total_sectors() as i32 - 1, |lra| lra as i32))
    }

    /// TotalSectorsOnMedia.
    pub fn total_sectors_on_media(&self) -> ImapiResult<i32> {
        Ok(self.supported_state()?.total_sectors() as i32)
    }
}

/// A multisession object of a scheme the image builder does not implement (the docs name BD-R
/// pseudo-overwrite as the kind of thing a third party might derive from IMultisession). It lets
/// callers and tests offer the builder a type it must refuse.
#[derive(Debug, Clone)]
pub struct ForeignMultisession {
    pub name: String,
    in_use: Rc<Cell<bool>>,
    supported: bool,
    recorder: Option<Recorder>,
}

impl ForeignMultisession {
    pub fn new(name: &str, supported_on_current_media: bool, recorder: Option<Recorder>) -> ForeignMultisession {
        ForeignMultisession {
            name: name.to_string(),
            in_use: Rc::new(Cell::new(false)),
            supported: supported_on_current_media,
            recorder,
        }
    }
}

/// One element of the MultisessionInterfaces list: an IDispatch of an IMultisession-derived
/// object. Clones share InUse (they are the same object).
#[derive(Debug, Clone)]
pub enum MultisessionRef {
    Sequential(MultisessionSequential),
    RandomWrite(MultisessionRandomWrite),
    Foreign(ForeignMultisession),
}

/// The parameters the image builder takes from the chosen object (imapi2.md §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MultisessionParameters {
    Sequential {
        is_first_data_session: bool,
        start_address_of_previous_session: i32,
        last_written_address_of_previous_session: i32,
        next_writable_address: i32,
        free_sectors_on_media: i32,
        write_unit_size: i32,
    },
    RandomWrite {
        write_unit_size: i32,
        last_written_address: i32,
        total_sectors_on_media: i32,
    },
}

impl MultisessionRef {
    pub fn kind(&self) -> MultisessionKind {
        match self {
            MultisessionRef::Sequential(_) => MultisessionKind::Sequential,
            MultisessionRef::RandomWrite(_) => MultisessionKind::RandomWrite,
            MultisessionRef::Foreign(_) => MultisessionKind::Foreign,
        }
    }

    pub fn in_use(&self) -> bool {
        match self {
            MultisessionRef::Sequential(m) => m.in_use(),
            MultisessionRef::RandomWrite(m) => m.in_use(),
            MultisessionRef::Foreign(m) => m.in_use.get(),
        }
    }

    pub fn set_in_use(&self, in_use: bool) {
        match self {
            MultisessionRef::Sequential(m) => m.set_in_use(in_use),
            MultisessionRef::RandomWrite(m) => m.set_in_use(in_use),
            MultisessionRef::Foreign(m) => m.in_use.set(in_use),
        }
    }

    pub fn is_supported_on_current_media_state(&self) -> ImapiResult<bool> {
        match self {
            MultisessionRef::Sequential(m) => m.is_supported_on_current_media_state(),
            MultisessionRef::RandomWrite(m) => m.is_supported_on_current_media_state(),
            MultisessionRef::Foreign(m) => Ok(m.supported),
        }
    }

    /// ImportRecorder; a foreign object without one answers `E_IMAPI_RECORDER_REQUIRED`.
    pub fn import_recorder(&self) -> ImapiResult<Recorder> {
        match self {
            MultisessionRef::Sequential(m) => Ok(m.import_recorder()),
            MultisessionRef::RandomWrite(m) => Ok(m.import_recorder()),
            MultisessionRef::Foreign(m) => m
                .recorder
                .clone()
                .ok_or_else(|| HResult::E_IMAPI_RECORDER_REQUIRED.into()),
        }
    }

    /// Every parameter getter of the object, read once; the first failure is returned as the
    /// getter reported it. Foreign objects have none the builder knows (`E_NOINTERFACE`).
    pub fn parameters(&self) -> ImapiResult<MultisessionParameters> {
        match self {
            MultisessionRef::Sequential(m) => Ok(MultisessionParameters::Sequential {
                is_first_data_session: m.is_first_data_session()?,
                start_address_of_previous_session: m.start_address_of_previous_session()?,
                last_written_address_of_previous_session: m.last_written_address_of_previous_session()?,
                next_writable_address: m.next_writable_address()?,
                free_sectors_on_media: m.free_sectors_on_media()?,
                write_unit_size: m.write_unit_size()?,
            }),
            MultisessionRef::RandomWrite(m) => Ok(MultisessionParameters::RandomWrite {
                write_unit_size: m.write_unit_size()?,
                last_written_address: m.last_written_address()?,
                total_sectors_on_media: m.total_sectors_on_media()?,
            }),
            MultisessionRef::Foreign(_) => Err(HResult::E_NOINTERFACE.into()),
        }
    }
}
