//! Media images on disk: a directory (by convention `NAME.bbm`) with a small RON manifest (format
//! version, the [`Disc`] value, the committed lengths of the data files) and the data files of a
//! [`FileStore`]. The manifest is replaced atomically, so a crash at any moment leaves the last
//! committed disc. Plain `.iso` files open read-only through [`open_iso`].
//! Layout, commit protocol and guarantees: `docs/media-image.md`.

use crate::media::store::{
    CRC32, CommitPoint, FileStore, IsoStore, LoadError, MemoryStore, SECTOR_BYTES, SectorStore, StoreError,
};
use crate::media::{Disc, Family, Impossible, Profile};
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The newest on-disk layout this code reads and writes. Layout 2 is layout 1 plus the state of a
/// BD-R formatted SRM+POW (`pseudo_overwrite` in the disc's format state) and the layer boundary a
/// host set on a DVD+R DL (`layer0_blocks_set` in the disc); an image is written in
/// the oldest layout that describes its disc, so every other disc stays layout 1 byte for byte and
/// a burnbench that reads layout 1 only refuses a POW disc by its version instead of misreading it.
pub const FORMAT_VERSION: u32 = 2;
/// The oldest layout this code reads.
pub const OLDEST_FORMAT_VERSION: u32 = 1;
/// Conventional extension of a media-image directory ("burnbench medium").
pub const IMAGE_EXTENSION: &str = "bbm";
/// The manifest's name inside an image directory.
pub const MANIFEST_FILE: &str = "manifest.ron";
const MANIFEST_TMP: &str = "manifest.ron.tmp";
const CRC_LINE: &[u8] = b"// crc32: ";
const MANIFEST_HEADER: &str = "// burnbench media image (docs/media-image.md). Written by burnbench: the crc32 line at the\n\
     // end guards every byte above it, so regenerate the image rather than edit this file.\n";

/// Blocks of the largest ISO that opens as a CD-ROM (80 min) and as a DVD-ROM (dual layer).
pub const ISO_CD_MAX_BLOCKS: u64 = 360_000;
pub const ISO_DVD_MAX_BLOCKS: u64 = 4_171_712;

/// A media image that cannot be created, opened, committed or saved: `media image 'PATH': WHAT`.
#[derive(Debug, thiserror::Error)]
#[error("media image '{}': {problem}", path.display())]
pub struct ImageError {
    pub path: PathBuf,
    pub problem: ImageProblem,
}

/// What is wrong, and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ImageProblem {
    #[error("does not exist (check the path, or create the image first)")]
    NotFound,
    #[error("already exists (choose another path, or ask to replace it)")]
    Exists,
    #[error("has no {MANIFEST_FILE}, so it is not a media image (check the path)")]
    NotAnImage,
    #[error("exists and is not a media image (no {MANIFEST_FILE}); refusing to replace it")]
    WontReplace,
    #[error(
        "{MANIFEST_FILE} does not end in its checksum line (it was cut short or edited by hand; restore the image from a copy or regenerate it)"
    )]
    ManifestUnchecked,
    #[error(
        "{MANIFEST_FILE} does not match its checksum line (it was damaged or edited by hand; restore the image from a copy or regenerate it)"
    )]
    ManifestChecksum,
    #[error("{MANIFEST_FILE} line {line}, column {column}: {message}")]
    ManifestSyntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{MANIFEST_FILE} has format version {found}, but this burnbench reads versions {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION} (use the burnbench that wrote it)"
    )]
    UnknownVersion { found: u32 },
    #[error(
        "{MANIFEST_FILE} records {recorded} written sectors but the extent log maps {found} (the image is damaged; restore it from a copy)"
    )]
    WrittenMismatch { recorded: u64, found: u64 },
    #[error(
        "{MANIFEST_FILE} describes a disc no drive can make: {0} (the image was damaged or forged; restore it from a copy or regenerate it)"
    )]
    Impossible(#[from] Impossible),
    #[error(
        "{MANIFEST_FILE} describes a disc of {limit} blocks, but the data files hold sectors from LBA {lba} on (the image is damaged; restore it from a copy)"
    )]
    DataPastTheDisc { lba: u32, limit: u32 },
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{file}: {action}: {source}")]
    Io {
        file: String,
        action: &'static str,
        source: io::Error,
    },
    #[error("cannot be written as RON: {0}")]
    Serialize(String),
    #[error("is {bytes} bytes, not a whole number of {SECTOR_BYTES}-byte sectors (is it really an ISO image?)")]
    IsoPartialSector { bytes: u64 },
    #[error("is not a plain file, so it is not an ISO image (check the path)")]
    IsoNotAFile,
    #[error("is empty: an ISO image holds at least one {SECTOR_BYTES}-byte sector")]
    IsoEmpty,
    #[error("holds {blocks} blocks, more than a {profile} medium holds ({capacity}) (name a larger profile)")]
    IsoTooLarge {
        blocks: u64,
        profile: Profile,
        capacity: u64,
    },
}

fn error_at(path: &Path) -> impl Fn(ImageProblem) -> ImageError + '_ {
    move |problem| ImageError {
        path: path.to_path_buf(),
        problem,
    }
}

fn io_problem(file: impl Into<String>, action: &'static str) -> impl FnOnce(io::Error) -> ImageProblem {
    let file = file.into();
    move |source| ImageProblem::Io { file, action, source }
}

/// The manifest as stored; `D` is `&Disc` when writing and `Disc` when reading.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest<D> {
    format: u32,
    written_sectors: u64,
    sectors_bin_bytes: u64,
    extents_log_bytes: u64,
    extents_log_crc32: u32,
    disc: D,
}

/// Read first, so a newer format is reported as such rather than as a syntax error.
#[derive(Deserialize)]
struct VersionProbe {
    format: u32,
}

/// The oldest layout that describes `disc` (see [`FORMAT_VERSION`]).
fn layout_version(disc: &Disc) -> u32 {
    if disc.pseudo_overwrite_state().is_some() || disc.layer0_blocks_set.is_some() {
        FORMAT_VERSION
    } else {
        OLDEST_FORMAT_VERSION
    }
}

fn render_manifest(disc: &Disc, point: CommitPoint, written_sectors: u64) -> Result<Vec<u8>, ImageProblem> {
    let manifest = Manifest {
        format: layout_version(disc),
        written_sectors,
        sectors_bin_bytes: point.data_bytes,
        extents_log_bytes: point.log_bytes,
        extents_log_crc32: point.log_crc32,
        disc,
    };
    let body = ron::ser::to_string_pretty(&manifest, ron::ser::PrettyConfig::default())
        .map_err(|e| ImageProblem::Serialize(e.to_string()))?;
    let mut text = format!("{MANIFEST_HEADER}{body}\n").into_bytes();
    let crc = CRC32.checksum(&text);
    text.extend_from_slice(CRC_LINE);
    text.extend_from_slice(format!("{crc:08x}\n").as_bytes());
    Ok(text)
}

fn parse_manifest(bytes: &[u8]) -> Result<Manifest<Disc>, ImageProblem> {
    // The checksum line is the last line: "// crc32: xxxxxxxx\n".
    let line_len = CRC_LINE.len() + 9;
    let split = bytes
        .len()
        .checked_sub(line_len)
        .ok_or(ImageProblem::ManifestUnchecked)?;
    let (body, line) = bytes.split_at(split);
    let hex = line
        .strip_prefix(CRC_LINE)
        .and_then(|l| l.strip_suffix(b"\n"))
        .ok_or(ImageProblem::ManifestUnchecked)?;
    let recorded = std::str::from_utf8(hex)
        .ok()
        .and_then(|h| u32::from_str_radix(h, 16).ok());
    if recorded.is_none() || !(body.is_empty() || body.ends_with(b"\n")) {
        return Err(ImageProblem::ManifestUnchecked);
    }
    if recorded != Some(CRC32.checksum(body)) {
        return Err(ImageProblem::ManifestChecksum);
    }
    let text = std::str::from_utf8(body).map_err(|e| ImageProblem::ManifestSyntax {
        line: body[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1,
        column: 1,
        message: "not UTF-8 text".into(),
    })?;
    let syntax = |e: ron::error::SpannedError| ImageProblem::ManifestSyntax {
        line: e.span.start.line,
        column: e.span.start.col,
        message: e.code.to_string(),
    };
    let probe: VersionProbe = ron::from_str(text).map_err(syntax)?;
    if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&probe.format) {
        return Err(ImageProblem::UnknownVersion { found: probe.format });
    }
    ron::from_str(text).map_err(syntax)
}

fn sync_dir(dir: &Path) -> Result<(), ImageProblem> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_problem(dir.display().to_string(), "sync directory"))
}

/// Replace `dir/manifest.ron` atomically: write a temporary file, fsync it, rename it over the
/// manifest, fsync the directory.
fn write_manifest(dir: &Path, text: &[u8]) -> Result<(), ImageProblem> {
    let tmp = dir.join(MANIFEST_TMP);
    let mut file = File::create(&tmp).map_err(io_problem(MANIFEST_TMP, "create"))?;
    file.write_all(text)
        .and_then(|()| file.sync_all())
        .map_err(io_problem(MANIFEST_TMP, "write"))?;
    fs::rename(&tmp, dir.join(MANIFEST_FILE)).map_err(io_problem(MANIFEST_FILE, "replace"))?;
    sync_dir(dir)
}

/// A media image opened for reading and writing: the committed [`Disc`] and its [`FileStore`].
/// Writes go to the store at once; [`MediaImage::commit`] is the durability point (SYNCHRONIZE
/// CACHE, close). Nothing is committed on drop.
pub struct MediaImage {
    path: PathBuf,
    disc: Disc,
    store: FileStore,
}

impl MediaImage {
    /// Create a new image of `disc` with no written sectors; refuses an existing path.
    pub fn create(path: &Path, disc: &Disc) -> Result<MediaImage, ImageError> {
        if fs::symlink_metadata(path).is_ok() {
            return Err(error_at(path)(ImageProblem::Exists));
        }
        MediaImage::create_or_replace(path, disc)
    }

    /// Create a new image of `disc` with no written sectors, atomically replacing an existing
    /// media image at `path` (never a directory that is not one).
    pub fn create_or_replace(path: &Path, disc: &Disc) -> Result<MediaImage, ImageError> {
        save_compact(path, disc, &mut MemoryStore::new())?;
        MediaImage::open(path)
    }

    /// Open an image as of its last commit. Reads the manifest and the extent log, never sector
    /// data; takes an exclusive lock that lasts until the image is dropped.
    pub fn open(path: &Path) -> Result<MediaImage, ImageError> {
        let err = error_at(path);
        if fs::symlink_metadata(path).is_err() {
            return Err(err(ImageProblem::NotFound));
        }
        let bytes = fs::read(path.join(MANIFEST_FILE)).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => err(ImageProblem::NotAnImage),
            _ => err(io_problem(MANIFEST_FILE, "read")(e)),
        })?;
        let manifest = parse_manifest(&bytes).map_err(&err)?;
        manifest.disc.check_invariants().map_err(|e| err(e.into()))?;
        let point = CommitPoint {
            data_bytes: manifest.sectors_bin_bytes,
            log_bytes: manifest.extents_log_bytes,
            log_crc32: manifest.extents_log_crc32,
        };
        let store = FileStore::open(path, point).map_err(|e| err(e.into()))?;
        if store.written_sectors() != manifest.written_sectors {
            let (recorded, found) = (manifest.written_sectors, store.written_sectors());
            return Err(err(ImageProblem::WrittenMismatch { recorded, found }));
        }
        let disc = &manifest.disc;
        let limit = disc.capacity_blocks.max(disc.user_area_blocks());
        if let Some(past) = store.written_runs(limit..u32::MAX).first() {
            return Err(err(ImageProblem::DataPastTheDisc { lba: past.start, limit }));
        }
        Ok(MediaImage {
            path: path.to_path_buf(),
            disc: manifest.disc,
            store,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The disc as last committed.
    pub fn disc(&self) -> &Disc {
        &self.disc
    }

    pub fn store(&self) -> &FileStore {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut FileStore {
        &mut self.store
    }

    /// Make every write and discard so far, and `disc`, durable: append and fsync the data and
    /// the log records, then replace the manifest atomically. A crash before the manifest rename
    /// leaves the previous commit; after it, this one. Does nothing when nothing changed.
    pub fn commit(&mut self, disc: &Disc) -> Result<(), ImageError> {
        if !self.store.has_pending() && *disc == self.disc {
            return Ok(());
        }
        let err = error_at(&self.path);
        let point = self.store.sync_pending().map_err(|e| err(e.into()))?;
        let text = render_manifest(disc, point, self.store.written_sectors()).map_err(&err)?;
        write_manifest(&self.path, &text).map_err(&err)?;
        self.store.mark_committed(point);
        self.disc = disc.clone();
        Ok(())
    }

    /// Rewrite this image canonically (only live sectors, in LBA order) with `disc`, including
    /// uncommitted writes, and reopen it. See [`save_compact`].
    pub fn compact(mut self, disc: &Disc) -> Result<MediaImage, ImageError> {
        let path = self.path.clone();
        save_compact(&path, disc, &mut self.store)?;
        drop(self);
        MediaImage::open(&path)
    }
}

/// Write `disc` and the written sectors of `store` as a fresh, canonical image at `path`: only
/// live sectors, in LBA order, so the same disc and sectors give byte-identical files. The image
/// is built beside `path` and then swapped in atomically, so `path` may be the image `store`
/// reads from; an existing media image at `path` is replaced, any other existing file is not.
pub fn save_compact(path: &Path, disc: &Disc, store: &mut dyn SectorStore) -> Result<(), ImageError> {
    save_compact_with_progress(path, disc, store, &mut |_| {})
}

/// [`save_compact`], telling `progress` how many sectors are copied so far.
pub fn save_compact_with_progress(
    path: &Path,
    disc: &Disc,
    store: &mut dyn SectorStore,
    progress: &mut dyn FnMut(u64),
) -> Result<(), ImageError> {
    let err = error_at(path);
    let name = path
        .file_name()
        .ok_or_else(|| err(ImageProblem::NotAnImage))?
        .to_string_lossy();
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let existing = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() && path.join(MANIFEST_FILE).exists() => true,
        Ok(meta) if meta.is_dir() && fs::read_dir(path).is_ok_and(|mut d| d.next().is_none()) => true,
        Ok(_) => return Err(err(ImageProblem::WontReplace)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(err(io_problem(path.display().to_string(), "stat")(e))),
    };
    let building = parent.join(format!(".{name}.writing"));
    let result = build_compact(&building, disc, store, progress).and_then(|()| {
        if existing {
            swap_in(&building, path, parent, &name)
        } else {
            move_in(&building, path)
        }
    });
    if building.exists() {
        let _ = fs::remove_dir_all(&building);
    }
    result.and_then(|()| sync_dir(parent)).map_err(err)
}

fn build_compact(
    dir: &Path,
    disc: &Disc,
    store: &mut dyn SectorStore,
    progress: &mut dyn FnMut(u64),
) -> Result<(), ImageProblem> {
    if dir.exists() {
        // Left by a crash during an earlier save: ours by its name.
        fs::remove_dir_all(dir).map_err(io_problem(dir.display().to_string(), "remove stale"))?;
    }
    fs::create_dir(dir).map_err(io_problem(dir.display().to_string(), "create directory"))?;
    let (point, sectors) = FileStore::write_compact(dir, store, progress)?;
    write_manifest(dir, &render_manifest(disc, point, sectors)?)
}

fn move_in(building: &Path, path: &Path) -> Result<(), ImageProblem> {
    fs::rename(building, path).map_err(io_problem(path.display().to_string(), "rename into place"))
}

/// Put the image built at `building` at `path`, where an old one is: one atomic exchange on Linux,
/// after which `building` holds the old image (removed by the caller).
fn swap_in(building: &Path, path: &Path, parent: &Path, name: &str) -> Result<(), ImageProblem> {
    match exchange(building, path) {
        Ok(()) => Ok(()),
        Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)) => {
            // No RENAME_EXCHANGE on this file system: two renames, with a short window in which
            // only `.NAME.old` holds the old image (docs/media-image.md).
            let old = parent.join(format!(".{name}.old"));
            let _ = fs::remove_dir_all(&old);
            fs::rename(path, &old).map_err(io_problem(path.display().to_string(), "move aside"))?;
            move_in(building, path)?;
            fs::remove_dir_all(&old).map_err(io_problem(old.display().to_string(), "remove"))
        }
        Err(e) => Err(io_problem(path.display().to_string(), "exchange")(e)),
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: two NUL-terminated paths that outlive the call; renameat2 only reads them.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from_raw_os_error(libc::ENOSYS))
}

/// The read-only profile a plain ISO of `blocks` blocks loads as when none is named: CD-ROM up to
/// an 80-minute CD, DVD-ROM up to a dual-layer DVD, BD-ROM beyond.
pub fn iso_profile_for(blocks: u64) -> Profile {
    if blocks <= ISO_CD_MAX_BLOCKS {
        Profile::CdRom
    } else if blocks <= ISO_DVD_MAX_BLOCKS {
        Profile::DvdRom
    } else {
        Profile::BdRom
    }
}

/// Open a plain `.iso` file as a closed single-session disc of `profile` (by size when `None`)
/// and a read-only store that reads the file in place.
pub fn open_iso(path: &Path, profile: Option<Profile>) -> Result<(Disc, IsoStore), ImageError> {
    let err = error_at(path);
    let file = File::open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => err(ImageProblem::NotFound),
        _ => err(io_problem(path.display().to_string(), "open")(e)),
    })?;
    let meta = file
        .metadata()
        .map_err(|e| err(io_problem(path.display().to_string(), "stat")(e)))?;
    if !meta.is_file() {
        return Err(err(ImageProblem::IsoNotAFile));
    }
    let bytes = meta.len();
    if !bytes.is_multiple_of(SECTOR_BYTES as u64) {
        return Err(err(ImageProblem::IsoPartialSector { bytes }));
    }
    let blocks = bytes / SECTOR_BYTES as u64;
    if blocks == 0 {
        return Err(err(ImageProblem::IsoEmpty));
    }
    let profile = profile.unwrap_or_else(|| iso_profile_for(blocks));
    // The room a pressed disc of the profile gives its data: all of a read-only one, a recordable
    // one's user area less the CD run-out its closed track ends with, an overwritable one's
    // default format.
    let capacity = match profile.family() {
        Family::ReadOnly => u64::from(u32::MAX),
        _ => {
            let pressed = Disc::pressed(profile, 1, false);
            u64::from(pressed.user_area_blocks() - profile.facts().run_out_blocks)
        }
    };
    if blocks > capacity {
        return Err(err(ImageProblem::IsoTooLarge {
            blocks,
            profile,
            capacity,
        }));
    }
    let disc = Disc::pressed(profile, blocks as u32, false);
    disc.check_invariants().map_err(|e| err(e.into()))?;
    Ok((disc, IsoStore::new(file, path, blocks as u32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest_of(disc: &Disc) -> Vec<u8> {
        render_manifest(
            disc,
            CommitPoint {
                data_bytes: 2048,
                log_bytes: 32,
                log_crc32: 7,
            },
            1,
        )
        .unwrap()
    }

    #[test]
    fn manifest_round_trips_and_is_deterministic() {
        let disc = Disc::new(Profile::BdRe);
        let text = manifest_of(&disc);
        assert_eq!(text, manifest_of(&disc.clone()));
        let back = parse_manifest(&text).unwrap();
        assert_eq!(back.disc, disc);
        assert_eq!(
            (back.sectors_bin_bytes, back.extents_log_bytes, back.extents_log_crc32),
            (2048, 32, 7)
        );
        assert!(std::str::from_utf8(&text).unwrap().contains("format: 1,"));
    }

    #[test]
    fn any_flipped_byte_of_the_manifest_is_caught() {
        let text = manifest_of(&Disc::new(Profile::DvdPlusRw));
        for at in (0..text.len()).step_by(7) {
            let mut bad = text.clone();
            bad[at] ^= 0x01;
            let e = parse_manifest(&bad)
                .err()
                .unwrap_or_else(|| panic!("flip at {at} went unnoticed"));
            assert!(
                matches!(e, ImageProblem::ManifestChecksum | ImageProblem::ManifestUnchecked),
                "{e}"
            );
        }
        let e = parse_manifest(&text[..text.len() - 3]).err().unwrap();
        assert!(matches!(e, ImageProblem::ManifestUnchecked));
    }

    #[test]
    fn a_newer_format_is_named_as_such() {
        let text = String::from_utf8(manifest_of(&Disc::new(Profile::CdR))).unwrap();
        let body = &text[..text.rfind("// crc32: ").unwrap()];
        let body = body.replace("format: 1,", "format: 3,\n    shiny_new_field: true,");
        let resealed = format!("{body}// crc32: {:08x}\n", CRC32.checksum(body.as_bytes()));
        let e = parse_manifest(resealed.as_bytes()).err().unwrap();
        assert!(matches!(e, ImageProblem::UnknownVersion { found: 3 }), "{e}");
        assert!(e.to_string().contains("reads versions 1 to 2"), "{e}");
    }

    #[test]
    fn a_pow_formatted_bd_r_is_layout_2_and_every_other_disc_stays_layout_1() {
        let mut pow = Disc::new(Profile::BdRSrm);
        pow.format(crate::media::FormatRequest {
            format_type: 0x32,
            subtype: 0,
            blocks: 12088320,
            parameter: 0,
        })
        .unwrap();
        let text = String::from_utf8(manifest_of(&pow)).unwrap();
        assert!(text.contains("format: 2,"), "{text}");
        assert!(
            text.contains("pseudo_overwrite: Some((") && text.contains("replaced_clusters: 0"),
            "{text}"
        );
        assert_eq!(parse_manifest(text.as_bytes()).unwrap().disc, pow);
        let mut srm = Disc::new(Profile::BdRSrm);
        srm.format(crate::media::FormatRequest {
            format_type: 0x32,
            subtype: 1,
            blocks: 12088320,
            parameter: 0,
        })
        .unwrap();
        for disc in [
            srm,
            Disc::pressed(Profile::BdRe, 100, false),
            Disc::new(Profile::DvdPlusRw),
        ] {
            let text = String::from_utf8(manifest_of(&disc)).unwrap();
            assert!(
                text.contains("format: 1,") && !text.contains("pseudo_overwrite"),
                "{text}"
            );
        }
    }

    #[test]
    fn iso_profile_by_size() {
        assert_eq!(iso_profile_for(1), Profile::CdRom);
        assert_eq!(iso_profile_for(360_000), Profile::CdRom);
        assert_eq!(iso_profile_for(360_001), Profile::DvdRom);
        assert_eq!(iso_profile_for(4_171_712), Profile::DvdRom);
        assert_eq!(iso_profile_for(4_171_713), Profile::BdRom);
    }
}
