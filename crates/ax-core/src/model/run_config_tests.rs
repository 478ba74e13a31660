use super::*;
use serde_json::json;

fn field_of(v: Value) -> String {
    match normalize_run_configuration(&v) {
        Err(Error::Validation { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn llm() -> Value {
    json!({
        "experiment_type": "llm_generation",
        "ai_integration_id": "TGxtSW50ZWdyYXRpb246MzpQcTZy",
        "model_name": "gpt-4o-mini",
        "input_variable_format": "mustache",
        "messages": [
            {"role": "system", "content": "Summarize."},
            {"role": "User", "content": "{{article}}"},
            {"role": "assistant", "content": null,
             "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "ok"}
        ],
        "invocation_parameters": {"temperature": 0.2, "max_tokens": 256,
            "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": {}, "strict": true}},
            "custom_knob": 1},
        "provider_parameters": {},
        "prompt_version_id": null
    })
}

#[test]
fn llm_generation_is_upper_cased() {
    let out = normalize_run_configuration(&llm()).unwrap();
    assert_eq!(out["experiment_type"], "LLM_GENERATION");
    assert_eq!(out["input_variable_format"], "MUSTACHE");
    let roles: Vec<_> = out["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(roles, ["SYSTEM", "USER", "ASSISTANT", "TOOL"]);
    assert_eq!(out["messages"][2]["tool_calls"][0]["type"], "FUNCTION");
    assert!(out["messages"][2].get("content").is_none(), "null dropped");
    assert_eq!(
        out["invocation_parameters"]["response_format"]["type"],
        "JSON_SCHEMA"
    );
    assert_eq!(out["invocation_parameters"]["custom_knob"], 1);
    assert!(out.get("prompt_version_id").is_none());
    // Already-normalized input is a fixed point.
    assert_eq!(normalize_run_configuration(&out).unwrap(), out);
}

#[test]
fn missing_input_variable_format_is_an_error() {
    let mut v = llm();
    v.as_object_mut().unwrap().remove("input_variable_format");
    match normalize_run_configuration(&v) {
        Err(Error::Validation { field, message }) => {
            assert_eq!(field, "run_configuration.input_variable_format");
            assert!(message.contains("MUSTACHE") && message.contains("F_STRING"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn bad_enum_values_name_the_path_and_the_choices() {
    let mut v = llm();
    v["messages"][1]["role"] = json!("robot");
    match normalize_run_configuration(&v) {
        Err(Error::Validation { field, message }) => {
            assert_eq!(field, "run_configuration.messages[1].role");
            assert!(
                message.contains("USER, ASSISTANT, SYSTEM, TOOL"),
                "{message}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    let mut v = llm();
    v["input_variable_format"] = json!("jinja");
    assert_eq!(field_of(v), "run_configuration.input_variable_format");
    let mut v = llm();
    v["experiment_type"] = json!("fine_tune");
    assert_eq!(field_of(v), "run_configuration.experiment_type");
    let mut v = llm();
    v["messages"][2]["tool_calls"][0]["type"] = json!("web");
    assert_eq!(
        field_of(v),
        "run_configuration.messages[2].tool_calls[0].type"
    );
    let mut v = llm();
    v["invocation_parameters"]["response_format"]["type"] = json!("xml");
    assert_eq!(
        field_of(v),
        "run_configuration.invocation_parameters.response_format.type"
    );
}

#[test]
fn llm_generation_structure_errors() {
    assert_eq!(field_of(json!("x")), "run_configuration");
    assert_eq!(
        field_of(json!({"ai_integration_id": "a"})),
        "run_configuration.experiment_type"
    );
    let mut v = llm();
    v["messages"] = json!([]);
    assert_eq!(field_of(v), "run_configuration.messages");
    let mut v = llm();
    v.as_object_mut().unwrap().remove("ai_integration_id");
    assert_eq!(field_of(v), "run_configuration.ai_integration_id");
    let mut v = llm();
    v["messages"][0].as_object_mut().unwrap().remove("role");
    assert_eq!(field_of(v), "run_configuration.messages[0].role");
    let mut v = llm();
    v["template"] = json!("x");
    assert_eq!(field_of(v), "run_configuration.template");
    let mut v = llm();
    v["messages"][0]["name"] = json!("x");
    assert_eq!(field_of(v), "run_configuration.messages[0].name");
    let mut v = llm();
    v["invocation_parameters"]["max_tokens"] = json!(1.5);
    assert_eq!(
        field_of(v),
        "run_configuration.invocation_parameters.max_tokens"
    );
    let mut v = llm();
    v["invocation_parameters"]["presence_penalty"] = json!(3);
    assert_eq!(
        field_of(v),
        "run_configuration.invocation_parameters.presence_penalty"
    );
    let mut v = llm();
    v["invocation_parameters"]["stop"] = json!(["a", 1]);
    assert_eq!(field_of(v), "run_configuration.invocation_parameters.stop");
    let mut v = llm();
    v["messages"][2]["tool_calls"][0]["function"] = json!({"name": "f"});
    assert_eq!(
        field_of(v),
        "run_configuration.messages[2].tool_calls[0].function.arguments"
    );
    let mut v = llm();
    v["tool_config"] = json!({"tools": [1]});
    assert_eq!(field_of(v), "run_configuration.tool_config.tools[0]");
}

#[test]
fn template_evaluation_rules() {
    let good = json!({
        "experiment_type": "Template-Evaluation",
        "ai_integration_id": "TGxtSW50ZWdyYXRpb246MzpQcTZy",
        "template": "Is {{answer}} supported?",
        "provide_explanation": true,
        "classification_choices": {"supported": 1, "unsupported": 0},
        "column_mapping": {"answer": "output"}
    });
    let out = normalize_run_configuration(&good).unwrap();
    assert_eq!(out["experiment_type"], "TEMPLATE_EVALUATION");
    assert_eq!(out["classification_choices"]["supported"], 1);
    let mut v = good.clone();
    v.as_object_mut().unwrap().remove("provide_explanation");
    assert_eq!(field_of(v), "run_configuration.provide_explanation");
    let mut v = good.clone();
    v["template"] = json!("  ");
    assert_eq!(field_of(v), "run_configuration.template");
    let mut v = good.clone();
    v["classification_choices"]["maybe"] = json!("half");
    assert_eq!(
        field_of(v),
        "run_configuration.classification_choices.maybe"
    );
    let mut v = good.clone();
    v["column_mapping"] = json!({"answer": 3});
    assert_eq!(field_of(v), "run_configuration.column_mapping.answer");
    let mut v = good;
    v["messages"] = json!([]);
    assert_eq!(field_of(v), "run_configuration.messages");
}

#[test]
fn agent_call_is_accepted() {
    let v = json!({"experiment_type": "agent_call", "integration_id": "QWdlbnQ6MTpY",
                   "input_template": {"q": "{{question}}"}});
    let out = normalize_run_configuration(&v).unwrap();
    assert_eq!(out["experiment_type"], "AGENT_CALL");
    assert_eq!(out["input_template"]["q"], "{{question}}");
    assert_eq!(
        field_of(json!({"experiment_type": "AGENT_CALL", "integration_id": "x"})),
        "run_configuration.input_template"
    );
    assert_eq!(
        field_of(
            json!({"experiment_type": "AGENT_CALL", "integration_id": "x",
                        "input_template": {}, "messages": []})
        ),
        "run_configuration.messages"
    );
}
