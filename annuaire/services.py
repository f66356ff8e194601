"""Créer un PLIE : la même fonction sert `manage.py creer_plie` et ses tests (l'administration crée la fiche seule)."""
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Commune, OrganismePivot, Plie, Structure, Utilisateur
from .roles import Role


@dataclass
class PlieCree:
    plie: Plie
    communes: list[Commune]
    structure_animation: Structure
    compte_animation: Utilisateur | None


@transaction.atomic
def creer_plie(*, nom: str, sigle: str, prefixe_operations: str, pivot: str = "", communes: list[tuple[str, str]] = (),
               compte_animation: str = "", courriel: str = "", organisme_nom: str = "", **organisme) -> PlieCree:
    """Le PLIE, son territoire (communes et codes INSEE), sa structure d'animation et, si demandé, le premier compte
    de son équipe d'animation (sans mot de passe : il le choisit par « Mot de passe oublié »). Tout ou rien."""
    plie = Plie(nom=nom, sigle=sigle, prefixe_operations=prefixe_operations, organisme_nom=organisme_nom, **organisme)
    if pivot:
        plie.pivot = OrganismePivot.objects.get_or_create(nom=pivot)[0]
    plie.full_clean()
    plie.save()
    territoire = []
    for nom_commune, insee in communes:
        commune = Commune(plie=plie, nom=nom_commune, code_insee=insee)
        commune.full_clean(exclude=["cle"])
        commune.save()
        territoire.append(commune)
    structure = Structure.objects.create(plie=plie, nom=organisme_nom or nom, sigle=sigle, categorie=Structure.Categorie.ANIMATION,
                                         commune=organisme.get("commune", ""))
    compte = None
    if compte_animation:
        compte = Utilisateur(username=compte_animation, email=courriel, plie=plie, structure=structure)
        compte.set_unusable_password()
        compte.full_clean(exclude=["password"])
        compte.save()
        compte.groups.add(Group.objects.get_or_create(name=Role.ANIMATION)[0])
    return PlieCree(plie, territoire, structure, compte)


def message_de(erreur: ValidationError) -> str:
    """Les erreurs de validation en une phrase française par champ, nommé par son libellé (« préfixe des codes
    d'opération », jamais « prefixe_operations »), pour la ligne de commande."""
    if not hasattr(erreur, "message_dict"):
        return " ".join(erreur.messages)
    # Les modèles que valide `creer_plie` : le PLIE, ses communes, son premier compte.
    libelles = {f.name: str(f.verbose_name) for m in (Utilisateur, Commune, Plie) for f in m._meta.fields}
    return " ".join(f"{libelles.get(champ, champ)} : {' '.join(msgs)}" for champ, msgs in erreur.message_dict.items())
