"""Les pages des clauses d'insertion : les heures en tableau croisé (par salarié, entreprise, marché, secteur ou
contrat, mois par mois), et l'import des fichiers du service clauses (même chemin que la commande `import_clauses`).

La recherche porte sur des identifiants de salariés : comme un nom, elle ne passe pas dans l'adresse (gardée dans la
session, comme la liste des participants)."""
from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from annuaire.plies import plie_courant, plies_de
from annuaire.recherche import contient
from annuaire.roles import Role, a_role
from annuaire.tri import Colonne, Tri

from .importation_clauses import analyser, apercu, importer, resume
from .models_clauses import ImportClauses
from .selectors_clauses import REGROUPEMENTS, croiser, derniere_annee, groupes, heures_visibles, mois_entre, voit_les_clauses
from .views import confirmer_en_attente, deposer

CLE_IMPORT, CLE_RECHERCHE = "import_clauses", "recherche_clauses"
MOIS_MAX = 36


class FiltreForm(forms.Form):
    debut = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    fin = forms.DateField(label="Au", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    par = forms.ChoiceField(label="Heures par", choices=[(k, v[0]) for k, v in REGROUPEMENTS.items()])

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", "La fin de la période précède son début.")
        elif debut and fin and len(mois_entre(debut, fin)) > MOIS_MAX:
            self.add_error("fin", f"Une période de {MOIS_MAX} mois au plus : une colonne par mois.")
        return donnees


def heures(request):
    if not voit_les_clauses(request.user):
        raise PermissionDenied("Les heures des clauses d'insertion sont réservées aux équipes du PLIE, au comité et à "
                               "la structure qui porte l'accompagnement des clauses.")
    if request.method == "POST":
        request.session[CLE_RECHERCHE] = "" if "effacer" in request.POST else (request.POST.get("q") or "").strip()[:100]
        return redirect(request.get_full_path())
    lignes = heures_visibles(request.user)
    annee = derniere_annee(lignes)
    filtre = FiltreForm(request.GET if "debut" in request.GET else {
        "debut": date(annee, 1, 1), "fin": date(annee, 12, 31), "par": request.GET.get("par", "salarie")})
    contexte = {"filtre": filtre, "recherche": request.session.get(CLE_RECHERCHE, ""),
                "peut_importer": a_role(request.user, Role.ANIMATION)}
    if not filtre.is_valid():
        contexte["erreurs"] = [f"{filtre.fields[c].label if c in filtre.fields else 'Filtre'} : {m}"
                               for c, erreurs in filtre.errors.items() for m in erreurs]
        return render(request, "participants/clauses.html", contexte, status=200)
    debut, fin, par = (filtre.cleaned_data[c] for c in ("debut", "fin", "par"))
    lignes = lignes.filter(mois__gte=date(debut.year, debut.month, 1), mois__lte=fin).filter(
        contient(["salarie", "employeur", "marche"], contexte["recherche"]))
    colonnes = [Colonne("groupe", REGROUPEMENTS[par][0], ("cle",)), Colonne("total", "Total", ("total",), "nombre")]
    tri = Tri(request, colonnes, defaut="groupe")
    ordre = F(tri.colonnes[tri.cle].champs[0])
    ordre = ordre.desc(nulls_last=True) if tri.descendant else ordre.asc(nulls_last=True)
    page = tri.paginer(groupes(lignes, par).order_by(ordre, "cle"), 50)
    mois = mois_entre(debut, fin)
    contexte.update(page=page, tri=tri, requete=tri.requete, par=par, libelle=REGROUPEMENTS[par][0], mois=mois,
                    lignes=croiser(lignes, par, page, mois, request.user))
    return render(request, "participants/clauses.html", contexte)


class ImportForm(forms.Form):
    heures = forms.FileField(label="Fichier des heures (CSV ou XLSX)")
    orientations = forms.FileField(label="Fichier des orientations (CSV ou XLSX)", required=False)


def _exiger_animation(request):
    if not a_role(request.user, Role.ANIMATION):
        raise PermissionDenied("L'import des fichiers des clauses d'insertion est réservé à l'équipe d'animation.")


def importer_page(request):
    _exiger_animation(request)
    formulaire = ImportForm(request.POST or None, request.FILES or None)
    contexte = {"formulaire": formulaire, "imports": ImportClauses.objects.filter(plie__in=plies_de(request.user))
                .select_related("par")[:20]}
    if request.method == "POST" and formulaire.is_valid():
        deposes = [formulaire.cleaned_data["heures"], formulaire.cleaned_data["orientations"]]
        contexte.update(deposer(request, deposes, analyser, apercu, CLE_IMPORT))
    return render(request, "participants/import_clauses.html", contexte)


@require_POST
def confirmer(request):
    _exiger_animation(request)
    return confirmer_en_attente(request, CLE_IMPORT, "participants:importer_clauses", _ecrire)


def _ecrire(fichiers, user) -> str:
    trace = importer(analyser(*fichiers, plie=plie_courant(user)), user=user)  # revérifié : la base a pu changer
    return "Import enregistré. " + resume(trace).replace("\n", " ")
