//! Ticking and unticking boxes through the locked, lossless editor: either every id is valid
//! and all are written in one atomic replace, or nothing is.
//!
//! On a large plan most of the time would go to parsing, so the checkbox index
//! (`plan::index`) is consulted first; it is used only when it describes the plan's exact
//! bytes and every id is unique in it. Anything else takes the full parse.

use super::error::Error;
use super::project::{Project, find_task};
use crate::plan::index::{CheckboxIndex, Lookup};
use crate::plan::store::{self, Snapshot};
use crate::plan::{Status, edit};
use crate::state::{Backend, ClaimStore};

/// Who ticks, and whether the safety checks are overridden.
#[derive(Debug, Clone, Copy, Default)]
pub struct TickOptions<'a> {
    /// The session ticking (recorded in the history; a task another session holds is
    /// refused unless `force`).
    pub by: Option<&'a str>,
    /// Tick although another session holds the task or its dependencies are open.
    pub force: bool,
}

/// What one run decided.
#[derive(Debug, Default)]
pub struct Outcome {
    pub changed: Vec<String>,
    pub unchanged: Vec<String>,
    /// Ids ticked while some of their dependencies are open.
    pub waiting: Vec<(String, Vec<String>)>,
    /// The plan was written but the claims and history were not (why).
    pub bookkeeping_failed: Option<String>,
}

/// Sets every id's box to `to` in one locked, atomic write (or writes nothing), then
/// records the change; ticking gives up the task's claim. Shared by `baton done`/`undo`
/// and the MCP server; prints nothing.
pub fn set_status(
    file: &Project,
    ids: &[String],
    to: Status,
    options: &TickOptions<'_>,
) -> Result<Outcome, Error> {
    let by = options.by;
    // Dependencies ticked in another worktree count as done (see `Project::load_shared`).
    let mut elsewhere: Vec<String> = Vec::new();
    let state = if file.has_state() {
        Some(file.state()?)
    } else {
        None
    };
    // Claims decided on the git remote are checked (and released) there.
    let remote = match file.claims_settings()?.backend {
        Backend::Git if to == Status::Done => Some(file.claim_store()?),
        _ => None,
    };
    if to == Status::Done
        && !options.force
        && let Some(remote) = &remote
    {
        for id in ids {
            super::claim::refuse_holder(id, remote.claim_of(id)?, by, "finish")?;
        }
    }
    if to == Status::Done
        && let Some(state) = &state
    {
        if !options.force && remote.is_none() {
            for id in ids {
                super::claim::refuse_holder(id, state.claim_of(id)?, by, "finish")?;
            }
        }
        elsewhere = state.ticks()?.into_iter().map(|t| t.0).collect();
    }
    let closed_elsewhere = |outcome: &mut Outcome| {
        for (_, open) in &mut outcome.waiting {
            open.retain(|d| !elsewhere.contains(d));
        }
        outcome.waiting.retain(|(_, open)| !open.is_empty());
    };
    let real = std::fs::canonicalize(&file.path)
        .map_err(|e| Error::input(format!("cannot read {}: {e}", file.shown)))?;

    let index_path = store::index_path(&real);
    let loaded = CheckboxIndex::load(&index_path);
    // The index that describes the bytes the last decision was made on.
    let mut current: Option<Current> = None;
    let updated = store::update(&file.path, |snap| {
        if let Some(index) = loaded.as_ref().filter(|i| i.describes(snap.bytes))
            && let Some(mut result) = with_index(index, snap.bytes, ids, to)
        {
            current = Some(Current::Loaded);
            closed_elsewhere(&mut result.1);
            refuse_waiting(&result.1, options.force)?;
            return Ok::<_, Error>(result);
        }
        let mut result = with_parse(snap, file, ids, to)?;
        closed_elsewhere(&mut result.1);
        refuse_waiting(&result.1, options.force)?;
        current = Some(Current::Rebuilt(CheckboxIndex::from_plan(
            snap.plan(),
            snap.bytes,
        )));
        Ok(result)
    })?;
    // Ticks replace one byte with one byte, so the index stays true once re-keyed. Save it
    // while the plan is still locked; failing to costs the next run a parse, nothing more.
    match (current, loaded) {
        (Some(Current::Rebuilt(mut index)), _) => {
            index.rekey(&updated.bytes);
            let _ = index.save(&index_path);
        }
        (Some(Current::Loaded), Some(mut index)) if updated.wrote => {
            index.rekey(&updated.bytes);
            let _ = index.save_header(&index_path);
        }
        _ => {}
    }
    let mut outcome = updated.into_value();
    if !outcome.changed.is_empty() {
        // The tick is written; claims and history are bookkeeping and must not undo it.
        if let Err(err) = record(file, state, remote.as_deref(), &outcome.changed, to, by) {
            outcome.bookkeeping_failed = Some(err.message);
        }
    }
    Ok(outcome)
}

/// Ticking a task whose dependencies are open is refused (nothing is written), naming them,
/// unless forced.
fn refuse_waiting(outcome: &Outcome, force: bool) -> Result<(), Error> {
    if force || outcome.waiting.is_empty() {
        return Ok(());
    }
    let parts: Vec<String> = outcome
        .waiting
        .iter()
        .map(|(id, open)| format!("{id} waits for {}", open.join(", ")))
        .collect();
    let ids: Vec<&str> = outcome.waiting.iter().map(|(id, _)| id.as_str()).collect();
    Err(Error::conflict(format!(
        "{}, not done yet; nothing was ticked",
        parts.join("; ")
    ))
    .with_hint("finish the dependencies first; --force ticks anyway")
    .with_details(serde_json::json!({ "waiting": ids })))
}

/// Which checkbox index describes the bytes a decision was made on.
enum Current {
    /// The one loaded from disk (used in place: it is some 800 KB on a 10k-task plan).
    Loaded,
    /// One built from a parse, because there was none or it did not match.
    Rebuilt(CheckboxIndex),
}

/// The edits, from the index alone; `None` when the index cannot answer for every id.
fn with_index(
    index: &CheckboxIndex,
    bytes: &[u8],
    ids: &[String],
    to: Status,
) -> Option<(Vec<edit::Edit>, Outcome)> {
    let upper = index.prefers_upper_x(bytes);
    let mut outcome = Outcome::default();
    let mut edits: Vec<edit::Edit> = Vec::new();
    for id in ids {
        let Lookup::One(entry) = index.lookup(id) else {
            return None;
        };
        let status = index.status_in(&entry, bytes)?;
        if status == to || edits.iter().any(|e| e.range.start == entry.mark_at) {
            outcome.unchanged.push(id.clone());
        } else {
            let mark = edit::mark_for(to, upper);
            edits.push(edit::Edit {
                range: entry.mark_at..entry.mark_at + 1,
                text: vec![mark],
            });
            outcome.changed.push(id.clone());
        }
        if to == Status::Done {
            let open: Vec<String> = entry
                .deps()
                .filter(|d| !ids.iter().any(|id| id == d))
                .filter(|d| {
                    index
                        .first(d)
                        .and_then(|e| index.status_in(&e, bytes))
                        .is_some_and(|s| !s.is_closed())
                })
                .map(str::to_string)
                .collect();
            if !open.is_empty() {
                outcome.waiting.push((id.clone(), open));
            }
        }
    }
    Some((edits, outcome))
}

/// The edits, from a full parse (and the errors, with hints, for unknown or duplicate ids).
fn with_parse(
    snap: &Snapshot<'_>,
    file: &Project,
    ids: &[String],
    to: Status,
) -> Result<(Vec<edit::Edit>, Outcome), Error> {
    let plan = snap.plan();
    let mut outcome = Outcome::default();
    let mut edits: Vec<edit::Edit> = Vec::new();
    for id in ids {
        let task = find_task(plan, file, id)?;
        match edit::set_status(plan, task, to) {
            Some(e) if !edits.iter().any(|x| x.range == e.range) => {
                edits.push(e);
                outcome.changed.push(id.clone());
            }
            _ => outcome.unchanged.push(id.clone()),
        }
        if to == Status::Done {
            let open: Vec<String> = task
                .deps
                .iter()
                .filter(|d| plan.task(&d.id).is_some_and(|t| !t.status.is_closed()))
                .map(|d| d.id.clone())
                .filter(|d| !ids.contains(d))
                .collect();
            if !open.is_empty() {
                outcome.waiting.push((id.clone(), open));
            }
        }
    }
    Ok((edits, outcome))
}

fn record(
    file: &Project,
    state: Option<crate::state::StateStore>,
    remote: Option<&dyn ClaimStore>,
    ids: &[String],
    to: Status,
    by: Option<&str>,
) -> Result<(), Error> {
    let action = if to == Status::Done { "done" } else { "undo" };
    let state = match state {
        Some(state) => state,
        None => file.state()?,
    };
    state.record_status(ids, action, by, to == Status::Done)?;
    if let Some(remote) = remote {
        for id in ids {
            remote.release(id)?;
        }
    }
    Ok(())
}
