//! Unit tests of the run engine (`runs.rs`).

use super::*;

fn run(plan: Plan, created: i64) -> TaskRun {
    TaskRun::new(7, "r".into(), "t", "s", Timestamp::from_ms(created), plan)
}

/// `write_json` gives the derived `Serialize`'s bytes, through every state of a run,
/// with and without the optional fields, and with strings that need escaping.
#[test]
fn write_json_like_serde() {
    let t = RunTimeline {
        pending_ms: 100,
        running_ms: 1000,
        failure_rate: 0.5,
        never_finish: false,
    };
    for (k, seed) in (0..40u64).enumerate() {
        let mut r = run(Plan::draw(&t, 200, seed), 1_000);
        if k % 2 == 1 {
            r.id = "run \"quoted\" \\ \u{1}".into();
            r.experiment_id = Some("exp-é".into());
            r.data_start_time = Some(Timestamp::from_ms(500));
            r.data_end_time = Some(Timestamp::from_ms(900));
            r.created_by_user_id = Some("user\n1".into());
        }
        if k % 5 == 0 {
            r.pin(RunStatus::Cancelled, Some("stopped \"by hand\""), 1_500);
        }
        for now in [1_050, 1_300, 1_900, 5_000] {
            let j = r.json(now);
            let mut out = Vec::new();
            j.write_json(&mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&j).unwrap()
            );
        }
    }
}

#[test]
fn lifecycle_by_time() {
    let t = RunTimeline {
        pending_ms: 100,
        running_ms: 1000,
        ..Default::default()
    };
    let r = run(Plan::draw(&t, 200, 7), 1_000);
    assert_eq!(r.snapshot(1_050).status, RunStatus::Pending);
    let a = r.snapshot(1_300);
    assert_eq!(a.status, RunStatus::Running);
    assert_eq!(a.started_ms, Some(1_100));
    let b = r.snapshot(1_900);
    assert!(b.counts.successes > a.counts.successes);
    let c = r.snapshot(5_000);
    assert_eq!(c.status, RunStatus::Completed);
    assert_eq!(c.finished_ms, Some(2_100));
    let n = c.counts;
    assert_eq!(n.successes + n.errors + n.skipped, 200);
    assert!(c.failure_reason.is_none());
}

/// A burst's later runs carry `created_at` labels pushed a few ms ahead by the strictly
/// increasing clock; their timeline still counts from when they were really created.
#[test]
fn the_timeline_counts_from_the_real_creation() {
    let t = RunTimeline {
        pending_ms: 100,
        running_ms: 400,
        ..Default::default()
    };
    let now = chrono::Utc::now().timestamp_millis();
    let label = now + 40; // the 41st run of a burst
    let r = run(Plan::draw(&t, 10, 1), label);
    let born = r.born_ms;
    assert!((now..label).contains(&born), "{born} not in {now}..{label}");
    assert_eq!(r.snapshot(born + 100).started_ms, Some(born + 100));
    assert_eq!(r.snapshot(born + 600).finished_ms, Some(born + 500));
    // Never started before its label: with no pending time, it starts at the label.
    let quick = RunTimeline { pending_ms: 0, ..t };
    let r = run(Plan::draw(&quick, 10, 1), label);
    assert_eq!(r.snapshot(label + 1).started_ms, Some(label));
}

#[test]
fn failures_cancel_and_never_finish() {
    let t = RunTimeline {
        pending_ms: 0,
        running_ms: 10,
        failure_rate: 1.0,
        never_finish: false,
    };
    let r = run(Plan::draw(&t, 50, 1), 0);
    let s = r.snapshot(100);
    assert_eq!(s.status, RunStatus::Failed);
    assert!(s.failure_reason.is_some());

    let forever = RunTimeline {
        never_finish: true,
        ..Default::default()
    };
    let mut r = run(Plan::draw(&forever, 50, 1), 0);
    assert_eq!(r.snapshot(10_000_000).status, RunStatus::Running);
    let before = r.snapshot(10_000).counts;
    r.pin(RunStatus::Cancelled, None, 10_000);
    let s = r.snapshot(20_000);
    assert_eq!(s.status, RunStatus::Cancelled);
    assert_eq!(s.failure_reason, Some(CANCELLED_BY_USER));
    assert_eq!(s.finished_ms, Some(10_000));
    assert_eq!(s.counts, before);
    r.pin(RunStatus::Completed, None, 30_000);
    assert!(r.snapshot(30_000).counts.successes >= before.successes);
}
