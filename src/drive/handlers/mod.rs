//! Command handlers, grouped by family. Each is a short function that decodes with `mmc`, asks
//! `media`, and encodes with `mmc` (STYLE.md: no QEMU-style switch mixing all three).

mod basic;
mod config;
mod formatting;
mod mode;
mod recording;
mod speed;
mod status;
mod structure;
mod toc;
mod transfer;

#[cfg(test)]
mod fidelity_tests;

use super::{Drive, Outcome};
use crate::device::DataPhase;
use crate::mmc::cdb::Command;

impl Drive {
    /// The configuration, mode, speed, TOC, structure and formatting families.
    pub(super) fn dispatch_more(&mut self, command: &Command, data: &mut DataPhase<'_>) -> Outcome {
        use Command as C;
        match command {
            C::GetConfiguration(c) => self.get_configuration(c),
            C::GetEventStatusNotification(c) => self.get_event_status_notification(c),
            C::ModeSense6(c) => self.mode_sense(c.page_control, c.page_code, c.allocation_length.into(), false),
            C::ModeSense10(c) => self.mode_sense(c.page_control, c.page_code, c.allocation_length.into(), true),
            C::ModeSelect6(c) => self.mode_select(c.parameter_list_length.into(), false, data),
            C::ModeSelect10(c) => self.mode_select(c.parameter_list_length.into(), true, data),
            C::GetPerformance(c) => self.get_performance(c),
            C::SetCdSpeed(c) => self.set_cd_speed(c),
            C::SetStreaming(c) => self.set_streaming(c, data),
            C::SendOpcInformation(c) => self.send_opc_information(c),
            C::ReadToc(c) => self.read_toc(c),
            C::ReadFormatCapacities(c) => self.read_format_capacities(c),
            C::FormatUnit(c) => self.format_unit(c, data),
            C::ReadDiscStructure(c) => self.read_disc_structure(c),
            C::SendDiscStructure(c) => self.send_disc_structure(c, data),
            // The rest were dispatched by `Drive::dispatch`.
            _ => Err(crate::mmc::Sense::INVALID_COMMAND_OPERATION_CODE.into()),
        }
    }
}
