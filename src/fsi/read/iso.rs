//! Reading an ISO 9660 or Joliet tree (udf-iso.md §4.7): the descriptor, then every directory
//! block by block, joining multi-extent files, with Rock Ridge names in the ISO 9660 tree when
//! the root carries SP.
//!
//! The input is untrusted: every extent is checked against the medium's size before it is read,
//! each directory extent is read at most once (a loop is an error, not a hang), sizes and counts
//! are bounded, and nothing is allocated in proportion to a number read from the disc.

use super::block::{BLOCK, BlockReader};
use super::identify::scan_volume_descriptors;
use super::imported::{Extent, ImportedItem, ImportedTree};
use super::rock_ridge;
use crate::fsi::iso9660::descriptor::VolumeDescriptor;
use crate::fsi::iso9660::encoding::{get_text, get_ucs2_text, read_dir_date};
use crate::fsi::iso9660::record::{DirectoryRecord, flags};
use crate::fsi::options::FileSystems;
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::collections::HashSet;

/// Most items one tree may list.
pub const MAX_ITEMS: usize = 2_000_000;
/// Deepest directory nesting followed.
pub const MAX_DEPTH: usize = 1024;
/// Largest directory read (7-Zip refuses 1 GiB, udf-iso.md §4.3).
pub const MAX_DIRECTORY_BYTES: u32 = 256 << 20;
/// Most sections of one multi-extent file (Linux follows 100; this allows 4 TiB files).
pub const MAX_SECTIONS: usize = 1024;

/// IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR for `fs`, with what was wrong.
fn inconsistent(fs: FileSystems, detail: impl Into<String>) -> ImapiError {
    ImapiError::with(
        HResult::IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR,
        [fs.name().to_string(), detail.into()],
    )
}

/// IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED for `fs`, with the feature.
fn unsupported(fs: FileSystems, detail: impl Into<String>) -> ImapiError {
    ImapiError::with(
        HResult::IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED,
        [fs.name().to_string(), detail.into()],
    )
}

/// A directory to read: its extent and size, and the path it is listed under.
struct PendingDir {
    lba: u32,
    bytes: u32,
    path: String,
    depth: usize,
}

/// A child as read from its record(s).
struct Child {
    name: String,
    is_dir: bool,
    extents: Vec<Extent>,
    modified: Option<std::time::SystemTime>,
    hidden: bool,
}

struct Walker<'r> {
    reader: &'r mut dyn BlockReader,
    fs: FileSystems,
    joliet: bool,
    /// `Some(LEN_SKP)` when Rock Ridge names are used.
    rock_ridge: Option<usize>,
    blocks: Option<u64>,
    visited: HashSet<u32>,
}

impl Walker<'_> {
    fn in_bounds(&self, lba: u32, bytes: u64) -> bool {
        match self.blocks {
            Some(total) => u64::from(lba) + bytes.div_ceil(BLOCK as u64) <= total,
            None => true,
        }
    }

    fn check_extent(&self, lba: u32, bytes: u64, path: &str) -> ImapiResult<()> {
        if bytes > 0 && !self.in_bounds(lba, bytes) {
            return Err(inconsistent(
                self.fs,
                format!("extent of {path} ({bytes} bytes at block {lba}) is past the end"),
            ));
        }
        Ok(())
    }

    /// The name a record gives its item in this tree.
    fn record_name(&mut self, record: &DirectoryRecord<&[u8]>) -> ImapiResult<(String, rock_ridge::RockRidge)> {
        let id = record.identifier();
        let mut rr = rock_ridge::RockRidge::default();
        if let Some(skip) = self.rock_ridge {
            let blocks = self.blocks;
            let in_bounds = move |lba: u32| blocks.is_none_or(|b| u64::from(lba) < b);
            rr = rock_ridge::parse(self.reader, record.system_use(), skip, &in_bounds)?;
        }
        let name = if let Some(nm) = &rr.name {
            String::from_utf8_lossy(nm).into_owned()
        } else if self.joliet {
            let units: Vec<u16> = id.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
            strip_version(&String::from_utf16_lossy(&units)).to_string()
        } else {
            let text = String::from_utf8_lossy(id).into_owned();
            let plain = strip_version(&text);
            let is_dir = record.flags() & flags::DIRECTORY != 0;
            // `NAME.;1`: the separator is recorded even without an extension (§1.6).
            (if is_dir {
                plain
            } else {
                plain.strip_suffix('.').unwrap_or(plain)
            })
            .to_string()
        };
        // A name is one path component whatever the disc says.
        let name: String = name
            .chars()
            .map(|c| if c == '/' || c == '\0' { '_' } else { c })
            .collect();
        Ok((name, rr))
    }

    /// Reads one directory's records into its children, joining multi-extent sections.
    fn read_directory(&mut self, dir: &PendingDir) -> ImapiResult<Vec<Child>> {
        let mut children: Vec<Child> = Vec::new();
        let mut open_sections: Option<Child> = None;
        let mut block = vec![0u8; BLOCK];
        let blocks = dir.bytes.div_ceil(BLOCK as u32);
        for i in 0..blocks {
            self.reader.read_blocks(dir.lba + i, &mut block)?;
            let mut at = 0usize;
            while at < BLOCK {
                if block[at] == 0 {
                    break; // the rest of this block is padding (LEN_DR 0)
                }
                let Some(record) = DirectoryRecord::new_checked(&block[at..]) else {
                    return Err(inconsistent(
                        self.fs,
                        format!("bad directory record in {} at block {}", dir.path, dir.lba + i),
                    ));
                };
                at += record.length();
                let id = record.identifier();
                if id == [0] || id == [1] || record.flags() & flags::ASSOCIATED != 0 {
                    continue;
                }
                if record.extended_attribute_length() != 0 || record.file_unit_size() != 0 {
                    return Err(unsupported(
                        self.fs,
                        format!("extended attributes or interleaving in {}", dir.path),
                    ));
                }
                let (name, rr) = self.record_name(&record)?;
                if rr.relocated {
                    continue; // listed where its CL placeholder is
                }
                let mut is_dir = record.flags() & flags::DIRECTORY != 0;
                let mut extent = Extent {
                    lba: record.extent(),
                    bytes: u64::from(record.data_length()),
                };
                if let Some(target) = rr.child_link {
                    is_dir = true;
                    extent = Extent {
                        lba: target,
                        bytes: u64::from(self.directory_size(target, &dir.path)?),
                    };
                }
                let more = record.flags() & flags::MULTI_EXTENT != 0;
                let modified = read_dir_date(record.date());
                let hidden = record.flags() & flags::HIDDEN != 0;
                match open_sections.as_mut() {
                    Some(open) if open.name == name && !is_dir => {
                        if open.extents.len() >= MAX_SECTIONS {
                            return Err(unsupported(
                                self.fs,
                                format!("more than {MAX_SECTIONS} sections in {name}"),
                            ));
                        }
                        open.extents.push(extent);
                    }
                    Some(open) => {
                        return Err(inconsistent(
                            self.fs,
                            format!("multi-extent file {} ends without its last section", open.name),
                        ));
                    }
                    None => {
                        open_sections = Some(Child {
                            name,
                            is_dir,
                            extents: vec![extent],
                            modified,
                            hidden,
                        })
                    }
                }
                if !more {
                    children.push(open_sections.take().expect("set above"));
                    if children.len() > MAX_ITEMS {
                        return Err(unsupported(self.fs, "too many items"));
                    }
                }
            }
        }
        if let Some(open) = open_sections {
            return Err(inconsistent(
                self.fs,
                format!("multi-extent file {} ends without its last section", open.name),
            ));
        }
        Ok(children)
    }

    /// Data length of the directory at `lba`, from its `.` record (for Rock Ridge CL targets).
    fn directory_size(&mut self, lba: u32, path: &str) -> ImapiResult<u32> {
        if !self.in_bounds(lba, 1) {
            return Err(inconsistent(
                self.fs,
                format!("relocated directory in {path} is past the end"),
            ));
        }
        let mut block = vec![0u8; BLOCK];
        self.reader.read_blocks(lba, &mut block)?;
        let record = DirectoryRecord::new_checked(&block[..])
            .ok_or_else(|| inconsistent(self.fs, format!("relocated directory in {path} has no '.' record")))?;
        Ok(record.data_length())
    }

    fn check_directory(&mut self, dir: &PendingDir) -> ImapiResult<()> {
        if dir.bytes == 0 || dir.bytes > MAX_DIRECTORY_BYTES {
            return Err(inconsistent(
                self.fs,
                format!("directory {} has size {}", dir.path, dir.bytes),
            ));
        }
        self.check_extent(dir.lba, u64::from(dir.bytes), &dir.path)?;
        if !self.visited.insert(dir.lba) {
            return Err(inconsistent(self.fs, format!("directory loop at {}", dir.path)));
        }
        if dir.depth > MAX_DEPTH {
            return Err(unsupported(
                self.fs,
                format!("directories nested deeper than {MAX_DEPTH}"),
            ));
        }
        Ok(())
    }
}

/// `NAME;1` → `NAME` (any version number).
fn strip_version(name: &str) -> &str {
    match name.rfind(';') {
        Some(at) if name[at + 1..].chars().all(|c| c.is_ascii_digit()) => &name[..at],
        _ => name,
    }
}

/// Reads the ISO 9660 (`FileSystems::ISO9660`, with Rock Ridge names when present) or Joliet
/// tree of the session at `session_start`. IMAPI_E_FILE_SYSTEM_NOT_FOUND if the session has no
/// such descriptor; IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR / ..._FEATURE_NOT_SUPPORTED for
/// damaged or unusual content.
pub fn read_iso_tree(reader: &mut dyn BlockReader, session_start: u32, fs: FileSystems) -> ImapiResult<ImportedTree> {
    read_iso_tree_with(reader, session_start, fs, true)
}

/// [`read_iso_tree`], choosing whether Rock Ridge names replace the ISO 9660 identifiers
/// (`false` lists the plain `NAME.EXT` identifiers even when Rock Ridge is recorded).
pub fn read_iso_tree_with(
    reader: &mut dyn BlockReader,
    session_start: u32,
    fs: FileSystems,
    use_rock_ridge: bool,
) -> ImapiResult<ImportedTree> {
    let descriptors = scan_volume_descriptors(reader, session_start)?;
    let joliet = fs == FileSystems::JOLIET;
    let lba = match fs {
        FileSystems::ISO9660 => descriptors.primary,
        FileSystems::JOLIET => descriptors.joliet,
        _ => None,
    }
    .ok_or_else(|| ImapiError::with(HResult::IMAPI_E_FILE_SYSTEM_NOT_FOUND, [fs.name()]))?;
    let mut block = vec![0u8; BLOCK];
    reader.read_blocks(lba, &mut block)?;
    let vd = VolumeDescriptor::new(&block[..]).expect("one block");
    if vd.logical_block_size() != Some(BLOCK as u32) {
        return Err(unsupported(
            fs,
            match vd.logical_block_size() {
                Some(size) => format!("logical block size {size} (only {BLOCK} is read)"),
                None => "a logical block size whose two byte orders disagree".to_string(),
            },
        ));
    }
    let volume_name = if joliet {
        get_ucs2_text(vd.volume_id())
    } else {
        get_text(vd.volume_id())
    };
    let root_bytes = vd.root_record().to_vec();
    let root =
        DirectoryRecord::new_checked(&root_bytes[..]).ok_or_else(|| inconsistent(fs, "bad root directory record"))?;
    let root_dir = PendingDir {
        lba: root.extent(),
        bytes: root.data_length(),
        path: "/".into(),
        depth: 0,
    };
    let mut walker = Walker {
        blocks: reader.block_count(),
        reader,
        fs,
        joliet,
        rock_ridge: None,
        visited: HashSet::new(),
    };
    walker.check_directory(&root_dir)?;
    if !joliet && use_rock_ridge {
        // Rock Ridge is announced by SP in the root's `.` record (udf-iso.md §1.9).
        walker.reader.read_blocks(root_dir.lba, &mut block)?;
        if let Some(dot) = DirectoryRecord::new_checked(&block[..]) {
            walker.rock_ridge = rock_ridge::detect(dot.system_use());
        }
    }
    let mut items = Vec::new();
    // Depth-first with an explicit stack: (children of a directory, next one to list).
    let mut stack: Vec<(Vec<Child>, usize, String, usize)> =
        vec![(walker.read_directory(&root_dir)?, 0, String::new(), 0)];
    while let Some((children, next, parent_path, depth)) = stack.last_mut() {
        let Some(child) = children.get_mut(*next) else {
            stack.pop();
            continue;
        };
        *next += 1;
        let path = format!("{parent_path}/{}", child.name);
        let depth = *depth + 1;
        let extents = std::mem::take(&mut child.extents);
        let (is_dir, name, modified, hidden) = (child.is_dir, child.name.clone(), child.modified, child.hidden);
        let size = if is_dir {
            0
        } else {
            extents.iter().map(|e| e.bytes).sum()
        };
        if !is_dir {
            for e in &extents {
                walker.check_extent(e.lba, e.bytes, &path)?;
            }
        }
        items.push(ImportedItem {
            path: path.clone(),
            name,
            is_dir,
            size,
            extents: extents.clone(),
            embedded: None,
            modified,
            hidden,
        });
        if items.len() > MAX_ITEMS {
            return Err(unsupported(fs, "too many items"));
        }
        if is_dir {
            let bytes = u32::try_from(extents[0].bytes).unwrap_or(u32::MAX);
            let dir = PendingDir {
                lba: extents[0].lba,
                bytes,
                path: path.clone(),
                depth,
            };
            walker.check_directory(&dir)?;
            let grandchildren = walker.read_directory(&dir)?;
            stack.push((grandchildren, 0, path, depth));
        }
    }
    Ok(ImportedTree {
        file_system: fs,
        volume_name,
        session_start,
        rock_ridge: walker.rock_ridge.is_some(),
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_stripped() {
        assert_eq!(strip_version("A.TXT;1"), "A.TXT");
        assert_eq!(strip_version("A;B"), "A;B");
        assert_eq!(strip_version("NOVERSION"), "NOVERSION");
    }
}
