"""The Great Expectations suites in `expectations/suites/<dir>/*.json`, and what they check.

Each suite is GX's JSON form (name, expectations) plus `meta`:
  layer      raw | staging | marts: the Dagster asset-check group that runs it
  asset      the asset it is attached to, e.g. "marts/fct_orders"
  severity   blocking (publish cannot run) | warning (a finding for auditors)
  batch_query or batch_sql   the rows to validate, with {month} (and {month_start}, {next_month_start}) for the partition

`raw/` and `staging/` suites are generated from the declared column maps and the
documented staging columns (`python -m shopkpi.quality.suites`); a test keeps
the committed files in sync. `marts/` and `audit/` suites are written by hand.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..ingest.layouts import PLATFORMS
from ..ingest.specs import ORDERS, REPORT_SPECS, ColumnType, ReportSpec
from ..months import month_bounds
from ..settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR

SUITES_DIR = EXPECTATIONS_DIR / "suites"
SQL_DIR = EXPECTATIONS_DIR / "sql"
LAYERS = ("raw", "staging", "marts")
SEVERITIES = ("blocking", "warning")


@dataclass(frozen=True)
class Suite:
    path: Path
    spec: dict

    @property
    def name(self) -> str:
        return self.spec["name"]

    @property
    def meta(self) -> dict:
        return self.spec["meta"]

    @property
    def layer(self) -> str:
        return self.meta["layer"]

    @property
    def asset(self) -> list[str]:
        return self.meta["asset"].split("/")

    @property
    def severity(self) -> str:
        return self.meta["severity"]

    @property
    def blocking(self) -> bool:
        return self.severity == "blocking"

    @property
    def check_name(self) -> str:
        return f"gx_{self.name}"

    def batch_query(self, month: str) -> str:
        query = self.meta.get("batch_query") or (SQL_DIR / self.meta["batch_sql"]).read_text(encoding="utf-8")
        for macro, expand in SQL_MACROS.items():
            if "{" + macro + "}" in query:
                query = query.replace("{" + macro + "}", expand())
        query = "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("--")).strip()
        if not query.lower().startswith("select "):  # GX query assets must start with SELECT; CTEs go inside
            query = f"select * from (\n{query}\n) as audit_rows"
        return fill_month(query, month)

    def for_month(self, month: str) -> dict:
        """The suite as validated: the month filled into the expectations' arguments (`fill_month`) and
        each `{rows_sharing_key(...)}` expanded (`rows_sharing_key`)."""
        spec = json.loads(fill_month(json.dumps(self.spec), month))
        for expectation in spec["expectations"]:
            query = expectation["kwargs"].get("unexpected_rows_query")
            if query:
                expectation["kwargs"]["unexpected_rows_query"] = ROWS_SHARING_KEY.sub(
                    lambda m: rows_sharing_key([c.strip() for c in m[1].split(",")]), query)
        return spec


def fill_month(text: str, month: str) -> str:
    """A suite's or batch query's text for `month`: {month} ('2017-05'), {month_start} and
    {next_month_start} (the month's first day and the next month's, '2017-05-01', '2017-06-01')."""
    start, end = month_bounds(month)
    return (text.replace("{month_start}", start.isoformat()).replace("{next_month_start}", end.isoformat())
            .replace("{month}", month))


# -- keys ---------------------------------------------------------------------------
# A suite states a key as `unexpected_rows_expectation` with the query `{rows_sharing_key(shop_id, order_id)}`,
# not GX's expect_compound_columns_to_be_unique: GX's SQL joins every row, all its columns, back to its
# key's count, once for the count and again for the examples. See DECISIONLOG "Key uniqueness in GX".
ROWS_SHARING_KEY = re.compile(r"\{rows_sharing_key\(([^)]*)\)\}")


def rows_sharing_key(columns: list[str]) -> str:
    """SQL, DuckDB's and Spark's, for the batch's rows whose key (all `columns` set) another row has too.

    The keys are first narrowed by a hash of the key, a fixed-width value that groups faster than the
    text; a hash two keys share only makes both rows candidates, and the exact key decides. A row with
    a missing key part has no key, as in GX's own uniqueness expectations (its not-null expectation
    catches it)."""
    key = ", ".join(columns)
    present = " and ".join(f"{c} is not null" for c in columns)
    return (f"select * from (select {key}, count(*) over (partition by {key}) as rows_with_this_key "
            f"from {{batch}} where {present} and hash({key}) in "
            f"(select hash({key}) from {{batch}} group by hash({key}) having count(*) > 1)) as candidates "
            f"where rows_with_this_key > 1")


# -- SQL macros the audit queries share with the column maps ---------------------------
ORDER_MEASURES = [("rows 行数", "n"), ("总金额 total_amount", "total"), ("买家实际支付金额 paid_amount", "paid"),
                  ("退款金额 refund_amount", "refund")]
# fct_orders month totals -> the store KPI that must equal them
KPI_MEASURES = [("rows 行数 -> orders_created", "n"), ("总金额 -> gmv", "total"), ("买家实际支付金额 -> net_sales", "paid"),
                ("退款金额 (paid) -> refund_amount", "paid_refund"), ("总金额 (paid) -> paid_gmv", "paid_total"),
                ("paid rows -> orders_paid", "paid_n")]


def _pair(name: str, upstream: str, downstream: str, measures: list[tuple[str, str]]) -> list[str]:
    return [
        f"select '{name}' as reconciliation, coalesce(u.source_file, d.source_file) as source_file, "
        f"'{label}' as measure, coalesce(u.{col}, 0) as upstream, coalesce(d.{col}, 0) as downstream "
        f"from {upstream} as u full outer join {downstream} as d on u.source_file = d.source_file"
        for label, col in measures
    ]


def _layer_pairs() -> str:
    parts = _pair("raw.orders -> staging.stg_orders", "raw_orders", "stg_orders", ORDER_MEASURES)
    parts += _pair("staging.stg_orders -> marts.fct_orders", "stg_orders", "fct_orders", ORDER_MEASURES)
    parts += _pair("marts.fct_orders -> marts.kpi_store_monthly", "fct_month", "kpi", KPI_MEASURES)
    parts += _pair("raw.order_lines -> staging.stg_order_lines", "raw_lines", "stg_lines", [("rows 行数", "n")])
    for spec in REPORT_SPECS:
        if spec.table in ("orders", "order_lines"):
            continue
        parts.append(
            f"select 'raw.{spec.table} -> staging.stg_{spec.table}', 'all files', 'rows 行数', "
            f"(select count(*) from raw.{spec.table} where month = '{{month}}'), "
            f"(select count(*) from staging.stg_{spec.table} where month = '{{month}}')"
        )
    return "\n    union all\n    ".join(parts)


def _raw_rows_per_file() -> str:
    return "\n    union all\n    ".join(
        f"select '{s.report_type}' as report_type, source_file from raw.{s.table} where month = '{{month}}'"
        for s in REPORT_SPECS
    )


SQL_MACROS = {"layer_pairs": _layer_pairs, "raw_rows_per_file": _raw_rows_per_file}


def load_suites(layer: str | None = None) -> list[Suite]:
    suites = []
    for path in sorted(SUITES_DIR.glob("*/*.json")):
        suite = Suite(path, json.loads(path.read_text(encoding="utf-8")))
        if suite.layer not in LAYERS or suite.severity not in SEVERITIES:
            raise ValueError(f"{path}: meta.layer must be one of {LAYERS} and meta.severity one of {SEVERITIES}")
        if layer is None or suite.layer == layer:
            suites.append(suite)
    names = [s.name for s in suites]
    if len(names) != len(set(names)):
        raise ValueError(f"duplicate suite names in {SUITES_DIR}")
    return suites


# -- generated suites -----------------------------------------------------------
def _exp(type_: str, why: str, **kwargs) -> dict:
    return {"type": type_, "kwargs": kwargs, "meta": {"why": why}}


def unique_key(columns: list[str], why: str) -> dict:
    """The expectation that no two rows share a key (`rows_sharing_key`), as the suites' JSON states it."""
    key = ", ".join(columns)
    return _exp("unexpected_rows_expectation", why, unexpected_rows_query="{rows_sharing_key(" + key + ")}",
                description=f"no two rows share a key ({key})")


def raw_suite(spec: ReportSpec) -> dict:
    columns = ["month", "source_file", "source_row", "platform", "shop_id"] + [c.loaded_name for c in spec.loaded_columns]
    expectations = [
        _exp("expect_table_columns_to_match_set", "the raw table has exactly the declared columns",
             column_set=columns, exact_match=True),
    ]
    if spec.required_for_month:
        expectations.append(_exp("expect_table_row_count_to_be_between", "a month cannot be built without it", min_value=1))
    for name in ("source_file", "source_row"):
        expectations.append(_exp("expect_column_values_to_not_be_null", "every row points back to its export", column=name))
    # (source_file, source_row) is unique by construction: the loader numbers each file's rows once.
    expectations.append(_exp("expect_column_values_to_be_in_set", "every row names the platform of its layout",
                             column="platform", value_set=sorted(PLATFORMS)))
    expectations.append(_exp("expect_column_values_to_not_be_null", "every row names the platform of its layout",
                             column="platform"))
    for c in spec.loaded_columns:
        if not c.nullable:
            expectations.append(_exp("expect_column_values_to_not_be_null", f"{c.zh} is required in every row",
                                     column=c.loaded_name))
        if c.type is ColumnType.MONEY:
            expectations.append(_exp("expect_column_values_to_be_between", f"{c.zh} is an amount, never negative",
                                     column=c.loaded_name, min_value=0))
    # Every key is enforced by the loader, which quarantines a key's later rows; the order key is also
    # tested by dbt on int_orders (fct_orders is a view of it), so GX does not check it a third time.
    if spec.unique_key and spec is not ORDERS:
        key = spec.column(spec.unique_key)
        if spec.key_per_shop:  # two shops may both have an order 1001 (or a day 2017-05-01)
            expectations.append(unique_key(["shop_id", key.loaded_name],
                                           f"{key.zh} identifies a row within the shop and month"))
        else:
            expectations.append(unique_key([key.loaded_name], f"{key.zh} identifies a row within the month"))
    if spec.month_column:
        col = spec.column(spec.month_column).loaded_name
        expectations.append(_exp(
            "unexpected_rows_expectation", f"rows belong to the month of {spec.column(spec.month_column).zh}",
            # a range, not strftime(col, '%Y-%m') <> month: no string built for each row (DECISIONLOG, Performance)
            unexpected_rows_query=f"select source_file, source_row, {col} from {{batch}} "
                                  f"where {col} < timestamp '{{month_start}}' or {col} >= timestamp '{{next_month_start}}'",
            description=f"{col} falls in the partition month"))
    return {
        "name": f"raw_{spec.table}",
        "meta": {
            "layer": "raw", "asset": f"raw/{spec.table}", "severity": "blocking",
            "description": f"{spec.name_zh} ({spec.report_type}) as loaded: schema, lineage, keys, amounts, month.",
            "generated_from": "shopkpi/ingest/specs.py",
            "batch_query": f"select * from raw.{spec.table} where month = '{{month}}'",
        },
        "expectations": expectations,
    }


def staging_columns() -> dict[str, list[str]]:
    doc = yaml.safe_load((DBT_PROJECT_DIR / "models" / "staging" / "_staging.yml").read_text(encoding="utf-8"))
    return {m["name"]: [c["name"] for c in m.get("columns", [])] for m in doc["models"]}


def staging_suite(spec: ReportSpec, columns: list[str]) -> dict:
    model = f"stg_{spec.table}"
    expectations = [
        _exp("expect_table_columns_to_match_set", "the model has exactly its documented columns",
             column_set=columns, exact_match=True),
        _exp("expect_column_values_to_not_be_null", "every row carries its partition month", column="month"),
    ]
    # Key uniqueness is proven once, on the raw table (staging views select it 1:1) and by the dbt tests.
    for c in spec.loaded_columns:
        if c.type is ColumnType.MONEY and c.loaded_name in columns:
            expectations.append(_exp("expect_column_values_to_be_between", f"{c.zh} is never negative",
                                     column=c.loaded_name, min_value=0))
    return {
        "name": model,
        "meta": {
            "layer": "staging", "asset": f"staging/{model}", "severity": "blocking",
            "description": f"{model}: documented columns, month and amounts.",
            "generated_from": "dbt_project/models/staging/_staging.yml",
            "batch_query": f"select * from staging.{model} where month = '{{month}}'",
        },
        "expectations": expectations,
    }


def generated_suites() -> dict[Path, dict]:
    documented = staging_columns()
    out = {}
    for spec in REPORT_SPECS:
        out[SUITES_DIR / "raw" / f"{spec.table}.json"] = raw_suite(spec)
        model = f"stg_{spec.table}"
        out[SUITES_DIR / "staging" / f"{model}.json"] = staging_suite(spec, documented[model])
    return out


def render(spec: dict) -> str:
    return json.dumps(spec, ensure_ascii=False, indent=2) + "\n"


def write_generated_suites() -> list[Path]:
    written = []
    for path, spec in generated_suites().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(spec), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_generated_suites():
        print(p.relative_to(EXPECTATIONS_DIR.parent))
