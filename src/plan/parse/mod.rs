//! Markdown bytes → [`Plan`]. CommonMark structure comes from pulldown-cmark's offset events,
//! so code blocks, HTML blocks, quotes and nesting are read exactly as a renderer reads them;
//! checkboxes are read from the source bytes themselves so every status keeps its byte offset.
//!
//! The parser never fails: whatever it cannot read becomes a diagnostic.
//!
//! Most stretches of most plans are plain Markdown (headings, bulleted items, paragraphs);
//! those are read by the line scanner of [`simple`], which records what the pulldown-cmark
//! pass would without building a tree. Anything else goes through pulldown-cmark.
//!
//! A large plan is read in stretches: the text is cut before phase headings where CommonMark
//! provably starts afresh (see [`split_points`]), each stretch is read and turned into tasks
//! on whichever thread takes it, and the stretches are joined in order. The result is the
//! same, byte for byte, as reading the whole text in one piece.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::keys::{self, Key};
use super::model::*;

mod simple;
#[cfg(test)]
mod simple_tests;
mod unclosed;

/// Parses a plan. Bytes that are not UTF-8 are read as [`SUBSTITUTE`] (one for one, so every offset
/// still points into the original bytes) and reported.
pub fn parse(bytes: &[u8]) -> Plan {
    parse_with(bytes, Split::Auto)
}

/// Plans shorter than this are read on one thread. Below it a second thread saves a few
/// milliseconds at best, and on a busy machine (where the second core is not free) it costs
/// about as much: not worth it for the plans read by every hook.
pub const SPLIT_MIN_LEN: usize = 2 * 1024 * 1024;

/// How far apart [`Split::Auto`] cuts a large plan: each stretch goes through pulldown-cmark
/// on its own, so the Markdown tree stays small and its memory is reused stretch after
/// stretch instead of growing to the whole plan's size. On the 100k-task benchmark plan,
/// 64 KiB took 7 MiB less memory and 14% fewer page faults than 256 KiB, and no more time.
pub const CHUNK_LEN: usize = 64 * 1024;

/// Whether [`parse_with`] may read a plan in stretches, on more than one thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Always one stretch, on this thread.
    Never,
    /// Stretches of about [`CHUNK_LEN`] bytes for plans of [`SPLIT_MIN_LEN`] bytes or more
    /// that have sound split points.
    Auto,
    /// One cut, at the first sound split point at or after this offset (for tests: the
    /// result must not depend on where the text is cut).
    From(usize),
    /// A cut at the first sound split point at least this many bytes after the previous
    /// one, whatever the size (for tests: many stretches, however short).
    Every(usize),
}

/// Which reader records a stretch's headings and list items. Both give the same plan: the
/// choice exists so that tests and the fuzz target can hold them to it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocks {
    /// The line scanner of [`simple`] where every line is simple enough, else
    /// pulldown-cmark.
    Auto,
    /// pulldown-cmark only.
    Pulldown,
}

/// [`parse`], choosing how the work may be divided. Every choice gives the same plan.
pub fn parse_with(bytes: &[u8], split: Split) -> Plan {
    parse_with_blocks(bytes, split, Blocks::Auto)
}

/// [`parse_with`], choosing the block reader too.
#[doc(hidden)]
pub fn parse_with_blocks(bytes: &[u8], split: Split, blocks: Blocks) -> Plan {
    let mut diagnostics = Vec::new();
    if bytes.len() > MAX_LEN {
        diagnostics.push(Diagnostic {
            code: "B003",
            name: "too-large",
            severity: Severity::Error,
            message: format!(
                "the plan is {} bytes; baton reads plans up to 4 GiB",
                bytes.len()
            ),
            span: Span {
                start: 0,
                end: 0,
                line: 1,
                col: 1,
            },
            hint: Some("split the plan into several files".to_string()),
        });
        let mut plan = build("", diagnostics, Split::Never, blocks);
        plan.len = bytes.len();
        return plan;
    }
    let text = sanitize(bytes, &mut diagnostics);
    let mut plan = build(&text, diagnostics, split, blocks);
    plan.len = bytes.len();
    plan
}

/// The largest plan baton reads: offsets are kept in 32 bits.
pub const MAX_LEN: usize = u32::MAX as usize;

/// What an invalid byte reads as: the ASCII substitute character, one byte like the byte it
/// stands for, and no Markdown syntax (a `?` after `<` would open an HTML block).
pub const SUBSTITUTE: char = '\u{1a}';

/// Replaces each invalid byte with [`SUBSTITUTE`] so the text has the same length as the bytes.
fn sanitize<'b>(bytes: &'b [u8], diagnostics: &mut Vec<Diagnostic>) -> Cow<'b, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(bytes.len());
    let mut bad = 0usize;
    let mut first_bad = None;
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            first_bad.get_or_insert(out.len());
            bad += chunk.invalid().len();
            out.extend(std::iter::repeat_n(SUBSTITUTE, chunk.invalid().len()));
        }
    }
    if let Some(at) = first_bad {
        let lines = LineIndex::new(&out);
        diagnostics.push(Diagnostic {
            code: "B001",
            name: "not-utf8",
            severity: Severity::Warning,
            message: format!(
                "{bad} byte(s) are not UTF-8; they are read as U+001A and kept as they are"
            ),
            span: lines.span(&out, at, at + 1),
            hint: Some("save the plan as UTF-8".to_string()),
        });
    }
    Cow::Owned(out)
}

/// Byte offset → line and column: where every line starts.
pub(crate) struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 24 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| small(i + 1)));
        LineIndex { starts }
    }

    pub(crate) fn span(&self, text: &str, start: usize, end: usize) -> Span {
        Lines::new(self).span(text, start, end)
    }

    /// How many lines end in CRLF, and how many lines there are.
    fn line_endings(&self, text: &str) -> (usize, usize) {
        let bytes = text.as_bytes();
        let crlf = self.starts[1..]
            .iter()
            .filter(|&&s| s >= 2 && bytes[s as usize - 2] == b'\r')
            .count();
        (crlf, self.starts.len() - 1)
    }
}

/// A reader of a [`LineIndex`] that remembers the line of its last lookup: spans are mostly
/// asked for in file order. One per thread.
struct Lines<'l> {
    starts: &'l [u32],
    hint: Cell<usize>,
}

impl<'l> Lines<'l> {
    fn new(index: &'l LineIndex) -> Self {
        Lines {
            starts: &index.starts,
            hint: Cell::new(0),
        }
    }

    fn line_of(&self, at: usize) -> usize {
        let hint = self.hint.get();
        let starts = self.starts;
        let at = at.min(u32::MAX as usize) as u32;
        // Walk a few lines forward from the last answer before falling back to bisection.
        let line = if starts[hint] <= at {
            let mut line = hint;
            let mut steps = 0;
            while line + 1 < starts.len() && starts[line + 1] <= at && steps < 16 {
                line += 1;
                steps += 1;
            }
            if line + 1 < starts.len() && starts[line + 1] <= at {
                starts.partition_point(|&s| s <= at) - 1
            } else {
                line
            }
        } else {
            starts.partition_point(|&s| s <= at).saturating_sub(1)
        };
        self.hint.set(line);
        line
    }

    fn span(&self, text: &str, start: usize, end: usize) -> Span {
        let line = self.line_of(start);
        let line_start = self.starts[line] as usize;
        let prefix = text.get(line_start..start);
        let col = prefix.map_or(start - line_start, |s| {
            if s.is_ascii() {
                s.len()
            } else {
                s.chars().count()
            }
        }) + 1;
        Span {
            start,
            end,
            line: line as u32 + 1,
            col: col as u32,
        }
    }
}

/// Reads the text into a plan, in stretches on several threads when `split` allows it and
/// the text has sound split points, else in one piece on this one.
fn build(text: &str, diagnostics: Vec<Diagnostic>, split: Split, blocks: Blocks) -> Plan {
    let lines = LineIndex::new(text);
    let from = markdown_start(text);
    let cuts = split_points(text, from, split);
    let joined = Some(cuts)
        .filter(|cuts| !cuts.is_empty())
        .and_then(|cuts| read_stretches(text, &lines, &stretches(text, from, &cuts), blocks))
        .unwrap_or_else(|| {
            let mut part = Part::new(text, &lines, blocks);
            part.scan(from, text.len(), None);
            part.read_items();
            let mut joined = Joined::with_capacity(0);
            joined.push(part);
            joined
        });
    assemble(text, &lines, diagnostics, joined)
}

/// The stretches between `from`, the cuts and the end of the text.
fn stretches(text: &str, from: usize, cuts: &[usize]) -> Vec<(usize, usize)> {
    let starts = std::iter::once(from).chain(cuts.iter().copied());
    let ends = cuts.iter().copied().chain(std::iter::once(text.len()));
    starts.zip(ends).collect()
}

/// Where the Markdown starts: after a byte order mark and YAML front matter (only at the
/// very top: pulldown-cmark's own option would read any `---` … `---` stretch further down as
/// front matter and swallow its tasks).
fn markdown_start(text: &str) -> usize {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    bom + front_matter_len(&text[bom..])
}

/// The cuts [`parse_with`] makes for valid UTF-8 `bytes`, if it makes any.
#[cfg(test)]
pub(crate) fn accepted_cuts(bytes: &[u8], split: Split) -> Option<Vec<usize>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let lines = LineIndex::new(text);
    let from = markdown_start(text);
    let cuts = split_points(text, from, split);
    let all = stretches(text, from, &cuts);
    let clean = all[..all.len() - 1].iter().all(|&(start, end)| {
        Part::new(text, &lines, Blocks::Auto)
            .scan(start, end, None)
            .clean
    });
    (clean && !cuts.is_empty()).then_some(cuts)
}

/// The length of a YAML front matter block at the start of `text`: `---` on the first line,
/// then lines up to a closing `---` or `...`. Zero when there is none.
fn front_matter_len(text: &str) -> usize {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_end].trim_end() != "---" {
        return 0;
    }
    let mut at = first_end;
    while at < text.len() {
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
        let line = text[at..end].trim_end();
        if line == "---" || line == "..." {
            return end;
        }
        // A heading or a task is Markdown, not YAML: then the `---` was a thematic break.
        let trimmed = line.trim_start();
        if trimmed.starts_with("# ") || trimmed.starts_with("## ") || trimmed.contains("- [") {
            return 0;
        }
        at = end;
    }
    0
}

/// Offset of the end of the line containing `at`, before its line ending. Works on bytes, so
/// `at` may fall inside a character or past the end.
fn line_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let at = at.min(bytes.len());
    let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
    if end > at && bytes[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Offset of the start of the line after the one containing `at` (or the end of text).
fn next_line_start(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let at = at.min(bytes.len());
    memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1)
}

/// A checkbox read from the bytes at the start of a list item.
struct Checkbox {
    status: Status,
    mark_at: usize,
    /// Offset just after the `]` (and the `*` of an optional task).
    after: usize,
    optional: bool,
}

fn read_checkbox(text: &str, item_start: usize) -> Option<Checkbox> {
    let b = text.as_bytes();
    let mut i = item_start;
    // The list marker: `-`, `*`, `+`, or digits followed by `.` or `)`.
    match b.get(i)? {
        b'-' | b'*' | b'+' => i += 1,
        c if c.is_ascii_digit() => {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if !matches!(b.get(i), Some(b'.' | b')')) {
                return None;
            }
            i += 1;
        }
        _ => return None,
    }
    // Columns after the marker, tabs to the next multiple of four. Five or more make the
    // item's first line an indented code block (CommonMark), and code is never a task.
    let line_start = memchr::memrchr(b'\n', &b[..item_start]).map_or(0, |p| p + 1);
    let mut column = text
        .get(line_start..i)
        .map_or(i - line_start, |s| s.chars().count());
    let marker_end = column;
    while let Some(&c) = b.get(i) {
        match c {
            b' ' => column += 1,
            b'\t' => column += 4 - column % 4,
            _ => break,
        }
        i += 1;
    }
    let width = column - marker_end;
    if width == 0 || width > 4 {
        return None;
    }
    if b.get(i) != Some(&b'[') || b.get(i + 2) != Some(&b']') {
        return None;
    }
    let status = Status::from_mark(*b.get(i + 1)?)?;
    let mark_at = i + 1;
    let mut after = i + 3;
    let mut optional = false;
    if b.get(after) == Some(&b'*') {
        optional = true;
        after += 1;
    }
    match b.get(after) {
        None | Some(b' ' | b'\t' | b'\r' | b'\n') => {}
        _ => return None,
    }
    Some(Checkbox {
        status,
        mark_at,
        after,
        optional,
    })
}

/// Offset just after a list item's marker and the spaces that follow it.
fn after_marker(text: &str, item_start: usize) -> usize {
    let b = text.as_bytes();
    let mut i = item_start;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if matches!(b.get(i), Some(b'-' | b'*' | b'+' | b'.' | b')')) {
        i += 1;
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i.min(text.len())
}

/// An item's head as written: its first paragraph, continuation lines joined by a space
/// (their indentation and quote markers dropped). Raw text keeps `*` in globs and backticks.
fn raw_head(text: &str, from: usize, to: usize) -> Cow<'_, str> {
    let to = to.max(from).min(text.len());
    let slice = &text[from..to];
    if !slice.contains('\n') {
        return Cow::Borrowed(slice.trim());
    }
    let mut out = String::new();
    for (n, line) in slice.lines().enumerate() {
        let line = if n == 0 {
            line
        } else {
            line.trim_start_matches([' ', '\t', '>'])
        };
        if n > 0 {
            out.push(' ');
        }
        out.push_str(line.trim_end());
    }
    Cow::Owned(out.trim().to_string())
}

/// Where the text may be cut so that each stretch can go through pulldown-cmark on its own;
/// none to read it in one piece.
///
/// A candidate is the start of a line that opens an ATX heading (`#` in the first column) right
/// after a blank line, in a text with no link reference definitions (no `]:` anywhere: they are
/// the only thing one part of a CommonMark document can look up in another). Such a line
/// closes every open container (its `#` is no list continuation and no `>`) and interrupts
/// any paragraph, so pulldown-cmark's block state there is empty unless (a) a code block,
/// HTML block or table that runs over blank lines is still open, or (b) a list item that
/// began with a blank line has lost its indentation and swallows the heading. Neither can be
/// seen reliably in the bytes alone, so [`Part::scan`] checks both on the events of each
/// stretch before a cut (see [`Scanned::clean`]), and the text is read in one piece when
/// either may hold. A stretch that starts at a sound cut reads as the whole text reads
/// there, so every cut after it is judged the same way.
fn split_points(text: &str, from: usize, split: Split) -> Vec<usize> {
    let bytes = text.as_bytes();
    let (first, stride) = match split {
        Split::Never => return Vec::new(),
        Split::Auto if bytes.len() < SPLIT_MIN_LEN => return Vec::new(),
        Split::Auto => (from + CHUNK_LEN, Some(CHUNK_LEN)),
        Split::Every(stride) => (from + stride, Some(stride.max(1))),
        Split::From(at) => (at, None),
    };
    if first >= bytes.len() || memchr::memmem::find(bytes, b"]:").is_some() {
        return Vec::new();
    }
    let mut cuts = Vec::new();
    let mut search_from = first;
    while search_from < bytes.len() {
        let Some(at) = memchr::memmem::find_iter(&bytes[search_from..], b"\n#")
            .map(|i| search_from + i + 1)
            .find(|&at| is_split_candidate(bytes, from, at))
        else {
            break;
        };
        cuts.push(at);
        match stride {
            Some(stride) => search_from = at + stride,
            None => break,
        }
    }
    cuts
}

/// Whether the line at `at` (just after a `\n`) is an ATX heading after a blank line, with
/// something before it that is neither fenced code, HTML nor a table (those make the split
/// likely to be refused by [`Scanned::clean`], so they are skipped here; soundness does not
/// depend on this).
fn is_split_candidate(bytes: &[u8], from: usize, at: usize) -> bool {
    let hashes = bytes[at..]
        .iter()
        .take(7)
        .take_while(|&&b| b == b'#')
        .count();
    if !(1..=6).contains(&hashes)
        || !matches!(
            bytes.get(at + hashes),
            None | Some(b' ' | b'\t' | b'\r' | b'\n')
        )
    {
        return false;
    }
    // Back over blank lines (at least one) to the last line with text.
    let mut end = at - 1; // the `\n` ending the line before
    let mut blank_lines = 0;
    loop {
        if end <= from {
            return false;
        }
        let start = memchr::memrchr(b'\n', &bytes[from..end]).map_or(from, |i| from + i + 1);
        let line = &bytes[start..end];
        if line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
            blank_lines += 1;
            if start == from {
                return false;
            }
            end = start - 1;
            continue;
        }
        if blank_lines == 0 {
            return false;
        }
        let text = line.trim_ascii();
        return !(text.starts_with(b"```")
            || text.starts_with(b"~~~")
            || text.starts_with(b"<")
            || text.ends_with(b">")
            || text.starts_with(b"|")
            || line.starts_with(b"    ")
            || line.starts_with(b"\t"));
    }
}

/// Whether a list item's first line, from `start`, holds nothing but its marker: such an item
/// may lose its indentation in pulldown-cmark and take the next lines in.
fn bare_item_line(bytes: &[u8], start: usize) -> bool {
    bytes[start.min(bytes.len())..]
        .iter()
        .take_while(|&&b| b != b'\n' && b != b'\r')
        .all(|&b| {
            matches!(
                b,
                b' ' | b'\t' | b'>' | b'-' | b'*' | b'+' | b'.' | b')' | b'0'..=b'9'
            )
        })
}

/// Reads each stretch into a part on worker threads (as many as there are cores, up to
/// four), each taking the next stretch not yet taken, while this thread joins the parts in
/// order as they come in. None when a stretch before a cut turns out not to end cleanly
/// (then nothing of the work is used) or no thread could be started.
fn read_stretches<'a>(
    text: &'a str,
    lines: &'a LineIndex,
    bounds: &[(usize, usize)],
    blocks: Blocks,
) -> Option<Joined> {
    let abort = AtomicBool::new(false);
    let next = AtomicUsize::new(0);
    let last = bounds.len() - 1;
    let work = |done: mpsc::Sender<(usize, Part<'a>)>| {
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= bounds.len() || abort.load(Ordering::Relaxed) {
                break;
            }
            let (start, end) = bounds[k];
            let mut part = Part::new(text, lines, blocks);
            let scanned = part.scan(start, end, Some(&abort));
            if !scanned.finished {
                break;
            }
            if k < last && !scanned.clean {
                abort.store(true, Ordering::Relaxed);
                break;
            }
            part.read_items();
            if done.send((k, part)).is_err() {
                break;
            }
        }
    };
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4)
        .min(bounds.len());
    std::thread::scope(|scope| {
        let work = &work;
        let (done, parts) = mpsc::channel();
        for _ in 0..workers {
            let done = done.clone();
            // A worker that cannot be started leaves its stretches to the others.
            let _ = std::thread::Builder::new()
                .name("baton-parse".to_string())
                .stack_size(8 << 20)
                .spawn_scoped(scope, move || work(done));
        }
        drop(done);
        let mut joined = Joined::with_capacity(checkbox_bound(&text.as_bytes()[bounds[0].0..]));
        let mut waiting: Vec<Option<Part<'a>>> = Vec::new();
        waiting.resize_with(bounds.len(), || None);
        for (k, part) in parts {
            waiting[k] = Some(part);
            while let Some(part) = waiting.get_mut(joined.parts).and_then(Option::take) {
                joined.push(part);
            }
        }
        (!abort.load(Ordering::Relaxed) && joined.parts == bounds.len()).then_some(joined)
    })
}

/// At least as many as the checkboxes in `bytes` (every task has one): room for every task at
/// once, so the joined list never moves. Room no task takes is never touched.
fn checkbox_bound(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'[', bytes)
        .filter(|&i| bytes.get(i + 2) == Some(&b']'))
        .count()
}

#[derive(Debug, PartialEq)]
struct Heading {
    level: u8,
    text: String,
    span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum FrameKind {
    /// The head is not complete yet.
    Pending,
    Task(u32),
    /// An acceptance checkbox of a task.
    Acceptance,
    /// A plain item: description or metadata of `owner`.
    Plain {
        owner: Option<u32>,
        key: Option<Key>,
    },
}

/// A list item as the pulldown pass saw it. Offsets are `u32` (plans over 4 GiB are
/// refused) to keep the record small: a 100,000-task plan has some 350,000 items.
#[derive(Debug, PartialEq)]
struct Frame {
    start: u32,
    end: u32,
    /// The checkbox: its status, the offset of its mark, and Kiro's optional `*`.
    checkbox: Option<(Status, u32, bool)>,
    /// Where the head's text starts (after the marker and checkbox) and ends.
    head_start: u32,
    head_end: u32,
    head_done: bool,
    kind: FrameKind,
    /// Nesting depth among list items (0 = top level).
    depth: u32,
    /// The enclosing item, by index into `Part::items`.
    parent: Option<u32>,
    /// The heading the item stands under, by index into `Part::headings`.
    heading: Option<u32>,
}

/// What the decisions log needs of a top-level list item.
#[derive(Debug)]
struct TopItem {
    start: u32,
    end: u32,
    head_start: u32,
    head_end: u32,
}

/// Offsets and indices below [`MAX_LEN`] fit in a `u32`.
fn small(n: usize) -> u32 {
    n as u32
}

/// What [`Part::scan`] saw at the end of its range.
struct Scanned {
    /// The whole range was read (not stopped by the abort flag).
    finished: bool,
    /// The part ends where a fresh parse of the rest gives the same events as a parse of
    /// the whole: the last leaf block is a paragraph, heading or thematic break (none of
    /// which reaches over a blank line), and no list item that ends with the part began
    /// with a bare marker line (pulldown-cmark keeps such an item open at indentation 0).
    clean: bool,
}

/// Blocks that can run over blank lines, or whose end is decided by lines after them.
fn unsafe_block(tag: &Tag<'_>) -> bool {
    !matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::Item
            | Tag::List(_)
            | Tag::BlockQuote(_)
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// The end of a block that [`unsafe_block`] counts.
fn unsafe_block_end(tag: &TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::Item
            | TagEnd::List(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// One stretch of the text read into items and tasks. The whole text is one part, unless it
/// is read in stretches; parts are then joined by [`assemble`].
struct Part<'a> {
    text: &'a str,
    blocks: Blocks,
    lines: Lines<'a>,
    tasks: Vec<Task>,
    /// For each task, the heading it stands under (index into `headings`).
    task_heading: Vec<Option<usize>>,
    headings: Vec<Heading>,
    /// Every list item, in document order. The pulldown pass records them; reading them
    /// into tasks happens after it, once the Markdown parser's tree has been freed.
    items: Vec<Frame>,
    /// The top-level items, kept for the decisions log once `items` is freed.
    top_items: Vec<TopItem>,
    /// The items open at the current point of the pulldown pass.
    open: Vec<usize>,
    /// Inline text being collected for a heading.
    heading_text: Option<String>,
    plain_items_outside_tasks: usize,
    /// Done tasks marked `[X]` and `[x]`.
    upper_x: usize,
    lower_x: usize,
    /// Each task's id as an [`IdMap::key`] ([`IdMap::NO_ID`] for none).
    id_keys: Vec<u128>,
    /// What linking needs to know of each task besides its id.
    shapes: Vec<TaskShape>,
    /// The keys of every task's `after` references, task after task.
    dep_keys: Vec<u128>,
    /// A block that opens and never closes: it runs to the end of the text.
    unclosed: Option<(unclosed::Open, usize)>,
}

impl<'a> Part<'a> {
    fn new(text: &'a str, lines: &'a LineIndex, blocks: Blocks) -> Self {
        Part {
            text,
            blocks,
            lines: Lines::new(lines),
            tasks: Vec::new(),
            task_heading: Vec::new(),
            headings: Vec::new(),
            items: Vec::new(),
            top_items: Vec::new(),
            open: Vec::new(),
            heading_text: None,
            plain_items_outside_tasks: 0,
            upper_x: 0,
            lower_x: 0,
            id_keys: Vec::new(),
            shapes: Vec::new(),
            dep_keys: Vec::new(),
            unclosed: None,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        self.lines.span(self.text, start, end)
    }

    /// Records the headings and list items of `from..to`: with the line scanner of
    /// [`simple`] when every line is simple enough, else with pulldown-cmark.
    fn scan(&mut self, from: usize, to: usize, abort: Option<&AtomicBool>) -> Scanned {
        let simple = match self.blocks {
            Blocks::Auto => self.scan_simple(from, to),
            Blocks::Pulldown => None,
        };
        simple.unwrap_or_else(|| self.scan_pulldown(from, to, abort))
    }

    /// The pulldown pass over `from..to`: records headings and list items.
    fn scan_pulldown(&mut self, from: usize, to: usize, abort: Option<&AtomicBool>) -> Scanned {
        let text = self.text;
        // Only what changes block structure: tables (GitHub renders them). Front matter is
        // cut off by the caller: pulldown-cmark's own option would read any `---` … `---`
        // stretch further down as front matter and swallow its tasks.
        let options = Options::ENABLE_TABLES;
        let mut in_code = 0usize;
        let mut in_item_heading = 0usize;
        // For `Scanned::clean`.
        let mut unsafe_depth = 0usize;
        let mut leaf_safe = false;
        let mut bare_item_at_end = false;
        let mut events = 0u32;
        for (event, range) in Parser::new_ext(&text[from..to], options).into_offset_iter() {
            let range = range.start + from..range.end + from;
            if let Some(abort) = abort {
                events = events.wrapping_add(1);
                if events.is_multiple_of(4096) && abort.load(Ordering::Relaxed) {
                    return Scanned {
                        finished: false,
                        clean: false,
                    };
                }
            }
            match &event {
                Event::Start(tag) if unsafe_block(tag) => {
                    unsafe_depth += 1;
                    leaf_safe = false;
                }
                Event::End(tag) if unsafe_block_end(tag) => {
                    unsafe_depth = unsafe_depth.saturating_sub(1);
                    leaf_safe = false;
                }
                Event::Start(Tag::Item | Tag::List(_) | Tag::BlockQuote(_))
                | Event::End(TagEnd::List(_) | TagEnd::BlockQuote(_)) => {}
                Event::End(TagEnd::Item) => {
                    if range.end >= to && bare_item_line(text.as_bytes(), range.start) {
                        bare_item_at_end = true;
                    }
                }
                _ => {
                    if unsafe_depth == 0 {
                        leaf_safe = true;
                    }
                }
            }
            match event {
                Event::Start(Tag::Heading { .. }) => {
                    // An item's first line underlined (`- [ ] T1 x` then `  ---`) is a setext
                    // heading inside the item: still the item's head, not a phase.
                    if self.block_is_head(range.start) {
                        in_item_heading += 1;
                        continue;
                    }
                    self.finish_open_heads();
                    self.heading_text = Some(String::new());
                }
                Event::End(TagEnd::Heading(_)) if in_item_heading > 0 => in_item_heading -= 1,
                Event::Start(Tag::Table(_)) if self.block_is_head(range.start) => {}
                Event::End(TagEnd::Heading(level)) => {
                    let heading_text = self.heading_text.take().unwrap_or_default();
                    let end = line_end(text, range.start).max(range.start);
                    let span = self.span(range.start, end.min(range.end));
                    self.headings.push(Heading {
                        level: level as u8,
                        text: heading_text.trim().to_string(),
                        span,
                    });
                }
                Event::Start(Tag::Item) => {
                    self.finish_open_heads();
                    // An item indented one to three columns past its container starts
                    // before those spaces: the item is read from its marker.
                    let start = range.start
                        + text.as_bytes()[range.start..range.end]
                            .iter()
                            .take_while(|&&b| b == b' ' || b == b'\t')
                            .count();
                    let frame = self.item_frame(
                        start,
                        range.end,
                        self.open.len(),
                        self.open.last().copied(),
                    );
                    self.open.push(self.items.len());
                    self.items.push(frame);
                }
                Event::End(TagEnd::Item) => {
                    self.finish_head();
                    self.open.pop();
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    self.finish_open_heads();
                    in_code += 1;
                    if matches!(kind, pulldown_cmark::CodeBlockKind::Fenced(_))
                        && range.end == text.len()
                        && self.unclosed.is_none()
                        && unclosed::fence_is_open(&text[range.clone()])
                    {
                        self.unclosed = Some((unclosed::Open::Fence, range.start));
                    }
                }
                Event::Start(Tag::HtmlBlock)
                    if range.end == text.len()
                        && self.unclosed.is_none()
                        && unclosed::comment_is_open(&text[range.clone()]) =>
                {
                    self.finish_open_heads();
                    self.unclosed = Some((unclosed::Open::Comment, range.start));
                }
                Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
                Event::Start(Tag::Paragraph) => {
                    // A second paragraph in an item ends its head.
                    if let Some(&i) = self.open.last()
                        && self.items[i].head_end > self.items[i].head_start
                    {
                        self.finish_head();
                    }
                }
                Event::End(TagEnd::Paragraph) => self.finish_head(),
                Event::Start(
                    Tag::List(_)
                    | Tag::BlockQuote(_)
                    | Tag::HtmlBlock
                    | Tag::Table(_)
                    | Tag::MetadataBlock(_)
                    | Tag::FootnoteDefinition(_),
                ) => self.finish_open_heads(),
                Event::Text(t) if in_code == 0 => self.push_inline(&t, range.end),
                Event::Code(c) => {
                    self.push_inline("`", range.end);
                    self.push_inline(&c, range.end);
                    self.push_inline("`", range.end);
                }
                Event::SoftBreak | Event::HardBreak => self.push_inline(" ", range.end),
                Event::InlineHtml(_)
                | Event::FootnoteReference(_)
                | Event::End(
                    TagEnd::Emphasis
                    | TagEnd::Strong
                    | TagEnd::Strikethrough
                    | TagEnd::Link
                    | TagEnd::Image,
                ) => self.push_inline("", range.end),
                _ => {}
            }
        }
        self.finish_open_heads();
        Scanned {
            finished: true,
            clean: leaf_safe && unsafe_depth == 0 && !bare_item_at_end,
        }
    }

    /// A list item whose marker is at `start`, as either pass records it when the item opens:
    /// its checkbox and where its head starts are read from the source, its head is still
    /// empty, and it stands under the last heading so far.
    fn item_frame(&self, start: usize, end: usize, depth: usize, parent: Option<usize>) -> Frame {
        let found = read_checkbox(self.text, start);
        let head_start = found
            .as_ref()
            .map_or_else(|| after_marker(self.text, start), |c| c.after);
        Frame {
            start: small(start),
            end: small(end),
            checkbox: found.map(|c| (c.status, small(c.mark_at), c.optional)),
            head_start: small(head_start),
            head_end: small(head_start),
            head_done: false,
            kind: FrameKind::Pending,
            depth: small(depth),
            parent: parent.map(small),
            heading: self.headings.len().checked_sub(1).map(small),
        }
    }

    /// Whether a block starting at `start` is the first line of the innermost open item
    /// (a heading or table the item's own text turned into). Its first line becomes the
    /// item's head.
    fn block_is_head(&mut self, start: usize) -> bool {
        let Some(&i) = self.open.last() else {
            return false;
        };
        let item = &mut self.items[i];
        if item.head_done || item.head_end > item.head_start {
            return false;
        }
        let head_start = item.head_start as usize;
        if start > head_start || line_end(self.text, start) != line_end(self.text, head_start) {
            return false;
        }
        item.head_end = small(line_end(self.text, head_start));
        item.head_done = true;
        true
    }

    /// Headings collect their rendered text; items only note how far their head reaches.
    fn push_inline(&mut self, s: &str, end: usize) {
        if let Some(h) = self.heading_text.as_mut() {
            h.push_str(s);
        } else if let Some(&i) = self.open.last()
            && !self.items[i].head_done
        {
            self.items[i].head_end = self.items[i].head_end.max(small(end));
        }
    }

    /// Ends the head of every open item (a block started: nothing more joins their heads).
    fn finish_open_heads(&mut self) {
        for &i in &self.open {
            self.items[i].head_done = true;
        }
    }

    fn finish_head(&mut self) {
        if let Some(&i) = self.open.last() {
            self.items[i].head_done = true;
        }
    }

    /// Reads every recorded item, in document order, into tasks.
    fn read_items(&mut self) {
        // Every task is an item with a checkbox: room for all of them at once.
        let boxes = self.items.iter().filter(|f| f.checkbox.is_some()).count();
        self.tasks.reserve_exact(boxes);
        self.task_heading.reserve_exact(boxes);
        for i in 0..self.items.len() {
            self.read_item(i);
        }
        self.top_items = self
            .items
            .iter()
            .filter(|item| item.depth == 0)
            .map(|item| TopItem {
                start: item.start,
                end: item.end,
                head_start: item.head_start,
                head_end: item.head_end,
            })
            .collect();
        self.items = Vec::new();
        // Scope: declared, else inferred from the paths the task names (nothing later
        // changes a title, a note or the files). Lists grown by push keep room for more; a
        // large plan holds many small ones.
        for task in &mut self.tasks {
            if !task.files.is_empty() {
                task.scope_source = ScopeSource::Declared;
            } else {
                let mut inferred = keys::paths_in(&task.title);
                for note in &task.notes {
                    for path in keys::paths_in(note) {
                        if !inferred.contains(&path) {
                            inferred.push(path);
                        }
                    }
                }
                if !inferred.is_empty() {
                    task.files = inferred.into();
                    task.scope_source = ScopeSource::Inferred;
                }
            }
            task.deps.shrink_to_fit();
            task.files.shrink_to_fit();
            task.notes.shrink_to_fit();
            task.verify.shrink_to_fit();
            task.acceptance.shrink_to_fit();
            // Linking looks ids up by these keys, so it need not read the strings again
            // once they have left the cache.
            self.id_keys
                .push(task.id.as_deref().map_or(IdMap::NO_ID, IdMap::key));
            self.dep_keys
                .extend(task.deps.iter().map(|dep| IdMap::key(&dep.id)));
            self.shapes.push(TaskShape {
                deps: small(task.deps.len()),
                blocks: !task.blocks.is_empty(),
                parent: task.parent.is_some(),
            });
        }
    }

    /// The owning task and the key context of the nearest enclosing item.
    fn context(&self, i: usize) -> (Option<usize>, Option<Key>) {
        let parent = self.items[i].parent;
        match parent.map(|p| self.items[p as usize].kind) {
            Some(FrameKind::Task(t)) => (Some(t as usize), None),
            Some(FrameKind::Plain { owner, key }) => (owner.map(|o| o as usize), key),
            Some(FrameKind::Acceptance) => {
                let mut at = parent;
                while let Some(p) = at {
                    if let FrameKind::Task(t) = self.items[p as usize].kind {
                        return (Some(t as usize), None);
                    }
                    at = self.items[p as usize].parent;
                }
                (None, None)
            }
            _ => (None, None),
        }
    }

    fn read_item(&mut self, i: usize) {
        let (owner, parent_key) = self.context(i);
        let frame = &self.items[i];
        let head = raw_head(
            self.text,
            frame.head_start as usize,
            frame.head_end as usize,
        );
        let (start, end) = (frame.start as usize, frame.end as usize);
        let after = frame.head_start as usize;
        let kind = if let Some((status, mark_at, optional)) = frame.checkbox {
            let mark_at = mark_at as usize;
            let body = &*head;
            let subtask = owner.is_some_and(|o| self.is_subtask_of(body, o));
            match owner {
                Some(owner) if !subtask => {
                    let span = self.span(start, line_end(self.text, start));
                    self.tasks[owner].acceptance.push(AcceptanceItem {
                        text: body.trim().to_string(),
                        status,
                        span,
                    });
                    FrameKind::Acceptance
                }
                _ => {
                    let heading = frame.heading.map(|h| h as usize);
                    let index = self.new_task(body, status, start, mark_at, after, optional, owner);
                    self.task_heading[index] = heading;
                    FrameKind::Task(small(index))
                }
            }
        } else {
            match owner {
                Some(owner) => {
                    let key = self.plain_item(owner, parent_key, head.trim(), start, end);
                    FrameKind::Plain {
                        owner: Some(small(owner)),
                        key,
                    }
                }
                None => {
                    if !head.trim().is_empty() {
                        self.plain_items_outside_tasks += 1;
                    }
                    FrameKind::Plain {
                        owner: None,
                        key: None,
                    }
                }
            }
        };
        self.items[i].kind = kind;
    }

    /// A nested checkbox is a sub-task when it starts with an id of its parent's scheme.
    fn is_subtask_of(&self, body: &str, owner: usize) -> bool {
        let Some(parent_id) = self.tasks[owner].id.as_deref() else {
            return false;
        };
        let (id, _) = split_id(body);
        id.is_some_and(|id| keys::id_scheme(id) == keys::id_scheme(parent_id))
    }

    #[allow(clippy::too_many_arguments)]
    fn new_task(
        &mut self,
        body: &str,
        status: Status,
        start: usize,
        mark_at: usize,
        after: usize,
        optional: bool,
        parent: Option<usize>,
    ) -> usize {
        let index = self.tasks.len();
        let line_end = line_end(self.text, start);
        let line_span = self.span(start, line_end);
        let status_span = self.span(mark_at, mark_at + 1);
        match self.text.as_bytes()[mark_at] {
            b'X' => self.upper_x += 1,
            b'x' => self.lower_x += 1,
            _ => {}
        }
        let head = parse_head(body);
        let id_span = head.id.as_ref().map(|id| {
            // The body is usually a slice of the source; else search the line.
            let at = split_id(body)
                .0
                .and_then(|slice| offset_in(self.text, slice))
                .unwrap_or_else(|| {
                    let raw = &self.text[after..line_end.max(after)];
                    raw.find(id.as_str()).map_or(after, |i| after + i)
                });
            self.span(at, at + id.len())
        });
        let mut task = Task {
            index,
            id: head.id,
            id_span,
            title: head.title,
            status,
            status_span,
            line_span,
            phase: 0,
            parallel: head.parallel,
            optional,
            labels: head.labels,
            deps: ThinVec::new(),
            blocks: ThinVec::new(),
            files: ThinVec::new(),
            scope_source: ScopeSource::None,
            reads: ThinVec::new(),
            verify: ThinVec::new(),
            done_when: ThinVec::new(),
            acceptance: ThinVec::new(),
            requirements: ThinVec::new(),
            estimate: None,
            estimate_hours: None,
            agent: None,
            parent,
            notes: ThinVec::new(),
            extra: ThinVec::new(),
        };
        for inline in &head.inline {
            let span = locate(&self.lines, self.text, start, line_end, inline.1.as_str());
            apply_key(&mut task, inline.0, &inline.1, span);
        }
        self.tasks.push(task);
        self.task_heading.push(None);
        index
    }

    /// A plain item under a task: a `key: value`, a value of the key above it, or a note.
    fn plain_item(
        &mut self,
        owner: usize,
        parent_key: Option<Key>,
        head: &str,
        start: usize,
        end: usize,
    ) -> Option<Key> {
        let item_line_end = line_end(self.text, start).min(end.max(start));
        if let Some(key) = parent_key {
            let span = locate(&self.lines, self.text, start, item_line_end, head);
            apply_key(&mut self.tasks[owner], key, head, span);
            return Some(key);
        }
        if let Some((raw_key, value)) = keys::split_key_value(head) {
            // Kiro wraps the whole item in emphasis (`_Requirements: 3.1_`): drop the closing
            // marker, but not the `**` of a glob after a bold key (`**Files**: src/**`).
            // The value ends at the closing marker; a remark may follow it
            // (`_Requirements: 1.2_ *(IDs only)*`).
            let key_part = head[..head.find(':').unwrap_or(0)].trim_end();
            let value = ["**", "__", "*", "_"]
                .iter()
                .find(|m| head.starts_with(**m) && !key_part.ends_with(**m))
                .and_then(|m| closing_marker(value, m).map(|end| value[..end].trim()))
                .unwrap_or(value);
            if let Some(key) = keys::lookup_key(raw_key) {
                let span = locate(&self.lines, self.text, start, item_line_end, value);
                apply_key(&mut self.tasks[owner], key, value, span);
                // An empty value takes its values from the items nested below.
                return value.is_empty().then_some(key);
            }
            if keys::nearest_key(raw_key).is_some() && !raw_key.contains(' ') {
                let span = locate(&self.lines, self.text, start, item_line_end, raw_key);
                self.tasks[owner].extra.push(ExtraKey {
                    key: raw_key.to_string(),
                    value: value.to_string(),
                    span,
                });
                return None;
            }
        }
        if !head.is_empty() {
            let task = &mut self.tasks[owner];
            for inline in keys::inline_keys(head) {
                if matches!(inline.key, Key::After | Key::Blocks) {
                    let span = self.lines.span(self.text, start, item_line_end);
                    let value = inline.value.to_string();
                    apply_key(task, inline.key, &value, span);
                }
            }
            task.notes.push(head.to_string());
        }
        None
    }
}

/// Parts joined in document order: indices into tasks and headings move up by what precedes
/// them. Each part's tasks move into one list as soon as the part before it is in, so a
/// large plan never holds its tasks twice.
struct Joined {
    tasks: Vec<Task>,
    headings: Vec<Heading>,
    /// For each task, the heading it stands under (index into `headings`).
    task_heading: Vec<Option<usize>>,
    /// Every part's top-level list items, for the decisions log.
    top_items: Vec<TopItem>,
    plain_items_outside_tasks: usize,
    /// Done tasks marked `[X]` and `[x]`.
    upper_x: usize,
    lower_x: usize,
    id_keys: Vec<u128>,
    shapes: Vec<TaskShape>,
    dep_keys: Vec<u128>,
    unclosed: Option<(unclosed::Open, usize)>,
    parts: usize,
}

impl Joined {
    fn with_capacity(tasks: usize) -> Self {
        Joined {
            tasks: Vec::with_capacity(tasks),
            headings: Vec::new(),
            task_heading: Vec::with_capacity(tasks),
            top_items: Vec::new(),
            plain_items_outside_tasks: 0,
            upper_x: 0,
            lower_x: 0,
            id_keys: Vec::with_capacity(tasks),
            shapes: Vec::with_capacity(tasks),
            dep_keys: Vec::new(),
            unclosed: None,
            parts: 0,
        }
    }

    fn push(&mut self, part: Part<'_>) {
        let heading_base = self.headings.len();
        self.task_heading.extend(
            part.task_heading
                .iter()
                .map(|h| h.map(|h| h + heading_base)),
        );
        self.headings.extend(part.headings);
        self.plain_items_outside_tasks += part.plain_items_outside_tasks;
        self.top_items.extend(part.top_items);
        self.upper_x += part.upper_x;
        self.lower_x += part.lower_x;
        self.id_keys.extend(part.id_keys);
        self.shapes.extend(part.shapes);
        self.dep_keys.extend(part.dep_keys);
        self.unclosed = self.unclosed.or(part.unclosed);
        // The tasks keep their indices within the part until [`assemble`] walks them.
        let mut tasks = part.tasks;
        if self.tasks.is_empty() && self.tasks.capacity() < tasks.len() {
            self.tasks = tasks;
        } else {
            self.tasks.append(&mut tasks);
        }
        self.parts += 1;
    }
}

/// Joins the parts and builds the plan: phases, sections, the decisions log, parents,
/// dependency links and inferred scopes.
fn assemble(
    text: &str,
    index: &LineIndex,
    mut diagnostics: Vec<Diagnostic>,
    joined: Joined,
) -> Plan {
    let lines = Lines::new(index);
    let span = |start: usize, end: usize| lines.span(text, start, end);
    let Joined {
        mut tasks,
        headings,
        task_heading,
        top_items,
        plain_items_outside_tasks,
        upper_x,
        lower_x,
        id_keys,
        shapes,
        dep_keys,
        unclosed,
        parts: _,
    } = joined;
    if let Some((kind, start)) = unclosed {
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let span = span(start, line_end(text, start));
        diagnostics.push(unclosed::diagnostic(kind, span, &text[line_start..]));
    }

    let title_idx = headings
        .first()
        .filter(|h| h.level == 1 && phase_number(&h.text).is_none())
        .map(|_| 0);
    let special = |h: &Heading| section_kind(&h.text);

    // Which heading level makes phases.
    let numbered_level = headings
        .iter()
        .enumerate()
        .filter(|(i, h)| Some(*i) != title_idx && phase_number(&h.text).is_some())
        .map(|(_, h)| h.level)
        .min();
    let phase_level = numbered_level.or_else(|| {
        task_heading
            .iter()
            .flatten()
            .filter(|&&h| Some(h) != title_idx)
            .map(|&h| headings[h].level)
            .min()
    });

    // Each heading at or above the phase level opens a section; deeper ones join it.
    let mut section_of = vec![None; headings.len()];
    let mut current = None;
    for (i, h) in headings.iter().enumerate() {
        if Some(i) == title_idx {
            continue;
        }
        if phase_level.is_some_and(|level| h.level <= level) {
            current = Some(i);
        }
        section_of[i] = current;
    }

    let body_end = |i: usize| {
        let level = headings[i].level;
        headings[i + 1..]
            .iter()
            .find(|h| h.level <= level)
            .map_or(text.len(), |h| h.span.start)
    };
    let overview = headings
        .iter()
        .position(|h| special(h) == Some(SectionKind::Overview))
        .map(|i| {
            let start = next_line_start(text, headings[i].span.end);
            let end = body_end(i).max(start);
            Section {
                heading: headings[i].text.clone(),
                heading_span: Some(headings[i].span),
                text: text[start..end].trim().to_string(),
                body: start..end,
            }
        })
        .or_else(|| {
            let title = title_idx?;
            let start = next_line_start(text, headings[title].span.end);
            let end = headings.get(title + 1).map_or(text.len(), |h| h.span.start);
            let end = end.max(start);
            let body = text[start..end].trim();
            (!body.is_empty() && !body.contains("- [")).then(|| Section {
                heading: String::new(),
                heading_span: None,
                text: body.to_string(),
                body: start..end,
            })
        });

    let decisions = headings
        .iter()
        .position(|h| special(h) == Some(SectionKind::Decisions))
        .map(|i| decision_log(text, &lines, &headings[i], &top_items, body_end(i)));
    drop(top_items);

    // Phases in order of their first task.
    let mut phases: Vec<Phase> = Vec::new();
    let mut phase_of_section: HashMap<Option<usize>, usize> = HashMap::default();
    // Tasks come in runs under one section: the last answer is usually the next one.
    let mut last: Option<(Option<usize>, usize)> = None;
    for (t, task) in tasks.iter_mut().enumerate() {
        // Indices within the part become indices within the plan.
        let shift = t - task.index;
        task.index = t;
        if let Some(parent) = task.parent.as_mut() {
            *parent += shift;
        }
        let section = task_heading[t].and_then(|h| section_of[h]);
        if let Some((last_section, phase)) = last
            && last_section == section
        {
            task.phase = phase;
            phases[phase].tasks.push(t);
            continue;
        }
        let phase = *phase_of_section.entry(section).or_insert_with(|| {
            let index = phases.len();
            let phase = match section {
                Some(h) => {
                    let heading = &headings[h];
                    Phase {
                        index,
                        title: clean_heading(&heading.text),
                        number: phase_number(&heading.text).map(str::to_string),
                        heading_span: Some(heading.span),
                        level: heading.level,
                        tasks: Vec::new(),
                        marked_complete: marked_complete(&heading.text),
                    }
                }
                None => Phase {
                    index,
                    title: "Tasks".to_string(),
                    number: None,
                    heading_span: None,
                    level: 0,
                    tasks: Vec::new(),
                    marked_complete: false,
                },
            };
            phases.push(phase);
            index
        });
        last = Some((section, phase));
        task.phase = phase;
        phases[phase].tasks.push(t);
    }

    let links = link_tasks(&mut tasks, &id_keys, &shapes, &dep_keys);
    drop((id_keys, shapes, dep_keys));

    if tasks.is_empty() {
        let skipped = match plain_items_outside_tasks {
            0 => String::new(),
            n => format!("; {n} plain list item(s) were skipped"),
        };
        diagnostics.push(Diagnostic {
            code: "B002",
            name: "no-tasks",
            severity: Severity::Warning,
            message: format!("no checkbox tasks found{skipped}"),
            span: span(0, 0),
            hint: Some("write tasks as `- [ ] T1 Title`".to_string()),
        });
    }

    let (crlf, lf) = index.line_endings(text);
    Plan {
        title: title_idx.map(|i| clean_heading(&headings[i].text)),
        overview,
        phases,
        tasks,
        decisions,
        diagnostics,
        dep_targets: links.dep_targets,
        dependents: links.dependents,
        duplicate_ids: links.duplicate_ids,
        line_ending: if crlf * 2 > lf {
            LineEnding::CrLf
        } else {
            LineEnding::Lf
        },
        ends_with_newline: text.ends_with('\n'),
        prefers_upper_x: upper_x > lower_x,
        len: text.len(),
    }
}

/// What a task's reading thread noted for linking, so that linking reads the task itself
/// (cold by then: a cache miss each) only where it has something to do.
#[derive(Debug, Clone, Copy)]
struct TaskShape {
    /// How many `after` references it has.
    deps: u32,
    /// It has `blocks` references.
    blocks: bool,
    /// It stands under another task.
    parent: bool,
}

/// What [`link_tasks`] finds.
struct Links {
    dep_targets: DepTargets,
    dependents: Dependents,
    duplicate_ids: Vec<(usize, usize)>,
}

/// Kiro-style parents from dotted ids, `blocks` turned into `after` on the blocked task, the
/// task each `after` names, and every task's dependents.
///
/// `id_keys` and `dep_keys` are the [`IdMap::key`]s of each task's id and of its `after`
/// references in order, and `shapes` the rest linking needs, as the reading threads noted
/// them: the tasks themselves are read only where a key cannot do.
fn link_tasks(
    tasks: &mut [Task],
    id_keys: &[u128],
    shapes: &[TaskShape],
    dep_keys: &[u128],
) -> Links {
    let mut first_index = IdMap::with_capacity(tasks.len());
    let mut duplicate_ids = Vec::new();
    for (t, &key) in id_keys.iter().enumerate() {
        if key != IdMap::NO_ID {
            let first = first_index.insert_keyed(key, || tasks[t].id.as_deref().unwrap_or(""), t);
            if first != t {
                duplicate_ids.push((t, first));
            }
        }
    }
    let mut dep_keys = dep_keys.iter();
    let mut parents = Vec::new();
    // (blocked task, its new dependency, the task that dependency names)
    let mut blocked_by = Vec::new();
    // (task waited for, task waiting), by index; only tasks with an id wait, as only they can
    // be listed.
    let mut waits: Vec<(u32, u32)> = Vec::with_capacity(tasks.len() * 2);
    let mut starts: Vec<u32> = Vec::with_capacity(tasks.len() + 1);
    let mut targets: Vec<u32> = Vec::with_capacity(dep_keys.len());
    for (t, shape) in shapes.iter().enumerate() {
        let has_id = id_keys[t] != IdMap::NO_ID;
        // Kiro writes `1.1` beside `1.` at the same indentation: the dotted id names the parent.
        if !shape.parent
            && has_id
            && IdMap::may_contain(id_keys[t], b'.')
            && let Some(parent) = tasks[t]
                .id
                .as_deref()
                .and_then(|id| id.rsplit_once('.'))
                .and_then(|(prefix, _)| first_index.get(prefix))
                .filter(|&p| p < t && tasks[p].phase == tasks[t].phase)
        {
            parents.push((t, parent));
        }
        starts.push(small(targets.len()));
        for i in 0..shape.deps as usize {
            let target = match dep_keys.next() {
                Some(&key) => first_index.get_keyed(key, || &tasks[t].deps[i].id),
                None => first_index.get(&tasks[t].deps[i].id),
            };
            targets.push(target.map_or(DepTargets::UNKNOWN, small));
            if let Some(target) = target
                && has_id
            {
                waits.push((small(target), small(t)));
            }
        }
        if !shape.blocks {
            continue;
        }
        let task = &tasks[t];
        let id = task.id.as_deref();
        for blocked in &task.blocks {
            // `blocks` is the reverse of `after`: record it on the blocked task.
            if let (Some(target), Some(id)) = (first_index.get(&blocked.id), id)
                && !tasks[target].deps.iter().any(|d| d.id == id)
            {
                let dep = TaskRef {
                    id: id.to_string(),
                    span: blocked.span,
                };
                blocked_by.push((target, dep, first_index.get(id)));
                waits.push((small(t), small(target)));
            }
        }
    }
    starts.push(small(targets.len()));
    drop(first_index);
    for (child, parent) in parents {
        tasks[child].parent = Some(parent);
    }
    // The dependencies `blocks` adds go after the task's own, in the order they were found.
    let mut added: Vec<(usize, u32)> = Vec::new();
    for (target, dep, named) in blocked_by {
        let deps = &mut tasks[target].deps;
        if !deps.iter().any(|d| d.id == dep.id) {
            deps.push(dep);
            deps.shrink_to_fit();
            added.push((target, named.map_or(DepTargets::UNKNOWN, small)));
        }
    }
    Links {
        dep_targets: DepTargets::with_added(starts, targets, added),
        dependents: Dependents::from_waits(tasks.len(), &waits),
        duplicate_ids,
    }
}

/// Task ids to the index of the first task with each id.
///
/// Most plans number their tasks under one prefix (`T1`, `T2`, …): ids of that shape (the
/// prefix of the first numbered id, then a number without leading zeros) are kept in an array
/// indexed by their number, so a lookup touches one slot. Other ids of up to 15 bytes are
/// kept inline in a hash table (no string is read but the one looked up), longer ones by
/// reference.
pub(crate) struct IdMap<'a> {
    /// The [`IdMap::key`] of the numbered prefix.
    prefix: Option<u128>,
    /// Task index by number for ids under `prefix`; [`IdMap::NONE`] where there is none.
    numbered: Vec<u32>,
    /// Numbers from this on go to the hash tables, so a stray huge number costs no memory.
    numbered_limit: usize,
    short: HashMap<u128, u32>,
    long: HashMap<&'a str, u32>,
}

impl<'a> IdMap<'a> {
    const NONE: u32 = u32::MAX;
    /// The key of no id at all.
    pub(crate) const NO_ID: u128 = 0;
    /// The key of an id too long to keep inline: it is looked up by its text.
    const LONG: u128 = u128::MAX;

    pub(crate) fn with_capacity(n: usize) -> Self {
        IdMap {
            prefix: None,
            numbered: Vec::with_capacity(n + 1),
            numbered_limit: n.saturating_mul(8).max(1 << 16),
            short: HashMap::default(),
            long: HashMap::default(),
        }
    }

    /// An id as one number: its bytes and its length when it has up to 15 bytes, else
    /// [`IdMap::LONG`]. Never [`IdMap::NO_ID`] (ids are not empty, and the length byte of an
    /// empty one is 0 only with no bytes).
    pub(crate) fn key(id: &str) -> u128 {
        let bytes = id.as_bytes();
        if bytes.len() > 15 {
            return Self::LONG;
        }
        let mut key = [0u8; 16];
        key[..bytes.len()].copy_from_slice(bytes);
        key[15] = bytes.len() as u8;
        u128::from_le_bytes(key)
    }

    /// The bytes of an inline key.
    fn key_bytes(key: &u128) -> ([u8; 16], usize) {
        let bytes = key.to_le_bytes();
        let len = usize::from(bytes[15]).min(15);
        (bytes, len)
    }

    /// Whether the id behind `key` may contain `byte` (a long id may).
    pub(crate) fn may_contain(key: u128, byte: u8) -> bool {
        if key == Self::LONG {
            return true;
        }
        let (bytes, len) = Self::key_bytes(&key);
        bytes[..len].contains(&byte)
    }

    /// An inline key as the key of its prefix and its number: `T12` is (`T`, 12). None for ids
    /// that do not end in digits, or whose number has a leading zero (`T012` is not `T12`).
    fn numbered(key: u128) -> Option<(u128, usize)> {
        if key == Self::LONG {
            return None;
        }
        let (bytes, len) = Self::key_bytes(&key);
        let digits = bytes[..len]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let split = len - digits;
        if digits == 0 || digits > 9 || (digits > 1 && bytes[split] == b'0') {
            return None;
        }
        let number = bytes[split..len]
            .iter()
            .fold(0usize, |n, &b| n * 10 + usize::from(b - b'0'));
        let mut prefix = [0u8; 16];
        prefix[..split].copy_from_slice(&bytes[..split]);
        prefix[15] = split as u8;
        Some((u128::from_le_bytes(prefix), number))
    }

    /// The slot of an id under the numbered prefix, if it belongs there.
    fn slot(&self, key: u128) -> Option<usize> {
        let (prefix, number) = Self::numbered(key)?;
        (Some(prefix) == self.prefix && number < self.numbered_limit).then_some(number)
    }

    /// Records `index` for `id` unless an earlier task has it; returns the index kept.
    #[cfg(test)]
    fn insert_first(&mut self, id: &'a str, index: usize) -> usize {
        self.insert_keyed(Self::key(id), || id, index)
    }

    /// [`IdMap::insert_first`] with the id's [`IdMap::key`] already computed: the id's text
    /// is read only when it is too long for a key.
    pub(crate) fn insert_keyed(
        &mut self,
        key: u128,
        id: impl FnOnce() -> &'a str,
        index: usize,
    ) -> usize {
        let index = small(index);
        if self.prefix.is_none()
            && let Some((prefix, _)) = Self::numbered(key)
        {
            self.prefix = Some(prefix);
        }
        let kept = if let Some(number) = self.slot(key) {
            if number >= self.numbered.len() {
                self.numbered.resize(number + 1, Self::NONE);
            }
            let slot = &mut self.numbered[number];
            if *slot == Self::NONE {
                *slot = index;
            }
            *slot
        } else if key == Self::LONG {
            *self.long.entry(id()).or_insert(index)
        } else {
            *self.short.entry(key).or_insert(index)
        };
        kept as usize
    }

    pub(crate) fn get(&self, id: &str) -> Option<usize> {
        self.get_keyed(Self::key(id), || id)
    }

    /// [`IdMap::get`] with the id's [`IdMap::key`] already computed: `id` is asked for the
    /// id's text only when it is too long for a key.
    pub(crate) fn get_keyed<'i>(&self, key: u128, id: impl FnOnce() -> &'i str) -> Option<usize> {
        if let Some(number) = self.slot(key) {
            return self
                .numbered
                .get(number)
                .filter(|&&i| i != Self::NONE)
                .map(|&i| i as usize);
        }
        if key == Self::LONG {
            self.long.get(id())
        } else {
            self.short.get(&key)
        }
        .map(|&i| i as usize)
    }
}

/// The decisions section under `h`, which runs to `end`, from the items recorded in it.
fn decision_log(
    text: &str,
    lines: &Lines<'_>,
    h: &Heading,
    top_items: &[TopItem],
    end: usize,
) -> DecisionLog {
    let body_start = next_line_start(text, h.span.end);
    let in_body = |item: &&TopItem| (body_start..end).contains(&(item.start as usize));
    let entries: Vec<Decision> = top_items
        .iter()
        .filter(in_body)
        .map(|item| Decision {
            text: raw_head(text, item.head_start as usize, item.head_end as usize).into_owned(),
            span: lines.span(
                text,
                item.start as usize,
                line_end(text, item.start as usize),
            ),
        })
        .collect();
    let insert_at = match top_items.iter().rev().find(in_body) {
        // Right after the last entry's last non-blank line.
        Some(item) => {
            let item_start = item.start as usize;
            let item_text = &text[item_start..(item.end as usize).min(end)];
            let trimmed = item_text.trim_end();
            next_line_start(text, item_start + trimmed.len().saturating_sub(1))
        }
        None => {
            let body = &text[body_start.min(end)..end];
            let trimmed = body.trim_end();
            if trimmed.is_empty() {
                body_start.min(end)
            } else {
                next_line_start(text, body_start + trimmed.len() - 1)
            }
        }
    };
    let at_line_start = insert_at == 0 || text.as_bytes()[insert_at - 1] == b'\n';
    let next_line = &text[insert_at..line_end(text, insert_at)];
    let next = next_line.trim_start();
    // Another list item or a heading starts a block of its own; anything else would
    // join the new entry.
    let starts_block = next.starts_with('#')
        || ["- ", "* ", "+ "]
            .iter()
            .any(|m| next.starts_with(m) && next_line.len() - next.len() < 2);
    let needs_blank_after = !next.is_empty() && !starts_block;
    DecisionLog {
        heading_span: h.span,
        entries,
        insert_at,
        at_line_start,
        needs_blank_after,
    }
}

/// Where an emphasis marker closes in a value: the first `m` followed by the end or a space.
fn closing_marker(value: &str, m: &str) -> Option<usize> {
    value.match_indices(m).map(|(i, _)| i).find(|&i| {
        value[i + m.len()..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || ".,;:)".contains(c))
    })
}

/// Where `part` starts in `text`, when `part` is a slice of `text`.
fn offset_in(text: &str, part: &str) -> Option<usize> {
    let base = text.as_ptr() as usize;
    let at = (part.as_ptr() as usize).checked_sub(base)?;
    (at + part.len() <= text.len()).then_some(at)
}

/// Finds `needle` within a source range to point a span at it; else the range start.
fn locate(lines: &Lines<'_>, text: &str, start: usize, end: usize, needle: &str) -> Span {
    let end = end.max(start).min(text.len());
    let at = if needle.is_empty() {
        None
    } else if let Some(at) = offset_in(text, needle) {
        // Most values are slices of the source itself: no search needed.
        Some(at)
    } else {
        text[start..end].find(needle).map(|i| start + i)
    };
    match at {
        Some(at) => lines.span(text, at, at + needle.len()),
        None => lines.span(text, start, end),
    }
}

fn apply_key(task: &mut Task, key: Key, value: &str, span: Span) {
    match key {
        Key::After | Key::Blocks => {
            let list = if key == Key::After {
                &mut task.deps
            } else {
                &mut task.blocks
            };
            if list.is_empty() {
                list.reserve_exact(keys::count_ids(value).0);
            }
            let unread = keys::each_id(value, |id| {
                if !list.iter().any(|r| r.id == id) {
                    list.push(TaskRef {
                        id: id.to_string(),
                        span,
                    });
                }
            });
            // Words that name no task (`the schema task`, `T1é`, an id with a stray byte) are
            // kept as one reference that resolves to nothing: lint reports it, and nothing
            // reads the task as free to start.
            if unread > 0
                && let Some(words) = keys::unread_span(value)
                && !list.iter().any(|r| r.id == words)
            {
                list.push(TaskRef {
                    id: words.to_string(),
                    span,
                });
            }
        }
        Key::Files => extend(&mut task.files, keys::parse_list(value)),
        Key::Reads => extend(&mut task.reads, keys::parse_list(value)),
        Key::Verify => extend(&mut task.verify, keys::parse_commands(value)),
        Key::DoneWhen => {
            if !value.is_empty() {
                task.done_when.push(value.to_string());
            }
        }
        Key::Est => {
            if !value.is_empty() {
                task.estimate_hours = keys::parse_hours(value);
                task.estimate = Some(value.to_string());
            }
        }
        Key::Agent => {
            if !value.is_empty() {
                task.agent = Some(value.to_string());
            }
        }
        Key::Requirements => task.requirements.extend(
            value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        ),
        Key::Boundary => {
            if !value.is_empty() {
                task.notes.push(format!("boundary: {value}"));
            }
        }
    }
}

/// Appends `more` to `list`; when `list` is empty, takes `more` itself (no second allocation)
/// and trims its spare room.
fn extend(list: &mut ThinVec<String>, mut more: ThinVec<String>) {
    if list.is_empty() {
        more.shrink_to_fit();
        *list = more;
    } else {
        list.extend(more);
    }
}

/// What the head of a task line says, beyond its checkbox.
struct Head {
    id: Option<String>,
    labels: ThinVec<String>,
    parallel: bool,
    title: String,
    inline: Vec<(Key, String)>,
}

/// Splits a leading id (`T1`, `T1:`, `1.`, `1.1`) from the rest of a task's text.
fn split_id(body: &str) -> (Option<&str>, &str) {
    let body = body.trim_start();
    let token_end = body.find(char::is_whitespace).unwrap_or(body.len());
    let token = &body[..token_end];
    let candidate = token.strip_suffix([':', '.']).unwrap_or(token);
    // A bold id: `**CLEAN-01**:`.
    let candidate = candidate
        .strip_prefix("**")
        .and_then(|c| c.strip_suffix("**"))
        .unwrap_or(candidate);
    if keys::is_id(candidate) {
        (Some(candidate), &body[token_end..])
    } else {
        (None, body)
    }
}

fn parse_head(body: &str) -> Head {
    let (id, mut rest) = split_id(body);
    let mut labels = ThinVec::new();
    let mut parallel = false;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest
            .strip_prefix("(P)")
            .or_else(|| rest.strip_prefix("(p)"))
        {
            parallel = true;
            rest = after;
            continue;
        }
        if rest.starts_with('[')
            && let Some(close) = rest.find(']').filter(|&c| c <= 32)
        {
            let tag = rest[1..close].trim();
            if tag.is_empty() || tag.contains('[') {
                break;
            }
            if tag.eq_ignore_ascii_case("p") {
                parallel = true;
            } else {
                labels.push(tag.to_string());
            }
            rest = &rest[close + 1..];
            continue;
        }
        break;
    }
    let mut title = rest.trim().to_string();
    for marker in [" (P)", " [P]", " (p)"] {
        let end = title.trim_end().len();
        if title[..end].ends_with(marker) {
            parallel = true;
            title.truncate(end - marker.len());
        }
    }
    let inline: Vec<(Key, String, std::ops::Range<usize>)> = keys::inline_keys(&title)
        .into_iter()
        .map(|k| (k.key, k.value.to_string(), k.range))
        .collect();
    if !inline.is_empty() {
        let mut clean = String::with_capacity(title.len());
        let mut last = 0;
        for (_, _, range) in &inline {
            clean.push_str(&title[last..range.start]);
            last = range.end;
        }
        clean.push_str(&title[last..]);
        let clean = clean
            .trim_end_matches(|c: char| c.is_whitespace() || "—-;,|".contains(c))
            .trim()
            .to_string();
        if !clean.is_empty() {
            title = clean;
        }
    }
    Head {
        id: id.map(str::to_string),
        labels,
        parallel,
        title,
        inline: inline.into_iter().map(|(k, v, _)| (k, v)).collect(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SectionKind {
    Overview,
    Decisions,
}

fn section_kind(heading: &str) -> Option<SectionKind> {
    let lower = clean_heading(heading).to_lowercase();
    let lower = lower.trim();
    if [
        "overview",
        "summary",
        "context",
        "background",
        "big picture",
    ]
    .contains(&lower)
    {
        return Some(SectionKind::Overview);
    }
    if lower.starts_with("decisions") || lower.starts_with("decision log") {
        return Some(SectionKind::Decisions);
    }
    None
}

const PHASE_WORDS: &[&str] = &[
    "phase",
    "stage",
    "milestone",
    "wave",
    "sprint",
    "part",
    "step",
];

/// The number of a phase heading (`Phase 2: Features` → `2`, `Phase 2.1` → `2.1`).
pub(crate) fn phase_number(heading: &str) -> Option<&str> {
    let trimmed = heading.trim_start_matches(|c: char| !c.is_alphanumeric());
    let word_end = trimmed.find(|c: char| !c.is_alphabetic())?;
    let word = &trimmed[..word_end];
    if !PHASE_WORDS.iter().any(|w| word.eq_ignore_ascii_case(w)) {
        return None;
    }
    let rest = trimmed[word_end..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let number = rest[..end].trim_end_matches('.');
    (!number.is_empty() && number.starts_with(|c: char| c.is_ascii_digit())).then_some(number)
}

fn marked_complete(heading: &str) -> bool {
    let lower = heading.to_lowercase();
    heading.contains('✅')
        || heading.contains('✓')
        || heading.contains('✔')
        || lower.contains("[x]")
        || lower.contains("(done)")
        || lower.contains("(complete)")
        || lower.contains("(completed)")
}

/// A heading's text without decoration: emoji check marks and trailing `#`s.
fn clean_heading(text: &str) -> String {
    text.replace(['✅', '✓', '✔'], "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(plan: &Plan) -> Vec<&str> {
        plan.tasks
            .iter()
            .map(|t| t.id.as_deref().unwrap_or("-"))
            .collect()
    }

    #[test]
    fn references_name_the_first_task_with_their_id() {
        let src = "## Phase 1\n- [ ] T1 a\n  - blocks: T3, T9\n- [ ] T2 b\n  - after: T1, T7\n- [ ] T1 again\n- [ ] no id\n  - after: T2\n- [ ] T3 c\n  - after: T2\n";
        let plan = parse(src.as_bytes());
        let named = |t: usize| -> Vec<(&str, Option<usize>)> {
            plan.tasks[t]
                .deps
                .iter()
                .map(|d| d.id.as_str())
                .zip(plan.dep_targets.of(t))
                .collect()
        };
        assert_eq!(named(1), [("T1", Some(0)), ("T7", None)]);
        assert_eq!(named(3), [("T2", Some(1))]);
        // `blocks: T3` on T1 becomes T3's `after: T1`.
        assert_eq!(named(4), [("T2", Some(1)), ("T1", Some(0))]);
        assert_eq!(plan.duplicate_ids, [(2, 0)]);
        // Only tasks with an id are dependents, in the order the links are written.
        assert_eq!(plan.dependents.of(0).collect::<Vec<_>>(), [4, 1]);
        assert_eq!(plan.dependents.of(1).collect::<Vec<_>>(), [4]);
    }

    #[test]
    fn id_map_keeps_the_first_task_of_each_id_whatever_its_shape() {
        let ids = [
            "T1",
            "T2",
            "T10",
            "T2",
            "T01",
            "T0",
            "1.1",
            "X7",
            "T",
            "T99999999999",
            "T900000",
            "a-very-long-task-identifier-1",
            "a-very-long-task-identifier-1",
            "1.1",
            "T010",
        ];
        let mut map = IdMap::with_capacity(4);
        let kept: Vec<usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| map.insert_first(id, i))
            .collect();
        assert_eq!(kept, [0, 1, 2, 1, 4, 5, 6, 7, 8, 9, 10, 11, 11, 6, 14]);
        for (i, id) in ids.iter().enumerate() {
            let first = ids.iter().position(|other| other == id);
            assert_eq!(map.get(id), first, "{id} (entry {i})");
        }
        for absent in ["T3", "T001", "T1000000", "X8", "t1", "", "1.2", "T100"] {
            assert_eq!(map.get(absent), None, "{absent}");
        }
    }

    #[test]
    fn native_plan() {
        let src = "# Portal\n## Overview\nBig picture.\n## Phase 1: Foundation\n- [ ] T1 Schema\n  - files: db/schema.sql, src/db/**\n  - verify: `cargo test -p db`\n## Phase 2: Features\n- [ ] T2 [P] Auth\n  - after: T1\n  - est: 2h\n- [x] T3 [P] Dashboard — files: src/dashboard/**\n## Decisions\n- 2026-01-21 T2: argon2\n";
        let plan = parse(src.as_bytes());
        assert_eq!(plan.title.as_deref(), Some("Portal"));
        assert_eq!(
            plan.overview.as_ref().map(|o| o.text.as_str()),
            Some("Big picture.")
        );
        assert_eq!(plan.phases.len(), 2);
        assert_eq!(ids(&plan), ["T1", "T2", "T3"]);
        let t1 = &plan.tasks[0];
        assert_eq!(t1.files, ["db/schema.sql", "src/db/**"]);
        assert_eq!(t1.verify, ["cargo test -p db"]);
        assert_eq!(plan.dependents.of(t1.index).collect::<Vec<_>>(), [1]);
        let t2 = &plan.tasks[1];
        assert!(t2.parallel);
        assert_eq!(t2.deps[0].id, "T1");
        assert_eq!(t2.deps[0].span.line, 10);
        assert_eq!(t2.estimate_hours, Some(2.0));
        let t3 = &plan.tasks[2];
        assert_eq!(t3.status, Status::Done);
        assert_eq!(t3.title, "Dashboard");
        assert_eq!(t3.files, ["src/dashboard/**"]);
        assert_eq!(&src[t3.status_span.range()], "x");
        let log = plan.decisions.as_ref().expect("decisions");
        assert_eq!(log.entries.len(), 1);
        assert_eq!(log.insert_at, src.len());
    }

    #[test]
    fn code_is_never_a_task() {
        let src = "# P\n```\n- [ ] T1 fenced\n```\n\n    - [ ] T2 indented\n\n<div>\n- [ ] T3 html\n</div>\n\n> - [ ] T4 quoted\n\n-      [ ] T5 code inside an item\n-\t[ ] T6 tab\n";
        let plan = parse(src.as_bytes());
        assert_eq!(ids(&plan), ["T4", "T6"]);
    }

    #[test]
    fn items_indented_off_their_container_are_tasks_too() {
        // One to three columns of indentation before a marker still make a list item;
        // four make code (or a continuation line).
        let src = "# P\n  - [ ] T1 a\n   - [ ] T2 b\n- [ ] T3 c\n   - [ ] T4 d\n         - [ ] T5 text of T4\n";
        for blocks in [Blocks::Auto, Blocks::Pulldown] {
            let plan = parse_with_blocks(src.as_bytes(), Split::Never, blocks);
            assert_eq!(ids(&plan), ["T1", "T2", "T3", "T4"], "{blocks:?}");
            let t4 = &plan.tasks[3];
            assert_eq!(t4.parent, Some(2));
            assert_eq!(t4.line_span.col, 4);
            assert_eq!(t4.title, "d - [ ] T5 text of T4");
        }
    }

    #[test]
    fn kiro_hierarchy_and_keys() {
        let src = "# Plan\n## Tasks\n- [ ] 1. Parent\n- [ ] 1.1 Child (P)\n  - Detail in `src/a.ts`\n  - **Files**: src/k/**\n  - _Requirements: 3.1, 4.5_ *(IDs only)*\n  - _Depends: 1.2_\n- [ ]* 1.2 Optional test\n";
        let plan = parse(src.as_bytes());
        assert_eq!(ids(&plan), ["1", "1.1", "1.2"]);
        let child = &plan.tasks[1];
        assert_eq!(child.parent, Some(0));
        assert!(child.parallel);
        assert_eq!(child.requirements, ["3.1", "4.5"]);
        assert_eq!(child.deps[0].id, "1.2");
        assert_eq!(child.files, ["src/k/**"]);
        assert_eq!(child.scope_source, ScopeSource::Declared);
        assert!(plan.tasks[2].optional);
    }

    #[test]
    fn nested_checkboxes() {
        let src = "- [ ] T1 Parent\n  - [x] returns 200\n  - [ ] T2 Sub task\n";
        let plan = parse(src.as_bytes());
        assert_eq!(ids(&plan), ["T1", "T2"]);
        assert_eq!(plan.tasks[0].acceptance.len(), 1);
        assert_eq!(plan.tasks[0].acceptance[0].status, Status::Done);
        assert_eq!(plan.tasks[1].parent, Some(0));
    }

    #[test]
    fn crlf_bom_and_bad_bytes() {
        let mut src =
            b"\xEF\xBB\xBF# T\r\n## Phase 1\r\n- [ ] T1 caf\xE9\r\n- [x] T2 ok\r\n".to_vec();
        let plan = parse(&src);
        assert_eq!(plan.line_ending, LineEnding::CrLf);
        assert_eq!(ids(&plan), ["T1", "T2"]);
        assert_eq!(plan.diagnostics[0].name, "not-utf8");
        src[plan.tasks[1].status_span.start] = b' ';
        assert_eq!(parse(&src).tasks[1].status, Status::Todo);
    }

    #[test]
    fn front_matter_only_at_the_top() {
        let src = "---\ntitle: x\n---\n# Plan\n\nIntro.\n\n---\n## Phase 1\n- [ ] T1 a\n- [ ] T2 b\n\n---\n## Phase 2\n- [ ] T3 c\n";
        let plan = parse(src.as_bytes());
        assert_eq!(ids(&plan), ["T1", "T2", "T3"]);
        assert_eq!(plan.title.as_deref(), Some("Plan"));
        let thematic = "---\n- [ ] T1 a\n---\n";
        assert_eq!(ids(&parse(thematic.as_bytes())), ["T1"]);
    }

    #[test]
    fn a_task_line_that_becomes_a_heading_or_table_keeps_its_id() {
        let plan = parse(b"## Phase 1\n- [ ] T1 Build the thing\n  ---\n- [ ] T2 a | b\n  --|--\n- [ ] T3 c\n  - after: T1\n");
        assert_eq!(ids(&plan), ["T1", "T2", "T3"]);
        assert_eq!(plan.tasks[0].title, "Build the thing");
        assert_eq!(plan.phases.len(), 1);
        assert!(crate::lint::lint(&plan).iter().all(|d| d.code != "E102"));
    }

    #[test]
    fn invalid_bytes_are_no_markdown() {
        let plan = parse(b"# P\n<\xff\n\n- [ ] T1 a\n");
        assert_eq!(ids(&plan), ["T1"]);
    }

    #[test]
    fn setext_and_statuses() {
        let src = "Title\n=====\n\nPhase 1\n-------\n- [~] A1 going\n- [-] A2 skipped\n";
        let plan = parse(src.as_bytes());
        assert_eq!(plan.title.as_deref(), Some("Title"));
        assert_eq!(plan.tasks[0].status, Status::InProgress);
        assert_eq!(plan.tasks[1].status, Status::Skipped);
        assert_eq!(plan.phases[0].title, "Phase 1");
    }

    #[test]
    fn phase_numbers() {
        assert_eq!(phase_number("Phase 2: Features"), Some("2"));
        assert_eq!(phase_number("Phase 2.1 (INSERTED)"), Some("2.1"));
        assert_eq!(phase_number("Phases"), None);
        assert_eq!(phase_number("Partial work 3"), None);
    }
}
