from django.apps import AppConfig


class AppelsProjetsConfig(AppConfig):
    name = "appels_projets"
    verbose_name = "Appels à projets"
