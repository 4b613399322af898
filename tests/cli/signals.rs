//! SIGINT and SIGTERM to a running `baton verify`: every process its verify commands started
//! is killed, checked pid by pid, the exit code is the documented one, the plan is untouched,
//! and nothing further is started.

use std::io::{Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::harness::Project;

/// T1's command starts a child, a subshell with a grandchild, and waits; T2's must never run
/// (`-j 1` starts it only after T1). Both boxes are ticked, so `--fix` would untick them if
/// the killed command counted as a failure.
const PLAN: &str = "# Plan
## Phase 1: Work
- [x] T1 Long check
  - verify: `sleep 300 & echo $! >> pids; (sleep 300 & echo $! >> pids; wait) & echo $! >> pids; echo $$ >> pids; wait`
- [x] T2 Never started
  - verify: `touch t2-ran`
";

/// Like T1, but every process ignores SIGTERM (ignored signals stay ignored in children).
const STUBBORN: &str = "# Plan
## Phase 1: Work
- [x] T1 Ignores SIGTERM
  - verify: `trap '' TERM; sleep 300 & echo $! >> pids; echo $$ >> pids; wait`
";

/// Whether `pid` is still running anything: `kill(pid, 0)` succeeds, and it is not a zombie
/// (a killed orphan waits for init to reap it, which some containers never do).
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

fn pids_in(file: &Path) -> Vec<i32> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .split_whitespace()
        .map(|pid| pid.parse().expect("a pid"))
        .collect()
}

/// Starts `baton verify --fix -j 1` and waits until its command has written `n` pids.
fn start(p: &Project, n: usize) -> (Child, Vec<i32>) {
    let mut baton = p
        .command(&["verify", "--fix", "-j", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start baton");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let pids = pids_in(&p.path("pids"));
        if pids.len() >= n {
            assert_eq!(pids.len(), n, "{pids:?}");
            for &pid in &pids {
                assert!(running(pid), "{pid} should run before the signal");
            }
            return (baton, pids);
        }
        if Instant::now() > deadline || baton.try_wait().expect("try_wait").is_some() {
            let _ = baton.kill();
            panic!("the verify command did not start its processes: {pids:?}");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

fn signal(baton: &Child, signal: Signal) {
    let pid = Pid::from_raw(i32::try_from(baton.id()).expect("pid"));
    kill(pid, signal).expect("signal baton");
}

/// Waits for baton to exit (killing it after `limit`), returning its status and stdout/stderr.
fn finish(mut baton: Child, limit: Duration) -> (ExitStatus, String, String) {
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = baton.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = baton.kill();
            panic!("baton did not exit within {limit:?} of the signal");
        }
        thread::sleep(Duration::from_millis(10));
    };
    let (mut stdout, mut stderr) = (String::new(), String::new());
    if let Some(out) = baton.stdout.as_mut() {
        out.read_to_string(&mut stdout).expect("stdout");
    }
    if let Some(err) = baton.stderr.as_mut() {
        err.read_to_string(&mut stderr).expect("stderr");
    }
    (status, stdout, stderr)
}

/// Every pid gone within a short wait (the kernel tears a killed process down
/// asynchronously).
fn assert_all_gone(pids: &[i32]) {
    let deadline = Instant::now() + Duration::from_secs(2);
    while pids.iter().any(|&pid| running(pid)) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    let left: Vec<_> = pids.iter().filter(|&&pid| running(pid)).collect();
    // Clean up before failing, so a failing run leaves no sleeps behind either.
    for &&pid in &left {
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
    }
    assert!(left.is_empty(), "still running: {left:?}");
}

fn interrupt(sig: Signal, code: i32, name: &str) {
    let p = Project::new();
    p.write("plan.md", PLAN);
    let (baton, pids) = start(&p, 4);
    signal(&baton, sig);
    let (status, stdout, stderr) = finish(baton, Duration::from_secs(15));
    assert_all_gone(&pids);
    assert_eq!(status.code(), Some(code), "{status:?}\n{stderr}");
    assert!(
        stderr.contains(&format!("error: interrupted by {name}")),
        "{stderr}"
    );
    assert!(stderr.contains("the plan was left as it was"), "{stderr}");
    assert_eq!(stdout, "", "no report after an interruption");
    assert_eq!(p.read_string("plan.md"), PLAN, "the plan is untouched");
    assert!(!p.path("t2-ran").exists(), "T2's command was started");
}

#[test]
fn sigint_kills_every_verify_process_and_exits_130() {
    interrupt(Signal::SIGINT, 130, "SIGINT");
}

#[test]
fn sigterm_kills_every_verify_process_and_exits_143() {
    interrupt(Signal::SIGTERM, 143, "SIGTERM");
}

#[test]
fn processes_that_ignore_sigterm_are_killed_after_the_grace() {
    let p = Project::new();
    p.write("plan.md", STUBBORN);
    let (baton, pids) = start(&p, 2);
    let sent = Instant::now();
    signal(&baton, Signal::SIGINT);
    let (status, _, stderr) = finish(baton, Duration::from_secs(15));
    assert_all_gone(&pids);
    assert_eq!(status.code(), Some(130), "{status:?}\n{stderr}");
    // SIGTERM did nothing, so baton waited out the grace (one second) before SIGKILL.
    assert!(
        sent.elapsed() >= Duration::from_millis(900),
        "{:?}",
        sent.elapsed()
    );
    assert_eq!(p.read_string("plan.md"), STUBBORN);
}

#[test]
fn a_second_sigint_kills_everything_at_once_and_ends_baton_by_the_signal() {
    let p = Project::new();
    p.write("plan.md", STUBBORN);
    let (baton, pids) = start(&p, 2);
    signal(&baton, Signal::SIGINT);
    thread::sleep(Duration::from_millis(200));
    signal(&baton, Signal::SIGINT);
    let (status, _, stderr) = finish(baton, Duration::from_secs(15));
    assert_all_gone(&pids);
    assert_eq!(status.signal(), Some(2), "{status:?}\n{stderr}");
    assert_eq!(p.read_string("plan.md"), STUBBORN);
}

#[test]
fn sigterm_to_the_mcp_server_kills_a_running_verify_tool_command() {
    let p = Project::new();
    p.write("plan.md", PLAN);
    p.git_init().trust_commands();
    let mut server = p
        .command(&["mcp"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start baton mcp");
    let mut stdin = server.stdin.take().expect("stdin");
    let messages = [
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"signals-test","version":"0"}}}"#,
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"verify","arguments":{"ids":["T1"]}}}"#,
    ];
    for message in messages {
        writeln!(stdin, "{message}").expect("write to baton mcp");
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let pids = loop {
        let pids = pids_in(&p.path("pids"));
        if pids.len() >= 4 {
            break pids;
        }
        if Instant::now() > deadline || server.try_wait().expect("try_wait").is_some() {
            let _ = server.kill();
            panic!("the verify tool did not start its command: {pids:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    signal(&server, Signal::SIGTERM);
    // stdin stays open: the server ends because of the signal, not end of input.
    let (status, _, stderr) = finish(server, Duration::from_secs(15));
    drop(stdin);
    assert_all_gone(&pids);
    assert_eq!(status.signal(), Some(15), "{status:?}\n{stderr}");
    assert_eq!(p.read_string("plan.md"), PLAN);
}

#[test]
fn sigterm_to_the_stop_hook_kills_the_verify_command_it_runs() {
    let p = Project::new();
    p.write("plan.md", PLAN);
    p.git_init().trust_commands();
    p.run(&["claim", "T1", "--by", "s1", "--force"]).success();
    let mut hook = p
        .command(&["hook", "claude-stop", "--session", "s1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the hook");
    let mut stdin = hook.stdin.take().expect("stdin");
    writeln!(stdin, r#"{{"hook_event_name":"Stop","session_id":"x"}}"#).expect("write");
    drop(stdin);
    let deadline = Instant::now() + Duration::from_secs(30);
    let pids = loop {
        let pids = pids_in(&p.path("pids"));
        if pids.len() >= 4 {
            break pids;
        }
        if Instant::now() > deadline || hook.try_wait().expect("try_wait").is_some() {
            let _ = hook.kill();
            panic!("the hook did not start the verify command: {pids:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    signal(&hook, Signal::SIGTERM);
    let (status, _, stderr) = finish(hook, Duration::from_secs(15));
    assert_all_gone(&pids);
    assert_eq!(status.signal(), Some(15), "{status:?}\n{stderr}");
    assert_eq!(p.read_string("plan.md"), PLAN);
}
