"""Les pages du comité vues par leurs utilisateurs : planifier, préparer l'ordre du jour, convoquer, tenir la séance,
décider en un seul envoi (tout ou rien, enveloppe), valider le PV, télécharger le dossier et les documents ;
et ce que ne voient ni le porteur ni le membre d'un autre comité.
"""
import html
import threading
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from annuaire.roles import Role
from appels_projets.documents import dossier_comite_generer
from appels_projets.models import Comite, PointOrdreDuJour
from appels_projets.options import Decision, EtatAppel, EtatComite
from operations.documents import documents_de
from operations.models import Notification, Operation
from operations.options import Etat
from tests.factories import utilisateur

from .factories import AnalyseFactory, AppelFactory, ComiteFactory, PointFactory, ReponseFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def eur(chiffres: str) -> str:
    """`eur("9 022,15")` -> `9 022,15 €` avec les espaces insécables du format fr-FR."""
    return chiffres.replace(" ", "\u202f") + "\u00a0€"


def decisions(*lignes) -> dict:
    """`decisions((point, "programmee", "9 022,15"), (point, "ajournee", "", "motif"), ...)` -> données postées."""
    donnees = {}
    for point, decision, montant, *reste in lignes:
        prefixe = f"point-{point.pk}"
        donnees[f"{prefixe}-decision"] = decision
        donnees[f"{prefixe}-montant"] = montant
        donnees[f"{prefixe}-motivation"] = reste[0] if reste else ""
        if len(reste) > 1 and reste[1]:
            donnees[f"{prefixe}-confirmer"] = "on"
    return donnees


def rien_n_est_decide(*points):
    return all(PointOrdreDuJour.objects.get(pk=p.pk).decision == "" for p in points)


@pytest.fixture(autouse=True)
def _medias(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def appel(db):
    return AppelFactory(etat=EtatAppel.CLOS, titre="Remobilisation autour des compétences", enveloppe_fse=Decimal("20000.00"))


def instruite(appel, structure, **champs):
    reponse = ReponseFactory(appel=appel, operation__porteur=structure, operation__etat=Etat.INSTRUITE, **champs)
    AnalyseFactory(reponse=reponse, notes=[4, 3, 5], montant_fse_propose=Decimal("8000.00"))
    return reponse


@pytest.fixture
def seance(appel, structure, comite):
    """Un comité convoqué : trois opérations instruites de `structure` à l'ordre du jour ; `comite` y siège."""
    convoque = ComiteFactory(membres=[comite], etat=EtatComite.CONVOQUE, lieu="Salle du conseil")
    points = [PointFactory(comite=convoque, reponse=instruite(appel, structure), ordre=rang) for rang in (1, 2, 3)]
    return convoque, points


def url(nom_url, comite, **kwargs):
    return reverse(f"appels_projets:{nom_url}", kwargs={"pk": comite.pk, **kwargs})


# --- Planifier ---

def test_l_animation_planifie_un_comite(client, animation, comite):
    autre_membre = utilisateur(Role.COMITE, first_name="Paul", last_name="Lefèvre")
    utilisateur(Role.GESTIONNAIRE, first_name="Gérard", last_name="Gestion")
    client.force_login(animation)
    page = texte(client.get(reverse("appels_projets:creer_comite")))
    assert "Paul Lefèvre" in page and "Gérard Gestion" not in page, "seuls les comptes du rôle comité sont proposés"

    reponse = client.post(reverse("appels_projets:creer_comite"), {
        "type": "programmation", "jour": "2016-05-12", "heure": "09:30", "lieu": "Hôtel de la métropole",
        "membres": [comite.pk, autre_membre.pk],
    })
    cree = Comite.objects.get()
    assert reponse.status_code == 302 and reponse.url == cree.get_absolute_url()
    assert cree.date == datetime(2016, 5, 12, 9, 30, tzinfo=PARIS)
    assert set(cree.membres.all()) == {comite, autre_membre}
    assert cree.etat == EtatComite.PLANIFIE
    page = texte(client.get(reponse.url))
    assert "Comité de programmation du 12/05/2016" in page and "12/05/2016 à 09:30" in page
    assert "Paul Lefèvre" in page and "L'ordre du jour est vide." in page


def test_un_comite_mal_saisi_est_refuse_en_francais_sans_rien_ecrire(client, animation):
    client.force_login(animation)
    reponse = client.post(reverse("appels_projets:creer_comite"), {
        "type": "programmation", "jour": "2016-02-31", "heure": "", "lieu": "Salle", "membres": [],
    })
    page = texte(reponse)
    assert reponse.status_code == 200
    assert "3 erreurs à corriger : rien n'a été enregistré" in page
    assert "Date : Saisissez une date, par exemple 12/05/2016." in page
    assert "Heure : Indiquez l'heure du comité." in page
    assert "Membres : Choisissez au moins un membre du comité." in page
    assert 'href="#id_membres_0"' in page and 'href="#id_jour"' in page
    assert not Comite.objects.exists()


def test_seule_l_animation_planifie(client, gestionnaire, comite):
    client.force_login(gestionnaire)
    reponse = client.post(reverse("appels_projets:creer_comite"), {
        "type": "programmation", "jour": "2016-05-12", "heure": "09:30", "membres": [comite.pk],
    })
    assert reponse.status_code == 403 and not Comite.objects.exists()


def test_la_liste_montre_date_type_etat_et_nombre_d_operations(client, animation, seance):
    convoque, _ = seance
    ComiteFactory(etat=EtatComite.PLANIFIE, type="pilotage")
    client.force_login(animation)
    page = texte(client.get(reverse("appels_projets:comites")))
    assert timezone.localtime(convoque.date).strftime("%d/%m/%Y à %H:%M") in page
    assert "Comité de programmation" in page and "Comité de pilotage" in page
    assert "Convoqué" in page and "Planifié" in page
    assert "Planifier un comité" in page
    lignes = page.split("<tbody>")[1].split("</tr>")
    assert any("Convoqué" in ligne and '<td class="nombre">3</td>' in ligne for ligne in lignes)


def test_le_membre_ne_liste_que_ses_comites(client, comite, seance):
    convoque, _ = seance
    autre = ComiteFactory(lieu="Salle d'un autre comité")
    client.force_login(comite)
    page = texte(client.get(reverse("appels_projets:comites")))
    assert convoque.get_absolute_url() in page and autre.get_absolute_url() not in page
    assert "Planifier un comité" not in page


# --- Ordre du jour ---

def test_inscrire_des_operations_instruites(client, animation, appel, structure, autre_structure):
    planifie = ComiteFactory()
    a, b = instruite(appel, structure), instruite(appel, autre_structure)
    en_instruction = ReponseFactory(appel=appel, operation__etat=Etat.EN_INSTRUCTION)
    deja_inscrite = instruite(appel, structure)
    PointFactory(comite=ComiteFactory(), reponse=deja_inscrite)
    client.force_login(animation)

    page = texte(client.get(planifie.get_absolute_url()))
    proposees = page.split('id="tableau-inscriptibles"')[1].split("</table>")[0]
    assert a.operation.code in proposees and b.operation.code in proposees
    assert en_instruction.operation.code not in proposees and deja_inscrite.operation.code not in proposees
    assert eur("8 000,00") in proposees and ">3,9<" in proposees  # proposé et note pondérée : (4×40 + 3×35 + 5×25) / 100

    reponse = client.post(url("ordre_du_jour", planifie), {"action": "ajouter", "reponses": [a.pk, b.pk]})
    assert reponse.status_code == 302 and reponse.url == planifie.get_absolute_url()
    assert [p.reponse for p in planifie.points.all()] == [a, b]
    assert [p.ordre for p in planifie.points.all()] == [1, 2]
    page = texte(client.get(planifie.get_absolute_url()))
    assert f"Inscrites à l'ordre du jour : {a.operation.code}, {b.operation.code}." in page
    assert "Ordre du jour (2 opérations)" in page


def test_une_operation_non_instruite_est_refusee_avec_la_raison_et_rien_n_est_inscrit(client, animation, appel, structure):
    planifie = ComiteFactory()
    a = instruite(appel, structure)
    en_instruction = ReponseFactory(appel=appel, operation__porteur=structure, operation__etat=Etat.EN_INSTRUCTION)
    client.force_login(animation)
    reponse = client.post(url("ordre_du_jour", planifie), {"action": "ajouter", "reponses": [a.pk, en_instruction.pk]},
                          follow=True)
    assert (f"Aucune opération n'a été inscrite : {en_instruction.operation.code} n'est pas instruite : "
            "elle ne peut pas passer en comité.") in texte(reponse)
    assert not planifie.points.exists()


def test_retirer_une_operation_de_l_ordre_du_jour(client, animation, seance):
    convoque, (p1, p2, p3) = seance
    client.force_login(animation)
    reponse = client.post(url("ordre_du_jour", convoque), {"action": "retirer", "point": p2.pk}, follow=True)
    assert f"{p2.reponse.operation.code} est retirée de l'ordre du jour." in texte(reponse)
    assert list(convoque.points.all()) == [p1, p3]


def test_l_ordre_du_jour_d_un_comite_tenu_est_fige(client, animation, seance):
    convoque, (p1, *_) = seance
    Comite.objects.filter(pk=convoque.pk).update(etat=EtatComite.TENU)
    client.force_login(animation)
    reponse = client.post(url("ordre_du_jour", convoque), {"action": "retirer", "point": p1.pk}, follow=True)
    assert "L'ordre du jour d'un comité tenu est figé." in texte(reponse)
    assert convoque.points.count() == 3


# --- Convoquer, tenir ---

def test_convoquer_puis_tenir_le_comite(client, animation, appel, structure):
    planifie = ComiteFactory()
    client.force_login(animation)
    page = texte(client.get(planifie.get_absolute_url()))
    assert "Convoquer le comité" in page and "L'ordre du jour est vide." in page  # bouton grisé, avec la raison
    reponse = client.post(url("transition_comite", planifie, nom="convoquer"), follow=True)
    assert "« Convoquer le comité » est impossible pour l'instant : L'ordre du jour est vide." in texte(reponse)

    PointFactory(comite=planifie, reponse=instruite(appel, structure))
    client.post(url("transition_comite", planifie, nom="convoquer"))
    client.post(url("transition_comite", planifie, nom="tenir"))
    planifie.refresh_from_db()
    assert planifie.etat == EtatComite.TENU
    historique = [(log.transition, log.by) for log in StateLog.objects.filter(object_id=planifie.pk,
                                                                                content_type__model="comite")]
    assert historique == [("convoquer", animation), ("tenir", animation)]
    page = texte(client.get(planifie.get_absolute_url()))
    assert "Les membres du comité enregistrent les décisions pendant la séance." in page


# --- Décisions : un seul envoi pour toute la séance ---

def test_le_membre_voit_le_tableau_des_decisions_et_l_enveloppe(client, comite, seance):
    convoque, (p1, *_) = seance
    client.force_login(comite)
    page = texte(client.get(convoque.get_absolute_url()))
    assert 'id="tableau-decisions"' in page
    assert f'name="point-{p1.pk}-decision"' in page and f'name="point-{p1.pk}-montant"' in page
    assert "Programmée" in page and "Ajournée" in page and "Rejetée" in page
    enveloppe = page.split('id="enveloppes"')[1].split("</table>")[0]
    assert "Remobilisation autour des compétences" in enveloppe
    assert enveloppe.count(eur("20 000,00")) == 2  # l'enveloppe entière reste : rien n'est voté
    assert 'data-enveloppe="20000.00"' in enveloppe and 'data-hors-seance="0.00"' in enveloppe


def test_une_motivation_manquante_nomme_l_operation_et_rien_n_est_enregistre(client, comite, seance):
    convoque, (p1, p2, p3) = seance
    client.force_login(comite)
    reponse = client.post(url("decisions", convoque), decisions(
        (p1, "programmee", "9 022,15"), (p2, "ajournee", "", "  "), (p3, "rejetee", "", "Hors du champ de l'appel"),
    ))
    page = texte(reponse)
    assert reponse.status_code == 200
    assert "1 erreur à corriger : aucune décision n'a été enregistrée" in page
    assert f"{p2.reponse.operation.code}, motivation : La motivation est obligatoire pour « Ajournée »." in page
    assert f'href="#id_point-{p2.pk}-motivation"' in page
    assert rien_n_est_decide(p1, p2, p3)
    # la saisie est réaffichée, et l'enveloppe recalculée avec elle
    assert 'value="9\u202f022,15"' in page or 'value="9 022,15"' in page
    assert "Hors du champ de l'appel" in page
    assert eur("10 977,85") in page.split('id="enveloppes"')[1]


def test_un_montant_vote_superieur_au_demande_est_refuse(client, comite, seance):
    convoque, (p1, p2, _) = seance
    client.force_login(comite)
    page = texte(client.post(url("decisions", convoque), decisions(
        (p1, "programmee", "9 500"), (p2, "rejetee", "", "Public déjà couvert"),
    )))
    assert (f"{p1.reponse.operation.code}, montant FSE voté : Le montant voté ({eur('9 500,00')}) dépasse "
            f"le montant demandé ({eur('9 022,15')}).") in page
    assert rien_n_est_decide(p1, p2)


def test_un_montant_illisible_est_refuse(client, comite, seance):
    convoque, (p1, *_) = seance
    client.force_login(comite)
    page = texte(client.post(url("decisions", convoque), decisions((p1, "programmee", "neuf mille"))))
    assert f"{p1.reponse.operation.code}, montant FSE voté : Saisissez un montant, par exemple 9 022,15." in page
    assert rien_n_est_decide(p1)


def test_le_depassement_de_l_enveloppe_exige_une_confirmation_enregistree(client, comite, seance, appel):
    convoque, (p1, p2, p3) = seance
    client.force_login(comite)
    # 9 022,15 + 9 000 + 9 000 = 27 022,15 € pour une enveloppe de 20 000 € : dépassement de 7 022,15 €.
    votes = [(p1, "programmee", "9 022,15"), (p2, "programmee", "9000"), (p3, "programmee", "9 000,00")]
    page = texte(client.post(url("decisions", convoque), decisions(*votes)))
    code = p3.reponse.operation.code
    assert (f"{code}, confirmation du dépassement de l'enveloppe : {code} : avec ce vote, l'enveloppe FSE de l'appel "
            f"({eur('20 000,00')}) serait dépassée de {eur('7 022,15')}.") in page
    assert f'href="#id_point-{p3.pk}-confirmer"' in page
    assert rien_n_est_decide(p1, p2, p3)
    enveloppe = page.split('id="enveloppes"')[1].split("</table>")[0]
    assert eur("27 022,15") in enveloppe and f"-{eur('7 022,15')} (dépassement)" in enveloppe
    assert "par " not in page.split('id="tableau-decisions"')[1].split("</table>")[0], "aucune trace d'une décision annulée"
    # la case de confirmation s'affiche pour les opérations programmées sur l'appel dépassé
    for point in (p1, p2, p3):
        ligne = page.split(f'data-point="{point.pk}"')[1].split("</tr>")[0]
        assert 'data-role="confirmation" hidden' not in ligne

    reponse = client.post(url("decisions", convoque), decisions(*votes[:2], (*votes[2], "", True)))
    assert reponse.status_code == 302 and reponse.url == convoque.get_absolute_url()
    decides = {p.pk: p for p in PointOrdreDuJour.objects.filter(comite=convoque)}
    assert [decides[p.pk].montant_vote for p in (p1, p2, p3)] == [Decimal("9022.15"), Decimal("9000"), Decimal("9000")]
    assert [decides[p.pk].depassement_confirme for p in (p1, p2, p3)] == [False, False, True]
    assert all(d.decidee_par == comite and d.decidee_le for d in decides.values())
    page = texte(client.get(convoque.get_absolute_url()))
    assert "3 décisions enregistrées." in page
    assert "Dépassement de l'enveloppe confirmé" in page
    trace = page.split(f'data-point="{p3.pk}"')[1].split("</tr>")[0]
    assert f"par {comite}, le <time" in trace
    assert f"{timezone.localtime(decides[p3.pk].decidee_le):%d/%m/%Y à %H:%M}</time>" in trace


def test_ajourner_ou_rejeter_ne_demande_pas_de_confirmer_un_depassement_existant(client, comite, seance, appel):
    convoque, (p1, p2, _) = seance
    PointFactory(comite=ComiteFactory(etat=EtatComite.PV_VALIDE, date=timezone.now() - timedelta(days=60)),
                 reponse=ReponseFactory(appel=appel, operation__etat=Etat.PROGRAMMEE),
                 decision=Decision.PROGRAMMEE, montant_vote=Decimal("19000.00"))
    client.force_login(comite)
    reponse = client.post(url("decisions", convoque), decisions(
        (p1, "programmee", "9 022,15", "", True), (p2, "rejetee", "", "Hors du champ de l'appel"),
    ))
    assert reponse.status_code == 302
    p1.refresh_from_db(), p2.refresh_from_db()
    assert (p1.depassement_confirme, p2.depassement_confirme) == (True, False)


def test_une_decision_inchangee_garde_son_auteur(client, comite, seance):
    convoque, (p1, p2, _) = seance
    collegue = utilisateur(Role.COMITE, first_name="Paul", last_name="Lefèvre")
    convoque.membres.add(collegue)
    client.force_login(comite)
    client.post(url("decisions", convoque), decisions((p1, "programmee", "9 022,15")))
    client.force_login(collegue)
    reponse = client.post(url("decisions", convoque), decisions(
        (p1, "programmee", "9 022,15"), (p2, "ajournee", "", "Public cible à préciser"),
    ), follow=True)
    assert "1 décision enregistrée." in texte(reponse)
    p1.refresh_from_db(), p2.refresh_from_db()
    assert (p1.decidee_par, p2.decidee_par) == (comite, collegue)


def test_une_decision_enregistree_ne_s_efface_pas(client, comite, seance):
    convoque, (p1, *_) = seance
    client.force_login(comite)
    client.post(url("decisions", convoque), decisions((p1, "programmee", "9 022,15")))
    page = texte(client.post(url("decisions", convoque), decisions((p1, "", ""))))
    assert f"{p1.reponse.operation.code}, décision : Une décision enregistrée ne s'efface pas" in page
    assert PointOrdreDuJour.objects.get(pk=p1.pk).decision == Decision.PROGRAMMEE


def test_seuls_les_membres_de_ce_comite_decident(client, animation, seance):
    convoque, (p1, *_) = seance
    client.force_login(animation)
    assert client.post(url("decisions", convoque), decisions((p1, "programmee", "9 022,15"))).status_code == 403
    page = texte(client.get(convoque.get_absolute_url()))
    assert 'id="tableau-decisions"' not in page and 'id="tableau-decisions-lecture"' in page
    assert rien_n_est_decide(p1)


def test_pas_de_decision_avant_la_convocation(client, comite, appel, structure):
    planifie = ComiteFactory(membres=[comite])
    point = PointFactory(comite=planifie, reponse=instruite(appel, structure))
    client.force_login(comite)
    assert 'id="tableau-decisions"' not in texte(client.get(planifie.get_absolute_url()))
    reponse = client.post(url("decisions", planifie), decisions((point, "programmee", "9 022,15")), follow=True)
    assert "Les décisions s'enregistrent pendant la séance ; le comité est « Planifié »." in texte(reponse)
    assert rien_n_est_decide(point)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("essai", range(3))
def test_deux_membres_qui_votent_en_meme_temps_ne_depassent_pas_l_enveloppe_sans_le_confirmer(essai, appel, structure):
    """Chacun des deux votes tient dans l'enveloppe, pas les deux : le comité verrouillé, le second voit le premier."""
    membres = [utilisateur(Role.COMITE), utilisateur(Role.COMITE)]
    convoque = ComiteFactory(membres=membres, etat=EtatComite.CONVOQUE)
    points = [PointFactory(comite=convoque, reponse=instruite(appel, structure)) for _ in range(2)]
    barriere, codes = threading.Barrier(2, timeout=30), [None, None]

    def voter(i):
        try:
            client = Client()
            client.force_login(membres[i])
            barriere.wait()
            codes[i] = client.post(url("decisions", convoque), decisions((points[i], "programmee", "9 000"))).status_code
        finally:
            connections.close_all()

    appel.enveloppe_fse = Decimal("15000.00")
    appel.save()
    fils = [threading.Thread(target=voter, args=(i,)) for i in range(2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(60)
    assert sorted(codes) == [200, 302], codes  # l'un enregistré, l'autre réaffiché avec le refus
    decides = PointOrdreDuJour.objects.filter(comite=convoque).exclude(decision="")
    assert decides.count() == 1 and not decides.get().depassement_confirme


# --- Valider le PV ---

def test_valider_le_pv(client, comite, porteur, seance, mailoutbox, django_capture_on_commit_callbacks):
    convoque, (p1, p2, p3) = seance
    Comite.objects.filter(pk=convoque.pk).update(etat=EtatComite.TENU)
    client.force_login(comite)
    client.post(url("decisions", convoque), decisions(
        (p1, "programmee", "8 000"), (p2, "ajournee", "", "Public cible à préciser"), (p3, "rejetee", "", "Hors champ"),
    ))
    page = texte(client.get(convoque.get_absolute_url()))
    assert "Valider le procès-verbal" in page and "Chaque opération prendra l'état décidé" in page

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("transition_comite", convoque, nom="valider_pv"))
    assert reponse.status_code == 302
    convoque.refresh_from_db()
    assert convoque.etat == EtatComite.PV_VALIDE
    operations = [Operation.objects.get(pk=p.reponse.operation_id) for p in (p1, p2, p3)]
    assert [o.etat for o in operations] == [Etat.PROGRAMMEE, Etat.AJOURNEE, Etat.REJETEE]
    for operation, transition in zip(operations, ["programmer", "ajourner", "rejeter"], strict=True):
        journal = StateLog.objects.get(object_id=operation.pk, content_type__model="operation", transition=transition)
        assert journal.by == comite
    assert StateLog.objects.get(object_id=operations[1].pk, transition="ajourner").description == "Public cible à préciser"
    assert Notification.objects.filter(destinataire=porteur, operation__in=operations).count() == 3
    assert any("Décision du comité de programmation" in m.subject for m in mailoutbox)

    page = texte(client.get(convoque.get_absolute_url()))
    assert "Le comité est maintenant « Procès-verbal validé »." in page
    pv = documents_de(convoque, "pv_comite").get()
    assert reverse("appels_projets:document_comite", args=[convoque.pk, pv.pk]) in page
    for point in (p1, p2, p3):
        lettre = documents_de(point, "lettre_notification").get()
        assert reverse("appels_projets:document_comite", args=[convoque.pk, lettre.pk]) in page
    assert 'id="tableau-decisions"' not in page, "les décisions ne se modifient plus"

    telechargement = client.get(reverse("appels_projets:document_comite", args=[convoque.pk, pv.pk]))
    assert telechargement.status_code == 200
    assert telechargement["Content-Disposition"] == f'attachment; filename="{pv.nom}"'
    assert b"".join(telechargement.streaming_content)[:2] == b"PK"


def test_un_document_d_un_autre_comite_n_est_pas_servi(client, animation, seance, appel, structure):
    convoque, _ = seance
    autre = ComiteFactory()
    PointFactory(comite=autre, reponse=instruite(appel, structure))
    document = dossier_comite_generer(autre, animation)
    client.force_login(animation)
    assert client.get(reverse("appels_projets:document_comite", args=[convoque.pk, document.pk])).status_code == 404
    assert client.get(reverse("appels_projets:document_comite", args=[autre.pk, document.pk])).status_code == 200


def test_le_dossier_de_seance_se_telecharge(client, comite, seance):
    convoque, _ = seance
    client.force_login(comite)
    reponse = client.get(url("dossier_comite", convoque))
    nom = f"dossier-comite-{timezone.localtime(convoque.date):%Y-%m-%d}.docx"
    assert reponse["Content-Disposition"] == f'attachment; filename="{nom}"'
    assert b"".join(reponse.streaming_content)[:2] == b"PK"


# --- Ce que ne voient ni le porteur, ni le membre d'un autre comité ---

def adresses(comite, point, document):
    return [
        ("get", url("comite", comite), None),
        ("get", url("dossier_comite", comite), None),
        ("get", url("document_comite", comite, document=document.pk), None),
        ("post", url("ordre_du_jour", comite), {"action": "retirer", "point": point.pk}),
        ("post", url("decisions", comite), decisions((point, "programmee", "9 022,15"))),
        ("post", url("transition_comite", comite, nom="tenir"), {}),
    ]


@pytest.mark.parametrize("qui", ["porteur", "referent", "membre_d_un_autre_comite"])
def test_hors_du_comite_tout_repond_404(client, qui, porteur, referent, animation, seance):
    convoque, (p1, *_) = seance
    compte = {"porteur": porteur, "referent": referent,
              "membre_d_un_autre_comite": utilisateur(Role.COMITE, username="membre-autre-comite")}[qui]
    if qui == "membre_d_un_autre_comite":
        ComiteFactory(membres=[compte])
    document = dossier_comite_generer(convoque, animation)
    client.force_login(compte)
    for methode, adresse, donnees in adresses(convoque, p1, document):
        reponse = getattr(client, methode)(adresse, donnees)
        assert reponse.status_code == 404, f"{qui} : {methode.upper()} {adresse} -> {reponse.status_code}"
        assert "Salle du conseil" not in texte(reponse)
    liste = client.get(reverse("appels_projets:comites"))
    if qui == "membre_d_un_autre_comite":
        assert convoque.get_absolute_url() not in texte(liste)
    else:
        assert liste.status_code == 404
    convoque.refresh_from_db()
    assert convoque.etat == EtatComite.CONVOQUE and convoque.points.count() == 3 and rien_n_est_decide(p1)


def test_le_lien_comites_du_menu(client, animation, comite, gestionnaire, porteur):
    for compte, visible in [(animation, True), (comite, True), (gestionnaire, True), (porteur, False)]:
        client.force_login(compte)
        page = texte(client.get(reverse("accueil")))
        assert (f'href="{reverse("appels_projets:comites")}"' in page) == visible, compte


def test_la_liste_des_comites_se_trie_par_colonne(client, animation):
    """Par date décroissante d'abord ; l'état se trie dans l'ordre de la séance (planifié, convoqué, tenu, PV validé)."""
    import re

    for jour, etat in [(1, EtatComite.PV_VALIDE), (2, EtatComite.PLANIFIE), (3, EtatComite.TENU)]:
        ComiteFactory(date=datetime(2017, 3, jour, 9, tzinfo=ZoneInfo("Europe/Paris")), etat=etat)
    client.force_login(animation)

    def dates(**params):
        page = html.unescape(client.get(reverse("appels_projets:comites"), params).content.decode())
        return re.findall(r'<time datetime="2017-03-0(\d)', page), page

    assert dates()[0] == ["3", "2", "1"]
    ordre, page = dates(tri="etat")
    assert ordre == ["2", "3", "1"] and page.count('aria-sort="ascending"') == 1
    assert dates(tri="-etat")[0] == ["1", "3", "2"]
    # Un membre ne voit que ses comités, avec tous leurs membres comptés (pas seulement lui).
    membre, autre = utilisateur(Role.COMITE), utilisateur(Role.COMITE)
    ComiteFactory(date=datetime(2017, 3, 4, 9, tzinfo=ZoneInfo("Europe/Paris")), membres=[membre, autre])
    client.force_login(membre)
    ordre, page = dates(tri="membres")
    assert ordre == ["4"] and re.search(r'<td class="nombre">2</td>\s*</tr>', page)
