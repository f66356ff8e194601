"""Les droits des pages de la lettre mensuelle (fusionnés dans tests/test_permissions.py) : l'équipe d'animation
prépare, envoie et gère les destinataires ; le comité, le gestionnaire et l'administrateur lisent les lettres
envoyées ; le lien d'archive des courriels s'ouvre sans compte."""
import itertools
from datetime import date

from pilotage.envoi import jeton_d_archive
from pilotage.models import Destinataire, LettreMensuelle
from pilotage.services import lettre_envoyer, lettre_preparer
from tests.test_permissions import CONNEXION, Cas, tous

MOIS = itertools.count()
LECTEURS = tous(403, anonyme=CONNEXION, animation=200, comite=200, gestionnaire=200, administrateur=200)
ANIMATION = tous(403, anonyme=CONNEXION, animation=200)


def _lettre_envoyee() -> LettreMensuelle:
    lettre = LettreMensuelle.objects.filter(mois=date(2017, 3, 1)).first()
    if lettre is None:
        lettre = lettre_preparer(mois=date(2017, 3, 1))
        Destinataire.objects.get_or_create(courriel="financeur@exemple.fr",
                                           defaults={"nom": "Financeur", "categorie": "financeur"})
        lettre = lettre_envoyer(lettre=lettre, par_le_systeme=True)
    return lettre


def _brouillon(ctx):
    """Un brouillon neuf par rôle (un mois chacun), pour voir qui peut l'envoyer."""
    n = next(MOIS)
    ctx["lettre"] = lettre_preparer(mois=date(2016 + n // 12, 1 + n % 12, 1))
    Destinataire.objects.get_or_create(courriel="financeur@exemple.fr",
                                       defaults={"nom": "Financeur", "categorie": "financeur"})
    return {"mois": ctx["lettre"].cle}


def _envoyee_seulement_par_l_animation(ctx, role, reponse):
    envoyee = LettreMensuelle.objects.get(pk=ctx["lettre"].pk).envoyee
    assert envoyee == (role == "animation"), f"{role} : lettre envoyée = {envoyee}"


def _destinataire(ctx):
    ctx["destinataire"] = Destinataire.objects.create(nom="Prescripteur", courriel=f"p{next(MOIS)}@exemple.fr",
                                                      categorie="prescripteur")
    return {"pk": ctx["destinataire"].pk}


def _desactive_seulement_par_l_animation(ctx, role, reponse):
    actif = Destinataire.objects.get(pk=ctx["destinataire"].pk).actif
    assert actif == (role != "animation"), f"{role} : destinataire actif = {actif}"


MATRICE = {
    "pilotage:lettres": Cas(LECTEURS),
    "pilotage:lettre_preparer": Cas(tous(403, anonyme=CONNEXION, animation=302), methode="post",
                                    donnees={"mois": "2017-02"}),
    "pilotage:lettre": Cas(LECTEURS, objet=lambda ctx: {"mois": _lettre_envoyee().cle}),
    "pilotage:lettre_document": Cas(LECTEURS, objet=lambda ctx: {"mois": _lettre_envoyee().cle, "format": "docx"}),
    "pilotage:lettre_editorial": Cas(ANIMATION, objet=_brouillon),
    "pilotage:lettre_envoyer": Cas(tous(403, anonyme=CONNEXION, animation=302), methode="post", objet=_brouillon,
                                   verifier=_envoyee_seulement_par_l_animation),
    # Le lien des courriels : les financeurs n'ont pas de compte ; le jeton signé ne sert que cette lettre.
    "pilotage:lettre_archive": Cas(tous(200), objet=lambda ctx: {"jeton": jeton_d_archive(_lettre_envoyee())}),
    "pilotage:destinataires": Cas(ANIMATION),
    "pilotage:destinataire_ajouter": Cas(ANIMATION),
    "pilotage:destinataires_comptes": Cas(ANIMATION),
    "pilotage:destinataire": Cas(ANIMATION, objet=_destinataire),
    "pilotage:destinataire_desactiver": Cas(tous(403, anonyme=CONNEXION, animation=302), methode="post",
                                            objet=_destinataire, verifier=_desactive_seulement_par_l_animation),
}
