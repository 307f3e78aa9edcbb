//! The feature set of GET CONFIGURATION (mmc.md §1.2): which features a drive model presents,
//! and which are current for the loaded medium. Presence follows the model's profile lists;
//! currency follows the disc. Features for things the emulator does not do (CD mastering with cue
//! sheets, layer jump, MRW, audio play) are not presented at all.

use crate::drive::DriveModel;
use crate::media::{Disc, Family, MediaClass, Profile};
use crate::mmc::features::{Feature, FeatureRepr, ProfileDescriptor};

/// Block size and blocking of a media class (mmc.md §1.2 feature 0010h).
fn blocking(class: MediaClass) -> u16 {
    match class {
        MediaClass::Cd => 1,
        MediaClass::Dvd => 16,
        MediaClass::Bd => 32,
    }
}

/// Data block types of feature 0021h / 002Dh: CD Mode 1 (8) and Mode 2 Form 1 (10); DVD and BD
/// Mode 1 only (bit n = data block type n, mmc.md §1.1 page 05h).
fn data_block_types(class: MediaClass) -> u16 {
    match class {
        MediaClass::Cd => 1 << 8 | 1 << 10,
        _ => 1 << 8,
    }
}

/// Every feature `model` presents, in ascending code, with current bits for `disc` (the loaded
/// medium the drive can read, if any).
pub fn features(model: &DriveModel, disc: Option<&Disc>) -> Vec<FeatureRepr> {
    let profile = disc.map(|d| d.profile);
    let is = |p: Profile| profile == Some(p);
    let class = profile.map(Profile::class);
    let writes = |p: Profile| model.can_write(p);
    let reads_class = |c: MediaClass| model.reads.iter().any(|p| p.class() == c);
    let writes_any = |ps: &[Profile]| ps.iter().any(|p| model.can_write(*p));
    let top_class = [MediaClass::Bd, MediaClass::Dvd, MediaClass::Cd]
        .into_iter()
        .find(|c| reads_class(*c));
    let readable = disc.is_some_and(|d| d.readable_blocks() > 0);
    let random_writable = disc.and_then(|d| {
        let formatted = d.formatted_blocks()?;
        matches!(d.profile, Profile::DvdPlusRw | Profile::DvdRam | Profile::BdRe).then_some(formatted)
    });
    let incremental = disc.is_some_and(|d| {
        matches!(
            d.profile,
            Profile::CdR | Profile::CdRw | Profile::DvdR | Profile::DvdRwSequential | Profile::BdRSrm
        ) && !d.incremental_disabled
            && !d.finalized
    });
    let writable_now = profile.is_some_and(|p| model.can_write(p) && p.family() != Family::ReadOnly);

    let mut profiles: Vec<ProfileDescriptor> = model
        .reads
        .iter()
        .map(|p| ProfileDescriptor {
            profile: p.code(),
            current: is(*p),
        })
        .collect();
    profiles.sort_by_key(|p| std::cmp::Reverse(p.profile));

    let mut list: Vec<FeatureRepr> = vec![
        FeatureRepr::new(Feature::ProfileList(profiles), true),
        FeatureRepr::new(
            Feature::Core {
                physical_interface: model.interface as u32,
                inquiry2: false,
                device_busy_event: true,
            },
            true,
        ),
        FeatureRepr::new(
            Feature::Morphing {
                operational_change_event: true,
                asynchronous: false,
            },
            true,
        ),
        FeatureRepr::new(
            Feature::RemovableMedium {
                loading_mechanism: 1,
                load: true,
                eject: true,
                prevent_jumper: false,
                lock: true,
            },
            true,
        ),
        FeatureRepr::new(
            Feature::RandomReadable {
                block_size: 2048,
                blocking: class.or(top_class).map_or(1, blocking),
                page_present: true,
            },
            readable,
        ),
    ];
    let mut add = |present: bool, feature: Feature, current: bool| {
        if present {
            list.push(FeatureRepr::new(feature, current));
        }
    };
    let cd = class == Some(MediaClass::Cd);
    add(reads_class(MediaClass::Cd), Feature::MultiRead, cd);
    add(
        reads_class(MediaClass::Cd),
        Feature::CdRead {
            digital_audio_play: false,
            c2_flags: false,
            cd_text: false,
        },
        cd,
    );
    add(
        reads_class(MediaClass::Dvd),
        Feature::DvdRead {
            multi110: true,
            dual_layer_rw: false,
            dual_layer_r: true,
        },
        class == Some(MediaClass::Dvd),
    );
    add(
        writes_any(&[Profile::DvdPlusRw, Profile::DvdRam, Profile::BdRe]),
        Feature::RandomWritable {
            last_lba: random_writable.unwrap_or(0).saturating_sub(1),
            block_size: 2048,
            blocking: class.map_or(16, blocking),
            page_present: true,
        },
        random_writable.is_some(),
    );
    let link_sizes = match class {
        Some(MediaClass::Dvd) => vec![16],
        Some(MediaClass::Bd) => vec![0],
        _ => vec![7],
    };
    add(
        writes_any(&[
            Profile::CdR,
            Profile::CdRw,
            Profile::DvdR,
            Profile::DvdRwSequential,
            Profile::BdRSrm,
        ]),
        Feature::IncrementalStreamingWritable {
            data_block_types: data_block_types(class.unwrap_or(MediaClass::Cd)),
            track_resources_info: false,
            address_reservation: true,
            buffer_underrun_free: true,
            link_sizes,
        },
        incremental && writable_now,
    );
    let formattable = disc.is_some_and(Disc::presents_formattable);
    add(
        writes_any(&[
            Profile::DvdPlusRw,
            Profile::BdRe,
            Profile::BdRSrm,
            Profile::DvdRwSequential,
            Profile::DvdRam,
        ]),
        Feature::Formattable {
            renosa: false,
            expand: false,
            quick_certification: true,
            certification: true,
            random_recording_mode: false,
        },
        formattable && writable_now,
    );
    add(
        writes_any(&[Profile::DvdRam, Profile::BdRe]),
        Feature::HardwareDefectManagement {
            supplemental_spare_area: false,
        },
        is(Profile::DvdRam) || is(Profile::BdRe),
    );
    let restricted = is(Profile::DvdRwRestrictedOverwrite);
    add(
        writes(Profile::DvdRwRestrictedOverwrite),
        Feature::RestrictedOverwrite,
        restricted && writable_now,
    );
    add(
        writes(Profile::CdRw),
        Feature::CdRwCavWrite,
        is(Profile::CdRw) && writable_now,
    );
    add(
        writes(Profile::DvdPlusRw),
        Feature::DvdPlusRw {
            write: true,
            close_only: false,
            quick_start: true,
        },
        is(Profile::DvdPlusRw),
    );
    add(
        writes(Profile::DvdPlusR),
        Feature::DvdPlusR { write: true },
        is(Profile::DvdPlusR),
    );
    add(
        writes(Profile::DvdRwRestrictedOverwrite),
        Feature::RigidRestrictedOverwrite {
            dsdg: false,
            dsdr: false,
            intermediate: true,
            blank: true,
        },
        restricted && writable_now,
    );
    let cd_writable = (is(Profile::CdR) || is(Profile::CdRw)) && writable_now;
    add(
        writes_any(&[Profile::CdR, Profile::CdRw]),
        Feature::CdTrackAtOnce {
            buffer_underrun_free: true,
            rw_raw: false,
            rw_pack: false,
            test_write: true,
            cd_rw: writes(Profile::CdRw),
            rw_subcode: false,
            data_types: data_block_types(MediaClass::Cd),
        },
        cd_writable,
    );
    add(
        writes_any(&[Profile::DvdR, Profile::DvdRwSequential, Profile::DvdRDl]),
        Feature::DvdRWrite {
            buffer_underrun_free: true,
            dual_layer: writes(Profile::DvdRDl),
            test_write: true,
            dvd_rw: writes(Profile::DvdRwSequential),
        },
        (is(Profile::DvdR) || is(Profile::DvdRwSequential) || is(Profile::DvdRDl)) && writable_now,
    );
    // Current on a BD-R formatted SRM+POW until it is finalized (real-drives.md §6; growisofs
    // asks for it alone and then leaves the session open and rewrites LBA 16 in place).
    add(
        writes(Profile::BdRSrm),
        Feature::BdRPseudoOverwrite,
        disc.is_some_and(Disc::pseudo_overwrite_active) && writable_now,
    );
    add(
        writes(Profile::DvdPlusRDl),
        Feature::DvdPlusRDualLayer { write: true },
        is(Profile::DvdPlusRDl),
    );
    // BD classes: class 0, versions 1–3 for BD-RE and BD-R, 1 for BD-ROM (spec, verify).
    let bd = class == Some(MediaClass::Bd);
    add(
        reads_class(MediaClass::Bd),
        Feature::BdRead {
            bd_re: [0x000E, 0, 0, 0],
            bd_r: [0x0006, 0, 0, 0],
            bd_rom: [0x0002, 0, 0, 0],
        },
        bd,
    );
    add(
        writes_any(&[Profile::BdRe, Profile::BdRSrm]),
        Feature::BdWrite {
            verify_not_required: false,
            bd_re: [0x000E, 0, 0, 0],
            bd_r: [0x0006, 0, 0, 0],
        },
        bd && writable_now,
    );
    add(true, Feature::PowerManagement, true);
    add(
        true,
        Feature::Timeout {
            group3: false,
            unit_length: 512,
        },
        true,
    );
    add(
        true,
        Feature::RealTimeStreaming {
            read_buffer_capacity_block: true,
            set_cd_speed: true,
            mode_page_2a_speeds: true,
            write_speed_performance: true,
            stream_writing: true,
        },
        true,
    );
    add(true, Feature::DriveSerialNumber(model.serial.as_bytes().to_vec()), true);
    list.sort_by_key(FeatureRepr::code);
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[FeatureRepr], current_only: bool) -> Vec<u16> {
        list.iter()
            .filter(|f| !current_only || f.current)
            .map(FeatureRepr::code)
            .collect()
    }

    #[test]
    fn cd_r_in_a_cd_writer_makes_the_cd_write_features_current() {
        let model = DriveModel::builtin("cd-rw").unwrap();
        let list = features(&model, Some(&Disc::new(Profile::CdR)));
        assert_eq!(
            codes(&list, true),
            vec![
                0x0000, 0x0001, 0x0002, 0x0003, 0x001D, 0x001E, 0x0021, 0x002D, 0x0100, 0x0105, 0x0107, 0x0108
            ]
        );
        assert!(!codes(&list, false).contains(&0x001F), "a CD drive has no DVD Read");
    }

    #[test]
    fn random_writable_is_current_for_formatted_bd_re_only() {
        let model = DriveModel::builtin("bd-writer").unwrap();
        let formatted = Disc::pressed(Profile::BdRe, 0, false);
        let current = codes(&features(&model, Some(&formatted)), true);
        assert!(current.contains(&0x0020) && current.contains(&0x0024) && current.contains(&0x0041));
        let blank = codes(&features(&model, Some(&Disc::new(Profile::BdRe))), true);
        assert!(!blank.contains(&0x0020));
        let dvd_r = codes(&features(&model, Some(&Disc::new(Profile::DvdR))), true);
        assert!(dvd_r.contains(&0x0021) && dvd_r.contains(&0x002F) && dvd_r.contains(&0x001F));
    }

    #[test]
    fn no_medium_leaves_only_drive_features_current() {
        let model = DriveModel::builtin("dvd-writer").unwrap();
        let list = features(&model, None);
        assert_eq!(
            codes(&list, true),
            vec![0x0000, 0x0001, 0x0002, 0x0003, 0x0100, 0x0105, 0x0107, 0x0108]
        );
        let Feature::ProfileList(profiles) = &list[0].feature else {
            panic!("profile list first")
        };
        assert!(profiles.iter().all(|p| !p.current));
        assert_eq!(
            profiles.first().map(|p| p.profile),
            Some(0x002B),
            "highest profile first"
        );
    }

    /// real-drives.md §6: a BD-R formatted SRM+POW presents BD-R Pseudo-Overwrite current and
    /// Formattable no longer current; SRM−POW keeps today's set; finalizing ends POW.
    #[test]
    fn bd_r_pseudo_overwrite_is_current_after_a_pow_format_only() {
        let model = DriveModel::builtin("bd-writer").unwrap();
        let format = |subtype| {
            let mut disc = Disc::new(Profile::BdRSrm);
            disc.format(crate::media::FormatRequest {
                format_type: 0x32,
                subtype,
                blocks: 12088320,
                parameter: 0,
            })
            .unwrap();
            disc
        };
        let blank = features(&model, Some(&Disc::new(Profile::BdRSrm)));
        assert!(codes(&blank, false).contains(&0x0038) && !codes(&blank, true).contains(&0x0038));
        assert!(codes(&blank, true).contains(&0x0023));
        let pow = codes(&features(&model, Some(&format(0))), true);
        assert!(pow.contains(&0x0038) && !pow.contains(&0x0023), "{pow:04X?}");
        let srm = codes(&features(&model, Some(&format(1))), true);
        assert!(!srm.contains(&0x0038) && srm.contains(&0x0023), "{srm:04X?}");
        let mut finalized = format(0);
        let params = crate::media::WriteParameters::multisession();
        finalized.write(0, 32, &params).unwrap();
        finalized.close(1, 1, &params).unwrap();
        finalized.close(6, 0, &params).unwrap();
        assert!(!codes(&features(&model, Some(&finalized)), true).contains(&0x0038));
        let dvd = DriveModel::builtin("dvd-writer").unwrap();
        assert!(
            !codes(&features(&dvd, None), false).contains(&0x0038),
            "no BD-R writing, no POW"
        );
    }

    #[test]
    fn a_minimally_blanked_dvd_rw_loses_incremental_recording() {
        let model = DriveModel::builtin("dvd-writer").unwrap();
        let mut disc = Disc::new(Profile::DvdRwSequential);
        disc.blank(crate::media::BlankType::Minimal).unwrap();
        assert!(!codes(&features(&model, Some(&disc)), true).contains(&0x0021));
    }
}
