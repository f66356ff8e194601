"""Une population synthétique à grande échelle, écrite par COPY (PostgreSQL) : des participants et leurs étapes,
répartis sur 2014-2017, pour mesurer le rapport et l'import à la taille d'un réseau de PLIE."""
import io
import random
from datetime import date, timedelta

from django.db import connection

from annuaire.models import Commune, Prescripteur, Structure
from participants.models import MotifSortie, TypeEtape

DEBUT = date(2014, 1, 1)


def _copier(table: str, colonnes: list[str], lignes):
    tampon = io.StringIO()
    for ligne in lignes:
        tampon.write("\t".join("\\N" if v is None else str(v) for v in ligne) + "\n")
    tampon.seek(0)
    with connection.cursor() as curseur, curseur.connection.cursor().copy(
            f"COPY {table} ({', '.join(colonnes)}) FROM STDIN") as copie:
        while bloc := tampon.read(1 << 20):
            copie.write(bloc)


def generer(participants: int, etapes: int, graine: int = 42):
    hasard = random.Random(graine)
    communes = list(Commune.objects.values_list("pk", flat=True))
    prescripteurs = list(Prescripteur.objects.values_list("pk", flat=True))
    motifs = list(MotifSortie.objects.values_list("pk", flat=True))
    types = list(TypeEtape.objects.values_list("pk", flat=True))
    structures = [Structure.objects.get_or_create(nom=f"Structure de banc {n}", defaults={"categorie": "porteur"})[0].pk
                  for n in range(20)]

    def participant(rang):
        entree = DEBUT + timedelta(days=hasard.randint(0, 1400))
        sortie = entree + timedelta(days=hasard.randint(30, 900)) if hasard.random() < 0.5 else None
        return (f"BENCH-{rang:07d}", "Nom", "Prénom", hasard.choice("HF"),
                entree - timedelta(days=365 * hasard.randint(18, 64) + hasard.randint(0, 364)),
                hasard.choice(communes), None, hasard.choice(prescripteurs), "", hasard.choice(structures), "",
                entree, sortie, hasard.choice(motifs) if sortie else None, "DE", "", None, "", None, None, None,
                None, "2026-01-01 00:00:00+00", "2026-01-01 00:00:00+00", "entre", "", "", "", "", "", "", "", "", "",
                "")

    _copier("participants_participant", [
        "identifiant", "nom", "prenom", "sexe", "date_naissance", "commune_id", "qpv_id", "prescripteur_id",
        "referent_texte", "structure_referent_id", "structure_referent_texte", "date_entree", "date_sortie",
        "motif_sortie_id", "situation_entree", "niveau_formation", "beneficiaire_rsa", "rqth", "menage_sans_emploi",
        "enfants_a_charge", "parent_isole", "sans_domicile", "cree_le", "modifie_le", "statut_entree",
        "motif_refus_entree", "origine_etrangere", "minorite", "autre_defavorise", "situation_sortie", "telephone",
        "courriel", "contact_nom", "contact_telephone", "contact_courriel"],
        (participant(rang) for rang in range(participants)))
    premiers = list(connection.cursor().execute(
        "SELECT id, date_entree FROM participants_participant WHERE identifiant LIKE 'BENCH-%%'").fetchall())

    def etape(rang):
        pk, entree = premiers[rang % len(premiers)]
        debut = entree + timedelta(days=rang // len(premiers) * 37 + hasard.randint(0, 30))
        return (pk, hasard.choice(types), debut, debut + timedelta(days=hasard.randint(1, 200)), "", "", "",
                hasard.randint(7, 400))

    _copier("participants_etape", ["participant_id", "type_id", "date_debut", "date_fin", "employeur", "secteur",
                                   "contrat_clause", "heures"], (etape(rang) for rang in range(etapes)))
    with connection.cursor() as curseur:
        curseur.execute("ANALYZE participants_participant; ANALYZE participants_etape;")
