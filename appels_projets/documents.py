"""Les documents Word du circuit d'un appel : accusé de réception, rapport d'instruction, dossier de comité,
procès-verbal et lettre de notification.

Un contexte par modèle, construit par une fonction ; les montants restent des Decimal et les modèles les
mettent en forme (`{{ montant|euros }}`), les dates et heures arrivent déjà écrites à la française (heure de Paris).
La description de chaque variable est celle que lisent les administrateurs (voir templates/docx/README.md).
Chaque document porte les mentions obligatoires du programme de son opération ; un dossier ou un procès-verbal de
comité, celles de chacun des programmes de son ordre du jour.
"""
from decimal import Decimal

from django.db.models import Max, Q, Sum
from django.utils import timezone

from annuaire.formats import euros
from operations.documents import declarer_modele, document_generer
from operations.models import Operation
from operations.options import CategorieDepense
from operations.programmes import mention_de, programme_pour

from . import selectors
from .models import AppelAProjets, Comite, PointOrdreDuJour, Reponse
from .options import Decision

ZERO = Decimal("0.00")

_APPEL = "l'appel à projets : titre, annee, date_limite (JJ/MM/AAAA à HH:MM)"
_OPERATION = "l'opération : code, intitule, type, date_debut, date_fin (dates), description"
_PORTEUR = "la structure porteuse : nom, sigle, adresse, commune, representant"
_PLAN = (
    "le plan de financement : depenses (liste : categorie, detail, montant), ressources (liste : financeur, montant, "
    "part), total_depenses, total_ressources, montant_fse, taux_fse"
)
_OBJECTIFS = "les objectifs (liste : indicateur, valeur_cible, unite)"
_ANALYSES = (
    "les analyses (liste : analyste, avis, note_ponderee sur 5, montant_fse_propose, synthese, "
    "notes (liste : critere, poids, note sur 5, commentaire))"
)
_COMITE = "le comité : type, date (JJ/MM/AAAA à HH:MM), jour (JJ/MM/AAAA), lieu, membres (liste de noms)"

ACCUSE_RECEPTION = declarer_modele("accuse_reception", "accuse_reception.docx", "Accusé de réception d'une demande", {
    "appel": _APPEL,
    "operation": _OPERATION,
    "porteur": _PORTEUR,
    "deposee_le": "date et heure du dépôt (JJ/MM/AAAA à HH:MM, heure de Paris)",
    "pieces": "les pièces déposées (liste : libelle, fichier)",
    "montant_fse_demande": "montant FSE demandé (€)",
    "cout_total": "coût total de l'opération (€)",
})
RAPPORT_INSTRUCTION = declarer_modele("rapport_instruction", "rapport_instruction.docx", "Rapport d'instruction", {
    "appel": _APPEL,
    "operation": _OPERATION,
    "porteur": _PORTEUR,
    "deposee_le": "date et heure du dépôt (JJ/MM/AAAA à HH:MM, heure de Paris)",
    "plan": _PLAN,
    "objectifs": _OBJECTIFS,
    "recevabilite": "la liste de recevabilité calculée d'après l'appel (liste : libelle, resultat, detail)",
    "verifications": "les vérifications manuelles de recevabilité (liste : libelle, resultat, commentaire, par, le)",
    "analyses": _ANALYSES,
    "note_moyenne": "moyenne des notes pondérées des analyses, sur 5",
    "montant_propose": "montant FSE proposé par l'instruction (moyenne des analyses, €)",
})
DOSSIER_COMITE = declarer_modele("dossier_comite", "dossier_comite.docx", "Dossier de séance du comité", {
    "comite": _COMITE,
    "points": (
        "les opérations à l'ordre du jour (liste : ordre, operation, porteur, fse_demande, fse_propose, note_moyenne, "
        "avis, plan, objectifs, analyses)"
    ),
    "totaux": "totaux de l'ordre du jour : fse_demande, fse_propose",
    "enveloppes": "pour chaque appel concerné (liste : appel, enveloppe, consomme avant la séance, reste)",
})
PV_COMITE = declarer_modele("pv_comite", "pv_comite.docx", "Procès-verbal du comité", {
    "comite": _COMITE,
    "decisions": (
        "les décisions (liste : ordre, code, intitule, porteur, decision, programmee (oui/non), montant_vote, "
        "fse_demande, motivation, decidee_par, decidee_le)"
    ),
    "enveloppes": (
        "pour chaque appel concerné (liste : appel, enveloppe, consomme_avant, vote_seance, consomme après la séance, "
        "reste, depasse (oui/non))"
    ),
    "depassements": "les dépassements d'enveloppe confirmés explicitement (liste : code, appel, decidee_par, decidee_le)",
    "totaux": "totaux de la séance : programmees, ajournees, rejetees (nombres), fse_demande, montant_vote",
})
LETTRE_NOTIFICATION = declarer_modele("lettre_notification", "lettre_notification.docx", "Lettre de notification de la décision", {
    "destinataire": "le destinataire : representant (représentant légal), structure, adresse, commune",
    "operation": "l'opération : code, intitule",
    "appel": "l'appel à projets : titre",
    "comite": "le comité : type, jour (JJ/MM/AAAA)",
    "decision": "la décision : code (programmee, ajournee, rejetee), libelle, montant_vote, motivation",
    "fse_demande": "montant FSE demandé (€)",
})


# --- Morceaux de contexte partagés ---

def _le(moment) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y à %H:%M}" if moment else ""


def _jour(moment) -> str:
    """Date d'édition d'un document : celle de l'événement qui le fait naître (dépôt, séance), pas celle du calcul."""
    return f"{timezone.localtime(moment or timezone.now()):%d/%m/%Y}"


def _appel(appel: AppelAProjets) -> dict:
    return {"titre": appel.titre, "annee": appel.annee, "date_limite": _le(appel.date_limite)}


def _operation(operation: Operation) -> dict:
    return {
        "code": operation.code, "intitule": operation.intitule, "type": str(operation.type),
        "date_debut": operation.date_debut, "date_fin": operation.date_fin, "description": operation.description,
    }


def _porteur(structure) -> dict:
    return {"nom": structure.nom, "sigle": structure.sigle, "adresse": structure.adresse, "commune": structure.commune,
            "representant": structure.representant}


def _plan(operation: Operation) -> dict:
    """Dépenses regroupées par catégorie (le détail des lignes dans la cellule), ressources par financeur."""
    total = operation.total_depenses
    par_categorie = {}
    for ligne in operation.depenses.all():
        par_categorie.setdefault(ligne.categorie, []).append(ligne)
    depenses = [
        {
            "categorie": CategorieDepense(code).label,
            "detail": "\n".join(f"{ligne.libelle} : {euros(ligne.montant)}" for ligne in par_categorie[code]),
            "montant": sum((ligne.montant for ligne in par_categorie[code]), ZERO),
        }
        for code in CategorieDepense.values if code in par_categorie
    ]
    ressources = [
        {"financeur": str(ligne.financeur), "montant": ligne.montant,
         "part": (ligne.montant / total).quantize(Decimal("0.0001")) if total else None}
        for ligne in operation.ressources.select_related("financeur")
    ]
    return {"depenses": depenses, "ressources": ressources, "total_depenses": total,
            "total_ressources": operation.total_ressources, "montant_fse": operation.montant_fse,
            "taux_fse": operation.taux_fse}


def _objectifs(operation: Operation) -> list[dict]:
    return [{"indicateur": o.indicateur.libelle, "valeur_cible": o.valeur_cible, "unite": o.indicateur.unite}
            for o in operation.objectifs.select_related("indicateur")]


def _analyses(reponse: Reponse) -> list[dict]:
    return [
        {
            "analyste": str(analyse.analyste), "avis": analyse.get_avis_display(), "note_ponderee": analyse.note_ponderee,
            "montant_fse_propose": analyse.montant_fse_propose, "synthese": analyse.commentaire,
            "notes": [{"critere": n.critere.libelle, "poids": n.critere.poids, "note": n.note, "commentaire": n.commentaire}
                      for n in analyse.notes.select_related("critere")],
        }
        for analyse in reponse.analyses.select_related("analyste").order_by("pk")
    ]


def _comite(comite: Comite) -> dict:
    return {"type": comite.get_type_display(), "date": _le(comite.date), "jour": _jour(comite.date),
            "lieu": comite.lieu, "membres": [str(m) for m in comite.membres.order_by("last_name", "first_name")]}


def _vote(appel: AppelAProjets, comite: Comite, *, seance_comprise: bool) -> Decimal:
    """Le FSE voté sur l'appel par les comités antérieurs (et celui-ci) : un document réédité garde ses chiffres."""
    periode = Q(comite__date__lt=comite.date) & ~Q(comite=comite)
    if seance_comprise:
        periode |= Q(comite=comite)
    points = PointOrdreDuJour.objects.filter(periode, reponse__appel=appel, decision=Decision.PROGRAMMEE)
    return points.aggregate(t=Sum("montant_vote"))["t"] or ZERO


def _appels_de(points) -> list[AppelAProjets]:
    return list(AppelAProjets.objects.filter(pk__in={p.reponse.appel_id for p in points}).order_by("titre"))


def _points(comite: Comite) -> list[PointOrdreDuJour]:
    return list(comite.points.select_related("reponse__appel", "reponse__operation__porteur", "reponse__operation__type",
                                             "reponse__operation__programme", "decidee_par"))


def _mention_du_comite(comite: Comite, points: list[PointOrdreDuJour]) -> str:
    """Chaque programme des opérations à l'ordre du jour ; un ordre du jour vide, celui en cours le jour de la séance."""
    programmes = [p.reponse.operation.programme for p in points]
    return mention_de(programmes or [programme_pour(timezone.localdate(comite.date))])


# --- Un contexte par document ---

def contexte_accuse_reception(reponse: Reponse) -> dict:
    """Ce que le porteur a déposé, quand : l'accusé ne préjuge pas de la recevabilité (texte fixe du modèle)."""
    operation = reponse.operation
    return {
        "appel": _appel(reponse.appel),
        "operation": _operation(operation),
        "porteur": _porteur(operation.porteur),
        "deposee_le": _le(reponse.deposee_le),
        "date_edition": _jour(reponse.deposee_le),
        "mention_fse": mention_de([operation.programme]),
        "pieces": [{"libelle": p.piece_requise.libelle if p.piece_requise else "Pièce complémentaire",
                    "fichier": p.nom_original} for p in reponse.pieces.select_related("piece_requise")],
        "montant_fse_demande": selectors.montant_fse_demande(operation),
        "cout_total": operation.total_depenses,
    }


def contexte_rapport_instruction(reponse: Reponse) -> dict:
    """L'opération, son plan, sa recevabilité (calculée et vérifiée à la main) et chacune de ses analyses."""
    operation = reponse.operation
    return {
        "appel": _appel(reponse.appel),
        "operation": _operation(operation),
        "porteur": _porteur(operation.porteur),
        "deposee_le": _le(reponse.deposee_le),
        "mention_fse": mention_de([operation.programme]),
        "plan": _plan(operation),
        "objectifs": _objectifs(operation),
        "recevabilite": [{"libelle": v.libelle, "resultat": "Conforme" if v.conforme else "Non conforme", "detail": v.detail}
                         for v in selectors.checklist_recevabilite(reponse)],
        "verifications": [
            {"libelle": v.libelle, "resultat": "Conforme" if v.conforme else "Non conforme", "commentaire": v.commentaire,
             "par": str(v.par or ""), "le": f"{timezone.localtime(v.le):%d/%m/%Y}"}
            for v in reponse.verifications.select_related("par")
        ],
        "analyses": _analyses(reponse),
        "date_edition": _jour(reponse.analyses.aggregate(m=Max("modifiee_le"))["m"]),
        "note_moyenne": selectors.note_moyenne(reponse),
        "montant_propose": selectors.montant_propose(reponse),
    }


def contexte_dossier_comite(comite: Comite) -> dict:
    """Le tableau de synthèse de l'ordre du jour, l'enveloppe de chaque appel, puis une page par opération."""
    points = _points(comite)
    lignes = []
    for point in points:
        reponse, operation = point.reponse, point.reponse.operation
        lignes.append({
            "ordre": point.ordre, "operation": _operation(operation), "porteur": operation.porteur.nom,
            "fse_demande": selectors.montant_fse_demande(operation), "fse_propose": selectors.montant_propose(reponse),
            "note_moyenne": selectors.note_moyenne(reponse),
            "avis": ", ".join(a.get_avis_display() for a in reponse.analyses.order_by("pk")),
            "plan": _plan(operation), "objectifs": _objectifs(operation), "analyses": _analyses(reponse),
        })
    enveloppes = []
    for appel in _appels_de(points):
        consomme = _vote(appel, comite, seance_comprise=False)
        enveloppes.append({"appel": appel.titre, "enveloppe": appel.enveloppe_fse, "consomme": consomme,
                           "reste": appel.enveloppe_fse - consomme})
    return {
        "comite": _comite(comite),
        "date_edition": _jour(min(comite.date, timezone.now())),  # envoyé avant la séance
        "mention_fse": _mention_du_comite(comite, points),
        "points": lignes,
        "totaux": {"fse_demande": sum((ligne["fse_demande"] for ligne in lignes), ZERO),
                   "fse_propose": sum((ligne["fse_propose"] or ZERO for ligne in lignes), ZERO)},
        "enveloppes": enveloppes,
    }


def contexte_pv_comite(comite: Comite) -> dict:
    """Chaque décision avec qui l'a enregistrée et quand, l'enveloppe de chaque appel après la séance."""
    points = _points(comite)
    decisions = [
        {
            "ordre": p.ordre, "code": p.reponse.operation.code, "intitule": p.reponse.operation.intitule,
            "porteur": p.reponse.operation.porteur.nom, "decision": p.get_decision_display(),
            "programmee": p.decision == Decision.PROGRAMMEE, "montant_vote": p.montant_vote,
            "fse_demande": selectors.montant_fse_demande(p.reponse.operation), "motivation": p.motivation,
            "decidee_par": str(p.decidee_par or ""), "decidee_le": _le(p.decidee_le),
        }
        for p in points
    ]
    enveloppes = []
    for appel in _appels_de(points):
        avant, apres = _vote(appel, comite, seance_comprise=False), _vote(appel, comite, seance_comprise=True)
        enveloppes.append({"appel": appel.titre, "enveloppe": appel.enveloppe_fse, "consomme_avant": avant,
                           "vote_seance": apres - avant, "consomme": apres, "reste": appel.enveloppe_fse - apres,
                           "depasse": apres > appel.enveloppe_fse})
    return {
        "comite": _comite(comite),
        "date_edition": _jour(comite.date),
        "mention_fse": _mention_du_comite(comite, points),
        "decisions": decisions,
        "enveloppes": enveloppes,
        "depassements": [{"code": p.reponse.operation.code, "appel": p.reponse.appel.titre,
                          "decidee_par": str(p.decidee_par or ""), "decidee_le": _le(p.decidee_le)}
                         for p in points if p.depassement_confirme],
        "totaux": {
            "programmees": sum(p.decision == Decision.PROGRAMMEE for p in points),
            "ajournees": sum(p.decision == Decision.AJOURNEE for p in points),
            "rejetees": sum(p.decision == Decision.REJETEE for p in points),
            "fse_demande": sum((d["fse_demande"] for d in decisions), ZERO),
            "montant_vote": sum((p.montant_vote or ZERO for p in points), ZERO),
        },
    }


def contexte_lettre_notification(point: PointOrdreDuJour) -> dict:
    """La décision adressée au représentant légal du porteur, avec sa motivation ou le montant voté."""
    operation, structure = point.reponse.operation, point.reponse.operation.porteur
    return {
        "destinataire": {"representant": structure.representant, "structure": structure.nom, "adresse": structure.adresse,
                         "commune": structure.commune},
        "operation": {"code": operation.code, "intitule": operation.intitule},
        "appel": {"titre": point.reponse.appel.titre},
        "comite": {"type": point.comite.get_type_display(), "jour": _jour(point.comite.date)},
        "date_edition": _jour(point.comite.date),
        "mention_fse": mention_de([operation.programme]),
        "decision": {"code": point.decision, "libelle": point.get_decision_display(), "montant_vote": point.montant_vote,
                     "motivation": point.motivation},
        "fse_demande": selectors.montant_fse_demande(operation),
    }


# --- Générer et stocker (un même contenu n'est stocké qu'une fois) ---

def accuse_reception_generer(reponse: Reponse, user=None):
    return document_generer(objet=reponse, nature="accuse_reception", contexte=contexte_accuse_reception(reponse),
                            nom=f"accuse-reception-{reponse.operation.code}.docx", user=user)


def rapport_instruction_generer(reponse: Reponse, user=None):
    return document_generer(objet=reponse, nature="rapport_instruction", contexte=contexte_rapport_instruction(reponse),
                            nom=f"rapport-instruction-{reponse.operation.code}.docx", user=user)


def dossier_comite_generer(comite: Comite, user=None):
    return document_generer(objet=comite, nature="dossier_comite", contexte=contexte_dossier_comite(comite),
                            nom=f"dossier-comite-{timezone.localtime(comite.date):%Y-%m-%d}.docx", user=user)


def pv_comite_generer(comite: Comite, user=None):
    return document_generer(objet=comite, nature="pv_comite", contexte=contexte_pv_comite(comite),
                            nom=f"pv-comite-{timezone.localtime(comite.date):%Y-%m-%d}.docx", user=user)


def lettre_notification_generer(point: PointOrdreDuJour, user=None):
    return document_generer(objet=point, nature="lettre_notification", contexte=contexte_lettre_notification(point),
                            nom=f"notification-{point.reponse.operation.code}.docx", user=user)
