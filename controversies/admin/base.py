"""What every admin in this app shares: history on each change page, sensible paging."""

from __future__ import annotations

from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """A ModelAdmin whose change page has a History button (who changed what, when)."""

    list_per_page = 50
    show_full_result_count = False
