//! `Recorder`: the IDiscRecorder2 subset (imapi2.md §2.7) over any `ScsiDevice` — identity
//! (INQUIRY), profiles and feature pages (GET CONFIGURATION), mode pages (MODE SENSE 3Fh), eject
//! and close tray (START STOP UNIT), exclusive access with a lock count and an owner, and
//! DeviceCanLoadMedia (feature 0003h).
//!
//! **Sharing.** The data writer, the eraser and the multisession objects all talk to the same
//! drive through the same recorder, as IMAPI2's objects share one `IDiscRecorder2`. A `Recorder`
//! is therefore a cheap handle (`Rc` to the shared state; clones are the *same* recorder object).
//! The device sits in an `Rc<RefCell<dyn ScsiDevice>>`: single-threaded like a COM apartment, and
//! a caller that built the device (a test with an emulated `Drive`) can keep its own `Rc` to it.
//! The device is borrowed for one command at a time and released between commands, so a clock
//! that advances the emulator ([`EmulatorClock`]) can run while a writer polls.
//!
//! **Exclusive access.** The lock belongs to the device, the owner is a recorder object: clones of
//! one `Recorder` share an identity, [`Recorder::another_handle`] makes a second recorder object
//! on the same device (another program that called InitializeDiscRecorder, which never fails on a
//! locked drive — imapi2.md §4 trap 11). While one object holds the lock, every device access of
//! another gives `E_IMAPI_RECORDER_LOCKED` (0xC0AA0210). The lock counts: +1 per acquire, −1 per
//! release, free at 0 (§2.7).

use super::clock::{Clock, EmulatorClock, PollPolicy, WallClock};
use super::command::{CommandError, data_in, no_data, parsed};
use super::errors::{Phase, imapi_error};
use super::media_state::MediaState;
use super::probe::MediaProbe;
use crate::device::{Completion, DataPhase, ScsiDevice, Status, TransportError};
use crate::drive::Drive;
use crate::hresult::{HResult, ImapiError, ImapiResult};
use crate::mmc::Sense;
use crate::mmc::cdb::{
    ConfigurationRequest, GetConfiguration, ModeSense10, PageControl, RequestSense, StartStopAction, StartStopUnit,
};
use crate::mmc::configuration::{Configuration, ConfigurationRepr};
use crate::mmc::features::{Feature, feature_code};
use crate::mmc::inquiry::{StandardInquiryRepr, trimmed};
use crate::mmc::mode_parameters::{HeaderKind, ModeParameterListRepr};
use crate::mmc::sense_data::{SenseDataRepr, SenseKeySpecific};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// GET CONFIGURATION allocation for "every feature" (the whole list fits easily).
const CONFIGURATION_ALLOCATION: u16 = 0xFFF0;
/// MODE SENSE(10) allocation for page 3Fh.
const MODE_SENSE_ALLOCATION: u16 = 0xFFF0;
/// Unit attentions a command is retried after (the operating system's class driver does this
/// before IMAPI2 sees anything: power-on, medium change, mode parameters changed).
const UNIT_ATTENTION_RETRIES: u32 = 3;
/// CDROM_EXCLUSIVE_CALLER_LENGTH: 64 characters including the terminating NUL.
const CLIENT_NAME_MAX_CHARS: usize = 63;

/// Who holds exclusive access.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ExclusiveLock {
    holder: u64,
    owner: String,
    count: u32,
}

/// What every recorder object on one device shares.
struct Shared {
    device: Rc<RefCell<dyn ScsiDevice>>,
    clock: RefCell<Box<dyn Clock>>,
    poll: Cell<PollPolicy>,
    lock: RefCell<Option<ExclusiveLock>>,
    next_id: Cell<u64>,
}

/// An IDiscRecorder2: one drive, shared by the writer, the eraser and the multisession objects.
#[derive(Clone)]
pub struct Recorder {
    shared: Rc<Shared>,
    id: u64,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").field("id", &self.id).finish_non_exhaustive()
    }
}

/// A client name as IMAPI2 accepts it (ClientName of the formats, AcquireExclusiveAccess): 1 to 63
/// characters (CDROM_EXCLUSIVE_CALLER_LENGTH is 64 with the NUL), ASCII letters, digits, space,
/// `_`, `-` and `.`. The character set is our reading of the exclusive-access rules of the CD-ROM
/// class driver (imapi2.md §2.7 "IOCTL_CDROM_EXCLUSIVE_ACCESS rules") — unverified, documented in
/// docs/errors.md.
pub fn is_valid_client_name(name: &str) -> bool {
    (1..=CLIENT_NAME_MAX_CHARS).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.'))
}

impl Recorder {
    /// A recorder over `device`, waiting on the wall clock.
    pub fn new(device: impl ScsiDevice + 'static) -> Recorder {
        Recorder::from_shared(Rc::new(RefCell::new(device)))
    }

    /// A recorder over a device the caller keeps a handle to (e.g. an emulated drive whose state
    /// a test inspects).
    pub fn from_shared<D: ScsiDevice + 'static>(device: Rc<RefCell<D>>) -> Recorder {
        let device: Rc<RefCell<dyn ScsiDevice>> = device;
        Recorder {
            shared: Rc::new(Shared {
                device,
                clock: RefCell::new(Box::new(WallClock::default())),
                poll: Cell::new(PollPolicy::default()),
                lock: RefCell::new(None),
                next_id: Cell::new(1),
            }),
            id: 0,
        }
    }

    /// A recorder over an emulated drive whose simulated clock it advances while it waits; the
    /// returned handle gives access to the drive.
    pub fn emulated(drive: Drive) -> (Recorder, Rc<RefCell<Drive>>) {
        let drive = Rc::new(RefCell::new(drive));
        let recorder = Recorder::from_shared(drive.clone());
        recorder.set_clock(EmulatorClock::new(drive.clone()));
        (recorder, drive)
    }

    /// A second recorder object on the same device (another client): it has its own identity for
    /// exclusive access.
    pub fn another_handle(&self) -> Recorder {
        let id = self.shared.next_id.get();
        self.shared.next_id.set(id + 1);
        Recorder {
            shared: self.shared.clone(),
            id,
        }
    }

    /// Both handles are the same recorder object.
    pub fn same_object(&self, other: &Recorder) -> bool {
        Rc::ptr_eq(&self.shared, &other.shared) && self.id == other.id
    }

    /// Both handles drive the same device.
    pub fn same_device(&self, other: &Recorder) -> bool {
        Rc::ptr_eq(&self.shared, &other.shared)
    }

    pub fn set_clock(&self, clock: impl Clock + 'static) {
        *self.shared.clock.borrow_mut() = Box::new(clock);
    }

    pub fn set_poll_policy(&self, policy: PollPolicy) {
        self.shared.poll.set(policy);
    }

    pub fn poll_policy(&self) -> PollPolicy {
        self.shared.poll.get()
    }

    /// The clock's time in ms.
    pub fn now_ms(&self) -> u64 {
        self.shared.clock.borrow().now_ms()
    }

    /// Let time pass (sleep, or advance the emulator).
    pub fn wait_ms(&self, ms: u64) {
        self.shared.clock.borrow_mut().wait_ms(ms);
    }

    // ---- identity (INQUIRY) ----

    fn inquiry(&self) -> ImapiResult<StandardInquiryRepr> {
        self.query(super::probe::standard_inquiry)
    }

    /// VendorId: INQUIRY bytes 8–15, trailing spaces removed.
    pub fn vendor_id(&self) -> ImapiResult<String> {
        Ok(trimmed(&self.inquiry()?.vendor))
    }

    /// ProductId: INQUIRY bytes 16–31.
    pub fn product_id(&self) -> ImapiResult<String> {
        Ok(trimmed(&self.inquiry()?.product))
    }

    /// ProductRevision: INQUIRY bytes 32–35.
    pub fn product_revision(&self) -> ImapiResult<String> {
        Ok(trimmed(&self.inquiry()?.revision))
    }

    // ---- configuration (GET CONFIGURATION) ----

    pub(crate) fn configuration(
        &self,
        request_type: ConfigurationRequest,
        starting_feature: u16,
    ) -> ImapiResult<ConfigurationRepr> {
        self.query(|device| configuration(device, request_type, starting_feature))
    }

    /// The profile list of feature 0000h: every profile the drive knows, as it orders them.
    fn profile_list(&self) -> ImapiResult<Vec<(u16, bool)>> {
        let config = self.configuration(ConfigurationRequest::One, feature_code::PROFILE_LIST)?;
        Ok(config
            .features
            .iter()
            .find_map(|f| match &f.feature {
                Feature::ProfileList(list) => Some(list.iter().map(|p| (p.profile, p.current)).collect()),
                _ => None,
            })
            .unwrap_or_default())
    }

    /// SupportedProfiles (IMAPI_PROFILE_TYPE values).
    pub fn supported_profiles(&self) -> ImapiResult<Vec<u16>> {
        Ok(self.profile_list()?.into_iter().map(|(p, _)| p).collect())
    }

    /// CurrentProfiles: the profiles marked current (empty with no medium).
    pub fn current_profiles(&self) -> ImapiResult<Vec<u16>> {
        Ok(self
            .profile_list()?
            .into_iter()
            .filter(|(_, current)| *current)
            .map(|(p, _)| p)
            .collect())
    }

    /// The current profile of GET CONFIGURATION bytes 6–7 (0000h: no medium) — what the
    /// multisession choice reads to learn the media type.
    pub fn current_profile(&self) -> ImapiResult<u16> {
        Ok(self
            .configuration(ConfigurationRequest::Current, feature_code::PROFILE_LIST)?
            .current_profile)
    }

    /// SupportedFeaturePages: every feature code the drive presents.
    pub fn supported_feature_pages(&self) -> ImapiResult<Vec<u16>> {
        let config = self.configuration(ConfigurationRequest::All, 0)?;
        Ok(config.features.iter().map(|f| f.code()).collect())
    }

    /// CurrentFeaturePages: the feature codes marked current.
    pub fn current_feature_pages(&self) -> ImapiResult<Vec<u16>> {
        let config = self.configuration(ConfigurationRequest::Current, 0)?;
        Ok(config.features.iter().filter(|f| f.current).map(|f| f.code()).collect())
    }

    /// One feature as the drive reports it (RT 10b); `E_IMAPI_RECORDER_NO_SUCH_FEATURE` when the
    /// drive does not present it.
    pub fn feature(&self, code: u16) -> ImapiResult<crate::mmc::features::FeatureRepr> {
        let config = self.configuration(ConfigurationRequest::One, code)?;
        config
            .features
            .into_iter()
            .find(|f| f.code() == code)
            .ok_or_else(|| HResult::E_IMAPI_RECORDER_NO_SUCH_FEATURE.into())
    }

    /// DeviceCanLoadMedia: feature 0003h says the drive can close its tray — the Load bit, or a
    /// tray / changer loading mechanism on drives that predate the bit.
    pub fn device_can_load_media(&self) -> ImapiResult<bool> {
        match self.feature(feature_code::REMOVABLE_MEDIUM)?.feature {
            Feature::RemovableMedium {
                loading_mechanism,
                load,
                ..
            } => Ok(load || matches!(loading_mechanism, 1 | 4 | 5)),
            _ => Err(HResult::E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE.into()),
        }
    }

    // ---- mode pages ----

    /// SupportedModePages: the page codes MODE SENSE(10) of page 3Fh returns.
    pub fn supported_mode_pages(&self) -> ImapiResult<Vec<u8>> {
        self.query(|device| {
            let bytes = data_in(
                device,
                ModeSense10 {
                    long_lba_accepted: false,
                    disable_block_descriptors: true,
                    page_control: PageControl::Current,
                    page_code: crate::mmc::cdb::ALL_PAGES,
                    subpage_code: 0,
                    allocation_length: MODE_SENSE_ALLOCATION,
                },
            )?;
            let list = parsed("MODE SENSE(10)", ModeParameterListRepr::parse(&bytes, HeaderKind::Ten))?;
            Ok(list.pages.iter().map(|p| p.page_code()).collect())
        })
    }

    // ---- tray ----

    /// EjectMedia: START STOP UNIT with LoEj (a prevented removal is refused by the drive).
    pub fn eject_media(&self) -> ImapiResult<()> {
        self.start_stop(StartStopAction::Eject)
    }

    /// CloseTray: START STOP UNIT with LoEj and Start.
    pub fn close_tray(&self) -> ImapiResult<()> {
        self.start_stop(StartStopAction::Load)
    }

    fn start_stop(&self, action: StartStopAction) -> ImapiResult<()> {
        self.query(|device| {
            no_data(
                device,
                StartStopUnit {
                    immediate: false,
                    action,
                },
                None,
            )
        })
    }

    // ---- exclusive access ----

    /// AcquireExclusiveAccess(force, clientName): +1 on the lock count. Another recorder object
    /// holding the lock gives `E_IMAPI_RECORDER_LOCKED`; an invalid name
    /// `E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID`. `force` matters on Windows (dismounting a
    /// mounted file system); there is none to dismount here.
    pub fn acquire_exclusive_access(&self, _force: bool, client_name: &str) -> ImapiResult<()> {
        if !is_valid_client_name(client_name) {
            return Err(HResult::E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID.into());
        }
        let mut lock = self.shared.lock.borrow_mut();
        match lock.as_mut() {
            Some(held) if held.holder != self.id => Err(HResult::E_IMAPI_RECORDER_LOCKED.into()),
            Some(held) => {
                held.count += 1;
                Ok(())
            }
            None => {
                *lock = Some(ExclusiveLock {
                    holder: self.id,
                    owner: client_name.to_string(),
                    count: 1,
                });
                Ok(())
            }
        }
    }

    /// ReleaseExclusiveAccess: −1 on the lock count, free at 0. Releasing a lock another object
    /// holds is `E_IMAPI_RECORDER_LOCKED`; releasing a free lock does nothing.
    pub fn release_exclusive_access(&self) -> ImapiResult<()> {
        let mut lock = self.shared.lock.borrow_mut();
        match lock.as_mut() {
            Some(held) if held.holder != self.id => Err(HResult::E_IMAPI_RECORDER_LOCKED.into()),
            Some(held) => {
                held.count -= 1;
                if held.count == 0 {
                    *lock = None;
                }
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// ExclusiveAccessOwner: the client name of the holder, empty when the lock is free.
    pub fn exclusive_access_owner(&self) -> String {
        self.shared
            .lock
            .borrow()
            .as_ref()
            .map_or(String::new(), |l| l.owner.clone())
    }

    /// The lock count (0: free).
    pub fn exclusive_access_count(&self) -> u32 {
        self.shared.lock.borrow().as_ref().map_or(0, |l| l.count)
    }

    /// `E_IMAPI_RECORDER_LOCKED` when another recorder object holds exclusive access.
    pub fn check_access(&self) -> ImapiResult<()> {
        match self.shared.lock.borrow().as_ref() {
            Some(held) if held.holder != self.id => Err(HResult::E_IMAPI_RECORDER_LOCKED.into()),
            _ => Ok(()),
        }
    }

    // ---- issuing commands ----

    /// Run `body` with the device for queries: access checked, failures mapped with the query
    /// rows of the sense table.
    pub(crate) fn query<T>(&self, body: impl FnOnce(&mut dyn ScsiDevice) -> Result<T, CommandError>) -> ImapiResult<T> {
        self.run(Phase::Query, false, body)
    }

    /// Run `body` with the device: exclusive access checked, unit attentions retried, recovered
    /// errors taken as success; with `wait_when_busy` a command answered "operation in progress"
    /// is retried after waiting (bounded by the poll policy). Failures are mapped through the
    /// sense table for `phase`.
    pub(crate) fn run<T>(
        &self,
        phase: Phase,
        wait_when_busy: bool,
        body: impl FnOnce(&mut dyn ScsiDevice) -> Result<T, CommandError>,
    ) -> ImapiResult<T> {
        self.check_access()?;
        let mut conduit = Conduit {
            shared: &self.shared,
            wait_when_busy,
            phase,
        };
        body(&mut conduit).map_err(|e| imapi_error(&e, phase))
    }

    /// The medium as the data writer sees it: the probe of `burn::probe` plus the current
    /// features. In the write and erase phases a busy drive is waited for.
    pub(crate) fn media_state(&self, phase: Phase) -> ImapiResult<MediaState> {
        self.run(phase, phase != Phase::Query, |device| {
            let probe = MediaProbe::query(device)?;
            let current = configuration(device, ConfigurationRequest::Current, 0)?;
            Ok(MediaState::new(probe, &current))
        })
    }

    /// Poll REQUEST SENSE until a long operation started with Immed (`command`) has ended,
    /// waiting on the clock between polls; `on_progress` sees the drive's progress indication
    /// (0–65535) when it gives one. A deferred error is the failure of `command`; polls and time
    /// are bounded by the poll policy (a timeout then, mapped for `phase`).
    pub(crate) fn wait_until_ready(
        &self,
        phase: Phase,
        command: &'static str,
        on_progress: &mut dyn FnMut(Option<u16>),
    ) -> ImapiResult<()> {
        let policy = self.poll_policy();
        let limit_ms = match phase {
            Phase::Erase => policy.erase_timeout_ms,
            _ => policy.write_timeout_ms,
        };
        let started = self.now_ms();
        let mut polls = 0;
        loop {
            let sense = self.run(phase, false, |device| {
                let bytes = data_in(
                    device,
                    RequestSense {
                        descriptor_format: false,
                        allocation_length: 18,
                    },
                )?;
                parsed("REQUEST SENSE", SenseDataRepr::parse_any(&bytes))
            })?;
            let triple = sense.sense;
            let waiting = should_wait(triple);
            let failed = sense.deferred || !(waiting || matches!(triple.key, 0 | 1 | 6));
            if failed {
                return Err(imapi_error(&CommandError::Check { command, sense }, phase));
            }
            if triple.key == 6 {
                continue;
            }
            if !waiting {
                return Ok(());
            }
            on_progress(match sense.key_specific {
                SenseKeySpecific::Progress(p) => Some(p),
                _ => None,
            });
            let waited = self.now_ms().saturating_sub(started);
            if polls >= policy.max_polls || waited >= limit_ms {
                return Err(imapi_error(&super::errors::timeout(command, waited), phase));
            }
            polls += 1;
            self.wait_ms(policy.interval_ms);
        }
    }
}

/// The recorder a format object holds, or `E_IMAPI_RECORDER_REQUIRED` when none is set.
pub(crate) fn required(slot: &RefCell<Option<Recorder>>) -> ImapiResult<Recorder> {
    slot.borrow()
        .clone()
        .ok_or_else(|| HResult::E_IMAPI_RECORDER_REQUIRED.into())
}

/// GET CONFIGURATION with a large allocation, parsed.
pub(crate) fn configuration(
    device: &mut dyn ScsiDevice,
    request_type: ConfigurationRequest,
    starting_feature: u16,
) -> Result<ConfigurationRepr, CommandError> {
    let bytes = data_in(
        device,
        GetConfiguration {
            request_type,
            starting_feature,
            allocation_length: CONFIGURATION_ALLOCATION,
        },
    )?;
    let view = parsed("GET CONFIGURATION", Configuration::new_checked(&bytes[..]))?;
    parsed("GET CONFIGURATION", ConfigurationRepr::parse(&view))
}

/// The device as the recorder API sees it: one command at a time, with the retries an operating
/// system's class driver and IMAPI2 apply before an error reaches the caller.
struct Conduit<'a> {
    shared: &'a Shared,
    wait_when_busy: bool,
    phase: Phase,
}

/// 2/04/01, 2/04/04, 2/04/07, 2/04/08: the drive is becoming ready or busy with a long
/// operation, and will be ready later (libburn keeps waiting on these, mmc.md §1.6).
pub(crate) fn should_wait(sense: Sense) -> bool {
    sense.key == 0x2 && sense.asc == 0x04 && matches!(sense.ascq, 0x01 | 0x04 | 0x07 | 0x08)
}

impl ScsiDevice for Conduit<'_> {
    fn execute(&mut self, cdb: &[u8], mut data: DataPhase<'_>) -> Result<Completion, TransportError> {
        let policy = self.shared.poll.get();
        let limit_ms = match self.phase {
            Phase::Erase => policy.erase_timeout_ms,
            _ => policy.write_timeout_ms,
        };
        let started = self.shared.clock.borrow().now_ms();
        let mut attentions = 0;
        let mut polls = 0;
        loop {
            let phase = match &mut data {
                DataPhase::None => DataPhase::None,
                DataPhase::In(buffer) => DataPhase::In(&mut buffer[..]),
                DataPhase::Out(buffer) => DataPhase::Out(buffer),
            };
            let completion = self.shared.device.borrow_mut().execute(cdb, phase)?;
            if completion.is_good() {
                return Ok(completion);
            }
            let Some(sense) = completion.sense_data() else {
                return Ok(completion);
            };
            match sense.sense.key {
                // Recovered error: the command did its work (mmc.md §1.6: libburn goes on on key 1).
                1 => {
                    let residual = match data {
                        DataPhase::In(_) => 0,
                        _ => completion.residual,
                    };
                    return Ok(Completion {
                        status: Status::Good,
                        sense: Vec::new(),
                        residual,
                    });
                }
                6 if attentions < UNIT_ATTENTION_RETRIES => attentions += 1,
                _ if self.wait_when_busy && !sense.deferred && should_wait(sense.sense) => {
                    let waited = self.shared.clock.borrow().now_ms().saturating_sub(started);
                    if polls >= policy.max_polls || waited >= limit_ms {
                        return Err(TransportError::Timeout(waited));
                    }
                    polls += 1;
                    self.shared.clock.borrow_mut().wait_ms(policy.interval_ms);
                }
                _ => return Ok(completion),
            }
        }
    }
}

impl From<CommandError> for ImapiError {
    /// A failed query (the query rows of the sense table).
    fn from(error: CommandError) -> ImapiError {
        imapi_error(&error, Phase::Query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_names() {
        assert!(is_valid_client_name("burnbench"));
        assert!(is_valid_client_name("My Burner 2.0_x-y"));
        assert!(!is_valid_client_name(""));
        assert!(!is_valid_client_name("bad/name"));
        assert!(!is_valid_client_name("tab\there"));
        assert!(!is_valid_client_name(&"x".repeat(64)));
        assert!(is_valid_client_name(&"x".repeat(63)));
    }
}
