//! A line scanner for the Markdown most plans are written in: ATX headings, bulleted list
//! items nested by their content column, paragraphs and blank lines. Over such text it
//! records the same headings and list items as the pulldown-cmark pass ([`Part::scan`]), at a
//! fraction of the cost, because it never builds a tree or reads inline syntax.
//!
//! It gives up on the first line that could mean anything else (code, HTML, quotes, tables,
//! setext underlines, thematic breaks, ordered lists, link reference definitions, tabs, a
//! heading inside an item, …), and the stretch is then read by pulldown-cmark from its
//! start. Giving up is always safe; a line read here must read as
//! CommonMark reads it. The differential tests in `simple_tests.rs` and the fuzz target hold
//! the two readers to the same result.

use super::{Heading, Part, Scanned, bare_item_line, small};

/// An open list item: its index in [`Part::items`] and the column its content starts at.
#[derive(Clone, Copy)]
struct OpenItem {
    item: usize,
    content_col: usize,
}

/// Bytes that make a stretch too involved for this scanner wherever they stand: `|` (tables),
/// tabs (columns in steps of four), NUL (replaced by the renderer), vertical tab and form
/// feed (whitespace to pulldown-cmark).
fn has_awkward_bytes(bytes: &[u8]) -> bool {
    memchr::memchr3(b'|', b'\t', 0, bytes).is_some()
        || memchr::memchr2(0x0b, 0x0c, bytes).is_some()
        // Link reference definitions are looked up across the whole document.
        || memchr::memmem::find(bytes, b"]:").is_some()
        // A carriage return is a line ending of its own unless a line feed follows it.
        || memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
}

/// Whether `rest` (a line from its first non-space byte) opens a block other than a
/// paragraph or a bulleted item: an ATX heading, a fence, an HTML block, a quote, an ordered
/// item; or is made only of the characters of thematic breaks, setext underlines and bare
/// list markers. Bulleted items are recognised before this is asked.
fn opens_other_block(rest: &[u8]) -> bool {
    match rest[0] {
        b'#' => {
            let hashes = rest.iter().take_while(|&&b| b == b'#').count();
            hashes <= 6 && matches!(rest.get(hashes), None | Some(b' '))
        }
        b'`' | b'~' => rest.iter().take_while(|&&b| b == rest[0]).count() >= 3,
        b'<' | b'>' => true,
        b'0'..=b'9' => {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            digits <= 9
                && matches!(rest.get(digits), Some(b'.' | b')'))
                && matches!(rest.get(digits + 1), None | Some(b' '))
        }
        _ => rest
            .iter()
            .all(|b| matches!(b, b'-' | b'*' | b'_' | b'=' | b'+' | b' ')),
    }
}

/// Whether `rest` starts with a bullet list marker followed by a space.
fn is_bullet(rest: &[u8]) -> bool {
    matches!(rest[0], b'-' | b'*' | b'+') && rest.get(1) == Some(&b' ')
}

/// Characters a heading's text may hold here: nothing that inline Markdown would render
/// differently from the source.
fn plain_heading_text(text: &[u8]) -> bool {
    !text.iter().any(|b| {
        matches!(
            b,
            b'\\' | b'`' | b'*' | b'_' | b'<' | b'>' | b'&' | b'[' | b']' | b'!' | b'~' | b'#'
        )
    })
}

impl Part<'_> {
    /// Reads `from..to` as [`Part::scan`] would, if every line is simple enough; `None`
    /// (with the part as it was) otherwise.
    pub(super) fn scan_simple(&mut self, from: usize, to: usize) -> Option<Scanned> {
        let bytes = &self.text.as_bytes()[..to];
        if has_awkward_bytes(&bytes[from..]) {
            return None;
        }
        let (items_before, headings_before) = (self.items.len(), self.headings.len());
        let scanned = self.scan_simple_lines(from, to);
        if scanned.is_none() {
            self.items.truncate(items_before);
            self.headings.truncate(headings_before);
        }
        scanned
    }

    fn scan_simple_lines(&mut self, from: usize, to: usize) -> Option<Scanned> {
        let bytes = &self.text.as_bytes()[..to];
        let mut open: Vec<OpenItem> = Vec::new();
        // A paragraph is open (in the innermost open item, or outside any).
        let mut paragraph = false;
        // That paragraph is the head of the innermost open item.
        let mut in_head = false;
        let mut any_text = false;
        let mut at = from;
        while at < to {
            let newline = memchr::memchr(b'\n', &bytes[at..]).map_or(to, |i| at + i);
            let next = (newline + 1).min(to);
            let end = if newline > at && bytes[newline - 1] == b'\r' {
                newline - 1
            } else {
                newline
            };
            let line = &bytes[at..end];
            let indent = line.iter().take_while(|&&b| b == b' ').count();
            if indent == line.len() {
                paragraph = false;
                in_head = false;
                at = next;
                continue;
            }
            let rest = &line[indent..];
            // Trailing spaces are not part of the text a renderer sees.
            let text_end = at + line.trim_ascii_end().len();
            any_text = true;
            let matched = open.iter().take_while(|o| o.content_col <= indent).count();
            let column = matched.checked_sub(1).map_or(0, |m| open[m].content_col);
            // Four columns past the container: paragraph text, or else indented code.
            let deep = indent - column >= 4;
            if deep && paragraph {
                if in_head {
                    self.extend_head(&open, text_end);
                }
            } else if deep {
                return None;
            } else if is_bullet(rest) {
                let spaces = rest[1..].iter().take_while(|&&b| b == b' ').count();
                let content = &rest[1 + spaces..];
                if spaces > 4
                    || content.is_empty()
                    || is_bullet(content)
                    || opens_other_block(content)
                {
                    return None;
                }
                // Bullet items are also made of thematic-break characters (`- - -`).
                if opens_other_block(rest) {
                    return None;
                }
                self.close_items(&mut open, matched, at);
                let start = at + indent;
                let mut frame =
                    self.item_frame(start, start, open.len(), open.last().map(|o| o.item));
                frame.head_end = frame.head_end.max(small(text_end));
                self.items.push(frame);
                open.push(OpenItem {
                    item: self.items.len() - 1,
                    content_col: indent + 1 + spaces,
                });
                paragraph = true;
                in_head = true;
            } else if opens_other_block(rest) {
                // An ATX heading in the first column closes every item; anything else is
                // pulldown-cmark's to read.
                if indent != 0 || rest[0] != b'#' {
                    return None;
                }
                let hashes = rest.iter().take_while(|&&b| b == b'#').count();
                if !plain_heading_text(&rest[hashes..]) {
                    return None;
                }
                let heading_text = self.text[at + hashes..end].trim();
                self.close_items(&mut open, 0, at);
                self.headings.push(Heading {
                    level: hashes as u8,
                    text: heading_text.to_string(),
                    span: self.span(at, end),
                });
                paragraph = false;
                in_head = false;
            } else if paragraph {
                // A continuation line, lazy or not: it changes no container.
                if in_head {
                    self.extend_head(&open, text_end);
                }
            } else {
                self.close_items(&mut open, matched, at);
                paragraph = true;
                in_head = false;
            }
            at = next;
        }
        // As in the pulldown pass: an item still open at the end whose first line holds
        // nothing but marker characters (`- 5`) may take in what follows the stretch.
        let bare_item_at_end = open
            .iter()
            .any(|o| bare_item_line(bytes, self.items[o.item].start as usize));
        self.close_items(&mut open, 0, to);
        Some(Scanned {
            finished: true,
            clean: any_text && !bare_item_at_end,
        })
    }

    /// The head of the innermost open item now reaches `to` (a continuation line's text).
    fn extend_head(&mut self, open: &[OpenItem], to: usize) {
        if let Some(o) = open.last() {
            let item = &mut self.items[o.item];
            item.head_end = item.head_end.max(small(to));
        }
    }

    /// Closes the open items after the first `keep`, ending them at `at`.
    fn close_items(&mut self, open: &mut Vec<OpenItem>, keep: usize, at: usize) {
        for o in open.drain(keep..) {
            let item = &mut self.items[o.item];
            item.end = small(at);
            item.head_done = true;
        }
    }
}
