"""La page du rapport d'activité : les chiffres, les répartitions et les graphiques du Word, et ses téléchargements."""
import base64
from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from annuaire.plies import des_plie, plies_de
from annuaire.roles import Role, roles_de

from .models import Etape, Participant
from .rapport import PARTIES_DU_RAPPORT, a_des_donnees, barres_du_rapport, en_docx, en_xlsx, graphiques_du_rapport, rapport_activite
from .rapport_clauses import graphique_clauses, tableaux_clauses

TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPE_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class PeriodeForm(forms.Form):
    debut = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    fin = forms.DateField(label="Au", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    format = forms.ChoiceField(label="Format", choices=[("page", "Page"), ("json", "JSON"), ("xlsx", "Classeur XLSX"),
                                                        ("docx", "Document Word")], required=False)

    def clean(self):
        donnees = super().clean()
        if donnees.get("debut") and donnees.get("fin") and donnees["fin"] < donnees["debut"]:
            self.add_error("fin", "La fin de la période précède son début.")
        return donnees


def derniere_annee_complete(plies: list[int] | None = None) -> int:
    """La dernière année civile achevée dont les données (des PLIE `plies`) le sont aussi : l'activité (orientations,
    entrées, sorties, étapes) continue après elle. Sans aucune donnée, l'année dernière."""
    dates = [*des_plie(Participant.objects.all(), plies).aggregate(
                 entree=Max("date_entree"), sortie=Max("date_sortie")).values(),
             des_plie(Etape.objects.all(), plies).aggregate(etape=Max("date_debut"))["etape"]]
    derniere = max((d for d in dates if d), default=None)
    annee_passee = date.today().year - 1
    return annee_passee if derniere is None else min(annee_passee, derniere.year - 1)


def rapport(request):
    if not roles_de(request.user) & {Role.ANIMATION, Role.GESTIONNAIRE, Role.ADMINISTRATEUR, Role.COMITE}:
        raise PermissionDenied("Le rapport d'activité est réservé aux équipes du PLIE et au comité.")
    plies = plies_de(request.user)  # un PLIE, ou ceux d'un pivot en vue consolidée : leur somme
    annee = derniere_annee_complete(plies)
    formulaire = PeriodeForm(request.GET or {"debut": date(annee, 1, 1), "fin": date(annee, 12, 31)})
    if not formulaire.is_valid():
        return render(request, "participants/rapport.html", {"formulaire": formulaire, "erreurs": [
            f"{formulaire.fields[c].label if c in formulaire.fields else 'Période'} : {m}"
            for c, liste_erreurs in formulaire.errors.items() for m in liste_erreurs]})
    debut, fin = formulaire.cleaned_data["debut"], formulaire.cleaned_data["fin"]
    donnees = rapport_activite(debut, fin, plies)
    nom = f"rapport-activite-{debut:%Y%m%d}-{fin:%Y%m%d}"
    if formulaire.cleaned_data.get("format") == "json":
        reponse = JsonResponse(donnees, json_dumps_params={"ensure_ascii": False, "indent": 2})
        reponse["Content-Disposition"] = f'attachment; filename="{nom}.json"'
        return reponse
    if formulaire.cleaned_data.get("format") in ("xlsx", "docx"):
        extension = formulaire.cleaned_data["format"]
        contenu, type_mime = (en_xlsx(donnees), TYPE_XLSX) if extension == "xlsx" else (en_docx(donnees), TYPE_DOCX)
        reponse = HttpResponse(contenu, content_type=type_mime)
        reponse["Content-Disposition"] = f'attachment; filename="{nom}.{extension}"'
        return reponse
    if not a_des_donnees(donnees):
        return render(request, "participants/rapport.html", {"formulaire": formulaire, "vide": True})
    # Les graphiques du Word, dans la page même (data: est permis aux images par la CSP) : mêmes droits que la page.
    graphiques = {titre: _en_ligne(png) for titre, png in graphiques_du_rapport(donnees).items()}
    clauses = tableaux_clauses(donnees["clauses"])
    return render(request, "participants/rapport.html", {
        "formulaire": formulaire, "r": donnees, "barres": barres_du_rapport(donnees), "graphiques": graphiques,
        "clauses": clauses, "graphique_clauses": _en_ligne(graphique_clauses(clauses)) if clauses else None,
        "parties": [(p.gabarit, donnees[cle]) for cle, p in PARTIES_DU_RAPPORT.items()]})


def _en_ligne(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()
