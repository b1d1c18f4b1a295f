"""How large an import file may be (rows, columns, cells, a cell, an .xlsx's parts), checked before its rows are
allocated; beyond, one line (ShapeError). An .xlsx's cell references are scanned first: calamine allocates a
sheet's whole span, so one cell at XFD1048576 would ask for 512 GiB and abort the process."""

from __future__ import annotations

import contextlib
import posixpath
import queue
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

MAX_COLUMNS = 16_384  # Excel's widest sheet (column XFD)
MAX_CELL_CHARS = 32_767  # Excel's longest cell
DEFAULT_MAX_ROWS = 1_000_000  # SALESCOACH_IMPORT_MAX_ROWS
CELLS_PER_ROW = 20  # a file may span rows x columns up to the row limit times this (~40 bytes a cell in memory)
XML_BYTES_PER_CELL = 100  # an .xlsx may unpack to this much per cell allowed (its XML takes ~50)...
MIN_UNPACKED = 16 * 1024 * 1024  # ...or to this, whichever is more (styles and themes take some)
MAX_RATIO = 100  # a part may unpack to at most this many times its packed size (real sheets: 9-25x)
RATIO_FROM = 1024 * 1024  # ...once it unpacks to more than this
MAX_PARTS = 10_000
CHUNK = 1024 * 1024
AHEAD = 4  # chunks a helper thread inflates ahead of the scan
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
REF = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,7})([0-9]{1,12})"')


class ShapeError(Exception):
    """The file is beyond what an import takes; the message is one line: file, place, what is allowed."""


@dataclass(frozen=True)
class Limits:
    rows: int = DEFAULT_MAX_ROWS

    @property
    def cells(self) -> int:
        return self.rows * CELLS_PER_ROW

    @property
    def unpacked(self) -> int:
        return max(self.cells * XML_BYTES_PER_CELL, MIN_UNPACKED)

    def too_many_rows(self, file: str, reach: int | None = None) -> ShapeError:
        found = f"reaches row {reach:,}" if reach else f"more than {self.rows + 1:,} rows"
        return ShapeError(f"{file}: {found}; expected a header and at most {self.rows:,} rows of data "
                          "(SALESCOACH_IMPORT_MAX_ROWS); split the file")

    def too_many_columns(self, place: str, columns: int) -> ShapeError:
        return ShapeError(f"{place}: {columns:,} columns; expected at most {MAX_COLUMNS:,} (as in Excel)")

    def too_many_cells(self, file: str, rows: int, columns: int) -> ShapeError:
        return ShapeError(f"{file}: spans {rows:,} rows x {columns:,} columns = {rows * columns:,} cells; "
                          f"expected at most {self.cells:,} ({CELLS_PER_ROW} for each row SALESCOACH_IMPORT_MAX_ROWS "
                          "allows); drop the columns you do not import")

    def cell_too_long(self, place: str, chars: int, *, at_least: bool = False) -> ShapeError:
        size = f"{'more than ' if at_least else ''}{chars:,} characters"
        return ShapeError(f"{place}: {size} in one cell; expected at most {MAX_CELL_CHARS:,} (as in Excel)")


DEFAULT_LIMITS = Limits()


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letter(number: int) -> str:
    """The letters of the number-th column (1 is A, 27 is AA), as openpyxl's get_column_letter, without loading
    openpyxl (and numpy with it: about 0.3 s and 20 MiB) to name a cell."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_xlsx(path: Path, file: str, *, sheet: str | None, limits: Limits) -> None:
    """Raise ShapeError when the workbook unpacks beyond the limits, lies about its sizes, or its sheet reaches
    beyond them. A file that is not a zip is left to the reader, which says so."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        parts = archive.infolist()
        _check_directory(file, parts, limits)
        target = _sheet_part(archive, sheet)
        try:
            for part in parts:
                if part.filename == target or (target is None and part.filename.startswith("xl/worksheets/")):
                    reach = _reach(archive, part, limits)
                    if reach is not None:
                        _check_reach(file, *reach, limits)
                else:
                    _inflate(archive, part)
        except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
            raise ShapeError(f"{file}: a damaged .xlsx ({exc}); expected a workbook saved by Excel or a CRM") \
                from None


def _check_directory(file: str, parts: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(parts) > MAX_PARTS:
        raise ShapeError(f"{file}: {len(parts):,} parts in the .xlsx; expected at most {MAX_PARTS:,}")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.unpacked:
        raise ShapeError(f"{file}: unpacks to {unpacked:,} bytes; expected at most {limits.unpacked:,} "
                         f"({XML_BYTES_PER_CELL} per cell SALESCOACH_IMPORT_MAX_ROWS allows, or 16 MiB)")
    for part in parts:
        if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            ratio = part.file_size // max(part.compress_size, 1)
            raise ShapeError(f"{file}: {part.filename} unpacks to {ratio:,} times its packed size; expected at "
                             f"most {MAX_RATIO} times (is it a zip bomb?)")


def _sheet_part(archive: zipfile.ZipFile, sheet: str | None) -> str | None:
    """The part name of the sheet the reader will read (the first, or the one named); None when it cannot be
    told, and then every worksheet is scanned."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, ValueError):
        return None
    sheets = [s for s in book.iter(f"{MAIN}sheet") if sheet is None or s.get("name") == sheet]
    if not sheets:
        return None
    wanted = sheets[0].get(R_ID)
    target = next((r.get("Target") for r in rels.iter(f"{RELS}Relationship") if r.get("Id") == wanted), None)
    if not target:
        return None
    name = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return name if name in archive.namelist() else None


def _chunks(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part inflated a MiB at a time; zipfile stops at its declared size and checks its CRC. A large part is
    inflated by a helper thread a few MiB ahead of the scan that reads it (zlib lets go of the GIL meanwhile)."""
    if part.file_size <= AHEAD * CHUNK:
        with archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                yield chunk
        return
    ahead: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=AHEAD)
    stop = threading.Event()

    def inflate() -> None:
        try:
            with archive.open(part) as stream:
                while not stop.is_set() and (chunk := stream.read(CHUNK)):
                    ahead.put(chunk)
            ahead.put(None)
        except BaseException as exc:  # handed to the scan, which raises it
            ahead.put(exc)

    helper = threading.Thread(target=inflate, name="xlsx-inflate", daemon=True)
    helper.start()
    try:
        while (item := ahead.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:  # the scan may stop early: let the helper finish its chunk in hand and go
        stop.set()
        while helper.is_alive():
            with contextlib.suppress(queue.Empty):
                ahead.get(timeout=0.05)
        helper.join()


def _inflate(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    for _ in _chunks(archive, part):
        pass


def _reach(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: Limits) -> tuple[int, int] | None:
    """None when every cell starts with r="REF" (as Excel and openpyxl write) within the columns of the first MiB's
    widest row and the rows the limits allow for that width: one pass, at regex speed. Otherwise how many rows
    and columns the cells reach from A1, from the exact, slower scan."""
    beyond: re.Pattern[bytes] | None = None
    tail = b""
    for chunk in _chunks(archive, part):
        data = tail + chunk
        cut = data.rfind(b"<")  # the tag cut by the chunk's end waits for the next chunk (searched up to cut)
        cut, tail = (cut, data[cut:]) if cut >= 0 else (len(data), b"")
        if beyond is None:
            found = {c for c, _ in REF.findall(data, 0, cut)}
            columns = max((column_number(c.decode()) for c in found), default=0)
            if not 0 < columns <= MAX_COLUMNS:
                return _exact_reach(archive, part)
            rows = min(limits.rows + 1, limits.cells // columns)
            beyond = re.compile(rb'<c(?=[\s/>])(?!\sr="(?:' + _up_to_letters(columns) + rb')(?:'
                                + _up_to_number(rows) + rb')")')
        if beyond.search(data, 0, cut):
            return _exact_reach(archive, part)
    if beyond is None or beyond.search(tail + b" "):
        return _exact_reach(archive, part)
    return None


def _exact_reach(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> tuple[int, int]:
    """Every row and cell tag, placed as calamine places them (a tag without r= follows the one before)."""
    tags = re.compile(rb'<(row|c)(?=[\s/>])([^>]*)>')
    attribute = re.compile(rb'\br="([A-Z]*)([0-9]*)"')
    row = column = rows = columns = 0
    tail = b""
    for chunk in _chunks(archive, part):
        data = tail + chunk
        cut = data.rfind(b"<")
        data, tail = (data[:cut], data[cut:]) if cut >= 0 else (data, b"")
        for tag in tags.finditer(data):
            ref = attribute.search(tag[2])
            if tag[1] == b"row":
                row, column = (int(ref[2]) if ref and ref[2] else row + 1), 0
                continue
            if ref and ref[1] and ref[2]:
                row, column = int(ref[2]), column_number(ref[1].decode())
            else:
                column += 1
            rows, columns = max(rows, row), max(columns, column)
    return rows, columns


def _check_reach(file: str, rows: int, columns: int, limits: Limits) -> None:
    if columns > MAX_COLUMNS:
        raise limits.too_many_columns(file, columns)
    if rows - 1 > limits.rows:
        raise limits.too_many_rows(file, rows)
    if rows * columns > limits.cells:
        raise limits.too_many_cells(file, rows, columns)


def _up_to_number(high: int) -> bytes:
    """A regex for the decimal numbers 1..high, without leading zeros."""
    digits = str(high)
    options = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(digit) > low:
            options.append(f"{digits[:i]}[{low}-{int(digit) - 1}][0-9]{{{len(digits) - i - 1}}}")
    options.append(digits)
    return "|".join(options).encode()


def _up_to_letters(high: int) -> bytes:
    """A regex for the column letters A..(the high-th column)."""
    letters = column_letter(high)
    options = [f"[A-Z]{{1,{len(letters) - 1}}}"] if len(letters) > 1 else []
    for i, letter in enumerate(letters):
        if letter > "A":
            options.append(f"{letters[:i]}[A-{chr(ord(letter) - 1)}][A-Z]{{{len(letters) - i - 1}}}")
    options.append(letters)
    return "|".join(options).encode()
