//! The shim is invisible to everything that is not one of its fake paths (issue item 7): ordinary
//! programs — coreutils (ls, stat, cat, dd, cp, tar, find, sha256sum…), sh pipelines, python3
//! opening, reading, writing and seeking files, sockets, pipes, /dev/null, /proc/self, dup,
//! fcntl and locks, and the libc entry points the shim exports, called directly — print
//! byte-identical output with and without it.
//!
//! Every case runs three times in a fresh `out/` folder: plainly, under
//! `burnbench attach --media M --` (what users do), and plainly again. The exit code, stdout,
//! stderr and a listing of what the program left in `out/` (types, modes, link counts, sizes,
//! content hashes, link targets, whether fixed mtimes survived) must be the same in all three;
//! the two plain runs agreeing shows the case itself is deterministic, so a difference is the
//! shim's. Each case also states its expected exit code and a string its output contains, so a
//! case that fails the same way both times (a missing tool, a typo) cannot pass vacuously.
//! `shim_is_loaded_under_attach` shows the attached runs really have the shim: the same tools
//! see /dev/sr0 and /dev/sg0 under attach and not without it.
//!
//! The runs use `target/<profile>/burnbench`, which `cargo build --workspace` builds.

use std::fs;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// 2020-01-01T00:00:00Z: every fixture path's atime and mtime.
const FIXED_TIME: i64 = 1_577_836_800;
/// Times before this in `out/` are reported exactly; later ones ("now") only as recent.
const RECENT: i64 = 1_600_000_000;
/// No single run takes more than a second or two; this only stops a hang.
const TIMEOUT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// the programs

/// `target/<profile>/burnbench`, next to the `deps/` folder this test runs from.
fn burnbench() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let binary = exe
        .parent()
        .and_then(Path::parent)
        .map(|profile| profile.join("burnbench"));
    match binary {
        Some(binary) if binary.is_file() => binary,
        _ => panic!(
            "the burnbench binary is missing (looked for {}): this test runs programs under \
             `burnbench attach`; build it first with `cargo build --workspace`",
            binary.map_or_else(|| "target/<profile>/burnbench".to_owned(), |b| b.display().to_string())
        ),
    }
}

/// The python3 interpreter itself (not a wrapper script such as pyenv's, which would add a shell
/// and a second or so of start-up to every run). Missing python3 fails the test.
fn python() -> &'static str {
    static PYTHON: OnceLock<String> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let output = Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("python3 is required by this test and could not be started: {e}"));
        assert!(
            output.status.success(),
            "python3 is required by this test and failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let path = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        assert!(
            Path::new(&path).is_file(),
            "python3 reports sys.executable {path:?}, which is not a file"
        );
        path
    })
}

// ---------------------------------------------------------------------------------------------
// the fixture

/// A private temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("burnbench-transparency-{}-{tag}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `len` bytes of deterministic noise (every byte value, NULs and newlines included).
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 56) as u8
        })
        .collect()
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// Set a path's own atime and mtime (not a link's target's).
fn set_times(path: &Path, seconds: i64) {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("no NUL in the path");
    let time = libc::timespec {
        tv_sec: seconds,
        tv_nsec: 0,
    };
    let times = [time, time];
    // SAFETY: a NUL-terminated path and two timespecs.
    let ret = unsafe { libc::utimensat(libc::AT_FDCWD, c.as_ptr(), times.as_ptr(), libc::AT_SYMLINK_NOFOLLOW) };
    assert_eq!(
        ret,
        0,
        "utimensat {}: {}",
        path.display(),
        std::io::Error::last_os_error()
    );
}

/// Every path under `dir`, parents before children.
fn walk_paths(dir: &Path, paths: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        paths.push(path.clone());
        if fs::symlink_metadata(&path).expect("lstat").is_dir() {
            walk_paths(&path, paths);
        }
    }
}

/// `fixture/tree`: files of known content (text, empty, binary, bigger than one 64 KiB read,
/// a name with spaces, names the shim looks at twice such as `sr0`), modes 600/644/755, a hard
/// link, links to a file, a folder and nowhere, a fifo, nested folders and a dot file; every
/// path's times fixed, so that ls -l, stat, find and tar print the same whenever they run.
fn build_fixture(fixture: &Path) {
    let tree = fixture.join("tree");
    fs::create_dir_all(tree.join("sub/deeper")).expect("fixture folders");
    let file = |name: &str, data: &[u8], mode: u32| {
        let path = tree.join(name);
        fs::write(&path, data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        set_mode(&path, mode);
    };
    file("hello.txt", b"hello, world\n", 0o644);
    file("empty", b"", 0o644);
    file("bin.dat", &noise(4099, 1), 0o644);
    file("with space.txt", b"a name with spaces\n", 0o644);
    file("sr0", b"a plain file called sr0, not a drive\n", 0o644);
    file("cdrom.txt", b"not a drive either\n", 0o644);
    file("private", b"secret\n", 0o600);
    file("script.sh", b"#!/bin/sh\necho script ran\n", 0o755);
    file("sub/nested.txt", b"nested\n", 0o644);
    file("sub/deeper/leaf.bin", &noise(70_001, 2), 0o644);
    file("sub/deeper/.hidden", b"hidden\n", 0o644);
    fs::hard_link(tree.join("hello.txt"), tree.join("hard.txt")).expect("hard link");
    symlink("hello.txt", tree.join("link")).expect("symlink");
    symlink("sub", tree.join("dirlink")).expect("symlink");
    symlink("missing-target", tree.join("dangling")).expect("symlink");
    let fifo = std::ffi::CString::new(tree.join("fifo").as_os_str().as_bytes()).expect("no NUL");
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0, "mkfifo");
    set_mode(&tree.join("fifo"), 0o644);
    for dir in [fixture, &tree, &tree.join("sub"), &tree.join("sub/deeper")] {
        set_mode(dir, 0o755);
    }
    let mut paths = Vec::new();
    walk_paths(&tree, &mut paths);
    paths.insert(0, tree.clone());
    paths.insert(0, fixture.to_path_buf());
    // Children first: setting a child's times does not touch its folder's, but creating did.
    for path in paths.iter().rev() {
        set_times(path, FIXED_TIME);
    }
}

// ---------------------------------------------------------------------------------------------
// running a case

/// What one run of a program showed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    /// As a shell reports it: 128 + signal for a killed program (what `burnbench attach` returns).
    code: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// What the program left in `out/`.
    files: String,
}

/// One program to run with and without the shim.
struct Case {
    name: String,
    argv: Vec<String>,
    /// Exit code of the plain run.
    code: i32,
    /// Bytes the plain run's stdout, stderr or `out/` listing contains.
    has: Vec<u8>,
}

fn case(name: &str, argv: &[&str], code: i32, has: &str) -> Case {
    Case {
        name: name.to_owned(),
        argv: argv.iter().map(|a| (*a).to_owned()).collect(),
        code,
        has: has.as_bytes().to_vec(),
    }
}

/// A `sh -c` script: pipelines and redirections, every process of them under the shim.
fn sh(name: &str, script: &str, code: i32, has: &str) -> Case {
    case(name, &["sh", "-c", script], code, has)
}

/// A python3 program that must exit 0.
fn py(name: &str, program: &str, has: &str) -> Case {
    case(name, &[python(), "-c", program], 0, has)
}

/// A fixture, a medium for the attached runs and an `out/` folder for what programs write.
struct Bench {
    _dir: TempDir,
    /// The working directory of every run; holds `tree/`.
    fixture: PathBuf,
    /// Emptied before every run and listed after it (`$OUT` in the environment).
    out: PathBuf,
    media: PathBuf,
    burnbench: PathBuf,
}

impl Bench {
    fn new(tag: &str) -> Bench {
        let burnbench = burnbench();
        let dir = TempDir::new(tag);
        let fixture = dir.0.join("fixture");
        fs::create_dir(&fixture).expect("fixture folder");
        build_fixture(&fixture);
        let media = dir.0.join("drive.bbm");
        let created = Command::new(&burnbench)
            .args(["media", "create"])
            .arg(&media)
            .args(["--profile", "dvd+r"])
            .stdin(Stdio::null())
            .output()
            .expect("run burnbench media create");
        assert!(
            created.status.success(),
            "burnbench media create failed: {}",
            String::from_utf8_lossy(&created.stderr)
        );
        Bench {
            out: dir.0.join("out"),
            _dir: dir,
            fixture,
            media,
            burnbench,
        }
    }

    fn command(&self, argv: &[String], attached: bool) -> Command {
        let mut command = if attached {
            let mut command = Command::new(&self.burnbench);
            command
                .arg("attach")
                .arg("--media")
                .arg(&self.media)
                .arg("--")
                .args(argv);
            command
        } else {
            let mut command = Command::new(&argv[0]);
            command.args(&argv[1..]);
            command
        };
        command
            .current_dir(&self.fixture)
            .env("OUT", &self.out)
            .env("LC_ALL", "C")
            .env("TZ", "UTC")
            .env("PYTHONHASHSEED", "0")
            .env("PYTHONDONTWRITEBYTECODE", "1");
        command
    }

    fn run(&self, argv: &[String], attached: bool) -> Outcome {
        let _ = fs::remove_dir_all(&self.out);
        fs::create_dir(&self.out).expect("out folder");
        set_mode(&self.out, 0o755);
        let (code, stdout, stderr) = execute(self.command(argv, attached));
        Outcome {
            code,
            stdout,
            stderr,
            files: listing(&self.out),
        }
    }

    /// Run a case three times; the failure report, if any.
    fn check(&self, case: &Case) -> Option<String> {
        let plain = self.run(&case.argv, false);
        let attached = self.run(&case.argv, true);
        let again = self.run(&case.argv, false);
        let mut problems = Vec::new();
        if plain != again {
            problems.push(format!(
                "the case is not deterministic: two runs without the shim differ\n{}",
                differences(
                    &plain,
                    "first run without the shim",
                    &again,
                    "second run without the shim"
                )
            ));
        } else if plain != attached {
            problems.push(format!(
                "THE SHIM CHANGED THE PROGRAM'S BEHAVIOUR\n{}",
                differences(&plain, "without the shim", &attached, "under burnbench attach")
            ));
        }
        if plain.code != case.code {
            problems.push(format!(
                "without the shim it exited {}, not {} as the case expects\n{}",
                plain.code,
                case.code,
                show(&plain)
            ));
        }
        let everything = [&plain.stdout[..], &plain.stderr, plain.files.as_bytes()].concat();
        if !contains(&everything, &case.has) {
            problems.push(format!(
                "without the shim its output does not contain {:?}\n{}",
                String::from_utf8_lossy(&case.has),
                show(&plain)
            ));
        }
        (!problems.is_empty()).then(|| {
            format!(
                "=== case `{}`: {}\n{}",
                case.name,
                shell_words(&case.argv),
                problems.join("\n")
            )
        })
    }

    /// Check every case; one panic listing all failures.
    fn check_all(&self, cases: &[Case]) {
        let failures: Vec<String> = cases.iter().filter_map(|c| self.check(c)).collect();
        assert!(
            failures.is_empty(),
            "{} of {} cases failed:\n\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n\n")
        );
    }
}

/// Run a command with stdin /dev/null in a process group of its own; exit code, stdout, stderr.
/// A run that hangs (or leaves something holding its output open) is killed, with exit code -1
/// and a note on stderr, so that the case reports it.
fn execute(mut command: Command) -> (i32, Vec<u8>, Vec<u8>) {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let (sender, receiver) = mpsc::channel();
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let to_stdout = sender.clone();
    std::thread::spawn(move || {
        let mut data = Vec::new();
        let _ = stdout.read_to_end(&mut data);
        let _ = to_stdout.send((1, data));
    });
    std::thread::spawn(move || {
        let mut data = Vec::new();
        let _ = stderr.read_to_end(&mut data);
        let _ = sender.send((2, data));
    });
    let group = child.id() as i32;
    // SAFETY: signals the process group this function started (the child leads it).
    let kill_group = || unsafe {
        libc::kill(-group, libc::SIGKILL);
    };
    let deadline = Instant::now() + TIMEOUT;
    let mut note = None;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break Some(status);
        }
        if Instant::now() > deadline {
            kill_group();
            let _ = child.wait();
            note = Some(format!("killed: still running after {TIMEOUT:?}"));
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let (mut out, mut err) = (None, None);
    while out.is_none() || err.is_none() {
        let wait = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_secs(5));
        match receiver.recv_timeout(wait) {
            Ok((1, data)) => out = Some(data),
            Ok((_, data)) => err = Some(data),
            Err(_) => {
                kill_group();
                note.get_or_insert_with(|| "killed: exited, but what it started kept its output open".to_owned());
                if let Ok((n, data)) = receiver.recv_timeout(Duration::from_secs(5)) {
                    *(if n == 1 { &mut out } else { &mut err }) = Some(data);
                }
                break;
            }
        }
    }
    let mut err = err.unwrap_or_default();
    let code = match (note, status) {
        (Some(note), _) => {
            err.extend_from_slice(format!("\n[transparency test: {note}]\n").as_bytes());
            -1
        }
        (None, Some(status)) => status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0)),
        (None, None) => unreachable!("no status only when killed"),
    };
    (code, out.unwrap_or_default(), err)
}

/// FNV-1a of some bytes.
fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// One line per path under `root`: type, permissions, link count, mtime (exact if set to a past
/// time, else "recent"), size and content hash of files, target of links.
fn listing(root: &Path) -> String {
    let mut paths = Vec::new();
    walk_paths(root, &mut paths);
    let mut text = String::new();
    for path in paths {
        let meta = fs::symlink_metadata(&path).expect("lstat");
        let kind = meta.file_type();
        let letter = if kind.is_dir() {
            'd'
        } else if kind.is_symlink() {
            'l'
        } else if kind.is_file() {
            'f'
        } else if kind.is_fifo() {
            'p'
        } else if kind.is_socket() {
            's'
        } else {
            '?'
        };
        let mtime = if meta.mtime() < RECENT {
            meta.mtime().to_string()
        } else {
            "recent".to_owned()
        };
        text.push_str(&format!(
            "{} {letter} {:o} nlink={} mtime={mtime}",
            path.strip_prefix(root).expect("under root").display(),
            meta.mode() & 0o7777,
            meta.nlink()
        ));
        if kind.is_file() {
            let data = fs::read(&path).expect("read a file in out/");
            text.push_str(&format!(" size={} fnv={:016x}", data.len(), fnv(&data)));
        }
        if kind.is_symlink() {
            text.push_str(&format!(" -> {}", fs::read_link(&path).expect("readlink").display()));
        }
        text.push('\n');
    }
    text
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

fn shell_words(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if !a.is_empty()
                && a.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_=./,:@%+".contains(&b))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Up to `limit` bytes of output as readable, indented text (control bytes escaped).
fn excerpt(data: &[u8], from: usize, limit: usize) -> String {
    let end = data.len().min(from + limit);
    let mut text = String::new();
    for c in String::from_utf8_lossy(&data[from.min(end)..end]).chars() {
        match c {
            '\n' => text.push_str("\n    | "),
            '\t' => text.push('\t'),
            c if c.is_control() => text.push_str(&format!("\\x{:02x}", c as u32)),
            c => text.push(c),
        }
    }
    let more = if end < data.len() {
        format!(" … ({} more bytes)", data.len() - end)
    } else {
        String::new()
    };
    let before = if from > 0 {
        format!("(from byte {from}) ")
    } else {
        String::new()
    };
    format!("    | {before}{text}{more}")
}

fn show(o: &Outcome) -> String {
    format!(
        "  exit code {}\n  stdout ({} bytes):\n{}\n  stderr ({} bytes):\n{}\n  out/:\n{}",
        o.code,
        o.stdout.len(),
        excerpt(&o.stdout, 0, 1500),
        o.stderr.len(),
        excerpt(&o.stderr, 0, 1500),
        excerpt(o.files.as_bytes(), 0, 1500)
    )
}

/// Each differing field of two outcomes, both sides shown from a little before the first
/// differing byte.
fn differences(a: &Outcome, a_name: &str, b: &Outcome, b_name: &str) -> String {
    let mut text = String::new();
    if a.code != b.code {
        text.push_str(&format!("  exit code: {} {a_name}, {} {b_name}\n", a.code, b.code));
    }
    for (field, x, y) in [
        ("stdout", &a.stdout[..], &b.stdout[..]),
        ("stderr", &a.stderr[..], &b.stderr[..]),
        ("out/ listing", a.files.as_bytes(), b.files.as_bytes()),
    ] {
        if x == y {
            continue;
        }
        let at = x
            .iter()
            .zip(y)
            .position(|(p, q)| p != q)
            .unwrap_or(x.len().min(y.len()));
        let from = at.saturating_sub(200);
        text.push_str(&format!(
            "  {field} differs at byte {at} ({} bytes {a_name}, {} bytes {b_name})\n  {a_name}:\n{}\n  {b_name}:\n{}\n",
            x.len(),
            y.len(),
            excerpt(x, from, 1200),
            excerpt(y, from, 1200)
        ));
    }
    text
}

// ---------------------------------------------------------------------------------------------
// coreutils and friends

/// Every fixture path, for commands that take a list (not the fifo: reading it would block).
const TREE_PATHS: &[&str] = &[
    "tree",
    "tree/hello.txt",
    "tree/empty",
    "tree/bin.dat",
    "tree/with space.txt",
    "tree/sr0",
    "tree/cdrom.txt",
    "tree/private",
    "tree/script.sh",
    "tree/hard.txt",
    "tree/link",
    "tree/dirlink",
    "tree/dangling",
    "tree/sub",
    "tree/sub/nested.txt",
    "tree/sub/deeper",
    "tree/sub/deeper/leaf.bin",
    "tree/sub/deeper/.hidden",
];

fn with_paths(head: &[&str], tail: &[&str]) -> Vec<String> {
    head.iter().chain(tail).map(|s| (*s).to_owned()).collect()
}

#[test]
fn listing_and_metadata_are_unchanged() {
    let bench = Bench::new("meta");
    let mut stat_all = with_paths(&["stat", "-c", "%n|%s|%b|%f|%h|%i|%d|%Y|%F|%a|%u|%g|%N"], TREE_PATHS);
    stat_all.push("tree/fifo".into());
    let cases = vec![
        case(
            "ls -la",
            &[
                "ls",
                "-la",
                "--time-style=full-iso",
                "tree",
                "tree/sub",
                "tree/sub/deeper",
            ],
            0,
            "with space.txt",
        ),
        case(
            "ls -laiRn",
            &["ls", "-laiRn", "--time-style=+%s", "tree"],
            0,
            "leaf.bin",
        ),
        case(
            "ls -lL through links",
            &[
                "ls",
                "-lL",
                "--time-style=full-iso",
                "tree/link",
                "tree/dirlink",
                "tree/hard.txt",
            ],
            0,
            "nested.txt",
        ),
        case(
            "ls of a missing path",
            &["ls", "-l", "tree/nope", "tree/hello.txt"],
            2,
            "No such file or directory",
        ),
        Case {
            name: "stat every fixture path".into(),
            argv: stat_all,
            code: 0,
            has: b"'tree/dangling' -> 'missing-target'".to_vec(),
        },
        case(
            "stat -L through links, one dangling",
            &[
                "stat",
                "-L",
                "-c",
                "%n|%s|%F|%i|%h|%Y",
                "tree/link",
                "tree/dirlink",
                "tree/hard.txt",
                "tree/dangling",
            ],
            1,
            "tree/link|13|regular file",
        ),
        case("stat -f", &["stat", "-f", "-c", "%T %S %l", "tree"], 0, " 255"),
        case(
            "stat of real device nodes",
            &[
                "stat",
                "-c",
                "%n|%F|%t:%T|%a|%U",
                "/dev/null",
                "/dev/zero",
                "/dev/full",
                "/dev/urandom",
                "/dev/stdin",
            ],
            0,
            "/dev/null|character special file|1:3",
        ),
        case(
            "stat -L of stdin through /dev/fd and /proc/self/fd",
            &[
                "stat",
                "-L",
                "-c",
                "%n|%F|%t:%T",
                "/dev/stdin",
                "/dev/fd/0",
                "/proc/self/fd/0",
                "/proc/thread-self/fd/0",
            ],
            0,
            "/dev/fd/0|character special file|1:3",
        ),
        // Drives that are not attached (only sr0 is) and names that only look like drives.
        case(
            "stat of drive names that are not attached",
            &[
                "stat",
                "-c",
                "%n",
                "/dev/sr1",
                "/dev/sg1",
                "/dev/sr00",
                "/dev/srx",
                "/dev/sg",
                "/dev/cdrom1",
                "/dev/sr0x",
            ],
            1,
            "/dev/sr1': No such file or directory",
        ),
        // Relative names in /dev go through the shim's working-directory check (`cd /dev;
        // wodim dev=sr0`); these are not drives.
        sh(
            "relative names in /dev",
            r#"cd /dev && stat -c '%n|%F|%t:%T' null zero full stdin fd && ls -d null fd stdin &&
               readlink fd stdin && readlink -f stdin && stat -c %n sr1 sg1 sr00 srx cdrom1 dvd1 cdrw2 sr0/x"#,
            1,
            "null|character special file|1:3",
        ),
        case(
            "find -printf",
            &["find", "tree", "-printf", "%p|%s|%y|%Y|%m|%n|%i|%T@|%l\n"],
            0,
            "tree/sub/deeper/leaf.bin|70001|f|f|644|1|",
        ),
        case(
            "find -L with tests",
            &[
                "find",
                "-L",
                "tree",
                "(",
                "-name",
                "*.txt",
                "-o",
                "-type",
                "p",
                ")",
                "-printf",
                "%p %s %y\n",
            ],
            0,
            "tree/dirlink/nested.txt 7 f",
        ),
        case(
            "find -perm, -empty, -links",
            &[
                "find", "tree", "(", "-perm", "-u+x", "-type", "f", ")", "-o", "-empty", "-o", "-links", "2", "-type",
                "f",
            ],
            0,
            "tree/script.sh",
        ),
        case("du -ab", &["du", "-ab", "tree"], 0, "70001\ttree/sub/deeper/leaf.bin"),
        case(
            "readlink -f",
            &[
                "readlink",
                "-f",
                "tree/link",
                "tree/dirlink/nested.txt",
                "tree/dangling",
                "tree/sub/../sr0",
                "tree/dirlink",
            ],
            0,
            "/tree/hello.txt",
        ),
        case(
            "readlink -e of a dangling link",
            &["readlink", "-e", "tree/link", "tree/dangling"],
            1,
            "/tree/hello.txt",
        ),
        case(
            "readlink of links, /proc/self/fd, /dev/fd",
            &[
                "readlink",
                "tree/link",
                "tree/dangling",
                "/proc/self/fd/0",
                "/dev/fd/0",
                "/dev/stdin",
                "/proc/self/exe",
            ],
            0,
            "missing-target\n/dev/null\n/dev/null\n/proc/self/fd/0\n",
        ),
        case(
            "realpath",
            &[
                "realpath",
                "-e",
                "tree/dirlink/deeper",
                "tree/with space.txt",
                "/dev/fd/0",
                "/proc/self/fd/0",
                "/dev/stdin",
            ],
            0,
            "/tree/sub/deeper\n",
        ),
        sh(
            "test -r -w -x -L -p -b -c -e on every entry",
            r#"for f in tree/* tree/sub/deeper/.hidden /dev/null /dev/sr1; do
                 s=''
                 for t in e f d h p b c r w x s; do if test -$t "$f"; then s="$s$t"; else s="$s-"; fi; done
                 echo "$s $f"
               done"#,
            0,
            "ef-h---rw-s tree/link\n",
        ),
    ];
    bench.check_all(&cases);
}

#[test]
fn file_contents_and_copies_are_unchanged() {
    let bench = Bench::new("data");
    let out = bench.out.display().to_string();
    let dd_of = format!("of={out}/dd.bin");
    let cases = vec![
        case(
            "cat of files, links, a name with spaces, a file called sr0",
            &[
                "cat",
                "tree/hello.txt",
                "tree/bin.dat",
                "tree/with space.txt",
                "tree/sr0",
                "tree/link",
                "tree/empty",
                "tree/sub/deeper/leaf.bin",
                "tree/dirlink/nested.txt",
            ],
            0,
            "a plain file called sr0",
        ),
        case(
            "cat of a missing file and a folder",
            &["cat", "tree/hello.txt", "tree/missing", "tree/sub", "tree/cdrom.txt"],
            1,
            "cat: tree/sub: Is a directory",
        ),
        case(
            "dd bs=7 into a file",
            &["dd", "if=tree/bin.dat", &dd_of, "bs=7", "status=none"],
            0,
            "dd.bin f 644 nlink=1 mtime=recent size=4099",
        ),
        Case {
            has: noise(70_001, 2)[39..104].to_vec(),
            ..case(
                "dd skip/count to stdout",
                &[
                    "dd",
                    "if=tree/sub/deeper/leaf.bin",
                    "bs=13",
                    "skip=3",
                    "count=5",
                    "status=none",
                ],
                0,
                "",
            )
        },
        sh(
            "dd notrunc/seek/fsync/sync, /dev/zero, fullblock",
            r#"cp tree/bin.dat "$OUT/patched" &&
               dd if=tree/hello.txt of="$OUT/patched" bs=5 seek=3 conv=notrunc,fsync status=none &&
               dd if=/dev/zero of="$OUT/zeros" bs=512 count=9 oflag=sync status=none &&
               dd if=tree/bin.dat bs=1000 skip=1 count=2 iflag=fullblock status=none | od -An -tx1 | tail -2 &&
               dd if=tree/sub/deeper/leaf.bin of="$OUT/tail" bs=4096 skip=16 conv=fdatasync status=none &&
               echo dd-done"#,
            0,
            "dd-done",
        ),
        sh(
            "cp -a then diff -r",
            r#"cp -a tree "$OUT/copy" && diff -r --no-dereference -x fifo tree "$OUT/copy" && echo identical"#,
            0,
            "copy/hard.txt f 644 nlink=2 mtime=1577836800 size=13",
        ),
        sh(
            "cp -r, cp -L, cp --preserve, install, ln, mv, rm",
            r#"cp -r tree/sub tree/hello.txt tree/link "$OUT/" &&
               cp -L tree/link "$OUT/deref" &&
               cp --preserve=mode,timestamps tree/private "$OUT/private" &&
               install -m 750 tree/script.sh "$OUT/installed" &&
               ln -s installed "$OUT/to-installed" && ln "$OUT/installed" "$OUT/hard" &&
               mv "$OUT/hello.txt" "$OUT/moved.txt" && rm "$OUT/sub/nested.txt" &&
               mkdir -p "$OUT/a/b/c" && rmdir "$OUT/a/b/c" && mkfifo "$OUT/a/pipe" &&
               truncate -s 10 "$OUT/deref" && touch -d @1000000000 "$OUT/deref" && chmod 600 "$OUT/deref" &&
               "$OUT/installed""#,
            0,
            "script ran",
        ),
        case(
            "tar to stdout",
            &[
                "tar",
                "--sort=name",
                "--owner=0",
                "--group=0",
                "--numeric-owner",
                "-cf",
                "-",
                "tree",
            ],
            0,
            "tree/sub/deeper/.hidden",
        ),
        sh(
            "tar round trip",
            r#"tar --sort=name -cf "$OUT/t.tar" tree && mkdir "$OUT/x" && tar -xpf "$OUT/t.tar" -C "$OUT/x" &&
               tar -tvf "$OUT/t.tar" && diff -r --no-dereference -x fifo tree "$OUT/x/tree" && echo extracted"#,
            0,
            "tree/hello.txt link to tree/hard.txt",
        ),
        sh(
            "tar | gzip | gunzip | tar",
            "tar --sort=name -cf - tree | gzip -n | gzip -dc | tar -tvf - | sha256sum",
            0,
            " -\n",
        ),
        case(
            "sha256sum",
            &[
                "sha256sum",
                "tree/hello.txt",
                "tree/bin.dat",
                "tree/with space.txt",
                "tree/link",
                "tree/sub/deeper/leaf.bin",
                "tree/empty",
            ],
            0,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  tree/empty",
        ),
        sh(
            "sha256sum -c",
            r#"sha256sum tree/hello.txt tree/bin.dat "tree/with space.txt" tree/sr0 > "$OUT/sums" && sha256sum -c "$OUT/sums""#,
            0,
            "tree/with space.txt: OK",
        ),
        case(
            "od -j -N",
            &["od", "-Ax", "-tx1z", "-j", "7", "-N", "300", "tree/bin.dat"],
            0,
            "000007",
        ),
        sh(
            "wc, cmp, head, tail, sort, grep",
            r#"wc tree/bin.dat tree/sub/deeper/leaf.bin "tree/with space.txt"
               cmp tree/hello.txt tree/link && echo same
               cmp tree/bin.dat tree/sub/deeper/leaf.bin; echo "cmp=$?"
               head -c 20 tree/sub/deeper/leaf.bin | od -c
               tail -c 20 tree/sub/deeper/leaf.bin | od -c
               grep -rn --exclude=fifo --exclude='*.bin' --exclude='*.dat' . tree | sort
               grep -c drive tree/sr0 tree/cdrom.txt"#,
            0,
            "cmp=1",
        ),
        sh(
            "relative names that look like drives, outside /dev",
            "cd tree && cat sr0 cdrom.txt && stat -c '%n %s %F' sr0 cdrom.txt && ls -l sr0 && sha256sum sr0",
            0,
            "sr0 37 regular file",
        ),
        sh(
            "run a script from the fixture",
            "tree/script.sh && ./tree/script.sh && sh tree/script.sh",
            0,
            "script ran\nscript ran\nscript ran\n",
        ),
    ];
    bench.check_all(&cases);
}

#[test]
fn shells_pipes_and_special_files_are_unchanged() {
    let bench = Bench::new("shell");
    let cases = vec![
        sh("echo | tr", "echo hi | tr a-z A-Z", 0, "HI\n"),
        sh(
            "sort | uniq | sort",
            r"printf 'b\na\nc\na\n' | sort | uniq -c | sort -rn",
            0,
            "2 a",
        ),
        sh("exit code and stderr", "echo out; echo err >&2; exit 7", 7, "err\n"),
        sh(
            "cat of /dev/fd/3, /proc/self/fd/0, /dev/stdin",
            r#"cat /dev/fd/3 3< tree/hello.txt; cat /proc/self/fd/0 < tree/sr0; cat /dev/stdin < "tree/with space.txt"; cat - < tree/cdrom.txt"#,
            0,
            "hello, world\na plain file called sr0",
        ),
        sh(
            "reopen a write-only descriptor through /dev/fd and /proc/self/fd",
            r#"exec 4>"$OUT/fd4"; echo via fd4 >&4; cat /dev/fd/4; cat /proc/self/fd/4; exec 4>&-
               exec 5<>"$OUT/rw"; echo abc >&5; exec 5<&-; wc -c < "$OUT/rw"; cat "$OUT/fd4""#,
            0,
            "via fd4\nvia fd4\n4\nvia fd4\n",
        ),
        sh(
            "here-document, subshell, arithmetic",
            "cat <<EOF\nline $((6 * 7))\nEOF\n(echo sub; exit 3); echo \"status $?\"",
            0,
            "line 42\nsub\nstatus 3\n",
        ),
        sh(
            "twenty processes in a loop",
            r#"i=0; while [ $i -lt 20 ]; do i=$((i + 1)); cat tree/hello.txt; done | sort | uniq -c"#,
            0,
            "20 hello, world",
        ),
        sh(
            "find | xargs, find -exec",
            r#"find tree -name '*.txt' -type f | sort | xargs cat; find tree -name '*.txt' -type f -exec wc -c {} +"#,
            0,
            "nested\n",
        ),
        sh(
            "/dev/null, /dev/zero, /dev/urandom, /dev/full",
            r#"cat /dev/null; echo "rc=$?"; head -c 100 /dev/zero | od -c; head -c 16 /dev/urandom | wc -c
               echo gone > /dev/null; echo "rc=$?"; echo full > /dev/full; echo "rc=$?"
               dd if=/dev/zero of=/dev/null bs=64k count=16 status=none; echo "rc=$?""#,
            0,
            "rc=0\nrc=1\nrc=0\n",
        ),
        case(
            "cat /proc/self/cmdline",
            &["cat", "/proc/self/cmdline"],
            0,
            "cat\0/proc/self/cmdline\0",
        ),
        sh(
            "/proc/self/status, stat, exe of the reading process",
            r#"grep -E '^(Name|Umask|State):' /proc/self/status; cut -d' ' -f2,3 /proc/self/stat
               readlink /proc/self/exe /proc/self/cwd; cat /proc/sys/kernel/ostype"#,
            0,
            "Name:\tgrep\n",
        ),
        // The program's own descriptors: the shim must not leave one open.
        case("ls /proc/self/fd", &["ls", "/proc/self/fd/"], 0, "0\n1\n"),
        case(
            "stat of /proc and /dev links and folders",
            &[
                "stat",
                "-c",
                "%n|%F",
                "/proc/self",
                "/proc/self/fd",
                "/dev/fd",
                "/proc/thread-self",
                "/dev/stdout",
            ],
            0,
            "/dev/fd|symbolic link",
        ),
    ];
    bench.check_all(&cases);
}

// ---------------------------------------------------------------------------------------------
// python3

const PY_FILE_IO: &str = r#"
import errno, hashlib, mmap, os, shutil
out = os.environ['OUT']
os.umask(0o022)
def err(e): return type(e).__name__ + ' ' + errno.errorcode[e.errno]
p = os.path.join(out, 'py.txt')
with open(p, 'w') as f:
    f.write('line one\nline two\n')
with open(p, 'a') as f:
    print('appended', file=f)
with open(p, 'r+b') as f:
    print(f.readline(), f.tell())
    f.seek(5); print(f.read(3), f.tell())
    f.seek(-4, os.SEEK_END); print(f.read(), f.tell())
    f.seek(0); f.write(b'LINE'); f.flush(); os.fsync(f.fileno()); os.fdatasync(f.fileno())
print(open(p, 'rb').read())
fd = os.open(p, os.O_RDWR)
print(os.lseek(fd, 0, os.SEEK_END), os.lseek(fd, 3, os.SEEK_SET), os.lseek(fd, 2, os.SEEK_CUR))
print(os.read(fd, 5), os.pread(fd, 4, 10))
print(os.pwrite(fd, b'##', 1), os.write(fd, b'!'))
bufs = [bytearray(2), bytearray(3)]
print(os.readv(fd, bufs), bufs)
bufs = [bytearray(4), bytearray(4)]
print(os.preadv(fd, bufs, 0), bufs)
print(os.writev(fd, [b'ab', b'cd']), os.pwritev(fd, [b'<', b'>'], 0))
os.ftruncate(fd, 12); print(os.fstat(fd).st_size)
os.truncate(p, 20); print(os.stat(p).st_size)
with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as m:
    print(m[:20])
for bad in (-1, 1 << 62):
    try: os.pread(fd, 1, bad)
    except OSError as e: print('pread', bad, err(e))
os.close(fd)
for flags in (os.O_CREAT | os.O_EXCL | os.O_WRONLY, os.O_RDONLY | os.O_DIRECTORY, os.O_WRONLY | os.O_NOFOLLOW):
    try: os.open(p, flags, 0o600)
    except OSError as e: print('open', oct(flags), err(e))
try: os.open('tree/link', os.O_RDONLY | os.O_NOFOLLOW)
except OSError as e: print('nofollow', err(e))
try: open(p, 'x')
except OSError as e: print('x mode', err(e))
fd = os.open(os.path.join(out, 'mode640'), os.O_CREAT | os.O_WRONLY, 0o640); print(oct(os.fstat(fd).st_mode)); os.close(fd)
fd = os.open(os.path.join(out, 'creat'), os.O_CREAT | os.O_TRUNC | os.O_WRONLY | os.O_CLOEXEC, 0o604); os.write(fd, b'x' * 100); os.close(fd)
try:
    fd = os.open(out, os.O_TMPFILE | os.O_RDWR, 0o600); os.write(fd, b'tmp'); st = os.fstat(fd)
    print('tmpfile', oct(st.st_mode), st.st_nlink, st.st_size); os.close(fd)
except OSError as e: print('tmpfile', err(e))
d = os.open('tree', os.O_RDONLY | os.O_DIRECTORY)
fd = os.open('hello.txt', os.O_RDONLY, dir_fd=d); print(os.read(fd, 100)); os.close(fd)
fd = os.open('sr0', os.O_RDONLY, dir_fd=d); print(os.read(fd, 100)); os.close(fd)
fd = os.open('sub/deeper/../nested.txt', os.O_RDONLY, dir_fd=d); print(os.read(fd, 100)); os.close(fd)
os.close(d)
big = open('tree/sub/deeper/leaf.bin', 'rb').read(); print(len(big), hashlib.sha256(big).hexdigest())
chunks = []
with open('tree/bin.dat', 'rb', buffering=0) as f:
    while True:
        c = f.read(1000)
        if not c: break
        chunks.append(len(c))
print(chunks)
with open('tree/with space.txt') as f: print(f.read())
with open('tree/sr0') as f: print(f.read())
for bad in ('tree/missing', 'tree/sub', 'tree/dangling', 'tree/hello.txt/x', ''):
    try: open(bad)
    except OSError as e: print(repr(bad), err(e))
try: os.read(12345, 1)
except OSError as e: print('read', err(e))
r, w = os.pipe()
try: os.lseek(r, 0, os.SEEK_SET)
except OSError as e: print('lseek pipe', err(e))
shutil.copyfile('tree/sub/deeper/leaf.bin', os.path.join(out, 'leaf.copy'))
shutil.copytree('tree', os.path.join(out, 'tree.copy'), symlinks=True, ignore=shutil.ignore_patterns('fifo'))
os.utime(os.path.join(out, 'creat'), (1000000000, 1000000000))
os.rename(os.path.join(out, 'creat'), os.path.join(out, 'renamed'))
os.link(os.path.join(out, 'renamed'), os.path.join(out, 'linked'))
os.symlink('renamed', os.path.join(out, 'symlinked'))
os.mkdir(os.path.join(out, 'dir'), 0o750); os.chmod(os.path.join(out, 'dir'), 0o700)
os.unlink(os.path.join(out, 'mode640'))
print('done')
"#;

const PY_STAT: &str = r#"
import errno, os, stat
def err(e): return type(e).__name__ + ' ' + errno.errorcode[e.errno]
def info(st):
    return (stat.filemode(st.st_mode), st.st_size, st.st_nlink, st.st_ino, st.st_dev, st.st_uid, st.st_gid,
            st.st_mtime_ns, st.st_blocks, st.st_blksize, st.st_rdev)
names = sorted(os.listdir('tree'))
print(names)
for n in names:
    p = 'tree/' + n
    print(n, info(os.lstat(p)))
    try: print('  ->', info(os.stat(p)))
    except OSError as e: print('  ->', err(e))
d = os.open('tree', os.O_RDONLY | os.O_DIRECTORY)
print(sorted(os.listdir(d)), info(os.stat(d)))
for n in names:
    print(n, info(os.stat(n, dir_fd=d, follow_symlinks=False)),
          [os.access(n, m, dir_fd=d) for m in (os.F_OK, os.R_OK, os.W_OK, os.X_OK)])
print(os.readlink('link', dir_fd=d), os.readlink('tree/dangling'), os.readlink(b'tree/dirlink'))
try: os.readlink('tree/hello.txt')
except OSError as e: print('readlink file', err(e))
os.close(d)
with os.scandir('tree') as it:
    for e in sorted(it, key=lambda e: e.name):
        print(e.name, e.is_dir(), e.is_file(), e.is_symlink(), e.inode(), e.stat(follow_symlinks=False).st_size)
for root, dirs, files in os.walk('tree'):
    dirs.sort()
    print(root, dirs, sorted(files))
print(os.path.realpath('tree/dirlink/deeper/../nested.txt'), os.path.abspath('tree'), os.path.exists('tree/dangling'),
      os.path.lexists('tree/dangling'), os.path.isfile('tree/link'), os.path.isdir('tree/dirlink'),
      os.path.islink('tree/dirlink'), os.path.samefile('tree/hello.txt', 'tree/hard.txt'),
      os.path.getsize('tree/bin.dat'), os.path.ismount('/proc'))
print([os.path.exists(p) for p in ('/dev/sr1', '/dev/sg1', '/dev/sr00', '/dev/null', '/dev/zero', '/proc/self/fd/0')])
for p in ('/dev/null', '/dev/zero', '/dev/full'):
    st = os.stat(p); print(p, stat.filemode(st.st_mode), os.major(st.st_rdev), os.minor(st.st_rdev))
for p in ('tree/missing', 'tree/dangling', 'tree/hello.txt/x', '/dev/sr1', ''):
    try: os.stat(p)
    except OSError as e: print(repr(p), err(e))
v = os.statvfs('tree'); print(v.f_bsize, v.f_namemax)
with open('tree/hello.txt') as f:
    print(info(os.fstat(f.fileno())), info(os.stat(f.fileno())))
print(os.access('tree/script.sh', os.X_OK), os.access('tree/missing', os.F_OK), os.access('/dev/null', os.W_OK))
"#;

const PY_SOCKETS: &str = r#"
import os, select, socket, stat, threading
out = os.environ['OUT']
a, b = socket.socketpair()
a.sendall(b'ping'); print(b.recv(10))
b.sendall(b'pong' * 1000)
data = b''
while len(data) < 4000: data += a.recv(65536)
print(len(data), a.family, a.type, stat.S_ISSOCK(os.fstat(a.fileno()).st_mode))
print(select.select([a], [], [], 0)[0] == [], a.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE))
a.close(); print(b.recv(10))
b.close()
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
with open('tree/hello.txt', 'rb') as f:
    socket.send_fds(a, [b'fd'], [f.fileno()])
msg, fds, flags, addr = socket.recv_fds(b, 10, 1)
print(msg, len(fds), os.read(fds[0], 100), stat.S_ISREG(os.fstat(fds[0]).st_mode))
os.close(fds[0])
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
a.send(b'one'); a.send(b'two'); print(b.recv(100), b.recv(100))
path = os.path.join(out, 'sock')
srv = socket.socket(socket.AF_UNIX); srv.bind(path); srv.listen(1)
c = socket.socket(socket.AF_UNIX); c.connect(path); s, _ = srv.accept()
c.sendall(b'hello unix'); print(s.recv(100), stat.S_ISSOCK(os.stat(path).st_mode), os.path.exists(path))
c.close(); s.close(); srv.close()
try: socket.socket(socket.AF_UNIX).connect(os.path.join(out, 'nobody'))
except OSError as e: print(type(e).__name__)
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen()
def serve():
    s, _ = srv.accept()
    with s:
        buf = b''
        while True:
            chunk = s.recv(7)
            if not chunk: break
            buf += chunk
        s.sendall(buf[::-1])
t = threading.Thread(target=serve); t.start()
c = socket.create_connection(srv.getsockname())
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
print(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0)
c.sendall(b'tcp loopback ' * 100); c.shutdown(socket.SHUT_WR)
f = c.makefile('rb'); reply = f.read(); t.join()
print(len(reply), reply[:13])
f.close(); c.close(); srv.close()
u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u1.bind(('127.0.0.1', 0))
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u2.sendto(b'udp', u1.getsockname())
print(u1.recvfrom(10)[0])
p = select.poll(); p.register(u1, select.POLLIN); print(p.poll(0))
"#;

const PY_PIPES: &str = r#"
import array, errno, fcntl, os, select, subprocess, sys, termios
def err(e): return type(e).__name__ + ' ' + errno.errorcode[e.errno]
r, w = os.pipe()
os.write(w, b'through the pipe')
n = array.array('i', [0]); fcntl.ioctl(r, termios.FIONREAD, n, True); print('FIONREAD', n[0])
print(select.select([r], [], [], 0)[0] == [r], os.read(r, 100))
fl = fcntl.fcntl(r, fcntl.F_GETFL)
fcntl.fcntl(r, fcntl.F_SETFL, fl | os.O_NONBLOCK)
print(fl & os.O_ACCMODE, bool(fcntl.fcntl(r, fcntl.F_GETFL) & os.O_NONBLOCK), os.get_blocking(r))
try: os.read(r, 1)
except OSError as e: print('empty nonblocking pipe', err(e))
os.set_blocking(r, True)
print(fcntl.fcntl(w, fcntl.F_GETPIPE_SZ) > 0)
os.close(w); print('eof', os.read(r, 1))
r2, w2 = os.pipe2(os.O_CLOEXEC)
print(fcntl.fcntl(r2, fcntl.F_GETFD) & fcntl.FD_CLOEXEC, os.get_inheritable(r2))
os.write(w2, b'via proc')
with open('/proc/self/fd/%d' % r2, 'rb', buffering=0) as f: print(f.read(8))
os.write(w2, b'via devfd')
with open('/dev/fd/%d' % r2, 'rb', buffering=0) as f: print(f.read(9))
try: fcntl.ioctl(r2, termios.TIOCGWINSZ, b'\0' * 8)
except OSError as e: print('TIOCGWINSZ on a pipe', err(e))
with open('tree/bin.dat', 'rb') as f:
    n = array.array('i', [0]); fcntl.ioctl(f.fileno(), termios.FIONREAD, n, True); f.seek(99)
    m = array.array('i', [0]); fcntl.ioctl(f.fileno(), termios.FIONREAD, m, True); print('FIONREAD file', n[0], m[0])
try: fcntl.ioctl(0, termios.TCGETS, b'\0' * 64)
except OSError as e: print('TCGETS on /dev/null', err(e))
sys.stdout.flush()
p = subprocess.run(['sh', '-c', 'cat; echo child-stderr >&2; exit 3'], input=b'piped to child\n', capture_output=True)
print(p.returncode, p.stdout, p.stderr)
os.write(w2, b'inherited read end\n'); os.close(w2)
p = subprocess.run(['cat', '/dev/fd/%d' % r2], pass_fds=(r2,), capture_output=True, timeout=30)
print(p.returncode, p.stdout)
p1 = subprocess.Popen(['printf', 'a\\nb\\n'], stdout=subprocess.PIPE)
p2 = subprocess.Popen(['tr', 'a-z', 'A-Z'], stdin=p1.stdout, stdout=subprocess.PIPE)
p1.stdout.close(); print(p2.communicate()[0], p1.wait(), p2.returncode)
p = subprocess.run(['sh', '-c', 'kill -TERM $$']); print('killed child', p.returncode)
p = subprocess.run(['sh', '-c', 'ls /proc/self/fd/ | wc -l'], capture_output=True, close_fds=True); print('child fds', p.stdout)
r3, w3 = os.pipe()
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    os.write(w3, b'from the forked child'); os._exit(5)
os.close(w3)
_, status = os.waitpid(pid, 0); print(os.read(r3, 100), os.waitstatus_to_exitcode(status))
"#;

const PY_PROC: &str = r#"
import errno, os, sys
def err(e): return type(e).__name__ + ' ' + errno.errorcode[e.errno]
with open('/proc/self/status') as f:
    print([l.strip() for l in f if l.startswith(('Name:', 'Umask:', 'State:', 'Threads:'))])
print(open('/proc/self/cmdline', 'rb').read().split(b'\0')[1:3])
print(os.readlink('/proc/self/exe') == os.path.realpath(sys.executable), os.readlink('/proc/self/cwd'), os.getcwd())
print(os.readlink('/proc/self/fd/0'), os.readlink('/proc/self/root'), os.readlink('/dev/fd/0'))
print(sorted(os.listdir('/proc/self/fd'), key=int))
f = open('tree/hello.txt'); n = f.fileno()
for p in ('/proc/self/fd/%d', '/proc/%d/fd/%%d' % os.getpid(), '/dev/fd/%d', '/proc/thread-self/fd/%d', '/proc/self/fd/%d/'):
    q = p % n
    try: print(q.replace(str(os.getpid()), 'PID'), os.readlink(q), os.stat(q).st_ino == os.fstat(n).st_ino,
               os.lstat(q).st_mode >> 12, open(q).read(), os.access(q, os.R_OK), os.path.realpath(q))
    except OSError as e: print(q.replace(str(os.getpid()), 'PID'), err(e))
print(sorted(os.listdir('/proc/self/fd'), key=int))
print(open('/proc/self/fdinfo/%d' % n).read().splitlines()[:2])
f.close()
print(sorted(os.listdir('/proc/self/fd'), key=int))
for q in ('/proc/self/fd/%d' % n, '/proc/self/fd/999', '/proc/self/fd/abc', '/dev/fd/999', '/proc/self/fd/-1'):
    try: os.stat(q); print(q, 'exists')
    except OSError as e: print(q, 'stat', err(e))
    try: os.readlink(q)
    except OSError as e: print(q, 'readlink', err(e))
    try: open(q)
    except OSError as e: print(q, 'open', err(e))
print(open('/proc/self/stat').read().split()[2])
fd = os.open('/proc/self/stat', os.O_RDONLY); data = b''
while True:
    c = os.read(fd, 7)
    if not c: break
    data += c
os.close(fd); print(data.split()[1])
print(open('/proc/sys/kernel/ostype').read(), open('/proc/version').read() == open('/proc/version').read())
print(sorted(os.listdir('/proc/self'))[:5], os.path.isdir('/proc/self/fd'), os.path.islink('/proc/self'))
"#;

const PY_DESCRIPTORS: &str = r#"
import errno, fcntl, os, struct, sys
def err(e): return type(e).__name__ + ' ' + errno.errorcode[e.errno]
out = os.environ['OUT']
p = os.path.join(out, 'locked')
with open(p, 'w') as f: f.write('0123456789')
fd = os.open(p, os.O_RDWR)
d = os.dup(fd); print('dup', d - fd, os.get_inheritable(d))
os.lseek(fd, 4, os.SEEK_SET); print('shared offset', os.lseek(d, 0, os.SEEK_CUR))
print('dup2', os.dup2(fd, 20), os.get_inheritable(20))
print('dup3', os.dup2(fd, 21, inheritable=False), fcntl.fcntl(21, fcntl.F_GETFD))
d4 = fcntl.fcntl(fd, fcntl.F_DUPFD, 30); d5 = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 30)
print('F_DUPFD', d4, d5, fcntl.fcntl(d4, fcntl.F_GETFD), fcntl.fcntl(d5, fcntl.F_GETFD))
fcntl.fcntl(d5, fcntl.F_SETFD, 0); print(fcntl.fcntl(d5, fcntl.F_GETFD))
print('F_GETFL', oct(fcntl.fcntl(fd, fcntl.F_GETFL)))
fcntl.fcntl(fd, fcntl.F_SETFL, os.O_APPEND); os.write(d, b'A'); print(oct(fcntl.fcntl(d, fcntl.F_GETFL)), open(p).read())
fcntl.fcntl(fd, fcntl.F_SETFL, 0)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 2, 4)
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    c = os.open(p, os.O_RDWR)
    try:
        fcntl.lockf(c, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 4); what = 'locked?!'
    except OSError as e:
        what = err(e)
    res = fcntl.fcntl(c, fcntl.F_GETLK, struct.pack('hhqqi4x', fcntl.F_WRLCK, 0, 0, 0, 0))
    t, wh, start, length, owner = struct.unpack('hhqqi4x', res)
    fcntl.lockf(c, fcntl.LOCK_EX | fcntl.LOCK_NB, 2, 8)
    try:
        fcntl.fcntl(c, fcntl.F_SETLK, struct.pack('hhqqi4x', fcntl.F_WRLCK, 0, 0, 0, 0))
    except OSError as e:
        what += ', whole file ' + err(e)
    os.write(1, ('child: %s; F_GETLK type=%d start=%d len=%d owner_is_parent=%s; 8-9 locked\n'
                 % (what, t, start, length, owner == os.getppid())).encode())
    os._exit(0)
_, status = os.waitpid(pid, 0); print('child exit', os.waitstatus_to_exitcode(status))
res = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack('hhqqi4x', fcntl.F_WRLCK, 0, 0, 0, 0))
print('own F_GETLK', struct.unpack('hhqqi4x', res)[0] == fcntl.F_UNLCK)
fcntl.lockf(fd, fcntl.LOCK_UN, 2, 4)
a = os.open(p, os.O_RDWR); b = os.open(p, os.O_RDWR)
fcntl.fcntl(a, fcntl.F_OFD_SETLK, struct.pack('hhqqi4x', fcntl.F_WRLCK, 0, 0, 5, 0))
try: fcntl.fcntl(b, fcntl.F_OFD_SETLK, struct.pack('hhqqi4x', fcntl.F_WRLCK, 0, 2, 1, 0)); print('no conflict?!')
except OSError as e: print('OFD conflict', err(e))
res = fcntl.fcntl(b, fcntl.F_OFD_GETLK, struct.pack('hhqqi4x', fcntl.F_RDLCK, 0, 0, 0, 0))
print('F_OFD_GETLK', struct.unpack('hhqqi4x', res))
fcntl.fcntl(a, fcntl.F_OFD_SETLK, struct.pack('hhqqi4x', fcntl.F_UNLCK, 0, 0, 0, 0))
fcntl.fcntl(b, fcntl.F_OFD_SETLKW, struct.pack('hhqqi4x', fcntl.F_WRLCK, 0, 2, 1, 0)); print('OFD locked after unlock')
try: fcntl.fcntl(b, fcntl.F_SETLK, struct.pack('hhqqi4x', fcntl.F_WRLCK, 0, 0, -1, 0))
except OSError as e: print('negative len', err(e))
fcntl.flock(a, fcntl.LOCK_EX)
try: fcntl.flock(b, fcntl.LOCK_EX | fcntl.LOCK_NB)
except OSError as e: print('flock conflict', err(e))
fcntl.flock(a, fcntl.LOCK_UN); fcntl.flock(b, fcntl.LOCK_SH | fcntl.LOCK_NB); print('flock shared')
os.close(d); n = os.open(p, os.O_RDONLY); print('lowest free descriptor reused', n == d)
os.closerange(20, 40)
for x in (20, 21, d4, d5):
    try: os.fstat(x); print(x, 'still open')
    except OSError as e: print(x - fd, err(e))
r, w = os.pipe(); w2 = os.dup(w); os.close(w); os.write(w2, b'dup pipe'); os.close(w2); print(os.read(r, 100), os.read(r, 1))
for call in (lambda: os.close(999), lambda: os.dup(999), lambda: fcntl.fcntl(999, fcntl.F_GETFD),
             lambda: os.dup2(999, 5), lambda: os.fstat(999), lambda: fcntl.fcntl(fd, 12345)):
    try: call(); print('no error?!')
    except OSError as e: print(err(e))
print(sorted(os.listdir('/proc/self/fd'), key=int))
"#;

/// The libc entry points the shim exports that python does not call itself: stdio, realpath,
/// access, readlink, creat, open/openat and fcntl/ioctl through their C variadic forms.
const PY_LIBC: &str = r#"
import ctypes, errno, os
out = os.environ['OUT'].encode()
libc = ctypes.CDLL(None, use_errno=True)
for name in ('fopen', 'fopen64', 'freopen', 'freopen64', 'fdopen', 'realpath', 'canonicalize_file_name'):
    getattr(libc, name).restype = ctypes.c_void_p
libc.fgets.restype = ctypes.c_void_p
libc.freopen.argtypes = libc.freopen64.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]; libc.fflush.argtypes = [ctypes.c_void_p]; libc.fileno.argtypes = [ctypes.c_void_p]
libc.fseek.argtypes = [ctypes.c_void_p, ctypes.c_long, ctypes.c_int]
libc.fgets.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p]
libc.fwrite.argtypes = libc.fread.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_void_p]
libc.free.argtypes = [ctypes.c_void_p]
libc.realpath.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.canonicalize_file_name.argtypes = [ctypes.c_char_p]
libc.readlink.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
libc.readlinkat.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
libc.readlink.restype = libc.readlinkat.restype = ctypes.c_ssize_t
libc.lseek64.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int]; libc.lseek64.restype = ctypes.c_int64
libc.pread64.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int64]; libc.pread64.restype = ctypes.c_ssize_t
def e():
    n = ctypes.get_errno(); ctypes.set_errno(0); return errno.errorcode.get(n, n)
def line(f):
    b = ctypes.create_string_buffer(100); return ctypes.string_at(b) if libc.fgets(b, 100, f) else None
f = libc.fopen(b'tree/hello.txt', b'r'); print('fopen', line(f), libc.fclose(f))
f = libc.fopen64(b'tree/with space.txt', b're'); print('fopen64', line(f), libc.fclose(f))
for path, mode in ((b'tree/missing', b'r'), (b'tree/hello.txt', b'wx'), (b'tree/sub', b'w'), (b'tree/dangling', b'r')):
    ctypes.set_errno(0); print('fopen fails', path, mode, libc.fopen(path, mode), e())
f = libc.fopen(out + b'/stdio.txt', b'w+'); libc.fwrite(b'stdio data\n', 1, 11, f); libc.fflush(f)
libc.fseek(f, 0, 0); print('w+', line(f), libc.fclose(f))
f = libc.fopen(out + b'/stdio.txt', b'a'); libc.fwrite(b'more\n', 1, 5, f); libc.fclose(f)
f = libc.fopen(b'tree/hello.txt', b'r'); f = libc.freopen(b'tree/sr0', b'r', f); print('freopen', line(f))
f = libc.freopen64(b'tree/cdrom.txt', b'r', f); print('freopen64', line(f), libc.fclose(f))
fd = os.open('tree/hello.txt', os.O_RDONLY); f = libc.fdopen(fd, b'r'); print('fdopen', line(f), libc.fclose(f))
r = libc.realpath(b'tree/dirlink/../link', None); print('realpath', ctypes.string_at(r)[-15:]); libc.free(r)
buf = ctypes.create_string_buffer(4096)
print('realpath buffer', libc.realpath(b'tree/sub/deeper/.././nested.txt', buf) is not None, buf.value[-20:])
ctypes.set_errno(0); print('realpath dangling', libc.realpath(b'tree/dangling', None), e())
print('realpath /dev/fd/0', ctypes.string_at(libc.realpath(b'/dev/fd/0', None)))
r = libc.canonicalize_file_name(b'tree/dirlink/deeper/'); print('canonicalize', ctypes.string_at(r)[-16:]); libc.free(r)
ctypes.set_errno(0); print('canonicalize missing', libc.canonicalize_file_name(b'tree/missing/x'), e())
for fn in ('access', 'eaccess', 'euidaccess'):
    for path, mode in ((b'tree/script.sh', os.X_OK), (b'tree/hello.txt', os.R_OK | os.W_OK), (b'tree/missing', os.F_OK),
                       (b'/dev/null', os.W_OK), (b'/dev/sr1', os.F_OK), (b'tree/sr0', os.R_OK)):
        ctypes.set_errno(0); print(fn, path, getattr(libc, fn)(path, mode), e())
print('faccessat', libc.faccessat(-100, b'tree/private', os.R_OK, 0), libc.faccessat(-100, b'tree/missing', os.R_OK, 0), e())
b = ctypes.create_string_buffer(64)
for path, size in ((b'tree/link', 64), (b'tree/dangling', 64), (b'tree/link', 3), (b'tree/hello.txt', 64), (b'/proc/self/fd/0', 64), (b'/dev/fd/1', 64)):
    ctypes.set_errno(0); n = libc.readlink(path, b, size); print('readlink', path, size, n if path != b'/dev/fd/1' else n > 0, b.raw[:max(n, 0)] if path != b'/dev/fd/1' else '', e())
d = os.open('tree', os.O_RDONLY | os.O_DIRECTORY)
n = libc.readlinkat(d, b'dirlink', b, 64); print('readlinkat', n, b.raw[:n]); os.close(d)
fd = libc.creat(out + b'/creat.txt', 0o640); print('creat', fd > 2, os.write(fd, b'created'), libc.close(fd))
fd = libc.creat64(out + b'/creat64.txt', 0o604); print('creat64', fd > 2, libc.close(fd))
ctypes.set_errno(0); print('creat in missing folder', libc.creat(out + b'/no/such', 0o644), e())
fd = libc.open(b'tree/hello.txt', os.O_RDONLY); print('open', os.read(fd, 5), libc.lseek64(fd, 0, 2), libc.close(fd))
fd = libc.open(out + b'/opened', os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o604); print('open O_CREAT', oct(os.fstat(fd).st_mode), libc.close(fd))
ctypes.set_errno(0); print('open O_EXCL again', libc.open(out + b'/opened', os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o604), e())
fd = libc.open64(b'tree/bin.dat', os.O_RDONLY); b2 = ctypes.create_string_buffer(8); print('open64 pread64', libc.pread64(fd, b2, 8, 100), b2.raw.hex())
print('fcntl', libc.fcntl(fd, 1), libc.fcntl(fd, 3) & 3, libc.fcntl(fd, 0, 50) >= 50)
n = ctypes.c_int(0); print('ioctl FIONREAD', libc.ioctl(fd, 0x541B, ctypes.byref(n)), n.value)
ctypes.set_errno(0); print('ioctl TCGETS on a file', libc.ioctl(fd, 0x5401, ctypes.byref(ctypes.create_string_buffer(64))), e())
print('dup3', libc.dup3(fd, 40, os.O_CLOEXEC), libc.fcntl(40, 1), libc.close(40), libc.close(fd))
fd = libc.openat(-100, b'tree/sub/nested.txt', os.O_RDONLY); print('openat', os.read(fd, 10), libc.close(fd))
fd = libc.openat(-100, out + b'/openat', os.O_CREAT | os.O_RDWR, 0o600); print('openat O_CREAT', oct(os.fstat(fd).st_mode), libc.close(fd))
ctypes.set_errno(0); print('close twice', libc.close(fd), e())
"#;

#[test]
fn python_programs_are_unchanged() {
    let bench = Bench::new("python");
    let cases = vec![
        py(
            "files: open/read/write/seek, pread/pwrite, readv/writev, mmap, errors",
            PY_FILE_IO,
            "done\n",
        ),
        py(
            "stat, lstat, fstatat, listdir, scandir, walk, access, readlink",
            PY_STAT,
            "'with space.txt'",
        ),
        py(
            "sockets: socketpair, SCM_RIGHTS, seqpacket, unix, tcp, udp",
            PY_SOCKETS,
            "b'hello unix' True True",
        ),
        py("pipes, ioctl, subprocess, fork", PY_PIPES, "b'from the forked child' 5"),
        py(
            "/proc/self and /dev/fd",
            PY_PROC,
            "/proc/self/fd/999 readlink FileNotFoundError ENOENT",
        ),
        py(
            "dup, dup2, dup3, F_DUPFD, F_SETFL, POSIX/OFD/flock locks",
            PY_DESCRIPTORS,
            "OFD conflict",
        ),
        py(
            "libc stdio, realpath, access, readlink, creat, open, fcntl, ioctl via ctypes",
            PY_LIBC,
            "freopen64 b'not a drive either\\n'",
        ),
    ];
    bench.check_all(&cases);
}

// ---------------------------------------------------------------------------------------------
// the control

/// The attached runs above do have the shim: under attach the same kinds of program see the
/// emulated drive, without it they do not. (Without this, every comparison above would also
/// pass with the shim never loaded.)
#[test]
fn shim_is_loaded_under_attach() {
    let bench = Bench::new("control");
    let probes: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "stat".into(),
                "-c".into(),
                "%n %F %t:%T".into(),
                "/dev/sr0".into(),
                "/dev/sg0".into(),
            ],
            "/dev/sr0 block special file b:0\n/dev/sg0 character special file 15:0\n",
        ),
        (
            vec!["ls".into(), "-ln".into(), "/dev/sr0".into()],
            "brw-rw---- 1 0 24 11, 0 ",
        ),
        (
            vec![
                "sh".into(),
                "-c".into(),
                "test -b /dev/sr0 && test -c /dev/sg0 && echo devices".into(),
            ],
            "devices\n",
        ),
        (vec!["readlink".into(), "-f".into(), "/dev/cdrom".into()], "/dev/sr0\n"),
        (
            vec!["cat".into(), "/proc/sys/dev/cdrom/info".into()],
            "drive name:\t\tsr0",
        ),
        (
            vec![
                "find".into(),
                "/dev/sr0".into(),
                "/dev/sg0".into(),
                "-printf".into(),
                "%y\\n".into(),
            ],
            "b\nc\n",
        ),
        (
            vec![
                "dd".into(),
                "if=/dev/sr0".into(),
                "of=/dev/null".into(),
                "count=0".into(),
                "status=none".into(),
            ],
            "",
        ),
        (
            vec![
                "sh".into(),
                "-c".into(),
                "grep -q libburnbench_preload /proc/self/maps && echo loaded in grep".into(),
            ],
            "loaded in grep\n",
        ),
        (
            vec![
                python().into(),
                "-c".into(),
                "import os, stat; print(stat.S_ISBLK(os.stat('/dev/sr0').st_mode), \
                 'libburnbench_preload.so' in open('/proc/self/maps').read())"
                    .into(),
            ],
            "True True\n",
        ),
    ];
    let mut failures = Vec::new();
    for (argv, expected) in &probes {
        let plain = bench.run(argv, false);
        let attached = bench.run(argv, true);
        let ok = attached.code == 0
            && contains(&attached.stdout, expected.as_bytes())
            && (plain.code != attached.code || plain.stdout != attached.stdout);
        if !ok {
            failures.push(format!(
                "=== {}\nexpected under attach: exit 0 and stdout containing {expected:?}, and something else \
                 without the shim\nwithout the shim:\n{}\nunder burnbench attach:\n{}",
                shell_words(argv),
                show(&plain),
                show(&attached)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "the shim does not show in the attached runs:\n\n{}",
        failures.join("\n\n")
    );
}
