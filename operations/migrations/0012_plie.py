# Plusieurs PLIE : les opérations et les documents générés existants vont au PLIE de l'installation ; les modèles Word
# déjà déposés restent communs (plie vide) et leurs versions se comptent désormais par PLIE.
import django.db.models.deletion
from django.db import migrations, models

import annuaire.models


def ranger_dans_le_plie_de_l_installation(apps, schema_editor):
    plie = apps.get_model("annuaire", "Plie").objects.order_by("pk").first()
    if plie is None:
        return
    for modele in ("Operation", "DocumentGenere"):
        apps.get_model("operations", modele).objects.update(plie=plie)


def champ_plie(related_name, null):
    return models.ForeignKey(null=null, blank=null, default=annuaire.models.plie_par_defaut,
                             on_delete=django.db.models.deletion.PROTECT, related_name=related_name,
                             to="annuaire.plie", verbose_name="PLIE")


class Migration(migrations.Migration):
    dependencies = [
        ("annuaire", "0004_plie"),
        ("operations", "0011_index_ordre_de_la_liste"),
    ]

    operations = [
        migrations.AddField("operation", "plie", champ_plie("operations", null=True)),
        migrations.AddField("documentgenere", "plie", champ_plie("documents", null=True)),
        migrations.RunPython(ranger_dans_le_plie_de_l_installation, migrations.RunPython.noop),
        migrations.AlterField("operation", "plie", champ_plie("operations", null=False)),
        migrations.AlterField("documentgenere", "plie", champ_plie("documents", null=False)),
        migrations.AddField("modeledocument", "plie", models.ForeignKey(
            blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="modeles_documents",
            to="annuaire.plie", verbose_name="PLIE", help_text="Vide : modèle commun à tous les PLIE de l'installation.")),
        migrations.RemoveConstraint("modeledocument", "modele_version_unique"),
        migrations.AddConstraint("modeledocument", models.UniqueConstraint(
            condition=models.Q(plie__isnull=True), fields=("nature", "version"), name="modele_version_unique")),
        migrations.AddConstraint("modeledocument", models.UniqueConstraint(
            condition=models.Q(plie__isnull=False), fields=("plie", "nature", "version"),
            name="modele_version_unique_par_plie")),
    ]
