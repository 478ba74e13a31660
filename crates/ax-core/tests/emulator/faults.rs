//! Random faults with a fixed seed over a long listing: every item exactly once, in server
//! order, whatever mix of 5xx, 429, resets, cut bodies and empty pages the server throws.

use arrow_array::{Array, StringArray};
use ax_core::api::tasks::{self, ListTasksParams, TaskResource};
use ax_core::paginate::Page;
use ax_emulator::{Fault, FaultAction};
use futures::TryStreamExt;

use crate::common::{client_with, Env};

fn ids(pages: &[Page<TaskResource>]) -> Vec<String> {
    let mut out = Vec::new();
    for p in pages {
        let col = p
            .batch
            .column_by_name("id")
            .expect("id column")
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("id is a string column");
        out.extend((0..col.len()).map(|i| col.value(i).to_owned()));
    }
    out
}

fn random(probability: f64) -> Fault {
    Fault {
        method: Some("GET".into()),
        path: "/v2/tasks*".into(),
        unlimited: true,
        probability,
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_under_random_faults_is_exact() {
    let env = Env::start().await;
    let space = env.space_ids("staging")[0].clone();
    env.emu
        .control()
        .bulk_seed_tasks(&space, 3000, 0)
        .expect("bulk seed");
    let params = |limit| ListTasksParams {
        space: Some(space.clone()),
        limit: Some(limit),
        ..Default::default()
    };
    let expected = ids(&tasks::list_all(&env.client, params(100)).await.unwrap());
    assert!(expected.len() >= 3000);

    let client = client_with(&env.emu, env.emu.admin_key(), |i| i.max_retries = Some(10));
    let control = env.emu.control();
    for seed in [1_u64, 99] {
        control.clear_faults();
        control.clear_fault_stats();
        control.set_fault_seed(seed);
        control.add_fault(Fault {
            status: Some(503),
            ..random(0.06)
        });
        control.add_fault(Fault {
            status: Some(502),
            body: Some("<html><h1>502 Bad Gateway</h1></html>".into()),
            ..random(0.03)
        });
        control.add_fault(Fault {
            status: Some(429),
            retry_after: Some("0".into()),
            ..random(0.02)
        });
        for action in [
            FaultAction::Reset,
            FaultAction::Truncate,
            FaultAction::EmptyPage,
        ] {
            control.add_fault(Fault {
                action: Some(action),
                ..random(0.03)
            });
        }
        let pages: Vec<Page<TaskResource>> = tasks::list_pages(&client, params(3))
            .try_collect()
            .await
            .expect("the listing rides through every fault");
        assert_eq!(ids(&pages), expected, "seed {seed}");
        let stats = control.fault_stats();
        assert!(stats.requests >= 1000, "{stats:?}");
        let rate = stats.fired as f64 / stats.requests as f64;
        assert!((0.12..0.30).contains(&rate), "seed {seed}: {stats:?}");
        println!(
            "seed {seed}: {} requests, {} faults fired, {} items checked",
            stats.requests,
            stats.fired,
            expected.len()
        );
    }
}
