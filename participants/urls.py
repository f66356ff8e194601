from django.urls import path

from . import views

app_name = "participants"

urlpatterns = [
    path("participants/", views.liste, name="liste"),
    path("participants/<int:pk>/", views.fiche, name="fiche"),
    path("participants/import/", views.importer_page, name="importer"),
    path("participants/import/confirmer/", views.confirmer, name="confirmer_import"),
]
