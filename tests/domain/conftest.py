from uploads_support import seeded, worker  # noqa: F401 - fixtures
