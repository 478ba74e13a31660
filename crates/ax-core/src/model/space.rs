//! Space, membership and role assignment (API.md §3).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::is_resource_id;

/// A space (API.md §3.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Space {
    pub id: String,
    pub name: String,
    /// `""` when none was given; `null` from newer servers after clearing.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(alias = "createdAt")]
    pub created_at: DateTime<Utc>,
    #[serde(default, alias = "organizationId")]
    pub organization_id: Option<String>,
    #[serde(default, alias = "isPrivate")]
    pub is_private: Option<bool>,
    /// `{ "integration_id": ID, "model_name": string }` or null.
    #[serde(default, alias = "defaultLlmIntegration")]
    pub default_llm_integration: Option<serde_json::Value>,
    #[serde(default, alias = "mlModelsEnabled")]
    pub ml_models_enabled: Option<bool>,
    #[serde(default, alias = "gradientStartColor")]
    pub gradient_start_color: Option<String>,
    #[serde(default, alias = "gradientEndColor")]
    pub gradient_end_color: Option<String>,
    /// `{ "integration_id": ID }` or null.
    #[serde(default, alias = "defaultAgentRuntime")]
    pub default_agent_runtime: Option<serde_json::Value>,
}

/// A space's default LLM integration and model, as sent in an update (API.md §3.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultLlmIntegration {
    pub integration_id: String,
    pub model_name: String,
}

/// A space's default agent-runtime integration, as sent in an update (API.md §3.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultAgentRuntime {
    pub integration_id: String,
}

/// A user's membership of a space (API.md §3.11).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpaceMembership {
    pub id: String,
    #[serde(alias = "userId")]
    pub user_id: String,
    #[serde(alias = "spaceId")]
    pub space_id: String,
    pub role: SpaceRole,
}

/// The built-in space roles, as sent on the wire.
pub const PREDEFINED_SPACE_ROLES: [&str; 4] = ["ADMIN", "MEMBER", "READ_ONLY", "ANNOTATOR"];

/// A space role assignment (API.md §3.10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum SpaceRole {
    /// `{"type": "PREDEFINED", "name": "MEMBER"}`.
    #[serde(rename = "PREDEFINED", alias = "predefined")]
    Predefined { name: String },
    /// `{"type": "CUSTOM", "id": "..."}`; `name` only appears in responses.
    #[serde(rename = "CUSTOM", alias = "custom")]
    Custom {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
}

impl SpaceRole {
    /// Parses user input: a predefined role in any case with `-`, `_` or space as separator
    /// (`admin`, `read-only`, `Read_Only`…), or a custom role ID.
    pub fn parse(input: &str) -> Result<SpaceRole> {
        let trimmed = input.trim();
        if is_resource_id(trimmed) {
            return Ok(SpaceRole::Custom {
                id: trimmed.to_owned(),
                name: None,
            });
        }
        let normalized: String = trimmed
            .chars()
            .map(|c| {
                if c == '-' || c == ' ' {
                    '_'
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect();
        let normalized = if normalized == "READONLY" {
            "READ_ONLY".to_owned()
        } else {
            normalized
        };
        if PREDEFINED_SPACE_ROLES.contains(&normalized.as_str()) {
            return Ok(SpaceRole::Predefined { name: normalized });
        }
        Err(Error::validation(
            "role",
            format!(
                "'{trimmed}' is not a space role; use one of ADMIN, MEMBER, READ_ONLY, ANNOTATOR (any case, '-' or '_') or a custom role ID"
            ),
        ))
    }

    /// The predefined role name, or the custom role ID.
    pub fn label(&self) -> &str {
        match self {
            SpaceRole::Predefined { name } => name,
            SpaceRole::Custom { id, .. } => id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_predefined_roles() {
        for (input, want) in [
            ("admin", "ADMIN"),
            ("MEMBER", "MEMBER"),
            ("read-only", "READ_ONLY"),
            ("Read_Only", "READ_ONLY"),
            ("read only", "READ_ONLY"),
            (" annotator ", "ANNOTATOR"),
        ] {
            assert_eq!(
                SpaceRole::parse(input).unwrap(),
                SpaceRole::Predefined { name: want.into() },
                "{input}"
            );
        }
    }

    #[test]
    fn parse_custom_role_id() {
        assert_eq!(
            SpaceRole::parse("Um9sZTo1OmFiY2Q=").unwrap(),
            SpaceRole::Custom {
                id: "Um9sZTo1OmFiY2Q=".into(),
                name: None
            }
        );
    }

    #[test]
    fn parse_rejects_unknown_roles() {
        match SpaceRole::parse("owner") {
            Err(Error::Validation { field, message }) => {
                assert_eq!(field, "role");
                for r in [
                    "ADMIN",
                    "MEMBER",
                    "READ_ONLY",
                    "ANNOTATOR",
                    "custom role ID",
                ] {
                    assert!(message.contains(r), "{message}");
                }
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(SpaceRole::parse("").is_err());
    }

    #[test]
    fn role_wire_format() {
        let r = SpaceRole::Predefined {
            name: "MEMBER".into(),
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"type":"PREDEFINED","name":"MEMBER"}"#
        );
        let r = SpaceRole::Custom {
            id: "x".into(),
            name: None,
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"type":"CUSTOM","id":"x"}"#
        );
        let r: SpaceRole =
            serde_json::from_str(r#"{"type":"CUSTOM","id":"x","name":"Reviewer","extra":1}"#)
                .unwrap();
        assert_eq!(
            r,
            SpaceRole::Custom {
                id: "x".into(),
                name: Some("Reviewer".into())
            }
        );
    }

    #[test]
    fn space_model_tolerates_aliases_and_unknown_fields() {
        let s: Space = serde_json::from_str(
            r#"{"id":"a","name":"n","description":null,"createdAt":"2026-01-01T00:00:00+00:00","organizationId":"o","isPrivate":true,"new_field":[1]}"#,
        )
        .unwrap();
        assert_eq!(s.organization_id.as_deref(), Some("o"));
        assert_eq!(s.is_private, Some(true));
        assert_eq!(s.created_at.to_rfc3339(), "2026-01-01T00:00:00+00:00");
        let s: Space = serde_json::from_str(
            r#"{"id":"a","name":"n","description":"d","created_at":"2026-01-01T00:00:00.5Z"}"#,
        )
        .unwrap();
        assert_eq!(s.description.as_deref(), Some("d"));
        assert_eq!(s.organization_id, None);
    }
}
