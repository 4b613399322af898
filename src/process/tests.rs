//! Real processes, checked by pid.

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::*;

fn sh(command: &str) -> Spec {
    Spec::new("sh", std::env::temp_dir())
        .arg("-c")
        .arg(command)
        .output(Output::Tail(4096))
}

fn run(spec: &Spec) -> Finished {
    run_for(spec, Duration::from_secs(20))
}

fn run_for(spec: &Spec, timeout: Duration) -> Finished {
    Supervisor::new()
        .spawn(spec)
        .expect("spawn")
        .wait(Some(timeout))
}

/// Whether `pid` is still running anything. A killed process that has not been reaped is a
/// zombie and counts as gone: orphans are reaped by init, which in some containers never
/// happens.
fn running(pid: i32) -> bool {
    if kill(Pid::from_raw(pid), None).is_err() {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z') && !state.starts_with('X')
        }
        Err(_) => false,
    }
}

/// A group is killed before `wait` returns, but the kernel may need a moment to tear a
/// process down: it closes its files (ending our read) before it becomes a zombie.
fn assert_gone(pid: i32) {
    let deadline = Instant::now() + Duration::from_secs(2);
    while running(pid) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
    }
    assert!(!running(pid), "{pid} is still running");
}

fn pids_in(file: &Path) -> Vec<i32> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .split_whitespace()
        .map(|pid| pid.parse().unwrap())
        .collect()
}

/// Waits until `file` lists `n` pids (the command started its children).
fn wait_for_pids(file: &Path, n: usize) -> Vec<i32> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let pids = pids_in(file);
        if pids.len() >= n || Instant::now() > deadline {
            assert_eq!(pids.len(), n, "{pids:?}");
            return pids;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn pid_file() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let pids = dir.path().join("pids");
    (dir, pids)
}

/// Two background sleeps (one holding the output pipe, one in a subshell), then a wait.
const FAMILY: &str = "sleep 300 & echo $! >> \"$PIDS\"
    (sleep 300 >/dev/null 2>&1 & echo $! >> \"$PIDS\"; wait) & echo $! >> \"$PIDS\"
    echo $$ >> \"$PIDS\"
    wait";

#[test]
fn stdout_and_stderr_interleave_in_write_order() {
    let done = run(&sh("echo 1; echo 2 >&2; echo 3; echo 4 >&2"));
    assert_eq!(done.exit, Exit::Exited(0));
    assert_eq!(done.output.tail, "1\n2\n3\n4\n");
}

#[test]
fn arguments_are_passed_as_they_are_never_through_a_shell() {
    let spec = Spec::new("printf", std::env::temp_dir())
        .arg("%s|")
        .arg("a b")
        .arg("; echo $HOME")
        .output(Output::Tail(100));
    assert_eq!(run(&spec).output.tail, "a b|; echo $HOME|");
}

#[test]
fn timeout_kills_children_and_grandchildren_fast() {
    let (_dir, pids) = pid_file();
    let spec = sh("sleep 100 & echo $! >> \"$PIDS\"
         (sleep 100 & echo $! >> \"$PIDS\"; wait) & echo $! >> \"$PIDS\"
         echo started
         sleep 100")
    .env("PIDS", &pids);
    let done = run_for(&spec, Duration::from_millis(700));
    assert_eq!(done.exit, Exit::TimedOut);
    assert!(done.duration >= Duration::from_millis(700));
    assert!(
        done.duration < Duration::from_millis(2200),
        "{:?}",
        done.duration
    );
    assert_eq!(done.output.tail, "started\n");
    let pids = pids_in(&pids);
    assert_eq!(pids.len(), 3);
    for pid in pids {
        assert_gone(pid);
    }
}

#[test]
fn a_timeout_kills_a_group_that_ignores_sigterm_after_the_grace() {
    let (_dir, pids) = pid_file();
    // Ignored signals stay ignored in children, so nothing in the group dies of SIGTERM.
    let spec = sh("trap '' TERM; sleep 100 & echo $! >> \"$PIDS\"; echo $$ >> \"$PIDS\"; wait")
        .env("PIDS", &pids)
        .grace(Duration::from_millis(400));
    let done = run_for(&spec, Duration::from_millis(300));
    assert_eq!(done.exit, Exit::TimedOut);
    assert!(
        done.duration >= Duration::from_millis(700),
        "{:?}",
        done.duration
    );
    assert!(
        done.duration < Duration::from_secs(3),
        "{:?}",
        done.duration
    );
    for pid in wait_for_pids(&pids, 2) {
        assert_gone(pid);
    }
}

#[test]
fn background_jobs_are_killed_after_a_normal_exit() {
    let (_dir, pids) = pid_file();
    // The first job holds the output pipe; the second does not, so nothing but the kill
    // ends it.
    let spec = sh("sleep 100 & echo $! >> \"$PIDS\"
         sleep 100 >/dev/null 2>&1 & echo $! >> \"$PIDS\"
         echo done")
    .env("PIDS", &pids);
    let done = run(&spec);
    assert_eq!(done.exit, Exit::Exited(0));
    assert_eq!(done.output.tail, "done\n");
    assert!(
        done.duration < Duration::from_secs(5),
        "{:?}",
        done.duration
    );
    let pids = pids_in(&pids);
    assert_eq!(pids.len(), 2);
    for pid in pids {
        assert_gone(pid);
    }
}

#[test]
fn an_escaped_process_holding_the_pipe_does_not_block() {
    let (_dir, pids) = pid_file();
    // The pid is written only once `setsid` has moved the process out of the group, and the
    // shell waits for it so that the group kill cannot come first.
    let spec = sh("setsid sh -c 'echo $$ > \"$PIDS\"; exec sleep 100' &
         until [ -s \"$PIDS\" ]; do sleep 0.01; done
         echo left")
    .env("PIDS", &pids);
    let started = Instant::now();
    let done = run(&spec);
    let elapsed = started.elapsed();
    for pid in pids_in(&pids) {
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
    }
    assert_eq!(done.exit, Exit::Exited(0));
    assert_eq!(done.output.tail, "left\n");
    assert!(elapsed >= OUTPUT_GRACE);
    assert!(elapsed < OUTPUT_GRACE + Duration::from_secs(3));
}

#[test]
fn cancelling_kills_every_registered_group_and_starts_nothing_more() {
    let (_dir, pids) = pid_file();
    let supervisor = Supervisor::new();
    let child = supervisor
        .spawn(&sh(FAMILY).env("PIDS", &pids))
        .expect("spawn");
    let leader = i32::try_from(child.pid()).unwrap();
    let waiter = thread::spawn(move || child.wait(None));
    let family = wait_for_pids(&pids, 4);
    assert_eq!(supervisor.live_groups(), [leader]);
    for &pid in &family {
        assert!(running(pid), "{pid} should run before the cancel");
    }

    let started = Instant::now();
    supervisor.cancel(Cancel::Requested);
    let done = waiter.join().unwrap();
    assert_eq!(done.exit, Exit::Cancelled);
    // Everything died of SIGTERM: no grace was waited out.
    assert!(started.elapsed() < DEFAULT_GRACE, "{:?}", started.elapsed());
    for pid in family {
        assert_gone(pid);
    }
    assert!(supervisor.live_groups().is_empty());
    assert_eq!(supervisor.cancellation(), Some(Cancel::Requested));

    let refused = supervisor.spawn(&sh("echo never"));
    assert!(
        matches!(refused, Err(SpawnError::Cancelled(Cancel::Requested))),
        "{refused:?}"
    );
}

#[test]
fn cancelling_kills_a_group_that_ignores_sigterm_after_the_grace() {
    let (_dir, pids) = pid_file();
    let supervisor = Supervisor::new();
    let spec = sh("trap '' TERM; sleep 300 & echo $! >> \"$PIDS\"; echo $$ >> \"$PIDS\"; wait")
        .env("PIDS", &pids)
        .grace(Duration::from_millis(300));
    let child = supervisor.spawn(&spec).expect("spawn");
    let waiter = thread::spawn(move || child.wait(None));
    let family = wait_for_pids(&pids, 2);
    let started = Instant::now();
    supervisor.cancel(Cancel::Signal(15));
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(waiter.join().unwrap().exit, Exit::Cancelled);
    for pid in family {
        assert_gone(pid);
    }
    assert_eq!(supervisor.cancellation(), Some(Cancel::Signal(15)));
    assert_eq!(Cancel::Signal(15).to_string(), "interrupted by SIGTERM");
}

#[test]
fn a_killer_stops_a_child_from_another_thread() {
    let supervisor = Supervisor::new();
    let child = supervisor.spawn(&sh("echo up; sleep 300")).expect("spawn");
    let killer = child.killer();
    let waiter = thread::spawn(move || child.wait(None));
    thread::sleep(Duration::from_millis(100));
    killer.kill();
    let done = waiter.join().unwrap();
    assert_eq!(done.exit, Exit::Killed);
    assert_eq!(done.output.tail, "up\n");
    // A second kill of a finished child does nothing.
    killer.kill();
}

#[test]
fn dropping_a_running_child_kills_its_group() {
    let (_dir, pids) = pid_file();
    let supervisor = Supervisor::new();
    let child = supervisor
        .spawn(&sh(FAMILY).env("PIDS", &pids))
        .expect("spawn");
    let family = wait_for_pids(&pids, 4);
    drop(child);
    for pid in family {
        assert_gone(pid);
    }
    assert!(supervisor.live_groups().is_empty());
}

#[test]
fn stdin_is_dev_null_unless_piped() {
    let done = run(&sh("readlink /proc/self/fd/0; cat; echo eof"));
    assert_eq!(done.exit, Exit::Exited(0));
    assert_eq!(done.output.tail, "/dev/null\neof\n");
}

#[test]
fn a_piped_stdin_is_the_callers_pipe_not_the_parents_stdin() {
    let spec = sh("stat -L -c %d:%i /proc/self/fd/0; cat").stdin(Input::Piped);
    let mut child = Supervisor::new().spawn(&spec).expect("spawn");
    let mut stdin = child.take_stdin().expect("a pipe");
    stdin.write_all(b"hello\n").unwrap();
    drop(stdin);
    let done = child.wait(Some(Duration::from_secs(20)));
    assert_eq!(done.exit, Exit::Exited(0));
    let (identity, rest) = done.output.tail.split_once('\n').unwrap();
    assert_eq!(rest, "hello\n");
    // The test runner's own stdin may be closed, a file or a terminal; whatever it is, the
    // child's is another file.
    if let Ok(ours) = std::fs::metadata("/proc/self/fd/0") {
        assert_ne!(identity, format!("{}:{}", ours.dev(), ours.ino()));
    }
}

#[test]
fn output_can_go_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    std::fs::write(&log, "before\n").unwrap();
    let spec = sh("echo out; echo err >&2").output(Output::File(log.clone()));
    let done = run(&spec);
    assert_eq!(done.exit, Exit::Exited(0));
    assert_eq!(done.output, Captured::default());
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "before\nout\nerr\n");

    let missing = sh("true").output(Output::File(dir.path().join("no/such/dir/log")));
    let err = Supervisor::new().spawn(&missing).unwrap_err();
    assert!(matches!(err, SpawnError::OutputFile { .. }), "{err:?}");
    assert!(err.to_string().contains("no/such/dir/log"), "{err}");
}

#[test]
fn a_missing_program_or_cwd_fails_to_start() {
    let supervisor = Supervisor::new();
    let err = supervisor
        .spawn(&Spec::new(
            "/nonexistent/baton/program",
            std::env::temp_dir(),
        ))
        .unwrap_err();
    assert!(matches!(err, SpawnError::Start(_)), "{err:?}");
    let err = supervisor
        .spawn(&Spec::new("sh", "/nonexistent/baton/dir"))
        .unwrap_err();
    assert!(matches!(err, SpawnError::Start(_)), "{err:?}");
    assert!(supervisor.live_groups().is_empty());
}

#[test]
fn keeps_only_the_tail_of_megabytes_of_output() {
    let done = run(&sh("yes | head -c 50000000").output(Output::Tail(1001)));
    assert_eq!(done.exit, Exit::Exited(0));
    // 50,000,000 bytes of "y\n": the last 1001 start with the newline of a pair.
    assert_eq!(done.output.tail.len(), 1001);
    assert_eq!(done.output.tail, format!("\n{}", "y\n".repeat(500)));
    assert_eq!(done.output.dropped_bytes, 50_000_000 - 1001);
}

#[test]
fn zero_tail_bytes_keeps_nothing_but_counts() {
    let done = run(&sh("printf 12345").output(Output::Tail(0)));
    assert_eq!(done.output.tail, "");
    assert_eq!(done.output.dropped_bytes, 5);
}

#[test]
fn runs_in_the_given_cwd_with_extra_environment() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("marker"), "here").unwrap();
    let mut spec = sh(r#"cat marker; printf ' %s %s' "$BATON_PROCESS_TEST" "${PATH:+path}""#)
        .env("BATON_PROCESS_TEST", "hello there");
    spec.cwd = dir.path().to_owned();
    assert_eq!(run(&spec).output.tail, "here hello there path");
}

#[test]
fn non_utf8_output_is_decoded_lossily() {
    assert_eq!(run(&sh(r"printf 'a\377b'")).output.tail, "a\u{FFFD}b");
}
