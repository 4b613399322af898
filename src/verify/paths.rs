//! The paths layer: do the files a task creates exist, and are the files it removes gone?
//!
//! A task's paths are its declared scope (`files:`) and the paths its title and notes name.
//! What each must be comes from the words around it ([`super::mentions`]); whether it is
//! comes from the working tree. Not every path a plan names is a file of the repository, and
//! calling such a path missing would call honest work a lie, so before judging, each path
//! that git does not know is checked against the kinds of mention documented in
//! docs/verify.md ("Mentions"): ignored by git, written at run time (under a dot-directory
//! or a build-output directory git tracks nothing in, or a log or database file), a URL
//! route (`users/`, `api/users/:id`), a dotted module name, a template placeholder, a
//! missing dotfile or path under a dot-directory that no commit ever held, a path the
//! task's code writes when it runs. The other way round, a path the title names as the
//! task's only deliverable, without a creation verb ("Parser tests in `x.test.ts`"), must
//! exist like a created one: missing from a folder of the project, it is hard evidence.
//!
//! Paths are relative to the plan's directory, as everywhere in baton; a path that does not
//! exist there is also tried from the repository root, because spec-kit and Kiro keep their
//! plans in subfolders (`specs/001-x/tasks.md`) and write paths from the root. A bare file
//! name (`user.py`) is found anywhere.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashSet;

use super::PathCheck;
use super::finding::{Finding, Layer, Weight};
use super::mentions::{Mentions, PathRole, Place};
use crate::graph::scope::Pattern;
use crate::plan::{ScopeSource, Task, keys};

/// Directories that conventionally hold what builds and runs produce.
const RUNTIME_DIRS: &[&str] = &[
    "target",
    "dist",
    "build",
    "out",
    "node_modules",
    "__pycache__",
    "coverage",
    "tmp",
    "temp",
    "log",
    "logs",
    "venv",
    "data",
    "uploads",
];

/// Extensions of files that programs write while they run.
const RUNTIME_EXTENSIONS: &[&str] = &[
    "log", "pid", "sock", "sqlite", "sqlite3", "db", "tmp", "swp", "cache",
];

/// Dotfiles that configure the repository or its tools: files of the repository, never
/// state a program writes, even when git has not tracked them yet.
const REPO_DOTFILES: &[&str] = &[
    ".git",
    ".docker",
    ".editorconfig",
    ".env.example",
    ".env.sample",
    ".env.template",
    ".eslint",
    ".prettier",
    ".stylelint",
    ".markdownlint",
    ".babelrc",
    ".browserslist",
    ".npmrc",
    ".nvmrc",
    ".node-version",
    ".python-version",
    ".ruby-version",
    ".tool-versions",
    ".pre-commit",
    ".golangci",
    ".clang-format",
    ".rustfmt",
    ".swcrc",
    ".mocharc",
    ".lintstagedrc",
    ".husky",
    ".vscode",
    ".github",
    ".devcontainer",
    ".cargo",
    ".flake8",
    ".pylintrc",
    ".coveragerc",
];

/// Extensions common enough that a dotted name ending in one is a file, not a module.
const FILE_EXTENSIONS: &[&str] = &[
    "rs", "py", "ts", "tsx", "js", "jsx", "mjs", "go", "java", "kt", "rb", "php", "cs", "json",
    "yaml", "yml", "toml", "md", "css", "html", "sql", "sh", "txt", "vue", "svelte",
];

/// The working tree as the verifier sees it: every file git lists (tracked, and untracked
/// files that are not ignored), relative to the repository root.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    /// The plan's directory relative to `root`, empty or ending in `/`.
    pub prefix: String,
    /// Sorted, `/`-separated, relative to `root`.
    pub files: Vec<String>,
    pub in_git: bool,
    ignored: FxHashSet<String>,
    asked: FxHashSet<String>,
    gitignore: Option<ignore::gitignore::Gitignore>,
}

impl Workspace {
    /// Lists the files under `root`; `base` is the plan's directory (inside `root`).
    pub fn new(root: &Path, base: &Path) -> Workspace {
        let in_git = super::git::output(root, &["rev-parse", "--is-inside-work-tree"]).is_some();
        let root_abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let base_abs = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
        let prefix = base_abs
            .strip_prefix(&root_abs)
            .ok()
            .map(|p| {
                let s = p
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                if s.is_empty() { s } else { format!("{s}/") }
            })
            .unwrap_or_default();
        let gitignore = (!in_git).then(|| {
            let (gi, _) = ignore::gitignore::Gitignore::new(root.join(".gitignore"));
            gi
        });
        Workspace {
            root: root.to_path_buf(),
            prefix,
            files: super::list_files(root),
            in_git,
            ignored: FxHashSet::default(),
            asked: FxHashSet::default(),
            gitignore,
        }
    }

    /// Asks git once which of these root-relative paths are ignored, so that judging many
    /// tasks costs one process rather than one per path.
    pub fn learn_ignored(&mut self, paths: impl IntoIterator<Item = String>) {
        let fresh: Vec<String> = paths
            .into_iter()
            .filter(|p| !p.is_empty() && self.asked.insert(p.clone()))
            .collect();
        if fresh.is_empty() {
            return;
        }
        if self.in_git {
            self.ignored
                .extend(super::git::check_ignored(&self.root, &fresh));
        } else if let Some(gi) = &self.gitignore {
            for p in fresh {
                let dir = p.ends_with('/');
                if gi
                    .matched_path_or_any_parents(p.trim_end_matches('/'), dir)
                    .is_ignore()
                {
                    self.ignored.insert(p);
                }
            }
        }
    }

    fn is_ignored(&self, rel: &str) -> bool {
        self.ignored.contains(rel) || self.ignored.contains(&format!("{rel}/"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        !rel.is_empty() && self.root.join(rel).exists()
    }

    /// Whether `rel` is written with a folder and its top folder is one git lists files in
    /// (`src/` of `src/app/page.tsx`, even when the file was the last one of its own
    /// folder): a file missing there is missing from the project, not a path of some other
    /// machine.
    ///
    /// Or some commit held it: a file deleted since is missing from the project, even the
    /// last of its folder, or a bare name (`create-new-feature.ts`) wherever it was.
    pub fn in_tracked_dir(&self, rel: &str) -> bool {
        let rel = rel.trim_end_matches('/');
        let tail = rel.strip_prefix(self.prefix.as_str()).unwrap_or(rel);
        let listed = match tail.split_once('/') {
            Some((top, _)) => self.listed_under(&rel[..rel.len() - tail.len() + top.len()]),
            None => false,
        };
        listed
            || if tail.contains('/') {
                self.ever_tracked(rel)
            } else {
                self.ever_tracked(&format!(":(glob)**/{tail}"))
            }
    }

    /// Why a missing dotfile or a missing path under a dot-directory (`.settings.json`,
    /// `.speck/config.json`) is a mention: git has never tracked it, so it is state a
    /// program writes, not a file of the repository. None for other paths, outside git,
    /// for the repository's own configuration (`.gitignore`, `.github/…`), or for a path
    /// some commit once held (deleted since: missing).
    pub fn untracked_dotfile(&self, rel: &str) -> Option<String> {
        let rel = rel.trim_end_matches('/');
        let hidden = rel
            .split('/')
            .find(|part| part.starts_with('.') && part.len() > 1 && *part != "..")?;
        if !self.in_git || REPO_DOTFILES.iter().any(|d| hidden.starts_with(d)) {
            return None;
        }
        let last = rel.rsplit('/').next().unwrap_or(rel);
        (!self.ever_tracked(rel)).then(|| {
            if last == hidden {
                format!("`{last}` is a dotfile git has never tracked: written at run time")
            } else {
                format!("under `{hidden}/`, and git has never tracked it: written at run time")
            }
        })
    }

    /// Whether some commit held `rel` (or a file below it): a path deleted since is
    /// missing, not state a program writes. One `git log` per path asked; only missing
    /// hidden paths are asked about.
    fn ever_tracked(&self, rel: &str) -> bool {
        self.in_git
            && super::git::output(
                &self.root,
                &["log", "--all", "-1", "--format=%h", "--", rel],
            )
            .is_some_and(|log| !log.iter().all(u8::is_ascii_whitespace))
    }

    /// Whether git lists any file at or below `rel`.
    pub fn listed_under(&self, rel: &str) -> bool {
        let rel = rel.trim_end_matches('/');
        let start = self.files.partition_point(|f| f.as_str() < rel);
        self.files[start..]
            .iter()
            .take_while(|f| f.starts_with(rel))
            .any(|f| f.len() == rel.len() || f.as_bytes().get(rel.len()) == Some(&b'/'))
    }

    /// The root-relative forms a plan path may have: from the plan's directory, then from
    /// the root.
    pub fn candidates(&self, path: &str) -> Vec<String> {
        let path = path.trim_end_matches('/');
        let path = path.strip_prefix("./").unwrap_or(path);
        let mut out = vec![format!("{}{path}", self.prefix)];
        if !self.prefix.is_empty() {
            out.push(path.to_string());
        }
        out
    }

    /// The reading of a plan path that does not exist: the first whose folder exists (the
    /// plan's directory first), else the one from the root.
    pub fn reading(&self, path: &str) -> String {
        let candidates = self.candidates(path);
        for c in &candidates {
            let parent = c.rsplit_once('/').map_or("", |(dir, _)| dir);
            if parent.is_empty() || self.exists(parent) {
                return c.clone();
            }
        }
        candidates.last().cloned().unwrap_or_default()
    }

    /// Where a literal plan path is: the first candidate that exists, else a file anywhere
    /// with that name when the path is a bare name, else None.
    pub fn locate(&self, path: &str) -> Option<String> {
        let candidates = self.candidates(path);
        if let Some(found) = candidates.iter().find(|c| self.exists(c)) {
            return Some(found.clone());
        }
        let bare = path.trim_end_matches('/');
        if !bare.contains('/') && !bare.is_empty() {
            let suffix = format!("/{bare}");
            return self
                .files
                .iter()
                .find(|f| f.ends_with(&suffix) || f.as_str() == bare)
                .cloned();
        }
        None
    }

    /// Files matching a glob written in the plan, and the reading that matched (the first
    /// that matches anything, else [`Workspace::reading`]).
    pub fn glob(&self, pattern: &str) -> (Vec<String>, String) {
        for c in self.candidates(pattern) {
            let p = Pattern::new(&c);
            let found: Vec<String> = self.files.iter().filter(|f| p.covers(f)).cloned().collect();
            if !found.is_empty() {
                return (found, c);
            }
        }
        (Vec::new(), self.reading(pattern))
    }

    /// Why a path that git does not track is a mention rather than a file of the
    /// repository, if it is one. `rel` is the root-relative reading.
    fn mention(&self, path: &str, rel: &str, after_http: bool) -> Option<String> {
        if self.is_ignored(rel) || self.candidates(path).iter().any(|c| self.is_ignored(c)) {
            return Some("ignored by git: a local or generated file, not evidence".to_string());
        }
        let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
        let listed = self.listed_under(rel);
        // Under a dot-directory git tracks nothing in: state a program writes (`.app/`).
        let mut dir = String::new();
        for part in parts.iter().take(parts.len().saturating_sub(1)) {
            if !dir.is_empty() {
                dir.push('/');
            }
            dir.push_str(part);
            if part.starts_with('.')
                && part.len() > 1
                && !self.listed_under(&dir)
                && !self.ever_tracked(rel)
            {
                return Some(format!(
                    "under `{dir}/`, which git tracks nothing in: written at run time"
                ));
            }
        }
        // A build or run-time output folder anywhere (`packages/tokens/build/`).
        let mut dir = String::new();
        let folders = if written_as_dir(path) {
            parts.len()
        } else {
            parts.len().saturating_sub(1)
        };
        for part in parts.iter().take(folders) {
            if !dir.is_empty() {
                dir.push('/');
            }
            dir.push_str(part);
            if RUNTIME_DIRS.contains(part) && !self.listed_under(&dir) {
                return Some(format!(
                    "under `{part}/`, a build or run-time output folder git tracks nothing in"
                ));
            }
        }
        let last = parts.last().copied().unwrap_or("");
        if !listed
            && let Some((_, ext)) = last.rsplit_once('.')
            && RUNTIME_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
        {
            return Some(format!("a `.{ext}` file: written at run time"));
        }
        if self.exists(rel) {
            return None;
        }
        if after_http {
            return Some("a URL route (after an HTTP method), not a file".to_string());
        }
        let written = path.trim_start_matches("./");
        let segments: Vec<&str> = written.split('/').filter(|s| !s.is_empty()).collect();
        if segments
            .iter()
            .any(|s| s.starts_with(':') || s.starts_with('<') || s.starts_with("{{"))
            || written.contains("{{")
            || written.contains('<')
        {
            return Some("a route or template pattern with placeholders, not a file".to_string());
        }
        if written.ends_with('/') && segments.len() == 1 && !segments[0].contains('.') {
            return Some(format!(
                "`{written}` reads as a URL route (one segment and a slash), not a folder"
            ));
        }
        if matches!(segments.first(), Some(&("api" | "v1" | "v2" | "v3")))
            && !segments.last().is_some_and(|s| s.contains('.'))
        {
            return Some("a URL route (`api/…`), not a folder".to_string());
        }
        if !written.contains('/') {
            let dotted: Vec<&str> = written.split('.').collect();
            let identifiers = dotted.iter().all(|s| {
                !s.is_empty()
                    && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !s.starts_with(|c: char| c.is_ascii_digit())
            });
            let ext = dotted.last().copied().unwrap_or("");
            if dotted.len() >= 3 && identifiers && !FILE_EXTENSIONS.contains(&ext) {
                return Some(format!(
                    "`{written}` reads as a dotted module name, not a file"
                ));
            }
        }
        None
    }
}

fn written_as_dir(path: &str) -> bool {
    path.ends_with('/')
}

/// A path of the task's scope as the other layers need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopePath {
    /// Root-relative (the reading that exists, else the plan-relative one).
    pub rel: String,
    pub glob: bool,
    /// For a glob: some file matches; else the path exists.
    pub exists: bool,
    /// The task's words say it creates this path.
    pub creates: bool,
    /// The task's words say it removes this path.
    pub removes: bool,
}

/// What the paths layer found for one task.
#[derive(Debug, Clone, Default)]
pub struct PathsOutcome {
    pub findings: Vec<Finding>,
    /// The declared scope, as `paths[]` in the JSON report has always listed it.
    pub checks: Vec<PathCheck>,
    /// Every path that is evidence (declared or named, not a mention).
    pub scope: Vec<ScopePath>,
}

/// Every path a task names, as written (declared entries expanded), for asking git which
/// are ignored before judging.
pub fn named(task: &Task, mentions: &Mentions) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if task.scope_source == ScopeSource::Declared {
        for entry in &task.files {
            out.extend(keys::expand_braces(entry));
        }
    }
    out.extend(mentions.paths.iter().map(|m| m.path.clone()));
    out
}

fn verb_note(verb: Option<&str>) -> String {
    verb.map_or(String::new(), |v| format!(" (\"{v}\")"))
}

/// Judges a task's paths.
pub fn judge(task: &Task, mentions: &Mentions, ws: &Workspace) -> PathsOutcome {
    let mut out = PathsOutcome::default();
    let mut declared: Vec<String> = Vec::new();
    if task.scope_source == ScopeSource::Declared {
        for entry in &task.files {
            for expanded in keys::expand_braces(entry) {
                judge_declared(&expanded, mentions, ws, &mut out);
                declared.push(expanded);
            }
        }
    }
    // What the title names as the work: a single one is the task's only deliverable.
    let only = mentions
        .paths
        .iter()
        .filter(|m| m.deliverable || (m.role == PathRole::Creates && m.place == Place::Title))
        .count()
        == 1;
    for m in &mentions.paths {
        if declared.contains(&m.path) {
            continue;
        }
        let glob = m.path.contains(['*', '?']);
        let verb = verb_note(m.verb.as_deref());
        if glob {
            let (matches, rel) = ws.glob(&m.path);
            if matches.is_empty() {
                out.findings.push(Finding::new(
                    Layer::Paths,
                    Weight::Warning,
                    "glob-empty",
                    &m.path,
                    format!("`{}` matches no file", m.path),
                ));
            } else {
                out.findings.push(Finding::new(
                    Layer::Paths,
                    Weight::Positive,
                    "glob-matches",
                    &m.path,
                    format!("`{}` matches {} file(s)", m.path, matches.len()),
                ));
            }
            out.scope.push(ScopePath {
                rel,
                glob: true,
                exists: !matches.is_empty(),
                creates: m.role == PathRole::Creates,
                removes: false,
            });
            continue;
        }
        if m.role == PathRole::Runtime {
            out.findings.push(Finding::new(
                Layer::Paths,
                Weight::Note,
                "mention",
                &m.path,
                format!(
                    "`{}` is a mention, not evidence: the task's code writes it when it \
                     runs{verb}",
                    m.path
                ),
            ));
            continue;
        }
        let located = ws.locate(&m.path);
        let rel = located.clone().unwrap_or_else(|| ws.reading(&m.path));
        let why = if located.is_none() || !ws.listed_under(&rel) {
            ws.mention(&m.path, &rel, m.after_http_method).or_else(|| {
                (located.is_none() && m.role != PathRole::Removes)
                    .then(|| ws.untracked_dotfile(&rel))
                    .flatten()
            })
        } else {
            None
        };
        if let Some(why) = why {
            out.findings.push(Finding::new(
                Layer::Paths,
                Weight::Note,
                "mention",
                &m.path,
                format!("`{}` is a mention, not evidence: {why}", m.path),
            ));
            continue;
        }
        let exists = located.is_some();
        let shown = match &located {
            Some(found) if found != m.path.trim_end_matches('/') => {
                format!("`{}` (found at {found})", m.path)
            }
            _ => format!("`{}`", m.path),
        };
        let finding = match (m.role, exists) {
            (PathRole::Creates, true) => Finding::new(
                Layer::Paths,
                Weight::Positive,
                "created",
                &m.path,
                format!("{shown} exists; the task creates it{verb}"),
            ),
            (PathRole::Creates, false) => Finding::new(
                Layer::Paths,
                Weight::Hard,
                "created-missing",
                &m.path,
                format!("{shown} does not exist, though the task creates it{verb}"),
            ),
            (PathRole::Removes, false) => Finding::new(
                Layer::Paths,
                Weight::Positive,
                "removed",
                &m.path,
                format!("{shown} is gone; the task removes it{verb}"),
            ),
            (PathRole::Removes, true) => Finding::new(
                Layer::Paths,
                Weight::Hard,
                "removed-present",
                &m.path,
                format!("{shown} still exists, though the task removes it{verb}"),
            ),
            (PathRole::Names, true) => Finding::new(
                Layer::Paths,
                Weight::Positive,
                "named",
                &m.path,
                format!("{shown} exists"),
            ),
            (PathRole::Names, false)
                if m.deliverable && (only || m.verb.is_none()) && ws.in_tracked_dir(&rel) =>
            {
                Finding::new(
                    Layer::Paths,
                    Weight::Hard,
                    "named-missing",
                    &m.path,
                    format!(
                        "{shown} does not exist, though it is {} in a folder \
                         the repository tracks",
                        if only {
                            "the only file the task names"
                        } else {
                            "what the task is about"
                        }
                    ),
                )
            }
            (PathRole::Names, false) => Finding::new(
                Layer::Paths,
                Weight::Warning,
                "named-missing",
                &m.path,
                format!("{shown} is named but does not exist"),
            ),
            (PathRole::Neutral | PathRole::Runtime, _) => Finding::new(
                Layer::Paths,
                Weight::Note,
                "not-judged",
                &m.path,
                format!(
                    "{shown} is named in a way that says nothing about whether it exists \
                     (the source of a move, or not the object of the removal)"
                ),
            ),
        };
        out.findings.push(if exists {
            finding.at(rel.clone(), None)
        } else {
            finding
        });
        out.scope.push(ScopePath {
            rel,
            glob: false,
            exists,
            creates: m.role == PathRole::Creates,
            removes: m.role == PathRole::Removes,
        });
    }
    out
}

/// A declared scope entry: a literal path must exist (be gone, when the text says the task
/// removes it), a glob must match a file.
fn judge_declared(entry: &str, mentions: &Mentions, ws: &Workspace, out: &mut PathsOutcome) {
    let pattern = Pattern::new(entry);
    let glob = pattern.text.contains(['*', '?', '[']);
    let removes = !glob && super::mentions::removes(mentions, entry);
    let creates = mentions
        .paths
        .iter()
        .any(|m| m.path == entry && m.role == PathRole::Creates);
    let (matches, rel) = if glob {
        let (found, rel) = ws.glob(entry);
        (found.len(), rel)
    } else {
        match ws.candidates(entry).into_iter().find(|c| ws.exists(c)) {
            Some(found) => (1, found),
            None => (0, ws.reading(entry)),
        }
    };
    let mention = if matches == 0 || !ws.listed_under(&rel) {
        ws.mention(entry, &rel, false)
    } else {
        None
    };
    let check = PathCheck {
        pattern: entry.to_string(),
        glob,
        matches,
        removes,
        mention: mention.clone(),
    };
    let finding = if let Some(why) = &mention {
        Finding::new(
            Layer::Paths,
            Weight::Note,
            "declared-mention",
            entry,
            format!("`{entry}` is a mention, not evidence: {why}"),
        )
    } else if removes {
        if matches == 0 {
            Finding::new(
                Layer::Paths,
                Weight::Positive,
                "declared-removed",
                entry,
                format!("`{entry}` is gone; the task removes it"),
            )
        } else {
            Finding::new(
                Layer::Paths,
                Weight::Hard,
                "declared-present",
                entry,
                format!("`{entry}` still exists, though the task removes it"),
            )
            .at(rel.clone(), None)
        }
    } else if matches > 0 {
        let what = if glob {
            format!("`{entry}` matches {matches} file(s)")
        } else {
            format!("`{entry}` exists")
        };
        Finding::new(
            Layer::Paths,
            Weight::Positive,
            "declared-exists",
            entry,
            what,
        )
    } else {
        let what = if glob {
            format!("`{entry}` matches no file")
        } else {
            format!("`{entry}` does not exist")
        };
        Finding::new(Layer::Paths, Weight::Hard, "declared-missing", entry, what)
    };
    out.findings.push(finding);
    out.checks.push(check);
    if mention.is_none() {
        out.scope.push(ScopePath {
            rel,
            glob,
            exists: matches > 0,
            creates,
            removes,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::parse;
    use crate::verify::mentions;

    fn checks(dir: &Path, plan: &str) -> Vec<(String, &'static str, &'static str)> {
        let plan = parse(plan.as_bytes());
        let ws = Workspace::new(dir, dir);
        let m = mentions::read(&plan.tasks[0]);
        judge(&plan.tasks[0], &m, &ws)
            .findings
            .into_iter()
            .map(|f| (f.subject, f.check, f.weight.as_str()))
            .collect()
    }

    fn triples(
        list: &[(&str, &'static str, &'static str)],
    ) -> Vec<(String, &'static str, &'static str)> {
        list.iter()
            .map(|(a, b, c)| (a.to_string(), *b, *c))
            .collect()
    }

    #[test]
    fn created_removed_and_mentioned_paths() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        std::fs::create_dir_all(d.join("src/services")).expect("mkdir");
        std::fs::write(d.join("src/services/user.py"), "x = 1\n").expect("write");
        std::fs::write(d.join("src/legacy.py"), "x = 1\n").expect("write");
        assert_eq!(
            checks(
                d,
                "- [x] T1 Implement `UserService` in src/services/user.py\n"
            ),
            triples(&[("src/services/user.py", "created", "positive")])
        );
        assert_eq!(
            checks(d, "- [x] T1 Create `src/missing.py`\n"),
            triples(&[("src/missing.py", "created-missing", "hard")])
        );
        assert_eq!(
            checks(d, "- [x] T1 Delete `src/legacy.py` and `src/gone.py`\n"),
            triples(&[
                ("src/legacy.py", "removed-present", "hard"),
                ("src/gone.py", "removed", "positive")
            ])
        );
        // A bare name is found anywhere.
        assert_eq!(
            checks(d, "- [x] T1 Write user.py\n"),
            triples(&[("user.py", "created", "positive")])
        );
        assert_eq!(
            checks(
                d,
                "- [x] T1 Create the store\n  - Write state to `.app/state.json`\n  - Serve `users/`\n  - Log to `logs/app.log`\n"
            ),
            triples(&[
                (".app/state.json", "mention", "note"),
                ("users/", "mention", "note"),
                ("logs/app.log", "mention", "note"),
            ])
        );
    }

    #[test]
    fn declared_scope_and_removal() {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        std::fs::create_dir_all(d.join("db")).expect("mkdir");
        assert_eq!(
            checks(d, "- [x] T1 a\n  - files: db, db/schema.sql\n"),
            triples(&[
                ("db", "declared-exists", "positive"),
                ("db/schema.sql", "declared-missing", "hard")
            ])
        );
        assert_eq!(
            checks(d, "- [x] T1 Remove `db/old.sql`\n  - files: db/old.sql\n"),
            triples(&[("db/old.sql", "declared-removed", "positive")])
        );
    }
}
