//! The leases of a run's claims, renewed while it runs.
//!
//! Every unit's tasks are claimed under `run-<run>/<session>` before anything starts. The
//! lease is short ([`DEFAULT_LEASE`]): a baton that dies leaves claims that soon expire, so
//! nothing stays locked for hours. While the run goes on, a renewer thread extends every
//! claim the run's sessions still hold every third of the lease, so a session running far
//! longer than the lease never loses its tasks to an expiry. Renewals go through the claims
//! backend ([`crate::state::ClaimStore`]), so they reach the git remote under `claims = "git"`.
//!
//! The run itself says it is alive the same way: a [`Heartbeat`] records in the state, every
//! [`crate::state::heartbeat`], that this baton still drives the run, so a machine that
//! shares the state can tell a live run from one whose baton died (src/state/driver.rs).

use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::ops::Project;
use crate::state::Lease;

/// A claim's lease during a run, renewed every third of it.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(15 * 60);

/// Sets the lease in seconds instead of [`DEFAULT_LEASE`] (tests: a lease shorter than an
/// agent's run; docs/testing.md).
pub const LEASE_ENV: &str = "BATON_RUN_LEASE_SECS";

/// The lease a run's claims get.
pub fn lease() -> Duration {
    crate::state::seconds_from_env(LEASE_ENV, DEFAULT_LEASE)
}

/// Renews, every third of `lease`, the claims of each of `owners` until `stop` is dropped
/// (or sends). Runs on a thread of its own; a failed renewal is tried again at the next
/// tick (claims are also taken again before each attempt).
pub fn renew_until(
    project: &Project,
    owners: &[String],
    lease: Duration,
    stop: &mpsc::Receiver<()>,
) {
    let period = (lease / 3).max(Duration::from_millis(100));
    loop {
        match stop.recv_timeout(period) {
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            _ => return,
        }
        // Opened afresh each time: the git backend then renews on the claims as they are now.
        let Ok(store) = project.claim_store() else {
            continue;
        };
        let fresh = Lease::from_now(lease);
        for owner in owners {
            let _ = store.renew(owner, None, &fresh);
        }
    }
}

/// Records run `run`'s heartbeat on a thread of its own until dropped.
#[derive(Debug)]
pub struct Heartbeat {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Heartbeat {
    /// Starts beating for `run` of `project`'s plan every [`crate::state::heartbeat`]. A beat
    /// that fails (the server restarting, the database busy) is tried at the next one.
    pub fn start(project: &Project, run: i64) -> Heartbeat {
        let project = Project::new(project.path.clone(), project.shown.clone());
        let period = crate::state::heartbeat();
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let mut store = None;
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(period) {
                if store.is_none() {
                    store = project.state().ok();
                }
                if let Some(state) = &store {
                    // False: another baton took the run over; there is nothing left to say.
                    if let Ok(false) = state.beat_run(run) {
                        return;
                    }
                }
            }
        });
        Heartbeat {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
