"""Charge le référentiel d'une installation neuve (communes, QPV, prescripteurs, financeurs, rôles).

Les données sont dans annuaire/referentiel/referentiel.json ; l'équipe d'animation les modifie ensuite
dans l'administration. Rejouée, la migration met à jour sans dupliquer.
"""
import json
from pathlib import Path

from django.db import migrations

from annuaire.normalisation import cle_de_recherche

DONNEES = Path(__file__).resolve().parent.parent / "referentiel" / "referentiel.json"


def charger(apps, schema_editor):
    donnees = json.loads(DONNEES.read_text(encoding="utf-8"))
    Commune, Qpv = apps.get_model("annuaire", "Commune"), apps.get_model("annuaire", "Qpv")
    Prescripteur, Financeur = apps.get_model("annuaire", "Prescripteur"), apps.get_model("annuaire", "Financeur")
    Group = apps.get_model("auth", "Group")
    communes = {}
    for nom, insee in donnees["communes"]:
        communes[nom], _ = Commune.objects.update_or_create(
            nom=nom, defaults={"code_insee": insee, "cle": cle_de_recherche(nom)}
        )
    for nom, commune, veille in donnees["qpv"]:
        Qpv.objects.update_or_create(
            nom=nom, defaults={"commune": communes[commune], "veille": veille, "cle": cle_de_recherche(nom)}
        )
    for ordre, (code, libelle) in enumerate(donnees["prescripteurs"]):
        Prescripteur.objects.update_or_create(code=code, defaults={"libelle": libelle, "ordre": ordre})
    for ordre, (code, libelle, est_fse) in enumerate(donnees["financeurs"]):
        Financeur.objects.update_or_create(code=code, defaults={"libelle": libelle, "est_fse": est_fse, "ordre": ordre})
    for role in donnees["roles"]:
        Group.objects.get_or_create(name=role)


class Migration(migrations.Migration):
    dependencies = [("annuaire", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(charger, migrations.RunPython.noop)]
