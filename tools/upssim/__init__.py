"""upssim: a simulated Socomec UPS/STS that talks only over the serial wire (see cli.py)."""
