"""Le résumé de la démonstration, relu en base : affiché par la commande `charger_demo`, repris dans le README
(`lignes_de_resume(markdown=True)` donne les tableaux entre `<!-- demo:debut -->` et `<!-- demo:fin -->`)."""
from django.db.models import Count
from django.utils import timezone

from annuaire.models import Utilisateur
from annuaire.roles import Role
from appels_projets.models import AppelAProjets, Comite
from conventions.models import Avenant, Convention
from conventions.options import EtatSignature
from operations.models import Operation

from .acteurs import COMPTES, MOT_DE_PASSE, PORTEURS

URL = "http://127.0.0.1:8000"


def resume(*, deja_chargee: bool = False, duree: float | None = None) -> dict:
    logins = [c["identifiant"] for c in COMPTES]
    utilisateurs = {u.username: u for u in Utilisateur.objects.filter(username__in=logins).select_related("structure")}
    comptes = [
        {"identifiant": c["identifiant"], "role": Role(c["role"]).label, "nom": utilisateurs[c["identifiant"]].get_full_name(),
         "fonction": c["fonction"], "structure": str(utilisateurs[c["identifiant"]].structure or "")}
        for c in COMPTES if c["identifiant"] in utilisateurs
    ]
    autres = list(
        Utilisateur.objects.filter(username__in=[p["identifiant"] for p in PORTEURS.values()]).exclude(username__in=logins)
        .order_by("username").values_list("username", flat=True)
    )
    operations = [
        {"code": o.code, "intitule": o.intitule, "porteur": str(o.porteur), "etat": o.get_etat_display()}
        for o in Operation.objects.select_related("porteur").order_by("code")
    ]
    appels = [
        {"titre": a.titre, "etat": a.get_etat_display(), "reponses": a.nombre}
        for a in AppelAProjets.objects.annotate(nombre=Count("reponses")).order_by("annee", "date_ouverture", "pk")
    ]
    comites = [
        {"date": f"{timezone.localtime(c.date):%d/%m/%Y}", "type": c.get_type_display(), "etat": c.get_etat_display(),
         "points": c.points.count(), "decisions": c.points.exclude(decision="").count()}
        for c in Comite.objects.order_by("date")
    ]
    conventions = [
        {"numero": d.numero, "operation": d.operation.code, "etat": d.get_etat_display()}
        for d in [*Convention.objects.select_related("operation").exclude(etat=EtatSignature.NOTIFIEE).order_by("numero"),
                  *Avenant.objects.select_related("convention__operation").order_by("numero")]
    ]
    notifiees = Convention.objects.filter(etat=EtatSignature.NOTIFIEE).count()
    return {"url": URL, "mot_de_passe": MOT_DE_PASSE, "deja_chargee": deja_chargee, "duree": duree,
            "comptes": comptes, "autres_porteurs": autres, "operations": operations, "appels": appels,
            "comites": comites, "conventions": conventions, "conventions_notifiees": notifiees}


def _seance(c: dict) -> str:
    def pluriel(n, mot):
        return f"{n} {mot}{'s' if n > 1 else ''}"

    decisions = pluriel(c["decisions"], "décision") if c["decisions"] else "aucune décision encore"
    return f"{c['type']}, {pluriel(c['points'], 'opération')} à l'ordre du jour, {decisions}"


def lignes_de_resume(donnees: dict | None = None, *, markdown: bool = False) -> list[str]:
    """Le résumé en lignes de texte ; `markdown=True` donne les tableaux du README."""
    d = donnees or resume()
    if markdown:
        lignes = ["| identifiant | rôle | personne |", "|---|---|---|"]
        lignes += [f"| `{c['identifiant']}` | {c['role']} | {c['nom']}, {c['fonction']}"
                   f"{', ' + c['structure'] if c['structure'] else ''} |" for c in d["comptes"]]
        lignes += ["", "| code | intitulé | porteur | état |", "|---|---|---|---|"]
        lignes += [f"| {o['code']} | {o['intitule']} | {o['porteur']} | {o['etat']} |" for o in d["operations"]]
        lignes += ["", "| appel à projets | état | réponses |", "|---|---|---|"]
        lignes += [f"| {a['titre']} | {a['etat']} | {a['reponses']} |" for a in d["appels"]]
        lignes += ["", "| comité | état | séance |", "|---|---|---|"]
        lignes += [f"| {c['date']} | {c['etat']} | {_seance(c)} |" for c in d["comites"]]
        lignes += ["", f"{d['conventions_notifiees']} conventions notifiées ; conventions en cours de signature et avenants :", "",
                   "| convention ou avenant | opération | état |", "|---|---|---|"]
        lignes += [f"| {c['numero']} | {c['operation']} | {c['etat']} |" for c in d["conventions"]]
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
    lignes += ["", f"Appels à projets ({len(d['appels'])}) :", f"  {'État':<24} {'Réponses':>8}  Titre"]
    lignes += [f"  {a['etat']:<24} {a['reponses']:>8}  {a['titre']}" for a in d["appels"]]
    lignes += ["", f"Comités ({len(d['comites'])}) :"]
    lignes += [f"  {c['date']}  {c['etat']:<21} {_seance(c)}" for c in d["comites"]]
    lignes += ["", f"Conventions : {d['conventions_notifiees']} notifiées ; en cours de signature, et avenants :"]
    lignes += [f"  {c['numero']:<17} {c['operation']:<12} {c['etat']}" for c in d["conventions"]]
    return lignes
