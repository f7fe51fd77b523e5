//! `replylint config`: the effective settings for a path, and where each came from.

use std::io::Write;
use std::path::Path;

use replylint::inputs::Input;
use replylint::session::{Session, Settings};

use super::output::Messages;
use super::{ConfigArgs, ConfigFormat, InputArgs, RuleSources, EXIT_CLEAN, EXIT_ERROR};

pub fn show(
    path: Option<&Path>,
    format: ConfigFormat,
    config: &ConfigArgs,
    structured: &InputArgs,
    rules: &RuleSources,
) -> i32 {
    let messages = Messages::new(format == ConfigFormat::Json);
    let mut flags = config.overrides(rules);
    structured.apply(&mut flags);
    let session = match Session::configured(config.discovery(), flags, Settings::default()) {
        Ok(session) => session,
        Err(error) => return messages.profile_error(&error),
    };
    // Settings are found from a file's directory; for a directory, from a file inside it.
    let input = match path {
        None => Input::Stdin,
        Some(path) if path.is_dir() => Input::File(path.join("_")),
        Some(path) => Input::File(path.to_path_buf()),
    };
    let profile = match session.profile_for(&input) {
        Ok(profile) => profile,
        Err(error) => return messages.profile_error(&error),
    };
    let config_file = profile
        .config
        .as_ref()
        .map(|file| file.path.display().to_string());
    let mut out = std::io::stdout().lock();
    let written = match format {
        ConfigFormat::Json => {
            let object = serde_json::json!({
                "config": config_file,
                "rules": profile.linter.rules().len(),
                "settings": profile.effective,
            });
            writeln!(out, "{object}")
        }
        ConfigFormat::Human => {
            let mut text = format!(
                "config file: {}\nrules in effect: {}\n",
                config_file.as_deref().unwrap_or("none"),
                profile.linter.rules().len()
            );
            for setting in &profile.effective {
                text.push_str(&format!(
                    "{} = {}    # {}\n",
                    setting.name, setting.value, setting.origin
                ));
            }
            out.write_all(text.as_bytes())
        }
    };
    if written.is_err() {
        EXIT_ERROR
    } else {
        EXIT_CLEAN
    }
}
