"""Every Slack id in one place: slash commands, events, action_ids and callback_ids.

app_manifest.yml must list exactly these (tests/test_manifest.py checks both ways).
"""

import re

# Slash commands
CMD_PULSE = "/pulse"
CMD_ENPS = "/enps"
CMD_COACH = "/coach"

# Events API
EVENT_APP_HOME_OPENED = "app_home_opened"
EVENT_USER_CHANGE = "user_change"
EVENT_TEAM_JOIN = "team_join"

# Block actions (action_id prefixes end with ":")
ACTION_SURVEY_ANSWER = "survey_answer"
ACTION_SURVEY_ANSWER_RE = re.compile(r"^survey_answer:")
ACTION_SURVEY_COMMENT = "survey_comment"
ACTION_SURVEY_OPEN = "survey_open"
ACTION_COACH_PACK = "coach_pack"

# View callbacks
VIEW_PULSE_CREATE = "pulse_create"
VIEW_SURVEY_COMMENT = "survey_comment_view"
VIEW_SURVEY_ANSWERS = "survey_answers_view"

COMMANDS = (CMD_PULSE, CMD_ENPS, CMD_COACH)
EVENTS = (EVENT_APP_HOME_OPENED, EVENT_USER_CHANGE, EVENT_TEAM_JOIN)
BOT_SCOPES = ("chat:write", "chat:write.public", "commands", "files:write", "im:history", "im:write", "users:read",
              "users:read.email")
