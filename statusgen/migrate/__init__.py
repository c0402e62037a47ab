"""Incident files from other status pages: Atlassian Statuspage's JSON and cState's Markdown.
Sources are read into records, records become incident text, and the text is written only
where no file is: an import never changes a file that exists."""

from statusgen.migrate.plan import ImportResult, import_records
from statusgen.migrate.record import ImportedComponent, ImportedIncident, ImportedUpdate

__all__ = [
    "ImportResult",
    "ImportedComponent",
    "ImportedIncident",
    "ImportedUpdate",
    "import_records",
]
