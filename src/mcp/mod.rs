//! `baton mcp`: the plan as native tools for coding agents, over the Model Context Protocol
//! (stdio transport, the official `rmcp` SDK).
//!
//! An agent that edits the plan file by hand can break its Markdown, tick the wrong box or
//! race another session; one that calls `claim_task` and `complete_task` cannot. Each agent
//! session starts its own `baton mcp` process; all of them work on the same plan through the
//! locked, lossless editor and the shared claims database, exactly as concurrent `baton`
//! commands do, so the server keeps no state of its own between calls.
//!
//! The server is a second front end beside the command line: its tools call the same use
//! cases the CLI does (`ops::claim::claim_task`, `ops::complete::complete`, …) and turn their
//! errors into MCP tool errors instead of exit codes. It never imports the CLI. Every call that
//! names a session (or runs under `BATON_SESSION`) renews that session's claim leases. See
//! docs/mcp.md.

mod params;
mod resources;
mod schema;
mod tools;
mod views;

use std::path::PathBuf;

use rmcp::ServiceExt;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{Implementation, ServerCapabilities, ServerConfig};

pub use tools::TOOL_NAMES;

/// The server's name as agents see it: tools are `mcp__baton__claim_task` in Claude Code.
pub const SERVER_NAME: &str = "baton";

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("the MCP handshake failed: {0}")]
    Handshake(String),
    #[error("the MCP connection ended abnormally: {0}")]
    Connection(String),
}

/// One server per client connection. It remembers only how to find the plan.
#[derive(Debug, Clone)]
pub struct BatonServer {
    /// `--plan`, if given; else each call looks up plan.md (or PLAN.md, tasks.md) from the
    /// working directory, as every command does.
    plan: Option<PathBuf>,
    /// The session name used when a call names none (`BATON_SESSION`).
    default_session: Option<String>,
    tool_router: ToolRouter<BatonServer>,
}

impl BatonServer {
    pub fn new(plan: Option<PathBuf>, default_session: Option<String>) -> BatonServer {
        let mut tool_router = BatonServer::tool_router();
        schema::portable(&mut tool_router);
        BatonServer {
            plan,
            default_session: default_session.filter(|s| !s.trim().is_empty()),
            tool_router,
        }
    }

    fn config() -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(
            Implementation::new(SERVER_NAME, env!("CARGO_PKG_VERSION")).with_title("baton"),
        )
        .with_instructions(INSTRUCTIONS)
    }
}

const INSTRUCTIONS: &str = "baton keeps the project's Markdown plan. Never edit the plan file \
by hand: call next_tasks to see what is ready, claim_task before starting a task (exactly one \
session wins), complete_task when it is done (it runs the task's verification first), \
release_task to give a task back, undo_task to reopen a task ticked by mistake, and \
log_decision when you deviate from the plan. \
plan_overview shows progress; session_prompt returns your session's brief.";

/// Serves one client on stdin/stdout until it disconnects.
pub fn serve_stdio(server: BatonServer) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        let running = server
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| ServeError::Handshake(e.to_string()))?;
        running
            .waiting()
            .await
            .map_err(|e| ServeError::Connection(e.to_string()))?;
        Ok(())
    })
}

#[rmcp::tool_handler(router = self.tool_router)]
impl rmcp::ServerHandler for BatonServer {
    fn get_info(&self) -> ServerConfig {
        BatonServer::config()
    }

    async fn list_resources(
        &self,
        _request: Option<rmcp::model::PaginatedRequestParams>,
        _context: rmcp::service::RequestContext<rmcp::RoleServer>,
    ) -> Result<rmcp::model::ListResourcesResult, rmcp::ErrorData> {
        self.blocking(|server| server.resource_list()).await
    }

    async fn list_resource_templates(
        &self,
        _request: Option<rmcp::model::PaginatedRequestParams>,
        _context: rmcp::service::RequestContext<rmcp::RoleServer>,
    ) -> Result<rmcp::model::ListResourceTemplatesResult, rmcp::ErrorData> {
        Ok(self.resource_templates())
    }

    async fn read_resource(
        &self,
        request: rmcp::model::ReadResourceRequestParams,
        _context: rmcp::service::RequestContext<rmcp::RoleServer>,
    ) -> Result<rmcp::model::ReadResourceResponse, rmcp::ErrorData> {
        let read = self
            .blocking(move |server| server.resource_read(&request.uri))
            .await?;
        Ok(read.into())
    }
}

impl BatonServer {
    /// Runs a resource's work on a blocking thread, as the tools do: it reads files and the
    /// state store (a PostgreSQL client blocks), never on the protocol's own thread.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&BatonServer) -> Result<T, rmcp::ErrorData> + Send + 'static,
    ) -> Result<T, rmcp::ErrorData> {
        let server = self.clone();
        tokio::task::spawn_blocking(move || work(&server))
            .await
            .unwrap_or_else(|e| {
                Err(rmcp::ErrorData::internal_error(
                    format!("the resource's thread failed: {e}"),
                    None,
                ))
            })
    }
}
