use super::*;

fn run(base: &str, ours: &str, theirs: &str) -> (String, usize) {
    let merged = merge(
        base.as_bytes(),
        ours.as_bytes(),
        theirs.as_bytes(),
        &Options::default(),
    );
    (
        String::from_utf8(merged.bytes).expect("utf-8"),
        merged.conflicts.len(),
    )
}

#[track_caller]
fn clean(base: &str, ours: &str, theirs: &str) -> String {
    let (text, conflicts) = run(base, ours, theirs);
    assert_eq!(conflicts, 0, "{text}");
    // Either order gives the same plan.
    let (flipped, conflicts) = run(base, theirs, ours);
    assert_eq!(conflicts, 0, "{flipped}");
    assert_eq!(
        crate::plan::parse(text.as_bytes()).tasks.len(),
        crate::plan::parse(flipped.as_bytes()).tasks.len()
    );
    text
}

const PLAN: &str = "# P\n\n## Phase 1\n\n- [ ] T1 one\n- [ ] T2 two\n- [ ] T3 three\n  - files: a.rs\n- [x] T4 four\n\n## Decisions\n\n- 2026-01-01: start\n";

#[test]
fn ticks_on_adjacent_tasks_both_land() {
    let ours = PLAN.replace("[ ] T1", "[x] T1");
    let theirs = PLAN.replace("[ ] T2", "[x] T2");
    let out = clean(PLAN, &ours, &theirs);
    assert_eq!(
        out,
        PLAN.replace("[ ] T1", "[x] T1").replace("[ ] T2", "[x] T2")
    );
}

#[test]
fn the_same_tick_on_both_sides_is_kept_once_and_an_untick_survives() {
    let ours = PLAN.replace("[ ] T1", "[x] T1").replace("[x] T4", "[ ] T4");
    let theirs = PLAN.replace("[ ] T1", "[X] T1");
    let out = clean(PLAN, &ours, &theirs);
    assert!(out.contains("- [x] T1 one\n"), "{out}");
    assert!(out.contains("- [ ] T4 four\n"), "{out}");
}

#[test]
fn decisions_from_both_sides_are_kept_in_date_order() {
    let ours = format!("{PLAN}- 2026-01-05 T1: ours later\n");
    let theirs = format!("{PLAN}- 2026-01-03 T2: theirs earlier\n- 2026-01-07: theirs last\n");
    let out = clean(PLAN, &ours, &theirs);
    assert!(
        out.ends_with(
            "- 2026-01-01: start\n- 2026-01-03 T2: theirs earlier\n- 2026-01-05 T1: ours later\n- 2026-01-07: theirs last\n"
        ),
        "{out}"
    );
    // A decision both logged is kept once.
    let both = format!("{PLAN}- 2026-01-05 T1: same\n");
    assert_eq!(clean(PLAN, &both, &both), both);
    let more = format!("{PLAN}- 2026-01-05 T1: same\n- 2026-01-06: more\n");
    assert_eq!(clean(PLAN, &both, &more), more);
}

#[test]
fn tasks_added_at_the_same_place_are_both_kept() {
    let ours = PLAN.replace(
        "- [x] T4 four\n",
        "- [x] T4 four\n- [ ] T5 ours\n  - files: o.rs\n",
    );
    let theirs = PLAN.replace("- [x] T4 four\n", "- [x] T4 four\n- [ ] T6 theirs\n");
    let out = clean(PLAN, &ours, &theirs);
    assert!(
        out.contains(
            "- [x] T4 four\n- [ ] T5 ours\n  - files: o.rs\n- [ ] T6 theirs\n\n## Decisions"
        ),
        "{out}"
    );
}

#[test]
fn a_tick_follows_a_task_the_other_side_reworded() {
    let ours = PLAN.replace("[ ] T3", "[x] T3");
    let theirs = PLAN.replace("T3 three", "T3 three, reworded");
    let out = clean(PLAN, &ours, &theirs);
    assert!(out.contains("- [x] T3 three, reworded\n"), "{out}");
}

#[test]
fn rewording_one_task_two_ways_conflicts_on_that_line_only() {
    let ours = PLAN
        .replace("T2 two", "T2 ours")
        .replace("[ ] T1", "[x] T1");
    let theirs = PLAN
        .replace("T2 two", "T2 theirs")
        .replace("[ ] T3", "[x] T3");
    let (out, conflicts) = run(PLAN, &ours, &theirs);
    assert_eq!(conflicts, 1);
    assert!(
        out.contains(
            "- [x] T1 one\n<<<<<<< ours\n- [ ] T2 ours\n=======\n- [ ] T2 theirs\n>>>>>>> theirs\n- [x] T3 three\n"
        ),
        "{out}"
    );
}

#[test]
fn done_against_skipped_is_a_conflict() {
    let ours = PLAN.replace("[ ] T2", "[x] T2");
    let theirs = PLAN.replace("[ ] T2", "[-] T2");
    let (out, conflicts) = run(PLAN, &ours, &theirs);
    assert_eq!(conflicts, 1, "{out}");
    assert!(out.contains("<<<<<<< ours\n- [x] T2 two\n=======\n- [-] T2 two\n>>>>>>> theirs\n"));
}

#[test]
fn a_task_deleted_on_one_side_and_ticked_on_the_other_conflicts() {
    let ours = PLAN.replace("- [ ] T1 one\n", "");
    let theirs = PLAN.replace("[ ] T1", "[x] T1");
    let (out, conflicts) = run(PLAN, &ours, &theirs);
    assert_eq!(conflicts, 1, "{out}");
    assert!(
        out.contains("<<<<<<< ours\n=======\n- [x] T1 one\n>>>>>>> theirs\n"),
        "{out}"
    );
}

#[test]
fn crlf_and_labels_and_marker_size_are_kept() {
    let base = PLAN.replace('\n', "\r\n");
    let ours = base.replace("T2 two", "T2 ours");
    let theirs = base.replace("T2 two", "T2 theirs");
    let merged = merge(
        base.as_bytes(),
        ours.as_bytes(),
        theirs.as_bytes(),
        &Options {
            ours_label: "HEAD",
            theirs_label: "feature",
            marker_size: 9,
        },
    );
    let text = String::from_utf8(merged.bytes).unwrap();
    assert_eq!(merged.conflicts, vec![6]);
    assert!(text.contains("<<<<<<<<< HEAD\r\n- [ ] T2 ours\r\n=========\r\n- [ ] T2 theirs\r\n>>>>>>>>> feature\r\n"), "{text}");
}

#[test]
fn text_that_is_not_a_plan_is_merged_as_text() {
    let base = "a\nb\nc\nd\n";
    assert_eq!(rules_for(base.as_bytes(), b"", b""), Rules::Text);
    assert_eq!(clean(base, "A\nb\nc\nd\n", "a\nb\nc\nD\n"), "A\nb\nc\nD\n");
    // Adjacent changes are both taken.
    assert_eq!(clean(base, "A\nb\nc\nd\n", "a\nB\nc\nd\n"), "A\nB\nc\nd\n");
    let (out, conflicts) = run(base, "a\nX\nc\nd\n", "a\nY\nc\nd\n");
    assert_eq!(conflicts, 1);
    assert_eq!(
        out,
        "a\n<<<<<<< ours\nX\n=======\nY\n>>>>>>> theirs\nc\nd\n"
    );
    // Two list items added at one place are a conflict in plain text.
    let (_, conflicts) = run(base, "a\nb\nc\nd\n- x\n", "a\nb\nc\nd\n- y\n");
    assert_eq!(conflicts, 1);
}

#[test]
fn odd_inputs_never_panic_and_keep_their_bytes() {
    let cases: [(&[u8], &[u8], &[u8]); 6] = [
        (b"", b"", b""),
        (b"", b"- [ ] T1 a", b""),
        (b"", b"- [ ] T1 a", b"- [ ] T2 b"),
        (
            b"\xff\xfe- [ ] T1 a\n",
            b"\xff\xfe- [x] T1 a\n",
            b"\xff\xfe- [ ] T1 a\n\xc3",
        ),
        (b"- [ ] T1 a", b"- [x] T1 a", b"- [ ] T1 a\n- [ ] T2 b"),
        (b"\r\n\r\n", b"\n", b"\r"),
    ];
    for (base, ours, theirs) in cases {
        let merged = merge(base, ours, theirs, &Options::default());
        assert!(!merged.bytes.is_empty() || ours.is_empty() && theirs.is_empty());
    }
    let merged = merge(cases[3].0, cases[3].1, cases[3].2, &Options::default());
    assert_eq!(merged.bytes, b"\xff\xfe- [x] T1 a\n\xc3");
    let merged = merge(b"", b"- [ ] T1 a", b"- [ ] T2 b", &Options::default());
    assert_eq!(merged.bytes, b"- [ ] T1 a\n- [ ] T2 b");
}

#[test]
fn a_decisions_section_both_sides_created_is_one_section() {
    let base = "# P\n- [ ] T1 a\n";
    let ours = format!("{base}\n## Decisions\n\n- 2026-01-22: ours\n");
    let theirs = format!("{base}\n## Decisions\n\n- 2026-01-21: theirs\n");
    let out = clean(base, &ours, &theirs);
    assert_eq!(
        out,
        format!("{base}\n## Decisions\n\n- 2026-01-21: theirs\n- 2026-01-22: ours\n")
    );
    let plan = crate::plan::parse(out.as_bytes());
    assert_eq!(plan.decisions.expect("decisions").entries.len(), 2);
}

#[test]
fn text_rules_can_be_forced_on_a_plan() {
    let ours = PLAN.replace("[ ] T1", "[x] T1");
    let theirs = PLAN.replace("[ ] T2", "[x] T2");
    let merged = merge_with(
        PLAN.as_bytes(),
        ours.as_bytes(),
        theirs.as_bytes(),
        Some(Rules::Text),
        &Options::default(),
    );
    // Adjacent lines: both taken under the plain rules too.
    assert!(merged.conflicts.is_empty());
    let both = format!("{PLAN}- 2026-01-05: x\n");
    let other = format!("{PLAN}- 2026-01-06: y\n");
    let merged = merge_with(
        PLAN.as_bytes(),
        both.as_bytes(),
        other.as_bytes(),
        Some(Rules::Text),
        &Options::default(),
    );
    assert_eq!(merged.conflicts.len(), 1);
}
