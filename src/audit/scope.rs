//! A task's scope as the audit reads it: which of a repository's real paths it covers.
//!
//! The patterns and their matching are [`crate::graph::scope`]'s (the ones `analyze`
//! checks for overlap); this adds what only real paths need (docs/audit.md, "Scopes"):
//!
//! - scope paths are relative to the plan's directory; for a plan in a subfolder they are
//!   also tried from the repository root (spec-kit and Kiro write paths from the root);
//! - a bare file name (`__init__.py`, `Cargo.toml`) or a glob without a folder (`*.proto`)
//!   matches that name in any folder;
//! - a bare word with no extension (`_refresh_calendar`) is an identifier, not a path, and
//!   covers nothing, unless a file or folder of that name exists beside the plan or at the
//!   root (`Makefile`, `docs`).

use std::path::Path;

use crate::graph::scope::Pattern;
use crate::plan::keys;

/// One entry of a scope, ready to match.
#[derive(Debug)]
enum Entry {
    /// A path or glob from a folder: covers what [`Pattern::covers`] says.
    Path {
        pattern: Pattern,
        /// The leading literal segments: a covered path starts with them.
        prefix: String,
    },
    /// A name matched against a path's last segment, in any folder.
    Name(Pattern),
}

/// What a scope matched a path with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cover {
    /// An entry that names the path or a folder above it (or its file name).
    Explicit,
    /// Only an entry that covers everything (`**`, `*`).
    Everything,
}

/// The scope of one task.
#[derive(Debug, Default)]
pub struct ScopeSet {
    entries: Vec<Entry>,
    /// Entries read as identifiers, not paths.
    pub identifiers: Vec<String>,
}

/// Where scope paths are read from.
#[derive(Debug)]
pub struct Base<'a> {
    /// The repository's root.
    pub root: &'a Path,
    /// The plan's directory relative to the root: empty, or ending in `/`.
    pub prefix: &'a str,
}

impl ScopeSet {
    /// Reads a task's `files` (declared or inferred), braces expanded.
    pub fn build(files: &[String], base: &Base<'_>) -> ScopeSet {
        let mut set = ScopeSet::default();
        for raw in files {
            for entry in keys::expand_braces(raw) {
                set.add(entry.trim().trim_matches('`'), base);
            }
        }
        set
    }

    fn add(&mut self, entry: &str, base: &Base<'_>) {
        let entry = entry.trim_start_matches("./");
        if entry.is_empty() {
            return;
        }
        let glob = entry.contains(['*', '?', '[']);
        let folder = entry.trim_end_matches('/').contains('/');
        if !folder && (glob || keys::looks_like_path(entry)) && !entry.ends_with('/') {
            self.entries.push(Entry::Name(Pattern::new(entry)));
            return;
        }
        if !folder && !glob && !entry.ends_with('/') {
            let name = entry;
            let exists =
                base.root.join(base.prefix).join(name).exists() || base.root.join(name).exists();
            if !exists {
                self.identifiers.push(name.to_string());
                return;
            }
        }
        self.push_path(&format!("{}{entry}", base.prefix));
        if !base.prefix.is_empty() {
            self.push_path(entry);
        }
    }

    fn push_path(&mut self, text: &str) {
        let pattern = Pattern::new(text);
        let prefix = pattern
            .text
            .split('/')
            .take_while(|s| !s.contains(['*', '?', '[']))
            .collect::<Vec<_>>()
            .join("/");
        self.entries.push(Entry::Path { pattern, prefix });
    }

    /// Whether the scope has no entry that names a path.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How the scope covers `path` (root-relative), or None when it does not.
    pub fn covers(&self, path: &str) -> Option<Cover> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let mut found = None;
        for entry in &self.entries {
            let (everything, hit) = match entry {
                Entry::Path { pattern, prefix } => (
                    pattern.is_everything(),
                    within(path, prefix) && pattern.covers(path),
                ),
                Entry::Name(glob) => (glob.text == "*" || glob.is_everything(), glob.covers(name)),
            };
            if hit {
                if !everything {
                    return Some(Cover::Explicit);
                }
                found = Some(Cover::Everything);
            }
        }
        found
    }

    /// Whether some entry's last segment is exactly `name` (a file the scope names).
    pub fn names_file(&self, name: &str) -> bool {
        self.entries.iter().any(|entry| {
            let text = match entry {
                Entry::Path { pattern, .. } => &pattern.text,
                Entry::Name(glob) => &glob.text,
            };
            text.rsplit('/').next() == Some(name)
        })
    }
}

/// `path` is `prefix` or lies below it.
fn within(path: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Folders that hold tests.
const TEST_DIRS: &[&str] = &["tests", "test", "__tests__", "spec", "specs"];

/// If `path` is a test, the paths of the code it tests, most likely first; None when it is
/// not a test. The rule (docs/audit.md, "Tests of in-scope files"): a test is a file under a
/// test folder (`tests/`, `test/`, `__tests__/`, `spec/`, `specs/`) or named like one
/// (`test_x.py`, `x_test.go`, `x.test.ts`, `x.spec.ts`, `x_spec.rb`, `XTest.java`,
/// `XTests.cs`); what it tests has the name without the marker, in the test's folder with
/// the test folders left out, or under `src/` or `lib/` there, or is the folder of that name
/// (`tests/audit.rs` tests `src/audit.rs` or `src/audit/`). The audit also takes any file
/// of the repository with that name that a scope covers (`tests/test_session.py` tests
/// `src/auth/session.py`).
pub fn test_subjects(path: &str) -> Option<(String, Vec<String>)> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let in_test_dir = dir.split('/').any(|s| TEST_DIRS.contains(&s));
    let stripped = strip_test_marker(name);
    if stripped.is_none() && !in_test_dir {
        return None;
    }
    let subject = stripped.unwrap_or_else(|| name.to_string());
    let rest: Vec<&str> = dir
        .split('/')
        .filter(|s| !s.is_empty() && !TEST_DIRS.contains(s))
        .collect();
    let folder = rest.join("/");
    let mut candidates = Vec::new();
    let stem = subject
        .rsplit_once('.')
        .map_or(subject.as_str(), |(stem, _)| stem);
    for root in ["", "src/", "lib/"] {
        let sep = if folder.is_empty() { "" } else { "/" };
        candidates.push(format!("{root}{folder}{sep}{subject}"));
        if !stem.is_empty() && stem != subject {
            candidates.push(format!("{root}{folder}{sep}{stem}"));
        }
    }
    Some((subject, candidates))
}

/// The file name without its test marker, when it has one.
fn strip_test_marker(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    // x.test.ts, x.spec.ts
    for marker in [".test", ".spec"] {
        if let Some(base) = stem.strip_suffix(marker).filter(|b| !b.is_empty()) {
            return Some(format!("{base}.{ext}"));
        }
    }
    // test_x.py
    if let Some(base) = stem.strip_prefix("test_").filter(|b| !b.is_empty()) {
        return Some(format!("{base}.{ext}"));
    }
    // x_test.go, x_spec.rb, x_tests.rs
    for marker in ["_test", "_tests", "_spec"] {
        if let Some(base) = stem.strip_suffix(marker).filter(|b| !b.is_empty()) {
            return Some(format!("{base}.{ext}"));
        }
    }
    // UserTest.java, UserTests.cs, UserSpec.kt: a capitalised name.
    for marker in ["Tests", "Test", "Spec"] {
        if let Some(base) = stem.strip_suffix(marker)
            && base.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        {
            return Some(format!("{base}.{ext}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(files: &[&str], prefix: &str, root: &Path) -> ScopeSet {
        let files: Vec<String> = files.iter().map(|s| s.to_string()).collect();
        ScopeSet::build(files.as_slice(), &Base { root, prefix })
    }

    #[test]
    fn paths_names_globs_and_identifiers() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("Makefile"), "").expect("write");
        let s = set(
            &[
                "src/auth/**",
                "__init__.py",
                "*.proto",
                "_refresh_calendar",
                "Makefile",
                "src/{db,api}/x.rs",
                "`docs/`",
            ],
            "",
            dir.path(),
        );
        assert_eq!(s.identifiers, ["_refresh_calendar"]);
        let yes = [
            "src/auth/login.rs",
            "pkg/deep/__init__.py",
            "api/v1/user.proto",
            "Makefile",
            "src/db/x.rs",
            "src/api/x.rs",
            "docs/a/b.md",
        ];
        for path in yes {
            assert_eq!(s.covers(path), Some(Cover::Explicit), "{path}");
        }
        for path in [
            "src/authx/a.rs",
            "src/db/y.rs",
            "_refresh_calendar",
            "a/Makefile",
        ] {
            assert_eq!(s.covers(path), None, "{path}");
        }
        assert!(s.names_file("__init__.py") && s.names_file("x.rs"));
        let all = set(&["**"], "", dir.path());
        assert_eq!(all.covers("Cargo.lock"), Some(Cover::Everything));
    }

    #[test]
    fn a_plan_in_a_subfolder_reads_paths_from_both_places() {
        let dir = tempfile::tempdir().expect("tmp");
        let s = set(&["src/x.py"], "specs/001/", dir.path());
        assert!(s.covers("specs/001/src/x.py").is_some());
        assert!(s.covers("src/x.py").is_some());
        assert!(s.covers("specs/src/x.py").is_none());
    }

    #[test]
    fn test_files_and_what_they_test() {
        let subjects = test_subjects;
        assert_eq!(subjects("src/x.py"), None);
        assert_eq!(subjects("src/contest.py"), None);
        let (name, c) = subjects("tests/test_x.py").expect("test");
        assert_eq!(name, "x.py");
        assert!(c.contains(&"src/x.py".to_string()), "{c:?}");
        let (_, c) = subjects("pkg/a/x_test.go").expect("test");
        assert_eq!(c[0], "pkg/a/x.go");
        let (_, c) = subjects("src/__tests__/x.test.ts").expect("test");
        assert_eq!(c[0], "src/x.ts");
        let (name, c) = subjects("tests/cli/audit.rs").expect("test");
        assert_eq!(name, "audit.rs");
        assert!(c.contains(&"src/cli/audit.rs".to_string()));
        assert!(c.contains(&"src/cli/audit".to_string()));
        assert_eq!(subjects("x.spec.ts").expect("t").0, "x.ts");
        assert_eq!(subjects("spec/user_spec.rb").expect("t").0, "user.rb");
        assert_eq!(subjects("src/UserTest.java").expect("t").0, "User.java");
        assert_eq!(subjects("src/latest.java"), None);
        assert_eq!(subjects("src/Test.java"), None);
    }
}
