"""Validate the scorecard configuration (seeds/kpi_targets.csv, seeds/kpi_weights.csv).

Checked before any month is built, so a bad edit fails with the file, row and
reason instead of producing silently wrong scores.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..config_files import ConfigFileError, config_rows
from ..settings import SEEDS_DIR

COMPARATORS = {"higher": {">=", ">"}, "lower": {"<=", "<"}}
# A scorecard row's status as people read it, in the CLI, the report and the workbook.
STATUS_LABELS = {"pass": "达标 pass", "fail": "未达标 fail", "no_data": "无数据 no data", "unscored": "不计分 unscored",
                 "progress": "季度进度 progress"}
BASES = {"handbook", "house"}  # where a target, stretch or weight comes from
# How close a KPI's value is to the handbook's formula, from the report it came from (seeds/kpi_sources.csv).
VALUE_BASIS_LABELS = {"exact": "精确 exact", "approximate": "近似 approximate", "team sheet": "团队表 team sheet"}
JUDGED_IN = {"month", "quarter_end"}
WEIGHT_TOLERANCE = 1e-9


class ScoringConfigError(ValueError):
    """The problems, each naming file and row; as a message, one line (the first problem, and how many more)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (and {len(problems) - 1} more problem(s): `shopkpi check` lists them)" if len(problems) > 1 else ""
        super().__init__(f"scorecard configuration: {problems[0]}{more}")


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows as Excel may save them (UTF-8 with or without BOM, GBK, CRLF): config_files.config_rows."""
    return config_rows(path)[1]


def _number(value: str) -> float | None:
    try:
        return float(value) if value.strip() != "" else None
    except ValueError:
        return None


COLUMNS = {
    "kpi_targets.csv": ["role", "kpi_id", "comparator", "target", "target_basis", "stretch", "stretch_basis", "fail_range",
                        "judged_in", "source"],
    "kpi_weights.csv": ["role", "kpi_id", "weight", "basis"],
}


def _missing_columns(seeds: Path) -> list[str]:
    problems = []
    for name, columns in COLUMNS.items():
        try:
            header = config_rows(seeds / name)[0]
        except ConfigFileError as exc:
            problems.append(f"seeds/{exc}")
            continue
        missing = [c for c in columns if c not in header]
        if missing:
            problems.append(f"seeds/{name} row 1: missing column(s) {', '.join(missing)} (expected: {','.join(columns)})")
    return problems


def config_problems(seeds: Path = SEEDS_DIR) -> list[str]:
    problems = _missing_columns(seeds)
    if problems:
        return problems
    registry = {row["kpi_id"]: row for _, row in _rows(seeds / "kpi_registry.csv")}
    targeted: dict[tuple[str, str], bool] = {}
    name = "seeds/kpi_targets.csv"
    for line, row in _rows(seeds / "kpi_targets.csv"):
        where = f"{name} row {line} ({row['role']}, {row['kpi_id']})"
        kpi = registry.get(row["kpi_id"])
        if kpi is None:
            problems.append(f"{where}: unknown kpi_id '{row['kpi_id']}' (not in seeds/kpi_registry.csv)")
            continue
        if kpi["role"] != row["role"]:
            problems.append(f"{where}: kpi_id belongs to role '{kpi['role']}', not '{row['role']}'")
        target, stretch = _number(row["target"]), _number(row["stretch"])
        if target is None:
            problems.append(f"{where}: target '{row['target']}' is not a number")
            continue
        if row["comparator"] not in COMPARATORS[kpi["direction"]]:
            problems.append(f"{where}: comparator '{row['comparator']}' is on the wrong side for a "
                            f"'{kpi['direction']}'-is-better KPI (use {' or '.join(sorted(COMPARATORS[kpi['direction']]))})")
        if row["stretch"].strip() and stretch is None:
            problems.append(f"{where}: stretch '{row['stretch']}' is not a number")
        elif stretch is not None and ((kpi["direction"] == "higher" and stretch <= target)
                                      or (kpi["direction"] == "lower" and stretch >= target)):
            problems.append(f"{where}: stretch {row['stretch']} is on the wrong side of target {row['target']} "
                            f"for a '{kpi['direction']}'-is-better KPI")
        if row["target_basis"] not in BASES:
            problems.append(f"{where}: target_basis '{row['target_basis']}' must be handbook or house")
        if stretch is not None and row["stretch_basis"] not in BASES:
            problems.append(f"{where}: stretch_basis '{row['stretch_basis']}' must be handbook or house")
        fail_range = _number(row["fail_range"])
        if row["fail_range"].strip() and (fail_range is None or fail_range <= 0 or kpi["direction"] != "higher"):
            problems.append(f"{where}: fail_range '{row['fail_range']}' must be a number > 0, on a higher-is-better KPI")
        elif target <= 0 and kpi["direction"] == "higher" and fail_range is None:
            problems.append(f"{where}: a higher-is-better target of {row['target']} needs a fail_range "
                            "(how far below it a fail scores 0)")
        if row["judged_in"] not in JUDGED_IN:
            problems.append(f"{where}: judged_in '{row['judged_in']}' must be month or quarter_end")
        if (row["role"], row["kpi_id"]) in targeted:
            problems.append(f"{where}: duplicate target")
        targeted[(row["role"], row["kpi_id"])] = True
    sums: dict[str, float] = defaultdict(float)
    name = "seeds/kpi_weights.csv"
    for line, row in _rows(seeds / "kpi_weights.csv"):
        where = f"{name} row {line} ({row['role']}, {row['kpi_id']})"
        weight = _number(row["weight"])
        if row["kpi_id"] not in registry:
            problems.append(f"{where}: unknown kpi_id '{row['kpi_id']}' (not in seeds/kpi_registry.csv)")
        elif registry[row["kpi_id"]]["role"] != row["role"]:
            problems.append(f"{where}: kpi_id belongs to role '{registry[row['kpi_id']]['role']}', not '{row['role']}'")
        if weight is None or weight < 0:
            problems.append(f"{where}: weight '{row['weight']}' must be a number ≥ 0")
            continue
        if row["basis"] not in BASES:
            problems.append(f"{where}: basis '{row['basis']}' must be handbook or house")
        if weight > 0 and (row["role"], row["kpi_id"]) not in targeted:
            problems.append(f"{where}: weight {row['weight']} on a KPI without a target (unscored KPIs carry no weight)")
        sums[row["role"]] += weight
    for role, total in sorted(sums.items()):
        if abs(total - 1) > WEIGHT_TOLERANCE:
            problems.append(f"{name}: weights of role '{role}' sum to {total:g}, not 1")
    return problems


def validate_scoring_config(seeds: Path = SEEDS_DIR) -> None:
    problems = config_problems(seeds)
    if problems:
        raise ScoringConfigError(problems)
