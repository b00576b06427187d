"""Transport service: face-recognition gate entry with consent, liveness and a non-face lane."""
