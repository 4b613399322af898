//! Dependencies written in words: a task that uses what another task creates without
//! naming its id or its file ("Register the invoice mailer in app/deps.py" needs "Create the
//! `InvoiceMailer` service in app/services/invoice_mailer.py"). Real plans are full of these;
//! the id and path checks of A304 cannot see them, so two tasks that the graph lets run at
//! once may still need one another's work.
//!
//! The pass reads, per task, what it **creates**: the things named between a creation verb
//! (create, add, implement, introduce, define, build, write) and the first word that turns
//! to what it uses ("using", "via", "calls", "with", ...): the object phrase ("Event
//! service"), identifiers (`InvoiceMailer`, `list_events()`), endpoints (`GET /invoices`) and
//! the stems of the files it names (`invoice_mailer`). Another task **uses** a thing when its
//! text holds the same words in a row: identifiers and file stems are split into words, so
//! "the invoice mailer", `InvoiceMailer` and `invoice_mailer.py` are one thing.
//!
//! Precision comes first: a thing of one word, or only of generic words (index, types,
//! config, service, ...), is no tie; nor is a thing that many tasks name (a project-wide
//! noun); nor a pair whose scopes already overlap (A301 covers those).
//!
//! Findings are A304 `hidden-dependency`, with both tasks' words and lines as evidence.

use rustc_hash::{FxHashMap, FxHashSet};

use super::independence::{Finding, concurrent, related, sorted};
use crate::graph::flow::Flow;
use crate::graph::scope::Scopes;
use crate::plan::{Plan, Severity, Task, keys};

/// Verbs whose object a task brings into being.
const CREATE_VERBS: &[&str] = &[
    "create",
    "creates",
    "add",
    "adds",
    "implement",
    "implements",
    "introduce",
    "introduces",
    "define",
    "defines",
    "build",
    "builds",
    "write",
    "writes",
    "scaffold",
    "generate",
];

/// Words after which a task talks about what it uses, not what it makes.
const USE_WORDS: &[&str] = &[
    "using",
    "uses",
    "use",
    "via",
    "with",
    "from",
    "calls",
    "call",
    "calling",
    "delegates",
    "delegating",
    "reusing",
    "reuses",
    "reuse",
    "match",
    "matches",
    "matching",
    "per",
    "against",
    "consuming",
    "consumes",
    "into",
    "extend",
    "extends",
    "after",
    "once",
    "requires",
    "needs",
    "through",
    "wraps",
    "wrapping",
    "enforce",
    "enforces",
    "enforcing",
    "like",
    "following",
    "see",
];

/// Words that end an object phrase without belonging to it.
const PHRASE_STOPS: &[&str] = &[
    "in", "at", "for", "to", "that", "which", "on", "under", "as", "and", "or", "of", "by", "so",
    "within", "inside", "where", "when", "if", "is", "are", "will", "should", "must",
];

/// Words skipped at the start of an object phrase.
const DETERMINERS: &[&str] = &["a", "an", "the", "new", "all", "basic", "initial", "shared"];

/// Words before plain words that make them a name ("the invoice mailer").
const ARTICLES: &[&str] = &[
    "the", "a", "an", "this", "that", "it", "their", "our", "existing",
];

/// Nouns that close an object phrase ("Event service", "EventCard component").
const KINDS: &[&str] = &[
    "service",
    "component",
    "hook",
    "route",
    "endpoint",
    "table",
    "model",
    "class",
    "module",
    "page",
    "controller",
    "handler",
    "middleware",
    "store",
    "schema",
    "helper",
    "function",
    "enum",
    "job",
    "worker",
    "command",
    "view",
    "screen",
    "dialog",
    "form",
    "modal",
    "provider",
    "context",
    "client",
    "interface",
    "migration",
    "query",
    "adapter",
    "repository",
    "registry",
    "parser",
    "validator",
    "utility",
    "library",
    "script",
];

/// Words too common in plans to tie two tasks on their own (normalized: singular, lower
/// case). A thing made only of these is no tie.
const GENERIC: &[&str] = &[
    "index",
    "main",
    "util",
    "utility",
    "type",
    "test",
    "spec",
    "config",
    "configuration",
    "helper",
    "constant",
    "mod",
    "lib",
    "app",
    "common",
    "shared",
    "base",
    "core",
    "setup",
    "readme",
    "layout",
    "style",
    "global",
    "default",
    "new",
    "data",
    "api",
    "service",
    "page",
    "route",
    "component",
    "model",
    "schema",
    "file",
    "function",
    "module",
    "class",
    "table",
    "endpoint",
    "handler",
    "hook",
    "unit",
    "integration",
    "e2e",
    "doc",
    "documentation",
    "script",
    "update",
    "create",
    "get",
    "list",
    "use",
    "set",
    "add",
    "delete",
    "remove",
    "basic",
    "support",
    "logic",
    "code",
    "project",
    "feature",
    "task",
    "check",
    "error",
    "state",
    "option",
    "value",
    "field",
    "item",
    "result",
    "request",
    "response",
    "user",
    "id",
    "name",
    "src",
    "js",
    "ts",
    "tsx",
    "py",
    "rs",
    "md",
    "json",
];

/// A thing that more tasks than this name is a project-wide noun, not a tie.
fn max_naming_tasks(tasks: usize) -> usize {
    (tasks / 10).clamp(3, 12)
}

/// A word of task text: normalized for matching, with where it was written.
#[derive(Debug, Clone)]
struct Word {
    norm: String,
    /// Byte range in its text.
    start: usize,
    end: usize,
    /// The word starts / ends a whole token (`EventCardSkeleton` is one token of three
    /// words: "event card" inside it is not the thing `EventCard`).
    token_start: bool,
    token_end: bool,
}

/// Splits text into words: at anything not alphanumeric, and inside identifiers at
/// `camelCase` humps and `snake_case` underscores.
fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            // Non-ASCII letters are skipped with the rest: plans are ASCII identifiers.
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        let first = out.len();
        split_identifier(text, start, i, &mut out);
        if out.len() > first {
            out[first].token_start = true;
            if let Some(last) = out.last_mut() {
                last.token_end = true;
            }
        }
    }
    out
}

fn split_identifier(text: &str, start: usize, end: usize, out: &mut Vec<Word>) {
    let bytes = text.as_bytes();
    let mut piece = start;
    let push = |a: usize, b: usize, out: &mut Vec<Word>| {
        if a < b {
            out.push(Word {
                norm: normalize(&text[a..b]),
                start: a,
                end: b,
                token_start: false,
                token_end: false,
            });
        }
    };
    let mut i = start;
    while i < end {
        let c = bytes[i];
        if c == b'_' {
            push(piece, i, out);
            piece = i + 1;
        } else if i > piece && c.is_ascii_uppercase() {
            let prev = bytes[i - 1];
            // `URLs` is one word: a plural `s` is no hump.
            let next_lower = i + 1 < end
                && bytes[i + 1].is_ascii_lowercase()
                && !(i + 2 == end && bytes[i + 1] == b's');
            // `OAuth` and `iOS` stay one word: no piece of a single letter.
            if i - piece > 1
                && (prev.is_ascii_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_ascii_uppercase() && next_lower))
            {
                push(piece, i, out);
                piece = i;
            }
        }
        i += 1;
    }
    push(piece, end, out);
}

/// Lower case, and a plural made singular, so "Cities" meets `City`.
fn normalize(word: &str) -> String {
    let w = word.to_ascii_lowercase();
    if w.len() > 4 && w.ends_with("ies") {
        return format!("{}y", &w[..w.len() - 3]);
    }
    if w.len() > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
    {
        return w[..w.len() - 1].to_string();
    }
    w
}

/// A thing a task creates.
#[derive(Debug, Clone)]
struct Made {
    /// Normalized words, or `METHOD /path` for an endpoint.
    key: Vec<String>,
    endpoint: bool,
    /// As written in the creating task.
    shown: String,
    /// Which of the task's texts, for its line.
    text: usize,
}

/// One task's texts with their lines: title, notes, done-when, acceptance items.
fn texts(task: &Task) -> Vec<(&str, u32)> {
    let line = task.line_span.line;
    let mut out = vec![(task.title.as_str(), line)];
    out.extend(task.notes.iter().map(|n| (n.as_str(), line)));
    out.extend(task.done_when.iter().map(|n| (n.as_str(), line)));
    out.extend(
        task.acceptance
            .iter()
            .map(|a| (a.text.as_str(), a.span.line)),
    );
    out
}

fn is_generic(key: &[String]) -> bool {
    key.iter().all(|w| GENERIC.contains(&w.as_str()))
}

/// Endpoints written `METHOD /path` in a text, as `(METHOD, /path with parameters as ":")`.
fn endpoints(text: &str) -> Vec<(String, (usize, usize))> {
    let mut out = Vec::new();
    let parts: Vec<(usize, &str)> = text
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
        .collect();
    for pair in parts.windows(2) {
        let method = pair[0].1.trim_start_matches(['`', '(', '"']);
        if !matches!(method, "GET" | "POST" | "PUT" | "PATCH" | "DELETE") {
            continue;
        }
        let path = pair[1]
            .1
            .trim_start_matches(['`', '"'])
            .trim_end_matches(['`', ')', '"', ',', ';', '.', ':']);
        if !path.starts_with('/') || path.len() < 2 {
            continue;
        }
        let norm: Vec<String> = path
            .trim_end_matches('/')
            .split('/')
            .map(|s| {
                if s.starts_with(':') || s.starts_with('{') || s.starts_with('[') {
                    ":".to_string()
                } else {
                    s.to_ascii_lowercase()
                }
            })
            .collect();
        let end = pair[1].0 + pair[1].1.len();
        out.push((format!("{method} {}", norm.join("/")), (pair[0].0, end)));
    }
    out
}

/// What one text of a task creates: from each creation verb to the first word about use,
/// the second dash, or the end of the sentence.
fn made_in(text: &str, which: usize, out: &mut Vec<Made>, spans: &mut Vec<(usize, usize, usize)>) {
    let ws = words(text);
    let mut i = 0;
    while i < ws.len() {
        if !ws[i].token_start
            || !CREATE_VERBS.contains(&text[ws[i].start..ws[i].end].to_ascii_lowercase().as_str())
        {
            i += 1;
            continue;
        }
        let span_start = ws[i].end;
        let mut span_end = text.len();
        let mut dashes = 0;
        let mut j = i + 1;
        // Where the span stops: a use word, the second dash, a sentence end or `;`.
        let mut stop_at = |from: usize, to: usize| -> bool {
            let gap = &text[from..to];
            dashes += gap.matches(" — ").count()
                + gap.matches(" – ").count()
                + gap.matches(" - ").count();
            dashes >= 2 || gap.contains("; ") || gap.contains(". ")
        };
        let mut prev_end = span_start;
        while j < ws.len() {
            if stop_at(prev_end, ws[j].start) {
                span_end = prev_end;
                break;
            }
            let raw = text[ws[j].start..ws[j].end].to_ascii_lowercase();
            if ws[j].token_start
                && (USE_WORDS.contains(&raw.as_str()) || CREATE_VERBS.contains(&raw.as_str()))
            {
                span_end = ws[j].start;
                break;
            }
            prev_end = ws[j].end;
            j += 1;
        }
        if j == ws.len() && stop_at(prev_end, text.len()) {
            span_end = prev_end;
        }
        collect(text, span_start, span_end, &ws[i + 1..j], which, out, spans);
        // The object itself, up to the first dash, is what the task makes; what the words
        // after the dash name may be what it uses ("Create Cities API routes — `GET
        // /api/cities/nearest` (geolocation snap)").
        let object = &text[span_start..span_end];
        let object_end = [" — ", " – ", " - "]
            .iter()
            .filter_map(|d| object.find(d))
            .min()
            .map_or(span_end, |at| span_start + at);
        spans.push((which, span_start, object_end));
        i = j.max(i + 1);
    }
}

/// The things named in one creation span `text[from..to]` whose words are `ws`.
fn collect(
    text: &str,
    from: usize,
    to: usize,
    ws: &[Word],
    which: usize,
    out: &mut Vec<Made>,
    own: &mut Vec<(usize, usize, usize)>,
) {
    let span = &text[from..to];
    let push = |key: Vec<String>,
                endpoint: bool,
                at: (usize, usize),
                out: &mut Vec<Made>,
                own: &mut Vec<(usize, usize, usize)>| {
        own.push((which, at.0, at.1));
        let shown = text[at.0..at.1].trim_matches('`').to_string();
        if (endpoint || (key.len() >= 2 && !is_generic(&key)))
            && !out.iter().any(|m| m.key == key && m.text == which)
        {
            out.push(Made {
                key,
                endpoint,
                shown,
                text: which,
            });
        }
    };
    // The object phrase: plain words right after the verb, up to punctuation, a stop
    // word or a kind noun (kept).
    let mut phrase: Vec<&Word> = Vec::new();
    let mut k = 0;
    while k < ws.len() {
        let w = &ws[k];
        let before = if k == 0 {
            &text[from..w.start]
        } else {
            &text[ws[k - 1].end..w.start]
        };
        if before.contains(|c: char| !c.is_whitespace() && c != '_')
            || !w.token_start && phrase.is_empty()
        {
            break;
        }
        let raw = text[w.start..w.end].to_ascii_lowercase();
        if phrase.is_empty() && DETERMINERS.contains(&raw.as_str()) {
            k += 1;
            continue;
        }
        if w.token_start && PHRASE_STOPS.contains(&raw.as_str()) {
            break;
        }
        if w.token_start && !phrase.is_empty() && raw.ends_with("ing") {
            break;
        }
        // Take the whole token.
        let mut e = k;
        while !ws[e].token_end && e + 1 < ws.len() {
            e += 1;
        }
        phrase.extend(&ws[k..=e]);
        k = e + 1;
        if KINDS.contains(&ws[e].norm.as_str()) || phrase.len() >= 4 {
            break;
        }
    }
    if let (Some(first), Some(last)) = (phrase.first(), phrase.last()) {
        // A test is not what other tasks use, and what it names is what it tests.
        if phrase
            .iter()
            .any(|w| matches!(w.norm.as_str(), "test" | "e2e"))
        {
            return;
        }
        let key: Vec<String> = phrase.iter().map(|w| w.norm.clone()).collect();
        push(key, false, (first.start, last.end), out, own);
    }
    // Identifiers: tokens of two words or more (`InvoiceMailer`, `list_events()`).
    let mut k = 0;
    while k < ws.len() {
        let mut e = k;
        while !ws[e].token_end && e + 1 < ws.len() {
            e += 1;
        }
        if e > k && ws[k].token_start && !is_part(text, from, ws[k].start, ws[e].end) {
            let after = &text[ws[e].end..];
            // Not a file name: its stem is taken below with the path.
            // A bare `snake_case` word is mostly a column or a field someone else owns;
            // names with humps, and calls, are things.
            let humped = text[ws[k].start..ws[e].end].contains(|c: char| c.is_ascii_uppercase());
            if (humped || after.starts_with('('))
                && (!after.starts_with('.') || after.starts_with(". ") || after.starts_with("()"))
            {
                push(
                    ws[k..=e].iter().map(|w| w.norm.clone()).collect(),
                    false,
                    (ws[k].start, ws[e].end),
                    out,
                    own,
                );
            }
        }
        k = e + 1;
    }
    // Endpoints.
    for (endpoint, at) in endpoints(span) {
        push(vec![endpoint], true, (from + at.0, from + at.1), out, own);
    }
    // The stems of the files the span names.
    for path in keys::paths_in(span) {
        let name = path.rsplit('/').next().unwrap_or(&path);
        let stem = name.split('.').next().unwrap_or(name);
        // Tests are not what other tasks use (a test's own file is still its own).
        if is_test_file(&path) {
            if let Some(at) = span.find(path.as_str()) {
                own.push((which, from + at, from + at + path.len()));
            }
            continue;
        }
        if stem.contains(['*', '?', '[', '{']) {
            continue;
        }
        let key: Vec<String> = words(stem).into_iter().map(|w| w.norm).collect();
        if let Some(at) = span.find(path.as_str()) {
            let at = from + at + path.len() - name.len();
            push(key, false, (at, at + name.len()), out, own);
        }
    }
}

/// An identifier that is part of something else: a parameter or field (`cancel(rsvp_id)`,
/// `{ mime_type }` create `cancel` and nothing), a segment of a URL or path, a setting
/// (`is_deleted=false`).
fn is_part(text: &str, from: usize, start: usize, end: usize) -> bool {
    let before = &text[from..start];
    // Open brackets: `true` for a call's (after a name), `false` for a list's.
    let mut open: Vec<bool> = Vec::new();
    let mut prev = ' ';
    for c in before.chars() {
        match c {
            '(' => open.push(prev.is_ascii_alphanumeric() || prev == '_'),
            '{' => open.push(true),
            ')' | '}' => {
                open.pop();
            }
            _ => {}
        }
        prev = c;
    }
    open.contains(&true)
        || before.ends_with(['/', ':', '[', '{', '=', '.', '-'])
        || text[end..].starts_with(['=', '/', '-'])
}

fn is_test_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.split('/')
        .any(|s| matches!(s, "test" | "tests" | "__tests__" | "spec" | "e2e"))
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.contains("_test.")
        || name.starts_with("test_")
}

/// A task's words across its texts, each with the text it came from.
struct Said<'a> {
    texts: Vec<(&'a str, u32)>,
    words: Vec<(usize, Word)>,
    endpoints: Vec<(String, usize)>,
    made: Vec<Made>,
    /// Paths and URLs in the texts: `(text, start, end, where the file name starts)`.
    paths: Vec<(usize, usize, usize, usize)>,
    /// Where the task names what it creates itself: `(text, start, end)`. Words there are
    /// not uses.
    spans: Vec<(usize, usize, usize)>,
}

fn said(task: &Task) -> Said<'_> {
    let texts = texts(task);
    let mut all = Vec::new();
    let mut eps = Vec::new();
    let (mut made, mut spans, mut paths) = (Vec::new(), Vec::new(), Vec::new());
    for (n, (text, _)) in texts.iter().enumerate() {
        all.extend(words(text).into_iter().map(|w| (n, w)));
        made_in(text, n, &mut made, &mut spans);
        for path in keys::paths_in(text) {
            if let Some(at) = text.find(path.as_str()) {
                let name = path.rfind('/').map_or(0, |s| s + 1);
                paths.push((n, at, at + path.len(), at + name));
            }
        }
        // Any word with a slash is a path or URL too (`/api/event-groups/[id]`).
        for word in text.split_whitespace().filter(|w| w.contains('/')) {
            let at = word.as_ptr() as usize - text.as_ptr() as usize;
            let name = word.trim_end_matches(['`', ')', ',', '.', ';', ':']);
            let stem = name.rfind('/').map_or(0, |s| s + 1);
            paths.push((n, at, at + word.len(), at + stem));
        }
        for (e, at) in endpoints(text) {
            paths.push((n, at.0, at.1, at.1));
            if !spans_hold(&spans, n, at.0) {
                eps.push((e, n));
            }
        }
    }
    Said {
        texts,
        words: all,
        endpoints: eps,
        made,
        paths,
        spans,
    }
}

fn spans_hold(spans: &[(usize, usize, usize)], text: usize, at: usize) -> bool {
    spans
        .iter()
        .any(|&(n, a, b)| n == text && (a..b).contains(&at))
}

/// Where task text holds `key` as whole tokens, in one text: `(text, first word, last word)`.
fn find(said: &Said<'_>, key: &[String], endpoint: bool) -> Option<(usize, usize, usize)> {
    if endpoint {
        return said
            .endpoints
            .iter()
            .find(|(e, _)| e == &key[0])
            .map(|&(_, n)| (n, usize::MAX, usize::MAX));
    }
    let ws = &said.words;
    let n = key.len();
    (0..ws.len().saturating_sub(n - 1)).find_map(|i| {
        let run = &ws[i..i + n];
        let same_text = run.iter().all(|(t, _)| *t == run[0].0);
        let text = said.texts[run[0].0].0;
        (same_text
            && run[0].1.token_start
            && run[n - 1].1.token_end
            && run.iter().zip(key).all(|((_, w), k)| &w.norm == k)
            // One name: words apart only by spaces, `_` or `-`, not "event + teacher".
            && run.windows(2).all(|p| {
                text[p[0].1.end..p[1].1.start]
                    .chars()
                    .all(|c| c == ' ' || c == '_' || c == '-')
            })
            && !spans_hold(&said.spans, run[0].0, run[0].1.start)
            && said.paths.iter().all(|&(t, a, b, stem)| {
                // Inside a path or URL only a file's whole stem counts.
                t != run[0].0
                    || run[0].1.start >= b
                    || run[n - 1].1.end <= a
                    || (run[0].1.start == stem && text[run[n - 1].1.end..b].starts_with('.'))
            }))
        .then(|| (run[0].0, i, i + n - 1))
    })
}

/// A thing's words, and whether it is an endpoint.
type Key = (Vec<String>, bool);

/// A304 findings for tasks that use what a parallel task creates, in words. Pairs already
/// in `out` as A304 (named by id or path) are not repeated.
pub fn text_dependencies(plan: &Plan, flow: &Flow, scopes: &Scopes, out: &mut Vec<Finding>) {
    let mut reported: FxHashSet<(usize, usize)> = out
        .iter()
        .filter(|f| f.code == "A304" && f.tasks.len() == 2)
        .map(|f| (f.tasks[0], f.tasks[1]))
        .collect();
    let saids: Vec<Said<'_>> = plan.tasks.iter().map(said).collect();
    // Who creates what.
    let mut creators: FxHashMap<Key, Vec<(usize, Made)>> = FxHashMap::default();
    let mut order: Vec<Key> = Vec::new();
    for task in &plan.tasks {
        for m in &saids[task.index].made {
            let key = (m.key.clone(), m.endpoint);
            let entry = creators.entry(key.clone()).or_default();
            if entry.is_empty() {
                order.push(key);
            }
            if !entry.iter().any(|(t, _)| *t == task.index) {
                entry.push((task.index, m.clone()));
            }
        }
    }
    // Per first word, the tasks that say it: candidates for each thing's users.
    let mut by_word: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (t, s) in saids.iter().enumerate() {
        for (_, w) in &s.words {
            let list = by_word.entry(w.norm.as_str()).or_default();
            if list.last() != Some(&t) {
                list.push(t);
            }
        }
    }
    let limit = max_naming_tasks(plan.tasks.len());
    for key in &order {
        let makers = &creators[key];
        let (words, endpoint) = key;
        let candidates: Vec<usize> = if *endpoint {
            (0..saids.len())
                .filter(|&t| saids[t].endpoints.iter().any(|(e, _)| e == &words[0]))
                .collect()
        } else {
            by_word.get(words[0].as_str()).cloned().unwrap_or_default()
        };
        if candidates.len() > limit * 8 {
            continue;
        }
        let naming: Vec<(usize, (usize, usize, usize))> = candidates
            .into_iter()
            .filter_map(|t| find(&saids[t], words, *endpoint).map(|hit| (t, hit)))
            .collect();
        if naming.len() > limit {
            continue;
        }
        for &(b, (text_b, first, last)) in &naming {
            if makers.iter().any(|(t, _)| *t == b) || !flow.is_work(b) {
                continue;
            }
            for (a, made) in makers {
                let a = *a;
                let pair = (a.min(b), a.max(b));
                if reported.contains(&pair)
                    || !flow.is_work(a)
                    || related(plan, a, b)
                    || scopes.conflict(a, b).is_some()
                    || !concurrent(flow, plan, a, b)
                {
                    continue;
                }
                let (me, other) = (plan.tasks[b].display_id(), plan.tasks[a].display_id());
                let (btext, bline) = saids[b].texts[text_b];
                let (atext, aline) = saids[a].texts[made.text];
                let used = if *endpoint {
                    made.shown.clone()
                } else {
                    let ws = &saids[b].words;
                    btext[ws[first].1.start..ws[last].1.end].to_string()
                };
                // Plain words name an identifier when they read as a name: "the invoice
                // mailer", "invoice mailer service"; "returns the venue, role breakdown
                // and attendees" is data, not the `RoleBreakdown` component.
                if !*endpoint
                    && used.contains(' ')
                    && made.shown.contains(|c: char| c.is_ascii_uppercase())
                    && !made.shown.contains(' ')
                {
                    let ws = &saids[b].words;
                    let before = first
                        .checked_sub(1)
                        .filter(|&p| ws[p].0 == text_b)
                        .map(|p| ws[p].1.norm.as_str());
                    let after = ws
                        .get(last + 1)
                        .filter(|w| w.0 == text_b)
                        .map(|w| w.1.norm.as_str());
                    if !before.is_some_and(|w| ARTICLES.contains(&w))
                        && !after.is_some_and(|w| KINDS.contains(&w))
                    {
                        continue;
                    }
                }
                // `event_groups` (a table) is not a use of `EventGroup` (a type): in
                // plans the two are written side by side, by different tasks.
                if used.contains('_')
                    && !used.contains(|c: char| c.is_ascii_uppercase())
                    && made.shown.contains(|c: char| c.is_ascii_uppercase())
                {
                    continue;
                }
                let what = if used == made.shown {
                    format!("`{used}`")
                } else {
                    format!("`{used}` (`{}`)", made.shown)
                };
                let mut finding = Finding::new(
                    "A304",
                    "hidden-dependency",
                    Severity::Warning,
                    format!(
                        "{me} uses {what}, which {other} creates, but neither waits for the other"
                    ),
                );
                finding.tasks = sorted(vec![a, b]);
                finding.evidence = vec![
                    format!("{other} (line {aline}) creates `{}`: {atext}", made.shown),
                    format!("{me} (line {bline}) names `{used}`: {btext}"),
                ];
                finding.hint = Some(format!(
                    "add `after: {other}` to {me} if it needs what {other} creates"
                ));
                out.push(finding);
                reported.insert(pair);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_made(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        made_in(text, 0, &mut out, &mut Vec::new());
        out.into_iter().map(|m| m.key.join(" ")).collect()
    }

    #[test]
    fn words_split_identifiers_and_plurals() {
        let norms: Vec<String> =
            words("the InvoiceMailer in app/invoice_mailer.py, HTTPServer and Cities")
                .into_iter()
                .map(|w| w.norm)
                .collect();
        assert_eq!(
            norms,
            [
                "the", "invoice", "mailer", "in", "app", "invoice", "mailer", "py", "http",
                "server", "and", "city"
            ]
        );
    }

    #[test]
    fn what_a_task_creates() {
        assert_eq!(
            keys_made("Create the InvoiceMailer service in app/services/invoice_mailer.py"),
            ["invoice mailer service", "invoice mailer"]
        );
        assert_eq!(
            keys_made(
                "Implement Event service — `listEvents(filters)` with pagination in `src/lib/events/service.ts` — uses `withPermission()`"
            ),
            ["event service", "list event"]
        );
        assert_eq!(
            keys_made(
                "Create Cities API routes — `GET /api/cities` (list) in `src/app/api/cities/route.ts`"
            ),
            ["city api route", "GET /api/cities"]
        );
        // No creation verb: nothing created.
        assert!(keys_made("Register the invoice mailer in app/deps.py").is_empty());
        // Generic and one-word things are no tie.
        assert!(keys_made("Add types in src/types.ts").is_empty());
    }
}
