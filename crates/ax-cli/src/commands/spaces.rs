//! `ax spaces` (API.md §6.2).

use ax_core::api::spaces::{self, CreateSpace, ListSpacesParams, SpaceUpdate};
use ax_core::model::{Patch, SpaceRole};

use super::{confirmed, notices};
use crate::cli::{SpacesCommand, DEFAULT_LIMIT};
use crate::error::CliError;
use crate::output::{self, View};
use crate::prompt;
use crate::table::{col, Kind};
use crate::Ctx;

/// Spaces: lists, and single objects through the same Arrow schema.
pub const SPACE_VIEW: View = View {
    collection: "spaces",
    columns: &[
        col("name", Kind::Text),
        col("id", Kind::Id),
        col("description", Kind::Text),
        col("created_at", Kind::Time),
        col("organization_id", Kind::Id),
    ],
    decode: Some(ax_core::table::decode_spaces_page),
};

/// Space memberships (add-user results).
const MEMBERSHIP_VIEW: View = View {
    collection: "memberships",
    columns: &[
        col("id", Kind::Id),
        col("user_id", Kind::Id),
        col("space_id", Kind::Id),
        col("role", Kind::Text),
    ],
    decode: None,
};

/// Page size: `--limit`, else 15, or 100 per request with `--all`.
pub fn page_size(limit: Option<u32>, all: bool) -> u32 {
    limit.unwrap_or(if all { 100 } else { DEFAULT_LIMIT })
}

pub async fn run(ctx: &Ctx, command: SpacesCommand) -> Result<(), CliError> {
    notices::spaces_beta();
    match command {
        SpacesCommand::List {
            organization_id,
            name,
            page,
            output,
        } => {
            let target = ctx.target(&output)?;
            let client = ctx.client()?;
            let params = ListSpacesParams {
                organization_id,
                name,
                limit: Some(page_size(page.limit, page.all)),
                cursor: page.cursor,
            };
            let pages = if page.all {
                spaces::list_all(&client, params).await?
            } else {
                vec![spaces::list(&client, &params).await?]
            };
            output::list(&target, &SPACE_VIEW, &pages, page.all)
        }
        SpacesCommand::Create {
            name,
            organization_id,
            description,
            output,
        } => {
            let target = ctx.target(&output)?;
            let client = ctx.client()?;
            let name = prompt::required(name, "--name", "Space name").await?;
            let organization_id =
                prompt::required(organization_id, "--organization-id", "Organization ID").await?;
            let req = CreateSpace {
                name,
                organization_id,
                description,
                is_private: None,
            };
            let space = spaces::create(&client, &req).await?;
            eprintln!("Space '{}' created.", space.name);
            output::object(&target, &SPACE_VIEW, &space)
        }
        SpacesCommand::Get { name_or_id, output } => {
            let target = ctx.target(&output)?;
            let client = ctx.client()?;
            let space = spaces::get(&client, &name_or_id).await?;
            output::object(&target, &SPACE_VIEW, &space)
        }
        SpacesCommand::Update {
            name_or_id,
            name,
            description,
            output,
        } => {
            if name.is_none() && description.is_none() {
                return Err(CliError::Usage(
                    "at least one of --name or --description must be provided".into(),
                ));
            }
            let target = ctx.target(&output)?;
            let client = ctx.client()?;
            let req = SpaceUpdate {
                name,
                description: match description {
                    None => Patch::Unset,
                    Some(d) if d.is_empty() => Patch::Null,
                    Some(d) => Patch::Value(d),
                },
                ..Default::default()
            };
            let space = spaces::update(&client, &name_or_id, &req).await?;
            eprintln!("Space '{}' updated.", space.name);
            output::object(&target, &SPACE_VIEW, &space)
        }
        SpacesCommand::Delete { name_or_id, force } => {
            let client = ctx.client()?;
            if !force
                && !confirmed(prompt::type_to_confirm(
                    "delete a space",
                    &[
                        "warning: this is irreversible and permanently deletes:",
                        "  - the space and all of its contents",
                        "  - all models, monitors and dashboards",
                        "  - all datasets, custom metrics and experiments",
                    ],
                    "To confirm, type the space name or ID",
                    &name_or_id,
                    "Confirmation did not match; space not deleted.",
                ))
                .await?
            {
                return Ok(());
            }
            spaces::delete(&client, &name_or_id).await?;
            eprintln!("Space '{name_or_id}' deleted.");
            Ok(())
        }
        SpacesCommand::AddUser {
            space,
            user_id,
            role,
            output,
        } => {
            notices::space_users_alpha();
            let target = ctx.target(&output)?;
            let client = ctx.client()?;
            let user_id = prompt::required(user_id, "--user-id", "User ID").await?;
            let role =
                prompt::required(role, "--role", "Role (admin, member, read-only, annotator)")
                    .await?;
            let role = SpaceRole::parse(&role)?;
            let membership = spaces::add_user(&client, &space, &user_id, &role).await?;
            eprintln!(
                "User '{user_id}' is now {} in space '{space}'.",
                role.label()
            );
            output::object(&target, &MEMBERSHIP_VIEW, &membership)
        }
        SpacesCommand::RemoveUser {
            space,
            user_id,
            force,
        } => {
            notices::space_users_alpha();
            let client = ctx.client()?;
            let user_id = prompt::required(user_id, "--user-id", "User ID").await?;
            if !force
                && !confirmed(prompt::confirm(
                    "remove a user from a space",
                    &format!("this removes user '{user_id}' from space '{space}'"),
                    "User not removed.",
                ))
                .await?
            {
                return Ok(());
            }
            spaces::remove_user(&client, &space, &user_id).await?;
            eprintln!("User '{user_id}' removed from space '{space}'.");
            Ok(())
        }
    }
}
