"""Pure computation: no I/O, no clock, no network, no hidden randomness."""
