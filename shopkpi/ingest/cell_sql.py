"""The SQL a loaded cell goes through: its clean-ups, its type, its province, and the checks that
quarantine a row. Pure builders of DuckDB expressions over a scan's columns (`c0`, `c1`, …); the
month loader (load.py) composes them into the stage of a file."""

from __future__ import annotations

from ..months import month_bounds
from ..sql import sql_literal
from .specs import Column, ColumnType, Pii, ReportSpec

# Both Taobao (`2017/5/30 23:18`) and Tmall (`2020-02-21 00:00:00`) styles.
TIMESTAMP_FORMATS = [
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d",
    "%Y年%m月%d日 %H:%M:%S",  # hand-made reports with Chinese dates
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
]

# How a row dated in another month is quarantined ("订单创建时间 2019-03-01 10:00 is outside partition
# month 2019-04"); a file whose every row says so is refused as being in the wrong folder.
OUTSIDE_MONTH = " is outside partition month "


# What a cell must contain for each clean-up to change it (SQL). A cell with none of its column's is
# left as it is, without evaluating the clean-ups' regular expressions (a regular expression per cell,
# five per amount). DECISIONLOG "A cell is cleaned only when it holds a character one of its column's clean-ups acts on".
CLEANUP_TRIGGERS = {"excel_text": ("'='",), "leading_quote": ("''''",), "tab": ("chr(9)",),
                     "yuan": ("'元'", "'¥'", "'￥'"), "thousands": ("','",), "percent": ("'%'",),
                     "duration": ("':'", "'秒'", "'分'", "'时'"), "wan": ("'万'", "'亿'"),
                     # a plain number changes too (minutes -> seconds, points -> a ratio): every cell
                     "duration_minutes": None, "percent_points": None}

_NUMBER = "-?[0-9]+(\\.[0-9]+)?"


def _seconds_of(text: str, plain_unit: int) -> str:
    """'8分48秒', '1小时2分', '00:08:35', '08:35' (minutes:seconds) -> seconds as text; a plain number
    counts `plain_unit` seconds; anything else is left as it is (its cast fails: quarantined)."""
    def part(unit: str) -> str:
        return f"coalesce(TRY_CAST(regexp_extract({text}, '([0-9]+(\\.[0-9]+)?)\\s*({unit})', 1) AS DOUBLE), 0)"

    def colon(i: int) -> str:
        return f"CAST(split_part({text}, ':', {i}) AS DOUBLE)"
    return (f"CASE WHEN regexp_full_match({text}, '{_NUMBER}') THEN CAST(CAST({text} AS DOUBLE) * {plain_unit} AS VARCHAR) "
            f"WHEN regexp_full_match({text}, '[0-9]+:[0-9]{{1,2}}:[0-9]{{1,2}}(\\.[0-9]+)?') "
            f"THEN CAST({colon(1)} * 3600 + {colon(2)} * 60 + {colon(3)} AS VARCHAR) "
            f"WHEN regexp_full_match({text}, '[0-9]+:[0-9]{{1,2}}(\\.[0-9]+)?') "
            f"THEN CAST({colon(1)} * 60 + {colon(2)} AS VARCHAR) "
            f"WHEN {text} <> '' AND regexp_full_match({text}, "
            f"'([0-9.]+\\s*(小时|时))?\\s*([0-9.]+\\s*(分钟|分))?\\s*([0-9.]+\\s*秒)?') "
            f"THEN CAST({part('小时|时')} * 3600 + {part('分钟|分')} * 60 + {part('秒')} AS VARCHAR) ELSE {text} END")


def cleaned_cell(column: Column, source: str) -> str:
    """The cell after its layout's clean-ups (layouts.CLEANUPS) and value replacements. `source`
    is a column reference (it is read more than once)."""
    value = source
    for cleanup in column.clean:
        if cleanup == "excel_text":  # ="2140730062701490" -> 2140730062701490 (a cheap prefix test first)
            value = (f"CASE WHEN starts_with(ltrim({value}), '=\"') "
                     f"THEN regexp_extract({value}, '^\\s*=\"(.*)\"\\s*$', 1) ELSE {value} END")
        elif cleanup == "leading_quote":
            value = f"regexp_replace({value}, '^\\s*''', '')"
        elif cleanup == "tab":
            value = f"trim({value}, chr(9) || ' ')"
        elif cleanup == "yuan":
            value = f"regexp_replace(regexp_replace({value}, '元\\s*$', ''), '^\\s*[¥￥]\\s*', '')"
        elif cleanup == "thousands":
            value = (f"CASE WHEN regexp_full_match(trim({value}), '-?[0-9]{{1,3}}(,[0-9]{{3}})+(\\.[0-9]+)?') "
                     f"THEN replace(trim({value}), ',', '') ELSE {value} END")
        elif cleanup == "percent":
            value = (f"CASE WHEN regexp_full_match(trim({value}), '-?[0-9]+(\\.[0-9]+)?%') THEN CAST("
                     f"CAST(rtrim(trim({value}), '%') AS DECIMAL(18,6)) / 100 AS VARCHAR) ELSE {value} END")
        elif cleanup == "percent_points":  # a column whose header says %: 98.5 and 98.5% are both 0.985
            value = (f"CASE WHEN regexp_full_match(trim({value}), '{_NUMBER}%?') THEN CAST("
                     f"CAST(rtrim(trim({value}), '%') AS DECIMAL(18,6)) / 100 AS VARCHAR) ELSE {value} END")
        elif cleanup in ("duration", "duration_minutes"):
            value = _seconds_of(f"trim({value})", 60 if cleanup == "duration_minutes" else 1)
        elif cleanup == "wan":  # weekly and monthly downloads: 1.2万 -> 12000, 3亿 -> 300000000
            # (the product has six decimals: those that are zeros go, so a count still casts to an integer)
            value = (f"CASE WHEN regexp_full_match(trim({value}), '{_NUMBER}\\s*[万亿]') THEN rtrim(rtrim(CAST(CAST("
                     f"regexp_extract(trim({value}), '({_NUMBER})', 1) AS DECIMAL(38,6)) * "
                     f"CASE WHEN contains({value}, '亿') THEN 100000000 ELSE 10000 END AS VARCHAR), '0'), '.') "
                     f"ELSE {value} END")
    every_cell = any(CLEANUP_TRIGGERS[cleanup] is None for cleanup in column.clean)
    triggers = [] if every_cell else sorted({t for cleanup in column.clean for t in CLEANUP_TRIGGERS[cleanup]})
    if triggers:  # a cell without any of them is left as it is (the caller trims it)
        found = " OR ".join(f"contains({source}, {t})" for t in triggers)
        value = f"CASE WHEN {found} THEN {value} ELSE {source} END"
    if column.values:
        cases = " ".join(f"WHEN {sql_literal(old)} THEN {'NULL' if new is None else sql_literal(new)}"
                         for old, new in column.values)
        value = f"CASE trim({value}) {cases} ELSE {value} END"
    return value


def cell_text(column: Column, source: str) -> str:
    """The cell's cleaned text, NULL when it is empty."""
    return f"nullif(trim({cleaned_cell(column, source)}), '')"


def select_expr(column: Column, source: str) -> str:
    """Expression that reads one mapped column; PII never leaves as clear text."""
    value = cell_text(column, source)
    if column.pii is Pii.HASH:
        # HMAC-SHA256 (RFC 2104) under pii_hash_key, in SQL: H(opad || H(ipad || value)), first 32 hex digits
        return (f"left(sha256(getvariable('pii_opad') || unhex(sha256(getvariable('pii_ipad') || encode({value})))), 32)")
    if column.pii is Pii.PROVINCE:
        return province_expr(value)
    return value


# China's 34 provincial divisions: the short name an address starts with -> the official name every
# platform's rows are stored under (Taobao writes 北京 and 广东省, Tmall 上海上海市…, JD 北京市): one
# value per province in kpi_store_province_monthly.
PROVINCES = {
    "北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市", "河北": "河北省", "山西": "山西省",
    "辽宁": "辽宁省", "吉林": "吉林省", "黑龙江": "黑龙江省", "江苏": "江苏省", "浙江": "浙江省", "安徽": "安徽省",
    "福建": "福建省", "江西": "江西省", "山东": "山东省", "河南": "河南省", "湖北": "湖北省", "湖南": "湖南省",
    "广东": "广东省", "海南": "海南省", "四川": "四川省", "贵州": "贵州省", "云南": "云南省", "陕西": "陕西省",
    "甘肃": "甘肃省", "青海": "青海省", "台湾": "台湾省", "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区",
    "西藏": "西藏自治区", "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区", "香港": "香港特别行政区",
    "澳门": "澳门特别行政区",
}
_PROVINCE_SUFFIX = "(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)"


def province_expr(address: str) -> str:
    """The province of an address, by its official name (PROVINCES), or NULL: anything else (a
    formula, a shifted cell, a typo) never becomes a new dimension value."""
    return province_of_cut(province_cut_expr(address))


def province_cut_expr(address: str) -> str:
    """The short name of the province an address starts with, if any. Taobao separates the parts
    with spaces ('广东省 广州市 越秀区 ***', '北京 北京市 朝阳区'): the first part is the province, with or
    without its suffix. Tmall does not ('新疆维吾尔自治区乌鲁木齐市…', '上海上海市闵行区…'): a known short name
    the address starts with, followed by its suffix, by the same name again (a municipality's city)
    or, for the regions written short (内蒙古呼和浩特市…), by anything."""
    names = "|".join(sorted(PROVINCES, key=len, reverse=True))
    return (f"CASE WHEN strpos({address}, ' ') > 0 "
            f"THEN nullif(regexp_extract(split_part({address}, ' ', 1), '^({names}){_PROVINCE_SUFFIX}?$', 1), '') "
            f"ELSE nullif(regexp_extract({address}, '^({names})', 1), '') END")


def province_of_cut(cut: str) -> str:
    """The official name of the province `cut` (see `province_cut_expr`) names, else NULL."""
    whens = " ".join(f"WHEN {sql_literal(short)} THEN {sql_literal(full)}" for short, full in PROVINCES.items())
    return f"CASE {cut} {whens} END"


def money_text(name: str) -> str:
    """'¥1,258.51' -> '1258.51': drop a ¥/￥ sign, and commas only where they group exactly 3 digits.
    No subexpression is written twice: DuckDB computes a repeated one for every row, ahead of the
    coalesce in `typed_expr` that asks for this only where the plain cast failed (10M orders, five
    amounts: ~1.7 s)."""
    return (f"CASE WHEN regexp_full_match({name}, '([¥￥]\\s*)?-?[0-9]{{1,3}}(,[0-9]{{3}})+(\\.[0-9]+)?') "
            f"THEN regexp_replace({name}, '^[¥￥]\\s*|,', '', 'g') ELSE regexp_replace({name}, '^[¥￥]\\s*', '') END")


def typed_expr(column: Column, name: str) -> str:
    if column.type is ColumnType.MONEY:
        # TRY_CAST of 'NaN'/'inf' to DECIMAL is NULL, so they are quarantined as "not an amount".
        # A plain number casts as it is; only a cell that does not gets money_text's clean-ups
        # (which leave a cell that casts unchanged: it has no ¥ and no comma).
        return f"coalesce(TRY_CAST({name} AS DECIMAL(18,2)), TRY_CAST({money_text(name)} AS DECIMAL(18,2)))"
    if column.type is ColumnType.INT:
        return f"TRY_CAST({name} AS BIGINT)"
    if column.type in (ColumnType.RATE, ColumnType.NUMBER):
        return f"TRY_CAST({name} AS DECIMAL(18,6))"
    if column.type is ColumnType.TIMESTAMP:
        formats = "[" + ", ".join(sql_literal(f) for f in TIMESTAMP_FORMATS) + "]"
        return f"try_strptime({name}, {formats})"
    return name


TYPED = (ColumnType.MONEY, ColumnType.INT, ColumnType.TIMESTAMP, ColumnType.RATE, ColumnType.NUMBER)


def typed_ref(column: Column) -> str:
    """The stage's typed value of a column: `_t_<name>` for the types cast while the stage is
    written (once per row, then read by the checks and the raw insert), the text otherwise."""
    return f"_t_{column.loaded_name}" if column.type in TYPED else column.loaded_name


def derived_amounts(spec: ReportSpec, present: set[str]) -> dict[str, str]:
    """Per-row SQL for the amounts a layout derives rather than reads. With refund_in_full (the export
    gives a refund state and no amount, Pinduoduo and Douyin): a refunded row gave back its whole
    payment, so refund_amount is that payment and paid_amount is net of it, as Taobao's
    买家实际支付金额 is (docs/kpi-rules.md "Money on every platform")."""
    if not (spec.refund_in_full and {"refund_state", "paid_amount"} <= present):
        return {}
    paid, state = typed_ref(spec.column("paid_amount")), typed_ref(spec.column("refund_state"))
    # an empty state says nothing: no refund amount either (the refund rate leaves the row out)
    refund = (f"CASE WHEN {state} = 'refunded' THEN {paid} WHEN {state} IS NOT NULL THEN CAST(0 AS DECIMAL(18,2)) END")
    return {"refund_amount": refund, "paid_amount": f"({paid} - coalesce({refund}, 0))"}


def cell_shape(name: str) -> str:
    """SQL for a cell's shape, never its content: digits become 9, Latin letters a, any other
    non-ASCII character 字 (punctuation and ¥ stay). A shifted row can put a phone number, a
    name or an address into any column; a quarantine reason must not carry it."""
    return (f"regexp_replace(regexp_replace(regexp_replace(left({name}, 40), '[0-9]', '9', 'g'), "
            f"'[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g')")


def problem_exprs(spec: ReportSpec, present: set[str], month: str) -> list[tuple[str, str, str]]:
    """(column zh, condition, reason expression) for every per-row check."""
    checks, checked_cells = [], set()
    for c in spec.loaded_columns:
        if c.en not in present:
            continue
        # One cell filling two columns of one type (Pinduoduo's 用户实付金额) is checked once: the first
        # column's checks (no zero_unless) see every value the second's would.
        if (c.zh, c.type) in checked_cells:
            continue
        checked_cells.add((c.zh, c.type))
        name = c.loaded_name
        if not c.nullable:  # a typed column's text is kept only where its cast failed (`MonthLoader._write_stage`)
            empty = f"{name} IS NULL AND {typed_ref(c)} IS NULL" if c.type in TYPED else f"{name} IS NULL"
            checks.append((c.zh, empty, sql_literal(f"{c.zh}: empty value")))
        if c.type in TYPED:
            kind = {"money": "not an amount", "int": "not an integer", "timestamp": "not a date-time",
                    "rate": "not a ratio", "number": "not a number"}[c.type.value]
            checks.append(
                (
                    c.zh,
                    f"{name} IS NOT NULL AND {typed_ref(c)} IS NULL",
                    f"{sql_literal(c.zh + ': ' + kind + ', shape ')} || '''' || {cell_shape(name)} || ''''",
                )
            )
    for en in spec.past_only:
        if en in present:
            col = spec.column(en)
            typed = typed_ref(col)
            checks.append((
                col.zh,
                f"{typed} IS NOT NULL AND {typed} > getvariable('load_time')",
                f"{sql_literal(col.zh + ' ')} || strftime({typed}, '%Y-%m-%d %H:%M') || ' is in the future'",
            ))
    if spec.month_column and spec.month_column in present:
        col = spec.column(spec.month_column)
        typed = typed_ref(col)
        start, end = month_bounds(month)
        checks.append(
            (
                col.zh,  # a range, not strftime(typed, '%Y-%m') per row: a string for each of 10M rows
                f"{typed} IS NOT NULL AND NOT ({typed} >= TIMESTAMP '{start}' AND {typed} < TIMESTAMP '{end}')",
                f"{sql_literal(col.zh + ' ')} || strftime({typed}, '%Y-%m-%d %H:%M') || "
                f"{sql_literal(OUTSIDE_MONTH + month)}",
            )
        )
    return checks


def header_row_condition(spec: ReportSpec, present: set[str]) -> str:
    """True when the row's clear-text cells are the header's own names (at least two, or all if fewer)."""
    clear = [c for c in spec.loaded_columns if c.en in present and c.pii is Pii.NONE]
    if not clear:
        return "false"
    hits = " + ".join(f"CAST(coalesce({c.loaded_name} = {sql_literal(c.zh)}, false) AS INTEGER)" for c in clear)
    return f"({hits}) >= {min(2, len(clear))}"
