//! Reading an agent's output stream, one line at a time, into what a progress view and the
//! run's totals need: the last tool call, how many tool calls, tokens, cost, and whether the
//! agent said it finished (and with an error).
//!
//! Each format is read leniently: a line that is not JSON, an event baton does not know and
//! a field of an unexpected type are ignored, never an error, and nothing here panics on any
//! input. Memory is bounded: an [`Activity`] is a few numbers and one short string, and a
//! line is parsed on its own into typed structs that skip every field baton does not read
//! (tool outputs and file contents are scanned past, not kept).
//!
//! Fields read (docs/run-agents.md has sample lines):
//! - Claude Code `--output-format stream-json`: `assistant` events' `tool_use` blocks (name,
//!   and a Bash `command`) and `message.usage`; the final `result` (`is_error`, `usage`,
//!   `total_cost_usd`), whose totals replace the running sums.
//! - Codex `exec --json`: `item.started` / `item.completed` of `command_execution`,
//!   `mcp_tool_call`, `file_change`, `web_search`; `turn.completed` (`usage`, summed over
//!   turns) and `turn.failed`.
//! - Gemini CLI `-o stream-json`: `tool_use` (`tool_name`, `parameters.command`) and the
//!   final `result` (`status`, `stats`).

use serde::{Deserialize, Serialize};

/// The shape of an agent's stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StreamFormat {
    /// Claude Code's `--output-format stream-json --verbose`.
    ClaudeStreamJson,
    /// Codex's `exec --json`.
    CodexJson,
    /// Gemini CLI's `-o stream-json`.
    GeminiStreamJson,
    /// Nothing to read (aider, or any agent whose output is plain text).
    None,
}

impl StreamFormat {
    pub const ALL: [StreamFormat; 4] = [
        StreamFormat::ClaudeStreamJson,
        StreamFormat::CodexJson,
        StreamFormat::GeminiStreamJson,
        StreamFormat::None,
    ];

    /// The name used in `baton.toml` (`stream = "claude-stream-json"`).
    pub fn as_str(self) -> &'static str {
        match self {
            StreamFormat::ClaudeStreamJson => "claude-stream-json",
            StreamFormat::CodexJson => "codex-json",
            StreamFormat::GeminiStreamJson => "gemini-stream-json",
            StreamFormat::None => "none",
        }
    }

    /// The format named `name` (see [`StreamFormat::as_str`]), or by its short name as
    /// `[agents.NAME] stream` takes it ([`StreamFormat::key`]).
    pub fn from_name(name: &str) -> Option<StreamFormat> {
        StreamFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == name || f.key() == name)
    }

    /// The short name `[agents.NAME] stream` takes: `claude`, `codex`, `gemini`, `none`.
    pub fn key(self) -> &'static str {
        match self {
            StreamFormat::ClaudeStreamJson => "claude",
            StreamFormat::CodexJson => "codex",
            StreamFormat::GeminiStreamJson => "gemini",
            StreamFormat::None => "none",
        }
    }

    /// The format an agent's program writes when `stream` is not set: the program's file
    /// name `claude`, `codex` or `gemini` (the CLIs the presets start), else none.
    pub fn of_program(program: &str) -> StreamFormat {
        let name = std::path::Path::new(program)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        match name {
            "claude" => StreamFormat::ClaudeStreamJson,
            "codex" => StreamFormat::CodexJson,
            "gemini" => StreamFormat::GeminiStreamJson,
            _ => StreamFormat::None,
        }
    }
}

/// At most this many characters of a tool call are kept for [`Activity::last_tool`].
pub const LAST_TOOL_CHARS: usize = 120;

/// What one session's stream showed so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Activity {
    /// The latest tool call, as the agent names it (`Edit`, `mcp__baton__tick_task`,
    /// `shell: cargo test`), on one line and at most [`LAST_TOOL_CHARS`] characters.
    pub last_tool: Option<String>,
    pub tool_calls: u64,
    /// Prompt tokens the model read, cached ones included.
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Only Claude Code reports a cost.
    pub cost_usd: Option<f64>,
    /// Set by the agent's final event: `Some(is_error)`.
    pub finished: Option<bool>,
    /// Claude Code's last message id seen (hashed), so that a message split over several
    /// events has its usage counted once.
    #[serde(skip)]
    claude_last_message: Option<u64>,
}

impl Activity {
    /// Reads one line of output in `format`. Lines that say nothing baton reads change
    /// nothing.
    pub fn feed(&mut self, format: StreamFormat, line: &str) {
        let line = line.trim();
        if !line.starts_with('{') {
            return;
        }
        match format {
            StreamFormat::ClaudeStreamJson => self.claude(line),
            StreamFormat::CodexJson => self.codex(line),
            StreamFormat::GeminiStreamJson => self.gemini(line),
            StreamFormat::None => {}
        }
    }

    pub fn total_tokens(&self) -> u64 {
        self.input_tokens.saturating_add(self.output_tokens)
    }

    /// Adds another session's activity to this one (for a run's totals): counts and tokens
    /// add up, costs add up when either is known; the last tool and finish are kept.
    pub fn absorb(&mut self, other: &Activity) {
        self.tool_calls = self.tool_calls.saturating_add(other.tool_calls);
        self.input_tokens = self.input_tokens.saturating_add(other.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(other.output_tokens);
        self.cost_usd = match (self.cost_usd, other.cost_usd) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
        };
    }

    fn tool(&mut self, name: &str, command: Option<&serde_json::Value>) {
        self.tool_calls = self.tool_calls.saturating_add(1);
        self.set_last_tool(name, command);
    }

    fn set_last_tool(&mut self, name: &str, command: Option<&serde_json::Value>) {
        let mut text = name.to_string();
        if let Some(command) = command.and_then(command_text) {
            text.push_str(": ");
            text.push_str(&command);
        }
        self.last_tool = Some(one_line(&text, LAST_TOOL_CHARS));
    }

    // ---- Claude Code ------------------------------------------------------------------

    fn claude(&mut self, line: &str) {
        let Ok(head) = serde_json::from_str::<Head>(line) else {
            return;
        };
        match head.kind.as_deref() {
            Some("assistant") => {
                let Ok(event) = serde_json::from_str::<ClaudeAssistant>(line) else {
                    return;
                };
                let Some(message) = event.message else {
                    return;
                };
                for block in message.content.unwrap_or_default() {
                    if block.kind.as_deref() == Some("tool_use") {
                        let name = block.name.as_deref().unwrap_or("tool");
                        let command = block.input.as_ref().and_then(|i| i.command.as_ref());
                        self.tool(name, command);
                    }
                }
                // One API response can come as several events (one per content block), each
                // with the same id and usage: count a message's usage once.
                if let Some(usage) = message.usage {
                    let id = message.id.unwrap_or_default();
                    if id.is_empty() || self.claude_last_message != Some(hash(&id)) {
                        self.input_tokens = self.input_tokens.saturating_add(usage.input());
                        self.output_tokens = self
                            .output_tokens
                            .saturating_add(usage.output_tokens.unwrap_or(0));
                    }
                    if !id.is_empty() {
                        self.claude_last_message = Some(hash(&id));
                    }
                }
            }
            Some("result") => {
                let Ok(result) = serde_json::from_str::<ClaudeResult>(line) else {
                    return;
                };
                let is_error = result
                    .is_error
                    .unwrap_or_else(|| result.subtype.as_deref() != Some("success"));
                self.finished = Some(is_error);
                if let Some(usage) = result.usage {
                    self.input_tokens = usage.input();
                    self.output_tokens = usage.output_tokens.unwrap_or(0);
                }
                if let Some(cost) = result.total_cost_usd.filter(|c| c.is_finite() && *c >= 0.0) {
                    self.cost_usd = Some(cost);
                }
            }
            _ => {}
        }
    }

    // ---- Codex ------------------------------------------------------------------------

    fn codex(&mut self, line: &str) {
        let Ok(event) = serde_json::from_str::<CodexEvent>(line) else {
            return;
        };
        match event.kind.as_deref() {
            Some(phase @ ("item.started" | "item.completed")) => {
                let Some(item) = event.item else {
                    return;
                };
                let started = phase == "item.started";
                let (name, command) = match item.kind.as_deref() {
                    Some("command_execution") => ("shell".to_string(), item.command.as_ref()),
                    Some("mcp_tool_call") => (
                        format!(
                            "mcp__{}__{}",
                            item.server.as_deref().unwrap_or("?"),
                            item.tool.as_deref().unwrap_or("?")
                        ),
                        None,
                    ),
                    Some(kind @ ("file_change" | "web_search")) => (kind.to_string(), None),
                    _ => return,
                };
                // A call is counted once, when it completes (file changes and searches may
                // have no start event); the view shows it from its start.
                if started {
                    self.set_last_tool(&name, command);
                } else {
                    self.tool(&name, command);
                }
            }
            Some("turn.completed") => {
                if let Some(usage) = event.usage {
                    self.input_tokens = self
                        .input_tokens
                        .saturating_add(usage.input_tokens.unwrap_or(0));
                    self.output_tokens = self
                        .output_tokens
                        .saturating_add(usage.output_tokens.unwrap_or(0));
                }
                self.finished = Some(false);
            }
            Some("turn.failed") => self.finished = Some(true),
            _ => {}
        }
    }

    // ---- Gemini CLI -------------------------------------------------------------------

    fn gemini(&mut self, line: &str) {
        let Ok(event) = serde_json::from_str::<GeminiEvent>(line) else {
            return;
        };
        match event.kind.as_deref() {
            Some("tool_use") => {
                let name = event.tool_name.as_deref().unwrap_or("tool");
                let command = event.parameters.as_ref().and_then(|p| p.command.as_ref());
                self.tool(name, command);
            }
            Some("result") => {
                self.finished = Some(event.status.as_deref() != Some("success"));
                if let Some(stats) = event.stats {
                    self.input_tokens = stats.input_tokens.unwrap_or(self.input_tokens);
                    self.output_tokens = stats.output_tokens.unwrap_or(self.output_tokens);
                }
            }
            _ => {}
        }
    }
}

/// A shell command as text: a string, or an argv array joined with spaces.
fn command_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(parts) => {
            let words: Vec<&str> = parts.iter().filter_map(|p| p.as_str()).collect();
            (!words.is_empty()).then(|| words.join(" "))
        }
        _ => None,
    }
}

/// Whitespace runs (newlines included) become one space; cut at `max` characters with `…`.
fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.len() > max * 4 {
            break;
        }
    }
    if out.chars().count() > max {
        out = out.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
    }
    out
}

fn hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

// ---- the shapes read; every other field is skipped -----------------------------------

#[derive(Deserialize)]
struct Head {
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct ClaudeAssistant {
    message: Option<ClaudeMessage>,
}

#[derive(Deserialize)]
struct ClaudeMessage {
    id: Option<String>,
    content: Option<Vec<ClaudeBlock>>,
    usage: Option<ClaudeUsage>,
}

#[derive(Deserialize)]
struct ClaudeBlock {
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
    input: Option<CommandInput>,
}

#[derive(Deserialize)]
struct CommandInput {
    command: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ClaudeUsage {
    input_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    output_tokens: Option<u64>,
}

impl ClaudeUsage {
    fn input(&self) -> u64 {
        [
            self.input_tokens,
            self.cache_creation_input_tokens,
            self.cache_read_input_tokens,
        ]
        .into_iter()
        .flatten()
        .fold(0u64, u64::saturating_add)
    }
}

#[derive(Deserialize)]
struct ClaudeResult {
    subtype: Option<String>,
    is_error: Option<bool>,
    usage: Option<ClaudeUsage>,
    total_cost_usd: Option<f64>,
}

#[derive(Deserialize)]
struct CodexEvent {
    #[serde(rename = "type")]
    kind: Option<String>,
    item: Option<CodexItem>,
    usage: Option<CodexUsage>,
}

#[derive(Deserialize)]
struct CodexItem {
    #[serde(rename = "type")]
    kind: Option<String>,
    command: Option<serde_json::Value>,
    server: Option<String>,
    tool: Option<String>,
}

#[derive(Deserialize)]
struct CodexUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct GeminiEvent {
    #[serde(rename = "type")]
    kind: Option<String>,
    tool_name: Option<String>,
    parameters: Option<CommandInput>,
    status: Option<String>,
    stats: Option<GeminiStats>,
}

#[derive(Deserialize)]
struct GeminiStats {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read(format: StreamFormat, lines: &str) -> Activity {
        let mut a = Activity::default();
        for line in lines.lines() {
            a.feed(format, line);
        }
        a
    }

    // Written from the documented shapes: system/init, assistant messages (one event per
    // content block, sharing the message's id and usage), user tool results, the result.
    const CLAUDE: &str = r#"{"type":"system","subtype":"init","cwd":"/wt/s1","session_id":"0b5c","tools":["Bash","Edit","Read","mcp__baton__claim_task"],"mcp_servers":[{"name":"baton","status":"connected"}],"model":"claude-sonnet-4-5","permissionMode":"acceptEdits"}
{"type":"assistant","message":{"id":"msg_01","type":"message","role":"assistant","content":[{"type":"text","text":"Claiming T1 first."}],"usage":{"input_tokens":1200,"cache_creation_input_tokens":300,"cache_read_input_tokens":0,"output_tokens":40}},"session_id":"0b5c"}
{"type":"assistant","message":{"id":"msg_01","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"mcp__baton__claim_task","input":{"id":"T1"}}],"usage":{"input_tokens":1200,"cache_creation_input_tokens":300,"cache_read_input_tokens":0,"output_tokens":40}},"session_id":"0b5c"}
{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"claimed T1 until 12:40"}]},"session_id":"0b5c"}
{"type":"assistant","message":{"id":"msg_02","type":"message","role":"assistant","content":[{"type":"tool_use","id":"toolu_2","name":"Bash","input":{"command":"cargo test\n  --lib parse","description":"Run the parser tests"}}],"usage":{"input_tokens":20,"cache_creation_input_tokens":0,"cache_read_input_tokens":1500,"output_tokens":25}},"session_id":"0b5c"}
{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_2","content":"test result: ok. 12 passed"}]},"session_id":"0b5c"}"#;

    const CLAUDE_RESULT: &str = r#"{"type":"result","subtype":"success","is_error":false,"duration_ms":48211,"num_turns":5,"result":"T1 is done and ticked.","session_id":"0b5c","total_cost_usd":0.0421,"usage":{"input_tokens":1240,"cache_creation_input_tokens":300,"cache_read_input_tokens":3000,"output_tokens":180}}"#;

    #[test]
    fn claude_stream_json_tool_calls_tokens_and_cost() {
        let mut a = read(StreamFormat::ClaudeStreamJson, CLAUDE);
        assert_eq!(a.tool_calls, 2);
        assert_eq!(a.last_tool.as_deref(), Some("Bash: cargo test --lib parse"));
        // msg_01's usage counted once although it came in two events.
        assert_eq!(a.input_tokens, 1500 + 1520);
        assert_eq!(a.output_tokens, 65);
        assert_eq!((a.cost_usd, a.finished), (None, None));

        a.feed(StreamFormat::ClaudeStreamJson, CLAUDE_RESULT);
        assert_eq!(a.finished, Some(false));
        assert_eq!(a.cost_usd, Some(0.0421));
        assert_eq!(
            (a.input_tokens, a.output_tokens),
            (4540, 180),
            "the result's totals win"
        );
        assert_eq!(a.tool_calls, 2);
    }

    #[test]
    fn claude_error_results_are_finished_with_an_error() {
        let a = read(
            StreamFormat::ClaudeStreamJson,
            r#"{"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":30,"total_cost_usd":1.5,"usage":{"input_tokens":10,"output_tokens":2}}"#,
        );
        assert_eq!(a.finished, Some(true));
        let b = read(
            StreamFormat::ClaudeStreamJson,
            r#"{"type":"result","subtype":"error_during_execution"}"#,
        );
        assert_eq!(b.finished, Some(true), "no is_error: the subtype decides");
    }

    // `codex exec --json`: thread/turn events, items started and completed, usage per turn.
    const CODEX: &str = r#"{"type":"thread.started","thread_id":"67e55044-10b1-426f-9247-bb680e5fe0c8"}
{"type":"turn.started"}
{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"Claim the task, then edit."}}
{"type":"item.started","item":{"id":"item_1","type":"mcp_tool_call","server":"baton","tool":"claim_task","arguments":{"id":"T2"},"result":null,"error":null,"status":"in_progress"}}
{"type":"item.completed","item":{"id":"item_1","type":"mcp_tool_call","server":"baton","tool":"claim_task","arguments":{"id":"T2"},"result":{"content":[{"type":"text","text":"claimed"}],"structured_content":null},"error":null,"status":"completed"}}
{"type":"item.completed","item":{"id":"item_2","type":"file_change","changes":[{"path":"src/lib.rs","kind":"update"}],"status":"completed"}}
{"type":"item.started","item":{"id":"item_3","type":"command_execution","command":"bash -lc 'cargo test'","aggregated_output":"","exit_code":null,"status":"in_progress"}}"#;

    #[test]
    fn codex_json_items_and_turn_usage() {
        let mut a = read(StreamFormat::CodexJson, CODEX);
        assert_eq!(a.last_tool.as_deref(), Some("shell: bash -lc 'cargo test'"));
        assert_eq!(
            a.tool_calls, 2,
            "the running command counts when it completes"
        );
        a.feed(
            StreamFormat::CodexJson,
            r#"{"type":"item.completed","item":{"id":"item_3","type":"command_execution","command":"bash -lc 'cargo test'","aggregated_output":"ok\n","exit_code":0,"status":"completed"}}"#,
        );
        assert_eq!(a.tool_calls, 3);
        a.feed(
            StreamFormat::CodexJson,
            r#"{"type":"item.completed","item":{"id":"item_4","type":"agent_message","text":"Done."}}"#,
        );
        assert_eq!(a.tool_calls, 3, "a message is no tool call");
        assert_eq!(a.finished, None);
        a.feed(
            StreamFormat::CodexJson,
            r#"{"type":"turn.completed","usage":{"input_tokens":1200,"cached_input_tokens":200,"output_tokens":345}}"#,
        );
        a.feed(
            StreamFormat::CodexJson,
            r#"{"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":0,"output_tokens":5}}"#,
        );
        assert_eq!((a.input_tokens, a.output_tokens), (1300, 350));
        assert_eq!((a.finished, a.cost_usd), (Some(false), None));
        a.feed(
            StreamFormat::CodexJson,
            r#"{"type":"turn.failed","error":{"message":"stream disconnected"}}"#,
        );
        assert_eq!(a.finished, Some(true));
    }

    #[test]
    fn codex_mcp_calls_are_named_like_claude_s() {
        let a = read(
            StreamFormat::CodexJson,
            CODEX
                .lines()
                .take(5)
                .collect::<Vec<_>>()
                .join("\n")
                .as_str(),
        );
        assert_eq!(a.last_tool.as_deref(), Some("mcp__baton__claim_task"));
        assert_eq!(a.tool_calls, 1);
    }

    // Gemini CLI `-o stream-json`: init, messages, tool_use / tool_result, result with stats.
    const GEMINI: &str = r#"{"type":"init","timestamp":"2025-11-20T10:00:00.000Z","session_id":"c2f1","model":"gemini-2.5-pro"}
{"type":"message","timestamp":"2025-11-20T10:00:01.000Z","role":"user","content":"Do T3."}
{"type":"message","timestamp":"2025-11-20T10:00:02.000Z","role":"assistant","content":"Claiming T3","delta":true}
{"type":"tool_use","timestamp":"2025-11-20T10:00:03.000Z","tool_name":"mcp_baton_claim_task","tool_id":"t-1","parameters":{"id":"T3"}}
{"type":"tool_result","timestamp":"2025-11-20T10:00:04.000Z","tool_id":"t-1","status":"success","output":"claimed"}
{"type":"tool_use","timestamp":"2025-11-20T10:00:05.000Z","tool_name":"run_shell_command","tool_id":"t-2","parameters":{"command":"npm test","description":"tests"}}
{"type":"tool_result","timestamp":"2025-11-20T10:00:09.000Z","tool_id":"t-2","status":"error","error":{"type":"rejected","message":"needs approval"}}
{"type":"result","timestamp":"2025-11-20T10:00:10.000Z","status":"success","stats":{"total_tokens":2650,"input_tokens":2400,"output_tokens":250,"duration_ms":10000,"tool_calls":2}}"#;

    #[test]
    fn gemini_stream_json_tools_and_stats() {
        let a = read(StreamFormat::GeminiStreamJson, GEMINI);
        assert_eq!(a.tool_calls, 2);
        assert_eq!(a.last_tool.as_deref(), Some("run_shell_command: npm test"));
        assert_eq!((a.input_tokens, a.output_tokens), (2400, 250));
        assert_eq!((a.finished, a.cost_usd), (Some(false), None));
        let e = read(
            StreamFormat::GeminiStreamJson,
            r#"{"type":"result","status":"error","error":{"type":"FatalTurnLimitedError","message":"turn limit"},"stats":{"input_tokens":9,"output_tokens":1}}"#,
        );
        assert_eq!(e.finished, Some(true));
    }

    #[test]
    fn the_wrong_format_or_none_reads_nothing() {
        assert_eq!(read(StreamFormat::None, CLAUDE), Activity::default());
        assert_eq!(
            read(StreamFormat::CodexJson, CLAUDE_RESULT),
            Activity::default()
        );
        assert_eq!(
            read(StreamFormat::GeminiStreamJson, CODEX),
            Activity::default()
        );
    }

    #[test]
    fn malformed_lines_are_ignored() {
        let lines = [
            "",
            "Loaded cached credentials.",
            "{",
            "{\"type\":\"assistant\",\"message\":{\"content\":\"just text\"}}",
            "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"name\":7}]}}",
            "{\"type\":\"result\",\"total_cost_usd\":\"a lot\"}",
            "{\"type\":\"result\",\"is_error\":false,\"total_cost_usd\":-3}",
            "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":-5}}",
            "[1,2,3]",
            "{\"type\":42}",
        ];
        for format in StreamFormat::ALL {
            let mut a = Activity::default();
            for line in lines {
                a.feed(format, line);
            }
            assert_eq!(a.tool_calls, 0, "{format:?}");
            assert_eq!(
                a.cost_usd, None,
                "{format:?}: a negative or text cost is no cost"
            );
        }
    }

    #[test]
    fn last_tool_is_one_short_line() {
        let long = "x".repeat(10_000);
        let line = format!(
            r#"{{"type":"assistant","message":{{"id":"m","content":[{{"type":"tool_use","name":"Bash","input":{{"command":"echo a\n\n echo b {long}"}}}}]}}}}"#
        );
        let a = read(StreamFormat::ClaudeStreamJson, &line);
        let tool = a.last_tool.expect("a tool");
        assert!(tool.starts_with("Bash: echo a echo b xxx"), "{tool}");
        assert_eq!(tool.chars().count(), LAST_TOOL_CHARS);
        assert!(tool.ends_with('…'));
        assert!(!tool.contains('\n'));
    }

    #[test]
    fn codex_argv_commands_are_joined() {
        let a = read(
            StreamFormat::CodexJson,
            r#"{"type":"item.started","item":{"id":"i","type":"command_execution","command":["bash","-lc","ls"]}}"#,
        );
        assert_eq!(a.last_tool.as_deref(), Some("shell: bash -lc ls"));
    }

    #[test]
    fn absorb_sums_sessions() {
        let mut total = read(StreamFormat::ClaudeStreamJson, CLAUDE_RESULT);
        total.absorb(&read(StreamFormat::GeminiStreamJson, GEMINI));
        assert_eq!(total.tool_calls, 2);
        assert_eq!(total.input_tokens, 4540 + 2400);
        assert_eq!(total.output_tokens, 430);
        assert_eq!(total.cost_usd, Some(0.0421));
        assert_eq!(total.total_tokens(), 4540 + 2400 + 430);
        let mut none = Activity::default();
        none.absorb(&Activity::default());
        assert_eq!(none.cost_usd, None);
    }

    #[test]
    fn format_names_round_trip() {
        for f in StreamFormat::ALL {
            assert_eq!(StreamFormat::from_name(f.as_str()), Some(f));
        }
        assert_eq!(StreamFormat::from_name("json"), None);
    }

    proptest! {
        #[test]
        fn arbitrary_lines_never_panic(line in "\\PC{0,200}") {
            for format in StreamFormat::ALL {
                Activity::default().feed(format, &line);
            }
        }

        #[test]
        fn json_like_lines_never_panic(
            kind in prop::sample::select(vec!["assistant", "result", "item.started", "item.completed", "turn.completed", "turn.failed", "tool_use", "x"]),
            body in "[\\[\\]{}\":,a-z0-9 .-]{0,80}",
        ) {
            let line = format!("{{\"type\":\"{kind}\",{body}");
            let mut a = Activity::default();
            for format in StreamFormat::ALL {
                a.feed(format, &line);
                a.feed(format, &format!("{line}}}"));
            }
            prop_assert!(a.last_tool.as_ref().is_none_or(|t| t.chars().count() <= LAST_TOOL_CHARS));
        }
    }
}
