"""The team's configuration files (seeds/*.csv: targets, weights, shops …) read the way Excel writes them:
UTF-8 with or without a BOM, or GBK/GB18030 (Excel on a Chinese Windows), with CRLF or LF line ends.

dbt reads seeds as plain UTF-8 (a BOM would become part of the first column's name, GBK fails), so a
build hands dbt a normalised copy of the seeds folder when any file in it is not plain UTF-8 with LF
(`dbt_seed_dir`; dbt_project.yml's seed-paths reads SHOPKPI_SEED_DIR). The team's files are never
rewritten.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from .settings import SEEDS_DIR

SEED_DIR_ENV = "SHOPKPI_SEED_DIR"


class ConfigFileError(ValueError):
    """A configuration file that cannot be read as text (one line naming it)."""


def read_config_text(path: Path) -> str:
    """The file's text, decoded as UTF-8 (BOM or not) or GBK/GB18030, with LF line ends."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes nearly anything: only a file that is not text ends here
        raise ConfigFileError(f"{path.name}: not text in UTF-8 or GBK (save it from Excel as CSV)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def config_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (file line, row) pairs of a CSV config file; a short row's missing cells read as empty,
    cells and headers trimmed (Excel keeps a stray space a person typed)."""
    reader = csv.reader(io.StringIO(read_config_text(path)))
    header = [h.strip() for h in next(reader, [])]
    rows = []
    for line, cells in enumerate(reader, start=2):  # row 1: header
        if not any(c.strip() for c in cells):
            continue  # Excel writes empty lines below the data as ",,,"
        rows.append((line, {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}))
    return header, rows


def is_plain(path: Path) -> bool:
    """UTF-8 without a BOM: what dbt reads as it is (its CSV reader takes CRLF and LF alike)."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def dbt_seed_dir(work: Path, source: Path = SEEDS_DIR) -> Path:
    """The seeds folder dbt should read: `source` itself when every CSV in it is UTF-8 without a BOM, else a
    copy in `work` with each CSV re-encoded as UTF-8 with LF (values unchanged) and the other files as they
    are. `work` must lie outside dbt's target folder (dbt compiles the seeds' tests beside their path)."""
    csvs = sorted(source.glob("*.csv"))
    if all(is_plain(p) for p in csvs):
        return source
    work.mkdir(parents=True, exist_ok=True)
    for path in sorted(p for p in source.iterdir() if p.is_file()):
        fd, staged = tempfile.mkstemp(prefix=f".{path.name}-", dir=work)
        with os.fdopen(fd, "wb") as out:
            out.write(read_config_text(path).encode("utf-8") if path.suffix == ".csv" else path.read_bytes())
        os.replace(staged, work / path.name)  # a concurrent build reads the old file or the new, never half
    for stale in set(p.name for p in work.iterdir()) - set(p.name for p in source.iterdir()):
        if not stale.startswith("."):
            (work / stale).unlink(missing_ok=True)
    return work
