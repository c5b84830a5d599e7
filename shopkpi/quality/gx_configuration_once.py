"""An expectation's configuration built once per kwargs lookup, not once per kwarg.

GX builds an `Expectation.configuration` afresh each time the property is read: the model's
`dict()` and a new `ExpectationConfiguration`. Its kwargs lookups read it inside loops, once per
key (`_get_domain_kwargs`, `_get_success_kwargs`, `_get_success_kwarg`, `_get_runtime_kwargs`),
and validating reads them for every metric of every expectation: the raw suites of the demo
month (227 expectations) built 22,684 configurations, a quarter of GX's validation time.

`build_configuration_once_per_lookup()` makes each outermost lookup build an expectation's
configuration once and hand the same one to every read inside it. The lookups only read it and
the expectation does not change during one, so every value they return is as before:
`tests/test_gx_configuration_once.py` compares the lookups of every expectation the suites use
with GX's own. DECISIONLOG "GX's kwargs lookups" (the demo month's results, with and without it).
"""

from __future__ import annotations

import functools
import threading

_PATCHED = "_shopkpi_configuration_once"
LOOKUPS = ("_get_domain_kwargs", "_get_success_kwargs", "_get_success_kwarg", "_get_runtime_kwargs")

# .built while a lookup runs, else None: {id(expectation): (expectation, configuration)}; holding the
# expectation keeps its id from passing to another object before the lookup ends.
_lookup = threading.local()


def _within_one_lookup(method):
    @functools.wraps(method)
    def lookup(self, *args, **kwargs):
        if getattr(_lookup, "built", None) is not None:  # an inner lookup shares the outer one's
            return method(self, *args, **kwargs)
        _lookup.built = {}
        try:
            return method(self, *args, **kwargs)
        finally:
            _lookup.built = None
    return lookup


def build_configuration_once_per_lookup() -> None:
    """Patch GX's Expectation (once per process; a no-op if GX's internals moved)."""
    try:
        from great_expectations.expectations.expectation import Expectation
    except ImportError:
        return
    prop = Expectation.__dict__.get("configuration")
    if getattr(Expectation, _PATCHED, False) or not isinstance(prop, property) \
            or not all(callable(Expectation.__dict__.get(name)) for name in LOOKUPS):
        return
    build = prop.fget

    def configuration(self):
        built = getattr(_lookup, "built", None)
        if built is None:
            return build(self)
        entry = built.get(id(self))
        if entry is None:
            entry = built[id(self)] = (self, build(self))
        return entry[1]

    Expectation.configuration = property(configuration, doc=prop.__doc__)
    for name in LOOKUPS:
        setattr(Expectation, name, _within_one_lookup(Expectation.__dict__[name]))
    setattr(Expectation, _PATCHED, True)
