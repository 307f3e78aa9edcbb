//! AddTree: copying a host directory into the item tree (imapi2.md §2.3). The host's files are
//! not read here, only listed and opened once to prove they can be (IMAPI_E_DATA_STREAM_CREATE_FAILURE
//! otherwise); their bytes are read when the result image streams.
//!
//! Merging follows IMAPI2: directories that exist already are merged, and "the source wins" a
//! collision with an existing file. Two host names that differ only in case cannot both go into
//! one directory (IMAPI_E_DUP_NAME). Symbolic links to files are followed; symbolic links to
//! directories and special files (FIFOs, sockets, devices) are skipped and reported, so that a
//! link loop cannot make the walk endless.

use super::edit::{Change, Check, EditContext, Undo, check_charset, owned, walk_error};
use super::path::{check_name, child_path};
use super::source::{FileData, create_failure};
use super::tree::{DirNode, FileNode, ItemTimes, Meta, Node, name_key};
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What an AddTree added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddTreeReport {
    pub files: u64,
    pub directories: u64,
    pub bytes: u64,
    /// Host paths left out: symbolic links to directories and special files.
    pub skipped: Vec<PathBuf>,
}

fn directory_read_failure(host: &Path, cause: impl std::fmt::Display) -> ImapiError {
    ImapiError::with(
        HResult::IMAPI_E_DIRECTORY_READ_FAILURE,
        [host.display().to_string(), cause.to_string()],
    )
}

/// AddTree(`source`, `include_base`) into the directory at `target`. With `include_base` the
/// source directory itself becomes (or merges into) a child of `target`; without it, its
/// contents go straight into `target`.
pub(crate) fn add_tree(
    root: &mut DirNode,
    base: &str,
    target: &[&str],
    source: &Path,
    include_base: bool,
    ctx: &EditContext,
) -> ImapiResult<(Change, AddTreeReport)> {
    let metadata = std::fs::metadata(source).map_err(|e| directory_read_failure(source, e))?;
    if !metadata.is_dir() {
        return Err(directory_read_failure(source, "not a directory"));
    }
    let mut report = AddTreeReport::default();
    let mut into = owned(target);
    let target_dir = root
        .dir(target)
        .map_err(|w| walk_error(w, base, target, HResult::IMAPI_E_DIR_NOT_FOUND))?;
    let shown_target = target.iter().fold(base.to_string(), |p, n| child_path(&p, n));
    // Undo = the directory that receives the tree, as it was (one copy of its list of children).
    let undo = Undo::RestoreDir {
        path: owned(target),
        dir: target_dir.clone(),
    };
    let mut shown = shown_target;
    let base_node = if include_base {
        let name = host_name(source)?;
        check_name(&name)
            .map_err(|_| ImapiError::with(HResult::IMAPI_E_INVALID_PATH, [source.display().to_string()]))?;
        check_charset(&name, ctx)?;
        shown = child_path(&shown, &name);
        into.push(name.clone());
        Some((name, ItemTimes::of_host(&metadata)))
    } else {
        None
    };
    let names: Vec<&str> = target.to_vec();
    let result = root.edit_dir(&names, |dir| -> ImapiResult<()> {
        match base_node {
            None => fill(dir, source, &shown, ctx, &mut report),
            Some((name, times)) => {
                let child = ensure_dir(dir, &name, times, &shown)?;
                if child {
                    report.directories += 1;
                }
                dir.edit_dir(&[name.as_str()], |d| fill(d, source, &shown, ctx, &mut report))
                    .map_err(|_| ImapiError::new(HResult::IMAPI_E_FSI_INTERNAL_ERROR))?
            }
        }
    });
    match result {
        Ok(Ok(())) => Ok((
            Change {
                undo: vec![undo],
                checks: vec![Check::Directory(owned(target)), Check::Subtree(into)],
            },
            report,
        )),
        Ok(Err(e)) => {
            super::edit::apply_undo(root, vec![undo]);
            Err(e)
        }
        Err(w) => Err(walk_error(w, base, target, HResult::IMAPI_E_DIR_NOT_FOUND)),
    }
}

/// The last component of a host path as an item name.
fn host_name(path: &Path) -> ImapiResult<String> {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    canonical
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| ImapiError::with(HResult::IMAPI_E_INVALID_PATH, [path.display().to_string()]))
}

/// Makes sure `dir` has a directory child `name` (a file of that name is replaced: the source
/// wins); returns whether it was created.
fn ensure_dir(dir: &mut DirNode, name: &str, times: ItemTimes, shown: &str) -> ImapiResult<bool> {
    match dir.child(name) {
        Some(Node::Dir(_)) => Ok(false),
        existing => {
            if existing.is_some() {
                dir.remove(name);
            }
            let node = Node::Dir(Arc::new(DirNode::new(Meta {
                name: name.to_string(),
                times,
                hidden: false,
            })));
            dir.insert(node)
                .map_err(|_| ImapiError::with(HResult::IMAPI_E_DUP_NAME, [shown]))?;
            Ok(true)
        }
    }
}

/// Copies the entries of host directory `host` into `dir`, recursively, in name order.
fn fill(dir: &mut DirNode, host: &Path, shown: &str, ctx: &EditContext, report: &mut AddTreeReport) -> ImapiResult<()> {
    let mut entries: Vec<_> = std::fs::read_dir(host)
        .map_err(|e| directory_read_failure(host, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| directory_read_failure(host, e))?;
    entries.sort_by_key(|e| e.file_name());
    let mut seen = HashSet::with_capacity(entries.len());
    for entry in entries {
        let host_path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let item_path = child_path(shown, &name);
        check_name(&name).map_err(|_| ImapiError::with(HResult::IMAPI_E_INVALID_PATH, [item_path.clone()]))?;
        check_charset(&name, ctx)?;
        if !seen.insert(name_key(&name)) {
            return Err(ImapiError::with(HResult::IMAPI_E_DUP_NAME, [item_path]));
        }
        let link = entry.file_type().map(|t| t.is_symlink()).unwrap_or(false);
        let Ok(metadata) = std::fs::metadata(&host_path) else {
            report.skipped.push(host_path); // a dangling link
            continue;
        };
        let times = ItemTimes::of_host(&metadata);
        if metadata.is_dir() {
            if link {
                report.skipped.push(host_path);
                continue;
            }
            if ensure_dir(dir, &name, times, &item_path)? {
                report.directories += 1;
            }
            dir.edit_dir(&[name.as_str()], |d| fill(d, &host_path, &item_path, ctx, report))
                .map_err(|_| ImapiError::new(HResult::IMAPI_E_FSI_INTERNAL_ERROR))??;
        } else if metadata.is_file() {
            let data = FileData::from_host(&host_path).map_err(|e| create_failure(&item_path, &e))?;
            std::fs::File::open(&host_path).map_err(|e| create_failure(&item_path, &e))?;
            report.files += 1;
            report.bytes += data.size();
            dir.remove(&name);
            let node = Node::File(Arc::new(FileNode {
                meta: Meta {
                    name,
                    times,
                    hidden: false,
                },
                data,
            }));
            dir.insert(node)
                .map_err(|_| ImapiError::with(HResult::IMAPI_E_DUP_NAME, [item_path]))?;
        } else {
            report.skipped.push(host_path);
        }
    }
    Ok(())
}
