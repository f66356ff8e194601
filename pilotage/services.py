"""Écritures de la lettre mensuelle et de ses destinataires : droits vérifiés, transaction, effets après commit."""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from annuaire.models import Plie, seul_plie
from annuaire.plies import CHOISIR_UN_PLIE, plie_courant
from annuaire.roles import Role, a_role
from operations.documents import MentionManquante, document_generer
from operations.tasks import pdf_apres_commit
from operations.workflow import ActionRefusee, tirer_transition

from .documents import contexte_lettre
from .envoi import adresses_a_servir
from .lettre import chiffres_de_la_lettre
from .models import Destinataire, LettreMensuelle, nom_du_mois
from .tasks import envoyer_lettre


def peut_gerer_la_lettre(user) -> bool:
    return a_role(user, Role.ANIMATION)


def _exiger_l_animation(user) -> None:
    if user is not None and not peut_gerer_la_lettre(user):
        raise ActionRefusee("La lettre d'information et ses destinataires sont gérés par l'équipe d'animation.")


def plie_de_l_animation(user) -> Plie:
    """Le PLIE dont l'utilisateur gère la lettre : le sien, ou celui choisi ; refusé en vue consolidée. Sans
    utilisateur (tâche, commande) : le seul PLIE de l'installation."""
    plie = seul_plie() if user is None else plie_courant(user)
    if plie is None:
        raise ActionRefusee(CHOISIR_UN_PLIE)
    return plie


def _refuser_si_envoyee(lettre: LettreMensuelle) -> None:
    if lettre.envoyee:
        quand = timezone.localtime(lettre.envoyee_le).strftime("%d/%m/%Y à %H:%M") if lettre.envoyee_le else ""
        raise ActionRefusee(f"La lettre de {lettre.titre_mois} a déjà été envoyée{' le ' + quand if quand else ''} : "
                            f"une lettre ne part qu'une fois, elle n'est ni modifiée ni renvoyée.")


def _construire(lettre: LettreMensuelle, user) -> LettreMensuelle:
    """Recalcule les chiffres (données du jour), rend et stocke le Word ; le PDF suit après commit."""
    lettre.chiffres = chiffres_de_la_lettre(lettre.mois, lettre.plie_id)
    lettre.construite_le = timezone.now()
    try:
        lettre.document = document_generer(objet=lettre, nature="lettre_mensuelle", contexte=contexte_lettre(lettre),
                                           nom=f"lettre-plie-{lettre.cle}.docx", user=user)
    except MentionManquante as erreur:
        raise ActionRefusee(str(erreur)) from None
    lettre.save(update_fields=["chiffres", "construite_le", "document"])
    pdf_apres_commit(lettre.document)
    return lettre


def lettre_preparer(*, mois: date, plie: Plie | None = None, user=None) -> LettreMensuelle:
    """La lettre du PLIE pour le mois, créée si elle manque et reconstruite avec les données du jour tant qu'elle est
    en brouillon ; une lettre envoyée est rendue telle qu'elle est partie. `user` None : la tâche planifiée ou la
    commande, qui disent le PLIE ; sinon, le PLIE courant de l'utilisateur."""
    _exiger_l_animation(user)
    if plie is None:
        plie = plie_de_l_animation(user)
    mois = mois.replace(day=1)
    if mois > timezone.localdate().replace(day=1):
        raise ActionRefusee(f"Le mois de {nom_du_mois(mois)} n'est pas commencé : sa lettre ne peut pas être préparée.")
    with transaction.atomic():
        LettreMensuelle.objects.get_or_create(plie=plie, mois=mois)
        lettre = LettreMensuelle.objects.select_for_update().get(plie=plie, mois=mois)
        if lettre.envoyee:
            return lettre
        return _construire(lettre, user)


def lettre_du_mois(*, mois: date, plie: Plie) -> LettreMensuelle:
    """La lettre du PLIE pour le mois, construite seulement si elle n'existe pas (la tâche planifiée garde une lettre
    relue)."""
    existante = LettreMensuelle.objects.filter(plie=plie, mois=mois.replace(day=1)).first()
    return existante or lettre_preparer(mois=mois, plie=plie)


def lettre_modifier_editorial(*, lettre: LettreMensuelle, editorial: str, user) -> LettreMensuelle:
    _exiger_l_animation(user)
    with transaction.atomic():
        lettre = LettreMensuelle.objects.select_for_update().get(pk=lettre.pk)
        _refuser_si_envoyee(lettre)
        lettre.editorial = editorial.strip()
        lettre.save(update_fields=["editorial"])
        return _construire(lettre, user)


def lettre_envoyer(*, lettre: LettreMensuelle, user=None, par_le_systeme: bool = False) -> LettreMensuelle:
    """Passe la lettre à l'état envoyée, une seule fois (verrou de ligne : de deux envois simultanés, un seul passe),
    puis la distribue après commit, un courriel par adresse active."""
    if not par_le_systeme:
        _exiger_l_animation(user)
    with transaction.atomic():
        verrouillee = LettreMensuelle.objects.select_for_update().get(pk=lettre.pk)
        _refuser_si_envoyee(verrouillee)
        if not adresses_a_servir(verrouillee.plie_id):
            raise ActionRefusee("Aucun destinataire actif : ajoutez des destinataires avant d'envoyer la lettre.")
        tirer_transition(objet=verrouillee, nom="envoyer", user=user, par_le_systeme=par_le_systeme)
        verrouillee.envoyee_le = timezone.now()
        LettreMensuelle.objects.filter(pk=verrouillee.pk).update(envoyee_le=verrouillee.envoyee_le)
        envoyer_lettre.delay_on_commit(verrouillee.pk)
    return verrouillee


# --- Destinataires ---

def destinataire_enregistrer(*, destinataire: Destinataire, user) -> Destinataire:
    """Crée ou modifie un destinataire ; une adresse déjà présente (sans casse) est refusée, rien n'est écrit."""
    _exiger_l_animation(user)
    if destinataire.plie_id is None:  # un nouveau destinataire reçoit la lettre du PLIE de qui l'ajoute
        destinataire.plie = plie_de_l_animation(user)
    destinataire.courriel = destinataire.courriel.strip()
    destinataire.full_clean()
    with transaction.atomic():
        destinataire.save()
    return destinataire


def destinataire_desactiver(*, destinataire: Destinataire, user) -> Destinataire:
    _exiger_l_animation(user)
    Destinataire.objects.filter(pk=destinataire.pk).update(actif=False)
    destinataire.actif = False
    return destinataire


def destinataires_depuis_comptes(*, comptes, user) -> list[Destinataire]:
    """Ajoute les porteurs et référents choisis parmi les comptes actifs (ceux dont l'adresse n'y est pas déjà)."""
    _exiger_l_animation(user)
    plie = plie_de_l_animation(user)
    deja = {c.lower() for c in Destinataire.objects.filter(plie=plie).values_list("courriel", flat=True)}
    ajoutes = []
    with transaction.atomic():
        for compte in comptes:
            if not compte.email or compte.email.lower() in deja:
                continue
            categorie = "referent" if compte.groups.filter(name=Role.REFERENT).exists() else "porteur"
            destinataire = Destinataire(plie=plie, nom=compte.get_full_name() or compte.username, courriel=compte.email,
                                        categorie=categorie, structure=compte.structure)
            try:
                destinataire.full_clean()
            except ValidationError:
                continue
            destinataire.save()
            deja.add(compte.email.lower())
            ajoutes.append(destinataire)
    return ajoutes
