"""L'import des fichiers du service clauses (heures, orientations ; docs/clauses.md), lu comme l'import des
participants (`importation`) : mêmes en-têtes, séparateurs, dates et codes, tout ou rien, chaque erreur avec sa ligne
et sa colonne. Une ligne est reconnue par sa clé (salarié, contrat, marché, mois ; candidat, date) : le ré-import d'une
extraction complète crée les nouvelles, met à jour celles qui ont changé et compte les inchangées. Une ligne absente
du fichier n'est pas effacée (une extraction partielle, d'un seul mois, ne vide pas les autres).

Deux temps, comme l'import des participants : `analyser` vérifie sans rien écrire (aperçu de la page), `importer`
écrit en une transaction, par lots.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction

from annuaire import en_masse
from annuaire.models import Prescripteur, Qpv

from .importation import Erreur, ImportRefuse, _choix, _lire, _Lecteur, _Referentiels, plie_de_l_import
from .lecture import ValeurInvalide, lire_date, lire_decimal, texte
from .models import ImportClauses, Participant
from .models_clauses import HeuresClause, OrientationClause
from .options import ContratClause, Secteur, SecteurOrientation, Sexe

COLONNES_HEURES = {
    "salarie": True, "identifiant_participant": False, "sexe": True, "qpv": False, "employeur": True, "marche": True,
    "secteur": True, "contrat": True, "mois": True, "heures": True,
}
COLONNES_ORIENTATIONS = {
    "candidat": True, "identifiant_participant": False, "date": True, "prescripteur": True, "qpv": False,
    "secteur": True, "date_validation": False,
}
# L'ordre des valeurs d'une ligne analysée (un tuple), puis sa clé et les champs que le ré-import compare.
ORDRE_HEURES = ["salarie", "participant_id", "sexe", "qpv_id", "employeur", "marche", "secteur", "contrat", "mois",
                "heures"]
ORDRE_ORIENTATIONS = ["candidat", "participant_id", "date", "prescripteur_id", "qpv_id", "secteur", "date_validation"]
CLE_HEURES = ["salarie", "contrat", "marche", "mois"]
CHAMPS_HEURES = ["participant_id", "sexe", "qpv_id", "employeur", "secteur", "heures"]
CLE_ORIENTATION = ["candidat", "date"]
CHAMPS_ORIENTATION = ["participant_id", "prescripteur_id", "qpv_id", "secteur", "date_validation"]
ISO_MOIS, FRANCAIS_MOIS = re.compile(r"(\d{4})-(\d{1,2})"), re.compile(r"(\d{1,2})/(\d{4})")


def lire_mois(valeur) -> date | None:
    """Un mois `AAAA-MM` ou `MM/AAAA` (une cellule date d'un classeur : son mois), rendu comme son premier jour."""
    if isinstance(valeur, (date, datetime)):
        return date(valeur.year, valeur.month, 1)
    brut = texte(valeur)
    if not brut:
        return None
    if trouve := ISO_MOIS.fullmatch(brut):
        annee, mois = trouve.groups()
    elif trouve := FRANCAIS_MOIS.fullmatch(brut):
        mois, annee = trouve.groups()
    else:
        raise ValeurInvalide(f"« {brut} » n'est pas un mois (attendu AAAA-MM ou MM/AAAA).")
    if not 1 <= int(mois) <= 12:
        raise ValeurInvalide(f"« {brut} » n'est pas un mois qui existe.")
    return date(int(annee), int(mois), 1)


def lire_heures(valeur):
    heures = lire_decimal(valeur)
    if heures is not None and heures <= 0:
        raise ValeurInvalide(f"« {texte(valeur)} » : le nombre d'heures doit être supérieur à zéro.")
    return heures


@dataclass
class AnalyseClauses:
    heures: list[tuple] = field(default_factory=list)  # valeurs dans l'ordre de ORDRE_HEURES
    orientations: list[tuple] = field(default_factory=list)  # dans l'ordre de ORDRE_ORIENTATIONS
    colonnes_ignorees: list[str] = field(default_factory=list)
    fichiers: dict[str, tuple[str, str]] = field(default_factory=dict)
    avertissements: list[str] = field(default_factory=list)  # la trace partagée de `importation._lire`
    plie_id: int | None = None  # le PLIE de l'import : ses lignes, ses quartiers, ses participants


class _Codes:
    def __init__(self, plie):
        self.plie_id = plie.pk
        self.qpv = {q.cle: q.pk for q in Qpv.objects.filter(commune__plie=plie)}
        self.prescripteurs = _Referentiels._codes(Prescripteur.objects.all())


def _participants_connus(identifiants: set[str], plie_id: int) -> dict[str, int]:
    return dict(en_masse.parmi(Participant.objects.filter(plie_id=plie_id).values_list("identifiant", "pk"),
                               "identifiant", identifiants))


def _lier(lecteur: _Lecteur, identifiants: list, plie_id: int) -> list:
    """La clé primaire du participant de chaque ligne (None sans identifiant) ; un identifiant inconnu est une erreur."""
    connus = _participants_connus({i for i in identifiants if i}, plie_id)
    for rang, identifiant in enumerate(identifiants):
        if identifiant and identifiant not in connus:
            lecteur.noter(rang, "identifiant_participant", f"« {identifiant} » n'est pas un participant du PLIE connu.")
    return [connus.get(i) for i in identifiants]


def _garder(lecteur: _Lecteur, colonnes: dict, cle: list[str], doublon: str) -> list[tuple]:
    """Les lignes sans erreur, en tuples dans l'ordre de `colonnes` (une extraction d'un million de lignes tient en
    mémoire) ; une clé déjà vue plus haut est une erreur de la ligne."""
    champs, vues, gardees = list(colonnes), set(), []
    rangs_cle = [champs.index(c) for c in cle]
    for rang, ligne in enumerate(zip(*colonnes.values())):
        if rang in lecteur.en_erreur:
            continue
        identite = tuple(ligne[i] for i in rangs_cle)
        if identite in vues:
            lecteur.noter(rang, cle[-1], doublon)
            continue
        vues.add(identite)
        gardees.append(ligne)
    return gardees


def _heures(lecteur: _Lecteur, codes: _Codes, analyse: AnalyseClauses):
    lire = lecteur.lire
    lignes = {
        "salarie": lire("salarie"),
        "participant_id": _lier(lecteur, lire("identifiant_participant"), codes.plie_id),
        "sexe": lire("sexe", lambda v: _choix(Sexe, texte(v), "un sexe (H ou F)")),
        "qpv_id": lecteur.chercher("qpv", codes.qpv, "un quartier prioritaire du territoire"),
        "employeur": lire("employeur"),
        "marche": lire("marche"),
        "secteur": lire("secteur", lambda v: _choix(Secteur, texte(v), "un secteur")),
        "contrat": lire("contrat", lambda v: _choix(ContratClause, texte(v), "un contrat")),
        "mois": lire("mois", lire_mois),
        "heures": lire("heures", lire_heures),
    }
    assert list(lignes) == ORDRE_HEURES
    analyse.heures = _garder(lecteur, lignes, CLE_HEURES,
                             "la même ligne (salarié, contrat, marché, mois) apparaît déjà plus haut.")


def _orientations(lecteur: _Lecteur, codes: _Codes, analyse: AnalyseClauses):
    lire = lecteur.lire
    lignes = {
        "candidat": lire("candidat"),
        "participant_id": _lier(lecteur, lire("identifiant_participant"), codes.plie_id),
        "date": lire("date", lire_date),
        "prescripteur_id": lecteur.chercher("prescripteur", codes.prescripteurs, "un prescripteur connu"),
        "qpv_id": lecteur.chercher("qpv", codes.qpv, "un quartier prioritaire du territoire"),
        "secteur": lire("secteur", lambda v: _choix(SecteurOrientation, texte(v), "un secteur (BTP, SERVICES ou LES_DEUX)")),
        "date_validation": lire("date_validation", lire_date),
    }
    for rang, (orientee, validee) in enumerate(zip(lignes["date"], lignes["date_validation"])):
        if orientee and validee and validee < orientee:
            lecteur.noter(rang, "date_validation", "la validation précède l'orientation.")
    assert list(lignes) == ORDRE_ORIENTATIONS
    analyse.orientations = _garder(lecteur, lignes, CLE_ORIENTATION,
                                   "la même orientation (candidat, date) apparaît déjà plus haut.")


def analyser(fichier_heures: tuple[str, bytes] | None, fichier_orientations: tuple[str, bytes] | None = None, *,
             plie=None) -> AnalyseClauses:
    """Lit et vérifie les fichiers sans rien écrire ; lève ImportRefuse avec toutes les erreurs trouvées. `plie` :
    celui de qui importe (`importation.plie_de_l_import`)."""
    plie = plie_de_l_import(plie)
    codes, analyse, erreurs = _Codes(plie), AnalyseClauses(plie_id=plie.pk), []
    for fichier, colonnes, role, lire in ((fichier_heures, COLONNES_HEURES, "heures", _heures),
                                          (fichier_orientations, COLONNES_ORIENTATIONS, "orientations", _orientations)):
        if not fichier:
            continue
        try:
            lecteur = _lire(fichier, colonnes, analyse, role)
        except ImportRefuse as refus:
            erreurs += refus.erreurs
            continue
        lire(lecteur, codes, analyse)
        erreurs += lecteur.erreurs_dans_l_ordre()
    if not analyse.fichiers:
        erreurs.append(Erreur("", None, "fichiers", "aucun fichier à importer."))
    if erreurs:
        raise ImportRefuse(erreurs)
    return analyse


def _comparer(modele, ordre: list[str], lignes: list[tuple], cle: list[str], champs: list[str], plie_id: int):
    """(nouvelles, modifiées, nombre d'inchangées), sans rien écrire ; les nouvelles : des tuples dans `ordre` ; les
    modifiées : (clé primaire, *valeurs des `champs`)."""
    if not lignes:
        return [], [], 0
    rangs_cle, rangs_champs = [ordre.index(c) for c in cle], [ordre.index(c) for c in champs]
    premier = rangs_cle[0]
    existantes = {tuple(ligne[1:1 + len(cle)]): (ligne[0], list(ligne[1 + len(cle):])) for ligne in en_masse.parmi(
        modele.objects.filter(plie_id=plie_id).values_list("pk", *cle, *champs), cle[0],
        {ligne[premier] for ligne in lignes})}
    if not existantes:  # un premier import : tout est nouveau, rien à comparer
        return lignes, [], 0
    nouvelles, modifiees = [], []
    for ligne in lignes:
        actuelle = existantes.get(tuple(ligne[i] for i in rangs_cle))
        valeurs = [ligne[i] for i in rangs_champs]
        if actuelle is None:
            nouvelles.append(ligne)
        elif actuelle[1] != valeurs:
            modifiees.append((actuelle[0], *valeurs))
    return nouvelles, modifiees, len(lignes) - len(nouvelles) - len(modifiees)


def apercu(analyse: AnalyseClauses) -> dict:
    """Ce que ferait l'import (page d'aperçu avant confirmation)."""
    h = _comparer(HeuresClause, ORDRE_HEURES, analyse.heures, CLE_HEURES, CHAMPS_HEURES, analyse.plie_id)
    o = _comparer(OrientationClause, ORDRE_ORIENTATIONS, analyse.orientations, CLE_ORIENTATION, CHAMPS_ORIENTATION,
                  analyse.plie_id)
    return {"heures_creees": len(h[0]), "heures_modifiees": len(h[1]), "heures_inchangees": h[2],
            "orientations_creees": len(o[0]), "orientations_modifiees": len(o[1]), "orientations_inchangees": o[2]}


def importer(analyse: AnalyseClauses, *, user=None) -> ImportClauses:
    """Écrit l'analyse en une transaction : crée, met à jour ce qui a changé, compte l'inchangé."""
    compte = {}
    with transaction.atomic():
        for modele, ordre, lignes, cle, champs, nom in (
                (HeuresClause, ORDRE_HEURES, analyse.heures, CLE_HEURES, CHAMPS_HEURES, "heures"),
                (OrientationClause, ORDRE_ORIENTATIONS, analyse.orientations, CLE_ORIENTATION, CHAMPS_ORIENTATION,
                 "orientations")):
            nouvelles, modifiees, inchangees = _comparer(modele, ordre, lignes, cle, champs, analyse.plie_id)
            en_masse.inserer(modele, ({**dict(zip(ordre, ligne)), "plie_id": analyse.plie_id} for ligne in nouvelles))
            en_masse.mettre_a_jour(modele, champs, modifiees)
            compte.update({f"{nom}_creees": len(nouvelles), f"{nom}_modifiees": len(modifiees),
                           f"{nom}_inchangees": inchangees})
        (nom_h, emp_h), (nom_o, emp_o) = (analyse.fichiers.get(r, ("", "")) for r in ("heures", "orientations"))
        return ImportClauses.objects.create(plie_id=analyse.plie_id, par=user, fichier_heures=nom_h, empreinte_heures=emp_h,
                                            fichier_orientations=nom_o, empreinte_orientations=emp_o, **compte)


def resume(trace: ImportClauses) -> str:
    """Les comptes d'un import, en une phrase par fichier (la commande et la page disent les mêmes mots)."""
    return (f"Heures : {trace.heures_creees} ligne(s) créée(s), {trace.heures_modifiees} modifiée(s), "
            f"{trace.heures_inchangees} inchangée(s).\n"
            f"Orientations : {trace.orientations_creees} créée(s), {trace.orientations_modifiees} modifiée(s), "
            f"{trace.orientations_inchangees} inchangée(s).")
