"""Les commissions d'entrée et de sortie : un tableau, une décision par ligne, un seul envoi (tout ou rien).

Chaque ligne est validée par un formulaire qui hérite du formulaire unique des transitions (`TransitionForm` : la
motivation) ; une ligne fautive est nommée et montrée à sa place, et chaque choix fait sur les autres est gardé.
"""
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from annuaire.lecture_seule import lecture_seule
from annuaire.plies import plies_de
from operations.forms import TransitionForm
from operations.workflow import ActionRefusee

from .models import EtatProposition, Participant, PropositionSortie
from .options import StatutEntree
from .services import commission_d_entree, commission_de_sortie, motivation_manquante
from .views import _exiger_animation


class DecisionDeCommission(TransitionForm):
    """Une ligne de commission : la décision (ou « — » : examinée à la prochaine séance) et sa motivation. Les noms des
    champs dans la page portent l'identifiant de la ligne (`decision-12`, `motivation-12`)."""

    CHOIX = [("", "—"), ("valider", "Valider"), ("refuser", "Refuser")]
    NOMS: dict[str, str] = {}
    decision = forms.ChoiceField(label="Décision", choices=CHOIX, required=False)
    field_order = ["decision", "motivation"]

    def __init__(self, *args, ligne, **kwargs):
        self.ligne = ligne
        super().__init__(*args, prefix=str(ligne.pk), **kwargs)
        self.fields["decision"].choices = self.CHOIX
        self.fields["decision"].error_messages["invalid_choice"] = f"{self.personne} : décision inconnue."

    @property
    def personne(self):
        return self.ligne

    def add_prefix(self, field_name):
        return f"{self.NOMS.get(field_name, field_name)}-{self.prefix}"

    def decision_prise(self) -> tuple | None:
        """(ligne, décision, motivation) si une décision est prise sur la ligne."""
        choix = self.cleaned_data.get("decision")
        return (self.ligne, choix, self.cleaned_data.get("motivation", "").strip()) if choix else None


class DecisionDeSortie(DecisionDeCommission):
    @property
    def personne(self):
        return self.ligne.participant

    def clean(self):
        donnees = super().clean()
        if donnees.get("decision") and (manque := motivation_manquante(self.ligne, donnees["decision"],
                                                                        donnees.get("motivation", ""))):
            self.add_error("motivation", manque)
        return donnees


class DecisionDEntree(DecisionDeCommission):
    CHOIX = [("", "—"), ("valider", "Valider l'entrée"), ("refuser", "Refuser")]
    NOMS = {"motivation": "motif"}

    def clean(self):
        donnees = super().clean()
        if donnees.get("decision") == "refuser" and not donnees.get("motivation", "").strip():
            self.add_error("motivation", f"{self.ligne} : le motif est obligatoire pour refuser une entrée.")
        return donnees


def _decider(request, lignes: list, formulaire, service, gabarit: str, contexte, succes: str):
    """Le cœur des deux commissions : chaque ligne validée par son formulaire, puis un appel du service pour toutes."""
    donnees = request.POST if request.method == "POST" else None
    for ligne in lignes:
        ligne.formulaire = formulaire(donnees, ligne=ligne)
    erreurs = []
    if donnees is not None:
        for ligne in lignes:
            for champ, liste in ligne.formulaire.errors.items():
                ancre = ligne.formulaire[champ].auto_id if champ in ligne.formulaire.fields else ""
                erreurs += [{"message": message, "ancre": ancre} for message in liste]
        if not erreurs:
            try:
                nombre = service(decisions=[d for ligne in lignes if (d := ligne.formulaire.decision_prise())],
                                 user=request.user)
            except ActionRefusee as refus:
                erreurs.append({"message": str(refus), "ancre": ""})
            else:
                messages.success(request, succes.format(nombre=nombre))
                return redirect(request.path)
    return render(request, gabarit, {**contexte(lignes), "erreurs": erreurs})


@lecture_seule
def commission(request):
    """La commission de sortie : toutes les propositions en attente, chacune avec sa preuve, les dérogations à part."""
    _exiger_animation(request)
    propositions = list(PropositionSortie.objects.filter(etat=EtatProposition.PROPOSEE,
                                                         participant__plie__in=plies_de(request.user))
                        .select_related("participant__structure_referent", "motif", "proposee_par").order_by("pk"))
    return _decider(request, propositions, DecisionDeSortie, commission_de_sortie, "participants/commission.html",
                    lambda lignes: {"propositions": lignes, "sections": [
                        ("prouvees", "Sorties proposées", "Sorties positives dont le critère est rempli à la date de "
                                                          "sortie, et sorties qui ne sont pas positives.",
                         [p for p in lignes if not p.derogation]),
                        ("derogations", "Dérogations : critère non rempli à la date de sortie",
                         "Sorties positives proposées sans que leur critère soit rempli, avec la motivation du "
                         "référent ; les valider exige la motivation de la commission.",
                         [p for p in lignes if p.derogation])]},
                    "{nombre} décision(s) enregistrée(s).")


@lecture_seule
def commission_entree(request):
    """La commission d'entrée (hebdomadaire) : les personnes orientées, une décision par ligne."""
    _exiger_animation(request)
    orientes = list(Participant.objects.filter(statut_entree=StatutEntree.ORIENTE, plie__in=plies_de(request.user))
                    .select_related("prescripteur", "structure_referent", "commune").order_by("date_entree", "pk"))
    return _decider(request, orientes, DecisionDEntree, commission_d_entree, "participants/commission_entree.html",
                    lambda lignes: {"orientes": lignes}, "{nombre} décision(s) d'entrée enregistrée(s).")
