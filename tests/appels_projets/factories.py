"""Fabriques des appels à projets : appel (grille et pièces), réponse, analyse notée, comité et ses points.

- `AppelFactory(etat=EtatAppel.PUBLIE)` : ouvert aux dépôts (ouvert depuis 30 jours, date limite dans 30 jours),
  trois critères dont les poids font 100, deux pièces requises, le type d'opération de référence.
- `ReponseFactory(appel=..., operation__porteur=..., operation__etat=Etat.DEPOSEE)` : une opération liée ;
  hors brouillon elle a une date de dépôt et ses pièces requises déposées (`pieces=False` pour s'en passer).
- `AnalyseFactory(reponse=..., notes=[4, 3, 5])` : une note par critère, dans l'ordre de la grille.
- `ComiteFactory(membres=[u1, u2])`, `PointFactory(comite=..., reponse=..., decision=Decision.PROGRAMMEE)`.
"""
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from annuaire.roles import Role
from appels_projets.models import (
    Analyse, AppelAProjets, Comite, CritereAnalyse, NoteCritere, PieceDeposee, PieceRequise, PointOrdreDuJour, Reponse,
)
from appels_projets.options import Avis, Decision, EtatAppel, EtatComite, TypeComite
from operations.options import Etat
from tests.factories import OperationFactory, programme, type_operation, utilisateur

# La grille de référence : trois critères dont les poids font 100.
CRITERES = [
    ("Pertinence au regard du diagnostic territorial", 40),
    ("Qualité de l'accompagnement proposé", 35),
    ("Capacité financière et administrative", 25),
]
PIECES = ["Budget prévisionnel signé", "Statuts de la structure"]
# Un PDF minimal : assez pour que le contrôle par le contenu le reconnaisse.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class AppelFactory(DjangoModelFactory):
    class Meta:
        model = AppelAProjets
        skip_postgeneration_save = True

    titre = factory.Sequence(lambda n: f"Appel à projets n° {n + 1} : portage de référents")
    annee = 2016
    cahier_des_charges = "Accompagnement renforcé des participants du PLIE vers l'emploi durable."
    enveloppe_fse = Decimal("100000.00")
    cofinancement_attendu = Decimal("50000.00")
    date_ouverture = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    date_limite = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    periode_debut_min = date(2016, 1, 1)
    periode_fin_max = date(2016, 12, 31)
    taux_fse_max = Decimal("50.00")
    programme = factory.LazyAttribute(lambda a: programme(a.periode_debut_min))
    etat = EtatAppel.BROUILLON

    @factory.post_generation
    def types(self, create, extracted, **kwargs):
        if create:
            self.types.add(*(extracted if extracted is not None else [type_operation()]))

    @factory.post_generation
    def criteres(self, create, extracted, **kwargs):
        """`criteres=[("libellé", poids), ...]` pour une autre grille ; `criteres=[]` pour aucune."""
        if not create:
            return
        for ordre, (libelle, poids) in enumerate(CRITERES if extracted is None else extracted, start=1):
            CritereAnalyse.objects.create(appel=self, libelle=libelle, poids=poids, ordre=ordre)

    @factory.post_generation
    def pieces_requises(self, create, extracted, **kwargs):
        if not create:
            return
        for ordre, libelle in enumerate(PIECES if extracted is None else extracted, start=1):
            PieceRequise.objects.create(appel=self, libelle=libelle, ordre=ordre)


class ReponseFactory(DjangoModelFactory):
    class Meta:
        model = Reponse
        skip_postgeneration_save = True

    appel = factory.SubFactory(AppelFactory, etat=EtatAppel.PUBLIE)
    operation = factory.SubFactory(OperationFactory)
    deposee_le = factory.LazyAttribute(
        lambda r: None if r.operation.etat == Etat.BROUILLON else timezone.now() - timedelta(days=1)
    )

    @factory.post_generation
    def pieces(self, create, extracted, **kwargs):
        """Les pièces requises déposées (par défaut dès que la demande n'est plus en brouillon)."""
        if not create or extracted is False or (extracted is None and self.operation.etat == Etat.BROUILLON):
            return
        for piece in self.appel.pieces_requises.all():
            nom = f"{piece.libelle}.pdf"
            depot = PieceDeposee(reponse=self, piece_requise=piece, nom_original=nom, type_mime="application/pdf",
                                 taille=len(PDF))
            depot.fichier.save(nom, ContentFile(PDF), save=True)


class AnalyseFactory(DjangoModelFactory):
    """Par défaut : 4/5 à chaque critère, avis favorable, le FSE demandé proposé en entier."""

    class Meta:
        model = Analyse
        skip_postgeneration_save = True

    reponse = factory.SubFactory(ReponseFactory, operation__etat=Etat.INSTRUITE)
    analyste = factory.LazyFunction(lambda: utilisateur(Role.ANIMATION))
    avis = Avis.FAVORABLE
    montant_fse_propose = factory.LazyAttribute(lambda a: a.reponse.operation.montant_fse)
    commentaire = "Projet cohérent avec le diagnostic territorial."

    @factory.post_generation
    def notes(self, create, extracted, **kwargs):
        """`notes=[4, 3, 5]` (dans l'ordre de la grille) ou `notes={critère: note}`."""
        if not create:
            return
        criteres = list(self.reponse.appel.criteres.all())
        if isinstance(extracted, dict):
            valeurs = [extracted[c] for c in criteres]
        else:
            valeurs = list(extracted) if extracted is not None else [4] * len(criteres)
        for critere, note in zip(criteres, valeurs, strict=True):
            NoteCritere.objects.create(analyse=self, critere=critere, note=note,
                                       commentaire=f"Appréciation sur « {critere.libelle} ».")


class ComiteFactory(DjangoModelFactory):
    """Sans `membres=`, un membre du comité est créé."""

    class Meta:
        model = Comite
        skip_postgeneration_save = True

    type = TypeComite.PROGRAMMATION
    date = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    lieu = "Hôtel de la métropole, salle du conseil"
    etat = EtatComite.PLANIFIE

    @factory.post_generation
    def membres(self, create, extracted, **kwargs):
        if create:
            self.membres.add(*(extracted if extracted is not None else [utilisateur(Role.COMITE)]))


class PointFactory(DjangoModelFactory):
    """Un point de l'ordre du jour ; `decision=...` remplit aussi qui l'a enregistrée et quand."""

    class Meta:
        model = PointOrdreDuJour

    comite = factory.SubFactory(ComiteFactory)
    reponse = factory.SubFactory(ReponseFactory, operation__etat=Etat.INSTRUITE)
    ordre = factory.Sequence(lambda n: n + 1)
    decision = ""
    montant_vote = factory.LazyAttribute(
        lambda p: p.reponse.operation.montant_fse if p.decision == Decision.PROGRAMMEE else None
    )
    motivation = factory.LazyAttribute(
        lambda p: "" if p.decision in ("", Decision.PROGRAMMEE) else "Le projet doit préciser son public cible."
    )
    decidee_par = factory.LazyAttribute(lambda p: p.comite.membres.first() if p.decision else None)
    decidee_le = factory.LazyAttribute(lambda p: timezone.now() if p.decision else None)
