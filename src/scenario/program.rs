//! `Run` steps: a real program against the scenario's drive through the preload shim
//! (`crate::attach`): the drive is `/dev/sr0` and `/dev/sg0` for the program, in memory as in
//! every scenario. The program's exit code and output are checked; a program that hangs is killed
//! at the step's timeout, and a failure shows the end of what it printed.
//!
//! The program's commands reach the drive through the attach server, not through the runner's
//! [`super::observed::ObservedDrive`]: the drive traces them (the runner re-counts its commands
//! from the trace), but `CorruptReplies` does not apply to them and their sense does not count
//! for coverage — the coverage table must not depend on which programs a machine has.

use super::expect::Mismatch;
use super::schema::RunStep;
use crate::attach::{self, AttachedDrive, ServerOptions};
use crate::drive::Drive;
use crate::drive::trace::TraceRecord;
use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Lines of stdout and stderr a failure shows (the last ones).
const TAIL_LINES: usize = 20;
/// How often the program is polled for its end.
const POLL: Duration = Duration::from_millis(20);
/// How long the pipes may stay open after the program ended (children it left behind), before
/// its process group is killed.
const GRACE: Duration = Duration::from_secs(2);
/// Set to 1 (CI), a missing optional program fails the step instead of skipping the scenario.
const REQUIRE_PEERS: &str = "BURNBENCH_REQUIRE_PEERS";
/// What `{dir}` in a program line stands for.
const DIR_PLACEHOLDER: &str = "{dir}";

/// How a `Run` step ended.
#[derive(Debug)]
pub enum Ran {
    /// The program ran (or could not be run): whether it did what was expected.
    Checked(Result<(), Mismatch>),
    /// An optional program is not installed: the step and the rest of the scenario are skipped,
    /// for this reason.
    Skipped(String),
}

/// `Run sg_inq /dev/sr0`: the program line as written (with `{dir}`, the same on every machine).
pub fn label(step: &RunStep) -> String {
    let words: Vec<String> = step
        .program
        .0
        .iter()
        .map(|word| {
            if word.is_empty() || word.contains(char::is_whitespace) {
                format!("{word:?}")
            } else {
                word.clone()
            }
        })
        .collect();
    format!("Run {}", words.join(" "))
}

/// Run the program of `step` against `drive` (node 0); `file` is the scenario file.
pub fn run(step: &RunStep, file: &Path, drive: &mut Drive) -> Ran {
    let expected = expected(step);
    let fail = |actual: String| {
        Ran::Checked(Err(Mismatch {
            expected: expected.clone(),
            actual,
        }))
    };
    let words = match command_line(step, file) {
        Ok(words) => words,
        Err(why) => return fail(why),
    };
    let program = &words[0];
    if !installed(program) {
        let why = not_installed(program);
        return match (step.optional, std::env::var(REQUIRE_PEERS).as_deref() == Ok("1")) {
            (true, false) => Ran::Skipped(why),
            (true, true) => fail(format!("{why}; it is required here ({REQUIRE_PEERS}=1)")),
            (false, _) => fail(why),
        };
    }
    let mut command = Command::new(program);
    command
        .args(&words[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so that a timeout kills the children it started too.
        .process_group(0);
    let timeout = Duration::from_secs(step.timeout_s.get());
    let finished = attach::run_attached(
        vec![AttachedDrive { number: 0, drive }],
        ServerOptions::default(),
        command,
        move |child| collect(child, timeout),
    );
    match finished {
        Ok(finished) => Ran::Checked(check(step, &finished).map_err(|actual| Mismatch { expected, actual })),
        Err(error) => fail(error.to_string()),
    }
}

/// `exit 0, stdout containing "BURNBNCH", sent INQUIRY`.
pub fn expected(step: &RunStep) -> String {
    let mut text = format!("exit {}", step.expect_exit);
    for (stream, strings) in [("stdout", &step.stdout_contains), ("stderr", &step.stderr_contains)] {
        if !strings.is_empty() {
            let quoted: Vec<String> = strings.iter().map(|s| format!("{s:?}")).collect();
            text += &format!(", {stream} containing {}", quoted.join(" and "));
        }
    }
    if !step.sent.is_empty() {
        let names: Vec<&str> = step.sent.iter().map(|name| name.0.as_str()).collect();
        text += &format!(", sent {}", names.join(", "));
    }
    text
}

/// Whether the program sent every command of `sent`; `records` are the step's trace records.
pub fn check_sent(step: &RunStep, records: &[TraceRecord]) -> Result<(), Mismatch> {
    let missing: Vec<&str> = step
        .sent
        .iter()
        .map(|name| name.0.as_str())
        .filter(|name| !records.iter().any(|record| record.opcode == *name))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut sent: Vec<&str> = Vec::new();
    for record in records {
        if !sent.contains(&record.opcode.as_str()) {
            sent.push(&record.opcode);
        }
    }
    Err(Mismatch {
        expected: expected(step),
        actual: format!(
            "no {} among the {} commands the program sent ({})",
            missing.join(", no "),
            records.len(),
            if sent.is_empty() {
                "none".to_string()
            } else {
                sent.join(", ")
            }
        ),
    })
}

/// The program line with `{dir}` replaced by the scenario file's folder (absolute).
fn command_line(step: &RunStep, file: &Path) -> Result<Vec<OsString>, String> {
    let folder = match file.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    let folder = std::path::absolute(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    Ok(step
        .program
        .0
        .iter()
        .map(|word| {
            let mut out = OsString::new();
            for (i, piece) in word.split(DIR_PLACEHOLDER).enumerate() {
                if i > 0 {
                    out.push(folder.as_os_str());
                }
                out.push(piece);
            }
            out
        })
        .collect())
}

/// A program named with a `/` is that file; a bare name is looked up on PATH, as the shell does.
fn installed(program: &OsStr) -> bool {
    let executable = |path: &Path| {
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.as_encoded_bytes().contains(&b'/') {
        return executable(Path::new(program));
    }
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|folder| executable(&folder.join(program))))
}

fn not_installed(program: &OsStr) -> String {
    let name = program.to_string_lossy();
    if program.as_encoded_bytes().contains(&b'/') {
        format!("program `{name}` does not exist or is not executable")
    } else {
        format!("program `{name}` is not installed (not found on PATH)")
    }
}

/// What the program did.
struct Finished {
    /// `None`: killed at the timeout.
    status: Option<ExitStatus>,
    timeout: Duration,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Wait for the program, reading stdout and stderr on their own threads (a program that fills
/// one pipe while the other is read would block forever); at the timeout kill its process group.
fn collect(mut child: Child, timeout: Duration) -> std::io::Result<Finished> {
    let deadline = Instant::now() + timeout;
    let group = child.id() as libc::pid_t;
    let (sender, receiver) = mpsc::channel();
    let pipes: [Option<Box<dyn Read + Send>>; 2] = [
        child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>),
        child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>),
    ];
    let mut pending = 0;
    for (i, pipe) in pipes.into_iter().enumerate() {
        if let Some(mut pipe) = pipe {
            pending += 1;
            let sender = sender.clone();
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                let _ = sender.send((i, bytes));
            });
        }
    }
    drop(sender);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            kill_group(group);
            child.wait()?;
            break None;
        }
        std::thread::sleep(POLL);
    };
    // The pipes close when the last process holding them ends: children the program left
    // behind get a grace period, then the group is killed; output still missing after that is
    // given up.
    let mut output = [Vec::new(), Vec::new()];
    let mut killed = status.is_none();
    while pending > 0 {
        match receiver.recv_timeout(GRACE) {
            Ok((i, bytes)) => {
                output[i] = bytes;
                pending -= 1;
            }
            Err(RecvTimeoutError::Timeout) if !killed => {
                kill_group(group);
                killed = true;
            }
            Err(_) => break,
        }
    }
    let [stdout, stderr] = output;
    Ok(Finished {
        status,
        timeout,
        stdout,
        stderr,
    })
}

fn kill_group(group: libc::pid_t) {
    // SAFETY: kill() has no memory effects; the group is the program's own (process_group(0)).
    unsafe { libc::kill(-group, libc::SIGKILL) };
}

/// Whether the program did what the step expects; otherwise what it did, with the end of its
/// output.
fn check(step: &RunStep, finished: &Finished) -> Result<(), String> {
    let stdout = String::from_utf8_lossy(&finished.stdout);
    let stderr = String::from_utf8_lossy(&finished.stderr);
    let mut problems = Vec::new();
    match finished.status {
        None => problems.push(format!(
            "did not end within {} s and was killed (timeout_s)",
            finished.timeout.as_secs()
        )),
        Some(status) => {
            let code = attach::exit_code(status);
            if code != step.expect_exit {
                problems.push(format!("exit {code}"));
            }
        }
    }
    for (stream, text, strings) in [
        ("stdout", &stdout, &step.stdout_contains),
        ("stderr", &stderr, &step.stderr_contains),
    ] {
        for missing in strings.iter().filter(|s| !text.contains(s.as_str())) {
            problems.push(format!("{stream} lacks {missing:?}"));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{}\n{}\n{}",
        problems.join(", "),
        tail("stdout", &stdout),
        tail("stderr", &stderr)
    ))
}

/// `stdout (last 20 of 57 lines):` and the lines, each after `| `.
fn tail(stream: &str, text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    if lines.is_empty() {
        return format!("{stream}: (empty)");
    }
    let shown = &lines[lines.len().saturating_sub(TAIL_LINES)..];
    let mut out = if shown.len() < lines.len() {
        format!("{stream} (last {} of {} lines):", shown.len(), lines.len())
    } else {
        format!("{stream}:")
    };
    for line in shown {
        out += "\n  | ";
        out += line;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::schema::ProgramLine;
    use std::num::NonZeroU64;
    use std::path::PathBuf;

    fn step(program: &[&str]) -> RunStep {
        RunStep {
            program: ProgramLine(program.iter().map(|s| s.to_string()).collect()),
            expect_exit: 0,
            stdout_contains: vec![],
            stderr_contains: vec![],
            sent: vec![],
            optional: false,
            timeout_s: NonZeroU64::new(5).unwrap(),
        }
    }

    #[test]
    fn dir_is_the_scenario_folder_made_absolute() {
        let words = command_line(&step(&["xorriso", "-map", "{dir}/files", "/"]), Path::new("s/a/x.ron")).unwrap();
        let folder = std::env::current_dir().unwrap().join("s/a");
        assert_eq!(words[2], folder.join("files").into_os_string());
        assert_eq!(words[3], OsString::from("/"));
        let words = command_line(&step(&["ls", "{dir}"]), Path::new("x.ron")).unwrap();
        assert_eq!(PathBuf::from(&words[1]), std::env::current_dir().unwrap().join("."));
    }

    #[test]
    fn programs_are_found_on_path_or_by_their_path() {
        assert!(installed(OsStr::new("sh")));
        assert!(installed(OsStr::new("/bin/sh")));
        assert!(!installed(OsStr::new("burnbench-no-such-program")));
        assert_eq!(
            not_installed(OsStr::new("xorriso")),
            "program `xorriso` is not installed (not found on PATH)"
        );
    }

    #[test]
    fn labels_read_like_the_file() {
        assert_eq!(label(&step(&["sg_inq", "/dev/sr0"])), "Run sg_inq /dev/sr0");
        assert_eq!(label(&step(&["sh", "-c", "echo a b"])), "Run sh -c \"echo a b\"");
    }

    fn finished(code: i32, stdout: &str) -> Finished {
        use std::os::unix::process::ExitStatusExt;
        Finished {
            status: Some(ExitStatus::from_raw(code << 8)),
            timeout: Duration::from_secs(5),
            stdout: stdout.as_bytes().to_vec(),
            stderr: Vec::new(),
        }
    }

    #[test]
    fn a_failure_shows_the_exit_code_the_missing_strings_and_the_last_lines() {
        let mut run = step(&["x"]);
        run.stdout_contains = vec!["BURNBNCH".into()];
        assert_eq!(expected(&run), "exit 0, stdout containing \"BURNBNCH\"");
        assert!(check(&run, &finished(0, "[BURNBNCH]\n")).is_ok());
        let lines: String = (1..=30).map(|i| format!("line {i}\n")).collect();
        let actual = check(&run, &finished(2, &lines)).unwrap_err();
        assert!(
            actual.starts_with("exit 2, stdout lacks \"BURNBNCH\"\nstdout (last 20 of 30 lines):\n  | line 11\n"),
            "{actual}"
        );
        assert!(actual.ends_with("  | line 30\nstderr: (empty)"), "{actual}");
        let killed = Finished {
            status: None,
            ..finished(0, "")
        };
        assert!(
            check(&step(&["x"]), &killed)
                .unwrap_err()
                .starts_with("did not end within 5 s and was killed (timeout_s)")
        );
    }

    #[test]
    fn a_hanging_program_and_its_children_are_killed_at_the_timeout() {
        let mut command = Command::new("sh");
        command
            .args(["-c", "echo started; sleep 30 & sleep 30"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let started = Instant::now();
        let finished = collect(command.spawn().unwrap(), Duration::from_millis(300)).unwrap();
        assert!(finished.status.is_none());
        assert_eq!(finished.stdout, b"started\n");
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    }

    #[test]
    fn both_pipes_are_read_while_the_program_runs() {
        let mut command = Command::new("sh");
        command
            .args(["-c", "head -c 200000 /dev/zero >&2; echo done"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let finished = collect(command.spawn().unwrap(), Duration::from_secs(20)).unwrap();
        assert_eq!(finished.status.map(attach::exit_code), Some(0));
        assert_eq!(finished.stderr.len(), 200_000);
        assert_eq!(finished.stdout, b"done\n");
    }
}
