"""Every Slack id in one place: slash commands, events, action_ids and callback_ids.

app_manifest.yml must list exactly these (tests/test_manifest.py checks both ways).
"""

import re

# Slash commands
CMD_PULSE = "/pulse"
CMD_ENPS = "/enps"
CMD_COACH = "/coach"
CMD_KUDOS = "/kudos"
CMD_WIN = "/win"
CMD_ONEONONE = "/oneonone"
CMD_LANGUAGE = "/language"
CMD_INTEL = "/intel"
CMD_COMPLAINT = "/complaint"

# Events API
EVENT_APP_HOME_OPENED = "app_home_opened"
EVENT_USER_CHANGE = "user_change"
EVENT_TEAM_JOIN = "team_join"
EVENT_REACTION_ADDED = "reaction_added"  # counted on intel posts only
EVENT_REACTION_REMOVED = "reaction_removed"

# Block actions (action_id prefixes end with ":")
ACTION_SURVEY_ANSWER = "survey_answer"
ACTION_SURVEY_ANSWER_RE = re.compile(r"^survey_answer:")
ACTION_SURVEY_COMMENT = "survey_comment"
ACTION_SURVEY_OPEN = "survey_open"
ACTION_COACH_PACK = "coach_pack"
ACTION_KUDOS_OPEN = "kudos_open"  # the App Home button
ACTION_WIN_OPEN = "win_open"  # App Home: log a win
ACTION_PULSE_NEW = "pulse_new"  # App Home (admins, managers): the create-survey modal
ACTION_LANGUAGE = "home_language"  # App Home: the person's language (or Slack's)
ACTION_NUDGE = "nudge"  # nudge:done|snooze|mute:{deal id}, on each deal of a follow-up nudge
ACTION_NUDGE_RE = re.compile(r"^nudge:(done|snooze|mute):")
ACTION_NUDGE_ACCOUNT = "nudge_account"  # nudge_account:done|snooze|mute:{account id}, on an account of the nudge DM
ACTION_NUDGE_ACCOUNT_RE = re.compile(r"^nudge_account:(done|snooze|mute):")
ACTION_ONEONONE_OUTCOME = "oneonone_outcome"  # oneonone_outcome:held|moved|skipped|moved_to
ACTION_ONEONONE_OUTCOME_RE = re.compile(r"^oneonone_outcome:")
ACTION_ONEONONE_ITEM_DONE = "oneonone_item_done"  # oneonone_item_done:{item id}
ACTION_ONEONONE_ITEM_DONE_RE = re.compile(r"^oneonone_item_done:")
ACTION_ONEONONE_ADD = "oneonone_add"
ACTION_ASK_HELP = "ask_help"  # ask_help:{deal id}: "Need help" on a deal of the nudge DM or App Home
ACTION_ASK_HELP_RE = re.compile(r"^ask_help:")
ACTION_ASK_ANSWER = "ask_answer"  # ask_answer:reply|agenda|join, in the manager's DM about an ask
ACTION_ASK_ANSWER_RE = re.compile(r"^ask_answer:(reply|agenda|join)$")
ACTION_FOCUS_CHOOSE = "focus_choose"  # under a round's results: the manager picks one theme to act on
ACTION_FOCUS_DONE = "focus_done"  # App Home and the focus reminder: the action is done
ACTION_LOSS_REASON = "loss_reason"  # loss_reason:{reason}, value the deal id: the owner says why a deal was lost
ACTION_LOSS_REASON_RE = re.compile(r"^loss_reason:[a-z_]+$")
ACTION_LOSS_DETAILS = "loss_details"  # value the deal id: the modal with the competitor and a note
ACTION_COMPLAINT = "complaint"  # complaint:resolve|snooze, in the owner's DM about a complaint
ACTION_COMPLAINT_RE = re.compile(r"^complaint:(resolve|snooze)$")

# View callbacks
VIEW_PULSE_CREATE = "pulse_create"
VIEW_SURVEY_COMMENT = "survey_comment_view"
VIEW_SURVEY_ANSWERS = "survey_answers_view"
VIEW_KUDOS = "kudos_view"
VIEW_WIN = "win_view"
VIEW_ONEONONE_ADD = "oneonone_add_view"
VIEW_ASK_HELP = "ask_help_view"
VIEW_ASK_REPLY = "ask_reply_view"
VIEW_FOCUS = "focus_view"
VIEW_LOSS_DETAILS = "loss_details_view"
VIEW_INTEL = "intel_view"
VIEW_COMPLAINT = "complaint_view"

# Global shortcuts (callback_ids)
SHORTCUT_KUDOS = "kudos_shortcut"
SHORTCUT_INTEL = "intel_shortcut"

COMMANDS = (CMD_PULSE, CMD_ENPS, CMD_COACH, CMD_KUDOS, CMD_WIN, CMD_ONEONONE, CMD_LANGUAGE, CMD_INTEL, CMD_COMPLAINT)
EVENTS = (EVENT_APP_HOME_OPENED, EVENT_USER_CHANGE, EVENT_TEAM_JOIN, EVENT_REACTION_ADDED, EVENT_REACTION_REMOVED)
SHORTCUTS = (SHORTCUT_KUDOS, SHORTCUT_INTEL)
BOT_SCOPES = ("chat:write", "chat:write.public", "commands", "files:write", "im:history", "im:write", "reactions:read",
              "users:read", "users:read.email")
