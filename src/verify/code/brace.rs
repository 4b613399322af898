//! Definitions and bodies in languages whose blocks are braces: Rust, JavaScript and
//! TypeScript, Go, Java, Kotlin, C#, PHP.
//!
//! A declaration line makes the definition *pending*: its body is the next `{` at the same
//! parenthesis level, which may come lines later (a long parameter list, C#'s and PHP's
//! brace on its own line). A `;` or a closing `}` first means it had no body (a trait or
//! interface method, `struct Unit;`). Go, Kotlin and JavaScript put the brace on the
//! declaration's line by convention, so there the pending body lapses at the end of a line
//! whose parentheses are closed: a Kotlin `fun f() = 1` must not claim the next block.
//!
//! The stack of open bodies gives each definition its container (the innermost class,
//! impl, trait, interface or module) and each stub the definition it sits in. Class
//! members without a keyword (`register(email) {` in a JavaScript class, `public void
//! register(` in Java) are only looked for directly in a class body, outside parentheses,
//! where a call cannot stand.

use regex::bytes::Captures;

use super::DefKind;
use super::lang::Lang;
use super::patterns::PATTERNS;
use super::scan::{Input, Scanned, Sink, first_word, ident_before, text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    /// Class, struct, impl, trait, interface, enum, object: members are methods.
    Type,
    Module,
    Function,
    /// A body whose contents are not members (a macro, a TypeScript enum).
    Other,
}

#[derive(Debug)]
struct Frame {
    name: Option<String>,
    kind: FrameKind,
    /// Brace depth inside this body.
    depth: i32,
    /// Parenthesis depth when the body opened: members start at this level.
    paren: i32,
    def: Option<usize>,
}

#[derive(Debug)]
struct Pending {
    name: Option<String>,
    kind: FrameKind,
    def: Option<usize>,
    /// Parentheses and brackets opened since the declaration began.
    paren: i32,
    /// The body must start on this line (once the parentheses are closed).
    line_only: bool,
}

/// A declaration recognised on a line.
#[derive(Debug)]
struct Found {
    name: String,
    /// Byte offset of the name in the file.
    at: usize,
    kind: DefKind,
    body: Option<FrameKind>,
    line_only: bool,
    container: Option<String>,
    /// False for bodies that are not definitions themselves (`impl Foo`, a constructor).
    record: bool,
}

impl Found {
    fn def(name: &[u8], at: usize, kind: DefKind) -> Found {
        Found {
            name: text(name),
            at,
            kind,
            body: None,
            line_only: false,
            container: None,
            record: true,
        }
    }

    /// A body to track that defines nothing itself.
    fn frame(name: String, kind: FrameKind, line_only: bool) -> Found {
        Found {
            name,
            at: 0,
            kind: DefKind::Type,
            body: Some(kind),
            line_only,
            container: None,
            record: false,
        }
    }

    fn body(mut self, kind: FrameKind, line_only: bool) -> Found {
        self.body = Some(kind);
        self.line_only = line_only;
        self
    }

    fn container(mut self, container: Option<String>) -> Found {
        self.container = container;
        self
    }
}

/// The name a pattern ends with (see [`ident_before`]) and its offset in the file.
fn name_at<'t>(t: &'t [u8], end: usize, skip: &[u8], base: usize) -> Option<(&'t [u8], usize)> {
    let (s, e) = ident_before(t, end, skip)?;
    Some((&t[s..e], base + s))
}

/// What stands before a Java or C# member's name: a return type, a modifier, nothing.
fn word_before(t: &[u8], name_start: usize) -> Before<'_> {
    let code = t[..name_start].trim_ascii_end();
    match code.last() {
        None => Before::Nothing,
        Some(b'>' | b']' | b'?') => Before::Type,
        Some(_) => match ident_before(code, code.len(), b"") {
            Some((s, e)) => Before::Word(&code[s..e]),
            None => Before::Nothing,
        },
    }
}

enum Before<'t> {
    Nothing,
    /// Ends like a type: `List<T>`, `int[]`, `string?`.
    Type,
    Word(&'t [u8]),
}

/// The capture's bytes and its offset in the file.
fn group<'h>(c: &Captures<'h>, i: usize, base: usize) -> Option<(&'h [u8], usize)> {
    c.get(i).map(|m| (m.as_bytes(), base + m.start()))
}

struct Brace<'a> {
    input: &'a Input<'a>,
    sink: Sink,
    depth: i32,
    paren: i32,
    frames: Vec<Frame>,
    pending: Option<Pending>,
    next_hit: usize,
    next_punct: usize,
    /// Go `const (`, `var (`, `type (` blocks: what they declare and the parenthesis and
    /// brace levels of their entries.
    go_block: Option<(DefKind, i32, i32)>,
}

pub(super) fn run(input: &Input<'_>) -> Scanned {
    let mut t = Brace {
        input,
        sink: Sink::default(),
        depth: 0,
        paren: 0,
        frames: Vec::new(),
        pending: None,
        next_hit: 0,
        next_punct: 0,
        go_block: None,
    };
    for (i, &(start, end)) in input.lines.iter().enumerate() {
        t.line(start, end, i as u32 + 1);
    }
    t.flush_hits(usize::MAX);
    t.sink.out
}

const RUST_STARTERS: &[&[u8]] = &[
    b"pub",
    b"fn",
    b"struct",
    b"enum",
    b"trait",
    b"type",
    b"union",
    b"mod",
    b"const",
    b"static",
    b"unsafe",
    b"async",
    b"extern",
    b"macro_rules",
    b"default",
    b"safe",
];
/// Words before the keyword of a JavaScript/TypeScript declaration.
const JS_MODIFIERS: &[&[u8]] = &[b"export", b"default", b"declare", b"async", b"abstract"];
/// Words before the keyword of a Java declaration.
const JAVA_MODIFIERS: &[&[u8]] = &[
    b"public",
    b"protected",
    b"private",
    b"static",
    b"final",
    b"abstract",
    b"sealed",
    b"strictfp",
    b"synchronized",
    b"native",
    b"default",
    b"transient",
    b"volatile",
];
/// Words before the keyword of a Kotlin declaration.
const KOTLIN_MODIFIERS: &[&[u8]] = &[
    b"data",
    b"sealed",
    b"enum",
    b"open",
    b"abstract",
    b"private",
    b"public",
    b"protected",
    b"internal",
    b"override",
    b"suspend",
    b"inline",
    b"operator",
    b"infix",
    b"tailrec",
    b"external",
    b"expect",
    b"actual",
    b"annotation",
    b"inner",
    b"value",
    b"final",
    b"const",
    b"lateinit",
];
/// Words before the keyword of a C# declaration.
const CSHARP_MODIFIERS: &[&[u8]] = &[
    b"public",
    b"private",
    b"protected",
    b"internal",
    b"static",
    b"abstract",
    b"sealed",
    b"partial",
    b"readonly",
    b"ref",
    b"unsafe",
    b"new",
    b"file",
    b"virtual",
    b"override",
    b"async",
    b"extern",
];
/// Words before the keyword of a PHP declaration.
const PHP_MODIFIERS: &[&[u8]] = &[
    b"public",
    b"private",
    b"protected",
    b"static",
    b"abstract",
    b"final",
    b"readonly",
];
/// Words that look like a method name before `(` but are statements.
const NOT_METHODS: &[&[u8]] = &[
    b"if",
    b"for",
    b"while",
    b"switch",
    b"catch",
    b"synchronized",
    b"return",
    b"new",
    b"throw",
    b"else",
    b"try",
    b"do",
    b"super",
    b"this",
    b"case",
    b"assert",
    b"yield",
    b"using",
    b"lock",
    b"foreach",
    b"fixed",
    b"checked",
    b"unchecked",
    b"sizeof",
    b"typeof",
    b"nameof",
    b"await",
    b"function",
    b"with",
    b"when",
    b"default",
];
/// Words that can stand where a Java/C# return type would, in a statement.
const NOT_TYPES: &[&[u8]] = &[
    b"return", b"new", b"throw", b"else", b"case", b"yield", b"await", b"goto", b"var",
];

impl Brace<'_> {
    fn line(&mut self, start: usize, end: usize, line: u32) {
        let masked = self.input.masked;
        let indent = masked[start..end]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        let t = &masked[start + indent..end];
        if !t.is_empty()
            && let Some(found) = self.declaration(t, start + indent, indent)
        {
            self.add(found, line);
        }
        while let Some(&at) = self.input.punct.get(self.next_punct)
            && at < end
        {
            self.next_punct += 1;
            let b = masked[at];
            self.flush_hits(at);
            match b {
                b'{' => self.open(),
                b'}' => self.close(),
                b'(' | b'[' => {
                    self.paren += 1;
                    if let Some(p) = &mut self.pending {
                        p.paren += 1;
                    }
                }
                b')' | b']' => {
                    self.paren = (self.paren - 1).max(0);
                    if let Some(p) = &mut self.pending {
                        p.paren -= 1;
                    }
                }
                _ => {
                    if self.pending.as_ref().is_some_and(|p| p.paren <= 0) {
                        self.pending = None;
                    }
                }
            }
        }
        self.flush_hits(end);
        // `fun f() =` and `const f = () =>` continue with the body on the next line.
        let continued = {
            let code = masked[start..end].trim_ascii_end();
            code.ends_with(b"=") || code.ends_with(b"=>")
        };
        if !continued
            && self
                .pending
                .as_ref()
                .is_some_and(|p| p.line_only && p.paren <= 0)
        {
            self.pending = None;
        }
    }

    fn open(&mut self) {
        self.depth += 1;
        if self.pending.as_ref().is_some_and(|p| p.paren <= 0)
            && let Some(p) = self.pending.take()
        {
            self.frames.push(Frame {
                name: p.name,
                kind: p.kind,
                depth: self.depth,
                paren: self.paren,
                def: p.def,
            });
        }
    }

    fn close(&mut self) {
        if self.pending.as_ref().is_some_and(|p| p.paren <= 0) {
            self.pending = None;
        }
        self.depth = (self.depth - 1).max(0);
        while self.frames.last().is_some_and(|f| f.depth > self.depth) {
            self.frames.pop();
        }
    }

    /// Attributes the stubs before byte `at` to the body they are in.
    fn flush_hits(&mut self, at: usize) {
        while let Some(hit) = self.input.hits.get(self.next_hit)
            && hit.at <= at
        {
            self.next_hit += 1;
            let (inside, def) = match (&self.pending, self.frames.last()) {
                // A declaration line (`fun f() = TODO()`) is the most specific place.
                (Some(p), _) if p.kind == FrameKind::Function => (p.name.clone(), p.def),
                (_, Some(f)) => (
                    f.name.clone(),
                    if f.kind == FrameKind::Function {
                        f.def
                    } else {
                        None
                    },
                ),
                _ => (None, None),
            };
            self.sink.stub(hit.line, hit.kind, inside, def);
        }
    }

    fn add(&mut self, found: Found, line: u32) {
        let def = found.record.then(|| {
            let kind = match found.kind {
                DefKind::Function if self.in_type() => DefKind::Method,
                kind => kind,
            };
            let container = found.container.clone().or_else(|| self.container());
            self.sink
                .def(found.name.clone(), line, kind, container, found.at)
        });
        if let Some(kind) = found.body {
            self.pending = Some(Pending {
                name: Some(found.name),
                kind,
                def,
                paren: 0,
                line_only: found.line_only,
            });
        }
    }

    /// Whether a function defined here is a method: the nearest enclosing body that is not
    /// a plain block is a type.
    fn in_type(&self) -> bool {
        self.frames
            .iter()
            .rev()
            .find(|f| f.kind != FrameKind::Other)
            .is_some_and(|f| f.kind == FrameKind::Type)
    }

    fn in_function(&self) -> bool {
        self.frames.iter().any(|f| f.kind == FrameKind::Function)
    }

    fn container(&self) -> Option<String> {
        self.frames
            .iter()
            .rev()
            .find(|f| matches!(f.kind, FrameKind::Type | FrameKind::Module))
            .and_then(|f| f.name.clone())
    }

    /// The class whose body this line is directly in, outside any parentheses.
    fn class_body(&self) -> Option<String> {
        let f = self.frames.last()?;
        (f.kind == FrameKind::Type
            && f.depth == self.depth
            && f.paren == self.paren
            && self.pending.is_none())
        .then(|| f.name.clone().unwrap_or_default())
    }

    /// At the level where a property can be declared: not inside a parameter list.
    fn at_statement_level(&self) -> bool {
        self.pending.is_none() && self.paren == self.frames.last().map_or(0, |f| f.paren)
    }

    fn declaration(&mut self, t: &[u8], off: usize, indent: usize) -> Option<Found> {
        match self.input.lang {
            Lang::Rust => self.rust(t, off),
            Lang::Go => self.go(t, off, indent),
            Lang::JavaScript => self.javascript(t, off),
            Lang::Java => self.java(t, off),
            Lang::Kotlin => self.kotlin(t, off),
            Lang::CSharp => self.csharp(t, off),
            Lang::Php => self.php(t, off),
            Lang::Python | Lang::Ruby => None,
        }
    }

    fn rust(&mut self, mut t: &[u8], mut off: usize) -> Option<Found> {
        // `#[test] fn …` and `#[derive(Debug)] pub struct …` on one line.
        while t.starts_with(b"#[") {
            let close = matching(t, b'[', b']')?;
            let rest = &t[close + 1..];
            let skipped = rest.len() - rest.trim_ascii_start().len();
            off += close + 1 + skipped;
            t = rest.trim_ascii_start();
        }
        let word = first_word(t);
        if matches!(word, b"impl" | b"unsafe" | b"default")
            && let Some(target) = rust_impl_target(t)
        {
            return Some(Found::frame(target, FrameKind::Type, false));
        }
        if !RUST_STARTERS.contains(&word) {
            return None;
        }
        let end = PATTERNS.rust_item.end(t)?;
        let (name, at) = name_at(t, end, b"", off)?;
        if name == b"_" {
            return None;
        }
        // The word before the name says what it is: `fn`, `struct`, `macro_rules!`…
        let mut before = t[..at - off].trim_ascii_end();
        before = before
            .strip_suffix(b"r#")
            .unwrap_or(before)
            .trim_ascii_end();
        if before.ends_with(b"!") {
            return Some(Found::def(name, at, DefKind::Function).body(FrameKind::Other, false));
        }
        let mut keyword = &before[ident_before(before, before.len(), b"")?.0..];
        if matches!(keyword, b"mut" | b"ref") {
            let rest = before[..before.len() - keyword.len()].trim_ascii_end();
            keyword = &rest[ident_before(rest, rest.len(), b"")?.0..];
        }
        Some(match keyword {
            _ if keyword.ends_with(b"fn") => {
                Found::def(name, at, DefKind::Function).body(FrameKind::Function, false)
            }
            b"struct" | b"enum" | b"union" | b"trait" => {
                Found::def(name, at, DefKind::Type).body(FrameKind::Type, false)
            }
            // Associated types (`type Output = …;` in an impl) are not the repo's types.
            b"type" if self.in_type() => return None,
            b"type" => Found::def(name, at, DefKind::Type),
            b"mod" => Found::def(name, at, DefKind::Module).body(FrameKind::Module, false),
            _ => Found::def(name, at, DefKind::Constant),
        })
    }

    fn go(&mut self, t: &[u8], off: usize, indent: usize) -> Option<Found> {
        let p = &*PATTERNS;
        if let Some((kind, paren, depth)) = self.go_block {
            if t.starts_with(b")") {
                self.go_block = None;
                return None;
            }
            if self.paren != paren || self.depth != depth {
                return None;
            }
            let c = p.go_block_entry.caps(t)?;
            let (name, at) = group(&c, 1, off)?;
            if name == b"_" {
                return None;
            }
            let found = Found::def(name, at, kind);
            return Some(if kind == DefKind::Type && c.get(2).is_some() {
                found.body(FrameKind::Type, true)
            } else {
                found
            });
        }
        if indent == 0 {
            match first_word(t) {
                b"func" => {
                    let end = p.go_func.end(t)?;
                    let (name, at) = name_at(t, end, b"(", off)?;
                    // `func (s *Store[K]) Get(`: the receiver's type, without `*` or `[K]`.
                    let receiver = t[4..].trim_ascii_start();
                    let receiver = receiver
                        .starts_with(b"(")
                        .then(|| matching(receiver, b'(', b')'))
                        .flatten()
                        .and_then(|close| {
                            let inside = &receiver[1..close];
                            ident_before(inside, inside.len(), b"")
                                .map(|(s, e)| text(&inside[s..e]))
                        });
                    let kind = if receiver.is_some() {
                        DefKind::Method
                    } else {
                        DefKind::Function
                    };
                    return Some(
                        Found::def(name, at, kind)
                            .container(receiver)
                            .body(FrameKind::Function, true),
                    );
                }
                b"type" | b"const" | b"var" => {
                    if let Some(c) = p.go_block.caps(t) {
                        let kind = match c.get(1).map(|m| m.as_bytes()) {
                            Some(b"type") => DefKind::Type,
                            Some(b"const") => DefKind::Constant,
                            _ => DefKind::Variable,
                        };
                        self.go_block = Some((kind, self.paren + 1, self.depth));
                        return None;
                    }
                    if let Some(c) = p.go_type.caps(t) {
                        let (name, at) = group(&c, 1, off)?;
                        let found = Found::def(name, at, DefKind::Type);
                        return Some(if c.get(2).is_some() {
                            found.body(FrameKind::Type, true)
                        } else {
                            found
                        });
                    }
                    let c = p.go_value.caps(t)?;
                    let (name, at) = group(&c, 2, off)?;
                    if name == b"_" {
                        return None;
                    }
                    let kind = if c.get(1).is_some_and(|m| m.as_bytes() == b"const") {
                        DefKind::Constant
                    } else {
                        DefKind::Variable
                    };
                    return Some(Found::def(name, at, kind));
                }
                _ => return None,
            }
        }
        // Method specs in an interface body.
        let class = self.class_body()?;
        let c = p.go_interface_method.caps(t)?;
        let (name, at) = group(&c, 1, off)?;
        Some(Found::def(name, at, DefKind::Method).container(Some(class)))
    }

    fn javascript(&mut self, t: &[u8], off: usize) -> Option<Found> {
        let p = &*PATTERNS;
        if let Some(class) = self.class_body() {
            // Decorators (`@HostListener('click') onClick() {`) precede the member.
            let bare = skip_annotations(t);
            let (t, off) = (bare, off + (t.len() - bare.len()));
            if p.js_arrow_member.end(t).is_some()
                && let Some(c) = p.js_arrow_member.caps(t)
            {
                let (name, at) = group(&c, 1, off)?;
                let (name, at) = strip_private(name, at);
                return Some(Found::def(name, at, DefKind::Method).body(FrameKind::Function, true));
            }
            let end = p.js_method.end(t)?;
            // `#secret(` is reached as `secret`: the `#` is not part of the name.
            let (name, at) = name_at(t, end, b"(?", off)?;
            if NOT_METHODS.contains(&name) {
                return None;
            }
            if name == b"constructor" {
                return Some(Found::frame(class, FrameKind::Function, true));
            }
            return Some(Found::def(name, at, DefKind::Method).body(FrameKind::Function, true));
        }
        let (keyword, rest) = keyword_after(t, JS_MODIFIERS);
        let (pat, kind, body) = match keyword {
            b"function" => (
                &p.js_function,
                DefKind::Function,
                Some((FrameKind::Function, true)),
            ),
            b"class" => (&p.js_class, DefKind::Type, Some((FrameKind::Type, false))),
            b"interface" => (
                &p.js_interface,
                DefKind::Type,
                Some((FrameKind::Type, false)),
            ),
            b"type" => (&p.js_type_alias, DefKind::Type, None),
            b"enum" => (&p.js_enum, DefKind::Type, Some((FrameKind::Other, false))),
            b"const" if first_word(rest) == b"enum" => {
                (&p.js_enum, DefKind::Type, Some((FrameKind::Other, false)))
            }
            b"namespace" | b"module" if !rest.starts_with(b".") => {
                let c = p.js_namespace.caps(t)?;
                let (name, at) = group(&c, 1, off)?;
                let last = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
                let at = at + (name.len() - last.len());
                return Some(Found::def(last, at, DefKind::Module).body(FrameKind::Module, false));
            }
            b"const" | b"let" | b"var" | b"exports" | b"module" => {
                return self.javascript_binding(t, off);
            }
            _ => return None,
        };
        let (name, at) = if std::ptr::eq(pat, &p.js_type_alias) {
            let c = pat.caps(t)?;
            group(&c, 1, off)?
        } else {
            name_at(t, pat.end(t)?, b"", off)?
        };
        let found = Found::def(name, at, kind);
        Some(match body {
            Some((frame, line_only)) => found.body(frame, line_only),
            None => found,
        })
    }

    /// `const x = …`, `exports.x = …`: a function when a function is assigned, otherwise a
    /// constant or variable, which only counts outside functions (locals are not the
    /// repository's names).
    fn javascript_binding(&self, t: &[u8], off: usize) -> Option<Found> {
        let p = &*PATTERNS;
        let maybe_function = memchr::memmem::find(t, b"=>").is_some()
            || memchr::memmem::find(t, b"function").is_some()
            || t.ends_with(b"(");
        if self.in_function() && !maybe_function {
            return None;
        }
        let c = p.js_variable.caps(t).or_else(|| p.js_exports.caps(t))?;
        let (name, at) = group(&c, 1, off)?;
        let value = c.get(2).map_or(&b""[..], |m| m.as_bytes());
        if js_function_value(value) {
            return Some(Found::def(name, at, DefKind::Function).body(FrameKind::Function, true));
        }
        if self.in_function() {
            return None;
        }
        Some(Found::def(name, at, constant_or_variable(name)))
    }

    fn java(&mut self, t: &[u8], off: usize) -> Option<Found> {
        let p = &*PATTERNS;
        let (keyword, rest) = keyword_after(skip_annotations(t), JAVA_MODIFIERS);
        if matches!(keyword, b"class" | b"interface" | b"enum" | b"record")
            || (keyword.is_empty() && rest.starts_with(b"@interface"))
        {
            let (name, at) = name_at(t, p.java_type.end(t)?, b"", off)?;
            return Some(Found::def(name, at, DefKind::Type).body(FrameKind::Type, false));
        }
        let class = self.class_body()?;
        if assigns_before_call(t) {
            let c = p.java_constant.caps(t)?;
            let (name, at) = group(&c, 1, off)?;
            return Some(Found::def(name, at, DefKind::Constant));
        }
        if !t.contains(&b'(') {
            return None;
        }
        let end = p.java_method.end(t)?;
        method_or_constructor(t, end, off, class, JAVA_MODIFIERS)
    }

    fn kotlin(&mut self, t: &[u8], off: usize) -> Option<Found> {
        let p = &*PATTERNS;
        let (keyword, _) = if t.starts_with(b"@") {
            // Annotated: let the patterns, which skip annotations, decide.
            (&b"@"[..], t)
        } else {
            keyword_after(t, KOTLIN_MODIFIERS)
        };
        if matches!(keyword, b"companion") {
            let outer = self.container().unwrap_or_else(|| "Companion".to_string());
            return p
                .kt_companion
                .caps(t)
                .map(|_| Found::frame(outer, FrameKind::Type, true));
        }
        if matches!(keyword, b"class" | b"interface" | b"object" | b"@")
            && let Some(end) = p.kt_type.end(t)
        {
            let (name, at) = name_at(t, end, b"", off)?;
            return Some(Found::def(name, at, DefKind::Type).body(FrameKind::Type, true));
        }
        if matches!(keyword, b"fun" | b"@")
            && let Some(end) = p.kt_fun.end(t)
        {
            let (name, at) = name_at(t, end, b"(", off)?;
            // `fun String.slug()` is reached as `String.slug`: the receiver is its container.
            let start = at - off;
            let receiver = (start > 0 && t[start - 1] == b'.' && !self.in_type())
                .then(|| ident_before(t, start - 1, b"?"))
                .flatten()
                .map(|(s, e)| text(&t[s..e]));
            return Some(
                Found::def(name, at, DefKind::Function)
                    .container(receiver)
                    .body(FrameKind::Function, true),
            );
        }
        // `fun interface Listener` is a type.
        if keyword == b"fun"
            && let Some(end) = p.kt_type.end(t)
        {
            let (name, at) = name_at(t, end, b"", off)?;
            return Some(Found::def(name, at, DefKind::Type).body(FrameKind::Type, true));
        }
        if keyword == b"typealias" {
            let c = p.kt_typealias.caps(t)?;
            let (name, at) = group(&c, 1, off)?;
            return Some(Found::def(name, at, DefKind::Type));
        }
        if !matches!(keyword, b"val" | b"var") || self.in_function() || !self.at_statement_level() {
            return None;
        }
        let c = p.kt_property.caps(t)?;
        let (name, at) = group(&c, 2, off)?;
        let is_const = c
            .get(1)
            .is_some_and(|m| first_words(m.as_bytes()).any(|w| w == b"const"));
        let kind = if is_const {
            DefKind::Constant
        } else {
            constant_or_variable(name)
        };
        Some(Found::def(name, at, kind))
    }

    fn csharp(&mut self, t: &[u8], off: usize) -> Option<Found> {
        let p = &*PATTERNS;
        let (keyword, _) = keyword_after(skip_attributes(t), CSHARP_MODIFIERS);
        match keyword {
            b"namespace" => {
                let c = p.cs_namespace.caps(t)?;
                let (name, at) = group(&c, 1, off)?;
                let last = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
                let at = at + (name.len() - last.len());
                return Some(Found::def(last, at, DefKind::Module).body(FrameKind::Module, false));
            }
            b"class" | b"struct" | b"interface" | b"enum" | b"record" => {
                let (name, at) = name_at(t, p.cs_type.end(t)?, b"", off)?;
                return Some(Found::def(name, at, DefKind::Type).body(FrameKind::Type, false));
            }
            _ => {}
        }
        let class = self.class_body()?;
        if keyword == b"const" {
            let c = p.cs_constant.caps(t)?;
            let (name, at) = group(&c, 1, off)?;
            return Some(Found::def(name, at, DefKind::Constant));
        }
        if !t.contains(&b'(') {
            return None;
        }
        let end = p.cs_method.end(t)?;
        method_or_constructor(t, end, off, class, CSHARP_MODIFIERS)
    }

    fn php(&mut self, t: &[u8], off: usize) -> Option<Found> {
        let p = &*PATTERNS;
        let (keyword, _) = keyword_after(t, PHP_MODIFIERS);
        match keyword {
            b"namespace" => {
                let c = p.php_namespace.caps(t)?;
                let (name, at) = group(&c, 1, off)?;
                let last = name.rsplit(|&b| b == b'\\').next().unwrap_or(name);
                let at = at + (name.len() - last.len());
                Some(Found::def(last, at, DefKind::Module).body(FrameKind::Module, false))
            }
            b"class" | b"interface" | b"trait" | b"enum" => {
                let (name, at) = name_at(t, p.php_type.end(t)?, b"", off)?;
                Some(Found::def(name, at, DefKind::Type).body(FrameKind::Type, false))
            }
            b"function" => {
                let (name, at) = name_at(t, p.php_function.end(t)?, b"(", off)?;
                Some(Found::def(name, at, DefKind::Function).body(FrameKind::Function, false))
            }
            b"const" => {
                let c = p.php_constant.caps(t)?;
                let (name, at) = group(&c, 1, off)?;
                Some(Found::def(name, at, DefKind::Constant))
            }
            _ => None,
        }
    }
}

/// Java and C# members, from the end of the match (just after the `(`). Without a
/// return type before the name only a constructor can stand there; it is tracked as a
/// body but not listed (the class itself is the definition).
fn method_or_constructor(
    t: &[u8],
    end: usize,
    off: usize,
    class: String,
    modifiers: &[&[u8]],
) -> Option<Found> {
    let (name, at) = name_at(t, end, b"(", off)?;
    if NOT_METHODS.contains(&name) {
        return None;
    }
    if name == class.as_bytes() {
        return Some(Found::frame(class, FrameKind::Function, false));
    }
    match word_before(t, at - off) {
        Before::Type => {}
        Before::Word(w) if !NOT_TYPES.contains(&w) && !modifiers.contains(&w) => {}
        _ => return None,
    }
    Some(Found::def(name, at, DefKind::Method).body(FrameKind::Function, false))
}

fn strip_private(name: &[u8], at: usize) -> (&[u8], usize) {
    match name.strip_prefix(b"#") {
        Some(rest) => (rest, at + 1),
        None => (name, at),
    }
}

/// Whether what is assigned to a JavaScript binding is a function: `function (…)`,
/// `async (a, b) => …`, `x => …`, or a parameter list that continues on the next line.
fn js_function_value(value: &[u8]) -> bool {
    let mut v = value.trim_ascii();
    if let Some(rest) = v.strip_prefix(b"async")
        && rest.first().is_some_and(u8::is_ascii_whitespace)
    {
        v = rest.trim_ascii_start();
    }
    if v.starts_with(b"function") && v.get(8).is_none_or(|&b| !is_ident_byte(b)) {
        return true;
    }
    let arrow = memchr::memmem::find(v, b"=>");
    if v.starts_with(b"(") || v.starts_with(b"<") {
        return arrow.is_some() || !v.contains(&b')');
    }
    let word = first_word(v);
    !word.is_empty() && v[word.len()..].trim_ascii_start().starts_with(b"=>")
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

fn constant_or_variable(name: &[u8]) -> DefKind {
    let upper = name.iter().any(u8::is_ascii_uppercase) && !name.iter().any(u8::is_ascii_lowercase);
    if upper {
        DefKind::Constant
    } else {
        DefKind::Variable
    }
}

/// `t` after its leading Java/Kotlin annotations (`@Override`, `@GetMapping("/x")`), but
/// not after `@interface`.
fn skip_annotations(mut t: &[u8]) -> &[u8] {
    while let Some(rest) = t.strip_prefix(b"@") {
        if rest.starts_with(b"interface") {
            break;
        }
        let name = rest
            .iter()
            .take_while(|&&b| is_ident_byte(b) || b == b'.')
            .count();
        let mut rest = rest[name..].trim_ascii_start();
        if rest.starts_with(b"(") {
            let Some(close) = matching(rest, b'(', b')') else {
                return rest;
            };
            rest = &rest[close + 1..];
        }
        t = rest.trim_ascii_start();
    }
    t
}

/// `t` after its leading C# attributes (`[HttpGet("x")]`).
fn skip_attributes(mut t: &[u8]) -> &[u8] {
    while t.starts_with(b"[") {
        let Some(close) = matching(t, b'[', b']') else {
            return t;
        };
        t = t[close + 1..].trim_ascii_start();
    }
    t
}

/// The index of the bracket closing the one `t` starts with.
fn matching(t: &[u8], open: u8, close: u8) -> Option<usize> {
    let mut depth = 0i32;
    for (i, &b) in t.iter().enumerate() {
        if b == open {
            depth += 1;
        } else if b == close {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// A field with an initializer (`int MAX = compute();`) rather than a method: `=` or `;`
/// comes before any `(`.
fn assigns_before_call(t: &[u8]) -> bool {
    let paren = t.iter().position(|&b| b == b'(').unwrap_or(t.len());
    t[..paren].iter().any(|&b| b == b'=' || b == b';')
}

/// The first word of `t` that is not one of `modifiers`, and what follows it.
fn keyword_after<'t>(mut t: &'t [u8], modifiers: &[&[u8]]) -> (&'t [u8], &'t [u8]) {
    loop {
        let word = first_word(t);
        let rest = t[word.len()..].trim_ascii_start();
        if word.is_empty() || !modifiers.contains(&word) || rest.len() == t.len() - word.len() {
            return (word, rest);
        }
        t = rest;
    }
}

fn first_words(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    s.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty())
}

/// The type an `impl` block is for: `impl<T> Display for Wrapper<T> where …` → `Wrapper`.
fn rust_impl_target(t: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(t).ok()?;
    let mut s = s.trim_start();
    for prefix in ["unsafe ", "default "] {
        s = s.strip_prefix(prefix).unwrap_or(s).trim_start();
    }
    let mut rest = s.strip_prefix("impl")?;
    if rest.starts_with('<') {
        let mut depth = 0i32;
        let mut end = None;
        for (i, c) in rest.char_indices() {
            match c {
                '<' => depth += 1,
                '>' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &rest[end? + 1..];
    } else if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let head = rest.split('{').next().unwrap_or(rest);
    let head = head.split(" where").next().unwrap_or(head);
    let target = head.rsplit_once(" for ").map_or(head, |(_, t)| t).trim();
    let target = target
        .trim_start_matches('&')
        .trim_start_matches("mut ")
        .trim_start_matches("dyn ")
        .trim_start();
    let path = target
        .split(|c: char| c == '<' || c == '(' || c.is_whitespace())
        .next()?;
    let name = path.rsplit("::").next()?;
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| name.to_string())
}
