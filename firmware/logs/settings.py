"""Settings of the logs (manual 15.2, "Log Settings"): intervals and the size of each ring."""

from firmware.settings.schema import Row

ROWS = (
    Row("log.history_interval", "int", 60, (1, 3600), "Seconds between two history log records",
        label="History Log Interval (s)"),
    Row("log.extended_interval", "int", 60, (1, 1440),
        "Minutes between two extended (min/avg/max) history records",
        label="Extend Log Interval (mn)"),
    # The manual's ring logs hold 2048 records each; a new size keeps the newest records.
    Row("log.records", "int", 2048, (16, 65535), "Records kept in each log", label="Log Records"),
)
