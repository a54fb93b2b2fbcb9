"""Which module serves a template family's pages: route() answers a request, not_found() the 404."""

from __future__ import annotations

from types import ModuleType

from govarchive.sampleportal import (
    fam_caobang,
    fam_dienbien,
    fam_hagiang,
    fam_jsportal,
    fam_laichau,
)
from govarchive.sampleportal.site import Site

ROUTERS: dict[str, ModuleType] = {
    "ck5": fam_laichau,
    "webforms": fam_dienbien,
    "semantic": fam_hagiang,
    "spa": fam_jsportal,
    "joomla": fam_caobang,
}


def router_for(site: Site) -> ModuleType | None:
    return ROUTERS.get(site.profile.family)


def not_found_page(site: Site) -> str:
    module = ROUTERS[site.profile.family]
    if hasattr(module, "not_found"):
        return module.not_found(site)
    if hasattr(module, "frame"):
        return module.frame(site, "Không tìm thấy trang", "<p>Trang bạn yêu cầu không tồn tại.</p>")
    return "<!DOCTYPE html><title>404</title><p>Không tìm thấy trang.</p>"


def article_page(site: Site, art) -> str:
    """An article page of a family, as served (render.article_page dispatches here)."""
    module = ROUTERS[site.profile.family]
    if module is fam_dienbien:
        return fam_dienbien.article_page(site, art, {})
    if module is fam_jsportal:
        return fam_jsportal.shell(site)
    return module.article_page(site, art)
