//! Helpers of the `burn_*` tests: an emulated drive behind a recording wrapper (every CDB and small
//! data-out kept, replies optionally poisoned), a recorder over it whose waits advance the
//! drive's simulated clock, and the recording commands of a run as short readable steps.
#![allow(dead_code)]

use burnbench::burn::clock::{EmulatorClock, SimulatedTime};
use burnbench::burn::{DataWriter, Recorder};
use burnbench::device::{Completion, DataPhase, ScsiDevice, TransportError};
use burnbench::drive::{Drive, DriveModel, FaultPlan};
use burnbench::hresult::{HResult, ImapiResult};
use burnbench::media::medium::Medium;
use burnbench::media::{Disc, Profile};
use std::cell::{RefCell, RefMut};
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::rc::Rc;

/// Changes a reply before the host sees it: (CDB, data-in bytes).
pub type Poison = Box<dyn FnMut(&[u8], &mut [u8])>;

/// One command as the host sent it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub cdb: Vec<u8>,
    /// Data out, kept when short (parameter lists), empty for WRITE data.
    pub data_out: Vec<u8>,
    pub good: bool,
}

/// An emulated drive that logs every command.
pub struct Recording {
    pub drive: Drive,
    pub log: Vec<Logged>,
    pub poison: Option<Poison>,
}

impl ScsiDevice for Recording {
    fn execute(&mut self, cdb: &[u8], mut data: DataPhase<'_>) -> Result<Completion, TransportError> {
        let data_out = match &data {
            DataPhase::Out(bytes) if bytes.len() <= 512 => bytes.to_vec(),
            _ => Vec::new(),
        };
        let result = match &mut data {
            DataPhase::In(buffer) => self.drive.execute(cdb, DataPhase::In(&mut buffer[..])),
            DataPhase::Out(buffer) => self.drive.execute(cdb, DataPhase::Out(buffer)),
            DataPhase::None => self.drive.execute(cdb, DataPhase::None),
        };
        if let (Some(poison), DataPhase::In(buffer)) = (self.poison.as_mut(), &mut data) {
            poison(cdb, buffer);
        }
        self.log.push(Logged {
            cdb: cdb.to_vec(),
            data_out,
            good: result.as_ref().is_ok_and(|c| c.is_good()),
        });
        result
    }
}

impl SimulatedTime for Recording {
    fn clock_ms(&self) -> u64 {
        self.drive.clock_ms()
    }

    fn advance(&mut self, ms: u64) {
        self.drive.advance(ms)
    }
}

/// A recorder over a recording emulated drive.
pub struct Rig {
    pub recorder: Recorder,
    pub device: Rc<RefCell<Recording>>,
}

pub fn model(id: &str) -> DriveModel {
    DriveModel::builtin(id).expect("built-in model")
}

impl Rig {
    /// A settled `bd-writer` with `disc` loaded.
    pub fn new(disc: Disc) -> Rig {
        Rig::with_drive(Drive::with_medium(model("bd-writer"), Medium::in_memory(disc)))
    }

    /// A new blank medium of `profile` in a `bd-writer`.
    pub fn blank(profile: Profile) -> Rig {
        Rig::new(Disc::new(profile))
    }

    /// A settled `bd-writer` with no medium.
    pub fn empty() -> Rig {
        Rig::with_drive(Drive::new(model("bd-writer")))
    }

    pub fn with_drive(mut drive: Drive) -> Rig {
        drive.settle();
        let device = Rc::new(RefCell::new(Recording {
            drive,
            log: Vec::new(),
            poison: None,
        }));
        let recorder = Recorder::from_shared(device.clone());
        recorder.set_clock(EmulatorClock::new(device.clone()));
        Rig { recorder, device }
    }

    pub fn drive(&self) -> RefMut<'_, Drive> {
        RefMut::map(self.device.borrow_mut(), |r| &mut r.drive)
    }

    pub fn disc(&self) -> Disc {
        self.drive().medium().expect("a medium").disc().clone()
    }

    pub fn set_faults(&self, ron: &str) {
        self.drive()
            .set_fault_plan(FaultPlan::from_ron(ron).expect("fault plan parses"));
    }

    pub fn poison(&self, poison: impl FnMut(&[u8], &mut [u8]) + 'static) {
        self.device.borrow_mut().poison = Some(Box::new(poison));
    }

    pub fn clear_log(&self) {
        self.device.borrow_mut().log.clear();
    }

    pub fn commands(&self) -> usize {
        self.device.borrow().log.len()
    }

    /// Operation codes sent so far.
    pub fn opcodes(&self) -> Vec<u8> {
        self.device.borrow().log.iter().map(|l| l.cdb[0]).collect()
    }

    /// The recording commands since the log was cleared, as short steps (queries, polls and reads
    /// left out; consecutive WRITEs merged into one range).
    pub fn steps(&self) -> Vec<String> {
        let log = self.device.borrow().log.clone();
        let mut steps: Vec<String> = Vec::new();
        let mut write: Option<(u32, u32)> = None;
        let flush = |steps: &mut Vec<String>, write: &mut Option<(u32, u32)>| {
            if let Some((start, end)) = write.take() {
                steps.push(format!("WRITE {start}..{end}"));
            }
        };
        for entry in log.iter().filter(|l| l.good) {
            let cdb = &entry.cdb;
            let be32 = |at: usize| u32::from_be_bytes([cdb[at], cdb[at + 1], cdb[at + 2], cdb[at + 3]]);
            if cdb[0] == 0x2A {
                let lba = be32(2);
                let blocks = u32::from(u16::from_be_bytes([cdb[7], cdb[8]]));
                write = match write {
                    Some((start, end)) if end == lba => Some((start, end + blocks)),
                    other => {
                        if let Some((start, end)) = other {
                            steps.push(format!("WRITE {start}..{end}"));
                        }
                        Some((lba, lba + blocks))
                    }
                };
                continue;
            }
            let step = match cdb[0] {
                0x55 => {
                    // Header 8 bytes, then page 05h: byte 2 write type, byte 3 multi-session.
                    let page = &entry.data_out[8..];
                    let write_type = match page[2] & 0x0F {
                        0 => "packet",
                        1 => "TAO",
                        2 => "DAO",
                        _ => "other",
                    };
                    Some(format!("MODE SELECT 05h {write_type} ms={:02b}", page[3] >> 6))
                }
                0x04 => Some(format!("FORMAT {:02X}h", entry.data_out[8] >> 2)),
                0x54 => Some("SEND OPC".to_string()),
                0x53 => Some(format!("RESERVE TRACK {}", be32(5))),
                0x35 => Some("SYNC".to_string()),
                0x5B => Some(match cdb[2] & 7 {
                    1 => format!("CLOSE 001b track {}", u16::from_be_bytes([cdb[4], cdb[5]])),
                    f => format!("CLOSE {f:03b}b"),
                }),
                0xA1 => Some(format!("BLANK {:03b}b", cdb[1] & 7)),
                0xBB => Some("SET CD SPEED".to_string()),
                0xB6 => Some("SET STREAMING".to_string()),
                0x1B => Some("START STOP".to_string()),
                _ => None,
            };
            if let Some(step) = step {
                flush(&mut steps, &mut write);
                steps.push(step);
            }
        }
        flush(&mut steps, &mut write);
        steps
    }

    /// A data writer on this rig's recorder with a valid client name.
    pub fn writer(&self) -> DataWriter {
        let writer = DataWriter::new();
        writer
            .set_recorder(&self.recorder)
            .expect("the bd-writer is a data recorder");
        writer.set_client_name("burnbench");
        writer
    }

    /// The block at `lba` as the medium stores it.
    pub fn block(&self, lba: u32) -> Vec<u8> {
        let mut out = vec![0u8; 2048];
        self.drive()
            .medium_mut()
            .expect("a medium")
            .read(lba, &mut out)
            .expect("readable");
        out
    }
}

/// An image of `blocks` blocks; block n starts with `tag` and n (so where it landed shows).
pub fn image(blocks: u32, tag: u8) -> Cursor<Vec<u8>> {
    let mut bytes = vec![0u8; blocks as usize * 2048];
    for n in 0..blocks as usize {
        bytes[n * 2048] = tag;
        bytes[n * 2048 + 1..n * 2048 + 5].copy_from_slice(&(n as u32).to_be_bytes());
        bytes[n * 2048 + 2047] = 0xEE;
    }
    Cursor::new(bytes)
}

/// The first bytes `image(_, tag)` puts into its block `n`.
pub fn tagged(tag: u8, n: u32) -> [u8; 5] {
    let b = n.to_be_bytes();
    [tag, b[0], b[1], b[2], b[3]]
}

/// A stream of `len` zero bytes that is never materialised (for size checks).
pub struct ZeroStream {
    pub len: u64,
    pub pos: u64,
}

impl Read for ZeroStream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (self.len - self.pos).min(buf.len() as u64) as usize;
        buf[..n].fill(0);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for ZeroStream {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.pos = match to {
            SeekFrom::Start(n) => n,
            SeekFrom::End(d) => (self.len as i64 + d) as u64,
            SeekFrom::Current(d) => (self.pos as i64 + d) as u64,
        };
        Ok(self.pos)
    }
}

/// The HRESULT of a failed call.
pub fn code<T: std::fmt::Debug>(result: ImapiResult<T>) -> HResult {
    result.expect_err("the call fails").code
}

/// Checks that the block between `<!-- NAME:begin -->` and `<!-- NAME:end -->` of the doc at
/// `path` (relative to the crate) is `expected`. With `BURNBENCH_BLESS=1` the block is rewritten
/// instead: the code's tables are the source, the docs show them.
pub fn check_doc_block(path: &str, name: &str, expected: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let doc = std::fs::read_to_string(&path).expect("the doc exists");
    let begin = format!("<!-- {name}:begin -->\n");
    let end = format!("<!-- {name}:end -->");
    let start = doc.find(&begin).unwrap_or_else(|| panic!("{name}:begin marker")) + begin.len();
    let stop = doc[start..].find(&end).unwrap_or_else(|| panic!("{name}:end marker")) + start;
    if std::env::var("BURNBENCH_BLESS").as_deref() == Ok("1") {
        let blessed = format!("{}{expected}{}", &doc[..start], &doc[stop..]);
        std::fs::write(&path, blessed).expect("the doc is writable");
        return;
    }
    assert_eq!(
        &doc[start..stop],
        expected,
        "{}: the {name} block differs from the code's table; run the test with BURNBENCH_BLESS=1 to regenerate it",
        path.display()
    );
}
