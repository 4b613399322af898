//! `baton run --agent claude` and `--agent codex` end to end: the built-in presets start
//! the real CLIs, one per lane, each in its own worktree, against the scripted stand-ins.
//! The stand-in serves the sessions at once; each request's script is picked from the brief
//! the session got (its task's `### T2 …` heading under "Your tasks") and from whether the
//! brief is a retry's ("Why attempt 1 was not merged"); the conversation itself (the tool
//! results so far) is the rest of its state.
//!
//! Each session of the scripted model claims its task through baton's MCP tool, writes its
//! file and commits it through the CLI's shell tool, completes the task through MCP (which
//! verifies it in the worktree and ticks it), commits the tick, and stops. baton gates each
//! branch and merges it into the integration branch.
//!
//! One runner, parameterised by the CLI ([`Agent`]); the tests are at the bottom.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::install::{Cli, agent_cli};
use super::{
    AgentRun, Conversation, Script, StandIn, Step, anthropic, clean_command, mcp, openai,
    run_bounded_for, say, temp_home,
};
use crate::harness::{BIN, Project};

/// The agent's `timeout` in baton.toml: a hung session fails its gate this soon.
const SESSION_TIMEOUT: &str = "60s";
/// `baton run` itself is stopped (SIGTERM, then SIGKILL) after this long.
const RUN_LIMIT: Duration = Duration::from_secs(150);

/// What marks a retry's brief (the engine's section title, attempt 1 having failed).
const RETRY: &str = "## Why attempt 1 was not merged";

/// What the gate must say of T2's false tick: the verdict, the failing command and its exit
/// (grep's 2: no such file), the command's output.
const EVIDENCE: [&str; 3] = [
    "T2 is false-done",
    "T2: `grep -q beta b.txt` exited 2",
    "b.txt: No such file or directory",
];

/// The CLI under test, and how it is pointed at its stand-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agent {
    Claude,
    Codex,
}

impl Agent {
    fn cli(self) -> Cli {
        match self {
            Agent::Claude => Cli::Claude,
            Agent::Codex => Cli::Codex,
        }
    }

    /// The preset's name, which is also `baton init --agents NAME`.
    fn name(self) -> &'static str {
        match self {
            Agent::Claude => "claude",
            Agent::Codex => "codex",
        }
    }

    fn stand_in(self, script: Script) -> StandIn {
        match self {
            Agent::Claude => anthropic::start(script),
            Agent::Codex => openai::start(script),
        }
    }

    /// What the CLI needs in its environment to talk to the stand-in, unattended, with a
    /// throwaway HOME; `baton run` passes it on to every session.
    fn environment(self, home: &Path, api: &StandIn) -> Vec<(String, String)> {
        let pairs: Vec<(&str, String)> = match self {
            Agent::Claude => vec![
                (
                    "CLAUDE_CONFIG_DIR",
                    home.join(".claude").display().to_string(),
                ),
                ("ANTHROPIC_BASE_URL", api.url()),
                ("ANTHROPIC_API_KEY", "sk-ant-test-stand-in".into()),
                ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1".into()),
                ("DISABLE_AUTOUPDATER", "1".into()),
            ],
            Agent::Codex => vec![
                (
                    "CODEX_HOME",
                    super::codex::codex_home(home, api, "")
                        .display()
                        .to_string(),
                ),
                ("STANDIN_API_KEY", "sk-test-stand-in".into()),
            ],
        };
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }
}

// ---------------------------------------------------------------------------------------
// The plan, and the scripted sessions.

/// Three independent tasks of one phase: three lanes.
const PLAN: &str = "# Three files

## Phase 1: Files

- [ ] T1 Write alpha
  - files: a.txt
  - verify: `grep -q alpha a.txt`
- [ ] T2 Write beta
  - files: b.txt
  - verify: `grep -q beta b.txt`
- [ ] T3 Write gamma
  - files: c.txt
  - verify: `grep -q gamma c.txt`
";

const TASKS: [&str; 3] = ["T1", "T2", "T3"];

/// A task's file and the word its `verify:` looks for.
fn work(task: &str) -> (&'static str, &'static str) {
    match task {
        "T1" => ("a.txt", "alpha"),
        "T2" => ("b.txt", "beta"),
        _ => ("c.txt", "gamma"),
    }
}

/// The task a session's brief gives it: the first `### ID …` heading under "## Your tasks".
fn brief_task(c: &Conversation) -> Option<String> {
    let brief = c.notes.iter().find(|n| n.contains("## Your tasks"))?;
    let (_, after) = brief.split_once("## Your tasks")?;
    after
        .lines()
        .find_map(|l| l.strip_prefix("### "))
        .and_then(|h| h.split_whitespace().next())
        .map(str::to_string)
}

/// Whether the session's brief is a retry's.
fn is_retry(c: &Conversation) -> bool {
    c.notes.iter().any(|n| n.contains(RETRY))
}

/// Every session: claim, write and commit, complete (verify and tick), commit the tick,
/// stop. The session holding `liar` does it differently on its first attempt: it ticks
/// with `force` and commits that, having written nothing; its retry is honest.
fn lanes_script(liar: Option<&'static str>) -> Script {
    Arc::new(move |c: &Conversation| {
        let Some(task) = brief_task(c) else {
            return say("The brief names no task.");
        };
        let (file, word) = work(&task);
        if liar == Some(task.as_str()) && !is_retry(c) {
            return match c.results.len() {
                0 => mcp("claim_task", json!({"id": task})),
                1 => mcp("complete_task", json!({"id": task, "force": true})),
                2 => Step::Shell(format!("git commit -q -am '{task}: done'")),
                _ => say("All done."),
            };
        }
        match c.results.len() {
            0 => mcp("claim_task", json!({"id": task})),
            1 => Step::Shell(format!(
                "printf '{word}\\n' > {file} && git add {file} && git commit -q -m '{task}: {file}'"
            )),
            2 => mcp("complete_task", json!({"id": task})),
            3 => Step::Shell(format!("git commit -q -am '{task}: ticked'")),
            _ => say(&format!("{task} is done.")),
        }
    })
}

// ---------------------------------------------------------------------------------------
// The runner.

/// A project ready for `baton run --agent NAME`: the plan, `baton init --agents NAME`, the
/// verify commands trusted, `[agents.NAME]` (the preset's own argv, a timeout), committed.
fn project(agent: Agent) -> Project {
    let p = Project::new();
    p.write("plan.md", PLAN);
    p.git_init();
    // The sessions and baton's merges commit as this identity (the throwaway HOME has none).
    p.git(&["config", "user.email", "agent@example.com"])
        .git(&["config", "user.name", "agent"]);
    p.run(&["init", "--agents", agent.name()]).success();
    let preset = baton::run::presets::preset(agent.name()).expect("a built-in preset");
    let argv = serde_json::to_string(&preset.argv).expect("argv as a TOML array");
    let mut toml = format!(
        "[agents.{}]\nargv = {argv}\ntimeout = \"{SESSION_TIMEOUT}\"\n",
        agent.name()
    );
    if !preset.env.is_empty() {
        toml.push_str(&format!("[agents.{}.env]\n", agent.name()));
        for (k, v) in &preset.env {
            toml.push_str(&format!("{k} = {v:?}\n"));
        }
    }
    p.write("baton.toml", toml);
    p.git(&["add", "-A"]).git(&["commit", "-q", "-m", "plan"]);
    p.trust_commands();
    p
}

/// What one `baton run` left behind.
struct Outcome {
    run: AgentRun,
    /// `--json` events, in order.
    events: Vec<Value>,
}

impl Outcome {
    fn kinds(&self) -> Vec<String> {
        self.events
            .iter()
            .map(|e| {
                let session = e["session"].as_str().map(|s| format!(" {s}"));
                format!(
                    "{}{}",
                    e["event"].as_str().unwrap_or("?"),
                    session.unwrap_or_default()
                )
            })
            .collect()
    }
}

/// `baton run --agent NAME --sessions 3 --json` with the CLI's folder and baton first on
/// PATH, bounded by [`RUN_LIMIT`].
fn baton_run(agent: Agent, cli: &Path, p: &Project, home: &Path, api: &StandIn) -> Outcome {
    let mut cmd = clean_command(Path::new(BIN), p, home);
    let cli_dir = cli.parent().expect("the CLI's folder").to_path_buf();
    let mut path = vec![cli_dir];
    path.extend(std::env::split_paths(&super::path_with_baton()));
    cmd.env("PATH", std::env::join_paths(path).expect("PATH"))
        .args(["run", "--agent", agent.name(), "--sessions", "3", "--json"]);
    for (k, v) in agent.environment(home, api) {
        cmd.env(k, v);
    }
    let run = run_bounded_for(cmd, RUN_LIMIT);
    let events = run.events.clone();
    Outcome { run, events }
}

/// Everything that shows what happened: baton's output, each session's log, the stand-in's
/// requests.
fn trace(p: &Project, out: &Outcome, api: &StandIn) -> String {
    let mut text = out.run.describe();
    let logs = p.path(".git/baton/runs/1/logs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&logs)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    for file in files {
        let log = std::fs::read_to_string(&file).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        text.push_str(&format!(
            "\n--- {}\n{}",
            file.display(),
            lines[lines.len().saturating_sub(40)..].join("\n")
        ));
    }
    text.push_str(&format!("\n--- stand-in requests\n{}", api.server.trace()));
    text
}

/// The conversations of the sessions given `task`, retries' too, in order.
fn of_task(api: &StandIn, task: &str) -> Vec<Conversation> {
    api.conversations()
        .into_iter()
        .filter(|c| brief_task(c).as_deref() == Some(task))
        .collect()
}

fn git_out(p: &Project, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(p.dir.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The run succeeded: every session merged, the phase verified; the integration branch
/// holds each file and each tick; each session claimed, completed and committed through
/// its CLI's tools.
fn check_all_merged(p: &Project, out: &Outcome, api: &StandIn) {
    let trace = || trace(p, out, api);
    assert!(!out.run.timed_out, "baton run hung\n{}", trace());
    assert_eq!(out.run.code, Some(0), "{}", trace());
    let kinds = out.kinds();
    for session in ["session-1", "session-2", "session-3"] {
        assert!(
            kinds.contains(&format!("merged {session}")),
            "{session} not merged: {kinds:?}\n{}",
            trace()
        );
    }
    let last = out.events.last().expect("events");
    assert_eq!(last["event"], "run_finished", "{kinds:?}");
    assert_eq!(last["outcome"], "success", "{last:#}");

    assert_eq!(git_out(p, &["branch", "--show-current"]).trim(), "main");
    let merged = git_out(p, &["branch", "--merged", "main", "--list", "baton/*"]);
    assert_eq!(merged.lines().count(), TASKS.len(), "{merged}\n{}", trace());
    let plan = p.read_string("plan.md");
    for task in TASKS {
        let (file, word) = work(task);
        assert_eq!(p.read_string(file), format!("{word}\n"), "{file}");
        assert!(plan.contains(&format!("- [x] {task} ")), "{task}:\n{plan}");
        // The model's side: the claim, then the completion, verified and ticked.
        let last = of_task(api, task).pop().unwrap_or_else(|| {
            panic!("no request of {task}'s session\n{}", trace());
        });
        let results = &last.results;
        assert!(results.len() >= 4, "{task}: {results:#?}\n{}", trace());
        // baton claimed the task for the session before it started; baton's MCP server in
        // the session knows it as the session's own (BATON_SESSION reached it).
        assert!(
            results[0].contains("already-yours") && results[0].contains("\"session\":\"run-1/"),
            "{task}: {}",
            results[0]
        );
        assert!(
            results[2].contains("verified") && results[2].contains("\"ticked\":true"),
            "{task}: {}",
            results[2]
        );
    }
    assert!(git_out(p, &["status", "--porcelain"]).is_empty());
    p.run(&["verify", "--phase", "1"]).success();
}

/// Scenario 1: three lanes, each claimed, done, committed and ticked by a real session.
fn three_lanes(agent: Agent) {
    let Some(cli) = agent_cli(agent.cli(), &format!("{} run three lanes", agent.name())) else {
        return;
    };
    let p = project(agent);
    let home = temp_home();
    let api = agent.stand_in(lanes_script(None));
    let out = baton_run(agent, &cli, &p, home.path(), &api);
    check_all_merged(&p, &out, &api);
    assert!(
        !out.kinds().iter().any(|k| k.starts_with("gate_failed")),
        "{:?}",
        out.kinds()
    );
}

/// Scenario 2: T2's first session ticks without the work; the gate fails it, the retry's
/// brief carries the evidence, the retry does the work and is merged.
fn false_tick_retried(agent: Agent) {
    let Some(cli) = agent_cli(agent.cli(), &format!("{} run false tick", agent.name())) else {
        return;
    };
    let p = project(agent);
    let home = temp_home();
    let api = agent.stand_in(lanes_script(Some("T2")));
    let out = baton_run(agent, &cli, &p, home.path(), &api);
    let trace = || trace(&p, &out, &api);
    check_all_merged(&p, &out, &api);

    // The events: T2's session failed its gate, was retried, then merged, in that order.
    let kinds = out.kinds();
    let at = |kind: &str| {
        kinds
            .iter()
            .position(|k| k == kind)
            .unwrap_or_else(|| panic!("no `{kind}` in {kinds:?}\n{}", trace()))
    };
    let (failed, retry, merged) = (
        at("gate_failed session-2"),
        at("retry session-2"),
        at("merged session-2"),
    );
    assert!(failed < retry && retry < merged, "{kinds:?}");
    let gate = &out.events[failed];
    let evidence = gate["evidence"].to_string();
    for needle in EVIDENCE {
        assert!(evidence.contains(needle), "{needle:?} missing: {gate:#}");
    }
    assert_eq!(out.events[retry]["attempt"], 2, "{:#}", out.events[retry]);
    assert_eq!(
        kinds
            .iter()
            .filter(|k| k.starts_with("gate_failed"))
            .count(),
        1
    );

    // The model's side: the first attempt forced its tick; the retry's very first request
    // carries the failing command and its exit in the brief's retry section.
    let t2 = of_task(&api, "T2");
    let first = t2
        .iter()
        .find(|c| !is_retry(c))
        .expect("T2's first attempt");
    assert!(first.results.is_empty(), "{:#?}", first.results);
    let lied = t2
        .iter()
        .filter(|c| !is_retry(c))
        .any(|c| c.results.get(1).is_some_and(|r| r.contains("forced")));
    assert!(
        lied,
        "the first attempt did not force its tick\n{}",
        trace()
    );
    let again = t2
        .iter()
        .find(|c| is_retry(c))
        .unwrap_or_else(|| panic!("no retry of T2 reached the model\n{}", trace()));
    assert!(again.results.is_empty(), "not the retry's first request");
    let section = again
        .notes
        .iter()
        .find_map(|n| n.split_once(RETRY).map(|(_, s)| s))
        .expect("checked by is_retry");
    for needle in EVIDENCE {
        assert!(
            section.contains(needle),
            "the retry's brief lacks {needle:?}:\n{section}"
        );
    }
}

#[test]
fn baton_run_claude_merges_three_lanes() {
    three_lanes(Agent::Claude);
}

#[test]
fn baton_run_claude_catches_a_false_tick_and_retries_with_the_evidence() {
    false_tick_retried(Agent::Claude);
}

#[test]
fn baton_run_codex_merges_three_lanes() {
    three_lanes(Agent::Codex);
}

#[test]
fn baton_run_codex_catches_a_false_tick_and_retries_with_the_evidence() {
    false_tick_retried(Agent::Codex);
}
