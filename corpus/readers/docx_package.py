"""Opening a .docx package that may be damaged, for corpus.readers.docx.

python-docx opens the package. It follows every relationship and stops at the first one whose target is not in
the zip (WPS writes image links to `../NULL`; add-ins leave others), so such relationships are taken out first,
as python-docx's maintainer advises (python-openxml/python-docx#678), and reported as notes. If python-docx
still cannot open the package (a damaged part it parses on opening, a macro-enabled document renamed .docx),
word/document.xml is read directly, with its styles and numbering where they can be read.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from typing import Any

from corpus.errors import SkipFile
from corpus.readers.common import one_line
from corpus.readers.docx_numbering import w

MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what a .docx may unpack to in all
MAX_COMPRESSION_RATIO = 100  # real Word files compress 3-10 times; a bomb, thousands of times
EXTRACTOR = "python-docx"
RAW_EXTRACTOR = "docx xml"

_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"


def check_zip(data: bytes) -> None:
    """Refuse a .docx that is not a zip, is not a Word document, or would unpack to far more than it weighs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise SkipFile("not a Word .docx file (not a zip archive)") from None
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise SkipFile(f"looks like a zip bomb: would unpack to {unpacked / 2**20:,.0f} MB (limit {MAX_UNPACKED_BYTES // 2**20} MB)")
    for info in infos:
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > 2**20 and ratio > MAX_COMPRESSION_RATIO:
            raise SkipFile(f"looks like a zip bomb: {info.filename} is compressed {ratio:,.0f} to 1")
    if "word/document.xml" not in {info.filename for info in infos}:
        raise SkipFile("not a Word .docx file (a zip without word/document.xml)")


def parse_xml(xml: bytes) -> Any:
    from lxml import etree

    # No entities, no network: a .docx is untrusted input.
    return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False))


def _rels_source(rels_name: str) -> str:
    """The folder a .rels part's relative targets start from: word/_rels/document.xml.rels → word."""
    folder = posixpath.dirname(posixpath.dirname(rels_name))
    return folder


def _content_types(archive: zipfile.ZipFile) -> tuple[set[str], set[str]]:
    try:
        root = parse_xml(archive.read("[Content_Types].xml"))
    except Exception:  # lxml and zipfile raise many kinds; python-docx will report the package itself
        return set(), set()
    overrides = {(o.get("PartName") or "").lower() for o in root.iter(f"{{{_TYPES}}}Override")}
    defaults = {(d.get("Extension") or "").lower() for d in root.iter(f"{{{_TYPES}}}Default")}
    return overrides, defaults


def without_dangling_relationships(data: bytes) -> tuple[bytes, list[str]]:
    """The package with every relationship to a part that is not there (or has no content type) taken out.

    Returns the bytes to open (the same bytes when nothing was wrong) and one note a relationship removed.
    """
    notes: list[str] = []
    fixed: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        overrides, defaults = _content_types(archive)
        for rels_name in sorted(n for n in names if n.endswith(".rels")):
            try:
                root = parse_xml(archive.read(rels_name))
            except Exception:  # an unreadable .rels: python-docx decides whether the package can still open
                continue
            source = _rels_source(rels_name)
            removed = False
            for rel in list(root.iter(f"{{{_RELS}}}Relationship")):
                if (rel.get("TargetMode") or "").lower() == "external":
                    continue
                target = rel.get("Target") or ""
                # python-docx resolves a target the same way (PackURI.from_rel_ref) and does not unquote it.
                member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(source, target)).lstrip("/")
                ext = posixpath.splitext(member)[1][1:].lower()
                if member in names and ("/" + member.lower() in overrides or ext in defaults):
                    continue
                kind = (rel.get("Type") or "").rsplit("/", 1)[-1] or "part"
                where = "missing" if member not in names else "without a content type"
                notes.append(f"broken link to a {kind} ({target or 'no target'}, {where}) left out")
                root.remove(rel)
                removed = True
            if removed:
                from lxml import etree

                fixed[rels_name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if not fixed:
            return data, []
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as repaired:
            for info in archive.infolist():
                repaired.writestr(info.filename, fixed.get(info.filename) or archive.read(info.filename))
    return out.getvalue(), notes


@dataclass(frozen=True)
class Parts:
    """What the walk needs from the package."""

    body: Any
    styles: Any  # styles.xml root, or None
    numbering: Any  # numbering.xml root, or None
    title: str  # the core properties' title
    extractor: str
    notes: tuple[str, ...] = ()


def _open_with_python_docx(data: bytes) -> Parts:
    import docx

    document = docx.Document(io.BytesIO(data))
    part = document.part
    styles = document.styles.element
    try:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        numbering = part.part_related_by(RT.NUMBERING).element
    except KeyError:
        numbering = None
    return Parts(document.element.body, styles, numbering, (document.core_properties.title or "").strip(), EXTRACTOR)


def _open_raw(data: bytes, error: str) -> Parts:
    """word/document.xml read directly, with its styles and numbering where they can be read."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())

        def root_of(name: str) -> Any:
            try:
                return parse_xml(archive.read(name)) if name in names else None
            except Exception:  # a damaged optional part: read on without it
                return None

        try:
            document = parse_xml(archive.read("word/document.xml"))
        except Exception as err:
            raise SkipFile(f"not a readable Word file ({error}; word/document.xml: {one_line(err)})") from None
        core = root_of("docProps/core.xml")
        title_el = core.find("{http://purl.org/dc/elements/1.1/}title") if core is not None else None
        title = (title_el.text or "").strip() if title_el is not None else ""
        body = document.find(w("body"))
        if body is None:
            raise SkipFile(f"not a readable Word file ({error}; no body in word/document.xml)")
        note = f"python-docx could not open the package ({error}); read word/document.xml directly"
        return Parts(body, root_of("word/styles.xml"), root_of("word/numbering.xml"), title, RAW_EXTRACTOR, (note,))


def open_package(data: bytes) -> Parts:
    package, notes = without_dangling_relationships(data)
    try:
        parts = _open_with_python_docx(package)
    except Exception as err:  # python-docx and lxml raise many types on a damaged package
        parts = _open_raw(data, one_line(err))
    return Parts(parts.body, parts.styles, parts.numbering, parts.title, parts.extractor, tuple(notes) + parts.notes)
