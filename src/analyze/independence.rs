//! False independence: places where tasks that would run at the same time are not really
//! independent. Each finding has a stable code, the tasks, and the evidence that shows it:
//!
//! - A301 `scope-overlap`: tasks of one wave, or tasks marked `[P]` in one phase with no
//!   dependency between them, whose scopes can touch the same file;
//! - A302 `unscoped`: tasks that name no files, so nothing proves them independent;
//! - A303 `hot-spot`: a manifest, lockfile, migrations folder, schema, route table or module
//!   index in the scope of a task with parallel company: they tend to need it too;
//! - A304 `hidden-dependency`: a task whose text names another task's id, or a path in
//!   another task's scope, or in words uses what another task creates (see
//!   [`super::textdeps`]), with no dependency between them;
//! - A305 `co-change`: files of two parallel tasks' scopes that changed in the same commits.

use rustc_hash::{FxHashMap, FxHashSet};

use super::history::CoChange;
use super::scenario::narrower;
use crate::graph::IdIndex;
use crate::graph::flow::Flow;
use crate::graph::scope::{Pattern, Scopes};
use crate::plan::{Plan, Severity, Task, keys};

/// Candidate tasks looked at per path a task names, so one path in a huge scope list does
/// not turn into thousands of reachability searches.
const CANDIDATES_PER_PATH: usize = 32;

/// Pairs of `[P]` tasks in different waves checked for a path between them, per overlap.
const MARKED_PAIRS_CHECKED: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The tasks involved, in plan order.
    pub tasks: Vec<usize>,
    /// What shows it: scope entries, the words that name another task, commits.
    pub evidence: Vec<String>,
    pub hint: Option<String>,
}

impl Finding {
    pub(super) fn new(
        code: &'static str,
        name: &'static str,
        severity: Severity,
        message: String,
    ) -> Finding {
        Finding {
            code,
            name,
            severity,
            message,
            tasks: Vec::new(),
            evidence: Vec::new(),
            hint: None,
        }
    }
}

/// Errors first, then by the first task's place in the plan, then by code.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.tasks.first().cmp(&b.tasks.first()))
            .then(a.code.cmp(b.code))
            .then(a.message.cmp(&b.message))
    });
}

/// Every finding that needs only the plan (co-change needs git; see [`co_change`]).
pub fn findings(
    plan: &Plan,
    index: &IdIndex<'_>,
    flow: &Flow,
    scopes: &Scopes,
    wave_of: &[u32],
    waves: &[Vec<usize>],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let work = |t: usize| flow.is_work(t);
    // Per pattern, the open tasks that write it.
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); scopes.patterns.len()];
    for (t, patterns) in scopes.of_task.iter().enumerate() {
        if work(t) {
            for &p in patterns {
                holders[p as usize].push(t);
            }
        }
    }
    scope_overlaps(plan, flow, scopes, wave_of, &holders, &mut out);
    unscoped(plan, flow, scopes, &mut out);
    hot_spots(plan, scopes, waves, &mut out);
    hidden_dependencies(plan, index, flow, scopes, &holders, &mut out);
    super::textdeps::text_dependencies(plan, flow, scopes, &mut out);
    out
}

fn ids(plan: &Plan, tasks: &[usize]) -> String {
    let names: Vec<String> = tasks.iter().map(|&t| plan.tasks[t].display_id()).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] if rest.len() < 8 => format!("{} and {last}", rest.join(", ")),
        many => format!("{}, … ({} tasks)", many[..6].join(", "), many.len()),
    }
}

/// Two tasks can run at the same time: neither waits for the other, directly or not.
pub(super) fn concurrent(flow: &Flow, plan: &Plan, a: usize, b: usize) -> bool {
    if a == b {
        return false;
    }
    // Phase order alone settles most pairs without a search.
    let (pa, pb) = (plan.tasks[a].phase, plan.tasks[b].phase);
    let (early, late) = (pa.min(pb), pa.max(pb));
    if early != late && !(early + 1..=late).all(|k| flow.overlaps_previous[k]) {
        return false;
    }
    !flow.reaches(a, b) && !flow.reaches(b, a)
}

fn scope_overlaps(
    plan: &Plan,
    flow: &Flow,
    scopes: &Scopes,
    wave_of: &[u32],
    holders: &[Vec<usize>],
    out: &mut Vec<Finding>,
) {
    // One finding per group of tasks; a second overlapping pair of patterns between the
    // same tasks only adds evidence.
    let mut seen: FxHashMap<(u32, Vec<usize>), usize> = FxHashMap::default();
    let mut add = |tasks: Vec<usize>, wave: u32, p: u32, q: u32, out: &mut Vec<Finding>| {
        let (pt, qt) = (
            &scopes.patterns[p as usize].text,
            &scopes.patterns[q as usize].text,
        );
        let evidence: Vec<String> = tasks
            .iter()
            .map(|&t| {
                let mine: Vec<String> = scopes.of_task[t]
                    .iter()
                    .filter(|&&x| x == p || x == q)
                    .map(|&x| format!("`{}`", scopes.patterns[x as usize].text))
                    .collect();
                format!("{} writes {}", plan.tasks[t].display_id(), mine.join(", "))
            })
            .collect();
        if let Some(&at) = seen.get(&(wave, tasks.clone())) {
            let finding: &mut Finding = &mut out[at];
            for e in evidence {
                if !finding.evidence.contains(&e) {
                    finding.evidence.push(e);
                }
            }
            return;
        }
        let marked = tasks.iter().filter(|&&t| plan.tasks[t].parallel).count();
        let what = if p == q {
            format!("`{pt}`")
        } else {
            format!("`{}` (`{pt}` overlaps `{qt}`)", narrower(pt, qt))
        };
        let both = if tasks.len() == 2 { "both" } else { "all" };
        let when = if wave == 0 {
            "in the same phase with no dependency between them".to_string()
        } else {
            format!("in wave {wave}")
        };
        let (severity, message) = if marked >= 2 {
            (
                Severity::Error,
                format!(
                    "{} are marked [P] but {both} write {what}, {when}",
                    ids(plan, &tasks)
                ),
            )
        } else {
            (
                Severity::Warning,
                format!(
                    "{} could run together ({when}) but {both} write {what}",
                    ids(plan, &tasks)
                ),
            )
        };
        let mut finding = Finding::new("A301", "scope-overlap", severity, message);
        finding.tasks = tasks.clone();
        finding.evidence = evidence;
        finding.hint = Some(
            "give the shared file to one task, or add `after:` between them; until then baton runs them one at a time"
                .to_string(),
        );
        seen.insert((wave, tasks), out.len());
        out.push(finding);
    };

    for p in 0..scopes.patterns.len() as u32 {
        for &q in scopes.overlapping(p) {
            let (hp, hq) = (&holders[p as usize], &holders[q as usize]);
            // Most patterns belong to one task: nothing to compare.
            if q < p || hp.is_empty() || hq.is_empty() || (p == q && hp.len() < 2) {
                continue;
            }
            // Same wave.
            let mut by_wave: FxHashMap<u32, (Vec<usize>, Vec<usize>)> = FxHashMap::default();
            for &t in &holders[p as usize] {
                by_wave.entry(wave_of[t]).or_default().0.push(t);
            }
            if p != q {
                for &t in &holders[q as usize] {
                    by_wave.entry(wave_of[t]).or_default().1.push(t);
                }
            }
            let mut groups: Vec<(u32, Vec<usize>)> = by_wave
                .into_iter()
                .filter_map(|(wave, (a, b))| {
                    let clash = if p == q {
                        a.len() >= 2
                    } else {
                        a.iter().any(|x| b.iter().any(|y| x != y))
                    };
                    clash.then(|| {
                        let mut tasks: Vec<usize> = a.into_iter().chain(b).collect();
                        tasks.sort_unstable();
                        tasks.dedup();
                        (wave, tasks)
                    })
                })
                .collect();
            groups.sort();
            for (wave, tasks) in groups {
                add(tasks, wave, p, q, out);
            }
            // Tasks marked [P] in one phase but different waves, with no path between them.
            let marked = |list: &[usize]| -> Vec<usize> {
                list.iter()
                    .copied()
                    .filter(|&t| plan.tasks[t].parallel)
                    .collect()
            };
            let (a, b) = (marked(&holders[p as usize]), marked(&holders[q as usize]));
            let mut checked = 0;
            let mut pairs: Vec<(usize, usize)> = Vec::new();
            'outer: for &x in &a {
                for &y in &b {
                    let (x, y) = (x.min(y), x.max(y));
                    if x == y
                        || wave_of[x] == wave_of[y]
                        || plan.tasks[x].phase != plan.tasks[y].phase
                        || pairs.contains(&(x, y))
                    {
                        continue;
                    }
                    checked += 1;
                    if checked > MARKED_PAIRS_CHECKED {
                        break 'outer;
                    }
                    if concurrent(flow, plan, x, y) {
                        pairs.push((x, y));
                    }
                }
            }
            pairs.sort_unstable();
            for (x, y) in pairs {
                add(vec![x, y], 0, p, q, out);
            }
        }
    }
}

fn unscoped(plan: &Plan, flow: &Flow, scopes: &Scopes, out: &mut Vec<Finding>) {
    for phase in &plan.phases {
        let open: Vec<usize> = phase
            .tasks
            .iter()
            .copied()
            .filter(|&t| flow.is_work(t))
            .collect();
        if open.len() < 2 {
            continue;
        }
        let bare: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&t| scopes.exclusive[t])
            .collect();
        if bare.is_empty() {
            continue;
        }
        let mut finding = Finding::new(
            "A302",
            "unscoped",
            Severity::Warning,
            if bare.len() == 1 {
                format!(
                    "{} names no files: nothing proves it independent, so it runs alone",
                    ids(plan, &bare)
                )
            } else {
                format!(
                    "{} name no files: nothing proves them independent, so each runs alone",
                    ids(plan, &bare)
                )
            },
        );
        finding.evidence = bare
            .iter()
            .map(|&t| {
                format!(
                    "{} (line {}) has no `files:` and names no path",
                    plan.tasks[t].display_id(),
                    plan.tasks[t].line_span.line
                )
            })
            .collect();
        finding.tasks = bare;
        finding.hint = Some(
            "add `files:` with the paths each task writes, or pass --assume-independent"
                .to_string(),
        );
        out.push(finding);
    }
}

/// The kind of shared file a pattern names, if it is one that parallel work tends to need.
pub fn hot_spot(pattern: &str) -> Option<&'static str> {
    let segments: Vec<&str> = pattern.split('/').collect();
    if segments
        .iter()
        .any(|s| matches!(*s, "migrations" | "migrate" | "alembic"))
    {
        return Some("migrations folder");
    }
    let name = *segments.last()?;
    if name.contains(['*', '?', '[']) {
        return None;
    }
    let stem = name.split('.').next().unwrap_or(name);
    let kind = match name {
        "Cargo.toml" | "package.json" | "pyproject.toml" | "setup.py" | "setup.cfg" | "go.mod"
        | "Gemfile" | "composer.json" | "pom.xml" | "build.gradle" | "build.gradle.kts"
        | "requirements.txt" | "Pipfile" | "deno.json" | "mix.exs" => "manifest",
        "Cargo.lock"
        | "package-lock.json"
        | "npm-shrinkwrap.json"
        | "pnpm-lock.yaml"
        | "yarn.lock"
        | "poetry.lock"
        | "uv.lock"
        | "Pipfile.lock"
        | "Gemfile.lock"
        | "go.sum"
        | "composer.lock"
        | "bun.lockb"
        | "bun.lock"
        | "mix.lock" => "lockfile",
        "mod.rs" | "lib.rs" | "main.rs" | "__init__.py" => "module index",
        _ if stem == "index"
            && matches!(
                name.rsplit('.').next(),
                Some("ts" | "tsx" | "js" | "jsx" | "mjs")
            ) =>
        {
            "module index"
        }
        _ if stem == "schema" || name.ends_with(".prisma") || name.ends_with(".graphql") => {
            "schema file"
        }
        _ if matches!(stem, "routes" | "router" | "urls" | "routing") => "route table",
        _ => return None,
    };
    Some(kind)
}

fn hot_spots(plan: &Plan, scopes: &Scopes, waves: &[Vec<usize>], out: &mut Vec<Finding>) {
    for (w, wave) in waves.iter().enumerate() {
        if wave.len() < 2 {
            continue;
        }
        let mut by_spot: Vec<(u32, &'static str, Vec<usize>)> = Vec::new();
        for &t in wave {
            for &p in &scopes.of_task[t] {
                let Some(kind) = hot_spot(&scopes.patterns[p as usize].text) else {
                    continue;
                };
                match by_spot.iter_mut().find(|(q, _, _)| *q == p) {
                    Some((_, _, tasks)) => tasks.push(t),
                    None => by_spot.push((p, kind, vec![t])),
                }
            }
        }
        for (p, kind, tasks) in by_spot {
            let text = &scopes.patterns[p as usize].text;
            let others = wave.len() - tasks.len();
            let message = if tasks.len() == 1 {
                format!(
                    "`{text}` ({kind}) is in {}'s scope while {others} other task{} run{} in wave {}: parallel work usually needs to change it too",
                    ids(plan, &tasks),
                    if others == 1 { "" } else { "s" },
                    if others == 1 { "s" } else { "" },
                    w + 1
                )
            } else {
                format!(
                    "`{text}` ({kind}) is written by {} in wave {}",
                    ids(plan, &tasks),
                    w + 1
                )
            };
            let mut finding = Finding::new("A303", "hot-spot", Severity::Warning, message);
            finding.evidence = tasks
                .iter()
                .map(|&t| format!("{} writes `{text}`", plan.tasks[t].display_id()))
                .collect();
            finding.tasks = tasks;
            finding.hint = Some(format!(
                "let one early task own `{text}` (others log what they need with `baton decide`), or sequence the tasks"
            ));
            out.push(finding);
        }
    }
}

/// Words that, just before a task id, say the task comes after it.
const ORDER_WORDS: &[&str] = &[
    "after",
    "once",
    "requires",
    "require",
    "needs",
    "need",
    "using",
    "uses",
    "from",
    "following",
    "depends",
    "extends",
    "builds",
    "reuses",
    "until",
    "waits",
];

/// The text a task says things in: title, notes, done-when and acceptance items.
fn texts(task: &Task) -> impl Iterator<Item = &str> {
    std::iter::once(task.title.as_str())
        .chain(task.notes.iter().map(String::as_str))
        .chain(task.done_when.iter().map(String::as_str))
        .chain(task.acceptance.iter().map(|a| a.text.as_str()))
}

fn hidden_dependencies(
    plan: &Plan,
    index: &IdIndex<'_>,
    flow: &Flow,
    scopes: &Scopes,
    holders: &[Vec<usize>],
    out: &mut Vec<Finding>,
) {
    for task in &plan.tasks {
        let t = task.index;
        if !flow.is_work(t) {
            continue;
        }
        let mut reported: FxHashSet<usize> = FxHashSet::default();
        // Ids of other tasks, with the words before them.
        for text in texts(task) {
            let words: Vec<&str> = text
                .split(|c: char| {
                    c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '`' | '"')
                })
                .filter(|w| !w.is_empty())
                .collect();
            for (i, word) in words.iter().enumerate() {
                let word = word.trim_end_matches(['.', ':', '!', '?']);
                let Some(&u) = index.get(word) else { continue };
                if u == t
                    || reported.contains(&u)
                    || related(plan, t, u)
                    || !concurrent(flow, plan, t, u)
                {
                    continue;
                }
                // The earliest order word among the few before the id starts the phrase.
                let window = i.saturating_sub(4);
                let order = (window..i)
                    .find(|&j| ORDER_WORDS.contains(&words[j].to_lowercase().as_str()))
                    .map(|j| words[j..=i].join(" "));
                let other = plan.tasks[u].display_id();
                let me = task.display_id();
                let message = match order {
                    Some(phrase) => format!(
                        "{me} says \"{phrase}\" but does not wait for {other}, and they could run together"
                    ),
                    None => format!(
                        "{me} mentions {other}, but neither waits for the other and they could run together"
                    ),
                };
                let mut finding =
                    Finding::new("A304", "hidden-dependency", Severity::Warning, message);
                finding.tasks = sorted(vec![t, u]);
                finding.evidence = vec![format!("{me} (line {}): {text}", task.line_span.line)];
                finding.hint = Some(format!(
                    "add `after: {other}` to {me} if it needs {other}'s work"
                ));
                out.push(finding);
                reported.insert(u);
            }
        }
        // Paths the task names or reads that lie in another task's scope.
        let own: Vec<&Pattern> = scopes.of_task[t]
            .iter()
            .map(|&p| &scopes.patterns[p as usize])
            .collect();
        let mut named: Vec<(String, &'static str)> = Vec::new();
        if task.scope_source == crate::plan::ScopeSource::Declared {
            for text in texts(task) {
                for path in keys::paths_in(text) {
                    named.push((path, "names"));
                }
            }
        }
        for read in &task.reads {
            for path in keys::expand_braces(read) {
                named.push((path, "reads"));
            }
        }
        for (path, verb) in named {
            let pattern = Pattern::new(&path);
            if verb == "names"
                && own
                    .iter()
                    .any(|o| crate::graph::scope::overlaps(o, &pattern))
            {
                continue;
            }
            let mut looked = 0;
            for p in scopes.overlapping_pattern(&pattern) {
                for &u in &holders[p as usize] {
                    if u == t || reported.contains(&u) || related(plan, t, u) {
                        continue;
                    }
                    looked += 1;
                    if looked > CANDIDATES_PER_PATH {
                        break;
                    }
                    if !concurrent(flow, plan, t, u) {
                        continue;
                    }
                    let (me, other) = (task.display_id(), plan.tasks[u].display_id());
                    let theirs = &scopes.patterns[p as usize].text;
                    let mut finding = Finding::new(
                        "A304",
                        "hidden-dependency",
                        Severity::Warning,
                        format!(
                            "{me} {verb} `{path}`, which {other} writes (`{theirs}`), but neither waits for the other"
                        ),
                    );
                    finding.tasks = sorted(vec![t, u]);
                    finding.evidence = vec![
                        format!("{me} (line {}) {verb} `{path}`", task.line_span.line),
                        format!("{other} writes `{theirs}`"),
                    ];
                    finding.hint = Some(format!(
                        "add `after: {other}` to {me}, or move `{path}` into one scope"
                    ));
                    out.push(finding);
                    reported.insert(u);
                }
            }
        }
    }
}

/// A task and its group of sub-tasks are not independent work to begin with.
pub(super) fn related(plan: &Plan, a: usize, b: usize) -> bool {
    let ancestor = |mut x: usize, y: usize| {
        while let Some(p) = plan.tasks[x].parent {
            if p == y {
                return true;
            }
            x = p;
        }
        false
    };
    ancestor(a, b) || ancestor(b, a)
}

pub(super) fn sorted(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v.dedup();
    v
}

/// A co-change pair from the git history as a finding.
pub fn co_change(plan: &Plan, pair: &CoChange, min: u32) -> Finding {
    let (a, b) = (
        plan.tasks[pair.a].display_id(),
        plan.tasks[pair.b].display_id(),
    );
    let mut finding = Finding::new(
        "A305",
        "co-change",
        Severity::Warning,
        format!(
            "files of {a} and {b} changed together in {} commits (at least {min} asked), though they could run together",
            pair.commits
        ),
    );
    finding.tasks = sorted(vec![pair.a, pair.b]);
    finding.evidence = vec![
        format!("{a}: {}", pair.a_files.join(", ")),
        format!("{b}: {}", pair.b_files.join(", ")),
        format!("latest such commit: {}", pair.example_commit),
    ];
    finding.hint = Some(format!(
        "the scopes look disjoint but the code is coupled: add `after:` between {a} and {b}, or merge them"
    ));
    finding
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Options, analyze};
    use crate::plan::parse;

    fn run(src: &str) -> Vec<(String, String, Vec<String>)> {
        let plan = parse(src.as_bytes());
        let analysis = analyze(&plan, &Options::default()).expect("no cycle");
        analysis
            .findings
            .iter()
            .map(|f| {
                (
                    f.code.to_string(),
                    f.message.clone(),
                    f.tasks
                        .iter()
                        .map(|&t| plan.tasks[t].display_id())
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn marked_parallel_tasks_that_share_a_file() {
        let found = run(
            "## Phase 1\n- [ ] T1 [P] a\n  - files: src/models/user.py\n- [ ] T2 [P] b\n  - files: src/models/**\n- [ ] T3 [P] c\n  - files: src/views/**\n",
        );
        assert_eq!(
            found,
            [(
                "A301".to_string(),
                "T1 and T2 are marked [P] but both write `src/models/user.py` (`src/models/user.py` overlaps `src/models/**`), in wave 1".to_string(),
                vec!["T1".to_string(), "T2".to_string()]
            )]
        );
    }

    #[test]
    fn marked_tasks_in_different_waves_without_a_path() {
        let found = run(
            "## Phase 1\n- [ ] T1 a\n  - files: x/**\n- [ ] T2 [P] b\n  - files: Makefile\n  - after: T1\n- [ ] T3 [P] c\n  - files: Makefile\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "A301");
        assert_eq!(
            found[0].1,
            "T2 and T3 are marked [P] but both write `Makefile`, in the same phase with no dependency between them"
        );
    }

    #[test]
    fn unscoped_and_hot_spots() {
        let found = run(
            "## Phase 1\n- [ ] T1 a\n  - files: Cargo.toml, src/a/**\n- [ ] T2 b\n  - files: src/b/**\n- [ ] T3 c\n",
        );
        let codes: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(codes, ["A303", "A302"]);
        assert_eq!(
            found[0].1,
            "`Cargo.toml` (manifest) is in T1's scope while 2 other tasks run in wave 1: parallel work usually needs to change it too"
        );
        assert_eq!(
            found[1].1,
            "T3 names no files: nothing proves it independent, so it runs alone"
        );
    }

    #[test]
    fn hidden_dependencies_by_id_and_by_path() {
        let found = run(
            "## Phase 1\n- [ ] T1 Schema\n  - files: db/schema.sql\n- [ ] T2 API using the schema from T1\n  - files: src/api/**\n- [ ] T3 UI\n  - files: src/ui/**\n  - reads: src/api/client.rs\n- [ ] T4 Docs\n  - files: docs/**\n  - after: T1\n  - Mention T1 in the docs\n",
        );
        let a304: Vec<&(String, String, Vec<String>)> =
            found.iter().filter(|f| f.0 == "A304").collect();
        assert_eq!(a304.len(), 2, "{found:?}");
        assert_eq!(
            a304[0].1,
            "T2 says \"using the schema from T1\" but does not wait for T1, and they could run together"
        );
        assert_eq!(
            a304[1].1,
            "T3 reads `src/api/client.rs`, which T2 writes (`src/api/**`), but neither waits for the other"
        );
    }

    #[test]
    fn hot_spot_kinds() {
        assert_eq!(hot_spot("Cargo.lock"), Some("lockfile"));
        assert_eq!(hot_spot("db/migrations/**"), Some("migrations folder"));
        assert_eq!(hot_spot("prisma/schema.prisma"), Some("schema file"));
        assert_eq!(hot_spot("src/routes.ts"), Some("route table"));
        assert_eq!(hot_spot("web/src/index.tsx"), Some("module index"));
        assert_eq!(hot_spot("src/auth/**"), None);
        assert_eq!(hot_spot("src/index.md"), None);
    }
}
