#!/usr/bin/env python3
"""Write a synthetic source repository for timing the code index and `baton verify`.

    python3 bench/gen_repo.py OUT_DIR [FILES] [SEED]      # defaults: 10000 files, seed 7

FILES source files of 50-150 lines, spread evenly over nine languages (Rust, Python,
TypeScript, Go, Java, Kotlin, C#, Ruby, PHP), 50 to a folder, three folders deep, plus a
README.md and a config.json per folder. Each file has free functions and classes with
methods whose bodies call functions defined in other files, with comments, prose strings,
some TODO markers and about one stub per twenty functions (`todo!()`, `raise
NotImplementedError`, `throw new Error("not implemented")`...). It writes a plain folder;
run `git init` in it to time git-aware commands.

The same seed always gives the same files. benches/code_index.rs generates a repository of
the same shape in process (its own small generator), so `cargo bench` needs no Python.
"""

import os
import random
import sys

VERBS = (
    "parse render store load build send fetch check update merge split index cache export "
    "import register validate format"
).split()
NOUNS = (
    "user config session token invoice report schema route queue worker email password "
    "upload search filter page audit metric"
).split()
LANGS = ["rs", "py", "ts", "go", "java", "kt", "cs", "rb", "php"]
HASH_COMMENT = {"py", "rb"}


def name(lang, file, k):
    verb = VERBS[(file * 7 + k) % len(VERBS)]
    noun = NOUNS[(file * 13 + k * 5) % len(NOUNS)]
    if lang in ("rs", "py", "rb"):
        return f"{verb}_{noun}_{file}_{k}"
    if lang in ("go", "cs"):
        return f"{verb.capitalize()}{noun.capitalize()}{file}x{k}"
    return f"{verb}{noun.capitalize()}{file}x{k}"


def class_name(file, k):
    return f"{NOUNS[(file + k) % len(NOUNS)].capitalize()}Service{file}x{k}"


def statement(rng, lang, files, indent):
    other = rng.randrange(files)
    callee = name(LANGS[other % len(LANGS)], other, rng.randrange(4))
    c = "#" if lang in HASH_COMMENT else "//"
    roll = rng.randrange(10)
    if roll == 0:
        return f"{indent}{c} {rng.choice(VERBS)} the {rng.choice(NOUNS)} before {rng.choice(VERBS)}"
    if roll == 1 and rng.random() < 0.3:
        return f"{indent}{c} TODO: {rng.choice(VERBS)} {rng.choice(NOUNS)}"
    arg = f'"a {rng.choice(NOUNS)} b", 42'
    return indent + {
        "rs": f"let v = {callee}({arg});",
        "py": f"v = {callee}({arg})",
        "ts": f"const v = {callee}({arg});",
        "go": f"v := {callee}({arg})",
        "java": f"var v = {callee}({arg});",
        "cs": f"var v = {callee}({arg});",
        "kt": f"val v = {callee}({arg})",
        "rb": f"v = {callee}({arg})",
        "php": f"$v = {callee}({arg});",
    }[lang]


def function(rng, lang, files, fname, n, indent):
    body = indent + "    "
    out = [
        {
            "rs": f"{indent}pub fn {fname}(input: &str, n: u32) -> Option<u32> {{",
            "py": f"{indent}def {fname}(self, value, n=0):",
            "ts": (f"{indent}{fname}(input: string, n: number): number {{" if indent
                   else f"export function {fname}(input: string, n: number): number {{"),
            "go": f"func {fname}(input string, n int) int {{",
            "java": f"{indent}public int {fname}(String input, int n) {{",
            "kt": f"{indent}fun {fname}(input: String, n: Int): Int {{",
            "cs": f"{indent}public int {fname}(string input, int n)\n{indent}{{",
            "rb": f"{indent}def {fname}(input, n)",
            "php": f"{indent}public function {fname}(string $input, int $n): int\n{indent}{{",
        }[lang]
    ]
    if rng.random() < 0.05:
        out.append(body + {
            "rs": "todo!()",
            "py": "raise NotImplementedError",
            "ts": 'throw new Error("not implemented");',
            "go": 'panic("not implemented")',
            "java": "throw new UnsupportedOperationException();",
            "kt": "TODO()",
            "cs": "throw new NotImplementedException();",
            "rb": "raise NotImplementedError",
            "php": "throw new \\Exception('Not implemented');",
        }[lang])
    else:
        out.extend(statement(rng, lang, files, body) for _ in range(n))
        last = {"rs": "Some(n)", "py": "n", "rb": "n", "php": "return $n;"}
        out.append(body + last.get(lang, "return n;"))
    out.append({"py": "", "rb": f"{indent}end\n"}.get(lang, f"{indent}}}\n"))
    return out


def source(rng, lang, fid, files):
    target = rng.randint(50, 150)
    c = "#" if lang in HASH_COMMENT else "//"
    part = fid % 50
    lines = {
        "rs": [f"//! Module {fid}.", "use std::collections::HashMap;", ""],
        "py": [f'"""Module {fid}."""', "import os", "", f"LIMIT_{fid} = 10", ""],
        "ts": ['import { helper } from "./helper";', "", f"export const LIMIT_{fid} = 10;", ""],
        "go": [f"package pkg{part}", "", 'import "fmt"', "", f"const Limit{fid} = 10", ""],
        "java": [f"package app.pkg{part};", "", "import java.util.List;", ""],
        "kt": [f"package app.pkg{part}", "", f"const val LIMIT_{fid} = 10", ""],
        "cs": ["using System;", "", f"namespace App.Pkg{part}", "{"],
        "rb": [f"# Module {fid}.", 'require "json"', "", f"module Pkg{fid}"],
        "php": ["<?php", f"namespace App\\Pkg{part};", ""],
    }[lang]
    k = 0
    klass = 0
    while len("\n".join(lines).splitlines()) < target:
        fname = name(lang, fid, k)
        k += 1
        classy = lang in ("java", "cs") or rng.random() < 0.4
        if not classy or lang == "go":
            lines.append(f"{c} {rng.choice(VERBS)} the {rng.choice(NOUNS)}.")
            lines.extend(function(rng, lang, files, fname, rng.randint(3, 10), ""))
            continue
        cname = class_name(fid, klass)
        klass += 1
        lines.append({
            "rs": f"pub struct {cname} {{\n    name: String,\n}}\n\nimpl {cname} {{",
            "py": f'class {cname}:\n    """A {rng.choice(NOUNS)}."""\n',
            "ts": f"export class {cname} {{\n  private items: string[] = [];\n",
            "java": f"public class {cname}\n{{",
            "cs": f"public class {cname}\n{{",
            "kt": f"class {cname}(private val name: String) {{",
            "rb": f"  class {cname}",
            "php": f"class {cname}\n{{",
        }[lang])
        for _ in range(rng.randint(2, 4)):
            mname = name(lang, fid, k)
            k += 1
            lines.extend(function(rng, lang, files, mname, rng.randint(3, 8), "    "))
        lines.append({"py": "", "rb": "  end\n"}.get(lang, "}\n"))
    if lang == "cs":
        lines.append("}")
    if lang == "rb":
        lines.append("end")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    rng = random.Random(seed)
    for fid in range(files):
        lang = LANGS[fid % len(LANGS)]
        folder = os.path.join(out, "src", f"area{fid % 4}", f"mod{fid % 20}", f"part{fid // 50}")
        os.makedirs(folder, exist_ok=True)
        if fid % 50 == 0:
            with open(os.path.join(folder, "README.md"), "w") as f:
                calls = f"`{name(lang, fid, 0)}` and `{class_name(fid, 0)}`"
                f.write(f"# Part {fid}\n\nCalls {calls}.\n")
            with open(os.path.join(folder, "config.json"), "w") as f:
                f.write(f'{{ "handler": "{name(lang, fid, 1)}", "retries": 3 }}\n')
        with open(os.path.join(folder, f"file{fid}.{lang}"), "w") as f:
            f.write(source(rng, lang, fid, files))


if __name__ == "__main__":
    main()
