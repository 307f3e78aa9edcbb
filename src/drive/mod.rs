//! The emulated drive: tray and medium presence, unit attentions, drive models, mode pages,
//! command dispatch, fault injection and trace. Asks `media::Disc` for every rule (DESIGN.md).
//!
//! A command passes, in order: a pending deferred error (reported instead of running it), a
//! pending unit attention (unless the command is one of the four that pass one), CDB decoding
//! (5/20/00, 5/24/00 with field pointer), the medium gate (2/3A/0x, 2/04/01, 2/30/00), the busy
//! gate (2/04/04, 2/04/07, 2/04/08 with progress), and then its handler, which decodes with
//! `mmc`, asks `media` and encodes with `mmc`.

mod busy;
pub mod fault;
pub mod features;
mod gate;
mod handlers;
pub mod model;
mod pages;
pub mod trace;

pub use busy::{Busy, Operation};
pub use fault::{Disposition, Effect, FaultInjector, FaultPlan, Injection};
pub use model::{BusyReport, DescriptorSense, DriveModel, Interface, UnwrittenRead};
pub use trace::Tracer;

use crate::device::{Completion, DataPhase, ScsiDevice, TransportError};
use crate::media::medium::Medium;
use crate::media::{BackgroundFormat, FormatState, WriteParameters};
use crate::mmc::Sense;
use crate::mmc::cdb::{Command, opcode};
use crate::mmc::sense_data::SenseDataRepr;
use crate::mmc::wire::CdbError;
use fault::CommandContext;
use std::collections::VecDeque;

/// Why a command ended in CHECK CONDITION, and how much data moved before it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub sense: SenseDataRepr,
    pub transferred: usize,
}

impl From<Sense> for Failure {
    fn from(sense: Sense) -> Failure {
        Failure {
            sense: SenseDataRepr::current(sense),
            transferred: 0,
        }
    }
}

impl From<SenseDataRepr> for Failure {
    fn from(sense: SenseDataRepr) -> Failure {
        Failure { sense, transferred: 0 }
    }
}

impl From<CdbError> for Failure {
    fn from(error: CdbError) -> Failure {
        SenseDataRepr::from_error(error).into()
    }
}

/// What a handler returns on success.
#[derive(Debug)]
pub(crate) enum Reply {
    /// No data phase.
    Empty,
    /// A reply structure; the dispatcher cuts it to the allocation length and the buffer.
    Bytes(Vec<u8>),
    /// The handler wrote this many bytes straight into the data-in buffer (READ).
    Direct(usize),
}

pub(crate) type Outcome = Result<Reply, Failure>;

/// GET EVENT STATUS NOTIFICATION media events waiting to be polled (mmc.md §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaEvent {
    EjectRequest = 1,
    NewMedia = 2,
    MediaRemoval = 3,
}

/// An emulated MMC drive holding at most one medium.
pub struct Drive {
    model: DriveModel,
    tray_open: bool,
    medium: Option<Medium>,
    unit_attentions: VecDeque<Sense>,
    deferred: Option<SenseDataRepr>,
    prevent_removal: bool,
    clock_ms: u64,
    busy: Option<Busy>,
    /// The drive reports 2/04/01 (becoming ready) until the clock reaches this.
    becoming_ready_until: Option<u64>,
    /// Mode pages 01h, 05h and 08h as the host set them.
    pages: pages::ModePages,
    media_event: Option<MediaEvent>,
    operational_change: bool,
    /// Simulated time that every command takes, so that polling loops of real programs progress.
    command_cost_ms: u64,
    commands: u64,
    /// Current read / write speed in kB/s (SET CD SPEED, SET STREAMING).
    read_speed_kbps: u32,
    write_speed_kbps: u32,
    faults: FaultInjector,
    tracer: Tracer,
}

/// How long a host waits before it gives up on a command that never completes (a fault).
const HOST_TIMEOUT_MS: u64 = 30_000;

impl Drive {
    /// A drive just powered on, tray closed, no medium: the first command that does not pass a
    /// unit attention gets 6/29/00.
    pub fn new(model: DriveModel) -> Drive {
        Drive {
            model,
            tray_open: false,
            medium: None,
            unit_attentions: VecDeque::from([Sense::POWER_ON_RESET]),
            deferred: None,
            prevent_removal: false,
            clock_ms: 0,
            busy: None,
            becoming_ready_until: None,
            pages: pages::ModePages::defaults(None),
            media_event: None,
            operational_change: false,
            command_cost_ms: 0,
            commands: 0,
            read_speed_kbps: 0,
            write_speed_kbps: 0,
            faults: FaultInjector::default(),
            tracer: Tracer::off(),
        }
    }

    /// Inject the faults of `plan` from now on (docs/faults.md).
    pub fn set_fault_plan(&mut self, plan: FaultPlan) {
        self.faults = FaultInjector::new(plan);
    }

    pub fn faults(&self) -> &FaultInjector {
        &self.faults
    }

    /// Record every command from now on (docs/trace.md).
    pub fn set_tracer(&mut self, tracer: Tracer) {
        self.tracer = tracer;
    }

    /// The tracer, e.g. to learn whether writing the trace failed.
    pub fn tracer_mut(&mut self) -> &mut Tracer {
        &mut self.tracer
    }

    /// A drive just powered on with `medium` loaded.
    pub fn with_medium(model: DriveModel, medium: Medium) -> Drive {
        let mut drive = Drive::new(model);
        drive.medium = Some(medium);
        drive.reset_write_state();
        drive.suspend_running_format();
        drive
    }

    /// Consume the pending unit attentions, as an operating system does before a program opens
    /// the device ("a settled drive").
    pub fn settle(&mut self) {
        self.unit_attentions.clear();
        self.media_event = None;
    }

    pub fn model(&self) -> &DriveModel {
        &self.model
    }

    pub fn medium(&self) -> Option<&Medium> {
        self.medium.as_ref()
    }

    pub fn medium_mut(&mut self) -> Option<&mut Medium> {
        self.medium.as_mut()
    }

    /// The medium is in the tray and the tray is closed.
    pub fn is_loaded(&self) -> bool {
        !self.tray_open && self.medium.is_some()
    }

    pub fn tray_open(&self) -> bool {
        self.tray_open
    }

    pub fn clock_ms(&self) -> u64 {
        self.clock_ms
    }

    pub fn busy(&self) -> Option<&Busy> {
        self.busy.as_ref()
    }

    /// Simulated time each command takes (0 by default; `burnbench raw` and the device shim set it
    /// so that programs polling TEST UNIT READY see long operations end).
    pub fn set_command_cost_ms(&mut self, ms: u64) {
        self.command_cost_ms = ms;
    }

    /// Let simulated time pass: long operations progress and end, background formats advance.
    pub fn advance(&mut self, ms: u64) {
        self.clock_ms = self.clock_ms.saturating_add(ms);
        self.update_clock();
    }

    /// Operator: put a medium in the tray and close it. The next media command sees 6/28/00 once.
    pub fn load(&mut self, medium: Medium) {
        self.medium = Some(medium);
        self.suspend_running_format();
        self.close_tray();
    }

    /// Operator: take the medium out (opens the tray; refused while removal is prevented, which
    /// posts an eject request event as the button does).
    pub fn unload(&mut self) -> Result<Option<Medium>, Sense> {
        if self.prevent_removal && self.medium.is_some() {
            self.media_event = Some(MediaEvent::EjectRequest);
            return Err(Sense::MEDIUM_REMOVAL_PREVENTED);
        }
        self.open_tray();
        Ok(self.medium.take())
    }

    fn open_tray(&mut self) {
        if !self.tray_open {
            self.tray_open = true;
            if self.medium.is_some() {
                self.media_event = Some(MediaEvent::MediaRemoval);
            }
            // The disc leaves the drive: a running background format stops there.
            self.suspend_running_format();
            self.busy = None;
        }
    }

    fn close_tray(&mut self) {
        if self.tray_open || self.medium.is_some() {
            self.tray_open = false;
            // One pending medium-change attention stands for any number of changes, as on
            // real drives.
            if self.medium.is_some() && !self.unit_attentions.contains(&Sense::NOT_READY_TO_READY_CHANGE) {
                self.unit_attentions.push_back(Sense::NOT_READY_TO_READY_CHANGE);
                self.media_event = Some(MediaEvent::NewMedia);
                self.reset_write_state();
            }
        }
    }

    /// A medium arrives in the drive or leaves it: a background format that was running is
    /// suspended (real-drives.md §5; growisofs resumes it with FORMAT UNIT Restart).
    fn suspend_running_format(&mut self) {
        if let Some(medium) = &mut self.medium {
            medium.suspend_background_format();
        }
    }

    /// Mode page 05h goes back to the medium's default when a new medium arrives.
    fn reset_write_state(&mut self) {
        let family = self
            .medium
            .as_ref()
            .and_then(|m| pages::Page05Family::of(m.disc().profile));
        self.pages.write_parameters = pages::default_write_parameters(family);
    }

    /// Page 05h as the disc rules need it.
    pub(crate) fn write_parameters(&self) -> WriteParameters {
        pages::write_parameters_of(&self.pages.write_parameters)
    }

    /// Page 05h Test Write: accept data, record nothing (mmc.md §1.5).
    pub(crate) fn test_write(&self) -> bool {
        self.pages.write_parameters.test_write
    }

    /// Save the medium (if it is a media image) — a durability point.
    pub fn commit(&mut self) -> Result<(), crate::media::medium::MediumError> {
        match &mut self.medium {
            Some(medium) => medium.commit(),
            None => Ok(()),
        }
    }

    /// Finish long operations whose time has come and let a DVD+RW background format advance.
    fn update_clock(&mut self) {
        if let Some(busy) = &self.busy
            && busy.is_done(self.clock_ms)
        {
            if let Some(failure) = busy.failure {
                self.deferred = Some(SenseDataRepr::deferred(failure));
            }
            self.busy = None;
        }
        let now = self.clock_ms;
        if let Some(medium) = &mut self.medium
            && let FormatState::Formatted {
                background: BackgroundFormat::InProgress { .. },
                ..
            } = medium.disc().format
        {
            let progress = (now.min(busy::BACKGROUND_FORMAT_MS) * 65535 / busy::BACKGROUND_FORMAT_MS) as u16;
            medium.advance_background_format(progress.max(1));
        }
    }

    /// Start a long operation (Immed) or let its time pass (not Immed).
    fn run_long(&mut self, operation: Operation, immediate: bool) {
        if immediate {
            self.busy = Some(Busy::new(operation, self.clock_ms));
        } else {
            self.clock_ms += operation.duration_ms();
        }
    }

    /// The not-ready sense while busy, with progress.
    fn busy_sense(&self) -> Option<SenseDataRepr> {
        self.busy.as_ref().map(|busy| SenseDataRepr {
            key_specific: busy.progress(self.clock_ms),
            ..SenseDataRepr::current(busy.operation.sense())
        })
    }

    /// The sense a command needing the medium gets when there is none or it cannot be used.
    fn medium_gate(&self) -> Option<Sense> {
        if self.tray_open {
            return Some(Sense::MEDIUM_NOT_PRESENT_TRAY_OPEN);
        }
        let Some(medium) = &self.medium else {
            return Some(Sense::MEDIUM_NOT_PRESENT_TRAY_CLOSED);
        };
        if self.becoming_ready_until.is_some_and(|t| self.clock_ms < t) {
            return Some(Sense::BECOMING_READY);
        }
        if !self.model.can_read(medium.disc().profile) {
            return Some(Sense::INCOMPATIBLE_MEDIUM_INSTALLED_NOT_READY);
        }
        None
    }

    /// Run one command (`decoded` is `cdb` decoded, once per command); everything but
    /// transport problems ends in a `Completion`.
    fn run(&mut self, cdb: &[u8], decoded: Decoded, data: &mut DataPhase<'_>) -> Result<Reply, Failure> {
        let code = cdb[0];
        let gate = gate::gate_of(code);
        if code == opcode::REQUEST_SENSE {
            let command = decoded?;
            return self.dispatch(&command, data);
        }
        if let Some(deferred) = self.deferred.take() {
            return Err(deferred.into());
        }
        if !gate.passes_unit_attention
            && let Some(attention) = self.unit_attentions.pop_front()
        {
            return Err(attention.into());
        }
        // Decoding errors are reported here, after the deferred error and the unit attention.
        let command = decoded?;
        if gate.needs_medium
            && let Some(sense) = self.medium_gate()
        {
            return Err(sense.into());
        }
        if !gate.runs_while_busy
            && let Some(sense) = self.busy_sense()
        {
            let tur_passes =
                code == opcode::TEST_UNIT_READY && self.model.busy_report == BusyReport::AllButTestUnitReady;
            if !tur_passes {
                return Err(sense.into());
            }
        }
        // A format or blank that changes the profile (DVD-RW 14h ↔ 13h, BD-R SRM → RRM) posts an
        // operational change event (mmc.md §1.2 GESN; growisofs re-reads the profile on it).
        let profile_before = self.medium.as_ref().map(|m| m.disc().profile);
        let outcome = self.dispatch(&command, data);
        if self.medium.as_ref().map(|m| m.disc().profile) != profile_before {
            self.operational_change = true;
        }
        outcome
    }

    fn dispatch(&mut self, command: &Command, data: &mut DataPhase<'_>) -> Outcome {
        use Command as C;
        match command {
            C::TestUnitReady(_) => Ok(Reply::Empty),
            C::RequestSense(c) => self.request_sense(c),
            C::Inquiry(c) => self.inquiry(c),
            C::StartStopUnit(c) => self.start_stop_unit(c),
            C::PreventAllowMediumRemoval(c) => self.prevent_allow(c),
            C::MechanismStatus(_) => self.mechanism_status(),
            C::ReadBufferCapacity(c) => self.read_buffer_capacity(c),
            C::ReadCapacity(_) => self.read_capacity(),
            C::ReadDiscInformation(c) => self.read_disc_information(c),
            C::ReadTrackInformation(c) => self.read_track_information(c),
            C::Read10(c) => self.read(c.lba, u32::from(c.transfer_blocks), data),
            C::Read12(c) => self.read(c.lba, c.transfer_blocks, data),
            C::Write10(c) => self.write(c.lba, u32::from(c.transfer_blocks), data, false),
            C::Write12(c) => self.write(c.lba, c.transfer_blocks, data, false),
            C::WriteAndVerify10(c) => self.write(c.lba, u32::from(c.transfer_blocks), data, true),
            C::Verify10(c) => self.verify(c, data),
            C::SynchronizeCache(c) => self.synchronize_cache(c.immediate),
            C::ReserveTrack(c) => self.reserve_track(c),
            C::CloseTrackSession(c) => self.close_track_session(c),
            C::Blank(c) => self.blank(c),
            _ => self.dispatch_more(command, data),
        }
    }

    fn medium_ref(&self) -> Result<&Medium, Failure> {
        self.medium.as_ref().ok_or_else(|| Sense::MEDIUM_NOT_PRESENT.into())
    }

    fn medium_mut_or_fail(&mut self) -> Result<&mut Medium, Failure> {
        self.medium.as_mut().ok_or_else(|| Sense::MEDIUM_NOT_PRESENT.into())
    }
}

impl Drive {
    /// The fault that fires on this command, if any.
    fn inject(&mut self, index: u64, cdb: &[u8], decoded: Decoded) -> Option<Injection> {
        if self.faults.is_exhausted() {
            return None;
        }
        let blocks = decoded.ok().and_then(|c| block_range(&c));
        self.faults.check(&CommandContext {
            index,
            opcode: cdb[0],
            blocks,
        })
    }

    /// Run one command under the fault plan and turn the outcome into a completion.
    fn complete(&mut self, index: u64, cdb: &[u8], data: &mut DataPhase<'_>) -> Result<Completion, TransportError> {
        let decoded = Command::decode(cdb);
        let injection = self.inject(index, cdb, decoded);
        let disposition = injection.as_ref().map(|i| i.effect.disposition());
        if let Some(injection) = &injection {
            match injection.effect {
                Effect::MediumRemoved => {
                    self.medium = None;
                    self.media_event = Some(MediaEvent::MediaRemoval);
                }
                Effect::UnitAttention { sense } => self.unit_attentions.push_back(sense),
                Effect::NotReady { for_ms } => self.becoming_ready_until = Some(self.clock_ms + for_ms),
                _ => {}
            }
        }
        let injected_sense = injection.as_ref().and_then(Injection::sense_data);
        let outcome = match (disposition, injected_sense) {
            (Some(Disposition::NoCompletion), _) => return Err(TransportError::Timeout(HOST_TIMEOUT_MS)),
            (Some(Disposition::Fail), Some(sense)) => Err(Failure::from(sense)),
            (Some(Disposition::CompleteWithSense), Some(sense)) => {
                self.run(cdb, decoded, data).and(Err(Failure::from(sense)))
            }
            (Some(Disposition::CompleteThenDefer), Some(sense)) => {
                let outcome = self.run(cdb, decoded, data);
                if outcome.is_ok() {
                    self.deferred = Some(sense);
                }
                outcome
            }
            _ => self.run(cdb, decoded, data),
        };
        let offered = data.len();
        let completion = match outcome {
            // A data-out phase was consumed up to what the CDB announced (WRITE blocks, parameter
            // list length); anything beyond is residual.
            Ok(Reply::Empty) => match data {
                DataPhase::Out(_) => Completion::good(offered.saturating_sub(expected_out(decoded))),
                _ => Completion::good(offered),
            },
            Ok(Reply::Direct(moved)) => Completion::good(offered - moved.min(offered)),
            Ok(Reply::Bytes(reply)) => {
                let moved = match data {
                    DataPhase::In(buffer) => {
                        let n = reply.len().min(buffer.len());
                        buffer[..n].copy_from_slice(&reply[..n]);
                        n
                    }
                    _ => 0,
                };
                Completion::good(offered - moved)
            }
            Err(failure) => Completion::check_condition(&failure.sense, offered - failure.transferred.min(offered)),
        };
        Ok(completion)
    }
}

impl ScsiDevice for Drive {
    fn execute(&mut self, cdb: &[u8], mut data: DataPhase<'_>) -> Result<Completion, TransportError> {
        if !(6..=16).contains(&cdb.len()) {
            return Err(TransportError::CdbLength(cdb.len()));
        }
        let index = self.commands;
        self.commands += 1;
        self.clock_ms = self.clock_ms.saturating_add(self.command_cost_ms);
        self.update_clock();
        let result = self.complete(index, cdb, &mut data);
        if self.tracer.is_on() {
            let (data_out, data_in) = match &data {
                DataPhase::None => (None, None),
                DataPhase::In(buffer) => (None, Some(&buffer[..])),
                DataPhase::Out(buffer) => (Some(*buffer), None),
            };
            self.tracer
                .record(index, self.clock_ms, cdb, data_out, data_in, result.as_ref());
        }
        result
    }
}

/// A CDB decoded (once per command: the fault check, the run and the residual share it).
type Decoded = Result<Command, CdbError>;

/// Bytes of data out a CDB announces (0 when it takes none or cannot be decoded).
fn expected_out(decoded: Decoded) -> usize {
    match decoded.map(|c| c.data_direction()) {
        Ok(crate::mmc::cdb::DataDirection::Out { bytes }) => usize::try_from(bytes).unwrap_or(usize::MAX),
        _ => 0,
    }
}

/// The blocks a READ, WRITE or VERIFY addresses (for LBA-triggered faults).
fn block_range(command: &Command) -> Option<std::ops::Range<u32>> {
    let (lba, blocks) = match command {
        Command::Read10(c) => (c.lba, u32::from(c.transfer_blocks)),
        Command::Read12(c) => (c.lba, c.transfer_blocks),
        Command::Write10(c) => (c.lba as u32, u32::from(c.transfer_blocks)),
        Command::Write12(c) => (c.lba as u32, c.transfer_blocks),
        Command::WriteAndVerify10(c) => (c.lba as u32, u32::from(c.transfer_blocks)),
        Command::Verify10(c) => (c.lba, u32::from(c.verification_blocks)),
        _ => return None,
    };
    Some(lba..lba.saturating_add(blocks))
}

/// Cut a reply to the allocation length: short allocation lengths truncate, never fail
/// (mmc.md §1).
pub(crate) fn truncated(mut reply: Vec<u8>, allocation_length: usize) -> Reply {
    reply.truncate(allocation_length);
    Reply::Bytes(reply)
}

#[cfg(test)]
mod tests;
