"""Recognition settings: the CRM webhook's shared secret and the weekly kudos cap, refused with one clear line."""

import pytest

from bot.settings import Settings, SettingsError

BASE = {"DATABASE_URL": "sqlite:///x.db"}


def test_the_webhook_is_off_and_the_cap_is_five_by_default():
    settings = Settings.from_env(BASE)
    assert settings.webhook_secret is None and settings.kudos_cap == 5


def test_a_webhook_secret_must_be_long_enough_and_is_never_echoed():
    assert Settings.from_env({**BASE, "SALESCOACH_WEBHOOK_SECRET": " " + "a" * 32 + " "}).webhook_secret == "a" * 32
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({**BASE, "SALESCOACH_WEBHOOK_SECRET": "hunter2"})
    assert str(refused.value) == ("SALESCOACH_WEBHOOK_SECRET is '***': expected a shared secret of at least 16 "
                                  "characters, e.g. from `openssl rand -hex 32`")


@pytest.mark.parametrize(("value", "cap"), [("3", 3), ("100", 100), ("0", None), ("none", None), ("", 5)])
def test_the_kudos_cap_is_a_whole_number_or_none(value, cap):
    assert Settings.from_env({**BASE, "SALESCOACH_KUDOS_CAP": value}).kudos_cap == cap


def test_a_bad_kudos_cap_names_the_variable_and_what_is_allowed():
    with pytest.raises(SettingsError, match="SALESCOACH_KUDOS_CAP is 'lots': expected a whole number from 1 to 100"):
        Settings.from_env({**BASE, "SALESCOACH_KUDOS_CAP": "lots"})
