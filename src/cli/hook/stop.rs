//! The stop gate of Claude Code (`Stop`), Codex (`Stop`) and Gemini CLI (`AfterAgent`).
//!
//! Each agent runs the hook when its agent is about to end a turn, with a JSON object on
//! stdin. Exit 2 with the reason on stderr keeps the session going, the reason becoming its
//! next instruction; exit 0 lets it stop (docs/hooks.md). What the gate judges comes from
//! [`crate::ops::gate`]: the tasks the session's name holds or ticked, and every task ticked
//! since the session started, whatever the name. The gate re-checks the evidence every time;
//! for Codex and Gemini CLI, which have no cap on repeated blocks, it lets the session stop
//! after `[hooks] block_cap` blocks in a row and says why (Claude Code caps them itself).

use std::process::ExitCode;
use std::time::Duration;

use super::{Agent, HookInput, given_name, locate, read_input};
use crate::cli::Globals;
use crate::cli::error::CliError;
use crate::cli::printer::Printer;
use crate::cli::verify::{TAIL_BYTES, evidence_lines, tamper_lines};
use crate::ops::Project;
use crate::ops::gate::{self, GateResult, How, Judged, Scope, TaskResult};
use crate::plan::Plan;
use crate::verify::{self, TaskReport, Verdict};

/// The agents' "blocking error": the stop is refused and stderr goes to the agent.
const BLOCK: u8 = 2;

#[derive(Debug, clap::Args)]
pub(super) struct StopArgs {
    /// The session whose tasks are checked, as given to `baton claim --by` (default:
    /// $BATON_SESSION, else the hook input's `session_id`). Tasks ticked since the session
    /// started are checked whatever name they were ticked under.
    #[arg(long, value_name = "NAME", env = "BATON_SESSION")]
    session: Option<String>,
    /// Run at most this many verify commands at once (default: the number of CPUs).
    #[arg(long, short = 'j', value_name = "J")]
    jobs: Option<usize>,
    /// Kill a verify command (and everything it started) after this many seconds.
    #[arg(long, value_name = "S", default_value_t = 600)]
    timeout: u64,
}

/// One run of the gate: who asks, and how to answer that agent.
struct Gate<'a> {
    agent: Agent,
    input: &'a HookInput,
    /// The baton session name, when one is known.
    owner: Option<String>,
    /// The key the gate's count and result are kept under: the agent's session id, else
    /// the name.
    key: Option<String>,
}

pub(super) fn run(
    p: &mut Printer,
    g: &Globals,
    args: &StopArgs,
    agent: Agent,
) -> Result<ExitCode, CliError> {
    let input = match read_input() {
        Ok(input) => input,
        Err(why) => return allow(p, agent, why),
    };
    let expected = agent.stop_event();
    if let Some(event) = input.event.as_deref()
        && event != expected
    {
        return allow(
            p,
            agent,
            format!("the hook event is {event}, not {expected}"),
        );
    }
    // The session name: --session, else $BATON_SESSION (both through clap), else the
    // agent's own session id.
    let owner = given_name(args.session.as_deref()).or_else(|| input.session_id.clone());
    let gate = Gate {
        agent,
        key: input.session_id.clone().or_else(|| owner.clone()),
        owner,
        input: &input,
    };
    let file = match locate(g.plan.as_deref(), input.cwd.as_deref()) {
        Ok(file) => file,
        Err(err) => return allow(p, agent, format!("no plan ({})", err.message)),
    };
    let (_, plan) = file.load()?;
    let scope = gate::judged_tasks(
        &file,
        &plan,
        gate.owner.as_deref(),
        input.session_id.as_deref(),
    )?;
    let judged = match (&gate.owner, &scope.basis) {
        (Some(owner), basis) if !matches!(basis, gate::Basis::Nothing { .. }) => format!(
            "the tasks session {owner} holds or ticked, and {}",
            basis.describe(&file.shown)
        ),
        (_, basis) => basis.describe(&file.shown),
    };
    // A signal to the hook (the agent cancelling it) kills the verify commands it started,
    // with everything they started, before it ends by that signal.
    crate::process::signals::kill_children_on_signals(crate::process::Supervisor::global())
        .map_err(|e| CliError::internal(format!("cannot watch for signals: {e}")))?;
    if scope.tasks.is_empty() {
        let who = match &gate.owner {
            Some(owner) => format!("session {owner} holds no tasks in {}", file.shown),
            None => format!(
                "no session name (pass --session, set BATON_SESSION, or send session_id) and \
                 nothing ticked in {}",
                file.shown
            ),
        };
        let result = GateResult {
            outcome: "allowed".into(),
            judged: judged.clone(),
            ..GateResult::default()
        };
        gate.record(&file, false, &result)?;
        return allow(
            p,
            agent,
            format!("{who}; judged {judged}: nothing to check"),
        );
    }

    let indices: Vec<usize> = scope.tasks.iter().map(|j| j.task).collect();
    let reports = verify_indices(&file, &plan, &indices, args)?;
    let mut result = GateResult {
        at: crate::state::now_rfc3339(),
        outcome: String::new(),
        judged: judged.clone(),
        tasks: reports
            .iter()
            .map(|r| {
                let task = &plan.tasks[r.task];
                TaskResult {
                    id: task.display_id(),
                    title: task.title.clone(),
                    verdict: r.verdict.as_str().to_string(),
                    evidence: evidence_lines(r, task.status),
                }
            })
            .collect(),
        audit: Vec::new(),
    };
    let open: Vec<&TaskReport> = reports.iter().filter(|r| r.verdict.needs_work()).collect();
    if !open.is_empty() {
        result.outcome = "blocked".into();
        if gate.capped(p, &file, &result)? {
            return Ok(ExitCode::SUCCESS);
        }
        block_reason(p, &file, &plan, &gate, &scope, &open, &judged)?;
        return Ok(ExitCode::from(BLOCK));
    }

    let count = |v: Verdict| reports.iter().filter(|r| r.verdict == v).count();
    let (verified, warned, trusted) = (
        count(Verdict::Verified),
        count(Verdict::VerifiedWithWarnings),
        count(Verdict::Unverifiable),
    );
    let whose = match &gate.owner {
        Some(owner) => format!("session {owner}'s tasks"),
        None => "this session's tasks".to_string(),
    };
    let mut why = format!("{whose} are finished ({verified} verified");
    // Warnings (drift, not wired, untouched files) are for a reviewer, not a reason to keep
    // the session going.
    if warned > 0 {
        why.push_str(&format!(", {warned} verified with warnings"));
    }
    if trusted > 0 {
        why.push_str(&format!(", {trusted} ticked without evidence"));
    }
    why.push(')');
    if !scope.gone.is_empty() {
        why.push_str(&format!(
            "; claims on {} are ignored: the plan has no such task",
            scope.gone.join(", ")
        ));
    }
    // The work is done; did it stay in its lane? (`[audit] policy` decides.)
    let ids: Vec<String> = indices
        .iter()
        .map(|&t| plan.tasks[t].display_id())
        .collect();
    if let Some(audit) = crate::ops::audit::gate(&file, &plan, &ids, gate.owner.as_deref())? {
        let lines = audit.lines();
        result.audit.clone_from(&lines);
        if audit.blocks() {
            result.outcome = "blocked".into();
            if gate.capped(p, &file, &result)? {
                return Ok(ExitCode::SUCCESS);
            }
            p.status(format!(
                "baton: {whose} are finished, but it changed files outside their scope ({} \
                 finding{}):",
                lines.len(),
                if lines.len() == 1 { "" } else { "s" }
            ))?;
            for line in &lines {
                p.status(format!("  {line}"))?;
            }
            p.status(
                "Undo or move those changes, or add the files to the task's `files:` if the \
                 task needs them (`baton audit` shows the details); then stop again.",
            )?;
            return Ok(ExitCode::from(BLOCK));
        }
        if !lines.is_empty() {
            why.push_str(&format!(
                "; the audit found {} change{} outside their scope ([audit] policy = \"warn\")",
                lines.len(),
                if lines.len() == 1 { "" } else { "s" }
            ));
        }
    }
    result.outcome = "allowed".into();
    gate.record(&file, false, &result)?;
    allow(p, agent, format!("{why}; judged {judged}"))
}

impl Gate<'_> {
    /// Keeps the gate's result and its count of blocks in a row, when the session has a key.
    fn record(
        &self,
        file: &Project,
        blocked: bool,
        result: &GateResult,
    ) -> Result<crate::state::GateCount, CliError> {
        let Some(key) = &self.key else {
            return Ok(crate::state::GateCount {
                blocks: u32::from(blocked),
                capped: false,
            });
        };
        let cap = if self.agent.needs_cap() {
            Some(gate::block_cap(file)?)
        } else {
            None
        };
        gate::record(file, key, blocked, cap, result)
    }

    /// Records a block; when it passes the cap, lets the session stop instead and says why
    /// (true: the answer is given).
    fn capped(
        &self,
        p: &mut Printer,
        file: &Project,
        result: &GateResult,
    ) -> Result<bool, CliError> {
        let count = self.record(file, true, result)?;
        if !count.capped {
            return Ok(false);
        }
        let cap = gate::block_cap(file)?;
        let open: Vec<String> = result
            .tasks
            .iter()
            .filter(|t| {
                !matches!(
                    t.verdict.as_str(),
                    "verified" | "verified-with-warnings" | "unverifiable" | "skipped"
                )
            })
            .map(|t| format!("{} ({})", t.id, t.verdict))
            .collect();
        let what = if open.is_empty() {
            "out-of-scope changes".to_string()
        } else {
            open.join(", ")
        };
        let message = format!(
            "baton hook {}: blocked {cap} time{} in a row and the work is still not finished \
             ({what}); letting the session stop so it does not loop. Check `baton verify` and \
             `baton status` before trusting this session's ticks ([hooks] block_cap in \
             baton.toml sets the cap).",
            self.agent.stop_command(),
            if cap == 1 { "" } else { "s" }
        );
        p.status(&message)?;
        // Codex and Gemini CLI show a JSON `systemMessage` on stdout to the user.
        p.line(serde_json::json!({ "systemMessage": message }).to_string())?;
        Ok(true)
    }
}

/// Lets the session stop, saying why on stderr (the agents show it only in verbose mode).
/// Gemini CLI reads a plain stderr as a message for the user on every turn, so it gets an
/// empty JSON object on stdout instead.
fn allow(p: &mut Printer, agent: Agent, why: impl std::fmt::Display) -> Result<ExitCode, CliError> {
    p.status(format!(
        "baton hook {}: {why}; the session may stop",
        agent.stop_command()
    ))?;
    if agent == Agent::Gemini {
        p.line("{}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs the same evidence checks as `baton verify --task …`, silently (stderr is the reason).
fn verify_indices(
    file: &Project,
    plan: &Plan,
    indices: &[usize],
    args: &StopArgs,
) -> Result<Vec<TaskReport>, CliError> {
    if indices.is_empty() {
        return Ok(Vec::new());
    }
    let options = file.verify_options(
        args.jobs,
        Duration::from_secs(args.timeout.max(1)),
        TAIL_BYTES,
        // An agent's stop triggers it: only the committed lock's commands run.
        crate::ops::project::Asker::Agent { rev: "HEAD" },
    );
    let changes = file.lock_changes(plan)?;
    Ok(verify::verify_tasks(
        plan,
        indices,
        &changes,
        &options,
        |_, _, _| {},
    ))
}

/// A word as a POSIX shell reads it back: bare when safe, else single-quoted.
fn shell_word(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(&b));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The reason the agent reads: each unfinished task with its exact evidence and what to do.
fn block_reason(
    p: &mut Printer,
    file: &Project,
    plan: &Plan,
    gate: &Gate<'_>,
    scope: &Scope,
    open: &[&TaskReport],
    judged: &str,
) -> Result<(), CliError> {
    let n = open.len();
    let how_of = |task: usize| -> Option<&How> {
        scope
            .tasks
            .iter()
            .find(|j: &&Judged| j.task == task)
            .map(|j| &j.how)
    };
    let all_named = open
        .iter()
        .all(|r| !matches!(how_of(r.task), Some(How::TickedSince { .. })));
    let (s, are) = if n == 1 { ("", "is") } else { ("s", "are") };
    match (&gate.owner, all_named) {
        (Some(owner), true) => p.status(format!(
            "baton: do not stop yet: {n} task{s} held by session {owner} in {} {are} not \
             finished.",
            file.shown
        ))?,
        _ => p.status(format!(
            "baton: do not stop yet: {n} task{s} in {} {are} not finished: this session holds \
             or ticked {}.",
            file.shown,
            if n == 1 { "it" } else { "them" }
        ))?,
    }
    let by = gate.owner.as_deref().map(shell_word);
    let mut order = open.to_vec();
    order.sort_by_key(|r| (r.verdict, r.task));
    for r in order {
        let task = &plan.tasks[r.task];
        let id = task.display_id();
        let what = match r.verdict {
            Verdict::FalseDone => "ticked, but its evidence fails (false-done)",
            Verdict::Tampered => {
                "ticked, but its acceptance criteria changed since `baton lock` (tampered)"
            }
            Verdict::DoneUnticked => "claimed; the evidence passes but the box is not ticked",
            _ => "claimed and not finished (incomplete)",
        };
        p.status("")?;
        p.status(format!("{id} {}: {what}", task.title))?;
        if let Some(How::TickedSince { by }) = how_of(r.task) {
            p.status(match by {
                Some(name) => format!(
                    "    ticked since this session started (recorded under the name {name})"
                ),
                None => "    ticked since this session started".to_string(),
            })?;
        }
        if let Some(change) = &r.tamper {
            for line in tamper_lines(change) {
                p.status(format!("    {line}"))?;
            }
        }
        let evidence = evidence_lines(r, task.status);
        if evidence.is_empty() && r.verdict == Verdict::Incomplete && !r.has_evidence() {
            p.status(
                "    no verify commands, files or acceptance items: the open box is all there is",
            )?;
        }
        for line in evidence {
            p.status(format!("    {line}"))?;
        }
        let todo = match r.verdict {
            Verdict::FalseDone => format!(
                "fix the work until `baton verify --task {id}` passes; if it cannot be \
                 finished now, reopen it honestly with `baton undo {id}`"
            ),
            Verdict::Tampered => format!(
                "restore the locked criteria, then `baton verify --task {id}`; a deliberate \
                 change is a deviation: record it with `baton decide \"what and why\" --task \
                 {id}` and leave accepting it (`baton lock --update`) to the user"
            ),
            Verdict::DoneUnticked => format!("tick it with `baton done {id}`"),
            _ => match &by {
                Some(by) => format!(
                    "finish it, check with `baton verify --task {id}`, then `baton done {id}`; \
                     or give it back with `baton release {id} --by {by}`"
                ),
                None => format!(
                    "finish it, check with `baton verify --task {id}`, then `baton done {id}`; \
                     or give it back with `baton release {id}`"
                ),
            },
        };
        p.status(format!("  to do: {todo}"))?;
    }
    if !scope.gone.is_empty() {
        p.status("")?;
        p.status(format!(
            "(Claims on {} are ignored: {} has no such task.)",
            scope.gone.join(", "),
            file.shown
        ))?;
    }
    p.status("")?;
    p.status(format!("Judged: {judged}."))?;
    p.status(
        "Record any deviation from the plan with `baton decide \"what and why\" --task ID`. \
         Stop once every task above is ticked and passes `baton verify --task ID`, or has \
         been handed back (`baton release`, `baton undo`).",
    )?;
    if gate.input.stop_hook_active {
        p.status(
            "This hook already sent you back once and the evidence above is still failing; \
             it blocks for as long as it fails. If the task cannot be finished in this \
             session, release or undo it as shown rather than stopping with it open.",
        )?;
    }
    Ok(())
}
