"""Seeded generator of platform-style exports (see generate.py)."""

from .generate import SimulationResult, simulate, simulate_shops

__all__ = ["SimulationResult", "simulate", "simulate_shops"]
