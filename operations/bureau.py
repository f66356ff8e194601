"""Le bureau de chaque rôle (la page d'accueil) : ce qui attend la personne, trié par urgence.

Chaque app y inscrit, dans son `AppConfig.ready()`, les sélecteurs de ce qu'elle possède (`RUBRIQUES_DU_BUREAU`) :
une fonction `(user, aujourdhui) -> list[Rubrique]` qui ne rend que ce que l'utilisateur peut voir et faire, en un
nombre de requêtes qui ne dépend pas du volume. L'opération ne connaît ni les comités ni les bilans : ce sont les apps
hautes qui s'inscrivent ici, comme pour les liens de la fiche (`views.fiche.LIENS_DE_LA_FICHE`).
"""
from dataclasses import dataclass, field
from datetime import date

from .models import SANS_INTITULE, Operation
from .options import Etat
from .selectors import actions_par_etat

# Combien de lignes une rubrique montre ; au-delà, le lien « voir tout » mène à la page qui les liste toutes.
LIGNES_PAR_RUBRIQUE = 8


@dataclass(frozen=True)
class Tache:
    """Une ligne du bureau : quoi, sur quoi, où le faire, pour quand (échéance) ou depuis quand (attente)."""

    objet: str
    action: str
    url: str
    echeance: date | None = None
    depuis: date | None = None
    detail: str = ""

    def cle_d_urgence(self, aujourdhui: date) -> tuple:
        """En retard d'abord, puis l'échéance la plus proche, puis ce qui attend depuis le plus longtemps."""
        if self.echeance is not None:
            return (0 if self.echeance < aujourdhui else 1, self.echeance.toordinal(), self.objet)
        return (2, (self.depuis or date.max).toordinal(), self.objet)


@dataclass
class Rubrique:
    titre: str
    taches: list[Tache]
    total: int | None = None  # quand les tâches ne sont qu'un extrait (les plus urgentes)
    tout_voir: str = ""  # la page qui les liste toutes
    aide: str = ""
    ordre: int = 50
    lignes: list[Tache] = field(init=False, default_factory=list)

    def trier(self, aujourdhui: date) -> "Rubrique":
        self.taches.sort(key=lambda t: t.cle_d_urgence(aujourdhui))
        if self.total is None:
            self.total = len(self.taches)
        self.lignes = self.taches[:LIGNES_PAR_RUBRIQUE]
        return self

    @property
    def autres(self) -> int:
        return self.total - len(self.lignes)


# Les fournisseurs inscrits par les apps : (user, aujourdhui) -> list[Rubrique] ; le premier est celui d'ici.
RUBRIQUES_DU_BUREAU = []


# Les transitions de l'opération qu'une app haute fait tirer depuis sa propre page (les décisions du comité, tirées à la
# validation du PV) : le bureau les laisse à la rubrique de cette app, qui mène à la bonne page.
TRANSITIONS_FAITES_AILLEURS: set[str] = set()


def inscrire(fournisseur) -> None:
    if fournisseur not in RUBRIQUES_DU_BUREAU:
        RUBRIQUES_DU_BUREAU.append(fournisseur)


def bureau(*, user, aujourdhui: date) -> list[Rubrique]:
    """Les rubriques non vides : celles qui ont un retard d'abord, puis dans l'ordre de leur importance."""
    rubriques = [r.trier(aujourdhui) for fournir in RUBRIQUES_DU_BUREAU for r in fournir(user, aujourdhui) if r.taches]
    return sorted(rubriques, key=lambda r: (0 if r.lignes[0].cle_d_urgence(aujourdhui)[0] == 0 else 1, r.ordre))


def operations_a_traiter(user, aujourdhui: date) -> list[Rubrique]:
    """Les opérations dont la prochaine transition revient à cet utilisateur (hors abandon), chacune vers sa fiche,
    la plus ancienne dans son état d'abord. Une requête."""
    actions = actions_par_etat(user, sauf=TRANSITIONS_FAITES_AILLEURS)
    if not actions:
        return []
    operations = (Operation.objects.visible_to(user).filter(etat__in=actions)
                  .only("code", "intitule", "etat", "modifiee_le").order_by("modifiee_le"))
    taches = [Tache(objet=f"{o.code} — {o.intitule or SANS_INTITULE}", action=" / ".join(actions[o.etat]), url=o.get_absolute_url(),
                    depuis=o.modifiee_le.date(), detail=Etat(o.etat).label) for o in operations]
    return [Rubrique("Opérations dont la prochaine étape vous revient", taches, ordre=10,
                     aide="Depuis la dernière modification de l'opération.")]


inscrire(operations_a_traiter)
