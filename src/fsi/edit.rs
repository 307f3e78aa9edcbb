//! Changes to an item tree (add, remove, replace, set attributes), shared by the image's root and
//! by detached directory items. Each change reports how to undo it (for IMAPI2's change points
//! and for reverting a failed Add) and what the image must check afterwards.

use super::path::{child_path, is_restricted_charset};
use super::tree::{DirNode, Meta, Node, Walk};
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::sync::Arc;
use std::time::SystemTime;

/// The settings a change is made under.
#[derive(Debug, Clone)]
pub(crate) struct EditContext {
    /// `UseRestrictedCharacterSet`: names must be ANSI (IMAPI_E_RESTRICTED_NAME_VIOLATION).
    pub restricted_charset: bool,
    /// Times given to items made from nothing (AddDirectory, CreateFileItem).
    pub now: SystemTime,
}

/// One step that reverses (part of) a change, applied newest first.
#[derive(Debug, Clone)]
pub(crate) enum Undo {
    /// Take out the child `name` of the directory at `parent`.
    Remove { parent: Vec<String>, name: String },
    /// Put `node` back into the directory at `parent`.
    Insert { parent: Vec<String>, node: Node },
    /// Put the directory at `path` back as it was (its whole list of children).
    RestoreDir { path: Vec<String>, dir: DirNode },
    /// Give the item at `path` its old name, times and hidden flag back.
    SetMeta { path: Vec<String>, meta: Meta },
}

/// What the image checks after a change (file-system limits, names, size limit).
#[derive(Debug, Clone)]
pub(crate) enum Check {
    /// The names of this directory's children.
    Directory(Vec<String>),
    /// Everything below this directory: names of every directory, sizes of every file.
    Subtree(Vec<String>),
    /// One file's size.
    File { size: u64 },
}

/// The outcome of a change.
#[derive(Debug, Default)]
pub(crate) struct Change {
    pub undo: Vec<Undo>,
    pub checks: Vec<Check>,
}

pub(crate) fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn borrowed(names: &[String]) -> Vec<&str> {
    names.iter().map(String::as_str).collect()
}

/// The error for a path that could not be followed: a missing directory on the way is `missing`
/// (IMAPI_E_NOT_IN_FILE_SYSTEM or IMAPI_E_DIR_NOT_FOUND, depending on the call), a file on the
/// way is IMAPI_E_NOT_DIR; either names the path up to the name that failed.
pub(crate) fn walk_error(walk: Walk, base: &str, names: &[&str], missing: HResult) -> ImapiError {
    let (code, upto) = match walk {
        Walk::Missing(i) => (missing, i),
        Walk::NotADirectory(i) => (HResult::IMAPI_E_NOT_DIR, i),
    };
    let shown = names[..=upto.min(names.len().saturating_sub(1))]
        .iter()
        .fold(base.to_string(), |p, n| child_path(&p, n));
    ImapiError::with(code, [shown])
}

/// IMAPI_E_RESTRICTED_NAME_VIOLATION when the restricted character set is on and `name` leaves it.
pub(crate) fn check_charset(name: &str, ctx: &EditContext) -> ImapiResult<()> {
    if ctx.restricted_charset && !is_restricted_charset(name) {
        return Err(ImapiError::with(HResult::IMAPI_E_RESTRICTED_NAME_VIOLATION, [name]));
    }
    Ok(())
}

fn dup_name(shown: &str) -> ImapiError {
    ImapiError::with(HResult::IMAPI_E_DUP_NAME, [shown])
}

/// Adds `node` as a child of the directory at `parent`: IMAPI_E_DUP_NAME if the name is taken
/// (ignoring case), `missing` if the directory is not there.
pub(crate) fn insert(
    root: &mut DirNode,
    base: &str,
    parent: &[&str],
    node: Node,
    missing: HResult,
    ctx: &EditContext,
) -> ImapiResult<Change> {
    check_charset(node.name(), ctx)?;
    let name = node.name().to_string();
    let shown = child_path(&parent.iter().fold(base.to_string(), |p, n| child_path(&p, n)), &name);
    let is_dir = matches!(node, Node::Dir(_));
    let size = match &node {
        Node::File(f) => Some(f.data.size()),
        Node::Dir(_) => None,
    };
    root.edit_dir(parent, |dir| dir.insert(node).map_err(|_| dup_name(&shown)))
        .map_err(|w| walk_error(w, base, parent, missing))??;
    let mut checks = vec![Check::Directory(owned(parent))];
    let mut path = owned(parent);
    path.push(name.clone());
    match size {
        Some(size) => checks.push(Check::File { size }),
        None if is_dir => checks.push(Check::Subtree(path)),
        None => {}
    }
    Ok(Change {
        undo: vec![Undo::Remove {
            parent: owned(parent),
            name,
        }],
        checks,
    })
}

/// Removes the item at `names`; a directory must be empty unless `tree` (RemoveTree).
pub(crate) fn remove(root: &mut DirNode, base: &str, names: &[&str], tree: bool) -> ImapiResult<Change> {
    let shown = names.iter().fold(base.to_string(), |p, n| child_path(&p, n));
    let Some((name, parent)) = names.split_last() else {
        if !tree {
            // Remove("\") : the root is not an item that can go (RemoveTree empties it).
            return Err(ImapiError::invalid_param("path"));
        }
        let before = root.clone();
        root.clear();
        return Ok(Change {
            undo: vec![Undo::RestoreDir {
                path: Vec::new(),
                dir: before,
            }],
            checks: Vec::new(),
        });
    };
    let missing = if tree {
        HResult::IMAPI_E_DIR_NOT_FOUND
    } else {
        HResult::IMAPI_E_NOT_IN_FILE_SYSTEM
    };
    let removed = root
        .edit_dir(parent, |dir| match dir.child(name) {
            None => Err(ImapiError::with(missing, [shown.clone()])),
            Some(Node::File(_)) if tree => Err(ImapiError::with(HResult::IMAPI_E_NOT_DIR, [shown.clone()])),
            Some(Node::Dir(d)) if !tree && !d.is_empty() => {
                Err(ImapiError::with(HResult::IMAPI_E_DIR_NOT_EMPTY, [shown.clone()]))
            }
            Some(_) => Ok(dir.remove(name).expect("child exists")),
        })
        .map_err(|w| walk_error(w, base, parent, missing))??;
    Ok(Change {
        undo: vec![Undo::Insert {
            parent: owned(parent),
            node: removed,
        }],
        checks: Vec::new(),
    })
}

/// Changes the name-independent attributes of the item at `names` (the root when empty).
pub(crate) fn set_meta(
    root: &mut DirNode,
    base: &str,
    names: &[&str],
    edit: impl FnOnce(&mut Meta),
) -> ImapiResult<Change> {
    let not_found = || {
        let shown = names.iter().fold(base.to_string(), |p, n| child_path(&p, n));
        ImapiError::with(HResult::IMAPI_E_ITEM_NOT_FOUND, [shown])
    };
    let Some((name, parent)) = names.split_last() else {
        let old = root.meta.clone();
        edit(&mut root.meta);
        return Ok(Change {
            undo: vec![Undo::SetMeta {
                path: Vec::new(),
                meta: old,
            }],
            checks: Vec::new(),
        });
    };
    let old = root
        .edit_dir(parent, |dir| {
            dir.child_mut(name).map(|node| {
                let old = node.meta().clone();
                edit(node.meta_mut());
                old
            })
        })
        .ok()
        .flatten()
        .ok_or_else(not_found)?;
    Ok(Change {
        undo: vec![Undo::SetMeta {
            path: owned(names),
            meta: old,
        }],
        checks: Vec::new(),
    })
}

/// Applies undo steps, newest first. Steps come from changes that succeeded on this very tree, so
/// they always apply; a step that finds the tree otherwise is skipped.
pub(crate) fn apply_undo(root: &mut DirNode, steps: Vec<Undo>) {
    for step in steps.into_iter().rev() {
        match step {
            Undo::Remove { parent, name } => {
                let _ = root.edit_dir(&borrowed(&parent), |dir| dir.remove(&name));
            }
            Undo::Insert { parent, node } => {
                let _ = root.edit_dir(&borrowed(&parent), |dir| {
                    dir.remove(node.name());
                    let _ = dir.insert(node);
                });
            }
            Undo::RestoreDir { path, dir } => match path.split_last() {
                None => *root = dir,
                Some((name, parent)) => {
                    let _ = root.edit_dir(&borrowed(parent), |p| {
                        p.remove(name);
                        let _ = p.insert(Node::Dir(Arc::new(dir)));
                    });
                }
            },
            Undo::SetMeta { path, meta } => match path.split_last() {
                None => root.meta = meta,
                Some((name, parent)) => {
                    let _ = root.edit_dir(&borrowed(parent), |dir| {
                        if let Some(node) = dir.child_mut(name) {
                            *node.meta_mut() = meta;
                        }
                    });
                }
            },
        }
    }
}
