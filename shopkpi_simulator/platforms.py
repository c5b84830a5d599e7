"""Order exports of the company's other shops, one per platform, written from their layouts.

Each shop's export has its platform's layout (shopkpi/layouts/<layout>.yaml: its headers, in
order) and quirks: ids as Excel formulas or behind a TAB, `-` for empty cells, amounts with
thousands separators, (元) in headers, one row per order line (JD) or sub-order (Douyin), paid
orders only (Pinduoduo), contacts masked by the platform (Douyin). Seeded: the same seed gives
the same bytes. The layout's declarations are read in reverse: a clean-up the loader undoes
is a quirk the simulator writes.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from shopkpi.ingest.layouts import Layout, layout_named
from shopkpi.ingest.specs import ColumnType

from .writers import write_rows

# shop_id (seeds/shops.csv): (layout, file name, encoding, orders per month)
PLATFORM_SHOPS = {
    "tmall_flagship": ("tmall_orders_short", "ExportOrderList_tmall.csv", "utf-8", 400),
    "pdd_shop": ("pinduoduo_orders", "拼多多订单导出.csv", "utf-8-sig", 300),
    "jd_shop": ("jd_orders", "京东订单导出.csv", "gbk", 200),
    "douyin_shop": ("douyin_orders", "抖店订单导出.csv", "utf-8-sig", 250),
}
PROVINCES = ["浙江省", "广东省", "江苏省", "上海市", "北京市", "四川省", "山东省", "湖北省"]
STATUS = {"tmall": "交易成功", "pinduoduo": "已签收", "jd": "完成", "douyin": "已完成"}


@dataclass
class Order:
    order_id: str
    created_at: dt.datetime
    paid_at: dt.datetime | None
    total: Decimal
    payable: Decimal  # after discounts: what the buyer pays once the order is paid
    paid: Decimal
    refund: Decimal
    shipping: Decimal
    quantity: int
    province: str
    buyer: str
    refunded: bool


def _orders(shop_id: str, platform: str, month: str, count: int, seed: int) -> list[Order]:
    rng = random.Random(f"{seed}:{shop_id}:{month}")
    year, mon = int(month[:4]), int(month[5:])
    first = dt.datetime(year, mon, 1)
    days = ((first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - first).days
    prefix = {"tmall": "9", "pinduoduo": f"{month[2:4]}{month[5:]}", "jd": "3", "douyin": "49"}[platform]
    orders = []
    for i in range(count):
        created = first + dt.timedelta(days=rng.randrange(days), minutes=rng.randrange(24 * 60 - 30))
        paid = platform == "pinduoduo" or rng.random() < 0.92  # Pinduoduo exports paid orders only
        total = Decimal(rng.randrange(1990, 49900)) / 100
        discount = Decimal(rng.choice([0, 0, 0, 500, 1000])) / 100
        shipping = Decimal(rng.choice([0, 0, 500, 1000])) / 100
        refunded = paid and rng.random() < 0.05
        if platform == "tmall":  # Taobao's semantics: 总金额 = 买家实际支付金额 (net of refunds) + 退款金额
            discount = Decimal(0)
        payable = min(total, max(Decimal("0.01"), total - discount))
        refund = payable if refunded and platform == "tmall" else Decimal("0.00")
        orders.append(Order(
            order_id=f"{prefix}{i:07d}{rng.randrange(10, 99)}", created_at=created,
            paid_at=created + dt.timedelta(minutes=rng.randrange(1, 25)) if paid else None,
            total=total, payable=payable, paid=payable - refund if paid else Decimal("0.00"), refund=refund,
            shipping=shipping, quantity=rng.randrange(1, 4), province=rng.choice(PROVINCES),
            buyer=f"{platform}_buyer_{rng.randrange(count * 2):05d}", refunded=refunded))
    return orders


def _lines(order: Order, rows: str, rng: random.Random) -> list[tuple[Order, Decimal, int]]:
    """(order, its line's share of the summed amounts, its line's quantity): JD and Douyin export lines."""
    if rows != "order_line" or order.quantity < 2 or rng.random() < 0.5:
        return [(order, Decimal(1), order.quantity)]
    first = (order.total / 2).quantize(Decimal("0.01"))
    return [(order, first / order.total, 1), (order, 1 - first / order.total, order.quantity - 1)]


def _cell(layout: Layout, header: str, target: str | None, line: tuple[Order, Decimal, int], first_line: bool) -> str:
    order, share, quantity = line
    column = next(c for c in layout.columns if c.header == header)
    empty = layout.null_values[0] if layout.null_values else ""
    summed = set(layout.collapse_sum)
    value: str | None
    if target is None:  # a column never read: contacts, masked as the platform does
        value = {"收件人": "张**", "收件人手机号": "138****5678", "详细地址": "##"}.get(header, "")
        return value or empty
    kind = layout.report.column(target).type
    if target == "order_id":
        value = order.order_id
    elif target == "created_at":
        value = order.created_at.strftime("%Y-%m-%d %H:%M:%S")
    elif target == "paid_at":
        value = order.paid_at.strftime("%Y-%m-%d %H:%M:%S") if order.paid_at else None
    elif target in ("total_amount", "goods_amount", "paid_amount", "shipping_fee"):
        # a column read as 0 until paid (zero_unless) shows what is payable, as the platform does
        # GMV is what the buyer is charged after discounts (docs/money.md); goods_amount the goods before them
        amount = {"total_amount": order.payable, "goods_amount": order.total,
                  "paid_amount": order.payable if column.zero_unless else order.paid,
                  "shipping_fee": order.shipping}[target]
        if target in summed:
            amount = (amount * share).quantize(Decimal("0.01"))
        value = f"{amount:,.2f}" if "thousands" in column.clean else f"{amount:.2f}"
    elif target == "item_quantity":
        value = str(quantity if target in summed else order.quantity)
    elif target == "ship_address":
        value = order.province if header == "省" else f"{order.province} 某市 某区"
    elif target == "buyer":
        value = order.buyer
    elif target == "tracking_no":
        value = f"SF{zlib.crc32(order.order_id.encode()):010d}" if order.paid_at else None
    elif target == "carrier":
        value = "中通快递" if order.paid_at else None
    elif target == "order_status":
        value = STATUS.get(layout.platform, "交易成功") if order.paid_at else "已关闭"
    elif target == "refund_state":
        wanted = "refunded" if order.refunded and first_line else "none"
        value = next(raw for raw, mapped in column.values if mapped == wanted)
    elif target == "refund_amount":
        value = f"{order.refund:.2f}"
    else:
        value = None
    if value is None or value == "":
        return empty
    if kind is ColumnType.ID and layout.platform == "douyin":
        value = "\t" + value  # Douyin's quirk: ids behind a TAB
    elif kind is ColumnType.ID and "excel_text" in column.clean:
        value = f'="{value}"'  # Pinduoduo's and JD's: ids as Excel formulas
    return value


def write_platform_shop(shop_id: str, folder: Path, month: str, seed: int = 42, orders: int | None = None) -> int:
    """Write one shop's order export for `month` into `folder`; returns the data rows written."""
    layout_name, filename, encoding, default_count = PLATFORM_SHOPS[shop_id]
    layout = layout_named(layout_name)
    # A column that reads another column's cell again (an alias of its header) is not written twice.
    headers = [c for c in layout.columns if not any(a in layout.headers for a in c.aliases)]
    rng = random.Random(f"{seed}:{shop_id}:lines")
    rows = []
    for order in _orders(shop_id, layout.platform, month, orders or default_count, seed):
        for index, line in enumerate(_lines(order, layout.rows, rng)):
            rows.append([_cell(layout, c.header, c.to[0] if c.to else None, line, index == 0) for c in headers])
    return write_rows(folder / filename, [c.header for c in headers], rows, encoding, neutralise=False)
