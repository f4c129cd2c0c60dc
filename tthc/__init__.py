"""tthc: keep a catalogue of Vietnamese administrative procedures (thủ tục hành chính)."""

__version__ = "0.1.0"
