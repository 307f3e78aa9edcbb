//! Running scenarios against the emulated drive: one fresh drive per scenario, its commands
//! traced (`drive::Tracer`) so that a failure can show the MMC trace around the failing step, and
//! every sense triple the drive answers with collected for coverage.

use super::command::{Prepared, prepare};
use super::expect::{Mismatch, Outcome, check};
use super::load::{LoadError, load};
use super::schema::{MediaAssert, Scenario, Step};
use super::state;
use crate::device::{DataPhase, ScsiDevice, TransportError};
use crate::drive::trace::{read_trace, render};
use crate::drive::{Drive, DriveModel, Tracer};
use crate::media::medium::Medium;
use crate::mmc::Sense;
use crate::mmc::cdb::opcode;
use crate::mmc::sense_data::SenseDataRepr;
use std::collections::BTreeSet;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Commands of the trace shown before the failing step's own.
const TRACE_CONTEXT: u64 = 4;

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
    /// `Mmc WRITE(10) 2a 00 …`, `AssertMedia`, `Load`.
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
    /// Sense triples the drive answered with (CHECK CONDITION, or REQUEST SENSE data).
    pub reached: BTreeSet<Sense>,
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

/// The drive as the steps see it: counts commands and collects the sense they answer with.
struct Observed<'a> {
    drive: &'a mut Drive,
    commands: u64,
    reached: &'a mut BTreeSet<Sense>,
}

impl ScsiDevice for Observed<'_> {
    fn execute(&mut self, cdb: &[u8], mut data: DataPhase<'_>) -> Result<crate::device::Completion, TransportError> {
        self.commands += 1;
        let result = self.drive.execute(cdb, reborrow(&mut data));
        if let Ok(completion) = &result {
            if let Some(sense) = completion.sense_triple() {
                self.reached.insert(sense);
            } else if cdb.first() == Some(&opcode::REQUEST_SENSE)
                && let DataPhase::In(buffer) = &data
            {
                let moved = buffer.len() - completion.residual.min(buffer.len());
                if let Ok(sense) = SenseDataRepr::parse_any(&buffer[..moved]) {
                    self.reached.insert(sense.sense);
                }
            }
        }
        result
    }
}

fn reborrow<'b>(data: &'b mut DataPhase<'_>) -> DataPhase<'b> {
    match data {
        DataPhase::None => DataPhase::None,
        DataPhase::In(buffer) => DataPhase::In(buffer),
        DataPhase::Out(buffer) => DataPhase::Out(buffer),
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
    }
}

/// Run a loaded scenario; `file` names it and resolves its relative paths.
pub fn run(scenario: &Scenario, file: &Path) -> ScenarioResult {
    let started = Instant::now();
    let mut reached = BTreeSet::new();
    let verdict = match Run::set_up(scenario, file) {
        Err(message) => Verdict::Error(LoadError {
            file: file.to_path_buf(),
            line: None,
            column: None,
            message,
        }),
        Ok(mut run) => match run.steps(scenario, file, &mut reached) {
            Ok(()) => Verdict::Passed,
            Err(failure) => Verdict::Failed(*failure),
        },
    };
    ScenarioResult {
        file: file.to_path_buf(),
        name: scenario.name.clone(),
        tags: scenario.tags.clone(),
        verdict,
        duration: started.elapsed(),
        reached,
    }
}

/// One scenario in progress.
struct Run {
    drive: Drive,
    trace: SharedBuffer,
    commands: u64,
    /// The medium the operator holds: taken out by `Eject`, put in by `Insert`.
    hand: Option<Medium>,
}

impl Run {
    fn set_up(scenario: &Scenario, file: &Path) -> Result<Run, String> {
        let model =
            DriveModel::builtin(&scenario.drive).ok_or_else(|| format!("unknown drive model {:?}", scenario.drive))?;
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
        Ok(Run {
            drive,
            trace,
            commands: 0,
            hand: None,
        })
    }

    fn steps(&mut self, scenario: &Scenario, file: &Path, reached: &mut BTreeSet<Sense>) -> Result<(), Box<Failure>> {
        for (i, step) in scenario.steps.iter().enumerate() {
            let first_command = self.commands;
            let (label, result) = self.step(step, file, reached);
            if let Err(mismatch) = result {
                return Err(Box::new(Failure {
                    step: i + 1,
                    label,
                    expected: mismatch.expected,
                    actual: mismatch.actual,
                    trace: self.trace_around(first_command..self.commands),
                }));
            }
        }
        Ok(())
    }

    fn observed<'a>(&'a mut self, reached: &'a mut BTreeSet<Sense>) -> Observed<'a> {
        Observed {
            drive: &mut self.drive,
            commands: 0,
            reached,
        }
    }

    /// Run one step: its label for reports and whether it met its expectation.
    fn step(&mut self, step: &Step, file: &Path, reached: &mut BTreeSet<Sense>) -> (String, Result<(), Mismatch>) {
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
                let outcome = self.send(&prepared, reached);
                (label, check(&mmc.expect, &outcome, prepared.lba))
            }
            Step::Advance { ms } => {
                self.drive.advance(*ms);
                (format!("Advance(ms: {ms})"), Ok(()))
            }
            Step::Eject => {
                let result = match self.drive.unload() {
                    Ok(medium) => {
                        self.hand = medium;
                        Ok(())
                    }
                    Err(sense) => Err(operator("the tray opens", format!("eject refused with {sense}"))),
                };
                ("Eject".into(), result)
            }
            Step::EjectRefused => {
                let result = match self.drive.unload() {
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
                let result = if self.drive.tray_open() {
                    self.hand = None;
                    // A medium still in an open tray (opened by START STOP UNIT) comes out too.
                    let _ = self.drive.unload();
                    Ok(())
                } else {
                    Err(operator("an open tray", "the tray is closed (Eject first)".into()))
                };
                ("RemoveMedium".into(), result)
            }
            Step::Insert(spec) => {
                let result = if !self.drive.tray_open() {
                    Err(operator("an open tray", "the tray is closed (Eject first)".into()))
                } else {
                    match super::medium::build(spec, file) {
                        Ok(medium) => {
                            let _ = self.drive.unload();
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
                    None if self.drive.tray_open() => self.drive.unload().ok().flatten(),
                    None => None,
                };
                let result = match medium {
                    Some(medium) => {
                        self.drive.load(medium);
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
                self.drive.settle();
                ("Settle".into(), Ok(()))
            }
            Step::AssertMedia(assert) => ("AssertMedia".into(), self.assert_media(assert, reached)),
        }
    }

    fn send(&mut self, prepared: &Prepared, reached: &mut BTreeSet<Sense>) -> Outcome {
        let mut buffer = vec![0u8; prepared.data_in.unwrap_or(0)];
        let phase = match (&prepared.data_out, prepared.data_in) {
            (Some(out), _) => DataPhase::Out(out),
            (None, Some(_)) => DataPhase::In(&mut buffer),
            (None, None) => DataPhase::None,
        };
        let mut device = self.observed(reached);
        let result = device.execute(&prepared.cdb, phase);
        let count = device.commands;
        self.commands += count;
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

    fn assert_media(&mut self, assert: &MediaAssert, reached: &mut BTreeSet<Sense>) -> Result<(), Mismatch> {
        let written = self.drive.medium().map_or(0, Medium::written_sectors);
        let mut device = self.observed(reached);
        let result = state::check(assert, &mut device, written);
        let count = device.commands;
        self.commands += count;
        result
    }

    /// Rendered trace lines of the commands in `step` and a few before.
    fn trace_around(&self, step: Range<u64>) -> Vec<String> {
        let bytes = self.trace.0.lock().expect("trace buffer").clone();
        let from = step.start.saturating_sub(TRACE_CONTEXT);
        read_trace(&bytes[..])
            .filter_map(Result::ok)
            .filter(|record| record.index >= from && record.index < step.end)
            .map(|record| {
                let mark = if step.contains(&record.index) { ">" } else { " " };
                format!("{mark} {}", render(&record))
            })
            .collect()
    }
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
