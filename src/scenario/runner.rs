//! Running scenarios against the emulated drive: one fresh drive per scenario, shared (an
//! [`ObservedDrive`] in an `Rc<RefCell<…>>`) by the `Mmc` steps and the recorder API, so that every
//! command — whoever sends it — is counted, traced (`drive::Tracer`, for the MMC trace around a
//! failing step) and its sense collected for coverage, beside the HRESULTs the API calls return.
//! A `Run` step lends the drive itself to the attach server for a real program (`program.rs`).

use super::api::Api;
use super::command::{Prepared, prepare};
use super::expect::{Mismatch, Outcome, check};
use super::load::{LoadError, load};
use super::observed::{Corruption, ObservedDrive};
use super::place::Place;
use super::program::{self, Ran};
use super::schema::{MediaAssert, RunStep, Scenario, Step};
use super::state;
use crate::device::{DataPhase, ScsiDevice};
use crate::drive::fault::Trigger;
use crate::drive::trace::{TraceRecord, read_trace, render};
use crate::drive::{Drive, DriveModel, FaultPlan, Tracer};
use crate::hresult::HResult;
use crate::media::medium::Medium;
use crate::mmc::Sense;
use std::cell::{RefCell, RefMut};
use std::collections::BTreeSet;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Commands of the trace shown before the failing step's own.
const TRACE_CONTEXT: u64 = 4;
/// A step with more commands than `TRACE_STEP_LONG` shows its first `TRACE_STEP_HEAD` and last
/// `TRACE_STEP_TAIL` (a burn sends hundreds).
const TRACE_STEP_LONG: usize = 32;
const TRACE_STEP_HEAD: usize = 4;
const TRACE_STEP_TAIL: usize = 16;
/// A run of more REQUEST SENSE polls than this shows its first and last.
const TRACE_POLLS_SHOWN: usize = 3;

/// How one scenario ended.
#[derive(Debug, Clone)]
pub enum Verdict {
    Passed,
    Failed(Failure),
    /// The file could not be loaded (or its drive / medium could not be set up).
    Error(LoadError),
}

/// The step that did not do what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// 1-based.
    pub step: usize,
    /// `Mmc WRITE(10) 2a 00 …`, `AssertMedia`, `Writer Write(..)`.
    pub label: String,
    pub expected: String,
    pub actual: String,
    /// The trace around the step, one readable line per command (docs/trace.md); the failing
    /// step's commands start with `>`.
    pub trace: Vec<String>,
}

/// The result of one scenario file.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    pub file: PathBuf,
    /// The scenario's name (the file name when it did not load).
    pub name: String,
    pub tags: Vec<String>,
    pub verdict: Verdict,
    pub duration: Duration,
    /// Sense triples the drive answered with (CHECK CONDITION, or REQUEST SENSE data), to any
    /// sender: `Mmc` steps, `AssertMedia` and the recorder API.
    pub reached: BTreeSet<Sense>,
    /// HRESULTs the recorder API calls returned (`S_OK` for successes).
    pub reached_hresults: BTreeSet<HResult>,
    /// What the report says beside the verdict: steps skipped (an optional program that is not
    /// installed).
    pub notes: Vec<String>,
}

impl ScenarioResult {
    pub fn passed(&self) -> bool {
        matches!(self.verdict, Verdict::Passed)
    }
}

/// A trace sink the runner can read back while the drive owns the writer.
#[derive(Clone, Default)]
struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("trace buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Load and run one scenario file.
pub fn run_file(file: &Path) -> ScenarioResult {
    match load(file) {
        Ok(scenario) => run(&scenario, file),
        Err(error) => error_result(file, error),
    }
}

/// The result of a file that could not be loaded.
pub fn error_result(file: &Path, error: LoadError) -> ScenarioResult {
    ScenarioResult {
        file: file.to_path_buf(),
        name: file
            .file_stem()
            .map_or_else(|| file.display().to_string(), |s| s.to_string_lossy().into_owned()),
        tags: Vec::new(),
        verdict: Verdict::Error(error),
        duration: Duration::ZERO,
        reached: BTreeSet::new(),
        reached_hresults: BTreeSet::new(),
        notes: Vec::new(),
    }
}

/// Run a loaded scenario; `file` names it and resolves its relative paths.
pub fn run(scenario: &Scenario, file: &Path) -> ScenarioResult {
    let started = Instant::now();
    let (verdict, reached, reached_hresults, notes) = match Run::set_up(scenario, file) {
        // The medium could not be made (a fixture not found, a damaged image): placed at `medium`.
        Err(message) => (
            Verdict::Error(match std::fs::read_to_string(file) {
                Ok(text) => super::load::error_at(&text, file, Place::Field("medium"), message),
                Err(_) => LoadError {
                    file: file.to_path_buf(),
                    line: None,
                    column: None,
                    message,
                },
            }),
            BTreeSet::new(),
            BTreeSet::new(),
            Vec::new(),
        ),
        Ok(mut run) => {
            let verdict = match run.steps(scenario, file) {
                Ok(()) => Verdict::Passed,
                Err(failure) => Verdict::Failed(*failure),
            };
            let (reached, reached_hresults) = run.coverage.take().unwrap_or_else(|| run.reached());
            (verdict, reached, reached_hresults, run.notes)
        }
    };
    ScenarioResult {
        file: file.to_path_buf(),
        name: scenario.name.clone(),
        tags: scenario.tags.clone(),
        verdict,
        duration: started.elapsed(),
        reached,
        reached_hresults,
        notes,
    }
}

/// The drive model of a scenario: a built-in one, with the profiles it writes and its options
/// replaced where the scenario says so.
pub fn drive_model(scenario: &Scenario) -> Result<DriveModel, String> {
    let mut model =
        DriveModel::builtin(&scenario.drive).ok_or_else(|| format!("unknown drive model {:?}", scenario.drive))?;
    if let Some(writes) = &scenario.drive_writes {
        if let Some(profile) = writes.iter().find(|p| !model.can_read(**p)) {
            return Err(format!(
                "`drive_writes`: the {} model does not read {profile}, so it cannot write it",
                model.id
            ));
        }
        model.writes = writes.clone();
    }
    let options = &scenario.drive_options;
    model.unwritten_read = options.unwritten_read.unwrap_or(model.unwritten_read);
    model.busy_report = options.busy_report.unwrap_or(model.busy_report);
    model.descriptor_sense = options.descriptor_sense.unwrap_or(model.descriptor_sense);
    Ok(model)
}

/// One scenario in progress.
struct Run {
    device: Rc<RefCell<ObservedDrive>>,
    trace: SharedBuffer,
    /// The medium the operator holds: taken out by `Eject`, put in by `Insert`.
    hand: Option<Medium>,
    api: Api,
    /// Set by a step that ends the scenario early without failing it (an optional program that
    /// is not installed): why.
    skip_rest: Option<String>,
    notes: Vec<String>,
    /// What the scenario had reached before its first `Run` step: all that counts for coverage.
    /// A program's commands and the steps after it depend on the programs (and versions) a
    /// machine has, and the coverage table must not.
    coverage: Option<(BTreeSet<Sense>, BTreeSet<HResult>)>,
}

impl Run {
    fn set_up(scenario: &Scenario, file: &Path) -> Result<Run, String> {
        let model = drive_model(scenario)?;
        let medium = super::medium::build(&scenario.medium, file)?;
        let mut drive = match medium {
            Some(medium) => Drive::with_medium(model, medium),
            None => Drive::new(model),
        };
        if let Some(plan) = &scenario.faults {
            drive.set_fault_plan(plan.clone());
        }
        drive.set_command_cost_ms(scenario.command_cost_ms);
        let trace = SharedBuffer::default();
        drive.set_tracer(Tracer::to_writer(trace.clone()));
        if scenario.settle {
            drive.settle();
        }
        let device = Rc::new(RefCell::new(ObservedDrive::new(drive)));
        Ok(Run {
            api: Api::new(device.clone(), file),
            device,
            trace,
            hand: None,
            skip_rest: None,
            notes: Vec::new(),
            coverage: None,
        })
    }

    /// Sense triples and HRESULTs reached so far.
    fn reached(&self) -> (BTreeSet<Sense>, BTreeSet<HResult>) {
        (self.device.borrow().reached.clone(), self.api.reached())
    }

    fn drive(&self) -> RefMut<'_, Drive> {
        RefMut::map(self.device.borrow_mut(), |observed| &mut observed.drive)
    }

    fn commands(&self) -> u64 {
        self.device.borrow().commands
    }

    fn steps(&mut self, scenario: &Scenario, file: &Path) -> Result<(), Box<Failure>> {
        for (i, step) in scenario.steps.iter().enumerate() {
            let first_command = self.commands();
            let (label, result) = self.step(step, file);
            if let Err(mismatch) = result {
                return Err(Box::new(Failure {
                    step: i + 1,
                    label,
                    expected: mismatch.expected,
                    actual: mismatch.actual,
                    trace: self.trace_around(first_command..self.commands()),
                }));
            }
            if let Some(why) = self.skip_rest.take() {
                let skipped = match scenario.steps.len() - i - 1 {
                    0 => "was skipped".to_string(),
                    1 => "and the step after it were skipped".to_string(),
                    rest => format!("and the {rest} steps after it were skipped"),
                };
                self.notes.push(format!("step {} ({label}) {skipped}: {why}", i + 1));
                break;
            }
        }
        Ok(())
    }

    /// Run one step: its label for reports and whether it met its expectation.
    fn step(&mut self, step: &Step, file: &Path) -> (String, Result<(), Mismatch>) {
        let operator = |expected: &str, actual: String| Mismatch {
            expected: expected.to_string(),
            actual,
        };
        match step {
            Step::Mmc(mmc) => {
                let prepared = match prepare(mmc, file) {
                    Ok(prepared) => prepared,
                    Err(why) => return ("Mmc".into(), Err(operator("a command that can be sent", why))),
                };
                let label = format!("Mmc {}", prepared.label());
                let outcome = self.send(&prepared);
                (label, check(&mmc.expect, &outcome, prepared.lba))
            }
            Step::Advance { ms } => {
                self.drive().advance(*ms);
                (format!("Advance(ms: {ms})"), Ok(()))
            }
            Step::Eject => {
                let unloaded = self.drive().unload();
                let result = match unloaded {
                    Ok(medium) => {
                        self.hand = medium;
                        Ok(())
                    }
                    Err(sense) => Err(operator("the tray opens", format!("eject refused with {sense}"))),
                };
                ("Eject".into(), result)
            }
            Step::EjectRefused => {
                let unloaded = self.drive().unload();
                let result = match unloaded {
                    Err(sense) if sense == Sense::MEDIUM_REMOVAL_PREVENTED => Ok(()),
                    Err(sense) => Err(operator(
                        "eject refused with 5/53/02",
                        format!("eject refused with {sense}"),
                    )),
                    Ok(medium) => {
                        self.hand = medium;
                        Err(operator("eject refused with 5/53/02", "the tray opened".into()))
                    }
                };
                ("EjectRefused".into(), result)
            }
            Step::RemoveMedium => {
                let mut drive = self.drive();
                let result = if drive.tray_open() {
                    // A medium still in an open tray (opened by START STOP UNIT) comes out too.
                    let _ = drive.unload();
                    drop(drive);
                    self.hand = None;
                    Ok(())
                } else {
                    Err(operator("an open tray", "the tray is closed (Eject first)".into()))
                };
                ("RemoveMedium".into(), result)
            }
            Step::Insert(spec) => {
                let open = self.drive().tray_open();
                let result = if !open {
                    Err(operator("an open tray", "the tray is closed (Eject first)".into()))
                } else {
                    match super::medium::build(spec, file) {
                        Ok(medium) => {
                            let _ = self.drive().unload();
                            self.hand = medium;
                            Ok(())
                        }
                        Err(why) => Err(operator("a medium", why)),
                    }
                };
                ("Insert".into(), result)
            }
            Step::Load => {
                let medium = match self.hand.take() {
                    Some(medium) => Some(medium),
                    None => {
                        let mut drive = self.drive();
                        if drive.tray_open() {
                            drive.unload().ok().flatten()
                        } else {
                            None
                        }
                    }
                };
                let result = match medium {
                    Some(medium) => {
                        self.drive().load(medium);
                        Ok(())
                    }
                    None => Err(operator(
                        "a medium to load",
                        "nothing in the tray or the operator's hand (Insert one)".into(),
                    )),
                };
                ("Load".into(), result)
            }
            Step::Settle => {
                self.drive().settle();
                ("Settle".into(), Ok(()))
            }
            Step::AssertMedia(assert) => ("AssertMedia".into(), self.assert_media(assert)),
            Step::SetFaults(plan) => {
                let plan = rebased(plan, self.commands());
                self.drive().set_fault_plan(plan);
                ("SetFaults".into(), Ok(()))
            }
            Step::CorruptReplies { opcode, offset, bytes } => {
                self.device.borrow_mut().corruptions.push(Corruption {
                    opcode: *opcode,
                    offset: *offset,
                    bytes: bytes.0.clone(),
                });
                (format!("CorruptReplies(opcode: 0x{opcode:02X})"), Ok(()))
            }
            Step::Recorder(call) => (api_label("Recorder", &call.op), self.api.recorder_step(call)),
            Step::Writer(call) => (api_label("Writer", &call.op), self.api.writer_step(call)),
            Step::Eraser(call) => (api_label("Eraser", &call.op), self.api.eraser_step(call)),
            Step::AssertWriter(assert) => ("AssertWriter".into(), self.api.assert_writer(assert)),
            Step::ChooseMultisession(choice) => (
                format!("ChooseMultisession({:?}, {:?})", choice.list, choice.windows),
                self.api.choose_multisession(choice),
            ),
            Step::Image(call) => (api_label("Image", &call.op), self.api.image_step(call)),
            Step::AssertTree(assert) => ("AssertTree".into(), self.api.assert_tree(assert)),
            Step::Run(run) => (program::label(run), self.run_program(run, file)),
        }
    }

    /// A real program against the drive. The attach server drives it directly, so the runner's
    /// count of commands is brought up to the drive's from the trace afterwards.
    fn run_program(&mut self, step: &RunStep, file: &Path) -> Result<(), Mismatch> {
        if self.coverage.is_none() {
            self.coverage = Some(self.reached());
        }
        let trace_from = self.trace.0.lock().expect("trace buffer").len();
        let ran = program::run(step, file, &mut self.drive());
        let bytes = self.trace.0.lock().expect("trace buffer").clone();
        let records: Vec<TraceRecord> = read_trace(&bytes[trace_from..]).filter_map(Result::ok).collect();
        if let Some(last) = records.last() {
            self.device.borrow_mut().commands = last.index + 1;
        }
        match ran {
            Ran::Checked(result) => result.and_then(|()| program::check_sent(step, &records)),
            Ran::Skipped(why) => {
                self.skip_rest = Some(why);
                Ok(())
            }
        }
    }

    fn send(&mut self, prepared: &Prepared) -> Outcome {
        let mut buffer = vec![0u8; prepared.data_in.unwrap_or(0)];
        let phase = match (&prepared.data_out, prepared.data_in) {
            (Some(out), _) => DataPhase::Out(out),
            (None, Some(_)) => DataPhase::In(&mut buffer),
            (None, None) => DataPhase::None,
        };
        let result = self.device.borrow_mut().execute(&prepared.cdb, phase);
        match result {
            Ok(completion) => {
                let moved = if prepared.data_in.is_some() {
                    buffer.len() - completion.residual.min(buffer.len())
                } else {
                    0
                };
                buffer.truncate(moved);
                Outcome {
                    completion: Ok(completion),
                    data_in: buffer,
                }
            }
            Err(error) => Outcome {
                completion: Err(error.to_string()),
                data_in: Vec::new(),
            },
        }
    }

    fn assert_media(&mut self, assert: &MediaAssert) -> Result<(), Mismatch> {
        let mut device = self.device.borrow_mut();
        let written = device.drive.medium().map_or(0, Medium::written_sectors);
        state::check(assert, &mut *device, written)
    }

    /// Rendered trace lines of the commands in `step` and a few before. Runs of REQUEST SENSE
    /// polls (a long operation waited for) show their first and last poll; of a long step, the
    /// first and last commands are shown with a line saying how many were left out.
    fn trace_around(&self, step: Range<u64>) -> Vec<String> {
        let bytes = self.trace.0.lock().expect("trace buffer").clone();
        let from = step.start.saturating_sub(TRACE_CONTEXT);
        let records: Vec<TraceRecord> = read_trace(&bytes[..])
            .filter_map(Result::ok)
            .filter(|record| record.index >= from && record.index < step.end)
            .collect();
        let line = |record: &TraceRecord| {
            let inside = step.contains(&record.index);
            let mark = if inside { ">" } else { " " };
            (inside, format!("{mark} {}", render(record)))
        };
        let mut lines: Vec<(bool, String)> = Vec::new();
        let mut i = 0;
        while i < records.len() {
            let polls = records[i..].iter().take_while(|r| r.opcode == "REQUEST SENSE").count();
            if polls > TRACE_POLLS_SHOWN {
                lines.push(line(&records[i]));
                let (inside, _) = line(&records[i + 1]);
                let mark = if inside { ">" } else { " " };
                lines.push((inside, format!("{mark}   … {} more REQUEST SENSE polls …", polls - 2)));
                lines.push(line(&records[i + polls - 1]));
                i += polls;
            } else {
                lines.push(line(&records[i]));
                i += 1;
            }
        }
        let inside = lines.iter().filter(|(inside, _)| *inside).count();
        if inside <= TRACE_STEP_LONG {
            return lines.into_iter().map(|(_, line)| line).collect();
        }
        let first_inside = lines.iter().position(|(inside, _)| *inside).unwrap_or(0);
        let keep_until = first_inside + TRACE_STEP_HEAD;
        let tail_from = lines.len() - TRACE_STEP_TAIL;
        let mut out: Vec<String> = lines[..keep_until].iter().map(|(_, l)| l.clone()).collect();
        out.push(format!("  … {} more lines of the step …", tail_from - keep_until));
        out.extend(lines[tail_from..].iter().map(|(_, l)| l.clone()));
        out
    }
}

/// `Writer NextWritableAddress(is: 11702)`, `Writer Write(Blocks { count: 16, pattern: Lba })`.
fn api_label(object: &str, op: &impl std::fmt::Debug) -> String {
    let text = format!("{op:?}").replace(" { is: None }", "()");
    let text = match (text.find(" { is: Some("), text.strip_suffix(") }")) {
        (Some(start), Some(body)) => format!("{}(is: {})", &text[..start], &body[start + " { is: Some(".len()..]),
        _ => text,
    };
    format!("{object} {text}")
}

/// A fault plan set by a `SetFaults` step counts its commands from that step: `AfterCommands`
/// triggers move by the commands already executed (the drive numbers commands from power-on).
fn rebased(plan: &FaultPlan, executed: u64) -> FaultPlan {
    let mut plan = plan.clone();
    for fault in &mut plan.faults {
        if let Trigger::AfterCommands { count } = &mut fault.trigger {
            *count += executed;
        }
    }
    plan
}

/// Run scenario files on `jobs` threads; results come back in the order of `files`.
pub fn run_files(files: &[PathBuf], jobs: usize) -> Vec<ScenarioResult> {
    run_parallel(files.len(), jobs, |i| run_file(&files[i]))
}

/// Run loaded scenarios (with their files) on `jobs` threads, results in order.
pub fn run_loaded(scenarios: &[(PathBuf, Result<Scenario, LoadError>)], jobs: usize) -> Vec<ScenarioResult> {
    run_parallel(scenarios.len(), jobs, |i| match &scenarios[i] {
        (file, Ok(scenario)) => run(scenario, file),
        (file, Err(error)) => error_result(file, error.clone()),
    })
}

fn run_parallel(count: usize, jobs: usize, work: impl Fn(usize) -> ScenarioResult + Sync) -> Vec<ScenarioResult> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<ScenarioResult>>> = Mutex::new(vec![None; count]);
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, count.max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    let result = work(i);
                    results.lock().expect("results")[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .expect("results")
        .into_iter()
        .map(|r| r.expect("every scenario ran"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load::parse;

    fn scenario(steps: &str) -> Scenario {
        let text = format!("Scenario(name: \"t\", medium: Blank(\"cd-r\"), steps: [{steps}])");
        parse(&text, Path::new("t.ron")).expect("loads")
    }

    fn failure(steps: &str) -> Failure {
        match run(&scenario(steps), Path::new("t.ron")).verdict {
            Verdict::Failed(failure) => failure,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn a_failing_step_names_itself_and_shows_the_trace_around_it() {
        let failure = failure(
            "Mmc(command: Tur), Mmc(command: Write(lba: 0, blocks: 1)), \
             Mmc(command: Write(lba: 5, blocks: 1), expect: Good())",
        );
        assert_eq!(failure.step, 3);
        assert_eq!(failure.label, "Mmc WRITE(10) 2a 00 00 00 00 05 00 00 01 00");
        assert_eq!(failure.expected, "GOOD");
        assert_eq!(failure.actual, "CHECK CONDITION 5/21/02 INVALID_ADDRESS_FOR_WRITE");
        assert_eq!(failure.trace.len(), 3, "{:?}", failure.trace);
        assert!(failure.trace[0].starts_with("  #0 "), "{:?}", failure.trace);
        assert!(failure.trace[2].starts_with("> #2 "), "{:?}", failure.trace);
        assert!(failure.trace[2].ends_with("→ CHECK CONDITION 5/21/02 INVALID_ADDRESS_FOR_WRITE"));
    }

    #[test]
    fn api_labels_read_like_the_file() {
        use crate::scenario::api_schema::WriterOp;
        assert_eq!(
            api_label("Writer", &WriterOp::NextWritableAddress { is: Some(11702) }),
            "Writer NextWritableAddress(is: 11702)"
        );
        assert_eq!(
            api_label("Writer", &WriterOp::NextWritableAddress { is: None }),
            "Writer NextWritableAddress()"
        );
        assert_eq!(api_label("Writer", &WriterOp::CancelWrite), "Writer CancelWrite");
    }

    #[test]
    fn reached_codes_come_from_completions_and_request_sense_data() {
        let result = run(
            &scenario(
                "Mmc(command: Write(lba: 9, blocks: 1), expect: Check(sense: \"5/21/02\")), \
                 Mmc(command: SyncCacheImmed), Mmc(command: RequestSense)",
            ),
            Path::new("t.ron"),
        );
        assert!(result.passed(), "{:?}", result.verdict);
        let reached: Vec<String> = result.reached.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            reached,
            ["2/04/08 LONG_WRITE_IN_PROGRESS", "5/21/02 INVALID_ADDRESS_FOR_WRITE"]
        );
    }

    #[test]
    fn an_api_failure_names_both_hresults_and_shows_the_step_commands() {
        let failure = failure(
            "Writer(op: ClientName(\"t\")), \
             Writer(op: Write(Blocks(count: 1, pattern: Lba)), expect: Err(\"E_IMAPI_DF2DATA_MEDIA_NOT_BLANK\"))",
        );
        assert_eq!(failure.step, 2);
        assert_eq!(failure.label, "Writer Write(Blocks { count: 1, pattern: Lba })");
        assert_eq!(failure.expected, "Err(E_IMAPI_DF2DATA_MEDIA_NOT_BLANK (0xC0AA0405))");
        assert!(
            failure.actual.starts_with("Ok (phases [ValidatingMedia"),
            "{}",
            failure.actual
        );
        assert!(
            failure
                .trace
                .iter()
                .any(|l| l.starts_with("> ") && l.contains("WRITE(10)")),
            "{:#?}",
            failure.trace
        );
        assert!(
            failure.trace.iter().any(|l| l.contains("more REQUEST SENSE polls")),
            "{:#?}",
            failure.trace
        );
        let failure = failure_of_query();
        assert_eq!(failure.expected, "Ok: BLANK (0x0002)");
        assert!(
            failure
                .actual
                .starts_with("Err(E_IMAPI_RECORDER_LOCKED (0xC0AA0210)): "),
            "{}",
            failure.actual
        );
    }

    fn failure_of_query() -> Failure {
        failure("Recorder(op: OtherClientAcquires(\"other\")), Writer(op: CurrentMediaStatus(is: [BLANK]))")
    }

    #[test]
    fn hresults_and_the_burn_layers_sense_are_reached() {
        let text = "Scenario(name: \"t\", steps: [Writer(op: CurrentMediaStatus(), expect: Err(\"0xC0AA0202\"))])";
        let result = run(&parse(text, Path::new("t.ron")).unwrap(), Path::new("t.ron"));
        assert!(result.passed(), "{:?}", result.verdict);
        assert_eq!(
            result.reached_hresults.into_iter().collect::<Vec<_>>(),
            [HResult::E_IMAPI_RECORDER_MEDIA_NO_MEDIA]
        );
        assert!(
            result.reached.contains(&Sense::new(2, 0x3A, 0x01)),
            "{:?}",
            result.reached
        );
    }

    #[test]
    fn set_faults_counts_commands_from_its_step() {
        let result = run(
            &scenario(
                "Mmc(command: Tur), Mmc(command: Tur), \
                 SetFaults(faults: [Fault(trigger: AfterCommands(count: 1), effect: PowerCalibrationError)]), \
                 Mmc(command: Tur), Mmc(command: Tur, expect: Check(sense: \"3/73/03\")), Mmc(command: Tur)",
            ),
            Path::new("t.ron"),
        );
        assert!(result.passed(), "{:?}", result.verdict);
    }

    #[test]
    fn corrupted_replies_reach_the_host() {
        let result = run(
            &scenario(
                "CorruptReplies(opcode: 0x12, offset: 8, bytes: \"41 42\"), \
                 Mmc(command: Inquiry, expect: Good(data: At(offset: 8, bytes: \"41 42 52 4E\"))), \
                 Recorder(op: VendorId(is: \"ABRNBNCH\"))",
            ),
            Path::new("t.ron"),
        );
        assert!(result.passed(), "{:?}", result.verdict);
    }

    #[test]
    fn an_expectation_written_but_not_met_is_not_reached() {
        let result = run(
            &scenario("Mmc(command: Tur, expect: Check(sense: \"5/21/02\"))"),
            Path::new("t.ron"),
        );
        assert!(!result.passed());
        assert!(result.reached.is_empty());
    }

    #[test]
    fn operator_steps_need_an_open_tray() {
        let failure = failure("Insert(Blank(\"dvd-r\"))");
        assert_eq!(failure.actual, "the tray is closed (Eject first)");
        let failure = failure_of_load();
        assert!(failure.actual.starts_with("nothing in the tray"), "{}", failure.actual);
    }

    fn failure_of_load() -> Failure {
        failure("Eject, RemoveMedium, Load")
    }

    #[test]
    fn a_missing_optional_program_skips_the_rest_and_counts_nothing_after_it() {
        let text = "Mmc(command: Write(lba: 9, blocks: 1), expect: Check(sense: \"5/21/02\")), \
                    Run(program: [\"burnbench-no-such-program\"], optional: true), \
                    Mmc(command: Tur, expect: Check(sense: \"5/24/00\"))";
        let result = run(&scenario(text), Path::new("t.ron"));
        if std::env::var("BURNBENCH_REQUIRE_PEERS").as_deref() == Ok("1") {
            let Verdict::Failed(failure) = result.verdict else {
                panic!("{:?}", result.verdict)
            };
            assert!(
                failure
                    .actual
                    .ends_with("it is required here (BURNBENCH_REQUIRE_PEERS=1)")
            );
            return;
        }
        assert!(result.passed(), "{:?}", result.verdict);
        assert_eq!(
            result.notes,
            [
                "step 2 (Run burnbench-no-such-program) and the step after it were skipped: program \
              `burnbench-no-such-program` is not installed (not found on PATH)"
            ]
        );
        let reached: Vec<String> = result.reached.iter().map(|s| s.to_string()).collect();
        assert_eq!(reached, ["5/21/02 INVALID_ADDRESS_FOR_WRITE"]);
    }

    #[test]
    fn a_missing_program_fails_naming_it() {
        let failure = failure("Run(program: [\"burnbench-no-such-program\", \"/dev/sr0\"], stdout_contains: [\"x\"])");
        assert_eq!(failure.label, "Run burnbench-no-such-program /dev/sr0");
        assert_eq!(failure.expected, "exit 0, stdout containing \"x\"");
        assert_eq!(
            failure.actual,
            "program `burnbench-no-such-program` is not installed (not found on PATH)"
        );
    }

    #[test]
    fn a_programs_commands_are_numbered_in_the_trace_like_every_steps() {
        if crate::attach::preload_library().is_err() || std::process::Command::new("sg_inq").arg("-V").output().is_err()
        {
            eprintln!("skipped: needs sg_inq and the preload library (cargo build --workspace)");
            return;
        }
        let failure = failure(
            "Run(program: [\"sg_inq\", \"/dev/sr0\"], sent: [\"INQUIRY\"]), \
             Mmc(command: Tur, expect: Check(sense: \"5/21/02\"))",
        );
        assert_eq!(failure.step, 2);
        let inside: Vec<&String> = failure.trace.iter().filter(|l| l.starts_with('>')).collect();
        assert_eq!(inside.len(), 1, "{:#?}", failure.trace);
        assert!(inside[0].contains("TEST UNIT READY"), "{:#?}", failure.trace);
        assert!(failure.trace[0].contains("INQUIRY"), "{:#?}", failure.trace);
    }

    #[test]
    fn parallel_runs_keep_the_order_of_the_files() {
        let items: Vec<(PathBuf, Result<Scenario, LoadError>)> = (0..20)
            .map(|i| {
                let steps = if i % 3 == 0 {
                    "Mmc(command: Tur, expect: Check(sense: \"5/21/02\"))"
                } else {
                    "Mmc(command: Tur)"
                };
                (PathBuf::from(format!("s{i:02}.ron")), Ok(scenario(steps)))
            })
            .collect();
        let results = run_loaded(&items, 6);
        for (i, result) in results.iter().enumerate() {
            assert_eq!(result.file, PathBuf::from(format!("s{i:02}.ron")));
            assert_eq!(result.passed(), i % 3 != 0, "{i}");
        }
    }
}
