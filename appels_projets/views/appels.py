"""À écrire (ébauche pour que le projet se charge)."""
from django.http import Http404


def liste(request, **kwargs):
    raise Http404


def creer(request, **kwargs):
    raise Http404


def appel(request, **kwargs):
    raise Http404


def modifier(request, **kwargs):
    raise Http404


def transition(request, **kwargs):
    raise Http404


def export(request, **kwargs):
    raise Http404


def piece_jointe(request, **kwargs):
    raise Http404
