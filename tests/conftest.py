"""Set-up for the end-to-end tests under ``tests/`` (browser tests in ``tests/browser/``).

Playwright's sync API runs an asyncio event loop in the test thread; Django refuses ORM calls
from a thread with a running loop unless told that this is safe. Test set-up (creating
subjects and users through actions) runs in that thread while the browser is open, so the
tests allow it here. Never set this in a deployment.
"""

from __future__ import annotations

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
