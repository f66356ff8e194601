"""Charge les motifs de sortie et les types d'étape d'une installation neuve (participants/referentiel/).

L'équipe d'animation les modifie ensuite dans l'administration. Rejouée, la migration met à jour sans dupliquer.
"""
import json
from pathlib import Path

from django.db import migrations

DONNEES = Path(__file__).resolve().parent.parent / "referentiel" / "referentiel.json"


def charger(apps, schema_editor):
    donnees = json.loads(DONNEES.read_text(encoding="utf-8"))
    MotifSortie, TypeEtape = apps.get_model("participants", "MotifSortie"), apps.get_model("participants", "TypeEtape")
    for ordre, (code, libelle, categorie, neutre) in enumerate(donnees["motifs_sortie"]):
        MotifSortie.objects.update_or_create(
            code=code, defaults={"libelle": libelle, "categorie": categorie, "neutre": neutre, "ordre": ordre})
    for ordre, (code, libelle, vers_emploi) in enumerate(donnees["types_etape"]):
        TypeEtape.objects.update_or_create(code=code, defaults={"libelle": libelle, "vers_emploi": vers_emploi, "ordre": ordre})


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]
    operations = [migrations.RunPython(charger, migrations.RunPython.noop)]
