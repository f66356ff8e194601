"""Le tableau des réponses d'un appel : affiché sur la page de l'appel, exporté avec les colonnes choisies."""
import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from annuaire.exports import euros_exportes, taux_exporte
from annuaire.formats import euros, nombre, pourcentage
from annuaire.tri import rang_dans
from operations.options import Etat

from .selectors import decision_de, montant_propose, note_moyenne

MONTANT = {"td": {"class": "montant"}, "th": {"class": "nombre"}}

# Colonnes que seuls les rôles autorisés à lire les analyses voient et exportent (selectors.peut_voir_analyses).
COLONNES_D_ANALYSE = ["fse_propose", "note", "avis", "decision", "montant_vote"]
# Ce que montre la page de l'appel ; l'export propose toutes les colonnes.
COLONNES_DE_LA_PAGE = ["code", "porteur", "intitule", "etat", "fse_demande", "fse_propose", "note", "decision"]


class ReponseTable(tables.Table):
    code = tables.Column(verbose_name="Code", accessor="operation__code", order_by=("operation__code",),
                         linkify=lambda record: reverse("appels_projets:reponse", args=[record.pk]),
                         attrs={"td": {"class": "code"}})
    porteur = tables.Column(verbose_name="Porteur", accessor="operation__porteur", order_by=("operation__porteur__nom",))
    intitule = tables.Column(verbose_name="Intitulé", accessor="operation__intitule", order_by=("operation__intitule",))
    type = tables.Column(verbose_name="Type", accessor="operation__type", order_by=("operation__type__libelle",))
    etat = tables.Column(verbose_name="État", accessor="operation__etat", order_by=("operation__etat",))
    deposee_le = tables.DateTimeColumn(verbose_name="Déposée le", format="d/m/Y H:i")
    date_debut = tables.DateColumn(verbose_name="Début", accessor="operation__date_debut", format="d/m/Y")
    date_fin = tables.DateColumn(verbose_name="Fin", accessor="operation__date_fin", format="d/m/Y")
    cout_total = tables.Column(verbose_name="Coût total", attrs=MONTANT)
    fse_demande = tables.Column(verbose_name="FSE demandé", attrs=MONTANT)
    taux_fse = tables.Column(verbose_name="Taux FSE", empty_values=(), orderable=False, attrs=MONTANT)
    fse_propose = tables.Column(verbose_name="FSE proposé", empty_values=(), orderable=False, attrs=MONTANT)
    note = tables.Column(verbose_name="Note /5", empty_values=(), orderable=False, attrs=MONTANT)
    avis = tables.Column(verbose_name="Avis proposé", empty_values=(), orderable=False)
    decision = tables.Column(verbose_name="Décision du comité", empty_values=(), orderable=False)
    montant_vote = tables.Column(verbose_name="FSE voté", empty_values=(), orderable=False, attrs=MONTANT)

    class Meta:
        sequence = ["code", "porteur", "intitule", "type", "etat", "deposee_le", "date_debut", "date_fin", "cout_total",
                    "fse_demande", "taux_fse", "fse_propose", "note", "avis", "decision", "montant_vote"]
        order_by = ("operation__code",)
        per_page = 50
        empty_text = "Aucune réponse visible pour cet appel."

    # --- Valeurs calculées (une fois par ligne, les analyses et les points sont préchargés) ---
    @staticmethod
    def _decision(record):
        if not hasattr(record, "_decision"):
            record._decision = decision_de(record)
        return record._decision

    def order_etat(self, queryset, is_descending):
        """Les états dans l'ordre du circuit, pas dans l'ordre alphabétique des codes."""
        rang = rang_dans("operation__etat", Etat.values)
        return queryset.annotate(rang_etat=rang).order_by(rang.desc() if is_descending else rang.asc(), "operation__code"), True

    def render_porteur(self, value):
        return value.sigle or value.nom

    def render_etat(self, record):
        operation = record.operation
        return format_html('<span class="etat etat--{}">{}</span>', operation.etat, operation.get_etat_display())

    def render_cout_total(self, value):
        return euros(value)

    def render_fse_demande(self, value):
        return euros(value)

    def render_taux_fse(self, record):
        return pourcentage(record.fse_demande / record.cout_total) if record.cout_total else "—"

    def render_fse_propose(self, record):
        return euros(montant_propose(record)) or "—"

    def render_note(self, record):
        note = note_moyenne(record)
        return nombre(note) if note is not None else "—"

    def render_avis(self, record):
        return ", ".join(a.get_avis_display() for a in record.analyses.all()) or "—"

    def render_decision(self, record):
        point = self._decision(record)
        if point is None:
            return "—"
        if point.montant_vote is not None:
            return f"{point.get_decision_display()} ({euros(point.montant_vote)})"
        return point.get_decision_display()

    def render_montant_vote(self, record):
        point = self._decision(record)
        return euros(point.montant_vote) if point and point.montant_vote is not None else "—"

    # --- Valeurs brutes pour les exports : des nombres et des dates que le tableur sait calculer ---
    def value_porteur(self, value):
        return value.nom

    def value_etat(self, record):
        return record.operation.get_etat_display()

    def value_deposee_le(self, value):
        return timezone.localtime(value).replace(tzinfo=None) if value else None

    def value_date_debut(self, value):
        return value

    def value_date_fin(self, value):
        return value

    def value_cout_total(self, value):
        return euros_exportes(value)

    def value_fse_demande(self, value):
        return euros_exportes(value)

    def value_taux_fse(self, record):
        return taux_exporte(record.fse_demande, record.cout_total)

    def value_fse_propose(self, record):
        return euros_exportes(montant_propose(record))

    def value_note(self, record):
        return note_moyenne(record)

    def value_avis(self, record):
        return ", ".join(a.get_avis_display() for a in record.analyses.all())

    def value_decision(self, record):
        point = self._decision(record)
        return point.get_decision_display() if point else ""

    def value_montant_vote(self, record):
        point = self._decision(record)
        return euros_exportes(point.montant_vote) if point else None


def colonnes_de(*, analyses: bool) -> dict[str, str]:
    """Les colonnes qu'un utilisateur peut choisir : sans les analyses pour un porteur ou un référent."""
    return {
        nom: str(colonne.verbose_name)
        for nom, colonne in ReponseTable.base_columns.items()
        if analyses or nom not in COLONNES_D_ANALYSE
    }
