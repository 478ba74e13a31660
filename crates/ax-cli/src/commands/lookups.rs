//! The read-only lookup groups: one generic runner per kind of subcommand (a list, a get),
//! instantiated per resource by the declarations in [`super::lookup_groups`]. Everything
//! but parsing and printing is ax-core's (`ax_core::api::lookups`).

use ax_core::api::lookups::{
    self, EvaluatorVersions, GetParams, ListParams, LookupResource, Record, Users,
};
use ax_core::paginate::{Page, Resource, MAX_LIMIT};
use ax_core::{Client, Error};
use futures::future::LocalBoxFuture;
use futures::{FutureExt, Stream, TryStreamExt};

use crate::cli_lookups::{LookupCommand, Sub};
use crate::error::CliError;
use crate::output::{self, Target, View};
use crate::Ctx;

/// What a lookup subcommand runs, given its client, output target and values.
pub type Runner = fn(Call) -> LocalBoxFuture<'static, Result<(), CliError>>;

/// One run of a lookup subcommand.
pub struct Call {
    pub client: Client,
    pub target: Target,
    pub sub: &'static Sub,
    pub args: crate::cli_lookups::Invocation,
}

/// Runs a parsed lookup subcommand (no pre-release notice: the official CLI prints none).
pub async fn run(ctx: &Ctx, command: LookupCommand) -> Result<(), CliError> {
    let target = ctx.target(&command.args.output)?;
    let client = ctx.client()?;
    let call = Call {
        client,
        target,
        sub: command.sub,
        args: command.args,
    };
    (command.sub.run)(call).await
}

fn view<R: Resource>(call: &Call) -> View {
    View {
        collection: R::COLLECTION,
        columns: call.sub.paging.as_ref().map_or(&[], |p| p.columns),
        decode: Some(R::decode_page),
    }
}

impl Call {
    /// `--limit`, else the declared default, or 100 per request with `--all`.
    fn limit(&self) -> u32 {
        let default = match &self.sub.paging {
            Some(_) if self.args.page.all => MAX_LIMIT,
            Some(p) => p.default_limit,
            None => lookups::DEFAULT_LIMIT,
        };
        self.args.page.limit.unwrap_or(default)
    }

    fn list_params(&self) -> ListParams {
        ListParams {
            limit: Some(self.limit()),
            cursor: self.args.page.cursor.clone(),
            ..self.args.filters.clone()
        }
    }

    fn get_params(&self) -> GetParams {
        GetParams {
            space: self.args.filters.space.clone(),
            dataset: self.args.filters.dataset.clone(),
            version_id: self.args.version_id.clone(),
        }
    }

    /// Prints one page (`first`), or every page (`every`) with `--all`.
    async fn pages<R: Resource>(
        &self,
        first: impl std::future::Future<Output = ax_core::Result<Page<R>>>,
        every: impl Stream<Item = ax_core::Result<Page<R>>>,
    ) -> Result<(), CliError> {
        let all = self.args.page.all;
        let pages = if all {
            every.try_collect().await?
        } else {
            vec![first.await?]
        };
        output::list(&self.target, &view::<R>(self), &pages, all)
    }

    fn object<R: Resource>(&self, record: &Record) -> Result<(), CliError> {
        output::object(&self.target, &view::<R>(self), record)
    }
}

/// `list` of `R`.
pub fn list<R: LookupResource>(call: Call) -> LocalBoxFuture<'static, Result<(), CliError>> {
    async move {
        let params = call.list_params();
        let first = lookups::list::<R>(&call.client, &params);
        let every = lookups::list_pages::<R>(&call.client, params.clone());
        call.pages(first, every).await
    }
    .boxed_local()
}

/// `get` of `R` by name or ID.
pub fn get<R: LookupResource>(call: Call) -> LocalBoxFuture<'static, Result<(), CliError>> {
    async move {
        let record = lookups::get::<R>(&call.client, &call.args.ident, &call.get_params()).await?;
        call.object::<R>(&record)
    }
    .boxed_local()
}

/// `users get` by ID or e-mail address.
pub fn get_user(call: Call) -> LocalBoxFuture<'static, Result<(), CliError>> {
    async move {
        let ident = &call.args.ident;
        let record = lookups::get_user(&call.client, ident)
            .await?
            .ok_or_else(|| Error::NameNotFound {
                resource_type: "user".into(),
                resource_name: ident.clone(),
                available_names: Vec::new(),
                hint: None,
            })?;
        call.object::<Users>(&record)
    }
    .boxed_local()
}

/// `evaluators list-versions`.
pub fn list_versions(call: Call) -> LocalBoxFuture<'static, Result<(), CliError>> {
    async move {
        let (evaluator, space, limit) = (&call.args.ident, &call.args.filters.space, call.limit());
        let cursor = call.args.page.cursor.as_deref();
        let first = lookups::list_versions(
            &call.client,
            evaluator,
            space.as_deref(),
            Some(limit),
            cursor,
        );
        let every = lookups::list_versions_pages(
            &call.client,
            evaluator.clone(),
            space.clone(),
            Some(limit),
        );
        call.pages(first, every).await
    }
    .boxed_local()
}

/// `evaluators get-version`.
pub fn get_version(call: Call) -> LocalBoxFuture<'static, Result<(), CliError>> {
    async move {
        let record = lookups::get_version(&call.client, &call.args.ident).await?;
        call.object::<EvaluatorVersions>(&record)
    }
    .boxed_local()
}
