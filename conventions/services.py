"""Écritures des conventions et avenants : génération, numérotation, cycle de signature, versions de l'opération."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annuaire.fichiers import verifier_fichier
from annuaire.formats import euros
from annuaire.models import Financeur, Plie
from annuaire.roles import Role, a_role
from operations.models import Operation
from operations.options import Etat
from operations.programmes import OptionCouts, Programme, RegleInconnue, option_de_couts, options_de_couts
from operations.services import operation_transition
from operations.workflow import ActionRefusee, tirer_transition, transition_nommee

from . import selectors, versions
from .documents import avenant_document, convention_document
from .models import Avenant, CompteurConventions, Convention, DocumentASigner, VersionOperation
from .options import ETATS_EN_COURS, FINANCEUR_DE_L_ECART, TAUX_AVANCE_PAR_DEFAUT, EtatSignature
from .tasks import notifier_signature

ETATS_AVENANTABLES = [Etat.CONVENTIONNEE, Etat.EN_REALISATION]


def _exiger(condition: bool, message: str):
    if not condition:
        raise ActionRefusee(message)


def numero_suivant(plie: Plie, annee: int) -> str:
    """`PLIE-2016-003` (le sigle du PLIE, l'année, le rang) : chaque PLIE a son compteur par année, verrouillé le temps
    de la transaction, jamais redescendu."""
    with transaction.atomic():
        CompteurConventions.objects.get_or_create(plie=plie, annee=annee)
        compteur = CompteurConventions.objects.select_for_update().get(plie=plie, annee=annee)
        compteur.dernier += 1
        compteur.save(update_fields=["dernier"])
    return f"{plie.sigle}-{annee}-{compteur.dernier:03d}"


def option_offerte(operation: Operation, code: str | None) -> OptionCouts:
    """L'option de coûts `code` du programme de l'opération (sans code : la première qu'il offre) ; une option que le
    programme n'offre pas est refusée, le message la nomme avec le programme."""
    programme = operation.programme
    offertes = options_de_couts(programme)
    _exiger(bool(offertes), f"Le programme {programme.libelle} n'offre aucune option de coûts : complétez-le dans "
                            "l'administration avant de générer la convention.")
    if not code:
        return offertes[0]
    try:
        return option_de_couts(programme, code)
    except RegleInconnue:
        # Le libellé que lui donne un autre programme, s'il en est un : l'utilisateur ne connaît pas les codes.
        connue = next((o["libelle"] for p in Programme.objects.all() for o in p.options_couts if o["code"] == code), code)
        raise ActionRefusee(
            f"Option de coûts : « {connue} » n'est pas offerte par le programme {programme.libelle} dont relève "
            f"{operation.code}. Options offertes : " + " ; ".join(f"« {o.libelle} »" for o in offertes) + ".") from None


def _plan_de_la_convention(operation: Operation) -> dict:
    """Fige la demande d'origine (une fois) et rend le plan conventionné : l'aide FSE au montant voté, l'écart à
    l'autofinancement. Les lignes de l'opération prennent ce plan : dès la convention, elles suivent la version en
    vigueur (comme après un avenant), la demande reste lisible dans `Operation.demande`."""
    if operation.demande is None:
        operation.demande = versions.demande_figee(operation)
        operation.save(update_fields=["demande"])
    demande = operation.demande["plan"]
    vote = selectors.montant_fse_vote(operation)
    autofinancement = None
    if vote < versions.montant_fse(demande):
        autofinancement = Financeur.objects.filter(code=FINANCEUR_DE_L_ECART).first()
        _exiger(autofinancement is not None,
                f"Le comité a voté moins que l'aide demandée et le financeur « {FINANCEUR_DE_L_ECART} » qui porte l'écart "
                "manque au référentiel des financeurs : ajoutez-le dans l'administration.")
    plan = versions.plan_conventionne(demande, fse_vote=vote, autofinancement=autofinancement)
    if versions.ecarts(versions.donnees_de(operation), plan):
        versions.appliquer(operation, plan)
    return plan


def convention_generer(*, operation: Operation, user, taux_avance: Decimal = TAUX_AVANCE_PAR_DEFAUT,
                       regime_couts: str | None = None, extrapolation_autorisee: bool = False,
                       par_le_systeme: bool = False) -> Convention:
    """Numérote la convention d'une opération programmée, fige ses données (version 1 : le plan demandé, l'aide FSE
    ramenée au montant voté, l'écart à l'autofinancement) et produit le document Word.

    `regime_couts` : le code d'une option de coûts du programme de l'opération (sans code : la première qu'il offre).
    Déjà générée et pas encore envoyée : le document est régénéré (une nouvelle version s'ajoute si les données de
    la structure ont changé ; rien n'est écrasé). Envoyée : seul un avenant peut la changer, le document reste.
    `par_le_systeme` : la commande `convention` (support, scripts), jamais une vue.
    """
    _exiger(par_le_systeme or a_role(user, Role.ANIMATION), "Seule l'équipe d'animation génère les conventions.")
    with transaction.atomic():
        operation = Operation.objects.select_for_update().get(pk=operation.pk)
        existante = Convention.objects.filter(operation=operation).first()
        if existante:
            if existante.etat != EtatSignature.GENEREE:
                _exiger(par_le_systeme, f"La convention {existante.numero} est à l'état « {existante.get_etat_display()} » : "
                                        "elle ne se régénère plus ; un changement passe par un avenant.")
                return existante
            convention_document(existante, user)
            return existante
        _exiger(operation.etat == Etat.PROGRAMMEE,
                f"{operation.code} est à l'état « {operation.get_etat_display()} » : seule une opération programmée "
                "reçoit une convention.")
        _exiger(Decimal("0") <= taux_avance <= Decimal("1"), "Le taux de l'avance doit être compris entre 0 et 100 %.")
        option = option_offerte(operation, regime_couts)
        plan = _plan_de_la_convention(operation)
        version = VersionOperation.objects.create(operation=operation, numero=1, donnees=plan)
        convention = Convention.objects.create(
            operation=operation, numero=numero_suivant(operation.plie, operation.date_debut.year), version=version,
            montant_fse=versions.montant_fse(plan), taux_avance=taux_avance, regime_couts=option.code,
            extrapolation_autorisee=extrapolation_autorisee, generee_par=user,
        )
        convention.refresh_from_db()  # les valeurs telles que relues plus tard (0,3 -> 0,3000) : même empreinte
        convention_document(convention, user)
    return convention


def refus_d_avenant(convention: Convention) -> str | None:
    """Pourquoi la convention ne peut pas (encore) recevoir d'avenant, ou None."""
    operation = convention.operation
    if convention.etat != EtatSignature.NOTIFIEE:
        return f"La convention {convention.numero} n'est pas encore notifiée : corrigez-la plutôt que de l'amender."
    if operation.etat not in ETATS_AVENANTABLES:
        return f"{operation.code} est à l'état « {operation.get_etat_display()} » : elle ne peut plus faire l'objet d'un avenant."
    if convention.avenants.filter(etat__in=ETATS_EN_COURS).exists():
        return "Un avenant est déjà en cours de signature : faites-le aboutir ou annulez-le avant d'en rédiger un autre."
    return None


def avenant_creer(*, convention: Convention, user, motif: str, apres: dict) -> Avenant:
    """Propose de nouvelles données (période, plan, objectifs) ; l'avenant montre chaque chiffre changé."""
    _exiger(a_role(user, Role.ANIMATION), "Seule l'équipe d'animation rédige les avenants.")
    refus = refus_d_avenant(convention)
    _exiger(refus is None, refus)
    _exiger(bool((motif or "").strip()), "Indiquez l'objet de l'avenant.")
    _exiger(apres["date_debut"] <= apres["date_fin"], "La fin de réalisation ne peut pas précéder son début.")
    depenses, ressources = versions.total_depenses(apres), versions.total_ressources(apres)
    _exiger(depenses > 0, "Le plan de financement n'a aucune dépense.")
    _exiger(depenses == ressources, f"Les ressources ({euros(ressources)}) n'équilibrent pas les dépenses ({euros(depenses)}) : "
                                    f"écart de {euros(ressources - depenses)}.")
    fse, vote = versions.montant_fse(apres), selectors.montant_fse_vote(convention.operation)
    decision = selectors.decision_de_programmation(convention.operation)
    par = (f", {decision.comite.get_type_display().lower()} du {timezone.localtime(decision.comite.date):%d/%m/%Y}"
           if decision else "")
    _exiger(fse <= vote, f"Le FSE de l'avenant ({euros(fse)}) dépasse l'aide votée ({euros(vote)}{par}) : une hausse "
                         "exige une nouvelle décision du comité de programmation, au procès-verbal validé.")
    _exiger(bool(apres["objectifs"]), "Aucun objectif n'est renseigné.")
    with transaction.atomic():
        convention = Convention.objects.select_for_update().get(pk=convention.pk)  # un rang, un numéro à la fois
        refus = refus_d_avenant(convention)  # relu sous verrou : un autre avenant a pu naître entre-temps
        _exiger(refus is None, refus)
        avant = selectors.version_courante(convention.operation).donnees
        _exiger(bool(versions.ecarts(avant, apres)), "L'avenant ne change aucun chiffre de l'opération.")
        rang = convention.avenants.count() + 1
        avenant = Avenant.objects.create(convention=convention, rang=rang, numero=f"{convention.numero}-A{rang}",
                                         motif=motif.strip(), avant=avant, apres=apres, generee_par=user)
        avenant.refresh_from_db()
        avenant_document(avenant, user)
    return avenant


def _version_suivante(operation: Operation, donnees: dict) -> VersionOperation:
    numero = selectors.version_courante(operation).numero + 1
    return VersionOperation.objects.create(operation=operation, numero=numero, donnees=donnees)


def signature_transition(*, document: DocumentASigner, nom: str, user, motivation: str = "") -> DocumentASigner:
    """Une étape du cycle de signature, et ce qu'elle entraîne, en une transaction ; les avis partent après commit.

    Avenant signé par le PLIE : ses données deviennent la version courante de l'opération.
    Convention notifiée : l'opération passe à « Conventionnée ».
    """
    with transaction.atomic():
        journal = tirer_transition(objet=document, nom=nom, user=user, motivation=motivation)
        if isinstance(document, Avenant) and nom == "signer":
            operation = Operation.objects.select_for_update().get(pk=document.operation.pk)
            document.version = _version_suivante(operation, document.apres)
            document.save(update_fields=["version"])
            versions.appliquer(operation, document.apres)
            avenant_document(document, user)  # même contenu : le numéro de version était déjà annoncé
        if isinstance(document, Convention) and nom == "notifier":
            operation_transition(operation=Operation.objects.get(pk=document.operation_id), nom="conventionner", user=user,
                                 motivation=f"Convention {document.numero} notifiée.")
        notifier_signature.delay_on_commit(journal.pk)
    return document


def exemplaire_deposer(*, document: DocumentASigner, fichier, user) -> DocumentASigner:
    """Le porteur dépose l'exemplaire qu'il a signé, puis le PLIE l'exemplaire signé des deux parties."""
    nom, champ = {EtatSignature.ENVOYEE: ("signer_porteur", "exemplaire_porteur"),
                  EtatSignature.SIGNEE_PORTEUR: ("signer", "exemplaire_signe")}.get(document.etat, (None, None))
    _exiger(nom is not None, f"Aucun exemplaire signé n'est attendu à l'état « {document.get_etat_display()} ».")
    t = transition_nommee(document, nom)
    motif = t.permission.refus(document, user)
    _exiger(motif is None, f"« {t.custom['libelle']} » : {motif}")
    try:
        verifier_fichier(fichier, libelle="L'exemplaire signé")
    except ValidationError as erreur:
        raise ActionRefusee(erreur.messages[0]) from None
    with transaction.atomic():
        # Un exemplaire refusé puis redéposé : l'ancien fichier reste sur le disque (trace), le nouveau le remplace ici.
        getattr(document, champ).save(f"{document.numero}-{champ}{_extension(fichier)}", fichier, save=False)
        document.save(update_fields=[champ])
        signature_transition(document=document, nom=nom, user=user)
    return document


def _extension(fichier) -> str:
    nom = getattr(fichier, "name", "") or ""
    return nom[nom.rfind("."):].lower()[:6] if "." in nom else ""

