"""Seeded generator of platform-style exports (see generate.py)."""

from .generate import SimulationResult, simulate

__all__ = ["SimulationResult", "simulate"]
