"""Background jobs on SQS that keep the request's context (the Celery replacement).

`enqueue("name", **json_args)` → job id; `@job("name")` registers a function taking
`(ctx, **args)`; the SQS worker in `chalicelib.workers.jobs` runs them.
"""
