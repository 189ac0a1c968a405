# Quick start: `make run` (demo server on http://127.0.0.1:5000; `make run PORT=5001` for
# another port) and `make test`.
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV_ENV := TRELLIS_ENV=development

.PHONY: install run test lint lock clean icons assets translations translations-extract \
	translations-update translations-compile

# requirements.lock pins every package (CI audits it); pyproject.toml keeps the compatible ranges.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Development server with demo data (SQLite in instance/).
## The reminders worker runs beside the server and is stopped with it (Ctrl-C stops both).
run: install
	$(DEV_ENV) $(BIN)/flask --app wsgi db upgrade
	$(DEV_ENV) $(BIN)/flask --app wsgi demo seed --url http://127.0.0.1:$(PORT)
	@$(DEV_ENV) $(BIN)/flask --app wsgi reminders worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

## The whole test suite (browser tests run when Debian's chromium is installed).
test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .

## Translations (docs/translations.md): extract the marked strings into a template, bring every
## language's catalogue up to date with it, then compile and report what is left to translate.
## The app also compiles the catalogues itself when it starts (app/i18n.py), into instance/.
CATALOGUES := app/translations
COMPILED := $(or $(TRELLIS_INSTANCE_PATH),instance)/translations

translations: translations-update translations-compile

translations-extract: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l --sort-by-file -o $(CATALOGUES)/messages.pot .

translations-update: translations-extract
	$(BIN)/pybabel -q update --ignore-obsolete -i $(CATALOGUES)/messages.pot -d $(CATALOGUES)

translations-compile: install
	@for po in $(CATALOGUES)/*/LC_MESSAGES/messages.po; do \
		lang=$$(basename $$(dirname $$(dirname $$po))); \
		mkdir -p $(COMPILED)/$$lang/LC_MESSAGES; \
		$(BIN)/pybabel compile --statistics -l $$lang -i $$po \
			-o $(COMPILED)/$$lang/LC_MESSAGES/messages.mo || exit 1; \
	done

## Re-pin requirements.lock after changing dependencies in pyproject.toml.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock
	rm -rf .lock-venv

## Static files for production (build/static/: content-hashed names, gzip and brotli copies).
assets: install
	$(DEV_ENV) $(BIN)/flask --app wsgi assets build

## PNG app icons from static/icons/*.svg (needs rsvg-convert: apt-get install librsvg2-bin).
icons:
	$(PYTHON) tools/make_icons.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
