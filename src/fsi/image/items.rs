//! The item-tree members of IFileSystemImage and IFsiDirectoryItem on the root (imapi2.md §2.1,
//! §2.3): add, remove, look up, set attributes, create detached items, change points.

use super::FileSystemImage;
use crate::fsi::edit;
use crate::fsi::host::{self, AddTreeReport};
use crate::fsi::item::{FsiDirectoryItem, FsiFileItem, FsiItem, FsiItemType, ItemInfo};
use crate::fsi::names::iso9660::Iso9660Names;
use crate::fsi::names::joliet::JolietNames;
use crate::fsi::names::{NameRules, unique_names};
use crate::fsi::options::FileSystems;
use crate::fsi::path::{child_path, join, parse_image_path};
use crate::fsi::source::FileData;
use crate::fsi::tree::{ItemTimes, Node};
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::path::Path;

impl FileSystemImage {
    // ---- the tree ----------------------------------------------------------------------------

    /// IFsiDirectoryItem::AddDirectory on the root: the parent must exist (IMAPI_E_NOT_IN_FILE_SYSTEM).
    pub fn add_directory(&mut self, path: &str) -> ImapiResult<()> {
        let names = parse_image_path(path)?;
        let (name, parent) = names
            .split_last()
            .ok_or_else(|| ImapiError::with(HResult::IMAPI_E_DUP_NAME, [path]))?;
        let item = FsiDirectoryItem::new(name, &self.context())?;
        self.change(path, true, |root, ctx| {
            let node = FsiItem::Directory(item).into_node();
            Ok((
                edit::insert(root, "/", parent, node, HResult::IMAPI_E_NOT_IN_FILE_SYSTEM, ctx)?,
                (),
            ))
        })
    }

    /// IFsiDirectoryItem::AddFile: a file at `path` with `data`.
    pub fn add_file(&mut self, path: &str, data: FileData) -> ImapiResult<()> {
        let names = parse_image_path(path)?;
        let (name, parent) = names
            .split_last()
            .ok_or_else(|| ImapiError::with(HResult::IMAPI_E_INVALID_PATH, [path]))?;
        let mut item = FsiFileItem::new(name, &self.context())?;
        item.set_data(data);
        self.change(path, true, |root, ctx| {
            let node = FsiItem::File(item).into_node();
            Ok((
                edit::insert(root, "/", parent, node, HResult::IMAPI_E_NOT_IN_FILE_SYSTEM, ctx)?,
                (),
            ))
        })
    }

    /// IFsiDirectoryItem::Add: a detached item into the directory at `dir_path`
    /// (IMAPI_E_DIR_NOT_FOUND if it is not there, IMAPI_E_DUP_NAME if the name is taken).
    pub fn add(&mut self, dir_path: &str, item: impl Into<FsiItem>) -> ImapiResult<()> {
        let names = parse_image_path(dir_path)?;
        let item = item.into();
        let name = match &item {
            FsiItem::Directory(d) => d.name().to_string(),
            FsiItem::File(f) => f.name().to_string(),
        };
        let shown = child_path(&join(&names), &name);
        self.change(&shown, true, |root, ctx| {
            Ok((
                edit::insert(root, "/", &names, item.into_node(), HResult::IMAPI_E_DIR_NOT_FOUND, ctx)?,
                (),
            ))
        })
    }

    /// IFsiDirectoryItem::AddTree into the directory at `dir_path`.
    pub fn add_tree(&mut self, dir_path: &str, source: &Path, include_base: bool) -> ImapiResult<AddTreeReport> {
        let names = parse_image_path(dir_path)?;
        let shown = source.display().to_string();
        self.change(&shown, true, |root, ctx| {
            host::add_tree(root, "/", &names, source, include_base, ctx)
        })
    }

    /// IFsiDirectoryItem::Remove: a file or an empty directory (IMAPI_E_DIR_NOT_EMPTY otherwise,
    /// IMAPI_E_NOT_IN_FILE_SYSTEM when there is nothing at `path`).
    pub fn remove(&mut self, path: &str) -> ImapiResult<()> {
        let names = parse_image_path(path)?;
        self.change(path, false, |root, _| Ok((edit::remove(root, "/", &names, false)?, ())))
    }

    /// IFsiDirectoryItem::RemoveTree: a directory and everything in it (`/` empties the image;
    /// IMAPI_E_NOT_DIR for a file, IMAPI_E_DIR_NOT_FOUND when there is nothing at `path`).
    pub fn remove_tree(&mut self, path: &str) -> ImapiResult<()> {
        let names = parse_image_path(path)?;
        self.change(path, false, |root, _| Ok((edit::remove(root, "/", &names, true)?, ())))
    }

    /// Exists: IMAPI_E_INVALID_PATH unless the path starts with `/` or `\`.
    pub fn exists(&self, path: &str) -> ImapiResult<FsiItemType> {
        let names = parse_image_path(path)?;
        if names.is_empty() {
            return Ok(FsiItemType::Directory);
        }
        Ok(match self.root.lookup(&names) {
            Ok(Node::Dir(_)) => FsiItemType::Directory,
            Ok(Node::File(_)) => FsiItemType::File,
            Err(_) => FsiItemType::NotFound,
        })
    }

    /// IFsiDirectoryItem::Item: the item at `path` (IMAPI_E_ITEM_NOT_FOUND if none).
    pub fn item(&self, path: &str) -> ImapiResult<ItemInfo> {
        let names = parse_image_path(path)?;
        if names.is_empty() {
            return Ok(ItemInfo::of_dir(&self.root, "/".into()));
        }
        let node = self
            .root
            .lookup(&names)
            .map_err(|_| ImapiError::with(HResult::IMAPI_E_ITEM_NOT_FOUND, [path]))?;
        Ok(ItemInfo::of(node, join(&names)))
    }

    /// IFsiItem::FileSystemName: the name the item at `path` is recorded under in `fs` — the
    /// unique ISO 9660 identifier (without its `;1` version) or Joliet name; UDF records names as
    /// given. IMAPI_E_ITEM_NOT_FOUND if there is no such item, IMAPI_E_INVALID_PARAM unless `fs` is
    /// one of ISO9660, Joliet, UDF.
    pub fn file_system_name(&self, path: &str, fs: FileSystems) -> ImapiResult<String> {
        let recorded = self.file_system_names(path, fs)?;
        Ok(recorded.last().cloned().unwrap_or_default())
    }

    /// IFsiItem::FileSystemPath: the path of the item at `path` as `fs` records it (`/` joined).
    pub fn file_system_path(&self, path: &str, fs: FileSystems) -> ImapiResult<String> {
        let recorded = self.file_system_names(path, fs)?;
        Ok(format!("/{}", recorded.join("/")))
    }

    fn file_system_names(&self, path: &str, fs: FileSystems) -> ImapiResult<Vec<String>> {
        let iso = Iso9660Names {
            level: self.iso9660_level,
        };
        let rules: Option<&dyn NameRules> = match fs {
            FileSystems::ISO9660 => Some(&iso),
            FileSystems::JOLIET => Some(&JolietNames),
            FileSystems::UDF => None,
            _ => return Err(ImapiError::invalid_param("fileSystem")),
        };
        let names = parse_image_path(path)?;
        let not_found = || ImapiError::with(HResult::IMAPI_E_ITEM_NOT_FOUND, [path]);
        let mut recorded = Vec::with_capacity(names.len());
        let mut dir = &self.root;
        for (depth, name) in names.iter().enumerate() {
            let child = dir.child(name).ok_or_else(not_found)?;
            let position = dir
                .children()
                .position(|c| std::ptr::eq(c, child))
                .ok_or_else(not_found)?;
            let own = match rules {
                None => child.name().to_string(),
                Some(rules) => {
                    let items: Vec<(&str, bool)> =
                        dir.children().map(|c| (c.name(), matches!(c, Node::Dir(_)))).collect();
                    unique_names(rules, &join(&names[..depth]), &items)?.swap_remove(position)
                }
            };
            recorded.push(own);
            match child {
                Node::Dir(d) => dir = d,
                Node::File(_) if depth + 1 == names.len() => {}
                Node::File(_) => return Err(not_found()),
            }
        }
        Ok(recorded)
    }

    /// The children of the directory at `path` (IMAPI_E_DIR_NOT_FOUND if none), in name order.
    pub fn children(&self, path: &str) -> ImapiResult<Vec<ItemInfo>> {
        let names = parse_image_path(path)?;
        let dir = self
            .root
            .dir(&names)
            .map_err(|_| ImapiError::with(HResult::IMAPI_E_DIR_NOT_FOUND, [path]))?;
        let base = join(&names);
        Ok(dir
            .children()
            .map(|c| ItemInfo::of(c, child_path(&base, c.name())))
            .collect())
    }

    /// IFsiItem::IsHidden setter for the item at `path`.
    pub fn set_hidden(&mut self, path: &str, hidden: bool) -> ImapiResult<()> {
        let names = parse_image_path(path)?;
        self.change(path, false, |root, _| {
            Ok((edit::set_meta(root, "/", &names, |m| m.hidden = hidden)?, ()))
        })
    }

    /// IFsiItem Creation/LastAccessed/LastModifiedTime setters for the item at `path`.
    pub fn set_times(&mut self, path: &str, times: ItemTimes) -> ImapiResult<()> {
        let names = parse_image_path(path)?;
        self.change(path, false, |root, _| {
            Ok((edit::set_meta(root, "/", &names, |m| m.times = times)?, ()))
        })
    }

    /// CreateDirectoryItem: a detached directory (IMAPI_E_INVALID_PARAM for a bad name).
    pub fn create_directory_item(&self, name: &str) -> ImapiResult<FsiDirectoryItem> {
        FsiDirectoryItem::new(name, &self.context())
    }

    /// CreateFileItem: a detached, empty file (IMAPI_E_INVALID_PARAM for a bad name).
    pub fn create_file_item(&self, name: &str) -> ImapiResult<FsiFileItem> {
        FsiFileItem::new(name, &self.context())
    }

    // ---- change points -----------------------------------------------------------------------

    /// `ChangePoint`: how many changes the tree has seen.
    pub fn change_point(&self) -> u32 {
        self.change_point
    }

    /// RollbackToChangePoint: the tree as it was at `change_point`. A point before the last
    /// LockInChangePoint, or one not reached yet, is IMAPI_E_INVALID_PARAM.
    pub fn rollback_to_change_point(&mut self, change_point: u32) -> ImapiResult<()> {
        self.ensure_writable()?;
        if change_point == self.change_point {
            return Ok(());
        }
        let Some(at) = self.history.iter().position(|r| r.change_point == change_point) else {
            return Err(ImapiError::invalid_param("changePoint"));
        };
        for record in self.history.drain(at..).rev() {
            edit::apply_undo(&mut self.root, record.steps);
        }
        self.change_point = change_point;
        Ok(())
    }

    /// LockInChangePoint: no rollback to any earlier point afterwards.
    pub fn lock_in_change_point(&mut self) {
        self.history.clear();
    }
}
