from django.urls import path, re_path

from . import recherche, views_destinataires, views_lettres

app_name = "pilotage"

urlpatterns = [
    path("recherche/", recherche.recherche, name="recherche"),
    path("lettres/", views_lettres.lettres, name="lettres"),
    path("lettres/preparer/", views_lettres.preparer, name="lettre_preparer"),
    path("lettres/archive/<str:jeton>/", views_lettres.archive, name="lettre_archive"),
    path("lettres/destinataires/", views_destinataires.destinataires, name="destinataires"),
    path("lettres/destinataires/ajouter/", views_destinataires.destinataire, name="destinataire_ajouter"),
    path("lettres/destinataires/comptes/", views_destinataires.depuis_comptes, name="destinataires_comptes"),
    path("lettres/destinataires/<int:pk>/", views_destinataires.destinataire, name="destinataire"),
    path("lettres/destinataires/<int:pk>/desactiver/", views_destinataires.desactiver, name="destinataire_desactiver"),
    re_path(r"^lettres/(?P<mois>\d{4}-\d{2})/$", views_lettres.lettre, name="lettre"),
    re_path(r"^lettres/(?P<mois>\d{4}-\d{2})/editorial/$", views_lettres.editorial, name="lettre_editorial"),
    re_path(r"^lettres/(?P<mois>\d{4}-\d{2})/envoyer/$", views_lettres.envoyer, name="lettre_envoyer"),
    re_path(r"^lettres/(?P<mois>\d{4}-\d{2})/(?P<format>docx|pdf)/$", views_lettres.document, name="lettre_document"),
]
