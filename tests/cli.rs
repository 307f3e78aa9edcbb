//! The `burnbench` command line: the media commands end to end, and one-line errors with the
//! right exit status.

mod common;

use common::run;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn create_write_and_inspect_a_dvd_plus_r() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("d.bbm");
    let image = image.to_str().unwrap();
    let data = dir.path().join("data.bin");
    std::fs::write(&data, vec![0xA5u8; 100_000]).unwrap();
    assert!(run(&["media", "create", image, "--profile", "dvd+r"]).status.success());
    let out = run(&["media", "write", image, data.to_str().unwrap(), "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).trim(),
        format!("{image}: recorded 49 blocks at LBA 0; disc appendable")
    );
    let info = run(&["media", "info", image, "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert_eq!(json["profile"], "dvd+r");
    assert_eq!(json["status"], "Appendable");
    assert_eq!(json["readable_blocks"], 64);
    assert_eq!(json["tracks"][1]["start"], 64 + 2048);
    let human = stdout(&run(&["media", "info", image]));
    assert!(
        human.contains("DVD+R (001Bh)") && human.contains("appendable, last session empty"),
        "{human}"
    );
}

#[test]
fn import_iso_makes_a_closed_disc() {
    let dir = tempfile::tempdir().unwrap();
    let iso = common::repo().join("media-images/fixtures/session1.iso");
    let image = dir.path().join("rom.bbm");
    let out = run(&["media", "import-iso", iso.to_str().unwrap(), image.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["media", "info", image.to_str().unwrap(), "--json"]).stdout).unwrap();
    assert_eq!(
        (json["profile"].as_str(), json["readable_blocks"].as_u64()),
        (Some("cd-rom"), Some(185))
    );
    let dvd = dir.path().join("dvd.bbm");
    let out = run(&[
        "media",
        "import-iso",
        iso.to_str().unwrap(),
        dvd.to_str().unwrap(),
        "--profile",
        "dvd+r",
        "--appendable",
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["media", "info", dvd.to_str().unwrap(), "--json"]).stdout).unwrap();
    assert_eq!(json["status"], "Appendable");
}

#[test]
fn a_plain_iso_is_shown_as_a_pressed_disc() {
    let iso = common::repo().join("media-images/fixtures/session1.iso");
    let out = run(&["media", "info", iso.to_str().unwrap(), "--profile", "dvd-rom"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("DVD-ROM (0010h)"));
}

#[test]
fn bad_arguments_give_one_line_and_status_2() {
    let out = run(&["media", "create", "x.bbm", "--profile", "dvd+rq"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error: invalid value 'dvd+rq' for '--profile <PROFILE>': unknown profile"));
}

#[test]
fn failures_give_one_line_and_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.bbm");
    let out = run(&["media", "info", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.starts_with("burnbench: media image '"), "{message}");

    let image = dir.path().join("a.bbm");
    assert!(
        run(&["media", "create", image.to_str().unwrap(), "--profile", "cd-r"])
            .status
            .success()
    );
    let again = run(&["media", "create", image.to_str().unwrap(), "--profile", "cd-r"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists (pass --force"));
    let rom = run(&[
        "media",
        "create",
        dir.path().join("r.bbm").to_str().unwrap(),
        "--profile",
        "bd-rom",
    ]);
    assert_eq!(
        stderr(&rom).trim(),
        "burnbench: bd-rom is read-only: make one from an ISO with `burnbench media import-iso`"
    );
    let cdr = run(&[
        "media",
        "create",
        dir.path().join("f.bbm").to_str().unwrap(),
        "--profile",
        "cd-r",
        "--state",
        "formatted",
    ]);
    assert_eq!(stderr(&cdr).trim(), "burnbench: cd-r cannot be formatted");
}

#[test]
fn writing_to_a_finalized_disc_reports_the_sense() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("fin.bbm");
    let copy = run(&[
        "media",
        "import-iso",
        common::repo()
            .join("media-images/fixtures/session1.iso")
            .to_str()
            .unwrap(),
        image.to_str().unwrap(),
        "--profile",
        "dvd-r",
    ]);
    assert!(copy.status.success());
    let out = run(&[
        "media",
        "write",
        image.to_str().unwrap(),
        common::repo()
            .join("media-images/fixtures/session2.iso")
            .to_str()
            .unwrap(),
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("5/30/05 CANNOT_WRITE_MEDIUM_INCOMPATIBLE_FORMAT"),
        "{}",
        stderr(&out)
    );
}

fn tree_bytes(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().into_string().unwrap(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn raw_prints_status_sense_and_data_and_leaves_the_image_alone() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("cd.bbm");
    let image = image.to_str().unwrap();
    assert!(run(&["media", "create", image, "--profile", "cd-r"]).status.success());
    let before = tree_bytes(std::path::Path::new(image));
    let data = dir.path().join("block.bin");
    std::fs::write(&data, vec![0x42u8; 2048]).unwrap();
    let out = run(&[
        "raw",
        "--media",
        image,
        "--data-out",
        data.to_str().unwrap(),
        "2a 00 00 00 00 00 00 00 01 00",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("WRITE(10): 2a 00 00 00 00 00 00 00 01 00\nstatus: GOOD"),
        "{}",
        stdout(&out)
    );
    let sync = run(&["raw", "--media", image, "35 00 00 00 00 00 00 00 00 00"]);
    assert!(sync.status.success());
    assert_eq!(
        tree_bytes(std::path::Path::new(image)),
        before,
        "without --save the image is unchanged"
    );

    let out = run(&[
        "raw",
        "--media",
        image,
        "--data-out",
        data.to_str().unwrap(),
        "--save",
        "2a 00 00 00 00 00 00 00 01 00",
    ]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&run(&["media", "info", image, "--json"]).stdout).unwrap();
    assert_eq!(json["written_sectors"], 1);

    let bad = run(&[
        "raw",
        "--media",
        image,
        "--data-in",
        "8",
        "28 00 00 00 00 05 00 00 01 00",
    ]);
    let text = stdout(&bad);
    assert!(
        text.contains("status: CHECK CONDITION") && text.contains("5/21/00 LBA_OUT_OF_RANGE"),
        "{text}"
    );
}

#[test]
fn raw_refuses_an_unknown_drive_model_in_one_line() {
    let sample = common::repo().join("media-images/blank-cd-rw.bbm");
    let out = run(&[
        "raw",
        "--media",
        sample.to_str().unwrap(),
        "--drive",
        "zip-drive",
        "00 00 00 00 00 00",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim(),
        "burnbench: unknown drive model \"zip-drive\" (expected one of: bd-writer, dvd-writer, cd-rw)"
    );
}

/// Hostile arguments from the reliability campaign (issue 14): one line on stderr and status 1,
/// never a panic, an allocation of the size given, or a destroyed input.
#[test]
fn hostile_arguments_get_one_line_and_destroy_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("m.bbm");
    let image = image.to_str().unwrap();
    assert!(run(&["media", "create", image, "--profile", "cd-r"]).status.success());
    let refused = |args: &[&str], says: &str| {
        let out = run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    };
    refused(&["raw", "--media", image, "aé1"], "not a hex digit: 'é'");
    // 2^64-1 overflowed the capacity, 10^17 aborted the allocation.
    for length in ["18446744073709551615", "99999999999999999"] {
        refused(
            &[
                "raw",
                "--media",
                image,
                "--data-in",
                length,
                "12",
                "00",
                "00",
                "00",
                "24",
                "00",
            ],
            "--data-in: at most",
        );
    }
    let source = dir.path().join("f.txt");
    std::fs::write(&source, "kept\n").unwrap();
    let src = source.to_str().unwrap();
    let iso = dir.path().join("o.iso");
    refused(
        &[
            "image",
            "build",
            src,
            "-o",
            iso.to_str().unwrap(),
            "--timestamp",
            "18446744073709551615",
        ],
        "past 9999-12-31",
    );
    refused(&["image", "build", src, "-o", src], "would overwrite");
    assert_eq!(std::fs::read_to_string(&source).unwrap(), "kept\n");
    let data = dir.path().join("data.bin");
    std::fs::write(&data, vec![7u8; 4096]).unwrap();
    assert!(
        run(&["media", "write", image, data.to_str().unwrap(), "--quiet"])
            .status
            .success()
    );
    let own = format!("{image}/sectors.bin");
    let before = std::fs::read(&own).unwrap();
    refused(&["media", "export", image, "-o", &own], "would overwrite");
    assert_eq!(std::fs::read(&own).unwrap(), before, "the image's data file is intact");
}

/// A closed stdout ends the command quietly (SIGPIPE, as coreutils), not with a panic message.
#[test]
fn a_closed_stdout_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("m.bbm");
    let image = image.to_str().unwrap();
    assert!(run(&["media", "create", image, "--profile", "cd-r"]).status.success());
    let mut child = common::burnbench()
        .args([
            "raw",
            "--media",
            image,
            "--data-in",
            "65535",
            "12",
            "00",
            "00",
            "ff",
            "ff",
            "00",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(!status.success() || err.is_empty(), "{status:?} {err}");
}

/// A scenario folder with links to its parent is searched without following them (it used to
/// hang).
#[test]
fn a_scenario_folder_with_links_to_its_parent_is_searched_once() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::os::unix::fs::symlink("..", sub.join("up")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("up2")).unwrap();
    let out = run(&["run", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no scenario selected"), "{}", stderr(&out));
}

/// Issue 14 item 9: a medium the runner cannot make is reported at the `medium` field.
#[test]
fn a_fixture_not_found_is_reported_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.ron");
    std::fs::write(
        &file,
        "Scenario(\n    name: \"missing fixture\",\n    medium: Image(\"no-such.bbm\"),\n    steps: [Load],\n)\n",
    )
    .unwrap();
    let out = run(&["run", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out) + &stderr(&out);
    assert!(text.contains("s.ron:3:5: no-such.bbm: not found"), "{text}");
}

/// Issue 14 item 9: a damaged medium names the sector's LBA and the image, not just E_FAIL.
#[test]
fn burning_over_a_damaged_sector_names_the_image_and_the_lba() {
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("d.bbm");
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("a.txt"), "hello").unwrap();
    let (m, s) = (media.to_str().unwrap(), src.to_str().unwrap());
    assert!(
        run(&["media", "create", m, "--profile", "bd-re", "--state", "formatted"])
            .status
            .success()
    );
    assert!(run(&["burn", "--media", m, s]).status.success());
    let sectors = media.join("sectors.bin");
    let mut bytes = std::fs::read(&sectors).unwrap();
    let last = bytes.len() - 100;
    bytes[last] ^= 4;
    std::fs::write(&sectors, bytes).unwrap();
    let out = run(&["burn", "--media", m, s]);
    assert_eq!(out.status.code(), Some(1));
    let line = stderr(&out);
    assert!(line.contains("d.bbm: E_FAIL"), "{line}");
    assert!(
        line.contains("3/11/00 UNRECOVERED_READ_ERROR (INFORMATION: LBA "),
        "{line}"
    );
}
