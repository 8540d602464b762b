"""What a bid may carry as an attachment: a few document and image types, up to 10 MB, checked by the
name's extension AND by the content's signature (a renamed program is not a PDF)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileType:
    label: str
    content_type: str


# Office Open XML and OpenDocument files are zip archives; the member that says which they are is named.
ALLOWED = {
    "pdf": FileType("PDF", "application/pdf"),
    "docx": FileType(
        "Word document (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "xlsx": FileType(
        "Excel spreadsheet (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "odt": FileType("OpenDocument text (ODT)", "application/vnd.oasis.opendocument.text"),
    "png": FileType("PNG image", "image/png"),
    "jpg": FileType("JPEG image", "image/jpeg"),
    "jpeg": FileType("JPEG image", "image/jpeg"),
}
ALLOWED_TEXT = "PDF, DOCX, XLSX, ODT, PNG or JPEG"


class AttachmentRefused(ValueError):
    """The file is not one a bid may carry; the message says why, naming the file."""


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_attachment(upload: UploadedFile) -> FileType:
    """The file's type if it may be attached; AttachmentRefused, with a message naming it, otherwise."""
    name = upload.name or "the file"
    if not upload.size:
        raise AttachmentRefused(f"“{name}” is empty")
    if upload.size > MAX_BYTES:
        raise AttachmentRefused(
            f"“{name}” is {upload.size / 1024 / 1024:.1f} MB: the largest allowed is 10 MB"
        )
    ext = extension(name)
    kind = ALLOWED.get(ext)
    if kind is None:
        raise AttachmentRefused(f"“{name}” must be a {ALLOWED_TEXT}")
    if not _content_matches(upload, ext):
        raise AttachmentRefused(f"“{name}” is not a real {kind.label}: its content does not match its name")
    return kind


def _content_matches(upload: UploadedFile, ext: str) -> bool:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext == "png":
        return head == b"\x89PNG\r\n\x1a\n"
    if ext in {"jpg", "jpeg"}:
        return head.startswith(b"\xff\xd8\xff")
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if ext == "odt":
                return (
                    "mimetype" in names and archive.read("mimetype") == ALLOWED["odt"].content_type.encode()
                )
            member = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[ext]
            return "[Content_Types].xml" in names and member in names
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    finally:
        upload.seek(0)
