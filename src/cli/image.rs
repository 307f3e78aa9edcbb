//! `burnbench image …`: build ISO 9660 / Joliet images from host files (mkisofs-like), list
//! images and extract files from them — the image builder and its readers (src/fsi).

use super::line;
use super::progress::{self, Unit};
use crate::fsi::read::{self, SeekBlockReader};
use crate::fsi::{
    BootOptions, EmulationType, FileData, FileSystemImage, FileSystems, FsiItemType, ImageStream, PlatformId,
};
use crate::hresult::ImapiError;
use clap::{Args, Subcommand, ValueEnum};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, Subcommand)]
pub enum ImageCommand {
    /// Build an image from host folders and files: each SRC folder's contents go to the image
    /// root (as mkisofs does); SRC=/path/in/image puts a folder's contents, or a file, elsewhere
    Build(BuildArgs),
    /// List the files of an image (default file system: Joliet over ISO 9660)
    Ls {
        /// Image file (.iso, or a whole-disc image with --session-start)
        image: PathBuf,
        /// File system to list
        #[arg(long, value_enum)]
        fs: Option<ListFs>,
        /// First block of the session to read (a later session of a multisession disc image)
        #[arg(long, value_name = "LBA", default_value_t = 0)]
        session_start: u32,
        /// Print JSON (an array of items)
        #[arg(long)]
        json: bool,
    },
    /// Copy a file or a folder (with everything in it) out of an image into DEST; nothing is
    /// ever written outside DEST, whatever names the image holds
    Extract {
        /// Image file
        image: PathBuf,
        /// Path inside the image (`/` for everything)
        path: String,
        /// Destination folder (created if missing)
        dest: PathBuf,
        /// File system to read
        #[arg(long, value_enum)]
        fs: Option<ListFs>,
        /// First block of the session to read
        #[arg(long, value_name = "LBA", default_value_t = 0)]
        session_start: u32,
    },
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Host folders or files, each optionally `=/path/in/image`
    #[arg(required = true, value_name = "SRC")]
    sources: Vec<String>,
    /// Image file to write
    #[arg(short, long, value_name = "OUT.iso")]
    output: PathBuf,
    /// File systems to create, comma separated: iso9660, joliet, udf
    #[arg(long, value_name = "LIST", value_parser = FileSystems::parse_list, default_value = "iso9660,joliet")]
    fs: FileSystems,
    /// UDF revision with --fs udf: 1.02, 1.50, 2.00, 2.01, 2.50 or 2.60
    #[arg(long, default_value = "1.02", value_name = "REV")]
    udf_revision: String,
    /// Volume name (up to 15 characters; A-Z 0-9 _ for ISO 9660, also a-z and . with Joliet)
    #[arg(long)]
    volume_name: Option<String>,
    /// ISO 9660 interchange level: 1 (8.3 names), 2 (30 characters), 3 (also files of 4 GiB and more)
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=3))]
    iso_level: u32,
    /// El Torito boot image (emulation picked from its size unless --boot-emulation is given)
    #[arg(long, value_name = "IMG")]
    boot: Option<PathBuf>,
    /// Boot emulation
    #[arg(long, value_enum, requires = "boot")]
    boot_emulation: Option<Emulation>,
    /// Boot platform
    #[arg(long, value_enum, default_value_t = Platform::X86, requires = "boot")]
    boot_platform: Platform,
    /// First block of the session the image is made for (every address is laid out for it)
    #[arg(long, value_name = "LBA", default_value_t = 0)]
    session_start: u32,
    /// Most blocks the image may take (0: no limit)
    #[arg(long, value_name = "BLOCKS", default_value_t = 0)]
    free_media_blocks: u32,
    /// Fixed time for every date the builder makes, in seconds since 1970 (default:
    /// SOURCE_DATE_EPOCH when set, else now); the same inputs then give the same bytes
    #[arg(long, value_name = "SECONDS")]
    timestamp: Option<u64>,
    /// Hide the progress bar
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFs {
    Iso9660,
    Joliet,
    Udf,
}

impl ListFs {
    fn file_system(self) -> FileSystems {
        match self {
            ListFs::Iso9660 => FileSystems::ISO9660,
            ListFs::Joliet => FileSystems::JOLIET,
            ListFs::Udf => FileSystems::UDF,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Emulation {
    None,
    Floppy12,
    Floppy144,
    Floppy288,
    HardDisk,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Platform {
    X86,
    PowerPc,
    Mac,
    Efi,
}

pub fn run(command: ImageCommand) -> Result<(), String> {
    match command {
        ImageCommand::Build(args) => build(args),
        ImageCommand::Ls {
            image,
            fs,
            session_start,
            json,
        } => ls(&image, fs, session_start, json),
        ImageCommand::Extract {
            image,
            path,
            dest,
            fs,
            session_start,
        } => extract(&image, &path, &dest, fs, session_start),
    }
}

/// `SRC=/path/in/image` → (SRC, Some(path)); a plain SRC → (SRC, None).
fn split_graft(source: &str) -> (&str, Option<&str>) {
    match source.rfind('=') {
        Some(at) if source[at + 1..].starts_with('/') && at > 0 => (&source[..at], Some(&source[at + 1..])),
        _ => (source, None),
    }
}

/// Creates every missing directory of `path` (`/a/b` makes `/a` and `/a/b`).
fn make_dirs(fsi: &mut FileSystemImage, path: &str) -> Result<(), String> {
    let mut at = String::new();
    for name in path.split('/').filter(|s| !s.is_empty()) {
        at.push('/');
        at.push_str(name);
        match fsi.exists(&at).map_err(line)? {
            FsiItemType::Directory => {}
            FsiItemType::File => return Err(format!("{at}: is a file in the image, not a folder")),
            FsiItemType::NotFound => fsi.add_directory(&at).map_err(|e| format!("{at}: {e}"))?,
        }
    }
    Ok(())
}

pub(super) fn add_source(fsi: &mut FileSystemImage, source: &str) -> Result<u64, String> {
    let (host, target) = split_graft(source);
    let host_path = Path::new(host);
    let metadata = std::fs::metadata(host_path).map_err(|e| format!("{host}: {e}"))?;
    if metadata.is_dir() {
        let into = target.unwrap_or("/");
        make_dirs(fsi, into)?;
        let report = fsi
            .add_tree(into, host_path, false)
            .map_err(|e| format!("{host}: {e}"))?;
        for skipped in &report.skipped {
            eprintln!(
                "burnbench: skipped {} (a link to a folder, or not a regular file)",
                skipped.display()
            );
        }
        return Ok(report.bytes);
    }
    let file_name = host_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{host}: no file name"))?;
    let image_path = match target {
        None => format!("/{file_name}"),
        Some(t) if t.ends_with('/') => format!("{t}{file_name}"),
        Some(t) => t.to_string(),
    };
    let parent = image_path.rsplit_once('/').map_or("", |(p, _)| p);
    make_dirs(fsi, parent)?;
    let data = FileData::from_host(host_path).map_err(|e| format!("{host}: {e}"))?;
    let bytes = data.size();
    fsi.add_file(&image_path, data).map_err(|e| format!("{host}: {e}"))?;
    Ok(bytes)
}

fn fixed_time(seconds: Option<u64>) -> Result<SystemTime, String> {
    let from_env = std::env::var("SOURCE_DATE_EPOCH").ok();
    let seconds = match (seconds, from_env) {
        (Some(s), _) => Some(s),
        (None, Some(text)) => Some(
            text.trim()
                .parse::<u64>()
                .map_err(|_| format!("SOURCE_DATE_EPOCH is not a number: {text}"))?,
        ),
        (None, None) => None,
    };
    match seconds {
        None => Ok(SystemTime::now()),
        // ISO 9660 and UDF dates end with year 9999.
        Some(s) if s <= LAST_RECORDABLE_SECOND => Ok(UNIX_EPOCH + Duration::from_secs(s)),
        Some(s) => Err(format!(
            "timestamp {s} is past 9999-12-31 23:59:59 UTC ({LAST_RECORDABLE_SECOND}), the last date ISO 9660 and UDF record"
        )),
    }
}

/// 9999-12-31 23:59:59 UTC in seconds since the epoch.
const LAST_RECORDABLE_SECOND: u64 = 253_402_300_799;

fn boot_options(args: &BuildArgs, boot: &Path) -> Result<BootOptions, String> {
    let mut options = BootOptions::new();
    options.platform_id = match args.boot_platform {
        Platform::X86 => PlatformId::X86,
        Platform::PowerPc => PlatformId::PowerPc,
        Platform::Mac => PlatformId::Mac,
        Platform::Efi => PlatformId::Efi,
    };
    if args.boot_emulation == Some(Emulation::HardDisk) {
        options.set_emulation(EmulationType::HardDisk).map_err(line)?;
    }
    let data = FileData::from_host(boot).map_err(|e| format!("{}: {e}", boot.display()))?;
    options
        .assign_boot_image(data)
        .map_err(|e| format!("{}: {e}", boot.display()))?;
    if let Some(emulation) = args.boot_emulation {
        let emulation = match emulation {
            Emulation::None => EmulationType::None,
            Emulation::Floppy12 => EmulationType::Floppy12M,
            Emulation::Floppy144 => EmulationType::Floppy144M,
            Emulation::Floppy288 => EmulationType::Floppy288M,
            Emulation::HardDisk => EmulationType::HardDisk,
        };
        options
            .set_emulation(emulation)
            .map_err(|e| format!("{}: {e}", boot.display()))?;
    }
    Ok(options)
}

fn build(args: BuildArgs) -> Result<(), String> {
    let systems = args.fs;
    let mut fsi = FileSystemImage::new();
    fsi.set_fixed_time(Some(fixed_time(args.timestamp)?));
    fsi.set_file_systems_to_create(systems).map_err(line)?;
    let revision = burnbench_udf_revision(&args.udf_revision)?;
    fsi.set_udf_revision(revision).map_err(line)?;
    fsi.set_iso9660_interchange_level(args.iso_level).map_err(line)?;
    fsi.set_free_media_blocks(0).map_err(line)?;
    fsi.set_session_start_block(args.session_start).map_err(line)?;
    if let Some(name) = &args.volume_name {
        fsi.set_volume_name(name)
            .map_err(|e| format!("--volume-name {name:?}: {e}"))?;
    }
    if let Some(boot) = &args.boot {
        fsi.set_boot_image_options(Some(boot_options(&args, boot)?))
            .map_err(line)?;
    }
    for source in &args.sources {
        super::refuse_overwriting(&args.output, Path::new(split_graft(source).0))?;
        add_source(&mut fsi, source)?;
    }
    if args.free_media_blocks != 0 {
        fsi.set_free_media_blocks(args.free_media_blocks).map_err(line)?;
    }
    let result = fsi.create_result_image().map_err(line)?;
    let mut stream = result.image_stream();
    let total = stream.len();
    let bar = progress::bar(total, Unit::Bytes, args.quiet);
    let out = &args.output;
    let mut file = File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    copy_sparse(&mut stream, &mut file, &mut |done| bar.set_position(done))
        .map_err(|e| format!("{}: {}", out.display(), stream_error(&e)))?;
    bar.finish_and_clear();
    println!(
        "{}: {} blocks ({} bytes), {}, {} files, {} folders",
        out.display(),
        result.total_blocks(),
        total,
        systems,
        fsi.file_count(),
        fsi.directory_count()
    );
    Ok(())
}

/// The HRESULT inside a stream error (a source that changed while streaming), else the error.
fn stream_error(e: &std::io::Error) -> String {
    ImapiError::from_io(e).map_or_else(|| e.to_string(), ToString::to_string)
}

const ZERO_BLOCK: [u8; 2048] = [0; 2048];

/// Copies the image, seeking over all-zero blocks so that unwritten space (and sparse sources)
/// stays sparse in the output file.
fn copy_sparse(stream: &mut ImageStream, out: &mut File, progress: &mut dyn FnMut(u64)) -> std::io::Result<()> {
    const CHUNK: usize = 1 << 20;
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0u64;
    let total = stream.len();
    while done < total {
        let n = (CHUNK as u64).min(total - done) as usize;
        stream.read_exact(&mut buf[..n])?;
        // One write per run of data blocks and one seek per run of zero blocks (a write per
        // 2 KiB block cost a system call per block: slower than xorriso on large files).
        let mut at = 0;
        while at < n {
            let is_zero = |i: usize| {
                let block = &buf[i..n.min(i + ZERO_BLOCK.len())];
                block == &ZERO_BLOCK[..block.len()]
            };
            let zero = is_zero(at);
            let mut end = at;
            while end < n && is_zero(end) == zero {
                end = n.min(end + ZERO_BLOCK.len());
            }
            if zero {
                out.seek(SeekFrom::Current((end - at) as i64))?;
            } else {
                out.write_all(&buf[at..end])?;
            }
            at = end;
        }
        done += n as u64;
        progress(done);
    }
    out.set_len(total)?;
    out.flush()
}

/// `--udf-revision`: `2.01` or `0x201`, one of UDFRevisionsSupported.
fn burnbench_udf_revision(text: &str) -> Result<u32, String> {
    crate::fsi::options::parse_udf_revision(text)
        .ok_or_else(|| format!("--udf-revision {text}: expected 1.02, 1.50, 2.00, 2.01, 2.50 or 2.60"))
}

fn open_image(image: &Path) -> Result<SeekBlockReader<File>, String> {
    let file = File::open(image).map_err(|e| format!("{}: {e}", image.display()))?;
    SeekBlockReader::new(file).map_err(|e| format!("{}: {e}", image.display()))
}

/// The file system to read: the one asked for, else the best readable one the session holds
/// (Joliet over ISO 9660; UDF is identified but not read yet).
fn pick_file_system(
    reader: &mut dyn read::BlockReader,
    image: &Path,
    fs: Option<ListFs>,
    session: u32,
) -> Result<FileSystems, String> {
    if let Some(fs) = fs {
        return Ok(fs.file_system());
    }
    let found = read::identify_file_systems(reader, session).map_err(line)?;
    [FileSystems::JOLIET, FileSystems::ISO9660]
        .into_iter()
        .find(|fs| found.contains(*fs))
        .ok_or_else(|| {
            let what = if found.is_empty() {
                "nothing readable from block 16 on: blank, not a data session, or damaged".to_string()
            } else {
                format!("found only {found}")
            };
            format!(
                "{}: no ISO 9660 or Joliet file system in the session at block {session} ({what})",
                image.display()
            )
        })
}

fn ls(image: &Path, fs: Option<ListFs>, session: u32, json: bool) -> Result<(), String> {
    list(&mut open_image(image)?, image, fs, session, json)
}

/// List the tree of the session at `session` read through `reader` (an image file, or a disc in
/// the emulated drive for `media ls`).
pub(super) fn list(
    reader: &mut dyn read::BlockReader,
    image: &Path,
    fs: Option<ListFs>,
    session: u32,
    json: bool,
) -> Result<(), String> {
    let fs = pick_file_system(reader, image, fs, session)?;
    let tree = read::read_tree(reader, session, fs).map_err(|e| format!("{}: {e}", image.display()))?;
    if json {
        let items: Vec<serde_json::Value> = tree
            .items
            .iter()
            .map(|i| {
                serde_json::json!({
                    "path": i.path,
                    "type": if i.is_dir { "directory" } else { "file" },
                    "size": i.size,
                    "extents": i.extents.iter().map(|e| serde_json::json!({"lba": e.lba, "bytes": e.bytes})).collect::<Vec<_>>(),
                    "embedded": i.embedded.is_some(),
                    "hidden": i.hidden,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&items).map_err(line)?);
        return Ok(());
    }
    let rr = if tree.rock_ridge { ", Rock Ridge names" } else { "" };
    println!("{}: {fs}{rr}, volume \"{}\"", image.display(), tree.volume_name);
    for item in &tree.items {
        // Data inside a UDF file entry has no LBA of its own.
        let lba = match (&item.embedded, item.extents.first()) {
            (Some(_), _) => "in-entry".to_string(),
            (None, first) => first.map_or(0, |e| e.lba).to_string(),
        };
        let more = if item.extents.len() > 1 {
            format!("+{}", item.extents.len() - 1)
        } else {
            String::new()
        };
        let kind = if item.is_dir { 'd' } else { '-' };
        println!("{kind} {:>14} {:>10}{more:<3} {}", item.size, lba, item.path);
    }
    Ok(())
}

fn extract(image: &Path, path: &str, dest: &Path, fs: Option<ListFs>, session: u32) -> Result<(), String> {
    let mut reader = open_image(image)?;
    let fs = pick_file_system(&mut reader, image, fs, session)?;
    let tree = read::read_tree(&mut reader, session, fs).map_err(|e| format!("{}: {e}", image.display()))?;
    std::fs::create_dir_all(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let report = read::extract(&mut reader, &tree, path, dest).map_err(|e| format!("{}: {e}", image.display()))?;
    println!(
        "{}: {} files ({} bytes), {} folders into {}",
        path,
        report.files,
        report.bytes,
        report.directories,
        dest.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graft_points() {
        assert_eq!(split_graft("dir"), ("dir", None));
        assert_eq!(split_graft("dir=/in/image"), ("dir", Some("/in/image")));
        assert_eq!(split_graft("a=b"), ("a=b", None));
        assert_eq!(split_graft("=/x"), ("=/x", None));
    }
}
