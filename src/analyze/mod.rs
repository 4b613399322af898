//! The parallelization analysis behind `baton analyze`, `graph` and `prompts`: what can run
//! at the same time, how many sessions are worth running, how to lay the work onto them,
//! and where a plan's claims of independence do not hold.
//!
//! Everything here is a pure function of the plan (plus, for co-change findings, the git
//! history read by [`history`]); the result is a value the CLI turns into views.

pub mod history;
pub mod independence;
pub mod scenario;
pub mod sessions;
pub mod textdeps;

use std::path::Path;

use crate::graph::flow::{self, CycleError, Flow};
use crate::graph::schedule::{self, Schedule};
use crate::graph::scope::Scopes;
use crate::graph::{IdIndex, id_index};
use crate::plan::Plan;

pub use independence::Finding;
pub use scenario::{PhaseShape, Scenario, Shape};

/// The speedup table covers 1 to this many sessions.
pub const MAX_SESSIONS: u32 = 16;

#[derive(Debug, Clone)]
pub struct Options {
    /// Sessions to lay lanes out for; the recommended number when None.
    pub sessions: Option<u32>,
    /// Treat tasks without a scope as independent of everything.
    pub assume_independent: bool,
    /// Where to read git history for co-change findings (the plan's directory); None skips it.
    pub history_from: Option<std::path::PathBuf>,
    /// K: commits two parallel tasks' files must share to be reported.
    pub co_change_min: u32,
    /// How many recent commits to read.
    pub history_depth: usize,
    /// How hard the lane scheduler searches (1 = the default budget; linear in it).
    pub effort: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            sessions: None,
            assume_independent: false,
            history_from: None,
            co_change_min: 3,
            history_depth: 1000,
            effort: schedule::DEFAULT_EFFORT,
        }
    }
}

/// What the history check did, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryStatus {
    NotAsked,
    Read {
        commits: usize,
        skipped_bulk: usize,
    },
    /// Not a git repository, git missing or failing: said plainly, not an error.
    Unavailable(String),
}

/// Everything `baton analyze` reports.
#[derive(Debug)]
pub struct Analysis {
    pub flow: Flow,
    pub scopes: Scopes,
    /// Per task: its wave (1-based), 0 for closed tasks and groups.
    pub wave_of: Vec<u32>,
    /// Open work tasks per wave, in plan order; `waves[0]` is wave 1.
    pub waves: Vec<Vec<usize>>,
    /// T1: minutes of open work.
    pub total_minutes: u64,
    /// T∞: minutes along the critical path.
    pub critical_minutes: u64,
    pub critical_path: Vec<usize>,
    /// `(N, bound)` for N = 1..=16.
    pub speedup: Vec<(u32, f64)>,
    pub recommended_sessions: u32,
    pub scenario: Scenario,
    pub schedule: Schedule,
    /// No schedule on the schedule's N sessions ends sooner (minutes): the tightest of the
    /// bounds in [`schedule::bounds`].
    pub lower_bound: u64,
    /// The lanes' makespan is proven optimal (it meets the lower bound, or the exact search
    /// closed the gap).
    pub proven_optimal: bool,
    /// The makespan of plain critical-path list scheduling, which the lanes never exceed.
    pub list_makespan: u64,
    pub findings: Vec<Finding>,
    pub history: HistoryStatus,
}

/// At most this many conflict pairs are listed (a shared manifest in 10k tasks would
/// otherwise make millions).
pub const MAX_CONFLICT_PAIRS: usize = 10_000;

impl Analysis {
    pub fn widest_wave(&self) -> usize {
        self.waves.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// Pairs `(a, b)`, `a < b`, of open tasks in one wave whose scopes overlap: what the
    /// waves alone would run together but the lanes must not. Sorted; capped at
    /// [`MAX_CONFLICT_PAIRS`].
    pub fn conflict_pairs(&self) -> Vec<(usize, usize)> {
        let mut pairs = Vec::new();
        for wave in &self.waves {
            let mut holders: rustc_hash::FxHashMap<u32, Vec<usize>> = Default::default();
            for &t in wave {
                for &p in &self.scopes.of_task[t] {
                    holders.entry(p).or_default().push(t);
                }
            }
            for &t in wave {
                for &p in &self.scopes.of_task[t] {
                    for q in self.scopes.overlapping(p) {
                        for &u in holders.get(q).map_or(&[][..], Vec::as_slice) {
                            if u > t {
                                pairs.push((t, u));
                            }
                        }
                    }
                }
                if pairs.len() > MAX_CONFLICT_PAIRS * 4 {
                    break;
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs.truncate(MAX_CONFLICT_PAIRS);
        pairs
    }
}

/// Analyzes a plan. Fails only when its dependencies loop.
pub fn analyze(plan: &Plan, options: &Options) -> Result<Analysis, CycleError> {
    let index = id_index(plan);
    analyze_with_index(plan, &index, options)
}

pub fn analyze_with_index(
    plan: &Plan,
    index: &IdIndex<'_>,
    options: &Options,
) -> Result<Analysis, CycleError> {
    let flow = Flow::build(plan, index)?;
    let scopes = Scopes::build(plan, options.assume_independent);
    let wave_of = flow.waves();
    let depth = wave_of.iter().copied().max().unwrap_or(0) as usize;
    let mut waves: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for (t, &w) in wave_of.iter().enumerate().take(plan.tasks.len()) {
        if w > 0 {
            waves[w as usize - 1].push(t);
        }
    }
    let total_minutes = flow.total_minutes();
    let (critical_path, critical_minutes) = flow.critical_path();
    let speedup = (1..=MAX_SESSIONS)
        .map(|n| (n, flow::speedup_bound(total_minutes, critical_minutes, n)))
        .collect();
    let mut recommended_sessions =
        flow::recommended_sessions(total_minutes, critical_minutes, MAX_SESSIONS);
    let mut sessions = options.sessions.unwrap_or(recommended_sessions).max(1);
    let phase_of: Vec<usize> = plan.tasks.iter().map(|t| t.phase).collect();
    let mut planned = schedule::plan(&flow, &scopes, &phase_of, sessions, options.effort);
    // The recommendation follows the lanes: sessions they leave idle (tasks that must run
    // alone) are not recommended.
    let busy = sessions::busy_at_once(&planned.schedule);
    if options.sessions.is_none() && busy < sessions {
        let fewer = schedule::plan(&flow, &scopes, &phase_of, busy, options.effort);
        if fewer.schedule.makespan <= planned.schedule.makespan {
            (recommended_sessions, sessions, planned) = (busy, busy, fewer);
        }
    }
    let _ = sessions;
    let schedule::Planned {
        schedule,
        lower_bound,
        proven_optimal,
        list_makespan,
    } = planned;
    let scenario = scenario::classify(plan, &flow, &scopes);
    let mut findings = independence::findings(plan, index, &flow, &scopes, &wave_of, &waves);
    findings.extend(sessions::over_budget(
        plan,
        &schedule,
        &crate::run::budget::DEFAULT,
    ));
    let history = match &options.history_from {
        None => HistoryStatus::NotAsked,
        Some(base) => co_change_findings(plan, &scopes, &waves, base, options, &mut findings),
    };
    independence::sort(&mut findings);
    Ok(Analysis {
        flow,
        scopes,
        wave_of,
        waves,
        total_minutes,
        critical_minutes,
        critical_path,
        speedup,
        recommended_sessions,
        scenario,
        schedule,
        lower_bound,
        proven_optimal,
        list_makespan,
        findings,
        history,
    })
}

fn co_change_findings(
    plan: &Plan,
    scopes: &Scopes,
    waves: &[Vec<usize>],
    base: &Path,
    options: &Options,
    findings: &mut Vec<Finding>,
) -> HistoryStatus {
    let task_scopes: Vec<Vec<String>> = scopes
        .of_task
        .iter()
        .map(|ps| {
            ps.iter()
                .map(|&p| scopes.patterns[p as usize].text.clone())
                .collect()
        })
        .collect();
    let groups: Vec<Vec<usize>> = waves.iter().filter(|w| w.len() > 1).cloned().collect();
    let query = history::CoChangeQuery {
        base,
        scopes: &task_scopes,
        groups: &groups,
        min_commits: options.co_change_min.max(1),
        max_commits: options.history_depth,
        bulk_limit: 100,
    };
    match history::co_changes(&query) {
        Ok(report) => {
            for pair in &report.pairs {
                findings.push(independence::co_change(plan, pair, options.co_change_min));
            }
            HistoryStatus::Read {
                commits: report.commits_read,
                skipped_bulk: report.commits_skipped_bulk,
            }
        }
        Err(history::HistoryError::NotARepository(_)) => {
            HistoryStatus::Unavailable("the plan is not in a git repository".to_string())
        }
        Err(err) => HistoryStatus::Unavailable(err.to_string()),
    }
}
