//! `replylint mcp` and `replylint serve`: flags become one [`Api`], and a tokio runtime runs
//! the server from [`replylint::server`].

use std::sync::Arc;

use replylint::api::Api;
use replylint::session::{Session, Settings};

use super::output::Messages;
use super::{ServeArgs, ServerArgs, EXIT_CLEAN, EXIT_ERROR};

/// The API a server answers from, configured like `check`.
fn api(args: &ServerArgs, messages: &Messages) -> Result<Arc<Api>, i32> {
    // The servers honour the replylint.toml found from the working directory (or --config /
    // --isolated), with the flags on top, like `check`.
    let mut flags = args.config.overrides(&args.rules);
    flags.min_severity = args.min_severity;
    flags.placeholders = args.placeholders.clone();
    flags.no_default_placeholders = args.no_default_placeholders;
    let session = Session::configured(args.config.discovery(), flags, Settings::default())
        .map_err(|error| messages.profile_error(&error))?;
    match session.default_profile() {
        Ok(profile) if profile.linter.rules().is_empty() => {
            messages.error(
                "rules",
                "no rules loaded: drop --no-builtin or add --rules DIR",
            );
            return Err(EXIT_ERROR);
        }
        Ok(_) => {}
        Err(error) => return Err(messages.profile_error(&error)),
    }
    Ok(Arc::new(Api::new(session)))
}

fn runtime(messages: &Messages) -> Result<tokio::runtime::Runtime, i32> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| {
            messages.error("runtime", &format!("cannot start: {error}"));
            EXIT_ERROR
        })
}

pub fn mcp(args: &ServerArgs) -> i32 {
    // Standard output is the protocol channel; messages go to standard error as plain text.
    let messages = Messages::new(false);
    let (api, runtime) = match api(args, &messages).and_then(|api| Ok((api, runtime(&messages)?))) {
        Ok(pair) => pair,
        Err(code) => return code,
    };
    match runtime.block_on(replylint::server::mcp::serve_stdio(api)) {
        Ok(()) => EXIT_CLEAN,
        Err(error) => {
            messages.error("mcp", &error.to_string());
            EXIT_ERROR
        }
    }
}

pub fn serve(args: &ServeArgs) -> i32 {
    let messages = Messages::new(false);
    let (api, runtime) =
        match api(&args.server, &messages).and_then(|api| Ok((api, runtime(&messages)?))) {
            Ok(pair) => pair,
            Err(code) => return code,
        };
    let limits = replylint::server::http::Limits {
        max_body_bytes: args.max_body,
        timeout: std::time::Duration::from_millis(args.timeout_ms),
        max_concurrency: args.max_concurrency.max(1),
    };
    match runtime.block_on(replylint::server::http::serve(api, args.addr, limits)) {
        Ok(()) => EXIT_CLEAN,
        Err(error) => {
            messages.error(&args.addr.to_string(), &error.to_string());
            EXIT_ERROR
        }
    }
}
