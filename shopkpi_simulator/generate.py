"""Seeded, deterministic generator of the exports no public shop download contains.

Everything is derived from the month's order report (real or synthesised), so
sessions, after-sales, reviews, logistics and campaigns reference real order
ids and buyers, and paying buyers appear among the visitors. Order-sized
exports are generated set-based in DuckDB (randomness from seeded hashes, so
the same seed gives the same bytes); the small logs in Python.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from shopkpi.ingest.detect import scan_folder
from shopkpi.ingest.layouts import layout_named
from shopkpi.ingest.cell_sql import TIMESTAMP_FORMATS
from shopkpi.ingest.load import scan_export_sql
from shopkpi.sql import sql_literal
from shopkpi.ingest.specs import ITEMS, ORDERS

from .orders import synthesise_orders
from .writers import copy_query_to_csv, write_rows, write_xlsx

PAID_CHANNELS = {"直通车": "P01", "钻展": "P02", "超级推荐": "P02"}  # channel -> promotion specialist
# Cumulative shares of visits by channel.
CHANNEL_MIX = [("直通车", 0.22), ("钻展", 0.34), ("超级推荐", 0.42), ("自然搜索", 0.72), ("直接访问", 0.90), ("站外引流", 1.0)]

# (employee id, pseudonymous name, role as in the catalog, team, start day, end day) — days in the month;
# None = before/after the month. ≥2 people per role; C03 joins mid-month (and has no
# sessions), D02 leaves mid-month.
ROSTER = [
    ("P01", "推广-阿杰", "营销推广专员", "运营部", None, None),
    ("P02", "推广-小雅", "营销推广专员", "运营部", None, None),
    ("K01", "策划-大伟", "策划专员", "运营部", None, None),
    ("K02", "策划-晓婷", "策划专员", "运营部", None, None),
    ("C01", "客服-小美", "客服专员", "客服部", None, None),
    ("C02", "客服-阿强", "客服专员", "客服部", None, None),
    ("C03", "客服-新人", "客服专员", "客服部", 16, None),
    ("D01", "美工-阿宁", "美工", "设计部", None, None),
    ("D02", "美工-老周", "美工", "设计部", None, 20),
    ("E01", "编辑-小林", "产品编辑", "商品部", None, None),
    ("E02", "编辑-阿芳", "产品编辑", "商品部", None, None),
    ("W01", "文案-一鸣", "文案", "商品部", None, None),
    ("W02", "文案-思思", "文案", "商品部", None, None),
    ("A01", "分析-子涵", "数据分析师", "数据部", None, None),
    ("A02", "分析-浩然", "数据分析师", "数据部", None, None),
    ("L01", "物流-大刘", "物流协调员", "仓储物流部", None, None),
    ("L02", "物流-小陈", "物流协调员", "仓储物流部", None, None),
    ("M01", "市场-嘉怡", "市场分析", "数据部", None, None),
    ("M02", "市场-俊杰", "市场分析", "数据部", None, None),
    ("G01", "渠道-佳琪", "渠道经理", "渠道部", None, None),
    ("G02", "渠道-文博", "渠道经理", "渠道部", None, None),
]

SIMULATOR_MEMORY_LIMIT = "3GB"

FILES = {
    "traffic": ("访客明细.csv", "utf-8-sig"),
    "campaign_orders": ("活动订单.csv", "utf-8-sig"),
    "cs_sessions": ("客服接待明细.csv", "gbk"),
    "after_sales": ("售后记录.csv", "gbk"),
    "reviews": ("评价记录.csv", "utf-8-sig"),
    "logistics": ("物流跟踪.csv", "utf-8-sig"),
    "market_reports": ("市场报告.csv", "gbk"),
    "shop_overview": ("店铺概况.csv", "utf-8-sig"),
    "market_index": ("市场交易指数.csv", "utf-8-sig"),
    "ad_spend": ("直通车钻展报表.xlsx", "xlsx"),
    "campaigns": ("活动列表.xlsx", "xlsx"),
    "design_tasks": ("美工任务.xlsx", "xlsx"),
    "listings": ("上新记录.xlsx", "xlsx"),
    "analyst_reports": ("数据分析周报.xlsx", "xlsx"),
    "staff": ("员工花名册.xlsx", "xlsx"),
}

# Analyst figures deliberately off (accuracy-rule edge cases): (analyst, week number, relative error).
# The layout each simulated export is written from (default: shopkpi/layouts/shopkpi_<name>.yaml).
SIMULATED_LAYOUTS = {"shop_overview": "sycm_shop_overview", "market_index": "sycm_market_index"}
ANALYST_ERRORS = {("A01", 1): 0.049, ("A02", 2): 0.051}
ANALYST_METRICS = {"付款订单数": "orders_paid", "实际成交额": "net_sales"}


@dataclass
class SimulationResult:
    month: str
    out: Path
    rows: dict[str, int] = field(default_factory=dict)


def _month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    year, mon = int(month[:4]), int(month[5:7])
    start = dt.datetime(year, mon, 1)
    return start, start + dt.timedelta(days=calendar.monthrange(year, mon)[1])


def _ts(value: dt.datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


class Simulator:
    def __init__(self, orders_dir: Path, out: Path, month: str | None, seed: int,
                 channel_shops: dict[str, str] | None = None, on_written: Callable[[Path, int], None] | None = None):
        self.orders_dir, self.out, self.seed = Path(orders_dir), Path(out), seed
        self.on_written = on_written or (lambda path, rows: None)  # hears each file as it is written
        self.channel_shops = channel_shops or {}  # roster 负责店铺 per employee (empty: every shop)
        self.rng = random.Random(seed)
        self._workdir = Path(tempfile.mkdtemp(prefix="shopkpi-sim-"))
        # A file-backed scratch database with a memory cap: at millions of orders the
        # visitor log outgrows memory, and DuckDB then spills to disk instead of failing.
        self.con = duckdb.connect(str(self._workdir / "scratch.duckdb"))
        self.con.execute(f"SET memory_limit = '{SIMULATOR_MEMORY_LIMIT}'")
        self.con.execute("SET preserve_insertion_order = true")
        # u(key) in [0, 1): a seeded hash, so SQL-generated rows are reproducible.
        self.con.execute(f"CREATE MACRO u(k) AS (hash(CAST(k AS VARCHAR) || '#{int(seed)}') % 1000003) / 1000003.0")
        self._load_orders()
        self.month = month or self._busiest_month()
        self.start, self.end = _month_bounds(self.month)
        self.result = SimulationResult(month=self.month, out=self.out)

    # -- inputs -------------------------------------------------------------
    def _load_orders(self) -> None:
        found = [f for f in scan_folder(self.orders_dir) if f.spec is not None and f.spec.report_type in (ORDERS.report_type, ITEMS.report_type)]
        orders = [f for f in found if f.spec.report_type == ORDERS.report_type]
        if not orders:
            raise FileNotFoundError(f"no order report (订单报表) in {self.orders_dir}")
        formats = "[" + ", ".join(sql_literal(f) for f in TIMESTAMP_FORMATS) + "]"
        selects = []
        for f in orders:
            idx = {h: i for i, h in enumerate(f.header)}
            col = lambda zh: f"c{idx[zh]}" if zh in idx else "NULL"  # noqa: E731
            selects.append(
                f"""SELECT trim({col('订单编号')}) AS order_id, nullif(trim({col('买家会员名')}), '') AS buyer,
                    try_strptime(trim({col('订单创建时间')}), {formats}) AS created_at,
                    try_strptime(nullif(trim({col('订单付款时间')}), ''), {formats}) AS paid_at,
                    TRY_CAST(trim({col('买家实际支付金额')}) AS DECIMAL(18,2)) AS paid_amount,
                    TRY_CAST(trim({col('总金额')}) AS DECIMAL(18,2)) AS total_amount
                FROM {scan_export_sql(f, self._workdir)}"""
            )
        self.con.execute("CREATE TABLE all_orders AS " + " UNION ALL ".join(selects))
        items = [f for f in found if f.spec.report_type == ITEMS.report_type]
        if items:
            f = items[0]
            idx = f.header.index("宝贝ID")
            self.con.execute(f"CREATE TABLE item_pool AS SELECT DISTINCT trim(c{idx}) AS item_id "
                             f"FROM {scan_export_sql(f, self._workdir)} ORDER BY 1")
        else:
            self.con.execute("CREATE TABLE item_pool AS SELECT 'S' || lpad(CAST(i AS VARCHAR), 6, '0') AS item_id FROM range(1, 301) t(i)")

    def _busiest_month(self) -> str:
        (month,) = self.con.execute(
            "SELECT strftime(created_at, '%Y-%m') FROM all_orders GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()
        return month

    # -- driver -------------------------------------------------------------
    def run(self) -> SimulationResult:
        self.out.mkdir(parents=True, exist_ok=True)
        start, end = sql_literal(_ts(self.start)), sql_literal(_ts(self.end))
        self.con.execute(
            f"""CREATE TABLE orders AS SELECT *, coalesce(buyer, 'buyer-' || order_id) AS buyer_name,
                   row_number() OVER (ORDER BY created_at, order_id) AS seq
                FROM all_orders WHERE created_at >= {start} AND created_at < {end}"""
        )
        self.con.execute("CREATE TABLE paid AS SELECT * FROM orders WHERE paid_at IS NOT NULL")
        # Constants as variables: an equality join on an expression with a scalar subquery
        # degrades to a nested loop in DuckDB.
        self.con.execute("SET VARIABLE paid_orders = (SELECT count(*) FROM paid)")
        self.con.execute("SET VARIABLE pool_items = (SELECT count(*) FROM item_pool)")
        try:
            self._staff()
            self._traffic_and_ads()
            self._shop_overview()
            if self.channel_shops:  # a multi-shop team downloads 生意参谋's market figures for its channel manager
                self._market_index()
            self._campaigns()
            self._cs_sessions()
            self._after_sales_and_reviews()
            self._logistics()
            self._design_tasks()
            self._listings()
            self._analyst_reports()
            self._market_reports()
        finally:
            self.con.close()
            shutil.rmtree(self._workdir, ignore_errors=True)
        return self.result

    def _day(self, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
        return self.start + dt.timedelta(days=day - 1, hours=hour, minutes=minute)

    # -- writers ------------------------------------------------------------
    def _copy_out(self, name: str, sql: str) -> None:
        """Write a SQL result as the platform file for `name` (CSV via DuckDB, or XLSX), with the
        headers of its layout (shopkpi/layouts/shopkpi_<name>.yaml), in the layout's order."""
        header = layout_named(SIMULATED_LAYOUTS.get(name, f"shopkpi_{name}")).headers
        filename, encoding = FILES[name]
        target = self.out / filename
        if encoding == "xlsx":
            rows = self.con.execute(sql).fetchall()
            self.result.rows[name] = write_xlsx(target, header, [[_cell(v) for v in r] for r in rows])
        else:
            self.result.rows[name] = copy_query_to_csv(self.con, sql, header, target, encoding, self._workdir)
        self.on_written(target, self.result.rows[name])

    def _write(self, name: str, rows: list[list]) -> None:
        header = layout_named(SIMULATED_LAYOUTS.get(name, f"shopkpi_{name}")).headers  # one source of truth for headers: the layout
        filename, encoding = FILES[name]
        target = self.out / filename
        if encoding == "xlsx":
            self.result.rows[name] = write_xlsx(target, header, rows)
        else:
            self.result.rows[name] = write_rows(target, header, [[_cell(v) for v in r] for r in rows], encoding)
        self.on_written(target, self.result.rows[name])

    # -- exports ------------------------------------------------------------
    def _staff(self) -> None:
        from .role_reports import PLATFORM_CS_AGENT, PLATFORM_LOGISTICS_COORDINATOR, PLATFORM_PROMOTION_SPECIALIST

        rows = []
        # a multi-shop team has an agent, a promotion specialist and a logistics coordinator for the other
        # platforms, measured from those platforms' reports and the ERP's export
        extra = [PLATFORM_CS_AGENT, PLATFORM_PROMOTION_SPECIALIST, PLATFORM_LOGISTICS_COORDINATOR] if self.channel_shops else []
        for emp, name, role, team, first, last in [*ROSTER, *extra]:
            start = self._day(first) if first else dt.datetime(self.start.year - 1, 3, 1)
            rows.append([emp, name, role, team, _ts(start), _ts(self._day(last, 18)) if last else "",
                         self.channel_shops.get(emp, "")])  # 负责店铺: empty is every shop
        self._write("staff", rows)

    def _traffic_and_ads(self) -> None:
        days = (self.end - self.start).days
        mix = "CASE " + " ".join(f"WHEN r < {cum} THEN '{ch}'" for ch, cum in CHANNEL_MIX) + " END"
        start = sql_literal(_ts(self.start))
        self.con.execute(
            f"""CREATE TABLE traffic AS
            WITH buyers AS (  -- every paid order's buyer visited on the day of the order
                SELECT 'V' || left(md5(buyer_name), 12) AS visitor_id, CAST(created_at AS DATE) AS visit_date,
                       u(order_id || 'ch') AS r, order_id, u(order_id || 'new') < 0.45 AS is_new, false AS bounced,
                       2 + CAST(floor(-ln(1 - u(order_id || 'pv')) * 4) AS INTEGER) AS page_views,
                       u(order_id || 'lp') AS lp, seq AS k
                FROM paid),
            browsers AS (  -- visitors who did not buy; some come back on another day
                SELECT 'N' || lpad(CAST(CAST(floor(u(i || 'id') * (SELECT count(*) * 5 FROM paid)) AS BIGINT) AS VARCHAR), 9, '0') AS visitor_id,
                       CAST({start} AS DATE) + CAST(floor(pow(u(i || 'day'), 0.9) * {days}) AS INTEGER) AS visit_date,
                       u(i || 'ch') AS r, NULL AS order_id, u(i || 'new') < 0.65 AS is_new, u(i || 'b') < 0.45 AS bounced,
                       1 + CAST(floor(-ln(1 - u(i || 'pv')) * 2.5) AS INTEGER) AS page_views,
                       u(i || 'lp') AS lp, i AS k
                FROM range(1, (SELECT count(*) * 6 FROM paid) + 1) t(i))
            SELECT v.visitor_id, v.visit_date, {mix} AS channel,
                   CASE WHEN v.lp < 0.15 THEN 'home' ELSE 'item/' || p.item_id END AS landing_page,
                   CASE WHEN v.bounced THEN 1 ELSE v.page_views END AS page_views,
                   CASE WHEN v.is_new THEN '新访客' ELSE '老访客' END AS visitor_type,
                   CASE WHEN v.bounced THEN '是' ELSE '否' END AS bounced, v.order_id, v.k
            FROM (SELECT * FROM buyers UNION ALL SELECT * FROM browsers) v
            JOIN (SELECT item_id, row_number() OVER (ORDER BY item_id) - 1 AS n FROM item_pool) p
              ON p.n = CAST(floor(v.lp * getvariable('pool_items')) AS BIGINT)"""
        )
        self._copy_out(
            "traffic",
            "SELECT visitor_id, strftime(visit_date, '%Y-%m-%d'), channel, landing_page, page_views, visitor_type, "
            "bounced, order_id FROM traffic ORDER BY visit_date, visitor_id, k",
        )
        owners = "CASE channel " + " ".join(f"WHEN '{c}' THEN '{o}'" for c, o in PAID_CHANNELS.items()) + " END"
        self._copy_out(
            "ad_spend",
            f"""WITH daily AS (SELECT visit_date, channel, count(DISTINCT visitor_id) AS uv FROM traffic
                               WHERE channel IN ({', '.join(sql_literal(c) for c in PAID_CHANNELS)}) GROUP BY ALL),
                 ads AS (SELECT *, CAST(ceil(uv * (1.1 + 0.3 * u(visit_date || channel || 'c'))) AS BIGINT) AS clicks FROM daily)
            SELECT strftime(visit_date, '%Y-%m-%d'), channel, channel || '-日常推广',
                   CAST(clicks / (0.02 + 0.03 * u(visit_date || channel || 'i')) AS BIGINT),
                   clicks, CAST(floor(clicks * (0.82 + 0.15 * u(visit_date || channel || 'a'))) AS BIGINT),
                   round(clicks * (0.5 + 0.9 * u(visit_date || channel || 's')), 2), {owners}
            FROM ads ORDER BY visit_date, channel""",
        )

    def _shop_overview(self) -> None:
        """The platform's daily summary: its own counts, a little off the order report
        (the platform attributes late payments and refunds on its own clock), well within 5%."""
        self._copy_out(
            "shop_overview",
            """WITH days AS (SELECT visit_date AS day, count(DISTINCT visitor_id) AS visitors FROM traffic GROUP BY 1),
                    pay AS (SELECT CAST(created_at AS DATE) AS day, count(DISTINCT buyer_name) AS buyers,
                                   count(*) AS orders, sum(total_amount) AS amount FROM paid GROUP BY 1)
            SELECT strftime(days.day, '%Y-%m-%d'), days.visitors, coalesce(pay.buyers, 0), coalesce(pay.orders, 0),
                   round(coalesce(pay.amount, 0) * (1 + 0.006 * (u(days.day || 'ov') - 0.5)), 2)
            FROM days LEFT JOIN pay USING (day) ORDER BY days.day""",
        )

    def _market_index(self) -> None:
        """生意参谋 市场: the shop's daily 交易指数 and its category's. Like the platform's, the index
        grows slower than money (a power of the day's payments); the category is ~150-250 times the shop."""
        self._copy_out(
            "market_index",
            """WITH days AS (SELECT DISTINCT visit_date AS day FROM traffic),
                    pay AS (SELECT CAST(created_at AS DATE) AS day, sum(total_amount) AS amount FROM paid GROUP BY 1),
                    idx AS (SELECT days.day, CAST(round(30 * pow(coalesce(pay.amount, 0) + 1, 0.8)) AS BIGINT) AS shop_index
                            FROM days LEFT JOIN pay USING (day))
            SELECT strftime(day, '%Y-%m-%d'), '玩具/童车/益智/积木/模型', shop_index,
                   CAST(round(greatest(shop_index, 1) * (150 + 100 * u(day || 'mkt'))) AS BIGINT)
            FROM idx ORDER BY day""",
        )

    def _campaigns(self) -> None:
        days = (self.end - self.start).days
        plans = [("K01", 3), ("K02", 2)]
        campaigns, n = [], 0
        for planner, count in plans:
            for _ in range(count):
                n += 1
                length = self.rng.randint(3, 6)
                first = self.rng.randint(1, days - length + 1)
                cost = 0 if n == 2 else round(self.rng.uniform(800, 5000), 2)  # campaign 2 costs nothing
                campaigns.append((f"HD{self.month.replace('-', '')}{n:02d}", planner, first, length, cost))
        self.con.execute("CREATE TABLE campaigns (campaign_id VARCHAR, planner VARCHAR, starts_at TIMESTAMP, ends_at TIMESTAMP, cost DECIMAL(18,2))")
        for cid, planner, first, length, cost in campaigns:
            self.con.execute("INSERT INTO campaigns VALUES (?, ?, ?, ?, ?)",
                             [cid, planner, self._day(first), self._day(first + length - 1, 23, 59), cost])
        # An order counts for at most one campaign: the first running one that attracted it.
        self.con.execute(
            """CREATE TABLE campaign_orders AS
            SELECT campaign_id, order_id, buyer_name FROM (
                SELECT c.campaign_id, p.order_id, p.buyer_name, row_number() OVER (PARTITION BY p.order_id ORDER BY c.campaign_id) AS n
                FROM paid p JOIN campaigns c ON p.created_at BETWEEN c.starts_at AND c.ends_at
                WHERE u(p.order_id || c.campaign_id) < 0.35) WHERE n = 1"""
        )
        self._copy_out("campaign_orders", "SELECT campaign_id, order_id FROM campaign_orders ORDER BY 1, 2")
        self._copy_out(
            "campaigns",
            """WITH uv AS (SELECT campaign_id, count(DISTINCT buyer_name) AS buyers FROM campaign_orders GROUP BY 1)
            SELECT c.campaign_id, '店铺活动' || right(c.campaign_id, 2), c.planner,
                   strftime(c.starts_at, '%Y-%m-%d %H:%M:%S'), strftime(c.ends_at, '%Y-%m-%d %H:%M:%S'), c.cost,
                   CAST(coalesce(buyers, 0) * (3 + 5 * u(c.campaign_id || 'uv')) + 20 AS BIGINT) AS page_uv,
                   CAST((coalesce(buyers, 0) * (3 + 5 * u(c.campaign_id || 'uv')) + 20) * (1.1 + 0.8 * u(c.campaign_id || 'ck')) AS BIGINT),
                   '' AS shop  -- 店铺 empty: the folder's shop
            FROM campaigns c LEFT JOIN uv USING (campaign_id) ORDER BY 1""",
        )

    def _cs_sessions(self) -> None:
        start, end = sql_literal(_ts(self.start)), sql_literal(_ts(self.end - dt.timedelta(minutes=1)))
        self.con.execute(
            f"""CREATE TABLE sessions AS
            WITH converting AS (  -- pre-sale chats that ended in the order
                SELECT order_id AS converted, buyer_name, seq AS k,
                       greatest({start}::TIMESTAMP, created_at - INTERVAL 1 MINUTE * CAST(5 + 90 * u(order_id || 'lead') AS INTEGER)) AS first_message_at
                FROM paid WHERE u(order_id || 'cs') < 0.2),
            browsing AS (  -- chats that did not end in an order (some by buyers who ordered anyway)
                SELECT NULL AS converted,
                       CASE WHEN u(i || 'who') < 0.3 THEN p.buyer_name
                            ELSE '访客' || CAST(CAST(floor(u(i || 'v') * 1e6) AS BIGINT) AS VARCHAR) END AS buyer_name,
                       1000000000 + i AS k,
                       {start}::TIMESTAMP + INTERVAL 1 MINUTE * CAST(floor(u(i || 't') * datediff('minute', {start}::TIMESTAMP, {end}::TIMESTAMP)) AS BIGINT) AS first_message_at
                FROM range(1, CAST((SELECT count(*) FROM paid) * 0.1 AS BIGINT) + 2) t(i)
                JOIN (SELECT buyer_name, row_number() OVER (ORDER BY seq) AS n FROM paid) p
                  ON p.n = 1 + CAST(floor(u(i || 'b') * getvariable('paid_orders')) AS BIGINT)),
            s AS (SELECT *, row_number() OVER (ORDER BY first_message_at, k) AS n FROM (SELECT * FROM converting UNION ALL SELECT * FROM browsing))
            SELECT 'S' || lpad(CAST(n AS VARCHAR), 8, '0') AS session_id,
                   CASE WHEN u(k || 'agent') < 0.55 THEN 'C01' ELSE 'C02' END AS agent_id,
                   buyer_name, first_message_at,
                   CASE WHEN n = 1 THEN first_message_at + INTERVAL 30 SECOND          -- exactly 30 s: on time
                        WHEN u(k || 'noreply') < 0.01 THEN NULL                          -- never answered
                        WHEN u(k || 'noreply') < 0.02 THEN first_message_at + INTERVAL 25 HOUR
                        ELSE first_message_at + INTERVAL 1 SECOND * CAST(3 + 45 * pow(u(k || 'delay'), 4) AS INTEGER) END AS first_reply_at,
                   3 + CAST(floor(u(k || 'msg') * 25) AS INTEGER) AS messages,
                   CASE WHEN u(k || 'bad') < 0.03 THEN 1 ELSE 0 END AS forbidden,
                   converted,
                   CASE WHEN u(k || 'rated') < 0.3 THEN ''
                        WHEN u(k || 'rate') < 0.62 THEN '很满意' WHEN u(k || 'rate') < 0.86 THEN '满意'
                        WHEN u(k || 'rate') < 0.95 THEN '一般' ELSE '不满意' END AS rating,
                   CASE WHEN u(k || 'complaint') < 0.03 THEN '是' ELSE '否' END AS complaint,
                   CASE WHEN u(k || 'complaint') >= 0.03 THEN '' WHEN u(k || 'fixed') < 0.8 THEN '是' ELSE '否' END AS resolved
            FROM s"""
        )
        self._copy_out(
            "cs_sessions",
            "SELECT session_id, agent_id, buyer_name, strftime(first_message_at, '%Y-%m-%d %H:%M:%S'), "
            "strftime(first_reply_at, '%Y-%m-%d %H:%M:%S'), messages, forbidden, converted, rating, complaint, resolved "
            "FROM sessions ORDER BY session_id",
        )

    def _after_sales_and_reviews(self) -> None:
        last = sql_literal(_ts(self.end - dt.timedelta(minutes=1)))
        self._copy_out(
            "after_sales",
            f"""SELECT 'SH' || lpad(CAST(row_number() OVER (ORDER BY paid_at, order_id) AS VARCHAR), 7, '0'), order_id,
                   CASE WHEN u(order_id || 'ast') < 0.5 THEN '退货' WHEN u(order_id || 'ast') < 0.7 THEN '换货' ELSE '仅退款' END,
                   strftime(least({last}::TIMESTAMP, paid_at + INTERVAL 1 HOUR * CAST(12 + 100 * u(order_id || 'asd') AS INTEGER)), '%Y-%m-%d %H:%M:%S'),
                   CASE WHEN u(order_id || 'asa') < 0.5 THEN 'C01' ELSE 'C02' END
            FROM paid WHERE u(order_id || 'as') < 0.05 ORDER BY paid_at, order_id""",
        )
        self._copy_out(
            "reviews",
            f"""SELECT order_id,
                   CASE WHEN u(order_id || 'rv') < 0.85 THEN '好评' WHEN u(order_id || 'rv') < 0.94 THEN '中评' ELSE '差评' END,
                   CASE WHEN u(order_id || 'tag') < 0.4 THEN '服务态度' WHEN u(order_id || 'tag') < 0.7 THEN '物流速度' ELSE '宝贝质量' END,
                   strftime(least({last}::TIMESTAMP, paid_at + INTERVAL 1 HOUR * CAST(24 + 120 * u(order_id || 'rvd') AS INTEGER)), '%Y-%m-%d %H:%M:%S'),
                   CASE WHEN u(order_id || 'rv') < 0.85 THEN '很好，孩子喜欢' ELSE '一般般' END
            FROM paid WHERE u(order_id || 'r') < 0.3 ORDER BY paid_at, order_id""",
        )

    def _logistics(self) -> None:
        self._copy_out(
            "logistics",
            """WITH s AS (SELECT order_id, paid_at,
                        paid_at + INTERVAL 1 MINUTE * CAST(60 * (2 + 46 * pow(u(order_id || 'ship'), 2)) AS INTEGER) AS shipped_at
                        FROM paid)
            SELECT order_id, CASE WHEN u(order_id || 'lc') < 0.55 THEN 'L01' ELSE 'L02' END,
                   strftime(shipped_at, '%Y-%m-%d %H:%M:%S'),
                   strftime(CAST(paid_at AS DATE) + INTERVAL 3 DAY, '%Y-%m-%d'),
                   CASE WHEN u(order_id || 'transit') < 0.03 THEN NULL ELSE
                   strftime(shipped_at + INTERVAL 1 MINUTE * CAST(60 * (18 + 60 * pow(u(order_id || 'dlv'), 2)) AS INTEGER), '%Y-%m-%d %H:%M:%S') END,
                   '' AS shop  -- 店铺 empty: the folder's shop
            FROM s ORDER BY paid_at, order_id""",
        )

    def _design_tasks(self) -> None:
        rows, n = [], 0
        for designer, last_day in (("D01", 31), ("D02", 19)):
            for _ in range(12):
                n += 1
                due = self._day(self.rng.randint(2, min(last_day, (self.end - self.start).days)), 18)
                assigned = due - dt.timedelta(days=self.rng.randint(2, 6))
                late = self.rng.random() < 0.15
                delivered = due + dt.timedelta(hours=self.rng.randint(1, 30)) if late else due - dt.timedelta(hours=self.rng.randint(1, 48))
                if self.rng.random() < 0.05 and designer == "D02":
                    delivered = None  # not delivered (left the shop)
                reviewed = delivered + dt.timedelta(hours=self.rng.randint(1, 20)) if delivered else None
                if n == 3:
                    reviewed = None  # delivered, never reviewed
                result = "" if reviewed is None else ("通过" if self.rng.random() < 0.85 else "不通过")
                rows.append([f"T{self.month.replace('-', '')}{n:03d}", designer, _ts(assigned), _ts(due), _ts(delivered),
                             _ts(reviewed), result, self.rng.randint(0, 3), self.rng.randint(2, 15)])
        self._write("design_tasks", rows)

    def _listings(self) -> None:
        items = [r[0] for r in self.con.execute("SELECT item_id FROM item_pool ORDER BY item_id").fetchall()]
        chosen = self.rng.sample(items, min(40, len(items)))
        rows = []
        for i, item in enumerate(chosen):
            editor = "E01" if i % 2 == 0 else "E02"
            planned = self._day(self.rng.randint(1, (self.end - self.start).days), self.rng.randint(8, 20))
            live = planned + dt.timedelta(hours=self.rng.randint(1, 30)) if self.rng.random() < 0.2 else planned - dt.timedelta(minutes=self.rng.randint(0, 120))
            checked = self.rng.random() < 0.6 or i < 4
            error = checked and (self.rng.random() < 0.03 or i == 1)  # E02's second listing: a description error
            stock = self.rng.randint(20, 500)
            shown = stock + (self.rng.randint(1, 9) if checked and self.rng.random() < 0.06 else 0)
            links = self.rng.randint(5, 10) if checked else 0
            broken = 1 if checked and self.rng.random() < 0.1 else 0
            rows.append([item, editor, "W01" if self.rng.random() < 0.5 else "W02", _ts(planned), _ts(live),
                         "是" if checked else "否", ("是" if error else "否") if checked else "",
                         shown if checked else "", stock if checked else "", links, broken])
        self._write("listings", rows)

    def _analyst_reports(self) -> None:
        mondays = [self.start + dt.timedelta(days=d) for d in range((self.end - self.start).days)
                   if (self.start + dt.timedelta(days=d)).weekday() == 0]
        rows, report = [], 0
        for week_no, monday in enumerate(mondays, start=1):
            window_end = monday + dt.timedelta(days=7)  # the whole week, also into the next month
            orders_paid, net_sales = self.con.execute(
                "SELECT count(*) FILTER (WHERE paid_at IS NOT NULL), coalesce(sum(paid_amount), 0) FROM orders "
                "WHERE created_at >= ? AND created_at < ?", [monday, window_end]).fetchone()
            truth = {"付款订单数": orders_paid, "实际成交额": net_sales}
            for analyst in ("A01", "A02"):
                report += 1
                deadline = monday + dt.timedelta(days=7, hours=10)
                late = analyst == "A02" and week_no == 2
                submitted = deadline + dt.timedelta(hours=5) if late else deadline - dt.timedelta(hours=self.rng.randint(1, 20))
                for metric, value in truth.items():
                    error = ANALYST_ERRORS.get((analyst, week_no), 0.0) if metric == "实际成交额" else 0.0
                    reported = round(float(value) * (1 + error), 2)
                    rows.append([f"R{self.month.replace('-', '')}{report:03d}", analyst, _ts(monday), _ts(submitted),
                                 _ts(deadline), metric, reported, ""])  # 范围 empty: the folder's shop
        self._write("analyst_reports", rows)

    def _market_reports(self) -> None:
        plan = [("M01", "市场调研", 10, 12), ("M01", "市场调研", 24, 25), ("M01", "竞品分析", 14, 15),
                ("M02", "市场调研", 18, 20), ("M02", "竞品分析", 17, 15)]  # M02's competitor report is late
        rows = [[f"MR{self.month.replace('-', '')}{i:02d}", who, kind, _ts(self._day(sub, 16)), _ts(self._day(due, 18))]
                for i, (who, kind, sub, due) in enumerate(plan, start=1)]
        self._write("market_reports", rows)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return _ts(value)
    return value


def simulate(orders_dir: Path, out: Path, month: str | None = None, seed: int = 42,
             orders_per_month: int | None = None, copy_orders: bool = False,
             channel_shops: dict[str, str] | None = None,
             on_written: Callable[[Path, int], None] | None = None) -> SimulationResult:
    """Write every simulated export for `month` into `out`.

    With `orders_per_month`, an order report of that many orders is synthesised
    into `out` first (streamed) and the other exports follow from it.
    With `copy_orders`, the given order report files are copied into `out` so
    that the folder holds the whole month. `on_written(path, rows)` hears each file as it is written.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if orders_per_month:
        if month is None:
            raise ValueError("--orders-per-month needs --month")
        target = synthesise_orders(out, month, orders_per_month, seed)
        if on_written:
            on_written(target, orders_per_month)
        orders_dir = out
    elif copy_orders and Path(orders_dir).resolve() != out.resolve():
        for f in scan_folder(Path(orders_dir)):
            if f.spec is not None:
                shutil.copyfile(f.path, out / f.path.name)
    return Simulator(Path(orders_dir), out, month, seed, channel_shops, on_written).run()


# The multi-shop month: the real (or given) Taobao orders with every team sheet, plus one shop per
# other platform in its own layout (platforms.py). Two channel managers split the shops.
MAIN_SHOP = "taobao_toyshop"
CHANNEL_SHOPS = {"G01": "taobao_toyshop、tmall_flagship", "G02": "pdd_shop、jd_shop、douyin_shop"}


def simulate_shops(orders_dir: Path, exports_root: Path, month: str, seed: int = 42,
                   on_written: Callable[[Path, int], None] | None = None) -> dict[str, int]:
    """Write `exports_root/<shop_id>/<month>/` for every shop; returns rows written per shop and export."""
    from .platforms import PLATFORM_SHOPS, write_platform_shop

    exports_root = Path(exports_root)
    main = simulate(orders_dir, exports_root / MAIN_SHOP / month, month=month, seed=seed, copy_orders=True,
                    channel_shops=CHANNEL_SHOPS, on_written=on_written)
    rows = {f"{MAIN_SHOP}/{name}": count for name, count in main.rows.items()}
    for shop_id in PLATFORM_SHOPS:
        rows[f"{shop_id}/orders"] = write_platform_shop(shop_id, exports_root / shop_id / month, month, seed)
        if on_written:
            on_written(exports_root / shop_id / month / PLATFORM_SHOPS[shop_id][1], rows[f"{shop_id}/orders"])
    from .role_reports import write_role_reports

    for name, count in write_role_reports(exports_root, month, MAIN_SHOP, seed).items():
        rows[name] = count
        if on_written:
            shop, filename = name.split("/", 1)
            on_written(exports_root / shop / month / filename, count)
    return rows
