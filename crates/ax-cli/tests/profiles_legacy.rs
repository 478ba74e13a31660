//! The older `config.toml` beside the official profiles, and the warning about key files
//! readable by others.

mod common;

use common::home::Home;
use common::ADMIN_KEY;

#[test]
fn the_older_config_file_coexists() {
    let h = Home::new();
    h.legacy(&format!(
        "active = \"old\"\n\n[profiles.old]\napi_key = \"{ADMIN_KEY}\"\nbase_url = \"{}\"\noutput = \"json\"\n",
        h.env.url
    ));
    // Still read: its active profile applies while no official one is active.
    let out = h.run(&["spaces", "list", "-l", "1"], &[]);
    out.ok();
    assert_eq!(out.json()["spaces"].as_array().unwrap().len(), 1);
    let shown = h.run(&["profiles", "show", "-o", "json"], &[]);
    assert_eq!(shown.json()["format"], "arize-ax (older)");
    // An official active profile wins, with a one-line warning.
    h.write_profile("new", &h.official_text("new", "wrong-key"));
    std::fs::write(h.arize().join(".active_profile"), "new").unwrap();
    let out = h.run(&["spaces", "list"], &[]);
    let warnings: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("two active profiles"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", out.stderr);
    assert!(warnings[0].contains("using 'new'"), "{}", warnings[0]);
    assert!(
        out.stderr.contains("401"),
        "the official profile was used: {}",
        out.stderr
    );
    // The older profile stays usable by name.
    h.run(&["--profile", "old", "spaces", "list"], &[]).ok();
    // `use` of an older profile cannot beat the official active one.
    let out = h.run(&["profiles", "use", "old"], &[]);
    out.code(1);
    assert!(out.stderr.contains("takes precedence"), "{}", out.stderr);
    // A name in both files is an error naming both when used, and listed twice.
    h.write_profile("old", &h.official_text("old", ADMIN_KEY));
    let out = h.run(&["--profile", "old", "spaces", "list"], &[]);
    out.code(1);
    assert!(
        out.stderr.contains("defined twice")
            && out.stderr.contains("old.toml")
            && out.stderr.contains("config.toml"),
        "{}",
        out.stderr
    );
    let listed = h.run(&["profiles", "list", "-o", "json"], &[]);
    listed.ok();
    let files: Vec<String> = listed.json()["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["name"] == "old")
        .map(|r| r["file"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    // `create --force` replaces both with one official profile; the older entry goes.
    h.run(
        &[
            "profiles",
            "create",
            "old",
            "--force",
            "--api-key",
            ADMIN_KEY,
            "--base-url",
            &h.env.url,
        ],
        &[],
    )
    .ok();
    let legacy = std::fs::read_to_string(h.env.path("config.toml")).unwrap();
    assert!(
        !legacy.contains("[profiles.old]") && !legacy.contains("active ="),
        "{legacy}"
    );
    h.run(&["spaces", "list"], &[]).ok();
    // Deleting a name removes it from whichever file has it.
    h.legacy(&format!(
        "[profiles.gone]\napi_key = \"k\"\nbase_url = \"{}\"\n",
        h.env.url
    ));
    h.run(&["profiles", "delete", "gone", "--force"], &[]).ok();
    let legacy = std::fs::read_to_string(h.env.path("config.toml")).unwrap();
    assert!(!legacy.contains("gone"), "{legacy}");
}

#[cfg(unix)]
#[test]
fn warns_when_a_key_file_is_readable_by_others() {
    use std::os::unix::fs::PermissionsExt;
    let h = Home::new();
    // The older file.
    h.legacy(&format!(
        "active = \"p\"\n[profiles.p]\napi_key = \"{ADMIN_KEY}\"\nbase_url = \"{}\"\n",
        h.env.url
    ));
    let file = h.env.path("config.toml");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = h.run(&["spaces", "list"], &[]);
    out.ok();
    assert!(out.stderr.contains("chmod 600"), "{}", out.stderr);
    // An official file (the official CLI writes them 0644).
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    h.write_profile("o", &h.official_text("o", ADMIN_KEY));
    std::fs::set_permissions(h.profile_path("o"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = h.run(&["--profile", "o", "spaces", "list"], &[]);
    out.ok();
    assert!(
        out.stderr.contains("chmod 600") && out.stderr.contains("o.toml"),
        "{}",
        out.stderr
    );
}
