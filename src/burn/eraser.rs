//! `Eraser`: IDiscFormat2Erase (imapi2.md §2.6) — quick and full erase of CD-RW and DVD-RW with
//! BLANK (001b minimal / 000b full, Immed, polled), and the erase of DVD+RW and BD-RE by
//! formatting (26h; BD-RE 00h full, 31h quick), with progress events (elapsed and estimated total
//! seconds) from the drive's progress indication.
//!
//! Errors: `E_IMAPI_RECORDER_REQUIRED`, `E_IMAPI_ERASE_CLIENT_NAME_IS_NOT_VALID`,
//! `E_IMAPI_ERASE_RECORDER_NOT_SUPPORTED`, `E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED` (read-only and
//! unknown media, DVD-RAM), `E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE` (0x80AA0904: write-once media —
//! note the 0x80AA pattern of the 0900–0908 block), `E_IMAPI_ERASE_DRIVE_FAILED_SPINUP_COMMAND`,
//! and `E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR` for an erase that does not end in time *and* for
//! one that fails on bad media (imapi2.md §4 trap 10) — the erase rows of the sense table.

use super::command::no_data;
use super::errors::Phase;
use super::media_state::PhysicalMediaType;
use super::recorder::{Recorder, is_valid_client_name, required};
use crate::hresult::{HResult, ImapiResult};
use crate::media::{Family, Profile};
use crate::mmc::cdb::{
    Blank, BlankingType, CloseFunction, CloseTrackSession, FormatUnit, StartStopAction, StartStopUnit,
};
use crate::mmc::features::feature_code;
use crate::mmc::format_capacities::format_type;
use crate::mmc::format_unit::{ALL_BLOCKS, FormatListRepr};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// DDiscFormat2EraseEvents::Update: seconds so far and the estimated total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EraseProgress {
    pub elapsed_seconds: u64,
    pub estimated_total_seconds: u64,
}

/// Features of a drive that can erase something: CD-RW CAV write (CD-RW blanking), Formattable
/// (DVD-RW, DVD+RW, BD-RE), DVD-R/-RW write (DVD-RW blanking), DVD+RW.
const ERASE_FEATURES: [u16; 4] = [
    feature_code::CD_RW_CAV_WRITE,
    feature_code::FORMATTABLE,
    feature_code::DVD_R_RW_WRITE,
    feature_code::DVD_PLUS_RW,
];

/// What the estimate assumes before the drive reports progress, in seconds: typical durations of
/// a minimal blank, a full blank and a format (the orders of magnitude of docs/drive.md "Time").
const GUESS_QUICK_S: u64 = 60;
const GUESS_FULL_S: u64 = 600;
const GUESS_FORMAT_S: u64 = 120;

struct Inner {
    recorder: RefCell<Option<Recorder>>,
    full_erase: Cell<bool>,
    client_name: RefCell<String>,
    erasing: Cell<bool>,
}

/// IDiscFormat2Erase.
#[derive(Clone)]
pub struct Eraser {
    inner: Rc<Inner>,
}

impl Default for Eraser {
    fn default() -> Eraser {
        Eraser::new()
    }
}

/// Clears the erasing flag however the erase ends.
struct EraseGuard<'a>(&'a Cell<bool>);

impl Drop for EraseGuard<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

/// How a medium is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Blank(BlankingType),
    /// FORMAT UNIT; `wait`: foreground format; `complete`: then CLOSE 010b (DVD+RW full erase:
    /// finish the background format).
    Format {
        list: FormatListRepr,
        wait: bool,
        complete: bool,
    },
}

impl Eraser {
    pub fn new() -> Eraser {
        Eraser {
            inner: Rc::new(Inner {
                recorder: RefCell::new(None),
                full_erase: Cell::new(false),
                client_name: RefCell::new(String::new()),
                erasing: Cell::new(false),
            }),
        }
    }

    /// put_Recorder: `E_IMAPI_ERASE_RECORDER_IN_USE` during an erase;
    /// `E_IMAPI_ERASE_ONLY_ONE_RECORDER_SUPPORTED` when another recorder is set (clear it with
    /// `None` first).
    pub fn set_recorder(&self, recorder: Option<&Recorder>) -> ImapiResult<()> {
        if self.inner.erasing.get() {
            return Err(HResult::E_IMAPI_ERASE_RECORDER_IN_USE.into());
        }
        let mut slot = self.inner.recorder.borrow_mut();
        if let (Some(current), Some(new)) = (slot.as_ref(), recorder)
            && !current.same_object(new)
        {
            return Err(HResult::E_IMAPI_ERASE_ONLY_ONE_RECORDER_SUPPORTED.into());
        }
        *slot = recorder.cloned();
        Ok(())
    }

    pub fn recorder(&self) -> ImapiResult<Recorder> {
        required(&self.inner.recorder)
    }

    pub fn full_erase(&self) -> bool {
        self.inner.full_erase.get()
    }

    /// FullErase: TRUE overwrites the whole medium, FALSE (default) only what makes it blank.
    pub fn set_full_erase(&self, full: bool) {
        self.inner.full_erase.set(full);
    }

    pub fn client_name(&self) -> String {
        self.inner.client_name.borrow().clone()
    }

    pub fn set_client_name(&self, name: &str) {
        *self.inner.client_name.borrow_mut() = name.to_string();
    }

    /// CurrentPhysicalMediaType.
    pub fn current_physical_media_type(&self) -> ImapiResult<PhysicalMediaType> {
        Ok(self.recorder()?.media_state(Phase::Query)?.physical_type())
    }

    /// EraseMedia.
    pub fn erase_media(&self) -> ImapiResult<()> {
        self.erase_media_with_progress(&mut |_| {})
    }

    /// EraseMedia with DDiscFormat2EraseEvents::Update.
    pub fn erase_media_with_progress(&self, on_progress: &mut dyn FnMut(&EraseProgress)) -> ImapiResult<()> {
        if self.inner.erasing.get() {
            return Err(HResult::E_IMAPI_ERASE_RECORDER_IN_USE.into());
        }
        let recorder = self.recorder()?;
        let client = self.client_name();
        if !is_valid_client_name(&client) {
            return Err(HResult::E_IMAPI_ERASE_CLIENT_NAME_IS_NOT_VALID.into());
        }
        let pages = recorder.supported_feature_pages()?;
        if !ERASE_FEATURES.iter().any(|f| pages.contains(f)) {
            return Err(HResult::E_IMAPI_ERASE_RECORDER_NOT_SUPPORTED.into());
        }
        self.inner.erasing.set(true);
        let _guard = EraseGuard(&self.inner.erasing);
        // Spin up first (0908 when the drive refuses).
        recorder.run(Phase::Erase, true, |d| {
            no_data(
                d,
                StartStopUnit {
                    immediate: false,
                    action: StartStopAction::Start,
                },
                None,
            )
        })?;
        let method = self.method(&recorder)?;
        recorder.acquire_exclusive_access(false, &client)?;
        let result = self.run(&recorder, method, on_progress);
        let _ = recorder.release_exclusive_access();
        result
    }

    /// Which erase the loaded medium takes.
    fn method(&self, recorder: &Recorder) -> ImapiResult<Method> {
        let state = recorder.media_state(Phase::Erase)?;
        let Some(profile) = state.profile.filter(|p| p.family() != Family::ReadOnly) else {
            return Err(HResult::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED.into());
        };
        if !state.probe.disc.erasable {
            // The Erasable bit of READ DISC INFORMATION: "the drive reported that the media is
            // not erasable".
            return Err(HResult::E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE.into());
        }
        if !state.writable {
            return Err(HResult::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED.into());
        }
        let full = self.full_erase();
        let listed = |format: u8, subtype: u8| {
            state
                .format_list(format, subtype)
                .ok_or(HResult::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED)
        };
        Ok(match profile {
            Profile::CdRw | Profile::DvdRwSequential | Profile::DvdRwRestrictedOverwrite => Method::Blank(if full {
                BlankingType::Disc
            } else {
                BlankingType::Minimal
            }),
            Profile::DvdPlusRw => Method::Format {
                list: FormatListRepr::immediate(format_type::DVD_PLUS_RW_BASIC, 0, ALL_BLOCKS, 0),
                wait: false,
                complete: full,
            },
            Profile::BdRe => Method::Format {
                list: if full {
                    listed(format_type::FULL, 0)?
                } else {
                    listed(format_type::BD_RE_WITHOUT_SPARE, 0)?
                },
                wait: true,
                complete: false,
            },
            // DVD-RAM is erasable but needs no erase before writing: not a medium this format takes.
            _ => return Err(HResult::E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED.into()),
        })
    }

    fn run(&self, recorder: &Recorder, method: Method, on_progress: &mut dyn FnMut(&EraseProgress)) -> ImapiResult<()> {
        let started = recorder.now_ms();
        let (guess_s, command) = match method {
            Method::Blank(BlankingType::Disc) => (GUESS_FULL_S, "BLANK"),
            Method::Blank(_) => (GUESS_QUICK_S, "BLANK"),
            Method::Format { .. } => (GUESS_FORMAT_S, "FORMAT UNIT"),
        };
        let mut report = |progress: Option<u16>| {
            let elapsed_ms = recorder.now_ms().saturating_sub(started);
            let estimated_ms = match progress {
                Some(p) if p > 0 => elapsed_ms * 65536 / u64::from(p),
                _ => (guess_s * 1000).max(elapsed_ms),
            };
            on_progress(&EraseProgress {
                elapsed_seconds: elapsed_ms / 1000,
                estimated_total_seconds: estimated_ms.div_ceil(1000),
            });
        };
        report(Some(0));
        match method {
            Method::Blank(blanking_type) => {
                let blank = Blank {
                    immediate: true,
                    blanking_type,
                    address: 0,
                };
                recorder.run(Phase::Erase, true, |d| no_data(d, blank, None))?;
                recorder.wait_until_ready(Phase::Erase, command, &mut report)?;
            }
            Method::Format { list, wait, complete } => {
                let bytes = list.to_vec();
                let format = FormatUnit {
                    format_data: true,
                    complete_list: false,
                };
                recorder.run(Phase::Erase, true, |d| no_data(d, format, Some(&bytes)))?;
                if wait {
                    recorder.wait_until_ready(Phase::Erase, command, &mut report)?;
                }
                if complete {
                    let close = CloseTrackSession {
                        immediate: true,
                        function: CloseFunction::CloseSession,
                        track_number: 0,
                    };
                    recorder.run(Phase::Erase, true, |d| no_data(d, close, None))?;
                    recorder.wait_until_ready(Phase::Erase, "CLOSE TRACK/SESSION", &mut report)?;
                }
            }
        }
        report(Some(u16::MAX));
        Ok(())
    }
}
