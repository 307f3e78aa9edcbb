//! `burnbench attach` and `burnbench serve`: unmodified programs against emulated drives through
//! the preload shim (`attach`, docs/attach.md).

use super::line;
use crate::attach::{self, AttachedDrive, Server, ServerOptions, seqpacket::Listener};
use crate::drive::{Drive, FaultPlan, Tracer};
use crate::media::medium::Medium;
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

/// The drives of a run and how the kernel side behaves (shared by `attach` and `serve`).
#[derive(Debug, Args)]
pub struct DriveArgs {
    /// Media image (or .iso) in each drive: the first in /dev/sr0, the next in /dev/sr1…
    #[arg(long, required = true, value_name = "PATH")]
    media: Vec<PathBuf>,
    /// Drive model of every drive: bd-writer, dvd-writer or cd-rw
    #[arg(long, default_value = "bd-writer")]
    drive: String,
    /// Device node of each drive, /dev/srN (default /dev/sr0, /dev/sr1…); /dev/sgN goes with it
    #[arg(long = "name", value_name = "/dev/srN")]
    names: Vec<String>,
    /// Write the command trace (JSON Lines, docs/trace.md); drive N > 0 writes FILE.srN
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// Inject the faults of this plan (RON, docs/faults.md) into every drive
    #[arg(long, value_name = "FILE")]
    faults: Option<PathBuf>,
    /// Let programs send every opcode, as root with CAP_SYS_RAWIO may (default: the
    /// unprivileged user's opcode list of the kernel)
    #[arg(long)]
    cap_sys_rawio: bool,
    /// Simulated drive milliseconds per real millisecond (long operations end sooner)
    #[arg(long, default_value_t = 100, value_name = "N")]
    time_scale: u64,
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    #[command(flatten)]
    drives: DriveArgs,
    /// After the program ends, keep serving (like `serve`) until interrupted
    #[arg(long)]
    keep_server: bool,
    /// The program and its arguments, after `--`
    #[arg(required = true, last = true, value_name = "PROGRAM")]
    program: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    drives: DriveArgs,
    /// Socket to listen on
    #[arg(long, value_name = "PATH")]
    socket: Option<PathBuf>,
}

/// `/dev/srN` → N.
fn node_number(name: &str) -> Result<u16, String> {
    name.strip_prefix("/dev/sr")
        .and_then(|n| n.parse::<u16>().ok())
        .filter(|n| *n < 256)
        .ok_or_else(|| format!("--name {name}: expected a block node /dev/srN with N from 0 to 255"))
}

/// Load the media into drives as the arguments say; every problem is one line, before any
/// program starts.
fn load_drives(args: &DriveArgs) -> Result<(Vec<u16>, Vec<Drive>), String> {
    let model = super::media::drive_model(&args.drive)?;
    if !args.names.is_empty() && args.names.len() != args.media.len() {
        return Err(format!(
            "{} --name for {} --media: give one name per drive or none",
            args.names.len(),
            args.media.len()
        ));
    }
    let numbers: Vec<u16> = if args.names.is_empty() {
        (0..args.media.len() as u16).collect()
    } else {
        args.names.iter().map(|n| node_number(n)).collect::<Result<_, _>>()?
    };
    if numbers.iter().enumerate().any(|(i, n)| numbers[..i].contains(n)) {
        return Err("two drives with the same --name".into());
    }
    let plan = match &args.faults {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Some(FaultPlan::from_ron(&text).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        None => None,
    };
    let mut drives = Vec::new();
    for (i, path) in args.media.iter().enumerate() {
        let medium = Medium::open(path, None).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut drive = Drive::with_medium(model.clone(), medium);
        if let Some(plan) = &plan {
            drive.set_fault_plan(plan.clone());
        }
        if let Some(trace) = &args.trace {
            let path = if i == 0 {
                trace.clone()
            } else {
                PathBuf::from(format!("{}.sr{}", trace.display(), numbers[i]))
            };
            drive.set_tracer(Tracer::to_file(&path).map_err(|e| format!("{}: {e}", path.display()))?);
        }
        drives.push(drive);
    }
    Ok((numbers, drives))
}

fn options(args: &DriveArgs) -> ServerOptions {
    ServerOptions {
        cap_sys_rawio: args.cap_sys_rawio,
        time_scale: args.time_scale.max(1),
    }
}

fn attached<'d>(numbers: &[u16], drives: &'d mut [Drive]) -> Vec<AttachedDrive<'d>> {
    numbers
        .iter()
        .zip(drives.iter_mut())
        .map(|(&number, drive)| AttachedDrive { number, drive })
        .collect()
}

/// A trace that could not be written is an error of the run.
fn check_traces(drives: &mut [Drive]) -> Result<(), String> {
    for drive in drives {
        if let Some(e) = drive.tracer_mut().take_error() {
            return Err(format!("writing the trace failed: {e}"));
        }
    }
    Ok(())
}

extern "C" fn forward(signal: libc::c_int) {
    attach::forward_signal(signal);
}

/// Returns the program's exit code.
pub fn attach(args: AttachArgs) -> Result<i32, String> {
    let (numbers, mut drives) = load_drives(&args.drives)?;
    // SIGTERM / SIGHUP / SIGINT end the program, and then the run as after a normal end (media
    // saved, socket removed); a terminal's Ctrl-C reaches the program directly as well.
    // SAFETY: the handler only calls kill(), which is async-signal-safe.
    unsafe {
        for signal in [libc::SIGTERM, libc::SIGHUP, libc::SIGINT] {
            libc::signal(signal, forward as *const () as libc::sighandler_t);
        }
    }
    let mut command = Command::new(&args.program[0]);
    command.args(&args.program[1..]);
    let status = attach::run_attached(
        attached(&numbers, &mut drives),
        options(&args.drives),
        command,
        attach::wait_status,
    )
    .map_err(line)?;
    if args.keep_server {
        serve_until_interrupted(&numbers, &mut drives, &args.drives, None)?;
    }
    check_traces(&mut drives)?;
    Ok(attach::exit_code(status))
}

pub fn serve(args: ServeArgs) -> Result<(), String> {
    let (numbers, mut drives) = load_drives(&args.drives)?;
    serve_until_interrupted(&numbers, &mut drives, &args.drives, args.socket.as_deref())?;
    check_traces(&mut drives)
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

fn serve_until_interrupted(
    numbers: &[u16],
    drives: &mut [Drive],
    args: &DriveArgs,
    socket: Option<&Path>,
) -> Result<(), String> {
    let library = attach::preload_library().map_err(line)?;
    let dir = attach::SocketDir::new().map_err(|e| format!("cannot create the socket folder: {e}"))?;
    let socket = socket.map_or_else(|| dir.socket(), Path::to_path_buf);
    let listener = Listener::bind(&socket).map_err(|e| format!("{}: {e}", socket.display()))?;
    let drives_env = numbers.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
    // The banner is for whoever started the server; once they stop reading (a closed pipe), the
    // server goes on serving: the write's error is ignored, never a panic.
    let banner = format!(
        "burnbench serve: {} drive(s) on {}\nattach a program with:\n  LD_PRELOAD={} {}={} {}={drives_env} PROGRAM ARGS\nstop with Ctrl-C (the media are saved)\n",
        numbers.len(),
        socket.display(),
        library.display(),
        attach::protocol::SOCKET_ENV,
        socket.display(),
        attach::protocol::DRIVES_ENV
    );
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(banner.as_bytes()).and_then(|()| stdout.flush());
    drop(stdout);
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    let server = Server::new(attached(numbers, drives), options(args));
    let served = server.serve(&listener, || INTERRUPTED.load(Ordering::SeqCst));
    let _ = std::fs::remove_file(&socket);
    served.map_err(|e| format!("the server failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_block_nodes() {
        assert_eq!(node_number("/dev/sr3"), Ok(3));
        assert!(node_number("/dev/sg0").unwrap_err().contains("/dev/srN"));
        assert!(node_number("/dev/sr999").is_err());
    }
}
