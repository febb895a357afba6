from __future__ import annotations

from django.apps import AppConfig


class BenchDataConfig(AppConfig):
    """Synthetic data at scale (``manage.py seed_bulk``) for benchmarks and load tests.

    A separate app because the generator fills both the domain and the ingestion tables,
    and ``controversies`` must not import ``ingestion``. It has no models.
    """

    name = "bench_data"
    verbose_name = "Benchmark data"
