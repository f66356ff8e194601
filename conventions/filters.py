import django_filters

from annuaire.recherche import contient
from appels_projets.models import Comite
from appels_projets.options import EtatComite

from .models import Convention
from .options import EtatSignature

# Ce que la recherche lit d'une convention (sans accents ni casse : annuaire.recherche).
CHAMPS_DE_RECHERCHE = ["numero", "operation__code", "operation__intitule", "operation__porteur__nom",
                       "operation__porteur__sigle"]


class ConventionFiltre(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Recherche", method="rechercher", help_text="Numéro, code, intitulé ou porteur")
    etat = django_filters.ChoiceFilter(label="État", choices=EtatSignature.choices[:-1], empty_label="Tous les états")
    comite = django_filters.ModelChoiceFilter(label="Comité", queryset=Comite.objects.none(),
                                              field_name="operation__reponse_appel__points__comite",
                                              empty_label="Tous les comités")
    annee = django_filters.NumberFilter(label="Année de début", field_name="operation__date_debut", lookup_expr="year",
                                        min_value=2000, max_value=2100)

    class Meta:
        model = Convention
        fields = ["q", "etat", "comite", "annee"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Les seuls comités du PLIE visible : ceux d'un autre PLIE ne sont ni proposés ni acceptés.
        self.filters["comite"].queryset = Comite.objects.visible_to(user).filter(etat=EtatComite.PV_VALIDE)

    def rechercher(self, queryset, name, value):
        return queryset.filter(contient(CHAMPS_DE_RECHERCHE, value))
