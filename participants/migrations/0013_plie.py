# Plusieurs PLIE : les participants, leurs imports et les données des clauses vont au PLIE de l'installation ;
# l'identifiant d'un participant (et la clé d'une ligne des clauses) n'est plus unique que dans son PLIE.
import django.db.models.deletion
from django.db import migrations, models

import annuaire.models

RACINES = {"participant": "participants", "importparticipants": "imports_participants",
           "heuresclause": "heures_clauses", "orientationclause": "orientations_clauses",
           "importclauses": "imports_clauses"}


def ranger_dans_le_plie_de_l_installation(apps, schema_editor):
    plie = apps.get_model("annuaire", "Plie").objects.order_by("pk").first()
    if plie is None:
        return
    for modele in RACINES:
        apps.get_model("participants", modele).objects.update(plie=plie)


def champ_plie(related_name, null):
    return models.ForeignKey(null=null, blank=null, default=annuaire.models.plie_par_defaut,
                             on_delete=django.db.models.deletion.PROTECT, related_name=related_name,
                             to="annuaire.plie", verbose_name="PLIE")


class Migration(migrations.Migration):
    dependencies = [("annuaire", "0004_plie"), ("participants", "0012_index_ordre_de_la_liste")]

    operations = [
        *[migrations.AddField(modele, "plie", champ_plie(nom, null=True)) for modele, nom in RACINES.items()],
        migrations.RunPython(ranger_dans_le_plie_de_l_installation, migrations.RunPython.noop),
        *[migrations.AlterField(modele, "plie", champ_plie(nom, null=False)) for modele, nom in RACINES.items()],
        migrations.RemoveConstraint("heuresclause", "heures_clause_unique"),
        migrations.RemoveConstraint("orientationclause", "orientation_clause_unique"),
        migrations.AlterField("participant", "identifiant", models.CharField(max_length=50, verbose_name="identifiant")),
        migrations.AddConstraint("participant", models.UniqueConstraint(
            "plie", "identifiant", name="participant_identifiant_unique_par_plie")),
        migrations.AddConstraint("heuresclause", models.UniqueConstraint(
            fields=["plie", "salarie", "contrat", "marche", "mois"], name="heures_clause_unique_par_plie")),
        migrations.AddConstraint("orientationclause", models.UniqueConstraint(
            fields=["plie", "candidat", "date"], name="orientation_clause_unique_par_plie")),
    ]
