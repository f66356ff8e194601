import django_tables2 as tables
from django.forms.utils import flatatt
from django.utils.dateformat import format as format_date
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from annuaire.exports import euros_exportes, taux_exporte
from annuaire.formats import euros, pourcentage
from annuaire.tri import rang_dans

from .models import Operation
from .options import Etat


VIDE = "—"  # ce qu'une colonne de django-tables2 affiche d'une valeur vide (None, "")
LIBELLES_DES_ETATS = dict(Etat.choices)


def _date(valeur):
    return VIDE if valeur is None else format_date(valeur, "d/m/Y")


def _texte(valeur):
    return VIDE if valeur in (None, "") else str(valeur)


def _euros(valeur):
    return VIDE if valeur is None else euros(valeur)


# Le contenu de chaque cellule du corps (OperationTable.corps) : ce qu'afficheraient les colonnes de django-tables2
# (les vides en « — », les montants en euros, le lien de la fiche sur le code).
_CELLULES = {
    "code": lambda op: format_html('<a href="{}">{}</a>', op.get_absolute_url(), op.code),
    "intitule": lambda op: _texte(op.intitule),
    "type": lambda op: _texte(op.type),
    "porteur": lambda op: _texte(op.porteur),
    "programme": lambda op: _texte(op.programme),
    "date_debut": lambda op: _date(op.date_debut),
    "date_fin": lambda op: _date(op.date_fin),
    "cout_total": lambda op: _euros(op.cout_total),
    "fse_demande": lambda op: _euros(op.fse_demande),
    "taux_fse": lambda op: pourcentage(op.fse_demande / op.cout_total) if op.cout_total else VIDE,
    "etat": lambda op: format_html('<span class="etat etat--{}">{}</span>', op.etat,
                                   LIBELLES_DES_ETATS.get(op.etat, op.etat)),
}


class OperationTable(tables.Table):
    """Les colonnes portent les en-têtes, le tri, la pagination et les exports (`value_*`) ; le corps de la page est
    écrit par `corps` et `_CELLULES`."""

    code = tables.Column(verbose_name="Code", attrs={"td": {"class": "code"}, "th": {"class": "code"}})
    intitule = tables.Column(verbose_name="Intitulé")
    type = tables.Column(verbose_name="Type", order_by=("type__libelle",))
    porteur = tables.Column(verbose_name="Porteur", order_by=("porteur__nom",))
    programme = tables.Column(verbose_name="Programme", order_by=("programme__debut_programmation",))
    date_debut = tables.DateColumn(verbose_name="Début", format="d/m/Y", order_by=("date_debut", "code"))
    date_fin = tables.DateColumn(verbose_name="Fin", format="d/m/Y")
    cout_total = tables.Column(verbose_name="Coût total", attrs={"td": {"class": "montant"}, "th": {"class": "nombre"}})
    fse_demande = tables.Column(verbose_name="FSE", attrs={"td": {"class": "montant"}, "th": {"class": "nombre"}})
    # Calculé des deux annotations (_CELLULES, value_taux_fse) : l'accesseur par défaut lirait la propriété
    # `Operation.taux_fse`, une requête par ligne.
    taux_fse = tables.Column(verbose_name="Taux FSE", accessor="cout_total", empty_values=(), orderable=False,
                             attrs={"td": {"class": "nombre"}})
    etat = tables.Column(verbose_name="État")

    class Meta:
        model = Operation
        fields = ["code", "intitule", "type", "porteur", "programme", "date_debut", "date_fin", "cout_total", "fse_demande", "taux_fse", "etat"]
        order_by = ("-date_debut",)  # le code départage (colonne Début), sans seconde flèche
        per_page = 25
        empty_text = "Aucune opération ne correspond à ces critères."
        template_name = "operations/_tableau.html"  # le corps par `corps` ; en-têtes, tri et pagination inchangés

    def corps(self):
        """Les lignes de la page écrites d'un trait, les mêmes que celles de django-tables2 : lui rend chaque cellule
        par sa colonne et un gabarit (275 cellules par page, les deux tiers du temps de la liste). Chaque valeur passe
        par `conditional_escape`, comme dans un gabarit."""
        colonnes = [(f"<td{flatatt(colonne.attrs['td'])}>", _CELLULES[colonne.name]) for colonne in self.columns]
        lignes = [f'<tr class="{"odd" if rang % 2 else "even"}">'
                  + "".join(f"{td}{conditional_escape(cellule(ligne.record))}</td>" for td, cellule in colonnes)
                  + "</tr>" for rang, ligne in enumerate(self.paginated_rows)]
        if not lignes:
            return format_html('<tr><td colspan="{}">{}</td></tr>', len(colonnes), self.empty_text)
        return mark_safe("".join(lignes))

    def order_etat(self, queryset, is_descending):
        """Les états dans l'ordre du circuit (brouillon, déposée... soldée), pas dans l'ordre alphabétique des codes."""
        rang = rang_dans("etat", Etat.values)
        return queryset.annotate(rang_etat=rang).order_by(rang.desc() if is_descending else rang.asc(), "code"), True

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
