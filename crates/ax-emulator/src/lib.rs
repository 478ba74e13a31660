//! A local emulator of the Arize AX REST API v2: spaces, tasks and task runs, and the
//! resources they refer to (organizations, users, projects, datasets, experiments,
//! evaluators, AI integrations).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use ax_emulator::{Emulator, EmulatorOptions};
//! let emu = Emulator::start(EmulatorOptions::default()).await?;
//! println!("{} with key {}", emu.url(), emu.admin_key()); // http://127.0.0.1:PORT, emulator-admin-key
//! emu.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Wire behaviour
//!
//! Shapes, status codes and problem bodies follow the project's API.md: snake_case JSON,
//! RFC 9457 problem bodies (`application/problem+json`, `instance` = request path), strict
//! request bodies (unknown or server-managed fields → 400), cursor pagination with `limit`
//! 1..100 (default 50). Cursors are opaque, bound to the list and its filters, and carry a
//! keyed MAC, so a malformed, edited, foreign or cross-filter cursor is a 400. Pages are
//! keyset-based (the cursor holds the position of the last row returned), so creating or
//! deleting rows between pages never skips or repeats a row. Spaces, organizations, users,
//! projects and AI integrations are listed oldest first (creation order); tasks, task runs,
//! datasets, experiments and evaluator versions newest first; evaluators most recently
//! updated first. `GET /v2/experiments` takes `dataset_id` or `space_id` (both: 400).
//! Timestamps are UTC with milliseconds and `Z`; requests may use `Z`, an offset, or none
//! (UTC). With [`EmulatorOptions::lenient`], enum values (task type, run status, run
//! configuration enums, roles) may come in any case.
//!
//! Every `/v2` request needs `Authorization: Bearer <key>` (scheme in any case); a missing or
//! unknown key is a 401, also on unknown `/v2` paths. The emulator never logs or echoes
//! the `Authorization` header: not in the request log, problem bodies or any output.
//!
//! # Access model
//!
//! Users have an *account role* (`ADMIN`, `MEMBER`, `ANNOTATOR`), belong to a set of
//! organizations, and may hold one role per space.
//!
//! - **Spaces.** A user whose account role is ADMIN and who belongs to the space's
//!   organization has full access to every space of that organization. Otherwise the
//!   user's space membership decides: space `ADMIN` → full access; `MEMBER` → may read the
//!   space (and write its content such as tasks), but updating or deleting the space and
//!   adding or removing members is 403; `READ_ONLY`, `ANNOTATOR` and custom roles → read
//!   only (writes 403). Without a membership (and not an org admin) the space is invisible:
//!   404 on everything, writes included (API.md §1.4). Listing returns only visible spaces;
//!   an unknown or invisible `org_id` yields an empty list.
//! - **Creating a space** needs membership in the organization with account role ADMIN or
//!   MEMBER (ANNOTATOR → 403; not in the organization, or unknown organization → 404). The
//!   creator becomes the new space's ADMIN member.
//! - **Organizations.** A user sees the organizations it belongs to (others → 404).
//! - **Users.** Account ADMINs see every user; account MEMBERs see users sharing an
//!   organization with them; everyone sees themselves. Listing users is 403 for ANNOTATOR
//!   accounts (they may still get their own record).
//! - **Adding a member** (`POST /v2/spaces/{id}/users`, upsert, 200) needs full access to the
//!   space. The user must exist (404) and already belong to the space's organization (400);
//!   a user with account role ANNOTATOR may only get the `ANNOTATOR` space role, and only
//!   such users may get it (400). Predefined role names must be upper case (`READ_ONLY`)
//!   unless the emulator runs with `lenient` (any case, `-` for `_`). Custom roles
//!   (`{"type":"CUSTOM","id":..}`) must belong to the space's organization (else 404); one
//!   custom role is seeded per organization.
//!
//! - **Space content** (projects, datasets, experiments, evaluators, AI integrations, tasks,
//!   task runs) is visible exactly when its space is (404 otherwise, also when filtering a
//!   task list on it; the read-only lists just leave invisible rows out). Writing tasks
//!   (create, update, delete, trigger, cancel) needs space ADMIN or MEMBER (or account ADMIN
//!   in the organization); READ_ONLY, ANNOTATOR and custom roles get 403.
//!
//! # Tasks and runs
//!
//! Every rule of API.md §4 is enforced: 400 for shape and rule violations (including a
//! duplicate task name in the space and cancelling a finished run), 404 for unknown or
//! invisible references, 422 for references that do not fit (an experiment of another
//! dataset, an evaluator version of another evaluator, an evaluator or AI integration of
//! another space, a dataset version of another dataset), 409 for an `experiment_name`
//! already used on the dataset. Trace/session filters (`query_filters`, `query_mappings`)
//! are accepted and echoed.
//!
//! A run's status is derived from the clock ([`RunTimeline`]): PENDING for `pending_ms`,
//! RUNNING for `running_ms` (counters filling up), then COMPLETED, or FAILED with a
//! `failure_reason` (probability `failure_rate`); `never_finish` keeps it RUNNING. Totals:
//! project runs process two spans per minute of their window (at most `max_spans`,
//! thinned by the sampling rate); dataset runs one item per example of each experiment's
//! dataset version; experiment runs one per example (24 in `v1`, 30 in `v2`). A
//! `RUN_EXPERIMENT` trigger creates the experiment at once and sets `experiment_id`.
//! Cancelling freezes the run as CANCELLED with `failure_reason` "Cancelled by user".
//!
//! # Seed `Demo` (the default)
//!
//! Organizations *Acme AI* and *Globex Research*. Users (fixed keys in brackets):
//!
//! | user | account role | organizations | key |
//! |---|---|---|---|
//! | Ada Admin `ada.admin@example.com` | ADMIN | both | `emulator-admin-key` |
//! | Max Member `max.member@example.com` | MEMBER | Acme | `emulator-member-key` |
//! | Rita Reader `rita.reader@example.com` | MEMBER | Acme | `emulator-readonly-key` |
//! | Ann Annotator `ann.annotator@example.com` | ANNOTATOR | Acme | `emulator-annotator-key` |
//! | Otto Globex `otto.globex@example.com` | MEMBER | Globex | `emulator-org2-key` |
//! | Nora Outsider `nora.outsider@example.com` | MEMBER | none | `emulator-outsider-key` |
//! | Sam Spare `sam.spare@example.com` | MEMBER | Acme | – |
//! | Zoe Tagger `zoe.tagger@example.com` | ANNOTATOR | Acme | – |
//! | Ivy Invited `ivy.invited@example.com` (INVITED) | MEMBER | Acme | – |
//! | Eli Expired `eli.expired@example.com` (EXPIRED) | MEMBER | Acme | – |
//!
//! Spaces: Acme `production` (Max MEMBER, Rita READ_ONLY, Ann ANNOTATOR), Acme `staging`
//! (Max ADMIN, Rita READ_ONLY), Acme `support-bot-evals` (Max MEMBER, Ann ANNOTATOR), Acme
//! `playground` (no members), Globex `production` (Otto ADMIN) and Globex `research-sandbox`
//! (Otto MEMBER). One custom role `Reviewer` per organization. Seed `None` has the two
//! organizations, the custom roles and Ada Admin with the admin key only.
//!
//! Every seeded space holds the same content: project `support-bot` (APPLICATION), AI
//! integration `openai-default` (OPEN_AI, scoped to the space), dataset `golden-questions`
//! with versions `v1` (24 examples) and `v2` (30), experiments `baseline` (on `v1`) and
//! `candidate` (on `v2`), evaluators `hallucination` (TEMPLATE) and `json-validity`
//! (CODE, a custom code evaluator), each with two versions, and these tasks (created by
//! Ada Admin) with their runs, oldest first:
//!
//! | task | type | on | runs |
//! |---|---|---|---|
//! | `hallucination-monitor` | TEMPLATE_EVALUATION (`hallucination`, continuous, sampling 0.25) | project | COMPLETED, FAILED, RUNNING |
//! | `json-output-check` | CODE_EVALUATION (`json-validity`) | project | COMPLETED, CANCELLED |
//! | `golden-questions-review` | TEMPLATE_EVALUATION (`hallucination` pinned to its first version) | dataset, both experiments | COMPLETED, PENDING |
//! | `support-answers-gpt-4o-mini` | RUN_EXPERIMENT (LLM_GENERATION with `openai-default`) | dataset | none |
//!
//! Seeded runs date from about a day ago and keep their status: COMPLETED runs have their
//! counters, the FAILED one a `failure_reason`, and the CANCELLED, RUNNING and PENDING
//! ones are frozen (cancelling the RUNNING or PENDING one works; the run timeline does not
//! move them). Runs triggered later progress as described above.
//!
//! Seeded IDs are the same in every emulator and after [`Control::reset`] (tasks and runs
//! were added to the seed after everything else, so earlier IDs did not change);
//! [`Control::seed_info`] lists them, tasks (`tasks`) and runs (`task_runs`, with their
//! `status`) included.
//!
//! # Faults
//!
//! [`Control::add_fault`] scripts misbehaviour for matching `/v2` requests (see [`Fault`]):
//! an error status (with `Retry-After`, a raw body), latency (past the client's timeout: a
//! slow response), or a [`FaultAction`]: `reset` (connection closed with RST, request not
//! run), `reset_after` (request run, then RST), `truncate` (full `Content-Length`, half
//! the body, then close), `malformed_json` (complete response, body cut in half),
//! `stall_cursor` (a list page whose `next_cursor` is the request's own) and `empty_page`
//! (an empty page with `has_more` and a new cursor that resumes in place). A fault fires
//! on its next `count` matching requests, or forever with `unlimited`, and with
//! `probability` < 1 only on some of them, decided by a generator seeded with
//! [`Control::set_fault_seed`] (same seed and request order → same requests faulted).
//! [`Control::fault_stats`] counts requests and fired faults; the request log marks
//! faulted requests and the fault's label.
//!
//! # HTTPS
//!
//! With [`EmulatorOptions::tls`] the emulator generates a CA and a certificate for
//! `localhost`, `127.0.0.1` and `::1` signed by it, serves HTTPS (HTTP/1.1), and
//! [`Emulator::url`] starts with `https://`. Clients trust [`Emulator::ca_cert_pem`].
//!
//! # Control surface
//!
//! [`Control`] (in process, always available) or, only when [`EmulatorOptions::control`]
//! is true (off by default: they have no authentication; `ax emulator --control`), these
//! JSON routes: `POST /_emulator/reset` (→ seed info), `GET /_emulator/seed`,
//! `POST /_emulator/users` `{name,email,account_role,organization_ids}` → `{id}`,
//! `POST /_emulator/keys` `{user_id}` or `{space_id,role}` → `{key,user_id}`,
//! `PUT /_emulator/space-roles` `{space_id,user_id,role|null}` (204),
//! `POST /_emulator/faults` (a [`Fault`], 204), `DELETE /_emulator/faults` (204),
//! `POST /_emulator/faults/seed` `{seed}` (204), `GET|DELETE /_emulator/faults/stats`
//! ([`FaultStats`] / 204),
//! `GET /_emulator/requests` (JSON array of [`RequestRecord`]), `DELETE /_emulator/requests`
//! (204), `GET|PUT /_emulator/run-timeline` (a [`RunTimeline`], partial on PUT; → the
//! timeline), `POST /_emulator/runs/{id}/status` `{status, failure_reason?}` (204), and
//! `POST /_emulator/bulk-tasks` `{space_id, tasks, runs_per_task}` (→ 201 `{task_ids}`),
//! `GET|PUT /_emulator/latency` (a [`Latency`]), `GET|PUT|DELETE /_emulator/rate-limit`
//! (a [`RateLimit`] or `null` when off / → the limit / 204) and
//! `GET|DELETE /_emulator/rate-limit/stats` ([`RateLimitStats`] / 204).
//! Errors are problem bodies (400 bad input, 404 unknown ID, 409 duplicate email).

mod auth;
mod control;
mod control_runs;
mod cursor;
mod faults;
mod ids;
mod json_out;
mod latency;
mod precise_sleep;
mod problem;
mod rate_limit;
mod resources;
mod routes;
mod run_config;
mod runs;
mod seed;
mod seed_content;
mod seed_tasks;
mod serve;
mod server;
mod state;
mod task_index;
mod tasks;
mod tls;
mod validate;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use control::Control;
pub use faults::{Fault, FaultAction, FaultStats, RequestRecord};
pub use latency::{Latency, MAX_LATENCY_MS};
pub use rate_limit::{
    key_fingerprint, RateLimit, RateLimitCounts, RateLimitStats, MAX_BURST, MAX_RPS,
    UNAUTHENTICATED,
};
pub use runs::RunTimeline;
pub use seed::ADMIN_KEY;

/// Which data the emulator starts with (and returns to on reset).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Seed {
    /// Organizations, users with every role, spaces and memberships, and in every space a
    /// project, a dataset with two versions and two experiments, two evaluators, an AI
    /// integration, and four tasks (one of every type, on the project and on the dataset)
    /// with runs in every status (see the crate docs).
    #[default]
    Demo,
    /// Only the organizations, the custom roles, the admin user and its key: no spaces,
    /// content, tasks or runs.
    None,
}

/// How to start an [`Emulator`].
#[derive(Clone, Debug)]
pub struct EmulatorOptions {
    /// Address to listen on. Default `127.0.0.1:0` (a free port).
    pub bind: SocketAddr,
    /// Initial data. Default [`Seed::Demo`].
    pub seed: Seed,
    /// Serve the unauthenticated `/_emulator` control routes. Default false (the
    /// in-process [`Control`] handle works either way).
    pub control: bool,
    /// Accept enum values in any case (and `-` for `_`). Default false (faithful).
    pub lenient: bool,
    /// Serve HTTPS with a certificate signed by a CA generated at start (see
    /// [`Emulator::ca_cert_pem`]), offering HTTP/2 and HTTP/1.1 by TLS ALPN. Default false
    /// (plain HTTP; HTTP/2 only to a client that opens with its preface).
    pub tls: bool,
    /// Print one line per `/v2` request to stderr (method, path and query, status, time,
    /// fault). Request headers, and so API keys, are never printed. Default false.
    pub log_requests: bool,
    /// A simulated network round trip on every `/v2` answer (and one more per new
    /// connection, two more over TLS); see [`Latency`]. Default none.
    pub latency: Latency,
    /// A token bucket per API key (or per key and route) in front of every `/v2` route;
    /// see [`RateLimit`]. Default none.
    pub rate_limit: Option<RateLimit>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            seed: Seed::Demo,
            control: false,
            lenient: false,
            tls: false,
            log_requests: false,
            latency: Latency::default(),
            rate_limit: None,
        }
    }
}

/// A running emulator. Dropping it without [`Emulator::shutdown`] aborts the server task.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<server::Shared>,
    ca_pem: Option<String>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// How long a graceful shutdown may wait for open connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

impl Emulator {
    /// Binds, spawns the server on the current tokio runtime and returns once listening.
    pub async fn start(opts: EmulatorOptions) -> std::io::Result<Emulator> {
        let invalid = |e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e);
        opts.latency.validate().map_err(invalid)?;
        if let Some(limit) = &opts.rate_limit {
            limit.validate().map_err(invalid)?;
        }
        let listener = TcpListener::bind(opts.bind).await?;
        let addr = listener.local_addr()?;
        let tls = if opts.tls {
            Some(tls::generate(addr.ip())?)
        } else {
            None
        };
        let shared = Arc::new(server::Shared::new(
            opts.seed,
            opts.lenient,
            opts.log_requests,
            opts.latency,
            opts.rate_limit,
        ));
        let app = server::router(shared.clone(), opts.control);
        let (stop, stopped) = oneshot::channel::<()>();
        let (acceptor, ca_pem) = match tls {
            Some(t) => (Some(t.acceptor), Some(t.ca_pem)),
            None => (None, None),
        };
        let task = tokio::spawn(serve::serve(
            listener,
            app,
            acceptor,
            shared.latency.clone(),
            stopped,
        ));
        Ok(Emulator {
            addr,
            shared,
            ca_pem,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Base URL without `/v2`, e.g. `http://127.0.0.1:41234` (`https://` with
    /// [`EmulatorOptions::tls`]; the certificate is valid for `127.0.0.1`, `::1` and
    /// `localhost`).
    pub fn url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// With [`EmulatorOptions::tls`]: the PEM of the CA certificate that signed the
    /// server's certificate (trust it, and only it, in the client). `None` over plain HTTP.
    pub fn ca_cert_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The seeded admin's API key ([`ADMIN_KEY`]).
    pub fn admin_key(&self) -> String {
        ADMIN_KEY.to_owned()
    }

    /// A handle onto the emulator's state.
    pub fn control(&self) -> Control {
        Control {
            shared: self.shared.clone(),
        }
    }

    /// Stops accepting connections, lets in-flight requests finish (up to 5 s), then stops.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
