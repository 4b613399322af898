#!/usr/bin/env python3
"""The truth benchmark: plants lies in copies of real spec-kit projects and counts how
many `baton verify` catches, and how many honest ticks it accuses.

    run.py BATON [PROJECT ...] [--max N] [--jobs J] [--check]

Each PROJECT is a folder beside this script holding `tree/` (the plan at its path in the
repository, and the files its tasks name, at a commit where every task is ticked and the
code is in place), `removed/` (files the work deleted) and `SOURCES`. For each, a git
repository is built as the work happened: the plan with open boxes (and the files the
work removes), then the work, then the ticks. Every run verifies with
`BATON verify --all --json`. Lies, one per run, each taken from what the honest run found:

- deleted: a file a task creates ("Create `x.ts`") is deleted;
- named (class 1): the only file a task names, without a creation verb, is deleted;
- renamed (class 2): a name a task implements is renamed away, alone, next to a type
  named after it (`openLedger` → `OpenLedgerOptions`), or next to a fragment of it;
- stubbed: the body of a function a task implements becomes `throw new Error(...)`;
- restored (class 3): a file a task removes is put back;
- nothing (class 5): a task enters the plan after its files existed, and is ticked with
  no commit touching them.

And honest variants that must not be accused: the plain run; a run-time path added to a
task's words (class 4: ": write canonical `.x-state.json` sorted by key"); a name the task
implements renamed to a close variant (drift). A lie is caught when its task is
false-done (class 5: when it is not verified); a false alarm is an honest ticked task
called false-done. With --check, exits 1 unless recall >= 95% and false alarms <= 2%.
Plan text is data: nothing from it runs through a shell.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
CODE = (".ts", ".tsx", ".js", ".jsx", ".mjs")
CREATE_VERBS = {"create", "implement", "add", "define", "write", "build", "introduce", "scaffold", "generate"}
GIT = ["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench", "-c", "commit.gpgsign=false"]
ENV = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_AUTHOR_DATE="2026-01-01T00:00:00Z",
           GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")


def git(repo, *args):
    subprocess.run(GIT + list(args), cwd=repo, env=ENV, check=True, capture_output=True)


def commit(repo, msg):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", msg)


def files_under(root):
    out = []
    for base, _, names in os.walk(root):
        for n in names:
            out.append(os.path.relpath(os.path.join(base, n), root))
    return sorted(out)


def copy_tree(src, dst):
    for rel in files_under(src):
        os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
        shutil.copyfile(os.path.join(src, rel), os.path.join(dst, rel))


def untick(text):
    return re.sub(r"^(\s*- )\[[xX]\]", r"\1[ ]", text, flags=re.M)


class Project:
    def __init__(self, name):
        self.name = name
        self.dir = os.path.join(HERE, name)
        self.tree = os.path.join(self.dir, "tree")
        self.removed = os.path.join(self.dir, "removed")
        # Ticks the source repository itself got wrong, checked by hand: not honest, so
        # neither counted as honest nor planted on.
        self.known_false = {}
        known = os.path.join(self.dir, "KNOWN_FALSE")
        if os.path.exists(known):
            with open(known) as f:
                for line in f:
                    if line.strip() and not line.startswith("#"):
                        tid, _, why = line.strip().partition(" ")
                        self.known_false[tid] = why
        plans = [f for f in files_under(self.tree) if f.endswith("tasks.md")]
        self.plan = plans[0]
        with open(os.path.join(self.tree, self.plan)) as f:
            self.plan_text = f.read()
        # Few real plans name the functions they implement in backticks where the code
        # index reads them, so for class 2 and stubs each project gets tasks written the
        # spec-kit way over functions its real code defines (honest until a lie is planted).
        found = []
        for rel in files_under(self.tree):
            if rel.endswith(CODE) and not re.search(r"(^|/)\.|test|^specs/", rel):
                with open(os.path.join(self.tree, rel)) as f:
                    for m in re.finditer(r"^export (?:default )?(?:async )?function (\w{6,})\s*\(", f.read(), re.M):
                        found.append((rel, m.group(1)))
        seen = set()
        extra = []
        for rel, name in found:
            if name not in seen and "use" not in name[:3]:
                seen.add(name)
                extra.append(f"- [X] B{len(extra) + 1:03} [P] Implement `{name}` in {rel}\n")
        if extra:
            self.plan_text = self.plan_text.rstrip("\n") + "\n\n## Phase B: Named functions\n\n" + "".join(extra[:12])

    def build(self, repo, plan_text=None, hide_line=None):
        """The honest history; `hide_line` (a task's line) enters the plan only after the
        work and the other ticks, and is ticked with no commit touching its files."""
        plan_text = plan_text or self.plan_text
        final = plan_text
        if hide_line is not None:
            plan_text = plan_text.replace(hide_line + "\n", "", 1)
        os.makedirs(os.path.dirname(os.path.join(repo, self.plan)), exist_ok=True)
        git(repo, "init", "-q", "-b", "main")
        write(repo, self.plan, untick(plan_text))
        if os.path.isdir(self.removed):
            copy_tree(self.removed, repo)
        commit(repo, "plan")
        if os.path.isdir(self.removed):
            for rel in files_under(self.removed):
                os.remove(os.path.join(repo, rel))
        copy_tree(self.tree, repo)
        write(repo, self.plan, untick(plan_text))
        commit(repo, "work")
        write(repo, self.plan, plan_text)
        commit(repo, "tick")
        if hide_line is not None:
            write(repo, self.plan, final.replace(hide_line, untick(hide_line), 1))
            commit(repo, "plan one more task")
            write(repo, self.plan, final)
            commit(repo, "tick it")


def write(repo, rel, text):
    path = os.path.join(repo, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def verify(baton, repo, plan):
    run = subprocess.run([baton, "verify", "--all", "--json", "--plan", plan], cwd=repo,
                         capture_output=True, text=True, env=dict(ENV, NO_COLOR="1"))
    if run.returncode not in (0, 1, 6):
        raise SystemExit(f"baton verify exited {run.returncode}: {run.stderr}")
    return {t["id"]: t for t in json.loads(run.stdout)["tasks"]}


def title_verb(title):
    words = [w for w in re.sub(r"\[[^\]]*\]", " ", title).split() if not re.match(r"^T\d+\w*$", w)]
    return words[0].lower().strip("*:") if words else ""


def task_line(text, tid):
    for line in text.splitlines():
        if re.match(rf"^\s*- \[[xX]\] {re.escape(tid)}\b", line):
            return line
    return None


def rename_everywhere(repo, old, new):
    pat = re.compile(rf"\b{re.escape(old)}\b")
    for rel in files_under(repo):
        if rel.startswith(".git/") or not rel.endswith(CODE):
            continue
        path = os.path.join(repo, rel)
        with open(path) as f:
            text = f.read()
        if pat.search(text):
            with open(path, "w") as f:
                f.write(pat.sub(new, text))


def stub_body(path, line):
    """Replaces the body of the function defined at `line` (1-based) with a throw."""
    with open(path) as f:
        text = f.read()
    lines = text.split("\n")
    start = sum(len(l) + 1 for l in lines[: line - 1])
    # The body opens at the first `{` after a `)` or `=>` from the definition on.
    m = re.compile(r"(\)|=>)\s*(:\s*[^{=;]+)?\s*\{").search(text, start)
    if not m or text.count("\n", start, m.start()) > 6:
        return False
    open_at = m.end() - 1
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                with open(path, "w") as f:
                    f.write(text[: open_at + 1] + '\n  throw new Error("not implemented");\n' + text[i:])
                return True
    return False


def pick(items, n):
    """At most n, spread evenly over the list (deterministic)."""
    if len(items) <= n:
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def evidence(task, weight=None, check=None, layer=None):
    return [e for e in task["evidence"]
            if (weight is None or e["weight"] == weight) and (check is None or e["check"] == check)
            and (layer is None or e["layer"] == layer)]


def pascal(name):
    return name[:1].upper() + name[1:]


def main():
    args = sys.argv[1:]
    check = "--check" in args
    limit = 25
    if "--max" in args:
        limit = int(args[args.index("--max") + 1])
    jobs = int(args[args.index("--jobs") + 1]) if "--jobs" in args else 2
    names = [a for a in args[1:] if not a.startswith("--") and not a.isdigit()]
    baton = os.path.abspath(args[0])
    names = names or sorted(d for d in os.listdir(HERE) if os.path.isdir(os.path.join(HERE, d, "tree")))
    totals = {}
    lines = []

    def count(cls, caught):
        t = totals.setdefault(cls, [0, 0])
        t[0] += 1
        t[1] += bool(caught)

    for name in names:
        p = Project(name)
        with tempfile.TemporaryDirectory() as tmp:
            def fresh(label):
                repo = os.path.join(tmp, label)
                os.makedirs(repo)
                return repo

            repo = fresh("honest")
            p.build(repo)
            honest = verify(baton, repo, p.plan)
            ticked = [t for t in honest.values() if t["status"] == "done"
                      and t["id"] not in p.known_false]
            for tid in p.known_false:
                count("known false ticks of the source", honest[tid]["verdict"] == "false-done")
            accused = [t["id"] for t in ticked if t["verdict"] == "false-done"]
            for t in ticked:
                count("honest: plain", t["verdict"] != "false-done")
            for tid in accused:
                lines.append(f"{name}: honest {tid} accused: "
                             + "; ".join(e["message"] for e in evidence(honest[tid], "hard")))
            fine = [t for t in ticked if t["verdict"] != "false-done"]
            runs = []  # (class, task id, mutate(repo) or build kwargs, lie?)

            created = [(t["id"], e) for t in fine for e in evidence(t, "positive", "created")
                       if e.get("file")]
            for tid, e in pick(created, limit):
                runs.append(("deleted: a created file", tid, {"delete": e["file"]}, True))
            only = [(t["id"], e) for t in fine
                    if len([x for x in evidence(t, layer="paths") if x["weight"] != "note"]) == 1
                    for e in evidence(t, "positive", "named") if e.get("file")]
            for tid, e in pick(only, limit):
                runs.append(("1 named without a creation verb", tid, {"delete": e["file"]}, True))
            defined = [(t["id"], e) for t in fine if title_verb(t["title"]) in CREATE_VERBS
                       for e in evidence(t, "positive", "defined")
                       if e.get("file", "").endswith(CODE) and re.match(r"^\w+$", e["subject"])
                       and len(e["subject"]) >= 6]
            for tid, e in pick(defined, limit):
                name_ = e["subject"]
                runs.append(("2 renamed away", tid, {"rename": (name_, "zqx" + name_[::-1])}, True))
                decoy = (f"\nexport interface {pascal(name_)}Options {{\n  value: string;\n}}\n"
                         if name_[0].islower() else
                         f"\nexport function {name_[0].lower() + name_[1:]}Helper(): void {{}}\n")
                runs.append(("2 renamed away, a type of its name beside", tid,
                             {"rename": (name_, "zqx" + name_[::-1]), "append": (e["file"], decoy)}, True))
                words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name_)
                if len(words) >= 2:
                    frag = words[-1].lower() if name_[0].islower() else pascal(words[-1].lower())
                    runs.append(("2 renamed away, a fragment of its name beside", tid,
                                 {"rename": (name_, "zqx" + name_[::-1]),
                                  "append": (e["file"], f"\nexport const {frag} = 1;\n"
                                             if name_[0].islower() else f"\nexport class {frag} {{}}\n")}, True))
                    runs.append(("honest: drift to a close variant", tid, {"rename": (name_, name_ + "Impl")}, False))
                runs.append(("stubbed: a body", tid, {"stub": (e["file"], e["line"])}, True))
            removed = [(t["id"], e) for t in fine for e in evidence(t, "positive")
                       if e["check"] in ("removed", "declared-removed")]
            for tid, e in pick(removed, limit):
                rel = next((r for r in files_under(p.removed) if r == e["subject"].strip("/")
                            or r.startswith(e["subject"].rstrip("/") + "/")), None)
                if rel:
                    runs.append(("3 removal undone", tid, {"restore": rel}, True))
                    runs.append(("3 removal undone", tid, {"restore": rel, "edit": True}, True))
            verified = [t for t in fine if t["verdict"] in ("verified", "verified-with-warnings")]
            for t in pick(verified, limit):
                line = task_line(p.plan_text, t["id"])
                if line:
                    runs.append(("5 nothing done", t["id"], {"hide": line}, True))
                    slug = re.sub(r"\W", "", t["id"]).lower()
                    runs.append(("honest: 4 a run-time path in its words", t["id"],
                                 {"words": (line, line.rstrip() + f": write canonical `.{slug}-state.json` sorted by key")},
                                 False))

            def one(i, cls, tid, how, lie):
                repo = fresh(f"run{i}")
                text = p.plan_text
                if "words" in how:
                    text = text.replace(how["words"][0], how["words"][1], 1)
                p.build(repo, plan_text=text, hide_line=how.get("hide"))
                done = True
                if "delete" in how:
                    target = os.path.join(repo, how["delete"])
                    if os.path.isdir(target):
                        shutil.rmtree(target)
                    else:
                        os.remove(target)
                if "rename" in how:
                    rename_everywhere(repo, *how["rename"])
                if "append" in how:
                    with open(os.path.join(repo, how["append"][0]), "a") as f:
                        f.write(how["append"][1])
                if "stub" in how:
                    done = stub_body(os.path.join(repo, how["stub"][0]), how["stub"][1])
                if "restore" in how:
                    shutil.copyfile(os.path.join(p.removed, how["restore"]), os.path.join(repo, how["restore"]))
                    if how.get("edit"):
                        with open(os.path.join(repo, how["restore"]), "a") as f:
                            f.write("\n")
                if not done:
                    return None
                commit(repo, "lie" if lie else "honest change")
                got = verify(baton, repo, p.plan)[tid]
                shutil.rmtree(repo, ignore_errors=True)
                return got

            with ThreadPoolExecutor(max_workers=jobs) as pool:
                results = list(pool.map(lambda r: one(r[0], *r[1]), enumerate(runs)))
            for (cls, tid, how, lie), got in zip(runs, results):
                if got is None:
                    continue
                if cls.startswith("5"):
                    caught = got["verdict"] not in ("verified", "verified-with-warnings")
                else:
                    caught = got["verdict"] == "false-done"
                count(cls, caught if lie else not caught)
                if caught != lie:
                    lines.append(f"{name}: {cls}: {tid} {got['verdict']}: "
                                 + "; ".join(e["message"] for e in evidence(got, "hard") or evidence(got, "warning")))

    known = totals.pop("known false ticks of the source", None)
    lies = [(c, n, k) for c, (n, k) in sorted(totals.items()) if not c.startswith("honest")]
    honest = [(c, n, k) for c, (n, k) in sorted(totals.items()) if c.startswith("honest")]
    planted = sum(n for _, n, _ in lies)
    caught = sum(k for _, _, k in lies)
    checked = sum(n for _, n, _ in honest)
    alarms = sum(n - k for _, n, k in honest)
    print(f"| class | runs | caught |")
    print(f"|---|---:|---:|")
    for c, n, k in lies:
        print(f"| {c} | {n} | {k} ({100 * k / max(n, 1):.0f}%) |")
    print(f"| **all lies** | {planted} | {caught} ({100 * caught / max(planted, 1):.1f}%) |")
    print()
    print(f"| honest | tasks | false alarms |")
    print(f"|---|---:|---:|")
    for c, n, k in honest:
        print(f"| {c[len('honest: '):]} | {n} | {n - k} ({100 * (n - k) / max(n, 1):.1f}%) |")
    print(f"| **all honest** | {checked} | {alarms} ({100 * alarms / max(checked, 1):.1f}%) |")
    if known:
        print(f"\nFalse ticks already in the source repositories (checked by hand): {known[0]}, "
              f"called false-done: {known[1]}")
    for line in lines:
        print("  " + line, file=sys.stderr)
    if check:
        recall = caught / max(planted, 1)
        alarm = alarms / max(checked, 1)
        if recall < 0.95 or alarm > 0.02:
            print(f"FAIL: recall {recall:.1%} (>= 95%), false alarms {alarm:.1%} (<= 2%)", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
