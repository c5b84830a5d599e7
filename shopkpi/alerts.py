"""Failures that reach a person: a message to a team chat robot or any HTTP endpoint when a scheduled,
sensor or CLI run of a month fails (its blocking checks included), sent by Dagster's run-failure sensor
(defs/alerts/sensors.py). Configured by one setting, SHOPKPI_ALERT_WEBHOOK; the format follows the URL's
host (企业微信 WeCom, 钉钉 DingTalk, 飞书 Feishu/Lark robots) or SHOPKPI_ALERT_FORMAT, else a plain JSON POST.

Messages carry the month, job, step and the one-line reason the CLI prints: file names and counts, never a
row's values (the loader's errors hold no PII)."""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import asdict, dataclass
from urllib.parse import urlparse

WEBHOOK_ENV, FORMAT_ENV = "SHOPKPI_ALERT_WEBHOOK", "SHOPKPI_ALERT_FORMAT"
FORMATS = ("wecom", "dingtalk", "feishu", "json")
_HOSTS = {"qyapi.weixin.qq.com": "wecom", "oapi.dingtalk.com": "dingtalk", "open.feishu.cn": "feishu",
          "open.larksuite.com": "feishu"}
TIMEOUT_S = 10


class AlertError(ValueError):
    """A webhook setting that cannot be used (one line)."""


@dataclass(frozen=True)
class Failure:
    month: str | None
    job: str
    step: str | None
    reason: str
    run_id: str

    def text(self) -> str:
        where = f" at step {self.step}" if self.step else ""
        return (f"shopkpi: {self.month or 'a run'} · {self.job} failed{where}: {self.reason} (run {self.run_id}). "
                f"Next: shopkpi status; shopkpi audit --month {self.month}" if self.month else
                f"shopkpi: {self.job} failed{where}: {self.reason} (run {self.run_id})")


def webhook_format(url: str) -> str:
    chosen = os.environ.get(FORMAT_ENV, "").strip().lower()
    if chosen:
        if chosen not in FORMATS:
            raise AlertError(f"{FORMAT_ENV}={chosen!r} is not one of {', '.join(FORMATS)}")
        return chosen
    return _HOSTS.get((urlparse(url).hostname or "").lower(), "json")


def payload(failure: Failure, fmt: str) -> dict:
    if fmt in ("wecom", "dingtalk"):
        return {"msgtype": "text", "text": {"content": failure.text()}}
    if fmt == "feishu":
        return {"msg_type": "text", "content": {"text": failure.text()}}
    return {"event": "shopkpi.run_failed", "text": failure.text(), **asdict(failure)}


def send_failure(failure: Failure, url: str | None = None) -> bool:
    """POST the failure to the configured webhook; False when none is configured."""
    url = url or os.environ.get(WEBHOOK_ENV, "").strip()
    if not url:
        return False
    if urlparse(url).scheme not in ("http", "https"):
        raise AlertError(f"{WEBHOOK_ENV} must be an http(s) URL")
    body = json.dumps(payload(failure, webhook_format(url)), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 (a configured URL)
        response.read()
    return True
