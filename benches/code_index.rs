//! Code index benchmark: `CodeIndex::build` over a generated repository.
//!
//! `cargo bench --bench code_index` (add `-- --quick` for a fast pass). The repository is
//! written to a temporary folder before timing: 10,000 source files of 50–150 lines in
//! nine languages (Rust, Python, TypeScript, Go, Java, Kotlin, C#, Ruby, PHP) plus some
//! Markdown and JSON, in nested folders, with functions, classes and methods, calls to
//! names defined in other files, comments, prose strings, TODO markers and a few stubs.
//! `bench/gen_repo.py` writes repositories of the same shape for timing `baton verify`
//! end to end. Each build reads from the page cache: the first untimed pass warms it.

#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::fs;
use std::hint::black_box;
use std::path::Path;

use baton::verify::code::CodeIndex;
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

const VERBS: &[&str] = &[
    "parse", "render", "store", "load", "build", "send", "fetch", "check", "update", "merge",
    "split", "index", "cache", "export", "import", "register", "validate", "format",
];
const NOUNS: &[&str] = &[
    "user", "config", "session", "token", "invoice", "report", "schema", "route", "queue",
    "worker", "email", "password", "upload", "search", "filter", "page", "audit", "metric",
];

#[derive(Clone, Copy)]
enum Lang {
    Rust,
    Python,
    TypeScript,
    Go,
    Java,
    Kotlin,
    CSharp,
    Ruby,
    Php,
}

const LANGS: [Lang; 9] = [
    Lang::Rust,
    Lang::Python,
    Lang::TypeScript,
    Lang::Go,
    Lang::Java,
    Lang::Kotlin,
    Lang::CSharp,
    Lang::Ruby,
    Lang::Php,
];

impl Lang {
    fn extension(self) -> &'static str {
        match self {
            Lang::Rust => "rs",
            Lang::Python => "py",
            Lang::TypeScript => "ts",
            Lang::Go => "go",
            Lang::Java => "java",
            Lang::Kotlin => "kt",
            Lang::CSharp => "cs",
            Lang::Ruby => "rb",
            Lang::Php => "php",
        }
    }

    fn comment(self) -> &'static str {
        match self {
            Lang::Python | Lang::Ruby => "#",
            _ => "//",
        }
    }
}

/// A function name of file `file`, number `k`, in the language's style.
fn name(lang: Lang, file: usize, k: usize) -> String {
    let verb = VERBS[(file * 7 + k) % VERBS.len()];
    let noun = NOUNS[(file * 13 + k * 5) % NOUNS.len()];
    match lang {
        Lang::Rust | Lang::Python | Lang::Ruby => format!("{verb}_{noun}_{file}_{k}"),
        Lang::Go | Lang::CSharp => {
            let mut v = verb.to_string();
            v[..1].make_ascii_uppercase();
            let mut n = noun.to_string();
            n[..1].make_ascii_uppercase();
            format!("{v}{n}{file}x{k}")
        }
        _ => {
            let mut n = noun.to_string();
            n[..1].make_ascii_uppercase();
            format!("{verb}{n}{file}x{k}")
        }
    }
}

fn class_name(file: usize, k: usize) -> String {
    let mut n = NOUNS[(file + k) % NOUNS.len()].to_string();
    n[..1].make_ascii_uppercase();
    format!("{n}Service{file}x{k}")
}

/// One statement of a body: a call to something another file defines, a comment, a
/// prose string, now and then a marker.
fn statement(rng: &mut Rng, lang: Lang, files: usize, out: &mut String, indent: &str) {
    let other = rng.range(0, files - 1);
    let callee = name(LANGS[other % LANGS.len()], other, rng.range(0, 3));
    let c = lang.comment();
    let _ = match rng.range(0, 9) {
        0 => writeln!(
            out,
            "{indent}{c} {} the {} before {}",
            rng.pick(VERBS),
            rng.pick(NOUNS),
            rng.pick(VERBS)
        ),
        1 if rng.percent(30) => writeln!(
            out,
            "{indent}{c} TODO: {} {}",
            rng.pick(VERBS),
            rng.pick(NOUNS)
        ),
        _ => match lang {
            Lang::Rust => writeln!(
                out,
                "{indent}let v = {callee}(\"a {} b\", 42);",
                rng.pick(NOUNS)
            ),
            Lang::Python => writeln!(out, "{indent}v = {callee}(\"a {} b\", 42)", rng.pick(NOUNS)),
            Lang::TypeScript => writeln!(
                out,
                "{indent}const v = {callee}(\"a {} b\", 42);",
                rng.pick(NOUNS)
            ),
            Lang::Go => writeln!(
                out,
                "{indent}v := {callee}(\"a {} b\", 42)",
                rng.pick(NOUNS)
            ),
            Lang::Java | Lang::CSharp => writeln!(
                out,
                "{indent}var v = {callee}(\"a {} b\", 42);",
                rng.pick(NOUNS)
            ),
            Lang::Kotlin => writeln!(
                out,
                "{indent}val v = {callee}(\"a {} b\", 42)",
                rng.pick(NOUNS)
            ),
            Lang::Ruby => writeln!(out, "{indent}v = {callee}(\"a {} b\", 42)", rng.pick(NOUNS)),
            Lang::Php => writeln!(
                out,
                "{indent}$v = {callee}(\"a {} b\", 42);",
                rng.pick(NOUNS)
            ),
        },
    };
}

/// A function (or method, with `indent`) with a body of `n` statements; one in twenty is
/// a stub instead.
fn function(
    rng: &mut Rng,
    lang: Lang,
    files: usize,
    fname: &str,
    n: usize,
    indent: &str,
    out: &mut String,
) {
    let body = format!("{indent}    ");
    let stub = rng.percent(5);
    let _ = match lang {
        Lang::Rust => writeln!(
            out,
            "{indent}pub fn {fname}(input: &str, n: u32) -> Option<u32> {{"
        ),
        Lang::Python => writeln!(out, "{indent}def {fname}(self, value, n=0):"),
        // A class member has no `export function`.
        Lang::TypeScript if indent.is_empty() => writeln!(
            out,
            "export function {fname}(input: string, n: number): number {{"
        ),
        Lang::TypeScript => writeln!(out, "{indent}{fname}(input: string, n: number): number {{"),
        Lang::Go => writeln!(out, "func {fname}(input string, n int) int {{"),
        Lang::Java => writeln!(out, "{indent}public int {fname}(String input, int n) {{"),
        Lang::Kotlin => writeln!(out, "{indent}fun {fname}(input: String, n: Int): Int {{"),
        Lang::CSharp => writeln!(
            out,
            "{indent}public int {fname}(string input, int n)\n{indent}{{"
        ),
        Lang::Ruby => writeln!(out, "{indent}def {fname}(input, n)"),
        Lang::Php => writeln!(
            out,
            "{indent}public function {fname}(string $input, int $n): int\n{indent}{{"
        ),
    };
    if stub {
        let _ = match lang {
            Lang::Rust => writeln!(out, "{body}todo!()"),
            Lang::Python => writeln!(out, "{body}raise NotImplementedError"),
            Lang::TypeScript => writeln!(out, "{body}throw new Error(\"not implemented\");"),
            Lang::Go => writeln!(out, "{body}panic(\"not implemented\")"),
            Lang::Java => writeln!(out, "{body}throw new UnsupportedOperationException();"),
            Lang::Kotlin => writeln!(out, "{body}TODO()"),
            Lang::CSharp => writeln!(out, "{body}throw new NotImplementedException();"),
            Lang::Ruby => writeln!(out, "{body}raise NotImplementedError"),
            Lang::Php => writeln!(out, "{body}throw new \\Exception('Not implemented');"),
        };
    } else {
        for _ in 0..n {
            statement(rng, lang, files, out, &body);
        }
        let _ = match lang {
            Lang::Rust => writeln!(out, "{body}Some(n)"),
            Lang::Python | Lang::Ruby => writeln!(out, "{body}n"),
            Lang::Php => writeln!(out, "{body}return $n;"),
            _ => writeln!(out, "{body}return n;"),
        };
    }
    let _ = match lang {
        Lang::Python => writeln!(out),
        Lang::Ruby => writeln!(out, "{indent}end\n"),
        _ => writeln!(out, "{indent}}}\n"),
    };
}

fn file(rng: &mut Rng, lang: Lang, id: usize, files: usize) -> String {
    let mut out = String::new();
    let target = rng.range(50, 150);
    let c = lang.comment();
    let _ = match lang {
        Lang::Rust => writeln!(out, "//! Module {id}.\nuse std::collections::HashMap;\n"),
        Lang::Python => writeln!(
            out,
            "\"\"\"Module {id}.\"\"\"\nimport os\n\nLIMIT_{id} = 10\n"
        ),
        Lang::TypeScript => writeln!(
            out,
            "import {{ helper }} from \"./helper\";\n\nexport const LIMIT_{id} = 10;\n"
        ),
        Lang::Go => writeln!(
            out,
            "package pkg{}\n\nimport \"fmt\"\n\nconst Limit{id} = 10\n",
            id % 50
        ),
        Lang::Java => writeln!(
            out,
            "package app.pkg{};\n\nimport java.util.List;\n",
            id % 50
        ),
        Lang::Kotlin => writeln!(
            out,
            "package app.pkg{}\n\nconst val LIMIT_{id} = 10\n",
            id % 50
        ),
        Lang::CSharp => writeln!(out, "using System;\n\nnamespace App.Pkg{}\n{{", id % 50),
        Lang::Ruby => writeln!(out, "# Module {id}.\nrequire \"json\"\n\nmodule Pkg{id}"),
        Lang::Php => writeln!(out, "<?php\nnamespace App\\Pkg{};\n", id % 50),
    };
    let mut k = 0;
    let mut class = 0;
    while out.lines().count() < target {
        let fname = name(lang, id, k);
        k += 1;
        let classy = matches!(lang, Lang::Java | Lang::CSharp) || rng.percent(40);
        if !classy || matches!(lang, Lang::Go) {
            let _ = writeln!(out, "{c} {} the {}.", rng.pick(VERBS), rng.pick(NOUNS));
            let n = rng.range(3, 10);
            function(rng, lang, files, &fname, n, "", &mut out);
            continue;
        }
        let cname = class_name(id, class);
        class += 1;
        let _ = match lang {
            Lang::Rust => writeln!(
                out,
                "pub struct {cname} {{\n    name: String,\n}}\n\nimpl {cname} {{"
            ),
            Lang::Python => writeln!(
                out,
                "class {cname}:\n    \"\"\"A {}.\"\"\"\n",
                rng.pick(NOUNS)
            ),
            Lang::TypeScript => writeln!(
                out,
                "export class {cname} {{\n  private items: string[] = [];\n"
            ),
            Lang::Java | Lang::CSharp => writeln!(out, "public class {cname}\n{{"),
            Lang::Kotlin => writeln!(out, "class {cname}(private val name: String) {{"),
            Lang::Ruby => writeln!(out, "  class {cname}"),
            Lang::Php => writeln!(out, "class {cname}\n{{"),
            Lang::Go => Ok(()),
        };
        let indent = "    ";
        for _ in 0..rng.range(2, 4) {
            let mname = name(lang, id, k);
            k += 1;
            let n = rng.range(3, 8);
            function(rng, lang, files, &mname, n, indent, &mut out);
        }
        let _ = match lang {
            Lang::Python => writeln!(out),
            Lang::Ruby => writeln!(out, "  end\n"),
            _ => writeln!(out, "}}\n"),
        };
    }
    let _ = match lang {
        Lang::CSharp => writeln!(out, "}}"),
        Lang::Ruby => writeln!(out, "end"),
        _ => Ok(()),
    };
    out
}

/// Writes `files` source files (and one Markdown and one JSON file per 50) under `root`,
/// 50 files to a folder, folders three levels deep.
fn generate(root: &Path, files: usize, seed: u64) {
    let mut rng = Rng(seed.max(1));
    for id in 0..files {
        let lang = LANGS[id % LANGS.len()];
        let dir = root.join(format!("src/area{}/mod{}/part{}", id % 4, id % 20, id / 50));
        if id % 50 == 0 {
            fs::create_dir_all(&dir).expect("create a folder");
            let readme = format!(
                "# Part {id}\n\nCalls `{}` and `{}`.\n",
                name(lang, id, 0),
                class_name(id, 0)
            );
            fs::write(dir.join("README.md"), readme).expect("write a README");
            let json = format!(
                "{{ \"handler\": \"{}\", \"retries\": 3 }}\n",
                name(lang, id, 1)
            );
            fs::write(dir.join("config.json"), json).expect("write a config");
        }
        fs::create_dir_all(&dir).expect("create a folder");
        let text = file(&mut rng, lang, id, files);
        fs::write(dir.join(format!("file{id}.{}", lang.extension())), text).expect("write a file");
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    generate(dir.path(), 10_000, 7);
    let warm = CodeIndex::build(dir.path());
    println!(
        "generated repository: {} files, {} definitions",
        warm.files().len(),
        warm.all_definitions().len()
    );
    let mut group = c.benchmark_group("code_index");
    group.sample_size(10);
    group.bench_function("build 10k files", |b| {
        b.iter(|| black_box(CodeIndex::build(black_box(dir.path()))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
