//! Filing work found mid-session: a new task in the right phase, with the next id of the
//! plan's scheme and where it was discovered, written under the plan lock by one insertion
//! that moves no existing byte, and only if the plan stays as lint-clean as it was. Shared by
//! `baton add` and the MCP `add_task` tool; prints nothing.

use serde::Serialize;

use super::error::Error;
use super::project::{Project, find_task};
use crate::plan::insert::{self, InsertError, NewTask};
use crate::plan::{Diagnostic, edit, store};

/// What to file.
#[derive(Debug, Clone, Default)]
pub struct AddRequest {
    pub title: String,
    /// A phase by its number (`2`, `2.1`), position or name; default: the phase of
    /// `discovered_from`, else the current phase.
    pub phase: Option<String>,
    /// Globs of the files the task may write.
    pub files: Vec<String>,
    /// Ids of the tasks it waits for.
    pub after: Vec<String>,
    /// Commands that prove it works (recorded, never run here).
    pub verify: Vec<String>,
    /// The task whose work turned this one up.
    pub discovered_from: Option<String>,
    /// The session filing it, for the history.
    pub by: Option<String>,
}

/// The task as filed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Added {
    /// The new task's id.
    pub id: String,
    pub title: String,
    /// The phase it joined: its position, 1-based.
    pub phase: u32,
    pub phase_title: String,
    /// The line of the new task in the plan.
    pub line: u32,
    pub discovered_from: Option<String>,
    /// The plan was written but the history was not (why).
    #[serde(skip)]
    #[schemars(skip)]
    pub bookkeeping_failed: Option<String>,
}

/// Files a new task into the plan (see docs/add.md for the rules), in one locked, atomic
/// write; a request that would make the plan read differently or add a lint finding is
/// refused, nothing written.
pub fn add_task(project: &Project, request: &AddRequest) -> Result<Added, Error> {
    let request = Clean::from(request)?;
    let updated = store::update(&project.path, |snap| {
        let plan = snap.plan();
        let from = match &request.discovered_from {
            Some(id) => Some(find_task(plan, project, id)?),
            None => None,
        };
        let phase = match &request.phase {
            Some(wanted) => insert::find_phase(plan, wanted),
            None => insert::default_phase(plan, from),
        }
        .map_err(|e| refusal(project, plan, e))?;
        let id = insert::next_id(plan, phase);
        let new = NewTask {
            title: &request.title,
            after: &request.after,
            files: &request.files,
            verify: &request.verify,
            discovered_from: request.discovered_from.as_deref(),
        };
        let insertion = insert::insert(plan, snap.bytes, phase, &id, &new)
            .map_err(|e| refusal(project, plan, e))?;
        let bytes = edit::apply(snap.bytes, std::slice::from_ref(&insertion.edit))
            .map_err(|e| Error::internal(e.to_string()))?;
        let after = crate::plan::parse(&bytes);
        let inserted =
            insertion.edit.range.start..insertion.edit.range.start + insertion.edit.text.len();
        if let Some(finding) = new_finding(
            &crate::lint::lint(plan),
            &crate::lint::lint(&after),
            &inserted,
        ) {
            return Err(lint_refusal(project, &id, &finding));
        }
        let line = after.task(&id).map_or(0, |t| t.line_span.line);
        let added = Added {
            id: id.clone(),
            title: request.title.clone(),
            phase: (phase + 1) as u32,
            phase_title: plan.phases[phase].title.clone(),
            line,
            discovered_from: request.discovered_from.clone(),
            bookkeeping_failed: None,
        };
        Ok::<_, Error>((vec![insertion.edit], added))
    })?;
    let mut added = updated.into_value();
    if request.by.is_some() || project.has_state() {
        let recorded = project.state().and_then(|state| {
            state
                .record(
                    Some(&added.id),
                    "add",
                    request.by.as_deref(),
                    added
                        .discovered_from
                        .as_ref()
                        .map(|from| format!("discovered from {from}"))
                        .as_deref(),
                )
                .map_err(Error::from)
        });
        if let Err(err) = recorded {
            added.bookkeeping_failed = Some(err.message);
        }
    }
    Ok(added)
}

/// The request with every value on one line, trimmed, and the checks that need no plan done.
struct Clean {
    title: String,
    phase: Option<String>,
    files: Vec<String>,
    after: Vec<String>,
    verify: Vec<String>,
    discovered_from: Option<String>,
    by: Option<String>,
}

impl Clean {
    fn from(request: &AddRequest) -> Result<Clean, Error> {
        let title = request.title.replace(['\r', '\n'], " ").trim().to_string();
        if title.is_empty() {
            return Err(Error::usage("the task title is empty"));
        }
        let one_line = |what: &str, value: &str| -> Result<String, Error> {
            if value.contains(['\r', '\n']) {
                return Err(Error::usage(format!(
                    "a {what} must be one line: {value:?}"
                )));
            }
            Ok(value.trim().to_string())
        };
        let mut files = Vec::new();
        for glob in &request.files {
            let glob = one_line("glob", glob)?;
            if glob.is_empty() {
                continue;
            }
            if let Err(err) = globset::GlobBuilder::new(&glob)
                .literal_separator(true)
                .build()
            {
                return Err(Error::input(format!("bad glob `{glob}`: {}", err.kind()))
                    .with_hint("`*` matches within a directory, `**` across directories"));
            }
            files.push(glob);
        }
        let mut after = Vec::new();
        for value in &request.after {
            let value = one_line("dependency", value)?;
            let (ids, unread) = crate::plan::keys::parse_id_list(&value);
            if unread > 0 {
                return Err(Error::input(format!("`{value}` is not a task id"))
                    .with_hint("`baton list` shows every task and its id"));
            }
            for id in ids {
                if !after.contains(&id) {
                    after.push(id);
                }
            }
        }
        let mut verify = Vec::new();
        for command in &request.verify {
            let command = one_line("verify command", command)?;
            if !command.is_empty() {
                verify.push(command);
            }
        }
        let trimmed = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Ok(Clean {
            title,
            phase: trimmed(&request.phase),
            files,
            after,
            verify,
            discovered_from: trimmed(&request.discovered_from),
            by: trimmed(&request.by),
        })
    }
}

/// A finding the new plan has that the old one did not: one more of some code than before,
/// preferring a finding on the inserted lines.
fn new_finding(
    before: &[Diagnostic],
    after: &[Diagnostic],
    inserted: &std::ops::Range<usize>,
) -> Option<Diagnostic> {
    let counts = |list: &[Diagnostic]| {
        let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for d in list {
            *counts.entry(d.code).or_default() += 1;
        }
        counts
    };
    let (was, now) = (counts(before), counts(after));
    let grown: Vec<&Diagnostic> = after
        .iter()
        .filter(|d| now.get(d.code) > was.get(d.code))
        .collect();
    grown
        .iter()
        .find(|d| inserted.contains(&d.span.start))
        .or(grown.first())
        .map(|d| (*d).clone())
}

fn lint_refusal(project: &Project, id: &str, finding: &Diagnostic) -> Error {
    let mut err = Error::input(format!(
        "{}: the new task {id} would add a lint finding, {} {}: {}; nothing was written",
        project.shown, finding.code, finding.name, finding.message
    ))
    .with_details(serde_json::json!({
        "code": finding.code,
        "name": finding.name,
        "message": finding.message,
    }));
    if let Some(hint) = &finding.hint {
        err = err.with_hint(hint.clone());
    }
    err
}

fn refusal(project: &Project, plan: &crate::plan::Plan, err: InsertError) -> Error {
    let phases = || {
        plan.phases
            .iter()
            .map(|p| format!("{} \"{}\"", p.index + 1, p.title))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match err {
        InsertError::NoPhase => Error::input(format!("{}: {err}", project.shown))
            .with_hint("write the first task under a phase heading by hand, then `baton add`"),
        InsertError::UnknownPhase(_) => Error::input(format!("{}: {err}", project.shown))
            .with_hint(format!("the phases are: {}", phases())),
        InsertError::AmbiguousPhase(..) => Error::input(format!("{}: {err}", project.shown))
            .with_hint("name the phase by its number"),
        InsertError::NoSafePlace(line) => Error::input(format!("{}:{line}: {err}", project.shown))
            .with_hint(
                "the last task of the phase ends in a way baton cannot follow (an open code \
                 block, an unusual indentation); add the task by hand; nothing was written",
            ),
    }
}
