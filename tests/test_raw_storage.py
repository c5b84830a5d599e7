"""How raw tables store their columns (load.ensure_raw_schema)."""

from __future__ import annotations

import duckdb

from shopkpi.ingest.raw_schema import ensure_raw_schema


def test_hashes_and_order_ids_are_stored_uncompressed_and_the_rest_compressed():
    """Keyed hashes and a report's unique key are nearly all different values: compressing them found
    no repeats and took most of the raw insert's time (DECISIONLOG "Performance"). Repeating text
    (status, carrier, province) keeps DuckDB's compression."""
    con = duckdb.connect()
    ensure_raw_schema(con)
    con.execute("insert into raw.orders (month, source_file, source_row, platform, shop_id, order_id, buyer_hash, "
                "tracking_no_hash, order_status, carrier) "
                "select '2024-01', 'f.csv', i, 'taobao', 's', 'O' || i, md5('b' || i), md5('t' || i), "
                "['交易成功', '交易关闭'][1 + i % 2], ['申通快递', '圆通速递'][1 + i % 2] from range(200000) r(i)")
    con.execute("checkpoint")
    stored = dict(con.execute(
        "select column_name, string_agg(distinct compression, ',') from pragma_storage_info('raw.orders') "
        "where segment_type = 'VARCHAR' and column_name in ('order_id', 'buyer_hash', 'tracking_no_hash', "
        "'order_status', 'carrier') group by 1").fetchall())
    assert {c: stored[c] for c in ("order_id", "buyer_hash", "tracking_no_hash")} == dict.fromkeys(
        ("order_id", "buyer_hash", "tracking_no_hash"), "Uncompressed")
    assert "Uncompressed" not in stored["order_status"] + stored["carrier"]


def test_a_column_added_to_an_older_raw_table_is_stored_the_same_way():
    """A warehouse whose raw.orders predates a hashed column gains it uncompressed too."""
    con = duckdb.connect()
    ensure_raw_schema(con)
    con.execute("alter table raw.orders drop column tracking_no_hash")
    ensure_raw_schema(con)
    (ddl,) = con.execute("select sql from duckdb_tables() where schema_name = 'raw' and table_name = 'orders'").fetchone()
    assert "tracking_no_hash VARCHAR USING COMPRESSION Uncompressed" in ddl
