//! Progress of a task-run wait on stderr: one line redrawn in place on a terminal, plain
//! lines (only when something changed) otherwise.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ax_core::model::TaskRun;
use ax_core::poll::Progress;

struct State {
    tty: bool,
    start: Instant,
    last: Option<String>,
    drawn: bool,
}

/// A progress reporter for one wait.
#[derive(Clone)]
pub struct RunProgress {
    state: Arc<Mutex<State>>,
}

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
    /// Starts the clock.
    pub fn new() -> RunProgress {
        RunProgress {
            state: Arc::new(Mutex::new(State {
                tty: std::io::stderr().is_terminal(),
                start: Instant::now(),
                last: None,
                drawn: false,
            })),
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
        let what = describe(run);
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
