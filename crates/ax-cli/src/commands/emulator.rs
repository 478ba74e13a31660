//! `ax emulator` (alias `ax mock-server`): the bundled API emulator in the foreground.

use std::io::Write;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

use ax_emulator::{Emulator, EmulatorOptions, Seed};

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

pub async fn run(args: EmulatorArgs) -> Result<(), CliError> {
    let bind = bind_address(&args.host, args.port)?;
    let opts = EmulatorOptions {
        bind,
        seed: match args.seed {
            SeedArg::Demo => Seed::Demo,
            SeedArg::None => Seed::None,
        },
        control: !args.no_control,
        lenient: args.lenient,
    };
    let emu = Emulator::start(opts).await.map_err(|e| {
        CliError::Failed(format!(
            "cannot listen on {bind}: {e} (choose another --port, or 0 for any free port)"
        ))
    })?;
    let url = emu.url();
    let key = emu.admin_key();
    let host = url
        .trim_start_matches("http://")
        .rsplit_once(':')
        .map(|(h, _)| h.trim_matches(['[', ']']).to_owned())
        .unwrap_or_else(|| "127.0.0.1".into());
    let mut text = format!(
        "Arize AX emulator listening on {url}  (seed: {})\n\
         Admin API key: {key}\n\n\
         Point ax or the official SDK at it:\n  \
         export ARIZE_API_KEY={key}\n  \
         export ARIZE_API_SCHEME=http\n  \
         export ARIZE_API_HOST={host}\n  \
         export ARIZE_API_PORT={}\n\
         or: ax --base-url {url} --api-key {key} spaces list\n",
        match args.seed {
            SeedArg::Demo => "demo",
            SeedArg::None => "none",
        },
        emu.port(),
    );
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
    if !args.no_control {
        text.push_str(&format!(
            "\nControl routes (no auth): {url}/_emulator/reset, /_emulator/seed, /_emulator/requests, ...\n"
        ));
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
    eprintln!("Emulator stopped.");
    Ok(())
}
