# Les deux commandes du README : `make demo` (démarre avec les données de démonstration) et `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLE := $(VENV)/.installe
NPM := node_modules/.package-lock.json

.PHONY: demo test bench bench-ci serveur clean

$(INSTALLE): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

# DEMO=1 (et non DEBUG=1) : pages d'erreur du produit, en français ; courriels dans la console. `make demo PORT=8001`.
PORT ?= 8000

demo: $(INSTALLE) $(NPM)
	DEMO=1 $(PY) manage.py migrate --noinput
	DEMO=1 $(PY) manage.py charger_demo --reseau
	DEMO=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# htmx (les pages où l'on décide ligne à ligne sans recharger) et axe-core (contrôle d'accessibilité des tests
# navigateur) viennent de npm ; sans npm, ces pages rechargent à chaque décision et ces tests se disent sautés.
$(NPM): package.json package-lock.json
	if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm absent : pages sans htmx, contrôles d'accessibilité sautés (apt-get install npm)"; fi

# Deux processus de test (pytest-xdist), chacun sa base ; tests/parallele.py dit ce qui tourne à la file ou seul.
# `make test PARALLELE=0` : un seul processus (un débogueur, -x qui s'arrête au premier échec dans l'ordre).
PARALLELE ?= 2

test: $(INSTALLE) $(NPM)
	$(PY) -m pytest -n $(PARALLELE) --dist loadgroup $(ARGS)

# Les bancs à pleine taille : chaque mesure contre sa cible et sa référence ; code non nul si une cible est manquée.
bench: $(INSTALLE)
	$(PY) -m pytest tests/bench -o addopts="-ra" -s $(ARGS)

# Chaque banc à petite taille (CI) : les chiffres vérifiés égaux à leur référence, les cibles de temps non jugées.
bench-ci: $(INSTALLE)
	BENCH_PETIT=1 $(PY) -m pytest tests/bench -o addopts="-ra" -q $(ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
