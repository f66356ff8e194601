"""La distribution des tests entre les processus de pytest-xdist (`make test`), avec des tests qui tournent seuls.

Un test `exclusif` touche un service que tous les processus partagent (il redémarre PostgreSQL) : il passe à la fin,
quand un seul processus reste, les autres arrêtés. Un processus de pytest-xdist garde son dernier test reçu sans le
lancer tant qu'il ne sait pas lequel suit : « n'a plus rien en cours » ne suffit pas, on attend qu'il soit parti.
"""
from xdist.scheduler import LoadGroupScheduling


class OrdonnanceurAvecExclusifs(LoadGroupScheduling):
    """Comme `--dist loadgroup`, sauf le groupe `groupe_exclusif`, donné en dernier au seul processus restant."""

    def __init__(self, config, log, groupe_exclusif: str):
        super().__init__(config, log)
        self.groupe_exclusif = groupe_exclusif
        self.elu = None  # le processus qui lancera le groupe exclusif

    def _reste_seulement_l_exclusif(self) -> bool:
        return list(self.workqueue) == [self.groupe_exclusif]

    def _assign_work_unit(self, node):
        if self._reste_seulement_l_exclusif():
            return  # pas encore : _reschedule le donnera quand ce processus sera seul
        if self.groupe_exclusif in self.workqueue:
            self.workqueue.move_to_end(self.groupe_exclusif)
        super()._assign_work_unit(node)

    def _reschedule(self, node):
        if node.shutting_down or not self._reste_seulement_l_exclusif():
            return super()._reschedule(node)
        if self._pending_of(self.assigned_work[node]) > 1:
            return  # encore du travail ici ; on y reviendra au test suivant
        if self.elu is None:
            self.elu = node
        if node is not self.elu:
            node.shutdown()  # il finit son dernier test et s'en va
        elif len(self.assigned_work) == 1:
            super()._assign_work_unit(node)  # seul : le groupe exclusif, puis l'arrêt quand il est fini

    def remove_node(self, node):
        crashitem = super().remove_node(node)
        if self.elu is node:
            self.elu = None
        for restant in self.nodes:
            self._reschedule(restant)
        return crashitem
