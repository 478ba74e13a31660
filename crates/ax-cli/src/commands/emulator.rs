//! `ax emulator` (alias `ax mock-server`): the bundled API emulator in the foreground.
//!
//! It prints its URL, the seeded keys and how to point clients at it; it never prints or
//! logs anything about the requests it serves (in particular no `Authorization` header).

use std::io::Write;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

use ax_emulator::{Emulator, EmulatorOptions, RateLimit, Seed};

use crate::cli::{EmulatorArgs, SeedArg};
use crate::error::CliError;

fn bind_address(host: &str, port: u16) -> Result<SocketAddr, CliError> {
    if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    (host, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| {
            CliError::Usage(format!("invalid value for --host: cannot resolve '{host}'"))
        })
}

/// Writes the CA certificate; returns the path and whether it is ours to remove on exit.
fn write_ca(args: &EmulatorArgs, pem: &str, port: u16) -> Result<(PathBuf, bool), CliError> {
    let (path, temporary) = match &args.ca_file {
        Some(p) => (p.clone(), false),
        None => (
            std::env::temp_dir().join(format!("ax-emulator-ca-{port}.pem")),
            true,
        ),
    };
    std::fs::write(&path, pem).map_err(|e| {
        CliError::Failed(format!(
            "cannot write the CA certificate to {}: {e}",
            path.display()
        ))
    })?;
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    Ok((path, temporary))
}

pub async fn run(args: EmulatorArgs, verbose: bool) -> Result<(), CliError> {
    let bind = bind_address(&args.host, args.port)?;
    let rate_limit = args.rate_limit.map(|l| RateLimit {
        per_route: args.rate_limit_per_route,
        ..l
    });
    let opts = EmulatorOptions {
        bind,
        seed: match args.seed {
            SeedArg::Demo => Seed::Demo,
            SeedArg::None => Seed::None,
        },
        control: args.control,
        lenient: args.lenient,
        tls: args.tls,
        log_requests: verbose,
        latency: args.latency.unwrap_or_default(),
        rate_limit,
    };
    let emu = Emulator::start(opts).await.map_err(|e| {
        CliError::Failed(format!(
            "cannot listen on {bind}: {e} (choose another --port, or 0 for any free port)"
        ))
    })?;
    let ca = match emu.ca_cert_pem() {
        Some(pem) => match write_ca(&args, &pem, emu.port()) {
            Ok(ca) => Some(ca),
            Err(e) => {
                emu.shutdown().await;
                return Err(e);
            }
        },
        None => None,
    };
    let url = emu.url();
    let key = emu.admin_key();
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", &url));
    let host = rest
        .rsplit_once(':')
        .map(|(h, _)| h.trim_matches(['[', ']']).to_owned())
        .unwrap_or_else(|| "127.0.0.1".into());
    let mut text = format!(
        "Arize AX emulator listening on {url}  (seed: {})\n\
         Admin API key: {key}\n",
        match args.seed {
            SeedArg::Demo => "demo",
            SeedArg::None => "none",
        },
    );
    if let Some(latency) = args.latency.filter(|l| *l != Default::default()) {
        text.push_str(&format!(
            "Simulated latency: {} ms ± {} ms per answer, one round trip more per new connection\n",
            latency.ms, latency.jitter_ms
        ));
    }
    if let Some(limit) = rate_limit {
        text.push_str(&format!(
            "Rate limit: {} requests per second, bursts of up to {}, one bucket per API key{}\n",
            limit.rps,
            limit.burst,
            if limit.per_route { " and route" } else { "" }
        ));
    }
    if let Some((path, _)) = &ca {
        text.push_str(&format!(
            "TLS CA certificate: {}\n  (the server's certificate is valid for 127.0.0.1, ::1 and localhost)\n",
            path.display()
        ));
    }
    text.push_str(&format!(
        "\nPoint ax or the official SDK at it:\n  \
         export ARIZE_API_KEY={key}\n  \
         export ARIZE_API_SCHEME={scheme}\n  \
         export ARIZE_API_HOST={host}\n  \
         export ARIZE_API_PORT={}\n",
        emu.port(),
    ));
    if let Some((path, _)) = &ca {
        text.push_str(&format!("  export ARIZE_SSL_CA_CERT={}\n", path.display()));
    }
    text.push_str(&format!(
        "or: ax --base-url {url} --api-key {key} spaces list\n"
    ));
    if let Some(keys) = emu
        .control()
        .seed_info()
        .get("keys")
        .and_then(|k| k.as_object())
    {
        if keys.len() > 1 {
            text.push_str("\nSeeded keys:\n");
            for (label, k) in keys {
                text.push_str(&format!(
                    "  {label:<10} {}\n",
                    k.as_str().unwrap_or_default()
                ));
            }
        }
    }
    if args.control {
        text.push_str(&format!(
            "\nControl routes (no auth): {url}/_emulator/reset, /_emulator/seed, /_emulator/faults, /_emulator/requests, ...\n"
        ));
    } else {
        text.push_str(
            "\nControl routes (/_emulator/...) are off; start with --control to enable them.\n",
        );
    }
    text.push_str("\nPress Ctrl-C to stop.\n");
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    drop(out);
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
    eprintln!("\nStopping the emulator...");
    emu.shutdown().await;
    if let Some((path, true)) = &ca {
        let _ = std::fs::remove_file(path);
    }
    eprintln!("Emulator stopped.");
    Ok(())
}
