"""Every table in one metadata: each feature's models and slack_sdk's OAuth tables, for Alembic and whole-database work.

Import `metadata` from here, never from storage.models (which holds only the survey and outbox tables).
"""

from __future__ import annotations

from storage import competitors, installations, intel, models, templates  # noqa: F401
from storage.complaints import models as complaint_models  # noqa: F401
from storage.crm import models as crm_models  # noqa: F401
from storage.followups import models as followup_models  # noqa: F401
from storage.models import Base
from storage.recognition import models as recognition_models  # noqa: F401

metadata = Base.metadata
