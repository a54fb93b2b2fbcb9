"""Dataset exports of the archive: JSONL, CSV and Parquet with a verifiable manifest."""

from exports.run import ExportError, ExportOptions, ExportResult, run_export

__all__ = ["ExportError", "ExportOptions", "ExportResult", "run_export"]
