//! One file in, its definitions, stubs and words out.
//!
//! The work is split by how a language delimits bodies: braces ([`brace`]) or indentation
//! ([`indent`], Python and Ruby). Both walk the masked lines once, keep a stack of the
//! definitions they are inside (for containers and for attributing stubs), and try the
//! definition patterns only on lines whose first word can start a declaration.
//!
//! Stubs are found by one regex pass over the whole masked file per language, before the
//! walk, so the walk only has to say whose body each one is in.

use memchr::memchr_iter;

use super::lang::Lang;
use super::lex::Lexed;
use super::patterns::{PATTERNS, Pat};
use super::{DefKind, Stub, StubKind};

use super::{brace, indent};

/// A definition before the index gives it its file.
#[derive(Debug)]
pub(crate) struct RawDef {
    pub name: String,
    pub line: u32,
    pub kind: DefKind,
    pub container: Option<String>,
    pub stub: Option<StubKind>,
}

#[derive(Debug, Default)]
pub(crate) struct Scanned {
    pub defs: Vec<RawDef>,
    pub stubs: Vec<Stub>,
    /// Byte offsets of the defining occurrence of each name: these are not references.
    pub name_offsets: Vec<usize>,
}

/// A stub found in the text, not yet attributed to a definition.
#[derive(Debug, Clone, Copy)]
pub(super) struct Hit {
    pub at: usize,
    pub line: u32,
    pub kind: StubKind,
}

/// What a tracker reads.
pub(super) struct Input<'a> {
    pub src: &'a [u8],
    pub masked: &'a [u8],
    /// `(start, end)` of each line, without its newline or carriage return.
    pub lines: &'a [(usize, usize)],
    pub hits: &'a [Hit],
    /// Offsets of code punctuation (brace languages only), from the lexer.
    pub punct: &'a [usize],
    pub lang: Lang,
    /// A Python stub file (`.pyi`), where every body is `...` on purpose.
    pub pyi: bool,
}

/// What a tracker writes.
#[derive(Default)]
pub(super) struct Sink {
    pub out: Scanned,
}

impl Sink {
    pub(super) fn def(
        &mut self,
        name: String,
        line: u32,
        kind: DefKind,
        container: Option<String>,
        at: usize,
    ) -> usize {
        self.out.defs.push(RawDef {
            name,
            line,
            kind,
            container,
            stub: None,
        });
        self.out.name_offsets.push(at);
        self.out.defs.len() - 1
    }

    /// Records a stub inside `inside`; a hard stub in a definition's own body marks it.
    pub(super) fn stub(
        &mut self,
        line: u32,
        kind: StubKind,
        inside: Option<String>,
        def: Option<usize>,
    ) {
        if kind.is_hard()
            && let Some(d) = def.and_then(|d| self.out.defs.get_mut(d))
            && d.stub.is_none()
        {
            d.stub = Some(kind);
        }
        self.out.stubs.push(Stub { line, kind, inside });
    }
}

pub(crate) fn scan(src: &[u8], lexed: &Lexed, lang: Lang, pyi: bool) -> Scanned {
    let lines = line_ranges(&lexed.masked);
    let hits = stub_hits(src, lexed, lang, &lines);
    let input = Input {
        src,
        masked: &lexed.masked,
        lines: &lines,
        hits: &hits,
        punct: &lexed.punct,
        lang,
        pyi,
    };
    let mut out = match lang {
        Lang::Python | Lang::Ruby => indent::run(&input),
        _ => brace::run(&input),
    };
    out.stubs.sort_by_key(|s| (s.line, s.kind));
    out.stubs.dedup_by_key(|s| (s.line, s.kind));
    let mut order: Vec<usize> = (0..out.defs.len()).collect();
    order.sort_by_key(|&i| out.defs[i].line);
    if order.windows(2).any(|w| w[0] > w[1]) {
        let mut defs: Vec<Option<RawDef>> = out.defs.drain(..).map(Some).collect();
        out.defs = order.iter().filter_map(|&i| defs[i].take()).collect();
    }
    out.name_offsets.sort_unstable();
    out
}

/// The identifier at the start of `t` (empty when it starts with something else).
pub(super) fn first_word(t: &[u8]) -> &[u8] {
    let n = t
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_')
        .count();
    &t[..n]
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// The identifier that ends at `end` in `t`, looking back over blanks, any of `skip`
/// (`(`, `?`…) and one balanced `<…>` or `[…]` (generic parameters): `Get<T>(` → `Get`,
/// `Map[T any](` → `Map`. As `(start, end)`.
pub(super) fn ident_before(t: &[u8], end: usize, skip: &[u8]) -> Option<(usize, usize)> {
    let blank = |b: u8| b == b' ' || b == b'\t';
    let mut j = end.min(t.len());
    while j > 0 && (blank(t[j - 1]) || skip.contains(&t[j - 1])) {
        j -= 1;
    }
    if j > 0 && matches!(t[j - 1], b'>' | b']') {
        let (close, open) = if t[j - 1] == b'>' {
            (b'>', b'<')
        } else {
            (b']', b'[')
        };
        let mut depth = 0i32;
        loop {
            if j == 0 {
                return None;
            }
            j -= 1;
            if t[j] == close {
                depth += 1;
            } else if t[j] == open {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
        }
        while j > 0 && blank(t[j - 1]) {
            j -= 1;
        }
    }
    let e = j;
    while j > 0 && is_ident_byte(t[j - 1]) {
        j -= 1;
    }
    (j < e && !t[j].is_ascii_digit()).then_some((j, e))
}

pub(super) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn line_ranges(masked: &[u8]) -> Vec<(usize, usize)> {
    let mut lines = Vec::with_capacity(masked.len() / 32 + 1);
    let mut start = 0;
    let mut push = |start: usize, mut end: usize| {
        if end > start && masked[end - 1] == b'\r' {
            end -= 1;
        }
        lines.push((start, end));
    };
    for nl in memchr_iter(b'\n', masked) {
        push(start, nl);
        start = nl + 1;
    }
    if start < masked.len() {
        push(start, masked.len());
    }
    lines
}

/// The 1-based line holding byte `at`.
fn line_of(lines: &[(usize, usize)], at: usize) -> u32 {
    lines.partition_point(|&(start, _)| start <= at).max(1) as u32
}

fn inside_range(ranges: &[(usize, usize)], at: usize) -> bool {
    let i = ranges.partition_point(|&(start, _)| start <= at);
    i > 0 && ranges[i - 1].1 > at
}

/// Exception types whose whole meaning is "not written yet".
const NOT_IMPLEMENTED_TYPES: &[&[u8]] = &[
    b"NotImplementedError",
    b"NotImplementedException",
    b"UnsupportedOperationException",
    b"NotImplemented",
];

fn last_path_segment(path: &[u8]) -> &[u8] {
    path.rsplit(|&b| b == b'.' || b == b'\\')
        .next()
        .unwrap_or(path)
}

/// A message such as "not implemented", "Not yet implemented", "unimplemented", "TODO".
fn says_unimplemented(message: &[u8]) -> bool {
    // A stub's message is short; a long string is not one (and is not copied).
    let lower = message[..message.len().min(MESSAGE_WINDOW)].to_ascii_lowercase();
    let has = |needle: &[u8]| memchr::memmem::find(&lower, needle).is_some();
    has(b"not implemented")
        || has(b"not yet implemented")
        || has(b"unimplemented")
        || has(b"implement me")
        || lower.trim_ascii_start().starts_with(b"todo")
}

/// How far after a `throw`, `raise` or `panic` its message is looked for. Bounded so that a
/// minified file with thousands of throws on one line stays linear.
const MESSAGE_WINDOW: usize = 200;

/// Whether a string literal starting between `from` and the end of its line (at most
/// [`MESSAGE_WINDOW`] bytes on) says it is a stub.
fn message_on_line(src: &[u8], lexed: &Lexed, from: usize) -> bool {
    let window = &lexed.masked[from..src.len().min(from + MESSAGE_WINDOW)];
    let line_end = memchr::memchr(b'\n', window).map_or(from + window.len(), |k| from + k);
    let first = lexed.strings.partition_point(|&(start, _)| start < from);
    lexed.strings[first..]
        .iter()
        .take_while(|&&(start, _)| start <= line_end)
        .any(|&(start, end)| says_unimplemented(&src[start..end]))
}

fn stub_hits(src: &[u8], lexed: &Lexed, lang: Lang, lines: &[(usize, usize)]) -> Vec<Hit> {
    let p = &*PATTERNS;
    let masked = &lexed.masked[..];
    let mut hits = Vec::new();
    let mut push = |at: usize, kind: StubKind| {
        hits.push(Hit {
            at,
            line: line_of(lines, at),
            kind,
        });
    };
    if memchr::memmem::find(src, b"TODO").is_some() || memchr::memmem::find(src, b"FIXME").is_some()
    {
        for m in p.marker.captures_iter(src) {
            if let Some(m) = m.get(0)
                && inside_range(&lexed.comments, m.start())
            {
                push(m.start(), StubKind::Marker);
            }
        }
    }
    // A thrown type that means "not implemented", else a message that says so.
    let thrown = |class: &[u8], at: usize| {
        NOT_IMPLEMENTED_TYPES.contains(&last_path_segment(class)) || message_on_line(src, lexed, at)
    };
    let each = |pat: &Pat, f: &mut dyn FnMut(&regex::bytes::Captures<'_>)| {
        for c in pat.captures_iter(masked) {
            f(&c);
        }
    };
    match lang {
        Lang::Rust => each(&p.rust_stub, &mut |c| {
            let Some(m) = c.get(0) else { return };
            if c.get(1).is_some() {
                push(m.start(), StubKind::Todo);
            } else if c.get(2).is_some() {
                push(m.start(), StubKind::Unimplemented);
            } else if message_on_line(src, lexed, m.start()) {
                push(m.start(), StubKind::ThrowNotImplemented);
            }
        }),
        Lang::Python => each(&p.py_stub, &mut |c| {
            let Some(m) = c.get(0) else { return };
            if c.get(1).is_some() {
                push(m.start(), StubKind::NotImplementedError);
            } else if let Some(class) = c.get(2)
                && thrown(class.as_bytes(), m.start())
            {
                push(m.start(), StubKind::ThrowNotImplemented);
            }
        }),
        Lang::JavaScript => each(&p.js_stub, &mut |c| {
            let Some(m) = c.get(0) else { return };
            let stub = match c.get(1) {
                Some(class) => thrown(class.as_bytes(), m.start()),
                None => message_on_line(src, lexed, m.start()),
            };
            if stub {
                push(m.start(), StubKind::ThrowNotImplemented);
            }
        }),
        Lang::Go => each(&p.go_stub, &mut |c| {
            if let Some(m) = c.get(0)
                && message_on_line(src, lexed, m.start())
            {
                push(m.start(), StubKind::ThrowNotImplemented);
            }
        }),
        Lang::Java | Lang::CSharp | Lang::Php => {
            let pat = match lang {
                Lang::Php => &p.php_stub,
                _ => &p.java_stub,
            };
            each(pat, &mut |c| {
                if let (Some(m), Some(class)) = (c.get(0), c.get(1))
                    && thrown(class.as_bytes(), m.start())
                {
                    push(m.start(), StubKind::ThrowNotImplemented);
                }
            });
        }
        Lang::Kotlin => each(&p.kt_stub, &mut |c| {
            let Some(m) = c.get(0) else { return };
            if c.get(1).is_some() {
                push(m.start(), StubKind::Todo);
            } else if let Some(class) = c.get(2)
                && thrown(class.as_bytes(), m.start())
            {
                push(m.start(), StubKind::ThrowNotImplemented);
            }
        }),
        Lang::Ruby => each(&p.rb_stub, &mut |c| {
            let Some(m) = c.get(0) else { return };
            if c.get(1).is_some() {
                push(m.start(), StubKind::NotImplementedError);
            } else if message_on_line(src, lexed, m.start()) {
                push(m.start(), StubKind::ThrowNotImplemented);
            }
        }),
    }
    hits.sort_by_key(|h| h.at);
    hits
}

/// Byte classes for the tokenizer: 1 starts an identifier, 2 continues one.
static IDENT: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() || c == b'_' {
            1
        } else if c.is_ascii_digit() {
            2
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Calls `f` with every identifier in `text` except those starting at an offset in `skip`
/// (sorted, relative to `base`). Numbers such as `0x1f` yield nothing.
fn identifiers<'a>(text: &'a [u8], base: usize, skip: &[usize], f: &mut impl FnMut(&'a [u8])) {
    let mut skip = skip.iter().peekable();
    let mut i = 0;
    let n = text.len();
    while i < n {
        match IDENT[text[i] as usize] {
            0 => i += 1,
            class => {
                let start = i;
                i += 1;
                while i < n && IDENT[text[i] as usize] != 0 {
                    i += 1;
                }
                if class == 2 {
                    continue;
                }
                while skip.next_if(|&&s| s < base + start).is_some() {}
                if skip.next_if(|&&s| s == base + start).is_some() {
                    continue;
                }
                f(&text[start..i]);
            }
        }
    }
}

/// Every word of a file that can be a reference: identifiers in code (comments and string
/// contents are masked out), plus identifiers inside strings that read as code rather than
/// prose: a string without spaces (`"users#register"`, `"app.views.register"`) and the
/// `{…}` interpolations of one with spaces (`f"{user.name} joined"`).
pub(crate) fn words<'a>(
    src: &'a [u8],
    lexed: &'a Lexed,
    skip: &[usize],
    mut f: impl FnMut(&'a [u8]),
) {
    identifiers(&lexed.masked, 0, skip, &mut f);
    for &(start, end) in &lexed.strings {
        let content = &src[start..end];
        if content.is_empty() {
            continue;
        }
        if !content.iter().any(u8::is_ascii_whitespace) {
            identifiers(content, start, &[], &mut f);
            continue;
        }
        let mut rest = content;
        while let Some(open) = memchr::memchr(b'{', rest) {
            let Some(close) = memchr::memchr(b'}', &rest[open..]) else {
                break;
            };
            identifiers(&rest[open + 1..open + close], 0, &[], &mut f);
            rest = &rest[open + close..];
        }
    }
}
