"""La lettre mensuelle de la démonstration (`donnees/lettres.yaml`) : les destinataires (financeurs et prescripteurs
sans compte, porteurs et référents pris de leurs comptes), et les lettres de 2017, construites et envoyées par les
vrais services, puis datées du premier jour ouvré du mois suivant."""
from datetime import datetime, time

from django.contrib.contenttypes.models import ContentType
from django_fsm_log.models import StateLog

from annuaire.models import Structure, Utilisateur
from annuaire.roles import Role
from operations.models import DocumentGenere
from pilotage.calendrier import premier_jour_ouvre
from pilotage.forms import lire_mois
from pilotage.models import Destinataire, EnvoiLettre, LettreMensuelle
from pilotage.services import (destinataire_enregistrer, destinataires_depuis_comptes, lettre_envoyer,
                               lettre_modifier_editorial, lettre_preparer)

from .lecture import PARIS, lire, moment

_L = lire("lettres")


def _envoi_du(lettre: LettreMensuelle) -> datetime:
    suivant = (lettre.mois.year + 1, 1) if lettre.mois.month == 12 else (lettre.mois.year, lettre.mois.month + 1)
    return datetime.combine(premier_jour_ouvre(*suivant), time(6, 30), tzinfo=PARIS)


def charger_lettres(animation) -> list[LettreMensuelle]:
    for d in _L["destinataires"]:
        structure = Structure.objects.get(plie=animation.plie, nom=d["structure"]) if d.get("structure") else None
        destinataire_enregistrer(destinataire=Destinataire(
            nom=d["nom"], courriel=d["courriel"], categorie=d["categorie"], structure=structure,
            actif=d.get("actif", True)), user=animation)
    if _L["porteurs_et_referents_des_comptes"]:
        comptes = (Utilisateur.objects.filter(is_active=True, groups__name__in=[Role.PORTEUR, Role.REFERENT])
                   .exclude(email="").distinct().order_by("pk"))
        destinataires_depuis_comptes(comptes=list(comptes), user=animation)
    lettres = []
    for entree in _L["lettres"]:
        lettre = lettre_preparer(mois=lire_mois(entree["mois"]), user=animation)
        if entree["editorial"]:
            lettre = lettre_modifier_editorial(lettre=lettre, editorial=entree["editorial"], user=animation)
        if entree["envoyee"]:
            lettre = lettre_envoyer(lettre=lettre, par_le_systeme=True)  # comme la tâche du premier jour ouvré
        lettres.append(lettre)
    return lettres


def dater_lettres(lettres: list[LettreMensuelle]) -> None:
    """Construites et envoyées le premier jour ouvré du mois suivant ; le brouillon de juin, relu fin juin (la
    démonstration se place là). Rappelé après le commit pour dater aussi les courriels, partis alors."""
    type_lettre = ContentType.objects.get_for_model(LettreMensuelle)
    for lettre in lettres:
        quand = _envoi_du(lettre) if lettre.envoyee else moment(_L["brouillon_relu_le"])
        LettreMensuelle.objects.filter(pk=lettre.pk).update(
            construite_le=quand, envoyee_le=quand if lettre.envoyee else None)
        StateLog.objects.filter(content_type=type_lettre, object_id=lettre.pk).update(timestamp=quand)
        DocumentGenere.objects.filter(content_type=type_lettre, object_id=lettre.pk).update(cree_le=quand)
        EnvoiLettre.objects.filter(lettre=lettre).update(envoye_le=quand)
