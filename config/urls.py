from django.contrib import admin
from django.urls import include, path

from operations.urls import accueil_urlpatterns

urlpatterns = [
    *accueil_urlpatterns,
    path("", include("operations.urls")),
    path("", include("appels_projets.urls")),
    path("", include("conventions.urls")),
    path("", include("participants.urls")),
    path("", include("justificatifs.urls")),
    path("", include("pilotage.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "config.erreurs.erreur_serveur"
