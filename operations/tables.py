import django_tables2 as tables
from django.utils.html import format_html

from annuaire.exports import euros_exportes, taux_exporte
from annuaire.formats import euros, pourcentage
from annuaire.tri import rang_dans

from .models import Operation
from .options import Etat


class OperationTable(tables.Table):
    code = tables.Column(verbose_name="Code", linkify=lambda record: record.get_absolute_url(),
                         attrs={"td": {"class": "code"}, "th": {"class": "code"}})
    intitule = tables.Column(verbose_name="Intitulé")
    type = tables.Column(verbose_name="Type", order_by=("type__libelle",))
    porteur = tables.Column(verbose_name="Porteur", order_by=("porteur__nom",))
    programme = tables.Column(verbose_name="Programme", order_by=("programme__debut_programmation",))
    date_debut = tables.DateColumn(verbose_name="Début", format="d/m/Y", order_by=("date_debut", "code"))
    date_fin = tables.DateColumn(verbose_name="Fin", format="d/m/Y")
    cout_total = tables.Column(verbose_name="Coût total", attrs={"td": {"class": "montant"}, "th": {"class": "nombre"}})
    fse_demande = tables.Column(verbose_name="FSE", attrs={"td": {"class": "montant"}, "th": {"class": "nombre"}})
    # Calculé des deux annotations (render_taux_fse) : l'accesseur par défaut lirait la propriété `Operation.taux_fse`,
    # une requête par ligne.
    taux_fse = tables.Column(verbose_name="Taux FSE", accessor="cout_total", empty_values=(), orderable=False,
                             attrs={"td": {"class": "nombre"}})
    etat = tables.Column(verbose_name="État")

    class Meta:
        model = Operation
        fields = ["code", "intitule", "type", "porteur", "programme", "date_debut", "date_fin", "cout_total", "fse_demande", "taux_fse", "etat"]
        order_by = ("-date_debut",)  # le code départage (colonne Début), sans seconde flèche
        per_page = 25
        empty_text = "Aucune opération ne correspond à ces critères."

    def order_etat(self, queryset, is_descending):
        """Les états dans l'ordre du circuit (brouillon, déposée... soldée), pas dans l'ordre alphabétique des codes."""
        rang = rang_dans("etat", Etat.values)
        return queryset.annotate(rang_etat=rang).order_by(rang.desc() if is_descending else rang.asc(), "code"), True

    def render_cout_total(self, value):
        return euros(value)

    def render_fse_demande(self, value):
        return euros(value)

    def render_taux_fse(self, record):
        return pourcentage(record.fse_demande / record.cout_total) if record.cout_total else "—"

    def render_etat(self, record):
        return format_html('<span class="etat etat--{}">{}</span>', record.etat, record.get_etat_display())

    # Valeurs brutes pour les exports : des nombres et des dates que le tableur sait calculer.
    def value_cout_total(self, value):
        return euros_exportes(value)

    def value_fse_demande(self, value):
        return euros_exportes(value)

    def value_taux_fse(self, record):
        return taux_exporte(record.fse_demande, record.cout_total)

    def value_programme(self, record):
        return record.programme.libelle

    def value_etat(self, record):
        return record.get_etat_display()

    def value_date_debut(self, value):
        return value

    def value_date_fin(self, value):
        return value
