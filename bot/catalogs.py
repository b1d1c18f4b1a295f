"""Developer tool: extract every user-facing string into bot/locales and keep each catalog in step.

Run `python -m bot.catalogs` after changing user-facing text; tests fail when a catalog lacks a message.
"""

from __future__ import annotations

import copy
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.i18n import LOCALES_DIR, SUPPORTED

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None}
SOURCES = ("bot", "surveys", "coaching")


def extract() -> Catalog:
    catalog = Catalog(project="salescoach", version="1", charset="utf-8", fuzzy=False)
    for folder in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS,
        ):
            if "slack_double" in filename:
                continue
            catalog.add(message, locations=[(f"{folder}/{filename}", lineno)], auto_comments=comments,
                        context=context)
    return catalog


def update() -> None:
    template = extract()
    with (LOCALES_DIR / "messages.pot").open("wb") as f:
        write_po(f, template, omit_header=False, width=110)
    for language in SUPPORTED:
        po_path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            if language != "en":
                continue
            po_path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=language, project="salescoach", charset="utf-8")
        else:
            with po_path.open("rb") as f:
                catalog = read_po(f, locale=language)
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)  # Babel reuses the messages otherwise
        catalog.fuzzy = False
        if language == "en":  # English text is the msgid; the English catalog mirrors it
            for message in catalog:
                if message.id:
                    message.string = message.id
        with po_path.open("wb") as f:
            write_po(f, catalog, width=110, ignore_obsolete=True)


if __name__ == "__main__":
    update()
