//! A file system read back from a disc or an image: the listing with names, sizes and extents
//! (what ImportFileSystem turns into items), and safe extraction of its files.

use super::block::{BLOCK, BlockReader};
use crate::fsi::options::FileSystems;
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One run of a file's data, by absolute LBA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    pub lba: u32,
    pub bytes: u64,
}

/// One file or directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedItem {
    /// `/dir/name`, with the names as this file system records them.
    pub path: String,
    pub name: String,
    pub is_dir: bool,
    /// Bytes of a file (0 for a directory).
    pub size: u64,
    /// A file's data runs (several for a multi-extent file); a directory's own extent. Empty for
    /// a file whose data is [`Self::embedded`].
    pub extents: Vec<Extent>,
    /// The bytes of a file recorded inside its UDF file entry (in-ICB, udf-iso.md §2.7) instead
    /// of in extents: exactly `size` bytes, never more than one block.
    pub embedded: Option<Vec<u8>>,
    pub modified: Option<SystemTime>,
    pub hidden: bool,
}

/// A file system's tree: items in depth-first order, each directory before its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedTree {
    pub file_system: FileSystems,
    pub volume_name: String,
    pub session_start: u32,
    /// Names came from Rock Ridge NM entries.
    pub rock_ridge: bool,
    pub items: Vec<ImportedItem>,
}

impl ImportedTree {
    /// The item at `path` (`/` or `\` separated, compared exactly; the root is not an item).
    pub fn find(&self, path: &str) -> Option<&ImportedItem> {
        let wanted = normalize(path);
        self.items.iter().find(|i| i.path == wanted)
    }

    /// Items directly inside the directory at `path` (`/` for the root).
    pub fn children<'a>(&'a self, path: &str) -> impl Iterator<Item = &'a ImportedItem> + 'a {
        let parent = normalize(path);
        self.items.iter().filter(move |i| parent_of(&i.path) == parent)
    }
}

fn normalize(path: &str) -> String {
    let names: Vec<&str> = path.split(['/', '\\']).filter(|s| !s.is_empty()).collect();
    format!("/{}", names.join("/"))
}

fn parent_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(at) => &path[..at],
    }
}

/// Copies a file's data to `out`: its embedded bytes, or its extents read through `reader`.
pub fn read_file(reader: &mut dyn BlockReader, item: &ImportedItem, out: &mut dyn Write) -> ImapiResult<()> {
    const CHUNK_BLOCKS: u64 = 32;
    if let Some(bytes) = &item.embedded {
        return out.write_all(bytes).map_err(|e| write_failure(&item.path, &e));
    }
    let mut buf = vec![0u8; CHUNK_BLOCKS as usize * BLOCK];
    for extent in &item.extents {
        let mut left = extent.bytes;
        let mut lba = extent.lba;
        while left > 0 {
            let blocks = left.div_ceil(BLOCK as u64).min(CHUNK_BLOCKS);
            let chunk = &mut buf[..blocks as usize * BLOCK];
            reader.read_blocks(lba, chunk)?;
            let n = left.min(chunk.len() as u64) as usize;
            out.write_all(&chunk[..n]).map_err(|e| write_failure(&item.path, &e))?;
            left -= n as u64;
            lba += blocks as u32;
        }
    }
    Ok(())
}

fn write_failure(what: &str, e: &std::io::Error) -> ImapiError {
    ImapiError::with(
        HResult::IMAPI_E_DATA_STREAM_CREATE_FAILURE,
        [what.to_string(), e.to_string()],
    )
}

/// A name from the image as a single host path component: never empty, `.` or `..`, never holding
/// a separator or NUL, so that joining it to a directory stays inside that directory.
pub fn safe_component(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c == '/' || c == '\\' || c == '\0' { '_' } else { c })
        .collect();
    match cleaned.as_str() {
        "" | "." => "_".to_string(),
        ".." => "__".to_string(),
        _ => cleaned,
    }
}

/// What an extraction wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtractReport {
    pub files: u64,
    pub directories: u64,
    pub bytes: u64,
    pub written: Vec<PathBuf>,
}

/// Extracts the item at `path` (a file, a directory with everything below it, or `/` for the
/// whole tree's contents) into the existing directory `dest`. Nothing is ever written outside
/// `dest`: every name becomes one [`safe_component`], files and directories are created new (an
/// existing entry — a symbolic link planted there included — is an error, never followed).
pub fn extract(
    reader: &mut dyn BlockReader,
    tree: &ImportedTree,
    path: &str,
    dest: &Path,
) -> ImapiResult<ExtractReport> {
    let wanted = normalize(path);
    let mut report = ExtractReport::default();
    let fail = |what: &Path, e: std::io::Error| write_failure(&what.display().to_string(), &e);
    let (root_prefix, selected): (String, Vec<&ImportedItem>) = if wanted == "/" {
        ("/".into(), tree.items.iter().collect())
    } else {
        let item = tree
            .find(&wanted)
            .ok_or_else(|| ImapiError::with(HResult::IMAPI_E_ITEM_NOT_FOUND, [&wanted]))?;
        let under = format!("{wanted}/");
        let mut list = vec![item];
        if item.is_dir {
            list.extend(tree.items.iter().filter(|i| i.path.starts_with(&under)));
        }
        (format!("{}/", parent_of(&wanted).trim_end_matches('/')), list)
    };
    for item in selected {
        let relative = item.path.strip_prefix(&root_prefix).unwrap_or(&item.path);
        let mut target = dest.to_path_buf();
        for name in relative.split('/').filter(|s| !s.is_empty()) {
            target.push(safe_component(name));
        }
        if item.is_dir {
            std::fs::create_dir(&target).map_err(|e| fail(&target, e))?;
            report.directories += 1;
        } else {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&target)
                .map_err(|e| fail(&target, e))?;
            read_file(reader, item, &mut file)?;
            report.files += 1;
            report.bytes += item.size;
        }
        report.written.push(target);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_stay_one_component() {
        assert_eq!(safe_component("../../etc/passwd"), ".._.._etc_passwd");
        assert_eq!(safe_component(".."), "__");
        assert_eq!(safe_component(""), "_");
        assert_eq!(safe_component("a\0b"), "a_b");
        assert_eq!(safe_component("ok.txt"), "ok.txt");
    }

    #[test]
    fn paths_normalize() {
        assert_eq!(normalize("\\a\\b/"), "/a/b");
        assert_eq!(normalize("/"), "/");
        assert_eq!(parent_of("/a"), "/");
        assert_eq!(parent_of("/a/b"), "/a");
    }
}
