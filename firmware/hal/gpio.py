"""GPIO of the Raspberry Pi board through gpiozero: the status LEDs, the reset button, dry contacts.

gpiozero picks its pin library itself: lgpio on a Raspberry Pi (every model, the Pi 5 too;
RPi.GPIO does not work there), its mock pins when GPIOZERO_PIN_FACTORY=mock or when a test
passes a MockFactory. gpiozero calls edge callbacks on its own thread: the edge is stamped there
with the tick clock (so a hold time is exact) and handed to the card's event loop.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Callable


def _factory(pin_factory):
    return {"pin_factory": pin_factory} if pin_factory is not None else {}


class GpioPanel:
    """The two status LEDs and the reset button (active low, internal pull-up)."""

    def __init__(self, pins: dict, on_edge: Callable[[bool, int], None],
                 ticks: Callable[[], int], pin_factory=None) -> None:
        from gpiozero import LED, Button  # CPython boards only

        opts = _factory(pin_factory)
        self.green = self.yellow = self.button = None
        try:
            self.green = LED(pins["led_power"], **opts)
            self.yellow = LED(pins["led_status"], **opts)
            self.button = Button(pins["button_reset"], pull_up=True, **opts)
        except Exception as exc:
            self.close()
            raise OSError("GPIO: %s" % exc) from exc
        loop = asyncio.get_running_loop()
        thread = threading.get_ident()

        def edge(pressed: bool) -> None:
            t = ticks()
            if threading.get_ident() == thread:
                on_edge(pressed, t)
            else:
                loop.call_soon_threadsafe(on_edge, pressed, t)

        self.button.when_pressed = lambda: edge(True)
        self.button.when_released = lambda: edge(False)
        if self.button.is_pressed:             # held already at start
            edge(True)

    def set(self, green: bool, yellow: bool) -> None:
        self.green.value = bool(green)
        self.yellow.value = bool(yellow)

    def close(self) -> None:
        for device in (self.green, self.yellow, self.button):
            if device is not None:
                device.close()


class GpioInputs:
    """Dry-contact inputs read on demand: pin -> closed (True) or open."""

    def __init__(self, pins: list[int], pin_factory=None) -> None:
        from gpiozero import DigitalInputDevice  # CPython boards only

        self.devices = {}
        try:
            for pin in pins:
                # A contact between the pin and ground, the internal pull-up otherwise.
                self.devices[pin] = DigitalInputDevice(pin, pull_up=True, **_factory(pin_factory))
        except Exception as exc:
            self.close()
            raise OSError("GPIO: %s" % exc) from exc

    def closed(self, pin: int) -> bool:
        """True when the contact on `pin` is closed (the pin pulled to ground)."""
        return bool(self.devices[pin].is_active)

    def close(self) -> None:
        for device in self.devices.values():
            device.close()
        self.devices = {}
