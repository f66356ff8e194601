from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("operations.urls")),
    path("comptes/", include("annuaire.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
