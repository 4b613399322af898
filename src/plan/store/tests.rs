//! The store's unit tests: updates, editors saving meanwhile, reads, temp files, checks.

use super::*;
use crate::plan::{Status, edit::set_status};

#[test]
fn update_writes_only_the_checkbox() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.md");
    fs::write(&path, "# P\n- [ ] T1 a\n- [ ] T2 b\n").unwrap();
    let result = update(&path, |snap| {
        let plan = snap.plan();
        let task = plan.task("T2").unwrap();
        Ok::<_, StoreError>((
            set_status(plan, task, Status::Done).into_iter().collect(),
            (),
        ))
    })
    .unwrap();
    assert!(result.wrote);
    // The lock is held until the result is dropped.
    drop(result);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "# P\n- [ ] T1 a\n- [x] T2 b\n"
    );
    let again = update(&path, |snap| {
        let plan = snap.plan();
        let task = plan.task("T2").unwrap();
        Ok::<_, StoreError>((
            set_status(plan, task, Status::Done).into_iter().collect(),
            (),
        ))
    })
    .unwrap();
    assert!(!again.wrote);
}

/// An editor that saves the plan (by rename, or in place) while baton decides: baton
/// notices, starts over from the editor's bytes, and keeps both changes.
#[test]
fn an_editor_saving_meanwhile_loses_nothing() {
    // (the editor writes in place, same length as before, the ids to tick)
    for (in_place, same_len, ids) in [
        (true, false, vec!["T2"]),
        (false, false, vec!["T1", "T2"]),
        (true, true, vec!["T1"]),
        (false, true, vec!["T2"]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.md");
        fs::write(&path, "# P\n- [ ] T1 a\n- [ ] T2 b\n").unwrap();
        let mut calls = 0;
        update(&path, |snap| {
            calls += 1;
            if calls == 1 {
                // Same length: the lines move by one byte, so T2's mark moves too.
                let edited = if same_len {
                    "#  P\n- [ ] T1 a\n- [ ] T2 \n"
                } else {
                    "# P edited\n- [ ] T1 a\n- [ ] T2 b\n"
                };
                if in_place {
                    fs::write(&path, edited).unwrap();
                } else {
                    let tmp = path.with_extension("tmp");
                    fs::write(&tmp, edited).unwrap();
                    fs::rename(&tmp, &path).unwrap();
                }
            }
            let plan = snap.plan();
            let edits = ids
                .iter()
                .filter_map(|id| set_status(plan, plan.task(id).unwrap(), Status::Done))
                .collect();
            Ok::<_, StoreError>((edits, ()))
        })
        .unwrap();
        assert_eq!(calls, 2, "started over once");
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(if same_len { "#  P\n" } else { "# P edited\n" }),
            "{text}"
        );
        for id in &ids {
            assert!(text.contains(&format!("- [x] {id} ")), "{text}");
        }
    }
}

#[test]
fn missing_file_is_an_error_not_a_panic() {
    let err = update(Path::new("/nonexistent/plan.md"), |_| {
        Ok::<_, StoreError>((vec![], ()))
    });
    assert!(matches!(err, Err(StoreError::Read { .. })));
}

#[test]
fn a_large_plan_read_in_halves_is_every_byte_of_it() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("plan.md");
    // Past the parallel read's threshold, and not a multiple of anything.
    let mut bytes = Vec::new();
    let mut n = 0u32;
    while bytes.len() < PARALLEL_READ_LEN as usize + 12_345 {
        bytes.extend_from_slice(format!("- [ ] T{n} task {n} — ünïcode\n").as_bytes());
        n += 1;
    }
    fs::write(&path, &bytes).expect("written");
    assert_eq!(read_plan(&path).expect("read"), bytes);
    let (read, plan) = load(&path).expect("loaded");
    assert_eq!(read, bytes);
    assert_eq!(plan.tasks.len(), n as usize);
    // A small one, and an empty one, the plain way.
    fs::write(&path, b"- [ ] T1 a\n").expect("written");
    assert_eq!(read_plan(&path).expect("read"), b"- [ ] T1 a\n");
    fs::write(&path, b"").expect("written");
    assert!(read_plan(&path).expect("read").is_empty());
}
