"""SNMP agent and traps: RFC 1628 UPS-MIB, the NET VISION trees, v1/v2c/v3 (CPython boards)."""
