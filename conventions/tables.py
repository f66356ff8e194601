import django_tables2 as tables
from django.utils.html import format_html

from annuaire.formats import euros, pourcentage
from annuaire.tri import rang_dans

from .models import Convention
from .options import EtatSignature


class ConventionTable(tables.Table):
    numero = tables.Column(verbose_name="Numéro", linkify=lambda record: record.get_absolute_url(),
                           attrs={"td": {"class": "code"}})
    operation = tables.Column(verbose_name="Opération", order_by=("operation__code",))
    porteur = tables.Column(verbose_name="Porteur", accessor="operation__porteur__nom")
    montant_fse = tables.Column(verbose_name="Aide FSE conventionnée (version 1)", attrs={"td": {"class": "montant"}, "th": {"class": "nombre"}})
    taux_avance = tables.Column(verbose_name="Avance", attrs={"td": {"class": "nombre"}})
    generee_le = tables.DateColumn(verbose_name="Générée le", format="d/m/Y")
    etat = tables.Column(verbose_name="État")

    class Meta:
        model = Convention
        fields = ["numero", "operation", "porteur", "montant_fse", "taux_avance", "generee_le", "etat"]
        order_by = ("-numero",)
        empty_text = "Aucune convention ne correspond à ces critères."

    def render_operation(self, record):
        return f"{record.operation.code} — {record.operation.intitule}"

    def order_etat(self, queryset, is_descending):
        """Les états dans l'ordre du cycle de signature, pas dans l'ordre alphabétique des codes."""
        rang = rang_dans("etat", EtatSignature.values)
        return queryset.annotate(rang_etat=rang).order_by(rang.desc() if is_descending else rang.asc(), "numero"), True

    def render_montant_fse(self, value):
        return euros(value)

    def render_taux_avance(self, value):
        return pourcentage(value, 0)

    def render_etat(self, record):
        return format_html('<span class="etat etat--{}">{}</span>', record.etat, record.get_etat_display())
