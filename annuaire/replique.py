"""Les lectures lourdes sur une réplique PostgreSQL en lecture (docs/deploiement.md, « Faire grandir ») : quand
`DATABASE_LECTURE_URL` déclare la base `lecture`, le rapport d'activité y lit ses chiffres ; sans elle, tout reste sur
la base principale.

Seules les lectures faites dans `lectures_sur_la_replique()` y vont : le reste de l'application lit ce qu'elle vient
d'écrire, ce qu'une réplique, en léger retard, ne garantit pas. Une lecture dans une transaction ouverte sur la base
principale reste sur celle-ci (elle doit voir ce que la transaction a écrit)."""
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, transaction

LECTURE = "lecture"
_sur_la_replique: ContextVar[bool] = ContextVar("sur_la_replique", default=False)


@contextmanager
def lectures_sur_la_replique():
    jeton = _sur_la_replique.set(LECTURE in connections.settings and not transaction.get_connection().in_atomic_block)
    try:
        yield
    finally:
        _sur_la_replique.reset(jeton)


class RouteurDesLectures:
    """`DATABASE_ROUTERS` : la réplique pour les lectures demandées dans `lectures_sur_la_replique()`, jamais pour une
    écriture ni une migration."""

    def db_for_read(self, model, **hints):
        return LECTURE if _sur_la_replique.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # la réplique est une copie de la base principale : mêmes lignes

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != LECTURE
