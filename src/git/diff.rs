//! What changed: between two commits, between a commit and the working tree, and the
//! working tree's own state (staged, unstaged, untracked). Every listing is read from `-z`
//! output, so any file name (spaces, quotes, newlines, non-ASCII) comes back as it is.

use serde::Serialize;

use super::{Git, GitError, lossy, split_z};

/// How a file changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
    /// Moved from [`Change::from`] (possibly edited too).
    Renamed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Modified => "modified",
            ChangeKind::Deleted => "deleted",
            ChangeKind::Renamed => "renamed",
        }
    }
}

/// One changed file, relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub path: String,
    pub kind: ChangeKind,
    /// Where a renamed file came from.
    pub from: Option<String>,
}

/// A file's state on one side of `git status` (the index, or the working tree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusKind {
    Unchanged,
    Modified,
    Added,
    Deleted,
    Renamed,
    Copied,
    /// A file turned into a symlink or back.
    TypeChanged,
    Untracked,
    /// Both sides changed it in a merge that stopped.
    Unmerged,
}

impl StatusKind {
    fn from_code(code: u8) -> StatusKind {
        match code {
            b'M' => StatusKind::Modified,
            b'A' => StatusKind::Added,
            b'D' => StatusKind::Deleted,
            b'R' => StatusKind::Renamed,
            b'C' => StatusKind::Copied,
            b'T' => StatusKind::TypeChanged,
            b'?' => StatusKind::Untracked,
            b'U' => StatusKind::Unmerged,
            _ => StatusKind::Unchanged,
        }
    }
}

/// One entry of `git status`: a file with uncommitted changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusEntry {
    pub path: String,
    /// Where a renamed or copied file came from.
    pub from: Option<String>,
    /// Staged changes.
    pub staged: StatusKind,
    /// Changes in the working tree not staged.
    pub unstaged: StatusKind,
}

impl StatusEntry {
    pub fn is_untracked(&self) -> bool {
        self.unstaged == StatusKind::Untracked
    }

    /// Gone from the working tree (deleted there, or staged for deletion).
    pub fn is_deleted(&self) -> bool {
        self.unstaged == StatusKind::Deleted || self.staged == StatusKind::Deleted
    }
}

/// `diff --name-status` options every listing shares: renames found whatever the user's
/// `diff.renames`, paths from the root whatever `diff.relative`, no external diff drivers.
const NAME_STATUS: &[&str] = &[
    "diff",
    "--name-status",
    "-z",
    "-M",
    "--no-relative",
    "--no-ext-diff",
    "--no-color",
];

impl Git {
    /// Files that differ between commits `base` and `head`, sorted by path.
    pub fn changes_between(&self, base: &str, head: &str) -> Result<Vec<Change>, GitError> {
        let mut args = NAME_STATUS.to_vec();
        args.extend(["--end-of-options", base, head, "--"]);
        let mut changes = parse_name_status(&self.read(&args)?);
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(changes)
    }

    /// Files of the working tree that differ from commit `base`: committed, staged and
    /// unstaged changes alike, plus untracked files that are not ignored (as added). Sorted
    /// by path.
    pub fn changes_since(&self, base: &str) -> Result<Vec<Change>, GitError> {
        // The two walks of the working tree (the index's files, the folders for new ones)
        // run at once.
        let (tracked, untracked) = std::thread::scope(|s| {
            let untracked = s.spawn(|| self.untracked());
            let tracked = self.tracked_changes_since(base);
            let untracked = untracked
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (tracked, untracked)
        });
        Ok(with_untracked(tracked?, untracked?))
    }

    /// The tracked half of [`Git::changes_since`]: files of the index or of the base whose
    /// working-tree state differs from commit `base` (one walk of the index's files).
    pub fn tracked_changes_since(&self, base: &str) -> Result<Vec<Change>, GitError> {
        let mut args = NAME_STATUS.to_vec();
        args.extend(["--end-of-options", base, "--"]);
        Ok(parse_name_status(&self.read(&args)?))
    }

    /// The untracked half of [`Git::changes_since`]: every file in the working tree that
    /// is neither tracked nor ignored, root-relative (one walk of the folders). It does not
    /// depend on any commit, so a caller can start it before it knows its base.
    pub fn untracked(&self) -> Result<Vec<String>, GitError> {
        // `:/` is the root: ls-files lists only paths below its pathspecs.
        let out = self.read(&[
            "ls-files",
            "--others",
            "--exclude-standard",
            "--full-name",
            "-z",
            "--",
            ":/",
        ])?;
        Ok(split_z(&out).map(lossy).collect())
    }

    /// The working tree's uncommitted changes: staged, unstaged, untracked (every file in
    /// untracked folders), deleted, in git's order.
    pub fn status(&self) -> Result<Vec<StatusEntry>, GitError> {
        let out = self.read(&["status", "--porcelain=v1", "-z", "--untracked-files=all"])?;
        Ok(parse_status(&out))
    }
}

/// [`Git::changes_since`] from its halves: the tracked changes and the untracked files
/// (as added), sorted by path.
pub fn with_untracked(mut changes: Vec<Change>, untracked: Vec<String>) -> Vec<Change> {
    changes.extend(untracked.into_iter().map(|path| Change {
        path,
        kind: ChangeKind::Added,
        from: None,
    }));
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    // A file removed from the index but still on disk is both deleted (for the diff)
    // and untracked: it is there, so it changed.
    changes.dedup_by(|later, kept| {
        let same = later.path == kept.path;
        if same {
            kept.kind = ChangeKind::Modified;
            kept.from = None;
        }
        same
    });
    changes
}

/// Parses `diff --name-status -z`: a status field, then one path, or two for a rename or
/// copy (from, to). A copy is reported as an added file.
pub(crate) fn parse_name_status(out: &[u8]) -> Vec<Change> {
    let mut fields = split_z(out);
    let mut changes = Vec::new();
    while let Some(status) = fields.next() {
        let code = status[0];
        let Some(first) = fields.next() else { break };
        let (kind, path, from) = match code {
            b'R' | b'C' => {
                let Some(to) = fields.next() else { break };
                if code == b'R' {
                    (ChangeKind::Renamed, to, Some(lossy(first)))
                } else {
                    (ChangeKind::Added, to, None)
                }
            }
            b'A' => (ChangeKind::Added, first, None),
            b'D' => (ChangeKind::Deleted, first, None),
            // M, T (type change), U (unmerged), X: the file is there, changed.
            _ => (ChangeKind::Modified, first, None),
        };
        changes.push(Change {
            path: lossy(path),
            kind,
            from,
        });
    }
    changes
}

/// Parses `status --porcelain=v1 -z`: `XY path`, followed by the source path for a rename
/// or copy.
fn parse_status(out: &[u8]) -> Vec<StatusEntry> {
    let mut fields = split_z(out);
    let mut entries = Vec::new();
    while let Some(field) = fields.next() {
        if field.len() < 4 {
            continue;
        }
        let (x, y) = (field[0], field[1]);
        let from = if matches!(x, b'R' | b'C') {
            fields.next().map(lossy)
        } else {
            None
        };
        let (staged, unstaged) = if x == b'?' {
            (StatusKind::Unchanged, StatusKind::Untracked)
        } else if (x == b'U' || y == b'U') || (x == y && matches!(x, b'A' | b'D')) {
            (StatusKind::Unmerged, StatusKind::Unmerged)
        } else {
            (StatusKind::from_code(x), StatusKind::from_code(y))
        };
        entries.push(StatusEntry {
            path: lossy(&field[3..]),
            from,
            staged,
            unstaged,
        });
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::super::testing::{git, repo, write};
    use super::*;

    fn kinds(changes: &[Change]) -> Vec<(String, ChangeKind, Option<String>)> {
        changes
            .iter()
            .map(|c| (c.path.clone(), c.kind, c.from.clone()))
            .collect()
    }

    const LONG: &str = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n";

    #[test]
    fn changes_between_two_commits_with_renames() {
        let dir = repo(&[
            ("keep.txt", "k\n"),
            ("edit.txt", "e\n"),
            ("gone.txt", "g\n"),
            ("old name.txt", LONG),
        ]);
        let d = dir.path();
        let g = Git::new(d);
        let base = g.rev_parse("HEAD").expect("base");
        write(d, "edit.txt", "e2\n");
        std::fs::remove_file(d.join("gone.txt")).expect("rm");
        std::fs::create_dir_all(d.join("dir")).expect("mkdir");
        git(d, &["mv", "old name.txt", "dir/new\tname.txt"]);
        write(d, "dir/new\tname.txt", &format!("{LONG}nine\n"));
        write(d, "añadido.txt", "new\n");
        git(d, &["add", "-A"]);
        git(d, &["commit", "-q", "-m", "change"]);
        let changes = g.changes_between(&base, "HEAD").expect("diff");
        assert_eq!(
            kinds(&changes),
            [
                ("añadido.txt".into(), ChangeKind::Added, None),
                (
                    "dir/new\tname.txt".into(),
                    ChangeKind::Renamed,
                    Some("old name.txt".into())
                ),
                ("edit.txt".into(), ChangeKind::Modified, None),
                ("gone.txt".into(), ChangeKind::Deleted, None),
            ]
        );
        assert!(g.changes_between(&base, "nope").is_err());
    }

    #[test]
    fn the_working_tree_against_a_commit() {
        let dir = repo(&[("a.txt", "a\n"), ("b.txt", "b\n"), ("c.txt", "c\n")]);
        let d = dir.path();
        let g = Git::new(d);
        let base = g.rev_parse("HEAD").expect("base");
        // Committed, staged, unstaged, untracked (in a new folder), deleted, ignored.
        write(d, "a.txt", "a2\n");
        git(d, &["commit", "-q", "-am", "a"]);
        write(d, "b.txt", "b2\n");
        git(d, &["add", "b.txt"]);
        write(d, "c.txt", "c2\n");
        write(d, "new/deep/n.txt", "n\n");
        write(d, ".gitignore", "*.log\n");
        write(d, "x.log", "log\n");
        std::fs::create_dir_all(d.join("sub")).expect("mkdir");
        git(d, &["rm", "-q", "--cached", "c.txt"]);
        let from_sub = Git::new(d.join("sub"));
        let changes = from_sub.changes_since(&base).expect("diff");
        assert_eq!(
            kinds(&changes),
            [
                (".gitignore".into(), ChangeKind::Added, None),
                ("a.txt".into(), ChangeKind::Modified, None),
                ("b.txt".into(), ChangeKind::Modified, None),
                ("c.txt".into(), ChangeKind::Modified, None),
                ("new/deep/n.txt".into(), ChangeKind::Added, None),
            ],
            "c.txt is staged for deletion but still on disk: changed, not gone"
        );
    }

    #[test]
    fn status_staged_unstaged_untracked_deleted() {
        let dir = repo(&[("a.txt", "a\n"), ("b.txt", "b\n"), ("c.txt", "c\n")]);
        let d = dir.path();
        let g = Git::new(d);
        assert!(g.status().expect("clean").is_empty());
        write(d, "a.txt", "a2\n");
        git(d, &["add", "a.txt"]);
        write(d, "b.txt", "b2\n");
        std::fs::remove_file(d.join("c.txt")).expect("rm");
        write(d, "new dir/u.txt", "u\n");
        let mut status = g.status().expect("status");
        status.sort_by(|a, b| a.path.cmp(&b.path));
        let view: Vec<_> = status
            .iter()
            .map(|e| (e.path.as_str(), e.staged, e.unstaged))
            .collect();
        assert_eq!(
            view,
            [
                ("a.txt", StatusKind::Modified, StatusKind::Unchanged),
                ("b.txt", StatusKind::Unchanged, StatusKind::Modified),
                ("c.txt", StatusKind::Unchanged, StatusKind::Deleted),
                (
                    "new dir/u.txt",
                    StatusKind::Unchanged,
                    StatusKind::Untracked
                ),
            ]
        );
        assert!(status[2].is_deleted() && status[3].is_untracked());
    }

    #[test]
    fn name_status_parsing_survives_odd_input() {
        assert!(parse_name_status(b"").is_empty());
        assert!(parse_name_status(b"M").is_empty());
        assert!(parse_name_status(b"R100\0only-from\0").is_empty());
        assert_eq!(
            kinds(&parse_name_status(b"C75\0a\0b\0T\0t\0")),
            [
                ("b".into(), ChangeKind::Added, None),
                ("t".into(), ChangeKind::Modified, None)
            ]
        );
        assert!(parse_status(b"?? \0R").is_empty());
    }
}
