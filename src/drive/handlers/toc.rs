//! READ TOC/PMA/ATIP (placeholder until its handler lands: refuses with 5/24/00).

use crate::drive::{Drive, Outcome};
use crate::mmc::cdb::ReadToc;
use crate::mmc::wire::CdbError;

impl Drive {
    pub(in crate::drive) fn read_toc(&mut self, _command: &ReadToc) -> Outcome {
        Err(CdbError::invalid_field_in_cdb(2, None).into())
    }
}
