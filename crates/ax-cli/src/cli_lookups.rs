//! Clap definitions of the read-only lookup groups (`ax organizations`, `users`, `projects`,
//! `datasets`, `experiments`, `evaluators`, `ai-integrations`).
//!
//! A group is a [`Group`] declaration (see `commands::lookup_groups`): its subcommands, their
//! flags, positional argument, paging defaults and table columns. This module turns the
//! declarations into clap commands and parses the matches back into a [`LookupCommand`];
//! `commands::lookups` runs it.

use ax_core::api::lookups::ListParams;
use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches, Subcommand};

use crate::cli::{OutputArgs, PageArgs};
use crate::commands::lookup_groups::GROUPS;
use crate::commands::lookups::Runner;
use crate::table::Column;

/// A command group of one read-only resource.
pub struct Group {
    /// Command name, e.g. `projects`.
    pub name: &'static str,
    /// One line in `ax --help`.
    pub about: &'static str,
    pub subs: &'static [Sub],
}

/// One subcommand of a group (`list`, `get`, ...).
pub struct Sub {
    pub name: &'static str,
    pub about: &'static str,
    /// The required positional argument (the name or ID of a `get`).
    pub arg: Option<Positional>,
    /// Filter and scope flags, in help order.
    pub flags: &'static [Flag],
    /// `--limit/-l`, `--cursor/-c` and `--all`, for lists.
    pub paging: Option<Paging>,
    /// What runs it.
    pub run: Runner,
}

/// The positional argument of a subcommand.
pub struct Positional {
    /// Shown in the usage line, e.g. `NAME_OR_ID`.
    pub value_name: &'static str,
    pub help: &'static str,
}

/// Paging of a list subcommand.
pub struct Paging {
    /// `--limit` without `--all` (with `--all`: 100 per page).
    pub default_limit: u32,
    /// Help of `--limit`, before the defaults.
    pub limit_help: &'static str,
    /// Columns of `-o table`.
    pub columns: &'static [Column],
}

/// A value a flag sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    Name,
    Space,
    Dataset,
    Email,
    /// Repeatable.
    Status,
    VersionId,
}

impl Param {
    /// The long flag (also the clap ID).
    fn long(self) -> &'static str {
        match self {
            Param::Name => "name",
            Param::Space => "space",
            Param::Dataset => "dataset",
            Param::Email => "email",
            Param::Status => "status",
            Param::VersionId => "version-id",
        }
    }

    fn value_name(self) -> &'static str {
        match self {
            Param::Name => "NAME",
            Param::Space => "SPACE",
            Param::Dataset => "DATASET",
            Param::Email => "EMAIL",
            Param::Status => "STATUS",
            Param::VersionId => "ID",
        }
    }
}

/// One flag of a subcommand.
pub struct Flag {
    pub param: Param,
    pub short: Option<char>,
    pub help: &'static str,
}

/// A flag with a short form.
pub const fn flag(param: Param, short: char, help: &'static str) -> Flag {
    Flag {
        param,
        short: Some(short),
        help,
    }
}

/// A flag without a short form.
pub const fn long_flag(param: Param, help: &'static str) -> Flag {
    Flag {
        param,
        short: None,
        help,
    }
}

/// The values of a parsed lookup subcommand.
#[derive(Debug, Clone, Default)]
pub struct Invocation {
    /// The positional argument.
    pub ident: String,
    /// The filter and scope flags (`limit` and `cursor` are in `page`).
    pub filters: ListParams,
    pub version_id: Option<String>,
    pub page: PageArgs,
    pub output: OutputArgs,
}

/// A parsed lookup subcommand: what to run and with which values.
pub struct LookupCommand {
    pub group: &'static Group,
    pub sub: &'static Sub,
    pub args: Invocation,
}

impl std::fmt::Debug for LookupCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LookupCommand")
            .field(
                "command",
                &format_args!("{} {}", self.group.name, self.sub.name),
            )
            .field("args", &self.args)
            .finish()
    }
}

const IDENT: &str = "ident";

fn flag_arg(f: &Flag) -> Arg {
    let mut arg = Arg::new(f.param.long())
        .long(f.param.long())
        .value_name(f.param.value_name())
        .help(f.help)
        .action(if f.param == Param::Status {
            ArgAction::Append
        } else {
            ArgAction::Set
        });
    if let Some(s) = f.short {
        arg = arg.short(s);
    }
    arg
}

fn sub_command(sub: &Sub) -> clap::Command {
    let mut cmd = clap::Command::new(sub.name);
    if let Some(p) = &sub.arg {
        cmd = cmd.arg(
            Arg::new(IDENT)
                .value_name(p.value_name)
                .help(p.help)
                .required(true),
        );
    }
    cmd = cmd.args(sub.flags.iter().map(flag_arg));
    if let Some(p) = &sub.paging {
        let help = format!(
            "{} [default: {}; 100 per page with --all]",
            p.limit_help, p.default_limit
        );
        cmd = PageArgs::augment_args(cmd).mut_arg("limit", |a| a.help(help));
    }
    // After the derived `Args`, which set their own doc comment as the about.
    OutputArgs::augment_args(cmd)
        .about(sub.about)
        .long_about(None)
}

fn group_command(group: &Group) -> clap::Command {
    clap::Command::new(group.name)
        .about(group.about)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(group.subs.iter().map(sub_command))
}

fn missing_subcommand() -> clap::Error {
    clap::Error::raw(
        clap::error::ErrorKind::MissingSubcommand,
        "a subcommand is required",
    )
}

fn text(m: &ArgMatches, id: &str) -> Option<String> {
    m.try_get_one::<String>(id).ok().flatten().cloned()
}

impl FromArgMatches for LookupCommand {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let (group_name, gm) = m.subcommand().ok_or_else(missing_subcommand)?;
        let group = GROUPS
            .iter()
            .find(|g| g.name == group_name)
            .ok_or_else(missing_subcommand)?;
        let (sub_name, sm) = gm.subcommand().ok_or_else(missing_subcommand)?;
        let sub = group
            .subs
            .iter()
            .find(|s| s.name == sub_name)
            .ok_or_else(missing_subcommand)?;
        let page = match sub.paging {
            Some(_) => PageArgs::from_arg_matches(sm)?,
            None => PageArgs::default(),
        };
        let args = Invocation {
            ident: text(sm, IDENT).unwrap_or_default(),
            filters: ListParams {
                name: text(sm, Param::Name.long()),
                space: text(sm, Param::Space.long()),
                dataset: text(sm, Param::Dataset.long()),
                email: text(sm, Param::Email.long()),
                status: sm
                    .try_get_many::<String>(Param::Status.long())
                    .ok()
                    .flatten()
                    .map(|v| v.cloned().collect()),
                ..ListParams::default()
            },
            version_id: text(sm, Param::VersionId.long()),
            page,
            output: OutputArgs::from_arg_matches(sm)?,
        };
        Ok(LookupCommand { group, sub, args })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = LookupCommand::from_arg_matches(m)?;
        Ok(())
    }
}

impl Subcommand for LookupCommand {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        cmd.subcommands(GROUPS.iter().map(group_command))
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        LookupCommand::augment_subcommands(cmd)
    }

    fn has_subcommand(name: &str) -> bool {
        GROUPS.iter().any(|g| g.name == name)
    }
}
