"""Qui voit quelles opérations : `Operation.objects.visible_to(user)` et le compteur de la page d'accueil."""
import pytest
from django.contrib.auth.models import AnonymousUser

from annuaire.formats import euros
from annuaire.roles import Role
from operations.models import Operation
from operations.options import Etat
from operations.selectors import compte_par_etat, operation_list, operations_en_attente
from tests.factories import OperationFactory, utilisateur

pytestmark = pytest.mark.django_db

E = Etat
# Ce qu'un membre de comité voit : ce qui lui a été soumis (instruit) et tout ce qui en découle.
VUS_PAR_LE_COMITE = {
    E.INSTRUITE, E.PROGRAMMEE, E.AJOURNEE, E.REJETEE, E.CONVENTIONNEE, E.EN_REALISATION,
    E.BILAN_DEPOSE, E.BILAN_A_CORRIGER, E.BILAN_CONTROLE, E.SOLDEE,
}


@pytest.fixture
def parc(structure, autre_structure):
    """Une opération par état pour chacune des deux structures."""
    return {
        (porteur, etat): OperationFactory(porteur=porteur, etat=etat, plan=False)
        for porteur in (structure, autre_structure)
        for etat in Etat.values
    }


def visibles(user):
    return {(op.porteur, op.etat) for op in Operation.objects.visible_to(user)}


def test_le_porteur_voit_toutes_les_operations_de_sa_structure_et_seulement_elles(parc, structure, porteur, porteur_autre):
    assert visibles(porteur) == {(structure, etat) for etat in Etat.values}
    assert not {cle for cle in visibles(porteur_autre) if cle[0] == structure}


def test_le_referent_voit_les_operations_de_sa_structure(parc, structure, referent):
    assert visibles(referent) == {(structure, etat) for etat in Etat.values}


def test_un_porteur_sans_structure_ne_voit_rien(parc):
    assert visibles(utilisateur(Role.PORTEUR, structure=None)) == set()


def test_un_brouillon_n_est_visible_que_de_sa_structure(parc, structure, autre_structure, utilisateurs, porteur_autre):
    brouillon = parc[(structure, E.BROUILLON)]
    for role, user in utilisateurs.items():
        attendu = role in (Role.PORTEUR, Role.REFERENT)
        assert Operation.objects.visible_to(user).filter(pk=brouillon.pk).exists() is attendu, role
    assert not Operation.objects.visible_to(porteur_autre).filter(pk=brouillon.pk).exists()


def test_le_comite_ne_voit_que_ce_qui_a_ete_instruit(parc, structure, autre_structure, comite):
    assert visibles(comite) == {(s, etat) for s in (structure, autre_structure) for etat in VUS_PAR_LE_COMITE}


@pytest.mark.parametrize("role", [Role.ANIMATION, Role.GESTIONNAIRE, Role.ADMINISTRATEUR])
def test_l_animation_et_la_gestion_voient_tout_sauf_les_brouillons(role, parc, structure, autre_structure):
    attendu = {(s, etat) for s in (structure, autre_structure) for etat in Etat.values if etat != E.BROUILLON}
    assert visibles(utilisateur(role)) == attendu


def test_un_anonyme_ou_un_compte_sans_role_ne_voit_rien(parc, sans_role):
    assert visibles(AnonymousUser()) == set()
    assert visibles(sans_role) == set()


def test_les_roles_cumules_additionnent_leurs_vues(parc, structure, autre_structure):
    porteur_au_comite = utilisateur([Role.PORTEUR, Role.COMITE], structure=structure)
    attendu = {(structure, etat) for etat in Etat.values} | {(autre_structure, e) for e in VUS_PAR_LE_COMITE}
    assert visibles(porteur_au_comite) == attendu


def test_la_liste_et_les_compteurs_passent_par_la_meme_porte(parc, structure, porteur):
    assert {op.porteur for op in operation_list(user=porteur)} == {structure}
    assert compte_par_etat(user=porteur) == {etat: 1 for etat in Etat.values}


def test_la_liste_calcule_le_cout_total_et_le_fse_demande(structure, porteur):
    OperationFactory(porteur=structure)
    ligne = operation_list(user=porteur).get()
    assert euros(ligne.cout_total) == "18\u202f044,30\u00a0€"
    assert euros(ligne.fse_demande) == "9\u202f022,15\u00a0€"


# --- « En attente de vous » : les opérations dont la prochaine étape revient à l'utilisateur ---

def en_attente(user):
    return {ligne["etat"]: ligne["nombre"] for ligne in operations_en_attente(user=user)}


@pytest.fixture
def file_d_attente(structure, autre_structure):
    """Plusieurs opérations par état, pour vérifier les comptes."""
    repartition = {
        E.BROUILLON: 2, E.DEPOSEE: 3, E.INCOMPLETE: 1, E.RECEVABLE: 1, E.AJOURNEE: 1, E.INSTRUITE: 2,
        E.PROGRAMMEE: 1, E.CONVENTIONNEE: 1, E.EN_REALISATION: 2, E.BILAN_DEPOSE: 2, E.BILAN_A_CORRIGER: 1,
        E.BILAN_CONTROLE: 1, E.SOLDEE: 4, E.IRRECEVABLE: 1,
    }
    for etat, nombre in repartition.items():
        for porteur in (structure, autre_structure):
            for _ in range(nombre):
                OperationFactory(porteur=porteur, etat=etat, plan=False)
    return repartition


def test_en_attente_de_l_animation(file_d_attente, animation):
    n = file_d_attente
    assert en_attente(animation) == {
        E.DEPOSEE: 2 * n[E.DEPOSEE], E.RECEVABLE: 2 * n[E.RECEVABLE], E.AJOURNEE: 2 * n[E.AJOURNEE],
        E.PROGRAMMEE: 2 * n[E.PROGRAMMEE], E.CONVENTIONNEE: 2 * n[E.CONVENTIONNEE],
    }


def test_en_attente_du_porteur_ne_compte_que_sa_structure(file_d_attente, porteur):
    n = file_d_attente
    assert en_attente(porteur) == {
        E.BROUILLON: n[E.BROUILLON], E.INCOMPLETE: n[E.INCOMPLETE], E.CONVENTIONNEE: n[E.CONVENTIONNEE],
        E.EN_REALISATION: n[E.EN_REALISATION], E.BILAN_A_CORRIGER: n[E.BILAN_A_CORRIGER],
    }


def test_en_attente_du_comite_et_du_gestionnaire(file_d_attente, comite, gestionnaire):
    n = file_d_attente
    assert en_attente(comite) == {E.INSTRUITE: 2 * n[E.INSTRUITE]}
    assert en_attente(gestionnaire) == {E.BILAN_DEPOSE: 2 * n[E.BILAN_DEPOSE], E.BILAN_CONTROLE: 2 * n[E.BILAN_CONTROLE]}


def test_en_attente_dit_quoi_faire(file_d_attente, gestionnaire):
    lignes = {ligne["etat"]: ligne for ligne in operations_en_attente(user=gestionnaire)}
    bilan = lignes[E.BILAN_DEPOSE]
    assert bilan["libelle"] == "Bilan déposé"
    assert set(bilan["actions"]) == {"Renvoyer le bilan pour correction", "Valider le contrôle du bilan"}


def test_rien_en_attente_pour_qui_n_a_pas_de_transition(file_d_attente, referent, administrateur, sans_role):
    assert operations_en_attente(user=referent) == []
    assert operations_en_attente(user=administrateur) == []
    assert operations_en_attente(user=sans_role) == []
