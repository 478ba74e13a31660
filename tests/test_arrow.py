"""List results as Arrow: fixed schema, zero-copy export, pandas and polars."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest
from arize_ax import Client
from conftest import SpaceKit

SPACE_SCHEMA = pa.schema(
    [
        pa.field("id", pa.utf8(), nullable=False),
        pa.field("name", pa.utf8(), nullable=False),
        pa.field("description", pa.utf8()),
        pa.field("created_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("organization_id", pa.utf8()),
        pa.field("is_private", pa.bool_()),
    ]
)


def test_schema_is_fixed_for_full_and_empty_pages(client: Client) -> None:
    full = pa.table(client.spaces.list())
    empty = pa.table(client.spaces.list(name="no-space-is-called-this"))
    assert full.num_rows > 0 and empty.num_rows == 0
    assert full.schema.remove_metadata() == SPACE_SCHEMA
    assert empty.schema.remove_metadata() == SPACE_SCHEMA
    assert pa.schema(client.spaces.list()).remove_metadata() == SPACE_SCHEMA  # __arrow_c_schema__


def test_values_match_items(client: Client) -> None:
    page = client.spaces.list_all()
    table = page.to_arrow()
    assert table.column("id").to_pylist() == [s.id for s in page]
    assert table.column("name").to_pylist() == [s.name for s in page]
    assert table.column("created_at").to_pylist() == [s.created_at for s in page]


def test_export_is_zero_copy(client: Client) -> None:
    page = client.spaces.list()
    a = pa.table(page).column("name").chunk(0)
    b = pa.table(page).column("name").chunk(0)
    # Two imports of the same page see the very same buffers: nothing was copied.
    assert [buf.address for buf in a.buffers() if buf] == [
        buf.address for buf in b.buffers() if buf
    ]


def test_many_pages_become_one_batch(client: Client, org_id: str) -> None:
    for i in range(9):
        client.spaces.create(name=f"arrow-{i}", organization_id=org_id)
    page = client.spaces.list_all(name="arrow-", limit=4)  # three pages: 4, 4, 1
    reader = pa.RecordBatchReader.from_stream(page)
    batches = list(reader)
    assert [b.num_rows for b in batches] == [9]
    assert batches[0].column("name").to_pylist() == [f"arrow-{i}" for i in range(9)]
    # Items are still built per page, in the same order as the rows.
    assert [s.name for s in page] == [f"arrow-{i}" for i in range(9)]
    assert len(page) == 9


def test_empty_listing_streams_its_schema(client: Client) -> None:
    page = client.spaces.list_all(name="no-such-space-anywhere")
    table = page.to_arrow()
    assert table.num_rows == 0 and table.schema.names == SPACE_SCHEMA.names


def test_pandas(client: Client) -> None:
    pd = pytest.importorskip("pandas")
    df = client.spaces.list().to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == SPACE_SCHEMA.names
    assert str(df["created_at"].dt.tz) == "UTC"


def test_polars(client: Client) -> None:
    pl = pytest.importorskip("polars")
    page = client.spaces.list()
    df = page.to_polars()
    assert isinstance(df, pl.DataFrame)
    assert df.columns == SPACE_SCHEMA.names
    assert pl.DataFrame(page).shape == df.shape  # straight from the PyCapsule stream


@pytest.mark.parametrize(("module", "method"), [("pandas", "to_pandas"), ("polars", "to_polars")])
def test_missing_extra_names_it(
    client: Client, monkeypatch: pytest.MonkeyPatch, module: str, method: str
) -> None:
    import sys

    page = client.spaces.list()
    monkeypatch.setitem(sys.modules, module, None)  # makes `import <module>` fail
    with pytest.raises(ImportError) as info:
        getattr(page, method)()
    assert f"arize-ax[{module}]" in str(info.value)


def test_to_arrow_does_not_import_pandas() -> None:
    import subprocess
    import sys

    code = (
        "import sys, warnings; warnings.simplefilter('ignore')\n"
        "from arize_ax.testing import EmulatorServer\n"
        "with EmulatorServer() as emu:\n"
        "    t = emu.client().spaces.list_all().to_arrow()\n"
        "    print(t.num_rows > 0, 'pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


def _task_listing(client: Client, kit: SpaceKit) -> Any:
    client.tasks.create_evaluation_task(
        name="arrow-dtypes",
        task_type="TEMPLATE_EVALUATION",
        evaluators=[
            {
                "evaluator_id": kit.template_evaluator["id"],
                "column_mappings": {"input": "attributes.input.value"},
            }
        ],
        project=kit.project["id"],
    )
    return client.tasks.list_all(space=kit.id)


def test_pandas_default_nested_columns_are_arrow_backed(client: Client, kit: SpaceKit) -> None:
    pd = pytest.importorskip("pandas")
    page = _task_listing(client, kit)
    table = page.to_arrow()
    df = page.to_pandas()
    assert list(df.columns) == table.column_names
    for field in table.schema:
        arrow_backed = isinstance(df[field.name].dtype, pd.ArrowDtype)
        assert arrow_backed == pa.types.is_nested(field.type), field.name
    assert df["evaluators"].dtype.pyarrow_dtype == table.schema.field("evaluators").type
    assert not isinstance(df["sampling_rate"].dtype, pd.ArrowDtype)
    assert str(df["created_at"].dt.tz) == "UTC"
    row = next(i for i, t in enumerate(page) if t.name == "arrow-dtypes")
    # A cell reads as plain Python values, as the object conversion would give them.
    evaluators = df["evaluators"].iloc[row]
    assert isinstance(evaluators, list) and len(evaluators) == 1
    assert evaluators[0]["evaluator_id"] == page[row].evaluators[0].evaluator_id
    assert list(evaluators[0]["column_mappings"]) == [("input", "attributes.input.value")]
    assert df["evaluators"].list.len().tolist() == [len(t.evaluators) for t in page]
    assert df["experiment_ids"].iloc[row] == list(page[row].experiment_ids)


def test_pandas_nested_objects(client: Client, kit: SpaceKit) -> None:
    pd = pytest.importorskip("pandas")
    page = _task_listing(client, kit)
    df = page.to_pandas(nested_objects=True)
    assert not any(isinstance(t, pd.ArrowDtype) for t in df.dtypes)
    assert df["evaluators"].dtype == object
    row = next(i for i, t in enumerate(page) if t.name == "arrow-dtypes")
    evaluators = df["evaluators"].iloc[row]
    assert evaluators[0]["evaluator_id"] == page[row].evaluators[0].evaluator_id
    assert list(evaluators[0]["column_mappings"]) == [("input", "attributes.input.value")]
    # Same values as the default, cell by cell.
    default = page.to_pandas()
    for i in range(len(page)):
        assert [dict(e) for e in df["evaluators"].iloc[i]] == default["evaluators"].iloc[i]


def test_pandas_types_mapper_is_asked_first(client: Client, kit: SpaceKit) -> None:
    pd = pytest.importorskip("pandas")
    page = _task_listing(client, kit)
    asked: list[object] = []

    def mapper(arrow_type: object) -> object:
        asked.append(arrow_type)
        return pd.ArrowDtype(arrow_type) if arrow_type == pa.float64() else None

    df = page.to_pandas(types_mapper=mapper)
    assert pa.float64() in asked
    assert df["sampling_rate"].dtype == pd.ArrowDtype(pa.float64())
    assert isinstance(df["evaluators"].dtype, pd.ArrowDtype)  # the default still applies
    assert not isinstance(df["name"].dtype, pd.ArrowDtype)
    objects = page.to_pandas(types_mapper=mapper, nested_objects=True)
    assert objects["evaluators"].dtype == object
    assert objects["sampling_rate"].dtype == pd.ArrowDtype(pa.float64())


def test_pandas_arrow_dtypes(client: Client, kit: SpaceKit) -> None:
    pd = pytest.importorskip("pandas")
    page = _task_listing(client, kit)
    table = page.to_arrow()
    df = page.to_pandas(arrow_dtypes=True)
    assert list(df.columns) == table.column_names
    assert all(isinstance(t, pd.ArrowDtype) for t in df.dtypes)
    assert df["evaluators"].dtype.pyarrow_dtype == table.schema.field("evaluators").type
    assert df["id"].tolist() == [t.id for t in page]
    # The same data as the default conversion, only typed differently.
    assert pa.Table.from_pandas(df, preserve_index=False).cast(table.schema).equals(table)
    same = page.to_pandas(types_mapper=pd.ArrowDtype)
    assert all(isinstance(t, pd.ArrowDtype) for t in same.dtypes)
    with pytest.raises(TypeError, match="types_mapper"):
        page.to_pandas(arrow_dtypes=True, types_mapper=pd.ArrowDtype)
    with pytest.raises(TypeError, match="nested_objects"):
        page.to_pandas(arrow_dtypes=True, nested_objects=True)


def test_pandas_passes_options_to_pyarrow(client: Client, kit: SpaceKit) -> None:
    pytest.importorskip("pandas")
    page = _task_listing(client, kit)
    df = page.to_pandas(maps_as_pydicts="strict")
    row = next(i for i, t in enumerate(page) if t.name == "arrow-dtypes")
    mappings = df["evaluators"].iloc[row][0]["column_mappings"]
    assert mappings == {"input": "attributes.input.value"}


def test_pandas_conversion_allocates_from_the_system_pool(client: Client, kit: SpaceKit) -> None:
    """The conversion's buffers come from pyarrow's system pool unless the caller names a
    pool (the system allocator returns large freed blocks to the OS; see to_pandas)."""
    pytest.importorskip("pandas")
    page = _task_listing(client, kit)
    system = pa.system_memory_pool()
    # A pool that lives as long as the process (buffers must not outlive their pool).
    other = pa.default_memory_pool()
    assert other.backend_name != system.backend_name
    before = system.bytes_allocated()
    df = page.to_pandas()
    assert system.bytes_allocated() > before  # held by df's columns
    del df
    # An explicit pool is used instead.
    before, other_before = system.bytes_allocated(), other.bytes_allocated()
    df = page.to_pandas(memory_pool=other)
    assert system.bytes_allocated() == before
    assert other.bytes_allocated() > other_before
    assert len(df) == len(list(page))
