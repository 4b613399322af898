//! A scripted stand-in for the OpenAI Responses API over server-sent events, for Codex (a
//! `[model_providers.…]` entry with `wire_api = "responses"`): each `POST …/responses`
//! offering tools is answered from the script with `response.created`, one output item
//! (a `function_call`, or an assistant `message`) and `response.completed`. Codex calls an
//! MCP tool as a `function_call` in the namespace `mcp__SERVER`, and runs shell commands
//! through its `exec_command` function.
//!
//! Compaction: Codex summarises a conversation itself (a model provider of its own) by
//! sending it with its summary request as the last user message ([`SUMMARY_REQUEST`]); the
//! stand-in answers that with [`SUMMARY`] and keeps it out of the agent loop's
//! conversations. Codex compacts on its own once a response's `total_tokens` reach
//! `model_auto_compact_token_limit`: [`start_filling`] reports [`FULL_CONTEXT_TOKENS`] on the
//! answers its predicate picks.

use std::sync::Arc;

use serde_json::{Value, json};

use super::standin_http::{Reply, Seen, Server};
use super::{Conversation, Full, SUMMARY, Script, StandIn, Step};

/// How Codex 0.171's summary request (compaction) begins.
pub const SUMMARY_REQUEST: &str = "You are performing a CONTEXT CHECKPOINT COMPACTION";

/// The total tokens of a response to a context [`start_filling`] calls full; a test sets
/// `model_auto_compact_token_limit` below it.
pub const FULL_CONTEXT_TOKENS: u64 = 90_000;

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

fn is_responses(seen: &Seen) -> bool {
    seen.method == "POST" && seen.path.trim_end_matches('/').ends_with("/responses")
}

fn offers_tools(body: &Value) -> bool {
    body.get("tools")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty())
}

/// The text of a message's or an output's content: a string or a list of text parts.
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

/// Whether the request is Codex's summary request: its last input item is a user message
/// that carries [`SUMMARY_REQUEST`].
fn is_summary_request(body: &Value) -> bool {
    body["input"]
        .as_array()
        .and_then(|items| items.last())
        .is_some_and(|item| {
            item["type"] == "message"
                && item["role"] == "user"
                && text_of(&item["content"]).contains(SUMMARY_REQUEST)
        })
}

fn conversation(seen: &Seen) -> Option<Conversation> {
    if !is_responses(seen) || !offers_tools(&seen.body) || is_summary_request(&seen.body) {
        return None;
    }
    let mut c = Conversation::default();
    if let Some(instructions) = seen.body["instructions"].as_str() {
        c.notes.push(instructions.to_string());
    }
    for item in seen.body["input"].as_array().into_iter().flatten() {
        match item["type"].as_str() {
            Some("function_call_output" | "custom_tool_call_output") => {
                c.results.push(text_of(&item["output"]));
            }
            Some("message") if item["role"] != "assistant" => {
                c.notes.push(text_of(&item["content"]));
            }
            _ => {}
        }
    }
    Some(c)
}

fn answer(seen: &Seen, n: usize, script: &Script, full: &Full) -> Reply {
    if seen.method == "GET" && seen.path.trim_end_matches('/').ends_with("/models") {
        return Reply::json(&json!({"object": "list", "data": [], "models": []}));
    }
    if !is_responses(seen) {
        return Reply::not_found(&seen.path);
    }
    let (step, total_tokens) = match conversation(seen) {
        Some(c) if full(&c) => (script(&c), FULL_CONTEXT_TOKENS),
        Some(c) => (script(&c), 15),
        None if is_summary_request(&seen.body) => (Step::Say(SUMMARY.to_string()), 15),
        None => (Step::Say("Scripted side answer".to_string()), 15),
    };
    let model = seen.body["model"].as_str().unwrap_or("stand-in-model");
    let call = |namespace: Option<&str>, name: &str, args: &Value| {
        let mut item = json!({
            "type": "function_call", "id": format!("fc_{n}"), "call_id": format!("call_{n}"),
            "name": name, "arguments": args.to_string(), "status": "completed",
        });
        if let Some(namespace) = namespace {
            item["namespace"] = json!(namespace);
        }
        item
    };
    let item = match &step {
        Step::Mcp(tool, args) => call(Some("mcp__baton"), tool, args),
        Step::Shell(command) => call(None, "exec_command", &json!({"cmd": command})),
        Step::Say(text) => json!({
            "type": "message", "id": format!("msg_{n}"), "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": text, "annotations": []}],
        }),
    };
    Reply::sse(events(&format!("resp_{n}"), model, &item, total_tokens))
}

/// One response with one output item, as the Responses API streams it.
fn events(id: &str, model: &str, item: &Value, total_tokens: u64) -> String {
    let base = json!({"id": id, "object": "response", "created_at": 0, "model": model,
                      "status": "in_progress", "output": []});
    let mut list = vec![
        ("response.created", json!({"response": base})),
        (
            "response.output_item.added",
            json!({"output_index": 0, "item": item}),
        ),
    ];
    if item["type"] == "function_call" {
        list.push((
            "response.function_call_arguments.done",
            json!({"output_index": 0, "item_id": item["id"], "arguments": item["arguments"]}),
        ));
    } else {
        let text = &item["content"][0]["text"];
        list.push((
            "response.output_text.delta",
            json!({"output_index": 0, "item_id": item["id"], "content_index": 0, "delta": text}),
        ));
        list.push((
            "response.output_text.done",
            json!({"output_index": 0, "item_id": item["id"], "content_index": 0, "text": text}),
        ));
    }
    list.push((
        "response.output_item.done",
        json!({"output_index": 0, "item": item}),
    ));
    let mut done = base.clone();
    done["status"] = json!("completed");
    done["output"] = json!([item]);
    done["usage"] = json!({
        "input_tokens": total_tokens - 5, "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": 5, "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": total_tokens,
    });
    list.push(("response.completed", json!({"response": done})));
    let mut out = String::new();
    for (seq, (kind, mut data)) in list.into_iter().enumerate() {
        data["type"] = json!(kind);
        data["sequence_number"] = json!(seq);
        out.push_str(&format!("event: {kind}\ndata: {data}\n\n"));
    }
    out
}
