"""The admin dashboard's time and queries on the benchmark database (run by bench/run.py in
its own process, after generate_content): a publisher who wrote some of the drafts, some of
them in review, opens /admin/ as each morning.

    python bench/dashboard_speed.py   -> prints JSON {"queries": n, "p50_ms": t, ...}
"""

import json
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from news.models import Release  # noqa: E402
from pages.publishing import Status  # noqa: E402
from pages.review import Review  # noqa: E402

USERNAME = "bench-dashboard"
RUNS = 30


def bench_user():
    """A superuser (every panel shows) who wrote 20 drafts, 10 of them in review."""
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User.objects.create_superuser(USERNAME, "bench@synthetic.invalid", None)
        drafts = list(Release.objects.filter(status=Status.DRAFT).order_by("pk")[:20])
        Release.objects.filter(pk__in=[draft.pk for draft in drafts]).update(created_by=user)
        for draft in drafts[:10]:
            Review.objects.create(
                item=draft,
                stage=Review.Stage.IN_REVIEW,
                submitted_by=user,
                submitted_at=timezone.now(),
            )
    return user


def main():
    client = Client()
    client.force_login(bench_user())
    timings = []
    for run in range(RUNS + 3):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/admin/", secure=True)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"/admin/ answered {response.status_code}")
        if run >= 3:  # the first ones fill the process's caches (content types, templates)
            timings.append(elapsed)
    timings.sort()
    print(
        json.dumps(
            {
                "releases": Release.objects.count(),
                "queries": len(queries),
                "runs": RUNS,
                "p50_ms": round(statistics.median(timings), 1),
                "p99_ms": round(timings[-1], 1),  # of 30 runs: the slowest
                "database_ms": round(
                    sum(float(query["time"]) for query in queries.captured_queries) * 1000, 1
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
