//! The declarations of the read-only lookup groups: names, help texts, flags and defaults
//! follow the official `ax` CLI (arize-ax-cli 0.39); `--all` is ours. Table columns are a
//! readable subset of each resource's fields (every field is in json/csv/parquet).

use ax_core::api::lookups::{
    AiIntegrations, Datasets, Evaluators, Experiments, Organizations, Projects, Users,
};

use super::lookups::{self, Runner};
use crate::cli_lookups::{flag, long_flag, Flag, Group, Paging, Param, Positional, Sub};
use crate::table::{col, Column, Kind};

/// A `list` subcommand.
const fn list(
    about: &'static str,
    flags: &'static [Flag],
    (default_limit, limit_help): (u32, &'static str),
    columns: &'static [Column],
    run: Runner,
) -> Sub {
    Sub {
        name: "list",
        about,
        arg: None,
        flags,
        paging: Some(Paging {
            default_limit,
            limit_help,
            columns,
        }),
        run,
    }
}

/// A subcommand of one item named by its positional argument.
const fn one(
    name: &'static str,
    about: &'static str,
    (value_name, help): (&'static str, &'static str),
    flags: &'static [Flag],
    run: Runner,
) -> Sub {
    Sub {
        name,
        about,
        arg: Some(Positional { value_name, help }),
        flags,
        paging: None,
        run,
    }
}

/// `--space/-s` of a `get`, needed for a name.
const fn space_for(help: &'static str) -> Flag {
    flag(Param::Space, 's', help)
}

const SPACE: Flag = flag(Param::Space, 's', "Space name or ID");
const NAME_OR_ID: &str = "NAME_OR_ID";

const NAME: Column = col("name", Kind::Text);
const ID: Column = col("id", Kind::Id);
const SPACE_ID: Column = col("space_id", Kind::Id);
const CREATED: Column = col("created_at", Kind::Time);
const UPDATED: Column = col("updated_at", Kind::Time);
const TYPE: Column = col("type", Kind::Text);
const DESCRIPTION: Column = col("description", Kind::Text);

const ORGANIZATION_COLUMNS: &[Column] = &[NAME, ID, CREATED, DESCRIPTION];
const USER_COLUMNS: &[Column] = &[
    NAME,
    ID,
    col("email", Kind::Id),
    col("status", Kind::Text),
    col("role", Kind::Text),
    CREATED,
];
const PROJECT_COLUMNS: &[Column] = &[NAME, ID, SPACE_ID, col("project_type", Kind::Text), CREATED];
const DATASET_COLUMNS: &[Column] = &[NAME, ID, CREATED, UPDATED];
const EXPERIMENT_COLUMNS: &[Column] = &[NAME, ID, CREATED, col("dataset_id", Kind::Id), SPACE_ID];
const EVALUATOR_COLUMNS: &[Column] = &[NAME, ID, TYPE, UPDATED, DESCRIPTION, SPACE_ID];
const EVALUATOR_VERSION_COLUMNS: &[Column] = &[
    ID,
    col("commit_message", Kind::Text),
    TYPE,
    CREATED,
    col("commit_hash", Kind::Id),
];
const AI_INTEGRATION_COLUMNS: &[Column] = &[
    NAME,
    ID,
    col("provider", Kind::Text),
    col("model_names", Kind::Text),
];

/// Every lookup group, in `ax --help` order.
pub static GROUPS: &[Group] = &[
    Group {
        name: "organizations",
        about: "List and get organizations (read-only)",
        subs: &[
            list(
                "List organizations the authenticated user has access to",
                &[flag(
                    Param::Name,
                    'n',
                    "Filter organizations by name (case-insensitive substring match)",
                )],
                (50, "Maximum number of organizations to return (1-100)"),
                ORGANIZATION_COLUMNS,
                lookups::list::<Organizations>,
            ),
            one(
                "get",
                "Get an organization by name or ID",
                ("ORGANIZATION", "Organization name or ID"),
                &[],
                lookups::get::<Organizations>,
            ),
        ],
    },
    Group {
        name: "users",
        about: "List and get users of the account (read-only)",
        subs: &[
            list(
                "List users in the account",
                &[
                    flag(
                        Param::Email,
                        'e',
                        "Filter users by email (case-insensitive substring match)",
                    ),
                    flag(
                        Param::Status,
                        's',
                        "Filter by status (ACTIVE, INVITED). Can be specified multiple times",
                    ),
                ],
                (50, "Maximum number of users to return (1-100)"),
                USER_COLUMNS,
                lookups::list::<Users>,
            ),
            one(
                "get",
                "Get a user by ID or email address",
                ("USER", "User ID or email address"),
                &[],
                lookups::get_user,
            ),
        ],
    },
    Group {
        name: "projects",
        about: "List and get projects (read-only)",
        subs: &[
            list(
                "List projects in a space",
                &[
                    flag(
                        Param::Name,
                        'n',
                        "Case-insensitive substring filter on project name",
                    ),
                    SPACE,
                ],
                (15, "Maximum number of projects to return"),
                PROJECT_COLUMNS,
                lookups::list::<Projects>,
            ),
            one(
                "get",
                "Get a project by name or ID",
                (NAME_OR_ID, "Project name or ID"),
                &[space_for(
                    "Space name or ID (required if using project name instead of ID)",
                )],
                lookups::get::<Projects>,
            ),
        ],
    },
    Group {
        name: "datasets",
        about: "List and get datasets (read-only)",
        subs: &[
            list(
                "List datasets in a space",
                &[
                    flag(
                        Param::Name,
                        'n',
                        "Case-insensitive substring filter on dataset name",
                    ),
                    SPACE,
                ],
                (15, "Maximum number of datasets to return"),
                DATASET_COLUMNS,
                lookups::list::<Datasets>,
            ),
            one(
                "get",
                "Get a dataset by name or ID",
                (NAME_OR_ID, "Dataset name or ID"),
                &[space_for(
                    "Space name or ID (required if using dataset name instead of ID)",
                )],
                lookups::get::<Datasets>,
            ),
        ],
    },
    Group {
        name: "experiments",
        about: "List and get experiments (read-only)",
        subs: &[
            list(
                "List experiments, optionally filtered by dataset",
                &[
                    long_flag(Param::Dataset, "Filter experiments by dataset name or ID"),
                    flag(
                        Param::Space,
                        's',
                        "Space name or ID. Lists every experiment in the space when --dataset is \
                         omitted, including standalone ones; otherwise resolves --dataset by name",
                    ),
                ],
                (15, "Maximum number of experiments to return"),
                EXPERIMENT_COLUMNS,
                lookups::list::<Experiments>,
            ),
            one(
                "get",
                "Get an experiment by name or ID",
                (NAME_OR_ID, "Experiment name or ID"),
                &[
                    long_flag(
                        Param::Dataset,
                        "Dataset name or ID used to resolve the experiment by name; omit for a \
                         standalone experiment",
                    ),
                    space_for(
                        "Space name or ID. Resolves --dataset by name, or the experiment itself \
                         when --dataset is omitted (required for standalone experiments)",
                    ),
                ],
                lookups::get::<Experiments>,
            ),
        ],
    },
    Group {
        name: "evaluators",
        about: "List and get evaluators and their versions (read-only)",
        subs: &[
            list(
                "List evaluators, optionally filtered by space",
                &[
                    flag(
                        Param::Name,
                        'n',
                        "Case-insensitive substring filter on evaluator name",
                    ),
                    SPACE,
                ],
                (15, "Maximum number of evaluators to return"),
                EVALUATOR_COLUMNS,
                lookups::list::<Evaluators>,
            ),
            one(
                "get",
                "Get an evaluator by name or ID, with its resolved version",
                (NAME_OR_ID, "Evaluator name or ID"),
                &[
                    space_for("Space name or ID (required if using evaluator name instead of ID)"),
                    long_flag(
                        Param::VersionId,
                        "Version ID to retrieve (default: latest version)",
                    ),
                ],
                lookups::get::<Evaluators>,
            ),
            Sub {
                name: "list-versions",
                about: "List all versions of an evaluator",
                arg: Some(Positional {
                    value_name: NAME_OR_ID,
                    help: "Evaluator name or ID",
                }),
                flags: &[space_for(
                    "Space name or ID (required if using evaluator name instead of ID)",
                )],
                paging: Some(Paging {
                    default_limit: 15,
                    limit_help: "Maximum number of versions to return",
                    columns: EVALUATOR_VERSION_COLUMNS,
                }),
                run: lookups::list_versions,
            },
            one(
                "get-version",
                "Get a specific evaluator version by ID",
                ("VERSION_ID", "Evaluator version ID"),
                &[],
                lookups::get_version,
            ),
        ],
    },
    Group {
        name: "ai-integrations",
        about: "List and get AI integrations (read-only)",
        subs: &[
            list(
                "List AI integrations",
                &[
                    flag(
                        Param::Name,
                        'n',
                        "Case-insensitive substring filter on integration name",
                    ),
                    flag(Param::Space, 's', "Space name or ID to filter integrations"),
                ],
                (15, "Maximum number of integrations to return"),
                AI_INTEGRATION_COLUMNS,
                lookups::list::<AiIntegrations>,
            ),
            one(
                "get",
                "Get an AI integration by name or ID",
                (NAME_OR_ID, "AI integration name or ID"),
                &[space_for(
                    "Space name or ID (required if using integration name instead of ID)",
                )],
                lookups::get::<AiIntegrations>,
            ),
        ],
    },
];
