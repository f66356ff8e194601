# Plusieurs PLIE sur une installation : les données existantes vont au PLIE de l'installation, créé ici avec
# le nom et l'organisme des réglages (PLIE_DENOMINATION, PLIE_NOM...), le sigle « PLIE » et le préfixe « OP » : les numéros restent ceux d'avant.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import annuaire.models


def creer_le_plie_de_l_installation(apps, schema_editor):
    Plie = apps.get_model("annuaire", "Plie")
    organisme = settings.PLIE_ORGANISME
    plie = Plie.objects.create(nom=organisme["plie"], organisme_nom=organisme["nom"], sigle="PLIE", prefixe_operations="OP",
                               adresse=organisme["adresse"], commune=organisme["commune"],
                               representant=organisme["representant"], qualite=organisme["qualite"])
    for modele in ("Structure", "Commune", "Utilisateur"):
        apps.get_model("annuaire", modele).objects.update(plie=plie)


def champ_plie(related_name, null):
    return models.ForeignKey(null=null, blank=null, default=annuaire.models.plie_par_defaut,
                             on_delete=django.db.models.deletion.PROTECT, related_name=related_name,
                             to="annuaire.plie", verbose_name="PLIE")


class Migration(migrations.Migration):
    dependencies = [("annuaire", "0003_financeur_fse")]

    operations = [
        migrations.CreateModel(
            name="OrganismePivot",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("nom", models.CharField(max_length=200, unique=True, verbose_name="nom")),
            ],
            options={"verbose_name": "organisme intermédiaire pivot",
                     "verbose_name_plural": "organismes intermédiaires pivots", "ordering": ["nom"]},
        ),
        migrations.CreateModel(
            name="Plie",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("nom", models.CharField(help_text="Le nom du PLIE, tel que le lisent les partenaires (« PLIE du Beaunois »).", max_length=200, unique=True, verbose_name="nom")),
                ("organisme_nom", models.CharField(blank=True, help_text="La personne morale qui porte le PLIE et signe les conventions (GIP, association...) ; à défaut, le nom du PLIE.", max_length=200, verbose_name="organisme signataire")),
                ("sigle", models.CharField(help_text="Préfixe des numéros de convention : « PLIE » donne PLIE-2016-003.", max_length=30, unique=True, verbose_name="sigle")),
                ("prefixe_operations", models.CharField(help_text="« OP » donne OP-2016-001 ; chaque PLIE de l'installation a le sien.", max_length=20, unique=True, verbose_name="préfixe des codes d'opération")),
                ("adresse", models.TextField(blank=True, verbose_name="adresse")),
                ("commune", models.CharField(blank=True, max_length=100, verbose_name="commune du siège")),
                ("representant", models.CharField(blank=True, max_length=200, verbose_name="représentant légal")),
                ("qualite", models.CharField(blank=True, max_length=200, verbose_name="qualité du représentant")),
                ("pivot", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="plies", to="annuaire.organismepivot", verbose_name="organisme intermédiaire pivot")),
            ],
            options={"verbose_name": "PLIE", "verbose_name_plural": "PLIE", "ordering": ["nom"]},
        ),
        migrations.AddField("utilisateur", "plie", champ_plie("utilisateurs", null=True)),
        migrations.AddField("utilisateur", "pivot", models.ForeignKey(
            blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="utilisateurs",
            to="annuaire.organismepivot", verbose_name="organisme intermédiaire pivot",
            help_text="Pour un gestionnaire ou un membre de l'animation de l'OI pivot.")),
        migrations.AddField("structure", "plie", champ_plie("structures", null=True)),
        migrations.AddField("commune", "plie", champ_plie("communes", null=True)),
        migrations.RunPython(creer_le_plie_de_l_installation, migrations.RunPython.noop),
        migrations.AlterField("structure", "plie", champ_plie("structures", null=False)),
        migrations.AlterField("commune", "plie", champ_plie("communes", null=False)),
        migrations.AlterField("structure", "nom", models.CharField(max_length=200, verbose_name="nom")),
        migrations.AlterField("commune", "nom", models.CharField(max_length=100, verbose_name="nom")),
        migrations.AlterField("commune", "cle", models.CharField(editable=False, max_length=100)),
        migrations.AlterField("qpv", "nom", models.CharField(max_length=150, verbose_name="nom")),
        migrations.AlterField("qpv", "cle", models.CharField(editable=False, max_length=150)),
        migrations.AddConstraint("structure", models.UniqueConstraint("plie", "nom", name="structure_nom_unique_par_plie")),
        migrations.AddConstraint("commune", models.UniqueConstraint("plie", "cle", name="commune_unique_par_plie")),
        migrations.AddConstraint("qpv", models.UniqueConstraint("commune", "cle", name="qpv_unique_par_commune")),
    ]
