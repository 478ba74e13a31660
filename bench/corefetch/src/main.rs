//! Scenario 3's middle point: every page of `GET /v2/tasks` walked and decoded into Arrow
//! record batches by ax-core (the package's Rust core: transport, prefetching paginator,
//! JSON -> Arrow), with no Python in the process.
//!
//! ```text
//! corefetch --base URL --key KEY --space SPACE_ID [--warmup 1] [--repeat 1] [--keep-pages]
//! ```
//! By default the walk is the package's `list_all` (`ax_core::api::tasks::list_listing`: pages
//! scanned straight into chunks of ~4,096 rows, no JSON body kept). `--keep-pages` collects
//! the pages as they come, each with its JSON body and its own batch (what `list_all` did
//! before 2026-12-01), to compare memory and time.
//! Prints one JSON line per timed walk: `{"seconds", "rows", "batches", "cpu_s", "peak_rss_kb",
//! "rss_kb"}` (peak and current resident size of the process after the walk).

use std::time::Instant;

use ax_core::api::tasks::{list_listing, list_pages, ListTasksParams};
use ax_core::{Client, Config, ConfigInput};
use futures::TryStreamExt;

#[cfg(feature = "jemalloc")]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn proc_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// CPU time of every thread of this process, in seconds (from schedstat, ns resolution).
fn cpu_s() -> f64 {
    let mut ns = 0u64;
    if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
        for t in dir.flatten() {
            if let Ok(s) = std::fs::read_to_string(t.path().join("schedstat")) {
                ns += s
                    .split_whitespace()
                    .next()
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0);
            }
        }
    }
    ns as f64 / 1e9
}

// A current-thread runtime, as the package's blocking `list_all` uses (src/runtime.rs `walk`).
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let need = |n: &str| {
        arg(&args, n).unwrap_or_else(|| {
            eprintln!("missing {n}");
            std::process::exit(2)
        })
    };
    let (base, key, space) = (need("--base"), need("--key"), need("--space"));
    let warmup: usize = arg(&args, "--warmup")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let repeat: usize = arg(&args, "--repeat")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    for i in 0..warmup + repeat {
        let input = ConfigInput {
            api_key: Some(key.clone()),
            base_url: Some(base.clone()),
            ..Default::default()
        };
        let client =
            Client::new(Config::resolve(input, &|_| None).expect("config")).expect("client");
        let params = ListTasksParams {
            space: Some(space.clone()),
            limit: Some(100),
            ..Default::default()
        };
        let (c0, t) = (cpu_s(), Instant::now());
        // As the package's blocking `list_all`: pages scanned into a `Listing`'s chunks.
        // `--keep-pages` collects the pages with their bodies instead.
        let keep_pages = args.iter().any(|a| a == "--keep-pages");
        let collected = if keep_pages {
            list_pages(&client, params)
                .try_collect::<Vec<_>>()
                .await
                .map(|pages| (pages.iter().map(|p| p.batch.num_rows()).sum(), pages.len()))
        } else {
            list_listing(&client, params)
                .await
                .map(|l| (l.num_rows(), l.batches().len()))
        };
        let (rows, batches): (usize, usize) = collected.unwrap_or_else(|e| {
            eprintln!("list_all failed: {e}");
            std::process::exit(1)
        });
        let secs = t.elapsed().as_secs_f64();
        let cpu = cpu_s() - c0;
        if i >= warmup {
            println!(
                "{{\"seconds\":{secs},\"rows\":{rows},\"batches\":{batches},\"cpu_s\":{cpu},\"peak_rss_kb\":{},\"rss_kb\":{}}}",
                proc_kb("VmHWM:"),
                proc_kb("VmRSS:")
            );
        }
    }
}
