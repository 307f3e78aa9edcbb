//! MODE SENSE(6/10) and MODE SELECT(6/10) with pages 01h, 05h, 08h and 2Ah (mmc.md §1.1).

use crate::device::DataPhase;
use crate::drive::pages::{self, Page05Family};
use crate::drive::{Drive, Failure, Outcome, Reply, truncated};
use crate::mmc::capabilities::CapabilitiesPageRepr;
use crate::mmc::cdb::PageControl;
use crate::mmc::mode_pages::{CachingPageRepr, ErrorRecoveryPageRepr};
use crate::mmc::mode_parameters::{HeaderKind, ModePageRepr, ModeParameterListRepr, page_code};
use crate::mmc::wire::CdbError;
use crate::mmc::write_parameters::WriteParametersPageRepr;

/// MODE SENSE page code 3Fh: every page.
const ALL_PAGES: u8 = 0x3F;

impl Drive {
    /// The page-05h family of the loaded medium; with no medium the page exists (drive level).
    fn page05_family(&self) -> Result<Option<Page05Family>, ()> {
        match self.medium.as_ref().filter(|_| !self.tray_open) {
            None => Ok(None),
            Some(medium) => Page05Family::of(medium.disc().profile).map(Some).ok_or(()),
        }
    }

    fn capabilities_page(&self) -> CapabilitiesPageRepr {
        let profile = self
            .medium
            .as_ref()
            .filter(|_| !self.tray_open)
            .map(|m| m.disc().profile);
        pages::capabilities(
            &self.model,
            profile,
            self.prevent_removal,
            self.read_speed_kbps,
            self.write_speed_kbps,
        )
    }

    /// The page `code` as `control` asks for it; `None` when the drive has no such page now.
    fn mode_page(&self, code: u8, control: PageControl) -> Option<ModePageRepr> {
        let defaults = pages::ModePages::defaults(self.page05_family().ok().flatten());
        let source = if control == PageControl::Default {
            &defaults
        } else {
            &self.pages
        };
        Some(match code {
            page_code::ERROR_RECOVERY => ModePageRepr::ErrorRecovery(match control {
                // Changeable: the retry counts.
                PageControl::Changeable => ErrorRecoveryPageRepr {
                    read_retry_count: 0xFF,
                    write_retry_count: 0xFF,
                    ..Default::default()
                },
                _ => source.error_recovery,
            }),
            // A drive-level page: a writer reports it whatever the medium, also where the
            // medium ignores it (growisofs senses page 05h on DVD+R and stops if it is
            // refused; mmc.md §1.1), so MODE SELECT can send it back.
            page_code::WRITE_PARAMETERS => {
                if self.model.writes.is_empty() {
                    return None;
                }
                ModePageRepr::WriteParameters(match control {
                    PageControl::Changeable => changeable_write_parameters(),
                    _ => source.write_parameters.clone(),
                })
            }
            page_code::CACHING => ModePageRepr::Caching(match control {
                PageControl::Changeable => CachingPageRepr {
                    write_cache_enabled: true,
                    ..Default::default()
                },
                _ => source.caching,
            }),
            // Page 2Ah is not changeable: all mask bits 0 (CDEmu, mmc.md §1.1).
            page_code::CAPABILITIES => ModePageRepr::Capabilities(match control {
                PageControl::Changeable => CapabilitiesPageRepr::default(),
                _ => self.capabilities_page(),
            }),
            _ => return None,
        })
    }

    pub(in crate::drive) fn mode_sense(
        &mut self,
        control: PageControl,
        code: u8,
        allocation_length: usize,
        ten: bool,
    ) -> Outcome {
        let codes: Vec<u8> = if code == ALL_PAGES {
            vec![
                page_code::ERROR_RECOVERY,
                page_code::WRITE_PARAMETERS,
                page_code::CACHING,
                page_code::CAPABILITIES,
            ]
        } else {
            vec![code]
        };
        let list: Vec<ModePageRepr> = codes.iter().filter_map(|&c| self.mode_page(c, control)).collect();
        if list.is_empty() {
            // Unknown page (or page 05h on a drive that writes nothing): 5/24/00 at byte 2.
            return Err(CdbError::invalid_field_in_cdb(2, Some(5)).into());
        }
        let header = if ten { HeaderKind::Ten } else { HeaderKind::Six };
        Ok(truncated(
            ModeParameterListRepr::new(header, list).to_vec(),
            allocation_length,
        ))
    }

    /// MODE SELECT: pages 01h and 08h take their changeable fields; page 05h is checked against
    /// what the loaded medium takes (5/26/00 otherwise — libburn probes every combination); page
    /// 2Ah may only be sent back unchanged. Media without page 05h (DVD+R, BD…) accept one and
    /// ignore it, as real drives do for growisofs (mmc.md §1.1).
    pub(in crate::drive) fn mode_select(&mut self, length: usize, ten: bool, data: &mut DataPhase<'_>) -> Outcome {
        if length == 0 {
            return Ok(Reply::Empty);
        }
        let DataPhase::Out(bytes) = data else {
            return Err(CdbError::parameter_list_length().into());
        };
        if bytes.len() < length {
            return Err(CdbError::parameter_list_length().into());
        }
        let header = if ten { HeaderKind::Ten } else { HeaderKind::Six };
        let list = ModeParameterListRepr::parse(&bytes[..length], header)?;
        let mut next = self.pages.clone();
        let mut offset = header.header_len();
        for page in &list.pages {
            let at = |byte: usize| CdbError::invalid_field_in_parameter_list((offset + byte) as u16, None);
            match page {
                ModePageRepr::ErrorRecovery(p) => {
                    next.error_recovery.read_retry_count = p.read_retry_count;
                    next.error_recovery.write_retry_count = p.write_retry_count;
                }
                ModePageRepr::Caching(p) => next.caching.write_cache_enabled = p.write_cache_enabled,
                ModePageRepr::WriteParameters(p) => match self.page05_family() {
                    Err(()) => {}
                    Ok(family) => {
                        let fits = |f: Page05Family| pages::accepts(f, p.write_type, p.data_block_type);
                        let accepted = match family {
                            Some(family) => fits(family),
                            None => self.writable_families().into_iter().any(fits),
                        };
                        if !accepted {
                            return Err(Failure::from(at(2)));
                        }
                        next.write_parameters = WriteParametersPageRepr {
                            parameters_savable: false,
                            ..p.clone()
                        };
                    }
                },
                ModePageRepr::Capabilities(p) => {
                    if *p
                        != (CapabilitiesPageRepr {
                            parameters_savable: false,
                            ..self.capabilities_page()
                        })
                    {
                        return Err(Failure::from(at(0)));
                    }
                }
                ModePageRepr::Other { .. } => return Err(Failure::from(at(0))),
            }
            offset += page.buffer_len();
        }
        if next != self.pages {
            self.pages = next;
        }
        Ok(Reply::Empty)
    }

    /// Page-05h families of the media this model writes (for MODE SELECT with no medium).
    fn writable_families(&self) -> Vec<Page05Family> {
        self.model.writes.iter().filter_map(|p| Page05Family::of(*p)).collect()
    }
}

/// Page 05h changeable mask: every field the host may set (mmc.md §1.1).
fn changeable_write_parameters() -> WriteParametersPageRepr {
    WriteParametersPageRepr {
        parameters_savable: false,
        buffer_underrun_free: true,
        link_size_valid: true,
        test_write: true,
        write_type: 0x0F,
        multi_session: 0x03,
        fixed_packet: true,
        copy: true,
        track_mode: 0x0F,
        data_block_type: 0x0F,
        link_size: 0xFF,
        host_application_code: 0x3F,
        session_format: 0xFF,
        packet_size: 0xFFFF_FFFF,
        audio_pause_length: 0xFFFF,
        media_catalog_number: None,
        media_catalog_number_aframe: 0,
        isrc: None,
        isrc_aframe: 0,
        sub_header: [0xFF; 4],
        vendor_specific: Vec::new(),
    }
}
