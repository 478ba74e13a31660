//! A private home (`~/.arize`) and config directory (`config.toml`) beside an emulator, for
//! the profile tests.

use std::path::PathBuf;

use super::{Env, Out};

#[cfg(unix)]
pub fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// An emulator plus a private home (`~/.arize`) and config directory (`config.toml`).
pub struct Home {
    pub env: Env,
    pub home: PathBuf,
}

impl Home {
    pub fn new() -> Home {
        let env = Env::new();
        let home = env.path("home");
        std::fs::create_dir_all(&home).unwrap();
        Home { env, home }
    }

    /// `ax ARGS` with HOME (and USERPROFILE) pointing at the private home.
    pub fn run(&self, args: &[&str], vars: &[(&str, &str)]) -> Out {
        let home = self.home.to_str().unwrap();
        let mut all = vec![("HOME", home), ("USERPROFILE", home)];
        all.extend_from_slice(vars);
        self.env.run(args, &all, None)
    }

    pub fn arize(&self) -> PathBuf {
        self.home.join(".arize")
    }

    pub fn profile_path(&self, name: &str) -> PathBuf {
        self.arize().join("profiles").join(format!("{name}.toml"))
    }

    pub fn profile_text(&self, name: &str) -> String {
        std::fs::read_to_string(self.profile_path(name)).unwrap()
    }

    pub fn write_profile(&self, name: &str, text: &str) {
        let path = self.profile_path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn active(&self) -> String {
        std::fs::read_to_string(self.arize().join(".active_profile")).unwrap_or_default()
    }

    pub fn port(&self) -> String {
        self.env.url.rsplit(':').next().unwrap().to_owned()
    }

    /// An official profile file pointing at the emulator (as arize-ax-cli 0.39 writes it).
    pub fn official_text(&self, name: &str, key: &str) -> String {
        format!(
            "[profile]\nname = \"{name}\"\n\n[auth]\nauth_method = \"api-key\"\napi_key = \"{key}\"\n\n[routing]\nsingle_host = \"127.0.0.1\"\nsingle_port = \"{}\"\napi_host = \"api.arize.com\"\napi_scheme = \"http\"\n\n[security]\nrequest_verify = true\n\n[output]\nformat = \"json\"\n",
            self.port()
        )
    }

    pub fn legacy(&self, text: &str) {
        std::fs::write(self.env.path("config.toml"), text).unwrap();
    }
}

/// Neither stream shows the key.
#[track_caller]
pub fn no_key(out: &Out, key: &str) {
    assert!(
        !out.stdout.contains(key) && !out.stderr.contains(key),
        "{out:?}"
    );
}
