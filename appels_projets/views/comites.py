"""À écrire (ébauche pour que le projet se charge)."""
from django.http import Http404


def liste(request, **kwargs):
    raise Http404


def creer(request, **kwargs):
    raise Http404


def comite(request, **kwargs):
    raise Http404


def ordre_du_jour(request, **kwargs):
    raise Http404


def decisions(request, **kwargs):
    raise Http404


def transition(request, **kwargs):
    raise Http404


def dossier(request, **kwargs):
    raise Http404


def document(request, **kwargs):
    raise Http404
