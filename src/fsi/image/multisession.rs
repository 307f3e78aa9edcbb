//! put/get_MultisessionInterfaces and the import family (imapi2.md §2.1, §3.3–§3.6): the seed
//! method. Which list is accepted, and with which HRESULT one is refused, is decided by
//! `burn::choose_multisession` (its decision table is docs/multisession.md); here the choice
//! places the next session and the previous one is read back through the chosen object's
//! ImportRecorder.

use super::FileSystemImage;
use crate::burn::probe::MediaProbe;
use crate::burn::{
    DataWriter, FsiMultisessionPolicy, MultisessionKind, MultisessionParameters, MultisessionRef, WriteProgress,
    choose_multisession,
};
use crate::fsi::options::{FileSystems, default_file_system_for_import};
use crate::fsi::random_write::{FIRST_ANCHOR, anchor_at, next_logical_session};
use crate::fsi::read::block::BLOCK;
use crate::fsi::read::{
    AccessType, BlockReader, Extent, ImportedItem, ImportedTree, RecorderBlockReader, UdfVolume, identify_file_systems,
    read_tree, read_udf_volume,
};
use crate::fsi::{FileData, FsiItemType};
use crate::hresult::{HResult, ImapiError, ImapiResult};

/// An imported file's data: the bytes a UDF file entry holds itself (no extent to refer to), else
/// where the earlier session recorded it, as one run of blocks. Extents that follow one another on
/// the disc — the allocation descriptors UDF splits a file over 1 GiB into, the sections of an
/// ISO 9660 multi-extent file — are that one run; a file scattered over the disc cannot be
/// referenced as one and is IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED.
fn imported_data(item: &ImportedItem, fs: FileSystems) -> ImapiResult<FileData> {
    if let Some(bytes) = &item.embedded {
        return Ok(FileData::from_bytes(bytes.clone()));
    }
    let follows = |(a, b): (&Extent, &Extent)| {
        a.bytes % BLOCK as u64 == 0 && u64::from(b.lba) == u64::from(a.lba) + a.bytes / BLOCK as u64
    };
    match item.extents.as_slice() {
        [] => Ok(FileData::from_bytes(Vec::new())),
        [first, ..] if item.extents.iter().zip(&item.extents[1..]).all(follows) => {
            Ok(FileData::recorded(first.lba, item.size))
        }
        _ => Err(ImapiError::with(
            HResult::IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED,
            [fs.to_string()],
        )),
    }
}

/// What an import took from the previous session.
#[derive(Debug, Clone)]
pub(super) struct Imported {
    pub file_system: FileSystems,
    pub volume_name: String,
    /// CalculateDiscIdentifier at import: a different disc at write time is IMAPI_E_DISC_MISMATCH.
    pub disc: String,
    pub continuation: Continuation,
}

/// How the next session continues the previous one (imapi2.md §3.8, docs/multisession.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Continuation {
    /// Sequential media: every session holds a whole file system at its own start.
    Sequential,
    /// Random-writable media: logical sessions in one physical session. A UDF volume is
    /// continued by pointing the anchor of the first logical session, at LBA 256, at the new
    /// session's descriptors — the disc holds that anchor or not.
    Logical { anchor_at_256: bool },
}

impl Continuation {
    /// IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION when a new session with `systems` cannot follow the
    /// previous one on random-writable media: UDF where LBA 256 holds no anchor to chain it to,
    /// or no UDF where it does — the anchor would go on naming the previous volume, which readers
    /// of UDF (7-Zip, Windows) would keep showing instead of the new session.
    pub(super) fn check(self, systems: FileSystems) -> ImapiResult<()> {
        match self {
            Continuation::Logical { anchor_at_256 } if anchor_at_256 != systems.contains(FileSystems::UDF) => {
                Err(ImapiError::new(HResult::IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION))
            }
            _ => Ok(()),
        }
    }
}

/// MultisessionInterfaces as set: the whole list (the getter returns it) and the chosen one.
#[derive(Debug, Clone)]
pub struct MultisessionState {
    pub list: Vec<MultisessionRef>,
    pub chosen: usize,
}

/// Where the next session goes, from the chosen object's parameters: the NextWritableAddress on
/// sequential media; on random-writable media (one physical session holding logical ones,
/// imapi2.md §3.8) after the volume the descriptors at LBA 16 describe, at a write-unit boundary
/// (growisofs, udf-iso.md §3.2) — 0 on a blank disc.
fn next_session(chosen: &MultisessionRef, parameters: &MultisessionParameters) -> ImapiResult<(u32, u32)> {
    Ok(match *parameters {
        MultisessionParameters::Sequential {
            next_writable_address,
            free_sectors_on_media,
            ..
        } => (next_writable_address.max(0) as u32, free_sectors_on_media.max(0) as u32),
        MultisessionParameters::RandomWrite {
            write_unit_size,
            last_written_address,
            total_sectors_on_media,
        } => {
            let next = if last_written_address < 0 {
                0
            } else {
                let mut reader = RecorderBlockReader::new(chosen.import_recorder()?, None);
                next_logical_session(&mut reader, write_unit_size.max(1) as u32)
            };
            (next, (total_sectors_on_media.max(0) as u32).saturating_sub(next))
        }
    })
}

impl FileSystemImage {
    /// put_MultisessionInterfaces: accept the list (or refuse it with the exact HRESULT of
    /// docs/multisession.md, leaving the image unchanged), mark the chosen object InUse, and lay
    /// the image out for the next session: SessionStartBlock and FreeMediaBlocks follow it.
    pub fn set_multisession_interfaces(&mut self, list: Option<Vec<MultisessionRef>>) -> ImapiResult<()> {
        self.ensure_writable()?;
        let chosen = choose_multisession(list.as_deref(), &self.multisession_policy)?;
        let list = list.ok_or_else(|| ImapiError::new(HResult::E_POINTER))?;
        let parameters = list[chosen]
            .parameters()
            .map_err(|_| ImapiError::new(HResult::IMAPI_E_BAD_MULTISESSION_PARAMETER))?;
        let (start, free) = next_session(&list[chosen], &parameters)?;
        list[chosen].set_in_use(true);
        self.session_start_block = start;
        self.free_media_blocks = free;
        self.multisession = Some(MultisessionState { list, chosen });
        Ok(())
    }

    /// get_MultisessionInterfaces: what was set (`None` before).
    pub fn multisession_interfaces(&self) -> Option<&[MultisessionRef]> {
        self.multisession.as_ref().map(|m| &m.list[..])
    }

    /// The multisession object in use, if MultisessionInterfaces was set.
    pub fn multisession_in_use(&self) -> Option<&MultisessionRef> {
        self.multisession.as_ref().map(|m| &m.list[m.chosen])
    }

    /// Which Windows behaviour put_MultisessionInterfaces emulates (default Windows 7).
    pub fn set_multisession_policy(&mut self, policy: FsiMultisessionPolicy) {
        self.multisession_policy = policy;
    }

    pub fn multisession_policy(&self) -> &FsiMultisessionPolicy {
        &self.multisession_policy
    }

    /// get_ImportedVolumeName: `None` until a file system was imported.
    pub fn imported_volume_name(&self) -> Option<&str> {
        self.imported.as_ref().map(|i| i.volume_name.as_str())
    }

    /// A reader of the previous session through the chosen object's ImportRecorder, and where
    /// that session starts. IMAPI_E_MULTISESSION_NOT_SET before MultisessionInterfaces;
    /// IMAPI_E_EMPTY_DISC when nothing was recorded yet; IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE
    /// when the drive holds no medium.
    fn previous_session(&self) -> ImapiResult<(RecorderBlockReader, u32)> {
        let chosen = self
            .multisession_in_use()
            .ok_or_else(|| ImapiError::new(HResult::IMAPI_E_MULTISESSION_NOT_SET))?;
        let recorder = chosen.import_recorder()?;
        // The import family reports an empty drive as IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE,
        // not as the recorder's E_IMAPI_RECORDER_MEDIA_NO_MEDIA (imapi2.md §3.5, §4 trap 2).
        let parameters = chosen.parameters().map_err(|e| {
            if e.code == HResult::E_IMAPI_RECORDER_MEDIA_NO_MEDIA {
                ImapiError::new(HResult::IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE)
            } else {
                e
            }
        })?;
        let start = match parameters {
            MultisessionParameters::Sequential {
                start_address_of_previous_session,
                ..
            } => start_address_of_previous_session,
            // Random-writable media hold their logical sessions in one physical one from LBA 0;
            // the descriptors at 16 describe the newest (imapi2.md §3.8).
            MultisessionParameters::RandomWrite {
                last_written_address, ..
            } => {
                if last_written_address < 0 {
                    -1
                } else {
                    0
                }
            }
        };
        let start = u32::try_from(start).map_err(|_| ImapiError::new(HResult::IMAPI_E_EMPTY_DISC))?;
        Ok((RecorderBlockReader::new(recorder, None), start))
    }

    /// IdentifyFileSystemsOnDisc through the multisession object's recorder: the file systems of
    /// the previous session.
    pub fn identify_file_systems_on_disc(&self) -> ImapiResult<FileSystems> {
        let (mut reader, start) = self.previous_session()?;
        // The drive must read the session's first descriptor block: a failure there is
        // IMAPI_E_IMPORT_READ_FAILURE naming the block, not a disc without file system.
        let mut block = vec![0u8; crate::fsi::read::block::BLOCK];
        reader.read_blocks(start + 16, &mut block)?;
        identify_file_systems(&mut reader, start)
    }

    /// ImportFileSystem: import the default file system of the previous session (UDF > Joliet >
    /// ISO 9660); IMAPI_E_NO_SUPPORTED_FILE_SYSTEM when it holds none.
    pub fn import_file_system(&mut self) -> ImapiResult<FileSystems> {
        let found = self.identify_file_systems_on_disc()?;
        let fs = default_file_system_for_import(found)
            .map_err(|_| ImapiError::new(HResult::IMAPI_E_NO_SUPPORTED_FILE_SYSTEM))?;
        self.import_specific_file_system(fs)
    }

    /// ImportSpecificFileSystem: read the tree of `fs` in the previous session and add it to the
    /// image — metadata only: imported files keep their data where it was recorded, and items
    /// already in the image win over imported ones of the same path (imapi2.md §3.5). The imported
    /// file system joins FileSystemsToCreate. A refused import leaves the image as it was: no item,
    /// imported volume name, file system or disc identifier of it.
    pub fn import_specific_file_system(&mut self, fs: FileSystems) -> ImapiResult<FileSystems> {
        self.ensure_writable()?;
        if !self.boot.is_empty() {
            return Err(ImapiError::new(HResult::IMAPI_E_BOOT_OBJECT_CONFLICT));
        }
        let found = self.identify_file_systems_on_disc()?;
        let (mut reader, start) = self.previous_session()?;
        if !found.contains(fs) {
            return Err(ImapiError::with(
                HResult::IMAPI_E_FILE_SYSTEM_NOT_FOUND,
                [fs.to_string()],
            ));
        }
        // The new session carries the imported file system (imapi2.md §3.6: they "must match").
        let systems = self.file_systems.union(fs);
        let udf = found
            .contains(FileSystems::UDF)
            .then(|| read_udf_volume(&mut reader, start));
        let continuation = self.continuation(&mut reader, found, udf.as_ref())?;
        continuation.check(systems)?;
        let udf_revision = match udf {
            Some(Ok(volume)) if systems.contains(FileSystems::UDF) => self.continued_udf_revision(volume.revision)?,
            Some(Err(e)) if fs == FileSystems::UDF => return Err(e),
            // No UDF to follow: none on the disc, none in the new set, or Joliet / ISO 9660
            // imported past an unreadable UDF volume.
            _ => self.udf_revision,
        };
        let tree = read_tree(&mut reader, start, fs)?;
        let disc = self.calculate_disc_identifier()?;
        self.merge_imported(&tree, fs)?;
        self.file_systems = systems;
        self.udf_revision = udf_revision;
        self.imported = Some(Imported {
            file_system: fs,
            volume_name: tree.volume_name,
            disc,
            continuation,
        });
        Ok(fs)
    }

    /// The UDF revision of a session that continues a UDF volume recorded at `recorded`: the
    /// disc's, which put_UDFRevision then may not change (IMAPI_E_UDF_REVISION_CHANGE_NOT_ALLOWED
    /// "because of the previously imported session", imapi2.md §3.6) — a revision put before the
    /// import gives way to it. A revision the image builder does not write is
    /// IMAPI_E_UDF_NOT_WRITE_COMPATIBLE (§3.5); a volume that records none (no domain suffix)
    /// keeps the image's.
    fn continued_udf_revision(&self, recorded: u16) -> ImapiResult<u32> {
        let recorded = u32::from(recorded);
        if recorded == 0 {
            Ok(self.udf_revision)
        } else if self.udf_revisions_supported().contains(&recorded) {
            Ok(recorded)
        } else {
            Err(ImapiError::new(HResult::IMAPI_E_UDF_NOT_WRITE_COMPATIBLE))
        }
    }

    /// How the session after the previous one (holding `found`) is written. On random-writable
    /// media IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION for a previous session with ISO 9660 alone —
    /// the ImportSpecificFileSystem remarks refuse to continue it (imapi2.md §4 trap 8) — and for a
    /// UDF volume whose partition access type is not Read-Only, which IMAPI cannot master (§3.8).
    /// `udf` is the previous session's UDF volume as read, when `found` holds UDF.
    fn continuation(
        &self,
        disc: &mut dyn BlockReader,
        found: FileSystems,
        udf: Option<&ImapiResult<UdfVolume>>,
    ) -> ImapiResult<Continuation> {
        if self.multisession_in_use().map(MultisessionRef::kind) != Some(MultisessionKind::RandomWrite) {
            return Ok(Continuation::Sequential);
        }
        let iso9660_alone =
            found.contains(FileSystems::ISO9660) && !found.intersects(FileSystems::JOLIET.union(FileSystems::UDF));
        let foreign_udf = udf.is_some_and(|volume| {
            volume
                .as_ref()
                .is_ok_and(|volume| volume.physical_partition.access_type != AccessType::ReadOnly)
        });
        if iso9660_alone || foreign_udf {
            return Err(ImapiError::new(HResult::IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION));
        }
        Ok(Continuation::Logical {
            anchor_at_256: anchor_at(disc, FIRST_ANCHOR),
        })
    }

    /// Adds the imported items to the image, all or nothing. Items already in the image win over
    /// imported ones of the same path and kind (files), directories merge; a file on the disc
    /// where the image has a directory is IMAPI_E_IMPORT_TYPE_COLLISION_FILE_EXISTS_AS_DIRECTORY,
    /// a directory where it has a file IMAPI_E_IMPORT_TYPE_COLLISION_DIRECTORY_EXISTS_AS_FILE
    /// (imapi2.md §1.1, §3.5). Any refusal leaves the tree and its change point as they were.
    fn merge_imported(&mut self, tree: &ImportedTree, fs: FileSystems) -> ImapiResult<()> {
        for item in &tree.items {
            let collision = match (item.is_dir, self.exists(&item.path)?) {
                (false, FsiItemType::Directory) => HResult::IMAPI_E_IMPORT_TYPE_COLLISION_FILE_EXISTS_AS_DIRECTORY,
                (true, FsiItemType::File) => HResult::IMAPI_E_IMPORT_TYPE_COLLISION_DIRECTORY_EXISTS_AS_FILE,
                _ => continue,
            };
            return Err(ImapiError::with(collision, [item.path.clone(), fs.to_string()]));
        }
        let before = self.change_point();
        let added = tree.items.iter().try_for_each(|item| self.add_imported(item, fs));
        if let Err(e) = added {
            self.rollback_to_change_point(before)?;
            // The imported data does not fit FreeMediaBlocks: ImportFileSystem documents
            // IMAPI_E_IMAGE_TOO_BIG, not AddFile's IMAPI_E_IMAGE_SIZE_LIMIT (imapi2.md §2.1).
            if e.code == HResult::IMAPI_E_IMAGE_SIZE_LIMIT {
                return Err(ImapiError::new(HResult::IMAPI_E_IMAGE_TOO_BIG));
            }
            return Err(e);
        }
        Ok(())
    }

    /// One imported item, unless the image has one of the same kind at its path already.
    fn add_imported(&mut self, item: &ImportedItem, fs: FileSystems) -> ImapiResult<()> {
        if self.exists(&item.path)? != FsiItemType::NotFound {
            return Ok(());
        }
        if item.is_dir {
            self.add_directory(&item.path)?;
        } else {
            self.add_file(&item.path, imported_data(item, fs)?)?;
        }
        // Files and directories alike keep the hidden flag the disc records.
        if item.hidden {
            self.set_hidden(&item.path, true)?;
        }
        Ok(())
    }

    /// CreateResultImage + IDiscFormat2Data::Write as one step: the result written as the next
    /// session by `writer` — on random-writable media the disc from LBA 0, of which only the
    /// result's ModifiedBlocks are written.
    pub fn write_session(&self, writer: &DataWriter, progress: &mut dyn FnMut(&WriteProgress)) -> ImapiResult<()> {
        self.check_same_disc()?;
        let result = self.create_result_image()?;
        let ranges = result.modified_blocks().ok();
        writer.write_with_progress(&mut result.image_stream(), ranges.as_deref(), progress)
    }

    /// The disc a result continues as a later logical session: on random-writable media (the
    /// RandomWrite object in use) when the session does not start at 0 (imapi2.md §3.6, §3.8).
    pub(super) fn logical_session_disc(&self) -> ImapiResult<Option<RecorderBlockReader>> {
        match self.multisession_in_use() {
            Some(chosen) if chosen.kind() == MultisessionKind::RandomWrite && self.session_start_block > 0 => {
                Ok(Some(RecorderBlockReader::new(chosen.import_recorder()?, None)))
            }
            _ => Ok(None),
        }
    }

    /// CalculateDiscIdentifier: a signature of the disc and its sessions as the drive reports
    /// them (profile, sessions, previous session, next writable address, readable blocks) — not
    /// guaranteed unique; IMAPI_E_MULTISESSION_NOT_SET before MultisessionInterfaces.
    pub fn calculate_disc_identifier(&self) -> ImapiResult<String> {
        let chosen = self
            .multisession_in_use()
            .ok_or_else(|| ImapiError::new(HResult::IMAPI_E_MULTISESSION_NOT_SET))?;
        let probe = chosen.import_recorder()?.query(MediaProbe::query)?;
        let last = probe.tracks.last();
        Ok(format!(
            "{:04X}-{}-{}-{}-{}",
            probe.current_profile,
            probe.disc.sessions,
            last.map_or(0, |t| t.track_start),
            last.and_then(|t| t.next_writable_address).unwrap_or(-1),
            probe.readable_blocks()
        ))
    }

    /// ProbeSpecificFileSystem (IFileSystemImage3): whether `fs` in the previous session can be
    /// imported and continued with FileSystemsToCreate and `fs` (false where the import would be
    /// IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION).
    pub fn probe_specific_file_system(&self, fs: FileSystems) -> ImapiResult<bool> {
        let (mut reader, start) = self.previous_session()?;
        let found = identify_file_systems(&mut reader, start)?;
        if !found.contains(fs) {
            return Ok(false);
        }
        let udf = found
            .contains(FileSystems::UDF)
            .then(|| read_udf_volume(&mut reader, start));
        let continued = self
            .continuation(&mut reader, found, udf.as_ref())
            .and_then(|c| c.check(self.file_systems.union(fs)));
        Ok(continued.is_ok() && read_tree(&mut reader, start, fs).is_ok())
    }

    /// IMAPI_E_DISC_MISMATCH when the disc is not the one the import read (imapi2.md §3.5).
    fn check_same_disc(&self) -> ImapiResult<()> {
        if let Some(imported) = &self.imported
            && self.calculate_disc_identifier()? != imported.disc
        {
            return Err(ImapiError::new(HResult::IMAPI_E_DISC_MISMATCH));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(extents: &[(u32, u64)]) -> ImportedItem {
        ImportedItem {
            path: "/f".into(),
            name: "f".into(),
            is_dir: false,
            size: extents.iter().map(|e| e.1).sum(),
            extents: extents.iter().map(|&(lba, bytes)| Extent { lba, bytes }).collect(),
            modified: None,
            hidden: false,
            embedded: None,
        }
    }

    fn recorded(extents: &[(u32, u64)]) -> ImapiResult<(Option<u32>, u64)> {
        imported_data(&file(extents), FileSystems::UDF).map(|d| (d.recorded_lba(), d.size()))
    }

    #[test]
    fn extents_that_follow_one_another_are_one_recorded_run() {
        const GIB: u64 = 1 << 30;
        assert_eq!(recorded(&[(100, 5000)]).unwrap(), (Some(100), 5000));
        let split = [
            (100, GIB),
            (100 + (GIB / 2048) as u32, GIB),
            (100 + (GIB / 1024) as u32, 7),
        ];
        assert_eq!(recorded(&split).unwrap(), (Some(100), 2 * GIB + 7));
    }

    #[test]
    fn scattered_extents_are_not_carried() {
        let gap = [(100, 4096), (103, 10)];
        let unaligned = [(100, 4000), (102, 10)];
        for extents in [&gap[..], &unaligned[..]] {
            let error = recorded(extents).unwrap_err();
            assert_eq!(error.code, HResult::IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED);
            assert_eq!(error.params, ["UDF"]);
        }
    }
}
