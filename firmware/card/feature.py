"""The one shape of a card feature: built from the card, started, stopped, status(), own settings.

    class Nut(Feature):
        name = "nut"                       # its key in the card's status
        title = "NUT server"               # how the event log names it
        SETTINGS = settings.ROWS           # the settings it owns, with their checks

        async def start(self): ...         # may raise: the card reports it and retries later
        async def stop(self): ...
        async def apply(self, changed): ...   # its own settings changed while running
        def status(self): ...              # JSON-safe
        def operations(self): ...          # {"op.name": async fn(args, user)} for every interface
        def endpoints(self): ...           # {"nut": "127.0.0.1:3493"} for the ready line

A feature reaches the rest of the card only through the card's small named interfaces (state,
bus, config, clock, ups, accounts, identity; see firmware/card/card.py), never through another
feature's attributes.
"""


class Feature:
    """Base of the card's features; the defaults do nothing and restart on a setting change."""

    name = "feature"
    title = "feature"
    SETTINGS = ()
    RULES = ()         # checks across its settings (firmware/settings/schema.py, rules)

    def __init__(self, card):
        """Keep the card; build nothing that can fail (start() does, and may be retried)."""
        self.card = card
        self.config = card.config

    def setting(self, key):
        """The current value of one of this feature's settings."""
        return self.config.get(key)

    async def start(self):
        """Start serving; raise OSError/ValueError when it cannot (nothing else stops)."""

    async def stop(self):
        """Stop serving and release what start() took; must not raise."""

    async def apply(self, changed):
        """Take its own changed settings into account; by default it restarts."""
        await self.stop()
        await self.start()

    def status(self):
        return {}

    def operations(self):
        return {}

    def endpoints(self):
        return {}
