"""L'import des extractions de l'outil de suivi (docs/specs/import-participants.md) : tout ou rien, mise à jour
par identifiant, chaque erreur avec sa ligne et sa colonne, une trace de chaque import.

Deux temps : `analyser` lit et vérifie tout sans rien écrire (l'aperçu de la page d'import), `importer` écrit
l'analyse en une transaction, par lots (bulk) pour tenir des extractions de 100 000 lignes.
"""
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from annuaire import en_masse
from annuaire.models import Commune, Plie, Prescripteur, Qpv, Structure, Utilisateur, seul_plie
from annuaire.normalisation import cle_de_recherche
from annuaire.plies import CHOISIR_UN_PLIE
from operations.models import Operation

from .lecture import (FichierIllisible, Tableau, ValeurInvalide, cle, cle_entete, lire_booleen, lire_courriel,
                      lire_date, lire_decimal, lire_reponse, lire_tableau, lire_telephone, texte)
from .models import Etape, ImportParticipants, MotifSortie, Participant, TypeEtape
from .options import ContratClause, NiveauFormation, Secteur, SituationEntree, SituationSortie, Sexe

# Le questionnaire FSE et les coordonnées : des colonnes facultatives, écrites seulement quand le fichier les a (une
# extraction qui ne les connaît pas n'efface pas ce que les référents ont saisi dans l'application).
QUESTIONNAIRE = {
    "situation_entree": lambda v: _choix(SituationEntree, texte(v), "une situation à l'entrée"),
    "etudes_ou_formation": lire_booleen,
    "niveau_formation": lambda v: _choix(NiveauFormation, texte(v), "un niveau de formation"),
    **dict.fromkeys(["beneficiaire_rsa", "menage_sans_emploi", "enfants_a_charge", "parent_isole", "sans_domicile",
                     "ressortissant_pays_tiers", "zone_rurale", "qualification_obtenue"], lire_booleen),
    **dict.fromkeys(["rqth", "origine_etrangere", "minorite", "autre_defavorise"], lire_reponse),
    "situation_sortie": lambda v: _choix(SituationSortie, texte(v), "une situation à la sortie"),
    "telephone": lire_telephone, "courriel": lire_courriel, "contact_nom": texte,
    "contact_telephone": lire_telephone, "contact_courriel": lire_courriel,
}
COLONNES_PARTICIPANTS = {  # colonne -> obligatoire
    "identifiant": True, "nom": True, "prenom": True, "sexe": True, "date_naissance": True, "commune": True,
    "qpv": False, "prescripteur": True, "referent": False, "structure_referent": False, "date_entree": True,
    "date_sortie": False, "motif_sortie": False, **dict.fromkeys(QUESTIONNAIRE, False),
}
COLONNES_ETAPES = {
    "identifiant_participant": True, "type_etape": True, "date_debut": True, "date_fin": False, "operation": False,
    "heures": False, "employeur": False, "secteur": False, "contrat_clause": False,
}
CHAMPS_PARTICIPANT = [
    "nom", "prenom", "sexe", "date_naissance", "commune_id", "qpv_id", "prescripteur_id", "referent_id",
    "referent_texte", "structure_referent_id", "structure_referent_texte", "date_entree", "date_sortie",
    "motif_sortie_id",
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
    champs: list[str] = field(default_factory=lambda: list(CHAMPS_PARTICIPANT))  # ceux que le fichier écrit
    plie_id: int | None = None  # le PLIE où l'import range ses lignes et cherche communes, structures, participants


def plie_de_l_import(plie: Plie | None) -> Plie:
    """Le PLIE où ranger un import : celui donné (le PLIE courant de qui importe), sinon le seul de l'installation.
    Avec plusieurs PLIE et aucun choisi (vue consolidée d'un pivot), l'import est refusé : rien ne se range au hasard."""
    if plie is not None:
        return plie
    seul = seul_plie()
    if seul is None:
        raise ImportRefuse([Erreur("", None, "PLIE", CHOISIR_UN_PLIE)])
    return seul


class _Referentiels:
    """Les données de référence du PLIE, chargées une fois, cherchées par clé (casse, accents, tirets et espaces
    ignorés). Communes, quartiers, structures, référents et opérations sont ceux du PLIE de l'import."""

    def __init__(self, plie: Plie):
        self.communes = {c.cle: c.pk for c in Commune.objects.filter(plie=plie)}
        self.qpv = {q.cle: q.pk for q in Qpv.objects.filter(commune__plie=plie)}
        self.prescripteurs = self._codes(Prescripteur.objects.all())
        self.motifs = self._codes(MotifSortie.objects.all())
        self.types = self._codes(TypeEtape.objects.all())
        self.referents = {}
        for u in Utilisateur.objects.filter(Q(plie=plie) | Q(structure__plie=plie), groups__name="referent").distinct():
            self.referents[cle_de_recherche(u.username)] = u.pk
            self.referents[cle_de_recherche(u.get_full_name())] = u.pk
        self.structures = {}
        for s in Structure.objects.filter(plie=plie):
            self.structures[cle_de_recherche(s.nom)] = s.pk
            if s.sigle:
                self.structures.setdefault(cle_de_recherche(s.sigle), s.pk)
        # Le porteur d'une opération est une structure de son PLIE.
        self.operations = dict(Operation.objects.filter(plie=plie).values_list("code", "pk"))

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
    """Vérifie un fichier colonne par colonne : chaque valeur distincte n'est convertie qu'une fois (une extraction
    répète les mêmes communes, dates et codes des milliers de fois) et chaque erreur garde sa ligne et sa colonne."""

    def __init__(self, nom_fichier: str, tableau: Tableau, colonnes: dict[str, bool]):
        self.nom, self.tableau, self.erreurs, self.en_erreur = nom_fichier, tableau, [], set()
        self.colonnes = {cle_entete(c): c for c in colonnes}
        manquantes = [c for c, requise in colonnes.items() if requise and cle_entete(c) not in tableau.colonnes]
        if manquantes:
            raise ImportRefuse([Erreur(nom_fichier, None, "en-têtes",
                                       f"colonne(s) obligatoire(s) absente(s) : {', '.join(manquantes)}.")])
        self.ignorees = [e for e in tableau.entetes if e and cle_entete(e) not in self.colonnes]
        self.obligatoires = {cle_entete(c) for c, requise in colonnes.items() if requise}

    def noter(self, rang: int, colonne: str, message: str):
        self.erreurs.append(Erreur(self.nom, self.tableau.numeros[rang], colonne, message))
        self.en_erreur.add(rang)

    def erreurs_dans_l_ordre(self) -> list[Erreur]:
        return sorted(self.erreurs, key=lambda e: e.ligne or 0)  # tri stable : dans une ligne, l'ordre des colonnes

    def lire(self, colonne: str, conversion=texte, requise=None) -> list:
        """La valeur convertie de chaque ligne ; None là où elle est refusée, l'erreur notée."""
        bruts = self.tableau.colonne(cle_entete(colonne))
        obligatoire = cle_entete(colonne) in self.obligatoires if requise is None else requise
        # Un classeur mêle nombres, dates et textes : 1, 1.0 et True ne doivent pas se confondre.
        cles = bruts if all(type(b) is str for b in bruts) else [(type(b), b) for b in bruts]
        convertis, refus = {}, {}
        for cle_brute, brut in dict(zip(cles, bruts)).items():
            if obligatoire and not texte(brut):
                refus[cle_brute] = "valeur obligatoire manquante."
                continue
            try:
                convertis[cle_brute] = conversion(brut)
            except ValeurInvalide as erreur:
                refus[cle_brute] = str(erreur)
        if refus:
            for rang, cle_brute in enumerate(cles):
                if cle_brute in refus:
                    self.noter(rang, colonne, refus[cle_brute])
        return [convertis.get(c) for c in cles]

    def chercher(self, colonne: str, table: dict, quoi: str, requise=None) -> list:
        """La clé primaire de chaque valeur dans `table` (code ou libellé, sans casse ni accents)."""
        valeurs = self.lire(colonne, requise=requise)
        trouves = {v: table.get(cle(v)) for v in set(valeurs) if v}
        for rang, valeur in enumerate(valeurs):
            if valeur and trouves[valeur] is None:
                self.noter(rang, colonne, f"« {valeur} » n'est pas {quoi}.")
        return [trouves.get(v) for v in valeurs]


def _empreinte(contenu: bytes) -> str:
    return hashlib.sha256(contenu).hexdigest()


def _lire(fichier: tuple[str, bytes], colonnes: dict[str, bool], analyse: Analyse, role: str) -> _Lecteur:
    nom, contenu = fichier
    analyse.fichiers[role] = (nom, _empreinte(contenu))
    try:
        tableau = lire_tableau(contenu, nom)
    except FichierIllisible as refus:
        raise ImportRefuse([Erreur(nom, None, "fichier", str(refus))]) from None
    lecteur = _Lecteur(nom, tableau, colonnes)
    analyse.colonnes_ignorees += lecteur.ignorees
    return lecteur


def analyser(fichier_participants: tuple[str, bytes], fichier_etapes: tuple[str, bytes] | None = None, *,
             plie: Plie | None = None) -> Analyse:
    """Lit et vérifie les deux fichiers sans rien écrire ; lève ImportRefuse avec toutes les erreurs trouvées.
    `plie` : celui de qui importe (`plie_de_l_import`)."""
    plie = plie_de_l_import(plie)
    ref, analyse = _Referentiels(plie), Analyse(plie_id=plie.pk)
    lecteur = _lire(fichier_participants, COLONNES_PARTICIPANTS, analyse, "participants")
    _participants(lecteur, ref, analyse)
    erreurs = lecteur.erreurs_dans_l_ordre()
    if fichier_etapes:
        try:
            lecteur_etapes = _lire(fichier_etapes, COLONNES_ETAPES, analyse, "etapes")
        except ImportRefuse as refus:
            erreurs += refus.erreurs
        else:
            _etapes(lecteur_etapes, ref, analyse)
            erreurs += lecteur_etapes.erreurs_dans_l_ordre()
    if erreurs:
        raise ImportRefuse(erreurs)
    return analyse


def _participants(lecteur: _Lecteur, ref: _Referentiels, analyse: Analyse):
    lire, chercher = lecteur.lire, lecteur.chercher
    p = {
        "identifiant": lire("identifiant"),
        "nom": lire("nom"),
        "prenom": lire("prenom"),
        "sexe": lire("sexe", lambda v: _choix(Sexe, texte(v), "un sexe (H ou F)")),
        "date_naissance": lire("date_naissance", lire_date),
        "commune_id": chercher("commune", ref.communes,
                               "une commune du territoire : seuls ses habitants sont éligibles au PLIE"),
        "qpv_id": chercher("qpv", ref.qpv, "un quartier prioritaire du territoire"),
        "prescripteur_id": chercher("prescripteur", ref.prescripteurs, "un prescripteur connu"),
        "date_entree": lire("date_entree", lire_date),
        "date_sortie": lire("date_sortie", lire_date),
        **{c: lire(c, conversion) for c, conversion in QUESTIONNAIRE.items()
           if cle_entete(c) in lecteur.tableau.colonnes},
        "motif_sortie_id": chercher("motif_sortie", ref.motifs, "un motif de sortie connu", requise=False),
        "referent_texte": lire("referent"),
        "structure_referent_texte": lire("structure_referent"),
    }
    analyse.champs = CHAMPS_PARTICIPANT + [c for c in QUESTIONNAIRE if c in p]
    referents = {t: ref.referents.get(cle_de_recherche(t)) for t in set(p["referent_texte"]) if t}
    structures = {t: ref.structures.get(cle_de_recherche(t)) for t in set(p["structure_referent_texte"]) if t}
    p["referent_id"] = [referents.get(t) for t in p["referent_texte"]]
    p["structure_referent_id"] = [structures.get(t) for t in p["structure_referent_texte"]]
    sorties_ecrites = lecteur.tableau.colonne(cle_entete("date_sortie"))
    motifs_ecrits = lecteur.tableau.colonne(cle_entete("motif_sortie"))
    champs = list(p)
    for rang, valeurs in enumerate(zip(*p.values())):
        ligne = dict(zip(champs, valeurs))
        if ligne["date_sortie"] and not texte(motifs_ecrits[rang]):
            lecteur.noter(rang, "motif_sortie", "valeur obligatoire manquante.")
        if ligne["motif_sortie_id"] and not texte(sorties_ecrites[rang]):
            lecteur.noter(rang, "date_sortie", "un motif de sortie est donné sans date de sortie.")
        if ligne["date_naissance"] and ligne["date_entree"] and ligne["date_naissance"] >= ligne["date_entree"]:
            lecteur.noter(rang, "date_naissance", "la date de naissance suit la date d'entrée.")
        if ligne["date_sortie"] and ligne["date_entree"] and ligne["date_sortie"] < ligne["date_entree"]:
            lecteur.noter(rang, "date_sortie", "la sortie précède l'entrée.")
        numero = lecteur.tableau.numeros[rang]
        if ligne["referent_texte"] and ligne["referent_id"] is None:
            analyse.avertissements.append(f"ligne {numero} : référent « {ligne['referent_texte']} » inconnu, gardé tel quel.")
        if ligne["structure_referent_texte"] and ligne["structure_referent_id"] is None:
            analyse.avertissements.append(
                f"ligne {numero} : structure « {ligne['structure_referent_texte']} » inconnue, gardée telle quelle.")
        if rang in lecteur.en_erreur:
            continue
        if ligne["identifiant"] in analyse.participants:
            lecteur.noter(rang, "identifiant", f"« {ligne['identifiant']} » apparaît déjà plus haut dans le fichier.")
            continue
        analyse.participants[ligne["identifiant"]] = ligne


def _etapes(lecteur: _Lecteur, ref: _Referentiels, analyse: Analyse):
    lire, chercher = lecteur.lire, lecteur.chercher
    e = {
        "identifiant": lire("identifiant_participant"),
        "type_id": chercher("type_etape", ref.types, "un type d'étape connu"),
        "date_debut": lire("date_debut", lire_date),
        "date_fin": lire("date_fin", lire_date),
        "operation_id": chercher("operation", ref.operations, "le code d'une opération de la programmation"),
        "heures": lire("heures", lire_decimal),
        "employeur": lire("employeur"),
        "secteur": lire("secteur", lambda v: _choix(Secteur, texte(v), "un secteur")),
        "contrat_clause": lire("contrat_clause", lambda v: _choix(ContratClause, texte(v), "un contrat")),
    }
    connus = set(analyse.participants)
    connus.update(identifiant for identifiant, in en_masse.parmi(
        Participant.objects.filter(plie_id=analyse.plie_id).values_list("identifiant"), "identifiant",
        {i for i in e["identifiant"] if i} - connus))
    champs, vues = list(e), set()
    for rang, valeurs in enumerate(zip(*e.values())):
        etape = dict(zip(champs, valeurs))
        if etape["identifiant"] and etape["identifiant"] not in connus:
            lecteur.noter(rang, "identifiant_participant",
                          f"« {etape['identifiant']} » n'est ni dans le fichier des participants ni déjà importé.")
        if etape["date_debut"] and etape["date_fin"] and etape["date_fin"] < etape["date_debut"]:
            lecteur.noter(rang, "date_fin", "la fin de l'étape précède son début.")
        if rang in lecteur.en_erreur:
            continue
        cle_etape = (etape["identifiant"], etape["type_id"], etape["date_debut"])
        if cle_etape in vues:
            lecteur.noter(rang, "date_debut", "la même étape (participant, type, début) apparaît déjà plus haut.")
            continue
        vues.add(cle_etape)
        analyse.etapes.append(etape)


def _comparer_participants(analyse: Analyse):
    """(nouveaux, modifiés, nombre d'inchangés) : ce que l'import écrirait, sans rien écrire. Les modifiés sont des
    tuples (clé primaire, valeurs des champs que le fichier écrit, `analyse.champs`)."""
    existants = {ligne[0]: ligne[1:] for ligne in en_masse.parmi(
        Participant.objects.filter(plie_id=analyse.plie_id).values_list("identifiant", "pk", *analyse.champs),
        "identifiant", analyse.participants)}
    nouveaux, modifies = [], []
    for identifiant, valeurs in analyse.participants.items():
        actuel = existants.get(identifiant)
        if actuel is None:
            nouveaux.append(valeurs)
            continue
        pk, *actuelles = actuel
        importees = [valeurs[c] for c in analyse.champs]
        if actuelles != importees:
            modifies.append((pk, *importees))
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
        en_masse.inserer(Participant, [{**valeurs, "plie_id": analyse.plie_id} for valeurs in nouveaux])
        maintenant = timezone.now()  # une mise à jour en masse ne passe pas par auto_now
        en_masse.mettre_a_jour(Participant, analyse.champs + ["modifie_le"], [(*m, maintenant) for m in modifies])
        compte.update(participants_crees=len(nouveaux), participants_modifies=len(modifies),
                      participants_inchanges=inchanges)
        _ecrire_etapes(analyse.etapes, compte, analyse.plie_id)
        (nom_p, emp_p), (nom_e, emp_e) = analyse.fichiers["participants"], analyse.fichiers.get("etapes", ("", ""))
        return ImportParticipants.objects.create(
            plie_id=analyse.plie_id, par=user, fichier_participants=nom_p, empreinte_participants=emp_p, fichier_etapes=nom_e,
            empreinte_etapes=emp_e, avertissements=analyse.avertissements + [
                f"colonne ignorée : {c}" for c in analyse.colonnes_ignorees], **compte)


def _ecrire_etapes(etapes: list[dict], compte: dict, plie_id: int):
    if not etapes:
        return
    ids = dict(en_masse.parmi(Participant.objects.filter(plie_id=plie_id).values_list("identifiant", "pk"), "identifiant",
                         {e["identifiant"] for e in etapes}))
    existantes = {(participant, type_, debut): (pk, autres) for pk, participant, type_, debut, *autres in en_masse.parmi(
        Etape.objects.values_list("pk", "participant_id", "type_id", "date_debut", *CHAMPS_ETAPE), "participant_id",
        ids.values())}
    nouvelles, modifiees = [], []
    for e in etapes:
        valeurs = [e[c] for c in CHAMPS_ETAPE]
        actuelle = existantes.get((ids[e["identifiant"]], e["type_id"], e["date_debut"]))
        if actuelle is None:
            nouvelles.append({"participant_id": ids[e["identifiant"]], "type_id": e["type_id"],
                              "date_debut": e["date_debut"], **dict(zip(CHAMPS_ETAPE, valeurs))})
        elif actuelle[1] != valeurs:
            modifiees.append((actuelle[0], *valeurs))
    en_masse.inserer(Etape, nouvelles)
    en_masse.mettre_a_jour(Etape, CHAMPS_ETAPE, modifiees)
    compte.update(etapes_creees=len(nouvelles), etapes_modifiees=len(modifiees),
                  etapes_inchangees=len(etapes) - len(nouvelles) - len(modifiees))


def importer_en_ligne_de_commande(commande, chemins: list, ecrire) -> None:
    """Le corps des commandes d'import : lit les fichiers donnés (absents : code 1), `ecrire(fichiers)` analyse, écrit
    et rend le compte rendu ; refusé, chaque erreur sur la sortie d'erreur et le code de sortie 1."""
    import sys

    fichiers = []
    for chemin in filter(None, chemins):
        if not chemin.is_file():
            commande.stderr.write(f"{chemin} : fichier introuvable.")
            sys.exit(1)
        fichiers.append((chemin.name, chemin.read_bytes()))
    try:
        commande.stdout.write(ecrire(fichiers))
    except ImportRefuse as refus:
        commande.stderr.write(f"Import refusé, rien n'a été écrit ({len(refus.erreurs)} erreur(s)) :")
        for erreur in refus.erreurs:
            commande.stderr.write(str(erreur))
        sys.exit(1)
