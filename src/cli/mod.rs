//! The `burnbench` command line (clap derive). Parses arguments and prints; everything it calls
//! is library API that the tests use too (ripgrep's shape: a thin `main.rs`).

mod attach;
mod burn;
#[cfg(target_os = "linux")]
mod drives;
mod image;
pub(crate) mod media;
mod progress;
mod raw;
mod run;
mod table;
mod target;
mod trace;

use clap::{Parser, Subcommand};
use std::fmt::Display;

/// burnbench: a virtual optical drive and conformance test bench for disc-burning software.
#[derive(Debug, Parser)]
#[command(name = "burnbench", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run an unmodified program (xorriso, cdrskin, wodim, growisofs, cdrdao, sg3_utils…) with
    /// emulated drives as /dev/srN and /dev/sgN, and save the media when it ends
    Attach(attach::AttachArgs),
    /// Serve emulated drives to programs started with the preload shim, until interrupted
    Serve(attach::ServeArgs),
    /// List the optical drives (sysfs, /proc, /dev/srN) with vendor, product, revision, current
    /// profile and medium status, as each answers through SG_IO
    #[cfg(target_os = "linux")]
    Drives(drives::DrivesArgs),
    /// Build ISO 9660 / Joliet / UDF images from host files, list them and extract from them.
    #[command(subcommand)]
    Image(image::ImageCommand),
    /// Burn host files onto a media image (or the disc in a real drive, --device) as a new
    /// session, as an IMAPI2 data burn does (importing the previous session first)
    Burn(burn::BurnArgs),
    /// Erase a media image (or the disc in a real drive, --device): BLANK on CD-RW / DVD-RW,
    /// format on DVD+RW / BD-RE
    Erase(burn::EraseArgs),
    /// Create, inspect and fill emulated media (media images).
    #[command(subcommand)]
    Media(media::MediaCommand),
    /// Send one CDB to the emulated drive (or a real one, --device) and print status, sense and
    /// data (like sg_raw)
    Raw(raw::RawArgs),
    /// Run RON scenarios against the emulated drive and report (docs/scenarios.md)
    Run(run::RunArgs),
    /// Read command traces written by the emulated drive (JSON Lines).
    #[command(subcommand)]
    Trace(trace::TraceCommand),
}

/// Run the CLI with the process arguments; returns the exit status (0 ok, 1 failure, 2 usage).
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    // A closed stdout (`burnbench … | head -1`) ends the command quietly, as it does coreutils,
    // instead of a panic from print!. attach and serve keep SIGPIPE ignored: the server must save
    // the media whatever happens to its output (its sockets send with MSG_NOSIGNAL anyway).
    if !matches!(cli.command, Command::Attach(_) | Command::Serve(_)) {
        // SAFETY: restoring the default disposition before any thread starts.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    }
    if let Command::Attach(args) = cli.command {
        return match attach::attach(args) {
            Ok(code) => code,
            Err(message) => {
                eprintln!("burnbench: {message}");
                1
            }
        };
    }
    match run(cli) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("burnbench: {message}");
            1
        }
    }
}

/// Run a parsed command; the error is the one line to print.
pub fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Attach(args) => attach::attach(args).and_then(|code| match code {
            0 => Ok(()),
            code => Err(format!("the program exited with status {code}")),
        }),
        Command::Serve(args) => attach::serve(args),
        Command::Burn(args) => burn::burn(args),
        Command::Erase(args) => burn::erase(args),
        #[cfg(target_os = "linux")]
        Command::Drives(args) => drives::run(args),
        Command::Image(command) => image::run(command),
        Command::Media(command) => media::run(command),
        Command::Raw(args) => raw::run(args),
        Command::Run(args) => run::run(args),
        Command::Trace(command) => trace::run(command),
    }
}

/// Refuse to write `out` where it would destroy `input` before reading it: the same file, or a
/// file inside the `input` folder (a media image's own data file).
fn refuse_overwriting(out: &std::path::Path, input: &std::path::Path) -> Result<(), String> {
    let Ok(input_real) = input.canonicalize() else {
        return Ok(());
    };
    let out_real = out.canonicalize().ok().or_else(|| {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        Some(parent.canonicalize().ok()?.join(out.file_name()?))
    });
    match out_real {
        Some(real) if real == input_real || real.starts_with(&input_real) => Err(format!(
            "{}: would overwrite {} while reading it; write the output elsewhere",
            out.display(),
            input.display()
        )),
        _ => Ok(()),
    }
}

/// Turn any error into the one-line message the CLI prints.
fn line(e: impl Display) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
