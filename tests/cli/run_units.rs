//! `baton run`'s dispatcher: units that wait for each other's merges, session budgets,
//! `--sessions` as a cap, `--all`, blocked units, `--resume` of every mode, and claims renewed
//! while a session runs. The fake agents are sh scripts doing real git work; what they saw
//! and when they ran is logged outside the repository.

use crate::run_fixture::{FakeAgent, RunRepo, json_lines};

/// T2 waits for T1; T3 is independent; T4 is in phase 2.
const PLAN: &str = "# Units\n\n## Phase 1: Build\n\n\
- [ ] T1 Write one\n  - files: src/t1.txt\n  - verify: grep -q real src/t1.txt\n\
- [ ] T2 Write two\n  - files: src/t2.txt\n  - after: T1\n  - verify: grep -q real src/t2.txt\n\
- [ ] T3 Write three\n  - files: src/t3.txt\n  - verify: grep -q real src/t3.txt\n\n\
## Phase 2: Later\n\n\
- [ ] T4 Write four\n  - files: src/t4.txt\n  - verify: grep -q real src/t4.txt\n\n\
## Decisions\n\n";

/// An honest agent: for each of its tasks writes `src/<task>.txt`, ticks it, commits. It
/// logs `start`/`end` with the time in nanoseconds and what `src/` held when it started
/// (`saw`). Switches from its environment: `WAIT_FOR` (the session holding that task waits
/// for `$LOG.go` the first time), `SLEEP` (seconds), `LIARS` (tasks written `fake`),
/// `INTRUDE` (seconds to wait, then another session tries to claim the first task; its exit
/// status is logged).
const AGENT: &str = r#"#!/bin/sh
now() { date +%s%N; }
echo "start $BATON_SESSION $(now)" >> "$LOG"
echo "saw $BATON_SESSION $(ls src 2>/dev/null | tr '\n' ' ')" >> "$LOG"
if [ -n "$WAIT_FOR" ]; then
  case " $BATON_TASKS " in *" $WAIT_FOR "*)
    if [ ! -e "$LOG.waited" ]; then
      touch "$LOG.waited"
      while [ ! -e "$LOG.go" ]; do sleep 0.05; done
    fi;;
  esac
fi
if [ -n "$SLEEP" ]; then sleep "$SLEEP"; fi
if [ -n "$INTRUDE" ]; then
  sleep "$INTRUDE"
  first=${BATON_TASKS%% *}
  BATON_SESSION=intruder "$BATON" claim "$first" >/dev/null 2>&1
  echo "intruder $?" >> "$LOG"
fi
g() { git -c user.email=a@example.com -c user.name=agent "$@"; }
mkdir -p src
for t in $BATON_TASKS; do
  f=src/$(echo "$t" | tr 'A-Z' 'a-z').txt
  word=real
  case " $LIARS " in *" $t "*) word=fake;; esac
  echo "$word" > "$f"
  g add -A
  "$BATON" done "$t" >/dev/null 2>&1
done
g add -A
g commit -qm "work on $BATON_TASKS"
echo "end $BATON_SESSION $(now)" >> "$LOG"
"#;

const LOG: &str = "agents.log";

/// The logged lines of `kind` (`start`, `saw`, `end`, `intruder`), without it.
fn lines(s: &RunRepo, kind: &str) -> Vec<String> {
    s.log_lines(LOG)
        .iter()
        .filter(|l| l.starts_with(&format!("{kind} ")))
        .map(|l| l[kind.len() + 1..].to_string())
        .collect()
}

/// How many times the session started.
fn starts_of(s: &RunRepo, session: &str) -> usize {
    lines(s, "start")
        .iter()
        .filter(|l| unit_of(l) == Some(session))
        .count()
}

/// What `src/` held when the session (last) started.
fn saw(s: &RunRepo, session: &str) -> String {
    lines(s, "saw")
        .into_iter()
        .rfind(|l| unit_of(l) == Some(session))
        .unwrap_or_default()
}

/// The unit a log line is about: its first word is `run-<run>/<session>`.
fn unit_of(line: &str) -> Option<&str> {
    line.split(' ').next()?.split('/').nth(1)
}

/// A repository with `plan` committed and locked, and the fake agent with `env`.
fn setup(plan: &str, env: &[(&str, &str)]) -> RunRepo {
    FakeAgent::new(AGENT)
        .env_outside("LOG", LOG)
        .envs(env)
        .plan(plan)
        .build()
}

/// Index of the first event of `kind` about `session`.
fn position(events: &[serde_json::Value], kind: &str, session: &str) -> usize {
    events
        .iter()
        .position(|e| e["event"] == kind && e["session"] == session)
        .unwrap_or_else(|| panic!("no {kind} of {session} in {events:#?}"))
}

fn count(events: &[serde_json::Value], kind: &str) -> usize {
    events.iter().filter(|e| e["event"] == kind).count()
}

#[test]
fn a_task_unit_starts_after_its_dependency_merged_and_sees_its_work() {
    let s = setup(PLAN, &[]);
    let run = s.run(&["run", "--unit", "task", "--sessions", "3", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let events = json_lines(&run);
    assert!(
        position(&events, "merged", "task-T1") < position(&events, "session_started", "task-T2"),
        "{events:#?}"
    );
    assert!(
        saw(&s, "task-T2").contains("t1.txt"),
        "{:?}",
        lines(&s, "saw")
    );
    // T1 and T3 wait for nothing: both start before either merges.
    let first_merge = events
        .iter()
        .position(|e| e["event"] == "merged")
        .expect("merged");
    assert!(position(&events, "session_started", "task-T3") < first_merge);
    assert_eq!(count(&events, "merged"), 3);
    assert_eq!(events.last().expect("events")["outcome"], "success");
    let plan = s.project.read_string("plan.md");
    assert!(
        plan.contains("- [x] T2") && plan.contains("- [ ] T4"),
        "{plan}"
    );
}

#[test]
fn a_lane_over_the_session_budget_runs_as_chained_sessions() {
    let plan = "# Budget\n\n## Phase 1: Build\n\n\
        - [ ] T1 Write one\n  - est: 1h\n  - files: src/t1.txt\n  - verify: grep -q real src/t1.txt\n\
        - [ ] T2 Write two\n  - est: 1h\n  - files: src/t2.txt\n  - after: T1\n  - verify: grep -q real src/t2.txt\n";
    let s = setup(plan, &[]);
    let dry = s.run(&[
        "run",
        "--sessions",
        "1",
        "--session-budget",
        "90min",
        "--dry-run",
    ]);
    assert_eq!(dry.code, 0, "{}", dry.transcript());
    assert!(
        dry.stdout.contains("session budget of 1.5h"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("session-1a: T1\n"), "{}", dry.stdout);
    assert!(
        dry.stdout
            .contains("session-1b: T2\n  after    session-1a\n"),
        "{}",
        dry.stdout
    );
    let run = s.run(&[
        "run",
        "--sessions",
        "1",
        "--session-budget",
        "90min",
        "--keep",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let events = json_lines(&run);
    assert!(
        position(&events, "merged", "session-1a")
            < position(&events, "session_started", "session-1b")
    );
    assert!(
        saw(&s, "session-1b").contains("t1.txt"),
        "{:?}",
        lines(&s, "saw")
    );
    let prompt = s
        .project
        .read_string(".baton/worktrees/1/session-1b/.baton/run/prompt.md");
    assert!(prompt.contains("This session does only: T2."), "{prompt}");
    assert_eq!(s.project.read_string("src/t2.txt"), "real\n");
}

#[test]
fn sessions_caps_the_agents_alive_at_once() {
    let plan = "# Cap\n\n## Phase 1: Build\n\n\
        - [ ] T1 a\n  - files: src/t1.txt\n- [ ] T2 b\n  - files: src/t2.txt\n\
        - [ ] T3 c\n  - files: src/t3.txt\n- [ ] T4 d\n  - files: src/t4.txt\n";
    let s = setup(plan, &[("SLEEP", "0.4")]);
    let run = s.run(&["run", "--unit", "task", "--sessions", "2", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let mut edges: Vec<(u128, i32)> = Vec::new();
    for (kind, step) in [("start", 1), ("end", -1)] {
        for line in lines(&s, kind) {
            let at: u128 = line
                .rsplit(' ')
                .next()
                .and_then(|t| t.parse().ok())
                .expect("time");
            edges.push((at, step));
        }
    }
    assert_eq!(edges.len(), 8, "{edges:?}");
    // Ends before starts at one instant: a slot freed is reused.
    edges.sort_by_key(|&(at, step)| (at, step));
    let (mut alive, mut most) = (0, 0);
    for (_, step) in edges {
        alive += step;
        most = most.max(alive);
    }
    assert_eq!(most, 2, "at most 2 agents at once, and 2 did run together");
}

#[test]
fn a_blocked_unit_blocks_what_waits_for_it_and_the_rest_merges() {
    let s = setup(PLAN, &[("LIARS", "T1")]);
    let run = s.run(&["run", "--unit", "task", "--retries", "0", "--json"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let events = json_lines(&run);
    let blocked: Vec<&serde_json::Value> =
        events.iter().filter(|e| e["event"] == "blocked").collect();
    assert_eq!(blocked.len(), 2, "{events:#?}");
    let t2 = blocked
        .iter()
        .find(|e| e["session"] == "task-T2")
        .expect("T2 blocked");
    assert_eq!(t2["reason"], "it waits for blocked task-T1 (T1)", "{t2}");
    assert_eq!(starts_of(&s, "task-T2"), 0, "T2 never started");
    assert_eq!(count(&events, "merged"), 1);
    assert_eq!(s.project.read_string("src/t3.txt"), "real\n");
    let last = events.last().expect("events");
    assert_eq!(last["blocked"], serde_json::json!(["T1", "T2"]), "{last}");
}

#[test]
fn all_runs_the_phases_in_order() {
    let s = setup(PLAN, &[]);
    let run = s.run(&["run", "--all", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let events = json_lines(&run);
    let phases: Vec<(i64, i64)> = events
        .iter()
        .filter(|e| e["event"] == "run_started")
        .map(|e| {
            (
                e["run"].as_i64().unwrap_or(0),
                e["phase"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(phases, [(1, 1), (2, 2)], "{events:#?}");
    let verified = events
        .iter()
        .position(|e| e["event"] == "phase_verified" && e["phase"] == 1)
        .expect("phase 1 verified");
    let second = events
        .iter()
        .position(|e| e["event"] == "run_started" && e["phase"] == 2)
        .expect("phase 2");
    assert!(verified < second);
    assert_eq!(s.project.read_string("src/t4.txt"), "real\n");
    assert!(s.project.read_string("plan.md").contains("- [x] T4"));
}

#[test]
fn all_stops_before_the_next_phase_when_the_check_fails() {
    // T1's check passes in its own worktree, and fails once T3's work is merged beside it.
    let plan = PLAN.replace(
        "verify: grep -q real src/t1.txt",
        "verify: grep -q real src/t1.txt && test ! -e src/t3.txt",
    );
    let s = setup(&plan, &[]);
    let run = s.run(&[
        "run",
        "--all",
        "--unit",
        "task",
        "--sessions",
        "1",
        "--json",
    ]);
    assert_eq!(run.code, 4, "{}", run.transcript());
    let events = json_lines(&run);
    let verified = events
        .iter()
        .find(|e| e["event"] == "phase_verified")
        .expect("verified");
    assert_eq!(verified["passed"], false, "{verified}");
    assert_eq!(count(&events, "run_started"), 1, "{events:#?}");
    assert_eq!(starts_of(&s, "task-T4"), 0);
    assert_eq!(events.last().expect("events")["outcome"], "phase_failed");
}

/// `baton run ARGS --json` in the background, read until `until` says so and the waiting
/// agent is in its loop; returns the child.
fn start_until(
    s: &RunRepo,
    args: &[&str],
    until: impl Fn(&serde_json::Value) -> bool,
) -> std::process::Child {
    let (child, _) = s.start_until(args, until);
    s.wait_for_file(&format!("{LOG}.waited"));
    child
}

#[test]
fn kill_9_then_resume_of_task_units_runs_no_finished_unit_twice() {
    let s = setup(PLAN, &[("WAIT_FOR", "T3")]);
    let mut child = start_until(
        &s,
        &["run", "--unit", "task", "--sessions", "3", "--json"],
        |e| e["event"] == "merged" && e["session"] == "task-T2",
    );
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    let run = s.run(&["run", "--resume", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let events = json_lines(&run);
    assert_eq!(events[0]["event"], "run_resumed");
    assert_eq!(
        events[0]["merged"],
        serde_json::json!(["task-T1", "task-T2"]),
        "{}",
        run.stdout
    );
    assert_eq!(starts_of(&s, "task-T1"), 1, "{:?}", lines(&s, "start"));
    assert_eq!(starts_of(&s, "task-T2"), 1, "{:?}", lines(&s, "start"));
    assert_eq!(starts_of(&s, "task-T3"), 2, "{:?}", lines(&s, "start"));
    assert_eq!(events.last().expect("events")["outcome"], "success");
}

#[test]
fn kill_9_then_resume_of_all_goes_on_into_the_next_phase() {
    let s = setup(PLAN, &[("WAIT_FOR", "T3")]);
    let mut child = start_until(&s, &["run", "--all", "--unit", "task", "--json"], |e| {
        e["event"] == "merged" && e["session"] == "task-T2"
    });
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    let run = s.run(&["run", "--resume", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let events = json_lines(&run);
    assert_eq!(events[0]["event"], "run_resumed");
    assert_eq!(events[0]["phase"], 1);
    let next = events
        .iter()
        .find(|e| e["event"] == "run_started")
        .expect("phase 2 started");
    assert_eq!(next["phase"], 2, "{next}");
    for (session, starts) in [
        ("task-T1", 1),
        ("task-T2", 1),
        ("task-T3", 2),
        ("task-T4", 1),
    ] {
        assert_eq!(
            starts_of(&s, session),
            starts,
            "{session}: {:?}",
            lines(&s, "start")
        );
    }
    assert!(s.project.read_string("plan.md").contains("- [x] T4"));
}

#[test]
fn claims_are_renewed_while_a_session_outlives_its_lease() {
    let plan = "# Lease\n\n## Phase 1: Build\n\n\
        - [ ] T1 Write one\n  - files: src/t1.txt\n  - verify: grep -q real src/t1.txt\n";
    let s = setup(plan, &[("INTRUDE", "4")]);
    let run = s
        .project
        .command(&["run", "--json"])
        .env_remove("BATON_NOW")
        .env("BATON_RUN_LEASE_SECS", "2")
        .output()
        .expect("run");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // Two seconds of lease, four of work: still the session's, so the intruder is refused.
    assert_eq!(lines(&s, "intruder"), ["4"], "{:?}", lines(&s, "intruder"));
}

#[test]
fn resume_after_an_all_run_between_two_phases_starts_the_next_one() {
    // As if baton died after phase 1's run ended and before phase 2's began: the newest
    // run is an `--all` phase that passed, and a later phase has work.
    let plan = "# Between\n\n## Phase 1: One\n\n\
        - [ ] T1 Write one\n  - files: src/t1.txt\n  - verify: grep -q real src/t1.txt\n";
    let s = setup(plan, &[]);
    let run = s.run(&["run", "--all", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let more = format!(
        "{}\n## Phase 2: Two\n\n- [ ] T4 Write four\n  - files: src/t4.txt\n  \
         - verify: grep -q real src/t4.txt\n",
        s.project.read_string("plan.md")
    );
    s.project.write("plan.md", more);
    s.project.git(&["commit", "-qam", "phase 2"]);
    s.project.trust_commands();
    let run = s.run(&["run", "--resume", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let events = json_lines(&run);
    assert_eq!(events[0]["event"], "run_started", "{}", run.stdout);
    assert_eq!(events[0]["phase"], 2);
    assert_eq!(starts_of(&s, "session-1"), 2, "{:?}", lines(&s, "start"));
    assert_eq!(s.project.read_string("src/t4.txt"), "real\n");
}
