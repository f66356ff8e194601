"""Formulaires des appels et des réponses : saisie française (montants, dates), messages qui nomment le champ."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils import timezone

from annuaire.fichiers import verifier_fichier
from annuaire.formats import euros, pourcentage
from operations.forms import DateInput, MontantField, periode_verifiee
from operations.models import TypeOperation
from operations.programmes import programme_pour

from .models import AppelAProjets, CritereAnalyse, PieceJointeAppel, PieceRequise
from .options import Avis

HEURE_LIMITE_PAR_DEFAUT = time(12, 0)


class HeureInput(forms.TimeInput):
    input_type = "time"

    def __init__(self):
        super().__init__(format="%H:%M")


def _relier_les_aides(formulaire):
    for nom, champ in formulaire.fields.items():
        if champ.help_text:
            champ.widget.attrs["aria-describedby"] = f"aide-{nom}"


# --- Appel à projets ---

class AppelForm(forms.ModelForm):
    enveloppe_fse = MontantField(label="Enveloppe FSE (€)")
    cofinancement_attendu = MontantField(label="Cofinancement attendu (€)", required=False)
    taux_fse_max = MontantField(label="Taux FSE maximal (%)", max_value=Decimal("100"), max_digits=5)
    date_limite_jour = forms.DateField(label="Date limite de dépôt", widget=DateInput())
    date_limite_heure = forms.TimeField(label="Heure limite de dépôt", widget=HeureInput(), initial=HEURE_LIMITE_PAR_DEFAUT)

    class Meta:
        model = AppelAProjets
        fields = [
            "titre", "annee", "programme", "types", "cahier_des_charges", "enveloppe_fse", "cofinancement_attendu",
            "date_ouverture", "periode_debut_min", "periode_fin_max", "taux_fse_max",
        ]
        widgets = {
            "types": forms.CheckboxSelectMultiple,
            "cahier_des_charges": forms.Textarea(attrs={"rows": 10}),
            "date_ouverture": DateInput(),
            "periode_debut_min": DateInput(),
            "periode_fin_max": DateInput(),
        }
        help_texts = {
            "cahier_des_charges": "Contexte, public visé, actions attendues, critères d'éligibilité.",
            "taux_fse_max": "Part maximale du FSE dans le coût total d'une opération.",
        }
        error_messages = {"types": {"required": "Cochez au moins un type d'opération."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["types"].queryset = TypeOperation.objects.filter(actif=True)
        self.fields["annee"].widget.attrs.update({"min": 2000, "max": 2100})
        self.fields["programme"].required = True
        self.fields["programme"].empty_label = None
        self.order_fields([
            "titre", "annee", "programme", "types", "cahier_des_charges", "enveloppe_fse", "cofinancement_attendu",
            "date_ouverture", "date_limite_jour", "date_limite_heure", "periode_debut_min", "periode_fin_max", "taux_fse_max",
        ])
        if self.instance.pk:
            limite = timezone.localtime(self.instance.date_limite)
            self.initial.setdefault("date_limite_jour", limite.date())
            self.initial.setdefault("date_limite_heure", limite.time().replace(second=0, microsecond=0))
        else:
            self.initial["annee"] = self.initial.get("annee") or timezone.localdate().year
            courant = programme_pour(date(int(self.initial["annee"]), 1, 1))
            if courant:
                self.initial.setdefault("programme", courant.pk)
        _relier_les_aides(self)
        # Les aides communes à deux champs côte à côte sont écrites au-dessus d'eux (voir le gabarit).
        for nom in ("date_limite_jour", "date_limite_heure"):
            self.fields[nom].widget.attrs["aria-describedby"] = "aide-date-limite"
        for nom in ("periode_debut_min", "periode_fin_max"):
            self.fields[nom].widget.attrs["aria-describedby"] = "aide-periode"

    def clean_cofinancement_attendu(self):
        return self.cleaned_data["cofinancement_attendu"] or Decimal("0")

    def clean(self):
        donnees = super().clean()
        ouverture, jour, heure = donnees.get("date_ouverture"), donnees.get("date_limite_jour"), donnees.get("date_limite_heure")
        if jour and heure:
            donnees["date_limite"] = timezone.make_aware(datetime.combine(jour, heure))
        if ouverture and jour and jour < ouverture:
            self.add_error("date_limite_jour", f"La date limite de dépôt ({jour:%d/%m/%Y}) précède l'ouverture des dépôts "
                                               f"({ouverture:%d/%m/%Y}).")
        programme, taux = donnees.get("programme"), donnees.get("taux_fse_max")
        if programme and taux is not None and taux / 100 > programme.taux_cofinancement_max:
            self.add_error("taux_fse_max", f"Au plus {pourcentage(programme.taux_cofinancement_max, 0)}, le taux de "
                                           f"cofinancement maximal du programme {programme.libelle}.")
        debut, fin = donnees.get("periode_debut_min"), donnees.get("periode_fin_max")
        if debut and fin and fin <= debut:
            self.add_error("periode_fin_max", f"La fin de réalisation au plus tard ({fin:%d/%m/%Y}) doit suivre le début "
                                              f"au plus tôt ({debut:%d/%m/%Y}).")
        return donnees

    def save(self, commit=True):
        self.instance.date_limite = self.cleaned_data["date_limite"]
        return super().save(commit)


class PieceRequiseForm(forms.ModelForm):
    class Meta:
        model = PieceRequise
        fields = ["libelle", "obligatoire"]
        labels = {"libelle": "Pièce demandée", "obligatoire": "Obligatoire"}


class CritereForm(forms.ModelForm):
    class Meta:
        model = CritereAnalyse
        fields = ["libelle", "poids"]
        labels = {"libelle": "Critère", "poids": "Poids (%)"}


class PieceJointeForm(forms.ModelForm):
    class Meta:
        model = PieceJointeAppel
        fields = ["titre", "fichier"]
        labels = {"titre": "Titre", "fichier": "Fichier"}
        widgets = {"fichier": forms.FileInput}  # pas de lien vers /media : les fichiers ne sont servis que par une vue

    def clean_fichier(self):
        fichier = self.cleaned_data.get("fichier")
        if fichier and hasattr(fichier, "content_type"):  # un fichier qui vient d'être envoyé
            verifier_fichier(fichier, libelle="Le fichier")
        return fichier


class GrilleFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        poids = [
            f.cleaned_data["poids"] for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("poids") is not None
        ]
        # Une grille vide reste possible dans un brouillon : la publication l'exigera complète.
        if poids and sum(poids) != 100:
            raise ValidationError(f"Les poids des critères font {sum(poids)} au lieu de 100.")


def _formset(modele, formulaire, libelle, extra, base=forms.BaseInlineFormSet):
    classe = inlineformset_factory(AppelAProjets, modele, form=formulaire, formset=base, extra=extra, can_delete=True)
    classe.libelle = libelle
    return classe


PiecesRequisesFormSet = _formset(PieceRequise, PieceRequiseForm, "Pièces à joindre", 3)
CriteresFormSet = _formset(CritereAnalyse, CritereForm, "Grille d'analyse", 3, base=GrilleFormSet)
PiecesJointesFormSet = _formset(PieceJointeAppel, PieceJointeForm, "Pièces jointes au cahier des charges", 2)


# --- Export des réponses ---

class ExportForm(forms.Form):
    """`?_export=csv&colonnes=code&colonnes=porteur…` : le format et les colonnes choisies."""

    def __init__(self, *args, colonnes: dict[str, str], initiales: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colonnes"] = forms.MultipleChoiceField(
            label="Colonnes", choices=list(colonnes.items()), widget=forms.CheckboxSelectMultiple, initial=initiales,
            error_messages={"required": "Cochez au moins une colonne."},
        )
        self.fields["_export"] = forms.ChoiceField(
            label="Format", choices=[("csv", "CSV (tableur, séparateur « ; »)"), ("xlsx", "XLSX (Excel, LibreOffice)")],
            widget=forms.RadioSelect, initial="csv",
        )


# --- Réponse du porteur ---

class ReponseForm(forms.Form):
    """La réponse commence en brouillon : tout peut rester vide, le dépôt liste ce qui manque."""

    intitule = forms.CharField(label="Intitulé de l'opération", max_length=250, required=False)
    type = forms.ModelChoiceField(label="Type d'opération", queryset=TypeOperation.objects.none(), empty_label="Choisissez un type",
                                  required=False)
    date_debut = forms.DateField(label="Début de réalisation", widget=DateInput(), required=False)
    date_fin = forms.DateField(label="Fin de réalisation", widget=DateInput(), required=False)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Objectifs, public visé, déroulement, moyens humains.",
    )

    def __init__(self, *args, appel: AppelAProjets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = appel.types.all()
        if len(self.fields["type"].queryset) == 1:
            self.initial.setdefault("type", self.fields["type"].queryset[0])
        self.initial.setdefault("date_debut", appel.periode_debut_min)
        self.initial.setdefault("date_fin", appel.periode_fin_max)
        _relier_les_aides(self)
        for nom in ("date_debut", "date_fin"):
            self.fields[nom].widget.attrs["aria-describedby"] = "aide-periode"

    def clean(self):
        return periode_verifiee(self, super().clean())


class PieceDeposeeForm(forms.Form):
    fichier = forms.FileField(label="Fichier", error_messages={"required": "Choisissez un fichier à déposer."})
    piece_requise = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ComplementsFournisForm(forms.Form):
    texte = forms.CharField(
        label="Compléments apportés", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Décrivez ce que vous avez ajouté ou corrigé (pièces déposées, plan de financement...).",
        error_messages={"required": "Décrivez les compléments apportés."},
    )


# --- Recevabilité ---

class VerificationForm(forms.Form):
    libelle = forms.CharField(label="Point vérifié", max_length=250)
    conforme = forms.TypedChoiceField(
        label="Résultat", choices=[("1", "Conforme"), ("0", "Non conforme")], coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DemandeComplementsForm(forms.Form):
    objet = forms.CharField(
        label="Compléments demandés", widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Précisez les compléments demandés."},
    )
    date_limite = forms.DateField(label="À fournir avant le", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date_limite", timezone.localdate() + timedelta(days=15))

    def clean_date_limite(self):
        date_limite = self.cleaned_data["date_limite"]
        if date_limite < timezone.localdate():
            raise ValidationError(f"La date limite des compléments ({date_limite:%d/%m/%Y}) est passée.")
        return date_limite


# --- Analyse ---

# De 0 à NOTE_MAX, chaque note dit ce qu'elle vaut (lu par les lecteurs d'écran avec le bouton).
ECHELLE = [
    ("0", "0 — absent"), ("1", "1 — très insuffisant"), ("2", "2 — insuffisant"),
    ("3", "3 — correct"), ("4", "4 — bon"), ("5", "5 — excellent"),
]


class AnalyseForm(forms.Form):
    """Une note de 0 à 5 et un commentaire par critère de la grille, puis l'avis, le montant proposé et la synthèse."""

    avis = forms.ChoiceField(label="Avis proposé", choices=Avis.choices, widget=forms.RadioSelect)
    montant_fse_propose = MontantField(label="Montant FSE proposé (€)")
    commentaire = forms.CharField(label="Synthèse de l'analyse", required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, criteres, montant_demande: Decimal, analyse=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteres = list(criteres)
        self.montant_demande = montant_demande
        notes = {n.critere_id: n for n in analyse.notes.all()} if analyse else {}
        for critere in self.criteres:
            note = notes.get(critere.pk)
            self.fields[f"note_{critere.pk}"] = forms.TypedChoiceField(
                label="Note", choices=ECHELLE, coerce=int, widget=forms.RadioSelect,
                initial=str(note.note) if note else None,
                error_messages={"required": f"Notez le critère « {critere.libelle} »."},
            )
            self.fields[f"commentaire_{critere.pk}"] = forms.CharField(
                label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                initial=note.commentaire if note else "",
            )
        if analyse:
            self.initial.update(avis=analyse.avis, montant_fse_propose=analyse.montant_fse_propose, commentaire=analyse.commentaire)
        else:
            self.initial.setdefault("montant_fse_propose", montant_demande)
        self.fields["montant_fse_propose"].help_text = f"Au plus le montant demandé : {euros(montant_demande)}."
        _relier_les_aides(self)

    def lignes(self):
        """Pour le gabarit : (critère, champ note, champ commentaire) dans l'ordre de la grille."""
        return [(c, self[f"note_{c.pk}"], self[f"commentaire_{c.pk}"]) for c in self.criteres]

    def clean_montant_fse_propose(self):
        montant = self.cleaned_data["montant_fse_propose"]
        if montant is not None and montant > self.montant_demande:
            raise ValidationError(
                f"Le montant FSE proposé ({euros(montant)}) dépasse le montant demandé ({euros(self.montant_demande)})."
            )
        return montant

    def notes(self) -> dict:
        return {c: (self.cleaned_data[f"note_{c.pk}"], self.cleaned_data[f"commentaire_{c.pk}"]) for c in self.criteres}
