"""Views of the plans app: parse input, call a service, render."""
