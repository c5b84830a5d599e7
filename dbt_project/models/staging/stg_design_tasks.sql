-- Design log; a task belongs to the month it is due.
select
    month,
    task_id,
    designer_id,
    assigned_at,
    due_at,
    delivered_at,
    reviewed_at,
    review_result,
    delivered_at is not null as is_delivered,
    coalesce(delivered_at <= due_at, false) as is_on_time,
    reviewed_at is not null as is_reviewed,
    coalesce(review_result = '通过', false) as is_approved,
    coalesce(pages, 0) as pages,
    coalesce(images, 0) as images
from {{ raw_source('design_tasks') }}
