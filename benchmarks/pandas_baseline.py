"""Baseline: the section-1 store KPIs from the order report, written as an analyst would in pandas."""

import json
import sys

import pandas as pd


def store_kpis(csv_path: str) -> dict[str, float]:
    df = pd.read_csv(csv_path, encoding="utf-8-sig", dtype={"订单编号": str})
    df.columns = df.columns.str.strip()
    df["created"] = pd.to_datetime(df["订单创建时间"], format="%Y/%m/%d %H:%M")
    paid_time = df["订单付款时间"].astype(str).str.strip()
    df["is_paid"] = paid_time.ne("") & paid_time.ne("nan")
    paid = df[df["is_paid"]]
    buyers = paid.groupby("买家会员名").size()
    kpis = {
        "orders_created": len(df),
        "orders_paid": len(paid),
        "gmv": df["总金额"].sum(),
        "paid_gmv": paid["总金额"].sum(),
        "refund_amount": paid["退款金额"].sum(),
        "net_sales": df["买家实际支付金额"].sum(),
        "paid_buyers": len(buyers),
        "payment_rate": len(paid) / len(df),
        "refund_rate": (paid["退款金额"] > 0).sum() / len(paid),
        "lost_order_rate": (df["买家实际支付金额"] == 0).sum() / len(df),
        "aov": paid["总金额"].sum() / len(buyers),
        "avg_order_value": paid["总金额"].sum() / len(paid),
        "repeat_rate": (buyers >= 2).sum() / len(buyers),
    }
    return {k: float(v) for k, v in kpis.items()}


if __name__ == "__main__":
    with open(sys.argv[2], "w", encoding="utf-8") as fh:
        json.dump(store_kpis(sys.argv[1]), fh, indent=2)
