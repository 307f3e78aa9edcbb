//! `burnbench serve`: drives kept up for several programs, each started with the environment
//! serve prints; SIGTERM saves the media and ends it (docs/attach.md).

mod common;

use common::{burnbench, peer};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server, killed if a test fails before it stops it (it would hold the test's output open).
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start `burnbench serve` on `medium` and return it with the environment it prints for programs
/// (LD_PRELOAD=… BURNBENCH_ATTACH_SOCKET=… …), once its socket is bound.
fn serve(medium: &Path, socket: &Path) -> (Served, Vec<(String, String)>) {
    let mut server = burnbench()
        .arg("serve")
        .arg("--media")
        .arg(medium)
        .arg("--socket")
        .arg(socket)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // The banner is read up to the environment line; the server goes on when the pipe closes.
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let env_line = lines
        .by_ref()
        .map(|l| l.unwrap())
        .find(|l| l.trim_start().starts_with("LD_PRELOAD="))
        .expect("serve prints the environment");
    let env = env_line
        .split_whitespace()
        .filter_map(|word| word.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !socket.exists() {
        assert!(Instant::now() < deadline, "serve did not bind {}", socket.display());
        std::thread::sleep(Duration::from_millis(20));
    }
    (Served(server), env)
}

#[test]
fn serve_keeps_the_drive_for_several_programs_and_saves_the_medium_on_sigterm() {
    if peer("sg_turs").is_none() || peer("xorriso").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let medium = dir.path().join("m.bbm");
    let socket = dir.path().join("drives.sock");
    assert!(
        burnbench()
            .args(["media", "create"])
            .arg(&medium)
            .args(["--profile", "dvd+r"])
            .status()
            .unwrap()
            .success()
    );
    let (mut server, env) = serve(&medium, &socket);
    let run = |program: &[&str]| {
        let out = Command::new(program[0])
            .args(&program[1..])
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}{}",
            program.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["sg_turs", "/dev/sr0"]);
    let files = dir.path().join("files");
    std::fs::create_dir(&files).unwrap();
    std::fs::write(files.join("served.txt"), "kept up\n").unwrap();
    run(&[
        "xorriso",
        "-dev",
        "/dev/sr0",
        "-map",
        files.to_str().unwrap(),
        "/",
        "-commit",
    ]);
    // SIGTERM: the server stops and saves the medium.
    // SAFETY: kill() on our own child.
    unsafe { libc::kill(server.0.id() as i32, libc::SIGTERM) };
    let status = server.0.wait().unwrap();
    assert!(status.success(), "serve ended with {status:?}");
    let listed = burnbench().args(["media", "ls"]).arg(&medium).output().unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("/served.txt"));
    assert!(!socket.exists(), "the socket is removed");
}

/// Issue 14 item 6: eight client processes hammer one drive with mixed commands (TEST UNIT READY,
/// INQUIRY, READ CAPACITY, GET CONFIGURATION, block reads, block writes) while other clients are
/// SIGKILLed at random moments mid-command. Every live client gets every answer, the server
/// answers a new client afterwards, and the medium it saves holds every block the writers wrote.
/// `BURNBENCH_LOAD_SECONDS` sets the length (default 8; the issue's full run is 60).
#[test]
fn serve_answers_every_live_client_under_load_and_outlives_killed_ones() {
    let tools = ["sg_turs", "sg_inq", "sg_readcap", "sg_get_config", "dd", "cmp"];
    if tools.iter().any(|t| peer(t).is_none()) {
        return;
    }
    let seconds: u64 = std::env::var("BURNBENCH_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let dir = tempfile::tempdir().unwrap();
    let medium = dir.path().join("m.bbm");
    let socket = dir.path().join("drives.sock");
    let created = burnbench()
        .args(["media", "create"])
        .arg(&medium)
        .args(["--profile", "dvd+rw", "--state", "formatted"])
        .status()
        .unwrap();
    assert!(created.success());
    let (mut server, env) = serve(&medium, &socket);
    let shell = |script: &str| {
        Command::new("sh")
            .args(["-c", script])
            .current_dir(dir.path())
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Each writer owns 64 blocks (2 ECC blocks of 32 KiB each) at its own place and rewrites them.
    for w in 0..2 {
        let pattern = format!("pattern{w}");
        let bytes: Vec<u8> = pattern.bytes().cycle().take(64 * 2048).collect();
        std::fs::write(dir.path().join(&pattern), bytes).unwrap();
    }
    let until = format!("end=$(( $(date +%s) + {seconds} )); while [ $(date +%s) -lt $end ]; do");
    let mut clients: Vec<(String, Child)> = [
        "sg_turs -n 200 /dev/sr0".to_string(),
        "sg_inq /dev/sr0".into(),
        "sg_readcap /dev/sr0".into(),
        "sg_get_config -c /dev/sr0".into(),
        "dd if=/dev/sr0 of=/dev/null bs=32k count=64 skip=16 status=none".into(),
        "dd if=/dev/sr0 of=/dev/null bs=2k count=300 skip=1000 status=none".into(),
        "dd if=pattern0 of=/dev/sr0 bs=32k seek=100 conv=notrunc,fsync status=none".into(),
        "dd if=pattern1 of=/dev/sr0 bs=32k seek=200 conv=notrunc,fsync status=none".into(),
    ]
    .into_iter()
    .map(|command| {
        let script = format!("{until} {command} || {{ echo \"failed: {command}\" >&2; exit 1; }}; done");
        (command, shell(&script))
    })
    .collect();
    // Victims: clients in the middle of a long stream of commands, killed at random moments.
    let mut kills = 0u32;
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // exec: the signal reaches the client itself, not a shell above it.
        let mut victim = shell(if seed.is_multiple_of(2) {
            "exec sg_turs -n 1000000 /dev/sr0"
        } else {
            "exec dd if=/dev/sr0 of=/dev/null bs=32k count=100000 status=none"
        });
        std::thread::sleep(Duration::from_millis(5 + seed % 150));
        // SAFETY: kill() on our own child.
        unsafe { libc::kill(victim.id() as i32, libc::SIGKILL) };
        victim.wait().unwrap();
        kills += 1;
    }
    for (command, client) in clients.iter_mut() {
        let waited = Instant::now();
        loop {
            if let Some(status) = client.try_wait().unwrap() {
                let mut why = String::new();
                std::io::Read::read_to_string(client.stderr.as_mut().unwrap(), &mut why).unwrap();
                assert!(status.success(), "{command}: {status:?} {why}");
                break;
            }
            assert!(
                waited.elapsed() < Duration::from_secs(60),
                "{command}: no answer for 60 s (the server hangs)"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    assert!(kills >= 5, "only {kills} clients were killed");
    // A new client is answered, and reads back what each writer wrote.
    let mut check = shell(
        "sg_turs /dev/sr0 && \
         dd if=/dev/sr0 of=back0 bs=32k skip=100 count=4 status=none && cmp back0 pattern0 && \
         dd if=/dev/sr0 of=back1 bs=32k skip=200 count=4 status=none && cmp back1 pattern1",
    );
    let status = check.wait().unwrap();
    assert!(status.success(), "after the load: {status:?}");
    // SAFETY: kill() on our own child.
    unsafe { libc::kill(server.0.id() as i32, libc::SIGTERM) };
    assert!(server.0.wait().unwrap().success());
    // The saved medium loads (its disc passes the invariants) and holds the writers' blocks.
    let info = burnbench().args(["media", "info"]).arg(&medium).output().unwrap();
    assert!(info.status.success(), "{}", String::from_utf8_lossy(&info.stderr));
    let image = dir.path().join("disc.img");
    let export = burnbench()
        .args(["media", "export"])
        .arg(&medium)
        .arg("-o")
        .arg(&image)
        .output()
        .unwrap();
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let disc = std::fs::read(&image).unwrap();
    for (w, lba) in [(0usize, 1600usize), (1, 3200)] {
        let pattern = std::fs::read(dir.path().join(format!("pattern{w}"))).unwrap();
        assert_eq!(
            &disc[lba * 2048..lba * 2048 + pattern.len()],
            &pattern[..],
            "writer {w}"
        );
    }
}
