//! baton's marked instruction block in `CLAUDE.md`, `AGENTS.md` and `GEMINI.md`, kept current
//! without losing what people wrote into it.
//!
//! The block sits between `<!-- baton:agents:start hash=… -->` and
//! `<!-- baton:agents:end -->`; everything outside the markers belongs to the user and is
//! never touched. The hash in the start marker is that of the text baton wrote (FNV-1a, 64
//! bits, over the text with CRLF read as LF), so a later `init` can tell baton's own text
//! from an edited one:
//! - the block already holds baton's current text: nothing to do;
//! - it holds the text baton wrote, and baton's text has changed since: replaced;
//! - it was edited, and baton's text is the one it wrote then: the edits are kept;
//! - it was edited, and baton's text has changed too: refused, with a diff, unless forced.
//!
//! A block without a hash (written by an older baton) cannot be told from an edited one,
//! so it is treated like one.

use similar::{Algorithm, DiffTag, capture_diff_slices};

pub const START: &str = "<!-- baton:agents:start";
pub const END: &str = "<!-- baton:agents:end -->";

/// What [`upsert`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upsert {
    /// The file's new bytes: created, block appended, or block replaced.
    Write(Vec<u8>),
    /// The file already holds baton's current block.
    Unchanged,
    /// The block was edited by someone, and baton would write what it wrote then: kept.
    KeptEdits,
    /// The block was edited (or written by an older baton), and baton's text differs: the
    /// block found and the one baton would write, for a diff.
    Edited {
        found: String,
        wanted: String,
        legacy: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    #[error("has only one of baton's markers (`{START} …` and `{END}`); fix it by hand")]
    OneMarker,
}

/// The block for `body` (a text ending in a newline), with its hash in the start marker.
pub fn render(body: &str) -> String {
    format!("{START} hash={:016x} -->\n{body}{END}\n", hash(body))
}

/// FNV-1a over the text, CRLF read as LF: stable across versions and platforms, which a
/// std hasher is not. It tells edits apart from baton's text; it is no protection.
fn hash(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.replace("\r\n", "\n").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Puts baton's block with `body` into a file's bytes (`None`: no file yet); `force`
/// replaces an edited block. Everything outside the markers stays byte for byte.
pub fn upsert(old: Option<&[u8]>, body: &str, force: bool) -> Result<Upsert, BlockError> {
    let block = render(body);
    let Some(old) = old else {
        return Ok(Upsert::Write(block.into_bytes()));
    };
    let text = String::from_utf8_lossy(old);
    let start = text.find(START);
    let end = text.find(END);
    let (start, end) = match (start, end) {
        (None, None) => {
            let mut new = old.to_vec();
            match (new.is_empty(), new.ends_with(b"\n\n"), new.ends_with(b"\n")) {
                (true, _, _) | (_, true, _) => {}
                (_, _, true) => new.push(b'\n'),
                _ => new.extend_from_slice(b"\n\n"),
            }
            new.extend_from_slice(block.as_bytes());
            return Ok(Upsert::Write(new));
        }
        (Some(start), Some(end)) if end > start => (start, end),
        _ => return Err(BlockError::OneMarker),
    };
    let marker_end = text[start..end].find('\n').map_or(end, |at| start + at + 1);
    let marker = &text[start..marker_end];
    let recorded = marker
        .split_whitespace()
        .find_map(|w| w.strip_prefix("hash="))
        .and_then(|h| u64::from_str_radix(h, 16).ok());
    let found = &text[marker_end..end];
    let mut block_end = end + END.len();
    if text[block_end..].starts_with("\r\n") {
        block_end += 2;
    } else if text[block_end..].starts_with('\n') {
        block_end += 1;
    }
    let replace = || {
        let mut new = old[..start].to_vec();
        new.extend_from_slice(block.as_bytes());
        new.extend_from_slice(&old[block_end..]);
        new
    };
    let wanted = hash(body);
    let found_hash = hash(found);
    if found_hash == wanted {
        // baton's text; only the marker may be older (no hash yet).
        return Ok(if recorded == Some(wanted) {
            Upsert::Unchanged
        } else {
            Upsert::Write(replace())
        });
    }
    if recorded == Some(found_hash) || force {
        return Ok(Upsert::Write(replace()));
    }
    if recorded == Some(wanted) {
        return Ok(Upsert::KeptEdits);
    }
    Ok(Upsert::Edited {
        found: found.replace("\r\n", "\n"),
        wanted: body.to_string(),
        legacy: recorded.is_none(),
    })
}

/// A line diff from `found` to `wanted`: `-` lines only in the file, `+` lines only in
/// baton's text, unchanged lines between changes (at most two around each) kept for context.
pub fn diff(found: &str, wanted: &str) -> String {
    let old: Vec<&str> = found.lines().collect();
    let new: Vec<&str> = wanted.lines().collect();
    let ops = capture_diff_slices(Algorithm::Myers, &old, &new);
    let mut out = String::new();
    let last = ops.len().saturating_sub(1);
    for (i, op) in ops.iter().enumerate() {
        let (tag, o, n) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => {
                let lines = &old[o];
                let (head, tail) = match (i == 0, i == last) {
                    (true, true) => (0, 0),
                    (true, false) => (0, 2),
                    (false, true) => (2, 0),
                    (false, false) => (2, 2),
                };
                if lines.len() > head + tail {
                    for line in &lines[..head] {
                        out.push_str(&format!("  {line}\n"));
                    }
                    out.push_str("  …\n");
                    for line in &lines[lines.len() - tail..] {
                        out.push_str(&format!("  {line}\n"));
                    }
                } else {
                    for line in lines {
                        out.push_str(&format!("  {line}\n"));
                    }
                }
            }
            DiffTag::Delete | DiffTag::Insert | DiffTag::Replace => {
                for line in &old[o] {
                    out.push_str(&format!("- {line}\n"));
                }
                for line in &new[n] {
                    out.push_str(&format!("+ {line}\n"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(r: Result<Upsert, BlockError>) -> String {
        match r {
            Ok(Upsert::Write(bytes)) => String::from_utf8(bytes).expect("utf-8"),
            other => panic!("expected a write, got {other:?}"),
        }
    }

    #[test]
    fn new_and_appended_blocks_carry_their_hash() {
        let new = write(upsert(None, "one\n", false));
        assert!(new.starts_with("<!-- baton:agents:start hash="), "{new}");
        assert!(
            new.ends_with("-->\none\n<!-- baton:agents:end -->\n"),
            "{new}"
        );
        assert_eq!(
            upsert(Some(new.as_bytes()), "one\n", false),
            Ok(Upsert::Unchanged)
        );
        let appended = write(upsert(Some(b"# Notes"), "one\n", false));
        assert_eq!(appended, format!("# Notes\n\n{new}"));
    }

    #[test]
    fn baton_s_own_text_is_replaced_and_everything_outside_kept() {
        let old = format!("# Notes\n\n{}tail\n", render("one\n"));
        let new = write(upsert(Some(old.as_bytes()), "two\n", false));
        assert_eq!(new, format!("# Notes\n\n{}tail\n", render("two\n")));
        // CRLF from an editor is not an edit.
        let crlf = old.replace('\n', "\r\n");
        assert_eq!(
            upsert(Some(crlf.as_bytes()), "one\n", false),
            Ok(Upsert::Unchanged)
        );
        let new = write(upsert(Some(crlf.as_bytes()), "two\n", false));
        assert!(new.starts_with("# Notes\r\n\r\n<!-- baton"), "{new:?}");
        assert!(
            new.ends_with("<!-- baton:agents:end -->\ntail\r\n"),
            "{new:?}"
        );
    }

    #[test]
    fn edits_are_kept_or_refused() {
        let edited = render("one\n").replace("one\n", "one, and ours\n");
        assert_eq!(
            upsert(Some(edited.as_bytes()), "one\n", false),
            Ok(Upsert::KeptEdits)
        );
        assert_eq!(
            upsert(Some(edited.as_bytes()), "two\n", false),
            Ok(Upsert::Edited {
                found: "one, and ours\n".to_string(),
                wanted: "two\n".to_string(),
                legacy: false
            })
        );
        assert_eq!(
            write(upsert(Some(edited.as_bytes()), "two\n", true)),
            render("two\n")
        );
        // An older baton's block has no hash: same text gets the hash, other text is refused.
        let legacy = format!("{START} -->\none\n{END}\n");
        assert_eq!(
            write(upsert(Some(legacy.as_bytes()), "one\n", false)),
            render("one\n")
        );
        assert!(matches!(
            upsert(Some(legacy.as_bytes()), "two\n", false),
            Ok(Upsert::Edited { legacy: true, .. })
        ));
        let broken = format!("x\n{START} -->\n");
        assert_eq!(
            upsert(Some(broken.as_bytes()), "one\n", false),
            Err(BlockError::OneMarker)
        );
    }

    #[test]
    fn diff_shows_changed_lines_with_context() {
        let d = diff("a\nb\nc\nd\ne\nf\n", "a\nb\nC\nd\ne\nf\n");
        assert_eq!(d, "  a\n  b\n- c\n+ C\n  d\n  e\n  …\n");
    }
}
