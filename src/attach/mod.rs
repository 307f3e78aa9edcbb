//! Real programs against the emulated drive: the attach server and how a program is started
//! under the preload shim (`preload/`, DESIGN.md "Real programs against the emulator",
//! attach.md, mmc.md §4).
//!
//! ```text
//! program ──(libc calls)──► libburnbench_preload.so ──SOCK_SEQPACKET──► Server ──► Drive::execute
//! ```
//!
//! - `protocol`: the messages; the shim and the server are built from the one file.
//! - `kernel`: what Linux adds between a program and the drive (SG_IO checks, opcode
//!   permissions, reply fields, open flags).
//! - `seqpacket`: the sockets.
//! - `server`: the drives, open file descriptions, locks and block I/O.

pub mod kernel;
pub mod protocol;
pub mod seqpacket;
pub mod server;

pub use server::{AttachedDrive, Server, ServerOptions};

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering};

/// The program `run_attached` is running (0: none), for `forward_signal`.
static RUNNING_CHILD: AtomicI32 = AtomicI32::new(0);

/// Pass a signal on to the attached program (async-signal-safe: for a signal handler). The
/// program ends, `run_attached` returns, and the media are saved as after a normal end.
pub fn forward_signal(signal: i32) {
    let pid = RUNNING_CHILD.load(Ordering::SeqCst);
    if pid > 0 {
        // SAFETY: kill() is async-signal-safe and takes no pointers.
        unsafe { libc::kill(pid, signal) };
    }
}

/// File name of the shim library.
pub const PRELOAD_LIBRARY: &str = "libburnbench_preload.so";
/// Overrides where the shim library is looked for.
pub const PRELOAD_ENV: &str = "BURNBENCH_PRELOAD_LIB";

/// Why a program could not be run attached.
#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    #[error(
        "the preload library {PRELOAD_LIBRARY} was not found (looked in {looked}); build it with \
         `cargo build --workspace` or name it with {PRELOAD_ENV}=PATH"
    )]
    NoLibrary { looked: String },
    #[error("cannot create the attach socket: {0}")]
    Socket(std::io::Error),
    #[error("cannot start `{program}`: {error} (is it installed and on PATH?)")]
    Spawn { program: String, error: std::io::Error },
    #[error("no program to run")]
    NoProgram,
    #[error("the attach server failed: {0}")]
    Server(std::io::Error),
}

/// Where the shim library is: `$BURNBENCH_PRELOAD_LIB`, else beside the running executable, in
/// its `deps/` folder (cargo's test builds), or one folder up (a test executable in `deps/`).
pub fn preload_library() -> Result<PathBuf, AttachError> {
    if let Some(path) = std::env::var_os(PRELOAD_ENV) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(AttachError::NoLibrary {
                looked: format!("{PRELOAD_ENV}={}", path.display()),
            })
        };
    }
    let exe = std::env::current_exe().map_err(|e| AttachError::NoLibrary { looked: e.to_string() })?;
    let dir = exe.parent().unwrap_or(Path::new("."));
    let candidates = [
        dir.join(PRELOAD_LIBRARY),
        dir.join("deps").join(PRELOAD_LIBRARY),
        dir.join("..").join(PRELOAD_LIBRARY),
    ];
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| AttachError::NoLibrary {
            looked: candidates
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// A private folder for the server socket, removed when dropped.
pub struct SocketDir {
    dir: PathBuf,
}

impl SocketDir {
    pub fn new() -> std::io::Result<SocketDir> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("burnbench-attach-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir)?;
        Ok(SocketDir { dir })
    }

    pub fn socket(&self) -> PathBuf {
        self.dir.join("drives.sock")
    }
}

impl Drop for SocketDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Set a program's environment so that the shim in `library` attaches it to the server at
/// `socket` with drives numbered `numbers`.
pub fn configure(command: &mut Command, library: &Path, socket: &Path, numbers: &[u16]) {
    let mut preload = library.as_os_str().to_owned();
    if let Some(existing) = std::env::var_os("LD_PRELOAD").filter(|v| !v.is_empty()) {
        preload.push(" ");
        preload.push(existing);
    }
    let drives = numbers.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
    command
        .env("LD_PRELOAD", preload)
        .env(protocol::SOCKET_ENV, socket)
        .env(protocol::DRIVES_ENV, drives);
}

/// Run `command` attached to `drives` until it exits; the media are saved at the end.
/// `wait` receives the started child and returns its exit status (or what the caller collects,
/// e.g. its output).
pub fn run_attached<T>(
    drives: Vec<AttachedDrive<'_>>,
    options: ServerOptions,
    mut command: Command,
    wait: impl FnOnce(Child) -> std::io::Result<T> + Send,
) -> Result<T, AttachError>
where
    T: Send,
{
    let program = command.get_program().to_string_lossy().into_owned();
    let library = preload_library()?;
    let dir = SocketDir::new().map_err(AttachError::Socket)?;
    let socket = dir.socket();
    let listener = seqpacket::Listener::bind(&socket).map_err(AttachError::Socket)?;
    let numbers: Vec<u16> = drives.iter().map(|d| d.number).collect();
    configure(&mut command, &library, &socket, &numbers);
    let server = Server::new(drives, options);
    let child = command.spawn().map_err(|error| AttachError::Spawn { program, error })?;
    RUNNING_CHILD.store(child.id() as i32, Ordering::SeqCst);
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let waiter = scope.spawn(|| {
            let result = wait(child);
            done.store(true, Ordering::SeqCst);
            result
        });
        let served = server.serve(&listener, || done.load(Ordering::SeqCst));
        RUNNING_CHILD.store(0, Ordering::SeqCst);
        let waited = waiter
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the waiting thread panicked")));
        served.map_err(AttachError::Server)?;
        waited.map_err(AttachError::Server)
    })
}

/// Wait for a child and return its status.
pub fn wait_status(mut child: Child) -> std::io::Result<ExitStatus> {
    child.wait()
}

/// The exit code a shell would report for `status` (128 + signal for a killed program).
pub fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}
