from django.urls import path

from .views import accueil, edition, fiche, liste, modeles, traitements

app_name = "operations"

urlpatterns = [
    path("operations/", liste.OperationListe.as_view(), name="liste"),
    path("operations/nouvelle/", edition.creer, name="creer"),
    path("operations/<str:code>/", fiche.fiche, name="fiche"),
    path("operations/<str:code>/modifier/", edition.modifier, name="modifier"),
    path("operations/<str:code>/transition/<str:nom>/", fiche.transition, name="transition"),
    path("operations/<str:code>/programme/", fiche.changer_programme, name="changer_programme"),
    path("modeles/", modeles.liste, name="modeles"),
    path("modeles/<str:nature>/", modeles.modele, name="modele"),
    path("modeles/<str:nature>/versions/<int:numero>/", modeles.version, name="version_modele"),
    path("traitements/<uuid:pk>/", traitements.traitement, name="traitement"),
    path("traitements/<uuid:pk>/etat/", traitements.etat, name="etat_traitement"),
    path("traitements/<uuid:pk>/fichier/", traitements.fichier, name="fichier_traitement"),
]
accueil_urlpatterns = [path("", accueil.accueil, name="accueil")]
