//! Decoding and encoding of each feature's data (mmc.md §1.2 table). Offsets count from the
//! descriptor's first byte, as the table does ("byte4 b0 Write").

use super::{BdClasses, Feature, ProfileDescriptor, feature_code};
use crate::mmc::wire::{Field, Rest, read_be, write_be};

mod field {
    use super::{Field, Rest};

    /// The descriptor header's fields, named once in `features`.
    pub use super::super::field::{DATA, HEADER_END};

    /// The first data byte and the common 4-byte-data layouts.
    pub const BYTE4: usize = 4;
    pub const BYTE5: usize = 5;
    pub const BYTE6: usize = 6;
    pub const BYTE8: usize = 8;
    pub const BYTE10: usize = 10;
    pub const BYTE14: usize = 14;
    /// Core: physical interface standard.
    pub const PHYSICAL_INTERFACE: Field = 4..8;
    /// Random readable, write once: logical block size, blocking.
    pub const BLOCK_SIZE: Field = 4..8;
    pub const BLOCKING: Field = 8..10;
    /// Random writable: last LBA, block size, blocking.
    pub const LAST_LBA: Field = 4..8;
    pub const WRITABLE_BLOCK_SIZE: Field = 8..12;
    pub const WRITABLE_BLOCKING: Field = 12..14;
    /// Incremental streaming: data block types bitmap; link size count and list.
    pub const DATA_BLOCK_TYPES: Field = 4..6;
    pub const LINK_SIZE_COUNT: usize = 7;
    pub const LINK_SIZES: Rest = 8..;
    /// CD TAO: data types bitmap.
    pub const CD_DATA_TYPES: Field = 6..8;
    /// CD mastering: maximum cue sheet length.
    pub const MAX_CUE_SHEET_LENGTH: Field = 5..8;
    /// CD external audio play: number of volume levels; timeout: unit length.
    pub const WORD_6: Field = 6..8;
    /// BD read / write: class bitmaps, 2 bytes per class 0–3.
    pub const BD_RE_CLASSES: Field = 8..16;
    pub const BD_R_CLASSES: Field = 16..24;
    pub const BD_ROM_CLASSES: Field = 24..32;
}

fn bit(byte: u8, mask: u8) -> bool {
    byte & mask != 0
}

fn flags(bits: &[(bool, u8)]) -> u8 {
    bits.iter().filter(|(on, _)| *on).fold(0, |acc, (_, mask)| acc | mask)
}

fn classes(bytes: &[u8]) -> BdClasses {
    let mut out = [0u16; 4];
    for (class, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        *class = u16::from_be_bytes([pair[0], pair[1]]);
    }
    out
}

fn put_classes(bytes: &mut [u8], classes: &BdClasses) {
    for (pair, class) in bytes.chunks_exact_mut(2).zip(classes) {
        pair.copy_from_slice(&class.to_be_bytes());
    }
}

/// The most data bytes a typed feature holds: the largest multiple of 4 an additional-length byte
/// can give (typed layouts are written padded to 4 bytes, as MMC lays them out).
const MAX_TYPED_DATA: usize = 252;

impl Feature {
    /// Decodes the data of descriptor `d` (header included) for `code`.
    pub(super) fn decode(code: u16, d: &[u8]) -> Feature {
        use feature_code::*;
        use field::*;
        let other = || Feature::Other {
            code,
            data: d[HEADER_END..].to_vec(),
        };
        let data_len = d.len() - HEADER_END;
        let fixed_len = |len: usize| data_len >= len;
        let at = |range: Field| read_be(&d[range]);
        // A typed layout keeps at most MAX_TYPED_DATA bytes, so that it writes back (its padded
        // length must fit the additional-length byte).
        let link_sizes = || {
            let count = usize::from(d[LINK_SIZE_COUNT]);
            d[LINK_SIZES][..count.min(data_len - 4).min(MAX_TYPED_DATA - 4)].to_vec()
        };
        let expected = match code {
            PROFILE_LIST | MULTI_READ | RESTRICTED_OVERWRITE | STOP_LONG_OPERATION | POWER_MANAGEMENT
            | DRIVE_SERIAL_NUMBER | DISC_CONTROL_BLOCKS => 0,
            CORE | RANDOM_READABLE | FORMATTABLE | WRITE_ONCE => 8,
            RANDOM_WRITABLE => 12,
            BD_READ => 28,
            BD_WRITE => 20,
            CD_READ
            | DVD_READ
            | MORPHING
            | REMOVABLE_MEDIUM
            | INCREMENTAL_STREAMING_WRITABLE
            | HARDWARE_DEFECT_MANAGEMENT
            | CD_RW_CAV_WRITE
            | MRW
            | DVD_PLUS_RW
            | DVD_PLUS_R
            | RIGID_RESTRICTED_OVERWRITE
            | CD_TRACK_AT_ONCE
            | CD_MASTERING
            | DVD_R_RW_WRITE
            | LAYER_JUMP_RECORDING
            | BD_R_POW
            | DVD_PLUS_RW_DUAL_LAYER
            | DVD_PLUS_R_DUAL_LAYER
            | CD_EXTERNAL_AUDIO_PLAY
            | TIMEOUT
            | REAL_TIME_STREAMING => 4,
            _ => return other(),
        };
        if !fixed_len(expected) {
            return other();
        }
        let b4 = d.get(BYTE4).copied().unwrap_or(0);
        let b5 = d.get(BYTE5).copied().unwrap_or(0);
        match code {
            PROFILE_LIST => Feature::ProfileList(
                d[DATA]
                    .chunks_exact(4)
                    .map(|p| ProfileDescriptor {
                        profile: u16::from_be_bytes([p[0], p[1]]),
                        current: bit(p[2], 0x01),
                    })
                    .collect(),
            ),
            CORE => Feature::Core {
                physical_interface: at(PHYSICAL_INTERFACE),
                inquiry2: bit(d[BYTE8], 0x02),
                device_busy_event: bit(d[BYTE8], 0x01),
            },
            MORPHING => Feature::Morphing {
                operational_change_event: bit(b4, 0x02),
                asynchronous: bit(b4, 0x01),
            },
            REMOVABLE_MEDIUM => Feature::RemovableMedium {
                loading_mechanism: b4 >> 5,
                load: bit(b4, 0x10),
                eject: bit(b4, 0x08),
                prevent_jumper: bit(b4, 0x04),
                lock: bit(b4, 0x01),
            },
            RANDOM_READABLE => Feature::RandomReadable {
                block_size: at(BLOCK_SIZE),
                blocking: at(BLOCKING) as u16,
                page_present: bit(d[BYTE10], 0x01),
            },
            MULTI_READ => Feature::MultiRead,
            CD_READ => Feature::CdRead {
                digital_audio_play: bit(b4, 0x80),
                c2_flags: bit(b4, 0x02),
                cd_text: bit(b4, 0x01),
            },
            DVD_READ => Feature::DvdRead {
                multi110: bit(b4, 0x01),
                dual_layer_rw: bit(d[BYTE6], 0x02),
                dual_layer_r: bit(d[BYTE6], 0x01),
            },
            RANDOM_WRITABLE => Feature::RandomWritable {
                last_lba: at(LAST_LBA),
                block_size: at(WRITABLE_BLOCK_SIZE),
                blocking: at(WRITABLE_BLOCKING) as u16,
                page_present: bit(d[BYTE14], 0x01),
            },
            INCREMENTAL_STREAMING_WRITABLE => Feature::IncrementalStreamingWritable {
                data_block_types: at(DATA_BLOCK_TYPES) as u16,
                track_resources_info: bit(d[BYTE6], 0x04),
                address_reservation: bit(d[BYTE6], 0x02),
                buffer_underrun_free: bit(d[BYTE6], 0x01),
                link_sizes: link_sizes(),
            },
            FORMATTABLE => Feature::Formattable {
                renosa: bit(b4, 0x08),
                expand: bit(b4, 0x04),
                quick_certification: bit(b4, 0x02),
                certification: bit(b4, 0x01),
                random_recording_mode: bit(d[BYTE8], 0x01),
            },
            HARDWARE_DEFECT_MANAGEMENT => Feature::HardwareDefectManagement {
                supplemental_spare_area: bit(b4, 0x80),
            },
            WRITE_ONCE => Feature::WriteOnce {
                block_size: at(BLOCK_SIZE),
                blocking: at(BLOCKING) as u16,
                page_present: bit(d[BYTE10], 0x01),
            },
            RESTRICTED_OVERWRITE => Feature::RestrictedOverwrite,
            CD_RW_CAV_WRITE => Feature::CdRwCavWrite,
            MRW => Feature::Mrw {
                dvd_plus_write: bit(b4, 0x04),
                dvd_plus_read: bit(b4, 0x02),
                cd_write: bit(b4, 0x01),
            },
            DVD_PLUS_RW => Feature::DvdPlusRw {
                write: bit(b4, 0x01),
                close_only: bit(b5, 0x02),
                quick_start: bit(b5, 0x01),
            },
            DVD_PLUS_R => Feature::DvdPlusR { write: bit(b4, 0x01) },
            RIGID_RESTRICTED_OVERWRITE => Feature::RigidRestrictedOverwrite {
                dsdg: bit(b4, 0x08),
                dsdr: bit(b4, 0x04),
                intermediate: bit(b4, 0x02),
                blank: bit(b4, 0x01),
            },
            CD_TRACK_AT_ONCE => Feature::CdTrackAtOnce {
                buffer_underrun_free: bit(b4, 0x40),
                rw_raw: bit(b4, 0x10),
                rw_pack: bit(b4, 0x08),
                test_write: bit(b4, 0x04),
                cd_rw: bit(b4, 0x02),
                rw_subcode: bit(b4, 0x01),
                data_types: at(CD_DATA_TYPES) as u16,
            },
            CD_MASTERING => Feature::CdMastering {
                buffer_underrun_free: bit(b4, 0x40),
                session_at_once: bit(b4, 0x20),
                raw_multi_session: bit(b4, 0x10),
                raw: bit(b4, 0x08),
                test_write: bit(b4, 0x04),
                cd_rw: bit(b4, 0x02),
                rw: bit(b4, 0x01),
                max_cue_sheet_length: at(MAX_CUE_SHEET_LENGTH),
            },
            DVD_R_RW_WRITE => Feature::DvdRWrite {
                buffer_underrun_free: bit(b4, 0x40),
                dual_layer: bit(b4, 0x08),
                test_write: bit(b4, 0x04),
                dvd_rw: bit(b4, 0x02),
            },
            LAYER_JUMP_RECORDING => Feature::LayerJumpRecording {
                link_sizes: link_sizes(),
            },
            STOP_LONG_OPERATION => Feature::StopLongOperation,
            BD_R_POW => Feature::BdRPseudoOverwrite,
            DVD_PLUS_RW_DUAL_LAYER => Feature::DvdPlusRwDualLayer {
                write: bit(b4, 0x01),
                close_only: bit(b5, 0x02),
                quick_start: bit(b5, 0x01),
            },
            DVD_PLUS_R_DUAL_LAYER => Feature::DvdPlusRDualLayer { write: bit(b4, 0x01) },
            BD_READ => Feature::BdRead {
                bd_re: classes(&d[BD_RE_CLASSES]),
                bd_r: classes(&d[BD_R_CLASSES]),
                bd_rom: classes(&d[BD_ROM_CLASSES]),
            },
            BD_WRITE => Feature::BdWrite {
                verify_not_required: bit(b4, 0x01),
                bd_re: classes(&d[BD_RE_CLASSES]),
                bd_r: classes(&d[BD_R_CLASSES]),
            },
            POWER_MANAGEMENT => Feature::PowerManagement,
            CD_EXTERNAL_AUDIO_PLAY => Feature::CdExternalAudioPlay {
                scan: bit(b4, 0x04),
                separate_channel_mute: bit(b4, 0x02),
                separate_volume: bit(b4, 0x01),
                volume_levels: at(WORD_6) as u16,
            },
            TIMEOUT => Feature::Timeout {
                group3: bit(b4, 0x01),
                unit_length: at(WORD_6) as u16,
            },
            REAL_TIME_STREAMING => Feature::RealTimeStreaming {
                read_buffer_capacity_block: bit(b4, 0x10),
                set_cd_speed: bit(b4, 0x08),
                mode_page_2a_speeds: bit(b4, 0x04),
                write_speed_performance: bit(b4, 0x02),
                stream_writing: bit(b4, 0x01),
            },
            DRIVE_SERIAL_NUMBER => {
                let serial = &d[DATA][..data_len.min(MAX_TYPED_DATA)];
                let end = serial.iter().rposition(|&b| b != 0 && b != b' ').map_or(0, |i| i + 1);
                Feature::DriveSerialNumber(serial[..end].to_vec())
            }
            DISC_CONTROL_BLOCKS => Feature::DiscControlBlocks(d[DATA].chunks_exact(4).map(read_be).collect()),
            _ => other(),
        }
    }

    /// Encodes the data into descriptor `d` (header included, data zeroed).
    pub(super) fn encode(&self, d: &mut [u8]) {
        use field::*;
        match self {
            Feature::ProfileList(profiles) => {
                for (entry, p) in d[DATA].chunks_exact_mut(4).zip(profiles) {
                    entry[..2].copy_from_slice(&p.profile.to_be_bytes());
                    entry[2] = u8::from(p.current);
                }
            }
            Feature::Core {
                physical_interface,
                inquiry2,
                device_busy_event,
            } => {
                write_be(&mut d[PHYSICAL_INTERFACE], u64::from(*physical_interface));
                d[BYTE8] = flags(&[(*inquiry2, 0x02), (*device_busy_event, 0x01)]);
            }
            Feature::Morphing {
                operational_change_event,
                asynchronous,
            } => {
                d[BYTE4] = flags(&[(*operational_change_event, 0x02), (*asynchronous, 0x01)]);
            }
            Feature::RemovableMedium {
                loading_mechanism,
                load,
                eject,
                prevent_jumper,
                lock,
            } => {
                d[BYTE4] = loading_mechanism << 5
                    | flags(&[(*load, 0x10), (*eject, 0x08), (*prevent_jumper, 0x04), (*lock, 0x01)]);
            }
            Feature::RandomReadable {
                block_size,
                blocking,
                page_present,
            }
            | Feature::WriteOnce {
                block_size,
                blocking,
                page_present,
            } => {
                write_be(&mut d[BLOCK_SIZE], u64::from(*block_size));
                write_be(&mut d[BLOCKING], u64::from(*blocking));
                d[BYTE10] = u8::from(*page_present);
            }
            Feature::CdRead {
                digital_audio_play,
                c2_flags,
                cd_text,
            } => {
                d[BYTE4] = flags(&[(*digital_audio_play, 0x80), (*c2_flags, 0x02), (*cd_text, 0x01)]);
            }
            Feature::DvdRead {
                multi110,
                dual_layer_rw,
                dual_layer_r,
            } => {
                d[BYTE4] = u8::from(*multi110);
                d[BYTE6] = flags(&[(*dual_layer_rw, 0x02), (*dual_layer_r, 0x01)]);
            }
            Feature::RandomWritable {
                last_lba,
                block_size,
                blocking,
                page_present,
            } => {
                write_be(&mut d[LAST_LBA], u64::from(*last_lba));
                write_be(&mut d[WRITABLE_BLOCK_SIZE], u64::from(*block_size));
                write_be(&mut d[WRITABLE_BLOCKING], u64::from(*blocking));
                d[BYTE14] = u8::from(*page_present);
            }
            Feature::IncrementalStreamingWritable {
                data_block_types,
                track_resources_info,
                address_reservation,
                buffer_underrun_free,
                link_sizes,
            } => {
                write_be(&mut d[DATA_BLOCK_TYPES], u64::from(*data_block_types));
                d[BYTE6] = flags(&[
                    (*track_resources_info, 0x04),
                    (*address_reservation, 0x02),
                    (*buffer_underrun_free, 0x01),
                ]);
                d[LINK_SIZE_COUNT] = link_sizes.len() as u8;
                d[LINK_SIZES][..link_sizes.len()].copy_from_slice(link_sizes);
            }
            Feature::LayerJumpRecording { link_sizes } => {
                d[LINK_SIZE_COUNT] = link_sizes.len() as u8;
                d[LINK_SIZES][..link_sizes.len()].copy_from_slice(link_sizes);
            }
            Feature::Formattable {
                renosa,
                expand,
                quick_certification,
                certification,
                random_recording_mode,
            } => {
                d[BYTE4] = flags(&[
                    (*renosa, 0x08),
                    (*expand, 0x04),
                    (*quick_certification, 0x02),
                    (*certification, 0x01),
                ]);
                d[BYTE8] = u8::from(*random_recording_mode);
            }
            Feature::HardwareDefectManagement {
                supplemental_spare_area,
            } => d[BYTE4] = flags(&[(*supplemental_spare_area, 0x80)]),
            Feature::Mrw {
                dvd_plus_write,
                dvd_plus_read,
                cd_write,
            } => {
                d[BYTE4] = flags(&[(*dvd_plus_write, 0x04), (*dvd_plus_read, 0x02), (*cd_write, 0x01)]);
            }
            Feature::DvdPlusRw {
                write,
                close_only,
                quick_start,
            }
            | Feature::DvdPlusRwDualLayer {
                write,
                close_only,
                quick_start,
            } => {
                d[BYTE4] = u8::from(*write);
                d[BYTE5] = flags(&[(*close_only, 0x02), (*quick_start, 0x01)]);
            }
            Feature::DvdPlusR { write } | Feature::DvdPlusRDualLayer { write } => d[BYTE4] = u8::from(*write),
            Feature::RigidRestrictedOverwrite {
                dsdg,
                dsdr,
                intermediate,
                blank,
            } => {
                d[BYTE4] = flags(&[(*dsdg, 0x08), (*dsdr, 0x04), (*intermediate, 0x02), (*blank, 0x01)]);
            }
            Feature::CdTrackAtOnce {
                buffer_underrun_free,
                rw_raw,
                rw_pack,
                test_write,
                cd_rw,
                rw_subcode,
                data_types,
            } => {
                d[BYTE4] = flags(&[
                    (*buffer_underrun_free, 0x40),
                    (*rw_raw, 0x10),
                    (*rw_pack, 0x08),
                    (*test_write, 0x04),
                    (*cd_rw, 0x02),
                    (*rw_subcode, 0x01),
                ]);
                write_be(&mut d[CD_DATA_TYPES], u64::from(*data_types));
            }
            Feature::CdMastering {
                buffer_underrun_free,
                session_at_once,
                raw_multi_session,
                raw,
                test_write,
                cd_rw,
                rw,
                max_cue_sheet_length,
            } => {
                d[BYTE4] = flags(&[
                    (*buffer_underrun_free, 0x40),
                    (*session_at_once, 0x20),
                    (*raw_multi_session, 0x10),
                    (*raw, 0x08),
                    (*test_write, 0x04),
                    (*cd_rw, 0x02),
                    (*rw, 0x01),
                ]);
                write_be(&mut d[MAX_CUE_SHEET_LENGTH], u64::from(*max_cue_sheet_length));
            }
            Feature::DvdRWrite {
                buffer_underrun_free,
                dual_layer,
                test_write,
                dvd_rw,
            } => {
                d[BYTE4] = flags(&[
                    (*buffer_underrun_free, 0x40),
                    (*dual_layer, 0x08),
                    (*test_write, 0x04),
                    (*dvd_rw, 0x02),
                ]);
            }
            Feature::BdRead { bd_re, bd_r, bd_rom } => {
                put_classes(&mut d[BD_RE_CLASSES], bd_re);
                put_classes(&mut d[BD_R_CLASSES], bd_r);
                put_classes(&mut d[BD_ROM_CLASSES], bd_rom);
            }
            Feature::BdWrite {
                verify_not_required,
                bd_re,
                bd_r,
            } => {
                d[BYTE4] = u8::from(*verify_not_required);
                put_classes(&mut d[BD_RE_CLASSES], bd_re);
                put_classes(&mut d[BD_R_CLASSES], bd_r);
            }
            Feature::CdExternalAudioPlay {
                scan,
                separate_channel_mute,
                separate_volume,
                volume_levels,
            } => {
                d[BYTE4] = flags(&[(*scan, 0x04), (*separate_channel_mute, 0x02), (*separate_volume, 0x01)]);
                write_be(&mut d[WORD_6], u64::from(*volume_levels));
            }
            Feature::Timeout { group3, unit_length } => {
                d[BYTE4] = u8::from(*group3);
                write_be(&mut d[WORD_6], u64::from(*unit_length));
            }
            Feature::RealTimeStreaming {
                read_buffer_capacity_block,
                set_cd_speed,
                mode_page_2a_speeds,
                write_speed_performance,
                stream_writing,
            } => {
                d[BYTE4] = flags(&[
                    (*read_buffer_capacity_block, 0x10),
                    (*set_cd_speed, 0x08),
                    (*mode_page_2a_speeds, 0x04),
                    (*write_speed_performance, 0x02),
                    (*stream_writing, 0x01),
                ]);
            }
            Feature::DriveSerialNumber(serial) => {
                let data = &mut d[DATA];
                data.fill(b' ');
                data[..serial.len()].copy_from_slice(serial);
            }
            Feature::DiscControlBlocks(blocks) => {
                for (entry, block) in d[DATA].chunks_exact_mut(4).zip(blocks) {
                    entry.copy_from_slice(&block.to_be_bytes());
                }
            }
            Feature::Other { data, .. } => d[DATA][..data.len()].copy_from_slice(data),
            Feature::MultiRead
            | Feature::RestrictedOverwrite
            | Feature::CdRwCavWrite
            | Feature::StopLongOperation
            | Feature::BdRPseudoOverwrite
            | Feature::PowerManagement => {}
        }
    }
}
