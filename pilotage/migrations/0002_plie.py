# Plusieurs PLIE : chaque PLIE a ses destinataires et sa lettre du mois ; les existants vont au PLIE de l'installation.
import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models

import annuaire.models

RACINES = {"destinataire": "destinataires", "lettremensuelle": "lettres"}


def ranger_dans_le_plie_de_l_installation(apps, schema_editor):
    plie = apps.get_model("annuaire", "Plie").objects.order_by("pk").first()
    if plie is None:
        return
    for modele in RACINES:
        apps.get_model("pilotage", modele).objects.update(plie=plie)


def champ_plie(related_name, null):
    return models.ForeignKey(null=null, blank=null, default=annuaire.models.plie_par_defaut,
                             on_delete=django.db.models.deletion.PROTECT, related_name=related_name,
                             to="annuaire.plie", verbose_name="PLIE")


class Migration(migrations.Migration):
    dependencies = [("annuaire", "0004_plie"), ("pilotage", "0001_lettre_mensuelle")]

    operations = [
        *[migrations.AddField(modele, "plie", champ_plie(nom, null=True)) for modele, nom in RACINES.items()],
        migrations.RunPython(ranger_dans_le_plie_de_l_installation, migrations.RunPython.noop),
        *[migrations.AlterField(modele, "plie", champ_plie(nom, null=False)) for modele, nom in RACINES.items()],
        migrations.RemoveConstraint("destinataire", "destinataire_courriel_unique_sans_casse"),
        migrations.AddConstraint("destinataire", models.UniqueConstraint(
            "plie", django.db.models.functions.text.Lower("courriel"), name="destinataire_courriel_unique_par_plie",
            violation_error_message="Cette adresse électronique reçoit déjà la lettre.")),
        migrations.AlterField("lettremensuelle", "mois", models.DateField(
            help_text="Le premier jour du mois dont la lettre rend compte.", verbose_name="mois")),
        migrations.AddConstraint("lettremensuelle", models.UniqueConstraint(
            "plie", "mois", name="une_lettre_par_plie_et_par_mois")),
    ]
