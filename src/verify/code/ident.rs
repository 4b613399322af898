//! Deciding whether a backticked span in a plan names a code identifier.
//!
//! Plans put many things in backticks: identifiers, but also paths, file names, commands,
//! flags, values and plain words. Only an identifier can be looked up among definitions,
//! and a false positive is costly (a task "fails" because `cargo test` is not defined
//! anywhere), so the rules lean towards rejecting: when a span could equally be a file
//! name or a module path (`config.toml`, `app.urls`), it is not taken as an identifier.

use serde::Serialize;

/// A code identifier named in a plan, such as `UserService.register` or
/// `naming::display_name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Ident {
    /// The span as written, trimmed.
    pub text: String,
    /// Qualifiers then the name; receivers that carry no information (`self`, `this`,
    /// `crate`, `super`) are dropped.
    pub segments: Vec<String>,
}

/// Words that precede a name in a declaration: `pub async fn parse`, `export class Plan`.
const MODIFIERS: &[&str] = &[
    "pub",
    "pub(crate)",
    "pub(super)",
    "export",
    "default",
    "async",
    "static",
    "public",
    "private",
    "protected",
    "internal",
    "abstract",
    "final",
    "unsafe",
    "open",
    "override",
    "suspend",
    "data",
    "sealed",
    "inline",
    "extern",
    "declare",
    "readonly",
];

const DECLARATIONS: &[&str] = &[
    "fn",
    "def",
    "func",
    "function",
    "class",
    "struct",
    "enum",
    "trait",
    "interface",
    "type",
    "impl",
    "mod",
    "module",
    "fun",
    "object",
    "record",
    "union",
    "namespace",
    "let",
    "var",
    "val",
    "const",
    "macro_rules!",
];

/// Receivers and path roots that say nothing about where a name is defined.
const RECEIVERS: &[&str] = &["self", "Self", "this", "crate", "super", "cls"];

/// Single words that are keywords, literals, primitive or standard-library types, tools,
/// formats and acronyms: in a plan they are almost never a name defined in the repository.
const COMMON: &[&str] = &[
    // literals and keywords
    "true",
    "false",
    "null",
    "nil",
    "None",
    "True",
    "False",
    "undefined",
    "NaN",
    "self",
    "Self",
    "this",
    "super",
    "crate",
    "cls",
    "fn",
    "def",
    "func",
    "function",
    "fun",
    "class",
    "struct",
    "enum",
    "trait",
    "interface",
    "impl",
    "mod",
    "module",
    "type",
    "let",
    "var",
    "val",
    "const",
    "static",
    "mut",
    "pub",
    "use",
    "import",
    "export",
    "from",
    "return",
    "if",
    "else",
    "elif",
    "for",
    "while",
    "loop",
    "match",
    "case",
    "switch",
    "break",
    "continue",
    "yield",
    "async",
    "await",
    "try",
    "catch",
    "except",
    "finally",
    "raise",
    "throw",
    "throws",
    "new",
    "delete",
    "typeof",
    "instanceof",
    "not",
    "and",
    "with",
    "end",
    "begin",
    "lambda",
    "public",
    "private",
    "protected",
    "internal",
    "package",
    "namespace",
    "void",
    "where",
    "dyn",
    "ref",
    "move",
    "unsafe",
    "extern",
    "override",
    "abstract",
    "final",
    "default",
    "object",
    "record",
    "goto",
    "defer",
    "chan",
    "select",
    "go",
    "pass",
    "assert",
    "global",
    "nonlocal",
    "elsif",
    "unless",
    "until",
    "then",
    "done",
    "esac",
    // primitive and standard types and values
    "int",
    "uint",
    "float",
    "double",
    "bool",
    "boolean",
    "char",
    "string",
    "str",
    "byte",
    "bytes",
    "usize",
    "isize",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "f32",
    "f64",
    "String",
    "Vec",
    "Option",
    "Result",
    "Box",
    "Rc",
    "Arc",
    "Cell",
    "RefCell",
    "Mutex",
    "HashMap",
    "HashSet",
    "BTreeMap",
    "BTreeSet",
    "VecDeque",
    "Some",
    "Ok",
    "Err",
    "Object",
    "Array",
    "Promise",
    "Map",
    "Set",
    "List",
    "Dict",
    "Tuple",
    "Any",
    "number",
    "unknown",
    "never",
    "any",
    "Integer",
    "Boolean",
    "Long",
    "Double",
    "Float",
    "Number",
    "Symbol",
    "Date",
    "Error",
    "Exception",
    "dict",
    "list",
    "tuple",
    "set",
    "print",
    "println",
    "printf",
    "len",
    "main",
    "init",
    "__init__",
    "__main__",
    // tools and formats
    "cargo",
    "rustc",
    "rustup",
    "clippy",
    "rustfmt",
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "node",
    "deno",
    "bun",
    "git",
    "make",
    "cmake",
    "docker",
    "kubectl",
    "pip",
    "pipx",
    "uv",
    "poetry",
    "pytest",
    "python",
    "python3",
    "ruby",
    "gem",
    "bundle",
    "rake",
    "rails",
    "java",
    "javac",
    "gradle",
    "mvn",
    "maven",
    "dotnet",
    "php",
    "composer",
    "bash",
    "zsh",
    "curl",
    "wget",
    "jq",
    "sed",
    "awk",
    "grep",
    "sudo",
    "ssh",
    "json",
    "yaml",
    "yml",
    "toml",
    "csv",
    "xml",
    "html",
    "css",
    "sql",
    "http",
    "https",
    "utf8",
    "ascii",
    "regex",
    "stdin",
    "stdout",
    "stderr",
    "localhost",
    "readme",
    "todo",
    "fixme",
    "src",
    "lib",
    "bin",
    "docs",
    "test",
    "tests",
    "spec",
    "build",
    "dist",
    "target",
    "vendor",
    // acronyms and markers
    "TODO",
    "FIXME",
    "XXX",
    "HACK",
    "NOTE",
    "README",
    "LICENSE",
    "CHANGELOG",
    "GET",
    "POST",
    "PUT",
    "DELETE",
    "PATCH",
    "HEAD",
    "OPTIONS",
    "API",
    "URL",
    "URI",
    "JSON",
    "YAML",
    "TOML",
    "HTML",
    "CSS",
    "SQL",
    "HTTP",
    "HTTPS",
    "CLI",
    "UI",
    "UX",
    "OK",
    "ID",
    "UUID",
    "UTF",
    "CI",
    "CD",
    "PR",
    "MIT",
    "AI",
    "LLM",
    "CPU",
    "GPU",
    "RAM",
    "SSH",
    "TCP",
    "UDP",
    "DNS",
    "JWT",
    "REST",
    "CRUD",
    "MVP",
    "CSV",
    "XML",
    "PDF",
    "SDK",
    "EOF",
    "NUL",
    "CRLF",
    "TLS",
    "SSL",
    "ASCII",
    "UTF8",
    "PATH",
    "HOME",
    "USER",
    "LGTM",
    "WIP",
    "N/A",
];

/// A dotted span ending in one of these, without a call, is a file name.
const FILE_EXTENSIONS: &[&str] = &[
    "rs",
    "py",
    "pyi",
    "js",
    "jsx",
    "mjs",
    "cjs",
    "ts",
    "tsx",
    "mts",
    "cts",
    "go",
    "java",
    "kt",
    "kts",
    "cs",
    "rb",
    "php",
    "md",
    "markdown",
    "mdx",
    "rst",
    "txt",
    "toml",
    "json",
    "jsonc",
    "yaml",
    "yml",
    "lock",
    "xml",
    "html",
    "htm",
    "css",
    "scss",
    "sh",
    "bash",
    "zsh",
    "env",
    "ini",
    "cfg",
    "conf",
    "sql",
    "csv",
    "tsv",
    "log",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "svg",
    "ico",
    "pdf",
    "zip",
    "gz",
    "tar",
    "tgz",
    "wasm",
    "c",
    "h",
    "cpp",
    "hpp",
    "cc",
    "swift",
    "scala",
    "dart",
    "lua",
    "ex",
    "exs",
    "erl",
    "hs",
    "ml",
    "vue",
    "svelte",
    "astro",
    "gradle",
    "properties",
    "proto",
    "graphql",
    "tf",
    "mod",
    "sum",
    "pem",
    "key",
    "crt",
    "db",
    "sqlite",
    "bak",
    "tmp",
    "dockerfile",
    "example",
    "sample",
];

impl Ident {
    /// Parses a backticked code span as a code identifier, or `None` when it is something
    /// else: a path, a file name, a command, a flag, a number, a quoted string, a URL, a
    /// keyword or a common word.
    ///
    /// Accepted and reduced to their name: `TransactionState`, `naming::display_name`,
    /// `entriesFromSessionManager()`, `UserService.register`,
    /// `user_service.register_user(email)`, `&mut Parser`, `format_args!`, `Vec::<u8>::new`,
    /// `User#register`, `pub fn parse_plan(text: &str) -> Plan`, `MAX_RETRIES`.
    pub fn parse(code_span: &str) -> Option<Ident> {
        let text = code_span.trim();
        if text.is_empty() || text.len() > 200 {
            return None;
        }
        let mut s = text;
        loop {
            let before = s;
            for prefix in ["&mut ", "&", "*", "@"] {
                if let Some(rest) = s.strip_prefix(prefix) {
                    s = rest.trim_start();
                }
            }
            if s == before {
                break;
            }
        }
        let (s, declared) = strip_declaration(s);
        let (core, called) = if declared {
            // `fn parse(text: &str) -> Plan`: the name is what precedes the signature.
            let end = s
                .find(|c: char| !(is_ident_char(c) || c == ':' || c == '.'))
                .unwrap_or(s.len());
            (s[..end].to_string(), false)
        } else {
            if s.contains("->") || s.contains("=>") {
                return None;
            }
            remove_groups(s)?
        };
        let core = core.trim_end_matches(['!', '?', ';']);
        if core.is_empty() || core.chars().any(char::is_whitespace) {
            return None;
        }
        let (mut segments, seps) = split_segments(core)?;
        if seps.hash && !segments[0].starts_with(|c: char| c.is_ascii_uppercase()) {
            return None;
        }
        while segments.len() > 1 && RECEIVERS.contains(&segments[0].as_str()) {
            segments.remove(0);
        }
        if segments.len() > 1 && seps.dot && !seps.colons && !seps.hash && !called {
            let lowercase = segments
                .iter()
                .all(|s| !s.chars().any(|c| c.is_ascii_uppercase()));
            let last = segments.last().map(|s| s.to_ascii_lowercase());
            if lowercase || last.is_some_and(|l| FILE_EXTENSIONS.contains(&l.as_str())) {
                return None;
            }
        }
        if let [only] = segments.as_slice()
            && (only.len() < 3 || COMMON.contains(&only.as_str()))
        {
            return None;
        }
        Some(Ident {
            text: text.to_string(),
            segments,
        })
    }

    /// The name itself: the last segment.
    pub fn name(&self) -> &str {
        self.segments.last().map_or("", String::as_str)
    }

    /// The qualifier closest to the name (`UserService` in `UserService.register`).
    pub fn qualifier(&self) -> Option<&str> {
        let n = self.segments.len();
        (n >= 2).then(|| self.segments[n - 2].as_str())
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Drops `pub async fn`, `export default class` and the like; says whether a declaration
/// keyword was among them.
fn strip_declaration(s: &str) -> (&str, bool) {
    let mut rest = s;
    let mut declared = false;
    while let Some((word, tail)) = rest.split_once(char::is_whitespace) {
        if DECLARATIONS.contains(&word) {
            declared = true;
        } else if !MODIFIERS.contains(&word) {
            break;
        }
        rest = tail.trim_start();
    }
    if declared { (rest, true) } else { (s, false) }
}

/// Removes balanced `(…)` argument lists and `<…>` generic arguments (with a turbofish's
/// `::`); `None` when they do not balance. The flag says whether there was a call.
fn remove_groups(s: &str) -> Option<(String, bool)> {
    let mut out = String::with_capacity(s.len());
    let (mut parens, mut angles) = (0i32, 0i32);
    let mut called = false;
    for c in s.chars() {
        match c {
            '(' => {
                parens += 1;
                called = true;
            }
            ')' => parens -= 1,
            '<' if parens == 0 => {
                // A turbofish: `Vec::<u8>::new` is `Vec::new`.
                if angles == 0 && out.ends_with("::") {
                    out.truncate(out.len() - 2);
                }
                angles += 1;
            }
            '>' if parens == 0 => angles -= 1,
            _ if parens == 0 && angles == 0 => out.push(c),
            _ => {}
        }
        if parens < 0 || angles < 0 {
            return None;
        }
    }
    (parens == 0 && angles == 0).then_some((out, called))
}

#[derive(Default)]
struct Separators {
    colons: bool,
    dot: bool,
    hash: bool,
}

fn split_segments(core: &str) -> Option<(Vec<String>, Separators)> {
    let mut seps = Separators::default();
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut chars = core.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ':' => {
                if chars.next() != Some(':') {
                    return None;
                }
                seps.colons = true;
                segments.push(std::mem::take(&mut current));
            }
            '.' => {
                seps.dot = true;
                segments.push(std::mem::take(&mut current));
            }
            '#' => {
                seps.hash = true;
                segments.push(std::mem::take(&mut current));
            }
            c if is_ident_char(c) => current.push(c),
            _ => return None,
        }
    }
    segments.push(current);
    let valid = |s: &String| {
        s.chars()
            .next()
            .is_some_and(|c| !c.is_ascii_digit() && c != '$')
            && s.chars().any(|c| c.is_ascii_alphabetic())
    };
    segments.iter().all(valid).then_some((segments, seps))
}
