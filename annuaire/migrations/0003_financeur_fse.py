"""Le financeur FSE s'appelle « Fonds social européen » : il finance des opérations du FSE 2014-2020 comme du FSE+
2021-2027 ; le programme de chaque opération dit lequel (operations.Programme)."""
from django.db import migrations


def renommer(apps, schema_editor):
    apps.get_model("annuaire", "Financeur").objects.filter(code="FSE", libelle="Fonds social européen (FSE+)").update(
        libelle="Fonds social européen")


class Migration(migrations.Migration):
    dependencies = [("annuaire", "0002_referentiel")]
    operations = [migrations.RunPython(renommer, migrations.RunPython.noop)]
