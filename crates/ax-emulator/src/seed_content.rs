//! Seeded content of each demo space: a project, an AI integration, a dataset with two
//! versions and two experiments, and a TEMPLATE and a CODE evaluator with two versions
//! each. The same names in every space, so name resolution within a space works.

use serde_json::{json, Map, Value};

use crate::resources::{
    AiIntegration, Dataset, DatasetVersion, Evaluator, EvaluatorKind, EvaluatorVersion, Experiment,
    Project, Scoping,
};
use crate::state::State;

pub(crate) const PROJECT: &str = "support-bot";
pub(crate) const INTEGRATION: &str = "openai-default";
pub(crate) const DATASET: &str = "golden-questions";
pub(crate) const TEMPLATE_EVALUATOR: &str = "hallucination";
pub(crate) const CODE_EVALUATOR: &str = "json-validity";

const HALLUCINATION_TEMPLATE: &str =
    "In this task, you will be presented with a query, a reference text and an answer. \
Determine whether the answer is supported by the reference text.\n\
[Query]: {{input}}\n[Reference text]: {{reference}}\n[Answer]: {{output}}\n\
Respond with a single word: \"factual\" or \"hallucinated\".";

const JSON_VALIDITY_CODE: &str = "class JSONValidity(CodeEvaluator):\n    \
def evaluate(self, *, output, **kwargs):\n        \
try:\n            json.loads(output)\n            return EvaluationResult(label=\"valid\", score=1)\n        \
except ValueError:\n            return EvaluationResult(label=\"invalid\", score=0)\n";

/// A stable 40-hex-digit commit hash.
fn commit_hash(seq: u64) -> String {
    let mut x = seq.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xC0FF_EE00_D15E_A5E5;
    let mut out = String::with_capacity(40);
    while out.len() < 40 {
        x ^= x >> 31;
        x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 29;
        out.push_str(&format!("{x:016x}"));
    }
    out.truncate(40);
    out
}

/// Seeds one space's content; `creator` is the seeded account admin.
pub(crate) fn populate(st: &mut State, space_id: &str, org_id: &str, creator: &str) {
    let (seq, id) = st.minter.mint("Model");
    let created_at = st.clock.now();
    st.projects.insert(Project {
        seq,
        id,
        name: PROJECT.into(),
        space_id: space_id.into(),
        created_at,
        project_type: Some("APPLICATION"),
    });

    let (seq, integration_id) = st.minter.mint("LlmIntegration");
    let created_at = st.clock.now();
    st.ai_integrations.insert(AiIntegration {
        seq,
        id: integration_id.clone(),
        name: INTEGRATION.into(),
        provider: "OPEN_AI",
        has_api_key: true,
        base_url: None,
        model_names: vec!["gpt-4o".into(), "gpt-4o-mini".into()],
        headers: None,
        enable_default_models: true,
        function_calling_enabled: true,
        auth_type: "DEFAULT",
        provider_metadata: None,
        scopings: vec![Scoping {
            organization_id: Some(org_id.into()),
            space_id: Some(space_id.into()),
        }],
        created_at: created_at.clone(),
        updated_at: created_at,
        created_by_user_id: Some(creator.into()),
        space_id: space_id.into(),
    });

    let (dseq, dataset_id) = st.minter.mint("Dataset");
    let dataset_created = st.clock.now();
    let mut versions = Vec::new();
    for (name, examples) in [("v1", 24), ("v2", 30)] {
        let (seq, id) = st.minter.mint("DatasetVersion");
        let created_at = st.clock.now();
        versions.push(id.clone());
        st.dataset_versions.insert(DatasetVersion {
            seq,
            id,
            name: name.into(),
            dataset_id: dataset_id.clone(),
            created_at: created_at.clone(),
            updated_at: created_at,
            example_count: examples,
            space_id: space_id.into(),
        });
    }
    let dataset_updated = st.clock.now();
    st.datasets.insert(Dataset {
        seq: dseq,
        id: dataset_id.clone(),
        name: DATASET.into(),
        space_id: space_id.into(),
        created_at: dataset_created,
        updated_at: dataset_updated,
    });
    for (name, version) in [("baseline", &versions[0]), ("candidate", &versions[1])] {
        let (seq, id) = st.minter.mint("Experiment");
        let created_at = st.clock.now();
        st.experiments.insert(Experiment {
            seq,
            id,
            name: name.into(),
            dataset_id: dataset_id.clone(),
            dataset_version_id: version.clone(),
            created_at: created_at.clone(),
            updated_at: created_at,
            experiment_traces_project_id: None,
            integration_id: None,
            space_id: space_id.into(),
        });
    }

    let template = |rubric: &str| {
        json!({
            "name": TEMPLATE_EVALUATOR,
            "template": format!("{HALLUCINATION_TEMPLATE}{rubric}"),
            "include_explanations": true,
            "use_function_calling": true,
            "use_structured_output": true,
            "classification_choices": {"factual": 1, "hallucinated": 0},
            "direction": "MAXIMIZE",
            "data_granularity": "SPAN",
            "llm_config": {
                "ai_integration_id": integration_id,
                "model_name": "gpt-4o-mini",
                "invocation_parameters": {"temperature": 0},
                "provider_parameters": {},
            },
        })
    };
    let code = |imports: &str| {
        json!({
            "type": "CUSTOM",
            "name": "json_validity",
            "code": JSON_VALIDITY_CODE,
            "imports": imports,
            "variables": ["attributes.output.value"],
            "static_params": [],
            "data_granularity": "SPAN",
            "query_filter": null,
        })
    };
    evaluator(
        st,
        space_id,
        TEMPLATE_EVALUATOR,
        "Flags answers that the retrieved context does not support.",
        EvaluatorKind::Template,
        [
            ("Initial version", template("")),
            (
                "Ask for the single label only",
                template("\nDo not add any other text."),
            ),
        ],
    );
    evaluator(
        st,
        space_id,
        CODE_EVALUATOR,
        "Checks that the output parses as JSON.",
        EvaluatorKind::Code,
        [
            ("Initial version", code("import json")),
            (
                "Pin the evaluation result import",
                code(
                    "import json\nfrom arize.experiments.evaluators.types import EvaluationResult",
                ),
            ),
        ],
    );
}

fn evaluator(
    st: &mut State,
    space_id: &str,
    name: &str,
    description: &str,
    kind: EvaluatorKind,
    versions: [(&str, Value); 2],
) {
    let (eseq, evaluator_id) = st.minter.mint("Evaluator");
    let created_at = st.clock.now();
    let mut updated_at = created_at.clone();
    for (message, config) in versions {
        let (seq, id) = st.minter.mint("EvaluatorVersion");
        updated_at = st.clock.now();
        let (template_config, code_config) = match kind {
            EvaluatorKind::Template => (Some(config), None),
            EvaluatorKind::Code => (None, Some(config)),
        };
        st.evaluator_versions.insert(EvaluatorVersion {
            seq,
            id,
            evaluator_id: evaluator_id.clone(),
            commit_hash: commit_hash(seq),
            commit_message: Some(message.into()),
            created_at: updated_at.clone(),
            created_by_user_id: None,
            kind,
            template_config,
            code_config,
            space_id: space_id.into(),
        });
    }
    st.evaluators.insert(Evaluator {
        seq: eseq,
        id: evaluator_id,
        name: name.into(),
        description: Some(description.into()),
        kind,
        space_id: space_id.into(),
        created_at,
        updated_at,
        created_by_user_id: None,
    });
}

/// The `seed_info` entries for the seeded content.
pub(crate) fn describe(st: &State, info: &mut Map<String, Value>) {
    let ids = |it: &mut dyn Iterator<Item = (&str, &str)>| -> Vec<Value> {
        it.map(|(id, name)| json!({"id": id, "name": name}))
            .collect()
    };
    info.insert(
        "projects".into(),
        st.projects
            .iter()
            .map(|p| json!({"id": p.id, "name": p.name, "space_id": p.space_id}))
            .collect(),
    );
    info.insert(
        "datasets".into(),
        st.datasets
            .iter()
            .map(|d| {
                let versions = ids(&mut st
                    .dataset_versions
                    .iter()
                    .filter(|v| v.dataset_id == d.id)
                    .map(|v| (v.id.as_str(), v.name.as_str())));
                json!({"id": d.id, "name": d.name, "space_id": d.space_id, "versions": versions})
            })
            .collect(),
    );
    info.insert(
        "experiments".into(),
        st.experiments
            .iter()
            .map(|e| {
                json!({"id": e.id, "name": e.name, "space_id": e.space_id,
                    "dataset_id": e.dataset_id, "dataset_version_id": e.dataset_version_id})
            })
            .collect(),
    );
    info.insert(
        "evaluators".into(),
        st.evaluators
            .iter()
            .map(|e| {
                let versions: Vec<Value> = st
                    .evaluator_versions
                    .iter()
                    .filter(|v| v.evaluator_id == e.id)
                    .map(|v| json!({"id": v.id, "commit_hash": v.commit_hash}))
                    .collect();
                json!({"id": e.id, "name": e.name, "space_id": e.space_id,
                    "type": e.kind.as_str(), "versions": versions})
            })
            .collect(),
    );
    info.insert(
        "ai_integrations".into(),
        st.ai_integrations
            .iter()
            .map(|i| {
                json!({"id": i.id, "name": i.name, "space_id": i.space_id,
                    "provider": i.provider})
            })
            .collect(),
    );
}
