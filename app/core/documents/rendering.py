"""Turn a .docx template and a dict into a filled .docx — safely, with Russian errors.

Templates can be uploaded by users, so they are rendered in Jinja's sandbox
(no `__class__`-style escapes into Python), with undefined names as errors (a
misspelt field must not print an empty line into a legal document), and with XML
escaping of the values (a «&» in a body's name must not break the file).

The sandbox bounds what a template may *reach*, not what it may *cost*: `{{ 'x' * 10**9 }}`
or a loop of 10⁴ × 10⁴ kept a worker busy for a minute and a gigabyte, at upload and at every
later generation. So every render — the trial render of an upload on sample data and every
generation — runs under limits (`RenderLimits`, from the app's settings):

* in a child process forked for the render: killed when it runs longer than the time limit,
  and with its address space capped, so no runaway loop or giant allocation can hurt the
  worker. Python code cannot be interrupted reliably in its own process (a signal waits for
  a long C call such as `str * n` to end, and a thread cannot be stopped at all); a forked
  child costs about 8 ms (measured; a spawned one about 1 s, a fork server 12 ms plus 0.75 s to
  start and a resident process per worker);
* inside the sandbox, the output of the template parts is counted as it is produced and `*`
  / `+` on strings and lists are checked before they run: the common blow-ups stop at once
  with a precise message instead of at the time limit.

A template over a limit is a `BrokenTemplate` naming it, in Russian, like any other error.
"""

from __future__ import annotations

import html
import io
import multiprocessing
import operator
import re
import resource
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docxtpl import DocxTemplate
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError
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


class TemplateTooSlow(BrokenTemplate):
    """Filling the template took longer than the time limit (a loop too long for a document)."""

    message = _l(
        "Шаблон «%(name)s» (версия %(version)s) заполняется дольше %(seconds)s с: "
        "заполнение остановлено. Упростите шаблон (циклы, повторения)"
    )


class TemplateTooLarge(BrokenTemplate):
    """The filled document would be larger than the output limit (or needed more memory than allowed)."""

    message = _l(
        "Шаблон «%(name)s» (версия %(version)s) даёт слишком большой документ (больше %(size)s): "
        "заполнение остановлено. Упростите шаблон (циклы, повторения)"
    )


class NotADocx(ValidationFailed):
    """An upload that is not a Word .docx document."""

    message = _l("Файл не является документом Word (.docx): %(reason)s")


# ---- limits -------------------------------------------------------------------------------

DEFAULT_RENDER_SECONDS = 5.0
DEFAULT_MAX_OUTPUT_BYTES = 20 * 1024 * 1024
DEFAULT_RENDER_MEMORY_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class RenderLimits:
    """What one render may cost: wall time, size of the filled text and the file, extra memory."""

    seconds: float = DEFAULT_RENDER_SECONDS
    max_output_bytes: int = DEFAULT_MAX_OUTPUT_BYTES
    memory_bytes: int = DEFAULT_RENDER_MEMORY_BYTES

    @classmethod
    def from_settings(cls) -> RenderLimits:
        """UPRAVA_DOCUMENT_RENDER_SECONDS, UPRAVA_DOCUMENT_MAX_BYTES, UPRAVA_DOCUMENT_RENDER_MEMORY_MB."""
        if not has_app_context():
            return cls()
        config = current_app.config
        memory_mb = config.get("UPRAVA_DOCUMENT_RENDER_MEMORY_MB")
        return cls(
            seconds=float(config.get("UPRAVA_DOCUMENT_RENDER_SECONDS") or DEFAULT_RENDER_SECONDS),
            max_output_bytes=int(config.get("UPRAVA_DOCUMENT_MAX_BYTES") or DEFAULT_MAX_OUTPUT_BYTES),
            memory_bytes=int(memory_mb) * 1024 * 1024 if memory_mb else DEFAULT_RENDER_MEMORY_BYTES,
        )


class OutputTooLarge(Exception):
    """Raised inside a render when the output budget is spent (turned into TemplateTooLarge)."""


class _Budget:
    """Characters a render may still produce, over all parts of the document (body, headers, footers)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def check(self, size: int) -> None:
        if size > self.left:
            raise OutputTooLarge()

    def spend(self, size: int) -> None:
        self.check(size)
        self.left -= size


class _BoundedTemplate(Template):
    """A Jinja template that counts its output as it is produced and stops when the budget is spent."""

    environment: _BoundedSandbox

    def render(self, *args: Any, **kwargs: Any) -> str:
        ctx = self.new_context(dict(*args, **kwargs))
        try:
            return self.environment.concat(self._counted(self.root_render_func(ctx)))  # type: ignore[attr-defined,no-any-return]
        except Exception:
            # As Jinja's own render: the traceback then carries the template's line numbers.
            self.environment.handle_exception()

    def _counted(self, chunks: Iterator[str]) -> Iterator[str]:
        budget = self.environment.budget
        for chunk in chunks:
            budget.spend(len(chunk))
            yield chunk


_SEQUENCES = (str, list, tuple)


class _BoundedSandbox(SandboxedEnvironment):
    """The sandbox with an output budget; `*` and `+` on strings and lists checked before they run.

    Intercepting the operators also stops Jinja from folding `'x' * 1000000000` at compile time.
    """

    template_class = _BoundedTemplate
    intercepted_binops = frozenset({"*", "+"})

    def __init__(self, budget: _Budget, **options: Any) -> None:
        super().__init__(**options)
        self.budget = budget

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, _SEQUENCES) and isinstance(times, int) and not isinstance(times, bool):
                    self.budget.check(len(seq) * max(times, 0))
        elif op == "+" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            self.budget.check(len(left) + len(right))
        return {"*": operator.mul, "+": operator.add}[op](left, right)


def sandbox(limits: RenderLimits | None = None) -> SandboxedEnvironment:
    """The Jinja environment of every document: sandboxed, strict, XML-escaping, Russian filters, bounded."""
    limits = limits or RenderLimits()
    env = _BoundedSandbox(_Budget(limits.max_output_bytes), autoescape=True, undefined=StrictUndefined)
    env.filters.update(FILTERS)
    # Placeholder text has no place in a legal document, and lipsum(n=10**6) is one more way to blow up.
    env.globals.pop("lipsum", None)
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


@dataclass(frozen=True)
class _Failure:
    """What went wrong in a render, as plain data (it crosses from the render's process)."""

    kind: str  # unclosed | forbidden | undefined | syntax | other | too_large | too_slow
    detail: str = ""
    tag: str | None = None
    error: str = ""  # the exception's class name, for "other"


def _failure(exc: Exception, source: str | None) -> _Failure:
    """Describe a render's exception: its kind, Jinja's detail and the tag it happened in."""
    tag = _broken_tag(source, exc)
    block = _unclosed_block(exc)
    if block:
        return _Failure("unclosed", block, tag)
    if isinstance(exc, SecurityError):
        return _Failure("forbidden", str(exc), tag)
    if isinstance(exc, UndefinedError):
        return _Failure("undefined", str(exc), tag)
    if isinstance(exc, TemplateSyntaxError):
        return _Failure("syntax", exc.message or str(exc), tag)
    return _Failure("other", str(exc), tag, error=type(exc).__name__)


def _problem(failure: _Failure) -> Any:
    """What went wrong, in Russian where Jinja's own words would mean nothing to a clerk."""
    if failure.kind == "unclosed":
        return _l("не закрыт блок %(block)s (нет {%% end%(block)s %%})", block=failure.detail)
    if failure.kind == "forbidden":
        return _l("запрещённое обращение к служебным атрибутам (%(detail)s)", detail=failure.detail)
    if failure.kind == "undefined":
        return _l("неизвестное поле (%(detail)s)", detail=failure.detail)
    if failure.kind == "syntax":
        return failure.detail
    return _l("ошибка при заполнении (%(kind)s: %(detail)s)", kind=failure.error, detail=failure.detail)


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


def _fill(source: bytes, context: dict[str, Any], limits: RenderLimits) -> bytes | _Failure:
    """Fill the template in this process: the filled .docx, or what went wrong."""
    template = _SourceKeepingTemplate(io.BytesIO(source))
    try:
        template.render(context, jinja_env=sandbox(limits))
        out = io.BytesIO()
        template.save(out)
    except (OutputTooLarge, MemoryError):
        return _Failure("too_large")
    # The template is user content: whatever it makes Jinja or a filter raise is its own error.
    except Exception as exc:
        return _failure(exc, template.failed_source)
    data = out.getvalue()
    return data if len(data) <= limits.max_output_bytes else _Failure("too_large")


def _cap_memory(extra: int) -> None:
    """Let this (child) process grow by at most `extra` bytes of address space beyond what it has now."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        return  # not Linux: the time limit and the output budget still hold
    limit = size_kb * 1024 + extra
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _fill_in_child(conn: Any, source: bytes, context: dict[str, Any], limits: RenderLimits) -> None:
    """The render's process: cap memory, fill, send the result back, and nothing else.

    It inherits the worker's memory (database pool included) but touches nothing of it, and
    multiprocessing ends it with os._exit: no inherited connection or file is closed or flushed.
    """
    try:
        _cap_memory(limits.memory_bytes)
        result = _fill(source, context, limits)
    except MemoryError:
        result = _Failure("too_large")
    conn.send(result)
    conn.close()


def _fill_bounded(source: bytes, context: dict[str, Any], limits: RenderLimits) -> bytes | _Failure:
    """Fill the template in a forked child, killed at the time limit."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return _fill(source, context, limits)  # no fork (not Linux): only the in-sandbox limits hold
    ctx = multiprocessing.get_context("fork")
    reader, writer = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_fill_in_child, args=(writer, source, context, limits), daemon=True)
    child.start()
    writer.close()
    try:
        if not reader.poll(limits.seconds):
            return _Failure("too_slow")
        result: bytes | _Failure = reader.recv()
        return result
    except EOFError:
        # The child died without an answer: killed by the memory cap on the way (the likeliest end).
        return _Failure("too_large")
    finally:
        reader.close()
        if child.is_alive():
            child.kill()
        child.join()
        child.close()


def _format_size(size: int) -> str:
    megabytes = size / (1024 * 1024)
    if megabytes >= 1:
        return str(_l("%(n)s МБ", n=f"{megabytes:.1f}".rstrip("0").rstrip(".").replace(".", ",")))
    return str(_l("%(n)s КБ", n=max(round(size / 1024), 1)))


def render_docx(
    source: bytes,
    context: dict[str, Any],
    *,
    name: Any,
    version: int,
    field: str | None = None,
    limits: RenderLimits | None = None,
) -> bytes:
    """Fill a .docx template under the render limits; any failure is a BrokenTemplate naming it (and the tag)."""
    limits = limits or RenderLimits.from_settings()
    result = _fill_bounded(source, context, limits)
    if isinstance(result, bytes):
        return result
    params: dict[str, Any] = {"name": str(name), "version": version}
    if result.kind == "too_slow":
        raise TemplateTooSlow(field=field, seconds=f"{limits.seconds:g}".replace(".", ","), **params)
    if result.kind == "too_large":
        raise TemplateTooLarge(field=field, size=_format_size(limits.max_output_bytes), **params)
    params["problem"] = str(_problem(result))
    if result.tag:
        raise BrokenTemplateTag(field=field, tag=result.tag, **params)
    raise BrokenTemplate(field=field, **params)
