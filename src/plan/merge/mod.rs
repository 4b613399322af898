//! Three-way merge of a plan file, for `baton merge-driver`: two branches that each ticked
//! tasks and logged decisions merge without a conflict, and nothing either side wrote is lost.
//!
//! The merge is a line-based three-way merge (diff3) that knows the two kinds of line a plan
//! gives meaning to in a merge:
//!
//! - **checkbox lines** (tasks and acceptance items): the diffs compare lines with the status
//!   byte masked, so a tick is never a changed line. Every line then gets the three-way merge
//!   of its mark ([`lines::merge_mark`]): a tick on one side is kept, the same tick on both is
//!   kept once, and a tick on a line the other side reworded lands on the reworded line.
//! - **list items and headings added at the same place on both sides** (decisions appended to
//!   the log, tasks appended to a phase, new phases): both are kept, ours first, an item both
//!   added kept once; when every item is a dated decision entry they go in date order.
//!
//! Everything else is plain diff3, with one difference from git's: changes that touch
//! adjacent lines but no common line are both taken (two ticks on neighbouring tasks are not
//! a conflict). What cannot be reconciled (the same line rewritten differently, a line one side
//! rewrote and the other deleted, done against skipped) becomes a conflict with the usual
//! markers around just the lines that differ. Lines outside the changes are copied byte for
//! byte from the versions that hold them, so line endings and invalid UTF-8 pass through.
//!
//! A file with no checkbox line anywhere is merged with the plain rules ([`Rules::Text`]).

mod lines;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::ops::Range;
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};

/// How long each of the two diffs may search for a minimal alignment. Past it the diff is
/// coarser (more lines counted as changed), never wrong: only pathological inputs reach it.
const DIFF_DEADLINE: Duration = Duration::from_secs(1);

/// Conflict labels and marker length.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// After `<<<<<<<`: the current branch's version.
    pub ours_label: &'a str,
    /// After `>>>>>>>`: the other branch's version.
    pub theirs_label: &'a str,
    /// The length of each conflict marker (git's `conflict-marker-size`, 7 by default).
    pub marker_size: usize,
}

impl Default for Options<'static> {
    fn default() -> Self {
        Options {
            ours_label: "ours",
            theirs_label: "theirs",
            marker_size: 7,
        }
    }
}

/// Which rules a merge follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rules {
    /// Checkbox marks merged on their own, both sides' additions at one place kept.
    Plan,
    /// Plain line-based diff3.
    Text,
}

/// The merged bytes, and where the conflicts are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub bytes: Vec<u8>,
    /// The 1-based line of each conflict's `<<<<<<<` marker in [`Merged::bytes`].
    pub conflicts: Vec<usize>,
}

/// The rules for these three versions: [`Rules::Plan`] when any of them has a checkbox line.
pub fn rules_for(base: &[u8], ours: &[u8], theirs: &[u8]) -> Rules {
    rules_of(&[
        &lines::split(base),
        &lines::split(ours),
        &lines::split(theirs),
    ])
}

fn rules_of(versions: &[&[&[u8]]]) -> Rules {
    let has_checkbox = |ls: &[&[u8]]| ls.iter().any(|l| lines::checkbox(l).is_some());
    if versions.iter().any(|ls| has_checkbox(ls)) {
        Rules::Plan
    } else {
        Rules::Text
    }
}

/// Merges `ours` and `theirs`, two versions of `base`, by the rules [`rules_for`] picks.
pub fn merge(base: &[u8], ours: &[u8], theirs: &[u8], options: &Options) -> Merged {
    merge_with(base, ours, theirs, None, options)
}

/// [`merge`] with the rules chosen (`None`: as [`rules_for`] picks).
pub fn merge_with(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    rules: Option<Rules>,
    options: &Options,
) -> Merged {
    let eol = [base, ours, theirs]
        .into_iter()
        .find(|b| b.contains(&b'\n'))
        .map_or(&b"\n"[..], lines::ending_of);
    let base_lines = lines::split(base);
    let ours_lines = lines::split(ours);
    let theirs_lines = lines::split(theirs);
    let rules = rules.unwrap_or_else(|| rules_of(&[&base_lines, &ours_lines, &theirs_lines]));
    let masked = rules == Rules::Plan;

    // Each distinct line (mark masked) becomes a number; the diffs compare numbers.
    let mut ids: FxHashMap<(&[u8], &[u8]), u32> = FxHashMap::default();
    ids.reserve(base_lines.len() + base_lines.len() / 8 + 16);
    let base_ids = number(&mut ids, &base_lines, masked);
    let ours_ids = number(&mut ids, &ours_lines, masked);
    let theirs_ids = number(&mut ids, &theirs_lines, masked);
    let ours = Side::new(ours_lines, &base_ids, &ours_ids);
    let theirs = Side::new(theirs_lines, &base_ids, &theirs_ids);

    let mut out = Out {
        bytes: Vec::with_capacity(base.len().max(ours.len_hint()) + 64),
        eol,
        options,
        conflicts: Vec::new(),
    };
    let merger = Merger {
        base: &base_lines,
        ours: &ours,
        theirs: &theirs,
        rules,
    };
    let mut at = 0;
    for group in groups(&ours.hunks, &theirs.hunks) {
        merger.stable(at..group.base.start, &mut out);
        merger.resolve(&group, &mut out);
        at = group.base.end;
    }
    merger.stable(at..base_lines.len(), &mut out);
    out.finish()
}

/// Each line's number: equal lines (marks masked when `masked`) get equal numbers.
fn number<'t>(
    ids: &mut FxHashMap<(&'t [u8], &'t [u8]), u32>,
    lines: &[&'t [u8]],
    masked: bool,
) -> Vec<u32> {
    lines
        .iter()
        .map(|&l| {
            let next = ids.len() as u32;
            *ids.entry(lines::key(l, masked)).or_insert(next)
        })
        .collect()
}

/// A stretch of the base that one side replaced by a stretch of its own lines.
#[derive(Debug, Clone)]
struct Hunk {
    base: Range<usize>,
    side: Range<usize>,
}

/// One side of the merge: its lines, its changes against the base, and for every base line
/// outside those changes the side's line that holds it.
struct Side<'t> {
    lines: Vec<&'t [u8]>,
    hunks: Vec<Hunk>,
    at: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl<'t> Side<'t> {
    fn new(lines: Vec<&'t [u8]>, base_ids: &[u32], ids: &[u32]) -> Side<'t> {
        let deadline = Instant::now() + DIFF_DEADLINE;
        let ops = capture_diff_slices_deadline(Algorithm::Myers, base_ids, ids, Some(deadline));
        let mut hunks: Vec<Hunk> = Vec::new();
        let mut at = vec![NONE; base_ids.len()];
        for op in ops {
            let (tag, old, new) = op.as_tag_tuple();
            if tag == DiffTag::Equal {
                for (o, n) in old.zip(new) {
                    at[o] = n as u32;
                }
                continue;
            }
            match hunks.last_mut() {
                Some(h) if h.base.end == old.start && h.side.end == new.start => {
                    h.base.end = old.end;
                    h.side.end = new.end;
                }
                _ => hunks.push(Hunk {
                    base: old,
                    side: new,
                }),
            }
        }
        Side { lines, hunks, at }
    }

    fn len_hint(&self) -> usize {
        self.lines.iter().map(|l| l.len()).sum()
    }

    /// This side's line for an unchanged base line (`fallback` should there be none).
    fn line(&self, base_line: usize, fallback: &'t [u8]) -> &'t [u8] {
        self.at
            .get(base_line)
            .and_then(|&n| self.lines.get(n as usize))
            .copied()
            .unwrap_or(fallback)
    }

    /// This side's version of `range` of the base, given its hunks inside it (in order).
    fn region(&self, base: &[&'t [u8]], range: &Range<usize>, hunks: &[usize]) -> Vec<&'t [u8]> {
        let mut out = Vec::new();
        let mut o = range.start;
        for &h in hunks {
            let hunk = &self.hunks[h];
            out.extend((o..hunk.base.start).map(|k| self.line(k, base[k])));
            out.extend_from_slice(&self.lines[hunk.side.clone()]);
            o = hunk.base.end;
        }
        out.extend((o..range.end).map(|k| self.line(k, base[k])));
        out
    }
}

/// Changes of both sides that must be resolved together: the hunks (indices into each side's
/// list) and the stretch of the base they cover.
#[derive(Debug)]
struct Group {
    base: Range<usize>,
    ours: Vec<usize>,
    theirs: Vec<usize>,
}

/// Whether a hunk over `h` must be resolved with a group over `g` (hunks come in order of
/// start, then end). Changes that share a base line overlap; an insertion overlaps a change
/// it falls strictly inside, and another insertion at the same place. Changes that only
/// touch do not: their order in the result is clear.
fn overlaps(g: &Range<usize>, h: &Range<usize>) -> bool {
    match (g.is_empty(), h.is_empty()) {
        (true, true) => g.start == h.start,
        (false, true) => g.start < h.start && h.start < g.end,
        (true, false) => h.start < g.start && g.start < h.end,
        (false, false) => h.start < g.end && g.start < h.end,
    }
}

fn groups(ours: &[Hunk], theirs: &[Hunk]) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let (mut i, mut j) = (0, 0);
    loop {
        let key = |h: &Hunk| (h.base.start, h.base.end);
        let take_ours = match (ours.get(i), theirs.get(j)) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => key(a) <= key(b),
        };
        let (range, ours_side) = if take_ours {
            i += 1;
            (ours[i - 1].base.clone(), Some(i - 1))
        } else {
            j += 1;
            (theirs[j - 1].base.clone(), None)
        };
        let joined = match out.last_mut() {
            Some(g) if overlaps(&g.base, &range) => {
                g.base.start = g.base.start.min(range.start);
                g.base.end = g.base.end.max(range.end);
                g
            }
            _ => {
                out.push(Group {
                    base: range.clone(),
                    ours: Vec::new(),
                    theirs: Vec::new(),
                });
                let last = out.len() - 1;
                &mut out[last]
            }
        };
        match ours_side {
            Some(h) => joined.ours.push(h),
            None => joined.theirs.push(j - 1),
        }
    }
    out
}

/// Which side changed the text in a one-sided group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Changer {
    Ours,
    Theirs,
}

struct Merger<'m, 't> {
    base: &'m [&'t [u8]],
    ours: &'m Side<'t>,
    theirs: &'m Side<'t>,
    rules: Rules,
}

impl<'t> Merger<'_, 't> {
    /// Base lines neither side's diff changed: the same line on all three, but for the marks.
    fn stable(&self, range: Range<usize>, out: &mut Out) {
        for o in range {
            let base = self.base[o];
            let a = self.ours.line(o, base);
            let b = self.theirs.line(o, base);
            if a == b || b == base {
                out.line(a);
            } else if a == base {
                out.line(b);
            } else {
                match merge_marks(Some(base), a, b) {
                    Some(line) => out.line(&line),
                    None => out.conflict(&[a], &[b]),
                }
            }
        }
    }

    fn resolve(&self, group: &Group, out: &mut Out) {
        let ours = self.ours.region(self.base, &group.base, &group.ours);
        let theirs = self.theirs.region(self.base, &group.base, &group.theirs);
        if group.theirs.is_empty() {
            self.one_sided(group, Changer::Ours, &ours, &theirs, out);
        } else if group.ours.is_empty() {
            self.one_sided(group, Changer::Theirs, &theirs, &ours, out);
        } else {
            self.two_sided(group, &ours, &theirs, out);
        }
    }

    /// One side changed the text of `group.base`; the other may have changed marks in it,
    /// which are carried over to the same task's line in the new text.
    fn one_sided(
        &self,
        group: &Group,
        changer: Changer,
        changed: &[&'t [u8]],
        other: &[&'t [u8]],
        out: &mut Out,
    ) {
        let base = &self.base[group.base.clone()];
        let mut result: Vec<Cow<'t, [u8]>> = changed.iter().map(|&l| Cow::Borrowed(l)).collect();
        let mut used = vec![false; changed.len()];
        for (i, (&b, &o)) in base.iter().zip(other).enumerate() {
            if b == o {
                continue;
            }
            let Some(j) = same_task(b, changed, i, base.len()).filter(|&j| !used[j]) else {
                return conflict_of(changer, changed, other, out);
            };
            used[j] = true;
            let mark = match changer {
                Changer::Ours => merged_mark(Some(b), changed[j], o),
                Changer::Theirs => merged_mark(Some(b), o, changed[j]),
            };
            match mark {
                Some(mark) => result[j] = Cow::Owned(lines::with_mark(changed[j], mark)),
                None => return conflict_of(changer, changed, other, out),
            }
        }
        for line in &result {
            out.line(line);
        }
    }

    /// Both sides changed lines of `group.base`.
    fn two_sided(&self, group: &Group, ours: &[&'t [u8]], theirs: &[&'t [u8]], out: &mut Out) {
        if ours == theirs {
            for line in ours {
                out.line(line);
            }
            return;
        }
        if self.rules == Rules::Plan {
            if group.base.is_empty()
                && let Some(merged) = union(ours, theirs, out.eol)
            {
                for line in &merged {
                    out.line(line);
                }
                return;
            }
            if ours.len() == theirs.len() {
                let base = &self.base[group.base.clone()];
                let base = (base.len() == ours.len()).then_some(base);
                let merged: Vec<Option<Vec<u8>>> = ours
                    .iter()
                    .zip(theirs)
                    .enumerate()
                    .map(|(i, (a, b))| merge_line(base.map(|b| b[i]), a, b))
                    .collect();
                let mut k = 0;
                while k < merged.len() {
                    match &merged[k] {
                        Some(line) => {
                            out.line(line);
                            k += 1;
                        }
                        None => {
                            let end = (k..merged.len())
                                .find(|&e| merged[e].is_some())
                                .unwrap_or(merged.len());
                            out.conflict(&ours[k..end], &theirs[k..end]);
                            k = end;
                        }
                    }
                }
                return;
            }
        }
        trimmed_conflict(ours, theirs, out);
    }
}

/// The base line at `i` of `changed`'s stretch is which line of it? The line at the same
/// place when the stretch kept its length and the line names the same task, else the only
/// line that names it.
fn same_task(base: &[u8], changed: &[&[u8]], i: usize, base_len: usize) -> Option<usize> {
    let word = lines::task_word(base)?;
    let names = |l: &[u8]| lines::task_word(l) == Some(word);
    if changed.len() == base_len && names(changed[i]) {
        return Some(i);
    }
    let mut found = (0..changed.len()).filter(|&j| names(changed[j]));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// `ours`' text with the merge of the marks of `base`, `ours` and `theirs`, the three being
/// versions of one checkbox line. `None` when the marks disagree or a line has no checkbox.
fn merge_marks(base: Option<&[u8]>, ours: &[u8], theirs: &[u8]) -> Option<Vec<u8>> {
    let mark = merged_mark(base, ours, theirs)?;
    Some(lines::with_mark(ours, mark))
}

/// The merge of the marks of three versions of a checkbox line.
fn merged_mark(base: Option<&[u8]>, ours: &[u8], theirs: &[u8]) -> Option<u8> {
    lines::merge_mark(
        base.and_then(lines::mark),
        lines::mark(ours)?,
        lines::mark(theirs)?,
    )
}

/// The merge of one line both sides changed, line for line: a text change on one side and a
/// mark change on the other combine; `None` when both changed the text differently.
fn merge_line(base: Option<&[u8]>, ours: &[u8], theirs: &[u8]) -> Option<Vec<u8>> {
    if ours == theirs {
        return Some(ours.to_vec());
    }
    fn key(l: &[u8]) -> (&[u8], &[u8]) {
        lines::key(l, true)
    }
    if key(ours) == key(theirs) {
        let base = base.filter(|b| lines::task_word(b) == lines::task_word(ours));
        return merge_marks(base, ours, theirs);
    }
    let base = base?;
    if theirs == base {
        return Some(ours.to_vec());
    }
    if ours == base {
        return Some(theirs.to_vec());
    }
    let same =
        |l: &[u8]| lines::task_word(l).is_some() && lines::task_word(l) == lines::task_word(base);
    if key(ours) == key(base) && same(theirs) {
        // Ours changed the mark, theirs the text.
        let mark = merged_mark(Some(base), ours, theirs)?;
        return Some(lines::with_mark(theirs, mark));
    }
    if key(theirs) == key(base) && same(ours) {
        return merge_marks(Some(base), ours, theirs);
    }
    None
}

/// Both sides added lines at one place: list items and headings from both are kept.
fn union<'t>(
    ours: &[&'t [u8]],
    theirs: &[&'t [u8]],
    eol: &'static [u8],
) -> Option<Vec<Cow<'t, [u8]>>> {
    let prefix = ours.iter().zip(theirs).take_while(|(a, b)| a == b).count();
    let (ours_rest, theirs_rest) = (&ours[prefix..], &theirs[prefix..]);
    let suffix = ours_rest
        .iter()
        .rev()
        .zip(theirs_rest.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let a = &ours_rest[..ours_rest.len() - suffix];
    let b = &theirs_rest[..theirs_rest.len() - suffix];
    if a.is_empty() || b.is_empty() {
        // One side added what the other did and more.
        let longer = if a.is_empty() { theirs } else { ours };
        return Some(longer.iter().map(|&l| Cow::Borrowed(l)).collect());
    }
    let mut units_a = lines::units(a)?;
    let units_b: Vec<Vec<&[u8]>> = lines::units(b)?
        .into_iter()
        .filter(|u| !units_a.contains(u))
        .collect();
    let dated = |u: &Vec<&[u8]>| lines::entry_date(u).is_some();
    let middle: Vec<Vec<&[u8]>> = if units_a.iter().all(dated) && units_b.iter().all(dated) {
        // A stable merge of two logs, each in its own order, by date.
        let mut merged = Vec::with_capacity(units_a.len() + units_b.len());
        let mut rest_b = units_b.into_iter().peekable();
        for unit in units_a {
            while let Some(next) = rest_b.peek() {
                if lines::entry_date(next) < lines::entry_date(&unit) {
                    merged.extend(rest_b.next());
                } else {
                    break;
                }
            }
            merged.push(unit);
        }
        merged.extend(rest_b);
        merged
    } else {
        units_a.extend(units_b);
        units_a
    };
    let mut out: Vec<Cow<'t, [u8]>> = ours[..prefix].iter().map(|&l| Cow::Borrowed(l)).collect();
    for line in middle.into_iter().flatten() {
        if let Some(last) = out.last_mut()
            && !last.ends_with(b"\n")
        {
            let mut fixed = last.to_vec();
            fixed.extend_from_slice(eol);
            *last = Cow::Owned(fixed);
        }
        out.push(Cow::Borrowed(line));
    }
    out.extend(
        ours_rest[ours_rest.len() - suffix..]
            .iter()
            .map(|&l| Cow::Borrowed(l)),
    );
    Some(out)
}

fn conflict_of(changer: Changer, changed: &[&[u8]], other: &[&[u8]], out: &mut Out) {
    match changer {
        Changer::Ours => trimmed_conflict(changed, other, out),
        Changer::Theirs => trimmed_conflict(other, changed, out),
    }
}

/// A conflict between two versions of a stretch, with the lines they share at either end
/// written outside the markers.
fn trimmed_conflict(ours: &[&[u8]], theirs: &[&[u8]], out: &mut Out) {
    let prefix = ours.iter().zip(theirs).take_while(|(a, b)| a == b).count();
    let (a, b) = (&ours[prefix..], &theirs[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    for line in &ours[..prefix] {
        out.line(line);
    }
    out.conflict(&a[..a.len() - suffix], &b[..b.len() - suffix]);
    for line in &a[a.len() - suffix..] {
        out.line(line);
    }
}

/// The result being written.
struct Out<'o> {
    bytes: Vec<u8>,
    eol: &'static [u8],
    options: &'o Options<'o>,
    /// Byte offsets of the conflicts' opening markers.
    conflicts: Vec<usize>,
}

impl Out<'_> {
    /// Appends a line, first ending the previous one if it had no line ending (a side's last
    /// line, followed by what the other side added).
    fn line(&mut self, line: &[u8]) {
        if !self.bytes.is_empty() && !self.bytes.ends_with(b"\n") {
            self.bytes.extend_from_slice(self.eol);
        }
        self.bytes.extend_from_slice(line);
    }

    fn marker(&mut self, c: u8, label: Option<&str>) {
        let mut line: Vec<u8> = std::iter::repeat_n(c, self.options.marker_size.max(1)).collect();
        if let Some(label) = label.filter(|l| !l.is_empty()) {
            line.push(b' ');
            line.extend_from_slice(label.as_bytes());
        }
        line.extend_from_slice(self.eol);
        self.line(&line);
    }

    fn conflict(&mut self, ours: &[&[u8]], theirs: &[&[u8]]) {
        if !self.bytes.is_empty() && !self.bytes.ends_with(b"\n") {
            self.bytes.extend_from_slice(self.eol);
        }
        self.conflicts.push(self.bytes.len());
        self.marker(b'<', Some(self.options.ours_label));
        for line in ours {
            self.line(line);
        }
        self.marker(b'=', None);
        for line in theirs {
            self.line(line);
        }
        self.marker(b'>', Some(self.options.theirs_label));
    }

    fn finish(self) -> Merged {
        let mut conflicts = Vec::with_capacity(self.conflicts.len());
        let mut line = 1;
        let mut from = 0;
        for &at in &self.conflicts {
            line += memchr::memchr_iter(b'\n', &self.bytes[from..at]).count();
            from = at;
            conflicts.push(line);
        }
        Merged {
            bytes: self.bytes,
            conflicts,
        }
    }
}
