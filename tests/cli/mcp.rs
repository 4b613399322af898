//! `baton mcp` driven by a real MCP client: the official Python SDK (`mcp` from PyPI),
//! installed once into a virtualenv under the cargo target directory. The client script is
//! `tests/support/mcp_client.py`; each test hands it a list of steps and reads one JSON
//! result per step.
//!
//! Without python3, or when pip cannot install `mcp` (no network for the first install),
//! the tests say so on stderr and pass without running, unless `BATON_REQUIRE_MCP_CLIENT`
//! is set, as `.ci/run` does: there a missing client is a failure.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::harness::{BIN, Project};

/// The SDK version the tests were written against.
const MCP_SDK: &str = "mcp==2.3.0";

const TOOLS: [&str; 13] = [
    "add_task",
    "analyze",
    "claim_task",
    "complete_task",
    "list_tasks",
    "log_decision",
    "next_tasks",
    "plan_overview",
    "release_task",
    "run_status",
    "session_prompt",
    "undo_task",
    "verify",
];

const PLAN: &str = "# Shop

## Overview

A small shop with a cart and a checkout.

## Phase 1: Build

- [ ] T1 Cart module [P]
  - files: src/cart.txt
  - verify: `test -f src/cart.txt`
- [ ] T2 Checkout module [P]
  - files: src/checkout.txt
  - verify: `test -f src/checkout.txt`
- [ ] T3 Wire cart into checkout
  - after: T1, T2
  - files: src/app.txt

## Phase 2: Ship

- [ ] T4 Release notes
  - files: NOTES.md
";

#[allow(clippy::print_stderr)]
fn skip(why: &str) -> Option<PathBuf> {
    assert!(
        std::env::var_os("BATON_REQUIRE_MCP_CLIENT").is_none(),
        "the MCP client is required (BATON_REQUIRE_MCP_CLIENT is set) but {why}"
    );
    eprintln!("SKIPPED mcp tests: {why}");
    None
}

/// The virtualenv's python with the MCP SDK, created on first use.
pub(crate) fn python() -> Option<&'static Path> {
    static PYTHON: OnceLock<Option<PathBuf>> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mcp-venv");
            let python = venv.join("bin").join("python");
            let works = |p: &Path| {
                Command::new(p)
                    .args(["-c", "import mcp.client.stdio"])
                    .output()
                    .is_ok_and(|o| o.status.success())
            };
            if works(&python) {
                return Some(python);
            }
            let made = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .output();
            match made {
                Err(err) => return skip(&format!("cannot run python3 ({err})")),
                Ok(out) if !out.status.success() => {
                    return skip(&format!(
                        "`python3 -m venv` failed: {}",
                        String::from_utf8_lossy(&out.stderr)
                    ));
                }
                Ok(_) => {}
            }
            let pip = Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    MCP_SDK,
                ])
                .output();
            match pip {
                Ok(out) if out.status.success() && works(&python) => Some(python),
                Ok(out) => skip(&format!(
                    "`pip install {MCP_SDK}` failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                )),
                Err(err) => skip(&format!("cannot run pip ({err})")),
            }
        })
        .as_deref()
}

fn client_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/mcp_client.py")
}

/// Starts one client (and so one `baton mcp`) in `dir` with `steps`; wait with [`finish`].
fn start(python: &Path, dir: &Path, steps: &Value, env: &[(&str, &str)]) -> std::process::Child {
    let mut cmd = Command::new(python);
    cmd.arg(client_script())
        .args([BIN, "mcp"])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start the MCP client");
    child
        .stdin
        .take()
        .expect("client stdin")
        .write_all(steps.to_string().as_bytes())
        .expect("send the steps");
    child
}

fn finish(child: std::process::Child) -> Vec<Value> {
    let out = child.wait_with_output().expect("wait for the MCP client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the MCP client failed ({})\n--- stdout\n{stdout}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON result per step"))
        .collect();
    // The client validates every call's structured content, errors included, against the
    // tool's declared outputSchema: no test may see a mismatch.
    for result in &results {
        assert_schema_valid(result);
    }
    results
}

/// Fails on any `schema_errors` the client reported, nested (`gather`) ones too.
fn assert_schema_valid(value: &Value) {
    match value {
        Value::Object(map) => {
            if let Some(errors) = map.get("schema_errors") {
                panic!(
                    "structured content does not match the outputSchema: {errors:#}\nin {value:#}"
                );
            }
            map.values().for_each(assert_schema_valid);
        }
        Value::Array(items) => items.iter().for_each(assert_schema_valid),
        _ => {}
    }
}

/// Every `format` keyword in a schema (none are portable: clients warn on `uint32`).
fn formats(schema: &Value, at: &str, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(f)) = map.get("format") {
                out.push(format!("{at}: {f}"));
            }
            for (k, v) in map {
                formats(v, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                formats(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Runs one client session: `initialize`, then `steps`; returns the steps' results.
pub(crate) fn session(python: &Path, dir: &Path, steps: &[Value]) -> Vec<Value> {
    let mut all = vec![json!({"op": "initialize"})];
    all.extend_from_slice(steps);
    let mut results = finish(start(python, dir, &Value::Array(all), &[]));
    results.remove(0);
    results
}

pub(crate) fn call(tool: &str, args: Value) -> Value {
    json!({"op": "call", "tool": tool, "args": args})
}

/// The result of a call that must succeed: its structured content.
pub(crate) fn ok(result: &Value) -> &Value {
    assert_eq!(result["is_error"], false, "expected success: {result:#}");
    &result["structured"]
}

/// The `error` object of a call that must fail as a tool error.
pub(crate) fn tool_error(result: &Value) -> &Value {
    assert_eq!(
        result["is_error"], true,
        "expected a tool error: {result:#}"
    );
    &result["structured"]["error"]
}

fn ids(tasks: &Value) -> Vec<String> {
    tasks
        .as_array()
        .expect("a task list")
        .iter()
        .map(|t| t["id"].as_str().expect("an id").to_string())
        .collect()
}

#[test]
fn handshake_lists_tools_with_schemas_and_resources() {
    let Some(py) = python() else { return };
    let project = Project::new();
    project.write("plan.md", PLAN);
    let results = finish(start(
        py,
        project.dir.path(),
        &json!([{"op": "initialize"}, {"op": "list_tools"}, {"op": "list_resources"}, {"op": "list_templates"}]),
        &[],
    ));
    let init = &results[0];
    assert_eq!(init["server_info"]["name"], "baton");
    assert_eq!(init["server_info"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        init["protocol_version"]
            .as_str()
            .is_some_and(|v| v.starts_with("20"))
    );
    assert!(init["capabilities"]["tools"].is_object(), "{init}");
    assert!(init["capabilities"]["resources"].is_object(), "{init}");
    assert!(
        init["instructions"]
            .as_str()
            .is_some_and(|i| i.contains("claim_task"))
    );

    let tools = results[1]["tools"].as_array().expect("tools");
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, TOOLS);
    let mut found = Vec::new();
    for tool in tools {
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
        assert_eq!(tool["outputSchema"]["type"], "object", "{tool}");
        assert!(tool["description"].as_str().is_some_and(|d| d.len() > 20));
        // Unknown arguments are refused, and the schema says so.
        assert_eq!(tool["inputSchema"]["additionalProperties"], false, "{tool}");
        // A result is the tool's own fields or the error object.
        assert_eq!(
            tool["outputSchema"]["anyOf"][1],
            json!({"required": ["error"]}),
            "{tool}"
        );
        formats(tool, tool["name"].as_str().unwrap_or("?"), &mut found);
    }
    assert_eq!(found, Vec::<String>::new(), "formats no client knows");
    let claim = tools
        .iter()
        .find(|t| t["name"] == "claim_task")
        .expect("claim_task");
    assert_eq!(claim["inputSchema"]["required"], json!(["id"]));
    assert_eq!(claim["annotations"]["destructiveHint"], false);

    let uris: Vec<&str> = results[2]["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|r| r["uri"].as_str())
        .collect();
    assert_eq!(
        uris,
        ["baton://plan", "baton://prompts/1", "baton://prompts/2"]
    );
    assert_eq!(
        results[3]["templates"][0]["uriTemplate"],
        "baton://prompts/{session}{?sessions,phase}"
    );
}

#[test]
fn every_tool_works_on_a_plan() {
    let Some(py) = python() else { return };
    let project = Project::new();
    project
        .write("plan.md", PLAN)
        .write("src/cart.txt", "cart\n");
    let r = session(
        py,
        project.dir.path(),
        &[
            call("plan_overview", json!({})),
            call("next_tasks", json!({})),
            call("claim_task", json!({"id": "T1", "session": "alice"})),
            call("claim_task", json!({"id": "T1", "session": "alice"})),
            call("list_tasks", json!({"status": "open", "phase": "1"})),
            call("list_tasks", json!({"ready": true})),
            call("complete_task", json!({"id": "T1", "session": "alice"})),
            call("claim_task", json!({"id": "T2", "session": "bob"})),
            call("release_task", json!({"id": "T2", "session": "bob"})),
            call("release_task", json!({"id": "T2", "session": "bob"})),
            call(
                "log_decision",
                json!({"text": "Cart totals in cents", "task": "T1", "session": "alice"}),
            ),
            call("verify", json!({"ids": ["T1", "T2"]})),
            call("verify", json!({})),
            call("analyze", json!({"sessions": 2})),
            call("session_prompt", json!({"session": 1, "sessions": 1})),
            json!({"op": "read", "uri": "baton://plan"}),
            json!({"op": "read", "uri": "baton://prompts/1?sessions=1"}),
        ],
    );
    let overview = ok(&r[0]);
    assert_eq!(overview["title"], "Shop");
    assert_eq!(
        overview["overview"],
        "A small shop with a cart and a checkout."
    );
    assert_eq!(overview["current_phase"], 1);
    assert_eq!(
        (overview["total"].as_u64(), overview["ready"].as_u64()),
        (Some(4), Some(2))
    );
    assert_eq!(overview["phases"][0]["open"], 3);

    assert_eq!(ids(&ok(&r[1])["ready"]), ["T1", "T2"]);
    assert_eq!(ok(&r[2])["outcome"], "claimed");
    assert_eq!(ok(&r[3])["outcome"], "already-yours");
    assert_eq!(ids(&ok(&r[4])["tasks"]), ["T1", "T2", "T3"]);
    assert_eq!(ok(&r[4])["tasks"][0]["claim"]["by"], "alice");
    assert_eq!(ids(&ok(&r[5])["tasks"]), ["T2"], "T1 is claimed, T3 waits");

    let done = ok(&r[6]);
    assert_eq!(
        (done["ticked"].as_bool(), done["forced"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(done["verification"]["verdict"], "verified");
    assert!(
        done["verification"]["evidence"]
            .as_array()
            .is_some_and(|e| e.len() == 2)
    );

    assert_eq!(ok(&r[7])["outcome"], "claimed");
    assert_eq!(ok(&r[8])["released"], true);
    assert_eq!(ok(&r[8])["was_held_by"], "bob");
    assert_eq!(ok(&r[9])["released"], false);
    let line = ok(&r[10])["line"]
        .as_str()
        .expect("decision line")
        .to_string();
    assert!(line.ends_with("T1: [alice] Cart totals in cents"), "{line}");

    let verified = ok(&r[11]);
    let verdicts: Vec<&str> = verified["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .filter_map(|t| t["verdict"].as_str())
        .collect();
    assert_eq!(verdicts, ["verified", "incomplete"]);
    assert_eq!(ok(&r[12])["scope"], "phase 1");
    assert_eq!(ok(&r[12])["finished"], false);

    let analysis = ok(&r[13]);
    assert_eq!(analysis["sessions"], 2);
    assert_eq!(
        analysis["waves"],
        json!([["T2"], ["T3"], ["T4"]]),
        "T1 is done"
    );
    assert_eq!(ok(&r[14])["tasks"], json!(["T2", "T3"]));

    // The plan changed only where the tools said: T1 ticked, one decision appended.
    let plan = project.read_string("plan.md");
    assert!(plan.contains("- [x] T1 Cart module [P]"), "{plan}");
    assert!(plan.contains("- [ ] T2 Checkout module [P]"));
    assert!(plan.contains(&line), "{plan}");
    assert_eq!(
        plan.lines().count(),
        PLAN.lines().count() + 4,
        "a Decisions section and the line"
    );
    assert_eq!(r[15]["contents"][0]["text"], plan);
    assert_eq!(r[15]["contents"][0]["mimeType"], "text/markdown");
    assert_eq!(r[16]["contents"][0]["text"], ok(&r[14])["text"]);
    // Ticking gave up alice's claim.
    let status = project.run(&["status", "--json"]).json();
    assert_eq!(status["claimed"], json!([]));
}

#[test]
fn bad_input_is_an_mcp_error_not_a_crash() {
    let Some(py) = python() else { return };
    let project = Project::new();
    project.write("plan.md", PLAN);
    project.git_init().trust_commands();
    let before = project.read("plan.md");
    let r = session(
        py,
        project.dir.path(),
        &[
            call("claim_task", json!({"id": "T9", "session": "alice"})),
            call("complete_task", json!({"id": "t1"})),
            call("claim_task", json!({"id": 5, "session": "alice"})),
            call("claim_task", json!({"session": "alice"})),
            call("claim_task", json!({"id": "T1"})),
            call("list_tasks", json!({"status": "finished"})),
            call("claim_task", json!({"id": "T3", "session": "alice"})),
            call("complete_task", json!({"id": "T1", "session": "alice"})),
            call("session_prompt", json!({"session": 7})),
            call("analyze", json!({"sessions": 0})),
            call("no_such_tool", json!({})),
            json!({"op": "read", "uri": "baton://nothing"}),
            call("plan_overview", json!({})),
        ],
    );
    let unknown = tool_error(&r[0]);
    assert_eq!(unknown["kind"], "bad-input");
    assert_eq!(unknown["message"], "no task T9 in plan.md");
    assert_eq!(tool_error(&r[1])["hint"], "did you mean T1?");
    assert!(
        r[2]["text"]
            .as_str()
            .is_some_and(|t| t.contains("invalid type: integer `5`")),
        "{}",
        r[2]
    );
    assert!(
        r[3]["text"]
            .as_str()
            .is_some_and(|t| t.contains("missing field `id`")),
        "{}",
        r[3]
    );
    assert_eq!(
        tool_error(&r[4])["kind"],
        "invalid-argument",
        "no session named"
    );
    assert_eq!(r[5]["is_error"], true);
    let waiting = tool_error(&r[6]);
    assert_eq!(waiting["kind"], "conflict");
    assert_eq!(waiting["message"], "T3 is not ready: it waits for T1, T2");
    assert!(
        waiting["hint"]
            .as_str()
            .is_some_and(|h| h.contains("`force: true`"))
    );
    // Completing with failing evidence is refused, with the evidence.
    let refused = tool_error(&r[7]);
    assert_eq!(refused["kind"], "conflict");
    assert_eq!(refused["verification"]["verdict"], "false-done");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("`test -f src/cart.txt` failed: exited 1"))
    );
    assert_eq!(tool_error(&r[8])["kind"], "bad-input");
    assert_eq!(tool_error(&r[9])["kind"], "invalid-argument");
    assert_eq!(r[10]["protocol_error"]["code"], -32602);
    assert_eq!(r[11]["protocol_error"]["code"], -32002);
    // The server is still up after all of that, and the plan is untouched.
    assert_eq!(ok(&r[12])["total"], 4);
    assert_eq!(project.read("plan.md"), before);
}

#[test]
fn force_ticks_despite_failing_evidence_and_says_so() {
    let Some(py) = python() else { return };
    let project = Project::new();
    project.write("plan.md", PLAN);
    let r = session(
        py,
        project.dir.path(),
        &[call(
            "complete_task",
            json!({"id": "T1", "session": "alice", "force": true}),
        )],
    );
    let done = ok(&r[0]);
    assert_eq!(done["forced"], true);
    assert_eq!(done["verification"]["verdict"], "false-done");
    assert!(
        done["note"]
            .as_str()
            .is_some_and(|n| n.starts_with("forced"))
    );
    assert!(
        project
            .read_string("plan.md")
            .contains("- [x] T1 Cart module")
    );
}

#[test]
fn a_plan_that_cannot_be_trusted_is_refused_with_its_line() {
    let Some(py) = python() else { return };
    let project = Project::new();
    project.write(
        "plan.md",
        "# Loop\n\n## Phase 1\n\n- [ ] T1 a\n  - after: T2\n- [ ] T2 b\n  - after: T1\n",
    );
    let r = session(
        py,
        project.dir.path(),
        &[
            call("next_tasks", json!({})),
            call("claim_task", json!({"id": "T1", "session": "a"})),
            call("analyze", json!({})),
            call("plan_overview", json!({})),
        ],
    );
    for result in &r[..3] {
        let error = tool_error(result);
        assert_eq!(error["kind"], "bad-input");
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("plan.md:6:12: dependency cycle: T1 → T2 → T1")),
            "{error}"
        );
        assert_eq!(error["problems"][0]["code"], "E103");
    }
    // The overview still answers, listing the problem.
    assert_eq!(ok(&r[3])["problems"][0]["code"], "E103");

    // No plan at all: a clear error, not a dead server.
    let empty = Project::new();
    let r = session(py, empty.dir.path(), &[call("next_tasks", json!({}))]);
    let error = tool_error(&r[0]);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("no plan found")),
        "{error}"
    );
    assert!(
        error["hint"]
            .as_str()
            .is_some_and(|h| h.contains("baton init"))
    );
}

/// Eight sessions, each its own `baton mcp`, released at once.
fn race(py: &Path, project: &Project, steps: impl Fn(usize) -> Vec<Value>) -> Vec<Vec<Value>> {
    let go = project.path("go");
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut all = vec![
                json!({"op": "initialize"}),
                json!({"op": "wait_for", "path": go.display().to_string()}),
            ];
            all.extend(steps(i));
            start(py, project.dir.path(), &Value::Array(all), &[])
        })
        .collect();
    // Let every client connect before the start line.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    std::fs::write(&go, "").expect("start line");
    children
        .into_iter()
        .map(|c| finish(c).split_off(2))
        .collect()
}

#[test]
fn eight_clients_claiming_one_task_have_exactly_one_winner() {
    let Some(py) = python() else { return };
    let project = Project::new();
    project.write("plan.md", PLAN);
    let results = race(py, &project, |i| {
        vec![call(
            "claim_task",
            json!({"id": "T1", "session": format!("s{i}")}),
        )]
    });
    let winners: Vec<usize> = (0..8)
        .filter(|&i| results[i][0]["is_error"] == false)
        .collect();
    assert_eq!(winners.len(), 1, "{results:#?}");
    let winner = format!("s{}", winners[0]);
    for (i, r) in results.iter().enumerate().filter(|(i, _)| *i != winners[0]) {
        let error = tool_error(&r[0]);
        assert_eq!(error["kind"], "conflict", "client {i}");
        assert_eq!(error["holder"], winner.as_str(), "client {i}");
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains(&format!("claimed by {winner}")))
        );
    }
    let status = project.run(&["status", "--json"]).json();
    assert_eq!(status["claimed"][0]["by"], winner.as_str());
}

#[test]
fn eight_clients_completing_eight_tasks_lose_no_tick() {
    let Some(py) = python() else { return };
    let project = Project::new();
    let mut plan = String::from("# Many\n\n## Phase 1\n\n");
    for i in 1..=8 {
        plan.push_str(&format!("- [ ] T{i} task {i} [P]\n  - files: f{i}.txt\n"));
        project.write(&format!("f{i}.txt"), "x");
    }
    project.write("plan.md", &plan);
    let results = race(py, &project, |i| {
        let id = format!("T{}", i + 1);
        let who = format!("s{i}");
        vec![
            call("claim_task", json!({"id": id, "session": who})),
            call("complete_task", json!({"id": id, "session": who})),
        ]
    });
    for (i, r) in results.iter().enumerate() {
        assert_eq!(ok(&r[0])["outcome"], "claimed", "client {i}");
        assert_eq!(
            ok(&r[1])["verification"]["verdict"],
            "verified",
            "client {i}"
        );
    }
    let after = project.read_string("plan.md");
    assert_eq!(
        after,
        plan.replace("- [ ]", "- [x]"),
        "every tick landed, nothing else changed"
    );
}

#[test]
fn a_slow_call_does_not_hold_up_the_session_s_other_calls() {
    let Some(py) = python() else { return };
    let project = Project::new();
    project.write(
        "plan.md",
        "# Slow\n\n## Phase 1\n\n- [x] T1 slow check\n  - verify: `sleep 3`\n",
    );
    project.git_init().trust_commands();
    let r = session(
        py,
        project.dir.path(),
        &[json!({"op": "gather", "steps": [
            call("verify", json!({"ids": ["T1"]})),
            call("plan_overview", json!({})),
        ]})],
    );
    assert_eq!(
        r[0]["finished"],
        json!([1, 0]),
        "the overview waited for the verify command: {:#}",
        r[0]
    );
    assert_eq!(ok(&r[0]["results"][0])["tasks"][0]["verdict"], "verified");
    assert_eq!(ok(&r[0]["results"][1])["total"], 1);
}

/// Each tool on its success path and on an error path. The client validates every result,
/// error or not, against the tool's outputSchema (`finish` fails on any mismatch), as Gemini
/// CLI's client does.
#[test]
fn every_result_error_or_not_matches_the_tool_s_output_schema() {
    let Some(py) = python() else { return };
    let project = Project::new();
    project
        .write("plan.md", PLAN)
        .write("src/checkout.txt", "checkout\n");
    let calls = [
        call("plan_overview", json!({})),
        call("list_tasks", json!({"phase": 2})),
        call("list_tasks", json!({"phase": 9})),
        call("next_tasks", json!({"limit": 5})),
        call("claim_task", json!({"id": "T1", "session": "alice"})),
        call("claim_task", json!({"id": "T1", "session": "bob"})),
        call("release_task", json!({"id": "T1", "session": "bob"})),
        call("complete_task", json!({"id": "T1", "session": "alice"})),
        call("release_task", json!({"id": "T1", "session": "alice"})),
        call("complete_task", json!({"id": "T2", "session": "carol"})),
        call("undo_task", json!({"id": "T2", "session": "carol"})),
        call("undo_task", json!({"id": "T9"})),
        call("log_decision", json!({"text": "keep it small"})),
        call("log_decision", json!({"text": "  "})),
        call("verify", json!({"ids": ["T2"]})),
        call("verify", json!({"ids": ["T9"]})),
        call("analyze", json!({"sessions": 2})),
        call("analyze", json!({"sessions": 0})),
        call("session_prompt", json!({"session": 1, "sessions": 1})),
        call("session_prompt", json!({"session": 7})),
        call(
            "add_task",
            json!({"title": "Cache the cart", "discovered_from": "T1", "files": ["src/cache.txt"], "session": "alice"}),
        ),
        call(
            "add_task",
            json!({"title": "Wait for nothing", "after": ["T99"]}),
        ),
        // No run yet: the newest is none; run 3 does not exist (tests/cli/run_status.rs
        // covers a real run).
        call("run_status", json!({})),
        call("run_status", json!({"run": 3})),
    ];
    let r = session(py, project.dir.path(), &calls);
    let mut succeeded = std::collections::BTreeSet::new();
    let mut failed = std::collections::BTreeSet::new();
    for (c, result) in calls.iter().zip(&r) {
        let tool = c["tool"].as_str().expect("tool").to_string();
        if result["is_error"] == true {
            let error = tool_error(result);
            assert!(error["kind"].is_string(), "{tool}: {result:#}");
            assert!(error["message"].is_string(), "{tool}: {result:#}");
            // The same facts are readable in the text, for clients that show only that.
            let text = result["text"].as_str().expect("text");
            assert!(
                text.contains(error["message"].as_str().expect("message")),
                "{tool}: {result:#}"
            );
            failed.insert(tool);
        } else {
            ok(result);
            succeeded.insert(tool);
        }
    }
    let every: std::collections::BTreeSet<String> = TOOLS.iter().map(|t| t.to_string()).collect();
    let failed_here: std::collections::BTreeSet<String> = every
        .iter()
        .filter(|t| *t != "plan_overview" && *t != "next_tasks")
        .cloned()
        .collect();
    assert_eq!(succeeded, every, "a success path for every tool");
    assert_eq!(failed, failed_here, "an error path for every tool");
    let conflict = tool_error(&r[5]);
    assert_eq!(conflict["holder"], "alice");
    assert!(
        r[5]["text"]
            .as_str()
            .is_some_and(|t| t.contains("alice") && t.contains("hint: ")),
        "{}",
        r[5]
    );
    assert_eq!(tool_error(&r[7])["verification"]["verdict"], "false-done");
    // The task found mid-session is filed in T1's phase with a fresh id, and recorded.
    let added = ok(&r[20]);
    assert_eq!(added["discovered_from"], "T1", "{added:#}");
    let id = added["id"].as_str().expect("id");
    let plan = project.read_string("plan.md");
    assert!(
        plan.contains(&format!("{id} Cache the cart")) && plan.contains("discovered-from: T1"),
        "{plan}"
    );
    assert!(
        tool_error(&r[21])["message"]
            .as_str()
            .is_some_and(|m| m.contains("T99"))
    );
    assert_eq!(ok(&r[22])["run"], Value::Null, "{:#}", r[22]);
    assert_eq!(tool_error(&r[23])["kind"], "bad-input");

    // With no plan every tool fails, plan_overview and next_tasks too; each error validates.
    let empty = Project::new();
    let steps: Vec<Value> = TOOLS
        .iter()
        .map(|t| {
            let args = match *t {
                "claim_task" | "complete_task" | "release_task" | "undo_task" => {
                    json!({"id": "T1", "session": "s"})
                }
                "log_decision" => json!({"text": "x"}),
                "add_task" => json!({"title": "x"}),
                "session_prompt" => json!({"session": 1}),
                _ => json!({}),
            };
            call(t, args)
        })
        .collect();
    for (t, result) in TOOLS.iter().zip(session(py, empty.dir.path(), &steps)) {
        assert_eq!(tool_error(&result)["kind"], "bad-input", "{t}: {result:#}");
    }

    // The validator is live: the schema as it was before errors were admitted rejects the
    // conflict above (the mismatch Gemini CLI turned into -32602).
    let listed = session(py, project.dir.path(), &[json!({"op": "list_tools"})]);
    let claim = listed[0]["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .find(|t| t["name"] == "claim_task")
        .expect("claim_task");
    let mut old = claim["outputSchema"].clone();
    let required = old["anyOf"][0]["required"].clone();
    let map = old.as_object_mut().expect("schema object");
    map.remove("anyOf");
    map.insert("required".to_string(), required);
    map["properties"]
        .as_object_mut()
        .expect("properties")
        .remove("error");
    let checked = session(
        py,
        project.dir.path(),
        &[
            json!({"op": "validate", "schema": old, "instance": r[5]["structured"]}),
            json!({"op": "validate", "schema": claim["outputSchema"], "instance": r[5]["structured"]}),
        ],
    );
    assert!(
        checked[0]["errors"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "{checked:#?}"
    );
    assert_eq!(checked[1]["errors"], json!([]));
}

#[test]
fn arguments_are_checked_misspelt_ones_refused_phases_by_number_or_name() {
    let Some(py) = python() else { return };
    let project = Project::new();
    project.write("plan.md", PLAN);
    let r = session(
        py,
        project.dir.path(),
        &[
            call("verify", json!({"taks": ["T1"]})),
            call(
                "claim_task",
                json!({"id": "T1", "session": "a", "forse": true}),
            ),
            call("list_tasks", json!({"phase": 2})),
            call("list_tasks", json!({"phase": "2"})),
            call("list_tasks", json!({"phase": "ship"})),
            call("list_tasks", json!({"phase": 1.5})),
            call("verify", json!({"phase": "build"})),
            call("plan_overview", json!({})),
        ],
    );
    // A misspelt argument is an error naming it and the valid ones; nothing is verified.
    assert_eq!(r[0]["is_error"], true, "{}", r[0]);
    let text = r[0]["text"].as_str().expect("text");
    assert!(
        text.contains("unknown field `taks`") && text.contains("`ids`") && text.contains("`phase`"),
        "{text}"
    );
    assert_eq!(r[0]["structured"], Value::Null, "no verification ran");
    assert!(
        r[1]["text"]
            .as_str()
            .is_some_and(|t| t.contains("unknown field `forse`")),
        "{}",
        r[1]
    );
    for result in &r[2..5] {
        assert_eq!(ids(&ok(result)["tasks"]), ["T4"], "{result:#}");
    }
    assert!(
        r[5]["text"]
            .as_str()
            .is_some_and(|t| t.contains("phase number")),
        "{}",
        r[5]
    );
    assert_eq!(ok(&r[6])["scope"], "phase 1");
    // The refused claim claimed nothing.
    assert_eq!(ok(&r[7])["claimed"], json!([]));
}

#[test]
fn undo_task_reopens_a_ticked_task() {
    let Some(py) = python() else { return };
    let project = Project::new();
    project.git_init();
    project
        .write("plan.md", PLAN)
        .write("src/cart.txt", "cart\n");
    let before = project.read_string("plan.md");
    let r = session(
        py,
        project.dir.path(),
        &[
            call("complete_task", json!({"id": "T1", "session": "alice"})),
            call("undo_task", json!({"id": "T1", "session": "alice"})),
            call("undo_task", json!({"id": "T1", "session": "alice"})),
            call("undo_task", json!({"id": "t1"})),
            call("claim_task", json!({"id": "T1", "session": "alice"})),
        ],
    );
    assert_eq!(ok(&r[0])["ticked"], true);
    let undone = ok(&r[1]);
    assert_eq!(undone["id"], "T1");
    assert_eq!(undone["reopened"], true);
    assert_eq!(ok(&r[2])["reopened"], false, "already open");
    let unknown = tool_error(&r[3]);
    assert_eq!(unknown["kind"], "bad-input");
    assert_eq!(unknown["hint"], "did you mean T1?");
    assert_eq!(
        ok(&r[4])["outcome"],
        "claimed",
        "reopened work is ready again"
    );
    // Done, then undone: the plan is byte for byte what it was.
    assert_eq!(project.read_string("plan.md"), before);
}

/// How a test makes a folder unwritable to baton, as an agent's sandbox does to `.git`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Confine {
    /// Not root: clear the write bits.
    Chmod,
    /// Root, where write bits stop nothing: a read-only bind mount in a private mount
    /// namespace (`unshare -m`), the way sandboxes mount `.git`.
    BindReadOnly,
    /// Root without mount rights: clear the write bits and run as `nobody`.
    Nobody,
}

const BIND_RO: &str = r#"mount --bind -o ro "$0" "$0" && exec "$@""#;

impl Confine {
    fn command(self, dir: &Path, program: &str, args: &[&str]) -> Command {
        let mut cmd = match self {
            Confine::Chmod => Command::new(program),
            Confine::BindReadOnly => {
                let mut c = Command::new("unshare");
                c.args(["-m", "--", "sh", "-c", BIND_RO])
                    .arg(dir)
                    .arg(program);
                c
            }
            Confine::Nobody => {
                let mut c = Command::new("setpriv");
                c.args(["--reuid=65534", "--regid=65534", "--clear-groups", program]);
                c
            }
        };
        cmd.args(args);
        cmd
    }

    /// Clears the write bits of `dir` and everything in it (and opens the way to it for
    /// `nobody`); a no-op for the bind mount.
    fn prepare(self, project: &Project, dir: &Path) {
        use std::os::unix::fs::PermissionsExt;
        if self == Confine::BindReadOnly {
            return;
        }
        let mode = |p: &Path, m: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod");
        };
        if self == Confine::Nobody {
            mode(project.dir.path(), 0o755);
        }
        for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
            if entry.path().is_file() {
                mode(&entry.path(), 0o444);
            }
        }
        mode(dir, 0o555);
    }

    /// Whether this way really stops a write into `dir` here.
    fn works(self, project: &Project, dir: &Path) -> bool {
        self.prepare(project, dir);
        let probe = dir.join("probe");
        let probe_text = probe.display().to_string();
        let out = self.command(dir, "touch", &[&probe_text]).output();
        let stopped = out.is_ok_and(|o| !o.status.success()) && !probe.exists();
        let _ = std::fs::remove_file(&probe);
        stopped
    }

    /// Every way that stops writes into `dir` for this user, with `dir` prepared.
    fn find(project: &Project, dir: &Path) -> Vec<Confine> {
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let ways: &[Confine] = if root {
            &[Confine::BindReadOnly, Confine::Nobody]
        } else {
            &[Confine::Chmod]
        };
        ways.iter()
            .copied()
            .filter(|w| w.works(project, dir))
            .collect()
    }
}

/// `baton ARGS` in `project`, unable to write under `dir`.
fn run_confined(project: &Project, how: Confine, dir: &Path, args: &[&str]) -> crate::harness::Run {
    let mut cmd = how.command(dir, BIN, args);
    cmd.current_dir(project.dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", project.dir.path())
        .env("NO_COLOR", "1")
        .env("BATON_NOW", "2026-01-21T09:30:00Z");
    crate::harness::Run::from(cmd.output().expect("run baton"))
}

/// In Codex's sandbox `.git` is read-only to the commands the model runs: `baton claim`
/// there used to say "another baton may hold the database". It says what happened and
/// where the write can be made instead (the MCP tools, which run outside the sandbox).
#[cfg(unix)]
#[test]
#[allow(clippy::print_stderr)]
fn a_read_only_state_folder_says_so_and_points_to_the_mcp_tools() {
    let project = Project::new();
    project.git_init();
    project.write("plan.md", PLAN);
    project.run(&["claim", "T1", "--by", "a"]).success();
    project.run(&["done", "T2", "--by", "a"]).success();
    let before = project.read_string("plan.md");
    let state = project.path(".git/baton");
    let ways = Confine::find(&project, &state);
    eprintln!("read-only by: {ways:?}");
    if ways.is_empty() {
        eprintln!("SKIPPED: no way to make a folder read-only here (chmod, unshare, setpriv)");
    }
    for how in ways {
        let runs = [
            run_confined(
                &project,
                how,
                &state,
                &["claim", "T4", "--by", "b", "--force"],
            ),
            run_confined(&project, how, &state, &["release", "T1", "--by", "a"]),
            run_confined(&project, how, &state, &["undo", "T2"]),
        ];
        for run in &runs {
            assert_eq!(run.code, 3, "{how:?}: {}", run.transcript());
            let said = &run.stderr;
            assert!(
                said.contains("cannot be written here") || said.contains("cannot lock"),
                "{how:?}: {said}"
            );
            let why = if how == Confine::BindReadOnly {
                "read-only file system"
            } else {
                "permission denied"
            };
            assert!(said.to_lowercase().contains(why), "{how:?}: {said}");
            assert!(said.contains("MCP tools"), "{how:?}: {said}");
            assert!(said.contains("undo_task"), "{how:?}: {said}");
            assert!(!said.contains("another baton"), "{how:?}: {said}");
        }
        // Nothing changed: the plan, and reading still works.
        assert_eq!(project.read_string("plan.md"), before);
        let status = run_confined(&project, how, &state, &["status", "--json"]);
        assert_eq!(status.code, 0, "{}", status.transcript());
        assert_eq!(status.json()["claimed"][0]["by"], "a");
    }
}

/// A repository whose `.git` cannot be written, before baton ever made its state folder.
#[cfg(unix)]
#[test]
#[allow(clippy::print_stderr)]
fn a_read_only_git_folder_without_state_says_so() {
    let project = Project::new();
    project.git_init();
    project.write("plan.md", PLAN);
    let git = project.path(".git");
    let ways = Confine::find(&project, &git);
    if ways.is_empty() {
        eprintln!("SKIPPED: no way to make a folder read-only here (chmod, unshare, setpriv)");
    }
    for how in ways {
        let run = run_confined(&project, how, &git, &["claim", "T1", "--by", "a"]);
        assert_eq!(run.code, 3, "{how:?}: {}", run.transcript());
        assert!(
            run.stderr.contains(".git/baton cannot be written here"),
            "{how:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("MCP tools"), "{how:?}: {}", run.stderr);
        assert!(!project.path(".git/baton").exists());
    }
}
