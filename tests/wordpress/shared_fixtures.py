"""Where WordPress's importer test files are: ../shared/wxr beside the project (never copied in).

WXR_FIXTURES names another folder, for a checkout that does not sit beside ../shared.
"""

import os
from pathlib import Path

from django.conf import settings

SHARED_WXR = Path(os.environ.get("WXR_FIXTURES") or Path(settings.BASE_DIR).parent / "shared" / "wxr")
