//! `baton graph`: Mermaid and DOT for the shipped examples, by waves and by lanes; done
//! tasks, conflicts and nasty titles as drawn; `--write` between the markers, idempotent and
//! refusing plans without them; a dependency loop refused.

use insta::assert_snapshot;

use crate::harness::Project;

const START: &str = "<!-- baton:graph:start -->";
const END: &str = "<!-- baton:graph:end -->";

/// The label of node `id` in Mermaid output (`  t3["label"]…`).
fn mermaid_label<'a>(mermaid: &'a str, id: &str) -> &'a str {
    let open = format!("{id}[\"");
    let open_group = format!("{id}[[\"");
    let line = mermaid
        .lines()
        .map(str::trim_start)
        .find(|l| l.starts_with(&open) || l.starts_with(&open_group))
        .unwrap_or_else(|| panic!("no node {id} in\n{mermaid}"));
    let from = line.find('"').expect("opening quote") + 1;
    let to = line.rfind('"').expect("closing quote");
    &line[from..to]
}

#[test]
fn mermaid_and_dot_for_the_shipped_examples() {
    for example in ["client-portal.md", "relay-race.md", "true-parallel.md"] {
        let p = Project::with_example(example);
        let mermaid = p.run(&["graph"]);
        mermaid.success();
        assert!(mermaid.stdout.starts_with("flowchart LR\n"), "{example}");
        assert_eq!(
            mermaid.stdout,
            p.run(&["graph", "--format", "mermaid"]).stdout
        );
        assert_snapshot!(format!("mermaid_{example}"), mermaid.transcript());
        let dot = p.run(&["graph", "--format", "dot"]);
        dot.success();
        assert!(dot.stdout.starts_with("digraph plan {\n"), "{example}");
        assert!(dot.stdout.ends_with("}\n"), "{example}");
        assert_snapshot!(format!("dot_{example}"), dot.transcript());
    }
}

#[test]
fn client_portal_by_waves_marks_done_and_draws_dependencies() {
    let p = Project::with_example("client-portal.md");
    let out = p.run(&["graph"]).success().stdout.clone();
    // T1 is done: in the Done group, ticked, with the `done` class.
    assert!(
        out.contains(
            "  subgraph closed [\"Done\"]\n    t0[\"✓ T1 Database schema for users, projects, files and invoices\"]:::done\n  end\n"
        ),
        "{out}"
    );
    assert!(out.contains("classDef done "), "{out}");
    // T2, T3, T4 wait only for T1, so they form wave 1.
    let wave1 = out
        .split("subgraph wave1 [\"Wave 1\"]\n")
        .nth(1)
        .and_then(|rest| rest.split("  end\n").next())
        .expect("wave 1");
    for id in ["t1", "t2", "t3"] {
        assert!(
            wave1.contains(&format!("    {id}[")),
            "{id} not in wave 1:\n{out}"
        );
    }
    assert!(!out.contains("wave2"), "{out}");
    for edge in ["t0 --> t1", "t0 --> t2", "t0 --> t3"] {
        assert!(
            out.contains(&format!("  {edge}\n")),
            "{edge} missing:\n{out}"
        );
    }
    // The three features own disjoint files: no conflicts.
    assert!(!out.contains("-.-"), "{out}");

    let dot = p
        .run(&["graph", "--format", "dot"])
        .success()
        .stdout
        .clone();
    assert!(
        dot.contains("t0 [label=\"✓ T1 Database schema for users, projects, files and invoices\", style=\"rounded,filled\", fillcolor=\"#eeeeee\""),
        "{dot}"
    );
    assert!(dot.contains("  t0 -> t1;\n"), "{dot}");
}

#[test]
fn sessions_group_by_lane_inside_phases() {
    let p = Project::with_example("client-portal.md");
    let run = p.run(&["graph", "--sessions", "2"]);
    run.success();
    assert_snapshot!("lanes_client_portal_2", run.transcript());
    let out = &run.stdout;
    assert!(
        out.contains("subgraph phase2 [\"Phase 2: Features\"]\n"),
        "{out}"
    );
    assert!(
        out.contains("subgraph lane2_1 [\"Phase 2 · session 1\"]\n"),
        "{out}"
    );
    assert!(
        out.contains("subgraph lane2_2 [\"Phase 2 · session 2\"]\n"),
        "{out}"
    );
    assert!(!out.contains("session 3"), "{out}");
    assert!(!out.contains("Wave"), "{out}");
    // Every open task sits in exactly one lane; the done one stays in Done.
    for id in ["t1", "t2", "t3"] {
        let defined = out
            .lines()
            .filter(|l| l.trim_start().starts_with(&format!("{id}[")))
            .count();
        assert_eq!(defined, 1, "{id}:\n{out}");
    }

    // Relay race: one bold arrow per phase boundary instead of task-to-task phase edges.
    let relay = Project::with_example("relay-race.md");
    let out = relay
        .run(&["graph", "--sessions", "2"])
        .success()
        .stdout
        .clone();
    for edge in [
        "phase1 ==> phase2",
        "phase2 ==> phase3",
        "phase3 ==> phase4",
        "phase4 ==> phase5",
    ] {
        assert!(out.contains(&format!("  {edge}\n")), "{edge}:\n{out}");
    }
    assert_eq!(out.matches("==>").count(), 4, "{out}");
    let dot = relay
        .run(&["graph", "--sessions", "2", "--format", "dot"])
        .success()
        .stdout
        .clone();
    assert!(
        dot.contains("[ltail=cluster_phase1, lhead=cluster_phase2, style=bold];"),
        "{dot}"
    );
    assert!(dot.contains("subgraph cluster_lane2_2 {"), "{dot}");
}

#[test]
fn tasks_sharing_a_file_in_one_wave_are_joined_by_a_dashed_line() {
    let p = Project::new();
    p.write(
        "plan.md",
        "# Shared\n\n## Phase 1: Work\n\n\
         - [ ] T1 Parser\n  - files: src/lib.rs, src/parse.rs\n\
         - [ ] T2 Printer\n  - files: src/lib.rs, src/print.rs\n\
         - [ ] T3 Docs\n  - files: docs/**\n\
         - [x] T4 Setup\n  - files: Cargo.toml\n",
    );
    let out = p.run(&["graph"]).success().stdout.clone();
    assert_snapshot!("conflict_mermaid", out);
    assert!(out.contains("  t0 -.- t1\n"), "{out}");
    assert_eq!(out.matches("-.-").count(), 1, "{out}");
    let dot = p
        .run(&["graph", "--format", "dot"])
        .success()
        .stdout
        .clone();
    assert!(
        dot.contains("  t0 -> t1 [style=dashed, dir=none, color=\"#cc3333\", constraint=false];\n"),
        "{dot}"
    );
    assert_eq!(dot.matches("style=dashed").count(), 1, "{dot}");
    // The done task is drawn done in DOT as well: filled grey.
    assert!(
        dot.contains("t3 [label=\"✓ T4 Setup\", style=\"rounded,filled\""),
        "{dot}"
    );
}

#[test]
fn nasty_titles_cannot_break_the_diagram() {
    let p = Project::new();
    p.write(
        "plan.md",
        "# Nasty\n\n## Phase 1: \"Quoted\" | [phase] #1\n\n\
         - [ ] T1 Say \"hi\" [there] <script>alert(1)</script>\n  - files: a.rs\n\
         - [ ] T2 Hash #42 & pipe | back`tick` {curly} %%{init: {\"theme\":\"dark\"}}%%\n  - files: b.rs\n\
         - [ ] T3 end --> t0; subgraph x\n  - files: c.rs\n  - after: T1\n\
         - [x] T4 ]] done [[ \\ back\\slash\n",
    );
    let out = p.run(&["graph"]).success().stdout.clone();
    assert_snapshot!("nasty_mermaid", out);
    for id in ["t0", "t1", "t2", "t3"] {
        let label = mermaid_label(&out, id);
        for c in ['"', '[', ']', '<', '>', '|', '`', '{', '}', '%', '&', '\n'] {
            assert!(!label.contains(c), "{c:?} in label of {id}: {label}");
        }
        // `#` only ever starts a numeric entity.
        for piece in label.split('#').skip(1) {
            let digits = piece.chars().take_while(char::is_ascii_digit).count();
            assert!(digits > 0 && piece[digits..].starts_with(';'), "{label}");
        }
    }
    assert_eq!(
        mermaid_label(&out, "t0"),
        "T1 Say #34;hi#34; #91;there#93; #60;script#62;alert(1)#60;/script#62;"
    );
    // Exactly one edge: the title's `-->` stayed inside its label.
    assert_eq!(out.matches(" --> ").count(), 1, "{out}");
    assert!(out.contains("  t0 --> t2\n"), "{out}");

    let lanes = p
        .run(&["graph", "--sessions", "2"])
        .success()
        .stdout
        .clone();
    assert!(
        lanes.contains("subgraph phase1 [\"Phase 1: #34;Quoted#34; #124; #91;phase#93; #35;1\"]\n"),
        "{lanes}"
    );

    let dot = p
        .run(&["graph", "--format", "dot"])
        .success()
        .stdout
        .clone();
    assert_snapshot!("nasty_dot", dot);
    assert!(
        dot.contains("t0 [label=\"T1 Say \\\"hi\\\" [there] <script>alert(1)</script>\", color="),
        "{dot}"
    );
    assert!(
        dot.contains("[label=\"✓ T4 ]] done [[ \\\\ back\\\\slash\""),
        "{dot}"
    );
}

fn plan_with_markers() -> String {
    let portal = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/client-portal.md"),
    )
    .expect("example");
    // The map goes before the first phase; a fenced example of the markers above it must
    // stay as it is.
    portal.replacen(
        "## Phase 1: Foundation",
        &format!(
            "## Dependency map\n\nExample of the markers:\n\n```markdown\n{START}\nnot the map\n{END}\n```\n\n\
             {START}\nan old map\n{END}\n\n## Phase 1: Foundation"
        ),
        1,
    )
}

#[cfg(unix)]
fn inode(p: &Project) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p.path("plan.md")).expect("plan").ino()
}

#[test]
fn write_replaces_only_between_the_markers_and_then_is_up_to_date() {
    let p = Project::new();
    let before = plan_with_markers();
    p.write("plan.md", &before);
    let graph = p.run(&["graph"]).success().stdout.clone();
    let list_before = p.run(&["list"]).success().stdout.clone();

    let first = p.run(&["graph", "--write"]);
    assert_eq!(first.code, 0, "{}", first.transcript());
    assert_eq!(first.stdout, "", "--write prints nothing on stdout");
    assert_snapshot!("write_first", first.transcript());
    let after = p.read_string("plan.md");

    // Everything up to and including the real start marker, and from the end marker on, is
    // byte for byte what it was; the fenced example is untouched.
    let real_start = before.rfind(&format!("\n{START}\n")).expect("start") + START.len() + 2;
    let real_end = before.rfind(&format!("\n{END}\n")).expect("end") + 1;
    assert_eq!(&after[..real_start], &before[..real_start]);
    assert_eq!(
        &after[after.len() - (before.len() - real_end)..],
        &before[real_end..]
    );
    let between = &after[real_start..after.len() - (before.len() - real_end)];
    assert_eq!(between, format!("```mermaid\n{graph}```\n"));
    assert!(after.contains(&format!("```markdown\n{START}\nnot the map\n{END}\n```")));

    // The plan still reads the same: the block is a code fence, not tasks.
    assert_eq!(p.run(&["list"]).success().stdout, list_before);
    assert_eq!(p.run(&["lint"]).code, 0);

    // Second run: nothing to do, nothing written (same bytes, same file).
    #[cfg(unix)]
    let ino = inode(&p);
    let second = p.run(&["graph", "--write"]);
    assert_eq!(second.code, 0, "{}", second.transcript());
    assert!(
        second.stderr.contains("dependency map is up to date"),
        "{}",
        second.stderr
    );
    assert_eq!(p.read_string("plan.md"), after);
    #[cfg(unix)]
    assert_eq!(
        inode(&p),
        ino,
        "an up-to-date map must not rewrite the plan"
    );

    // A task is ticked: the map follows.
    p.run(&["done", "T2"]).success();
    let third = p.run(&["graph", "--write"]);
    assert!(
        third.stderr.contains("dependency map updated"),
        "{}",
        third.stderr
    );
    let updated = p.read_string("plan.md");
    assert!(
        updated
            .contains("t1[\"✓ T2 Authentication: sign-up, login, logout, password reset\"]:::done"),
        "{updated}"
    );
}

#[test]
fn write_keeps_crlf_line_endings() {
    let p = Project::new();
    p.write("plan.md", plan_with_markers().replace('\n', "\r\n"));
    p.run(&["graph", "--write"]).success();
    let after = p.read_string("plan.md");
    assert!(after.contains("```mermaid\r\nflowchart LR\r\n"), "{after}");
    assert_eq!(after.matches('\n').count(), after.matches("\r\n").count());
}

#[test]
fn write_with_lanes_writes_the_lanes() {
    let p = Project::new();
    p.write("plan.md", plan_with_markers());
    p.run(&["graph", "--write", "--sessions", "2"]).success();
    assert!(p.read_string("plan.md").contains("Phase 2 · session 2"));
}

#[test]
fn write_without_markers_fails_and_leaves_the_plan_alone() {
    let p = Project::with_example("client-portal.md");
    let before = p.read("plan.md");
    let run = p.run(&["graph", "--write"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert_snapshot!("write_no_markers", run.transcript());
    assert!(
        run.stderr.contains(START) && run.stderr.contains(END),
        "{}",
        run.stderr
    );
    assert_eq!(p.read("plan.md"), before);

    // Markers that only appear inside a code fence do not count either.
    let fenced = format!(
        "{}\n```\n{START}\n{END}\n```\n",
        String::from_utf8(before.clone()).expect("utf-8")
    );
    p.write("plan.md", &fenced);
    let run = p.run(&["graph", "--write"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert_eq!(p.read_string("plan.md"), fenced);

    // One marker alone, or the two upside down: refused with the line, nothing written.
    for (plan, says) in [
        (
            format!("# P\n{START}\n- [ ] T1 a\n"),
            "plan.md:2: `<!-- baton:graph:start -->` has no matching",
        ),
        (
            format!("# P\n{END}\n- [ ] T1 a\n{START}\n"),
            "plan.md:2: the end marker comes before",
        ),
        (
            format!("{START}\n{START}\n{END}\n- [ ] T1 a\n"),
            "appears more than once (lines 1, 2)",
        ),
    ] {
        p.write("plan.md", &plan);
        let run = p.run(&["graph", "--write"]);
        assert_eq!(run.code, 3, "{}", run.transcript());
        assert!(run.stderr.contains(says), "{}", run.stderr);
        assert_eq!(p.read_string("plan.md"), plan);
    }
}

#[test]
fn write_refuses_dot() {
    let p = Project::new();
    p.write("plan.md", plan_with_markers());
    let run = p.run(&["graph", "--write", "--format", "dot"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert_eq!(p.read_string("plan.md"), plan_with_markers());
}

#[test]
fn a_dependency_loop_is_an_input_error() {
    let p = Project::new();
    let plan = format!(
        "# Loop\n\n{START}\n{END}\n\n## Phase 1\n\n- [ ] T1 a\n  - after: T2\n- [ ] T2 b\n  - after: T1\n"
    );
    p.write("plan.md", &plan);
    let run = p.run(&["graph"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("loop"), "{}", run.stderr);
    assert!(
        run.stderr.contains("T1") && run.stderr.contains("T2"),
        "{}",
        run.stderr
    );
    let write = p.run(&["graph", "--write"]);
    assert_eq!(write.code, 3, "{}", write.transcript());
    assert_eq!(p.read_string("plan.md"), plan);
}

#[test]
fn a_large_plan_draws_every_task_once() {
    let p = Project::new();
    p.write("plan.md", crate::harness::big_plan(10_000));
    let started = std::time::Instant::now();
    let run = p.run(&["graph"]);
    let took = started.elapsed();
    run.success();
    let nodes = run
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with('t') && l.contains("[\""))
        .count();
    assert_eq!(nodes, 10_000);
    // A generous bound for a debug build on a busy machine; what it catches is a quadratic
    // loop (seconds to minutes at this size), not a few milliseconds.
    assert!(took.as_secs() < 20, "took {took:?}");
    // Far past what GitHub renders: the user is told.
    assert!(run.stderr.contains("GitHub's Mermaid"), "{}", run.stderr);
}

#[test]
fn the_documented_example_is_real_output() {
    let p = Project::with_example("client-portal.md");
    let out = p.run(&["graph"]).success().stdout.clone();
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/graph.md"),
    )
    .expect("docs/graph.md");
    assert!(
        docs.contains(&format!("```mermaid\n{out}```\n")),
        "docs/graph.md's example differs from `baton graph` on client-portal.md:\n{out}"
    );
}
