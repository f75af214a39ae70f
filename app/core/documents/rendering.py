"""Turn a .docx template and a dict into a filled .docx — safely, with Russian errors.

Templates can be uploaded by users, so they are rendered in Jinja's sandbox
(no `__class__`-style escapes into Python), with undefined names as errors (a
misspelt field must not print an empty line into a legal document), and with XML
escaping of the values (a «&» in a body's name must not break the file).
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import Any

from docxtpl import DocxTemplate
from flask_babel import lazy_gettext as _l
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from ..errors import DomainError, ValidationFailed
from .russian import FILTERS

DOCX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
#: A .docx is a zip; a small template never unpacks to more than this (zip bombs).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{\{.*|\{%.*")
_QUOTED = re.compile(r"'([^']+)'")
_XML_TAG = re.compile(r"<[^>]+>")
_BLOCK_NAME = re.compile(r"\{%-?\s*(\w+)")


class BrokenTemplate(DomainError):
    """A template cannot be rendered: a bad tag, an unknown field, a forbidden access."""

    status = 422
    message = _l("Шаблон «%(name)s» (версия %(version)s) содержит ошибку: %(problem)s")


class BrokenTemplateTag(BrokenTemplate):
    message = _l("Шаблон «%(name)s» (версия %(version)s) содержит ошибку: %(problem)s в теге %(tag)s")


class NotADocx(ValidationFailed):
    """An upload that is not a Word .docx document."""

    message = _l("Файл не является документом Word (.docx): %(reason)s")


def sandbox() -> SandboxedEnvironment:
    """The Jinja environment of every document: sandboxed, strict, XML-escaping, Russian filters."""
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.filters.update(FILTERS)
    return env


def check_docx(data: bytes) -> None:
    """Refuse anything but a real Word document: checked by content, not by the file name."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise NotADocx(reason=_l("это не архив Office Open XML"), field="file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise NotADocx(reason=_l("архив распаковывается в слишком большой объём"), field="file")
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise NotADocx(reason=_l("в архиве нет основной части документа Word"), field="file")
            content_types = archive.read("[Content_Types].xml").decode("utf-8", errors="replace")
    except zipfile.BadZipFile:
        raise NotADocx(reason=_l("архив повреждён"), field="file") from None
    if DOCX_MAIN_TYPE not in content_types:
        # .docm (macros), .dotx and other packages carry another main content type.
        raise NotADocx(reason=_l("это другой вид документа (с макросами, шаблон Word или иной)"), field="file")


class _SourceKeepingTemplate(DocxTemplate):
    """docxtpl's template that keeps the Jinja source of the part it failed on (to name the tag)."""

    failed_source: str | None = None

    def render_xml_part(self, src_xml: str, part: Any, context: dict[str, Any], jinja_env: Any = None) -> str:
        try:
            return super().render_xml_part(src_xml, part, context, jinja_env)  # type: ignore[no-any-return]
        except Exception:
            # docxtpl puts each paragraph on its own line before handing the XML to Jinja.
            self.failed_source = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
            raise


def _template_line(exc: Exception) -> int | None:
    """Line of the Jinja source where the error is: syntax errors carry it, runtime errors in the traceback."""
    if isinstance(exc, TemplateSyntaxError) and exc.lineno:
        return exc.lineno
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _unclosed_block(exc: Exception) -> str | None:
    """The innermost block a template forgot to close ({% if %} without {% endif %})."""
    if isinstance(exc, TemplateSyntaxError) and "innermost block" in (exc.message or ""):
        names = _QUOTED.findall(exc.message or "")
        return names[-1] if names else None
    return None


def _problem(exc: Exception) -> Any:
    """What went wrong, in Russian where Jinja's own words would mean nothing to a clerk."""
    block = _unclosed_block(exc)
    if block:
        return _l("не закрыт блок %(block)s (нет {%% end%(block)s %%})", block=block)
    if isinstance(exc, SecurityError):
        return _l("запрещённое обращение к служебным атрибутам (%(detail)s)", detail=str(exc))
    if isinstance(exc, UndefinedError):
        return _l("неизвестное поле (%(detail)s)", detail=str(exc))
    if isinstance(exc, TemplateSyntaxError):
        return exc.message or str(exc)
    return _l("ошибка при заполнении (%(kind)s: %(detail)s)", kind=type(exc).__name__, detail=str(exc))


def _unclosed_opening(tags: list[str], block: str) -> str | None:
    open_tags: list[str] = []
    for tag in tags:
        match = _BLOCK_NAME.match(tag)
        if match is None:
            continue
        if match.group(1) == block:
            open_tags.append(tag)
        elif match.group(1) == f"end{block}" and open_tags:
            open_tags.pop()
    return open_tags[-1][:120] if open_tags else None


def _broken_tag(source: str | None, exc: Exception) -> str | None:
    """The tag on the failing line; the one naming the culprit when the line has several."""
    line = _template_line(exc)
    if not source or not line:
        return None
    lines = [html.unescape(_XML_TAG.sub("", text)) for text in source.splitlines()]
    block = _unclosed_block(exc)
    if block:
        # Jinja reports the end of the template; the culprit is the opening left without its end tag.
        return _unclosed_opening([t for text in lines for t in _TAG.findall(text)], block)
    if not 0 < line <= len(lines):
        return None
    tags = [t[:120] for t in _TAG.findall(lines[line - 1])]
    if not tags:
        return None
    named = _QUOTED.findall(str(exc))
    for tag in tags:
        if any(name in tag for name in named):
            return tag
    return tags[0]


def render_docx(source: bytes, context: dict[str, Any], *, name: Any, version: int, field: str | None = None) -> bytes:
    """Fill a .docx template; any failure of the template is a BrokenTemplate naming it and the tag."""
    template = _SourceKeepingTemplate(io.BytesIO(source))
    try:
        template.render(context, jinja_env=sandbox())
        out = io.BytesIO()
        template.save(out)
    # The template is user content: whatever it makes Jinja or a filter raise is its own error.
    except Exception as exc:
        params = {"name": str(name), "version": version, "problem": str(_problem(exc))}
        tag = _broken_tag(template.failed_source, exc)
        if tag:
            raise BrokenTemplateTag(field=field, tag=tag, **params) from exc
        raise BrokenTemplate(field=field, **params) from exc
    return out.getvalue()
