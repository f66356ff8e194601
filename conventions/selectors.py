from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django_fsm_log.models import StateLog

from annuaire.models import Financeur
from annuaire.roles import Role, roles_de
from appels_projets.models import PointOrdreDuJour
from appels_projets.options import Decision, EtatComite
from operations.bureau import Rubrique, Tache
from operations.documents import documents_de
from operations.models import Operation
from operations.options import CategorieDepense

from . import versions
from .models import Avenant, Convention, DocumentASigner, VersionOperation
from .options import FINANCEUR_DE_L_ECART, EtatSignature


def decision_de_programmation(operation: Operation) -> PointOrdreDuJour | None:
    """La décision du comité qui a programmé l'opération (aucune pour une programmation hors appel à projets)."""
    return (PointOrdreDuJour.objects.filter(reponse__operation=operation, decision=Decision.PROGRAMMEE,
                                            comite__etat=EtatComite.PV_VALIDE)
            .select_related("comite").order_by("-comite__date").first())


def montant_fse_vote(operation: Operation) -> Decimal:
    """Le plafond de l'aide : le montant voté par la dernière décision de programmation ; hors appel à projets (le
    comité programme la demande telle quelle), l'aide demandée."""
    decision = decision_de_programmation(operation)
    return decision.montant_vote if decision else operation.montant_fse_demande


def version_courante(operation: Operation) -> VersionOperation | None:
    return operation.versions.order_by("-numero").first()


def en_vigueur_depuis(version: VersionOperation) -> date | None:
    """Le jour où la version commence à faire foi : None pour la version 1 (dès le début de l'opération), sinon le
    jour où le PLIE a signé l'avenant qui l'a créée."""
    return None if version.numero == 1 else timezone.localdate(version.creee_le)


def version_en_vigueur(operation: Operation, au: date) -> VersionOperation | None:
    """La version conventionnée qui fait foi pour une période finie le jour `au` : la dernière créée par un avenant
    signé au plus tard ce jour-là, sinon la version 1 (docs/regles-fse.md, « Argent : le FSE dû »)."""
    for version in operation.versions.order_by("-numero"):
        depuis = en_vigueur_depuis(version)
        if depuis is None or depuis <= au:
            return version
    return None


def avenant_de(version: VersionOperation) -> Avenant | None:
    """L'avenant qui a créé la version (aucun pour la version 1)."""
    return Avenant.objects.filter(version=version).first() if version.numero > 1 else None


@dataclass(frozen=True)
class TauxConventionne:
    """D'où vient le taux du FSE dû : la convention, sa version en vigueur pour la période, l'avenant qui l'a créée."""

    convention: Convention
    version: VersionOperation
    avenant: Avenant | None
    depuis: date | None  # jour de signature de l'avenant ; None pour la version 1
    montant_fse: Decimal
    cout_total: Decimal

    @property
    def taux(self) -> Decimal | None:
        return self.montant_fse / self.cout_total if self.cout_total else None

    @property
    def origine(self) -> str:
        """« de la convention n° PLIE-2016-004, version 2 (avenant n° 1 PLIE-2016-004-A1, signé le 31/03/2017) »."""
        texte = f"de la convention n° {self.convention.numero}, version {self.version.numero}"
        if self.avenant is not None:
            texte += f" (avenant n° {self.avenant.rang} {self.avenant.numero}, signé le {self.depuis:%d/%m/%Y})"
        return texte


def taux_conventionne(operation: Operation, *, au: date) -> TauxConventionne | None:
    """Le FSE et le coût total éligible de la version de la convention en vigueur pour une période finie le jour `au`
    (None sans convention)."""
    convention = Convention.objects.filter(operation=operation).first()
    version = version_en_vigueur(operation, au) if convention else None
    if version is None:
        return None
    return TauxConventionne(convention=convention, version=version, avenant=avenant_de(version),
                            depuis=en_vigueur_depuis(version), montant_fse=versions.montant_fse(version.donnees),
                            cout_total=versions.total_depenses(version.donnees))


def demande_et_conventionne(operation: Operation) -> dict | None:
    """La demande d'origine à côté des chiffres conventionnés (version 1 et, après un avenant, version en vigueur),
    chaque colonne avec son libellé ; et ce que la convention a changé à la demande. None sans convention."""
    premiere = operation.versions.filter(numero=1).first()
    if not operation.demande or premiere is None:
        return None
    courante = version_courante(operation)
    colonnes = [("Demandé", operation.demande["plan"]), ("Conventionné (version 1)", premiere.donnees)]
    if courante.numero > 1:
        colonnes.append((f"En vigueur (version {courante.numero})", courante.donnees))
    ecart = Financeur.objects.filter(code=FINANCEUR_DE_L_ECART).first()

    def autofinancement(donnees):
        return sum((Decimal(r["montant"]) for r in donnees["ressources"] if ecart and r["financeur"] == ecart.pk),
                   Decimal("0.00"))

    lignes = [("Coût total éligible", versions.total_depenses, "euros"), ("Aide FSE", versions.montant_fse, "euros"),
              ("Taux FSE", versions.taux_fse, "pourcentage"),
              (ecart.libelle if ecart else "Autofinancement", autofinancement, "euros")]
    return {
        "colonnes": [titre for titre, _ in colonnes],
        "lignes": [{"libelle": libelle, "format": format_, "valeurs": [calcul(d) for _, d in colonnes]}
                   for libelle, calcul, format_ in lignes],
        "ecarts": versions.ecarts(operation.demande["plan"], premiere.donnees),
        "version": courante.numero,
    }


def document_courant(objet: DocumentASigner):
    """Le dernier document Word produit pour la convention ou l'avenant (les précédents restent consultables)."""
    nature = "convention" if isinstance(objet, Convention) else "avenant"
    return documents_de(objet, nature).first()


def ecarts_de(avenant: Avenant) -> list[versions.Ecart]:
    return versions.ecarts(avenant.avant, avenant.apres)


def en_attente_depuis(modele, etat: str, *, user=None):
    """Les documents à l'état `etat` (ceux que voit `user`, s'il est donné), annotés du moment où ils y sont entrés."""
    documents = modele.objects.visible_to(user) if user is not None else modele.objects.all()
    return documents.filter(etat=etat).annotate(depuis=entree_dans_l_etat(modele))


def a_relancer(modele, etat: str, *, maintenant=None, user=None):
    """Ce qui attend une signature depuis plus que le délai de relance, et n'a pas été relancé depuis ce délai."""
    limite = (maintenant or timezone.now()) - timedelta(days=settings.CONVENTIONS_DELAI_RELANCE_JOURS)
    return [d for d in en_attente_depuis(modele, etat, user=user).select_related("generee_par")
            if d.depuis and d.depuis <= limite and (d.relancee_le is None or d.relancee_le <= limite)]


# Qui relancer, selon ce qui est attendu : la signature du porteur, ou celle du PLIE.
ETATS_A_RELANCER = {EtatSignature.ENVOYEE: ["porteur"], EtatSignature.SIGNEE_PORTEUR: [Role.ANIMATION]}


def documents_produits(objet) -> list[dict]:
    """Une ligne par version produite (la plus récente d'abord) : le Word et, s'il existe, son PDF."""
    produits = list(documents_de(objet))
    pdf = {d.version_donnees: d for d in produits if d.nature.endswith("_pdf")}
    return [{"word": d, "pdf": pdf.get(d.version_donnees)} for d in produits if not d.nature.endswith("_pdf")]


def documents_de_la_convention(convention: Convention) -> list:
    return [*documents_de(convention), *(d for a in convention.avenants.all() for d in documents_de(a))]


def lecture_de_version(donnees: dict) -> dict:
    """Une version prête à afficher : dates, lignes avec leurs libellés, totaux, FSE et taux."""
    total = versions.total_depenses(donnees)
    return {
        "date_debut": date.fromisoformat(donnees["date_debut"]), "date_fin": date.fromisoformat(donnees["date_fin"]),
        "depenses": [{"categorie": CategorieDepense(d["categorie"]).label, "libelle": d["libelle"],
                      "montant": Decimal(d["montant"])} for d in donnees["depenses"]],
        "ressources": [{"financeur": r["financeur_nom"], "montant": Decimal(r["montant"]),
                        "part": Decimal(r["montant"]) / total if total else None} for r in donnees["ressources"]],
        "objectifs": [{"indicateur": o["indicateur_libelle"], "valeur_cible": Decimal(o["valeur_cible"]), "unite": o["unite"]}
                      for o in donnees["objectifs"]],
        "total_depenses": total, "total_ressources": versions.total_ressources(donnees),
        "montant_fse": versions.montant_fse(donnees), "taux_fse": versions.taux_fse(donnees),
    }


def a_conventionner(comite) -> list[Operation]:
    """Les opérations programmées par ce comité dont la convention reste à générer (ou à régénérer avant envoi)."""
    return list(Operation.objects.filter(
        reponse_appel__points__comite=comite, reponse_appel__points__decision=Decision.PROGRAMMEE, etat="programmee",
    ).filter(Q(convention__isnull=True) | Q(convention__etat=EtatSignature.GENEREE)).order_by("code"))


def comites_a_conventionner(*, user):
    """Les comités visibles au PV validé qui ont encore des conventions à générer (pour le formulaire de la liste)."""
    from appels_projets.models import Comite

    return Comite.objects.visible_to(user).filter(
        etat=EtatComite.PV_VALIDE, points__decision=Decision.PROGRAMMEE, points__reponse__operation__etat="programmee",
        points__reponse__operation__convention__isnull=True,
    ).distinct().order_by("-date")


# --- Le bureau (operations.bureau) : les signatures qui attendent cet utilisateur ---

# Ce que chacun fait à un document à signer, selon son état.
ACTIONS_DU_BUREAU = {
    Role.PORTEUR: {EtatSignature.ENVOYEE: "Signer et déposer l'exemplaire signé"},
    Role.ANIMATION: {EtatSignature.GENEREE: "Envoyer au porteur pour signature",
                     EtatSignature.SIGNEE_PORTEUR: "Signer pour le PLIE", EtatSignature.SIGNEE: "Notifier au porteur"},
}


def rubriques_du_bureau(user, aujourdhui) -> list:
    """Les conventions et avenants dont la prochaine signature revient à l'utilisateur, les plus anciens d'abord, avec
    la date de la relance automatique en échéance. Deux requêtes."""
    roles = roles_de(user)
    actions = {etat: libelle for role, parts in ACTIONS_DU_BUREAU.items() if role in roles for etat, libelle in parts.items()}
    if not actions:
        return []
    delai = timedelta(days=settings.CONVENTIONS_DELAI_RELANCE_JOURS)
    taches = []
    for modele, chemin in ((Convention, "operation"), (Avenant, "convention__operation")):
        documents = (modele.objects.visible_to(user).filter(etat__in=actions)
                     .annotate(depuis=entree_dans_l_etat(modele)).select_related(chemin))
        for d in documents:
            depuis = timezone.localtime(d.depuis or d.generee_le).date()
            taches.append(Tache(f"{d.numero} — {d.operation.code}", actions[d.etat], d.get_absolute_url(), depuis=depuis,
                                echeance=depuis + delai if d.etat == EtatSignature.ENVOYEE else None,
                                detail=d.get_etat_display()))
    return [Rubrique("Conventions et avenants à signer", taches, ordre=8,
                     aide="L'échéance est la date de la relance automatique.")]


def entree_dans_l_etat(modele) -> Subquery:
    """Le moment où le document est entré dans son état actuel (sa dernière transition vers cet état)."""
    return Subquery(StateLog.objects.filter(content_type=ContentType.objects.get_for_model(modele),
                                            object_id=OuterRef("pk"), state=OuterRef("etat"))
                    .order_by("-timestamp").values("timestamp")[:1])
