"""Signed firmware upgrades that cannot brick the card: verify, install beside, roll back."""
