//! The report as one HTML page: inline CSS (light, dark, print), the two inline SVG pictures,
//! tables, and one tiny inline script that only records errors (the page reads the same
//! without it). A Content-Security-Policy in the page itself forbids every load from
//! anywhere, so the file stays self-contained even if a string slipped through unescaped.

use std::fmt::Write as _;

use super::svg::{self, Unit};
use super::{Report, TaskRow, escape, escape_into, minutes, seconds};
use crate::plan::Status;
use crate::verify::{Verdict, Weight};

/// The page's only script: it marks that scripts ran, writes any error (a script error, a
/// resource that failed to load, a blocked load) into `data-errors` on `<html>`, and once
/// the page is laid out, the classes of the pictures drawn at a size into `data-drawn`,
/// where a headless browser's DOM dump can read them.
pub const SCRIPT: &str = "(function(){var d=document.documentElement,e=[];function add(m){e.push(m);d.setAttribute('data-errors',e.join(' | '))}window.addEventListener('error',function(v){var t=v.target;add(v.message||('cannot load '+((t&&(t.src||t.href))||'a resource')))},true);document.addEventListener('securitypolicyviolation',function(v){add('blocked by the page policy: '+v.violatedDirective+' '+v.blockedURI)});window.addEventListener('load',function(){d.setAttribute('data-drawn',[].filter.call(document.querySelectorAll('svg'),function(g){var r=g.getBoundingClientRect();return r.width>0&&r.height>0}).map(function(g){return g.getAttribute('class')}).filter(function(c,i,a){return a.indexOf(c)==i}).join(' '))});d.setAttribute('data-script','ran')})();";

/// SHA-256 of [`SCRIPT`], base64: the page's policy lets exactly this script run. A test
/// in a real browser fails when the two disagree (the script is then blocked).
pub const SCRIPT_SHA256: &str = "Y8K3TymXudCsDgp8FQS08aZi9SADxOBK4OM9PeRCbXk=";

const CSS: &str = include_str!("report.css");

/// The whole page.
pub fn render(r: &Report) -> String {
    let mut s = String::with_capacity(64 * 1024 + r.tasks.len() * 400);
    head(&mut s, r);
    s.push_str("<body>\n<header>\n<h1>");
    escape_into(&mut s, &r.title);
    s.push_str("</h1>\n<p class=\"meta\">");
    escape_into(&mut s, &r.plan);
    let _ = writeln!(
        s,
        " · generated {} by baton {}</p>",
        escape(&r.generated_at),
        env!("CARGO_PKG_VERSION")
    );
    s.push_str(
        "<nav><a href=\"#summary\">Summary</a> <a href=\"#graph\">Graph</a> \
         <a href=\"#schedule\">Schedule</a> <a href=\"#verdicts\">Verdicts</a> \
         <a href=\"#decisions\">Decisions</a> <a href=\"#run\">Run</a></nav>\n</header>\n<main>\n",
    );
    summary(&mut s, r);
    graph(&mut s, r);
    schedule(&mut s, r);
    verdicts(&mut s, r);
    decisions(&mut s, r);
    run(&mut s, r);
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

fn head(s: &mut String, r: &Report) {
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'sha256-{SCRIPT_SHA256}'\">\n\
         <meta name=\"generator\" content=\"baton {}\">\n<title>",
        env!("CARGO_PKG_VERSION")
    );
    escape_into(s, &r.title);
    let _ = write!(
        s,
        " · baton report</title>\n<style>\n{CSS}</style>\n<script>{SCRIPT}</script>\n</head>\n"
    );
}

fn summary(s: &mut String, r: &Report) {
    let count = |st: Status| r.tasks.iter().filter(|t| t.status == st).count();
    let (done, skipped) = (count(Status::Done), count(Status::Skipped));
    let open = r.tasks.len() - done - skipped;
    s.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n");
    card(
        s,
        "Tasks",
        &format!("{done} of {} done", r.tasks.len()),
        &format!("{open} open, {skipped} skipped, {} phases", r.phases.len()),
    );
    let p = &r.planned;
    card(
        s,
        "Speedup bound",
        &format!("{:.2}×", p.speedup_bound),
        &format!(
            "with {} session{} ({} recommended)",
            p.sessions,
            if p.sessions == 1 { "" } else { "s" },
            p.recommended_sessions
        ),
    );
    card(
        s,
        "Critical path",
        &minutes(p.critical_minutes),
        &format!("of {} open work", minutes(p.total_minutes)),
    );
    let attention: usize = r
        .tasks
        .iter()
        .filter(|t| {
            matches!(
                t.verdict,
                Some(Verdict::FalseDone | Verdict::Tampered | Verdict::DoneUnticked)
            )
        })
        .count();
    card(
        s,
        "Verdicts",
        &if attention == 0 {
            "nothing contradicted".to_string()
        } else {
            format!(
                "{attention} need{} a look",
                if attention == 1 { "s" } else { "" }
            )
        },
        &r.verdict_counts()
            .iter()
            .map(|(v, n)| format!("{n} {}", v.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
    );
    match &r.actual {
        Some(a) => card(
            s,
            &format!("Run {}", a.run),
            &a.cost_usd.map_or_else(
                || {
                    a.tokens
                        .map_or_else(|| a.state.clone(), |t| format!("{} tokens", thousands(t)))
                },
                |c| format!("${c:.2}"),
            ),
            &format!(
                "{}, {}{}",
                a.state,
                seconds(a.elapsed_seconds),
                a.tokens
                    .map(|t| format!(", {} tokens", thousands(t)))
                    .unwrap_or_default()
            ),
        ),
        None => card(s, "Run", "none yet", "baton run records one"),
    }
    s.push_str("</div>\n</section>\n");
}

fn card(s: &mut String, title: &str, big: &str, small: &str) {
    s.push_str("<div class=\"card\"><div class=\"ct\">");
    escape_into(s, title);
    s.push_str("</div><div class=\"cv\">");
    escape_into(s, big);
    s.push_str("</div><div class=\"cs\">");
    escape_into(s, small);
    s.push_str("</div></div>\n");
}

fn graph(s: &mut String, r: &Report) {
    s.push_str("<section id=\"graph\">\n<h2>Dependency graph</h2>\n");
    if r.graph.columns.is_empty() {
        s.push_str("<p>The plan has no tasks.</p>\n</section>\n");
        return;
    }
    s.push_str(
        "<p class=\"legend\">Columns are waves: the tasks that could start together with \
         unlimited sessions. An arrow a → b means b waits for a. \
         <span class=\"k critical\">critical path</span> <span class=\"k open\">open</span> \
         <span class=\"k done\">done</span> <span class=\"k group\">group</span></p>\n",
    );
    if r.graph.collapsed {
        let _ = writeln!(
            s,
            "<p class=\"notice\">This plan has {} tasks: the graph shows one box per wave \
             (it is drawn task by task up to {}). <code>baton graph --format dot</code> \
             gives every task.</p>",
            r.tasks.len(),
            super::GRAPH_MAX_TASKS
        );
    }
    s.push_str("<div class=\"scroll\">");
    s.push_str(&svg::graph(&r.graph));
    s.push_str("</div>\n</section>\n");
}

fn schedule(s: &mut String, r: &Report) {
    let p = &r.planned;
    s.push_str("<section id=\"schedule\">\n<h2>Schedule</h2>\n<h3>Planned lanes</h3>\n");
    if p.rows.is_empty() {
        s.push_str("<p>No open work is left to schedule.</p>\n");
    } else {
        let _ = writeln!(
            s,
            "<p>{} session{} finish the open work ({} by <code>est:</code>) in {}. The \
             critical path takes {}, so no number of sessions finishes sooner: the speedup \
             over one session is at most <strong>{:.2}×</strong>. Critical tasks are marked \
             red; the dashed line is the critical path's length.</p>",
            p.sessions,
            if p.sessions == 1 { "" } else { "s" },
            minutes(p.total_minutes),
            minutes(p.makespan),
            minutes(p.critical_minutes),
            p.speedup_bound
        );
        if !p.critical_path.is_empty() {
            s.push_str("<p class=\"path\">Critical path: ");
            escape_into(s, &p.critical_path.join(" → "));
            s.push_str("</p>\n");
        }
        if p.collapsed {
            let _ = writeln!(
                s,
                "<p class=\"notice\">More than {} tasks are scheduled: each lane is drawn as \
                 one bar. <code>baton analyze --sessions {}</code> lists every task.</p>",
                super::GANTT_MAX_SLOTS,
                p.sessions
            );
        }
        s.push_str("<div class=\"scroll\">");
        s.push_str(&svg::gantt(
            &p.rows,
            p.makespan,
            Unit::Minutes,
            Some((p.critical_minutes, "the critical path's length")),
        ));
        s.push_str("</div>\n");
    }
    s.push_str("<h3>Actual lanes</h3>\n");
    match &r.actual {
        Some(a) if a.rows.iter().any(|row| !row.bars.is_empty()) => {
            let _ = writeln!(
                s,
                "<p>Run {} (phase {}, agent {}) started {}: {}{}, {} so far or in all. Each \
                 bar is a session from its first start to its merge, block or the run's \
                 end.</p>",
                a.run,
                a.phase,
                escape(&a.agent),
                escape(&a.started_at),
                escape(&a.state),
                a.outcome
                    .as_deref()
                    .map(|o| format!(" ({})", escape(o)))
                    .unwrap_or_default(),
                seconds(a.elapsed_seconds)
            );
            let span = a
                .rows
                .iter()
                .flat_map(|row| row.bars.iter().map(|b| b.end))
                .max()
                .unwrap_or(0)
                .max(a.elapsed_seconds.max(0) as u64);
            s.push_str("<div class=\"scroll\">");
            s.push_str(&svg::gantt(&a.rows, span, Unit::Seconds, None));
            s.push_str("</div>\n");
        }
        Some(a) => {
            let _ = writeln!(s, "<p>Run {} started no session yet.</p>", a.run);
        }
        None => s.push_str(
            "<p>No run recorded for this plan: <code>baton run</code> records each \
             session's start and end, drawn here against the plan.</p>\n",
        ),
    }
    s.push_str("</section>\n");
}

fn verdicts(s: &mut String, r: &Report) {
    s.push_str("<section id=\"verdicts\">\n<h2>Verdicts</h2>\n");
    s.push_str(
        "<p>What <code>baton verify --all</code> finds, without running the plan's \
         <code>verify:</code> commands (a report runs no command; <code>baton verify</code> \
         does). Evidence: <span class=\"w hard\">hard</span> proves a tick false, \
         <span class=\"w warning\">warning</span> is worth a look, \
         <span class=\"w positive\">positive</span> supports the task, \
         <span class=\"w note\">note</span> was looked at and set aside.</p>\n",
    );
    if r.evidence_trimmed {
        let _ = writeln!(
            s,
            "<p class=\"notice\">This plan has {} tasks: evidence is listed for the tasks \
             whose verdict asks for a look; <code>baton verify --explain ID</code> gives \
             any task's.</p>",
            r.tasks.len()
        );
    }
    for (k, phase) in r.phases.iter().enumerate() {
        let tasks: Vec<(usize, &TaskRow)> = r
            .tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.phase == k)
            .collect();
        if tasks.is_empty() {
            continue;
        }
        s.push_str("<h3>");
        escape_into(s, phase);
        s.push_str(
            "</h3>\n<table class=\"tasks\">\n<thead><tr><th>Task</th><th>Status</th>\
             <th>Wave</th><th>Verdict and evidence</th></tr></thead>\n<tbody>\n",
        );
        for (i, t) in tasks {
            task_row(s, i, t);
        }
        s.push_str("</tbody>\n</table>\n");
    }
    s.push_str("</section>\n");
}

fn task_row(s: &mut String, i: usize, t: &TaskRow) {
    let verdict = t.verdict.map_or("none", Verdict::as_str);
    let _ = write!(s, "<tr id=\"t{i}\" class=\"v-{verdict}\"><td><b>");
    escape_into(s, &t.id);
    s.push_str("</b> ");
    escape_into(s, &t.title);
    if t.critical {
        s.push_str(" <span class=\"crit\">critical</span>");
    }
    let _ = write!(
        s,
        "</td><td>{}</td><td>{}</td><td><span class=\"verdict\">{verdict}</span>",
        t.status.as_str(),
        if t.wave == 0 {
            String::new()
        } else {
            t.wave.to_string()
        }
    );
    if !t.reason.is_empty() {
        s.push_str(" <span class=\"reason\">");
        escape_into(s, &t.reason);
        s.push_str("</span>");
    }
    if !t.evidence.is_empty() {
        s.push_str("<ul class=\"ev\">");
        for e in &t.evidence {
            let _ = write!(
                s,
                "<li><span class=\"w {}\">{}</span> ",
                weight_class(e.weight),
                e.layer
            );
            escape_into(s, &e.message);
            if let Some(at) = &e.location {
                s.push_str(" <code>");
                escape_into(s, at);
                s.push_str("</code>");
            }
            s.push_str("</li>");
        }
        s.push_str("</ul>");
    }
    if t.evidence_omitted > 0 && !t.evidence.is_empty() {
        let _ = write!(
            s,
            "<span class=\"more\">{} more: <code>baton verify --explain {}</code></span>",
            t.evidence_omitted,
            escape(&t.id)
        );
    }
    s.push_str("</td></tr>\n");
}

fn weight_class(w: Weight) -> &'static str {
    w.as_str()
}

fn decisions(s: &mut String, r: &Report) {
    s.push_str("<section id=\"decisions\">\n<h2>Decisions</h2>\n");
    if r.decisions.is_empty() {
        s.push_str(
            "<p>No decision logged (<code>baton decide</code> appends one to the plan's \
             <code>## Decisions</code>).</p>\n",
        );
    } else {
        s.push_str("<ul class=\"decisions\">\n");
        for d in &r.decisions {
            s.push_str("<li>");
            escape_into(s, d);
            s.push_str("</li>\n");
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
}

fn run(s: &mut String, r: &Report) {
    s.push_str("<section id=\"run\">\n<h2>Run</h2>\n");
    let Some(a) = &r.actual else {
        s.push_str("<p>No run recorded for this plan.</p>\n</section>\n");
        return;
    };
    let _ = writeln!(
        s,
        "<p>Run {}: {} tokens, {} tool calls, cost {} (as the agents report them; only \
         some agents report a cost).</p>",
        a.run,
        a.tokens.map_or_else(|| "no".to_string(), thousands),
        a.tool_calls.map_or_else(|| "no".to_string(), thousands),
        a.cost_usd
            .map_or_else(|| "not reported".to_string(), |c| format!("${c:.4}"))
    );
    s.push_str(
        "<table class=\"sessions\">\n<thead><tr><th>Session</th><th>Tasks</th><th>State</th>\
         <th>Attempt</th><th>Elapsed</th><th>Tokens</th><th>Tool calls</th><th>Cost</th>\
         </tr></thead>\n<tbody>\n",
    );
    for c in &a.sessions {
        s.push_str("<tr><td>");
        escape_into(s, &c.session);
        s.push_str("</td><td>");
        escape_into(s, &c.tasks.join(", "));
        s.push_str("</td><td>");
        escape_into(s, &c.state);
        if let Some(why) = &c.why {
            s.push_str("<br><span class=\"reason\">");
            escape_into(s, why);
            s.push_str("</span>");
        }
        let _ = writeln!(
            s,
            "</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            c.attempt,
            seconds(c.elapsed_seconds),
            c.tokens.map_or_else(String::new, thousands),
            c.tool_calls.map_or_else(String::new, thousands),
            c.cost_usd.map_or_else(String::new, |c| format!("${c:.4}"))
        );
    }
    s.push_str("</tbody>\n</table>\n</section>\n");
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
