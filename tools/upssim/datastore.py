"""The pymodbus datastore that serves an Installation's register images to the RTU server."""

from __future__ import annotations

from collections.abc import Sequence

from pymodbus.constants import ExcCodes
from pymodbus.datastore import ModbusServerContext
from pymodbus.exceptions import NoSuchIdException

from tools.upssim.device import Installation


class SimContext(ModbusServerContext):
    """pymodbus datastore answering from an Installation (one context for every slave address)."""

    def __init__(self, installation: Installation) -> None:  # pylint: disable=super-init-not-called
        # The base class wants its deprecated device blocks; this context computes words instead.
        self.inst = installation
        self.simdevices = []
        self.old_simulator = True  # pymodbus then calls our async_getValues/async_setValues
        self.requests = 0
        self._echo: dict[tuple[int, int], int] = {}

    def _check(self, device_id: int) -> None:
        if device_id not in self.inst.nodes:
            raise NoSuchIdException(f"no device at slave address {device_id}")

    async def async_getValues(self, device_id: int, func_code: int, address: int,
                              count: int = 1) -> list[int] | list[bool] | ExcCodes:
        self._check(device_id)
        self.requests += 1
        if func_code not in (3, 4, 6, 16, 23):
            return ExcCodes.ILLEGAL_FUNCTION
        if func_code in (6, 16):  # the echo pymodbus reads back after a write
            return [self._echo.get((device_id, address + i), 0) for i in range(count)]
        return self.inst.read(device_id, address, count)

    async def async_setValues(self, device_id: int, func_code: int, address: int,
                              values: Sequence[int] | Sequence[bool]) -> ExcCodes | None:
        self._check(device_id)
        self.requests += 1
        if func_code not in (6, 16):
            return ExcCodes.ILLEGAL_FUNCTION
        words = [int(v) for v in values]
        for i, w in enumerate(words):
            self._echo[(device_id, address + i)] = w
        return self.inst.write(device_id, address, words)

    def device_ids(self) -> list[int]:
        return list(self.inst.nodes)
