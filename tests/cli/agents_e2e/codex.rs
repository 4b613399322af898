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

use super::install::{Cli, agent_cli};
use super::{
    AgentRun, GATE_EVIDENCE, GATE_PLAN, RESUME_PROMPT, StandIn, TOOLS_PLAN, TOOLS_SESSION,
    check_compact_brief, check_gate, check_resume_brief, check_tools, clean_command,
    compact_script, fills_context, gate_blocks, gate_script, home_dir, openai, project,
    resume_script, run_bounded, temp_home, tools_script,
};
use crate::harness::Project;

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
fn run_codex(
    codex: &Path,
    p: &Project,
    home: &Path,
    api: &StandIn,
    args: &[&str],
    env: &[(&str, &str)],
) -> AgentRun {
    run_codex_configured(codex, p, home, api, args, env, "")
}

/// [`run_codex`] with `config` lines atop `$CODEX_HOME/config.toml`.
fn run_codex_configured(
    codex: &Path,
    p: &Project,
    home: &Path,
    api: &StandIn,
    args: &[&str],
    env: &[(&str, &str)],
    config: &str,
) -> AgentRun {
    let codex_home = codex_home(home, api, config);
    let mut cmd = clean_command(codex, p, home);
    cmd.arg("exec")
        .args(args)
        .env("CODEX_HOME", codex_home)
        .env("STANDIN_API_KEY", "sk-test-stand-in");
    for (key, value) in env {
        cmd.env(key, value);
    }
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

fn trace(run: &AgentRun, api: &StandIn) -> String {
    format!(
        "{}\n--- stand-in requests\n{}",
        run.describe(),
        api.server.trace()
    )
}

/// The run ended by itself with exit 0 and a completed turn.
fn assert_clean_end(run: &AgentRun, api: &StandIn) {
    assert!(!run.timed_out, "codex hung\n{}", trace(run, api));
    assert_eq!(run.code, Some(0), "{}", trace(run, api));
    assert!(
        run.events.iter().any(|e| e["type"] == "turn.completed"),
        "no completed turn\n{}",
        trace(run, api)
    );
}

#[test]
fn codex_uses_batons_mcp_tools_and_reads_a_refused_completion() {
    let Some(codex) = agent_cli(Cli::Codex, "codex MCP tools") else {
        return;
    };
    let p = project(TOOLS_PLAN, "codex");
    let home = temp_home();
    let api = openai::start(tools_script());
    let run = run_codex(
        &codex,
        &p,
        home.path(),
        &api,
        &exec("Work on the plan with baton's tools."),
        &[],
    );
    assert_clean_end(&run, &api);
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
        trace(&run, &api)
    );
    assert!(calls.iter().all(|c| c["server"] == "baton"));
    check_tools(&p, &api, &|| trace(&run, &api));
}

#[test]
fn codex_stop_gate_holds_under_a_session_name_the_model_chose() {
    let Some(codex) = agent_cli(Cli::Codex, "codex gate") else {
        return;
    };
    let p = project(GATE_PLAN, "codex");
    let home = temp_home();
    let api = openai::start(gate_script(true));
    let run = run_codex(
        &codex,
        &p,
        home.path(),
        &api,
        &exec("Finish the plan, then stop."),
        &[],
    );
    assert_clean_end(&run, &api);
    check_gate(&p, &api, &|| trace(&run, &api));
}

#[test]
fn codex_stop_gate_lets_the_session_stop_after_its_cap_and_says_why() {
    let Some(codex) = agent_cli(Cli::Codex, "codex gate cap") else {
        return;
    };
    let p = project(GATE_PLAN, "codex");
    let home = temp_home();
    // The model never undoes its false tick: only the hook's cap can end the turn.
    let api = openai::start(gate_script(false));
    let run = run_codex(
        &codex,
        &p,
        home.path(),
        &api,
        &exec("Finish the plan, then stop."),
        &[],
    );
    assert_clean_end(&run, &api);
    let blocks = gate_blocks(&api);
    assert!(
        (2..=20).contains(&blocks),
        "the gate should block a few times, then give up; it blocked {blocks} times\n{}",
        trace(&run, &api)
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
    let feedback = api.last().notes_with(GATE_EVIDENCE).len();
    let reasons: Vec<String> = api
        .last()
        .notes
        .into_iter()
        .filter(|n| n.contains(GATE_EVIDENCE))
        .collect();
    let last_reason_differs = reasons.first() != reasons.last();
    assert!(
        output_names_baton || last_reason_differs,
        "nothing says why the session may stop after {feedback} blocks\n{}",
        trace(&run, &api)
    );
    // The tick is still false: the cap lets the session go, it does not bless the work.
    assert!(p.read_string("plan.md").contains("- [x] T1"));
    assert_eq!(p.run(&["verify", "--task", "T1"]).code, 6);
}

#[test]
fn codex_resumed_session_gets_the_resume_brief() {
    let Some(codex) = agent_cli(Cli::Codex, "codex resume brief") else {
        return;
    };
    let p = project(TOOLS_PLAN, "codex");
    let home = temp_home();
    let api = openai::start(resume_script());
    let env = [("BATON_SESSION", super::TOOLS_SESSION)];
    let first = run_codex(
        &codex,
        &p,
        home.path(),
        &api,
        &exec("Work on the plan with baton's tools."),
        &env,
    );
    assert_clean_end(&first, &api);
    let thread = first
        .events
        .iter()
        .find_map(|e| e["thread_id"].as_str())
        .unwrap_or_else(|| panic!("no thread id\n{}", trace(&first, &api)))
        .to_string();
    let mut args = vec!["resume"];
    args.extend(
        OPTIONS
            .iter()
            .filter(|o| !["-s", "workspace-write"].contains(o)),
    );
    args.extend([thread.as_str(), RESUME_PROMPT]);
    let second = run_codex(&codex, &p, home.path(), &api, &args, &env);
    assert_clean_end(&second, &api);
    check_resume_brief(&p, &api, &|| trace(&second, &api));
}

/// Codex compacts once a response's total tokens reach this; the stand-in's full context
/// ([`openai::FULL_CONTEXT_TOKENS`]) does.
const AUTO_COMPACT_LIMIT: &str = "model_auto_compact_token_limit = 50000\n";

#[test]
fn codex_auto_compaction_puts_the_resume_brief_back() {
    let Some(codex) = agent_cli(Cli::Codex, "codex compaction brief") else {
        return;
    };
    let p = project(TOOLS_PLAN, "codex");
    let home = temp_home();
    let api = openai::start_filling(compact_script(), std::sync::Arc::new(fills_context));
    let run = run_codex_configured(
        &codex,
        &p,
        home.path(),
        &api,
        &exec("Work on the plan with baton's tools."),
        &[("BATON_SESSION", TOOLS_SESSION)],
        AUTO_COMPACT_LIMIT,
    );
    let trace = || trace(&run, &api);
    assert!(!run.timed_out, "codex hung\n{}", trace());
    let summaries = api
        .server
        .requests()
        .iter()
        .filter(|r| r.body.to_string().contains(openai::SUMMARY_REQUEST))
        .count();
    assert_eq!(summaries, 1, "one compaction expected\n{}", trace());
    check_compact_brief(&p, &api, &trace);
    assert_clean_end(&run, &api);
}
