use super::*;
use crate::plan::parse;

fn add(src: &str, phase: Option<&str>, new: &NewTask<'_>) -> Result<(String, String), InsertError> {
    let plan = parse(src.as_bytes());
    let phase = match phase {
        Some(p) => find_phase(&plan, p)?,
        None => default_phase(&plan, None)?,
    };
    let id = next_id(&plan, phase);
    let ins = insert(&plan, src.as_bytes(), phase, &id, new)?;
    let out = edit::apply(src.as_bytes(), &[ins.edit]).unwrap();
    Ok((id, String::from_utf8(out).unwrap()))
}

fn titled(title: &str) -> NewTask<'_> {
    NewTask {
        title,
        ..NewTask::default()
    }
}

#[test]
fn ids_follow_the_phase_scheme() {
    let plan = parse(b"## Phase 1\n- [ ] T1 a\n- [ ] T12 b\n## Phase 2\n- [ ] T3 c\n");
    assert_eq!(next_id(&plan, 0), "T13");
    assert_eq!(next_id(&plan, 1), "T13");
    let plan = parse(b"- [ ] T001 a\n- [ ] T009 b\n");
    assert_eq!(next_id(&plan, 0), "T010");
    let plan = parse(b"## Phase 1\n- [ ] 1.1 a\n## Phase 2\n- [ ] 2.1 b\n- [ ] 2.3 c\n");
    assert_eq!(next_id(&plan, 0), "1.2");
    assert_eq!(next_id(&plan, 1), "2.4");
    let plan = parse(b"- [ ] 1. a\n- [ ] 1.1 b\n- [ ] 2. c\n");
    assert_eq!(next_id(&plan, 0), "3");
    let plan = parse(b"## Phase 1\n- [ ] AUTH-3 a\n- [ ] T9 b\n- [ ] AUTH-7 c\n");
    assert_eq!(next_id(&plan, 0), "AUTH-8");
    assert_eq!(next_id(&parse(b"- [ ] a\n- [ ] b\n"), 0), "T1");
    // A nested id counts as taken.
    let plan = parse(b"- [ ] T1 a\n- [ ] Parent\n  - [ ] T2 child\n");
    assert_eq!(next_id(&plan, 0), "T3");
}

#[test]
fn phases_by_number_position_and_name() {
    let plan = parse(
        b"# P\n## Phase 1: Setup\n- [ ] T1 a\n## Phase 3: Features\n- [ ] T2 b\n## Docs\n- [ ] T3 c\n",
    );
    assert_eq!(find_phase(&plan, "3"), Ok(1));
    assert_eq!(find_phase(&plan, "1"), Ok(0));
    assert_eq!(find_phase(&plan, "features"), Ok(1));
    assert_eq!(find_phase(&plan, "Phase 1: Setup"), Ok(0));
    assert_eq!(find_phase(&plan, "feat"), Ok(1));
    assert_eq!(
        find_phase(&plan, "9"),
        Err(InsertError::UnknownPhase("9".into()))
    );
    assert!(matches!(
        find_phase(&plan, "e"),
        Err(InsertError::AmbiguousPhase(..))
    ));
    let plan = parse(b"## Phase 1\n- [x] T1 a\n## Phase 2\n- [ ] T2 b\n");
    assert_eq!(default_phase(&plan, None), Ok(1));
    assert_eq!(default_phase(&plan, plan.task("T1")), Ok(0));
    let plan = parse(b"## Phase 1\n- [x] T1 a\n## Phase 2\n- [x] T2 b\n");
    assert_eq!(default_phase(&plan, None), Ok(1));
    assert_eq!(
        default_phase(&parse(b"# Empty\n"), None),
        Err(InsertError::NoPhase)
    );
}

#[test]
fn goes_after_the_last_task_and_its_nested_lines() {
    let src = "# P\n\n## Phase 1\n- [ ] T1 a\n  - files: `a/**`\n  - [ ] T1a sub\n    more\n\n## Phase 2\n- [ ] T2 b\n";
    let new = NewTask {
        title: "found it",
        files: &["src/x/**".to_string()],
        after: &["T1".to_string()],
        verify: &["cargo test x".to_string()],
        discovered_from: Some("T1"),
    };
    let (id, out) = add(src, Some("1"), &new).unwrap();
    assert_eq!(id, "T3");
    assert_eq!(
        out,
        "# P\n\n## Phase 1\n- [ ] T1 a\n  - files: `a/**`\n  - [ ] T1a sub\n    more\n- [ ] T3 found it\n  - after: T1\n  - files: `src/x/**`\n  - verify: `cargo test x`\n  - discovered-from: T1\n\n## Phase 2\n- [ ] T2 b\n"
    );
}

#[test]
fn writes_in_the_neighbours_style() {
    // Bold, capitalised keys, plain globs, a `:` after ids, CRLF.
    let src = "## Phase 1\r\n* [ ] T1: a\r\n    * **Depends**: T0\r\n    * **Files**: src/a.rs\r\n* [ ] T0: z\r\n";
    let new = NewTask {
        title: "b",
        files: &["src/b.rs".to_string()],
        after: &["T1".to_string()],
        discovered_from: Some("T1"),
        ..NewTask::default()
    };
    let (_, out) = add(src, None, &new).unwrap();
    assert!(
        out.ends_with("* [ ] T0: z\r\n* [ ] T2: b\r\n    * **Depends**: T1\r\n    * **Files**: src/b.rs\r\n    * **Discovered-from**: T1\r\n"),
        "{out}"
    );
    // Inline keys.
    let src = "## Phase 1\n- [ ] T1 a — files: src/a/**\n";
    let new = NewTask {
        title: "b",
        files: &["src/b/**".to_string()],
        ..NewTask::default()
    };
    let (_, out) = add(src, None, &new).unwrap();
    assert_eq!(
        out,
        "## Phase 1\n- [ ] T1 a — files: src/a/**\n- [ ] T2 b — files: `src/b/**`\n"
    );
    // Kiro: dotted ids, `_Key: value_`, no final newline.
    let src = "- [ ] 1. Storage\n- [ ] 1.1 Schema\n  - _Requirements: 2.1_";
    let new = NewTask {
        title: "Index",
        after: &["1.1".to_string()],
        ..NewTask::default()
    };
    let (id, out) = add(src, None, &new).unwrap();
    assert_eq!(id, "1.2");
    assert_eq!(
        out,
        "- [ ] 1. Storage\n- [ ] 1.1 Schema\n  - _Requirements: 2.1_\n- [ ] 1.2 Index\n  - _After: 1.1_\n"
    );
    // Ordered lists and block quotes.
    let src = "> 1. [ ] T1 a\n>    - files: a\n\nafter\n";
    let (_, out) = add(src, None, &titled("b")).unwrap();
    assert_eq!(
        out,
        "> 1. [ ] T1 a\n>    - files: a\n> 2. [ ] T2 b\n\nafter\n"
    );
}

#[test]
fn a_title_that_would_read_differently_falls_back_or_is_refused() {
    // A command with a `;` cannot stand inline: the sub-item form is used instead.
    let src = "## Phase 1\n- [ ] T1 a — files: src/a/**\n";
    let new = NewTask {
        title: "b",
        verify: &["make a; make b".to_string()],
        ..NewTask::default()
    };
    let (_, out) = add(src, None, &new).unwrap();
    assert!(
        out.ends_with("- [ ] T2 b\n  - verify: `make a; make b`\n"),
        "{out}"
    );
    // `[P]` would read as a marker, not as part of the title.
    assert!(matches!(
        add("- [ ] T1 a\n", None, &titled("[P] x")),
        Err(InsertError::NoSafePlace(1))
    ));
    // A lazy continuation line belongs to the task above: the new task goes after it.
    let (_, out) = add("- [ ] T1 a\nlazy\n", None, &titled("b")).unwrap();
    assert_eq!(out, "- [ ] T1 a\nlazy\n- [ ] T2 b\n");
}

#[test]
fn lint_accepts_discovered_from() {
    let src = "# P\n## Phase 1\n- [ ] T1 a\n- [ ] T2 b\n  - discovered-from: T1\n";
    assert!(crate::lint::lint(&parse(src.as_bytes())).is_empty());
}

#[test]
fn code_spans_fence_backticks() {
    assert_eq!(code_span("a"), "`a`");
    assert_eq!(code_span("echo `x`"), "`` echo `x` ``");
}

mod props {
    use proptest::prelude::*;

    use super::*;
    use crate::plan::proptests::{config, plan_gen, render as render_plan};

    proptest! {
        #![proptest_config(config())]

        /// Inserting into any plan with a phase keeps every existing byte: the new file is
        /// the old one with the inserted text at one place, which starts at a line start
        /// (or after a line ending it adds), ends with a line ending, and holds the new task.
        #[test]
        fn insertion_keeps_every_existing_line(
            g in plan_gen(),
            pick in any::<prop::sample::Index>(),
            title in "[a-z]{1,8}( [a-z]{1,8}){0,3}",
            with_keys in any::<bool>(),
        ) {
            let src = render_plan(&g).bytes;
            let plan = parse(&src);
            prop_assume!(!plan.phases.is_empty());
            let phase = pick.index(plan.phases.len());
            let id = next_id(&plan, phase);
            prop_assert!(plan.task(&id).is_none(), "next_id gave a taken id {}", id);
            let files = ["src/new/**".to_string()];
            let new = NewTask {
                title: &title,
                files: if with_keys { &files } else { &[] },
                discovered_from: plan.ids().next().filter(|_| with_keys),
                ..NewTask::default()
            };
            let Ok(ins) = insert(&plan, &src, phase, &id, &new) else {
                return Ok(());
            };
            let at = ins.edit.range.start;
            prop_assert_eq!(ins.edit.range.len(), 0);
            prop_assert!(at == 0 || src[at - 1] == b'\n' || at == src.len());
            let out = edit::apply(&src, std::slice::from_ref(&ins.edit)).unwrap();
            prop_assert_eq!(&out[..at], &src[..at]);
            prop_assert_eq!(&out[at + ins.edit.text.len()..], &src[at..]);
            let nl = plan.line_ending.as_str().as_bytes();
            prop_assert!(ins.edit.text.ends_with(nl));
            let again = parse(&out);
            prop_assert_eq!(again.tasks.len(), plan.tasks.len() + 1);
            let added = again.task(&id).unwrap();
            prop_assert_eq!(added.phase, phase);
            prop_assert_eq!(&added.title, &title);
        }
    }
}
