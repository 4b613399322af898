//! A scripted stand-in for the Gemini API, for Gemini CLI (`GOOGLE_GEMINI_BASE_URL`):
//! `POST /v1beta/models/M:generateContent` and `:streamGenerateContent` (server-sent
//! events). Gemini CLI makes tool-less side requests first (routing, next-speaker checks);
//! those get a plain answer, filled from their JSON schema when they ask for JSON. Requests
//! offering tools are the agent's loop and are answered from the script: an MCP tool is a
//! `functionCall` named `mcp_SERVER_TOOL`, a shell command a `run_shell_command` call.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::standin_http::{Reply, Seen, Server};
use super::{Conversation, Script, StandIn, Step};

pub fn start(script: Script) -> StandIn {
    let server = Server::start(Arc::new(move |seen: &Seen, _n: usize| {
        answer(seen, &script)
    }));
    StandIn {
        server,
        read: conversation,
    }
}

fn is_generate(seen: &Seen) -> bool {
    seen.method == "POST" && seen.path.contains("enerateContent")
}

fn offers_tools(body: &Value) -> bool {
    body.get("tools")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty())
}

fn conversation(seen: &Seen) -> Option<Conversation> {
    if !is_generate(seen) || !offers_tools(&seen.body) {
        return None;
    }
    let mut c = Conversation::default();
    for part in seen.body["systemInstruction"]["parts"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if let Some(text) = part["text"].as_str() {
            c.notes.push(text.to_string());
        }
    }
    for content in seen.body["contents"].as_array().into_iter().flatten() {
        if content["role"] == "model" {
            continue;
        }
        for part in content["parts"].as_array().into_iter().flatten() {
            if let Some(text) = part["text"].as_str() {
                c.notes.push(text.to_string());
            } else if let Some(response) = part.get("functionResponse") {
                let response = &response["response"];
                let text = ["output", "error"]
                    .iter()
                    .find_map(|k| response[*k].as_str())
                    .map_or_else(|| response.to_string(), str::to_string);
                c.results.push(text);
            }
        }
    }
    Some(c)
}

/// A value that fits a (simple) JSON schema: the first enum value, zeros, empty lists.
fn fill(schema: &Value) -> Value {
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    match schema["type"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "object" => {
            let mut out = Map::new();
            for (key, sub) in schema["properties"].as_object().into_iter().flatten() {
                out.insert(key.clone(), fill(sub));
            }
            Value::Object(out)
        }
        "integer" | "number" => json!(10),
        "boolean" => json!(false),
        "array" => json!([]),
        _ => json!("x"),
    }
}

/// The plain answer to a side request.
fn side_answer(body: &Value) -> String {
    let config = &body["generationConfig"];
    let schema = config
        .get("responseJsonSchema")
        .or_else(|| config.get("responseSchema"));
    if schema.is_none() && config["responseMimeType"] != "application/json" {
        return "ok".to_string();
    }
    let mut value = schema.map_or_else(|| json!({}), fill);
    if value.get("next_speaker").is_some() {
        value["next_speaker"] = json!("user");
    }
    value.to_string()
}

fn answer(seen: &Seen, script: &Script) -> Reply {
    if seen.path.contains(":countTokens") {
        return Reply::json(&json!({"totalTokens": 10}));
    }
    if !is_generate(seen) {
        return Reply::json(&json!({}));
    }
    let part = match conversation(seen).map(|c| script(&c)) {
        None => json!({"text": side_answer(&seen.body)}),
        Some(Step::Say(text)) => json!({"text": text}),
        Some(Step::Mcp(tool, args)) => {
            json!({"functionCall": {"name": format!("mcp_baton_{tool}"), "args": args}})
        }
        Some(Step::Shell(command)) => json!({"functionCall": {
            "name": "run_shell_command", "args": {"command": command}}}),
    };
    let response = json!({
        "candidates": [{"content": {"role": "model", "parts": [part]},
                        "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 5,
                          "totalTokenCount": 15},
        "modelVersion": "stand-in",
    });
    if seen.path.contains(":streamGenerateContent") {
        Reply::sse(format!("data: {response}\r\n\r\n"))
    } else {
        Reply::json(&response)
    }
}
