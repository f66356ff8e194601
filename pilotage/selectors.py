"""Lectures de la lettre mensuelle : qui voit quelles lettres, et ce que la lettre met sur le bureau de l'animation."""
from datetime import date

from django.urls import reverse

from annuaire.formats import pluriel
from annuaire.plies import comptes_du_plie, plies_de
from annuaire.roles import Role, roles_de
from operations.bureau import Rubrique, Tache

from .calendrier import mois_precedent, premier_jour_ouvre
from .envoi import adresses_a_servir
from .models import Destinataire, LettreMensuelle, nom_du_mois
from .options import EtatLettre

# L'animation prépare et envoie ; le comité, le gestionnaire et l'administrateur lisent les lettres parties.
LECTEURS = {Role.COMITE, Role.GESTIONNAIRE, Role.ADMINISTRATEUR}


def peut_lire_les_lettres(user) -> bool:
    return bool(roles_de(user) & (LECTEURS | {Role.ANIMATION}))


def lettres_visibles(user):
    """Le périmètre des lettres : toutes pour l'animation, les envoyées pour les lecteurs, aucune sinon."""
    roles = roles_de(user)
    des_siens = LettreMensuelle.objects.filter(plie__in=plies_de(user))
    if Role.ANIMATION in roles:
        return des_siens
    if roles & LECTEURS:
        return des_siens.filter(etat=EtatLettre.ENVOYEE)
    return LettreMensuelle.objects.none()


def nombre_de_destinataires(plie_id: int) -> str:
    """« 23 destinataires » : les adresses actives du PLIE, chacune une fois (ce que l'envoi servira)."""
    n = len(adresses_a_servir(plie_id))
    return f"{n} destinataire{pluriel(n)}"


def comptes_proposables(plie_id: int):
    """Les comptes actifs de porteurs et de référents du PLIE, avec une adresse, pas encore destinataires."""
    deja = [c.lower() for c in Destinataire.objects.filter(plie_id=plie_id).values_list("courriel", flat=True)]
    comptes = (comptes_du_plie(plie_id).filter(is_active=True, groups__name__in=[Role.PORTEUR, Role.REFERENT])
               .exclude(email="").select_related("structure").distinct().order_by("structure__nom", "last_name"))
    return [c for c in comptes if c.email.lower() not in deja]


def destinataires_liste(plie_id: int):
    return (Destinataire.objects.filter(plie_id=plie_id).select_related("structure")
            .order_by("-actif", "categorie", "nom"))


def rubriques_du_bureau(user, aujourdhui: date) -> list[Rubrique]:
    """Animation : les lettres en brouillon à relire et envoyer, et la lettre du mois passé si elle manque. Une requête."""
    if Role.ANIMATION not in roles_de(user):
        return []
    plies = plies_de(user)
    lettres = LettreMensuelle.objects.filter(plie__in=plies)
    brouillons = list(lettres.filter(etat=EtatLettre.BROUILLON).only("mois", "etat", "construite_le", "plie"))
    taches = [Tache(f"Lettre d'information de {l.titre_mois}", "Relire, compléter l'éditorial et envoyer",
                    l.get_absolute_url(), echeance=premier_jour_ouvre(*_mois_suivant(l.mois)))
              for l in brouillons]
    passe = mois_precedent(aujourdhui)
    # La lettre du mois passé manque tant qu'un des PLIE de l'utilisateur ne l'a pas.
    if passe not in {l.mois for l in brouillons} and lettres.filter(mois=passe).count() < len(plies):
        taches.append(Tache(f"Lettre d'information de {nom_du_mois(passe)}", "Préparer la lettre",
                            reverse("pilotage:lettres"), echeance=premier_jour_ouvre(aujourdhui.year, aujourdhui.month)))
    return [Rubrique("Lettre d'information mensuelle", taches, tout_voir=reverse("pilotage:lettres"), ordre=60,
                     aide="Envoyée d'elle-même le premier jour ouvré du mois ; à relire avant si besoin.")]


def _mois_suivant(mois: date) -> tuple[int, int]:
    return (mois.year + 1, 1) if mois.month == 12 else (mois.year, mois.month + 1)
