"""Judging a file by its bytes, and a file name safe to show: pure functions, no app needed."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from app.core.attachments.files import detect_type, extension_of, sanitize_filename

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def xlsx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def odt_bytes() -> bytes:
    return zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, "pdf"),
        (png_bytes(), "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "jpg"),
        (b"II*\x00\x08\x00\x00\x00" + b"\x00" * 32, "tif"),
        (b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 32, "tif"),
        (docx_bytes(), "docx"),
        (xlsx_bytes(), "xlsx"),
        (odt_bytes(), "odt"),
    ],
)
def test_allowed_types_are_recognised_by_content(data, expected):
    assert detect_type(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        EXE,
        b"GIF89a\x01\x00\x01\x00" + b"\x00" * 32,  # an image, but not on the list
        b"just some text, a .txt file",
        zip_bytes({"notes.txt": b"hello"}),  # a plain zip named .docx
        zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"x", "word/vbaProject.bin": b"x"}),
        zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),  # ods, not odt
        b"PK\x03\x04 broken zip",
        b"",
    ],
)
def test_other_content_is_not_recognised(data):
    assert detect_type(data) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\win.ini.pdf", "win.ini.pdf"),
        ("C:\\Users\\clerk\\Скан письма №5.pdf", "Скан письма №5.pdf"),
        ("Ответ  заявителю\t(итог).docx", "Ответ заявителю (итог).docx"),
        ('a<b>c:"d"|e?f*.png', "a_b_c__d__e_f_.png"),
        ("фото\u202egpj.exe", "фотоgpj.exe"),  # a bidi override can't disguise the real extension
        ("...hidden.pdf", "hidden.pdf"),
        ("..", "файл"),
        ("", "файл"),
        (None, "файл"),
        ("скан.pdf\x00.exe", "скан.pdf.exe"),
        ("Скан\u00a0письма.pdf", "Скан письма.pdf"),
    ],
)
def test_file_names_are_sanitised_for_display(name, expected):
    assert sanitize_filename(name) == expected


def test_long_names_are_cut_keeping_the_extension():
    name = sanitize_filename("Ж" * 300 + ".pdf")
    assert len(name) == 200
    assert name.endswith("ЖЖ.pdf")


@pytest.mark.parametrize(
    ("name", "ext"), [("a.PDF", ".pdf"), ("a.tar.gz", ".gz"), ("noext", ""), (".pdf", ""), ("a.", "")]
)
def test_extension_of(name, ext):
    assert extension_of(name) == ext
