"""Helpers shared by the test suites (one package, so test folders hold only tests and conftest.py).

Import them as `from support.<module> import ...`: pytest puts tests/ on sys.path (tests/ has no
__init__.py), and bench/ scripts insert it themselves.
"""
