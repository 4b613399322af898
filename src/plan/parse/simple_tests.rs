//! Differential tests for the line scanner: wherever it reads a text, it must record exactly
//! the headings, items and end state that the pulldown-cmark pass records; and a whole plan
//! must parse the same with it as without it.

use proptest::prelude::*;

use super::{Blocks, LineIndex, Part, Scanned, Split, parse_with_blocks};

/// Line bodies the line scanner may read, put at several indentations by the generator.
const SIMPLE: &[&str] = &[
    "- [ ] T1 Build the thing",
    "- [x] T2 [P] Other `code` *em* thing — files: src/a.rs",
    "- [X]* T3 optional",
    "* [~] T4 star",
    "+ [-] T5 plus",
    "- [ ]",
    "- [ ]   ",
    "-  [ ] T6 two spaces",
    "-    [ ] T7 four spaces",
    "- files: src/a.rs, `src/b.rs`",
    "- after: T1, T2",
    "- _Requirements: 1.2_",
    "- **Files**: src/**",
    "- note with trailing spaces  ",
    "- 5",
    "continuation text",
    "more text \\",
    "text with a hard break  ",
    "text with NBSP\u{a0}",
    "&amp; entity",
    "#hash is text",
    "1.1 Kiro-ish line",
    "# Plan",
    "## Phase 1: Setup",
    "## ✅ Done phase",
    "#",
    "## ",
    "####### seven",
    "\u{1a}substitute",
];

/// Line bodies it must leave to pulldown-cmark, or read only in some places.
const OTHER: &[&str] = &[
    "-     five spaces",
    "- ",
    "-",
    "+",
    "- - nested bullet",
    "- * star in item",
    "- # heading in item",
    "- > quote in item",
    "- 1. ordered in item",
    "- ```",
    "<b>inline</b> start",
    "- <b>html</b> item",
    "2024) not a list?",
    "1. ordered",
    "10) ordered",
    "### Deep ###",
    "## Phase *2*",
    "---",
    "***",
    "===",
    "- - -",
    "___",
    "> quote",
    "<div>",
    "```",
    "~~~",
    "| a | b |",
    "a\tb",
    "[ref]: /u",
    "see [ref]",
];

/// Mostly the content columns of `- ` items, sometimes off them.
const INDENTS: &[usize] = &[0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 4, 4, 1, 3, 6, 8];

fn doc() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            (0..SIMPLE.len() + 3, 0..INDENTS.len(), 0u8..20, 0u8..40),
            1..40,
        ),
        any::<bool>(),
    )
        .prop_map(|(lines, final_newline)| {
            let mut out = String::new();
            let n = lines.len();
            for (i, (body, indent, eol, other)) in lines.into_iter().enumerate() {
                // Now and then a line the scanner must decline; a few more blank lines than
                // bodies would give.
                let body = if other == 0 {
                    OTHER.get(body % OTHER.len())
                } else {
                    SIMPLE.get(body)
                };
                if let Some(body) = body {
                    // Headings stand in the first column, but now and then.
                    let indent = if body.starts_with('#') && other > 1 {
                        0
                    } else {
                        INDENTS[indent]
                    };
                    out.extend(std::iter::repeat_n(' ', indent));
                    out.push_str(body);
                }
                if i + 1 < n || final_newline {
                    out.push_str(match eol {
                        0 if other < 3 => "\r",
                        0..=3 => "\r\n",
                        _ => "\n",
                    });
                }
            }
            out
        })
}

/// What a scan leaves behind, to compare.
fn scan(text: &str, blocks: Blocks) -> (Option<String>, bool) {
    let lines = LineIndex::new(text);
    let mut part = Part::new(text, &lines, blocks);
    let scanned: Option<Scanned> = match blocks {
        Blocks::Auto => part.scan_simple(0, text.len()),
        Blocks::Pulldown => Some(part.scan_pulldown(0, text.len(), None)),
    };
    match scanned {
        Some(s) => (
            Some(format!("{:#?}\n{:#?}", part.items, part.headings)),
            s.clean,
        ),
        None => {
            assert!(part.items.is_empty() && part.headings.is_empty());
            (None, false)
        }
    }
}

/// The line scanner either declines or agrees with pulldown-cmark; returns whether it read
/// the text.
fn agrees(text: &str) -> Result<bool, TestCaseError> {
    let (simple, simple_clean) = scan(text, Blocks::Auto);
    let Some(simple) = simple else {
        return Ok(false);
    };
    let (pulldown, pulldown_clean) = scan(text, Blocks::Pulldown);
    prop_assert_eq!(Some(simple), pulldown, "{:?}", text);
    prop_assert_eq!(simple_clean, pulldown_clean, "clean: {:?}", text);
    let bytes = text.as_bytes();
    prop_assert_eq!(
        parse_with_blocks(bytes, Split::Never, Blocks::Auto),
        parse_with_blocks(bytes, Split::Never, Blocks::Pulldown),
        "{:?}",
        text
    );
    Ok(true)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2048),
    ))]

    #[test]
    fn the_line_scanner_reads_what_pulldown_reads(text in doc()) {
        agrees(&text)?;
    }
}

fn read_simply(text: &str) {
    match agrees(text) {
        Ok(true) => {}
        Ok(false) => panic!("the line scanner declined {text:?}"),
        Err(e) => panic!("{e}"),
    }
}

fn declined(text: &str) {
    assert_eq!(
        agrees(text).map_err(|e| e.to_string()),
        Ok(false),
        "{text:?}"
    );
}

#[test]
fn plain_plans_are_read_by_the_line_scanner() {
    read_simply(
        "# Plan\n\n## Overview\n\nWords about it,\non two lines.\n\n## Phase 1: Schema\n\n\
         - [x] T1 [P] Add login\n  - files: src/a.rs\n  - after: T1, T2\n\
         - [ ] T2 Foo  \n  bar `x`\nlazy line\n\n- [ ] T3 baz\n\n  A second paragraph.\n\n\
         ## Decisions\n\n- 2026-01-01 T1: chose x\n",
    );
    read_simply("- [ ] T1 a\r\n  - after: T2\r\n\r\n## Next\r\n- [ ] T2 b");
    read_simply("* [ ] T1 a\n  + sub\n    - [ ] acceptance\n  lazy\n- [ ] T2\n");
    read_simply("- [ ] 1. Kiro task\n  - [ ] 1.1 Sub-task\n    - _Requirements: 1.2_\n");
    read_simply("- [ ] T1 a\n\n\n  - [ ] T2 b\n\n");
    read_simply("- [ ] T1 ends the stretch\n- 5\n");
    // Items one to three columns past their container's content column.
    read_simply("  - [ ] T1 a\n   - [ ] T2 b\n- [ ] T3 c\n   - [ ] T4 d\n");
    // Four columns past it: a continuation line.
    read_simply("- [ ] T1 a\n      - [ ] not an item\n");
}

#[test]
fn anything_else_goes_to_pulldown() {
    for text in [
        "- [ ] T1 a\n```\ncode\n```\n",
        "- [ ] T1 a\n  # heading in the item\n",
        "- [ ] T1 a\n  ---\n",
        "Title\n===\n",
        "| a | b |\n|---|---|\n",
        "- [ ] T1 a\n> quote\n",
        "1. [ ] T1 ordered\n",
        "<div>\n- [ ] T1\n</div>\n",
        "- [ ] T1 a\n\n      code\n",
        "- [ ] T1\ta tab\n",
        "[x]: /url\n- [ ] T1 [x]\n",
        "## Phase *1*\n",
        "- [ ] T1 a\r- [ ] T2 bare CR\n",
        "-\n  - [ ] T1 under a bare marker\n",
    ] {
        declined(text);
    }
}

#[test]
fn shipped_examples_read_the_same_either_way() {
    for (name, text) in [
        (
            "client-portal",
            include_str!("../../../examples/client-portal.md"),
        ),
        (
            "relay-race",
            include_str!("../../../examples/relay-race.md"),
        ),
        (
            "true-parallel",
            include_str!("../../../examples/true-parallel.md"),
        ),
    ] {
        let bytes = text.as_bytes();
        assert_eq!(
            parse_with_blocks(bytes, Split::Never, Blocks::Auto),
            parse_with_blocks(bytes, Split::Never, Blocks::Pulldown),
            "{name}"
        );
    }
}

/// The differential property is only worth something if the scanner reads many of the
/// generated texts instead of declining them.
#[test]
fn the_generated_texts_are_mostly_read_by_the_scanner() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut read = 0;
    for _ in 0..500 {
        let text = doc().new_tree(&mut runner).expect("a text").current();
        if agrees(&text).expect("agrees") {
            read += 1;
        }
    }
    assert!(read >= 125, "the scanner read only {read} of 500 texts");
}

/// Every Markdown file under `dir`, at any depth.
fn markdown_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a fixture directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

#[test]
fn corpus_plans_read_the_same_either_way() {
    let mut paths = Vec::new();
    markdown_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus"),
        &mut paths,
    );
    for path in &paths {
        let bytes = std::fs::read(path).expect("a fixture");
        assert_eq!(
            parse_with_blocks(&bytes, Split::Never, Blocks::Auto),
            parse_with_blocks(&bytes, Split::Never, Blocks::Pulldown),
            "{}",
            path.display()
        );
    }
    assert!(paths.len() >= 10, "only {} corpus plans", paths.len());
}
