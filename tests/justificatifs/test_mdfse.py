"""L'export « Ma Démarche FSE » : les indicateurs du programme de l'opération (2014-2020 ou 2021-2027) comptés par sexe,
écrits ici à la main depuis l'annexe I des règlements ; chaque participant une fois par opération, avec son entrée et
sa sortie de l'opération, son âge et sa situation à l'entrée dans l'opération ; le contrôle qualité qui précède (fiches
incomplètes, fiches sans contact) ; les fichiers, les formules neutralisées, la commande."""
import csv
import html
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from annuaire.models import Commune, Prescripteur, Qpv
from annuaire.roles import Role
from justificatifs.mdfse import export_mdfse, qualite, referentiel
from justificatifs.models import Bilan, NatureBilan
from operations.models import TypeOperation
from operations.options import CategorieDepense, Etat
from operations.programmes import RegleInconnue
from participants.completude import sans_contact
from participants.models import Etape, MotifSortie, Participant, TypeEtape
from participants.participations import compter_indicateurs
from tests.factories import OperationFactory, utilisateur

# Un questionnaire complet, que chaque personne modifie : rien ne manque, personne n'est compté par défaut.
COMPLET = dict(situation_entree="DE", etudes_ou_formation=False, niveau_formation="ISCED_3_4", beneficiaire_rsa=False,
               rqth="non", menage_sans_emploi=False, enfants_a_charge=False, parent_isole=False, sans_domicile=False,
               ressortissant_pays_tiers=False, origine_etrangere="non", minorite="non", autre_defavorise="non",
               zone_rurale=False, telephone="06 12 34 56 78")
N = 0


def personne(structure, prenom, sexe, naissance, entree, sortie=None, motif=None, **reponses):
    global N
    N += 1
    return Participant.objects.create(
        identifiant=f"MDFSE-{N}", nom="Test", prenom=prenom, sexe=sexe, date_naissance=naissance,
        commune=Commune.objects.get(nom="Dijon"), prescripteur=Prescripteur.objects.get(code="POLE_EMPLOI"),
        structure_referent=structure, date_entree=entree, date_sortie=sortie,
        motif_sortie=MotifSortie.objects.get(code=motif) if motif else None, **{**COMPLET, **reponses})


def etape(participant, code, debut, fin=None, operation=None):
    return Etape.objects.create(participant=participant, type=TypeEtape.objects.get(code=code), date_debut=debut,
                                date_fin=fin, operation=operation)


def par_code(operation) -> dict:
    return {i["code"]: (i["H"], i["F"]) for i in compter_indicateurs(operation)}


def lire(contenu: bytes):
    archive = zipfile.ZipFile(io.BytesIO(contenu))
    return archive, {nom: archive.read(nom) for nom in archive.namelist()}


def lignes_csv(fichiers, nom) -> list[dict]:
    lignes = list(csv.reader(io.StringIO(fichiers[nom].decode("utf-8-sig")), delimiter=";"))
    return [dict(zip(lignes[0], ligne)) for ligne in lignes[1:]]


@pytest.fixture
def action_2016(structure):
    """Une action de remobilisation 2016 (FSE 2014-2020) : Bilal y vient deux fois, Ana a 55 ans, Chloé y entre en
    emploi (CDDI en cours), Jules n'y passe qu'un jour."""
    operation = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION, date_debut=date(2016, 1, 1),
                                 date_fin=date(2016, 12, 31), type=TypeOperation.objects.get(code="REMOBILISATION"))
    bilal = personne(structure, "Bilal", "H", date(1991, 9, 15), date(2015, 3, 2), situation_entree="DELD",
                     niveau_formation="ISCED_0_2", menage_sans_emploi=True, ressortissant_pays_tiers=True,
                     situation_sortie="FORMATION", qualification_obtenue=False)
    etape(bilal, "ACTION_PLIE", date(2016, 10, 3), date(2016, 10, 14), operation)
    etape(bilal, "ACTION_PLIE", date(2016, 11, 7), date(2016, 11, 25), operation)  # sorti puis revenu
    ana = personne(structure, "Ana", "F", date(1960, 5, 10), date(2016, 2, 1), rqth="oui", origine_etrangere="refus",
                   situation_sortie="EMPLOI", qualification_obtenue=True)
    etape(ana, "ACTION_PLIE", date(2016, 3, 1), date(2016, 6, 30), operation)
    chloe = personne(structure, "Chloé", "F", date(1995, 1, 1), date(2015, 11, 2), situation_entree="INACTIF",
                     niveau_formation="ISCED_0_2", parent_isole=True, enfants_a_charge=True, zone_rurale=True,
                     autre_defavorise="refus")
    etape(chloe, "CDDI", date(2016, 1, 10))
    etape(chloe, "ACTION_PLIE", date(2016, 4, 4), operation=operation)  # sans fin : jusqu'à la fin de l'opération
    jules = personne(structure, "Jules", "H", date(1996, 2, 2), date(2016, 4, 1), rqth="oui")
    etape(jules, "ACTION_PLIE", date(2016, 5, 12), date(2016, 5, 12), operation)  # un jour : pas participant
    return operation


def test_participant_2016_indicateurs_du_programme_2014_2020(action_2016):
    assert action_2016.programme.code == "FSE_2014_2020"
    assert par_code(action_2016) == {
        # Règlement (UE) n° 1304/2013, annexe I, indicateurs communs de réalisation (à l'entrée dans l'opération).
        "CO01": (1, 1),  # CO01 : chômeurs, y compris de longue durée : Bilal (DELD), Ana (DE)
        "CO02": (1, 0),  # CO02 : chômeurs de longue durée : Bilal
        "CO03": (0, 0),  # CO03 : inactifs : Chloé, inactive à l'entrée au PLIE, est en emploi (CDDI) en entrant
        "CO04": (0, 0),  # CO04 : inactifs ne suivant ni enseignement ni formation
        "CO05": (0, 1),  # CO05 : exerçant un emploi à l'entrée dans l'opération : Chloé (CDDI en cours le 04/04/2016)
        "CO06": (0, 1),  # CO06 : moins de 25 ans à l'entrée dans l'opération : Chloé (21 ans) ; Bilal avait 23 ans
                         # à l'entrée au PLIE, mais 25 ans le 03/10/2016
        "CO07": (0, 1),  # CO07 : plus de 54 ans : Ana (55 ans le 01/03/2016)
        "CO08": (0, 1),  # CO08 : plus de 54 ans et chômeurs ou inactifs hors formation : Ana
        "CO09": (1, 1),  # CO09 : CITE 1 ou 2 : Bilal, Chloé
        "CO10": (0, 1),  # CO10 : CITE 3 ou 4 : Ana
        "CO11": (0, 0),  # CO11 : CITE 5 à 8
        "CO12": (1, 0),  # CO12 : ménage sans emploi : Bilal
        "CO13": (0, 0),  # CO13 : ménage sans emploi avec enfants à charge
        "CO14": (0, 1),  # CO14 : un seul adulte avec enfants à charge : Chloé
        "CO15": (1, 0),  # CO15 : migrants, origine étrangère, minorités : Bilal (pays tiers) ; Ana ne souhaite pas
                         # répondre : non comptée
        "CO16": (0, 1),  # CO16 : handicap : Ana (Jules, un seul jour, n'est pas participant)
        "CO17": (0, 0),  # CO17 : autres personnes défavorisées : Chloé ne souhaite pas répondre
        "CO18": (0, 0),  # CO18 : sans domicile
        "CO19": (0, 1),  # CO19 : zones rurales : Chloé
        # Indicateurs communs de résultat immédiat (au terme de la participation : sortis de l'opération).
        "CR01": (0, 0),  # CR01 : inactifs engagés dans la recherche d'emploi
        "CR02": (1, 0),  # CR02 : en formation au terme de leur participation : Bilal
        "CR03": (0, 1),  # CR03 : qualification obtenue : Ana
        "CR04": (0, 1),  # CR04 : en emploi au terme de leur participation : Ana
        "CR05": (1, 1),  # CR05 : défavorisés (Bilal : ménage sans emploi ; Ana : handicap) en formation ou en emploi
    }


def test_participant_2016_une_ligne_par_participant_avec_ses_dates_dans_l_operation(action_2016):
    _, fichiers = lire(export_mdfse(action_2016))
    lignes = {ligne["Prénom"]: ligne for ligne in lignes_csv(fichiers, f"mdfse-{action_2016.code}-participants.csv")}
    assert sorted(lignes) == ["Ana", "Bilal", "Chloé"]  # Bilal une seule fois ; Jules (un jour) absent
    bilal, ana, chloe = lignes["Bilal"], lignes["Ana"], lignes["Chloé"]
    assert (bilal["Date d'entrée dans l'opération"], bilal["Date de sortie de l'opération"],
            bilal["Âge à l'entrée dans l'opération"], bilal["Date d'entrée au PLIE"]) == ("03/10/2016", "25/11/2016", "25", "02/03/2015")
    assert (chloe["Date de sortie de l'opération"], chloe["Situation sur le marché du travail à l'entrée"]) == (
        "31/12/2016", "Personne exerçant un emploi")
    assert (ana["Participant d'origine étrangère"], ana["Participant handicapé"], ana["Situation à la sortie"]) == (
        "Ne souhaite pas répondre", "Oui", "En emploi, y compris indépendant")
    assert ana["Téléphone"] == "06 12 34 56 78"
    indicateurs = lignes_csv(fichiers, f"mdfse-{action_2016.code}-indicateurs.csv")
    assert [i["Code"] for i in indicateurs] == [f"CO{n:02d}" for n in range(1, 20)] + [f"CR{n:02d}" for n in range(1, 6)]
    assert {i["Code"]: i["Type"] for i in indicateurs}["CR04"] == "résultat"


def test_ne_souhaite_pas_repondre_n_est_pas_une_donnee_manquante(action_2016):
    controle = qualite(action_2016)
    assert controle["total"] == 3 and controle["incomplets"] == []  # Ana (origine) et Chloé (désavantage) ont refusé
    Participant.objects.filter(prenom="Ana").update(origine_etrangere="")
    assert [(l["participant"].prenom, l["manques"]) for l in qualite(action_2016)["incomplets"]] == [
        ("Ana", ["origine étrangère"])]


@pytest.fixture
def portage_2022(structure):
    """Un portage de référents 2022 (FSE+ 2021-2027) : Yanis suivi depuis 2021 a 18 ans quand l'opération commence,
    Maria entre en mars et sort en septembre ; Léa ne reste qu'un jour ; Omar est sorti avant l'opération."""
    operation = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION, date_debut=date(2022, 1, 1),
                                 date_fin=date(2022, 12, 31), type=TypeOperation.objects.get(code="PORTAGE_REFERENTS"))
    personne(structure, "Yanis", "H", date(2003, 12, 15), date(2021, 9, 1), situation_entree="INACTIF",
             niveau_formation="ISCED_0_2")
    personne(structure, "Maria", "F", date(1966, 2, 1), date(2022, 3, 14), date(2022, 9, 30), "CDI",
             situation_entree="DELD", ressortissant_pays_tiers=True, origine_etrangere="oui", minorite="refus",
             sans_domicile=True, qpv=Qpv.objects.get(nom="DIJON - Grésilles"), situation_sortie="EMPLOI",
             qualification_obtenue=False)
    personne(structure, "Léa", "F", date(1990, 1, 1), date(2022, 5, 2), date(2022, 5, 2), "DEMANDE_PARTICIPANT")
    personne(structure, "Omar", "H", date(1980, 1, 1), date(2020, 6, 1), date(2021, 12, 20), "CDI")
    return operation


def test_participant_2022_indicateurs_du_programme_2021_2027(portage_2022):
    assert portage_2022.programme.code == "FSEPLUS_2021_2027"
    assert par_code(portage_2022) == {
        # Règlement (UE) 2021/1057, annexe I, point 1.1 (à l'entrée dans l'opération).
        "EECO01": (0, 1),  # EECO01 : chômeurs, y compris de longue durée : Maria
        "EECO02": (0, 1),  # EECO02 : chômeurs de longue durée : Maria
        "EECO03": (1, 0),  # EECO03 : inactifs : Yanis
        "EECO04": (0, 0),  # EECO04 : exerçant un emploi
        "EECO05": (0, 0),  # EECO05 : moins de 18 ans à l'entrée dans l'opération : Yanis avait 17 ans à l'entrée au
                           # PLIE (01/09/2021), mais l'opération commence le 01/01/2022 : il a 18 ans
        "EECO06": (1, 0),  # EECO06 : 18 à 29 ans : Yanis
        "EECO07": (0, 1),  # EECO07 : 55 ans et plus : Maria (56 ans)
        "EECO08": (1, 0),  # EECO08 : CITE 0 à 2 : Yanis
        "EECO09": (0, 1),  # EECO09 : CITE 3 ou 4 : Maria
        "EECO10": (0, 0),  # EECO10 : CITE 5 à 8
        "EECO11": (1, 1),  # EECO11 : nombre total de participants (Léa, un jour, et Omar, sorti avant, exclus)
        # Point 1.2.
        "EECO12": (0, 0),  # EECO12 : handicap
        "EECO13": (0, 1),  # EECO13 : ressortissants de pays tiers : Maria
        "EECO14": (0, 1),  # EECO14 : origine étrangère : Maria
        "EECO15": (0, 0),  # EECO15 : minorités : Maria ne souhaite pas répondre
        "EECO16": (0, 1),  # EECO16 : sans domicile ou exclus du logement : Maria (et non EECO15)
        "EECO17": (0, 0),  # EECO17 : zones rurales ; le QPV de Maria n'est pas un indicateur européen
        # Point 2 : résultats immédiats (sortis de l'opération).
        "EECR01": (0, 0),  # EECR01 : en recherche d'emploi au terme de leur participation
        "EECR02": (0, 0),  # EECR02 : en formation
        "EECR03": (0, 0),  # EECR03 : qualification obtenue
        "EECR04": (0, 1),  # EECR04 : en emploi au terme de leur participation : Maria (Yanis n'est pas sorti du PLIE)
    }


def test_participant_2022_dates_du_portage_et_qpv_a_part(portage_2022):
    _, fichiers = lire(export_mdfse(portage_2022))
    lignes = {ligne["Prénom"]: ligne for ligne in lignes_csv(fichiers, f"mdfse-{portage_2022.code}-participants.csv")}
    assert sorted(lignes) == ["Maria", "Yanis"]
    # Portage : l'entrée dans l'opération est la plus tardive de l'entrée au PLIE et du début de l'opération ; la
    # sortie, celle du PLIE pendant l'opération, sinon la fin de l'opération achevée.
    assert (lignes["Yanis"]["Date d'entrée dans l'opération"], lignes["Yanis"]["Date de sortie de l'opération"]) == (
        "01/01/2022", "31/12/2022")
    assert (lignes["Maria"]["Date d'entrée dans l'opération"], lignes["Maria"]["Date de sortie de l'opération"]) == (
        "14/03/2022", "30/09/2022")
    assert lignes["Maria"]["Résident d'un quartier prioritaire (donnée nationale)"] == "Oui"
    codes = [ligne["Code"] for ligne in lignes_csv(fichiers, f"mdfse-{portage_2022.code}-indicateurs.csv")]
    assert codes == [f"EECO{n:02d}" for n in range(1, 18)] + [f"EECR{n:02d}" for n in range(1, 5)]


def test_un_filtre_inconnu_est_refuse_en_nommant_l_indicateur(portage_2022):
    programme = portage_2022.programme
    programme.indicateurs = [*programme.indicateurs,
                             {"code": "EEXX99", "libelle": "Essai", "type": "realisation", "filtre": {"qpv__nom": "x"}}]
    programme.save()
    with pytest.raises(RegleInconnue, match="Indicateur EEXX99 : « qpv » n'est pas une donnée des participants"):
        compter_indicateurs(portage_2022)


def portage_de(structure, avec_contact: int, sans: int, programme_de=date(2016, 1, 1)):
    operation = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION, date_debut=programme_de,
                                 date_fin=programme_de.replace(month=12, day=31), plan=False,
                                 type=TypeOperation.objects.get(code="PORTAGE_REFERENTS"))
    for rang in range(avec_contact + sans):
        contact = {} if rang < avec_contact else {"telephone": ""}
        if rang == 0:  # un contact désigné suffit
            contact = {"telephone": "", "contact_nom": "Sa sœur", "contact_courriel": "soeur@exemple.fr"}
        personne(structure, f"P{rang}", "HF"[rang % 2], date(1980, 1, 1), programme_de.replace(month=2), **contact)
    return operation


@pytest.mark.parametrize("avec, sans, part, niveau", [
    (18, 2, Decimal("0.1"), ""),  # 2 sur 20 : 10 %, sous le seuil d'alerte (20 %)
    (16, 4, Decimal("0.2"), "alerte"),  # 4 sur 20 : 20 %, le seuil d'alerte du programme
    (13, 7, Decimal("0.35"), "alerte"),  # 7 sur 20 : 35 %, pas au-delà du seuil de correction
    (12, 8, Decimal("0.4"), "correction"),  # 8 sur 20 : 40 %, au-delà de 35 % : correction financière possible
])
def test_part_des_fiches_sans_contact_et_seuils_du_programme(structure, avec, sans, part, niveau):
    # Seuils du programme FSE 2014-2020 (operations/referentiel/programmes.json) : alerte 20 %, correction 35 %.
    contacts = sans_contact(portage_de(structure, avec, sans))
    assert (contacts["total"], contacts["sans_contact"], contacts["part"], contacts["niveau"]) == (20, sans, part, niveau)


def test_le_controle_qualite_de_l_export_alerte_sur_les_contacts(structure, animation, client, porteur):
    operation = portage_de(structure, 7, 3)  # P7, P8 et P9 sans contact : 3 sur 10, 30 %
    client.force_login(animation)
    page = html.unescape(client.get(reverse("justificatifs:mdfse", args=[operation.code])).content.decode())
    assert "3 fiches sans téléphone, courriel ni contact désigné sur 10 (30,0\u00a0%)" in page
    assert "seuil d'alerte du programme FSE 2014-2020 (20\u00a0%)" in page
    assert "au-delà de 35\u00a0%, une correction financière peut être appliquée au contrôle final" in page
    Participant.objects.filter(prenom="P6").update(telephone="")  # une de plus : 4 sur 10
    page = html.unescape(client.get(reverse("justificatifs:mdfse", args=[operation.code])).content.decode())
    assert "4 fiches sans téléphone, courriel ni contact désigné sur 10 (40,0\u00a0%)" in page
    assert "dépasse le seuil de 35\u00a0%" in page


def test_les_fichiers_et_les_colonnes(action_2016):
    Participant.objects.filter(prenom="Bilal").update(nom="=HYPERLINK(\"http://x\")")
    archive, fichiers = lire(export_mdfse(action_2016))
    code = action_2016.code
    assert sorted(fichiers) == sorted([f"mdfse-{code}.xlsx", f"mdfse-{code}-participants.csv",
                                       f"mdfse-{code}-indicateurs.csv", f"mdfse-{code}-depenses.csv"])
    lignes = list(csv.reader(io.StringIO(fichiers[f"mdfse-{code}-participants.csv"].decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == [c["colonne"] for c in referentiel()["colonnes"]]
    # Une cellule qui commence comme une formule est neutralisée, en CSV comme en XLSX.
    assert any(ligne[1] == "'=HYPERLINK(\"http://x\")" for ligne in lignes[1:])
    classeur = load_workbook(io.BytesIO(fichiers[f"mdfse-{code}.xlsx"]))
    assert classeur.sheetnames == ["participants", "indicateurs", "depenses"]
    noms = [ligne[1] for ligne in classeur["participants"].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in noms


def test_la_page_l_export_et_les_droits(action_2016, animation, client, porteur):
    Participant.objects.filter(prenom="Chloé").update(niveau_formation="")
    client.force_login(animation)
    page = client.get(reverse("justificatifs:mdfse", args=[action_2016.code])).content.decode()
    assert "1 fiche incomplète sur 3 (33,3\u00a0%)" in page
    chloe = Participant.objects.get(prenom="Chloé")
    assert reverse("participants:modifier", args=[chloe.pk]) in page and "niveau de formation" in page
    reponse = client.post(reverse("justificatifs:mdfse_export", args=[action_2016.code]))
    assert reponse["Content-Disposition"] == f'attachment; filename="mdfse-{action_2016.code}.zip"'
    page = client.get(reverse("justificatifs:mdfse", args=[action_2016.code])).content.decode()
    assert "Derniers exports" in page and str(animation) in page  # l'export est inscrit au journal
    assert action_2016.exports_mdfse.get().participants == 3
    client.force_login(porteur)
    assert client.post(reverse("justificatifs:mdfse_export", args=[action_2016.code])).status_code == 404


def test_la_commande(action_2016, tmp_path, capsys):
    Participant.objects.filter(prenom="Chloé").update(telephone="")
    sortie = tmp_path / "export.zip"
    call_command("export_mdfse", action_2016.code, "--sortie", str(sortie))
    assert len(zipfile.ZipFile(sortie).namelist()) == 4
    erreurs = capsys.readouterr().err
    assert "1 fiche incomplète sur 3" in erreurs
    assert "1 fiche sans téléphone, courriel ni contact désigné sur 3 (33,3\u00a0%)" in erreurs


def test_un_programme_dont_un_filtre_est_inconnu_ne_s_enregistre_pas(db):
    from django.core.exceptions import ValidationError

    from operations.programmes import Programme

    programme = Programme.objects.get(code="FSE_2014_2020")
    programme.full_clean()  # le référentiel livré se traduit
    programme.indicateurs[5] = {**programme.indicateurs[5], "filtre": {"age_entree_op__environ": 25}}
    with pytest.raises(ValidationError, match="Indicateur CO06 : la comparaison « environ »"):
        programme.full_clean()


def test_le_classeur_relu_valeurs_types_et_caracteres_speciaux(structure):
    """Le classeur relu par openpyxl : chaque cellule de deux participants, calculée à la main, avec son type (date au
    format date, nombre, texte) ; les textes avec &, <, >, guillemets, apostrophes et accents reviennent intacts."""
    operation = OperationFactory(porteur=structure, etat=Etat.EN_REALISATION, date_debut=date(2022, 1, 1),
                                 date_fin=date(2022, 12, 31), type=TypeOperation.objects.get(code="PORTAGE_REFERENTS"))
    zoe = personne(structure, "Zoé", "F", date(1990, 7, 14), date(2021, 6, 1), courriel="",
                   contact_nom='Sa sœur « Aïcha » & <Léo> "dit l\'Ancien"')
    zoe.nom = "O'Brien & <Fils> > Ünal"
    zoe.save()
    jean = personne(structure, "Jean-Luc", "H", date(1970, 3, 1), date(2022, 3, 14), date(2022, 9, 30), "CDI",
                    situation_entree="DELD", beneficiaire_rsa=True, rqth="refus", situation_sortie="EMPLOI",
                    qualification_obtenue=True, qpv=Qpv.objects.get(nom="DIJON - Grésilles"), telephone="")
    jean.nom = "-Ängström"  # commence comme une formule : neutralisé par une apostrophe
    jean.save()
    bilan = Bilan.objects.create(operation=operation, nature=NatureBilan.FINAL, rang=1, debut=operation.date_debut,
                                 fin=operation.date_fin, prepare_par=utilisateur(Role.PORTEUR, structure=structure))
    depense = bilan.depenses.create(categorie=CategorieDepense.values[0], libelle="Salaires d'Édith & <co>",
                                    prevu=Decimal("1234.56"), realise=Decimal("1000.5"))

    archive, fichiers = lire(export_mdfse(operation))
    classeur = load_workbook(io.BytesIO(fichiers[f"mdfse-{operation.code}.xlsx"]))
    assert classeur.sheetnames == ["participants", "indicateurs", "depenses"]
    feuille = classeur["participants"]
    entetes = [c.value for c in feuille[1]]
    assert entetes == [c["colonne"] for c in referentiel()["colonnes"]]
    lignes = {ligne[0].value: dict(zip(entetes, ligne)) for ligne in feuille.iter_rows(min_row=2)}
    assert sorted(lignes) == sorted([jean.identifiant, zoe.identifiant])

    non = "Non"
    # Zoé : entrée au PLIE avant l'opération, elle y entre le 01/01/2022 (31 ans) et en sort à sa fin (achevée).
    attendu_zoe = {
        "Identifiant du participant": zoe.identifiant, "Nom": "O'Brien & <Fils> > Ünal", "Prénom": "Zoé",
        "Sexe": "Femme", "Date de naissance": date(1990, 7, 14), "Téléphone": "06 12 34 56 78", "Courriel": None,
        "Contact désigné": 'Sa sœur « Aïcha » & <Léo> "dit l\'Ancien"', "Téléphone du contact désigné": None,
        "Courriel du contact désigné": None, "Commune de résidence": "Dijon", "Code INSEE": "21231",
        "Date d'entrée dans l'opération": date(2022, 1, 1), "Âge à l'entrée dans l'opération": 31,
        "Situation sur le marché du travail à l'entrée": "Chômeur", "Suit des études ou une formation à l'entrée": non,
        "Niveau d'éducation le plus élevé (CITE)": "CITE 3 et 4", "Bénéficiaire de minima sociaux": non,
        "Ménage sans emploi": non, "Enfants à charge": non, "Parent isolé": non, "Participant handicapé": non,
        "Ressortissant d'un pays tiers": non, "Participant d'origine étrangère": non,
        "Minorité (y compris communautés marginalisées)": non, "Autre personne défavorisée": non,
        "Sans domicile ou exclu du logement": non, "Zone rurale": non,
        "Résident d'un quartier prioritaire (donnée nationale)": non,
        "Date de sortie de l'opération": date(2022, 12, 31), "Situation à la sortie": None,
        "Qualification obtenue": None, "Date d'entrée au PLIE": date(2021, 6, 1), "Date de sortie du PLIE": None,
        "Motif de sortie du PLIE": None, "Sortie positive": None}
    # Jean-Luc : entré le 14/03/2022 à 52 ans, sorti du PLIE (CDI) le 30/09/2022.
    attendu_jean = {
        **attendu_zoe, "Identifiant du participant": jean.identifiant, "Nom": "'-Ängström", "Prénom": "Jean-Luc",
        "Sexe": "Homme", "Date de naissance": date(1970, 3, 1), "Téléphone": None, "Contact désigné": None,
        "Date d'entrée dans l'opération": date(2022, 3, 14), "Âge à l'entrée dans l'opération": 52,
        "Situation sur le marché du travail à l'entrée": "Chômeur de longue durée",
        "Bénéficiaire de minima sociaux": "Oui", "Participant handicapé": "Ne souhaite pas répondre",
        "Résident d'un quartier prioritaire (donnée nationale)": "Oui",
        "Date de sortie de l'opération": date(2022, 9, 30), "Situation à la sortie": "En emploi, y compris indépendant",
        "Qualification obtenue": "Oui", "Date d'entrée au PLIE": date(2022, 3, 14),
        "Date de sortie du PLIE": date(2022, 9, 30), "Motif de sortie du PLIE": MotifSortie.objects.get(code="CDI").libelle,
        "Sortie positive": "Emploi"}
    for cellules, attendu in ((lignes[zoe.identifiant], attendu_zoe), (lignes[jean.identifiant], attendu_jean)):
        # openpyxl relit une date de classeur en date et heure (minuit).
        assert {entete: c.value.date() if c.is_date else c.value for entete, c in cellules.items()} == attendu
        for entete, valeur in attendu.items():
            cellule = cellules[entete]
            if isinstance(valeur, date):
                assert (cellule.is_date, cellule.number_format) == (True, "yyyy-mm-dd"), entete  # un nombre de jours
            elif isinstance(valeur, int):
                assert (cellule.data_type, type(cellule.value)) == ("n", int), entete
            elif valeur is not None:
                assert cellule.data_type == "s", entete

    indicateurs = list(classeur["indicateurs"].iter_rows(values_only=True))
    assert indicateurs[0] == ("Code", "Indicateur", "Type", "Hommes", "Femmes", "Total")
    assert {ligne[0]: ligne[3:] for ligne in indicateurs[1:]}["EECO11"] == (1, 1, 2)  # nombres, pas des textes
    depenses = list(classeur["depenses"].iter_rows(values_only=True))
    assert depenses == [
        ("Bilan", "Catégorie", "Dépense", "Prévu (€)", "Déclaré (€)", "Décision du contrôle", "Retenu (€)"),
        ("Bilan final", depense.get_categorie_display(), "Salaires d'Édith & <co>", 1234.56,
         1000.5, None, None)]


def test_le_classeur_ecrit_chaque_type_et_retire_les_caracteres_interdits_en_xml():
    from justificatifs.xlsx import classeur

    contenu = classeur({"feuille « 1 » & <2>": (["Texte", "Booléen", "Nombre", "Montant", "Date et heure", "Vide"], [
        ["  espaces gardés  ", True, 1.5, Decimal("18044.30"), datetime(2020, 1, 2, 3, 4, 5), ""],
        ["bip\x07 et tabulation\t", False, -3, Decimal("0.10"), datetime(2020, 1, 2), None]])})
    feuille = load_workbook(io.BytesIO(contenu))["feuille « 1 » & <2>"]
    assert list(feuille.iter_rows(min_row=2, values_only=True)) == [
        ("  espaces gardés  ", True, 1.5, 18044.3, datetime(2020, 1, 2, 3, 4, 5), None),
        ("bip et tabulation\t", False, -3, 0.1, datetime(2020, 1, 2), None)]
    assert feuille["E2"].number_format == "yyyy-mm-dd h:mm:ss"
