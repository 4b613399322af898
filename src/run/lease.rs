//! The leases of a run's claims, renewed while it runs.
//!
//! Every unit's tasks are claimed under `run-<run>/<session>` before anything starts. The
//! lease is short ([`DEFAULT_LEASE`]): a baton that dies leaves claims that soon expire, so
//! nothing stays locked for hours. While the run goes on, a renewer thread extends every
//! claim the run's sessions still hold every third of the lease, so a session running far
//! longer than the lease never loses its tasks to an expiry. Renewals go through the claims
//! backend ([`crate::state::ClaimStore`]), so they reach the git remote under `claims = "git"`.

use std::sync::mpsc;
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
    std::env::var(LEASE_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .map_or(DEFAULT_LEASE, Duration::from_secs)
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
