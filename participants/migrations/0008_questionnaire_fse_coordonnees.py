# Le questionnaire FSE complet (indicateurs des programmes 2014-2020 et 2021-2027), les coordonnées du participant ou
# d'un contact désigné ; le handicap accepte « ne souhaite pas répondre » (oui / non / refus au lieu d'un booléen).
from django.db import migrations, models

REPONSES = [("oui", "Oui"), ("non", "Non"), ("refus", "Ne souhaite pas répondre")]


def handicap_en_reponse(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    Participant.objects.filter(rqth=True).update(rqth_reponse="oui")
    Participant.objects.filter(rqth=False).update(rqth_reponse="non")


def handicap_en_booleen(apps, schema_editor):
    Participant = apps.get_model("participants", "Participant")
    Participant.objects.filter(rqth_reponse="oui").update(rqth=True)
    Participant.objects.filter(rqth_reponse="non").update(rqth=False)


def reponse(libelle):
    return models.CharField(blank=True, choices=REPONSES, db_default='', default='', max_length=5, verbose_name=libelle)


class Migration(migrations.Migration):

    dependencies = [
        ('participants', '0007_preuve_des_sorties'),
    ]

    operations = [
        migrations.AddField(
            model_name='participant',
            name='rqth_reponse',
            field=models.CharField(blank=True, choices=REPONSES, default='', max_length=5),
            preserve_default=False,
        ),
        migrations.RunPython(handicap_en_reponse, handicap_en_booleen),
        migrations.RemoveField(model_name='participant', name='rqth'),
        migrations.RenameField(model_name='participant', old_name='rqth_reponse', new_name='rqth'),
        migrations.AlterField(
            model_name='participant',
            name='rqth',
            field=reponse('handicap reconnu (RQTH ou équivalent)'),
        ),
        migrations.AddField(
            model_name='participant',
            name='etudes_ou_formation',
            field=models.BooleanField(blank=True, help_text='À renseigner pour une personne inactive : « inactive ne suivant ni études ni formation ».', null=True, verbose_name="suit des études ou une formation à l'entrée"),
        ),
        migrations.AddField(
            model_name='participant',
            name='ressortissant_pays_tiers',
            field=models.BooleanField(blank=True, null=True, verbose_name="ressortissant d'un pays tiers (hors Union européenne)"),
        ),
        migrations.AddField(model_name='participant', name='origine_etrangere', field=reponse("d'origine étrangère")),
        migrations.AddField(
            model_name='participant',
            name='minorite',
            field=reponse('appartient à une minorité (y compris les communautés marginalisées telles que les Roms)'),
        ),
        migrations.AddField(model_name='participant', name='autre_defavorise',
                            field=reponse('autre situation de désavantage')),
        migrations.AddField(
            model_name='participant',
            name='zone_rurale',
            field=models.BooleanField(blank=True, help_text="Commune peu dense ou très peu dense (grille communale de densité de l'Insee).", null=True, verbose_name='réside en zone rurale'),
        ),
        migrations.AddField(
            model_name='participant',
            name='situation_sortie',
            field=models.CharField(blank=True, db_default='', default='', choices=[('EMPLOI', 'En emploi, y compris indépendant'), ('FORMATION', 'En études ou en formation'), ('RECHERCHE_EMPLOI', "En recherche d'emploi"), ('INACTIF', "Inactif, sans recherche d'emploi")], max_length=20, verbose_name='situation à la sortie'),
        ),
        migrations.AddField(
            model_name='participant',
            name='qualification_obtenue',
            field=models.BooleanField(blank=True, null=True, verbose_name='qualification obtenue'),
        ),
        migrations.AddField(
            model_name='participant',
            name='telephone',
            field=models.CharField(blank=True, db_default='', default='', max_length=20, verbose_name='téléphone'),
        ),
        migrations.AddField(
            model_name='participant',
            name='courriel',
            field=models.EmailField(blank=True, db_default='', default='', max_length=254, verbose_name='courriel'),
        ),
        migrations.AddField(
            model_name='participant',
            name='contact_nom',
            field=models.CharField(blank=True, db_default='', default='', help_text="Une personne qui peut joindre le participant s'il n'a ni téléphone ni courriel.", max_length=150, verbose_name='contact désigné'),
        ),
        migrations.AddField(
            model_name='participant',
            name='contact_telephone',
            field=models.CharField(blank=True, db_default='', default='', max_length=20, verbose_name='téléphone du contact'),
        ),
        migrations.AddField(
            model_name='participant',
            name='contact_courriel',
            field=models.EmailField(blank=True, db_default='', default='', max_length=254, verbose_name='courriel du contact'),
        ),
    ]
