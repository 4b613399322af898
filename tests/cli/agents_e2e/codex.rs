//! Codex (`codex exec --json`) against the Responses stand-in: baton's MCP tools from the
//! `.codex/config.toml` that `init --agents codex` wrote, the Stop gate (`baton hook
//! codex-stop`) under a session name the model made up, its cap on consecutive blocks, and
//! the resume brief on `codex exec resume` and after an auto-compaction.
//!
//! The stand-in is Codex's model provider in `$CODEX_HOME/config.toml` (a throwaway folder);
//! `--trust` trusts the project so its `.codex/config.toml` loads, and
//! `--dangerously-bypass-hook-trust` lets the hooks `init` wrote run without the interactive
//! hook review.

use std::path::Path;

use serde_json::Value;

use super::install::Cli;
use super::{
    AgentRun, GATE_EVIDENCE, GATE_PLAN, RESUME_PROMPT, Rig, StandIn, TOOLS_PLAN, TOOLS_SESSION,
    assert_exited_0, check_compact_brief, check_gate, check_resume_brief, check_tools,
    compact_script, fills_context, gate_blocks, gate_script, home_dir, openai, resume_script, rig,
    run_bounded, tools_script, trace,
};

/// Writes `$CODEX_HOME/config.toml` pointing Codex at the stand-in (`extra` lines first);
/// returns CODEX_HOME.
pub(super) fn codex_home(home: &Path, api: &StandIn, extra: &str) -> std::path::PathBuf {
    let dir = home_dir(home, ".codex");
    let config = format!(
        "{extra}model_provider = \"standin\"\nmodel = \"stand-in-model\"\n\n\
         [model_providers.standin]\nname = \"stand-in\"\nbase_url = \"{}/v1\"\n\
         env_key = \"STANDIN_API_KEY\"\nwire_api = \"responses\"\n",
        api.url()
    );
    std::fs::write(dir.join("config.toml"), config).expect("write CODEX_HOME/config.toml");
    dir
}

/// `codex exec --json [ARGS…]` in the project against the stand-in.
fn run_codex(s: &Rig, args: &[&str], env: &[(&str, &str)]) -> AgentRun {
    run_codex_configured(s, args, env, "")
}

/// [`run_codex`] with `config` lines atop `$CODEX_HOME/config.toml`.
fn run_codex_configured(s: &Rig, args: &[&str], env: &[(&str, &str)], config: &str) -> AgentRun {
    let mut cmd = s.command();
    cmd.arg("exec")
        .args(args)
        .env("CODEX_HOME", codex_home(s.home.path(), &s.api, config))
        .env("STANDIN_API_KEY", "sk-test-stand-in")
        .envs(env.iter().copied());
    run_bounded(cmd)
}

/// The options every run passes (after `exec` or `exec resume`).
const OPTIONS: [&str; 5] = [
    "--json",
    "--trust",
    "--dangerously-bypass-hook-trust",
    "-s",
    "workspace-write",
];

fn exec(prompt: &str) -> Vec<&str> {
    let mut args = OPTIONS.to_vec();
    args.push(prompt);
    args
}

/// The run ended by itself with exit 0 and a completed turn.
fn assert_clean_end(run: &AgentRun, api: &StandIn) {
    assert_exited_0("codex", run, api);
    assert!(
        run.events.iter().any(|e| e["type"] == "turn.completed"),
        "no completed turn\n{}",
        trace(run, api)
    );
}

#[test]
fn codex_uses_batons_mcp_tools_and_reads_a_refused_completion() {
    let Some(s) = rig(Cli::Codex, "codex MCP tools", TOOLS_PLAN, || {
        openai::start(tools_script())
    }) else {
        return;
    };
    let run = run_codex(&s, &exec("Work on the plan with baton's tools."), &[]);
    assert_clean_end(&run, &s.api);
    // Codex's side: six calls of baton's tools, the fifth one refused.
    let calls: Vec<&Value> = run
        .events
        .iter()
        .filter(|e| e["type"] == "item.completed" && e["item"]["type"] == "mcp_tool_call")
        .map(|e| &e["item"])
        .collect();
    let tools: Vec<&str> = calls.iter().filter_map(|c| c["tool"].as_str()).collect();
    assert_eq!(
        tools,
        [
            "claim_task",
            "complete_task",
            "log_decision",
            "claim_task",
            "complete_task",
            "release_task"
        ],
        "{}",
        s.trace(&run)
    );
    assert!(calls.iter().all(|c| c["server"] == "baton"));
    check_tools(&s.p, &s.api, &|| s.trace(&run));
}

#[test]
fn codex_stop_gate_holds_under_a_session_name_the_model_chose() {
    let Some(s) = rig(Cli::Codex, "codex gate", GATE_PLAN, || {
        openai::start(gate_script(true))
    }) else {
        return;
    };
    let run = run_codex(&s, &exec("Finish the plan, then stop."), &[]);
    assert_clean_end(&run, &s.api);
    check_gate(&s.p, &s.api, &|| s.trace(&run));
}

#[test]
fn codex_stop_gate_lets_the_session_stop_after_its_cap_and_says_why() {
    let Some(s) = rig(Cli::Codex, "codex gate cap", GATE_PLAN, || {
        openai::start(gate_script(false))
    }) else {
        return;
    };
    // The model never undoes its false tick: only the hook's cap can end the turn.
    let run = run_codex(&s, &exec("Finish the plan, then stop."), &[]);
    assert_clean_end(&run, &s.api);
    let blocks = gate_blocks(&s.api);
    assert!(
        (2..=20).contains(&blocks),
        "the gate should block a few times, then give up; it blocked {blocks} times\n{}",
        s.trace(&run)
    );
    // Why the session may stop after all is said where someone sees it: in Codex's output
    // (besides baton's own tool calls), or in the last reason the model got. Codex 0.171's
    // `--json` output shows no `systemMessage` of a Stop hook that exits 0.
    let output_names_baton = run
        .events
        .iter()
        .filter(|e| e["item"]["type"] != "mcp_tool_call")
        .map(Value::to_string)
        .chain(run.stderr.lines().map(str::to_string))
        .any(|l| l.contains("baton"));
    let feedback = s.api.last().notes_with(GATE_EVIDENCE).len();
    let reasons: Vec<String> = s
        .api
        .last()
        .notes
        .into_iter()
        .filter(|n| n.contains(GATE_EVIDENCE))
        .collect();
    let last_reason_differs = reasons.first() != reasons.last();
    assert!(
        output_names_baton || last_reason_differs,
        "nothing says why the session may stop after {feedback} blocks\n{}",
        s.trace(&run)
    );
    // The tick is still false: the cap lets the session go, it does not bless the work.
    assert!(s.p.read_string("plan.md").contains("- [x] T1"));
    assert_eq!(s.p.run(&["verify", "--task", "T1"]).code, 6);
}

#[test]
fn codex_resumed_session_gets_the_resume_brief() {
    let Some(s) = rig(Cli::Codex, "codex resume brief", TOOLS_PLAN, || {
        openai::start(resume_script())
    }) else {
        return;
    };
    let env = [("BATON_SESSION", super::TOOLS_SESSION)];
    let first = run_codex(&s, &exec("Work on the plan with baton's tools."), &env);
    assert_clean_end(&first, &s.api);
    let thread = first
        .events
        .iter()
        .find_map(|e| e["thread_id"].as_str())
        .unwrap_or_else(|| panic!("no thread id\n{}", s.trace(&first)))
        .to_string();
    let mut args = vec!["resume"];
    args.extend(
        OPTIONS
            .iter()
            .filter(|o| !["-s", "workspace-write"].contains(o)),
    );
    args.extend([thread.as_str(), RESUME_PROMPT]);
    let second = run_codex(&s, &args, &env);
    assert_clean_end(&second, &s.api);
    check_resume_brief(&s.p, &s.api, &|| s.trace(&second));
}

/// Codex compacts once a response's total tokens reach this; the stand-in's full context
/// ([`openai::FULL_CONTEXT_TOKENS`]) does.
const AUTO_COMPACT_LIMIT: &str = "model_auto_compact_token_limit = 50000\n";

#[test]
fn codex_auto_compaction_puts_the_resume_brief_back() {
    let Some(s) = rig(Cli::Codex, "codex compaction brief", TOOLS_PLAN, || {
        openai::start_filling(compact_script(), std::sync::Arc::new(fills_context))
    }) else {
        return;
    };
    let run = run_codex_configured(
        &s,
        &exec("Work on the plan with baton's tools."),
        &[("BATON_SESSION", TOOLS_SESSION)],
        AUTO_COMPACT_LIMIT,
    );
    let trace = || s.trace(&run);
    assert!(!run.timed_out, "codex hung\n{}", trace());
    let summaries = s
        .api
        .server
        .requests()
        .iter()
        .filter(|r| r.body.to_string().contains(openai::SUMMARY_REQUEST))
        .count();
    assert_eq!(summaries, 1, "one compaction expected\n{}", trace());
    check_compact_brief(&s.p, &s.api, &trace);
    assert_clean_end(&run, &s.api);
}
