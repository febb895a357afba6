"""What every admin in this app shares: history on each change page, sensible paging."""

from __future__ import annotations

from django.contrib.admin import widgets
from django.db import models
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """A ModelAdmin whose change page has a History button (who changed what, when)."""

    list_per_page = 50
    show_full_result_count = False
    # A link typed without a scheme is a web address today: assume https, not http.
    formfield_overrides = {
        models.URLField: {"widget": widgets.AdminURLFieldWidget, "assume_scheme": "https"}
    }
