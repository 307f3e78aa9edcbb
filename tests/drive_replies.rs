//! Every command × every profile (in its typical states) against the golden file
//! `tests/golden/drive-replies.txt`: status, reply bytes or sense bytes, one line each. Any change
//! in what the drive answers shows up here byte for byte; the real-drive replies quoted in the
//! reference are also checked by hand in the unit tests. Regenerate after a deliberate change
//! with `BURNBENCH_BLESS=1 cargo test --test drive_replies` and review the diff.

mod common;

use burnbench::device::{DataPhase, ScsiDevice};
use burnbench::drive::{Drive, DriveModel};
use burnbench::media::medium::Medium;
use burnbench::media::{Disc, Family, FormatRequest, Profile, WriteParameters};
use std::fmt::Write as _;

/// (name, CDB, data-in length)
const COMMANDS: &[(&str, &str, usize)] = &[
    ("TEST UNIT READY", "00 00 00 00 00 00", 0),
    ("REQUEST SENSE", "03 00 00 00 12 00", 18),
    ("INQUIRY", "12 00 00 00 60 00", 96),
    ("INQUIRY VPD 00h", "12 01 00 00 40 00", 64),
    ("INQUIRY VPD 80h", "12 01 80 00 40 00", 64),
    ("INQUIRY VPD 83h", "12 01 83 00 40 00", 64),
    ("MODE SENSE(10) all pages", "5a 00 3f 00 00 00 00 01 00 00", 256),
    ("MODE SENSE(10) changeable 05h", "5a 00 45 00 00 00 00 00 40 00", 64),
    ("MODE SENSE(6) 2Ah", "1a 00 2a 00 ff 00", 255),
    ("GET CONFIGURATION RT0", "46 00 00 00 00 00 00 04 00 00", 1024),
    ("GET CONFIGURATION RT1", "46 01 00 00 00 00 00 04 00 00", 1024),
    ("GET CONFIGURATION RT2 0020h", "46 02 00 20 00 00 00 00 40 00", 64),
    ("GET EVENT STATUS media", "4a 01 00 00 10 00 00 00 08 00", 8),
    ("READ CAPACITY", "25 00 00 00 00 00 00 00 00 00", 8),
    ("READ FORMAT CAPACITIES", "23 00 00 00 00 00 00 00 fc 00", 252),
    ("READ DISC INFORMATION", "51 00 00 00 00 00 00 00 22 00", 34),
    (
        "READ DISC INFORMATION POW resources",
        "51 02 00 00 00 00 00 00 10 00",
        16,
    ),
    ("READ TRACK INFORMATION track 1", "52 01 00 00 00 01 00 00 30 00", 48),
    ("READ TRACK INFORMATION track FFh", "52 01 00 00 00 ff 00 00 30 00", 48),
    ("READ TRACK INFORMATION LBA 0", "52 00 00 00 00 00 00 00 30 00", 48),
    ("READ TRACK INFORMATION session 1", "52 02 00 00 00 01 00 00 30 00", 48),
    ("READ TOC format 0", "43 00 00 00 00 00 00 03 24 00", 804),
    ("READ TOC format 0 MSF", "43 02 00 00 00 00 00 03 24 00", 804),
    ("READ TOC format 1", "43 00 01 00 00 00 00 00 0c 00", 12),
    ("READ TOC format 2", "43 02 02 00 00 00 01 03 24 00", 804),
    ("READ TOC format 4", "43 02 04 00 00 00 00 00 20 00", 32),
    (
        "READ DISC STRUCTURE DVD 00h",
        "ad 00 00 00 00 00 00 00 08 04 00 00",
        2052,
    ),
    (
        "READ DISC STRUCTURE DVD 11h",
        "ad 00 00 00 00 00 00 11 01 00 00 00",
        256,
    ),
    ("READ DISC STRUCTURE DVD 20h", "ad 00 00 00 00 00 00 20 00 0c 00 00", 12),
    (
        "READ DISC STRUCTURE DVD FFh",
        "ad 00 00 00 00 00 00 ff 01 00 00 00",
        256,
    ),
    (
        "READ DISC STRUCTURE BD 00h",
        "ad 01 00 00 00 00 00 00 10 00 00 00",
        4096,
    ),
    ("READ DISC STRUCTURE BD 0Ah", "ad 01 00 00 00 00 00 0a 00 40 00 00", 64),
    ("GET PERFORMANCE 00h read", "ac 10 00 00 00 00 00 00 00 01 00 00", 24),
    ("GET PERFORMANCE 03h", "ac 00 00 00 00 00 00 00 00 10 03 00", 264),
    ("READ BUFFER CAPACITY", "5c 00 00 00 00 00 00 00 0c 00", 12),
    ("MECHANISM STATUS", "bd 00 00 00 00 00 00 00 00 08 00 00", 8),
    ("READ(10) LBA 0", "28 00 00 00 00 00 00 00 01 00", 2048),
    ("SEND OPC INFORMATION", "54 01 00 00 00 00 00 00 00 00", 0),
    ("SET CD SPEED", "bb 00 ff ff ff ff 00 00 00 00 00 00", 0),
    ("SYNCHRONIZE CACHE", "35 00 00 00 00 00 00 00 00 00", 0),
];

fn hex(text: &str) -> Vec<u8> {
    text.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join("")
}

/// The typical states of each profile.
fn states(profile: Profile) -> Vec<(&'static str, Disc)> {
    let params = WriteParameters::multisession();
    match profile.family() {
        Family::ReadOnly => vec![("pressed", Disc::pressed(profile, 4096, false))],
        Family::Overwritable => {
            let mut states = vec![
                ("new", Disc::new(profile)),
                ("formatted", Disc::pressed(profile, 4096, false)),
            ];
            if profile == Profile::DvdPlusRw {
                // FORMAT UNIT 26h, then the disc left the drive (real-drives.md §5).
                let mut suspended = Disc::new(profile);
                suspended.start_default_format().unwrap();
                suspended.suspend_background_format();
                states.push(("suspended", suspended));
            }
            states
        }
        Family::Sequential => {
            let mut session = Disc::new(profile);
            session.write(0, 320, &params).unwrap();
            session.close(1, 1, &params).unwrap();
            session.close(2, 0, &params).unwrap();
            let mut states = vec![
                ("blank", Disc::new(profile)),
                ("one-session", session),
                ("finalized", Disc::pressed(profile, 4096, false)),
            ];
            if profile == Profile::BdRSrm {
                states.push(("pow-session-open", pow_session_open()));
            }
            states
        }
    }
}

/// A BD-R as growisofs -Z leaves it: formatted 32h 12088320 SRM+POW, one closed track of 320
/// blocks in the open session, its volume descriptors rewritten once in place.
fn pow_session_open() -> Disc {
    let params = WriteParameters::multisession();
    let mut disc = Disc::new(Profile::BdRSrm);
    disc.format(FormatRequest {
        format_type: 0x32,
        subtype: 0,
        blocks: 12088320,
        parameter: 0,
    })
    .unwrap();
    disc.write(0, 320, &params).unwrap();
    disc.close(1, 1, &params).unwrap();
    disc.write(16, 16, &params).unwrap();
    disc
}

fn render() -> String {
    let mut out = String::new();
    for profile in Profile::all() {
        for (state, disc) in states(profile) {
            let medium = Medium::in_memory(disc);
            let mut drive = Drive::with_medium(DriveModel::builtin("bd-writer").unwrap(), medium);
            drive.settle();
            for (name, cdb, length) in COMMANDS {
                let mut buffer = vec![0u8; *length];
                let completion = drive.execute(&hex(cdb), DataPhase::In(&mut buffer)).unwrap();
                let line = if completion.is_good() {
                    buffer.truncate(length - completion.residual);
                    format!("GOOD {}", hex_of(&buffer))
                } else {
                    format!(
                        "CHECK {} {}",
                        completion.sense_triple().unwrap(),
                        hex_of(&completion.sense)
                    )
                };
                writeln!(out, "{}/{state} | {name} | {line}", profile.id()).unwrap();
            }
        }
    }
    out
}

#[test]
fn every_command_on_every_profile_matches_the_golden_replies() {
    let path = common::repo().join("tests/golden/drive-replies.txt");
    let actual = render();
    if std::env::var("BURNBENCH_BLESS").as_deref() == Ok("1") {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).expect("golden file (BURNBENCH_BLESS=1 creates it)");
    let differing: Vec<String> = expected
        .lines()
        .zip(actual.lines())
        .filter(|(e, a)| e != a)
        .take(5)
        .map(|(e, a)| format!("expected {e}\n  actual {a}"))
        .collect();
    assert!(
        differing.is_empty() && expected.lines().count() == actual.lines().count(),
        "{}",
        differing.join("\n")
    );
}
