"""L'import des extractions selon docs/specs/import-participants.md : l'exemple importe, les variantes réelles
(séparateur, BOM, dates françaises, XLSX, en-têtes accentués) aussi ; une erreur refuse tout, avec sa ligne et sa
colonne ; un second import met à jour sans doublon."""
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from participants.importation import ImportRefuse, analyser, importer
from participants.models import Etape, ImportParticipants, Participant

EXEMPLE = Path(__file__).resolve().parent / "exemple"  # copie de shared/specs/exemple (LISEZMOI.md)
ENTETE = ("identifiant;nom;prenom;sexe;date_naissance;commune;qpv;prescripteur;referent;structure_referent;"
          "date_entree;date_sortie;motif_sortie;situation_entree;niveau_formation;beneficiaire_rsa")
LIGNE = "P1;Durand;Éloïse;F;12/03/1980;CHENÔVE;CHENÔVE - Le Mail;POLE_EMPLOI;;;01/02/2016;;;DELD;ISCED_3_4;O"


def csv(*lignes, entete=ENTETE, bom=True) -> tuple[str, bytes]:
    texte = "\r\n".join([entete, *lignes]) + "\r\n"
    return "participants.csv", (b"\xef\xbb\xbf" if bom else b"") + texte.encode("utf-8")


def test_l_exemple_de_la_spec_importe(db):
    fichiers = [(f.name, f.read_bytes()) for f in (EXEMPLE / "participants.csv", EXEMPLE / "etapes.csv")]
    trace = importer(analyser(*fichiers))
    assert trace.participants_crees == Participant.objects.count() == 638
    assert trace.etapes_creees == Etape.objects.count() == 631
    # Réimporter la même extraction : rien de créé, rien de modifié.
    second = importer(analyser(*fichiers))
    assert (second.participants_crees, second.participants_modifies, second.participants_inchanges) == (0, 0, 638)
    assert (second.etapes_creees, second.etapes_modifiees, second.etapes_inchangees) == (0, 0, 631)
    assert ImportParticipants.objects.count() == 2
    # Une étape dont les heures changent dans l'extraction suivante est mise à jour, pas dupliquée.
    nom, etapes = fichiers[1]
    troisieme = importer(analyser(fichiers[0], (nom, etapes.replace(b"P000005,CDDI,2017-04-08,,,452.9",
                                                                    b"P000005,CDDI,2017-04-08,,,460"))))
    assert (troisieme.etapes_creees, troisieme.etapes_modifiees, troisieme.etapes_inchangees) == (0, 1, 630)
    assert str(Etape.objects.get(participant__identifiant="P000005", type__code="CDDI").heures) == "460.00"


def test_variantes_reelles_point_virgule_bom_dates_francaises_entetes_accentues(db):
    entete = ENTETE.replace("prenom", "Prénom").replace("date_naissance", " Date Naissance ").upper()
    importer(analyser(csv(LIGNE, entete=entete)))
    p = Participant.objects.get(identifiant="P1")
    assert (p.prenom, p.commune.nom, p.qpv.nom, p.date_naissance.isoformat()) == (
        "Éloïse", "Chenôve", "CHENÔVE - Le Mail", "1980-03-12")
    assert p.beneficiaire_rsa is True and p.rqth == "" and p.situation_entree == "DELD"


def test_un_classeur_xlsx_importe(db):
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    for ligne in [ENTETE.split(";"), LIGNE.split(";")]:
        feuille.append(ligne)
    sortie = io.BytesIO()
    classeur.save(sortie)
    trace = importer(analyser(("extraction.xlsx", sortie.getvalue())))
    assert trace.participants_crees == 1 and Participant.objects.get().nom == "Durand"


def test_les_fins_de_ligne_mac_et_une_ligne_courte_se_lisent(db):
    # Un ancien tableur Mac termine ses lignes par \r seul ; une ligne qui s'arrête avant la dernière colonne
    # a ses cellules manquantes vides.
    courte = LIGNE.replace("P1;", "P2;").rsplit(";", 3)[0]
    contenu = "\r".join([ENTETE, LIGNE, courte]).encode("utf-8")
    analyse = analyser(("mac.csv", contenu))
    assert analyse.participants["P2"]["niveau_formation"] == "" and analyse.participants["P1"]["beneficiaire_rsa"]


def test_une_mise_a_jour_ne_change_que_ce_qui_a_change(db):
    importer(analyser(csv(LIGNE, LIGNE.replace("P1;Durand", "P2;Martin"))))
    sortie = LIGNE.replace(";01/02/2016;;;", ";01/02/2016;30/06/2017;CDI;")
    trace = importer(analyser(csv(sortie, LIGNE.replace("P1;Durand", "P2;Martin"))))
    assert (trace.participants_crees, trace.participants_modifies, trace.participants_inchanges) == (0, 1, 1)
    assert Participant.objects.get(identifiant="P1").motif_sortie.code == "CDI"


@pytest.mark.parametrize(("ligne", "attendu"), [
    (LIGNE.replace("CHENÔVE;CHENÔVE - Le Mail", "Beaune;"), "ligne 3, colonne commune : « Beaune » n'est pas une commune du territoire"),
    (LIGNE.replace("12/03/1980", "31/02/1980"), "ligne 3, colonne date_naissance : « 31/02/1980 » n'est pas une date qui existe."),
    (LIGNE.replace(";F;", ";X;"), "ligne 3, colonne sexe : « X » n'est pas un sexe"),
    (LIGNE.replace(";01/02/2016;;;", ";01/02/2016;30/06/2017;;"), "ligne 3, colonne motif_sortie : valeur obligatoire manquante."),
    (LIGNE.replace(";01/02/2016;;;", ";01/02/2016;;CDI;"), "ligne 3, colonne date_sortie : un motif de sortie est donné sans date de sortie."),
    (LIGNE.replace("POLE_EMPLOI", "ANPE"), "ligne 3, colonne prescripteur : « ANPE » n'est pas un prescripteur connu."),
    (LIGNE.replace(";O", ";peut-être"), "ligne 3, colonne beneficiaire_rsa : « peut-être » n'est pas reconnu"),
])
def test_une_erreur_refuse_tout_avec_sa_ligne_et_sa_colonne(db, ligne, attendu):
    with pytest.raises(ImportRefuse) as refus:  # la ligne 2 est correcte : elle n'est pas écrite non plus
        importer(analyser(csv(LIGNE.replace("P1;", "P0;"), ligne)))
    assert any(str(e).startswith(f"participants.csv, {attendu}") for e in refus.value.erreurs), refus.value.erreurs
    assert not Participant.objects.exists() and not ImportParticipants.objects.exists()


def test_colonne_obligatoire_absente_doublon_et_encodage(db):
    with pytest.raises(ImportRefuse, match="colonne\\(s\\) obligatoire\\(s\\) absente\\(s\\) : date_entree"):
        analyser(csv(LIGNE, entete=ENTETE.replace("date_entree", "entree_le")))
    with pytest.raises(ImportRefuse, match="ligne 3, colonne identifiant : « P1 » apparaît déjà plus haut"):
        analyser(csv(LIGNE, LIGNE))
    with pytest.raises(ImportRefuse, match="n'est pas en UTF-8"):
        analyser(("participants.csv", "\n".join([ENTETE, LIGNE]).encode("latin-1")))


def test_une_etape_d_un_participant_inconnu_refuse_l_import(db):
    etapes = ("etapes.csv", "identifiant_participant,type_etape,date_debut,heures\nP9,INTERIM,2017-01-02,35,5\n".encode())
    with pytest.raises(ImportRefuse) as refus:
        analyser(csv(LIGNE), etapes)
    assert [str(e) for e in refus.value.erreurs] == [
        "etapes.csv, ligne 2, colonne identifiant_participant : « P9 » n'est ni dans le fichier des participants "
        "ni déjà importé."]


def test_la_commande_importe_ou_refuse_avec_code_de_sortie(db, tmp_path, capsys):
    bon, mauvais = tmp_path / "bon.csv", tmp_path / "mauvais.csv"
    bon.write_bytes(csv(LIGNE)[1])
    mauvais.write_bytes(csv(LIGNE.replace("CHENÔVE;CHENÔVE - Le Mail", "Beaune;"))[1])
    call_command("import_participants", str(bon))
    assert "Participants : 1 créé(s)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as sortie:
        call_command("import_participants", str(mauvais))
    assert sortie.value.code == 1
    assert "ligne 2, colonne commune" in capsys.readouterr().err
    assert Participant.objects.count() == 1


def test_les_colonnes_facultatives_du_questionnaire_fse_et_des_coordonnees(db):
    # Colonnes ajoutées au format (docs/specs/import-participants.md) : facultatives, « ne souhaite pas répondre » accepté
    # pour les questions sensibles, téléphone écrit d'une seule façon.
    entete = ENTETE + (";rqth;origine_etrangere;minorite;ressortissant_pays_tiers;zone_rurale;telephone;courriel;"
                       "contact_nom;contact_telephone;situation_sortie")
    importer(analyser(csv(LIGNE + ";Ne souhaite pas répondre;N;NSP;O;non;+33 6 12 34 56 78;;Sa sœur;03.80.12.34.56;",
                          entete=entete)))
    p = Participant.objects.get(identifiant="P1")
    assert (p.rqth, p.origine_etrangere, p.minorite, p.ressortissant_pays_tiers, p.zone_rurale) == (
        "refus", "non", "refus", True, False)
    assert (p.telephone, p.courriel, p.contact_nom, p.contact_telephone) == (
        "06 12 34 56 78", "", "Sa sœur", "03 80 12 34 56")
    # L'extraction suivante, sans ces colonnes, n'efface pas ce que le fichier précédent (ou un référent) a écrit.
    second = importer(analyser(csv(LIGNE)))
    p.refresh_from_db()
    assert (second.participants_inchanges, p.telephone, p.origine_etrangere) == (1, "06 12 34 56 78", "non")


def test_un_telephone_ou_une_reponse_illisible_refuse_l_import_avec_sa_ligne(db):
    entete = ENTETE + ";telephone;origine_etrangere"
    with pytest.raises(ImportRefuse) as refus:
        analyser(csv(LIGNE + ";06 12;peut-être", entete=entete))
    assert [str(e) for e in refus.value.erreurs] == [
        "participants.csv, ligne 2, colonne origine_etrangere : « peut-être » n'est pas reconnu (attendu O ou N, oui "
        "ou non, 1 ou 0, « ne souhaite pas répondre », ou vide).",
        "participants.csv, ligne 2, colonne telephone : « 06 12 » n'est pas un numéro français à dix chiffres "
        "(06 12 34 56 78)."]
