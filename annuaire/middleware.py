from .plies import SESSION


class PlieChoisi:
    """Relit le PLIE choisi dans le sélecteur (session) : `plies_de` ne le retient que s'il est accessible."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            request.user.plie_choisi_id = request.session.get(SESSION)
        return self.get_response(request)
