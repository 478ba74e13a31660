//! `~/.arize`: listing, the active profile, selection (explicit > AX_PROFILE > active),
//! saving (0600 files, 0700 directories, atomic), deleting.

use std::path::{Path, PathBuf};

use super::profiles::{home_dir, valid_new_name, ProfileDoc, ProfileStore, Selection};
use super::tests_profiles::OFFICIAL;
use super::tests_resolve::env_of;

/// A private home directory, removed on drop.
pub(super) struct TempHome {
    pub dir: PathBuf,
}

impl TempHome {
    pub fn new() -> TempHome {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ax-core-home-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempHome { dir }
    }

    pub fn store(&self) -> ProfileStore {
        ProfileStore::new(self.dir.join(".arize"))
    }

    pub fn write_profile_bytes(&self, name: &str, bytes: &[u8]) {
        let dir = self.dir.join(".arize").join("profiles");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.toml")), bytes).unwrap();
    }

    pub fn write_profile(&self, name: &str, text: &str) {
        self.write_profile_bytes(name, text.as_bytes());
    }

    fn set_active_raw(&self, text: &str) {
        std::fs::write(self.dir.join(".arize").join(".active_profile"), text).unwrap();
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn profile_text(name: &str, key: &str) -> String {
    format!("[profile]\nname = \"{name}\"\n[auth]\napi_key = \"{key}\"\n")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn home_and_names() {
    let env = env_of(&[("HOME", "/home/me"), ("USERPROFILE", "C:\\Users\\me")]);
    let expected = if cfg!(windows) {
        "C:\\Users\\me"
    } else {
        "/home/me"
    };
    assert_eq!(home_dir(&env), Some(PathBuf::from(expected)));
    assert!(ProfileStore::from_env(&env_of(&[("HOME", " ")])).is_none() || cfg!(windows));
    assert_eq!(
        ProfileStore::from_env(&env).unwrap().root(),
        Path::new(expected).join(".arize")
    );
    for ok in ["default", "prod-eu", "a_b", "X9"] {
        assert!(valid_new_name(ok), "{ok}");
    }
    for bad in ["", "a.b", "../x", "a b", "é", "a/b"] {
        assert!(!valid_new_name(bad), "{bad}");
    }
}

#[test]
fn lists_profiles_and_ignores_other_files() {
    let home = TempHome::new();
    let store = home.store();
    assert!(store.names().unwrap().is_empty());
    home.write_profile("zeta", &profile_text("zeta", "k"));
    home.write_profile("alpha", &profile_text("alpha", "k"));
    let dir = store.profiles_dir();
    std::fs::write(dir.join("notes.txt"), "x").unwrap();
    std::fs::write(dir.join(".hidden.toml"), "x").unwrap();
    std::fs::write(dir.join(".alpha.toml.1.2.tmp"), "x").unwrap();
    std::fs::create_dir(dir.join("sub.toml")).unwrap();
    assert_eq!(store.names().unwrap(), ["alpha", "zeta"]);
    assert!(store.contains("alpha") && !store.contains("beta"));
    // Names that are paths never reach outside the directory.
    std::fs::write(
        home.dir.join(".arize").join("outside.toml"),
        profile_text("o", "k"),
    )
    .unwrap();
    for bad in ["../outside", "../../etc/passwd", "sub/../alpha", ".hidden"] {
        assert!(!store.contains(bad), "{bad}");
        assert!(store.load(bad, &env_of(&[])).is_err(), "{bad}");
    }
}

#[test]
fn saves_private_files_atomically_in_the_official_format() {
    let home = TempHome::new();
    let store = home.store();
    let mut doc = ProfileDoc::api_key_profile("test", "SECRET-KEY-VALUE-123");
    doc.routing.single_host = "127.0.0.1".into();
    doc.routing.single_port = super::profiles::Scalar::Text("8080".into());
    doc.output_format = "json".into();
    let path = store.save(&doc).unwrap();
    assert_eq!(path, store.path("test"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), OFFICIAL);
    #[cfg(unix)]
    {
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(store.root()), 0o700);
        assert_eq!(mode(&store.profiles_dir()), 0o700);
    }
    // Overwriting leaves no temporary file behind.
    doc.output_format = "csv".into();
    store.save(&doc).unwrap();
    let files: Vec<String> = std::fs::read_dir(store.profiles_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["test.toml"]);
    assert_eq!(
        store.load("test", &env_of(&[])).unwrap().output_format(),
        "csv"
    );
    // The official naming rule for new files.
    let bad = ProfileDoc::api_key_profile("a.b", "k");
    assert!(store
        .save(&bad)
        .unwrap_err()
        .to_string()
        .contains("invalid profile name"));
}

#[test]
fn active_profile_and_delete() {
    let home = TempHome::new();
    let store = home.store();
    assert_eq!(store.active().unwrap(), None);
    let msg = store.set_active("nope").unwrap_err().to_string();
    assert!(
        msg.contains("'nope' does not exist") && msg.contains("no profiles"),
        "{msg}"
    );
    home.write_profile("a", &profile_text("a", "ka"));
    home.write_profile("b", &profile_text("b", "kb"));
    store.set_active("a").unwrap();
    assert_eq!(
        std::fs::read_to_string(store.active_file()).unwrap(),
        "a",
        "written like the official CLI (no newline)"
    );
    assert_eq!(store.active().unwrap().as_deref(), Some("a"));
    home.set_active_raw("  b \n");
    assert_eq!(store.active().unwrap().as_deref(), Some("b"));
    home.set_active_raw("\n");
    assert_eq!(store.active().unwrap(), None);
    store.set_active("a").unwrap();
    let msg = store.delete("a").unwrap_err().to_string();
    assert!(
        msg.contains("cannot delete the active profile 'a'"),
        "{msg}"
    );
    store.delete("b").unwrap();
    assert_eq!(store.names().unwrap(), ["a"]);
    let msg = store.delete("b").unwrap_err().to_string();
    assert!(msg.contains("available profiles: a"), "{msg}");
}

#[test]
fn selection_order_and_missing_profiles() {
    let home = TempHome::new();
    let store = home.store();
    assert!(store.select(None, &env_of(&[])).unwrap().is_none());
    home.write_profile("act", &profile_text("act", "k-act"));
    home.write_profile("env", &profile_text("env", "k-env"));
    home.write_profile("arg", &profile_text("arg", "k-arg"));
    store.set_active("act").unwrap();
    let key =
        |p: Option<super::profiles::Profile>| p.unwrap().doc.api_key.unwrap().expose().to_owned();
    let env = env_of(&[("AX_PROFILE", "env")]);
    assert_eq!(key(store.select(Some("arg"), &env).unwrap()), "k-arg");
    assert_eq!(key(store.select(None, &env).unwrap()), "k-env");
    assert_eq!(
        key(store
            .select(Some(" "), &env_of(&[("AX_PROFILE", "")]))
            .unwrap()),
        "k-act"
    );
    let picked = store.pick(None, &env).unwrap().unwrap();
    assert_eq!((picked.name.as_str(), picked.how), ("env", Selection::Env));

    let msg = store.select(Some("nope"), &env).unwrap_err().to_string();
    assert!(
        msg.contains("profile 'nope' does not exist")
            && msg.contains("available profiles: act, arg, env"),
        "{msg}"
    );
    let msg = store
        .select(None, &env_of(&[("AX_PROFILE", "gone")]))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("'gone' (from AX_PROFILE) does not exist"),
        "{msg}"
    );
    home.set_active_raw("deleted");
    let msg = store.select(None, &env_of(&[])).unwrap_err().to_string();
    assert!(
        msg.contains("the active profile 'deleted'") && msg.contains(".active_profile"),
        "{msg}"
    );
}
