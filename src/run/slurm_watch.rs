//! One `squeue` for every Slurm job the run follows.
//!
//! Each session waits for its own job, but asking the controller once per job would load it
//! with one query per session per poll: 32 sessions would be 16 queries a second at the
//! slowest pace. Instead one poller thread lists every followed job in a single `squeue -j
//! ID,ID,…` call, keeps each job's last state, and wakes the waiting sessions. It polls every
//! [`POLL_FIRST`] while something changes, slowing by half each quiet round up to
//! [`POLL_MAX`]; a newly followed job resets the pace. The thread ends when no job is followed.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::sync::{Condvar, LazyLock, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// How often the jobs' states are read: from the first interval up to the last, growing.
const POLL_FIRST: Duration = Duration::from_millis(100);
const POLL_MAX: Duration = Duration::from_secs(2);

/// A job's state as last read: its Slurm state, or None when the controller no longer lists
/// it (or could not be asked).
pub(super) type State = Option<String>;

#[derive(Debug, Default)]
struct Jobs {
    /// Followed jobs and their last state (`PENDING` until first read).
    states: BTreeMap<u32, State>,
    /// Rounds of `squeue` so far (a waiter knows a fresh answer came).
    round: u64,
    /// Whether the poller thread runs.
    polling: bool,
    /// Set when a job was followed since the last round: poll at the first pace again.
    hurry: bool,
}

#[derive(Debug, Default)]
struct Watch {
    jobs: Mutex<Jobs>,
    changed: Condvar,
}

static WATCH: LazyLock<Watch> = LazyLock::new(Watch::default);

fn lock() -> MutexGuard<'static, Jobs> {
    WATCH.jobs.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Follows job `id` until [`forget`]; starts the poller if it is not running.
pub(super) fn follow(id: u32) {
    let mut jobs = lock();
    jobs.states.insert(id, Some("PENDING".to_string()));
    jobs.hurry = true;
    if !jobs.polling {
        jobs.polling = true;
        std::thread::spawn(poll);
    }
}

/// Stops following job `id`.
pub(super) fn forget(id: u32) {
    lock().states.remove(&id);
}

/// Job `id`'s state after the next round of `squeue`, waiting at most `limit` for it (then
/// the last state read).
pub(super) fn next_state(id: u32, limit: Duration) -> State {
    let jobs = lock();
    let round = jobs.round;
    let (jobs, _) = WATCH
        .changed
        .wait_timeout_while(jobs, limit, |j| {
            j.round == round && j.states.contains_key(&id)
        })
        .unwrap_or_else(PoisonError::into_inner);
    jobs.states.get(&id).cloned().flatten()
}

/// The poller thread: one `squeue` a round for every followed job.
fn poll() {
    let mut interval = POLL_FIRST;
    loop {
        std::thread::sleep(interval);
        let ids: Vec<u32> = {
            let mut jobs = lock();
            if jobs.states.is_empty() {
                jobs.polling = false;
                return;
            }
            if std::mem::take(&mut jobs.hurry) {
                interval = POLL_FIRST;
            }
            jobs.states.keys().copied().collect()
        };
        let listed = squeue(&ids);
        let mut jobs = lock();
        let mut changed = false;
        for id in ids {
            let now = listed.get(&id).cloned();
            if let Some(state) = jobs.states.get_mut(&id)
                && *state != now
            {
                *state = now;
                changed = true;
            }
        }
        jobs.round += 1;
        drop(jobs);
        WATCH.changed.notify_all();
        interval = if changed {
            POLL_FIRST
        } else {
            (interval * 3 / 2).min(POLL_MAX)
        };
    }
}

/// The state of each of `ids` the controller lists (`squeue -t all`: ended jobs too, while
/// it remembers them). A failed call lists none: with one id that is how Slurm says it does
/// not know the job.
pub(super) fn squeue(ids: &[u32]) -> BTreeMap<u32, String> {
    let list = ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    let Ok(out) = super::slurm::client("squeue")
        .args(["-h", "-t", "all", "-o", "%i %T", "-j", &list])
        .stderr(Stdio::null())
        .output()
    else {
        return BTreeMap::new();
    };
    if !out.status.success() {
        return BTreeMap::new();
    }
    parse_squeue(&String::from_utf8_lossy(&out.stdout))
}

/// `ID STATE` lines; an array job's `ID_N` and anything unreadable are skipped.
fn parse_squeue(text: &str) -> BTreeMap<u32, String> {
    text.lines()
        .filter_map(|line| {
            let (id, state) = line.trim().split_once(' ')?;
            Some((id.parse::<u32>().ok()?, state.trim().to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squeue_lines_give_each_job_its_state() {
        let listed = parse_squeue("17 RUNNING\n18 COMPLETED\n19_2 RUNNING\nnonsense\n\n");
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[&17], "RUNNING");
        assert_eq!(listed[&18], "COMPLETED");
    }
}
