//! Every git call baton makes, in one place and under one environment policy.
//!
//! baton runs inside other programs' processes: agent hooks (which export `GIT_DIR` and
//! `GIT_INDEX_FILE` while a commit is under way), CI jobs, terminals with a pager and a
//! localised git. Each of those could change what git answers, so every command goes through
//! [`Git::command`], which applies this policy:
//!
//! - `GIT_DIR`, `GIT_WORK_TREE`, `GIT_INDEX_FILE`, `GIT_COMMON_DIR`, `GIT_OBJECT_DIRECTORY`,
//!   `GIT_ALTERNATE_OBJECT_DIRECTORIES`, `GIT_NAMESPACE` and `GIT_PREFIX` are cleared: git
//!   finds the repository from the directory it runs in, nothing inherited redirects it;
//! - `LC_ALL=C` (and `LANGUAGE` cleared): messages and dates are not translated;
//! - `GIT_TERMINAL_PROMPT=0`, `GIT_ASKPASS` cleared, stdin is null: git never waits for a person;
//! - `--no-pager`, `GIT_PAGER=cat`: output is never held back by a pager;
//! - `GIT_MERGE_AUTOEDIT=no`, `GIT_EDITOR=true`: a merge never opens an editor;
//! - `-c core.quotepath=off`: paths are printed as they are (baton reads `-z` output
//!   wherever it parses paths, so nothing is ever unquoted by guesswork);
//! - reads (the default) run with `GIT_OPTIONAL_LOCKS=0`, so a `git status` behind baton's
//!   back never takes the index lock a session's own git needs; writes ([`Git::write`])
//!   keep git's locks.
//!
//! A failing command becomes a [`GitError`] naming the command, the repository and git's
//! own message.

mod diff;
mod refs;
mod worktree;

pub use diff::{Change, ChangeKind, StatusEntry, StatusKind, with_untracked};
pub use refs::{EMPTY_TREE_SHA1, EMPTY_TREE_SHA256, PushOutcome, RefEntry};
pub use worktree::{MergeOutcome, Worktree};

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Variables a caller's environment must not pass on to git.
const CLEARED: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_ASKPASS",
    "SSH_ASKPASS",
    "LANGUAGE",
];

/// Why a git command failed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run `git {command}` in {}: {source}", dir.display())]
    Spawn {
        command: String,
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`git {command}` failed in {}{}: {}", dir.display(), code_text(*code), stderr.trim())]
    Failed {
        command: String,
        dir: PathBuf,
        code: Option<i32>,
        stderr: String,
    },
    #[error("{} is not inside a git repository", dir.display())]
    NotARepository { dir: PathBuf },
    #[error("no commit `{name}` in {}", dir.display())]
    UnknownRef { name: String, dir: PathBuf },
}

fn code_text(code: Option<i32>) -> String {
    match code {
        Some(c) => format!(" (exit {c})"),
        None => " (killed by a signal)".to_string(),
    }
}

/// A repository (or a directory inside one) that git commands run in.
#[derive(Debug, Clone)]
pub struct Git {
    dir: PathBuf,
}

impl Git {
    /// Commands run in `dir`; git finds the repository from there.
    pub fn new(dir: impl Into<PathBuf>) -> Git {
        Git { dir: dir.into() }
    }

    /// The directory commands run in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `git ARGS` under the policy, for a read: optional locks off.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.base_command(args);
        cmd.env("GIT_OPTIONAL_LOCKS", "0");
        cmd
    }

    fn base_command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        cmd.args(["--no-pager", "-c", "core.quotepath=off"])
            .args(args)
            .current_dir(&self.dir)
            .env("LC_ALL", "C")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_PAGER", "cat")
            .env("GIT_MERGE_AUTOEDIT", "no")
            .env("GIT_EDITOR", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for var in CLEARED {
            cmd.env_remove(var);
        }
        cmd
    }

    /// Runs a read and returns its stdout; a non-zero exit is an error.
    pub fn read(&self, args: &[&str]) -> Result<Vec<u8>, GitError> {
        let out = self.output(self.command(args), args)?;
        self.checked(out, args)
    }

    /// Runs a read and returns its stdout as text (invalid UTF-8 replaced).
    pub fn read_text(&self, args: &[&str]) -> Result<String, GitError> {
        self.read(args)
            .map(|out| String::from_utf8_lossy(&out).into_owned())
    }

    /// Runs a command that changes the repository (git's locks kept); its stdout.
    pub fn write(&self, args: &[&str]) -> Result<Vec<u8>, GitError> {
        let out = self.output(self.base_command(args), args)?;
        self.checked(out, args)
    }

    /// Runs a read and returns the whole [`Output`], whatever the exit code.
    pub fn read_raw(&self, args: &[&str]) -> Result<Output, GitError> {
        self.output(self.command(args), args)
    }

    /// Runs a read fed `input` on stdin (written from a thread: git may answer before it
    /// has read everything), returning the whole [`Output`] whatever the exit code.
    pub fn read_with_input(&self, args: &[&str], input: Vec<u8>) -> Result<Output, GitError> {
        let mut cmd = self.command(args);
        cmd.stdin(Stdio::piped());
        let mut child = cmd
            .spawn()
            .map_err(|source| self.spawn_error(args, source))?;
        let writer = child.stdin.take().map(|mut stdin| {
            std::thread::spawn(move || {
                stdin.write_all(&input).ok();
            })
        });
        let out = child.wait_with_output();
        if let Some(writer) = writer {
            writer.join().ok();
        }
        out.map_err(|source| self.spawn_error(args, source))
    }

    fn output(&self, mut cmd: Command, args: &[&str]) -> Result<Output, GitError> {
        cmd.output()
            .map_err(|source| self.spawn_error(args, source))
    }

    fn spawn_error(&self, args: &[&str], source: std::io::Error) -> GitError {
        GitError::Spawn {
            command: args.join(" "),
            dir: self.dir.clone(),
            source,
        }
    }

    fn checked(&self, out: Output, args: &[&str]) -> Result<Vec<u8>, GitError> {
        if out.status.success() {
            return Ok(out.stdout);
        }
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if stderr.contains("not a git repository") {
            return Err(GitError::NotARepository {
                dir: self.dir.clone(),
            });
        }
        Err(GitError::Failed {
            command: args.join(" "),
            dir: self.dir.clone(),
            code: out.status.code(),
            stderr,
        })
    }

    /// The top of the working tree.
    pub fn toplevel(&self) -> Result<PathBuf, GitError> {
        let out = self.read_text(&["rev-parse", "--show-toplevel"])?;
        Ok(PathBuf::from(out.trim_end_matches(['\n', '\r'])))
    }

    /// The full hash of the commit `rev` names; [`GitError::UnknownRef`] when none.
    pub fn rev_parse(&self, rev: &str) -> Result<String, GitError> {
        let spec = format!("{rev}^{{commit}}");
        let out = self.read_raw(&[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ])?;
        let hash = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if out.status.success() && !hash.is_empty() {
            return Ok(hash);
        }
        // Tell a missing repository from a missing ref.
        self.read(&["rev-parse", "--git-dir"])?;
        Err(GitError::UnknownRef {
            name: rev.to_string(),
            dir: self.dir.clone(),
        })
    }

    /// Whether `rev` names a commit.
    pub fn resolves(&self, rev: &str) -> bool {
        self.rev_parse(rev).is_ok()
    }

    /// The branch checked out (`main`), or None when HEAD is detached.
    pub fn current_branch(&self) -> Result<Option<String>, GitError> {
        let out = self.read_raw(&["symbolic-ref", "--quiet", "--short", "HEAD"])?;
        if out.status.success() {
            return Ok(Some(
                String::from_utf8_lossy(&out.stdout).trim().to_string(),
            ));
        }
        // Exit 1 is "detached"; anything else (not a repository) is an error.
        self.read(&["rev-parse", "--git-dir"])?;
        Ok(None)
    }

    /// The branch `refs/remotes/origin/HEAD` points at (`origin/main`), when there is one.
    pub fn origin_head(&self) -> Option<String> {
        let out = self
            .read_raw(&[
                "symbolic-ref",
                "--quiet",
                "--short",
                "refs/remotes/origin/HEAD",
            ])
            .ok()?;
        let name = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (out.status.success() && !name.is_empty()).then_some(name)
    }

    /// The best common ancestor of `a` and `b`, or None when they share no history.
    pub fn merge_base(&self, a: &str, b: &str) -> Result<Option<String>, GitError> {
        let out = self.read_raw(&["merge-base", "--end-of-options", a, b])?;
        if out.status.success() {
            return Ok(Some(
                String::from_utf8_lossy(&out.stdout).trim().to_string(),
            ));
        }
        if out.status.code() == Some(1) && out.stderr.is_empty() {
            return Ok(None);
        }
        // Say which side does not resolve.
        self.rev_parse(a)?;
        self.rev_parse(b)?;
        self.checked(out, &["merge-base", a, b]).map(|_| None)
    }

    /// The content of `path` (relative to the repository root) at `rev`, or None when the
    /// file does not exist there.
    pub fn show_file(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        let spec = format!("{rev}:{path}");
        let out = self.read_raw(&["cat-file", "blob", &spec])?;
        if out.status.success() {
            return Ok(Some(out.stdout));
        }
        self.rev_parse(rev)?;
        Ok(None)
    }

    /// Which of these root-relative paths git ignores (`git check-ignore`, one process for
    /// all). Tracked files are never reported, as git itself would not ignore them.
    pub fn check_ignored(&self, paths: &[String]) -> Result<Vec<String>, GitError> {
        let mut input = Vec::new();
        for p in paths {
            input.extend_from_slice(p.as_bytes());
            input.push(0);
        }
        let args = ["check-ignore", "-z", "--stdin"];
        let out = self.read_with_input(&args, input)?;
        // Exit 1 means "none of them is ignored".
        if !out.status.success() && out.status.code() != Some(1) {
            self.checked(out, &args)?;
            return Ok(Vec::new());
        }
        Ok(split_z(&out.stdout).map(lossy).collect())
    }
}

/// The NUL-separated fields of `-z` output, empty ones skipped.
pub(crate) fn split_z(out: &[u8]) -> impl Iterator<Item = &[u8]> {
    out.split(|&b| b == 0).filter(|f| !f.is_empty())
}

pub(crate) fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
pub(crate) mod testing {
    //! Real repositories in temp dirs for the tests of this module and its users.

    use std::path::Path;
    use std::process::Command;

    /// `git ARGS` in `dir` with a fixed identity and no user configuration.
    pub fn git(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdout(std::process::Stdio::null())
            .status()
            .expect("git")
            .success();
        assert!(ok, "git {args:?}");
    }

    pub fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }

    /// A repository on `main` with `files` committed, and an identity in its own config
    /// (so commands baton runs, such as merges, can commit).
    pub fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        git(d, &["init", "-q", "-b", "main"]);
        git(d, &["config", "user.name", "t"]);
        git(d, &["config", "user.email", "t@example.com"]);
        git(d, &["config", "commit.gpgsign", "false"]);
        for (rel, text) in files {
            write(d, rel, text);
        }
        git(d, &["add", "-A"]);
        git(d, &["commit", "-q", "--allow-empty", "-m", "init"]);
        dir
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{git, repo, write};
    use super::*;

    #[test]
    fn refs_branches_and_merge_bases() {
        let dir = repo(&[("a.txt", "a\n")]);
        let d = dir.path();
        let g = Git::new(d);
        let main = g.rev_parse("main").expect("main");
        assert_eq!(main.len(), 40);
        assert_eq!(g.rev_parse("HEAD").expect("HEAD"), main);
        assert!(matches!(
            g.rev_parse("nope"),
            Err(GitError::UnknownRef { .. })
        ));
        assert_eq!(g.current_branch().expect("branch").as_deref(), Some("main"));

        git(d, &["switch", "-q", "-c", "feature"]);
        write(d, "b.txt", "b\n");
        git(d, &["add", "-A"]);
        git(d, &["commit", "-q", "-m", "b"]);
        assert_eq!(
            g.merge_base("HEAD", "main").expect("base").as_deref(),
            Some(main.as_str())
        );
        assert!(g.merge_base("HEAD", "nope").is_err());
        assert_eq!(
            g.show_file("main", "a.txt").expect("show").as_deref(),
            Some(&b"a\n"[..])
        );
        assert_eq!(g.show_file("main", "b.txt").expect("show"), None);

        git(d, &["switch", "-q", "--detach"]);
        assert_eq!(g.current_branch().expect("detached"), None);
        assert!(g.origin_head().is_none());
    }

    #[test]
    fn an_inherited_git_dir_does_not_redirect_commands() {
        let one = repo(&[("a.txt", "a\n")]);
        let other = repo(&[]);
        let g = Git::new(one.path());
        // Same for every command: the policy removes it. Checked on the command itself,
        // since setting the variable in this process would leak into other tests.
        let cmd = g.command(&["status"]);
        let envs: Vec<_> = cmd.get_envs().collect();
        for var in CLEARED {
            assert!(
                envs.iter()
                    .any(|(k, v)| k.to_str() == Some(var) && v.is_none()),
                "{var} is cleared"
            );
        }
        let mut cmd = g.command(&["ls-files"]);
        cmd.env("GIT_DIR", other.path().join(".git"));
        // A caller that sets it again on purpose gets what it asked for, which shows the
        // variable matters.
        let redirected = cmd.output().expect("git");
        assert!(redirected.stdout.is_empty());
        assert_eq!(g.read_text(&["ls-files"]).expect("ls"), "a.txt\n");
    }

    #[test]
    fn errors_name_the_command_and_the_repository() {
        let dir = tempfile::tempdir().expect("tmp");
        let g = Git::new(dir.path());
        let err = g.rev_parse("HEAD").expect_err("no repo");
        assert!(matches!(err, GitError::NotARepository { .. }), "{err}");
        let dir = repo(&[]);
        let err = Git::new(dir.path())
            .read(&["log", "--bogus-flag"])
            .expect_err("bad flag");
        let text = err.to_string();
        assert!(text.contains("`git log --bogus-flag`"), "{text}");
        assert!(text.contains(&dir.path().display().to_string()), "{text}");
        assert!(text.contains("exit 128"), "{text}");
    }

    #[test]
    fn ignored_paths_in_one_process() {
        let dir = repo(&[(".gitignore", ".env\ndist/\n")]);
        let g = Git::new(dir.path());
        let ignored = g
            .check_ignored(&[".env".into(), "dist/app.js".into(), "src/a.rs".into()])
            .expect("check");
        assert_eq!(ignored, [".env", "dist/app.js"]);
        assert!(
            g.check_ignored(&["src/a.rs".into()])
                .expect("none")
                .is_empty()
        );
    }
}
