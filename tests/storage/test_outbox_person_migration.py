"""Migration 0013 gives outbox rows from before it their person: from the key, the channel, the payload or the
message an edit edits; channel posts stay for no one."""

from datetime import UTC, date, datetime

from sqlalchemy import text

from storage.db import make_engine, upgrade

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
ROWS = {  # key: (channel, edits_key, payload, the person it is for: None for no one)
    "survey:3:2": ("D0REP", None, "{}", "rep"),
    "survey:3:2:edit:2026-11-30T09:00:00+00:00:abc": ("D0REP", "survey:3:2", "{}", "rep"),
    "reminder:3:2:1": ("D0REP", None, "{}", "rep"),
    "results:3:1:chart": (None, None, "{}", "mgr"),
    "digest:1:2026-W48": ("D0MGR", None, "{}", "mgr"),
    "pack:1:1:2026-11:2026-11-30": (None, None, "{}", "mgr"),
    "1on1:7:2026-12-01:reminder:2": ("D0REP", None, "{}", "rep"),
    "1on1:7:2026-12-01:outcome": ("D0MGR", None, "{}", "mgr"),
    "1on1:7:2026-12-01:outcome:edit:none>held:-": ("D0MGR", "1on1:7:2026-12-01:outcome", "{}", "mgr"),
    "home:UREP:0123456789abcdef": (None, None, "{}", "rep"),
    "kudos:4:dm:2": ("D0REP", None, "{}", "rep"),
    "kudos:4:C0KUDOS": ("C0KUDOS", None, "{}", None),
    "view:trigger-1": (None, None, '{"trigger_id": "trigger-1", "_for": "UMGR"}', "mgr"),
    "pulse-created:5": ("UMGR", None, "{}", "mgr"),
    "team-summary:3": ("C0TEAM", None, "{}", None),
}


def test_rows_from_before_0013_get_the_person_they_were_for(database_url):
    engine = make_engine(database_url)
    upgrade(engine, "0011")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO team (id, name, locale) VALUES (1, 'Hunters', 'en')"))
        for pid, slack, role, manager in ((1, "UMGR", "manager", None), (2, "UREP", "rep", 1)):
            conn.execute(text("INSERT INTO person (id, email, name, team_id, manager_id, role, slack_id, tz, locale, "
                              "active) VALUES (:id, :email, :name, 1, :manager, :role, :slack, 'UTC', 'en', true)"),
                         {"id": pid, "email": f"{slack.lower()}@example.com", "name": slack, "manager": manager,
                          "role": role, "slack": slack})
        conn.execute(text("INSERT INTO one_on_one (id, manager_id, rep_id, cadence, weekday, at, anchor, updated_at) "
                          "VALUES (7, 1, 2, 'weekly', 1, '09:00', :anchor, :now)"),
                     {"anchor": date(2026, 11, 24), "now": NOW})
        for key, (channel, edits_key, payload, _) in ROWS.items():
            conn.execute(text("INSERT INTO outbox (key, method, payload, edits_key, status, attempts, available_at, "
                              "channel, created_at) VALUES (:key, 'chat.postMessage', :payload, :edits, 'sent', 1, "
                              ":now, :channel, :now)"),
                         {"key": key, "payload": payload, "edits": edits_key, "now": NOW, "channel": channel})
    upgrade(engine)
    with engine.connect() as conn:
        found = {key: person for key, person in conn.execute(text("SELECT key, person_id FROM outbox"))}
    engine.dispose()
    ids = {"mgr": 1, "rep": 2, None: None}
    assert found == {key: ids[who] for key, (*_, who) in ROWS.items()}
