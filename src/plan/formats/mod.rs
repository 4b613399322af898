//! Plans as other tools write them: a GSD `PLAN.md` or `ROADMAP.md`, a Taskmaster
//! `tasks.json`, a Backlog.md task folder. Each reader turns its source into the Markdown plan
//! baton already reads (ids, phases, `after:` links, `files:`, checkbox states), with a map
//! from every generated line back to the line of the source it came from, so that findings
//! still point at the real file. Such plans are read-only: baton never writes them back.
//!
//! [`sniff`] says whether a path is one of these sources (reading at most the start of a
//! file); [`load`] reads and converts it. A source that cannot be read as a plan is an error
//! with `file:line`, never a plan of no tasks.

mod backlog;
mod emit;
mod gsd_plan;
mod gsd_roadmap;
mod jsonpos;
mod taskmaster;
mod yaml;

use std::io::Read;
use std::path::{Path, PathBuf};

pub use emit::Converted;

use super::model::{Plan, Span};

/// A plan format baton reads through a conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A GSD plan (`01-02-PLAN.md`): YAML front matter and `<task>` blocks.
    GsdPlan,
    /// A GSD `ROADMAP.md`: the phase checklist and `**Depends on**` lines.
    GsdRoadmap,
    /// A Taskmaster `tasks.json`.
    Taskmaster,
    /// A Backlog.md folder of task files (or one task file).
    Backlog,
}

impl Format {
    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::GsdPlan => "GSD PLAN.md",
            Format::GsdRoadmap => "GSD ROADMAP.md",
            Format::Taskmaster => "Taskmaster tasks.json",
            Format::Backlog => "Backlog.md",
        }
    }

    /// The tool that owns the source, for hints.
    pub fn tool(self) -> &'static str {
        match self {
            Format::GsdPlan | Format::GsdRoadmap => "GSD",
            Format::Taskmaster => "task-master",
            Format::Backlog => "backlog",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The source is of a known format but cannot be read as a plan.
    #[error("{path}:{line}: {message}")]
    Malformed {
        path: PathBuf,
        line: u32,
        message: String,
    },
}

impl FormatError {
    pub(crate) fn at(path: &Path, line: u32, message: impl Into<String>) -> FormatError {
        FormatError::Malformed {
            path: path.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

/// How much of a Markdown file [`sniff`] reads to tell its format: front matter and a
/// roadmap's phase checklist stand near the top.
const SNIFF_LEN: u64 = 64 * 1024;

/// What `path` is, when it is not a plain baton Markdown plan: a directory holding Backlog.md
/// tasks, a `.json` or YAML file, or a Markdown file whose front matter or phase checklist
/// marks it as GSD's or Backlog.md's. `None` for anything else (read as Markdown, as always).
pub fn sniff(path: &Path) -> Option<Sniffed> {
    if path.is_dir() {
        return backlog::is_task_dir(path).then_some(Sniffed::Format(Format::Backlog));
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("json") => return Some(Sniffed::Format(Format::Taskmaster)),
        Some("yaml" | "yml") => return Some(Sniffed::Yaml),
        _ => {}
    }
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(SNIFF_LEN)
        .read_to_end(&mut head)
        .ok()?;
    let text = String::from_utf8_lossy(&head);
    if let Some(Ok((entries, _))) = yaml::front_matter(&text) {
        let has = |k: &str| yaml::get(&entries, k).is_some();
        if name.ends_with("plan.md") && has("phase") && has("plan") {
            return Some(Sniffed::Format(Format::GsdPlan));
        }
        if backlog::is_task_front_matter(&entries) {
            return Some(Sniffed::Format(Format::Backlog));
        }
    }
    if name.contains("roadmap") && gsd_roadmap::has_phase_checklist(&text) {
        return Some(Sniffed::Format(Format::GsdRoadmap));
    }
    None
}

/// What [`sniff`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Format(Format),
    /// A YAML file: no plan format baton reads is YAML.
    Yaml,
}

/// Reads a source [`sniff`] recognised and converts it: the generated Markdown, and the plan
/// parsed from it with every line pointing into the source.
pub fn load(path: &Path, sniffed: Sniffed) -> Result<(Vec<u8>, Plan), FormatError> {
    let converted = match sniffed {
        Sniffed::Yaml => {
            return Err(FormatError::at(
                path,
                1,
                "this YAML file is no plan baton reads (it reads Markdown plans, GSD plans and \
                 roadmaps, Taskmaster's tasks.json and Backlog.md folders)",
            ));
        }
        Sniffed::Format(Format::Backlog) => backlog::convert(path)?,
        Sniffed::Format(format) => {
            let bytes = std::fs::read(path).map_err(|source| FormatError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            let text = String::from_utf8(bytes).map_err(|e| {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
                FormatError::at(path, line, "the file is not valid UTF-8")
            })?;
            match format {
                Format::GsdPlan => gsd_plan::convert(path, &text)?,
                Format::GsdRoadmap => gsd_roadmap::convert(path, &text)?,
                Format::Taskmaster => taskmaster::convert(path, &text)?,
                Format::Backlog => backlog::convert(path)?,
            }
        }
    };
    let bytes = converted.text.into_bytes();
    let mut plan = super::parse(&bytes);
    remap(&mut plan, &converted.lines);
    Ok((bytes, plan))
}

/// Converts `bytes`, the content `path` of a single-file `format` had at some revision (the
/// audit reads the plan at its base commit from git): the plan, lines pointing into that
/// content. A Backlog.md folder is many files and is not read this way (the audit copies the
/// folder out of git and [`load`]s the copy).
pub fn parse_source(path: &Path, format: Format, bytes: &[u8]) -> Result<Plan, FormatError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        FormatError::at(path, line, "the file is not valid UTF-8")
    })?;
    let converted = match format {
        Format::GsdPlan => gsd_plan::convert(path, text)?,
        Format::GsdRoadmap => gsd_roadmap::convert(path, text)?,
        Format::Taskmaster => taskmaster::convert(path, text)?,
        Format::Backlog => {
            return Err(FormatError::at(
                path,
                1,
                "a Backlog.md folder is many files: read it with `load` from a folder",
            ));
        }
    };
    let bytes = converted.text.into_bytes();
    let mut plan = super::parse(&bytes);
    remap(&mut plan, &converted.lines);
    Ok(plan)
}

/// The format of `path` when baton must not write it, for the commands that write.
pub fn read_only_format(path: &Path) -> Option<Format> {
    match sniff(path)? {
        Sniffed::Format(format) => Some(format),
        Sniffed::Yaml => None,
    }
}

/// Points every span of `plan` (parsed from generated text) at the source line the generated
/// line came from.
fn remap(plan: &mut Plan, lines: &[u32]) {
    let fix = |span: &mut Span| {
        if let Some(&line) = (span.line as usize)
            .checked_sub(1)
            .and_then(|i| lines.get(i))
        {
            span.line = line;
            span.col = 1;
        }
    };
    for task in &mut plan.tasks {
        if let Some(span) = task.id_span.as_mut() {
            fix(span);
        }
        fix(&mut task.status_span);
        fix(&mut task.line_span);
        for r in task.deps.iter_mut().chain(task.blocks.iter_mut()) {
            fix(&mut r.span);
        }
        for e in &mut task.extra {
            fix(&mut e.span);
        }
        for a in &mut task.acceptance {
            fix(&mut a.span);
        }
    }
    for phase in &mut plan.phases {
        if let Some(span) = phase.heading_span.as_mut() {
            fix(span);
        }
    }
    if let Some(span) = plan.overview.as_mut().and_then(|o| o.heading_span.as_mut()) {
        fix(span);
    }
    if let Some(log) = plan.decisions.as_mut() {
        fix(&mut log.heading_span);
        for entry in &mut log.entries {
            fix(&mut entry.span);
        }
    }
    for d in &mut plan.diagnostics {
        fix(&mut d.span);
    }
}

#[cfg(test)]
mod tests;
