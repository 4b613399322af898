//! `baton hook claude-stop`: Claude Code's Stop hook, so that a session cannot end its turn
//! while a task it took on is unfinished or falsely ticked.
//!
//! Claude Code runs the hook when the agent is about to stop, with a JSON object on stdin.
//! Exit 2 blocks the stop and hands stderr to the agent as its next instruction; exit 0
//! lets it stop (docs/agents.md, which cites Claude Code's hooks reference). The hook is
//! stateless: it re-checks the evidence every time, so it keeps blocking for as long as the
//! work is not done, and leaves ending a hopeless loop to Claude Code's own cap on repeated
//! Stop blocks. It never blocks because of its own trouble: unreadable input, no plan or no
//! session name let the session stop with a note; a broken state database is an error exit,
//! which Claude Code reports without blocking.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use serde_json::Value;

use super::Globals;
use super::error::CliError;
use super::printer::Printer;
use super::verify::{TAIL_BYTES, evidence_lines, tamper_lines};
use crate::ops::Project;
use crate::ops::session::{Held, session_tasks};
use crate::plan::{Plan, Status};
use crate::verify::{self, TaskReport, Verdict};

/// Claude Code's "blocking error": the stop is refused and stderr goes to the agent.
const BLOCK: u8 = 2;
/// More hook input than this is not Claude Code talking.
const MAX_INPUT: u64 = 16 * 1024 * 1024;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    hook: Hook,
}

#[derive(Debug, clap::Subcommand)]
enum Hook {
    /// Claude Code's Stop hook: block the stop while this session's tasks are unfinished or
    /// ticked without passing evidence (reads the hook's JSON on stdin; exit 2 blocks).
    ClaudeStop(ClaudeStopArgs),
}

#[derive(Debug, clap::Args)]
struct ClaudeStopArgs {
    /// The session whose tasks are checked, as given to `baton claim --by` (default:
    /// $BATON_SESSION, else the hook input's `session_id`).
    #[arg(long, value_name = "NAME", env = "BATON_SESSION")]
    session: Option<String>,
    /// Run at most this many verify commands at once (default: the number of CPUs).
    #[arg(long, short = 'j', value_name = "J")]
    jobs: Option<usize>,
    /// Kill a verify command (and everything it started) after this many seconds.
    #[arg(long, value_name = "S", default_value_t = 600)]
    timeout: u64,
}

pub fn run(p: &mut Printer, g: &Globals, args: &Args) -> Result<ExitCode, CliError> {
    match &args.hook {
        Hook::ClaudeStop(a) => claude_stop(p, g, a),
    }
}

/// What the hook needs from Claude Code's input; every field may be missing.
#[derive(Debug, Default)]
struct StopInput {
    session_id: Option<String>,
    cwd: Option<PathBuf>,
    event: Option<String>,
    stop_hook_active: bool,
}

impl StopInput {
    /// Reads the fields leniently: a field of an unexpected type counts as missing.
    fn from_json(value: &Value) -> StopInput {
        let text = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        StopInput {
            session_id: text("session_id"),
            cwd: text("cwd").map(PathBuf::from),
            event: text("hook_event_name"),
            stop_hook_active: value
                .get("stop_hook_active")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        }
    }
}

/// The hook input, or why there is none worth reading.
fn read_input() -> Result<StopInput, String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err("no hook input (stdin is a terminal; Claude Code pipes JSON in)".to_string());
    }
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(MAX_INPUT)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the hook input: {e}"))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("the hook input is empty".to_string());
    }
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("the hook input is not JSON ({e})"))?;
    if !value.is_object() {
        return Err("the hook input is not a JSON object".to_string());
    }
    Ok(StopInput::from_json(&value))
}

/// Lets the session stop, saying why on stderr (Claude Code shows it only in verbose mode).
fn allow(p: &mut Printer, why: impl std::fmt::Display) -> Result<ExitCode, CliError> {
    p.status(format!(
        "baton hook claude-stop: {why}; the session may stop"
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn claude_stop(p: &mut Printer, g: &Globals, args: &ClaudeStopArgs) -> Result<ExitCode, CliError> {
    let input = match read_input() {
        Ok(input) => input,
        Err(why) => return allow(p, why),
    };
    if let Some(event) = input.event.as_deref()
        && event != "Stop"
    {
        return allow(p, format!("the hook event is {event}, not Stop"));
    }
    // The session name: --session, else $BATON_SESSION (both through clap), else Claude
    // Code's own session id.
    let owner = args
        .session
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| input.session_id.clone());
    let Some(owner) = owner else {
        return allow(
            p,
            "no session name (pass --session, set BATON_SESSION, or send session_id)",
        );
    };
    let file = match locate(g.plan.as_deref(), input.cwd.as_deref()) {
        Ok(file) => file,
        Err(err) => return allow(p, format!("no plan ({})", err.message)),
    };
    let (_, plan) = file.load()?;
    let held = session_tasks(&file, &owner)?;
    // A signal to the hook (Claude Code cancelling it) kills the verify commands it started,
    // with everything they started, before it ends by that signal.
    crate::process::signals::kill_children_on_signals(crate::process::Supervisor::global())
        .map_err(|e| CliError::internal(format!("cannot watch for signals: {e}")))?;
    if held.is_empty() {
        return allow(
            p,
            format!("session {owner} holds no tasks in {}", file.shown),
        );
    }

    // Tasks by index; claims on ids the plan no longer has are reported as they are.
    let mut indices = Vec::new();
    let mut gone = Vec::new();
    for (id, how) in &held {
        let found = plan.find(id);
        if found.is_empty() {
            if *how == Held::Claimed {
                gone.push(id.clone());
            }
            continue;
        }
        for task in found {
            // A task ticked earlier by this session and unticked since is no longer its job.
            if *how == Held::Ticked && task.status != Status::Done {
                continue;
            }
            if task.status != Status::Skipped && !indices.contains(&task.index) {
                indices.push(task.index);
            }
        }
    }

    let reports = verify_indices(&file, &plan, &indices, args)?;
    let open: Vec<&TaskReport> = reports.iter().filter(|r| r.verdict.needs_work()).collect();
    if open.is_empty() {
        let verified = reports
            .iter()
            .filter(|r| r.verdict == Verdict::Verified)
            .count();
        let trusted = reports
            .iter()
            .filter(|r| r.verdict == Verdict::Unverifiable)
            .count();
        // Warnings (drift, not wired, untouched files) are for a reviewer, not a reason to
        // keep the session going.
        let warned = reports
            .iter()
            .filter(|r| r.verdict == Verdict::VerifiedWithWarnings)
            .count();
        let mut why = format!("session {owner}'s tasks are finished ({verified} verified");
        if warned > 0 {
            why.push_str(&format!(", {warned} verified with warnings"));
        }
        if trusted > 0 {
            why.push_str(&format!(", {trusted} ticked without evidence"));
        }
        why.push(')');
        if !gone.is_empty() {
            why.push_str(&format!(
                "; claims on {} are ignored: the plan has no such task",
                gone.join(", ")
            ));
        }
        // The work is done; did it stay in its lane? (`[audit] policy` decides.)
        let ids: Vec<String> = indices
            .iter()
            .map(|&t| plan.tasks[t].display_id())
            .collect();
        if let Some(gate) = crate::ops::audit::gate(&file, &plan, &ids, Some(&owner))? {
            let lines = gate.lines();
            if gate.blocks() {
                p.status(format!(
                    "baton: session {owner}'s tasks are finished, but it changed files outside \
                     their scope ({} finding{}):",
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
        return allow(p, why);
    }

    block_reason(
        p,
        &file,
        &plan,
        &owner,
        &open,
        &gone,
        input.stop_hook_active,
    )?;
    Ok(ExitCode::from(BLOCK))
}

/// `--plan`/`BATON_PLAN`, else the plan found upwards from the hook's `cwd` (else from here).
fn locate(given: Option<&Path>, cwd: Option<&Path>) -> Result<Project, CliError> {
    if given.is_none()
        && let Some(cwd) = cwd
    {
        std::env::set_current_dir(cwd).map_err(|e| {
            CliError::input(format!(
                "cannot enter the hook's cwd {}: {e}",
                cwd.display()
            ))
        })?;
    }
    Project::locate(given)
}

/// Runs the same evidence checks as `baton verify --task …`, silently (stderr is the reason).
fn verify_indices(
    file: &Project,
    plan: &Plan,
    indices: &[usize],
    args: &ClaudeStopArgs,
) -> Result<Vec<TaskReport>, CliError> {
    if indices.is_empty() {
        return Ok(Vec::new());
    }
    let options = file.verify_options(
        args.jobs,
        Duration::from_secs(args.timeout.max(1)),
        TAIL_BYTES,
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

/// The reason Claude reads: each unfinished task with its exact evidence and what to do.
fn block_reason(
    p: &mut Printer,
    file: &Project,
    plan: &Plan,
    owner: &str,
    open: &[&TaskReport],
    gone: &[String],
    repeated: bool,
) -> Result<(), CliError> {
    let n = open.len();
    p.status(format!(
        "baton: do not stop yet: {n} task{} held by session {owner} in {} {} not finished.",
        if n == 1 { "" } else { "s" },
        file.shown,
        if n == 1 { "is" } else { "are" },
    ))?;
    let by = shell_word(owner);
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
            _ => format!(
                "finish it, check with `baton verify --task {id}`, then `baton done {id}`; \
                 or give it back with `baton release {id} --by {by}`"
            ),
        };
        p.status(format!("  to do: {todo}"))?;
    }
    if !gone.is_empty() {
        p.status("")?;
        p.status(format!(
            "(Claims on {} are ignored: {} has no such task.)",
            gone.join(", "),
            file.shown
        ))?;
    }
    p.status("")?;
    p.status(
        "Record any deviation from the plan with `baton decide \"what and why\" --task ID`. \
         Stop once every task above is ticked and passes `baton verify --task ID`, or has \
         been handed back (`baton release`, `baton undo`).",
    )?;
    if repeated {
        p.status(
            "This hook already sent you back once and the evidence above is still failing; \
             it blocks for as long as it fails. If the task cannot be finished in this \
             session, release or undo it as shown rather than stopping with it open.",
        )?;
    }
    Ok(())
}
