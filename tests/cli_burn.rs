//! `burnbench burn` and `burnbench erase`: IMAPI-style data burns onto media images through the
//! emulated drive, several sessions deep, read back by isoinfo and by `image extract`.

mod common;

use common::run;
use std::path::Path;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn ok(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Creates a formatted BD-RE media image at `path` and returns the path as an argument.
fn formatted_bd_re(path: &Path) -> String {
    let media = path.to_str().unwrap().to_string();
    ok(&run(&[
        "media",
        "create",
        &media,
        "--profile",
        "bd-re",
        "--state",
        "formatted",
    ]));
    media
}

/// A new medium of `profile` at `dir/name`, burned once per source folder `dir/SRC`; returns its
/// path as an argument.
fn burned(dir: &Path, name: &str, profile: &str, sources: &[&str]) -> String {
    let media = dir.join(name).to_str().unwrap().to_string();
    ok(&run(&["media", "create", &media, "--profile", profile]));
    for source in sources {
        ok(&run(&[
            "burn",
            "--media",
            &media,
            "-q",
            dir.join(source).to_str().unwrap(),
        ]));
    }
    media
}

/// `media export MEDIA --as-session SESSION` to `dir/view-SESSION.img`: the file and what was said.
fn export_view(dir: &Path, media: &str, session: &str) -> (std::path::PathBuf, String) {
    let flat = dir.join(format!("view-{session}.img"));
    let said = ok(&run(&[
        "media",
        "export",
        media,
        "-o",
        flat.to_str().unwrap(),
        "--as-session",
        session,
    ]));
    (flat, said)
}

/// `7z x IMAGE` into `out`, which must succeed; `None` when 7z is not installed.
fn seven_zip_x(image: &Path, out: &Path) -> Option<()> {
    let status = std::process::Command::new(common::peer("7z")?)
        .arg("x")
        .arg(format!("-o{}", out.display()))
        .arg(image)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stdout));
    Some(())
}

#[test]
fn three_sessions_on_a_cd_r_keep_replace_and_add_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("s1/a.txt"), "old a");
    write(&d.join("s1/d/b.txt"), "bee");
    write(&d.join("s2/a.txt"), "new a");
    write(&d.join("s2/c.txt"), "sea");
    let media = d.join("cd.bbm");
    let media = media.to_str().unwrap();
    ok(&run(&["media", "create", media, "--profile", "cd-r"]));
    let first = ok(&run(&[
        "burn",
        "--media",
        media,
        "--quiet",
        d.join("s1").to_str().unwrap(),
    ]));
    assert!(
        first.contains("CD-R appendable, 2 session(s), 302 blocks readable"),
        "{first}"
    );
    ok(&run(&[
        "burn",
        "--media",
        media,
        "--quiet",
        d.join("s2").to_str().unwrap(),
    ]));
    let third = ok(&run(&[
        "burn",
        "--media",
        media,
        "--quiet",
        &format!("{}=/more", d.join("s2").display()),
    ]));
    assert!(third.contains("4 session(s)"), "{third}");

    // media ls reads sessions through the drive: the newest by default, the first with --session.
    let newest = ok(&run(&["media", "ls", media]));
    assert!(
        newest.contains("/more/c.txt") && newest.contains("/d/b.txt"),
        "{newest}"
    );
    let first = ok(&run(&["media", "ls", media, "--session", "1"]));
    assert!(first.contains("/d/b.txt") && !first.contains("/c.txt"), "{first}");
    let missing = run(&["media", "ls", media, "--session", "9"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no session 9 with data (3 recorded)"));
    let info: serde_json::Value = serde_json::from_slice(&run(&["media", "info", media, "--json"]).stdout).unwrap();
    let tracks = info["tracks"].as_array().unwrap();
    let last_session = tracks[tracks.len() - 2]["start"].as_u64().unwrap().to_string();
    let flat = d.join("disc.img");
    ok(&run(&["media", "export", media, "-o", flat.to_str().unwrap()]));
    let out = d.join("out");
    ok(&run(&[
        "image",
        "extract",
        flat.to_str().unwrap(),
        "/",
        out.to_str().unwrap(),
        "--session-start",
        &last_session,
    ]));
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    assert_eq!(
        (read("a.txt"), read("d/b.txt"), read("c.txt"), read("more/c.txt")),
        ("new a".into(), "bee".into(), "sea".into(), "sea".into())
    );

    if let Some(isoinfo) = common::peer("isoinfo") {
        let listing = std::process::Command::new(isoinfo)
            .args(["-J", "-f", "-T", &last_session, "-i"])
            .arg(&flat)
            .output()
            .unwrap();
        let listing = String::from_utf8_lossy(&listing.stdout);
        for name in ["/a.txt", "/c.txt", "/d/b.txt", "/more/a.txt", "/more/c.txt"] {
            assert!(
                listing.lines().any(|l| l.strip_suffix(";1").unwrap_or(l) == name),
                "{name}:\n{listing}"
            );
        }
    }
}

#[test]
fn a_closed_dvd_plus_r_refuses_another_session_with_the_hresult() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("s/a.txt"), "a");
    let media = dir.path().join("dvd.bbm");
    let media = media.to_str().unwrap();
    let src = dir.path().join("s");
    ok(&run(&["media", "create", media, "--profile", "dvd+r"]));
    let closed = ok(&run(&[
        "burn",
        "--media",
        media,
        "--close",
        "--quiet",
        src.to_str().unwrap(),
    ]));
    assert!(closed.contains("DVD+R finalized (complete)"), "{closed}");
    let refused = run(&["burn", "--media", media, "--quiet", src.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE (0xC0AAB15C)"),
        "{message}"
    );
}

#[test]
fn erase_blanks_a_cd_rw_and_refuses_a_cd_r() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("s/a.txt"), "a");
    let rw = dir.path().join("rw.bbm");
    ok(&run(&["media", "create", rw.to_str().unwrap(), "--profile", "cd-rw"]));
    ok(&run(&[
        "burn",
        "--media",
        rw.to_str().unwrap(),
        "--quiet",
        dir.path().join("s").to_str().unwrap(),
    ]));
    let erased = ok(&run(&["erase", "--media", rw.to_str().unwrap()]));
    assert!(
        erased.contains("CD-RW blank, 1 session(s), 0 blocks readable"),
        "{erased}"
    );
    let cd_r = dir.path().join("r.bbm");
    ok(&run(&["media", "create", cd_r.to_str().unwrap(), "--profile", "cd-r"]));
    let refused = run(&["erase", "--media", cd_r.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE (0x80AA0904)"));
}

#[test]
fn logical_sessions_on_a_bd_re_are_found_at_lba_16() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("s1/a.txt"), "old a");
    write(&d.join("s1/d/b.txt"), "bee");
    write(&d.join("s2/a.txt"), "new a");
    let media = formatted_bd_re(&d.join("bd.bbm"));
    let media = media.as_str();
    for source in [
        d.join("s1").display().to_string(),
        d.join("s2").display().to_string(),
        format!("{}=/third", d.join("s2").display()),
    ] {
        ok(&run(&["burn", "--media", media, "--quiet", &source]));
    }
    let flat = d.join("disc.img");
    ok(&run(&["media", "export", media, flat.to_str().unwrap()]));
    let out = d.join("out");
    ok(&run(&[
        "image",
        "extract",
        flat.to_str().unwrap(),
        "/",
        out.to_str().unwrap(),
    ]));
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    assert_eq!(
        (read("a.txt"), read("d/b.txt"), read("third/a.txt")),
        ("new a".into(), "bee".into(), "new a".into())
    );
    if let Some(isoinfo) = common::peer("isoinfo") {
        let listing = std::process::Command::new(isoinfo)
            .args(["-J", "-f", "-i"])
            .arg(&flat)
            .output()
            .unwrap();
        let listing = String::from_utf8_lossy(&listing.stdout);
        for name in ["/a.txt", "/d/b.txt", "/third/a.txt"] {
            assert!(
                listing.lines().any(|l| l.strip_suffix(";1").unwrap_or(l) == name),
                "{name}:\n{listing}"
            );
        }
    }
}

#[test]
fn media_export_takes_the_output_once_positionally_or_with_dash_o() {
    let dir = tempfile::tempdir().unwrap();
    let media = formatted_bd_re(&dir.path().join("rw.bbm"));
    let media = media.as_str();
    let a = dir.path().join("a.img");
    let b = dir.path().join("b.img");
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    assert!(ok(&run(&["media", "export", media, "-o", a])).ends_with("blocks\n"));
    ok(&run(&["media", "export", media, b]));
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    for args in [
        vec!["media", "export", media],
        vec!["media", "export", media, a, "-o", b],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: usage error expected");
    }
}

#[test]
fn dvd_plus_r_dl_keeps_sessions_only_like_dvd_plus_r() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("s/a.txt"), "a");
    let src = dir.path().join("s");
    let src = src.to_str().unwrap();
    let first_burn = |name: &str, mode: &str| {
        let media = dir.path().join(name);
        let media = media.to_str().unwrap().to_string();
        ok(&run(&["media", "create", &media, "--profile", "dvd+r-dl"]));
        let first = ok(&run(&["burn", "--media", &media, "--dvd-plus-r-dl", mode, "-q", src]));
        (media, first)
    };
    let (_, documented) = first_burn("documented.bbm", "as-documented");
    assert!(documented.contains("DVD+R/DL finalized (complete)"), "{documented}");
    let (media, like) = first_burn("like.bbm", "like-dvd-plus-r");
    assert!(like.contains("DVD+R/DL appendable, 2 session(s)"), "{like}");
    let second = ok(&run(&[
        "burn",
        "--media",
        &media,
        "--dvd-plus-r-dl",
        "like-dvd-plus-r",
        "-q",
        src,
    ]));
    assert!(second.contains("DVD+R/DL appendable, 3 session(s)"), "{second}");
    let bad = run(&["burn", "--media", &media, "--dvd-plus-r-dl", "sometimes", src]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn burn_fs_chooses_the_file_systems_and_keeps_the_imported_one() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("s/a.txt"), "a");
    let src = dir.path().join("s");
    let src = src.to_str().unwrap();
    let media = dir.path().join("bd.bbm");
    let media = media.to_str().unwrap();
    ok(&run(&["media", "create", media, "--profile", "bd-r"]));
    let first = ok(&run(&[
        "burn",
        "--media",
        media,
        "--fs",
        "iso9660,joliet,udf",
        "-q",
        src,
    ]));
    assert!(first.contains("appendable, 2 session(s)"), "{first}");
    let udf = ok(&run(&["media", "ls", media, "--fs", "udf"]));
    assert!(udf.contains("UDF") && udf.contains("/a.txt"), "{udf}");

    // The import takes UDF; a set without it is refused by the image builder, nothing is written.
    let refused = run(&["burn", "--media", media, "--fs", "iso9660,joliet", "-q", src]);
    assert_eq!(refused.status.code(), Some(1));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("IMAPI_E_FILE_SYSTEM_CHANGE_NOT_ALLOWED (0xC0AAB163)") && message.lines().count() == 1,
        "{message}"
    );
    let info: serde_json::Value = serde_json::from_slice(&run(&["media", "info", media, "--json"]).stdout).unwrap();
    assert_eq!(info["sessions"], 2);

    let bad = run(&["burn", "--media", media, "--fs", "ntfs", src]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("unknown file system \"ntfs\" (expected iso9660, joliet or udf)")
    );
}

#[test]
fn burn_without_fs_writes_iso9660_and_joliet_on_a_blank_medium() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("s/a.txt"), "a");
    let media = dir.path().join("cd.bbm");
    let media = media.to_str().unwrap();
    ok(&run(&["media", "create", media, "--profile", "cd-r"]));
    ok(&run(&[
        "burn",
        "--media",
        media,
        "-q",
        dir.path().join("s").to_str().unwrap(),
    ]));
    assert!(ok(&run(&["media", "ls", media, "--fs", "joliet"])).contains("/a.txt"));
    let no_udf = run(&["media", "ls", media, "--fs", "udf"]);
    assert!(String::from_utf8_lossy(&no_udf.stderr).contains("IMAPI_E_FILE_SYSTEM_NOT_FOUND (0xC0AAB152)"));
}

#[test]
fn media_export_as_session_shows_single_session_readers_that_session() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("s1/a.txt"), "old a");
    write(&d.join("s2/a.txt"), "new a");
    write(&d.join("s2/b.txt"), "bee");
    let media = burned(d, "cd.bbm", "cd-r", &["s1", "s2"]);
    let media = media.as_str();
    let (last, said) = export_view(d, media, "last");
    assert!(
        said.contains("as a reader mounting session 2 (from LBA 11702)"),
        "{said}"
    );
    // Our reader at LBA 0 of the view: session 2's tree; of the view of session 1: session 1's.
    let listing = ok(&run(&["image", "ls", last.to_str().unwrap()]));
    assert!(listing.contains("/b.txt"), "{listing}");
    let (first, _) = export_view(d, media, "1");
    let listing = ok(&run(&["image", "ls", first.to_str().unwrap()]));
    assert!(listing.contains("/a.txt") && !listing.contains("/b.txt"), "{listing}");
    let out = d.join("7z");
    if seven_zip_x(&last, &out).is_some() {
        let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
        assert_eq!((read("a.txt"), read("b.txt")), ("new a".into(), "bee".into()));
    }

    let never = d.join("never.img");
    let never = never.to_str().unwrap();
    let missing = run(&["media", "export", media, "-o", never, "--as-session", "3"]);
    assert_eq!(missing.status.code(), Some(1));
    let message = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(
        message.trim_end(),
        format!("burnbench: {media}: no session 3 on this disc (the sessions with data are 1, 2)")
    );
    let usage = run(&["media", "export", media, "-o", never, "--as-session", "0"]);
    assert_eq!(usage.status.code(), Some(2));

    // A session of raw data (media write) has no volume descriptors to project.
    let raw = d.join("raw.bin");
    std::fs::write(&raw, vec![7u8; 40 * 2048]).unwrap();
    ok(&run(&["media", "write", media, raw.to_str().unwrap(), "-q"]));
    let refused = run(&["media", "export", media, "-o", never, "--as-session", "last"]);
    assert_eq!(refused.status.code(), Some(1));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains(": session 3 (from LBA ") && message.contains("has no ISO 9660 volume descriptor set"),
        "{message}"
    );
    assert!(!d.join("never.img").exists(), "a refused export writes nothing");
}

#[test]
fn media_export_as_session_moves_a_later_udf_session_anchor_to_256() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("s1/a.txt"), "from session 1");
    write(&d.join("s2/c.txt"), "from session 2");
    let media = burned(d, "bd.bbm", "bd-r", &[]);
    let media = media.as_str();
    let s1 = d.join("s1");
    ok(&run(&[
        "burn",
        "--media",
        media,
        "--fs",
        "iso9660,joliet,udf",
        "-q",
        s1.to_str().unwrap(),
    ]));
    // The imported UDF joins the file systems of the next session.
    ok(&run(&["burn", "--media", media, "-q", d.join("s2").to_str().unwrap()]));
    for (session, files) in [("last", vec!["a.txt", "c.txt"]), ("1", vec!["a.txt"])] {
        let (flat, said) = export_view(d, media, session);
        if session == "last" {
            assert!(said.contains("its UDF anchor at 256"), "{said}");
        }
        let out = d.join(format!("7z-{session}"));
        if seven_zip_x(&flat, &out).is_none() {
            return;
        }
        // 7z opens the UDF view of a bridge image (udf-iso.md §4.3): it reports it.
        let listing = std::process::Command::new(common::peer("7z").unwrap())
            .arg("l")
            .arg(&flat)
            .output()
            .unwrap();
        let listing = String::from_utf8_lossy(&listing.stdout);
        assert!(listing.contains("Type = Udf"), "{session}:\n{listing}");
        let mut found: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        found.sort();
        assert_eq!(found, files, "{session}");
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "from session 1");
    }
}
