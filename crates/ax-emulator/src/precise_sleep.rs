//! Sleeps that end on time, for the simulated latency.
//!
//! tokio's timer counts whole milliseconds and rounds a deadline up to the next tick, so a
//! 25 ms sleep ends 25 to 26 ms later (about half a millisecond late on average, more on a
//! busy runtime). Every simulated round trip would carry that error: 4 % at 25 ms, enough to
//! blur what a client's own overhead is. Here one thread keeps the deadlines in order and
//! waits on a condition variable with a timeout, which Linux and macOS honour to within tens
//! of microseconds; it wakes each sleeper through a oneshot channel.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

struct Deadline {
    at: Instant,
    /// Ties broken by arrival, so that equal deadlines end in order.
    seq: u64,
    wake: oneshot::Sender<()>,
}

impl PartialEq for Deadline {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Deadline {}
impl PartialOrd for Deadline {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Deadline {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

#[derive(Default)]
struct Pending {
    heap: BinaryHeap<Reverse<Deadline>>,
    seq: u64,
}

struct Timer {
    pending: Mutex<Pending>,
    changed: Condvar,
}

impl Timer {
    /// The timer thread: wakes each deadline as it comes, sleeping in between.
    fn run(&self) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let now = Instant::now();
            match pending.heap.peek() {
                None => {
                    pending = self
                        .changed
                        .wait(pending)
                        .unwrap_or_else(|e| e.into_inner());
                }
                Some(Reverse(first)) if first.at <= now => {
                    if let Some(Reverse(due)) = pending.heap.pop() {
                        // The sleeper may be gone (its request dropped): nothing to do.
                        let _ = due.wake.send(());
                    }
                }
                Some(Reverse(first)) => {
                    let wait = first.at - now;
                    pending = self
                        .changed
                        .wait_timeout(pending, wait)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
            }
        }
    }
}

/// The process's timer thread, started on first use.
fn timer() -> Option<&'static Timer> {
    static TIMER: OnceLock<Option<&'static Timer>> = OnceLock::new();
    *TIMER.get_or_init(|| {
        let timer: &'static Timer = Box::leak(Box::new(Timer {
            pending: Mutex::new(Pending::default()),
            changed: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("ax-emulator-latency".into())
            .spawn(move || timer.run())
            .ok()
            .map(|_| timer)
    })
}

/// Waits `d`, ending within tens of microseconds of it (tokio's own sleep when the timer
/// thread could not be started).
pub(crate) async fn sleep(d: Duration) {
    let Some(timer) = timer() else {
        return tokio::time::sleep(d).await;
    };
    let (wake, woken) = oneshot::channel();
    {
        let mut pending = timer.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.seq += 1;
        let seq = pending.seq;
        pending.heap.push(Reverse(Deadline {
            at: Instant::now() + d,
            seq,
            wake,
        }));
    }
    timer.changed.notify_one();
    let _ = woken.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sleeps_end_in_order_and_never_early() {
        let start = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for ms in [30u64, 10, 20, 10, 0] {
            set.spawn(async move {
                let t0 = Instant::now();
                sleep(Duration::from_millis(ms)).await;
                (ms, t0.elapsed())
            });
        }
        let mut ended = Vec::new();
        while let Some(r) = set.join_next().await {
            let (ms, took) = r.unwrap();
            assert!(
                took >= Duration::from_millis(ms),
                "{ms} ms ended after {took:?}"
            );
            ended.push(ms);
        }
        assert_eq!(ended, [0, 10, 10, 20, 30]);
        assert!(start.elapsed() >= Duration::from_millis(30));
    }
}
