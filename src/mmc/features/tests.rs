//! Every feature of mmc.md §1.2 as a literal descriptor, checked both ways.

use super::*;

fn current(feature: Feature) -> FeatureRepr {
    FeatureRepr::new(feature, true)
}

/// (descriptor, bytes) for every typed feature.
fn cases() -> Vec<(FeatureRepr, Vec<u8>)> {
    let bd_classes: BdClasses = [0x0004, 0, 0, 0];
    vec![
        (
            // A BD writer with a BD-RE loaded: profiles 43h (current), 41h, 1Bh, 09h.
            current(Feature::ProfileList(vec![
                ProfileDescriptor {
                    profile: 0x0043,
                    current: true,
                },
                ProfileDescriptor {
                    profile: 0x0041,
                    current: false,
                },
                ProfileDescriptor {
                    profile: 0x001B,
                    current: false,
                },
                ProfileDescriptor {
                    profile: 0x0009,
                    current: false,
                },
            ])),
            vec![
                0x00, 0x00, 0x03, 0x10, 0x00, 0x43, 0x01, 0x00, 0x00, 0x41, 0x00, 0x00, 0x00, 0x1B, 0x00, 0x00, 0x00,
                0x09, 0x00, 0x00,
            ],
        ),
        (
            current(Feature::Core {
                physical_interface: 2,
                inquiry2: true,
                device_busy_event: true,
            }),
            vec![0x00, 0x01, 0x0B, 0x08, 0x00, 0x00, 0x00, 0x02, 0x03, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::Morphing {
                operational_change_event: true,
                asynchronous: false,
            }),
            vec![0x00, 0x02, 0x07, 0x04, 0x02, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::RemovableMedium {
                loading_mechanism: 1,
                load: true,
                eject: true,
                prevent_jumper: false,
                lock: true,
            }),
            vec![0x00, 0x03, 0x07, 0x04, 0x39, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::RandomReadable {
                block_size: 2048,
                blocking: 32,
                page_present: true,
            }),
            vec![0x00, 0x10, 0x01, 0x08, 0x00, 0x00, 0x08, 0x00, 0x00, 0x20, 0x01, 0x00],
        ),
        (current(Feature::MultiRead), vec![0x00, 0x1D, 0x01, 0x00]),
        (
            current(Feature::CdRead {
                digital_audio_play: true,
                c2_flags: true,
                cd_text: true,
            }),
            vec![0x00, 0x1E, 0x09, 0x04, 0x83, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::DvdRead {
                multi110: true,
                dual_layer_rw: false,
                dual_layer_r: true,
            }),
            vec![0x00, 0x1F, 0x05, 0x04, 0x01, 0x00, 0x01, 0x00],
        ),
        (
            // Formatted BD-RE, default format: last LBA 11826175, blocking 32.
            current(Feature::RandomWritable {
                last_lba: 11_826_175,
                block_size: 2048,
                blocking: 32,
                page_present: true,
            }),
            vec![
                0x00, 0x20, 0x01, 0x0C, 0x00, 0xB4, 0x73, 0xFF, 0x00, 0x00, 0x08, 0x00, 0x00, 0x20, 0x01, 0x00,
            ],
        ),
        (
            // CD-R: link size 7 (CDEmu); data block types 0, 8, 10 and 13; BUF.
            current(Feature::IncrementalStreamingWritable {
                data_block_types: 0x2501,
                track_resources_info: false,
                address_reservation: false,
                buffer_underrun_free: true,
                link_sizes: vec![7],
            }),
            vec![0x00, 0x21, 0x05, 0x08, 0x25, 0x01, 0x01, 0x01, 0x07, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::Formattable {
                renosa: true,
                expand: false,
                quick_certification: true,
                certification: true,
                random_recording_mode: true,
            }),
            vec![0x00, 0x23, 0x01, 0x08, 0x0B, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::HardwareDefectManagement {
                supplemental_spare_area: true,
            }),
            vec![0x00, 0x24, 0x01, 0x04, 0x80, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::WriteOnce {
                block_size: 2048,
                blocking: 16,
                page_present: false,
            }),
            vec![0x00, 0x25, 0x01, 0x08, 0x00, 0x00, 0x08, 0x00, 0x00, 0x10, 0x00, 0x00],
        ),
        (current(Feature::RestrictedOverwrite), vec![0x00, 0x26, 0x01, 0x00]),
        (
            current(Feature::CdRwCavWrite),
            vec![0x00, 0x27, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::Mrw {
                dvd_plus_write: true,
                dvd_plus_read: true,
                cd_write: true,
            }),
            vec![0x00, 0x28, 0x05, 0x04, 0x07, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::DvdPlusRw {
                write: true,
                close_only: false,
                quick_start: true,
            }),
            vec![0x00, 0x2A, 0x01, 0x04, 0x01, 0x01, 0x00, 0x00],
        ),
        (
            current(Feature::DvdPlusR { write: true }),
            vec![0x00, 0x2B, 0x01, 0x04, 0x01, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::RigidRestrictedOverwrite {
                dsdg: true,
                dsdr: true,
                intermediate: true,
                blank: true,
            }),
            vec![0x00, 0x2C, 0x01, 0x04, 0x0F, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::CdTrackAtOnce {
                buffer_underrun_free: true,
                rw_raw: true,
                rw_pack: false,
                test_write: true,
                cd_rw: true,
                rw_subcode: true,
                data_types: 0x3F01,
            }),
            vec![0x00, 0x2D, 0x09, 0x04, 0x57, 0x00, 0x3F, 0x01],
        ),
        (
            current(Feature::CdMastering {
                buffer_underrun_free: true,
                session_at_once: true,
                raw_multi_session: false,
                raw: true,
                test_write: true,
                cd_rw: true,
                rw: false,
                max_cue_sheet_length: 0x00_FFFF,
            }),
            vec![0x00, 0x2E, 0x01, 0x04, 0x6E, 0x00, 0xFF, 0xFF],
        ),
        (
            current(Feature::DvdRWrite {
                buffer_underrun_free: true,
                dual_layer: false,
                test_write: true,
                dvd_rw: true,
            }),
            vec![0x00, 0x2F, 0x05, 0x04, 0x46, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::LayerJumpRecording {
                link_sizes: vec![16, 0],
            }),
            vec![0x00, 0x33, 0x01, 0x08, 0x00, 0x00, 0x00, 0x02, 0x10, 0x00, 0x00, 0x00],
        ),
        (current(Feature::StopLongOperation), vec![0x00, 0x35, 0x01, 0x00]),
        (
            FeatureRepr::new(Feature::BdRPseudoOverwrite, false),
            vec![0x00, 0x38, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::DvdPlusRwDualLayer {
                write: false,
                close_only: true,
                quick_start: true,
            }),
            vec![0x00, 0x3A, 0x01, 0x04, 0x00, 0x03, 0x00, 0x00],
        ),
        (
            current(Feature::DvdPlusRDualLayer { write: true }),
            vec![0x00, 0x3B, 0x01, 0x04, 0x01, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::BdRead {
                bd_re: bd_classes,
                bd_r: bd_classes,
                bd_rom: bd_classes,
            }),
            vec![
                0x00, 0x40, 0x05, 0x1C, 0x00, 0x00, 0x00, 0x00, //
                0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
                0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
                0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            ],
        ),
        (
            current(Feature::BdWrite {
                verify_not_required: true,
                bd_re: bd_classes,
                bd_r: bd_classes,
            }),
            vec![
                0x00, 0x41, 0x09, 0x14, 0x01, 0x00, 0x00, 0x00, //
                0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
                0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            ],
        ),
        (current(Feature::PowerManagement), vec![0x01, 0x00, 0x01, 0x00]),
        (
            current(Feature::CdExternalAudioPlay {
                scan: true,
                separate_channel_mute: true,
                separate_volume: true,
                volume_levels: 256,
            }),
            vec![0x01, 0x03, 0x01, 0x04, 0x07, 0x00, 0x01, 0x00],
        ),
        (
            current(Feature::Timeout {
                group3: true,
                unit_length: 512,
            }),
            vec![0x01, 0x05, 0x05, 0x04, 0x01, 0x00, 0x02, 0x00],
        ),
        (
            current(Feature::RealTimeStreaming {
                read_buffer_capacity_block: true,
                set_cd_speed: true,
                mode_page_2a_speeds: true,
                write_speed_performance: true,
                stream_writing: true,
            }),
            vec![0x01, 0x07, 0x05, 0x04, 0x1F, 0x00, 0x00, 0x00],
        ),
        (
            current(Feature::DriveSerialNumber(b"BB00001".to_vec())),
            vec![0x01, 0x08, 0x01, 0x08, b'B', b'B', b'0', b'0', b'0', b'0', b'1', b' '],
        ),
        (
            current(Feature::DiscControlBlocks(vec![0x4453_4200])),
            vec![0x01, 0x0A, 0x01, 0x04, 0x44, 0x53, 0x42, 0x00],
        ),
    ]
}

#[test]
fn every_feature_of_the_table_is_typed() {
    let codes: Vec<u16> = cases().iter().map(|(repr, _)| repr.code()).collect();
    for code in [
        0x0000u16, 0x0001, 0x0002, 0x0003, 0x0010, 0x001D, 0x001E, 0x001F, 0x0020, 0x0021, 0x0023, 0x0024, 0x0025,
        0x0026, 0x0027, 0x0028, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F, 0x0033, 0x0035, 0x0038, 0x003A, 0x003B,
        0x0040, 0x0041, 0x0100, 0x0103, 0x0105, 0x0107, 0x0108, 0x010A,
    ] {
        assert!(codes.contains(&code), "feature {code:04X} has no case");
    }
}

#[test]
fn emit_gives_the_literal_bytes() {
    for (repr, bytes) in cases() {
        assert_eq!(repr.to_vec(), bytes, "feature {:04X}", repr.code());
        assert_eq!(repr.buffer_len(), bytes.len());
    }
}

#[test]
fn parse_gives_the_descriptor() {
    for (repr, bytes) in cases() {
        let descriptor = FeatureDescriptor::new_checked(&bytes[..]).unwrap();
        assert_eq!(
            FeatureRepr::parse(&descriptor),
            Ok(repr.clone()),
            "feature {:04X}",
            repr.code()
        );
    }
}

#[test]
fn deconstruct_header_bits() {
    // Core: version 2, persistent, current (mmc.md §1.2).
    let bytes = [0x00, 0x01, 0x0B, 0x08, 0x00, 0x00, 0x00, 0x02, 0x03, 0x00, 0x00, 0x00];
    let descriptor = FeatureDescriptor::new_checked(&bytes[..]).unwrap();
    assert_eq!(descriptor.feature_code(), feature_code::CORE);
    assert_eq!(descriptor.version(), 2);
    assert!(descriptor.persistent() && descriptor.current());
    assert_eq!(descriptor.additional_length(), 8);
    assert_eq!(descriptor.data().len(), 8);
}

#[test]
fn construct_header_bits() {
    let mut bytes = [0u8; 4];
    let mut descriptor = FeatureDescriptor::new_unchecked(&mut bytes[..]);
    descriptor.set_feature_code(feature_code::RANDOM_WRITABLE);
    descriptor.set_version(1);
    descriptor.set_current(true);
    assert_eq!(bytes, [0x00, 0x20, 0x05, 0x00]);
}

#[test]
fn persistent_features_are_always_current() {
    let repr = FeatureRepr::new(
        Feature::Morphing {
            operational_change_event: true,
            asynchronous: false,
        },
        false,
    );
    assert!(repr.persistent && repr.current);
    let repr = FeatureRepr::new(Feature::DvdPlusR { write: true }, false);
    assert!(!repr.persistent && !repr.current);
}

#[test]
fn unknown_and_short_features_pass_through() {
    // 0004h Write Protect is not typed; a Core of MMC-2 (4 bytes) is shorter than the layout.
    for bytes in [
        vec![0x00, 0x04, 0x01, 0x04, 0x01, 0x00, 0x00, 0x00],
        vec![0x00, 0x01, 0x03, 0x04, 0x00, 0x00, 0x00, 0x02],
    ] {
        let repr = FeatureRepr::parse(&FeatureDescriptor::new_checked(&bytes[..]).unwrap()).unwrap();
        assert!(matches!(repr.feature, Feature::Other { .. }));
        assert_eq!(repr.to_vec(), bytes);
    }
}

#[test]
fn descriptor_longer_than_the_buffer_is_a_length_error() {
    let bytes = [0x00, 0x1E, 0x09, 0x04, 0x83];
    assert_eq!(
        FeatureRepr::parse(&FeatureDescriptor::new_checked(&bytes[..]).unwrap()),
        Err(CdbError::parameter_list_length())
    );
}

#[test]
fn longest_link_size_list_and_serial_write_back() {
    // Reproducers of the `mmc` fuzz target (docs/fuzzing.md): 251 link sizes, or a 255-byte serial
    // number, padded to 256 data bytes on the way out, which the additional-length byte wrapped
    // to 0; a typed feature now keeps the 252 bytes a descriptor can carry.
    let mut links = vec![0x00, 0x21, 0x05, 0xFF, 0x00, 0x01, 0x00, 251];
    links.extend(std::iter::repeat_n(0x10, 251));
    let mut serial = vec![0x01, 0x08, 0x01, 0xFF];
    serial.extend(std::iter::repeat_n(b'7', 255));
    for bytes in [links, serial] {
        let repr = FeatureRepr::parse(&FeatureDescriptor::new_checked(&bytes[..]).unwrap()).unwrap();
        let emitted = repr.to_vec();
        assert_eq!(emitted.len(), 4 + 252);
        assert_eq!(emitted[3], 252);
        assert_eq!(
            FeatureRepr::parse(&FeatureDescriptor::new_checked(&emitted[..]).unwrap()),
            Ok(repr)
        );
    }
}
