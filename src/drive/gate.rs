//! Which commands a drive executes while a unit attention is pending, with no medium, or while a
//! long operation runs (mmc.md §1.6, from QEMU's ATAPI table and real-drive behaviour), as data.

use crate::mmc::cdb::opcode as op;

/// How one opcode is gated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    /// Runs with a unit attention pending, which stays pending (mmc.md §1.6: REQUEST SENSE,
    /// INQUIRY, GET CONFIGURATION, GET EVENT STATUS NOTIFICATION).
    pub passes_unit_attention: bool,
    /// Needs a loaded medium (else 2/3A/0x).
    pub needs_medium: bool,
    /// Runs while a long operation is in progress (else 2/04/xx with progress).
    pub runs_while_busy: bool,
}

const fn gate(passes_unit_attention: bool, needs_medium: bool, runs_while_busy: bool) -> Gate {
    Gate {
        passes_unit_attention,
        needs_medium,
        runs_while_busy,
    }
}

/// Informational commands: any time, even with a unit attention pending.
const INFO: Gate = gate(true, false, true);
/// Drive-level commands: no medium needed, refused while busy only where they would disturb it.
const DRIVE: Gate = gate(false, false, true);
/// Medium access.
const MEDIUM: Gate = gate(false, true, false);

/// The gate table; opcodes not listed are medium-access commands.
const GATES: &[(u8, Gate)] = &[
    (op::REQUEST_SENSE, INFO),
    (op::INQUIRY, INFO),
    (op::GET_CONFIGURATION, INFO),
    (op::GET_EVENT_STATUS_NOTIFICATION, INFO),
    (op::MODE_SENSE_6, DRIVE),
    (op::MODE_SENSE_10, DRIVE),
    (op::MODE_SELECT_6, gate(false, false, false)),
    (op::MODE_SELECT_10, gate(false, false, false)),
    (op::START_STOP_UNIT, gate(false, false, false)),
    (op::PREVENT_ALLOW_MEDIUM_REMOVAL, DRIVE),
    (op::MECHANISM_STATUS, DRIVE),
    (op::READ_BUFFER_CAPACITY, DRIVE),
    (op::GET_PERFORMANCE, DRIVE),
    (op::SET_CD_SPEED, DRIVE),
    (op::SET_STREAMING, DRIVE),
    // READ FORMAT CAPACITIES answers "no medium" with descriptor type 11b (mmc.md §1.2).
    (op::READ_FORMAT_CAPACITIES, gate(false, false, false)),
];

/// The gate of an opcode.
pub fn gate_of(opcode: u8) -> Gate {
    GATES
        .iter()
        .find(|(code, _)| *code == opcode)
        .map_or(MEDIUM, |(_, gate)| *gate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_informational_commands_pass_a_unit_attention() {
        let passing: Vec<u8> = GATES
            .iter()
            .filter(|(_, g)| g.passes_unit_attention)
            .map(|(c, _)| *c)
            .collect();
        assert_eq!(
            passing,
            [
                op::REQUEST_SENSE,
                op::INQUIRY,
                op::GET_CONFIGURATION,
                op::GET_EVENT_STATUS_NOTIFICATION
            ]
        );
    }

    #[test]
    fn media_commands_need_a_medium() {
        for code in [
            op::TEST_UNIT_READY,
            op::READ_10,
            op::WRITE_10,
            op::READ_TOC_PMA_ATIP,
            op::READ_DISC_INFORMATION,
        ] {
            assert!(gate_of(code).needs_medium);
        }
    }
}
