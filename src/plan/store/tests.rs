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

/// A refusal of `decide`, or the store's own.
#[derive(Debug)]
enum Refused {
    NoTask(String),
    Store(StoreError),
}

impl From<StoreError> for Refused {
    fn from(err: StoreError) -> Refused {
        Refused::Store(err)
    }
}

/// `update` ticking `id`, counting the decisions it asks for.
fn tick(path: &Path, id: &str, calls: &mut usize) -> Result<Updated<()>, Refused> {
    update(path, |snap| {
        *calls += 1;
        let plan = snap.plan();
        let task = plan
            .task(id)
            .ok_or_else(|| Refused::NoTask(id.to_string()))?;
        Ok((
            set_status(plan, task, Status::Done).into_iter().collect(),
            (),
        ))
    })
}

/// An editor saving in place: the plan is read empty, or cut short before the task, and
/// baton waits for the rest instead of saying "no task".
#[test]
fn a_plan_read_mid_save_is_read_again_not_refused() {
    let full = "# P\n- [ ] T1 a\n- [ ] T2 b\n";
    for cut in ["", "# P\n- [ ] T1 a\n"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("plan.md");
        fs::write(&path, cut).expect("truncated");
        let editor = {
            let path = path.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                fs::write(&path, full).expect("saved");
            })
        };
        let mut calls = 0;
        let result = tick(&path, "T2", &mut calls);
        editor.join().expect("editor");
        let updated = result.unwrap_or_else(|e| panic!("{cut:?}: {e:?}"));
        assert!(updated.wrote);
        drop(updated);
        assert_eq!(
            fs::read_to_string(&path).expect("read"),
            "# P\n- [ ] T1 a\n- [x] T2 b\n"
        );
        // Asked again only once the file had changed: once for the cut plan (never for the
        // empty one, which is not a plan), once for the whole one.
        assert_eq!(calls, if cut.is_empty() { 1 } else { 2 }, "{cut:?}");
    }
}

/// A refusal made on a plan that holds still is the answer, after one decision, and without
/// waiting when the plan was saved a while ago.
#[test]
fn a_refusal_on_a_quiet_plan_stands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plan.md");
    fs::write(&path, "# P\n- [ ] T1 a\n").expect("written");
    // Just written: confirmed once the file has been quiet for a moment.
    let mut calls = 0;
    let started = Instant::now();
    assert!(matches!(tick(&path, "T9", &mut calls), Err(Refused::NoTask(id)) if id == "T9"));
    assert_eq!(calls, 1);
    assert!(started.elapsed() < settle::SETTLE_WAIT);
    // Saved long ago: no wait at all.
    let file = File::options().write(true).open(&path).expect("open");
    file.set_modified(std::time::SystemTime::now() - Duration::from_secs(60))
        .expect("mtime");
    let mut calls = 0;
    let started = Instant::now();
    assert!(matches!(
        tick(&path, "T9", &mut calls),
        Err(Refused::NoTask(_))
    ));
    assert_eq!(calls, 1);
    assert!(started.elapsed() < settle::QUIET, "{:?}", started.elapsed());
}

/// A plan rewritten without pause, without the lock, is reported busy, never refused on a
/// half-written read. Every complete version holds T9: a refusal for want of T9 could only
/// come from a torn read. (On a loaded host the editor may stall long enough for the plan to
/// hold still: then the tick may go through, which is right too.)
#[test]
fn a_plan_that_never_holds_still_is_busy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plan.md");
    fs::write(&path, "# P\n- [ ] T9 a\n").expect("written");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let editor = {
        let (path, stop) = (path.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // In place: truncated, then written, as many editors save.
                fs::write(&path, format!("# P {n}\n- [ ] T9 a\n")).expect("saved");
                n += 1;
                std::thread::sleep(Duration::from_millis(1));
            }
        })
    };
    let mut calls = 0;
    let started = Instant::now();
    let result = tick(&path, "T9", &mut calls);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    editor.join().expect("editor");
    match result {
        // Busy either after the settle wait or after three overwrites in a row between
        // deciding and writing (which can come sooner): never a tick, the editor's text kept.
        Err(Refused::Store(StoreError::ConcurrentEdit { .. })) => {
            let text = fs::read_to_string(&path).expect("read");
            assert!(text.contains("- [ ] T9 a\n"), "{text}");
            assert!(started.elapsed() < settle::SETTLE_WAIT * 3);
        }
        Ok(_) => {}
        other => panic!("a torn read was judged: {other:?}"),
    }
}

/// Writing sweeps the copies interrupted writers left, and leaves none of its own.
#[test]
fn a_write_sweeps_leftover_copies_and_leaves_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plan.md");
    fs::write(&path, "# P\n- [ ] T1 a\n").expect("written");
    fs::write(dir.path().join(".baton-plan.md.99999.tmp"), "half").expect("leftover");
    update(&path, |snap| {
        let edit = edit::append_decision(snap.plan(), snap.bytes, "why").expect("appendable");
        Ok::<_, StoreError>((vec![edit], ()))
    })
    .expect("updated");
    let names: Vec<String> = fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".baton")
        .collect();
    assert_eq!(names, ["plan.md"]);
    assert!(fs::read_to_string(&path).expect("read").contains("- why\n"));
}

/// An empty plan is what an editor leaves between truncating and writing: emptied just now
/// and staying so, it is reported busy; empty for a while, it is not a plan.
#[test]
fn an_empty_plan_is_busy_while_fresh_and_not_a_plan_once_old() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plan.md");
    fs::write(&path, "").expect("emptied");
    let mut calls = 0;
    let started = Instant::now();
    let result = tick(&path, "T1", &mut calls);
    assert!(
        matches!(
            result,
            Err(Refused::Store(StoreError::ConcurrentEdit { .. }))
        ),
        "{result:?}"
    );
    assert!(started.elapsed() >= settle::SETTLE_WAIT);
    let file = File::options().write(true).open(&path).expect("open");
    file.set_modified(std::time::SystemTime::now() - settle::EMPTY_QUIET * 2)
        .expect("mtime");
    let result = tick(&path, "T1", &mut calls);
    assert!(
        matches!(&result, Err(Refused::Store(StoreError::NotAPlan { why, .. })) if why == "it is empty"),
        "{result:?}"
    );
    assert_eq!(calls, 0, "decide never sees an empty plan");
}
