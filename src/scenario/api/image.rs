//! `Image(..)` and `AssertTree(..)`: the image builder (`fsi::FileSystemImage`, IFileSystemImage)
//! driven through the scenario's data writer — its multisession objects go to the real seed
//! method `set_multisession_interfaces`, and `WriteSession` writes the result through the writer.

use super::Api;
use super::value::Value;
use crate::burn::{FsiMultisessionPolicy, WriteProgress};
use crate::fsi::{FileData, FileSystemImage, FileSystems, FsiItemType};
use crate::hresult::ImapiResult;
use crate::scenario::api_schema::{FsName, ImageOp, ImageStep, TreeAssert, TreeEntry};
use crate::scenario::expect::Mismatch;
use std::time::{Duration, UNIX_EPOCH};

/// The clock of every scenario image: dates (and a generated volume name) do not depend on when
/// the scenario runs.
const IMAGE_TIME_S: u64 = 1_767_225_600;

pub fn new_image() -> FileSystemImage {
    let mut image = FileSystemImage::new();
    image.set_fixed_time(Some(UNIX_EPOCH + Duration::from_secs(IMAGE_TIME_S)));
    image
}

fn file_systems(names: &[FsName]) -> FileSystems {
    names
        .iter()
        .fold(FileSystems::NONE, |all, name| all.union(fs_of(*name)))
}

fn fs_of(name: FsName) -> FileSystems {
    match name {
        FsName::ISO9660 => FileSystems::ISO9660,
        FsName::Joliet => FileSystems::JOLIET,
        FsName::UDF => FileSystems::UDF,
    }
}

fn fs_text(fs: FileSystems) -> Value {
    Value::Text(fs.to_string())
}

impl Api {
    pub fn image_step(&self, step: &ImageStep) -> Result<(), Mismatch> {
        if let ImageOp::WriteSession = step.op {
            return self.write_session(step);
        }
        if let ImageOp::New = step.op {
            *self.image.borrow_mut() = Some(new_image());
            return self.judge(step.expect, Ok(Value::Unit), None);
        }
        // The multisession list is made before the image is borrowed: reading the writer's
        // MultisessionInterfaces is part of the step, and its failure is what the step returns.
        let list = match &step.op {
            ImageOp::MultisessionInterfaces { list, in_use } => match self.list(list) {
                Ok(list) => {
                    if let (Some(list), Some(marked)) = (&list, in_use) {
                        for (i, element) in list.iter().enumerate() {
                            element.set_in_use(marked.contains(&i));
                        }
                    }
                    Some(list)
                }
                Err(error) => return self.judge(step.expect, Err(error), None),
            },
            _ => None,
        };
        let mut slot = self.image.borrow_mut();
        let image = slot.get_or_insert_with(new_image);
        let mut wanted = None;
        let result: ImapiResult<Value> = match &step.op {
            ImageOp::New | ImageOp::WriteSession => unreachable!("handled above"),
            ImageOp::FileSystems(names) => image
                .set_file_systems_to_create(file_systems(names))
                .map(|()| Value::Unit),
            ImageOp::VolumeName(name) => image.set_volume_name(name).map(|()| Value::Unit),
            ImageOp::Iso9660Level(level) => image.set_iso9660_interchange_level(*level).map(|()| Value::Unit),
            ImageOp::UdfRevision(revision) => image.set_udf_revision(*revision).map(|()| Value::Unit),
            ImageOp::FreeMediaBlocks(blocks) => image.set_free_media_blocks(*blocks).map(|()| Value::Unit),
            ImageOp::Windows(windows) => {
                image.set_multisession_policy(FsiMultisessionPolicy { windows: *windows });
                Ok(Value::Unit)
            }
            ImageOp::AddDirectory(path) => image.add_directory(path).map(|()| Value::Unit),
            ImageOp::AddFile { path, bytes } => {
                // The bytes are made as the image streams them: a scenario's size is never an
                // allocation.
                let data = FileData::from_reader(Filled::new(0x42, *bytes), *bytes);
                image.add_file(path, data).map(|()| Value::Unit)
            }
            ImageOp::Remove(path) => image.remove(path).map(|()| Value::Unit),
            ImageOp::RemoveTree(path) => image.remove_tree(path).map(|()| Value::Unit),
            ImageOp::Item(path) => image.item(path).map(|info| Value::Text(info.full_path)),
            ImageOp::MultisessionInterfaces { .. } => image
                .set_multisession_interfaces(list.expect("made above"))
                .map(|()| Value::Unit),
            ImageOp::IdentifyFileSystems { is } => {
                wanted = is.as_deref().map(|names| fs_text(file_systems(names)));
                image.identify_file_systems_on_disc().map(fs_text)
            }
            ImageOp::ImportFileSystem { is } => {
                wanted = is.map(|name| fs_text(fs_of(name)));
                image.import_file_system().map(fs_text)
            }
            ImageOp::ImportSpecificFileSystem(name) => image.import_specific_file_system(fs_of(*name)).map(fs_text),
            ImageOp::ProbeSpecificFileSystem { fs, is } => {
                wanted = is.map(Value::Bool);
                image.probe_specific_file_system(fs_of(*fs)).map(Value::Bool)
            }
            ImageOp::CalculateDiscIdentifier => image.calculate_disc_identifier().map(|_| Value::Unit),
            ImageOp::CreateResultImage => image.create_result_image().map(|_| Value::Unit),
        };
        drop(slot);
        self.judge(step.expect, result, wanted.as_ref())
    }

    /// WriteSession: the result written by the scenario's writer, with its progress checked.
    fn write_session(&self, step: &ImageStep) -> Result<(), Mismatch> {
        let writer = self.writer();
        let slot = self.image.borrow();
        let fresh;
        let image = match slot.as_ref() {
            Some(image) => image,
            None => {
                fresh = new_image();
                &fresh
            }
        };
        let mut phases: Vec<String> = Vec::new();
        let mut last_start = None;
        let result = image.write_session(&writer, &mut |p: &WriteProgress| {
            last_start = Some(p.start_lba);
            let phase = format!("{:?}", p.action);
            if phases.last() != Some(&phase) {
                phases.push(phase);
            }
        });
        drop(slot);
        self.judge(step.expect, result.map(|()| Value::Unit), None)
            .map_err(|mut m| {
                m.actual += &format!(" (phases [{}])", phases.join(", "));
                m
            })?;
        if let Some(wanted) = &step.phases {
            let wanted: Vec<String> = wanted.iter().map(|a| format!("{a:?}")).collect();
            if wanted != phases {
                return Err(Mismatch {
                    expected: format!("phases [{}]", wanted.join(", ")),
                    actual: format!("phases [{}]", phases.join(", ")),
                });
            }
        }
        if let Some(wanted) = step.start_lba
            && last_start != Some(wanted)
        {
            return Err(Mismatch {
                expected: format!("start LBA {wanted}"),
                actual: last_start.map_or("no progress event".into(), |s| format!("start LBA {s}")),
            });
        }
        Ok(())
    }

    /// AssertTree: every item below the root, exactly, and the imported volume name.
    pub fn assert_tree(&self, assert: &TreeAssert) -> Result<(), Mismatch> {
        let slot = self.image.borrow();
        let Some(image) = slot.as_ref() else {
            return Err(Mismatch {
                expected: "an image (an `Image` step before `AssertTree`)".into(),
                actual: "no image".into(),
            });
        };
        let mut actual = Vec::new();
        walk(image, "/", &mut actual).map_err(|error| Mismatch {
            expected: "the image's tree".into(),
            actual: format!("Err({}): {}", error.code, error.message()),
        })?;
        let mut wanted = assert.items.clone();
        let key = |e: &TreeEntry| match e {
            TreeEntry::Dir(path) | TreeEntry::File { path, .. } => path.clone(),
        };
        wanted.sort_by_key(key);
        actual.sort_by_key(key);
        let show = |items: &[TreeEntry]| {
            items
                .iter()
                .map(|e| match e {
                    TreeEntry::Dir(path) => format!("{path}/"),
                    TreeEntry::File { path, size } => format!("{path} ({size} bytes)"),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        if wanted != actual {
            return Err(Mismatch {
                expected: format!("[{}]", show(&wanted)),
                actual: format!("[{}]", show(&actual)),
            });
        }
        if let Some(name) = &assert.imported_volume_name
            && image.imported_volume_name() != Some(name.as_str())
        {
            return Err(Mismatch {
                expected: format!("imported volume name {name:?}"),
                actual: format!("{:?}", image.imported_volume_name()),
            });
        }
        Ok(())
    }
}

fn walk(image: &FileSystemImage, dir: &str, out: &mut Vec<TreeEntry>) -> ImapiResult<()> {
    for child in image.children(dir)? {
        match child.kind {
            FsiItemType::Directory => {
                out.push(TreeEntry::Dir(child.full_path.clone()));
                walk(image, &child.full_path, out)?;
            }
            _ => out.push(TreeEntry::File {
                path: child.full_path,
                size: child.data_size,
            }),
        }
    }
    Ok(())
}

/// `len` bytes of `byte`, read and sought without holding them.
struct Filled {
    byte: u8,
    len: u64,
    position: u64,
}

impl Filled {
    fn new(byte: u8, len: u64) -> Filled {
        Filled { byte, len, position: 0 }
    }
}

impl std::io::Read for Filled {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (self.len.saturating_sub(self.position)).min(buf.len() as u64) as usize;
        buf[..n].fill(self.byte);
        self.position += n as u64;
        Ok(n)
    }
}

impl std::io::Seek for Filled {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            std::io::SeekFrom::Start(n) => Some(n),
            std::io::SeekFrom::End(d) => self.len.checked_add_signed(d),
            std::io::SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        self.position = target.ok_or_else(|| std::io::Error::other("seek before the start"))?;
        Ok(self.position)
    }
}

#[cfg(test)]
mod filled_tests {
    use super::Filled;
    use std::io::{Read, Seek, SeekFrom};

    #[test]
    fn a_huge_declared_size_costs_nothing_until_read() {
        let mut data = Filled::new(0x42, u64::MAX);
        let mut buf = [0u8; 4];
        data.seek(SeekFrom::Start(u64::MAX - 2)).unwrap();
        assert_eq!(data.read(&mut buf).unwrap(), 2);
        assert_eq!(&buf[..2], &[0x42, 0x42]);
        assert!(data.seek(SeekFrom::Current(-(i64::MAX))).is_ok());
    }
}
