import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.appels_projets.factories import PDF


@pytest.fixture
def pdf_signe():
    """Un exemplaire signé scanné (PDF minimal reconnu par son contenu)."""
    def fabriquer(nom="exemplaire-signe.pdf", contenu=PDF):
        return SimpleUploadedFile(nom, contenu)
    return fabriquer
