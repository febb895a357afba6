"""List every fact without a source, every event without a citation and every source
that looks like a home page, a search or a listing. Prints nothing when all is well."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from controversies.source_audit import audit_findings


class Command(BaseCommand):
    help = (
        "List unsourced facts, uncited events and suspect (non-document) sources, one "
        "line each: kind, record, admin path, reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--format",
            choices=("text", "json"),
            default="text",
            help="text: one tab-separated line per finding; json: a list of objects.",
        )
        parser.add_argument(
            "--fail-on-findings",
            action="store_true",
            help="Exit with status 1 when there is anything to report (for CI).",
        )

    def handle(self, *args: Any, format: str, fail_on_findings: bool, **options: Any) -> None:
        findings = audit_findings()
        if format == "json":
            self.stdout.write(json.dumps([f.as_dict() for f in findings], indent=2))
        else:
            for finding in findings:
                # Tabs separate the columns, so none may appear inside one.
                columns = (finding.kind, finding.record, finding.admin_path, finding.reason)
                self.stdout.write("\t".join(" ".join(c.split()) for c in columns))
        if findings and fail_on_findings:
            raise CommandError(
                f"{len(findings)} source finding{'s' if len(findings) != 1 else ''}",
                returncode=1,
            )
