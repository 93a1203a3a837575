# The README's two commands: `make run` and `make test`. Everything else is set up on the way.
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

.PHONY: run worker test setup lint bench bench-search serve clean

# `make run` is for this machine: debug on unless the environment says otherwise. A task worker
# runs beside the server (email alerts, written to var/mail/); Ctrl-C stops both.
run: export DJANGO_DEBUG ?= 1
run: export DJANGO_SITE_URL ?= http://127.0.0.1:$(PORT)
run: setup
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_admin
	@echo "Serving on http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/); emails go to var/mail/"
	@$(PY) manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The task worker alone (production runs `manage.py db_worker`, as many as needed).
worker: export DJANGO_DEBUG ?= 1
worker: setup
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py db_worker

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

# Production-like serving on this machine: DJANGO_SECRET_KEY and DATABASE_URL from the environment.
serve: setup
	DJANGO_DEBUG=0 $(PY) manage.py migrate --noinput -v 0
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput -v 0
	DJANGO_DEBUG=0 $(VENV)/bin/gunicorn iomsite.wsgi:application --bind 127.0.0.1:$(PORT) \
		--workers $${WORKERS:-2} --access-logfile -

# Not part of `make test`: minutes at the default 100,000 releases (BENCH_RELEASES=10000 is quicker).
bench: setup
	$(PY) bench/run.py

# Search asked for the first time, by how many releases a query matches, at each size of
# BENCH_SEARCH_SIZES (builds the databases it lacks: a million releases take 45 to 90 minutes,
# by machine).
bench-search: setup
	$(PY) bench/search_speed.py --http --sizes $${BENCH_SEARCH_SIZES:-10000,100000}

setup: $(STAMP) $(CATALOGUES)

# The interface's translations (locale/*/LC_MESSAGES/django.po, in the repository) compiled for
# Django, again whenever a .po file changes. DJANGO_DEBUG=1: compiling needs no secret key.
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py compile_catalogues $*

# Reinstall only when the declared or pinned dependencies change, so a second `make run` is fast.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || { python=$$(sh .ci/find-python) && $$python -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt ".[dev]"
	@touch $(STAMP)

clean:
	rm -rf $(VENV) var $(CATALOGUES)
