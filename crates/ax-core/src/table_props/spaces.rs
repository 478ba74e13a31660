//! Spaces: generators, checks and the round trip.

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::*;
use crate::table::{decode_spaces_page, space};

/// Space members in the order the API writes them.
const SPACE_API_ORDER: &[&str] = &[
    "id",
    "name",
    "description",
    "created_at",
    "organization_id",
    "is_private",
    "default_llm_integration",
    "ml_models_enabled",
    "gradient_start_color",
    "gradient_end_color",
    "default_agent_runtime",
];

#[derive(Debug, Clone)]
struct GenSpace {
    id: String,
    name: String,
    description: Opt<String>,
    created_at: (i64, String),
    organization_id: Opt<String>,
    is_private: Opt<bool>,
    /// Members of the model that the table does not hold.
    default_llm_integration: Opt<Value>,
    ml_models_enabled: Opt<bool>,
    gradient_colors: (Opt<String>, Opt<String>),
    default_agent_runtime: Opt<Value>,
    unknown: Vec<(String, Value)>,
    camel: bool,
}

fn space() -> impl Strategy<Value = GenSpace> {
    (
        (text(), text(), opt(text()), timestamp(), opt(text())),
        (opt(any::<bool>()), opt(free_json()), opt(any::<bool>())),
        (opt(text()), opt(text()), opt(free_json())),
        (unknown_members(), any::<bool>()),
    )
        .prop_map(
            |(
                (id, name, description, created_at, organization_id),
                (is_private, default_llm_integration, ml_models_enabled),
                (start, end, default_agent_runtime),
                (unknown, camel),
            )| GenSpace {
                id,
                name,
                description,
                created_at,
                organization_id,
                is_private,
                default_llm_integration,
                ml_models_enabled,
                gradient_colors: (start, end),
                default_agent_runtime,
                unknown,
                camel,
            },
        )
}

impl GenSpace {
    fn json(&self) -> Value {
        let c = self.camel;
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("name".into(), json!(self.name));
        self.description.put(&mut o, "description", |v| json!(v));
        o.insert(key("created_at", c), json!(self.created_at.1));
        self.organization_id
            .put(&mut o, &key("organization_id", c), |v| json!(v));
        self.is_private
            .put(&mut o, &key("is_private", c), |v| json!(v));
        self.default_llm_integration
            .put(&mut o, &key("default_llm_integration", c), Clone::clone);
        self.ml_models_enabled
            .put(&mut o, &key("ml_models_enabled", c), |v| json!(v));
        let (start, end) = &self.gradient_colors;
        start.put(&mut o, &key("gradient_start_color", c), |v| json!(v));
        end.put(&mut o, &key("gradient_end_color", c), |v| json!(v));
        self.default_agent_runtime
            .put(&mut o, &key("default_agent_runtime", c), Clone::clone);
        for (k, v) in &self.unknown {
            o.insert(k.clone(), v.clone());
        }
        Value::Object(o)
    }
}

fn check_spaces(batch: &RecordBatch, rows: &[GenSpace]) -> Result<(), TestCaseError> {
    prop_assert_eq!(batch.num_rows(), rows.len());
    let col = |f: fn(&GenSpace) -> Option<String>| rows.iter().map(f).collect::<Vec<_>>();
    prop_assert_eq!(strings(batch, "id"), col(|r| Some(r.id.clone())));
    prop_assert_eq!(strings(batch, "name"), col(|r| Some(r.name.clone())));
    prop_assert_eq!(strings(batch, "description"), col(|r| r.description.get()));
    prop_assert_eq!(
        strings(batch, "organization_id"),
        col(|r| r.organization_id.get())
    );
    let created: Vec<_> = rows.iter().map(|r| Some(r.created_at.0)).collect();
    prop_assert_eq!(times(batch, "created_at"), created);
    let private = batch.column_by_name("is_private").unwrap().as_boolean();
    for (i, r) in rows.iter().enumerate() {
        prop_assert_eq!(
            (!private.is_null(i)).then(|| private.value(i)),
            r.is_private.get()
        );
    }
    Ok(())
}

fn scan(body: &[u8]) -> Option<(RecordBatch, Pagination)> {
    space::scan_spaces_page(body, 4)
}

fn reference(body: &[u8]) -> Result<(RecordBatch, Pagination), String> {
    space::serde_spaces_page(body, 4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn spaces_round_trip(rows in proptest::collection::vec(space(), 0..6), p in pagination(), flips in mutations(), order in 0u8..4) {
        let items = rows.iter().map(GenSpace::json).collect();
        let body = ordered_envelope("spaces", items, &p, order, SPACE_API_ORDER);
        let (batch, got) = decode_spaces_page(body.as_bytes()).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&got, &p.expected());
        prop_assert_eq!(scan_pagination(body.as_bytes(), "spaces").unwrap(), p.expected());
        check_spaces(&batch, &rows)?;
        // The model (items are decoded from the bodies) takes every generated page.
        let mut sink = crate::table::VecSink::<crate::model::Space>(Vec::new());
        crate::table::decode_envelope(body.as_bytes(), "spaces", &mut sink)
            .map_err(TestCaseError::fail)?;
        prop_assert_eq!(sink.0.len(), rows.len());
        paths_agree(scan, reference, decode_spaces_page, body.as_bytes(), true)?;
        truncations_fail(decode_spaces_page, &body)?;
        paths_agree(scan, reference, decode_spaces_page, &mutated(&body, &flips), false)?;
    }
}
