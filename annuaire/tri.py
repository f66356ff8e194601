"""Trier et paginer une liste écrite à la main, comme les tableaux django-tables2 : `?tri=colonne` ou `?tri=-colonne`,
une seule colonne triée à la fois (celle qui porte `aria-sort`), les autres paramètres de la page gardés.

    tri = Tri(request, [Colonne("nom", "Participant", ("nom", "prenom")), ...], defaut="nom")
    page = tri.paginer(tri.ordonner(participants), 50)
    {% include "_entetes_triables.html" with entetes=tri.entetes %} ... {% include "_pagination.html" %}
"""
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Value, When


@dataclass(frozen=True)
class Colonne:
    cle: str
    libelle: str
    champs: tuple = ()  # vide : colonne non triable
    classe: str = ""


def rang_dans(champ: str, valeurs: list[str]) -> Case:
    """Un ordre imposé (les états dans l'ordre du circuit, pas dans l'ordre alphabétique de leurs codes)."""
    return Case(*(When(**{champ: v}, then=Value(i)) for i, v in enumerate(valeurs)), default=Value(len(valeurs)),
                output_field=IntegerField())


class Tri:
    def __init__(self, request, colonnes: list[Colonne], *, defaut: str):
        self.request, self.colonnes = request, {c.cle: c for c in colonnes}
        demande = request.GET.get("tri") or defaut
        self.descendant, self.cle = demande.startswith("-"), demande.lstrip("-")
        if self.cle not in self.colonnes or not self.colonnes[self.cle].champs:
            self.descendant, self.cle = defaut.startswith("-"), defaut.lstrip("-")

    def ordonner(self, queryset):
        """Vides en dernier dans les deux sens, sur PostgreSQL comme sur SQLite (qui les mettrait en tête) ; la clé
        primaire départage, pour que les pages ne se recouvrent pas."""
        ordre = [F(champ).desc(nulls_last=True) if self.descendant else F(champ).asc(nulls_last=True)
                 for champ in self.colonnes[self.cle].champs]
        return queryset.order_by(*ordre, "-pk" if self.descendant else "pk")

    def _requete(self, **valeurs) -> str:
        requete = self.request.GET.copy()
        requete.pop("page", None)
        for cle, valeur in valeurs.items():
            requete[cle] = valeur
        return requete.urlencode()

    @property
    def entetes(self) -> list[dict]:
        entetes = []
        for c in self.colonnes.values():
            actif = c.cle == self.cle
            suivant = f"-{c.cle}" if actif and not self.descendant else c.cle
            entetes.append({"libelle": c.libelle, "classe": c.classe, "triable": bool(c.champs),
                            "aria_sort": ("descending" if self.descendant else "ascending") if actif else "none",
                            "requete": self._requete(tri=suivant)})
        return entetes

    @property
    def requete(self) -> str:
        """Les paramètres de la page (tri compris), sans le numéro de page : pour les liens de pagination."""
        return self._requete()

    def paginer(self, queryset, par_page: int):
        return Paginator(queryset, par_page).get_page(self.request.GET.get("page"))
