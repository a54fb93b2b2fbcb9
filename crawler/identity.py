"""Who the crawler says it is: portal operators read this in their logs and must be able to reach us."""

from govarchive import __version__

DEFAULT_CONTACT = "https://github.com/govarchive/govarchive"


def user_agent(contact: str = DEFAULT_CONTACT) -> str:
    return f"govarchive/{__version__} (+{contact}; archive of Vietnamese government portals)"
