"""Every file of the public election page, built from THE GATE only (publishing.queries).

`plan_site` reads the gate once (a fixed number of queries, whatever the size of the register)
and returns one `Output` per file: its path in the site, a `key` and a `render` function. The
key is a digest of everything the file is made from (the data it shows, the site's templates,
the office's details, SITE_FORMAT), so a file whose key is unchanged since the live version
would come out byte for byte the same and is carried over instead of rendered again
(publishing.site.publish_site). The register is a home listing its topics and, per topic,
pages of its answers (register/topics/<slug>/), so publishing one entry into a register of
10,000 renders its permalink, the register's home, the last page of its topic (every page of
that topic when their number changes) and the exports and feeds that list every entry, in each
language; the other permalinks and the other topics' pages are carried over.

Paths are relative, and every link is relative to the page it is on (`root`), so the site works
from any address or folder. Every page is rendered in each of PUBLIC_SITE_LANGUAGES (issue 7):
English at the site's root, Welsh under `cy/`, each with its `lang`, a language toggle and
hreflang links to the other; the shared files (assets, CSV, JSON, Atom, iCalendar, PDF) are
rendered once, in English, and linked from every language (`files_root`). Times are shown in
Europe/London. Nothing here reads a model other than through publishing.queries, except the
election's own public details (the office, its contacts and the PARO's, the timetable).

The package, along its seams (names re-exported): `base` (Output, digests, paths, languages),
`data` (SiteData, read once through the gate), `web` (the HTML pages: register home, topics,
permalinks, the other pages), `opendata` (CSV, JSON, Atom, iCalendar, search index), `pdf` (the
register PDF, whole or in parts) and `plan` (every file of the site with its key).
"""

from publishing.site.pages.base import (
    ACCESSIBILITY_REVIEWED,
    ASSET_FOLDERS,
    ASSET_SOURCES,
    PAGE_SIZE,
    PDF_VARIANT,
    PERMALINKS,
    SITE_FORMAT,
    STATIC_DIR,
    TEMPLATES_DIR,
    Language,
    Output,
    PermalinkFolder,
    Plan,
    catalogue_key,
    digest,
    entry_path,
    paragraphs,
    permalink_folders,
    root_of,
    site_languages,
    translated_words,
)
from publishing.site.pages.data import (
    SiteData,
    Topic,
    load,
    reference_order,
    topic_slugs,
)
from publishing.site.pages.opendata import (
    CSV_HEADER,
    FEED_ITEMS,
    render_atom,
    render_csv,
    render_ics,
    render_json,
    render_search_index,
)
from publishing.site.pages.pdf import (
    PDF_PART_SIZE,
    PdfPart,
    index_html,
    part_html,
    pdf_html,
    pdf_parts,
    pending_pdf_html,
    render_pdf,
)
from publishing.site.pages.plan import (
    plan_site,
)
from publishing.site.pages.web import (
    pagination,
)

__all__ = [
    "ACCESSIBILITY_REVIEWED",
    "ASSET_FOLDERS",
    "ASSET_SOURCES",
    "CSV_HEADER",
    "FEED_ITEMS",
    "PAGE_SIZE",
    "PDF_PART_SIZE",
    "PDF_VARIANT",
    "PERMALINKS",
    "SITE_FORMAT",
    "STATIC_DIR",
    "TEMPLATES_DIR",
    "Language",
    "Output",
    "PdfPart",
    "PermalinkFolder",
    "Plan",
    "SiteData",
    "Topic",
    "catalogue_key",
    "digest",
    "entry_path",
    "index_html",
    "load",
    "pagination",
    "paragraphs",
    "part_html",
    "pdf_html",
    "pdf_parts",
    "pending_pdf_html",
    "permalink_folders",
    "plan_site",
    "reference_order",
    "render_atom",
    "render_csv",
    "render_ics",
    "render_json",
    "render_pdf",
    "render_search_index",
    "root_of",
    "site_languages",
    "topic_slugs",
    "translated_words",
]
