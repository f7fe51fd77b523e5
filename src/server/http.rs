//! `replylint serve`: the HTTP API and the playground page, on axum.
//!
//! | method and path | body / query | answer |
//! |---|---|---|
//! | `POST /v1/check` | [`CheckRequest`] | [`CheckResponse`] |
//! | `POST /v1/fix` | [`FixRequest`] | [`FixResponse`] |
//! | `GET /v1/rules` | `?language=&category=` | [`RuleList`] |
//! | `GET /v1/rules/{id}` | | [`RuleInfo`] |
//! | `GET /healthz` | | `{"status":"ok"}` |
//! | `GET /openapi.json` | | the OpenAPI 3.0 document of all of the above |
//! | `GET /` | | the playground page (embedded, no external assets) |
//!
//! Every error is JSON, `{"error": code, "message": …}`: 400 for malformed JSON, wrong types or
//! unknown fields, a bad selector or language; 404 for an unknown rule or path; 413 for a body
//! over [`Limits::max_body_bytes`] or a text over [`crate::api::MAX_TEXT_BYTES`]; 415 without a
//! JSON content type; 503 when a request takes longer than [`Limits::timeout`]. At most
//! [`Limits::max_concurrency`] requests are handled at once (the rest wait their turn, within
//! the time limit). On SIGINT or SIGTERM the server stops accepting connections and finishes
//! the requests in flight before returning. No authentication is built in.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

use super::{run_blocking, RequestError};
use crate::api::{
    Api, ApiError, CheckRequest, CheckResponse, FixRequest, FixResponse, ListRulesRequest,
    RuleInfo, RuleList,
};

/// The playground page, embedded in the binary.
const PLAYGROUND: &str = include_str!("playground.html");

/// The bounds a server enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body, in bytes; a larger one gets 413.
    pub max_body_bytes: usize,
    /// Longest a request may take, waiting for its turn included; then 503.
    pub timeout: Duration,
    /// Requests handled at once.
    pub max_concurrency: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 2 * 1024 * 1024,
            timeout: Duration::from_secs(10),
            max_concurrency: 64,
        }
    }
}

/// The JSON body of every error.
#[derive(Debug, Clone, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct ErrorBody {
    /// A stable code: `bad_request`, `not_found`, `payload_too_large`, `unsupported_media_type`,
    /// `timeout`, `text_too_large`, `unknown_rule`, `unknown_selector`, `unknown_language`,
    /// `internal`.
    pub error: String,
    /// What went wrong.
    pub message: String,
}

/// An error response.
#[derive(Debug)]
pub struct HttpError {
    status: StatusCode,
    body: ErrorBody,
}

impl HttpError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> HttpError {
        HttpError {
            status,
            body: ErrorBody {
                error: code.to_string(),
                message: message.into(),
            },
        }
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl From<RequestError> for HttpError {
    fn from(error: RequestError) -> HttpError {
        let status = match &error {
            RequestError::Api(ApiError::TextTooLarge { .. }) => StatusCode::PAYLOAD_TOO_LARGE,
            RequestError::Api(ApiError::UnknownRule { .. }) => StatusCode::NOT_FOUND,
            RequestError::Api(_) => StatusCode::BAD_REQUEST,
            RequestError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        HttpError::new(status, error.code(), error.message())
    }
}

fn json_rejection(rejection: JsonRejection) -> HttpError {
    let status = rejection.status();
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        _ => "bad_request",
    };
    // Axum answers 422 for well-formed JSON of the wrong shape; for this API both are the
    // caller's malformed request.
    let status = if status == StatusCode::UNPROCESSABLE_ENTITY {
        StatusCode::BAD_REQUEST
    } else {
        status
    };
    HttpError::new(status, code, rejection.body_text())
}

#[derive(Clone)]
struct AppState {
    api: Arc<Api>,
    timeout: Duration,
}

impl AppState {
    async fn answer<T, F>(&self, work: F) -> Result<Json<T>, HttpError>
    where
        T: Send + 'static,
        F: FnOnce(&Api) -> Result<T, ApiError> + Send + 'static,
    {
        match tokio::time::timeout(self.timeout, run_blocking(&self.api, work)).await {
            Ok(result) => result.map(Json).map_err(HttpError::from),
            Err(_) => Err(HttpError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                format!(
                    "the request took longer than {} ms",
                    self.timeout.as_millis()
                ),
            )),
        }
    }
}

async fn check(
    State(state): State<AppState>,
    body: Result<Json<CheckRequest>, JsonRejection>,
) -> Result<Json<CheckResponse>, HttpError> {
    let Json(request) = body.map_err(json_rejection)?;
    state.answer(move |api| api.check(&request)).await
}

async fn fix(
    State(state): State<AppState>,
    body: Result<Json<FixRequest>, JsonRejection>,
) -> Result<Json<FixResponse>, HttpError> {
    let Json(request) = body.map_err(json_rejection)?;
    state.answer(move |api| api.fix(&request)).await
}

async fn list_rules(
    State(state): State<AppState>,
    query: Result<Query<ListRulesRequest>, QueryRejection>,
) -> Result<Json<RuleList>, HttpError> {
    let Query(request) = query.map_err(|rejection| {
        HttpError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            rejection.body_text(),
        )
    })?;
    state.answer(move |api| api.list_rules(&request)).await
}

async fn explain_rule(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<RuleInfo>, HttpError> {
    state.answer(move |api| api.explain(&id)).await
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

async fn playground() -> impl IntoResponse {
    (
        [
            (header::CACHE_CONTROL, "no-cache"),
            // Everything the page needs is in the page.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                 connect-src 'self'; img-src data:",
            ),
        ],
        Html(PLAYGROUND),
    )
}

async fn openapi_document(
    State(state): State<AppState>,
) -> Result<Json<serde_json::Value>, HttpError> {
    state.answer(openapi_for).await
}

async fn not_found() -> HttpError {
    HttpError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint; see /openapi.json",
    )
}

/// The application: routes, body limit, time limit and concurrency bound.
pub fn router(api: Arc<Api>, limits: Limits) -> Router {
    let state = AppState {
        api,
        timeout: limits.timeout,
    };
    Router::new()
        .route("/", get(playground))
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(openapi_document))
        .route("/v1/check", post(check))
        .route("/v1/fix", post(fix))
        .route("/v1/rules", get(list_rules))
        .route("/v1/rules/{id}", get(explain_rule))
        .fallback(not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(tower::limit::ConcurrencyLimitLayer::new(
            limits.max_concurrency,
        ))
        // A backstop for what the handlers' own limit cannot see, such as a body trickling in.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.timeout + Duration::from_secs(1),
        ))
}

/// Listens on `addr` until SIGINT or SIGTERM, then finishes the requests in flight. Prints the
/// address it listens on to standard error (useful with port 0).
pub async fn serve(api: Arc<Api>, addr: SocketAddr, limits: Limits) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    eprintln!("replylint serve: listening on http://{local}");
    if !local.ip().is_loopback() {
        eprintln!(
            "replylint serve: warning: {local} is reachable from other machines and has no \
             authentication; put it behind a proxy that adds it"
        );
    }
    axum::serve(listener, router(api, limits))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    eprintln!("replylint serve: shutting down after the requests in flight");
}

/// The OpenAPI 3.0 document of the server, its schemas generated from the same types the
/// handlers decode and encode, so it cannot drift from them.
/// The OpenAPI document of a server over `api`: [`openapi`] with the rule selectors of its
/// rules in effect, so that a request the document allows is one the server accepts.
pub fn openapi_for(api: &Api) -> Result<serde_json::Value, ApiError> {
    let pattern = api.selector_pattern()?;
    let mut document = openapi();
    for request in ["CheckRequest", "FixRequest"] {
        let items = &mut document["components"]["schemas"][request]["properties"]["rules"]["items"];
        items["pattern"] = pattern.clone().into();
    }
    Ok(document)
}

/// The OpenAPI 3.0 document of the API, whatever the rules: `rules` entries are any string.
pub fn openapi() -> serde_json::Value {
    use serde_json::json;
    let mut generator = schemars::generate::SchemaSettings::openapi3().into_generator();
    let check_request = generator.subschema_for::<CheckRequest>().to_value();
    let check_response = generator.subschema_for::<CheckResponse>().to_value();
    let fix_request = generator.subschema_for::<FixRequest>().to_value();
    let fix_response = generator.subschema_for::<FixResponse>().to_value();
    let rule_list = generator.subschema_for::<RuleList>().to_value();
    let rule_info = generator.subschema_for::<RuleInfo>().to_value();
    let error = generator.subschema_for::<ErrorBody>().to_value();
    let schemas = generator.take_definitions(true);
    let error_response = |description: &str| {
        json!({"description": description,
               "content": {"application/json": {"schema": error.clone()}}})
    };
    let ok = |description: &str, schema: &serde_json::Value| {
        json!({"description": description,
               "content": {"application/json": {"schema": schema}}})
    };
    let body = |schema: &serde_json::Value| json!({"required": true, "content": {"application/json": {"schema": schema}}});
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "replylint",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Check and fix the phrasing of customer-service replies. The same \
                findings as `replylint check --format json`, with spans also in characters."
        },
        "paths": {
            "/v1/check": {"post": {
                "operationId": "check",
                "summary": "The findings of one draft",
                "requestBody": body(&check_request),
                "responses": {
                    "200": ok("Findings, ordered by position", &check_response),
                    "400": error_response("Malformed JSON, wrong types, a bad selector or language"),
                    "413": error_response("Body or text over the limit"),
                    "415": error_response("Not a JSON body"),
                    "503": error_response("Over the time limit")
                }
            }},
            "/v1/fix": {"post": {
                "operationId": "fix",
                "summary": "The draft with fixes applied",
                "requestBody": body(&fix_request),
                "responses": {
                    "200": ok("The fixed text, the edits and what remains", &fix_response),
                    "400": error_response("Malformed JSON, wrong types, a bad selector or language"),
                    "413": error_response("Body or text over the limit"),
                    "415": error_response("Not a JSON body"),
                    "503": error_response("Over the time limit")
                }
            }},
            "/v1/rules": {"get": {
                "operationId": "listRules",
                "summary": "The rules in effect",
                "parameters": [
                    {"name": "language", "in": "query", "required": false,
                     "schema": {"type": "string", "pattern": crate::api::LANGUAGE_PATTERN}},
                    {"name": "category", "in": "query", "required": false,
                     "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": ok("The rules", &rule_list),
                    "400": error_response("An unknown language")
                }
            }},
            "/v1/rules/{id}": {"get": {
                "operationId": "explainRule",
                "summary": "Everything about one rule",
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": ok("The rule", &rule_info),
                    "404": error_response("No such rule")
                }
            }},
            "/healthz": {"get": {
                "operationId": "health",
                "summary": "Liveness",
                "responses": {"200": {"description": "Up", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["status"],
                               "properties": {"status": {"type": "string", "enum": ["ok"]}}}}}}}
            }}
        },
        "components": {"schemas": schemas}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_references_resolve() {
        let document = openapi();
        let text = document.to_string();
        let schemas = document["components"]["schemas"].as_object().unwrap();
        for name in [
            "CheckRequest",
            "CheckResponse",
            "FixResponse",
            "RuleInfo",
            "ApiFinding",
        ] {
            assert!(schemas.contains_key(name), "{name} missing");
        }
        for reference in text.split("\"$ref\":\"").skip(1) {
            let target = reference.split('"').next().unwrap();
            let name = target.strip_prefix("#/components/schemas/").unwrap();
            assert!(schemas.contains_key(name), "dangling {target}");
        }
    }
}
