//! BLANK and FORMAT UNIT (mmc.md §1.5 A1h and 04h, §2.2 per family, §7 real answers).

use super::{BackgroundFormat, Disc, FormatState, PseudoOverwrite, StoreEffect};
use crate::media::profile::{BlankType, Family, Profile};
use crate::mmc::Sense;
use serde::{Deserialize, Serialize};

/// The format descriptor of a FORMAT UNIT parameter list (bytes 4–11 of the list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormatRequest {
    pub format_type: u8,
    pub subtype: u8,
    pub blocks: u32,
    /// Type dependent parameter; for DVD+RW 26h bit 0 is Restart.
    pub parameter: u32,
}

/// Format subtypes each profile takes per format type (mmc.md §1.5 04h): BD-R 00h SRM+POW /
/// SRM−POW / RRM, 32h SRM+POW / SRM−POW; BD-RE 30h full / quick certification, 31h quick
/// reformat / no certification. Types not listed take subtype 0 only.
const FORMAT_SUBTYPES: &[(Profile, u8, &[u8])] = &[
    (Profile::BdRSrm, 0x00, &[0, 1, 2]),
    (Profile::BdRSrm, 0x32, &[0, 1]),
    (Profile::BdRe, 0x30, &[0, 2, 3]),
    (Profile::BdRe, 0x31, &[0, 1]),
];

/// BD-R formats 00h and 32h subtype 00b: sequential recording with Pseudo-OverWrite (SRM+POW;
/// 01b is SRM−POW — libburn `mmc_format_unit`, growisofs `bd_r_format` clears the subtype "to set
/// SRM+POW").
const BD_R_SUBTYPE_SRM_POW: u8 = 0;
/// BD-R format 00h subtype 10b: random recording mode (profile 0042h).
const BD_R_SUBTYPE_RRM: u8 = 2;
/// DVD+RW basic format (mmc.md §1.5 04h).
const DVD_PLUS_RW_BASIC: u8 = 0x26;
/// DVD-RW quick format: leaves the disc in the intermediate state until CLOSE 010b.
const DVD_RW_QUICK: u8 = 0x15;

impl Disc {
    /// BLANK of an erasable sequential medium. Full and minimal blanking give a blank disc (a
    /// DVD-RW returns to sequential recording; after a minimal blank only DAO until a full blank);
    /// "blank last session" removes the last session; "unclose" reopens it.
    pub fn blank(&mut self, kind: BlankType) -> Result<StoreEffect, Sense> {
        let facts = self.facts();
        if !facts.erasable {
            return Err(Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM);
        }
        if facts.blank_types.is_empty() {
            // DVD+RW, DVD-RAM, BD-RE are erased by formatting; real drives answer 5/30/05 (mmc.md §7).
            return Err(Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT);
        }
        if !facts.blank_types.contains(&kind) {
            return Err(Sense::INVALID_FIELD_IN_CDB);
        }
        match kind {
            BlankType::Full | BlankType::Minimal => {
                let whole = 0..self.capacity_blocks.max(self.user_area_blocks());
                let profile = match self.profile {
                    Profile::DvdRwRestrictedOverwrite => Profile::DvdRwSequential,
                    other => other,
                };
                let length = self.cd_length.unwrap_or(crate::media::CdLength::Min80);
                *self = Disc {
                    incremental_disabled: kind == BlankType::Minimal && profile == Profile::DvdRwSequential,
                    disc_id: self.disc_id,
                    ..Disc::new_cd(profile, length)
                };
                Ok(StoreEffect::forget(whole))
            }
            BlankType::LastSession => {
                let Some(session) = self.sessions.pop() else {
                    return Ok(StoreEffect::NONE);
                };
                self.finalized = false;
                let start = session.tracks.first().map_or(0, |t| t.start);
                let end = session.tracks.last().map_or(0, |t| t.end());
                Ok(StoreEffect::forget(start..end))
            }
            BlankType::UncloseLastSession => {
                if let Some(session) = self.sessions.last_mut() {
                    session.closed = false;
                    self.finalized = false;
                }
                Ok(StoreEffect::NONE)
            }
        }
    }

    /// FORMAT UNIT with one format descriptor. The descriptor must be one READ FORMAT CAPACITIES
    /// lists for the medium (its type, and its block count except for DVD+RW 26h, which takes any).
    pub fn format(&mut self, request: FormatRequest) -> Result<StoreEffect, Sense> {
        let facts = self.facts();
        let listed = facts.format_descriptors;
        if facts.family == Family::ReadOnly || listed.is_empty() {
            return Err(Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM);
        }
        let subtypes = FORMAT_SUBTYPES
            .iter()
            .find(|(p, t, _)| *p == self.profile && *t == request.format_type)
            .map_or(&[0u8][..], |(_, _, s)| s);
        let type_listed = listed.iter().any(|d| d.format_type == request.format_type);
        let size_listed = request.format_type == DVD_PLUS_RW_BASIC
            || listed
                .iter()
                .any(|d| d.format_type == request.format_type && d.blocks == request.blocks);
        if !type_listed || !subtypes.contains(&request.subtype) || !size_listed {
            return Err(Sense::INVALID_FIELD_IN_PARAMETER_LIST);
        }
        let whole = 0..self.capacity_blocks.max(self.user_area_blocks());
        let mut pseudo_overwrite = None;
        match self.profile {
            Profile::DvdPlusRw => return self.format_dvd_plus_rw(request.parameter & 1 == 1),
            Profile::BdRSrm => {
                // Write-once: formatted once, before anything is recorded.
                if !self.sessions.is_empty() || self.formatted_blocks().is_some() {
                    return Err(Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM);
                }
                match request.subtype {
                    BD_R_SUBTYPE_RRM => self.profile = Profile::BdRRrm,
                    BD_R_SUBTYPE_SRM_POW => pseudo_overwrite = Some(PseudoOverwrite::default()),
                    _ => {}
                }
            }
            Profile::DvdRwSequential | Profile::DvdRwRestrictedOverwrite => {
                self.profile = Profile::DvdRwRestrictedOverwrite;
                self.sessions.clear();
                self.finalized = false;
                self.incremental_disabled = false;
            }
            _ => {}
        }
        self.format = FormatState::Formatted {
            blocks: request.blocks,
            format_type: request.format_type,
            subtype: request.subtype,
            background: BackgroundFormat::NotApplicable,
            intermediate: request.format_type == DVD_RW_QUICK,
            pseudo_overwrite,
        };
        Ok(StoreEffect::forget(whole))
    }

    /// Whether a drive presents the medium as formattable (feature 0023h current): the profile
    /// takes formats — except a BD-R formatted SRM+POW, on which real drives drop the feature's
    /// currency (real-drives.md §6: dvd+rw-mediainfo lists no formats after the format).
    pub fn presents_formattable(&self) -> bool {
        !self.facts().format_descriptors.is_empty() && self.pseudo_overwrite_state().is_none()
    }

    /// Format with the profile's default (first listed) format, as a user asking for "a
    /// formatted disc" gets it: a DVD+RW has also finished its background format. Media already
    /// formatted stay as they are; media that take no format refuse with 5/30/06.
    pub fn format_default(&mut self) -> Result<StoreEffect, Sense> {
        let effect = self.start_default_format()?;
        if let FormatState::Formatted {
            background: bg @ BackgroundFormat::InProgress { .. },
            ..
        } = &mut self.format
        {
            *bg = BackgroundFormat::Completed;
        }
        Ok(effect)
    }

    /// Format with the profile's default (first listed) format, as FORMAT UNIT does: a DVD+RW
    /// 26h format then runs in the background (see [`Disc::suspend_background_format`] for what
    /// an eject leaves). Media already formatted stay as they are; media that take no format
    /// refuse with 5/30/06.
    pub fn start_default_format(&mut self) -> Result<StoreEffect, Sense> {
        if self.formatted_blocks().is_some() {
            return Ok(StoreEffect::NONE);
        }
        let Some(first) = self.facts().format_descriptors.first() else {
            return Err(Sense::CANNOT_FORMAT_MEDIUM_INCOMPATIBLE_MEDIUM);
        };
        self.format(FormatRequest {
            format_type: first.format_type,
            subtype: 0,
            blocks: first.blocks,
            parameter: first.parameter,
        })
    }

    /// DVD+RW 26h: formats in the background, writing may start at once (mmc.md §2.2). Restart
    /// resumes a suspended format and keeps the data; a new format starts over.
    fn format_dvd_plus_rw(&mut self, restart: bool) -> Result<StoreEffect, Sense> {
        let blocks = self.capacity_blocks;
        let (background, effect) = match (restart, self.format) {
            (
                true,
                FormatState::Formatted {
                    background: BackgroundFormat::Suspended { progress },
                    ..
                },
            ) => (BackgroundFormat::InProgress { progress }, StoreEffect::NONE),
            (true, _) => return Err(Sense::INVALID_FIELD_IN_PARAMETER_LIST),
            (false, _) => (
                BackgroundFormat::InProgress { progress: 0 },
                StoreEffect::forget(0..blocks),
            ),
        };
        self.format = FormatState::Formatted {
            blocks,
            format_type: DVD_PLUS_RW_BASIC,
            subtype: 0,
            background,
            intermediate: false,
            pseudo_overwrite: None,
        };
        Ok(effect)
    }
}
