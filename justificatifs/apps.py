from django.apps import AppConfig


class JustificatifsConfig(AppConfig):
    name = "justificatifs"
    verbose_name = "Justificatifs et contrôle"
