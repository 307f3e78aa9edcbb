//! Mode page state of a drive: pages 01h, 05h and 08h as the host set them, page 2Ah as the
//! model and medium make it, and which page 05h combinations each medium takes (mmc.md §1.1).

use crate::drive::DriveModel;
use crate::media::{MediaClass, Profile, TrackMode, WriteMode, WriteParameters};
use crate::mmc::capabilities::{CapabilitiesPageRepr, LOADING_MECHANISM_TRAY, WriteSpeedDescriptor};
use crate::mmc::mode_pages::{CachingPageRepr, ErrorRecoveryPageRepr};
use crate::mmc::write_parameters::{WriteParametersPageRepr, data_block_type as dbt, multi_session, write_type as wt};

/// Which page-05h settings a medium family takes; `None` for media with no page 05h.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page05Family {
    Cd,
    /// DVD-R, DVD-RW sequential, DVD-R DL: incremental or DAO (mmc.md §2.2).
    DvdMinusSequential,
    DvdRwRestrictedOverwrite,
}

impl Page05Family {
    /// The family of a loaded profile; `None` for DVD+R/+RW, DVD-RAM, BD and ROMs, which take no
    /// page 05h (mmc.md §1.1).
    pub fn of(profile: Profile) -> Option<Page05Family> {
        match profile {
            Profile::CdR | Profile::CdRw => Some(Page05Family::Cd),
            Profile::DvdR | Profile::DvdRwSequential | Profile::DvdRDl => Some(Page05Family::DvdMinusSequential),
            Profile::DvdRwRestrictedOverwrite => Some(Page05Family::DvdRwRestrictedOverwrite),
            _ => None,
        }
    }
}

/// Write type × data block type combinations each family accepts. Everything else is refused
/// with 5/26/00, as libburn's write-mode probing expects (mmc.md §1.1). CD SAO and raw need cue
/// sheets and raw sectors, which arrive with CD mastering: until then they are refused too, so
/// that probing burners do not pick them.
const COMBINATIONS: &[(Page05Family, u8, &[u8])] = &[
    (Page05Family::Cd, wt::TRACK_AT_ONCE, &[dbt::MODE_1, dbt::MODE_2_FORM_1]),
    (Page05Family::DvdMinusSequential, wt::PACKET, &[dbt::MODE_1]),
    (Page05Family::DvdMinusSequential, wt::SESSION_AT_ONCE, &[dbt::MODE_1]),
    (Page05Family::DvdRwRestrictedOverwrite, wt::PACKET, &[dbt::MODE_1]),
];

/// True when `family` takes this write type with this data block type.
pub fn accepts(family: Page05Family, write_type: u8, block_type: u8) -> bool {
    COMBINATIONS
        .iter()
        .any(|(f, w, blocks)| *f == family && *w == write_type && blocks.contains(&block_type))
}

/// The page 05h a drive holds for a medium of `family` after it is loaded: TAO Mode 1 on CD,
/// incremental with 16-block fixed packets and link size 16 on DVD-R (mmc.md §1.1), Multi-session
/// 00b (finalize) and Test Write off.
pub fn default_write_parameters(family: Option<Page05Family>) -> WriteParametersPageRepr {
    let cd = WriteParametersPageRepr {
        multi_session: multi_session::FINALIZE,
        ..WriteParametersPageRepr::default()
    };
    match family {
        Some(Page05Family::DvdMinusSequential) | Some(Page05Family::DvdRwRestrictedOverwrite) => {
            WriteParametersPageRepr {
                write_type: wt::PACKET,
                link_size_valid: true,
                link_size: 16,
                fixed_packet: true,
                packet_size: 16,
                track_mode: 5,
                ..cd
            }
        }
        _ => cd,
    }
}

/// What the disc rules need from page 05h.
pub fn write_parameters_of(page: &WriteParametersPageRepr) -> WriteParameters {
    WriteParameters {
        write_mode: match page.write_type {
            wt::PACKET => WriteMode::Incremental,
            wt::SESSION_AT_ONCE => WriteMode::SessionAtOnce,
            wt::RAW => WriteMode::Raw,
            _ => WriteMode::TrackAtOnce,
        },
        track_mode: if page.data_block_type == dbt::MODE_2_FORM_1 {
            TrackMode::Mode2
        } else {
            TrackMode::Mode1
        },
        keep_appendable: page.multi_session == multi_session::APPENDABLE,
    }
}

/// The mode pages the host can change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModePages {
    pub error_recovery: ErrorRecoveryPageRepr,
    pub write_parameters: WriteParametersPageRepr,
    pub caching: CachingPageRepr,
}

impl ModePages {
    /// Power-on values: read retries 32, write cache on (mmc.md §1.1 pages 01h, 08h).
    pub fn defaults(family: Option<Page05Family>) -> ModePages {
        ModePages {
            error_recovery: ErrorRecoveryPageRepr {
                read_retry_count: 32,
                write_retry_count: 32,
                ..Default::default()
            },
            write_parameters: default_write_parameters(family),
            caching: CachingPageRepr {
                write_cache_enabled: true,
                ..Default::default()
            },
        }
    }
}

/// Speed steps offered per media class, as multiples of 1× (CD 176, DVD 1385, BD 4495 kB/s).
const SPEED_STEPS: &[(MediaClass, u32, &[u32])] = &[
    (MediaClass::Cd, 176, &[52, 48, 40, 32, 24, 16, 10, 8, 4]),
    (MediaClass::Dvd, 1385, &[24, 20, 16, 12, 8, 6, 4, 2]),
    (MediaClass::Bd, 4495, &[16, 12, 10, 8, 6, 4, 2]),
];

/// Write speeds (kB/s, fastest first) the model offers for a class: the steps up to its maximum.
pub fn write_speeds(model: &DriveModel, class: MediaClass) -> Vec<u32> {
    let max = model.max_write_speed(class);
    SPEED_STEPS
        .iter()
        .filter(|(c, _, _)| *c == class)
        .flat_map(|(_, unit, steps)| steps.iter().map(move |s| s * unit))
        .filter(|speed| *speed <= max)
        .collect()
}

/// Page 2Ah for `model` with the loaded profile (if any) and the current speeds and lock.
pub fn capabilities(
    model: &DriveModel,
    profile: Option<Profile>,
    locked: bool,
    read_kbps: u32,
    write_kbps: u32,
) -> CapabilitiesPageRepr {
    let reads = |p: Profile| u8::from(model.can_read(p));
    let writes = |p: Profile| u8::from(model.can_write(p));
    let class = profile
        .map(Profile::class)
        .or_else(|| model.reads.last().map(|p| p.class()));
    let class = class.unwrap_or(MediaClass::Cd);
    let speeds = write_speeds(model, class);
    let clamp16 = |v: u32| v.min(u32::from(u16::MAX)) as u16;
    CapabilitiesPageRepr {
        parameters_savable: false,
        read_capabilities: reads(Profile::CdR)
            | reads(Profile::CdRw) << 1
            | 1 << 2
            | reads(Profile::DvdRom) << 3
            | reads(Profile::DvdR) << 4
            | reads(Profile::DvdRam) << 5,
        write_capabilities: writes(Profile::CdR)
            | writes(Profile::CdRw) << 1
            | 1 << 2
            | writes(Profile::DvdR) << 4
            | writes(Profile::DvdRam) << 5,
        // BUF (underrun-proof) and multisession.
        playback_capabilities: 0x80 | 0x40,
        cd_da_capabilities: 0,
        loading_mechanism: LOADING_MECHANISM_TRAY,
        eject: true,
        prevent_jumper: false,
        lock_state: locked,
        lock: true,
        changer_flags: 0,
        max_read_speed: clamp16(model.max_read_speed(class)),
        volume_levels: 0,
        buffer_size_kbytes: clamp16(model.buffer_kib),
        current_read_speed: clamp16(if read_kbps == 0 {
            model.max_read_speed(class)
        } else {
            read_kbps
        }),
        digital_output: 0,
        max_write_speed: clamp16(model.max_write_speed(class)),
        current_write_speed: clamp16(if write_kbps == 0 {
            model.max_write_speed(class)
        } else {
            write_kbps
        }),
        copy_management_revision: 0,
        rotation_control_selected: 0,
        current_write_speed_selected: clamp16(if write_kbps == 0 {
            model.max_write_speed(class)
        } else {
            write_kbps
        }),
        write_speeds: speeds
            .into_iter()
            .map(|s| WriteSpeedDescriptor {
                rotation_control: 0,
                kbytes_per_second: clamp16(s),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cd_takes_tao_mode_1_and_refuses_what_is_not_modelled() {
        assert!(accepts(Page05Family::Cd, wt::TRACK_AT_ONCE, dbt::MODE_1));
        for (write_type, block) in [
            (wt::SESSION_AT_ONCE, dbt::MODE_1),
            (wt::RAW, dbt::RAW_2352),
            (wt::TRACK_AT_ONCE, dbt::MODE_2),
        ] {
            assert!(!accepts(Page05Family::Cd, write_type, block));
        }
        assert!(accepts(
            Page05Family::DvdMinusSequential,
            wt::SESSION_AT_ONCE,
            dbt::MODE_1
        ));
        assert!(!accepts(
            Page05Family::DvdMinusSequential,
            wt::TRACK_AT_ONCE,
            dbt::MODE_1
        ));
    }

    #[test]
    fn write_speeds_stop_at_the_model_maximum() {
        let model = DriveModel::builtin("dvd-writer").unwrap();
        assert_eq!(write_speeds(&model, MediaClass::Dvd).first(), Some(&(24 * 1385)));
        assert_eq!(write_speeds(&model, MediaClass::Bd), Vec::<u32>::new());
        let cd = DriveModel::builtin("cd-rw").unwrap();
        assert_eq!(write_speeds(&cd, MediaClass::Cd).first(), Some(&(52 * 176)));
    }

    #[test]
    fn page_05_maps_onto_disc_write_parameters() {
        let mut page = default_write_parameters(Some(Page05Family::Cd));
        assert_eq!(write_parameters_of(&page), WriteParameters::default());
        page.multi_session = multi_session::APPENDABLE;
        page.write_type = wt::PACKET;
        assert_eq!(write_parameters_of(&page), WriteParameters::multisession());
    }
}
