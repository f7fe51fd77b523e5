//! `replylint mcp`: a Model Context Protocol server over stdio, built on the official Rust SDK
//! (`rmcp`).
//!
//! Four tools, each with an input schema and a structured output schema derived from the
//! [`crate::api`] types: `check_reply`, `fix_reply`, `explain_rule` and `list_rules`. Invalid
//! arguments are JSON-RPC errors (`-32602`); a request the API refuses (an unknown rule, a text
//! over [`crate::api::MAX_TEXT_BYTES`]) is a tool result with `isError: true` and a JSON body
//! `{"error": code, "message": …}`. A message line over [`MAX_MESSAGE_BYTES`] is never held in
//! memory: it is skipped and answered with a JSON-RPC error when its id can be read.

use std::sync::Arc;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerInfo};
use rmcp::{tool, tool_handler, tool_router, ServerHandler, ServiceExt};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

use super::{run_blocking, RequestError};
use crate::api::{
    Api, CheckRequest, CheckResponse, FixRequest, FixResponse, ListRulesRequest, RuleInfo,
    RuleList, MAX_TEXT_BYTES,
};

/// The longest JSON-RPC message line read from the client (8 MiB: a text at the API's limit
/// with every character escaped still fits).
pub const MAX_MESSAGE_BYTES: usize = 8 * MAX_TEXT_BYTES;

/// What the server tells a host about itself.
const INSTRUCTIONS: &str = "replylint checks the phrasing of customer-service replies \
    (Chinese Simplified and Traditional, English, Latvian). Call check_reply on every draft \
    before sending it; apply fix_reply or the suggestions, and rephrase what still needs a \
    human. explain_rule says why a rule fires.";

/// Arguments of `explain_rule`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainRequest {
    /// The rule's id, as in a finding's `rule` field (e.g. `zh.command.you-must`).
    pub id: String,
}

/// The MCP tools over one [`Api`].
#[derive(Debug, Clone)]
pub struct ReplyTools {
    api: Arc<Api>,
    tool_router: ToolRouter<ReplyTools>,
}

/// A tool-level error result: the model sees the message and can correct its call.
fn tool_error(error: RequestError) -> CallToolResult {
    let body = serde_json::json!({"error": error.code(), "message": error.message()});
    CallToolResult::error(vec![ContentBlock::text(body.to_string())])
}

#[tool_router]
impl ReplyTools {
    /// Tools answering from `api`.
    pub fn new(api: Arc<Api>) -> ReplyTools {
        ReplyTools {
            api,
            tool_router: Self::tool_router(),
        }
    }

    /// check_reply: the findings of one draft.
    #[tool(
        name = "check_reply",
        description = "Check a customer-service reply draft for phrasing problems (commands, \
            blame, refusals without an alternative, ...). Returns findings with rule id, \
            severity, message, the span in bytes (start/end) and characters \
            (char_start/char_end), suggested rewrites and the fix safety."
    )]
    async fn check_reply(
        &self,
        Parameters(request): Parameters<CheckRequest>,
    ) -> Result<Json<CheckResponse>, CallToolResult> {
        run_blocking(&self.api, move |api| api.check(&request))
            .await
            .map(Json)
            .map_err(tool_error)
    }

    /// fix_reply: the draft with fixes applied.
    #[tool(
        name = "fix_reply",
        description = "Apply the safe rewrites (with unsafe=true also those that change \
            meaning or register) to a draft. Returns the fixed text, the edits applied and the \
            findings that remain; need_a_human counts those no rewrite can fix."
    )]
    async fn fix_reply(
        &self,
        Parameters(request): Parameters<FixRequest>,
    ) -> Result<Json<FixResponse>, CallToolResult> {
        run_blocking(&self.api, move |api| api.fix(&request))
            .await
            .map(Json)
            .map_err(tool_error)
    }

    /// explain_rule: everything about one rule.
    #[tool(
        name = "explain_rule",
        description = "Explain a rule by id: what it flags, why, its examples, rewrites and \
            the source of the guidance."
    )]
    async fn explain_rule(
        &self,
        Parameters(request): Parameters<ExplainRequest>,
    ) -> Result<Json<RuleInfo>, CallToolResult> {
        run_blocking(&self.api, move |api| api.explain(&request.id))
            .await
            .map(Json)
            .map_err(tool_error)
    }

    /// list_rules: the rules in effect.
    #[tool(
        name = "list_rules",
        description = "List the rules in effect, optionally only one language (zh, en, lv) \
            or category (command, blame, ...)."
    )]
    async fn list_rules(
        &self,
        Parameters(request): Parameters<ListRulesRequest>,
    ) -> Result<Json<RuleList>, CallToolResult> {
        run_blocking(&self.api, move |api| api.list_rules(&request))
            .await
            .map(Json)
            .map_err(tool_error)
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for ReplyTools {
    fn get_info(&self) -> ServerInfo {
        ServerInfo::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("replylint", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }
}

/// Serves the tools on standard input and output until the client closes standard input.
pub async fn serve_stdio(api: Arc<Api>) -> std::io::Result<()> {
    serve(api, tokio::io::stdin(), tokio::io::stdout()).await
}

/// Serves the tools on any byte streams (standard I/O, or a pipe in tests).
pub async fn serve<R, W>(api: Arc<Api>, input: R, output: W) -> std::io::Result<()>
where
    R: tokio::io::AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    // The SDK reads whole lines without a bound, so it reads from a pipe that only ever gets
    // lines under the limit; its answers and ours for refused lines meet in one writer.
    let (mut to_sdk, sdk_input) = tokio::io::duplex(64 * 1024);
    let (sdk_output, from_sdk) = tokio::io::duplex(64 * 1024);
    let (refusals, refused) = mpsc::channel::<Vec<u8>>(16);
    let pump_in = tokio::spawn(async move {
        let result = pump_input(BufReader::new(input), &mut to_sdk, refusals).await;
        let _ = to_sdk.shutdown().await;
        result
    });
    let pump_out = tokio::spawn(pump_output(BufReader::new(from_sdk), refused, output));
    let service = ReplyTools::new(api)
        .serve((sdk_input, sdk_output))
        .await
        .map_err(std::io::Error::other)?;
    let _ = service.waiting().await;
    let read = pump_in
        .await
        .unwrap_or_else(|error| Err(std::io::Error::other(error)));
    let written = pump_out
        .await
        .unwrap_or_else(|error| Err(std::io::Error::other(error)));
    read.and(written)
}

/// Copies lines under the limit to the SDK; for a longer line, queues a JSON-RPC error.
async fn pump_input<R, W>(
    mut input: R,
    sdk: &mut W,
    refusals: mpsc::Sender<Vec<u8>>,
) -> std::io::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut line = Vec::new();
    loop {
        line.clear();
        let mut overlong = false;
        let mut any = false;
        loop {
            let available = input.fill_buf().await?;
            if available.is_empty() {
                break;
            }
            any = true;
            let (chunk, consumed, done) = match memchr::memchr(b'\n', available) {
                Some(end) => (&available[..=end], end + 1, true),
                None => (available, available.len(), false),
            };
            if line.len() + chunk.len() > MAX_MESSAGE_BYTES {
                if !overlong {
                    // Keep the head: the request id is near the start of the message.
                    line.truncate(4096);
                }
                overlong = true;
            } else if !overlong {
                line.extend_from_slice(chunk);
            }
            input.consume(consumed);
            if done {
                break;
            }
        }
        if !any {
            return Ok(());
        }
        if overlong {
            let message = format!(
                "message is over {MAX_MESSAGE_BYTES} bytes; texts are limited to \
                 {MAX_TEXT_BYTES} bytes"
            );
            match request_id(&line) {
                Some(id) => {
                    let mut body = serde_json::to_vec(&serde_json::json!({
                        "jsonrpc": "2.0",
                        "id": id,
                        "error": {"code": -32600, "message": message},
                    }))?;
                    body.push(b'\n');
                    if refusals.send(body).await.is_err() {
                        return Ok(());
                    }
                }
                None => eprintln!("replylint mcp: skipped a message: {message}"),
            }
            continue;
        }
        if !line.ends_with(b"\n") {
            line.push(b'\n');
        }
        if sdk.write_all(&line).await.is_err() {
            // The SDK side has closed: the session is over.
            return Ok(());
        }
    }
}

/// The JSON-RPC id near the start of a message, if it is a number or a string.
fn request_id(head: &[u8]) -> Option<serde_json::Value> {
    let at = memchr::memmem::find(head, b"\"id\"")?;
    let rest = &head[at + 4..];
    let rest = rest.trim_ascii_start().strip_prefix(b":")?;
    let value = serde_json::Deserializer::from_slice(rest.trim_ascii_start())
        .into_iter::<serde_json::Value>()
        .next()?
        .ok()?;
    (value.is_number() || value.is_string()).then_some(value)
}

/// Writes the SDK's lines and the refusals to the client, one whole line at a time.
async fn pump_output<R, W>(
    mut sdk: R,
    mut refused: mpsc::Receiver<Vec<u8>>,
    mut output: W,
) -> std::io::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut line = Vec::new();
    let mut refusals_open = true;
    loop {
        tokio::select! {
            // `read_until` keeps partial reads in `line`, so losing the race loses nothing.
            read = sdk.read_until(b'\n', &mut line) => {
                if read? == 0 {
                    break;
                }
                output.write_all(&line).await?;
                output.flush().await?;
                line.clear();
            }
            refusal = refused.recv(), if refusals_open => match refusal {
                Some(body) => {
                    output.write_all(&body).await?;
                    output.flush().await?;
                }
                None => refusals_open = false,
            },
        }
    }
    output.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_id_reads_numbers_and_strings_only() {
        assert_eq!(
            request_id(br#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"#),
            Some(serde_json::json!(7))
        );
        assert_eq!(
            request_id(br#"{"id" : "a-1", "method""#),
            Some(serde_json::json!("a-1"))
        );
        assert_eq!(request_id(br#"{"id":{"x":1}}"#), None);
        assert_eq!(request_id(b"garbage"), None);
    }

    #[test]
    fn every_tool_has_input_and_output_schemas() {
        let api = Arc::new(Api::new(crate::Session::new(
            crate::Linter::builtin().unwrap(),
            crate::Settings::default(),
        )));
        let tools = ReplyTools::new(api).tool_router.list_all();
        let mut names: Vec<&str> = tools.iter().map(|tool| &*tool.name).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            ["check_reply", "explain_rule", "fix_reply", "list_rules"]
        );
        for tool in &tools {
            assert!(
                tool.output_schema.is_some(),
                "{} has no output schema",
                tool.name
            );
            assert!(!tool.input_schema.is_empty());
        }
    }
}
