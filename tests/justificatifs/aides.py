"""Fabriques des tests des aides de l'enveloppe souple : une enveloppe (opération ENVELOPPE_SOUPLE) au budget donné,
des participants suivis par une structure, des aides menées par les vrais services jusqu'à l'état voulu."""
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from annuaire.models import Commune, Prescripteur
from justificatifs import services_aides
from operations.models import LigneDepense, TypeOperation
from operations.options import CategorieDepense, Etat
from participants.models import Participant
from tests.appels_projets.factories import PDF
from tests.factories import OperationFactory, StructureFactory

N = [0]


def enveloppe(budget="1000.00", *, annee=2016, etat=Etat.EN_REALISATION, intitule=None):
    operation = OperationFactory(type=TypeOperation.objects.get(code="ENVELOPPE_SOUPLE"), etat=etat, plan=False,
                                 porteur=StructureFactory(nom="GIP MDEF"), date_debut=date(annee, 1, 1),
                                 date_fin=date(annee, 12, 31), intitule=intitule or f"Enveloppe souple {annee}")
    LigneDepense.objects.create(operation=operation, categorie=CategorieDepense.FONCTIONNEMENT,
                                libelle="Aides individuelles aux participants", montant=Decimal(budget))
    return operation


def participant(structure, sexe="F", nom="Test", entree=date(2015, 6, 1), **champs):
    N[0] += 1
    return Participant.objects.create(
        identifiant=f"AIDE-{N[0]}", nom=nom, prenom=f"Prénom{N[0]}", sexe=sexe, date_naissance=date(1985, 4, 2),
        commune=Commune.objects.get(nom="Dijon"), prescripteur=Prescripteur.objects.get(code="POLE_EMPLOI"),
        structure_referent=structure, date_entree=entree, **champs)


def pdf(nom="devis.pdf"):
    return SimpleUploadedFile(nom, PDF, content_type="application/pdf")


def demande(referent, personne, montant="300,00", *, motif="FORMATION", nature="GARDE_ENFANTS", le=date(2016, 3, 1)):
    return services_aides.aide_demander(user=referent, participant=personne, le=le, devis=pdf(), donnees={
        "motif": motif, "nature": nature, "montant_demande": montant, "justification": "Entrée en formation."})


def accordee(referent, animation, personne, montant="300,00", *, accorde=None, le=date(2016, 3, 1), **champs):
    aide = demande(referent, personne, montant, le=le, **champs)
    return services_aides.aide_accorder(aide=aide, user=animation, montant=accorde or montant,
                                        le=le + timedelta(days=3))


def payee(referent, animation, personne, montant="300,00", *, paye=None, le=date(2016, 3, 1), payee_le=None, **champs):
    aide = accordee(referent, animation, personne, montant, le=le, **champs)
    return services_aides.aide_payer(aide=aide, user=animation, montant=paye or aide.montant_accorde,
                                     le=payee_le or le + timedelta(days=10), beneficiaire="Crèche Les Lutins",
                                     facture=pdf("facture.pdf"))
