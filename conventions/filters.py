import django_filters
from django.db.models import Q

from appels_projets.models import Comite
from appels_projets.options import EtatComite

from .models import Convention
from .options import EtatSignature


class ConventionFiltre(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Recherche", method="rechercher", help_text="Numéro, code, intitulé ou porteur")
    etat = django_filters.ChoiceFilter(label="État", choices=EtatSignature.choices[:-1], empty_label="Tous les états")
    comite = django_filters.ModelChoiceFilter(label="Comité", queryset=Comite.objects.filter(etat=EtatComite.PV_VALIDE),
                                              field_name="operation__reponse_appel__points__comite",
                                              empty_label="Tous les comités")
    annee = django_filters.NumberFilter(label="Année de début", field_name="operation__date_debut", lookup_expr="year",
                                        min_value=2000, max_value=2100)

    class Meta:
        model = Convention
        fields = ["q", "etat", "comite", "annee"]

    def rechercher(self, queryset, name, value):
        for mot in value.split():
            queryset = queryset.filter(Q(numero__icontains=mot) | Q(operation__code__icontains=mot)
                                       | Q(operation__intitule__icontains=mot) | Q(operation__porteur__nom__icontains=mot))
        return queryset
