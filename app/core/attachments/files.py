"""What a file is, judged by its bytes, and a file name safe to show and offer on download."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype


@dataclass(frozen=True)
class FileType:
    """One allowed type: its label, MIME type, accepted name extensions, shown inline or not."""

    label: str
    mime: str
    extensions: tuple[str, ...]
    inline: bool


#: The allow-list. A file is accepted only if its content is one of these and its name agrees.
ALLOWED_TYPES: dict[str, FileType] = {
    "pdf": FileType("PDF", "application/pdf", (".pdf",), inline=True),
    "jpg": FileType("JPG", "image/jpeg", (".jpg", ".jpeg"), inline=True),
    "png": FileType("PNG", "image/png", (".png",), inline=True),
    "tif": FileType("TIF", "image/tiff", (".tif", ".tiff"), inline=True),
    "docx": FileType(
        "DOCX",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        inline=False,
    ),
    "xlsx": FileType(
        "XLSX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
        inline=False,
    ),
    "odt": FileType("ODT", "application/vnd.oasis.opendocument.text", (".odt",), inline=False),
}
BY_MIME = {t.mime: t for t in ALLOWED_TYPES.values()}
ACCEPT = ",".join(ext for t in ALLOWED_TYPES.values() for ext in t.extensions)

_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Characters Windows forbids in names (separators are dealt with before: only the last part is kept).
_FORBIDDEN = set('<>:"|?*')
MAX_NAME_LENGTH = 200


def _zip_type(data: bytes) -> str | None:
    """docx/xlsx/odt by the parts the format requires, reading only the directory and `mimetype`."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(len(_ODT_MIMETYPE) + 1) == _ODT_MIMETYPE:
                        return "odt"
                return None
            if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
                # Not Office Open XML, or a macro-enabled document renamed to .docx/.xlsx.
                return None
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return None
    return None


def detect_type(data: bytes) -> str | None:
    """The allow-list key of the content, or None when it is none of the allowed types."""
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    kind = filetype.guess(data)
    if kind is None:
        return None
    key = kind.extension
    return key if key in ALLOWED_TYPES and ALLOWED_TYPES[key].mime == kind.mime else None


def extension_of(name: str) -> str:
    """The lower-case extension with its dot ('' when there is none)."""
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem and ext else ""


def sanitize_filename(name: str | None) -> str:
    """A display/download name: last path part only, no control or reserved characters, no leading dots.

    Cyrillic and spaces are kept (clerks name files in Russian); the result never addresses a folder.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for ch in text:
        if ch.isspace():
            kept.append(" ")
        elif not unicodedata.category(ch).startswith("C"):
            # Control and format characters are dropped, bidi overrides among them («фото‮fdp.exe» spoofing).
            kept.append("_" if ch in _FORBIDDEN else ch)
    text = " ".join("".join(kept).split()).strip(". ")
    if not text:
        return "файл"
    if len(text) > MAX_NAME_LENGTH:
        ext = extension_of(text)
        ext = ext if len(ext) <= 10 else ""
        text = text[: MAX_NAME_LENGTH - len(ext)].rstrip(". ") + ext
    return text
