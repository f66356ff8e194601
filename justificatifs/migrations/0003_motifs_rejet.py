"""Charge les motifs de rejet du contrôle (justificatifs/referentiel/motifs_rejet.json) ; rejouée, met à jour sans
dupliquer. Le gestionnaire les modifie ensuite dans l'administration."""
import json
from pathlib import Path

from django.db import migrations

DONNEES = Path(__file__).resolve().parent.parent / "referentiel" / "motifs_rejet.json"


def charger(apps, schema_editor):
    MotifRejet = apps.get_model("justificatifs", "MotifRejet")
    for ordre, (code, libelle) in enumerate(json.loads(DONNEES.read_text(encoding="utf-8"))):
        MotifRejet.objects.update_or_create(code=code, defaults={"libelle": libelle, "ordre": ordre})


class Migration(migrations.Migration):
    dependencies = [("justificatifs", "0002_controle_service_fait")]
    operations = [migrations.RunPython(charger, migrations.RunPython.noop)]
