"""Chaque machine à états du produit, lue dans les modèles et le registre des conditions (operations.regles.GARDES),
écrite en texte (`manage.py workflows`) ou en diagrammes Mermaid (docs/workflows.md, que `--markdown` réécrit).

Rien n'est recopié : états, transitions, rôles et conditions viennent du code qui les applique, avec le module où
chaque condition est déclarée. Un test compare docs/workflows.md à ce que ce module produit.
"""
from dataclasses import dataclass

from django.apps import apps
from django_fsm import FSMField

from operations.regles import Acteurs, conditions_de

# L'ordre de lecture et le titre de chaque machine : l'opération d'abord, puis ce qui l'entoure, dans l'ordre de sa vie.
TITRES = {
    "operations.Operation": "Opération", "appels_projets.AppelAProjets": "Appel à projets",
    "appels_projets.Comite": "Comité", "conventions.Convention": "Convention", "conventions.Avenant": "Avenant",
    "justificatifs.Bilan": "Bilan d'exécution", "participants.Participant": "Entrée dans le PLIE",
    "participants.PropositionSortie": "Proposition de sortie",
}


@dataclass(frozen=True)
class Fleche:
    sources: list[str]  # une même action peut partir de plusieurs états (abandonner)
    cible: str
    nom: str
    libelle: str
    roles: list[str]
    motivation: bool
    conditions: list[tuple[str, str]]  # (ce qu'elle exige, module qui la déclare)


@dataclass(frozen=True)
class Machine:
    modele: str
    titre: str
    champ: str
    initiaux: list[str]  # l'état par défaut, ou ceux que le modèle déclare (`ETATS_INITIAUX`) s'il en a plusieurs
    etats: list[tuple[str, str]]  # (code, libellé) dans l'ordre des choix
    fleches: list[Fleche]


def _fleches(transitions, etats: list[str]) -> list[Fleche]:
    """Une flèche par action et par état d'arrivée, avec tous ses états de départ, dans l'ordre des états."""
    par_action = {}
    for t in sorted(transitions, key=lambda t: (etats.index(t.source) if t.source in etats else -1, t.name)):
        par_action.setdefault((t.name, t.target), []).append(t)
    # Une action possible depuis plusieurs états (abandonner) se lit après le cours normal.
    par_action = dict(sorted(par_action.items(), key=lambda a: len(a[1]) > 1))
    fleches = []
    for (nom, cible), groupe in par_action.items():
        t = groupe[0]
        roles = t.permission.libelles if isinstance(t.permission, Acteurs) else []
        fleches.append(Fleche(sources=[g.source for g in groupe], cible=cible, nom=nom,
                              libelle=t.custom.get("libelle", nom), roles=roles,
                              motivation=t.custom.get("motivation_requise", False),
                              conditions=[(c.libelle, c.origine) for c in conditions_de(t)]))
    return fleches


def machines() -> list[Machine]:
    trouvees = {}
    for modele in apps.get_models():
        for champ in modele._meta.fields:
            if isinstance(champ, FSMField):
                fleches = _fleches(champ.get_all_transitions(modele), [code for code, _ in champ.choices])
                titre = TITRES.get(modele._meta.label, str(modele._meta.verbose_name).capitalize())
                initiaux = list(getattr(modele, "ETATS_INITIAUX", [champ.default]))
                trouvees[modele._meta.label] = Machine(modele._meta.label, titre,
                                                       champ.name, initiaux, list(champ.choices), fleches)
    connues = [trouvees.pop(cle) for cle in TITRES if cle in trouvees]
    return connues + [trouvees[cle] for cle in sorted(trouvees)]


def _etat(machine: Machine, code: str) -> str:
    return dict(machine.etats).get(code, code)


def en_texte(liste: list[Machine]) -> str:
    lignes = []
    for m in liste:
        lignes += [f"{m.titre} ({m.modele}, champ « {m.champ} »)",
                   "  États : " + ", ".join(libelle for _, libelle in m.etats),
                   ("  États initiaux : " if len(m.initiaux) > 1 else "  État initial : ")
                   + ", ".join(_etat(m, code) for code in m.initiaux)]
        for f in m.fleches:
            qui = ", ".join(f.roles) or "le système"
            depart = " ou ".join(_etat(m, source) for source in f.sources)
            lignes.append(f"  {depart} → {_etat(m, f.cible)} : « {f.libelle} » ({qui}"
                          + (", motivation obligatoire" if f.motivation else "") + ")")
            lignes += [f"      si : {exigence} [{origine}]" for exigence, origine in f.conditions]
        lignes.append("")
    return "\n".join(lignes)


def _mermaid_texte(texte: str) -> str:
    """Mermaid lit `:` et `;` comme séparateurs et `"` comme délimiteur : on les remplace par des signes voisins."""
    return texte.replace(":", "∶").replace(";", ",").replace('"', "'").replace("#", "n°")


def en_markdown(liste: list[Machine]) -> str:
    lignes = [
        "# Les machines à états du produit",
        "",
        "Généré par `manage.py workflows --markdown > docs/workflows.md` depuis les modèles et le registre des",
        "conditions (`operations.regles.GARDES`) : ne pas modifier à la main, un test compare ce fichier au code.",
        "Chaque flèche porte l'action, les rôles qui peuvent la faire et chaque condition qui la garde ; le tableau",
        "sous chaque diagramme dit où chaque condition est déclarée.",
        "",
    ]
    for m in liste:
        lignes += [f"## {m.titre}", "", f"`{m.modele}`, champ `{m.champ}`.", "", "```mermaid", "stateDiagram-v2"]
        lignes += [f"    {code}: {_mermaid_texte(libelle)}" for code, libelle in m.etats]
        lignes += [f"    [*] --> {code}" for code in m.initiaux]
        for f in m.fleches:
            etiquette = [_mermaid_texte(f.libelle), _mermaid_texte(", ".join(f.roles) or "le système")]
            etiquette += [f"si {_mermaid_texte(exigence)}" for exigence, _ in f.conditions]
            lignes.append(f"    {f.sources[0]} --> {f.cible}: " + "<br/>".join(etiquette))
            # Les autres départs de la même action : la flèche ne répète que son nom.
            lignes += [f"    {source} --> {f.cible}: {etiquette[0]}" for source in f.sources[1:]]
        lignes += ["```", "", "| action | de | vers | rôles | conditions (module qui la déclare) |", "|---|---|---|---|---|"]
        for f in m.fleches:
            conditions = "<br>".join(f"{exigence} (`{origine}`)" for exigence, origine in f.conditions) or "—"
            motivation = " (motivation obligatoire)" if f.motivation else ""
            depart = ", ".join(_etat(m, source) for source in f.sources)
            lignes.append(f"| {f.libelle}{motivation} | {depart} | {_etat(m, f.cible)} | "
                          f"{', '.join(f.roles) or 'le système'} | {conditions} |")
        lignes.append("")
    return "\n".join(lignes)
