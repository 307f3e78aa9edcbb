//! The tree as the planner and the file-system emitters see it: a flat, numbered snapshot in
//! breadth-first order (root = directory 0), children in the tree's stable name order.

use crate::fsi::path::child_path;
use crate::fsi::source::FileData;
use crate::fsi::tree::{DirNode, ItemTimes, Node};

pub type DirId = usize;
pub type FileId = usize;

/// A child of a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Dir(DirId),
    File(FileId),
}

#[derive(Debug, Clone)]
pub struct FrozenDir {
    pub name: String,
    pub path: String,
    /// The root is its own parent.
    pub parent: DirId,
    /// ISO 9660 level: the root is 1.
    pub level: u32,
    pub children: Vec<Entry>,
    pub times: ItemTimes,
    pub hidden: bool,
}

#[derive(Debug, Clone)]
pub struct FrozenFile {
    pub name: String,
    pub path: String,
    pub parent: DirId,
    pub data: FileData,
    pub times: ItemTimes,
    pub hidden: bool,
}

#[derive(Debug, Clone)]
pub struct FrozenTree {
    pub dirs: Vec<FrozenDir>,
    pub files: Vec<FrozenFile>,
}

impl FrozenTree {
    pub(crate) fn from_root(root: &DirNode) -> FrozenTree {
        let mut tree = FrozenTree {
            dirs: Vec::new(),
            files: Vec::new(),
        };
        tree.dirs.push(FrozenDir {
            name: String::new(),
            path: "/".into(),
            parent: 0,
            level: 1,
            children: Vec::new(),
            times: root.meta.times,
            hidden: false,
        });
        let mut queue = std::collections::VecDeque::from([(0usize, root)]);
        while let Some((id, node)) = queue.pop_front() {
            let mut children = Vec::with_capacity(node.len());
            for child in node.children() {
                let path = child_path(&tree.dirs[id].path, child.name());
                match child {
                    Node::Dir(d) => {
                        let child_id = tree.dirs.len();
                        tree.dirs.push(FrozenDir {
                            name: d.meta.name.clone(),
                            path,
                            parent: id,
                            level: tree.dirs[id].level + 1,
                            children: Vec::new(),
                            times: d.meta.times,
                            hidden: d.meta.hidden,
                        });
                        children.push(Entry::Dir(child_id));
                        queue.push_back((child_id, d));
                    }
                    Node::File(f) => {
                        children.push(Entry::File(tree.files.len()));
                        tree.files.push(FrozenFile {
                            name: f.meta.name.clone(),
                            path,
                            parent: id,
                            data: f.data.clone(),
                            times: f.meta.times,
                            hidden: f.meta.hidden,
                        });
                    }
                }
            }
            tree.dirs[id].children = children;
        }
        tree
    }

    /// `(name, is_dir)` of a directory's children, in order (for name making).
    pub fn child_names(&self, dir: DirId) -> Vec<(&str, bool)> {
        self.dirs[dir]
            .children
            .iter()
            .map(|e| match *e {
                Entry::Dir(d) => (self.dirs[d].name.as_str(), true),
                Entry::File(f) => (self.files[f].name.as_str(), false),
            })
            .collect()
    }
}
