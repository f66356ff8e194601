# Plusieurs PLIE : les appels à projets et les comités existants vont au PLIE de l'installation.
import django.db.models.deletion
from django.db import migrations, models

import annuaire.models


def ranger_dans_le_plie_de_l_installation(apps, schema_editor):
    plie = apps.get_model("annuaire", "Plie").objects.order_by("pk").first()
    if plie is None:
        return
    for modele in ("AppelAProjets", "Comite"):
        apps.get_model("appels_projets", modele).objects.update(plie=plie)


def champ_plie(related_name, null):
    return models.ForeignKey(null=null, blank=null, default=annuaire.models.plie_par_defaut,
                             on_delete=django.db.models.deletion.PROTECT, related_name=related_name,
                             to="annuaire.plie", verbose_name="PLIE")


class Migration(migrations.Migration):
    dependencies = [
        ("annuaire", "0004_plie"),
        ("appels_projets", "0002_programme"),
    ]

    operations = [
        migrations.AddField("appelaprojets", "plie", champ_plie("appels", null=True)),
        migrations.AddField("comite", "plie", champ_plie("comites", null=True)),
        migrations.RunPython(ranger_dans_le_plie_de_l_installation, migrations.RunPython.noop),
        migrations.AlterField("appelaprojets", "plie", champ_plie("appels", null=False)),
        migrations.AlterField("comite", "plie", champ_plie("comites", null=False)),
    ]
