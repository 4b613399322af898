//! The set-up every `baton run` test shares, in one place: a fake agent (an sh script kept
//! in a temp dir outside the repository, where it also logs), a git repository holding the
//! plan with `[agents.fake]` in `baton.toml`, committed and trusted; and the reading of
//! `--json` output and of a run started in the background.
//!
//! ```ignore
//! let s = FakeAgent::new(AGENT)
//!     .argv_tail(&["{prompt_file}"])
//!     .env("MODE", "honest")
//!     .env_outside("RUNS_LOG", "runs.log")
//!     .toml_top("[run]\npool = 2")
//!     .file("README.md", "start\n")
//!     .plan(PLAN)
//!     .build();
//! let events = json_lines(&s.project.run(&["run", "--json"]));
//! ```

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{BIN, Project, Run};

/// The agent `baton.toml` configures, and what the repository holds besides.
pub struct FakeAgent {
    script: &'static str,
    argv_tail: Vec<String>,
    agent_lines: String,
    env: Vec<(String, EnvValue)>,
    top: String,
    files: Vec<(String, String)>,
    plan: Option<String>,
}

enum EnvValue {
    Text(String),
    /// A file in the temp dir outside the repository.
    Outside(String),
}

impl FakeAgent {
    /// An agent that runs `sh SCRIPT` (the script's text), with `BATON` set to the built
    /// binary in its environment.
    pub fn new(script: &'static str) -> FakeAgent {
        FakeAgent {
            script,
            argv_tail: Vec::new(),
            agent_lines: String::new(),
            env: Vec::new(),
            top: String::new(),
            files: Vec::new(),
            plan: None,
        }
    }

    /// Arguments after `sh SCRIPT` (placeholders such as `{prompt_file}` included).
    pub fn argv_tail(mut self, args: &[&str]) -> FakeAgent {
        self.argv_tail = args.iter().map(|a| a.to_string()).collect();
        self
    }

    /// A line of `[agents.fake]` itself, such as `timeout = "2s"`.
    pub fn agent_line(mut self, line: &str) -> FakeAgent {
        self.agent_lines.push_str(line);
        self.agent_lines.push('\n');
        self
    }

    /// `KEY = "VALUE"` in `[agents.fake.env]`.
    pub fn env(mut self, key: &str, value: &str) -> FakeAgent {
        self.env
            .push((key.to_string(), EnvValue::Text(value.to_string())));
        self
    }

    pub fn envs(self, pairs: &[(&str, &str)]) -> FakeAgent {
        pairs.iter().fold(self, |agent, (k, v)| agent.env(k, v))
    }

    /// `KEY` set to the path of `rel` in the temp dir outside the repository (a log, a
    /// marker file).
    pub fn env_outside(mut self, key: &str, rel: &str) -> FakeAgent {
        self.env
            .push((key.to_string(), EnvValue::Outside(rel.to_string())));
        self
    }

    /// Sections of `baton.toml` before the agent's, such as `[run]\npool = 2`.
    pub fn toml_top(mut self, toml: &str) -> FakeAgent {
        self.top = toml.to_string();
        self
    }

    /// A file committed with the plan.
    pub fn file(mut self, rel: &str, contents: &str) -> FakeAgent {
        self.files.push((rel.to_string(), contents.to_string()));
        self
    }

    pub fn plan(mut self, plan: &str) -> FakeAgent {
        self.plan = Some(plan.to_string());
        self
    }

    /// The repository: `git init` with a committer, the plan, the files and `baton.toml`
    /// committed, and the plan's commands trusted (`baton lock`, committed).
    pub fn build(self) -> RunRepo {
        let outside = tempfile::tempdir().expect("tmp");
        let script = outside.path().join(SCRIPT);
        std::fs::write(&script, self.script).expect("write agent");
        let project = Project::new();
        project.git_init();
        project
            .git(&["config", "user.email", "person@example.com"])
            .git(&["config", "user.name", "person"]);
        project.write("plan.md", self.plan.as_deref().expect("FakeAgent::plan"));
        for (rel, contents) in &self.files {
            project.write(rel, contents);
        }
        project.write("baton.toml", self.toml(outside.path(), &script));
        project
            .git(&["add", "-A"])
            .git(&["commit", "-q", "-m", "plan"]);
        project.trust_commands();
        RunRepo { project, outside }
    }

    fn toml(&self, outside: &Path, script: &Path) -> String {
        let mut argv = vec![quote("sh"), quote(&script.display().to_string())];
        argv.extend(self.argv_tail.iter().map(|a| quote(a)));
        let mut toml = String::new();
        if !self.top.is_empty() {
            toml.push_str(self.top.trim_end());
            toml.push_str("\n\n");
        }
        toml.push_str(&format!(
            "[agents.fake]\nargv = [{}]\n{}\n[agents.fake.env]\nBATON = {}\n",
            argv.join(", "),
            self.agent_lines,
            quote(BIN)
        ));
        for (key, value) in &self.env {
            let value = match value {
                EnvValue::Text(text) => text.clone(),
                EnvValue::Outside(rel) => outside.join(rel).display().to_string(),
            };
            toml.push_str(&format!("{key} = {}\n", quote(&value)));
        }
        toml
    }
}

/// The script's file name in the temp dir outside the repository.
const SCRIPT: &str = "agent.sh";

/// A TOML basic string (JSON's escapes are TOML's).
fn quote(text: &str) -> String {
    serde_json::to_string(text).expect("a string")
}

/// A repository set up for `baton run` with the fake agent, and the temp dir outside it
/// that holds the agent's script and whatever the agent logs.
pub struct RunRepo {
    pub project: Project,
    pub outside: tempfile::TempDir,
}

impl RunRepo {
    /// A path in the temp dir outside the repository.
    pub fn outside_file(&self, rel: &str) -> PathBuf {
        self.outside.path().join(rel)
    }

    /// The agent's script.
    pub fn script(&self) -> PathBuf {
        self.outside_file(SCRIPT)
    }

    /// The lines of a file outside the repository (none while it does not exist).
    pub fn log_lines(&self, rel: &str) -> Vec<String> {
        std::fs::read_to_string(self.outside_file(rel))
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }

    /// `baton ARGS` in the repository.
    pub fn run(&self, args: &[&str]) -> Run {
        self.project.run(args)
    }

    /// `git ARGS`'s stdout in the repository, whatever its exit.
    pub fn git_out(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.project.dir.path())
            .output()
            .expect("git");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `baton ARGS` (a `--json` run) started in the background, its stderr in the file
    /// `stderr` outside the repository; its events are read until `until` holds of one
    /// (each is asserted not to be `run_finished`). Returns the child and the events so far.
    pub fn start_until(
        &self,
        args: &[&str],
        until: impl FnMut(&Value) -> bool,
    ) -> (Child, Vec<Value>) {
        self.start_until_with(self.project.command(args), until)
    }

    /// [`RunRepo::start_until`] with a command of the caller's (its own environment).
    pub fn start_until_with(
        &self,
        mut cmd: Command,
        mut until: impl FnMut(&Value) -> bool,
    ) -> (Child, Vec<Value>) {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(self.outside_file("stderr")).expect("stderr"))
            .spawn()
            .expect("start baton run");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // Read to the end even when nobody listens: baton's stdout must not break.
                let _ = tx.send(line);
            }
        });
        let mut events = Vec::new();
        loop {
            let line = rx
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|e| panic!("{e}; events so far: {events:?}"));
            let event: Value = serde_json::from_str(&line).expect("json");
            assert_ne!(event["event"], "run_finished", "{events:?}");
            let done = until(&event);
            events.push(event);
            if done {
                break;
            }
        }
        (child, events)
    }

    /// Waits (at most 30 s) for a file outside the repository, such as the marker an agent
    /// leaves before it waits.
    pub fn wait_for_file(&self, rel: &str) {
        let path = self.outside_file(rel);
        let deadline = Instant::now() + Duration::from_secs(30);
        while !path.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// stdout's JSON lines (`baton run --json`), each one parsed.
pub fn json_lines(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Each event's `event` field (`?` where it has none).
pub fn kinds(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["event"].as_str().unwrap_or("?").to_string())
        .collect()
}
