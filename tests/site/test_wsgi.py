"""What a worker loads when gunicorn imports the application, before its first request."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Run in a new interpreter: this one has loaded templates and URLs for other tests already.
LOADED = """
import json
import iomsite.wsgi
from django.template import engines
from django.urls import get_resolver
loader = engines["django"].engine.template_loaders[0]
print(json.dumps({
    "templates": sorted(loader.get_template_cache),
    "languages": sorted(get_resolver()._reverse_dict),
}))
"""


def test_a_worker_loads_urls_and_templates_before_its_first_request_without_the_database():
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    # Nothing listens there: loading must not need the database.
    env.update(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/nothing",
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", LOADED], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    templates = REPO / "templates"
    every_template = {
        path.relative_to(templates).as_posix() for path in templates.rglob("*") if path.is_file()
    }
    assert every_template <= set(loaded["templates"])
    assert {"search.html", "news/release_list.html", "includes/search_results.html"} <= (
        every_template
    )
    assert loaded["languages"] == ["en", "es", "fr"]
