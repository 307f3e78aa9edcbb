//! A `BlockReader` over a recorder: the import of a previous session reads the disc in the drive
//! through READ(10), like IMAPI2's ImportRecorder (imapi2.md §2.4, §3.3).

use super::block::{BLOCK, BlockReader};
use crate::burn::Recorder;
use crate::burn::command::data_in;
use crate::hresult::{HResult, ImapiError, ImapiResult};
use crate::mmc::cdb::Read10;

/// Blocks per READ(10): 32 (64 KiB), what burners commonly read.
const BLOCKS_PER_READ: usize = 32;

/// Reads whole blocks from the medium in `recorder`'s drive.
pub struct RecorderBlockReader {
    recorder: Recorder,
    /// The end of the readable area (READ CAPACITY), when known.
    blocks: Option<u64>,
}

impl RecorderBlockReader {
    pub fn new(recorder: Recorder, readable_blocks: Option<u64>) -> RecorderBlockReader {
        RecorderBlockReader {
            recorder,
            blocks: readable_blocks,
        }
    }
}

impl BlockReader for RecorderBlockReader {
    fn read_blocks(&mut self, lba: u32, buf: &mut [u8]) -> ImapiResult<()> {
        for (i, chunk) in buf.chunks_mut(BLOCKS_PER_READ * BLOCK).enumerate() {
            let first = lba as u64 + (i * BLOCKS_PER_READ) as u64;
            let start = u32::try_from(first)
                .map_err(|_| ImapiError::with(HResult::IMAPI_E_IMPORT_SEEK_FAILURE, [first.to_string()]))?;
            let count = (chunk.len() / BLOCK) as u16;
            let command = Read10 {
                lba: start,
                transfer_blocks: count,
                disable_page_out: false,
                force_unit_access: false,
            };
            let bytes = self
                .recorder
                .query(|device| data_in(device, command))
                .map_err(|_| ImapiError::with(HResult::IMAPI_E_IMPORT_READ_FAILURE, [start.to_string()]))?;
            if bytes.len() != chunk.len() {
                return Err(ImapiError::with(
                    HResult::IMAPI_E_IMPORT_READ_FAILURE,
                    [start.to_string()],
                ));
            }
            chunk.copy_from_slice(&bytes);
        }
        Ok(())
    }

    fn block_count(&self) -> Option<u64> {
        self.blocks
    }
}
