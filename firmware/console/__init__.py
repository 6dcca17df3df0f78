"""The configuration console (manual appendix "Configuring NET VISION via SSH or USB", §9.5).

One menu engine (lineedit.py, screens.py, session.py, commands.py: pure, portable) driven by two
transports on CPython boards: SSH (ssh.py, asyncssh) and a serial line (serial.py: the USB gadget
serial port of a Raspberry Pi, any tty the board names, or a pseudo-terminal on the simulated
board). feature.py runs them as one card feature.
"""
