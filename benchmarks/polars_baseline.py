"""Reference: the same section-1 store KPIs as pandas_baseline.py, written as a speed-minded analyst
would in polars (lazy scan, one pass per aggregate). A reference beside pandas, not a target."""

import json
import sys

import polars as pl


def store_kpis(csv_path: str) -> dict[str, float]:
    orders = pl.scan_csv(csv_path, encoding="utf8", schema_overrides={"订单编号": pl.Utf8, "订单付款时间": pl.Utf8})
    orders = orders.rename(lambda c: c.strip()).with_columns(
        is_paid=pl.col("订单付款时间").str.strip_chars().fill_null("").ne(""))
    paid = orders.filter("is_paid")
    totals = orders.select(
        orders_created=pl.len(),
        orders_paid=pl.col("is_paid").sum(),
        gmv=pl.col("总金额").sum(),
        paid_gmv=pl.col("总金额").filter("is_paid").sum(),
        refund_amount=pl.col("退款金额").filter("is_paid").sum(),
        refunded=(pl.col("退款金额") > 0).filter("is_paid").sum(),
        net_sales=pl.col("买家实际支付金额").sum(),
        lost=(pl.col("买家实际支付金额") == 0).sum(),
    ).collect().row(0, named=True)
    buyers = paid.group_by("买家会员名").len().select(
        paid_buyers=pl.len(), repeat_buyers=(pl.col("len") >= 2).sum()).collect().row(0, named=True)
    kpis = {
        "orders_created": totals["orders_created"],
        "orders_paid": totals["orders_paid"],
        "gmv": totals["gmv"],
        "paid_gmv": totals["paid_gmv"],
        "refund_amount": totals["refund_amount"],
        "net_sales": totals["net_sales"],
        "paid_buyers": buyers["paid_buyers"],
        "payment_rate": totals["orders_paid"] / totals["orders_created"],
        "refund_rate": totals["refunded"] / totals["orders_paid"],
        "lost_order_rate": totals["lost"] / totals["orders_created"],
        "aov": totals["paid_gmv"] / buyers["paid_buyers"],
        "avg_order_value": totals["paid_gmv"] / totals["orders_paid"],
        "repeat_rate": buyers["repeat_buyers"] / buyers["paid_buyers"],
    }
    return {k: float(v) for k, v in kpis.items()}


if __name__ == "__main__":
    with open(sys.argv[2], "w", encoding="utf-8") as fh:
        json.dump(store_kpis(sys.argv[1]), fh, indent=2)
