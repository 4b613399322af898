//! Blocks left open at the end of the plan: a code fence with no closing fence, or an HTML
//! comment with no `-->`. CommonMark runs such a block to the end of the document, so every
//! task after its opening line silently stops being a task. The parser reads the file as a
//! renderer does (the tasks stay code), and reports the block at its opening line so the
//! loss is never silent.

use super::{Diagnostic, Severity, Span};

/// What kind of block is left open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Open {
    Fence,
    Comment,
}

/// A line without its container prefix (indentation, `>` quote markers).
fn content(line: &str) -> &str {
    line.trim_start_matches([' ', '\t', '>'])
}

/// Whether a fenced code block's source (from its opening fence to where it ends) lacks a
/// closing fence: its last non-blank line is not a run of the fence character at least as
/// long as the opening one.
pub(super) fn fence_is_open(block: &str) -> bool {
    let mut lines = block.trim_end().lines();
    let Some(opening) = lines.next().map(content) else {
        return false;
    };
    let Some(mark) = opening.chars().next().filter(|c| matches!(c, '`' | '~')) else {
        return false;
    };
    let width = opening.chars().take_while(|&c| c == mark).count();
    match lines.next_back().map(|l| content(l).trim_end()) {
        None => true,
        Some(last) => !(last.len() >= width && last.chars().all(|c| c == mark)),
    }
}

/// Whether an HTML block's source is a comment that never closes.
pub(super) fn comment_is_open(block: &str) -> bool {
    content(block).starts_with("<!--") && !block.contains("-->")
}

/// The warning for a block opened at `span` (its first line) and running to the end of
/// `rest` (the text from its opening line on).
pub(super) fn diagnostic(kind: Open, span: Span, rest: &str) -> Diagnostic {
    let mut lines = rest.lines();
    lines.next();
    let (mut after, mut tasks) = (0usize, 0usize);
    for line in lines {
        after += 1;
        if looks_like_task(content(line)) {
            tasks += 1;
        }
    }
    let (what, reads_as, close) = match kind {
        Open::Fence => ("code fence", "code", "a closing fence (```)"),
        Open::Comment => ("HTML comment", "a comment", "`-->`"),
    };
    let lines = if after == 1 {
        format!("the 1 line after it is {reads_as}")
    } else {
        format!("the {after} lines after it are {reads_as}")
    };
    let hidden = match tasks {
        0 => String::new(),
        1 => ": 1 of them looks like a task and is not read as one".to_string(),
        n => format!(": {n} of them look like tasks and are not read as tasks"),
    };
    Diagnostic {
        code: "B004",
        name: "unclosed-block",
        severity: Severity::Warning,
        message: format!("this {what} is never closed, so {lines}{hidden}"),
        span,
        hint: Some(format!("close it with {close} where it should end")),
    }
}

/// `- [ ] …`, `* [x] …`, `1. [ ] …`: a line a reader takes for a task.
fn looks_like_task(line: &str) -> bool {
    let rest = line
        .strip_prefix(['-', '*', '+'])
        .or_else(|| {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            (digits > 0)
                .then(|| line[digits..].strip_prefix(['.', ')']))
                .flatten()
        })
        .filter(|r| r.starts_with(' '))
        .map(str::trim_start);
    rest.is_some_and(|r| {
        let b = r.as_bytes();
        b.len() >= 3 && b[0] == b'[' && b[2] == b']'
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences() {
        assert!(fence_is_open("```sh\nfoo\n- [ ] T2 b\n"));
        assert!(fence_is_open("```"));
        assert!(fence_is_open("````\nx\n```\n"));
        assert!(fence_is_open("~~~\nx\n```\n"));
        assert!(!fence_is_open("```\nx\n```\n"));
        assert!(!fence_is_open("```\nx\n`````  \n\n"));
        assert!(!fence_is_open("  ~~~\n  x\n  ~~~"));
        assert!(!fence_is_open("> ```\n> x\n> ```\n"));
    }

    #[test]
    fn comments() {
        assert!(comment_is_open("<!-- note\n- [ ] T2\n"));
        assert!(!comment_is_open("<!-- note -->\n"));
        assert!(!comment_is_open("<details>\n"));
    }

    #[test]
    fn every_reader_reports_the_block_at_its_opening_line() {
        use super::super::{Blocks, Split, parse_with_blocks};
        let mut src = String::from("# P\n## Phase 1\n");
        for i in 1..40 {
            src.push_str(&format!("- [ ] T{i} task {i}\n  - files: src/t{i}.rs\n"));
        }
        src.push_str("\n```sh\nmake\n- [ ] T99 hidden\n");
        let opening = src.lines().position(|l| l == "```sh").unwrap() as u32 + 1;
        for (split, blocks) in [
            (Split::Never, Blocks::Auto),
            (Split::Never, Blocks::Pulldown),
            (Split::Every(64), Blocks::Auto),
            (Split::From(200), Blocks::Pulldown),
        ] {
            let plan = parse_with_blocks(src.as_bytes(), split, blocks);
            let found: Vec<_> = plan
                .diagnostics
                .iter()
                .filter(|d| d.code == "B004")
                .map(|d| (d.span.line, d.message.clone()))
                .collect();
            assert_eq!(found.len(), 1, "{split:?} {blocks:?}");
            assert_eq!(found[0].0, opening, "{split:?} {blocks:?}");
            assert!(
                found[0].1.contains("1 of them looks like a task"),
                "{}",
                found[0].1
            );
            assert_eq!(plan.tasks.len(), 39);
        }
    }

    #[test]
    fn task_lines() {
        assert!(looks_like_task("- [ ] T2 b"));
        assert!(looks_like_task("12. [x] done"));
        assert!(!looks_like_task("-[ ] x"));
        assert!(!looks_like_task("some text"));
    }
}
