from django.urls import path

from . import views

app_name = "conventions"

convention = "operations/<str:code>/convention/"
avenant = convention + "avenants/<int:rang>/"
urlpatterns = [
    path("conventions/", views.liste, name="liste"),
    path("conventions/generer-du-comite/", views.generer_du_comite, name="generer_du_comite"),
    path(convention, views.fiche, name="fiche"),
    path(convention + "generer/", views.generer, name="generer"),
    path(convention + "regenerer/", views.regenerer, name="regenerer"),
    path(convention + "transition/<str:nom>/", views.transition, name="transition"),
    path(convention + "exemplaire/", views.deposer_exemplaire, name="deposer_exemplaire"),
    path(convention + "exemplaires/<str:qui>/", views.exemplaire, name="exemplaire"),
    path(convention + "documents/<int:pk>/", views.document_produit, name="document"),
    path(convention + "avenants/nouveau/", views.rediger_avenant, name="rediger_avenant"),
    path(avenant, views.avenant, name="avenant"),
    path(avenant + "transition/<str:nom>/", views.transition, name="transition_avenant"),
    path(avenant + "exemplaire/", views.deposer_exemplaire, name="deposer_exemplaire_avenant"),
    path(avenant + "exemplaires/<str:qui>/", views.exemplaire, name="exemplaire_avenant"),
    path("operations/<str:code>/versions/<int:numero>/", views.version, name="version"),
]
