"""Environment sensors (manual §14 "EMD"): the EMD on its RS-485 port and a Pi's own sensors."""
