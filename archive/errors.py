"""One exception class for every failure a user can act on."""


class ArchiveError(Exception):
    """A problem with the archive folder or its contents, worded for the user."""
