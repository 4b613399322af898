//! The shape of a plan, in the three words users already use: true parallel (independent
//! tasks, any number of sessions), phased parallel (phases that each fan out, or a narrow
//! foundation and then a fan-out), relay race (every phase a chain: one fresh session per
//! phase), and mixed for the rest. Each phase gets a shape and one line saying why.
//!
//! The shape is about the plan's structure, so it counts every task whatever its status:
//! ticking boxes does not turn a relay race into parallel work.

use crate::graph::flow::Flow;
use crate::graph::scope::{Conflict, Scopes};
use crate::plan::Plan;

/// Past this many tasks that can run together, the exact width stops mattering.
const WIDTH_CAP: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    TrueParallel,
    PhasedParallel,
    RelayRace,
    Mixed,
}

impl Shape {
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::TrueParallel => "true parallel",
            Shape::PhasedParallel => "phased parallel",
            Shape::RelayRace => "relay race",
            Shape::Mixed => "mixed",
        }
    }
}

/// The shape of one phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhaseShape {
    /// No tasks.
    Empty,
    /// One task.
    Single,
    /// At most one task at a time: a chain, or tasks that conflict.
    Sequential,
    /// Every task can start at once.
    Parallel,
    /// Some chains, some fan-out.
    PartlyParallel,
}

impl PhaseShape {
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseShape::Empty => "empty",
            PhaseShape::Single => "single task",
            PhaseShape::Sequential => "sequential",
            PhaseShape::Parallel => "parallel",
            PhaseShape::PartlyParallel => "partly parallel",
        }
    }

    fn is_chain(self) -> bool {
        matches!(self, PhaseShape::Single | PhaseShape::Sequential)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhaseScenario {
    pub phase: usize,
    pub shape: PhaseShape,
    /// Tasks in the phase (groups of sub-tasks not counted).
    pub tasks: usize,
    /// Waves inside the phase.
    pub depth: usize,
    /// Most tasks of one wave that can really run together (scopes considered; capped).
    pub width: usize,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub overall: Shape,
    pub reason: String,
    pub phases: Vec<PhaseScenario>,
}

pub fn classify(plan: &Plan, flow: &Flow, scopes: &Scopes) -> Scenario {
    let mut has_children = vec![false; plan.tasks.len()];
    for task in &plan.tasks {
        if let Some(p) = task.parent {
            has_children[p] = true;
        }
    }
    // Level of every task among the tasks of its own phase, statuses ignored.
    let mut level = vec![0u32; flow.nodes()];
    for &v in &flow.order {
        let v = v as usize;
        let Some(task) = plan.tasks.get(v) else {
            continue;
        };
        let before = flow
            .preds(v)
            .iter()
            .filter(|&&p| {
                plan.tasks
                    .get(p as usize)
                    .is_some_and(|t| t.phase == task.phase)
            })
            .map(|&p| level[p as usize])
            .max()
            .unwrap_or(0);
        level[v] = before + u32::from(!has_children[v]);
    }

    let phases: Vec<PhaseScenario> = plan
        .phases
        .iter()
        .map(|phase| {
            let tasks: Vec<usize> = phase
                .tasks
                .iter()
                .copied()
                .filter(|&t| !has_children[t])
                .collect();
            let depth = tasks.iter().map(|&t| level[t] as usize).max().unwrap_or(0);
            let mut by_level: Vec<Vec<usize>> = vec![Vec::new(); depth];
            for &t in &tasks {
                by_level[level[t] as usize - 1].push(t);
            }
            let mut width = 0;
            let mut blocker: Option<(usize, usize, Conflict)> = None;
            for wave in &by_level {
                let (w, b) = independent_width(wave, scopes);
                width = width.max(w);
                blocker = blocker.or(b);
            }
            let shape = match tasks.len() {
                0 => PhaseShape::Empty,
                1 => PhaseShape::Single,
                _ if width <= 1 => PhaseShape::Sequential,
                n if depth == 1 && width == n => PhaseShape::Parallel,
                _ => PhaseShape::PartlyParallel,
            };
            let reason = phase_reason(plan, scopes, shape, tasks.len(), depth, width, blocker);
            PhaseScenario {
                phase: phase.index,
                shape,
                tasks: tasks.len(),
                depth,
                width,
                reason,
            }
        })
        .collect();

    // Whether any task waits for another at all (phase order aside).
    let flat = plan.tasks.iter().all(|t| {
        flow.preds(t.index)
            .iter()
            .all(|&p| p as usize >= plan.tasks.len())
    });
    let (overall, reason) = overall_shape(plan, flow, &phases, flat);
    Scenario {
        overall,
        reason,
        phases,
    }
}

/// Greedily picks tasks of one wave that pairwise do not conflict; returns how many, and
/// the first conflict met (for the explanation).
fn independent_width(wave: &[usize], scopes: &Scopes) -> (usize, Option<(usize, usize, Conflict)>) {
    let mut picked: Vec<usize> = Vec::new();
    let mut first_conflict = None;
    for &t in wave {
        if picked.len() >= WIDTH_CAP {
            break;
        }
        match picked
            .iter()
            .find_map(|&p| scopes.conflict(p, t).map(|c| (p, c)))
        {
            None => picked.push(t),
            Some((p, c)) => {
                first_conflict.get_or_insert((p, t, c));
            }
        }
    }
    (picked.len(), first_conflict)
}

fn phase_reason(
    plan: &Plan,
    scopes: &Scopes,
    shape: PhaseShape,
    tasks: usize,
    depth: usize,
    width: usize,
    blocker: Option<(usize, usize, Conflict)>,
) -> String {
    let conflict_words = |(first, second, c): (usize, usize, Conflict)| {
        let (a, b) = (
            plan.tasks[first].display_id(),
            plan.tasks[second].display_id(),
        );
        match c {
            Conflict::Unscoped if scopes.exclusive[first] => {
                format!("{a} names no files, so it runs alone")
            }
            Conflict::Unscoped => format!("{b} names no files, so it runs alone"),
            Conflict::Overlap(p, q) => format!(
                "{a} and {b} both write `{}`",
                narrower(
                    &scopes.patterns[p as usize].text,
                    &scopes.patterns[q as usize].text
                )
            ),
        }
    };
    match shape {
        PhaseShape::Empty => "no tasks".to_string(),
        PhaseShape::Single => "one task, nothing to share it with".to_string(),
        PhaseShape::Sequential if depth == tasks => {
            format!("each of its {tasks} tasks waits for the one before")
        }
        PhaseShape::Sequential => match blocker {
            Some(b) => format!(
                "its {tasks} tasks can only run one at a time: {}",
                conflict_words(b)
            ),
            None => format!("its {tasks} tasks can only run one at a time"),
        },
        PhaseShape::Parallel => {
            format!("its {tasks} tasks wait for nothing in the phase and write disjoint files")
        }
        PhaseShape::PartlyParallel => {
            let mut line = format!(
                "{tasks} tasks in {depth} wave{}, at most {width}{} at once",
                plural(depth),
                if width >= WIDTH_CAP { "+" } else { "" }
            );
            if let Some(b) = blocker {
                line.push_str(&format!(" ({})", conflict_words(b)));
            }
            line
        }
    }
}

/// Of two overlapping patterns, the one that names less (the path both touch).
pub fn narrower<'a>(a: &'a str, b: &'a str) -> &'a str {
    let wild = |s: &str| s.matches(['*', '?', '[']).count();
    if (wild(a), std::cmp::Reverse(a.len())) <= (wild(b), std::cmp::Reverse(b.len())) {
        a
    } else {
        b
    }
}

fn overall_shape(
    plan: &Plan,
    flow: &Flow,
    phases: &[PhaseScenario],
    flat: bool,
) -> (Shape, String) {
    let real: Vec<&PhaseScenario> = phases
        .iter()
        .filter(|p| p.shape != PhaseShape::Empty)
        .collect();
    let name = |p: &PhaseScenario| phase_name(plan, p.phase);
    if real.is_empty() {
        return (Shape::RelayRace, "the plan has no tasks".to_string());
    }
    // Phases that may overlap their predecessor run as one stretch of work.
    let one_stage = real.iter().skip(1).all(|p| flow.overlaps_previous[p.phase]);
    let all_fan_out = real
        .iter()
        .all(|p| matches!(p.shape, PhaseShape::Parallel | PhaseShape::Single));
    if one_stage && flat && all_fan_out && (real.len() > 1 || real[0].shape == PhaseShape::Parallel)
    {
        let tasks: usize = real.iter().map(|p| p.tasks).sum();
        return (
            Shape::TrueParallel,
            format!("all {tasks} tasks can start at once: no dependencies, disjoint files"),
        );
    }
    if real.iter().all(|p| p.shape.is_chain()) {
        let reason = if real.len() == 1 && real[0].depth < real[0].tasks {
            // Not a chain: its tasks could start together but must not (shared or unknown
            // files), which the lanes and the recommendation follow too.
            format!(
                "{} runs one task at a time (its tasks share files or name none): one session at a time",
                name(real[0])
            )
        } else if real.len() == 1 {
            format!("{} is a single chain: one session at a time", name(real[0]))
        } else {
            format!(
                "each of the {} phases is a chain that needs the one before: one fresh session per phase",
                real.len()
            )
        };
        return (Shape::RelayRace, reason);
    }
    // A relay with a short stretch where two runners run side by side is still a relay.
    let chains = real.iter().filter(|p| p.shape.is_chain()).count();
    let side_by_side: Vec<&PhaseScenario> = real
        .iter()
        .copied()
        .filter(|p| !p.shape.is_chain())
        .collect();
    if real.len() >= 3 && chains * 3 >= real.len() * 2 && side_by_side.iter().all(|p| p.width <= 2)
    {
        let names: Vec<String> = side_by_side.iter().map(|p| name(p)).collect();
        return (
            Shape::RelayRace,
            format!(
                "{chains} of {} phases are chains that each need the one before, and {} runs only 2 tasks side by side: one fresh session per phase",
                real.len(),
                some(&names)
            ),
        );
    }
    let parallel: Vec<&PhaseScenario> = real
        .iter()
        .copied()
        .filter(|p| p.shape == PhaseShape::Parallel)
        .collect();
    if real.len() > 1
        && real
            .iter()
            .all(|p| p.shape.is_chain() || p.shape == PhaseShape::Parallel)
    {
        let chains: Vec<String> = real
            .iter()
            .filter(|p| p.shape.is_chain())
            .map(|p| name(p))
            .collect();
        let fans: Vec<String> = parallel.iter().map(|p| name(p)).collect();
        let reason = if chains.is_empty() {
            format!(
                "phases run one after another, each fanning out: {}",
                some(&fans)
            )
        } else {
            format!(
                "{} run{} as a chain; {} fan{} out",
                some(&chains),
                if chains.len() == 1 { "s" } else { "" },
                some(&fans),
                if fans.len() == 1 { "s" } else { "" }
            )
        };
        return (Shape::PhasedParallel, reason);
    }
    let partly: Vec<String> = real
        .iter()
        .filter(|p| p.shape == PhaseShape::PartlyParallel)
        .map(|p| name(p))
        .collect();
    (
        Shape::Mixed,
        format!(
            "chains and fan-out mix inside {}: sessions wait on each other within a phase",
            some(&partly)
        ),
    )
}

/// "Phase 2: Features" as written, else "phase 2 (Features)", for reasons.
pub fn phase_name(plan: &Plan, phase: usize) -> String {
    let title = plan.phases[phase].title.as_str();
    if plan.phases[phase].number.is_some() {
        title.to_string()
    } else if title.is_empty() {
        format!("phase {}", phase + 1)
    } else {
        format!("phase {} ({title})", phase + 1)
    }
}

/// Up to three names, then how many more: reasons stay one line.
fn some(names: &[String]) -> String {
    match names.len() {
        0..=3 => names.join(", "),
        n => format!("{} and {} more", names[..2].join(", "), n - 2),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::id_index;
    use crate::plan::parse;

    fn classify_src(src: &str) -> Scenario {
        let plan = parse(src.as_bytes());
        let flow = Flow::build(&plan, &id_index(&plan)).expect("no cycle");
        let scopes = Scopes::build(&plan, false);
        classify(&plan, &flow, &scopes)
    }

    #[test]
    fn true_parallel() {
        let s = classify_src(
            "# P\n## Tasks\n- [ ] T1 a\n  - files: a/**\n- [x] T2 b\n  - files: b/**\n- [ ] T3 c\n  - files: c/**\n",
        );
        assert_eq!(s.overall, Shape::TrueParallel);
        assert_eq!(s.phases[0].shape, PhaseShape::Parallel);
        assert_eq!(
            s.reason,
            "all 3 tasks can start at once: no dependencies, disjoint files"
        );
    }

    #[test]
    fn relay_race() {
        let s = classify_src(
            "## Phase 1\n- [ ] T1 a\n  - files: a\n- [ ] T2 b\n  - files: b\n  - after: T1\n## Phase 2\n- [ ] T3 c\n  - files: c\n",
        );
        assert_eq!(s.overall, Shape::RelayRace);
        assert_eq!(
            [s.phases[0].shape, s.phases[1].shape],
            [PhaseShape::Sequential, PhaseShape::Single]
        );
        assert_eq!(
            s.phases[0].reason,
            "each of its 2 tasks waits for the one before"
        );
    }

    #[test]
    fn phased_parallel() {
        let s = classify_src(
            "## Phase 1: Foundation\n- [ ] T1 a\n  - files: db/**\n## Phase 2: Features\n- [ ] T2 b\n  - files: src/b/**\n- [ ] T3 c\n  - files: src/c/**\n",
        );
        assert_eq!(s.overall, Shape::PhasedParallel);
        assert_eq!(
            s.reason,
            "Phase 1: Foundation runs as a chain; Phase 2: Features fans out"
        );
    }

    #[test]
    fn conflicts_make_a_phase_sequential_and_unscoped_tasks_count() {
        let s = classify_src(
            "## Phase 1\n- [ ] T1 a\n  - files: Cargo.toml\n- [ ] T2 b\n  - files: Cargo.toml, src/**\n## Phase 2\n- [ ] T3 c\n- [ ] T4 d\n  - files: d/**\n- [ ] T5 e\n  - files: e/**\n  - after: T4\n",
        );
        assert_eq!(s.phases[0].shape, PhaseShape::Sequential);
        assert_eq!(
            s.phases[0].reason,
            "its 2 tasks can only run one at a time: T1 and T2 both write `Cargo.toml`"
        );
        assert_eq!(s.phases[1].shape, PhaseShape::Sequential);
        assert_eq!(s.overall, Shape::RelayRace);
    }

    #[test]
    fn mixed() {
        let s = classify_src(
            "## Phase 1\n- [ ] T1 a\n  - files: a/**\n- [ ] T2 b\n  - files: b/**\n- [ ] T3 c\n  - files: c/**\n  - after: T1\n",
        );
        assert_eq!(s.phases[0].shape, PhaseShape::PartlyParallel);
        assert_eq!(s.phases[0].reason, "3 tasks in 2 waves, at most 2 at once");
        assert_eq!(s.overall, Shape::Mixed);
    }
}
