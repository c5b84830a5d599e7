"""dagster-dbt runs in the Dagster process without dbt-core (shopkpi/defs/dagster_dbt_import.py),
and the dbt assets and checks it defines are the same as with dbt-core."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.canary  # guards private APIs (docs/upgrading.md)

# Every field of the dbt assets' and checks' specs that Dagster shows or runs on, as JSON (metadata
# as text, without the addresses of the objects in it).
SPECS = """
import json, re, sys, warnings
warnings.filterwarnings("ignore")
if sys.argv[1] == "with-dbt-core":
    import dbt.version  # imported first, dagster-dbt finds dbt-core and uses it
import shopkpi.definitions as definitions
dbt_assets = definitions.shopkpi_dbt_models
specs = [["asset", s.key.to_user_string(), sorted(d.asset_key.to_user_string() for d in s.deps), s.group_name,
          s.description, sorted(re.sub(" at 0x[0-9a-f]+", "", str(m)) for m in s.metadata.items()), sorted(s.tags.items()), sorted(s.kinds)]
         for s in dbt_assets.specs]
specs += [["check", c.asset_key.to_user_string(), c.name, c.blocking, c.description, sorted(map(str, c.additional_deps))]
          for c in dbt_assets.check_specs]
print(json.dumps({"specs": sorted(specs, key=str), "dbt_imported": "dbt" in sys.modules}, default=str))
"""


def specs(mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", SPECS, mode], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@pytest.mark.slow
def test_the_dagster_process_does_not_import_dbt_core_and_defines_the_same_dbt_assets_and_checks():
    without, with_core = specs("as-shipped"), specs("with-dbt-core")
    assert without["dbt_imported"] is False
    assert with_core["dbt_imported"] is True
    kinds = [s[0] for s in without["specs"]]
    # Every model and seed of the manifest is an asset and every data test a check (not an empty list twice).
    from shopkpi.dbt_process.manifest import MANIFEST

    nodes = json.loads(MANIFEST.read_text())["nodes"].values()
    types = [n["resource_type"] for n in nodes]
    assert (kinds.count("asset"), kinds.count("check")) == (types.count("model") + types.count("seed"), types.count("test"))
    assert without["specs"] == with_core["specs"]


@pytest.mark.slow
def test_dbt_imports_as_usual_once_dagster_dbt_is_imported():
    script = ("import sys, shopkpi.defs.dagster_dbt_import; import dbt.version; "
              "print(not any(type(f).__name__ == '_Hide' for f in sys.meta_path))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"
