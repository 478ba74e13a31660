//! `~/.arize`: the profile files, the active profile, selection, and safe writes (0600 files
//! in 0700 directories on unix, each written atomically).

use std::io::Read;
use std::path::{Path, PathBuf};

use super::schema::{self, Source};
use super::{Profile, ProfileDoc};
use crate::error::{Error, Result};

/// Largest profile file read.
const MAX_PROFILE_BYTES: u64 = 1024 * 1024;

/// The user's home directory as the official CLI (Python's `Path.home()`) finds it:
/// `USERPROFILE` on Windows, `HOME` elsewhere.
pub fn home_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    env(var).filter(|v| !v.trim().is_empty()).map(PathBuf::from)
}

/// True for a name the official CLI accepts for a new profile: letters, digits, `-`, `_`.
pub fn valid_new_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// True for a name that can denote a file in the profiles directory (no path parts).
fn readable_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// How a profile was picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Named by the caller (`--profile`, `Client(profile=...)`).
    Explicit,
    /// Named by `AX_PROFILE`.
    Env,
    /// The active profile.
    Active,
}

/// The name picked and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selected {
    pub name: String,
    pub how: Selection,
}

impl Selected {
    /// How errors name it: `profile 'x'`, `profile 'x' (from AX_PROFILE)`, `the active
    /// profile 'x' (named in ~/.arize/.active_profile)`.
    pub fn describe(&self, active_file: &Path) -> String {
        match self.how {
            Selection::Explicit => format!("profile '{}'", self.name),
            Selection::Env => format!("profile '{}' (from AX_PROFILE)", self.name),
            Selection::Active => format!(
                "the active profile '{}' (named in {})",
                self.name,
                active_file.display()
            ),
        }
    }
}

/// The official profile directory, `~/.arize`.
#[derive(Clone, Debug)]
pub struct ProfileStore {
    root: PathBuf,
}

impl ProfileStore {
    /// The store rooted at `root` (normally `~/.arize`).
    pub fn new(root: impl Into<PathBuf>) -> ProfileStore {
        ProfileStore { root: root.into() }
    }

    /// `~/.arize` of the home directory in `env`; `None` when no home is known.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Option<ProfileStore> {
        home_dir(env).map(|h| ProfileStore::new(h.join(".arize")))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `~/.arize/profiles`.
    pub fn profiles_dir(&self) -> PathBuf {
        self.root.join("profiles")
    }

    /// `~/.arize/.active_profile`.
    pub fn active_file(&self) -> PathBuf {
        self.root.join(".active_profile")
    }

    /// The file of profile `name`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.profiles_dir().join(format!("{name}.toml"))
    }

    /// Every profile name (the `*.toml` files), sorted.
    pub fn names(&self) -> Result<Vec<String>> {
        let dir = self.profiles_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(Error::Config(format!(
                    "cannot list the profiles in {}: {e}",
                    dir.display()
                )))
            }
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .filter_map(|e| {
                let file = e.file_name().to_string_lossy().into_owned();
                file.strip_suffix(".toml")
                    .filter(|stem| readable_name(stem))
                    .map(str::to_owned)
            })
            .collect();
        names.sort();
        Ok(names)
    }

    /// True when profile `name` has a file.
    pub fn contains(&self, name: &str) -> bool {
        readable_name(name) && self.path(name).is_file()
    }

    /// The active profile's name (`.active_profile`, trimmed); `None` when unset.
    pub fn active(&self) -> Result<Option<String>> {
        let path = self.active_file();
        match std::fs::read_to_string(&path) {
            Ok(t) => Ok(Some(t.trim().to_owned()).filter(|t| !t.is_empty())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::Config(format!(
                "cannot read the active profile file {}: {e}",
                path.display()
            ))),
        }
    }

    /// Makes `name` the active profile (it must exist).
    pub fn set_active(&self, name: &str) -> Result<()> {
        if !self.contains(name) {
            return Err(self.missing(&format!("profile '{name}'"))?);
        }
        create_private_dir(&self.root)?;
        let path = self.active_file();
        write_atomic(&path, name.as_bytes())
            .map_err(|e| Error::Config(format!("cannot write {}: {e}", path.display())))
    }

    /// The error for a profile that does not exist, listing the ones that do.
    pub fn missing(&self, what: &str) -> Result<Error> {
        let names = self.names()?;
        let listed = if names.is_empty() {
            format!(
                "there are no profiles in {} yet; create one with `ax profiles create NAME --api-key KEY`",
                self.profiles_dir().display()
            )
        } else {
            format!("available profiles: {}", names.join(", "))
        };
        Ok(Error::Config(format!("{what} does not exist; {listed}")))
    }

    /// The raw text of profile `name`.
    fn read_text(&self, name: &str) -> Result<String> {
        let path = self.path(name);
        let mut bytes = Vec::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_PROFILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| {
                Error::Config(format!(
                    "cannot read the profile file {}: {e}",
                    path.display()
                ))
            })?;
        if bytes.len() as u64 > MAX_PROFILE_BYTES {
            return Err(Error::Config(format!(
                "the profile file {} is larger than 1 MiB",
                path.display()
            )));
        }
        String::from_utf8(bytes).map_err(|_| {
            Error::Config(format!(
                "the profile file {} is not UTF-8 text",
                path.display()
            ))
        })
    }

    fn label(&self, name: &str) -> String {
        format!("profile '{name}' ({})", self.path(name).display())
    }

    /// Profile `name` as written (`${VAR}` references kept), validated.
    pub fn read(&self, name: &str) -> Result<ProfileDoc> {
        if !self.contains(name) {
            return Err(self.missing(&format!("profile '{name}'"))?);
        }
        let text = self.read_text(name)?;
        let table = schema::parse_toml(&text, &self.path(name))?;
        let label = self.label(name);
        schema::parse_doc(
            &Source {
                label: &label,
                expanded: false,
            },
            &table,
            None,
        )
    }

    /// Profile `name` with `${VAR}` references expanded from `env` (an unset variable
    /// without default is an error naming the file, key and variable), validated.
    pub fn load(&self, name: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Profile> {
        if !self.contains(name) {
            return Err(self.missing(&format!("profile '{name}'"))?);
        }
        let text = self.read_text(name)?;
        let path = self.path(name);
        let mut table = schema::parse_toml(&text, &path)?;
        let label = self.label(name);
        schema::expand_table(&mut table, "", &format!("invalid {label}"), env)?;
        let doc = schema::parse_doc(
            &Source {
                label: &label,
                expanded: true,
            },
            &table,
            None,
        )?;
        Ok(Profile {
            name: name.to_owned(),
            path,
            doc,
        })
    }

    /// Writes `doc` as `profiles/<doc.name>.toml` (atomically, mode 0600; directories 0700).
    pub fn save(&self, doc: &ProfileDoc) -> Result<PathBuf> {
        if !valid_new_name(&doc.name) {
            return Err(Error::Config(format!(
                "invalid profile name '{}': use letters, digits, '-' and '_' only",
                doc.name
            )));
        }
        create_private_dir(&self.root)?;
        let dir = self.profiles_dir();
        create_private_dir(&dir)?;
        let path = self.path(&doc.name);
        write_atomic(&path, doc.to_toml().as_bytes())
            .map_err(|e| Error::Config(format!("cannot write {}: {e}", path.display())))?;
        Ok(path)
    }

    /// Deletes profile `name`; the active profile cannot be deleted (as in the official CLI).
    pub fn delete(&self, name: &str) -> Result<()> {
        if !self.contains(name) {
            return Err(self.missing(&format!("profile '{name}'"))?);
        }
        if self.active()?.as_deref() == Some(name) {
            return Err(Error::Config(format!(
                "cannot delete the active profile '{name}'; switch to another one first (ax profiles use NAME)"
            )));
        }
        let path = self.path(name);
        std::fs::remove_file(&path)
            .map_err(|e| Error::Config(format!("cannot delete {}: {e}", path.display())))
    }

    /// Which profile applies: `explicit` (non-blank), else `AX_PROFILE`, else the active
    /// one; `None` when none is named.
    pub fn pick(
        &self,
        explicit: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Selected>> {
        let blank = |s: &String| !s.trim().is_empty();
        if let Some(n) = explicit.map(str::to_owned).filter(blank) {
            return Ok(Some(Selected {
                name: n.trim().to_owned(),
                how: Selection::Explicit,
            }));
        }
        if let Some(n) = env("AX_PROFILE").filter(blank) {
            return Ok(Some(Selected {
                name: n.trim().to_owned(),
                how: Selection::Env,
            }));
        }
        Ok(self.active()?.map(|name| Selected {
            name,
            how: Selection::Active,
        }))
    }

    /// Loads the profile that applies (see [`ProfileStore::pick`]). A named profile that
    /// does not exist is an error listing the available ones.
    pub fn select(
        &self,
        explicit: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Profile>> {
        let Some(sel) = self.pick(explicit, env)? else {
            return Ok(None);
        };
        if !self.contains(&sel.name) {
            let what = sel.describe(&self.active_file());
            return Err(self.missing(&what)?);
        }
        self.load(&sel.name, env).map(Some)
    }
}

/// Creates `dir` (and parents) privately (see [`crate::files::create_private_dir`]).
fn create_private_dir(dir: &Path) -> Result<()> {
    crate::files::create_private_dir(dir)
        .map_err(|e| Error::Config(format!("cannot create {}: {e}", dir.display())))
}

/// Writes `bytes` to `path` atomically with mode 0600 (see [`crate::files::write_atomic`]).
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::files::write_atomic(path, true, |f| std::io::Write::write_all(f, bytes))
}

/// The permission bits of `path` when group or others may read it (unix; the official CLI
/// creates its files 0644). `None` when private or unknown.
pub fn readable_by_others(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}
