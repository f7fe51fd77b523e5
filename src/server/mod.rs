//! The network front ends, behind the cargo feature `server`: the MCP server over stdio
//! ([`mcp`]) and the HTTP API with its playground page ([`http`]). Both are thin: they decode a
//! request, call [`crate::api::Api`] on a blocking thread (checking is CPU work) and encode the
//! answer, so their findings are exactly the library's and the CLI's.

#![deny(missing_docs)]

pub mod http;
pub mod mcp;

use std::sync::Arc;

use crate::api::{Api, ApiError};

/// Why a request failed once it reached the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// The caller's mistake (an unknown rule, a text over the limit).
    Api(ApiError),
    /// The check itself failed (a panic on the worker thread); the server keeps running.
    Internal(String),
}

impl RequestError {
    /// A stable code: [`ApiError::code`], or `internal`.
    pub fn code(&self) -> &'static str {
        match self {
            RequestError::Api(error) => error.code(),
            RequestError::Internal(_) => "internal",
        }
    }

    /// What went wrong, for the caller.
    pub fn message(&self) -> String {
        match self {
            RequestError::Api(error) => error.to_string(),
            RequestError::Internal(message) => message.clone(),
        }
    }
}

/// Runs `work` against the API on tokio's blocking pool, so that checking never stalls the
/// threads that read and write requests, and a panic in it becomes an error, not a crash.
pub async fn run_blocking<T, F>(api: &Arc<Api>, work: F) -> Result<T, RequestError>
where
    T: Send + 'static,
    F: FnOnce(&Api) -> Result<T, ApiError> + Send + 'static,
{
    let api = api.clone();
    match tokio::task::spawn_blocking(move || work(&api)).await {
        Ok(result) => result.map_err(RequestError::Api),
        Err(error) => Err(RequestError::Internal(format!(
            "the check failed: {error}; please report this text"
        ))),
    }
}
