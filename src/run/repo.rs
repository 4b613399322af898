//! The repository a run works in: checked before anything starts (a branch checked out, a
//! clean tree, the plan committed), prepared once (the run's folder, the prompt kept out of
//! git, the plan's merge driver), and the worktree bookkeeping every session shares.

use std::path::{Path, PathBuf};

use crate::git::{Git, GitError};
use crate::ops::{Error, Project};

use super::engine::Planned;

/// What git ignores for a run, in the repository's `info/exclude`: a session's prompt inside
/// its worktree, and the worktrees inside the main one.
const EXCLUDE_LINES: [&str; 2] = ["/.baton/run/", "/.baton/worktrees/"];

pub(super) fn git_error(what: &str, err: GitError) -> Error {
    Error::internal(format!("{what}: {err}"))
}
/// The repository as a run needs it, checked: its root, the integration branch (HEAD's),
/// HEAD's commit, and the plan's path from the root.
pub(super) struct Checked {
    pub root: PathBuf,
    pub integration: String,
    pub head: String,
    pub plan_rel: PathBuf,
}

/// Checks what every run needs: a repository, HEAD on a branch, no uncommitted changes to
/// tracked files, the plan committed; then does `then` with what was checked.
///
/// The look for uncommitted changes (`git status` over every tracked file: the one check
/// whose cost grows with the repository) runs in a git of its own from the start, while the
/// other checks and `then` (which must only read: it runs before the tree is known clean)
/// go on; its verdict still comes first: a dirty tree is refused as before, whatever `then`
/// found.
pub(super) fn check_repository_then<T>(
    project: &Project,
    then: impl FnOnce(&Checked) -> Result<T, Error>,
) -> Result<(Checked, T), Error> {
    let git = Git::new(project.dir());
    std::thread::scope(|scope| {
        let status =
            scope.spawn(|| git.read_text(&["status", "--porcelain", "--untracked-files=no"]));
        let on_branch = on_a_branch(&git);
        let rest = on_branch.as_ref().ok().map(|(root, integration)| {
            committed(project, &git, root, integration).and_then(|checked| {
                let done = then(&checked)?;
                Ok((checked, done))
            })
        });
        // A repository on a branch is checked before its tree, as before.
        on_branch?;
        let dirty = status
            .join()
            .unwrap_or_else(|_| Ok(String::new()))
            .map_err(|e| git_error("git status", e))?;
        if !dirty.trim().is_empty() {
            let files: Vec<&str> = dirty.lines().map(|l| l.get(3..).unwrap_or(l)).collect();
            return Err(Error::input(format!(
                "the working tree has uncommitted changes ({}): sessions start from the last \
                 commit and merge back here",
                files.join(", ")
            ))
            .with_hint("commit or stash them, then run again"));
        }
        rest.unwrap_or_else(|| Err(Error::internal("the repository check did not run")))
    })
}

/// [`check_repository_then`] with nothing to do meanwhile.
pub(super) fn check_repository(project: &Project) -> Result<Checked, Error> {
    check_repository_then(project, |_| Ok(())).map(|(checked, ())| checked)
}

/// The main worktree's root and the branch checked out.
fn on_a_branch(git: &Git) -> Result<(PathBuf, String), Error> {
    let root = git
        .toplevel()
        .map_err(|e| Error::input(format!("baton run needs a git repository: {e}")))?;
    let integration = git
        .current_branch()
        .map_err(|e| git_error("git", e))?
        .ok_or_else(|| {
            Error::input("HEAD is detached: baton run merges into the branch it starts on")
                .with_hint("check out the integration branch (`git switch main`), then run again")
        })?;
    Ok((root, integration))
}

/// HEAD's commit and the plan's path, the plan committed there.
fn committed(
    project: &Project,
    git: &Git,
    root: &Path,
    integration: &str,
) -> Result<Checked, Error> {
    let start = git.rev_parse("HEAD").map_err(|e| git_error("git", e))?;
    let abs_plan = std::fs::canonicalize(&project.path)
        .map_err(|e| Error::input(format!("cannot read {}: {e}", project.shown)))?;
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let plan_rel = abs_plan
        .strip_prefix(&root)
        .map_err(|_| Error::input(format!("{} is outside the repository", project.shown)))?
        .to_path_buf();
    let committed = git
        .show_file("HEAD", &plan_rel.to_string_lossy())
        .map_err(|e| git_error("git", e))?;
    if committed.is_none() {
        return Err(Error::input(format!(
            "{} is not committed: sessions start from the last commit",
            project.shown
        ))
        .with_hint("commit the plan, then run again"));
    }
    Ok(Checked {
        root,
        integration: integration.to_string(),
        head: start,
        plan_rel,
    })
}

/// Whether `branch` is already part of the branch checked out (merged).
pub(super) fn is_ancestor(git: &Git, branch: &str) -> bool {
    git.command(&["merge-base", "--is-ancestor", branch, "HEAD"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The run's folder, the prompt's exclusion from git, and the merge driver for the plan.
pub(super) fn prepare(planned: &Planned) -> Result<(), Error> {
    std::fs::create_dir_all(planned.dir.join("logs"))
        .map_err(|e| Error::input(format!("cannot create {}: {e}", planned.dir.display())))?;
    prepare_repository(&planned.root, &planned.plan_rel)
}

/// What every run of the repository at `root` needs once, whatever the run: the prompt and
/// the worktrees kept out of git (`info/exclude`), and the merge driver for the plan at
/// `plan_rel`. Nothing is written when all of it is there already (`baton pool fill` does
/// it ahead, so the first run after a fill starts as a later one does).
pub(super) fn prepare_repository(root: &Path, plan_rel: &Path) -> Result<(), Error> {
    let git = Git::new(root);
    let common = git
        .read_text(&["rev-parse", "--git-common-dir"])
        .map_err(|e| git_error("git", e))?;
    let common = root.join(common.trim());
    let info = common.join("info");
    let _ = std::fs::create_dir_all(&info);
    let exclude = info.join("exclude");
    let text = std::fs::read_to_string(&exclude).unwrap_or_default();
    let missing: Vec<&str> = EXCLUDE_LINES
        .into_iter()
        .filter(|line| !text.lines().any(|l| l.trim() == *line))
        .collect();
    if !missing.is_empty() {
        let sep = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        let added: String = missing.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(&exclude, format!("{text}{sep}{added}"))
            .map_err(|e| Error::input(format!("cannot write {}: {e}", exclude.display())))?;
    }
    register_merge_driver(root, &common, plan_rel)
}

/// Makes git merge the plan through `baton merge-driver`: the driver in the repository's
/// configuration (as `baton init --merge-driver` sets it), and the plan's `merge=baton`
/// attribute in `info/attributes` when no `.gitattributes` gives it one.
fn register_merge_driver(root: &Path, common: &Path, plan_rel: &Path) -> Result<(), Error> {
    use crate::agents::git_merge;
    let exe = std::env::current_exe()
        .map_err(|e| Error::internal(format!("cannot find baton's own executable: {e}")))?;
    let program = git_merge::program(&exe, std::env::var_os("PATH").as_deref());
    let wanted = git_merge::driver_command(&program);
    let get =
        |key: &str| git_merge::get_config(root, key).map_err(|e| Error::internal(e.to_string()));
    let name = get(git_merge::NAME_KEY)?;
    let driver = get(git_merge::DRIVER_KEY)?;
    if let git_merge::Config::Set(keys) =
        git_merge::merge_config(name.as_deref(), driver.as_deref(), &wanted)
    {
        for (key, value) in keys {
            git_merge::set_config(root, key, &value).map_err(|e| Error::internal(e.to_string()))?;
        }
    }
    let rel = plan_rel.to_string_lossy().replace('\\', "/");
    let attr = Git::new(root)
        .read_text(&["check-attr", "merge", "--", &rel])
        .map_err(|e| git_error("git check-attr", e))?;
    if attr.trim_end().ends_with(": unspecified") {
        let path = common.join("info").join("attributes");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let sep = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        let line = format!(
            "{} merge={}",
            git_merge::attribute_pattern(&rel),
            git_merge::DRIVER
        );
        std::fs::write(&path, format!("{text}{sep}{line}\n"))
            .map_err(|e| Error::input(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}

/// Held while a worktree is added or removed: git's bookkeeping of worktrees
/// (`.git/worktrees/`) is not safe against two of these at once in one repository ("failed
/// to read .git/worktrees/…/commondir").
pub(super) fn worktrees_lock() -> std::sync::MutexGuard<'static, ()> {
    static WORKTREES: std::sync::Mutex<()> = std::sync::Mutex::new(());
    WORKTREES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes what an attempt left (its worktree, its branch), so it can start again fresh.
pub(super) fn discard(main: &Git, worktree: &Path, branch: &str) {
    let _ = main.worktree_remove(worktree, true);
    let _ = std::fs::remove_dir_all(worktree);
    let _ = main.write(&["worktree", "prune"]);
    let _ = main.write(&["branch", "-D", "--end-of-options", branch]);
}

/// Removes the run's worktree folder, `.baton/worktrees` and `.baton` when nothing is left in
/// them
/// (best effort: a kept or failed session's worktree stays, and so do they).
pub(super) fn tidy(planned: &Planned) {
    let run = planned.worktrees();
    let _ = std::fs::remove_dir(&run);
    if let Some(all) = run.parent() {
        let _ = std::fs::remove_dir(all);
        if let Some(dot_baton) = all.parent() {
            let _ = std::fs::remove_dir(dot_baton);
        }
    }
}
