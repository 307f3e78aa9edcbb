//! The SG_IO adapter end to end: `burnbench … --device /dev/sr0` run under `burnbench attach`,
//! so that the adapter talks SG_IO to an emulated drive through the preload shim (there is no
//! optical drive on CI machines). Every `--device` command must answer exactly what its
//! `--media` twin answers on the same medium, and every refusal and failure must be one clear
//! line. Needs `cargo build --workspace` first (the shim library).

mod common;

use common::{Bench, burnbench};
use std::path::{Path, PathBuf};
use std::process::Output;

const BURNBENCH: &str = env!("CARGO_BIN_EXE_burnbench");

impl Bench {
    fn medium(&self, name: &str, profile: &str, state: &str) -> PathBuf {
        let path = self.path(name);
        let out = burnbench()
            .args(["media", "create"])
            .arg(&path)
            .args(["--profile", profile, "--state", state])
            .output()
            .unwrap();
        assert!(out.status.success(), "media create: {}", text(&out.stderr));
        path
    }

    /// A folder of two small files.
    fn files(&self) -> PathBuf {
        let dir = self.path("src");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("readme.txt"), "burned through SG_IO\n").unwrap();
        std::fs::write(dir.join("sub/data.bin"), vec![0x5Au8; 70_000]).unwrap();
        dir
    }

    /// A copy of a media image (a twin medium).
    fn copy(&self, from: &Path, name: &str) -> PathBuf {
        let to = self.path(name);
        let out = std::process::Command::new("cp")
            .arg("-r")
            .arg(from)
            .arg(&to)
            .output()
            .unwrap();
        assert!(out.status.success());
        to
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `burnbench attach --media MEDIUM [attach_args] -- burnbench ARGS`.
fn attached(medium: &Path, attach_args: &[&str], args: &[&str]) -> Output {
    burnbench()
        .arg("attach")
        .arg("--media")
        .arg(medium)
        .args(attach_args)
        .arg("--")
        .arg(BURNBENCH)
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\n{}{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// The one line a failing command prints on stderr (and nothing on stdout).
fn one_line_failure(out: Output) -> String {
    assert!(!out.status.success(), "expected a failure: {}", text(&out.stdout));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line expected:\n{err}");
    err.trim_end().to_owned()
}

fn run(args: &[&str], medium: &Path) -> String {
    let out = burnbench().args(args).arg(medium).output().unwrap();
    ok(out, &args.join(" "))
}

/// `media info --json` without what names the target and what only a media image knows.
fn info_json(text: &str) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_str(text).expect("JSON");
    let object = value.as_object_mut().expect("an object");
    object.remove("path");
    object.remove("written_sectors");
    value
}

fn burn(medium: &Path, src: &Path) {
    let out = burnbench()
        .args(["burn", "-q", "--volume-name", "TWIN", "--media"])
        .arg(medium)
        .arg(src)
        .output()
        .unwrap();
    ok(out, "burn --media");
}

#[test]
fn media_info_through_the_device_answers_what_the_media_image_answers() {
    let bench = Bench::new();
    let src = bench.files();
    let written_cd = bench.medium("cd.bbm", "cd-r", "blank");
    burn(&written_cd, &src);
    for medium in [
        bench.medium("dvd.bbm", "dvd+r", "blank"),
        bench.medium("bdre.bbm", "bd-re", "formatted"),
        written_cd,
    ] {
        let device = ok(
            attached(&medium, &[], &["media", "info", "--json", "--device", "/dev/sr0"]),
            "info",
        );
        let image = run(&["media", "info", "--json"], &medium);
        assert_eq!(info_json(&device), info_json(&image), "{}", medium.display());
        assert!(
            !device.contains("written_sectors"),
            "a real drive does not say: {device}"
        );
        // The table too, but for the name and the media image's own line.
        let device = ok(
            attached(&medium, &[], &["media", "info", "--device", "/dev/sr0"]),
            "info",
        );
        let image = run(&["media", "info"], &medium);
        let keep = |t: &str| -> Vec<String> {
            t.lines()
                .skip(1)
                .filter(|l| !l.trim_start().starts_with("written"))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(keep(&device), keep(&image));
    }
}

#[test]
fn raw_replies_through_the_device_are_byte_for_byte_the_media_images() {
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "dvd+r", "blank");
    burn(&medium, &bench.files());
    let commands: &[(&str, &str)] = &[
        ("96", "12 00 00 00 60 00"),                 // INQUIRY, 60 bytes residual
        ("65520", "46 00 00 00 00 00 00 ff f0 00"),  // GET CONFIGURATION, every feature
        ("34", "51 00 00 00 00 00 00 00 22 00"),     // READ DISC INFORMATION
        ("48", "52 01 00 00 00 01 00 00 30 00"),     // READ TRACK INFORMATION track 1
        ("200", "5a 00 2a 00 00 00 00 00 c8 00"),    // MODE SENSE(10) page 2Ah
        ("8", "4a 01 00 00 10 00 00 00 08 00"),      // GET EVENT STATUS NOTIFICATION media
        ("8", "25 00 00 00 00 00 00 00 00 00"),      // READ CAPACITY
        ("131072", "28 00 00 00 00 00 00 00 40 00"), // READ(10) of 64 blocks: split in two
        ("2048", "28 00 00 00 10 00 00 00 01 00"),   // READ(10) past the end: CHECK CONDITION
        ("8", "46 03 00 00 00 00 00 00 08 00"),      // GET CONFIGURATION RT=3: 5/24/00
    ];
    for (data_in, cdb) in commands {
        let words: Vec<&str> = cdb.split(' ').collect();
        let mut args = vec!["raw", "--data-in", data_in];
        args.extend(&words);
        let mut device_args = args.clone();
        device_args.extend(["--device", "/dev/sr0"]);
        let device = ok(attached(&medium, &[], &device_args), cdb);
        args.push("--media");
        let image = run(&args, &medium);
        assert_eq!(device, image, "{cdb}");
    }
}

#[test]
fn media_ls_through_the_device_lists_what_the_media_image_lists() {
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "bd-r", "blank");
    let src = bench.files();
    burn(&medium, &src);
    burn(&medium, &src);
    for session in [None, Some("1")] {
        let mut args = vec!["media", "ls"];
        if let Some(n) = session {
            args.extend(["--session", n]);
        }
        let mut device_args = args.clone();
        device_args.extend(["--device", "/dev/sr0"]);
        let device = ok(attached(&medium, &[], &device_args), "media ls --device");
        let image = run(&args, &medium);
        // The first line names the target; the listing is the same.
        let rest = |t: &str| t.lines().skip(1).collect::<Vec<_>>().join("\n");
        assert_eq!(rest(&device), rest(&image));
        assert!(
            device.contains("/readme.txt") && device.contains("/sub/data.bin"),
            "{device}"
        );
    }
}

#[test]
fn a_burn_through_the_device_leaves_what_a_burn_through_the_media_image_leaves() {
    let bench = Bench::new();
    let src = bench.files();
    for (profile, state) in [("dvd+r", "blank"), ("cd-rw", "blank"), ("dvd+rw", "formatted")] {
        let through_device = bench.medium(&format!("{profile}-device.bbm"), profile, state);
        let through_image = bench.copy(&through_device, &format!("{profile}-image.bbm"));
        let src_arg = src.to_str().unwrap();
        let burn_args = [
            "burn",
            "-q",
            "--volume-name",
            "TWIN",
            "--device",
            "/dev/sr0",
            "--yes-really-write",
            src_arg,
        ];
        let line = ok(attached(&through_device, &[], &burn_args), "burn --device");
        assert!(line.starts_with("/dev/sr0: "), "{line}");
        let out = burnbench()
            .args(["burn", "-q", "--volume-name", "TWIN", "--media"])
            .arg(&through_image)
            .arg(&src)
            .output()
            .unwrap();
        ok(out, "burn --media");
        let device = run(&["media", "info", "--json"], &through_device);
        let image = run(&["media", "info", "--json"], &through_image);
        assert_eq!(info_json(&device), info_json(&image), "{profile}");
        let device = run(&["media", "ls"], &through_device);
        let image = run(&["media", "ls"], &through_image);
        let rest = |t: &str| t.lines().skip(1).collect::<Vec<_>>().join("\n");
        assert_eq!(rest(&device), rest(&image), "{profile}");
        assert!(device.contains("/readme.txt"), "{device}");
    }
}

#[test]
fn drives_lists_each_emulated_drive_with_identity_profile_and_medium() {
    let bench = Bench::new();
    let first = bench.medium("a.bbm", "dvd+r", "blank");
    let second = bench.medium("b.bbm", "bd-re", "formatted");
    let out = burnbench()
        .args(["attach", "--media"])
        .arg(&first)
        .arg("--media")
        .arg(&second)
        .args(["--", BURNBENCH, "drives", "--json"])
        .output()
        .unwrap();
    let listed: serde_json::Value = serde_json::from_str(&ok(out, "drives --json")).unwrap();
    let drives = listed.as_array().expect("an array");
    assert_eq!(drives.len(), 2, "{listed:#}");
    for (drive, (node, profile)) in drives.iter().zip([("/dev/sr0", "DVD+R"), ("/dev/sr1", "BD-RE")]) {
        assert_eq!(drive["node"], node);
        assert_eq!(drive["device_type"], 5);
        assert_eq!(drive["vendor"], "BURNBNCH");
        assert_eq!(drive["profile_name"], profile);
        assert_eq!(drive["medium"], "present");
        assert_eq!(drive["ready"], "ready");
        // sysfs (as the shim fakes it) and INQUIRY agree.
        assert_eq!(drive["sysfs"]["vendor"], drive["vendor"]);
        assert_eq!(drive["sysfs"]["model"], drive["product"]);
    }
    let table = ok(attached(&first, &[], &["drives"]), "drives");
    assert!(
        table
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("/dev/sr0  BURNBNCH")),
        "{table}"
    );
}

#[test]
fn writing_without_yes_really_write_is_refused_in_one_line_before_anything_is_sent() {
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "dvd+r", "blank");
    let trace = bench.path("trace.jsonl");
    let trace_arg = trace.to_str().unwrap();
    let src = bench.files();
    let attempts: [&[&str]; 4] = [
        &["burn", "-q", "--device", "/dev/sr0", src.to_str().unwrap()],
        &["raw", "--device", "/dev/sr0", "35 00 00 00 00 00 00 00 00 00"],
        &["raw", "--device", "/dev/sr0", "3b 00 00 00 00 00 00 00 00 00"],
        &["erase", "--device", "/dev/sr0"],
    ];
    for args in attempts {
        let line = one_line_failure(attached(&medium, &["--trace", trace_arg], args));
        assert!(
            line.ends_with("writes to the drive; refused without --yes-really-write (nothing was sent)"),
            "{line}"
        );
        let sent = std::fs::read_to_string(&trace).unwrap_or_default();
        assert_eq!(sent.lines().count(), 0, "{args:?} sent commands:\n{sent}");
    }
    // --media and --device together are a usage error.
    let out = burnbench()
        .args(["raw", "--device", "/dev/sr0", "--media"])
        .arg(&medium)
        .arg("00 00 00 00 00 00")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot be used with"),
        "{}",
        text(&out.stderr)
    );
}

/// `raw` MECHANISM STATUS through the device.
const MECHANISM_STATUS: &[&str] = &[
    "raw",
    "--device",
    "/dev/sr0",
    "--data-in",
    "8",
    "bd 00 00 00 00 00 00 00 00 08 00 00",
];

#[test]
fn the_kernels_eperm_no_medium_timeouts_and_short_transfers_are_each_one_clear_line() {
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "dvd+r", "blank");
    // MECHANISM STATUS: not on the kernel's list for unprivileged users (attach.md §5).
    let line = one_line_failure(attached(&medium, &[], MECHANISM_STATUS));
    assert_eq!(
        line,
        "burnbench: /dev/sr0: the kernel refused MECHANISM STATUS (BDh) (EPERM): it is not allowed for \
         unprivileged users (only with CAP_SYS_RAWIO, e.g. as root)"
    );
    // With --cap-sys-rawio (root) it passes.
    ok(
        attached(&medium, &["--cap-sys-rawio"], MECHANISM_STATUS),
        "MECHANISM STATUS as root",
    );

    // An empty tray: the medium is gone before the first command.
    let removed = bench.path("removed.ron");
    std::fs::write(
        &removed,
        "FaultPlan(faults: [Fault(trigger: AfterCommands(count: 0), effect: MediumRemoved)])",
    )
    .unwrap();
    let faults = ["--faults", removed.to_str().unwrap()];
    let line = one_line_failure(attached(&medium, &faults, &["media", "info", "--device", "/dev/sr0"]));
    assert_eq!(
        line,
        "burnbench: /dev/sr0: no medium (2/3A/01 MEDIUM_NOT_PRESENT_TRAY_CLOSED): insert a disc and close the tray"
    );
    let line = one_line_failure(attached(&medium, &faults, &["media", "ls", "--device", "/dev/sr0"]));
    assert!(line.contains(": no medium (2/3A/01"), "{line}");
    let listed = ok(attached(&medium, &faults, &["drives"]), "drives");
    assert!(
        listed.contains("no medium (0000h)  none (tray closed), not ready: 2/3A/01"),
        "{listed}"
    );

    // A command that never completes: the host adapter's DID_TIME_OUT.
    let hang = bench.path("hang.ron");
    std::fs::write(
        &hang,
        "FaultPlan(faults: [Fault(trigger: OnOpcode(opcode: 0x51), effect: NoCompletion)])",
    )
    .unwrap();
    let line = one_line_failure(attached(
        &medium,
        &["--faults", hang.to_str().unwrap()],
        &["media", "info", "--device", "/dev/sr0"],
    ));
    assert_eq!(
        line,
        "burnbench: /dev/sr0: READ DISC INFORMATION: the command timed out after 30000 ms"
    );

    // Short transfers: the residual of a reply shorter than the allocation, and of a split READ
    // whose second piece runs past the recorded blocks.
    burn(&medium, &bench.files());
    let out = ok(
        attached(
            &medium,
            &[],
            &["raw", "--device", "/dev/sr0", "--data-in", "96", "12 00 00 00 60 00"],
        ),
        "INQUIRY",
    );
    assert!(out.contains("\ndata in: 36 bytes (residual 60)\n"), "{out}");
    let info: serde_json::Value = serde_json::from_str(&run(&["media", "info", "--json"], &medium)).unwrap();
    let readable = info["readable_blocks"].as_u64().unwrap();
    // 64 blocks (two pieces of 32) starting 40 blocks before the end: the first piece reads,
    // the second moves its 8 readable blocks and fails with 5/21/00 at the end (INFORMATION),
    // leaving 24 blocks not moved — what the same READ unsplit answers.
    let lba = format!("{:08x}", readable - 40);
    let cdb = format!(
        "28 00 {} {} {} {} 00 00 40 00",
        &lba[0..2],
        &lba[2..4],
        &lba[4..6],
        &lba[6..8]
    );
    let out = ok(
        attached(
            &medium,
            &[],
            &["raw", "--device", "/dev/sr0", "--data-in", "131072", &cdb],
        ),
        "split READ",
    );
    assert!(out.contains("\nstatus: CHECK CONDITION\n"), "{out}");
    assert!(out.contains("5/21/00"), "{out}");
    assert!(out.contains("\ndata in: 81920 bytes (residual 49152)\n"), "{out}");
    let image = run(&["raw", "--data-in", "131072", &cdb, "--media"], &medium);
    assert_eq!(out, image);
}

#[test]
fn the_trace_of_a_real_drive_records_what_the_emulated_drive_records_it_was_sent() {
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "dvd+r", "blank");
    let drive_side = bench.path("drive.jsonl");
    let host_side = bench.path("host.jsonl");
    let src = bench.files();
    ok(
        attached(
            &medium,
            &["--trace", drive_side.to_str().unwrap()],
            &[
                "burn",
                "-q",
                "--device",
                "/dev/sr0",
                "--yes-really-write",
                "--trace",
                host_side.to_str().unwrap(),
                src.to_str().unwrap(),
            ],
        ),
        "burn --device --trace",
    );
    // Each record without its time: the same commands, data, status, sense and residuals.
    let records = |path: &Path| -> Vec<serde_json::Value> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|line| {
                let mut record: serde_json::Value = serde_json::from_str(line).unwrap();
                record.as_object_mut().unwrap().remove("time_ms");
                record
            })
            .collect()
    };
    let (host, drive) = (records(&host_side), records(&drive_side));
    assert!(host.iter().any(|r| r["opcode"] == "WRITE(10)"), "{host:#?}");
    assert_eq!(host, drive);
    let shown = burnbench().args(["trace", "show"]).arg(&host_side).output().unwrap();
    assert!(ok(shown, "trace show").contains("SYNCHRONIZE CACHE"));
}

#[test]
fn a_drive_held_exclusively_and_an_exclusive_read_only_sg_open_are_each_one_line() {
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "dvd+r", "blank");
    // Another program holds /dev/sr0 with O_EXCL while burnbench asks for it exclusively.
    let flag = bench.path("held");
    let script = format!(
        "python3 -c 'import os, sys, time\n\
         fd = os.open(\"/dev/sr0\", os.O_RDONLY | os.O_NONBLOCK | os.O_EXCL)\n\
         open(sys.argv[1], \"w\").close()\n\
         time.sleep(60)' {flag} &\n\
         while [ ! -e {flag} ]; do sleep 0.1; done\n\
         {BURNBENCH} media info --device /dev/sr0 --exclusive; status=$?\n\
         kill $!\n\
         exit $status",
        flag = flag.display()
    );
    if common::peer("python3").is_none() {
        return;
    }
    let out = burnbench()
        .arg("attach")
        .arg("--media")
        .arg(&medium)
        .args(["--", "sh", "-c", &script])
        .output()
        .unwrap();
    assert_eq!(
        one_line_failure(out),
        "burnbench: /dev/sr0: in use by another program (EBUSY) and opened exclusively: close it (a burner, \
         a mounted disc, udisks) and retry"
    );
    // The sg driver refuses O_EXCL with O_RDONLY (sg_open).
    let line = one_line_failure(attached(
        &medium,
        &[],
        &["media", "info", "--device", "/dev/sg0", "--exclusive"],
    ));
    assert_eq!(
        line,
        "burnbench: /dev/sg0: exclusive open refused (EPERM): the sg driver opens exclusively only for writing; \
         name the block device (/dev/srN) or drop the exclusive open"
    );
}

#[test]
fn the_generic_node_answers_what_the_block_node_answers() {
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "bd-r", "blank");
    burn(&medium, &bench.files());
    // /dev/sgN is a character device whose BLKSECTGET is an int of bytes (sr: u16 sectors).
    let commands: [&[&str]; 2] = [
        &["media", "info", "--json"],
        &["raw", "--data-in", "131072", "28 00 00 00 00 00 00 00 40 00"],
    ];
    for args in commands {
        let on = |node: &str| {
            let mut all = args.to_vec();
            all.extend(["--device", node]);
            ok(attached(&medium, &[], &all), node)
        };
        let (block, generic) = (on("/dev/sr0"), on("/dev/sg0"));
        assert_eq!(block.replace("/dev/sr0", "/dev/sg0"), generic, "{args:?}");
    }
}
