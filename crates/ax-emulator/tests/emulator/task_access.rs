//! The role matrix for tasks and runs: space ADMIN/MEMBER (and org account ADMIN) may
//! write; READ_ONLY/ANNOTATOR may read (writes 403); no access is 404 everywhere.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn role_matrix_for_task_reads_and_writes() {
    let api = start().await;
    let c = api.prod();
    api.fast_runs(60_000, 10);
    let ctl = api.emu.control();
    // (label, key, may read, may write)
    let mut callers = vec![("org admin", ADMIN.to_owned(), true, true)];
    for (role, read, write) in [
        ("ADMIN", true, true),
        ("MEMBER", true, true),
        ("READ_ONLY", true, false),
        ("ANNOTATOR", true, false),
        ("NONE", false, false),
    ] {
        callers.push((
            role,
            ctl.key_for_space_role(&c.space, role).unwrap(),
            read,
            write,
        ));
    }
    for (i, (label, key, read, write)) in callers.iter().enumerate() {
        let expect = |ok: u16, allowed: bool| {
            if allowed {
                ok
            } else if *read {
                403
            } else {
                404
            }
        };
        let fixture = api
            .create_task(&dataset_task(&c, &format!("fixture {i}")))
            .await;
        let id = fixture["id"].as_str().unwrap();
        let run = api
            .post(ADMIN, &format!("/v2/tasks/{id}/trigger"), &json!({}))
            .await;
        let run_id = run.body["id"].as_str().unwrap();

        let status = |r: &Resp| r.status;
        let create = api
            .post(key, "/v2/tasks", &dataset_task(&c, &format!("by {label}")))
            .await;
        assert_eq!(
            status(&create),
            expect(201, *write),
            "{label} create: {}",
            create.text
        );
        let get = api.get(key, &format!("/v2/tasks/{id}")).await;
        assert_eq!(status(&get), if *read { 200 } else { 404 }, "{label} get");
        let list = api
            .get(key, &format!("/v2/tasks?space_id={}", c.space))
            .await;
        assert_eq!(status(&list), if *read { 200 } else { 404 }, "{label} list");
        let runs = api.get(key, &format!("/v2/tasks/{id}/runs")).await;
        assert_eq!(
            status(&runs),
            if *read { 200 } else { 404 },
            "{label} list runs"
        );
        let one = api.get(key, &format!("/v2/task-runs/{run_id}")).await;
        assert_eq!(
            status(&one),
            if *read { 200 } else { 404 },
            "{label} get run"
        );
        let upd = api
            .patch(
                key,
                &format!("/v2/tasks/{id}"),
                &json!({"name": format!("renamed {i}")}),
            )
            .await;
        assert_eq!(
            status(&upd),
            expect(200, *write),
            "{label} update: {}",
            upd.text
        );
        let trig = api
            .post(key, &format!("/v2/tasks/{id}/trigger"), &json!({}))
            .await;
        assert_eq!(
            status(&trig),
            expect(201, *write),
            "{label} trigger: {}",
            trig.text
        );
        let cancel = api
            .post(key, &format!("/v2/task-runs/{run_id}/cancel"), &json!({}))
            .await;
        assert_eq!(
            status(&cancel),
            expect(200, *write),
            "{label} cancel: {}",
            cancel.text
        );
        let del = api.delete(key, &format!("/v2/tasks/{id}")).await;
        assert_eq!(
            status(&del),
            expect(204, *write),
            "{label} delete: {}",
            del.text
        );
        for r in [&create, &upd, &trig, &cancel, &del] {
            if r.status >= 400 {
                r.assert_problem(r.status);
            }
        }
    }
    // An org account ADMIN of another organization sees nothing of Acme's.
    let globex = api.org_id("Globex Research");
    let other_admin = ctl
        .create_user("Gus Globex", "gus@example.com", "ADMIN", &[globex])
        .unwrap();
    let key = ctl.create_key(&other_admin).unwrap();
    api.post(&key, "/v2/tasks", &dataset_task(&c, "x"))
        .await
        .assert_problem(404);
}
