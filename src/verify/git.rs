//! Git evidence for `baton verify`: did anything change a task's files since its phase
//! began? A ticked task whose declared scope no commit (and no uncommitted edit) touched is
//! suspect: the work it claims would have had to change those files.
//!
//! The phase began with the commit that added its heading to the plan; when the plan is
//! not committed (or not in git at all) there is no such commit and all history counts.

use std::path::Path;
use std::process::{Command, Stdio};

/// What git says about one task's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitEvidence {
    /// The commit the phase began with (abbreviated), when known.
    pub since: Option<String>,
    /// Commits from `since` on (or in all history) that touched the scope.
    pub commits: usize,
    /// The newest of them (abbreviated).
    pub latest: Option<String>,
    /// Uncommitted changes (staged, unstaged or untracked) inside the scope.
    pub uncommitted: bool,
}

impl GitEvidence {
    pub fn touched(&self) -> bool {
        self.commits > 0 || self.uncommitted
    }
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    output(dir, args).map(|out| String::from_utf8_lossy(&out).into_owned())
}

/// `git <args>` in `dir`, its stdout when it succeeds. The caller's GIT_DIR and friends (a
/// hook's environment) are cleared so git looks at `dir` itself.
pub fn output(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .args(["-c", "core.quotepath=off"])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

/// The commit that added `heading` (a line of the plan) to the plan file, abbreviated.
pub fn phase_start(base: &Path, plan_file: &Path, heading: &str) -> Option<String> {
    let plan = plan_file.file_name()?.to_str()?;
    let log = git(
        base,
        &["log", "--format=%h", "--reverse", "-S", heading, "--", plan],
    )?;
    log.lines().next().map(str::to_string)
}

/// Pathspecs for scope patterns relative to `base` (git reads them relative to its cwd).
fn pathspecs(patterns: &[String]) -> Vec<String> {
    patterns
        .iter()
        .map(|p| {
            if p.contains(['*', '?', '[']) {
                format!(":(glob){p}")
            } else {
                format!(":(literal){p}")
            }
        })
        .collect()
}

/// Commits since `since` and uncommitted changes touching `patterns`. None outside git.
pub fn evidence(base: &Path, since: Option<&str>, patterns: &[String]) -> Option<GitEvidence> {
    if patterns.is_empty() {
        return None;
    }
    let specs = pathspecs(patterns);
    // `HEAD --not <since>^@`: the phase's first commit counts too (work is often committed
    // with the plan), and a root commit has no parents to exclude.
    let parents = since.map(|s| format!("{s}^@"));
    let mut args: Vec<&str> = vec!["log", "--format=%h", "HEAD"];
    if let Some(parents) = &parents {
        args.push("--not");
        args.push(parents);
    }
    args.push("--");
    args.extend(specs.iter().map(String::as_str));
    // A repository without commits has no log: count nothing rather than give up.
    let log = git(base, &args).unwrap_or_default();
    let commits: Vec<&str> = log.lines().filter(|l| !l.is_empty()).collect();
    let mut status_args: Vec<&str> = vec!["status", "--porcelain", "--untracked-files=all", "--"];
    status_args.extend(specs.iter().map(String::as_str));
    let status = git(base, &status_args)?;
    Some(GitEvidence {
        since: since.map(str::to_string),
        commits: commits.len(),
        latest: commits.first().map(|s| s.to_string()),
        uncommitted: !status.trim().is_empty(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .expect("git")
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn commits_since_the_phase_began_and_uncommitted_edits() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        run(d, &["init", "-q", "-b", "main"]);
        std::fs::create_dir_all(d.join("src/auth")).expect("mkdir");
        std::fs::write(d.join("src/auth/old.rs"), "old\n").expect("write");
        std::fs::write(d.join("plan.md"), "# P\n").expect("write");
        run(d, &["add", "-A"]);
        run(d, &["commit", "-q", "-m", "before the phase"]);
        std::fs::write(d.join("plan.md"), "# P\n## Phase 2: Auth\n- [x] T1 a\n").expect("write");
        run(d, &["add", "-A"]);
        run(d, &["commit", "-q", "-m", "phase 2 planned"]);
        let since = phase_start(d, &d.join("plan.md"), "## Phase 2: Auth").expect("start");

        let scope = vec!["src/auth/**".to_string()];
        let before = evidence(d, Some(&since), &scope).expect("git");
        assert_eq!((before.commits, before.uncommitted), (0, false));
        assert!(
            !before.touched(),
            "the commit before the phase does not count"
        );
        let plan_commit = evidence(d, Some(&since), &["plan.md".to_string()]).expect("git");
        assert_eq!(plan_commit.commits, 1, "the phase's first commit counts");

        std::fs::write(d.join("src/auth/login.rs"), "new\n").expect("write");
        let dirty = evidence(d, Some(&since), &scope).expect("git");
        assert!(dirty.uncommitted && dirty.touched());

        run(d, &["add", "-A"]);
        run(d, &["commit", "-q", "-m", "login"]);
        let after = evidence(d, Some(&since), &scope).expect("git");
        assert_eq!((after.commits, after.uncommitted), (1, false));
        assert!(after.latest.is_some());
        let other = evidence(d, Some(&since), &["src/billing".to_string()]).expect("git");
        assert_eq!(other.commits, 0);
        assert!(evidence(d, None, &[]).is_none());
    }

    #[test]
    fn outside_git_there_is_no_evidence() {
        let dir = tempfile::tempdir().expect("tmp");
        assert!(evidence(dir.path(), None, &["src".to_string()]).is_none());
        assert!(phase_start(dir.path(), &dir.path().join("plan.md"), "## P").is_none());
    }
}
