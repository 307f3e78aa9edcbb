//! BD-R Pseudo-OverWrite (POW; mmc.md §2.2, real-drives.md §6). A BD-R formatted SRM+POW (FORMAT
//! UNIT 00h or 32h with subtype 00b) records sequentially like any BD-R, and in addition takes a
//! write to blocks already recorded: the drive records the data in replacement clusters and maps
//! the old clusters there, so a read returns the new data. Nothing moves: every track keeps its
//! next writable address. growisofs relies on it to grow an ISO 9660 volume on BD-R in one session
//! (its `poor_man_rewritable`: the new tree at the NWA, then the volume descriptors at LBA 16
//! rewritten in place).
//!
//! Replacement clusters come from the spare area the format set aside (physical capacity minus the
//! formatted size: 4096 clusters for 32h 12088320 on a 25 GB disc); once it is used up a
//! pseudo-overwrite is refused with 3/32/00. Where a drive records replacements, and the POW
//! resource counts it reports, are (spec, verify): a drive may also record them at an open
//! track's NWA.

use super::{Disc, FormatState, PseudoOverwrite, StoreEffect};
use crate::mmc::Sense;
use serde::Serialize;
use std::ops::Range;

/// What READ DISC INFORMATION data type 010b, POW Resources Information, reports: how many more
/// clusters can be replaced. The emulator keeps one count, the free replacement clusters, and
/// reports it in all three fields (spec, verify).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PowResources {
    pub remaining_replacements: u32,
    pub remaining_map_entries: u32,
    pub remaining_updates: u32,
}

impl Disc {
    /// The POW state of a BD-R formatted SRM+POW (finalized or not); `None` for every other
    /// medium and format, BD-R SRM−POW included.
    pub fn pseudo_overwrite_state(&self) -> Option<&PseudoOverwrite> {
        match &self.format {
            FormatState::Formatted {
                pseudo_overwrite: Some(state),
                ..
            } => Some(state),
            _ => None,
        }
    }

    /// Pseudo-overwrite is in effect: formatted SRM+POW and not finalized. Feature 0038h (BD-R
    /// Pseudo-Overwrite) is current exactly then.
    pub fn pseudo_overwrite_active(&self) -> bool {
        self.pseudo_overwrite_state().is_some() && !self.finalized
    }

    /// What a POW disc presents as its readable area once something is recorded, until it is
    /// finalized: the whole formatted area. A real drive reports READ CAPACITY 12088320 and a
    /// TOC of track 1 at 0 with the lead-out at 12088320 while the session is open on a disc
    /// formatted 32h 12088320 (real-drives.md §6; with closed sessions: spec, verify). A formatted,
    /// empty POW disc reports 0 like every unwritten BD-R (mmc.md §2.2).
    pub fn pseudo_overwrite_area(&self) -> Option<u32> {
        if !self.pseudo_overwrite_active() || self.sessions.is_empty() {
            return None;
        }
        self.formatted_blocks()
    }

    /// The POW resources, on a BD-R formatted SRM+POW.
    pub fn pow_resources(&self) -> Option<PowResources> {
        let state = self.pseudo_overwrite_state()?;
        let remaining = self.spare_clusters().saturating_sub(state.replaced_clusters);
        Some(PowResources {
            remaining_replacements: remaining,
            remaining_map_entries: remaining,
            remaining_updates: remaining,
        })
    }

    /// The pseudo-overwrite rule for a write of `blocks` at `lba` on a sequential medium: `None`
    /// when it is not one (POW not in effect, or a block of the range is not recorded — the
    /// write then follows the sequential rules), else the outcome. Every cluster the range
    /// touches takes one replacement cluster (a partial cluster is read, merged and recorded
    /// whole); no spare left is 3/32/00 and the disc stays as it was.
    pub(super) fn pseudo_overwrite(&mut self, lba: u32, blocks: u32) -> Option<Result<StoreEffect, Sense>> {
        let range = lba..lba.checked_add(blocks)?;
        if !self.pseudo_overwrite_active() || range.is_empty() || !self.is_recorded(&range) {
            return None;
        }
        let cluster = self.facts().write_granularity_blocks;
        let clusters = (range.end - 1) / cluster - range.start / cluster + 1;
        let remaining = self.pow_resources()?.remaining_replacements;
        if clusters > remaining {
            return Some(Err(Sense::NO_DEFECT_SPARE_LOCATION));
        }
        if let FormatState::Formatted {
            pseudo_overwrite: Some(state),
            ..
        } = &mut self.format
        {
            state.replaced_clusters += clusters;
        }
        Some(Ok(StoreEffect::NONE))
    }

    /// Spare clusters of the format: what it took from the physical capacity.
    pub(super) fn spare_clusters(&self) -> u32 {
        let spare_blocks = self
            .capacity_blocks
            .saturating_sub(self.formatted_blocks().unwrap_or(self.capacity_blocks));
        spare_blocks / self.facts().write_granularity_blocks
    }

    /// Every block of `range` lies in the recorded part of a track (tracks are in LBA order).
    fn is_recorded(&self, range: &Range<u32>) -> bool {
        let mut at = range.start;
        for (_, track) in self.tracks() {
            let recorded = track.start..track.start + track.recorded_blocks;
            if recorded.contains(&at) {
                at = recorded.end;
            }
            if at >= range.end {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::super::{FormatRequest, WriteParameters};
    use super::*;
    use crate::media::profile::Profile;

    const POW_32H: FormatRequest = FormatRequest {
        format_type: 0x32,
        subtype: 0,
        blocks: 12088320,
        parameter: 0,
    };
    const CLOSE_TRACK: u8 = 1;

    /// A BD-R formatted as growisofs formats it (32h, largest size, SRM+POW) with one closed
    /// track of `blocks` in the open session, as growisofs -Z leaves it.
    fn growisofs_z(blocks: u32) -> Disc {
        let params = WriteParameters::multisession();
        let mut disc = Disc::new(Profile::BdRSrm);
        disc.format(POW_32H).unwrap();
        disc.write(0, blocks, &params).unwrap();
        disc.synchronize_cache(&params).unwrap();
        disc.close(CLOSE_TRACK, 1, &params).unwrap();
        disc
    }

    fn nwa(disc: &Disc) -> Option<u32> {
        disc.track_views().last().and_then(|t| t.next_writable_address)
    }

    #[test]
    fn subtype_00b_of_32h_and_00h_formats_srm_with_pow_and_01b_without() {
        let mut pow = Disc::new(Profile::BdRSrm);
        pow.format(POW_32H).unwrap();
        assert_eq!(pow.pseudo_overwrite_state(), Some(&PseudoOverwrite::default()));
        assert!(pow.pseudo_overwrite_active());
        let mut default = Disc::new(Profile::BdRSrm);
        default.format_default().unwrap(); // 00h subtype 00b
        assert!(default.pseudo_overwrite_active());
        let mut without = Disc::new(Profile::BdRSrm);
        without.format(FormatRequest { subtype: 1, ..POW_32H }).unwrap();
        assert_eq!(without.pseudo_overwrite_state(), None);
        assert!(!without.pseudo_overwrite_active());
        assert_eq!(without.pow_resources(), None);
    }

    #[test]
    fn a_recorded_session_makes_the_formatted_area_readable() {
        let mut disc = Disc::new(Profile::BdRSrm);
        disc.format(POW_32H).unwrap();
        assert_eq!(disc.readable_blocks(), 0, "formatted, nothing recorded");
        let disc = growisofs_z(192);
        assert_eq!(disc.readable_blocks(), 12088320, "real-drives.md §6");
        let mut without = Disc::new(Profile::BdRSrm);
        without.format(FormatRequest { subtype: 1, ..POW_32H }).unwrap();
        without.write(0, 192, &WriteParameters::multisession()).unwrap();
        without.close(CLOSE_TRACK, 1, &WriteParameters::multisession()).unwrap();
        assert_eq!(
            without.readable_blocks(),
            0,
            "SRM−POW: the open session is not readable"
        );
    }

    #[test]
    fn a_write_to_recorded_blocks_replaces_them_and_leaves_the_nwa() {
        let mut disc = growisofs_z(192);
        let before = nwa(&disc);
        assert_eq!(before, Some(192));
        // growisofs -M rewrites the volume descriptors: 16 blocks at LBA 16, half a cluster.
        assert_eq!(
            disc.write(16, 16, &WriteParameters::multisession()),
            Ok(StoreEffect::NONE)
        );
        assert_eq!(nwa(&disc), before);
        assert_eq!(disc.track_views()[0].size_blocks, 192);
        assert_eq!(disc.pseudo_overwrite_state().unwrap().replaced_clusters, 1);
        // 60..100 touches clusters 1, 2 and 3.
        disc.write(60, 40, &WriteParameters::multisession()).unwrap();
        assert_eq!(disc.pow_resources().unwrap().remaining_replacements, 4096 - 4);
    }

    #[test]
    fn a_write_that_is_not_all_recorded_follows_the_sequential_rules() {
        let mut disc = growisofs_z(192);
        let before = disc.clone();
        // Crosses the NWA: neither an overwrite nor a write at the NWA.
        let params = WriteParameters::multisession();
        assert_eq!(disc.write(160, 64, &params), Err(Sense::INVALID_ADDRESS_FOR_WRITE));
        assert_eq!(disc.write(1000, 32, &params), Err(Sense::INVALID_ADDRESS_FOR_WRITE));
        assert_eq!(disc, before);
        // At the NWA it appends as on any BD-R.
        disc.write(192, 32, &params).unwrap();
        assert_eq!(nwa(&disc), Some(224));
    }

    #[test]
    fn pow_resources_count_the_spare_clusters_of_the_format() {
        let disc = growisofs_z(192);
        // 12219392 − 12088320 = 131072 blocks = 4096 clusters.
        assert_eq!(
            disc.pow_resources(),
            Some(PowResources {
                remaining_replacements: 4096,
                remaining_map_entries: 4096,
                remaining_updates: 4096,
            })
        );
    }

    #[test]
    fn no_spare_left_is_3_32_00_and_changes_nothing() {
        let mut disc = growisofs_z(4096 * 32 + 64);
        let params = WriteParameters::multisession();
        disc.write(0, 4095 * 32, &params).unwrap();
        let before = disc.clone();
        assert_eq!(disc.write(0, 64, &params), Err(Sense::NO_DEFECT_SPARE_LOCATION));
        assert_eq!(disc, before);
        disc.write(32, 32, &params).unwrap();
        assert_eq!(disc.pow_resources().unwrap().remaining_replacements, 0);
    }

    #[test]
    fn finalizing_ends_pseudo_overwrite() {
        let mut disc = growisofs_z(192);
        let params = WriteParameters::multisession();
        disc.close(6, 0, &params).unwrap();
        assert!(!disc.pseudo_overwrite_active());
        assert!(disc.pseudo_overwrite_state().is_some());
        assert_eq!(
            disc.write(16, 16, &params),
            Err(Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT)
        );
        assert_eq!(
            disc.readable_blocks(),
            192,
            "the closed session, as on any finalized BD-R"
        );
    }

    #[test]
    fn the_state_round_trips_through_serde_and_is_absent_without_pow() {
        let mut disc = growisofs_z(192);
        disc.write(16, 16, &WriteParameters::multisession()).unwrap();
        let text = ron::to_string(&disc).unwrap();
        assert!(text.contains("pseudo_overwrite:Some((replaced_clusters:1))"), "{text}");
        assert_eq!(ron::from_str::<Disc>(&text).unwrap(), disc);
        let mut without = Disc::new(Profile::BdRSrm);
        without.format(FormatRequest { subtype: 1, ..POW_32H }).unwrap();
        assert!(!ron::to_string(&without).unwrap().contains("pseudo_overwrite"));
    }
}
