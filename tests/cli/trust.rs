//! Plan commands run only when a person trusted them: an agent that writes a `verify:`
//! command into the plan never gets it run by the MCP tools or the Stop hook, a command
//! changed since `baton lock` runs nowhere (not even under `baton verify`), and a person's
//! `baton verify` runs the plan's own commands. Each command here would leave a marker file
//! if it ran; the tests look for the marker.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{Project, Run};

const PLAN: &str = "# Shop

## Phase 1: Work

- [x] T1 Cart
  - files: cart.txt
  - verify: `test -f cart.txt`
";

/// What an agent adds: a second command on T1, and a new task with its own command.
fn agent_edit(p: &Project) -> String {
    let marker = p.path("ran").display().to_string();
    let plan = PLAN.replace(
        "  - verify: `test -f cart.txt`\n",
        &format!("  - verify: `test -f cart.txt`\n  - verify: `touch {marker}-t1`\n"),
    ) + &format!("- [x] T2 Sneaky\n  - verify: `touch {marker}-t2`\n");
    p.write("plan.md", &plan);
    plan
}

fn ran(p: &Project) -> Vec<String> {
    ["ran-t1", "ran-t2"]
        .into_iter()
        .filter(|m| p.path(m).exists())
        .map(str::to_string)
        .collect()
}

/// A trusted project: plan and cart committed, the lock committed.
fn trusted() -> Project {
    let p = Project::new();
    p.write("plan.md", PLAN).write("cart.txt", "cart\n");
    p.git_init()
        .git(&["add", "-A"])
        .git(&["commit", "-q", "-m", "plan"]);
    p.trust_commands();
    p
}

fn hook(p: &Project, session: &str) -> Run {
    let input = json!({
        "session_id": session,
        "cwd": p.dir.path(),
        "hook_event_name": "Stop",
        "stop_hook_active": false,
    });
    let mut child = p
        .command(&["hook", "claude-stop"])
        .env("BATON_SESSION", session)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn baton hook");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write stdin");
    Run::from(child.wait_with_output().expect("wait"))
}

/// Calls MCP tools over stdio (raw JSON-RPC) and returns each call's result.
fn mcp(p: &Project, calls: &[(&str, Value)]) -> Vec<Value> {
    let mut server = p
        .command(&["mcp"])
        .env("BATON_SESSION", "agent")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start baton mcp");
    let mut stdin = server.stdin.take().expect("stdin");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let mut send = |v: Value| writeln!(stdin, "{v}").expect("write to baton mcp");
    send(
        json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "trust-test", "version": "0"}}}),
    );
    let mut next = |id: usize| loop {
        let line = lines.next().expect("a reply").expect("read");
        let v: Value = serde_json::from_str(&line).expect("json reply");
        if v["id"] == json!(id) {
            break v;
        }
    };
    next(0);
    send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    let mut results = Vec::new();
    for (i, (tool, args)) in calls.iter().enumerate() {
        send(
            json!({"jsonrpc": "2.0", "id": i + 1, "method": "tools/call",
            "params": {"name": tool, "arguments": args}}),
        );
        results.push(next(i + 1)["result"].clone());
    }
    drop(stdin);
    let _ = server.wait_timeout_or_kill(Duration::from_secs(20));
    results
}

trait WaitOrKill {
    fn wait_timeout_or_kill(&mut self, limit: Duration) -> Option<std::process::ExitStatus>;
}

impl WaitOrKill for std::process::Child {
    fn wait_timeout_or_kill(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.try_wait() {
                return Some(status);
            }
            if std::time::Instant::now() > deadline {
                let _ = self.kill();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn text_of(result: &Value) -> String {
    result["content"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter_map(|b| b["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[test]
fn commands_an_agent_added_never_run_through_mcp_or_the_hook() {
    let p = trusted();
    agent_edit(&p);
    // The agent even re-locks in the working tree; only the committed lock counts.
    p.run(&["lock", "--update"]);
    p.run(&["claim", "T2", "--by", "agent", "--force"]);

    let results = mcp(
        &p,
        &[
            ("verify", json!({"ids": ["T1", "T2"]})),
            ("complete_task", json!({"id": "T2", "session": "agent"})),
        ],
    );
    let hook_run = hook(&p, "agent");
    assert_eq!(
        ran(&p),
        Vec::<String>::new(),
        "a plan command an agent wrote ran"
    );

    // The MCP verify result says the commands were held back and how to trust them.
    let verify = text_of(&results[0]) + &results[0]["structuredContent"].to_string();
    assert!(
        verify.contains("not in the lock committed at HEAD"),
        "{verify}"
    );
    // The hook still judges on the other evidence: T1's locked command runs and passes.
    assert!(
        hook_run.code == 0 || hook_run.code == 2,
        "{}",
        hook_run.transcript()
    );
}

#[test]
fn without_a_committed_lock_agent_checks_run_no_command_and_say_how_to_trust() {
    let p = Project::new();
    p.write("plan.md", PLAN).write("cart.txt", "cart\n");
    p.git_init();
    agent_edit(&p);
    let results = mcp(&p, &[("verify", json!({"ids": ["T1", "T2"]}))]);
    hook(&p, "agent");
    assert_eq!(ran(&p), Vec::<String>::new());
    let verify = results[0]["structuredContent"].to_string() + &text_of(&results[0]);
    assert!(verify.contains("baton lock"), "{verify}");
}

#[test]
fn a_command_changed_since_the_lock_runs_nowhere_not_even_for_a_person() {
    let p = trusted();
    let marker = p.path("ran").display().to_string();
    p.write(
        "plan.md",
        PLAN.replace("`test -f cart.txt`", &format!("`touch {marker}-t1`")),
    );
    let run = p.run(&["verify", "--task", "T1"]);
    assert_eq!(run.code, 7, "tampered is exit 7\n{}", run.transcript());
    assert_eq!(ran(&p), Vec::<String>::new(), "the changed command ran");
    let explained = p.run(&["verify", "--explain", "T1"]);
    assert_eq!(
        ran(&p),
        Vec::<String>::new(),
        "--explain ran the changed command"
    );
    assert!(
        explained
            .stdout
            .contains("differs from the locked criteria"),
        "{}",
        explained.transcript()
    );
}

#[test]
fn a_person_s_verify_runs_the_plan_s_commands() {
    let p = Project::new();
    p.write("plan.md", PLAN).write("cart.txt", "cart\n");
    p.git_init();
    agent_edit(&p);
    let run = p.run(&["verify"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(ran(&p), vec!["ran-t1".to_string(), "ran-t2".to_string()]);
}

#[test]
fn the_committed_lock_s_commands_run_for_agents() {
    let p = trusted();
    let results = mcp(&p, &[("verify", json!({"ids": ["T1"]}))]);
    let structured = &results[0]["structuredContent"];
    assert_eq!(
        structured["tasks"][0]["verdict"], "verified",
        "{structured:#}"
    );
    // And the passing command is what made it verified.
    assert!(
        structured.to_string().contains("test -f cart.txt"),
        "{structured:#}"
    );
}
