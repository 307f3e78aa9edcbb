//! `FileSystemImage`: IMAPI2's IFileSystemImage (imapi2.md §2.1) — the options
//! ([`settings`](self::settings)), the item tree with its change points ([`items`](self::items)),
//! the checks every change passes, and CreateResultImage. Every documented error of these members
//! is returned with its exact HRESULT.

mod items;
mod multisession;
mod settings;

pub use multisession::MultisessionState;

use multisession::Imported;

use super::boot::BootOptions;
use super::edit::{self, Change, Check, EditContext, Undo};
use super::eltorito::ElToritoEmitter;
use super::iso9660::emitter::{Flavor, IsoEmitter, MAX_DIRECTORIES, MAX_LEVELS};
use super::layout::{self, FileSystemEmitter, FrozenTree, Volume};
use super::names::iso9660::Iso9660Names;
use super::names::joliet::JolietNames;
use super::names::{NameRules, unique_by_construction, unique_names};
use super::options::FileSystems;
use super::path::{child_path, join};
use super::result::FileSystemImageResult;
use super::tree::{DirNode, ItemTimes, Meta, Node, Totals, blocks_for};
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

/// FreeMediaBlocks until told otherwise: a 74-minute, 650 MB CD (imapi2.md §2.1).
pub const DEFAULT_FREE_MEDIA_BLOCKS: u32 = 332_800;

/// The changes made since a change point, to undo them.
#[derive(Debug)]
struct UndoRecord {
    /// ChangePoint before the change.
    change_point: u32,
    steps: Vec<Undo>,
}

/// IFileSystemImage.
#[derive(Debug)]
pub struct FileSystemImage {
    root: DirNode,
    change_point: u32,
    history: Vec<UndoRecord>,
    file_systems: FileSystems,
    volume_name: String,
    iso9660_level: u32,
    udf_revision: u32,
    strict: bool,
    restricted_charset: bool,
    free_media_blocks: u32,
    session_start_block: u32,
    boot: Vec<BootOptions>,
    stage_files: bool,
    working_directory: PathBuf,
    redundant_udf_metadata: bool,
    fixed_time: Option<SystemTime>,
    /// One clone per live result or stream: while any lives the image is read-only.
    results: Arc<()>,
    /// MultisessionInterfaces as set, with the one chosen (imapi2.md §3.4).
    multisession: Option<MultisessionState>,
    /// Which Windows the multisession decision emulates (docs/multisession.md).
    multisession_policy: crate::burn::FsiMultisessionPolicy,
    /// What ImportFileSystem / ImportSpecificFileSystem took from the previous session.
    imported: Option<Imported>,
}

impl Default for FileSystemImage {
    fn default() -> FileSystemImage {
        FileSystemImage::new()
    }
}

impl FileSystemImage {
    /// A new, empty image with IMAPI2's defaults: ISO 9660 + Joliet, ISO level 2, UDF 1.02,
    /// FreeMediaBlocks 332 800, session start 0.
    pub fn new() -> FileSystemImage {
        FileSystemImage {
            root: DirNode::new(Meta {
                name: String::new(),
                times: ItemTimes::all(SystemTime::now()),
                hidden: false,
            }),
            change_point: 0,
            history: Vec::new(),
            file_systems: FileSystems::ISO9660.union(FileSystems::JOLIET),
            volume_name: String::new(),
            iso9660_level: 2,
            udf_revision: 0x102,
            strict: false,
            restricted_charset: false,
            free_media_blocks: DEFAULT_FREE_MEDIA_BLOCKS,
            session_start_block: 0,
            boot: Vec::new(),
            stage_files: true,
            working_directory: std::env::temp_dir(),
            redundant_udf_metadata: true,
            fixed_time: None,
            results: Arc::new(()),
            multisession: None,
            multisession_policy: crate::burn::FsiMultisessionPolicy::default(),
            imported: None,
        }
    }

    // ---- clock -------------------------------------------------------------------------------

    /// Bench extension: a fixed "now" for the volume dates, the default volume name and items
    /// made from nothing, so that the same inputs give the same bytes. `None`: the system clock.
    pub fn set_fixed_time(&mut self, at: Option<SystemTime>) {
        self.fixed_time = at;
        if let Some(at) = at {
            self.root.meta.times = ItemTimes::all(at);
        }
    }

    fn now(&self) -> SystemTime {
        self.fixed_time.unwrap_or_else(SystemTime::now)
    }

    fn context(&self) -> EditContext {
        EditContext {
            restricted_charset: self.restricted_charset,
            now: self.now(),
        }
    }

    /// IMAPI_E_READONLY while a result image (or one of its streams) is alive.
    fn ensure_writable(&self) -> ImapiResult<()> {
        if Arc::strong_count(&self.results) > 1 {
            return Err(ImapiError::new(HResult::IMAPI_E_READONLY));
        }
        Ok(())
    }

    // ---- counts ------------------------------------------------------------------------------

    /// `FileCount`.
    pub fn file_count(&self) -> u64 {
        self.root.totals().files
    }

    /// `DirectoryCount`: every directory, the root included.
    pub fn directory_count(&self) -> u64 {
        self.root.totals().dirs + 1
    }

    /// `UsedBlocks`: an estimate of the result's size in blocks (file data exactly, metadata by
    /// a generous rule of thumb).
    pub fn used_blocks(&self) -> u64 {
        self.estimate_blocks(&self.root.totals())
    }

    fn estimate_blocks(&self, t: &Totals) -> u64 {
        let dirs = t.dirs + 1;
        let items = t.files + t.dirs;
        // System area and descriptor set.
        let mut blocks = 16 + 4;
        if !self.boot.is_empty() {
            blocks += 1 + self.boot.iter().map(|b| blocks_for(b.image_size())).sum::<u64>();
        }
        // Per ISO-style tree: one block per directory at least, records of ~40 bytes + names
        // (twice for UCS-2), path tables twice.
        let trees = u64::from(self.iso_like()) + u64::from(self.file_systems.contains(FileSystems::JOLIET));
        let records = (items * 40 + t.name_units * 2).div_ceil(2048);
        let path_tables = 2 * (dirs * 10 + t.name_units * 2).div_ceil(2048);
        blocks += trees * (dirs + records + path_tables);
        if self.file_systems.contains(FileSystems::UDF) {
            // Descriptors, anchors and one entry block per item.
            blocks += 300 + items + dirs + records;
        }
        blocks + t.data_blocks
    }

    /// Whether an ISO 9660 directory tree is written (for Joliet too: its SVD sits beside a PVD).
    fn iso_like(&self) -> bool {
        self.file_systems
            .intersects(FileSystems::ISO9660.union(FileSystems::JOLIET))
    }

    /// The 8-level rule applies to the ISO 9660 tree when ISO9660 is asked for, and to the
    /// Joliet tree as well under strict compliance; otherwise deep trees are written as they are.
    fn depth_rule_applies(&self) -> bool {
        self.file_systems.contains(FileSystems::ISO9660)
            || (self.strict && self.file_systems.contains(FileSystems::JOLIET))
    }

    // ---- checks after a change ---------------------------------------------------------------

    fn check_limits(&self, totals: &Totals) -> ImapiResult<()> {
        if self.depth_rule_applies() && totals.levels > MAX_LEVELS {
            return Err(ImapiError::new(HResult::IMAPI_E_ISO9660_LEVELS));
        }
        if self.iso_like() && totals.dirs + 1 > MAX_DIRECTORIES as u64 {
            let fs = if self.file_systems.contains(FileSystems::ISO9660) {
                "ISO9660"
            } else {
                "Joliet"
            };
            return Err(ImapiError::with(HResult::IMAPI_E_TOO_MANY_DIRS, [fs]));
        }
        Ok(())
    }

    fn name_rules(&self) -> Vec<Box<dyn NameRules>> {
        let mut rules: Vec<Box<dyn NameRules>> = Vec::new();
        if self.iso_like() {
            rules.push(Box::new(Iso9660Names {
                level: self.iso9660_level,
            }));
        }
        if self.file_systems.contains(FileSystems::JOLIET) {
            rules.push(Box::new(JolietNames));
        }
        rules
    }

    fn check_file_size(&self, size: u64) -> ImapiResult<()> {
        if self.iso_like() && self.iso9660_level < 3 && size > u64::from(u32::MAX) {
            let fs = if self.file_systems.contains(FileSystems::ISO9660) {
                "ISO9660"
            } else {
                "Joliet"
            };
            return Err(ImapiError::with(HResult::IMAPI_E_DATA_TOO_BIG, [fs]));
        }
        Ok(())
    }

    fn check_directory_names(&self, dir: &DirNode, path: &str, rules: &[Box<dyn NameRules>]) -> ImapiResult<()> {
        if rules.is_empty() || unique_by_construction(dir.len(), dir.short_stem_children()) {
            return Ok(());
        }
        let items: Vec<(&str, bool)> = dir.children().map(|c| (c.name(), matches!(c, Node::Dir(_)))).collect();
        for r in rules {
            unique_names(r.as_ref(), path, &items)?;
        }
        Ok(())
    }

    fn check_subtree(&self, dir: &DirNode, path: &str, rules: &[Box<dyn NameRules>]) -> ImapiResult<()> {
        self.check_directory_names(dir, path, rules)?;
        for child in dir.children() {
            match child {
                Node::Dir(d) => self.check_subtree(d, &child_path(path, child.name()), rules)?,
                Node::File(f) => self.check_file_size(f.data.size())?,
            }
        }
        Ok(())
    }

    /// The checks IMAPI2 makes on Add / AddTree: depth, directory count, unique names per file
    /// system, file sizes, and the FreeMediaBlocks limit (IMAPI_E_IMAGE_SIZE_LIMIT naming `shown`).
    fn check_change(&self, root: &DirNode, checks: &[Check], shown: &str) -> ImapiResult<()> {
        let totals = root.totals();
        self.check_limits(&totals)?;
        let rules = self.name_rules();
        for check in checks {
            match check {
                Check::Directory(names) | Check::Subtree(names) => {
                    let borrowed: Vec<&str> = names.iter().map(String::as_str).collect();
                    let Ok(dir) = root.dir(&borrowed) else { continue };
                    let path = join(&borrowed);
                    if matches!(check, Check::Subtree(_)) {
                        self.check_subtree(dir, &path, &rules)?;
                    } else {
                        self.check_directory_names(dir, &path, &rules)?;
                    }
                }
                Check::File { size } => self.check_file_size(*size)?,
            }
        }
        if self.free_media_blocks != 0 && self.estimate_blocks(&totals) > u64::from(self.free_media_blocks) {
            return Err(ImapiError::with(HResult::IMAPI_E_IMAGE_SIZE_LIMIT, [shown]));
        }
        Ok(())
    }

    /// Runs a change on the tree: checks it, records it for rollback, or undoes it on failure
    /// ("on exception the image reverts", imapi2.md §2.3).
    fn change<R>(
        &mut self,
        shown: &str,
        check: bool,
        op: impl FnOnce(&mut DirNode, &EditContext) -> ImapiResult<(Change, R)>,
    ) -> ImapiResult<R> {
        self.ensure_writable()?;
        let ctx = self.context();
        let (change, result) = op(&mut self.root, &ctx)?;
        if check && let Err(e) = self.check_change(&self.root, &change.checks, shown) {
            edit::apply_undo(&mut self.root, change.undo);
            return Err(e);
        }
        self.history.push(UndoRecord {
            change_point: self.change_point,
            steps: change.undo,
        });
        self.change_point += 1;
        Ok(result)
    }

    // ---- the result --------------------------------------------------------------------------

    /// CreateResultImage. IMAPI_E_NO_OUTPUT without file systems; boot entries only at session
    /// start 0 (IMAPI_E_BOOT_OBJECT_CONFLICT); the errors of the file systems' own rules
    /// (IMAPI_E_NO_UNIQUE_NAME, IMAPI_E_DATA_TOO_BIG, IMAPI_E_ISO9660_LEVELS, IMAPI_E_TOO_MANY_DIRS);
    /// IMAPI_E_IMAGE_TOO_BIG when the image exceeds FreeMediaBlocks. While the result (or a stream
    /// of it) lives, the image is read-only (IMAPI_E_READONLY). On random-writable media after the
    /// first logical session the result is the disc from LBA 0 with its ModifiedBlocks: making it
    /// reads LBA 16–31 of the disc (imapi2.md §3.6, §4 trap 7).
    pub fn create_result_image(&self) -> ImapiResult<FileSystemImageResult> {
        if self.file_systems.is_empty() {
            return Err(ImapiError::new(HResult::IMAPI_E_NO_OUTPUT));
        }
        if !self.boot.is_empty() && self.session_start_block != 0 {
            return Err(ImapiError::new(HResult::IMAPI_E_BOOT_OBJECT_CONFLICT));
        }
        let tree = FrozenTree::from_root(&self.root);
        let level = self.iso9660_level;
        let mut emitters: Vec<Box<dyn FileSystemEmitter>> = Vec::new();
        if self.iso_like() {
            let enforce = self.file_systems.contains(FileSystems::ISO9660);
            emitters.push(Box::new(IsoEmitter::new(&tree, Flavor::Iso9660, level, enforce)?));
        }
        if !self.boot.is_empty() {
            emitters.push(Box::new(ElToritoEmitter::new(self.boot.clone())?));
        }
        if self.file_systems.contains(FileSystems::JOLIET) {
            emitters.push(Box::new(IsoEmitter::new(&tree, Flavor::Joliet, level, self.strict)?));
        }
        if self.file_systems.contains(FileSystems::UDF) {
            emitters.push(Box::new(crate::fsi::udf::UdfEmitter::new(
                &tree,
                self.udf_revision,
                self.redundant_udf_metadata,
            )?));
        }
        let volume = Volume {
            name: self.effective_volume_name(),
            created: self.now(),
            file_systems: self.file_systems,
            iso9660_level: level,
            udf_revision: self.udf_revision,
        };
        let (layout, metadata) = layout::plan(tree, volume, self.session_start_block, &mut emitters)?;
        if self.free_media_blocks != 0 && layout.total_blocks > self.free_media_blocks {
            return Err(ImapiError::new(HResult::IMAPI_E_IMAGE_TOO_BIG));
        }
        let result = FileSystemImageResult::new(layout, metadata, self.results.clone());
        match self.logical_session_disc()? {
            Some(mut disc) => result.into_logical_session(&mut disc),
            None => Ok(result),
        }
    }
}
