//! Items as callers see them: detached directory and file items made by CreateDirectoryItem /
//! CreateFileItem and added later with Add (imapi2.md §2.3), and [`ItemInfo`], a read-only view of
//! an item in the image.

use super::edit::{self, EditContext};
use super::host::{self, AddTreeReport};
use super::path::{check_name, parse_relative_path};
use super::source::FileData;
use super::tree::{DirNode, FileNode, ItemTimes, Meta, Node};
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::path::Path;
use std::sync::Arc;

/// `FsiItemType` (imapi2.md §2.8): what Exists finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum FsiItemType {
    NotFound = 0,
    Directory = 1,
    File = 2,
}

/// One item of the image, as IFsiItem / IFsiFileItem report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemInfo {
    pub name: String,
    pub full_path: String,
    pub kind: FsiItemType,
    /// File data size in bytes (0 for directories).
    pub data_size: u64,
    pub times: ItemTimes,
    pub hidden: bool,
    /// Direct children (0 for files).
    pub count: usize,
}

impl ItemInfo {
    pub(crate) fn of(node: &Node, full_path: String) -> ItemInfo {
        match node {
            Node::Dir(d) => ItemInfo::of_dir(d, full_path),
            Node::File(f) => ItemInfo {
                name: f.meta.name.clone(),
                full_path,
                kind: FsiItemType::File,
                data_size: f.data.size(),
                times: f.meta.times,
                hidden: f.meta.hidden,
                count: 0,
            },
        }
    }

    pub(crate) fn of_dir(dir: &DirNode, full_path: String) -> ItemInfo {
        ItemInfo {
            name: dir.meta.name.clone(),
            full_path,
            kind: FsiItemType::Directory,
            data_size: 0,
            times: dir.meta.times,
            hidden: dir.meta.hidden,
            count: dir.len(),
        }
    }
}

/// Checks a name given to CreateFileItem / CreateDirectoryItem: IMAPI_E_INVALID_PARAM if it is not
/// a valid item name, IMAPI_E_RESTRICTED_NAME_VIOLATION under the restricted character set.
pub(crate) fn check_new_item_name(name: &str, ctx: &EditContext) -> ImapiResult<()> {
    check_name(name).map_err(|_| ImapiError::invalid_param("name"))?;
    edit::check_charset(name, ctx)
}

/// A file item not (yet) in an image: IFsiFileItem.
#[derive(Debug, Clone)]
pub struct FsiFileItem {
    pub(crate) node: FileNode,
}

impl FsiFileItem {
    pub(crate) fn new(name: &str, ctx: &EditContext) -> ImapiResult<FsiFileItem> {
        check_new_item_name(name, ctx)?;
        let meta = Meta {
            name: name.to_string(),
            times: ItemTimes::all(ctx.now),
            hidden: false,
        };
        Ok(FsiFileItem {
            node: FileNode {
                meta,
                data: FileData::from_bytes(Vec::new()),
            },
        })
    }

    pub fn name(&self) -> &str {
        &self.node.meta.name
    }

    /// `put_Data`: the file's contents.
    pub fn set_data(&mut self, data: FileData) {
        self.node.data = data;
    }

    pub fn data(&self) -> &FileData {
        &self.node.data
    }

    /// `DataSize`.
    pub fn data_size(&self) -> u64 {
        self.node.data.size()
    }

    pub fn times(&self) -> ItemTimes {
        self.node.meta.times
    }

    pub fn set_times(&mut self, times: ItemTimes) {
        self.node.meta.times = times;
    }

    pub fn is_hidden(&self) -> bool {
        self.node.meta.hidden
    }

    pub fn set_hidden(&mut self, hidden: bool) {
        self.node.meta.hidden = hidden;
    }
}

/// A directory item not (yet) in an image: IFsiDirectoryItem, with paths relative to it.
#[derive(Debug, Clone)]
pub struct FsiDirectoryItem {
    pub(crate) node: DirNode,
    pub(crate) ctx: EditContext,
}

/// Either kind of detached item, for [`FsiDirectoryItem::add`] and the image's `add`.
#[derive(Debug, Clone)]
pub enum FsiItem {
    Directory(FsiDirectoryItem),
    File(FsiFileItem),
}

impl From<FsiDirectoryItem> for FsiItem {
    fn from(item: FsiDirectoryItem) -> FsiItem {
        FsiItem::Directory(item)
    }
}

impl From<FsiFileItem> for FsiItem {
    fn from(item: FsiFileItem) -> FsiItem {
        FsiItem::File(item)
    }
}

impl FsiItem {
    pub(crate) fn into_node(self) -> Node {
        match self {
            FsiItem::Directory(d) => Node::Dir(Arc::new(d.node)),
            FsiItem::File(f) => Node::File(Arc::new(f.node)),
        }
    }
}

impl FsiDirectoryItem {
    pub(crate) fn new(name: &str, ctx: &EditContext) -> ImapiResult<FsiDirectoryItem> {
        check_new_item_name(name, ctx)?;
        let meta = Meta {
            name: name.to_string(),
            times: ItemTimes::all(ctx.now),
            hidden: false,
        };
        Ok(FsiDirectoryItem {
            node: DirNode::new(meta),
            ctx: ctx.clone(),
        })
    }

    pub fn name(&self) -> &str {
        &self.node.meta.name
    }

    /// `Count`: direct children.
    pub fn count(&self) -> usize {
        self.node.len()
    }

    pub fn times(&self) -> ItemTimes {
        self.node.meta.times
    }

    pub fn set_times(&mut self, times: ItemTimes) {
        self.node.meta.times = times;
    }

    pub fn is_hidden(&self) -> bool {
        self.node.meta.hidden
    }

    pub fn set_hidden(&mut self, hidden: bool) {
        self.node.meta.hidden = hidden;
    }

    fn base(&self) -> String {
        self.node.meta.name.clone()
    }

    /// `AddDirectory(path)`: the parent must exist (IMAPI_E_NOT_IN_FILE_SYSTEM).
    pub fn add_directory(&mut self, path: &str) -> ImapiResult<()> {
        let names = parse_relative_path(path)?;
        let (name, parent) = names
            .split_last()
            .ok_or_else(|| ImapiError::with(HResult::IMAPI_E_DUP_NAME, [path]))?;
        let item = FsiDirectoryItem::new(name, &self.ctx)?;
        let base = self.base();
        let node = FsiItem::Directory(item).into_node();
        edit::insert(
            &mut self.node,
            &base,
            parent,
            node,
            HResult::IMAPI_E_NOT_IN_FILE_SYSTEM,
            &self.ctx,
        )?;
        Ok(())
    }

    /// `AddFile(path, stream)`.
    pub fn add_file(&mut self, path: &str, data: FileData) -> ImapiResult<()> {
        let names = parse_relative_path(path)?;
        let (name, parent) = names
            .split_last()
            .ok_or_else(|| ImapiError::with(HResult::IMAPI_E_INVALID_PATH, [path]))?;
        let mut item = FsiFileItem::new(name, &self.ctx)?;
        item.set_data(data);
        let base = self.base();
        let node = FsiItem::File(item).into_node();
        edit::insert(
            &mut self.node,
            &base,
            parent,
            node,
            HResult::IMAPI_E_NOT_IN_FILE_SYSTEM,
            &self.ctx,
        )?;
        Ok(())
    }

    /// `Add(item)`: as a direct child.
    pub fn add(&mut self, item: impl Into<FsiItem>) -> ImapiResult<()> {
        let base = self.base();
        edit::insert(
            &mut self.node,
            &base,
            &[],
            item.into().into_node(),
            HResult::IMAPI_E_DIR_NOT_FOUND,
            &self.ctx,
        )?;
        Ok(())
    }

    /// `AddTree(sourceDirectory, includeBaseDirectory)` into this directory.
    pub fn add_tree(&mut self, source: &Path, include_base: bool) -> ImapiResult<AddTreeReport> {
        let base = self.base();
        let (_, report) = host::add_tree(&mut self.node, &base, &[], source, include_base, &self.ctx)?;
        Ok(report)
    }

    /// `Remove(path)`.
    pub fn remove(&mut self, path: &str) -> ImapiResult<()> {
        let names = parse_relative_path(path)?;
        let base = self.base();
        edit::remove(&mut self.node, &base, &names, false).map(drop)
    }

    /// `RemoveTree(path)`.
    pub fn remove_tree(&mut self, path: &str) -> ImapiResult<()> {
        let names = parse_relative_path(path)?;
        let base = self.base();
        edit::remove(&mut self.node, &base, &names, true).map(drop)
    }

    /// `Item(path)`.
    pub fn item(&self, path: &str) -> ImapiResult<ItemInfo> {
        let names = parse_relative_path(path)?;
        if names.is_empty() {
            return Ok(ItemInfo::of_dir(&self.node, self.base()));
        }
        let shown = names.iter().fold(self.base(), |p, n| format!("{p}/{n}"));
        let node = self
            .node
            .lookup(&names)
            .map_err(|_| ImapiError::with(HResult::IMAPI_E_ITEM_NOT_FOUND, [&shown]))?;
        Ok(ItemInfo::of(node, shown))
    }
}
