"""Bad inputs: each has a documented outcome, and every row is loaded or quarantined.

These run the loader itself on a fresh DuckDB (no dbt), except the last ones,
which go through Dagster and the CLI to show the error users see.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from shopkpi.ingest.errors import IngestError, MissingColumnError
from shopkpi.ingest.load import load_month
from shopkpi.ingest.pii_key import DEV_PII_KEY
from tests.helpers import TMALL_HEADER, dagster_home, materialize_month, run_cli, write_csv

MONTH = "2017-05"
GOOD = ["1001", "10.00", "10.00", "浙江省 杭州市", "2017/5/1 10:00", "2017/5/1 10:05", "0"]


def row(order_id, total="10.00", paid="10.00", created="2017/5/2 10:00", paid_at="2017/5/2 10:05", refund="0"):
    return [order_id, total, paid, "浙江省 杭州市", created, paid_at, refund]


def load(folder):
    con = duckdb.connect()
    return con, load_month(con, MONTH, folder)


def quarantine(con):
    return con.execute("select source_row, column_name, reason from raw.quarantine order by source_row").fetchall()


def assert_reconciles(con, result, rows_written: int):
    """rows read = loaded + quarantined = what the test wrote, and the tables agree."""
    (stats,) = [f for f in result.files if f.report_type == "orders"]
    assert stats.rows_read == rows_written
    assert stats.rows_loaded + stats.rows_quarantined == stats.rows_read
    assert con.execute("select count(*) from raw.orders").fetchone()[0] == stats.rows_loaded
    assert con.execute("select count(*) from raw.quarantine").fetchone()[0] == stats.rows_quarantined
    assert con.execute("select rows_read, rows_loaded, rows_quarantined from raw.load_audit").fetchone() == (
        stats.rows_read, stats.rows_loaded, stats.rows_quarantined)


def test_gbk_encoded_order_report_loads(tmp_path):
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [GOOD, row("1002")], encoding="gbk")
    con, result = load(tmp_path)
    assert result.files[0].encoding == "gb18030"
    assert con.execute("select ship_province from raw.orders order by order_id").fetchall() == [("浙江省",)] * 2
    assert_reconciles(con, result, 2)


def test_the_audit_records_each_files_sha256(tmp_path):
    # computed in a thread beside the stage; it must still be the file's own checksum
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [GOOD, row("1002")], encoding="gbk")
    write_csv(tmp_path / "orders-2.csv", TMALL_HEADER, [row("1003")])
    con, _ = load(tmp_path)
    assert dict(con.execute("select source_file, file_sha256 from raw.load_audit").fetchall()) == {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.glob("*.csv")}


def test_utf8_bom_crlf_and_padded_headers_load(tmp_path):
    header = [h + " " for h in TMALL_HEADER]  # Taobao pads some headers with a space
    write_csv(tmp_path / "orders.csv", header, [[GOOD[0] + " "] + GOOD[1:]], encoding="utf-8-sig", newline="\r\n")
    con, result = load(tmp_path)
    assert con.execute("select order_id from raw.orders").fetchall() == [("1001",)]  # id trimmed
    assert_reconciles(con, result, 1)


def test_truncated_row_is_quarantined(tmp_path):
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [GOOD, ["1002", "5.00"], row("1003")])
    con, result = load(tmp_path)
    ((source_row, column, reason),) = quarantine(con)
    assert source_row == 2 and "unreadable row" in reason and "MISSING COLUMNS" in reason
    assert [r[0] for r in con.execute("select source_row from raw.orders order by 1").fetchall()] == [1, 3]
    assert_reconciles(con, result, 3)


def test_non_numeric_amount_is_quarantined_naming_the_column(tmp_path):
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [GOOD, row("1002", total="abc")])
    con, result = load(tmp_path)
    assert quarantine(con) == [(2, "总金额", "总金额: not an amount, shape 'aaa'")]  # 'abc', letters as a
    assert_reconciles(con, result, 2)


def test_unparseable_date_is_quarantined(tmp_path):
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [GOOD, row("1002", created="2017-13-45 10:00:00")])
    con, result = load(tmp_path)
    assert quarantine(con) == [(2, "订单创建时间", "订单创建时间: not a date-time, shape '9999-99-99 99:99:99'")]
    assert_reconciles(con, result, 2)


def test_both_timestamp_styles_parse(tmp_path):
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [row("1", created="2017/5/3 3:08", paid_at="2017-05-03 03:09:10")])
    con, _ = load(tmp_path)
    assert con.execute("select strftime(created_at, '%Y-%m-%d %H:%M:%S'), strftime(paid_at, '%Y-%m-%d %H:%M:%S') from raw.orders").fetchone() == (
        "2017-05-03 03:08:00", "2017-05-03 03:09:10")


def test_duplicated_order_id_keeps_the_first(tmp_path):
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [GOOD, row("1002"), row("1001", total="99.00", paid="99.00")])
    con, result = load(tmp_path)
    assert quarantine(con) == [(3, "订单编号", "订单编号: duplicate of orders.csv row 1")]
    assert con.execute("select total_amount from raw.orders where order_id = '1001'").fetchone()[0] == 10
    assert_reconciles(con, result, 3)


def test_order_outside_the_partition_month_is_quarantined(tmp_path):
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [GOOD, row("1002", created="2017-06-01 00:00:00")])
    con, result = load(tmp_path)
    assert quarantine(con) == [(2, "订单创建时间", "订单创建时间 2017-06-01 00:00 is outside partition month 2017-05")]
    assert_reconciles(con, result, 2)


def test_missing_required_column_fails_naming_file_and_column(tmp_path):
    header = [h for h in TMALL_HEADER if h != "买家实际支付金额"]
    write_csv(tmp_path / "report.csv", header, [[v for i, v in enumerate(GOOD) if i != 2]])
    con = duckdb.connect()
    with pytest.raises(MissingColumnError, match=r"report\.csv: required column '买家实际支付金额' \(paid_amount\)"):
        load_month(con, MONTH, tmp_path)
    # nothing was written
    assert con.execute("select count(*) from information_schema.tables where table_schema = 'raw'").fetchone() == (0,)


def test_empty_file_is_listed_not_fatal(tmp_path):
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [GOOD])
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    con, result = load(tmp_path)
    assert result.skipped == {"empty.csv": "empty file", "notes.pdf": "not a CSV, XLS or XLSX export (.pdf)"}
    assert_reconciles(con, result, 1)


def test_folder_with_only_an_empty_file_is_a_clear_error(tmp_path):
    (tmp_path / "ExportOrderList.csv").write_bytes(b"")
    with pytest.raises(IngestError, match=r"no 订单报表 \(order report\) in .* \(found: ExportOrderList.csv \(empty file\)\)"):
        load(tmp_path)


def test_header_only_file_loads_zero_rows(tmp_path):
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [])
    con, result = load(tmp_path)
    assert_reconciles(con, result, 0)


def test_lines_without_their_order_are_quarantined(tmp_path):
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [GOOD])
    write_csv(tmp_path / "lines.csv", ["订单编号", "标题", "价格", "购买数量"], [["1001", "玩具", "5.00", "2"], ["9999", "玩具", "1", "1"]])
    con, result = load(tmp_path)
    assert quarantine(con) == [(2, "订单编号", "订单编号: no loaded order with this id in the 2017-05 order report")]
    (lines,) = [f for f in result.files if f.report_type == "order_lines"]
    assert (lines.rows_read, lines.rows_loaded, lines.rows_quarantined) == (2, 1, 1)


def test_reloading_a_month_replaces_it(tmp_path):
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [GOOD, row("1002")])
    con = duckdb.connect()
    load_month(con, MONTH, tmp_path)
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [GOOD])
    load_month(con, MONTH, tmp_path)
    assert con.execute("select count(*) from raw.orders").fetchone() == (1,)
    assert con.execute("select count(*) from raw.load_audit").fetchone() == (1,)


@pytest.mark.slow
def test_cli_gives_a_one_line_reason_and_nonzero_exit(tmp_path):
    """The missing-column path end to end, once: the loader's error (tested above) fails the Dagster step,
    and the CLI gives its one line and exit code 2."""
    header = [h for h in TMALL_HEADER if h != "订单编号"]
    write_csv(tmp_path / "exports" / "orders.csv", header, [GOOD[1:]])
    proc = run_cli("materialize", "--month", MONTH, "--exports", str(tmp_path / "exports"),
                   "--warehouse", str(tmp_path / "w.duckdb"), env=dagster_home(tmp_path))
    assert proc.returncode == 2  # bad input, as the README's exit codes say
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("shopkpi: error: 2017-05: step raw_exports failed:")
    assert "required column '订单编号' (order_id) is missing" in last


def test_quarantine_reasons_quote_no_cell_content(tmp_path):
    """A shifted row can put a buyer's phone, name or address into any typed column: the reason
    describes the cell's shape and never carries its content."""
    pii = ["13812345678", "张三丰", "浙江省杭州市西湖区文三路1号", "alice88@example.com"]
    rows = []
    for i, value in enumerate(pii):
        for position in (1, 2, 4, 5, 6):  # 总金额, 买家实际支付金额, 订单创建时间, 订单付款时间, 退款金额
            row = [f"P{i}{position}", "10.00", "10.00", "", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"]
            row[position] = value
            rows.append(row)
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, rows)
    con, _ = load(tmp_path)
    reasons = [r for _, _, r in quarantine(con)]
    # every row is quarantined but the phone number in the three amount columns, where it reads as an amount
    assert len(reasons) == len(rows) - 3
    for value in pii:
        assert not any(value[:3] in r for r in reasons), value
    assert "订单创建时间: not a date-time, shape '99999999999'" in reasons  # the phone, as its shape only
    assert "总金额: not an amount, shape '字字字'" in reasons  # the name


def test_the_public_development_key_needs_an_opt_in(tmp_path, monkeypatch):
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [GOOD])
    monkeypatch.delenv("SHOPKPI_PII_KEY", raising=False)
    monkeypatch.delenv("SHOPKPI_ALLOW_DEV_PII_KEY", raising=False)
    con = duckdb.connect()
    with pytest.raises(IngestError, match="SHOPKPI_PII_KEY is not set: buyer ids would be hashed with a key anyone"):
        load_month(con, MONTH, tmp_path)
    assert con.execute("select count(*) from information_schema.tables where table_schema = 'raw'").fetchone()[0] == 0
    # set, to the development key itself: said as it is (it used to say "not set")
    monkeypatch.setenv("SHOPKPI_PII_KEY", DEV_PII_KEY)
    with pytest.raises(IngestError, match="SHOPKPI_PII_KEY is set to the public development key: buyer ids"):
        load_month(con, MONTH, tmp_path)


@pytest.mark.parametrize("key, why", [
    ("Z", "it has 1 characters, at least 32 are needed"),  # (Z appears nowhere in the message)
    ("correct-horse-battery-staple-1", "it has 30 characters"),
    ("ab" * 20, "about 40 bits of randomness"),  # 40 characters of 2 kinds: 40 x log2(2) = 40 bits
])
def test_a_weak_pii_key_is_refused_without_being_echoed(tmp_path, monkeypatch, key, why):
    """SHOPKPI_PII_KEY=a was accepted: the key, then every buyer id, was recovered from query output in seconds."""
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [GOOD])
    monkeypatch.setenv("SHOPKPI_PII_KEY", key)
    with pytest.raises(IngestError) as raised:
        load_month(duckdb.connect(), MONTH, tmp_path)
    message = str(raised.value)
    assert "SHOPKPI_PII_KEY is too weak to protect buyer ids" in message and why in message
    assert key not in message.replace("SHOPKPI_PII_KEY", "")


def test_buyer_ids_are_an_hmac_under_a_key_stretched_by_scrypt(tmp_path, monkeypatch):
    """The documented rule (DECISIONLOG, PII): buyer_hash = first 32 hex digits of HMAC-SHA256(k, buyer) with
    k = scrypt(SHOPKPI_PII_KEY, salt 'shopkpi pii-key v2', n=2^14, r=8, p=1, 32 bytes); the key's fingerprint is
    HMAC-SHA256(k, 'shopkpi pii-key fingerprint')[:16]. A guess of the key costs a scrypt to test, either way."""
    import hmac
    import secrets

    from tests.bad_inputs.corpus import ORDERS_FILE, real_order_report

    header, rows = real_order_report()
    write_csv(tmp_path / ORDERS_FILE, [h.strip() for h in header], rows[:3])
    key = secrets.token_hex(32)  # what `openssl rand -hex 32` gives: accepted
    monkeypatch.setenv("SHOPKPI_PII_KEY", key)
    con = duckdb.connect()
    load_month(con, MONTH, tmp_path)
    k = hashlib.scrypt(key.encode(), salt=b"shopkpi pii-key v2", n=2**14, r=8, p=1, dklen=32)
    buyer = [h.strip() for h in header].index("买家会员名")
    expected = {r[0].strip(): hmac.new(k, r[buyer].strip().encode(), hashlib.sha256).hexdigest()[:32] for r in rows[:3]}
    assert dict(con.execute("select order_id, buyer_hash from raw.orders").fetchall()) == expected
    assert con.execute("select key_fingerprint from raw.pii_key_fingerprints").fetchone()[0] == \
        hmac.new(k, b"shopkpi pii-key fingerprint", hashlib.sha256).hexdigest()[:16]


def test_months_hashed_with_different_keys_are_named(tmp_path, monkeypatch):
    feb = ["F1", "10.00", "10.00", "", "2017-06-02 10:00:00", "2017-06-02 10:05:00", "0"]
    write_csv(tmp_path / "2017-05" / "orders.csv", TMALL_HEADER, [GOOD])
    write_csv(tmp_path / "2017-06" / "orders.csv", TMALL_HEADER, [feb])
    con = duckdb.connect()
    monkeypatch.setenv("SHOPKPI_PII_KEY", "first-secret-key-0123456789abcdefghij")
    assert load_month(con, "2017-05", tmp_path / "2017-05").months_with_another_key == []
    monkeypatch.setenv("SHOPKPI_PII_KEY", "rotated-secret-key-9876543210zyxwvutsrq")
    june = load_month(con, "2017-06", tmp_path / "2017-06")
    assert june.months_with_another_key == ["2017-05"]
    rows = con.execute("select month, key_fingerprint, is_development_key from raw.pii_key_fingerprints order by 1").fetchall()
    assert len({r[1] for r in rows}) == 2 and [r[2] for r in rows] == [False, False]
    assert all("secret" not in r[1] for r in rows)  # a fingerprint, never the key


def test_only_chinese_provinces_become_provinces(tmp_path):
    rows = [
        ["P1", "10.00", "10.00", "浙江省 杭州市 西湖区", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"],  # Taobao style
        ["P2", "10.00", "10.00", "新疆维吾尔自治区乌鲁木齐市", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"],  # Tmall style
        ["P3", "10.00", "10.00", "=HYPERLINK(\"x\") 杭州", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"],  # formula
        ["P4", "10.00", "10.00", "火星省 奥林匹斯山", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"],  # no such province
        ["P5", "10.00", "10.00", "", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"],  # no address: not counted
        # municipalities and regions as real exports write them (the Tmall report: no 市 after the municipality)
        ["P6", "10.00", "10.00", "上海上海市闵行区某路1号", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"],
        ["P7", "10.00", "10.00", "北京 北京市 朝阳区 ***", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"],  # Taobao
        ["P8", "10.00", "10.00", "天津市和平区", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"],
        ["P9", "10.00", "10.00", "重庆 重庆市 渝中区", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"],
        ["P10", "10.00", "10.00", "内蒙古呼和浩特市新城区", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"],
        ["P11", "10.00", "10.00", "广西 南宁市 青秀区", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"],
    ]
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, rows)
    con, result = load(tmp_path)
    got = dict(con.execute("select order_id, ship_province from raw.orders").fetchall())
    # every province by its official name, whichever way the export spells it
    assert got == {"P1": "浙江省", "P2": "新疆维吾尔自治区", "P3": None, "P4": None, "P5": None, "P6": "上海市",
                   "P7": "北京市", "P8": "天津市", "P9": "重庆市", "P10": "内蒙古自治区", "P11": "广西壮族自治区"}
    assert result.files[0].provinces_unrecognised == 2  # P3 and P4, counted in the load audit
    assert con.execute("select provinces_unrecognised from raw.load_audit").fetchone() == (2,)



@pytest.mark.slow
def test_a_file_of_unrecognised_provinces_is_a_warning_finding(tmp_path):
    """2 of 3 addresses name no province: more than 1% of the file, so the auditors' warning check
    province_unrecognised_share fails (the month still builds: a warning, not a block)."""
    rows = [["U1", "10.00", "10.00", "浙江省 杭州市", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"],
            ["U2", "10.00", "10.00", "火星省 奥林匹斯山", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"],
            ["U3", "10.00", "10.00", "月球 广寒宫", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"]]
    write_csv(tmp_path / "exports" / MONTH / "orders.csv", TMALL_HEADER, rows)
    result = materialize_month(MONTH, tmp_path / "exports", tmp_path / "warehouse.duckdb")
    assert result.success
    (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == "gx_province_unrecognised_share"]
    assert not check.passed and check.severity.value == "WARN"

# -- undecodable bytes, NUL bytes and UTF-16 (issue 13, item 4) ---------------------------
def many_rows(n: int) -> list[list[str]]:
    """n good orders, each with Chinese text (as real exports have), about 70 bytes a row."""
    return [[f"E{i:06d}", "10.00", "10.00", "浙江省 杭州市 西湖区", "2017/5/2 10:00", "2017/5/2 10:05", "0"]
            for i in range(n)]


def spoil(path: Path, order_id: str, bad: bytes) -> None:
    """Put `bad` bytes into the address of one order, in the file's own bytes."""
    data = path.read_bytes()
    at = data.index(order_id.encode("ascii"))
    end = data.index(b"\n", at)
    line = data[at:end]
    data = data[:at] + line.replace(b",", b"," + bad, 3).replace(b"," + bad, b",", 2) + data[end:]
    path.write_bytes(data)


@pytest.mark.parametrize("encoding, bad, label", [
    ("gbk", b"\x80", "GBK/GB18030"),      # 0x80 is no GBK character
    ("utf-8", b"\xff\xfe", "UTF-8"),
])
def test_undecodable_bytes_quarantine_their_row_only(tmp_path, encoding, bad, label):
    rows = many_rows(6000)  # > 256 KiB: past the sample the encoding is detected from
    path = write_csv(tmp_path / "orders.csv", TMALL_HEADER, rows, encoding=encoding)
    assert path.stat().st_size > 300 * 1024
    spoil(path, "E000002", bad)  # near the start: inside the detection sample
    spoil(path, "E005900", bad)  # near the end: past it
    con, result = load(tmp_path)
    assert [(r, c) for r, c, _ in quarantine(con)] == [(3, "收货地址"), (5901, "收货地址")]  # data rows 3 and 5901
    assert {why for _, _, why in quarantine(con)} == {f"undecodable bytes: not valid {label}"}
    assert_reconciles(con, result, 6000)
    assert con.execute("select count(*) from raw.orders where order_id in ('E000002', 'E005900')").fetchone() == (0,)


def test_a_mostly_undecodable_file_is_refused_naming_it_and_the_guess(tmp_path):
    write_csv(tmp_path / "orders.csv", TMALL_HEADER, many_rows(5))
    noise = bytes(range(128, 256)) * 40
    (tmp_path / "订单报表.csv").write_bytes("订单编号,总金额\n".encode("gbk") + b"\n".join([noise] * 50))
    con, result = load(tmp_path)
    why = result.skipped["订单报表.csv"]
    assert why.startswith("not text in a known encoding:") and "(the best guess)" in why
    assert_reconciles(con, result, 5)


def test_nul_bytes_quarantine_their_row_and_make_no_province(tmp_path):
    path = write_csv(tmp_path / "orders.csv", TMALL_HEADER, many_rows(4))
    data = path.read_bytes()
    # the address of order E000001 becomes "\0浙江省 …": no phantom province, the row is quarantined
    path.write_bytes(data.replace(b"E000001,10.00,10.00,", b"E000001,10.00,10.00,\x00", 1))
    con, result = load(tmp_path)
    assert quarantine(con) == [(2, "收货地址", "收货地址: NUL byte in the cell")]
    assert con.execute("select distinct ship_province from raw.orders").fetchall() == [("浙江省",)]
    assert_reconciles(con, result, 4)


@pytest.mark.parametrize("delimiter", ["\t", ","])
def test_utf16_unicode_text_loads(tmp_path, delimiter):
    """Excel's "Unicode text" is UTF-16 LE with a BOM, tab-separated; both delimiters load."""
    rows = many_rows(3)
    text = "\r\n".join(delimiter.join(r) for r in [TMALL_HEADER, *rows]) + "\r\n"
    (tmp_path / "orders.txt").write_bytes(text.encode("utf-16"))
    con, result = load(tmp_path)
    assert result.files[0].encoding == "utf-16"
    assert con.execute("select order_id, ship_province, total_amount from raw.orders order by 1").fetchall() == [
        (r[0], "浙江省", Decimal("10.00")) for r in rows]
    assert_reconciles(con, result, 3)


NOT_ROOT = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]  # nobody: root reads any file
LOAD_AS_NOBODY = """
import sys, duckdb
from shopkpi.ingest.load import load_month
con = duckdb.connect()
result = load_month(con, "2017-05", sys.argv[1])
print(result.skipped)
print(con.execute("select count(*) from raw.orders").fetchone()[0])
"""


@pytest.mark.skipif(shutil.which("setpriv") is None or os.geteuid() != 0, reason="needs root and setpriv to drop to nobody")
def test_an_unreadable_file_is_listed_as_not_used(tmp_path):
    folder = Path(tempfile.mkdtemp(prefix="shopkpi-unreadable-"))  # /tmp: reachable by nobody
    try:
        folder.chmod(0o755)
        write_csv(folder / "orders.csv", TMALL_HEADER, [GOOD, row("1002")]).chmod(0o644)
        secret = write_csv(folder / "访客明细.csv", ["访客ID", "访问时间"], [["v1", "2017-05-02 10:00:00"]])
        secret.chmod(0o000)
        proc = subprocess.run([*NOT_ROOT, sys.executable, "-c", LOAD_AS_NOBODY, str(folder)], capture_output=True,
                              text=True, cwd=Path(__file__).parent.parent,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(folder)})
        assert proc.returncode == 0, proc.stderr
        skipped, loaded = proc.stdout.splitlines()
        assert skipped == "{'访客明细.csv': 'unreadable: Permission denied'}" and loaded == "2"
    finally:
        shutil.rmtree(folder)


def test_an_xlsx_larger_inflated_than_allowed_is_not_opened_and_an_xlsx_is_converted_once(tmp_path, monkeypatch):
    """A 2 MB sheet inflating to 2 GiB took a month's load from ~5 s to 168 s: it was parsed twice (header, load)."""
    from openpyxl import Workbook

    from shopkpi.ingest import detect

    write_csv(tmp_path / "orders.csv", TMALL_HEADER, [GOOD])
    book = Workbook()
    book.active.append(TMALL_HEADER)
    for i in range(2000):
        book.active.append([f"X{i}", "10.00", "10.00", "浙江省 杭州市", "2017-05-01 10:00:00", "2017-05-01 10:05:00", "0"])
    book.save(tmp_path / "more_orders.xlsx")
    with zipfile.ZipFile(tmp_path / "more_orders.xlsx") as archive:
        inflated_mib = sum(p.file_size for p in archive.infolist()) / 2**20
    monkeypatch.setenv("SHOPKPI_XLSX_MAX_INFLATED_MB", f"{inflated_mib / 2:.3f}")
    result = load_month(duckdb.connect(), MONTH, tmp_path)
    assert result.skipped["more_orders.xlsx"].startswith(f"XLSX inflates to {inflated_mib:,.0f} MiB, more than the")
    assert [f.file for f in result.files if f.report_type == "orders"] == ["orders.csv"]
    monkeypatch.delenv("SHOPKPI_XLSX_MAX_INFLATED_MB")
    # within the limit: read once, by the scan, whose CSV the load then reads (no second conversion)
    opened = []
    real_rows = detect.xlsx_rows
    monkeypatch.setattr(detect, "xlsx_rows", lambda path: opened.append(path.name) or real_rows(path))
    result = load_month(duckdb.connect(), MONTH, tmp_path)
    assert opened == ["more_orders.xlsx"]
    assert {f.file: f.rows_loaded for f in result.files if f.report_type == "orders"} == {"orders.csv": 1,
                                                                                           "more_orders.xlsx": 2000}
