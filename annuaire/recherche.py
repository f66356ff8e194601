"""La recherche qui pardonne : sans accents ni casse ni séparateurs (« helene » trouve « Hélène », « chenove » trouve
« CHENÔVE », « op2017005 » trouve « OP-2017-005 »), à l'identique sur PostgreSQL et SQLite.

Un seul helper : `cle_de_recherche` (Python) et `Cle` (la même fonction dans la base) appliquent la même table de
caractères (`normalisation.TABLE`) ; `contient(champs, texte)` cherche chaque mot dans l'un des champs. La base ne
reçoit jamais que la table : PostgreSQL l'applique avec `translate()` (sans extension à installer), SQLite avec la
fonction Python enregistrée sur chaque connexion (`enregistrer_sur_sqlite`). Une recherche « contient » ne se sert pas
d'un index B-tree : les volumes d'un PLIE (quelques milliers de fiches) se lisent en entier en quelques millisecondes.
"""
from django.db.models import CharField, Func, Q, Value
from django.db.models.lookups import Contains

from .normalisation import A_SUPPRIMER, LIGATURES, TABLE_SIMPLE, cle_de_recherche

NOM_SQLITE = "plie_cle_de_recherche"


class Cle(Func):
    """La clé de recherche d'une colonne ou d'une expression, calculée par la base."""

    output_field = CharField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function=NOM_SQLITE, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        de, vers = "".join(TABLE_SIMPLE) + A_SUPPRIMER, "".join(TABLE_SIMPLE.values())
        sql = f"translate(COALESCE(({sql})::text, ''), %s, %s)"
        params = (*params, de, vers)
        for ligature, remplacement in LIGATURES.items():
            sql = f"replace({sql}, %s, %s)"
            params = (*params, ligature, remplacement)
        return sql, params

    def as_sql(self, compiler, connection, **extra):  # pragma: no cover - seules SQLite et PostgreSQL sont servies
        raise NotImplementedError(f"Recherche sans accents non prévue pour {connection.vendor}.")


def contient(champs: list[str], texte: str) -> Q:
    """Chaque mot du texte se trouve dans l'un des champs (sans accents, casse ni séparateurs). Texte vide : tout."""
    condition = Q()
    for mot in (texte or "").split():
        cle = cle_de_recherche(mot)
        if cle:
            un_des_champs = Q()
            for champ in champs:
                un_des_champs |= Q(Contains(Cle(champ), Value(cle)))
            condition &= un_des_champs
    return condition


def enregistrer_sur_sqlite(sender, connection, **kwargs):
    """Récepteur de `connection_created` : la fonction `Cle` sur chaque connexion SQLite."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(NOM_SQLITE, 1, cle_de_recherche, deterministic=True)
