"""govarchive: the command line, and the sample VNPT portal it ships for demos and tests."""

__version__ = "0.1.0"
