//! Where `init --agents` may write, and how: through symbolic links, never out of the project.
//!
//! People link agent files to each other (`CLAUDE.md -> AGENTS.md`) or to a shared copy
//! (`.mcp.json -> config/mcp.json`). Replacing such a link with a regular file would silently
//! split what the user joined, so a write goes to the file the link points to and the link
//! stays. A link that leads out of the project (another repository, a dotfiles folder) is
//! refused: `init` edits the project it was run in, nothing else. A dangling link is
//! followed too, and its target created, under the same rule.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};

/// How many links in a row are followed before giving up (the kernel's own limit is 40).
const MAX_LINKS: usize = 40;

/// Where a file of the project really is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The path to read and write: the file itself, or what its links lead to.
    pub path: PathBuf,
    /// The file is a link (or sits in a linked folder) to `path`.
    pub linked: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error(
        "{shown} is a link to {}, outside {}; baton does not write there",
        target.display(),
        root.display()
    )]
    Outside {
        shown: String,
        target: PathBuf,
        root: PathBuf,
    },
    #[error("{shown}: more than {MAX_LINKS} symbolic links in a row")]
    Loop { shown: String },
    #[error("{shown} is a directory")]
    Directory { shown: String },
    #[error("cannot read {shown}: {source}")]
    Io { shown: String, source: io::Error },
}

/// Where `path` (inside `root`) really is. `root` is the repository's working tree, or the
/// project directory outside git; what the path leads to must lie inside it.
pub fn resolve(root: &Path, path: &Path, shown: &str) -> Result<Resolved, FileError> {
    let io_err = |source| FileError::Io {
        shown: shown.to_string(),
        source,
    };
    let root = fs::canonicalize(root).map_err(io_err)?;
    let real = match fs::canonicalize(path) {
        Ok(real) => real,
        Err(e) if e.kind() == io::ErrorKind::NotFound => missing_target(path, shown)?,
        Err(e) => return Err(io_err(e)),
    };
    if !real.starts_with(&root) {
        return Err(FileError::Outside {
            shown: shown.to_string(),
            target: real,
            root,
        });
    }
    if real.is_dir() {
        return Err(FileError::Directory {
            shown: shown.to_string(),
        });
    }
    let plain = match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => fs::canonicalize(parent)
            .map(|p| p.join(name))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    };
    let linked =
        real != plain || fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    Ok(Resolved { path: real, linked })
}

/// Where a path that does not exist yet would be created: following a dangling link to its
/// target, then the nearest folder that exists, canonicalised, with the rest appended.
fn missing_target(path: &Path, shown: &str) -> Result<PathBuf, FileError> {
    let mut at = path.to_path_buf();
    let mut hops = 0;
    while let Ok(meta) = fs::symlink_metadata(&at) {
        if !meta.file_type().is_symlink() {
            break;
        }
        hops += 1;
        if hops > MAX_LINKS {
            return Err(FileError::Loop {
                shown: shown.to_string(),
            });
        }
        let target = fs::read_link(&at).map_err(|source| FileError::Io {
            shown: shown.to_string(),
            source,
        })?;
        at = match at.parent() {
            Some(parent) => parent.join(target),
            None => target,
        };
    }
    // The nearest ancestor that exists, and the names below it.
    let mut rest = Vec::new();
    let mut base = at.as_path();
    let existing = loop {
        match fs::canonicalize(base) {
            Ok(real) => break real,
            Err(_) => match (base.parent(), base.components().next_back()) {
                (Some(parent), Some(last)) => {
                    rest.push(last);
                    base = parent;
                }
                _ => break PathBuf::new(),
            },
        }
    };
    let mut out = existing;
    for part in rest.into_iter().rev() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => out.push(name),
            _ => {}
        }
    }
    Ok(out)
}

/// A file's bytes, or None when it does not exist.
pub fn read_optional(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Replaces a file in one step: a temporary file in the same folder (created if needed),
/// then a rename. The file keeps its permissions (a new one gets the usual 0644, not the
/// temporary file's 0600). `path` must be a resolved path, never a link: the rename would
/// replace the link.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    let permissions = match fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(_) => new_file_permissions(),
    };
    if let Some(permissions) = permissions {
        fs::set_permissions(tmp.path(), permissions)?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn new_file_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_permissions() -> Option<fs::Permissions> {
    None
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_are_followed_and_links_out_refused() {
        let root = tempfile::tempdir().expect("tmp");
        let outside = tempfile::tempdir().expect("tmp");
        let r = root.path();
        fs::write(r.join("AGENTS.md"), "x").expect("write");
        symlink("AGENTS.md", r.join("CLAUDE.md")).expect("link");
        let got = resolve(r, &r.join("CLAUDE.md"), "CLAUDE.md").expect("inside");
        assert_eq!(got.path, fs::canonicalize(r.join("AGENTS.md")).expect("c"));
        assert!(got.linked);
        let plain = resolve(r, &r.join("AGENTS.md"), "AGENTS.md").expect("plain");
        assert!(!plain.linked);
        // Missing: created where it is named; dangling: created at the link's target.
        let new = resolve(r, &r.join(".claude/settings.json"), "s").expect("new");
        assert!(new.path.ends_with(".claude/settings.json") && !new.linked);
        symlink("config/mcp.json", r.join(".mcp.json")).expect("link");
        let dangling = resolve(r, &r.join(".mcp.json"), ".mcp.json").expect("dangling");
        assert!(dangling.path.ends_with("config/mcp.json") && dangling.linked);

        symlink(outside.path().join("GEMINI.md"), r.join("GEMINI.md")).expect("link");
        let err = resolve(r, &r.join("GEMINI.md"), "GEMINI.md").expect_err("outside");
        assert!(matches!(err, FileError::Outside { .. }), "{err}");
        symlink("../../..", r.join("up")).expect("link");
        assert!(resolve(r, &r.join("up/x.json"), "up/x.json").is_err());
        symlink("loop", r.join("loop")).expect("link");
        assert!(resolve(r, &r.join("loop"), "loop").is_err());
    }
}
