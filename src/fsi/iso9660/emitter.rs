//! The ISO 9660 and Joliet file systems of an image: one emitter per tree (the PVD's tree with
//! ISO names, the Joliet SVD's tree with UCS-2 names). Both point at the same file data extents.

use super::descriptor::VolumeRepr;
use super::encoding::{dir_date, ucs2_bytes};
use super::path_table;
use super::record::{RecordRepr, flags, record_len};
use crate::fsi::layout::{
    BLOCK, BlockRange, DescriptorClass, DescriptorSet, DescriptorSlot, DirId, Entry, FileSystemEmitter, FrozenTree,
    Layout, MetadataWriter, SpacePlan,
};
use crate::fsi::names::iso9660::Iso9660Names;
use crate::fsi::names::joliet::JolietNames;
use crate::fsi::names::{NameRules, unique_names};
use crate::fsi::options::iso9660_volume_name;
use crate::fsi::tree::blocks_for;
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::cmp::Ordering;

/// Largest file section of a multi-extent file: 4 GiB − 2048, so that every section but the
/// last is block-aligned (libisofs' `ISO_EXTENT_SIZE`, udf-iso.md §1.6).
pub const MAX_SECTION_BYTES: u64 = 0xFFFF_F800;

/// Most directories a path table can number (its parent field is 16 bits, udf-iso.md §1.5).
pub const MAX_DIRECTORIES: usize = 65_535;

/// Deepest directory level of an ISO 9660 tree (root = 1, udf-iso.md §1.6).
pub const MAX_LEVELS: u32 = 8;

/// Which of the two trees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Iso9660,
    Joliet,
}

impl Flavor {
    pub fn file_system(self) -> &'static str {
        match self {
            Flavor::Iso9660 => "ISO9660",
            Flavor::Joliet => "Joliet",
        }
    }
}

/// One child record (or several, for a multi-extent file).
#[derive(Debug, Clone)]
struct Child {
    entry: Entry,
    identifier: Vec<u8>,
    sections: u32,
}

#[derive(Debug, Clone, Default)]
struct DirPlan {
    children: Vec<Child>,
    /// The directory's own identifier in its parent (root: `00`).
    identifier: Vec<u8>,
    bytes: u32,
    extent: BlockRange,
    /// 1-based number in the path table.
    number: u16,
    parent: DirId,
}

pub struct IsoEmitter {
    flavor: Flavor,
    dirs: Vec<DirPlan>,
    /// Directories in path-table order.
    path_order: Vec<DirId>,
    path_table_bytes: u32,
    slot: DescriptorSlot,
    l_table: BlockRange,
    m_table: BlockRange,
}

/// ECMA-119 9.3 order of ISO identifiers: name and extension compared separately, each padded
/// with spaces (the `;1` version is the same everywhere and left out).
fn iso_order(a: &[u8], b: &[u8]) -> Ordering {
    fn split(id: &[u8]) -> (&[u8], &[u8]) {
        let id = id.strip_suffix(b";1").unwrap_or(id);
        match id.iter().position(|&c| c == b'.') {
            Some(dot) => (&id[..dot], &id[dot + 1..]),
            None => (id, &[]),
        }
    }
    fn padded(a: &[u8], b: &[u8]) -> Ordering {
        let n = a.len().max(b.len());
        (0..n)
            .map(|i| (a.get(i).copied().unwrap_or(b' '), b.get(i).copied().unwrap_or(b' ')))
            .find_map(|(x, y)| {
                let o = x.cmp(&y);
                (o != Ordering::Equal).then_some(o)
            })
            .unwrap_or(Ordering::Equal)
    }
    let (an, ae) = split(a);
    let (bn, be) = split(b);
    padded(an, bn).then_with(|| padded(ae, be))
}

impl IsoEmitter {
    /// Names and sizes every directory of `tree` for this flavor. Fails with
    /// IMAPI_E_NO_UNIQUE_NAME, IMAPI_E_DATA_TOO_BIG (a file over 4 GiB below level 3),
    /// IMAPI_E_TOO_MANY_DIRS or, when `enforce_depth`, IMAPI_E_ISO9660_LEVELS.
    pub fn new(tree: &FrozenTree, flavor: Flavor, level: u32, enforce_depth: bool) -> ImapiResult<IsoEmitter> {
        if tree.dirs.len() > MAX_DIRECTORIES {
            return Err(ImapiError::with(HResult::IMAPI_E_TOO_MANY_DIRS, [flavor.file_system()]));
        }
        if enforce_depth && tree.dirs.iter().any(|d| d.level > MAX_LEVELS) {
            return Err(ImapiError::new(HResult::IMAPI_E_ISO9660_LEVELS));
        }
        let iso_rules = Iso9660Names { level };
        let rules: &dyn NameRules = match flavor {
            Flavor::Iso9660 => &iso_rules,
            Flavor::Joliet => &JolietNames,
        };
        let mut dirs = vec![DirPlan::default(); tree.dirs.len()];
        dirs[0].identifier = vec![0];
        for (id, dir) in tree.dirs.iter().enumerate() {
            dirs[id].parent = dir.parent;
            let names = unique_names(rules, &dir.path, &tree.child_names(id))?;
            let mut children = Vec::with_capacity(names.len());
            for (entry, name) in dir.children.iter().zip(names) {
                let (identifier, sections) = match *entry {
                    Entry::Dir(d) => {
                        let identifier = encode(flavor, &name);
                        dirs[d].identifier = identifier.clone();
                        (identifier, 1)
                    }
                    Entry::File(f) => {
                        let size = tree.files[f].data.size();
                        if size > u64::from(u32::MAX) && level < 3 {
                            return Err(ImapiError::with(HResult::IMAPI_E_DATA_TOO_BIG, [flavor.file_system()]));
                        }
                        let sections = if size > u64::from(u32::MAX) {
                            size.div_ceil(MAX_SECTION_BYTES)
                        } else {
                            1
                        };
                        (encode(flavor, &format!("{name};1")), sections as u32)
                    }
                };
                children.push(Child {
                    entry: *entry,
                    identifier,
                    sections,
                });
            }
            match flavor {
                Flavor::Iso9660 => children.sort_by(|a, b| iso_order(&a.identifier, &b.identifier)),
                Flavor::Joliet => children.sort_by(|a, b| a.identifier.cmp(&b.identifier)),
            }
            dirs[id].children = children;
        }
        for plan in &mut dirs {
            plan.bytes = directory_bytes(&plan.children);
        }
        // Path table order (9.4): by level, then parent number, then identifier. Walking each
        // level's directories in path order and their subdirectories in record order gives it.
        let mut path_order = vec![0usize];
        let mut at = 0;
        while at < path_order.len() {
            let dir = path_order[at];
            for child in &dirs[dir].children {
                if let Entry::Dir(d) = child.entry {
                    path_order.push(d);
                }
            }
            at += 1;
        }
        let mut path_table_bytes = 0usize;
        for (i, &d) in path_order.iter().enumerate() {
            dirs[d].number = (i + 1) as u16;
            path_table_bytes += path_table::entry_len(dirs[d].identifier.len());
        }
        Ok(IsoEmitter {
            flavor,
            dirs,
            path_order,
            path_table_bytes: path_table_bytes as u32,
            slot: 0,
            l_table: BlockRange::default(),
            m_table: BlockRange::default(),
        })
    }

    fn root_record(&self, layout: &Layout) -> [u8; 34] {
        let mut record = [0u8; 34];
        RecordRepr {
            extent: self.dirs[0].extent.lba,
            data_length: self.dirs[0].bytes,
            date: dir_date(layout.tree.dirs[0].times.modified),
            flags: flags::DIRECTORY,
            identifier: &[0],
        }
        .emit(&mut record);
        record
    }

    fn emit_path_table(&self, out: &mut MetadataWriter, at: BlockRange, big_endian: bool) {
        let mut bytes = vec![0u8; at.blocks as usize * BLOCK];
        let mut offset = 0;
        for &d in &self.path_order {
            let dir = &self.dirs[d];
            let parent = self.dirs[dir.parent].number;
            offset += path_table::emit_entry(
                &mut bytes[offset..],
                &dir.identifier,
                dir.extent.lba,
                parent,
                big_endian,
            );
        }
        out.write(at.lba, &bytes);
    }

    fn emit_directory(&self, layout: &Layout, out: &mut MetadataWriter, id: DirId) {
        let plan = &self.dirs[id];
        let tree = &layout.tree;
        let parent = tree.dirs[id].parent;
        let mut bytes = vec![0u8; plan.bytes as usize];
        let mut offset = 0usize;
        let mut put = |record: RecordRepr<'_>| {
            if offset % BLOCK + record.len() > BLOCK {
                offset = offset.next_multiple_of(BLOCK);
            }
            offset += record.emit(&mut bytes[offset..]);
        };
        let dir_flags = |hidden: bool| flags::DIRECTORY | if hidden { flags::HIDDEN } else { 0 };
        put(RecordRepr {
            extent: plan.extent.lba,
            data_length: plan.bytes,
            date: dir_date(tree.dirs[id].times.modified),
            flags: flags::DIRECTORY,
            identifier: &[0],
        });
        put(RecordRepr {
            extent: self.dirs[parent].extent.lba,
            data_length: self.dirs[parent].bytes,
            date: dir_date(tree.dirs[parent].times.modified),
            flags: flags::DIRECTORY,
            identifier: &[1],
        });
        for child in &plan.children {
            match child.entry {
                Entry::Dir(d) => put(RecordRepr {
                    extent: self.dirs[d].extent.lba,
                    data_length: self.dirs[d].bytes,
                    date: dir_date(tree.dirs[d].times.modified),
                    flags: dir_flags(tree.dirs[d].hidden),
                    identifier: &child.identifier,
                }),
                Entry::File(f) => {
                    let file = &tree.files[f];
                    let extent = layout.file_extent(f);
                    let hidden = if file.hidden { flags::HIDDEN } else { 0 };
                    let mut left = extent.bytes;
                    for section in 0..child.sections {
                        let last = section + 1 == child.sections;
                        let length = if last { left } else { MAX_SECTION_BYTES };
                        left -= length;
                        let skipped_blocks = (u64::from(section) * MAX_SECTION_BYTES / BLOCK as u64) as u32;
                        put(RecordRepr {
                            extent: if extent.bytes == 0 {
                                0
                            } else {
                                extent.range.lba + skipped_blocks
                            },
                            data_length: length as u32,
                            date: dir_date(file.times.modified),
                            flags: hidden | if last { 0 } else { flags::MULTI_EXTENT },
                            identifier: &child.identifier,
                        });
                    }
                }
            }
        }
        out.write(plan.extent.lba, &bytes);
    }
}

/// Recorded identifier bytes of a name.
fn encode(flavor: Flavor, name: &str) -> Vec<u8> {
    match flavor {
        Flavor::Iso9660 => name.as_bytes().to_vec(),
        Flavor::Joliet => ucs2_bytes(name),
    }
}

/// Allocated size of a directory: `.`, `..` and every child record, no record crossing a block
/// boundary (udf-iso.md §1.4), rounded up to whole blocks.
fn directory_bytes(children: &[Child]) -> u32 {
    let mut offset = 0usize;
    let mut place = |len: usize| {
        if offset % BLOCK + len > BLOCK {
            offset = offset.next_multiple_of(BLOCK);
        }
        offset += len;
    };
    place(34);
    place(34);
    for child in children {
        for _ in 0..child.sections {
            place(record_len(child.identifier.len(), 0));
        }
    }
    (blocks_for(offset as u64) * BLOCK as u64) as u32
}

impl FileSystemEmitter for IsoEmitter {
    fn name(&self) -> &'static str {
        self.flavor.file_system()
    }

    fn request_descriptors(&mut self, set: &mut DescriptorSet) {
        self.slot = set.request(match self.flavor {
            Flavor::Iso9660 => DescriptorClass::Primary,
            Flavor::Joliet => DescriptorClass::Supplementary,
        });
    }

    fn reserve(&mut self, space: &mut SpacePlan) -> ImapiResult<()> {
        let table_blocks = blocks_for(u64::from(self.path_table_bytes));
        self.l_table = space.allocate(table_blocks)?;
        self.m_table = space.allocate(table_blocks)?;
        for i in 0..self.path_order.len() {
            let d = self.path_order[i];
            self.dirs[d].extent = space.allocate(u64::from(self.dirs[d].bytes) / BLOCK as u64)?;
        }
        Ok(())
    }

    fn emit(&self, layout: &Layout, out: &mut MetadataWriter) -> ImapiResult<()> {
        let volume_id = match self.flavor {
            Flavor::Iso9660 => iso9660_volume_name(&layout.volume.name),
            Flavor::Joliet => layout.volume.name.clone(),
        };
        VolumeRepr {
            joliet: self.flavor == Flavor::Joliet,
            volume_id,
            application_id: "BURNBENCH".into(),
            // udf-iso.md §3.1: the volume space size of a session's descriptor is that session's size.
            space_size: layout.total_blocks,
            path_table_bytes: self.path_table_bytes,
            l_path_table: self.l_table.lba,
            m_path_table: self.m_table.lba,
            root_record: self.root_record(layout),
            created: layout.volume.created,
        }
        .emit(out.block_mut(layout.descriptor_lba(self.slot)));
        self.emit_path_table(out, self.l_table, false);
        self.emit_path_table(out, self.m_table, true);
        for id in 0..self.dirs.len() {
            self.emit_directory(layout, out, id);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecma_order_compares_name_then_extension() {
        let mut ids: Vec<&[u8]> = vec![b"B.TXT;1", b"A_B.C;1", b"A.TXT;1", b"AB;1", b"A.;1", b"A"];
        ids.sort_by(|a, b| iso_order(a, b));
        let expected: Vec<&[u8]> = vec![b"A.;1", b"A", b"A.TXT;1", b"AB;1", b"A_B.C;1", b"B.TXT;1"];
        assert_eq!(ids, expected);
    }

    #[test]
    fn records_do_not_cross_blocks() {
        let child = |n: usize| Child {
            entry: Entry::File(0),
            identifier: vec![b'A'; n],
            sections: 1,
        };
        // 2048 − 68 = 1980 bytes after the dot records; 9 records of 220 bytes fill it exactly.
        let children: Vec<Child> = (0..9).map(|_| child(186)).collect();
        assert_eq!(record_len(186, 0), 220);
        assert_eq!(directory_bytes(&children), 2048);
        let mut more = children.clone();
        more.push(child(1));
        assert_eq!(directory_bytes(&more), 4096);
    }
}
