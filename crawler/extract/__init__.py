"""Turning a portal page into article fields: structure first, markers second, no single class name."""

from crawler.extract.article import Extracted, NotArticle, extract_article, parse_html

__all__ = ["Extracted", "NotArticle", "extract_article", "parse_html"]
