//! Transfers longer than the device takes in one command: a READ/WRITE(10/12) becomes a run of
//! the same command over consecutive block ranges (attach.md §5: the kernel refuses a
//! `dxfer_len` above the queue's `max_hw_sectors` with EIO, and 64 KiB is what every drive and
//! host adapter takes). The plan is data (`Piece`s), run by [`run`].

use crate::device::{Completion, DataPhase, TransportError};
use crate::mmc::cdb::{Transfer10Cdb, Transfer12Cdb, opcode};
use std::ops::Range;

/// One command of a split transfer: its CDB and the bytes of the caller's buffer it moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub cdb: Vec<u8>,
    pub bytes: Range<usize>,
}

/// The pieces of a READ/WRITE(10/12) moving `data_bytes` at most `max_bytes` per command, or
/// `None` when the command goes whole: another opcode, a transfer that fits, or a data length
/// that is not a whole number of the CDB's blocks (the device then answers it as it is).
pub fn plan(cdb: &[u8], data_bytes: usize, max_bytes: usize) -> Option<Vec<Piece>> {
    if data_bytes <= max_bytes {
        return None;
    }
    let (lba, blocks) = match *cdb.first()? {
        opcode::READ_10 | opcode::WRITE_10 => {
            let view = Transfer10Cdb::new_checked(cdb).ok()?;
            (view.lba(), u32::from(view.transfer_length()))
        }
        opcode::READ_12 | opcode::WRITE_12 => {
            let view = Transfer12Cdb::new_checked(cdb).ok()?;
            (view.lba(), view.transfer_length())
        }
        _ => return None,
    };
    let blocks = usize::try_from(blocks).ok().filter(|b| *b > 0)?;
    if !data_bytes.is_multiple_of(blocks) {
        return None;
    }
    let block_bytes = data_bytes / blocks;
    let per_piece = max_bytes / block_bytes;
    if per_piece == 0 {
        return None;
    }
    let mut pieces = Vec::with_capacity(blocks.div_ceil(per_piece));
    let mut first = 0;
    while first < blocks {
        let count = per_piece.min(blocks - first);
        let mut piece = cdb.to_vec();
        let piece_lba = lba.checked_add(i32::try_from(first).ok()?)?;
        match cdb[0] {
            opcode::READ_10 | opcode::WRITE_10 => {
                let mut view = Transfer10Cdb::new_unchecked(&mut piece[..]);
                view.set_lba(piece_lba);
                view.set_transfer_length(u16::try_from(count).ok()?);
            }
            _ => {
                let mut view = Transfer12Cdb::new_unchecked(&mut piece[..]);
                view.set_lba(piece_lba);
                view.set_transfer_length(u32::try_from(count).ok()?);
            }
        }
        pieces.push(Piece {
            cdb: piece,
            bytes: first * block_bytes..(first + count) * block_bytes,
        });
        first += count;
    }
    Some(pieces)
}

/// Run `pieces` in order with `send`, moving the matching part of `data`. The first piece that
/// does not complete GOOD, or moves fewer bytes than asked, ends the run: its answer is the
/// answer, with the residual counting every byte not moved.
pub fn run(
    pieces: &[Piece],
    mut data: DataPhase<'_>,
    mut send: impl FnMut(&[u8], DataPhase<'_>) -> Result<Completion, TransportError>,
) -> Result<Completion, TransportError> {
    let total = data.len();
    for piece in pieces {
        let phase = match &mut data {
            DataPhase::None => DataPhase::None,
            DataPhase::In(buffer) => DataPhase::In(&mut buffer[piece.bytes.clone()]),
            DataPhase::Out(buffer) => DataPhase::Out(&buffer[piece.bytes.clone()]),
        };
        let mut completion = send(&piece.cdb, phase)?;
        if !completion.is_good() || completion.residual > 0 {
            completion.residual = completion.residual.min(piece.bytes.len()) + (total - piece.bytes.end);
            return Ok(completion);
        }
    }
    Ok(Completion::good(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::ScsiDevice;
    use crate::drive::{Drive, DriveModel};
    use crate::media::medium::Medium;
    use crate::media::{CdLength, Disc, Profile};

    const KIB_64: usize = 64 * 1024;

    #[test]
    fn a_read_10_of_100_blocks_becomes_32_32_32_4_at_consecutive_lbas() {
        let cdb = [0x28, 0, 0, 0, 0, 0x10, 0, 0, 100, 0];
        let pieces = plan(&cdb, 100 * 2048, KIB_64).unwrap();
        let starts: Vec<(u32, u16, Range<usize>)> = pieces
            .iter()
            .map(|p| {
                let v = Transfer10Cdb::new_checked(&p.cdb[..]).unwrap();
                (v.lba() as u32, v.transfer_length(), p.bytes.clone())
            })
            .collect();
        assert_eq!(
            starts,
            vec![
                (16, 32, 0..KIB_64),
                (48, 32, KIB_64..2 * KIB_64),
                (80, 32, 2 * KIB_64..3 * KIB_64),
                (112, 4, 3 * KIB_64..100 * 2048),
            ]
        );
    }

    #[test]
    fn a_write_12_keeps_its_other_bytes() {
        // WRITE(12) with the streaming bit (byte 10 b7) at LBA 0, 40 blocks.
        let cdb = [0xAA, 0, 0, 0, 0, 0, 0, 0, 0, 40, 0x80, 0];
        let pieces = plan(&cdb, 40 * 2048, KIB_64).unwrap();
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[1].cdb, vec![0xAA, 0, 0, 0, 0, 32, 0, 0, 0, 8, 0x80, 0]);
    }

    #[test]
    fn what_fits_other_opcodes_and_odd_lengths_go_whole() {
        assert_eq!(plan(&[0x28, 0, 0, 0, 0, 0, 0, 0, 32, 0], KIB_64, KIB_64), None);
        assert_eq!(
            plan(&[0xBE, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0x10, 0], 64 * 2352, KIB_64),
            None
        );
        // 100 blocks announced, a buffer that is not 100 whole blocks.
        assert_eq!(plan(&[0x28, 0, 0, 0, 0, 0, 0, 0, 100, 0], 100 * 2048 + 1, KIB_64), None);
        assert_eq!(plan(&[0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0], 200_000, KIB_64), None);
        // A block larger than the limit cannot be split.
        assert_eq!(plan(&[0x28, 0, 0, 0, 0, 0, 0, 0, 2, 0], 2 * 40_000, 30_000), None);
    }

    /// A written DVD+RW in an emulated drive.
    fn drive_with_data(blocks: u32) -> Drive {
        let mut disc = Disc::new_cd(Profile::DvdPlusRw, CdLength::Min80);
        disc.format_default().unwrap();
        let mut drive = Drive::with_medium(DriveModel::builtin("bd-writer").unwrap(), Medium::in_memory(disc));
        drive.settle();
        let data: Vec<u8> = (0..blocks as usize * 2048).map(|i| (i / 7) as u8).collect();
        let mut cdb = [0x2A, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        cdb[7..9].copy_from_slice(&(blocks as u16).to_be_bytes());
        assert!(drive.execute(&cdb, DataPhase::Out(&data)).unwrap().is_good());
        drive
    }

    #[test]
    fn a_split_read_returns_what_one_read_returns() {
        let mut drive = drive_with_data(100);
        let cdb = [0x28, 0, 0, 0, 0, 0, 0, 0, 100, 0];
        let mut whole = vec![0u8; 100 * 2048];
        assert!(drive.execute(&cdb, DataPhase::In(&mut whole)).unwrap().is_good());
        let mut split = vec![0u8; 100 * 2048];
        let pieces = plan(&cdb, split.len(), KIB_64).unwrap();
        let done = run(&pieces, DataPhase::In(&mut split), |c, d| drive.execute(c, d)).unwrap();
        assert_eq!(done, Completion::good(0));
        assert!(whole == split);
    }

    #[test]
    fn a_failing_piece_ends_the_run_with_every_byte_after_it_as_residual() {
        let mut drive = drive_with_data(8);
        // Blocks 0..100 of a DVD+RW: all readable; make the third piece fail by a short limit on
        // what the disc holds: READ past the formatted capacity.
        let capacity = {
            let mut reply = [0u8; 8];
            drive
                .execute(&[0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0], DataPhase::In(&mut reply))
                .unwrap();
            u32::from_be_bytes(reply[..4].try_into().unwrap()) + 1
        };
        let start = capacity - 40;
        let mut cdb = [0x28, 0, 0, 0, 0, 0, 0, 0, 100, 0];
        cdb[2..6].copy_from_slice(&start.to_be_bytes());
        let mut buffer = vec![0u8; 100 * 2048];
        let pieces = plan(&cdb, buffer.len(), KIB_64).unwrap();
        let mut sent = 0;
        let done = run(&pieces, DataPhase::In(&mut buffer), |c, d| {
            sent += 1;
            drive.execute(c, d)
        })
        .unwrap();
        // Pieces 1 (32 blocks) passes; piece 2 crosses the end and fails with 5/21/00.
        assert_eq!(sent, 2);
        assert!(!done.is_good());
        assert_eq!(
            done.sense_triple().map(|s| s.to_string()).unwrap_or_default()[..7].to_string(),
            "5/21/00"
        );
        assert_eq!(done.residual, 100 * 2048 - KIB_64);
    }
}
