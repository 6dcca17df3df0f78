"""The card's front panel: the status LED pair and the reset button (manual §7, §10, LEDs)."""
