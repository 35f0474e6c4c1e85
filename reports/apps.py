from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The equal-treatment report (issue 13, item 6): figures per candidate and party read from
    the register, meetings, publishing and incidents, with the differences that need explaining."""

    name = "reports"
    verbose_name = "Reports"
