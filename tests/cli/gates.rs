//! The scope audit as a gate: `verify --task` and the Claude Code Stop hook judge a session's
//! out-of-scope changes as `[audit] policy` in baton.toml says (block by default, warn, off).

use crate::harness::{Project, Run};

const PLAN: &str = "# Lanes\n\n## Phase 1: Work\n\n- [ ] T1 Auth\n  - files: src/auth/**\n  - verify: `test -f src/auth/login.py`\n- [ ] T2 Billing\n  - files: src/billing/**\n";

/// A repository on `main`, then a branch `lane` where alice claims T1, writes its file, ticks
/// it, and also touches the lockfile.
fn lane(policy: Option<&str>) -> Project {
    let p = Project::new();
    p.write("plan.md", PLAN)
        .write("src/billing/pay.py", "def pay(): pass\n")
        .write("Cargo.lock", "version = 3\n");
    if let Some(policy) = policy {
        p.write("baton.toml", format!("[audit]\npolicy = \"{policy}\"\n"));
    }
    p.git(&["init", "-q", "-b", "main"])
        .git(&["add", "-A"])
        .git(&["commit", "-q", "-m", "base"])
        .git(&["switch", "-q", "-c", "lane"]);
    p.run(&["claim", "T1", "--by", "alice"]).success();
    p.write("src/auth/login.py", "def login(): return True\n")
        .write("Cargo.lock", "version = 4\n")
        // Agent setup that `baton init --agents` wrote and nobody committed yet.
        .write(".mcp.json", "{}\n")
        .write(".claude/commands/baton-next.md", "next\n");
    p.run(&["done", "T1", "--by", "alice"]).success();
    p
}

fn verify_task(p: &Project) -> Run {
    Run::from(
        p.command(&["verify", "--task", "T1"])
            .env("BATON_SESSION", "alice")
            .output()
            .expect("run baton"),
    )
}

fn stop(p: &Project) -> Run {
    let input = serde_json::json!({
        "session_id": "claude-1",
        "cwd": p.dir.path(),
        "hook_event_name": "Stop",
        "stop_hook_active": false,
    })
    .to_string();
    crate::hook::hook(p, &input, &[("BATON_SESSION", "alice")], &[])
}

#[test]
fn by_default_an_out_of_scope_change_fails_verify_task_and_blocks_the_stop() {
    let p = lane(None);
    let run = verify_task(&p);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stderr.contains("A004 Cargo.lock"), "{}", run.stderr);
    assert!(run.stderr.contains("policy = \"block\""), "{}", run.stderr);
    assert!(!run.stderr.contains("src/auth"), "in scope: {}", run.stderr);
    assert!(
        !run.stderr.contains(".mcp.json"),
        "agent setup: {}",
        run.stderr
    );
    assert!(
        !run.stderr.contains(".claude"),
        "agent setup: {}",
        run.stderr
    );

    let run = stop(&p);
    assert_eq!(run.code, 2, "the stop is blocked: {}", run.transcript());
    assert!(run.stderr.contains("A004 Cargo.lock"), "{}", run.stderr);

    // Putting the lockfile back clears both gates.
    p.write("Cargo.lock", "version = 3\n");
    verify_task(&p).success();
    stop(&p).success();
}

#[test]
fn warn_reports_and_passes_and_off_says_nothing() {
    let p = lane(Some("warn"));
    let run = verify_task(&p);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stderr.contains("A004 Cargo.lock"), "{}", run.stderr);
    let run = stop(&p);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stderr.contains("outside their scope"), "{}", run.stderr);

    let p = lane(Some("off"));
    let run = verify_task(&p);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(!run.stderr.contains("Cargo.lock"), "{}", run.stderr);
    stop(&p).success();
}
