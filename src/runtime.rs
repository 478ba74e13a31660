//! The tokio runtime of the process and the two ways Python waits on it.
//!
//! * [`wait`] blocks the calling thread with the GIL released and checks for signals
//!   every few tens of milliseconds, so Ctrl-C raises `KeyboardInterrupt` promptly
//!   even while a request is pending. Dropping the future cancels the request.
//! * [`spawn_awaitable`] hands the future to asyncio through pyo3-async-runtimes' generic
//!   layer, spawning on the same runtime.
//!
//! # Fork
//!
//! A forked child inherits the parent's memory but none of its threads: the parent's
//! runtime has no workers and no I/O driver there, so anything spawned on it would wait
//! forever. The runtime is therefore owned per process: [`runtime`] notices a new process
//! ID and builds a fresh runtime for the child (the parent's copy is left untouched, never
//! dropped, since its threads do not exist). Clients rebuild their connection pools the
//! same way (see `ax_core::Client`).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3_async_runtimes::generic::{ContextExt, JoinError, Runtime as GenericRuntime};
use pyo3_async_runtimes::TaskLocals;
use tokio::runtime::Runtime;

use crate::errors::ToPyErr;

/// How often a blocking wait looks for pending signals (Ctrl-C).
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// A runtime and the process it was built in.
struct ProcessRuntime {
    pid: u32,
    rt: Runtime,
}

/// The current process's runtime; leaked on purpose (it lives as long as the process).
static CURRENT: AtomicPtr<ProcessRuntime> = AtomicPtr::new(std::ptr::null_mut());

fn build_runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("arize-ax")
        .build()
        .expect("cannot start the tokio runtime")
}

/// The runtime of this process, built on first use (and again in a forked child).
pub fn runtime() -> &'static Runtime {
    let pid = std::process::id();
    let cur = CURRENT.load(Ordering::Acquire);
    // SAFETY: pointers stored in CURRENT come from Box::into_raw and are never freed.
    if let Some(pr) = unsafe { cur.as_ref() } {
        if pr.pid == pid {
            return &pr.rt;
        }
    }
    let fresh = Box::into_raw(Box::new(ProcessRuntime {
        pid,
        rt: build_runtime(),
    }));
    match CURRENT.compare_exchange(cur, fresh, Ordering::AcqRel, Ordering::Acquire) {
        // SAFETY: `fresh` was just leaked and is now published; it is never freed.
        Ok(_) => unsafe { &(*fresh).rt },
        Err(winner) => {
            // Another thread of this process built one first: use it, drop ours.
            // SAFETY: `fresh` was never published, so this is its only owner.
            drop(unsafe { Box::from_raw(fresh) });
            // SAFETY: as above, published pointers are never freed.
            unsafe { &(*winner).rt }
        }
    }
}

/// The tasks of the asyncio bridge still running in this process: (pid, count). A task
/// sets its awaitable's result with the GIL and then lets go of its Python objects, so it
/// may still attach to the interpreter a moment after the awaitable is done.
static IN_FLIGHT: std::sync::Mutex<(u32, usize)> = std::sync::Mutex::new((0, 0));

/// Counts one bridge task for as long as it lives.
struct InFlight;

impl InFlight {
    fn new() -> InFlight {
        let pid = std::process::id();
        let mut n = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
        if n.0 != pid {
            // A forked child: the parent's tasks are not running here.
            *n = (pid, 0);
        }
        n.1 += 1;
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut n = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
        if n.0 == std::process::id() {
            n.1 = n.1.saturating_sub(1);
        }
    }
}

fn bridge_tasks() -> usize {
    let n = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
    if n.0 == std::process::id() {
        n.1
    } else {
        0
    }
}

/// Registered with `atexit` by `arize_ax`: waits, with the GIL released, at most `timeout`
/// seconds for the asyncio bridge's tasks to end. A task that attached to the interpreter
/// once it had begun to finalize would crash the process on its way out (after an
/// `asyncio.run` whose last awaitable had just completed, for example).
#[pyfunction]
#[pyo3(signature = (timeout=2.0))]
pub fn _drain_async(py: Python<'_>, timeout: f64) {
    let limit = Duration::from_secs_f64(if timeout.is_finite() {
        timeout.clamp(0.0, 10.0)
    } else {
        0.0
    });
    let deadline = std::time::Instant::now() + limit;
    py.detach(|| {
        while bridge_tasks() > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// pyo3-async-runtimes' generic layer, spawning on [`runtime`].
struct AxRuntime;

struct AxJoinError(tokio::task::JoinError);

impl JoinError for AxJoinError {
    fn is_panic(&self) -> bool {
        self.0.is_panic()
    }
    fn into_panic(self) -> Box<dyn std::any::Any + Send + 'static> {
        self.0.into_panic()
    }
}

tokio::task_local! {
    static TASK_LOCALS: std::cell::OnceCell<TaskLocals>;
}

impl GenericRuntime for AxRuntime {
    type JoinError = AxJoinError;
    type JoinHandle = Pin<Box<dyn Future<Output = Result<(), AxJoinError>> + Send>>;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let guard = InFlight::new();
        let handle = runtime().spawn(async move {
            let _guard = guard;
            fut.await
        });
        Box::pin(async move { handle.await.map_err(AxJoinError) })
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        let handle = runtime().spawn_blocking({
            let guard = InFlight::new();
            move || {
                let _guard = guard;
                f()
            }
        });
        Box::pin(async move { handle.await.map_err(AxJoinError) })
    }
}

impl ContextExt for AxRuntime {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = std::cell::OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS
            .try_with(|c| c.get().cloned())
            .unwrap_or_default()
    }
}

/// Runs `fut` to completion on the shared runtime, with the GIL released.
///
/// The future's error type is converted to a Python exception with the GIL held.
pub fn wait<F, T, E>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = Result<T, E>> + Send,
    T: Send,
    E: ToPyErr + Send,
{
    let outcome = py.detach(|| {
        runtime().block_on(async {
            tokio::select! {
                biased;
                result = fut => Ok(result),
                err = signal_watch() => Err(err),
            }
        })
    });
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(err.to_pyerr(py)),
        Err(interrupted) => Err(interrupted),
    }
}

/// Resolves only when Python has a pending exception from a signal handler.
async fn signal_watch() -> PyErr {
    let mut ticker = tokio::time::interval(SIGNAL_POLL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(err) = Python::attach(|py| py.check_signals()) {
            return err;
        }
    }
}

/// Wraps `fut` as an asyncio awaitable; its output is converted with the GIL held.
pub fn spawn_awaitable<'py, F, T, E>(
    py: Python<'py>,
    fut: F,
    convert: fn(Python<'_>, T) -> PyResult<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: ToPyErr + Send + 'static,
{
    pyo3_async_runtimes::generic::future_into_py::<AxRuntime, _, _>(py, async move {
        let result = fut.await;
        Python::attach(|py| match result {
            Ok(value) => convert(py, value),
            Err(err) => Err(err.to_pyerr(py)),
        })
    })
}

/// How many clients' walk pools one thread keeps (least recently used first out).
const WALK_POOLS: usize = 4;

/// A client whose quickest answer took at least this long talks to a server across a
/// network: there a walk gains nothing from the calling thread's runtime (the round trips
/// dwarf the wake-ups it saves) and would pay a new connection for its own pool (a TCP
/// handshake, and TLS's), so it runs on the shared runtime and its connections.
const FAR_SERVER: std::time::Duration = std::time::Duration::from_millis(3);

/// A thread's current-thread runtime for long listings, and the connection pools it drives.
struct Walker {
    pid: u32,
    rt: Runtime,
    /// Pools of the clients this thread walked with, most recent last.
    pools: Vec<ax_core::PoolHandle>,
}

thread_local! {
    static WALKER: std::cell::RefCell<Option<Walker>> = const { std::cell::RefCell::new(None) };
}

/// Runs a long listing (`list_all`, `list_runs_all`) on a current-thread runtime of the
/// calling thread, with the GIL released and Ctrl-C handled as in [`wait`].
///
/// On the shared multi-thread runtime every page costs several wake-ups across threads (the
/// request, the response, the hand-over of the body) on top of the decode; on a machine
/// with few cores those threads also compete with the decode and the server. Here one thread
/// does it all: it sends the next page's request, decodes the current page while the server
/// works, then reads the response. Measured on 20,000 tasks over loopback: about 25 % less
/// client CPU and wall time (bench/README.md).
///
/// That is for a server close by. A client whose answers show a server across a network
/// ([`FAR_SERVER`]) walks on the shared runtime instead, reusing the connection its earlier
/// calls left open: one handshake fewer, which is what counts there.
///
/// The walk uses a connection pool of its own per (thread, client) (see
/// `ax_core::Client::new_pool`), kept for the next walk of this thread; only GET
/// requests go through it, so a connection that went stale while the thread was elsewhere
/// costs at most a retry. `make` gets the handle to use. In a forked child the runtime and
/// the pools are built again.
pub fn walk<F, T, E>(
    py: Python<'_>,
    core: &ax_core::Client,
    make: impl FnOnce(ax_core::Client) -> F,
) -> PyResult<T>
where
    F: Future<Output = Result<T, E>> + Send,
    T: Send,
    E: ToPyErr + Send,
{
    if core.fastest_answer().is_some_and(|d| d >= FAR_SERVER) {
        return wait(py, make(core.clone()));
    }
    let pid = std::process::id();
    let taken = WALKER.with(|w| w.borrow_mut().take());
    let mut walker = match taken {
        Some(w) if w.pid == pid => w,
        stale => {
            // A runtime built before a fork has an I/O driver shared with the parent:
            // leave it alone (never drop it here) and start over.
            std::mem::forget(stale);
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => Walker {
                    pid,
                    rt,
                    pools: Vec::new(),
                },
                Err(_) => return wait(py, make(core.clone())),
            }
        }
    };
    // Pools of clients that no longer exist go (their idle connections close on the next
    // turn of the runtime).
    walker.pools.retain(|p| !p.is_orphan());
    let handle = match walker.pools.iter().position(|p| p.is_for(core)) {
        Some(i) => {
            let pool = walker.pools.remove(i);
            walker.pools.push(pool);
            core.with_pool(&walker.pools[walker.pools.len() - 1])
        }
        None => match core.new_pool() {
            Ok(pool) => {
                if walker.pools.len() >= WALK_POOLS {
                    walker.pools.remove(0);
                }
                walker.pools.push(pool);
                core.with_pool(&walker.pools[walker.pools.len() - 1])
            }
            Err(e) => {
                WALKER.with(|w| *w.borrow_mut() = Some(walker));
                return Err(e.to_pyerr(py));
            }
        },
    };
    // `with_pool` only refuses a pool of another client, which `is_for` ruled out.
    let handle = handle.unwrap_or_else(|| core.clone());
    let fut = make(handle);
    let outcome = py.detach(|| {
        walker.rt.block_on(async {
            // This runtime did not run since the last walk, so its idle connections could not
            // see a server closing them. A turn of the I/O driver lets them notice (and leave
            // the pool) before a request is put on one.
            for _ in 0..2 {
                tokio::task::yield_now().await;
            }
            tokio::select! {
                biased;
                result = fut => Ok(result),
                err = signal_watch() => Err(err),
            }
        })
    });
    WALKER.with(|w| *w.borrow_mut() = Some(walker));
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(err.to_pyerr(py)),
        Err(interrupted) => Err(interrupted),
    }
}
