//! End to end with the real agent CLIs: Claude Code, Codex and Gemini CLI run against the
//! project's own scripted stand-ins of their model APIs on 127.0.0.1, so their real MCP
//! clients call `baton mcp` and their real hooks run `baton hook …`, configured only by
//! `baton init --agents NAME` in a throwaway git repository with a throwaway HOME.
//!
//! A scripted model is a function from what the conversation holds so far (the tool results
//! and the other texts the CLI sent, [`Conversation`]) to its next [`Step`]; each stand-in
//! translates steps into its API's wire format and records every request, so a test asserts
//! on what the model saw. The CLIs come from npm ([`install`]), installed once per target
//! directory; docs/testing.md says when these tests skip and when they must run.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{BIN, Project};

mod anthropic;
mod claude;
mod codex;
mod gemini;
mod gemini_cli;
mod install;
mod openai;
mod run_e2e;
mod standin_http;

/// A hung CLI fails its test after this long (its whole process group is killed).
pub const AGENT_TIMEOUT: Duration = Duration::from_secs(180);

/// What the scripted model does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Call one of baton's MCP tools (`claim_task`, …) with these arguments.
    Mcp(&'static str, Value),
    /// Run a shell command through the CLI's own shell tool.
    Shell(String),
    /// Answer with text and end the turn.
    Say(String),
}

pub fn mcp(tool: &'static str, args: Value) -> Step {
    Step::Mcp(tool, args)
}

pub fn say(text: &str) -> Step {
    Step::Say(text.to_string())
}

/// What a model request carried, in the API-neutral form the scripts read.
#[derive(Debug, Clone, Default)]
pub struct Conversation {
    /// The text of every tool result, in order.
    pub results: Vec<String>,
    /// Every other text on the user's side (user, developer and system messages, hook
    /// feedback, injected context), in order.
    pub notes: Vec<String>,
}

impl Conversation {
    /// The notes that contain `needle`.
    pub fn notes_with(&self, needle: &str) -> Vec<&String> {
        self.notes.iter().filter(|n| n.contains(needle)).collect()
    }
}

pub type Script = Arc<dyn Fn(&Conversation) -> Step + Send + Sync>;

/// A running stand-in and the way to read its API's requests.
pub struct StandIn {
    pub server: standin_http::Server,
    /// The conversation of a request of the agent's loop; `None` for side requests.
    read: fn(&standin_http::Seen) -> Option<Conversation>,
}

impl StandIn {
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The conversations of the agent loop's model requests, in order.
    pub fn conversations(&self) -> Vec<Conversation> {
        self.server
            .requests()
            .iter()
            .filter_map(self.read)
            .collect()
    }

    /// The last model request's conversation (empty when there was none).
    pub fn last(&self) -> Conversation {
        self.conversations().pop().unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------
// Running a CLI, bounded.

/// What one CLI run left behind.
pub struct AgentRun {
    pub code: Option<i32>,
    pub timed_out: bool,
    pub elapsed: Duration,
    /// stdout's JSON lines (stream-json, `--json`).
    pub events: Vec<Value>,
    pub stdout: String,
    pub stderr: String,
}

impl AgentRun {
    pub fn describe(&self) -> String {
        format!(
            "exit: {:?}{} after {:.1?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code,
            if self.timed_out {
                " (killed: timed out)"
            } else {
                ""
            },
            self.elapsed,
            self.stdout,
            tail(&self.stderr, 60)
        )
    }
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Waits up to `limit`, then stops the child's whole process group (the CLI, its MCP
/// servers and hooks): SIGTERM, a few seconds for it to clean up (`baton run` stops its
/// sessions' groups on it), then SIGKILL.
fn wait_or_kill(child: &mut Child, limit: Duration) -> (Option<i32>, bool) {
    use nix::sys::signal::{Signal, killpg};
    let started = Instant::now();
    let group = i32::try_from(child.id())
        .ok()
        .map(nix::unistd::Pid::from_raw);
    let mut termed: Option<Instant> = None;
    loop {
        if let Some(status) = child.try_wait().expect("wait for the CLI") {
            return (status.code(), termed.is_some());
        }
        if termed.is_none() && started.elapsed() > limit {
            if let Some(group) = group {
                let _ = killpg(group, Signal::SIGTERM);
            }
            termed = Some(Instant::now());
        }
        if termed.is_some_and(|t| t.elapsed() > Duration::from_secs(10)) {
            if let Some(group) = group {
                let _ = killpg(group, Signal::SIGKILL);
            }
            let _ = child.kill();
            let status = child.wait().expect("reap the CLI");
            return (status.code(), true);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Runs `cmd` in its own process group with stdin closed, bounded by `AGENT_TIMEOUT`.
pub fn run_bounded(cmd: Command) -> AgentRun {
    run_bounded_for(cmd, AGENT_TIMEOUT)
}

/// Runs `cmd` in its own process group with stdin closed, bounded by `limit`.
pub fn run_bounded_for(mut cmd: Command, limit: Duration) -> AgentRun {
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("spawn the agent CLI");
    let stdout = drain(child.stdout.take().expect("stdout"));
    let stderr = drain(child.stderr.take().expect("stderr"));
    let (code, timed_out) = wait_or_kill(&mut child, limit);
    let stdout = String::from_utf8_lossy(&stdout.join().expect("stdout reader")).into_owned();
    let stderr = String::from_utf8_lossy(&stderr.join().expect("stderr reader")).into_owned();
    let events = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .collect();
    let run = AgentRun {
        code,
        timed_out,
        elapsed: started.elapsed(),
        events,
        stdout,
        stderr,
    };
    report_time(&cmd, &run);
    run
}

#[allow(clippy::print_stderr)]
fn report_time(cmd: &Command, run: &AgentRun) {
    let program = Path::new(cmd.get_program())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    eprintln!(
        "agents_e2e: {program} ran {:.1?} (exit {:?})",
        run.elapsed, run.code
    );
}

/// PATH with the built `baton` first, so the configs `init` writes (`baton mcp`,
/// `baton hook …`) run this build.
pub fn path_with_baton() -> std::ffi::OsString {
    let baton_dir = Path::new(BIN).parent().expect("baton's directory");
    let mut path = vec![baton_dir.to_path_buf()];
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(path).expect("PATH")
}

/// A command with nothing of the user's environment: PATH (baton first), a throwaway HOME.
pub fn clean_command(program: &Path, project: &Project, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(project.dir.path())
        .env_clear()
        .env("PATH", path_with_baton())
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .env("TERM", "dumb");
    cmd
}

/// A run's output and the stand-in's requests, for a failing assertion's message.
pub fn trace(run: &AgentRun, api: &StandIn) -> String {
    format!(
        "{}\n--- stand-in requests\n{}",
        run.describe(),
        api.server.trace()
    )
}

/// The CLI (`name` in messages) ended by itself with exit 0.
pub fn assert_exited_0(name: &str, run: &AgentRun, api: &StandIn) {
    assert!(!run.timed_out, "{name} hung\n{}", trace(run, api));
    assert_eq!(run.code, Some(0), "{}", trace(run, api));
}

// ---------------------------------------------------------------------------------------
// The project and the scenarios every CLI plays.

/// A git repository holding `plan`, set up by `baton init --agents AGENT`, its verify
/// commands trusted with `baton lock`, everything committed.
pub fn project(plan: &str, agent: &str) -> Project {
    let p = Project::new();
    p.write("plan.md", plan);
    p.write("notes.txt", "notes\n");
    p.git_init();
    p.run(&["init", "--agents", agent]).success();
    p.run(&["lock"]).success();
    p.git(&["add", "-A"]).git(&["commit", "-q", "-m", "plan"]);
    p
}

/// What a test of one CLI works with.
pub struct Rig {
    /// The CLI's executable.
    pub cli: PathBuf,
    /// The project, set up by `baton init --agents` for the CLI ([`project`]).
    pub p: Project,
    /// The CLI's throwaway HOME.
    pub home: tempfile::TempDir,
    pub api: StandIn,
}

/// The CLI installed (`None`, having said why: the test skips), the project holding
/// `plan`, a HOME, and the stand-in `start` starts.
pub fn rig(
    cli: install::Cli,
    test: &str,
    plan: &str,
    start: impl FnOnce() -> StandIn,
) -> Option<Rig> {
    let bin = install::agent_cli(cli, test)?;
    let p = project(plan, cli.bin());
    Some(Rig {
        cli: bin,
        p,
        home: temp_home(),
        api: start(),
    })
}

impl Rig {
    /// A command running the CLI in the project with the HOME ([`clean_command`]).
    pub fn command(&self) -> Command {
        clean_command(&self.cli, &self.p, self.home.path())
    }

    /// [`trace`] of `run` against this stand-in.
    pub fn trace(&self, run: &AgentRun) -> String {
        trace(run, &self.api)
    }
}

/// T1's evidence holds from the start; T2's does not (`published.txt` is never written).
pub const TOOLS_PLAN: &str = "# Report

## Phase 1: Work

- [ ] T1 Write the notes
  - files: notes.txt
  - verify: `test -f notes.txt`
- [ ] T2 Publish the report
  - files: published.txt
  - verify: `test -f published.txt`
";

/// The session name the tools scenario passes to every tool.
pub const TOOLS_SESSION: &str = "agent";
pub const DECISION: &str = "Notes kept to one line";

/// The tools scenario: claim T1, complete it (verified), log a decision, claim T2, try to
/// complete it (refused: its evidence fails), release it, finish.
pub fn tools_script() -> Script {
    Arc::new(|c: &Conversation| {
        let s = TOOLS_SESSION;
        match c.results.len() {
            0 => mcp("claim_task", json!({"id": "T1", "session": s})),
            1 => mcp("complete_task", json!({"id": "T1", "session": s})),
            2 => mcp(
                "log_decision",
                json!({"text": DECISION, "task": "T1", "session": s}),
            ),
            3 => mcp("claim_task", json!({"id": "T2", "session": s})),
            4 => mcp("complete_task", json!({"id": "T2", "session": s})),
            5 => mcp("release_task", json!({"id": "T2", "session": s})),
            _ => say("T1 is done; T2 is released."),
        }
    })
}

/// What the model must have seen in the tools scenario, and the plan after it.
pub fn check_tools(p: &Project, api: &StandIn, trace: &dyn Fn() -> String) {
    let results = api.last().results;
    assert_eq!(results.len(), 6, "{results:#?}\n{}", trace());
    let has = |i: usize, needle: &str| {
        assert!(
            results[i].contains(needle),
            "tool result {i} lacks {needle:?}:\n{}\n{}",
            results[i],
            trace()
        );
    };
    has(0, "claimed");
    has(1, "verified");
    has(1, "\"ticked\":true");
    has(2, DECISION);
    has(3, "claimed");
    // The refusal reaches the model as readable text: what failed and why, not a protocol
    // error about the result's shape.
    has(4, "T2 was not ticked");
    has(4, "test -f published.txt");
    has(4, "exited 1");
    has(4, "complete_task again");
    assert!(
        !results[4].contains("-32602") && !results[4].contains("does not match"),
        "the refusal did not reach the model:\n{}",
        results[4]
    );
    has(5, "T2");

    let plan = p.read_string("plan.md");
    assert!(plan.contains("- [x] T1 Write the notes"), "{plan}");
    assert!(plan.contains("- [ ] T2 Publish the report"), "{plan}");
    assert!(
        plan.lines()
            .any(|l| l.ends_with(&format!("T1: [{TOOLS_SESSION}] {DECISION}"))),
        "{plan}"
    );
    let status = p.run(&["status", "--json"]).json();
    assert_eq!(status["claimed"], json!([]), "{status:#}");
}

/// One task whose evidence fails until `done.txt` exists, which nobody writes.
pub const GATE_PLAN: &str = "# Marker

## Phase 1: Work

- [ ] T1 Write the marker file
  - files: done.txt
  - verify: `test -f done.txt`
";

/// A session name the model makes up: nothing in the environment or the CLI knows it.
pub const CHOSEN_NAME: &str = "worker-7";

/// What marks the stop gate's feedback among the notes: the failing evidence of T1.
pub const GATE_EVIDENCE: &str = "done.txt";

/// The gate scenario: claim T1 under a made-up name, force-tick it, try to stop; once the
/// gate sends the session back with T1's evidence, undo the tick and stop. With
/// `undo: false` the model never gives in (for a CLI's cap on blocked stops).
pub fn gate_script(undo: bool) -> Script {
    Arc::new(move |c: &Conversation| {
        let s = CHOSEN_NAME;
        let sent_back = !c.notes_with(GATE_EVIDENCE).is_empty();
        match c.results.len() {
            0 => mcp("claim_task", json!({"id": "T1", "session": s})),
            1 => mcp(
                "complete_task",
                json!({"id": "T1", "session": s, "force": true}),
            ),
            2 if sent_back && undo => mcp("undo_task", json!({"id": "T1", "session": s})),
            2 => say("All done."),
            _ => say("T1 is open again."),
        }
    })
}

/// How many of the model's requests came after a blocked stop: the number of notes that
/// carry the gate's evidence in the last request.
pub fn gate_blocks(api: &StandIn) -> usize {
    api.last().notes_with(GATE_EVIDENCE).len()
}

/// The gate scenario's outcome: sent back exactly once with T1's evidence, then allowed to
/// stop once T1 was open again.
pub fn check_gate(p: &Project, api: &StandIn, trace: &dyn Fn() -> String) {
    let last = api.last();
    assert!(
        last.results.len() >= 2 && last.results[1].contains("forced"),
        "the false tick did not happen: {:#?}\n{}",
        last.results,
        trace()
    );
    let feedback = last.notes_with(GATE_EVIDENCE);
    assert_eq!(
        feedback.len(),
        1,
        "the stop gate should send the session back once, with T1's evidence ({GATE_EVIDENCE})\n{}",
        trace()
    );
    assert!(feedback[0].contains("T1"), "{}", feedback[0]);
    assert_eq!(last.results.len(), 3, "{:#?}\n{}", last.results, trace());
    assert!(
        !last.results[2].contains("error") && last.results[2].contains("T1"),
        "undo_task did not reopen T1: {}",
        last.results[2]
    );
    let plan = p.read_string("plan.md");
    assert!(plan.contains("- [ ] T1 Write the marker file"), "{plan}");
}

/// The resume scenario's first session: claim T1, log a decision, complete T1, claim T2 and
/// release it, finish. The second session only answers.
pub fn resume_script() -> Script {
    Arc::new(|c: &Conversation| {
        let s = TOOLS_SESSION;
        let resumed = c.notes.iter().any(|n| n.contains(RESUME_PROMPT));
        match c.results.len() {
            _ if resumed => say("Resumed."),
            0 => mcp("claim_task", json!({"id": "T1", "session": s})),
            1 => mcp(
                "log_decision",
                json!({"text": DECISION, "task": "T1", "session": s}),
            ),
            2 => mcp("complete_task", json!({"id": "T1", "session": s})),
            _ => say("T1 is done."),
        }
    })
}

pub const RESUME_PROMPT: &str = "Carry on with the plan.";

/// The resume brief reached the resumed session's context: the first request after the
/// resume prompt carries the lines of `baton prompts --resume SESSION` that name the
/// decision.
pub fn check_resume_brief(p: &Project, api: &StandIn, trace: &dyn Fn() -> String) {
    let brief = p.run(&["prompts", "--resume", TOOLS_SESSION]);
    assert_eq!(
        brief.code,
        0,
        "`baton prompts --resume` failed:\n{}",
        brief.transcript()
    );
    let resumed = api
        .conversations()
        .into_iter()
        .find(|c| c.notes.iter().any(|n| n.contains(RESUME_PROMPT)))
        .unwrap_or_else(|| panic!("no request after the resume\n{}", trace()));
    let context = resumed.notes.join("\n");
    let lines: Vec<&str> = brief
        .stdout
        .lines()
        .map(str::trim)
        .filter(|l| l.contains(DECISION))
        .collect();
    assert!(
        !lines.is_empty(),
        "the brief does not name the decision:\n{}",
        brief.stdout
    );
    for line in lines {
        assert!(
            context.contains(line),
            "the resumed session's context lacks the brief's line {line:?}\n--- context\n{context}\n{}",
            trace()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Compaction: the context fills up mid-session, the CLI compacts it, and the SessionStart
// hook (source `compact`) puts the resume brief back.

/// The stand-ins' summary of a compacted conversation (their answer to a CLI's summary
/// request). A CLI continues after a compaction with it in the context, which is how a
/// script tells that it was compacted.
pub const SUMMARY: &str = "Scripted summary of the conversation so far.";

/// Which of the agent loop's requests a stand-in answers as if the context were full.
pub type Full = Arc<dyn Fn(&Conversation) -> bool + Send + Sync>;

/// The brief's line for T2 while `agent` holds it.
pub const T2_CLAIM: &str = "- T2 Publish the report (as `agent`";

/// Whether the conversation is the one the CLI continues after a compaction.
pub fn continued(c: &Conversation) -> bool {
    !c.notes_with(SUMMARY).is_empty()
}

/// Claim T1, log a decision, complete T1, claim T2; the answer to that last request reports
/// a full context ([`fills_context`]), so the CLI compacts before its next one, and the
/// summary says nothing of baton. After the compaction only the brief says that T2 is still
/// claimed: with it, release T2 and finish; without it, finish (and the stop gate sends the
/// session back, T2 being claimed and open).
pub fn compact_script() -> Script {
    Arc::new(|c: &Conversation| {
        let s = TOOLS_SESSION;
        if continued(c) {
            let released = c
                .results
                .last()
                .is_some_and(|r| r.contains("\"released\":true"));
            let knows_claim = c.notes.iter().any(|n| n.contains(T2_CLAIM));
            return match (released, knows_claim) {
                (true, _) => say("T2 is released; T1 is done."),
                (false, true) => mcp("release_task", json!({"id": "T2", "session": s})),
                (false, false) => say("Nothing left that I know of."),
            };
        }
        match c.results.len() {
            0 => mcp("claim_task", json!({"id": "T1", "session": s})),
            1 => mcp(
                "log_decision",
                json!({"text": DECISION, "task": "T1", "session": s}),
            ),
            2 => mcp("complete_task", json!({"id": "T1", "session": s})),
            3 => mcp("claim_task", json!({"id": "T2", "session": s})),
            _ => say("T2 is claimed."),
        }
    })
}

/// The context fills up with the answer that claims T2 (before any compaction).
pub fn fills_context(c: &Conversation) -> bool {
    !continued(c) && c.results.len() == 3
}

/// The compaction scenario's outcome, as the model saw it: the first request after the
/// compaction carries the stand-in's summary and the brief with the claim the session still
/// held and the decision it logged (the decision's line as `baton prompts --resume` prints
/// it); acting on that alone, the model released T2 and the gate let it stop. Returns the
/// note of that request that carries the brief.
pub fn check_compact_brief(p: &Project, api: &StandIn, trace: &dyn Fn() -> String) -> String {
    let after = api
        .conversations()
        .into_iter()
        .find(continued)
        .unwrap_or_else(|| panic!("no request after a compaction\n{}", trace()));
    let brief = after
        .notes
        .iter()
        .find(|n| n.contains("# baton: resume brief for session "))
        .unwrap_or_else(|| {
            panic!(
                "the brief did not reach the model after the compaction\n--- context\n{}\n{}",
                after.notes.join("\n"),
                trace()
            )
        })
        .clone();
    assert!(
        brief.lines().any(|l| l.trim().starts_with(T2_CLAIM)),
        "the brief lacks the claim of T2:\n{brief}"
    );
    let again = p.run(&["prompts", "--resume", TOOLS_SESSION]);
    assert_eq!(again.code, 0, "{}", again.transcript());
    let decision: Vec<&str> = again
        .stdout
        .lines()
        .map(str::trim)
        .filter(|l| l.contains(DECISION))
        .collect();
    assert_eq!(decision.len(), 1, "{}", again.stdout);
    assert!(
        brief.contains(decision[0]),
        "the brief after the compaction lacks {:?}:\n{brief}",
        decision[0]
    );

    let last = api.last();
    assert!(
        continued(&last)
            && last
                .results
                .last()
                .is_some_and(|r| r.contains("\"released\":true")),
        "the model did not release T2 after the compaction: {:#?}\n{}",
        last.results,
        trace()
    );
    let plan = p.read_string("plan.md");
    assert!(plan.contains("- [x] T1 Write the notes"), "{plan}");
    assert!(plan.contains("- [ ] T2 Publish the report"), "{plan}");
    let status = p.run(&["status", "--json"]).json();
    assert_eq!(status["claimed"], json!([]), "{status:#}");
    brief
}

/// A fresh temporary directory for a CLI's HOME.
pub fn temp_home() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp HOME")
}

/// Where a path of the temp HOME lives, created.
pub fn home_dir(home: &Path, rel: &str) -> PathBuf {
    let dir = home.join(rel);
    std::fs::create_dir_all(&dir).expect("create a HOME folder");
    dir
}
