//! Session budgets: how much work one agent session is given before a fresh one takes over.
//!
//! A lane the scheduler lays out for one phase can hold more work than one session's context
//! carries well. `baton run --session-budget B` splits such a lane at task boundaries into
//! parts that each fit B, run one after another (each by a fresh session), and `baton
//! analyze` reports the lanes that would not fit under [`DEFAULT`] (finding A306): what
//! looks like one phase may need several sessions.
//!
//! A budget is either hours of `est:` or tokens of prompt and scope:
//! - hours: a task costs its `est:` (an open task with none counts one hour, as in the
//!   schedule);
//! - tokens: a task costs its text (title, notes, keys, acceptance items) plus the size of
//!   the files its `files:` and `reads:` name, at [`BYTES_PER_TOKEN`] bytes a token, and
//!   each part pays [`SESSION_OVERHEAD_TOKENS`] once for the brief around the tasks. A file
//!   named by two tasks of one part counts twice: the estimate errs on the large side.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::str::FromStr;

use rustc_hash::FxHashMap;

use crate::graph::flow::DEFAULT_MINUTES;
use crate::plan::Plan;

/// How much one session is given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Budget {
    /// Hours of `est:`.
    Hours(f64),
    /// Tokens of prompt plus scope.
    Tokens(u64),
}

/// The budget when none is given: four hours of `est:`, about what one agent session gets
/// through before its context is compacted and its early decisions start to blur.
pub const DEFAULT: Budget = Budget::Hours(4.0);

/// Bytes of text per token, for estimates.
pub const BYTES_PER_TOKEN: u64 = 4;

/// Tokens of a session's brief besides its tasks (rules, tools, the lane's header).
pub const SESSION_OVERHEAD_TOKENS: u64 = 2_000;

/// Why a `--session-budget` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetError {
    #[error("the session budget is empty: give hours of `est` (`4h`) or tokens (`200k`)")]
    Empty,
    #[error(
        "session budget `{0}` has no unit: write `{0}h` for hours of `est` or `{0}k` for thousands of tokens"
    )]
    NoUnit(String),
    #[error("session budget `{0}` does not start with a number (`4h`, `90min`, `200k`)")]
    NotANumber(String),
    #[error(
        "session budget `{text}`: `{unit}` is not a unit (hours: h, min, d; tokens: k, tokens)"
    )]
    UnknownUnit { text: String, unit: String },
    #[error(
        "session budget `{0}`: `m` could mean minutes or millions of tokens; write `min` for minutes or `1000k` for a million tokens"
    )]
    Ambiguous(String),
    #[error("session budget `{0}` must be more than zero")]
    NotPositive(String),
}

impl FromStr for Budget {
    type Err = BudgetError;

    /// `4h`, `1.5 hours`, `90min`, `1d` (8 h, as in `est:`); `200k`, `200k tokens`,
    /// `150000 tokens`. Units are case-insensitive; a bare number and `m` are refused.
    fn from_str(text: &str) -> Result<Budget, BudgetError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(BudgetError::Empty);
        }
        let number_end = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
            .unwrap_or(text.len());
        let digits: String = text[..number_end].chars().filter(|&c| c != '_').collect();
        let number: f64 = digits
            .parse()
            .map_err(|_| BudgetError::NotANumber(text.to_string()))?;
        let unit = text[number_end..].trim().to_ascii_lowercase();
        let hours = |factor: f64| Budget::Hours(number * factor);
        let budget = match unit.as_str() {
            "" => return Err(BudgetError::NoUnit(digits)),
            "m" => return Err(BudgetError::Ambiguous(text.to_string())),
            "h" | "hr" | "hrs" | "hour" | "hours" => hours(1.0),
            "min" | "mins" | "minute" | "minutes" => hours(1.0 / 60.0),
            "d" | "day" | "days" => hours(8.0),
            "k" | "k tokens" | "ktokens" => tokens(number * 1000.0),
            "t" | "tok" | "token" | "tokens" => tokens(number),
            _ => {
                return Err(BudgetError::UnknownUnit {
                    text: text.to_string(),
                    unit,
                });
            }
        };
        if budget.limit() > 0.0 && budget.limit().is_finite() {
            Ok(budget)
        } else {
            Err(BudgetError::NotPositive(text.to_string()))
        }
    }
}

fn tokens(n: f64) -> Budget {
    // Saturates for absurd sizes; zero and NaN are refused by the caller.
    Budget::Tokens(if n.is_finite() { n.round() as u64 } else { 0 })
}

impl fmt::Display for Budget {
    /// `4h`, `0.5h`, `200k tokens`, `1500 tokens`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Budget::Hours(h) => {
                let text = format!("{h:.2}");
                write!(f, "{}h", text.trim_end_matches('0').trim_end_matches('.'))
            }
            Budget::Tokens(n) if n % 1000 == 0 => write!(f, "{}k tokens", n / 1000),
            Budget::Tokens(n) => write!(f, "{n} tokens"),
        }
    }
}

impl Budget {
    /// The budget as a number in its unit (hours or tokens).
    pub fn limit(&self) -> f64 {
        match *self {
            Budget::Hours(h) => h,
            Budget::Tokens(n) => n as f64,
        }
    }

    /// What every part pays once besides its tasks, in the budget's unit.
    pub fn session_overhead(&self) -> f64 {
        match self {
            Budget::Hours(_) => 0.0,
            Budget::Tokens(_) => SESSION_OVERHEAD_TOKENS as f64,
        }
    }

    /// Task `task`'s cost in this budget's unit. `scope_bytes` gives the bytes of the files
    /// a `files:` or `reads:` entry (a path or a glob) names in the worktree; it is called
    /// only for token budgets.
    pub fn task_cost(
        &self,
        plan: &Plan,
        task: usize,
        scope_bytes: &mut dyn FnMut(&str) -> u64,
    ) -> f64 {
        match self {
            Budget::Hours(_) => hours_of(plan, task),
            Budget::Tokens(_) => tokens_of(plan, task, scope_bytes) as f64,
        }
    }
}

/// A task's hours as the schedule counts them: its `est:`, rounded to whole minutes (at
/// least one), or one hour without one.
pub fn hours_of(plan: &Plan, task: usize) -> f64 {
    let minutes = plan
        .tasks
        .get(task)
        .and_then(|t| t.estimate_hours)
        .map_or(DEFAULT_MINUTES, |h| ((h * 60.0).round() as u64).max(1));
    minutes as f64 / 60.0
}

/// A task's tokens: its text and the files of its scope, at [`BYTES_PER_TOKEN`] bytes each.
pub fn tokens_of(plan: &Plan, task: usize, scope_bytes: &mut dyn FnMut(&str) -> u64) -> u64 {
    let Some(t) = plan.tasks.get(task) else {
        return 0;
    };
    // Each item also costs its line's markup (`  - files: `, a checkbox).
    const MARKUP: usize = 8;
    let text = |items: &[String]| items.iter().map(|s| s.len() + MARKUP).sum::<usize>();
    let mut bytes = (t.title.len() + MARKUP) as u64;
    for items in [
        &t.notes[..],
        &t.verify[..],
        &t.done_when[..],
        &t.requirements[..],
        &t.files[..],
        &t.reads[..],
    ] {
        bytes = bytes.saturating_add(text(items) as u64);
    }
    let acceptance: usize = t.acceptance.iter().map(|a| a.text.len() + MARKUP).sum();
    bytes = bytes.saturating_add(acceptance as u64);
    for entry in t.files.iter().chain(t.reads.iter()) {
        bytes = bytes.saturating_add(scope_bytes(entry));
    }
    bytes.div_ceil(BYTES_PER_TOKEN)
}

/// One session's share of a lane.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// Tasks in the order they are done.
    pub tasks: Vec<usize>,
    /// Its cost in the budget's unit, the session overhead included.
    pub cost: f64,
    /// A single task that alone costs more than the budget: it gets a session of its own
    /// anyway, and should be split in the plan.
    pub oversized: bool,
}

/// Splits a lane into parts that each fit `budget`, at task boundaries: tasks keep their
/// order (put in dependency order first, should the lane not be), so a part only waits for
/// parts before it. Greedy: each part takes tasks until the next would not fit, which gives
/// the fewest parts any split in this order can. A task that alone costs more than the
/// budget is a part of its own, flagged [`Part::oversized`].
///
/// `cost_of(task)` is the task's cost in the budget's unit (see [`Budget::task_cost`]); a
/// negative or non-finite cost counts as zero.
pub fn split_parts(
    lane: &[usize],
    plan: &Plan,
    budget: &Budget,
    mut cost_of: impl FnMut(usize) -> f64,
) -> Vec<Part> {
    let limit = budget.limit();
    let overhead = budget.session_overhead();
    let mut parts: Vec<Part> = Vec::new();
    let mut current = Part {
        tasks: Vec::new(),
        cost: overhead,
        oversized: false,
    };
    for task in dependency_order(lane, plan) {
        let cost = cost_of(task);
        let cost = if cost.is_finite() && cost > 0.0 {
            cost
        } else {
            0.0
        };
        if !current.tasks.is_empty() && current.cost + cost > limit {
            parts.push(std::mem::replace(
                &mut current,
                Part {
                    tasks: Vec::new(),
                    cost: overhead,
                    oversized: false,
                },
            ));
        }
        current.tasks.push(task);
        current.cost += cost;
        if current.cost > limit {
            current.oversized = true;
            let next = Part {
                tasks: Vec::new(),
                cost: overhead,
                oversized: false,
            };
            parts.push(std::mem::replace(&mut current, next));
        }
    }
    if !current.tasks.is_empty() {
        parts.push(current);
    }
    parts
}

/// [`split_parts`], the tasks only.
pub fn split(
    lane: &[usize],
    plan: &Plan,
    budget: &Budget,
    cost_of: impl FnMut(usize) -> f64,
) -> Vec<Vec<usize>> {
    split_parts(lane, plan, budget, cost_of)
        .into_iter()
        .map(|p| p.tasks)
        .collect()
}

/// The lane's tasks with every task after the lane's tasks it waits for (`after:` or
/// `blocks:`), otherwise in the lane's order. Tasks out of range are dropped, repeats kept
/// once; a loop (which the schedule never gives) leaves the rest in lane order.
fn dependency_order(lane: &[usize], plan: &Plan) -> Vec<usize> {
    let mut position: FxHashMap<usize, usize> = FxHashMap::default();
    let mut tasks: Vec<usize> = Vec::with_capacity(lane.len());
    for &t in lane {
        if t < plan.tasks.len() && !position.contains_key(&t) {
            position.insert(t, tasks.len());
            tasks.push(t);
        }
    }
    // Edges between lane tasks: waited-for -> waiting.
    let mut waiting_on = vec![0u32; tasks.len()];
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); tasks.len()];
    for (i, &t) in tasks.iter().enumerate() {
        let mut seen = Vec::new();
        for d in plan.dependents.of(t) {
            if let Some(&j) = position.get(&d)
                && j != i
                && !seen.contains(&j)
            {
                seen.push(j);
                next[i].push(j);
                waiting_on[j] += 1;
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..tasks.len())
        .filter(|&i| waiting_on[i] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(tasks.len());
    let mut placed = vec![false; tasks.len()];
    while let Some(Reverse(i)) = ready.pop() {
        order.push(tasks[i]);
        placed[i] = true;
        for &j in &next[i] {
            waiting_on[j] -= 1;
            if waiting_on[j] == 0 {
                ready.push(Reverse(j));
            }
        }
    }
    order.extend((0..tasks.len()).filter(|&i| !placed[i]).map(|i| tasks[i]));
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::parse;
    use proptest::prelude::*;

    fn hours(text: &str) -> Plan {
        parse(text.as_bytes())
    }

    /// Tasks T1..Tn in one phase with these estimates (None: no `est:`).
    fn plan_of(estimates: &[Option<f64>]) -> Plan {
        let mut text = String::from("# Plan\n\n## Phase 1\n\n");
        for (i, est) in estimates.iter().enumerate() {
            text.push_str(&format!("- [ ] T{} Task {}\n", i + 1, i + 1));
            if let Some(h) = est {
                text.push_str(&format!("  - est: {h}h\n"));
            }
        }
        parse(text.as_bytes())
    }

    fn by_hours(plan: &Plan) -> impl FnMut(usize) -> f64 + '_ {
        |t| hours_of(plan, t)
    }

    #[test]
    fn budgets_parse_with_units() {
        let ok = [
            ("4h", Budget::Hours(4.0)),
            (" 1.5 hours ", Budget::Hours(1.5)),
            ("90min", Budget::Hours(1.5)),
            ("1d", Budget::Hours(8.0)),
            ("2H", Budget::Hours(2.0)),
            ("200k", Budget::Tokens(200_000)),
            ("200K tokens", Budget::Tokens(200_000)),
            ("1.5k", Budget::Tokens(1_500)),
            ("150_000 tokens", Budget::Tokens(150_000)),
        ];
        for (text, want) in ok {
            assert_eq!(text.parse::<Budget>(), Ok(want), "{text}");
        }
    }

    #[test]
    fn bad_budgets_say_what_to_write() {
        assert_eq!("".parse::<Budget>(), Err(BudgetError::Empty));
        assert_eq!(
            "4".parse::<Budget>(),
            Err(BudgetError::NoUnit("4".to_string()))
        );
        assert_eq!(
            "1m".parse::<Budget>(),
            Err(BudgetError::Ambiguous("1m".to_string()))
        );
        assert_eq!(
            "h4".parse::<Budget>(),
            Err(BudgetError::NotANumber("h4".to_string()))
        );
        assert_eq!(
            "1.2.3h".parse::<Budget>(),
            Err(BudgetError::NotANumber("1.2.3h".to_string()))
        );
        assert_eq!(
            "0h".parse::<Budget>(),
            Err(BudgetError::NotPositive("0h".to_string()))
        );
        assert_eq!(
            "0.0001k".parse::<Budget>(),
            Err(BudgetError::NotPositive("0.0001k".to_string()))
        );
        let err = "3 weeks".parse::<Budget>().expect_err("weeks");
        assert_eq!(
            err,
            BudgetError::UnknownUnit {
                text: "3 weeks".to_string(),
                unit: "weeks".to_string()
            }
        );
        assert!(err.to_string().contains("h, min, d"), "{err}");
        assert!(
            BudgetError::NoUnit("4".to_string())
                .to_string()
                .contains("`4h`")
        );
    }

    #[test]
    fn budgets_display_as_they_parse() {
        for b in [
            Budget::Hours(4.0),
            Budget::Hours(0.5),
            Budget::Tokens(200_000),
            Budget::Tokens(1_234),
        ] {
            assert_eq!(b.to_string().parse::<Budget>(), Ok(b), "{b}");
        }
        assert_eq!(DEFAULT.to_string(), "4h");
    }

    #[test]
    fn hours_come_from_est_or_the_schedule_s_default() {
        let plan = plan_of(&[Some(2.5), None, Some(0.0)]);
        assert_eq!(hours_of(&plan, 0), 2.5);
        assert_eq!(hours_of(&plan, 1), 1.0);
        assert_eq!(hours_of(&plan, 2), 1.0 / 60.0, "at least a minute");
        assert_eq!(
            hours_of(&plan, 99),
            1.0,
            "out of range: the default, no panic"
        );
    }

    #[test]
    fn a_lane_that_fits_stays_whole() {
        let plan = plan_of(&[Some(1.0), Some(2.0), Some(1.0)]);
        let parts = split_parts(&[0, 1, 2], &plan, &Budget::Hours(4.0), by_hours(&plan));
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].tasks, vec![0, 1, 2]);
        assert_eq!(parts[0].cost, 4.0);
        assert!(!parts[0].oversized);
    }

    #[test]
    fn a_long_lane_splits_at_task_boundaries_in_order() {
        let plan = plan_of(&[Some(2.0), Some(1.5), Some(1.0), Some(3.0), Some(0.5)]);
        let lane = [0, 1, 2, 3, 4];
        assert_eq!(
            split(&lane, &plan, &Budget::Hours(4.0), by_hours(&plan)),
            vec![vec![0, 1], vec![2, 3], vec![4]]
        );
    }

    #[test]
    fn a_task_over_budget_stays_alone_and_is_flagged() {
        let plan = plan_of(&[Some(1.0), Some(6.0), Some(1.0), Some(1.0)]);
        let parts = split_parts(&[0, 1, 2, 3], &plan, &Budget::Hours(4.0), by_hours(&plan));
        let tasks: Vec<&[usize]> = parts.iter().map(|p| &p.tasks[..]).collect();
        assert_eq!(tasks, vec![&[0][..], &[1], &[2, 3]]);
        let flags: Vec<bool> = parts.iter().map(|p| p.oversized).collect();
        assert_eq!(flags, vec![false, true, false]);
    }

    #[test]
    fn tasks_follow_what_they_wait_for_within_the_lane() {
        let plan = hours(
            "## Phase 1\n- [ ] T1 first\n  - est: 3h\n  - after: T2\n- [ ] T2 second\n  - est: 3h\n- [ ] T3 third\n  - est: 1h\n",
        );
        // The lane as given puts T1 before T2, which T1 waits for.
        assert_eq!(
            split(&[0, 1, 2], &plan, &Budget::Hours(4.0), by_hours(&plan)),
            vec![vec![1], vec![0, 2]]
        );
        // `blocks:` too, and repeats and unknown indices are dropped.
        let plan = hours("## P\n- [ ] T1 x\n- [ ] T2 y\n  - blocks: T1\n");
        assert_eq!(
            split(&[0, 1, 0, 7], &plan, &Budget::Hours(8.0), by_hours(&plan)),
            vec![vec![1, 0]]
        );
    }

    #[test]
    fn token_budgets_count_text_scope_files_and_the_brief() {
        let plan = hours(
            "## Phase 1\n- [ ] T1 Parse the header\n  - files: src/a.rs\n  - reads: docs/spec.md\n- [ ] T2 Render\n  - files: src/b.rs\n",
        );
        let asked = std::cell::RefCell::new(Vec::new());
        let mut sizes = |entry: &str| {
            asked.borrow_mut().push(entry.to_string());
            match entry {
                "src/a.rs" => 40_000,
                "docs/spec.md" => 400_000,
                _ => 4_000,
            }
        };
        let t1 = tokens_of(&plan, 0, &mut sizes);
        assert!((110_000..110_100).contains(&t1), "{t1}");
        assert_eq!(*asked.borrow(), vec!["src/a.rs", "docs/spec.md"]);
        // Room for T1 and its brief, not for T2's thousand tokens as well.
        let budget = Budget::Tokens(t1 + SESSION_OVERHEAD_TOKENS + 500);
        let parts = split_parts(&[0, 1], &plan, &budget, |t| {
            budget.task_cost(&plan, t, &mut sizes)
        });
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert!(parts[0].cost >= t1 as f64 + SESSION_OVERHEAD_TOKENS as f64);
        // An hours budget never asks for file sizes.
        let mut never = |_: &str| -> u64 { panic!("hours do not read files") };
        assert_eq!(Budget::Hours(1.0).task_cost(&plan, 0, &mut never), 1.0);
    }

    #[test]
    fn odd_costs_and_empty_lanes() {
        let plan = plan_of(&[None, None]);
        assert!(split(&[], &plan, &DEFAULT, |_| 1.0).is_empty());
        let parts = split_parts(&[0, 1], &plan, &DEFAULT, |t| {
            if t == 0 { f64::NAN } else { -5.0 }
        });
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].cost, 0.0);
    }

    proptest! {
        #[test]
        fn splitting_keeps_every_task_once_in_order_and_within_budget(
            estimates in proptest::collection::vec(proptest::option::of(0.25f64..7.0), 0..24),
            limit in 0.5f64..10.0,
        ) {
            let plan = plan_of(&estimates);
            let lane: Vec<usize> = (0..estimates.len()).collect();
            let budget = Budget::Hours(limit);
            let parts = split_parts(&lane, &plan, &budget, by_hours(&plan));
            let flat: Vec<usize> = parts.iter().flat_map(|p| p.tasks.clone()).collect();
            prop_assert_eq!(flat, lane);
            for (i, part) in parts.iter().enumerate() {
                prop_assert!(!part.tasks.is_empty());
                let cost: f64 = part.tasks.iter().map(|&t| hours_of(&plan, t)).sum();
                prop_assert!((cost - part.cost).abs() < 1e-9);
                if part.oversized {
                    prop_assert_eq!(part.tasks.len(), 1);
                    prop_assert!(cost > limit);
                } else {
                    prop_assert!(cost <= limit + 1e-9);
                }
                // Greedy: the next part's first task would not have fit in this one.
                if let Some(next) = parts.get(i + 1) {
                    prop_assert!(part.oversized || cost + hours_of(&plan, next.tasks[0]) > limit);
                }
            }
        }

        #[test]
        fn any_text_parses_or_errs_without_panic(text in "\\PC{0,16}") {
            if let Ok(b) = text.parse::<Budget>() {
                prop_assert!(b.limit() > 0.0 && b.limit().is_finite());
            }
        }
    }
}
