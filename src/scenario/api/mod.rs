//! Running the recorder API steps (`Recorder`, `Writer`, `Eraser`, `AssertWriter`,
//! `ChooseMultisession`, `Image`, `AssertTree`) against the scenario's drive.
//!
//! Per scenario there is one `burn::Recorder` over the shared [`ObservedDrive`] (its waits advance
//! the drive's simulated clock), one `DataWriter` and one `Eraser` bound to it, all made at the
//! first API step: the writer's put_Recorder sends GET CONFIGURATION, which counts for fault
//! triggers and shows in the trace of that step; scenarios without API steps send nothing extra.
//! Every HRESULT a call returns (`S_OK` for a success) is collected for coverage.

mod image;
mod multisession;
mod stream;
pub mod value;

use super::api_schema::{
    ApiCall, ApiExpect, EraserOp, EraserStep, RecorderOp, RecorderStep, Stream, WriterAssert, WriterOp, WriterStep,
};
use super::expect::Mismatch;
use super::observed::ObservedDrive;
use crate::burn::clock::EmulatorClock;
use crate::burn::{DataWriter, EraseProgress, Eraser, Recorder, WriteProgress};
use crate::hresult::{HResult, ImapiResult};
use std::cell::{OnceCell, RefCell};
use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use stream::WriteStream;
use value::{Value, media_type_of, read_recorder, read_writer, recorder_getter, writer_assertions, writer_getter};

/// The API objects of one scenario and the HRESULTs their calls returned.
pub struct Api {
    device: Rc<RefCell<ObservedDrive>>,
    /// The scenario file, for fixture paths.
    file: PathBuf,
    recorder: OnceCell<Recorder>,
    /// A second recorder object on the same drive: another program.
    other: OnceCell<Recorder>,
    writer: RefCell<Option<DataWriter>>,
    eraser: OnceCell<Eraser>,
    /// The image builder of `Image` steps, made at the first one.
    image: RefCell<Option<crate::fsi::FileSystemImage>>,
    reached: RefCell<BTreeSet<HResult>>,
}

/// What a call made from a progress callback did, and at which event.
struct During<'a> {
    call: Option<&'a ApiCall>,
    at_event: u32,
    events: u32,
    result: Option<Result<(), Mismatch>>,
}

impl<'a> During<'a> {
    fn new(call: Option<&'a ApiCall>, at_event: Option<u32>) -> During<'a> {
        During {
            call,
            at_event: at_event.unwrap_or(1),
            events: 0,
            result: None,
        }
    }

    /// One progress event: run the call when its event has come.
    fn event(&mut self, api: &Api) {
        self.events += 1;
        if self.events == self.at_event
            && let Some(call) = self.call
        {
            self.result = Some(api.call(call));
        }
    }

    /// The call's mismatch, or that its event never came.
    fn verdict(self) -> Result<(), Mismatch> {
        if self.call.is_none() {
            return Ok(());
        }
        match self.result {
            Some(Ok(())) => Ok(()),
            Some(Err(m)) => Err(Mismatch {
                expected: format!("during (progress event {}): {}", self.at_event, m.expected),
                actual: format!("during: {}", m.actual),
            }),
            None => Err(Mismatch {
                expected: format!("progress event {} to make the call of `during`", self.at_event),
                actual: format!("{} progress event(s)", self.events),
            }),
        }
    }
}

/// `Ok`, `Ok: "BURNBNCH"`, `Err(E_IMAPI_RECORDER_LOCKED (0xC0AA0210)): The device …`.
fn describe(result: &ImapiResult<Value>) -> String {
    match result {
        Ok(Value::Unit) => "Ok".to_string(),
        Ok(value) => format!("Ok: {value}"),
        Err(error) => format!("Err({}): {}", error.code, error.message()),
    }
}

fn not_runnable(what: impl std::fmt::Debug) -> Mismatch {
    Mismatch {
        expected: "an operation the runner knows".into(),
        actual: format!("{what:?} is not runnable"),
    }
}

fn unit(result: ImapiResult<()>) -> ImapiResult<Value> {
    result.map(|()| Value::Unit)
}

impl Api {
    pub fn new(device: Rc<RefCell<ObservedDrive>>, file: &Path) -> Api {
        Api {
            device,
            file: file.to_path_buf(),
            recorder: OnceCell::new(),
            other: OnceCell::new(),
            writer: RefCell::new(None),
            eraser: OnceCell::new(),
            image: RefCell::new(None),
            reached: RefCell::new(BTreeSet::new()),
        }
    }

    /// The HRESULTs API calls returned so far.
    pub fn reached(&self) -> BTreeSet<HResult> {
        self.reached.borrow().clone()
    }

    /// The recorder; the first call makes it with the data writer and the eraser bound to it, as
    /// a program sets them up before it uses them. A drive that writes no data format leaves the
    /// writer without a recorder, as a failed put_Recorder does.
    fn recorder(&self) -> Recorder {
        if let Some(recorder) = self.recorder.get() {
            return recorder.clone();
        }
        let recorder = Recorder::from_shared(self.device.clone());
        recorder.set_clock(EmulatorClock::new(self.device.clone()));
        let _ = self.recorder.set(recorder.clone());
        let writer = DataWriter::new();
        let _ = writer.set_recorder(&recorder);
        *self.writer.borrow_mut() = Some(writer);
        let eraser = Eraser::new();
        let _ = eraser.set_recorder(Some(&recorder));
        let _ = self.eraser.set(eraser);
        recorder
    }

    fn other_client(&self) -> Recorder {
        self.other.get_or_init(|| self.recorder().another_handle()).clone()
    }

    fn writer(&self) -> DataWriter {
        self.recorder();
        self.writer.borrow().clone().expect("made with the recorder")
    }

    fn eraser(&self) -> Eraser {
        self.recorder();
        self.eraser.get().expect("made with the recorder").clone()
    }

    fn record<T>(&self, result: &ImapiResult<T>) {
        let code = match result {
            Ok(_) => HResult::S_OK,
            Err(error) => error.code,
        };
        self.reached.borrow_mut().insert(code);
    }

    /// Record what a call returned and compare it with the expectation (and the value a getter
    /// is expected to return).
    fn judge(&self, expect: ApiExpect, result: ImapiResult<Value>, wanted: Option<&Value>) -> Result<(), Mismatch> {
        self.record(&result);
        let met = match (&result, expect) {
            (Ok(value), ApiExpect::Ok) => wanted.is_none_or(|w| w == value),
            (Err(error), ApiExpect::Err(code)) => error.code == code.0,
            _ => false,
        };
        if met {
            return Ok(());
        }
        let expected = match (expect, wanted) {
            (ApiExpect::Ok, Some(value)) => format!("Ok: {value}"),
            (ApiExpect::Ok, None) => "Ok".to_string(),
            (ApiExpect::Err(code), _) => format!("Err({})", code.0),
        };
        Err(Mismatch {
            expected,
            actual: describe(&result),
        })
    }

    /// A call made by a step or from a progress callback.
    pub fn call(&self, call: &ApiCall) -> Result<(), Mismatch> {
        match call {
            ApiCall::Recorder(step) => self.recorder_step(step),
            ApiCall::Writer(step) => self.writer_step(step),
            ApiCall::Eraser(step) => self.eraser_step(step),
        }
    }

    pub fn recorder_step(&self, step: &RecorderStep) -> Result<(), Mismatch> {
        if let Some((property, wanted)) = recorder_getter(&step.op) {
            let result = read_recorder(&self.recorder(), property);
            return self.judge(step.expect, result, wanted.as_ref());
        }
        let recorder = self.recorder();
        let result = match &step.op {
            RecorderOp::AcquireExclusiveAccess(client) => recorder.acquire_exclusive_access(false, client),
            RecorderOp::ReleaseExclusiveAccess => recorder.release_exclusive_access(),
            RecorderOp::OtherClientAcquires(client) => self.other_client().acquire_exclusive_access(false, client),
            RecorderOp::OtherClientReleases => self.other_client().release_exclusive_access(),
            RecorderOp::EjectMedia => recorder.eject_media(),
            RecorderOp::CloseTray => recorder.close_tray(),
            RecorderOp::Feature { code } => recorder.feature(*code).map(|_| ()),
            other => return Err(not_runnable(other)),
        };
        self.judge(step.expect, unit(result), None)
    }

    pub fn writer_step(&self, step: &WriterStep) -> Result<(), Mismatch> {
        if let Some((property, wanted)) = writer_getter(&step.op) {
            let result = read_writer(&self.writer(), property);
            return self.judge(step.expect, result, wanted.as_ref());
        }
        if let WriterOp::NewWriter = step.op {
            self.recorder();
            *self.writer.borrow_mut() = Some(DataWriter::new());
            return self.judge(step.expect, Ok(Value::Unit), None);
        }
        let writer = self.writer();
        let result = match &step.op {
            WriterOp::ClientName(name) => {
                writer.set_client_name(name);
                Ok(())
            }
            WriterOp::ForceMediaToBeClosed(on) => writer.set_force_media_to_be_closed(*on),
            WriterOp::DisableConsumerDvdCompatibilityMode(on) => {
                writer.set_disable_consumer_dvd_compatibility_mode(*on)
            }
            WriterOp::DvdPlusRDlMultisession(option) => writer.set_dvd_plus_r_dl_multisession(*option),
            WriterOp::ForceOverwrite(on) => {
                writer.set_force_overwrite(*on);
                Ok(())
            }
            WriterOp::PostgapAlreadyInImage(on) => writer.set_postgap_already_in_image(*on),
            WriterOp::BufferUnderrunFreeDisabled(on) => writer.set_buffer_underrun_free_disabled(*on),
            WriterOp::SetWriteSpeed {
                sectors_per_second,
                pure_cav,
            } => writer.set_write_speed(*sectors_per_second, *pure_cav),
            WriterOp::Write(data) => return self.write(step, &writer, data, None),
            WriterOp::WriteRanges { data, ranges } => return self.write(step, &writer, data, Some(ranges)),
            WriterOp::CancelWrite => writer.cancel_write(),
            WriterOp::SetRecorder => writer.set_recorder(&self.recorder()),
            other => return Err(not_runnable(other)),
        };
        self.judge(step.expect, unit(result), None)
    }

    /// Write a stream, with the progress events checked (`phases`, `start_lba`) and `during`
    /// called from the callback.
    fn write(
        &self,
        step: &WriterStep,
        writer: &DataWriter,
        data: &Stream,
        ranges: Option<&[(u32, u32)]>,
    ) -> Result<(), Mismatch> {
        let mut stream = WriteStream::open(data, &self.file).map_err(|why| Mismatch {
            expected: "a stream to write".into(),
            actual: why,
        })?;
        let ranges: Option<Vec<Range<u32>>> = ranges.map(|r| r.iter().map(|&(first, end)| first..end).collect());
        let start_lba = stream.start_lba.clone();
        let mut during = During::new(step.during.as_deref(), step.at_event);
        let mut phases: Vec<String> = Vec::new();
        let mut last_start = None;
        let result = writer.write_with_progress(&mut stream, ranges.as_deref(), &mut |p: &WriteProgress| {
            start_lba.set(u32::try_from(p.start_lba).unwrap_or(0));
            last_start = Some(p.start_lba);
            let phase = format!("{:?}", p.action);
            if phases.last() != Some(&phase) {
                phases.push(phase);
            }
            during.event(self);
        });
        self.judge(step.expect, unit(result), None).map_err(|mut m| {
            m.actual += &format!(" (phases [{}])", phases.join(", "));
            m
        })?;
        if let Some(wanted) = &step.phases {
            let wanted: Vec<String> = wanted.iter().map(|a| format!("{a:?}")).collect();
            if wanted != phases {
                return Err(Mismatch {
                    expected: format!("phases [{}]", wanted.join(", ")),
                    actual: format!("phases [{}]", phases.join(", ")),
                });
            }
        }
        if let Some(wanted) = step.start_lba
            && last_start != Some(wanted)
        {
            return Err(Mismatch {
                expected: format!("start LBA {wanted}"),
                actual: last_start.map_or("no progress event".into(), |s| format!("start LBA {s}")),
            });
        }
        during.verdict()
    }

    pub fn eraser_step(&self, step: &EraserStep) -> Result<(), Mismatch> {
        let eraser = self.eraser();
        let result = match &step.op {
            EraserOp::ClientName(name) => {
                eraser.set_client_name(name);
                Ok(())
            }
            EraserOp::FullErase(full) => {
                eraser.set_full_erase(*full);
                Ok(())
            }
            EraserOp::Erase => return self.erase(step, &eraser),
            EraserOp::SetRecorder => eraser.set_recorder(Some(&self.recorder())),
            EraserOp::ClearRecorder => eraser.set_recorder(None),
            EraserOp::SetOtherRecorder => eraser.set_recorder(Some(&self.other_client())),
            EraserOp::CurrentPhysicalMediaType { is } => {
                let wanted = is.map(|name| Value::MediaType(media_type_of(name)));
                let result = eraser.current_physical_media_type().map(Value::MediaType);
                return self.judge(step.expect, result, wanted.as_ref());
            }
        };
        self.judge(step.expect, unit(result), None)
    }

    fn erase(&self, step: &EraserStep, eraser: &Eraser) -> Result<(), Mismatch> {
        let mut during = During::new(step.during.as_deref(), step.at_event);
        let mut last: Option<EraseProgress> = None;
        let result = eraser.erase_media_with_progress(&mut |p: &EraseProgress| {
            last = Some(*p);
            during.event(self);
        });
        self.judge(step.expect, unit(result), None)?;
        if let Some(wanted) = step.elapsed_s {
            let elapsed = last.map(|p| p.elapsed_seconds);
            if elapsed != Some(wanted) {
                return Err(Mismatch {
                    expected: format!("the last progress event at {wanted} s"),
                    actual: elapsed.map_or("no progress event".into(), |s| format!("at {s} s")),
                });
            }
        }
        during.verdict()
    }

    pub fn assert_writer(&self, assert: &WriterAssert) -> Result<(), Mismatch> {
        let writer = self.writer();
        let mut expected = Vec::new();
        let mut problems = Vec::new();
        for (property, wanted) in writer_assertions(assert) {
            expected.push(format!("{property:?} {wanted}"));
            let result = read_writer(&writer, property);
            self.record(&result);
            match result {
                Ok(value) if value == wanted => {}
                Ok(value) => problems.push(format!("{property:?} {value} (expected {wanted})")),
                Err(error) => problems.push(format!("{property:?} failed: Err({})", error.code)),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Mismatch {
                expected: expected.join(", "),
                actual: problems.join("; "),
            })
        }
    }
}
