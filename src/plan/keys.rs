//! The vocabulary of a task line: ids, metadata keys and their aliases, dependency lists,
//! estimates and the paths a task names. Pure string functions, shared by the parser and lint.

use thin_vec::ThinVec;

/// A metadata key baton understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    After,
    Blocks,
    Files,
    Reads,
    Verify,
    DoneWhen,
    Est,
    Agent,
    Requirements,
    Boundary,
}

impl Key {
    /// The canonical spelling, as documented.
    pub fn name(self) -> &'static str {
        match self {
            Key::After => "after",
            Key::Blocks => "blocks",
            Key::Files => "files",
            Key::Reads => "reads",
            Key::Verify => "verify",
            Key::DoneWhen => "done when",
            Key::Est => "est",
            Key::Agent => "agent",
            Key::Requirements => "requirements",
            Key::Boundary => "boundary",
        }
    }
}

/// Every accepted spelling (lower case, `_` and `-` read as spaces) and its key.
pub const ALIASES: &[(&str, Key)] = &[
    ("after", Key::After),
    ("depends on", Key::After),
    ("depends", Key::After),
    ("depend on", Key::After),
    ("deps", Key::After),
    ("dependencies", Key::After),
    ("dependency", Key::After),
    ("blocked by", Key::After),
    ("requires", Key::After),
    ("needs", Key::After),
    ("blocks", Key::Blocks),
    ("blocking", Key::Blocks),
    ("unblocks", Key::Blocks),
    ("files", Key::Files),
    ("file", Key::Files),
    ("owns", Key::Files),
    ("owned", Key::Files),
    ("scope", Key::Files),
    ("paths", Key::Files),
    ("writes", Key::Files),
    ("modifies", Key::Files),
    ("files modified", Key::Files),
    ("touches", Key::Files),
    ("reads", Key::Reads),
    ("read", Key::Reads),
    ("uses", Key::Reads),
    ("inputs", Key::Reads),
    ("verify", Key::Verify),
    ("check", Key::Verify),
    ("test", Key::Verify),
    ("tests", Key::Verify),
    ("validate", Key::Verify),
    ("verification", Key::Verify),
    ("done when", Key::DoneWhen),
    ("acceptance", Key::DoneWhen),
    ("acceptance criteria", Key::DoneWhen),
    ("criteria", Key::DoneWhen),
    ("est", Key::Est),
    ("estimate", Key::Est),
    ("effort", Key::Est),
    ("time", Key::Est),
    ("agent", Key::Agent),
    ("assignee", Key::Agent),
    ("session", Key::Agent),
    ("requirements", Key::Requirements),
    ("requirement", Key::Requirements),
    ("reqs", Key::Requirements),
    ("boundary", Key::Boundary),
];

/// Spellings that may also stand inline on the task line (`— files: src/x/**`). Fewer than
/// [`ALIASES`]: words like "test" or "time" are too common in titles to read as keys.
const INLINE_ALIASES: &[(&str, Key)] = &[
    ("after", Key::After),
    ("depends on", Key::After),
    ("depends", Key::After),
    ("dependencies", Key::After),
    ("deps", Key::After),
    ("blocked by", Key::After),
    ("blocks", Key::Blocks),
    ("files", Key::Files),
    ("reads", Key::Reads),
    ("verify", Key::Verify),
    ("est", Key::Est),
    ("agent", Key::Agent),
];

/// Lower-cases and reads `_`/`-` as spaces, so `Done-When`, `done_when` and `Done when` match.
pub fn normalize_key(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for word in raw
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

pub fn lookup_key(raw: &str) -> Option<Key> {
    // Normalise into a stack buffer: lower case, `_`/`-`/runs of spaces as one space.
    let mut buf = [0u8; 32];
    let mut len = 0;
    for word in raw
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
    {
        let needed = word.len() + usize::from(len > 0);
        if len + needed > buf.len() {
            return None;
        }
        if len > 0 {
            buf[len] = b' ';
            len += 1;
        }
        for b in word.bytes() {
            buf[len] = b.to_ascii_lowercase();
            len += 1;
        }
    }
    let norm = &buf[..len];
    ALIASES
        .iter()
        .find(|(alias, _)| alias.as_bytes() == norm)
        .map(|&(_, key)| key)
}

/// The known spelling nearest to an unknown key, when it is close enough to be a typo.
pub fn nearest_key(raw: &str) -> Option<&'static str> {
    let norm = normalize_key(raw);
    ALIASES
        .iter()
        .map(|(alias, _)| (*alias, strsim::damerau_levenshtein(alias, &norm)))
        .filter(|&(alias, dist)| dist > 0 && dist <= typo_distance(alias))
        .min_by_key(|&(_, dist)| dist)
        .map(|(alias, _)| alias)
}

fn typo_distance(word: &str) -> usize {
    match word.chars().count() {
        0..=3 => 1,
        4..=7 => 2,
        _ => 3,
    }
}

/// Splits `key: value` when the text before the colon looks like a key (one to three words).
/// Emphasis around the key is dropped: `**Files**: a`, `**Files:** a`, `_Depends: 1.1_`.
pub fn split_key_value(text: &str) -> Option<(&str, &str)> {
    // One pass over the bytes before the colon: short, and only word characters.
    let mut colon = None;
    let mut spaces = 0;
    for (i, b) in text.bytes().enumerate().take(40) {
        match b {
            b':' => {
                colon = Some(i);
                break;
            }
            b' ' => spaces += 1,
            b'*' | b'_' | b'-' => {}
            b if b.is_ascii_alphanumeric() => {}
            b if b >= 0x80 => {}
            _ => return None,
        }
    }
    let colon = colon?;
    if spaces > 4 {
        return None;
    }
    let (raw_key, rest) = text.split_at(colon);
    let raw_key = raw_key.trim();
    let key = raw_key.trim_matches(['*', '_']).trim();
    if key.is_empty() || key.len() > 32 || key.split_whitespace().count() > 3 {
        return None;
    }
    if !key
        .chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || c == '_' || c == '-')
    {
        return None;
    }
    let mut value = &rest[1..];
    // `http://…` and `C:\…` are values, not keys.
    if value.starts_with("//") || value.starts_with('\\') {
        return None;
    }
    // The colon sat inside the emphasis (`**Files:** a`): drop the closing marker.
    for marker in ["**", "__", "*", "_"] {
        if raw_key.starts_with(marker) && !raw_key.ends_with(marker) {
            value = value.strip_prefix(marker).unwrap_or(value);
            break;
        }
    }
    Some((key, value.trim()))
}

/// True for the id forms baton recognises: `T1`, `T001`, `AUTH-3`, `BACK-100.8`, `task-4.1`,
/// `1`, `1.2`, `1.2.3`.
pub fn is_id(token: &str) -> bool {
    let bytes = token.as_bytes();
    if bytes.is_empty() || bytes.len() > 24 {
        return false;
    }
    if bytes[0].is_ascii_digit() {
        return is_dotted_number(token);
    }
    let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 {
        return false;
    }
    let mut rest = &token[letters..];
    let has_dash = rest.starts_with('-') || rest.starts_with('_');
    if has_dash {
        rest = &rest[1..];
    }
    // Lower-case words with digits glued on (`v2`, `step1`) are prose, not ids.
    if !bytes[0].is_ascii_uppercase() && !has_dash {
        return false;
    }
    // `T1a`: lettered sub-tasks.
    let rest = rest
        .strip_suffix(|c: char| c.is_ascii_lowercase())
        .unwrap_or(rest);
    is_dotted_number(rest)
}

fn is_dotted_number(text: &str) -> bool {
    !text.is_empty()
        && text
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
        && text.len() <= 16
}

/// The scheme of an id, so that sub-task ids can be told from acceptance text:
/// the letter prefix (`T`, `AUTH-`) or `#` for dotted numbers.
pub fn id_scheme(id: &str) -> &str {
    let end = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
    if end == 0 { "#" } else { &id[..end] }
}

/// Reads the ids out of a dependency value: `T012, T013`, `Task 11`, `1.1 and 1.2`.
/// Returns the ids and how many tokens were neither ids nor filler words.
pub fn parse_id_list(value: &str) -> (Vec<String>, usize) {
    let mut ids = Vec::new();
    let unread = each_id(value, |id| ids.push(id.to_string()));
    (ids, unread)
}

/// How many ids a dependency value holds, and how many tokens were neither ids nor filler
/// words ([`parse_id_list`] without the list).
pub fn count_ids(value: &str) -> (usize, usize) {
    let mut ids = 0;
    let unread = each_id(value, |_| ids += 1);
    (ids, unread)
}

/// [`parse_id_list`] without the list: calls `found` with each id in order, and returns how
/// many tokens were neither ids nor filler words.
pub fn each_id<'v>(value: &'v str, found: impl FnMut(&'v str)) -> usize {
    each_token(value, found, |_| {})
}

/// The part of a dependency value that names no task: from the first token that is neither
/// an id nor a filler word to the last one (`the schema` in `the schema task`, `T1é`, a `T1`
/// with a stray byte). A remark in parentheses after an id (`T1 (needs the schema)`) is not
/// part of it. None when every word is an id, filler or such a remark.
pub fn unread_span(value: &str) -> Option<&str> {
    // Byte ranges of parenthesised stretches: remarks, once an id has been named.
    let mut remarks = Vec::new();
    let mut open = None;
    for (i, b) in value.bytes().enumerate() {
        match b {
            b'(' if open.is_none() => open = Some(i),
            b')' => {
                if let Some(start) = open.take() {
                    remarks.push(start..i + 1);
                }
            }
            _ => {}
        }
    }
    let mut first: Option<usize> = None;
    let mut last_end = 0;
    let ids = std::cell::Cell::new(0usize);
    let base = value.as_ptr() as usize;
    each_token(
        value,
        |_| ids.set(ids.get() + 1),
        |word| {
            let at = word.as_ptr() as usize - base;
            if ids.get() > 0 && remarks.iter().any(|r| r.contains(&at)) {
                return;
            }
            first.get_or_insert(at);
            last_end = at + word.len();
        },
    );
    first.map(|at| &value[at..last_end])
}

/// [`each_id`], also calling `other` with each token that is neither an id nor filler.
fn each_token<'v>(
    value: &'v str,
    mut found: impl FnMut(&'v str),
    mut other: impl FnMut(&'v str),
) -> usize {
    const FILLER: &[&str] = &[
        "task", "tasks", "and", "&", "on", "none", "-", "—", "n/a", "nothing", "phase",
    ];
    // Every separator and every trimmed character is ASCII, so the token bounds found on
    // bytes fall between characters.
    let is_separator = |b: u8| b.is_ascii_whitespace() || matches!(b, b',' | b';' | b'/');
    let is_wrapping = |b: &u8| {
        matches!(
            b,
            b'`' | b'*' | b'_' | b'(' | b')' | b'[' | b']' | b'#' | b'"' | b'\''
        )
    };
    let bytes = value.as_bytes();
    let mut unread = 0;
    let mut start = 0;
    while start <= bytes.len() {
        let end = bytes[start..]
            .iter()
            .position(|&b| is_separator(b))
            .map_or(bytes.len(), |i| start + i);
        let raw = &bytes[start..end];
        let lead = raw.iter().take_while(|b| is_wrapping(b)).count();
        let raw = &raw[lead..];
        let trail = raw.iter().rev().take_while(|b| is_wrapping(b)).count();
        let raw = &raw[..raw.len() - trail];
        let dots = raw
            .iter()
            .rev()
            .take_while(|&&b| b == b'.' || b == b':')
            .count();
        let token_start = start + lead;
        let token = &value[token_start..token_start + raw.len() - dots];
        start = end + 1;
        // A template's placeholder (`{{TASK_IDS}}`) is a slot to fill, not a name.
        let placeholder = token.len() > 4 && token.starts_with("{{") && token.ends_with("}}");
        if token.is_empty()
            || placeholder
            || (token.len() <= 7 && FILLER.iter().any(|f| f.eq_ignore_ascii_case(token)))
        {
            continue;
        }
        if is_id(token) {
            found(token);
        } else {
            unread += 1;
            other(token);
        }
    }
    unread
}

/// Splits a list value (`a, b`, `` `a` `b` ``) into items, without backticks.
pub fn parse_list(value: &str) -> ThinVec<String> {
    // Room for one item per part: the usual list is one path or a few, written plainly.
    let mut out = ThinVec::with_capacity(TopLevelParts::new(value).count());
    for part in TopLevelParts::new(value) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if part.contains('`') {
            out.extend(backticked(part).into_iter().map(str::to_string));
        } else if part.contains(char::is_whitespace) && part.split_whitespace().all(looks_like_path)
        {
            out.extend(part.split_whitespace().map(str::to_string));
        } else {
            out.push(part.to_string());
        }
    }
    out
}

/// The parts of a list value between commas that are neither inside `{…}` (a brace list such
/// as `src/{a,b}.rs`) nor inside a code span.
struct TopLevelParts<'v> {
    value: &'v str,
    /// Where the next part starts; past the end when every part is out.
    start: usize,
}

impl<'v> TopLevelParts<'v> {
    fn new(value: &'v str) -> Self {
        TopLevelParts { value, start: 0 }
    }
}

impl<'v> Iterator for TopLevelParts<'v> {
    type Item = &'v str;

    fn next(&mut self) -> Option<&'v str> {
        let start = self.start;
        let rest = self.value.as_bytes().get(start..)?;
        let mut depth = 0usize;
        let mut in_code = false;
        for (i, &b) in rest.iter().enumerate() {
            match b {
                b'`' => in_code = !in_code,
                b'{' if !in_code => depth += 1,
                b'}' if !in_code => depth = depth.saturating_sub(1),
                b',' if !in_code && depth == 0 => {
                    self.start = start + i + 1;
                    return Some(&self.value[start..start + i]);
                }
                _ => {}
            }
        }
        self.start = self.value.len() + 1;
        Some(&self.value[start..])
    }
}

/// A verify value: each backticked segment is one command; otherwise the whole value is.
pub fn parse_commands(value: &str) -> ThinVec<String> {
    let value = value.trim();
    if value.is_empty() {
        return ThinVec::new();
    }
    if value.contains('`') {
        let commands: ThinVec<String> = backticked(value)
            .into_iter()
            .filter(|c| !c.trim().is_empty())
            .map(str::to_string)
            .collect();
        if !commands.is_empty() {
            return commands;
        }
    }
    thin_vec::thin_vec![value.to_string()]
}

/// The contents of each `` `code` `` span in a text.
pub fn backticked(text: &str) -> Vec<&str> {
    pieces(text)
        .filter_map(|piece| match piece {
            Piece::Code(code) => Some(code),
            Piece::Plain(_) => None,
        })
        .collect()
}

/// Reads an estimate in hours: `30m`, `2h`, `1.5d` (8 hours a day), `3` (hours), `2 hours`.
pub fn parse_hours(value: &str) -> Option<f64> {
    let value = value.trim().to_ascii_lowercase();
    let number_end = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let number: f64 = value[..number_end].parse().ok()?;
    let unit = value[number_end..].trim();
    let factor = match unit {
        "" | "h" | "hr" | "hrs" | "hour" | "hours" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 1.0 / 60.0,
        "d" | "day" | "days" => 8.0,
        "w" | "wk" | "week" | "weeks" => 40.0,
        _ => return None,
    };
    let hours = number * factor;
    (hours.is_finite() && hours >= 0.0).then_some(hours)
}

const EXTENSIONS: &[&str] = &[
    "rs",
    "py",
    "pyi",
    "ts",
    "tsx",
    "js",
    "jsx",
    "mjs",
    "cjs",
    "go",
    "java",
    "kt",
    "kts",
    "cs",
    "rb",
    "php",
    "c",
    "h",
    "cc",
    "cpp",
    "hpp",
    "cxx",
    "swift",
    "m",
    "mm",
    "scala",
    "sql",
    "md",
    "mdx",
    "rst",
    "json",
    "jsonc",
    "yaml",
    "yml",
    "toml",
    "ini",
    "cfg",
    "conf",
    "txt",
    "html",
    "htm",
    "css",
    "scss",
    "sass",
    "less",
    "vue",
    "svelte",
    "astro",
    "sh",
    "bash",
    "zsh",
    "fish",
    "ps1",
    "lock",
    "xml",
    "csv",
    "proto",
    "graphql",
    "gql",
    "tf",
    "hcl",
    "lua",
    "dart",
    "ex",
    "exs",
    "erl",
    "hs",
    "ml",
    "clj",
    "r",
    "jl",
    "zig",
    "nim",
    "sol",
    "ipynb",
    "svg",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "ico",
    "env",
    "prisma",
    "gradle",
    "properties",
    "mod",
    "sum",
    "dockerfile",
    "makefile",
    "bzl",
    "nix",
    "tsv",
    "log",
    "pem",
    "wasm",
    "example",
    "sample",
];

/// Well-known files that are all extension: `.gitignore`, `.env`.
const DOTFILES: &[&str] = &[
    "gitignore",
    "gitattributes",
    "gitmodules",
    "env",
    "dockerignore",
    "editorconfig",
    "npmrc",
    "nvmrc",
    "prettierrc",
    "eslintrc",
    "babelrc",
    "envrc",
    "tool-versions",
];

/// Whether a token names a file or folder (see docs/plan-format.md, "Inferred scope").
pub fn looks_like_path(token: &str) -> bool {
    if token.is_empty()
        || token.len() > 240
        || token.contains("://")
        || token.starts_with('/')
        || token.starts_with('-')
        || token.contains(char::is_whitespace)
        || token.chars().any(|c| {
            matches!(
                c,
                '(' | ')' | '<' | '>' | '"' | '\'' | '=' | '@' | '$' | '|' | ';'
            )
        })
    {
        return false;
    }
    // A glob needs a folder or an extension around its `*`: `**Bold**` is emphasis.
    if token.contains('*') {
        let bare = token.replace('*', "");
        return token.contains('/') || (bare.starts_with('.') && bare.len() > 1);
    }
    let last = token.rsplit('/').next().unwrap_or(token);
    if let Some((stem, ext)) = last.rsplit_once('.') {
        let known = |list: &[&str]| list.iter().any(|e| e.eq_ignore_ascii_case(ext));
        let dotfile = stem.is_empty() && known(DOTFILES);
        if dotfile || (known(EXTENSIONS) && (!stem.is_empty() || token.contains('/'))) {
            return true;
        }
    }
    token.ends_with('/') && token.len() > 1
}

/// `Node.js`, `Chart.js`: a capitalised name with `.js` and no folder is a product, not a file.
fn is_product_name(token: &str) -> bool {
    let Some(stem) = token.strip_suffix(".js") else {
        return false;
    };
    !token.contains('/')
        && stem.starts_with(|c: char| c.is_ascii_uppercase())
        && stem.chars().skip(1).all(|c| c.is_ascii_lowercase())
}

/// Drops Markdown emphasis stuck to a plain word (`**Edit`, `README.md**`, `_notes.md_`),
/// but keeps the `**` of a glob (`src/**`, `**/x.rs`).
fn strip_emphasis(word: &str) -> &str {
    let mut word = word;
    let emphasis_len = word.len() - word.trim_start_matches(['*', '_']).len();
    let after = &word[emphasis_len..];
    let glob = word.starts_with("*.") || word.starts_with("*/") || word.starts_with("**/");
    if !glob {
        word = after;
    }
    let trimmed = word.trim_end_matches(['*', '_']);
    if !trimmed.ends_with('/') && !trimmed.is_empty() {
        word = trimmed;
    }
    word
}

/// Whether a backticked code span names a path: anything path-like, or with a `/` in it.
pub fn code_span_is_path(code: &str) -> bool {
    looks_like_path(code)
        || (code.contains('/')
            && !code.starts_with('/')
            && !code.contains("://")
            && !code.contains(char::is_whitespace)
            && code
                .chars()
                .all(|c| c.is_alphanumeric() || "/._-*{},[]".contains(c)))
}

/// Expands `{a,b}` alternatives: `src/{a,b}.rs` → `src/a.rs`, `src/b.rs`. Nested braces work;
/// unbalanced ones leave the text as it is. Expansion stops at 64 results.
pub fn expand_braces(text: &str) -> Vec<String> {
    let Some(open) = text.find('{') else {
        return vec![text.to_string()];
    };
    let mut depth = 0usize;
    let mut close = None;
    let mut commas = Vec::new();
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + i);
                    break;
                }
            }
            ',' if depth == 1 => commas.push(open + i),
            _ => {}
        }
    }
    let Some(close) = close else {
        return vec![text.to_string()];
    };
    if commas.is_empty() {
        return vec![text.to_string()];
    }
    let (prefix, suffix) = (&text[..open], &text[close + 1..]);
    let mut bounds = vec![open];
    bounds.extend(&commas);
    bounds.push(close);
    let mut out = Vec::new();
    for pair in bounds.windows(2) {
        let alternative = &text[pair[0] + 1..pair[1]];
        for expanded in expand_braces(&format!("{prefix}{alternative}{suffix}")) {
            if out.len() >= 64 {
                return out;
            }
            out.push(expanded);
        }
    }
    out
}

/// A stretch of Markdown text between code spans, or a code span's content (trimmed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Plain(&'a str),
    Code(&'a str),
}

/// Splits text into plain stretches and code spans, in order. A backtick run opens a span
/// that the same run closes; an unclosed run ends the text there (what follows it is
/// neither prose nor code one can trust).
pub fn pieces(text: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = Some(text);
    let mut code: Option<&str> = None;
    std::iter::from_fn(move || {
        if let Some(span) = code.take() {
            return Some(Piece::Code(span));
        }
        let text = rest.take()?;
        let Some(open) = text.find('`') else {
            return Some(Piece::Plain(text));
        };
        let ticks = text[open..].bytes().take_while(|&b| b == b'`').count();
        let fence = &text[open..open + ticks];
        let after = &text[open + ticks..];
        if let Some(close) = after.find(fence) {
            code = Some(after[..close].trim());
            rest = Some(&after[close + ticks..]);
        }
        Some(Piece::Plain(&text[..open]))
    })
}

/// The paths a piece of task text names: code spans that are paths, and plain words that are.
pub fn paths_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Every path form needs one of these; most prose has none.
    if !text.contains(['/', '.', '*', '`']) {
        return out;
    }
    let mut push = |candidate: &str| {
        let candidate = candidate.trim_end_matches(['.', ',', ':', ';', '!', '?']);
        for path in expand_braces(candidate) {
            let path = path.strip_prefix("./").unwrap_or(&path).to_string();
            if !out.contains(&path) {
                out.push(path);
            }
        }
    };
    for piece in pieces(text) {
        match piece {
            Piece::Plain(plain) => {
                for word in plain.split_whitespace() {
                    let word = word
                        .trim_start_matches(['(', '[', '"', '\''])
                        .trim_end_matches([')', ']', '"', '\'', '.', ',', ':', ';', '!', '?']);
                    let word = strip_emphasis(word);
                    if looks_like_path(word) && !is_product_name(word) {
                        push(word);
                    }
                }
            }
            Piece::Code(code) => {
                if code_span_is_path(code) {
                    push(code);
                }
            }
        }
    }
    out
}

/// An inline key found in a task title, with the title text before it.
#[derive(Debug, PartialEq)]
pub struct InlineKey<'a> {
    pub key: Key,
    pub value: &'a str,
    /// Byte range within the title that the key and value occupy.
    pub range: std::ops::Range<usize>,
}

/// Finds inline metadata in a task's title: `(depends on T012, T013)`, `(after T3)`,
/// `Depends: T001`, `— files: src/x/**`. Dependency forms count only when they hold ids.
pub fn inline_keys(title: &str) -> Vec<InlineKey<'_>> {
    let mut found = Vec::new();
    // Every inline form needs a `(` or a `:`; most titles have neither.
    if !title.contains([':', '(']) {
        return found;
    }
    let lower = title.to_ascii_lowercase();
    // Parenthesised dependency clauses, with or without a colon.
    let mut search = 0;
    while let Some(rel) = lower[search..].find('(') {
        let open = search + rel;
        let Some(rel_close) = lower[open..].find(')') else {
            break;
        };
        let close = open + rel_close;
        let inner = &title[open + 1..close];
        let inner_lower = &lower[open + 1..close];
        for &(alias, key) in ALIASES {
            if !matches!(key, Key::After | Key::Blocks) {
                continue;
            }
            if let Some(rest) = inner_lower.strip_prefix(alias)
                && rest.starts_with([' ', ':'])
            {
                let value = &inner[alias.len()..];
                let value = value.trim_start_matches([':', ' ']);
                if matches!(count_ids(value), (1.., 0)) {
                    found.push(InlineKey {
                        key,
                        value,
                        range: open..close + 1,
                    });
                }
                break;
            }
        }
        search = close + 1;
    }
    // `key: value` segments, each running to the next ` — `, `;` or inline key.
    let mut starts: Vec<(usize, usize, Key)> = Vec::new();
    for &(alias, key) in INLINE_ALIASES {
        let mut from = 0;
        while let Some(rel) = lower[from..].find(alias) {
            let at = from + rel;
            from = at + alias.len();
            // Only at the start or after a separator: `— files:`, `; after:`, `. Depends:`.
            let before = lower[..at].trim_end();
            let before_ok =
                before.is_empty() || before.ends_with(['—', '-', ';', '(', '|', ',', '.']);
            let after = &lower[at + alias.len()..];
            if before_ok && after.starts_with(':') && !after.starts_with("://") {
                if found.iter().any(|k| k.range.contains(&at)) {
                    continue;
                }
                starts.push((at, at + alias.len() + 1, key));
            }
        }
    }
    starts.sort_by_key(|s| s.0);
    starts.dedup_by_key(|s| s.0);
    for (n, &(at, value_start, key)) in starts.iter().enumerate() {
        let limit = starts.get(n + 1).map_or(title.len(), |next| next.0);
        let mut end = limit;
        for sep in [" — ", " -- ", ";", " | "] {
            if let Some(rel) = title[value_start..limit].find(sep) {
                end = end.min(value_start + rel);
            }
        }
        let value = title[value_start..end].trim().trim_end_matches(['.', ',']);
        let keep = match key {
            Key::After | Key::Blocks => matches!(count_ids(value), (1.., 0)),
            _ => !value.is_empty(),
        };
        if keep {
            found.push(InlineKey {
                key,
                value,
                range: at..end,
            });
        }
    }
    found.sort_by_key(|k| k.range.start);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_split_prose_from_code_spans() {
        use Piece::{Code, Plain};
        let got: Vec<Piece> = pieces("Add `a.rs` and ``b`c`` then ` ` end").collect();
        assert_eq!(
            got,
            [
                Plain("Add "),
                Code("a.rs"),
                Plain(" and "),
                Code("b`c"),
                Plain(" then "),
                Code(""),
                Plain(" end")
            ]
        );
        // An unclosed run ends the text: nothing after it is read as prose or code.
        let got: Vec<Piece> = pieces("see `src/x.rs and more").collect();
        assert_eq!(got, [Plain("see ")]);
        assert_eq!(pieces("").collect::<Vec<_>>(), [Plain("")]);
        assert_eq!(backticked("`a` x `b`"), ["a", "b"]);
    }

    #[test]
    fn ids() {
        for id in [
            "T1",
            "T001",
            "AUTH-3",
            "BACK-100.8",
            "task-4.1",
            "1",
            "1.2",
            "1.2.3",
            "T10a",
        ] {
            assert!(is_id(id), "{id}");
        }
        for word in [
            "", "v2", "step1", "MVP", "Create", "1.", "1..2", "T", "-1", "x-",
        ] {
            assert!(!is_id(word), "{word}");
        }
    }

    #[test]
    fn keys_and_aliases() {
        assert_eq!(lookup_key("Depends on"), Some(Key::After));
        assert_eq!(lookup_key("done_when"), Some(Key::DoneWhen));
        assert_eq!(lookup_key("FILES"), Some(Key::Files));
        assert_eq!(lookup_key("note"), None);
        assert_eq!(nearest_key("fiels"), Some("files"));
        assert_eq!(nearest_key("note"), None);
        assert_eq!(split_key_value("files: a, b"), Some(("files", "a, b")));
        assert_eq!(split_key_value("see http://x.y/z"), None);
        assert_eq!(split_key_value("**Files**: a"), Some(("Files", "a")));
        assert_eq!(
            split_key_value("**Files:** **/*.rs"),
            Some(("Files", "**/*.rs"))
        );
        assert_eq!(
            split_key_value("files: **/*.rs"),
            Some(("files", "**/*.rs"))
        );
        assert_eq!(split_key_value("a very long sentence here: x"), None);
    }

    #[test]
    fn id_lists() {
        assert_eq!(parse_id_list("T012, T013").0, ["T012", "T013"]);
        assert_eq!(parse_id_list("Task 11").0, ["11"]);
        assert_eq!(parse_id_list("1.1 and 1.2").0, ["1.1", "1.2"]);
        assert_eq!(parse_id_list("the schema").1, 2);
        assert_eq!(unread_span("the schema task"), Some("the schema"));
        assert_eq!(unread_span("T1, T1é"), Some("T1é"));
        assert_eq!(unread_span("T1\u{1a}"), Some("T1\u{1a}"));
        assert_eq!(unread_span("T1 and T2"), None);
        assert_eq!(unread_span("none"), None);
        assert_eq!(unread_span("{{TASK_IDS}}"), None);
        assert_eq!(unread_span("T1 (needs the schema)"), None);
        assert_eq!(unread_span("(the schema) T1"), Some("the schema"));
    }

    #[test]
    fn paths() {
        assert_eq!(
            paths_in("Create User model in src/models/user.py and `src/{a,b}.rs`."),
            ["src/models/user.py", "src/a.rs", "src/b.rs"]
        );
        assert!(paths_in("and/or the client/server split, UserService.register").is_empty());
        assert!(paths_in("see https://example.com/a/b.md and `GET /api/x`").is_empty());
        assert_eq!(paths_in("`src/lib/profiles/`"), ["src/lib/profiles/"]);
        assert_eq!(paths_in("update Cargo.toml"), ["Cargo.toml"]);
        assert!(paths_in("**Phase 1: Removal** done").is_empty());
        assert_eq!(
            paths_in("**Step 1: Edit evals/README.md**"),
            ["evals/README.md"]
        );
        assert!(paths_in("follower/following/friend and ADDED/MODIFIED/REMOVED").is_empty());
        assert!(paths_in("Set up Node.js and Chart.js").is_empty());
        assert_eq!(paths_in("add it to **.gitignore**"), [".gitignore"]);
        assert_eq!(
            paths_in("copy `.env.example` to src/lib/"),
            [".env.example", "src/lib/"]
        );
        assert_eq!(paths_in("all *.rs files and src/**"), ["*.rs", "src/**"]);
    }

    #[test]
    fn estimates() {
        assert_eq!(parse_hours("30m"), Some(0.5));
        assert_eq!(parse_hours("2h"), Some(2.0));
        assert_eq!(parse_hours("1.5d"), Some(12.0));
        assert_eq!(parse_hours("3"), Some(3.0));
        assert_eq!(parse_hours("soon"), None);
    }

    #[test]
    fn inline() {
        let keys = inline_keys("Do X in src/x.rs (depends on T012, T013)");
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].key, Key::After);
        assert_eq!(keys[0].value, "T012, T013");
        let keys = inline_keys("User dashboard — files: src/dashboard/**");
        assert_eq!(keys[0].key, Key::Files);
        assert_eq!(keys[0].value, "src/dashboard/**");
        let keys = inline_keys("Wire it up. Depends: T001");
        assert_eq!(keys[0].value, "T001");
        assert!(inline_keys("Explain what depends on the cache (after lunch)").is_empty());
        assert!(inline_keys("Fix flaky test: add retries").is_empty());
        assert!(inline_keys("Rewrite the files: all of them").is_empty());
        let keys = inline_keys("Client dashboard — after: T1 — files: src/d/**");
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[1].value, "src/d/**");
    }

    #[test]
    fn braces() {
        assert_eq!(
            expand_braces("a/{b,c{d,e}}.rs"),
            ["a/b.rs", "a/cd.rs", "a/ce.rs"]
        );
        assert_eq!(expand_braces("a/{b.rs"), ["a/{b.rs"]);
    }
}
