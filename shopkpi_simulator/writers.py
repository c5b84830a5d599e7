"""Writers that produce files the way the platforms do, byte-for-byte reproducibly."""

from __future__ import annotations

import codecs
import csv
import io
import shutil
from pathlib import Path

from shopkpi.spreadsheets import neutralise_formula, rezip_with_fixed_times

CHUNK = 8 * 1024 * 1024


def write_rows(path: Path, header: list[str], rows, encoding: str, newline: str = "\r\n", neutralise: bool = True) -> int:
    """CSV as the platforms export it: 'utf-8-sig' (BOM) or 'gbk'. Returns rows written. Formula-looking
    cells are neutralised, except in a platform's own export written as the platform writes it
    (`neutralise=False`: its ="…" ids and `-` cells are the quirks the loader must read)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator=newline)
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralise_formula(v) for v in row] if neutralise else row)
            count += 1
    return count


def recode_csv(source: Path, target: Path, encoding: str) -> None:
    """Re-encode a UTF-8 CSV written by DuckDB (no BOM) as 'utf-8-sig' or 'gbk', streamed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if encoding == "utf-8-sig":
        with source.open("rb") as src, target.open("wb") as dst:
            dst.write(codecs.BOM_UTF8)
            shutil.copyfileobj(src, dst, CHUNK)
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(CHUNK):
            dst.write(decoder.decode(chunk).encode(encoding))
        dst.write(decoder.decode(b"", final=True).encode(encoding))


def write_xlsx(path: Path, header: list[str], rows, title: str | None = None) -> int:
    """An XLSX workbook with one sheet; timestamps inside the file are fixed so
    the same rows give the same bytes."""
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    fixed = dt.datetime(2020, 1, 1)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    sheet = workbook.create_sheet(title or "Sheet1")
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([neutralise_formula(v) for v in row])
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    rezip_with_fixed_times(buffer.getvalue(), path)
    return count


def copy_query_to_csv(con, sql: str, header: list[str], target: Path, encoding: str, workdir: Path) -> int:
    """Stream a DuckDB query into a platform-style CSV: header, rows, then the file's encoding.
    Returns the number of rows written."""
    body, full = workdir / f"{target.stem}.body.csv", workdir / f"{target.stem}.full.csv"
    (rows,) = con.execute(f"COPY ({sql}) TO '{body}' (HEADER false, DELIMITER ',', QUOTE '\"')").fetchone()
    write_rows(full, header, [], "utf-8", newline="\n")  # DuckDB writes LF line ends
    with full.open("ab") as dst, body.open("rb") as src:
        shutil.copyfileobj(src, dst, CHUNK)
    recode_csv(full, target, encoding)
    body.unlink()
    full.unlink()
    return rows
