//! READ FORMAT CAPACITIES and FORMAT UNIT (placeholder until their handlers land).

use crate::device::DataPhase;
use crate::drive::{Drive, Outcome};
use crate::mmc::cdb::{FormatUnit, ReadFormatCapacities};
use crate::mmc::wire::CdbError;

impl Drive {
    pub(in crate::drive) fn read_format_capacities(&mut self, _command: &ReadFormatCapacities) -> Outcome {
        Err(CdbError::invalid_opcode().into())
    }

    pub(in crate::drive) fn format_unit(&mut self, _command: &FormatUnit, _data: &mut DataPhase<'_>) -> Outcome {
        Err(CdbError::invalid_opcode().into())
    }
}
