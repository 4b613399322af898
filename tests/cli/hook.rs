//! `baton hook claude-stop`, `codex-stop`, `gemini-stop` and `session-start` fed the agents'
//! JSON in real git repositories, and `baton init --agents claude` merging the hook into
//! `.claude/settings.json`.

use std::io::Write;
use std::process::Stdio;

use insta::assert_snapshot;
use serde_json::Value;

use crate::harness::{Project, Run};

const PLAN: &str = "# Shop
## Phase 1: Core
- [ ] T1 Billing module
  - verify: `echo charging cards; echo no billing yet; exit 3`
- [ ] T2 Search
  - files: src/search.rs
  - verify: `test -f src/search.rs && grep -q search src/search.rs`
  - [ ] results are ranked
- [ ] T3 Auth
  - verify: `test -f src/auth.rs`
- [ ] T4 Docs, written but not ticked
  - verify: `true`
";

/// The shop plan, committed.
fn shop() -> Project {
    let p = Project::new();
    p.write("plan.md", PLAN);
    p.git_init();
    p.git(&["add", "plan.md"])
        .git(&["commit", "-q", "-m", "plan"]);
    p.trust_commands();
    p
}

/// `baton ARGS` with `BATON_SESSION` set, asserting success.
fn as_session(p: &Project, session: &str, args: &[&str]) {
    let out = p
        .command(args)
        .env("BATON_SESSION", session)
        .output()
        .expect("run baton");
    let run = Run::from(out);
    assert_eq!(run.code, 0, "{args:?}\n{}", run.transcript());
}

fn stop_json(p: &Project, session_id: &str, active: bool) -> String {
    serde_json::json!({
        "session_id": session_id,
        "transcript_path": "/tmp/transcript.jsonl",
        "cwd": p.dir.path(),
        "permission_mode": "default",
        "hook_event_name": "Stop",
        "stop_hook_active": active,
        "last_assistant_message": "All done!",
        "some_future_field": {"nested": [1, 2]}
    })
    .to_string()
}

/// `baton hook claude-stop ARGS` with `stdin` piped in and extra environment.
pub fn hook(p: &Project, stdin: &str, env: &[(&str, &str)], args: &[&str]) -> Run {
    run_hook(p, "claude-stop", stdin, env, args)
}

/// `baton hook NAME ARGS` with `stdin` piped in and extra environment.
pub fn run_hook(p: &Project, name: &str, stdin: &str, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut all = vec!["hook", name];
    all.extend_from_slice(args);
    let mut cmd = p.command(&all);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn baton");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    Run::from(child.wait_with_output().expect("wait"))
}

#[test]
fn a_false_tick_blocks_with_the_failing_evidence() {
    let p = shop();
    as_session(&p, "s1", &["claim", "T1"]);
    // `done` gives the claim up; the hook still holds the session to its tick.
    as_session(&p, "s1", &["done", "T1"]);
    let run = hook(
        &p,
        &stop_json(&p, "abc", false),
        &[("BATON_SESSION", "s1")],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert_eq!(run.stdout, "");
    for needle in [
        "T1 Billing module: ticked, but its evidence fails (false-done)",
        "verify `echo charging cards; echo no billing yet; exit 3` exited 3",
        "  | charging cards",
        "  | no billing yet",
        "`baton verify --task T1`",
        "`baton undo T1`",
        "`baton decide",
    ] {
        assert!(
            run.stderr.contains(needle),
            "missing {needle:?}:\n{}",
            run.stderr
        );
    }
    assert_snapshot!("hook_false_done", run.transcript());

    // Unticking it honestly hands it back: nothing is held any more.
    as_session(&p, "s1", &["undo", "T1"]);
    let run = hook(
        &p,
        &stop_json(&p, "abc", false),
        &[("BATON_SESSION", "s1")],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn a_claimed_box_ticked_by_hand_is_checked_too() {
    let p = shop();
    as_session(&p, "s1", &["claim", "T3"]);
    p.write("plan.md", PLAN.replace("- [ ] T3", "- [x] T3"));
    let run = hook(&p, &stop_json(&p, "abc", false), &[], &["--session", "s1"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("T3 Auth: ticked, but its evidence fails (false-done)")
    );
    assert!(run.stderr.contains("verify `test -f src/auth.rs` exited 1"));
}

#[test]
fn claimed_and_unfinished_blocks() {
    let p = shop();
    as_session(&p, "s1", &["claim", "T2"]);
    let run = hook(
        &p,
        &stop_json(&p, "abc", false),
        &[("BATON_SESSION", "s1")],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    for needle in [
        "T2 Search: claimed and not finished (incomplete)",
        "verify `test -f src/search.rs && grep -q search src/search.rs` exited 1",
        "files `src/search.rs` does not exist",
        "acceptance 0 of 1 acceptance items ticked",
        "then `baton done T2`",
        "`baton release T2 --by s1`",
    ] {
        assert!(
            run.stderr.contains(needle),
            "missing {needle:?}:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("already sent you back"));
    assert_snapshot!("hook_incomplete", run.transcript());

    // Sent back and nothing changed: it still blocks, and says so.
    let again = hook(
        &p,
        &stop_json(&p, "abc", true),
        &[("BATON_SESSION", "s1")],
        &[],
    );
    assert_eq!(again.code, 2, "{}", again.transcript());
    assert!(
        again.stderr.contains("already sent you back"),
        "{}",
        again.stderr
    );

    // Finished and ticked: the stop is allowed.
    p.write("src/search.rs", "pub fn search() {}\n");
    p.write(
        "plan.md",
        PLAN.replace("  - [ ] results are ranked", "  - [x] results are ranked"),
    );
    as_session(&p, "s1", &["done", "T2"]);
    let done = hook(
        &p,
        &stop_json(&p, "abc", true),
        &[("BATON_SESSION", "s1")],
        &[],
    );
    assert_eq!(done.code, 0, "{}", done.transcript());
    assert_eq!(done.stdout, "");
    assert!(done.stderr.contains("1 verified"), "{}", done.stderr);
}

#[test]
fn warnings_alone_never_block_the_stop() {
    // The plan says `parse_config`, the code says `parse_config_file`: drift is for a
    // reviewer, and the session may stop.
    let p = Project::new();
    p.write(
        "plan.md",
        "# Shop\n## Phase 1: Core\n- [ ] T1 Implement `parse_config` in src/config.py\n",
    );
    p.write(
        "src/config.py",
        "def parse_config_file(path):\n    return path\n",
    );
    p.git_init();
    as_session(&p, "s1", &["claim", "T1"]);
    as_session(&p, "s1", &["done", "T1"]);
    let run = hook(
        &p,
        &stop_json(&p, "abc", false),
        &[("BATON_SESSION", "s1")],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stderr.contains("0 verified, 1 verified with warnings"),
        "{}",
        run.stderr
    );
}

#[test]
fn finished_but_unticked_asks_for_done() {
    let p = shop();
    as_session(&p, "s1", &["claim", "T4"]);
    let run = hook(
        &p,
        &stop_json(&p, "abc", false),
        &[("BATON_SESSION", "s1")],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("the evidence passes but the box is not ticked")
    );
    assert!(run.stderr.contains("tick it with `baton done T4`"));
    as_session(&p, "s1", &["done", "T4"]);
    let run = hook(
        &p,
        &stop_json(&p, "abc", false),
        &[("BATON_SESSION", "s1")],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn other_sessions_claims_do_not_block() {
    let p = shop();
    as_session(&p, "s2", &["claim", "T2"]);
    as_session(&p, "s2", &["claim", "T1"]);
    as_session(&p, "s2", &["done", "T1"]);
    // s1 starts after s2's tick: it is judged on what changed since, which is nothing.
    session_start(&p, "abc", "startup", &[("BATON_SESSION", "s1")], &[]).success();
    let run = hook(
        &p,
        &stop_json(&p, "abc", false),
        &[("BATON_SESSION", "s1")],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("session s1 holds no tasks in plan.md"),
        "{}",
        run.stderr
    );
    // The same state blocks s2.
    let run = hook(
        &p,
        &stop_json(&p, "abc", false),
        &[("BATON_SESSION", "s2")],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("T1 Billing module"));
    assert!(run.stderr.contains("T2 Search"));
}

#[test]
fn the_session_name_rule() {
    let p = shop();
    // Claimed under Claude Code's own session id: found through the input's session_id.
    as_session(&p, "uuid-1234", &["claim", "T3"]);
    let run = hook(&p, &stop_json(&p, "uuid-1234", false), &[], &[]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    // BATON_SESSION wins over session_id, and --session over both.
    let run = hook(
        &p,
        &stop_json(&p, "uuid-1234", false),
        &[("BATON_SESSION", "other")],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    let run = hook(
        &p,
        &stop_json(&p, "nobody", false),
        &[("BATON_SESSION", "other")],
        &["--session", "uuid-1234"],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    // No name at all: allowed, with a note.
    let run = hook(&p, r#"{"hook_event_name": "Stop"}"#, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stderr.contains("no session name"), "{}", run.stderr);
}

#[test]
fn the_plan_is_found_from_the_hooks_cwd() {
    let p = shop();
    as_session(&p, "s1", &["claim", "T3"]);
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let mut cmd = p.command(&["hook", "claude-stop", "--session", "s1"]);
    let mut child = cmd
        .current_dir(elsewhere.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stop_json(&p, "abc", false).as_bytes())
        .expect("write");
    let run = Run::from(child.wait_with_output().expect("wait"));
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("T3 Auth"), "{}", run.stderr);
}

#[test]
fn nothing_to_check_lets_the_session_stop() {
    // No claims at all.
    let p = shop();
    let run = hook(
        &p,
        &stop_json(&p, "abc", false),
        &[("BATON_SESSION", "s1")],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout, "");
    // No plan.
    let empty = Project::new();
    let run = hook(
        &empty,
        &stop_json(&empty, "abc", false),
        &[("BATON_SESSION", "s1")],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stderr.contains("no plan"), "{}", run.stderr);
}

#[test]
fn bad_input_never_blocks() {
    let p = shop();
    as_session(&p, "s1", &["claim", "T3"]);
    let env = [("BATON_SESSION", "s1")];
    for (input, note) in [
        ("this is not json {", "not JSON"),
        ("", "empty"),
        ("[1, 2, 3]", "not a JSON object"),
        (
            r#"{"hook_event_name": "PreToolUse"}"#,
            "PreToolUse, not Stop",
        ),
    ] {
        let run = hook(&p, input, &env, &[]);
        assert_eq!(run.code, 0, "{input:?}\n{}", run.transcript());
        assert_eq!(run.stdout, "");
        assert!(run.stderr.contains(note), "{input:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("the session may stop"),
            "{}",
            run.stderr
        );
    }
    // Fields of unexpected types count as missing, not as bad input.
    let run = hook(
        &p,
        r#"{"session_id": 7, "stop_hook_active": "yes", "cwd": null}"#,
        &env,
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
}

// ---- whatever the name: snapshots, codex, gemini, session-start -------------------------

/// `baton hook session-start` with SessionStart JSON for `session_id` and `source`.
fn session_start(
    p: &Project,
    session_id: &str,
    source: &str,
    env: &[(&str, &str)],
    args: &[&str],
) -> Run {
    let input = serde_json::json!({
        "session_id": session_id,
        "transcript_path": null,
        "cwd": p.dir.path(),
        "hook_event_name": "SessionStart",
        "source": source,
        "model": "stand-in",
        "permission_mode": "default",
    })
    .to_string();
    run_hook(p, "session-start", &input, env, args)
}

/// Codex's Stop input (Claude-shaped, with Codex's extra fields).
fn codex_json(p: &Project, session_id: &str, active: bool) -> String {
    serde_json::json!({
        "session_id": session_id,
        "turn_id": "turn-1",
        "transcript_path": null,
        "cwd": p.dir.path(),
        "model": "stand-in",
        "permission_mode": "default",
        "hook_event_name": "Stop",
        "stop_hook_active": active,
        "last_assistant_message": "Done.",
    })
    .to_string()
}

/// Gemini CLI's AfterAgent input.
fn gemini_json(p: &Project, session_id: &str, active: bool) -> String {
    serde_json::json!({
        "session_id": session_id,
        "transcript_path": "/tmp/t.json",
        "cwd": p.dir.path(),
        "hook_event_name": "AfterAgent",
        "timestamp": "2026-01-21T09:30:00Z",
        "prompt": "work on the plan",
        "prompt_response": "All done!",
        "stop_hook_active": active,
    })
    .to_string()
}

#[test]
fn a_task_ticked_under_another_name_is_still_judged() {
    let p = shop();
    let start = session_start(&p, "uuid-1", "startup", &[], &[]);
    start.success();
    assert!(
        start.stdout.contains("`baton prompts --resume uuid-1`"),
        "{}",
        start.transcript()
    );
    assert_eq!(start.stdout.lines().count(), 1, "{}", start.stdout);
    // The model picks a name of its own and force-ticks a task under it.
    as_session(&p, "claude-worker", &["claim", "T1"]);
    as_session(&p, "claude-worker", &["done", "T1"]);
    for env in [vec![], vec![("BATON_SESSION", "s1")]] {
        let run = hook(&p, &stop_json(&p, "uuid-1", false), &env, &[]);
        assert_eq!(run.code, 2, "{env:?}: {}", run.transcript());
        for needle in [
            "T1 Billing module: ticked, but its evidence fails (false-done)",
            "ticked since this session started (recorded under the name claude-worker)",
            "exited 3",
            "every task ticked in plan.md since this session started (",
        ] {
            assert!(
                run.stderr.contains(needle),
                "missing {needle:?}:\n{}",
                run.stderr
            );
        }
    }
    // A box ticked by editing the file, with no history at all, is judged as well.
    p.write(
        "plan.md",
        p.read_string("plan.md").replace("- [ ] T3", "- [x] T3"),
    );
    let run = hook(&p, &stop_json(&p, "uuid-1", false), &[], &[]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("T3 Auth: ticked, but its evidence fails"),
        "{}",
        run.stderr
    );

    // Undone honestly, both: the session may stop.
    as_session(&p, "claude-worker", &["undo", "T1"]);
    as_session(&p, "claude-worker", &["undo", "T3"]);
    let run = hook(&p, &stop_json(&p, "uuid-1", false), &[], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stderr.contains("nothing to check"), "{}", run.stderr);
}

#[test]
fn without_a_snapshot_the_gate_judges_ticks_the_last_commit_lacks() {
    let p = shop();
    // No session-start hook ran; the tick is in the working tree only.
    p.write(
        "plan.md",
        p.read_string("plan.md").replace("- [ ] T3", "- [x] T3"),
    );
    let run = hook(&p, &stop_json(&p, "no-snapshot", false), &[], &[]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("T3 Auth: ticked, but its evidence fails"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "every task ticked in plan.md but not in its last commit (no session-start snapshot"
        ),
        "{}",
        run.stderr
    );
    // T4 passes its evidence: ticked and verified, the session may stop.
    p.write("plan.md", PLAN.replace("- [ ] T4", "- [x] T4"));
    let run = hook(&p, &stop_json(&p, "no-snapshot", false), &[], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stderr.contains("1 verified"), "{}", run.stderr);
    assert!(
        run.stderr.contains("not in its last commit"),
        "{}",
        run.stderr
    );
}

#[test]
fn codex_stop_blocks_until_the_cap_then_lets_the_session_stop() {
    let p = shop();
    p.write("baton.toml", "[hooks]\nblock_cap = 3\n");
    as_session(&p, "codex-1", &["claim", "T1"]);
    as_session(&p, "codex-1", &["done", "T1"]);
    for i in 0..3 {
        let run = run_hook(
            &p,
            "codex-stop",
            &codex_json(&p, "codex-1", i > 0),
            &[],
            &[],
        );
        assert_eq!(run.code, 2, "block {i}: {}", run.transcript());
        assert_eq!(run.stdout, "");
        assert!(
            run.stderr
                .contains("T1 Billing module: ticked, but its evidence fails")
        );
    }
    // The fourth stop in a row passes the cap: allowed, and said so to the user.
    let run = run_hook(&p, "codex-stop", &codex_json(&p, "codex-1", true), &[], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stderr.contains("baton hook codex-stop: blocked 3 times in a row and the work is still not finished (T1 (false-done))"),
        "{}",
        run.stderr
    );
    let out: Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert!(
        out["systemMessage"]
            .as_str()
            .expect("systemMessage")
            .contains("blocked 3 times"),
        "{out}"
    );
    // The count starts again: the next stop is judged afresh and blocked.
    let run = run_hook(
        &p,
        "codex-stop",
        &codex_json(&p, "codex-1", false),
        &[],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    // An allowed stop resets it: after the undo, three blocks again before the cap.
    as_session(&p, "codex-1", &["undo", "T1"]);
    run_hook(
        &p,
        "codex-stop",
        &codex_json(&p, "codex-1", false),
        &[],
        &[],
    )
    .success();
    as_session(&p, "codex-1", &["claim", "T1"]);
    as_session(&p, "codex-1", &["done", "T1"]);
    for _ in 0..3 {
        let run = run_hook(&p, "codex-stop", &codex_json(&p, "codex-1", true), &[], &[]);
        assert_eq!(run.code, 2, "{}", run.transcript());
    }
    // Claude Code caps blocks itself: claude-stop keeps blocking.
    for _ in 0..5 {
        let run = hook(
            &p,
            &stop_json(&p, "claude-9", false),
            &[("BATON_SESSION", "codex-1")],
            &[],
        );
        assert_eq!(run.code, 2, "{}", run.transcript());
    }
}

#[test]
fn gemini_after_agent_is_accepted_and_blocks() {
    let p = shop();
    as_session(&p, "gemini-worker", &["claim", "T1"]);
    as_session(&p, "gemini-worker", &["done", "T1"]);
    let run = run_hook(&p, "gemini-stop", &gemini_json(&p, "g-1", false), &[], &[]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    // Gemini CLI takes stderr as the reason only when stdout is empty.
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .contains("T1 Billing module: ticked, but its evidence fails"),
        "{}",
        run.stderr
    );
    // The other hooks do not take each other's events.
    let run = hook(&p, &gemini_json(&p, "g-1", false), &[], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("the hook event is AfterAgent, not Stop"),
        "{}",
        run.stderr
    );
    let run = run_hook(&p, "gemini-stop", &stop_json(&p, "g-1", false), &[], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("the hook event is Stop, not AfterAgent"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout.trim(), "{}");

    // The same cap as Codex: with `block_cap = 1`, the second block in a row lets it stop.
    p.write("baton.toml", "[hooks]\nblock_cap = 1\n");
    let run = run_hook(&p, "gemini-stop", &gemini_json(&p, "g-1", true), &[], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let out: Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert!(
        out["systemMessage"]
            .as_str()
            .expect("systemMessage")
            .contains("baton hook gemini-stop: blocked 1 time in a row"),
        "{out}"
    );

    as_session(&p, "gemini-worker", &["undo", "T1"]);
    let run = run_hook(&p, "gemini-stop", &gemini_json(&p, "g-1", true), &[], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    // An allowed stop answers with JSON, so Gemini CLI shows the user nothing.
    assert_eq!(run.stdout.trim(), "{}");
}

#[test]
fn session_start_then_compact_prints_the_brief() {
    let p = shop();
    let env = [("BATON_SESSION", "s1")];
    as_session(&p, "s9", &["decide", "use SQLite for state"]);
    // Another session's claim from before the start is not this session's business.
    as_session(&p, "s9", &["claim", "T4"]);
    session_start(&p, "uuid-7", "startup", &env, &[]).success();
    as_session(&p, "s1", &["claim", "T2"]);
    as_session(&p, "s1", &["decide", "rank by BM25", "--task", "T2"]);
    // The model claims under a name of its choosing, and forgets it.
    as_session(&p, "helper-x", &["claim", "T3"]);
    // A stop blocked: its evidence goes into the brief.
    let run = hook(&p, &stop_json(&p, "uuid-7", false), &env, &[]);
    assert_eq!(run.code, 2, "{}", run.transcript());

    let run = session_start(&p, "uuid-7", "compact", &env, &[]);
    run.success();
    let brief = &run.stdout;
    for needle in [
        "# baton: resume brief for session uuid-7 (plan.md)",
        "Plan: Shop.",
        "## Your claims",
        "- T2 Search (as `s1`",
        "## Claims taken since you started under other names",
        "- T3 Auth (as `helper-x`)",
        "## Remaining tasks",
        "- T2 Search [todo; claimed]",
        "  - files: src/search.rs",
        "  - verify: `test -f src/search.rs && grep -q search src/search.rs`",
        "  - [ ] results are ranked",
        "## Decisions since you started",
        "T2: rank by BM25",
        "## Last stop gate (",
        "- T2 Search: incomplete",
    ] {
        assert!(brief.contains(needle), "missing {needle:?}:\n{brief}");
    }
    assert!(!brief.contains("use SQLite"), "an older decision:\n{brief}");
    assert!(
        !brief.contains("T4 Docs"),
        "a claim from before the start:\n{brief}"
    );
    // The compaction kept the first snapshot: the decision is still "since the start".
    let again = session_start(&p, "uuid-7", "resume", &env, &[]);
    assert_eq!(again.stdout, run.stdout);

    // The same brief on demand.
    let prompts = p.run(&["prompts", "--resume", "uuid-7"]);
    prompts.success();
    assert_eq!(prompts.stdout, run.stdout);
    let json = p.run(&["prompts", "--resume", "uuid-7", "--json"]).json();
    assert_eq!(json["schema"], "baton.resume");
    assert_eq!(json["claims"][0]["id"], "T2");
    assert_eq!(
        json["remaining"][0]["verify"][0],
        "test -f src/search.rs && grep -q search src/search.rs"
    );

    // Codex and Gemini CLI get it as JSON additionalContext.
    for agent in ["codex", "gemini"] {
        let run = session_start(&p, "uuid-7", "resume", &env, &["--agent", agent]);
        run.success();
        let out: Value = serde_json::from_str(&run.stdout).expect("JSON");
        assert_eq!(out["hookSpecificOutput"]["hookEventName"], "SessionStart");
        let context = out["hookSpecificOutput"]["additionalContext"]
            .as_str()
            .expect("text");
        assert!(context.contains("- T2 Search [todo; claimed]"), "{context}");
    }
}

#[test]
fn session_start_never_fails_the_session() {
    let p = shop();
    for input in [
        "",
        "not json",
        r#"{"hook_event_name": "Stop", "session_id": "a"}"#,
        r#"{"source": "startup"}"#,
    ] {
        let run = run_hook(&p, "session-start", input, &[], &[]);
        assert_eq!(run.code, 0, "{input:?}: {}", run.transcript());
        assert_eq!(run.stdout, "", "{input:?}");
        assert!(run.stderr.contains("nothing recorded"), "{}", run.stderr);
    }
    let empty = Project::new();
    let run = session_start(&empty, "a", "startup", &[], &[]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stderr.contains("no plan"), "{}", run.stderr);
    // An unknown session: the brief says so and still shows the plan.
    let run = p.run(&["prompts", "--resume", "nobody"]);
    run.success();
    assert!(
        run.stderr.contains("no record of session nobody"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("## Remaining tasks"), "{}", run.stdout);
    let run = p.run(&["prompts", "--resume", "x", "--phase", "1"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
}

// ---- init --agents claude ---------------------------------------------------------------

fn stop_commands(settings: &Value) -> Vec<String> {
    settings["hooks"]["Stop"]
        .as_array()
        .expect("Stop array")
        .iter()
        .flat_map(|group| group["hooks"].as_array().cloned().unwrap_or_default())
        .map(|h| h["command"].as_str().expect("command").to_string())
        .collect()
}

#[test]
fn init_installs_the_stop_hook() {
    let p = Project::new();
    let run = p.run(&["init", "--agents", "claude"]);
    run.success();
    assert!(
        run.stderr.contains("wrote .claude/settings.json"),
        "{}",
        run.stderr
    );
    let text = p.read_string(".claude/settings.json");
    let settings: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        settings["hooks"]["Stop"],
        serde_json::json!([{"hooks": [
            {"type": "command", "command": "baton hook claude-stop", "timeout": 900}
        ]}])
    );
    assert!(text.ends_with("}\n"));
    assert!(p.read_string("CLAUDE.md").contains("baton:agents:start"));

    let again = p.run(&["init", "--agents", "claude"]);
    again.success();
    assert!(
        again
            .stderr
            .contains(".claude/settings.json already runs baton's hooks"),
        "{}",
        again.stderr
    );
    assert_eq!(p.read_string(".claude/settings.json"), text);
}

#[test]
fn init_merges_into_existing_settings() {
    let p = Project::new();
    let original = r#"{
  "permissions": {"allow": ["Bash(cargo test:*)"]},
  "hooks": {
    "PostToolUse": [{"matcher": "Edit|Write", "hooks": [{"type": "command", "command": "cargo fmt"}]}],
    "Stop": [
      {
        "hooks": [{"type": "command", "command": "notify-send 'Claude stopped'", "timeout": 5}]
      }
    ]
  },
  "zzz_unknown": {"kept": true}
}
"#;
    p.write(".claude/settings.json", original);
    p.run(&["init", "--agents", "claude,codex"]).success();
    let merged = p.read_string(".claude/settings.json");
    let settings: Value = serde_json::from_str(&merged).expect("JSON");
    assert_eq!(
        stop_commands(&settings),
        ["notify-send 'Claude stopped'", "baton hook claude-stop"]
    );
    assert_eq!(settings["hooks"]["Stop"][0]["hooks"][0]["timeout"], 5);
    assert_eq!(settings["permissions"]["allow"][0], "Bash(cargo test:*)");
    assert_eq!(settings["hooks"]["PostToolUse"][0]["matcher"], "Edit|Write");
    assert_eq!(settings["zzz_unknown"]["kept"], true);
    // Only an insertion: the text before and after it is the original, byte for byte.
    let cut = original.find("\n    ]\n  },").expect("end of Stop");
    assert!(merged.starts_with(&original[..cut]), "{merged}");
    let tail = original.find("\n  },\n  \"zzz").expect("end of hooks");
    assert!(merged.ends_with(&original[tail..]), "{merged}");
    assert_snapshot!("hook_init_merged_settings", merged);

    // Idempotent: a second run leaves the file byte-identical.
    p.run(&["init", "--agents", "claude"]).success();
    assert_eq!(p.read_string(".claude/settings.json"), merged);

    // An equivalent entry (another path to baton, extra flags) counts as installed.
    let custom = r#"{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "/opt/bin/baton hook claude-stop --session me", "timeout": 60}]}], "SessionStart": [{"hooks": [{"type": "command", "command": "/opt/bin/baton hook session-start --agent claude", "timeout": 5}]}]}}"#;
    p.write(".claude/settings.json", custom);
    p.run(&["init", "--agents", "claude"]).success();
    assert_eq!(p.read_string(".claude/settings.json"), custom);
}

#[test]
fn init_refuses_malformed_settings() {
    let p = Project::new();
    let broken = "{\n  \"hooks\": {\n    \"Stop\": [,]\n  }\n}\n";
    p.write(".claude/settings.json", broken);
    let run = p.run(&["init", "--agents", "claude"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(
        run.stderr
            .contains(".claude/settings.json:3:14: not valid JSON"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("left untouched"), "{}", run.stderr);
    assert_eq!(p.read_string(".claude/settings.json"), broken);
    // Nothing else was written either.
    assert!(!p.path("plan.md").exists());
    assert!(!p.path("CLAUDE.md").exists());

    // Valid JSON of the wrong shape is refused the same way.
    let wrong = "{\"hooks\": {\"Stop\": \"baton\"}}";
    p.write(".claude/settings.json", wrong);
    let run = p.run(&["init", "--agents", "claude"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("`hooks.Stop` is a string, but Claude Code expects an array"),
        "{}",
        run.stderr
    );
    assert_eq!(p.read_string(".claude/settings.json"), wrong);
}

#[test]
fn a_mistyped_hook_command_never_blocks() {
    let p = Project::new();
    let run = p.run(&["hook", "claude-stpo"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    let run = p.run(&["hook", "claude-stop", "--no-such-flag"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
}
