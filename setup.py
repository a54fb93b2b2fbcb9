"""Lets scrapyd-deploy build the project's egg (it runs setup.py); the metadata is pyproject.toml's."""

from setuptools import setup

setup()
