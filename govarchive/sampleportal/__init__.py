"""A VNPT-style sample portal (built from shared/vnpt-portals.md), with gold expectations."""

from govarchive.sampleportal.content import PROFILES, Article, Portal, build_portal

__all__ = ["PROFILES", "Article", "Portal", "build_portal"]
