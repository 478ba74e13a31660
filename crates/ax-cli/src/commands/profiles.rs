//! `ax profiles`, as the official CLI has it: `create`, `update`, `validate`, `show`,
//! `list`, `use`, `delete`.
//!
//! New and updated profiles are written in the official format (`~/.arize/profiles`, through
//! ax-core), so the official CLI reads them; the older `config.toml` stays readable, and
//! `use`/`delete` still act on it (see `crate::config` for how the two coexist). Profile
//! errors are configuration errors (exit 1, the official ConfigError), bad flags usage
//! errors (exit 2).

mod view;

use std::path::Path;

use ax_core::config::profiles::{valid_new_name, AuthMethod, ProfileDoc, ProfileStore, Scalar};
use ax_core::{Config, ConfigInput, ProfileKey};

use crate::cli::{GlobalArgs, ProfileFields, ProfilesCommand};
use crate::config::{process_env, Chosen, Profiles};
use crate::error::CliError;
use crate::prompt;

fn config_err(e: ax_core::Error) -> CliError {
    match e {
        ax_core::Error::Config(m) => CliError::Config(m),
        other => CliError::Core(other),
    }
}

fn official(p: &Profiles) -> Result<&ProfileStore, CliError> {
    p.official.as_ref().ok_or_else(|| {
        CliError::Config(format!(
            "cannot locate the home directory for ~/.arize/profiles: set {}",
            if cfg!(windows) { "USERPROFILE" } else { "HOME" }
        ))
    })
}

/// True when a create/update flag (or the global --api-key/--base-url) gives a value.
fn fields_given(global: &GlobalArgs, f: &ProfileFields) -> bool {
    global.api_key.is_some()
        || global.base_url.is_some()
        || f.api_key_env.is_some()
        || f.region.is_some()
        || f.single_host.is_some()
        || f.single_port.is_some()
        || f.output_format.is_some()
}

/// `http://127.0.0.1:8731` → (`http`, `127.0.0.1`, `Some(8731)`): the global --base-url as
/// the official routing keys (api_scheme, single_host, single_port).
fn split_base_url(raw: &str) -> Result<(String, String, Option<u16>), CliError> {
    let bad = |why: &str| {
        CliError::Usage(format!(
            "invalid value for --base-url: '{raw}' {why}; a profile stores scheme://host[:port] (as api_scheme, single_host, single_port)"
        ))
    };
    let (scheme, rest) = raw
        .trim()
        .split_once("://")
        .ok_or_else(|| bad("has no scheme"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(bad("is not http:// or https://"));
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    if !matches!(path.trim_end_matches('/'), "" | "/v2") {
        return Err(bad("has a path"));
    }
    if authority.contains('@') {
        return Err(bad("holds credentials"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, tail) = v6
            .split_once(']')
            .ok_or_else(|| bad("is not a valid URL"))?;
        (h.to_owned(), tail.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (authority.to_owned(), None),
        }
    };
    if host.is_empty() {
        return Err(bad("has no host"));
    }
    let port = match port {
        Some(p) => Some(p.parse::<u16>().map_err(|_| bad("has an invalid port"))?),
        None => None,
    };
    Ok((scheme, host, port))
}

/// Applies the flags to `doc` (the official merge: only the given fields change).
fn apply_fields(
    doc: &mut ProfileDoc,
    global: &GlobalArgs,
    f: &ProfileFields,
) -> Result<(), CliError> {
    if let Some(k) = &global.api_key {
        doc.api_key = Some(ax_core::Secret::new(k.trim()));
    }
    if let Some(var) = &f.api_key_env {
        let ok = var
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(CliError::Usage(format!(
                "invalid value for --api-key-env: '{var}' is not an environment variable name"
            )));
        }
        doc.api_key = Some(ax_core::Secret::new(format!("${{{var}}}")));
    }
    if let Some(url) = &global.base_url {
        let (scheme, host, port) = split_base_url(url)?;
        doc.routing.api_scheme = scheme;
        doc.routing.single_host = host;
        doc.routing.single_port = Scalar::Text(port.map(|p| p.to_string()).unwrap_or_default());
    }
    if let Some(r) = &f.region {
        doc.routing.region = r.trim().to_owned();
    }
    if let Some(h) = &f.single_host {
        doc.routing.single_host = h.trim().to_owned();
    }
    if let Some(p) = &f.single_port {
        doc.routing.single_port = Scalar::Text(p.trim().to_owned());
    }
    if let Some(o) = &f.output_format {
        doc.output_format = o.trim().to_owned();
    }
    Ok(())
}

/// A TOML file in the official format (`--from-file`), named `name`.
fn read_from_file(path: &Path, name: &str) -> Result<ProfileDoc, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::Config(format!(
            "cannot read the TOML config file {}: {e}",
            path.display()
        ))
    })?;
    ProfileDoc::from_toml(&text, &path.display().to_string(), Some(name)).map_err(config_err)
}

fn refuse_oauth(doc: &ProfileDoc) -> Result<(), CliError> {
    if doc.auth_method == AuthMethod::OAuth {
        return Err(oauth_unsupported());
    }
    Ok(())
}

fn oauth_unsupported() -> CliError {
    CliError::Config(
        "arize-ax supports API-key profiles only (OAuth sign-in is not available): pass --api-key KEY (or --api-key-env VAR); an OAuth profile made with the official CLI can still lend its routing when the key comes from --api-key or ARIZE_API_KEY".into(),
    )
}

/// Drops the older file's `active` (the official `.active_profile` now names one).
fn retire_legacy_active(p: &mut Profiles) -> Result<(), CliError> {
    if p.legacy.active.is_some() {
        if let Some(dir) = p.legacy_dir.clone() {
            p.legacy.active = None;
            p.legacy.save(&dir)?;
        }
    }
    Ok(())
}

async fn create(
    p: &mut Profiles,
    global: &GlobalArgs,
    name: Option<String>,
    fields: &ProfileFields,
    auth_method: Option<&str>,
    force: bool,
) -> Result<(), CliError> {
    let store = official(p)?.clone();
    if auth_method == Some("oauth") {
        return Err(oauth_unsupported());
    }
    let name = match name {
        Some(n) => n.trim().to_owned(),
        None => prompt::required(None, "NAME", "Profile name").await?,
    };
    if !valid_new_name(&name) {
        return Err(CliError::Config(format!(
            "invalid profile name '{name}': profile names may only contain letters, numbers, hyphens and underscores"
        )));
    }
    let (in_official, in_legacy) = (store.contains(&name), p.in_legacy(&name));
    if (in_official || in_legacy) && !force {
        let file = if in_official {
            store.path(&name).display().to_string()
        } else {
            p.legacy_shown()
        };
        return Err(CliError::Config(format!(
            "profile '{name}' already exists (in {file}); use a different name, change it with `ax profiles update {name}`, remove it with `ax profiles delete {name}`, or pass --force to replace it"
        )));
    }
    let mut doc = match &fields.from_file {
        Some(path) => read_from_file(path, &name)?,
        None => {
            let key = match (&global.api_key, &fields.api_key_env) {
                (Some(k), _) => k.trim().to_owned(),
                (None, Some(_)) => String::new(),
                (None, None) if prompt::interactive() => {
                    prompt::secret("Arize API key").await?.trim().to_owned()
                }
                (None, None) => {
                    return Err(CliError::Usage(
                        "missing the API key: pass --api-key KEY or --api-key-env VAR (stdin is not a terminal, so it cannot be prompted for)".into(),
                    ))
                }
            };
            ProfileDoc::api_key_profile(name.clone(), key)
        }
    };
    apply_fields(&mut doc, global, fields)?;
    let label = format!("profile '{name}'");
    let doc = doc.validate(&label).map_err(config_err)?;
    refuse_oauth(&doc)?;
    let path = store.save(&doc).map_err(config_err)?;
    store.set_active(&name).map_err(config_err)?;
    if in_legacy {
        if let Some(dir) = p.legacy_dir.clone() {
            p.legacy.profiles.remove(&name);
            p.legacy.save(&dir)?;
            eprintln!(
                "Removed profile '{name}' from the older file {}.",
                p.legacy_shown()
            );
        }
    }
    retire_legacy_active(p)?;
    eprintln!(
        "Profile '{name}' saved to {} and made active.",
        path.display()
    );
    Ok(())
}

async fn update(
    p: &Profiles,
    global: &GlobalArgs,
    name: Option<String>,
    fields: &ProfileFields,
) -> Result<(), CliError> {
    let store = official(p)?;
    let name = match name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) {
        Some(n) => n,
        None => store.active().map_err(config_err)?.ok_or_else(|| {
            CliError::Config(
                "no active profile configured; name one, or create one with `ax profiles create`"
                    .into(),
            )
        })?,
    };
    if !store.contains(&name) {
        if p.in_legacy(&name) {
            return Err(CliError::Config(format!(
                "profile '{name}' is in the older arize-ax file {}, which `update` does not write; re-create it in the official format with `ax profiles create {name} --force ...`",
                p.legacy_shown()
            )));
        }
        let missing = store
            .missing(&format!("profile '{name}'"))
            .unwrap_or_else(|e| e);
        return Err(config_err(missing));
    }
    if p.in_legacy(&name) {
        return Err(p.conflict(&name));
    }
    if fields.from_file.is_none() && !fields_given(global, fields) {
        return Err(CliError::Config(
            "nothing to update: give --from-file or at least one field (--api-key, --api-key-env, --region, --single-host, --single-port, --output-format, --base-url)".into(),
        ));
    }
    let mut doc = match &fields.from_file {
        Some(path) => read_from_file(path, &name)?,
        // As written: `${VAR}` references stay references.
        None => store.read(&name).map_err(config_err)?,
    };
    apply_fields(&mut doc, global, fields)?;
    let doc = doc
        .validate(&format!("profile '{name}'"))
        .map_err(config_err)?;
    if fields.from_file.is_some() {
        // A file may not turn a profile into an OAuth one (arize-ax cannot sign in).
        refuse_oauth(&doc)?;
    }
    let path = store.save(&doc).map_err(config_err)?;
    eprintln!("Profile '{name}' updated ({}).", path.display());
    Ok(())
}

/// The profile a command names, else `--profile`/`AX_PROFILE`, else the active one.
fn target_name(
    p: &Profiles,
    name: Option<String>,
    global: &GlobalArgs,
) -> Result<String, CliError> {
    let named = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    if let Some(n) = named(name).or_else(|| named(global.profile.clone())) {
        return Ok(n);
    }
    if let Some(n) = named(process_env("AX_PROFILE")) {
        return Ok(n);
    }
    match p.active()? {
        Some((n, _)) => Ok(n),
        None => Err(CliError::Config(
            "no active profile; name one, or create one with `ax profiles create NAME --api-key KEY`"
                .into(),
        )),
    }
}

fn validate(p: &Profiles, global: &GlobalArgs, name: Option<String>) -> Result<(), CliError> {
    let name = target_name(p, name, global)?;
    let checked = p
        .load(&name, &format!("profile '{name}'"))
        .and_then(|chosen| {
            // The endpoint must also build (a placeholder key stands in for an OAuth one).
            let mut layer = chosen.layer();
            let oauth = matches!(layer.api_key, ProfileKey::Unavailable(_));
            if !matches!(layer.api_key, ProfileKey::Key(_)) {
                layer.api_key = ProfileKey::Key(ax_core::Secret::new("placeholder"));
            }
            let input = ConfigInput {
                profile: Some(layer),
                allow_insecure_http: Some(true),
                ..Default::default()
            };
            Config::resolve(input, &|_| None).map_err(config_err)?;
            Ok((chosen, oauth))
        });
    match checked {
        Ok((chosen, oauth)) => {
            let file = match &chosen {
                Chosen::Official(o) => o.path.display().to_string(),
                Chosen::Legacy { path, .. } => path.display().to_string(),
            };
            eprintln!("Profile '{name}' is valid ({file}).");
            if oauth {
                eprintln!(
                    "Note: it uses OAuth; arize-ax needs --api-key or ARIZE_API_KEY with it."
                );
            }
            Ok(())
        }
        Err(e) => {
            let m = e.message();
            let m = m.trim_start_matches("error: ");
            Err(CliError::Config(
                if m.contains(&format!("profile '{name}'")) {
                    m.to_owned()
                } else {
                    format!("invalid profile '{name}': {m}")
                },
            ))
        }
    }
}

fn use_profile(p: &mut Profiles, name: &str) -> Result<(), CliError> {
    let name = name.trim();
    match (p.in_official(name), p.in_legacy(name)) {
        (true, true) => Err(p.conflict(name)),
        (true, false) => {
            official(p)?.set_active(name).map_err(config_err)?;
            retire_legacy_active(p)?;
            eprintln!("Switched to profile '{name}'.");
            Ok(())
        }
        (false, true) => {
            if let Some(store) = &p.official {
                if let Some(active) = store.active().map_err(config_err)? {
                    return Err(CliError::Config(format!(
                        "profile '{name}' is in the older arize-ax file {}, and the official active profile '{active}' ({}) takes precedence over that file's; select it per command with --profile {name} or AX_PROFILE={name}, or re-create it in the official format with `ax profiles create {name} --force ...`",
                        p.legacy_shown(),
                        store.active_file().display()
                    )));
                }
            }
            let dir = p.legacy_dir.clone().ok_or_else(|| {
                CliError::Config(
                    "cannot locate the config directory: set AX_CONFIG_DIR or HOME".into(),
                )
            })?;
            p.legacy.active = Some(name.to_owned());
            p.legacy.save(&dir)?;
            eprintln!("Switched to profile '{name}' ({}).", p.legacy_shown());
            Ok(())
        }
        (false, false) => Err(p.missing(&format!("profile '{name}'"))?),
    }
}

async fn delete(p: &mut Profiles, name: &str, force: bool) -> Result<(), CliError> {
    let name = name.trim();
    let (in_official, in_legacy) = (p.in_official(name), p.in_legacy(name));
    if !in_official && !in_legacy {
        return Err(p.missing(&format!("profile '{name}'"))?);
    }
    let official_active = match &p.official {
        Some(s) => s.active().map_err(config_err)?,
        None => None,
    };
    let effective = p.active()?.map(|(n, _)| n);
    if official_active.as_deref() == Some(name) || effective.as_deref() == Some(name) {
        return Err(CliError::Config(format!(
            "cannot delete the active profile '{name}'; switch to another one first (ax profiles use NAME)"
        )));
    }
    let mut files = Vec::new();
    if in_official {
        files.push(official(p)?.path(name).display().to_string());
    }
    if in_legacy {
        files.push(p.legacy_shown());
    }
    if !force {
        let warning = format!("this deletes profile '{name}' from {}", files.join(" and "));
        let asked = prompt::confirm("delete a profile", &warning, "Profile not deleted.");
        if !super::confirmed(asked).await? {
            return Ok(());
        }
    }
    if in_official {
        official(p)?.delete(name).map_err(config_err)?;
    }
    if in_legacy {
        if let Some(dir) = p.legacy_dir.clone() {
            p.legacy.profiles.remove(name);
            if p.legacy.active.as_deref() == Some(name) {
                p.legacy.active = None;
            }
            p.legacy.save(&dir)?;
        }
    }
    eprintln!("Deleted profile '{name}' ({}).", files.join(", "));
    Ok(())
}

pub async fn run(global: GlobalArgs, command: ProfilesCommand) -> Result<(), CliError> {
    let mut p = Profiles::open()?;
    match command {
        ProfilesCommand::Create {
            name,
            fields,
            auth_method,
            force,
        } => {
            create(
                &mut p,
                &global,
                name,
                &fields,
                auth_method.as_deref(),
                force,
            )
            .await
        }
        ProfilesCommand::Update { name, fields } => update(&p, &global, name, &fields).await,
        ProfilesCommand::Validate { name } => validate(&p, &global, name),
        ProfilesCommand::Show {
            name,
            all,
            expand,
            output,
        } => {
            let name = target_name(&p, name, &global)?;
            view::show(&p, &name, all, expand, &output)
        }
        ProfilesCommand::List { output } => view::list(&p, &output),
        ProfilesCommand::Use { name } => use_profile(&mut p, &name),
        ProfilesCommand::Delete { name, force } => delete(&mut p, &name, force).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_become_routing_keys() {
        assert_eq!(
            split_base_url("http://127.0.0.1:8731").unwrap(),
            ("http".into(), "127.0.0.1".into(), Some(8731))
        );
        assert_eq!(
            split_base_url("HTTPS://arize.example.com/v2/").unwrap(),
            ("https".into(), "arize.example.com".into(), None)
        );
        assert_eq!(
            split_base_url("http://[::1]:9/").unwrap(),
            ("http".into(), "::1".into(), Some(9))
        );
        for bad in [
            "127.0.0.1:8731",
            "ftp://h",
            "http://h/prefix",
            "http://u:p@h",
            "http://:80",
            "http://h:x",
        ] {
            assert!(split_base_url(bad).is_err(), "{bad}");
        }
    }
}
