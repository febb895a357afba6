"""Slow clients against the web tier as `make stack` and docker compose run it: nginx in
front of gunicorn."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from tests.reliability.processes import base_env
from tests.reliability.site import collect_static, seed_site
from tests.reliability.slow_clients import SlowHeaderClients, probe_every_second

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]

SLOW_CLIENTS = 50
SECONDS = 20
CASE_PAGE = "/controversies/amazon-rekognition/"


def test_it_answers_every_probe_within_a_second_while_50_slow_clients_hang_on(processes):
    """GIVEN the web tier as `make stack` runs it (the Procfile's nginx in front of its
    gunicorn, with the default workers and threads) serving the demo case
    WHEN 50 clients hold connections open for the whole test, each sending one more header
    line every 2 seconds and never finishing (one that is cut off is replaced at once)
    THEN /healthz and the case page, each requested once a second for 20 seconds, answer
    200 within 1 second every time, and nginx cuts every slow client off at its header
    timeout."""
    seed_site()
    collect_static()
    # The page cache as deployed (the suite turns it off): the probes measure waiting for
    # a free server, not rendering on a CPU shared with the rest of the suite.
    base = processes.web_behind_nginx(base_env(PAGE_CACHE_SECONDS="60"))

    with SlowHeaderClients(urlsplit(base).port, count=SLOW_CLIENTS) as attack:
        time.sleep(1)
        probes = probe_every_second(base, ["/healthz", CASE_PAGE], seconds=SECONDS, timeout=2)

    assert len(probes) == 2 * SECONDS
    late = [probe for probe in probes if probe.status != 200 or probe.seconds >= 1]
    assert not late, f"{len(late)} of {len(probes)} probes failed or took 1 s or more: {late}"
    assert attack.opened >= SLOW_CLIENTS
    assert attack.replaced >= SLOW_CLIENTS, "nginx must drop headers still unfinished at 10 s"
