import django_filters

from annuaire.models import Structure
from annuaire.recherche import contient
from annuaire.roles import ROLES_DE_STRUCTURE, roles_de

from .models import Operation, TypeOperation
from .options import Etat
from .programmes import Programme

# Ce que la recherche lit d'une opération (sans accents ni casse : annuaire.recherche).
CHAMPS_DE_RECHERCHE = ["code", "intitule", "porteur__nom", "porteur__sigle"]


class OperationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Recherche", method="rechercher", help_text="Code, intitulé ou porteur")
    etat = django_filters.ChoiceFilter(label="État", choices=Etat.choices, empty_label="Tous les états")
    type = django_filters.ModelChoiceFilter(label="Type", queryset=TypeOperation.objects.all(), empty_label="Tous les types")
    programme = django_filters.ModelChoiceFilter(label="Programme", queryset=Programme.objects.all(),
                                                 empty_label="Tous les programmes")
    porteur = django_filters.ModelChoiceFilter(label="Porteur", queryset=Structure.objects.none(), empty_label="Tous les porteurs")
    annee = django_filters.NumberFilter(label="Année", method="filtrer_annee", min_value=2000, max_value=2100)

    class Meta:
        model = Operation
        fields = ["q", "etat", "type", "programme", "porteur", "annee"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if roles_de(user) & ROLES_DE_STRUCTURE and not roles_de(user) - ROLES_DE_STRUCTURE:
            del self.filters["porteur"]  # un porteur ne voit que sa structure : le filtre ne sert à rien
        else:
            self.filters["porteur"].queryset = Structure.objects.filter(operations__in=self.queryset).distinct()

    def rechercher(self, queryset, name, value):
        return queryset.filter(contient(CHAMPS_DE_RECHERCHE, value))

    def filtrer_annee(self, queryset, name, value):
        """Une opération pluriannuelle apparaît pour chacune des années qu'elle couvre."""
        return queryset.filter(date_debut__year__lte=value, date_fin__year__gte=value)
