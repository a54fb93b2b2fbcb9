"""Run by tests/test_recrawl.py with the tools venv's Python (Playwright lives there): open a
page embedding ReplayWeb.page on a WACZ in headless Chromium, and wait for the article it
replays. Exit 0 when the replayed page holds TEXT (compared in Unicode NFC)."""

from __future__ import annotations

import sys
import unicodedata

from playwright.sync_api import sync_playwright


def main() -> int:
    index, article_url, text, chromium = sys.argv[1:5]
    want = unicodedata.normalize("NFC", text)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        replayed = []

        def keep(response):
            # the replay frame's request for the article, answered by ReplayWeb.page's worker
            url = response.url
            if "/w/" in url and url.endswith(article_url) and not response.request.redirected_to:
                replayed.append(response)

        page.on("response", keep)
        page.goto(index)
        for _ in range(240):
            while replayed:
                response = replayed.pop(0)
                try:
                    body = response.text()
                except Exception:  # noqa: BLE001 - a redirect on the way keeps no body
                    continue
                if response.status == 200 and want in unicodedata.normalize("NFC", body):
                    browser.close()
                    return 0
            page.wait_for_timeout(250)
        browser.close()
    print("ReplayWeb.page did not replay the article", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
