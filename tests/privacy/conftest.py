import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image


@pytest.fixture
def stored_png():
    """An image in storage, as an upload leaves it: returns its storage name."""

    def make(name="posts/2026/12/red-square.png", colour=(200, 30, 30)):
        data = io.BytesIO()
        Image.new("RGB", (24, 16), colour).save(data, "PNG")
        return default_storage.save(name, ContentFile(data.getvalue()))

    return make
