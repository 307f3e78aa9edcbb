//! Real burning programs on emulated drives through `burnbench attach` (docs/attach.md): each
//! test makes a medium, runs an unmodified program from Debian's packages against /dev/sr0 or
//! /dev/sg0, and checks what it printed and what the media image holds afterwards, read back by
//! burnbench and by xorriso. With BURNBENCH_REQUIRE_PEERS=1 (CI) a missing program fails.

mod common;

use common::{Bench, burnbench, peer};
use std::path::{Path, PathBuf};
use std::process::Output;

impl Bench {
    /// `burnbench media create NAME --profile PROFILE`.
    fn medium(&self, name: &str, profile: &str) -> PathBuf {
        let path = self.path(name);
        let out = burnbench()
            .args(["media", "create"])
            .arg(&path)
            .args(["--profile", profile])
            .output()
            .expect("burnbench runs");
        assert!(out.status.success(), "media create: {}", text(&out.stderr));
        path
    }

    /// `genisoimage -quiet -R -J -o NAME SRC`: an image of a folder, for the CD writers.
    fn iso(&self, name: &str, src: &Path) -> PathBuf {
        let iso = self.path(name);
        let made = std::process::Command::new("genisoimage")
            .args(["-quiet", "-R", "-J", "-o"])
            .arg(&iso)
            .arg(src)
            .status()
            .expect("genisoimage runs");
        assert!(made.success(), "genisoimage {}", src.display());
        iso
    }

    /// A folder of small files: `name` → contents.
    fn files(&self, folder: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = self.path(folder);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, contents) in files {
            std::fs::write(dir.join(name), contents).unwrap();
        }
        dir
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Whether every program is installed (a missing one fails under BURNBENCH_REQUIRE_PEERS=1).
fn installed(programs: &[&str]) -> bool {
    programs.iter().all(|p| peer(p).is_some())
}

/// `burnbench attach --media MEDIUM [extra] -- PROGRAM ARGS`.
fn attach(medium: &Path, extra: &[&str], program: &[&str]) -> Output {
    burnbench()
        .arg("attach")
        .arg("--media")
        .arg(medium)
        .args(extra)
        .arg("--")
        .args(program)
        .output()
        .expect("burnbench runs")
}

/// Run a program attached and insist that it succeeds; returns stdout + stderr.
fn run_ok(medium: &Path, program: &[&str]) -> String {
    let out = attach(medium, &[], program);
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        out.status.success(),
        "{} exited with {:?}:\n{}",
        program.join(" "),
        out.status.code(),
        tail(&all, 30)
    );
    all
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// `burnbench media ls MEDIUM`: the file names of the newest session.
fn listed(medium: &Path) -> String {
    let out = burnbench().args(["media", "ls"]).arg(medium).output().unwrap();
    assert!(out.status.success(), "media ls: {}", text(&out.stderr));
    text(&out.stdout)
}

fn media_info_json(medium: &Path) -> serde_json::Value {
    let out = burnbench()
        .args(["media", "info", "--json"])
        .arg(medium)
        .output()
        .unwrap();
    assert!(out.status.success(), "media info: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("media info --json")
}

/// The number of sessions xorriso -toc reports ("ISO session  :" lines).
/// The start LBAs of the sessions xorriso -toc lists (`ISO session  :   2 ,      2240 , …`).
fn toc_session_starts(toc: &str) -> Vec<u64> {
    toc.lines()
        .filter(|l| l.starts_with("ISO session"))
        .filter_map(|l| l.split(',').nth(1)?.trim().parse().ok())
        .collect()
}

/// `media export` then xorriso reads the flat image at the last session's start (`-load
/// sbsector`): the files a peer sees in the last session.
fn exported_files(bench: &Bench, medium: &Path) -> String {
    let info = media_info_json(medium);
    let last_start = info["tracks"]
        .as_array()
        .and_then(|t| {
            t.iter()
                .rev()
                .find(|t| t["state"] == "complete")
                .map(|t| t["start"].as_u64())
        })
        .flatten()
        .expect("a complete track");
    let flat = bench.path("export.img");
    let out = burnbench()
        .args(["media", "export"])
        .arg(medium)
        .arg("-o")
        .arg(&flat)
        .output()
        .unwrap();
    assert!(out.status.success(), "media export: {}", text(&out.stderr));
    let out = std::process::Command::new("xorriso")
        .args(["-load", "sbsector", &last_start.to_string(), "-indev"])
        .arg(&flat)
        .args(["-find", "/", "-type", "f"])
        .output()
        .unwrap();
    text(&out.stdout)
}

// ---------------------------------------------------------------------------------------------
// sg3_utils: identity and profile through both nodes

#[test]
fn sg3_utils_identify_the_drive_and_profile_through_sr_and_sg() {
    if !installed(&["sg_inq", "sg_get_config", "sg_readcap", "sg_turs"]) {
        return;
    }
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "dvd+r");
    for node in ["/dev/sr0", "/dev/sg0"] {
        let inq = run_ok(&medium, &["sg_inq", node]);
        assert!(inq.contains("PDT=5"), "{inq}");
        assert!(inq.contains("Vendor identification: BURNBNCH"), "{inq}");
        let config = run_ok(&medium, &["sg_get_config", "-c", node]);
        assert!(config.contains("Current profile: DVD+R"), "{config}");
        let capacity = run_ok(&medium, &["sg_readcap", node]);
        assert!(capacity.contains("Logical block length=2048 bytes"), "{capacity}");
        run_ok(&medium, &["sg_turs", node]);
    }
}

// ---------------------------------------------------------------------------------------------
// xorriso (libburn): three sessions on write-once media, growing on overwritable media

/// Three xorriso sessions, each adding a file; then -toc, -check_media, media ls and a peer read
/// of the exported image must all agree.
fn xorriso_three_sessions(profile: &str, extra: &[&str]) {
    if !installed(&["xorriso"]) {
        return;
    }
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", profile);
    for n in 1..=3 {
        let src = bench.files(&format!("s{n}"), &[(&format!("f{n}.txt"), &format!("session {n}\n"))]);
        let mut program = vec!["xorriso", "-dev", "/dev/sr0"];
        program.extend_from_slice(extra);
        let src = src.to_str().unwrap().to_owned();
        program.extend_from_slice(&["-map", &src, "/", "-commit"]);
        run_ok(&medium, &program);
    }
    let toc = run_ok(&medium, &["xorriso", "-indev", "/dev/sr0", "-toc"]);
    // -toc and burnbench agree: the same three sessions at the same addresses.
    let info = media_info_json(&medium);
    let complete: Vec<u64> = info["tracks"]
        .as_array()
        .map(|t| {
            t.iter()
                .filter(|t| t["state"] == "complete")
                .filter_map(|t| t["start"].as_u64())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(complete.len(), 3, "media info: {info}");
    assert_eq!(toc_session_starts(&toc), complete, "{toc}\nmedia info: {info}");
    // -check_media reads every block of every track. A CD TAO track ends in 2 run-out blocks
    // that real drives cannot read either (the "last two sectors" of TAO tracks); nothing else
    // may be unreadable.
    let out = attach(&medium, &[], &["xorriso", "-indev", "/dev/sr0", "-check_media", "--"]);
    let check = text(&out.stdout);
    assert!(check.contains("+ good"), "{check}");
    let run_out = if profile.starts_with("cd") {
        " 2 , - unreadable"
    } else {
        ""
    };
    for line in check
        .lines()
        .filter(|l| l.starts_with("Media region") && l.contains(" - "))
    {
        assert!(
            !run_out.is_empty() && line.ends_with(run_out),
            "unreadable blocks: {line}\n{check}"
        );
    }
    assert!(out.status.success() || !run_out.is_empty(), "{check}");
    let files = listed(&medium);
    for n in 1..=3 {
        assert!(files.contains(&format!("/f{n}.txt")), "{files}");
    }
    let peer_view = exported_files(&bench, &medium);
    for n in 1..=3 {
        assert!(peer_view.contains(&format!("/f{n}.txt")), "{peer_view}");
    }
}

#[test]
fn xorriso_writes_three_sessions_on_dvd_plus_r() {
    xorriso_three_sessions("dvd+r", &[]);
}

#[test]
fn xorriso_writes_three_sessions_on_dvd_minus_r() {
    xorriso_three_sessions("dvd-r", &[]);
}

#[test]
fn xorriso_writes_three_sessions_on_bd_r() {
    xorriso_three_sessions("bd-r", &[]);
}

/// libburn's default on a blank CD-R is SAO (SEND CUE SHEET), which is CD mastering (issue 15):
/// here TAO, which every session after the first uses anyway.
#[test]
fn xorriso_writes_three_tao_sessions_on_cd_r() {
    xorriso_three_sessions("cd-r", &["-write_type", "tao"]);
}

/// dvd+rw-format formats, then two xorriso sessions grow the one ISO 9660 tree.
fn xorriso_grows(profile: &str) {
    if !installed(&["xorriso", "dvd+rw-format"]) {
        return;
    }
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", profile);
    run_ok(&medium, &["dvd+rw-format", "/dev/sr0"]);
    let first = bench.files("one", &[("a.txt", "first\n")]);
    let second = bench.files("two", &[("b.txt", "second\n")]);
    for src in [&first, &second] {
        run_ok(
            &medium,
            &[
                "xorriso",
                "-dev",
                "/dev/sr0",
                "-map",
                src.to_str().unwrap(),
                "/",
                "-commit",
            ],
        );
    }
    let found = run_ok(&medium, &["xorriso", "-indev", "/dev/sr0", "-find", "/", "-type", "f"]);
    assert!(found.contains("'/a.txt'") && found.contains("'/b.txt'"), "{found}");
    let files = listed(&medium);
    assert!(files.contains("/a.txt") && files.contains("/b.txt"), "{files}");
}

#[test]
fn xorriso_grows_a_dvd_plus_rw() {
    xorriso_grows("dvd+rw");
}

#[test]
fn xorriso_grows_a_bd_re() {
    xorriso_grows("bd-re");
}

// ---------------------------------------------------------------------------------------------
// cdrskin and wodim on CD

#[test]
fn cdrskin_writes_tao_on_cd_r_and_blanks_a_cd_rw_fast_and_all() {
    if !installed(&["cdrskin", "genisoimage"]) {
        return;
    }
    let bench = Bench::new();
    let src = bench.files("src", &[("a.txt", "cdrskin\n")]);
    let iso = bench.iso("s.iso", &src);
    let cd_r = bench.medium("r.bbm", "cd-r");
    run_ok(
        &cd_r,
        &["cdrskin", "dev=/dev/sr0", "-tao", "-multi", iso.to_str().unwrap()],
    );
    assert!(listed(&cd_r).contains("/a.txt"));
    let msinfo = run_ok(&cd_r, &["cdrskin", "dev=/dev/sr0", "-msinfo"]);
    assert!(msinfo.lines().any(|l| l.trim() == "0,11702"), "{msinfo}");
    let cd_rw = bench.medium("rw.bbm", "cd-rw");
    for blank in ["blank=fast", "blank=all"] {
        run_ok(&cd_rw, &["cdrskin", "dev=/dev/sr0", "-tao", iso.to_str().unwrap()]);
        assert_ne!(media_info_json(&cd_rw)["status"], "Blank");
        run_ok(&cd_rw, &["cdrskin", "dev=/dev/sr0", blank]);
        assert_eq!(media_info_json(&cd_rw)["status"], "Blank", "after {blank}");
    }
}

#[test]
fn wodim_writes_tao_multisession_and_reports_msinfo_atip_and_capabilities() {
    if !installed(&["wodim", "genisoimage"]) {
        return;
    }
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "cd-r");
    let src = bench.files("src", &[("one.txt", "wodim 1\n")]);
    let iso = bench.iso("1.iso", &src);
    run_ok(
        &medium,
        &["wodim", "dev=/dev/sr0", "-multi", "-tao", iso.to_str().unwrap()],
    );
    let msinfo = run_ok(&medium, &["wodim", "dev=/dev/sr0", "-msinfo"]);
    let msinfo = msinfo
        .lines()
        .find(|l| l.starts_with("0,"))
        .expect("msinfo line")
        .to_owned();
    assert_eq!(msinfo, "0,11702");
    // The second session: genisoimage -C/-M against the drive, as the wodim man page shows.
    bench.files("src", &[("two.txt", "wodim 2\n")]);
    let iso2 = bench.path("2.iso");
    let out = attach(
        &medium,
        &[],
        &[
            "genisoimage",
            "-quiet",
            "-R",
            "-J",
            "-C",
            &msinfo,
            "-M",
            "/dev/sr0",
            "-o",
            iso2.to_str().unwrap(),
            src.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "genisoimage -M: {}", text(&out.stderr));
    run_ok(
        &medium,
        &["wodim", "dev=/dev/sr0", "-multi", "-tao", iso2.to_str().unwrap()],
    );
    let files = listed(&medium);
    assert!(files.contains("/one.txt") && files.contains("/two.txt"), "{files}");
    let atip = run_ok(&medium, &["wodim", "dev=/dev/sr0", "-atip"]);
    assert!(atip.contains("ATIP start of lead out: 359849"), "{atip}");
    let prcap = run_ok(&medium, &["wodim", "dev=/dev/sr0", "-prcap"]);
    assert!(prcap.contains("Does write CD-R media"), "{prcap}");
}

// ---------------------------------------------------------------------------------------------
// growisofs and dvd+rw-tools

fn growisofs_z_then_m(profile: &str) {
    if !installed(&["growisofs", "genisoimage"]) {
        return;
    }
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", profile);
    let one = bench.files("one", &[("a.txt", "growisofs 1\n")]);
    let two = bench.files("two", &[("b.txt", "growisofs 2\n")]);
    run_ok(
        &medium,
        &["growisofs", "-Z", "/dev/sr0", "-R", "-J", one.to_str().unwrap()],
    );
    assert!(listed(&medium).contains("/a.txt"));
    run_ok(
        &medium,
        &["growisofs", "-M", "/dev/sr0", "-R", "-J", two.to_str().unwrap()],
    );
    let files = listed(&medium);
    assert!(files.contains("/a.txt") && files.contains("/b.txt"), "{files}");
}

#[test]
fn growisofs_z_then_m_on_dvd_plus_r() {
    growisofs_z_then_m("dvd+r");
}

#[test]
fn growisofs_z_then_m_on_dvd_plus_rw() {
    growisofs_z_then_m("dvd+rw");
}

#[test]
fn growisofs_z_then_m_on_dvd_minus_r() {
    growisofs_z_then_m("dvd-r");
}

#[test]
fn dvd_rw_format_formats_a_dvd_plus_rw_and_a_bd_re() {
    if !installed(&["dvd+rw-format"]) {
        return;
    }
    let bench = Bench::new();
    for profile in ["dvd+rw", "bd-re"] {
        let medium = bench.medium(&format!("{profile}.bbm"), profile);
        assert_eq!(media_info_json(&medium)["format"], "unformatted", "{profile}");
        run_ok(&medium, &["dvd+rw-format", "/dev/sr0"]);
        assert_eq!(media_info_json(&medium)["format"], "formatted", "{profile}");
    }
}

/// Every DVD and BD profile `media create` makes is described by dvd+rw-mediainfo with its
/// profile code; on CD media the tool stops as it does with a real drive.
#[test]
fn dvd_rw_mediainfo_describes_every_profile() {
    if !installed(&["dvd+rw-mediainfo"]) {
        return;
    }
    let bench = Bench::new();
    for profile in ["cd-r", "cd-rw"] {
        let medium = bench.medium(&format!("{profile}.bbm"), profile);
        let out = attach(&medium, &[], &["dvd+rw-mediainfo", "/dev/sr0"]);
        assert!(!out.status.success());
        assert!(
            text(&out.stderr).contains(":-( non-DVD media mounted, exiting..."),
            "{profile}"
        );
    }
    let profiles = [
        ("dvd-r", "11h, DVD-R Sequential"),
        ("dvd-rw", "14h, DVD-RW Sequential"),
        ("dvd+r", "1Bh, DVD+R"),
        ("dvd+r-dl", "2Bh, DVD+R Double Layer"),
        ("dvd+rw", "1Ah, DVD+RW"),
        ("dvd-ram", "12h, DVD-RAM"),
        ("bd-r", "41h, BD-R SRM"),
        ("bd-re", "43h, BD-RE"),
        ("dvd-r-dl", "15h, DVD-R Dual Layer Sequential"),
        ("dvd-rw-ro", "13h, DVD-RW Restricted Overwrite"),
        ("bd-r-rrm", "42h, BD-R RRM"),
    ];
    for (profile, mounted) in profiles {
        let medium = bench.medium(&format!("{profile}.bbm"), profile);
        let out = attach(&medium, &[], &["dvd+rw-mediainfo", "/dev/sr0"]);
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(
            all.contains(&format!("Mounted Media:         {mounted}")),
            "{profile}:\n{all}"
        );
        assert!(all.contains("READ DISC INFORMATION:"), "{profile}:\n{all}");
    }
}

/// The medium lines of dvd+rw-mediainfo on a blank DVD+R are those of a real drive's blank
/// DVD+R (mmc.md §7: lead-out, free blocks and track size 2295104, READ CAPACITY 0).
#[test]
fn dvd_rw_mediainfo_on_a_blank_dvd_plus_r_prints_what_real_drives_print() {
    if !installed(&["dvd+rw-mediainfo"]) {
        return;
    }
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "dvd+r");
    let out = run_ok(&medium, &["dvd+rw-mediainfo", "/dev/sr0"]);
    for line in [
        " Mounted Media:         1Bh, DVD+R",
        " Legacy lead-out at:    2295104*2KB=4700372992",
        " Disc status:           blank",
        " Number of Sessions:    1",
        " State of Last Session: empty",
        " \"Next\" Track:          1",
        " Number of Tracks:      1",
        " Track State:           blank",
        " Track Start Address:   0*2KB",
        " Next Writable Address: 0*2KB",
        " Free Blocks:           2295104*2KB",
        " Track Size:            2295104*2KB",
        "READ CAPACITY:          0*2048=0",
    ] {
        assert_line(&out, line);
    }
    // Sequential media record variable packets (real-drives.md §7).
    assert!(!out.contains("Fixed Packet Size"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// cdrdao

#[test]
fn cdrdao_reads_drive_disc_and_toc() {
    if !installed(&["cdrdao", "cdrskin", "genisoimage"]) {
        return;
    }
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "cd-r");
    let src = bench.files("src", &[("a.txt", "cdrdao\n")]);
    let iso = bench.iso("s.iso", &src);
    run_ok(
        &medium,
        &["cdrskin", "dev=/dev/sr0", "-tao", "-multi", iso.to_str().unwrap()],
    );
    let info = run_ok(&medium, &["cdrdao", "drive-info", "--device", "/dev/sr0"]);
    assert!(info.contains("BURNBNCH"), "{info}");
    let disk = run_ok(&medium, &["cdrdao", "disk-info", "--device", "/dev/sr0"]);
    assert!(disk.contains("Appendable           : yes"), "{disk}");
    assert!(disk.contains("Start of new session : 11702"), "{disk}");
    let toc = bench.path("disc.toc");
    let out = attach(
        &medium,
        &[],
        &["cdrdao", "read-toc", "--device", "/dev/sr0", toc.to_str().unwrap()],
    );
    assert!(out.status.success(), "read-toc: {}", text(&out.stderr));
    let toc = std::fs::read_to_string(&toc).expect("toc file written");
    assert!(toc.contains("TRACK MODE1"), "{toc}");
}

// ---------------------------------------------------------------------------------------------
// The kernel's rules, seen by a program (python3 with ctypes issuing SG_IO)

/// The python side of SG_IO v3: `struct sg_io_hdr` for ctypes (88 bytes on 64-bit Linux).
macro_rules! sg_io_hdr_py {
    () => {
        r#"
import ctypes
class Hdr(ctypes.Structure):
    _fields_ = [("interface_id", ctypes.c_int), ("dxfer_direction", ctypes.c_int),
        ("cmd_len", ctypes.c_ubyte), ("mx_sb_len", ctypes.c_ubyte), ("iovec_count", ctypes.c_ushort),
        ("dxfer_len", ctypes.c_uint), ("dxferp", ctypes.c_void_p), ("cmdp", ctypes.c_void_p),
        ("sbp", ctypes.c_void_p), ("timeout", ctypes.c_uint), ("flags", ctypes.c_uint),
        ("pack_id", ctypes.c_int), ("usr_ptr", ctypes.c_void_p), ("status", ctypes.c_ubyte),
        ("masked_status", ctypes.c_ubyte), ("msg_status", ctypes.c_ubyte), ("sb_len_wr", ctypes.c_ubyte),
        ("host_status", ctypes.c_ushort), ("driver_status", ctypes.c_ushort), ("resid", ctypes.c_int),
        ("duration", ctypes.c_uint), ("info", ctypes.c_uint)]
assert ctypes.sizeof(Hdr) == 88
"#
    };
}

const KERNEL_PROBE: &str = concat!(
    sg_io_hdr_py!(),
    r#"
import ctypes, errno, fcntl, os, sys
libc = ctypes.CDLL(None, use_errno=True)
SG_IO = 0x2285
def sg(fd, cdb, direction=-1, length=0, interface=ord('S'), dxferp=None, cmd_len=None):
    cmd = (ctypes.c_ubyte * len(cdb))(*cdb)
    buf = (ctypes.c_ubyte * max(length, 1))()
    sense = (ctypes.c_ubyte * 32)()
    h = Hdr(interface_id=interface, dxfer_direction=direction, cmd_len=cmd_len or len(cdb), mx_sb_len=32,
            dxfer_len=length, dxferp=dxferp if dxferp is not None else ctypes.addressof(buf),
            cmdp=ctypes.addressof(cmd), sbp=ctypes.addressof(sense), timeout=30000)
    r = libc.ioctl(fd, SG_IO, ctypes.byref(h))
    if r != 0:
        return errno.errorcode[ctypes.get_errno()]
    if h.status:
        return "CHECK %x/%02x/%02x drv=%d sb=%d info=%d" % (sense[2] & 15, sense[12], sense[13], h.driver_status, h.sb_len_wr, h.info)
    return "GOOD resid=%d" % h.resid
def opened(path, flags):
    try:
        fd = os.open(path, flags); return fd
    except OSError as e:
        return errno.errorcode[e.errno]
ro = os.open("/dev/sr0", os.O_RDONLY | os.O_NONBLOCK)
rw = os.open("/dev/sr0", os.O_RDWR | os.O_NONBLOCK)
print("inquiry", sg(ro, [0x12, 0, 0, 0, 36, 0], -3, 36))
print("inquiry-short", sg(ro, [0x12, 0, 0, 0, 36, 0], -3, 96))
print("write-ro", sg(ro, [0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0], -2, 2048))
print("mechanism-rw", sg(rw, [0xBD, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0], -3, 8))
print("v4", sg(ro, [0, 0, 0, 0, 0, 0], interface=ord('Q')))
print("cdb5", sg(ro, [0, 0, 0, 0, 0, 0], cmd_len=5))
print("bad-pointer", sg(ro, [0x12, 0, 0, 0, 36, 0], -3, 36, dxferp=8))
print("too-long", sg(ro, [0x28, 0, 0, 0, 0, 0, 0, 0, 80, 0], -3, 80 * 2048))
print("unlisted-opcode", sg(ro, [0xA9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
print("bad-field", sg(ro, [0x46, 3, 0, 0, 0, 0, 0, 0, 8, 0], -3, 8))
print("read-blank", sg(ro, [0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0], -3, 2048))
print("version", end=" ")
v = ctypes.c_int(); libc.ioctl(ro, 0x2282, ctypes.byref(v)); print(v.value)
sgfd = os.open("/dev/sg0", os.O_RDWR | os.O_NONBLOCK)
libc.ioctl(sgfd, 0x2282, ctypes.byref(v)); print("sg-version", v.value)
print("excl-1", type(opened("/dev/sr0", os.O_RDWR | os.O_NONBLOCK | os.O_EXCL)).__name__)
print("excl-2", opened("/dev/sr0", os.O_RDWR | os.O_NONBLOCK | os.O_EXCL))
print("sg-excl-busy", opened("/dev/sg0", os.O_RDWR | os.O_NONBLOCK | os.O_EXCL))
print("sg-excl-ro", opened("/dev/sg1" if False else "/dev/sg0", os.O_RDONLY | os.O_NONBLOCK | os.O_EXCL))
print("write-open-blank-dvd+r", opened("/dev/sr0", os.O_RDWR))
print("read-open", type(opened("/dev/sr0", os.O_RDONLY)).__name__)
st = os.stat("/dev/sr0"); print("stat", oct(st.st_mode), os.major(st.st_rdev), os.minor(st.st_rdev))
st = os.stat("/dev/sg0"); print("stat-sg", oct(st.st_mode), os.major(st.st_rdev), os.minor(st.st_rdev))
print("readlink", os.readlink("/dev/cdrom"), os.path.realpath("/dev/cdrom"))
print("unknown-ioctl", "ENOTTY" if libc.ioctl(ro, 0x5401, None) != 0 and ctypes.get_errno() == errno.ENOTTY else "?")
status = libc.ioctl(ro, 0x5326, 0); print("drive-status", status)
fcntl.lockf(rw, fcntl.LOCK_EX | fcntl.LOCK_NB); print("lock", "held")
"#
);

#[test]
fn a_program_sees_the_kernels_rules() {
    if !installed(&["python3"]) {
        return;
    }
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "dvd+r");
    let out = run_ok(&medium, &["python3", "-c", KERNEL_PROBE]);
    let expected = [
        "inquiry GOOD resid=0",
        "inquiry-short GOOD resid=60",
        "write-ro EPERM",
        "mechanism-rw EPERM",
        "v4 EINVAL",
        "cdb5 EMSGSIZE",
        "bad-pointer EFAULT",
        "too-long EIO",
        "unlisted-opcode EPERM",
        "bad-field CHECK 5/24/00 drv=8 sb=18 info=1",
        "read-blank CHECK 5/21/00",
        "version 30527",
        "sg-version 30536",
        "excl-1 int",
        "excl-2 EBUSY",
        "sg-excl-busy EBUSY",
        "sg-excl-ro EPERM",
        "write-open-blank-dvd+r EROFS",
        "read-open int",
        "stat 0o60660 11 0",
        "stat-sg 0o20660 21 0",
        "readlink sr0 /dev/sr0",
        "unknown-ioctl ENOTTY",
        "drive-status 4",
        "lock held",
    ];
    for line in expected {
        assert!(out.lines().any(|l| l.starts_with(line)), "missing {line:?} in:\n{out}");
    }
}

/// Two processes racing for the drive: the second exclusive opener gets EBUSY while the first
/// holds it, and a POSIX lock taken by one process blocks the other, as on one device inode.
#[test]
fn exclusive_opens_and_locks_hold_across_processes() {
    if !installed(&["python3"]) {
        return;
    }
    let script = r#"
import errno, fcntl, os, sys, time
fd = os.open("/dev/sr0", os.O_RDWR | os.O_NONBLOCK | os.O_EXCL)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
pid = os.fork()
if pid == 0:
    try:
        os.open("/dev/sr0", os.O_RDWR | os.O_NONBLOCK | os.O_EXCL); print("child-excl opened")
    except OSError as e:
        print("child-excl", errno.errorcode[e.errno])
    other = os.open("/dev/sr0", os.O_RDWR | os.O_NONBLOCK)
    try:
        fcntl.lockf(other, fcntl.LOCK_EX | fcntl.LOCK_NB); print("child-lock taken")
    except OSError as e:
        print("child-lock", errno.errorcode[e.errno])
    sys.stdout.flush()
    os._exit(0)
os.waitpid(pid, 0)
os.close(fd)
fd2 = os.open("/dev/sr0", os.O_RDWR | os.O_NONBLOCK | os.O_EXCL)
print("after-close excl opened")
"#;
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "dvd+r");
    let out = run_ok(&medium, &["python3", "-c", script]);
    for line in ["child-excl EBUSY", "child-lock EAGAIN", "after-close excl opened"] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
}

// ---------------------------------------------------------------------------------------------
// attach itself

#[test]
fn attach_exits_with_the_programs_status_and_refuses_a_missing_medium_before_starting_it() {
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "dvd+r");
    let out = attach(&medium, &[], &["sh", "-c", "exit 7"]);
    assert_eq!(out.status.code(), Some(7));
    let missing = bench.path("missing.bbm");
    let out = attach(&missing, &[], &["sh", "-c", "echo started"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!text(&out.stdout).contains("started"));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("missing.bbm"), "{err}");
    let out = attach(&medium, &[], &["no-such-program-burnbench"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no-such-program-burnbench"));
}

#[test]
fn attach_writes_the_programs_commands_to_the_trace() {
    if !installed(&["sg_inq"]) {
        return;
    }
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "dvd+r");
    let trace = bench.path("t.jsonl");
    let out = attach(&medium, &["--trace", trace.to_str().unwrap()], &["sg_inq", "/dev/sr0"]);
    assert!(out.status.success());
    let trace = std::fs::read_to_string(&trace).unwrap();
    assert!(trace.contains("\"opcode\":\"INQUIRY\""), "{trace}");
}

/// A writer killed with SIGKILL in the middle of a burn: the server keeps serving (the next
/// program's commands work) and the media image loads with what the drive acknowledged.
#[test]
fn a_program_killed_mid_burn_leaves_the_server_serving_and_the_image_sound() {
    if !installed(&["python3", "sg_turs"]) {
        return;
    }
    let script = concat!(
        sg_io_hdr_py!(),
        r#"
import ctypes, os, signal, time
libc = ctypes.CDLL(None, use_errno=True)
pid = os.fork()
if pid == 0:
    fd = os.open("/dev/sg0", os.O_RDWR | os.O_NONBLOCK)
    buf = (ctypes.c_ubyte * 32768)()
    sense = (ctypes.c_ubyte * 32)()
    lba = 0
    while True:
        cdb = (ctypes.c_ubyte * 10)(0x2A, 0, (lba >> 24) & 255, (lba >> 16) & 255, (lba >> 8) & 255, lba & 255, 0, 0, 16, 0)
        h = Hdr(interface_id=ord('S'), dxfer_direction=-2, cmd_len=10, mx_sb_len=32, dxfer_len=32768,
                dxferp=ctypes.addressof(buf), cmdp=ctypes.addressof(cdb), sbp=ctypes.addressof(sense), timeout=30000)
        libc.ioctl(fd, 0x2285, ctypes.byref(h))
        lba += 16
time.sleep(0.5)
os.kill(pid, signal.SIGKILL)
os.waitpid(pid, 0)
print("killed")
"#
    );
    let bench = Bench::new();
    let medium = bench.medium("m.bbm", "dvd+r");
    let out = run_ok(&medium, &["python3", "-c", script]);
    assert!(out.contains("killed"), "{out}");
    run_ok(&medium, &["sg_turs", "/dev/sr0"]);
    let info = media_info_json(&medium);
    assert!(info["written_sectors"].as_u64().is_some(), "{info}");
}

/// `growisofs -dvd-compat -Z /dev/sr0 -R -J DIR`, attached; its output.
fn growisofs_dvd_compat(medium: &Path, dir: &Path) -> String {
    run_ok(
        medium,
        &[
            "growisofs",
            "-dvd-compat",
            "-Z",
            "/dev/sr0",
            "-R",
            "-J",
            dir.to_str().unwrap(),
        ],
    )
}

/// `text` holds `line` as one whole line.
fn assert_line(text: &str, line: &str) {
    assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
}

/// A formatted DVD+RW whose background format is suspended, as real drives report it after a
/// reload (real-drives.md §5): dvd+rw-mediainfo prints the real drives' lines, growisofs
/// -dvd-compat resumes the format (FORMAT UNIT 26h with Restart, `plus_rw_restart_format`),
/// writes, and completes it (CLOSE 010b).
#[test]
fn growisofs_restarts_a_suspended_dvd_plus_rw_format() {
    if !installed(&["growisofs", "genisoimage", "dvd+rw-mediainfo"]) {
        return;
    }
    let bench = Bench::new();
    let medium = bench.path("suspended.bbm");
    let made = burnbench()
        .args(["media", "create"])
        .arg(&medium)
        .args(["--profile", "dvd+rw", "--state", "suspended"])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", text(&made.stderr));
    let info = run_ok(&medium, &["dvd+rw-mediainfo", "/dev/sr0"]);
    for line in [
        " Disc status:           complete",
        " State of Last Session: complete",
        " BG Format Status:      suspended",
        " Track State:           complete incremental",
        " Free Blocks:           0*2KB",
        " Track Size:            2295104*2KB",
        "READ CAPACITY:          2295104*2048=4700372992",
    ] {
        assert_line(&info, line);
    }
    assert!(!info.contains("Fixed Packet Size"), "{info}");
    let dir = bench.files("rw", &[("a.txt", "growisofs on a suspended DVD+RW\n")]);
    let out = growisofs_dvd_compat(&medium, &dir);
    assert!(out.contains("restarting DVD+RW format"), "{out}");
    assert!(listed(&medium).contains("/a.txt"));
    assert_eq!(media_info_json(&medium)["background_format_status"], 3);
}

/// growisofs -dvd-compat on a blank DVD+R DL (real-drives.md §1–§2): dvd+rw-mediainfo prints the
/// blank disc's layer boundary as real drives report it; growisofs reads it (READ DVD STRUCTURE
/// 20h), splits the layers at half the image (SEND DVD STRUCTURE 20h), writes, closes the track
/// and finalizes with minimal radius. The files read back, the disc holds twice the split, and
/// the boundary can no longer be set.
#[test]
fn growisofs_dvd_compat_splits_the_layers_of_a_dvd_plus_r_dl_and_finalizes_it() {
    if !installed(&["growisofs", "genisoimage", "dvd+rw-mediainfo"]) {
        return;
    }
    let bench = Bench::new();
    let medium = bench.medium("dl.bbm", "dvd+r-dl");
    let blank = run_ok(&medium, &["dvd+rw-mediainfo", "/dev/sr0"]);
    for line in [
        " Legacy lead-out at:    2086912*2KB=4273995776",
        " L0 Data Zone Capacity: 2086912*2KB, can still be set",
        " Free Blocks:           4173824*2KB",
        " Track Size:            4173824*2KB",
    ] {
        assert_line(&blank, line);
    }
    let dir = bench.files("dl", &[("a.txt", "growisofs -dvd-compat on DVD+R DL\n")]);
    let out = growisofs_dvd_compat(&medium, &dir);
    let split: u64 = out
        .lines()
        .find_map(|l| l.split("splitting layers at ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|blocks| blocks.parse().ok())
        .unwrap_or_else(|| panic!("no layer split in\n{out}"));
    assert!(out.contains("closing disc"), "{out}");
    assert!(listed(&medium).contains("/a.txt"));
    let info = media_info_json(&medium);
    assert_eq!(info["status"], "Finalized", "{info}");
    assert_eq!(info["capacity_blocks"].as_u64(), Some(2 * split), "{info}");
    let written = run_ok(&medium, &["dvd+rw-mediainfo", "/dev/sr0"]);
    let fixed = format!(" L0 Data Zone Capacity: {split}*2KB, can no longer be set");
    assert!(written.lines().any(|l| l == fixed), "missing {fixed:?} in\n{written}");
}

/// growisofs formats a blank BD-R SRM+POW and keeps the session open; -M reads the volume
/// descriptors through READ CAPACITY (the formatted size then) and rewrites LBA 16 by
/// pseudo-overwrite (real-drives.md §6).
#[test]
fn growisofs_z_then_m_on_bd_r() {
    growisofs_z_then_m("bd-r");
}
