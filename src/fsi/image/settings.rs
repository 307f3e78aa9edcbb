//! The option members of IFileSystemImage (imapi2.md §2.1): file systems, names, levels and
//! revisions, limits, session start, media-type defaults, boot entries, staging.

use super::FileSystemImage;
use crate::fsi::boot::{BootOptions, MAX_BOOT_ENTRIES};
use crate::fsi::options::{
    FileSystems, ISO9660_INTERCHANGE_LEVELS, MediaPhysicalType, UDF_REVISIONS, check_volume_name, iso9660_volume_name,
};
use crate::hresult::{HResult, ImapiError, ImapiResult};
use std::path::Path;

impl FileSystemImage {
    // ---- options -----------------------------------------------------------------------------

    pub fn file_systems_to_create(&self) -> FileSystems {
        self.file_systems
    }

    /// `FileSystemsSupported`.
    pub fn file_systems_supported(&self) -> FileSystems {
        FileSystems::ISO9660.union(FileSystems::JOLIET).union(FileSystems::UDF)
    }

    /// put_FileSystemsToCreate: IMAPI_E_INVALID_PARAM for the Unknown flag, IMAPI_E_READONLY while
    /// a result lives; after an import IMAPI_E_FILE_SYSTEM_CHANGE_NOT_ALLOWED for a set without the
    /// imported file system and IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION for one the previous session
    /// cannot be continued with; IMAPI_E_ISO9660_LEVELS / IMAPI_E_TOO_MANY_DIRS if the tree already
    /// breaks the new set's limits. No file system at all is taken here and refused by CreateResultImage
    /// (IMAPI_E_NO_OUTPUT).
    pub fn set_file_systems_to_create(&mut self, systems: FileSystems) -> ImapiResult<()> {
        if systems.contains(FileSystems::UNKNOWN) {
            return Err(ImapiError::invalid_param("newVal"));
        }
        self.ensure_writable()?;
        // After an import the new session must carry the imported file system, in a layout the
        // previous session can be continued with (imapi2.md §3.6; docs/multisession.md).
        if let Some(imported) = &self.imported {
            if !systems.contains(imported.file_system) {
                return Err(ImapiError::new(HResult::IMAPI_E_FILE_SYSTEM_CHANGE_NOT_ALLOWED));
            }
            imported.continuation.check(systems)?;
        }
        let previous = std::mem::replace(&mut self.file_systems, systems);
        if let Err(e) = self.check_limits(&self.root.totals()) {
            self.file_systems = previous;
            return Err(e);
        }
        Ok(())
    }

    /// put_FileSystemsToCreate with a raw FsiFileSystems value (IMAPI_E_INVALID_PARAM for bits
    /// that are not file systems).
    pub fn set_file_systems_to_create_bits(&mut self, bits: u32) -> ImapiResult<()> {
        let systems = FileSystems::from_bits(bits).ok_or_else(|| ImapiError::invalid_param("newVal"))?;
        self.set_file_systems_to_create(systems)
    }

    /// `VolumeName` as set (empty until set: a name is generated from the date when the result is made).
    pub fn volume_name(&self) -> &str {
        &self.volume_name
    }

    /// put_VolumeName: IMAPI_E_INVALID_VOLUME_NAME for more than 15 characters or characters the
    /// file systems to create do not allow (imapi2.md §2.1; the header's value, §1.1).
    pub fn set_volume_name(&mut self, name: &str) -> ImapiResult<()> {
        self.ensure_writable()?;
        check_volume_name(name, self.file_systems)?;
        self.volume_name = name.to_string();
        Ok(())
    }

    /// The name the result will carry: the one set, else `YYYYMMDD_HHMMSS` of the clock.
    pub(super) fn effective_volume_name(&self) -> String {
        if !self.volume_name.is_empty() {
            return self.volume_name.clone();
        }
        let c = crate::fsi::iso9660::encoding::Civil::of(self.now());
        format!(
            "{:04}{:02}{:02}_{:02}{:02}{:02}",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )
    }

    /// `VolumeNameISO9660`: as recorded in the PVD.
    pub fn volume_name_iso9660(&self) -> String {
        iso9660_volume_name(&self.effective_volume_name())
    }

    /// `VolumeNameJoliet`.
    pub fn volume_name_joliet(&self) -> String {
        self.effective_volume_name()
    }

    /// `VolumeNameUDF`.
    pub fn volume_name_udf(&self) -> String {
        self.effective_volume_name()
    }

    pub fn iso9660_interchange_level(&self) -> u32 {
        self.iso9660_level
    }

    /// `ISO9660InterchangeLevelsSupported`.
    pub fn iso9660_interchange_levels_supported(&self) -> &'static [u32] {
        &ISO9660_INTERCHANGE_LEVELS
    }

    /// put_ISO9660InterchangeLevel: 1, 2 or 3, else IMAPI_E_INVALID_PARAM.
    pub fn set_iso9660_interchange_level(&mut self, level: u32) -> ImapiResult<()> {
        if !ISO9660_INTERCHANGE_LEVELS.contains(&level) {
            return Err(ImapiError::invalid_param("newVal"));
        }
        self.ensure_writable()?;
        self.iso9660_level = level;
        Ok(())
    }

    pub fn udf_revision(&self) -> u32 {
        self.udf_revision
    }

    /// `UDFRevisionsSupported`.
    pub fn udf_revisions_supported(&self) -> &'static [u32] {
        &UDF_REVISIONS
    }

    /// put_UDFRevision: one of 0x102, 0x150, 0x200, 0x201, 0x250, 0x260, else IMAPI_E_INVALID_PARAM.
    pub fn set_udf_revision(&mut self, revision: u32) -> ImapiResult<()> {
        if !UDF_REVISIONS.contains(&revision) {
            return Err(ImapiError::invalid_param("newVal"));
        }
        self.ensure_writable()?;
        if self.imported.is_some() {
            return Err(ImapiError::new(HResult::IMAPI_E_UDF_REVISION_CHANGE_NOT_ALLOWED));
        }
        self.udf_revision = revision;
        Ok(())
    }

    /// `CreateRedundantUdfMetadataFiles` (IFileSystemImage3).
    pub fn create_redundant_udf_metadata_files(&self) -> bool {
        self.redundant_udf_metadata
    }

    /// put_CreateRedundantUdfMetadataFiles: whether UDF 2.50/2.60 write the metadata mirror as a
    /// copy of its own; the success code IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED when the file systems
    /// to create hold no UDF 2.50 or later (imapi2.md §2.1).
    pub fn set_create_redundant_udf_metadata_files(&mut self, redundant: bool) -> ImapiResult<HResult> {
        self.ensure_writable()?;
        self.redundant_udf_metadata = redundant;
        if self.file_systems.contains(FileSystems::UDF) && self.udf_revision >= 0x250 {
            Ok(HResult::S_OK)
        } else {
            Ok(HResult::IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED)
        }
    }

    pub fn strict_file_system_compliance(&self) -> bool {
        self.strict
    }

    /// put_StrictFileSystemCompliance: only while the image is empty (IMAPI_E_FILE_SYSTEM_NOT_EMPTY).
    /// Strict compliance applies the ISO 9660 depth rule to the Joliet tree too.
    pub fn set_strict_file_system_compliance(&mut self, strict: bool) -> ImapiResult<()> {
        self.ensure_writable()?;
        if !self.root.is_empty() {
            return Err(ImapiError::new(HResult::IMAPI_E_FILE_SYSTEM_NOT_EMPTY));
        }
        self.strict = strict;
        Ok(())
    }

    pub fn use_restricted_character_set(&self) -> bool {
        self.restricted_charset
    }

    /// put_UseRestrictedCharacterSet: applies to items named afterwards (not retroactive).
    pub fn set_use_restricted_character_set(&mut self, restricted: bool) -> ImapiResult<()> {
        self.ensure_writable()?;
        self.restricted_charset = restricted;
        Ok(())
    }

    pub fn free_media_blocks(&self) -> u32 {
        self.free_media_blocks
    }

    /// put_FreeMediaBlocks: 0 means no limit; a limit below the current estimate is
    /// IMAPI_E_IMAGE_TOO_BIG.
    pub fn set_free_media_blocks(&mut self, blocks: u32) -> ImapiResult<()> {
        self.ensure_writable()?;
        if blocks != 0 && self.used_blocks() > u64::from(blocks) {
            return Err(ImapiError::new(HResult::IMAPI_E_IMAGE_TOO_BIG));
        }
        self.free_media_blocks = blocks;
        Ok(())
    }

    pub fn session_start_block(&self) -> u32 {
        self.session_start_block
    }

    /// put_SessionStartBlock: the LBA the image will be written at; every address in it is
    /// laid out for that position (multisession).
    pub fn set_session_start_block(&mut self, lba: u32) -> ImapiResult<()> {
        self.ensure_writable()?;
        // Derived from the multisession object once one is set; not changeable by hand (§3.3).
        if self.multisession.is_some() {
            return Err(ImapiError::invalid_param("newVal"));
        }
        self.session_start_block = lba;
        Ok(())
    }

    /// ChooseImageDefaultsForMediaType: file systems, UDF revision and free blocks for a media
    /// type; IMAPI_E_INVALID_PARAM for a type nothing is written to, IMAPI_E_IMAGE_TOO_BIG when the
    /// current contents do not fit the medium.
    pub fn choose_image_defaults_for_media_type(&mut self, media: MediaPhysicalType) -> ImapiResult<()> {
        let defaults = media
            .image_defaults()
            .ok_or_else(|| ImapiError::invalid_param("value"))?;
        self.ensure_writable()?;
        if defaults.free_media_blocks != 0 && self.used_blocks() > u64::from(defaults.free_media_blocks) {
            return Err(ImapiError::new(HResult::IMAPI_E_IMAGE_TOO_BIG));
        }
        self.file_systems = defaults.file_systems;
        self.udf_revision = defaults.udf_revision;
        self.free_media_blocks = defaults.free_media_blocks;
        Ok(())
    }

    /// ChooseImageDefaultsForMediaType with a raw IMAPI_MEDIA_PHYSICAL_TYPE value.
    pub fn choose_image_defaults_for_media_type_value(&mut self, value: u32) -> ImapiResult<()> {
        let media = MediaPhysicalType::from_value(value).ok_or_else(|| ImapiError::invalid_param("value"))?;
        self.choose_image_defaults_for_media_type(media)
    }

    /// `BootImageOptions`: the first boot entry.
    pub fn boot_image_options(&self) -> Option<&BootOptions> {
        self.boot.first()
    }

    /// put_BootImageOptions (`None` removes boot entries).
    pub fn set_boot_image_options(&mut self, options: Option<BootOptions>) -> ImapiResult<()> {
        self.set_boot_image_options_array(options.into_iter().collect())
    }

    /// `BootImageOptionsArray` (IFileSystemImage2).
    pub fn boot_image_options_array(&self) -> &[BootOptions] {
        &self.boot
    }

    /// put_BootImageOptionsArray: up to 32 entries (IMAPI_E_INVALID_PARAM beyond); an entry without a
    /// boot image is IMAPI_E_BOOT_IMAGE_DATA; boot entries belong to a first session only
    /// (IMAPI_E_BOOT_OBJECT_CONFLICT when SessionStartBlock is not 0).
    pub fn set_boot_image_options_array(&mut self, entries: Vec<BootOptions>) -> ImapiResult<()> {
        self.ensure_writable()?;
        if entries.len() > MAX_BOOT_ENTRIES {
            return Err(ImapiError::invalid_param("newVal"));
        }
        if !entries.is_empty() && (self.session_start_block != 0 || self.imported.is_some()) {
            return Err(ImapiError::new(HResult::IMAPI_E_BOOT_OBJECT_CONFLICT));
        }
        if entries.iter().any(|e| e.boot_image().is_none()) {
            return Err(ImapiError::new(HResult::IMAPI_E_BOOT_IMAGE_DATA));
        }
        self.boot = entries;
        Ok(())
    }

    pub fn stage_files(&self) -> bool {
        self.stage_files
    }

    /// put_StageFiles. Nothing ever needs staging here: every source is seekable and read while
    /// the image streams, so the flag is kept for callers that read it back.
    pub fn set_stage_files(&mut self, stage: bool) -> ImapiResult<()> {
        self.ensure_writable()?;
        self.stage_files = stage;
        Ok(())
    }

    pub fn working_directory(&self) -> &Path {
        &self.working_directory
    }

    /// put_WorkingDirectory: IMAPI_E_INVALID_PARAM for an empty path, IMAPI_E_INVALID_WORKING_DIRECTORY
    /// for one that is not an existing directory, IMAPI_E_READONLY while a result lives.
    pub fn set_working_directory(&mut self, dir: &Path) -> ImapiResult<()> {
        if dir.as_os_str().is_empty() {
            return Err(ImapiError::invalid_param("newVal"));
        }
        self.ensure_writable()?;
        if !dir.is_dir() {
            return Err(ImapiError::with(
                HResult::IMAPI_E_INVALID_WORKING_DIRECTORY,
                [dir.display().to_string()],
            ));
        }
        self.working_directory = dir.to_path_buf();
        Ok(())
    }
}
