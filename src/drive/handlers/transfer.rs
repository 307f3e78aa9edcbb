//! READ(10)/(12), WRITE(10)/(12), WRITE AND VERIFY(10), VERIFY(10) (mmc.md §1.3, §1.5) — the
//! hot path: one bounds check per command, data copied once between host buffer and store.

use crate::device::DataPhase;
use crate::drive::{Drive, Failure, Outcome, Reply, UnwrittenRead};
use crate::media::Family;
use crate::media::medium::MediumError;
use crate::media::store::StoreError;
use crate::mmc::Sense;
use crate::mmc::cdb::Verify10;
use crate::mmc::sense_data::SenseDataRepr;

const BLOCK: usize = 2048;

impl Drive {
    /// The end (exclusive) of the blocks a READ may address: the recordable area on sequential
    /// media (unwritten blocks there are blank, not out of range), the data otherwise.
    fn readable_limit(&self) -> Result<u32, Failure> {
        let disc = self.medium_ref()?.disc();
        Ok(match disc.profile.family() {
            Family::Sequential => disc.user_area_blocks(),
            _ => disc.readable_blocks(),
        })
    }

    /// The sense for reading an unwritten block of a sequential medium (a drive-model option).
    fn unwritten_sense(&self, lba: u32) -> SenseDataRepr {
        let sense = match self.model.unwritten_read {
            UnwrittenRead::BlankCheck => Sense::BLANK_CHECK,
            UnwrittenRead::LbaOutOfRange => Sense::LBA_OUT_OF_RANGE,
        };
        SenseDataRepr::current(sense).with_information(lba)
    }

    /// READ: 2048-byte blocks into the data-in buffer (as many as it holds).
    pub(in crate::drive) fn read(&mut self, lba: u32, blocks: u32, data: &mut DataPhase<'_>) -> Outcome {
        if blocks == 0 {
            return Ok(Reply::Empty);
        }
        let limit = self.readable_limit()?;
        if u64::from(lba) + u64::from(blocks) > u64::from(limit) {
            return Err(SenseDataRepr::current(Sense::LBA_OUT_OF_RANGE)
                .with_information(lba)
                .into());
        }
        let medium = self.medium_ref()?;
        // Sequential media: the first unwritten block ends the transfer with the model's sense.
        let first_blank = match medium.disc().profile.family() {
            Family::Sequential => {
                let end = lba + blocks;
                let leading = lba + medium.leading_written(lba..end);
                (leading < end).then_some(leading)
            }
            _ => None,
        };
        let readable = first_blank.map_or(blocks, |blank| blank - lba) as usize;
        let moved = match data {
            DataPhase::In(buffer) => {
                let fit = readable.min(buffer.len() / BLOCK);
                let medium = self.medium_mut_or_fail()?;
                medium
                    .read(lba, &mut buffer[..fit * BLOCK])
                    .map_err(|e| read_failure(&e, lba))?;
                fit * BLOCK
            }
            _ => 0,
        };
        match first_blank {
            Some(blank) => Err(Failure {
                sense: self.unwritten_sense(blank),
                transferred: moved,
            }),
            None => Ok(Reply::Direct(moved)),
        }
    }

    /// WRITE / WRITE AND VERIFY: the disc decides; with page 05h Test Write the data is accepted
    /// and nothing recorded (mmc.md §1.5).
    pub(in crate::drive) fn write(
        &mut self,
        lba: i32,
        blocks: u32,
        data: &mut DataPhase<'_>,
        _verify: bool,
    ) -> Outcome {
        if blocks == 0 {
            return Ok(Reply::Empty);
        }
        let bytes = blocks as usize * BLOCK;
        let DataPhase::Out(buffer) = data else {
            return Err(crate::mmc::wire::CdbError::invalid_field_in_cdb(7, None).into());
        };
        if buffer.len() < bytes {
            return Err(crate::mmc::wire::CdbError::invalid_field_in_cdb(7, None).into());
        }
        let profile = self.medium_ref()?.disc().profile;
        if !self.model.can_write(profile) {
            return Err(Sense::CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT.into());
        }
        // Negative LBAs belong to CD SAO / raw lead-in writing, which needs a cue sheet first.
        let lba = u32::try_from(lba).map_err(|_| Failure::from(Sense::INVALID_ADDRESS_FOR_WRITE))?;
        let params = self.write_parameters();
        let test_write = self.test_write();
        let medium = self.medium_mut_or_fail()?;
        if test_write {
            let mut scratch = medium.disc().clone();
            scratch
                .write(lba, blocks, &params)
                .map_err(|sense| write_refusal(sense, lba))?;
            return Ok(Reply::Empty);
        }
        match medium.write(lba, &buffer[..bytes], &params) {
            Ok(()) => Ok(Reply::Empty),
            Err(MediumError::Refused(sense)) => Err(write_refusal(sense, lba)),
            Err(_) => {
                medium.damage_open_track();
                Err(SenseDataRepr::current(Sense::WRITE_ERROR).with_information(lba).into())
            }
        }
    }

    /// VERIFY(10): the blocks must be readable; with BYTCHK the data-out must match them.
    pub(in crate::drive) fn verify(&mut self, command: &Verify10, data: &mut DataPhase<'_>) -> Outcome {
        let blocks = u32::from(command.verification_blocks);
        if blocks == 0 {
            return Ok(Reply::Empty);
        }
        let mut scratch = vec![0u8; blocks as usize * BLOCK];
        self.read(command.lba, blocks, &mut DataPhase::In(&mut scratch))?;
        if command.byte_check {
            let DataPhase::Out(expected) = data else {
                return Err(crate::mmc::wire::CdbError::invalid_field_in_cdb(1, Some(1)).into());
            };
            if let Some(i) = scratch.iter().zip(expected.iter()).position(|(a, b)| a != b) {
                let lba = command.lba + (i / BLOCK) as u32;
                return Err(SenseDataRepr::current(Sense::MISCOMPARE_DURING_VERIFY)
                    .with_information(lba)
                    .into());
            }
        }
        Ok(Reply::Empty)
    }
}

/// A refused write: 5/21/00 carries the LBA in INFORMATION (mmc.md §3).
fn write_refusal(sense: Sense, lba: u32) -> Failure {
    let repr = SenseDataRepr::current(sense);
    if sense == Sense::LBA_OUT_OF_RANGE {
        repr.with_information(lba).into()
    } else {
        repr.into()
    }
}

/// A store failure while reading: an unrecovered read error at the LBA (mmc.md §3).
/// INFORMATION names the first damaged block the store knows of, else the read's first block.
fn read_failure(error: &MediumError, lba: u32) -> Failure {
    let (sense, at) = match error {
        MediumError::Refused(sense) => (*sense, lba),
        MediumError::Store(StoreError::Corrupt { lbas, .. }) => (Sense::UNRECOVERED_READ_ERROR, lbas.start.max(lba)),
        _ => (Sense::UNRECOVERED_READ_ERROR, lba),
    };
    SenseDataRepr::current(sense).with_information(at).into()
}
