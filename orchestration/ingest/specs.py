"""Declared column maps, one per report type the platforms export.

A report is recognised by its header (people rename downloads), never by its
file name. Each column is mapped from its Chinese header (after trimming) to
an English snake_case name, with a type, whether the report is unusable
without it, and what happens to it if it is personal data (PII).

Only mapped columns are ever read into the warehouse; PII columns are hashed
or dropped in the same SQL statement that reads the file, so the clear value
is never written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ColumnType(str, Enum):
    ID = "id"  # trimmed text key (Taobao pads 订单编号 with a trailing space)
    TEXT = "text"
    MONEY = "money"  # DECIMAL(18,2)
    INT = "int"
    TIMESTAMP = "timestamp"  # naive Asia/Shanghai wall time


class Pii(str, Enum):
    NONE = "none"
    HASH = "hash"  # keyed hash; joins still work, the value is unrecoverable
    DROP = "drop"  # never read
    PROVINCE = "province"  # keep the province, drop everything below it


@dataclass(frozen=True)
class Column:
    zh: str
    en: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False  # the file is rejected without this column
    nullable: bool = True  # False: a row with an empty cell is quarantined
    pii: Pii = Pii.NONE

    @property
    def loaded_name(self) -> str:
        """Name of the column in the raw table (PII columns say what they hold)."""
        if self.pii is Pii.HASH:
            return f"{self.en}_hash"
        if self.pii is Pii.PROVINCE:
            return "ship_province"
        return self.en


@dataclass(frozen=True)
class ReportSpec:
    report_type: str
    name_zh: str
    table: str  # raw.<table>
    columns: tuple[Column, ...]
    # The column whose value decides the month a row belongs to (None: the
    # report has no date and is loaded whole into the partition being run).
    month_column: str | None = None
    # Within one month a key must be unique; later duplicates are quarantined.
    unique_key: str | None = None
    # Report types without which a month cannot be built.
    required_for_month: bool = False
    description: str = ""

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    @property
    def loaded_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.pii is not Pii.DROP)

    def column(self, en: str) -> Column:
        return next(c for c in self.columns if c.en == en)


C, T = Column, ColumnType

ORDERS = ReportSpec(
    report_type="orders",
    name_zh="订单报表",
    table="orders",
    month_column="created_at",
    unique_key="order_id",
    required_for_month=True,
    description="One row per order (Taobao ExportOrderList; Tmall's 7-column layout also fits).",
    columns=(
        C("订单编号", "order_id", T.ID, required=True, nullable=False),
        C("买家会员名", "buyer", T.TEXT, pii=Pii.HASH),
        C("买家支付宝账号", "buyer_alipay_account", pii=Pii.DROP),
        C("买家应付货款", "goods_amount", T.MONEY),
        C("买家应付邮费", "shipping_fee", T.MONEY),
        C("总金额", "total_amount", T.MONEY, required=True, nullable=False),
        C("买家实际支付金额", "paid_amount", T.MONEY, required=True, nullable=False),
        C("订单状态", "order_status"),
        C("买家留言", "buyer_message", pii=Pii.DROP),  # free text: phones, names
        C("收货人姓名", "receiver_name", pii=Pii.DROP),
        C("收货地址", "ship_address", pii=Pii.PROVINCE),
        C("运送方式", "shipping_method"),
        C("联系电话", "contact_phone", pii=Pii.DROP),
        C("联系手机", "contact_mobile", pii=Pii.DROP),
        C("订单创建时间", "created_at", T.TIMESTAMP, required=True, nullable=False),
        C("订单付款时间", "paid_at", T.TIMESTAMP, required=True),
        C("宝贝种类", "item_kinds", T.INT),
        C("物流单号", "tracking_no", pii=Pii.HASH),
        C("物流公司", "carrier"),
        C("宝贝总数量", "item_quantity", T.INT),
        C("订单关闭原因", "close_reason"),
        C("是否手机订单", "is_mobile_order"),
        C("退款金额", "refund_amount", T.MONEY, required=True, nullable=False),
    ),
)

ORDER_LINES = ReportSpec(
    report_type="order_lines",
    name_zh="宝贝报表",
    table="order_lines",
    description="One row per order line (Taobao ExportOrderDetailList). Lines take the month of their order.",
    columns=(
        C("订单编号", "order_id", T.ID, required=True, nullable=False),
        C("标题", "item_title", required=True),
        C("价格", "unit_price", T.MONEY, required=True, nullable=False),
        C("购买数量", "quantity", T.INT, required=True, nullable=False),
        C("外部系统编号", "external_code"),
        C("商品属性", "sku_properties"),
        C("套餐信息", "bundle_info"),
        C("备注", "remark", pii=Pii.DROP),  # seller's free text about the buyer
        C("订单状态", "line_status"),
        C("商家编码", "merchant_code"),
    ),
)

ITEMS = ReportSpec(
    report_type="items",
    name_zh="宝贝属性",
    table="items",
    unique_key="item_id",
    description="Item attributes (a snapshot; loaded whole into the month being run).",
    columns=(
        C("宝贝ID", "item_id", T.ID, required=True, nullable=False),
        C("标题", "item_title", required=True),
        C("价格", "list_price", T.MONEY, required=True),
        C("玩具类型", "category"),
        C("适用年龄", "age_range"),
        C("品牌", "brand"),
    ),
)

REPORT_SPECS: tuple[ReportSpec, ...] = (ORDERS, ORDER_LINES, ITEMS)


def spec_for(report_type: str) -> ReportSpec:
    return next(s for s in REPORT_SPECS if s.report_type == report_type)
