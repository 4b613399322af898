#!/usr/bin/env python3
"""Copies what the truth benchmark needs from a git repository at a pinned commit.

    snapshot.py GIT_DIR COMMIT PLAN OUT_DIR [BEFORE]

Writes OUT_DIR/tree/: the plan (at its path in the repository) and the files its tasks
name, plus the code files that define the identifiers its tasks name in backticks; with
BEFORE (the commit before the work), OUT_DIR/removed/ gets the named paths the work
deleted, so the benchmark can replay the removal. Run
once by hand when adding a project; the benchmark itself needs no network. Plan text is
only read here: nothing in it is ever run.
"""
import os
import re
import subprocess
import sys

MAX_FILE = 40 * 1024
CODE = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".py", ".rs", ".go", ".java", ".kt", ".rb", ".php", ".cs")


def git(gd, *args):
    return subprocess.run(["git", "--git-dir", gd, *args], capture_output=True, check=True).stdout


def main():
    gd, commit, plan, out = sys.argv[1:5]
    before = sys.argv[5] if len(sys.argv) > 5 else None
    files = set(git(gd, "ls-tree", "-r", "--name-only", commit).decode().splitlines())
    old = set(git(gd, "ls-tree", "-r", "--name-only", before).decode().splitlines()) if before else set()
    text = git(gd, "show", f"{commit}:{plan}").decode()
    wanted = {plan} | ({".gitignore"} & files)
    tokens = set(re.findall(r"`([^`\s]+)`", text)) | set(re.findall(r"[\w@.\[\]-]+(?:/[\w@.\[\]-]+)+", text))
    tokens |= set(re.findall(r"\b[\w.-]+\.[a-z]{2,4}\b", text))
    removed = set()
    for tok in tokens:
        tok = tok.strip("`,:;()").rstrip(".")
        tok = tok[2:] if tok.startswith("./") else tok
        if tok in old and tok not in files:
            removed.add(tok)
        for cand in (tok, tok.rstrip("/")):
            if "/" not in cand and "." in cand and cand not in files:
                # A bare file name: wherever it is, if only once.
                hits = [f for f in files if f.endswith("/" + cand)]
                if len(hits) == 1:
                    wanted.add(hits[0])
                continue
            if cand in files:
                wanted.add(cand)
            elif cand and any(f.startswith(cand.rstrip("/") + "/") for f in files):
                # A folder: its code files, few enough to keep the copy small.
                inside = sorted(f for f in files if f.startswith(cand.rstrip("/") + "/"))
                under = [f for f in inside if f.endswith(CODE)] or inside
                wanted.update(under[:12])
            elif "/" in cand:
                # A path from the repository root written from a sub-project.
                hits = [f for f in files if f.endswith("/" + cand)]
                if len(hits) == 1:
                    wanted.add(hits[0])
    idents = {t.rstrip("()").split(".")[-1] for t in re.findall(r"`([A-Za-z_][\w.]*(?:\(\))?)`", text)}
    idents = {i for i in idents if len(i) >= 4 and re.search(r"[A-Z_]", i[1:])}
    for ident in sorted(idents):
        try:
            hits = git(gd, "grep", "-l", "-w", "-E", rf"(function|class|interface|type|const|def|fn|struct|enum) +{ident}\b", commit).decode().splitlines()
        except subprocess.CalledProcessError:
            continue
        for h in hits[:2]:
            wanted.add(h.split(":", 1)[1])
    total = 0
    for rel in sorted(removed):
        blob = git(gd, "show", f"{before}:{rel}")
        dest = os.path.join(out, "removed", rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(blob)
        total += len(blob)
    for rel in sorted(wanted):
        blob = git(gd, "show", f"{commit}:{rel}")
        if rel != plan and (len(blob) > MAX_FILE or (rel.endswith(".md") and len(blob) > 8 * 1024)):
            continue
        dest = os.path.join(out, "tree", rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(blob)
        total += len(blob)
    print(f"{len(wanted)} files, {len(removed)} removed, {total // 1024} KiB")


if __name__ == "__main__":
    main()
