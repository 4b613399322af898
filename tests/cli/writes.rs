//! Writes that respect the file: a writer killed at any moment leaves the old plan or the new
//! one and no copy that outlives the next write; read-only plans, files that are not plans
//! and links out of the repository are refused untouched; a plan mid-save by an editor is
//! waited for or reported busy, never taken for a plan without the task. docs/writes.md.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::harness::{Project, big_plan};

/// The files in `dir` that are baton's temporary copies.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".baton-") && n.ends_with(".tmp"))
        .collect()
}

/// A small, seeded generator (xorshift64*): the seed is printed with any failure.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

/// The base plan: 1,500 tasks (some 40 KB, so a rewrite takes a while), two ticked for
/// `undo`, three without ids for `fmt --ids`.
fn base_plan() -> String {
    big_plan(1500)
        .replacen("- [ ] T1 ", "- [x] T1 ", 1)
        .replacen("- [ ] T2 ", "- [x] T2 ", 1)
        .replace(
            "## Decisions",
            "- [ ] no id one\n- [ ] no id two\n- [ ] no id three\n\n## Decisions",
        )
}

fn spawn(p: &Project, args: &[&str]) -> Child {
    p.command(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn baton")
}

/// Every writing command, killed by SIGKILL, SIGINT or SIGTERM at random moments of its run:
/// the plan is always exactly the old bytes or the new ones, and a copy left behind is gone
/// after the next write.
#[test]
fn a_writer_killed_at_any_moment_leaves_the_old_plan_or_the_new_one() {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    let mut rng = Rng(seed);
    let p = Project::new();
    p.git_init();
    let old = base_plan();
    let commands: [&[&str]; 5] = [
        // Two ids: the rename path. One id: the one-byte path.
        &["done", "T1200", "T1300"],
        &["done", "T1400"],
        &["undo", "T1", "T2"],
        &["decide", "a decision line"],
        &["fmt", "--ids"],
    ];
    let signals = [Signal::SIGKILL, Signal::SIGINT, Signal::SIGTERM];
    let (mut tries, mut left_behind, mut outcomes) = (0, 0, [0usize; 2]);
    for args in commands {
        // The new bytes, and how long an uninterrupted run takes.
        p.write("plan.md", &old);
        let started = Instant::now();
        p.run(args).success();
        let took = started.elapsed();
        let new = p.read_string("plan.md");
        assert_ne!(new, old, "{args:?} changes the plan");
        for round in 0..36 {
            let signal = signals[round % signals.len()];
            p.write("plan.md", &old);
            let mut child = spawn(&p, args);
            // Anywhere from the start to a little past the usual end.
            let micros = rng.below(took.as_micros() as u64 * 6 / 5);
            std::thread::sleep(Duration::from_micros(micros));
            let _ = kill(Pid::from_raw(child.id() as i32), signal);
            child.wait().expect("wait");
            tries += 1;
            let now = p.read_string("plan.md");
            assert!(
                now == old || now == new,
                "seed {seed}: {args:?} killed by {signal} after {micros} µs left a plan that \
                 is neither the old nor the new one"
            );
            outcomes[usize::from(now == new)] += 1;
            if !leftovers(p.dir.path()).is_empty() {
                left_behind += 1;
                // The next write sweeps it, and leaves none of its own.
                p.write("plan.md", &old);
                p.run(args).success();
                assert_eq!(p.read_string("plan.md"), new);
                assert_eq!(leftovers(p.dir.path()), Vec::<String>::new(), "seed {seed}");
            }
        }
    }
    p.run(&["done", "T5"]).success();
    assert_eq!(leftovers(p.dir.path()), Vec::<String>::new(), "seed {seed}");
    assert_eq!(tries, 180);
    // Both outcomes happen: the kills land before and after the write.
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "{outcomes:?}");
    let _ = left_behind;
}

/// Copies of the plan left by killed writers (named as baton names its own) are swept by the
/// next write of that plan; another plan's copies and other files stay.
#[test]
fn leftover_copies_are_swept_by_the_next_write() {
    let p = Project::new();
    p.git_init();
    p.write("plan.md", "# P\n\n- [ ] T1 a\n- [ ] T2 b\n");
    p.write(".baton-plan.md.4242.tmp", "# P\n\n- [x] T1 a\n");
    p.write(".baton-plan.md.7.tmp", "");
    p.write(".baton-other.md.7.tmp", "another plan's");
    p.write("notes.tmp", "mine");
    p.run(&["done", "T1", "T2"]).success();
    assert_eq!(leftovers(p.dir.path()), [".baton-other.md.7.tmp"]);
    assert!(p.path("notes.tmp").exists());
    assert_eq!(p.read_string("plan.md"), "# P\n\n- [x] T1 a\n- [x] T2 b\n");
}

/// Every writing command with a way to change this plan, and what each changes.
const WRITERS: [&[&str]; 4] = [
    &["done", "T1"],
    &["undo", "T2"],
    &["decide", "why not"],
    &["fmt", "--ids"],
];

const SMALL_PLAN: &str = "# P\n\n- [ ] T1 a\n- [x] T2 b\n- [ ] no id\n";

#[cfg(unix)]
#[test]
fn a_read_only_plan_is_refused_and_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::new();
    p.git_init();
    p.write("plan.md", SMALL_PLAN);
    let plan = p.path("plan.md");
    std::fs::set_permissions(&plan, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    for args in WRITERS {
        let run = p.run(args);
        assert_eq!(run.code, 3, "{args:?}: {}", run.transcript());
        assert!(
            run.stderr.contains("plan.md is read-only (mode 0444"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("chmod u+w"), "{}", run.stderr);
        assert_eq!(p.read_string("plan.md"), SMALL_PLAN, "{args:?}");
        let meta = std::fs::metadata(&plan).expect("meta");
        assert_eq!(meta.permissions().mode() & 0o777, 0o444);
        assert_eq!(leftovers(p.dir.path()), Vec::<String>::new());
    }
    // A command with nothing to write still succeeds: `done` of a done task.
    p.run(&["done", "T2"]).success();
    // Made writable, the same command goes through.
    std::fs::set_permissions(&plan, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    p.run(&["done", "T1"]).success();
    assert!(p.read_string("plan.md").contains("- [x] T1 a"));
}

#[test]
fn a_file_that_is_not_a_plan_is_never_written() {
    let p = Project::new();
    p.git_init();
    let cargo =
        "# The manifest\n[package]\nname = \"x\"\n# - [ ] not a task\nversion = \"0.1.0\"\n";
    let cases = [
        ("Cargo.toml", cargo, "the extension .toml is not Markdown's"),
        ("plan.md", "", "it is empty"),
        ("notes.md", "## Notes\n\nWords.\n", "no checkbox task"),
    ];
    for (name, text, why) in cases {
        p.write(name, text);
        // Saved a while ago: an empty plan saved just now could be an editor mid-save, which
        // baton waits for and reports busy (see the store's tests).
        std::fs::File::options()
            .write(true)
            .open(p.path(name))
            .and_then(|f| f.set_modified(std::time::SystemTime::now() - Duration::from_secs(60)))
            .expect("mtime");
        for args in WRITERS {
            let mut full = vec!["--plan", name];
            full.extend_from_slice(args);
            let run = p.run(&full);
            assert_eq!(run.code, 3, "{full:?}: {}", run.transcript());
            assert!(
                run.stderr
                    .contains(&format!("error: {name} is not a plan: ")),
                "{full:?}: {}",
                run.stderr
            );
            assert!(run.stderr.contains(why), "{full:?}: {}", run.stderr);
            assert!(run.stderr.contains("--plan FILE"), "{}", run.stderr);
            assert_eq!(p.read_string(name), text, "{full:?}");
        }
    }
    assert_eq!(leftovers(p.dir.path()), Vec::<String>::new());
    // A Markdown file with a title is a plan, if a bare one: a decision goes in.
    p.write("new.md", "# New plan\n");
    p.run(&["--plan", "new.md", "decide", "start small"])
        .success();
    assert_eq!(
        p.read_string("new.md"),
        "# New plan\n\n## Decisions\n\n- 2026-01-21: start small\n"
    );
}

#[cfg(unix)]
#[test]
fn a_linked_plan_is_edited_at_its_target_and_the_link_stays() {
    let p = Project::new();
    p.git_init();
    p.write("docs/plan.md", SMALL_PLAN);
    std::os::unix::fs::symlink("docs/plan.md", p.path("plan.md")).expect("link");
    for args in WRITERS {
        p.run(args).success();
        let link = std::fs::symlink_metadata(p.path("plan.md")).expect("meta");
        assert!(link.file_type().is_symlink(), "{args:?} kept the link");
        assert_eq!(leftovers(&p.path("docs")), Vec::<String>::new());
    }
    assert_eq!(
        p.read_string("docs/plan.md"),
        "# P\n\n- [x] T1 a\n- [ ] T2 b\n- [ ] T3 no id\n\n## Decisions\n\n- 2026-01-21: why not\n"
    );
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_repository_is_refused() {
    let p = Project::new();
    p.git_init();
    let outside = tempfile::tempdir().expect("temp dir");
    let target = outside.path().join("plan.md");
    std::fs::write(&target, SMALL_PLAN).expect("outside plan");
    std::os::unix::fs::symlink(&target, p.path("plan.md")).expect("link");
    for args in WRITERS {
        let run = p.run(args);
        assert_eq!(run.code, 3, "{args:?}: {}", run.transcript());
        assert!(
            run.stderr.contains("outside the repository it is in"),
            "{}",
            run.stderr
        );
        assert_eq!(std::fs::read_to_string(&target).expect("read"), SMALL_PLAN);
    }
    // Reading through it is fine.
    p.run(&["list"]).success();
    // Outside any repository there is no boundary: the link is followed.
    let loose = Project::new();
    std::os::unix::fs::symlink(&target, loose.path("plan.md")).expect("link");
    loose.run(&["done", "T1"]).success();
    assert!(
        std::fs::read_to_string(&target)
            .expect("read")
            .contains("- [x] T1 a")
    );
}

/// An editor saving the plan in place (truncate, then write) over and over while `done`
/// runs: `done` ticks, or says the plan is busy; never "no task".
#[test]
fn done_racing_an_editor_saving_in_place_never_says_no_task() {
    let p = Project::new();
    p.git_init();
    let plan = big_plan(1500);
    p.write("plan.md", &plan);
    let path = p.path("plan.md");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let editor = {
        let (path, stop, plan) = (path.clone(), stop.clone(), plan.clone());
        std::thread::spawn(move || {
            let mut saves = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                std::fs::write(&path, &plan).expect("save");
                saves += 1;
                std::thread::sleep(Duration::from_millis(3));
            }
            saves
        })
    };
    let mut codes = std::collections::BTreeMap::new();
    for _ in 0..40 {
        let run = p.run(&["done", "T1172"]);
        assert!(
            run.code == 0 || run.code == 5,
            "done while an editor saves: {}",
            run.transcript()
        );
        assert!(!run.stderr.contains("no task"), "{}", run.transcript());
        *codes.entry(run.code).or_insert(0) += 1;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let saves = editor.join().expect("editor");
    assert!(saves > 40, "the editor saved {saves} times");
    assert!(codes.contains_key(&0), "{codes:?}");
    assert_eq!(leftovers(p.dir.path()), Vec::<String>::new());
}
