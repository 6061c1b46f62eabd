"""PDF through pypdf's text layer, page by page.

pypdf's default ("plain") extraction is used: it follows the content stream and starts a new line where the
text moves to a new line, which is what the layout clean-up needs ("layout" mode pads with spaces to mimic
the page). Running headers, footers and page numbers are removed and lines broken by the layout are joined
(ingest/readers/pdf_layout.py). A PDF without a usable text layer is a scan and is refused with a pointer to
OCR; an encrypted PDF opens only when its user password is empty.
"""
from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from config import ReaderSettings
from ingest.readers import SourceText, UnreadableDocument, lines_text, unreadable
from ingest.readers.pdf_layout import join_broken_lines, strip_running_lines

CORRUPT = "不是有效的 PDF 文件或文件已损坏"
ENCRYPTED = "已加密，需要密码才能打开；请提供未加密的 PDF"


def page_texts(path: Path) -> list[str]:
    """The text layer of each page of the PDF at ``path`` (pypdf plain extraction), in page order.

    Raises ``UnreadableDocument`` for a file pypdf cannot open or read, an encrypted file whose user password
    is not empty (or whose cipher pypdf cannot handle here), or a PDF without pages.
    """
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:                  # a cipher that needs the optional cryptography package
                raise unreadable(path, ENCRYPTED) from exc
            if not opened:
                raise unreadable(path, ENCRYPTED)
        texts = [page.extract_text() or "" for page in reader.pages]
    except UnreadableDocument:
        raise
    except OSError as exc:
        raise unreadable(path, f"无法打开文件（{exc.strerror or exc}）") from exc
    except Exception as exc:                          # pypdf raises PdfReadError, ValueError, KeyError … on bad files
        raise unreadable(path, CORRUPT) from exc
    if not texts:
        raise unreadable(path, "PDF 中没有页面")
    return texts


def read_pdf(path: Path, settings: ReaderSettings) -> SourceText:
    """Read a .pdf file: ``format="pdf"``, ``encoding=""``, no headings (a PDF does not mark them), and a
    warning naming the file when running headers, footers or page numbers were removed.

    Raises ``UnreadableDocument`` as ``page_texts`` does, and for a scan: fewer than
    ``settings.scan_min_chars_per_page`` non-space characters per page on average once running headers,
    footers and page numbers are gone (a scanner's stamped header does not make a text layer).
    """
    texts = page_texts(path)
    pages = [[line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()] for text in texts]
    pages, removed = strip_running_lines(pages, settings)
    characters = sum(len("".join(line.split())) for lines in pages for line in lines)
    if characters < settings.scan_min_chars_per_page * len(pages):
        raise unreadable(
            path, f"是扫描件（{len(pages)} 页几乎没有文字层），需要先进行 OCR 文字识别，再以带文字的 PDF 或 Word 文件添加")
    lines = join_broken_lines(pages, settings)
    warnings = (f"{path.name}：已去除 {removed} 行页眉、页脚或页码",) if removed else ()
    return SourceText(text=lines_text(lines), format="pdf", encoding="", warnings=warnings)
