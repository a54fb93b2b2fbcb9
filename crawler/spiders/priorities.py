"""The order a crawl asks for things in: an article before a list page, a portal's pages before
its own media, a second address of an article last (usually dropped once the first is in)."""

PRIORITY_ARTICLE = 10
PRIORITY_DISCOVERY = 8  # robots.txt, sitemaps, feeds: they name articles no list may link
PRIORITY_ASSET = -5  # after the portal's pages: a portal serving its own media is not slowed
PRIORITY_PAGE = 0
PRIORITY_SECOND_ADDRESS = -10
