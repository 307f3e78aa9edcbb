//! `burnbench burn` and `burnbench erase`: an IMAPI-style data burn or erase of a media image,
//! through the emulated drive — the same recorder, data writer, image builder and eraser a
//! scenario uses, so what they do to the disc is what a burning program would see.

use super::line;
use super::media::drive_model;
use super::progress::{self, Unit};
use super::target::{Device, WriteDeviceArgs};
use crate::burn::probe::MediaProbe;
use crate::burn::summary::MediaSummary;
use crate::burn::{DataWriter, DvdPlusRDlMultisession, Eraser, Recorder, WriteAction, WriteProgress};
use crate::drive::Drive;
use crate::fsi::{FileSystemImage, FileSystems};
use crate::hresult::ImapiError;
use crate::media::medium::Medium;
use clap::{Args, ValueEnum};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The client name the CLI gives IMAPI objects.
const CLIENT: &str = "burnbench";

#[derive(Debug, Args)]
pub struct BurnArgs {
    /// Media image to burn onto (its changes are saved)
    #[arg(long, required_unless_present = "device", conflicts_with = "device")]
    media: Option<PathBuf>,
    #[command(flatten)]
    target: WriteDeviceArgs,
    /// Drive model: bd-writer, dvd-writer or cd-rw
    #[arg(long, default_value = "bd-writer", conflicts_with = "device")]
    drive: String,
    /// Close the disc after this session (ForceMediaToBeClosed)
    #[arg(long)]
    close: bool,
    /// How a DVD+R DL session ends without --close (an emulation option, docs/data-writer.md):
    /// as-documented closes the disc, as imapi2.md §2.5's table says; like-dvd-plus-r closes only
    /// the session, as on DVD+R
    #[arg(long, value_enum, value_name = "MODE", default_value_t = DualLayer::AsDocumented)]
    dvd_plus_r_dl: DualLayer,
    /// File systems of the new session, comma separated: iso9660, joliet, udf (as in `image
    /// build`; default: ISO 9660 + Joliet, plus the imported file system).
    /// After an import a set without the imported file system is refused (0xC0AAB163)
    #[arg(long, value_name = "LIST", value_parser = FileSystems::parse_list)]
    fs: Option<FileSystems>,
    /// Volume name of the new session
    #[arg(long)]
    volume_name: Option<String>,
    /// Hide the progress bar
    #[arg(long, short)]
    quiet: bool,
    /// Host folders or files, each optionally `=/path/in/image` (as in `image build`); files of
    /// the new session replace same-named ones of earlier sessions
    #[arg(required = true, value_name = "SRC")]
    sources: Vec<String>,
}

/// `DvdPlusRDlMultisession` on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DualLayer {
    /// Close the disc (the §2.5 table)
    AsDocumented,
    /// Close only the session, as on DVD+R (the §3.1 media matrix)
    LikeDvdPlusR,
}

impl DualLayer {
    fn option(self) -> DvdPlusRDlMultisession {
        match self {
            DualLayer::AsDocumented => DvdPlusRDlMultisession::AsDocumented,
            DualLayer::LikeDvdPlusR => DvdPlusRDlMultisession::LikeDvdPlusR,
        }
    }
}

#[derive(Debug, Args)]
pub struct EraseArgs {
    /// Media image to erase (its changes are saved)
    #[arg(long, required_unless_present = "device", conflicts_with = "device")]
    media: Option<PathBuf>,
    #[command(flatten)]
    target: WriteDeviceArgs,
    /// Drive model: bd-writer, dvd-writer or cd-rw
    #[arg(long, default_value = "bd-writer", conflicts_with = "device")]
    drive: String,
    /// Full erase (the whole disc) instead of a quick one
    #[arg(long)]
    full: bool,
}

/// The drive a burn or erase runs on: an emulated one holding a media image, or a real one.
enum Burner {
    Emulated(Rc<RefCell<Drive>>),
    Real(Rc<RefCell<Device>>),
}

impl Burner {
    /// The drive `--media`/`--device` name for `what` (`burn`, `erase`), its recorder, and the
    /// path to print.
    fn open(
        media: Option<&PathBuf>,
        target: &WriteDeviceArgs,
        model: &str,
        what: &str,
    ) -> Result<(Burner, Recorder, PathBuf), String> {
        if let Some(path) = target.device() {
            let device = Rc::new(RefCell::new(target.open(path, Some(what))?));
            let recorder = Recorder::from_shared(device.clone());
            return Ok((Burner::Real(device), recorder, path.clone()));
        }
        // clap requires one of --media and --device.
        let path = media.ok_or("give --media PATH or --device /dev/srN")?;
        let medium = Medium::open(path, None).map_err(line)?;
        let mut drive = Drive::with_medium(drive_model(model)?, medium);
        drive.settle();
        let (recorder, drive) = Recorder::emulated(drive);
        Ok((Burner::Emulated(drive), recorder, path.clone()))
    }

    /// Save the media image (a real drive's disc is already what it is).
    fn finish(&self) -> Result<(), String> {
        match self {
            Burner::Emulated(drive) => drive.borrow_mut().commit().map_err(line),
            Burner::Real(_) => Ok(()),
        }
    }

    /// One line on the medium afterwards, from what the drive answers.
    fn report(&self, path: &Path) -> Result<String, String> {
        let (probe, written) = match self {
            Burner::Emulated(drive) => {
                let mut drive = drive.borrow_mut();
                let written = drive.medium().map_or(0, Medium::written_sectors);
                (MediaProbe::query(&mut *drive), Some(written))
            }
            Burner::Real(device) => (MediaProbe::query(&mut *device.borrow_mut()), None),
        };
        let probe = probe.map_err(|e| super::target::device_error(path, e))?;
        let s = MediaSummary::from_probe(&path.display().to_string(), &probe, written);
        Ok(format!(
            "{}: {} {}, {} session(s), {} blocks readable, {} blocks free",
            s.path,
            s.profile_name,
            s.status_label(),
            s.sessions,
            s.readable_blocks,
            s.free_blocks
        ))
    }
}

/// `burnbench burn`: the canonical IMAPI2 sequence (imapi2.md §3.2) — import the previous
/// session unless the medium is blank, add the sources, write the result as a new session.
pub fn burn(args: BurnArgs) -> Result<(), String> {
    let (burner, recorder, path) = Burner::open(args.media.as_ref(), &args.target, &args.drive, "burn")?;
    let on_media = |e: ImapiError| format!("{}: {e}", path.display());
    let writer = DataWriter::new();
    writer.set_recorder(&recorder).map_err(on_media)?;
    writer.set_client_name(CLIENT);
    writer.set_force_media_to_be_closed(args.close).map_err(on_media)?;
    // A DVD+R stays appendable only with the consumer compatibility mode off (imapi2.md §2.5).
    writer
        .set_disable_consumer_dvd_compatibility_mode(!args.close)
        .map_err(on_media)?;
    writer
        .set_dvd_plus_r_dl_multisession(args.dvd_plus_r_dl.option())
        .map_err(on_media)?;
    let mut fsi = FileSystemImage::new();
    if writer.media_heuristically_blank().map_err(on_media)? {
        let free = writer.free_sectors_on_media().map_err(on_media)?;
        fsi.set_free_media_blocks(free.max(0) as u32).map_err(on_media)?;
    } else {
        let interfaces = writer.multisession_interfaces().map_err(on_media)?;
        fsi.set_multisession_interfaces(Some(interfaces))
            .map_err(|e| format!("{}: cannot add a session: {e}", path.display()))?;
        fsi.import_file_system()
            .map_err(|e| format!("{}: cannot import the last session: {e}", path.display()))?;
    }
    // put_FileSystemsToCreate after the import, as IMAPI2 clients do: the builder refuses a set
    // that drops the imported file system (imapi2.md §3.6).
    if let Some(systems) = args.fs {
        fsi.set_file_systems_to_create(systems)
            .map_err(|e| format!("{}: file systems {systems}: {e}", path.display()))?;
    }
    if let Some(name) = &args.volume_name {
        fsi.set_volume_name(name)
            .map_err(|e| format!("--volume-name {name:?}: {e}"))?;
    }
    for source in &args.sources {
        super::image::add_source(&mut fsi, source)?;
    }
    let bar = progress::bar(fsi.used_blocks(), Unit::Blocks, args.quiet);
    let mut progress = |p: &WriteProgress| {
        bar.set_message(format!("{:?}", p.action));
        if p.action == WriteAction::WritingData {
            bar.set_length(p.sector_count.max(0) as u64);
            bar.set_position((p.last_written_lba - p.start_lba + 1).max(0) as u64);
        }
    };
    fsi.write_session(&writer, &mut progress)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    bar.finish_and_clear();
    burner.finish()?;
    println!("{}", burner.report(&path)?);
    Ok(())
}

/// `burnbench erase`: IDiscFormat2Erase — BLANK on CD-RW and DVD-RW, a format on DVD+RW and BD-RE.
pub fn erase(args: EraseArgs) -> Result<(), String> {
    let (burner, recorder, path) = Burner::open(args.media.as_ref(), &args.target, &args.drive, "erase")?;
    let eraser = Eraser::new();
    eraser.set_recorder(Some(&recorder)).map_err(line)?;
    eraser.set_client_name(CLIENT);
    eraser.set_full_erase(args.full);
    eraser.erase_media().map_err(|e| format!("{}: {e}", path.display()))?;
    burner.finish()?;
    println!("{}", burner.report(&path)?);
    Ok(())
}
