//! Runs the emulator on a fixed port until killed:
//! `cargo run -p ax-emulator --example serve -- [PORT] [--seed none] [--lenient] [--control]`
//! (`--control` also serves the unauthenticated `/_emulator` routes).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use ax_emulator::{Emulator, EmulatorOptions, Seed};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut opts = EmulatorOptions::default();
    let mut port = 8080;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => {
                opts.seed = match args.next().as_deref() {
                    Some("none") => Seed::None,
                    _ => Seed::Demo,
                }
            }
            "--lenient" => opts.lenient = true,
            "--control" => opts.control = true,
            p => port = p.parse().expect("PORT must be a number"),
        }
    }
    opts.bind = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
    let emu = Emulator::start(opts).await?;
    println!("{} (key {})", emu.url(), emu.admin_key());
    std::future::pending::<()>().await;
    Ok(())
}
