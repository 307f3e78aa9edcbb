//! The layer boundary of a DVD+R DL: where layer 0's data zone ends (mmc.md §1.3 READ/SEND DVD
//! STRUCTURE 20h, real-drives.md §1–§2).
//!
//! A blank disc reports the profile's L0 data zone capacity (2086912) as "can still be set".
//! The host may set a smaller one with SEND DVD STRUCTURE 20h while the disc is blank — growisofs
//! `-dvd-compat` splits its image in two halves that way — rounded up to a whole ECC block; layer 1
//! on the opposite track path then holds as much as layer 0, so the disc holds twice the L0
//! capacity (the blank disc's 4173824 free blocks). Once set, or once recording has begun, the
//! boundary is fixed (Init Status 1, "can no longer be set").

use super::{Disc, DiscStatus, round_up};
use crate::mmc::Sense;

/// What READ DVD STRUCTURE 20h reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerBoundary {
    /// L0 data zone capacity in blocks.
    pub layer0_blocks: u32,
    /// SEND DVD STRUCTURE 20h may still change it (Init Status 0).
    pub changeable: bool,
}

/// Layer 1 holds as much as layer 0 (opposite track path).
const LAYERS: u32 = 2;

impl Disc {
    /// The layer boundary of media whose boundary the host sets (DVD+R DL); `None` elsewhere.
    pub fn layer_boundary(&self) -> Option<LayerBoundary> {
        let default = self.facts().settable_layer0_blocks?;
        Some(LayerBoundary {
            layer0_blocks: self.layer0_blocks_set.unwrap_or(default),
            changeable: self.layer0_blocks_set.is_none() && self.status() == DiscStatus::Blank,
        })
    }

    /// SEND DVD STRUCTURE 20h: set the L0 data zone capacity, rounded up to the write unit; the
    /// disc then holds twice it. Refused on media without a settable boundary (5/24/00), once the
    /// boundary is fixed — set before, or recording begun — (5/2C/00, spec, verify), and for 0 or
    /// more than the blank disc's capacity (5/26/00).
    pub fn set_layer_boundary(&mut self, layer0_blocks: u32) -> Result<(), Sense> {
        let facts = self.facts();
        let (Some(boundary), Some(most)) = (self.layer_boundary(), facts.settable_layer0_blocks) else {
            return Err(Sense::INVALID_FIELD_IN_CDB);
        };
        if !boundary.changeable {
            return Err(Sense::COMMAND_SEQUENCE_ERROR);
        }
        let layer0 = round_up(layer0_blocks, facts.write_granularity_blocks);
        if layer0 == 0 || layer0 > most {
            return Err(Sense::INVALID_FIELD_IN_PARAMETER_LIST);
        }
        self.layer0_blocks_set = Some(layer0);
        self.capacity_blocks = Disc::capacity_for_layer0(layer0);
        Ok(())
    }

    /// What a disc whose layer 0 holds `layer0_blocks` holds in all.
    pub(super) fn capacity_for_layer0(layer0_blocks: u32) -> u32 {
        LAYERS.saturating_mul(layer0_blocks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::{Profile, WriteParameters};

    #[test]
    fn a_blank_dvd_plus_r_dl_reports_its_layer_0_capacity_as_settable() {
        let disc = Disc::new(Profile::DvdPlusRDl);
        assert_eq!(
            disc.layer_boundary(),
            Some(LayerBoundary {
                layer0_blocks: 2086912,
                changeable: true
            })
        );
        assert_eq!(disc.capacity_blocks, 2 * 2086912);
    }

    #[test]
    fn single_layer_and_dvd_minus_r_dl_media_have_no_settable_boundary() {
        for profile in [Profile::DvdPlusR, Profile::DvdRDl, Profile::BdRSrm, Profile::CdR] {
            let mut disc = Disc::new(profile);
            assert_eq!(disc.layer_boundary(), None, "{profile:?}");
            assert_eq!(disc.set_layer_boundary(1024), Err(Sense::INVALID_FIELD_IN_CDB));
            assert_eq!(disc, Disc::new(profile));
        }
    }

    /// growisofs `-dvd-compat` splits a 2090000-block image at 1045008 blocks.
    #[test]
    fn setting_the_boundary_halves_the_disc_and_fixes_it() {
        let mut disc = Disc::new(Profile::DvdPlusRDl);
        disc.set_layer_boundary(1045000).unwrap();
        assert_eq!(
            disc.layer_boundary(),
            Some(LayerBoundary {
                layer0_blocks: 1045008,
                changeable: false
            })
        );
        assert_eq!(disc.capacity_blocks, 2090016);
        let before = disc.clone();
        assert_eq!(disc.set_layer_boundary(2086912), Err(Sense::COMMAND_SEQUENCE_ERROR));
        assert_eq!(disc, before);
    }

    #[test]
    fn recording_fixes_the_boundary() {
        let mut disc = Disc::new(Profile::DvdPlusRDl);
        disc.write(0, 16, &WriteParameters::default()).unwrap();
        assert_eq!(
            disc.layer_boundary(),
            Some(LayerBoundary {
                layer0_blocks: 2086912,
                changeable: false
            })
        );
        assert_eq!(disc.set_layer_boundary(1024), Err(Sense::COMMAND_SEQUENCE_ERROR));
    }

    #[test]
    fn a_capacity_of_zero_or_beyond_layer_0_is_refused() {
        for blocks in [0, 2086913, u32::MAX] {
            let mut disc = Disc::new(Profile::DvdPlusRDl);
            assert_eq!(
                disc.set_layer_boundary(blocks),
                Err(Sense::INVALID_FIELD_IN_PARAMETER_LIST),
                "{blocks}"
            );
            assert_eq!(disc, Disc::new(Profile::DvdPlusRDl));
        }
    }

    #[test]
    fn writes_end_at_twice_the_boundary() {
        let mut disc = Disc::new(Profile::DvdPlusRDl);
        disc.set_layer_boundary(64).unwrap();
        let params = WriteParameters::default();
        assert_eq!(disc.write(0, 144, &params), Err(Sense::END_OF_USER_AREA_ENCOUNTERED));
        disc.write(0, 128, &params).unwrap();
        assert_eq!(disc.write(128, 16, &params), Err(Sense::LBA_OUT_OF_RANGE));
    }
}
