"""Les mentions obligatoires de chaque document, écrites ici à la main d'après les textes : une opération de 2016
relève du FSE 2014-2020, une de 2022 du FSE+ 2021-2027 (issue 15 : toutes les feuilles de 2016 disaient « FSE+ »).

Les mentions se lisent dans l'en-tête et dans le pied de page, à côté de l'emblème de l'Union.
"""
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from docx import Document

from appels_projets import documents as docs
from appels_projets.options import Decision, EtatAppel, EtatComite
from justificatifs import services as bilans
from operations.documents import MentionManquante, rendre
from operations.models import TypeOperation
from operations.options import Etat
from participants.emargement import PAR_SEMAINE, Periode, emargement_docx
from participants.models import Etape, TypeEtape
from participants.rapport import en_docx, rapport_activite
from participants.seances import seance_planifier
from tests.appels_projets.factories import AnalyseFactory, AppelFactory, ComiteFactory, PointFactory, ReponseFactory
from tests.factories import OperationFactory
from tests.lecture_docx import ouvrir, texte_de, verifier_publicite
from tests.participants.test_realisation import participant

# Règlement (UE) n° 1303/2013, annexe XII, point 2.2 : l'emblème, la référence à l'Union européenne et au Fonds ; la
# pratique française y ajoute la phrase qui nomme le programme opérationnel national « Emploi et Inclusion » 2014-2020.
MENTIONS_2014_2020 = [
    "Union européenne",
    "Fonds social européen",
    "cofinancée par le Fonds social européen dans le cadre du programme opérationnel national « Emploi et Inclusion » "
    "2014-2020",
]
# Règlement (UE) 2021/1060, art. 47 et annexe IX : l'emblème avec « Cofinancé par l'Union européenne » ; le programme
# national FSE+ « Emploi, Inclusion, Jeunesse et Compétences » (CCI 2021FR05SFPR001, adopté le 28 octobre 2022).
MENTIONS_2021_2027 = [
    "Cofinancé par l'Union européenne",
    "Programme national FSE+ « Emploi, Inclusion, Jeunesse et Compétences » 2021-2027",
]
# Ce qu'une opération de 2016 ne doit jamais porter : le défaut constaté dans l'issue 15.
SIGNES_DE_2021_2027 = ["FSE+", "Cofinancé par l'Union européenne", "Emploi, Inclusion, Jeunesse et Compétences"]
SIGNES_DE_2014_2020 = ["programme opérationnel national", "« Emploi et Inclusion » 2014-2020"]


def periode(annee: int) -> tuple[date, date]:
    return date(annee, 1, 1), date(annee, 12, 31)


def reponse_de(annee: int, etat: str, **champs):
    debut, fin = periode(annee)
    appel = AppelFactory(etat=EtatAppel.PUBLIE, annee=annee, periode_debut_min=debut, periode_fin_max=fin)
    return ReponseFactory(appel=appel, operation__date_debut=debut, operation__date_fin=fin, operation__etat=etat,
                          **champs)


def comite_de(annee: int, *annees_des_points: int, decision: str = ""):
    comite = ComiteFactory(etat=EtatComite.TENU if decision else EtatComite.CONVOQUE,
                           date=datetime(annee, 5, 12, 7, 30, tzinfo=UTC))
    for rang, annee_du_point in enumerate(annees_des_points or [annee], start=1):
        reponse = reponse_de(annee_du_point, Etat.INSTRUITE)
        AnalyseFactory(reponse=reponse)
        PointFactory(comite=comite, reponse=reponse, ordre=rang, decision=decision)
    return comite


def action_de(annee: int, structure, **champs):
    debut, fin = periode(annee)
    return OperationFactory(porteur=structure, etat=Etat.EN_REALISATION, date_debut=debut, date_fin=fin, **champs)


def emargement(annee: int, structure, porteur) -> Document:
    action = action_de(annee, structure, type=TypeOperation.objects.get(code="REMOBILISATION"))
    anna = participant(structure, date(annee, 1, 4))
    Etape.objects.create(participant=anna, type=TypeEtape.objects.get(code="ACTION_PLIE"), date_debut=date(annee, 3, 1),
                         operation=action)
    lundi = date(annee, 3, 14 - date(annee, 3, 14).weekday())
    seance_planifier(operation=action, user=porteur, date=lundi, demi_journee="matin", heures=Decimal("3.5"),
                     lieu="Salle A", formateur="Mme Roux", inscrits=[anna])
    return Document(io.BytesIO(emargement_docx(action, Periode(lundi, lundi), PAR_SEMAINE)))


def bilan(annee: int, structure, porteur) -> Document:
    action = action_de(annee, structure)
    return ouvrir(bilans.bilan_document(bilans.bilan_preparer(operation=action, user=porteur), porteur))


def convention(annee: int, structure, porteur) -> Document:
    from conventions.documents import convention_document
    from tests.conventions.factories import ConventionFactory

    debut, fin = periode(annee)
    operation = OperationFactory(porteur=structure, etat=Etat.PROGRAMMEE, date_debut=debut, date_fin=fin)
    return ouvrir(convention_document(ConventionFactory(operation=operation)))


def avenant(annee: int, structure, porteur) -> Document:
    from conventions import services as conventions
    from conventions.options import EtatSignature
    from conventions.selectors import document_courant, version_courante
    from tests.conventions.factories import ConventionFactory
    from tests.factories import utilisateur

    action = action_de(annee, structure)
    signee = ConventionFactory(operation=action, etat=EtatSignature.NOTIFIEE)
    apres = {**version_courante(action).donnees, "date_fin": f"{annee + 1}-03-31"}
    nouveau = conventions.avenant_creer(convention=signee, user=utilisateur("animation"), motif="Prolongation.",
                                        apres=apres)
    return ouvrir(document_courant(nouveau))


def rapport_csf(annee: int, structure, porteur) -> Document:
    from conventions.options import EtatSignature
    from justificatifs import controle
    from justificatifs.rapport_csf import csf_valider
    from tests.conventions.factories import ConventionFactory
    from tests.factories import utilisateur

    action = action_de(annee, structure)
    ConventionFactory(operation=action, etat=EtatSignature.NOTIFIEE)
    depose = bilans.bilan_preparer(operation=action, user=porteur)
    bilans.bilan_enregistrer(bilan=depose, user=porteur, qualitatif={"actions_menees": "Ateliers."},
                             depenses={d.pk: str(d.prevu) for d in depose.depenses.all()},
                             ressources={r.pk: str(r.prevu) for r in depose.ressources.all()})
    from tests.justificatifs.factories import joindre_les_pieces
    joindre_les_pieces(depose, porteur)
    bilans.bilan_transition(bilan=depose, nom="deposer", user=porteur)
    gestionnaire = utilisateur("gestionnaire")
    for depense in depose.depenses.all():
        controle.depense_controler(depense=depense, user=gestionnaire, decision="retenue",
                                       commentaire="Pièces vues sur place.")
    return ouvrir(csf_valider(bilan=depose, user=gestionnaire))


def rapport(annee: int, structure, porteur) -> Document:
    action_de(annee, structure)
    return Document(io.BytesIO(en_docx(rapport_activite(*periode(annee)))))


# Chaque document produit pour une opération de l'année donnée : (année, structure, porteur) -> Document.
DOCUMENTS = {
    "accuse_reception": lambda a, s, p: ouvrir(docs.accuse_reception_generer(reponse_de(a, Etat.DEPOSEE))),
    "rapport_instruction": lambda a, s, p: ouvrir(docs.rapport_instruction_generer(
        AnalyseFactory(reponse=reponse_de(a, Etat.INSTRUITE)).reponse)),
    "dossier_comite": lambda a, s, p: ouvrir(docs.dossier_comite_generer(comite_de(a))),
    "pv_comite": lambda a, s, p: ouvrir(docs.pv_comite_generer(comite_de(a, decision=Decision.PROGRAMMEE))),
    "lettre_notification": lambda a, s, p: ouvrir(docs.lettre_notification_generer(
        comite_de(a, decision=Decision.PROGRAMMEE).points.get())),
    "emargement": emargement,
    "bilan_execution": bilan,
    "rapport_activite": rapport,
    "convention": convention,
    "avenant": avenant,
    "rapport_csf": rapport_csf,
}


def en_tete_et_pied(docx: Document) -> dict[str, str]:
    section = docx.sections[0]
    return {"en-tête": texte_de(section.header), "pied de page": texte_de(section.footer)}


# Une opération de 2016 : les mentions 2014-2020 et jamais celles de 2021-2027 (le défaut de l'issue) ; de 2022,
# l'inverse.
PERIODES = {2016: (MENTIONS_2014_2020, SIGNES_DE_2021_2027), 2022: (MENTIONS_2021_2027, SIGNES_DE_2014_2020)}


@pytest.mark.parametrize("annee", sorted(PERIODES))
@pytest.mark.parametrize("nature", sorted(DOCUMENTS))
def test_chaque_document_porte_les_mentions_du_programme_de_son_operation(nature, annee, structure, porteur):
    attendues, interdites = PERIODES[annee]
    docx = DOCUMENTS[nature](annee, structure, porteur)
    for partie, contenu in en_tete_et_pied(docx).items():
        for mention in attendues:
            assert mention in contenu, f"{nature}, {partie} : « {mention} » manque dans {contenu!r}"
        for signe in interdites:
            assert signe not in contenu, f"{nature}, {partie} : une opération de {annee} porte « {signe} »"


@pytest.mark.parametrize("nature", ["dossier_comite", "pv_comite"])
def test_un_comite_qui_programme_sur_les_deux_periodes_les_nomme_toutes_deux_une_par_ligne(nature, db):
    comite = comite_de(2022, 2016, 2022, decision=Decision.PROGRAMMEE if nature == "pv_comite" else "")
    generer = docs.pv_comite_generer if nature == "pv_comite" else docs.dossier_comite_generer
    docx = ouvrir(generer(comite))
    for partie, contenu in en_tete_et_pied(docx).items():
        lignes = contenu.split("\n")
        ancienne = [ligne for ligne in lignes if all(m in ligne for m in MENTIONS_2014_2020)]
        nouvelle = [ligne for ligne in lignes if all(m in ligne for m in MENTIONS_2021_2027)]
        assert len(ancienne) == 1 and len(nouvelle) == 1 and ancienne != nouvelle, f"{partie} : {lignes}"
        assert lignes.index(ancienne[0]) < lignes.index(nouvelle[0])  # dans l'ordre des périodes
    verifier_publicite(docx, [p.reponse.operation.programme for p in comite.points.all()])


def test_un_document_sans_mention_n_est_pas_produit(structure):
    point = comite_de(2016, decision=Decision.PROGRAMMEE).points.get()
    contexte = docs.contexte_lettre_notification(point)
    del contexte["mention_fse"]
    with pytest.raises(MentionManquante, match="« Lettre de notification de la décision » n'a pas les mentions "
                                               "obligatoires de son programme européen"):
        rendre("lettre_notification", contexte)
    with pytest.raises(MentionManquante):
        rendre("lettre_notification", {**contexte, "mention_fse": " "})
