"""Type stubs of the result classes shared by every resource, ``Page`` and the spaces
clients (part of ``arize_ax._native``; import the public names from ``arize_ax``)."""

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

_T = TypeVar("_T")

DefaultLlmIntegrationInput = Mapping[str, str] | Any
"""``{"integration_id": ..., "model_name": ...}``, or the official SDK's
``DefaultLLMIntegration`` (any object with ``model_dump``)."""
DefaultAgentRuntimeInput = Mapping[str, str] | Any
"""``{"integration_id": ...}``, or the official SDK's ``DefaultAgentRuntime``."""

RoleInput = str | Mapping[str, Any] | Any
"""``"admin"``/``"member"``/``"read-only"``/``"annotator"`` (any case, ``-`` or ``_``), a
custom role ID, ``{"type": "PREDEFINED", "name": "MEMBER"}``, ``{"type": "CUSTOM", "id": ...}``,
or an object with ``type`` and ``name``/``id`` attributes (the official SDK's role models)."""

IncEx = set[str] | set[int] | Mapping[str, Any] | Mapping[int, Any] | Sequence[str]
"""``include`` / ``exclude`` of ``model_dump``: field names, or a dict from a field name (a
list index, or ``"__all__"``) to ``True`` or a nested filter, as in pydantic."""

class _ModelDump:
    """``model_dump()`` and ``model_dump_json()`` as on the official SDK's pydantic models."""

    def model_dump(
        self,
        *,
        mode: Literal["python", "json"] = "python",
        include: IncEx | None = None,
        exclude: IncEx | None = None,
        by_alias: bool | None = None,
        exclude_none: bool = False,
    ) -> dict[str, Any]:
        """The fields with the keys of the official ``arize`` 8.61 model this object mirrors.

        Every field of that model is present in its order (``None`` where the server sent
        nothing), nested objects are laid out by their own model (``additional_properties``
        included where the official model has it), so
        ``obj.model_dump() == official.model_dump()`` for the same server data. Differences:
        the official ``oneOf`` wrapper objects (an AI integration's ``provider_metadata``, a
        static parameter's ``default_value``) are kept as sent; enum values are plain
        strings (equal to the official ``str`` enums); a task run's ``additional_properties``
        is always ``{}`` (the client keeps only the fields the API defines).

        ``mode="json"`` gives ISO 8601 strings for datetimes (``...Z`` in UTC).
        ``exclude_none`` drops fields whose value is ``None`` (in models, not inside
        free-form dicts, as in pydantic); ``include``/``exclude`` take field names or nested
        dicts; ``by_alias`` uses wire names (only a response format's ``schema`` differs).
        """
    def model_dump_json(
        self,
        *,
        indent: int | None = None,
        include: IncEx | None = None,
        exclude: IncEx | None = None,
        by_alias: bool | None = None,
        exclude_none: bool = False,
    ) -> str:
        """``model_dump(mode="json", ...)`` as JSON text (compact unless ``indent``)."""
    def _repr_html_(self) -> str:
        """The notebook display: a card of every field, HTML-escaped, long values cut
        short (a run shows its status colour-coded, its counts and failure reason)."""

class Space(_ModelDump):
    """A space. Attributes carry the API's field names."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str | None: ...
    @property
    def created_at(self) -> datetime:
        """Timezone-aware (UTC)."""
    @property
    def organization_id(self) -> str | None: ...
    @property
    def is_private(self) -> bool | None: ...
    @property
    def default_llm_integration(self) -> dict[str, Any] | None:
        """``{"integration_id": ..., "model_name": ...}`` or None."""
    @property
    def ml_models_enabled(self) -> bool | None: ...
    @property
    def gradient_start_color(self) -> str | None:
        """First colour of the space's avatar gradient."""
    @property
    def gradient_end_color(self) -> str | None:
        """Second colour of the space's avatar gradient."""
    @property
    def default_agent_runtime(self) -> dict[str, Any] | None:
        """``{"integration_id": ...}`` or None."""
    def to_dict(self) -> dict[str, Any]:
        """The space as a plain dict; datetimes stay ``datetime`` objects."""

class SpaceRoleAssignment(_ModelDump):
    """A role in a space.

    ``type`` is ``"PREDEFINED"`` (with ``name``) or ``"CUSTOM"`` (with ``id``).
    """

    @property
    def type(self) -> Literal["PREDEFINED", "CUSTOM"]: ...
    @property
    def name(self) -> str | None: ...
    @property
    def id(self) -> str | None: ...
    def to_dict(self) -> dict[str, Any]: ...

class SpaceMembership(_ModelDump):
    """A user's membership in a space."""

    @property
    def id(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def space_id(self) -> str: ...
    @property
    def role(self) -> SpaceRoleAssignment: ...
    def to_dict(self) -> dict[str, Any]: ...

class Pagination(_ModelDump):
    """Cursor state of a list result (as ``response.pagination`` in the official SDK)."""

    @property
    def has_more(self) -> bool: ...
    @property
    def next_cursor(self) -> str | None: ...
    def to_dict(self) -> dict[str, Any]:
        """``{"next_cursor": ..., "has_more": ...}``."""

class Page(Generic[_T]):
    """One page (``list``) or every page (``list_all``) of a listing.

    The rows are Arrow record batches decoded in Rust; ``pyarrow.table(page)`` and
    ``polars.DataFrame(page)`` read them through the Arrow PyCapsule interface without
    copying. Typed items are built on first access to ``items``, iteration or indexing.
    The schema is fixed per resource: the same for every page and for an empty result.

    Task and task-run results keep only the Arrow data (their tables hold every field of
    the items) and build items from it, so item timestamps have microsecond resolution,
    like ``datetime``. Space results also keep the JSON bodies, which hold fields the
    spaces table does not.
    """

    @property
    def items(self) -> list[_T]: ...
    @property
    def has_more(self) -> bool: ...
    @property
    def next_cursor(self) -> str | None: ...
    @property
    def pagination(self) -> Pagination: ...
    @property
    def num_batches(self) -> int:
        """Number of Arrow record batches exported.

        1 for a page from ``list``. ``list_all`` gathers its pages, while it fetches them,
        into batches of about 4,096 rows (whole pages), so 20,000 rows usually come as 5
        batches (a page with escaped strings in its tasks or runs may start a new one).
        """
    @property
    def num_pages(self) -> int:
        """Number of pages fetched from the server for this result."""
    @property
    def spaces(self) -> list[_T]:
        """The items, under the official SDK's attribute name (space listings only)."""
    @property
    def tasks(self) -> list[_T]:
        """The items (task listings only)."""
    @property
    def organizations(self) -> list[_T]:
        """The items under the official SDK's attribute name (organization listings only;
        likewise ``users``, ``projects``, ``datasets``, ``experiments``, ``evaluators``,
        ``evaluator_versions`` and ``ai_integrations``)."""
    @property
    def users(self) -> list[_T]: ...
    @property
    def projects(self) -> list[_T]: ...
    @property
    def datasets(self) -> list[_T]: ...
    @property
    def experiments(self) -> list[_T]: ...
    @property
    def evaluators(self) -> list[_T]: ...
    @property
    def evaluator_versions(self) -> list[_T]: ...
    @property
    def ai_integrations(self) -> list[_T]: ...
    @property
    def task_runs(self) -> list[_T]:
        """The items (run listings only)."""
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[_T]: ...
    def __getitem__(self, index: int) -> _T: ...
    def __arrow_c_schema__(self) -> object: ...
    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...
    def _repr_html_(self) -> str:
        """The notebook display: the first 10 rows (from the Arrow data), the row count,
        ``has_more`` and every column with its Arrow type, HTML-escaped."""
    def to_arrow(self) -> Any:
        """A ``pyarrow.Table`` (zero-copy)."""
    def to_pandas(
        self, *, arrow_dtypes: bool = False, nested_objects: bool = False, **kwargs: Any
    ) -> Any:
        """A ``pandas.DataFrame``; needs ``pip install "arize-ax[pandas]"``.

        Flat columns get pyarrow's usual pandas dtypes (timestamps ``datetime64[us, UTC]``,
        strings as pandas' default string dtype). Nested columns (``evaluators``,
        ``experiment_ids``) are ``pandas.ArrowDtype`` columns: a cell reads as a Python list
        of dicts (``column_mappings`` as ``(key, value)`` tuples), but no Python objects are
        built for the whole column up front, which is what makes large listings slow.

        ``nested_objects=True`` gives NumPy object columns of Python values instead (as
        ``pyarrow.Table.to_pandas()`` does; also implied by ``maps_as_pydicts=...``).
        ``arrow_dtypes=True`` makes every column ``pandas.ArrowDtype``. Any other keyword
        argument is passed to ``pyarrow.Table.to_pandas``; a ``types_mapper`` is asked
        first and the rules above apply where it returns ``None``. ``arrow_dtypes=True``
        excludes ``types_mapper`` and ``nested_objects``.

        Buffers the conversion allocates come from ``pyarrow.system_memory_pool()`` unless
        ``memory_pool=`` is given: the system allocator hands large freed blocks back to the
        operating system at once, where pyarrow's default pool keeps them, so the peak
        memory of converting a large listing is lower (about 5 MB less for 20,000 runs).
        """
    def to_df(
        self,
        by_alias: bool = False,
        exclude_none: bool | Literal["all", "any"] = True,
        json_normalize: bool = False,
        convert_dtypes: bool = True,
        expand_field: str = "additional_properties",
        expand_prefix: str = "",
    ) -> Any:
        """The ``pandas.DataFrame`` the official SDK's list responses give from ``to_df()``,
        with the same keywords, columns and values for the same server data; needs pandas.

        Built from the Arrow data: one column per field of the official model, in its
        order (nested objects as dicts laid out like ``model_dump()``, missing fields as
        ``None``); then, as in the official SDK, ``expand_field`` (a dict column) is spread
        into top-level columns named ``expand_prefix + key``, ``json_normalize=True``
        flattens nested dicts into ``parent.child`` columns (``pandas.json_normalize``),
        ``exclude_none`` drops the columns whose values are all (``True``/``"all"``) or any
        (``"any"``) None/NaN, and ``convert_dtypes=True`` ends with
        ``DataFrame.convert_dtypes()``. ``by_alias`` uses wire names in nested dicts.

        Only ``json_normalize=True``, a non-empty ``expand_field`` column and evaluator
        versions (whose rows have different models) go through one dict per row, as pandas
        needs rows there. An empty result has no columns, as in the official SDK (use
        ``to_pandas()`` for the fixed schema). Timestamps are ``datetime64[ns, UTC]`` (the
        official frame carries pydantic's UTC ``tzinfo`` instead). Unlike ``to_pandas()``,
        nested columns hold Python objects.
        """
    def to_polars(self) -> Any:
        """A ``polars.DataFrame``; needs ``pip install "arize-ax[polars]"``."""

class SpacesClient:
    """Spaces operations (blocking). Every method is keyword-only, as in the official SDK.

    ``space`` arguments take a name or an ID; a name is resolved exactly (case-sensitive)
    over every page of ``GET /v2/spaces?name=...``. Blocking calls release the GIL and
    Ctrl-C interrupts them.
    """

    def list(
        self,
        *,
        organization_id: str | None = None,
        name: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Space]:
        """One page of the spaces visible to the key (``limit`` 1..100)."""
    def list_all(
        self,
        *,
        organization_id: str | None = None,
        name: str | None = None,
        limit: int = 100,
    ) -> Page[Space]:
        """Every page, fetched with the next request in flight; ``limit`` is the page size."""
    def get(self, *, space: str) -> Space:
        """A space by name or ID."""
    def create(
        self,
        *,
        name: str,
        organization_id: str,
        description: str | None = None,
        is_private: bool | None = None,
    ) -> Space:
        """Creates a space (``organization_id`` may also be an organization name)."""
    def update(
        self,
        *,
        space: str,
        name: str | None = ...,
        description: str | None = ...,
        is_private: bool | None = ...,
        default_llm_integration: DefaultLlmIntegrationInput | None = ...,
        ml_models_enabled: bool | None = ...,
        gradient_start_color: str | None = ...,
        gradient_end_color: str | None = ...,
        default_agent_runtime: DefaultAgentRuntimeInput | None = ...,
    ) -> Space:
        """Updates a space (name or ID), sending only the fields passed, as in the official SDK.

        ``None`` clears ``description``, ``default_llm_integration`` and
        ``default_agent_runtime`` (sent as ``null``); for ``name``, ``is_private``,
        ``ml_models_enabled`` and the gradient colours, which cannot be cleared, ``None``
        is the same as leaving the argument out. Before any request, ``ValidationError``
        (naming the field) is raised when nothing would change, for a value of the wrong
        type (``is_private=1``), an empty name or colour, a description over 1,000
        characters, or an integration reference missing a key, with an extra key or an empty
        ID (``default_llm_integration.model_name``).
        """
    def delete(self, *, space: str) -> None:
        """Deletes the space and everything in it. Irreversible."""
    def add_user(self, *, space: str, user_id: str, role: RoleInput) -> SpaceMembership:
        """Adds a user to the space, or changes a member's role (upsert)."""
    def remove_user(self, *, space: str, user_id: str) -> None:
        """Removes the user from the space."""

class AsyncSpacesClient:
    """Spaces operations as asyncio awaitables.

    Same names and arguments as :class:`SpacesClient`.
    """

    async def list(
        self,
        *,
        organization_id: str | None = None,
        name: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Space]: ...
    async def list_all(
        self,
        *,
        organization_id: str | None = None,
        name: str | None = None,
        limit: int = 100,
    ) -> Page[Space]: ...
    async def get(self, *, space: str) -> Space: ...
    async def create(
        self,
        *,
        name: str,
        organization_id: str,
        description: str | None = None,
        is_private: bool | None = None,
    ) -> Space: ...
    async def update(
        self,
        *,
        space: str,
        name: str | None = ...,
        description: str | None = ...,
        is_private: bool | None = ...,
        default_llm_integration: DefaultLlmIntegrationInput | None = ...,
        ml_models_enabled: bool | None = ...,
        gradient_start_color: str | None = ...,
        gradient_end_color: str | None = ...,
        default_agent_runtime: DefaultAgentRuntimeInput | None = ...,
    ) -> Space: ...
    async def delete(self, *, space: str) -> None: ...
    async def add_user(self, *, space: str, user_id: str, role: RoleInput) -> SpaceMembership: ...
    async def remove_user(self, *, space: str, user_id: str) -> None: ...
