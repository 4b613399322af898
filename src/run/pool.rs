//! The worktree pool: a session's worktree is recycled instead of removed, and the next
//! session takes it instead of checking out every file of the repository again
//! (`git worktree add` of a 10,000-file repository takes seconds; switching a pooled
//! worktree to a new branch rewrites only the files that differ).
//!
//! A worktree goes back to the pool only clean: no uncommitted change to a tracked file, no
//! merge or rebase under way; its HEAD is detached (so its branch is free) and its untracked
//! files are removed (`git clean -ffd`). Ignored files (build caches: `target/`,
//! `node_modules/`) stay: the next session's build starts warm. Entries live in
//! `.baton/worktrees/pool/<n>`, are real worktrees (`git worktree list` shows them) and
//! survive across runs, up to `[run] pool` of them (0: no pool, every worktree added and
//! removed).
//!
//! A pooled worktree that fails any step of its reuse is removed and a fresh one added: a
//! session never starts in a dirty tree or on the wrong commit. Anything in the pool folder
//! that is not a valid worktree (a move cut short by a kill) is dropped when the pool is read.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::git::Git;
use crate::ops::Error;

use super::engine::WORKTREES;
use super::repo::{git_error, worktrees_lock};

/// The pool's folder under [`WORKTREES`].
pub const POOL: &str = "pool";

/// The pool's folder of the repository at `root`.
pub fn dir(root: &Path) -> PathBuf {
    root.join(WORKTREES).join(POOL)
}

/// Where a session's worktree came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// Taken from the pool and switched to the session's branch.
    Pool,
    /// Added fresh (`git worktree add`).
    Added,
}

/// Makes the worktree at `path` on a new branch `branch` at `start`: from the pool when it
/// holds a worktree (and `cap` is not 0), else a fresh `git worktree add`.
pub(super) fn checkout(
    main: &Git,
    root: &Path,
    cap: usize,
    path: &Path,
    branch: &str,
    start: &str,
) -> Result<Source, Error> {
    if cap > 0 {
        let taken = std::thread::scope(|scope| {
            // Whether the branch was there before, asked while the pool entry moves (it
            // matters only when the reuse fails).
            let existed = scope.spawn(|| main.resolves(&format!("refs/heads/{branch}")));
            let taken = {
                let _worktrees = worktrees_lock();
                take(main, root, path)
            };
            let reused = taken && reuse(path, branch, start);
            (taken, reused, existed.join().unwrap_or(true))
        });
        match taken {
            (_, true, _) => return Ok(Source::Pool),
            (true, false, existed) => {
                let _worktrees = worktrees_lock();
                remove(main, path);
                // A branch the failed reuse made goes with it; `git worktree add` makes it
                // again.
                if !existed && main.resolves(&format!("refs/heads/{branch}")) {
                    let _ = main.write(&["branch", "-D", "--end-of-options", branch]);
                }
            }
            (false, ..) => {}
        }
    }
    {
        let _worktrees = worktrees_lock();
        main.worktree_add_empty(path, branch, start)
            .map_err(|e| git_error("git worktree add", e))?;
    }
    // The files are written outside the lock: sessions starting together check out at once.
    if let Err(e) = Git::new(path).populate() {
        let _worktrees = worktrees_lock();
        remove(main, path);
        let _ = main.write(&["branch", "-D", "--end-of-options", branch]);
        return Err(git_error("git checkout", e));
    }
    Ok(Source::Added)
}

/// Recycles the finished session's worktree at `path` into the pool when it is clean and
/// the pool holds fewer than `cap`; else removes it as `git worktree remove --force` does.
/// True when it went to the pool.
pub(super) fn give_back(main: &Git, root: &Path, cap: usize, path: &Path) -> bool {
    if cap > 0 && make_clean(path) {
        let _worktrees = worktrees_lock();
        let held = entries(main, root);
        if held.len() < cap {
            let pool = dir(root);
            let _ = std::fs::create_dir_all(&pool);
            let free = free_slot(&pool);
            if let Some(to) = free
                && main.worktree_move(path, &to).is_ok()
            {
                return true;
            }
        }
        remove(main, path);
        return false;
    }
    let _worktrees = worktrees_lock();
    remove(main, path);
    false
}

/// The first `<pool>/<n>` nothing is at yet: where a worktree joins the pool.
pub(super) fn free_slot(pool: &Path) -> Option<PathBuf> {
    (0..)
        .map(|n: usize| pool.join(n.to_string()))
        .find(|p| !p.exists())
}

/// The pool's entries that are valid worktrees, in order; anything else in its folder (a
/// move cut short, a stray file) is removed. Called under the worktrees lock.
pub(super) fn entries(main: &Git, root: &Path) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(dir(root)) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = read.filter_map(Result::ok).map(|e| e.path()).collect();
    if found.is_empty() {
        return found;
    }
    let listed = main.worktree_list().unwrap_or_default();
    // git's records of worktrees whose folder is gone are pruned only when there are some:
    // one process less on every take.
    if listed.iter().any(|w| w.prunable) {
        let _ = main.write(&["worktree", "prune"]);
    }
    let usable: HashSet<PathBuf> = listed
        .into_iter()
        .filter(|w| !w.bare && !w.locked && !w.prunable)
        .filter_map(|w| std::fs::canonicalize(&w.path).ok())
        .collect();
    found.retain(|p| {
        let valid = std::fs::canonicalize(p).is_ok_and(|c| usable.contains(&c));
        if !valid && !is_locked_worktree(main, p) {
            drop_path(p);
        }
        valid
    });
    found.sort_by_key(|p| {
        let n = p.file_name().and_then(|n| n.to_str()?.parse::<u64>().ok());
        (n.is_none(), n, p.clone())
    });
    found
}

/// A locked worktree is left alone: someone locked it on purpose.
fn is_locked_worktree(main: &Git, path: &Path) -> bool {
    let Ok(canon) = std::fs::canonicalize(path) else {
        return false;
    };
    main.worktree_list()
        .unwrap_or_default()
        .iter()
        .any(|w| w.locked && std::fs::canonicalize(&w.path).is_ok_and(|c| c == canon))
}

/// Moves the first pool entry that moves to `path`; entries that do not are removed. Called
/// under the worktrees lock.
fn take(main: &Git, root: &Path, path: &Path) -> bool {
    if let Some(parent) = path.parent()
        && std::fs::create_dir_all(parent).is_err()
    {
        return false;
    }
    for entry in entries(main, root) {
        if main.worktree_move(&entry, path).is_ok() {
            return true;
        }
        remove(main, &entry);
        if path.exists() {
            remove(main, path);
        }
    }
    false
}

/// Switches a worktree just taken from the pool to a new branch at `start`, then checks it
/// is on that branch at `start` with nothing under way.
///
/// It was clean when it went to the pool ([`make_clean`]); that its tracked files still
/// are is checked by their stat data alone (`git diff-index --quiet HEAD`, no untracked
/// scan), and an entry changed since is not used. That pass over every file runs while the
/// entry's own checks (its own `.git`, its HEAD, nothing under way) are read by another git.
/// An entry already at `start` (the common case: the integration branch has not moved) then
/// only gets its branch (`git switch --create` with no start point, which git does without
/// touching the index or a file); one elsewhere is checked out at `start`, which rewrites
/// the files that differ. An untracked file dropped into a pooled tree by hand would reach
/// the integration branch only through a commit, which the gate audits against the unit's
/// scope.
fn reuse(path: &Path, branch: &str, start: &str) -> bool {
    let wt = Git::new(path);
    let (head, clean) = std::thread::scope(|scope| {
        let clean = scope.spawn(|| wt.write(&["diff-index", "--quiet", "HEAD", "--"]).is_ok());
        let head = pooled_head(&wt);
        (head, clean.join().unwrap_or(false))
    });
    let Some(head) = head else {
        return false;
    };
    if !clean {
        return false;
    }
    let switched = if head == start {
        // `--create=NAME`: the name is never read as an option.
        wt.write(&["switch", "--quiet", &format!("--create={branch}")])
            .is_ok()
    } else {
        wt.write(&[
            "checkout",
            "--quiet",
            "--force",
            "--no-recurse-submodules",
            "-b",
            branch,
            "--end-of-options",
            start,
        ])
        .is_ok()
    };
    switched && on_branch_at(&wt, branch, start)
}

/// A pooled worktree's HEAD commit, when git run in its folder works on that worktree (see
/// [`own_worktree`]) and nothing is under way in it (see [`under_way`]): all read by one git.
fn pooled_head(wt: &Git) -> Option<String> {
    let out = wt
        .read_text(&["rev-parse", "--show-toplevel", "--absolute-git-dir", "HEAD"])
        .ok()?;
    let mut lines = out.lines();
    let (top, git_dir, head) = (lines.next()?, lines.next()?, lines.next()?);
    let own = match (std::fs::canonicalize(top), std::fs::canonicalize(wt.dir())) {
        (Ok(top), Ok(dir)) => top == dir,
        _ => false,
    };
    (own && !operation_under_way(Path::new(git_dir))).then(|| head.to_string())
}

/// Whether the worktree's HEAD is `branch` at `start` (one git for both).
fn on_branch_at(wt: &Git, branch: &str, start: &str) -> bool {
    let Ok(out) = wt.read_text(&["rev-parse", "HEAD", "--symbolic-full-name", "HEAD"]) else {
        return false;
    };
    let mut lines = out.lines();
    lines.next() == Some(start)
        && lines.next() == Some(format!("refs/heads/{branch}").as_str())
        && lines.next().is_none()
}

/// Readies a finished session's worktree for the pool: true when it had no uncommitted
/// change to a tracked file and nothing under way, and is now detached with its untracked
/// files removed (ignored ones kept).
fn make_clean(path: &Path) -> bool {
    let wt = Git::new(path);
    own_worktree(&wt)
        && !under_way(&wt)
        && wt
            .read_text(&["status", "--porcelain", "--untracked-files=no"])
            .is_ok_and(|s| s.is_empty())
        && wt.write(&["checkout", "--quiet", "--detach"]).is_ok()
        && wt.write(&["clean", "-ffdq"]).is_ok()
}

/// Whether git, run in the worktree's folder, works on that worktree: a folder whose `.git`
/// file is gone would have git find the main worktree around it, and detaching or cleaning
/// that one is never what a recycle means.
fn own_worktree(wt: &Git) -> bool {
    let Ok(top) = wt.toplevel() else {
        return false;
    };
    match (std::fs::canonicalize(top), std::fs::canonicalize(wt.dir())) {
        (Ok(top), Ok(dir)) => top == dir,
        _ => false,
    }
}

/// A merge, rebase, cherry-pick, revert or bisect under way in a worktree (or no readable
/// git dir at all).
fn under_way(wt: &Git) -> bool {
    let Ok(git_dir) = wt.read_text(&["rev-parse", "--absolute-git-dir"]) else {
        return true;
    };
    operation_under_way(Path::new(git_dir.trim_end()))
}

/// A merge, rebase, cherry-pick, revert or bisect under way in the worktree whose git dir
/// is `git_dir`.
fn operation_under_way(git_dir: &Path) -> bool {
    [
        "MERGE_HEAD",
        "CHERRY_PICK_HEAD",
        "REVERT_HEAD",
        "BISECT_LOG",
        "rebase-merge",
        "rebase-apply",
    ]
    .iter()
    .any(|f| git_dir.join(f).exists())
}

/// Removes the worktree at `path` (its uncommitted changes too), and whatever is left of it.
pub(super) fn remove(main: &Git, path: &Path) {
    let _ = main.worktree_remove(path, true);
    drop_path(path);
    let _ = main.write(&["worktree", "prune"]);
}

fn drop_path(path: &Path) {
    if std::fs::remove_dir_all(path).is_err() {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::testing::{git, repo, write};

    fn head(path: &Path) -> String {
        Git::new(path).rev_parse("HEAD").expect("head")
    }

    /// A repository with `files` committed on `main`, as each test starts.
    struct Fixture {
        /// Holds the repository: removed when the test ends.
        _dir: tempfile::TempDir,
        /// Its root, canonical (worktree paths are compared with git's).
        root: PathBuf,
        /// Its main worktree.
        main: Git,
        /// Its HEAD: where sessions start.
        start: String,
    }

    fn fixture(files: &[(&str, &str)]) -> Fixture {
        let dir = repo(files);
        let root = std::fs::canonicalize(dir.path()).expect("canon");
        Fixture {
            main: Git::new(&root),
            start: head(&root),
            root,
            _dir: dir,
        }
    }

    /// Where session `session` of run `run` checks out.
    fn worktree(root: &Path, run: &str, session: &str) -> PathBuf {
        root.join(WORKTREES).join(run).join(session)
    }

    #[test]
    fn a_recycled_worktree_is_taken_clean_with_its_ignored_files() {
        let f = fixture(&[("a.txt", "a\n"), (".gitignore", "cache/\n")]);
        let one = worktree(&f.root, "1", "s1");
        assert_eq!(
            checkout(&f.main, &f.root, 2, &one, "b1", &f.start).expect("add"),
            Source::Added
        );
        write(&one, "cache/warm", "w\n");
        write(&one, "loose.txt", "untracked\n");
        write(&one, "b.txt", "b\n");
        git(&one, &["add", "b.txt"]);
        git(&one, &["commit", "-qm", "b"]);
        assert!(give_back(&f.main, &f.root, 2, &one));
        assert!(!one.exists());
        assert_eq!(entries(&f.main, &f.root).len(), 1);
        // The branch is free: not checked out in the pooled worktree.
        git(&f.root, &["branch", "-D", "b1"]);

        let two = worktree(&f.root, "2", "s1");
        assert_eq!(
            checkout(&f.main, &f.root, 2, &two, "b2", &f.start).expect("take"),
            Source::Pool
        );
        assert_eq!(head(&two), f.start);
        assert!(two.join("cache/warm").is_file(), "ignored files kept");
        assert!(!two.join("loose.txt").exists(), "untracked files removed");
        assert!(!two.join("b.txt").exists(), "the start commit's files only");
        assert!(entries(&f.main, &f.root).is_empty());
    }

    #[test]
    fn a_dirty_worktree_is_removed_not_pooled_and_the_cap_holds() {
        let f = fixture(&[("a.txt", "a\n")]);
        let wt = |n: &str| worktree(&f.root, "1", n);
        for n in ["s1", "s2", "s3"] {
            checkout(&f.main, &f.root, 2, &wt(n), n, &f.start).expect("add");
        }
        write(&wt("s1"), "a.txt", "uncommitted\n");
        assert!(!give_back(&f.main, &f.root, 2, &wt("s1")), "dirty");
        assert!(!wt("s1").exists());
        assert!(give_back(&f.main, &f.root, 2, &wt("s2")));
        assert!(give_back(&f.main, &f.root, 1 + 1, &wt("s3")));
        let s4 = wt("s4");
        checkout(&f.main, &f.root, 2, &s4, "s4", &f.start).expect("take");
        assert!(!give_back(&f.main, &f.root, 1, &s4), "over the cap");
        assert_eq!(entries(&f.main, &f.root).len(), 1);
        assert_eq!(f.main.worktree_list().expect("list").len(), 2);
    }

    #[test]
    fn a_broken_pool_entry_is_dropped_and_a_fresh_worktree_added() {
        let f = fixture(&[("a.txt", "a\n")]);
        let stray = dir_of(&f.root).join("0");
        std::fs::create_dir_all(&stray).expect("mkdir");
        std::fs::write(stray.join("junk"), "x").expect("write");
        let s1 = worktree(&f.root, "1", "s1");
        assert_eq!(
            checkout(&f.main, &f.root, 2, &s1, "s1", &f.start).expect("add"),
            Source::Added
        );
        assert!(!stray.exists(), "not a worktree: dropped");
        assert!(give_back(&f.main, &f.root, 2, &s1));
        // A pooled worktree left mid-merge is never handed out.
        let pooled = entries(&f.main, &f.root).remove(0);
        let git_dir = Git::new(&pooled)
            .read_text(&["rev-parse", "--absolute-git-dir"])
            .expect("git dir");
        std::fs::write(Path::new(git_dir.trim_end()).join("MERGE_HEAD"), &f.start).expect("write");
        let s2 = worktree(&f.root, "1", "s2");
        assert_eq!(
            checkout(&f.main, &f.root, 2, &s2, "s2", &f.start).expect("fresh"),
            Source::Added
        );
        assert!(!Git::new(&s2).resolves("MERGE_HEAD"));
        assert_eq!(f.main.current_branch().expect("b").as_deref(), Some("main"));
    }

    #[test]
    fn a_folder_that_lost_its_git_file_is_removed_and_the_main_worktree_untouched() {
        let f = fixture(&[("a.txt", "a\n")]);
        let s1 = worktree(&f.root, "1", "s1");
        checkout(&f.main, &f.root, 2, &s1, "s1", &f.start).expect("add");
        std::fs::remove_file(s1.join(".git")).expect("rm .git");
        assert!(!give_back(&f.main, &f.root, 2, &s1));
        assert!(!s1.exists());
        assert_eq!(f.main.current_branch().expect("b").as_deref(), Some("main"));
        assert!(entries(&f.main, &f.root).is_empty());
    }

    #[test]
    fn a_pooled_worktree_behind_the_start_is_forced_to_it() {
        let f = fixture(&[("a.txt", "a\n")]);
        let old = &f.start;
        let s1 = worktree(&f.root, "1", "s1");
        checkout(&f.main, &f.root, 2, &s1, "s1", old).expect("add");
        assert!(give_back(&f.main, &f.root, 2, &s1));
        // The integration branch moves on.
        write(&f.root, "a.txt", "a2\n");
        write(&f.root, "c.txt", "c\n");
        git(&f.root, &["add", "a.txt", "c.txt"]);
        git(&f.root, &["commit", "-qm", "more"]);
        let start = head(&f.root);
        let s2 = worktree(&f.root, "2", "s2");
        assert_eq!(
            checkout(&f.main, &f.root, 2, &s2, "s2", &start).expect("take"),
            Source::Pool
        );
        assert_eq!(head(&s2), start);
        assert_eq!(
            std::fs::read_to_string(s2.join("a.txt")).expect("a"),
            "a2\n"
        );
        assert!(s2.join("c.txt").is_file());
        let status = Git::new(&s2)
            .read_text(&["status", "--porcelain"])
            .expect("status");
        assert_eq!(status, "", "clean on its branch");
    }

    #[test]
    fn a_pooled_worktree_at_the_start_only_gets_its_branch() {
        let f = fixture(&[("a.txt", "a\n")]);
        let s1 = worktree(&f.root, "1", "s1");
        checkout(&f.main, &f.root, 2, &s1, "s1", &f.start).expect("add");
        assert!(give_back(&f.main, &f.root, 2, &s1));
        let s2 = worktree(&f.root, "2", "s2");
        assert_eq!(
            checkout(&f.main, &f.root, 2, &s2, "s2", &f.start).expect("take"),
            Source::Pool
        );
        let wt = Git::new(&s2);
        assert_eq!(wt.current_branch().expect("b").as_deref(), Some("s2"));
        assert_eq!(head(&s2), f.start);
        // The branch is an ordinary one: a commit on it moves it, not the start.
        write(&s2, "b.txt", "b\n");
        git(&s2, &["add", "b.txt"]);
        git(&s2, &["commit", "-qm", "b"]);
        assert_ne!(f.main.rev_parse("refs/heads/s2").expect("s2"), f.start);
        assert_eq!(head(&f.root), f.start);
        // A branch name that is taken makes the take fail over to a fresh worktree, never
        // move the existing branch.
        assert!(give_back(&f.main, &f.root, 2, &s2));
        let s3 = worktree(&f.root, "3", "s3");
        assert!(checkout(&f.main, &f.root, 2, &s3, "s2", &f.start).is_err());
        assert_ne!(f.main.rev_parse("refs/heads/s2").expect("s2"), f.start);
    }

    #[test]
    fn a_pooled_worktree_changed_in_the_pool_is_replaced_by_a_fresh_one() {
        let f = fixture(&[("a.txt", "a\n")]);
        let s1 = worktree(&f.root, "1", "s1");
        checkout(&f.main, &f.root, 2, &s1, "s1", &f.start).expect("add");
        assert!(give_back(&f.main, &f.root, 2, &s1));
        let pooled = entries(&f.main, &f.root).remove(0);
        write(&pooled, "a.txt", "edited in the pool\n");
        let s2 = worktree(&f.root, "2", "s2");
        assert_eq!(
            checkout(&f.main, &f.root, 2, &s2, "s2", &f.start).expect("fresh"),
            Source::Added
        );
        assert_eq!(std::fs::read_to_string(s2.join("a.txt")).expect("a"), "a\n");
        assert!(!pooled.exists(), "the changed entry is removed");
        let wt = Git::new(&s2);
        assert_eq!(wt.current_branch().expect("b").as_deref(), Some("s2"));
        assert!(on_branch_at(&wt, "s2", &f.start));
        assert!(!on_branch_at(&wt, "s1", &f.start));
    }

    fn dir_of(root: &Path) -> PathBuf {
        dir(root)
    }
}
