"""Run by tests/test_serve_article.py with the tools venv's Python (Playwright lives there): open
an article's archived-copy page in headless Chromium, and print as JSON what rendered: the
headline, the body text, every image's natural size, every URL the page asked for, and where
the screenshot went (full page, one pixel a CSS pixel: an image's x, y are its place in it)."""

from __future__ import annotations

import json
import sys

from playwright.sync_api import sync_playwright


def main() -> int:
    page_url, chromium, screenshot = sys.argv[1:4]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1000, "height": 1400}, device_scale_factor=1)
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.goto(page_url, wait_until="load")
        # "load" waits for images; complete covers any a slow decode left
        page.wait_for_function("[...document.images].every(i => i.complete)", timeout=30000)
        found = page.evaluate(
            """() => ({
                title: document.querySelector('h1.article-title')?.innerText ?? '',
                body: document.querySelector('.article-body')?.innerText ?? '',
                citation: document.querySelector('.citation-line')?.innerText ?? '',
                images: [...document.querySelectorAll('.archived-article img')].map(i => ({
                    src: i.currentSrc, width: i.naturalWidth, height: i.naturalHeight,
                    x: i.getBoundingClientRect().left + window.scrollX,
                    y: i.getBoundingClientRect().top + window.scrollY,
                    shown: i.getBoundingClientRect().width,
                    tall: i.getBoundingClientRect().height,
                })),
            })"""
        )
        page.screenshot(path=screenshot, full_page=True)
        browser.close()
    print(json.dumps({**found, "asked": asked, "screenshot": screenshot}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
