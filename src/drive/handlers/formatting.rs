//! READ FORMAT CAPACITIES and FORMAT UNIT (mmc.md §1.2, §1.5, §2.2, §7). The disc decides what
//! can be formatted and how; the drive lists it, checks the parameter list and adds the time.

use crate::device::DataPhase;
use crate::drive::{Drive, Failure, Operation, Outcome, Reply, truncated};
use crate::media::medium::MediumError;
use crate::media::{BackgroundFormat, Disc, Family, FormatDescriptor, FormatRequest, FormatState};
use crate::mmc::Sense;
use crate::mmc::cdb::{FormatUnit, ReadFormatCapacities};
use crate::mmc::format_capacities::{
    BLOCK_LENGTH, CurrentCapacity, CurrentCapacityType, FormatCapacitiesRepr, FormattableCapacity,
};
use crate::mmc::format_unit::{FormatList, FormatListRepr};
use crate::mmc::wire::CdbError;

impl Drive {
    /// The current/maximum capacity and the formats the medium takes. Runs without a medium and
    /// then answers descriptor type 11b (mmc.md §1.2, the gate lets it through).
    pub(in crate::drive) fn read_format_capacities(&mut self, command: &ReadFormatCapacities) -> Outcome {
        let readable = self
            .medium
            .as_ref()
            .filter(|m| !self.tray_open && self.model.can_read(m.disc().profile));
        let reply = match readable {
            Some(medium) => format_capacities(medium.disc()),
            None => FormatCapacitiesRepr {
                current: capacity(CurrentCapacityType::NoMedium, 0),
                formattable: Vec::new(),
            },
        };
        Ok(truncated(reply.to_vec(), command.allocation_length.into()))
    }

    /// FORMAT UNIT with FmtData and one format descriptor (mmc.md §1.5). DVD+RW 26h formats in the
    /// background and returns at once; every other format runs in the foreground (2/04/04 with
    /// progress while Immed lets it run, mmc.md §1.1).
    pub(in crate::drive) fn format_unit(&mut self, command: &FormatUnit, data: &mut DataPhase<'_>) -> Outcome {
        if !command.format_data {
            // MMC formats only from a parameter list: FmtData is byte 1 bit 4.
            return Err(CdbError::invalid_field_in_cdb(1, Some(4)).into());
        }
        let bytes: &[u8] = match data {
            DataPhase::Out(buffer) => buffer,
            _ => &[],
        };
        // Short list 5/1A/00; bad descriptor length or unknown type 5/26/00 (format_unit.rs).
        let list = FormatListRepr::parse(&FormatList::new_checked(bytes)?)?;
        self.check_writable()?;
        let request = FormatRequest {
            format_type: list.format_type,
            subtype: list.subtype,
            blocks: list.blocks,
            parameter: list.type_parameter,
        };
        let medium = self.medium_mut_or_fail()?;
        medium.format(request).map_err(format_failure)?;
        let background = matches!(
            medium.disc().format,
            FormatState::Formatted {
                background: BackgroundFormat::InProgress { .. },
                ..
            }
        );
        if !background {
            self.run_long(Operation::Format, list.immediate);
        }
        Ok(Reply::Empty)
    }
}

/// The reply for a loaded medium: the current descriptor, then what the disc would format now.
fn format_capacities(disc: &Disc) -> FormatCapacitiesRepr {
    let current = match disc.format {
        // A DVD-RW quick-formatted to restricted overwrite reports 11b until CLOSE 010b ends the
        // intermediate state (cookbook, mmc.md §2.2).
        FormatState::Formatted {
            intermediate: true,
            blocks,
            ..
        } => capacity(CurrentCapacityType::NoMedium, blocks),
        FormatState::Formatted { blocks, .. } => capacity(CurrentCapacityType::Formatted, blocks),
        FormatState::Unformatted if disc.facts().family == Family::ReadOnly => {
            capacity(CurrentCapacityType::Formatted, disc.readable_blocks())
        }
        // Blank DVD+RW "unformatted 2295104", blank BD-R 12219392, DVD-RW 2297888 (mmc.md §7).
        FormatState::Unformatted => capacity(CurrentCapacityType::Unformatted, disc.capacity_blocks),
    };
    let formattable = disc
        .facts()
        .format_descriptors
        .iter()
        .filter(|d| disc_takes(disc, d))
        .map(listed)
        .collect();
    FormatCapacitiesRepr { current, formattable }
}

/// Whether FORMAT UNIT with this descriptor would succeed now: the disc decides (a BD-R takes
/// its formats only while blank and unformatted), so the list never offers what it refuses.
fn disc_takes(disc: &Disc, descriptor: &FormatDescriptor) -> bool {
    let request = FormatRequest {
        format_type: descriptor.format_type,
        subtype: descriptor.subtype,
        blocks: descriptor.blocks,
        parameter: descriptor.parameter,
    };
    disc.clone().format(request).is_ok()
}

fn listed(descriptor: &FormatDescriptor) -> FormattableCapacity {
    FormattableCapacity {
        blocks: descriptor.blocks,
        format_type: descriptor.format_type,
        subtype: descriptor.subtype,
        type_parameter: descriptor.parameter,
    }
}

fn capacity(kind: CurrentCapacityType, blocks: u32) -> CurrentCapacity {
    CurrentCapacity {
        blocks,
        kind,
        block_length: BLOCK_LENGTH,
    }
}

/// The disc's refusal as it is; a store failure is "format command failed" (mmc.md §1.5).
fn format_failure(error: MediumError) -> Failure {
    match error {
        MediumError::Refused(sense) => sense.into(),
        _ => Sense::FORMAT_COMMAND_FAILED.into(),
    }
}
