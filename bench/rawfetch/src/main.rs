//! The smallest client that can walk a cursor-paginated list: the "wire limit" of
//! bench scenario 3, plus a bounded HTTP load generator (scenario 6's fallback when
//! `wrk` is missing).
//!
//! ```text
//! rawfetch fetch --base URL --key KEY --path '/v2/tasks?space_id=..&limit=100' [--warmup 1] [--repeat 1]
//! rawfetch load  --url URL --key KEY [--connections 64] [--seconds 5] [--max-requests 500000]
//! ```
//!
//! `fetch` sends one request per page, keeps each body as bytes, finds
//! `"next_cursor":"..."` by a byte search (no JSON decoding) and stops when there is
//! none. Each timed walk prints one JSON line:
//! `{"seconds", "pages", "bytes", "cpu_s", "peak_rss_kb"}` (cpu_s: all threads of the process).
//! `load` keeps `connections` requests in flight until `seconds` pass or `max-requests`
//! are sent, then prints `{"requests", "errors", "seconds", "rps", "p50_ms", "p99_ms"}`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const MAX_PAGES: usize = 100_000;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn need(args: &[String], name: &str) -> String {
    arg(args, name).unwrap_or_else(|| {
        eprintln!("missing {name}");
        std::process::exit(2)
    })
}

fn num<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    arg(args, name)
        .map(|v| {
            v.parse().unwrap_or_else(|_| {
                eprintln!("bad value for {name}");
                std::process::exit(2)
            })
        })
        .unwrap_or(default)
}

/// The value of `"next_cursor":"..."` in a page body, found from the end (the
/// pagination object closes the body), or None for null / absent.
fn next_cursor(body: &[u8]) -> Option<&[u8]> {
    const KEY: &[u8] = b"\"next_cursor\":";
    let start = body.len().saturating_sub(512);
    let tail = &body[start..];
    let pos = tail.windows(KEY.len()).rposition(|w| w == KEY)?;
    let rest = &tail[pos + KEY.len()..];
    let rest = rest.strip_prefix(b"\"")?; // null -> None
    let end = rest.iter().position(|&b| b == b'"')?;
    Some(&rest[..end])
}

fn percent_encode(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for &b in raw {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|v| v.parse().unwrap_or(0)))
        })
        .unwrap_or(0)
}

async fn walk(client: &reqwest::Client, base: &str, path: &str, key: &str) -> (usize, usize) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut url = format!("{base}{path}");
    let (mut pages, mut bytes) = (0usize, 0usize);
    loop {
        let resp = client
            .get(&url)
            .header("authorization", format!("Bearer {key}"))
            .send()
            .await
            .unwrap_or_else(|e| {
                eprintln!("request failed: {e}");
                std::process::exit(1)
            });
        if !resp.status().is_success() {
            eprintln!("HTTP {} for {url}", resp.status());
            std::process::exit(1)
        }
        let body = resp.bytes().await.unwrap_or_else(|e| {
            eprintln!("body failed: {e}");
            std::process::exit(1)
        });
        pages += 1;
        bytes += body.len();
        match next_cursor(&body) {
            Some(c) if pages < MAX_PAGES => {
                url = format!("{base}{path}{sep}cursor={}", percent_encode(c));
            }
            _ => break,
        }
    }
    (pages, bytes)
}

async fn fetch(args: Vec<String>) {
    let base = need(&args, "--base");
    let key = need(&args, "--key");
    let path = need(&args, "--path");
    let warmup: usize = num(&args, "--warmup", 1);
    let repeat: usize = num(&args, "--repeat", 1);
    for i in 0..warmup + repeat {
        let client = reqwest::Client::new();
        let (c0, t) = (cpu_s(), Instant::now());
        let (pages, bytes) = walk(&client, &base, &path, &key).await;
        let secs = t.elapsed().as_secs_f64();
        let cpu = cpu_s() - c0;
        if i >= warmup {
            println!(
                "{{\"seconds\":{secs},\"pages\":{pages},\"bytes\":{bytes},\"cpu_s\":{cpu},\"peak_rss_kb\":{}}}",
                peak_rss_kb()
            );
        }
    }
}

async fn load(args: Vec<String>) {
    let url = need(&args, "--url");
    let key = need(&args, "--key");
    let conns: usize = num(&args, "--connections", 64);
    let seconds: f64 = num(&args, "--seconds", 5.0);
    let max_requests: u64 = num(&args, "--max-requests", 500_000);
    let auth = format!("Bearer {key}");
    let sent = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..conns {
        // One client per worker: one keep-alive connection each, as wrk does.
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .expect("client");
        let (url, auth, sent, errors) = (url.clone(), auth.clone(), sent.clone(), errors.clone());
        handles.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while Instant::now() < deadline && sent.fetch_add(1, Ordering::Relaxed) < max_requests {
                let t = Instant::now();
                let ok = match client.get(&url).header("authorization", &auth).send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if !ok {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                lat.push(t.elapsed().as_secs_f64() * 1e3);
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for h in handles {
        lat.extend(h.await.expect("worker"));
    }
    let secs = start.elapsed().as_secs_f64();
    lat.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| {
        if lat.is_empty() {
            0.0
        } else {
            lat[((lat.len() - 1) as f64 * p) as usize]
        }
    };
    println!(
        "{{\"requests\":{},\"errors\":{},\"seconds\":{secs},\"rps\":{},\"p50_ms\":{},\"p99_ms\":{}}}",
        lat.len(),
        errors.load(Ordering::Relaxed),
        lat.len() as f64 / secs,
        pct(0.5),
        pct(0.99)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cmd = args.get(1).cloned().unwrap_or_default();
    match cmd.as_str() {
        "fetch" => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(fetch(args)),
        "load" => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(load(args)),
        _ => {
            eprintln!("usage: rawfetch fetch|load ... (see the source header)");
            std::process::exit(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cursor() {
        let b = br#"{"tasks":[],"pagination":{"has_more":true,"next_cursor":"Ab-_9"}}"#;
        assert_eq!(next_cursor(b), Some(&b"Ab-_9"[..]));
        let b = br#"{"tasks":[],"pagination":{"has_more":false,"next_cursor":null}}"#;
        assert_eq!(next_cursor(b), None);
    }
}
