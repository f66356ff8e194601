# Les deux commandes du README : `make demo` (démarre avec les données de démonstration) et `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLE := $(VENV)/.installe

.PHONY: demo test bench serveur clean

$(INSTALLE): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

demo: $(INSTALLE)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py charger_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: $(INSTALLE)
	$(PY) -m pytest $(ARGS)

bench: $(INSTALLE)
	$(PY) -m pytest tests/bench -o addopts="-ra" -s $(ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
