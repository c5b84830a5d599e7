"""Publish each month once it has closed."""

from dagster import build_schedule_from_partitioned_job

from ..jobs import monthly_publish_job

# Fires at 06:00 Asia/Shanghai on the 1st, for the month that just ended (the
# partition's end), leaving the night for late platform downloads.
monthly_publish_schedule = build_schedule_from_partitioned_job(monthly_publish_job, hour_of_day=6, minute_of_hour=0)
