"""Views of the insights app: parse input, call a service, render."""
