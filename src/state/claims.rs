//! Where claims are decided: one interface, [`ClaimStore`], with a backend per place a team
//! can share them.
//!
//! Why it exists: the embedded SQLite store ([`StateStore`]) is shared by every worktree of
//! one clone, which is all a single machine needs; a team working one plan from several
//! clones needs claims decided somewhere every clone reaches. The backends:
//!
//! - [`Backend::Local`]: the SQLite store under the repository's common git dir (the default);
//! - [`Backend::Git`]: refs on the team's git remote ([`super::GitClaims`], docs/scaling.md).
//!
//! Every command and MCP tool that claims, releases or lists claims goes through this trait;
//! history, ticks and the run ledger stay in the local store whichever backend decides claims.

use super::{Claim, ClaimOutcome, Lease, StateError, StateStore};

/// Which backend decides claims (`claims` in baton.toml, `BATON_CLAIMS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// The SQLite store shared by the worktrees of one clone.
    #[default]
    Local,
    /// Refs under `refs/baton/claims/` on a git remote.
    Git,
}

impl Backend {
    /// Every backend's name, as baton.toml and `BATON_CLAIMS` spell it.
    pub const NAMES: &[&str] = &["local", "git"];

    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Local => "local",
            Backend::Git => "git",
        }
    }

    pub fn parse(text: &str) -> Option<Backend> {
        match text {
            "local" => Some(Backend::Local),
            "git" => Some(Backend::Git),
            _ => None,
        }
    }
}

/// The environment variable that chooses the backend; it wins over baton.toml.
pub const CLAIMS_ENV: &str = "BATON_CLAIMS";

/// The remote the git backend uses when baton.toml names none.
pub const DEFAULT_REMOTE: &str = "origin";

/// Why a claims backend could not answer.
#[derive(Debug, thiserror::Error)]
pub enum ClaimsError {
    #[error(transparent)]
    State(#[from] StateError),
    /// The git backend needs the plan to be inside a git repository.
    #[error("claims = \"git\" needs the plan to be in a git repository; {plan} is not")]
    NotARepository { plan: String },
    /// The remote could not be reached (or is not a repository, or has no such name).
    #[error("cannot read the claims on the git remote `{remote}`: {message}")]
    Unreachable { remote: String, message: String },
    /// The remote refused to store a claim ref (a hook, a host that forbids custom refs).
    #[error("the git remote `{remote}` refused the claim ref {name}: {message}")]
    Refused {
        remote: String,
        name: String,
        message: String,
    },
    /// A local git command failed (writing the claim's commit, reading refs).
    #[error("git: {0}")]
    Git(#[from] crate::git::GitError),
    /// The claim kept changing under this command (many sessions racing for it).
    #[error("the claim on {task_id} kept changing on the git remote `{remote}` while baton {op}")]
    Contended {
        task_id: String,
        remote: String,
        op: &'static str,
    },
}

/// What every claims backend does. A `check` sees every other live claim of the plan and
/// returns false to refuse the claim (nothing is written then); the refusal's reasons stay
/// with the caller's closure.
pub trait ClaimStore {
    /// Which backend this is.
    fn backend(&self) -> Backend;

    /// Claims `task_id` for `owner` under `lease` after `check` agrees: exactly one of any
    /// number of concurrent claimants (on any machine the backend reaches) gets
    /// [`ClaimOutcome::Claimed`] or [`ClaimOutcome::TakenOver`]. `None`: `check` refused.
    /// A claim taken is recorded in the local history.
    fn claim_checked(
        &self,
        task_id: &str,
        owner: &str,
        lease: &Lease,
        check: &mut dyn FnMut(&[Claim]) -> bool,
    ) -> Result<Option<ClaimOutcome>, ClaimsError>;

    /// Renews `owner`'s leases (on `task_id` only, or on every task it holds) to run out at
    /// `lease.expires_at`; returns the claims renewed.
    fn renew(
        &self,
        owner: &str,
        task_id: Option<&str>,
        lease: &Lease,
    ) -> Result<Vec<Claim>, ClaimsError>;

    /// Removes the claim on `task_id` as this store last read it, and returns it (`None` if
    /// unclaimed). A backend that can tell refuses to remove a claim that changed since.
    fn release(&self, task_id: &str) -> Result<Option<Claim>, ClaimsError>;

    /// This plan's claims, live and stale, sorted by task id.
    fn claims(&self) -> Result<Vec<Claim>, ClaimsError>;

    /// The claim on `task_id`, if any.
    fn claim_of(&self, task_id: &str) -> Result<Option<Claim>, ClaimsError>;
}

impl ClaimStore for StateStore {
    fn backend(&self) -> Backend {
        Backend::Local
    }

    fn claim_checked(
        &self,
        task_id: &str,
        owner: &str,
        lease: &Lease,
        check: &mut dyn FnMut(&[Claim]) -> bool,
    ) -> Result<Option<ClaimOutcome>, ClaimsError> {
        let outcome = StateStore::claim_checked(self, task_id, owner, lease, |others| {
            if check(others) { Ok(()) } else { Err(()) }
        })?;
        Ok(outcome.ok())
    }

    fn renew(
        &self,
        owner: &str,
        task_id: Option<&str>,
        lease: &Lease,
    ) -> Result<Vec<Claim>, ClaimsError> {
        Ok(StateStore::renew(self, owner, task_id, lease)?)
    }

    fn release(&self, task_id: &str) -> Result<Option<Claim>, ClaimsError> {
        Ok(StateStore::release(self, task_id)?)
    }

    fn claims(&self) -> Result<Vec<Claim>, ClaimsError> {
        Ok(StateStore::claims(self)?)
    }

    fn claim_of(&self, task_id: &str) -> Result<Option<Claim>, ClaimsError> {
        Ok(StateStore::claim_of(self, task_id)?)
    }
}
