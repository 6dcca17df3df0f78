"""opennmc: firmware for a UPS network management card (see README.md)."""

VERSION = "0.1.0"
