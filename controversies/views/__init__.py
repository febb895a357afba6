"""Public pages, one module per page. urls.py imports the modules it needs directly, so
this package imports nothing (helpers can add modules without touching each other)."""
