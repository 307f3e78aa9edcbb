//! Which MMC commands a data write issues on each medium (mmc.md §1.5 and §2.2, the libburn and
//! growisofs sequences): decided here as data — a [`WritePlan`] of [`Step`]s — and executed by the
//! data writer. Keeping the decision pure makes each medium's sequence a unit test.
//!
//! | medium | before the data | data at | after the data |
//! |---|---|---|---|
//! | CD-R, CD-RW | MODE SELECT 05h: TAO, Mode 1, Multi-session 11b (00b to close) | NWA, + 150-block post-gap | SYNC, CLOSE SESSION 010b |
//! | DVD-R incremental | MODE SELECT 05h: packet, fixed 16, link 16, Multi-session 11b (00b to close); SEND OPC | NWA | SYNC, CLOSE TRACK 001b, CLOSE SESSION 010b |
//! | DVD-R DAO (blank and closing), DVD-R DL (blank) | MODE SELECT 05h: DAO; SEND OPC; RESERVE TRACK | NWA | SYNC (the drive closes the disc) |
//! | DVD+R, DVD+R DL | — | NWA | SYNC, CLOSE TRACK 001b, CLOSE SESSION 010b or finalize 101b/110b (§2.5 table, [`DvdPlusRDlMultisession`]) |
//! | BD-R | — | NWA | SYNC, CLOSE TRACK 001b, CLOSE SESSION 010b or finalize 110b |
//! | DVD+RW | FORMAT 26h when blank (background) | 0 | SYNC, CLOSE 000b (stop the format) or 010b (complete it, closing) |
//! | BD-RE | FORMAT 00h when blank (wait) | 0 | SYNC |
//! | DVD-RAM | — | 0 | SYNC |
//! | DVD-RW sequential, blank | FORMAT 15h quick → restricted overwrite (wait) | 0 | SYNC, CLOSE 010b (ends the intermediate state) |
//! | DVD-RW restricted overwrite | — | 0 | SYNC (+ CLOSE 010b while intermediate) |

use super::media_state::{CD_POSTGAP_BLOCKS, MediaState};
use crate::hresult::HResult;
use crate::media::{Family, Profile};
use crate::mmc::cdb::CloseFunction;
use crate::mmc::disc_information::BackgroundFormat;
use crate::mmc::format_capacities::format_type;
use crate::mmc::format_unit::{ALL_BLOCKS, FormatListRepr};
use crate::mmc::write_parameters::{WriteParametersPageRepr, data_block_type, multi_session, write_type};
use serde::{Deserialize, Serialize};

/// The data writer's properties that change the sequence (imapi2.md §2.5), and the emulation
/// option where the documentation contradicts itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteSettings {
    pub force_media_to_be_closed: bool,
    pub disable_consumer_dvd_compatibility_mode: bool,
    pub postgap_already_in_image: bool,
    pub buffer_underrun_free_disabled: bool,
    pub dvd_plus_r_dl: DvdPlusRDlMultisession,
}

/// How a DVD+R DL write ends — an emulation option, because two documented facts disagree
/// (docs/data-writer.md): the §2.5 table closes a DVD+R DL disc under every combination of
/// DisableConsumerDvdCompatibilityMode and ForceMediaToBeClosed, while the §3.1 media matrix lists
/// DVD+R DL among the media IMAPI adds sessions to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum DvdPlusRDlMultisession {
    /// Exactly the §2.5 table: under (Disable TRUE, Force FALSE) the disc is closed normally
    /// (101b), so a DVD+R DL never takes a second session.
    #[default]
    AsDocumented,
    /// The DVD+R column of the table for DVD+R DL too: under (Disable TRUE, Force FALSE) only the
    /// session is closed (010b) and the disc stays appendable, as the §3.1 matrix implies.
    LikeDvdPlusR,
}

/// One step of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// MODE SELECT(10) with mode page 05h.
    WriteParameters(WriteParametersPageRepr),
    /// FORMAT UNIT with Immed; `wait`: poll until the (foreground) format ends.
    Format { list: FormatListRepr, wait: bool },
    /// SEND OPC INFORMATION with DoOpc (power calibration).
    SendOpc,
    /// RESERVE TRACK of the image's size (DVD-R DAO).
    ReserveTrack { blocks: u32 },
    /// WRITE(10) of the stream from `lba`, then `postgap_blocks` blocks of zeros.
    WriteData { lba: u32, postgap_blocks: u32 },
    /// SYNCHRONIZE CACHE with Immed, then poll until the drive is ready.
    SynchronizeCache,
    /// CLOSE TRACK/SESSION with Immed, then poll.
    Close { function: CloseFunction, track: u16 },
}

/// The commands of one write, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WritePlan {
    /// Where the stream's first block goes.
    pub start_lba: u32,
    pub steps: Vec<Step>,
    /// The disc is closed (finalized) at the end.
    pub closes_disc: bool,
}

impl WritePlan {
    pub fn formats(&self) -> bool {
        self.steps.iter().any(|s| matches!(s, Step::Format { .. }))
    }
}

/// How a DVD+R session ends (imapi2.md §2.5 DisableConsumerDvdCompatibilityMode table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DvdPlusRClose {
    /// CLOSE SESSION 010b: the disc stays appendable.
    Session,
    /// "Close disc compatible": finalize 110b (full lead-out, DVD-ROM compatible; growisofs
    /// `-dvd-compat` on DVD+R).
    FinalizeCompatible,
    /// "Close disc normally": finalize 101b with minimal radius (libburn's DVD+R finalize).
    FinalizeNormal,
}

impl DvdPlusRClose {
    pub fn function(self) -> CloseFunction {
        match self {
            DvdPlusRClose::Session => CloseFunction::CloseSession,
            DvdPlusRClose::FinalizeCompatible => CloseFunction::Finalize,
            DvdPlusRClose::FinalizeNormal => CloseFunction::FinalizeMinimalRadius,
        }
    }
}

/// (DisableConsumerDvdCompatibilityMode, ForceMediaToBeClosed) → (DVD+R, DVD+R DL), exactly the
/// §2.5 table: (F,T) and (F,F) close the disc compatibly; (T,T) closes it normally; (T,F) closes
/// the session on DVD+R and the disc normally on DVD+R DL.
pub static DVD_PLUS_R_CLOSES: [(bool, bool, DvdPlusRClose, DvdPlusRClose); 4] = [
    (
        false,
        true,
        DvdPlusRClose::FinalizeCompatible,
        DvdPlusRClose::FinalizeCompatible,
    ),
    (
        false,
        false,
        DvdPlusRClose::FinalizeCompatible,
        DvdPlusRClose::FinalizeCompatible,
    ),
    (true, true, DvdPlusRClose::FinalizeNormal, DvdPlusRClose::FinalizeNormal),
    (true, false, DvdPlusRClose::Session, DvdPlusRClose::FinalizeNormal),
];

/// How a DVD+R / DVD+R DL write ends under these settings; `dual_layer` picks the column DVD+R DL
/// follows.
pub fn dvd_plus_r_close(
    profile: Profile,
    disable_compatibility: bool,
    force_close: bool,
    dual_layer: DvdPlusRDlMultisession,
) -> DvdPlusRClose {
    let (_, _, single, dual) = DVD_PLUS_R_CLOSES
        .iter()
        .find(|(d, f, _, _)| *d == disable_compatibility && *f == force_close)
        .expect("the table covers all four combinations");
    match (profile, dual_layer) {
        (Profile::DvdPlusRDl, DvdPlusRDlMultisession::AsDocumented) => *dual,
        _ => *single,
    }
}

/// Whether this write should close the disc: asked for, or ≤ 2 % free afterwards (imapi2.md §3.7).
fn closes_by_space(state: &MediaState, settings: &WriteSettings, image_blocks: u32) -> bool {
    let total = u64::from(state.total_sectors());
    let left = u64::from(state.free_sectors(settings.postgap_already_in_image)).saturating_sub(u64::from(image_blocks));
    total > 0 && left * 50 <= total
}

/// Page 05h for a CD TAO data track (mmc.md §2.2, docs/drive.md).
fn cd_page(settings: &WriteSettings, close: bool) -> WriteParametersPageRepr {
    WriteParametersPageRepr {
        buffer_underrun_free: !settings.buffer_underrun_free_disabled,
        write_type: write_type::TRACK_AT_ONCE,
        multi_session: if close {
            multi_session::FINALIZE
        } else {
            multi_session::APPENDABLE
        },
        track_mode: 4,
        data_block_type: data_block_type::MODE_1,
        ..WriteParametersPageRepr::default()
    }
}

/// Page 05h for DVD-R[W]: incremental (fixed 16-block packets, link size 16) or DAO.
fn dvd_minus_page(settings: &WriteSettings, dao: bool, close: bool) -> WriteParametersPageRepr {
    let base = WriteParametersPageRepr {
        buffer_underrun_free: !settings.buffer_underrun_free_disabled,
        multi_session: if close {
            multi_session::FINALIZE
        } else {
            multi_session::APPENDABLE
        },
        track_mode: 5,
        data_block_type: data_block_type::MODE_1,
        audio_pause_length: 0,
        ..WriteParametersPageRepr::default()
    };
    if dao {
        WriteParametersPageRepr {
            write_type: write_type::SESSION_AT_ONCE,
            ..base
        }
    } else {
        WriteParametersPageRepr {
            write_type: write_type::PACKET,
            fixed_packet: true,
            packet_size: 16,
            link_size_valid: true,
            link_size: 16,
            ..base
        }
    }
}

/// The FORMAT UNIT list of a format the medium offers (MEDIA_IS_NOT_SUPPORTED when it offers none).
fn format_list(state: &MediaState, format: u8, subtype: u8) -> Result<FormatListRepr, HResult> {
    state
        .format_list(format, subtype)
        .ok_or(HResult::E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED)
}

/// The steps that write `image_blocks` blocks to the medium described by `state`.
///
/// Fails with `E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED` for a medium no sequence exists for and
/// `E_IMAPI_DF2DATA_INVALID_MEDIA_STATE` when the medium takes no new data now.
pub fn plan_write(state: &MediaState, settings: &WriteSettings, image_blocks: u32) -> Result<WritePlan, HResult> {
    let profile = state
        .profile
        .filter(|_| state.is_supported_type())
        .ok_or(HResult::E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED)?;
    if profile.family() == Family::Overwritable || profile == Profile::DvdRwSequential {
        return plan_overwrite(state, settings, profile);
    }
    let nwa = state
        .next_writable_address()
        .ok_or(HResult::E_IMAPI_DF2DATA_INVALID_MEDIA_STATE)?;
    let track = state.invisible_track().map_or(1, |t| t.track_number);
    let close = settings.force_media_to_be_closed || closes_by_space(state, settings, image_blocks);
    let data = |postgap_blocks| Step::WriteData {
        lba: nwa,
        postgap_blocks,
    };
    let close_track = Step::Close {
        function: CloseFunction::CloseTrack,
        track,
    };
    let close_session = |function| Step::Close { function, track: 0 };
    let (steps, closes_disc) = match profile {
        Profile::CdR | Profile::CdRw => {
            let postgap = if settings.postgap_already_in_image {
                0
            } else {
                CD_POSTGAP_BLOCKS
            };
            (
                vec![
                    Step::WriteParameters(cd_page(settings, close)),
                    data(postgap),
                    Step::SynchronizeCache,
                    close_session(CloseFunction::CloseSession),
                ],
                close,
            )
        }
        // Disc-at-once into a reserved track on a blank DVD-R that is to be closed, and on a blank
        // DVD-R DL (single session): SYNCHRONIZE CACHE of the full reservation closes the disc
        // (mmc.md §2.2). libburn and growisofs use DAO on blank media only.
        Profile::DvdR | Profile::DvdRDl if (close || profile == Profile::DvdRDl) && state.is_physically_blank() => (
            vec![
                Step::WriteParameters(dvd_minus_page(settings, true, true)),
                Step::SendOpc,
                Step::ReserveTrack { blocks: image_blocks },
                data(0),
                Step::SynchronizeCache,
            ],
            true,
        ),
        // Incremental: the border closes, and page 05h Multi-session says whether the disc
        // stays appendable (11b) or is finalized (00b).
        Profile::DvdR | Profile::DvdRDl => (
            vec![
                Step::WriteParameters(dvd_minus_page(settings, false, close)),
                Step::SendOpc,
                data(0),
                Step::SynchronizeCache,
                close_track,
                close_session(CloseFunction::CloseSession),
            ],
            close,
        ),
        Profile::DvdPlusR | Profile::DvdPlusRDl => {
            // Closing for lack of space counts as if ForceMediaToBeClosed were set.
            let how = dvd_plus_r_close(
                profile,
                settings.disable_consumer_dvd_compatibility_mode,
                close,
                settings.dvd_plus_r_dl,
            );
            (
                vec![
                    data(0),
                    Step::SynchronizeCache,
                    close_track,
                    close_session(how.function()),
                ],
                how != DvdPlusRClose::Session,
            )
        }
        Profile::BdRSrm => (
            vec![
                data(0),
                Step::SynchronizeCache,
                close_track,
                close_session(if close {
                    CloseFunction::Finalize
                } else {
                    CloseFunction::CloseSession
                }),
            ],
            close,
        ),
        _ => return Err(HResult::E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED),
    };
    Ok(WritePlan {
        start_lba: nwa,
        steps,
        closes_disc,
    })
}

/// Overwritable media (and a blank sequential DVD-RW, formatted to restricted overwrite first):
/// the stream goes to LBA 0.
fn plan_overwrite(state: &MediaState, settings: &WriteSettings, profile: Profile) -> Result<WritePlan, HResult> {
    let mut steps = Vec::new();
    let data = Step::WriteData {
        lba: 0,
        postgap_blocks: 0,
    };
    let close_session = Step::Close {
        function: CloseFunction::CloseSession,
        track: 0,
    };
    match profile {
        Profile::DvdPlusRw => {
            let blank = !state.is_formatted();
            if blank {
                // Background format: writing may start at once (mmc.md §2.2).
                steps.push(Step::Format {
                    list: FormatListRepr::immediate(format_type::DVD_PLUS_RW_BASIC, 0, ALL_BLOCKS, 0),
                    wait: false,
                });
            }
            steps.push(data);
            steps.push(Step::SynchronizeCache);
            let background = state.background_format();
            let running = blank || background == BackgroundFormat::InProgress;
            if settings.force_media_to_be_closed && (running || background == BackgroundFormat::Suspended) {
                // Complete the format in a DVD-ROM compatible way (growisofs `-dvd-compat`).
                steps.push(close_session);
            } else if running {
                // Stop the "de-icing" at an ECC boundary, as growisofs does.
                steps.push(Step::Close {
                    function: CloseFunction::StopBackgroundFormat,
                    track: 0,
                });
            }
        }
        Profile::BdRe => {
            if !state.is_formatted() {
                steps.push(Step::Format {
                    list: format_list(state, format_type::FULL, 0)?,
                    wait: true,
                });
            }
            steps.extend([data, Step::SynchronizeCache]);
        }
        Profile::DvdRam => steps.extend([data, Step::SynchronizeCache]),
        Profile::DvdRwSequential => {
            if !state.is_physically_blank() {
                return Err(HResult::E_IMAPI_DF2DATA_INVALID_MEDIA_STATE);
            }
            steps.push(Step::Format {
                list: format_list(state, format_type::DVD_RW_QUICK, 0)?,
                wait: true,
            });
            steps.extend([data, Step::SynchronizeCache, close_session]);
        }
        Profile::DvdRwRestrictedOverwrite => {
            steps.extend([data, Step::SynchronizeCache]);
            if state.is_intermediate() {
                steps.push(close_session);
            }
        }
        _ => return Err(HResult::E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED),
    }
    Ok(WritePlan {
        start_lba: 0,
        steps,
        closes_disc: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dvd_plus_r_table_is_the_documented_one() {
        use DvdPlusRClose::*;
        let documented = DvdPlusRDlMultisession::AsDocumented;
        let single = |d, f| dvd_plus_r_close(Profile::DvdPlusR, d, f, documented);
        let dual = |d, f| dvd_plus_r_close(Profile::DvdPlusRDl, d, f, documented);
        assert_eq!(single(false, true), FinalizeCompatible);
        assert_eq!(single(false, false), FinalizeCompatible);
        assert_eq!(single(true, true), FinalizeNormal);
        assert_eq!(single(true, false), Session);
        assert_eq!(dual(false, true), FinalizeCompatible);
        assert_eq!(dual(false, false), FinalizeCompatible);
        assert_eq!(dual(true, true), FinalizeNormal);
        assert_eq!(dual(true, false), FinalizeNormal);
        assert_eq!(FinalizeCompatible.function() as u8, 0b110);
        assert_eq!(FinalizeNormal.function() as u8, 0b101);
    }

    #[test]
    fn dvd_plus_r_dl_like_dvd_plus_r_differs_only_where_the_docs_disagree() {
        let like = DvdPlusRDlMultisession::LikeDvdPlusR;
        for (disable, force) in [(false, true), (false, false), (true, true)] {
            assert_eq!(
                dvd_plus_r_close(Profile::DvdPlusRDl, disable, force, like),
                dvd_plus_r_close(
                    Profile::DvdPlusRDl,
                    disable,
                    force,
                    DvdPlusRDlMultisession::AsDocumented
                ),
                "({disable}, {force})"
            );
        }
        assert_eq!(
            dvd_plus_r_close(Profile::DvdPlusRDl, true, false, like),
            DvdPlusRClose::Session
        );
        // The option never changes single-layer DVD+R.
        assert_eq!(
            dvd_plus_r_close(Profile::DvdPlusR, false, false, like),
            DvdPlusRClose::FinalizeCompatible
        );
    }
}
