//! End to end with the real Claude Code CLI: `claude -p` talks to a scripted stand-in of the
//! Anthropic Messages API on 127.0.0.1, so its real tool calls and its real Stop hook run
//! against baton. The scripted model ticks a task whose evidence fails, tries to stop, must be
//! sent back by `baton hook claude-stop` with the failing evidence, fixes the work, and then
//! may stop.
//!
//! The CLI comes from npm (`@anthropic-ai/claude-code`), installed once under the cargo target
//! directory. Without npm or without network for that first install, the test says so on
//! stderr and passes without running. Run it with
//! `cargo test --test cli claude_e2e -- --nocapture`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{BIN, Project};

/// A hung `claude` fails the test after this long instead of blocking CI.
const CLAUDE_TIMEOUT: Duration = Duration::from_secs(180);

/// The session name baton's claims and the hook use (`BATON_SESSION` in claude's env).
const SESSION: &str = "agent";

const PLAN: &str = "# Marker

## Phase 1: Work

- [ ] T1 Write the marker file
  - files: done.txt
  - verify: `test -f done.txt`
";

/// What the scripted model does first: tick T1 although `done.txt` does not exist yet.
const FALSE_TICK: &str = "baton done T1";
/// What it does once the hook has sent it back.
const FIX: &str = "echo ok > done.txt";
/// How Claude Code introduces a blocking Stop hook's stderr to the model.
const FEEDBACK: &str = "Stop hook feedback";
/// Evidence baton's reason must carry for the false tick (see `baton verify --task T1`).
const EVIDENCE: [&str; 3] = ["test -f done.txt", "exited 1", "`done.txt` does not exist"];

// ---------------------------------------------------------------------------------------
// The Claude Code CLI from npm.

/// Says why the test does not run; only for a missing npm or a failed install.
#[allow(clippy::print_stderr)]
fn skip(why: &str) {
    eprintln!("SKIPPED claude_e2e: {why}");
    eprintln!(
        "  (the test needs `npm install @anthropic-ai/claude-code` to work once; the CLI is \
         cached under {})",
        Path::new(env!("CARGO_TARGET_TMPDIR")).display()
    );
}

/// Whether `claude --version` works: the npm package's postinstall step links the real
/// binary, without it `claude` is a stub that fails.
fn claude_runs(bin: &Path) -> bool {
    bin.exists()
        && Command::new(bin)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .is_ok_and(|o| o.status.success())
}

/// The `claude` executable, installed into the cargo target directory on first use; `None`
/// (after saying why) when npm is missing or the install fails.
fn claude_cli() -> Option<PathBuf> {
    let prefix = Path::new(env!("CARGO_TARGET_TMPDIR")).join("claude-code");
    let bin = prefix.join("node_modules").join(".bin").join("claude");
    if claude_runs(&bin) {
        return Some(bin);
    }
    std::fs::create_dir_all(&prefix).expect("create the npm prefix for Claude Code");
    let installed = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&prefix)
        .arg("@anthropic-ai/claude-code")
        .current_dir(&prefix)
        .stdin(Stdio::null())
        .output();
    match installed {
        Err(err) => {
            skip(&format!("cannot run npm ({err})"));
            None
        }
        Ok(out) if !out.status.success() => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            skip(&format!(
                "`npm install @anthropic-ai/claude-code` failed ({}):\n{}",
                out.status,
                tail.join("\n")
            ));
            None
        }
        Ok(_) if !claude_runs(&bin) => {
            skip(&format!(
                "npm installed @anthropic-ai/claude-code, but `{} --version` does not run \
                 (was its postinstall script skipped?)",
                bin.display()
            ));
            None
        }
        Ok(_) => Some(bin),
    }
}

// ---------------------------------------------------------------------------------------
// A scripted stand-in for the Anthropic Messages API.

/// One request the stand-in received.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    body: Value,
}

/// The stand-in: a loopback HTTP/1.1 server answering `POST /v1/messages` from a script.
struct StandIn {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// What the scripted model does next, given the request so far.
type Script = fn(&Value) -> Turn;

impl StandIn {
    fn start(script: Script) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the stand-in API");
        let port = listener.local_addr().expect("stand-in address").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let counter = Arc::new(AtomicUsize::new(0));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let log = Arc::clone(&log);
                let counter = Arc::clone(&counter);
                std::thread::spawn(move || {
                    // A connection that breaks mid-request just ends; claude retries.
                    let _ = serve_connection(stream, &log, &counter, script);
                });
            }
        });
        StandIn { port, seen }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The model requests so far: `POST /v1/messages` that offer tools (the agent's loop,
    /// not side requests such as a title).
    fn model_requests(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .expect("stand-in log")
            .iter()
            .filter(|s| s.method == "POST" && is_messages(&s.path) && offers_tools(&s.body))
            .cloned()
            .collect()
    }

    fn all_requests(&self) -> Vec<Seen> {
        self.seen.lock().expect("stand-in log").clone()
    }
}

/// An HTTP request as read off the wire.
struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string())
}

/// Reads one request; `None` when the client closed the connection between requests.
fn read_request(reader: &mut impl BufRead) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut words = line.split_whitespace();
    let method = words
        .next()
        .ok_or_else(|| invalid("no method"))?
        .to_string();
    let path = words.next().ok_or_else(|| invalid("no path"))?.to_string();
    let mut headers = HashMap::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(invalid("headers cut short"));
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let mut body = Vec::new();
    let chunked = headers
        .get("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let size_text = line.trim().split(';').next().unwrap_or_default();
            let size =
                usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
            if size == 0 {
                // Trailers, up to the empty line.
                loop {
                    line.clear();
                    if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                        break;
                    }
                }
                break;
            }
            let start = body.len();
            body.resize(start + size, 0);
            reader.read_exact(&mut body[start..])?;
            line.clear();
            reader.read_line(&mut line)?;
        }
    } else if let Some(len) = headers.get("content-length") {
        let len: usize = len.parse().map_err(|_| invalid("bad Content-Length"))?;
        body.resize(len, 0);
        reader.read_exact(&mut body)?;
    }
    Ok(Some(Request {
        method,
        path,
        headers,
        body,
    }))
}

/// Answers requests on one connection until the client closes it (keep-alive).
fn serve_connection(
    stream: TcpStream,
    log: &Mutex<Vec<Seen>>,
    counter: &AtomicUsize,
    script: Script,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(CLAUDE_TIMEOUT + Duration::from_secs(60)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader)? {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        log.lock().expect("stand-in log").push(Seen {
            method: request.method.clone(),
            path: request.path.clone(),
            body: body.clone(),
        });
        let (content_type, payload) =
            answer(&request.method, &request.path, &body, counter, script);
        let close = request
            .headers
            .get("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
             Cache-Control: no-cache\r\nConnection: {}\r\n\r\n",
            payload.len(),
            if close { "close" } else { "keep-alive" },
        );
        writer.write_all(head.as_bytes())?;
        if request.method != "HEAD" {
            writer.write_all(payload.as_bytes())?;
        }
        writer.flush()?;
        if close {
            break;
        }
    }
    Ok(())
}

fn is_messages(path: &str) -> bool {
    path.starts_with("/v1/messages") && !path.starts_with("/v1/messages/count_tokens")
}

fn offers_tools(body: &Value) -> bool {
    body.get("tools")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty())
}

/// The content type and body for any request.
fn answer(
    method: &str,
    path: &str,
    body: &Value,
    counter: &AtomicUsize,
    script: Script,
) -> (&'static str, String) {
    if method != "POST" {
        return ("application/json", "{}".to_string());
    }
    if !is_messages(path) {
        return ("application/json", json!({"input_tokens": 12}).to_string());
    }
    let n = counter.fetch_add(1, Ordering::SeqCst);
    // Side requests (session title and the like) offer no tools: a plain short answer.
    let turn = if offers_tools(body) {
        script(body)
    } else {
        Turn::Say("Marker file task".to_string())
    };
    let model = body
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("claude-stand-in");
    let (block, stop_reason) = match &turn {
        Turn::Bash(command) => (
            json!({
                "type": "tool_use",
                "id": format!("toolu_standin_{n:03}"),
                "name": "Bash",
                "input": {"command": command, "description": "scripted step"},
            }),
            "tool_use",
        ),
        Turn::Tool { name, input } => (
            json!({
                "type": "tool_use",
                "id": format!("toolu_standin_{n:03}"),
                "name": name,
                "input": input,
            }),
            "tool_use",
        ),
        Turn::Say(text) => (json!({"type": "text", "text": text}), "end_turn"),
    };
    let message_id = format!("msg_standin_{n:03}");
    if body.get("stream").and_then(Value::as_bool) == Some(true) {
        (
            "text/event-stream",
            sse(&message_id, model, &block, stop_reason),
        )
    } else {
        let message = json!({
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [block],
            "stop_reason": stop_reason,
            "stop_sequence": null,
            "usage": {"input_tokens": 12, "output_tokens": 6},
        });
        ("application/json", message.to_string())
    }
}

/// The assistant's one content block as a Messages API event stream.
fn sse(message_id: &str, model: &str, block: &Value, stop_reason: &str) -> String {
    let (start, delta) = if block["type"] == "tool_use" {
        (
            json!({"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}),
            json!({"type": "input_json_delta", "partial_json": block["input"].to_string()}),
        )
    } else {
        (
            json!({"type": "text", "text": ""}),
            json!({"type": "text_delta", "text": block["text"]}),
        )
    };
    let events = [
        json!({"type": "message_start", "message": {
            "id": message_id, "type": "message", "role": "assistant", "model": model,
            "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 12, "output_tokens": 1},
        }}),
        json!({"type": "content_block_start", "index": 0, "content_block": start}),
        json!({"type": "content_block_delta", "index": 0, "delta": delta}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "message_delta",
            "delta": {"stop_reason": stop_reason, "stop_sequence": null},
            "usage": {"output_tokens": 6}}),
        json!({"type": "message_stop"}),
    ];
    let mut out = String::new();
    for event in events {
        let name = event["type"].as_str().unwrap_or_default().to_string();
        out.push_str(&format!("event: {name}\ndata: {event}\n\n"));
    }
    out
}

/// What the scripted model does next.
#[derive(Debug, PartialEq)]
enum Turn {
    Bash(String),
    /// Any other tool, such as an MCP tool (`mcp__baton__claim_task`).
    Tool {
        name: String,
        input: Value,
    },
    Say(String),
}

/// Every string in the conversation's user messages (text blocks, plain string contents and
/// tool results), where Claude Code puts tool output and Stop hook feedback.
fn user_texts(body: &Value) -> Vec<String> {
    fn collect(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
            Value::Object(map) => {
                for key in ["text", "content"] {
                    if let Some(v) = map.get(key) {
                        collect(v, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for message in body["messages"].as_array().into_iter().flatten() {
        if message["role"] == "user" {
            collect(&message["content"], &mut out);
        }
    }
    out
}

fn tool_results(body: &Value) -> usize {
    body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["role"] == "user")
        .filter_map(|m| m["content"].as_array())
        .flatten()
        .filter(|b| b["type"] == "tool_result")
        .count()
}

/// The script, keyed on what the conversation holds so far: tick falsely, claim to be done,
/// and once the hook's feedback with the failing evidence arrives, fix the work and finish.
fn next_turn(body: &Value) -> Turn {
    let feedback: Vec<String> = user_texts(body)
        .into_iter()
        .filter(|t| t.contains(FEEDBACK))
        .collect();
    let has_evidence = feedback
        .iter()
        .any(|t| EVIDENCE.iter().all(|e| t.contains(e)));
    match (tool_results(body), feedback.is_empty()) {
        (0, _) => Turn::Bash(FALSE_TICK.to_string()),
        (1, true) => Turn::Say("All done.".to_string()),
        (1, false) if has_evidence => Turn::Bash(FIX.to_string()),
        (1, false) => Turn::Say("The Stop hook feedback lacks the failing evidence.".to_string()),
        _ => Turn::Say("Fixed: done.txt exists and T1 verifies.".to_string()),
    }
}

// ---------------------------------------------------------------------------------------
// Running claude.

/// What one `claude -p` run left behind.
struct ClaudeRun {
    code: Option<i32>,
    timed_out: bool,
    events: Vec<Value>,
    stdout: String,
    stderr: String,
}

impl ClaudeRun {
    fn describe(&self) -> String {
        format!(
            "claude exit: {:?}{}\n--- stdout\n{}\n--- stderr\n{}",
            self.code,
            if self.timed_out {
                " (killed: timed out)"
            } else {
                ""
            },
            self.stdout,
            self.stderr
        )
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Waits for claude up to `CLAUDE_TIMEOUT`, then kills its whole process group.
fn wait_or_kill(child: &mut Child) -> (Option<i32>, bool) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for claude") {
            return (status.code(), false);
        }
        if started.elapsed() > CLAUDE_TIMEOUT {
            if let Some(group) = i32::try_from(child.id())
                .ok()
                .map(nix::unistd::Pid::from_raw)
            {
                let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
            }
            let _ = child.kill();
            let status = child.wait().expect("reap claude");
            return (status.code(), true);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `claude -p PROMPT --output-format stream-json --verbose` in the project, against the
/// stand-in, with a throwaway HOME and the built `baton` first on PATH.
fn run_claude(
    claude: &Path,
    project: &Project,
    home: &Path,
    api: &StandIn,
    prompt: &str,
    allowed_tools: &str,
) -> ClaudeRun {
    let baton_dir = Path::new(BIN).parent().expect("baton's directory");
    let mut path = vec![baton_dir.to_path_buf()];
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let path = std::env::join_paths(path).expect("PATH");
    let mut child = Command::new(claude)
        .args([
            "-p",
            prompt,
            "--output-format",
            "stream-json",
            "--verbose",
            "--allowedTools",
            allowed_tools,
            "--max-turns",
            "12",
        ])
        .current_dir(project.dir.path())
        // Nothing of the user's: no ANTHROPIC_* but ours, no real config.
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("CLAUDE_CONFIG_DIR", home.join(".claude"))
        .env("ANTHROPIC_BASE_URL", api.url())
        .env("ANTHROPIC_API_KEY", "sk-ant-test-stand-in")
        .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
        .env("DISABLE_AUTOUPDATER", "1")
        .env("NO_COLOR", "1")
        .env("BATON_SESSION", SESSION)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("spawn claude");
    let stdout = drain(child.stdout.take().expect("claude stdout"));
    let stderr = drain(child.stderr.take().expect("claude stderr"));
    let (code, timed_out) = wait_or_kill(&mut child);
    let stdout = String::from_utf8_lossy(&stdout.join().expect("stdout reader")).into_owned();
    let stderr = String::from_utf8_lossy(&stderr.join().expect("stderr reader")).into_owned();
    let events = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .collect();
    ClaudeRun {
        code,
        timed_out,
        events,
        stdout,
        stderr,
    }
}

/// With `--nocapture`, shows what happened: the model's steps and the hook's feedback.
#[allow(clippy::print_stderr)]
fn show(turns: &[Turn], reason: &str) {
    eprintln!("claude_e2e: the scripted model's steps, one per model request:");
    for (i, turn) in turns.iter().enumerate() {
        eprintln!("  {}. {turn:?}", i + 1);
    }
    eprintln!("claude_e2e: the Stop hook feedback claude passed on:");
    for line in reason.lines() {
        eprintln!("  | {line}");
    }
}

/// The text of a stream-json `user` event's message, however its content is shaped.
fn event_text(event: &Value) -> String {
    let content = &event["message"]["content"];
    match content {
        Value::String(s) => s.clone(),
        Value::Array(blocks) => blocks
            .iter()
            .filter_map(|b| b["text"].as_str().or_else(|| b["content"].as_str()))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

#[test]
fn stop_hook_blocks_a_false_tick_until_the_work_is_fixed() {
    let Some(claude) = claude_cli() else { return };

    let p = Project::new();
    p.write("plan.md", PLAN);
    p.git_init().trust_commands();
    p.run(&["claim", "T1", "--by", SESSION]).success();
    p.run(&["init", "--agents", "claude"]).success();
    let settings: Value =
        serde_json::from_str(&p.read_string(".claude/settings.json")).expect("settings JSON");
    assert_eq!(
        settings["hooks"]["Stop"][0]["hooks"][0]["command"], "baton hook claude-stop",
        "{settings:#}"
    );

    let home = tempfile::tempdir().expect("temp HOME");
    let api = StandIn::start(next_turn);
    let run = run_claude(
        &claude,
        &p,
        home.path(),
        &api,
        "Finish task T1 of plan.md, then stop.",
        "Bash",
    );
    let trace = || {
        let requests: Vec<String> = api
            .all_requests()
            .iter()
            .map(|s| format!("{} {}", s.method, s.path))
            .collect();
        format!(
            "{}\n--- stand-in requests\n{}",
            run.describe(),
            requests.join("\n")
        )
    };

    assert!(!run.timed_out, "claude hung\n{}", trace());
    assert_eq!(run.code, Some(0), "{}", trace());

    // claude's side: the false tick ran, the stop was refused once with the evidence.
    let feedback: Vec<&Value> = run
        .events
        .iter()
        .filter(|e| e["type"] == "user" && e["isSynthetic"] == true)
        .filter(|e| event_text(e).contains(FEEDBACK))
        .collect();
    assert_eq!(feedback.len(), 1, "one blocked stop expected\n{}", trace());
    let reason = event_text(feedback[0]);
    for evidence in EVIDENCE {
        assert!(
            reason.contains(evidence),
            "feedback lacks {evidence:?}:\n{reason}"
        );
    }
    assert!(reason.contains("T1"), "{reason}");
    assert!(reason.contains("false-done"), "{reason}");

    let result = run
        .events
        .iter()
        .rfind(|e| e["type"] == "result")
        .unwrap_or_else(|| panic!("no result event\n{}", trace()));
    assert_eq!(result["is_error"], false, "{result:#}\n{}", trace());
    assert_eq!(result["subtype"], "success", "{result:#}");

    // The stand-in's side: the model got the feedback exactly when the script expected it.
    let model = api.model_requests();
    let texts: Vec<Vec<String>> = model.iter().map(|s| user_texts(&s.body)).collect();
    let with_feedback: Vec<usize> = (0..model.len())
        .filter(|&i| texts[i].iter().any(|t| t.contains(FEEDBACK)))
        .collect();
    let first = *with_feedback
        .first()
        .unwrap_or_else(|| panic!("no request carried the hook's feedback\n{}", trace()));
    assert!(
        texts[first]
            .iter()
            .any(|t| t.contains(FEEDBACK) && EVIDENCE.iter().all(|e| t.contains(e))),
        "the feedback request lacks the evidence: {:#}",
        model[first].body["messages"]
    );
    let feedback_blocks = texts[model.len() - 1]
        .iter()
        .filter(|t| t.contains(FEEDBACK))
        .count();
    assert_eq!(feedback_blocks, 1, "{}", trace());
    let turns: Vec<Turn> = model.iter().map(|s| next_turn(&s.body)).collect();
    assert_eq!(
        turns,
        [
            Turn::Bash(FALSE_TICK.to_string()),
            Turn::Say("All done.".to_string()),
            Turn::Bash(FIX.to_string()),
            Turn::Say("Fixed: done.txt exists and T1 verifies.".to_string()),
        ],
        "{}",
        trace()
    );

    show(&turns, &reason);

    // The project: the work is really done now, and baton agrees.
    assert_eq!(p.read_string("done.txt"), "ok\n");
    assert!(p.read_string("plan.md").contains("- [x] T1"));
    p.run(&["verify", "--task", "T1"]).success();
}

// ---------------------------------------------------------------------------------------
// The MCP server, registered by `baton init --agents claude`.

const MCP_PLAN: &str = "# Report

## Phase 1: Work

- [ ] T1 Write the report
  - files: report.txt
  - verify: `test -f report.txt`
- [ ] T2 Review the report
  - after: T1
";

const DECISION: &str = "Report kept to one line";

/// The scripted session: claim T1 through baton's MCP tool, do the work, log a decision and
/// complete the task through the tools, then finish.
fn mcp_turn(body: &Value) -> Turn {
    let tool = |name: &str, input: Value| Turn::Tool {
        name: format!("mcp__baton__{name}"),
        input,
    };
    match tool_results(body) {
        0 => tool("claim_task", json!({"id": "T1", "session": SESSION})),
        1 => Turn::Bash("echo done > report.txt".to_string()),
        2 => tool(
            "log_decision",
            json!({"text": DECISION, "task": "T1", "session": SESSION}),
        ),
        3 => tool("complete_task", json!({"id": "T1", "session": SESSION})),
        _ => Turn::Say("T1 is done and verified.".to_string()),
    }
}

/// The text of every tool result in a request, in order.
fn tool_result_texts(body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for message in body["messages"].as_array().into_iter().flatten() {
        for block in message["content"].as_array().into_iter().flatten() {
            if block["type"] != "tool_result" {
                continue;
            }
            let text = match &block["content"] {
                Value::String(s) => s.clone(),
                Value::Array(parts) => parts
                    .iter()
                    .filter_map(|p| p["text"].as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
                _ => String::new(),
            };
            out.push(text);
        }
    }
    out
}

#[test]
fn claude_code_uses_batons_mcp_tools_from_the_config_init_wrote() {
    let Some(claude) = claude_cli() else { return };

    let p = Project::new();
    p.write("plan.md", MCP_PLAN);
    p.git_init();
    p.run(&["init", "--agents", "claude"]).success();
    let config: Value = serde_json::from_str(&p.read_string(".mcp.json")).expect(".mcp.json");
    assert_eq!(
        config["mcpServers"]["baton"]["command"], "baton",
        "{config:#}"
    );

    let home = tempfile::tempdir().expect("temp HOME");
    let api = StandIn::start(mcp_turn);
    let run = run_claude(
        &claude,
        &p,
        home.path(),
        &api,
        "Take task T1 of the plan, do it, and complete it with baton's tools.",
        "Bash,mcp__baton",
    );
    let trace = || run.describe();
    assert!(!run.timed_out, "claude hung\n{}", trace());
    assert_eq!(run.code, Some(0), "{}", trace());

    // The session's init: baton's server connected, its tools offered.
    let init = run
        .events
        .iter()
        .find(|e| e["type"] == "system" && e["subtype"] == "init")
        .unwrap_or_else(|| panic!("no system/init event\n{}", trace()));
    let baton = init["mcp_servers"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == "baton")
        .unwrap_or_else(|| panic!("baton is not among the MCP servers: {init:#}"));
    assert_eq!(baton["status"], "connected", "{init:#}");
    let tools: Vec<&str> = init["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for name in ["claim_task", "complete_task", "log_decision", "next_tasks"] {
        assert!(
            tools.contains(&format!("mcp__baton__{name}").as_str()),
            "{name} missing from {tools:?}"
        );
    }

    // Each scripted call reached baton and got the answer it should.
    let model = api.model_requests();
    let last = model
        .last()
        .unwrap_or_else(|| panic!("no model request\n{}", trace()));
    let results = tool_result_texts(&last.body);
    assert_eq!(results.len(), 4, "{results:#?}\n{}", trace());
    assert!(
        results[0].contains(r#""outcome":"claimed""#),
        "{}",
        results[0]
    );
    assert!(results[2].contains(DECISION), "{}", results[2]);
    assert!(
        results[3].contains(r#""verdict":"verified""#),
        "{}",
        results[3]
    );
    assert!(results[3].contains(r#""ticked":true"#), "{}", results[3]);

    let result = run
        .events
        .iter()
        .rfind(|e| e["type"] == "result")
        .unwrap_or_else(|| panic!("no result event\n{}", trace()));
    assert_eq!(result["is_error"], false, "{result:#}\n{}", trace());

    // The plan changed exactly as the calls said: T1 ticked, one decision logged, claim gone.
    let plan = p.read_string("plan.md");
    assert!(plan.contains("- [x] T1 Write the report"), "{plan}");
    assert!(plan.contains("- [ ] T2 Review the report"), "{plan}");
    assert!(
        plan.lines()
            .any(|l| l.ends_with(&format!("T1: [{SESSION}] {DECISION}"))),
        "{plan}"
    );
    let status = p.run(&["status", "--json"]).json();
    assert_eq!(status["claimed"], json!([]), "{status:#}");
    p.run(&["verify", "--task", "T1"]).success();
}
