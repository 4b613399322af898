//! Hidden coupling from git history: files of two tasks' write scopes that keep changing in
//! the same commit.
//!
//! Two tasks whose scopes do not overlap can still be unsafe to run in parallel when their
//! files have always moved together (a handler and the schema it reads, a client and its
//! server). Scope comparison cannot see that; the history can. `baton analyze` asks this
//! module, for the tasks that would run at the same time, which pairs changed together in at
//! least K recent commits, and reports them as "co-change" findings.
//!
//! The real `git` is run as a child process (one `rev-parse`, one `log`) rather than reading
//! objects directly: history walking and path listing are git's job, and its `-z` output
//! carries any file name unchanged. Everything after that is in-memory work bounded by the
//! number of commits, files and tasks involved, never by the number of groups squared.

use std::path::Path;
use std::process::{Command, Stdio};

use globset::{Candidate, Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use rustc_hash::FxHashMap;

/// What to look for.
#[derive(Debug)]
pub struct CoChangeQuery<'a> {
    /// The directory the scope patterns are relative to (the plan file's directory); any
    /// directory inside a git work tree.
    pub base: &'a Path,
    /// Per task (indexed by task number): its write-scope patterns, globs allowed
    /// (`*`, `?`, `**`, `[ab]`; braces already expanded). Empty = no scope (never matched).
    /// A pattern also covers everything below the paths it matches (`src/auth` covers
    /// `src/auth/login.rs`). Patterns may start with `./`.
    pub scopes: &'a [Vec<String>],
    /// Sets of tasks that would run at the same time; only pairs inside one group are
    /// counted. A task may appear in several groups.
    pub groups: &'a [Vec<usize>],
    /// K: report a pair only when at least this many commits changed both.
    pub min_commits: u32,
    /// Read at most this many of the most recent commits (HEAD's history, no merges).
    pub max_commits: usize,
    /// Commits that change more files than this are skipped (formatting sweeps, vendoring).
    pub bulk_limit: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoChange {
    /// Task numbers, a < b.
    pub a: usize,
    pub b: usize,
    /// Commits that changed a file in a's scope and a file in b's scope.
    pub commits: u32,
    /// The most recent such commit, abbreviated hash (as git prints %h).
    pub example_commit: String,
    /// Up to 3 files of a's scope and of b's scope seen changing together, repository paths
    /// relative to `base`, sorted.
    pub a_files: Vec<String>,
    pub b_files: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HistoryReport {
    pub commits_read: usize,
    pub commits_skipped_bulk: usize,
    /// Pairs with at least `min_commits`, sorted by commits descending, then (a, b).
    pub pairs: Vec<CoChange>,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{0} is not inside a git work tree")]
    NotARepository(String),
    #[error("git could not be run: {0}")]
    GitMissing(String),
    #[error("git log failed: {0}")]
    Git(String),
    #[error("invalid scope pattern {pattern:?}: {message}")]
    Pattern { pattern: String, message: String },
}

/// How many sample files a finding names per side.
const SAMPLE_FILES: usize = 3;

/// Counts, for every pair of tasks that share a group, the recent commits that changed a
/// file only `a`'s scope covers together with a file only `b`'s scope covers, and returns
/// the pairs reaching `min_commits` (a `min_commits` of 0 is treated as 1: a pair that never
/// changed together is not a finding).
///
/// Scope patterns are normalised before matching: leading `./` is dropped, a trailing `/`
/// is dropped (`src/auth/` means the directory), and `.` alone covers everything below
/// `base`. Empty patterns, and patterns that climb out of `base` (`../x`, `/abs`), never
/// match: git's paths are only considered below `base`. Only the patterns of tasks that
/// appear in some group are parsed, so only those can cause [`HistoryError::Pattern`].
///
/// The sample files of a pair are the ones only that side's scope covers (a file both cover
/// is an overlap, not evidence of coupling), taken from the newest counted commits first.
///
/// A repository with no commits gives an empty report. `commits_read` counts every commit
/// git returned, including the `commits_skipped_bulk` ones; the bulk limit applies to all
/// files a commit changed, also those outside `base`.
pub fn co_changes(query: &CoChangeQuery<'_>) -> Result<HistoryReport, HistoryError> {
    let prefix = repository_prefix(query.base)?;
    let index = GroupIndex::new(query.scopes.len(), query.groups);
    let mut matcher = ScopeMatcher::new(ScopeIndex::new(query.scopes, &index)?);
    if query.max_commits == 0 {
        return Ok(HistoryReport::default());
    }
    let Some(log) = read_log(query.base, query.max_commits)? else {
        return Ok(HistoryReport::default());
    };
    let commits = parse_log(&log);
    let mut counter = PairCounter::new(query.scopes.len(), &index);
    let mut report = HistoryReport {
        commits_read: commits.len(),
        ..HistoryReport::default()
    };
    for (number, commit) in commits.iter().enumerate() {
        if commit.files.len() > query.bulk_limit {
            report.commits_skipped_bulk += 1;
            continue;
        }
        let files = commit
            .files
            .iter()
            .map(|path| matcher.file(path, &prefix))
            .collect::<Result<Vec<usize>, _>>()?;
        counter.add_commit(number, &files, &matcher);
    }
    report.pairs = counter.finish(query.min_commits.max(1), &commits, &matcher);
    Ok(report)
}

/// The git command every call runs: pinned so that neither the caller's environment (a hook
/// exporting `GIT_DIR`) nor user configuration changes what is read or how it is printed.
fn git(base: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(base)
        .args([
            "-c",
            "core.quotepath=off",
            // `diff.relative` would silently restrict and rewrite the paths log prints.
            "-c",
            "diff.relative=false",
            // Signature output would be mixed into the log stream.
            "-c",
            "log.showSignature=false",
        ])
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_COMMON_DIR")
        .env_remove("GIT_OBJECT_DIRECTORY")
        .env_remove("GIT_ALTERNATE_OBJECT_DIRECTORIES")
        // Error messages are matched below; they must not be translated.
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    cmd
}

fn run(base: &Path, args: &[&str]) -> Result<std::process::Output, HistoryError> {
    git(base)
        .args(args)
        .output()
        .map_err(|err| HistoryError::GitMissing(err.to_string()))
}

fn stderr_text(output: &std::process::Output) -> String {
    let text = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    if text.is_empty() {
        format!("git exited with {}", output.status)
    } else {
        text
    }
}

/// `base`'s path inside its work tree as git prints it (`docs/plans/`, or empty at the top),
/// as bytes because a directory name need not be UTF-8.
fn repository_prefix(base: &Path) -> Result<Vec<u8>, HistoryError> {
    let not_a_repo = || HistoryError::NotARepository(base.display().to_string());
    // Without this a missing directory would surface as "git could not be run".
    if !base.is_dir() {
        return Err(not_a_repo());
    }
    let output = run(
        base,
        &["rev-parse", "--is-inside-work-tree", "--show-prefix"],
    )?;
    if !output.status.success() {
        let message = stderr_text(&output);
        if message.contains("not a git repository") {
            return Err(not_a_repo());
        }
        return Err(HistoryError::Git(message));
    }
    // Two lines: `true`/`false`, then the prefix. Only the final newline is git's; a
    // directory name may itself end in whitespace.
    let out = output.stdout.strip_suffix(b"\n").unwrap_or(&output.stdout);
    let (inside, prefix) = match memchr::memchr(b'\n', out) {
        Some(at) => (&out[..at], &out[at + 1..]),
        None => (out, &[][..]),
    };
    // `false` inside a `.git` directory or a bare repository: there are no work-tree files.
    if inside != b"true" {
        return Err(not_a_repo());
    }
    Ok(prefix.to_vec())
}

/// Runs `git log`; `None` when HEAD has no commits yet.
fn read_log(base: &Path, max_commits: usize) -> Result<Option<Vec<u8>>, HistoryError> {
    // git reads `-n` as a C int and rejects anything larger.
    let limit = max_commits.min(i32::MAX as usize).to_string();
    let output = run(
        base,
        &[
            "log",
            "--no-merges",
            "--no-renames",
            "--no-color",
            // A root commit's files count like any other's, whatever `log.showRoot` says.
            "--root",
            "-z",
            "--name-only",
            // The leading NUL yields an empty field before every commit: a file name is never
            // empty, so that is an unambiguous commit boundary.
            "--format=%x00%h",
            "-n",
            &limit,
        ],
    )?;
    if output.status.success() {
        return Ok(Some(output.stdout));
    }
    // An unborn branch makes `git log` fail; that is "no history", not an error.
    let head = run(base, &["rev-parse", "--quiet", "--verify", "HEAD"])?;
    if !head.status.success() {
        return Ok(None);
    }
    Err(HistoryError::Git(stderr_text(&output)))
}

/// One commit of the log: its abbreviated hash and the repository paths it changed.
#[derive(Debug)]
struct LogCommit<'o> {
    hash: String,
    files: Vec<&'o [u8]>,
}

/// Splits `git log -z --name-only --format=%x00%h` output. Each commit reads
/// `NUL hash NUL [LF file NUL file NUL ...]`; the LF git puts between the header and the
/// file list only precedes the first file. Anything unexpected is skipped, never fatal.
fn parse_log(out: &[u8]) -> Vec<LogCommit<'_>> {
    let mut commits: Vec<LogCommit<'_>> = Vec::new();
    let mut header_next = false;
    let mut first_file = false;
    for field in out.split(|&b| b == 0) {
        if field.is_empty() {
            header_next = true;
            continue;
        }
        if header_next {
            header_next = false;
            first_file = true;
            commits.push(LogCommit {
                hash: String::from_utf8_lossy(field.trim_ascii()).into_owned(),
                files: Vec::new(),
            });
            continue;
        }
        let Some(commit) = commits.last_mut() else {
            continue;
        };
        let name = if first_file {
            field.strip_prefix(b"\n").unwrap_or(field)
        } else {
            field
        };
        first_file = false;
        if !name.is_empty() {
            commit.files.push(name);
        }
    }
    commits
}

/// Group membership turned around: per task, the groups it is in.
#[derive(Debug)]
struct GroupIndex {
    /// Indexed by task; sorted, without duplicates. Tasks beyond `scopes` are dropped: they
    /// have no scope, so they can never be hit.
    groups_of: Vec<Vec<usize>>,
    group_count: usize,
}

impl GroupIndex {
    fn new(tasks: usize, groups: &[Vec<usize>]) -> Self {
        let mut groups_of = vec![Vec::new(); tasks];
        for (group, members) in groups.iter().enumerate() {
            for &task in members {
                if let Some(list) = groups_of.get_mut(task) {
                    list.push(group);
                }
            }
        }
        for list in &mut groups_of {
            list.dedup();
        }
        GroupIndex {
            groups_of,
            group_count: groups.len(),
        }
    }
}

/// Scope patterns indexed by their literal leading directories, so that a path is only
/// tested against the patterns that could match it.
///
/// One `GlobSet` over every pattern does not scale: globset runs patterns such as
/// `src/x/*.rs` one regex at a time for every `.rs` path, which at 10k tasks costs
/// milliseconds per path, and compiling each regex costs tens of microseconds. Here patterns
/// without glob syntax and `dir/**` patterns are hash lookups. The rest are split into a
/// literal directory and a remainder (`src/x` + `*.rs`); a path below that directory is
/// matched by the remainder alone, so identical remainders (`*.rs` under a thousand
/// directories) share one compiled matcher, compiled only once some changed path needs it.
/// Keys borrow from the query's patterns.
#[derive(Debug, Default)]
struct ScopeIndex<'q> {
    /// A path without glob syntax -> tasks naming it.
    exact: MultiMap<'q>,
    /// A directory -> tasks whose pattern is `dir/**` (`""` for `**`).
    below: MultiMap<'q>,
    /// A literal directory (`""` when the pattern starts with a glob) -> the remainders of
    /// the patterns that start with it.
    globbed: FxHashMap<&'q str, GlobBucket>,
    /// Distinct remainders.
    rests: Vec<Rest<'q>>,
    rest_ids: FxHashMap<&'q str, usize>,
    hits: Vec<usize>,
}

/// Keys to task lists, kept as chains in one vector: most keys have a single task, and a
/// `Vec` per key would dominate the cost of indexing 10k tasks.
#[derive(Debug, Default)]
struct MultiMap<'q> {
    heads: FxHashMap<&'q str, usize>,
    /// (task, index of the next node of the same key or `usize::MAX`).
    nodes: Vec<(usize, usize)>,
}

impl<'q> MultiMap<'q> {
    fn add(&mut self, key: &'q str, task: usize) {
        let node = self.nodes.len();
        let next = self.heads.insert(key, node).unwrap_or(usize::MAX);
        self.nodes.push((task, next));
    }

    fn extend_into(&self, key: &str, out: &mut Vec<usize>) {
        let mut at = self.heads.get(key).copied().unwrap_or(usize::MAX);
        while let Some(&(task, next)) = self.nodes.get(at) {
            out.push(task);
            at = next;
        }
    }
}

#[derive(Debug)]
struct Rest<'q> {
    glob: Glob,
    /// The first scope pattern, as written, that ended in this remainder (for errors).
    pattern: &'q str,
    matcher: Option<GlobSet>,
}

/// The remainders under one literal directory.
#[derive(Debug, Default)]
struct GlobBucket {
    /// (remainder id, task); sorted once `set` is built.
    entries: Vec<(usize, usize)>,
    /// For buckets with many entries, one set for all their distinct remainders (a
    /// `**/x.rs` per task must not mean one regex per task per path).
    set: Option<GlobSet>,
    /// Set index -> remainder id.
    set_rests: Vec<usize>,
    /// The set could not be built; fall back to the shared matchers.
    set_failed: bool,
}

/// Above this many entries a bucket gets its own `GlobSet`.
const SHARED_RESTS_MAX: usize = 8;

impl<'q> ScopeIndex<'q> {
    /// Indexes the patterns of every task in some group; each is parsed now, so a bad
    /// pattern is reported whatever the history holds.
    fn new(scopes: &'q [Vec<String>], index: &GroupIndex) -> Result<Self, HistoryError> {
        let mut this = ScopeIndex::default();
        for (task, patterns) in scopes.iter().enumerate() {
            if index.groups_of[task].is_empty() {
                continue;
            }
            for pattern in patterns {
                let Some(normal) = normalize_pattern(pattern) else {
                    continue;
                };
                match literal_prefix(normal) {
                    (_, "") => this.exact.add(normal, task),
                    (dir, "**") => this.below.add(dir, task),
                    (dir, rest) => this.add_glob(dir, rest, pattern, task)?,
                }
            }
        }
        Ok(this)
    }

    fn add_glob(
        &mut self,
        dir: &'q str,
        rest: &'q str,
        pattern: &'q str,
        task: usize,
    ) -> Result<(), HistoryError> {
        let id = match self.rest_ids.get(rest) {
            Some(&id) => id,
            None => {
                let glob = GlobBuilder::new(rest)
                    .literal_separator(true)
                    .build()
                    .map_err(|err| HistoryError::Pattern {
                        pattern: pattern.to_owned(),
                        message: err.kind().to_string(),
                    })?;
                self.rests.push(Rest {
                    glob,
                    pattern,
                    matcher: None,
                });
                self.rest_ids.insert(rest, self.rests.len() - 1);
                self.rests.len() - 1
            }
        };
        self.globbed
            .entry(dir)
            .or_default()
            .entries
            .push((id, task));
        Ok(())
    }

    /// Appends the tasks with a pattern matching exactly `path` (not counting ancestors),
    /// in no particular order.
    fn direct(&mut self, path: &str, tasks: &mut Vec<usize>) -> Result<(), HistoryError> {
        self.exact.extend_into(path, tasks);
        // `d/**` also matches deeper paths, but those inherit it from their parent.
        let parent = path.rsplit_once('/').map_or("", |(parent, _)| parent);
        self.below.extend_into(parent, tasks);
        if self.globbed.is_empty() {
            return Ok(());
        }
        let ancestors = std::iter::once(0).chain(memchr::memchr_iter(b'/', path.as_bytes()));
        for end in ancestors {
            let Some(bucket) = self.globbed.get_mut(&path[..end]) else {
                continue;
            };
            let below = if end == 0 { path } else { &path[end + 1..] };
            let candidate = Candidate::new(below);
            if bucket.entries.len() > SHARED_RESTS_MAX && !bucket.set_failed {
                if bucket.set.is_none() {
                    bucket.entries.sort_unstable();
                    bucket.set_rests = bucket.entries.iter().map(|&(r, _)| r).collect();
                    bucket.set_rests.dedup();
                    let globs = bucket.set_rests.iter().map(|&r| &self.rests[r].glob);
                    match compile(globs) {
                        Ok(set) => bucket.set = Some(set),
                        Err(_) => bucket.set_failed = true,
                    }
                }
                if let Some(set) = &bucket.set {
                    set.matches_candidate_into(&candidate, &mut self.hits);
                    for &hit in &self.hits {
                        let rest = bucket.set_rests[hit];
                        let from = bucket.entries.partition_point(|&(r, _)| r < rest);
                        let run = bucket.entries[from..].iter();
                        tasks.extend(run.take_while(|&&(r, _)| r == rest).map(|&(_, t)| t));
                    }
                    continue;
                }
            }
            for &(id, task) in &bucket.entries {
                let rest = &mut self.rests[id];
                let matcher = match &mut rest.matcher {
                    Some(matcher) => matcher,
                    unset => unset.insert(compile([&rest.glob]).map_err(|err| {
                        HistoryError::Pattern {
                            pattern: rest.pattern.to_owned(),
                            message: err.kind().to_string(),
                        }
                    })?),
                };
                if matcher.is_match_candidate(&candidate) {
                    tasks.push(task);
                }
            }
        }
        Ok(())
    }
}

fn compile<'g>(globs: impl IntoIterator<Item = &'g Glob>) -> Result<GlobSet, globset::Error> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(glob.clone());
    }
    builder.build()
}

/// Splits a normalised pattern into its leading directories free of glob syntax and the
/// rest: `src/auth/*.rs` -> (`src/auth`, `*.rs`); `src/auth` -> (`src/auth`, ``);
/// `**/x` -> (``, `**/x`).
fn literal_prefix(pattern: &str) -> (&str, &str) {
    // Conservative: anything globset might treat specially counts as glob syntax.
    let is_glob = |part: &str| part.contains(['*', '?', '[', ']', '{', '}', '\\']);
    if !is_glob(pattern) {
        return (pattern, "");
    }
    let mut end = 0;
    for (at, _) in pattern.match_indices('/') {
        if is_glob(&pattern[end..at]) {
            break;
        }
        end = at + 1;
    }
    match end {
        0 => ("", pattern),
        _ => (&pattern[..end - 1], &pattern[end..]),
    }
}

/// A changed file seen in the log, matched once however many commits name it.
#[derive(Debug)]
struct FileInfo<'o> {
    /// Path relative to `base`, as git printed it; empty when the file is outside `base`.
    rel: &'o [u8],
    /// Tasks whose scope covers the file.
    tasks: Span,
}

/// A run of [`ScopeMatcher::arena`]: task numbers, ascending, without duplicates.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: usize,
    end: usize,
}

/// Which tasks cover each changed path, memoised per file and per directory: the same paths
/// recur across commits, and ancestor directories are shared. Paths stay slices of git's
/// output and task lists share one arena, so thousands of paths cost few allocations.
#[derive(Debug)]
struct ScopeMatcher<'q, 'o> {
    index: ScopeIndex<'q>,
    arena: Vec<usize>,
    /// Directory (relative to `base`) -> tasks covering it or an ancestor.
    dirs: FxHashMap<&'o [u8], Span>,
    /// Raw repository path -> index into `files`.
    file_ids: FxHashMap<&'o [u8], usize>,
    files: Vec<FileInfo<'o>>,
    found: Vec<usize>,
    pending: Vec<&'o [u8]>,
}

impl<'q, 'o> ScopeMatcher<'q, 'o> {
    fn new(index: ScopeIndex<'q>) -> Self {
        ScopeMatcher {
            index,
            arena: Vec::new(),
            dirs: FxHashMap::default(),
            file_ids: FxHashMap::default(),
            files: Vec::new(),
            found: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// The index in `files` of a repository path, matching it on first sight.
    fn file(&mut self, path: &'o [u8], prefix: &[u8]) -> Result<usize, HistoryError> {
        if let Some(&id) = self.file_ids.get(path) {
            return Ok(id);
        }
        let info = match path.strip_prefix(prefix) {
            Some(rel) if !rel.is_empty() => {
                let inherited = match memchr::memrchr(b'/', rel) {
                    Some(at) => self.dir(&rel[..at])?,
                    None => Span::default(),
                };
                self.found.clear();
                self.index
                    .direct(&String::from_utf8_lossy(rel), &mut self.found)?;
                FileInfo {
                    rel,
                    tasks: self.store_found(inherited),
                }
            }
            _ => FileInfo {
                rel: &[],
                tasks: Span::default(),
            },
        };
        let id = self.files.len();
        self.files.push(info);
        self.file_ids.insert(path, id);
        Ok(id)
    }

    /// Tasks covering directory `dir` itself or any of its ancestors.
    fn dir(&mut self, dir: &'o [u8]) -> Result<Span, HistoryError> {
        if let Some(&span) = self.dirs.get(dir) {
            return Ok(span);
        }
        // Fill from the topmost unknown ancestor down, so each step only adds its own direct
        // matches to its parent's (iterative: paths can be deep).
        self.pending.clear();
        self.pending.push(dir);
        let mut cur = dir;
        while let Some(at) = memchr::memrchr(b'/', cur) {
            cur = &cur[..at];
            if self.dirs.contains_key(cur) {
                break;
            }
            self.pending.push(cur);
        }
        let mut span = Span::default();
        while let Some(d) = self.pending.pop() {
            let inherited = memchr::memrchr(b'/', d)
                .and_then(|at| self.dirs.get(&d[..at]).copied())
                .unwrap_or_default();
            self.found.clear();
            self.index
                .direct(&String::from_utf8_lossy(d), &mut self.found)?;
            span = self.store_found(inherited);
            self.dirs.insert(d, span);
        }
        Ok(span)
    }

    /// Moves `found` plus an ancestor's tasks into the arena.
    fn store_found(&mut self, inherited: Span) -> Span {
        if self.found.is_empty() {
            return inherited;
        }
        self.found
            .extend_from_slice(&self.arena[inherited.start..inherited.end]);
        self.found.sort_unstable();
        self.found.dedup();
        let start = self.arena.len();
        self.arena.extend_from_slice(&self.found);
        Span {
            start,
            end: self.arena.len(),
        }
    }

    fn tasks(&self, file: usize) -> &[usize] {
        let span = self.files[file].tasks;
        &self.arena[span.start..span.end]
    }
}

/// The form a scope pattern is matched in, or `None` when it can match nothing.
fn normalize_pattern(pattern: &str) -> Option<&str> {
    let mut p = pattern;
    let mut dotted = false;
    while let Some(rest) = p.strip_prefix("./") {
        dotted = true;
        p = rest.trim_start_matches('/');
    }
    if p.is_empty() && !dotted {
        return None;
    }
    // Git's paths are relative; an absolute pattern (`/`, `/src`) names nothing below `base`.
    if p.starts_with('/') {
        return None;
    }
    match p.trim_end_matches('/') {
        // `.`, `./`: the whole directory the plan lives in.
        "" | "." => Some("**"),
        trimmed => Some(trimmed),
    }
}

/// Running totals for one pair of tasks.
#[derive(Debug, Default)]
struct PairTotals {
    commits: u32,
    /// Index of the newest counted commit in the log.
    example: usize,
    a_files: Sample,
    b_files: Sample,
}

/// Up to [`SAMPLE_FILES`] file ids, newest first, without duplicates; inline because there
/// is one per pair ever seen, most of them never reported.
#[derive(Debug, Default)]
struct Sample {
    ids: [usize; SAMPLE_FILES],
    len: usize,
}

impl Sample {
    /// Tops the sample up from `candidates`; commits arrive newest first, so the sample
    /// favours recent files.
    fn add(&mut self, candidates: impl Iterator<Item = usize>) {
        for file in candidates {
            if self.len == SAMPLE_FILES {
                return;
            }
            if !self.ids[..self.len].contains(&file) {
                self.ids[self.len] = file;
                self.len += 1;
            }
        }
    }

    fn ids(&self) -> &[usize] {
        &self.ids[..self.len]
    }
}

/// Per-commit pair counting with buffers reused across commits, so a commit costs time in
/// proportion to the files and tasks it touches, not to the plan's size.
#[derive(Debug)]
struct PairCounter<'i> {
    index: &'i GroupIndex,
    /// Per task: positions (in the current commit's file list) of the files it covers.
    task_files: Vec<Vec<usize>>,
    /// Tasks hit by the current commit.
    hit: Vec<usize>,
    /// Per group: the hit tasks in it, ascending.
    members: Vec<Vec<usize>>,
    touched_groups: Vec<usize>,
    /// Per task: the task `a` for which it was last paired, so a pair sharing several groups
    /// is counted once per commit. `usize::MAX` = never.
    paired_with: Vec<usize>,
    totals: FxHashMap<(usize, usize), PairTotals>,
}

impl<'i> PairCounter<'i> {
    fn new(tasks: usize, index: &'i GroupIndex) -> Self {
        PairCounter {
            index,
            task_files: vec![Vec::new(); tasks],
            hit: Vec::new(),
            members: vec![Vec::new(); index.group_count],
            touched_groups: Vec::new(),
            paired_with: vec![usize::MAX; tasks],
            totals: FxHashMap::default(),
        }
    }

    fn add_commit(&mut self, number: usize, files: &[usize], matcher: &ScopeMatcher<'_, '_>) {
        for (pos, &file) in files.iter().enumerate() {
            for &task in matcher.tasks(file) {
                let list = &mut self.task_files[task];
                if list.is_empty() {
                    self.hit.push(task);
                }
                list.push(pos);
            }
        }
        if self.hit.len() >= 2 {
            self.count_pairs(number, files, matcher);
        }
        for &task in &self.hit {
            self.task_files[task].clear();
            self.paired_with[task] = usize::MAX;
        }
        self.hit.clear();
    }

    fn count_pairs(&mut self, number: usize, files: &[usize], matcher: &ScopeMatcher<'_, '_>) {
        self.hit.sort_unstable();
        for &task in &self.hit {
            for &group in &self.index.groups_of[task] {
                if self.members[group].is_empty() {
                    self.touched_groups.push(group);
                }
                self.members[group].push(task);
            }
        }
        for &a in &self.hit {
            for &group in &self.index.groups_of[a] {
                let members = &self.members[group];
                let later = members.partition_point(|&t| t <= a);
                for &b in &members[later..] {
                    if self.paired_with[b] == a {
                        continue;
                    }
                    self.paired_with[b] = a;
                    let (fa, fb) = (&self.task_files[a], &self.task_files[b]);
                    // Files both scopes cover are an overlap, reported elsewhere; coupling
                    // needs a file each scope has to itself.
                    let only_a = || fa.iter().filter(|&&p| !covers(matcher, files[p], b));
                    let only_b = || fb.iter().filter(|&&p| !covers(matcher, files[p], a));
                    if only_a().next().is_none() || only_b().next().is_none() {
                        continue;
                    }
                    let totals = self.totals.entry((a, b)).or_default();
                    totals.commits = totals.commits.saturating_add(1);
                    if totals.commits == 1 {
                        totals.example = number;
                    }
                    totals.a_files.add(only_a().map(|&p| files[p]));
                    totals.b_files.add(only_b().map(|&p| files[p]));
                }
            }
        }
        for &group in &self.touched_groups {
            self.members[group].clear();
        }
        self.touched_groups.clear();
    }

    fn finish(
        self,
        min_commits: u32,
        commits: &[LogCommit<'_>],
        matcher: &ScopeMatcher<'_, '_>,
    ) -> Vec<CoChange> {
        let names = |ids: &[usize]| {
            let mut names: Vec<String> = ids
                .iter()
                .map(|&f| String::from_utf8_lossy(matcher.files[f].rel).into_owned())
                .collect();
            names.sort();
            names
        };
        let mut pairs: Vec<CoChange> = self
            .totals
            .into_iter()
            .filter(|(_, totals)| totals.commits >= min_commits)
            .map(|((a, b), totals)| CoChange {
                a,
                b,
                commits: totals.commits,
                example_commit: commits
                    .get(totals.example)
                    .map(|c| c.hash.clone())
                    .unwrap_or_default(),
                a_files: names(totals.a_files.ids()),
                b_files: names(totals.b_files.ids()),
            })
            .collect();
        pairs.sort_by(|x, y| {
            y.commits
                .cmp(&x.commits)
                .then(x.a.cmp(&y.a))
                .then(x.b.cmp(&y.b))
        });
        pairs
    }
}

fn covers(matcher: &ScopeMatcher<'_, '_>, file: usize, task: usize) -> bool {
    matcher.tasks(file).binary_search(&task).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::PathBuf;
    use tempfile::TempDir;

    /// Runs git in `dir` isolated from the user's and the system's configuration.
    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t.invalid",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    struct Repo {
        dir: TempDir,
        edits: u32,
    }

    impl Repo {
        fn new() -> Repo {
            let dir = tempfile::tempdir().expect("tempdir");
            git(dir.path(), &["init", "-q"]);
            Repo { dir, edits: 0 }
        }

        fn root(&self) -> PathBuf {
            self.dir.path().to_path_buf()
        }

        /// Commits a change to every file in `files`; returns the abbreviated hash.
        fn commit(&mut self, files: &[&str]) -> String {
            for file in files {
                self.write(Path::new(file));
            }
            git(self.dir.path(), &["add", "-A"]);
            git(self.dir.path(), &["commit", "-q", "-m", "change"]);
            git(self.dir.path(), &["log", "-1", "--format=%h"])
        }

        fn write(&mut self, rel: &Path) {
            self.edits += 1;
            let path = self.dir.path().join(rel);
            fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
            fs::write(&path, format!("edit {}\n", self.edits)).expect("write");
        }
    }

    fn scopes(tasks: &[&[&str]]) -> Vec<Vec<String>> {
        tasks
            .iter()
            .map(|patterns| patterns.iter().map(|p| (*p).to_owned()).collect())
            .collect()
    }

    fn run(
        base: &Path,
        scopes: &[Vec<String>],
        groups: &[Vec<usize>],
        min_commits: u32,
    ) -> HistoryReport {
        co_changes(&CoChangeQuery {
            base,
            scopes,
            groups,
            min_commits,
            max_commits: 1000,
            bulk_limit: 50,
        })
        .expect("co_changes succeeds")
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn pair_changed_together_k_times_is_reported_at_k_not_above() {
        let mut repo = Repo::new();
        repo.commit(&["README.md"]);
        repo.commit(&[
            "src/auth/login.rs",
            "src/auth/zz.rs",
            "src/billing/invoice.rs",
        ]);
        repo.commit(&["src/auth/login.rs"]);
        repo.commit(&["src/auth/token.rs", "src/billing/tax.rs"]);
        repo.commit(&["src/billing/invoice.rs"]);
        // `*` does not cross `/`: billing's nested file is not in B's scope.
        repo.commit(&["src/auth/login.rs", "src/billing/sub/deep.rs"]);
        let newest = repo.commit(&[
            "src/auth/login.rs",
            "src/auth/session.rs",
            "src/billing/invoice.rs",
        ]);
        repo.commit(&["src/auth/session.rs"]);
        let scopes = scopes(&[&["src/auth/**"], &["src/billing/*.rs"]]);
        let groups = vec![vec![0, 1]];

        let report = run(&repo.root(), &scopes, &groups, 3);
        assert_eq!(
            report,
            HistoryReport {
                commits_read: 8,
                commits_skipped_bulk: 0,
                pairs: vec![CoChange {
                    a: 0,
                    b: 1,
                    commits: 3,
                    example_commit: newest,
                    // The newest commits fill the sample; `zz.rs` (oldest) does not fit.
                    a_files: strings(&[
                        "src/auth/login.rs",
                        "src/auth/session.rs",
                        "src/auth/token.rs"
                    ]),
                    b_files: strings(&["src/billing/invoice.rs", "src/billing/tax.rs"]),
                }],
            }
        );
        assert!(run(&repo.root(), &scopes, &groups, 4).pairs.is_empty());
        // Group order and a task listed twice change nothing.
        let again = run(&repo.root(), &scopes, &[vec![1, 0, 1]], 3);
        assert_eq!(again, report);
    }

    #[test]
    fn only_pairs_inside_one_group_count_once_per_commit() {
        let mut repo = Repo::new();
        for _ in 0..2 {
            repo.commit(&["a/x.rs", "b/x.rs", "c/x.rs"]);
        }
        let scopes = scopes(&[&["a/**"], &["b/**"], &["c/**"]]);
        // 0-1 share two groups, 1-2 one, 0-2 none.
        let groups = vec![vec![0, 1], vec![0, 1], vec![1, 2]];
        let report = run(&repo.root(), &scopes, &groups, 1);
        let pairs: Vec<(usize, usize, u32)> =
            report.pairs.iter().map(|p| (p.a, p.b, p.commits)).collect();
        assert_eq!(pairs, vec![(0, 1, 2), (1, 2, 2)]);

        let separate = run(&repo.root(), &scopes, &[vec![0], vec![1], vec![2]], 1);
        assert!(separate.pairs.is_empty());
        // A task out of range of `scopes`, or without patterns, is never hit.
        let unscoped = [vec!["a/**".to_owned()], Vec::new()];
        assert!(
            run(&repo.root(), &unscoped, &[vec![0, 1, 7]], 1)
                .pairs
                .is_empty()
        );
    }

    #[test]
    fn sorted_by_commits_then_tasks() {
        let mut repo = Repo::new();
        repo.commit(&["a/1", "b/1"]);
        repo.commit(&["c/1", "d/1"]);
        repo.commit(&["c/1", "d/1"]);
        repo.commit(&["a/1", "d/1"]);
        let scopes = scopes(&[&["a"], &["b"], &["c"], &["d"]]);
        let report = run(&repo.root(), &scopes, &[vec![0, 1, 2, 3]], 1);
        let pairs: Vec<(usize, usize, u32)> =
            report.pairs.iter().map(|p| (p.a, p.b, p.commits)).collect();
        assert_eq!(pairs, vec![(2, 3, 2), (0, 1, 1), (0, 3, 1)]);
    }

    #[test]
    fn bulk_commits_are_skipped_and_counted() {
        let mut repo = Repo::new();
        repo.commit(&["src/auth/a.rs", "src/billing/a.rs"]);
        repo.commit(&[
            "src/auth/b.rs",
            "src/billing/b.rs",
            "src/billing/c.rs",
            "vendor/x",
        ]);
        repo.commit(&["src/auth/c.rs", "src/billing/c.rs", "vendor/y"]);
        let scopes = scopes(&[&["src/auth/**"], &["src/billing/**"]]);
        let report = co_changes(&CoChangeQuery {
            base: &repo.root(),
            scopes: &scopes,
            groups: &[vec![0, 1]],
            min_commits: 1,
            max_commits: 100,
            bulk_limit: 3,
        })
        .expect("co_changes succeeds");
        assert_eq!(report.commits_read, 3);
        assert_eq!(report.commits_skipped_bulk, 1);
        assert_eq!(report.pairs.len(), 1);
        assert_eq!(report.pairs[0].commits, 2);
        assert_eq!(
            report.pairs[0].a_files,
            strings(&["src/auth/a.rs", "src/auth/c.rs"])
        );
    }

    #[test]
    fn max_commits_reads_only_the_newest() {
        let mut repo = Repo::new();
        repo.commit(&["a/1", "b/1"]);
        repo.commit(&["a/2", "b/2"]);
        let newest = repo.commit(&["a/3", "b/3"]);
        let scopes = scopes(&[&["a"], &["b"]]);
        let report = co_changes(&CoChangeQuery {
            base: &repo.root(),
            scopes: &scopes,
            groups: &[vec![0, 1]],
            min_commits: 1,
            max_commits: 2,
            bulk_limit: 10,
        })
        .expect("co_changes succeeds");
        assert_eq!(report.commits_read, 2);
        assert_eq!(report.pairs[0].commits, 2);
        assert_eq!(report.pairs[0].example_commit, newest);
        assert_eq!(report.pairs[0].a_files, strings(&["a/2", "a/3"]));

        let all = co_changes(&CoChangeQuery {
            max_commits: usize::MAX,
            base: &repo.root(),
            scopes: &scopes,
            groups: &[vec![0, 1]],
            min_commits: 1,
            bulk_limit: 10,
        })
        .expect("co_changes succeeds");
        assert_eq!(all.commits_read, 3);
        assert_eq!(all.pairs[0].commits, 3);

        let none = co_changes(&CoChangeQuery {
            max_commits: 0,
            base: &repo.root(),
            scopes: &scopes,
            groups: &[vec![0, 1]],
            min_commits: 1,
            bulk_limit: 10,
        })
        .expect("co_changes succeeds");
        assert_eq!(none, HistoryReport::default());
    }

    #[test]
    fn plan_in_a_subdirectory_matches_relative_to_it() {
        let mut repo = Repo::new();
        repo.commit(&["svc/src/auth/a.rs", "svc/src/billing/b.rs"]);
        repo.commit(&["svc/src/auth/a.rs", "svc/src/billing/b.rs", "top.txt"]);
        // Outside the plan's directory: `src/auth` there is not task 0's scope.
        repo.commit(&["other/src/auth/a.rs", "svc/src/billing/b.rs"]);
        repo.commit(&["src/auth/a.rs", "svc/src/billing/b.rs"]);
        let base = repo.root().join("svc");
        // `./` and a trailing `/` are accepted.
        let scoped = scopes(&[&["./src/auth/**"], &["src/billing/"]]);
        let report = run(&base, &scoped, &[vec![0, 1]], 1);
        assert_eq!(report.commits_read, 4);
        assert_eq!(report.pairs.len(), 1);
        assert_eq!(report.pairs[0].commits, 2);
        assert_eq!(report.pairs[0].a_files, strings(&["src/auth/a.rs"]));
        assert_eq!(report.pairs[0].b_files, strings(&["src/billing/b.rs"]));

        // From a deeper directory; `.` there is everything below it, so it overlaps `auth`.
        let deeper = repo.root().join("svc/src");
        let report = run(
            &deeper,
            &scopes(&[&["auth"], &["billing"]]),
            &[vec![0, 1]],
            1,
        );
        assert_eq!(report.pairs[0].commits, 2);
        assert_eq!(report.pairs[0].a_files, strings(&["auth/a.rs"]));
        let whole = [vec!["auth".to_owned()], vec![".".to_owned()]];
        assert!(run(&deeper, &whole, &[vec![0, 1]], 1).pairs.is_empty());
    }

    #[test]
    fn files_both_scopes_cover_are_overlap_not_coupling() {
        let mut repo = Repo::new();
        // B's file is inside A's scope too: A has a file of its own, B does not.
        repo.commit(&["src/auth/y.rs", "src/billing/x.rs"]);
        repo.commit(&["src/billing/x.rs"]);
        let nested = scopes(&[&["src/**"], &["src/billing/**"]]);
        assert!(
            run(&repo.root(), &nested, &[vec![0, 1]], 1)
                .pairs
                .is_empty()
        );

        // A shared file plus one of each's own: coupling, sampled without the shared file.
        repo.commit(&["shared.rs", "src/auth/a.rs", "src/billing/b.rs"]);
        repo.commit(&["shared.rs"]);
        let sharing = scopes(&[
            &["src/auth/**", "shared.rs"],
            &["src/billing/**", "shared.rs"],
        ]);
        let report = run(&repo.root(), &sharing, &[vec![0, 1]], 1);
        assert_eq!(report.pairs.len(), 1);
        assert_eq!(report.pairs[0].commits, 2);
        assert_eq!(
            report.pairs[0].a_files,
            strings(&["src/auth/a.rs", "src/auth/y.rs"])
        );
        assert_eq!(
            report.pairs[0].b_files,
            strings(&["src/billing/b.rs", "src/billing/x.rs"])
        );
    }

    #[test]
    fn a_pattern_covers_everything_below_what_it_matches() {
        let mut repo = Repo::new();
        repo.commit(&["src/auth/deep/x.rs", "lib/m/n.rs"]);
        // `src/auth` does not cover `src/authz`.
        repo.commit(&["src/authz/a.rs", "lib/m/n.rs"]);
        // `lib/*` matches the file `lib/top.rs` and the directory `lib/m`.
        repo.commit(&["src/auth/x.rs", "lib/top.rs"]);
        let scopes = scopes(&[&["src/auth"], &["lib/*"]]);
        let report = run(&repo.root(), &scopes, &[vec![0, 1]], 1);
        assert_eq!(report.pairs.len(), 1);
        assert_eq!(report.pairs[0].commits, 2);
        assert_eq!(
            report.pairs[0].a_files,
            strings(&["src/auth/deep/x.rs", "src/auth/x.rs"])
        );
        assert_eq!(
            report.pairs[0].b_files,
            strings(&["lib/m/n.rs", "lib/top.rs"])
        );
    }

    #[test]
    fn many_patterns_under_one_directory_and_leading_globs() {
        let mut repo = Repo::new();
        repo.commit(&["lib/m1_a.rs", "lib/m2_b.rs"]);
        repo.commit(&["lib/m1_c.rs", "lib/m2_b.rs", "lib/m1_c.txt"]);
        repo.commit(&["lib/m11_c.rs", "docs/deep/x.md"]);
        repo.commit(&["lib/m3_x.rs", "README.md"]);
        // Twelve globs under `lib` (more than share matchers), one starting with a glob.
        let mut scoped: Vec<Vec<String>> =
            (0..12).map(|i| vec![format!("lib/m{i}_*.rs")]).collect();
        scoped.push(vec!["**/*.md".to_owned()]);
        // A duplicate of task 1's pattern for a task outside every group changes nothing.
        scoped.push(vec!["lib/m1_*.rs".to_owned()]);
        let report = run(&repo.root(), &scoped, &[(0..13).collect()], 1);
        let pairs: Vec<(usize, usize, u32)> =
            report.pairs.iter().map(|p| (p.a, p.b, p.commits)).collect();
        assert_eq!(pairs, vec![(1, 2, 2), (3, 12, 1), (11, 12, 1)]);
        assert_eq!(
            report.pairs[0].a_files,
            strings(&["lib/m1_a.rs", "lib/m1_c.rs"])
        );
        assert_eq!(report.pairs[1].b_files, strings(&["README.md"]));
        assert_eq!(report.pairs[2].b_files, strings(&["docs/deep/x.md"]));
    }

    #[test]
    fn odd_file_names_survive() {
        let mut repo = Repo::new();
        repo.commit(&["src/auth/new\nline.rs", "src/billing/ü -> x.rs"]);
        repo.commit(&["\n", "src/auth/\"q\".rs", "src/billing/ü -> x.rs"]);
        let scopes = scopes(&[&["src/auth/**"], &["src/billing/**"]]);
        let report = run(&repo.root(), &scopes, &[vec![0, 1]], 1);
        assert_eq!(report.commits_read, 2);
        assert_eq!(report.pairs.len(), 1);
        assert_eq!(report.pairs[0].commits, 2);
        assert_eq!(
            report.pairs[0].a_files,
            strings(&["src/auth/\"q\".rs", "src/auth/new\nline.rs"])
        );
        assert_eq!(report.pairs[0].b_files, strings(&["src/billing/ü -> x.rs"]));
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_file_names_are_read_lossily() {
        use std::os::unix::ffi::OsStrExt;
        let mut repo = Repo::new();
        let name = std::ffi::OsStr::from_bytes(b"a/bad\xff.rs");
        repo.write(Path::new(name));
        repo.commit(&["b/ok.rs"]);
        let scopes = scopes(&[&["a/*.rs"], &["b"]]);
        let report = run(&repo.root(), &scopes, &[vec![0, 1]], 1);
        assert_eq!(report.pairs.len(), 1);
        assert_eq!(report.pairs[0].a_files, strings(&["a/bad\u{fffd}.rs"]));
    }

    #[test]
    fn merges_are_not_read() {
        let mut repo = Repo::new();
        repo.commit(&["a/1"]);
        git(&repo.root(), &["checkout", "-q", "-b", "side"]);
        repo.commit(&["b/1"]);
        repo.commit(&["b/2"]);
        git(&repo.root(), &["checkout", "-q", "main"]);
        repo.commit(&["a/2"]);
        git(
            &repo.root(),
            &["merge", "-q", "--no-ff", "-m", "merge", "side"],
        );
        let scopes = scopes(&[&["a"], &["b"]]);
        let report = run(&repo.root(), &scopes, &[vec![0, 1]], 1);
        // Both sides of the merge, without the merge itself.
        assert_eq!(report.commits_read, 4);
        assert!(report.pairs.is_empty());
    }

    #[test]
    fn a_rename_changes_both_paths() {
        let mut repo = Repo::new();
        repo.commit(&["src/auth/old.rs"]);
        let root = repo.root();
        git(&root, &["mv", "src/auth/old.rs", "src/auth/kept.rs"]);
        fs::create_dir_all(root.join("src/billing")).expect("mkdir");
        git(&root, &["mv", "src/auth/kept.rs", "src/billing/new.rs"]);
        git(&root, &["commit", "-q", "-m", "move"]);
        let scopes = scopes(&[&["src/auth/**"], &["src/billing/**"]]);
        let report = run(&root, &scopes, &[vec![0, 1]], 1);
        assert_eq!(report.pairs.len(), 1);
        assert_eq!(report.pairs[0].a_files, strings(&["src/auth/old.rs"]));
        assert_eq!(report.pairs[0].b_files, strings(&["src/billing/new.rs"]));
    }

    #[test]
    fn repository_without_commits_gives_an_empty_report() {
        let repo = Repo::new();
        let scopes = scopes(&[&["a"], &["b"]]);
        let report = run(&repo.root(), &scopes, &[vec![0, 1]], 1);
        assert_eq!(report, HistoryReport::default());
    }

    #[test]
    fn outside_a_work_tree_is_not_a_repository() {
        let scopes = scopes(&[&["a"], &["b"]]);
        let query = |base: &Path| {
            co_changes(&CoChangeQuery {
                base,
                scopes: &scopes,
                groups: &[vec![0, 1]],
                min_commits: 1,
                max_commits: 10,
                bulk_limit: 10,
            })
        };
        let plain = tempfile::tempdir().expect("tempdir");
        let missing = plain.path().join("missing");
        let repo = Repo::new();
        let dot_git = repo.root().join(".git");
        let mut bases = vec![missing.as_path(), dot_git.as_path()];
        // A temporary directory is outside any repository unless TMPDIR points into one.
        let tmp_in_repo = Command::new("git")
            .args(["rev-parse", "--is-inside-work-tree"])
            .current_dir(plain.path())
            .output()
            .is_ok_and(|out| out.status.success());
        if !tmp_in_repo {
            bases.push(plain.path());
        }
        for base in bases {
            match query(base) {
                Err(HistoryError::NotARepository(shown)) => {
                    assert_eq!(shown, base.display().to_string());
                }
                other => panic!("{}: expected NotARepository, got {other:?}", base.display()),
            }
        }
    }

    #[test]
    fn a_bad_glob_of_a_grouped_task_is_a_pattern_error() {
        let mut repo = Repo::new();
        repo.commit(&["a/1"]);
        let scopes = scopes(&[&["a/**"], &["src/[auth"]]);
        let err = co_changes(&CoChangeQuery {
            base: &repo.root(),
            scopes: &scopes,
            groups: &[vec![0, 1]],
            min_commits: 1,
            max_commits: 10,
            bulk_limit: 10,
        })
        .expect_err("bad glob");
        match &err {
            HistoryError::Pattern { pattern, message } => {
                assert_eq!(pattern, "src/[auth");
                assert!(!message.is_empty());
            }
            other => panic!("expected Pattern, got {other:?}"),
        }
        assert!(
            err.to_string()
                .starts_with("invalid scope pattern \"src/[auth\": ")
        );
        // Tasks outside every group are not compiled.
        assert!(run(&repo.root(), &scopes, &[vec![0]], 1).pairs.is_empty());
    }

    #[test]
    fn patterns_are_normalized() {
        assert_eq!(normalize_pattern("./src/a"), Some("src/a"));
        assert_eq!(normalize_pattern("././/src/a/"), Some("src/a"));
        assert_eq!(normalize_pattern("src/**/"), Some("src/**"));
        assert_eq!(normalize_pattern("."), Some("**"));
        assert_eq!(normalize_pattern("./"), Some("**"));
        assert_eq!(normalize_pattern(""), None);
        assert_eq!(normalize_pattern("/"), None);
        assert_eq!(normalize_pattern("/src"), None);
    }

    #[test]
    fn literal_prefixes_stop_at_the_first_glob_component() {
        assert_eq!(literal_prefix("src/auth"), ("src/auth", ""));
        assert_eq!(literal_prefix("src/auth/*.rs"), ("src/auth", "*.rs"));
        assert_eq!(literal_prefix("src/**"), ("src", "**"));
        assert_eq!(literal_prefix("**"), ("", "**"));
        assert_eq!(literal_prefix("**/x.rs"), ("", "**/x.rs"));
        assert_eq!(literal_prefix("a/b[12]/c"), ("a", "b[12]/c"));
        assert_eq!(literal_prefix("a/{b,c/d}"), ("a", "{b,c/d}"));
        assert_eq!(literal_prefix(r"a/\*x"), ("a", r"\*x"));
    }

    #[test]
    fn log_parsing_tolerates_odd_output() {
        let out = b"junk\0\0abc1234\0\na\0\nb\0\0def5678\0\0\0ghi9abc\0\n\0c\xff\0";
        let commits = parse_log(out);
        let summary: Vec<(&str, Vec<&[u8]>)> = commits
            .iter()
            .map(|c| (c.hash.as_str(), c.files.clone()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("abc1234", vec![&b"a"[..], &b"\nb"[..]]),
                ("def5678", vec![]),
                ("ghi9abc", vec![&b"c\xff"[..]]),
            ]
        );
        assert!(parse_log(b"").is_empty());
        assert!(parse_log(b"\n\n\n").is_empty());
    }
}
