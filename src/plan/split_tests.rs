//! Differential tests for reading a plan in stretches on several threads: cutting the text at
//! any split points the parser accepts must give exactly the plan that one piece gives.
//!
//! The generator strings together the lines that matter around a cut: ATX headings after
//! blank lines (the only places a cut is considered), list items (bare markers, tasks,
//! `key: value` sub-items, lazy and indented continuation lines), fences and indented code
//! left open over blank lines, HTML blocks of every kind, tables, block quotes, setext
//! underlines, link reference definitions, CRLF and bare CR line endings. Every line start
//! is then tried as the point from which the first split point is searched.

use proptest::prelude::*;

use super::parse::{Split, accepted_cuts, parse_with};

/// Lines chosen to sit on either side of a cut.
const LINES: &[&str] = &[
    "## Phase 1: Setup",
    "# Plan",
    "### Deep",
    "#",
    "#no heading",
    "####### seven",
    "",
    "",
    "",
    "  ",
    "\t",
    "- [ ] T1 Build the thing",
    "- [x] T2 [P] Other thing — files: src/a.rs",
    "  - after: T1",
    "  - files: src/x/**, `src/y.rs`",
    "  - [ ] returns 200",
    "    - [ ] T3 nested task",
    "1. [ ] 1.1 Kiro task",
    "* [~] T4 star",
    "+ [-] T5 plus",
    "-",
    "- ",
    "1.",
    "2)",
    "  -",
    "*",
    "> -",
    "- a",
    "  continuation",
    "lazy continuation",
    "Some paragraph text.",
    "    indented code",
    "\tindented code",
    "```",
    "```rust",
    "~~~",
    "  ```",
    "<!--",
    "-->",
    "<!-- one line -->",
    "<div>",
    "</div>",
    "<script>",
    "</script>",
    "<?php",
    "?>",
    "<![CDATA[",
    "]]>",
    "<custom-tag>",
    "| a | b |",
    "|---|---|",
    "a | b",
    "--|--",
    "> quoted",
    ">",
    "> - [ ] T6 quoted task",
    "===",
    "---",
    "***",
    "[ref]: /url",
    "see [ref]",
    "## Decisions",
    "- 2026-01-01 T1: chose x",
    "## Overview",
];

fn doc() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec((0..LINES.len(), 0u8..14), 1..48),
        any::<bool>(),
    )
        .prop_map(|(lines, final_newline)| {
            let mut out = Vec::new();
            let n = lines.len();
            for (i, (line, eol)) in lines.into_iter().enumerate() {
                out.extend_from_slice(LINES[line].as_bytes());
                if i + 1 < n || final_newline {
                    out.extend_from_slice(match eol {
                        0 => b"\r\n",
                        1 => b"\r",
                        _ => b"\n",
                    });
                }
                // Often a phase heading after a blank line: a split point candidate.
                if eol >= 8 && i + 1 < n {
                    out.extend_from_slice(b"\n## Phase\n");
                }
            }
            out
        })
}

/// Every line start from which a split point may be searched.
fn starts(bytes: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1))
        .filter(|&i| i < bytes.len())
        .collect()
}

/// Strides for [`Split::Every`]: a cut at nearly every candidate, and fewer.
const STRIDES: &[usize] = &[1, 9, 40];

fn same_at_every_cut(bytes: &[u8]) -> Result<(), TestCaseError> {
    let one = parse_with(bytes, Split::Never);
    for at in starts(bytes) {
        let two = parse_with(bytes, Split::From(at));
        prop_assert_eq!(&one, &two, "cut searched from byte {}", at);
    }
    for &stride in STRIDES {
        let many = parse_with(bytes, Split::Every(stride));
        prop_assert_eq!(&one, &many, "cut every {} bytes", stride);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512),
    ))]

    #[test]
    fn stretches_read_what_one_piece_reads(bytes in doc()) {
        same_at_every_cut(&bytes)?;
    }
}

fn check(src: &str) {
    let bytes = src.as_bytes();
    let one = parse_with(bytes, Split::Never);
    for at in starts(bytes) {
        assert_eq!(
            one,
            parse_with(bytes, Split::From(at)),
            "{src:?} cut from {at}"
        );
    }
    for &stride in STRIDES {
        assert_eq!(
            one,
            parse_with(bytes, Split::Every(stride)),
            "{src:?} cut every {stride} bytes"
        );
    }
}

#[test]
fn cuts_that_must_be_refused_or_harmless() {
    for src in [
        // An empty item that began with a bare marker keeps the heading.
        "- [ ] T1 a\n-\n\n## Phase 2\n- [ ] T2 b\n",
        "- [ ] T1 a\n  - files: x\n-\n  foo\n\n## Phase 2\n- [ ] T2 b\n",
        "-\n\n  foo\n  ```\n  x\n  ```\n\n## Phase 2\n- [ ] T2 b\n  - after: T1\n",
        // Open fences and HTML blocks run over the heading.
        "- [ ] T1 a\n```\n\n## Phase 2\n- [ ] T2 b\n```\n",
        "- [ ] T1 a\n<!--\n\n## Phase 2\n- [ ] T2 b\n-->\n",
        "- [ ] T1 a\n<script>\n\n## Phase 2\n- [ ] T2 b\n</script>\n",
        "    code\n\n## Phase 2\n- [ ] T2 b\n",
        // A reference definition on one side, its use on the other.
        "## P1 [x]\n- [ ] T1 a\n\n## Phase 2\n[x]: /u\n- [ ] T2 b\n",
        // Bare CR line endings.
        "- [ ] T1 a\r\r-\n\n## Phase 2\n- [ ] T2 b\n",
        "- [ ] T1 a\r-\r\r\n## Phase 2\r\n- [ ] T2 b\r\n",
        // A plain cut: both halves on their own.
        PLAIN,
    ] {
        check(src);
    }
}

const PLAIN: &str = "# Plan\n\n## Phase 1\n\n- [ ] T1 a\n  - files: a.rs\n\n## Phase 2\n\n- [ ] T2 b\n  - after: T1, T3\n\n## Phase 3\n- [ ] T3 c\n  - blocks: T1\n\n## Decisions\n- 2026-01-01 T1: x\n";

#[test]
fn plain_phase_headings_are_cut() {
    let phase_2 = PLAIN.find("## Phase 2").expect("in the text");
    assert_eq!(
        accepted_cuts(PLAIN.as_bytes(), Split::From(20)),
        Some(vec![phase_2])
    );
    // Every phase heading after a blank line, when cuts may be that close.
    let headings: Vec<usize> = ["## Phase 1", "## Phase 2", "## Phase 3", "## Decisions"]
        .iter()
        .map(|h| PLAIN.find(h).expect("in the text"))
        .collect();
    assert_eq!(
        accepted_cuts(PLAIN.as_bytes(), Split::Every(1)),
        Some(headings)
    );
    // After a code block, an HTML block or a bare item, the cut is refused.
    for before in ["```\nx\n```\n", "<div>\n", "-\n"] {
        let src = PLAIN.replacen("\n\n## Phase 2", &format!("\n{before}\n## Phase 2"), 1);
        let cuts = accepted_cuts(src.as_bytes(), Split::From(20));
        assert!(cuts.is_none_or(|at| at[0] > src.find("## Phase 2").expect("in the text")));
    }
}

#[test]
fn a_large_plan_is_cut_and_reads_the_same() {
    let mut src = String::from("# Plan\n\n## Overview\n\nWords.\n\n");
    for phase in 1..=40usize {
        src.push_str(&format!("## Phase {phase}: Work\n\n"));
        for t in 0..750 {
            let n = phase * 1000 + t;
            src.push_str(&format!(
                "- [ ] T{n} [P] Task {n} in src/m{phase}/f{n}.rs\n  - after: T{}\n  - est: 1h\n",
                n.saturating_sub(3)
            ));
        }
        src.push('\n');
    }
    src.push_str("## Decisions\n\n- 2026-01-01 T1001: x\n");
    assert!(src.len() >= super::parse::SPLIT_MIN_LEN);
    let one = parse_with(src.as_bytes(), Split::Never);
    let auto = parse_with(src.as_bytes(), Split::Auto);
    assert_eq!(one, auto);
    assert_eq!(one.tasks.len(), 30_000);
    let cuts = accepted_cuts(src.as_bytes(), Split::Auto).expect("cut");
    // Cuts at phase headings, at least CHUNK_LEN bytes apart.
    assert!(cuts.len() >= 10, "{cuts:?}");
    assert!(
        cuts.windows(2)
            .all(|w| w[1] - w[0] >= super::parse::CHUNK_LEN),
        "{cuts:?}"
    );
}
