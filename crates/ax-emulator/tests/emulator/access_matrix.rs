//! The whole access matrix of API.md §1.4 (and the crate docs): every caller role ×
//! every `/v2` operation on space-scoped resources × {own space, another organization's
//! space}; plus 401 on every route without a key or with a wrong one, and no echo of the
//! caller's key anywhere.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::*;

/// What a caller may do in a space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// Space ADMIN, or account ADMIN in the space's organization.
    Full,
    /// Space MEMBER: read, write content; not administer the space.
    Member,
    /// READ_ONLY, ANNOTATOR: read only.
    ReadOnly,
    /// No membership: the space does not exist for the caller.
    None,
}

/// What kind of operation, and so which statuses it may answer.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A read: `ok` when visible, else 404.
    Read,
    /// A list: 200 either way; the target row is listed exactly when visible. Recorded
    /// as 200 (listed) or 404 (left out).
    Listed,
    /// A list filtered on the space that is 404 for an invisible space.
    FilteredList,
    /// Writing the space's content (tasks, runs): ADMIN/MEMBER `ok`, read-only 403,
    /// none 404.
    ContentWrite,
    /// Administering the space (update, delete, members): ADMIN `ok`, MEMBER and
    /// read-only 403, none 404.
    SpaceAdmin,
}

fn expected(kind: Kind, access: Access, ok: u16) -> u16 {
    let visible = access != Access::None;
    match kind {
        Kind::Read | Kind::FilteredList => {
            if visible {
                ok
            } else {
                404
            }
        }
        Kind::Listed => {
            if visible {
                200
            } else {
                404
            }
        }
        Kind::ContentWrite => match access {
            Access::Full | Access::Member => ok,
            Access::ReadOnly => 403,
            Access::None => 404,
        },
        Kind::SpaceAdmin => match access {
            Access::Full => ok,
            Access::Member | Access::ReadOnly => 403,
            Access::None => 404,
        },
    }
}

/// One operation of the matrix. Paths and bodies use placeholders filled per case:
/// `{space}`, `{task}`, `{task2}`, `{run}`, `{project}`, `{dataset}`, `{evaluator}`,
/// `{integration}`, `{add_user}`, `{member}`.
struct Op {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    body: Option<&'static str>,
    kind: Kind,
    ok: u16,
    /// For `Listed`: the list key and the placeholder whose ID must be listed.
    listed: Option<(&'static str, &'static str)>,
}

const fn op(
    name: &'static str,
    method: &'static str,
    path: &'static str,
    body: Option<&'static str>,
    kind: Kind,
    ok: u16,
) -> Op {
    Op {
        name,
        method,
        path,
        body,
        kind,
        ok,
        listed: None,
    }
}

const fn listed(name: &'static str, path: &'static str, key: &'static str, id: &'static str) -> Op {
    Op {
        name,
        method: "GET",
        path,
        body: None,
        kind: Kind::Listed,
        ok: 200,
        listed: Some((key, id)),
    }
}

/// In execution order: reads, then content writes, then space administration, delete
/// last.
const OPS: &[Op] = &[
    op(
        "space get",
        "GET",
        "/v2/spaces/{space}",
        None,
        Kind::Read,
        200,
    ),
    listed("space list", "/v2/spaces?limit=100", "spaces", "{space}"),
    op(
        "task list (space filter)",
        "GET",
        "/v2/tasks?space_id={space}",
        None,
        Kind::FilteredList,
        200,
    ),
    op("task get", "GET", "/v2/tasks/{task}", None, Kind::Read, 200),
    op(
        "task runs list",
        "GET",
        "/v2/tasks/{task}/runs",
        None,
        Kind::Read,
        200,
    ),
    op(
        "run get",
        "GET",
        "/v2/task-runs/{run}",
        None,
        Kind::Read,
        200,
    ),
    listed(
        "project list",
        "/v2/projects?space_id={space}",
        "projects",
        "{project}",
    ),
    op(
        "project get",
        "GET",
        "/v2/projects/{project}",
        None,
        Kind::Read,
        200,
    ),
    listed(
        "dataset list",
        "/v2/datasets?space_id={space}",
        "datasets",
        "{dataset}",
    ),
    op(
        "dataset get",
        "GET",
        "/v2/datasets/{dataset}",
        None,
        Kind::Read,
        200,
    ),
    listed(
        "experiment list",
        "/v2/experiments?dataset_id={dataset}",
        "experiments",
        "{experiment}",
    ),
    listed(
        "evaluator list",
        "/v2/evaluators?space_id={space}",
        "evaluators",
        "{evaluator}",
    ),
    op(
        "evaluator get",
        "GET",
        "/v2/evaluators/{evaluator}",
        None,
        Kind::Read,
        200,
    ),
    listed(
        "ai integration list",
        "/v2/ai-integrations?space_id={space}",
        "ai_integrations",
        "{integration}",
    ),
    op(
        "ai integration get",
        "GET",
        "/v2/ai-integrations/{integration}",
        None,
        Kind::Read,
        200,
    ),
    op(
        "task create",
        "POST",
        "/v2/tasks",
        Some("{new_task}"),
        Kind::ContentWrite,
        201,
    ),
    op(
        "task update",
        "PATCH",
        "/v2/tasks/{task}",
        Some(r#"{"name": "renamed by the caller"}"#),
        Kind::ContentWrite,
        200,
    ),
    op(
        "task trigger",
        "POST",
        "/v2/tasks/{task}/trigger",
        Some("{}"),
        Kind::ContentWrite,
        201,
    ),
    op(
        "run cancel",
        "POST",
        "/v2/task-runs/{run}/cancel",
        Some("{}"),
        Kind::ContentWrite,
        200,
    ),
    op(
        "task delete",
        "DELETE",
        "/v2/tasks/{task2}",
        None,
        Kind::ContentWrite,
        204,
    ),
    op(
        "space update",
        "PATCH",
        "/v2/spaces/{space}",
        Some(r#"{"description": "touched"}"#),
        Kind::SpaceAdmin,
        200,
    ),
    op(
        "space add user",
        "POST",
        "/v2/spaces/{space}/users",
        Some(r#"{"user_id": "{add_user}", "role": {"type": "PREDEFINED", "name": "READ_ONLY"}}"#),
        Kind::SpaceAdmin,
        200,
    ),
    op(
        "space remove user",
        "DELETE",
        "/v2/spaces/{space}/users/{member}",
        None,
        Kind::SpaceAdmin,
        204,
    ),
    op(
        "space delete",
        "DELETE",
        "/v2/spaces/{space}",
        None,
        Kind::SpaceAdmin,
        204,
    ),
];

fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut s = template.to_owned();
    for (k, v) in vars {
        s = s.replace(k, v);
    }
    s
}

fn method(m: &str) -> Method {
    Method::from_bytes(m.as_bytes()).unwrap()
}

/// A key for the role, the user ID behind it, and its access to `own` (its access to the
/// other organization's space is always `None`).
fn caller(api: &Api, role: &str, own: &str) -> (String, Access) {
    let c = api.emu.control();
    match role {
        "account ADMIN" => {
            let acme = api.org_id("Acme AI");
            let user = c
                .create_user("Acme Admin", "acme.admin@example.com", "ADMIN", &[acme])
                .unwrap();
            (c.create_key(&user).unwrap(), Access::Full)
        }
        "ADMIN" => (c.key_for_space_role(own, "ADMIN").unwrap(), Access::Full),
        "MEMBER" => (c.key_for_space_role(own, "MEMBER").unwrap(), Access::Member),
        "READ_ONLY" | "ANNOTATOR" => (c.key_for_space_role(own, role).unwrap(), Access::ReadOnly),
        "outsider" => (c.key_for_space_role(own, "NONE").unwrap(), Access::None),
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn full_access_matrix() {
    let api = start().await;
    let ctl = api.emu.control();
    let roles = [
        "account ADMIN",
        "ADMIN",
        "MEMBER",
        "READ_ONLY",
        "ANNOTATOR",
        "outsider",
    ];
    let targets = [("own", "Acme AI"), ("other org", "Globex Research")];
    let mut checked = 0usize;
    let mut failures = Vec::new();
    for role in roles {
        for (target_label, org) in targets {
            // A fresh world per case: the writes of one case must not affect the next.
            ctl.reset();
            ctl.set_run_timeline(ax_emulator::RunTimeline {
                never_finish: true,
                ..Default::default()
            });
            let own = api.space_id("Acme AI", "production");
            let (key, own_access) = caller(&api, role, &own);
            let access = if org == "Acme AI" {
                own_access
            } else {
                Access::None
            };
            let c = api.content(org, "production");
            // Fixtures, made by the seeded admin (account ADMIN in both organizations).
            let task = api.create_task(&dataset_task(&c, "fixture")).await;
            let task = tid(&task);
            let task2 = tid(&api.create_task(&dataset_task(&c, "to delete")).await);
            let run = trigger(&api, &task, json!({})).await;
            assert_eq!(run.status, 201, "{}", run.text);
            let run = run.body["id"].as_str().unwrap().to_owned();
            let (add_user, member) = if org == "Acme AI" {
                (
                    api.user_id("sam.spare@example.com"),
                    api.user_id("rita.reader@example.com"),
                )
            } else {
                let otto = api.user_id("otto.globex@example.com");
                (otto.clone(), otto)
            };
            let new_task = dataset_task(&c, "by the caller").to_string();
            let vars = [
                ("{new_task}", new_task),
                ("{space}", c.space.clone()),
                ("{task2}", task2),
                ("{task}", task),
                ("{run}", run),
                ("{project}", c.project.clone()),
                ("{dataset}", c.dataset.clone()),
                ("{experiment}", c.baseline.clone()),
                ("{evaluator}", c.hallucination.clone()),
                ("{integration}", c.integration.clone()),
                ("{add_user}", add_user),
                ("{member}", member),
            ];
            for o in OPS {
                let path = fill(o.path, &vars);
                let body = o.body.map(|b| fill(b, &vars));
                let r = api
                    .send(method(o.method), Some(&key), &path, body.as_deref())
                    .await;
                let got = match o.listed {
                    Some((list_key, id)) => {
                        assert_eq!(
                            r.status, 200,
                            "{role}/{target_label} {}: {}",
                            o.name, r.text
                        );
                        let id = fill(id, &vars);
                        let ids: Vec<&str> = r.body[list_key]
                            .as_array()
                            .unwrap_or_else(|| panic!("{}: {}", o.name, r.text))
                            .iter()
                            .map(|v| v["id"].as_str().unwrap())
                            .collect();
                        if ids.contains(&id.as_str()) {
                            200
                        } else {
                            404
                        }
                    }
                    None => r.status,
                };
                let want = expected(o.kind, access, o.ok);
                if got != want {
                    failures.push(format!(
                        "{role} on {target_label} space: {} {} {path} -> {got}, expected {want}: {}",
                        o.name, o.method, r.text
                    ));
                }
                if r.status >= 400 {
                    r.assert_problem(r.status);
                }
                assert!(!r.text.contains(&key), "{} echoes the key", o.name);
                checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, roles.len() * targets.len() * OPS.len());
    println!(
        "access matrix: {checked} cases ({} roles x {} targets x {} operations)",
        roles.len(),
        targets.len(),
        OPS.len()
    );
}

/// Every `/v2` route the emulator serves, with real IDs.
fn every_route(api: &Api) -> Vec<(Method, String, Option<String>)> {
    let c = api.prod();
    let s = &c.space;
    let user = api.user_id("sam.spare@example.com");
    let org = api.org_id("Acme AI");
    let task_body = dataset_task(&c, "unauthenticated").to_string();
    let g = |p: String| (Method::GET, p, None);
    vec![
        g("/v2/spaces".into()),
        (
            Method::POST,
            "/v2/spaces".into(),
            Some(json!({"name": "x", "organization_id": org}).to_string()),
        ),
        g(format!("/v2/spaces/{s}")),
        (
            Method::PATCH,
            format!("/v2/spaces/{s}"),
            Some(r#"{"description": "x"}"#.into()),
        ),
        (Method::DELETE, format!("/v2/spaces/{s}"), None),
        (
            Method::POST,
            format!("/v2/spaces/{s}/users"),
            Some(
                json!({"user_id": user, "role": {"type": "PREDEFINED", "name": "MEMBER"}})
                    .to_string(),
            ),
        ),
        (Method::DELETE, format!("/v2/spaces/{s}/users/{user}"), None),
        g("/v2/organizations".into()),
        g(format!("/v2/organizations/{org}")),
        g("/v2/users".into()),
        g(format!("/v2/users/{user}")),
        g("/v2/projects".into()),
        g(format!("/v2/projects/{}", c.project)),
        g("/v2/datasets".into()),
        g(format!("/v2/datasets/{}", c.dataset)),
        g("/v2/experiments".into()),
        g("/v2/evaluators".into()),
        g(format!("/v2/evaluators/{}", c.hallucination)),
        g("/v2/ai-integrations".into()),
        g(format!("/v2/ai-integrations/{}", c.integration)),
        g("/v2/tasks".into()),
        (Method::POST, "/v2/tasks".into(), Some(task_body)),
        g("/v2/tasks/some-task".into()),
        (
            Method::PATCH,
            "/v2/tasks/some-task".into(),
            Some(r#"{"name": "x"}"#.into()),
        ),
        (Method::DELETE, "/v2/tasks/some-task".into(), None),
        (
            Method::POST,
            "/v2/tasks/some-task/trigger".into(),
            Some("{}".into()),
        ),
        g("/v2/tasks/some-task/runs".into()),
        g("/v2/task-runs/some-run".into()),
        (
            Method::POST,
            "/v2/task-runs/some-run/cancel".into(),
            Some("{}".into()),
        ),
    ]
}

#[tokio::test]
async fn every_route_is_401_without_a_valid_key_and_never_echoes_it() {
    let api = start().await;
    let routes = every_route(&api);
    assert_eq!(routes.len(), 29);
    let secret = "sk-emulator-secret-4f1d9c";
    let headers: [Option<String>; 6] = [
        None,
        Some(format!("Bearer {secret}")),
        Some(format!("bearer {secret}x")),
        Some(format!("Basic {secret}")),
        Some(format!("Bearer{secret}")),
        Some("Bearer ".into()),
    ];
    let mut checked = 0;
    for (m, path, body) in &routes {
        for h in &headers {
            let mut req = api
                .http
                .request(m.clone(), format!("{}{path}", api.emu.url()));
            if let Some(h) = h {
                req = req.header("Authorization", h);
            }
            if let Some(b) = body {
                req = req
                    .header("Content-Type", "application/json")
                    .body(b.clone());
            }
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let head = format!("{:?}", resp.headers());
            let text = resp.text().await.unwrap();
            assert_eq!(status, 401, "{m} {path} with {h:?}: {text}");
            assert!(!text.contains(secret) && !head.contains(secret), "{text}");
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(v["status"], 401);
            assert_eq!(v["instance"], path.split('?').next().unwrap());
            checked += 1;
        }
    }
    // Nothing changed, and the request log does not hold the key either.
    let log = serde_json::to_string(&api.emu.control().requests()).unwrap();
    assert!(!log.contains(secret));
    assert!(!log.to_ascii_lowercase().contains("authorization"));
    assert!(!log.contains(ADMIN));
    assert_eq!(api.emu.control().requests().len(), checked);
    assert_eq!(
        api.get(ADMIN, "/v2/spaces?limit=100").await.body["spaces"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    println!(
        "401 checks: {checked} ({} routes x {} header variants)",
        routes.len(),
        headers.len()
    );

    // A valid key is never echoed either, not in bodies, headers or the log, and not in
    // fault answers.
    let ctl = api.emu.control();
    ctl.add_fault(ax_emulator::Fault {
        path: "/v2/users".into(),
        status: Some(500),
        ..Default::default()
    });
    for (m, path, body) in &routes {
        let r = api
            .send(m.clone(), Some(ADMIN), path, body.as_deref())
            .await;
        assert!(!r.text.contains(ADMIN), "{m} {path}: {}", r.text);
        assert!(!format!("{:?}", r.headers).contains(ADMIN));
    }
    let log = serde_json::to_string(&ctl.requests()).unwrap();
    assert!(!log.contains(ADMIN));
}
