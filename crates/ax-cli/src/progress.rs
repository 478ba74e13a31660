//! Progress of a task-run wait on stderr: one line redrawn in place on a terminal, plain
//! lines (only when something changed) otherwise. When the client's rate limit held the
//! polls back (a 429's pause, or waits for the request budget), the line says so.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ax_core::model::TaskRun;
use ax_core::poll::Progress;
use ax_core::Client;

struct State {
    tty: bool,
    start: Instant,
    last: Option<String>,
    drawn: bool,
    /// The client's refusals and waits at the previous update.
    refused: u64,
    held_for: Duration,
}

/// A progress reporter for one wait.
#[derive(Clone)]
pub struct RunProgress {
    state: Arc<Mutex<State>>,
    client: Client,
}

/// Waits shorter than this between two updates go unmentioned.
const NOTED_HOLD: Duration = Duration::from_millis(50);

fn describe(run: &TaskRun) -> String {
    format!(
        "{}  successes {}  errors {}  skipped {}",
        run.status.as_str(),
        run.num_successes,
        run.num_errors,
        run.num_skipped
    )
}

impl RunProgress {
    /// Starts the clock; `client` is the one polling (for its rate-limit state).
    pub fn new(client: &Client) -> RunProgress {
        let now = client.rate_limit();
        RunProgress {
            state: Arc::new(Mutex::new(State {
                tty: std::io::stderr().is_terminal(),
                start: Instant::now(),
                last: None,
                drawn: false,
                refused: now.refused,
                held_for: now.held_for,
            })),
            client: client.clone(),
        }
    }

    /// The callback for [`ax_core::poll::wait_for_run`].
    pub fn callback(&self, run_id: &str) -> Progress {
        let me = self.clone();
        let run_id = run_id.to_owned();
        Arc::new(move |run: &TaskRun| me.update(&run_id, run))
    }

    fn update(&self, run_id: &str, run: &TaskRun) {
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        let mut what = describe(run);
        let budget = self.client.rate_limit();
        let refused = budget.refused > st.refused;
        let held = budget.held_for.saturating_sub(st.held_for) >= NOTED_HOLD;
        if refused || held || !budget.paused_for.is_zero() {
            what.push_str("  (held back by the rate limit");
            if let Some(rate) = budget.rate {
                what.push_str(&format!(": requests spaced at {rate:.2}/s"));
            }
            what.push(')');
        }
        st.refused = budget.refused;
        st.held_for = budget.held_for;
        let elapsed = st.start.elapsed().as_secs_f64();
        let line = format!("run {run_id}: {what}  ({elapsed:.0}s elapsed)");
        let mut err = std::io::stderr().lock();
        if st.tty {
            let _ = write!(err, "\r\x1b[2K{line}");
            st.drawn = true;
        } else if st.last.as_deref() != Some(what.as_str()) {
            let _ = writeln!(err, "{line}");
        }
        let _ = err.flush();
        st.last = Some(what);
    }

    /// Ends the redrawn line (terminal only).
    pub fn finish(&self) {
        if let Ok(mut st) = self.state.lock() {
            if st.tty && st.drawn {
                eprintln!();
                st.drawn = false;
            }
        }
    }
}
