//! Claims as refs on the team's git remote (`claims = "git"`): no server beyond the one the
//! team already pushes to.
//!
//! A claim on task `T` of the plan with key `K` ([`crate::repo::plan_key`]) is the ref
//! `refs/baton/claims/<K>/<T>` (both encoded by [`ref_component`]) on the remote, pointing
//! at a parentless commit of the empty tree whose message carries the claim as trailers
//! (`Baton-Session`, `Baton-Host`, `Baton-Claimed-At`, `Baton-Expires-At`). The plan key in
//! the path keeps two plans of one repository apart.
//!
//! Every change is a push with a lease ([`crate::git::Git::push_lease`]), so the remote's ref
//! lock decides races: taking a free task expects the ref to be absent, taking over a stale
//! claim expects the stale commit, renewing expects the holder's commit and releasing deletes
//! with a lease on the commit last read. A lost lease means another session got there
//! first: the claims are fetched again and the decision made again on what is there now.
//!
//! Reading is one round trip: `git fetch --prune <remote>
//! +refs/baton/claims/<K>/*:refs/baton/remote-claims/<K>/*`, then the local copies are read
//! with `for-each-ref`. A store fetches once and keeps what it read for the rest of the
//! command (a lease that fails makes it fetch again), so `baton claim` checks readiness and
//! takes the claim on one fetch. Expiry is judged by the claimant's clock.
//!
//! Only the task's own ref is compared and swapped: the check that a task's file scope
//! overlaps no other live claim sees the claims as fetched just before the push, so two
//! sessions taking *different* tasks with overlapping scopes at the same instant can both
//! succeed (docs/scaling.md). The local SQLite store keeps the history: a claim taken here is
//! recorded there.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::claims::{Backend, ClaimStore, ClaimsError};
use super::{Claim, ClaimOutcome, Lease, StateStore, natural_cmp};
use crate::git::{Git, GitError, PushOutcome};

/// Where claims live on the remote.
pub const CLAIMS_NAMESPACE: &str = "refs/baton/claims";

/// Where the fetched copies of the remote's claims live locally.
pub const FETCHED_NAMESPACE: &str = "refs/baton/remote-claims";

/// How many times a claim is decided again after losing a lease before giving up.
const ROUNDS: usize = 8;

/// Stands for the expiry of a claim commit whose message cannot be read: long past, so the
/// task is anyone's to take.
const UNREADABLE_EXPIRY: &str = "1970-01-01T00:00:00Z";

/// A claim as fetched, with the commit its ref points at (the value a lease expects).
#[derive(Debug, Clone)]
struct Held {
    oid: String,
    claim: Claim,
}

/// The claims of one plan on one git remote.
#[derive(Debug)]
pub struct GitClaims {
    git: Git,
    /// The empty tree's id in this repository's object format.
    empty_tree: &'static str,
    remote: String,
    plan_key: String,
    /// The plan file, for the local history.
    plan_path: PathBuf,
    /// The claims as last fetched, by task id; None until the first read.
    view: RefCell<Option<BTreeMap<String, Held>>>,
}

impl GitClaims {
    /// The claims of the plan at `plan_path` on `remote` of the repository it is in.
    pub fn open(plan_path: &Path, remote: &str) -> Result<GitClaims, ClaimsError> {
        let Some(repo) = crate::repo::discover(plan_path) else {
            return Err(ClaimsError::NotARepository {
                plan: plan_path.display().to_string(),
            });
        };
        // A SHA-256 repository says so in its config; reading it saves running git.
        let sha256 = std::fs::read_to_string(repo.common_dir.join("config")).is_ok_and(|c| {
            c.to_ascii_lowercase()
                .lines()
                .any(|l| l.trim().replace(' ', "") == "objectformat=sha256")
        });
        Ok(GitClaims {
            empty_tree: if sha256 {
                crate::git::EMPTY_TREE_SHA256
            } else {
                crate::git::EMPTY_TREE_SHA1
            },
            git: Git::new(repo.worktree_root),
            remote: remote.to_string(),
            plan_key: crate::repo::plan_key(plan_path),
            plan_path: plan_path.to_path_buf(),
            view: RefCell::new(None),
        })
    }

    /// The remote's name.
    pub fn remote(&self) -> &str {
        &self.remote
    }

    /// The ref on the remote that holds the claim on `task_id`.
    pub fn ref_name(&self, task_id: &str) -> String {
        format!(
            "{CLAIMS_NAMESPACE}/{}/{}",
            ref_component(&self.plan_key),
            ref_component(task_id)
        )
    }

    /// The claims as last read, fetching them first if this store has not yet.
    fn view(&self) -> Result<BTreeMap<String, Held>, ClaimsError> {
        if let Some(view) = self.view.borrow().as_ref() {
            return Ok(view.clone());
        }
        self.refresh()
    }

    /// Fetches the plan's claims from the remote (one round trip) and reads them.
    fn refresh(&self) -> Result<BTreeMap<String, Held>, ClaimsError> {
        let plan = ref_component(&self.plan_key);
        let src = format!("{CLAIMS_NAMESPACE}/{plan}/*");
        let dst = format!("{FETCHED_NAMESPACE}/{plan}/*");
        self.git
            .fetch_refs(&self.remote, &src, &dst)
            .map_err(|e| self.unreachable(e))?;
        let prefix = format!("{FETCHED_NAMESPACE}/{plan}/");
        let mut view = BTreeMap::new();
        for entry in self.git.refs_with_messages(&prefix)? {
            let Some(task_id) = entry.name.strip_prefix(&prefix).and_then(decode_component) else {
                continue;
            };
            let claim = parse_message(&task_id, &entry.message);
            view.insert(
                task_id,
                Held {
                    oid: entry.oid,
                    claim,
                },
            );
        }
        *self.view.borrow_mut() = Some(view.clone());
        Ok(view)
    }

    fn unreachable(&self, e: GitError) -> ClaimsError {
        match e {
            GitError::Failed { stderr, .. } => ClaimsError::Unreachable {
                remote: self.remote.clone(),
                message: one_line(&stderr),
            },
            other => ClaimsError::Git(other),
        }
    }

    /// Pushes `new` (None: deletes) to `task_id`'s ref with a lease on `expected`. Ok(true):
    /// done, and the view updated; Ok(false): the lease was lost.
    fn swap(
        &self,
        task_id: &str,
        new: Option<Held>,
        expected: Option<&str>,
    ) -> Result<bool, ClaimsError> {
        let name = self.ref_name(task_id);
        let oid = new.as_ref().map(|h| h.oid.as_str());
        match self.git.push_lease(&self.remote, &name, oid, expected) {
            Ok(PushOutcome::Done) => {
                if let Some(view) = self.view.borrow_mut().as_mut() {
                    match new {
                        Some(held) => view.insert(task_id.to_string(), held),
                        None => view.remove(task_id),
                    };
                }
                Ok(true)
            }
            Ok(PushOutcome::Lost) => Ok(false),
            Ok(PushOutcome::Refused(message)) => Err(ClaimsError::Refused {
                remote: self.remote.clone(),
                name,
                message,
            }),
            Err(e) => Err(self.unreachable(e)),
        }
    }

    /// Writes the commit of a claim (no working tree touched).
    fn commit(&self, claim: &Claim) -> Result<Held, ClaimsError> {
        let message = format_message(&self.plan_key, claim);
        let oid = self.git.commit_empty(self.empty_tree, &message)?;
        Ok(Held {
            oid,
            claim: claim.clone(),
        })
    }

    /// Records a claim taken in the local history (best kept: the claim itself is on the
    /// remote already).
    fn record(&self, task_id: &str, owner: &str, stale: Option<&Claim>) -> Result<(), ClaimsError> {
        let db = crate::repo::state_dir(&self.plan_path).join(super::DB_FILE);
        let store = StateStore::open_at(&db, &self.plan_key)?;
        let detail = stale.map(|was| {
            format!(
                "stale claim of {} (lease ran out {})",
                was.owner,
                was.expires_at.as_deref().unwrap_or("at an unknown time")
            )
        });
        store.record(Some(task_id), "claim", Some(owner), detail.as_deref())?;
        Ok(())
    }
}

impl ClaimStore for GitClaims {
    fn backend(&self) -> Backend {
        Backend::Git
    }

    fn claim_checked(
        &self,
        task_id: &str,
        owner: &str,
        lease: &Lease,
        check: &mut dyn FnMut(&[Claim]) -> bool,
    ) -> Result<Option<ClaimOutcome>, ClaimsError> {
        let owner = clean(owner);
        for round in 0..ROUNDS {
            let view = if round == 0 {
                self.view()?
            } else {
                self.refresh()?
            };
            let current = view.get(task_id);
            match current {
                Some(held) if held.claim.owner == owner => {
                    let renewed = self.commit(&Claim {
                        expires_at: Some(lease.expires_at.clone()),
                        ..held.claim.clone()
                    })?;
                    if self.swap(task_id, Some(renewed), Some(&held.oid))? {
                        return Ok(Some(ClaimOutcome::AlreadyYours(held.claim.clone())));
                    }
                    continue;
                }
                Some(held) if held.claim.is_live(&lease.now) => {
                    return Ok(Some(ClaimOutcome::HeldBy(held.claim.clone())));
                }
                _ => {}
            }
            let others: Vec<Claim> = view
                .values()
                .filter(|h| h.claim.task_id != task_id && h.claim.is_live(&lease.now))
                .map(|h| h.claim.clone())
                .collect();
            if !check(&others) {
                return Ok(None);
            }
            let new = self.commit(&Claim {
                task_id: task_id.to_string(),
                owner: owner.clone(),
                claimed_at: lease.now.clone(),
                expires_at: Some(lease.expires_at.clone()),
            })?;
            let stale = current.cloned();
            if self.swap(task_id, Some(new), stale.as_ref().map(|h| h.oid.as_str()))? {
                let stale = stale.map(|h| h.claim);
                self.record(task_id, &owner, stale.as_ref())?;
                return Ok(Some(match stale {
                    Some(was) => ClaimOutcome::TakenOver(was),
                    None => ClaimOutcome::Claimed,
                }));
            }
        }
        Err(self.contended(task_id, "claimed it"))
    }

    fn renew(
        &self,
        owner: &str,
        task_id: Option<&str>,
        lease: &Lease,
    ) -> Result<Vec<Claim>, ClaimsError> {
        let owner = clean(owner);
        let mut renewed = Vec::new();
        for held in self.view()?.into_values() {
            if held.claim.owner != owner || task_id.is_some_and(|t| t != held.claim.task_id) {
                continue;
            }
            let claim = Claim {
                expires_at: Some(lease.expires_at.clone()),
                ..held.claim.clone()
            };
            let new = self.commit(&claim)?;
            // A lost lease: someone took the task over since; it is not renewed.
            if self.swap(&claim.task_id, Some(new), Some(&held.oid))? {
                renewed.push(claim);
            }
        }
        Ok(renewed)
    }

    fn release(&self, task_id: &str) -> Result<Option<Claim>, ClaimsError> {
        let Some(held) = self.view()?.remove(task_id) else {
            return Ok(None);
        };
        if self.swap(task_id, None, Some(&held.oid))? {
            Ok(Some(held.claim))
        } else {
            Err(self.contended(task_id, "released it"))
        }
    }

    fn claims(&self) -> Result<Vec<Claim>, ClaimsError> {
        let mut claims: Vec<Claim> = self.view()?.into_values().map(|h| h.claim).collect();
        claims.sort_by(|a, b| natural_cmp(&a.task_id, &b.task_id));
        Ok(claims)
    }

    fn claim_of(&self, task_id: &str) -> Result<Option<Claim>, ClaimsError> {
        Ok(self.view()?.remove(task_id).map(|h| h.claim))
    }
}

impl GitClaims {
    fn contended(&self, task_id: &str, op: &'static str) -> ClaimsError {
        ClaimsError::Contended {
            task_id: task_id.to_string(),
            remote: self.remote.clone(),
            op,
        }
    }
}

/// Encodes a task id or plan key as one ref path component that `git check-ref-format`
/// accepts, reversibly: ASCII letters, digits, `_` and `-` stay; a `.` stays between two
/// letters or digits (`1.2`, `plan.md`) unless it starts a final `.lock`; every other byte
/// becomes `%XX` (upper-case hex), `%` itself included. So `docs/plan.md` is
/// `docs%2Fplan.md` and `T 1` is `T%201`.
pub fn ref_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (i, &b) in bytes.iter().enumerate() {
        let alnum = |j: Option<usize>| {
            j.and_then(|j| bytes.get(j))
                .is_some_and(u8::is_ascii_alphanumeric)
        };
        let keep = b.is_ascii_alphanumeric()
            || b == b'_'
            || b == b'-'
            || (b == b'.'
                && alnum(i.checked_sub(1))
                && alnum(Some(i + 1))
                && &bytes[i..] != b".lock");
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The text [`ref_component`] encoded; None for a component it cannot have written.
pub fn decode_component(component: &str) -> Option<String> {
    let bytes = component.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = component.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A value as one trailer line: line breaks become spaces.
fn clean(value: &str) -> String {
    value.replace(['\n', '\r'], " ")
}

fn one_line(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("; ")
}

/// The message of a claim's commit.
fn format_message(plan_key: &str, claim: &Claim) -> String {
    format!(
        "baton claim {task}\n\nBaton-Plan: {plan}\nBaton-Task: {task}\nBaton-Session: {owner}\n\
         Baton-Host: {host}\nBaton-Claimed-At: {at}\nBaton-Expires-At: {expires}\n",
        task = clean(&claim.task_id),
        plan = clean(plan_key),
        owner = clean(&claim.owner),
        host = crate::process::host::host_name(),
        at = claim.claimed_at,
        expires = claim.expires_at.as_deref().unwrap_or(UNREADABLE_EXPIRY),
    )
}

/// The claim a commit message carries. A message without the trailers (a ref someone pushed
/// by hand) is a claim of `unknown` that ran out long ago: anyone may take the task.
fn parse_message(task_id: &str, message: &str) -> Claim {
    let trailer = |key: &str| {
        message.lines().find_map(|l| {
            l.strip_prefix(key)
                .and_then(|rest| rest.strip_prefix(": "))
                .map(str::to_string)
        })
    };
    let claimed_at = trailer("Baton-Claimed-At").unwrap_or_else(|| UNREADABLE_EXPIRY.into());
    Claim {
        task_id: task_id.to_string(),
        owner: trailer("Baton-Session").unwrap_or_else(|| "unknown".into()),
        claimed_at,
        expires_at: Some(trailer("Baton-Expires-At").unwrap_or_else(|| UNREADABLE_EXPIRY.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `git check-ref-format`'s rules for one component, as far as the encoding can meet them.
    fn valid_component(c: &str) -> bool {
        !c.is_empty()
            && !c.starts_with('.')
            && !c.ends_with('.')
            && !c.ends_with(".lock")
            && !c.contains("..")
            && !c.contains("@{")
            && c != "@"
            && c.bytes()
                .all(|b| b > 0x20 && b != 0x7f && !b"~^:?*[\\/ ".contains(&b))
    }

    #[test]
    fn ids_and_plan_keys_become_readable_ref_components() {
        assert_eq!(ref_component("T1"), "T1");
        assert_eq!(ref_component("1.2"), "1.2");
        assert_eq!(ref_component("docs/plan.md"), "docs%2Fplan.md");
        assert_eq!(ref_component(".x"), "%2Ex");
        assert_eq!(ref_component("a..b"), "a%2E%2Eb");
        assert_eq!(ref_component("a.lock"), "a%2Elock");
        assert_eq!(ref_component("50%"), "50%25");
        assert_eq!(ref_component("@"), "%40");
    }

    #[test]
    fn a_claim_survives_its_commit_message() {
        let claim = Claim {
            task_id: "T1".into(),
            owner: "alice".into(),
            claimed_at: "2026-01-21T09:30:00Z".into(),
            expires_at: Some("2026-01-21T11:30:00Z".into()),
        };
        assert_eq!(
            parse_message("T1", &format_message("plan.md", &claim)),
            claim
        );
        let junk = parse_message("T1", "hand-made\n");
        assert_eq!(junk.owner, "unknown");
        assert!(!junk.is_live("2026-01-21T09:30:00Z"));
    }

    proptest! {
        #[test]
        fn every_text_encodes_to_a_valid_component_and_back(text in "\\PC{1,12}") {
            let encoded = ref_component(&text);
            prop_assert!(valid_component(&encoded), "{encoded}");
            prop_assert_eq!(decode_component(&encoded), Some(text));
        }
    }
}
