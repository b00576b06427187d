"""Medical service: remote monitoring and pre-hospital emergency for the county medical group."""
