//! `baton report`: the HTML page's structure (a graph node per task, the Gantt, verdicts,
//! decisions, plan text escaped), a report after a real `baton run` with fake agents showing
//! the lanes as they ran, and the page in real headless Chromium: a screenshot that is not
//! blank, in light and dark mode, the graph and the Gantt drawn, no console error, a PDF
//! printed; and the HTML parsed by a strict HTML5 parser (html5lib).
//!
//! Chromium and html5lib are real tools: without chromium (Debian's `chromium`), or without
//! python3 and pip to install html5lib into a virtualenv under target/, those tests say so on
//! stderr and pass without running, unless `BATON_REQUIRE_CHROMIUM` is set (as `.ci/run`
//! does), then they fail.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::harness::Project;
use crate::run_fixture::FakeAgent;

/// Renders the example plan's report into the project as `report.html` and returns it.
fn report(p: &Project, extra: &[&str]) -> String {
    let mut args = vec!["report", "--out", "report.html"];
    args.extend_from_slice(extra);
    let run = p.run(&args);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.starts_with("wrote report.html ("),
        "{}",
        run.stderr
    );
    p.read_string("report.html")
}

/// The text of the first `<svg class="CLASS"` element.
fn svg<'h>(html: &'h str, class: &str) -> &'h str {
    let open = format!("<svg class=\"{class}\"");
    let start = html
        .find(&open)
        .unwrap_or_else(|| panic!("no {open} in the page"));
    let end = html[start..].find("</svg>").expect("a closed svg") + start;
    &html[start..end]
}

#[test]
fn the_page_holds_the_graph_the_gantt_the_verdicts_and_the_decisions() {
    let p = Project::with_example("client-portal.md");
    let html = report(&p, &[]);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.ends_with("</html>\n"));
    // Self-contained: no URL to load, and a policy that forbids loading any.
    assert!(html.contains("content=\"default-src 'none';"));
    for outside in ["http://", "https://", "src=", "@import", "url(http"] {
        let hits: Vec<&str> = html
            .match_indices(outside)
            .map(|(i, _)| &html[i.saturating_sub(30)..(i + 40).min(html.len())])
            .filter(|ctx| !ctx.contains("xmlns=\"http://www.w3.org/2000/svg\""))
            .collect();
        assert!(hits.is_empty(), "{outside}: {hits:?}");
    }

    // One node per task, linked to its row; T1 is done, T3 on the critical path.
    let graph = svg(&html, "graph");
    assert_eq!(graph.matches("<a href=\"#t").count(), 4, "{graph}");
    assert!(
        graph.contains("<a href=\"#t0\" class=\"n done\">"),
        "{graph}"
    );
    assert!(
        graph.contains("<a href=\"#t2\" class=\"n critical\">"),
        "{graph}"
    );
    let edges = &graph[graph.find("<g class=\"edges\">").expect("edges")..];
    let edges = &edges[..edges.find("</g>").expect("end of edges")];
    assert_eq!(edges.matches("<path d=\"M").count(), 3, "T1 → T2, T3, T4");
    for id in ["t0", "t1", "t2", "t3"] {
        assert!(html.contains(&format!("<tr id=\"{id}\"")), "row {id}");
    }

    // The planned lanes: three sessions, the critical task marked, the bound said.
    let gantt = svg(&html, "gantt");
    assert_eq!(gantt.matches("<g class=\"lane\">").count(), 3, "{gantt}");
    assert_eq!(
        gantt.matches("<g class=\"bar crit\">").count(),
        1,
        "{gantt}"
    );
    assert!(
        html.contains("at most <strong>2.75×</strong>"),
        "speedup bound"
    );
    assert!(html.contains("Critical path: T3</p>"));
    assert!(html.contains("No run recorded for this plan"));

    // Verdicts with their evidence: T1 is ticked but its paths match no file.
    assert!(html.contains(
        "<tr id=\"t0\" class=\"v-false-done\"><td><b>T1</b> Database schema for users, \
         projects, files and invoices</td><td>done</td>"
    ));
    assert!(
        html.contains("<span class=\"w hard\">paths</span> `db/migrations/**` matches no file")
    );
    // No command ran, and the page says why.
    assert!(html.contains(
        "`cargo test --test db_schema` not run: a report runs no command (`baton verify` does)"
    ));
    assert!(html.contains("<tr id=\"t2\" class=\"v-incomplete\">"));

    // The decisions log.
    assert!(
        html.contains(
            "<li>2026-01-14 T1: invoice amounts are `BIGINT` cents with a currency column"
        )
    );
}

#[test]
fn plan_text_is_data_on_the_page() {
    let p = Project::new();
    p.write(
        "plan.md",
        "# <script>alert('title')</script>\n\n## Overview\n\nx\n\n\
         ## Phase 1: <img src=x onerror=alert(1)>\n\n\
         - [ ] T1 <script>alert(\"task\")</script> & </td></tr></table> done\n\
         - [ ] T2 Quotes \" ' in <b>bold</b>\n  - after: T1\n\n\
         ## Decisions\n\n- 2026-01-01: <iframe src=\"javascript:alert(2)\"></iframe>\n",
    );
    let html = report(&p, &[]);
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert_eq!(html.matches("</script>").count(), 1);
    for raw in ["<img", "<iframe", "<b>bold", "</table> done"] {
        assert!(!html.contains(raw), "{raw} reached the page unescaped");
    }
    // Markdown headings drop inline HTML when parsed; the rest is escaped.
    assert!(
        html.contains("<title>alert(&#39;title&#39;) · baton report</title>"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;alert(&quot;task&quot;)&lt;/script&gt; &amp; &lt;/td&gt;&lt;/tr&gt;&lt;/table&gt; done"));
    assert!(html.contains("&lt;iframe src=&quot;javascript:alert(2)&quot;&gt;&lt;/iframe&gt;"));
    // Also inside the SVG: the node's tooltip and label.
    let graph = svg(&html, "graph");
    assert!(
        graph.contains("<title>T1 &lt;script&gt;alert(&quot;task&quot;)"),
        "{graph}"
    );
}

#[test]
fn stdout_by_default_off_a_terminal_and_with_a_dash() {
    let p = Project::with_example("relay-race.md");
    for args in [&["report"][..], &["report", "--out", "-"][..]] {
        let run = p.run(args);
        assert_eq!(run.code, 0, "{}", run.transcript());
        assert!(
            run.stdout.starts_with("<!DOCTYPE html>"),
            "{}",
            run.transcript()
        );
        assert!(run.stdout.ends_with("</html>\n"));
        assert!(run.stderr.is_empty(), "{}", run.stderr);
    }
    assert!(!p.path("-").exists());
}

#[test]
fn bad_output_paths_and_plans_are_clear_errors() {
    let p = Project::with_example("relay-race.md");
    let run = p.run(&["report", "--out", "missing/dir/r.html"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(
        run.stderr
            .starts_with("error: cannot write missing/dir/r.html: "),
        "{}",
        run.stderr
    );
    std::fs::create_dir(p.path("adir")).expect("mkdir");
    let run = p.run(&["report", "--out", "adir"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(run.stderr.contains("it is a directory"), "{}", run.stderr);
    // An existing file is replaced whole.
    p.write("r.html", "old contents that are longer than nothing");
    p.run(&["report", "--out", "r.html"]).success();
    assert!(p.read_string("r.html").starts_with("<!DOCTYPE html>"));

    let loop_plan = Project::new();
    loop_plan.write(
        "plan.md",
        "# L\n\n## Phase 1\n\n- [ ] T1 a\n  - after: T2\n- [ ] T2 b\n  - after: T1\n",
    );
    let run = loop_plan.run(&["report", "--out", "r.html"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("plan.md:5: the plan's dependencies loop"),
        "{}",
        run.stderr
    );
    assert!(!loop_plan.path("r.html").exists());
}

#[test]
fn sessions_choose_the_planned_lanes() {
    let p = Project::with_example("client-portal.md");
    let html = report(&p, &["--sessions", "1"]);
    let gantt = svg(&html, "gantt");
    assert_eq!(gantt.matches("<g class=\"lane\">").count(), 1, "{gantt}");
    assert!(html.contains("1 session finish the open work"));
}

/// Two tasks on two sessions; each agent sleeps (T2 longer), reports a tool call with tokens
/// and a cost as Claude Code's stream-json does, does its task and commits.
const AGENT: &str = r#"#!/bin/sh
echo '{"type":"system","subtype":"init","session_id":"s"}'
echo '{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"make"}}],"usage":{"input_tokens":100,"output_tokens":5}}}'
g() { git -c user.email=a@example.com -c user.name=agent "$@"; }
for t in $BATON_TASKS; do
  case $t in T1) sleep 1; f=src/a.txt;; T2) sleep 2; f=src/b.txt;; esac
  mkdir -p src; echo real > $f
  "$BATON" done "$t" --force >/dev/null 2>&1
done
g add -A
g commit -qm "work on $BATON_TASKS"
echo '{"type":"result","subtype":"success","is_error":false,"total_cost_usd":0.02,"usage":{"input_tokens":200,"output_tokens":10}}'
"#;

const RUN_PLAN: &str = "# Demo\n\n## Phase 1: Build\n\n\
- [ ] T1 Write a\n  - files: src/a.txt\n  - verify: grep -q real src/a.txt\n\
- [ ] T2 Write b\n  - files: src/b.txt\n  - verify: grep -q real src/b.txt\n";

#[test]
fn after_a_run_the_page_shows_the_lanes_as_they_ran_and_what_they_cost() {
    let s = FakeAgent::new(AGENT)
        .agent_line("stream = \"claude\"")
        .plan(RUN_PLAN)
        .build();
    // The run needs real clocks: the harness pins the time for everything else.
    let out = s
        .project
        .command(&["run", "--sessions", "2"])
        .env_remove("BATON_NOW")
        .output()
        .expect("baton run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let html = report(&s.project, &[]);
    assert!(!html.contains("No run recorded"));
    // The second Gantt is the run's: a bar per session, merged, as long as it ran.
    let start = html.find("<h3>Actual lanes</h3>").expect("actual lanes");
    let actual = svg(&html[start..], "gantt");
    assert_eq!(
        actual.matches("<g class=\"lane merged\">").count(),
        2,
        "{actual}"
    );
    for session in ["session-1 (merged)", "session-2 (merged)"] {
        assert!(actual.contains(session), "{session}: {actual}");
    }
    let widths: Vec<f64> = actual
        .match_indices(" width=\"")
        .skip(1) // the svg's own
        .map(|(i, m)| {
            let rest = &actual[i + m.len()..];
            rest[..rest.find('"').expect("quote")]
                .parse()
                .expect("a width")
        })
        .collect();
    assert_eq!(widths.len(), 2, "{actual}");
    assert!(
        widths.iter().all(|&w| w > 50.0),
        "bars of seconds: {widths:?}"
    );
    // T1's session ran about a second, T2's about two: T2's bar is the longer.
    let t2 = actual.find("T2 · ").expect("T2's bar");
    let t1 = actual.find("T1 · ").expect("T1's bar");
    let (w1, w2) = if t1 < t2 {
        (widths[0], widths[1])
    } else {
        (widths[1], widths[0])
    };
    assert!(w2 > w1, "{w1} vs {w2}");

    // Tokens and cost, per session and in all.
    assert!(
        html.contains("Run 1: 420 tokens, 2 tool calls, cost $0.0400"),
        "{html}"
    );
    assert!(html.contains("<td>210</td><td>1</td><td>$0.0200</td>"));
    // The verdicts follow the merged work: both boxes ticked, their files there.
    assert!(
        html.contains("<tr id=\"t0\" class=\"v-verified\">"),
        "{html}"
    );
}

// ---- real tools: headless Chromium and html5lib ----

/// Chromium, or None (the test is skipped) unless `BATON_REQUIRE_CHROMIUM` is set.
#[allow(clippy::print_stderr)]
fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser"] {
        let found = Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return Some(PathBuf::from(name));
        }
    }
    assert!(
        std::env::var_os("BATON_REQUIRE_CHROMIUM").is_none(),
        "chromium is required (BATON_REQUIRE_CHROMIUM is set) but is not installed"
    );
    eprintln!("SKIPPED report browser test: chromium is not installed");
    None
}

/// Runs headless Chromium on `page` with `args`, in a profile of its own; returns its stdout
/// and stderr.
fn headless(chromium: &Path, page: &Path, args: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().expect("profile");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .env("HOME", profile.path())
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The lines of Chromium's log that are the page's console (errors, a blocked load).
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// Decodes a PNG (8-bit RGB or RGBA, as Chromium writes) with python3's zlib and returns
/// `(width, height, distinct colours, the top-left pixel as "r,g,b")`.
const PNG_STATS: &str = r#"
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat = 8, b''
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
assert depth == 8 and ctype in (2, 6), (depth, ctype)
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours = set()
first = None
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + pr) & 255
    for x in range(0, stride, bpp * 3):
        colours.add(bytes(line[x:x + 3]))
    if first is None:
        first = '%d,%d,%d' % tuple(line[0:3])
    prev = line
print(w, h, len(colours), first)
"#;

fn png_stats(png: &Path) -> (u32, u32, usize, String) {
    let out = Command::new("python3")
        .arg("-c")
        .arg(PNG_STATS)
        .arg(png)
        .output()
        .expect("python3");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parts: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(parts.len(), 4, "{text}");
    (
        parts[0].parse().expect("w"),
        parts[1].parse().expect("h"),
        parts[2].parse().expect("colours"),
        parts[3].to_string(),
    )
}

fn brightness(rgb: &str) -> u32 {
    rgb.split(',')
        .map(|c| c.parse::<u32>().unwrap_or(0))
        .sum::<u32>()
        / 3
}

#[test]
fn the_page_in_headless_chromium_draws_the_graph_and_the_gantt_without_errors() {
    let Some(chromium) = chromium() else { return };
    let p = Project::with_example("client-portal.md");
    report(&p, &[]);
    let page = p.path("report.html");

    // The DOM as the browser built it: the page's script ran (its hash is in the policy),
    // recorded no error, and found both pictures laid out at a size.
    let (dom, log) = headless(&chromium, &page, &["--dump-dom"]);
    assert!(console_lines(&log).is_empty(), "{:?}", console_lines(&log));
    let root = &dom[..dom.find("<head>").expect("a head")];
    assert!(root.contains("data-script=\"ran\""), "{root}");
    assert!(!root.contains("data-errors"), "{root}");
    assert!(root.contains("data-drawn=\"graph gantt\""), "{root}");

    // A screenshot, light: a white page with many colours on it.
    let shot = p.path("light.png");
    let (_, log) = headless(
        &chromium,
        &page,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,1600",
        ],
    );
    assert!(console_lines(&log).is_empty(), "{:?}", console_lines(&log));
    let (w, h, colours, corner) = png_stats(&shot);
    assert_eq!((w, h), (1280, 1600));
    assert!(colours > 50, "a blank page: {colours} colours");
    assert!(brightness(&corner) > 200, "light mode background: {corner}");

    // Dark mode: the same page on a dark background.
    let dark = p.path("dark.png");
    headless(
        &chromium,
        &page,
        &[
            &format!("--screenshot={}", dark.display()),
            "--window-size=1280,1600",
            "--force-dark-mode",
            "--blink-settings=preferredColorScheme=0",
        ],
    );
    let (_, _, colours, corner) = png_stats(&dark);
    assert!(colours > 50, "a blank page: {colours} colours");
    assert!(brightness(&corner) < 60, "dark mode background: {corner}");

    // Printable: a PDF comes out.
    let pdf = p.path("report.pdf");
    headless(
        &chromium,
        &page,
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
        ],
    );
    let bytes = std::fs::read(&pdf).expect("a PDF");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    assert!(bytes.len() > 10_000, "{} bytes", bytes.len());
}

/// python3 with html5lib: the system's, or a virtualenv of this test's own under target/
/// (not the MCP tests' folder), made once under a file lock.
#[allow(clippy::print_stderr)]
fn html5lib() -> Option<&'static Path> {
    static PYTHON: OnceLock<Option<PathBuf>> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let works = |p: &Path| {
                Command::new(p)
                    .args(["-c", "import html5lib"])
                    .output()
                    .is_ok_and(|o| o.status.success())
            };
            if works(Path::new("python3")) {
                return Some(PathBuf::from("python3"));
            }
            let skip = |why: String| {
                assert!(
                    std::env::var_os("BATON_REQUIRE_CHROMIUM").is_none(),
                    "html5lib is required (BATON_REQUIRE_CHROMIUM is set) but {why}"
                );
                eprintln!("SKIPPED report validation: {why}");
                None
            };
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
            let venv = dir.join("report-venv");
            let python = venv.join("bin").join("python");
            let lock = std::fs::File::create(dir.join("report-venv.lock")).expect("lock file");
            lock.lock().expect("lock the venv");
            if works(&python) {
                return Some(python);
            }
            let steps: [&[&str]; 2] = [
                &["-m", "venv", "--clear"],
                &[
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "html5lib==1.1",
                ],
            ];
            for (k, step) in steps.iter().enumerate() {
                let program = if k == 0 {
                    Path::new("python3")
                } else {
                    python.as_path()
                };
                let mut cmd = Command::new(program);
                cmd.args(*step);
                if k == 0 {
                    cmd.arg(&venv);
                }
                match cmd.output() {
                    Ok(out) if out.status.success() => {}
                    Ok(out) => {
                        return skip(format!(
                            "{step:?} failed: {}",
                            String::from_utf8_lossy(&out.stderr)
                        ));
                    }
                    Err(err) => return skip(format!("cannot run {}: {err}", program.display())),
                }
            }
            if works(&python) {
                Some(python)
            } else {
                skip("html5lib does not import".into())
            }
        })
        .as_deref()
}

/// Parses `file` with html5lib in strict mode: every HTML5 parse error fails.
const VALIDATE: &str = r#"
import sys, html5lib
with open(sys.argv[1], 'rb') as f:
    data = f.read()
parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
parser.parse(data)
print('ok', len(data))
"#;

#[test]
fn the_page_is_valid_html5() {
    let Some(python) = html5lib() else { return };
    let p = Project::with_example("client-portal.md");
    report(&p, &[]);
    let hostile = Project::new();
    hostile.write(
        "plan.md",
        "# <x> & \u{1}\n\n## Phase 1: \"p\"\n\n- [x] T1 <script>a</script> '\u{7f}'\n\n## Decisions\n\n- <br/>\n",
    );
    report(&hostile, &[]);
    for page in [p.path("report.html"), hostile.path("report.html")] {
        let out = Command::new(python)
            .arg("-c")
            .arg(VALIDATE)
            .arg(&page)
            .output()
            .expect("python");
        assert!(
            out.status.success(),
            "{}: {}",
            page.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
