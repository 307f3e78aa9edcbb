//! `burnbench serve`: drives kept up for several programs, each started with the environment
//! serve prints; SIGTERM saves the media and ends it (docs/attach.md).

mod common;

use common::{burnbench, peer};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let mut server = burnbench()
        .arg("serve")
        .arg("--media")
        .arg(&medium)
        .arg("--socket")
        .arg(&socket)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // The line that tells how to attach a program: LD_PRELOAD=… BURNBENCH_ATTACH_SOCKET=… ….
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let env_line = lines
        .by_ref()
        .map(|l| l.unwrap())
        .find(|l| l.trim_start().starts_with("LD_PRELOAD="))
        .expect("serve prints the environment");
    let env: Vec<(String, String)> = env_line
        .split_whitespace()
        .filter_map(|word| word.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !socket.exists() {
        assert!(Instant::now() < deadline, "serve did not bind {}", socket.display());
        std::thread::sleep(Duration::from_millis(20));
    }
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
    unsafe { libc::kill(server.id() as i32, libc::SIGTERM) };
    let status = server.wait().unwrap();
    assert!(status.success(), "serve ended with {status:?}");
    let listed = burnbench().args(["media", "ls"]).arg(&medium).output().unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("/served.txt"));
    assert!(!socket.exists(), "the socket is removed");
}
