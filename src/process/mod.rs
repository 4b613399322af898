//! The process supervisor: every child baton starts, and the promise that none outlives it.
//!
//! baton runs programs it does not trust to behave: verify commands from a plan, and agent
//! sessions that run for hours. Each child gets hard limits rather than trust. It runs in a
//! process group of its own, so that a timeout, a kill or an interruption reaches everything
//! it started; its stdin is never baton's (`/dev/null`, or a pipe the caller owns), so it
//! cannot steal a terminal or wait for one that is not there; its output is kept as a bounded
//! tail or written to a file; and whatever it left in its group is killed when it exits,
//! because a background grandchild would otherwise hold the output pipe open forever.
//!
//! A [`Supervisor`] keeps a registry of every live group. [`Supervisor::cancel`] (called by
//! the signal thread of [`signals`] on SIGINT or SIGTERM) stops them all — SIGTERM, a short
//! grace, then SIGKILL — and from then on refuses to start anything, so the loops that start
//! children see the cancellation as [`SpawnError::Cancelled`] or by asking
//! [`Supervisor::cancellation`]. The process-wide registry is [`Supervisor::global`]; tests
//! make their own.
//!
//! Nothing polls: a waiting thread blocks in `wait`, one thread drains the output pipe, and a
//! timer sleeps on a condition variable until the timeout or until the child is done.
//!
//! Only what stays in the child's process group can be killed: a process that moves to a
//! session or group of its own (`setsid`, `set -m`, a daemon) is out of reach. If such a
//! process keeps the output pipe open, the output is read for [`OUTPUT_GRACE`] only.
//!
//! This module prints nothing and knows nothing of plans; `verify::exec` builds its
//! `sh -c` commands on top of it.

mod child;
pub mod host;
mod output;
pub mod signals;

use std::fmt;
use std::io;
use std::process::Child;
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

pub use child::{Exit, Finished, Input, Killer, Output, Running, SpawnError, Spec};
pub use output::{Captured, OUTPUT_GRACE};

/// How long a group that is being stopped gets between SIGTERM and SIGKILL, unless its
/// [`Spec`] says otherwise. Short: a verify command that timed out must die fast, and a shell
/// or a test runner dies at once on SIGTERM anyway; only a program that handles SIGTERM to
/// clean up uses the time.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(1);

/// Why a supervisor stopped everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancel {
    /// baton received this signal (SIGINT is 2, SIGTERM 15).
    Signal(i32),
    /// The program asked for it.
    Requested,
}

impl fmt::Display for Cancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cancel::Signal(signal) => match Signal::try_from(*signal) {
                Ok(signal) => write!(f, "interrupted by {}", signal.as_str()),
                Err(_) => write!(f, "interrupted by signal {signal}"),
            },
            Cancel::Requested => f.write_str("cancelled"),
        }
    }
}

/// A registry of live process groups that can all be stopped at once. Cloning shares it.
#[derive(Debug, Clone, Default)]
pub struct Supervisor {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    cancelled: OnceLock<Cancel>,
    live: Mutex<Vec<Arc<Group>>>,
    /// Notified whenever a group leaves `live`.
    left: Condvar,
}

static GLOBAL: LazyLock<Supervisor> = LazyLock::new(Supervisor::new);

impl Supervisor {
    pub fn new() -> Self {
        Supervisor::default()
    }

    /// The supervisor of every child this process starts outside tests, the one the signal
    /// handler of [`signals::cancel_on_signals`] stops.
    pub fn global() -> &'static Supervisor {
        &GLOBAL
    }

    /// Why everything was stopped, if it was: once cancelled, a supervisor stays cancelled.
    pub fn cancellation(&self) -> Option<Cancel> {
        self.inner.cancelled.get().copied()
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancellation().is_some()
    }

    /// The process group ids of the children started and not yet finished.
    pub fn live_groups(&self) -> Vec<i32> {
        lock(&self.inner.live)
            .iter()
            .map(|group| group.pgid.as_raw())
            .collect()
    }

    /// Starts `spec` in a new process group and registers it, unless the supervisor was
    /// cancelled. A spawn and a cancellation never cross: either the child is registered
    /// before the cancellation stops every registered group, or it is never started.
    pub fn spawn(&self, spec: &Spec) -> Result<Running, SpawnError> {
        child::spawn(self, spec)
    }

    /// Stops every live group — SIGTERM, then SIGKILL to what is left after the longest
    /// grace among them — and refuses every later spawn. Blocks for up to that grace. The
    /// first reason given is the one [`Supervisor::cancellation`] keeps.
    pub fn cancel(&self, why: Cancel) {
        let _ = self.inner.cancelled.set(why);
        let grace = {
            let live = lock(&self.inner.live);
            for group in live.iter() {
                group.signal(Some(Stop::Cancelled), Signal::SIGTERM);
            }
            live.iter().map(|group| group.grace).max()
        };
        let Some(grace) = grace else { return };
        let live = lock(&self.inner.live);
        let (live, _) = self
            .inner
            .left
            .wait_timeout_while(live, grace, |live| !live.is_empty())
            .unwrap_or_else(PoisonError::into_inner);
        for group in live.iter() {
            group.signal(Some(Stop::Cancelled), Signal::SIGKILL);
        }
    }

    /// Like [`Supervisor::cancel`] but SIGKILL at once, without a grace (a second
    /// interruption).
    pub fn kill_all(&self, why: Cancel) {
        let _ = self.inner.cancelled.set(why);
        for group in lock(&self.inner.live).iter() {
            group.signal(Some(Stop::Cancelled), Signal::SIGKILL);
        }
    }

    /// Runs `spawn` under the registry's lock and registers the child's group.
    fn register(
        &self,
        grace: Duration,
        spawn: impl FnOnce() -> Result<Child, SpawnError>,
    ) -> Result<(Child, Arc<Group>), SpawnError> {
        let mut live = lock(&self.inner.live);
        if let Some(why) = self.cancellation() {
            return Err(SpawnError::Cancelled(why));
        }
        let mut child = spawn()?;
        // `process_group(0)` makes the child the leader of a new group whose id is its pid.
        let Ok(pid) = i32::try_from(child.id()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(SpawnError::Start(io::Error::other(
                "process id out of range",
            )));
        };
        let group = Arc::new(Group::new(Pid::from_raw(pid), grace));
        live.push(Arc::clone(&group));
        Ok((child, group))
    }

    fn deregister(&self, group: &Arc<Group>) {
        lock(&self.inner.live).retain(|live| !Arc::ptr_eq(live, group));
        self.inner.left.notify_all();
    }
}

/// Why a group was stopped by baton rather than ending by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    TimedOut,
    Cancelled,
    Killed,
}

/// One child's process group, shared by the child's handle, its timer, its [`Killer`]s and
/// the registry.
#[derive(Debug)]
struct Group {
    pgid: Pid,
    grace: Duration,
    state: Mutex<GroupState>,
    /// Notified when the group is done.
    changed: Condvar,
}

#[derive(Debug, Default)]
struct GroupState {
    /// The leader was reaped and the rest of the group killed: the id may not be signalled
    /// any more.
    done: bool,
    stopped: Option<Stop>,
}

impl Group {
    fn new(pgid: Pid, grace: Duration) -> Self {
        Group {
            pgid,
            grace,
            state: Mutex::new(GroupState::default()),
            changed: Condvar::new(),
        }
    }

    /// Sends `signal` to the whole group unless it is done, noting why it was stopped (the
    /// first reason wins). Returns whether the group was still there to signal.
    fn signal(&self, why: Option<Stop>, signal: Signal) -> bool {
        let mut state = lock(&self.state);
        if state.done {
            return false;
        }
        if state.stopped.is_none() {
            state.stopped = why;
        }
        kill_group(self.pgid, signal);
        true
    }

    /// SIGTERM, up to the grace for the leader to exit, then SIGKILL.
    fn stop(&self, why: Stop) {
        if !self.signal(Some(why), Signal::SIGTERM) {
            return;
        }
        let state = lock(&self.state);
        let (state, _) = self
            .changed
            .wait_timeout_while(state, self.grace, |state| !state.done)
            .unwrap_or_else(PoisonError::into_inner);
        // Signalled while the lock is held, so `done` cannot turn true in between.
        if !state.done {
            kill_group(self.pgid, Signal::SIGKILL);
        }
    }

    /// Stops the group if it is not done within `timeout`.
    fn expire_after(&self, timeout: Duration) {
        let state = lock(&self.state);
        let (state, _) = self
            .changed
            .wait_timeout_while(state, timeout, |state| !state.done)
            .unwrap_or_else(PoisonError::into_inner);
        if state.done {
            return;
        }
        drop(state);
        self.stop(Stop::TimedOut);
    }

    /// Called once the leader has been reaped: kills what is left of the group, which would
    /// otherwise keep running and hold the output pipe open. Killing by the leader's pid after
    /// reaping it is safe: a group id stays reserved while any member is alive, and an empty
    /// group's id could be reused only after the system has gone through every other pid,
    /// not in the microseconds since the reap.
    fn finish(&self) {
        let mut state = lock(&self.state);
        if !state.done {
            kill_group(self.pgid, Signal::SIGKILL);
            state.done = true;
        }
        self.changed.notify_all();
    }

    fn stopped(&self) -> Option<Stop> {
        lock(&self.state).stopped
    }
}

fn kill_group(group: Pid, signal: Signal) {
    // ESRCH means nothing is left to kill; there is nothing useful to do about EPERM (a
    // member that changed its user) here.
    let _: Result<(), Errno> = killpg(group, signal);
}

/// A poisoned registry or group state is still valid: every update is a single assignment.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests;
