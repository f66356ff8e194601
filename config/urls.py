from django.contrib import admin
from django.urls import include, path

from operations.urls import accueil_urlpatterns

from . import motdepasse

urlpatterns = [
    *accueil_urlpatterns,
    path("", include("operations.urls")),
    path("", include("appels_projets.urls")),
    path("", include("conventions.urls")),
    path("", include("participants.urls")),
    path("", include("justificatifs.urls")),
    # Mot de passe oublié : les vues de Django, en français et limitées (config/motdepasse.py), avant les autres.
    path("accounts/password_reset/", motdepasse.ReinitialisationDemandee.as_view(), name="password_reset"),
    path("accounts/password_reset/done/", motdepasse.ReinitialisationEnvoyee.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", motdepasse.NouveauMotDePasse.as_view(), name="password_reset_confirm"),
    path("accounts/reset/done/", motdepasse.ReinitialisationTerminee.as_view(), name="password_reset_complete"),
    path("", include("pilotage.urls")),
    path("", include("annuaire.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "config.erreurs.erreur_serveur"
