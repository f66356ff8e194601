"""Formulaires des pages du comité : création, ordre du jour, tableau des décisions de la séance.

Le tableau des décisions est une ligne de formulaire par point (préfixe `point-<pk>` : un point retiré entre
l'affichage et l'envoi ne décale pas les décisions sur une autre opération). Il calcule aussi, côté serveur,
l'enveloppe de chaque appel concerné avec les montants saisis : elle est réaffichée à chaque envoi.
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils import timezone

from annuaire.formats import euros, lire_montant
from annuaire.models import Utilisateur
from annuaire.plies import comptes_du_plie
from annuaire.roles import Role
from operations.forms import DateInput, MontantField

from .models import AppelAProjets, Comite, PointOrdreDuJour, Reponse
from .options import Decision
from .selectors import enveloppe_consommee, montant_fse_demande, montant_propose, note_moyenne

ZERO = Decimal("0.00")


class HeureInput(forms.TimeInput):
    input_type = "time"

    def __init__(self):
        super().__init__(format="%H:%M")


class ComiteForm(forms.ModelForm):
    """Type, jour et heure (deux champs natifs, lisibles au clavier), lieu, membres ayant le rôle « comité »."""

    jour = forms.DateField(label="Date", widget=DateInput())
    heure = forms.TimeField(label="Heure", widget=HeureInput(), help_text="Heure de Paris, par exemple 09:30.")
    membres = forms.ModelMultipleChoiceField(
        label="Membres",
        queryset=Utilisateur.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un membre du comité."},
        help_text="Seuls les comptes ayant le rôle « membre de comité » peuvent siéger.",
    )

    class Meta:
        model = Comite
        fields = ["type", "jour", "heure", "lieu", "membres"]
        help_texts = {"lieu": "Par exemple : Hôtel de la métropole, salle du conseil."}

    def __init__(self, *args, plie, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plie = plie
        # Siègent les comptes du PLIE du comité (et de son pivot), jamais ceux d'un autre PLIE.
        self.fields["membres"].queryset = (
            comptes_du_plie(plie.pk).filter(groups__name=Role.COMITE, is_active=True).distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["type"].error_messages["required"] = "Choisissez le type de comité."
        self.fields["jour"].error_messages["required"] = "Indiquez la date du comité."
        self.fields["jour"].error_messages["invalid"] = "Saisissez une date, par exemple 12/05/2016."
        self.fields["heure"].error_messages["required"] = "Indiquez l'heure du comité."
        self.fields["heure"].error_messages["invalid"] = "Saisissez une heure, par exemple 09:30."
        for nom, champ in self.fields.items():
            if champ.help_text:
                champ.widget.attrs["aria-describedby"] = f"aide-{nom}"

    def clean(self):
        donnees = super().clean()
        jour, heure = donnees.get("jour"), donnees.get("heure")
        if jour and heure:
            self.instance.date = timezone.make_aware(datetime.datetime.combine(jour, heure))
        return donnees


class AjoutPointsForm(forms.Form):
    """Les réponses à inscrire ; le service dit pourquoi une réponse ne peut pas passer en comité."""

    reponses = forms.ModelMultipleChoiceField(
        label="Opérations à inscrire",
        queryset=Reponse.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Cochez au moins une opération à inscrire.",
            "invalid_choice": "Cette opération n'existe pas ou ne vous est pas accessible.",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Toute réponse visible est acceptée ici : c'est le service qui refuse, avec la raison, ce qui n'est pas instruit.
        self.fields["reponses"].queryset = Reponse.objects.visible_to(user).select_related("operation")


class LigneDecisionForm(forms.Form):
    """La décision d'un point : programmée (montant voté), ajournée ou rejetée (motivation), confirmation du dépassement."""

    decision = forms.ChoiceField(label="Décision", required=False, choices=[("", "— à décider —"), *Decision.choices])
    montant = MontantField(label="Montant FSE voté (€)", required=False)
    motivation = forms.CharField(label="Motivation", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirmer = forms.BooleanField(label="Je confirme le dépassement de l'enveloppe", required=False)

    def __init__(self, *args, point: PointOrdreDuJour, **kwargs):
        self.point = point
        self.code = point.reponse.operation.code
        kwargs.setdefault("prefix", f"point-{point.pk}")
        kwargs.setdefault("initial", {
            "decision": point.decision, "montant": point.montant_vote, "motivation": point.motivation,
            "confirmer": point.depassement_confirme,
        })
        super().__init__(*args, **kwargs)
        self.fields["montant"].error_messages["invalid"] = "Saisissez un montant, par exemple 9 022,15."
        appel = point.reponse.appel_id
        self.fields["decision"].widget.attrs.update({"data-appel": appel, "data-role": "decision"})
        self.fields["montant"].widget.attrs.update({"data-appel": appel, "data-role": "montant"})

    @property
    def demande(self) -> Decimal:
        return montant_fse_demande(self.point.reponse.operation)

    def clean(self):
        donnees = super().clean()
        decision, montant, motivation = donnees.get("decision"), donnees.get("montant"), (donnees.get("motivation") or "").strip()
        donnees["motivation"] = motivation
        if not decision:
            if self.point.decision:
                self.add_error("decision", "Une décision enregistrée ne s'efface pas : choisissez-en une.")
            elif montant is not None or motivation:
                self.add_error("decision", "Choisissez une décision pour enregistrer ce montant ou cette motivation.")
        elif decision == Decision.PROGRAMMEE:
            if "montant" in self.errors:
                return donnees  # montant illisible : l'erreur de saisie suffit
            if montant is None or montant <= 0:
                self.add_error("montant", "Indiquez le montant FSE voté pour une opération programmée.")
            elif montant > self.demande:
                self.add_error("montant", f"Le montant voté ({euros(montant)}) dépasse le montant demandé ({euros(self.demande)}).")
        else:
            self.errors.pop("montant", None)  # ajournée ou rejetée : le montant saisi est ignoré, même illisible
            donnees["montant"] = None
            if not motivation:
                self.add_error("motivation", f"La motivation est obligatoire pour « {Decision(decision).label} ».")
        return donnees

    # --- Ce que la ligne change ---

    @property
    def a_enregistrer(self) -> bool:
        """Seules les lignes modifiées passent par le service : une décision inchangée garde son auteur et sa date."""
        d = self.cleaned_data
        if not d.get("decision"):
            return False
        montant = d.get("montant") if d["decision"] == Decision.PROGRAMMEE else None
        motivation = d.get("motivation", "")
        return (d["decision"], montant, motivation) != (self.point.decision, self.point.montant_vote, self.point.motivation)

    def _brut(self, champ):
        return self.data.get(self.add_prefix(champ), "") if self.is_bound else self.initial.get(champ)

    @property
    def decision_saisie(self) -> str:
        return self._brut("decision") or ""

    @property
    def vote_saisi(self) -> Decimal:
        """Le montant voté tel que saisi (0 s'il n'est pas lisible ou si l'opération n'est pas programmée)."""
        if self.decision_saisie != Decision.PROGRAMMEE:
            return ZERO
        brut = self._brut("montant")
        if brut in (None, ""):
            return ZERO
        try:
            return max(lire_montant(brut), ZERO)
        except ValueError:
            return ZERO

    @property
    def vote_enregistre(self) -> Decimal:
        return (self.point.montant_vote or ZERO) if self.point.decision == Decision.PROGRAMMEE else ZERO


@dataclass
class Enveloppe:
    """L'enveloppe FSE d'un appel vue pendant la séance : avant la séance, votes de la séance, reste."""

    appel: AppelAProjets
    hors_seance: Decimal
    seance: Decimal

    @property
    def consommee(self) -> Decimal:
        return self.hors_seance + self.seance

    @property
    def reste(self) -> Decimal:
        return self.appel.enveloppe_fse - self.consommee

    @property
    def depassee(self) -> bool:
        return self.reste < 0


CHAMPS_DU_RESUME = {
    "decision": "décision", "montant": "montant FSE voté", "motivation": "motivation",
    "confirmer": "confirmation du dépassement de l'enveloppe",
}


class TableauDecisions:
    """Toutes les lignes de la séance, validées ensemble ; l'enveloppe de chaque appel avec les montants saisis."""

    def __init__(self, comite: Comite, points, data=None):
        self.comite = comite
        self.lignes = [LigneDecisionForm(data, point=p) for p in points]
        self.est_lie = data is not None

    def is_valid(self) -> bool:
        return all([ligne.is_valid() for ligne in self.lignes])  # toutes validées, pour lister toutes les erreurs

    @property
    def a_enregistrer(self) -> list[LigneDecisionForm]:
        """Les lignes modifiées : les baisses d'abord (elles libèrent l'enveloppe), puis les autres dans l'ordre du jour."""
        lignes = [ligne for ligne in self.lignes if ligne.a_enregistrer]
        return sorted(lignes, key=lambda ligne: (ligne.vote_saisi >= ligne.vote_enregistre, ligne.point.ordre, ligne.point.pk))

    def enveloppes(self) -> list[Enveloppe]:
        par_appel = {}
        for ligne in self.lignes:
            par_appel.setdefault(ligne.point.reponse.appel_id, []).append(ligne)
        resultat = []
        for lignes in par_appel.values():
            appel = lignes[0].point.reponse.appel
            hors_seance = enveloppe_consommee(appel) - sum((ligne.vote_enregistre for ligne in lignes), ZERO)
            resultat.append(Enveloppe(appel, hors_seance, sum((ligne.vote_saisi for ligne in lignes), ZERO)))
        return sorted(resultat, key=lambda e: e.appel.titre)

    def confirmation_pertinente(self) -> set[int]:
        """Les points dont la case de confirmation s'affiche : programmés sur un appel dont l'enveloppe serait dépassée."""
        depassees = {e.appel.pk for e in self.enveloppes() if e.depassee}
        return {
            ligne.point.pk for ligne in self.lignes
            if (ligne.decision_saisie == Decision.PROGRAMMEE and ligne.point.reponse.appel_id in depassees)
            or ligne.errors.get("confirmer") or ligne.point.depassement_confirme
        }

    def erreurs(self) -> list[dict]:
        """Le récapitulatif : chaque erreur avec l'opération et le champ qu'elle concerne, et un lien vers le champ."""
        resume = []
        for ligne in self.lignes:
            for champ, messages in ligne.errors.items():
                if champ in ligne.fields:
                    libelle, ancre = f"{ligne.code}, {CHAMPS_DU_RESUME[champ]}", ligne[champ].id_for_label
                else:
                    libelle, ancre = ligne.code, ligne["decision"].id_for_label
                resume += [{"libelle": libelle, "message": m, "ancre": ancre} for m in messages]
        return resume


def figures_du_point(point: PointOrdreDuJour) -> dict:
    """Ce que le comité lit pour chaque opération : demandé, proposé, note, avis."""
    reponse = point.reponse
    return {
        "demande": montant_fse_demande(reponse.operation),
        "propose": montant_propose(reponse),
        "note": note_moyenne(reponse),
        "avis": ", ".join(a.get_avis_display() for a in reponse.analyses.all()),
    }
