//! Runs a task's verify commands for `baton verify`.
//!
//! Verify commands are arbitrary shell from the plan, run from CI jobs and agent hooks that
//! must not hang and must not leave strays behind. Each runs as `sh -c <command>` under the
//! [`process`](crate::process) supervisor, which gives it the hard limits: stdin `/dev/null`,
//! a process group of its own killed at the timeout and after the command exits, and its
//! output kept as a bounded tail. What is verify's own lives here: the shell line, the
//! `BATON_TASK` environment, running several at once, and how a command's end reads as
//! evidence ([`Outcome`]).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use crate::process::{self, Exit, Output, SpawnError, Supervisor};

pub use crate::process::OUTPUT_GRACE;

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
    /// baton was interrupted (SIGINT, SIGTERM) while the command ran or before it started;
    /// its process group was killed. Proves nothing about the task.
    Cancelled,
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

/// Runs every spec under the process-wide supervisor ([`Supervisor::global`]); see
/// [`run_all_in`].
pub fn run_all(
    specs: &[CommandSpec],
    jobs: usize,
    on_done: impl FnMut(usize, &CommandResult),
) -> Vec<CommandResult> {
    run_all_in(Supervisor::global(), specs, jobs, on_done)
}

/// Runs every spec, at most `jobs` at once (jobs == 0 is treated as 1), and returns the results
/// in the order of `specs`. `on_done(index, &result)` is called as each finishes (for progress);
/// it is called from the calling thread. Once `supervisor` is cancelled the running commands
/// are killed by it and the rest are not started: they come back [`Outcome::Cancelled`].
pub fn run_all_in(
    supervisor: &Supervisor,
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
                let result = if supervisor.is_cancelled() {
                    cancelled(spec)
                } else {
                    run_in(supervisor, spec)
                };
                if tx.send((index, result)).is_err() {
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

/// One command, under the process-wide supervisor.
pub fn run(spec: &CommandSpec) -> CommandResult {
    run_in(Supervisor::global(), spec)
}

/// One command, under `supervisor`.
pub fn run_in(supervisor: &Supervisor, spec: &CommandSpec) -> CommandResult {
    let started = Instant::now();
    let mut process = process::Spec::new("sh", &spec.cwd)
        .arg("-c")
        .arg(&spec.command)
        .output(Output::Tail(spec.tail_bytes));
    for (key, value) in &spec.env {
        process = process.env(key, value);
    }
    let (outcome, output) = match supervisor.spawn(&process) {
        Ok(child) => {
            let finished = child.wait(Some(spec.timeout));
            (outcome(finished.exit), finished.output)
        }
        Err(SpawnError::Cancelled(_)) => (Outcome::Cancelled, Default::default()),
        Err(err) => (
            Outcome::SpawnFailed(format!(
                "cannot run `sh -c` in {}: {err}",
                spec.cwd.display()
            )),
            Default::default(),
        ),
    };
    CommandResult {
        command: spec.command.clone(),
        outcome,
        duration: started.elapsed(),
        tail: output.tail,
        dropped_bytes: output.dropped_bytes,
    }
}

fn cancelled(spec: &CommandSpec) -> CommandResult {
    CommandResult {
        command: spec.command.clone(),
        outcome: Outcome::Cancelled,
        duration: Duration::ZERO,
        tail: String::new(),
        dropped_bytes: 0,
    }
}

fn outcome(exit: Exit) -> Outcome {
    match exit {
        Exit::Exited(0) => Outcome::Passed,
        Exit::Exited(code) => Outcome::Failed { code },
        Exit::Signaled(signal) => Outcome::Signaled { signal },
        Exit::TimedOut => Outcome::TimedOut,
        Exit::Cancelled | Exit::Killed => Outcome::Cancelled,
        Exit::WaitFailed(why) => Outcome::SpawnFailed(why),
    }
}

#[cfg(test)]
mod tests {
    //! The process machinery (groups, timeouts, output tails) is tested in `process`; these
    //! test what verify adds.

    use super::*;

    fn spec(command: &str) -> CommandSpec {
        CommandSpec {
            command: command.to_owned(),
            cwd: std::env::temp_dir(),
            timeout: Duration::from_secs(20),
            tail_bytes: 4096,
            env: Vec::new(),
        }
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
    fn a_timeout_is_reported_as_such_and_kills_fast() {
        let mut spec = spec("echo started; sleep 100");
        spec.timeout = Duration::from_millis(500);
        let result = run(&spec);
        assert_eq!(result.outcome, Outcome::TimedOut);
        assert_eq!(result.tail, "started\n");
        assert!(result.duration >= Duration::from_millis(500));
        assert!(
            result.duration < Duration::from_millis(2000),
            "{:?}",
            result.duration
        );
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
    fn extra_environment_is_passed_and_the_rest_inherited() {
        let mut spec = spec(r#"printf '%s %s' "$BATON_EXEC_TEST" "${PATH:+path}""#);
        spec.env
            .push(("BATON_EXEC_TEST".to_owned(), "hello there".to_owned()));
        assert_eq!(run(&spec).tail, "hello there path");
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

    #[test]
    fn a_cancel_stops_the_running_commands_and_starts_no_more() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        let specs: Vec<_> = (0..4)
            .map(|i| {
                let mut spec = spec(&format!("echo {i} >> \"$LOG\"; sleep 100"));
                spec.env.push(("LOG".to_owned(), log.display().to_string()));
                spec
            })
            .collect();
        let supervisor = Supervisor::new();
        let started = Instant::now();
        let results = thread::scope(|scope| {
            scope.spawn(|| {
                while std::fs::read_to_string(&log).map_or(0, |l| l.lines().count()) < 2 {
                    thread::sleep(Duration::from_millis(10));
                }
                supervisor.cancel(process::Cancel::Requested);
            });
            run_all_in(&supervisor, &specs, 2, |_, _| {})
        });
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(results.len(), 4);
        assert!(results.iter().all(|r| r.outcome == Outcome::Cancelled));
        // Only the first two were ever started.
        assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 2);
    }
}
