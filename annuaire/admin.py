from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Commune, Financeur, OrganismePivot, Plie, Prescripteur, Qpv, Structure, Utilisateur


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Rattachement", {"fields": ("plie", "pivot", "structure")}),)
    list_display = ("username", "first_name", "last_name", "plie", "structure", "is_active")
    list_filter = ("groups", "plie", "pivot", "is_active")


class CommuneEnLigne(admin.TabularInline):
    model = Commune
    fields = ("nom", "code_insee")
    extra = 3


@admin.register(Plie)
class PlieAdmin(admin.ModelAdmin):
    """Créer un PLIE ici ou par `manage.py creer_plie` (qui crée aussi sa structure d'animation et son territoire)."""

    list_display = ("nom", "sigle", "prefixe_operations", "pivot")
    search_fields = ("nom", "sigle")
    inlines = [CommuneEnLigne]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ("nom", "sigle", "categorie", "commune", "plie")
    list_filter = ("plie", "categorie")
    search_fields = ("nom", "sigle")


admin.site.register(OrganismePivot, list_display=("nom",))
admin.site.register(Commune, list_display=("nom", "code_insee", "plie"), list_filter=("plie",), search_fields=("nom",))
admin.site.register(Qpv, list_display=("nom", "commune", "veille"))
admin.site.register(Prescripteur, list_display=("code", "libelle", "ordre"))
admin.site.register(Financeur, list_display=("code", "libelle", "est_fse", "ordre"))
