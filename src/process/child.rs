//! One supervised child: what to start ([`Spec`]), the handle while it runs ([`Running`]),
//! and how it ended ([`Finished`]).

use std::ffi::{OsStr, OsString};
use std::fs::OpenOptions;
use std::io;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use super::output::{Capture, Captured};
use super::{Cancel, DEFAULT_GRACE, Group, Stop, Supervisor};

/// A program to start: an argv, never a shell line (callers that want a shell say `sh -c`).
#[derive(Debug, Clone)]
pub struct Spec {
    pub program: OsString,
    pub args: Vec<OsString>,
    /// Working directory.
    pub cwd: PathBuf,
    /// Extra environment variables (the rest is inherited).
    pub env: Vec<(OsString, OsString)>,
    pub stdin: Input,
    pub output: Output,
    /// Between SIGTERM and SIGKILL when the child is stopped.
    pub grace: Duration,
}

impl Spec {
    /// `program` in `cwd`, stdin `/dev/null`, output discarded, [`DEFAULT_GRACE`].
    pub fn new(program: impl AsRef<OsStr>, cwd: impl AsRef<Path>) -> Spec {
        Spec {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            cwd: cwd.as_ref().to_owned(),
            env: Vec::new(),
            stdin: Input::Null,
            output: Output::Null,
            grace: DEFAULT_GRACE,
        }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Spec {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Spec {
        self.env
            .push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    pub fn stdin(mut self, stdin: Input) -> Spec {
        self.stdin = stdin;
        self
    }

    pub fn output(mut self, output: Output) -> Spec {
        self.output = output;
        self
    }

    pub fn grace(mut self, grace: Duration) -> Spec {
        self.grace = grace;
        self
    }
}

/// The child's stdin. Never baton's own: a child must not read a terminal baton was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Input {
    /// `/dev/null`: a read sees end of file at once.
    #[default]
    Null,
    /// A pipe whose writing end the caller takes with [`Running::take_stdin`].
    Piped,
}

/// Where the child's stdout and stderr go (both to the same place, interleaved as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Discarded.
    Null,
    /// Kept as the last this-many bytes, in [`Finished::output`].
    Tail(usize),
    /// Appended to this file (created if missing).
    File(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum SpawnError {
    /// The supervisor was cancelled: nothing new is started.
    #[error("not started: {0}")]
    Cancelled(Cancel),
    /// The program could not be started (not found, a bad working directory…).
    #[error("{0}")]
    Start(io::Error),
    #[error("cannot open {}: {source}", path.display())]
    OutputFile { path: PathBuf, source: io::Error },
}

/// How a child ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// Exited by itself with this code.
    Exited(i32),
    /// Killed by a signal it did not get from the supervisor.
    Signaled(i32),
    /// Ran past the timeout given to [`Running::wait`]; its group was stopped.
    TimedOut,
    /// Its supervisor was cancelled while it ran; its group was stopped.
    Cancelled,
    /// Stopped through a [`Killer`].
    Killed,
    /// Waiting for it failed (not expected); its group was killed.
    WaitFailed(String),
}

/// A finished child.
#[derive(Debug, Clone)]
pub struct Finished {
    pub exit: Exit,
    /// From the spawn to the reap.
    pub duration: Duration,
    /// Empty unless the output was [`Output::Tail`].
    pub output: Captured,
}

/// A live child. Dropping it without [`Running::wait`] kills its group and reaps it, so a
/// child never outlives its handle.
#[derive(Debug)]
pub struct Running {
    child: Child,
    group: Arc<Group>,
    supervisor: Supervisor,
    capture: Option<Capture>,
    started: Instant,
    reaped: bool,
}

/// Stops a child from another thread (SIGTERM, grace, SIGKILL to its group).
#[derive(Debug, Clone)]
pub struct Killer {
    group: Arc<Group>,
}

impl Killer {
    /// Blocks for up to the child's grace. Does nothing to a child that is already done.
    pub fn kill(&self) {
        self.group.stop(Stop::Killed);
    }
}

pub(super) fn spawn(supervisor: &Supervisor, spec: &Spec) -> Result<Running, SpawnError> {
    let (stdout, stderr, reader) = match &spec.output {
        Output::Null => (Stdio::null(), Stdio::null(), None),
        Output::Tail(keep) => {
            let (reader, writer) = io::pipe().map_err(SpawnError::Start)?;
            let stderr = writer.try_clone().map_err(SpawnError::Start)?;
            (writer.into(), stderr.into(), Some((reader, *keep)))
        }
        Output::File(path) => {
            let opened = OpenOptions::new().create(true).append(true).open(path);
            let file = opened.map_err(|source| SpawnError::OutputFile {
                path: path.clone(),
                source,
            })?;
            let stderr = file.try_clone().map_err(SpawnError::Start)?;
            (file.into(), stderr.into(), None)
        }
    };
    let stdin = match spec.stdin {
        Input::Null => Stdio::null(),
        Input::Piped => Stdio::piped(),
    };
    let mut command = Command::new(&spec.program);
    command
        .args(&spec.args)
        .current_dir(&spec.cwd)
        .envs(spec.env.iter().map(|(key, value)| (key, value)))
        .stdin(stdin)
        .stdout(stdout)
        .stderr(stderr)
        .process_group(0);
    let (child, group) =
        supervisor.register(spec.grace, || command.spawn().map_err(SpawnError::Start))?;
    // The `Command` holds the parent's copies of the pipe's write end: without them the
    // reader sees end of file once the child's processes are gone.
    drop(command);
    // From here on, every way out (an error, a panic) goes through `Running`'s drop, which
    // kills the group and reaps the child.
    let mut running = Running {
        child,
        group,
        supervisor: supervisor.clone(),
        capture: None,
        started: Instant::now(),
        reaped: false,
    };
    if let Some((reader, keep)) = reader {
        running.capture = Some(Capture::start(reader, keep).map_err(SpawnError::Start)?);
    }
    Ok(running)
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The writing end of the child's stdin, for [`Input::Piped`] (once).
    pub fn take_stdin(&mut self) -> Option<ChildStdin> {
        self.child.stdin.take()
    }

    pub fn killer(&self) -> Killer {
        Killer {
            group: Arc::clone(&self.group),
        }
    }

    /// Waits until the child exits, its supervisor is cancelled, a [`Killer`] stops it, or
    /// `timeout` passes (then its group is stopped). Whatever the child left in its group is
    /// killed before this returns.
    pub fn wait(mut self, timeout: Option<Duration>) -> Finished {
        let timer = match timeout {
            None => None,
            Some(timeout) => {
                let group = Arc::clone(&self.group);
                let spawned = thread::Builder::new()
                    .name("baton-timeout".into())
                    .spawn(move || group.expire_after(timeout));
                match spawned {
                    Ok(timer) => Some(timer),
                    Err(err) => {
                        return self.abandon(format!("cannot start a timeout thread: {err}"));
                    }
                }
            }
        };
        let status = self.child.wait();
        self.reap();
        // A timer that fired killed the child, so its status says SIGTERM or SIGKILL, not
        // what it was doing: the reason the group was stopped wins.
        if let Some(timer) = timer {
            let _ = timer.join();
        }
        let exit = match self.group.stopped() {
            Some(Stop::TimedOut) => Exit::TimedOut,
            Some(Stop::Cancelled) => Exit::Cancelled,
            Some(Stop::Killed) => Exit::Killed,
            None => decode(status),
        };
        self.finished(exit)
    }

    /// Kills the group and reports why.
    fn abandon(mut self, why: String) -> Finished {
        self.group.signal(None, Signal::SIGKILL);
        let _ = self.child.wait();
        self.reap();
        self.finished(Exit::WaitFailed(why))
    }

    /// After the leader was reaped: the rest of the group goes, and so does the registration.
    fn reap(&mut self) {
        self.reaped = true;
        self.group.finish();
        self.supervisor.deregister(&self.group);
    }

    fn finished(mut self, exit: Exit) -> Finished {
        let output = self.capture.take().map(Capture::finish).unwrap_or_default();
        Finished {
            exit,
            duration: self.started.elapsed(),
            output,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if !self.reaped {
            self.group.signal(None, Signal::SIGKILL);
            let _ = self.child.wait();
            self.reap();
        }
    }
}

fn decode(status: io::Result<ExitStatus>) -> Exit {
    match status {
        Ok(status) => match (status.code(), status.signal()) {
            (Some(code), _) => Exit::Exited(code),
            (None, Some(signal)) => Exit::Signaled(signal),
            // `wait` reports only exits and deaths by signal, so this is not expected.
            (None, None) => Exit::Exited(status.into_raw()),
        },
        Err(err) => Exit::WaitFailed(format!("waiting for the command failed: {err}")),
    }
}
