"""The status LED pair: which pattern each card state shows (manual appendix "LED Definition").

    mode               green             yellow            when
    detection          off               flashing ~1 s     no UPS detected yet (manual §7)
    no_com             on                off               UPS detected, no communication now
    communicating      on                a flash per poll  polling: one short flash per Modbus
                                                           poll cycle, so it blinks with traffic
    diagnostic         cross flashing    cross flashing    auto-diagnostic at start
    diagnostic_failed  on                on                a check of the auto-diagnostic failed
    hardware_error     off               off               the UPS serial port is missing
    hold_restart       fast flash        off               reset button held 1-3 s (our choice:
    hold_accounts      off               fast flash        the manual shows no pattern for a
    hold_factory       fast flash        fast flash        held button; each is unlike the rest)

The table's "Status/EMD" rows are read as the card's two status LEDs; the Ethernet rows belong to
the network PHY's own LEDs and are not driven here. Pure and portable: the Raspberry Pi drives
gpiozero LEDs with it, the ESP32 machine.Pin outputs.
"""

FLASH_MS = 1000          # "Flashing ~1 second": one period on and off
FAST_MS = 250            # the button's pending action: four flashes a second
PULSE_MS = 100           # a Modbus poll cycle lights the yellow LED this long

OFF, ON, FLASH, CROSS, FAST, PULSE = "off", "on", "flash", "cross", "fast", "pulse"

# mode -> (green, yellow) patterns.
MODES = {
    "detection": (OFF, FLASH),
    "no_com": (ON, OFF),
    "communicating": (ON, PULSE),
    "diagnostic": (FLASH, CROSS),
    "diagnostic_failed": (ON, ON),
    "hardware_error": (OFF, OFF),
    "hold_restart": (FAST, OFF),
    "hold_accounts": (OFF, FAST),
    "hold_factory": (FAST, FAST),
}

# The reset button's pending action -> the mode that shows it while the button is held.
HOLD_MODES = {"restart": "hold_restart", "accounts": "hold_accounts", "factory": "hold_factory"}


def mode_for(diagnosing=False, diagnostic_failed=False, serial_missing=False, detected=False,
             stale=True, pending=None):
    """The mode the LEDs show, from the card's state: the held button first, then the
    auto-diagnostic, then hardware, then the UPS link."""
    if pending:
        return HOLD_MODES[pending]
    if diagnosing:
        return "diagnostic"
    if diagnostic_failed:
        return "diagnostic_failed"
    if serial_missing:
        return "hardware_error"
    if not detected:
        return "detection"
    return "no_com" if stale else "communicating"


def level(pattern, t_ms, pulse=False):
    """On (True) or off for one LED's pattern at time t_ms (any origin; patterns are periodic).
    `pulse` is True while a poll cycle's flash lasts."""
    if pattern == ON:
        return True
    if pattern == FLASH:
        return (t_ms % FLASH_MS) < FLASH_MS // 2
    if pattern == CROSS:
        return (t_ms % FLASH_MS) >= FLASH_MS // 2
    if pattern == FAST:
        return (t_ms % FAST_MS) < FAST_MS // 2
    if pattern == PULSE:
        return bool(pulse)
    return False


def levels(mode, t_ms, pulse=False):
    """(green, yellow) on/off for a mode at time t_ms."""
    green, yellow = MODES[mode]
    return level(green, t_ms, pulse), level(yellow, t_ms, pulse)
