//! `ax profiles`: named connection settings in `<config dir>/config.toml`.

use ax_core::{Config, ConfigInput, Region};
use serde::Serialize;
use serde_json::json;

use crate::cli::{GlobalArgs, ProfilesCommand};
use crate::config::{config_dir, mask, ConfigFile, Profile, CONFIG_FILE};
use crate::error::CliError;
use crate::output::{self, format_name, Target, View};
use crate::prompt;
use crate::table::{col, Kind};

const PROFILES_VIEW: View = View {
    collection: "profiles",
    columns: &[
        col("name", Kind::Id),
        col("active", Kind::Id),
        col("endpoint", Kind::Text),
        col("api_key", Kind::Text),
        col("output", Kind::Text),
    ],
    decode: None,
};

const PROFILE_VIEW: View = View {
    collection: "profiles",
    columns: &[],
    decode: None,
};

/// `profiles show`: every setting, the key masked.
#[derive(Serialize)]
struct Shown<'a> {
    name: &'a str,
    active: bool,
    api_key: Option<String>,
    api_key_env: Option<&'a str>,
    region: Option<&'a str>,
    base_url: Option<&'a str>,
    host: Option<&'a str>,
    scheme: Option<&'a str>,
    port: Option<u16>,
    output: Option<&'a str>,
    endpoint: String,
    file: String,
}

fn check_name(name: &str) -> Result<(), CliError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "invalid profile name '{name}': use 1-64 letters, digits, '-', '_' or '.'"
        )))
    }
}

fn existing<'a>(file: &'a ConfigFile, name: &str) -> Result<&'a Profile, CliError> {
    file.profiles.get(name).ok_or_else(|| {
        CliError::Usage(format!(
            "profile '{name}' does not exist (see `ax profiles list`)"
        ))
    })
}

/// Checks the endpoint settings the way a command would resolve them.
fn check_endpoint(p: &Profile) -> Result<(), CliError> {
    if let Some(r) = &p.region {
        Region::parse(r).map_err(|e| CliError::Usage(e.to_string()))?;
    }
    let input = ConfigInput {
        api_key: Some("placeholder".into()),
        base_url: p.base_url.clone(),
        region: p.region.clone(),
        host: p.host.clone(),
        scheme: p.scheme.clone(),
        port: p.port,
        ..Default::default()
    };
    Config::resolve(input, &|_| None)
        .map(|_| ())
        .map_err(|e| CliError::Usage(e.to_string()))
}

pub async fn run(global: GlobalArgs, command: ProfilesCommand) -> Result<(), CliError> {
    let dir = config_dir().ok_or_else(|| {
        CliError::Usage("cannot locate the config directory: set AX_CONFIG_DIR or HOME".into())
    })?;
    let mut file = ConfigFile::load(&dir)?;
    let path = dir.join(CONFIG_FILE);
    match command {
        ProfilesCommand::Create {
            name,
            api_key_env,
            region,
            host,
            scheme,
            port,
            output_format,
            activate,
            force,
        } => {
            check_name(&name)?;
            if file.profiles.contains_key(&name) && !force {
                return Err(CliError::Usage(format!(
                    "profile '{name}' already exists; pass --force to replace it"
                )));
            }
            if let Some(f) = &output_format {
                if format_name(f).is_none() {
                    return Err(CliError::Usage(format!(
                        "invalid value for --output-format: '{f}' is not one of table, json, csv, parquet"
                    )));
                }
            }
            let mut api_key = global.api_key.clone();
            if api_key.is_none() && api_key_env.is_none() && prompt::interactive() {
                let k = prompt::secret("API key (leave empty to use ARIZE_API_KEY at run time)")
                    .await?;
                api_key = Some(k.trim().to_owned()).filter(|k| !k.is_empty());
            }
            let profile = Profile {
                api_key,
                api_key_env,
                region,
                base_url: global.base_url.clone(),
                host,
                scheme: scheme.map(|s| s.to_ascii_lowercase()),
                port,
                output: output_format.map(|f| f.to_ascii_lowercase()),
            };
            check_endpoint(&profile)?;
            file.profiles.insert(name.clone(), profile);
            let active = activate
                || file
                    .active
                    .as_ref()
                    .is_none_or(|a| !file.profiles.contains_key(a));
            if active {
                file.active = Some(name.clone());
            }
            file.save(&dir)?;
            eprintln!(
                "Profile '{name}' saved to {}{}.",
                path.display(),
                if active { " (active)" } else { "" }
            );
            Ok(())
        }
        ProfilesCommand::List { output } => {
            let target = Target::parse(output.output.as_deref(), None)?;
            target.check()?;
            let items = file
                .profiles
                .iter()
                .map(|(name, p)| {
                    let active = file.active.as_deref() == Some(name.as_str());
                    json!({
                        "name": name,
                        "active": if active { "*" } else { "" },
                        "endpoint": p.endpoint(),
                        "api_key": p.key_source(),
                        "output": p.output.as_deref().unwrap_or("table"),
                    })
                })
                .collect();
            output::values(&target, &PROFILES_VIEW, items)
        }
        ProfilesCommand::Show { name, output } => {
            let target = Target::parse(output.output.as_deref(), None)?;
            target.check()?;
            let name = match name
                .or_else(|| global.profile.clone())
                .or(file.active.clone())
            {
                Some(n) => n,
                None => {
                    return Err(CliError::Usage(
                        "no active profile; name one or create one with `ax profiles create`"
                            .into(),
                    ))
                }
            };
            let p = existing(&file, &name)?;
            let shown = Shown {
                name: &name,
                active: file.active.as_deref() == Some(name.as_str()),
                api_key: p.api_key.as_deref().map(mask),
                api_key_env: p.api_key_env.as_deref(),
                region: p.region.as_deref(),
                base_url: p.base_url.as_deref(),
                host: p.host.as_deref(),
                scheme: p.scheme.as_deref(),
                port: p.port,
                output: p.output.as_deref(),
                endpoint: p.endpoint(),
                file: path.display().to_string(),
            };
            output::object(&target, &PROFILE_VIEW, &shown)
        }
        ProfilesCommand::Use { name } => {
            existing(&file, &name)?;
            file.active = Some(name.clone());
            file.save(&dir)?;
            eprintln!("Profile '{name}' is now active.");
            Ok(())
        }
        ProfilesCommand::Delete { name, force } => {
            existing(&file, &name)?;
            if !force {
                prompt::confirm(
                    "delete a profile",
                    &format!("this deletes profile '{name}' from {}", path.display()),
                    "profile not deleted",
                )
                .await?;
            }
            file.profiles.remove(&name);
            if file.active.as_deref() == Some(name.as_str()) {
                file.active = None;
            }
            file.save(&dir)?;
            eprintln!("Profile '{name}' deleted.");
            Ok(())
        }
    }
}
