//! The emulated drive on command streams: any drive model, any profile, a shipped media image
//! or any medium state the stream itself reaches (writes, closes, blanks, formats, ejects, loads, power cycles), CDBs
//! with their data-out bytes or data-in buffers of any size. The drive never panics, every
//! CHECK CONDITION carries well-formed sense (a known triple, a field pointer inside the CDB, a
//! progress indication only with NOT READY), GOOD carries none and no reply overruns its buffer.

#![no_main]

use arbitrary::Arbitrary;
use burnbench::device::{Completion, DataPhase, ScsiDevice, Status};
use burnbench::drive::model::builtin_models;
use burnbench::drive::{Drive, DriveModel};
use burnbench::media::medium::Medium;
use burnbench::media::{CdLength, Disc, Family, Profile};
use burnbench::mmc::cdb::{cdb_length, opcode_name};
use burnbench::mmc::sense_data::{SenseDataRepr, SenseKeySpecific};
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Commands one input runs at most (keeps an execution short).
const MAX_STEPS: usize = 48;
/// Blocks of data out one WRITE carries at most.
const MAX_OUT_BLOCKS: usize = 32;

#[derive(Arbitrary, Debug)]
struct Input {
    model: u8,
    medium: MediumChoice,
    steps: Vec<Step>,
}

#[derive(Arbitrary, Debug)]
enum MediumChoice {
    None,
    /// A blank (or sold-formatted) disc of a recordable profile, or a pressed one.
    New {
        profile: u8,
        short_cd: bool,
    },
    /// A closed single-session disc holding `blocks` (as an ISO loads).
    Pressed {
        profile: u8,
        blocks: u16,
        appendable: bool,
    },
    /// One of the shipped media images (`media-images/*.bbm`: two sessions on a CD-R, a
    /// finalized DVD-R, a formatted DVD+RW holding an ISO...), opened as a scratch copy.
    Shipped(u8),
}

#[derive(Arbitrary, Debug)]
enum Step {
    /// A known operation code with fuzzed fields.
    Known {
        pick: u8,
        fields: [u8; 15],
        data: Data,
    },
    /// Any bytes as a CDB (6 to 16 of them).
    Raw {
        cdb: Vec<u8>,
        data: Data,
    },
    /// The host pulls the tray (drive.unload), or puts a disc in.
    Eject,
    Load(MediumChoice),
    /// A power cycle: a new drive of the same model with the same medium.
    PowerCycle,
    /// Time passes (background format, busy states).
    Advance(u16),
}

#[derive(Arbitrary, Debug)]
enum Data {
    None,
    /// A data-in buffer of this many bytes.
    In(u16),
    /// Data out: whole blocks of one byte value (WRITE).
    OutBlocks {
        blocks: u8,
        fill: u8,
    },
    /// Data out: these bytes (parameter lists).
    Out(Vec<u8>),
}

/// Every operation code MMC names (mmc.md §1), those the drive refuses included, for
/// `Step::Known`.
fn opcodes() -> &'static [u8] {
    static CODES: OnceLock<Vec<u8>> = OnceLock::new();
    CODES.get_or_init(|| (0..=255u8).filter(|&c| opcode_name(c).is_some()).collect())
}

fn models() -> &'static [DriveModel] {
    static MODELS: OnceLock<Vec<DriveModel>> = OnceLock::new();
    MODELS.get_or_init(builtin_models)
}

/// The shipped media images, sorted by name.
fn shipped() -> &'static [PathBuf] {
    static IMAGES: OnceLock<Vec<PathBuf>> = OnceLock::new();
    IMAGES.get_or_init(|| {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../media-images");
        let mut images: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
            .unwrap_or_default();
        images.retain(|p| p.extension().is_some_and(|e| e == "bbm"));
        images.sort();
        images
    })
}

fn medium(choice: &MediumChoice) -> Option<Medium> {
    let profiles: Vec<Profile> = Profile::all().collect();
    let disc = match *choice {
        MediumChoice::None => return None,
        MediumChoice::New { profile, short_cd } => {
            let profile = profiles[usize::from(profile) % profiles.len()];
            if profile.family() == Family::ReadOnly {
                Disc::pressed(profile, 1000, false)
            } else {
                Disc::new_cd(profile, if short_cd { CdLength::Min74 } else { CdLength::Min80 })
            }
        }
        MediumChoice::Pressed {
            profile,
            blocks,
            appendable,
        } => {
            let profile = profiles[usize::from(profile) % profiles.len()];
            Disc::pressed(profile, u32::from(blocks).max(1), appendable)
        }
        MediumChoice::Shipped(pick) => {
            let images = shipped();
            let image = images.get(usize::from(pick) % images.len().max(1))?;
            // None while this input holds the same image already (a disc is in one place).
            return Medium::open_scratch(image, None).ok();
        }
    };
    Some(Medium::in_memory(disc))
}

fn check(cdb: &[u8], offered: usize, completion: &Completion) {
    assert!(
        completion.residual <= offered,
        "residual {} of {offered} bytes",
        completion.residual
    );
    match completion.status {
        Status::Good => assert!(completion.sense.is_empty(), "GOOD with sense {:02x?}", completion.sense),
        Status::CheckCondition => {
            let sense = SenseDataRepr::parse_any(&completion.sense)
                .unwrap_or_else(|e| panic!("CHECK CONDITION with unreadable sense {:02x?}: {e:?}", completion.sense));
            assert!(
                matches!(completion.sense[0] & 0x7f, 0x70..=0x73),
                "response code {:02x}",
                completion.sense[0]
            );
            assert_ne!(sense.sense.key, 0, "CHECK CONDITION with NO SENSE: {sense:?}");
            assert!(
                sense.sense.entry().is_some(),
                "sense {:?} is not in the sense table",
                sense.sense
            );
            match sense.key_specific {
                SenseKeySpecific::FieldPointer(pointer) => {
                    assert_eq!(sense.sense.key, 5, "field pointer with key {:x}", sense.sense.key);
                    if pointer.in_cdb {
                        assert!(
                            usize::from(pointer.byte) < cdb.len(),
                            "field pointer {pointer:?} past the CDB"
                        );
                    } else {
                        assert!(
                            usize::from(pointer.byte) < offered.max(1),
                            "field pointer {pointer:?} past the data"
                        );
                    }
                    assert!(pointer.bit.is_none_or(|bit| bit < 8), "bit pointer {pointer:?}");
                }
                SenseKeySpecific::Progress(_) => {
                    assert_eq!(sense.sense.key, 2, "progress indication with key {:x}", sense.sense.key)
                }
                SenseKeySpecific::None | SenseKeySpecific::Other(_) => {}
            }
        }
    }
}

fn run(drive: &mut Drive, cdb: &[u8], data: &Data) {
    let (completion, offered) = match data {
        Data::None => (drive.execute(cdb, DataPhase::None), 0),
        Data::In(len) => {
            let mut buffer = vec![0u8; usize::from(*len)];
            (drive.execute(cdb, DataPhase::In(&mut buffer)), buffer.len())
        }
        Data::OutBlocks { blocks, fill } => {
            let bytes = vec![*fill; usize::from(*blocks).min(MAX_OUT_BLOCKS) * 2048];
            (drive.execute(cdb, DataPhase::Out(&bytes)), bytes.len())
        }
        Data::Out(bytes) => (drive.execute(cdb, DataPhase::Out(bytes)), bytes.len()),
    };
    match completion {
        Ok(completion) => check(cdb, offered, &completion),
        Err(error) => assert!(
            !(6..=16).contains(&cdb.len()),
            "transport error for a {}-byte CDB: {error}",
            cdb.len()
        ),
    }
}

fuzz_target!(|input: Input| {
    let model = models()[usize::from(input.model) % models().len()].clone();
    let mut drive = match medium(&input.medium) {
        Some(m) => Drive::with_medium(model.clone(), m),
        None => Drive::new(model.clone()),
    };
    let mut ejected: Option<Medium> = None;
    for step in input.steps.iter().take(MAX_STEPS) {
        match step {
            Step::Known { pick, fields, data } => {
                let code = opcodes()[usize::from(*pick) % opcodes().len()];
                let len = cdb_length(code).unwrap_or(10);
                let mut cdb = vec![code];
                cdb.extend_from_slice(&fields[..len - 1]);
                run(&mut drive, &cdb, data);
            }
            Step::Raw { cdb, data } => run(&mut drive, cdb, data),
            Step::Eject => {
                if let Ok(Some(m)) = drive.unload() {
                    ejected = Some(m);
                }
            }
            Step::Load(choice) => {
                let next = match choice {
                    MediumChoice::None => ejected.take(),
                    other => medium(other),
                };
                if let Some(m) = next
                    && !drive.is_loaded()
                {
                    drive.load(m);
                }
            }
            Step::PowerCycle => {
                let inside = drive.unload().ok().flatten();
                drive = match inside {
                    Some(m) => Drive::with_medium(model.clone(), m),
                    None => Drive::new(model.clone()),
                };
            }
            Step::Advance(ms) => drive.advance(u64::from(*ms)),
        }
    }
});
