"""GX's kwargs lookups with each expectation's configuration built once per lookup
(shopkpi/quality/gx_configuration_once.py) return what GX's own lookups return."""

from __future__ import annotations

import pytest

from shopkpi.quality.gx_configuration_once import LOOKUPS, build_configuration_once_per_lookup
from shopkpi.quality.gx_duckdb import expectation_suite
from shopkpi.quality.suites import load_suites

build_configuration_once_per_lookup()
from great_expectations.expectations.expectation import Expectation  # noqa: E402

# Every expectation of every suite the pipeline validates, as GX builds it for a validation.
EXPECTATIONS = [e for s in load_suites() for e in expectation_suite(s.for_month("2017-05")).expectations]
RUNTIME = [None, {"result_format": "SUMMARY"}, {"result_format": {"result_format": "COMPLETE"}}]


def gx_own(name: str):
    """GX's lookup as GX wrote it: outside a patched lookup the property builds afresh on each read."""
    return Expectation.__dict__[name].__wrapped__


def test_every_suite_expectation_looks_up_the_same_kwargs():
    assert len(EXPECTATIONS) > 300 and len({type(e).__name__ for e in EXPECTATIONS}) >= 8
    for e in EXPECTATIONS:
        assert e._get_domain_kwargs() == gx_own("_get_domain_kwargs")(e)
        assert e._get_success_kwargs() == gx_own("_get_success_kwargs")(e)
        for key in ("column", "mostly", "result_format", "min_value", "value_set", "absent_key"):
            assert e._get_success_kwarg(key, "default") == gx_own("_get_success_kwarg")(e, key, "default")
        for runtime in RUNTIME:
            assert e._get_runtime_kwargs(runtime) == gx_own("_get_runtime_kwargs")(e, runtime)


@pytest.mark.parametrize("lookup", LOOKUPS)
def test_a_lookup_builds_the_configuration_once(lookup, monkeypatch):
    import great_expectations.expectations.expectation as gx_expectation

    builds = []
    configuration_class = gx_expectation.ExpectationConfiguration

    def counted(*args, **kwargs):  # what the property calls to build a configuration
        builds.append(1)
        return configuration_class(*args, **kwargs)

    monkeypatch.setattr(gx_expectation, "ExpectationConfiguration", counted)
    e = next(e for e in EXPECTATIONS if type(e).__name__ == "ExpectColumnValuesToNotBeNull")
    args = ("column",) if lookup == "_get_success_kwarg" else ()
    getattr(e, lookup)(*args)
    assert len(builds) == 1
    builds.clear()
    gx_own(lookup)(e, *args)
    assert len(builds) > 1  # GX's own lookup builds one per key read (the point of the patch)
