from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from annuaire.exports import ExportFr
from annuaire.roles import Role, a_role

from ..filters import OperationFilter
from ..selectors import operation_list
from ..tables import OperationTable

# Ce que la liste n'affiche pas : les textes et les JSON de l'opération et de son programme (le décodage des JSON du
# programme, lu à chaque ligne par la jointure, faisait le tiers du temps de la page).
NON_AFFICHES = ["description", "demande", "programme__source_periode", "programme__mentions",
                "programme__source_mentions", "programme__base_legale", "programme__options_couts",
                "programme__source_taux_cofinancement", "programme__source_contacts", "programme__indicateurs",
                "programme__source_indicateurs", "type__description", "porteur__adresse"]


class OperationListe(ExportMixin, SingleTableMixin, FilterView):
    """Liste filtrée, triée, paginée ; `?_export=csv` ou `xlsx` exporte toutes les lignes filtrées."""

    table_class = OperationTable
    filterset_class = OperationFilter
    template_name = "operations/liste.html"
    export_formats = ("csv", "xlsx")
    export_class = ExportFr

    def get_queryset(self):
        return operation_list(user=self.request.user).defer(*NON_AFFICHES)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get_export_filename(self, export_format):
        return f"operations-{timezone.localdate():%Y-%m-%d}.{export_format}"

    def get_context_data(self, **kwargs):
        contexte = super().get_context_data(**kwargs)
        requete = self.request.GET.copy()
        requete.pop("page", None)
        requete.pop("_export", None)
        contexte["requete"] = requete.urlencode()
        contexte["peut_creer"] = a_role(self.request.user, Role.PORTEUR) and self.request.user.structure_id
        return contexte
