"""Synthesise a month of orders in Taobao's 46-column order-report layout.

DuckDB generates and writes the rows (streamed, multi-threaded), so memory
stays flat at millions of orders; randomness comes from seeded hashes.
"""

from __future__ import annotations

import calendar
import tempfile
from pathlib import Path

import duckdb

from .writers import copy_query_to_csv

TAOBAO_ORDER_HEADER = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额", "返点积分",
    "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址", "运送方式", "联系电话 ",
    "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题 ", "宝贝种类", "物流单号 ", "物流公司", "订单备注",
    "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单",
    "分阶段订单信息", "特权订金订单id", "是否上传合同照片", "是否上传小票", "是否代付", "定金排名", "修改后的sku",
    "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易", "退款金额", "预约门店",
]
PROVINCES = ["广东省", "浙江省", "江苏省", "福建省", "山东省", "河南省", "四川省", "湖北省", "湖南省", "上海", "北京", "安徽省"]


def synthesise_orders(out: Path, month: str, orders: int, seed: int) -> Path:
    year, mon = int(month[:4]), int(month[5:7])
    days = calendar.monthrange(year, mon)[1]
    provinces = "[" + ", ".join(f"'{p}'" for p in PROVINCES) + "]"
    target = Path(out) / f"ExportOrderList_{month}.csv"
    con = duckdb.connect()
    con.execute(f"CREATE MACRO u(k) AS (hash(CAST(k AS VARCHAR) || '#{int(seed)}') % 1000003) / 1000003.0")
    with tempfile.TemporaryDirectory(prefix="shopkpi-orders-") as tmp:
        copy_query_to_csv(con, f"""
            WITH o AS (
                SELECT i,
                       round(3 + 180 * pow(u(i || 'amt'), 3), 2) AS goods,
                       CASE WHEN u(i || 'post') < 0.7 THEN 0 ELSE 5 END AS post,
                       u(i || 'paid') < 0.97 AS is_paid,
                       u(i || 'refund') < 0.02 AS refunded,
                       u(i || 'rf') AS refund_share,
                       -- daily and hourly seasonality: more orders late in the month and in the evening
                       make_timestamp({year}, {mon}, 1 + CAST(floor(pow(u(i || 'day'), 0.85) * {days}) AS INTEGER),
                                      CAST(floor(24 * pow(u(i || 'hour'), 0.6)) AS INTEGER),
                                      CAST(floor(60 * u(i || 'min')) AS INTEGER), 0) AS created
                FROM range(1, {int(orders)} + 1) t(i))
            -- ids are unique across months too (the month is in the high digits), as the platform's are
            SELECT CAST(20000000000000000 + {(year * 12 + mon) * 10**10} + i * 97 AS VARCHAR) || ' ',
                   -- a pool of 3N buyers drawn N times leaves ~85% distinct buyers, as in the real shop
                   'b' || CAST(CAST(floor(u(i || 'buyer') * {max(1, int(orders * 3))}) AS BIGINT) AS VARCHAR),
                   'acct' || CAST(i AS VARCHAR), goods, post, 0, goods + post, 0,
                   CASE WHEN NOT is_paid THEN 0 WHEN refunded THEN goods + post - round((goods + post) * refund_share, 2) ELSE goods + post END,
                   0, CASE WHEN is_paid THEN '交易成功' ELSE '等待买家付款' END, '', 'r' || CAST(i AS VARCHAR),
                   list_extract({provinces}, 1 + CAST(floor(u(i || 'prov') * {len(PROVINCES)}) AS INTEGER)) || ' 某市 某区 ***',
                   '快递', '', 'm' || CAST(i AS VARCHAR),
                   strftime(created, '%Y/%-m/%-d %-H:%M'),
                   CASE WHEN is_paid THEN strftime(created + INTERVAL 2 MINUTE, '%Y/%-m/%-d %-H:%M') ELSE '' END,
                   '玩具', 1, CASE WHEN is_paid THEN 'No:' || CAST(i AS VARCHAR) ELSE '' END, '申通快递', '', 1, 0, 0,
                   '订单未关闭', 0, '0元', '', '', '', '', '否', '否', '否', '', '', '', '', '', '', '',
                   CASE WHEN is_paid AND refunded THEN round((goods + post) * refund_share, 2) ELSE 0 END, ''
            FROM o ORDER BY i""", TAOBAO_ORDER_HEADER, target, "utf-8-sig", Path(tmp))
    con.close()
    return target

