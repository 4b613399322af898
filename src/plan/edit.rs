//! Byte-range edits: every write to a plan changes only the bytes it means to (a checkbox
//! character, an appended decision line, an inserted id) and keeps everything else, line
//! endings included, exactly as it was.

use std::ops::Range;

use super::model::{Plan, Status, Task};

/// Replace `range` of the original bytes with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: Vec<u8>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    #[error("edits overlap at byte {0}")]
    Overlap(usize),
    #[error("edit range {start}..{end} is outside the file ({len} bytes)")]
    OutOfBounds {
        start: usize,
        end: usize,
        len: usize,
    },
}

/// Applies edits to the original bytes. Edits may come in any order but must not overlap
/// (two insertions at the same offset are applied in the order given).
pub fn apply(src: &[u8], edits: &[Edit]) -> Result<Vec<u8>, EditError> {
    let mut order: Vec<&Edit> = edits.iter().collect();
    order.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = Vec::with_capacity(src.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut at = 0;
    for edit in order {
        let Range { start, end } = edit.range;
        if start > end || end > src.len() {
            return Err(EditError::OutOfBounds {
                start,
                end,
                len: src.len(),
            });
        }
        if start < at {
            return Err(EditError::Overlap(start));
        }
        out.extend_from_slice(&src[at..start]);
        out.extend_from_slice(&edit.text);
        at = end;
    }
    out.extend_from_slice(&src[at..]);
    Ok(out)
}

/// The checkbox character for a status, in a plan that does or does not prefer `[X]`.
pub fn mark_for(status: Status, upper_x: bool) -> u8 {
    match status {
        Status::Todo => b' ',
        Status::Done if upper_x => b'X',
        Status::Done => b'x',
        Status::InProgress => b'~',
        Status::Skipped => b'-',
    }
}

fn mark(plan: &Plan, status: Status) -> u8 {
    mark_for(status, plan.prefers_upper_x)
}

/// Sets a task's checkbox; `None` when it already has that status.
pub fn set_status(plan: &Plan, task: &Task, status: Status) -> Option<Edit> {
    (task.status != status).then(|| Edit {
        range: task.status_span.range(),
        text: vec![mark(plan, status)],
    })
}

/// Inserts an id (and a space) right after a task's checkbox.
pub fn insert_id(task: &Task, id: &str) -> Edit {
    // status_span is the mark; `]` follows (and Kiro's `*` for optional tasks).
    let at = task.status_span.end + 1 + usize::from(task.optional);
    Edit {
        range: at..at,
        text: format!(" {id}").into_bytes(),
    }
}

/// Appends one line to the decisions section, or creates `## Decisions` at the end of the
/// plan when it has none. The edit is returned only if the plan, read again with it, has the
/// line as its last decision and the same tasks as before: a plan whose section ends inside
/// an HTML comment, or that ends inside an unclosed code block, would otherwise swallow the
/// entry or change what is read around it. `None` means no such place exists.
pub fn append_decision(plan: &Plan, src: &[u8], line: &str) -> Option<Edit> {
    let line = line.replace(['\r', '\n'], " ");
    let line = line.trim();
    let nl = plan.line_ending.as_str();
    let entry = format!("- {line}{nl}");
    let edit = match &plan.decisions {
        Some(log) => {
            let lead = if log.at_line_start { "" } else { nl };
            let trail = if log.needs_blank_after { nl } else { "" };
            Edit {
                range: log.insert_at..log.insert_at,
                text: format!("{lead}{entry}{trail}").into_bytes(),
            }
        }
        None => {
            let lead = match (plan.len, plan.ends_with_newline) {
                (0, _) => String::new(),
                (_, true) => nl.to_string(),
                (_, false) => format!("{nl}{nl}"),
            };
            Edit {
                range: plan.len..plan.len,
                text: format!("{lead}## Decisions{nl}{nl}{entry}").into_bytes(),
            }
        }
    };
    reads_back(plan, src, &edit, line).then_some(edit)
}

/// Whether the plan with `edit` applied has `line` as its last decision and the same tasks.
fn reads_back(plan: &Plan, src: &[u8], edit: &Edit, line: &str) -> bool {
    let Ok(new) = apply(src, std::slice::from_ref(edit)) else {
        return false;
    };
    let after = super::parse(&new);
    let logged = after.decisions.as_ref().and_then(|log| log.entries.last());
    logged.is_some_and(|entry| entry.text == line)
        && after.tasks.len() == plan.tasks.len()
        && after.tasks.iter().zip(&plan.tasks).all(|(a, b)| {
            a.id == b.id
                && a.status == b.status
                && a.title == b.title
                && a.deps
                    .iter()
                    .map(|d| &d.id)
                    .eq(b.deps.iter().map(|d| &d.id))
        })
}

/// The next free ids in the plan's scheme: the prefix most used (ties go to the one used
/// first; `T` in a plan without ids), numbered after the highest number in use, keeping the
/// plan's zero padding. Ids that open nested checkboxes count as used too: people read them
/// as ids even where baton reads an acceptance item.
pub fn next_ids(plan: &Plan, count: usize) -> Vec<String> {
    fn leading_id(text: &str) -> Option<&str> {
        let token = text.split_whitespace().next()?;
        let token = token.strip_suffix([':', '.']).unwrap_or(token);
        super::keys::is_id(token).then_some(token)
    }
    let nested = plan
        .tasks
        .iter()
        .flat_map(|t| &t.acceptance)
        .filter_map(|a| leading_id(&a.text));
    let used: Vec<&str> = plan.ids().chain(nested).collect();
    // (prefix, uses, highest number), in order of first use.
    let mut stats: Vec<(&str, usize, u64)> = Vec::new();
    for id in &used {
        let digits_at = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
        let prefix = &id[..digits_at];
        let number: u64 = id[digits_at..]
            .split('.')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        match stats.iter_mut().find(|s| s.0 == prefix) {
            Some(entry) => {
                entry.1 += 1;
                entry.2 = entry.2.max(number);
            }
            None => stats.push((prefix, 1, number)),
        }
    }
    let mut best: (&str, usize, u64) = ("T", 0, 0);
    for entry in &stats {
        if entry.1 > best.1 {
            best = *entry;
        }
    }
    let (prefix, _, highest) = best;
    // Keep zero padding (`T007`) when the plan uses it.
    let width = used
        .iter()
        .filter_map(|id| id.strip_prefix(prefix))
        .filter(|n| n.len() > 1 && n.starts_with('0'))
        .map(|n| n.len())
        .max()
        .unwrap_or(0);
    let taken: std::collections::HashSet<&str> = used.iter().copied().collect();
    let mut next = highest + 1;
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let id = format!("{prefix}{next:0width$}");
        if !taken.contains(id.as_str()) {
            out.push(id);
        }
        next += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::parse;

    #[test]
    fn done_then_undo_is_identity() {
        let src = b"# P\r\n- [ ] T1 a\r\n- [ ] T2 b\r\n";
        let plan = parse(src);
        let done = apply(
            src,
            &[set_status(&plan, &plan.tasks[1], Status::Done).unwrap()],
        )
        .unwrap();
        assert_eq!(&done, b"# P\r\n- [ ] T1 a\r\n- [x] T2 b\r\n");
        let plan2 = parse(&done);
        let undone = apply(
            &done,
            &[set_status(&plan2, &plan2.tasks[1], Status::Todo).unwrap()],
        )
        .unwrap();
        assert_eq!(undone, src);
    }

    #[test]
    fn decisions_are_appended_in_place_or_created() {
        let src = b"# P\n## Decisions\n- one\n\n## After\n";
        let plan = parse(src);
        let out = apply(src, &[append_decision(&plan, src, "two").unwrap()]).unwrap();
        assert_eq!(out, b"# P\n## Decisions\n- one\n- two\n\n## After\n");
        let src = b"# P\n- [ ] T1 a";
        let plan = parse(src);
        let out = apply(src, &[append_decision(&plan, src, "why").unwrap()]).unwrap();
        assert_eq!(out, b"# P\n- [ ] T1 a\n\n## Decisions\n\n- why\n");
        assert_eq!(parse(&out).decisions.unwrap().entries[0].text, "why");
    }

    #[test]
    fn a_new_decision_never_swallows_the_next_line() {
        for src in [
            "## Decisions\n- one\n  ```\n  x\n  ```\nnote\n",
            "## Decisions\n- one\n\n  ```\n  x\n  ```\n  -\n",
        ] {
            let plan = parse(src.as_bytes());
            let edit = append_decision(&plan, src.as_bytes(), "two").unwrap();
            let out = apply(src.as_bytes(), &[edit]).unwrap();
            let after = parse(&out);
            let entries: Vec<&str> = after
                .decisions
                .as_ref()
                .unwrap()
                .entries
                .iter()
                .map(|e| e.text.as_str())
                .collect();
            assert_eq!(entries, ["one", "two"], "{}", String::from_utf8_lossy(&out));
        }
    }

    #[test]
    fn no_decision_where_it_would_not_read_back() {
        for src in [
            "# P\n- [ ] T1 a\n\n```\nunclosed fence\n",
            "## Decisions\n<!--\n- [ ] T1 a\n",
        ] {
            let plan = parse(src.as_bytes());
            assert_eq!(append_decision(&plan, src.as_bytes(), "why"), None, "{src}");
        }
    }

    #[test]
    fn ids_follow_the_scheme() {
        let plan = parse(b"- [ ] T001 a\n- [ ] T002 b\n- [ ] c\n");
        assert_eq!(next_ids(&plan, 2), ["T003", "T004"]);
        let plan = parse(b"- [ ] T1 a\n- [ ] c\n");
        let out = apply(b"- [ ] T1 a\n- [ ] c\n", &[insert_id(&plan.tasks[1], "T2")]).unwrap();
        assert_eq!(out, b"- [ ] T1 a\n- [ ] T2 c\n");
        assert_eq!(next_ids(&parse(b"- [ ] a\n"), 1), ["T1"]);
        // A nested `T1` under a task without an id is an acceptance item, but its id is taken.
        assert_eq!(
            next_ids(&parse(b"- [ ] Parent\n  - [ ] T1 child\n"), 1),
            ["T2"]
        );
        // Ties go to the prefix used first.
        assert_eq!(
            next_ids(&parse(b"- [ ] B1 a\n- [ ] A7 b\n- [ ] c\n"), 1),
            ["B2"]
        );
        let plan = parse(b"- [ ]* c\n");
        let out = apply(b"- [ ]* c\n", &[insert_id(&plan.tasks[0], "T1")]).unwrap();
        assert_eq!(out, b"- [ ]* T1 c\n");
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let edits = [
            Edit {
                range: 0..2,
                text: vec![],
            },
            Edit {
                range: 1..3,
                text: vec![],
            },
        ];
        assert_eq!(apply(b"abcd", &edits), Err(EditError::Overlap(1)));
        assert!(
            apply(
                b"ab",
                &[Edit {
                    range: 1..5,
                    text: vec![]
                }]
            )
            .is_err()
        );
    }
}
