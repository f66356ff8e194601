"""Le chargement de la démonstration en base, par les services métier, et son résumé.

Les données viennent de `donnees` ; ici, seulement ce qui écrit en base (structures, comptes, opérations et
leur historique antidaté) et ce qui relit la base pour le résumé affiché.
"""
import logging
import time as chrono
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.test.utils import override_settings
from django_fsm_log.models import StateLog

from annuaire.models import Financeur, Structure, Utilisateur
from annuaire.roles import Role
from operations.models import Indicateur, LigneDepense, LigneRessource, Notification, Objectif, Operation, TypeOperation
from operations.services import operation_creer, operation_transition

from .donnees import (
    COMPTES, DOMAINE, MOT_DE_PASSE, MOTIVATIONS, PAR_LE_PORTEUR, PAR_ROLE, PORTEURS, REFERENT_ENTREPRISES, REFERENTS,
    STRUCTURES, OperationDemo, calendrier, chemin, identifiant, operations_de_demo,
)

URL = "http://127.0.0.1:8000"
PARIS = ZoneInfo("Europe/Paris")


class DemoRefusee(Exception):
    """La démonstration ne se charge pas ici ; le message dit pourquoi."""


# --- Chargement ---

def _referentiel():
    financeurs = {f.code: f for f in Financeur.objects.all()}
    types = {t.code: t for t in TypeOperation.objects.all()}
    indicateurs = {i.code: i for i in Indicateur.objects.all()}
    if not ({"FSE", "METROPOLE", "DEPARTEMENT", "ETAT", "AUTOFINANCEMENT"} <= financeurs.keys() and types and indicateurs):
        raise DemoRefusee("Le référentiel n'est pas chargé : lancez d'abord « manage.py migrate ».")
    return financeurs, types, indicateurs


def _creer_structures() -> dict[str, Structure]:
    structures = {}
    for nom, sigle, categorie, commune in STRUCTURES:
        s, _ = Structure.objects.get_or_create(nom=nom, defaults={"sigle": sigle, "categorie": categorie, "commune": commune})
        structures[sigle or nom] = s
    return structures


def _creer_comptes(structures) -> dict[str, Utilisateur]:
    groupes = {r: Group.objects.get_or_create(name=r)[0] for r in Role.values}
    # Un seul hachage pour tous les comptes : PBKDF2 coûte une demi-seconde, et ce mot de passe est public.
    modele = Utilisateur()
    modele.set_password(MOT_DE_PASSE)
    comptes = {}

    def compte(login, prenom, nom, role, structure, mot_de_passe=True, **extra):
        if login in comptes:
            return comptes[login]
        u = Utilisateur(username=login, first_name=prenom, last_name=nom, email=f"{login}@{DOMAINE}",
                        structure=structures[structure] if structure else None, **extra)
        if mot_de_passe:
            u.password = modele.password
        else:
            u.set_unusable_password()
        u.save()
        u.groups.add(groupes[role])
        comptes[login] = u
        return u

    for login, prenom, nom, role, structure, _ in COMPTES:
        extra = {"is_staff": True, "is_superuser": True} if role == Role.ADMINISTRATEUR else {}
        compte(login, prenom, nom, role, structure, **extra)
    for structure, (login, prenom, nom) in PORTEURS.items():
        compte(login, prenom, nom, Role.PORTEUR, structure)
    for structure, prenom, nom in [*REFERENTS, REFERENT_ENTREPRISES]:
        if (prenom, nom) == ("Hélène", "Garnier"):
            continue  # c'est le compte `referent`, déjà créé
        compte(identifiant(prenom, nom), prenom, nom, Role.REFERENT, structure, mot_de_passe=False)
    return comptes


def _creer_operation(op: OperationDemo, *, porteur, createur, financeurs, types, indicateurs) -> Operation:
    operation = operation_creer(
        user=createur, porteur=porteur, date_debut=op.periode[0], date_fin=op.periode[1],
        intitule=op.intitule, type=types[op.type], description=op.description,
    )
    depenses, ressources = op.financement
    LigneDepense.objects.bulk_create(
        LigneDepense(operation=operation, categorie=c, libelle=libelle, montant=m) for c, libelle, m in depenses
    )
    LigneRessource.objects.bulk_create(
        LigneRessource(operation=operation, financeur=financeurs[code], montant=m) for code, m in ressources
    )
    Objectif.objects.bulk_create(
        Objectif(operation=operation, indicateur=indicateurs[code], valeur_cible=Decimal(v)) for code, v in op.objectifs.items()
    )
    return operation


def _heure(jour: date, rang: int) -> datetime:
    # Des heures de bureau variées, toujours les mêmes d'un chargement à l'autre.
    return datetime.combine(jour, time(9 + (rang * 3) % 8, (rang * 17) % 60), tzinfo=PARIS)


def _faire_vivre(operation: Operation, op: OperationDemo, *, createur, comptes, rang: int) -> int:
    """Tire les transitions du chemin avec le compte du bon rôle, puis antidate l'historique."""
    noms = chemin(op)
    jours = calendrier(op, noms)
    for nom, jour in zip(noms, jours):
        utilisateur = createur if nom in PAR_LE_PORTEUR else comptes[PAR_ROLE[nom]]
        motivation = op.motivations.get(nom) or MOTIVATIONS.get(nom, "")
        if nom == "programmer":
            motivation = f"Avis favorable du comité de pilotage du {jour:%d/%m/%Y}."
        operation_transition(operation=operation, nom=nom, user=utilisateur, motivation=motivation)
    if operation.etat != op.etat:
        raise RuntimeError(f"{operation.code} : état {operation.etat} au lieu de {op.etat}.")

    journal = StateLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Operation), object_id=operation.pk
    ).order_by("pk")
    for pk, jour in zip(journal.values_list("pk", flat=True), jours):
        StateLog.objects.filter(pk=pk).update(timestamp=_heure(jour, rang))
        rang += 1
    creee = _heure(op.depuis - timedelta(days=6), rang)
    modifiee = _heure(jours[-1], rang - 1) if jours else _heure(op.depuis, rang)
    Operation.objects.filter(pk=operation.pk).update(cree_le=creee, modifiee_le=modifiee)
    return rang + 1


def _dater_notifications(operation_ids: list[int]):
    """Les avis prennent la date du changement d'état ; seul celui du dernier changement de chaque opération reste à lire."""
    avis = Notification.objects.filter(operation_id__in=operation_ids)
    avis.update(creee_le=Subquery(StateLog.objects.filter(pk=OuterRef("journal_id")).values("timestamp")[:1]))
    dernier = (
        StateLog.objects.filter(content_type=ContentType.objects.get_for_model(Operation), object_id=OuterRef("operation_id"))
        .order_by("-timestamp", "-pk")
        .values("pk")[:1]
    )
    avis.exclude(journal_id=Subquery(dernier)).update(lue=True)


def _charger():
    financeurs, types, indicateurs = _referentiel()
    structures = _creer_structures()
    comptes = _creer_comptes(structures)
    par_role = {role: comptes[login] for login, _, _, role, _, _ in COMPTES}
    creees, rang = [], 0
    for op in operations_de_demo():
        createur = comptes[PORTEURS[op.porteur][0]]
        operation = _creer_operation(op, porteur=structures[op.porteur], createur=createur,
                                     financeurs=financeurs, types=types, indicateurs=indicateurs)
        rang = _faire_vivre(operation, op, createur=createur, comptes=par_role, rang=rang)
        creees.append(operation.pk)
    # Enregistré après les tâches de notification (mises en file à chaque transition) : il passe après elles.
    transaction.on_commit(lambda: _dater_notifications(creees))


@contextmanager
def _sans_bruit():
    """Ni courriels vers les adresses fictives des comptes, ni des centaines de lignes de journal avant le résumé."""
    niveaux = {"celery": logging.WARNING, "operations.tasks": logging.WARNING, "kombu": logging.ERROR}
    avant = {nom: logging.getLogger(nom).level for nom in niveaux}
    for nom, niveau in niveaux.items():
        logging.getLogger(nom).setLevel(niveau)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            yield
    finally:
        for nom, niveau in avant.items():
            logging.getLogger(nom).setLevel(niveau)


def deja_chargee() -> bool:
    return Utilisateur.objects.filter(username="animation").exists()


def charger_demo(stdout=None, *, force: bool = False) -> dict:
    """Charge la démonstration si elle ne l'est pas déjà, et renvoie (et affiche) son résumé."""
    if not settings.DEBUG and not force:
        raise DemoRefusee(
            "Les comptes de démonstration ne doivent jamais exister dans une installation réelle "
            "(mot de passe « demo ») : DEBUG est faux. Lancez avec DEBUG=1, ou --force en connaissance de cause."
        )
    debut = chrono.monotonic()
    deja = deja_chargee()
    if not deja:
        # Les avis (créés après la validation, dans le processus) restent dans l'application.
        with _sans_bruit(), transaction.atomic():
            _charger()
    donnees = resume(deja_chargee=deja, duree=chrono.monotonic() - debut)
    if stdout is not None:
        for ligne in lignes_de_resume(donnees):
            stdout.write(ligne + "\n")
    return donnees


# --- Résumé (affiché par la commande, repris dans le README) ---

def resume(*, deja_chargee: bool = False, duree: float | None = None) -> dict:
    logins = [c[0] for c in COMPTES]
    utilisateurs = {u.username: u for u in Utilisateur.objects.filter(username__in=logins).select_related("structure")}
    comptes = [
        {"identifiant": login, "role": Role(role).label, "nom": utilisateurs[login].get_full_name(), "fonction": fonction,
         "structure": str(utilisateurs[login].structure or "")}
        for login, _, _, role, _, fonction in COMPTES if login in utilisateurs
    ]
    autres = list(
        Utilisateur.objects.filter(username__in=[p[0] for p in PORTEURS.values()]).exclude(username__in=logins)
        .order_by("username").values_list("username", flat=True)
    )
    operations = [
        {"code": o.code, "intitule": o.intitule, "porteur": str(o.porteur), "etat": o.get_etat_display()}
        for o in Operation.objects.select_related("porteur").order_by("code")
    ]
    return {"url": URL, "mot_de_passe": MOT_DE_PASSE, "deja_chargee": deja_chargee, "duree": duree,
            "comptes": comptes, "autres_porteurs": autres, "operations": operations}


def lignes_de_resume(donnees: dict | None = None, *, markdown: bool = False) -> list[str]:
    """Le résumé en lignes de texte ; `markdown=True` donne les tableaux du README."""
    d = donnees or resume()
    if markdown:
        lignes = ["| identifiant | rôle | personne |", "|---|---|---|"]
        lignes += [f"| `{c['identifiant']}` | {c['role']} | {c['nom']}, {c['fonction']}"
                   f"{', ' + c['structure'] if c['structure'] else ''} |" for c in d["comptes"]]
        lignes += ["", "| code | intitulé | porteur | état |", "|---|---|---|---|"]
        lignes += [f"| {o['code']} | {o['intitule']} | {o['porteur']} | {o['etat']} |" for o in d["operations"]]
        return lignes
    if d["deja_chargee"]:
        entete = "La démonstration est déjà chargée."
    else:
        entete = "Démonstration chargée" + (f" en {d['duree']:.1f} s".replace(".", ",") + "." if d["duree"] else ".")
    lignes = [entete, "", f"Ouvrir {d['url']} (make demo lance le serveur).", "",
              f"Comptes (mot de passe « {d['mot_de_passe']} » pour tous) :"]
    lignes += [f"  {c['identifiant']:<13} {c['role']:<21} {c['nom']}, {c['fonction']}"
               f"{' (' + c['structure'] + ')' if c['structure'] else ''}" for c in d["comptes"]]
    if d["autres_porteurs"]:
        lignes += ["  Un compte porteur par structure : " + ", ".join(d["autres_porteurs"]) + "."]
    largeur = max((len(o["porteur"]) for o in d["operations"]), default=7)
    lignes += ["", f"Opérations ({len(d['operations'])}) :",
               f"  {'Code':<12} {'État':<17} {'Porteur':<{largeur}}  Intitulé"]
    lignes += [f"  {o['code']:<12} {o['etat']:<17} {o['porteur']:<{largeur}}  {o['intitule']}" for o in d["operations"]]
    return lignes
