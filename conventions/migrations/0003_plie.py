# Plusieurs PLIE : chaque PLIE numérote ses conventions (SIGLE-AAAA-NNN) ; les compteurs existants sont ceux du PLIE
# de l'installation, dont le sigle « PLIE » garde les numéros d'avant.
import django.db.models.deletion
from django.db import migrations, models

import annuaire.models


def ranger_dans_le_plie_de_l_installation(apps, schema_editor):
    plie = apps.get_model("annuaire", "Plie").objects.order_by("pk").first()
    if plie is None:
        return
    apps.get_model("conventions", "CompteurConventions").objects.update(plie=plie)


def champ_plie(null):
    return models.ForeignKey(null=null, blank=null, default=annuaire.models.plie_par_defaut,
                             on_delete=django.db.models.deletion.PROTECT, related_name="compteurs_conventions",
                             to="annuaire.plie", verbose_name="PLIE")


class Migration(migrations.Migration):
    dependencies = [
        ("annuaire", "0004_plie"),
        ("conventions", "0002_option_de_couts_du_programme"),
    ]

    operations = [
        migrations.AddField("compteurconventions", "plie", champ_plie(null=True)),
        migrations.RunPython(ranger_dans_le_plie_de_l_installation, migrations.RunPython.noop),
        migrations.AlterField("compteurconventions", "plie", champ_plie(null=False)),
        migrations.AlterField("compteurconventions", "annee", models.PositiveSmallIntegerField(verbose_name="année")),
        migrations.AddConstraint("compteurconventions", models.UniqueConstraint(
            fields=("plie", "annee"), name="compteur_conventions_par_plie")),
    ]
