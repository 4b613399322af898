//! Taskmaster's `tasks.json` (`.taskmaster/tasks/tasks.json`, formerly `tasks/tasks.json`):
//! the tagged form `{"master": {"tasks": [...]}}` and the older `{"tasks": [...]}`.
//!
//! Task `3` keeps id `3`; its subtask `2` becomes `3.2`, written after it at the same level,
//! which baton reads as a sub-task of `3`. `dependencies` become `after:` (a subtask's bare
//! number names a sibling, `"3.1"` any subtask), `status` the checkbox, `priority` a label,
//! `description` and `details` the description, `testStrategy` the acceptance text.

use std::path::Path;

use serde_json::Value;

use super::FormatError;
use super::emit::Converted;
use super::jsonpos::{self, Node};

const FORMAT: &str = "Taskmaster tasks.json";

pub fn convert(path: &Path, text: &str) -> Result<Converted, FormatError> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        FormatError::at(
            path,
            e.line().max(1) as u32,
            format!("not valid JSON ({e}); baton reads a {FORMAT} here"),
        )
    })?;
    let lines = jsonpos::walk(text);
    let (tag, others, tasks, task_lines) = pick_tag(path, &root, &lines)?;

    let mut out = Converted::default();
    let title = root
        .get(&tag)
        .and_then(|t| t.get("metadata"))
        .and_then(|m| m.get("description"))
        .and_then(Value::as_str)
        .filter(|d| !d.trim().is_empty())
        .map_or_else(|| "Taskmaster tasks".to_string(), str::to_string);
    out.line(1, &format!("# {}", super::emit::one_line(&title)));
    out.blank(1);
    out.line(1, "## Overview");
    let mut overview = format!("Read from {FORMAT}");
    if !tag.is_empty() {
        overview.push_str(&format!(", tag `{tag}`"));
    }
    if !others.is_empty() {
        overview.push_str(&format!(" (other tags, not read: {})", others.join(", ")));
    }
    overview.push('.');
    out.line(1, &overview);
    out.blank(1);
    out.line(task_lines.line, "## Tasks");
    out.blank(task_lines.line);

    for (i, task) in tasks.iter().enumerate() {
        let node = task_lines.elements.get(i).cloned().unwrap_or_default();
        let id = id_of(task).ok_or_else(|| {
            FormatError::at(path, node.line, format!("task {} has no `id`", i + 1))
        })?;
        emit_task(&mut out, task, &node, &id, None);
        if let Some(subtasks) = task.get("subtasks").and_then(Value::as_array) {
            let sub_lines = node.get("subtasks").cloned().unwrap_or_default();
            for (j, sub) in subtasks.iter().enumerate() {
                let sub_node = sub_lines.elements.get(j).cloned().unwrap_or_default();
                let sub_id = id_of(sub).ok_or_else(|| {
                    FormatError::at(
                        path,
                        sub_node.line,
                        format!("a subtask of task {id} has no `id`"),
                    )
                })?;
                let full = if sub_id.contains('.') {
                    sub_id
                } else {
                    format!("{id}.{sub_id}")
                };
                emit_task(&mut out, sub, &sub_node, &full, Some(&id));
            }
        }
    }
    Ok(out)
}

/// The tag to read (`master`, else the first tag), the other tags, its tasks and their lines.
fn pick_tag(
    path: &Path,
    root: &Value,
    lines: &Node,
) -> Result<(String, Vec<String>, Vec<Value>, Node), FormatError> {
    let Some(object) = root.as_object() else {
        return Err(FormatError::at(
            path,
            lines.line,
            format!("a {FORMAT} is a JSON object with a `tasks` array"),
        ));
    };
    if let Some(tasks) = object.get("tasks") {
        let Some(tasks) = tasks.as_array() else {
            return Err(FormatError::at(
                path,
                lines.line_of("tasks"),
                "`tasks` is not an array",
            ));
        };
        return Ok((
            String::new(),
            Vec::new(),
            tasks.clone(),
            lines.get("tasks").cloned().unwrap_or_default(),
        ));
    }
    let tags: Vec<&String> = object
        .iter()
        .filter(|(_, v)| v.get("tasks").is_some_and(Value::is_array))
        .map(|(k, _)| k)
        .collect();
    let Some(tag) = tags
        .iter()
        .find(|t| t.as_str() == "master")
        .or_else(|| tags.first())
    else {
        return Err(FormatError::at(
            path,
            lines.line,
            format!(
                "no `tasks` array here, neither at the top nor under a tag such as \"master\"; \
                 baton reads a {FORMAT} here"
            ),
        ));
    };
    let others = tags
        .iter()
        .filter(|t| *t != tag)
        .map(|t| t.to_string())
        .collect();
    let tasks = object[tag.as_str()]["tasks"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let node = lines
        .get(tag)
        .and_then(|t| t.get("tasks"))
        .cloned()
        .unwrap_or_default();
    Ok((tag.to_string(), others, tasks, node))
}

/// An id as text: a number, or a string of one.
fn id_of(value: &Value) -> Option<String> {
    match value.get("id")? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

fn mark(status: Option<&str>) -> char {
    match status.map(str::to_ascii_lowercase).as_deref() {
        Some("done" | "completed") => 'x',
        Some("in-progress" | "review") => '~',
        Some("cancelled" | "canceled") => '-',
        _ => ' ',
    }
}

fn emit_task(out: &mut Converted, task: &Value, node: &Node, id: &str, parent: Option<&str>) {
    let text = |k: &str| task.get(k).and_then(Value::as_str).unwrap_or("").trim();
    let mut labels = Vec::new();
    if let Some(priority) = task.get("priority").and_then(Value::as_str) {
        labels.push(priority.to_string());
    }
    let status = task.get("status").and_then(Value::as_str);
    out.task(node.line, mark(status), id, &labels, text("title"));
    let deps: Vec<String> = task
        .get("dependencies")
        .and_then(Value::as_array)
        .map(|deps| {
            deps.iter()
                .filter_map(|d| match (d, parent) {
                    (Value::Number(n), Some(parent)) => Some(format!("{parent}.{n}")),
                    (Value::Number(n), None) => Some(n.to_string()),
                    (Value::String(s), _) if !s.trim().is_empty() => Some(s.trim().to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    out.key(node.line_of("dependencies"), "after", &deps.join(", "));
    out.key(
        node.line_of("testStrategy"),
        "done when",
        text("testStrategy"),
    );
    out.note(node.line_of("description"), text("description"));
    for line in text("details").lines() {
        out.note(node.line_of("details"), line);
    }
}
