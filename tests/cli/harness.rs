//! A small harness over the real binary: a temp dir with files, a cleared environment with
//! pinned time, and the command's exit code, stdout and stderr in one snapshot-able text.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_baton");

/// A scratch project directory.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        Project {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A project holding one of the shipped examples as `plan.md`.
    pub fn with_example(name: &str) -> Project {
        let project = Project::new();
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name);
        std::fs::copy(src, project.path("plan.md")).expect("copy example");
        project
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Project {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, contents).expect("write");
        self
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path(rel)).expect("read")
    }

    pub fn read_string(&self, rel: &str) -> String {
        String::from_utf8(self.read(rel)).expect("utf-8")
    }

    /// `baton ARGS` in the project directory.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("NO_COLOR", "1")
            .env("BATON_NOW", "2026-01-21T09:30:00Z");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let output = self.command(args).output().expect("run baton");
        Run::from(output)
    }

    /// `git ARGS` in the project, with a fixed identity and fixed dates (so commit hashes,
    /// which reports quote, are the same on every run) and no user configuration.
    pub fn git(&self, args: &[&str]) -> &Project {
        let status = Command::new("git")
            .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
            .args(args)
            .current_dir(self.dir.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
            .status()
            .expect("git");
        assert!(status.success(), "git {args:?}");
        self
    }

    /// What a person does to let agent-triggered checks (MCP tools, hooks) run the plan's
    /// `verify:` commands: `baton lock`, then commit the lock. Needs `git_init` first.
    pub fn trust_commands(&self) -> &Project {
        let run = self.run(&["lock"]);
        assert_eq!(run.code, 0, "baton lock\n{}", run.transcript());
        self.git(&["add", ".baton/lock.json"]).git(&[
            "commit",
            "-q",
            "-m",
            "trust the plan's commands",
        ])
    }

    /// `git init` with one commit, so state lives under `.git`.
    pub fn git_init(&self) -> &Project {
        self.git(&["init", "-q", "-b", "main"]).git(&[
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "init",
        ])
    }
}

/// The outcome of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Everything a user would see, for snapshots.
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("bad JSON ({e}):\n{}", self.stdout))
    }

    #[track_caller]
    pub fn success(&self) -> &Run {
        assert_eq!(self.code, 0, "{}", self.transcript());
        self
    }
}

/// A plan with `n` independent tasks in one phase, `T1`…`Tn`, each with a sub-item.
pub fn big_plan(n: usize) -> String {
    let mut s = String::from("# Big\n\n## Overview\nMany tasks.\n\n## Phase 1: Everything\n\n");
    for i in 1..=n {
        s.push_str(&format!(
            "- [ ] T{i} Task number {i}\n  - files: src/t{i}.rs\n"
        ));
    }
    s.push_str("\n## Decisions\n\n");
    s
}

/// Spawns `sh -c 'read _ < FIFO; exec baton ARGS'` per argument list (FIFO named
/// `fifo_name` in the project), releases them all at the same moment and waits for all.
pub fn race(p: &Project, fifo_name: &str, runs: &[Vec<String>]) -> Vec<Run> {
    race_with(p, fifo_name, runs, &[])
}

/// [`race`] with `env` added to each process's environment.
pub fn race_with(
    p: &Project,
    fifo_name: &str,
    runs: &[Vec<String>],
    env: &[(&str, &str)],
) -> Vec<Run> {
    let fifo = p.path(fifo_name);
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    let children: Vec<std::process::Child> = runs
        .iter()
        .map(|args| {
            let cmd = p.command(&[]);
            let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
            std::process::Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "read _ < {fifo_name}; exec '{BIN}' {}",
                    quoted.join(" ")
                ))
                .current_dir(p.dir.path())
                .env_clear()
                .envs(
                    cmd.get_envs()
                        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
                )
                .envs(env.iter().copied())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    // Time for every process to reach its `read` (a latecomer would wait forever).
    let settle = 200 + 2 * u64::try_from(runs.len()).unwrap_or(0);
    std::thread::sleep(std::time::Duration::from_millis(settle));
    drop(
        std::fs::OpenOptions::new()
            .write(true)
            .open(&fifo)
            .expect("open fifo"),
    );
    let out = children
        .into_iter()
        .map(|c| Run::from(c.wait_with_output().expect("wait")))
        .collect();
    std::fs::remove_file(&fifo).expect("remove fifo");
    out
}
