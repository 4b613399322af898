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
    /// Each segment's kind and byte range in `text`.
    segments: Vec<(Kind, u32, u32)>,
    /// `text[..prefix_end]` is the leading run of literal segments.
    prefix_end: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `**`
    Any,
    Literal,
    Glob,
}

#[derive(Debug, Clone, Copy)]
enum Segment<'a> {
    Any,
    Literal(&'a str),
    Glob(&'a str),
}

impl Pattern {
    /// Reads a scope entry: backslashes become `/`, `./`, trailing `/` and empty segments go.
    pub fn new(raw: &str) -> Pattern {
        let raw = raw.trim();
        let mut text = String::with_capacity(raw.len());
        let mut segments = Vec::new();
        let unified;
        let raw = if raw.contains('\\') {
            unified = raw.replace('\\', "/");
            unified.as_str()
        } else {
            raw
        };
        for part in raw.split('/') {
            if part.is_empty() || part == "." {
                continue;
            }
            let kind = if part == "**" {
                Kind::Any
            } else if part.contains(['*', '?', '[']) {
                Kind::Glob
            } else {
                Kind::Literal
            };
            // `**/**` means the same as `**`.
            if kind == Kind::Any
                && segments
                    .last()
                    .is_some_and(|s: &(Kind, u32, u32)| s.0 == Kind::Any)
            {
                continue;
            }
            if !text.is_empty() {
                text.push('/');
            }
            let start = text.len() as u32;
            text.push_str(part);
            segments.push((kind, start, text.len() as u32));
        }
        let prefix_end = segments
            .iter()
            .take_while(|s| s.0 == Kind::Literal)
            .last()
            .map_or(0, |s| s.2);
        Pattern {
            text,
            segments,
            prefix_end,
        }
    }

    fn segment(&self, i: usize) -> Segment<'_> {
        let (kind, start, end) = self.segments[i];
        let s = &self.text[start as usize..end as usize];
        match kind {
            Kind::Any => Segment::Any,
            Kind::Literal => Segment::Literal(s),
            Kind::Glob => Segment::Glob(s),
        }
    }

    /// Matches every path (`**`, or nothing at all).
    pub fn is_everything(&self) -> bool {
        matches!(self.segments.as_slice(), [] | [(Kind::Any, _, _)])
    }

    /// The leading literal segments, as one `a/b` string: every path this pattern covers
    /// starts with them.
    fn literal_prefix(&self) -> &str {
        &self.text[..self.prefix_end as usize]
    }

    /// Whether this pattern covers `path` (a plain relative path, no globs).
    pub fn covers(&self, path: &str) -> bool {
        let path = Pattern::new(path);
        let parts: Vec<&str> = (0..path.segments.len())
            .map(|i| {
                let (_, start, end) = path.segments[i];
                &path.text[start as usize..end as usize]
            })
            .collect();
        self.covers_from(0, &parts)
    }

    /// Segments from `i` on (plus an implied trailing `**`) against concrete path segments.
    fn covers_from(&self, i: usize, path: &[&str]) -> bool {
        if i == self.segments.len() {
            return true;
        }
        match self.segment(i) {
            Segment::Any => (0..=path.len()).any(|skip| self.covers_from(i + 1, &path[skip..])),
            segment => match path.split_first() {
                None => false,
                Some((first, rest)) => {
                    let ok = match segment {
                        Segment::Literal(l) => l == *first,
                        Segment::Glob(g) => glob_matches(g.as_bytes(), first.as_bytes()),
                        Segment::Any => true,
                    };
                    ok && self.covers_from(i + 1, rest)
                }
            },
        }
    }
}

/// Whether some path falls inside both patterns (sound: see the module documentation).
pub fn overlaps(a: &Pattern, b: &Pattern) -> bool {
    // Two literal patterns (most scopes) overlap when one is the other or lies below it.
    let (la, lb) = (a.literal_prefix(), b.literal_prefix());
    if la.len() == a.text.len() && lb.len() == b.text.len() {
        return path_within(la, lb) || path_within(lb, la);
    }
    // memo[i][j]: overlap of a's segments from i and b's from j; patterns are short, so a
    // dense table is fine.
    let width = b.segments.len() + 1;
    let mut memo = vec![None; (a.segments.len() + 1) * width];
    overlap_from(a, b, 0, 0, &mut memo, width)
}

/// `inner` is `outer` or a path below it.
fn path_within(inner: &str, outer: &str) -> bool {
    outer.is_empty()
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn overlap_from(
    x: &Pattern,
    y: &Pattern,
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
    let result = if i == x.segments.len() || j == y.segments.len() {
        true
    } else {
        match (x.segment(i), y.segment(j)) {
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

fn segments_overlap(s: Segment<'_>, t: Segment<'_>) -> bool {
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

/// A task's `files` (declared or inferred) as patterns, braces expanded, duplicates dropped.
pub fn task_patterns(task: &crate::plan::Task) -> Vec<Pattern> {
    patterns_of(&task.files)
}

/// `files` entries as patterns, braces expanded, duplicates dropped.
pub fn patterns_of(files: &[String]) -> Vec<Pattern> {
    let mut out: Vec<Pattern> = Vec::with_capacity(files.len());
    let mut push = |raw: &str| {
        let pattern = Pattern::new(raw);
        if !out.iter().any(|p| p.text == pattern.text) {
            out.push(pattern);
        }
    };
    for entry in files {
        if entry.contains('{') {
            for expanded in keys::expand_braces(entry) {
                push(&expanded);
            }
        } else {
            push(entry);
        }
    }
    out
}

/// The scopes of a plan's tasks, as resources the scheduler can lock, with every pair of
/// resources that can touch a common path worked out once.
#[derive(Debug)]
pub struct Scopes {
    /// Distinct patterns, in order of first appearance.
    pub patterns: Vec<Pattern>,
    /// Per task: indices into `patterns`.
    pub of_task: Vec<Vec<u32>>,
    /// Per task: it has no scope, so nothing proves it independent and it runs alone.
    pub exclusive: Vec<bool>,
    /// Pattern `p` overlaps `overlap[overlap_at[p]..overlap_at[p + 1]]` (itself included,
    /// sorted): one flat list, as a plan can hold 100k patterns.
    overlap_at: Vec<usize>,
    overlap: Vec<u32>,
    /// Pattern indices sorted by literal beginning: patterns sharing a beginning, or whose
    /// beginning lies below a given path, sit next to each other.
    by_prefix: Vec<u32>,
    /// For every literal beginning and every path above one: which stretch of `by_prefix`
    /// has exactly that beginning, and which lies below it.
    groups: FxHashMap<String, Group>,
}

/// Two ranges of `Scopes::by_prefix` (empty when start == end).
#[derive(Debug, Clone, Copy, Default)]
struct Group {
    exact: (u32, u32),
    below: (u32, u32),
}

fn widen(range: &mut (u32, u32), i: u32) {
    if range.0 == range.1 {
        *range = (i, i + 1);
    } else {
        range.1 = i + 1;
    }
}

impl Scopes {
    /// Reads every task's `files` (declared or inferred). A task with none is exclusive
    /// unless `assume_independent`, in which case it conflicts with nothing.
    pub fn build(plan: &Plan, assume_independent: bool) -> Scopes {
        let mut by_text: FxHashMap<String, u32> = FxHashMap::default();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut of_task = Vec::with_capacity(plan.tasks.len());
        let mut exclusive = Vec::with_capacity(plan.tasks.len());
        let mut add = |raw: &str, mine: &mut Vec<u32>| {
            let pattern = Pattern::new(raw);
            let id = match by_text.get(&pattern.text) {
                Some(&id) => id,
                None => {
                    let id = patterns.len() as u32;
                    by_text.insert(pattern.text.clone(), id);
                    patterns.push(pattern);
                    id
                }
            };
            if !mine.contains(&id) {
                mine.push(id);
            }
        };
        for task in &plan.tasks {
            let mut mine: Vec<u32> = Vec::with_capacity(task.files.len());
            for entry in &task.files {
                if entry.contains('{') {
                    for expanded in keys::expand_braces(entry) {
                        add(&expanded, &mut mine);
                    }
                } else {
                    add(entry, &mut mine);
                }
            }
            exclusive.push(mine.is_empty() && !assume_independent);
            of_task.push(mine);
        }
        let mut by_prefix: Vec<u32> = (0..patterns.len() as u32).collect();
        by_prefix.sort_unstable_by(|&a, &b| {
            patterns[a as usize]
                .literal_prefix()
                .cmp(patterns[b as usize].literal_prefix())
        });
        // Sorted, every group is one contiguous stretch (`a/…` sorts together), so each
        // range only ever grows at its end.
        let mut groups: FxHashMap<String, Group> = FxHashMap::default();
        for (i, &p) in by_prefix.iter().enumerate() {
            let prefix = patterns[p as usize].literal_prefix();
            let i = i as u32;
            match groups.get_mut(prefix) {
                Some(g) => widen(&mut g.exact, i),
                None => {
                    let mut g = Group::default();
                    widen(&mut g.exact, i);
                    groups.insert(prefix.to_string(), g);
                }
            }
            for (slash, _) in prefix.match_indices('/') {
                let above = &prefix[..slash];
                match groups.get_mut(above) {
                    Some(g) => widen(&mut g.below, i),
                    None => {
                        let mut g = Group::default();
                        widen(&mut g.below, i);
                        groups.insert(above.to_string(), g);
                    }
                }
            }
        }
        let mut scopes = Scopes {
            patterns,
            of_task,
            exclusive,
            overlap_at: Vec::new(),
            overlap: Vec::new(),
            by_prefix,
            groups,
        };
        scopes.link_overlaps();
        scopes
    }

    /// The patterns `p` overlaps, itself included, sorted.
    pub fn overlapping(&self, p: u32) -> &[u32] {
        &self.overlap[self.overlap_at[p as usize]..self.overlap_at[p as usize + 1]]
    }

    fn stretch(&self, (from, to): (u32, u32)) -> &[u32] {
        &self.by_prefix[from as usize..to as usize]
    }

    /// The patterns whose literal beginning is exactly `prefix`.
    fn exactly(&self, prefix: &str) -> &[u32] {
        self.groups
            .get(prefix)
            .map_or(&[][..], |g| self.stretch(g.exact))
    }

    /// The patterns whose literal beginning is `prefix` or lies below it.
    fn under(&self, prefix: &str) -> impl Iterator<Item = u32> + '_ {
        let (exact, below): (&[u32], &[u32]) = if prefix.is_empty() {
            (&self.by_prefix[..], &[])
        } else {
            self.groups.get(prefix).map_or((&[][..], &[][..]), |g| {
                (self.stretch(g.exact), self.stretch(g.below))
            })
        };
        exact.iter().chain(below).copied()
    }

    /// Candidates that may overlap `other`: patterns whose literal beginning lies along
    /// other's (a path must start with both beginnings, so one extends the other).
    fn candidates<'s>(&'s self, prefix: &'s str) -> impl Iterator<Item = u32> + 's {
        let above = prefix
            .match_indices('/')
            .map(|(i, _)| &prefix[..i])
            .chain((!prefix.is_empty()).then_some(""))
            .flat_map(|p| self.exactly(p).iter().copied());
        above.chain(self.under(prefix))
    }

    fn link_overlaps(&mut self) {
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); self.patterns.len()];
        for q in 0..self.patterns.len() {
            let prefix = self.patterns[q].literal_prefix();
            for p in self.candidates(prefix) {
                let p = p as usize;
                // Each unordered pair once: from the pattern with the higher index.
                if p >= q {
                    continue;
                }
                if overlaps(&self.patterns[p], &self.patterns[q]) {
                    lists[p].push(q as u32);
                    lists[q].push(p as u32);
                }
            }
        }
        self.overlap_at = Vec::with_capacity(self.patterns.len() + 1);
        self.overlap =
            Vec::with_capacity(self.patterns.len() + lists.iter().map(Vec::len).sum::<usize>());
        self.overlap_at.push(0);
        for (p, mut list) in lists.into_iter().enumerate() {
            list.push(p as u32);
            list.sort_unstable();
            list.dedup();
            self.overlap.extend_from_slice(&list);
            self.overlap_at.push(self.overlap.len());
        }
    }

    /// The scope patterns that `other` (any pattern, not necessarily one of a task's)
    /// overlaps, sorted.
    pub fn overlapping_pattern(&self, other: &Pattern) -> Vec<u32> {
        let mut found: Vec<u32> = self
            .candidates(other.literal_prefix())
            .filter(|&p| overlaps(&self.patterns[p as usize], other))
            .collect();
        found.sort_unstable();
        found.dedup();
        found
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
            let near = self.overlapping(p);
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
