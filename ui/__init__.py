"""pass'Sport Club: the Qt interface. Widgets only; actions call app services."""
