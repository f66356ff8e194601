from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Commune, Financeur, Prescripteur, Qpv, Structure, Utilisateur


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Structure", {"fields": ("structure",)}),)
    list_display = ("username", "first_name", "last_name", "structure", "is_active")
    list_filter = ("groups", "structure", "is_active")


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ("nom", "sigle", "categorie", "commune")
    list_filter = ("categorie",)
    search_fields = ("nom", "sigle")


admin.site.register(Commune, list_display=("nom", "code_insee"), search_fields=("nom",))
admin.site.register(Qpv, list_display=("nom", "commune", "veille"))
admin.site.register(Prescripteur, list_display=("code", "libelle", "ordre"))
admin.site.register(Financeur, list_display=("code", "libelle", "est_fse", "ordre"))
