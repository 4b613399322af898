//! Worktrees (one per session, each on its own branch) and merging a finished branch back.
//! A merge either lands as one merge commit or is aborted, leaving the repository as it was:
//! baton never leaves a half-merged tree for a person to clean up.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Git, GitError, lossy, split_z};

/// One worktree of a repository, as `git worktree list` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Worktree {
    pub path: PathBuf,
    /// The commit checked out (None in a bare repository).
    pub head: Option<String>,
    /// The branch checked out (`feature`, without `refs/heads/`); None when detached.
    pub branch: Option<String>,
    pub bare: bool,
    pub locked: bool,
    /// Its directory is gone; `git worktree prune` would remove the entry.
    pub prunable: bool,
}

/// What [`Git::merge_no_ff`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum MergeOutcome {
    /// A merge commit was made.
    Merged { commit: String },
    /// The branch was already part of the current one; nothing was made.
    UpToDate,
    /// The branches conflict in these files (root-relative, sorted); the merge was aborted
    /// and the repository is as it was before.
    Conflicted { paths: Vec<String> },
}

impl Git {
    /// Adds a worktree at `path` on a new branch `branch` starting at `start`.
    pub fn worktree_add(&self, path: &Path, branch: &str, start: &str) -> Result<(), GitError> {
        let path = path.to_string_lossy();
        self.write(&[
            "worktree",
            "add",
            "--quiet",
            "-b",
            branch,
            "--end-of-options",
            &path,
            start,
        ])
        .map(drop)
    }

    /// Adds a worktree at `path` on a new branch `branch` at `start` without writing its
    /// files (its index is empty): [`Git::populate`] writes them, and may do so at the same
    /// time as other worktrees' while adding stays one at a time.
    pub fn worktree_add_empty(
        &self,
        path: &Path,
        branch: &str,
        start: &str,
    ) -> Result<(), GitError> {
        let path = path.to_string_lossy();
        self.write(&[
            "worktree",
            "add",
            "--quiet",
            "--no-checkout",
            "-b",
            branch,
            "--end-of-options",
            &path,
            start,
        ])
        .map(drop)
    }

    /// Adds a worktree at `path` with a detached HEAD at `start`, without writing its files
    /// (as [`Git::worktree_add_empty`], on no branch: a pooled worktree holds none).
    pub fn worktree_add_detached_empty(&self, path: &Path, start: &str) -> Result<(), GitError> {
        let path = path.to_string_lossy();
        self.write(&[
            "worktree",
            "add",
            "--quiet",
            "--no-checkout",
            "--detach",
            "--end-of-options",
            &path,
            start,
        ])
        .map(drop)
    }

    /// Writes every file of this worktree's HEAD and its index (after
    /// [`Git::worktree_add_empty`]); what the worktree held is overwritten.
    pub fn populate(&self) -> Result<(), GitError> {
        self.write(&["checkout", "--force", "--quiet", "--no-recurse-submodules"])
            .map(drop)
    }

    /// Removes the worktree at `path`; `force` also discards its uncommitted changes.
    pub fn worktree_remove(&self, path: &Path, force: bool) -> Result<(), GitError> {
        let path = path.to_string_lossy();
        let mut args = vec!["worktree", "remove"];
        if force {
            args.push("--force");
        }
        args.extend(["--end-of-options", &path]);
        self.write(&args).map(drop)
    }

    /// Moves the worktree at `from` to `to` (which must not exist; its parent must).
    pub fn worktree_move(&self, from: &Path, to: &Path) -> Result<(), GitError> {
        let from = from.to_string_lossy();
        let to = to.to_string_lossy();
        self.write(&["worktree", "move", "--end-of-options", &from, &to])
            .map(drop)
    }

    /// Every worktree of the repository, the main one first.
    pub fn worktree_list(&self) -> Result<Vec<Worktree>, GitError> {
        let out = self.read(&["worktree", "list", "--porcelain", "-z"])?;
        Ok(parse_worktrees(&out))
    }

    /// Merges `branch` into the branch checked out here with a merge commit (`--no-ff`)
    /// titled `message`. On conflicts the merge is aborted and the conflicting paths are
    /// returned; any other failure (a dirty tree in the way, an unknown branch) is an error
    /// and also leaves the repository as it was.
    pub fn merge_no_ff(&self, branch: &str, message: &str) -> Result<MergeOutcome, GitError> {
        let before = self.rev_parse("HEAD")?;
        self.rev_parse(branch)?;
        let args = [
            "merge",
            "--no-ff",
            "--no-edit",
            "--no-stat",
            "-m",
            message,
            "--end-of-options",
            branch,
        ];
        let out = self.output(self.base_command(&args), &args)?;
        if out.status.success() {
            let after = self.rev_parse("HEAD")?;
            return Ok(if after == before {
                MergeOutcome::UpToDate
            } else {
                MergeOutcome::Merged { commit: after }
            });
        }
        let unmerged = self.read(&["diff", "--name-only", "--diff-filter=U", "-z"])?;
        let mut paths: Vec<String> = split_z(&unmerged).map(lossy).collect();
        paths.sort();
        paths.dedup();
        if self.resolves("MERGE_HEAD") {
            self.write(&["merge", "--abort"])?;
        }
        if paths.is_empty() {
            return self.checked(out, &args).map(|_| MergeOutcome::UpToDate);
        }
        Ok(MergeOutcome::Conflicted { paths })
    }
}

/// Parses `worktree list --porcelain -z`: attribute fields, each worktree ended by an empty
/// field.
fn parse_worktrees(out: &[u8]) -> Vec<Worktree> {
    let mut list = Vec::new();
    let mut current: Option<Worktree> = None;
    for field in out.split(|&b| b == 0) {
        if field.is_empty() {
            list.extend(current.take());
            continue;
        }
        let text = lossy(field);
        let (key, value) = text.split_once(' ').unwrap_or((text.as_str(), ""));
        if key == "worktree" {
            list.extend(current.take());
            current = Some(Worktree {
                path: PathBuf::from(value),
                head: None,
                branch: None,
                bare: false,
                locked: false,
                prunable: false,
            });
            continue;
        }
        let Some(w) = current.as_mut() else { continue };
        match key {
            "HEAD" => w.head = Some(value.to_string()),
            "branch" => {
                w.branch = Some(
                    value
                        .strip_prefix("refs/heads/")
                        .unwrap_or(value)
                        .to_string(),
                );
            }
            "bare" => w.bare = true,
            "locked" => w.locked = true,
            "prunable" => w.prunable = true,
            _ => {}
        }
    }
    list.extend(current);
    list
}

#[cfg(test)]
mod tests {
    use super::super::testing::{git, repo, write};
    use super::*;

    #[test]
    fn add_list_and_remove_worktrees() {
        let dir = repo(&[("a.txt", "a\n")]);
        let d = dir.path();
        let g = Git::new(d);
        let lanes = tempfile::tempdir().expect("tmp");
        let lane = lanes.path().join("lane one");
        g.worktree_add(&lane, "lane-1", "main").expect("add");
        assert!(lane.join("a.txt").is_file());
        let list = g.worktree_list().expect("list");
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].branch.as_deref(), Some("main"));
        assert_eq!(list[1].branch.as_deref(), Some("lane-1"));
        assert_eq!(
            std::fs::canonicalize(&list[1].path).expect("canon"),
            std::fs::canonicalize(&lane).expect("canon")
        );
        assert_eq!(list[1].head, list[0].head);
        // The lane sees itself on its branch.
        assert_eq!(
            Git::new(&lane).current_branch().expect("b").as_deref(),
            Some("lane-1")
        );
        assert!(g.worktree_add(&lane, "lane-1", "main").is_err(), "taken");
        assert!(
            g.worktree_add_empty(&lane, "lane-1", "main").is_err(),
            "taken"
        );

        write(&lane, "dirty.txt", "x\n");
        assert!(g.worktree_remove(&lane, false).is_err(), "dirty");
        g.worktree_remove(&lane, true).expect("forced");
        assert!(!lane.exists());
        assert_eq!(g.worktree_list().expect("list").len(), 1);
    }

    #[test]
    fn an_empty_worktree_is_populated_with_its_start() {
        let dir = repo(&[("a.txt", "a\n"), ("sub/b.txt", "b\n")]);
        let g = Git::new(dir.path());
        let lanes = tempfile::tempdir().expect("tmp");
        let lane = lanes.path().join("lane");
        g.worktree_add_empty(&lane, "lane-1", "main").expect("add");
        assert!(!lane.join("a.txt").exists(), "no files yet");
        let wt = Git::new(&lane);
        wt.populate().expect("populate");
        assert_eq!(
            std::fs::read_to_string(lane.join("sub/b.txt")).expect("b"),
            "b\n"
        );
        assert_eq!(wt.current_branch().expect("b").as_deref(), Some("lane-1"));
        assert_eq!(
            wt.read_text(&["status", "--porcelain"]).expect("status"),
            ""
        );
    }

    #[test]
    fn merges_a_branch_with_a_merge_commit() {
        let dir = repo(&[("a.txt", "a\n")]);
        let d = dir.path();
        let g = Git::new(d);
        git(d, &["switch", "-q", "-c", "lane"]);
        write(d, "b.txt", "b\n");
        git(d, &["add", "-A"]);
        git(d, &["commit", "-q", "-m", "b"]);
        git(d, &["switch", "-q", "main"]);
        let MergeOutcome::Merged { commit } = g.merge_no_ff("lane", "Merge lane").expect("merge")
        else {
            panic!("expected a merge commit");
        };
        let parents = g
            .read_text(&["rev-list", "--parents", "-n", "1", &commit])
            .expect("parents");
        assert_eq!(parents.split_whitespace().count(), 3, "two parents");
        assert_eq!(
            g.read_text(&["log", "-1", "--format=%s"]).expect("log"),
            "Merge lane\n"
        );
        assert_eq!(
            g.merge_no_ff("lane", "again").expect("again"),
            MergeOutcome::UpToDate
        );
        assert!(g.merge_no_ff("nope", "x").is_err());
    }

    #[test]
    fn a_conflict_is_reported_by_path_and_the_merge_aborted() {
        let dir = repo(&[("a.txt", "a\n"), ("b.txt", "b\n")]);
        let d = dir.path();
        let g = Git::new(d);
        git(d, &["switch", "-q", "-c", "lane"]);
        write(d, "a.txt", "lane\n");
        write(d, "b.txt", "lane\n");
        git(d, &["commit", "-q", "-am", "lane"]);
        git(d, &["switch", "-q", "main"]);
        write(d, "a.txt", "main\n");
        write(d, "b.txt", "main\n");
        git(d, &["commit", "-q", "-am", "main"]);
        let head = g.rev_parse("HEAD").expect("head");
        assert_eq!(
            g.merge_no_ff("lane", "Merge lane").expect("merge"),
            MergeOutcome::Conflicted {
                paths: vec!["a.txt".into(), "b.txt".into()]
            }
        );
        assert!(g.status().expect("status").is_empty(), "clean after abort");
        assert_eq!(g.rev_parse("HEAD").expect("head"), head);
        assert!(!g.resolves("MERGE_HEAD"));

        // A dirty file in the way: an error, and nothing changed.
        git(d, &["reset", "-q", "--hard", "HEAD~1"]);
        write(d, "a.txt", "uncommitted\n");
        let err = g.merge_no_ff("lane", "x").expect_err("dirty");
        assert!(err.to_string().contains("git merge"), "{err}");
        assert_eq!(
            std::fs::read_to_string(d.join("a.txt")).expect("read"),
            "uncommitted\n"
        );
    }

    #[test]
    fn worktree_listing_parses_every_attribute() {
        let out = b"worktree /r\0HEAD abc\0branch refs/heads/main\0\0worktree /r/w\0HEAD def\0detached\0locked why\0prunable gone\0\0worktree /bare\0bare\0\0";
        let list = parse_worktrees(out);
        assert_eq!(list.len(), 3);
        assert_eq!(list[0].branch.as_deref(), Some("main"));
        assert!(list[1].branch.is_none() && list[1].locked && list[1].prunable);
        assert!(list[2].bare && list[2].head.is_none());
    }
}
