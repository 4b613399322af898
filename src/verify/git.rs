//! Git evidence for `baton verify`, the history layer: did anything change a task's files
//! since the task entered the plan? A ticked task whose scope no commit (and no uncommitted
//! edit) touched is suspect: the work it claims would have had to change those files.
//!
//! A task entered the plan with the commit that added its line (found in the plan's own
//! history by the text after the checkbox, which ticking does not change); a line reworded
//! since is found by its phase's heading instead; when the plan is not committed at all,
//! all history counts.

use std::path::Path;

use crate::git::Git;

/// What git says about one task's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitEvidence {
    /// The commit the task's line (or its phase's heading) entered the plan with
    /// (abbreviated), when known.
    pub since: Option<String>,
    /// Whether `since` is the task's own commit or its phase's.
    pub anchor: Option<Anchor>,
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
    Git::new(dir).read_text(args).ok()
}

/// `git <args>` in `dir` under [`crate::git`]'s environment policy (a hook's GIT_DIR and
/// friends cannot redirect it), its stdout when it succeeds.
pub fn output(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    Git::new(dir).read(args).ok()
}

/// Which of these root-relative paths git ignores (`git check-ignore`, one process for all).
/// Tracked files are never reported, as git itself would not ignore them.
pub fn check_ignored(root: &Path, paths: &[String]) -> Vec<String> {
    Git::new(root).check_ignored(paths).unwrap_or_default()
}

/// Most commits read from the repository's history in one run; older ones are not counted.
const MAX_COMMITS: &str = "--max-count=50000";

#[derive(Debug, Clone)]
struct Commit {
    short: String,
    /// Indices of the parents that are within the history read.
    parents: Vec<usize>,
}

/// What the task's files were compared against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The commit that added the task's line to the plan.
    Task,
    /// The task's line was not found in the plan's history (reworded, or not committed):
    /// the commit that added its phase's heading.
    Phase,
}

impl Anchor {
    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::Task => "task",
            Anchor::Phase => "phase",
        }
    }
}

/// The repository's history as the verifier needs it, read once per run with three git
/// processes whatever the number of tasks: the plan's own history with the lines each commit
/// added (to find when each task line entered the plan), the commits since the plan's first
/// commit with the files each touched, and the uncommitted changes.
#[derive(Debug)]
pub struct History {
    /// Newest first, as `git log` lists them.
    commits: Vec<Commit>,
    /// (root-relative file, commit index), sorted by file: which commits touched what.
    touched: Vec<(String, usize)>,
    /// The plan's commits, oldest first: (full hash, short hash, lines added).
    plan: Vec<(String, String, Vec<String>)>,
    by_hash: rustc_hash::FxHashMap<String, usize>,
    /// Root-relative paths with uncommitted changes (staged, unstaged or untracked).
    dirty: Vec<String>,
    /// For each anchor commit asked about: the commits since it (not reachable from its
    /// parents).
    since_cache: rustc_hash::FxHashMap<usize, Vec<bool>>,
}

impl History {
    /// Reads the history; `plan` is the plan file relative to `root`. None outside git.
    pub fn read(root: &Path, plan: &str) -> Option<History> {
        let mut dirty = Vec::new();
        for entry in Git::new(root).status().ok()? {
            dirty.push(entry.path);
            // A rename or copy also changed the path it came from.
            dirty.extend(entry.from);
        }
        dirty.sort();

        let plan_log = git(
            root,
            &[
                "log",
                "--reverse",
                "--format=%x00%H %h",
                "-U0",
                "--no-color",
                "--no-ext-diff",
                "--no-renames",
                "HEAD",
                "--",
                plan,
            ],
        )
        .unwrap_or_default();
        let mut plan_commits: Vec<(String, String, Vec<String>)> = Vec::new();
        for line in plan_log.lines() {
            if let Some(header) = line.strip_prefix('\0') {
                let mut parts = header.split(' ');
                let full = parts.next().unwrap_or_default().to_string();
                let short = parts.next().unwrap_or_default().to_string();
                plan_commits.push((full, short, Vec::new()));
            } else if let Some(added) = line.strip_prefix('+')
                && !line.starts_with("+++ ")
                && let Some(last) = plan_commits.last_mut()
            {
                last.2.push(added.to_string());
            }
        }

        // The commits since the plan's first commit (all history when the plan has none).
        let first = plan_commits.first().map(|c| format!("{}^@", c.0));
        let mut args = vec![
            "log",
            "--format=%x00%H %h %P",
            "--name-only",
            "--no-renames",
            MAX_COMMITS,
            "HEAD",
        ];
        if let Some(first) = &first {
            args.push("--not");
            args.push(first);
        }
        args.push("--");
        // A repository without commits has no log: nothing was committed, nothing counts.
        let log = git(root, &args).unwrap_or_default();
        let mut raw: Vec<(String, String, Vec<String>, Vec<String>)> = Vec::new();
        for line in log.lines() {
            if let Some(header) = line.strip_prefix('\0') {
                let mut parts = header.split(' ');
                let full = parts.next().unwrap_or_default().to_string();
                let short = parts.next().unwrap_or_default().to_string();
                let parents = parts.map(str::to_string).collect();
                raw.push((full, short, parents, Vec::new()));
            } else if !line.is_empty()
                && let Some(last) = raw.last_mut()
            {
                last.3.push(unquote(line));
            }
        }
        let by_hash: rustc_hash::FxHashMap<String, usize> = raw
            .iter()
            .enumerate()
            .map(|(i, c)| (c.0.clone(), i))
            .collect();
        let mut touched = Vec::new();
        let commits = raw
            .into_iter()
            .enumerate()
            .map(|(i, (_, short, parents, files))| {
                touched.extend(files.into_iter().map(|f| (f, i)));
                Commit {
                    short,
                    parents: parents
                        .iter()
                        .filter_map(|p| by_hash.get(p).copied())
                        .collect(),
                }
            })
            .collect();
        touched.sort();
        Some(History {
            commits,
            touched,
            plan: plan_commits,
            by_hash,
            dirty,
            since_cache: Default::default(),
        })
    }

    /// The first plan commit that added a line containing `needle` (full and short hash).
    pub fn entered(&self, needle: &str) -> Option<(&str, &str)> {
        if needle.trim().is_empty() {
            return None;
        }
        self.plan
            .iter()
            .find(|(_, _, added)| added.iter().any(|l| l.contains(needle)))
            .map(|(full, short, _)| (full.as_str(), short.as_str()))
    }

    /// The first plan commit that added a task line reading `text` after its checkbox
    /// (`- [ ] T1 Log in` for `T1 Log in`), whatever the box held then.
    pub fn entered_line(&self, text: &str) -> Option<(&str, &str)> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        self.plan
            .iter()
            .find(|(_, _, added)| {
                added.iter().any(|l| {
                    let l = l.trim_end();
                    l.strip_suffix(text)
                        .is_some_and(|before| before.trim_end().ends_with(']'))
                })
            })
            .map(|(full, short, _)| (full.as_str(), short.as_str()))
    }

    /// Which commits are "since" `anchor`: not reachable from its parents (so the anchor
    /// itself counts: work is often committed with the plan).
    fn since(&mut self, anchor: Option<&str>) -> Option<&Vec<bool>> {
        let start = self.by_hash.get(anchor?).copied()?;
        if !self.since_cache.contains_key(&start) {
            let mut before = vec![false; self.commits.len()];
            let mut stack: Vec<usize> = self.commits[start].parents.clone();
            while let Some(c) = stack.pop() {
                if !before[c] {
                    before[c] = true;
                    stack.extend(self.commits[c].parents.iter().copied());
                }
            }
            let since = before.into_iter().map(|b| !b).collect();
            self.since_cache.insert(start, since);
        }
        self.since_cache.get(&start)
    }

    fn covers(rel: &str, glob: bool, file: &str) -> bool {
        if glob {
            crate::graph::scope::Pattern::new(rel).covers(file)
        } else {
            file == rel || (file.starts_with(rel) && file.as_bytes().get(rel.len()) == Some(&b'/'))
        }
    }

    /// Commits since `anchor` (all read history without one) and uncommitted changes that
    /// touched any of `scope` (root-relative paths, or globs when flagged).
    pub fn evidence(
        &mut self,
        anchor: Option<(&str, &str, Anchor)>,
        scope: &[(String, bool)],
    ) -> GitEvidence {
        let since: Option<Vec<bool>> =
            anchor.and_then(|(full, _, _)| self.since(Some(full)).cloned());
        let mut hit: Vec<usize> = Vec::new();
        for (rel, glob) in scope {
            if *glob {
                for (file, c) in &self.touched {
                    if Self::covers(rel, true, file) {
                        hit.push(*c);
                    }
                }
            } else {
                let start = self
                    .touched
                    .partition_point(|(f, _)| f.as_str() < rel.as_str());
                for (file, c) in &self.touched[start..] {
                    if !file.starts_with(rel.as_str()) {
                        break;
                    }
                    if Self::covers(rel, false, file) {
                        hit.push(*c);
                    }
                }
            }
        }
        hit.sort_unstable();
        hit.dedup();
        if let Some(since) = &since {
            hit.retain(|&c| since[c]);
        } else if anchor.is_some() {
            // The anchor is outside the history read (older than the cap): count nothing
            // rather than everything.
            hit.clear();
        }
        let uncommitted = self
            .dirty
            .iter()
            .any(|f| scope.iter().any(|(rel, glob)| Self::covers(rel, *glob, f)));
        GitEvidence {
            since: anchor.map(|(_, short, _)| short.to_string()),
            anchor: anchor.map(|(_, _, a)| a),
            commits: hit.len(),
            latest: hit.first().map(|&c| self.commits[c].short.clone()),
            uncommitted,
        }
    }
}

/// A path as `git log --name-only` prints it, quotes and escapes undone where simple.
fn unquote(line: &str) -> String {
    match line.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

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

    fn scope(list: &[&str]) -> Vec<(String, bool)> {
        list.iter()
            .map(|p| (p.to_string(), p.contains('*')))
            .collect()
    }

    #[test]
    fn commits_since_the_task_entered_the_plan_and_uncommitted_edits() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        run(d, &["init", "-q", "-b", "main"]);
        std::fs::create_dir_all(d.join("src/auth")).expect("mkdir");
        std::fs::write(d.join("src/auth/old.rs"), "old\n").expect("write");
        std::fs::write(d.join("plan.md"), "# P\n").expect("write");
        run(d, &["add", "-A"]);
        run(d, &["commit", "-q", "-m", "before the task"]);
        std::fs::write(
            d.join("plan.md"),
            "# P\n## Phase 2: Auth\n- [ ] T1 Log in\n",
        )
        .expect("write");
        run(d, &["add", "-A"]);
        run(d, &["commit", "-q", "-m", "task planned"]);
        // Ticking the box does not move when the task entered the plan.
        std::fs::write(
            d.join("plan.md"),
            "# P\n## Phase 2: Auth\n- [x] T1 Log in\n",
        )
        .expect("write");
        run(d, &["commit", "-q", "-am", "ticked"]);

        let mut h = History::read(d, "plan.md").expect("git");
        let (full, short) = h.entered_line("T1 Log in").expect("entered");
        let (full, short) = (full.to_string(), short.to_string());
        assert_eq!(
            h.entered("## Phase 2: Auth").map(|c| c.0),
            Some(full.as_str())
        );
        assert!(h.entered_line("T9 never").is_none());
        assert!(
            h.entered_line("Log in").is_none(),
            "the whole text after the box"
        );
        let anchor = Some((full.as_str(), short.as_str(), Anchor::Task));

        let before = h.evidence(anchor, &scope(&["src/auth/**"]));
        assert_eq!((before.commits, before.uncommitted), (0, false));
        assert!(
            !before.touched(),
            "the commit before the task does not count"
        );
        let plan_commit = h.evidence(anchor, &scope(&["plan.md"]));
        assert_eq!(plan_commit.commits, 2, "the task's own commit counts");
        assert_eq!(plan_commit.since.as_deref(), Some(short.as_str()));

        std::fs::write(d.join("src/auth/login.rs"), "new\n").expect("write");
        let mut h = History::read(d, "plan.md").expect("git");
        let dirty = h.evidence(anchor, &scope(&["src/auth"]));
        assert!(dirty.uncommitted && dirty.touched());

        run(d, &["add", "-A"]);
        run(d, &["commit", "-q", "-m", "login"]);
        let mut h = History::read(d, "plan.md").expect("git");
        let after = h.evidence(anchor, &scope(&["src/auth/login.rs"]));
        assert_eq!((after.commits, after.uncommitted), (1, false));
        assert!(after.latest.is_some());
        assert_eq!(h.evidence(anchor, &scope(&["src/billing"])).commits, 0);
        // Without an anchor all history counts.
        assert_eq!(h.evidence(None, &scope(&["src/auth"])).commits, 2);
    }

    #[test]
    fn ignored_paths_in_one_process() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        run(d, &["init", "-q", "-b", "main"]);
        std::fs::write(d.join(".gitignore"), ".env\ndist/\n").expect("write");
        let ignored = check_ignored(
            d,
            &[
                ".env".to_string(),
                "dist/app.js".to_string(),
                "src/a.rs".to_string(),
            ],
        );
        assert_eq!(ignored, [".env", "dist/app.js"]);
        assert!(check_ignored(d, &["src/a.rs".to_string()]).is_empty());
    }

    #[test]
    fn outside_git_there_is_no_history() {
        let dir = tempfile::tempdir().expect("tmp");
        assert!(History::read(dir.path(), "plan.md").is_none());
    }
}
