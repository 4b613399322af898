//! Blanks comments and string contents out of a file, keeping every byte offset.
//!
//! The definition patterns are line regexes; run on raw text they would find `def register`
//! inside a docstring, `fn main` in a Rust test fixture string and `class Foo` in a comment.
//! So the scanner first turns the file into a mask of the same length where comment bytes
//! and the bytes between string quotes are spaces (newlines stay, so line numbers and
//! offsets are unchanged, and the quotes stay, so `"…"` still reads as an expression).
//! Comment and string ranges are returned too: comments hold `TODO` markers, strings hold
//! `"not implemented"` messages and identifier-like wiring such as `"users#register"`.
//!
//! One forward pass, with state across lines only where the language allows it (block
//! comments, triple-quoted and raw strings, template literals). Quotes that cannot span
//! lines end at the line end even when unterminated, so one odd quote (a JSX apostrophe, a
//! regex literal) masks at most the rest of its line.

use memchr::{memchr, memchr2, memchr3, memmem};

/// How one quote character behaves in a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quote {
    /// Not a string delimiter.
    None,
    /// Backslash escapes; an unterminated string ends at the end of its line.
    SingleLine,
    /// Backslash escapes; may span lines.
    MultiLine,
    /// No escapes; may span lines (Go raw strings).
    Raw,
    /// A character literal (`'a'`, `'\n'`); anything else, such as a Rust lifetime `'a`,
    /// is code.
    Char,
}

#[derive(Debug)]
pub(crate) struct Syntax {
    pub line_comments: &'static [&'static [u8]],
    pub block_comment: Option<(&'static [u8], &'static [u8])>,
    /// Rust block comments nest.
    pub nested_blocks: bool,
    pub double: Quote,
    pub single: Quote,
    pub backtick: Quote,
    /// `"""` strings (and `'''` where `'` is a string quote) that span lines.
    pub triple: bool,
    /// Rust `r"…"`, `r#"…"#`, `br"…"`.
    pub rust_raw: bool,
    /// C# `@"…"` with `""` as the escaped quote.
    pub verbatim_at: bool,
    /// PHP: `#[Attribute]` is code although `#` starts a comment.
    pub hash_bracket_is_code: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Lexed {
    /// The file with comments and string contents replaced by spaces (newlines kept).
    pub masked: Vec<u8>,
    /// Byte ranges of comments, delimiters included, in order.
    pub comments: Vec<(usize, usize)>,
    /// Byte ranges of string contents, quotes excluded, in order.
    pub strings: Vec<(usize, usize)>,
    /// Offsets of `{ } ( ) [ ] ;` in code, in order, when asked for: brace tracking then
    /// visits these instead of every byte.
    pub punct: Vec<usize>,
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn blank(masked: &mut [u8], from: usize, to: usize) {
    for b in &mut masked[from..to] {
        if *b != b'\n' {
            *b = b' ';
        }
    }
}

/// Where the string whose content starts at `from` ends: (end of content, first byte after
/// the closing quote).
fn string_end(
    src: &[u8],
    from: usize,
    quote: u8,
    escapes: bool,
    multiline: bool,
) -> (usize, usize) {
    let mut j = from;
    while j < src.len() {
        let hit = if escapes {
            memchr3(quote, b'\\', b'\n', &src[j..])
        } else {
            memchr2(quote, b'\n', &src[j..])
        };
        let Some(k) = hit else {
            break;
        };
        let at = j + k;
        match src[at] {
            b'\\' => j = at + 2,
            b'\n' if !multiline => return (at, at),
            b'\n' => j = at + 1,
            _ => return (at, at + 1),
        }
    }
    (src.len(), src.len())
}

/// A character literal starting at the `'` at `i`: the range of its content and the byte
/// after it, or `None` when the quote is a lifetime, a label or a stray.
fn char_literal(src: &[u8], i: usize) -> Option<(usize, usize, usize)> {
    let next = *src.get(i + 1)?;
    if next == b'\\' {
        let window = src.get(i + 3..src.len().min(i + 14))?;
        let k = memchr(b'\'', window)?;
        let end = i + 3 + k;
        return Some((i + 1, end, end + 1));
    }
    if next == b'\'' || next == b'\n' {
        return None;
    }
    let len = match next {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    };
    (src.get(i + 1 + len) == Some(&b'\'')).then_some((i + 1, i + 1 + len, i + 2 + len))
}

/// Lexes `src` into `out`, reusing its buffers; `punct` asks for [`Lexed::punct`].
pub(crate) fn lex(src: &[u8], syn: &Syntax, punct: bool, out: &mut Lexed) {
    let n = src.len();
    let Lexed {
        masked,
        comments,
        strings,
        punct: puncts,
    } = out;
    masked.clear();
    masked.extend_from_slice(src);
    comments.clear();
    strings.clear();
    puncts.clear();
    let table = byte_table(syn, punct);
    let mut i = 0;
    while i < n {
        let c = src[i];
        // Most bytes start nothing in this language.
        match table[usize::from(c)] {
            NOTHING => {
                i += 1;
                continue;
            }
            PUNCT => {
                puncts.push(i);
                i += 1;
                continue;
            }
            _ => {}
        }
        let rest = &src[i..];
        if let Some(prefix) = syn.line_comments.iter().find(|p| rest.starts_with(p))
            && !(syn.hash_bracket_is_code && prefix == b"#" && rest.get(1) == Some(&b'['))
        {
            let end = memchr(b'\n', rest).map_or(n, |k| i + k);
            blank(masked, i, end);
            comments.push((i, end));
            i = end;
            continue;
        }
        if let Some((open, close)) = syn.block_comment
            && rest.starts_with(open)
        {
            let end = block_end(src, i + open.len(), open, close, syn.nested_blocks);
            blank(masked, i, end);
            comments.push((i, end));
            i = end;
            continue;
        }
        let string = match c {
            b'"' | b'\'' if syn.triple && rest.len() >= 3 && rest[1] == c && rest[2] == c => {
                if c == b'\'' && syn.single != Quote::SingleLine {
                    None
                } else {
                    let close: &[u8] = if c == b'"' { b"\"\"\"" } else { b"'''" };
                    let from = i + 3;
                    let end = memmem::find(&src[from..], close).map_or(n, |k| from + k);
                    Some((from, end, (end + 3).min(n)))
                }
            }
            b'"' => quoted(src, i, syn.double),
            b'\'' => quoted(src, i, syn.single),
            b'`' => quoted(src, i, syn.backtick),
            b'r' if syn.rust_raw => rust_raw(src, i),
            b'@' if syn.verbatim_at && rest.get(1) == Some(&b'"') => Some(verbatim(src, i + 2)),
            _ => None,
        };
        match string {
            Some((from, end, next)) => {
                blank(masked, from, end);
                strings.push((from, end));
                i = next.max(i + 1);
            }
            None => i += 1,
        }
    }
}

const NOTHING: u8 = 0;
const STARTS: u8 = 1;
const PUNCT: u8 = 2;

/// For each byte: whether it can start a comment or a string in `syn`, or is
/// punctuation to record.
fn byte_table(syn: &Syntax, punct: bool) -> [u8; 256] {
    let mut table = [NOTHING; 256];
    if punct {
        for b in *b"{}()[];" {
            table[usize::from(b)] = PUNCT;
        }
    }
    let mut set = |b: u8, on: bool| {
        if on {
            table[usize::from(b)] = STARTS;
        }
    };
    for prefix in syn.line_comments {
        if let Some(&b) = prefix.first() {
            set(b, true);
        }
    }
    if let Some((open, _)) = syn.block_comment
        && let Some(&b) = open.first()
    {
        set(b, true);
    }
    set(b'"', syn.double != Quote::None || syn.triple);
    set(b'\'', syn.single != Quote::None);
    set(b'`', syn.backtick != Quote::None);
    set(b'r', syn.rust_raw);
    set(b'@', syn.verbatim_at);
    table
}

fn block_end(src: &[u8], from: usize, open: &[u8], close: &[u8], nested: bool) -> usize {
    if !nested {
        return memmem::find(&src[from..], close).map_or(src.len(), |k| from + k + close.len());
    }
    let mut depth = 1usize;
    let mut j = from;
    while j < src.len() {
        if src[j..].starts_with(close) {
            depth -= 1;
            j += close.len();
            if depth == 0 {
                return j;
            }
        } else if src[j..].starts_with(open) {
            depth += 1;
            j += open.len();
        } else {
            j += 1;
        }
    }
    src.len()
}

fn quoted(src: &[u8], i: usize, quote: Quote) -> Option<(usize, usize, usize)> {
    let q = src[i];
    let (end, next) = match quote {
        Quote::None => return None,
        Quote::Char => return char_literal(src, i),
        Quote::SingleLine => string_end(src, i + 1, q, true, false),
        Quote::MultiLine => string_end(src, i + 1, q, true, true),
        Quote::Raw => string_end(src, i + 1, q, false, true),
    };
    Some((i + 1, end, next))
}

/// `r"…"`, `r#"…"#`, also after a `b` or `c` prefix; `r` inside an identifier is not one.
fn rust_raw(src: &[u8], i: usize) -> Option<(usize, usize, usize)> {
    let before = |k: usize| k.checked_sub(1).map(|p| src[p]);
    let starts_token = match before(i) {
        Some(b'b' | b'c') => before(i - 1).is_none_or(|p| !is_ident_byte(p)),
        Some(p) => !is_ident_byte(p),
        None => true,
    };
    if !starts_token {
        return None;
    }
    let hashes = src[i + 1..].iter().take_while(|&&b| b == b'#').count();
    if src.get(i + 1 + hashes) != Some(&b'"') {
        return None;
    }
    let from = i + 2 + hashes;
    let mut j = from;
    while let Some(k) = memchr(b'"', &src[j..]) {
        let at = j + k;
        let closing = src[at + 1..]
            .iter()
            .take(hashes)
            .take_while(|&&b| b == b'#')
            .count();
        if closing == hashes {
            return Some((from, at, at + 1 + hashes));
        }
        j = at + 1;
    }
    Some((from, src.len(), src.len()))
}

/// C# `@"…"`: no escapes except `""`, may span lines.
fn verbatim(src: &[u8], from: usize) -> (usize, usize, usize) {
    let mut j = from;
    while let Some(k) = memchr(b'"', &src[j..]) {
        let at = j + k;
        if src.get(at + 1) == Some(&b'"') {
            j = at + 2;
        } else {
            return (from, at, at + 1);
        }
    }
    (from, src.len(), src.len())
}
