//! Backlog.md: a `backlog/` folder whose `tasks/` (and `completed/`) hold one Markdown file
//! per task, `back-12 - Title.md`, with YAML front matter (`id`, `title`, `status`, `labels`,
//! `dependencies`, `modified_files`) and `## Acceptance Criteria` / `## Definition of Done`
//! checklists.
//!
//! Every task keeps its id (`BACK-12`); a dependency names a task by its number whatever its
//! prefix or zero padding (`task-355.01` is `BACK-355.1`), as Backlog.md resolves them.
//! Tasks in `completed/` are done. Lines point into each task's own file.

use std::path::{Path, PathBuf};

use super::FormatError;
use super::emit::{Converted, one_line};
use super::yaml::{self, Entry};

/// Whether `dir` is a Backlog.md folder (`backlog/`, with `tasks/`) or a folder of task files.
pub fn is_task_dir(dir: &Path) -> bool {
    let tasks = dir.join("tasks");
    (tasks.is_dir() && (dir.join("config.yml").is_file() || has_task_files(&tasks)))
        || has_task_files(dir)
}

fn has_task_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_str().is_some_and(is_task_file_name))
    })
}

/// `back-12 - Title.md`, `task-4.2 - Title.md`.
fn is_task_file_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".md") else {
        return false;
    };
    let id = stem.split(" - ").next().unwrap_or("");
    id != stem && is_backlog_id(id)
}

/// `BACK-12`, `task-4.2`: letters, a dash, dotted digits.
fn is_backlog_id(id: &str) -> bool {
    let Some((prefix, number)) = id.split_once('-') else {
        return false;
    };
    !prefix.is_empty()
        && prefix.bytes().all(|b| b.is_ascii_alphabetic())
        && !number.is_empty()
        && number
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether front matter is a Backlog.md task's.
pub fn is_task_front_matter(entries: &[Entry]) -> bool {
    let id = yaml::get(entries, "id").and_then(|e| e.value.scalar());
    id.is_some_and(is_backlog_id)
        && yaml::get(entries, "title").is_some()
        && yaml::get(entries, "status").is_some()
}

/// The number of an id, without prefix or zero padding: `task-355.01` → `355.1`.
fn canonical(id: &str) -> Option<String> {
    let (_, number) = id.split_once('-')?;
    let parts: Option<Vec<String>> = number
        .split('.')
        .map(|p| p.parse::<u64>().ok().map(|n| n.to_string()))
        .collect();
    Some(parts?.join("."))
}

/// One task file, read.
struct TaskFile {
    path: PathBuf,
    text: String,
    entries: Vec<Entry>,
    body_line: u32,
    id: String,
    completed: bool,
}

/// The task files to read for `path`: a folder with `tasks/`, a folder of task files, or one
/// task file; `completed/` beside `tasks/` is read too.
fn task_files(path: &Path) -> Vec<(PathBuf, bool)> {
    let mut dirs: Vec<(PathBuf, bool)> = Vec::new();
    if path.is_file() {
        return vec![(path.to_path_buf(), false)];
    }
    if path.join("tasks").is_dir() {
        dirs.push((path.join("tasks"), false));
        dirs.push((path.join("completed"), true));
    } else {
        dirs.push((path.to_path_buf(), path.ends_with("completed")));
        if path.ends_with("tasks")
            && let Some(parent) = path.parent()
        {
            dirs.push((parent.join("completed"), true));
        }
    }
    let mut files = Vec::new();
    for (dir, completed) in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_str().is_some_and(is_task_file_name) {
                files.push((entry.path(), completed));
            }
        }
    }
    files
}

fn read(path: &Path, completed: bool) -> Result<TaskFile, FormatError> {
    let text = std::fs::read_to_string(path).map_err(|source| FormatError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let (entries, body_line) = match yaml::front_matter(&text) {
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
                "a Backlog.md task file starts with YAML front matter (`---`, `id:`, `title:`, `status:`)",
            ));
        }
    };
    let id = yaml::get(&entries, "id")
        .and_then(|e| e.value.scalar())
        .filter(|id| is_backlog_id(id))
        .map(str::to_string)
        .ok_or_else(|| {
            FormatError::at(
                path,
                1,
                "the front matter has no task `id:` such as `BACK-12`",
            )
        })?;
    Ok(TaskFile {
        path: path.to_path_buf(),
        text,
        entries,
        body_line,
        id,
        completed,
    })
}

pub fn convert(path: &Path) -> Result<Converted, FormatError> {
    let mut tasks = Vec::new();
    for (file, completed) in task_files(path) {
        tasks.push(read(&file, completed)?);
    }
    if tasks.is_empty() {
        return Err(FormatError::at(
            path,
            1,
            "no Backlog.md task file (`back-1 - Title.md`) in this folder or its tasks/",
        ));
    }
    let number = |t: &TaskFile| -> Vec<u64> {
        canonical(&t.id)
            .unwrap_or_default()
            .split('.')
            .filter_map(|p| p.parse().ok())
            .collect()
    };
    tasks.sort_by_key(|t| (number(t), t.path.clone()));
    let by_number: Vec<(String, String)> = tasks
        .iter()
        .filter_map(|t| Some((canonical(&t.id)?, t.id.clone())))
        .collect();

    let mut out = Converted::default();
    out.line(1, "# Backlog");
    out.blank(1);
    out.line(1, "## Tasks");
    out.blank(1);
    for task in &tasks {
        emit(&mut out, task, &by_number);
    }
    Ok(out)
}

fn emit(out: &mut Converted, task: &TaskFile, by_number: &[(String, String)]) {
    let get = |k: &str| yaml::get(&task.entries, k);
    let line_of = |k: &str| get(k).map_or(1, |e| e.line);
    let scalar = |k: &str| {
        get(k)
            .and_then(|e| e.value.scalar())
            .unwrap_or("")
            .to_string()
    };
    let list = |k: &str| get(k).map(|e| e.value.items(e.line)).unwrap_or_default();
    let status = scalar("status").to_ascii_lowercase();
    let mark = if task.completed || status == "done" {
        'x'
    } else if status == "in progress" || status == "in-progress" {
        '~'
    } else {
        ' '
    };
    let labels: Vec<String> = list("labels").into_iter().map(|(l, _)| l).collect();
    out.task(line_of("id"), mark, &task.id, &labels, &scalar("title"));
    let deps: Vec<String> = list("dependencies")
        .into_iter()
        .map(|(dep, _)| {
            canonical(&dep)
                .and_then(|n| by_number.iter().find(|(k, _)| *k == n))
                .map_or(dep.clone(), |(_, id)| id.clone())
        })
        .collect();
    out.key(line_of("dependencies"), "after", &deps.join(", "));
    let files: Vec<String> = list("modified_files").into_iter().map(|(f, _)| f).collect();
    out.key(line_of("modified_files"), "files", &files.join(", "));

    // The body: the description's first paragraph, and the checklists.
    let mut section = String::new();
    let mut described = false;
    for (i, line) in task
        .text
        .lines()
        .enumerate()
        .skip(task.body_line as usize - 1)
    {
        let number = i as u32 + 1;
        let t = line.trim();
        if let Some(heading) = t.strip_prefix("## ") {
            section = heading.trim().to_ascii_lowercase();
            continue;
        }
        if t.is_empty() || t.starts_with("<!--") {
            continue;
        }
        match section.as_str() {
            "description" if !described => {
                out.note(number, t);
                described = true;
            }
            "acceptance criteria" | "definition of done" => {
                if let Some(rest) = t.strip_prefix("- [") {
                    let mut chars = rest.chars();
                    if let (Some(m), Some(text)) = (chars.next(), chars.as_str().strip_prefix("] "))
                    {
                        let text = text
                            .strip_prefix('#')
                            .and_then(|r| r.split_once(' '))
                            .filter(|(n, _)| n.bytes().all(|b| b.is_ascii_digit()))
                            .map_or(text, |(_, rest)| rest);
                        let m = if matches!(m, 'x' | 'X') { 'x' } else { ' ' };
                        out.check(number, m, &one_line(text));
                    }
                }
            }
            _ => {}
        }
    }
}
