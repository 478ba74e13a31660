//! The user's config directory: the profiles file (`config.toml`) and the record of shown
//! pre-release notices; and how flags, environment and the profile combine into a client
//! configuration (flags > environment > active profile > defaults).
//!
//! Only `config.toml` is read on a normal command (one `read`, no directory scan).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use ax_core::{Config, ConfigInput};
use serde::{Deserialize, Serialize};

use crate::cli::GlobalArgs;
use crate::error::CliError;

/// Default API host (as in ax-core).
const DEFAULT_HOST: &str = "api.arize.com";

/// File name of the profiles file inside the config directory.
pub const CONFIG_FILE: &str = "config.toml";
const NOTICES_FILE: &str = "notices";

/// Environment variables that select the endpoint (API.md §6.5).
const ENDPOINT_ENV: [&str; 4] = [
    "ARIZE_REGION",
    "ARIZE_API_HOST",
    "ARIZE_API_SCHEME",
    "ARIZE_API_PORT",
];

/// `$AX_CONFIG_DIR`, else `$XDG_CONFIG_HOME/arize-ax`, else `~/.config/arize-ax`
/// (`%APPDATA%\arize-ax` on Windows).
pub fn config_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("AX_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(xdg) = var("XDG_CONFIG_HOME") {
        return Some(PathBuf::from(xdg).join("arize-ax"));
    }
    if cfg!(windows) {
        if let Some(app) = var("APPDATA") {
            return Some(PathBuf::from(app).join("arize-ax"));
        }
    }
    var("HOME").map(|h| PathBuf::from(h).join(".config").join("arize-ax"))
}

/// One profile. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The API key itself (the file is then kept at mode 0600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    /// Name of an environment variable holding the API key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Default output format: table, json, csv or parquet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

impl Profile {
    /// Human-readable endpoint of this profile (`default` when none is set).
    pub fn endpoint(&self) -> String {
        if let Some(u) = &self.base_url {
            return u.clone();
        }
        if let Some(r) = &self.region {
            return format!("region {r}");
        }
        if self.host.is_none() && self.scheme.is_none() && self.port.is_none() {
            return "default (https://api.arize.com)".into();
        }
        let scheme = self.scheme.as_deref().unwrap_or("https");
        let host = self.host.as_deref().unwrap_or(DEFAULT_HOST);
        match self.port.filter(|p| *p != 0) {
            Some(p) => format!("{scheme}://{host}:{p}"),
            None => format!("{scheme}://{host}"),
        }
    }

    /// Where the key comes from, masked (`****abcd`, `env MY_VAR`, or `none`).
    pub fn key_source(&self) -> String {
        match (&self.api_key, &self.api_key_env) {
            (Some(k), _) => mask(k),
            (None, Some(var)) => format!("env {var}"),
            (None, None) => "none".into(),
        }
    }
}

/// Masks a secret: `****` plus the last four characters when the key is long enough.
pub fn mask(key: &str) -> String {
    let n = key.chars().count();
    if n >= 16 {
        let tail: String = key.chars().skip(n - 4).collect();
        format!("****{tail}")
    } else {
        "****".into()
    }
}

/// The whole profiles file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ConfigFile {
    /// Name of the active profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

impl ConfigFile {
    /// Loads `config.toml` from `dir`; a missing file is an empty config. Warns on stderr
    /// when a file holding a key is readable by group or others.
    pub fn load(dir: &Path) -> Result<ConfigFile, CliError> {
        let path = dir.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
            Err(e) => {
                return Err(CliError::Usage(format!(
                    "cannot read {}: {e}",
                    path.display()
                )))
            }
        };
        let file: ConfigFile = toml::from_str(&text).map_err(|e| {
            CliError::Usage(format!(
                "invalid profiles file {}: {}",
                path.display(),
                e.to_string().trim()
            ))
        })?;
        if file.profiles.values().any(|p| p.api_key.is_some()) {
            warn_if_readable(&path);
        }
        Ok(file)
    }

    /// Writes the file atomically with mode 0600 (directory 0700).
    pub fn save(&self, dir: &Path) -> Result<(), CliError> {
        let text = toml::to_string(self)
            .map_err(|e| CliError::Failed(format!("cannot serialize the profiles: {e}")))?;
        let header = "# arize-ax CLI profiles (`ax profiles --help`). Keep this file private.\n";
        create_private_dir(dir)?;
        let path = dir.join(CONFIG_FILE);
        crate::output::write_atomic(&path, true, |w| {
            w.write_all(header.as_bytes())?;
            w.write_all(text.as_bytes())
        })
        .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))
    }
}

fn create_private_dir(dir: &Path) -> Result<(), CliError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| CliError::Failed(format!("cannot create {}: {e}", dir.display())))
}

#[cfg(unix)]
fn warn_if_readable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path) {
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            eprintln!(
                "warning: {} holds an API key but is readable by others (mode {:o}); run: chmod 600 {}",
                path.display(),
                mode & 0o777,
                path.display()
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable(_path: &Path) {}

/// Everything a command needs from flags, environment and profile.
pub struct Settings {
    pub global: GlobalArgs,
    pub profile: Profile,
}

impl Settings {
    /// Reads the profiles file (if any) and picks the profile: `--profile`/`AX_PROFILE`
    /// (must exist), else the active one.
    pub fn load(global: GlobalArgs) -> Result<Settings, CliError> {
        let file = match config_dir() {
            Some(d) => ConfigFile::load(&d)?,
            None => ConfigFile::default(),
        };
        let profile = match &global.profile {
            Some(name) => match file.profiles.get(name) {
                Some(p) => p.clone(),
                None => {
                    return Err(CliError::Usage(format!(
                        "profile '{name}' does not exist (see `ax profiles list`)"
                    )))
                }
            },
            None => file
                .active
                .as_ref()
                .and_then(|a| file.profiles.get(a))
                .cloned()
                .unwrap_or_default(),
        };
        Ok(Settings { global, profile })
    }

    /// The profile's default output format, if any.
    pub fn default_output(&self) -> Option<&str> {
        self.profile.output.as_deref()
    }

    /// Resolves the client configuration: flags > environment > profile > defaults.
    pub fn client_config(&self) -> Result<Config, CliError> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let p = &self.profile;
        let env_endpoint = ENDPOINT_ENV.iter().any(|n| env(n).is_some());
        let mut input = ConfigInput {
            api_key: self.global.api_key.clone(),
            base_url: self.global.base_url.clone(),
            ..Default::default()
        };
        // The profile's endpoint applies only when neither flags nor environment give one.
        let profile_endpoint = input.base_url.is_none() && !env_endpoint;
        if profile_endpoint && p.base_url.is_some() {
            input.base_url = p.base_url.clone();
        }
        let use_profile_parts = profile_endpoint && p.base_url.is_none();
        let profile_key = match (&p.api_key, &p.api_key_env) {
            (Some(k), _) => Some(k.clone()),
            (None, Some(var)) => env(var),
            (None, None) => None,
        };
        let lookup = |name: &str| -> Option<String> {
            if let Some(v) = env(name) {
                return Some(v);
            }
            match name {
                "ARIZE_API_KEY" => profile_key.clone(),
                "ARIZE_REGION" if use_profile_parts => p.region.clone(),
                "ARIZE_API_HOST" if use_profile_parts => p.host.clone(),
                "ARIZE_API_SCHEME" if use_profile_parts => p.scheme.clone(),
                "ARIZE_API_PORT" if use_profile_parts => p.port.map(|v| v.to_string()),
                _ => None,
            }
        };
        Config::resolve(input, &lookup).map_err(|e| match e {
            ax_core::Error::MissingApiKey => CliError::Usage(
                "no API key: pass --api-key, set ARIZE_API_KEY, or create a profile with `ax profiles create`"
                    .into(),
            ),
            other => CliError::Core(other),
        })
    }
}

/// Prints `message` on stderr the first time `key` is seen for this user (remembered in the
/// config directory; printed every time when it cannot be written).
pub fn notice_once(key: &str, message: &str) {
    let Some(dir) = config_dir() else {
        eprintln!("{message}");
        return;
    };
    let path = dir.join(NOTICES_FILE);
    let seen = std::fs::read_to_string(&path).unwrap_or_default();
    if seen.lines().any(|l| l.trim() == key) {
        return;
    }
    eprintln!("{message}");
    if create_private_dir(&dir).is_ok() {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
        {
            let _ = writeln!(f, "{key}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keys() {
        assert_eq!(mask("short"), "****");
        assert_eq!(mask("emulator-admin-key"), "****-key");
    }

    #[test]
    fn round_trips_toml() {
        let mut f = ConfigFile {
            active: Some("dev".into()),
            ..Default::default()
        };
        f.profiles.insert(
            "dev".into(),
            Profile {
                api_key_env: Some("MY_KEY".into()),
                base_url: Some("http://127.0.0.1:8731".into()),
                output: Some("json".into()),
                ..Default::default()
            },
        );
        let text = toml::to_string(&f).unwrap();
        assert!(text.contains("[profiles.dev]"), "{text}");
        let back: ConfigFile = toml::from_str(&text).unwrap();
        assert_eq!(back.profiles["dev"], f.profiles["dev"]);
        assert_eq!(back.active.as_deref(), Some("dev"));
    }
}
