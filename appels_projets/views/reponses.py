"""À écrire (ébauche pour que le projet se charge)."""
from django.http import Http404


def repondre(request, **kwargs):
    raise Http404


def reponse(request, **kwargs):
    raise Http404


def deposer_piece(request, **kwargs):
    raise Http404


def piece(request, **kwargs):
    raise Http404


def retirer_piece(request, **kwargs):
    raise Http404


def recevabilite(request, **kwargs):
    raise Http404


def complements(request, **kwargs):
    raise Http404


def analyse(request, **kwargs):
    raise Http404


def document(request, **kwargs):
    raise Http404
