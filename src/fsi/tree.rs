//! The item tree: directories and files with names, times, a hidden flag and, for files, a data
//! source. Nodes are shared (`Arc`) and copied on write, so a change point, a rollback and a
//! result image each keep their own version of the tree for the cost of the path that changed.
//!
//! Names are unique per directory ignoring case, as in IMAPI2 on Windows (`A.txt` and `a.txt`
//! collide with `IMAPI_E_DUP_NAME`); the case given is kept for the file systems that record it.

use super::names::has_short_stem;
use super::source::FileData;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

/// Logical block size of every image this builder makes (ISO 9660 and UDF on optical media).
pub const BLOCK_BYTES: u64 = 2048;

/// The three times IMAPI2 items carry (IFsiItem Creation/LastAccessed/LastModifiedTime).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemTimes {
    pub created: SystemTime,
    pub accessed: SystemTime,
    pub modified: SystemTime,
}

impl ItemTimes {
    /// The same instant for all three.
    pub fn all(at: SystemTime) -> ItemTimes {
        ItemTimes {
            created: at,
            accessed: at,
            modified: at,
        }
    }

    /// The times of a host file or directory (creation time falls back to modification time
    /// where the host file system does not record it).
    pub fn of_host(metadata: &std::fs::Metadata) -> ItemTimes {
        let modified = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        ItemTimes {
            created: metadata.created().unwrap_or(modified),
            accessed: metadata.accessed().unwrap_or(modified),
            modified,
        }
    }
}

/// What every item has.
#[derive(Debug, Clone)]
pub(crate) struct Meta {
    pub name: String,
    pub times: ItemTimes,
    pub hidden: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct FileNode {
    pub meta: Meta,
    pub data: FileData,
}

#[derive(Debug, Clone)]
pub(crate) struct DirNode {
    pub meta: Meta,
    children: BTreeMap<String, Node>,
    totals: Totals,
    /// Children whose names leave little room for uniqueness counters (names::has_short_stem).
    short_stem_children: usize,
}

#[derive(Debug, Clone)]
pub(crate) enum Node {
    Dir(Arc<DirNode>),
    File(Arc<FileNode>),
}

/// Counts over everything below a directory, kept up to date on every change so that the
/// checks IMAPI2 makes on each Add (size limit, depth, directory count) cost nothing per item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Totals {
    pub files: u64,
    /// Directories below (not counting the directory itself).
    pub dirs: u64,
    /// 2048-byte blocks of file data.
    pub data_blocks: u64,
    /// UTF-16 units of all names below (a measure of directory-record space).
    pub name_units: u64,
    /// Directory levels including the directory itself: an empty directory is 1.
    pub levels: u32,
}

/// The key a name is unique under: its lower-case form.
pub(crate) fn name_key(name: &str) -> String {
    name.to_lowercase()
}

/// Blocks that `bytes` of data occupy.
pub fn blocks_for(bytes: u64) -> u64 {
    bytes.div_ceil(BLOCK_BYTES)
}

/// Why a path could not be followed: the index of the name that is missing or is a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Walk {
    Missing(usize),
    NotADirectory(usize),
}

impl Node {
    pub fn meta(&self) -> &Meta {
        match self {
            Node::Dir(d) => &d.meta,
            Node::File(f) => &f.meta,
        }
    }

    pub fn meta_mut(&mut self) -> &mut Meta {
        match self {
            Node::Dir(d) => &mut Arc::make_mut(d).meta,
            Node::File(f) => &mut Arc::make_mut(f).meta,
        }
    }

    pub fn name(&self) -> &str {
        &self.meta().name
    }

    /// What this node adds to its parent's [`Totals`].
    fn contribution(&self) -> Totals {
        let name_units = self.name().encode_utf16().count() as u64;
        match self {
            Node::File(f) => Totals {
                files: 1,
                dirs: 0,
                data_blocks: blocks_for(f.data.size()),
                name_units,
                levels: 0,
            },
            Node::Dir(d) => Totals {
                files: d.totals.files,
                dirs: d.totals.dirs + 1,
                data_blocks: d.totals.data_blocks,
                name_units: d.totals.name_units + name_units,
                levels: d.totals.levels,
            },
        }
    }
}

impl DirNode {
    pub fn new(meta: Meta) -> DirNode {
        DirNode {
            meta,
            children: BTreeMap::new(),
            short_stem_children: 0,
            totals: Totals {
                levels: 1,
                ..Totals::default()
            },
        }
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }

    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.get(&name_key(name))
    }

    pub fn child_mut(&mut self, name: &str) -> Option<&mut Node> {
        self.children.get_mut(&name_key(name))
    }

    /// Children in the order of their lower-case names.
    pub fn children(&self) -> impl Iterator<Item = &Node> {
        self.children.values()
    }

    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
    }

    pub fn len(&self) -> usize {
        self.children.len()
    }

    pub fn short_stem_children(&self) -> usize {
        self.short_stem_children
    }

    /// The node at `names` below this directory (`[]` is not a node: use the directory itself).
    pub fn lookup(&self, names: &[&str]) -> Result<&Node, Walk> {
        let (last, parents) = names.split_last().ok_or(Walk::Missing(0))?;
        let dir = self.dir(parents)?;
        dir.child(last).ok_or(Walk::Missing(names.len() - 1))
    }

    /// The directory at `names` below this one (`[]` is this one).
    pub fn dir(&self, names: &[&str]) -> Result<&DirNode, Walk> {
        let mut dir = self;
        for (i, name) in names.iter().enumerate() {
            match dir.child(name) {
                Some(Node::Dir(d)) => dir = d,
                Some(Node::File(_)) => return Err(Walk::NotADirectory(i)),
                None => return Err(Walk::Missing(i)),
            }
        }
        Ok(dir)
    }

    /// Runs `edit` on the directory at `names` (copying the nodes on the way if they are shared)
    /// and brings the totals of every directory on the way up to date afterwards.
    pub fn edit_dir<R>(&mut self, names: &[&str], edit: impl FnOnce(&mut DirNode) -> R) -> Result<R, Walk> {
        self.edit_dir_at(names, 0, edit)
    }

    fn edit_dir_at<R>(
        &mut self,
        names: &[&str],
        depth: usize,
        edit: impl FnOnce(&mut DirNode) -> R,
    ) -> Result<R, Walk> {
        let Some((first, rest)) = names.split_first() else {
            return Ok(edit(self));
        };
        let key = name_key(first);
        let before = match self.children.get(&key) {
            Some(node @ Node::Dir(_)) => node.contribution(),
            Some(Node::File(_)) => return Err(Walk::NotADirectory(depth)),
            None => return Err(Walk::Missing(depth)),
        };
        let Some(Node::Dir(child)) = self.children.get_mut(&key) else {
            unreachable!("checked above")
        };
        let result = Arc::make_mut(child).edit_dir_at(rest, depth + 1, edit);
        let after = self.children[&key].contribution();
        self.replace_contribution(before, after);
        result
    }

    /// Adds a child; gives it back if the name is taken (ignoring case).
    pub fn insert(&mut self, node: Node) -> Result<(), Node> {
        let key = name_key(node.name());
        if self.children.contains_key(&key) {
            return Err(node);
        }
        self.replace_contribution(Totals::default(), node.contribution());
        if has_short_stem(node.name(), matches!(node, Node::Dir(_))) {
            self.short_stem_children += 1;
        }
        self.children.insert(key, node);
        Ok(())
    }

    /// Removes the child called `name` (ignoring case).
    pub fn remove(&mut self, name: &str) -> Option<Node> {
        let node = self.children.remove(&name_key(name))?;
        self.replace_contribution(node.contribution(), Totals::default());
        if has_short_stem(node.name(), matches!(node, Node::Dir(_))) {
            self.short_stem_children -= 1;
        }
        Some(node)
    }

    /// Removes every child.
    pub fn clear(&mut self) {
        self.children.clear();
        self.short_stem_children = 0;
        self.totals = Totals {
            levels: 1,
            ..Totals::default()
        };
    }

    fn replace_contribution(&mut self, before: Totals, after: Totals) {
        let t = &mut self.totals;
        t.files = t.files - before.files + after.files;
        t.dirs = t.dirs - before.dirs + after.dirs;
        t.data_blocks = t.data_blocks - before.data_blocks + after.data_blocks;
        t.name_units = t.name_units - before.name_units + after.name_units;
        if after.levels >= before.levels {
            t.levels = t.levels.max(after.levels + 1);
        } else if before.levels + 1 == t.levels {
            // The deepest branch may have shrunk: look at every child once.
            t.levels = 1 + self
                .children
                .values()
                .map(|c| c.contribution().levels)
                .max()
                .unwrap_or(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(name: &str) -> Meta {
        Meta {
            name: name.into(),
            times: ItemTimes::all(SystemTime::UNIX_EPOCH),
            hidden: false,
        }
    }

    fn dir(name: &str) -> Node {
        Node::Dir(Arc::new(DirNode::new(meta(name))))
    }

    fn file(name: &str, size: usize) -> Node {
        Node::File(Arc::new(FileNode {
            meta: meta(name),
            data: FileData::from_bytes(vec![0u8; size]),
        }))
    }

    #[test]
    fn names_collide_ignoring_case() {
        let mut root = DirNode::new(meta(""));
        root.insert(file("A.txt", 1)).unwrap();
        assert!(root.insert(file("a.TXT", 1)).is_err());
        assert_eq!(root.child("a.txt").unwrap().name(), "A.txt");
    }

    #[test]
    fn totals_follow_inserts_and_removals_at_any_depth() {
        let mut root = DirNode::new(meta(""));
        root.insert(dir("a")).unwrap();
        root.edit_dir(&["a"], |a| a.insert(dir("b")).unwrap()).unwrap();
        root.edit_dir(&["a", "b"], |b| b.insert(file("f", 4097)).unwrap())
            .unwrap();
        let t = root.totals();
        assert_eq!((t.files, t.dirs, t.data_blocks, t.levels), (1, 2, 3, 3));
        root.edit_dir(&["a"], |a| a.remove("B")).unwrap();
        let t = root.totals();
        assert_eq!((t.files, t.dirs, t.data_blocks, t.levels), (0, 1, 0, 2));
    }

    #[test]
    fn a_copy_keeps_its_version() {
        let mut root = DirNode::new(meta(""));
        root.insert(dir("a")).unwrap();
        let before = root.clone();
        root.edit_dir(&["a"], |a| a.insert(file("f", 1)).unwrap()).unwrap();
        assert!(before.dir(&["a"]).unwrap().is_empty());
        assert_eq!(root.dir(&["a"]).unwrap().len(), 1);
    }

    #[test]
    fn walking_reports_where_it_stopped() {
        let mut root = DirNode::new(meta(""));
        root.insert(file("f", 1)).unwrap();
        assert_eq!(root.dir(&["f", "x"]).err(), Some(Walk::NotADirectory(0)));
        assert_eq!(root.dir(&["g"]).err(), Some(Walk::Missing(0)));
        assert!(root.edit_dir(&["f"], |_| ()).is_err());
    }
}
