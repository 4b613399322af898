//! baton's merge driver registered with git, so that merging two branches that each ticked
//! tasks or logged decisions goes through `baton merge-driver` instead of leaving conflict
//! markers in the plan (docs/merge-driver.md).
//!
//! Two things make git use it, and both are decided here:
//! - a `.gitattributes` line giving the plan the `merge=baton` attribute, merged into the
//!   file as text like every other configuration file in [`super`] (appended once; a line
//!   that gives the plan another merge driver is the user's choice and kept);
//! - `merge.baton.name` and `merge.baton.driver` in the repository's own git configuration.
//!   git's configuration is read through `git config` rather than edited as a file (it has
//!   includes, and linked worktrees share their main worktree's), so unlike the rest of this
//!   module, [`get_config`] and [`set_config`] run git.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

/// The driver's name in `merge=baton` and `merge.baton.*`.
pub const DRIVER: &str = "baton";
/// `merge.baton.name`: what git shows for the driver.
pub const NAME: &str = "baton plan merge (keeps both sides' ticks, decisions and tasks)";
pub const NAME_KEY: &str = "merge.baton.name";
pub const DRIVER_KEY: &str = "merge.baton.driver";

/// How git runs the driver: `PROGRAM merge-driver %O %A %B %P --marker-size %L`, with the
/// program quoted for the shell git runs it through.
pub fn driver_command(program: &str) -> String {
    format!(
        "{} merge-driver %O %A %B %P --marker-size %L",
        shell_quote(program)
    )
}

/// The program git should run: `baton` when the `baton` that `PATH` finds is this very
/// executable (an installed baton: the entry survives reinstalling and upgrades), else the
/// executable's absolute path (a build run from its target directory, as in tests, which no
/// `PATH` lookup would find).
pub fn program(exe: &Path, path_var: Option<&OsStr>) -> String {
    let exe_real = std::fs::canonicalize(exe).unwrap_or_else(|_| exe.to_path_buf());
    let on_path = path_var
        .map(|paths| std::env::split_paths(paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join(DRIVER))
        .find(|candidate| candidate.is_file());
    match on_path.and_then(|found| std::fs::canonicalize(found).ok()) {
        Some(found) if found == exe_real => DRIVER.to_string(),
        _ => exe_real.to_string_lossy().into_owned(),
    }
}

/// `text` as one word for a POSIX shell: as it is when it holds only safe characters, else in
/// single quotes.
pub fn shell_quote(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/._-+=:,@%".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// A plan path as a `.gitattributes` pattern: as it is, or in git's double quotes when it holds
/// spaces, quotes or backslashes.
pub fn attribute_pattern(path: &str) -> String {
    if path
        .chars()
        .any(|c| c.is_whitespace() || c == '"' || c == '\\')
    {
        let escaped = path
            .replace('\\', r"\\")
            .replace('"', "\\\"")
            .replace('\t', r"\t");
        format!("\"{escaped}\"")
    } else {
        path.to_string()
    }
}

/// What to do with `.gitattributes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attributes {
    /// The plan already has `merge=baton`.
    Unchanged,
    /// The file's new bytes: the old ones with one line appended.
    Write(Vec<u8>),
    /// A line gives the plan another merge setting; it was kept. The line, as written.
    KeptOther(String),
}

/// Adds `PATTERN merge=baton` to a `.gitattributes` file's bytes (`None`: no file yet),
/// unless the last line that names the pattern already sets a merge attribute.
pub fn merge_attributes(existing: Option<&[u8]>, pattern: &str) -> Attributes {
    let old = existing.unwrap_or_default();
    let text = String::from_utf8_lossy(old);
    let mut last: Option<(&str, String)> = None;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let (first, rest) = split_pattern(trimmed);
        if first != pattern {
            continue;
        }
        for attr in rest.split_whitespace() {
            let name = attr.trim_start_matches(['-', '!']);
            if name == "merge" || name.starts_with("merge=") {
                last = Some((attr_value(attr), line.to_string()));
            }
        }
    }
    match last {
        Some((value, _)) if value == DRIVER => Attributes::Unchanged,
        Some((_, line)) => Attributes::KeptOther(line),
        None => {
            let eol: &[u8] = match old.iter().position(|&b| b == b'\n') {
                Some(at) if at > 0 && old[at - 1] == b'\r' => b"\r\n",
                _ => b"\n",
            };
            let mut new = old.to_vec();
            if !new.is_empty() && !new.ends_with(b"\n") {
                new.extend_from_slice(eol);
            }
            new.extend_from_slice(format!("{pattern} merge={DRIVER}").as_bytes());
            new.extend_from_slice(eol);
            Attributes::Write(new)
        }
    }
}

/// A `.gitattributes` line's pattern (quoted or not, as written) and the rest.
fn split_pattern(line: &str) -> (&str, &str) {
    if line.starts_with('"') {
        let mut escaped = false;
        for (i, c) in line.char_indices().skip(1) {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return (&line[..=i], &line[i + 1..]),
                _ => escaped = false,
            }
        }
        return (line, "");
    }
    match line.find(char::is_whitespace) {
        Some(at) => (&line[..at], &line[at..]),
        None => (line, ""),
    }
}

/// `merge=baton` → `baton`; `-merge`, `!merge`, `merge` → themselves (not baton).
fn attr_value(attr: &str) -> &str {
    attr.strip_prefix("merge=").unwrap_or(attr)
}

/// What to do with the repository's `merge.baton.*` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Config {
    Unchanged,
    /// Keys to set, with their values.
    Set(Vec<(&'static str, String)>),
    /// `merge.baton.driver` runs another command; it was kept. That command.
    KeptOther(String),
}

/// Decides the configuration from what is set now (`name`, `driver`) and the wanted driver
/// command.
pub fn merge_config(name: Option<&str>, driver: Option<&str>, wanted: &str) -> Config {
    let mut set = Vec::new();
    match driver {
        Some(found) if found != wanted => return Config::KeptOther(found.to_string()),
        Some(_) => {}
        None => set.push((DRIVER_KEY, wanted.to_string())),
    }
    if name.is_none() {
        set.push((NAME_KEY, NAME.to_string()));
    }
    if set.is_empty() {
        Config::Unchanged
    } else {
        Config::Set(set)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git: {0}")]
    Spawn(#[from] std::io::Error),
    #[error("`git config {key}` failed: {stderr}")]
    Failed { key: String, stderr: String },
}

/// A key of the repository's own configuration (`git config --local`), run in `dir`.
pub fn get_config(dir: &Path, key: &str) -> Result<Option<String>, GitError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["config", "--local", "--get", key])
        .output()?;
    match out.status.code() {
        Some(0) => Ok(Some(
            String::from_utf8_lossy(&out.stdout)
                .trim_end_matches(['\n', '\r'])
                .to_string(),
        )),
        // 1: the key is not set.
        Some(1) => Ok(None),
        _ => Err(GitError::Failed {
            key: key.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        }),
    }
}

/// Sets a key in the repository's own configuration.
pub fn set_config(dir: &Path, key: &str, value: &str) -> Result<(), GitError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["config", "--local", key, value])
        .output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(GitError::Failed {
            key: key.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attribute_is_appended_once_and_everything_else_kept() {
        let new = merge_attributes(None, "plan.md");
        assert_eq!(new, Attributes::Write(b"plan.md merge=baton\n".to_vec()));
        let old = b"*.png binary\r\n# note";
        let Attributes::Write(bytes) = merge_attributes(Some(old), "plan.md") else {
            panic!("not written");
        };
        assert_eq!(bytes, b"*.png binary\r\n# note\r\nplan.md merge=baton\r\n");
        assert_eq!(
            merge_attributes(Some(&bytes), "plan.md"),
            Attributes::Unchanged
        );
        assert_eq!(
            merge_attributes(Some(b"plan.md  text merge=baton\n"), "plan.md"),
            Attributes::Unchanged
        );
        assert_eq!(
            merge_attributes(Some(b"plan.md merge=union\n"), "plan.md"),
            Attributes::KeptOther("plan.md merge=union".into())
        );
        assert_eq!(
            merge_attributes(
                Some(b"plan.md merge=union\nplan.md merge=baton\n"),
                "plan.md"
            ),
            Attributes::Unchanged
        );
        assert!(matches!(
            merge_attributes(Some(b"other.md merge=baton\n"), "plan.md"),
            Attributes::Write(_)
        ));
        let quoted = attribute_pattern("my plan.md");
        assert_eq!(quoted, "\"my plan.md\"");
        let Attributes::Write(bytes) = merge_attributes(None, &quoted) else {
            panic!("not written");
        };
        assert_eq!(
            merge_attributes(Some(&bytes), &quoted),
            Attributes::Unchanged
        );
    }

    #[test]
    fn the_driver_command_is_quoted_for_the_shell() {
        assert_eq!(
            driver_command("baton"),
            "baton merge-driver %O %A %B %P --marker-size %L"
        );
        assert!(driver_command("/opt/my tools/baton").starts_with("'/opt/my tools/baton' "));
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn config_is_set_when_missing_and_a_foreign_driver_kept() {
        let wanted = driver_command("baton");
        assert_eq!(
            merge_config(None, None, &wanted),
            Config::Set(vec![(DRIVER_KEY, wanted.clone()), (NAME_KEY, NAME.into())])
        );
        assert_eq!(
            merge_config(Some("x"), Some(&wanted), &wanted),
            Config::Unchanged
        );
        assert_eq!(
            merge_config(Some("x"), Some("other %A"), &wanted),
            Config::KeptOther("other %A".into())
        );
    }

    #[test]
    fn the_program_is_the_executable_unless_path_finds_it() {
        let dir = tempfile::tempdir().expect("dir");
        let exe = dir.path().join("baton");
        std::fs::write(&exe, b"").expect("write");
        let real = std::fs::canonicalize(&exe).expect("canonical");
        assert_eq!(program(&exe, Some(dir.path().as_os_str())), "baton");
        assert_eq!(program(&exe, None), real.to_string_lossy());
        let other = tempfile::tempdir().expect("dir");
        std::fs::write(other.path().join("baton"), b"").expect("write");
        assert_eq!(
            program(&exe, Some(other.path().as_os_str())),
            real.to_string_lossy()
        );
    }
}
