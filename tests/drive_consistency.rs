//! READ DISC INFORMATION, READ TRACK INFORMATION, READ TOC, READ CAPACITY and GET CONFIGURATION
//! never contradict each other: walked over every sample medium and over media in many states,
//! through the drive, parsed with the `mmc` decoders.

mod common;

use burnbench::burn::command::{data_in, parsed};
use burnbench::burn::probe::MediaProbe;
use burnbench::device::ScsiDevice;
use burnbench::drive::{Drive, DriveModel};
use burnbench::media::medium::Medium;
use burnbench::media::{Disc, Family, Profile, WriteParameters};
use burnbench::mmc::cdb::{ReadToc, TocFormat};
use burnbench::mmc::disc_information::DiscStatus;
use burnbench::mmc::msf::Addressing;
use burnbench::mmc::toc::{Toc, TocRepr};

fn drive(medium: Medium) -> Drive {
    let mut drive = Drive::with_medium(DriveModel::builtin("bd-writer").unwrap(), medium);
    drive.settle();
    drive
}

fn toc(device: &mut dyn ScsiDevice, format: TocFormat) -> Option<TocRepr> {
    let command = ReadToc {
        msf: false,
        format,
        track_or_session: 0,
        allocation_length: 2048,
    };
    let bytes = data_in(device, command).ok()?;
    let view = parsed("READ TOC", Toc::new_checked(&bytes[..])).unwrap();
    Some(parsed("READ TOC", TocRepr::parse(&view, Addressing::Lba)).unwrap())
}

/// Check every cross-rule on one loaded medium.
fn check(name: &str, drive: &mut Drive) {
    let expected_profile = drive.medium().unwrap().disc().profile;
    let probe = MediaProbe::query(drive).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        probe.current_profile,
        expected_profile.code(),
        "{name}: GET CONFIGURATION profile"
    );
    let disc = &probe.disc;
    let last = probe.tracks.last().expect("at least one track");
    assert_eq!(last.track_number, disc.last_track_in_last_session, "{name}: last track");
    assert_eq!(
        last.session_number, disc.sessions,
        "{name}: sessions count the last one"
    );
    let blank = disc.disc_status == DiscStatus::Empty;
    if blank {
        assert_eq!(probe.capacity.last_lba, 0, "{name}: blank media report READ CAPACITY 0");
    }
    // The readable area ends where the last complete track ends.
    let complete_end = probe
        .tracks
        .iter()
        .filter(|t| !t.blank && t.next_writable_address.is_none())
        .map(|t| t.track_start + t.track_size)
        .max()
        .unwrap_or(0);
    if expected_profile.family() != Family::Overwritable {
        assert_eq!(
            probe.readable_blocks(),
            complete_end,
            "{name}: READ CAPACITY vs track sizes"
        );
    }
    // Every writable track ends inside the disc — except on DVD+R DL, whose legacy lead-out is
    // the layer-0 capacity while the free blocks span both layers, as real drives report (mmc.md §7).
    let lead_out = if expected_profile == Profile::DvdPlusRDl {
        0xFFFF_FFFF
    } else {
        disc.last_possible_lead_out
    };
    for track in &probe.tracks {
        if let (Some(nwa), false) = (track.next_writable_address, lead_out == 0xFFFF_FFFF) {
            let cd = expected_profile.class() == burnbench::media::MediaClass::Cd;
            let end = if cd {
                burnbench::mmc::msf::Msf::from_packed(lead_out).to_lba() as i64
            } else {
                i64::from(lead_out)
            };
            assert!(
                i64::from(nwa) + i64::from(track.free_blocks) <= end,
                "{name}: track {} past the lead-out",
                track.track_number
            );
        }
    }
    if disc.disc_status == DiscStatus::Finalized {
        assert!(
            probe.tracks.iter().all(|t| t.next_writable_address.is_none()),
            "{name}: finalized but writable"
        );
    }
    match toc(drive, TocFormat::Formatted) {
        Some(formatted) => {
            let lead = formatted
                .descriptors
                .iter()
                .find(|d| d.track_number == 0xAA)
                .expect("lead-out");
            assert_eq!(
                lead.start_lba as u32,
                probe.readable_blocks(),
                "{name}: TOC lead-out vs READ CAPACITY"
            );
            for d in formatted.descriptors.iter().filter(|d| d.track_number != 0xAA) {
                let track = probe
                    .tracks
                    .iter()
                    .find(|t| u16::from(d.track_number) == t.track_number)
                    .expect("TOC track exists");
                assert_eq!(
                    track.track_start as i32, d.start_lba,
                    "{name}: TOC vs TRACK INFORMATION start"
                );
            }
            let sessions = toc(drive, TocFormat::MultiSession).expect("format 1 with format 0");
            let last_track = probe
                .tracks
                .iter()
                .find(|t| t.session_number == u16::from(sessions.last));
            assert!(last_track.is_some(), "{name}: TOC last complete session exists");
        }
        None => assert!(
            blank
                || probe
                    .tracks
                    .iter()
                    .all(|t| t.next_writable_address.is_some() || t.blank),
            "{name}: no TOC although a session is complete"
        ),
    }
}

#[test]
fn every_sample_medium_is_self_consistent() {
    let dir = common::repo().join("media-images");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "bbm") {
            let mut drive = drive(Medium::open_scratch(&path, None).unwrap());
            check(&path.display().to_string(), &mut drive);
        }
    }
}

#[test]
fn media_in_many_states_are_self_consistent() {
    let params = WriteParameters::multisession();
    for profile in Profile::all() {
        let mut states = Vec::new();
        match profile.family() {
            Family::ReadOnly => states.push(Disc::pressed(profile, 1000, false)),
            Family::Overwritable => {
                states.push(Disc::new(profile));
                states.push(Disc::pressed(profile, 1000, false));
            }
            Family::Sequential => {
                let blank = Disc::new(profile);
                let mut open = blank.clone();
                open.write(0, 64, &params).unwrap();
                let mut closed = open.clone();
                closed.close(1, 1, &params).unwrap();
                closed.close(2, 0, &params).unwrap();
                let mut second = closed.clone();
                if let Some(start) = second.invisible_track_start() {
                    second.write(start, 32, &params).unwrap();
                }
                states.extend([blank, open, closed, second, Disc::pressed(profile, 1000, false)]);
            }
        }
        for (i, disc) in states.into_iter().enumerate() {
            let mut drive = drive(Medium::in_memory(disc));
            check(&format!("{profile:?} state {i}"), &mut drive);
        }
    }
}
