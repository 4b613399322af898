//! Which files the index reads, and how each kind of file writes comments and strings.
//!
//! The class decides three things: whether a file is read at all (a PNG never is), whether
//! definitions are looked for in it (only the languages with pattern sets), and whether
//! its words count as references (code and configuration do, prose does not: a README that
//! names a function does not wire it into anything).

use super::lex::{Quote, Syntax};

/// A language with definition patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Rust,
    Python,
    /// JavaScript and TypeScript, with JSX/TSX and the module variants.
    JavaScript,
    Go,
    Java,
    Kotlin,
    CSharp,
    Ruby,
    Php,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum FileClass {
    /// Definitions, stubs and references.
    Source(Lang),
    /// References only: other programming languages, build files, configuration. Wiring
    /// often lives there (a route table in YAML, a handler named in `serverless.yml`).
    Referencing(&'static Syntax),
    /// Prose: never read, its mentions prove nothing.
    Docs,
    /// Anything else (images, archives, data): listed, never read.
    Other,
}

impl Lang {
    pub(crate) fn syntax(self) -> &'static Syntax {
        match self {
            Lang::Rust => &RUST,
            Lang::Python => &PYTHON,
            Lang::JavaScript => &JAVASCRIPT,
            Lang::Go => &GO,
            Lang::Java | Lang::Kotlin => &JAVA_LIKE,
            Lang::CSharp => &CSHARP,
            Lang::Ruby => &HASH_COMMENTS,
            Lang::Php => &PHP,
        }
    }
}

/// Classifies a path (relative, `/`-separated) by its extension, or by its whole name for
/// the build files that have none.
pub(crate) fn classify(path: &str) -> FileClass {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => {
            return match name {
                "Makefile" | "makefile" | "GNUmakefile" | "Dockerfile" | "Justfile"
                | "justfile" | "Procfile" => FileClass::Referencing(&HASH_COMMENTS),
                "Rakefile" | "Gemfile" | "Guardfile" | "Podfile" => FileClass::Source(Lang::Ruby),
                "README" | "CHANGELOG" | "LICENSE" | "NOTICE" | "AUTHORS" | "CONTRIBUTORS" => {
                    FileClass::Docs
                }
                _ => FileClass::Other,
            };
        }
    };
    match ext.as_str() {
        "rs" => FileClass::Source(Lang::Rust),
        "py" | "pyw" | "pyi" => FileClass::Source(Lang::Python),
        "js" | "jsx" | "mjs" | "cjs" | "ts" | "tsx" | "mts" | "cts" => {
            FileClass::Source(Lang::JavaScript)
        }
        "go" => FileClass::Source(Lang::Go),
        "java" => FileClass::Source(Lang::Java),
        "kt" | "kts" => FileClass::Source(Lang::Kotlin),
        "cs" => FileClass::Source(Lang::CSharp),
        "rb" | "rake" | "gemspec" | "ru" => FileClass::Source(Lang::Ruby),
        "php" | "phtml" => FileClass::Source(Lang::Php),
        "c" | "h" | "cc" | "cpp" | "cxx" | "hpp" | "hh" | "hxx" | "m" | "mm" | "swift"
        | "scala" | "sc" | "dart" | "groovy" | "gradle" | "proto" | "zig" | "v" | "json"
        | "jsonc" | "json5" | "graphql" | "gql" | "css" | "scss" | "less" => {
            FileClass::Referencing(&C_LIKE)
        }
        "sh" | "bash" | "zsh" | "fish" | "yaml" | "yml" | "toml" | "ini" | "cfg" | "conf"
        | "env" | "tf" | "hcl" | "nix" | "ex" | "exs" | "cmake" | "r" | "jl" | "pl" | "pm"
        | "properties" | "mk" => FileClass::Referencing(&HASH_COMMENTS),
        "sql" | "lua" | "hs" | "elm" => FileClass::Referencing(&DASH_COMMENTS),
        "html" | "htm" | "xml" | "vue" | "svelte" | "astro" | "erb" | "ejs" | "hbs"
        | "handlebars" | "jinja" | "j2" | "twig" | "xaml" | "csproj" | "plist" => {
            FileClass::Referencing(&MARKUP)
        }
        "md" | "markdown" | "mdx" | "rst" | "txt" | "adoc" | "asciidoc" | "org" | "textile"
        | "rdoc" | "pod" | "tex" => FileClass::Docs,
        _ => FileClass::Other,
    }
}

const NO_QUOTE: Quote = Quote::None;

static RUST: Syntax = Syntax {
    line_comments: &[b"//"],
    block_comment: Some((b"/*", b"*/")),
    nested_blocks: true,
    double: Quote::MultiLine,
    single: Quote::Char,
    backtick: NO_QUOTE,
    triple: false,
    rust_raw: true,
    verbatim_at: false,
    hash_bracket_is_code: false,
};

static PYTHON: Syntax = Syntax {
    line_comments: &[b"#"],
    block_comment: None,
    nested_blocks: false,
    double: Quote::SingleLine,
    single: Quote::SingleLine,
    backtick: NO_QUOTE,
    triple: true,
    rust_raw: false,
    verbatim_at: false,
    hash_bracket_is_code: false,
};

static JAVASCRIPT: Syntax = Syntax {
    line_comments: &[b"//"],
    block_comment: Some((b"/*", b"*/")),
    nested_blocks: false,
    double: Quote::SingleLine,
    single: Quote::SingleLine,
    backtick: Quote::MultiLine,
    triple: false,
    rust_raw: false,
    verbatim_at: false,
    hash_bracket_is_code: false,
};

static GO: Syntax = Syntax {
    line_comments: &[b"//"],
    block_comment: Some((b"/*", b"*/")),
    nested_blocks: false,
    double: Quote::SingleLine,
    single: Quote::Char,
    backtick: Quote::Raw,
    triple: false,
    rust_raw: false,
    verbatim_at: false,
    hash_bracket_is_code: false,
};

/// Java and Kotlin: `"""` text blocks, `'c'` characters.
static JAVA_LIKE: Syntax = Syntax {
    line_comments: &[b"//"],
    block_comment: Some((b"/*", b"*/")),
    nested_blocks: false,
    double: Quote::SingleLine,
    single: Quote::Char,
    backtick: NO_QUOTE,
    triple: true,
    rust_raw: false,
    verbatim_at: false,
    hash_bracket_is_code: false,
};

static CSHARP: Syntax = Syntax {
    line_comments: &[b"//"],
    block_comment: Some((b"/*", b"*/")),
    nested_blocks: false,
    double: Quote::SingleLine,
    single: Quote::Char,
    backtick: NO_QUOTE,
    triple: true,
    rust_raw: false,
    verbatim_at: true,
    hash_bracket_is_code: false,
};

static PHP: Syntax = Syntax {
    line_comments: &[b"//", b"#"],
    block_comment: Some((b"/*", b"*/")),
    nested_blocks: false,
    double: Quote::MultiLine,
    single: Quote::MultiLine,
    backtick: NO_QUOTE,
    triple: false,
    rust_raw: false,
    verbatim_at: false,
    hash_bracket_is_code: true,
};

/// Ruby, shell, YAML, TOML and the other `#`-comment formats.
static HASH_COMMENTS: Syntax = Syntax {
    line_comments: &[b"#"],
    block_comment: None,
    nested_blocks: false,
    double: Quote::SingleLine,
    single: Quote::SingleLine,
    backtick: NO_QUOTE,
    triple: false,
    rust_raw: false,
    verbatim_at: false,
    hash_bracket_is_code: false,
};

static C_LIKE: Syntax = Syntax {
    line_comments: &[b"//"],
    block_comment: Some((b"/*", b"*/")),
    nested_blocks: false,
    double: Quote::SingleLine,
    single: Quote::Char,
    backtick: NO_QUOTE,
    triple: false,
    rust_raw: false,
    verbatim_at: false,
    hash_bracket_is_code: false,
};

static DASH_COMMENTS: Syntax = Syntax {
    line_comments: &[b"--"],
    block_comment: None,
    nested_blocks: false,
    double: Quote::SingleLine,
    single: Quote::SingleLine,
    backtick: NO_QUOTE,
    triple: false,
    rust_raw: false,
    verbatim_at: false,
    hash_bracket_is_code: false,
};

/// Templates and markup: attribute values such as `onclick="register()"` are wiring, so
/// quotes are not treated as strings; only `<!-- -->` comments are dropped.
static MARKUP: Syntax = Syntax {
    line_comments: &[],
    block_comment: Some((b"<!--", b"-->")),
    nested_blocks: false,
    double: NO_QUOTE,
    single: NO_QUOTE,
    backtick: NO_QUOTE,
    triple: false,
    rust_raw: false,
    verbatim_at: false,
    hash_bracket_is_code: false,
};
