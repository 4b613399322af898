//! Where a session's agent runs: the interface between a run and the machine.
//!
//! A run decides everything (which unit, which worktree, which argv and environment) and then
//! hands the session's [`Spec`] to an [`Executor`], which starts it and later reports how it
//! ended. Two sit behind the interface: [`Local`], a child process of baton under the process
//! supervisor (its own group, killed with everything it started on timeout or Ctrl-C), and
//! [`super::slurm::Slurm`], a batch job of a Slurm cluster. The gate, the merge and the state
//! never know which ran the session: the worktree is on a path both see, and the branch is
//! the result.
//!
//! A third executor (a Kubernetes Job, docs/run.md "Executors") implements the same two
//! steps: `start` submits and returns a handle naming the job; `wait` follows it until it
//! ends, stops it when the supervisor is cancelled or the timeout passes, and maps its end to
//! an [`Exit`].

use std::time::Duration;

use crate::config::ExecutorKind;
use crate::process::{Exit, Finished, SpawnError, Spec, Supervisor};

/// Starts sessions.
pub trait Executor: Send + Sync {
    /// Starts the session `spec` describes; `name` names it where the executor shows names
    /// (a job name), e.g. `baton-run-3-session-1-2`.
    fn start(&self, spec: &Spec, name: &str) -> Result<Box<dyn Started>, StartError>;
}

/// A session started by an [`Executor`].
pub trait Started: Send {
    /// What identifies it: a process id, a job id.
    fn id(&self) -> u32;
    /// Waits until it ends; after `timeout` it is stopped. When the supervisor is cancelled
    /// (Ctrl-C) it is stopped too and the exit is [`Exit::Cancelled`].
    fn wait(self: Box<Self>, timeout: Option<Duration>) -> Finished;
}

/// Why a session did not start.
#[derive(Debug)]
pub enum StartError {
    /// The run is being stopped: nothing new starts.
    Cancelled,
    /// The executor refused or failed; the message says why.
    Failed(String),
}

/// The executor of a kind, over the run's supervisor.
pub fn for_kind(
    kind: ExecutorKind,
    supervisor: &Supervisor,
    partition: Option<&str>,
) -> Box<dyn Executor> {
    match kind {
        ExecutorKind::Local => Box::new(Local {
            supervisor: supervisor.clone(),
        }),
        ExecutorKind::Slurm => Box::new(super::slurm::Slurm::new(
            supervisor.clone(),
            partition.map(str::to_owned),
        )),
    }
}

/// Child processes of baton, on this machine.
#[derive(Debug)]
pub struct Local {
    supervisor: Supervisor,
}

impl Executor for Local {
    fn start(&self, spec: &Spec, _name: &str) -> Result<Box<dyn Started>, StartError> {
        match self.supervisor.spawn(spec) {
            Ok(running) => Ok(Box::new(running)),
            Err(SpawnError::Cancelled(_)) => Err(StartError::Cancelled),
            Err(e) => Err(StartError::Failed(e.to_string())),
        }
    }
}

impl Started for crate::process::Running {
    fn id(&self) -> u32 {
        self.pid()
    }

    fn wait(self: Box<Self>, timeout: Option<Duration>) -> Finished {
        crate::process::Running::wait(*self, timeout)
    }
}

/// An exit nobody could wait for, in the shape of a finished session.
pub(super) fn failed(why: String, duration: Duration) -> Finished {
    Finished {
        exit: Exit::WaitFailed(why),
        duration,
        output: Default::default(),
    }
}
