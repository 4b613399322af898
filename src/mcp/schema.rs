//! The tools' JSON Schemas, made to hold for every result and readable by every client.
//!
//! Two things the derived schemas get wrong for real clients:
//!
//! - A tool error is a result too (`isError: true`), and its `structuredContent` is
//!   `{"error": {kind, message, hint, …}}`. Gemini CLI's MCP client validates structured
//!   content against the tool's `outputSchema` even on errors and replaces a mismatch with
//!   `-32602`, so the model would lose the evidence, the holder and the hint. Every output
//!   schema therefore accepts either the tool's result or that error object
//!   ([`with_error`]); the root stays `"type": "object"` as clients before 2026-07-28 need.
//! - schemars writes Rust-specific `format`s (`uint32`, `uint`, `double`, …) that no
//!   client knows; Gemini warns once for each. [`strip_formats`] removes them; the `minimum`
//!   schemars writes beside them keeps what matters (no negative numbers).

use std::sync::Arc;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::JsonObject;
use serde_json::{Value, json};

use super::BatonServer;

/// Rewrites every tool's input and output schema in place.
pub(super) fn portable(router: &mut ToolRouter<BatonServer>) {
    for route in router.map.values_mut() {
        let mut input = Value::Object(route.attr.input_schema.as_ref().clone());
        strip_formats(&mut input);
        if let Value::Object(input) = input {
            route.attr.input_schema = Arc::new(input);
        }
        if let Some(output) = route.attr.output_schema.take() {
            let mut output = Value::Object(output.as_ref().clone());
            strip_formats(&mut output);
            if let Value::Object(output) = output {
                route.attr.output_schema = Some(Arc::new(with_error(output)));
            }
        }
    }
}

/// Removes every `format` keyword (a string value; a property that happens to be named
/// `format` has a schema, an object, as its value and stays).
pub(super) fn strip_formats(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.get("format").is_some_and(Value::is_string) {
                map.remove("format");
            }
            map.values_mut().for_each(strip_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_formats),
        _ => {}
    }
}

/// A result schema that also admits the error object: the tool's own properties plus an
/// optional `error`, and `anyOf` either the tool's required fields or `error`.
pub(super) fn with_error(mut schema: JsonObject) -> JsonObject {
    let required = schema.remove("required").unwrap_or_else(|| json!([]));
    match schema.get_mut("properties") {
        Some(Value::Object(properties)) => {
            properties.insert("error".to_string(), error_schema());
        }
        _ => {
            schema.insert("properties".to_string(), json!({ "error": error_schema() }));
        }
    }
    let either = json!([{ "required": required }, { "required": ["error"] }]);
    match schema.remove("anyOf") {
        // Not the case for baton's views; kept correct should a view ever have one.
        Some(existing) => {
            schema.insert(
                "allOf".to_string(),
                json!([{ "anyOf": existing }, { "anyOf": either }]),
            );
        }
        None => {
            schema.insert("anyOf".to_string(), either);
        }
    }
    schema.insert("type".to_string(), json!("object"));
    schema
}

/// The `error` object of a tool error (`ToolError`): kind, message and hint always; the
/// details depend on the failure and are described, not constrained.
fn error_schema() -> Value {
    json!({
        "type": "object",
        "description": "Only when the call failed (isError): what went wrong and what to do. \
            The same text is in the result's content.",
        "properties": {
            "kind": {
                "type": "string",
                "enum": ["invalid-argument", "bad-input", "conflict", "busy", "internal", "interrupted"],
                "description": "The class of failure, as the command line's exit codes 2, 3, 4, 5, 70 (docs/exit-codes.md)"
            },
            "message": { "type": "string" },
            "hint": {
                "type": ["string", "null"],
                "description": "What to do about it"
            },
            "holder": { "description": "The session holding the task (conflicts)" },
            "since": { "description": "When the holder claimed it" },
            "task": { "description": "The task whose claim overlaps (conflicts over files)" },
            "patterns": { "description": "The overlapping `files:` patterns" },
            "waiting": { "description": "Tasks whose dependencies are still open" },
            "verification": { "description": "The failing verification: verdict and evidence (complete_task)" },
            "audit": { "description": "The scope audit's report (complete_task)" },
            "problems": { "description": "The plan's lint errors at file:line:col" }
        },
        "required": ["kind", "message"]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_go_and_properties_named_format_stay() {
        let mut schema = json!({
            "type": "object",
            "properties": {
                "n": { "type": "integer", "format": "uint32", "minimum": 0 },
                "format": { "type": "string" },
                "xs": { "type": "array", "items": { "type": "number", "format": "double" } }
            },
            "$defs": { "A": { "anyOf": [{ "type": "integer", "format": "int64" }] } }
        });
        strip_formats(&mut schema);
        assert!(!schema.to_string().contains("uint32"), "{schema}");
        assert!(!schema.to_string().contains("double"), "{schema}");
        assert!(!schema.to_string().contains("int64"), "{schema}");
        assert_eq!(schema["properties"]["format"], json!({ "type": "string" }));
        assert_eq!(schema["properties"]["n"]["minimum"], 0);
    }

    #[test]
    fn the_error_object_joins_the_result_schema() {
        let Value::Object(schema) = json!({
            "type": "object",
            "properties": { "id": { "type": "string" } },
            "required": ["id"]
        }) else {
            unreachable!()
        };
        let schema = Value::Object(with_error(schema));
        assert_eq!(schema["type"], "object");
        assert!(schema.get("required").is_none());
        assert_eq!(
            schema["anyOf"],
            json!([{ "required": ["id"] }, { "required": ["error"] }])
        );
        assert_eq!(
            schema["properties"]["error"]["required"],
            json!(["kind", "message"])
        );
    }
}
