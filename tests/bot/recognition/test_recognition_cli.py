"""The admin's recognition commands: company values, a team's recognition channel, and the .xlsx export with
numbers as numbers and dates as dates."""

from datetime import UTC, datetime

import pytest
from conftest import seed_team
from openpyxl import load_workbook

from bot.cli.main import main
from coaching.recognition.wins import LoggedWin, check_webhook_deal
from storage.db import make_engine, make_sessions
from storage.recognition.models import TeamRecognition
from storage.recognition.repository import RecognitionRepository

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def sessions(cli_database):
    engine = make_engine(cli_database)
    factory = make_sessions(engine)
    with factory.begin() as s:
        seed_team(s, reps=3)
    yield factory
    engine.dispose()


def test_values_start_from_the_defaults_and_can_be_added_described_and_retired(sessions, capsys):
    assert main(["values", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("#customer-first")
    assert main(["values", "add", "Speed To Lead", "--description", "We call back within the hour."]) == 0
    assert capsys.readouterr().out.strip() == "#speed-to-lead: We call back within the hour."
    assert main(["values", "remove", "grit"]) == 0
    assert capsys.readouterr().out.strip() == "#grit is retired; new kudos cannot use it"
    assert main(["values", "list"]) == 0
    listing = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert listing["#speed-to-lead"].endswith("We call back within the hour.")
    assert listing["#grit"].endswith("(retired)") and not listing["#teamwork"].endswith("(retired)")


def test_refused_value_names_and_unknown_values_exit_1_with_one_line(sessions, capsys):
    assert main(["values", "add", "!!"]) == 1
    assert capsys.readouterr().err.strip().startswith("salescoach: '!!' cannot name a value")
    assert main(["values", "remove", "hustle"]) == 1
    assert capsys.readouterr().err.strip().startswith("salescoach: #hustle is not a company value")


def test_a_team_recognition_channel_is_set_checked_and_cleared(sessions, capsys):
    assert main(["team", "recognition-channel", "hunters", "C0WINS001"]) == 0
    assert capsys.readouterr().out.strip() == "hunters: recognition goes to C0WINS001"
    assert main(["team", "recognition-channel", "Hunters", "wins"]) == 1
    assert "is not a Slack channel id" in capsys.readouterr().err
    assert main(["team", "recognition-channel", "Farmers", "C0WINS001"]) == 1
    assert main(["team", "recognition-channel", "Hunters", "none"]) == 0
    with sessions.begin() as s:
        assert s.query(TeamRecognition.channel_id).scalar() is None


def test_export_recognition_writes_kudos_wins_and_a_leaderboard_with_typed_cells(sessions, tmp_path, capsys):
    with sessions.begin() as s:
        repo = RecognitionRepository(s)
        people = repo.colleagues_by_slack(["UMGR", "UREP0", "UREP1"])
        repo.add_kudos(key="k1", giver_id=people["UMGR"].person_id, receiver_ids=[people["UREP0"].person_id,
                       people["UREP1"].person_id], value="teamwork", message="=SUM(A1) &amp; more", now=NOW)
        repo.add_logged_win(rep_id=people["UREP1"].person_id, win=LoggedWin("Hooli", 1200.0, None), origin="v1",
                            now=NOW)
        repo.apply_webhook_deal(check_webhook_deal({"external_id": "D-1", "owner": "rep0@example.com",
                                                    "stage": "won", "account": "Acme", "amount": 48000.5,
                                                    "engaged_on": "2026-10-13", "closed_on": "2026-11-22"}), now=NOW)
    out = tmp_path / "recognition.xlsx"
    assert main(["export", "recognition", "--team", "Hunters", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"{out}: 1 kudos, 2 win(s), 4 people"
    book = load_workbook(out)
    assert book.sheetnames == ["Kudos", "Wins", "Leaderboard"]
    kudos = list(book["Kudos"].iter_rows(min_row=2, values_only=True))
    assert kudos == [(datetime(2026, 11, 23, 9, 0), "Maria Manager", "Rep 0", "Hunters", "#teamwork",
                      "=SUM(A1) & more"),
                     (datetime(2026, 11, 23, 9, 0), "Maria Manager", "Rep 1", "Hunters", "#teamwork",
                      "=SUM(A1) & more")]
    assert book["Kudos"]["F2"].data_type == "s"  # a message is never a formula
    wins = {row[9] or row[4]: row for row in book["Wins"].iter_rows(min_row=2, values_only=True)}
    assert wins["D-1"][:8] == (datetime(2026, 11, 22), datetime(2026, 11, 23, 9, 0), "Rep 0", "Hunters", "Acme",
                               48000.5, "USD", 40)
    assert wins["Hooli"][8] == "logged" and wins["Hooli"][7] is None
    board = [row for row in book["Leaderboard"].iter_rows(min_row=2, values_only=True)]
    assert board[:2] == [("Rep 0", "Hunters", 1, 0, 1, 48000.5), ("Rep 1", "Hunters", 1, 0, 1, 0)]
    assert ("Maria Manager", "Hunters", 0, 1, 0, 0) in board
    assert book["Wins"]["A2"].is_date and book["Wins"]["F2"].number_format == "#,##0.00"
    later = tmp_path / "recognition-later.xlsx"  # an --out that exists is refused
    assert main(["export", "recognition", "--out", str(later), "--since", "2026-11-24"]) == 0
    assert capsys.readouterr().out.strip() == f"{later}: 0 kudos, 0 win(s), 4 people"
    assert main(["export", "recognition", "--out", str(tmp_path / "r3.xlsx"), "--since", "soon"]) == 2
