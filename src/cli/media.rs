//! `burnbench media …`: create, inspect, import and fill media images.

use super::line;
use super::progress::{self, Unit};
use super::table::Table;
use super::target::DeviceArgs;
use crate::burn::probe::MediaProbe;
use crate::burn::summary::MediaSummary;
use crate::device::ScsiDevice;
use crate::drive::{Drive, DriveModel};
use crate::media::export::{ExportError, SessionChoice, UdfAnchor};
use crate::media::medium::{self, Medium};
use crate::media::record::{self, CloseAfter};
use crate::media::{CdLength, Disc, Family, Profile};
use clap::{Subcommand, ValueEnum};
use std::fs::File;
use std::path::{Path, PathBuf};

const PROFILE_HELP: &str = "cd-r, cd-rw, dvd-r, dvd-rw, dvd+r, dvd+r-dl, dvd+rw, dvd-ram, bd-r, bd-re, \
                            cd-rom, dvd-rom, bd-rom (also dvd-r-dl, dvd-rw-ro, bd-r-rrm)";

#[derive(Debug, Subcommand)]
pub enum MediaCommand {
    /// Create a new medium as it comes out of the box, or formatted
    Create {
        /// Media image to create (a directory, by convention NAME.bbm)
        path: PathBuf,
        /// Profile of the medium
        #[arg(long, value_parser = parse_profile, help = format!("Profile: {PROFILE_HELP}"))]
        profile: Profile,
        /// Initial state: blank (sequential media, unformatted DVD+RW / BD-RE), formatted (DVD+RW:
        /// background format completed), or suspended (DVD+RW only: formatted, background format
        /// started and suspended, as real formatted DVD+RW discs report it after a reload)
        #[arg(long, value_enum, default_value_t = State::Blank)]
        state: State,
        /// Nominal length of a CD-R / CD-RW in minutes
        #[arg(long, value_enum, default_value_t = Minutes::M80)]
        cd_length: Minutes,
        /// Replace an existing media image at PATH
        #[arg(long)]
        force: bool,
    },
    /// Show profile, disc status, sessions and tracks of media images or .iso files (or of the
    /// disc in a real drive, --device)
    Info {
        /// Media images (directories) or plain .iso files
        #[arg(required_unless_present = "device", conflicts_with = "device")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        target: DeviceArgs,
        /// Print JSON (an object for one path, an array for several)
        #[arg(long)]
        json: bool,
        /// Profile to present a plain .iso as (default: CD-ROM, DVD-ROM or BD-ROM by size)
        #[arg(long, value_parser = parse_profile, conflicts_with = "device")]
        profile: Option<Profile>,
        /// Drive model that answers the queries: bd-writer, dvd-writer or cd-rw
        #[arg(long, default_value = "bd-writer", conflicts_with = "device")]
        drive: String,
    },
    /// List the files of a session on a medium, read through the emulated drive (or a real one,
    /// --device) with READ(10) (default: the newest session)
    Ls {
        /// Media image (or .iso)
        #[arg(required_unless_present = "device", conflicts_with = "device")]
        path: Option<PathBuf>,
        #[command(flatten)]
        target: DeviceArgs,
        /// Session number (1 = first); random-writable media hold one session whose newest tree
        /// is at LBA 16
        #[arg(long)]
        session: Option<u16>,
        /// File system to list
        #[arg(long, value_enum)]
        fs: Option<super::image::ListFs>,
        /// Print JSON (an array of items)
        #[arg(long)]
        json: bool,
    },
    /// Turn a plain .iso file into a media image holding it as one closed session
    ImportIso {
        /// The .iso file
        iso: PathBuf,
        /// Media image to create
        path: PathBuf,
        /// Profile of the new medium (default: CD-ROM, DVD-ROM or BD-ROM by size)
        #[arg(long, value_parser = parse_profile)]
        profile: Option<Profile>,
        /// Leave a recordable disc appendable instead of finalized
        #[arg(long)]
        appendable: bool,
        /// Replace an existing media image at PATH
        #[arg(long)]
        force: bool,
        /// No progress bar
        #[arg(long, short)]
        quiet: bool,
    },
    /// Write the data area of a medium to a flat image file (unwritten blocks as zeros), for
    /// ISO readers such as isoinfo, xorriso or 7z
    Export {
        /// Media image (or .iso) to read
        path: PathBuf,
        /// File to write (or give it with -o)
        #[arg(required_unless_present = "output", conflicts_with = "output")]
        out: Option<PathBuf>,
        /// File to write
        #[arg(short, long, value_name = "DISC.img")]
        output: Option<PathBuf>,
        /// Write the image as a reader mounting session N (or the last) sees it: LBA 16 onward
        /// holds that session's volume descriptors (ISO 9660 through the terminator, then the UDF
        /// recognition sequence), LBA 256 its UDF anchor (zeros if it has no UDF), every other
        /// sector as recorded. A projection for readers that look only at LBA 16 and 256, such as
        /// 7z — not the disc as a drive reads it
        #[arg(long, value_name = "N|last")]
        as_session: Option<SessionChoice>,
    },
    /// Record a file onto a medium as one track (at the next writable address, or --lba on
    /// overwritable media), then close it as asked
    Write {
        /// Media image to write to
        path: PathBuf,
        /// Data to record (the last block is zero-filled)
        file: PathBuf,
        /// Start LBA (overwritable media; sequential media take only the next writable address)
        #[arg(long)]
        lba: Option<u32>,
        /// What to close afterwards on sequential media
        #[arg(long, value_enum, default_value_t = Close::Session)]
        close: Close,
        /// Hide the progress bar
        #[arg(long, short)]
        quiet: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum State {
    Blank,
    Formatted,
    Suspended,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Minutes {
    #[value(name = "74")]
    M74,
    #[value(name = "80")]
    M80,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Close {
    /// Leave the track open
    Nothing,
    /// Close the track
    Track,
    /// Close track and session; the disc stays appendable
    Session,
    /// Close track and session and finalize the disc
    Finalize,
}

fn parse_profile(s: &str) -> Result<Profile, String> {
    s.parse().map_err(line)
}

pub fn run(command: MediaCommand) -> Result<(), String> {
    match command {
        MediaCommand::Create {
            path,
            profile,
            state,
            cd_length,
            force,
        } => create(&path, profile, state, cd_length, force),
        MediaCommand::Info {
            paths,
            target,
            json,
            profile,
            drive,
        } => {
            let summaries = match &target.device {
                Some(device) => vec![device_summary(&target, device)?],
                None => media_summaries(&paths, profile, &drive)?,
            };
            print_summaries(&summaries, json)
        }
        MediaCommand::Ls {
            path,
            target,
            session,
            fs,
            json,
        } => {
            let listing = Listing { session, fs, json };
            match (&target.device, path) {
                (Some(device), _) => listing.list(target.open(device)?, device),
                (None, Some(path)) => {
                    let medium = Medium::open_scratch(&path, None).map_err(line)?;
                    let mut drive = Drive::with_medium(drive_model("bd-writer")?, medium);
                    drive.settle();
                    listing.list(drive, &path)
                }
                (None, None) => Err("give a media image or --device /dev/srN".into()),
            }
        }
        MediaCommand::ImportIso {
            iso,
            path,
            profile,
            appendable,
            force,
            quiet,
        } => {
            refuse_existing(&path, force)?;
            let bar = progress::bar(0, Unit::Blocks, quiet);
            bar.set_message("importing");
            let disc = medium::import_iso_with_progress(&iso, &path, profile, appendable, &mut |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })
            .map_err(line)?;
            bar.finish_and_clear();
            println!(
                "{}: {} with {} blocks",
                path.display(),
                disc.profile.name(),
                disc.readable_blocks()
            );
            Ok(())
        }
        MediaCommand::Write {
            path,
            file,
            lba,
            close,
            quiet,
        } => write(&path, &file, lba, close, quiet),
        MediaCommand::Export {
            path,
            out,
            output,
            as_session,
        } => export(&path, out.or(output), as_session),
    }
}

/// `media export`: the flat image, or its projection for a session.
fn export(path: &Path, out: Option<PathBuf>, as_session: Option<SessionChoice>) -> Result<(), String> {
    // clap guarantees exactly one of the two.
    let out = out.ok_or("media export: give the file to write (-o DISC.img)")?;
    super::refuse_overwriting(&out, path)?;
    let mut medium = Medium::open(path, None).map_err(line)?;
    let Some(session) = as_session else {
        let blocks = medium.export(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        println!("{}: {blocks} blocks", out.display());
        return Ok(());
    };
    let view = medium.export_as_session(&out, session).map_err(|e| match e {
        ExportError::Medium(e) => format!("{}: {e}", out.display()),
        refused => format!("{}: {refused}", path.display()),
    })?;
    let udf = match view.udf_anchor {
        UdfAnchor::AsRecorded => "",
        UdfAnchor::Moved => ", its UDF anchor at 256",
        UdfAnchor::Cleared => ", no UDF anchor at 256",
    };
    println!(
        "{}: {} blocks, as a reader mounting session {} (from LBA {}) sees it: its volume descriptors at LBA 16{udf}",
        out.display(),
        view.blocks,
        view.session,
        view.session_start
    );
    Ok(())
}

fn refuse_existing(path: &Path, force: bool) -> Result<(), String> {
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(format!(
            "{} already exists (pass --force to replace a media image)",
            path.display()
        ));
    }
    Ok(())
}

fn create(path: &Path, profile: Profile, state: State, minutes: Minutes, force: bool) -> Result<(), String> {
    refuse_existing(path, force)?;
    let facts = profile.facts();
    if facts.family == Family::ReadOnly {
        return Err(format!(
            "{profile} is read-only: make one from an ISO with `burnbench media import-iso`"
        ));
    }
    let length = match minutes {
        Minutes::M74 => CdLength::Min74,
        Minutes::M80 => CdLength::Min80,
    };
    let mut disc = Disc::new_cd(profile, length);
    match state {
        State::Blank => {}
        State::Formatted => {
            disc.format_default()
                .map_err(|_| format!("{profile} cannot be formatted"))?;
        }
        State::Suspended => {
            // Only a background format (DVD+RW 26h) can be suspended.
            disc.start_default_format()
                .map_err(|_| format!("{profile} cannot be formatted"))?;
            disc.suspend_background_format();
            if disc.background_format_status() != 1 {
                return Err(format!(
                    "{profile} has no background format to suspend (--state suspended is for dvd+rw)"
                ));
            }
        }
    }
    Medium::in_memory(disc).save_as(path).map_err(line)?;
    println!("{}: new {} ({:?})", path.display(), profile.name(), state);
    Ok(())
}

/// What `media ls` lists.
struct Listing {
    session: Option<u16>,
    fs: Option<super::image::ListFs>,
    json: bool,
}

impl Listing {
    /// The tree of a session, through the drive (READ TRACK INFORMATION gives where the session
    /// starts, READ(10) reads it) — an emulated one or a real one.
    fn list(&self, mut device: impl ScsiDevice + 'static, path: &Path) -> Result<(), String> {
        let probe = MediaProbe::query(&mut device).map_err(|e| super::target::device_error(path, e))?;
        // Sessions with recorded data: the first track of each session that is not blank.
        let mut recorded: Vec<(u16, u32)> = Vec::new();
        for track in probe.tracks.iter().filter(|t| !t.blank) {
            if recorded
                .last()
                .is_none_or(|(number, _)| *number != track.session_number)
            {
                recorded.push((track.session_number, track.track_start));
            }
        }
        let start = match self.session {
            Some(n) => recorded
                .iter()
                .find(|(number, _)| *number == n)
                .map(|(_, start)| *start)
                .ok_or_else(|| {
                    format!(
                        "{}: no session {n} with data ({} recorded)",
                        path.display(),
                        recorded.len()
                    )
                })?,
            None => recorded
                .last()
                .map(|(_, start)| *start)
                .ok_or_else(|| format!("{}: nothing recorded", path.display()))?,
        };
        let recorder = crate::burn::Recorder::new(device);
        let mut reader = crate::fsi::read::RecorderBlockReader::new(recorder, Some(u64::from(probe.readable_blocks())));
        super::image::list(&mut reader, path, self.fs, start, self.json)
    }
}

/// The built-in drive model `id`, or a one-line error listing the models.
pub fn drive_model(id: &str) -> Result<DriveModel, String> {
    DriveModel::builtin(id).ok_or_else(|| {
        format!(
            "unknown drive model \"{id}\" (expected one of: {})",
            DriveModel::builtin_ids().join(", ")
        )
    })
}

/// `media info`: load each medium into an emulated drive and ask it what a burner asks
/// (`burn::probe`), so the report is what burning software sees.
fn media_summaries(paths: &[PathBuf], profile: Option<Profile>, drive: &str) -> Result<Vec<MediaSummary>, String> {
    let model = drive_model(drive)?;
    let mut summaries = Vec::new();
    for path in paths {
        let medium = Medium::open_scratch(path, profile).map_err(line)?;
        let written = medium.written_sectors();
        let mut drive = Drive::with_medium(model.clone(), medium);
        drive.settle();
        let probe = MediaProbe::query(&mut drive).map_err(|e| format!("{}: {e}", path.display()))?;
        summaries.push(MediaSummary::from_probe(
            &path.display().to_string(),
            &probe,
            Some(written),
        ));
    }
    Ok(summaries)
}

/// `media info --device`: the same questions to a real drive.
fn device_summary(target: &DeviceArgs, path: &Path) -> Result<MediaSummary, String> {
    let mut device = target.open(path)?;
    let probe = MediaProbe::query(&mut device).map_err(|e| super::target::device_error(path, e))?;
    Ok(MediaSummary::from_probe(&path.display().to_string(), &probe, None))
}

fn print_summaries(summaries: &[MediaSummary], json: bool) -> Result<(), String> {
    if json {
        let text = if summaries.len() == 1 {
            serde_json::to_string_pretty(&summaries[0])
        } else {
            serde_json::to_string_pretty(&summaries)
        };
        println!("{}", text.map_err(line)?);
        return Ok(());
    }
    for (i, summary) in summaries.iter().enumerate() {
        if i > 0 {
            println!();
        }
        print!("{}", render_summary(summary));
    }
    Ok(())
}

fn mib(blocks: u64) -> String {
    format!("{:.1} MiB", blocks as f64 * 2048.0 / (1024.0 * 1024.0))
}

fn render_summary(s: &MediaSummary) -> String {
    let mut out = format!("{}\n", s.path);
    let mut facts = Table::new(&["profile", &format!("{} ({})", s.profile_name, s.profile_code)]);
    let status = s.status_label();
    facts.row(vec![
        "disc status".into(),
        format!("{status}, last session {}", s.last_session_state),
    ]);
    facts.row(vec!["erasable".into(), if s.erasable { "yes" } else { "no" }.into()]);
    facts.row(vec![
        "capacity".into(),
        format!("{} blocks ({})", s.capacity_blocks, mib(s.capacity_blocks.into())),
    ]);
    let mut format = s.format.to_string();
    if s.background_format_status != 0 {
        let states = ["", "suspended", "running", "completed"];
        format += &format!(
            ", background format {}",
            states[usize::from(s.background_format_status.min(3))]
        );
    }
    if !s.format_descriptors.is_empty() {
        let list: Vec<String> = s
            .format_descriptors
            .iter()
            .map(|d| format!("{:02X}h/{} {}", d.format_type, d.subtype, d.blocks))
            .collect();
        format += &format!("; formats {}", list.join(", "));
    }
    facts.row(vec!["format".into(), format]);
    facts.row(vec![
        "readable".into(),
        format!("{} blocks (READ CAPACITY)", s.readable_blocks),
    ]);
    facts.row(vec![
        "free".into(),
        format!("{} blocks ({})", s.free_blocks, mib(s.free_blocks.into())),
    ]);
    if let Some(written) = s.written_sectors {
        facts.row(vec!["written".into(), format!("{written} sectors stored")]);
    }
    facts.row(vec![
        "sessions".into(),
        format!(
            "{} (tracks {}..{} in the last)",
            s.sessions, s.first_track_in_last_session, s.last_track_in_last_session
        ),
    ]);
    out += &facts.render("  ");
    let mut tracks = Table::new(&[
        "track",
        "session",
        "start",
        "size",
        "state",
        "NWA",
        "free",
        "last recorded",
    ]);
    for t in &s.tracks {
        // RT on a closed track is how DVD+R and BD-R drives report every closed track.
        let reserved = if t.reserved && t.state != "blank" && t.state != "complete" {
            " reserved"
        } else {
            ""
        };
        tracks.row(vec![
            t.number.to_string(),
            t.session.to_string(),
            t.start.to_string(),
            t.size_blocks.to_string(),
            format!("{}{reserved}", t.state),
            t.next_writable_address.map_or("-".into(), |n| n.to_string()),
            t.free_blocks.to_string(),
            t.last_recorded_address.map_or("-".into(), |n| n.to_string()),
        ]);
    }
    out += "\n";
    out += &tracks.render("  ");
    out
}

fn write(path: &Path, file: &Path, lba: Option<u32>, close: Close, quiet: bool) -> Result<(), String> {
    let mut medium = Medium::open(path, None).map_err(line)?;
    let mut source = File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let bytes = source.metadata().map_err(|e| format!("{}: {e}", file.display()))?.len();
    let bar = progress::bar(bytes, Unit::Bytes, quiet);
    let close = match close {
        Close::Nothing => CloseAfter::Nothing,
        Close::Track => CloseAfter::Track,
        Close::Session => CloseAfter::Session,
        Close::Finalize => CloseAfter::Finalize,
    };
    let recorded = record::record(&mut medium, &mut source, bytes, lba, close, &mut |done| {
        bar.set_position(done)
    })
    .map_err(|e| format!("{}: {e}", path.display()))?;
    bar.finish_and_clear();
    let status = medium.disc().status();
    println!(
        "{}: recorded {} blocks at LBA {}; disc {}",
        path.display(),
        recorded.blocks,
        recorded.start_lba,
        status.label()
    );
    Ok(())
}
