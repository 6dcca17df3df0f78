"""The EMD on its RS-485 port: found, identified, then read, through the card's Modbus master.

    link = EmdLink(transport, address=1)      # transport from board.open_emd(device, baud)
    await link.identify()    -> {"firmware": "01.00.0005", "address": 1}
    await link.read()        -> registers.decode_measures() of the measurement block
"""

from firmware.emd import registers
from firmware.modbus.master import Master


class EmdLink:
    """One EMD at a Modbus address on its own line."""

    def __init__(self, transport, address=1, baud=registers.DEFAULT_BAUD):
        self.transport = transport
        self.address = address
        self.master = Master(transport, baud=baud, parity="N", retries=1)
        self.identity = None

    async def identify(self):
        """Read the identity block; ModbusError when nothing answers, ValueError for a device
        that is not an EMD."""
        words = await self.master.read(self.address, *registers.IDENTITY)
        self.identity = registers.decode_identity(words)
        return self.identity

    async def read(self):
        """The measurement block, decoded (identifying the EMD first when needed)."""
        if self.identity is None:
            await self.identify()
        words = await self.master.read(self.address, *registers.MEASURES)
        return registers.decode_measures(words)

    def close(self):
        self.master.close()

    def status(self):
        return {"address": self.address, "identity": self.identity,
                "line": self.master.status()}
