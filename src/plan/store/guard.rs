//! What a plan must be before baton writes to it: a plan (not a `Cargo.toml` pointed at by
//! mistake), writable by the user's own choice (not merely by root's power), and, through a
//! symbolic link, inside the repository the link is in. Every writer goes through
//! [`super::update`], so every writer gets these checks; docs/writes.md states the rules.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use super::{Snapshot, StoreError};

/// Names that say Markdown. A file without a checkbox task is a plan only under one of these.
const MARKDOWN_EXTENSIONS: &[&str] = &["md", "markdown", "mdown", "mkd", "mkdn", "mdwn", "mdx"];

/// Refuses a plan reached through a symbolic link whose target lies in another git repository
/// than the link (or in none). A link within one repository (any of its worktrees) is
/// followed, and a link outside any repository is followed wherever it leads.
pub(super) fn check_link(path: &Path, real: &Path) -> Result<(), StoreError> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return Ok(());
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let Some(here) = crate::repo::discover(dir) else {
        return Ok(());
    };
    let there = crate::repo::discover(real);
    if there.is_some_and(|there| there.common_dir == here.common_dir) {
        return Ok(());
    }
    Err(StoreError::LinkOutside {
        path: path.to_path_buf(),
        target: real.to_path_buf(),
    })
}

/// Refuses a file that is not a plan. A plan holds at least one checkbox list item (`- [ ]`,
/// `* [x]`, `1. [~]`, …), or has a Markdown name (`.md`, `.markdown`, …) and a heading the plan
/// reader takes in: a title, a phase, `Overview` or `Decisions`.
pub(super) fn check_shape(path: &Path, snap: &Snapshot<'_>) -> Result<(), StoreError> {
    if has_checkbox_line(snap.bytes) {
        return Ok(());
    }
    let markdown = markdown_name(path);
    if markdown {
        let plan = snap.plan();
        if plan.title.is_some()
            || plan.overview.is_some()
            || plan.decisions.is_some()
            || !plan.phases.is_empty()
        {
            return Ok(());
        }
    }
    let why = if snap.bytes.iter().all(u8::is_ascii_whitespace) {
        "it is empty".to_string()
    } else if markdown {
        "it has no checkbox task (`- [ ] …`) and no plan heading (a `# Title`, `## Decisions`)"
            .to_string()
    } else {
        let name = path.extension().map_or_else(
            || "no extension".to_string(),
            |e| format!("the extension .{}", e.to_string_lossy()),
        );
        format!("it has no checkbox task (`- [ ] …`), and {name} is not Markdown's")
    };
    Err(StoreError::NotAPlan {
        path: path.to_path_buf(),
        why,
    })
}

/// Whether the file's name (the link's or, through a link, the target's) ends in a Markdown
/// extension, in any case.
fn markdown_name(path: &Path) -> bool {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    [path, real.as_path()].iter().all(|p| {
        p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            MARKDOWN_EXTENSIONS
                .iter()
                .any(|m| m.eq_ignore_ascii_case(e))
        })
    })
}

/// Whether some line is a checkbox list item: optional indentation or quote markers, a list
/// marker (`-`, `*`, `+`, or digits and `.` or `)`), one to four spaces or tabs, then `[ ]`,
/// `[x]`, `[X]`, `[~]` or `[-]` followed by a space or the end of the line. Stops at the first.
pub(super) fn has_checkbox_line(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'[', bytes).any(|at| {
        let ok_mark = matches!(bytes.get(at + 1), Some(b' ' | b'x' | b'X' | b'~' | b'-'))
            && bytes.get(at + 2) == Some(&b']')
            && matches!(
                bytes.get(at + 3),
                None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'*')
            );
        ok_mark && {
            let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |p| p + 1);
            item_prefix(&bytes[start..at])
        }
    })
}

/// Whether `line` (from the line's start to a `[`) is a list item's start.
fn item_prefix(line: &[u8]) -> bool {
    let gap = line
        .iter()
        .rev()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    if gap == 0 || gap > 4 {
        return false;
    }
    let before = &line[..line.len() - gap];
    let Some((&marker, lead)) = before.split_last() else {
        return false;
    };
    let lead = match marker {
        b'-' | b'*' | b'+' => lead,
        b'.' | b')' => {
            let digits = lead.iter().rev().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 || digits > 9 {
                return false;
            }
            &lead[..lead.len() - digits]
        }
        _ => return false,
    };
    lead.iter().all(|b| matches!(b, b' ' | b'\t' | b'>'))
}

/// Opens the plan for writing, refusing one the user made read-only: no write permission bit
/// at all (so even root, who could write it, leaves it alone), or a write refused by the
/// system (permission denied, a read-only file system).
pub(super) fn open_for_write(path: &Path, real: &Path) -> Result<File, StoreError> {
    let read_only = |why: String| StoreError::ReadOnly {
        path: path.to_path_buf(),
        why,
    };
    let meta = std::fs::metadata(real).map_err(|source| StoreError::Read {
        path: real.to_path_buf(),
        source,
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o222 == 0 {
            return Err(read_only(format!("mode {mode:04o}, no write permission")));
        }
    }
    #[cfg(not(unix))]
    if meta.permissions().readonly() {
        return Err(read_only("marked read-only".to_string()));
    }
    OpenOptions::new()
        .read(true)
        .write(true)
        .open(real)
        .map_err(|source| match source.kind() {
            io::ErrorKind::PermissionDenied => read_only("permission denied".to_string()),
            io::ErrorKind::ReadOnlyFilesystem => read_only("read-only file system".to_string()),
            _ => StoreError::Write {
                path: PathBuf::from(real),
                source,
            },
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkbox_lines_are_what_a_task_starts_with() {
        for yes in [
            "- [ ] a",
            "* [x] a",
            "+ [X]",
            "  - [~] a",
            "1. [-] a",
            "10) [ ] a",
            "> - [ ] quoted",
            "text\n-\t[ ] a\n",
            "- [ ]* optional",
        ] {
            assert!(has_checkbox_line(yes.as_bytes()), "{yes:?}");
        }
        for no in [
            "",
            "[package]",
            "# - [ ] commented",
            "x = [ ] ",
            "- [y] a",
            "-[ ] a",
            "-      [ ] a",
            "a. [ ] a",
            "- [ ]x",
            "see [x] here",
        ] {
            assert!(!has_checkbox_line(no.as_bytes()), "{no:?}");
        }
    }

    #[test]
    fn plans_are_told_from_other_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cases: &[(&str, &str, bool)] = &[
            ("plan.md", "# P\n- [ ] T1 a\n", true),
            ("plan.md", "# Title only\n", true),
            ("plan.md", "## Decisions\n\n- x\n", true),
            ("PLAN.MD", "# Title\n", true),
            ("tasks.txt", "- [ ] T1 a\n", true),
            ("plan.md", "", false),
            ("plan.md", "\n\n", false),
            ("plan.md", "just words\n", false),
            ("plan.md", "## Notes\nwords\n", false),
            (
                "Cargo.toml",
                "# a comment\n[package]\nname = \"x\"\n",
                false,
            ),
            ("Makefile", "# Build\nall:\n\ttrue\n", false),
        ];
        for (name, text, plan) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, text).expect("write");
            let shape = check_shape(&path, &Snapshot::new(text.as_bytes()));
            assert_eq!(shape.is_ok(), *plan, "{name}: {text:?}: {shape:?}");
        }
    }
}
