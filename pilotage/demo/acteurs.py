"""Qui joue la démonstration (`donnees/acteurs.yaml`) : structures, comptes à essayer (mot de passe public), un
compte porteur par structure, les référents de parcours du rapport et les autres membres des comités."""
import re
import unicodedata
from collections import Counter

from django.contrib.auth.models import Group

from annuaire.models import Plie, Structure, Utilisateur
from annuaire.roles import Role

from .lecture import lire

_A = lire("acteurs")
MOT_DE_PASSE = _A["mot_de_passe"]  # le même pour tous et public : d'où le refus de charger quand DEBUG est faux
DOMAINE = _A["domaine"]  # .invalid est réservé (RFC 2606) : ces adresses n'atteignent personne
GIP = _A["structure_d_animation"]
COMPTES = _A["comptes"]  # les comptes à essayer, dans l'ordre du résumé
PORTEURS = _A["porteurs"]  # structure -> son compte porteur
REFERENTS = _A["referents"]
MEMBRES = _A["membres_des_comites"]
MEMBRE_QUI_DECIDE = _A["membre_qui_decide"]  # le compte qui enregistre les décisions et valide les PV


def referents_par_structure() -> Counter:
    """Le nombre de référents de chaque structure du portage, dans l'ordre du fichier."""
    return Counter(r["structure"] for r in REFERENTS)


def identifiant(prenom: str, nom: str) -> str:
    """« Élodie Chevalier » -> `e.chevalier`."""
    texte = unicodedata.normalize("NFKD", f"{prenom[0]}.{nom}").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z.]", "", texte)


def plie_de_la_demo() -> Plie:
    """Le PLIE de l'installation (le premier créé, par la migration annuaire/0004) : la démonstration s'y charge, même
    sur une installation qui en compte d'autres."""
    return Plie.objects.order_by("pk").first()


def creer_structures() -> dict[str, Structure]:
    """Les structures, désignées partout par leur sigle, sinon leur nom."""
    structures, plie = {}, plie_de_la_demo()
    for s in _A["structures"]:
        structure, _ = Structure.objects.get_or_create(plie=plie, nom=s["nom"], defaults={
            "sigle": s["sigle"], "categorie": Structure.Categorie(s["categorie"]), "commune": s["commune"]})
        structures[s["sigle"] or s["nom"]] = structure
    return structures


def creer_comptes(structures) -> dict[str, Utilisateur]:
    groupes = {r: Group.objects.get_or_create(name=r)[0] for r in Role.values}
    # Un seul hachage pour tous les comptes : PBKDF2 coûte une demi-seconde, et ce mot de passe est public.
    modele = Utilisateur()
    modele.set_password(MOT_DE_PASSE)
    comptes, plie = {}, plie_de_la_demo()

    def compte(login, prenom, nom, role, structure, mot_de_passe=True, **extra):
        if login in comptes:
            return comptes[login]
        u = Utilisateur(username=login, first_name=prenom, last_name=nom, email=f"{login}@{DOMAINE}", plie=plie,
                        structure=structures[structure] if structure else None, **extra)
        if mot_de_passe:
            u.password = modele.password
        else:
            u.set_unusable_password()
        u.save()
        u.groups.add(groupes[role])
        comptes[login] = u
        return u

    for c in COMPTES:
        role = Role(c["role"])
        extra = {"is_staff": True, "is_superuser": True} if role == Role.ADMINISTRATEUR else {}
        compte(c["identifiant"], c["prenom"], c["nom"], role, c["structure"], **extra)
    for structure, p in PORTEURS.items():
        compte(p["identifiant"], p["prenom"], p["nom"], Role.PORTEUR, structure)
    for r in [*REFERENTS, _A["referent_entreprises"]]:
        if r.get("compte"):
            continue  # un compte à essayer, déjà créé
        compte(identifiant(r["prenom"], r["nom"]), r["prenom"], r["nom"], Role.REFERENT, r["structure"], mot_de_passe=False)
    return comptes


def creer_membres(comptes: dict[str, Utilisateur]):
    """Les autres membres des comités, sans mot de passe utilisable : ils n'existent que pour la composition des séances."""
    groupe = Group.objects.get(name=Role.COMITE)
    for m in MEMBRES:
        u = Utilisateur(username=m["identifiant"], first_name=m["prenom"], last_name=m["nom"],
                        email=f"{m['identifiant']}@{DOMAINE}", plie=plie_de_la_demo())
        u.set_unusable_password()
        u.save()
        u.groups.add(groupe)
        comptes[m["identifiant"]] = u
