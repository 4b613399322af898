//! Who drives a run, and whether it still does.
//!
//! A run records the baton process driving it: its pid, the machine and boot it runs on
//! ([`crate::process::host::host_id`]), and a heartbeat (`seen_at`) the driver writes every
//! [`heartbeat`] while it runs. On the driver's own machine the pid decides, at once: a
//! killed baton is seen as gone the moment it dies. From another machine (the state on a
//! PostgreSQL server) the pid means nothing, so the heartbeat decides: the driver counts as
//! alive until [`STALE_BEATS`] beats have gone by without one. `baton run --resume` refuses a
//! run that is alive, and `baton status` shows it running, by this one rule.

use std::time::Duration;

use super::db::args;
use super::time::{rfc3339_from_unix, unix_from_rfc3339, unix_now};
use super::{StateError, StateStore};
use crate::process::host;

/// How often a run's baton says it is alive, unless [`HEARTBEAT_ENV`] says otherwise.
pub const DEFAULT_HEARTBEAT: Duration = Duration::from_secs(10);

/// Sets the heartbeat in seconds (tests; docs/testing.md).
pub const HEARTBEAT_ENV: &str = "BATON_RUN_HEARTBEAT_SECS";

/// Beats missed before a driver on another machine counts as gone. Machines' clocks must
/// agree to within a few beats (docs/scaling.md).
pub const STALE_BEATS: u32 = 6;

/// The heartbeat period of a run.
pub fn heartbeat() -> Duration {
    super::seconds_from_env(HEARTBEAT_ENV, DEFAULT_HEARTBEAT)
}

/// The baton process recorded as driving a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Driver {
    pub pid: Option<u32>,
    /// [`host::host_id`] of its machine; None for a run recorded before baton kept it.
    pub host: Option<String>,
    /// Its last heartbeat (RFC 3339, the driver's clock).
    pub seen_at: Option<String>,
}

/// Another machine driving a run, and how long ago its baton was last heard from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct DrivenFrom {
    pub host: String,
    pub heard_seconds_ago: i64,
}

/// Whether a recorded driver is alive, as seen from machine `here` at `now` (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Liveness {
    /// Its baton process runs on this machine.
    Here { pid: u32 },
    /// Another machine drives it, and its last beat was that long before now.
    Elsewhere(DrivenFrom),
    /// Its baton is gone: a dead pid here, or no beat from the other machine for too long.
    Gone,
    /// Nothing tells (no pid, or no `/proc` to check it in).
    Unknown,
}

impl Liveness {
    /// Whether the run has a live baton; None when nothing tells.
    pub fn alive(&self) -> Option<bool> {
        match self {
            Liveness::Here { .. } | Liveness::Elsewhere(_) => Some(true),
            Liveness::Gone => Some(false),
            Liveness::Unknown => None,
        }
    }
}

impl Driver {
    /// Judges the driver from machine `here` at `now` with heartbeat period `beat`.
    pub fn liveness(&self, here: &str, now: i64, beat: Duration) -> Liveness {
        match self.host.as_deref() {
            Some(host) if host != here => {
                let stale = i64::try_from((beat * STALE_BEATS).as_secs()).unwrap_or(i64::MAX);
                match self.seen_at.as_deref().and_then(unix_from_rfc3339) {
                    Some(seen) if now - seen <= stale => Liveness::Elsewhere(DrivenFrom {
                        host: host::host_name_of(host).to_string(),
                        heard_seconds_ago: (now - seen).max(0),
                    }),
                    _ => Liveness::Gone,
                }
            }
            // This machine's run (or one recorded before the host was): its pid decides.
            _ => match self.pid.map(|pid| (pid, host::baton_alive(pid))) {
                Some((pid, Some(true))) => Liveness::Here { pid },
                Some((_, Some(false))) => Liveness::Gone,
                _ => Liveness::Unknown,
            },
        }
    }

    /// [`Driver::liveness`] from this machine, now.
    pub fn liveness_now(&self) -> Liveness {
        self.liveness(&host::host_id(), unix_now(), heartbeat())
    }

    /// Whether it runs on this machine (or was recorded before machines were): only then are
    /// its sessions' process ids this machine's to stop.
    pub fn is_here(&self) -> bool {
        self.host.as_deref().is_none_or(|h| h == host::host_id())
    }
}

impl StateStore {
    /// The baton recorded as driving run `id` (None: no such run).
    pub fn run_driver(&self, id: i64) -> Result<Option<Driver>, StateError> {
        self.read("read a run", |db| {
            db.query_opt(
                "SELECT pid, host, seen_at FROM runs WHERE id = ?1",
                args![id],
            )?
            .map(|r| {
                Ok(Driver {
                    pid: r.get(0)?,
                    host: r.get(1)?,
                    seen_at: r.get(2)?,
                })
            })
            .transpose()
        })
    }

    /// The driver's heartbeat. Returns false when this process no longer drives the run
    /// (another baton took it over after it went quiet too long).
    pub fn beat_run(&self, id: i64) -> Result<bool, StateError> {
        let (seen, here) = (rfc3339_from_unix(unix_now()), host::host_id());
        self.write("record a run's heartbeat", |tx| {
            tx.execute(
                "UPDATE runs SET seen_at = ?2 WHERE id = ?1 AND pid = ?3 AND host = ?4",
                args![id, &seen, std::process::id(), &here],
            )
            .map(|n| n > 0)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEAT: Duration = Duration::from_secs(10);

    fn driver(pid: Option<u32>, host: Option<&str>, seen_at: Option<i64>) -> Driver {
        Driver {
            pid,
            host: host.map(str::to_string),
            seen_at: seen_at.map(rfc3339_from_unix),
        }
    }

    #[test]
    fn another_machine_is_judged_by_its_heartbeat_never_by_its_pid() {
        let now = 1_800_000_000;
        // Its pid is this very process, alive here: it must not count.
        let me = Some(std::process::id());
        let fresh = driver(me, Some("b/1"), Some(now - 60));
        assert_eq!(
            fresh.liveness("a/1", now, BEAT),
            Liveness::Elsewhere(DrivenFrom {
                host: "b".into(),
                heard_seconds_ago: 60
            })
        );
        let stale = driver(me, Some("b/1"), Some(now - 61));
        assert_eq!(stale.liveness("a/1", now, BEAT), Liveness::Gone);
        let never = driver(me, Some("b/1"), None);
        assert_eq!(never.liveness("a/1", now, BEAT), Liveness::Gone);
        // The same machine after a reboot is another boot: its pids are gone too.
        let rebooted = driver(me, Some("a/0"), Some(now - 600));
        assert_eq!(rebooted.liveness("a/1", now, BEAT), Liveness::Gone);
    }

    #[test]
    fn this_machine_is_judged_by_the_pid_at_once() {
        let now = 1_800_000_000;
        let me = std::process::id();
        // A heartbeat long past does not matter while the process lives.
        let live = driver(Some(me), Some("a/1"), Some(now - 3_600));
        assert_eq!(live.liveness("a/1", now, BEAT), Liveness::Here { pid: me });
        let dead = driver(Some(u32::MAX - 1), Some("a/1"), Some(now));
        assert_eq!(dead.liveness("a/1", now, BEAT), Liveness::Gone);
        // Recorded before runs kept their machine: the pid is taken as this machine's.
        let old = driver(Some(me), None, None);
        assert_eq!(old.liveness("a/1", now, BEAT).alive(), Some(true));
        assert_eq!(
            driver(None, None, None).liveness("a/1", now, BEAT).alive(),
            None
        );
    }
}
