//! READ DISC STRUCTURE (placeholder until its handler lands).

use crate::drive::{Drive, Outcome};
use crate::mmc::cdb::ReadDiscStructure;
use crate::mmc::wire::CdbError;

impl Drive {
    pub(in crate::drive) fn read_disc_structure(&mut self, _command: &ReadDiscStructure) -> Outcome {
        Err(CdbError::invalid_opcode().into())
    }
}
