"""Le programme européen de chaque opération : choisi par l'appel ou les dates, et son taux de cofinancement maximal
vérifié à l'instruction et au vote du comité.

Taux attendus écrits d'après les textes (spec programmes-fse.md) :
- 2014-2020 : règlement (UE) n° 1303/2013, art. 120, § 3 : 50 % pour une région plus développée (Bourgogne) ;
- 2021-2027 : règlement (UE) 2021/1060, art. 112, § 3 et programme national FSE+ : 60 % en région de transition.
"""
from datetime import date
from decimal import Decimal

import pytest

from annuaire.roles import Role
from appels_projets import services as appels
from appels_projets.options import Decision, EtatComite
from operations.models import LigneRessource
from operations.options import Etat
from operations.programmes import Programme, option_de_couts, programme_pour, RegleInconnue
from operations.services import ActionRefusee, operation_creer, operation_transition
from tests.appels_projets.factories import AppelFactory, ComiteFactory, PointFactory, ReponseFactory
from tests.factories import OperationFactory, StructureFactory, financeur, type_operation, utilisateur

pytestmark = pytest.mark.django_db


def test_les_deux_programmes_sont_des_donnees_avec_leurs_sources():
    ancien, nouveau = Programme.objects.order_by("debut_programmation")
    assert ancien.intitule == "Programme opérationnel national FSE « Emploi et Inclusion » en métropole 2014-2020"
    assert nouveau.intitule == "Programme national FSE+ « Emploi, Inclusion, Jeunesse et Compétences » 2021-2027"
    assert (ancien.taux_cofinancement_max, nouveau.taux_cofinancement_max) == (Decimal("0.5"), Decimal("0.6"))
    assert "1303/2013" in ancien.source_taux_cofinancement and "2021/1060" in nouveau.source_taux_cofinancement
    assert any("2016-279" in vu for vu in ancien.base_legale) and any("2022-608" in vu for vu in nouveau.base_legale)


@pytest.mark.parametrize("jour, code", [
    (date(2016, 1, 1), "FSE_2014_2020"), (date(2020, 12, 31), "FSE_2014_2020"),
    (date(2021, 1, 1), "FSEPLUS_2021_2027"), (date(2023, 9, 1), "FSEPLUS_2021_2027"),
])
def test_le_programme_se_deduit_des_dates(jour, code):
    assert programme_pour(jour).code == code


def test_une_operation_prend_le_programme_de_son_appel_sinon_de_ses_dates():
    porteur = utilisateur(Role.PORTEUR)
    nouveau = Programme.objects.get(code="FSEPLUS_2021_2027")
    # Un appel publié fin 2020 pour des actions 2021 : le programme de l'appel l'emporte sur la date de début.
    appel = AppelFactory(programme=Programme.objects.get(code="FSE_2014_2020"), periode_debut_min=date(2020, 1, 1),
                         periode_fin_max=date(2021, 12, 31), etat="publie")
    reponse = appels.reponse_creer(appel=appel, user=porteur, intitule="Action", type_operation=type_operation(),
                                   date_debut=date(2021, 1, 4), date_fin=date(2021, 12, 17))
    assert reponse.operation.programme.code == "FSE_2014_2020"
    hors_appel = operation_creer(user=porteur, porteur=porteur.structure, date_debut=date(2023, 1, 2),
                                 date_fin=date(2023, 12, 31), intitule="Portage 2023", type=type_operation())
    assert hors_appel.programme == nouveau


def test_une_option_de_couts_que_le_programme_n_offre_pas_est_refusee():
    ancien, nouveau = Programme.objects.order_by("debut_programmation")
    assert option_de_couts(nouveau, "indirects_7").taux == Decimal("0.07")  # règlement 2021/1060, art. 54, a)
    with pytest.raises(RegleInconnue, match="Le programme FSE 2014-2020 n'offre pas l'option de coûts « indirects_7 »"):
        option_de_couts(ancien, "indirects_7")


def _part_fse(operation, montant_fse: str):
    """Le plan de la fabrique : 18 044,30 € de dépenses ; la métropole reçoit ce que le FSE ne couvre pas."""
    fse = Decimal(montant_fse)
    LigneRessource.objects.filter(operation=operation, financeur=financeur("FSE")).update(montant=fse)
    LigneRessource.objects.filter(operation=operation, financeur=financeur("METROPOLE")).update(
        montant=Decimal("18044.30") - fse)


def test_au_dela_du_taux_maximal_l_instruction_ne_se_clot_pas():
    animation = utilisateur(Role.ANIMATION)
    operation = OperationFactory(etat=Etat.EN_INSTRUCTION)  # 2016 : FSE 2014-2020
    _part_fse(operation, "9022.16")  # 9 022,16 / 18 044,30 = 50,0001 % : un centime au-dessus de 50 %
    with pytest.raises(ActionRefusee) as refus:
        operation_transition(operation=operation, nom="clore_instruction", user=animation)
    assert ("La part FSE (50,00\u00a0%) dépasse le taux de cofinancement maximal du programme FSE 2014-2020 "
            "(50\u00a0%)") in str(refus.value)
    operation.refresh_from_db()
    assert operation.etat == Etat.EN_INSTRUCTION
    _part_fse(operation, "9022.15")  # 50,00 % tout juste : permis
    operation_transition(operation=operation, nom="clore_instruction", user=animation)
    assert operation.etat == Etat.INSTRUITE


def test_le_taux_maximal_est_celui_du_programme_de_l_operation():
    animation = utilisateur(Role.ANIMATION)
    operation = OperationFactory(etat=Etat.EN_INSTRUCTION, date_debut=date(2022, 1, 3), date_fin=date(2022, 12, 30))
    _part_fse(operation, "10826.58")  # 60,00 % de 18 044,30 € (10 826,58) : permis en FSE+ 2021-2027
    operation_transition(operation=operation, nom="clore_instruction", user=animation)
    assert operation.etat == Etat.INSTRUITE


def test_le_comite_ne_vote_pas_au_dela_du_taux_maximal():
    membre = utilisateur(Role.COMITE)
    operation = OperationFactory(etat=Etat.INSTRUITE)
    _part_fse(operation, "9022.15")
    point = PointFactory(comite=ComiteFactory(membres=[membre], etat=EtatComite.TENU),
                         reponse=ReponseFactory(operation=operation))
    # Le comité ne peut pas voter plus que demandé ; une demande déjà au maximum laisse le vote au maximum.
    appels.decision_enregistrer(point=point, decision=Decision.PROGRAMMEE, montant_vote=Decimal("9022.15"),
                                motivation="", confirmer_depassement=False, user=membre)
    # Un plan à 60 % demandé passe l'instruction d'une opération FSE+ ; voté à 61 % du coût, il serait refusé.
    nouvelle = OperationFactory(etat=Etat.INSTRUITE, date_debut=date(2022, 1, 3), date_fin=date(2022, 12, 30),
                                porteur=StructureFactory())
    _part_fse(nouvelle, "11007.02")  # 61,00 % de 18 044,30 €
    point = PointFactory(comite=point.comite, reponse=ReponseFactory(operation=nouvelle))
    with pytest.raises(ActionRefusee, match="dépasse le taux de cofinancement maximal du programme FSE\\+ 2021-2027"):
        appels.decision_enregistrer(point=point, decision=Decision.PROGRAMMEE, montant_vote=Decimal("11007.02"),
                                    motivation="", confirmer_depassement=False, user=membre)
    point.refresh_from_db()
    assert point.decision == ""


def test_l_administrateur_lit_et_modifie_les_regles_d_un_programme(client):
    """Les règles sont des données modifiables dans l'administration ; un indicateur au filtre inconnu est refusé."""
    from django.core.exceptions import ValidationError
    from django.urls import reverse

    admin = utilisateur(Role.ADMINISTRATEUR, is_staff=True, is_superuser=True)
    ancien = Programme.objects.get(code="FSE_2014_2020")
    client.force_login(admin)
    page = client.get(reverse("admin:operations_programme_change", args=[ancien.pk])).content.decode()
    assert "Règlement (UE) n° 1303/2013, art. 120" in page and "Union européenne" in page
    ancien.indicateurs = [*ancien.indicateurs, {"code": "CO99", "libelle": "Essai", "type": "realisation",
                                                 "filtre": {"couleur_des_yeux": "bleu"}}]
    with pytest.raises(ValidationError) as refus:
        ancien.full_clean()
    assert "CO99" in str(refus.value) and "couleur_des_yeux" in str(refus.value)
