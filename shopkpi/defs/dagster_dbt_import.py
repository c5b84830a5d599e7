"""dagster-dbt, imported without dbt-core in the Dagster process.

When dbt-core is importable, dagster-dbt imports it with itself (`dagster_dbt.compat`): ~1.5 s of
every Dagster process's start (dbt's modules, and mashumaro building serialisers for dbt's
classes). dagster-dbt uses dbt-core in the Dagster process for two things this project does not
need there: selecting the project's nodes with dbt's graph code, for a `select` other than the
default (dagster-dbt reads the default, every node, from the manifest itself), and opening a dbt
adapter (`resources.DbtResource` already skips it). dbt itself runs in its own process
(`shopkpi-dbt`), which imports dbt as always.

dagster-dbt supports a Dagster process without dbt-core (its dbt Fusion path); hiding dbt-core
while dagster-dbt is first imported selects it (`shopkpi.speedups.hidden_imports`; off with
SHOPKPI_SPEEDUPS=0). The definitions are the same either way:
`tests/test_speedup_dagster_dbt_import.py` compares every asset and check spec.
DECISIONLOG "dagster-dbt without dbt-core".
"""

from __future__ import annotations

import contextlib

from .. import speedups
from ..speedups.hidden_imports import packages_hidden

with packages_hidden("dbt") if speedups.enabled() else contextlib.nullcontext():
    from dagster_dbt import (  # noqa: E402
        DagsterDbtTranslator,
        DagsterDbtTranslatorSettings,
        DbtCliResource,
        DbtProject,
        dbt_assets,
    )

__all__ = ["DagsterDbtTranslator", "DagsterDbtTranslatorSettings", "DbtCliResource", "DbtProject", "dbt_assets"]
