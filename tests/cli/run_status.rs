//! A run seen from other processes: `baton status` (text and `--json`) and the MCP
//! `run_status` tool read a real `baton run` from the state store, while its fake agents wait
//! on a marker file and after the run ended.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::mcp;
use crate::run_fixture::{FakeAgent, RunRepo};

const PLAN: &str = "# Demo\n\n## Phase 1: Build\n\n\
- [ ] T1 Write a\n  - files: src/a.txt\n  - verify: grep -q real src/a.txt\n\
- [ ] T2 Write b\n  - files: src/b.txt\n  - verify: grep -q real src/b.txt\n\n\
## Phase 2: Later\n\n- [ ] T3 Write c\n  - files: src/c.txt\n";

/// Waits (at most a minute) for `$MARKER`, then writes each task's file with `$WORD`, ticks
/// it and commits.
const AGENT: &str = r#"#!/bin/sh
n=0
while [ ! -e "$MARKER" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done
g() { git -c user.email=a@example.com -c user.name=agent "$@"; }
for t in $BATON_TASKS; do
  case $t in T1) f=src/a.txt;; T2) f=src/b.txt;; esac
  mkdir -p src; echo "$WORD" > $f
  g add -A
  "$BATON" done "$t" --force >/dev/null 2>&1
done
g add -A
g commit -qm "work on $BATON_TASKS"
"#;

/// The marker file the agents wait for, outside the repository.
const MARKER: &str = "go";

fn setup(word: &str) -> RunRepo {
    FakeAgent::new(AGENT)
        .env("WORD", word)
        .env_outside("MARKER", MARKER)
        .plan(PLAN)
        .build()
}

fn status_json(s: &RunRepo) -> Value {
    let run = s.project.run(&["status", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    run.json()
}

/// `baton run --json ARGS` in the background, its stderr piped.
fn start_run(s: &RunRepo, args: &[&str]) -> Child {
    let mut all = vec!["run", "--json"];
    all.extend_from_slice(args);
    s.project
        .command(&all)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start baton run")
}

/// Polls `baton status --json` until `done` holds of its `run`; panics after 60 s.
fn wait_for(s: &RunRepo, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let status = status_json(s);
        if done(&status["run"]) {
            return status["run"].clone();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no {what} after 60 s: {status:#}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn session_states(run: &Value) -> Vec<String> {
    run["sessions"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| s["state"].as_str().unwrap_or("?").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn status_and_run_status_show_a_live_run_then_its_end() {
    let s = setup("real");
    assert_eq!(status_json(&s)["run"], Value::Null, "no run yet");
    let child = start_run(&s, &["--sessions", "2"]);

    let live = wait_for(&s, "two running sessions", |run| {
        session_states(run) == ["running", "running"]
    });
    assert_eq!(live["run"], 1);
    assert_eq!(live["phase"], 1);
    assert_eq!(live["state"], "running", "{live:#}");
    assert_eq!(live["agent"], "fake");
    assert_eq!(live["outcome"], Value::Null);
    let mut tasks: Vec<Value> = live["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|x| x["tasks"].clone())
        .collect();
    tasks.sort_by_key(|t| t.to_string());
    assert_eq!(tasks, [json!(["T1"]), json!(["T2"])]);
    assert!(live["sessions"][0]["pid"].as_u64().is_some(), "{live:#}");
    assert_eq!(live["sessions"][0]["attempt"], 1);
    let text = s.project.run(&["status"]);
    assert!(
        text.stdout.contains("Run 1 · phase 1 · running"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("session-1") && text.stdout.contains("attempt 1  running"),
        "{}",
        text.stdout
    );

    // Another process through MCP sees the same run.
    let during = mcp::python().map(|py| {
        mcp::session(
            py,
            s.project.dir.path(),
            &[
                mcp::call("run_status", json!({})),
                mcp::call("run_status", json!({"run": 1})),
                mcp::call("run_status", json!({"run": 7})),
            ],
        )
    });
    if let Some(r) = &during {
        let newest = &mcp::ok(&r[0])["run"];
        assert_eq!(newest["state"], "running", "{newest:#}");
        assert_eq!(session_states(newest), ["running", "running"]);
        assert_eq!(mcp::ok(&r[1])["run"]["run"], 1);
        let missing = mcp::tool_error(&r[2]);
        assert_eq!(missing["kind"], "bad-input");
        assert!(
            missing["message"]
                .as_str()
                .is_some_and(|m| m.contains("no run 7")),
            "{missing:#}"
        );
    }

    std::fs::write(s.outside_file(MARKER), "").expect("marker");
    let out = child.wait_with_output().expect("wait for the run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let after = status_json(&s)["run"].clone();
    assert_eq!(after["state"], "finished", "{after:#}");
    assert_eq!(after["outcome"], "success");
    assert!(after["finished_at"].is_string());
    assert_eq!(session_states(&after), ["merged", "merged"]);
    let text = s.project.run(&["status"]);
    assert!(
        text.stdout.contains("Run 1 · phase 1 · finished (success)"),
        "{}",
        text.stdout
    );
    if let Some(py) = mcp::python() {
        let r = mcp::session(
            py,
            s.project.dir.path(),
            &[mcp::call("run_status", json!({}))],
        );
        assert_eq!(mcp::ok(&r[0])["run"], after);
    }
}

#[test]
fn a_blocked_session_shows_the_first_line_of_why() {
    let s = setup("fake");
    std::fs::write(s.outside_file(MARKER), "").expect("marker");
    let run = s
        .project
        .run(&["run", "--sessions", "1", "--retries", "0", "--json"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let status = status_json(&s)["run"].clone();
    assert_eq!(status["state"], "finished");
    assert_eq!(status["outcome"], "blocked");
    let session = &status["sessions"][0];
    assert_eq!(session["state"], "blocked", "{status:#}");
    assert_eq!(session["tasks"], json!(["T1", "T2"]));
    let why = session["why"].as_str().expect("why");
    assert!(
        why.starts_with("its session failed the gate") && !why.contains('\n'),
        "{why}"
    );
    let text = s.project.run(&["status"]);
    assert!(
        text.stdout.contains("blocked") && text.stdout.contains("its session failed the gate"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_run_whose_baton_was_killed_shows_as_interrupted_at_once() {
    let s = setup("real");
    let mut child = start_run(&s, &["--sessions", "2"]);
    wait_for(&s, "two running sessions", |run| {
        session_states(run) == ["running", "running"]
    });
    // SIGKILL: baton records nothing more; its agents still wait on the marker.
    child.kill().expect("kill -9 baton");
    child.wait().expect("reap baton");
    let run = status_json(&s)["run"].clone();
    assert_eq!(run["state"], "interrupted", "{run:#}");
    assert_eq!(run["outcome"], Value::Null);
    assert_eq!(session_states(&run), ["interrupted", "interrupted"]);
    let text = s.project.run(&["status"]);
    assert!(
        text.stdout.contains("Run 1 · phase 1 · interrupted"),
        "{}",
        text.stdout
    );
    // Let the orphaned agents finish.
    std::fs::write(s.outside_file(MARKER), "").expect("marker");
}
