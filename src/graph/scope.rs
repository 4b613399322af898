//! Write scopes and when two of them can touch the same file.
//!
//! Two tasks may run at the same time only if no path can fall inside both of their
//! `files` scopes. Scopes are globs, so "can a path fall inside both" is a question about
//! two patterns, answered here without looking at the disk (the files may not exist yet).
//!
//! The answer must be sound: baton may call two disjoint scopes overlapping (it then runs
//! the tasks one after the other, which costs time), but never the reverse (that would send
//! two sessions into the same file). The rules:
//!
//! - a pattern is split at `/`; `**` is any number of whole segments (zero included);
//! - a pattern also covers everything below what it names: `src/db` and `src/*` both cover
//!   `src/db/users.rs`, because a scope that names a directory owns its contents;
//! - a literal segment against a glob segment (`*`, `?`, `[a-z]`) is matched exactly;
//! - two glob segments are taken to overlap unless their literal beginnings or endings
//!   differ (`*.rs` and `*.sql` are disjoint; `a*` and `*b` are taken to overlap).

use rustc_hash::FxHashMap;

use crate::plan::{Plan, keys};

/// One normalised scope pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// As normalised: no `./`, no trailing or doubled `/`.
    pub text: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// `**`
    Any,
    Literal(String),
    Glob(String),
}

impl Segment {
    fn new(text: &str) -> Segment {
        if text == "**" {
            Segment::Any
        } else if text.contains(['*', '?', '[']) {
            Segment::Glob(text.to_string())
        } else {
            Segment::Literal(text.to_string())
        }
    }
}

impl Pattern {
    /// Reads a scope entry: backslashes become `/`, `./`, trailing `/` and empty segments go.
    pub fn new(raw: &str) -> Pattern {
        let raw = raw.trim().replace('\\', "/");
        let segments: Vec<&str> = raw
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .collect();
        let mut collapsed: Vec<&str> = Vec::with_capacity(segments.len());
        for s in segments {
            // `**/**` means the same as `**`.
            if s == "**" && collapsed.last() == Some(&"**") {
                continue;
            }
            collapsed.push(s);
        }
        Pattern {
            text: collapsed.join("/"),
            segments: collapsed.into_iter().map(Segment::new).collect(),
        }
    }

    /// Matches every path (`**`, or nothing at all).
    pub fn is_everything(&self) -> bool {
        matches!(self.segments.as_slice(), [] | [Segment::Any])
    }

    /// The leading literal segments: every path this pattern covers starts with them.
    fn literal_prefix(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().map_while(|s| match s {
            Segment::Literal(l) => Some(l.as_str()),
            _ => None,
        })
    }

    /// Whether this pattern covers `path` (a plain relative path, no globs).
    pub fn covers(&self, path: &str) -> bool {
        let path = Pattern::new(path);
        let parts: Vec<&str> = path
            .segments
            .iter()
            .map(|s| match s {
                Segment::Any => "**",
                Segment::Literal(l) | Segment::Glob(l) => l.as_str(),
            })
            .collect();
        covers_from(&self.segments, &parts)
    }
}

/// `pattern` (plus an implied trailing `**`) against concrete path segments.
fn covers_from(pattern: &[Segment], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => true,
        Some((Segment::Any, rest)) => (0..=path.len()).any(|skip| covers_from(rest, &path[skip..])),
        Some((segment, rest)) => match path.split_first() {
            None => false,
            Some((first, path_rest)) => {
                let ok = match segment {
                    Segment::Literal(l) => l == first,
                    Segment::Glob(g) => glob_matches(g.as_bytes(), first.as_bytes()),
                    Segment::Any => true,
                };
                ok && covers_from(rest, path_rest)
            }
        },
    }
}

/// Whether some path falls inside both patterns (sound: see the module documentation).
pub fn overlaps(a: &Pattern, b: &Pattern) -> bool {
    let (x, y) = (&a.segments, &b.segments);
    // memo[i][j]: overlap of x[i..] and y[j..]; small patterns, so a dense table is fine.
    let width = y.len() + 1;
    let mut memo = vec![None; (x.len() + 1) * width];
    overlap_from(x, y, 0, 0, &mut memo, width)
}

fn overlap_from(
    x: &[Segment],
    y: &[Segment],
    i: usize,
    j: usize,
    memo: &mut [Option<bool>],
    width: usize,
) -> bool {
    if let Some(known) = memo[i * width + j] {
        return known;
    }
    // Either pattern running out means it covers everything below: the other continues
    // below it, so the two overlap.
    let result = if i == x.len() || j == y.len() {
        true
    } else {
        match (&x[i], &y[j]) {
            (Segment::Any, _) => {
                overlap_from(x, y, i + 1, j, memo, width)
                    || overlap_from(x, y, i, j + 1, memo, width)
            }
            (_, Segment::Any) => {
                overlap_from(x, y, i, j + 1, memo, width)
                    || overlap_from(x, y, i + 1, j, memo, width)
            }
            (s, t) => segments_overlap(s, t) && overlap_from(x, y, i + 1, j + 1, memo, width),
        }
    };
    memo[i * width + j] = Some(result);
    result
}

fn segments_overlap(s: &Segment, t: &Segment) -> bool {
    match (s, t) {
        (Segment::Literal(a), Segment::Literal(b)) => a == b,
        (Segment::Literal(l), Segment::Glob(g)) | (Segment::Glob(g), Segment::Literal(l)) => {
            glob_matches(g.as_bytes(), l.as_bytes())
        }
        (Segment::Glob(a), Segment::Glob(b)) => {
            let (pa, sa) = fixed_ends(a);
            let (pb, sb) = fixed_ends(b);
            (pa.starts_with(pb) || pb.starts_with(pa)) && (sa.ends_with(sb) || sb.ends_with(sa))
        }
        (Segment::Any, _) | (_, Segment::Any) => true,
    }
}

/// The literal text before the first and after the last wildcard of a glob segment.
fn fixed_ends(glob: &str) -> (&str, &str) {
    let first = glob.find(['*', '?', '[']).unwrap_or(glob.len());
    let last = glob.rfind(['*', '?', ']']).map_or(glob.len(), |i| i + 1);
    (&glob[..first], &glob[last.max(first)..])
}

/// One glob segment against one name: `*`, `?`, `[abc]`, `[a-z]`, `[!x]`.
fn glob_matches(glob: &[u8], name: &[u8]) -> bool {
    let (mut g, mut n) = (0, 0);
    // Where to resume after the last `*`: (glob index after it, name index it matched up to).
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if g < glob.len() {
            match glob[g] {
                b'*' => {
                    star = Some((g + 1, n));
                    g += 1;
                    continue;
                }
                b'?' => {
                    g += 1;
                    n += 1;
                    continue;
                }
                b'[' => {
                    if let Some((matched, len)) = class_matches(&glob[g..], name[n]) {
                        if matched {
                            g += len;
                            n += 1;
                            continue;
                        }
                    } else if name[n] == b'[' {
                        // An unclosed `[` is a literal.
                        g += 1;
                        n += 1;
                        continue;
                    }
                }
                c if c == name[n] => {
                    g += 1;
                    n += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((after, matched)) => {
                g = after;
                n = matched + 1;
                star = Some((after, matched + 1));
            }
            None => return false,
        }
    }
    glob[g..].iter().all(|&c| c == b'*')
}

/// A `[...]` class at the start of `glob`: whether `c` is in it, and the class's length.
/// None when the class is not closed.
fn class_matches(glob: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let negated = matches!(glob.get(i), Some(b'!' | b'^'));
    if negated {
        i += 1;
    }
    let mut found = false;
    let mut first = true;
    while i < glob.len() {
        let lo = glob[i];
        if lo == b']' && !first {
            return Some((found != negated, i + 1));
        }
        first = false;
        if glob.get(i + 1) == Some(&b'-') && glob.get(i + 2).is_some_and(|&hi| hi != b']') {
            let hi = glob[i + 2];
            found |= lo <= c && c <= hi;
            i += 3;
        } else {
            found |= lo == c;
            i += 1;
        }
    }
    None
}

/// The scopes of a plan's tasks, as resources the scheduler can lock, with every pair of
/// resources that can touch a common path worked out once.
#[derive(Debug)]
pub struct Scopes {
    /// Distinct patterns, in order of first appearance.
    pub patterns: Vec<Pattern>,
    /// Per task: indices into `patterns`.
    pub of_task: Vec<Vec<u32>>,
    /// Per pattern: the patterns it overlaps, itself included, sorted.
    pub overlapping: Vec<Vec<u32>>,
    /// Per task: it has no scope, so nothing proves it independent and it runs alone.
    pub exclusive: Vec<bool>,
    /// Patterns by every leading run of their literal beginning (`src`, `src/auth` for
    /// `src/auth/*.rs`; the empty key holds all): finds the patterns another may overlap.
    under_prefix: FxHashMap<String, Vec<u32>>,
    /// Patterns by their whole literal beginning.
    at_prefix: FxHashMap<String, Vec<u32>>,
}

impl Scopes {
    /// Reads every task's `files` (declared or inferred). A task with none is exclusive
    /// unless `assume_independent`, in which case it conflicts with nothing.
    pub fn build(plan: &Plan, assume_independent: bool) -> Scopes {
        let mut by_text: FxHashMap<String, u32> = FxHashMap::default();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut of_task = Vec::with_capacity(plan.tasks.len());
        let mut exclusive = Vec::with_capacity(plan.tasks.len());
        for task in &plan.tasks {
            let mut mine: Vec<u32> = Vec::new();
            for entry in &task.files {
                for expanded in keys::expand_braces(entry) {
                    let pattern = Pattern::new(&expanded);
                    let next = patterns.len() as u32;
                    let id = *by_text.entry(pattern.text.clone()).or_insert(next);
                    if id == next {
                        patterns.push(pattern);
                    }
                    if !mine.contains(&id) {
                        mine.push(id);
                    }
                }
            }
            exclusive.push(mine.is_empty() && !assume_independent);
            of_task.push(mine);
        }
        let overlapping = overlap_lists(&patterns);
        let mut under_prefix: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut at_prefix: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (i, pattern) in patterns.iter().enumerate() {
            let mut key = String::new();
            under_prefix.entry(key.clone()).or_default().push(i as u32);
            for segment in pattern.literal_prefix() {
                if !key.is_empty() {
                    key.push('/');
                }
                key.push_str(segment);
                under_prefix.entry(key.clone()).or_default().push(i as u32);
            }
            at_prefix.entry(key).or_default().push(i as u32);
        }
        Scopes {
            patterns,
            of_task,
            overlapping,
            exclusive,
            under_prefix,
            at_prefix,
        }
    }

    /// The scope patterns that `other` (any pattern, not necessarily one of a task's)
    /// overlaps, sorted.
    pub fn overlapping_pattern(&self, other: &Pattern) -> Vec<u32> {
        let prefix: Vec<&str> = other.literal_prefix().collect();
        let full = prefix.join("/");
        // Patterns whose literal beginning extends other's, and those whose beginning is a
        // shorter run of other's (exactly that run: longer ones are in the first group).
        let mut candidates: Vec<u32> = self.under_prefix.get(&full).cloned().unwrap_or_default();
        for len in 0..prefix.len() {
            if let Some(bucket) = self.at_prefix.get(&prefix[..len].join("/")) {
                candidates.extend_from_slice(bucket);
            }
        }
        candidates.retain(|&p| overlaps(&self.patterns[p as usize], other));
        candidates.sort_unstable();
        candidates.dedup();
        candidates
    }

    /// Why tasks `a` and `b` may not run at the same time: the two patterns that overlap
    /// (equal when both name the same one), or None when they may.
    pub fn conflict(&self, a: usize, b: usize) -> Option<Conflict> {
        if a == b {
            return None;
        }
        if self.exclusive[a] || self.exclusive[b] {
            return Some(Conflict::Unscoped);
        }
        for &p in &self.of_task[a] {
            let near = &self.overlapping[p as usize];
            for &q in &self.of_task[b] {
                if near.binary_search(&q).is_ok() {
                    return Some(Conflict::Overlap(p, q));
                }
            }
        }
        None
    }
}

/// Why two tasks conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// One of them has no scope.
    Unscoped,
    /// A pattern of the first overlaps a pattern of the second.
    Overlap(u32, u32),
}

/// For every pattern, the patterns it overlaps. Only pairs whose literal beginnings agree
/// can overlap (a path must start with both), so patterns are bucketed by their literal
/// beginning and each is compared with the buckets along its own beginning only.
fn overlap_lists(patterns: &[Pattern]) -> Vec<Vec<u32>> {
    let mut buckets: FxHashMap<Vec<&str>, Vec<u32>> = FxHashMap::default();
    let prefixes: Vec<Vec<&str>> = patterns
        .iter()
        .map(|p| p.literal_prefix().collect())
        .collect();
    for (i, prefix) in prefixes.iter().enumerate() {
        buckets.entry(prefix.clone()).or_default().push(i as u32);
    }
    let mut lists: Vec<Vec<u32>> = (0..patterns.len() as u32).map(|i| vec![i]).collect();
    for (q, prefix) in prefixes.iter().enumerate() {
        for len in 0..=prefix.len() {
            let Some(bucket) = buckets.get(&prefix[..len]) else {
                continue;
            };
            for &p in bucket {
                let p = p as usize;
                // Pairs within one bucket are met from both sides: take them once.
                if p == q || (len == prefix.len() && p > q) {
                    continue;
                }
                if overlaps(&patterns[p], &patterns[q]) {
                    lists[p].push(q as u32);
                    lists[q].push(p as u32);
                }
            }
        }
    }
    for list in &mut lists {
        list.sort_unstable();
        list.dedup();
    }
    lists
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ov(a: &str, b: &str) -> bool {
        let (a, b) = (Pattern::new(a), Pattern::new(b));
        let forward = overlaps(&a, &b);
        assert_eq!(forward, overlaps(&b, &a), "overlap must be symmetric");
        forward
    }

    #[test]
    fn literal_paths() {
        assert!(ov("src/a.rs", "src/a.rs"));
        assert!(ov("./src/a.rs", "src//a.rs"));
        assert!(!ov("src/a.rs", "src/b.rs"));
        // A directory owns its contents.
        assert!(ov("src/db", "src/db/users.rs"));
        assert!(ov("src/db/", "src/db/users.rs"));
        assert!(!ov("src/db", "src/dbx/users.rs"));
    }

    #[test]
    fn double_star() {
        assert!(ov("src/**", "src/auth/login.rs"));
        assert!(ov("**", "anything/at/all"));
        assert!(ov("src/**/mod.rs", "src/a/b/c/mod.rs"));
        assert!(ov("src/**/mod.rs", "src/mod.rs"));
        assert!(!ov("src/**/mod.rs", "tests/a/mod.rs"));
        assert!(!ov("src/auth/**", "src/dashboard/**"));
        assert!(ov("**/*.rs", "src/deep/x.rs"));
        assert!(ov("**/*.rs", "src/deep"), "a directory may hold .rs files");
        assert!(ov("src/**/*.rs", "src/**/*.rs"));
        assert!(ov("a/**/z", "a/b/**"));
    }

    #[test]
    fn single_segment_globs() {
        assert!(ov("src/*.rs", "src/lib.rs"));
        assert!(!ov("src/*.rs", "src/lib.py"));
        assert!(!ov("src/*.rs", "src/*.sql"));
        assert!(ov("src/a*", "src/*b"));
        assert!(!ov("src/a*", "src/b*"));
        assert!(ov("src/file?.rs", "src/file1.rs"));
        assert!(!ov("src/file?.rs", "src/file10.rs"));
        assert!(ov("src/[ab].rs", "src/b.rs"));
        assert!(!ov("src/[ab].rs", "src/c.rs"));
        assert!(ov("src/[a-c].rs", "src/b.rs"));
        assert!(!ov("src/[!a-c].rs", "src/b.rs"));
        assert!(
            ov("src/*", "src/auth/login.rs"),
            "src/* names src/auth, a directory"
        );
        assert!(ov("src/[x", "src/[x"), "an unclosed class is literal");
    }

    #[test]
    fn covers_paths() {
        let p = Pattern::new("src/**/*.rs");
        assert!(p.covers("src/a/b.rs"));
        assert!(p.covers("src/b.rs"));
        assert!(!p.covers("docs/b.rs"));
        assert!(Pattern::new("migrations").covers("migrations/001.sql"));
        assert!(Pattern::new("**").is_everything());
        assert!(!Pattern::new("src/**").is_everything());
    }

    #[test]
    fn star_backtracks() {
        assert!(glob_matches(b"*a*b", b"xaxxb"));
        assert!(glob_matches(b"a*", b"a"));
        assert!(!glob_matches(b"a*c", b"abcd"));
        assert!(glob_matches(b"**", b""));
    }

    #[test]
    fn scopes_of_a_plan() {
        let plan = crate::plan::parse(
            b"- [ ] T1 a\n  - files: src/auth/**, Cargo.toml\n- [ ] T2 b\n  - files: src/{auth,db}/x.rs\n- [ ] T3 c\n  - files: src/dashboard/**\n- [ ] T4 d\n",
        );
        let scopes = Scopes::build(&plan, false);
        assert_eq!(
            scopes
                .patterns
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>(),
            [
                "src/auth/**",
                "Cargo.toml",
                "src/auth/x.rs",
                "src/db/x.rs",
                "src/dashboard/**"
            ]
        );
        assert_eq!(scopes.conflict(0, 1), Some(Conflict::Overlap(0, 2)));
        assert_eq!(scopes.conflict(0, 2), None);
        assert_eq!(scopes.conflict(1, 2), None);
        assert_eq!(scopes.conflict(3, 0), Some(Conflict::Unscoped));
        assert_eq!(
            scopes.overlapping_pattern(&Pattern::new("src/auth/x.rs")),
            [0, 2]
        );
        assert_eq!(
            scopes.overlapping_pattern(&Pattern::new("src")),
            [0, 2, 3, 4]
        );
        assert_eq!(
            scopes.overlapping_pattern(&Pattern::new("**/*.toml")),
            [0, 1, 2, 3, 4]
        );
        assert!(
            scopes
                .overlapping_pattern(&Pattern::new("docs/x.md"))
                .is_empty()
        );
        let relaxed = Scopes::build(&plan, true);
        assert_eq!(relaxed.conflict(3, 0), None);
    }
}
