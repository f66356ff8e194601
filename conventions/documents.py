"""La convention attributive de l'aide FSE et ses avenants : un contexte par modèle Word, construit ici.

Les montants restent des Decimal (les modèles les écrivent avec `|euros`), les taux des fractions (`|pourcentage`),
les dates des dates (`|date` → 31/12/2016). La description de chaque variable est celle que lisent les
administrateurs (templates/docx/README.md et la page des modèles).
"""
from datetime import date
from decimal import Decimal

from django.utils import timezone

from operations.documents import declarer_modele, document_generer
from operations.models import DocumentGenere
from operations.options import CategorieDepense
from operations.programmes import mention_de
from operations.tasks import pdf_apres_commit

from . import selectors, versions
from .models import Avenant, Convention

_ORGANISME = "l'organisme intermédiaire qui attribue l'aide (le PLIE) : nom, adresse, commune, representant, qualite"
_PORTEUR = "le bénéficiaire : nom, sigle, siret, adresse, commune, representant (représentant légal)"
_OPERATION = "l'opération : code, intitule, type, description, date_debut, date_fin (dates)"
_PLAN = (
    "le plan de financement : depenses (liste, une ligne par dépense : categorie, libelle, montant), "
    "total_depenses, ressources (liste : financeur, montant, part du coût total), total_ressources"
)
_FSE = "l'aide FSE : montant (€, plafond de l'aide), taux (part du coût total), cout_total (€)"
_OBJECTIFS = "les objectifs (liste : indicateur, valeur_cible, unite)"
_PROGRAMME = "le programme européen qui finance l'opération : libelle, fonds, intitule, cci"
_BASE_LEGALE = "les visas du programme (liste de phrases « Vu … ; »), à écrire avec {%p for vu in base_legale %}"

CONVENTION = declarer_modele("convention", "convention.docx", "Convention attributive de l'aide FSE", {
    "numero": "numéro de la convention (PLIE-AAAA-NNN), jamais réattribué",
    "version": "numéro de la version des données de l'opération (1 pour la convention initiale)",
    "organisme": _ORGANISME,
    "porteur": _PORTEUR,
    "operation": _OPERATION,
    "programme": _PROGRAMME,
    "base_legale": _BASE_LEGALE,
    "decision": "la décision de programmation : instance (« Comité de programmation »…), jour (JJ/MM/AAAA) ; vide hors comité",
    "demande": ("quand le comité a voté moins que l'aide demandée : fse_demande, fse_vote, ecart (€, porté par "
                "l'autofinancement), instance, jour (JJ/MM/AAAA) ; vide sinon"),
    "fse": _FSE,
    "plan": _PLAN,
    "objectifs": _OBJECTIFS,
    "paiement": "modalités de paiement : taux_avance (fraction), avance (€), solde (€, versé après contrôle du bilan final)",
    "couts": ("l'option de coûts simplifiés choisie parmi celles du programme : option (libellé), article (sa source), "
              "extrapolation (oui/non)"),
})
AVENANT = declarer_modele("avenant", "avenant.docx", "Avenant à la convention", {
    "numero": "numéro de l'avenant (PLIE-AAAA-NNN-A1)",
    "rang": "rang de l'avenant (1 pour le premier)",
    "version": "numéro de la version des données que l'avenant crée",
    "convention": "la convention modifiée : numero, date (JJ/MM/AAAA de sa génération)",
    "organisme": _ORGANISME,
    "porteur": _PORTEUR,
    "operation": _OPERATION + ", après avenant",
    "programme": _PROGRAMME,
    "base_legale": _BASE_LEGALE,
    "decision": ("la nouvelle décision de programmation qui permet à l'avenant de relever l'aide : instance, jour "
                 "(JJ/MM/AAAA), montant_vote (€) ; vide si l'aide n'est pas relevée"),
    "motif": "l'objet de l'avenant, tel que l'équipe d'animation l'a rédigé",
    "ecarts": "chaque chiffre modifié (liste : rubrique, libelle, avant, apres — déjà écrits à la française)",
    "fse": _FSE + ", après avenant",
    "plan": _PLAN + ", après avenant",
    "objectifs": _OBJECTIFS + ", après avenant",
})


# --- Les contextes ---

def _organisme(operation) -> dict:
    """Le PLIE de l'opération signe : son nom, son adresse, son représentant."""
    return operation.plie.organisme


def _porteur(structure) -> dict:
    return {"nom": structure.nom, "sigle": structure.sigle, "siret": structure.siret, "adresse": structure.adresse,
            "commune": structure.commune, "representant": structure.representant}


def _operation(operation, donnees: dict) -> dict:
    return {"code": operation.code, "intitule": operation.intitule, "type": str(operation.type),
            "description": operation.description, "date_debut": date.fromisoformat(donnees["date_debut"]),
            "date_fin": date.fromisoformat(donnees["date_fin"])}


def _plan(donnees: dict) -> dict:
    total = versions.total_depenses(donnees)
    return {
        "depenses": [{"categorie": CategorieDepense(d["categorie"]).label, "libelle": d["libelle"],
                      "montant": Decimal(d["montant"])} for d in donnees["depenses"]],
        "total_depenses": total,
        "ressources": [{"financeur": r["financeur_nom"], "montant": Decimal(r["montant"]),
                        "part": (Decimal(r["montant"]) / total).quantize(Decimal("0.0001")) if total else None}
                       for r in donnees["ressources"]],
        "total_ressources": versions.total_ressources(donnees),
    }


def _objectifs(donnees: dict) -> list[dict]:
    return [{"indicateur": o["indicateur_libelle"], "valeur_cible": Decimal(o["valeur_cible"]), "unite": o["unite"]}
            for o in donnees["objectifs"]]


def _fse(montant: Decimal, donnees: dict) -> dict:
    cout = versions.total_depenses(donnees)
    return {"montant": montant, "cout_total": cout, "taux": (montant / cout).quantize(Decimal("0.0001")) if cout else None}


def _jour(moment) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y}"


def _programme(operation) -> dict:
    """Le programme de l'opération, ses visas et ses mentions (qui remplacent la mention commune de l'en-tête)."""
    programme = operation.programme
    return {
        "programme": {"libelle": programme.libelle, "fonds": programme.fonds, "intitule": programme.intitule,
                      "cci": programme.cci},
        "base_legale": list(programme.base_legale),
        "mention_fse": mention_de([programme]),
    }


def _decision(decision) -> dict | None:
    return {"instance": decision.comite.get_type_display(), "jour": _jour(decision.comite.date)} if decision else None


def _demande(convention: Convention, decision) -> dict | None:
    """L'aide demandée face à l'aide votée, quand le comité a voté moins : l'écart va à l'autofinancement."""
    demande = convention.operation.montant_fse_demande
    if convention.montant_fse >= demande:
        return None
    return {"fse_demande": demande, "fse_vote": convention.montant_fse, "ecart": demande - convention.montant_fse,
            **(_decision(decision) or {"instance": "", "jour": ""})}


def contexte_convention(convention: Convention) -> dict:
    """Les données figées de la version 1 ; la date d'édition est celle de la génération (le contenu ne dépend pas
    du jour où l'on régénère). Programme, visas, mentions et option de coûts sont ceux du programme de l'opération."""
    operation, donnees = convention.operation, convention.version.donnees
    decision = selectors.decision_de_programmation(operation)
    avance = convention.avance
    option = convention.option_couts
    return {
        "numero": convention.numero,
        "version": convention.version.numero,
        "date_edition": _jour(convention.generee_le),
        "organisme": _organisme(operation),
        "porteur": _porteur(operation.porteur),
        "operation": _operation(operation, donnees),
        **_programme(operation),
        "decision": _decision(decision),
        "demande": _demande(convention, decision),
        "fse": _fse(convention.montant_fse, donnees),
        "plan": _plan(donnees),
        "objectifs": _objectifs(donnees),
        "paiement": {"taux_avance": convention.taux_avance, "avance": avance, "solde": convention.montant_fse - avance},
        "couts": {"option": option.libelle, "article": option.article, "extrapolation": convention.extrapolation_autorisee},
    }


def contexte_avenant(avenant: Avenant) -> dict:
    convention, operation, donnees = avenant.convention, avenant.operation, avenant.apres
    numero_version = (selectors.version_courante(operation).numero + 1) if avenant.version is None else avenant.version.numero
    fse = versions.montant_fse(donnees)
    decision = selectors.decision_de_programmation(operation)
    releve = fse > versions.montant_fse(avenant.avant) and decision is not None
    return {
        "numero": avenant.numero,
        "rang": avenant.rang,
        "version": numero_version,
        "date_edition": _jour(avenant.generee_le),
        "convention": {"numero": convention.numero, "date": _jour(convention.generee_le)},
        "organisme": _organisme(operation),
        "porteur": _porteur(operation.porteur),
        "operation": _operation(operation, donnees),
        **_programme(operation),
        "decision": {**_decision(decision), "montant_vote": decision.montant_vote} if releve else None,
        "motif": avenant.motif,
        "ecarts": [vars(e) for e in selectors.ecarts_de(avenant)],
        "fse": _fse(fse, donnees),
        "plan": _plan(donnees),
        "objectifs": _objectifs(donnees),
    }


def convention_document(convention: Convention, user=None) -> DocumentGenere:
    """Le document Word (et, après commit, son PDF là où LibreOffice est installé)."""
    document = document_generer(objet=convention, nature="convention", contexte=contexte_convention(convention),
                                nom=f"convention-{convention.numero}.docx", user=user)
    pdf_apres_commit(document)
    return document


def avenant_document(avenant: Avenant, user=None) -> DocumentGenere:
    document = document_generer(objet=avenant, nature="avenant", contexte=contexte_avenant(avenant),
                                nom=f"avenant-{avenant.numero}.docx", user=user)
    pdf_apres_commit(document)
    return document
