"""Follow-up nudges and one-on-ones over SQL: holds, the nudge log, pairs, meetings and agendas (the NudgeStore
and OneOnOneStore ports). May import storage.models, storage.crm and the coaching domain."""
