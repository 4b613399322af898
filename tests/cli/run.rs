//! `baton run`: fake agents (sh scripts doing real git work in their worktrees) run a phase
//! through the real binary; what merged, what was blocked, and what the agents were given.

use crate::run_fixture::{FakeAgent, RunRepo, json_lines, kinds};

const PLAN: &str = "# Demo\n\n## Overview\nTwo files.\n\n## Phase 1: Build\n\n\
- [ ] T1 Write a\n  - files: src/a.txt\n  - verify: grep -q real src/a.txt\n\
- [ ] T2 Write b\n  - files: src/b.txt\n  - verify: grep -q real src/b.txt\n\n\
## Phase 2: Later\n\n- [ ] T3 Write c\n  - files: src/c.txt\n\n## Decisions\n\n";

/// An honest agent: for each of its tasks, writes the task's file, ticks it, commits.
/// `$MODE` changes what it does (see each test). Every start is logged in `$RUNS_LOG`,
/// which lives outside the repository.
const AGENT: &str = r#"#!/bin/sh
echo "$BATON_SESSION $BATON_TASKS pid=$$" >> "$RUNS_LOG"
# wait: the session holding T2 waits for "$RUNS_LOG.go" the first time it starts.
case " $BATON_TASKS " in *" T2 "*)
  if [ "$MODE" = wait ] && [ ! -e "$RUNS_LOG.waited" ]; then
    touch "$RUNS_LOG.waited"
    while [ ! -e "$RUNS_LOG.go" ]; do sleep 0.05; done
  fi;;
esac
g() { git -c user.email=a@example.com -c user.name=agent "$@"; }
word=real
if [ "$MODE" = liar ] && ! grep -q "was not merged" "$1"; then word=fake; fi
for t in $BATON_TASKS; do
  case $t in T1) f=src/a.txt;; T2) f=src/b.txt;; esac
  if [ "$MODE" = stray ]; then f=src/other.txt; fi
  mkdir -p src; echo "$word" > $f
  if [ "$MODE" = same ]; then echo "$t" > src/shared.txt; fi
  g add -A
  "$BATON" done "$t" >/dev/null 2>&1
done
if [ "$MODE" = hang ]; then sleep 300 & echo $! > "$RUNS_LOG.child"; sleep 300; fi
g add -A
g commit -qm "work on $BATON_TASKS"
"#;

const RUNS_LOG: &str = "runs.log";

/// The fake agent in `mode`, logging its starts in `runs.log` outside the repository.
fn fake(mode: &str) -> FakeAgent {
    FakeAgent::new(AGENT)
        .argv_tail(&["{prompt_file}"])
        .env("MODE", mode)
        .env_outside("RUNS_LOG", RUNS_LOG)
}

/// A repository with the plan committed and locked, and the fake agent in `mode`.
fn setup(plan: &str, mode: &str) -> RunRepo {
    fake(mode).plan(plan).build()
}

/// Every start of the agent: `SESSION TASKS pid=PID`.
fn runs(s: &RunRepo) -> Vec<String> {
    s.log_lines(RUNS_LOG)
}

/// Worktrees other than the main one and the pool's (`.baton/worktrees/pool/<n>`).
fn session_worktrees(s: &RunRepo) -> usize {
    s.git_out(&["worktree", "list"])
        .lines()
        .skip(1)
        .filter(|l| !l.contains("/.baton/worktrees/pool/"))
        .count()
}

#[test]
fn honest_lanes_are_merged_and_the_phase_verified() {
    let s = setup(PLAN, "honest");
    let run = s.project.run(&["run", "--sessions", "2", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let events = json_lines(&run);
    let kinds = kinds(&events);
    assert_eq!(kinds.first().map(String::as_str), Some("run_started"));
    assert_eq!(
        kinds.iter().filter(|k| *k == "merged").count(),
        2,
        "{kinds:?}"
    );
    assert!(kinds.contains(&"phase_verified".to_string()));
    let last = events.last().expect("events");
    assert_eq!(last["event"], "run_finished");
    assert_eq!(last["outcome"], "success");
    // The work and the ticks are on the integration branch, through the merge driver.
    assert_eq!(s.project.read_string("src/a.txt"), "real\n");
    assert_eq!(s.project.read_string("src/b.txt"), "real\n");
    let plan = s.project.read_string("plan.md");
    assert!(
        plan.contains("- [x] T1") && plan.contains("- [x] T2"),
        "{plan}"
    );
    assert!(
        plan.contains("- [ ] T3"),
        "no session crosses the phase: {plan}"
    );
    // Each session ran once, with its own tasks, and its worktree went to the pool (the
    // default `[run] pool`): nothing else is left.
    let mut runs = runs(&s);
    runs.sort();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert!(runs[0].starts_with("run-1/session-1 T"), "{runs:?}");
    let worktrees = s.git_out(&["worktree", "list"]);
    assert_eq!(session_worktrees(&s), 0, "{worktrees}");
    assert_eq!(worktrees.lines().count(), 3, "{worktrees}");
    assert_eq!(
        s.git_out(&["status", "--porcelain", "--ignored"]),
        "!! .baton/worktrees/\n",
        "only the pool, which git ignores"
    );
    let left: Vec<_> = std::fs::read_dir(s.project.path(".baton/worktrees"))
        .expect("worktrees folder")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(left, ["pool"], "no run folder left behind");
    // The run is in the state store.
    let status = s.project.run(&["status"]);
    assert_eq!(status.code, 0, "{}", status.transcript());
}

#[test]
fn dry_run_prints_each_argv_and_creates_nothing() {
    let s = setup(PLAN, "honest");
    let head = s.git_out(&["rev-parse", "HEAD"]);
    let run = s.project.run(&["run", "--sessions", "2", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("run 1 (dry run): phase 1 \"Phase 1: Build\", 2 session(s)"),
        "{}",
        run.stdout
    );
    let script = s.script();
    assert!(
        run.stdout
            .contains(&format!("argv     sh {} ", script.display())),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(".baton/worktrees/1/session-1/.baton/run/prompt.md"),
        "{}",
        run.stdout
    );
    assert!(runs(&s).is_empty());
    assert_eq!(s.git_out(&["rev-parse", "HEAD"]), head);
    assert_eq!(s.git_out(&["worktree", "list"]).lines().count(), 1);
    assert!(s.git_out(&["branch", "--list", "baton/*"]).is_empty());
    assert!(!s.project.path(".git/baton/runs").exists());
    assert!(!s.project.path(".baton/worktrees").exists());
}

#[test]
fn a_preset_agent_needs_no_configuration_and_runs_through_argv() {
    let s = setup(PLAN, "honest");
    let run = s
        .project
        .run(&["run", "--sessions", "1", "--agent", "claude", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    // The brief is one argument after `-p`, never a shell string.
    assert!(
        run.stdout.contains("argv     claude -p ")
            && run.stdout.contains("--output-format stream-json --verbose"),
        "{}",
        run.stdout
    );
    assert!(runs(&s).is_empty());
}

#[test]
fn an_unknown_agent_is_a_usage_error_naming_the_known_ones() {
    let s = setup(PLAN, "honest");
    let run = s.project.run(&["run", "--agent", "nope", "--dry-run"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("no agent `nope` (configured: fake; presets: claude, codex, gemini, aider)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_dirty_tree_or_a_detached_head_is_refused() {
    let s = setup(PLAN, "honest");
    s.project.write("plan.md", format!("{PLAN}\n"));
    let run = s.project.run(&["run", "--dry-run"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(
        run.stderr.contains("uncommitted changes (plan.md)"),
        "{}",
        run.stderr
    );
    s.project
        .git(&["checkout", "-q", "plan.md"])
        .git(&["checkout", "-q", "--detach"]);
    let run = s.project.run(&["run", "--dry-run"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(run.stderr.contains("HEAD is detached"), "{}", run.stderr);
}

#[test]
fn a_dirty_tree_is_named_first_though_the_plan_is_read_while_git_looks() {
    // The tree's check runs beside the plan's layout; its verdict still comes first.
    let s = setup(PLAN, "honest");
    s.project.write("plan.md", format!("{PLAN}\n"));
    let run = s.project.run(&["run", "--phase", "9", "--dry-run"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(
        run.stderr.contains("uncommitted changes (plan.md)"),
        "{}",
        run.stderr
    );
    // Clean again, the plan's own error shows.
    s.project.git(&["checkout", "-q", "plan.md"]);
    let run = s.project.run(&["run", "--phase", "9", "--dry-run"]);
    assert_ne!(run.code, 0, "{}", run.transcript());
    assert!(!run.stderr.contains("uncommitted"), "{}", run.stderr);
    assert!(run.stderr.contains('9'), "{}", run.stderr);
}

#[test]
fn a_liar_is_blocked_then_retried_with_the_evidence_and_passes() {
    let s = setup(PLAN, "liar");
    let run = s
        .project
        .run(&["run", "--sessions", "2", "--keep", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let events = json_lines(&run);
    let failed: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["event"] == "gate_failed")
        .collect();
    assert_eq!(failed.len(), 2, "{}", run.stdout);
    let evidence = failed[0]["evidence"].to_string();
    assert!(evidence.contains("false-done"), "{evidence}");
    assert!(evidence.contains("grep -q real src/"), "{evidence}");
    assert_eq!(kinds(&events).iter().filter(|k| *k == "retry").count(), 2);
    // The second attempt's prompt carries the first one's evidence.
    let prompt = s
        .project
        .read_string(".baton/worktrees/1/session-1-2/.baton/run/prompt.md");
    assert!(
        prompt.contains("## Why attempt 1 was not merged"),
        "{prompt}"
    );
    assert!(prompt.contains("false-done"), "{prompt}");
    // Its commands name the session as its claims are held: through BATON_SESSION.
    assert!(
        prompt.contains("baton claim <id> --by \"$BATON_SESSION\""),
        "{prompt}"
    );
    assert!(!prompt.contains("--by session-1"), "{prompt}");
    assert_eq!(s.project.read_string("src/a.txt"), "real\n");
    // Two attempts per session, no more.
    assert_eq!(runs(&s).len(), 4, "{:?}", runs(&s));
}

#[test]
fn an_edit_outside_scope_is_blocked() {
    let s = setup(PLAN, "stray");
    let run = s.project.run(&["run", "--sessions", "1", "--retries", "0"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stderr.contains("gate failed"), "{}", run.stderr);
    assert!(run.stderr.contains("audit A"), "{}", run.stderr);
    assert!(run.stderr.contains("src/other.txt"), "{}", run.stderr);
    assert!(run.stderr.contains("blocked T1 T2"), "{}", run.stderr);
    assert!(!s.project.path("src/other.txt").exists());
    assert!(s.project.read_string("plan.md").contains("- [ ] T1"));
    assert_eq!(runs(&s).len(), 1);
}

#[test]
fn two_sessions_editing_one_file_take_the_conflict_path() {
    let s = fake("same")
        .toml_top("[audit]\npolicy = \"warn\"")
        .plan(PLAN)
        .build();
    let run = s.project.run(&["run", "--sessions", "2", "--json"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let events = json_lines(&run);
    let conflict = events
        .iter()
        .find(|e| e["event"] == "conflict")
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert_eq!(conflict["files"], serde_json::json!(["src/shared.txt"]));
    let branch = conflict["branch"].as_str().expect("branch");
    assert!(
        !s.git_out(&["branch", "--list", branch]).is_empty(),
        "the branch is kept"
    );
    let blocked = events
        .iter()
        .find(|e| e["event"] == "blocked")
        .expect("blocked");
    assert!(
        blocked["reason"]
            .as_str()
            .expect("reason")
            .contains("src/shared.txt")
    );
    assert_eq!(kinds(&events).iter().filter(|k| *k == "merged").count(), 1);
    assert!(
        s.git_out(&["status", "--porcelain"]).is_empty(),
        "no half merge left"
    );
}

#[test]
fn a_hung_agent_is_killed_at_its_timeout_with_its_whole_group() {
    let s = fake("hang")
        .agent_line("timeout = \"2s\"")
        .plan(PLAN)
        .build();
    let run = s
        .project
        .run(&["run", "--sessions", "1", "--retries", "0", "--json"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let events = json_lines(&run);
    let exited = events
        .iter()
        .find(|e| e["event"] == "session_exited")
        .expect("exited");
    assert!(
        exited["exit"]
            .as_str()
            .expect("exit")
            .starts_with("timed out after 2s"),
        "{exited}"
    );
    let started = events
        .iter()
        .find(|e| e["event"] == "session_started")
        .expect("started");
    let pid = started["pid"].as_u64().expect("pid").to_string();
    let child = std::fs::read_to_string(s.outside_file("runs.log.child")).expect("child pid");
    // A killed process may stay a zombie for a moment until its new parent reaps it.
    let alive = |pid: &str| {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| stat.rsplit(") ").next().map(|rest| !rest.starts_with('Z')))
            .unwrap_or(false)
    };
    for pid in [pid.as_str(), child.trim()] {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while alive(pid) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(!alive(pid), "process {pid} outlived the timeout");
    }
}

/// Whether a process is alive (a zombie waiting to be reaped is not).
fn alive(pid: u64) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| stat.rsplit(") ").next().map(|rest| !rest.starts_with('Z')))
        .unwrap_or(false)
}

/// Waits up to 10 seconds for a process to be gone.
fn gone(pid: u64) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while alive(pid) {
        if std::time::Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    true
}

/// `baton run --sessions 2 --json` started in the background (agents in `wait` mode), read
/// until the session with T1 went through `until` (`gate_passed`, `session_exited`) and the
/// one with T2 is running (waiting): returns the child, the events so far and the waiting
/// agent's pid.
fn start_until_one_waits(
    s: &RunRepo,
    until: &str,
) -> (std::process::Child, Vec<serde_json::Value>, u64) {
    let (mut passed, mut waiting) = (false, None);
    let (child, events) = s.start_until(&["run", "--sessions", "2", "--json"], |event| {
        let has = |t: &str| {
            event["tasks"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == t))
        };
        if event["event"] == "session_started" && has("T2") {
            waiting = event["pid"].as_u64();
        }
        if event["event"] == until {
            passed = true;
        }
        passed && waiting.is_some()
    });
    // The waiting agent is in its loop (it marks that before waiting).
    s.wait_for_file(&format!("{RUNS_LOG}.waited"));
    (child, events, waiting.expect("pid"))
}

fn starts_of(s: &RunRepo, task: &str) -> usize {
    runs(s)
        .iter()
        .filter(|l| l.split_whitespace().any(|w| w == task))
        .count()
}

#[test]
fn kill_9_mid_wave_then_resume_runs_no_finished_session_twice() {
    let s = setup(PLAN, "wait");
    let (mut child, _, orphan) = start_until_one_waits(&s, "gate_passed");
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    // The agent baton was running lives on: nothing stopped its group.
    assert!(
        alive(orphan),
        "the orphan should outlive a kill -9 of baton"
    );
    assert_eq!(starts_of(&s, "T1"), 1);
    assert_eq!(starts_of(&s, "T2"), 1);

    let run = s.project.run(&["run", "--resume", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let events = json_lines(&run);
    let first = &events[0];
    assert_eq!(first["event"], "run_resumed", "{first}");
    assert_eq!(first["run"], 1);
    assert_eq!(first["merge"].as_array().map(Vec::len), Some(1), "{first}");
    assert_eq!(first["start"].as_array().map(Vec::len), Some(1), "{first}");
    assert_eq!(first["stopped"], serde_json::json!([orphan]), "{first}");
    // The orphan and its whole group are gone; T1's agent never ran again.
    assert!(gone(orphan), "orphan {orphan} outlived --resume");
    assert_eq!(starts_of(&s, "T1"), 1, "{:?}", runs(&s));
    assert_eq!(starts_of(&s, "T2"), 2, "{:?}", runs(&s));
    assert_eq!(
        kinds(&events).iter().filter(|k| *k == "merged").count(),
        2,
        "{}",
        run.stdout
    );
    let last = events.last().expect("events");
    assert_eq!(last["outcome"], "success", "{last}");
    let plan = s.project.read_string("plan.md");
    assert!(
        plan.contains("- [x] T1") && plan.contains("- [x] T2"),
        "{plan}"
    );
    assert_eq!(s.project.read_string("src/b.txt"), "real\n");
    assert_eq!(
        session_worktrees(&s),
        0,
        "{}",
        s.git_out(&["worktree", "list"])
    );
    // A finished run is not resumed again.
    let again = s.project.run(&["run", "--resume"]);
    assert_eq!(again.code, 3, "{}", again.transcript());
    assert!(
        again.stderr.contains("no unfinished run to resume"),
        "{}",
        again.stderr
    );
}

#[test]
fn ctrl_c_stops_every_agent_exits_130_and_resume_completes() {
    let s = setup(PLAN, "wait");
    let (mut child, _, waiting) = start_until_one_waits(&s, "gate_passed");
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(status.success());
    let code = child.wait().expect("wait").code();
    let stderr = std::fs::read_to_string(s.outside_file("stderr")).unwrap_or_default();
    assert_eq!(code, Some(130), "{stderr}");
    assert!(gone(waiting), "agent {waiting} outlived Ctrl-C");

    let run = s.project.run(&["run", "--resume", "1", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let events = json_lines(&run);
    assert_eq!(events[0]["event"], "run_resumed", "{}", run.stdout);
    assert_eq!(events[0]["stopped"], serde_json::json!([]));
    assert_eq!(starts_of(&s, "T1"), 1, "{:?}", runs(&s));
    assert_eq!(starts_of(&s, "T2"), 2, "{:?}", runs(&s));
    assert_eq!(events.last().expect("events")["outcome"], "success");
    let plan = s.project.read_string("plan.md");
    assert!(
        plan.contains("- [x] T1") && plan.contains("- [x] T2"),
        "{plan}"
    );
    let again = s.project.run(&["run", "--resume", "1"]);
    assert_eq!(again.code, 3, "{}", again.transcript());
    assert!(
        again.stderr.contains("run 1 finished (success)"),
        "{}",
        again.stderr
    );
}

#[test]
fn a_session_whose_agent_exited_is_gated_on_resume_without_starting_it_again() {
    // T1's check takes a while, so baton is killed while it gates T1.
    let plan = PLAN.replace(
        "verify: grep -q real src/a.txt",
        "verify: sleep 3 && grep -q real src/a.txt",
    );
    let s = setup(&plan, "wait");
    let (mut child, events, orphan) = start_until_one_waits(&s, "session_exited");
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    assert!(
        !kinds(&events).contains(&"gate_passed".to_string()),
        "{events:?}"
    );

    let run = s.project.run(&["run", "--resume", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let events = json_lines(&run);
    assert_eq!(events[0]["event"], "run_resumed", "{}", run.stdout);
    assert_eq!(
        events[0]["gate"],
        serde_json::json!(["session-1"]),
        "{}",
        run.stdout
    );
    assert_eq!(
        events[0]["start"],
        serde_json::json!(["session-2"]),
        "{}",
        run.stdout
    );
    assert!(gone(orphan), "orphan {orphan} outlived --resume");
    // Gated and merged, its agent not started again.
    let passed: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["event"] == "gate_passed")
        .collect();
    assert_eq!(passed.len(), 2, "{}", run.stdout);
    assert_eq!(starts_of(&s, "T1"), 1, "{:?}", runs(&s));
    assert_eq!(starts_of(&s, "T2"), 2, "{:?}", runs(&s));
    assert_eq!(events.last().expect("events")["outcome"], "success");
}

/// `baton ARGS` as run on machine `host` (`BATON_HOST_ID`), beating every second.
fn on_machine(s: &RunRepo, host: &str, args: &[&str]) -> std::process::Command {
    let mut cmd = s.project.command(args);
    cmd.env("BATON_HOST_ID", host)
        .env("BATON_RUN_HEARTBEAT_SECS", "1");
    cmd
}

/// `baton status --json`'s run as seen from machine `host`.
fn run_seen_from(s: &RunRepo, host: &str) -> serde_json::Value {
    let out = on_machine(s, host, &["status", "--json"])
        .output()
        .expect("status");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("status json");
    json["run"].clone()
}

#[test]
fn a_run_driven_from_another_machine_is_judged_by_its_heartbeat_not_its_pid() {
    let s = setup(PLAN, "wait");
    let (mut waiting, mut passed) = (None, false);
    let (mut child, _) = s.start_until_with(
        on_machine(&s, "machine-a", &["run", "--sessions", "2", "--json"]),
        |event| {
            let t2 = event["tasks"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == "T2"));
            if event["event"] == "session_started" && t2 {
                waiting = event["pid"].as_u64();
            }
            passed |= event["event"] == "gate_passed";
            passed && waiting.is_some()
        },
    );
    let orphan = waiting.expect("pid");
    // Machine a's waiting agent outlives this test's baton processes: killed at the end,
    // whatever happens.
    struct KillAtEnd(u64);
    impl Drop for KillAtEnd {
        fn drop(&mut self) {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &self.0.to_string()])
                .status();
        }
    }
    let _orphan = KillAtEnd(orphan);
    s.wait_for_file(&format!("{RUNS_LOG}.waited"));
    // Longer than six beats: only the heartbeat keeps the run alive for machine b.
    std::thread::sleep(std::time::Duration::from_secs(8));

    // Machine b cannot check machine a's pid; the heartbeat says the run is alive.
    let refused = on_machine(&s, "machine-b", &["run", "--resume"])
        .output()
        .expect("resume");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("run 1 is running on machine-a"), "{stderr}");
    let seen = run_seen_from(&s, "machine-b");
    assert_eq!(seen["state"], "running");
    assert_eq!(seen["driven_from"]["host"], "machine-a", "{seen:#}");
    assert!(
        seen["driven_from"]["heard_seconds_ago"].as_i64() < Some(3),
        "{seen:#}"
    );
    assert!(run_seen_from(&s, "machine-a").get("driven_from").is_none());
    let text = on_machine(&s, "machine-b", &["status"])
        .output()
        .expect("status");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("running on machine-a (heard from"), "{text}");

    // Stopped, baton's pid lives on but it says nothing: on its own machine the pid still
    // counts, from elsewhere the run is interrupted once six beats have gone by unheard.
    let pid = child.id().to_string();
    let signal = |sig: &str| {
        let ok = std::process::Command::new("kill")
            .args([sig, &pid])
            .status()
            .expect("kill");
        assert!(ok.success());
    };
    signal("-STOP");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while run_seen_from(&s, "machine-b")["state"] != "interrupted" {
        assert!(
            std::time::Instant::now() < deadline,
            "still running after 30 s of silence"
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    assert_eq!(run_seen_from(&s, "machine-a")["state"], "running");
    signal("-KILL");
    child.wait().expect("reap");

    // Machine b takes the run over. Machine a's agents are not its to stop.
    let resumed = on_machine(&s, "machine-b", &["run", "--resume", "--json"])
        .output()
        .expect("resume");
    let stdout = String::from_utf8_lossy(&resumed.stdout);
    assert_eq!(
        resumed.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let events: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(events[0]["event"], "run_resumed", "{stdout}");
    assert_eq!(events[0]["stopped"], serde_json::json!([]), "{stdout}");
    assert!(alive(orphan), "an agent of machine a was stopped from b");
    assert_eq!(events.last().expect("events")["outcome"], "success");
    assert_eq!(starts_of(&s, "T1"), 1, "{:?}", runs(&s));
    // The old driver, were it to wake, is no longer the run's: machine b drives it now.
    let again = on_machine(&s, "machine-a", &["run", "--resume"])
        .output()
        .expect("resume");
    assert_eq!(again.status.code(), Some(3));
}
