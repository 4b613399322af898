//! A scripted stand-in for the Anthropic Messages API, for Claude Code
//! (`ANTHROPIC_BASE_URL`): `POST /v1/messages` answered from the script as a server-sent
//! event stream (`message_start`, one content block, `message_delta`, `message_stop`), or as
//! one JSON message when the request does not stream. Requests without tools (a session
//! title and the like) get a short text; `count_tokens` a fixed count.
//!
//! Compaction: Claude Code summarises a conversation by sending it again with its summary
//! request appended as the last user text ([`SUMMARY_REQUEST`]); the stand-in answers that
//! with [`SUMMARY`] and keeps it out of the agent loop's conversations. Claude Code compacts
//! on its own when a response reports a context near its auto-compact window
//! (`CLAUDE_CODE_AUTO_COMPACT_WINDOW`): [`start_filling`] reports [`FULL_CONTEXT_TOKENS`]
//! input tokens on the answers its predicate picks.

use std::sync::Arc;

use serde_json::{Value, json};

use super::standin_http::{Reply, Seen, Server};
use super::{Conversation, Full, SUMMARY, Script, StandIn, Step};

/// What the stand-in reports as a response's input tokens, unless the context is "full".
const INPUT_TOKENS: u64 = 12;

/// The input tokens of a response to a context [`start_filling`] calls full: above the
/// auto-compact threshold of the smallest window Claude Code accepts (100,000 tokens, less
/// 20,000 for the output and a 13,000 buffer), below the window itself.
pub const FULL_CONTEXT_TOKENS: u64 = 90_000;

/// How Claude Code 2.1's summary request (compaction) begins its task.
pub const SUMMARY_REQUEST: &str = "Your task is to create a detailed summary of";

pub fn start(script: Script) -> StandIn {
    start_filling(script, Arc::new(|_: &Conversation| false))
}

/// A stand-in that reports [`FULL_CONTEXT_TOKENS`] on its answer to every request of the
/// agent loop for which `full` holds.
pub fn start_filling(script: Script, full: Full) -> StandIn {
    let server = Server::start(Arc::new(move |seen: &Seen, n: usize| {
        answer(seen, n, &script, &full)
    }));
    StandIn {
        server,
        read: conversation,
    }
}

fn is_messages(path: &str) -> bool {
    path.starts_with("/v1/messages") && !path.starts_with("/v1/messages/count_tokens")
}

fn offers_tools(body: &Value) -> bool {
    body.get("tools")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty())
}

/// Whether the request is Claude Code's summary request: its last message is the user's
/// and carries [`SUMMARY_REQUEST`].
fn is_summary_request(body: &Value) -> bool {
    let Some(last) = body["messages"].as_array().and_then(|m| m.last()) else {
        return false;
    };
    last["role"] == "user"
        && match &last["content"] {
            Value::String(s) => s.contains(SUMMARY_REQUEST),
            Value::Array(blocks) => blocks.iter().any(|b| {
                b["text"]
                    .as_str()
                    .is_some_and(|t| t.contains(SUMMARY_REQUEST))
            }),
            _ => false,
        }
}

/// The conversation of a request of the agent's loop (a messages request offering tools,
/// not a summary request).
fn conversation(seen: &Seen) -> Option<Conversation> {
    if seen.method != "POST"
        || !is_messages(&seen.path)
        || !offers_tools(&seen.body)
        || is_summary_request(&seen.body)
    {
        return None;
    }
    let mut c = Conversation::default();
    for block in seen.body["system"].as_array().into_iter().flatten() {
        if let Some(text) = block["text"].as_str() {
            c.notes.push(text.to_string());
        }
    }
    for message in seen.body["messages"].as_array().into_iter().flatten() {
        if message["role"] == "assistant" {
            continue;
        }
        match &message["content"] {
            Value::String(s) => c.notes.push(s.clone()),
            Value::Array(blocks) => {
                for block in blocks {
                    if block["type"] == "tool_result" {
                        c.results.push(text_of(&block["content"]));
                    } else if let Some(text) = block["text"].as_str() {
                        c.notes.push(text.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    Some(c)
}

/// A tool result's content as text: a string, or the text parts of a list.
fn text_of(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

fn answer(seen: &Seen, n: usize, script: &Script, full: &Full) -> Reply {
    if seen.method != "POST" {
        return Reply::json(&json!({}));
    }
    if !is_messages(&seen.path) {
        return Reply::json(&json!({"input_tokens": INPUT_TOKENS}));
    }
    let body = &seen.body;
    let (step, input_tokens) = match conversation(seen) {
        Some(c) if full(&c) => (script(&c), FULL_CONTEXT_TOKENS),
        Some(c) => (script(&c), INPUT_TOKENS),
        None if is_summary_request(body) => (Step::Say(SUMMARY.to_string()), INPUT_TOKENS),
        None => (Step::Say("Scripted side answer".to_string()), INPUT_TOKENS),
    };
    let model = body
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or("claude-stand-in");
    let tool_use = |name: String, input: Value| {
        (
            json!({"type": "tool_use", "id": format!("toolu_standin_{n:03}"),
                   "name": name, "input": input}),
            "tool_use",
        )
    };
    let (block, stop_reason) = match step {
        Step::Mcp(tool, args) => tool_use(format!("mcp__baton__{tool}"), args),
        Step::Shell(command) => tool_use(
            "Bash".to_string(),
            json!({"command": command, "description": "scripted step"}),
        ),
        Step::Say(text) => (json!({"type": "text", "text": text}), "end_turn"),
    };
    let message_id = format!("msg_standin_{n:03}");
    if body.get("stream").and_then(Value::as_bool) == Some(true) {
        Reply::sse(events(
            &message_id,
            model,
            &block,
            stop_reason,
            input_tokens,
        ))
    } else {
        Reply::json(&json!({
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [block],
            "stop_reason": stop_reason,
            "stop_sequence": null,
            "usage": {"input_tokens": input_tokens, "output_tokens": 6},
        }))
    }
}

/// The assistant's one content block as a Messages API event stream.
fn events(
    message_id: &str,
    model: &str,
    block: &Value,
    stop_reason: &str,
    input_tokens: u64,
) -> String {
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
            "usage": {"input_tokens": input_tokens, "output_tokens": 1},
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
