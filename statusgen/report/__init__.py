"""The reliability report (SPEC §5): how well the site kept customers in the loop, month by
month, as figures computed from the model. Pure: no files, configuration, HTML or printing."""

from statusgen.report.export import CSV_COLUMNS, as_json, as_rows
from statusgen.report.figures import Figures
from statusgen.report.months import KeptMonths, Month, Report, compute_report
from statusgen.report.promises import Promise, PromiseKind
from statusgen.report.trend import Trend, trend

__all__ = [
    "CSV_COLUMNS",
    "Figures",
    "KeptMonths",
    "Month",
    "Promise",
    "PromiseKind",
    "Report",
    "Trend",
    "as_json",
    "as_rows",
    "compute_report",
    "trend",
]
