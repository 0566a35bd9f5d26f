"""narration layer of Runner Strength (see docs/ARCHITECTURE.md)."""
