from django.contrib import admin

from .models import Indicateur, LigneDepense, LigneRessource, Objectif, Operation, TypeOperation


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

    list_display = ("code", "intitule", "porteur", "type", "date_debut", "etat")
    list_filter = ("etat", "type", "porteur")
    search_fields = ("code", "intitule", "porteur__nom")
    readonly_fields = ("code", "etat", "cree_le", "modifiee_le", "cree_par")
    inlines = [LigneDepenseInline, LigneRessourceInline, ObjectifInline]
