//! What a client knows of tasks and runs, none of which can change:
//!
//! - a task's type (an update cannot change it), so a trigger, which needs the type to
//!   choose its body, asks the server at most once per task and client: the type comes from
//!   any task the client already decoded, or from one GET that concurrent triggers of the
//!   same task share ([`TaskTypes`]);
//! - the task a run belongs to, so a wait for many runs of one task can poll them with one
//!   list of the task's runs instead of one GET each ([`RunTasks`]).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::error::Result;
use crate::model::TaskType;

/// Most task IDs kept; past it the memory starts over (a miss costs one GET).
const CAPACITY: usize = 4096;

#[derive(Default)]
pub(crate) struct TaskTypes {
    map: Mutex<HashMap<String, Arc<OnceCell<TaskType>>>>,
}

impl TaskTypes {
    fn cell(&self, id: &str) -> Arc<OnceCell<TaskType>> {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(cell) = map.get(id) {
            return cell.clone();
        }
        if map.len() >= CAPACITY {
            map.clear();
        }
        let cell = Arc::new(OnceCell::new());
        map.insert(id.to_owned(), cell.clone());
        cell
    }

    /// Remembers the type of task `id`.
    pub(crate) fn remember(&self, id: &str, task_type: TaskType) {
        let _ = self.cell(id).set(task_type);
    }

    /// The type of task `id`, when this client knows it.
    pub(crate) fn known(&self, id: &str) -> Option<TaskType> {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.get(id).and_then(|cell| cell.get().copied())
    }

    /// The type of task `id`: remembered, or from `fetch`, which runs once for concurrent
    /// callers (if it fails, the next caller tries again).
    pub(crate) async fn get_or_fetch<F, Fut>(&self, id: &str, fetch: F) -> Result<TaskType>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<TaskType>>,
    {
        let cell = self.cell(id);
        cell.get_or_try_init(fetch).await.copied()
    }

    /// Forgets task `id` (after a delete).
    pub(crate) fn forget(&self, id: &str) {
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
    }
}

/// The task of each run this client triggered or read (bounded like [`TaskTypes`]).
#[derive(Default)]
pub(crate) struct RunTasks {
    map: Mutex<HashMap<String, String>>,
}

impl RunTasks {
    pub(crate) fn remember(&self, run_id: &str, task_id: &str) {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= CAPACITY && !map.contains_key(run_id) {
            map.clear();
        }
        map.insert(run_id.to_owned(), task_id.to_owned());
    }

    /// The task of run `run_id`, if known.
    pub(crate) fn task_of(&self, run_id: &str) -> Option<String> {
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(run_id)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch_and_failures_are_not_kept() {
        let types = TaskTypes::default();
        let fetches = AtomicUsize::new(0);
        let fetch = || async {
            fetches.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            Ok(TaskType::TemplateEvaluation)
        };
        let got = futures::future::join_all((0..10).map(|_| types.get_or_fetch("t1", fetch))).await;
        assert!(got
            .iter()
            .all(|t| matches!(t, Ok(TaskType::TemplateEvaluation))));
        assert_eq!(fetches.load(Ordering::SeqCst), 1);

        let failed = types
            .get_or_fetch("t2", || async {
                Err(crate::Error::validation("task", "boom"))
            })
            .await;
        assert!(failed.is_err());
        let ok = types
            .get_or_fetch("t2", || async { Ok(TaskType::RunExperiment) })
            .await;
        assert!(matches!(ok, Ok(TaskType::RunExperiment)));

        types.remember("t3", TaskType::CodeEvaluation);
        let known = types
            .get_or_fetch("t3", || async { panic!("no fetch for a remembered type") })
            .await;
        assert!(matches!(known, Ok(TaskType::CodeEvaluation)));
        types.forget("t3");
        let again = types
            .get_or_fetch("t3", || async { Ok(TaskType::RunExperiment) })
            .await;
        assert!(matches!(again, Ok(TaskType::RunExperiment)));
    }
}
