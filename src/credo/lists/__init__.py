"""Lists: defaulter, serious-violator and red lists; their entries, restrictions and repairs."""
