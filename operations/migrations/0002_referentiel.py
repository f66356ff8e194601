"""Charge les types d'opération et les indicateurs d'objectifs (operations/referentiel/referentiel.json)."""
import json
from pathlib import Path

from django.db import migrations

DONNEES = Path(__file__).resolve().parent.parent / "referentiel" / "referentiel.json"


def charger(apps, schema_editor):
    donnees = json.loads(DONNEES.read_text(encoding="utf-8"))
    TypeOperation, Indicateur = apps.get_model("operations", "TypeOperation"), apps.get_model("operations", "Indicateur")
    for ordre, (code, libelle, description) in enumerate(donnees["types"]):
        TypeOperation.objects.update_or_create(code=code, defaults={"libelle": libelle, "description": description, "ordre": ordre})
    for ordre, (code, libelle, unite) in enumerate(donnees["indicateurs"]):
        Indicateur.objects.update_or_create(code=code, defaults={"libelle": libelle, "unite": unite, "ordre": ordre})


class Migration(migrations.Migration):
    dependencies = [("operations", "0001_initial")]
    operations = [migrations.RunPython(charger, migrations.RunPython.noop)]
