"""The text of archived attachments (PDF, DOCX, DOC, XLSX, XLS), page by page where the format
has pages, scans OCR'd. Pure functions of a file's bytes: the stage that reads files from the
WARC records and stores their text is crawler/filetext_stage.py; the limits a bad file meets
are in crawler/filetext/bounded.py."""

from crawler.filetext.model import BadFile, Options, PageText
from crawler.filetext.sniff import extract_text, sniff

__all__ = ["BadFile", "Options", "PageText", "extract_text", "sniff"]
