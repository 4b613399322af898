//! Gemini CLI (`gemini -p … -o stream-json`) against the Gemini API stand-in: baton's MCP
//! tools from the `.gemini/settings.json` that `init --agents gemini` wrote (errors included,
//! which Gemini's MCP client drops unless they match the tool's output schema), the
//! `AfterAgent` gate (`baton hook gemini-stop`) under a session name the model made up, and
//! the resume brief on `gemini --resume`.
//!
//! The throwaway HOME selects API-key auth; `GOOGLE_GEMINI_BASE_URL` points at the stand-in
//! and `GEMINI_CLI_TRUST_WORKSPACE` trusts the project folder for the run.

use std::path::Path;

use serde_json::{Value, json};

use super::install::{Cli, agent_cli};
use super::{
    AgentRun, GATE_PLAN, RESUME_PROMPT, StandIn, TOOLS_PLAN, check_gate, check_resume_brief,
    check_tools, clean_command, gate_script, gemini, home_dir, project, resume_script, run_bounded,
    temp_home, tools_script,
};
use crate::harness::Project;

/// `gemini ARGS -o stream-json` in the project against the stand-in.
fn run_gemini(
    gemini_bin: &Path,
    p: &Project,
    home: &Path,
    api: &StandIn,
    args: &[&str],
    env: &[(&str, &str)],
) -> AgentRun {
    let settings = json!({"security": {"auth": {"selectedType": "gemini-api-key"}}});
    std::fs::write(
        home_dir(home, ".gemini").join("settings.json"),
        settings.to_string(),
    )
    .expect("write the user settings");
    let mut cmd = clean_command(gemini_bin, p, home);
    cmd.args(args)
        .args(["-o", "stream-json"])
        .env("GEMINI_API_KEY", "stand-in-key")
        .env("GOOGLE_GEMINI_BASE_URL", api.url())
        .env("GEMINI_CLI_TRUST_WORKSPACE", "true");
    for (key, value) in env {
        cmd.env(key, value);
    }
    run_bounded(cmd)
}

fn trace(run: &AgentRun, api: &StandIn) -> String {
    format!(
        "{}\n--- stand-in requests\n{}",
        run.describe(),
        api.server.trace()
    )
}

/// The run ended by itself with exit 0 and a successful `result` event.
fn assert_clean_end(run: &AgentRun, api: &StandIn) {
    assert!(!run.timed_out, "gemini hung\n{}", trace(run, api));
    assert_eq!(run.code, Some(0), "{}", trace(run, api));
    let result = run
        .events
        .iter()
        .rfind(|e| e["type"] == "result")
        .unwrap_or_else(|| panic!("no result event\n{}", trace(run, api)));
    assert_eq!(
        result["status"],
        "success",
        "{result:#}\n{}",
        trace(run, api)
    );
}

#[test]
fn gemini_cli_uses_batons_mcp_tools_and_reads_a_refused_completion() {
    let Some(gemini_bin) = agent_cli(Cli::Gemini, "gemini MCP tools") else {
        return;
    };
    let p = project(TOOLS_PLAN, "gemini");
    let home = temp_home();
    let api = gemini::start(tools_script());
    let run = run_gemini(
        &gemini_bin,
        &p,
        home.path(),
        &api,
        &["-p", "Work on the plan with baton's tools."],
        &[],
    );
    assert_clean_end(&run, &api);
    let used: Vec<&str> = run
        .events
        .iter()
        .filter(|e| e["type"] == "tool_use")
        .filter_map(|e| e["tool_name"].as_str())
        .collect();
    assert_eq!(
        used,
        [
            "mcp_baton_claim_task",
            "mcp_baton_complete_task",
            "mcp_baton_log_decision",
            "mcp_baton_claim_task",
            "mcp_baton_complete_task",
            "mcp_baton_release_task"
        ],
        "{}",
        trace(&run, &api)
    );
    check_tools(&p, &api, &|| trace(&run, &api));
    // Every tool result Gemini reported is baton's, none a schema mismatch of its client.
    let bad: Vec<&Value> = run
        .events
        .iter()
        .filter(|e| e["type"] == "tool_result" && e.to_string().contains("-32602"))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn gemini_cli_stop_gate_holds_under_a_session_name_the_model_chose() {
    let Some(gemini_bin) = agent_cli(Cli::Gemini, "gemini gate") else {
        return;
    };
    let p = project(GATE_PLAN, "gemini");
    let home = temp_home();
    let api = gemini::start(gate_script(true));
    let run = run_gemini(
        &gemini_bin,
        &p,
        home.path(),
        &api,
        &["-p", "Finish the plan, then stop."],
        &[],
    );
    assert_clean_end(&run, &api);
    check_gate(&p, &api, &|| trace(&run, &api));
}

#[test]
fn gemini_cli_resumed_session_gets_the_resume_brief() {
    let Some(gemini_bin) = agent_cli(Cli::Gemini, "gemini resume brief") else {
        return;
    };
    let p = project(TOOLS_PLAN, "gemini");
    let home = temp_home();
    let api = gemini::start(resume_script());
    let env = [("BATON_SESSION", super::TOOLS_SESSION)];
    let first = run_gemini(
        &gemini_bin,
        &p,
        home.path(),
        &api,
        &["-p", "Work on the plan with baton's tools."],
        &env,
    );
    assert_clean_end(&first, &api);
    let second = run_gemini(
        &gemini_bin,
        &p,
        home.path(),
        &api,
        &["--resume", "latest", "-p", RESUME_PROMPT],
        &env,
    );
    assert_clean_end(&second, &api);
    check_resume_brief(&p, &api, &|| trace(&second, &api));
}
