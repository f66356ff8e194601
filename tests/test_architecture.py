"""Le sens des dépendances entre apps et l'absence de cycle d'imports dans une app, vérifiés par import-linter
(contrats dans pyproject.toml, [tool.importlinter]) sur le code tel qu'il est, imports dans les fonctions compris."""
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_les_dependances_vont_dans_un_seul_sens_et_aucune_app_n_a_de_cycle():
    racine = Path(settings.BASE_DIR)
    environnement = {**os.environ, "PYTHONPATH": str(racine)}
    commande = Path(sys.executable).parent / "lint-imports"
    resultat = subprocess.run([str(commande), "--no-cache"], cwd=racine, env=environnement,
                              capture_output=True, text=True, timeout=120)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
