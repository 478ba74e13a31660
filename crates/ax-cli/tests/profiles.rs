//! `ax profiles` on the official CLI's profile files (`~/.arize`): create, update, validate,
//! show, list, use, delete, and configuration precedence.

mod common;

#[cfg(unix)]
use common::home::mode;
use common::home::{no_key, Home};
use common::ADMIN_KEY;

#[test]
fn create_writes_the_official_format_and_makes_it_active() {
    let h = Home::new();
    let out = h.run(
        &[
            "profiles",
            "create",
            "local",
            "--api-key",
            ADMIN_KEY,
            "--base-url",
            &h.env.url,
            "--output-format",
            "json",
        ],
        &[],
    );
    out.ok();
    no_key(&out, ADMIN_KEY);
    let text = h.profile_text("local");
    for line in [
        "[profile]\nname = \"local\"\n",
        "[auth]\nauth_method = \"api-key\"\napi_key = \"emulator-admin-key\"\n",
        "[routing]\nsingle_host = \"127.0.0.1\"\n",
        &format!("single_port = \"{}\"\n", h.port()),
        "api_scheme = \"http\"\n",
        "flight_port = \"443\"\n",
        "[transport]\nstream_max_workers = 8\n",
        "[security]\nrequest_verify = true\n",
        "[output]\nformat = \"json\"\n",
        "[update]\ncheck_interval_hours = 6.0\nenabled = true\n",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    assert_eq!(h.active(), "local");
    #[cfg(unix)]
    {
        assert_eq!(mode(&h.profile_path("local")), 0o600);
        assert_eq!(mode(&h.arize()), 0o700);
    }
    // The older file is not written.
    assert!(!h.env.path("config.toml").exists());

    // The active profile supplies key, endpoint and the default output format.
    let list = h.run(&["spaces", "list", "-l", "1"], &[]);
    list.ok();
    assert_eq!(list.json()["spaces"].as_array().unwrap().len(), 1);

    // An existing name is an error (the official ConfigError, exit 1) unless --force.
    let again = h.run(
        &["profiles", "create", "local", "--api-key", "other-key"],
        &[],
    );
    again.code(1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    h.run(
        &[
            "profiles",
            "create",
            "local",
            "--api-key",
            "other-key",
            "--force",
        ],
        &[],
    )
    .ok();
    assert!(h.profile_text("local").contains("api_key = \"other-key\""));
    // A second profile becomes the active one too (as the official CLI does).
    h.run(&["profiles", "create", "second", "--api-key", "k2"], &[])
        .ok();
    assert_eq!(h.active(), "second");
}

#[test]
fn create_flags_and_their_errors() {
    let h = Home::new();
    h.run(
        &[
            "profiles",
            "create",
            "eu",
            "--api-key",
            "k",
            "--region",
            "EU",
        ],
        &[],
    )
    .ok();
    assert!(h.profile_text("eu").contains("region = \"eu-west-1a\""));
    h.run(
        &[
            "profiles",
            "create",
            "onprem",
            "--api-key",
            "k",
            "--single-host",
            "arize.example.com",
            "--single-port",
            "8443",
        ],
        &[],
    )
    .ok();
    let text = h.profile_text("onprem");
    assert!(
        text.contains("single_host = \"arize.example.com\"\nsingle_port = \"8443\""),
        "{text}"
    );
    // A reference to a variable instead of the key; `show` prints the reference.
    h.run(
        &["profiles", "create", "ref", "--api-key-env", "MY_AX_KEY"],
        &[],
    )
    .ok();
    assert!(h.profile_text("ref").contains("api_key = \"${MY_AX_KEY}\""));
    let shown = h.run(&["profiles", "show", "ref", "-o", "json"], &[]);
    shown.ok();
    assert_eq!(shown.json()["api_key"], "${MY_AX_KEY}");

    type Case<'a> = (Vec<&'a str>, i32, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec!["x", "--auth-method", "oauth"],
            1,
            "API-key profiles only",
        ),
        (vec!["x", "--auth-method", "password"], 2, "password"),
        (vec!["a.b", "--api-key", "k"], 1, "invalid profile name"),
        (vec!["x"], 2, "--api-key"),
        (
            vec![
                "x",
                "--api-key",
                "k",
                "--region",
                "EU",
                "--single-host",
                "h",
            ],
            1,
            "[routing]: only one routing option",
        ),
        (
            vec!["x", "--api-key", "k", "--region", "mars"],
            1,
            "[routing] region",
        ),
        (
            vec!["x", "--api-key", "k", "--single-port", "http"],
            1,
            "[routing] single_port",
        ),
        (
            vec!["x", "--api-key", "k", "--output-format", "yaml"],
            1,
            "[output] format",
        ),
        (
            vec!["x", "--api-key", "k", "--base-url", "http://h/prefix"],
            2,
            "--base-url",
        ),
        (vec!["x", "--api-key-env", "1BAD"], 2, "--api-key-env"),
    ];
    for (args, code, part) in cases {
        let mut full = vec!["profiles", "create"];
        full.extend(args.iter());
        let out = h.run(&full, &[]);
        out.code(code);
        assert!(out.stderr.contains(part), "{args:?}: {}", out.stderr);
    }
    assert!(!h.profile_path("x").exists());
    assert_eq!(h.active(), "ref");
}

#[test]
fn create_from_file_update_and_references() {
    let h = Home::new();
    let file = h.env.path("in.toml");
    std::fs::write(
        &file,
        format!(
            "[auth]\napi_key = \"${{MY_AX_KEY}}\"\n[routing]\nsingle_host = \"${{AX_HOST:127.0.0.1}}\"\nsingle_port = \"{}\"\napi_scheme = \"http\"\n[output]\nformat = \"json\"\n[future_section]\nx = 1\n",
            h.port()
        ),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    // Flags override the file.
    h.run(
        &[
            "profiles",
            "create",
            "ff",
            "-f",
            file,
            "--output-format",
            "csv",
        ],
        &[],
    )
    .ok();
    let text = h.profile_text("ff");
    assert!(text.contains("api_key = \"${MY_AX_KEY}\""), "{text}");
    assert!(
        text.contains("single_host = \"${AX_HOST:127.0.0.1}\""),
        "{text}"
    );
    assert!(
        text.contains("format = \"csv\"") && !text.contains("future_section"),
        "{text}"
    );
    // Used with the variable set; an error naming file, key and variable without it.
    let ok = h.run(
        &["spaces", "list", "-o", "json", "-l", "1"],
        &[("MY_AX_KEY", ADMIN_KEY)],
    );
    ok.ok();
    let missing = h.run(&["spaces", "list"], &[]);
    missing.code(1);
    for part in ["ff.toml", "[auth] api_key", "MY_AX_KEY"] {
        assert!(missing.stderr.contains(part), "{part}: {}", missing.stderr);
    }

    // update: only the given fields; references stay references.
    h.run(&["profiles", "update", "--output-format", "table"], &[])
        .ok();
    let text = h.profile_text("ff");
    assert!(
        text.contains("format = \"table\"") && text.contains("${MY_AX_KEY}"),
        "{text}"
    );
    let nothing = h.run(&["profiles", "update", "ff"], &[]);
    nothing.code(1);
    assert!(
        nothing.stderr.contains("nothing to update"),
        "{}",
        nothing.stderr
    );
    let gone = h.run(&["profiles", "update", "nope", "--region", "EU"], &[]);
    gone.code(1);
    assert!(
        gone.stderr.contains("'nope' does not exist"),
        "{}",
        gone.stderr
    );
    // The global --api-key updates the key.
    h.run(&["profiles", "update", "ff", "--api-key", ADMIN_KEY], &[])
        .ok();
    h.run(&["spaces", "list", "-l", "1"], &[]).ok();
    // -f replaces the whole profile (flags on top).
    let replacement = h.env.path("replace.toml");
    std::fs::write(
        &replacement,
        "[auth]\napi_key = \"replaced-key\"\n[routing]\nregion = \"CA\"\n",
    )
    .unwrap();
    h.run(
        &[
            "profiles",
            "update",
            "ff",
            "-f",
            replacement.to_str().unwrap(),
            "--output-format",
            "json",
        ],
        &[],
    )
    .ok();
    let text = h.profile_text("ff");
    assert!(
        text.contains("region = \"ca-central-1a\"")
            && !text.contains("single_host")
            && text.contains("format = \"json\""),
        "{text}"
    );
    // A malformed file names itself and the key.
    std::fs::write(
        &replacement,
        "[auth]\napi_key = \"k\"\n[routing]\napi_scheme = \"ftp\"\n",
    )
    .unwrap();
    let bad = h.run(
        &[
            "profiles",
            "create",
            "g",
            "-f",
            replacement.to_str().unwrap(),
        ],
        &[],
    );
    bad.code(1);
    assert!(
        bad.stderr.contains("replace.toml") && bad.stderr.contains("[routing] api_scheme"),
        "{}",
        bad.stderr
    );
    let no_file = h.run(
        &["profiles", "create", "g", "-f", "/nonexistent/p.toml"],
        &[],
    );
    no_file.code(1);
    assert!(
        no_file.stderr.contains("/nonexistent/p.toml"),
        "{}",
        no_file.stderr
    );
}

#[test]
fn validate_show_list_use_delete() {
    let h = Home::new();
    h.write_profile("emu", &h.official_text("emu", ADMIN_KEY));
    h.run(&["profiles", "use", "emu"], &[]).ok();
    assert_eq!(h.active(), "emu");
    h.run(&["profiles", "validate"], &[]).ok();
    let shown = h.run(&["profiles", "show", "-o", "json"], &[]);
    shown.ok();
    no_key(&shown, ADMIN_KEY);
    let v = shown.json();
    assert_eq!(v["name"], "emu");
    assert_eq!(v["active"], true);
    assert_eq!(v["api_key"], "****-key");
    assert_eq!(v["single_host"], "127.0.0.1");
    assert!(v.get("stream_max_workers").is_none());
    let all = h.run(&["profiles", "show", "emu", "--all", "-o", "json"], &[]);
    all.ok();
    let v = all.json();
    assert_eq!(v["stream_max_workers"], 8);
    assert_eq!(v["flight_scheme"], "grpc+tls");
    assert_eq!(v["update_enabled"], true);
    let table = h.run(&["profiles", "show", "emu"], &[]);
    table.ok();
    assert!(table.stdout.contains("single_host") && table.stdout.contains("127.0.0.1"));
    no_key(&table, ADMIN_KEY);

    // A malformed profile: validate exits 1 naming the file and the key; list still works.
    h.write_profile(
        "bad",
        "[profile]\nname = \"bad\"\n[auth]\napi_key = \"secret-of-bad-profile\"\n[routing]\nregion = \"mars\"\n",
    );
    let v = h.run(&["profiles", "validate", "bad"], &[]);
    v.code(1);
    assert!(
        v.stderr.contains("bad.toml") && v.stderr.contains("[routing] region"),
        "{}",
        v.stderr
    );
    no_key(&v, "secret-of-bad-profile");
    let used = h.run(&["--profile", "bad", "spaces", "list"], &[]);
    used.code(1);
    no_key(&used, "secret-of-bad-profile");
    // --expand expands references (the key still masked).
    h.write_profile(
        "ref",
        "[profile]\nname = \"ref\"\n[auth]\napi_key = \"${REF_KEY}\"\n",
    );
    let raw = h.run(&["profiles", "show", "ref", "-o", "json"], &[]);
    assert_eq!(raw.json()["api_key"], "${REF_KEY}");
    let expanded = h.run(
        &["profiles", "show", "ref", "--expand", "-o", "json"],
        &[("REF_KEY", "expanded-secret-value")],
    );
    expanded.ok();
    assert_eq!(expanded.json()["api_key"], "****alue");
    no_key(&expanded, "expanded-secret-value");

    let listed = h.run(&["profiles", "list", "-o", "json"], &[]);
    listed.ok();
    let rows = listed.json()["profiles"].as_array().unwrap().clone();
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["bad", "emu", "ref"]);
    let emu = &rows[1];
    assert_eq!(emu["active"], "*");
    assert!(emu["file"].as_str().unwrap().ends_with("emu.toml"));
    assert!(rows[0]["endpoint"].as_str().unwrap().starts_with("invalid"));
    assert_eq!(rows[2]["api_key"], "${REF_KEY}");
    no_key(&listed, ADMIN_KEY);

    // use / delete.
    let missing = h.run(&["profiles", "use", "nope"], &[]);
    missing.code(1);
    assert!(
        missing.stderr.contains("available profiles: bad, emu, ref"),
        "{}",
        missing.stderr
    );
    let active = h.run(&["profiles", "delete", "emu", "--force"], &[]);
    active.code(1);
    assert!(
        active.stderr.contains("cannot delete the active profile"),
        "{}",
        active.stderr
    );
    // Without a terminal the confirmation cannot be asked.
    h.run(&["profiles", "delete", "bad"], &[]).code(2);
    h.run(&["profiles", "delete", "bad", "-f"], &[]).ok();
    assert!(!h.profile_path("bad").exists());
    h.run(&["profiles", "delete", "bad", "-f"], &[]).code(1);
}

#[test]
fn profile_selection_and_precedence() {
    let h = Home::new();
    h.write_profile("good", &h.official_text("good", ADMIN_KEY));
    h.write_profile("wrong", &h.official_text("wrong", "wrong-key"));
    h.run(&["profiles", "use", "wrong"], &[]).ok();
    // The active profile's key is refused by the server (an API error).
    let out = h.run(&["spaces", "list"], &[]);
    assert!(out.stderr.contains("401"), "{}", out.stderr);
    // --profile, then AX_PROFILE, pick another.
    h.run(
        &["--profile", "good", "spaces", "list"],
        &[("AX_PROFILE", "wrong")],
    )
    .ok();
    h.run(&["spaces", "list"], &[("AX_PROFILE", "good")]).ok();
    let missing = h.run(&["spaces", "list"], &[("AX_PROFILE", "nope")]);
    missing.code(1);
    assert!(
        missing
            .stderr
            .contains("'nope' (from AX_PROFILE) does not exist")
            && missing.stderr.contains("available profiles: good, wrong"),
        "{}",
        missing.stderr
    );
    h.run(&["--profile", "nope", "spaces", "list"], &[]).code(1);
    // The environment's key beats the profile's; a flag beats the environment.
    h.run(&["spaces", "list"], &[("ARIZE_API_KEY", ADMIN_KEY)])
        .ok();
    let out = h.run(
        &[
            "--profile",
            "good",
            "--api-key",
            "wrong-key",
            "spaces",
            "list",
        ],
        &[("ARIZE_API_KEY", ADMIN_KEY)],
    );
    assert!(out.stderr.contains("401"), "{}", out.stderr);
    // The environment's endpoint replaces the profile's whole endpoint.
    std::fs::write(
        h.profile_path("closed"),
        "[profile]\nname = \"closed\"\n[auth]\napi_key = \"emulator-admin-key\"\n[routing]\nsingle_host = \"127.0.0.1\"\nsingle_port = \"9\"\napi_scheme = \"http\"\n",
    )
    .unwrap();
    let port = h.port();
    let vars = [
        ("AX_PROFILE", "closed"),
        ("ARIZE_API_SCHEME", "http"),
        ("ARIZE_API_HOST", "127.0.0.1"),
        ("ARIZE_API_PORT", port.as_str()),
    ];
    h.run(&["spaces", "list"], &vars).ok();
    let single = [
        ("AX_PROFILE", "closed"),
        ("ARIZE_API_SCHEME", "http"),
        ("ARIZE_SINGLE_HOST", "127.0.0.1"),
        ("ARIZE_SINGLE_PORT", port.as_str()),
    ];
    h.run(&["spaces", "list"], &single).ok();
    // An OAuth profile lends its routing but not a key.
    h.write_profile(
        "sso",
        &format!(
            "[profile]\nname = \"sso\"\n[auth]\nauth_method = \"oauth\"\n[routing]\nsingle_host = \"127.0.0.1\"\nsingle_port = \"{port}\"\napi_scheme = \"http\"\n"
        ),
    );
    let out = h.run(&["--profile", "sso", "spaces", "list"], &[]);
    out.code(1);
    assert!(
        out.stderr.contains("uses OAuth") && out.stderr.contains("API-key profiles only"),
        "{}",
        out.stderr
    );
    h.run(
        &["--profile", "sso", "spaces", "list"],
        &[("ARIZE_API_KEY", ADMIN_KEY)],
    )
    .ok();
}

#[test]
fn a_missing_key_is_the_core_error_not_a_usage_error() {
    let h = Home::new();
    let out = h.run(&["--base-url", &h.env.url, "spaces", "list"], &[]);
    assert!(out.code != 0 && out.code != 2, "{out:?}");
    assert!(out.stderr.contains("ARIZE_API_KEY"), "{}", out.stderr);
}
