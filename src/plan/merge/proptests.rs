//! Property tests: two sides make random edits that do not conflict (ticks, unticks, other
//! marks, tasks added anywhere, decisions logged on random days) on a random plan; the merge
//! holds all of them, in either order, with no conflict, and equals the plan written with
//! both sides' edits, byte for byte, so nothing outside the changed lines moved. Arbitrary
//! bytes never panic.

use proptest::prelude::*;

use super::{Options, merge};

const MARKS: [u8; 4] = [b' ', b'x', b'~', b'-'];

#[derive(Debug, Clone)]
struct Side {
    /// A new mark for some tasks.
    marks: Vec<Option<u8>>,
    /// How many tasks this side adds after each task.
    adds: Vec<usize>,
    /// The days of the decisions it logs, in order.
    days: Vec<u8>,
}

#[derive(Debug, Clone)]
struct Case {
    crlf: bool,
    /// Each task's mark in the base, and whether it has a `files:` line.
    tasks: Vec<(u8, bool)>,
    ours: Side,
    theirs: Side,
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..12).prop_flat_map(|n| {
        let task = (0..4usize, any::<bool>()).prop_map(|(m, f)| (MARKS[m], f));
        // Per task: who changes it (nobody, ours, theirs, both the same) and to what.
        let change = (0..4u8, 1..4usize);
        let adds = prop::collection::vec(prop_oneof![4 => Just(0usize), 1 => 1..3usize], n);
        let days = || {
            prop::collection::vec(1u8..28, 0..4).prop_map(|mut d| {
                d.sort();
                d
            })
        };
        (
            any::<bool>(),
            prop::collection::vec(task, n),
            prop::collection::vec(change, n),
            adds.clone(),
            adds,
            days(),
            days(),
        )
            .prop_map(|(crlf, tasks, changes, adds_a, adds_b, days_a, days_b)| {
                let mut ours = vec![None; tasks.len()];
                let mut theirs = vec![None; tasks.len()];
                for (i, (who, step)) in changes.into_iter().enumerate() {
                    let base = MARKS.iter().position(|&m| m == tasks[i].0).unwrap_or(0);
                    let new = MARKS[(base + step) % MARKS.len()];
                    if who & 1 != 0 {
                        ours[i] = Some(new);
                    }
                    if who & 2 != 0 {
                        theirs[i] = Some(new);
                    }
                }
                Case {
                    crlf,
                    tasks,
                    ours: Side {
                        marks: ours,
                        adds: adds_a,
                        days: days_a,
                    },
                    theirs: Side {
                        marks: theirs,
                        adds: adds_b,
                        days: days_b,
                    },
                }
            })
    })
}

/// A plan: the tasks with these marks, the added tasks after each task (lines), decisions.
fn render(case: &Case, marks: &[u8], added: &[Vec<String>], decisions: &[String]) -> Vec<u8> {
    let mut out = String::from("# Plan\n\n## Overview\n\nSome words.\n\n## Phase 1: All\n\n");
    for (i, &(_, files)) in case.tasks.iter().enumerate() {
        out.push_str(&format!("- [{}] T{i} Task {i}\n", marks[i] as char));
        if files {
            out.push_str(&format!("  - files: src/t{i}.rs\n"));
        }
        for line in &added[i] {
            out.push_str(line);
        }
    }
    out.push_str("\n## Decisions\n\n- 2026-01-01: the base decision\n");
    for line in decisions {
        out.push_str(line);
    }
    if case.crlf {
        out = out.replace('\n', "\r\n");
    }
    out.into_bytes()
}

fn added(side: &Side, name: &str) -> Vec<Vec<String>> {
    side.adds
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            (0..n)
                .map(|k| format!("- [ ] {name}{i}x{k} Added by {name}\n"))
                .collect()
        })
        .collect()
}

fn decisions(side: &Side, name: &str) -> Vec<(u8, String)> {
    side.days
        .iter()
        .enumerate()
        .map(|(k, &d)| (d, format!("- 2026-02-{d:02}: {name} decided {k}\n")))
        .collect()
}

fn version(case: &Case, side: &Side, name: &str) -> Vec<u8> {
    let base: Vec<u8> = case.tasks.iter().map(|t| t.0).collect();
    let marks: Vec<u8> = base
        .iter()
        .zip(&side.marks)
        .map(|(&b, m)| m.unwrap_or(b))
        .collect();
    let logged: Vec<String> = decisions(side, name).into_iter().map(|d| d.1).collect();
    render(case, &marks, &added(side, name), &logged)
}

/// Both sides' edits: their marks, ours' added tasks before theirs, decisions by day (ours
/// first on the same day).
fn expected(case: &Case, first: (&Side, &str), second: (&Side, &str)) -> Vec<u8> {
    let marks: Vec<u8> = case
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| first.0.marks[i].or(second.0.marks[i]).unwrap_or(t.0))
        .collect();
    let added: Vec<Vec<String>> = added(first.0, first.1)
        .into_iter()
        .zip(added(second.0, second.1))
        .map(|(mut a, b)| {
            a.extend(b);
            a
        })
        .collect();
    let mut logged: Vec<(u8, usize, String)> = decisions(first.0, first.1)
        .into_iter()
        .map(|(d, l)| (d, 0, l))
        .chain(
            decisions(second.0, second.1)
                .into_iter()
                .map(|(d, l)| (d, 1, l)),
        )
        .collect();
    logged.sort_by_key(|(d, side, _)| (*d, *side));
    let logged: Vec<String> = logged.into_iter().map(|x| x.2).collect();
    render(case, &marks, &added, &logged)
}

proptest! {
    #[test]
    fn non_conflicting_edits_merge_to_both(case in case()) {
        let base_marks: Vec<u8> = case.tasks.iter().map(|t| t.0).collect();
        let none: Vec<Vec<String>> = vec![Vec::new(); case.tasks.len()];
        let base = render(&case, &base_marks, &none, &[]);
        let ours = version(&case, &case.ours, "A");
        let theirs = version(&case, &case.theirs, "B");
        let merged = merge(&base, &ours, &theirs, &Options::default());
        prop_assert_eq!(&merged.conflicts, &Vec::<usize>::new(), "{}", String::from_utf8_lossy(&merged.bytes));
        let want = expected(&case, (&case.ours, "A"), (&case.theirs, "B"));
        prop_assert_eq!(String::from_utf8_lossy(&merged.bytes), String::from_utf8_lossy(&want));
        let flipped = merge(&base, &theirs, &ours, &Options::default());
        prop_assert!(flipped.conflicts.is_empty());
        let want = expected(&case, (&case.theirs, "B"), (&case.ours, "A"));
        prop_assert_eq!(String::from_utf8_lossy(&flipped.bytes), String::from_utf8_lossy(&want));
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        base in prop::collection::vec(any::<u8>(), 0..200),
        ours in prop::collection::vec(any::<u8>(), 0..200),
        theirs in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let merged = merge(&base, &ours, &theirs, &Options::default());
        // Merging a file with itself changes nothing.
        let same = merge(&base, &ours, &ours, &Options::default());
        prop_assert_eq!(same.bytes, ours.clone());
        let one_sided = merge(&base, &base, &theirs, &Options::default());
        prop_assert_eq!(one_sided.bytes, theirs.clone());
        prop_assert!(merged.conflicts.len() <= base.len() + ours.len() + theirs.len() + 1);
    }
}
