"""Report types: the raw tables the exports feed, with their canonical columns and month rules.

This is the warehouse's schema (dbt's sources and the GX suites are built on it),
so it is code. How each platform's download fills a report type (its headers,
aliases, clean-ups, PII treatment) is data: a layout in `shopkpi/layouts/`
(`layouts.py`). Each column has an English snake_case name, a type, a canonical
Chinese label (used in suites and messages) and what happens to it if it is
personal data (PII). Only mapped columns are ever read into the warehouse; PII
columns are hashed or dropped in the same SQL statement that reads the file, so
the clear value is never written anywhere.
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
    RATE = "rate"  # a ratio, DECIMAL(18,6): 3.25% is 0.0325 (layouts clean percent strings)
    NUMBER = "number"  # a measured quantity, DECIMAL(18,6): seconds of a duration, an average


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
    clean: tuple[str, ...] = ()  # clean-ups of the layout that filled it (layouts.CLEANUPS)
    values: tuple[tuple[str, str | None], ...] = ()  # exact cell -> replacement, from the layout
    zero_unless: str | None = None  # 0 when this other column is empty (an amount payable, not paid)

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
    # Rows belong to the month of the order they reference (订单编号); rows whose
    # order is not among the month's loaded orders are quarantined.
    order_scoped: bool = False
    # A team's sheet, which may name orders of any shop of the month (order_scoped still requires the
    # order to exist); order_shop_column, when the file has it, names the order's shop.
    team_sheet_orders: bool = False
    order_shop_column: str | None = None
    # Event times that cannot lie after the load (an order is not created tomorrow);
    # later values are quarantined as "in the future".
    past_only: tuple[str, ...] = ()
    description: str = ""
    # Whether unique_key is unique within each shop (orders) or across the company (the roster).
    key_per_shop: bool = True
    # Set on the report type as one file's layout fills it (layouts.Layout.spec_for).
    layout: str = ""
    platform: str = ""
    collapse_by: str | None = None  # rows are order lines: one order per value of this column
    collapse_sum: tuple[str, ...] = ()  # amounts summed over an order's lines (others: the first line's)
    collapse_max: tuple[str, ...] = ()  # the largest value over the lines (refund_state: refunded > none)
    # Values the layout says repeat on every line of an order: lines that disagree quarantine the order.
    collapse_same: tuple[str, ...] = ()
    # The export gives a refund state and no amount: a refunded row gave back its whole payment.
    refund_in_full: bool = False
    # Some downloads cover a whole period without a date column (千牛 客服绩效 汇总分析): their
    # layouts need not map month_column, and their rows are the partition's.
    period_files: bool = False
    # The export lists paid orders only (Pinduoduo): its shop's payment rate is unknown.
    paid_orders_only: bool = False
    # Rows whose account or date cell is one of these are the report's own totals (汇总, 均值): skipped
    # and counted (raw.load_audit.rows_summary), never loaded as an account.
    summary_values: tuple[str, ...] = ()
    # Cell texts a tool writes until a figure is final (赤兔's 延迟统计): NULL, and counted per file
    # (raw.load_audit.late_cells), so a month built on them says so.
    late_values: tuple[str, ...] = ()
    # The columns that name one row of a report downloaded again (an account's day, a plan's day): a later
    # download of the same shop's report replaces the earlier one's rows with the same values here
    # (load.py `_supersede_earlier_downloads`; docs/kpi-rules.md "Re-downloads").
    supersede_key: tuple[str, ...] = ()

    @property
    def download_key(self) -> tuple[str, ...]:
        """What names one row across two downloads of this report: supersede_key, else the unique key."""
        return self.supersede_key or ((self.unique_key,) if self.unique_key else ())

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
    past_only=("created_at", "paid_at"),
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
        # The product of an export with one row per order of one product (Pinduoduo 商品id); NULL elsewhere.
        C("商品ID", "item_id", T.ID),
        C("订单关闭原因", "close_reason"),
        C("是否手机订单", "is_mobile_order"),
        # NULL where a platform's order export has no refund amount (Pinduoduo, JD): no data, never 0.
        C("退款金额", "refund_amount", T.MONEY, required=True),
        # refunded / none, from an after-sales status (Pinduoduo 售后状态); NULL where not exported.
        C("售后状态", "refund_state"),
    ),
)

ORDER_LINES = ReportSpec(
    report_type="order_lines",
    name_zh="宝贝报表",
    table="order_lines",
    order_scoped=True,
    supersede_key=("order_id", "sub_order_id", "item_title", "sku_properties"),
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
        C("子订单编号", "sub_order_id", T.ID),
        C("退款金额", "refund_amount", T.MONEY),  # 无退款申请 in the sub-order report: 0
        C("商品ID", "item_id", T.ID),  # newer 宝贝报表 downloads
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

# ---- exports no public shop download contains (simulated; see docs/raw-exports.md) ----
# Employees are referenced by their 工号 (employee id) in every export.

STAFF = ReportSpec(
    report_type="staff",
    name_zh="员工花名册",
    table="staff",
    unique_key="employee_id",
    description="Staff roster: role, team, first and last day worked (snapshot loaded with the month).",
    columns=(
        C("工号", "employee_id", T.ID, required=True, nullable=False),
        C("姓名", "employee_name", required=True),  # pseudonymous display name
        C("岗位", "role_zh", required=True, nullable=False),
        C("团队", "team"),
        C("入职日期", "start_date", T.TIMESTAMP, required=True, nullable=False),
        C("离职日期", "end_date", T.TIMESTAMP, required=True),
        C("负责店铺", "shop_ids"),  # the shops a person works for, e.g. "taobao_toyshop、pdd_shop"; empty: all
    ),
    key_per_shop=False,  # one team, one roster: an id appears once a month, whichever shop folder holds it
)

TRAFFIC = ReportSpec(
    report_type="traffic",
    name_zh="访客明细",
    table="traffic",
    month_column="visit_date",
    supersede_key=("visitor_id", "visit_date", "landing_page"),
    description="生意参谋-style visitor log: one row per visitor visit.",
    columns=(
        C("访客ID", "visitor_id", T.ID, required=True, nullable=False),
        C("访问日期", "visit_date", T.TIMESTAMP, required=True, nullable=False),
        C("来源渠道", "source_channel", required=True, nullable=False),
        C("着陆页", "landing_page", required=True, nullable=False),
        C("浏览量", "page_views", T.INT, required=True, nullable=False),
        C("新老访客", "visitor_type", required=True),
        C("是否跳失", "bounced", required=True),
        C("成交订单编号", "order_id", T.ID),
    ),
)

AD_SPEND = ReportSpec(
    report_type="ad_spend",
    name_zh="推广报表",
    table="ad_spend",
    month_column="report_date",
    supersede_key=("report_date", "channel", "plan_name"),
    description="直通车/钻展-style daily ad report per channel and plan.",
    columns=(
        C("日期", "report_date", T.TIMESTAMP, required=True, nullable=False),
        C("推广渠道", "channel", required=True, nullable=False),
        C("推广计划", "plan_name"),
        C("展现量", "impressions", T.INT, required=True, nullable=False),
        C("点击量", "clicks", T.INT, required=True, nullable=False),
        C("到达页面次数", "page_arrivals", T.INT, required=True, nullable=False),
        C("花费", "spend", T.MONEY, required=True, nullable=False),
        C("负责人", "owner_id", T.ID, required=True, nullable=False),
    ),
)

CAMPAIGNS = ReportSpec(
    report_type="campaigns",
    name_zh="活动列表",
    table="campaigns",
    month_column="starts_at",
    unique_key="campaign_id",
    description="Campaigns (活动) with planner, dates, cost and campaign-page traffic.",
    columns=(
        C("活动ID", "campaign_id", T.ID, required=True, nullable=False),
        C("活动名称", "campaign_name", required=True),
        C("策划人", "planner_id", T.ID, required=True, nullable=False),
        C("开始时间", "starts_at", T.TIMESTAMP, required=True, nullable=False),
        C("结束时间", "ends_at", T.TIMESTAMP, required=True, nullable=False),
        C("活动成本", "cost", T.MONEY, required=True, nullable=False),
        C("活动页UV", "page_uv", T.INT, required=True, nullable=False),
        C("活动页点击量", "page_clicks", T.INT, required=True, nullable=False),
        # The shop the campaign runs in (a shop_id); empty: the folder's shop.
        C("店铺", "campaign_shop"),
    ),
)

CAMPAIGN_ORDERS = ReportSpec(
    report_type="campaign_orders",
    name_zh="活动订单",
    table="campaign_orders",
    order_scoped=True,
    supersede_key=("campaign_id", "order_id"),
    team_sheet_orders=True,  # a campaign of another shop (活动列表's 店铺) lists its orders here
    description="Orders attributed to a campaign.",
    columns=(
        C("活动ID", "campaign_id", T.ID, required=True, nullable=False),
        C("订单编号", "order_id", T.ID, required=True, nullable=False),
    ),
)

CS_SESSIONS = ReportSpec(
    report_type="cs_sessions",
    name_zh="客服接待明细",
    table="cs_sessions",
    month_column="first_message_at",
    unique_key="session_id",
    description="千牛/旺旺 customer-service sessions.",
    columns=(
        C("会话ID", "session_id", T.ID, required=True, nullable=False),
        C("客服工号", "agent_id", T.ID, required=True, nullable=False),
        C("买家", "buyer", required=True, pii=Pii.HASH),
        C("首条消息时间", "first_message_at", T.TIMESTAMP, required=True, nullable=False),
        C("首次回复时间", "first_reply_at", T.TIMESTAMP, required=True),
        C("消息数", "messages", T.INT),
        C("违规用语数", "forbidden_phrases", T.INT, required=True),
        C("转化订单编号", "converted_order_id", T.ID),
        C("满意度评价", "rating"),
        C("是否投诉", "is_complaint"),
        C("投诉是否解决", "complaint_resolved"),
    ),
)

AFTER_SALES = ReportSpec(
    report_type="after_sales",
    name_zh="售后记录",
    table="after_sales",
    month_column="requested_at",
    unique_key="case_id",
    description="After-sales cases: 退货 / 换货 / 仅退款.",
    columns=(
        C("售后单号", "case_id", T.ID, required=True, nullable=False),
        C("订单编号", "order_id", T.ID, required=True, nullable=False),
        C("售后类型", "case_type", required=True, nullable=False),
        C("申请时间", "requested_at", T.TIMESTAMP, required=True, nullable=False),
        C("处理人", "agent_id", T.ID),
        C("售后状态", "case_status"),  # 淘宝 退款管理's 退款状态: a closed request (退款关闭) was no refund
        # The shop of the case in a file that covers several shops (聚水潭's 店铺名称); empty: the folder's shop.
        C("店铺名称", "shop_name"),
    ),
)

REVIEWS = ReportSpec(
    report_type="reviews",
    name_zh="评价记录",
    table="reviews",
    month_column="reviewed_at",
    supersede_key=("order_id", "reviewed_at"),
    description="Buyer reviews: 好评 / 中评 / 差评 with a tag such as 服务态度.",
    columns=(
        C("订单编号", "order_id", T.ID, required=True, nullable=False),
        C("评价", "rating", required=True, nullable=False),
        C("评价标签", "tag", required=True),
        C("评价时间", "reviewed_at", T.TIMESTAMP, required=True, nullable=False),
        C("评价内容", "review_text", pii=Pii.DROP),  # free text
    ),
)

DESIGN_TASKS = ReportSpec(
    report_type="design_tasks",
    name_zh="美工任务",
    table="design_tasks",
    month_column="due_at",
    unique_key="task_id",
    description="Design log: tasks with due, delivery and review; a task belongs to the month it is due.",
    columns=(
        C("任务ID", "task_id", T.ID, required=True, nullable=False),
        C("设计师", "designer_id", T.ID, required=True, nullable=False),
        C("分配时间", "assigned_at", T.TIMESTAMP, required=True),
        C("截止时间", "due_at", T.TIMESTAMP, required=True, nullable=False),
        C("交付时间", "delivered_at", T.TIMESTAMP, required=True),
        C("审核时间", "reviewed_at", T.TIMESTAMP),
        C("审核结果", "review_result"),
        C("页面数", "pages", T.INT),
        C("图片数", "images", T.INT),
    ),
)

LISTINGS = ReportSpec(
    report_type="listings",
    name_zh="上新记录",
    table="listings",
    month_column="planned_at",
    supersede_key=("item_id",),
    description="Listing log: editor, copywriter, planned and live time, spot checks of description, stock and links.",
    columns=(
        C("宝贝ID", "item_id", T.ID, required=True, nullable=False),
        C("编辑", "editor_id", T.ID, required=True, nullable=False),
        C("文案", "copywriter_id", T.ID),
        C("计划上架时间", "planned_at", T.TIMESTAMP, required=True, nullable=False),
        C("实际上架时间", "live_at", T.TIMESTAMP, required=True),
        C("是否抽检", "checked"),
        C("描述错误", "description_error"),
        C("前台库存", "shown_stock", T.INT),
        C("仓库库存", "warehouse_stock", T.INT),
        C("检查链接数", "links_checked", T.INT),
        C("失效链接数", "broken_links", T.INT),
    ),
)

ANALYST_REPORTS = ReportSpec(
    report_type="analyst_reports",
    name_zh="数据分析周报",
    table="analyst_reports",
    month_column="week_start",
    supersede_key=("report_id", "metric", "scope"),
    description="Analysts' weekly reports, one row per reported figure.",
    columns=(
        C("报告ID", "report_id", T.ID, required=True, nullable=False),
        C("分析师", "analyst_id", T.ID, required=True, nullable=False),
        C("周开始日期", "week_start", T.TIMESTAMP, required=True, nullable=False),
        C("提交时间", "submitted_at", T.TIMESTAMP, required=True),
        C("截止时间", "deadline_at", T.TIMESTAMP, required=True, nullable=False),
        C("指标", "metric", required=True, nullable=False),
        C("报告值", "reported_value", T.MONEY, required=True, nullable=False),
        # What the figure describes: a shop_id, a platform, or 全部 (the company); empty: the folder's shop.
        C("范围", "scope"),
    ),
)

LOGISTICS = ReportSpec(
    report_type="logistics",
    name_zh="物流跟踪",
    table="logistics",
    unique_key="order_id",
    order_scoped=True,
    description="Shipment tracking per order; rows take the month of their order.",
    columns=(
        C("订单编号", "order_id", T.ID, required=True, nullable=False),
        C("物流协调员", "coordinator_id", T.ID, required=True, nullable=False),
        C("发货时间", "shipped_at", T.TIMESTAMP, required=True),
        C("承诺送达日期", "promised_at", T.TIMESTAMP, required=True),
        C("签收时间", "delivered_at", T.TIMESTAMP),
        # The shop of the order (a shop_id); empty: the folder's shop or another shop of the month with the order.
        C("店铺", "order_shop"),
    ),
    team_sheet_orders=True,
    order_shop_column="order_shop",
)

MARKET_REPORTS = ReportSpec(
    report_type="market_reports",
    name_zh="市场报告",
    table="market_reports",
    month_column="submitted_at",
    unique_key="report_id",
    description="Market research (市场调研) and competitor (竞品分析) reports.",
    columns=(
        C("报告编号", "report_id", T.ID, required=True, nullable=False),
        C("作者", "analyst_id", T.ID, required=True, nullable=False),
        C("报告类型", "kind", required=True, nullable=False),
        C("提交时间", "submitted_at", T.TIMESTAMP, required=True, nullable=False),
        C("截止时间", "deadline_at", T.TIMESTAMP, required=True),
    ),
)

TRAFFIC_SOURCES = ReportSpec(
    report_type="traffic_sources",
    name_zh="流量来源",
    table="traffic_sources",
    description="生意参谋 流量来源: visitors, orders and payments per traffic source over the download's period. Rows "
                "carry no date: the download is loaded whole into the month being run (download one per month).",
    columns=(
        C("来源", "source", required=True, nullable=False),
        C("来源明细", "source_detail"),
        C("访客数", "visitors", T.INT, required=True, nullable=False),
        C("下单金额", "order_amount", T.MONEY),
        C("下单买家数", "order_buyers", T.INT),
        C("下单转化率", "order_conversion", T.RATE),
        C("支付金额", "paid_amount", T.MONEY, required=True),
        C("支付买家数", "paid_buyers", T.INT),
        C("支付转化率", "paid_conversion", T.RATE),
        C("客单价", "aov", T.MONEY),
        C("UV价值", "uv_value", T.MONEY),
        C("关注店铺买家数", "shop_followers", T.INT),
        C("收藏商品买家数", "item_favouriters", T.INT),
        C("加购人数", "cart_adders", T.INT),
        C("新访客", "new_visitors", T.INT),
    ),
)

SHOP_OVERVIEW = ReportSpec(
    report_type="shop_overview",
    name_zh="店铺概况",
    table="shop_overview",
    month_column="day",
    unique_key="day",
    description="生意参谋-style shop overview: the platform's own daily totals, checked against the marts (within 5%).",
    columns=(
        C("统计日期", "day", T.TIMESTAMP, required=True, nullable=False),
        C("访客数", "visitors", T.INT, required=True, nullable=False),
        C("支付买家数", "paid_buyers", T.INT),
        C("支付订单数", "paid_orders", T.INT, required=True, nullable=False),
        C("支付金额", "paid_amount", T.MONEY, required=True, nullable=False),
    ),
)

MARKET_INDEX = ReportSpec(
    report_type="market_index",
    name_zh="市场交易指数",
    table="market_index",
    month_column="day",
    unique_key="day",
    description="生意参谋 市场 (竞争 / 行业大盘) daily 交易指数 of the shop and of its category's market. 交易指数 is an "
                "index, not money: the channel manager's market share computed from it is indicative.",
    columns=(
        C("统计日期", "day", T.TIMESTAMP, required=True, nullable=False),
        C("类目", "category"),
        C("本店交易指数", "shop_index", T.INT, required=True, nullable=False),
        C("行业交易指数", "market_index", T.INT, required=True, nullable=False),
    ),
)

# Load order matters: order-scoped reports need the month's orders first.
CS_DAILY = ReportSpec(
    report_type="cs_daily",
    name_zh="客服绩效（按账号）",
    table="cs_daily",
    month_column="day",
    period_files=True,
    supersede_key=("day", "account"),
    description="Customer-service performance per platform account and day, or per account over the month: "
                "千牛/生意参谋 客服绩效, 赤兔名品, 多多客服, 抖店 飞鸽, 京东 咚咚/京麦 (docs/kpi-rules.md \"Customer service\").",
    columns=(
        C("客服账号", "account", T.ID, required=True, nullable=False),  # 旺旺昵称 (店铺:客服), 客服昵称, 客服账号, UID
        C("日期", "day", T.TIMESTAMP),  # absent in period downloads: their rows are the month's
        C("店铺名称", "shop_name"),
        C("咨询人数", "consulted", T.INT),
        C("接待人数", "served", T.INT),
        C("询单人数", "inquiries", T.INT),
        C("询单付款人数", "inquiries_paid", T.INT),
        C("询单下单人数", "inquiries_ordered", T.INT),  # JD 促成下单人数: ordered, not necessarily paid
        C("销售额", "sales_amount", T.MONEY),
        C("成功退款金额", "refund_amount", T.MONEY),
        C("首次响应秒数", "first_response_s", T.NUMBER),  # the account's mean over the day's customers
        C("平均响应秒数", "avg_response_s", T.NUMBER),
        C("慢接待人数", "slow_served", T.INT),
        C("30秒应答率", "answered_30s_rate", T.RATE),
        C("未回复人数", "unreplied", T.INT),
        C("回复率", "reply_rate", T.RATE),
        C("评价数", "ratings", T.INT),
        C("满意评价数", "satisfied_ratings", T.INT),  # 天猫 满意评价量, JD 好评量
        C("很满意", "ratings_very_satisfied", T.INT),
        C("满意", "ratings_satisfied", T.INT),
        C("一般", "ratings_neutral", T.INT),
        C("不满", "ratings_dissatisfied", T.INT),
        C("很不满", "ratings_very_dissatisfied", T.INT),
        C("差评数", "bad_ratings", T.INT),  # PDD 评分≤3订单数, JD 差评量
    ),
)

AD_DAILY = ReportSpec(
    report_type="ad_daily",
    name_zh="推广报表（平台）",
    table="ad_daily",
    month_column="day",
    period_files=True,
    supersede_key=("day", "ad_account", "scene", "plan_id", "plan_name", "attribution"),
    description="The ad platforms' reports per day and plan (or over the month): 阿里妈妈 万相台, 多多推广, 京准通, "
                "巨量千川, with each platform's own attribution (docs/kpi-rules.md \"Promotion\").",
    columns=(
        C("日期", "day", T.TIMESTAMP),
        C("账户", "ad_account", T.ID),
        C("场景", "scene"),  # 万相台 场景名字, 多多 推广场景, 京准通 计划类型
        C("计划ID", "plan_id", T.ID),
        C("计划", "plan_name"),  # 推广计划, 推广名称, 主体名称
        C("展现量", "impressions", T.INT),
        C("点击量", "clicks", T.INT),
        C("花费", "spend", T.MONEY, required=True),
        C("成交笔数", "orders", T.INT),
        C("成交金额", "gmv", T.MONEY),
        C("引导访问量", "visits", T.INT),
        C("引导访问人数", "visitors", T.INT),
        C("成交人数", "buyers", T.INT),
        C("成交新客数", "new_buyers", T.INT),
        C("归因口径", "attribution"),  # 京准通: the attribution window the row was counted under
    ),
)

ITEM_DAILY = ReportSpec(
    report_type="item_daily",
    name_zh="商品效果",
    table="item_daily",
    month_column="day",
    period_files=True,
    supersede_key=("day", "item_id"),
    description="生意参谋 商品效果 / 商品排行: per item per day (or over the month), its visitors, page views and sales.",
    columns=(
        C("统计日期", "day", T.TIMESTAMP),
        C("商品ID", "item_id", T.ID, required=True, nullable=False),
        C("商品名称", "item_name"),
        C("商品访客数", "item_uv", T.INT, required=True),
        C("商品浏览量", "item_pv", T.INT, required=True),
        C("平均停留时长", "avg_stay_s", T.NUMBER),
        C("商品详情页跳出率", "bounce_rate", T.RATE),
        C("支付买家数", "paid_buyers", T.INT),
        C("支付金额", "paid_amount", T.MONEY),
    ),
)

STAFF_ACCOUNTS = ReportSpec(
    report_type="staff_accounts",
    name_zh="账号归属",
    table="staff_accounts",
    description="Which employee holds which platform account (旺旺, 客服账号, JD UID …), ad account or ad plan, from when to when: "
                "the team's sheet beside the roster. A report row whose account no row covers is kept and listed.",
    columns=(
        C("工号", "employee_id", T.ID, required=True, nullable=False),
        C("账号", "account", T.ID, required=True, nullable=False),
        C("店铺", "account_shop_id", T.ID),  # empty: the account of that name in every shop
        C("开始日期", "valid_from", T.TIMESTAMP),  # empty: since ever
        C("结束日期", "valid_to", T.TIMESTAMP),  # empty: still held; the last day held, inclusive
    ),
    key_per_shop=False,
)

SHIPMENTS = ReportSpec(
    report_type="shipments",
    name_zh="发货记录（ERP）",
    table="shipments",
    month_column="paid_at",
    unique_key="erp_order_id",
    description="An ERP's order export (聚水潭): one file for every shop, each row routed to its shop by 店铺名称 "
                "(seeds/shops.csv names); payment, promised ship, ship and confirm-receipt times.",
    columns=(
        C("内部订单号", "erp_order_id", T.ID, required=True, nullable=False),
        C("线上订单号", "order_id", T.ID),
        C("店铺名称", "shop_name", required=True, nullable=False),
        C("付款日期", "paid_at", T.TIMESTAMP, required=True, nullable=False),
        C("计划发货时间", "promised_ship_at", T.TIMESTAMP),
        C("发货日期", "shipped_at", T.TIMESTAMP, required=True),
        C("承诺送达时间", "promised_delivery_at", T.TIMESTAMP),
        C("确认收货时间", "received_at", T.TIMESTAMP),
        C("快递公司", "carrier"),
        C("状态", "status"),
        C("订单类型", "order_type"),
    ),
    key_per_shop=False,
)

GOODS_OPERATIONS = ReportSpec(
    report_type="goods_operations",
    name_zh="商品操作记录",
    table="goods_operations",
    month_column="submitted_at",
    supersede_key=("item_id", "operation", "submitted_at"),
    description="The platform's record of listing events (拼多多 商品操作记录): each 发布 or 编辑 of an item, when it was "
                "submitted and reviewed, and the review's outcome. An item is live from its first approved 发布.",
    columns=(
        C("商品ID", "item_id", T.ID, required=True, nullable=False),
        C("商品名称", "item_name"),
        C("操作类型", "operation", required=True),  # 发布 (a new listing) or 编辑
        C("审核状态", "review_status", required=True),  # 审核通过, 审核驳回, 审核中
        C("提交时间", "submitted_at", T.TIMESTAMP, required=True, nullable=False),
        C("审核时间", "reviewed_at", T.TIMESTAMP),
        C("操作账号", "operator"),
        C("驳回原因", "reject_reason"),
    ),
)

CAMPAIGN_ITEMS = ReportSpec(
    report_type="campaign_items",
    name_zh="活动报名",
    table="campaign_items",
    supersede_key=("campaign_id", "item_id"),
    description="The platforms' campaign registrations (千牛 活动报名 已报商品, 拼多多 营销活动报名记录): which items were "
                "registered for which campaign, its window and the registration's status; loaded with the month.",
    columns=(
        C("活动ID", "campaign_id", T.ID, required=True, nullable=False),
        C("活动名称", "campaign_name"),
        C("活动类型", "campaign_type"),
        C("商品ID", "item_id", T.ID, required=True, nullable=False),
        C("商品名称", "item_name"),
        C("报名时间", "registered_at", T.TIMESTAMP),
        C("活动开始时间", "starts_at", T.TIMESTAMP),
        C("活动结束时间", "ends_at", T.TIMESTAMP),
        C("报名状态", "status", required=True),  # 待审核 … 活动中, 活动结束, 清退
    ),
)

REPORT_SPECS: tuple[ReportSpec, ...] = (
    ORDERS, ORDER_LINES, ITEMS, STAFF, TRAFFIC, AD_SPEND, CAMPAIGNS, CAMPAIGN_ORDERS, CS_SESSIONS,
    AFTER_SALES, REVIEWS, DESIGN_TASKS, LISTINGS, ANALYST_REPORTS, LOGISTICS, MARKET_REPORTS,
    SHOP_OVERVIEW, TRAFFIC_SOURCES, MARKET_INDEX, CS_DAILY, AD_DAILY, ITEM_DAILY, STAFF_ACCOUNTS, SHIPMENTS,
    GOODS_OPERATIONS, CAMPAIGN_ITEMS,
)


def spec_for(report_type: str) -> ReportSpec:
    return next(s for s in REPORT_SPECS if s.report_type == report_type)
