from django.apps import AppConfig


class AnnuaireConfig(AppConfig):
    name = "annuaire"
    verbose_name = "Annuaire et référentiels"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .recherche import enregistrer_sur_sqlite

        connection_created.connect(enregistrer_sur_sqlite, dispatch_uid="annuaire.recherche")

        from django.contrib import admin

        from .admin_plie import borner_l_administration

        borner_l_administration(admin.site)
