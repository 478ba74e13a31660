//! Profiles and the client configuration of a command (flags > environment > profile >
//! defaults), plus the record of shown pre-release notices.
//!
//! Two profile files are read:
//!
//! - the official CLI's, `~/.arize/profiles/<name>.toml` with the active one in
//!   `~/.arize/.active_profile` (read and written by ax-core, `ax_core::config::profiles`);
//!   `ax profiles create|update` write there;
//! - arize-ax's older `config.toml` (in `$AX_CONFIG_DIR`, else `$XDG_CONFIG_HOME/arize-ax`,
//!   else `~/.config/arize-ax`), still read; `ax profiles use|delete` still act on it.
//!
//! A name defined in both is an error whenever it is used (no silent shadowing). When both
//! name an active profile and the names differ, the official one wins and a one-line
//! warning says so.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use ax_core::config::profiles::{self, Profile as OfficialProfile, ProfileStore};
use ax_core::{Config, ConfigInput, ProfileKey, ProfileLayer, Secret};
use serde::{Deserialize, Serialize};

use crate::cli::GlobalArgs;
use crate::error::CliError;

/// Default API host (as in ax-core).
const DEFAULT_HOST: &str = ax_core::config::DEFAULT_HOST;

/// File name of the older profiles file inside the config directory.
pub const CONFIG_FILE: &str = "config.toml";
const NOTICES_FILE: &str = "notices";

/// The process environment, as ax-core's lookups take it.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

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

/// One profile of the older `config.toml`. Every field is optional.
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

    /// What this profile contributes to the configuration.
    pub fn layer(&self, name: &str, path: &Path) -> ProfileLayer {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let api_key = match (&self.api_key, &self.api_key_env) {
            (Some(k), _) => ProfileKey::Key(Secret::new(k.clone())),
            (None, Some(var)) => {
                env(var).map_or(ProfileKey::None, |k| ProfileKey::Key(Secret::new(k)))
            }
            (None, None) => ProfileKey::None,
        };
        ProfileLayer {
            source: format!("profile '{name}' ({})", path.display()),
            routing_section: false,
            api_key,
            base_url: self.base_url.clone(),
            region: self.region.clone(),
            host: self.host.clone(),
            scheme: self.scheme.clone(),
            port: self.port,
            ..Default::default()
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

/// The whole older profiles file.
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
                return Err(CliError::Config(format!(
                    "cannot read {}: {e}",
                    path.display()
                )))
            }
        };
        let file: ConfigFile = toml::from_str(&text).map_err(|e| {
            CliError::Config(format!(
                "invalid profiles file {}: {}",
                path.display(),
                e.message().trim()
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
        let header = "# arize-ax CLI profiles (older format; `ax profiles --help`). Keep this file private.\n";
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
    ax_core::files::create_private_dir(dir)
        .map_err(|e| CliError::Failed(format!("cannot create {}: {e}", dir.display())))
}

fn warn_if_readable(path: &Path) {
    if let Some(mode) = profiles::readable_by_others(path) {
        eprintln!(
            "warning: {} holds credentials but is readable by others (mode {mode:o}); run: chmod 600 {}",
            path.display(),
            path.display()
        );
    }
}

/// A profile error: a configuration error (exit 1, the official CLI's ConfigError).
fn config_err(e: ax_core::Error) -> CliError {
    match e {
        ax_core::Error::Config(m) => CliError::Config(m),
        other => CliError::Core(other),
    }
}

/// Where the active profile is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActiveFrom {
    Official,
    Legacy,
}

/// A profile picked for a command (one per process: its size does not matter).
#[allow(clippy::large_enum_variant)]
pub enum Chosen {
    Official(OfficialProfile),
    Legacy {
        name: String,
        profile: Profile,
        path: PathBuf,
    },
}

impl Chosen {
    pub fn layer(&self) -> ProfileLayer {
        match self {
            Chosen::Official(p) => p.layer(),
            Chosen::Legacy {
                name,
                profile,
                path,
            } => profile.layer(name, path),
        }
    }

    fn output(&self) -> Option<&str> {
        match self {
            Chosen::Official(p) => Some(p.output_format()),
            Chosen::Legacy { profile, .. } => profile.output.as_deref(),
        }
    }
}

/// Both profile files.
pub struct Profiles {
    /// `~/.arize` (none without a home directory).
    pub official: Option<ProfileStore>,
    /// The older file's directory and content.
    pub legacy_dir: Option<PathBuf>,
    pub legacy: ConfigFile,
}

impl Profiles {
    /// Finds both files (reading only the older `config.toml`; profile files are read when
    /// used).
    pub fn open() -> Result<Profiles, CliError> {
        let legacy_dir = config_dir();
        let legacy = match &legacy_dir {
            Some(d) => ConfigFile::load(d)?,
            None => ConfigFile::default(),
        };
        Ok(Profiles {
            official: ProfileStore::from_env(&process_env),
            legacy_dir,
            legacy,
        })
    }

    /// The older file's path.
    pub fn legacy_path(&self) -> Option<PathBuf> {
        self.legacy_dir.as_ref().map(|d| d.join(CONFIG_FILE))
    }

    /// The older file's path for messages.
    pub fn legacy_shown(&self) -> String {
        self.legacy_path()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| CONFIG_FILE.into())
    }

    /// The official profile names.
    pub fn official_names(&self) -> Result<Vec<String>, CliError> {
        match &self.official {
            Some(s) => s.names().map_err(config_err),
            None => Ok(Vec::new()),
        }
    }

    /// True when `name` has an official profile file.
    pub fn in_official(&self, name: &str) -> bool {
        self.official.as_ref().is_some_and(|s| s.contains(name))
    }

    /// True when `name` is in the older file.
    pub fn in_legacy(&self, name: &str) -> bool {
        self.legacy.profiles.contains_key(name)
    }

    /// Every name, sorted, each once.
    pub fn all_names(&self) -> Result<Vec<String>, CliError> {
        let mut names = self.official_names()?;
        names.extend(self.legacy.profiles.keys().cloned());
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// The error for a name defined in both files.
    pub fn conflict(&self, name: &str) -> CliError {
        let official = self
            .official
            .as_ref()
            .map(|s| s.path(name).display().to_string())
            .unwrap_or_default();
        CliError::Config(format!(
            "profile '{name}' is defined twice: in {official} (official format) and in {} (older arize-ax file); remove or rename one (e.g. `ax profiles delete {name}` removes both, `ax profiles create {name} --force ...` replaces both with one in the official format)",
            self.legacy_shown()
        ))
    }

    /// The active profile's name and where it is named. When both files name one and the
    /// names differ, the official one wins and a warning is printed.
    pub fn active(&self) -> Result<Option<(String, ActiveFrom)>, CliError> {
        let official = match &self.official {
            Some(s) => s.active().map_err(config_err)?,
            None => None,
        };
        let legacy = self.legacy.active.clone().filter(|a| !a.trim().is_empty());
        Ok(match (official, legacy) {
            (Some(o), Some(l)) => {
                static WARNED: std::sync::atomic::AtomicBool =
                    std::sync::atomic::AtomicBool::new(false);
                if o != l && !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
                    let file = self
                        .official
                        .as_ref()
                        .map(|s| s.active_file().display().to_string())
                        .unwrap_or_default();
                    eprintln!(
                        "warning: two active profiles: '{o}' ({file}) and '{l}' ({}); using '{o}', the official one",
                        self.legacy_shown()
                    );
                }
                Some((o, ActiveFrom::Official))
            }
            (Some(o), None) => Some((o, ActiveFrom::Official)),
            (None, Some(l)) => Some((l, ActiveFrom::Legacy)),
            (None, None) => None,
        })
    }

    /// The error for a profile that does not exist, listing the ones that do.
    pub fn missing(&self, what: &str) -> Result<CliError, CliError> {
        let names = self.all_names()?;
        let listed = if names.is_empty() {
            "there are no profiles; create one with `ax profiles create NAME --api-key KEY`".into()
        } else {
            format!("available profiles: {}", names.join(", "))
        };
        Ok(CliError::Config(format!("{what} does not exist; {listed}")))
    }

    /// Loads profile `name` from whichever file defines it; `what` names it in errors.
    pub fn load(&self, name: &str, what: &str) -> Result<Chosen, CliError> {
        match (self.in_official(name), self.in_legacy(name)) {
            (true, true) => Err(self.conflict(name)),
            (true, false) => {
                let store = self.official.as_ref().expect("official store");
                let p = store.load(name, &process_env).map_err(config_err)?;
                warn_if_readable(&p.path);
                Ok(Chosen::Official(p))
            }
            (false, true) => Ok(Chosen::Legacy {
                name: name.to_owned(),
                profile: self.legacy.profiles[name].clone(),
                path: self.legacy_path().unwrap_or_else(|| CONFIG_FILE.into()),
            }),
            (false, false) => Err(self.missing(what)?),
        }
    }

    /// The profile of a command: `--profile`, else `AX_PROFILE`, else the active one.
    pub fn choose(&self, explicit: Option<&str>) -> Result<Option<Chosen>, CliError> {
        let named = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        if let Some(n) = named(explicit.map(str::to_owned)) {
            return self
                .load(&n, &format!("profile '{n}' (from --profile)"))
                .map(Some);
        }
        if let Some(n) = named(process_env("AX_PROFILE")) {
            return self
                .load(&n, &format!("profile '{n}' (from AX_PROFILE)"))
                .map(Some);
        }
        match self.active()? {
            Some((n, from)) => {
                let file = match from {
                    ActiveFrom::Official => self
                        .official
                        .as_ref()
                        .map(|s| s.active_file().display().to_string())
                        .unwrap_or_default(),
                    ActiveFrom::Legacy => self.legacy_shown(),
                };
                let what = format!(
                    "the active profile '{n}' (named in {file}; change it with `ax profiles use NAME`)"
                );
                self.load(&n, &what).map(Some)
            }
            None => Ok(None),
        }
    }
}

/// Everything a command needs from flags, environment and profile.
pub struct Settings {
    pub global: GlobalArgs,
    pub profile: Option<Chosen>,
}

impl Settings {
    /// Reads the profile files and picks the profile: `--profile`, else `AX_PROFILE` (each
    /// must exist), else the active one (if any).
    pub fn load(global: GlobalArgs) -> Result<Settings, CliError> {
        let profiles = Profiles::open()?;
        let profile = profiles.choose(global.profile.as_deref())?;
        Ok(Settings { global, profile })
    }

    /// The profile's default output format, if any.
    pub fn default_output(&self) -> Option<&str> {
        self.profile.as_ref().and_then(Chosen::output)
    }

    /// Resolves the client configuration: flags > environment > profile > defaults. The
    /// profile's endpoint applies only when neither flags nor environment give any
    /// endpoint setting (so endpoints never mix).
    pub fn client_config(&self) -> Result<Config, CliError> {
        let input = ConfigInput {
            api_key: self.global.api_key.clone(),
            base_url: self.global.base_url.clone(),
            profile: self.profile.as_ref().map(Chosen::layer),
            max_requests_per_second: self.global.max_requests_per_second,
            ..Default::default()
        };
        Config::resolve(input, &process_env).map_err(CliError::Core)
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

    #[test]
    fn legacy_profiles_become_layers_without_showing_the_key() {
        let p = Profile {
            api_key: Some("legacy-secret-key-1234".into()),
            base_url: Some("http://127.0.0.1:9".into()),
            ..Default::default()
        };
        let layer = p.layer("dev", Path::new("/x/config.toml"));
        assert_eq!(layer.base_url.as_deref(), Some("http://127.0.0.1:9"));
        assert!(!layer.routing_section);
        assert!(!format!("{layer:?}").contains("legacy-secret-key-1234"));
        let c = Config::resolve(
            ConfigInput {
                profile: Some(layer),
                ..Default::default()
            },
            &|_| None,
        )
        .unwrap();
        assert_eq!(c.base_url.as_str(), "http://127.0.0.1:9/");
        assert_eq!(c.api_key.expose(), "legacy-secret-key-1234");
    }
}
