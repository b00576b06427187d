"""Gateway: the platform's front door — REST, live streams, sign-in and the web front ends."""
