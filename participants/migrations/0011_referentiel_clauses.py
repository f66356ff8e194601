"""Le référentiel des clauses d'insertion : les prescripteurs du dispositif clauses (docs/clauses.md ; `PLIE` pour
les orientations des référents du PLIE) et le motif de sortie positive « contrat de professionnalisation ».

Les prescripteurs sont ceux des participants (`annuaire.Prescripteur`, une seule liste, modifiable dans
l'administration) ; rejouée, la migration met à jour sans dupliquer et ne touche pas aux libellés déjà modifiés.
"""
from django.db import migrations
from django.db.models import F, Max

PRESCRIPTEURS = [
    ("PLIE", "Référent du PLIE"),
    ("ARIQ_BTP", "ARIQ BTP"),
    ("EUREKA_INTERIM", "Eurêka Intérim"),
    ("IDEES_INTERIM", "ID'EES Intérim"),
    ("POLE_EMPLOI", "France Travail (ex-Pôle emploi)"),
    ("ENTREPRISE", "Entreprise"),
    ("MDEF", "Maison de l'emploi et de la formation (MDEF)"),
    ("ESPACE_EMPLOI_LONGVIC", "Espace emploi de Longvic"),
    ("SERVICE_EMPLOI_CHENOVE", "Service emploi de Chenôve"),
]


def charger(apps, schema_editor):
    Prescripteur, MotifSortie = apps.get_model("annuaire", "Prescripteur"), apps.get_model("participants", "MotifSortie")
    suivant = (Prescripteur.objects.aggregate(m=Max("ordre"))["m"] or 0) + 1
    for rang, (code, libelle) in enumerate(PRESCRIPTEURS):
        Prescripteur.objects.get_or_create(code=code, defaults={"libelle": libelle, "ordre": suivant + rang})
    # Juste après le CDI : une sortie vers l'emploi hors emplois aidés (un contrat de droit commun, CDD ou CDI).
    cdi = MotifSortie.objects.filter(code="CDI").values_list("ordre", flat=True).first() or 0
    if not MotifSortie.objects.filter(code="CONTRAT_PRO").exists():
        MotifSortie.objects.filter(ordre__gt=cdi).update(ordre=F("ordre") + 1)
        MotifSortie.objects.create(code="CONTRAT_PRO", libelle="Contrat de professionnalisation de 6 mois et plus",
                                   categorie="emploi", neutre=False, ordre=cdi + 1)




class Migration(migrations.Migration):
    dependencies = [("participants", "0010_clauses_insertion"), ("annuaire", "0002_referentiel")]
    operations = [migrations.RunPython(charger, migrations.RunPython.noop)]
