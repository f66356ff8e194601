"""Le rapport de contrôle de service fait en Word et la validation du contrôle qui le produit : au-dessus de
controle.py, dont il lit les décisions et le calcul du FSE dû (controle.py ne l'importe pas). Ses variables sont
documentées pour les administrateurs (templates/docx/README.md)."""
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from annuaire.formats import euros
from operations.documents import declarer_modele, document_generer
from operations.programmes import mention_de
from operations.workflow import ActionRefusee

from .calcul import ARRONDI
from .controle import (
    calcul_du_bilan, controles_participants, csf_a_ecrire, csf_de, decisions_courantes, exiger_en_controle,
    exiger_gestionnaire, manques_du_controle, taux_du_bilan,
)
from .documents import contexte_bilan_sans_calculs
from .models import Bilan, ControleServiceFait, ObjetControleParticipant
from .services import bilan_transition

RAPPORT_CSF = declarer_modele("rapport_csf", "rapport_csf.docx", "Rapport de contrôle de service fait", {
    "bilan": "le bilan contrôlé : titre, rang, debut, fin (dates)",
    "operation": "l'opération : code, intitule, type, date_debut, date_fin (dates)",
    "porteur": "la structure porteuse : nom, adresse, commune, representant",
    "controle": ("le contrôle : methode (texte : exhaustif, ou échantillon avec sa taille et sa graine), regime (libellé "
                 "de l'option de coûts simplifiés de la convention, lu dans le programme), article (la source de cette "
                 "option), valide_par, valide_le (JJ/MM/AAAA à HH:MM)"),
    "taux": ("d'où vient le taux du FSE dû : convention (numéro), version (numéro de la version en vigueur pour la "
             "période), avenant (« avenant n° 1 PLIE-AAAA-NNN-A1 signé le JJ/MM/AAAA », vide pour la version 1), "
             "montant_fse (€, FSE conventionné), cout_total (€, coût total éligible conventionné), taux (fraction, "
             "à écrire avec |pourcentage(2)), origine (la phrase complète)"),
    "demande": "la demande d'origine, pour mémoire : montant_fse (€), cout_total (€), taux (fraction)",
    "lignes": ("chaque dépense déclarée (liste : categorie, libelle, declare, controlee (oui/non), decision, retenu, "
               "rejete, motif, commentaire)"),
    "totaux": "declare, retenu (contrôlé, et extrapolé s'il y a lieu), rejete",
    "rejets": "les écarts par motif (liste : motif, nombre, montant)",
    "calcul": ("le FSE dû : etapes (liste de phrases : l'arithmétique complète, chaque arrondi compris), forfait, "
               "eligible, fse_calcule, fse_du, avance, solde, taux_erreur (fraction, vide sans échantillon), arrondi "
               "(la règle d'arrondi, en clair)"),
    "sorties": "les preuves de sorties positives contrôlées (liste : participant, motif, conforme (oui/non), commentaire)",
    "presences": "les séances émargées contrôlées (liste : seance, conforme (oui/non), commentaire)",
})


def contexte_rapport_csf(bilan: Bilan) -> dict:
    csf, courantes, operation = csf_de(bilan), decisions_courantes(bilan), bilan.operation
    calcul, taux = calcul_du_bilan(bilan), taux_du_bilan(bilan)
    lignes, rejets = [], {}
    for d in bilan.depenses.all():
        c = courantes.get(d.pk) if not csf.par_echantillon or d.pk in csf.echantillon else None
        declare = d.realise or Decimal(0)
        lignes.append({"categorie": d.get_categorie_display(), "libelle": d.libelle, "declare": declare,
                       "controlee": "oui" if c else "non", "decision": c.get_decision_display() if c else "hors échantillon",
                       "retenu": c.montant_retenu if c else None, "rejete": declare - c.montant_retenu if c else None,
                       "motif": str(c.motif) if c and c.motif else "", "commentaire": c.commentaire if c else ""})
        if c and c.motif:
            ligne = rejets.setdefault(str(c.motif), {"motif": str(c.motif), "nombre": 0, "montant": Decimal(0)})
            ligne["nombre"] += 1
            ligne["montant"] += declare - c.montant_retenu
    option = taux.convention.option_couts
    methode = (f"échantillon de {len(csf.echantillon)} dépense(s) sur {len(lignes)}, tiré avec la graine {csf.graine}"
               if csf.par_echantillon else f"exhaustif : les {len(lignes)} dépenses")
    participants = controles_participants(bilan)
    valide_le = timezone.localtime(csf.valide_le) if csf.valide_le else None
    return {
        **contexte_bilan_sans_calculs(bilan),
        "mention_fse": mention_de([operation.programme]),
        "controle": {"methode": methode, "regime": option.libelle, "article": option.article,
                     "valide_par": csf.valide_par.get_full_name() if csf.valide_par else "",
                     "valide_le": f"{valide_le:%d/%m/%Y à %H:%M}" if valide_le else ""},
        "taux": {"convention": taux.convention.numero, "version": taux.version.numero,
                 "avenant": (f"avenant n° {taux.avenant.rang} {taux.avenant.numero} signé le {taux.depuis:%d/%m/%Y}"
                             if taux.avenant else ""),
                 "montant_fse": taux.montant_fse, "cout_total": taux.cout_total, "taux": taux.taux,
                 "origine": taux.origine},
        "demande": {"montant_fse": operation.montant_fse_demande, "cout_total": operation.cout_total_demande,
                    "taux": operation.taux_fse_demande},
        "lignes": lignes,
        "totaux": {"declare": calcul.declare, "retenu": calcul.retenu_direct, "rejete": calcul.rejete},
        "rejets": sorted(rejets.values(), key=lambda r: -r["montant"]),
        "calcul": {"etapes": calcul.etapes, "forfait": calcul.forfait, "eligible": calcul.eligible,
                   "fse_calcule": calcul.fse_calcule, "fse_du": calcul.fse_du, "avance": calcul.avance,
                   "solde": calcul.solde, "taux_erreur": calcul.taux_erreur,
                   "arrondi": f"chaque montant calculé est arrondi une fois, {ARRONDI} ; le taux FSE ne l'est pas"},
        "sorties": [{"participant": f"{c.participant.nom.upper()} {c.participant.prenom}",
                     "motif": str(c.participant.motif_sortie or ""), "conforme": "oui" if c.conforme else "non",
                     "commentaire": c.commentaire}
                    for (objet, _), c in participants.items() if objet == ObjetControleParticipant.SORTIE_POSITIVE],
        "presences": [{"seance": f"{c.seance.date:%d/%m/%Y}, {c.seance.get_demi_journee_display().lower()}",
                       "conforme": "oui" if c.conforme else "non", "commentaire": c.commentaire}
                      for (objet, _), c in participants.items() if objet == ObjetControleParticipant.PRESENCE],
    }


def csf_valider(*, bilan: Bilan, user):
    """Valide le contrôle : le rapport est produit et gardé, le bilan passe à « contrôlé » (et l'opération le suit)."""
    exiger_gestionnaire(bilan, user, "Valider le contrôle")
    exiger_en_controle(bilan)
    manques = manques_du_controle(bilan)
    if manques:
        raise ActionRefusee("Le contrôle ne peut pas encore être validé : " + " ".join(manques))
    with transaction.atomic():
        csf = ControleServiceFait.objects.select_for_update().get(pk=csf_a_ecrire(bilan).pk)
        csf.valide_par, csf.valide_le = user, timezone.now()
        csf.save(update_fields=["valide_par", "valide_le"])
        bilan.csf = csf
        bilan_transition(bilan=bilan, nom="controler", user=user,
                         motivation=f"Contrôle de service fait validé : FSE dû {euros(calcul_du_bilan(bilan).fse_du)}.")
        document = document_generer(objet=bilan, nature="rapport_csf", contexte=contexte_rapport_csf(bilan),
                                    nom=f"rapport-csf-{bilan.operation.code}-{bilan.rang}.docx", user=user)
    return document
