from __future__ import annotations

import pytest

from care.router.detect import MessageLanguageDetector


@pytest.fixture(scope="session")
def detector() -> MessageLanguageDetector:
    # Built once, as a worker builds it: lingua's models take about a second to load.
    return MessageLanguageDetector()
