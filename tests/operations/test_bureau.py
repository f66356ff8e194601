"""Le bureau de chaque rôle (la page d'accueil) : ce qui attend la personne, avec dates et échéances, trié par urgence,
chaque ligne menant à la page où l'action se fait ; un nombre de requêtes qui ne dépend pas du volume."""
import html
import re
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appels_projets.models import DemandeComplements
from appels_projets.options import EtatComite
from justificatifs.models import EtatBilan
from operations.options import Etat
from participants.models import Etape, Participant, TypeEtape
from participants.options import StatutEntree
from tests.appels_projets.factories import ComiteFactory, PointFactory, ReponseFactory
from tests.factories import OperationFactory
from tests.justificatifs.factories import bilan_final
from tests.participants.test_realisation import participant

AUJOURDHUI = timezone.localdate()


def bureau(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("accueil")).content.decode()


def rubrique(page: str, titre: str) -> str:
    """La rubrique titrée `titre` : son HTML (pour les liens), puis son texte lu sans balises."""
    debut = page.index(f">{html.escape(titre, quote=False)} <span")
    morceau = page[debut:page.find("</section>", debut)]
    return morceau + "\n" + re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", morceau)))


def complet(p):
    """Une fiche aux réponses FSE complètes (seules les personnes visées sont incomplètes)."""
    for champ, valeur in dict(situation_entree="DE", niveau_formation="ISCED_3_4", beneficiaire_rsa=False, rqth="non",
                              menage_sans_emploi=False, enfants_a_charge=False, parent_isole=False, sans_domicile=False,
                              ressortissant_pays_tiers=False, origine_etrangere="non", minorite="non",
                              autre_defavorise="non", zone_rurale=False, telephone="06 12 34 56 78").items():
        setattr(p, champ, valeur)
    p.save()
    return p


def test_le_bureau_du_referent_nomme_les_personnes_a_revoir(client, referent, structure, settings):
    settings.PARTICIPANTS_SEMAINES_SANS_ETAPE = 8
    oublie = complet(participant(structure, date(2015, 1, 10)))
    oublie.nom = "Oublié"
    oublie.save()
    fin = AUJOURDHUI - timedelta(weeks=10)
    Etape.objects.create(participant=oublie, type=TypeEtape.objects.get(code="FORMATION_PRE_QUALIFIANTE"),
                         date_debut=fin - timedelta(days=30), date_fin=fin)
    en_emploi = complet(participant(structure, date(2015, 1, 10)))
    en_emploi.nom = "Embauchée"
    en_emploi.save()
    Etape.objects.create(participant=en_emploi, type=TypeEtape.objects.get(code="CDI"),
                         date_debut=AUJOURDHUI - timedelta(days=200))
    incomplete = participant(structure, date(2016, 3, 1))  # aucune réponse FSE
    incomplete.nom = "Incomplète"
    incomplete.save()
    oriente = complet(participant(structure, AUJOURDHUI))
    oriente.nom = "Orienté"
    oriente.save()
    # L'entrée est une machine à états protégée : une personne orientée l'est dès sa création (ici, en base).
    Participant.objects.filter(pk=oriente.pk).update(statut_entree=StatutEntree.ORIENTE)

    page = bureau(client, referent)
    assert "Rien n'attend votre action" not in page
    sans_etape = rubrique(page, "Sans étape depuis 8 semaines")
    assert "Oublié Personne" in sans_etape and f"depuis le {fin:%d/%m/%Y}" in sans_etape
    assert f'href="/participants/{oublie.pk}/#titre-etapes"' in sans_etape
    assert "Embauchée" not in sans_etape  # un CDI en cours est une étape en cours
    sortie = rubrique(page, "Sortie positive possible, non proposée")
    assert "Embauchée Personne" in sortie and "CDI depuis au moins 6 mois" in sortie
    manques = rubrique(page, "Données FSE incomplètes")
    assert "Incomplète Personne" in manques and f'href="/participants/{incomplete.pk}/modifier/"' in manques
    assert "Oublié" not in manques
    assert "Orienté Personne" in rubrique(page, "Entrées en attente de la commission")

    settings.PARTICIPANTS_SEMAINES_SANS_ETAPE = 12  # le réglage : dix semaines ne suffisent plus
    assert "Oublié Personne" not in bureau(client, referent).split("Sortie positive possible")[0]


def test_le_bureau_coute_autant_de_requetes_pour_3_ou_30_participants(client, referent, structure, animation):
    def requetes(user) -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as capture:
            assert client.get(reverse("accueil")).status_code == 200
        return len(capture.captured_queries)

    for _ in range(3):
        p = participant(structure, date(2015, 1, 10))
        Etape.objects.create(participant=p, type=TypeEtape.objects.get(code="CDI"), date_debut=date(2015, 2, 1))
    requetes(animation)  # les types de contenu se mettent en cache à la première page
    avant = {u.username: requetes(u) for u in (referent, animation)}
    for _ in range(27):
        p = participant(structure, date(2015, 1, 10))
        Etape.objects.create(participant=p, type=TypeEtape.objects.get(code="CDI"), date_debut=date(2015, 2, 1))
    assert {u.username: requetes(u) for u in (referent, animation)} == avant


def test_le_bureau_du_comite_mene_au_comite_ou_la_decision_s_enregistre(client, comite):
    tenu = ComiteFactory(membres=[comite], date=timezone.now() - timedelta(days=1), etat=EtatComite.CONVOQUE)
    PointFactory(comite=tenu)
    PointFactory(comite=tenu)
    prochain = ComiteFactory(membres=[comite], date=timezone.now() + timedelta(days=20), etat=EtatComite.CONVOQUE)
    PointFactory(comite=prochain)
    page = rubrique(bureau(client, comite), "Comités")
    assert "Enregistrer 2 décisions" in page and f'href="/comites/{tenu.pk}/#decisions"' in page
    assert f'href="/comites/{prochain.pk}/#ordre-du-jour"' in page and "ordre du jour : 1 opération" in page
    assert "Lire le dossier de séance et l'ordre du jour" in page
    assert "/operations/?" not in page  # jamais une liste filtrée
    assert page.index(f"/comites/{tenu.pk}/") < page.index(f"/comites/{prochain.pk}/")  # en retard d'abord


def test_le_bureau_du_porteur_complements_et_bilans_dus_avec_leur_echeance(client, porteur, structure):
    incomplete = ReponseFactory(operation__porteur=structure, operation__etat=Etat.INCOMPLETE)
    DemandeComplements.objects.create(reponse=incomplete, objet="Le RIB du compte du projet",
                                      date_limite=AUJOURDHUI + timedelta(days=10))
    OperationFactory(code="OP-2016-900", porteur=structure, etat=Etat.EN_REALISATION,
                     date_debut=date(2016, 1, 1), date_fin=date(2016, 12, 31))
    a_corriger = OperationFactory(code="OP-2016-901", porteur=structure, etat=Etat.BILAN_A_CORRIGER)
    bilan_final(a_corriger, EtatBilan.A_CORRIGER)
    OperationFactory(code="OP-2016-902", etat=Etat.EN_REALISATION)  # un autre porteur : pas sur ce bureau

    page = bureau(client, porteur)
    complements = rubrique(page, "Compléments demandés")
    assert "Fournir : Le RIB du compte du projet" in complements
    assert f"avant le {AUJOURDHUI + timedelta(days=10):%d/%m/%Y}" in complements
    assert f'href="/reponses/{incomplete.pk}/#complements"' in complements
    bilans = rubrique(page, "Bilans dus")
    assert "OP-2016-900 — Bilan final" in bilans and "Préparer le bilan" in bilans
    assert "avant le 30/06/2017" in bilans  # six mois après le 31/12/2016 (article 2 de la convention)
    assert 'href="/operations/OP-2016-900/bilans/"' in bilans
    assert "OP-2016-901 — Bilan final" in bilans and 'href="/operations/OP-2016-901/bilans/1/"' in bilans
    assert "OP-2016-902" not in page
    assert "en retard" in bilans


def test_le_bureau_du_gestionnaire_bilans_a_controler_et_exports_du_mois(client, gestionnaire):
    depose = OperationFactory(code="OP-2016-910", etat=Etat.BILAN_DEPOSE)
    bilan_final(depose, EtatBilan.DEPOSE)
    OperationFactory(code="OP-2017-911", etat=Etat.EN_REALISATION)
    page = bureau(client, gestionnaire)
    a_controler = rubrique(page, "Bilans à contrôler")
    assert "OP-2016-910 — Bilan final" in a_controler
    assert 'href="/operations/OP-2016-910/bilans/1/controle/"' in a_controler
    exports = rubrique(page, "Exports « Ma Démarche FSE » du mois")
    assert 'href="/operations/OP-2017-911/mdfse/"' in exports and "jamais exporté" in exports
    # l'opération au bilan déposé n'apparaît pas une seconde fois comme « opération à faire avancer »
    assert "Valider le contrôle" not in page


def test_une_operation_exportee_ce_mois_ci_sort_des_exports_a_rafraichir(client, gestionnaire):
    from justificatifs.models import ExportMdfse

    ancienne = OperationFactory(code="OP-2017-912", etat=Etat.EN_REALISATION)
    a_jour = OperationFactory(code="OP-2017-913", etat=Etat.EN_REALISATION)
    ExportMdfse.objects.create(operation=ancienne, participants=0, empreinte="0" * 64)
    ExportMdfse.objects.filter(operation=ancienne).update(fait_le=timezone.now() - timedelta(days=40))
    client.force_login(gestionnaire)
    client.post(reverse("justificatifs:mdfse_export", args=[a_jour.code]))  # l'export du mois, depuis sa page
    assert a_jour.exports_mdfse.get().fait_par == gestionnaire
    exports = rubrique(bureau(client, gestionnaire), "Exports « Ma Démarche FSE » du mois")
    assert "OP-2017-912" in exports and "OP-2017-913" not in exports
    il_y_a_40_jours = timezone.localdate() - timedelta(days=40)
    assert f"dernier export le {il_y_a_40_jours:%d/%m/%Y}" in exports


def test_les_lignes_en_retard_passent_devant(client, animation):
    for jours, code in [(5, "OP-2017-921"), (-3, "OP-2017-922"), (30, "OP-2017-923")]:
        reponse = ReponseFactory(operation__code=code, operation__etat=Etat.INCOMPLETE)
        DemandeComplements.objects.create(reponse=reponse, objet="Pièces", date_limite=AUJOURDHUI + timedelta(days=jours))
    page = rubrique(bureau(client, animation), "Compléments demandés").rsplit("\n", 1)[1]
    assert re.findall(r"OP-2017-92\d", page) == ["OP-2017-922", "OP-2017-921", "OP-2017-923"]
    assert page.count("en retard") == 1
