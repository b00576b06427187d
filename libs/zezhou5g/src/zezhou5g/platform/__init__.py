"""Hand-written helpers shared by every service: nothing scenario-specific lives here."""
