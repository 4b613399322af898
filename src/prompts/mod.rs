//! Session prompts behind `baton prompts`: one short Markdown brief per lane of a phase.
//!
//! A coding-agent session starts with no memory. Everything it needs to work safely next to
//! other sessions has to be in its first message: the big picture, its own tasks in order,
//! the files it may write and the ones other sessions own, what earlier work produced, and
//! the rules for claiming, logging deviations and stopping. This module gathers that from
//! the plan and the analysis' lanes into a plain serializable context ([`SessionContext`],
//! a view kept apart from the plan model so templates do not break when the model changes)
//! and renders it with a minijinja template, the embedded [`DEFAULT_TEMPLATE`] or a
//! user's override.
//!
//! Pure: no file reads, no printing. The caller finds and reads an override template and
//! decides how to show [`PromptError`]s.

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::analyze::Analysis;
use crate::graph::{IdIndex, id_index};
use crate::plan::{Plan, ScopeSource, Status, Task};

/// The template used when the plan has no override.
pub const DEFAULT_TEMPLATE: &str = include_str!("templates/session.md.j2");

/// The name the embedded template goes by in error messages.
pub const DEFAULT_TEMPLATE_NAME: &str = "session.md.j2 (built in)";

/// Why no prompts could be made.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error("the plan has no phase {number} (it has {count})")]
    UnknownPhase { number: usize, count: usize },
    #[error("phase {number} \"{title}\" has no open tasks: nothing to hand out")]
    NothingOpen { number: usize, title: String },
    /// The template did not parse or did not render. `line` is 1-based, when known;
    /// `excerpt` is that line of the template, trimmed.
    #[error(
        "{name}{}: {message}{}",
        line.map(|l| format!(":{l}")).unwrap_or_default(),
        excerpt.as_ref().map(|e| format!(" in `{e}`")).unwrap_or_default()
    )]
    Template {
        name: String,
        line: Option<usize>,
        message: String,
        excerpt: Option<String>,
    },
}

/// A template to render with: its text and the name errors should point at.
#[derive(Debug, Clone, Copy)]
pub struct TemplateSource<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

impl TemplateSource<'static> {
    pub fn builtin() -> TemplateSource<'static> {
        TemplateSource {
            name: DEFAULT_TEMPLATE_NAME,
            text: DEFAULT_TEMPLATE,
        }
    }
}

/// What the caller knows that the plan does not.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// 0-based index into `plan.phases`.
    pub phase: usize,
    /// The plan file as the sessions should see it named.
    pub plan_file: &'a str,
    /// Tasks other sessions hold under a live claim, by id: the holder's name. A prompt marks
    /// them held, so a session does not start work another session is doing.
    pub held: Option<&'a std::collections::HashMap<String, String>>,
    /// The name every session's commands use (`--by NAME`); None: `session-<n>`, each its
    /// own. `baton run` passes `"$BATON_SESSION"`: its sessions hold their claims as
    /// `run-<run>/<unit>`, which their environment carries.
    pub session_name: Option<&'a str>,
}

/// All prompts for one phase.
#[derive(Debug)]
pub struct Prompts {
    /// 0-based phase index.
    pub phase: usize,
    /// Sessions the analysis laid lanes out for; more than `prompts.len()` when the phase
    /// has too little parallel work to fill them.
    pub sessions: u32,
    pub prompts: Vec<Prompt>,
}

/// One rendered prompt and the facts it was made from.
#[derive(Debug)]
pub struct Prompt {
    pub context: SessionContext,
    pub text: String,
    /// [`estimate_tokens`] of `text`.
    pub tokens: usize,
}

/// A rough token count: bytes / 4, rounded up. Real tokenizers differ by model; this is
/// only meant to show when a prompt is growing too long.
pub fn estimate_tokens(text: &str) -> usize {
    text.len().div_ceil(4)
}

/// Everything a session template can use. Field names are the template's variables
/// (documented in docs/prompts.md); every field is always present, so a misspelt name in a
/// template fails instead of rendering as nothing.
#[derive(Debug, Clone, Serialize)]
pub struct SessionContext {
    /// The plan's `#` title, or none.
    pub plan_title: Option<String>,
    pub plan_file: String,
    /// The overview section's body as written, trimmed; none when the plan has none.
    pub overview: Option<String>,
    pub phase: PhaseRef,
    /// This session's number (as in `baton analyze`'s lanes).
    pub session: u32,
    /// How many sessions get a prompt for this phase.
    pub sessions: usize,
    /// The name to claim with: `session-<n>`.
    pub session_name: String,
    /// This session's tasks, in the order to do them.
    pub tasks: Vec<TaskContext>,
    /// Write scopes this session alone holds in this phase.
    pub owns: Vec<OwnedPath>,
    /// Write scopes this session's tasks share with other sessions' tasks.
    pub shared: Vec<SharedPath>,
    /// Other sessions' write scopes in this phase.
    pub must_not_modify: Vec<ForeignPath>,
    /// Ids of this session's tasks that name no files.
    pub unscoped: Vec<String>,
    /// Done tasks this session's tasks depend on directly.
    pub upstream: Vec<UpstreamTask>,
    /// Decision log entries that mention an upstream task or one of this session's tasks.
    pub decisions: Vec<String>,
    /// Earlier phases whose tasks are all closed.
    pub completed_phases: Vec<PhaseRef>,
    /// Earlier phases with open tasks (when prompts are made ahead for a later phase).
    pub unfinished_phases: Vec<PhaseRef>,
    /// The next phase with open tasks, if any: where the session must not go on to.
    pub next_phase: Option<PhaseRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhaseRef {
    /// 1-based, as `baton status` shows it.
    pub number: usize,
    /// The heading as written, or `Phase N` for the implicit phase before any heading.
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskContext {
    /// The id, or `line N` for a task without one.
    pub id: String,
    pub title: String,
    /// `todo` or `in-progress`.
    pub status: &'static str,
    pub files: Vec<String>,
    /// `declared`, `inferred` or `none`.
    pub scope: &'static str,
    pub reads: Vec<String>,
    /// Plain sub-items under the task, as written.
    pub notes: Vec<String>,
    pub acceptance: Vec<AcceptanceContext>,
    pub done_when: Vec<String>,
    pub verify: Vec<String>,
    pub estimate: Option<String>,
    /// Open dependencies outside this session's own earlier tasks.
    pub waits_for: Vec<Waiting>,
    /// The session that holds the task under a live claim, when one does.
    pub held_by: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AcceptanceContext {
    pub text: String,
    pub done: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Waiting {
    pub id: String,
    /// The session whose lane holds it in this phase; none when it is not in this phase.
    pub session: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnedPath {
    pub path: String,
    /// Ids of this session's tasks that write it.
    pub tasks: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SharedPath {
    pub path: String,
    /// The other sessions whose tasks also write it.
    pub sessions: Vec<u32>,
    /// Ids of those other sessions' tasks.
    pub tasks: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ForeignPath {
    pub path: String,
    pub session: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpstreamTask {
    pub id: String,
    pub title: String,
    /// 1-based phase number.
    pub phase: usize,
    /// Its write scope: what it produced, as far as the plan says.
    pub files: Vec<String>,
}

/// Builds the contexts for every lane of `request.phase` and renders them with `template`.
pub fn prompts(
    plan: &Plan,
    analysis: &Analysis,
    request: &Request<'_>,
    template: TemplateSource<'_>,
) -> Result<Prompts, PromptError> {
    let contexts = contexts(plan, analysis, request)?;
    let env = environment();
    let prompts = contexts
        .into_iter()
        .map(|context| {
            let text = render(&env, template, &context)?;
            let tokens = estimate_tokens(&text);
            Ok(Prompt {
                context,
                text,
                tokens,
            })
        })
        .collect::<Result<Vec<_>, PromptError>>()?;
    Ok(Prompts {
        phase: request.phase,
        sessions: analysis.schedule.sessions,
        prompts,
    })
}

/// One context per lane of the phase, in session order.
pub fn contexts(
    plan: &Plan,
    analysis: &Analysis,
    request: &Request<'_>,
) -> Result<Vec<SessionContext>, PromptError> {
    let phase = request.phase;
    let Some(this_phase) = plan.phases.get(phase) else {
        return Err(PromptError::UnknownPhase {
            number: phase + 1,
            count: plan.phases.len(),
        });
    };
    let lanes: Vec<_> = analysis
        .schedule
        .lanes
        .iter()
        .filter(|l| l.phase == phase && !l.slots.is_empty())
        .collect();
    if lanes.is_empty() {
        return Err(PromptError::NothingOpen {
            number: phase + 1,
            title: phase_title(plan, phase),
        });
    }
    let index = id_index(plan);
    let session_of: FxHashMap<usize, u32> = lanes
        .iter()
        .flat_map(|l| l.slots.iter().map(|s| (s.task, l.session)))
        .collect();
    let lane_of_task = |t: usize| session_of.get(&t).copied();
    // Who writes each path in this phase, in lane and task order: (session, task).
    let mut writers: FxHashMap<&str, Vec<(u32, usize)>> = FxHashMap::default();
    // Each lane's write scopes, deduplicated, in task order.
    let mut scopes: Vec<Vec<&str>> = Vec::with_capacity(lanes.len());
    for lane in &lanes {
        let mut paths: Vec<&str> = Vec::new();
        for slot in &lane.slots {
            for f in &plan.tasks[slot.task].files {
                let entry = writers.entry(f.as_str()).or_default();
                if !entry.iter().any(|&(s, _)| s == lane.session) {
                    paths.push(f.as_str());
                }
                entry.push((lane.session, slot.task));
            }
        }
        scopes.push(paths);
    }

    let completed_phases: Vec<PhaseRef> = plan.phases[..phase]
        .iter()
        .filter(|p| !p.tasks.is_empty() && p.tasks.iter().all(|&t| closed(plan, t)))
        .map(|p| phase_ref(plan, p.index))
        .collect();
    let unfinished_phases: Vec<PhaseRef> = plan.phases[..phase]
        .iter()
        .filter(|p| p.tasks.iter().any(|&t| !closed(plan, t)))
        .map(|p| phase_ref(plan, p.index))
        .collect();
    let next_phase = plan.phases[phase + 1..]
        .iter()
        .find(|p| p.tasks.iter().any(|&t| !closed(plan, t)))
        .map(|p| phase_ref(plan, p.index));

    let mut out = Vec::with_capacity(lanes.len());
    for (i, lane) in lanes.iter().enumerate() {
        let own: Vec<usize> = lane.slots.iter().map(|s| s.task).collect();
        let own_set: FxHashSet<usize> = own.iter().copied().collect();
        let mut owns: Vec<OwnedPath> = Vec::new();
        let mut shared: Vec<SharedPath> = Vec::new();
        for &path in &scopes[i] {
            let all = writers.get(path).map_or(&[][..], Vec::as_slice);
            let (mine, theirs): (Vec<_>, Vec<_>) =
                all.iter().partition(|&&(s, _)| s == lane.session);
            if theirs.is_empty() {
                owns.push(OwnedPath {
                    path: path.to_string(),
                    tasks: mine
                        .iter()
                        .map(|&&(_, t)| plan.tasks[t].display_id())
                        .collect(),
                });
            } else {
                let mut sessions: Vec<u32> = theirs.iter().map(|&&(s, _)| s).collect();
                sessions.dedup();
                shared.push(SharedPath {
                    path: path.to_string(),
                    sessions,
                    tasks: theirs
                        .iter()
                        .map(|&&(_, t)| plan.tasks[t].display_id())
                        .collect(),
                });
            }
        }
        let mut must_not_modify = Vec::new();
        for (other, paths) in lanes.iter().zip(&scopes) {
            if other.session == lane.session {
                continue;
            }
            for &path in paths {
                let also_mine = writers
                    .get(path)
                    .is_some_and(|w| w.iter().any(|&(s, _)| s == lane.session));
                if !also_mine {
                    must_not_modify.push(ForeignPath {
                        path: path.to_string(),
                        session: other.session,
                    });
                }
            }
        }

        let upstream_idx = upstream_done(plan, &index, &own_set);
        let ids: Vec<&str> = own
            .iter()
            .chain(&upstream_idx)
            .filter_map(|&t| plan.tasks[t].id.as_deref())
            .collect();
        let decisions = plan
            .decisions
            .iter()
            .flat_map(|log| &log.entries)
            .filter(|d| ids.iter().any(|id| mentions(&d.text, id)))
            .map(|d| d.text.trim().to_string())
            .collect();

        let tasks = own
            .iter()
            .map(|&t| {
                let mut context =
                    task_context(plan, &index, &plan.tasks[t], &own_set, &lane_of_task);
                context.held_by = plan.tasks[t]
                    .id
                    .as_ref()
                    .and_then(|id| request.held?.get(id).cloned());
                context
            })
            .collect();
        out.push(SessionContext {
            plan_title: plan.title.clone(),
            plan_file: request.plan_file.to_string(),
            overview: plan
                .overview
                .as_ref()
                .map(|s| s.text.trim().to_string())
                .filter(|s| !s.is_empty()),
            phase: phase_ref(plan, this_phase.index),
            session: lane.session,
            sessions: lanes.len(),
            session_name: request
                .session_name
                .map_or_else(|| format!("session-{}", lane.session), str::to_string),
            tasks,
            owns,
            shared,
            must_not_modify,
            unscoped: own
                .iter()
                .filter(|&&t| plan.tasks[t].scope_source == ScopeSource::None)
                .map(|&t| plan.tasks[t].display_id())
                .collect(),
            upstream: upstream_idx
                .iter()
                .map(|&t| {
                    let task = &plan.tasks[t];
                    UpstreamTask {
                        id: task.display_id(),
                        title: task.title.clone(),
                        phase: task.phase + 1,
                        files: task.files.to_vec(),
                    }
                })
                .collect(),
            decisions,
            completed_phases: completed_phases.clone(),
            unfinished_phases: unfinished_phases.clone(),
            next_phase: next_phase.clone(),
        });
    }
    Ok(out)
}

fn closed(plan: &Plan, t: usize) -> bool {
    plan.tasks[t].status.is_closed()
}

fn phase_title(plan: &Plan, phase: usize) -> String {
    let title = plan.phases[phase].title.trim();
    if title.is_empty() {
        format!("Phase {}", phase + 1)
    } else {
        title.to_string()
    }
}

fn phase_ref(plan: &Plan, phase: usize) -> PhaseRef {
    PhaseRef {
        number: phase + 1,
        title: phase_title(plan, phase),
    }
}

/// Done tasks that any of `own` waits for directly, in plan order. `task.deps` already
/// holds the `blocks` of other tasks.
fn upstream_done(plan: &Plan, index: &IdIndex<'_>, own: &FxHashSet<usize>) -> Vec<usize> {
    let mut found: Vec<usize> = own
        .iter()
        .flat_map(|&t| &plan.tasks[t].deps)
        .filter_map(|d| index.get(d.id.as_str()).copied())
        .filter(|&d| plan.tasks[d].status == Status::Done && !own.contains(&d))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

fn task_context(
    plan: &Plan,
    index: &IdIndex<'_>,
    task: &Task,
    own: &FxHashSet<usize>,
    lane_of_task: &impl Fn(usize) -> Option<u32>,
) -> TaskContext {
    let mut waits_for: Vec<Waiting> = Vec::new();
    for dep in &task.deps {
        let Some(&d) = index.get(dep.id.as_str()) else {
            continue;
        };
        // The session's own earlier tasks come first by the lane's order; not worth a line.
        if closed(plan, d) || own.contains(&d) || waits_for.iter().any(|w| w.id == dep.id) {
            continue;
        }
        waits_for.push(Waiting {
            id: dep.id.clone(),
            session: lane_of_task(d),
        });
    }
    TaskContext {
        id: task.display_id(),
        title: task.title.clone(),
        status: task.status.as_str(),
        files: task.files.to_vec(),
        scope: match task.scope_source {
            ScopeSource::Declared => "declared",
            ScopeSource::Inferred => "inferred",
            ScopeSource::None => "none",
        },
        reads: task.reads.to_vec(),
        notes: task.notes.to_vec(),
        acceptance: task
            .acceptance
            .iter()
            .map(|a| AcceptanceContext {
                text: a.text.clone(),
                done: a.status == Status::Done,
            })
            .collect(),
        done_when: task.done_when.to_vec(),
        verify: task.verify.to_vec(),
        estimate: task.estimate.clone(),
        waits_for,
        held_by: None,
    }
}

/// Whether `text` names the id `id` as a whole word: `T1` is not mentioned by `T10`, and
/// `1.2` is not mentioned by `1.2.3`.
fn mentions(text: &str, id: &str) -> bool {
    if id.is_empty() {
        return false;
    }
    let word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(id).any(|(at, _)| {
        let before = text[..at].chars().rev();
        let after = text[at + id.len()..].chars();
        edge_ok(before, word) && edge_ok(after, word)
    })
}

/// The characters next to a match, nearest first: a word character continues the id, and
/// so does `.` or `-` followed by one (as in `1.2.3` or `AUTH-12`).
fn edge_ok(mut side: impl Iterator<Item = char>, word: impl Fn(char) -> bool) -> bool {
    match side.next() {
        None => true,
        Some(c) if word(c) => false,
        Some('.' | '-') => !side.next().is_some_and(word),
        Some(_) => true,
    }
}

/// The template environment: strict about undefined names so a typo fails loudly, block
/// tags leave no blank lines behind, and nothing is HTML-escaped (the output is Markdown).
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env
}

fn render(
    env: &Environment<'static>,
    template: TemplateSource<'_>,
    context: &SessionContext,
) -> Result<String, PromptError> {
    let rendered = env
        .render_named_str(template.name, template.text, context)
        .map_err(|err| PromptError::Template {
            name: template.name.to_string(),
            line: err.line(),
            message: match err.detail() {
                Some(detail) => format!("{}: {detail}", err.kind()),
                None => err.kind().to_string(),
            },
            excerpt: err.line().and_then(|l| excerpt(template.text, l)),
        })?;
    Ok(tidy(&rendered))
}

/// Line `line` (1-based) of a template, trimmed and cut short: minijinja reports
/// "undefined value" without the name, and the line shows which one. (Its exact span needs
/// the `debug` feature, which costs more than this is worth.)
fn excerpt(text: &str, line: usize) -> Option<String> {
    const MAX: usize = 80;
    let l = text.lines().nth(line.checked_sub(1)?)?.trim();
    if l.is_empty() {
        return None;
    }
    Some(match l.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &l[..cut]),
        None => l.to_string(),
    })
}

/// Trailing spaces off every line, runs of blank lines cut to one, one final newline: a
/// template that leaves a gap where a section was skipped still yields a tidy prompt.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{Options, analyze};
    use crate::plan::parse;

    const PLAN: &str = "# Shop\n\n## Overview\n\nA small shop.\n\n## Phase 1: Base\n\n\
- [x] T1 Schema\n  - files: src/db/**\n\n## Phase 2: Features\n\n\
- [ ] T2 Cart\n  - after: T1\n  - files: src/cart/**\n  - verify: `cargo test cart`\n  - [ ] totals add up\n\
- [ ] T3 Search\n  - after: T1\n  - files: src/search/**\n\
- [ ] T4 Notes about things\n  - after: T1\n\n## Decisions\n\n- T1: money is cents\n- T10: unrelated\n";

    fn build(src: &str, sessions: u32, phase: usize) -> Result<Prompts, PromptError> {
        let plan = parse(src.as_bytes());
        let options = Options {
            sessions: Some(sessions),
            ..Options::default()
        };
        let analysis = analyze(&plan, &options).expect("no cycle");
        let request = Request {
            phase,
            plan_file: "plan.md",
            held: None,
            session_name: None,
        };
        prompts(&plan, &analysis, &request, TemplateSource::builtin())
    }

    #[test]
    fn lanes_own_their_files_and_avoid_the_others() {
        let out = build(PLAN, 2, 1).expect("prompts");
        let contexts: Vec<&SessionContext> = out.prompts.iter().map(|p| &p.context).collect();
        let cart = contexts
            .iter()
            .find(|c| c.tasks.iter().any(|t| t.id == "T2"))
            .expect("a lane for T2");
        assert!(cart.owns.iter().any(|o| o.path == "src/cart/**"));
        assert!(
            cart.must_not_modify
                .iter()
                .all(|f| f.path != "src/cart/**" && f.session != cart.session)
        );
        assert_eq!(cart.upstream.len(), 1);
        assert_eq!(cart.upstream[0].id, "T1");
        assert_eq!(cart.decisions, ["T1: money is cents"]);
        assert_eq!(cart.completed_phases[0].number, 1);
        let text = &out.prompts[0].text;
        assert!(text.ends_with('\n') && !text.contains("\n\n\n"));
    }

    #[test]
    fn a_scope_two_lanes_write_is_shared_not_forbidden() {
        // T1 and T3 both write Cargo.toml; T3 waits for T2, so the lanes are T1 and T2, T3.
        let src = "## Phase 1\n- [ ] T1 a\n  - files: Cargo.toml, src/a/**\n\
- [ ] T2 b\n  - files: src/b/**\n- [ ] T3 c\n  - files: Cargo.toml, src/c/**\n  - after: T2\n";
        let out = build(src, 2, 0).expect("prompts");
        assert_eq!(out.prompts.len(), 2);
        for p in &out.prompts {
            let c = &p.context;
            assert_eq!(c.shared.len(), 1, "{c:?}");
            assert_eq!(c.shared[0].path, "Cargo.toml");
            assert!(!c.shared[0].sessions.contains(&c.session));
            assert!(c.owns.iter().all(|o| o.path != "Cargo.toml"));
            assert!(c.must_not_modify.iter().all(|f| f.path != "Cargo.toml"));
            assert!(p.text.contains("- `Cargo.toml` (also T"), "{}", p.text);
        }
    }

    #[test]
    fn unscoped_tasks_are_named() {
        let out = build(PLAN, 3, 1).expect("prompts");
        let notes = out
            .prompts
            .iter()
            .find(|p| p.context.tasks.iter().any(|t| t.id == "T4"))
            .expect("a lane for T4");
        assert_eq!(notes.context.unscoped, ["T4"]);
        assert!(notes.text.contains("scope is unknown"), "{}", notes.text);
    }

    #[test]
    fn closed_and_missing_phases_are_errors() {
        assert!(matches!(
            build(PLAN, 2, 0),
            Err(PromptError::NothingOpen { number: 1, .. })
        ));
        assert!(matches!(
            build(PLAN, 2, 7),
            Err(PromptError::UnknownPhase {
                number: 8,
                count: 2
            })
        ));
    }

    #[test]
    fn template_errors_carry_name_and_line() {
        let plan = parse(PLAN.as_bytes());
        let analysis = analyze(&plan, &Options::default()).expect("no cycle");
        let request = Request {
            phase: 1,
            plan_file: "plan.md",
            held: None,
            session_name: None,
        };
        let bad = TemplateSource {
            name: "custom.md",
            text: "line one\n{{ sesion }}\n",
        };
        match prompts(&plan, &analysis, &request, bad) {
            Err(PromptError::Template { name, line, .. }) => {
                assert_eq!(name, "custom.md");
                assert_eq!(line, Some(2));
            }
            other => panic!("expected a template error, got {other:?}"),
        }
        let unclosed = TemplateSource {
            name: "custom.md",
            text: "a\nb\n{% if session %}\n",
        };
        assert!(matches!(
            prompts(&plan, &analysis, &request, unclosed),
            Err(PromptError::Template { .. })
        ));
    }

    #[test]
    fn mentions_whole_ids_only() {
        assert!(mentions("T1: cents", "T1"));
        assert!(mentions("see (T1)", "T1"));
        assert!(mentions("ends with T1.", "T1"));
        assert!(!mentions("T10: other", "T1"));
        assert!(!mentions("AT1 x", "T1"));
        assert!(!mentions("1.2.3 done", "1.2"));
        assert!(mentions("1.2, then", "1.2"));
        assert!(!mentions("AUTH-12", "AUTH-1"));
    }

    #[test]
    fn tokens_are_bytes_over_four_rounded_up() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("abcd"), 1);
        assert_eq!(estimate_tokens("abcde"), 2);
    }

    #[test]
    fn the_builtin_template_renders_without_optional_parts() {
        let out =
            build("## Phase 1\n\n- [ ] a thing to do\n- [ ] another\n", 2, 0).expect("prompts");
        assert!(!out.prompts.is_empty());
        for p in &out.prompts {
            assert!(!p.text.contains("## The project"), "{}", p.text);
            assert!(p.text.contains("baton claim"));
        }
    }
}
