//! Micro-benchmark of ax-core's page decoders (JSON bytes → Arrow), without any network:
//! decodes one fixed page body N times on one thread and reports the thread's CPU time per
//! page (schedstat, so other processes on the machine do not count) and the wall time.
//!
//! ```text
//! decodebench [--kind tasks|runs|spaces|spaces-plain|users|ai_integrations] [--path serde]
//!             [--file PAGE.json] [--iters 2000] [--rounds 5] [--no-scan]
//! ```
//! `--path serde` decodes spaces and the lookup resources with the `serde_json` path alone
//! (what they used before the direct scanner), to compare both in one build. The built-in
//! `spaces` page has an escaped quote in every description (the scanner gives up on each
//! page: its worst case); `spaces-plain` is shaped like the emulator's spaces, with two of
//! the members only the model holds.
//! `--no-scan` skips the `scan_pagination` loop, so that `perf stat -e instructions,cycles`
//! around the process counts (almost) only the decoder.
//! Without `--file` it decodes a built-in page shaped like the emulator's bulk tasks / runs
//! (100 items, about 65 kB / 43 kB). Prints one JSON line per round with `cpu_us_per_page`,
//! plus the median, and a digest of the decoded batch (to check that two builds decode the
//! same page to the same data). Also times `scan_pagination` (the paginator's cursor read).

use std::hash::{Hash, Hasher};
use std::time::Instant;

use ax_core::api::lookups::{AiIntegrations, LookupResource, Users};
use ax_core::paginate::Resource;
use ax_core::table::declared::serde_declared_page;
use ax_core::table::space::serde_spaces_page;
use ax_core::table::{
    decode_spaces_page, decode_task_runs_page, decode_tasks_page, scan_pagination,
};

type Decoded = Result<(arrow_array::RecordBatch, ax_core::paginate::Pagination), String>;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// CPU time of the calling thread, in nanoseconds.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn synthetic(kind: &str) -> Vec<u8> {
    let mut out = String::new();
    match kind {
        "runs" => {
            out.push_str(r#"{"task_runs":["#);
            for i in 0..100 {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&format!(
                    r#"{{"id":"VGFza1J1bjo0MTAwMDpkUkU{i:02}","task_id":"T25saW5lVGFzazoyMTAwMDpRZW5s","experiment_id":null,"status":"COMPLETED","run_started_at":"2026-11-23T16:35:09.885Z","run_finished_at":"2026-11-23T16:35:09.885Z","data_start_time":"2026-11-23T15:35:09.885Z","data_end_time":"2026-11-23T16:35:09.885Z","num_successes":{},"num_errors":0,"num_skipped":0,"created_at":"2026-11-23T16:35:09.885Z","created_by_user_id":null,"failure_reason":null}}"#,
                    100 + i
                ));
            }
        }
        "spaces-plain" => {
            out.push_str(r#"{"spaces":["#);
            for i in 0..100 {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&format!(
                    r#"{{"id":"U3BhY2U6MTpBYkNk{i:02}","name":"space-{i}","description":"Production traffic of team {i}","created_at":"2026-01-05T10:00:00.123Z","organization_id":"T3JnOjE6QWJDZA==","is_private":false,"default_llm_integration":{{"integration_id":"TGxtSW50ZWdyYXRpb246MQ==","model_name":"gpt-4o-mini"}},"ml_models_enabled":true}}"#
                ));
            }
        }
        "users" => {
            out.push_str(r#"{"users":["#);
            for i in 0..100 {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&format!(
                    r#"{{"id":"VXNlcjoxNzpIajJr{i:02}","name":"User {i}","email":"user{i}@example.com","created_at":"2026-01-05T10:00:00Z","status":"ACTIVE","role":{{"type":"PREDEFINED","name":"MEMBER"}},"is_developer":false}}"#
                ));
            }
        }
        "ai_integrations" => {
            out.push_str(r#"{"ai_integrations":["#);
            for i in 0..100 {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&format!(
                    r#"{{"id":"TGxtSW50ZWdyYXRpb246{i:02}","name":"openai-{i}","provider":"openAI","has_api_key":true,"base_url":null,"model_names":["gpt-4o","gpt-4o-mini"],"headers":null,"enable_default_models":true,"function_calling_enabled":true,"auth_type":"default","provider_metadata":null,"scopings":[{{"organization_id":"T3JnOjE=","space_id":null}}],"created_at":"2026-01-05T10:00:00Z","updated_at":"2026-01-05T10:00:00Z","created_by_user_id":"VXNlcjoxNzpIajJr"}}"#
                ));
            }
        }
        "spaces" => {
            out.push_str(r#"{"spaces":["#);
            for i in 0..100 {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&format!(
                    r#"{{"id":"U3BhY2U6MTpBYkNk{i:02}","name":"space-{i}","description":"A \"quoted\" description","created_at":"2026-01-05T10:00:00Z","organization_id":"T3JnOjE6QWJDZA==","is_private":false}}"#
                ));
            }
        }
        _ => {
            out.push_str(r#"{"tasks":["#);
            for i in 0..100 {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&format!(
                    r#"{{"id":"T25saW5lVGFzazoyMDk5OTp2W{i:03}","name":"bulk-task-020{i:03}","type":"TEMPLATE_EVALUATION","project_id":"TW9kZWw6MzA6SGhuYw==","dataset_id":null,"sampling_rate":null,"is_continuous":false,"query_filter":null,"evaluators":[{{"evaluator_id":"RXZhbHVhdG9yOjM3OmxFaks=","evaluator_name":"hallucination","evaluator_version_id":null,"query_filter":null,"column_mappings":{{"input":"attributes.input.value","output":"attributes.output.value"}},"query_mappings":null}}],"experiment_ids":[],"run_configuration":null,"last_run_at":null,"created_at":"2026-11-23T16:35:09.811Z","updated_at":"2026-11-23T16:35:09.811Z","created_by_user_id":null,"query_filters":null}}"#
                ));
            }
        }
    }
    out.push_str(
        r#"],"pagination":{"has_more":true,"next_cursor":"AaRRAAAAAAAANtVEF9cTLbEXDsXSLJbgCw"}}"#,
    );
    out.into_bytes()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kind = arg(&args, "--kind").unwrap_or_else(|| "tasks".into());
    let iters: usize = arg(&args, "--iters")
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let rounds: usize = arg(&args, "--rounds")
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let no_scan = args.iter().any(|a| a == "--no-scan");
    let body = match arg(&args, "--file") {
        Some(path) => std::fs::read(&path).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(2)
        }),
        None => synthetic(&kind),
    };
    let serde = arg(&args, "--path").as_deref() == Some("serde");
    fn spaces_serde(b: &[u8]) -> Decoded {
        serde_spaces_page(b, (b.len() / 200).clamp(1, 1024))
    }
    fn declared_serde<R: LookupResource>(b: &[u8]) -> Decoded {
        let rows = (b.len() / 250).clamp(1, 1024);
        serde_declared_page(b, R::COLLECTION, R::COLUMNS, R::schema(), rows)
    }
    let (collection, decode): (&str, fn(&[u8]) -> Decoded) = match kind.as_str() {
        "runs" => ("task_runs", decode_task_runs_page),
        "spaces" | "spaces-plain" if serde => ("spaces", spaces_serde),
        "spaces" | "spaces-plain" => ("spaces", decode_spaces_page),
        "users" if serde => ("users", declared_serde::<Users>),
        "users" => ("users", Users::decode_page),
        "ai_integrations" if serde => ("ai_integrations", declared_serde::<AiIntegrations>),
        "ai_integrations" => ("ai_integrations", AiIntegrations::decode_page),
        _ => ("tasks", decode_tasks_page),
    };
    let kind = if serde { format!("{kind}/serde") } else { kind };
    let (batch, pagination) = decode(&body).unwrap_or_else(|e| {
        eprintln!("decode failed: {e}");
        std::process::exit(1)
    });
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{batch:?}{pagination:?}").hash(&mut h);
    let rows = batch.num_rows();
    let (mut cpu, mut scan) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (c0, t0) = (thread_cpu_ns(), Instant::now());
        for _ in 0..iters {
            std::hint::black_box(decode(std::hint::black_box(&body)).unwrap());
        }
        let wall = t0.elapsed().as_secs_f64() * 1e6 / iters as f64;
        let c = (thread_cpu_ns() - c0) as f64 / 1e3 / iters as f64;
        let s0 = thread_cpu_ns();
        for _ in 0..if no_scan { 0 } else { iters } {
            std::hint::black_box(scan_pagination(std::hint::black_box(&body), collection).unwrap());
        }
        let s = (thread_cpu_ns() - s0) as f64 / 1e3 / iters as f64;
        println!(
            "{{\"kind\":\"{kind}\",\"bytes\":{},\"rows\":{rows},\"cpu_us_per_page\":{c:.1},\"wall_us_per_page\":{wall:.1},\"scan_cpu_us_per_page\":{s:.1}}}",
            body.len()
        );
        cpu.push(c);
        scan.push(s);
    }
    println!(
        "{{\"kind\":\"{kind}\",\"median_cpu_us_per_page\":{:.1},\"median_scan_cpu_us_per_page\":{:.1},\"digest\":\"{:016x}\"}}",
        median(cpu),
        median(scan),
        h.finish()
    );
}
