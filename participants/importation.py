"""L'import des extractions de l'outil de suivi (docs/specs/import-participants.md) : tout ou rien, mise à jour
par identifiant, chaque erreur avec sa ligne et sa colonne, une trace de chaque import.

Deux temps : `analyser` lit et vérifie tout sans rien écrire (l'aperçu de la page d'import), `importer` écrit
l'analyse en une transaction, par lots (bulk) pour tenir des extractions de 100 000 lignes.
"""
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

from annuaire.models import Commune, Prescripteur, Qpv, Structure, Utilisateur
from annuaire.normalisation import cle_de_recherche
from operations.models import Operation

from .lecture import FichierIllisible, ValeurInvalide, cle, cle_entete, lire_booleen, lire_date, lire_decimal, lire_tableau, texte
from .models import Etape, ImportParticipants, MotifSortie, Participant, TypeEtape
from .options import ContratClause, NiveauFormation, Secteur, SituationEntree, Sexe

BOOLEENS = ["beneficiaire_rsa", "rqth", "menage_sans_emploi", "enfants_a_charge", "parent_isole", "sans_domicile"]
COLONNES_PARTICIPANTS = {  # colonne -> obligatoire
    "identifiant": True, "nom": True, "prenom": True, "sexe": True, "date_naissance": True, "commune": True,
    "qpv": False, "prescripteur": True, "referent": False, "structure_referent": False, "date_entree": True,
    "date_sortie": False, "motif_sortie": False, "situation_entree": False, "niveau_formation": False,
    **dict.fromkeys(BOOLEENS, False),
}
COLONNES_ETAPES = {
    "identifiant_participant": True, "type_etape": True, "date_debut": True, "date_fin": False, "operation": False,
    "heures": False, "employeur": False, "secteur": False, "contrat_clause": False,
}
CHAMPS_PARTICIPANT = [
    "nom", "prenom", "sexe", "date_naissance", "commune_id", "qpv_id", "prescripteur_id", "referent_id",
    "referent_texte", "structure_referent_id", "structure_referent_texte", "date_entree", "date_sortie",
    "motif_sortie_id", "situation_entree", "niveau_formation", *BOOLEENS,
]
CHAMPS_ETAPE = ["date_fin", "operation_id", "heures", "employeur", "secteur", "contrat_clause"]


@dataclass(frozen=True)
class Erreur:
    fichier: str
    ligne: int | None
    colonne: str
    message: str

    def __str__(self):
        ou = f"ligne {self.ligne}, colonne {self.colonne}" if self.ligne else self.colonne
        return f"{self.fichier}, {ou} : {self.message}" if self.fichier else f"{ou} : {self.message}"


class ImportRefuse(Exception):
    """Rien n'a été écrit ; `erreurs` dit où et pourquoi."""

    def __init__(self, erreurs: list[Erreur]):
        self.erreurs = erreurs
        super().__init__("\n".join(str(e) for e in erreurs))


@dataclass
class Analyse:
    """Ce que l'import écrirait : les lignes valides, les avertissements, les colonnes ignorées."""

    participants: dict[str, dict] = field(default_factory=dict)
    etapes: list[dict] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)
    colonnes_ignorees: list[str] = field(default_factory=list)
    fichiers: dict[str, tuple[str, str]] = field(default_factory=dict)  # rôle -> (nom, empreinte)


class _Referentiels:
    """Les données de référence, chargées une fois, cherchées par clé (casse, accents, tirets et espaces ignorés)."""

    def __init__(self):
        self.communes = {c.cle: c.pk for c in Commune.objects.all()}
        self.qpv = {q.cle: q.pk for q in Qpv.objects.all()}
        self.prescripteurs = self._codes(Prescripteur.objects.all())
        self.motifs = self._codes(MotifSortie.objects.all())
        self.types = self._codes(TypeEtape.objects.all())
        self.referents = {}
        for u in Utilisateur.objects.filter(groups__name="referent"):
            self.referents[cle_de_recherche(u.username)] = u.pk
            self.referents[cle_de_recherche(u.get_full_name())] = u.pk
        self.structures = {}
        for s in Structure.objects.all():
            self.structures[cle_de_recherche(s.nom)] = s.pk
            if s.sigle:
                self.structures.setdefault(cle_de_recherche(s.sigle), s.pk)
        self.operations = dict(Operation.objects.values_list("code", "pk"))

    @staticmethod
    def _codes(queryset) -> dict:
        table = {}
        for objet in queryset:
            table[cle_de_recherche(objet.code)] = objet.pk
            table.setdefault(cle_de_recherche(objet.libelle), objet.pk)
        return table


@lru_cache(maxsize=None)
def _codes(classe) -> dict[str, str]:
    """Code ou libellé (sans casse ni accents) -> code, pour une liste fermée."""
    return {**{cle(libelle): code for code, libelle in classe.choices}, **{cle(code): code for code in classe.values}}


def _choix(classe, valeur: str, attendu: str) -> str:
    """Un code d'une liste fermée, ou son libellé français ; vide accepté."""
    if not valeur:
        return ""
    if (code := _codes(classe).get(cle(valeur))) is not None:
        return code
    raise ValeurInvalide(f"« {valeur} » n'est pas {attendu} (codes : {', '.join(classe.values)}).")


class _Lecteur:
    """Lit les lignes d'un fichier colonne par colonne, en notant chaque erreur avec sa ligne et sa colonne."""

    def __init__(self, nom_fichier: str, entetes: list[str], colonnes: dict[str, bool], erreurs: list[Erreur]):
        self.nom, self.erreurs = nom_fichier, erreurs
        self.colonnes = {cle_entete(c): c for c in colonnes}
        presentes = {cle_entete(e) for e in entetes}
        manquantes = [c for c, requise in colonnes.items() if requise and cle_entete(c) not in presentes]
        if manquantes:
            raise ImportRefuse([Erreur(nom_fichier, None, "en-têtes",
                                       f"colonne(s) obligatoire(s) absente(s) : {', '.join(manquantes)}.")])
        self.ignorees = [e for e in entetes if e and cle_entete(e) not in self.colonnes]
        self.obligatoires = {cle_entete(c) for c, requise in colonnes.items() if requise}

    def lire(self, numero: int, ligne: dict, colonne: str, conversion=texte, requise=None):
        """La valeur convertie, ou None après avoir noté l'erreur."""
        brut = ligne.get(cle_entete(colonne), "")
        obligatoire = cle_entete(colonne) in self.obligatoires if requise is None else requise
        if obligatoire and not texte(brut):
            self.erreurs.append(Erreur(self.nom, numero, colonne, "valeur obligatoire manquante."))
            return None
        try:
            return conversion(brut)
        except ValeurInvalide as erreur:
            self.erreurs.append(Erreur(self.nom, numero, colonne, str(erreur)))
            return None

    def chercher(self, numero: int, ligne: dict, colonne: str, table: dict, quoi: str, requise=None):
        valeur = self.lire(numero, ligne, colonne, requise=requise)
        if not valeur:
            return None
        pk = table.get(cle(valeur))
        if pk is None:
            self.erreurs.append(Erreur(self.nom, numero, colonne, f"« {valeur} » n'est pas {quoi}."))
        return pk


def _empreinte(contenu: bytes) -> str:
    return hashlib.sha256(contenu).hexdigest()


def analyser(fichier_participants: tuple[str, bytes], fichier_etapes: tuple[str, bytes] | None = None) -> Analyse:
    """Lit et vérifie les deux fichiers sans rien écrire ; lève ImportRefuse avec toutes les erreurs trouvées."""
    ref, erreurs, analyse = _Referentiels(), [], Analyse()
    nom, contenu = fichier_participants
    analyse.fichiers["participants"] = (nom, _empreinte(contenu))
    try:
        entetes, lignes = lire_tableau(contenu, nom)
    except FichierIllisible as refus:
        raise ImportRefuse([Erreur(nom, None, "fichier", str(refus))]) from None
    lecteur = _Lecteur(nom, entetes, COLONNES_PARTICIPANTS, erreurs)
    analyse.colonnes_ignorees += lecteur.ignorees
    for numero, ligne in lignes:
        participant = _participant(lecteur, ref, numero, ligne, analyse)
        if participant is None:
            continue
        if participant["identifiant"] in analyse.participants:
            erreurs.append(Erreur(nom, numero, "identifiant", f"« {participant['identifiant']} » apparaît déjà plus haut "
                                                              "dans le fichier."))
            continue
        analyse.participants[participant["identifiant"]] = participant
    if fichier_etapes:
        _etapes(fichier_etapes, ref, erreurs, analyse)
    if erreurs:
        raise ImportRefuse(erreurs)
    return analyse


def _participant(lecteur: _Lecteur, ref: _Referentiels, numero: int, ligne: dict, analyse: Analyse) -> dict | None:
    avant = len(lecteur.erreurs)
    lire, chercher = lecteur.lire, lecteur.chercher
    p = {
        "identifiant": lire(numero, ligne, "identifiant"),
        "nom": lire(numero, ligne, "nom"),
        "prenom": lire(numero, ligne, "prenom"),
        "sexe": lire(numero, ligne, "sexe", lambda v: _choix(Sexe, texte(v), "un sexe (H ou F)")),
        "date_naissance": lire(numero, ligne, "date_naissance", lire_date),
        "commune_id": chercher(numero, ligne, "commune", ref.communes,
                               "une commune du territoire : seuls ses habitants sont éligibles au PLIE"),
        "qpv_id": chercher(numero, ligne, "qpv", ref.qpv, "un quartier prioritaire du territoire"),
        "prescripteur_id": chercher(numero, ligne, "prescripteur", ref.prescripteurs, "un prescripteur connu"),
        "date_entree": lire(numero, ligne, "date_entree", lire_date),
        "date_sortie": lire(numero, ligne, "date_sortie", lire_date),
        "situation_entree": lire(numero, ligne, "situation_entree",
                                 lambda v: _choix(SituationEntree, texte(v), "une situation à l'entrée")),
        "niveau_formation": lire(numero, ligne, "niveau_formation",
                                 lambda v: _choix(NiveauFormation, texte(v), "un niveau de formation")),
        **{b: lire(numero, ligne, b, lire_booleen) for b in BOOLEENS},
    }
    p["motif_sortie_id"] = chercher(numero, ligne, "motif_sortie", ref.motifs, "un motif de sortie connu",
                                    requise=bool(p["date_sortie"]))
    if p["motif_sortie_id"] and not texte(ligne.get(cle_entete("date_sortie"))):
        lecteur.erreurs.append(Erreur(lecteur.nom, numero, "date_sortie", "un motif de sortie est donné sans date de sortie."))
    if p["date_naissance"] and p["date_entree"] and p["date_naissance"] >= p["date_entree"]:
        lecteur.erreurs.append(Erreur(lecteur.nom, numero, "date_naissance", "la date de naissance suit la date d'entrée."))
    if p["date_sortie"] and p["date_entree"] and p["date_sortie"] < p["date_entree"]:
        lecteur.erreurs.append(Erreur(lecteur.nom, numero, "date_sortie", "la sortie précède l'entrée."))
    p["referent_texte"] = lire(numero, ligne, "referent")
    p["referent_id"] = ref.referents.get(cle_de_recherche(p["referent_texte"] or "")) if p["referent_texte"] else None
    p["structure_referent_texte"] = lire(numero, ligne, "structure_referent")
    p["structure_referent_id"] = (ref.structures.get(cle_de_recherche(p["structure_referent_texte"]))
                                  if p["structure_referent_texte"] else None)
    if p["referent_texte"] and p["referent_id"] is None:
        analyse.avertissements.append(f"ligne {numero} : référent « {p['referent_texte']} » inconnu, gardé tel quel.")
    if p["structure_referent_texte"] and p["structure_referent_id"] is None:
        analyse.avertissements.append(
            f"ligne {numero} : structure « {p['structure_referent_texte']} » inconnue, gardée telle quelle.")
    return p if len(lecteur.erreurs) == avant else None


def _etapes(fichier: tuple[str, bytes], ref: _Referentiels, erreurs: list[Erreur], analyse: Analyse):
    nom, contenu = fichier
    analyse.fichiers["etapes"] = (nom, _empreinte(contenu))
    try:
        entetes, lignes = lire_tableau(contenu, nom)
    except FichierIllisible as refus:
        erreurs.append(Erreur(nom, None, "fichier", str(refus)))
        return
    try:
        lecteur = _Lecteur(nom, entetes, COLONNES_ETAPES, erreurs)
    except ImportRefuse as refus:
        erreurs.extend(refus.erreurs)
        return
    analyse.colonnes_ignorees += lecteur.ignorees
    connus = set(analyse.participants)
    a_chercher = {texte(ligne.get(cle_entete("identifiant_participant"))) for _, ligne in lignes} - connus
    connus |= set(Participant.objects.filter(identifiant__in=a_chercher).values_list("identifiant", flat=True))
    vues = set()
    for numero, ligne in lignes:
        avant = len(erreurs)
        lire, chercher = lecteur.lire, lecteur.chercher
        e = {
            "identifiant": lire(numero, ligne, "identifiant_participant"),
            "type_id": chercher(numero, ligne, "type_etape", ref.types, "un type d'étape connu"),
            "date_debut": lire(numero, ligne, "date_debut", lire_date),
            "date_fin": lire(numero, ligne, "date_fin", lire_date),
            "operation_id": chercher(numero, ligne, "operation", ref.operations, "le code d'une opération de la programmation"),
            "heures": lire(numero, ligne, "heures", lire_decimal),
            "employeur": lire(numero, ligne, "employeur"),
            "secteur": lire(numero, ligne, "secteur", lambda v: _choix(Secteur, texte(v), "un secteur")),
            "contrat_clause": lire(numero, ligne, "contrat_clause", lambda v: _choix(ContratClause, texte(v), "un contrat")),
        }
        if e["identifiant"] and e["identifiant"] not in connus:
            erreurs.append(Erreur(nom, numero, "identifiant_participant",
                                  f"« {e['identifiant']} » n'est ni dans le fichier des participants ni déjà importé."))
        if e["date_debut"] and e["date_fin"] and e["date_fin"] < e["date_debut"]:
            erreurs.append(Erreur(nom, numero, "date_fin", "la fin de l'étape précède son début."))
        cle = (e["identifiant"], e["type_id"], e["date_debut"])
        if len(erreurs) == avant and cle in vues:
            erreurs.append(Erreur(nom, numero, "date_debut", "la même étape (participant, type, début) apparaît déjà plus haut."))
        vues.add(cle)
        if len(erreurs) == avant:
            analyse.etapes.append(e)


def _comparer_participants(analyse: Analyse):
    """(nouveaux, modifiés, nombre d'inchangés) : ce que l'import écrirait, sans rien écrire."""
    existants = Participant.objects.in_bulk(list(analyse.participants), field_name="identifiant")
    maintenant = timezone.now()
    nouveaux, modifies = [], []
    for identifiant, valeurs in analyse.participants.items():
        actuel = existants.get(identifiant)
        if actuel is None:
            nouveaux.append(Participant(**valeurs))
        elif any(getattr(actuel, c) != valeurs[c] for c in CHAMPS_PARTICIPANT):
            for c in CHAMPS_PARTICIPANT:
                setattr(actuel, c, valeurs[c])
            actuel.modifie_le = maintenant  # bulk_update ne passe pas par auto_now
            modifies.append(actuel)
    return nouveaux, modifies, len(analyse.participants) - len(nouveaux) - len(modifies)


def apercu(analyse: Analyse) -> dict:
    """Les comptes que donnerait l'import (page d'aperçu avant confirmation)."""
    nouveaux, modifies, inchanges = _comparer_participants(analyse)
    return {"participants_crees": len(nouveaux), "participants_modifies": len(modifies),
            "participants_inchanges": inchanges, "etapes": len(analyse.etapes)}


def importer(analyse: Analyse, *, user=None) -> ImportParticipants:
    """Écrit l'analyse en une transaction : crée, met à jour ce qui a changé, compte l'inchangé."""
    compte = {"etapes_creees": 0, "etapes_modifiees": 0, "etapes_inchangees": 0}
    with transaction.atomic():
        nouveaux, modifies, inchanges = _comparer_participants(analyse)
        Participant.objects.bulk_create(nouveaux, batch_size=2000)
        Participant.objects.bulk_update(modifies, CHAMPS_PARTICIPANT + ["modifie_le"], batch_size=2000)
        compte.update(participants_crees=len(nouveaux), participants_modifies=len(modifies),
                      participants_inchanges=inchanges)
        _ecrire_etapes(analyse.etapes, compte)
        (nom_p, emp_p), (nom_e, emp_e) = analyse.fichiers["participants"], analyse.fichiers.get("etapes", ("", ""))
        return ImportParticipants.objects.create(
            par=user, fichier_participants=nom_p, empreinte_participants=emp_p, fichier_etapes=nom_e,
            empreinte_etapes=emp_e, avertissements=analyse.avertissements + [
                f"colonne ignorée : {c}" for c in analyse.colonnes_ignorees], **compte)


def _ecrire_etapes(etapes: list[dict], compte: dict):
    if not etapes:
        return
    ids = dict(Participant.objects.filter(identifiant__in={e["identifiant"] for e in etapes})
               .values_list("identifiant", "pk"))
    existantes = {(x.participant_id, x.type_id, x.date_debut): x
                  for x in Etape.objects.filter(participant_id__in=ids.values())}
    nouvelles, modifiees = [], []
    for e in etapes:
        valeurs = {c: e[c] for c in CHAMPS_ETAPE}
        valeurs["employeur"], valeurs["secteur"], valeurs["contrat_clause"] = (
            valeurs["employeur"] or "", valeurs["secteur"] or "", valeurs["contrat_clause"] or "")
        actuelle = existantes.get((ids[e["identifiant"]], e["type_id"], e["date_debut"]))
        if actuelle is None:
            nouvelles.append(Etape(participant_id=ids[e["identifiant"]], type_id=e["type_id"], date_debut=e["date_debut"],
                                   **valeurs))
        elif any(getattr(actuelle, c) != v for c, v in valeurs.items()):
            for c, v in valeurs.items():
                setattr(actuelle, c, v)
            modifiees.append(actuelle)
    Etape.objects.bulk_create(nouvelles, batch_size=5000)
    Etape.objects.bulk_update(modifiees, CHAMPS_ETAPE, batch_size=5000)
    compte.update(etapes_creees=len(nouvelles), etapes_modifiees=len(modifiees),
                  etapes_inchangees=len(etapes) - len(nouvelles) - len(modifiees))
