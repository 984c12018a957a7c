"""The metadata the warehouse stores (title, author, URL, date, site name), read with trafilatura's own
functions in trafilatura's own order.

`trafilatura.bare_extraction(with_metadata=True)` also reads categories, tags and the licence, which
the warehouse does not keep; on a 40 KB news page they are about a seventh of trafilatura's time. This
module runs the steps of `trafilatura.metadata.extract_metadata` (trafilatura 2.3.1) that produce the
stored fields and nothing else, so the values are the same as trafilatura's: a test compares them with
`extract_metadata` on every page it has (and on trafilatura's benchmark pages when they are there).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from courlan import extract_domain
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document, set_date_params

LOGGER = logging.getLogger(__name__)
STORED_FIELDS = ("title", "author", "url", "hostname", "date", "sitename")


@dataclass(frozen=True)
class PageMeta:
    title: str | None
    author: str | None
    url: str | None
    hostname: str | None
    date: str | None
    sitename: str | None


def read_page_meta(tree: HtmlElement, default_url: str | None = None) -> PageMeta:
    """The stored metadata fields of a parsed page, as `extract_metadata` would give them."""
    metadata: Document = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception as err:  # noqa: BLE001 - trafilatura guards its JSON-LD reader the same way
        LOGGER.debug("error in JSON metadata extraction: %s", err)
    if not metadata.title:
        metadata.title = extract_title(tree)
    if not metadata.author:
        metadata.author = extract_author(tree)
    if not metadata.url:
        metadata.url = extract_url(tree, default_url)
    if metadata.url:
        metadata.hostname = extract_domain(metadata.url, fast=True)
    date_config = set_date_params(True)  # trafilatura's default (EXTENSIVE_DATE_SEARCH = on)
    date_config["url"] = metadata.url
    metadata.date = find_date(tree, **date_config)
    if not metadata.sitename:
        metadata.sitename = extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
        if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url:
        match = META_URL.match(metadata.url)
        if match:
            metadata.sitename = match[1]
    metadata.clean_and_trim()
    return PageMeta(**{name: getattr(metadata, name) for name in STORED_FIELDS})
