from django.urls import path

from . import views, views_aides, views_controle

app_name = "justificatifs"

BILAN = "operations/<str:code>/bilans/<int:rang>/"
CONTROLE = BILAN + "controle/"
AIDE = "aides/<int:pk>/"

urlpatterns = [
    path("bilans/", views.liste, name="liste"),
    path("operations/<str:code>/bilans/", views.bilans, name="bilans"),
    path("operations/<str:code>/bilans/preparer/", views.preparer, name="preparer"),
    path(BILAN, views.bilan, name="bilan"),
    path(BILAN + "document/", views.document, name="document"),
    path(BILAN + "pieces/", views.deposer_piece, name="deposer_piece"),
    path(BILAN + "pieces/<int:pk>/", views.piece, name="piece"),
    path(BILAN + "pieces/<int:pk>/retirer/", views.retirer_piece, name="retirer_piece"),
    path(BILAN + "depenses/", views.ajouter_depense, name="ajouter_depense"),
    path(CONTROLE, views_controle.page, name="controle"),
    path(CONTROLE + "methode/", views_controle.methode, name="methode"),
    path(CONTROLE + "depenses/<int:pk>/", views_controle.decider, name="decider"),
    path(CONTROLE + "depenses/retenir/", views_controle.retenir, name="retenir"),
    path(CONTROLE + "realisations/conformes/", views_controle.conformes, name="conformes"),
    path(CONTROLE + "realisations/", views_controle.realisation, name="realisation"),
    path(CONTROLE + "seances/", views_controle.tirer_seances, name="tirer_seances"),
    path(CONTROLE + "avance/", views_controle.avance, name="avance"),
    path(CONTROLE + "valider/", views_controle.valider, name="valider"),
    path(CONTROLE + "paiement/", views_controle.payer, name="payer"),
    path(CONTROLE + "rapport/", views_controle.rapport, name="rapport"),
    path("operations/<str:code>/mdfse/", views_controle.mdfse_page, name="mdfse"),
    path("operations/<str:code>/mdfse/export/", views_controle.mdfse_export, name="mdfse_export"),
    path(BILAN + "<str:nom>/", views.transition, name="transition"),
    path("aides/", views_aides.liste, name="aides"),
    path("aides/demander/", views_aides.demander, name="demander_aide"),
    path(AIDE, views_aides.aide, name="aide"),
    path(AIDE + "accorder/", views_aides.accorder, name="accorder_aide"),
    path(AIDE + "payer/", views_aides.payer, name="payer_aide"),
    path(AIDE + "completer/", views_aides.completer, name="completer_aide"),
    path(AIDE + "devis/", views_aides.devis, name="devis_aide"),
    path(AIDE + "facture/", views_aides.facture, name="facture_aide"),
    path(AIDE + "<str:nom>/", views_aides.transition, name="transition_aide"),
]
