//! The lines a plan merge looks at: splitting bytes into lines (endings kept), the checkbox
//! of a task or acceptance line, the three-way merge of one checkbox, and the units (list
//! items, headings) that both sides may have added at one place.
//!
//! Everything works on bytes: a file that is not UTF-8 is merged like any other.

use crate::plan::Status;

/// `bytes` cut after each `\n`; the last line may lack one. An empty file has no lines.
pub fn split(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::with_capacity(bytes.len() / 32 + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', bytes) {
        lines.push(&bytes[start..=end]);
        start = end + 1;
    }
    if start < bytes.len() {
        lines.push(&bytes[start..]);
    }
    lines
}

/// The line ending a file mostly starts with: that of its first line, else `\n`.
pub fn ending_of(bytes: &[u8]) -> &'static [u8] {
    match memchr::memchr(b'\n', bytes) {
        Some(at) if at > 0 && bytes[at - 1] == b'\r' => b"\r\n",
        _ => b"\n",
    }
}

/// The offset of the status byte of a checkbox line (`- [ ] …`, `  * [x] …`, `1. [~] …`,
/// Kiro's `- [ ]* …`), with any status [`Status::from_mark`] reads; `None` for other lines.
///
/// This is the checkbox the parser reads for tasks and acceptance items, recognised on the
/// line alone: a checkbox-shaped line inside a code block is treated the same way, which
/// only means its mark is merged like a task's.
pub fn checkbox(line: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < line.len() && (line[i] == b' ' || line[i] == b'\t' || line[i] == b'>') {
        i += 1;
    }
    match line.get(i)? {
        b'-' | b'*' | b'+' => i += 1,
        b'0'..=b'9' => {
            let digits = line[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 9 {
                return None;
            }
            i += digits;
            if !matches!(line.get(i)?, b'.' | b')') {
                return None;
            }
            i += 1;
        }
        _ => return None,
    }
    let spaces = line[i..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    if spaces == 0 {
        return None;
    }
    i += spaces;
    if line.get(i) != Some(&b'[') || line.get(i + 2) != Some(&b']') {
        return None;
    }
    Status::from_mark(*line.get(i + 1)?)?;
    Some(i + 1)
}

/// The line without its status byte, as two slices: what a diff compares, so that ticking a
/// box is not a change of the line.
pub fn key(line: &[u8], masked: bool) -> (&[u8], &[u8]) {
    match masked.then(|| checkbox(line)).flatten() {
        Some(at) => (&line[..at], &line[at + 1..]),
        None => (line, &[]),
    }
}

/// The first word after a checkbox (a task's id, or the first word of its title): two
/// versions of a line with the same word are taken to be the same task.
pub fn task_word(line: &[u8]) -> Option<&[u8]> {
    let at = checkbox(line)?;
    let rest = &line[at + 2..];
    let rest = rest.strip_prefix(b"*").unwrap_or(rest);
    rest.split(|b| b.is_ascii_whitespace())
        .find(|w| !w.is_empty())
}

/// The three-way merge of one checkbox mark.
///
/// A change on one side only is taken; the same status on both sides is taken once. When both
/// sides changed it differently, the further-along status wins where one only adds to the
/// other (in progress and done give done; in progress and skipped give skipped; todo and in
/// progress give in progress); done against skipped, or todo against done or skipped, is a
/// real disagreement: `None`.
pub fn merge_mark(base: Option<u8>, ours: u8, theirs: u8) -> Option<u8> {
    let status = |m: u8| Status::from_mark(m);
    if ours == theirs || Some(theirs) == base || status(ours) == status(theirs) {
        return Some(ours);
    }
    if Some(ours) == base {
        return Some(theirs);
    }
    let (a, b) = (status(ours)?, status(theirs)?);
    use Status::*;
    match (a, b) {
        (InProgress, Done) | (InProgress, Skipped) | (Todo, InProgress) => Some(theirs),
        (Done, InProgress) | (Skipped, InProgress) | (InProgress, Todo) => Some(ours),
        _ => None,
    }
}

/// `line` with its checkbox mark replaced by `mark`.
pub fn with_mark(line: &[u8], mark: u8) -> Vec<u8> {
    let mut out = line.to_vec();
    if let Some(at) = checkbox(line) {
        out[at] = mark;
    }
    out
}

/// The mark of a checkbox line.
pub fn mark(line: &[u8]) -> Option<u8> {
    checkbox(line).map(|at| line[at])
}

fn indent(line: &[u8]) -> usize {
    line.iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// A list item (`-`, `*`, `+`, `1.`) or an ATX heading.
fn starts_unit(line: &[u8]) -> bool {
    let rest = &line[indent(line)..];
    match rest.first() {
        Some(b'#') => true,
        Some(b'-' | b'*' | b'+') => matches!(rest.get(1), Some(b' ' | b'\t' | b'\r' | b'\n')),
        Some(b'0'..=b'9') => {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            matches!(rest.get(digits), Some(b'.' | b')'))
        }
        _ => false,
    }
}

/// Cuts lines into units: each starts at a list item or heading no more indented than the
/// first one and runs to the next; blank lines before the first belong to it. `None` when
/// the lines do not start with such a unit (prose).
pub fn units<'l>(lines: &[&'l [u8]]) -> Option<Vec<Vec<&'l [u8]>>> {
    let first = lines.iter().position(|l| !is_blank(l))?;
    if !starts_unit(lines[first]) {
        return None;
    }
    let base = indent(lines[first]);
    let mut out: Vec<Vec<&[u8]>> = vec![lines[..=first].to_vec()];
    for &line in &lines[first + 1..] {
        if !is_blank(line) && indent(line) <= base && starts_unit(line) {
            out.push(vec![line]);
        } else if indent(line) < base && !is_blank(line) {
            // Text that closes the list: not a sequence of units.
            return None;
        } else if let Some(unit) = out.last_mut() {
            unit.push(line);
        }
    }
    Some(out)
}

/// The date a decision entry starts with (`- 2026-01-21 T2: …`), as its ten bytes.
pub fn entry_date<'l>(unit: &[&'l [u8]]) -> Option<&'l [u8]> {
    let line = unit.iter().find(|l| !is_blank(l))?;
    let rest = &line[indent(line)..];
    let rest = rest
        .strip_prefix(b"- ")
        .or_else(|| rest.strip_prefix(b"* "))?;
    let date = rest.get(..10)?;
    let shape = date.iter().enumerate().all(|(i, b)| {
        if i == 4 || i == 7 {
            *b == b'-'
        } else {
            b.is_ascii_digit()
        }
    });
    shape.then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkboxes_are_found_on_the_line() {
        assert_eq!(checkbox(b"- [ ] T1 a\n"), Some(3));
        assert_eq!(checkbox(b"  * [x] a"), Some(5));
        assert_eq!(checkbox(b"12. [~] a"), Some(5));
        assert_eq!(checkbox(b"- [ ]* T1 optional"), Some(3));
        assert_eq!(checkbox(b"-[ ] a"), None);
        assert_eq!(checkbox(b"- [?] a"), None);
        assert_eq!(checkbox(b"text [ ] a"), None);
        assert_eq!(checkbox(b"- [ "), None);
        assert_eq!(task_word(b"- [ ] T1 title\n"), Some(&b"T1"[..]));
        assert_eq!(task_word(b"- [ ]* T1 title"), Some(&b"T1"[..]));
        assert_eq!(task_word(b"- [ ]"), None);
    }

    #[test]
    fn marks_merge_three_ways() {
        assert_eq!(merge_mark(Some(b' '), b'x', b' '), Some(b'x'));
        assert_eq!(merge_mark(Some(b' '), b' ', b'x'), Some(b'x'));
        assert_eq!(merge_mark(Some(b' '), b'x', b'X'), Some(b'x'));
        assert_eq!(merge_mark(Some(b'x'), b' ', b'x'), Some(b' '));
        assert_eq!(merge_mark(Some(b' '), b'~', b'x'), Some(b'x'));
        assert_eq!(merge_mark(Some(b' '), b'x', b'-'), None);
        assert_eq!(merge_mark(Some(b'~'), b' ', b'x'), None);
        assert_eq!(merge_mark(None, b' ', b'~'), Some(b'~'));
    }

    #[test]
    fn units_are_list_items_and_headings() {
        let lines = split(b"- [ ] T1 a\n  - files: x\n- [ ] T2 b\n");
        let found = units(&lines).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].len(), 2);
        assert!(units(&split(b"prose\n- a\n")).is_none());
        let lines = split(b"\n## Phase 3\n\n- [ ] T9 x\n");
        assert_eq!(units(&lines).unwrap().len(), 2);
        assert_eq!(
            entry_date(&[b"- 2026-01-21 T2: why\n"]),
            Some(&b"2026-01-21"[..])
        );
        assert_eq!(entry_date(&[b"- why\n"]), None);
    }
}
