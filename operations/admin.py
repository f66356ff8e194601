from django.contrib import admin

from .models import Indicateur, LigneDepense, LigneRessource, Objectif, Operation, TypeOperation
from .programmes import Programme


@admin.register(TypeOperation)
class TypeOperationAdmin(admin.ModelAdmin):
    list_display = ("code", "libelle", "actif", "ordre")
    list_editable = ("actif", "ordre")


@admin.register(Indicateur)
class IndicateurAdmin(admin.ModelAdmin):
    list_display = ("code", "libelle", "unite", "ordre")
    list_editable = ("ordre",)


class LigneDepenseInline(admin.TabularInline):
    model = LigneDepense
    extra = 0


class LigneRessourceInline(admin.TabularInline):
    model = LigneRessource
    extra = 0


class ObjectifInline(admin.TabularInline):
    model = Objectif
    extra = 0


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    """Consultation de secours : l'état ne se change qu'en tirant une transition depuis la fiche."""

    list_display = ("code", "intitule", "porteur", "type", "date_debut", "etat", "plie")
    list_filter = ("plie", "etat", "type", "porteur")
    search_fields = ("code", "intitule", "porteur__nom")
    # Le PLIE fixe le préfixe du code : il ne change pas après la création.
    readonly_fields = ("plie", "code", "etat", "cree_le", "modifiee_le", "cree_par")
    inlines = [LigneDepenseInline, LigneRessourceInline, ObjectifInline]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """Les règles de chaque programme, avec leurs sources : modifiables par l'administrateur (docs/regles-fse.md)."""

    list_display = ("libelle", "intitule", "debut_programmation", "fin_programmation", "taux_cofinancement_max")
    readonly_fields = ("code",)
    fieldsets = [
        (None, {"fields": ["code", "libelle", "fonds", "intitule", "cci"]}),
        ("Période", {"fields": ["debut_programmation", "fin_programmation", "fin_eligibilite", "source_periode"]}),
        ("Publicité", {"fields": ["mentions", "source_mentions"]}),
        ("Convention", {"fields": ["base_legale", "options_couts"]}),
        ("Cofinancement", {"fields": ["taux_cofinancement_max", "source_taux_cofinancement"]}),
        ("Participants", {"fields": ["indicateurs", "source_indicateurs", "seuil_alerte_contacts",
                                     "seuil_contacts_incomplets", "source_contacts"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # des opérations en dépendent (PROTECT) : on n'efface pas un programme, on en ajoute un
