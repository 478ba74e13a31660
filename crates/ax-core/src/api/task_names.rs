//! Names where a task create takes IDs (an extra over the official tools): an evaluator's
//! `evaluator_id` may be the evaluator's name and a run configuration's `ai_integration_id`
//! the integration's name (both resolved in the task's space), and `experiment_ids` may hold
//! experiment names of the task's dataset. A value that is an ID is sent as is.
//!
//! [`TaskNames::collect`] finds the names in a checked body and fails, before any request,
//! when a name has no scope to be resolved in; the task's space and [`TaskNames::finish`] resolve them
//! concurrently and [`TaskNames::apply`] writes the IDs into the body. A resolution error names the field.

use futures::future::try_join_all;
use serde_json::{Map, Value};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::ids::is_resource_id;
use crate::resolve::{self, Found, Lookup, AI_INTEGRATION, EVALUATOR, EXPERIMENT_IN_DATASET};

/// One name to resolve: where it sits in the body and what it names.
struct Name {
    /// The field as users see it, e.g. `evaluators[1].evaluator_id`.
    field: String,
    value: String,
    lookup: &'static Lookup,
    slot: Slot,
}

#[derive(Clone, Copy)]
enum Slot {
    Evaluator(usize),
    Integration,
    Experiment(usize),
}

/// The names found in a create body.
pub(crate) struct TaskNames(Vec<Name>);

fn name_in(v: Option<&Value>) -> Option<String> {
    match v.and_then(Value::as_str).map(str::trim) {
        Some(s) if !s.is_empty() && !is_resource_id(s) => Some(s.to_owned()),
        _ => None,
    }
}

impl TaskNames {
    /// Finds the names in `body`. Evaluator and integration names need `space`; without it
    /// this is a validation error naming the field (no request is made).
    pub(crate) fn collect(body: &Map<String, Value>, space: Option<&str>) -> Result<Self> {
        let mut names = Vec::new();
        if let Some(list) = body.get("evaluators").and_then(Value::as_array) {
            for (i, e) in list.iter().enumerate() {
                if let Some(value) = name_in(e.get("evaluator_id")) {
                    names.push(Name {
                        field: format!("evaluators[{i}].evaluator_id"),
                        value,
                        lookup: &EVALUATOR,
                        slot: Slot::Evaluator(i),
                    });
                }
            }
        }
        let config = body.get("run_configuration");
        if let Some(value) = name_in(config.and_then(|c| c.get("ai_integration_id"))) {
            names.push(Name {
                field: "run_configuration.ai_integration_id".into(),
                value,
                lookup: &AI_INTEGRATION,
                slot: Slot::Integration,
            });
        }
        if let Some(list) = body.get("experiment_ids").and_then(Value::as_array) {
            for (i, e) in list.iter().enumerate() {
                if let Some(value) = name_in(Some(e)) {
                    names.push(Name {
                        field: format!("experiment_ids[{i}]"),
                        value,
                        lookup: &EXPERIMENT_IN_DATASET,
                        slot: Slot::Experiment(i),
                    });
                }
            }
        }
        if space.is_none() {
            if let Some(n) = names.iter().find(|n| n.lookup.scope == EVALUATOR.scope) {
                return Err(Error::validation(
                    &n.field,
                    format!(
                        "'{}' is a {} name: provide 'space' so it can be resolved, or pass the \
                         {} ID",
                        n.value, n.lookup.resource_type, n.lookup.resource_type
                    ),
                ));
            }
        }
        Ok(TaskNames(names))
    }

    /// The names resolved in the task's space (evaluators, integrations), in order: for
    /// [`resolve::find_all_in_space`], whose results go to [`TaskNames::finish`].
    pub(crate) fn in_space(&self) -> impl Iterator<Item = (&'static Lookup, &str)> {
        self.0
            .iter()
            .filter(|n| !matches!(n.slot, Slot::Experiment(_)))
            .map(|n| (n.lookup, n.value.as_str()))
    }

    /// Every name's ID, in order: `in_space` holds the results for [`TaskNames::in_space`];
    /// experiment names are resolved here, at once, within `dataset_id`.
    pub(crate) async fn finish(
        &self,
        c: &Client,
        in_space: Vec<Result<Found>>,
        dataset_id: Option<&str>,
    ) -> Result<Vec<String>> {
        let mut in_space = in_space.into_iter();
        let known: Vec<Option<Result<Found>>> = self
            .0
            .iter()
            .map(|n| match n.slot {
                Slot::Experiment(_) => None,
                _ => in_space.next(),
            })
            .collect();
        try_join_all(self.0.iter().zip(known).map(|(n, known)| async move {
            let found = match known {
                Some(found) => found,
                None => resolve::find(c, n.lookup, dataset_id, &n.value).await,
            };
            found.map(|f| f.id).map_err(|e| in_field(e, &n.field))
        }))
        .await
    }

    /// Writes the IDs from [`TaskNames::finish`] into `body`.
    pub(crate) fn apply(self, body: &mut Map<String, Value>, ids: Vec<String>) {
        for (n, id) in self.0.iter().zip(ids) {
            let target = match n.slot {
                Slot::Evaluator(i) => body
                    .get_mut("evaluators")
                    .and_then(|l| l.get_mut(i))
                    .and_then(|e| e.get_mut("evaluator_id")),
                Slot::Integration => body
                    .get_mut("run_configuration")
                    .and_then(|c| c.get_mut("ai_integration_id")),
                Slot::Experiment(i) => body.get_mut("experiment_ids").and_then(|l| l.get_mut(i)),
            };
            if let Some(slot) = target {
                *slot = Value::from(id);
            }
        }
    }
}

/// Adds the field to a not-found error's hint.
fn in_field(e: Error, field: &str) -> Error {
    match e {
        Error::NameNotFound {
            resource_type,
            resource_name,
            available_names,
            hint,
        } => Error::NameNotFound {
            resource_type,
            resource_name,
            available_names,
            hint: Some(match hint {
                Some(h) => format!("(in {field}) {h}"),
                None => format!("(in {field})"),
            }),
        },
        other => other,
    }
}
