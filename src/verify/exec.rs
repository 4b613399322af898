//! Runs a task's verify commands for `baton verify`.
//!
//! Verify commands are arbitrary shell from the plan, run from CI jobs and agent hooks that
//! must not hang and must not leave strays behind. So each command gets hard limits rather
//! than trust: stdin is `/dev/null` (a command that reads it sees end of file instead of
//! waiting for a terminal that is not there), it runs in a process group of its own so a
//! timeout can kill everything it started, its output is kept only as a bounded tail (a test
//! suite that prints gigabytes costs no memory), and whatever it left in its group is killed
//! even when it exits normally, because a background grandchild would otherwise hold the
//! output pipe open and keep `baton` waiting forever.
//!
//! Nothing polls: the calling thread blocks in `wait`, one thread drains the pipe, and one
//! sleeps on a channel until the timeout (then it kills the group) or until the shell is
//! done (then it is told to stand down).
//!
//! Only what stays in the command's process group can be killed: a process that moves to a
//! session or group of its own (`setsid`, `set -m`, a daemon) is out of reach. If such a
//! process keeps the output pipe open, [`run`] stops reading after [`OUTPUT_GRACE`] and
//! returns with the output read so far.

use std::io::{self, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// How long [`run`] keeps reading output once the command's process group has been killed.
///
/// Killed processes close the pipe within milliseconds; the pipe stays open only when a
/// process escaped the group (see the module documentation), and that must not block
/// `baton verify`.
pub const OUTPUT_GRACE: Duration = Duration::from_secs(1);

/// Large enough that a command printing at full speed costs few reads and lock round trips.
const READ_CHUNK: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct CommandSpec {
    /// Passed to `sh -c`.
    pub command: String,
    /// Working directory (the repository root).
    pub cwd: PathBuf,
    pub timeout: Duration,
    /// Keep at most this many bytes of the combined output (the last ones).
    pub tail_bytes: usize,
    /// Extra environment variables for the command (the rest is inherited).
    pub env: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    /// Exited with a non-zero code.
    Failed {
        code: i32,
    },
    /// Killed by a signal it did not get from us.
    Signaled {
        signal: i32,
    },
    /// Ran past the timeout; its whole process group was killed.
    TimedOut,
    /// Could not be started at all (no `sh`, bad cwd...).
    SpawnFailed(String),
}

impl Outcome {
    pub fn is_success(&self) -> bool {
        *self == Outcome::Passed
    }
}

#[derive(Debug, Clone)]
pub struct CommandResult {
    pub command: String,
    pub outcome: Outcome,
    pub duration: Duration,
    /// The last `tail_bytes` of stdout and stderr interleaved as written (one shared pipe),
    /// lossily decoded as UTF-8, starting at a character boundary.
    pub tail: String,
    /// Bytes of output dropped before the tail.
    pub dropped_bytes: u64,
}

/// The conventional name of a signal number (`SIGTERM` for 15), for reporting
/// [`Outcome::Signaled`]; `None` for a number this platform does not define.
pub fn signal_name(signal: i32) -> Option<&'static str> {
    Signal::try_from(signal).ok().map(Signal::as_str)
}

/// Runs every spec, at most `jobs` at once (jobs == 0 is treated as 1), and returns the results
/// in the order of `specs`. `on_done(index, &result)` is called as each finishes (for progress);
/// it is called from the calling thread.
pub fn run_all(
    specs: &[CommandSpec],
    jobs: usize,
    mut on_done: impl FnMut(usize, &CommandResult),
) -> Vec<CommandResult> {
    let workers = jobs.clamp(1, specs.len().max(1));
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<CommandResult>> = vec![None; specs.len()];
    thread::scope(|scope| {
        let (tx, rx) = mpsc::channel();
        let work = |tx: mpsc::Sender<(usize, CommandResult)>| {
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(spec) = specs.get(index) else { break };
                if tx.send((index, run(spec))).is_err() {
                    break;
                }
            }
        };
        let mut spawned = 0;
        for _ in 0..workers {
            let tx = tx.clone();
            match thread::Builder::new().spawn_scoped(scope, move || work(tx)) {
                Ok(_) => spawned += 1,
                Err(_) => break,
            }
        }
        if spawned == 0 {
            // Out of threads: still run everything, one at a time, and report at the end.
            work(tx.clone());
        }
        // Only the workers may keep the channel open, so the loop below ends when they do.
        drop(tx);
        for (index, result) in rx {
            on_done(index, &result);
            if let Some(slot) = results.get_mut(index) {
                *slot = Some(result);
            }
        }
    });
    // Every index was claimed by exactly one worker, and a worker that panicked would have
    // made `thread::scope` panic above, so no slot is empty here.
    results.into_iter().flatten().collect()
}

/// One command.
pub fn run(spec: &CommandSpec) -> CommandResult {
    let started = Instant::now();
    let (outcome, tail) = match execute(spec) {
        Ok(done) => done,
        Err(err) => (
            Outcome::SpawnFailed(format!(
                "cannot run `sh -c` in {}: {err}",
                spec.cwd.display()
            )),
            Tail::new(spec.tail_bytes),
        ),
    };
    let (tail, dropped_bytes) = tail.finish();
    CommandResult {
        command: spec.command.clone(),
        outcome,
        duration: started.elapsed(),
        tail,
        dropped_bytes,
    }
}

fn execute(spec: &CommandSpec) -> io::Result<(Outcome, Tail)> {
    let (mut reader, writer) = io::pipe()?;
    // From here on, every way out of this function (an error, a panic) goes through the
    // guard, which kills the group and reaps the shell.
    let mut running = Running::new(spawn(spec, writer)?);

    let tail = Arc::new(Mutex::new(Tail::new(spec.tail_bytes)));
    let (read_done_tx, read_done_rx) = mpsc::channel::<()>();
    let reader_thread = {
        let tail = Arc::clone(&tail);
        thread::Builder::new().spawn(move || {
            drain(&mut reader, &tail);
            let _ = read_done_tx.send(());
        })?
    };

    let (cancel_tx, cancel_rx) = mpsc::channel::<()>();
    let group = running.group;
    let timeout = spec.timeout;
    let timer = thread::Builder::new().spawn(move || match cancel_rx.recv_timeout(timeout) {
        Err(RecvTimeoutError::Timeout) => {
            kill_group(group);
            true
        }
        Ok(()) | Err(RecvTimeoutError::Disconnected) => false,
    })?;

    let status = running.wait();
    drop(cancel_tx);
    // A timer that fired killed the shell, so its status says SIGKILL, not what it was doing.
    let timed_out = timer.join().unwrap_or(false);
    let outcome = if timed_out {
        Outcome::TimedOut
    } else {
        decode(status)
    };

    let tail = match read_done_rx.recv_timeout(OUTPUT_GRACE) {
        Ok(()) | Err(RecvTimeoutError::Disconnected) => {
            let _ = reader_thread.join();
            std::mem::replace(&mut *lock(&tail), Tail::new(0))
        }
        // Something outside the group still holds the pipe. The reader thread is left to
        // end when that process closes it; it only ever writes to a tail no one reads.
        Err(RecvTimeoutError::Timeout) => lock(&tail).clone(),
    };
    Ok((outcome, tail))
}

/// The shell and its process group, cleaned up however `execute` ends.
struct Running {
    child: Child,
    /// `process_group(0)` makes the shell the leader of a new group whose id is its pid.
    group: Option<Pid>,
    reaped: bool,
}

impl Running {
    fn new(child: Child) -> Self {
        let group = i32::try_from(child.id()).ok().map(Pid::from_raw);
        Running {
            child,
            group,
            reaped: false,
        }
    }

    /// Waits for the shell, then kills what is left of its group: background jobs would
    /// otherwise keep running and hold the output pipe open. Killing by the shell's pid after
    /// reaping it is safe: a group id stays reserved while any member is alive, and an empty
    /// group's id could be reused only after the system has gone through every other pid,
    /// not in the microseconds since the reap.
    fn wait(&mut self) -> io::Result<ExitStatus> {
        let status = self.child.wait();
        self.reaped = true;
        kill_group(self.group);
        status
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if !self.reaped {
            kill_group(self.group);
            let _ = self.child.wait();
        }
    }
}

/// Builds and starts the command; the `Command`, and with it the parent's copies of the pipe's
/// write end, is dropped on return so that the reader sees end of file once the command's
/// processes are gone.
fn spawn(spec: &CommandSpec, writer: io::PipeWriter) -> io::Result<Child> {
    let stderr = writer.try_clone()?;
    Command::new("sh")
        .arg("-c")
        .arg(&spec.command)
        .current_dir(&spec.cwd)
        .envs(spec.env.iter().map(|(key, value)| (key, value)))
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(stderr)
        .process_group(0)
        .spawn()
}

fn kill_group(group: Option<Pid>) {
    if let Some(group) = group {
        // ESRCH means nothing is left to kill; there is nothing useful to do about EPERM
        // (a member that changed its user) here.
        let _: Result<(), Errno> = killpg(group, Signal::SIGKILL);
    }
}

fn decode(status: io::Result<ExitStatus>) -> Outcome {
    match status {
        Ok(status) => match (status.code(), status.signal()) {
            (Some(0), _) => Outcome::Passed,
            (Some(code), _) => Outcome::Failed { code },
            (None, Some(signal)) => Outcome::Signaled { signal },
            // `wait` reports only exits and deaths by signal, so this is not expected.
            (None, None) => Outcome::Failed {
                code: status.into_raw(),
            },
        },
        Err(err) => Outcome::SpawnFailed(format!("waiting for the command failed: {err}")),
    }
}

fn drain(reader: &mut io::PipeReader, tail: &Mutex<Tail>) {
    let mut buf = vec![0; READ_CHUNK];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => lock(tail).push(&buf[..n]),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
}

/// A poisoned tail is still a valid tail: `push` cannot leave it half-updated in a way that
/// matters for output shown to a person.
fn lock(tail: &Mutex<Tail>) -> MutexGuard<'_, Tail> {
    tail.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The last `keep` bytes of a stream, and how many came in total.
#[derive(Debug, Clone)]
struct Tail {
    keep: usize,
    buf: Vec<u8>,
    total: u64,
}

impl Tail {
    fn new(keep: usize) -> Self {
        Tail {
            keep,
            buf: Vec::new(),
            total: 0,
        }
    }

    fn push(&mut self, bytes: &[u8]) {
        self.total = self.total.saturating_add(bytes.len() as u64);
        if bytes.len() >= self.keep {
            let start = bytes.len() - self.keep;
            self.buf.clear();
            self.buf.extend_from_slice(&bytes[start..]);
            return;
        }
        self.buf.extend_from_slice(bytes);
        // Letting the buffer grow to about twice `keep` before cutting it back means each byte
        // is moved at most once more on average, while memory stays bounded.
        let slack = self.keep.max(READ_CHUNK);
        if self.buf.len() > self.keep.saturating_add(slack) {
            self.trim();
        }
    }

    fn trim(&mut self) {
        let excess = self.buf.len().saturating_sub(self.keep);
        self.buf.drain(..excess);
    }

    /// The kept text and the number of bytes dropped before it.
    fn finish(mut self) -> (String, u64) {
        self.trim();
        // A cut in the middle of a character would show as a replacement character that the
        // command never printed; a UTF-8 character has at most three continuation bytes.
        if self.total > self.buf.len() as u64 {
            let partial = self
                .buf
                .iter()
                .take(3)
                .take_while(|&&byte| byte & 0b1100_0000 == 0b1000_0000)
                .count();
            self.buf.drain(..partial);
        }
        let dropped = self.total - self.buf.len() as u64;
        (String::from_utf8_lossy(&self.buf).into_owned(), dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn spec(command: &str) -> CommandSpec {
        CommandSpec {
            command: command.to_owned(),
            cwd: std::env::temp_dir(),
            timeout: Duration::from_secs(20),
            tail_bytes: 4096,
            env: Vec::new(),
        }
    }

    /// Whether `pid` is still running anything. A killed process that has not been reaped
    /// is a zombie and counts as gone: orphans are reaped by init, which in some containers
    /// never happens.
    fn running(pid: i32) -> bool {
        if nix::sys::signal::kill(Pid::from_raw(pid), None).is_err() {
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

    /// `run` returns once SIGKILL has been sent to the whole group, but the kernel may need a
    /// moment to tear a process down: it closes its files (ending our read) before it
    /// becomes a zombie.
    fn assert_gone(pid: i32) {
        let deadline = Instant::now() + Duration::from_secs(2);
        while running(pid) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        assert!(!running(pid), "{pid} is still running");
    }

    fn pids_in(file: &Path) -> Vec<i32> {
        std::fs::read_to_string(file)
            .unwrap()
            .split_whitespace()
            .map(|pid| pid.parse().unwrap())
            .collect()
    }

    #[test]
    fn passes_and_keeps_output() {
        let result = run(&spec("echo out; echo err >&2"));
        assert_eq!(result.outcome, Outcome::Passed);
        assert!(result.outcome.is_success());
        assert_eq!(result.tail, "out\nerr\n");
        assert_eq!(result.dropped_bytes, 0);
        assert_eq!(result.command, "echo out; echo err >&2");
    }

    #[test]
    fn stdout_and_stderr_interleave_in_write_order() {
        let result = run(&spec("echo 1; echo 2 >&2; echo 3; echo 4 >&2"));
        assert_eq!(result.tail, "1\n2\n3\n4\n");
    }

    #[test]
    fn reports_the_exit_code() {
        let result = run(&spec("echo no; exit 3"));
        assert_eq!(result.outcome, Outcome::Failed { code: 3 });
        assert!(!result.outcome.is_success());
        assert_eq!(result.tail, "no\n");
    }

    #[test]
    fn reports_a_signal_it_did_not_get_from_us() {
        let result = run(&spec("kill -TERM $$"));
        assert_eq!(result.outcome, Outcome::Signaled { signal: 15 });
        assert_eq!(signal_name(15), Some("SIGTERM"));
        assert_eq!(signal_name(9), Some("SIGKILL"));
        assert_eq!(signal_name(-1), None);
    }

    #[test]
    fn timeout_kills_children_and_grandchildren_fast() {
        let dir = tempfile::tempdir().unwrap();
        let pids = dir.path().join("pids");
        let mut spec = spec(
            "sleep 100 & echo $! >> \"$PIDS\"
             (sleep 100 & echo $! >> \"$PIDS\"; wait) & echo $! >> \"$PIDS\"
             echo started
             sleep 100",
        );
        spec.env
            .push(("PIDS".to_owned(), pids.display().to_string()));
        spec.timeout = Duration::from_millis(700);
        let result = run(&spec);
        assert_eq!(result.outcome, Outcome::TimedOut);
        assert!(result.duration >= Duration::from_millis(700));
        assert!(
            result.duration < Duration::from_millis(2200),
            "{:?}",
            result.duration
        );
        assert_eq!(result.tail, "started\n");
        let pids = pids_in(&pids);
        assert_eq!(pids.len(), 3);
        for pid in pids {
            assert_gone(pid);
        }
    }

    #[test]
    fn background_jobs_are_killed_after_a_normal_exit() {
        let dir = tempfile::tempdir().unwrap();
        let pids = dir.path().join("pids");
        // The first job holds the output pipe; the second does not, so nothing but the kill
        // ends it.
        let mut spec = spec(
            "sleep 100 & echo $! >> \"$PIDS\"
             sleep 100 >/dev/null 2>&1 & echo $! >> \"$PIDS\"
             echo done",
        );
        spec.env
            .push(("PIDS".to_owned(), pids.display().to_string()));
        let result = run(&spec);
        assert_eq!(result.outcome, Outcome::Passed);
        assert_eq!(result.tail, "done\n");
        assert!(
            result.duration < Duration::from_secs(5),
            "{:?}",
            result.duration
        );
        let pids = pids_in(&pids);
        assert_eq!(pids.len(), 2);
        for pid in pids {
            assert_gone(pid);
        }
    }

    #[test]
    fn an_escaped_process_holding_the_pipe_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let pids = dir.path().join("pids");
        // The pid is written only once `setsid` has moved the process out of the group, and
        // the shell waits for it so that the group kill cannot come first.
        let mut spec = spec(
            "setsid sh -c 'echo $$ > \"$PIDS\"; exec sleep 100' &
             until [ -s \"$PIDS\" ]; do sleep 0.01; done
             echo left",
        );
        spec.env
            .push(("PIDS".to_owned(), pids.display().to_string()));
        let result = run(&spec);
        for pid in pids_in(&pids) {
            let _ = nix::sys::signal::kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
        assert_eq!(result.outcome, Outcome::Passed);
        assert_eq!(result.tail, "left\n");
        assert!(result.duration >= OUTPUT_GRACE);
        assert!(result.duration < OUTPUT_GRACE + Duration::from_secs(3));
    }

    #[test]
    fn keeps_only_the_tail_of_megabytes_of_output() {
        let mut spec = spec("yes | head -c 50000000");
        spec.tail_bytes = 1001;
        let result = run(&spec);
        assert_eq!(result.outcome, Outcome::Passed);
        // 50,000,000 bytes of "y\n": the last 1001 start with the newline of a pair.
        assert_eq!(result.tail.len(), 1001);
        assert_eq!(result.tail, format!("\n{}", "y\n".repeat(500)));
        assert_eq!(result.dropped_bytes, 50_000_000 - 1001);
    }

    #[test]
    fn zero_tail_bytes_keeps_nothing_but_counts() {
        let mut spec = spec("printf 12345");
        spec.tail_bytes = 0;
        let result = run(&spec);
        assert_eq!(result.tail, "");
        assert_eq!(result.dropped_bytes, 5);
    }

    #[test]
    fn a_command_reading_stdin_sees_end_of_file() {
        let mut spec = spec("cat; echo eof");
        spec.timeout = Duration::from_secs(10);
        let result = run(&spec);
        assert_eq!(result.outcome, Outcome::Passed);
        assert_eq!(result.tail, "eof\n");
        assert!(
            result.duration < Duration::from_secs(3),
            "{:?}",
            result.duration
        );
    }

    #[test]
    fn a_missing_cwd_fails_to_spawn() {
        let mut spec = spec("true");
        spec.cwd = PathBuf::from("/nonexistent/baton/verify");
        let result = run(&spec);
        let Outcome::SpawnFailed(message) = &result.outcome else {
            panic!("{:?}", result.outcome);
        };
        assert!(message.contains("/nonexistent/baton/verify"), "{message}");
        assert_eq!(result.tail, "");
    }

    #[test]
    fn runs_in_the_given_cwd() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("marker"), "here").unwrap();
        let mut spec = spec("cat marker");
        spec.cwd = dir.path().to_owned();
        assert_eq!(run(&spec).tail, "here");
    }

    #[test]
    fn non_utf8_output_is_decoded_lossily() {
        let result = run(&spec(r"printf 'a\377b'"));
        assert_eq!(result.tail, "a\u{FFFD}b");
    }

    #[test]
    fn the_tail_starts_at_a_character_boundary() {
        // "ééé" is six bytes; the last three start inside the second "é".
        let mut spec = spec(r"printf '\303\251\303\251\303\251'");
        spec.tail_bytes = 3;
        let result = run(&spec);
        assert_eq!(result.tail, "é");
        assert_eq!(result.dropped_bytes, 4);
    }

    #[test]
    fn extra_environment_is_passed_and_the_rest_inherited() {
        let mut spec = spec(r#"printf '%s %s' "$BATON_EXEC_TEST" "${PATH:+path}""#);
        spec.env
            .push(("BATON_EXEC_TEST".to_owned(), "hello there".to_owned()));
        assert_eq!(run(&spec).tail, "hello there path");
    }

    #[test]
    fn tail_matches_a_naive_tail_for_any_chunking() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        for keep in [0, 1, 7, 1000, 65_536, 70_000, 199_999, 200_000, 300_000] {
            for chunk in [1, 13, 4096, 65_536, 100_000] {
                if chunk == 1 && keep > 1000 {
                    continue;
                }
                let mut tail = Tail::new(keep);
                for piece in data.chunks(chunk) {
                    tail.push(piece);
                    assert!(tail.buf.len() <= keep + keep.max(READ_CHUNK) + chunk);
                }
                tail.trim();
                let expected = &data[data.len() - keep.min(data.len())..];
                assert_eq!(tail.buf, expected, "keep {keep}, chunk {chunk}");
                assert_eq!(tail.total, data.len() as u64);
            }
        }
    }

    #[test]
    fn run_all_returns_results_in_spec_order_and_reports_on_the_calling_thread() {
        // Later specs finish first.
        let specs: Vec<_> = (0..4)
            .map(|i| spec(&format!("sleep 0.{}; echo {i}", 4 - i)))
            .collect();
        let caller = thread::current().id();
        let mut seen = Vec::new();
        let results = run_all(&specs, 4, |index, result| {
            assert_eq!(thread::current().id(), caller);
            assert_eq!(result.tail, format!("{index}\n"));
            seen.push(index);
        });
        let tails: Vec<_> = results.iter().map(|r| r.tail.as_str()).collect();
        assert_eq!(tails, ["0\n", "1\n", "2\n", "3\n"]);
        let mut sorted = seen.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, [0, 1, 2, 3]);
        assert_eq!(
            seen.first(),
            Some(&3),
            "progress comes in finishing order: {seen:?}"
        );
    }

    #[test]
    fn run_all_runs_at_most_jobs_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        let specs: Vec<_> = (0..8)
            .map(|_| {
                let mut spec = spec("echo + >> \"$LOG\"; sleep 0.3; echo - >> \"$LOG\"");
                spec.env.push(("LOG".to_owned(), log.display().to_string()));
                spec
            })
            .collect();
        let started = Instant::now();
        let results = run_all(&specs, 4, |_, _| {});
        let elapsed = started.elapsed();
        assert!(results.iter().all(|r| r.outcome == Outcome::Passed));
        let (mut now, mut most) = (0i32, 0i32);
        for line in std::fs::read_to_string(&log).unwrap().lines() {
            now += if line == "+" { 1 } else { -1 };
            most = most.max(now);
        }
        assert!((2..=4).contains(&most), "{most} at once");
        // Two rounds of four; one at a time would take 2.4 s.
        assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(2000), "{elapsed:?}");
    }

    #[test]
    fn run_all_treats_zero_jobs_as_one() {
        let specs = vec![spec("sleep 0.2"); 3];
        let started = Instant::now();
        let results = run_all(&specs, 0, |_, _| {});
        assert_eq!(results.len(), 3);
        assert!(started.elapsed() >= Duration::from_millis(600));
        assert!(run_all(&[], 4, |_, _| unreachable!()).is_empty());
    }
}
