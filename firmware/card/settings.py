"""Settings of the card itself: its identity (manual 15.2, "System")."""

from firmware.settings.schema import Row

IDENTITY = ("name", "location", "contact")

ROWS = (
    Row("system.name", "str", "opennmc", 64,
        "The card's name: in its status and in the NUT UPS description",
        label="System Name"),
    Row("system.location", "str", "", 64, "Where the UPS stands; shown with the name",
        label="System Location"),
    Row("system.contact", "str", "", 64, "Who looks after it; shown with the name",
        label="System Contact"),
)
