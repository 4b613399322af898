//! Claims: one session per task, decided atomically by the claims backend
//! ([`crate::state::ClaimStore`]: the state database every worktree shares, or the team's git
//! remote) so that sessions elsewhere see it. `baton claim`/`release` and the MCP tools call
//! these.

use std::time::Duration;

use super::error::{Error, Kind};
use super::project::{Project, by_task, find_task, readiness_given};
use crate::graph::Readiness;
use crate::graph::ready_index::ReadyIndex;
use crate::graph::scope::{self, Pattern};
use crate::plan::Plan;
use crate::state::{Backend, Claim, ClaimOutcome, ClaimStore, Lease};

/// How long a claim holds unless renewed, when the caller does not say.
pub const DEFAULT_TTL: Duration = Duration::from_secs(2 * 3600);

/// What a claim attempt found.
#[derive(Debug)]
pub enum Claimed {
    /// The claim is now this session's.
    New,
    /// Another session's lease had run out; the task is now this session's. The stale claim.
    TakenOver(Claim),
    /// This session held it already; its lease is renewed.
    AlreadyYours(Claim),
    /// Another session holds it.
    HeldBy(Claim),
}

/// A claim request.
#[derive(Debug, Clone, Copy)]
pub struct ClaimRequest<'a> {
    pub id: &'a str,
    pub by: &'a str,
    /// Claim even if the task is not ready or its scope overlaps another live claim's.
    pub force: bool,
    /// How long the claim holds unless renewed.
    pub ttl: Duration,
}

/// Claims a task of `plan` (as loaded from `project`) after checking that it is ready and
/// that its file scope overlaps no other live claim's (unless `force`). The overlap check
/// runs inside the claim's own transaction, so of two sessions claiming overlapping tasks at
/// once exactly one wins. Shared by `baton claim` and the MCP server; prints nothing.
pub fn claim_task(project: &Project, plan: &Plan, req: ClaimRequest<'_>) -> Result<Claimed, Error> {
    project.check_writable()?;
    let id = req.id;
    let task = find_task(plan, project, id)?;
    let store = project.claim_store()?;
    if !req.force {
        // The git backend fetches the claims here, once: the claim below decides on them.
        let (_, readiness) = readiness_given(plan, by_task(store.claims()?));
        let not_ready = |why: String| {
            Error::new(Kind::Conflict, format!("{id} is not ready: {why}"))
                .with_hint("`baton next` lists ready tasks; --force claims anyway")
        };
        match &readiness[task.index] {
            Readiness::Closed => {
                return Err(Error::new(
                    Kind::Conflict,
                    format!("{id} is already {}", task.status.as_str()),
                ));
            }
            Readiness::Waiting(deps) => {
                let ids: Vec<String> = deps.iter().map(|&d| plan.tasks[d].display_id()).collect();
                return Err(not_ready(format!("it waits for {}", ids.join(", "))));
            }
            Readiness::Unresolved(named) => {
                return Err(not_ready(format!(
                    "it waits for `{}`, which names no task (`baton lint` shows where)",
                    named.escape_debug()
                )));
            }
            Readiness::LaterPhase(current) => {
                return Err(not_ready(format!(
                    "phase {} \"{}\" is not finished",
                    current + 1,
                    plan.phases[*current].title
                )));
            }
            _ => {}
        }
    }
    let mine = scope::task_patterns(task);
    let claimed = take(store.as_ref(), req, &mine, &|other: &str| {
        plan.task(other)
            .map(scope::task_patterns)
            .unwrap_or_default()
    })?;
    save_ready_index(project, plan);
    Ok(claimed)
}

/// Claims a task without parsing the plan, through the readiness index
/// ([`crate::graph::ready_index`]): Some when the index describes the plan and says the task
/// is ready, None when the caller must take the full path ([`claim_task`]), which also words
/// every refusal.
pub fn claim_fast(project: &Project, req: ClaimRequest<'_>) -> Result<Option<Claimed>, Error> {
    let Ok(bytes) = std::fs::read(&project.path) else {
        return Ok(None);
    };
    let Some(index) = ready_index_path(project).and_then(|p| ReadyIndex::load(&p)) else {
        return Ok(None);
    };
    if !index.describes(&bytes) {
        return Ok(None);
    }
    let store = project.claim_store()?;
    let now = crate::state::now_rfc3339();
    let held: std::collections::HashSet<String> = store
        .claims()?
        .into_iter()
        .filter(|c| c.is_live(&now))
        .map(|c| c.task_id)
        .collect();
    let ticked: std::collections::HashSet<String> = if project.has_state() {
        project.state()?.ticks()?.into_iter().map(|t| t.0).collect()
    } else {
        std::collections::HashSet::new()
    };
    let Some(found) = index.claimable(
        &bytes,
        req.id,
        &|id: &str| ticked.contains(id),
        &|id: &str| held.contains(id),
    ) else {
        return Ok(None);
    };
    let mine = scope::patterns_of(&found.files);
    let claimed = take(store.as_ref(), req, &mine, &|other: &str| {
        index
            .files_of(other)
            .map(|files| scope::patterns_of(&files))
            .unwrap_or_default()
    })?;
    Ok(Some(claimed))
}

/// Where the readiness index of the project's plan lives (beside the checkbox index).
fn ready_index_path(project: &Project) -> Option<std::path::PathBuf> {
    let real = std::fs::canonicalize(&project.path).ok()?;
    Some(crate::plan::store::index_path(&real).with_extension("ready"))
}

/// Saves the readiness index of `plan` for the next claim, when it is missing or stale (best
/// effort: failing costs the next claim a parse).
fn save_ready_index(project: &Project, plan: &Plan) {
    let Some(path) = ready_index_path(project) else {
        return;
    };
    let Ok(bytes) = std::fs::read(&project.path) else {
        return;
    };
    if ReadyIndex::load(&path).is_some_and(|i| i.describes(&bytes)) {
        return;
    }
    // Only for the very bytes `plan` was parsed from: load_shared may have changed statuses,
    // which the index never stores, so any parse of these bytes serves.
    let fresh = crate::plan::parse(&bytes);
    if fresh.tasks.len() != plan.tasks.len() {
        return;
    }
    if let Some(index) = ReadyIndex::build(&fresh, &crate::graph::Dag::build(&fresh), &bytes) {
        let _ = index.save(&path);
    }
}

/// Takes the claim through the claims backend, with the file-overlap check inside its
/// decision (the local store: inside its transaction), and records it.
fn take(
    store: &dyn ClaimStore,
    req: ClaimRequest<'_>,
    mine: &[Pattern],
    theirs: &dyn Fn(&str) -> Vec<Pattern>,
) -> Result<Claimed, Error> {
    let id = req.id;
    let lease = Lease::from_now(req.ttl);
    let mut refusal = None;
    let outcome = store.claim_checked(id, req.by, &lease, &mut |others| {
        if req.force || mine.is_empty() {
            return true;
        }
        refusal = overlap(mine, others, theirs);
        refusal.is_none()
    })?;
    let Some(outcome) = outcome else {
        return Err(match refusal {
            Some(found) => found.into_error(id),
            None => Error::internal(format!("the claim of {id} was refused without a reason")),
        });
    };
    Ok(match outcome {
        // `claim_checked` wrote the history line in the claim's transaction.
        ClaimOutcome::Claimed => Claimed::New,
        ClaimOutcome::TakenOver(was) => Claimed::TakenOver(was),
        ClaimOutcome::AlreadyYours(c) => Claimed::AlreadyYours(c),
        ClaimOutcome::HeldBy(c) => Claimed::HeldBy(c),
    })
}

/// A live claim whose task's scope overlaps the claimed task's.
#[derive(Debug)]
struct Overlap {
    holder: Claim,
    /// This task's pattern and the holder's that can name a common path.
    mine: String,
    theirs: String,
}

impl Overlap {
    fn into_error(self, id: &str) -> Error {
        Error::conflict(format!(
            "{id} may write files that {} holds through {}: `{}` overlaps `{}`",
            self.holder.owner, self.holder.task_id, self.mine, self.theirs
        ))
        .with_hint(
            "pick a task whose files are free (`baton next`), wait for the holder to finish, \
             or --force to claim it anyway",
        )
        .with_details(serde_json::json!({
            "holder": self.holder.owner,
            "task": self.holder.task_id,
            "patterns": [self.mine, self.theirs],
        }))
    }
}

/// The first live claim (of another task) whose scope overlaps `mine`, by the same sound
/// glob overlap `analyze` uses. A claimed task with no scope reserves no files.
fn overlap(
    mine: &[Pattern],
    others: &[Claim],
    patterns_of: &dyn Fn(&str) -> Vec<Pattern>,
) -> Option<Overlap> {
    for claim in others {
        for theirs in patterns_of(&claim.task_id) {
            if let Some(p) = mine.iter().find(|p| scope::overlaps(p, &theirs)) {
                return Some(Overlap {
                    holder: claim.clone(),
                    mine: p.text.clone(),
                    theirs: theirs.text,
                });
            }
        }
    }
    None
}

/// Renews `by`'s leases, on `id` only or on every task it holds; returns the claims renewed.
pub fn renew(
    project: &Project,
    by: &str,
    id: Option<&str>,
    ttl: Duration,
) -> Result<Vec<Claim>, Error> {
    let settings = project.claims_settings()?;
    if settings.backend == Backend::Local && !project.has_state() {
        return Ok(Vec::new());
    }
    Ok(project
        .claim_store()?
        .renew(by, id, &Lease::from_now(ttl))?)
}

/// The error for a task another session holds: it names the holder.
pub fn held_by(id: &str, claim: &Claim) -> Error {
    Error::new(
        Kind::Conflict,
        format!(
            "{id} is already claimed by {} (since {})",
            claim.owner, claim.claimed_at
        ),
    )
    .with_hint("pick another task with `baton next`")
}

/// What a release found.
#[derive(Debug)]
pub enum Released {
    /// Nobody held it.
    NotClaimed,
    /// Released; this session (or whoever) held it.
    Was(Claim),
}

/// Releases `id`; with `by` and without `force`, only if `by` holds it.
pub fn release_task(
    file: &Project,
    id: &str,
    by: Option<&str>,
    force: bool,
) -> Result<Released, Error> {
    let (_, plan) = file.load()?;
    find_task(&plan, file, id)?;
    let store = file.claim_store()?;
    let Some(current) = store.claim_of(id)? else {
        return Ok(Released::NotClaimed);
    };
    let live = current.is_live(&crate::state::now_rfc3339());
    if live && !force && by != Some(current.owner.as_str()) {
        let who = by.map_or_else(|| "no session".to_string(), |b| format!("not {b}"));
        return Err(Error::new(
            Kind::Conflict,
            format!("{id} is claimed by {} ({who})", current.owner),
        )
        .with_hint("release only tasks you hold (--by NAME); --force releases it anyway")
        .with_details(serde_json::json!({ "holder": current.owner })));
    }
    store.release(id)?;
    file.state()?.record(Some(id), "release", by, None)?;
    Ok(Released::Was(current))
}

/// Refuses to `verb` (finish, release) task `id` when another session holds a live claim on
/// it, naming the holder, unless `force`. No claim, or one of `by`'s own, passes.
pub fn check_holder(
    project: &Project,
    id: &str,
    by: Option<&str>,
    force: bool,
    verb: &str,
) -> Result<(), Error> {
    if force {
        return Ok(());
    }
    refuse_holder(id, project.claims()?.remove(id), by, verb)
}

/// The check of [`check_holder`] on a claim already read (`None`: unclaimed).
pub fn refuse_holder(
    id: &str,
    holder: Option<Claim>,
    by: Option<&str>,
    verb: &str,
) -> Result<(), Error> {
    let Some(holder) = holder else {
        return Ok(());
    };
    if by == Some(holder.owner.as_str()) || !holder.is_live(&crate::state::now_rfc3339()) {
        return Ok(());
    }
    let who = by.map_or_else(
        || "this session (no session name given)".to_string(),
        str::to_string,
    );
    Err(Error::conflict(format!(
        "{id} is claimed by {} (since {}), not {who}",
        holder.owner, holder.claimed_at
    ))
    .with_hint(format!(
        "{verb} only tasks you hold: pass --by with the holder's name, or --force to {verb} it anyway"
    ))
    .with_details(serde_json::json!({ "holder": holder.owner, "since": holder.claimed_at })))
}
