//! The sample media in `media-images/`: each loads with the expected profile and state, the
//! recorded sessions are readable by an independent ISO reader, and `regenerate.sh` rebuilds
//! every file byte for byte.

mod common;

use burnbench::media::medium::Medium;
use burnbench::media::{DiscStatus, Profile, SessionState, TrackViewState};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// (file, profile, disc status, sessions as READ DISC INFORMATION counts them, written sectors)
const SAMPLES: &[(&str, Profile, DiscStatus, u16, u64)] = &[
    ("blank-cd-r-80.bbm", Profile::CdR, DiscStatus::Blank, 1, 0),
    ("blank-cd-rw.bbm", Profile::CdRw, DiscStatus::Blank, 1, 0),
    (
        "appendable-cd-r-2-sessions.bbm",
        Profile::CdR,
        DiscStatus::Appendable,
        3,
        600,
    ),
    ("finalized-dvd-r.bbm", Profile::DvdR, DiscStatus::Finalized, 1, 192),
    ("blank-dvd+r.bbm", Profile::DvdPlusR, DiscStatus::Blank, 1, 0),
    ("unformatted-dvd+rw.bbm", Profile::DvdPlusRw, DiscStatus::Blank, 1, 0),
    (
        "formatted-dvd+rw-iso.bbm",
        Profile::DvdPlusRw,
        DiscStatus::Finalized,
        1,
        185,
    ),
    ("blank-bd-r.bbm", Profile::BdRSrm, DiscStatus::Blank, 1, 0),
    ("formatted-bd-re.bbm", Profile::BdRe, DiscStatus::RandomAccess, 1, 0),
];

fn sample(name: &str) -> Medium {
    Medium::open(&common::repo().join("media-images").join(name), None).expect("sample loads")
}

#[test]
fn every_sample_loads_with_its_profile_and_state() {
    for &(name, profile, status, sessions, written) in SAMPLES {
        let medium = sample(name);
        let disc = medium.disc();
        assert_eq!((disc.profile, disc.status()), (profile, status), "{name}");
        assert_eq!(disc.view().sessions, sessions, "{name}");
        assert_eq!(medium.written_sectors(), written, "{name}");
    }
    let listed: Vec<_> = SAMPLES.iter().map(|s| s.0).collect();
    for entry in fs::read_dir(common::repo().join("media-images")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".bbm") {
            assert!(listed.contains(&name.as_str()), "{name} is not checked here");
        }
    }
}

#[test]
fn two_session_cd_r_has_the_tao_layout() {
    let medium = sample("appendable-cd-r-2-sessions.bbm");
    let tracks = medium.disc().track_views();
    let layout: Vec<_> = tracks.iter().map(|t| (t.number, t.session, t.start, t.state)).collect();
    assert_eq!(
        layout,
        vec![
            (1, 1, 0, TrackViewState::Complete),
            (2, 2, 302 + 11400, TrackViewState::Complete),
            (3, 3, 302 + 11400 + 302 + 6900, TrackViewState::Invisible),
        ]
    );
    assert_eq!(medium.disc().view().last_session_state, SessionState::Empty);
}

#[test]
fn recorded_sessions_read_back_with_isoinfo() {
    let Some(isoinfo) = common::peer("isoinfo") else { return };
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("cd.img");
    let out = common::run(&[
        "media",
        "export",
        common::repo()
            .join("media-images/appendable-cd-r-2-sessions.bbm")
            .to_str()
            .unwrap(),
        flat.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = |extra: &[&str]| {
        let out = std::process::Command::new(&isoinfo)
            .args(extra)
            .arg("-f")
            .arg("-i")
            .arg(&flat)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let first = list(&[]);
    assert!(
        first.contains("/README.TXT;1") && !first.contains("SESSION2"),
        "{first}"
    );
    let second = list(&["-T", "11702"]);
    for name in [
        "/README.TXT;1",
        "/SESSION2.TXT;1",
        "/DOCS/FIRST.TXT;1",
        "/DOCS/SECOND.TXT;1",
    ] {
        assert!(second.contains(name), "{name} missing from session 2:\n{second}");
    }
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        if entry.file_type().unwrap().is_dir() {
            if name.ends_with(".bbm") {
                for (inner, bytes) in files(&entry.path()) {
                    out.insert(format!("{name}/{inner}"), bytes);
                }
            }
        } else if !name.ends_with(".sh") {
            out.insert(name, fs::read(entry.path()).unwrap());
        }
    }
    out
}

#[test]
fn regenerating_the_samples_gives_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(common::repo().join("media-images/regenerate.sh"))
        .arg(dir.path())
        .env("BURNBENCH", env!("CARGO_BIN_EXE_burnbench"))
        .status()
        .unwrap();
    assert!(status.success());
    let committed: BTreeMap<_, _> = files(&common::repo().join("media-images"))
        .into_iter()
        .filter(|(k, _)| k.contains(".bbm/"))
        .collect();
    let fresh = files(dir.path());
    assert_eq!(committed.keys().collect::<Vec<_>>(), fresh.keys().collect::<Vec<_>>());
    for (name, bytes) in &committed {
        assert!(fresh[name] == *bytes, "{name} differs after regeneration");
    }
}
