//! Crash trials (issue 14 item 4, the `burnbench burn` part): a second-session burn onto a DVD+R
//! is SIGKILLed at random moments; every time, the image still loads (its disc passes the
//! invariants), and the session acknowledged before the kill — closed, committed — is intact.
//! `BURNBENCH_CRASH_TRIALS` sets the count (default 100).

mod common;

use common::{burnbench, run};
use std::path::Path;
use std::time::Duration;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

fn stdout_of(args: &[&str]) -> (bool, String) {
    let out = run(args);
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn a_burn_killed_at_any_moment_leaves_a_loadable_image_with_every_acknowledged_session() {
    let trials: u64 = std::env::var("BURNBENCH_CRASH_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    std::fs::create_dir(&first).unwrap();
    std::fs::create_dir(&second).unwrap();
    std::fs::write(first.join("first.txt"), "acknowledged\n").unwrap();
    // Big enough that the kill lands inside the write as often as before or after it.
    let big: Vec<u8> = (0..24u32 << 20).map(|i| (i % 251) as u8).collect();
    std::fs::write(second.join("second.bin"), &big).unwrap();
    let base = dir.path().join("base.bbm");
    let b = base.to_str().unwrap();
    assert!(run(&["media", "create", b, "--profile", "dvd+r"]).status.success());
    assert!(run(&["burn", "--media", b, first.to_str().unwrap()]).status.success());

    // How long the burn takes whole: kills are spread over three times that (a burn under test
    // runs beside the others, slower than alone), so some land before, in and after its commit.
    let timed = dir.path().join("timed.bbm");
    copy_dir(&base, &timed);
    let started = std::time::Instant::now();
    assert!(
        run(&["burn", "--media", timed.to_str().unwrap(), second.to_str().unwrap()])
            .status
            .success()
    );
    let window_ms = (started.elapsed().as_millis() as u64 * 3).max(1);

    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let (mut before, mut during, mut after) = (0, 0, 0);
    for trial in 0..trials {
        let image = dir.path().join(format!("t{trial}.bbm"));
        copy_dir(&base, &image);
        let m = image.to_str().unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut burn = burnbench()
            .args(["burn", "--media", m, second.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(seed % window_ms));
        // SAFETY: kill() on our own child.
        unsafe { libc::kill(burn.id() as i32, libc::SIGKILL) };
        let finished = burn.wait().unwrap().success();

        let (loads, info) = stdout_of(&["media", "info", m]);
        assert!(loads, "trial {trial}: the image does not load after the kill: {info}");
        let (listed, first_tree) = stdout_of(&["media", "ls", m, "--session", "1"]);
        assert!(
            listed && first_tree.contains("/first.txt"),
            "trial {trial}: session 1 is damaged: {first_tree}\n{info}"
        );
        let (has_second, second_tree) = stdout_of(&["media", "ls", m, "--session", "2"]);
        if finished {
            assert!(
                has_second && second_tree.contains("/second.bin"),
                "trial {trial}: {second_tree}"
            );
        }
        match (finished, has_second && second_tree.contains("/second.bin")) {
            (true, _) => after += 1,
            (false, true) => during += 1, // killed after the session was committed, before exit
            (false, false) => before += 1,
        }
    }
    eprintln!("{trials} trials: {before} killed before session 2 was committed, {during} after it, {after} finished");
}
