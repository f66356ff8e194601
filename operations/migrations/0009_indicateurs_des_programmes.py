# Les indicateurs des programmes relus du référentiel (operations/referentiel/programmes.json) : filtres corrigés au
# regard des annexes I des règlements (UE) n° 1304/2013 et 2021/1057, sur les nouvelles réponses du questionnaire FSE.
# Seuls `indicateurs` et `source_indicateurs` sont repris ; le reste des programmes (modifiable dans l'administration)
# ne bouge pas.
import json

from django.db import migrations


def relire(apps, schema_editor):
    from operations.programmes import REFERENTIEL

    Programme = apps.get_model("operations", "Programme")
    for donnees in json.loads(REFERENTIEL.read_text(encoding="utf-8"))["programmes"]:
        Programme.objects.filter(code=donnees["code"]).update(
            indicateurs=donnees["indicateurs"], source_indicateurs=donnees["source_indicateurs"])


class Migration(migrations.Migration):

    dependencies = [
        ('operations', '0008_demande_d_origine'),
    ]

    operations = [migrations.RunPython(relire, migrations.RunPython.noop)]
