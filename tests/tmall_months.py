"""Two months of Tmall's 7-column order report (January and February 2020), in a root holding
one folder per month as a scheduled deployment receives downloads. Expected KPIs are worked
out by hand in tests/test_tmall_layout.py."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import TMALL_HEADER, write_csv

MONTHS = ("2020-01", "2020-02")

JANUARY = [
    # 订单编号, 总金额, 买家实际支付金额, 收货地址, 订单创建时间, 订单付款时间, 退款金额
    ["T1", "100.00", "100.00", "浙江省杭州市西湖区文三路1号", "2020-01-05 10:00:00", "2020-01-05 10:01:00", "0.00"],
    ["T2", "50.00", "0.00", "浙江省宁波市海曙区", "2020-01-06 09:00:00", "", "0.00"],  # never paid
]
FEBRUARY = [
    ["F1", "200.00", "180.00", "广东省深圳市南山区科技园", "2020-02-01 08:00:00", "2020-02-01 08:05:00", "20.00"],
    ["F2", "80.00", "80.00", "广东省广州市天河区", "2020-02-10 12:00:00", "2020-02-10 12:00:30", "0.00"],
    ["F3", "40.00", "0.00", "上海市浦东新区张江路", "2020-02-11 13:00:00", "", "0.00"],  # never paid
    ["F4", "60.00", "0.00", "上海市徐汇区", "2020-02-12 14:00:00", "2020-02-12 14:10:00", "60.00"],  # fully refunded
    # created in February, paid after month end: still a February order
    ["F5", "30.00", "30.00", "新疆维吾尔自治区乌鲁木齐市", "2020-02-29 23:30:00", "2020-03-01 00:10:00", "0.00"],
]


def write_tmall_months(exports: Path, february: list[list[str]] = FEBRUARY) -> None:
    write_csv(exports / "2020-01" / "订单报表.csv", TMALL_HEADER, JANUARY)
    write_csv(exports / "2020-02" / "tmall_orders_feb.csv", TMALL_HEADER, february)
