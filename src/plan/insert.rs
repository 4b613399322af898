//! Filing a new task into a plan (`baton add`): which phase it joins, the next id of the
//! plan's own scheme, and the lines to insert, written the way the neighbouring tasks are
//! written. The result is one insertion edit, after the last task of the phase and everything
//! nested under it; no existing byte moves or changes. An insertion is returned only when the
//! plan, read again with it, has every old task exactly as before and the new task as asked
//! (the same check-by-rereading `edit::append_decision` makes): a plan whose shape baton
//! cannot follow gets a refusal, never a misplaced line.

use super::edit::{self, Edit};
use super::keys::{self, Key};
use super::model::{Plan, Status, Task};

/// The task to file, as asked (title and values already trimmed, one line each).
#[derive(Debug, Clone, Default)]
pub struct NewTask<'a> {
    pub title: &'a str,
    pub after: &'a [String],
    pub files: &'a [String],
    pub verify: &'a [String],
    pub discovered_from: Option<&'a str>,
}

/// Where and how the task goes in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insertion {
    pub id: String,
    /// Index into [`Plan::phases`].
    pub phase: usize,
    pub edit: Edit,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InsertError {
    #[error("the plan has no tasks yet, so no phase to file a task into")]
    NoPhase,
    #[error("no phase {0}")]
    UnknownPhase(String),
    #[error("\"{0}\" names more than one phase: {1}")]
    AmbiguousPhase(String, String),
    #[error(
        "the new task cannot be inserted safely after line {0}: the plan, read again with it, \
         would not keep every task as it is"
    )]
    NoSafePlace(u32),
}

/// The key a task's origin is recorded under (`discovered-from: T3`). Not one of
/// [`keys::ALIASES`]: the parser keeps such a line as part of the task's description, and
/// lint has nothing to say about it.
pub const DISCOVERED_FROM: &str = "discovered-from";

/// The phase `wanted` names: the phase whose heading number is `wanted` (`2`, `2.1`); else,
/// for a number, the phase at that position (1-based, in document order); else the phase
/// whose title is `wanted` (case-insensitive, with or without its `Phase N:` prefix); else the
/// one phase whose title contains it.
pub fn find_phase(plan: &Plan, wanted: &str) -> Result<usize, InsertError> {
    let wanted = wanted.trim();
    if plan.phases.is_empty() {
        return Err(InsertError::NoPhase);
    }
    if let Some(p) = plan
        .phases
        .iter()
        .find(|p| p.number.as_deref() == Some(wanted))
    {
        return Ok(p.index);
    }
    if let Ok(n) = wanted.parse::<usize>() {
        return match n.checked_sub(1).and_then(|i| plan.phases.get(i)) {
            Some(p) => Ok(p.index),
            None => Err(InsertError::UnknownPhase(wanted.to_string())),
        };
    }
    let lower = wanted.to_lowercase();
    let name = |title: &str| -> String { phase_name(title).to_lowercase() };
    if let Some(p) = plan
        .phases
        .iter()
        .find(|p| p.title.to_lowercase() == lower || name(&p.title) == lower)
    {
        return Ok(p.index);
    }
    let matching: Vec<&super::Phase> = plan
        .phases
        .iter()
        .filter(|p| !lower.is_empty() && p.title.to_lowercase().contains(&lower))
        .collect();
    match matching.as_slice() {
        [p] => Ok(p.index),
        [] => Err(InsertError::UnknownPhase(wanted.to_string())),
        many => Err(InsertError::AmbiguousPhase(
            wanted.to_string(),
            many.iter()
                .map(|p| format!("\"{}\"", p.title))
                .collect::<Vec<_>>()
                .join(", "),
        )),
    }
}

/// A phase title without its `Phase 2:` / `Phase 2 —` prefix.
fn phase_name(title: &str) -> &str {
    let Some(number) = super::parse::phase_number(title) else {
        return title;
    };
    match title.find(number) {
        Some(at) => title[at + number.len()..]
            .trim_start_matches([':', '-', '—', '–', '.', ' '])
            .trim(),
        None => title,
    }
}

/// The phase a task joins when none is named: the phase of the task it was found from, else
/// the current phase (the first with an open task), else the last phase.
pub fn default_phase(plan: &Plan, discovered_from: Option<&Task>) -> Result<usize, InsertError> {
    if let Some(task) = discovered_from {
        return Ok(task.phase);
    }
    crate::graph::current_phase(plan)
        .or_else(|| plan.phases.last().map(|p| p.index))
        .ok_or(InsertError::NoPhase)
}

/// Every id the plan uses, nested ones included (people read `- [ ] T4 x` under a task
/// without an id as an id, though baton reads an acceptance item).
fn used_ids(plan: &Plan) -> Vec<&str> {
    let nested = plan
        .tasks
        .iter()
        .flat_map(|t| &t.acceptance)
        .filter_map(|a| {
            let token = a.text.split_whitespace().next()?;
            let token = token.strip_suffix([':', '.']).unwrap_or(token);
            keys::is_id(token).then_some(token)
        });
    plan.ids().chain(nested).collect()
}

/// The next free id for a task filed into `phase`, in the scheme of the last id there:
/// `T12` → the highest `T` number in the plan + 1 (`T007` keeps its width), `AUTH-3` →
/// `AUTH-` likewise, a dotted `2.3` → the highest `2.n` + 1. A phase without ids takes the
/// plan's own next id ([`edit::next_ids`]: `T1` in a plan with no ids at all).
pub fn next_id(plan: &Plan, phase: usize) -> String {
    let last = plan.phases.get(phase).and_then(|p| {
        p.tasks
            .iter()
            .rev()
            .find_map(|&t| plan.tasks[t].id.as_deref())
    });
    let Some(last) = last else {
        return edit::next_ids(plan, 1).remove(0);
    };
    let digits_at = last
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(last.len());
    let number = last[digits_at..].trim_end_matches(|c: char| c.is_ascii_lowercase());
    let scope_len = digits_at + number.rfind('.').map_or(0, |dot| dot + 1);
    let scope = &last[..scope_len];
    let used = used_ids(plan);
    let numbers = used.iter().filter_map(|id| {
        let rest = id.strip_prefix(scope)?;
        (!rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())).then_some(rest)
    });
    let (mut highest, mut width) = (0u64, 0usize);
    for rest in numbers {
        highest = highest.max(rest.parse().unwrap_or(0));
        if rest.len() > 1 && rest.starts_with('0') {
            width = width.max(rest.len());
        }
    }
    let taken: std::collections::HashSet<&str> = used.into_iter().collect();
    let mut next = highest + 1;
    loop {
        let id = format!("{scope}{next:0width$}");
        if !taken.contains(id.as_str()) {
            return id;
        }
        next += 1;
    }
}

/// The insertion that files `new` into `phase` under the id `id`, or why there is none.
pub fn insert(
    plan: &Plan,
    src: &[u8],
    phase: usize,
    id: &str,
    new: &NewTask<'_>,
) -> Result<Insertion, InsertError> {
    let tasks = &plan.phases.get(phase).ok_or(InsertError::NoPhase)?.tasks;
    let &last = tasks.last().ok_or(InsertError::NoPhase)?;
    let anchor = outermost(plan, src, last);
    let lines = Lines { src };
    let item = lines.item(&plan.tasks[anchor]);
    let block_end = lines.block_end(&item, plan.tasks[anchor].line_span.start);
    let nl = plan.line_ending.as_str();
    let detected = detect_style(plan, src, phase, &item);
    let mut styles = vec![detected];
    if styles[0] != Style::default() {
        styles.push(Style::default());
    }
    for style in &styles {
        let text = render(&item, style, id, new, nl);
        let (at, text) = match block_end {
            Some(at) => (at, text),
            // The anchor's block runs to the end of a file without a final line ending.
            None => (src.len(), format!("{nl}{text}")),
        };
        let edit = Edit {
            range: at..at,
            text: text.into_bytes(),
        };
        if reads_back(plan, src, &edit, phase, id, new) {
            return Ok(Insertion {
                id: id.to_string(),
                phase,
                edit,
            });
        }
    }
    Err(InsertError::NoSafePlace(plan.tasks[anchor].line_span.line))
}

/// The outermost task whose item holds task `t` (a nested sub-task's parent, not a Kiro
/// parent written at the same indentation).
fn outermost(plan: &Plan, src: &[u8], mut t: usize) -> usize {
    let lines = Lines { src };
    while let Some(parent) = plan.tasks[t].parent {
        let column = |t: usize| lines.item(&plan.tasks[t]).marker_column;
        if column(parent) < column(t) {
            t = parent;
        } else {
            break;
        }
    }
    t
}

// ---------------------------------------------------------------------------------------------
// Lines and list items, on the raw bytes.

struct Lines<'a> {
    src: &'a [u8],
}

/// How a task's list item is written.
#[derive(Debug, Clone)]
struct Item {
    /// Block-quote markers before the item (`> `), as written.
    quote: Vec<u8>,
    /// Whitespace between the quote markers (or the line start) and the list marker.
    indent: Vec<u8>,
    /// The list marker (`-`, `*`, `+`, `3.`, `3)`).
    marker: Vec<u8>,
    /// Between the marker and the checkbox.
    gap: Vec<u8>,
    /// Column of the marker after the quote markers.
    marker_column: usize,
    /// Column where the item's text starts (after the quote markers).
    content_column: usize,
    /// What follows the id on the task line (`:` for `T1: Title`), if anything.
    id_suffix: Option<u8>,
}

fn columns(bytes: &[u8]) -> usize {
    bytes.iter().fold(0, |col, &b| match b {
        b'\t' => col + 4 - col % 4,
        _ => col + 1,
    })
}

impl Lines<'_> {
    fn line_start(&self, at: usize) -> usize {
        self.src[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
    }

    /// The end of the line holding `at` (before its line ending) and the start of the next
    /// line, if there is one.
    fn line_end(&self, at: usize) -> (usize, Option<usize>) {
        match self.src[at..].iter().position(|&b| b == b'\n') {
            Some(i) => {
                let nl = at + i;
                let end = if nl > at && self.src[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                (end, Some(nl + 1))
            }
            None => (self.src.len(), None),
        }
    }

    fn item(&self, task: &Task) -> Item {
        let marker_at = task.line_span.start;
        let start = self.line_start(marker_at);
        let lead = &self.src[start..marker_at];
        let quote_len = lead
            .iter()
            .rposition(|&b| b == b'>')
            .map_or(0, |i| i + 1 + usize::from(lead.get(i + 1) == Some(&b' ')));
        let (quote, indent) = lead.split_at(quote_len.min(lead.len()));
        let digits = self.src[marker_at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let marker_len = if digits > 0 { digits + 1 } else { 1 };
        let marker_end = (marker_at + marker_len).min(self.src.len());
        let bracket = task.status_span.start.saturating_sub(1).max(marker_end);
        let gap = &self.src[marker_end..bracket];
        let marker_column = columns(indent);
        let id_suffix = task
            .id_span
            .and_then(|span| self.src.get(span.end).copied())
            .filter(|&b| b == b':' || b == b'.');
        Item {
            quote: quote.to_vec(),
            indent: indent.to_vec(),
            marker: self.src[marker_at..marker_end].to_vec(),
            gap: gap.to_vec(),
            marker_column,
            content_column: marker_column + marker_len + columns(gap),
            id_suffix,
        }
    }

    /// A line's text after `item`'s quote markers, or `None` when the line is not inside
    /// the same quote.
    fn inside<'l>(&self, item: &Item, line: &'l [u8]) -> Option<&'l [u8]> {
        if item.quote.is_empty() {
            return Some(line);
        }
        let want: Vec<u8> = item.quote.iter().copied().filter(|&b| b == b'>').collect();
        let mut rest = line;
        for _ in &want {
            let trimmed = rest.trim_ascii_start();
            rest = trimmed.strip_prefix(b">")?;
        }
        Some(rest.strip_prefix(b" ").unwrap_or(rest))
    }

    /// The start of the line after the last line of the item whose task line holds `at`
    /// (its nested lines, and lazy continuation lines of its text, included; blank lines
    /// after it not). `None` when the item runs to the end of a file with no final line
    /// ending.
    fn block_end(&self, item: &Item, at: usize) -> Option<usize> {
        let (_, mut next) = self.line_end(at);
        let mut end = next;
        let mut previous_blank = false;
        while let Some(start) = next {
            let (line_end, after) = self.line_end(start);
            let line = &self.src[start..line_end];
            let Some(text) = self.inside(item, line) else {
                break;
            };
            let blank = text.iter().all(|b| b.is_ascii_whitespace());
            if blank {
                previous_blank = true;
                next = after;
                continue;
            }
            let indent = text
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            let nested = columns(&text[..indent]) >= item.content_column;
            let lazy = !previous_blank && !starts_block(&text[indent..]);
            if !(nested || lazy) {
                break;
            }
            previous_blank = false;
            end = after;
            next = after;
        }
        end
    }
}

/// Whether a line (without its indentation) starts a block of its own rather than continuing
/// a paragraph: a list item, a heading, a quote, a fence, HTML, a table row, a rule.
fn starts_block(text: &[u8]) -> bool {
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    let after_marker = |n: usize| text.get(n).is_none_or(|b| *b == b' ' || *b == b'\t');
    match text.first() {
        None => true,
        Some(b'-' | b'*' | b'+') if after_marker(1) => true,
        Some(b'#' | b'>' | b'<' | b'|') => true,
        Some(_) if digits > 0 && matches!(text.get(digits), Some(b'.' | b')')) => {
            after_marker(digits + 1)
        }
        _ => {
            text.starts_with(b"```")
                || text.starts_with(b"~~~")
                || (text.len() >= 3
                    && text
                        .iter()
                        .all(|b| matches!(b, b'-' | b'=' | b'*' | b'_' | b' ')))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The style of the neighbouring tasks.

/// How a `key: value` sub-item is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum KeyForm {
    /// `key: value`
    #[default]
    Plain,
    /// `**key**: value`
    Bold,
    /// `**key:** value`
    BoldColon,
    /// `_key: value_` (Kiro)
    Underscore,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Style {
    /// `after`, `files` and `verify` on the task line (`— after: T1 — files: …`).
    inline: bool,
    /// Sub-item indentation (after the quote markers) and marker with its gap, as a
    /// neighbour writes them; `None`: the item's content column and `- `.
    sub_lead: Option<(Vec<u8>, Vec<u8>)>,
    form: KeyForm,
    capital: bool,
    /// Globs are written plainly rather than in backticks.
    plain_files: bool,
    /// The plan's own spelling of `after` (`depends`, `Depends on`, …).
    after_key: Option<String>,
}

/// How many tasks around the insertion are looked at for their style.
const NEIGHBOURS: usize = 40;

fn detect_style(plan: &Plan, src: &[u8], phase: usize, anchor: &Item) -> Style {
    let lines = Lines { src };
    let in_phase = plan.phases[phase].tasks.iter().rev().copied();
    let elsewhere = (0..plan.tasks.len())
        .rev()
        .filter(|&t| plan.tasks[t].phase != phase);
    let mut style = Style::default();
    let mut decided_layout = false;
    let mut found_key = false;
    let mut found_files = false;
    for t in in_phase.chain(elsewhere).take(NEIGHBOURS) {
        let task = &plan.tasks[t];
        let item = lines.item(task);
        let (line_end, mut next) = lines.line_end(task.line_span.start);
        let mut has_sub_keys = false;
        let stop = lines.block_end(&item, task.line_span.start);
        while let Some(start) = next {
            if stop.is_some_and(|stop| start >= stop) {
                break;
            }
            let (end, after) = lines.line_end(start);
            next = after;
            let Some(text) = lines.inside(&item, &src[start..end]) else {
                break;
            };
            let Ok(text) = std::str::from_utf8(text) else {
                continue;
            };
            let body = text.trim_start();
            let indent = &text[..text.len() - body.len()];
            let Some(head) = body
                .strip_prefix(['-', '*', '+'])
                .filter(|h| h.starts_with(' '))
            else {
                continue;
            };
            let gap = head.len() - head.trim_start().len();
            let head = head.trim_start();
            let Some((raw_key, value)) = keys::split_key_value(head) else {
                continue;
            };
            let Some(key) = keys::lookup_key(raw_key) else {
                continue;
            };
            has_sub_keys = true;
            if !found_key {
                found_key = true;
                if item.quote == anchor.quote
                    && item.indent == anchor.indent
                    && item.content_column == anchor.content_column
                {
                    let marker = &body[..1 + gap];
                    style.sub_lead = Some((indent.as_bytes().to_vec(), marker.as_bytes().to_vec()));
                }
                style.form = if let Some(bold) = head.strip_prefix("**") {
                    if bold.starts_with(&format!("{raw_key}:**")) {
                        KeyForm::BoldColon
                    } else {
                        KeyForm::Bold
                    }
                } else if head.starts_with('_') {
                    KeyForm::Underscore
                } else {
                    KeyForm::Plain
                };
                style.capital = raw_key.starts_with(|c: char| c.is_uppercase());
            }
            if key == Key::After && style.after_key.is_none() {
                style.after_key = Some(raw_key.to_string());
            }
            if key == Key::Files && !found_files {
                found_files = true;
                style.plain_files = !value.contains('`');
            }
        }
        if !decided_layout {
            let line = String::from_utf8_lossy(&src[task.line_span.start..line_end]);
            let inline = keys::inline_keys(&line)
                .iter()
                .any(|k| matches!(k.key, Key::After | Key::Files | Key::Verify));
            if has_sub_keys || inline {
                decided_layout = true;
                style.inline = inline && !has_sub_keys;
            }
        }
    }
    style
}

// ---------------------------------------------------------------------------------------------
// Writing the lines.

/// `text` as one Markdown code span, with a fence longer than any backtick run inside.
fn code_span(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    if longest == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

fn key_text(style: &Style, canonical: &str) -> String {
    let mut name = canonical.to_string();
    if style.capital
        && let Some(first) = name.get(..1)
    {
        name = format!("{}{}", first.to_uppercase(), &name[1..]);
    }
    name
}

fn sub_item(style: &Style, key: &str, value: &str) -> String {
    match style.form {
        KeyForm::Plain => format!("{key}: {value}"),
        KeyForm::Bold => format!("**{key}**: {value}"),
        KeyForm::BoldColon => format!("**{key}:** {value}"),
        KeyForm::Underscore => format!("_{key}: {value}_"),
    }
}

fn render(item: &Item, style: &Style, id: &str, new: &NewTask<'_>, nl: &str) -> String {
    let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let quote = lossy(&item.quote);
    let marker = match item.marker.last() {
        Some(b'.' | b')') if item.marker.len() > 1 => {
            let n: u64 = std::str::from_utf8(&item.marker[..item.marker.len() - 1])
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            format!("{}{}", n + 1, item.marker[item.marker.len() - 1] as char)
        }
        _ => lossy(&item.marker),
    };
    let suffix = match item.id_suffix {
        Some(b':') => ":",
        Some(b'.') if !id.contains('.') => ".",
        _ => "",
    };
    let after_key = style
        .after_key
        .clone()
        .unwrap_or_else(|| key_text(style, "after"));
    let files = if style.plain_files {
        new.files.join(", ")
    } else {
        new.files
            .iter()
            .map(|f| code_span(f))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut line = format!(
        "{quote}{}{marker}{}[ ] {id}{suffix} {}",
        lossy(&item.indent),
        lossy(&item.gap),
        new.title
    );
    let mut subs: Vec<String> = Vec::new();
    let mut keyed: Vec<(String, String)> = Vec::new();
    if !new.after.is_empty() {
        keyed.push((after_key, new.after.join(", ")));
    }
    if !new.files.is_empty() {
        keyed.push((key_text(style, "files"), files));
    }
    for command in new.verify {
        keyed.push((key_text(style, "verify"), code_span(command)));
    }
    if style.inline {
        for (key, value) in &keyed {
            line.push_str(&format!(" — {key}: {value}"));
        }
    } else {
        subs.extend(keyed.iter().map(|(k, v)| sub_item(style, k, v)));
    }
    if let Some(from) = new.discovered_from {
        subs.push(sub_item(style, &key_text(style, DISCOVERED_FROM), from));
    }
    let (indent, sub_marker) = match &style.sub_lead {
        Some((indent, marker)) => (lossy(indent), lossy(marker)),
        None => (" ".repeat(item.content_column), "- ".to_string()),
    };
    let mut out = format!("{line}{nl}");
    for sub in subs {
        out.push_str(&format!("{quote}{indent}{sub_marker}{sub}{nl}"));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Reading back.

/// Whether the plan with `edit` applied has every old task as it was (same place, phase,
/// text, keys, items, parent) and, right where it was inserted, the new task as asked.
fn reads_back(
    plan: &Plan,
    src: &[u8],
    edit: &Edit,
    phase: usize,
    id: &str,
    new: &NewTask<'_>,
) -> bool {
    let Ok(bytes) = edit::apply(src, std::slice::from_ref(edit)) else {
        return false;
    };
    let after = super::parse(&bytes);
    if after.tasks.len() != plan.tasks.len() + 1
        || after.phases.len() != plan.phases.len()
        || after.decisions.as_ref().map(|d| d.entries.len())
            != plan.decisions.as_ref().map(|d| d.entries.len())
    {
        return false;
    }
    let at = edit.range.start;
    let k = plan.tasks.partition_point(|t| t.line_span.start < at);
    let shift = |i: usize| if i < k { i } else { i + 1 };
    let old_ok = plan.tasks.iter().enumerate().all(|(i, old)| {
        let now = &after.tasks[shift(i)];
        same_task(old, now) && now.parent == old.parent.map(shift)
    });
    let phases_ok = plan
        .phases
        .iter()
        .zip(&after.phases)
        .all(|(a, b)| a.title == b.title);
    let added = &after.tasks[k];
    let wanted_from = new.discovered_from.is_none_or(|from| {
        added.notes.iter().any(|note| {
            keys::split_key_value(note).is_some_and(|(key, value)| {
                keys::normalize_key(key) == "discovered from"
                    && value.trim().trim_end_matches(['_', '*']).trim() == from
            })
        })
    });
    old_ok
        && phases_ok
        && wanted_from
        && added.id.as_deref() == Some(id)
        && added.phase == phase
        && added.status == Status::Todo
        && added.title == new.title
        && added
            .deps
            .iter()
            .map(|d| d.id.as_str())
            .eq(new.after.iter().map(String::as_str))
        && added.files.iter().eq(new.files.iter())
        && added.verify.iter().eq(new.verify.iter())
        && added.blocks.is_empty()
        && added.acceptance.is_empty()
        && added.extra.is_empty()
        && added.labels.is_empty()
        && !added.parallel
}

fn same_task(a: &Task, b: &Task) -> bool {
    let ids = |t: &Task| -> Vec<String> { t.deps.iter().map(|d| d.id.clone()).collect() };
    let blocks = |t: &Task| -> Vec<String> { t.blocks.iter().map(|d| d.id.clone()).collect() };
    let items = |t: &Task| -> Vec<(String, Status)> {
        t.acceptance
            .iter()
            .map(|i| (i.text.clone(), i.status))
            .collect()
    };
    a.id == b.id
        && a.phase == b.phase
        && a.status == b.status
        && a.title == b.title
        && a.parallel == b.parallel
        && a.optional == b.optional
        && a.labels == b.labels
        && ids(a) == ids(b)
        && blocks(a) == blocks(b)
        && a.files == b.files
        && a.reads == b.reads
        && a.verify == b.verify
        && a.done_when == b.done_when
        && a.requirements == b.requirements
        && a.estimate == b.estimate
        && a.agent == b.agent
        && a.notes == b.notes
        && items(a) == items(b)
        && a.extra.len() == b.extra.len()
}

#[cfg(test)]
#[path = "insert_tests.rs"]
mod tests;
