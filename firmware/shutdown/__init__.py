"""Shutdown management (manual §12.8): warnings, FSD to the NUT clients, the UPS off and on."""
