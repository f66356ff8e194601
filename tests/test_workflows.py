"""Les machines à états se lisent en un seul endroit : docs/workflows.md (diagrammes générés), `manage.py workflows`,
et la fiche d'une opération qui montre, pour une action bloquée, les mêmes conditions que le diagramme."""
import html
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from annuaire.roles import Role
from operations.models import LigneRessource
from operations.options import Etat
from tests.factories import OperationFactory, utilisateur

DOCUMENT = Path(settings.BASE_DIR) / "docs" / "workflows.md"


def _sortie(*args) -> str:
    sortie = StringIO()
    call_command("workflows", *args, stdout=sortie)
    return sortie.getvalue()


def test_le_document_des_machines_a_etats_est_a_jour():
    assert DOCUMENT.read_text(encoding="utf-8") == _sortie("--markdown"), (
        "docs/workflows.md n'est plus à jour : relancez « manage.py workflows --markdown > docs/workflows.md ».")


def test_chaque_machine_et_chaque_condition_de_chaque_app_y_figure():
    texte = _sortie()
    for titre in ["Opération (operations.Operation", "Appel à projets (", "Comité (", "Convention (", "Avenant (",
                  "Bilan d'exécution (", "Entrée dans le PLIE (", "Proposition de sortie ("]:
        assert titre in texte
    # Une condition que déclare une app de plus haut niveau apparaît sous la transition qu'elle garde, avec son module.
    depot = texte.split("Brouillon → Déposée : « Déposer la demande » (Porteur de projet)")[1].split("\n  Déposée")[0]
    assert "si : Les ressources équilibrent les dépenses. [operations.models]" in depot
    assert "si : Une réponse à un appel se dépose avant sa date limite. [appels_projets.regles]" in depot
    solde = texte.split("Bilan contrôlé → Soldée : « Solder » (Gestionnaire FSE)")[1].split("\n  ")[1]
    assert "[justificatifs.regles]" in solde


@pytest.mark.django_db
def test_la_fiche_montre_pour_une_action_bloquee_les_conditions_du_diagramme(client):
    porteur = utilisateur(Role.PORTEUR)
    operation = OperationFactory(porteur=porteur.structure, etat=Etat.BROUILLON)
    LigneRessource.objects.filter(operation=operation, financeur__code="METROPOLE").delete()
    client.force_login(porteur)
    page = html.unescape(client.get(reverse("operations:fiche", args=[operation.code])).content.decode())
    bloc = page.split('id="raisons-deposer"')[1].split("</ul>")[0]
    # Remplies : énoncées comme dans le diagramme ; à remplir : la raison précise.
    assert "Remplie : </span>Au moins un objectif est renseigné." in bloc
    assert "Remplie : </span>Une ressource FSE est demandée." in bloc
    assert "À remplir : </span>Les ressources (9\u202f022,15\u00a0€) n'équilibrent pas les dépenses" in bloc
    for ligne in _sortie().split("Brouillon → Déposée : « Déposer la demande »")[1].split("\n  Déposée")[0].splitlines()[1:]:
        libelle = ligne.split("si : ")[1].rsplit(" [", 1)[0]
        if "équilibrent" not in libelle and "date limite" not in libelle:
            assert libelle in bloc


def test_une_seule_vue_tire_les_transitions_de_toutes_les_machines():
    from django.urls import get_resolver

    vues = {motif.name: motif.callback for motif in _motifs(get_resolver()) if "transition" in (motif.name or "")}
    assert {"transition", "transition_comite", "transition_avenant"} <= set(vues)
    assert {vue.__qualname__ for vue in vues.values()} == {"vue_de_transition.<locals>.transition"}


def _motifs(resolveur):
    for motif in resolveur.url_patterns:
        yield from (_motifs(motif) if hasattr(motif, "url_patterns") else [motif])


@pytest.mark.django_db
def test_une_motivation_hors_format_est_refusee_en_nommant_le_champ_et_rien_n_est_ecrit(client):
    animation = utilisateur(Role.ANIMATION)
    operation = OperationFactory(etat=Etat.DEPOSEE)
    client.force_login(animation)
    reponse = client.post(reverse("operations:transition", args=[operation.code, "demander_complements"]),
                          {"motivation": "x" * 5001}, follow=True)
    assert "Motivation : Assurez-vous que cette valeur comporte au plus 5000 caractères" in html.unescape(
        reponse.content.decode())
    operation.refresh_from_db()
    assert operation.etat == Etat.DEPOSEE
