"""Les conventions de la démonstration : chaque opération conventionnée l'a été par le cycle réel (convention
générée, envoyée, signée par le porteur puis par le PLIE, notifiée), avec des exemplaires signés de démonstration ;
une opération programmée attend la signature de son porteur ; deux avenants (l'un signé, l'autre en cours).
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django_fsm_log.models import StateLog

from annuaire.models import Utilisateur
from annuaire.roles import Role
from conventions.documents import avenant_document, convention_document
from conventions.models import Avenant, Convention, VersionOperation
from conventions.selectors import version_courante
from conventions.services import avenant_creer, convention_generer, exemplaire_deposer, signature_transition
from operations.documents import documents_de
from operations.models import DocumentGenere, Operation

from .appels import piece_pdf
from .lecture import PARIS, lire

_C = lire("conventions")
# Jours avant la notification où chaque étape a eu lieu (la notification est le jour de « conventionner »).
ETAPES = _C["etapes_en_jours_avant_la_notification"]
# Les plans au forfait de coûts indirects (programmation.plan) choisissent l'option du programme qui le prévoit.
OPTION_DES_PLANS_AU_FORFAIT = _C["option_des_plans_au_forfait"]


@dataclass
class AvenantDemo:
    operation: str  # intitulé de l'opération
    motif: str
    changements: dict  # voir `changer`
    jusqu_a: str  # dernière étape tirée : "envoyer" ... "notifier"
    le: date  # jour de la génération


AVENANTS = [AvenantDemo(**a) for a in _C["avenants"]]


def _exemplaire(document, signataires: str, jour: date) -> ContentFile:
    contenu = piece_pdf(f"{document.titre} - exemplaire signé", [
        f"{document.operation.code} - {document.operation.intitule}", f"Signé par {signataires} le {jour:%d/%m/%Y}.",
        "Exemplaire de démonstration : il tient la place du document scanné.",
    ])
    return ContentFile(contenu, name=f"{document.numero}-signe.pdf")


def _signer(document, jusqu_a: str, *, animation, porteur, jour: date):
    """Tire le cycle de signature jusqu'à l'étape `jusqu_a` (les dépôts d'exemplaires tirent les signatures)."""
    for etape in list(ETAPES)[1:list(ETAPES).index(jusqu_a) + 1]:
        if etape == "envoyer":
            signature_transition(document=document, nom="envoyer", user=animation)
        elif etape == "signer_porteur":
            exemplaire_deposer(document=document, fichier=_exemplaire(document, "le porteur", jour), user=porteur)
        elif etape == "signer":
            exemplaire_deposer(document=document, fichier=_exemplaire(document, "les deux parties", jour), user=animation)
        else:
            signature_transition(document=document, nom="notifier", user=animation)
        document.refresh_from_db()


def conventionner(operation: Operation, *, animation, porteur, jour: date, jusqu_a: str = "notifier") -> Convention:
    """La convention de l'opération programmée, signée jusqu'à `jusqu_a` ; notifiée, l'opération est conventionnée."""
    au_forfait = operation.depenses.filter(categorie="indirectes").exists()
    convention = convention_generer(operation=operation, user=animation,
                                    regime_couts=OPTION_DES_PLANS_AU_FORFAIT if au_forfait else None)
    _signer(convention, jusqu_a, animation=animation, porteur=porteur, jour=jour)
    return convention


def amender(a: AvenantDemo, *, animation) -> Avenant:
    operation = Operation.objects.get(intitule=a.operation)
    porteur = Utilisateur.objects.filter(structure=operation.porteur, groups__name=Role.PORTEUR).first()
    apres = changer(version_courante(operation).donnees, a.changements)
    avenant = avenant_creer(convention=operation.convention, user=animation, motif=a.motif, apres=apres)
    _signer(avenant, a.jusqu_a, animation=animation, porteur=porteur, jour=a.le)
    return avenant


def changer(donnees: dict, changements: dict) -> dict:
    """Les données de l'opération -> celles que propose l'avenant : `date_fin`, un montant ajouté aux dépenses dont le
    libellé commence par chaque clé de `depenses`, la valeur cible des objectifs dont l'indicateur commence par chaque
    clé de `objectifs`."""
    depenses = [dict(d) for d in donnees["depenses"]]
    for debut, ajout in changements.get("depenses", {}).items():
        for d in depenses:
            if d["libelle"].startswith(debut):
                d["montant"] = str(Decimal(d["montant"]) + ajout)
    objectifs = [dict(o) for o in donnees["objectifs"]]
    for debut, valeur in changements.get("objectifs", {}).items():
        for o in objectifs:
            if o["indicateur_libelle"].startswith(debut):
                o["valeur_cible"] = valeur
    apres = {**donnees, "depenses": depenses, "objectifs": objectifs}
    if "date_fin" in changements:
        apres["date_fin"] = changements["date_fin"]
    return apres


def _moment(jour: date, heure: int = 10) -> datetime:
    return datetime.combine(jour, time(heure, 0), tzinfo=PARIS)


def dater(document, notifiee_le: date | None, *, genere_le: date | None = None):
    """Antidate le cycle (historique, génération) puis régénère le document daté de sa génération."""
    fin = notifiee_le or genere_le + timedelta(days=ETAPES["generer"])
    moments = {etape: _moment(fin - timedelta(days=jours)) for etape, jours in ETAPES.items()}
    type_document = ContentType.objects.get_for_model(document)
    for ligne in StateLog.objects.filter(content_type=type_document, object_id=document.pk):
        StateLog.objects.filter(pk=ligne.pk).update(timestamp=moments[ligne.transition])
    type(document).objects.filter(pk=document.pk).update(generee_le=moments["generer"])
    if document.version_id:
        # La version 1 naît à la génération de la convention ; celle d'un avenant, à sa signature par le PLIE : c'est
        # le jour à partir duquel elle fait foi pour le FSE dû.
        VersionOperation.objects.filter(pk=document.version_id).update(
            creee_le=moments["generer" if isinstance(document, Convention) else "signer"])
    document.refresh_from_db()
    for ancien in documents_de(document):
        ancien.fichier.delete(save=False)
        ancien.delete()
    nouveau = (convention_document if isinstance(document, Convention) else avenant_document)(document)
    DocumentGenere.objects.filter(pk=nouveau.pk).update(cree_le=moments["generer"])
