from django.urls import path

from . import recherche

app_name = "pilotage"

urlpatterns = [
    path("recherche/", recherche.recherche, name="recherche"),
]
