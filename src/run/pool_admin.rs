//! The worktree pool by hand (`baton pool`): see what it holds, fill it before a run, drop
//! it.
//!
//! Why: a session whose worktree comes from the pool starts in a move and two ref writes; one
//! added fresh waits for every file of the repository to be written, which is the disk's
//! work (seconds for 10,000 files on a busy disk) and no choice of baton's can shorten it.
//! Filling the pool ahead (after a clone, in a CI job's setup, while the plan is still being
//! written) moves that wait out of the run: every session of the next run then starts warm.
//!
//! A worktree being filled is added and checked out in a staging folder
//! (`.baton/worktrees/filling/<n>`) and moved into the pool only once complete, so a run
//! never takes half a checkout; what a killed fill left in staging is removed by the next
//! fill or drop.

use std::path::{Path, PathBuf};

use crate::git::Git;
use crate::ops::{Error, Project};

use super::engine::WORKTREES;
use super::pool::{self, dir, entries};
use super::repo::{git_error, worktrees_lock};

/// Staging folder of a fill, under [`WORKTREES`].
const FILLING: &str = "filling";

/// The pool of the repository a plan is in: the main worktree's root (where `baton run`
/// puts its worktrees) and the pool's size, `[run] pool` of the plan's baton.toml.
pub fn locate(project: &Project) -> Result<(PathBuf, usize), Error> {
    let config = crate::ops::audit::config(project)?;
    let root = Git::new(project.dir())
        .toplevel()
        .map_err(|e| Error::input(format!("the worktree pool needs a git repository: {e}")))?;
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    Ok((root, config.run.pool as usize))
}

/// Readies the repository for the runs a filled pool is for, as the first run would: the
/// state store made (its tables created), the runs' files kept out of git and the plan
/// merged through baton's driver ([`super::repo::prepare_repository`]). The first run after
/// a fill then starts as a later run does, instead of paying for these on its way to its
/// first session.
pub fn ready_for_runs(project: &Project, root: &Path) -> Result<(), Error> {
    project.state()?;
    let plan = std::fs::canonicalize(&project.path)
        .map_err(|e| Error::input(format!("cannot read {}: {e}", project.shown)))?;
    match plan.strip_prefix(root) {
        Ok(plan_rel) => super::repo::prepare_repository(root, plan_rel),
        // A plan outside the repository cannot be run (`baton run` says so).
        Err(_) => Ok(()),
    }
}

/// One worktree held by the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolEntry {
    pub path: PathBuf,
    /// The commit it is checked out at (its HEAD is detached).
    pub commit: Option<String>,
}

/// What the pool holds, in order.
pub fn list(root: &Path) -> Vec<PoolEntry> {
    let main = Git::new(root);
    let found = {
        let _worktrees = worktrees_lock();
        entries(&main, root)
    };
    found
        .into_iter()
        .map(|path| {
            let commit = Git::new(&path).rev_parse("HEAD").ok();
            PoolEntry { path, commit }
        })
        .collect()
}

/// What a fill did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    /// Worktrees added by this fill.
    pub added: usize,
    /// Worktrees the pool holds now.
    pub held: usize,
}

/// Adds worktrees at `start` until the pool holds `target`, checking them out at once
/// (each in its own thread: the checkouts overlap, as a run's sessions do).
pub fn fill(root: &Path, start: &str, target: usize) -> Result<Filled, Error> {
    let main = Git::new(root);
    let staging = root.join(WORKTREES).join(FILLING);
    let missing = {
        let _worktrees = worktrees_lock();
        clear_staging(&main, &staging);
        target.saturating_sub(entries(&main, root).len())
    };
    let mut slots = Vec::with_capacity(missing);
    for n in 0..missing {
        let path = staging.join(n.to_string());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::input(format!("cannot create {}: {e}", parent.display())))?;
        }
        let _worktrees = worktrees_lock();
        main.worktree_add_detached_empty(&path, start)
            .map_err(|e| git_error("git worktree add", e))?;
        slots.push(path);
    }
    // Checked out outside the lock, all at once.
    let populated: Vec<(PathBuf, bool)> = std::thread::scope(|scope| {
        let handles: Vec<_> = slots
            .iter()
            .map(|path| scope.spawn(move || Git::new(path).populate().is_ok()))
            .collect();
        slots
            .iter()
            .cloned()
            .zip(handles.into_iter().map(|h| h.join().unwrap_or(false)))
            .collect()
    });
    let _worktrees = worktrees_lock();
    let pool_dir = dir(root);
    let _ = std::fs::create_dir_all(&pool_dir);
    let mut added = 0;
    let mut failure = None;
    for (path, ok) in populated {
        let free = pool::free_slot(&pool_dir);
        match free {
            Some(to) if ok && main.worktree_move(&path, &to).is_ok() => added += 1,
            _ => {
                failure.get_or_insert_with(|| path.clone());
                pool::remove(&main, &path);
            }
        }
    }
    clear_staging(&main, &staging);
    if let Some(path) = failure {
        return Err(Error::internal(format!(
            "a pool worktree could not be checked out or moved into the pool ({}); {added} \
             added",
            path.display()
        )));
    }
    Ok(Filled {
        added,
        held: entries(&main, root).len(),
    })
}

/// Removes every worktree of the pool (and what a killed fill left); how many went.
pub fn drop_all(root: &Path) -> usize {
    let main = Git::new(root);
    let _worktrees = worktrees_lock();
    clear_staging(&main, &root.join(WORKTREES).join(FILLING));
    let held = entries(&main, root);
    for path in &held {
        pool::remove(&main, path);
    }
    let _ = std::fs::remove_dir(dir(root));
    let _ = std::fs::remove_dir(root.join(WORKTREES));
    held.len()
}

/// Removes what is in the staging folder (a fill cut short). Called under the worktrees lock.
fn clear_staging(main: &Git, staging: &Path) {
    let Ok(read) = std::fs::read_dir(staging) else {
        return;
    };
    for entry in read.filter_map(Result::ok) {
        pool::remove(main, &entry.path());
    }
    let _ = std::fs::remove_dir(staging);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::testing::{repo, write};

    #[test]
    fn a_fill_adds_complete_worktrees_up_to_the_target_and_drop_removes_them() {
        let dir = repo(&[("a.txt", "a\n"), ("src/b.txt", "b\n")]);
        let root = std::fs::canonicalize(dir.path()).expect("canon");
        let start = Git::new(&root).rev_parse("HEAD").expect("head");
        // What a killed fill left in staging is cleared, not pooled.
        write(&root, ".baton/worktrees/filling/7/half.txt", "x\n");
        let filled = fill(&root, &start, 3).expect("filled");
        assert_eq!(filled, Filled { added: 3, held: 3 });
        assert!(!root.join(WORKTREES).join(FILLING).exists());
        let held = list(&root);
        assert_eq!(held.len(), 3);
        for entry in &held {
            assert_eq!(entry.commit.as_deref(), Some(start.as_str()));
            assert!(entry.path.join("src/b.txt").is_file(), "checked out");
        }
        // Filling to what it holds adds nothing.
        assert_eq!(fill(&root, &start, 2).expect("noop").added, 0);
        assert_eq!(drop_all(&root), 3);
        assert!(list(&root).is_empty());
        assert!(!root.join(WORKTREES).exists());
        let listed = Git::new(&root).worktree_list().expect("list");
        assert_eq!(listed.len(), 1, "only the main worktree is left");
    }
}
