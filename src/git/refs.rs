//! Refs on a remote as a compare-and-swap register: what the git claims backend
//! ([`crate::state::GitClaims`]) is built on.
//!
//! A ref pushed with `--force-with-lease=<ref>:<expected>` is updated only if the remote's
//! ref still holds `<expected>` (an empty value: the ref must not exist). git checks the
//! lease twice: against the refs the remote advertised, and again inside `receive-pack`,
//! which updates the ref under its lock only if its old value is the one the client sent. So
//! of any number of pushers racing for one ref, on any host, exactly one succeeds; the others
//! are told `stale info` (the advertised value differed) or that the ref could not be locked
//! or updated (they lost inside the remote). [`PushOutcome`] tells those apart from a remote
//! that refuses the push (a hook, a host that forbids custom refs).
//!
//! Nothing here touches a working tree or an index: objects are written with
//! `git commit-tree`, refs are read with `git for-each-ref`.

use super::{Git, GitError};

/// What a push with a lease did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// The remote's ref now has the pushed value (or is deleted).
    Done,
    /// The lease did not hold: someone else changed the ref first.
    Lost,
    /// The remote refused the update for another reason (a hook, a protected namespace):
    /// git's own words.
    Refused(String),
}

/// One ref as `for-each-ref` lists it: its name, the commit it points at and that commit's
/// message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefEntry {
    pub name: String,
    pub oid: String,
    pub message: String,
}

/// The empty tree's id in a repository of SHA-1 object names.
pub const EMPTY_TREE_SHA1: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/// The empty tree's id in a repository of SHA-256 object names.
pub const EMPTY_TREE_SHA256: &str =
    "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321";

/// Identity written into commits baton makes itself (the claim's holder is in the message).
const IDENTITY: &[(&str, &str)] = &[
    ("GIT_AUTHOR_NAME", "baton"),
    ("GIT_AUTHOR_EMAIL", "baton@localhost"),
    ("GIT_COMMITTER_NAME", "baton"),
    ("GIT_COMMITTER_EMAIL", "baton@localhost"),
];

impl Git {
    /// Writes a commit of the empty tree (`empty_tree`: [`EMPTY_TREE_SHA1`] or
    /// [`EMPTY_TREE_SHA256`], which git knows without storing them) with `message` and no
    /// parent, touching no working tree, index or ref; returns its id.
    pub fn commit_empty(&self, empty_tree: &str, message: &str) -> Result<String, GitError> {
        let args = ["commit-tree", empty_tree, "-m", message];
        let mut cmd = self.base_command(&args);
        cmd.envs(IDENTITY.iter().copied());
        let out = self.output(cmd, &args)?;
        let oid = self.checked(out, &args)?;
        Ok(String::from_utf8_lossy(&oid).trim().to_string())
    }

    /// Fetches the refs matching `src_glob` (`refs/x/*`) from `remote` into `dst_glob`, and
    /// prunes the local ones the remote no longer has: one round trip. A ref another fetch
    /// in this repository holds locked at that moment is tried again, briefly.
    pub fn fetch_refs(&self, remote: &str, src_glob: &str, dst_glob: &str) -> Result<(), GitError> {
        let refspec = format!("+{src_glob}:{dst_glob}");
        let args = [
            "fetch",
            "--quiet",
            "--prune",
            "--no-tags",
            "--no-write-fetch-head",
            "--no-auto-gc",
            "--no-auto-maintenance",
            remote,
            refspec.as_str(),
        ];
        let mut pause = std::time::Duration::from_millis(5);
        for attempt in 0.. {
            match self.write(&args) {
                Err(GitError::Failed { stderr, .. })
                    if attempt < 20 && stderr.contains("cannot lock ref") =>
                {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(std::time::Duration::from_millis(100));
                }
                other => return other.map(drop),
            }
        }
        Ok(())
    }

    /// Sets `name` on `remote` to `new` (a commit id; None deletes it) only if it holds
    /// `expected` there now (None: only if it does not exist).
    pub fn push_lease(
        &self,
        remote: &str,
        name: &str,
        new: Option<&str>,
        expected: Option<&str>,
    ) -> Result<PushOutcome, GitError> {
        let lease = format!("--force-with-lease={name}:{}", expected.unwrap_or(""));
        let spec = format!("{}:{name}", new.unwrap_or(""));
        let args = [
            "push",
            "--porcelain",
            "--no-verify",
            lease.as_str(),
            remote,
            spec.as_str(),
        ];
        let out = self.output(self.base_command(&args), &args)?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        // `--porcelain`: one line per ref, `<flag>\t<from>:<to>\t<summary>`.
        let line = stdout.lines().find(|l| {
            l.split('\t')
                .nth(1)
                .is_some_and(|spec| spec.ends_with(&format!(":{name}")))
        });
        match line {
            Some(line) if out.status.success() && !line.starts_with('!') => Ok(PushOutcome::Done),
            Some(line) => {
                let summary = line.split('\t').nth(2).unwrap_or("").to_string();
                Ok(if lost_race(&summary) {
                    PushOutcome::Lost
                } else {
                    PushOutcome::Refused(summary)
                })
            }
            // No line for the ref: the push never got to it (no such remote, unreachable).
            None => Err(GitError::Failed {
                command: args.join(" "),
                dir: self.dir.clone(),
                code: out.status.code(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            }),
        }
    }

    /// The refs under `prefix` (`refs/x/`) with the message of the commit each points at.
    pub fn refs_with_messages(&self, prefix: &str) -> Result<Vec<RefEntry>, GitError> {
        let out = self.read(&[
            "for-each-ref",
            "--format=%(objectname) %(refname)%00%(contents)%00",
            prefix,
        ])?;
        let text = String::from_utf8_lossy(&out);
        let mut entries = Vec::new();
        // Each record ends with NUL and the newline for-each-ref adds.
        for record in text.split("\0\n").filter(|r| !r.is_empty()) {
            let Some((head, message)) = record.split_once('\0') else {
                continue;
            };
            let Some((oid, name)) = head.split_once(' ') else {
                continue;
            };
            entries.push(RefEntry {
                name: name.to_string(),
                oid: oid.to_string(),
                message: message.to_string(),
            });
        }
        Ok(entries)
    }
}

/// Whether a push's rejection means another pusher changed the ref first (as opposed to
/// the remote refusing the update).
fn lost_race(summary: &str) -> bool {
    const RACE: &[&str] = &[
        "stale info",
        "cannot lock ref",
        "failed to update ref",
        "reference already exists",
        "but expected",
        "fetch first",
        "non-fast-forward",
    ];
    RACE.iter().any(|r| summary.contains(r))
}

#[cfg(test)]
mod tests {
    use super::lost_race;

    #[test]
    fn a_lost_lease_is_told_from_a_refusal() {
        assert!(lost_race("[rejected] (stale info)"));
        assert!(lost_race(
            "[remote rejected] (cannot lock ref 'refs/baton/claims/p/T1': reference already exists)"
        ));
        assert!(!lost_race("[remote rejected] (pre-receive hook declined)"));
        assert!(!lost_race("[remote rejected] (deny updating a hidden ref)"));
    }
}
