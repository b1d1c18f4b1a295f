"""Every table in one metadata: each feature's models and slack_sdk's OAuth tables, for Alembic and whole-database work.

Import `metadata` from here, never from storage.models (which holds only the survey and outbox tables).
"""

from __future__ import annotations

from storage import crm_models, installations, models, nudge_models, recognition_models, templates  # noqa: F401
from storage.models import Base

metadata = Base.metadata
