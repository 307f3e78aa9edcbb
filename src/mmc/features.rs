//! Feature descriptors of GET CONFIGURATION (mmc.md §1.2 table): a 4-byte header (feature code,
//! version b5-2, persistent b1, current b0, additional length) and the feature's data. Offsets in
//! `mod field` count from the descriptor's first byte, as the table in mmc.md does ("byte4 b0
//! Write"). Layouts the table marks (spec, verify) follow MMC-5/6 as remembered there.
//!
//! A descriptor whose data is shorter than its typed layout, or whose code is not typed here,
//! parses as [`Feature::Other`] and is emitted back unchanged.

use super::wire::{CdbError, Field, Rest, accessors, view};

mod codec;

mod field {
    use super::{Field, Rest};

    pub const CODE: Field = 0..2;
    /// Version b5-2, persistent b1, current b0.
    pub const FLAGS: usize = 2;
    pub const ADDITIONAL_LENGTH: usize = 3;
    pub const DATA: Rest = 4..;
    pub const HEADER_END: usize = 4;
}

/// Feature codes (mmc.md §1.2).
pub mod feature_code {
    pub const PROFILE_LIST: u16 = 0x0000;
    pub const CORE: u16 = 0x0001;
    pub const MORPHING: u16 = 0x0002;
    pub const REMOVABLE_MEDIUM: u16 = 0x0003;
    pub const RANDOM_READABLE: u16 = 0x0010;
    pub const MULTI_READ: u16 = 0x001D;
    pub const CD_READ: u16 = 0x001E;
    pub const DVD_READ: u16 = 0x001F;
    pub const RANDOM_WRITABLE: u16 = 0x0020;
    pub const INCREMENTAL_STREAMING_WRITABLE: u16 = 0x0021;
    pub const FORMATTABLE: u16 = 0x0023;
    pub const HARDWARE_DEFECT_MANAGEMENT: u16 = 0x0024;
    pub const WRITE_ONCE: u16 = 0x0025;
    pub const RESTRICTED_OVERWRITE: u16 = 0x0026;
    pub const CD_RW_CAV_WRITE: u16 = 0x0027;
    pub const MRW: u16 = 0x0028;
    pub const DVD_PLUS_RW: u16 = 0x002A;
    pub const DVD_PLUS_R: u16 = 0x002B;
    pub const RIGID_RESTRICTED_OVERWRITE: u16 = 0x002C;
    pub const CD_TRACK_AT_ONCE: u16 = 0x002D;
    pub const CD_MASTERING: u16 = 0x002E;
    pub const DVD_R_RW_WRITE: u16 = 0x002F;
    pub const LAYER_JUMP_RECORDING: u16 = 0x0033;
    pub const STOP_LONG_OPERATION: u16 = 0x0035;
    pub const BD_R_POW: u16 = 0x0038;
    pub const DVD_PLUS_RW_DUAL_LAYER: u16 = 0x003A;
    pub const DVD_PLUS_R_DUAL_LAYER: u16 = 0x003B;
    pub const BD_READ: u16 = 0x0040;
    pub const BD_WRITE: u16 = 0x0041;
    pub const POWER_MANAGEMENT: u16 = 0x0100;
    pub const CD_EXTERNAL_AUDIO_PLAY: u16 = 0x0103;
    pub const TIMEOUT: u16 = 0x0105;
    pub const REAL_TIME_STREAMING: u16 = 0x0107;
    pub const DRIVE_SERIAL_NUMBER: u16 = 0x0108;
    pub const DISC_CONTROL_BLOCKS: u16 = 0x010A;
}

view!(
    /// One feature descriptor.
    FeatureDescriptor,
    min_len = field::HEADER_END
);
accessors!(FeatureDescriptor {
    be feature_code / set_feature_code: u16 = field::CODE;
    bits version / set_version: u8 = field::FLAGS, 0x3C;
    bit persistent / set_persistent: bool = field::FLAGS, 0x02;
    bit current / set_current: bool = field::FLAGS, 0x01;
    byte additional_length / set_additional_length: u8 = field::ADDITIONAL_LENGTH;
    bytes data / set_data: [u8] = field::DATA;
});

/// One entry of the profile list (feature 0000h).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileDescriptor {
    pub profile: u16,
    /// CurrentP: the loaded medium is of this profile.
    pub current: bool,
}

/// BD class bitmaps: one 16-bit version mask per class 0–3 (mmc.md §1.2: "class bitmaps per
/// BD-RE/BD-R/BD-ROM version").
pub type BdClasses = [u16; 4];

/// The data of each feature of mmc.md §1.2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feature {
    ProfileList(Vec<ProfileDescriptor>),
    /// Physical interface 1 SCSI, 2 ATAPI, 7 SATA, 8 USB.
    Core {
        physical_interface: u32,
        inquiry2: bool,
        device_busy_event: bool,
    },
    Morphing {
        operational_change_event: bool,
        asynchronous: bool,
    },
    RemovableMedium {
        loading_mechanism: u8,
        load: bool,
        eject: bool,
        prevent_jumper: bool,
        lock: bool,
    },
    /// Blocking: CD 1, DVD 16, BD 32; PP page present.
    RandomReadable {
        block_size: u32,
        blocking: u16,
        page_present: bool,
    },
    MultiRead,
    CdRead {
        digital_audio_play: bool,
        c2_flags: bool,
        cd_text: bool,
    },
    DvdRead {
        multi110: bool,
        dual_layer_rw: bool,
        dual_layer_r: bool,
    },
    RandomWritable {
        last_lba: u32,
        block_size: u32,
        blocking: u16,
        page_present: bool,
    },
    /// Link sizes: CD-R 7, DVD-R 16 (mmc.md §1.2).
    IncrementalStreamingWritable {
        data_block_types: u16,
        track_resources_info: bool,
        address_reservation: bool,
        buffer_underrun_free: bool,
        link_sizes: Vec<u8>,
    },
    /// RENoSA (BD), Expand, QCert, Cert; RRM (BD-R random recording).
    Formattable {
        renosa: bool,
        expand: bool,
        quick_certification: bool,
        certification: bool,
        random_recording_mode: bool,
    },
    HardwareDefectManagement {
        supplemental_spare_area: bool,
    },
    WriteOnce {
        block_size: u32,
        blocking: u16,
        page_present: bool,
    },
    RestrictedOverwrite,
    CdRwCavWrite,
    Mrw {
        dvd_plus_write: bool,
        dvd_plus_read: bool,
        cd_write: bool,
    },
    DvdPlusRw {
        write: bool,
        close_only: bool,
        quick_start: bool,
    },
    DvdPlusR {
        write: bool,
    },
    RigidRestrictedOverwrite {
        dsdg: bool,
        dsdr: bool,
        intermediate: bool,
        blank: bool,
    },
    CdTrackAtOnce {
        buffer_underrun_free: bool,
        rw_raw: bool,
        rw_pack: bool,
        test_write: bool,
        cd_rw: bool,
        rw_subcode: bool,
        data_types: u16,
    },
    CdMastering {
        buffer_underrun_free: bool,
        session_at_once: bool,
        raw_multi_session: bool,
        raw: bool,
        test_write: bool,
        cd_rw: bool,
        rw: bool,
        max_cue_sheet_length: u32,
    },
    DvdRWrite {
        buffer_underrun_free: bool,
        dual_layer: bool,
        test_write: bool,
        dvd_rw: bool,
    },
    LayerJumpRecording {
        link_sizes: Vec<u8>,
    },
    StopLongOperation,
    BdRPseudoOverwrite,
    DvdPlusRwDualLayer {
        write: bool,
        close_only: bool,
        quick_start: bool,
    },
    DvdPlusRDualLayer {
        write: bool,
    },
    BdRead {
        bd_re: BdClasses,
        bd_r: BdClasses,
        bd_rom: BdClasses,
    },
    BdWrite {
        verify_not_required: bool,
        bd_re: BdClasses,
        bd_r: BdClasses,
    },
    PowerManagement,
    CdExternalAudioPlay {
        scan: bool,
        separate_channel_mute: bool,
        separate_volume: bool,
        volume_levels: u16,
    },
    Timeout {
        group3: bool,
        unit_length: u16,
    },
    /// RBCB, SCS (SET CD SPEED), MP2A (page 2Ah descriptors), WSPD (GET PERFORMANCE 03h), SW
    /// (streaming WRITE(12)).
    RealTimeStreaming {
        read_buffer_capacity_block: bool,
        set_cd_speed: bool,
        mode_page_2a_speeds: bool,
        write_speed_performance: bool,
        stream_writing: bool,
    },
    /// ASCII serial number (padded to a multiple of 4 on the wire).
    DriveSerialNumber(Vec<u8>),
    /// Supported DCB identifiers.
    DiscControlBlocks(Vec<u32>),
    /// Any other feature, or a known one with a short body: its data bytes as sent.
    Other {
        code: u16,
        data: Vec<u8>,
    },
}

/// Rounds a data length up to a multiple of 4 (feature data always is).
fn padded_len(len: usize) -> usize {
    len.div_ceil(4) * 4
}

impl Feature {
    pub fn code(&self) -> u16 {
        use feature_code::*;
        match self {
            Feature::ProfileList(_) => PROFILE_LIST,
            Feature::Core { .. } => CORE,
            Feature::Morphing { .. } => MORPHING,
            Feature::RemovableMedium { .. } => REMOVABLE_MEDIUM,
            Feature::RandomReadable { .. } => RANDOM_READABLE,
            Feature::MultiRead => MULTI_READ,
            Feature::CdRead { .. } => CD_READ,
            Feature::DvdRead { .. } => DVD_READ,
            Feature::RandomWritable { .. } => RANDOM_WRITABLE,
            Feature::IncrementalStreamingWritable { .. } => INCREMENTAL_STREAMING_WRITABLE,
            Feature::Formattable { .. } => FORMATTABLE,
            Feature::HardwareDefectManagement { .. } => HARDWARE_DEFECT_MANAGEMENT,
            Feature::WriteOnce { .. } => WRITE_ONCE,
            Feature::RestrictedOverwrite => RESTRICTED_OVERWRITE,
            Feature::CdRwCavWrite => CD_RW_CAV_WRITE,
            Feature::Mrw { .. } => MRW,
            Feature::DvdPlusRw { .. } => DVD_PLUS_RW,
            Feature::DvdPlusR { .. } => DVD_PLUS_R,
            Feature::RigidRestrictedOverwrite { .. } => RIGID_RESTRICTED_OVERWRITE,
            Feature::CdTrackAtOnce { .. } => CD_TRACK_AT_ONCE,
            Feature::CdMastering { .. } => CD_MASTERING,
            Feature::DvdRWrite { .. } => DVD_R_RW_WRITE,
            Feature::LayerJumpRecording { .. } => LAYER_JUMP_RECORDING,
            Feature::StopLongOperation => STOP_LONG_OPERATION,
            Feature::BdRPseudoOverwrite => BD_R_POW,
            Feature::DvdPlusRwDualLayer { .. } => DVD_PLUS_RW_DUAL_LAYER,
            Feature::DvdPlusRDualLayer { .. } => DVD_PLUS_R_DUAL_LAYER,
            Feature::BdRead { .. } => BD_READ,
            Feature::BdWrite { .. } => BD_WRITE,
            Feature::PowerManagement => POWER_MANAGEMENT,
            Feature::CdExternalAudioPlay { .. } => CD_EXTERNAL_AUDIO_PLAY,
            Feature::Timeout { .. } => TIMEOUT,
            Feature::RealTimeStreaming { .. } => REAL_TIME_STREAMING,
            Feature::DriveSerialNumber(_) => DRIVE_SERIAL_NUMBER,
            Feature::DiscControlBlocks(_) => DISC_CONTROL_BLOCKS,
            Feature::Other { code, .. } => *code,
        }
    }

    /// The additional length (bytes after the 4-byte header) of the typed layout.
    pub fn data_len(&self) -> usize {
        match self {
            Feature::ProfileList(profiles) => 4 * profiles.len(),
            Feature::MultiRead
            | Feature::RestrictedOverwrite
            | Feature::StopLongOperation
            | Feature::PowerManagement => 0,
            Feature::Core { .. }
            | Feature::RandomReadable { .. }
            | Feature::Formattable { .. }
            | Feature::WriteOnce { .. } => 8,
            Feature::RandomWritable { .. } => 12,
            Feature::IncrementalStreamingWritable { link_sizes, .. } | Feature::LayerJumpRecording { link_sizes } => {
                padded_len(4 + link_sizes.len())
            }
            Feature::BdRead { .. } => 28,
            Feature::BdWrite { .. } => 20,
            Feature::DriveSerialNumber(serial) => padded_len(serial.len()),
            Feature::DiscControlBlocks(blocks) => 4 * blocks.len(),
            Feature::Other { data, .. } => data.len(),
            _ => 4,
        }
    }

    /// The version a drive of MMC-5/6 reports for this feature (mmc.md §1.2 gives Core 2, CD Read
    /// 2, DVD Read 1; the others are (spec, verify)).
    pub fn default_version(&self) -> u8 {
        match self {
            Feature::Core { .. } | Feature::CdRead { .. } | Feature::CdTrackAtOnce { .. } | Feature::BdWrite { .. } => {
                2
            }
            Feature::Morphing { .. }
            | Feature::RemovableMedium { .. }
            | Feature::DvdRead { .. }
            | Feature::IncrementalStreamingWritable { .. }
            | Feature::Mrw { .. }
            | Feature::DvdRWrite { .. }
            | Feature::BdRead { .. }
            | Feature::Timeout { .. }
            | Feature::RealTimeStreaming { .. } => 1,
            _ => 0,
        }
    }

    /// Profile list, Core, Morphing and Removable Medium are persistent: always current.
    pub fn is_persistent(&self) -> bool {
        matches!(
            self,
            Feature::ProfileList(_) | Feature::Core { .. } | Feature::Morphing { .. } | Feature::RemovableMedium { .. }
        )
    }
}

/// A feature descriptor: header bits plus data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureRepr {
    pub version: u8,
    pub persistent: bool,
    pub current: bool,
    pub feature: Feature,
}

impl FeatureRepr {
    /// A descriptor with the feature's default version and persistence.
    pub fn new(feature: Feature, current: bool) -> FeatureRepr {
        let persistent = feature.is_persistent();
        FeatureRepr {
            version: feature.default_version(),
            persistent,
            current: current || persistent,
            feature,
        }
    }

    pub fn code(&self) -> u16 {
        self.feature.code()
    }

    /// Parses one descriptor (its additional length must fit the buffer: 5/1A/00 otherwise).
    pub fn parse<T: AsRef<[u8]>>(descriptor: &FeatureDescriptor<T>) -> Result<FeatureRepr, CdbError> {
        descriptor.check_len()?;
        let end = field::HEADER_END + usize::from(descriptor.additional_length());
        let bytes = descriptor
            .as_bytes()
            .get(..end)
            .ok_or_else(CdbError::parameter_list_length)?;
        Ok(FeatureRepr {
            version: descriptor.version(),
            persistent: descriptor.persistent(),
            current: descriptor.current(),
            feature: Feature::decode(descriptor.feature_code(), bytes),
        })
    }

    pub fn buffer_len(&self) -> usize {
        field::HEADER_END + self.feature.data_len()
    }

    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, descriptor: &mut FeatureDescriptor<T>) {
        let len = self.buffer_len();
        descriptor.buffer.as_mut()[..len].fill(0);
        descriptor.set_feature_code(self.feature.code());
        descriptor.set_version(self.version);
        descriptor.set_persistent(self.persistent);
        descriptor.set_current(self.current);
        descriptor.set_additional_length((len - field::HEADER_END) as u8);
        self.feature.encode(&mut descriptor.buffer.as_mut()[..len]);
    }
}
super::wire::impl_to_vec!(FeatureRepr, FeatureDescriptor);

#[cfg(test)]
mod tests;
