//! Parse arbitrary bytes, edit them the way `done`, `undo`, `decide` and id assignment do,
//! and check that the editor changed only the bytes it meant to.
//!
//! 1. `parse` never panics; every `status_span` is the mark byte of a `[m]` checkbox; reading
//!    the text in stretches on several threads gives the same plan as reading it in one piece;
//!    the line scanner and pulldown-cmark alone give the same plan.
//! 2. Toggle every task (todo -> done, anything else -> todo): only checkbox bytes change,
//!    and re-parsing gives the same tasks, ids and the toggled statuses.
//! 3. Give every task without an id a fresh id (`next_ids` + `insert_id`) and append a
//!    decision: every byte outside the inserted text is unchanged, and re-parsing gives the
//!    same tasks with the old ids plus the new ones.
#![no_main]

use baton::plan::edit::{self, Edit};
use baton::plan::parse::{Blocks, Split, parse_with, parse_with_blocks};
use baton::plan::{self, Plan, Status, keys};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| check(data));

fn check(src: &[u8]) {
    let plan = plan::parse(src);
    assert_eq!(plan.len, src.len());
    check_stretches(src, &plan);
    check_line_scanner(src, &plan);
    check_status_spans(src, &plan);
    toggle_every_task(src, &plan);
    insert_ids_and_decide(src, &plan);
}

/// Read in stretches cut at every sound split point (however close) or every 64 bytes, on
/// several threads, the plan is the one read in one piece.
fn check_stretches(src: &[u8], plan: &Plan) {
    for stride in [1, 64] {
        let stretched = parse_with(src, Split::Every(stride));
        assert!(*plan == stretched, "stretches of {stride} bytes read differently");
    }
}

/// Wherever the line scanner reads a stretch, it reads it as pulldown-cmark does.
fn check_line_scanner(src: &[u8], plan: &Plan) {
    let pulldown = parse_with_blocks(src, Split::Never, Blocks::Pulldown);
    assert!(*plan == pulldown, "the line scanner reads differently");
}

fn check_status_spans(src: &[u8], plan: &Plan) {
    for task in &plan.tasks {
        let s = task.status_span;
        assert_eq!(
            s.end,
            s.start + 1,
            "status span of {} is one byte",
            task.display_id()
        );
        assert!(
            s.start >= 1 && s.end < src.len(),
            "status span {s:?} out of bounds"
        );
        assert_eq!(
            src[s.start - 1],
            b'[',
            "byte before the mark at {}",
            s.start
        );
        assert_eq!(src[s.end], b']', "byte after the mark at {}", s.start);
        assert_eq!(
            Status::from_mark(src[s.start]),
            Some(task.status),
            "mark at {}",
            s.start
        );
    }
}

fn toggle_every_task(src: &[u8], plan: &Plan) {
    let toggled = |s: Status| {
        if s == Status::Todo {
            Status::Done
        } else {
            Status::Todo
        }
    };
    let edits: Vec<Edit> = plan
        .tasks
        .iter()
        .map(|t| edit::set_status(plan, t, toggled(t.status)).expect("status changes"))
        .collect();
    let out = edit::apply(src, &edits).expect("checkbox edits never overlap");
    assert_eq!(out.len(), src.len(), "toggling changed the length");
    let marks: Vec<usize> = plan.tasks.iter().map(|t| t.status_span.start).collect();
    for (i, (a, b)) in src.iter().zip(&out).enumerate() {
        if a != b {
            assert!(
                marks.binary_search(&i).is_ok(),
                "byte {i} changed and is no checkbox"
            );
        }
    }

    let after = plan::parse(&out);
    assert_eq!(
        after.tasks.len(),
        plan.tasks.len(),
        "toggling changed the task count"
    );
    for (old, new) in plan.tasks.iter().zip(&after.tasks) {
        assert_eq!(old.id, new.id, "toggling changed an id");
        assert_eq!(old.status_span, new.status_span, "toggling moved a task");
        assert_eq!(
            new.status,
            toggled(old.status),
            "status of {}",
            old.display_id()
        );
    }

    // And back: the original bytes, exactly, when every done task was written in the style
    // that `set_status` writes (a plan mixing `x` and `X` gets one of them back).
    let undo: Vec<Edit> = after
        .tasks
        .iter()
        .filter_map(|t| edit::set_status(&after, t, plan.tasks[t.index].status))
        .collect();
    let back = edit::apply(&out, &undo).expect("checkbox edits never overlap");
    let x = if after.prefers_upper_x { b'X' } else { b'x' };
    let one_style = plan
        .tasks
        .iter()
        .filter(|t| t.status == Status::Done)
        .all(|t| src[t.status_span.start] == x);
    if one_style {
        assert!(
            back == src,
            "toggling twice did not give back the original bytes"
        );
    }
}

fn insert_ids_and_decide(src: &[u8], plan: &Plan) {
    // Known behaviour, not re-reported here: a nested checkbox that starts with an id is an
    // acceptance item under a task with no id, and a sub-task once the parent gets one.
    let nested_ids = |t: &plan::Task| {
        t.acceptance.iter().any(|a| {
            let token = a.text.split_whitespace().next().unwrap_or("");
            keys::is_id(token.trim_end_matches([':', '.']))
        })
    };
    let targets: Vec<usize> = plan
        .tasks
        .iter()
        .filter(|t| t.id.is_none() && !nested_ids(t))
        .map(|t| t.index)
        .collect();
    let fresh = edit::next_ids(plan, targets.len());
    assert_eq!(fresh.len(), targets.len());
    let mut want: Vec<Option<String>> = plan.tasks.iter().map(|t| t.id.clone()).collect();
    let mut edits = Vec::new();
    for (&i, id) in targets.iter().zip(&fresh) {
        assert!(
            plan.task(id).is_none(),
            "next_ids gave {id}, which is taken"
        );
        edits.push(edit::insert_id(&plan.tasks[i], id));
        want[i] = Some(id.clone());
    }
    // Last: at a shared offset (a task on the last line) the id goes in first.
    // No decision where none reads back safely (append_decision checks that itself).
    let Some(decision) = edit::append_decision(plan, src, "2026-01-21 fuzz: a decision") else {
        return;
    };
    edits.push(decision);
    let nl = plan.line_ending.as_str().as_bytes();
    let decision = &edits[edits.len() - 1].text;
    for (i, &b) in decision.iter().enumerate() {
        if b == b'\n' {
            assert!(
                decision[..=i].ends_with(nl),
                "inserted line ending is not the file's"
            );
        }
    }

    let out = edit::apply(src, &edits).expect("insertions never overlap");
    // Every original byte is still there, in order, with exactly the inserted text between.
    let mut at_src = 0;
    let mut at_out = 0;
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    for e in sorted {
        assert!(e.range.is_empty(), "an insertion replaced bytes");
        let keep = &src[at_src..e.range.start];
        assert!(
            out[at_out..at_out + keep.len()] == *keep,
            "bytes before {} changed",
            e.range.start
        );
        at_out += keep.len();
        assert!(out[at_out..at_out + e.text.len()] == e.text[..]);
        at_out += e.text.len();
        at_src = e.range.start;
    }
    assert!(
        out[at_out..] == src[at_src..],
        "bytes after the last insertion changed"
    );

    let after = plan::parse(&out);
    assert_eq!(
        after.tasks.len(),
        plan.tasks.len(),
        "inserting ids and a decision changed the task count"
    );
    for (i, task) in after.tasks.iter().enumerate() {
        assert_eq!(task.id, want[i], "id of task {i}");
        assert_eq!(task.status, plan.tasks[i].status, "status of task {i}");
    }
}
