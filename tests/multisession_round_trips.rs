//! Five sessions on every multisession medium, through the IMAPI-style API against the emulated
//! drive: each session imports the previous one, adds a file, replaces one and removes one; the
//! tree read back from the disc after the last session is exactly the expected one, and the peers
//! agree on the exported disc: isoinfo lists and xorriso extracts the newest tree (sequential media:
//! at the last session's start; random-writable media: at LBA 16), and 7z, which only reads the
//! volume descriptors at LBA 16, extracts it from random-writable media and from the export of
//! sequential media as a reader mounting the last session sees it (and session 1's tree from the
//! export as session 1).

mod common;

use burnbench::burn::DvdPlusRDlMultisession;
use burnbench::fsi::{FileData, FileSystemImage, FileSystems};
use burnbench::media::export::SessionChoice;
use burnbench::media::{Disc, Profile};
use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

const SESSIONS: usize = 5;

type Tree = BTreeMap<String, Vec<u8>>;

/// What five sessions left on a disc.
struct Burned {
    /// The tree after the last session, and after the first.
    expected: Tree,
    first: Tree,
    /// The disc as a flat image, and the LBA where the newest tree is found.
    image: Vec<u8>,
    newest: u32,
    /// Sequential media: the flat image as a reader mounting the last session, and the first,
    /// sees it (`burnbench::media::medium::Medium::export_as_session`).
    views: Option<(Vec<u8>, Vec<u8>)>,
}

/// Runs five sessions on `disc`.
fn five_sessions(disc: Disc) -> Burned {
    let (writer, drive) = common::emulated_writer(disc);
    // DVD+R stays appendable only with the consumer compatibility mode off (imapi2.md §2.5), and
    // DVD+R DL only when it follows the DVD+R column of that table (the emulation option).
    writer.set_disable_consumer_dvd_compatibility_mode(true).unwrap();
    writer
        .set_dvd_plus_r_dl_multisession(DvdPlusRDlMultisession::LikeDvdPlusR)
        .unwrap();
    let mut expected = Tree::new();
    let mut first = Tree::new();
    let mut last_start = 0;
    for session in 0..SESSIONS {
        let mut fsi = FileSystemImage::new();
        fsi.set_fixed_time(Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000 + session as u64)));
        if session > 0 {
            fsi.set_multisession_interfaces(Some(writer.multisession_interfaces().unwrap()))
                .unwrap();
            fsi.import_file_system().unwrap();
        }
        last_start = fsi.session_start_block();
        // Add a file, replace the first session's file, remove the one the previous session added.
        let added = format!("/s{session}.txt");
        let content = format!("session {session}\n").repeat(100 + session * 50).into_bytes();
        fsi.add_file(&added, FileData::from_bytes(content.clone())).unwrap();
        expected.insert(added, content);
        if session > 0 {
            let replaced = format!("first replaced in session {session}").into_bytes();
            fsi.remove("/s0.txt").unwrap();
            fsi.add_file("/s0.txt", FileData::from_bytes(replaced.clone())).unwrap();
            expected.insert("/s0.txt".into(), replaced);
        }
        if session > 1 {
            let gone = format!("/s{}.txt", session - 1);
            fsi.remove(&gone).unwrap();
            expected.remove(&gone);
        }
        fsi.write_session(&writer, &mut |_| {}).unwrap();
        if session == 0 {
            first = expected.clone();
        }
    }
    let random_write = writer.multisession_interfaces().unwrap()[1]
        .is_supported_on_current_media_state()
        .unwrap_or(false);
    let newest = if random_write { 0 } else { last_start };
    let dir = tempfile::tempdir().unwrap();
    let mut drive = drive.borrow_mut();
    let medium = drive.medium_mut().unwrap();
    let mut export = |session: Option<SessionChoice>| {
        let flat = dir.path().join("disc.img");
        match session {
            None => medium.export(&flat).map(|_| ()).unwrap(),
            Some(session) => medium.export_as_session(&flat, session).map(|_| ()).unwrap(),
        }
        std::fs::read(&flat).unwrap()
    };
    let image = export(None);
    let views = (!random_write).then(|| {
        (
            export(Some(SessionChoice::Last)),
            export(Some(SessionChoice::Number(1))),
        )
    });
    Burned {
        expected,
        first,
        image,
        newest,
        views,
    }
}

fn check(profile: Profile, disc: Disc) {
    let Burned {
        expected,
        first,
        image,
        newest,
        views,
    } = five_sessions(disc);
    assert_eq!(
        common::session_files(&image, newest, FileSystems::JOLIET),
        expected,
        "{profile:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("disc.img");
    std::fs::write(&flat, &image).unwrap();
    if let Some(isoinfo) = common::peer("isoinfo") {
        let out = std::process::Command::new(isoinfo)
            .args(["-J", "-f", "-T", &newest.to_string(), "-i"])
            .arg(&flat)
            .output()
            .unwrap();
        let listing: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.strip_suffix(";1").unwrap_or(l).to_string())
            .collect();
        let names: Vec<&String> = expected.keys().collect();
        assert_eq!(listing.iter().collect::<Vec<_>>(), names, "{profile:?} isoinfo");
    }
    if let Some(xorriso) = common::peer("xorriso") {
        // `-load sbsector` picks the session as a reader mounting with `sbsector=` would.
        let out = dir.path().join("xorriso");
        let status = std::process::Command::new(xorriso)
            .args(["-abort_on", "FAILURE", "-osirrox", "on", "-joliet", "on"])
            .args(["-load", "sbsector", &newest.to_string()])
            .arg("-indev")
            .arg(format!("stdio:{}", flat.display()))
            .arg("-extract")
            .arg("/")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{profile:?} xorriso: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        assert_eq!(extracted(&out), expected, "{profile:?} xorriso");
    }
    // 7z reads only LBA 16 (and the UDF anchor at 256): the disc itself on random-writable media,
    // the projection of a session on sequential media. The view of session 1 must give session 1's
    // tree, so the check would notice a view of the wrong session.
    match views {
        None => seven_zip(profile, &flat, &expected, "the disc"),
        Some((last, first_view)) => {
            assert_ne!(
                first, expected,
                "{profile:?}: the sessions must differ for the check to mean anything"
            );
            for (view, tree, label) in [(last, &expected, "the last session"), (first_view, &first, "session 1")] {
                let path = dir.path().join("view.img");
                std::fs::write(&path, view).unwrap();
                seven_zip(profile, &path, tree, label);
            }
        }
    }
}

/// `7z x` of `image` extracts exactly `expected`.
fn seven_zip(profile: Profile, image: &std::path::Path, expected: &Tree, label: &str) {
    let Some(sevenzip) = common::peer("7z") else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("7z");
    let status = std::process::Command::new(sevenzip)
        .arg("x")
        .arg(format!("-o{}", out.display()))
        .arg(image)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{profile:?} 7z of {label}: {}",
        String::from_utf8_lossy(&status.stdout)
    );
    assert_eq!(&extracted(&out), expected, "{profile:?} 7z of {label}");
}

/// The files under `root` keyed by their path from `root` ("/name").
fn extracted(root: &std::path::Path) -> Tree {
    let mut files = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = format!("/{}", path.strip_prefix(root).unwrap().display());
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn five_sessions_on_sequential_media() {
    for profile in [
        Profile::CdR,
        Profile::CdRw,
        Profile::DvdR,
        Profile::DvdPlusR,
        Profile::DvdPlusRDl,
        Profile::BdRSrm,
    ] {
        check(profile, Disc::new(profile));
    }
}

#[test]
fn five_logical_sessions_on_random_writable_media() {
    for profile in [
        Profile::DvdPlusRw,
        Profile::DvdRwRestrictedOverwrite,
        Profile::DvdRam,
        Profile::BdRe,
    ] {
        let mut disc = Disc::new(profile);
        disc.format_default().unwrap();
        check(profile, disc);
    }
}
