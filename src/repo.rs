//! Locating the git repository that holds a plan: its worktree root, its git dir and the
//! common git dir shared by every worktree of the repository.
//!
//! This reads `.git` files and directories directly instead of spawning `git`, because it
//! runs on every command and must take microseconds, not milliseconds. Every failure (a
//! missing or unreadable file, a dangling `gitdir:`) means "not in a repository": the
//! functions here return `None` or fall back, and never panic.

use std::fs;
use std::path::{Component, Path, PathBuf};

/// Where a path lives inside a git repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoLocation {
    /// The top of the working tree that contains the path (the directory holding `.git`).
    pub worktree_root: PathBuf,
    /// This worktree's git dir: `<root>/.git` in the main worktree,
    /// `<common>/worktrees/<name>` in a linked one.
    pub git_dir: PathBuf,
    /// The git dir shared by all worktrees of the repository (`<main>/.git`).
    pub common_dir: PathBuf,
}

/// Finds the repository containing `start` (a file or a directory, which need not exist yet)
/// by walking upwards looking for `.git`. Returns `None` when there is none, or when the
/// `.git` found is unreadable or points nowhere.
pub fn discover(start: &Path) -> Option<RepoLocation> {
    let start = resolve(start)?;
    let mut dir: Option<&Path> = if start.is_dir() {
        Some(&start)
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        let dot_git = d.join(".git");
        match fs::metadata(&dot_git) {
            // A `.git` folder without a HEAD (a stray one, or what is left of a repository
            // removed by hand) is no repository: git itself walks past it.
            Ok(meta) if meta.is_dir() && dot_git.join("HEAD").is_file() => {
                let git_dir = fs::canonicalize(&dot_git).ok()?;
                return Some(RepoLocation {
                    worktree_root: fs::canonicalize(d).ok()?,
                    common_dir: git_dir.clone(),
                    git_dir,
                });
            }
            Ok(meta) if meta.is_file() => return from_git_file(d, &dot_git),
            _ => {}
        }
        dir = d.parent();
    }
    None
}

/// The directory holding baton's shared state for the plan at `plan_path`:
/// `<common git dir>/baton` inside a git repository (so every worktree sees the same state),
/// else `<plan's directory>/.baton`.
pub fn state_dir(plan_path: &Path) -> PathBuf {
    if let Some(loc) = discover(plan_path) {
        return loc.common_dir.join("baton");
    }
    let abs = resolve(plan_path).unwrap_or_else(|| plan_path.to_path_buf());
    let dir = if abs.is_dir() {
        abs
    } else {
        match abs.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    };
    dir.join(".baton")
}

/// A stable key naming the plan within its shared state: the plan's path relative to its
/// worktree root with `/` separators (the same plan in two worktrees of one repository gets
/// the same key), else its canonical absolute path.
pub fn plan_key(plan_path: &Path) -> String {
    let abs = resolve(plan_path).unwrap_or_else(|| plan_path.to_path_buf());
    if let Some(loc) = discover(&abs)
        && let Ok(rel) = abs.strip_prefix(&loc.worktree_root)
    {
        let parts: Vec<String> = rel
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        if !parts.is_empty() {
            return parts.join("/");
        }
    }
    abs.to_string_lossy().into_owned()
}

/// Reads a `.git` file (`gitdir: <path>`) of a linked worktree or submodule.
fn from_git_file(root: &Path, dot_git: &Path) -> Option<RepoLocation> {
    let text = fs::read_to_string(dot_git).ok()?;
    let target = text
        .lines()
        .find_map(|line| line.strip_prefix("gitdir:"))
        .map(str::trim)
        .filter(|s| !s.is_empty())?;
    let git_dir = fs::canonicalize(root.join(target)).ok()?;
    if !git_dir.is_dir() {
        return None;
    }
    let common_dir = match fs::read_to_string(git_dir.join("commondir")) {
        Ok(c) if !c.trim().is_empty() => fs::canonicalize(git_dir.join(c.trim())).ok()?,
        _ => git_dir.clone(),
    };
    Some(RepoLocation {
        worktree_root: fs::canonicalize(root).ok()?,
        git_dir,
        common_dir,
    })
}

/// Makes `path` absolute and canonical. A path that does not exist yet is resolved through
/// its nearest existing ancestor, with the missing tail appended as written (minus `.`).
fn resolve(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = fs::canonicalize(path) {
        return Some(p);
    }
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut tail: Vec<&std::ffi::OsStr> = Vec::new();
    let mut cur: &Path = &abs;
    loop {
        if let Ok(base) = fs::canonicalize(cur) {
            let mut out = base;
            for part in tail.iter().rev() {
                out.push(part);
            }
            return Some(out);
        }
        match cur.components().next_back() {
            Some(Component::Normal(name)) => tail.push(name),
            Some(Component::CurDir) => {}
            // `..` past a missing directory, or the root itself: give up on canonical form.
            _ => return Some(abs),
        }
        cur = cur.parent()?;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::process::Command;

    pub(crate) fn git(dir: &Path, args: &[&str]) {
        let out = Command::new("git")
            .args([
                "-c",
                "init.defaultBranch=main",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "baton test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "baton test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A repository at `<tmp>/main` with `docs/plan.md` committed, and a linked worktree
    /// at `<tmp>/wt`.
    pub(crate) fn repo_with_worktree() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let main = tmp.path().join("main");
        fs::create_dir_all(main.join("docs")).expect("mkdir");
        git(&main, &["init", "-q"]);
        fs::write(main.join("docs/plan.md"), "# Plan\n- [ ] T1 x\n").expect("write");
        git(&main, &["add", "."]);
        git(&main, &["commit", "-q", "-m", "init"]);
        git(&main, &["worktree", "add", "-q", "../wt", "-b", "wt"]);
        let wt = tmp.path().join("wt");
        (tmp, main, wt)
    }

    #[test]
    fn main_and_linked_worktree_share_common_dir_state_dir_and_key() {
        let (_tmp, main, wt) = repo_with_worktree();
        let plan_main = main.join("docs/plan.md");
        let plan_wt = wt.join("docs/plan.md");
        assert!(plan_wt.is_file());

        let a = discover(&plan_main).expect("main repo found");
        let b = discover(&plan_wt).expect("worktree found");
        let main_git = fs::canonicalize(main.join(".git")).expect("canon");
        assert_eq!(a.worktree_root, fs::canonicalize(&main).expect("canon"));
        assert_eq!(a.git_dir, main_git);
        assert_eq!(a.common_dir, main_git);
        assert_eq!(b.worktree_root, fs::canonicalize(&wt).expect("canon"));
        assert_eq!(b.git_dir, main_git.join("worktrees").join("wt"));
        assert_eq!(b.common_dir, main_git);

        assert_eq!(state_dir(&plan_main), main_git.join("baton"));
        assert_eq!(state_dir(&plan_main), state_dir(&plan_wt));
        assert_eq!(plan_key(&plan_main), "docs/plan.md");
        assert_eq!(plan_key(&plan_main), plan_key(&plan_wt));
    }

    #[test]
    fn discovers_from_directories_and_not_yet_existing_files() {
        let (_tmp, main, wt) = repo_with_worktree();
        let root = fs::canonicalize(&wt).expect("canon");
        assert_eq!(discover(&wt).map(|l| l.worktree_root), Some(root.clone()));
        assert_eq!(
            discover(&wt.join("docs")).map(|l| l.worktree_root),
            Some(root)
        );
        let missing = main.join("new/dir/plan.md");
        assert!(discover(&missing).is_some());
        assert_eq!(plan_key(&missing), "new/dir/plan.md");
        assert_eq!(plan_key(&wt.join("new/./dir/plan.md")), "new/dir/plan.md");
    }

    #[test]
    fn a_stray_git_folder_without_head_is_no_repository() {
        let tmp = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(tmp.path().join(".git/baton")).expect("mkdir");
        let plan = tmp.path().join("plan.md");
        assert!(discover(&plan).is_none());
        assert_eq!(
            state_dir(&plan),
            fs::canonicalize(tmp.path()).expect("canon").join(".baton")
        );
    }

    #[test]
    fn relative_gitdir_and_commondir_are_resolved() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let common = tmp.path().join("repo/.git");
        let wt_git = common.join("worktrees/x");
        fs::create_dir_all(&wt_git).expect("mkdir");
        fs::write(wt_git.join("commondir"), "../..\n").expect("write");
        let wt = tmp.path().join("wt");
        fs::create_dir_all(wt.join("sub")).expect("mkdir");
        fs::write(wt.join(".git"), "gitdir: ../repo/.git/worktrees/x\n").expect("write");

        let loc = discover(&wt.join("sub/plan.md")).expect("found");
        assert_eq!(loc.worktree_root, fs::canonicalize(&wt).expect("canon"));
        assert_eq!(loc.git_dir, fs::canonicalize(&wt_git).expect("canon"));
        assert_eq!(loc.common_dir, fs::canonicalize(&common).expect("canon"));
        assert_eq!(plan_key(&wt.join("sub/plan.md")), "sub/plan.md");
    }

    #[test]
    fn broken_git_files_mean_no_repository() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let a = tmp.path().join("a");
        fs::create_dir_all(&a).expect("mkdir");
        fs::write(a.join(".git"), "gitdir: does/not/exist\n").expect("write");
        assert_eq!(discover(&a.join("plan.md")), None);
        let b = tmp.path().join("b");
        fs::create_dir_all(&b).expect("mkdir");
        fs::write(b.join(".git"), "garbage").expect("write");
        assert_eq!(discover(&b), None);
        fs::write(b.join(".git"), [0xff, 0xfe, 0x00]).expect("write");
        assert_eq!(discover(&b), None);
    }

    #[test]
    fn outside_a_repository_state_lives_next_to_the_plan() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let plan = tmp.path().join("plan.md");
        fs::write(&plan, "# Plan\n").expect("write");
        if discover(&plan).is_some() {
            return; // the temp dir itself sits inside a repository; nothing to check
        }
        let dir = fs::canonicalize(tmp.path()).expect("canon");
        assert_eq!(state_dir(&plan), dir.join(".baton"));
        assert_eq!(
            plan_key(&plan),
            dir.join("plan.md").to_string_lossy().into_owned()
        );
    }
}
