# What the ESP32 build freezes into its firmware image, in the manner of micropython-lib's
# manifest.py files. Only portable code belongs here: each module imports nothing but what
# MicroPython has (or does so inside try/except ImportError); tests/unit/test_layout.py checks it,
# and the portable unit tests run on exactly these files under real MicroPython.
# Left out: the local management socket (unix sockets), the command line and the board adapters
# of CPython boards (firmware/hal); the ESP32's own HAL joins when that board does.

module("firmware/__init__.py")
package("firmware/platform")
package("firmware/state")
package("firmware/settings")
package("firmware/accounts")
package("firmware/modbus")
package("firmware/ups")            # with its maps/
package("firmware/events")
package("firmware/logs")
package("firmware/clock")
# The NUT server; its asyncio.Protocol front end (protocol_front.py) is CPython's.
package("firmware/nut", files=("__init__.py", "context.py", "feature.py", "protocol.py",
                               "server.py", "settings.py", "text.py", "users.py"))
package("firmware/shutdown")
package("firmware/schedules")
# The web feature, its settings and its pure API parts; the aiohttp server is CPython's.
package("firmware/http", files=("__init__.py", "settings.py", "feature.py", "routes.py",
                                "openapi.py", "check.py"))
# The console's menu engine and feature; its transports (ssh.py, serial.py) are CPython's.
package("firmware/console", files=("__init__.py", "settings.py", "feature.py", "lineedit.py",
                                   "terminal.py", "screens.py", "session.py", "menus.py",
                                   "commands.py"))
# The SNMP feature and its settings; the agent itself (UDP, pysnmp) is CPython's.
package("firmware/snmp", files=("__init__.py", "settings.py", "feature.py"))
# Who gets which notification, and when; the SMTP client and the sockets are CPython's.
package("firmware/notify", files=("__init__.py", "settings.py", "filter.py", "outbox.py",
                                  "mailtext.py", "mail.py", "rfc5424.py", "syslog.py", "wol.py",
                                  "feature.py"))
package("firmware/admin", files=("__init__.py", "args.py", "ops.py", "feature.py"))
# The status LEDs' table, the reset button's hold times and the panel feature (the ESP32 HAL gives
# it machine.Pin outputs and an input); gpiozero is the Raspberry Pi HAL's (firmware/hal/gpio.py).
package("firmware/panel")
# Environment sensors: the EMD's register map and decoding, set points, the feature; the kernel's
# sensors (sysfs.py) are Linux's.
package("firmware/emd", files=("__init__.py", "registers.py", "thresholds.py", "monitor.py",
                               "settings.py", "rtu.py", "history.py", "feature.py"))
# Readiness and upgrade health; systemd's notification socket is a Linux board's.
package("firmware/service", files=("__init__.py", "feature.py"))
package("firmware/card")
