"""A card for the console's unit tests: real configuration, accounts and operations, no I/O."""

from firmware.accounts import passwords
from firmware.card import features
from firmware.card.card import Card
from firmware.settings.config import Config
from firmware.state.bus import EventBus

FIRST = "4E4D43"
# The card's own hash format at the lowest cost it accepts: the tests log in many times.
ADMIN_HASH = passwords.hash_password("Adm1n#Passw0rd", iterations=passwords.ITERATIONS_RANGE[0])
VIEWER_HASH = passwords.hash_password("View#Passw0rd1", iterations=passwords.ITERATIONS_RANGE[0])
OPERATOR_HASH = passwords.hash_password("Oper#Passw0rd1", iterations=passwords.ITERATIONS_RANGE[0])


class Board:
    """The hardware facts a card needs: its name and first-access password."""

    name = "test"
    first_password = FIRST

    def config_defaults(self):
        return {}

    def status(self):
        return {"name": self.name}


class Keyboard:
    """Keystrokes typed one chunk per question; the line hangs up when they run out."""

    def __init__(self, keys):
        self.keys = list(keys)
        self.out = []

    async def read(self):
        return self.keys.pop(0) if self.keys else ""

    def write(self, text):
        self.out.append(text)

    def text(self):
        return "".join(self.out)


def make_card(admin=True):
    """A card with an admin password, a read-only user "viewer" and a read/write user
    "operator"; or none of them (first access)."""
    bus = EventBus()
    config = Config(features.schema(), bus=bus)
    card = Card(Board(), config, bus)
    card.accounts.guard.fail_delay_s = 0
    if admin:
        config.update({"auth.admin_password": ADMIN_HASH,
                       "auth.users": ["viewer:%s:read" % VIEWER_HASH,
                                      "operator:%s:write" % OPERATOR_HASH]},
                      via="test", user="test")
    return card
