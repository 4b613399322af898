//! `baton hook claude-stop` fed Claude Code's Stop JSON in real git repositories, and
//! `baton init --agents claude` merging the hook into `.claude/settings.json`.

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

fn shop() -> Project {
    let p = Project::new();
    p.write("plan.md", PLAN);
    p.git_init().trust_commands();
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
    let mut all = vec!["hook", "claude-stop"];
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
