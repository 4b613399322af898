//! A GSD plan (`.planning/phases/01-name/01-02-PLAN.md`): YAML front matter (`phase`,
//! `plan`, `wave`, `depends_on`, `files_modified`) and `<task>` blocks with `<name>`,
//! `<files>`, `<verify>`, `<acceptance_criteria>` and `<done>`.
//!
//! Each `<task>` becomes a task `T1`, `T2`, … in one phase, each after the one before it (GSD
//! runs a plan's tasks in order). GSD records a finished plan by writing its
//! `01-02-SUMMARY.md` beside it, so the tasks are done when that file exists.

use std::path::Path;

use super::FormatError;
use super::emit::{Converted, one_line};
use super::yaml;

/// One `<task>` block: its lines and the text of each element.
#[derive(Debug, Default)]
struct Block {
    line: u32,
    kind: String,
    name: Option<(String, u32)>,
    files: Option<(String, u32)>,
    automated: Option<(String, u32)>,
    done: Option<(String, u32)>,
    criteria: Vec<(String, u32)>,
}

pub fn convert(path: &Path, text: &str) -> Result<Converted, FormatError> {
    let (entries, body_line) = match yaml::front_matter(text) {
        Some(Ok(found)) => found,
        Some(Err(line)) => {
            return Err(FormatError::at(
                path,
                line,
                "the front matter is not closed by `---`",
            ));
        }
        None => {
            return Err(FormatError::at(
                path,
                1,
                "a GSD plan starts with YAML front matter",
            ));
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    let blocks = blocks(&lines, body_line as usize - 1);
    if blocks.is_empty() {
        return Err(FormatError::at(
            path,
            body_line,
            "a GSD plan with no <task> block: nothing to read as tasks",
        ));
    }
    let scalar = |k: &str| {
        yaml::get(&entries, k)
            .and_then(|e| e.value.scalar())
            .unwrap_or("")
            .to_string()
    };
    let entry_line = |k: &str| yaml::get(&entries, k).map_or(1, |e| e.line);
    let list = |k: &str| {
        yaml::get(&entries, k)
            .map(|e| e.value.items(e.line))
            .unwrap_or_default()
    };
    let (phase, plan) = (scalar("phase"), scalar("plan"));
    let done = summary_exists(path);

    let mut out = Converted::default();
    let objective = element_text(&lines, "objective");
    let headline = objective
        .as_ref()
        .and_then(|(t, _)| t.lines().find(|l| !l.trim().is_empty()).map(str::to_string))
        .unwrap_or_default();
    out.line(1, &format!("# GSD plan {}-{}", phase_number(&phase), plan));
    out.blank(1);
    out.line(entry_line("phase"), "## Overview");
    out.prose(entry_line("phase"), &format!("Phase {phase}, plan {plan}."));
    if let Some((objective, line)) = &objective {
        for (i, l) in objective.lines().enumerate() {
            out.prose(line + i as u32, l);
        }
    }
    let deps = list("depends_on");
    if !deps.is_empty() {
        let names: Vec<&str> = deps.iter().map(|(d, _)| d.as_str()).collect();
        out.prose(
            entry_line("depends_on"),
            &format!("Depends on plans: {}.", names.join(", ")),
        );
    }
    out.blank(1);
    let wave = scalar("wave");
    let heading = if wave.is_empty() {
        format!("## Plan {plan}: {}", one_line(&headline))
    } else {
        format!("## Wave {wave}: plan {plan}")
    };
    out.line(entry_line("plan"), &heading);
    out.blank(entry_line("plan"));

    let plan_files: Vec<String> = list("files_modified").into_iter().map(|(f, _)| f).collect();
    let mark = if done { 'x' } else { ' ' };
    for (i, block) in blocks.iter().enumerate() {
        let id = format!("T{}", i + 1);
        let (name, _) = block
            .name
            .clone()
            .unwrap_or_else(|| (String::new(), block.line));
        let title = strip_task_number(&name);
        let mut labels = Vec::new();
        if let Some(kind) = block.kind.strip_prefix("checkpoint") {
            labels.push(format!("checkpoint{kind}"));
        }
        out.task(block.line, mark, &id, &labels, title);
        if i > 0 {
            out.key(block.line, "after", &format!("T{i}"));
        }
        match &block.files {
            Some((files, line)) => out.key(*line, "files", files),
            None if !plan_files.is_empty() => {
                out.key(
                    entry_line("files_modified"),
                    "files",
                    &plan_files.join(", "),
                );
            }
            None => {}
        }
        if let Some((command, line)) = &block.automated {
            out.key(
                *line,
                "verify",
                &format!("`{}`", one_line(command).replace('`', "'")),
            );
        }
        if let Some((done_text, line)) = &block.done {
            out.key(*line, "done when", done_text);
        }
        for (criterion, line) in &block.criteria {
            out.check(*line, mark, criterion);
        }
    }
    Ok(out)
}

/// `01-dead-code-removal` → `01`.
fn phase_number(phase: &str) -> &str {
    phase.split('-').next().unwrap_or(phase)
}

/// `Task 1: Remove x` → `Remove x`.
fn strip_task_number(name: &str) -> &str {
    let trimmed = name.trim();
    if let Some(rest) = trimmed.strip_prefix("Task ")
        && let Some((n, title)) = rest.split_once(':')
        && n.trim().chars().all(|c| c.is_ascii_alphanumeric())
    {
        return title.trim();
    }
    trimmed
}

/// The plan's summary, which GSD writes when the plan is finished: `01-02-PLAN.md` →
/// `01-02-SUMMARY.md` in the same folder.
fn summary_exists(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let Some(stem) = name
        .strip_suffix("PLAN.md")
        .or_else(|| name.strip_suffix("plan.md"))
    else {
        return false;
    };
    path.with_file_name(format!("{stem}SUMMARY.md")).is_file()
}

/// The text between `<name>` and `</name>` at the top level of the body (outside fences),
/// with the line where the text starts.
fn element_text(lines: &[&str], name: &str) -> Option<(String, u32)> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let mut fence = false;
    let mut found: Option<(String, u32)> = None;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if is_fence(t) {
            fence = !fence;
        }
        if fence {
            continue;
        }
        if let Some((text, _)) = found.as_mut() {
            if t.starts_with(&close) {
                return found;
            }
            text.push_str(line);
            text.push('\n');
        } else if t.starts_with(&open) {
            found = Some((String::new(), i as u32 + 2));
        }
    }
    None
}

fn is_fence(trimmed: &str) -> bool {
    trimmed.starts_with("```") || trimmed.starts_with("~~~")
}

/// The `<task>` blocks of the body, outside fenced code (lines are 0-based from `from`).
fn blocks(lines: &[&str], from: usize) -> Vec<Block> {
    let mut out = Vec::new();
    let mut fence_in_task = false;
    let mut outer_fence = false;
    let mut current: Option<Block> = None;
    let mut element: Option<(String, String, u32)> = None; // (tag, text, first line)
    for (i, raw) in lines.iter().enumerate().skip(from) {
        let number = i as u32 + 1;
        let t = raw.trim();
        let Some(block) = current.as_mut() else {
            if is_fence(t) {
                outer_fence = !outer_fence;
            } else if !outer_fence && (t.starts_with("<task>") || t.starts_with("<task ")) {
                current = Some(Block {
                    line: number,
                    kind: attribute(t, "type").unwrap_or_default(),
                    ..Block::default()
                });
            }
            continue;
        };
        if is_fence(t) {
            fence_in_task = !fence_in_task;
        }
        if !fence_in_task && t.starts_with("</task>") {
            out.extend(current.take());
            element = None;
            continue;
        }
        if let Some((tag, text, first)) = element.as_mut() {
            let close = format!("</{tag}>");
            if let Some(at) = raw.find(&close) {
                text.push_str(&raw[..at]);
                let (tag, text, first) = (tag.clone(), text.clone(), *first);
                store(block, &tag, &text, first);
                element = None;
            } else {
                text.push_str(raw);
                text.push('\n');
            }
            continue;
        }
        if fence_in_task {
            continue;
        }
        if let Some(rest) = t.strip_prefix('<')
            && let Some(end) = rest.find('>')
            && !rest.starts_with('/')
        {
            let tag = rest[..end]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string();
            let after = &rest[end + 1..];
            let close = format!("</{tag}>");
            if let Some(at) = after.find(&close) {
                store(block, &tag, &after[..at], number);
            } else if !matches!(tag.as_str(), "verify") {
                element = Some((tag, format!("{after}\n"), number));
            }
        }
    }
    out
}

/// Keeps the text of one element of a task block.
fn store(block: &mut Block, tag: &str, text: &str, line: u32) {
    let trimmed = text.trim();
    match tag {
        "name" => block.name = Some((one_line(trimmed), line)),
        "files" => block.files = Some((one_line(trimmed), line)),
        "automated" => block.automated = Some((trimmed.to_string(), line)),
        "done" => block.done = Some((one_line(trimmed), line)),
        "acceptance_criteria" => {
            for (at, l) in (line..).zip(text.lines()) {
                let item = l.trim().trim_start_matches(['-', '*']).trim();
                if !item.is_empty() {
                    block.criteria.push((item.to_string(), at));
                }
            }
        }
        _ => {}
    }
}

/// `type="auto"` → `auto`.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[at..].find('"')?;
    Some(tag[at..at + end].to_string())
}
