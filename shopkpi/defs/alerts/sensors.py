"""A failed run of a month (scheduled, sensor-triggered, backfilled or from the CLI, blocking checks
included) reaches a person: Dagster's run-failure sensor posts it to SHOPKPI_ALERT_WEBHOOK (alerts.py).
Runs while the Dagster daemon runs (`shopkpi ui`); without a webhook it only records why it skipped."""

from types import SimpleNamespace

from dagster import DefaultSensorStatus, RunFailureSensorContext, SkipReason, run_failure_sensor

from ...alerts import WEBHOOK_ENV, Failure, send_failure
from ...months import month_of


def failure_of(context: RunFailureSensorContext) -> Failure:
    """The failed run as one message: its month, job, first failed step and the CLI's one-line reason."""
    from ...cli.runs import failure_reason, innermost_error

    run = context.dagster_run
    events = [entry.dagster_event for entry in context.instance.all_logs(run.run_id) if entry.dagster_event]
    result = SimpleNamespace(all_events=events)
    failed = innermost_error(result)
    partition = run.tags.get("dagster/partition")
    reason = failure_reason(result)
    return Failure(month=month_of(partition) if partition else None, job=run.job_name,
                   step=failed[0] if failed else None, reason=reason.split(" failed: ", 1)[-1], run_id=run.run_id)


@run_failure_sensor(name="failed_runs_to_webhook", default_status=DefaultSensorStatus.RUNNING,
                    description="Post every failed run of a month to SHOPKPI_ALERT_WEBHOOK (WeCom, DingTalk, Feishu "
                                "robots or a JSON endpoint).")
def failed_runs_to_webhook(context: RunFailureSensorContext):
    failure = failure_of(context)
    if not send_failure(failure):
        return SkipReason(f"{WEBHOOK_ENV} is not set: {failure.text()}")
    context.log.info(f"sent to the webhook: {failure.text()}")
    return None
