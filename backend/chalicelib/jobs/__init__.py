"""Background jobs on SQS that keep the request's context (the Celery replacement).

`enqueue("name", **json_args)` → job id (the arguments are checked against the function);
`@job("name", permanent=(...))` registers a function taking `(ctx, **args)` and the errors that
end it without a retry; the SQS worker in `chalicelib.workers.jobs` runs them.
"""
