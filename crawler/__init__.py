"""The Scrapy project: spiders, middlewares, pipelines and settings that fetch and understand portals."""
